/*
 * The verdict: assertions of one check evaluated on its series of Summaries
 * (verdict/series.h).  Growth is measured from the first measured snapshot
 * (index `warmup`) to the last.
 */
#ifndef LEAKCHECK_VERDICT_H
#define LEAKCHECK_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "leakcheck/heap.h"
#include "verdict/series.h"

/* Nonzero for the rows of V8's own machinery that grow while code warms
 * up: (compiled code), (object shape), (system), (array), (synthetic) and
 * "system / …".  The default assertion gives them a byte budget instead of
 * the steady-growth rule; the HTML report lists them against it. */
int lc_row_is_internal(const char *name);

/* Nonzero for the row of ArrayBuffer backing stores, "system /
 * JSArrayBufferData": native nodes whose size is the bytes a buffer holds
 * outside the V8 heap.  One of the internal rows (its growth counts in the
 * budget), but a single store growing in place (a resizable ArrayBuffer)
 * is named as a backing store in messages and explanations. */
int lc_row_is_backing_store(const char *name);

/* The default assertion's budget for V8 internals' growth, in bytes. */
#define LC_INTERNALS_BUDGET (1024 * 1024)
/* An object followed by id fails the default assertion when its size
 * never shrinks and grows by at least this much (and 10%).  Measured on
 * the corpus (specs/corpus): no object of the 12 clean programs changed
 * size by more than 16 B over the measured window; a queue of numbers
 * growing by 4 per tick grows its one array by 1 KB (+56%). */
#define LC_OBJECT_GROWTH_MIN 512

/* Steady growth of a memory row (`memory: …, steady_growth: forbid`, and
 * the default assertion on (rss) and (external)): the value rises by at
 * least a total floor from the first measured snapshot to the last, and
 * either by a step floor in every measured interval or, only when a
 * confirmation judges the window (lc_verdict_eval_confirmed with
 * confirmation snapshots, lc_verdict_wants_more), with a least-squares
 * slope of at least the step floor per interval (dips tolerated).  Through
 * a confirmation a memory suspect must go on growing
 * (lc_confirm_goes_on) and rise by the step floor per confirmation
 * interval on average; only a rise of the step floor counts as rising
 * there.  Resident sizes ((rss),
 * (process tree rss), (heap total)) are noisier than V8's own counts
 * ((external), (array buffers), (heap used)), so they get a higher floor.
 * Chosen from measurements through leakcheck of the clean programs of
 * specs/corpus and specs/native (README.md, "Native memory"): a clean
 * program's RSS rose by up to 200 KB in every interval of a fast run;
 * its external memory never rose in every interval. */
#define LC_MEM_STEP_MIN (768 * 1024) /* resident sizes, per interval */
#define LC_MEM_RISE_MIN (2 * 1024 * 1024)
#define LC_MEM_EXT_STEP_MIN (64 * 1024) /* V8's counts, per interval */
#define LC_MEM_EXT_RISE_MIN (256 * 1024)

/* The rules of one assertion, as bits of lc_finding.failed_rules. */
enum lc_rule {
  LC_RULE_MAX_GROWTH = 1 << 0,
  LC_RULE_MAX_GROWTH_BYTES = 1 << 1,
  LC_RULE_MAX_COUNT = 1 << 2,
  LC_RULE_MAX_BYTES = 1 << 3,
  LC_RULE_STEADY_GROWTH = 1 << 4,
  LC_RULE_OBJECT_GROWTH = 1 << 5, /* default: one object keeps growing */
  LC_RULE_INTERNALS = 1 << 6      /* default: V8 internals over budget */
};

/* A row that broke an assertion, or the total.  `row`, `count` and `size`
 * point into the series (or into the result's totals): they stay valid while
 * neither the series nor the result is changed or freed. */
