/*
 * The run pipeline: one check, from its configuration to its result.
 *
 *   config + check + options  →  snapshots (a live program, or files)
 *                              →  summaries → series → verdict
 *                              →  explanation of what failed
 *                              →  struct lc_check_result
 *
 * `leakcheck run` and `leakcheck analyze` both call lc_run_check; the only
 * difference is where the snapshots come from (opts->replay).  Nothing here
 * prints a report: the caller renders the result (report/).  Progress lines
 * ("running 'x' (…)") go to stderr, as the driver's do.
 */
#ifndef LC_RUN_PIPELINE_H
#define LC_RUN_PIPELINE_H

#include "config/config.h"
#include "leakcheck/err.h"
#include "run/driver.h"
#include "run/replay.h"
#include "verdict/verdict.h"

/* Which snapshot files are kept, in
 * <snapshot_dir>/<check>/<run-id>/K.heapsnapshot: files 0600, directories
 * made 0700, one directory per run (UTC time and pid); no symbolic link
 * is followed below <snapshot_dir>.  With LC_KEEP_FAILED a passing check's
 * files are removed: exactly those this run wrote. */
enum lc_keep { LC_KEEP_NEVER, LC_KEEP_FAILED, LC_KEEP_ALWAYS };

struct lc_run_opts {
  enum lc_keep keep;
  const char *snapshot_dir; /* where kept snapshots go */
  /* NULL: start the program.  Else the snapshot files that stand in for
   * it (`leakcheck analyze`), in the order they were taken; the check
   * must have been fitted to them (lc_replay_fit). */
  const struct lc_replay *replay;
  /* Print "leakcheck: running 'x' (…)" and the driver's notes on stderr. */
  int progress;
  /* Progress events of the driver (driver.h), or NULL: the caller draws
   * them; nothing here prints them. */
  lc_progress_fn on_progress;
  void *progress_ctx;
};

#define LC_RUN_OPTS_INIT                                                       \
  {                                                                            \
    LC_KEEP_NEVER, "leakcheck-snapshots", NULL, 1, NULL, NULL                  \
  }

/* Whether one more confirmation snapshot of `check` fits its budget,
 * after snapshot k (0-based; k >= check->snapshots - 1), the next one
 * holding `grows` times as many drive intervals as snapshot k's.
 * `run_us[0..nrun)` is the program's run time before each snapshot
 * (lc_run_info); `wall_used` the seconds since the planned last snapshot
 * was in, `wall_last` those since the one before snapshot k was.
 *
 * The first confirmation snapshot always fits.  Then the program's own
 * run time counts: the confirmation intervals' so far, and the next one
 * as the last scaled by `grows`, within confirm_timeout_ms.  Snapshot
 * pauses do not count (the reading of a snapshot does: the program runs
 * meanwhile), so that a loaded or slow machine looks as far past the
 * window in the program's time as a fast one.  The wall
 * time, with the next interval's pause as long as the last one's, stays
 * within LC_CONFIRM_WALL times the budget.  Without run times (nrun <= k)
 * the wall time alone counts, within the budget. */
int lc_confirm_fits(const struct lc_check *check, const uint64_t *run_us,
                    size_t nrun, size_t k, double grows, double wall_used,
                    double wall_last);

/* The drive intervals the confirmation interval after snapshot k is to
 * hold, when the verdict asks for `want` (lc_verdict_wants_more) and the
 * interval before snapshot k held `prev`; 0 when none fits
 * (lc_confirm_fits; the other arguments are its own).  The last
 * confirmation interval repeats the length of the one before it: a leak
 * grows again over the same length, state sized by the interval's length
 * (a registry of objects awaiting finalization, a buffer of the last
 * interval's events) does not.  So a longer interval is taken only when
 * it and a repeat of it fit, in snapshots and in time; otherwise the
 * last length is repeated. */
unsigned lc_confirm_next_scale(const struct lc_check *check,
                               const uint64_t *run_us, size_t nrun, size_t k,
                               double prev, unsigned want, double wall_used,
                               double wall_last);

/* Runs `check` of `cfg` into `res` (zeroed first; res->check = check).
 * Returns 0 with res->status PASSED, FAILED or BROKEN (the program's
 * fault: crashed, exited early, timed out, wrote a bad snapshot), or -1
 * for an error that stops leakcheck: configuration, system, interrupt;
 * `err` is filled then and `res` still holds what was learnt (status
 * BROKEN, error text, output tails).  The caller releases `res`. */
int lc_run_check(const struct lc_config *cfg, const struct lc_check *check,
                 const struct lc_run_opts *opts, struct lc_check_result *res,
                 struct lc_err *err);

#endif
