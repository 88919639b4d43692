/*
 * `leakcheck analyze`: the snapshot files a user already has, found and put
 * in the order they were taken.  The driver then hands them to the same
 * callback a live run uses (lc_driver_replay), so the verdict and the
 * reports are the same as for `leakcheck run`.
 *
 * A snapshot file has no timestamp inside, so the order comes from the
 * names when every file is named by one known scheme:
 *   Heap.YYYYMMDD.HHMMSS.PID.TID.SEQ.heapsnapshot  (node: the signal,
 *        v8.writeHeapSnapshot(), --heapsnapshot-near-heap-limit): by date
 *        and time, then SEQ;
 *   heapdump-A.B.heapsnapshot  (the heapdump module; A.B is a monotonic
 *        clock reading): by A, then B;
 *   N.heapsnapshot  (what leakcheck --keep-snapshots writes): by N.
 * Otherwise (mixed or other names) by the highest odd node id in each
 * file: V8 numbers the objects of the JavaScript heap with odd ids as it
 * first sees them, so within one process a later snapshot has a higher
 * highest odd id (even ids are native objects', derived from addresses).
 * Ties keep the order of the names.
 */
#ifndef LC_RUN_REPLAY_H
#define LC_RUN_REPLAY_H

#include <stddef.h>

#include "config/config.h"
#include "leakcheck/err.h"

struct lc_replay {
  char **files; /* owned, in the order they were taken */
  size_t n;
  const char *order; /* static: how they were ordered, for a message,
                        e.g. "by the timestamps in their names" */
};

#define LC_REPLAY_INIT                                                         \
  {                                                                            \
    NULL, 0, NULL                                                              \
  }

/* Collects the files named by `args`: each a .heapsnapshot file (any name)
 * or a directory, whose *.heapsnapshot entries are taken (not recursive).
 * A file named twice is taken once.  Orders them as described above.
 * Returns 0, or -1 with `err` filled (LC_EINPUT: unreadable, empty
 * directory, no files; a file that cannot be parsed when node ids are
 * needed) and `in` released. */
int lc_replay_collect(struct lc_replay *in, char *const *args, size_t nargs,
                      struct lc_err *err);

/* Fits `check` to the files: check->snapshots becomes in->n.  Fails
 * (LC_EINPUT, -1) when the files are too few for the check's warmup:
 * at least warmup + 2 are needed. */
int lc_replay_fit(struct lc_check *check, const struct lc_replay *in,
                  struct lc_err *err);

void lc_replay_release(struct lc_replay *in);

#endif
