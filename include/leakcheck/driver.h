/*
 * The driver: runs one check's Node program and takes its heap snapshots.
 *
 * Node is started with a small agent preloaded (`--require`, embedded in the
 * binary and written into a private 0700 temp dir).  The agent and leakcheck
 * talk over an inherited socketpair (fd 3): the agent says "ready" once the
 * script's top-level code has run; leakcheck sends "snap K", the agent
 * writes the snapshot synchronously (v8.writeHeapSnapshot) and answers
 * "done K" only when the file is complete.  No TCP port, no file polling.
 *
 * The program runs in its own process group.  When the check ends, times out
 * or leakcheck is interrupted, the group gets SIGTERM, then SIGKILL after a
 * grace period; the temp dir is removed.  The program's stdout and stderr are
 * captured (their tails are kept), never copied to leakcheck's output.
 */
#ifndef LEAKCHECK_DRIVER_H
#define LEAKCHECK_DRIVER_H

#include "leakcheck/buf.h"
#include "leakcheck/config.h"
#include "leakcheck/err.h"

/* Called once per snapshot, in order, k = 0 .. snapshots-1, while the
 * program keeps running.  `path` names the complete file inside the private
 * temp dir; the callback owns it from now on (parse, then unlink or move it
 * away; whatever is left is removed with the dir).  Returning -1 (with `err`
 * filled) stops the check. */
typedef int (*lc_snapshot_fn)(void *ctx, unsigned k, const char *path,
                              struct lc_err *err);

struct lc_run_info {
  struct lc_buf stdout_tail; /* last 64 KiB of the program's stdout */
  struct lc_buf stderr_tail; /* last 64 KiB of its stderr */
  int exited;      /* the program ended on its own before we stopped it */
  int exit_code;   /* its exit status, or 128+N for death by signal N */
  unsigned snapshots_done;
  int pgid; /* the program's process group (= its pid), 0 when never
               started; the whole group has been killed (SIGKILL) and the
               program reaped when lc_driver_run returns */
};

#define LC_RUN_INFO_INIT {LC_BUF_INIT, LC_BUF_INIT, 0, 0, 0, 0}

void lc_run_info_release(struct lc_run_info *info);

/* Installs leakcheck's SIGINT/SIGTERM/SIGHUP handling: the signals are
 * blocked and only delivered while the driver waits, which then stops the
 * program, cleans up, and fails with LC_EINTERRUPT.  Call once, early. */
void lc_driver_setup_signals(void);

/* Nonzero once SIGINT/SIGTERM/SIGHUP arrived; the signal number. */
int lc_driver_interrupted(void);

/* Runs `check` (from the config file `config_path`) to completion: spawns
 * node, takes check->snapshots snapshots every check->every_ms, calls `fn`
 * for each, then ends the program.  Returns 0 when every snapshot was taken.
 * Returns -1 with `err` filled otherwise: LC_ECONFIG when the script is
 * missing (pointing at its line in the config), LC_ESYSTEM when node cannot
 * be started, LC_EPROGRAM when the program crashed, exited early, failed to
 * write a snapshot or the check timed out, LC_EINTERRUPT on a signal, or
 * what `fn` returned.  `info` (initialised by the caller) receives the
 * output tails and exit status in every case. */
int lc_driver_run(const struct lc_check *check, const char *config_path,
                  lc_snapshot_fn fn, void *ctx, struct lc_run_info *info,
                  struct lc_err *err);

#endif