struct lc_finding {
  const struct lc_series_row *row; /* NULL for a total assertion and the
                                      internals budget; a memory row
                                      (row->memory) for a memory finding,
                                      whose `count` is all zeros */
  uint32_t object_id;           /* LC_RULE_OBJECT_GROWTH: the growing object */
  const uint64_t *refs;         /* LC_RULE_OBJECT_GROWTH: [nsnap], what its
                                   contents point to (lc_big_object.refs) */
  const uint64_t *count;        /* [nsnap]: the row's counts, or the total's */
  const uint64_t *size;         /* [nsnap] */
  unsigned failed_rules;        /* LC_RULE_* bits that failed */
  int64_t growth;               /* objects, first → last measured */
  int64_t growth_bytes;         /* bytes, first → last measured */
  const struct lc_allow *allow; /* in lc_assert_result.accepted: the
                                   allowance that accepted it, or NULL
                                   when the baseline did */
  /* Confirmation snapshots this finding was judged over after the
   * measured window (0: none were taken): it went on growing through
   * them. */
  size_t confirmed;
  uint64_t *own; /* owned, may be NULL: the storage `count` and `size`
                    point into when the finding has its own series (one
                    object: present 1/0, its own size and its refs; V8
                    internals: their summed size) */
  char *why;     /* owned, may be NULL: why the row grows, several lines
                    without a trailing newline: the shortest retainer path from
                    a GC root to one new object that survived, its retained
                    size; for a memory row, what the snapshots know about
                    it.  Filled after evaluation, by the analysis stage. */
};

/*
 * `message` is one line, no trailing newline.  With K = nsnap - warmup (the
 * measured snapshots), NAME the worst finding's class name ("total" for a
 * total assertion), G/B its growth in objects/bytes ("+40", "+2.1 KB") and
 * C/S its count/size at the last snapshot:
 *
 *   failed, a growth rule (max_growth, max_growth_bytes, steady_growth):
 *     "NAME grew by G objects (B) over K snapshots[ to C objects (S)]
 *      [, rising in every interval]; limit RULES[ (and N more
 *      constructors)]"
 *     " to C objects (S)" is there when max_count or max_bytes failed too,
 *     ", rising in every interval" when steady_growth failed;
 *   failed, only max_count/max_bytes:
 *     "NAME has C objects (S) at the last snapshot; limit RULES[ (and N
 *      more constructors)]"
 *   RULES lists every failed rule of the worst finding ("limits
 *   max_growth 0, steady_growth forbid" when several), byte limits written
 *   "2 MB" when exact, else "1500 B"; N counts the other findings ("and 1
 *   more constructor").
 *   failed, a memory row M ("(rss)"): "M grew by B over K snapshots[ to
 *     S][, rising in every interval]; limit RULES" or "M is S at the last
 *     snapshot; limit RULES"; steady_growth of a memory row is written
 *     "steady_growth forbid (a rise of 768 KB or more in every interval,
 *     2 MB in all)" (64 KB and 256 KB for V8's counts);
 *   held:
 *     "held: worst growth G objects (B) across N constructors" (G and B are
 *      maxima over the matched rows, maybe of two different rows); the
 *      default assertion adds the growth of (rss) and (external) when
 *      sampled: "; (rss) +1.2 MB, (external) +0 B"
 *     "held: M grew by B over K snapshots" (a memory assertion)
 *     "held: no M samples (snapshots read from files)"
 *     "held: no constructor matched 'PATTERN'"
 *     "held: total growth G objects (B) over K snapshots"
 *
 * Example: "Function grew by +40 objects (+2.1 KB) over 4 snapshots; limit
 * max_growth 0 (and 3 more constructors)".
 */
struct lc_assert_result {
  const struct lc_assert *a;
  int failed;
  struct lc_finding *findings; /* failing rows, worst first (bytes, then
                                  objects, then key) */
  size_t nfindings;
  size_t nmatched;                /* rows the pattern matched (1 for a total) */
  int64_t growth;                 /* worst growth among matched rows (total: the
                                     total's), objects; 0 when nothing matched */
  int64_t growth_bytes;           /* worst, bytes */
  uint64_t *total_count;          /* owned, [nsnap]: total assertions only (else
                                     NULL), sums over the rows not ignored */
  uint64_t *total_size;           /* owned, [nsnap] */
  int64_t internals_growth_bytes; /* default assertion: growth of the V8
                                     internals rows, judged against
                                     LC_INTERNALS_BUDGET */
  char *message;                  /* owned one-line summary, see above */
  /* Findings that broke a rule but are known: accepted by an allowance
   * or within the baseline (verdict/known.h), moved out of `findings`. */
  struct lc_finding *accepted;
  size_t naccepted;
  /* One leak, one finding (lc_diagnose): the failing rows grouped by what
   * holds their new objects, the worst first.  NULL/0 before diagnosis or
   * when no row failed. */
  struct lc_leak *leaks;
  size_t nleaks;
  /* Suspects the confirmation cleared: growth in the measured window that
   * did not go on.  Owned, one line each, e.g. "Map @123: grew +3.5 KB,
   * then flat for 6 snapshots"; NULL when none. */
  char **notes;
  size_t nnotes;
  size_t planned; /* snapshots up to the measured window's end when
                     confirmation snapshots follow it; 0: the whole series
                     (lc_verdict_refresh and lc_verdict_remessage judge
                     the same window) */
};

