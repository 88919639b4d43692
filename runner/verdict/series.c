/* Series of Summaries (see series.h). */
#include "verdict/series.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

void
lc_series_add(struct lc_series *ser, const struct lc_summary *sum)
{
  size_t k = ser->nsnap, n = k + 1, i;
  uint64_t tc = 0, ts = 0;

  /* Every known row gets a zero for this snapshot first; rows present in
   * `sum` overwrite it below. */
  for (i = 0; i < ser->nrows; i++) {
    struct lc_series_row *r = &ser->rows[i];
    r->count = lc_reallocarray_or_die(r->count, n, sizeof(*r->count));
    r->size = lc_reallocarray_or_die(r->size, n, sizeof(*r->size));
    r->count[k] = 0;
    r->size[k] = 0;
  }
  ser->total_count =
      lc_reallocarray_or_die(ser->total_count, n, sizeof(*ser->total_count));
  ser->total_size =
      lc_reallocarray_or_die(ser->total_size, n, sizeof(*ser->total_size));

  for (i = 0; i < sum->nrows; i++) {
    const struct lc_summary_row *src = &sum->rows[i];
    const char *key = src->key ? src->key : "";
    struct lc_series_row *r;
    int added;
    uint32_t idx;

    if (ser->nrows >= LC_SERIES_NO_ROW - 1)
      abort(); /* 4 billion classes: the index type cannot hold them */
    idx = lc_strmap_intern(&ser->index, key, strlen(key), &added);
    if (added) {
      LC_ALLOC_GROW(ser->rows, ser->nrows + 1, ser->rows_alloc);
      r = &ser->rows[ser->nrows];
      r->key = ser->index.keys[idx];
      r->name = lc_xstrdup(src->name ? src->name : key);
      r->count = lc_xcalloc(n, sizeof(*r->count));
      r->size = lc_xcalloc(n, sizeof(*r->size));
      r->survivors = NULL;
      r->ident = NULL;
      r->where = NULL;
      r->memory = LC_MEM_NONE;
      ser->nrows++;
    } else {
      r = &ser->rows[idx];
    }
    r->count[k] += src->count;
    r->size[k] += src->self_size;
    tc += src->count;
    ts += src->self_size;
  }
  ser->total_count[k] = tc;
  ser->total_size[k] = ts;
  ser->nsnap = n;
}

/* Sets (*a)[k] in an array of *n that grows with zeros to hold it. */
static void
set_at(double **a, size_t *n, size_t k, double units)
{
  size_t i;
  if (!(units > 0) || k == SIZE_MAX)
    return;
  if (k >= *n) {
    *a = lc_reallocarray_or_die(*a, k + 1, sizeof(**a));
    for (i = *n; i <= k; i++)
      (*a)[i] = 0;
    *n = k + 1;
  }
  (*a)[k] = units;
}

void
lc_series_set_span(struct lc_series *ser, size_t k, double units)
{
  set_at(&ser->span, &ser->nspan, k, units);
}

void
lc_series_set_drive(struct lc_series *ser, size_t k, double units)
{
  set_at(&ser->drive, &ser->ndrive, k, units);
}

void
lc_series_release(struct lc_series *ser)
{
  size_t i;
  for (i = 0; i < ser->nrows; i++) {
    free(ser->rows[i].name);
    free(ser->rows[i].ident);
    free(ser->rows[i].count);
    free(ser->rows[i].size);
    free(ser->rows[i].survivors);
    free(ser->rows[i].where);
  }
  if (ser->big)
    for (i = 0; i < ser->nsnap; i++)
      free(ser->big[i].v);
  free(ser->big);
  free(ser->max_id);
  free(ser->span);
  free(ser->drive);
  free(ser->rows);
  free(ser->total_count);
  free(ser->total_size);
  for (i = 0; i < ser->nmem; i++) {
    free(ser->mem[i].name);
    free(ser->mem[i].count);
    free(ser->mem[i].size);
  }
  free(ser->mem);
  lc_strmap_release(&ser->index);
  memset(ser, 0, sizeof(*ser));
}

const char *
lc_series_mem_name(enum lc_mem_kind kind)
{
  static const char *const names[LC_MEM_KINDS] = {
      "",           "(rss)",           "(heap used)",       "(heap total)",
      "(external)", "(array buffers)", "(process tree rss)"};
  if (kind <= LC_MEM_NONE || kind >= LC_MEM_KINDS)
    return "";
  return names[kind];
}

void
lc_series_add_memory(struct lc_series *ser, enum lc_mem_kind kind,
                     const uint64_t *bytes)
{
  struct lc_series_row *r = (struct lc_series_row *)lc_series_memory(ser, kind);
  size_t n = ser->nsnap ? ser->nsnap : 1;
  if (!r) {
    ser->mem = lc_reallocarray_or_die(ser->mem, ser->nmem + 1, sizeof(*r));
    r = &ser->mem[ser->nmem++];
    memset(r, 0, sizeof(*r));
    r->name = lc_xstrdup(lc_series_mem_name(kind));
    r->key = r->name;
    r->memory = kind;
  }
  free(r->count);
  free(r->size);
  r->count = lc_xcalloc(n, sizeof(*r->count));
  r->size = lc_xcalloc(n, sizeof(*r->size));
  if (ser->nsnap)
    memcpy(r->size, bytes, ser->nsnap * sizeof(*r->size));
}

