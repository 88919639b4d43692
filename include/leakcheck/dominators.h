/*
 * The heap graph's derived structures, computed only when a report asks:
 * DevTools' essential edges, the dominator tree with retained sizes, and
 * distances from the GC roots.
 * Semantics follow current DevTools (heapsnapshot-format.md §3 steps 2, 3,
 * 5 and 6), so retained sizes and distances equal the Memory panel's.
 */
#ifndef LEAKCHECK_DOMINATORS_H
#define LEAKCHECK_DOMINATORS_H

#include <pthread.h>
#include <stdint.h>

#include "leakcheck/buf.h"
#include "leakcheck/err.h"
#include "leakcheck/snapshot.h"

/* DevTools' distance for nodes reached only from the root's system part,
 * and for nodes it never reaches. */
#define LC_DISTANCE_BASE_SYSTEM 100000000
#define LC_DISTANCE_NONE (-5)

struct lc_graph_dom; /* dominator work between _begin and _end */

struct lc_graph {
  uint32_t node_count;
  /* LC_GRAPH_DOMINATORS: bitsets, see lc_graph_page_owned() and
   * lc_graph_essential(). */
  uint8_t *page_owned; /* per node (§3 step 2) */
  uint8_t *essential;  /* per edge (§3 step 3) */
  uint32_t *idom;      /* per node: immediate dominator (root: itself) */
  uint64_t *retained;  /* per node: retained size */
  int32_t *distance;   /* per node: DevTools distance */
  /* LC_GRAPH_PATHS: per node, the edge through which the distance BFS
   * first reached it (UINT32_MAX for the root and unreached nodes). */
  uint32_t *bfs_edge;

  /* Private. */
  uint8_t *retained_by; /* per node: has an essential retainer */
  uint8_t *dist_skip;   /* per edge: the distance filter refuses it */
  uint8_t *root_seed;   /* per root edge: to a user root */
  uint32_t *pair_edge;  /* WeakMap pair edges, ascending ... */
  uint32_t *pair_of;    /* ... and the number of each one's pair */
  size_t npair_edges;
  uint32_t npairs;
  struct lc_graph_dom *dom;
  uint32_t *dfs_order; /* DFS order until retained is set */
  uint32_t dfs_count;
};

#define LC_GRAPH_INIT                                                          \
  {                                                                            \
    0                                                                          \
  }

/* What lc_graph_build computes. */
enum {
  LC_GRAPH_DOMINATORS = 1, /* essential edges, idom, retained */
  LC_GRAPH_DISTANCES = 2,
  LC_GRAPH_PATHS = 4, /* implies LC_GRAPH_DISTANCES */
  /* lc_graph_build and lc_graph_start run only lc_graph_mark (below). */
  LC_GRAPH_MARK_ONLY = 8
};

/* Builds the structures `what` asks for.  `self` is the per-node shallow
 * size after reattribution (struct lc_summary's node_self), used for
 * retained sizes; it may be NULL, and lc_graph_retained() called later,
 * so that the graph can be built on one thread while the summary (which
 * computes `self`) is built on another: the build only reads `s`.
 * Returns 0; never fails on a parsed snapshot. */
int lc_graph_build(struct lc_graph *g, const struct lc_snapshot *s,
                   const uint64_t *self, unsigned what, struct lc_err *err);

/*
 * The same build, step by step, for a caller that gives the snapshot's
 * memory back as soon as it can (lc_snapshot_drop).  lc_graph_build(g, s,
 * self, what) is lc_graph_mark, lc_graph_distances, then
 * lc_graph_dominators_begin and _end, on a zeroed `g`.
 *
 * lc_graph_mark decides everything that needs names, ids and strings:
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
void lc_graph_mark(struct lc_graph *g, const struct lc_snapshot *s,
                   unsigned what);
void lc_graph_distances(struct lc_graph *g, const struct lc_snapshot *s,
                        int paths);
void lc_graph_dominators_begin(struct lc_graph *g, const struct lc_snapshot *s);
void lc_graph_dominators_end(struct lc_graph *g, const uint64_t *self);

/* Computes g->retained from the per-node sizes `self` (after
 * lc_graph_build with LC_GRAPH_DOMINATORS and a NULL `self`). */
void lc_graph_retained(struct lc_graph *g, const uint64_t *self);

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

void lc_graph_release(struct lc_graph *g);

/* Appends the shortest retainer path from the roots to `node` (a graph
 * built with LC_GRAPH_PATHS), the way DevTools' Retainers pane reads from
 * bottom to top, as one line:
 *   global @5 → registry (property) → Array @41 → [17] (element) → Session @99
 * Node names are DevTools class names (`class_of` gives them, may be NULL
 * for raw names); weak edges are never used.  Returns the number of edges
 * shown, or -1 (and appends "unreachable from the roots") when the BFS
 * never reached `node`. */
long lc_graph_path(const struct lc_graph *g, const struct lc_snapshot *s,
                   uint32_t node,
                   const char *(*class_of)(void *ctx, uint32_t node), void *ctx,
                   struct lc_buf *out);

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
