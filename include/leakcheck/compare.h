/*
 * The DevTools Memory panel's Comparison view: for each row key, the
 * objects (by node id) new in the current snapshot and deleted since the
 * base one.  Objects whose shallow size is 0 are not members of any row,
 * exactly as in the Summary.  See heapsnapshot-format.md §4.
 */
#ifndef LEAKCHECK_COMPARE_H
#define LEAKCHECK_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "leakcheck/snapshot.h"
#include "leakcheck/summary.h"

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
 * be base's summary built with lc_summary_build_with(…, cur_sum, …), so that
 * both use the current snapshot's interface definitions, as DevTools does.
 * Both summaries need their per-node arrays. */
void lc_compare_build(struct lc_compare *c, const struct lc_snapshot *base,
                      const struct lc_summary *base_sum,
                      const struct lc_snapshot *cur,
                      const struct lc_summary *cur_sum);

void lc_compare_release(struct lc_compare *c);

#endif
