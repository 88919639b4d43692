/*
 * Helpers shared by the Check suites (testutil.h).
 */
#include "testutil.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "leakcheck/buf.h"
#include "snapbuild.h"

size_t
lc_test_count(const char *hay, const char *needle)
{
  size_t n = 0;
  const char *p = hay;
  while ((p = strstr(p, needle)) != NULL) {
    n++;
    p += strlen(needle);
  }
  return n;
}

char *
lc_test_tmpdir(const char *base, const char *tag)
{
  char *t;
  if (!base)
    base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  t = lc_xasprintf("%s/lc-%s-XXXXXX", base, tag);
  ck_assert_msg(mkdtemp(t) != NULL, "cannot make a directory like %s", t);
  return t;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

void
lc_test_rmtree(const char *path)
{
  if (path)
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

size_t
lc_test_dir_entries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t n = 0;
  ck_assert_msg(d != NULL, "cannot open directory %s", dir);
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n++;
  closedir(d);
  return n;
}

char *
lc_test_read(const char *path)
{
  struct lc_buf b = LC_BUF_INIT;
  ck_assert_msg(lc_buf_read_file(&b, path) == 0, "cannot read %s", path);
  return lc_buf_detach(&b, NULL);
}

void
lc_test_write(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  fputs(text, f);
  ck_assert_int_eq(fclose(f), 0);
}

const struct lc_summary_row *
lc_test_find_row(const struct lc_summary *sum, const char *key)
{
  size_t i;
  for (i = 0; i < sum->nrows; i++)
    if (strcmp(sum->rows[i].key, key) == 0)
      return &sum->rows[i];
  return NULL;
}

char *
lc_test_write_snapshot(const char *dir, const char *name, const struct tsnap *t,
                       int layout)
{
  struct lc_buf b = LC_BUF_INIT;
  char *path = lc_xasprintf("%s/%s", dir, name);
  FILE *f;
  build_json(&b, t, layout);
  f = fopen(path, "w");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  ck_assert_uint_eq(fwrite(b.buf, 1, b.len, f), b.len);
  ck_assert_int_eq(fclose(f), 0);
  lc_buf_release(&b);
  return path;
}
