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
 * How the program is driven between snapshots depends on check->drive:
 *   every   the program runs by itself; "snap K" every check->every_ms.
 *   call    node runs a tiny entry script; the agent loads check->script as
 *           a module (require, or import() for an ES module), runs its
 *           `setup` export once and says "ready".  Before each snapshot
 *           leakcheck sends "run N" (N = check->call_times) and the agent
 *           calls the export N times, one after another, awaiting each
 *           result, then answers "ran N" (or "error {json}").  Snapshot 0
 *           follows the first batch, so exactly N calls separate any two
 *           snapshots: a program that keeps one object per call grows by
 *           exactly N objects per interval.
 *   http    the program is a server; once it accepts TCP connections on
 *           127.0.0.1 (port from the config or from its stdout), leakcheck
 *           sends N requests itself (http.h) before each snapshot; all N
 *           are answered before "snap K".  Snapshot 0 follows the first
 *           batch, as with call.
 *   signal  leakcheck sends check->signo to the program every every_ms and
 *           waits for the dump it writes itself (node --heapsnapshot-signal
 *           or the heapdump module): a new Heap.*.heapsnapshot or
 *           heapdump-*.heapsnapshot closed after writing (inotify
 *           IN_CLOSE_WRITE, or renamed into place: IN_MOVED_TO) in the
 *           program's cwd or its diagnostic dir.  With
 *           --heapsnapshot-signal in node_args and no --diagnostic-dir,
 *           --diagnostic-dir=<private temp dir> is added.  The file is moved
 *           into the private temp dir before the callback sees it.
 *
 * Node always gets --no-lazy-feedback-allocation and --no-sparkplug before
 * check->node_args, so that V8 warming up code (feedback vectors, baseline
 * code) does not show as growth between snapshots.
 *
 * The program runs in its own process group, and leakcheck makes itself a
 * child subreaper (PR_SET_CHILD_SUBREAPER), so that what the program
 * detaches is reparented to it.  When the check ends, times out or
 * leakcheck is interrupted, the group gets SIGTERM, then SIGKILL after a
 * grace period; then every remaining descendant (any process whose parent
 * chain in /proc leads to leakcheck, whatever group or session it moved
 * to) gets SIGTERM, then SIGKILL, and is reaped; the temp dir is removed.
 * The program's stdout and stderr are captured (their tails are kept),
 * never copied to leakcheck's output.
 */
#ifndef LEAKCHECK_DRIVER_H
#define LEAKCHECK_DRIVER_H

#include <stdint.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "leakcheck/err.h"

/* Called once per snapshot, in order, k = 0 .. snapshots-1, while the
 * program keeps running.  `path` names the complete file inside the private
 * temp dir; the callback owns it from now on (parse, then unlink or move it
 * away; whatever is left is removed with the dir).  Returning -1 (with `err`
 * filled) stops the check.  Returning n > 0 for snapshot snapshots-1 or
 * later asks for one more (a confirmation snapshot, k = snapshots, …),
 * taken after n of the drive's intervals (n times its wait, calls or
 * requests; lc_verdict_wants_more picks n); from the first such request the
 * check's timeout gives way to check->confirm_timeout_ms, counted from then,
 * and reaching it ends the run without error (info->confirm_timed_out). */
typedef int (*lc_snapshot_fn)(void *ctx, unsigned k, const char *path,
                              struct lc_err *err);

/* Where a check is, for a progress display (the driver never prints). */
enum lc_progress_phase {
  LC_PROGRESS_WORKING, /* the program works toward snapshot k */
  LC_PROGRESS_WRITING, /* V8 writes snapshot k (into `path` when known) */
  LC_PROGRESS_READING, /* leakcheck reads snapshot k from `path` */
  LC_PROGRESS_READ     /* snapshot k has been read and used */
};

struct lc_progress {
  enum lc_progress_phase phase;
  unsigned k;           /* 0-based snapshot number */
  unsigned total;       /* snapshots the check takes: the planned ones, one
                           more with each confirmation snapshot asked for */
  unsigned planned;     /* the planned ones: k >= planned is confirmation
                           snapshot k - planned + 1 */
  unsigned confirm_max; /* the most confirmation snapshots it may take */
  const char *path;     /* the snapshot file while it is written or read (stat
                           it for the bytes so far), or NULL when unknown (a
                           dump the program writes itself, by signal) */
};

/* Called on every change of phase, and about every LC_PROGRESS_TICK_MS
 * while one lasts (same phase again), from the driver's thread.  Must not
 * block; the event is only valid during the call. */
typedef void (*lc_progress_fn)(void *ctx, const struct lc_progress *p);
#define LC_PROGRESS_TICK_MS 200

/* Memory sampled at one snapshot.  The agent reports process.memoryUsage()
 * right after v8.writeHeapSnapshot (whose GC makes the numbers of two
 * snapshots comparable): `agent` is nonzero then.  proc_rss and tree_rss
 * are read by leakcheck from /proc when the snapshot is reported: the
 * program's RSS and the sum over it and every descendant (`descendants`
 * of them, by parent pid). */
struct lc_mem_sample {
  int agent;
  uint64_t rss, heap_total, heap_used, external, array_buffers;
  uint64_t proc_rss, tree_rss;
  unsigned descendants;
};

