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
  uint8_t *node_type;     /* enum lc_node_type */
  uint8_t *node_type_raw; /* index into type_names */
  uint32_t *node_name;    /* string index */
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

  /* Locations: per node ordinal, the index into loc_* or UINT32_MAX. */
  uint32_t *node_loc;
  uint32_t loc_count;
  uint32_t *loc_script, *loc_line, *loc_col; /* 0-based line and column */

  /* The file's node type enum, e.g. "hidden", "array", … */
  char **type_names;
  uint32_t type_count;
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

void lc_snapshot_release(struct lc_snapshot *s);

/* The string with index i (i < string_count). */
static inline const char *
lc_snapshot_str(const struct lc_snapshot *s, uint32_t i)
{
  return s->arena + s->string_off[i];
}

/* The node type's name as written in the file ("object", "closure", …). */
const char *lc_snapshot_type_name(const struct lc_snapshot *s, uint32_t node);

#endif
