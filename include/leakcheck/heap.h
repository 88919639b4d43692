/*
 * leakcheck's heap engine: the public API of the leakcheck-heap library.
 *
 * Reads a V8 .heapsnapshot file and computes what the Chrome DevTools
 * Memory panel shows of it: the Summary view (objects grouped per class,
 * with count, shallow size, retained size and distance), the Comparison
 * view of two snapshots by node id, and retainer paths.  The numbers are
 * DevTools' own; docs/heap-snapshot-format.md describes the file and the
 * rules followed.  The library depends on nothing above it: no
 * configuration, no processes, no reports, no output.
 *
 * Ownership: every struct is initialised with its *_INIT macro (or zeroed),
 * filled by a *_read/_parse/_build call, and freed with its *_release;
 * strings and arrays in it belong to it.  Errors are reported through a
 * struct lc_err (leakcheck/err.h), never printed.
 */
#ifndef LEAKCHECK_HEAP_H
#define LEAKCHECK_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "leakcheck/buf.h"
#include "leakcheck/err.h"

/* ---- one snapshot file -------------------------------------------------
 *
 * One .heapsnapshot read into flat, column-wise arrays.  Field layouts come
 * from snapshot.meta (never hard-coded), so snapshots of Node 18-24 load
 * alike.  A snapshot owns everything it parsed: the node and edge columns,
 * one string arena and the location table; there is no per-node allocation
 * and lc_snapshot_release() frees it all.
 *
 * Strings are decoded from JSON into UTF-8.  V8 writes UTF-16 units as
 * \uXXXX; valid surrogate pairs are joined and lone surrogates become
 * U+FFFD.
 */

/* Node types we give meaning to; the file's own enum is mapped onto these by
 * name, and unknown names map to LC_NT_OTHER (their text is kept). */
enum lc_node_type {
  LC_NT_HIDDEN,
  LC_NT_ARRAY,
  LC_NT_STRING,
  LC_NT_OBJECT,
  LC_NT_CODE,
  LC_NT_CLOSURE,
  LC_NT_REGEXP,
  LC_NT_NUMBER,
  LC_NT_NATIVE,
  LC_NT_SYNTHETIC,
  LC_NT_CONS_STRING,
  LC_NT_SLICED_STRING,
  LC_NT_SYMBOL,
  LC_NT_BIGINT,
  LC_NT_OBJECT_SHAPE,
  LC_NT_WASM_OBJECT,
  LC_NT_OTHER
};

enum lc_edge_type {
  LC_ET_CONTEXT,
  LC_ET_ELEMENT,
  LC_ET_PROPERTY,
  LC_ET_INTERNAL,
  LC_ET_HIDDEN,
  LC_ET_SHORTCUT,
  LC_ET_WEAK,
  LC_ET_OTHER
};

struct lc_snapshot {
  char *path; /* owned copy of the name given to read/parse */
  uint32_t node_count;
  uint32_t edge_count;
  uint64_t extra_native_bytes; /* V8 13+; 0 otherwise */
  int has_detachedness;        /* the file has a detachedness field */

  /* Node columns, each node_count long, indexed by node ordinal. */
  uint8_t *node_type; /* enum lc_node_type */
  /* The index into type_names; NULL when node_type says as much, i.e. when
   * every name in the file's enum is a distinct known type: raw_type_of
   * then maps node_type back.  Use lc_snapshot_type_raw(). */
  uint8_t *node_type_raw;
  uint32_t *node_name; /* string index */
  uint32_t *node_id;
  uint64_t *node_self_size;
  uint32_t *node_first_edge;  /* node_count + 1 entries: prefix sums */
  uint8_t *node_detachedness; /* 0 unknown, 1 attached, 2 detached */

  /* Edge columns, each edge_count long, grouped by source node.  Read an
   * edge with lc_snapshot_edge_to(), _edge_type() and _edge_name(): the
   * columns are packed so that an edge takes 6 bytes on most heaps (a
   * file spends at least 6 on it, often 8):
   * - edge_tt: the target node's ordinal (not ordinal * NF) in the bits of
   *   edge_to_mask, and the type (enum lc_edge_type) in the bits above
   *   LC_EDGE_TYPE_SHIFT, unless the heap has more than 2^29 nodes: then
   *   the mask is all ones and the types are in edge_type_wide;
   * - edge_name_lo and edge_name_hi: the low and high 16 bits of the name
   *   (a string index, or the element/hidden index).  edge_name_hi is NULL
   *   when no name needs it, and else sparse (its pages that hold only
   *   zeros cost no memory); free it with lc_free_sparse(). */
  uint32_t *edge_tt;
  uint32_t edge_to_mask;
  uint8_t *edge_type_wide;
  uint16_t *edge_name_lo;
  uint16_t *edge_name_hi;

