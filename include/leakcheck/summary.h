/*
 * The DevTools Memory panel's Summary view of one snapshot: nodes grouped
 * per class (row key), with count and shallow size.  Class names follow
 * current DevTools (Function, RegExp, (system), {a, b} object shapes, …);
 * see ../shared/reference/heapsnapshot-format.md §3.
 */
#ifndef LEAKCHECK_SUMMARY_H
#define LEAKCHECK_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "leakcheck/dominators.h"
#include "leakcheck/err.h"
#include "leakcheck/snapshot.h"

struct lc_summary_row {
  char *key;  /* DevTools row key: "scriptId,line,col,Name" or ",Name" */
  char *name; /* class name shown in the view */
  uint64_t count;
  uint64_t self_size; /* shallow size, after reattribution */
  /* Filled by lc_summary_add_graph; 0 and LC_DISTANCE_NONE before. */
  uint64_t retained_size; /* DevTools' Retained Size column */
  int32_t distance;       /* min over members; DevTools shows "-" when it is
                             negative or >= LC_DISTANCE_BASE_SYSTEM */
};

/* An inferred plain-object interface: objects whose property set includes
 * all of `props` are named `name` ("{a, b}"). */
struct lc_interface {
  char *name;
  char **props; /* nprops property names */
  uint32_t nprops;
};

struct lc_summary {
  struct lc_summary_row *rows; /* sorted by self_size desc, then key */
  size_t nrows;
  uint64_t total_size; /* sum of shallow sizes + extra_native_bytes */
  uint32_t node_count;
  uint32_t edge_count;
  /* Per node ordinal: its row index, or UINT32_MAX when the node is not
   * counted (adjusted self size 0). */
  uint32_t *node_row;
  uint64_t *node_self; /* adjusted self sizes, per ordinal */
  /* The interface definitions applied, most common first (inferred from
   * this snapshot, or copied from another one; see below). */
  struct lc_interface *ifaces;
  size_t nifaces;
};

#define LC_SUMMARY_INIT                                                        \
  {                                                                            \
    0                                                                          \
  }

/* Builds the Summary of `s`.  Returns 0 (never fails on a snapshot that
 * lc_snapshot_parse accepted). */
int lc_summary_build(struct lc_summary *sum, const struct lc_snapshot *s,
                     struct lc_err *err);

/* Same, but names plain objects with the interface definitions of `defs`
 * (another snapshot's summary) instead of inferring them, as DevTools'
 * Comparison view re-classifies the base snapshot with the current one's
 * definitions. */
int lc_summary_build_with(struct lc_summary *sum, const struct lc_snapshot *s,
                          const struct lc_summary *defs, struct lc_err *err);

/* lc_summary_build_with (`defs` may be NULL: infer), taking the snapshot's
 * self sizes instead of copying them: s->node_self_size becomes
 * sum->node_self (adjusted in place) and is NULL afterwards, so no other
 * summary can be built from `s`.  Saves 8 bytes per node for callers that
 * build one summary per snapshot. */
int lc_summary_build_taking(struct lc_summary *sum, struct lc_snapshot *s,
                            const struct lc_summary *defs, struct lc_err *err);

/* Fills every row's retained_size and distance from `g` (built with
 * LC_GRAPH_DOMINATORS | LC_GRAPH_DISTANCES from the same snapshot and
 * sum->node_self).  Needs the per-node arrays (not dropped); `s` is not
 * read. */
void lc_summary_add_graph(struct lc_summary *sum, const struct lc_snapshot *s,
                          const struct lc_graph *g);

/* The two halves of lc_summary_add_graph, so that a caller can free the
 * distances before the dominators are computed.  `distance` (per node, as
 * lc_graph's) may be NULL: every row's distance becomes LC_DISTANCE_NONE.
 * lc_summary_add_retained leaves retained sizes 0 when g has none. */
void lc_summary_add_distances(struct lc_summary *sum, const int32_t *distance);
void lc_summary_add_retained(struct lc_summary *sum, const struct lc_graph *g);

/*
 * The Summary with retained sizes and distances, built the way `leakcheck
 * summary` does: memory is given back as soon as each step is done with
 * it, so that the peak stays below the snapshot file's size.  The graph's
 * marking (the part that reads names) runs on a second thread while the
 * summary is built, taking s's self sizes; then s's names and ids are
 * dropped, distances are folded into the rows, and s's edges are dropped
 * once the dominator step has its predecessor lists.  `s` is spent:
 * afterwards only its counts, path and node types are valid.
 * With `keep` NULL the graph is released inside, its distances before the
 * dominators are computed; else the whole graph is left in *keep (for
 * tests) and the caller releases it.  Returns 0.
 */
int lc_summary_build_spending(struct lc_summary *sum, struct lc_snapshot *s,
                              struct lc_graph *keep, struct lc_err *err);

/* Frees the per-node arrays, keeping the rows (for a series that outlives
 * the snapshot). */
void lc_summary_drop_nodes(struct lc_summary *sum);

void lc_summary_release(struct lc_summary *sum);

/* The class name DevTools shows for one node, into a fresh string. Used by
 * tests and by retainer-path printing. Interface inference ({a, b} names)
 * is only applied by lc_summary_build. */
char *lc_summary_node_class(const struct lc_snapshot *s, uint32_t node);

#endif
