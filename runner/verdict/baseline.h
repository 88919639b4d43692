/*
 * The baseline: growth that is known, per check and stable row identity,
 * in a small sorted JSON file meant to be committed.
 *
 *   {
 *     "version": 1,
 *     "checks": {
 *       "api": [
 *         {"id": "Session (app.js:3:14)", "growth_per_interval": 12,
 *          "bytes_per_interval": 672}
 *       ]
 *     }
 *   }
 *
 * Checks are sorted by name, findings by id; growth is per measured
 * interval (between two measured snapshots), so changing `snapshots`
 * keeps a baseline valid.  Ids are stable identities (identity.h), or
 * "total: LABEL" and "V8 internals" for those findings.
 */
#ifndef LEAKCHECK_BASELINE_H
#define LEAKCHECK_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "leakcheck/buf.h"
#include "leakcheck/err.h"
#include "verdict/verdict.h"

struct lc_baseline_entry {
  char *check;          /* owned */
  char *id;             /* owned */
  int64_t growth;       /* objects per interval */
  int64_t growth_bytes; /* bytes per interval */
};

struct lc_baseline {
  char *path; /* owned: as given to load/parse */
  struct lc_baseline_entry *v;
  size_t n, alloc;
};

#define LC_BASELINE_INIT                                                       \
  {                                                                            \
    NULL, NULL, 0, 0                                                           \
  }

/* Growth is worse than the baseline's when, per interval, it exceeds it
 * by more than a quarter and by at least 1 object, or by more than a
 * quarter and at least 1 KB. */
#define LC_BASELINE_TOLERANCE_TEXT                                             \
  "more than 25% and 1 object (or 1 KB) per interval above the baseline"

/* Reads the file at `path`.  Returns 0, or -1 with `err` (LC_EINPUT,
 * naming the file and the byte offset of the problem) and `b` released. */
int lc_baseline_load(struct lc_baseline *b, const char *path,
                     struct lc_err *err);

/* Same, from memory; `name` is used in messages. */
int lc_baseline_parse(struct lc_baseline *b, const char *name, const char *text,
                      size_t len, struct lc_err *err);

void lc_baseline_release(struct lc_baseline *b);

/* The entry for (`check`, `id`), or NULL. */
const struct lc_baseline_entry *lc_baseline_find(const struct lc_baseline *b,
                                                 const char *check,
                                                 const char *id);

/* Nonzero when growth `g` objects / `gb` bytes per interval is worse than
 * entry `e` beyond the tolerance. */
int lc_baseline_worse(const struct lc_baseline_entry *e, int64_t g, int64_t gb);

/* The id of finding `f` of result `ar` (stable identity, "total: LABEL" or
 * "V8 internals"), appended to `out`. */
void lc_finding_id(struct lc_buf *out, const struct lc_assert_result *ar,
                   const struct lc_finding *f);

/* Growth per measured interval of `ser` (rounded to nearest). */
int64_t lc_per_interval(int64_t growth, const struct lc_series *ser);

/* Appends the baseline file for what the `n` checks of `res` measured
 * (every finding, accepted or not, of the checks that passed or failed);
 * the entries of `keep` (may be NULL) whose check is not among `res` are
 * kept, so that `--check X --update-baseline` touches only X. */
void lc_baseline_write(struct lc_buf *out, const struct lc_check_result *res,
                       size_t n, const struct lc_baseline *keep);

#endif
