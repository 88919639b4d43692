/*
 * The HTML report: one self-contained page for people to look at, written
 * beside the JUnit file (--html FILE, or `html:` in leakcheck.yml).
 *
 * The page needs nothing but itself: no network, no fonts, no CDN.  Its
 * Content-Security-Policy forbids every fetch (default-src 'none'; images
 * only as data: URLs) and lets run only the page's own style and sorting
 * script, named by their SHA-256 hashes.  Charts are inline SVG drawn
 * here.  Everything that comes from the heap or the program (class names,
 * retainer paths, output tails, check names) is escaped as text.
 *
 * Like every reporter this only appends bytes; the caller writes the file
 * (lc_write_file_atomic).
 */
#ifndef LEAKCHECK_HTML_H
#define LEAKCHECK_HTML_H

#include <stddef.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "verdict/verdict.h"

/* Rows listed in a check's table of all rows (the ones that grew most in
 * bytes first); a note says how many more there were. */
#define LC_HTML_MAX_ROWS 500
/* Findings drawn per failed assertion. */
#define LC_HTML_MAX_FINDINGS 20

/* Appends the HTML document for `n` results to `out`: a heading with the
 * totals, then one <section class="check"> per check, failed and broken
 * checks first, then passed, then skipped (config order within each
 * group).  A check's section holds its verdict, per assertion its message
 * and, per failing finding (at most LC_HTML_MAX_FINDINGS), two SVG charts
 * (class "chart", data-metric "count" and "size") each with one <polyline>
 * of one point per snapshot, warm-up snapshots shaded and their points of
 * class "warm"; the finding's values per snapshot; its retainer path as an
 * <ol class="path">, one item per node or edge, the holder (the node that
 * holds the object) of class "holder".  Then the top growers, V8
 * internals against LC_INTERNALS_BUDGET, the program's output tails and a
 * sortable table (class "sortable") of every row.  `cfg` may be NULL. */
void lc_report_html(struct lc_buf *out, const struct lc_config *cfg,
                    const struct lc_check_result *res, size_t n);

/* Appends `s` (len bytes) escaped for HTML text or a double-quoted
 * attribute value: & < > " as entities, ANSI sequences dropped, controls
 * and ill-formed UTF-8 as U+FFFD (lc_xml_escape's rules). */
void lc_html_escape(struct lc_buf *out, const char *s, size_t len);

#endif