/* One hop of a retainer path, top-down, runs of the same hop folded:
 * `edge` is the edge's name ("registry", "[39]", "next"), `node` the class
 * of the node it leads to, `repeat` how many times the pair repeats (1
 * when it does not). */
struct lc_hop {
  char *edge;      /* owned */
  char *edge_type; /* static: "property", "context", "element", ... */
  char *node;      /* owned */
  uint32_t repeat;
};

/* One allocation stack of a leak's new objects (allocation tracking). */
struct lc_site {
  uint64_t count; /* new objects allocated there */
  char *frames;   /* owned, "sessions.js:5:70 (anonymous) <- ..." */
  char *file;     /* owned: the top frame's file as shown, may be NULL */
  char *abs_file; /* owned: absolute path of the top frame's file */
  unsigned line;  /* 1-based */
  unsigned col;
};

/* A leak: one failing row (`root`, an index into findings) and the rows
 * whose new objects it holds (`folded`).  Filled by lc_diagnose. */
struct lc_leak {
  size_t root;    /* index into lc_assert_result.findings */
  size_t *folded; /* owned, indices into findings, nfolded */
  size_t nfolded;
  char *headline;       /* owned, "Session: +75 objects, each holding a Date, an
                           Array and a number; +16.9 KB retained" */
  char *real_class;     /* owned, may be NULL: the objects' own constructor when
                           DevTools names a base class ("AbortSignal") */
  uint64_t new_objects; /* new objects of the root row that survived */
  uint64_t retained;    /* retained size of them (dominator tree) */
  uint32_t node_id;     /* the object explained, 0 for none */
  char *holder;         /* owned, may be NULL: the name of the user-land
                           holder ("registry") */
  char *held_by;        /* owned, may be NULL: the readable path, capped:
                           "registry (closure variable of ...) → Array → [39]
                           → Session, via a setInterval timer" */
  struct lc_hop *path;  /* owned: the full path from the GC root, runs */
  size_t npath;
  struct lc_site *sites; /* owned, at most LC_MAX_SITES, most objects first */
  size_t nsites;
  uint64_t site_total; /* objects the sites were counted over */
  char *site_note;     /* owned, may be NULL: why there is no site */
};
#define LC_MAX_SITES 3
#define LC_MAX_FRAMES 5

/* Recomputes r->message after its findings were reordered (lc_diagnose). */
void lc_verdict_remessage(struct lc_assert_result *r,
                          const struct lc_series *ser);

/* Frees what a leak owns. */
void lc_leak_release(struct lc_leak *l);

/* Evaluates every assertion of `check` on `ser` (which must have at least
 * warmup + 2 snapshots).  Rows whose name matches an `ignore` pattern are
 * never measured, not even in totals.  Each row the constructor pattern
 * matches is judged on its own; a total assertion judges the sum of the
 * rows not ignored.  Growth is count[last] - count[warmup] (and the same
 * for sizes); max_count/max_bytes look at the last snapshot; steady_growth
 * forbid fails when the count rises strictly in every measured interval.
 * A memory assertion judges its memory row (ser->mem) in bytes; the
 * default assertion also forbids steady growth of (rss) and (external)
 * (LC_MEM_STEP_MIN; without a confirmation, only the every-interval form).
 * Fills `*out` with an array of check->nasserts results (caller frees with
 * lc_verdict_free; NULL when there are none).  Returns the number of failed
 * assertions. */
size_t lc_verdict_eval(const struct lc_check *check,
                       const struct lc_series *ser,
                       struct lc_assert_result **out);

/* The same with confirmation: the measured window is snapshots warmup ..
 * planned-1 and ser->nsnap - planned more snapshots were taken after it
 * to confirm the suspects (rows, objects and the V8 internals budget that
 * broke a growth rule in the window).  A suspect whose growth does not go
 * on through them (see lc_confirm_goes_on) is cleared: it leaves
 * `findings` for `notes`.  Ceilings (max_count, max_bytes) are not
 * confirmed.  planned >= ser->nsnap is lc_verdict_eval. */
