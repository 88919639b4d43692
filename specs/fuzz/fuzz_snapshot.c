/*
 * libFuzzer target for the snapshot engine: any bytes must give either a
 * parsed snapshot or an error with a message and a byte offset, never a
 * crash, leak or hang.  A parsed snapshot then goes through everything a
 * report does with it: the Summary, the graph with every flag (essential
 * edges, dominators, retained sizes, distances, paths), the rows' retained
 * sizes and distances, retainer paths, the base re-classification and the
 * Comparison view of the snapshot against itself; a few invariants that
 * hold for any graph are checked on the way.
 * Built with -DLEAKCHECK_FUZZ=ON and CC=clang; seeds in corpus_snapshot/,
 * dictionary in snapshot.dict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"
#include "leakcheck/heap.h"
#include "heap/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Raw names for odd ordinals, DevTools class names for even ones. */
static void
class_of(void *ctx, const struct lc_snapshot *s, uint32_t node,
         struct lc_buf *out)
{
  char *name;
  (void)ctx;
  if (node % 2) {
    lc_buf_addstr(out, lc_snapshot_str(s, s->node_name[node]));
    return;
  }
  name = lc_summary_node_class(s, node);
  lc_buf_addstr(out, name);
  free(name);
}

/* The way `leakcheck summary` builds it, dropping the snapshot's parts as
 * it goes (so `s` is spent), must give the rows of `want`. */
static void
stepwise(struct lc_snapshot *s, const struct lc_summary *want)
{
  struct lc_summary sum;
  struct lc_err err = LC_ERR_INIT;
  size_t i;
  static const struct lc_summary_opts retained = {LC_SUMMARY_RETAINED, NULL,
                                                  NULL};
  lc_summary_build(&sum, s, &retained);
  if (sum.nrows != want->nrows || sum.total_size != want->total_size)
    abort();
  for (i = 0; i < sum.nrows; i++) {
    const struct lc_summary_row *a = &sum.rows[i], *b = &want->rows[i];
    if (strcmp(a->key, b->key) != 0 || a->count != b->count ||
        a->self_size != b->self_size || a->retained_size != b->retained_size ||
        a->distance != b->distance)
      abort();
  }
  lc_summary_release(&sum);
  lc_err_release(&err);
}

static void
exercise(struct lc_snapshot *s)
{
  struct lc_summary sum, base;
  struct lc_graph g;
  struct lc_compare cmp;
  struct lc_err err = LC_ERR_INIT;
  uint64_t rows_self = 0, nodes_self = 0;
  uint32_t v;
  size_t i;

  struct lc_summary_opts with = {0, NULL, NULL};
  lc_summary_build(&sum, s, NULL);
  lc_graph_build(&g, s, sum.node_self,
                 LC_GRAPH_DOMINATORS | LC_GRAPH_DISTANCES | LC_GRAPH_PATHS);
  lc_summary_add_graph(&sum, s, &g);

  /* Rows add up to the total; the root retains every node's size. */
  for (i = 0; i < sum.nrows; i++) {
    if (!sum.rows[i].count || !sum.rows[i].key || !sum.rows[i].name)
      abort();
    rows_self += sum.rows[i].self_size;
  }
  for (v = 0; v < s->node_count; v++)
    nodes_self += sum.node_self[v];
  if (rows_self + s->extra_native_bytes != sum.total_size)
    abort();
  if (s->node_count) {
    if (g.idom[0] != 0 || g.retained[0] != nodes_self)
      abort();
    for (v = 0; v < s->node_count; v++)
      if (g.idom[v] >= s->node_count)
        abort();
  }

  /* Retainer paths of a few nodes. */
  for (v = 0; v < s->node_count && v < 8; v++) {
    struct lc_buf out = LC_BUF_INIT;
    lc_graph_path(&g, s, s->node_count - 1 - v, class_of, NULL, &out);
    lc_buf_release(&out);
  }

  /* The Comparison view of the snapshot with itself has no changed row. */
  with.defs = &sum;
  lc_summary_build(&base, s, &with);
  if (base.nrows != sum.nrows)
    abort();
  lc_compare_build(&cmp, s, &base, s, &sum);
  if (cmp.nrows != 0)
    abort();
  lc_compare_release(&cmp);
  lc_summary_release(&base);

  lc_graph_release(&g);
  lc_err_release(&err);
  stepwise(s, &sum);
  lc_summary_release(&sum);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;

  if (lc_snapshot_parse(&s, "fuzz.heapsnapshot", (const char *)data, size,
                        &err) == 0) {
    exercise(&s);
    lc_snapshot_release(&s);
  } else {
    char *m = lc_err_format(&err);
    if (!err.msg || err.code != LC_EINPUT || !err.has_offset ||
        err.offset > size)
      abort();
    free(m);
  }
  lc_err_release(&err);
  return 0;
}