  /* Strings, decoded into one arena. */
  uint32_t string_count;
  uint64_t *string_off; /* string_count + 1 offsets into `arena` */
  char *arena;          /* each string NUL-terminated */

  /* Locations, one per located node, in node order: a node's entry is the
   * last one the file gives for it.  loc_bits has a bit per node (set when
   * it has a location) and loc_rank, per 64-bit word of loc_bits, the
   * number of bits set in the words before it; lc_snapshot_loc() turns a
   * node into its index.  All NULL without a 'locations' array. */
  uint64_t *loc_bits;
  uint32_t *loc_rank;
  uint32_t loc_count;                        /* located nodes */
  uint32_t *loc_script, *loc_line, *loc_col; /* 0-based line and column */

  /* Allocation stacks, present only when the program ran with V8's
   * allocation tracking on (docs/heap-snapshot-format.md).  node_trace:
   * per node, the id of the trace tree node where it was allocated (0:
   * unknown); NULL when the file has no trace_node_id field.  The trace
   * tree is indexed by id (trace_count entries, id 0 unused): its parent's
   * id (0 at the root) and its function (an index into trace_info, or
   * UINT32_MAX).  trace_info holds 6 numbers per function: function id,
   * name (string index), script name (string index), script id, line and
   * column (1-based; 0 when unknown).  All NULL/0 without tracking. */
  uint32_t *node_trace;
  uint32_t trace_count;
  uint32_t *trace_parent;
  uint32_t *trace_fn;
  uint32_t *trace_info;
  uint32_t trace_info_count;

  /* The file's node type enum, e.g. "hidden", "array", … */
  char **type_names;
  uint32_t type_count;
  uint8_t raw_type_of[LC_NT_OTHER + 1]; /* when node_type_raw is NULL */
};

/* The largest heap a snapshot may describe, in bytes: 2^53 (8 PiB, and
 * the largest integer a JavaScript number holds exactly).  The reader
 * refuses a file whose self sizes add up to more, or whose
 * extra_native_bytes is larger, with the byte offset of the value; so every
 * size and total computed from one snapshot fits in an int64_t, and the
 * difference of two as well. */
#define LC_SELF_SIZE_MAX (UINT64_C(1) << 53)

#define LC_SNAPSHOT_INIT                                                       \
  {                                                                            \
    0                                                                          \
  }

/* Reads and parses the file at `path`.  Returns 0, or -1 with `err` filled
 * (LC_EINPUT, naming the file and byte offset and what was expected) and `s`
 * released. */
int lc_snapshot_read(struct lc_snapshot *s, const char *path,
                     struct lc_err *err);

/* Opens `path` for lc_snapshot_read_fd (never waiting on a FIFO); returns
 * the descriptor, or -1 with `err` filled (LC_EINPUT). */
int lc_snapshot_open(const char *path, struct lc_err *err);

/* Same, from a descriptor open for reading (left open: a caller that
 * keeps it can read the file again after it was unlinked); `path` is
 * used in messages. */
int lc_snapshot_read_fd(struct lc_snapshot *s, int fd, const char *path,
                        struct lc_err *err);

/* Same, from memory; `name` is used in messages.  `data` is not kept. */
int lc_snapshot_parse(struct lc_snapshot *s, const char *name, const char *data,
                      size_t len, struct lc_err *err);

/* Frees everything `s` owns and zeroes it; also after lc_snapshot_drop(). */
void lc_snapshot_release(struct lc_snapshot *s);

/* For lc_snapshot_drop(): node_name, node_detachedness, node_type_raw,
 * the edge names, the strings (arena and string_off; string_count becomes 0)
 * and the locations (loc_*; loc_count becomes 0). */
#define LC_SNAPSHOT_DROP_NAMES 1u
/* For lc_snapshot_drop(): the edges' targets and types, and
 * node_first_edge. */
#define LC_SNAPSHOT_DROP_EDGES 2u
/* For lc_snapshot_drop(): node_id (which a Comparison still needs). */
#define LC_SNAPSHOT_DROP_IDS 4u
/* For lc_snapshot_drop(): the edge types alone (lc_graph_dominators_begin
 * reads only the targets and node_first_edge); they cost memory only when
 * they are not packed (edge_type_wide). */
#define LC_SNAPSHOT_DROP_EDGE_TYPES 8u
/* For lc_snapshot_drop(): the edges' targets and types, but not
 * node_first_edge (which lc_snapshot_edge_source() reads). */
