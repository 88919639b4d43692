/*
 * The heap graph's derived structures, computed only when a report asks:
 * DevTools' essential edges, the dominator tree with retained sizes, and
 * distances from the GC roots.
 * Semantics follow current DevTools (docs/heap-snapshot-format.md §3 steps 2,
 * 3, 5 and 6), so retained sizes and distances equal the Memory panel's.
 */
#ifndef LC_HEAP_GRAPH_H
#define LC_HEAP_GRAPH_H

#include <pthread.h>
#include <stdint.h>

#include "leakcheck/heap.h"

/*
 * The same build, step by step, for a caller that gives the snapshot's
 * memory back as soon as it can (lc_snapshot_drop).  lc_graph_build(g, s,
 * self, what) is the mark step, lc_graph_distances, then
 * lc_graph_dominators_begin and _end, on a zeroed `g`.
 *
 * The mark step (lc_graph_build or lc_graph_start with LC_GRAPH_MARK_ONLY
 * in `what`) decides everything that needs names, ids and strings:
 * the page-owned flag and essential edges (LC_GRAPH_DOMINATORS) and the
 * distance filter's verdict per edge (LC_GRAPH_DISTANCES/PATHS).  The later
 * steps read only node_count and the edges (node_first_edge, edge_to,
 * edge_type), so names may be dropped after it.
 * lc_graph_distances sets g->distance (and g->bfs_edge when `paths`).
 * lc_graph_dominators_begin numbers the nodes depth-first and makes
 * predecessor lists; after it the snapshot's edges may be dropped too.
 * lc_graph_dominators_end sets g->idom, and g->retained when `self` is not
 * NULL (else call lc_graph_retained later).
 */
void lc_graph_distances(struct lc_graph *g, const struct lc_snapshot *s,
                        int paths);
void lc_graph_dominators_begin(struct lc_graph *g, const struct lc_snapshot *s);

/* lc_graph_distances without the per-node array, for a caller that folds
 * distances as they come (a summary's rows): reach(ctx, node, distance) is
 * called for each node the BFS reaches, the root included, each once.
 * Reads only node_first_edge and edge_to of `s` (and what the mark step
 * left in `g`), so it can run beside lc_graph_dominators_begin.  Returns a
 * bitset of the nodes reached (the caller frees it; NULL when there is
 * no graph).  With `keep`, g->distance is set too. */
typedef void (*lc_graph_reach_fn)(void *ctx, uint32_t node, int32_t distance);
uint8_t *lc_graph_distances_visit(struct lc_graph *g,
                                  const struct lc_snapshot *s, int keep,
                                  lc_graph_reach_fn reach, void *ctx);
void lc_graph_dominators_end(struct lc_graph *g, const uint64_t *self);

/* Computes g->retained from the per-node sizes `self` (after
 * lc_graph_build with LC_GRAPH_DOMINATORS and a NULL `self`). */
void lc_graph_retained(struct lc_graph *g, const uint64_t *self);

/* The same, in place: takes over *sizes (node_count + 1 entries, the
 * per-node sizes, typically a spent summary's node_self), turns it into
 * g->retained and sets *sizes to NULL.  Saves 8 bytes a node. */
void lc_graph_retained_take(struct lc_graph *g, uint64_t **sizes);

/* Builds a graph on a second thread while the caller works on the same
 * snapshot (read-only), typically building its summary.  If no thread can
 * be started, the build runs at once, in the caller.  Finish with
 * lc_graph_finish, which waits and, given `self`, sets retained sizes. */
struct lc_graph_job {
  pthread_t thread;
  int threaded;
  struct lc_graph *g;
  const struct lc_snapshot *s;
  unsigned what;
};

void lc_graph_start(struct lc_graph_job *job, struct lc_graph *g,
                    const struct lc_snapshot *s, unsigned what);
void lc_graph_finish(struct lc_graph_job *job, const uint64_t *self);

/* Nonzero when edge e is an essential edge. */
static inline int
lc_graph_essential(const struct lc_graph *g, uint32_t e)
{
  return (g->essential[e >> 3] >> (e & 7)) & 1;
}

/* Nonzero when node v is page-owned. */
static inline int
lc_graph_page_owned(const struct lc_graph *g, uint32_t v)
{
  return (g->page_owned[v >> 3] >> (v & 7)) & 1;
}

/* If edge e's name is one of V8's WeakMap ephemeron edge names
 * ("N / part of key (… @1) -> value (… @2) pair in WeakMap (table @3)"),
 * returns 1 and sets *table_id and *dup (the text after the leading
 * number, shared by both edges of the pair); else 0. */
int lc_weakmap_edge(const struct lc_snapshot *s, uint32_t e, uint32_t *table_id,
                    const char **dup);
#endif
