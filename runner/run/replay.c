/*
 * `leakcheck analyze`: existing snapshot files, found and ordered (see
 * replay.h for the rules).
 */
#include "run/replay.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "leakcheck/buf.h"
#include "leakcheck/heap.h"

#include "base/banned.h"

#define SUFFIX ".heapsnapshot"
#define MAX_FILES 1000 /* as many as a check may take */

enum scheme { S_NONE, S_HEAP, S_HEAPDUMP, S_NUMBER };

struct item {
  char *path;
  const char *base; /* into path */
  dev_t dev;
  ino_t ino;
  enum scheme scheme;
  uint64_t key[3];
};

/* Reads digits at *p (at least `min`, at most 19) into *v. */
static int
digits(const char **p, size_t min, uint64_t *v)
{
  size_t n = 0;
  *v = 0;
  while (**p >= '0' && **p <= '9' && n < 19) {
    *v = *v * 10 + (uint64_t)(**p - '0');
    (*p)++;
    n++;
  }
  return n >= min && !(**p >= '0' && **p <= '9') ? 0 : -1;
}

static int
expect(const char **p, const char *s)
{
  size_t n = strlen(s);
  if (strncmp(*p, s, n))
    return -1;
  *p += n;
  return 0;
}

/* Which naming scheme `name` follows, and its sort key. */
static enum scheme
classify(const char *name, uint64_t key[3])
{
  const char *p = name;
  uint64_t date, time, pid, tid, seq, a, b;
  if (!expect(&p, "Heap.") && !digits(&p, 8, &date) && !expect(&p, ".") &&
      !digits(&p, 6, &time) && !expect(&p, ".") && !digits(&p, 1, &pid) &&
      !expect(&p, ".") && !digits(&p, 1, &tid) && !expect(&p, ".") &&
      !digits(&p, 1, &seq) && !strcmp(p, SUFFIX)) {
    key[0] = date * 1000000 + time;
    key[1] = seq;
    key[2] = 0;
    return S_HEAP;
  }
  p = name;
  if (!expect(&p, "heapdump-") && !digits(&p, 1, &a) && !expect(&p, ".") &&
      !digits(&p, 1, &b) && !strcmp(p, SUFFIX)) {
    key[0] = a;
    key[1] = b;
    key[2] = 0;
    return S_HEAPDUMP;
  }
  p = name;
  if (!digits(&p, 1, &a) && !strcmp(p, SUFFIX)) {
    key[0] = a;
    key[1] = key[2] = 0;
    return S_NUMBER;
  }
  return S_NONE;
}

static int
item_cmp(const void *pa, const void *pb)
{
  const struct item *a = pa, *b = pb;
  int i, r;
  for (i = 0; i < 3; i++)
    if (a->key[i] != b->key[i])
      return a->key[i] < b->key[i] ? -1 : 1;
  r = strcmp(a->base, b->base);
  return r ? r : strcmp(a->path, b->path);
}

struct list {
  struct item *v;
  size_t n, alloc;
};

static void
list_release(struct list *l)
{
  size_t i;
  for (i = 0; i < l->n; i++)
    free(l->v[i].path);
  free(l->v);
  memset(l, 0, sizeof(*l));
}

/* Adds `path` unless the same file is there already. */
static int
add_file(struct list *l, char *path, const struct stat *st, struct lc_err *err)
{
  size_t i;
  const char *slash;
  struct item *it;
  for (i = 0; i < l->n; i++)
    if (l->v[i].dev == st->st_dev && l->v[i].ino == st->st_ino) {
      free(path);
      return 0;
    }
  if (l->n == MAX_FILES) {
    free(path);
    return lc_err_set(err, LC_EINPUT, NULL, 0, 0,
                      "too many snapshot files; expected at most %d",
                      MAX_FILES);
  }
  LC_ALLOC_GROW(l->v, l->n + 1, l->alloc);
  it = &l->v[l->n++];
  memset(it, 0, sizeof(*it));
  it->path = path;
  slash = strrchr(path, '/');
  it->base = slash ? slash + 1 : path;
  it->dev = st->st_dev;
  it->ino = st->st_ino;
  it->scheme = classify(it->base, it->key);
  return 0;
}