size_t lc_verdict_eval_confirmed(const struct lc_check *check,
                                 const struct lc_series *ser, size_t planned,
                                 struct lc_assert_result **out);

/* Whether the series should get another confirmation snapshot: the window
 * (warmup .. planned-1) shows a suspect and the snapshots after it did
 * not settle every suspect (flat for lc_confirm_settle_span drive
 * intervals, or a backing store for lc_confirm_flat_needed ones).  Growth
 * that goes on is never decided here: the caller bounds the count and
 * the time, and the verdict judges what the whole confirmation saw.  Sets
 * *scale (may be NULL) to the drive intervals the next interval should
 * hold: lc_confirm_scale of its confirmation snapshot while a count or an
 * object is unsettled, 1 when only memory rows are (the caller records
 * it with lc_series_set_drive). */
int lc_verdict_wants_more(const struct lc_check *check,
                          const struct lc_series *ser, size_t planned,
                          unsigned *scale);

/* The lengths of a series' intervals: span[k] / unit for the interval
 * before snapshot k (struct lc_series span, nspan: the program's run
 * time; unit: the window's mean interval), where known; {NULL, 0, 0} for
 * the planned lengths. */
struct lc_spans {
  const double *span;
  size_t n;
  double unit;
};

/* The confirmation judgement of one series v (a count, a size, or one
 * object's size) over the window first..last and the confirmation
 * last..end (end > last > first).  Growth goes on when, over the
 * confirmation, it rose (v[end] > v[last]), over the confirmation's second
 * half h = last + (end - last) / 2 .. end and over its last interval
 * at a quarter of the window's rate per drive interval at least
 * ((v[end] - v[h]) / lc_confirm_span(sp, last, h, end) >= (v[last] -
 * v[first]) / lc_confirm_span(sp, last, first, last) / 4, the same for
 * the last interval end - 1 .. end, widened back while it is shorter than
 * the window), over that last stretch at half at least of its rate over
 * an equally long stretch just before it within the confirmation (when
 * there is one: the repeat), and in at least half
 * as many intervals as in the window (by share).  `step_growth` (a single
 * object, whose backing store grows by steps) asks that it grew again, never
 * shrank in the confirmation, and stepped (grew by an eighth or more: a
 * backing store's x1.5 or x2, not a jitter) in LC_CONFIRM_STEPS intervals of
 * first..end, or, when its contents are invisible (refs, may be NULL, is
 * 0 at last and end: unboxed numbers), in fewer; either way it must not
 * have stayed flat since its last step for lc_confirm_flat_needed drive
 * intervals (it filled up to its size), and when it shows contents
 * (refs[end] > 0) its size or its contents grew over the last interval.
 * Returns nonzero when growth goes on. */
int lc_confirm_goes_on(const uint64_t *v, const uint64_t *refs,
                       const struct lc_spans *sp, size_t first, size_t last,
                       size_t end, int step_growth);

/* How many drive intervals (see lc_confirm_span) of flatness at the end of
 * first..end settle a suspect with series v: LC_CONFIRM_FLAT, or for
 * `step_growth` more when its growth pattern predicts the next step
 * later: a backing store that grows by steps (x1.5, x2) at a steady rate
 * steps at gaps of the program's time that grow by that factor, so a
 * pause of up to twice the last gap between steps (and one drive interval
 * more) is not yet a stop.  Unless the object's visible contents (refs,
 * may be NULL) stopped growing over the confirmation: a table rehashing
 * once more over flat contents (a bounded Map that deletes) settles at
 * LC_CONFIRM_FLAT.  When its contents are invisible (refs 0: unboxed
 * numbers) or grow, the gap rule holds. */
double lc_confirm_flat_needed(const uint64_t *v, const uint64_t *refs,
                              const struct lc_spans *sp, size_t first,
                              size_t last, size_t end, int step_growth);

/* Confirmation intervals grow: the interval that ends at confirmation
 * snapshot c (1-based) lasts lc_confirm_scale(c) times the drive's own
 * (its wait, its calls, its requests): 2, 4, 8, then 16 at most, unless
 * the caller repeats the last length (lc_confirm_next_scale).  A cache
 * that fills in twice the window's time, or a buffer reaching its cap,
 * gets there within the confirmation; a leak keeps its rate per unit of
 * the program's time, which the rate rule measures. */
