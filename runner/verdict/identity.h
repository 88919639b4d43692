/*
 * Stable identities of Summary rows.
 *
 * DevTools' row key ("scriptId,line,col,Name") names the script by V8's
 * script id, which changes from run to run, between programs and Node
 * versions.  A stable identity names it by the script's path instead, so
 * that a row can be found again in another process: baselines,
 * suppressions and cross-process diffs use it.
 *
 *   "Name"                          a row without a location
 *   "Name (path:line:col)"          line and column 1-based
 *
 * `path` is the script name the snapshot gives (lc_scripts_name): made
 * relative to `base_dir` when it lies under it (file:// URLs are turned
 * into paths first), kept as it is otherwise (node: internals keep their
 * URL, e.g. "node:internal/timers"); "?" when the snapshot does not say.
 */
#ifndef LEAKCHECK_IDENTITY_H
#define LEAKCHECK_IDENTITY_H

#include "leakcheck/heap.h"
#include "verdict/verdict.h"

/* Returns the identity of the row with DevTools key `key` and class name
 * `name`, a fresh string the caller frees.  `sc` maps the key's script
 * id to its name (may be NULL: "?"); `base_dir` is an absolute directory
 * or NULL (paths kept as the snapshot gives them). */
char *lc_identity(const char *key, const char *name,
                  const struct lc_scripts *sc, const char *base_dir);

/* Parses the location part of a DevTools row key: returns 1 and the
 * numbers (0-based line and column, as V8 writes them) when the key has
 * one, else 0. */
int lc_identity_key_location(const char *key, uint32_t *script, uint32_t *line,
                             uint32_t *col);

/* Names every row of `ser` that has no identity yet (rows first seen in
 * the snapshot `sc` was built from: within one process a key always
 * means the same script). */
void lc_series_set_identities(struct lc_series *ser,
                              const struct lc_scripts *sc,
                              const char *base_dir);

/* The index of the row of `ser` with identity `ident`, or -1.  Linear. */
long lc_series_find_identity(const struct lc_series *ser, const char *ident);

/* Nonzero when two snapshots name one script id differently: they come
 * from different processes, so their script ids (and node ids) cannot
 * be compared; rows are then matched by identity. */
int lc_scripts_conflict(const struct lc_scripts *a, const struct lc_scripts *b);

/* One row of a comparison by identity: the Summary rows of two snapshots
 * with the same identity, added up. */
struct lc_id_diff_row {
  char *id;   /* owned */
  char *name; /* owned: class name */
  uint64_t base_count, count;
  uint64_t base_size, size;
};

/* Compares the Summaries `base` and `cur` (with their script names) row by
 * row by identity; rows whose count or size changed only, by size change
 * (descending), then count change, then id.  The caller frees with
 * lc_id_diff_release. */
void lc_id_diff(const struct lc_summary *base, const struct lc_scripts *bsc,
                const struct lc_summary *cur, const struct lc_scripts *csc,
                const char *base_dir, struct lc_id_diff_row **rows,
                size_t *nrows);

void lc_id_diff_release(struct lc_id_diff_row *rows, size_t n);

#endif
