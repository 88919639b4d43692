/*
 * One V8 .heapsnapshot file read into flat, column-wise arrays.
 *
 * Field layouts come from snapshot.meta (never hard-coded), so snapshots of
 * Node 18-24 load alike.  A snapshot owns everything it parsed: the node and
 * edge columns, one string arena and the location table; there is no
 * per-node allocation and lc_snapshot_release() frees it all.
 *
 * Strings are decoded from JSON into UTF-8.  V8 writes UTF-16 units as
 * \uXXXX; valid surrogate pairs are joined and lone surrogates become U+FFFD.
 */
#ifndef LEAKCHECK_SNAPSHOT_H
#define LEAKCHECK_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "leakcheck/err.h"

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

  /* Edge columns, each edge_count long, grouped by source node. */
  uint8_t *edge_type;  /* enum lc_edge_type */
  uint32_t *edge_name; /* string index, or the element/hidden index */
  uint32_t *edge_to;   /* target node ordinal (not ordinal * NF) */

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

  /* The file's node type enum, e.g. "hidden", "array", … */
  char **type_names;
  uint32_t type_count;
  uint8_t raw_type_of[LC_NT_OTHER + 1]; /* when node_type_raw is NULL */
};

#define LC_SNAPSHOT_INIT                                                       \
  {                                                                            \
    0                                                                          \
  }

/* Reads and parses the file at `path`.  Returns 0, or -1 with `err` filled
 * (LC_EINPUT, naming the file and byte offset and what was expected) and `s`
 * released. */
int lc_snapshot_read(struct lc_snapshot *s, const char *path,
                     struct lc_err *err);

/* Same, from memory; `name` is used in messages.  `data` is not kept. */
int lc_snapshot_parse(struct lc_snapshot *s, const char *name, const char *data,
                      size_t len, struct lc_err *err);

/* Frees everything `s` owns and zeroes it; also after lc_snapshot_drop(). */
void lc_snapshot_release(struct lc_snapshot *s);

/* For lc_snapshot_drop(): node_name, node_detachedness, node_type_raw,
 * edge_name, the strings (arena and string_off; string_count becomes 0)
 * and the locations (loc_*; loc_count becomes 0). */
#define LC_SNAPSHOT_DROP_NAMES 1u
/* For lc_snapshot_drop(): edge_to, edge_type and node_first_edge. */
#define LC_SNAPSHOT_DROP_EDGES 2u
/* For lc_snapshot_drop(): node_id (which a Comparison still needs). */
#define LC_SNAPSHOT_DROP_IDS 4u

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

/* The node type's name as written in the file ("object", "closure", …). */
const char *lc_snapshot_type_name(const struct lc_snapshot *s, uint32_t node);

#endif