static int
name_cmp(const void *pa, const void *pb)
{
  return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int
add_dir(struct list *l, const char *dir, struct lc_err *err)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, alloc = 0, i, before = l->n;
  int rc = 0;
  if (!d)
    return lc_err_errno(err, errno, dir, "cannot read directory");
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len <= strlen(SUFFIX) || de->d_name[0] == '.' ||
        strcmp(de->d_name + len - strlen(SUFFIX), SUFFIX))
      continue;
    LC_ALLOC_GROW(names, n + 1, alloc);
    names[n++] = lc_xstrdup(de->d_name);
  }
  closedir(d);
  /* readdir's order is the file system's: sort for stable results. */
  if (n)
    qsort(names, n, sizeof(*names), name_cmp);
  for (i = 0; i < n; i++) {
    struct stat st;
    char *path = lc_xasprintf("%s%s%s", dir,
                              dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
    if (!rc && stat(path, &st) == 0 && S_ISREG(st.st_mode))
      rc = add_file(l, path, &st, err);
    else
      free(path);
    free(names[i]);
  }
  free(names);
  if (!rc && l->n == before)
    rc = lc_err_set(err, LC_EINPUT, dir, 0, 0,
                    "no *.heapsnapshot files in this directory");
  return rc;
}

/* The highest odd node id of the snapshot at `path`.  V8 numbers the
 * objects of the JavaScript heap with odd ids, in the order it first sees
 * them; even ids belong to native objects and come from their addresses,
 * in no order. */
static int
highest_id(const char *path, uint64_t *out, struct lc_err *err)
{
  struct lc_snapshot s;
  uint32_t i, max = 0;
  if (lc_snapshot_read(&s, path, err) < 0)
    return -1;
  for (i = 0; i < s.node_count; i++)
    if ((s.node_id[i] & 1) && s.node_id[i] > max)
      max = s.node_id[i];
  lc_snapshot_release(&s);
  *out = max;
  return 0;
}

int
lc_replay_collect(struct lc_replay *in, char *const *args, size_t nargs,
                  struct lc_err *err)
{
  struct list l = {NULL, 0, 0};
  size_t i;
  enum scheme common;
  memset(in, 0, sizeof(*in));
  for (i = 0; i < nargs; i++) {
    struct stat st;
    if (stat(args[i], &st) < 0) {
      lc_err_errno(err, errno, args[i], "cannot read snapshot");
      goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
      if (add_dir(&l, args[i], err) < 0)
        goto fail;
    } else if (add_file(&l, lc_xstrdup(args[i]), &st, err) < 0) {
      goto fail;
    }
  }
  if (!l.n) {
    lc_err_set(err, LC_EINPUT, NULL, 0, 0, "no snapshot files given");
    goto fail;
  }
  common = l.v[0].scheme;
  for (i = 1; i < l.n; i++)
    if (l.v[i].scheme != common)
      common = S_NONE;
  if (common == S_NONE) {
    for (i = 0; i < l.n; i++) {
      l.v[i].key[1] = l.v[i].key[2] = 0;
      if (highest_id(l.v[i].path, &l.v[i].key[0], err) < 0)
        goto fail;
    }
  }
  qsort(l.v, l.n, sizeof(*l.v), item_cmp);
  in->files = lc_xcalloc(l.n + 1, sizeof(*in->files));
  for (i = 0; i < l.n; i++) {
    in->files[i] = l.v[i].path;
    l.v[i].path = NULL;
  }
  in->n = l.n;
  in->order = common == S_HEAP       ? "by the timestamps in their names"
              : common == S_HEAPDUMP ? "by the clock readings in their names"
              : common == S_NUMBER   ? "by the numbers in their names"
                                     : "by their highest node ids";
  list_release(&l);
  return 0;
fail:
  list_release(&l);
  lc_replay_release(in);
  return -1;
}

int
lc_replay_fit(struct lc_check *check, const struct lc_replay *in,
              struct lc_err *err)
{
  if (in->n < (size_t)check->warmup + 2)
    return lc_err_set(err, LC_EINPUT, NULL, 0, 0,
                      "check '%s' needs at least %u snapshot files (warmup "
                      "%u, then 2 measured); got %zu",
                      check->name, check->warmup + 2, check->warmup, in->n);
  check->snapshots = (unsigned)in->n;
  return 0;
}

void
lc_replay_release(struct lc_replay *in)
{
  size_t i;
  for (i = 0; i < in->n; i++)
    free(in->files[i]);
  free(in->files);
  memset(in, 0, sizeof(*in));
}
