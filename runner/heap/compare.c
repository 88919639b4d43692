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

/* By id; equal ids (only in a malformed file) keep node order. */
static int
cmp_by_id(const void *a, const void *b)
{
  uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
  uint32_t x = sort_ids[i], y = sort_ids[j];
  if (x != y)
    return x < y ? -1 : 1;
  return i < j ? -1 : i > j;
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

/* ---- the current snapshot's side, compact ------------------------------ */

static void
put_varint(struct lc_compare_side *side, size_t *cap, uint64_t v)
{
  LC_ALLOC_GROW(side->bytes, side->len + 10, *cap);
  while (v >= 0x80) {
    side->bytes[side->len++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  side->bytes[side->len++] = (uint8_t)v;
}

static uint64_t
get_varint(const uint8_t *p, size_t *at)
{
  uint64_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  do {
    b = p[(*at)++];
    v |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return v;
}

void
lc_compare_side_build(struct lc_compare_side *side, const struct lc_snapshot *s,
                      const struct lc_summary *sum)
{
  struct members m;
  size_t r, cap = 0;
  uint32_t k;
  memset(side, 0, sizeof(*side));
  side->nrows = sum->nrows;
  members_build(&m, s, sum);
  /* Row by row (each row's member count is its count), ascending ids as
   * deltas from the previous one, each followed by the node's self size:
   * a few bytes a node instead of its id, row and size columns. */
  for (r = 0; r < sum->nrows; r++) {
    uint32_t prev = 0;
    for (k = m.first[r]; k < m.first[r + 1]; k++) {
      uint32_t v = m.nodes[k];
      put_varint(side, &cap, s->node_id[v] - prev);
      put_varint(side, &cap, sum->node_self[v]);
      prev = s->node_id[v];
    }
  }
  side->bytes = lc_xrealloc(side->bytes, side->len + 1);
  members_release(&m);
}

void
lc_compare_side_release(struct lc_compare_side *side)
{
  free(side->bytes);
  memset(side, 0, sizeof(*side));
}

/* A row of the current side being read: `left` members from byte `at`. */
struct side_cursor {
  const uint8_t *p;
  size_t at;
  uint64_t left;
  uint32_t id;
  uint64_t self;
};

static int
side_next(struct side_cursor *c)
{
  if (!c->left)
    return 0;
  c->left--;
  c->id += (uint32_t)get_varint(c->p, &c->at);
  c->self = get_varint(c->p, &c->at);
  return 1;
}

/* Merges one row's base members (sorted by id) with its current members
 * read from the cursor (either may be empty).  The cursor is read to the
 * row's end. */
static void
diff_row(struct lc_compare_row *out, const struct lc_snapshot *base,
         const uint32_t *b, size_t nb, const uint64_t *bself,
         struct side_cursor *c)
{
  size_t i = 0;
  int have = side_next(c);
  while (i < nb || have) {
    if (!have || (i < nb && base->node_id[b[i]] < c->id)) {
      out->deleted++;
      out->freed_size += bself[b[i++]];
    } else if (i >= nb || base->node_id[b[i]] > c->id) {
      out->added++;
      out->alloc_size += c->self;
      have = side_next(c);
    } else {
      i++;
      have = side_next(c);
    }
  }
  out->delta = (int64_t)out->added - (int64_t)out->deleted;
  out->size_delta = (int64_t)out->alloc_size - (int64_t)out->freed_size;
}

void
lc_compare_build_side(struct lc_compare *c, const struct lc_snapshot *base,
                      const struct lc_summary *base_sum,
                      const struct lc_compare_side *cur,
                      const struct lc_summary *cur_sum)
{
  struct members mb;
  struct side_cursor sc;
  size_t r, k, alloc = 0;
  uint32_t *order;
  uint8_t *base_matched;
  memset(c, 0, sizeof(*c));
  memset(&sc, 0, sizeof(sc));
  sc.p = cur->bytes;
  members_build(&mb, base, base_sum);
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
    const uint32_t *bn = NULL;
    size_t nb = 0;
    memset(&row, 0, sizeof(row));
    sc.left = 0;
    sc.id = 0;
    if (r < cur_sum->nrows) {
      const struct lc_summary_row *cr = &cur_sum->rows[r];
      sc.left = cr->count;
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
    diff_row(&row, base, bn, nb, base_sum->node_self, &sc);
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
}

void
lc_compare_build(struct lc_compare *c, const struct lc_snapshot *base,
                 const struct lc_summary *base_sum,
                 const struct lc_snapshot *cur,
                 const struct lc_summary *cur_sum)
{
  struct lc_compare_side side;
  lc_compare_side_build(&side, cur, cur_sum);
  lc_compare_build_side(c, base, base_sum, &side, cur_sum);
  lc_compare_side_release(&side);
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
