/*
 * Reporters: results of the checks that ran → bytes.  Terminal text and
 * JUnit XML behind one data model; no reporter prints on its own, each
 * returns a buffer (the caller writes it, base/fsutil.h).
 */
#ifndef LEAKCHECK_REPORT_H
#define LEAKCHECK_REPORT_H

#include <stddef.h>
#include <time.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "leakcheck/err.h"
#include "verdict/verdict.h"

/* Appends the terminal report of `n` results to `out` (ASCII words, one
 * check after another, then a totals line); `color` adds ANSI colours
 * (green PASS, red FAIL/ERROR, yellow SKIP).  Text that comes from the
 * program or the heap has ANSI sequences removed and control characters
 * shown as '?'.
 *
 *   FAIL   closure-chain  (5 snapshots, warmup 1, 3.2s)
 *     FAIL  Function: max_growth 0  (Function grew by +4 objects ...)
 *           at leakcheck.yml:12:9
 *           Function: +4 objects (+256 B)
 *             counts: (10) 12 13 15 16
 *             sizes:  (640 B) 768 B 832 B 960 B 1.0 KB
 *           ... and 3 more                  (after 10 findings)
 *     PASS  total: max_growth_bytes 2MB  (held: total growth ...)
 *   ERROR  server  (2 of 5 snapshots, warmup 1, 0.8s)
 *     error: node exited with status 1 after 2 of 5 snapshots
 *     | (the last 20 lines of stderr)
 *   SKIP   other  (reason, or "not run")
 *   4 checks: 1 passed, 1 failed, 1 error, 1 skipped
 *
 * The totals line reads "N checks: P passed, F failed, E errors", with
 * ", S skipped" only when S > 0 ("1 check", "1 error" in the singular). */
void lc_report_text(struct lc_buf *out, const struct lc_config *cfg,
                    const struct lc_check_result *res, size_t n, int color);

/* Appends the short verdict used by pre-commit hooks: one line per passed,
 * broken or skipped check, and for a failed check two lines per failed
 * assertion (where it is written, then its message), then the totals line
 * of lc_report_text:
 *
 *   FAIL   closure-chain: Function: max_growth 0 (leakcheck.yml:11:9)
 *          Function grew by +48 objects (+3.0 KB) over 4 snapshots; ...
 *   PASS   clean-worker
 *   ERROR  server: node exited with status 1 after 2 of 5 snapshots
 *   3 checks: 1 passed, 1 failed, 1 error
 */
void lc_report_brief(struct lc_buf *out, const struct lc_config *cfg,
                     const struct lc_check_result *res, size_t n, int color);

/* JUnit dialects.  LC_JUNIT_JENKINS fits the Jenkins xUnit plugin's
 * junit-10.xsd, which rejects files it does not validate: no `file`/`line`
 * on <testcase> and no `skipped` on <testsuites>; all else is the same. */
enum lc_junit_profile { LC_JUNIT_DEFAULT, LC_JUNIT_JENKINS };

/* Appends the JUnit XML document for `n` results to `out` (see
 * docs/junit-and-ci.md §1): a <testsuites name="leakcheck">
 * root, one flat <testsuite> per check (timestamp in UTC from `started`,
 * hostname, <properties> snapshots/warmup/script, and <system-out>/
 * <system-err> with the program's tails when they are not empty), one
 * <testcase classname=CHECK name=LABEL file=cfg->path line=L> per
 * assertion, or a single one named "run" for a check without assertions.
 * The check's time is split evenly over its testcases.  A failed assertion
 * gets <failure type="leak"> (message = the one-line summary; text = the
 * summary, each finding's counts and sizes per snapshot, at most 50, and
 * "at PATH:LINE:COL"); every testcase of a broken check gets <error
 * type="program-error"> with the reason and the last 20 lines of stderr; a
 * skipped check gets <skipped>.  tests/failures/errors/skipped attributes
 * always equal the elements written.  `cfg` may be NULL (no file/line).
 * `profile` picks the dialect (below). */
void lc_report_junit(struct lc_buf *out, const struct lc_config *cfg,
                     const struct lc_check_result *res, size_t n,
                     enum lc_junit_profile profile);

/* The start of the last `max` lines of `s` (a final newline ends the last
 * line rather than starting an empty one): the tail of program output that
 * reports show. */
const char *lc_tail_lines(const char *s, size_t max);

/* Escapes `s` (len bytes) for XML text (attr = 0) or an attribute value
 * (attr = 1), appending to `out`.  & < > always become entities (so "]]>"
 * cannot appear), " does in attributes.  ANSI CSI sequences (ESC [ ...
 * final byte 0x40-0x7E) are dropped; C0 controls other than TAB LF CR
 * (a lone ESC included) and U+FFFE/U+FFFF become U+FFFD, and so does each
 * maximal ill-formed UTF-8 subpart (overlong forms, surrogates, values
 * above U+10FFFF, stray or missing continuation bytes).  In attributes
 * TAB LF CR become &#9; &#10; &#13;, in text they stay raw.  DEL and C1
 * characters are valid XML and are kept. */
void lc_xml_escape(struct lc_buf *out, const char *s, size_t len, int attr);

/* Appends `s` as text that cannot drive a terminal and is valid UTF-8:
 * ANSI CSI sequences (ESC [ ... final) dropped; other C0 controls, DEL and
 * the C1 controls U+0080-U+009F (U+009B is a one-character CSI) shown as
 * '?', TAB kept; ill-formed UTF-8 replaced by U+FFFD (one per maximal
 * ill-formed subpart).  With `keep_lf`, LF is kept and CR LF becomes LF;
 * else both are '?' (a table cell, one line).  For everything that comes
 * from the program or the heap: class names, messages, output tails. */
void lc_text_clean(struct lc_buf *out, const char *s, size_t len, int keep_lf);

#endif