#define LC_SNAPSHOT_DROP_EDGE_TARGETS 16u

/*
 * Frees the parts of `s` named by `what` (an OR of LC_SNAPSHOT_DROP_*) and
 * sets their pointers to NULL, so that a one-shot report can give memory
 * back between its phases.  Afterwards only node_count, edge_count,
 * node_type, node_self_size, the type names and the columns not dropped
 * are valid; lc_snapshot_str(), lc_snapshot_type_raw() and
 * lc_snapshot_type_name() need what DROP_NAMES frees (lc_snapshot_loc()
 * then finds no location).  Dropping twice is harmless and
 * lc_snapshot_release() still frees the rest.
 */
void lc_snapshot_drop(struct lc_snapshot *s, unsigned what);

/* The string with index i (i < string_count). */
static inline const char *
lc_snapshot_str(const struct lc_snapshot *s, uint32_t i)
{
  return s->arena + s->string_off[i];
}

/* Where the type sits in edge_tt when the types are packed (at most
 * 2^29 nodes; enum lc_edge_type fits in 3 bits). */
#define LC_EDGE_TYPE_SHIFT 29

/* The target node (an ordinal) of edge e. */
static inline uint32_t
lc_snapshot_edge_to(const struct lc_snapshot *s, uint32_t e)
{
  return s->edge_tt[e] & s->edge_to_mask;
}

/* The type (enum lc_edge_type) of edge e; not after the types were
 * dropped. */
static inline uint8_t
lc_snapshot_edge_type(const struct lc_snapshot *s, uint32_t e)
{
  return s->edge_type_wide ? s->edge_type_wide[e]
                           : (uint8_t)(s->edge_tt[e] >> LC_EDGE_TYPE_SHIFT);
}

/* The name of edge e: a string index, or for element and hidden edges
 * the index itself. */
static inline uint32_t
lc_snapshot_edge_name(const struct lc_snapshot *s, uint32_t e)
{
  return s->edge_name_hi
             ? (uint32_t)s->edge_name_hi[e] << 16 | s->edge_name_lo[e]
             : s->edge_name_lo[e];
}

/* The edge columns of a snapshot, copied into a local variable for a loop
 * over many edges: its fields stay in registers, where the snapshot's
 * would be read again after each store through a byte pointer (a bitset).
 * Read with lc_edges_to(), lc_edges_type() and lc_edges_name(), which
 * give what the lc_snapshot_edge_* functions give. */
struct lc_edges {
  const uint32_t *tt;
  const uint8_t *wide;
  const uint16_t *lo, *hi;
  uint32_t mask;
};

static inline struct lc_edges
lc_snapshot_edges(const struct lc_snapshot *s)
{
  struct lc_edges ev;
  ev.tt = s->edge_tt;
  ev.wide = s->edge_type_wide;
  ev.lo = s->edge_name_lo;
  ev.hi = s->edge_name_hi;
  ev.mask = s->edge_to_mask;
  return ev;
}

static inline uint32_t
lc_edges_to(const struct lc_edges *ev, uint32_t e)
{
  return ev->tt[e] & ev->mask;
}

static inline uint8_t
lc_edges_type(const struct lc_edges *ev, uint32_t e)
{
  return ev->wide ? ev->wide[e] : (uint8_t)(ev->tt[e] >> LC_EDGE_TYPE_SHIFT);
}

static inline uint32_t
lc_edges_name(const struct lc_edges *ev, uint32_t e)
{
  return ev->hi ? (uint32_t)ev->hi[e] << 16 | ev->lo[e] : ev->lo[e];
}

/* The index into loc_script, loc_line and loc_col of the node's location,
 * or UINT32_MAX when it has none.  O(1): a bit test and a popcount. */
static inline uint32_t
lc_snapshot_loc(const struct lc_snapshot *s, uint32_t node)
{
  uint64_t w, below;
  if (!s->loc_bits)
    return UINT32_MAX;
  w = s->loc_bits[node >> 6];
  if (!((w >> (node & 63)) & 1))
    return UINT32_MAX;
  below = w & ((UINT64_C(1) << (node & 63)) - 1);
  return s->loc_rank[node >> 6] + (uint32_t)__builtin_popcountll(below);
}

/* The node's type as an index into type_names (the file's own number). */
static inline uint8_t
lc_snapshot_type_raw(const struct lc_snapshot *s, uint32_t node)
{
  return s->node_type_raw ? s->node_type_raw[node]
                          : s->raw_type_of[s->node_type[node]];
}

