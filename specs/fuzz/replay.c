/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput once on each file named on
 * the command line (a directory stands for the regular files in it), so
 * that CTest replays every seed corpus in every build, with or without
 * libFuzzer.  Exit 0 when every input was run; the target itself aborts on
 * a finding.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  uint8_t *data = NULL;
  size_t len = 0, cap = 0, got;
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  do {
    if (len == cap) {
      uint8_t *p;
      cap = cap ? cap * 2 : 65536;
      p = realloc(data, cap);
      if (!p) {
        fprintf(stderr, "replay: %s: out of memory\n", path);
        free(data);
        fclose(f);
        return -1;
      }
      data = p;
    }
    got = fread(data + len, 1, cap - len, f);
    len += got;
  } while (got > 0);
  fclose(f);
  LLVMFuzzerTestOneInput(data, len);
  free(data);
  return 0;
}

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
  int i, ran = 0, bad = 0;
  for (i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) < 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      return 2;
    }
    if (S_ISDIR(st.st_mode)) {
      DIR *d = opendir(argv[i]);
      struct dirent *de;
      char **names = NULL;
      size_t n = 0, k, len;
      if (!d) {
        fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
        return 2;
      }
      while ((de = readdir(d))) {
        char **p;
        if (de->d_name[0] == '.')
          continue;
        p = realloc(names, (n + 1) * sizeof(*names));
        if (!p)
          return 2;
        names = p;
        len = strlen(argv[i]) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
          return 2;
        snprintf(names[n], len, "%s/%s", argv[i], de->d_name);
        n++;
      }
      closedir(d);
      qsort(names, n, sizeof(*names), cmp_str);
      for (k = 0; k < n; k++) {
        if (run_file(names[k]) < 0)
          bad++;
        else
          ran++;
        free(names[k]);
      }
      free(names);
    } else {
      if (run_file(argv[i]) < 0)
        bad++;
      else
        ran++;
    }
  }
  printf("replay: %d inputs run\n", ran);
  return bad || ran == 0 ? 1 : 0;
}