struct lc_run_info {
  struct lc_buf stdout_tail; /* last 64 KiB of the program's stdout */
  struct lc_buf stderr_tail; /* last 64 KiB of its stderr */
  int exited;    /* the program ended on its own before we stopped it */
  int exit_code; /* its exit status, or 128+N for death by signal N */
  unsigned snapshots_done;
  int pgid; /* the program's process group (= its pid), 0 when never
               started; the whole group has been killed (SIGKILL) and the
               program reaped when lc_driver_run returns */
  unsigned long long requests; /* http: requests finished (all batches) */
  unsigned long long failed_requests; /* http: of which failed (no answer
                                         or a status outside 200-299) */
  struct lc_buf note;        /* one line for the user about the drive, e.g. "125
                                requests sent, 2 failed: 2 x HTTP 404"; may be
                                empty */
  uint64_t max_pause_ms;     /* the longest snapshot: from "snap K" (or the
                                signal) to the complete file, the time the
                                program stood still */
  int confirm_timed_out;     /* the confirmation's time budget ended the run
                                (not an error: the snapshots taken are judged) */
  int killed_by;             /* the signal that ended the program on its own
                                (not one leakcheck sent), or 0 */
  int tracked;               /* the agent was asked to track allocations */
  struct lc_mem_sample *mem; /* owned, [nmem]: mem[k] sampled at snapshot
                                k, confirmation snapshots included, before
                                the snapshot callback runs (lc_driver_run
                                only; replay samples nothing) */
  size_t nmem;
  uint64_t *run_us; /* owned, [nrun]: run_us[k] the time the program ran
                       (microseconds) between snapshot k-1 and the request
                       of snapshot k (from its start for k = 0): the
                       interval's own time, snapshot pauses left out */
  size_t nrun;
  /* Set by the caller before the run (not outputs): progress events, or
   * NULL for none.  Kept by lc_run_info_release. */
  lc_progress_fn progress;
  void *progress_ctx;
  int no_tracking; /* never track allocations in this run, whatever
                      lc_driver_tracks_allocations() says */
};

#define LC_RUN_INFO_INIT                                                       \
  {                                                                            \
    LC_BUF_INIT, LC_BUF_INIT, 0, 0, 0, 0, 0, 0, LC_BUF_INIT, 0, 0, 0, 0, NULL, \
        0, NULL, 0, NULL, NULL, 0                                              \
  }

void lc_run_info_release(struct lc_run_info *info);

/* Installs leakcheck's SIGINT/SIGTERM/SIGHUP handling: the signals are
 * blocked and only delivered while the driver waits, which then stops the
 * program, cleans up, and fails with LC_EINTERRUPT.  Call once, early. */
void lc_driver_setup_signals(void);

/* Nonzero once SIGINT/SIGTERM/SIGHUP arrived; the signal number. */
int lc_driver_interrupted(void);

/* Runs `check` (from the config file `config_path`) to completion: spawns
 * node, drives it as check->drive says, takes check->snapshots snapshots,
 * calls `fn` for each, then ends the program.  Returns 0 when every
 * snapshot was taken.
 * Returns -1 with `err` filled otherwise: LC_ECONFIG when the script is
 * missing (pointing at its line in the config), LC_ESYSTEM when node cannot
 * be started, LC_EPROGRAM when the program crashed, exited early, failed to
 * write a snapshot or the check timed out, LC_EINTERRUPT on a signal, or
 * what `fn` returned.  `info` (initialised by the caller) receives the
 * output tails and exit status in every case. */
int lc_driver_run(const struct lc_check *check, const char *config_path,
                  lc_snapshot_fn fn, void *ctx, struct lc_run_info *info,
                  struct lc_err *err);

/* How `check` is driven, for a progress line, e.g. "5 snapshots, every
 * 500ms", "5 snapshots, 25 calls of 'run' before each", "5 snapshots, 100
 * requests to GET /items before each", "5 snapshots by SIGUSR2, every
 * 500ms".  The caller frees it. */
char *lc_driver_describe(const struct lc_check *check);

/* `leakcheck analyze`: hands the `n` existing snapshot files `files` (in
 * the order given) to `fn` as k = 0 .. n-1, as if the program had just
 * written them; no program runs.  `fn` receives a path in a private temp
 * dir that links to the file (a symbolic link: unlinking or moving it never
 * touches the original).  Returns 0, or -1 with `err` filled: LC_EINPUT
 * naming the original file when `fn` could not use it (LC_EPROGRAM from
 * `fn` becomes LC_EINPUT: the input is at fault, not a program),
 * LC_ESYSTEM, LC_EINTERRUPT.  info->snapshots_done counts the files
 * used. */
int lc_driver_replay(const struct lc_check *check, char *const *files, size_t n,
                     lc_snapshot_fn fn, void *ctx, struct lc_run_info *info,
                     struct lc_err *err);

/* Nonzero unless LEAKCHECK_ALLOCATION_SITES=0: the agent then turns on
 * V8's allocation tracking (inspector HeapProfiler.startTrackingHeapObjects
 * with trackAllocations) before the program runs, for checks with a warm-up
 * snapshot, so that snapshots carry each object's allocation stack
 * (docs/agent-protocol.md). */
int lc_driver_tracks_allocations(void);

#endif
