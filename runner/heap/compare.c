/* The Comparison view (see leakcheck/heap.h). */
#include "leakcheck/heap.h"

#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

#define NONE UINT32_MAX

/* A row's members: node ordinals sorted by id, in one flat array. */
struct members {
  uint32_t *first; /* nrows + 1 */
  uint32_t *nodes;
};

static const uint32_t *sort_ids;

static int
cmp_by_id(const void *a, const void *b)
{
  uint32_t x = sort_ids[*(const uint32_t *)a];
  uint32_t y = sort_ids[*(const uint32_t *)b];
  return x < y ? -1 : x > y;
}

static void
members_build(struct members *m, const struct lc_snapshot *s,
              const struct lc_summary *sum)
{
  uint32_t v, *fill;
  size_t r;
  m->first = lc_xcalloc(sum->nrows + 2, sizeof(uint32_t));
  m->nodes = lc_xmalloc(((size_t)s->node_count + 1) * sizeof(uint32_t));
  for (v = 0; v < s->node_count; v++)
    if (sum->node_row[v] != NONE)
      m->first[sum->node_row[v] + 1]++;
  for (r = 0; r < sum->nrows; r++)
    m->first[r + 1] += m->first[r];
  fill = lc_xmalloc((sum->nrows + 1) * sizeof(uint32_t));
  memcpy(fill, m->first, (sum->nrows + 1) * sizeof(uint32_t));
  for (v = 0; v < s->node_count; v++)
    if (sum->node_row[v] != NONE)
      m->nodes[fill[sum->node_row[v]]++] = v;
  free(fill);
  sort_ids = s->node_id;
  for (r = 0; r < sum->nrows; r++)
    qsort(m->nodes + m->first[r], m->first[r + 1] - m->first[r],
          sizeof(uint32_t), cmp_by_id);
  sort_ids = NULL;
}

static void
members_release(struct members *m)
{
  free(m->first);
  free(m->nodes);
}

static int
cmp_key_index(const void *a, const void *b, void *rows)
{
  const struct lc_summary_row *r = rows;
  return strcmp(r[*(const uint32_t *)a].key, r[*(const uint32_t *)b].key);
}

/* The base row with `key`, via `order` (base rows sorted by key), or NONE. */
static uint32_t
find_key(const struct lc_summary *sum, const uint32_t *order, const char *key)
{
  size_t lo = 0, hi = sum->nrows;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(sum->rows[order[mid]].key, key);
    if (c == 0)
      return order[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NONE;
}

static int
cmp_rows(const void *a, const void *b)
{
  const struct lc_compare_row *x = a, *y = b;
  if (x->size_delta != y->size_delta)
    return x->size_delta > y->size_delta ? -1 : 1;
  return strcmp(x->key, y->key);
}

/* Merges one row's sorted id lists (either may be empty). */
static void
diff_row(struct lc_compare_row *out, const struct lc_snapshot *base,
         const uint32_t *b, size_t nb, const uint64_t *bself,
         const struct lc_snapshot *cur, const uint32_t *c, size_t nc,
         const uint64_t *cself)
{
  size_t i = 0, j = 0;
  while (i < nb || j < nc) {
    if (j >= nc || (i < nb && base->node_id[b[i]] < cur->node_id[c[j]])) {
      out->deleted++;
      out->freed_size += bself[b[i++]];
    } else if (i >= nb || base->node_id[b[i]] > cur->node_id[c[j]]) {
      out->added++;
      out->alloc_size += cself[c[j++]];
    } else {
      i++;
      j++;
    }
  }
  out->delta = (int64_t)out->added - (int64_t)out->deleted;
  out->size_delta = (int64_t)out->alloc_size - (int64_t)out->freed_size;
}

void
lc_compare_build(struct lc_compare *c, const struct lc_snapshot *base,
                 const struct lc_summary *base_sum,
                 const struct lc_snapshot *cur,
                 const struct lc_summary *cur_sum)
{
  struct members mb, mc;
  size_t r, k, alloc = 0;
  uint32_t *order;
  uint8_t *base_matched;
  memset(c, 0, sizeof(*c));
  members_build(&mb, base, base_sum);
  members_build(&mc, cur, cur_sum);
  base_matched = lc_xcalloc(base_sum->nrows + 1, 1);
  order = lc_xmalloc((base_sum->nrows + 1) * sizeof(uint32_t));
  for (r = 0; r < base_sum->nrows; r++)
    order[r] = (uint32_t)r;
  qsort_r(order, base_sum->nrows, sizeof(uint32_t), cmp_key_index,
          base_sum->rows);

  /* Rows of the current snapshot, with their base twin when there is one;
   * then base-only rows.  Keys are unique within a summary. */
  for (r = 0; r < cur_sum->nrows + base_sum->nrows; r++) {
    struct lc_compare_row row;
    const uint32_t *bn = NULL, *cn = NULL;
    size_t nb = 0, nc = 0;
    memset(&row, 0, sizeof(row));
    if (r < cur_sum->nrows) {
      const struct lc_summary_row *cr = &cur_sum->rows[r];
      cn = mc.nodes + mc.first[r];
      nc = mc.first[r + 1] - mc.first[r];
      k = find_key(base_sum, order, cr->key);
      if (k != NONE) {
        base_matched[k] = 1;
        bn = mb.nodes + mb.first[k];
        nb = mb.first[k + 1] - mb.first[k];
      }
      row.key = cr->key;
      row.name = cr->name;
    } else {
      k = r - cur_sum->nrows;
      if (base_matched[k])
        continue;
      bn = mb.nodes + mb.first[k];
      nb = mb.first[k + 1] - mb.first[k];
      row.key = base_sum->rows[k].key;
      row.name = base_sum->rows[k].name;
    }
    diff_row(&row, base, bn, nb, base_sum->node_self, cur, cn, nc,
             cur_sum->node_self);
    if (!row.added && !row.deleted)
      continue;
    row.key = lc_xstrdup(row.key);
    row.name = lc_xstrdup(row.name);
    LC_ALLOC_GROW(c->rows, c->nrows + 1, alloc);
    c->rows[c->nrows++] = row;
  }
  if (c->nrows)
    qsort(c->rows, c->nrows, sizeof(*c->rows), cmp_rows);
  free(base_matched);
  free(order);
  members_release(&mb);
  members_release(&mc);
}

void
lc_compare_release(struct lc_compare *c)
{
  size_t i;
  for (i = 0; i < c->nrows; i++) {
    free(c->rows[i].key);
    free(c->rows[i].name);
  }
  free(c->rows);
  memset(c, 0, sizeof(*c));
}
