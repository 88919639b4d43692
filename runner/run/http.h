/*
 * HTTP load for `drive: { http: ... }`: batches of requests sent from
 * leakcheck's own process (libcurl's multi interface), so that no client
 * object lands in the heap being measured.
 *
 * Only 127.0.0.1 is ever contacted: the URL is built here from a port and a
 * path that config.c validated, proxies are disabled and redirects are not
 * followed.  The load runs inside the driver's poll loop: the driver asks
 * which descriptors to wait on (lc_http_pollfds) and until when
 * (lc_http_wake_ms), waits together with its own descriptors, then hands
 * the results back (lc_http_perform).  Nothing here blocks, prints or
 * exits.
 *
 * A request fails when it gets no answer (connection refused or reset,
 * timeout) or an answer outside 200-299; failures are counted by kind.
 */
#ifndef LEAKCHECK_HTTP_H
#define LEAKCHECK_HTTP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "leakcheck/err.h"

struct lc_http; /* opaque */

/* Prepares `concurrency` connections' worth of handles for requests to
 * http://127.0.0.1:`port` + d->target.  `d` is borrowed and must outlive
 * the load.  Returns the load, or NULL with `err` filled (LC_ESYSTEM). */
struct lc_http *lc_http_new(const struct lc_http_drive *d, unsigned port,
                            struct lc_err *err);

/* Frees the load, closing its connections.  NULL is allowed. */
void lc_http_free(struct lc_http *h);

/* Starts a batch of `n` requests, at most d->concurrency at a time over
 * kept-alive connections.  A batch must not be running. */
void lc_http_start(struct lc_http *h, unsigned n);

/* Nonzero while a batch has requests not yet answered or failed. */
int lc_http_busy(const struct lc_http *h);

/* Stops the batch: requests in flight are abandoned (not counted). */
void lc_http_abort(struct lc_http *h);

/* Fills up to `max` entries of `pf` with the descriptors the load waits
 * on; returns how many. */
size_t lc_http_pollfds(const struct lc_http *h, struct pollfd *pf, size_t max);

/* The CLOCK_MONOTONIC time in ms at which lc_http_perform must be called
 * even without an event; UINT64_MAX when none. */
uint64_t lc_http_wake_ms(const struct lc_http *h);

/* After a wait: hands the `n` entries of `pf` (as filled by
 * lc_http_pollfds, with revents set) to libcurl, runs its timers, counts
 * finished requests and starts the next ones of the batch.  Returns 0, or
 * -1 with `err` filled when libcurl itself fails (LC_ESYSTEM). */
int lc_http_perform(struct lc_http *h, struct pollfd *pf, size_t n,
                    struct lc_err *err);

struct lc_http_counts {
  uint64_t sent;       /* requests finished (answered or failed), all batches */
  uint64_t ok;         /* answered 2xx */
  uint64_t failed;     /* sent - ok */
  unsigned batch_done; /* requests finished in the current batch */
};

void lc_http_counts(const struct lc_http *h, struct lc_http_counts *out);

/* Appends what failed, most frequent first, e.g.
 * "3 x HTTP 500, 1 x connection refused"; nothing when nothing failed. */
void lc_http_describe_failures(const struct lc_http *h, struct lc_buf *out);

/* Nonzero when a TCP connection to 127.0.0.1:`port` is accepted within
 * `wait_ms` (the connection is closed at once). */
int lc_http_probe(unsigned port, int wait_ms);

/* Finds the port a server announced in `text` (its stdout so far; only
 * complete lines are read).  The first match, case-insensitive, of the
 * POSIX extended regular expression
 *   (https?://(127\.0\.0\.1|localhost):|listening on (port )?)([0-9]{1,5})
 * followed by a character that is not a digit, with a value 1-65535.
 * Returns 1 and sets *port when found, else 0. */
int lc_http_find_port(const char *text, size_t len, unsigned *port);

#endif