#define LC_CONFIRM_FLAT 3
#define LC_CONFIRM_STEPS 3
#define LC_CONFIRM_SCALE_MAX 16
static inline unsigned
lc_confirm_scale(size_t c)
{
  return c >= 4 ? LC_CONFIRM_SCALE_MAX : 1u << c;
}

/* How many drive intervals the intervals between snapshots a .. b held:
 * the measured ones of sp (a series' span, may be NULL), else as planned:
 * one each up to the planned last snapshot `last`, lc_confirm_scale after
 * it. */
double lc_confirm_span(const struct lc_spans *sp, size_t last, size_t a,
                       size_t b);

/* The drive intervals a suspect other than a backing store must stay
 * flat at the end of the confirmation to be settled, after a window of
 * n drive intervals: twice the window, one more, and LC_CONFIRM_FLAT at
 * least. */
static inline double
lc_confirm_settle_span(double n)
{
  return 2 * n + 1 > LC_CONFIRM_FLAT ? 2 * n + 1 : LC_CONFIRM_FLAT;
}

void lc_verdict_free(struct lc_assert_result *res, size_t n);

/* Recomputes `failed` and `message` of `r` after findings were moved into
 * `accepted`; a result whose failures were all accepted reads "held: …
 * (N accepted: …)". */
void lc_verdict_refresh(struct lc_assert_result *r,
                        const struct lc_series *ser);

/* Appends the name reports give a finding, unescaped: "Session", with the
 * constructor's location when the class has one ("Session [109,6,13]": two
 * classes of one name stay apart), "Array @123" for one growing object,
 * "total" or "V8 internals". */
void lc_finding_name(struct lc_buf *out, const struct lc_finding *f);

/* ---- the outcome of one check -------------------------------------------
 */

enum lc_check_status {
  LC_CHECK_PASSED,
  LC_CHECK_FAILED, /* an assertion failed: a leak */
  LC_CHECK_BROKEN, /* the program crashed, exited early or timed out */
  LC_CHECK_SKIPPED
};

/* What allowances and the baseline add to a check's verdict
 * (verdict/known.h).  Reports show every note; a `failed` one fails the
 * check. */
enum lc_note_kind {
  LC_NOTE_ALLOWED,  /* growth accepted by an allowance, with its reason */
  LC_NOTE_BASELINE, /* growth no worse than the baseline */
  LC_NOTE_WORSE,    /* growth beyond the baseline or an allowance's cap */
  LC_NOTE_FIXED,    /* in the baseline, no longer growing */
  LC_NOTE_UNUSED,   /* an allowance that matched nothing (failed with
                       --strict) */
  LC_NOTE_EXPIRED   /* an allowance past its `until` date: failed */
};

struct lc_note {
  enum lc_note_kind kind;
  int failed;
  struct lc_mark mark; /* in leakcheck.yml; line 0 when none */
  char *message;       /* owned, one line */
};

struct lc_check_result {
  const struct lc_check *check;
  enum lc_check_status status;
  char *error;            /* owned; BROKEN: one-line reason, e.g. "node exited
                             with status 1 after 0 of 5 snapshots" */
  char *stdout_tail;      /* owned; the program's last output, may be NULL */
  char *stderr_tail;      /* owned; may be NULL */
  time_t started;         /* wall clock at start */
  double seconds;         /* duration */
  double confirm_seconds; /* of which the confirmation snapshots took (0
                             when none was taken) */
  struct lc_series series;
  struct lc_assert_result *results; /* check->nasserts entries, or NULL
                                       when BROKEN/SKIPPED */
  size_t nresults;
  struct lc_note *notes; /* owned, in the order found */
  size_t nnotes;
  int tracking_crash; /* node died by this signal with allocation tracking
                         on, and the check was run again without it (this
                         result is the second run's); 0 otherwise */
  int rss_rerun;      /* a resident size failed under allocation tracking,
                         which grows it by itself: the check was run again
                         without tracking, and this is that run's result */
};

/* Frees what `r` owns (texts, series, results) and zeroes it; `check` is
 * borrowed and left alone. */
void lc_check_result_release(struct lc_check_result *r);

#endif
