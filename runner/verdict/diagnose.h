/*
 * Diagnosis: where a failing check's leak is in the user's code.
 *
 * After the verdict, on the last snapshot of a failed check:
 *
 *   - every series row gets a source location for people ("sessions.js:
 *     2:28", 1-based line and column as editors show them; the file
 *     relative to the config's directory, Node's own as "node:internal/…");
 *   - the failing rows of each assertion are grouped into leaks: a row
 *     whose new surviving objects are dominated by the new surviving
 *     objects of another failing row is folded into that row (one leak,
 *     one finding), and the leaks are ranked by the retained size of their
 *     new survivors;
 *   - each leak is explained with one of its own new survivors: the full
 *     retainer path (runs of one hop folded) and a readable, capped line
 *     that starts at the nearest user-land holder.
 *
 * "New" objects are those allocated after the first measured snapshot
 * (odd node ids above lc_series.max_id[warmup]).
 */
#ifndef LC_VERDICT_DIAGNOSE_H
#define LC_VERDICT_DIAGNOSE_H

#include "leakcheck/heap.h"
#include "verdict/verdict.h"

/* Appends "FILE:LINE:COL" for a location of `s` (0-based line and column as
 * the snapshot stores them; written 1-based), FILE being script
 * `script_id`'s name made relative to `base_dir` (an absolute directory,
 * may be NULL) when it lies below it, "file://" URLs turned into paths.
 * Returns 0, or -1 (nothing appended) when the script has no name. */
int lc_diag_where(struct lc_buf *out, const struct lc_scripts *sc,
                  uint32_t script_id, uint32_t line, uint32_t col,
                  const char *base_dir);

/* Sets `where` of every row of `ser` whose key carries a location whose
 * script `sc` names. */
void lc_diag_rows(struct lc_series *ser, const struct lc_scripts *sc,
                  const char *base_dir);

/*
 * A failed check's leaks, explained from its last snapshot in two steps,
 * so that the snapshot's graph (dominators, distances and paths) and its
 * names are never in memory at once:
 *
 * lc_diagnose_plan works on the numbers: for every failed assertion of
 * `res` (series already evaluated), which findings fold into which (by
 * domination), each one's new survivors and their retained size, and for
 * each leak's root the node that explains it and its retainer path.  It
 * spends `s` and `sum`: the snapshot's names, locations and edges are
 * dropped as soon as the graph no longer reads them, and sum's node_self
 * becomes the retained sizes.  Release both after it.  Returns NULL when
 * there is nothing to explain (the check did not fail).
 *
 * lc_diagnose_explain puts the plan into words from the same snapshot read
 * again, whole (`s` and its summary `sum`): each failed assertion's
 * leaks, their findings reordered (each leak's root, then the rows folded
 * into it), and its message rewritten so that it names the worst leak's
 * root class.  The root finding's `why` gets the leak's lines (allocation
 * site, holder) for reporters that print findings.  Frees the plan.
 * Neither step fails.
 */
struct lc_diag_plan;
struct lc_diag_plan *lc_diagnose_plan(const struct lc_check_result *res,
                                      struct lc_snapshot *s,
                                      struct lc_summary *sum);
void lc_diagnose_explain(struct lc_check_result *res, struct lc_diag_plan *plan,
                         const struct lc_snapshot *s,
                         const struct lc_summary *sum,
                         const struct lc_scripts *sc, const char *base_dir);
/* For a plan that is not explained (the snapshot could not be read again). */
void lc_diag_plan_free(struct lc_diag_plan *plan);

/* Fills `why` of the failing findings of `res` that concern memory outside
 * the V8 heap: memory rows ((rss), (external), …) say which rows of
 * objects that hold external memory grew, or that the growth is not
 * visible in snapshots; a growing ArrayBuffer backing store, and the
 * backing-store part of a V8 internals finding, say so.  Over the measured
 * window. */
void lc_diag_external(struct lc_check_result *res);

#endif