const struct lc_series_row *
lc_series_memory(const struct lc_series *ser, enum lc_mem_kind kind)
{
  size_t i;
  for (i = 0; i < ser->nmem; i++)
    if (ser->mem[i].memory == kind)
      return &ser->mem[i];
  return NULL;
}

long
lc_series_find(const struct lc_series *ser, const char *key)
{
  uint32_t i = lc_strmap_find(&ser->index, key, strlen(key));
  return i == UINT32_MAX ? -1 : (long)i;
}

static int
big_cmp(const void *a, const void *b)
{
  const struct lc_big_object *x = a, *y = b;
  return x->id < y->id ? -1 : x->id > y->id;
}

const struct lc_big_object *
lc_big_objects_find(const struct lc_big_objects *b, uint32_t id)
{
  struct lc_big_object key;
  key.id = id;
  return b->n ? bsearch(&key, b->v, b->n, sizeof(*b->v), big_cmp) : NULL;
}

/* The edges of node v's contents (see lc_big_object.refs). */
static uint32_t
content_refs(const struct lc_snapshot *s, uint32_t v)
{
  uint32_t e, n = 0;
  for (e = s->node_first_edge[v]; e < s->node_first_edge[v + 1]; e++) {
    const char *name;
    uint32_t t = lc_snapshot_edge_to(s, e);
    if (lc_snapshot_edge_type(s, e) == LC_ET_ELEMENT) {
      n++;
      continue;
    }
    if (lc_snapshot_edge_type(s, e) != LC_ET_INTERNAL)
      continue;
    name = lc_snapshot_str(s, lc_snapshot_edge_name(s, e));
    if (strcmp(name, "elements") && strcmp(name, "properties") &&
        strcmp(name, "table"))
      continue;
    n += s->node_first_edge[t + 1] - s->node_first_edge[t];
  }
  return n;
}

/* The series row index of summary row r. */
static uint32_t
series_row_of(const struct lc_series *ser, const struct lc_summary *sum,
              uint32_t r)
{
  long i = lc_series_find(ser, sum->rows[r].key);
  return i < 0 ? LC_SERIES_NO_ROW : (uint32_t)i;
}

void
lc_series_add_objects(struct lc_series *ser, const struct lc_snapshot *s,
                      const struct lc_summary *sum)
{
  size_t k = ser->nsnap - 1, alloc = 0;
  uint32_t v, max = 0;
  struct lc_big_objects *b;
  uint32_t *row_map;
  ser->max_id =
      lc_reallocarray_or_die(ser->max_id, ser->nsnap, sizeof(*ser->max_id));
  ser->big = lc_reallocarray_or_die(ser->big, ser->nsnap, sizeof(*ser->big));
  b = &ser->big[k];
  memset(b, 0, sizeof(*b));
  row_map = lc_xmalloc((sum->nrows + 1) * sizeof(uint32_t));
  for (v = 0; v < sum->nrows; v++)
    row_map[v] = series_row_of(ser, sum, v);
  for (v = 0; v < s->node_count; v++) {
    uint32_t id = s->node_id[v];
    if ((id & 1) && id > max)
      max = id;
    if (sum->node_row[v] == UINT32_MAX || sum->node_self[v] < LC_BIG_OBJECT ||
        s->node_type[v] == LC_NT_STRING ||
        s->node_type[v] == LC_NT_CONS_STRING ||
        s->node_type[v] == LC_NT_SLICED_STRING || !(id & 1))
      continue;
    LC_ALLOC_GROW(b->v, b->n + 1, alloc);
    b->v[b->n].id = id;
    b->v[b->n].row = row_map[sum->node_row[v]];
    b->v[b->n].size = sum->node_self[v];
    b->v[b->n].refs = content_refs(s, v);
    b->n++;
  }
  if (b->n > 1)
    qsort(b->v, b->n, sizeof(*b->v), big_cmp);
  ser->max_id[k] = max;
  free(row_map);
}

void
lc_series_set_survivors(struct lc_series *ser, const struct lc_snapshot *s,
                        const struct lc_summary *sum)
{
  size_t n = ser->nsnap, i;
  uint32_t v, *row_map;
  if (!n || !ser->max_id)
    return;
  for (i = 0; i < ser->nrows; i++) {
    free(ser->rows[i].survivors);
    ser->rows[i].survivors = lc_xcalloc(n, sizeof(uint64_t));
  }
  row_map = lc_xmalloc((sum->nrows + 1) * sizeof(uint32_t));
  for (v = 0; v < sum->nrows; v++)
    row_map[v] = series_row_of(ser, sum, v);
  for (v = 0; v < s->node_count; v++) {
    uint32_t id = s->node_id[v], r;
    size_t lo = 0, hi = n;
    if (sum->node_row[v] == UINT32_MAX || !(id & 1))
      continue;
    r = row_map[sum->node_row[v]];
    if (r == LC_SERIES_NO_ROW)
      continue;
    /* The interval the object was allocated in: the first snapshot whose
     * highest id reaches it (ids only grow within one process). */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (ser->max_id[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo > 0 && lo < n)
      ser->rows[r].survivors[lo]++;
  }
  free(row_map);
}
