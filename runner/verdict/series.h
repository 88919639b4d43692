/*
 * A series of Summaries: per row key, the count and shallow size in every
 * snapshot taken (warm-up ones included, so reports can show them), the
 * highest node id of each snapshot, its big objects, and the survivors of
 * each interval.  The verdict (verdict/verdict.h) judges it.
 */
#ifndef LEAKCHECK_SERIES_H
#define LEAKCHECK_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "base/strmap.h"
#include "config/config.h"
#include "leakcheck/heap.h"

struct lc_series_row {
  const char *key; /* owned by the series' index */
  char *name;
  char *ident; /* owned: stable identity (verdict/identity.h), or NULL
                  until lc_series_set_identities named the row */
  /* survivors[k] (k >= 1), once lc_series_set_survivors ran: members of
   * this row in the last snapshot that were allocated between snapshots
   * k-1 and k (by node id).  NULL before. */
  uint64_t *survivors;
  uint64_t *count; /* [nsnap]; 0 where the row was absent; all 0 for a
                      memory row */
  /* Owned, may be NULL: where the class is defined, for people:
   * "sessions.js:2:28" (1-based line and column, the file relative to the
   * config's directory), set by lc_diagnose from the key's script id.
   * The key stays DevTools' ("109,1,27,Session"). */
  char *where;
  uint64_t *size;          /* [nsnap]; a memory row: the sampled value, bytes */
  enum lc_mem_kind memory; /* nonzero: a memory row of lc_series.mem, not a
                              constructor */
};

/* An object of one snapshot whose (adjusted) shallow size is at least
 * LC_BIG_OBJECT bytes: followed by id across snapshots to catch one
 * collection whose backing store grows while the object count is flat. */
#define LC_BIG_OBJECT 256
struct lc_big_object {
  uint32_t id;
  uint32_t row; /* index into lc_series.rows, or LC_SERIES_NO_ROW */
  uint64_t size;
  uint32_t refs; /* the heap objects its contents point to: its element
                    edges and the edges of its backing stores (elements,
                    properties, table); 0 when it holds only unboxed
                    numbers, which a snapshot does not show */
};

struct lc_big_objects {
  struct lc_big_object *v; /* sorted by id */
  size_t n;
};

/* No row of the series. */
#define LC_SERIES_NO_ROW UINT32_MAX

/* The big object with `id` in `b`, or NULL. */
const struct lc_big_object *lc_big_objects_find(const struct lc_big_objects *b,
                                                uint32_t id);

struct lc_series {
  size_t nsnap;
  uint32_t *max_id; /* [nsnap]: highest odd (JavaScript heap) node id of
                       each snapshot, from lc_series_add_objects */
  struct lc_big_objects *big; /* [nsnap], from lc_series_add_objects */
  size_t warmup;              /* index of the first measured snapshot */
  size_t planned; /* snapshots of the measured window when confirmation
                     snapshots follow them (index of the first
                     confirmation snapshot); 0 when none were taken */
  struct lc_series_row *rows;
  size_t nrows, rows_alloc;
  uint64_t *total_count; /* [nsnap], over every row */
  uint64_t *total_size;  /* [nsnap], over every row */
  /* Memory rows, "(rss)", "(external)", …: values sampled at each
   * snapshot, never among `rows`, so constructor patterns, totals and the
   * default assertion's object rules never see them.  Empty when nothing
   * was sampled (`leakcheck analyze`). */
  struct lc_series_row *mem;
  size_t nmem;
  /* [nspan]: span[k] how long the program ran in the interval before
   * snapshot k (microseconds; snapshot pauses left out); 0 or k >= nspan:
   * unknown.
   * The confirmation judges rates per unit of it (verdict.h,
   * lc_confirm_span) and, when `span_by_count` (a drive that counts calls
   * or requests), per call or request as planned too.  NULL for
   * `leakcheck analyze`. */
  double *span;
  size_t nspan;
  int span_by_count;
  /* [ndrive]: drive[k] how many drive intervals (waits, batches of calls
   * or requests) the interval before snapshot k was planned to hold: 1 in
   * the window, more in the confirmation (lc_verdict_wants_more picks
   * each); 0 or k >= ndrive: unknown, taken as lc_confirm_span's default. */
  double *drive;
  size_t ndrive;
  /* private: key → row index, in the order of `rows` */
  struct lc_strmap index;
};

#define LC_SERIES_INIT                                                         \
  {                                                                            \
    0                                                                          \
  }

/* Sets span[k] (see struct lc_series); units <= 0 leaves it unknown. */
void lc_series_set_span(struct lc_series *ser, size_t k, double units);

/* Sets drive[k] (see struct lc_series); units <= 0 leaves it unknown. */
void lc_series_set_drive(struct lc_series *ser, size_t k, double units);

/* Appends one snapshot's rows to the series as snapshot number ser->nsnap
 * (key, name, count and self_size are copied; `sum` is not kept).  Rows are
 * matched by key; a row seen for the first time gets 0 in the earlier
 * snapshots, a known row absent from `sum` gets 0 in this one, and rows
 * repeated within one summary are added up.  total_count/total_size get the
 * sums over every row of `sum`.  Pointers into `rows` are invalidated. */
void lc_series_add(struct lc_series *ser, const struct lc_summary *sum);
/* Frees everything the series owns and re-initialises it (warmup too). */
void lc_series_release(struct lc_series *ser);

/* Records, for the snapshot just added with lc_series_add (its summary
 * `sum`, with per-node arrays), the highest odd node id and the big
 * objects.  Call right after lc_series_add. */
void lc_series_add_objects(struct lc_series *ser, const struct lc_snapshot *s,
                           const struct lc_summary *sum);

/* For the last snapshot (already added): counts, per row and per
 * interval, the members allocated in that interval, so steady growth can
 * ignore churn and in-flight work.  Needs lc_series_add_objects for every
 * snapshot. */
void lc_series_set_survivors(struct lc_series *ser, const struct lc_snapshot *s,
                             const struct lc_summary *sum);

/* Adds the memory row of `kind` ("(rss)", "(heap used)", …, see
 * lc_series_mem_name) with the nsnap values `bytes` (copied).  Call once
 * every snapshot has been added; a kind already present is replaced. */
void lc_series_add_memory(struct lc_series *ser, enum lc_mem_kind kind,
                          const uint64_t *bytes);

/* The memory row of `kind`, or NULL. */
const struct lc_series_row *lc_series_memory(const struct lc_series *ser,
                                             enum lc_mem_kind kind);

/* The row name of a memory kind: "(rss)", "(heap used)", "(heap total)",
 * "(external)", "(array buffers)", "(process tree rss)". */
const char *lc_series_mem_name(enum lc_mem_kind kind);

/* The index of the row with `key`, or -1. */
long lc_series_find(const struct lc_series *ser, const char *key);

#endif
