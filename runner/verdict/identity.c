/* Stable identities of Summary rows (identity.h). */
#include "verdict/identity.h"

#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

static int
parse_u32(const char **p, uint32_t *out)
{
  const char *s = *p;
  uint64_t v = 0;
  if (*s < '0' || *s > '9')
    return -1;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > UINT32_MAX)
      return -1;
    s++;
  }
  *out = (uint32_t)v;
  *p = s;
  return 0;
}

int
lc_identity_key_location(const char *key, uint32_t *script, uint32_t *line,
                         uint32_t *col)
{
  const char *p = key;
  if (parse_u32(&p, script) < 0 || *p++ != ',' || parse_u32(&p, line) < 0 ||
      *p++ != ',' || parse_u32(&p, col) < 0 || *p != ',')
    return 0;
  return 1;
}

/* Appends `path` relative to `dir` when it lies under it, else as is. */
static void
add_path(struct lc_buf *out, const char *path, const char *dir)
{
  size_t dl;
  if (strncmp(path, "file://", 7) == 0 && path[7] == '/')
    path += 7;
  if (dir && path[0] == '/') {
    dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
      dl--;
    if (dl == 1 && dir[0] == '/') {
      lc_buf_addstr(out, path + 1);
      return;
    }
    if (strncmp(path, dir, dl) == 0 && path[dl] == '/' && path[dl + 1]) {
      lc_buf_addstr(out, path + dl + 1);
      return;
    }
  }
  lc_buf_addstr(out, path);
}

char *
lc_identity(const char *key, const char *name, const struct lc_scripts *sc,
            const char *base_dir)
{
  struct lc_buf b = LC_BUF_INIT;
  uint32_t script, line, col;
  lc_buf_addstr(&b, name);
  if (lc_identity_key_location(key, &script, &line, &col)) {
    const char *path = sc ? lc_scripts_name(sc, script) : NULL;
    lc_buf_addstr(&b, " (");
    if (path && *path)
      add_path(&b, path, base_dir);
    else
      lc_buf_addch(&b, '?');
    lc_buf_addf(&b, ":%u:%u)", line + 1, col + 1);
  }
  return lc_buf_detach(&b, NULL);
}

void
lc_series_set_identities(struct lc_series *ser, const struct lc_scripts *sc,
                         const char *base_dir)
{
  size_t i;
  for (i = 0; i < ser->nrows; i++)
    if (!ser->rows[i].ident)
      ser->rows[i].ident =
          lc_identity(ser->rows[i].key, ser->rows[i].name, sc, base_dir);
}

long
lc_series_find_identity(const struct lc_series *ser, const char *ident)
{
  size_t i;
  for (i = 0; i < ser->nrows; i++)
    if (ser->rows[i].ident && strcmp(ser->rows[i].ident, ident) == 0)
      return (long)i;
  return -1;
}

int
lc_scripts_conflict(const struct lc_scripts *a, const struct lc_scripts *b)
{
  size_t i = 0, j = 0;
  while (i < a->n && j < b->n) {
    if (a->ids[i] < b->ids[j]) {
      i++;
    } else if (a->ids[i] > b->ids[j]) {
      j++;
    } else {
      if (strcmp(a->names[i], b->names[j]) != 0)
        return 1;
      i++;
      j++;
    }
  }
  return 0;
}

struct id_item {
  char *id;
  const char *name;
  int side; /* 0 base, 1 current */
  uint64_t count, size;
};

static int
item_cmp(const void *pa, const void *pb)
{
  const struct id_item *a = pa, *b = pb;
  return strcmp(a->id, b->id);
}

static int64_t
sdiff(uint64_t a, uint64_t b)
{
  return a >= b ? (int64_t)(a - b) : -(int64_t)(b - a);
}

static int
row_cmp(const void *pa, const void *pb)
{
  const struct lc_id_diff_row *a = pa, *b = pb;
  int64_t da = sdiff(a->size, a->base_size), db = sdiff(b->size, b->base_size);
  if (da != db)
    return da > db ? -1 : 1;
  da = sdiff(a->count, a->base_count);
  db = sdiff(b->count, b->base_count);
  if (da != db)
    return da > db ? -1 : 1;
  return strcmp(a->id, b->id);
}

void
lc_id_diff(const struct lc_summary *base, const struct lc_scripts *bsc,
           const struct lc_summary *cur, const struct lc_scripts *csc,
           const char *base_dir, struct lc_id_diff_row **rows, size_t *nrows)
{
  size_t n = base->nrows + cur->nrows, k = 0, i, out = 0, alloc = 0;
  struct id_item *it = lc_xcalloc(n ? n : 1, sizeof(*it));
  struct lc_id_diff_row *r = NULL;
  for (i = 0; i < base->nrows; i++, k++) {
    it[k].id =
        lc_identity(base->rows[i].key, base->rows[i].name, bsc, base_dir);
    it[k].name = base->rows[i].name;
    it[k].side = 0;
    it[k].count = base->rows[i].count;
    it[k].size = base->rows[i].self_size;
  }
  for (i = 0; i < cur->nrows; i++, k++) {
    it[k].id = lc_identity(cur->rows[i].key, cur->rows[i].name, csc, base_dir);
    it[k].name = cur->rows[i].name;
    it[k].side = 1;
    it[k].count = cur->rows[i].count;
    it[k].size = cur->rows[i].self_size;
  }
  if (n)
    qsort(it, n, sizeof(*it), item_cmp);
  for (i = 0; i < n;) {
    struct lc_id_diff_row row;
    size_t j = i;
    memset(&row, 0, sizeof(row));
    for (; j < n && !strcmp(it[j].id, it[i].id); j++) {
      if (it[j].side) {
        row.count += it[j].count;
        row.size += it[j].size;
      } else {
        row.base_count += it[j].count;
        row.base_size += it[j].size;
      }
    }
    if (row.count != row.base_count || row.size != row.base_size) {
      row.id = lc_xstrdup(it[i].id);
      row.name = lc_xstrdup(it[i].name);
      LC_ALLOC_GROW(r, out + 1, alloc);
      r[out++] = row;
    }
    i = j;
  }
  for (i = 0; i < n; i++)
    free(it[i].id);
  free(it);
  if (out > 1)
    qsort(r, out, sizeof(*r), row_cmp);
  *rows = r;
  *nrows = out;
}

void
lc_id_diff_release(struct lc_id_diff_row *rows, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    free(rows[i].id);
    free(rows[i].name);
  }
  free(rows);
}
