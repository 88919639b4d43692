/* The assertions judged on a series of Summaries (see verdict.h). */
#include "verdict/verdict.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/format.h"
#include "leakcheck/buf.h"

#include "base/banned.h"

int
lc_row_is_internal(const char *name)
{
  static const char *const internal[] = {"(compiled code)", "(object shape)",
                                         "(system)", "(array)", "(synthetic)"};
  size_t i;
  for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
    if (strcmp(name, internal[i]) == 0)
      return 1;
  return strncmp(name, "system / ", 9) == 0;
}

int
lc_row_is_backing_store(const char *name)
{
  return strcmp(name, "system / JSArrayBufferData") == 0;
}

/* ---- verdict ----------------------------------------------------------- */

/* Counts as signed values; differences of counts and sizes that fit in
 * memory always fit in int64, the clamps only guard against nonsense. */
static int64_t
as_i64(uint64_t v)
{
  return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

static int64_t
diff_i64(uint64_t last, uint64_t first)
{
  return last >= first ? as_i64(last - first) : -as_i64(first - last);
}

struct judge {
  size_t first, last; /* measured snapshot range */
  size_t end;         /* the last snapshot; > last after confirmation */
  int suspect;        /* a confirmation judges the window's suspects: the
                         window of lc_verdict_wants_more, or end > last */
  /* The intervals' lengths: sp[0] the program's run time when measured
   * (else as planned), sp[1] as planned when the drive counts calls or
   * requests too; growth goes on when it holds its rate in either. */
  struct lc_spans sp[2];
  int nsp;
};

/* Returns the LC_RULE_* bits of `a` that the series (count, size) breaks. */
static unsigned
judge_rules(const struct lc_assert *a, const struct judge *j,
            const uint64_t *count, const uint64_t *size,
            const uint64_t *survivors, int64_t *growth, int64_t *growth_bytes)
{
  unsigned bad = 0;
  *growth = diff_i64(count[j->last], count[j->first]);
  *growth_bytes = diff_i64(size[j->last], size[j->first]);
  if (a->has_max_growth && *growth > a->max_growth)
    bad |= LC_RULE_MAX_GROWTH;
  if (a->has_max_growth_bytes && *growth_bytes > a->max_growth_bytes)
    bad |= LC_RULE_MAX_GROWTH_BYTES;
  if (a->has_max_count && as_i64(count[j->last]) > a->max_count)
    bad |= LC_RULE_MAX_COUNT;
  if (a->has_max_bytes && as_i64(size[j->last]) > a->max_bytes)
    bad |= LC_RULE_MAX_BYTES;
  if (a->steady_growth_forbid && j->last > j->first) {
    size_t i;
    int rising = 1;
    /* Steady growth: the count rises in every measured interval and, when
     * ids are known, objects allocated in every interval are still alive
     * at the end, so churn and in-flight work do not count. */
    for (i = j->first; i < j->last && rising; i++)
      rising = count[i + 1] > count[i] && (!survivors || survivors[i + 1]);
    if (rising)
      bad |= LC_RULE_STEADY_GROWTH;
  }
  return bad;
}

/* The steady-growth floors of a memory kind: per interval and in all. */
static void
memory_floor(enum lc_mem_kind kind, uint64_t *step, uint64_t *rise)
{
  int resident = kind == LC_MEM_RSS || kind == LC_MEM_TREE_RSS ||
                 kind == LC_MEM_HEAP_TOTAL;
  *step = resident ? LC_MEM_STEP_MIN : LC_MEM_EXT_STEP_MIN;
  *rise = resident ? LC_MEM_RISE_MIN : LC_MEM_EXT_RISE_MIN;
}

/* The least-squares slope of v[a..b] per drive interval, each snapshot
 * placed at the drive intervals since a (lengths by sp, lc_confirm_span;
 * sp NULL and b <= last: one per interval). */
static double
ls_slope(const uint64_t *v, const struct lc_spans *sp, size_t last, size_t a,
         size_t b)
{
  size_t k;
  double x = 0, mx = 0, my = 0, sxy = 0, sxx = 0, n = (double)(b - a + 1);
  if (b <= a)
    return 0;
  for (k = a; k <= b; k++) {
    if (k > a)
      x += lc_confirm_span(sp, last, k - 1, k);
    mx += x;
    my += (double)v[k];
  }
  mx /= n;
  my /= n;
  for (x = 0, k = a; k <= b; k++) {
    if (k > a)
      x += lc_confirm_span(sp, last, k - 1, k);
    sxy += (x - mx) * ((double)v[k] - my);
    sxx += (x - mx) * (x - mx);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

enum { MEM_FLAT = 0, MEM_TREND = 1, MEM_EVERY = 2 };

/* How the memory values `v` grow over the measured window:
 * MEM_EVERY when they rise by the step floor in every interval and by the
 * total floor in all (see LC_MEM_STEP_MIN); MEM_TREND, only when a
 * confirmation judges the window's suspects (j->suspect), when they rise
 * by the total floor and their least-squares slope is at least the step
 * floor per interval although some interval rose less or fell; else
 * MEM_FLAT. */
static int
memory_growth(enum lc_mem_kind kind, const uint64_t *v, const struct judge *j)
{
  uint64_t step, rise;
  size_t i;
  int every = 1;
  memory_floor(kind, &step, &rise);
  if (j->last <= j->first || v[j->last] < v[j->first] + rise)
    return MEM_FLAT;
  for (i = j->first; i < j->last; i++)
    every = every && v[i + 1] >= v[i] + step;
  if (every)
    return MEM_EVERY;
  if (j->suspect &&
      ls_slope(v, NULL, j->last, j->first, j->last) >= (double)step)
    return MEM_TREND;
  return MEM_FLAT;
}

static int
memory_rises(enum lc_mem_kind kind, const uint64_t *v, const struct judge *j)
{
  return memory_growth(kind, v, j) != MEM_FLAT;
}

/* The rules of a memory assertion that the memory row's values break. */
static unsigned
judge_memory(const struct lc_assert *a, const struct judge *j,
             const uint64_t *v, int64_t *growth_bytes)
{
  unsigned bad = 0;
  *growth_bytes = diff_i64(v[j->last], v[j->first]);
  if (a->has_max_growth_bytes && *growth_bytes > a->max_growth_bytes)
    bad |= LC_RULE_MAX_GROWTH_BYTES;
  if (a->has_max_bytes && as_i64(v[j->last]) > a->max_bytes)
    bad |= LC_RULE_MAX_BYTES;
  if (a->steady_growth_forbid && memory_rises(a->memory, v, j))
    bad |= LC_RULE_STEADY_GROWTH;
  return bad;
}

static int
finding_cmp(const void *pa, const void *pb)
{
  const struct lc_finding *a = pa, *b = pb;
  if (a->growth_bytes != b->growth_bytes)
    return a->growth_bytes > b->growth_bytes ? -1 : 1;
  if (a->growth != b->growth)
    return a->growth > b->growth ? -1 : 1;
  if (a->row && b->row)
    return strcmp(a->row->key, b->row->key);
  return 0;
}

/* A byte limit as written in leakcheck.yml's units when it is exact
 * ("2 MB"), else in bytes ("1500 B"). */
static void
add_limit_bytes(struct lc_buf *b, int64_t v)
{
  static const char *const units[] = {"GB", "MB", "KB"};
  int64_t unit = (int64_t)1 << 30;
  size_t u;
  for (u = 0; u < 3; u++, unit >>= 10) {
    if (v != 0 && v % unit == 0) {
      lc_buf_addf(b, "%lld %s", (long long)(v / unit), units[u]);
      return;
    }
  }
  lc_buf_addf(b, "%lld B", (long long)v);
}

static void
add_rules(struct lc_buf *b, const struct lc_assert *a, unsigned bad,
          enum lc_mem_kind memory)
{
  int several = (bad & (bad - 1)) != 0, n = 0;
  lc_buf_addstr(b, several ? "limits " : "limit ");
  if (bad & LC_RULE_MAX_GROWTH)
    lc_buf_addf(b, "%smax_growth %lld", n++ ? ", " : "",
                (long long)a->max_growth);
  if (bad & LC_RULE_MAX_GROWTH_BYTES) {
    lc_buf_addf(b, "%smax_growth_bytes ", n++ ? ", " : "");
    add_limit_bytes(b, a->max_growth_bytes);
  }
  if (bad & LC_RULE_MAX_COUNT)
    lc_buf_addf(b, "%smax_count %lld", n++ ? ", " : "",
                (long long)a->max_count);
  if (bad & LC_RULE_MAX_BYTES) {
    lc_buf_addf(b, "%smax_bytes ", n++ ? ", " : "");
    add_limit_bytes(b, a->max_bytes);
  }
  if (bad & LC_RULE_STEADY_GROWTH)
    lc_buf_addf(b, "%ssteady_growth forbid", n++ ? ", " : "");
  if ((bad & LC_RULE_STEADY_GROWTH) && memory) {
    uint64_t step, rise;
    memory_floor(memory, &step, &rise);
    lc_buf_addstr(b, " (a rise of ");
    add_limit_bytes(b, (int64_t)step);
    lc_buf_addstr(b, " or more in every interval, or as the least-squares "
                     "trend when confirmed; ");
    add_limit_bytes(b, (int64_t)rise);
    lc_buf_addstr(b, " in all)");
  }
  if (bad & LC_RULE_OBJECT_GROWTH)
    lc_buf_addf(b, "%sno single object growing by %d B and 10%% or more",
                n++ ? ", " : "", LC_OBJECT_GROWTH_MIN);
  if (bad & LC_RULE_INTERNALS) {
    lc_buf_addf(b, "%sV8 internals budget ", n++ ? ", " : "");
    add_limit_bytes(b, LC_INTERNALS_BUDGET);
  }
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}

static const char *
objects(int64_t n)
{
  return n == 1 || n == -1 ? "object" : "objects";
}

/* "+G objects (+B) over K snapshots" */
static void
add_growth(struct lc_buf *b, int64_t growth, int64_t growth_bytes,
           size_t measured)
{
  char g[LC_BYTES_MAX];
  lc_format_bytes(g, sizeof(g), growth_bytes, 1);
  lc_buf_addf(b, "%+lld %s (%s) over %zu %s", (long long)growth,
              objects(growth), g, measured,
              plural(measured, "snapshot", "snapshots"));
}

/* The memory rows the default assertion judges. */
static const enum lc_mem_kind default_memory[] = {LC_MEM_RSS, LC_MEM_EXTERNAL};

/* "; (rss) +1.2 MB, (external) +0 B" for the rows sampled. */
static void
add_default_memory(struct lc_buf *b, const struct lc_series *ser,
                   const struct judge *j)
{
  size_t i;
  const char *sep = "; ";
  for (i = 0; i < sizeof(default_memory) / sizeof(default_memory[0]); i++) {
    const struct lc_series_row *row = lc_series_memory(ser, default_memory[i]);
    char g[LC_BYTES_MAX];
    if (!row)
      continue;
    lc_format_bytes(g, sizeof(g),
                    diff_i64(row->size[j->last], row->size[j->first]), 1);
    lc_buf_addf(b, "%s%s %s", sep, row->name, g);
    sep = ", ";
  }
}

static char *
result_message(const struct lc_assert_result *r, const struct lc_series *ser,
               const struct judge *j)
{
  const unsigned growth_rules =
      LC_RULE_MAX_GROWTH | LC_RULE_MAX_GROWTH_BYTES | LC_RULE_STEADY_GROWTH;
  struct lc_buf b = LC_BUF_INIT;
  size_t measured = j->last - j->first + 1;

  if (r->failed && (r->findings[0].failed_rules &
                    (LC_RULE_OBJECT_GROWTH | LC_RULE_INTERNALS))) {
    const struct lc_finding *f = &r->findings[0];
    char g[LC_BYTES_MAX];
    lc_format_bytes(g, sizeof(g), f->growth_bytes, 1);
    if (f->failed_rules & LC_RULE_INTERNALS)
      lc_buf_addf(&b, "V8 internals grew by %s over %zu snapshots", g,
                  measured);
    else
      lc_buf_addf(&b,
                  "%s%s @%u grew by %s over %zu snapshots without new "
                  "objects",
                  lc_row_is_backing_store(f->row->name)
                      ? "ArrayBuffer backing store "
                      : "",
                  f->row->name, f->object_id, g, measured);
    lc_buf_addstr(&b, "; ");
    add_rules(&b, r->a, f->failed_rules, LC_MEM_NONE);
    if (r->nfindings > 1)
      lc_buf_addf(&b, " (and %zu more)", r->nfindings - 1);
  } else if (r->failed && r->findings[0].row && r->findings[0].row->memory) {
    const struct lc_finding *f = &r->findings[0];
    char g[LC_BYTES_MAX], s[LC_BYTES_MAX];
    lc_format_bytes(g, sizeof(g), f->growth_bytes, 1);
    lc_format_bytes(s, sizeof(s), as_i64(f->size[j->last]), 0);
    if (f->failed_rules & (LC_RULE_MAX_GROWTH_BYTES | LC_RULE_STEADY_GROWTH)) {
      lc_buf_addf(&b, "%s grew by %s over %zu snapshots", f->row->name, g,
                  measured);
      if (f->failed_rules & LC_RULE_MAX_BYTES)
        lc_buf_addf(&b, " to %s", s);
      if ((f->failed_rules & LC_RULE_STEADY_GROWTH) &&
          memory_growth(f->row->memory, f->size, j) == MEM_EVERY) {
        lc_buf_addstr(&b, ", rising in every interval");
      } else if (f->failed_rules & LC_RULE_STEADY_GROWTH) {
        char t[LC_BYTES_MAX];
        double slope = ls_slope(f->size, NULL, j->last, j->first, j->last);
        lc_format_bytes(t, sizeof(t), (int64_t)slope, 1);
        lc_buf_addf(&b, ", a trend of %s per interval", t);
      }
    } else {
      lc_buf_addf(&b, "%s is %s at the last snapshot", f->row->name, s);
    }
    lc_buf_addstr(&b, "; ");
    add_rules(&b, r->a, f->failed_rules, f->row->memory);
    if (r->nfindings > 1)
      lc_buf_addf(&b, " (and %zu more)", r->nfindings - 1);
  } else if (r->failed) {
    const struct lc_finding *f = &r->findings[0];
    const char *name = f->row ? f->row->name : "total";
    uint64_t last_count = f->count[j->last];
    char s[LC_BYTES_MAX];
    lc_format_bytes(s, sizeof(s), as_i64(f->size[j->last]), 0);
    if (f->failed_rules & growth_rules) {
      lc_buf_addf(&b, "%s grew by ", name);
      add_growth(&b, f->growth, f->growth_bytes, measured);
      if (f->failed_rules & (LC_RULE_MAX_COUNT | LC_RULE_MAX_BYTES))
        lc_buf_addf(&b, " to %llu %s (%s)", (unsigned long long)last_count,
                    plural(last_count, "object", "objects"), s);
      if (f->failed_rules & LC_RULE_STEADY_GROWTH)
        lc_buf_addstr(&b, ", rising in every interval");
    } else {
      lc_buf_addf(&b, "%s has %llu %s (%s) at the last snapshot", name,
                  (unsigned long long)last_count,
                  plural(last_count, "object", "objects"), s);
    }
    lc_buf_addstr(&b, "; ");
    add_rules(&b, r->a, f->failed_rules, LC_MEM_NONE);
    if (r->nfindings > 1)
      lc_buf_addf(&b, " (and %zu more %s)", r->nfindings - 1,
                  plural(r->nfindings - 1, "constructor", "constructors"));
  } else if (r->a->memory) {
    const char *name = lc_series_mem_name(r->a->memory);
    char g[LC_BYTES_MAX];
    lc_format_bytes(g, sizeof(g), r->growth_bytes, 1);
    if (r->nmatched)
      lc_buf_addf(&b, "held: %s grew by %s over %zu snapshots", name, g,
                  measured);
    else
      lc_buf_addf(&b, "held: no %s samples (snapshots read from files)", name);
  } else if (r->a->is_total) {
    lc_buf_addstr(&b, "held: total growth ");
    add_growth(&b, r->growth, r->growth_bytes, measured);
  } else if (r->nmatched == 0) {
    lc_buf_addf(&b, "held: no constructor matched '%s'",
                r->a->ctor.text ? r->a->ctor.text : "");
  } else {
    char g[LC_BYTES_MAX];
    lc_format_bytes(g, sizeof(g), r->growth_bytes, 1);
    lc_buf_addf(&b, "held: worst growth %+lld %s (%s) across %zu %s",
                (long long)r->growth, objects(r->growth), g, r->nmatched,
                plural(r->nmatched, "constructor", "constructors"));
    if (r->a->is_default) {
      lc_format_bytes(g, sizeof(g), r->internals_growth_bytes, 1);
      lc_buf_addf(&b, "; V8 internals %s (budget ", g);
      add_limit_bytes(&b, LC_INTERNALS_BUDGET);
      lc_buf_addch(&b, ')');
      add_default_memory(&b, ser, j);
    }
  }
  if (!r->failed && r->nnotes)
    lc_buf_addf(&b, "; %zu %s stopped growing in the confirmation", r->nnotes,
                plural(r->nnotes, "suspect", "suspects"));
  return lc_buf_detach(&b, NULL);
}

static void
eval_total(struct lc_assert_result *r, const struct lc_series *ser,
           const unsigned char *ignored, const struct judge *j)
{
  size_t i, k;
  struct lc_finding f;

  r->total_count = lc_xcalloc(ser->nsnap, sizeof(*r->total_count));
  r->total_size = lc_xcalloc(ser->nsnap, sizeof(*r->total_size));
  for (i = 0; i < ser->nrows; i++) {
    if (ignored[i])
      continue;
    for (k = 0; k < ser->nsnap; k++) {
      r->total_count[k] += ser->rows[i].count[k];
      r->total_size[k] += ser->rows[i].size[k];
    }
  }
  memset(&f, 0, sizeof(f));
  f.count = r->total_count;
  f.size = r->total_size;
  r->nmatched = 1;
  f.failed_rules =
      judge_rules(r->a, j, f.count, f.size, NULL, &f.growth, &f.growth_bytes);
  r->growth = f.growth;
  r->growth_bytes = f.growth_bytes;
  if (f.failed_rules) {
    r->findings = lc_xmalloc(sizeof(*r->findings));
    r->findings[0] = f;
    r->nfindings = 1;
  }
}

/* The default assertion's extra rules: one object (by id) whose size keeps
 * growing, and the V8 internals' byte budget. */
static void
eval_default_extra(struct lc_assert_result *r, const struct lc_series *ser,
                   const unsigned char *ignored, const struct judge *j,
                   size_t *alloc)
{
  size_t i;
  int64_t internal = 0;
  if (ser->big && j->last > j->first) {
    const struct lc_big_objects *first = &ser->big[j->first];
    for (i = 0; i < first->n; i++) {
      const struct lc_big_object *o = &first->v[i], *cur = o;
      uint64_t prev = o->size;
      size_t k;
      int ok = 1;
      for (k = j->first + 1; k <= j->last && ok; k++) {
        cur = lc_big_objects_find(&ser->big[k], o->id);
        ok = cur && cur->size >= prev;
        if (ok)
          prev = cur->size;
      }
      /* V8's own objects (an object shape's transition array, code) are
       * judged by the internals budget, as their rows are: a collection
       * of the program shows its backing store in its own shallow size. */
      if (!ok || o->row == LC_SERIES_NO_ROW || ignored[o->row] ||
          lc_row_is_internal(ser->rows[o->row].name) ||
          prev < o->size + LC_OBJECT_GROWTH_MIN ||
          prev < o->size + o->size / 10)
        continue;
      {
        struct lc_finding f;
        size_t n = ser->nsnap;
        memset(&f, 0, sizeof(f));
        f.row = &ser->rows[o->row];
        /* The object's own series: every figure printed for it is the
         * one the rule judged, not its row's. */
        f.own = lc_xcalloc(3 * n, sizeof(*f.own));
        for (k = 0; k < n; k++) {
          const struct lc_big_object *in =
              lc_big_objects_find(&ser->big[k], o->id);
          f.own[k] = in != NULL;
          f.own[n + k] = in ? in->size : 0;
          f.own[2 * n + k] = in ? in->refs : 0;
        }
        f.count = f.own;
        f.size = f.own + n;
        f.refs = f.own + 2 * n;
        f.object_id = o->id;
        f.failed_rules = LC_RULE_OBJECT_GROWTH;
        f.growth = 0;
        f.growth_bytes = diff_i64(prev, o->size);
        LC_ALLOC_GROW(r->findings, r->nfindings + 1, *alloc);
        r->findings[r->nfindings++] = f;
      }
    }
  }
  for (i = 0; i < sizeof(default_memory) / sizeof(default_memory[0]); i++) {
    const struct lc_series_row *row = lc_series_memory(ser, default_memory[i]);
    if (row && memory_rises(row->memory, row->size, j)) {
      struct lc_finding f;
      memset(&f, 0, sizeof(f));
      f.row = row;
      f.count = row->count;
      f.size = row->size;
      f.failed_rules = LC_RULE_STEADY_GROWTH;
      f.growth_bytes = diff_i64(row->size[j->last], row->size[j->first]);
      LC_ALLOC_GROW(r->findings, r->nfindings + 1, *alloc);
      r->findings[r->nfindings++] = f;
    }
  }
  for (i = 0; i < ser->nrows; i++)
    if (!ignored[i] && lc_row_is_internal(ser->rows[i].name))
      internal +=
          diff_i64(ser->rows[i].size[j->last], ser->rows[i].size[j->first]);
  r->internals_growth_bytes = internal;
  if (internal > LC_INTERNALS_BUDGET) {
    struct lc_finding f;
    size_t k;
    memset(&f, 0, sizeof(f));
    f.failed_rules = LC_RULE_INTERNALS;
    f.growth_bytes = internal;
    /* Their summed size, for the confirmation (count stays NULL: the
     * reports print no series for the budget). */
    f.own = lc_xcalloc(ser->nsnap, sizeof(*f.own));
    for (i = 0; i < ser->nrows; i++)
      if (!ignored[i] && lc_row_is_internal(ser->rows[i].name))
        for (k = 0; k < ser->nsnap; k++)
          f.own[k] += ser->rows[i].size[k];
    LC_ALLOC_GROW(r->findings, r->nfindings + 1, *alloc);
    r->findings[r->nfindings++] = f;
  }
}

/* A memory assertion: its memory row, when it was sampled. */
static void
eval_memory(struct lc_assert_result *r, const struct lc_series *ser,
            const struct judge *j)
{
  const struct lc_series_row *row = lc_series_memory(ser, r->a->memory);
  struct lc_finding f;
  if (!row)
    return;
  memset(&f, 0, sizeof(f));
  f.row = row;
  f.count = row->count;
  f.size = row->size;
  f.failed_rules = judge_memory(r->a, j, row->size, &f.growth_bytes);
  r->nmatched = 1;
  r->growth_bytes = f.growth_bytes;
  if (f.failed_rules) {
    r->findings = lc_xmalloc(sizeof(*r->findings));
    r->findings[0] = f;
    r->nfindings = 1;
  }
}

static void
eval_rows(struct lc_assert_result *r, const struct lc_series *ser,
          const unsigned char *ignored, const struct judge *j)
{
  size_t i, alloc = 0;
  for (i = 0; i < ser->nrows; i++) {
    const struct lc_series_row *row = &ser->rows[i];
    struct lc_finding f;
    if (ignored[i] || !lc_pattern_match(&r->a->ctor, row->name))
      continue;
    memset(&f, 0, sizeof(f));
    f.row = row;
    f.count = row->count;
    f.size = row->size;
    if (r->a->is_default && lc_row_is_internal(row->name))
      continue; /* judged by the internals budget instead */
    f.failed_rules = judge_rules(r->a, j, row->count, row->size, row->survivors,
                                 &f.growth, &f.growth_bytes);
    if (r->nmatched == 0 || f.growth > r->growth)
      r->growth = f.growth;
    if (r->nmatched == 0 || f.growth_bytes > r->growth_bytes)
      r->growth_bytes = f.growth_bytes;
    r->nmatched++;
    if (f.failed_rules) {
      LC_ALLOC_GROW(r->findings, r->nfindings + 1, alloc);
      r->findings[r->nfindings++] = f;
    }
  }
  if (r->a->is_default)
    eval_default_extra(r, ser, ignored, j, &alloc);
  if (r->nfindings > 1)
    qsort(r->findings, r->nfindings, sizeof(*r->findings), finding_cmp);
}

/* ---- confirmation ------------------------------------------------------ */

/* Nonzero when a single object's size v stepped up from snapshot k to
 * k + 1: by an eighth at least.  A backing store grows by steps of x1.5
 * (an Array's elements) or x2 (a hash table), and a leaking object's size
 * by a fifth or more over a confirmation interval (an interval is 40% or
 * more of the program's time before it), while state that only jitters
 * (a FinalizationRegistry's cells awaiting cleanup, over repeated
 * lengths) moves by a few percent. */
static int
stepped(const uint64_t *v, size_t k)
{
  return v[k + 1] > v[k] + v[k] / 8;
}

/* Intervals of first..end in which the single object's size v stepped. */
static size_t
steps_in(const uint64_t *v, size_t first, size_t end)
{
  size_t k, n = 0;
  for (k = first; k < end; k++)
    n += stepped(v, k);
  return n;
}

double
lc_confirm_span(const struct lc_spans *sp, size_t last, size_t a, size_t b)
{
  size_t k;
  double span = 0;
  for (k = a; k < b; k++) {
    if (sp && sp->unit > 0 && k + 1 < sp->n && sp->span[k + 1] > 0)
      span += sp->span[k + 1] / sp->unit;
    else
      span += k < last ? 1 : lc_confirm_scale(k + 1 - last);
  }
  return span;
}

/* The drive intervals the single object's size v has not stepped for at
 * the end of last..end. */
static double
flat_span(const uint64_t *v, const struct lc_spans *sp, size_t last, size_t end)
{
  size_t k = end;
  while (k > last && !stepped(v, k - 1))
    k--;
  return lc_confirm_span(sp, last, k, end);
}

/* Nonzero when v rose over the stretch tail..end at no less than num/den
 * of its rate per drive interval (lengths by sp) over the stretch just
 * before it, as long at least and within the confirmation (after
 * `last`); when there is no such stretch, or v did not rise over it. */
static int
holds_pace(const uint64_t *v, const struct lc_spans *sp, size_t last,
           size_t tail, size_t end, unsigned num, unsigned den)
{
  size_t p = tail;
  double len = lc_confirm_span(sp, last, tail, end), plen = 0, gt, gp;
  while (p > last && plen < len) {
    p--;
    plen = lc_confirm_span(sp, last, p, tail);
  }
  if (plen < len || v[tail] <= v[p] || !(len > 0))
    return 1;
  gt = v[end] > v[tail] ? (double)(v[end] - v[tail]) : 0;
  gp = (double)(v[tail] - v[p]);
  return gt * plen * den >= gp * len * num;
}

int
lc_confirm_goes_on(const uint64_t *v, const uint64_t *refs,
                   const struct lc_spans *sp, size_t first, size_t last,
                   size_t end, int step_growth)
{
  size_t i, n = last - first, m = end - last, half, tail, rises_w = 0,
            rises_c = 0;
  double gw, gc, wspan;
  if (end <= last || last <= first || v[end] <= v[last])
    return 0;
  if (step_growth) {
    /* A collection's backing store grows by steps (x1.5 for an Array, x2
     * for a Map) that get rarer as it grows, so a step in the
     * confirmation, no shrinking, and LC_CONFIRM_STEPS steps in all.  A
     * bounded Map that keeps deleting doubles its table once more after it
     * is full (deleted entries count until the next rehash): two steps,
     * the fill and that one, are not a leak. */
    for (i = last; i < end; i++)
      if (v[i + 1] < v[i])
        return 0;
    /* Fewer steps, but contents the snapshot cannot see (an Array or a
     * Set of small integers, stored unboxed): no way to tell a rehash
     * from more entries, and it grew on through the confirmation. */
    if (steps_in(v, first, end) < LC_CONFIRM_STEPS &&
        !(refs && refs[last] == 0 && refs[end] == 0))
      return 0;
    /* Contents it shows (entries, elements) grow in every interval of a
     * leak, the longest last one too, even when the store has room left
     * and does not step: over the last interval, the length of the one
     * before (lc_confirm_next_scale), state sized by the interval stays
     * where it was. */
    if (refs && refs[end] > 0 && m >= 2 && v[end] <= v[end - 1] &&
        refs[end] <= refs[end - 1])
      return 0;
    /* Either way, not if it has since stayed flat for longer than its own
     * step pattern allows: a buffer or a bounded array filling up to its
     * size in steps, then full (a performance timeline buffer reaching
     * its cap, lru-cache's index arrays). */
    return flat_span(v, sp, last, end) <
           lc_confirm_flat_needed(v, refs, sp, first, last, end, 1);
  }
  gw = v[last] > v[first] ? (double)(v[last] - v[first]) : 0;
  /* The slope over the confirmation's second half, at least a quarter of
   * the window's per unit of the program's time (confirmation intervals
   * grow: lc_confirm_scale): a warm-up or a cache reaching its bound
   * slows down to nothing.  Not over all of it: growth that ends just
   * after the window (a cache reaching its bound in the first confirmation
   * interval) would carry the average. */
  wspan = lc_confirm_span(sp, last, first, last);
  half = last + m / 2;
  gc = v[end] > v[half] ? (double)(v[end] - v[half]) : 0;
  if (gc * wspan * 4 < gw * lc_confirm_span(sp, last, half, end))
    return 0;
  /* And over the last interval, the longest (with the ones before it
   * while they are shorter than the window together, as when the
   * intervals keep the window's length): a buffer that reaches its cap
   * early in it rose, but at a fraction of its rate; a leak that rises in
   * bursts (two intervals of three) is judged over a burst's length. */
  tail = end - 1;
  while (tail > last && lc_confirm_span(sp, last, tail, end) < wspan)
    tail--;
  gc = v[end] > v[tail] ? (double)(v[end] - v[tail]) : 0;
  if (gc * wspan * 4 < gw * lc_confirm_span(sp, last, tail, end))
    return 0;
  /* Nor slowing to under half its rate over as long a stretch before
   * (when the confirmation holds one): a cache or buffer reaching its
   * bound early in the last interval, or state sized by the interval's
   * length over a repeated length, against a leak's steady rate. */
  if (!holds_pace(v, sp, last, tail, end, 1, 2))
    return 0;
  for (i = first; i < last; i++)
    rises_w += v[i + 1] > v[i];
  for (i = last; i < end; i++)
    rises_c += v[i + 1] > v[i];
  /* Rising in at least half as large a share of the intervals. */
  return rises_c * n * 2 >= rises_w * m;
}

double
lc_confirm_flat_needed(const uint64_t *v, const uint64_t *refs,
                       const struct lc_spans *sp, size_t first, size_t last,
                       size_t end, int step_growth)
{
  size_t k, prev = 0, latest = 0, steps = 0;
  double need;
  if (!step_growth || end <= last ||
      (refs && refs[end] > 0 && refs[end] <= refs[last]))
    return LC_CONFIRM_FLAT;
  for (k = first; k < end; k++) {
    if (stepped(v, k)) {
      prev = latest;
      latest = k + 1;
      steps++;
    }
  }
  if (steps < 2)
    return LC_CONFIRM_FLAT;
  /* The next step of a steady leak comes after 1.5x (an Array) or 2x (a
   * Map, a Set) the last gap in the program's time; one drive interval
   * more for a ragged clock. */
  need = 2 * lc_confirm_span(sp, last, prev, latest) + 1;
  return need > LC_CONFIRM_FLAT ? need : LC_CONFIRM_FLAT;
}

/* The growth rules a confirmation judges; ceilings stay as they are. */
#define CONFIRMABLE                                                            \
  (LC_RULE_MAX_GROWTH | LC_RULE_MAX_GROWTH_BYTES | LC_RULE_STEADY_GROWTH |     \
   LC_RULE_OBJECT_GROWTH | LC_RULE_INTERNALS)
#define COUNT_RULES (LC_RULE_MAX_GROWTH | LC_RULE_STEADY_GROWTH)

/* The series rule `bit` of finding `f` was judged on. */
static const uint64_t *
rule_series(const struct lc_finding *f, unsigned bit, int *step, int *bytes)
{
  *step = bit == LC_RULE_OBJECT_GROWTH;
  *bytes = !(bit & COUNT_RULES);
  if (f->row && f->row->memory) {
    *bytes = 1; /* a memory row: every rule judges its bytes */
    return f->size;
  }
  if (bit == LC_RULE_INTERNALS)
    return f->own;
  if (bit & COUNT_RULES)
    return f->count;
  return f->size;
}

/* The rise of one interval that counts for finding `f` in a confirmation:
 * any rise (0), or for a memory row its step floor, below which RSS and
 * external memory move without a leak. */
static uint64_t
rise_floor(const struct lc_finding *f)
{
  uint64_t step = 0, rise;
  if (f->row && f->row->memory)
    memory_floor(f->row->memory, &step, &rise);
  return step;
}

/* The first of j->sp that judges finding f: a memory row under a drive
 * that counts calls or requests is judged per call or request only, since
 * resident sizes and their noise follow the work done (an allocator's high
 * water mark), not the time it took. */
static int
first_span(const struct lc_finding *f, const struct judge *j)
{
  return j->nsp == 2 && f->row && f->row->memory ? 1 : 0;
}

/* Nonzero when v rose into snapshot k (a confirmation snapshot) by more
 * than `floor` per drive interval the interval held, its length measured
 * by sp (floor 0: rose at all).  Only memory rows have a floor. */
static int
rose(const uint64_t *v, size_t k, const struct judge *j,
     const struct lc_spans *sp, uint64_t floor)
{
  return floor ? (double)v[k] >=
                     (double)v[k - 1] +
                         (double)floor * lc_confirm_span(sp, j->last, k - 1, k)
               : v[k] > v[k - 1];
}

/* lc_confirm_goes_on for the series v of finding f, in the run time or as
 * planned; a memory row must also rise over the confirmation by its step
 * floor per drive interval (the window's own noise floor), as its
 * least-squares trend from the last planned snapshot on, so that a clean
 * program's slow creep after a one-time jump is not taken for the leak
 * going on, nor a last sample that happens to sit high. */
static int
goes_on(const struct lc_finding *f, const uint64_t *v, int step,
        const struct judge *j)
{
  uint64_t floor = rise_floor(f);
  int i;
  for (i = first_span(f, j); i < j->nsp; i++) {
    const struct lc_spans *sp = &j->sp[i];
    if (!lc_confirm_goes_on(v, step ? f->refs : NULL, sp, j->first, j->last,
                            j->end, step))
      continue;
    if (!floor || ls_slope(v, sp, j->last, j->last, j->end) >= (double)floor)
      return 1;
  }
  return 0;
}

/* "Map @123: grew +3.5 KB, then flat for 6 snapshots" */
static char *
cleared_note(const struct lc_finding *f, const uint64_t *v, int bytes,
             const struct judge *j)
{
  struct lc_buf b = LC_BUF_INIT;
  char g[LC_BYTES_MAX];
  size_t m = j->end - j->last, i;
  int64_t gw = diff_i64(v[j->last], v[j->first]);
  int64_t gc = diff_i64(v[j->end], v[j->last]);
  int flat = 1;
  for (i = j->last; i < j->end; i++)
    flat = flat && v[i + 1] == v[i];
  lc_finding_name(&b, f);
  lc_buf_addstr(&b, ": grew ");
  if (bytes) {
    lc_format_bytes(g, sizeof(g), gw, 1);
    lc_buf_addstr(&b, g);
  } else {
    lc_buf_addf(&b, "%+lld %s", (long long)gw, objects(gw));
  }
  if (flat) {
    lc_buf_addf(&b, ", then flat for %zu %s", m,
                plural(m, "snapshot", "snapshots"));
  } else {
    if (bytes) {
      lc_format_bytes(g, sizeof(g), gc, 1);
      lc_buf_addf(&b, ", then %s", g);
    } else {
      lc_buf_addf(&b, ", then %+lld %s", (long long)gc, objects(gc));
    }
    lc_buf_addf(&b, " over %zu more %s", m, plural(m, "snapshot", "snapshots"));
  }
  return lc_buf_detach(&b, NULL);
}

/* Judges the suspects of `r` over the confirmation snapshots: a growth
 * rule whose growth did not go on is lifted; a finding left with no rule
 * becomes a note. */
static void
confirm_findings(struct lc_assert_result *r, const struct judge *j)
{
  size_t i, kept = 0, alloc = 0;
  for (i = 0; i < r->nfindings; i++) {
    struct lc_finding *f = &r->findings[i];
    unsigned bit, bits = f->failed_rules & CONFIRMABLE;
    char *note = NULL;
    for (bit = 1; bits && bit <= LC_RULE_INTERNALS; bit <<= 1) {
      int step, bytes;
      const uint64_t *v;
      if (!(bits & bit))
        continue;
      v = rule_series(f, bit, &step, &bytes);
      if (v && goes_on(f, v, step, j))
        continue;
      f->failed_rules &= ~bit;
      if (!note && v)
        note = cleared_note(f, v, bytes, j);
    }
    if (f->failed_rules) {
      free(note);
      if (bits)
        f->confirmed = j->end - j->last;
      r->findings[kept++] = *f;
      continue;
    }
    if (note) {
      LC_ALLOC_GROW(r->notes, r->nnotes + 1, alloc);
      r->notes[r->nnotes++] = note;
    }
    free(f->why);
    free(f->own);
  }
  r->nfindings = kept;
  if (!kept) {
    free(r->findings);
    r->findings = NULL;
  }
}

/* Evaluates every assertion on the window j; confirms when j->end >
 * j->last. */
static size_t
eval_all(const struct lc_check *check, const struct lc_series *ser,
         const struct judge *jin, struct lc_assert_result **out)
{
  struct lc_assert_result *res;
  unsigned char *ignored;
  struct judge j = *jin;
  size_t i, nfailed = 0;

  *out = NULL;
  if (!check->nasserts)
    return 0;
  ignored = lc_xcalloc(ser->nrows ? ser->nrows : 1, 1);
  for (i = 0; i < ser->nrows; i++) {
    size_t p;
    for (p = 0; p < check->nignore && !ignored[i]; p++)
      ignored[i] = lc_pattern_match(&check->ignore[p], ser->rows[i].name) != 0;
  }

  res = lc_xcalloc(check->nasserts, sizeof(*res));
  for (i = 0; i < check->nasserts; i++) {
    struct lc_assert_result *r = &res[i];
    r->a = &check->asserts[i];
    r->planned = j.end > j.last ? j.last + 1 : 0;
    if (ser->nsnap == 0) {
      /* Nothing was measured: no row matches and a total stays 0. */
      r->nmatched = r->a->is_total ? 1 : 0;
    } else if (r->a->memory) {
      eval_memory(r, ser, &j);
    } else if (r->a->is_total) {
      eval_total(r, ser, ignored, &j);
    } else {
      eval_rows(r, ser, ignored, &j);
    }
    if (j.end > j.last && r->nfindings)
      confirm_findings(r, &j);
    r->failed = r->nfindings > 0;
    nfailed += r->failed != 0;
    if (ser->nsnap == 0 && r->a->is_total)
      r->message = lc_xstrdup("held: total growth +0 objects (+0 B) over 0 "
                              "snapshots");
    else
      r->message = result_message(r, ser, &j);
  }
  free(ignored);
  *out = res;
  return nfailed;
}

/* Sets j->sp: the run times of the series when every interval of the
 * window has one, in units of their mean, and the drive intervals
 * planned (sp[1] when the drive counts calls or requests; sp[0] when run
 * times are unknown). */
static void
spans_of(struct judge *j, const struct lc_series *ser)
{
  size_t k;
  double sum = 0;
  struct lc_spans planned = {NULL, 0, 0};
  memset(j->sp, 0, sizeof(j->sp));
  if (ser->ndrive) {
    planned.span = ser->drive;
    planned.n = ser->ndrive;
    planned.unit = 1;
  }
  j->sp[0] = planned;
  j->nsp = 1;
  if (j->last <= j->first || ser->nspan <= j->last)
    return;
  for (k = j->first + 1; k <= j->last; k++) {
    if (!(ser->span[k] > 0))
      return;
    sum += ser->span[k];
  }
  j->sp[0].span = ser->span;
  j->sp[0].n = ser->nspan;
  j->sp[0].unit = sum / (double)(j->last - j->first);
  j->sp[1] = planned;
  j->nsp = ser->span_by_count ? 2 : 1;
}

/* The window of a series whose first `planned` snapshots were planned. */
static struct judge
window(const struct lc_series *ser, size_t planned)
{
  struct judge j;
  /* The caller promises warmup + 2 snapshots; a shorter series is judged
   * on what it has rather than read out of bounds. */
  j.end = ser->nsnap ? ser->nsnap - 1 : 0;
  j.last = planned && planned - 1 < j.end ? planned - 1 : j.end;
  j.first = ser->warmup < j.last ? ser->warmup : j.last;
  j.suspect = j.end > j.last;
  spans_of(&j, ser);
  return j;
}

size_t
lc_verdict_eval(const struct lc_check *check, const struct lc_series *ser,
                struct lc_assert_result **out)
{
  struct judge j = window(ser, 0);
  return eval_all(check, ser, &j, out);
}

size_t
lc_verdict_eval_confirmed(const struct lc_check *check,
                          const struct lc_series *ser, size_t planned,
                          struct lc_assert_result **out)
{
  struct judge j = window(ser, planned);
  return eval_all(check, ser, &j, out);
}

/* Nonzero when the suspect series v of finding fd has settled, its
 * lengths measured by sp: the trailing confirmation intervals without a
 * rise (for a memory row, a rise of its step floor) last as long as a
 * backing store's step pattern allows, or for anything else twice the
 * window and one unit more. */
static int
settled(const struct lc_finding *fd, const uint64_t *v, int step,
        const struct judge *j, const struct lc_spans *sp, uint64_t floor)
{
  size_t k;
  double flat = 0;
  if (step)
    return flat_span(v, sp, j->last, j->end) >=
           lc_confirm_flat_needed(v, fd->refs, sp, j->first, j->last, j->end,
                                  1);
  for (k = j->end; k > j->last && !rose(v, k, j, sp, floor); k--)
    flat += lc_confirm_span(sp, j->last, k - 1, k);
  return flat >= lc_confirm_settle_span(
                     lc_confirm_span(sp, j->last, j->first, j->last));
}

int
lc_verdict_wants_more(const struct lc_check *check, const struct lc_series *ser,
                      size_t planned, unsigned *scale)
{
  struct lc_assert_result *res;
  struct judge j = window(ser, planned), w = j;
  size_t i, f, m = j.end - j.last;
  int suspects = 0, unsettled = 0, unsettled_objects = 0;

  w.end = w.last; /* the window's suspects, unconfirmed */
  w.suspect = 1;
  if (j.last <= j.first)
    return 0;
  eval_all(check, ser, &w, &res);
  for (i = 0; i < check->nasserts && res; i++) {
    for (f = 0; f < res[i].nfindings; f++) {
      const struct lc_finding *fd = &res[i].findings[f];
      unsigned bit, bits = fd->failed_rules & CONFIRMABLE;
      for (bit = 1; bits && bit <= LC_RULE_INTERNALS; bit <<= 1) {
        int step, bytes, s;
        uint64_t floor;
        const uint64_t *v;
        if (!(bits & bit))
          continue;
        v = rule_series(fd, bit, &step, &bytes);
        if (!v)
          continue;
        suspects = 1;
        floor = rise_floor(fd);
        /* No growth is decided a leak before the budget ends: every
         * interval more looks further past the window for a bound (a
         * timing buffer filling at a leak's pace reached its cap of 250
         * entries after 25 drive intervals of confirmation). */
        for (s = first_span(fd, &j); s < j.nsp; s++) {
          if (!settled(fd, v, step, &j, &j.sp[s], floor)) {
            unsettled = 1;
            unsettled_objects |= !(fd->row && fd->row->memory);
          }
        }
      }
    }
  }
  lc_verdict_free(res, check->nasserts);
  /* The next interval grows (lc_confirm_scale) for a count or an object,
   * which may be a cache or a buffer that needs the time or the work to
   * reach its bound.  With only memory rows left it keeps the window's
   * length: resident sizes follow the work done per interval (an
   * allocator's high-water mark), so growing batches would raise them
   * without a leak, and a leak keeps its rate either way. */
  if (scale)
    *scale = unsettled_objects ? lc_confirm_scale(m + 1) : 1;
  /* Settled suspects would only be cleared. */
  return suspects && unsettled;
}

void
lc_verdict_remessage(struct lc_assert_result *r, const struct lc_series *ser)
{
  struct judge j;
  if (!r->failed || ser->nsnap == 0)
    return;
  j = window(ser, r->planned);
  free(r->message);
  r->message = result_message(r, ser, &j);
}

void
lc_leak_release(struct lc_leak *l)
{
  size_t i;
  free(l->folded);
  free(l->headline);
  free(l->real_class);
  free(l->holder);
  free(l->held_by);
  for (i = 0; i < l->npath; i++) {
    free(l->path[i].edge);
    free(l->path[i].node);
  }
  free(l->path);
  for (i = 0; i < l->nsites; i++) {
    free(l->sites[i].frames);
    free(l->sites[i].file);
    free(l->sites[i].abs_file);
  }
  free(l->sites);
  free(l->site_note);
  memset(l, 0, sizeof(*l));
}

void
lc_finding_name(struct lc_buf *out, const struct lc_finding *f)
{
  const char *key, *name;
  size_t klen, nlen;
  if (!f->row) {
    lc_buf_addstr(out, f->failed_rules & LC_RULE_INTERNALS ? "V8 internals"
                                                           : "total");
    return;
  }
  key = f->row->key;
  name = f->row->name;
  lc_buf_addstr(out, name);
  if (f->object_id)
    lc_buf_addf(out, " @%u", f->object_id);
  /* The location part of the key, when it has one. */
  klen = strlen(key);
  nlen = strlen(name);
  if (klen > nlen && key[klen - nlen - 1] == ',' &&
      strcmp(key + klen - nlen, name) == 0)
    klen -= nlen + 1;
  else if (strcmp(key, name) == 0)
    klen = 0;
  if (f->row->where) {
    lc_buf_addf(out, " [%s]", f->row->where);
  } else if (klen) {
    lc_buf_addstr(out, " [");
    lc_buf_add(out, key, klen);
    lc_buf_addch(out, ']');
  }
}

void
lc_verdict_free(struct lc_assert_result *res, size_t n)
{
  size_t i;
  if (!res)
    return;
  for (i = 0; i < n; i++) {
    size_t j;
    for (j = 0; j < res[i].nfindings; j++) {
      free(res[i].findings[j].why);
      free(res[i].findings[j].own);
    }
    for (j = 0; j < res[i].nleaks; j++)
      lc_leak_release(&res[i].leaks[j]);
    free(res[i].leaks);
    for (j = 0; j < res[i].nnotes; j++)
      free(res[i].notes[j]);
    free(res[i].notes);
    free(res[i].findings);
    for (j = 0; j < res[i].naccepted; j++) {
      free(res[i].accepted[j].why);
      free(res[i].accepted[j].own);
    }
    free(res[i].accepted);
    free(res[i].total_count);
    free(res[i].total_size);
    free(res[i].message);
  }
  free(res);
}

void
lc_verdict_refresh(struct lc_assert_result *r, const struct lc_series *ser)
{
  struct judge j = window(ser, r->planned);
  r->failed = r->nfindings > 0;
  free(r->message);
  r->message = result_message(r, ser, &j);
  if (!r->failed && r->naccepted) {
    struct lc_buf b = LC_BUF_INIT;
    size_t i, nallow = 0;
    for (i = 0; i < r->naccepted; i++)
      nallow += r->accepted[i].allow != NULL;
    lc_buf_addstr(&b, r->message);
    lc_buf_addf(&b, " (%zu accepted:", r->naccepted);
    if (nallow)
      lc_buf_addf(&b, " %zu allowed", nallow);
    if (r->naccepted > nallow)
      lc_buf_addf(&b, "%s%zu within the baseline", nallow ? ", " : " ",
                  r->naccepted - nallow);
    lc_buf_addch(&b, ')');
    free(r->message);
    r->message = lc_buf_detach(&b, NULL);
  }
}

void
lc_check_result_release(struct lc_check_result *r)
{
  size_t i;
  for (i = 0; i < r->nnotes; i++)
    free(r->notes[i].message);
  free(r->notes);
  free(r->error);
  free(r->stdout_tail);
  free(r->stderr_tail);
  lc_verdict_free(r->results, r->nresults);
  lc_series_release(&r->series);
  memset(r, 0, sizeof(*r));
}