/* The source node of edge e (edges are grouped by source, in node order;
 * a binary search over node_first_edge), or UINT32_MAX when e is out of
 * range.  Needs the edges (not dropped). */
uint32_t lc_snapshot_edge_source(const struct lc_snapshot *s, uint32_t e);

/* The node type's name as written in the file ("object", "closure", …). */
const char *lc_snapshot_type_name(const struct lc_snapshot *s, uint32_t node);

/* ---- script names ---------------------------------------------------------
 *
 * A location names its script by V8's script id, which means nothing
 * outside the process and changes from run to run.  The snapshot holds
 * the script's name (a path or URL) too, reachable from every closure:
 * closure -> shared -> script -> the Script's name.  lc_scripts_build reads
 * that mapping once; it needs the names and edges (not dropped).
 */
struct lc_scripts {
  uint32_t *ids; /* ascending */
  char **names;  /* owned; "" for a script without a name (eval) */
  size_t n;
};

#define LC_SCRIPTS_INIT                                                        \
  {                                                                            \
    NULL, NULL, 0                                                              \
  }

void lc_scripts_build(struct lc_scripts *sc, const struct lc_snapshot *s);

/* The name of script `script_id`, or NULL when the snapshot does not say
 * (no closure of it survived, or a script without a name). */
const char *lc_scripts_name(const struct lc_scripts *sc, uint32_t script_id);

void lc_scripts_release(struct lc_scripts *sc);

/* ---- the graph: distances, dominators, retainer paths -------------------
 *
 * Computed only when a report asks: DevTools' essential edges, the
 * dominator tree with retained sizes, and distances from the GC roots, so
 * that retained sizes and distances equal the Memory panel's.
 */

struct lc_graph_dom; /* dominator work, private */

/* Appends the name of `node` of `s` to `out` (lc_graph_path's namer). */
typedef void (*lc_node_namer)(void *ctx, const struct lc_snapshot *s,
                              uint32_t node, struct lc_buf *out);

/* DevTools' distance for nodes reached only from the root's system part,
 * and for nodes it never reaches. */
#define LC_DISTANCE_BASE_SYSTEM 100000000
#define LC_DISTANCE_NONE (-5)

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
  uint8_t *pair_bits;   /* per edge: a WeakMap pair edge */
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
  /* lc_graph_build and lc_graph_start run only the mark step: the
   * page-owned flag, essential edges and the distance filter's verdicts. */
  LC_GRAPH_MARK_ONLY = 8
};

/* Builds the structures `what` asks for.  `self` is the per-node shallow
 * size after reattribution (struct lc_summary's node_self), used for
 * retained sizes; it may be NULL, and lc_graph_retained() called later,
 * so that the graph can be built on one thread while the summary (which
 * computes `self`) is built on another: the build only reads `s`.
 * Never fails on a parsed snapshot. */
void lc_graph_build(struct lc_graph *g, const struct lc_snapshot *s,
                    const uint64_t *self, unsigned what);

void lc_graph_release(struct lc_graph *g);

/* Appends the shortest retainer path from the roots to `node` (a graph
 * built with LC_GRAPH_PATHS), the way DevTools' Retainers pane reads from
 * bottom to top, as one line:
 *   global @5 → registry (property) → Array @41 → [17] (element) → Session @99
 * `namer` appends each node's name (NULL: the raw node names;
 * lc_summary_namer: DevTools class names); weak edges are never used.  Returns
 * the number of edges shown, or -1 (and appends "unreachable from the roots")
 * when the BFS never reached `node`. */
long lc_graph_path(const struct lc_graph *g, const struct lc_snapshot *s,
                   uint32_t node, lc_node_namer namer, void *ctx,
                   struct lc_buf *out);

/* ---- the Summary view ---------------------------------------------------- */

