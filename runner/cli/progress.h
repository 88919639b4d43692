/*
 * Progress of long work on stderr, drawn from the driver's events
 * (run/driver.h: lc_progress_fn); the driver itself never prints.
 *
 *   LC_CLI_PROGRESS_LIVE   stderr is a terminal: one line per check,
 *                          redrawn in place ("\r", erase line):
 *                          "  leaky  snapshot 3/6  V8 writing  104 MB  12.3 s"
 *   LC_CLI_PROGRESS_LINES  a log (CI): one line per snapshot, no control
 *                          sequences:
 *                          "snapshot 3/6: 184 MB written in 12.1 s, read in
 *                           0.4 s" ("184 MB read in 0.4 s" for analyze)
 *   LC_CLI_PROGRESS_OFF    nothing (--brief)
 */
#ifndef LC_CLI_PROGRESS_H
#define LC_CLI_PROGRESS_H

#include <stdint.h>

#include "run/driver.h"

enum lc_cli_progress_mode {
  LC_CLI_PROGRESS_OFF,
  LC_CLI_PROGRESS_LINES,
  LC_CLI_PROGRESS_LIVE
};

struct lc_cli_progress {
  enum lc_cli_progress_mode mode;
  int color;        /* LIVE: dim the phase (SGR); never in LINES */
  const char *name; /* the check being run (borrowed) */
  double t0;        /* when the check started */
  enum lc_progress_phase phase;
  unsigned k;
  int have_phase;
  double write_t0, read_t0, write_s; /* write_s < 0: not written by us */
  uint64_t bytes;
  int open; /* LIVE: a line is drawn and not ended */
};

/* The mode for this process: OFF when `brief`; LIVE when stderr is a
 * terminal, TERM is not "dumb" and neither CI nor GITHUB_ACTIONS is
 * "true"; LINES otherwise.  `*color` is set for LIVE unless `no_color`
 * or NO_COLOR is set. */
enum lc_cli_progress_mode lc_cli_progress_mode(int brief, int no_color,
                                               int *color);

/* Starts the display of check `name` (a copy of `p` is not needed: it is
 * updated in place by the callback). */
void lc_cli_progress_begin(struct lc_cli_progress *p, const char *name);

/* The driver's callback (lc_progress_fn); `ctx` is a struct
 * lc_cli_progress. */
void lc_cli_progress_event(void *ctx, const struct lc_progress *ev);

/* Ends a live line still drawn (a check that stopped early). */
void lc_cli_progress_end(struct lc_cli_progress *p);

#endif
