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