struct lc_summary_row {
  char *key;  /* DevTools row key: "scriptId,line,col,Name" or ",Name" */
  char *name; /* class name shown in the view: from lc_summary_build, the
                 end of `key` (lc_summary_release frees the key only) */
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

/* What lc_summary_build does besides counting (struct lc_summary_opts). */
enum {
  /* Take over the snapshot's self sizes instead of copying them:
   * s->node_self_size becomes sum->node_self (adjusted in place) and is
   * NULL afterwards, so no other summary can be built from `s`.  Saves 8
   * bytes per node for callers that build one summary per snapshot. */
  LC_SUMMARY_TAKE = 1,
  /* Also fill every row's retained size and distance, the way `leakcheck
   * summary` does: memory is given back as soon as each step is done with
   * it, so that the peak stays below the snapshot file's size.  The
   * graph's marking (the part that reads names) runs on a second thread
   * while the summary is built; then s's names and ids are dropped,
   * distances are folded into the rows, and s's edges are dropped once the
   * dominator step has its predecessor lists.  Implies LC_SUMMARY_TAKE;
   * `s` is spent: afterwards only its counts, path and node types are
   * valid. */
  LC_SUMMARY_RETAINED = 2
};

struct lc_summary_opts {
  unsigned flags; /* LC_SUMMARY_* */
  /* Name plain objects with these interface definitions (another
   * snapshot's summary) instead of inferring them, as DevTools' Comparison
   * view re-classifies the base snapshot with the current one's
   * definitions.  NULL: infer. */
  const struct lc_summary *defs;
  /* With LC_SUMMARY_RETAINED: NULL, and the graph is released inside (its
   * distances before the dominators are computed); else the whole graph is
   * left here and the caller releases it (for tests). */
  struct lc_graph *keep_graph;
};

/* Builds the Summary of `s` (`opts` may be NULL: flags 0, inferred
 * interfaces).  `s` is not modified unless opts->flags says so.  Never
 * fails on a snapshot that lc_snapshot_read or _parse accepted. */
void lc_summary_build(struct lc_summary *sum, struct lc_snapshot *s,
                      const struct lc_summary_opts *opts);

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

/* Frees the per-node arrays, keeping the rows (for a series that outlives
 * the snapshot). */
void lc_summary_drop_nodes(struct lc_summary *sum);

void lc_summary_release(struct lc_summary *sum);

/* The class name DevTools shows for one node, into a fresh string.
 * Interface inference ({a, b} names) is only applied by lc_summary_build. */
char *lc_summary_node_class(const struct lc_snapshot *s, uint32_t node);

/* A namer for lc_graph_path: `ctx` is a const struct lc_summary * built
 * from `s` with its per-node arrays; a node in a row gets the row's name
 * (as the Summary shows it, {a, b} shapes included), any other node its
 * DevTools class. */
void lc_summary_namer(void *ctx, const struct lc_snapshot *s, uint32_t node,
                      struct lc_buf *out);

/* ---- the Comparison view ------------------------------------------------- */

struct lc_compare_row {
  char *key;        /* DevTools row key */
  char *name;       /* class name (the current snapshot's, else the base's) */
  uint64_t added;   /* #New */
  uint64_t deleted; /* #Deleted */
  int64_t delta;    /* #Delta = added - deleted */
  uint64_t alloc_size; /* Alloc. Size: current self sizes of new ids */
  uint64_t freed_size; /* Freed Size: base self sizes of deleted ids */
  int64_t size_delta;  /* Size Delta = alloc - freed */
};

struct lc_compare {
  struct lc_compare_row *rows; /* rows with added or deleted objects only,
                                  by size_delta desc, then key */
  size_t nrows;
};

#define LC_COMPARE_INIT                                                        \
  {                                                                            \
    0                                                                          \
  }

/* Compares `cur` with `base`.  `cur_sum` is cur's summary; `base_sum` must
 * be base's summary built with opts.defs = cur_sum, so that
 * both use the current snapshot's interface definitions, as DevTools does.
 * Both summaries need their per-node arrays. */
void lc_compare_build(struct lc_compare *c, const struct lc_snapshot *base,
                      const struct lc_summary *base_sum,
                      const struct lc_snapshot *cur,
                      const struct lc_summary *cur_sum);

void lc_compare_release(struct lc_compare *c);

/* The current snapshot's part of a Comparison, compact: each row's
 * members as (node id, self size) pairs, ascending by id, delta-coded in
 * a few bytes a node.  `diff` builds it from the current snapshot and its
 * summary, then frees that snapshot's per-node arrays before it reads the
 * base, so that the two snapshots' columns are never in memory at once.
 * lc_compare_build is lc_compare_side_build followed by
 * lc_compare_build_side, which reads only cur_sum's rows (not its per-node
 * arrays). */
struct lc_compare_side {
  uint8_t *bytes;
  size_t len;
  size_t nrows;
};

void lc_compare_side_build(struct lc_compare_side *side,
                           const struct lc_snapshot *cur,
                           const struct lc_summary *cur_sum);
void lc_compare_build_side(struct lc_compare *c, const struct lc_snapshot *base,
                           const struct lc_summary *base_sum,
                           const struct lc_compare_side *cur,
                           const struct lc_summary *cur_sum);
void lc_compare_side_release(struct lc_compare_side *side);

#endif
