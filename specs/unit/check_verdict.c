/* Check suite for verdict.c: series building, the v1 rules, messages and
 * lc_format_bytes.  Series are built from hand-made Summaries. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/format.h"
#include "leakcheck/buf.h"
#include "testutil.h"
#include "verdict/baseline.h"
#include "verdict/identity.h"
#include "verdict/known.h"
#include "verdict/verdict.h"

#define MAXSNAP 12
#define MAXROWS 6
#define ABSENT UINT64_MAX /* the row is not in that snapshot's Summary */

struct rowspec {
  const char *name;
  const char *key; /* NULL: ",name" */
  uint64_t count[MAXSNAP];
  uint64_t size[MAXSNAP];
};

struct aspec {
  const char *ctor; /* NULL: a total assertion */
  unsigned rules;   /* LC_RULE_* that are set */
  int64_t max_growth, max_growth_bytes, max_count, max_bytes;
};

struct vcase {
  const char *what;
  size_t nsnap, warmup;
  struct rowspec rows[MAXROWS];
  const char *ignore[2];
  struct aspec a;
  /* expected */
  int failed;
  size_t nmatched;
  int64_t growth, growth_bytes;
  const char *findings[MAXROWS]; /* keys, worst first; "(total)" */
  const char *message;
};

/* Function: a warm-up jump from 10 to 100, then +1 object (+64 B) per
 * measured snapshot. */
#define FN_ROW                                                                 \
  {                                                                            \
    "Function", NULL, {10, 100, 101, 102, 103},                                \
    {                                                                          \
      640, 6400, 6464, 6528, 6592                                              \
    }                                                                          \
  }

/* clang-format off */
static const struct vcase vcases[] = {
    /* growth is measured first -> last measured snapshot */
    {"warm-up jump ignored, boundary passes", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_GROWTH, 3, 0, 0, 0}, 0, 1, 3, 192, {0},
     "held: worst growth +3 objects (+192 B) across 1 constructor"},
    {"max_growth +1 fails", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_GROWTH, 2, 0, 0, 0}, 1, 1, 3, 192,
     {",Function"},
     "Function grew by +3 objects (+192 B) over 4 snapshots; limit "
     "max_growth 2"},
    {"max_growth_bytes boundary passes", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_GROWTH_BYTES, 0, 192, 0, 0}, 0, 1, 3, 192,
     {0}, "held: worst growth +3 objects (+192 B) across 1 constructor"},
    {"max_growth_bytes -1 fails", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_GROWTH_BYTES, 0, 191, 0, 0}, 1, 1, 3, 192,
     {",Function"},
     "Function grew by +3 objects (+192 B) over 4 snapshots; limit "
     "max_growth_bytes 191 B"},
    {"max_count boundary passes", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_COUNT, 0, 0, 103, 0}, 0, 1, 3, 192, {0},
     "held: worst growth +3 objects (+192 B) across 1 constructor"},
    {"max_count fails", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_COUNT, 0, 0, 102, 0}, 1, 1, 3, 192,
     {",Function"},
     "Function has 103 objects (6.4 KB) at the last snapshot; limit "
     "max_count 102"},
    {"max_bytes boundary passes", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_BYTES, 0, 0, 0, 6592}, 0, 1, 3, 192, {0},
     "held: worst growth +3 objects (+192 B) across 1 constructor"},
    {"max_bytes fails, limit in KB", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_BYTES, 0, 0, 0, 6144}, 1, 1, 3, 192,
     {",Function"},
     "Function has 103 objects (6.4 KB) at the last snapshot; limit "
     "max_bytes 6 KB"},
    {"two rules fail", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_MAX_GROWTH | LC_RULE_MAX_COUNT, 0, 0, 50, 0}, 1, 1,
     3, 192, {",Function"},
     "Function grew by +3 objects (+192 B) over 4 snapshots to 103 objects "
     "(6.4 KB); limits max_growth 0, max_count 50"},
    {"steady growth in every interval fails", 5, 1, {FN_ROW}, {0},
     {"Function", LC_RULE_STEADY_GROWTH, 0, 0, 0, 0}, 1, 1, 3, 192,
     {",Function"},
     "Function grew by +3 objects (+192 B) over 4 snapshots, rising in "
     "every interval; limit steady_growth forbid"},
    {"steady growth: one flat interval passes", 5, 1,
     {{"Flat", NULL, {5, 6, 6, 7, 8}, {50, 60, 60, 70, 80}}}, {0},
     {"Flat", LC_RULE_STEADY_GROWTH, 0, 0, 0, 0}, 0, 1, 2, 20, {0},
     "held: worst growth +2 objects (+20 B) across 1 constructor"},
    {"steady growth: the warm-up interval is not measured", 5, 1,
     {{"Dip", NULL, {5, 4, 5, 6, 7}, {50, 40, 50, 60, 70}}}, {0},
     {"Dip", LC_RULE_STEADY_GROWTH, 0, 0, 0, 0}, 1, 1, 3, 30, {",Dip"},
     "Dip grew by +3 objects (+30 B) over 4 snapshots, rising in every "
     "interval; limit steady_growth forbid"},
    {"steady growth: a fall without warm-up passes", 5, 0,
     {{"Dip", NULL, {5, 4, 5, 6, 7}, {50, 40, 50, 60, 70}}}, {0},
     {"Dip", LC_RULE_STEADY_GROWTH, 0, 0, 0, 0}, 0, 1, 2, 20, {0},
     "held: worst growth +2 objects (+20 B) across 1 constructor"},
    {"steady growth with max_growth", 3, 0,
     {{"Leak", NULL, {1, 2, 3}, {8, 16, 24}}}, {0},
     {"Leak", LC_RULE_STEADY_GROWTH | LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 1,
     2, 16, {",Leak"},
     "Leak grew by +2 objects (+16 B) over 3 snapshots, rising in every "
     "interval; limits max_growth 0, steady_growth forbid"},
    /* patterns */
    {"glob", 3, 0,
     {{"LeakA", NULL, {1, 1, 2}, {10, 10, 20}},
      {"LeakB", NULL, {1, 1, 4}, {10, 10, 40}},
      {"Other", NULL, {1, 1, 9}, {10, 10, 90}},
      {"Function", NULL, {1, 1, 1}, {10, 10, 10}}},
     {0}, {"Leak*", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 2, 3, 30,
     {",LeakB", ",LeakA"},
     "LeakB grew by +3 objects (+30 B) over 3 snapshots; limit max_growth 0 "
     "(and 1 more constructor)"},
    {"anchored regex", 3, 0,
     {{"LeakA", NULL, {1, 1, 2}, {10, 10, 20}},
      {"LeakB", NULL, {1, 1, 4}, {10, 10, 40}},
      {"NoLeakB", NULL, {1, 1, 9}, {10, 10, 90}}},
     {0}, {"/^Leak[B-Z]$/", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 1, 3, 30,
     {",LeakB"},
     "LeakB grew by +3 objects (+30 B) over 3 snapshots; limit max_growth 0"},
    {"unanchored regex searches", 3, 0,
     {{"LeakA", NULL, {1, 1, 2}, {10, 10, 20}},
      {"LeakB", NULL, {1, 1, 4}, {10, 10, 40}},
      {"NoLeakB", NULL, {1, 1, 9}, {10, 10, 90}},
      {"Other", NULL, {1, 1, 9}, {10, 10, 90}}},
     {0}, {"/eakB/", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 2, 8, 80,
     {",NoLeakB", ",LeakB"},
     "NoLeakB grew by +8 objects (+80 B) over 3 snapshots; limit "
     "max_growth 0 (and 1 more constructor)"},
    {"(closure) is an alias of Function", 3, 0,
     {{"Function", NULL, {1, 1, 2}, {32, 32, 64}},
      {"Object", NULL, {1, 1, 4}, {10, 10, 40}}},
     {0}, {"(closure)", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 1, 1, 32,
     {",Function"},
     "Function grew by +1 object (+32 B) over 3 snapshots; limit "
     "max_growth 0"},
    {"no match holds", 3, 0, {{"Object", NULL, {1, 1, 4}, {10, 10, 40}}},
     {0}, {"Nope", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 0, 0, 0, 0, {0},
     "held: no constructor matched 'Nope'"},
    /* ignore */
    {"ignore excludes rows", 3, 0,
     {{"Intl.Locale", NULL, {1, 5, 9}, {10, 50, 90}},
      {"Function", NULL, {1, 1, 1}, {10, 10, 10}}},
     {"/^Intl\\./"}, {"*", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 0, 1, 0, 0,
     {0}, "held: worst growth +0 objects (+0 B) across 1 constructor"},
    {"ignore excludes rows from totals", 3, 0,
     {{"Intl.Locale", NULL, {1, 5, 9}, {10, 50, 90}},
      {"Function", NULL, {1, 1, 2}, {10, 10, 20}}},
     {"/^Intl\\./", "Nothing*"}, {NULL, LC_RULE_MAX_GROWTH, 1, 0, 0, 0}, 0,
     1, 1, 10, {0}, "held: total growth +1 object (+10 B) over 3 snapshots"},
    {"same total without ignore fails", 3, 0,
     {{"Intl.Locale", NULL, {1, 5, 9}, {10, 50, 90}},
      {"Function", NULL, {1, 1, 2}, {10, 10, 20}}},
     {0}, {NULL, LC_RULE_MAX_GROWTH, 1, 0, 0, 0}, 1, 1, 9, 90, {"(total)"},
     "total grew by +9 objects (+90 B) over 3 snapshots; limit max_growth 1"},
    /* total */
    {"total bytes", 5, 1,
     {{"A", NULL, {0, 10, 10, 11, 12}, {0, 320, 320, 352, 384}},
      {"B", NULL, {0, 10, 11, 12, 13}, {0, 320, 352, 384, 416}}},
     {0}, {NULL, LC_RULE_MAX_GROWTH_BYTES, 0, 159, 0, 0}, 1, 1, 5, 160,
     {"(total)"},
     "total grew by +5 objects (+160 B) over 4 snapshots; limit "
     "max_growth_bytes 159 B"},
    {"total bytes boundary", 5, 1,
     {{"A", NULL, {0, 10, 10, 11, 12}, {0, 320, 320, 352, 384}},
      {"B", NULL, {0, 10, 11, 12, 13}, {0, 320, 352, 384, 416}}},
     {0}, {NULL, LC_RULE_MAX_GROWTH_BYTES, 0, 160, 0, 0}, 0, 1, 5, 160, {0},
     "held: total growth +5 objects (+160 B) over 4 snapshots"},
    {"total max_bytes in MB", 3, 0,
     {{"Big", NULL, {1, 1, 1}, {3145728, 3145728, 3145728}}}, {0},
     {NULL, LC_RULE_MAX_BYTES, 0, 0, 0, 2097152}, 1, 1, 0, 0, {"(total)"},
     "total has 1 object (3.0 MB) at the last snapshot; limit max_bytes "
     "2 MB"},
    /* rows that come and go */
    {"row absent in early snapshots counts 0", 5, 1,
     {{"NewThing", NULL, {ABSENT, ABSENT, 2, 3, 4},
       {ABSENT, ABSENT, 20, 30, 40}},
      {"Gone", NULL, {5, 5, 5, 5, ABSENT}, {50, 50, 50, 50, ABSENT}}},
     {0}, {"*", LC_RULE_MAX_GROWTH, 3, 0, 0, 0}, 1, 2, 4, 40, {",NewThing"},
     "NewThing grew by +4 objects (+40 B) over 4 snapshots; limit "
     "max_growth 3"},
    {"worst growth may be negative", 5, 1,
     {{"A", NULL, {10, 10, 8, 6, 4}, {320, 320, 256, 192, 128}},
      {"B", NULL, {10, 10, 9, 9, 9}, {320, 320, 288, 288, 288}}},
     {0}, {"*", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 0, 2, -1, -32, {0},
     "held: worst growth -1 object (-32 B) across 2 constructors"},
    /* order of findings: bytes desc, objects desc, key asc */
    {"findings order", 3, 0,
     {{"Alpha", NULL, {0, 0, 1}, {0, 0, 100}},
      {"Beta", NULL, {0, 0, 5}, {0, 0, 100}},
      {"Gamma", NULL, {0, 0, 1}, {0, 0, 200}},
      {"Delta", NULL, {0, 0, 1}, {0, 0, 100}},
      {"Eps", NULL, {0, 0, 0}, {0, 0, 0}}},
     {0}, {"*", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 5, 5, 200,
     {",Gamma", ",Beta", ",Alpha", ",Delta"},
     "Gamma grew by +1 object (+200 B) over 3 snapshots; limit max_growth 0 "
     "(and 3 more constructors)"},
    {"same name, keys apart", 3, 0,
     {{"Leak", "7,20,1,Leak", {0, 0, 1}, {0, 0, 100}},
      {"Leak", "7,10,1,Leak", {0, 0, 1}, {0, 0, 100}}},
     {0}, {"Leak", LC_RULE_MAX_GROWTH, 0, 0, 0, 0}, 1, 2, 1, 100,
     {"7,10,1,Leak", "7,20,1,Leak"},
     "Leak grew by +1 object (+100 B) over 3 snapshots; limit max_growth 0 "
     "(and 1 more constructor)"},
};
/* clang-format on */

static const char *
row_key(const struct rowspec *r, char *tmp, size_t n)
{
  if (r->key)
    return r->key;
  snprintf(tmp, n, ",%s", r->name);
  return tmp;
}

/* Feeds one hand-made Summary per snapshot. */
static void
build_series(struct lc_series *ser, const struct rowspec *rows, size_t nsnap,
             size_t warmup)
{
  char keys[MAXROWS][64];
  size_t k, i, nrows = 0;

  for (i = 0; i < MAXROWS && rows[i].name; i++)
    row_key(&rows[i], keys[i], sizeof(keys[i]));
  nrows = i;
  for (k = 0; k < nsnap; k++) {
    struct lc_summary_row srows[MAXROWS];
    struct lc_summary sum = LC_SUMMARY_INIT;
    size_t n = 0;
    for (i = 0; i < nrows; i++) {
      if (rows[i].count[k] == ABSENT)
        continue;
      srows[n].key = rows[i].key ? (char *)rows[i].key : keys[i];
      srows[n].name = (char *)rows[i].name;
      srows[n].count = rows[i].count[k];
      srows[n].self_size = rows[i].size[k];
      n++;
    }
    sum.rows = srows;
    sum.nrows = n;
    lc_series_add(ser, &sum);
  }
  ser->warmup = warmup;
}

static void
build_assert(struct lc_assert *a, const struct aspec *s)
{
  struct lc_err err = LC_ERR_INIT;
  memset(a, 0, sizeof(*a));
  a->mark.line = 10;
  a->mark.col = 5;
  a->label = (char *)"test assertion";
  if (s->ctor) {
    ck_assert_int_eq(lc_pattern_compile(&a->ctor, s->ctor, &err), 0);
  } else {
    a->is_total = 1;
  }
  a->has_max_growth = (s->rules & LC_RULE_MAX_GROWTH) != 0;
  a->max_growth = s->max_growth;
  a->has_max_growth_bytes = (s->rules & LC_RULE_MAX_GROWTH_BYTES) != 0;
  a->max_growth_bytes = s->max_growth_bytes;
  a->has_max_count = (s->rules & LC_RULE_MAX_COUNT) != 0;
  a->max_count = s->max_count;
  a->has_max_bytes = (s->rules & LC_RULE_MAX_BYTES) != 0;
  a->max_bytes = s->max_bytes;
  a->steady_growth_forbid = (s->rules & LC_RULE_STEADY_GROWTH) != 0;
}

START_TEST(test_rules)
{
  const struct vcase *tc = &vcases[_i];
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_pattern ignore[2];
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  struct lc_err err = LC_ERR_INIT;
  size_t i, nfailed, nfind = 0;

  memset(&check, 0, sizeof(check));
  build_series(&ser, tc->rows, tc->nsnap, tc->warmup);
  build_assert(&a, &tc->a);
  for (i = 0; i < 2 && tc->ignore[i]; i++)
    ck_assert_int_eq(lc_pattern_compile(&ignore[i], tc->ignore[i], &err), 0);
  check.name = (char *)"c";
  check.snapshots = (unsigned)tc->nsnap;
  check.warmup = (unsigned)tc->warmup;
  check.ignore = ignore;
  check.nignore = i;
  check.asserts = &a;
  check.nasserts = 1;

  nfailed = lc_verdict_eval(&check, &ser, &res);
  ck_assert_msg(res != NULL, "%s: no results", tc->what);
  ck_assert_msg(nfailed == (size_t)tc->failed, "%s: nfailed %zu", tc->what,
                nfailed);
  ck_assert_ptr_eq(res[0].a, &a);
  ck_assert_int_eq(res[0].failed, tc->failed);
  ck_assert_msg(res[0].nmatched == tc->nmatched, "%s: nmatched %zu", tc->what,
                res[0].nmatched);
  ck_assert_msg(res[0].growth == tc->growth, "%s: growth %lld", tc->what,
                (long long)res[0].growth);
  ck_assert_msg(res[0].growth_bytes == tc->growth_bytes,
                "%s: growth_bytes %lld", tc->what,
                (long long)res[0].growth_bytes);
  while (nfind < MAXROWS && tc->findings[nfind])
    nfind++;
  ck_assert_msg(res[0].nfindings == nfind, "%s: nfindings %zu", tc->what,
                res[0].nfindings);
  for (i = 0; i < nfind; i++) {
    const struct lc_finding *f = &res[0].findings[i];
    ck_assert_str_eq(f->row ? f->row->key : "(total)", tc->findings[i]);
    ck_assert_uint_ne(f->failed_rules, 0);
    ck_assert_ptr_nonnull(f->count);
    ck_assert_ptr_nonnull(f->size);
  }
  ck_assert_str_eq(res[0].message, tc->message);
  ck_assert_ptr_null(strchr(res[0].message, '\n'));
  if (tc->a.ctor) {
    ck_assert_ptr_null(res[0].total_count);
  } else {
    ck_assert_ptr_nonnull(res[0].total_count);
    ck_assert_ptr_nonnull(res[0].total_size);
  }

  lc_verdict_free(res, 1);
  for (i = 0; i < check.nignore; i++)
    lc_pattern_release(&ignore[i]);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* The total of a total assertion is kept for the reports: counts per
 * snapshot over the rows not ignored. */
START_TEST(test_total_series)
{
  static const struct rowspec rows[] = {
      {"Intl.X", NULL, {1, 5, 9}, {10, 50, 90}},
      {"A", NULL, {1, 2, 3}, {10, 20, 30}},
      {"B", NULL, {ABSENT, 1, 1}, {ABSENT, 8, 8}},
      {NULL, NULL, {0}, {0}}};
  static const struct aspec as = {NULL, LC_RULE_MAX_GROWTH, 0, 0, 0, 0};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_pattern ign;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res;
  struct lc_err err = LC_ERR_INIT;

  memset(&check, 0, sizeof(check));
  build_series(&ser, rows, 3, 0);
  build_assert(&a, &as);
  ck_assert_int_eq(lc_pattern_compile(&ign, "Intl.*", &err), 0);
  check.ignore = &ign;
  check.nignore = 1;
  check.asserts = &a;
  check.nasserts = 1;
  ck_assert_uint_eq(lc_verdict_eval(&check, &ser, &res), 1);
  ck_assert_uint_eq(res[0].total_count[0], 1);
  ck_assert_uint_eq(res[0].total_count[1], 3);
  ck_assert_uint_eq(res[0].total_count[2], 4);
  ck_assert_uint_eq(res[0].total_size[0], 10);
  ck_assert_uint_eq(res[0].total_size[1], 28);
  ck_assert_uint_eq(res[0].total_size[2], 38);
  ck_assert_ptr_eq(res[0].findings[0].count, res[0].total_count);
  ck_assert_ptr_null(res[0].findings[0].row);
  ck_assert_uint_eq(res[0].findings[0].failed_rules, LC_RULE_MAX_GROWTH);
  /* The series' own totals cover every row. */
  ck_assert_uint_eq(ser.total_count[2], 13);
  ck_assert_uint_eq(ser.total_size[2], 128);
  lc_verdict_free(res, 1);
  lc_pattern_release(&ign);
  lc_series_release(&ser);
}
END_TEST

/* `check` judged by the default assertion `a` alone: 6 snapshots, warmup
 * 2.  The caller releases a->ctor. */
static void
default_check(struct lc_check *check, struct lc_assert *a)
{
  struct lc_err err = LC_ERR_INIT;
  memset(a, 0, sizeof(*a));
  ck_assert_int_eq(lc_pattern_compile(&a->ctor, "*", &err), 0);
  a->label = (char *)"default";
  a->steady_growth_forbid = 1;
  a->is_default = 1;
  check->snapshots = 6;
  check->warmup = 2;
  check->asserts = a;
  check->nasserts = 1;
}

/* The default assertion's single-object rule judges the program's objects;
 * V8's own (here an object shape growing in place, as a transition array
 * does) count towards the internals budget only, as their rows do. */
START_TEST(test_object_rule_internal)
{
  static const struct rowspec rows[] = {
      {"Cache", NULL, {1, 1, 1, 1, 1, 1}, {300, 300, 300, 900, 1500, 2100}},
      {"(object shape)",
       NULL,
       {1, 1, 1, 1, 1, 1},
       {300, 300, 300, 900, 1500, 2100}},
      {NULL, NULL, {0}, {0}}};
  static const uint64_t sizes[] = {300, 300, 300, 900, 1500, 2100};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res;
  size_t k;

  memset(&check, 0, sizeof(check));
  build_series(&ser, rows, 6, 2);
  ck_assert_str_eq(ser.rows[0].name, "Cache");
  ck_assert_str_eq(ser.rows[1].name, "(object shape)");
  /* One big object per row, by id, each growing in every interval. */
  ser.big = lc_xcalloc(6, sizeof(*ser.big));
  for (k = 0; k < 6; k++) {
    ser.big[k].v = lc_xcalloc(2, sizeof(*ser.big[k].v));
    ser.big[k].n = 2;
    ser.big[k].v[0].id = 11;
    ser.big[k].v[0].row = 0;
    ser.big[k].v[0].size = sizes[k];
    ser.big[k].v[1].id = 13;
    ser.big[k].v[1].row = 1;
    ser.big[k].v[1].size = sizes[k];
  }
  default_check(&check, &a);
  ck_assert_uint_eq(lc_verdict_eval(&check, &ser, &res), 1);
  ck_assert_uint_eq(res[0].nfindings, 1);
  ck_assert_uint_eq(res[0].findings[0].failed_rules, LC_RULE_OBJECT_GROWTH);
  ck_assert_uint_eq(res[0].findings[0].object_id, 11);
  ck_assert_str_eq(res[0].findings[0].row->name, "Cache");
  /* The object shape's growth is in the internals' sum, under budget. */
  ck_assert_int_eq(res[0].internals_growth_bytes, 1800);
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

START_TEST(test_several_assertions)
{
  static const struct rowspec rows[] = {
      {"Function", NULL, {1, 2, 3}, {32, 64, 96}},
      {"Object", NULL, {4, 4, 4}, {64, 64, 64}},
      {NULL, NULL, {0}, {0}}};
  static const struct aspec specs[3] = {
      {"Function", LC_RULE_MAX_GROWTH, 0, 0, 0, 0},
      {"Object", LC_RULE_MAX_GROWTH, 0, 0, 0, 0},
      {NULL, LC_RULE_MAX_GROWTH_BYTES, 0, 1024, 0, 0}};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a[3];
  struct lc_check check;
  struct lc_assert_result *res;
  size_t i;

  memset(&check, 0, sizeof(check));
  build_series(&ser, rows, 3, 0);
  for (i = 0; i < 3; i++)
    build_assert(&a[i], &specs[i]);
  a[2].is_total = 1;
  check.asserts = a;
  check.nasserts = 3;
  ck_assert_uint_eq(lc_verdict_eval(&check, &ser, &res), 1);
  for (i = 0; i < 3; i++)
    ck_assert_ptr_eq(res[i].a, &a[i]);
  ck_assert_int_eq(res[0].failed, 1);
  ck_assert_int_eq(res[1].failed, 0);
  ck_assert_int_eq(res[2].failed, 0);
  ck_assert_str_eq(res[2].message,
                   "held: total growth +2 objects (+64 B) over 3 snapshots");
  lc_verdict_free(res, 3);
  for (i = 0; i < 3; i++)
    lc_pattern_release(&a[i].ctor);

  /* No assertions: no results. */
  check.nasserts = 0;
  res = (struct lc_assert_result *)&check; /* must be overwritten */
  ck_assert_uint_eq(lc_verdict_eval(&check, &ser, &res), 0);
  ck_assert_ptr_null(res);
  lc_series_release(&ser);
}
END_TEST

/* ---- series ------------------------------------------------------------ */

START_TEST(test_series_rows)
{
  struct lc_summary_row s0[] = {{(char *)",A", (char *)"A", 1, 10, 0, 0},
                                {(char *)",B", (char *)"B", 2, 20, 0, 0}};
  struct lc_summary_row s1[] = {{(char *)",B", (char *)"B", 3, 30, 0, 0},
                                {(char *)",C", (char *)"C", 4, 40, 0, 0}};
  struct lc_summary_row s2[] = {{(char *)",A", (char *)"A", 5, 50, 0, 0},
                                {(char *)",A", (char *)"A", 1, 1, 0, 0}};
  struct lc_summary sum = LC_SUMMARY_INIT;
  struct lc_series ser = LC_SERIES_INIT;
  static const uint64_t want_count[3][3] = {{1, 0, 6}, {2, 3, 0}, {0, 4, 0}};
  static const uint64_t want_size[3][3] = {
      {10, 0, 51}, {20, 30, 0}, {0, 40, 0}};
  static const char *const names[3] = {"A", "B", "C"};
  size_t r, k;

  sum.rows = s0;
  sum.nrows = 2;
  lc_series_add(&ser, &sum);
  sum.rows = s1;
  lc_series_add(&ser, &sum);
  sum.rows = s2;
  lc_series_add(&ser, &sum);
  ck_assert_uint_eq(ser.nsnap, 3);
  ck_assert_uint_eq(ser.nrows, 3);
  for (r = 0; r < 3; r++) {
    ck_assert_str_eq(ser.rows[r].name, names[r]);
    ck_assert_ptr_ne(ser.rows[r].name, names[r]); /* copied */
    for (k = 0; k < 3; k++) {
      ck_assert_uint_eq(ser.rows[r].count[k], want_count[r][k]);
      ck_assert_uint_eq(ser.rows[r].size[k], want_size[r][k]);
    }
  }
  ck_assert_uint_eq(ser.total_count[0], 3);
  ck_assert_uint_eq(ser.total_count[1], 7);
  ck_assert_uint_eq(ser.total_count[2], 6);
  ck_assert_uint_eq(ser.total_size[0], 30);
  ck_assert_uint_eq(ser.total_size[1], 70);
  ck_assert_uint_eq(ser.total_size[2], 51);
  lc_series_release(&ser);
  ck_assert_uint_eq(ser.nrows, 0);
  ck_assert_ptr_null(ser.rows);
}
END_TEST

/* Enough rows to grow the hash table several times; the second snapshot
 * lists them in reverse order and drops every third. */
START_TEST(test_series_many)
{
  enum { N = 5000 };
  struct lc_summary_row *rows = calloc(N, sizeof(*rows));
  struct lc_summary sum = LC_SUMMARY_INIT;
  struct lc_series ser = LC_SERIES_INIT;
  size_t i, n = 0;

  for (i = 0; i < N; i++) {
    rows[i].key = lc_xasprintf("%zu,1,1,C%zu", i, i);
    rows[i].name = lc_xasprintf("C%zu", i);
    rows[i].count = i;
    rows[i].self_size = i * 8;
  }
  sum.rows = rows;
  sum.nrows = N;
  lc_series_add(&ser, &sum);
  {
    struct lc_summary_row *rev = calloc(N, sizeof(*rev));
    for (i = N; i-- > 0;) {
      if (i % 3 == 0)
        continue;
      rev[n] = rows[i];
      rev[n].count = i * 2;
      n++;
    }
    sum.rows = rev;
    sum.nrows = n;
    lc_series_add(&ser, &sum);
    free(rev);
  }
  ck_assert_uint_eq(ser.nrows, N);
  ck_assert_uint_ge(ser.index.nslots, 2 * N);
  for (i = 0; i < N; i++) {
    ck_assert_str_eq(ser.rows[i].key, rows[i].key);
    ck_assert_uint_eq(ser.rows[i].count[0], i);
    ck_assert_uint_eq(ser.rows[i].count[1], i % 3 == 0 ? 0 : i * 2);
    ck_assert_uint_eq(ser.rows[i].size[1], i % 3 == 0 ? 0 : i * 8);
  }
  for (i = 0; i < N; i++) {
    free(rows[i].key);
    free(rows[i].name);
  }
  free(rows);
  lc_series_release(&ser);
}
END_TEST

/* ---- lc_format_bytes --------------------------------------------------- */

#define CSNAP_MEM 12

/* Memory rows: kept apart from the constructor rows, judged in bytes by
 * `memory:` assertions and by the default assertion's steady-growth rule
 * on (rss) and (external), with the LC_MEM_STEP_MIN / LC_MEM_RISE_MIN
 * floor. */
#define MB (1024 * 1024)
#define KB 1024
struct mcase {
  const char *what;
  enum lc_mem_kind kind; /* the row sampled and judged */
  uint64_t v[5];         /* 5 snapshots, warmup 1 */
  int is_default;        /* else a memory assertion with `rules` */
  unsigned rules;
  int64_t max_growth_bytes, max_bytes;
  int failed;
  const char *message;
};
/* clang-format off */
static const struct mcase mcases[] = {
    {"rss rising 1 MB an interval fails the default", LC_MEM_RSS,
     {40 * MB, 50 * MB, 51 * MB, 52 * MB, 53 * MB}, 1, 0, 0, 0, 1,
     "(rss) grew by +3.0 MB over 4 snapshots, rising in every interval; "
     "limit steady_growth forbid (a rise of 768 KB or more in every "
     "interval, or as the least-squares trend when confirmed; 2 MB in all)"},
    {"a warm-up jump alone holds", LC_MEM_RSS,
     {40 * MB, 50 * MB, 50 * MB, 50 * MB, 50 * MB}, 1, 0, 0, 0, 0,
     "held: worst growth +0 objects (+0 B) across 1 constructor; V8 "
     "internals +0 B (budget 1 MB); (rss) +0 B"},
    {"one interval below the step floor holds", LC_MEM_EXTERNAL,
     {1 * MB, 2 * MB, 3 * MB, 3 * MB + 63 * KB, 5 * MB}, 1, 0, 0, 0, 0,
     "held: worst growth +0 objects (+0 B) across 1 constructor; V8 "
     "internals +0 B (budget 1 MB); (external) +3.0 MB"},
    {"exactly the step floor, under the total minimum, holds",
     LC_MEM_EXTERNAL,
     {0, 1 * MB, 1 * MB + 64 * KB, 1 * MB + 128 * KB, 1 * MB + 192 * KB},
     1, 0, 0, 0, 0,
     "held: worst growth +0 objects (+0 B) across 1 constructor; V8 "
     "internals +0 B (budget 1 MB); (external) +192.0 KB"},
    {"the floors exactly fail", LC_MEM_EXTERNAL,
     {0, 1 * MB, 1 * MB + 64 * KB, 1 * MB + 128 * KB, 1 * MB + 256 * KB},
     1, 0, 0, 0, 1,
     "(external) grew by +256.0 KB over 4 snapshots, rising in every "
     "interval; limit steady_growth forbid (a rise of 64 KB or more in "
     "every interval, or as the least-squares trend when confirmed; 256 KB "
     "in all)"},
    {"the default ignores heap used", LC_MEM_HEAP_USED,
     {0, 10 * MB, 20 * MB, 30 * MB, 40 * MB}, 1, 0, 0, 0, 0,
     "held: worst growth +0 objects (+0 B) across 1 constructor; V8 "
     "internals +0 B (budget 1 MB)"},
    {"max_growth_bytes over", LC_MEM_RSS,
     {0, 10 * MB, 31 * MB, 20 * MB, 31 * MB}, 0, LC_RULE_MAX_GROWTH_BYTES,
     20 * MB, 0, 1,
     "(rss) grew by +21.0 MB over 4 snapshots; limit max_growth_bytes "
     "20 MB"},
    {"max_growth_bytes exactly held", LC_MEM_RSS,
     {0, 10 * MB, 31 * MB, 20 * MB, 30 * MB}, 0, LC_RULE_MAX_GROWTH_BYTES,
     20 * MB, 0, 0, "held: (rss) grew by +20.0 MB over 4 snapshots"},
    {"max_bytes over", LC_MEM_ARRAY_BUFFERS,
     {0, 1, 2, 3, 2 * MB + 1}, 0, LC_RULE_MAX_BYTES, 0, 2 * MB, 1,
     "(array buffers) is 2.0 MB at the last snapshot; limit max_bytes "
     "2 MB"},
    {"steady growth of a memory assertion", LC_MEM_HEAP_TOTAL,
     {0, 1 * MB, 2 * MB, 3 * MB, 4 * MB}, 0,
     LC_RULE_STEADY_GROWTH | LC_RULE_MAX_BYTES, 0, 1 * MB, 1,
     "(heap total) grew by +3.0 MB over 4 snapshots to 4.0 MB, rising in "
     "every interval; limits max_bytes 1 MB, steady_growth forbid (a rise "
     "of 768 KB or more in every interval, or as the least-squares trend "
     "when confirmed; 2 MB in all)"},
    {"no samples (analyze): held", LC_MEM_NONE, {0}, 0,
     LC_RULE_MAX_GROWTH_BYTES, 0, 0, 0,
     "held: no (process tree rss) samples (snapshots read from files)"},
};
/* clang-format on */

START_TEST(test_memory)
{
  const struct mcase *tc = &mcases[_i];
  static const struct rowspec rows[] = {
      {"Function", NULL, {10, 10, 10, 10, 10}, {640, 640, 640, 640, 640}},
      {NULL, NULL, {0}, {0}}};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res;
  struct lc_err err = LC_ERR_INIT;

  memset(&check, 0, sizeof(check));
  build_series(&ser, rows, 5, 1);
  if (tc->kind)
    lc_series_add_memory(&ser, tc->kind, tc->v);
  ck_assert_uint_eq(ser.nrows, 1); /* memory rows stay apart */
  memset(&a, 0, sizeof(a));
  a.label = (char *)"test assertion";
  if (tc->is_default) {
    a.is_default = 1;
    a.steady_growth_forbid = 1;
    ck_assert_int_eq(lc_pattern_compile(&a.ctor, "*", &err), 0);
  } else {
    a.memory = tc->kind ? tc->kind : LC_MEM_TREE_RSS;
    a.has_max_growth_bytes = (tc->rules & LC_RULE_MAX_GROWTH_BYTES) != 0;
    a.max_growth_bytes = tc->max_growth_bytes;
    a.has_max_bytes = (tc->rules & LC_RULE_MAX_BYTES) != 0;
    a.max_bytes = tc->max_bytes;
    a.steady_growth_forbid = (tc->rules & LC_RULE_STEADY_GROWTH) != 0;
  }
  check.asserts = &a;
  check.nasserts = 1;
  ck_assert_uint_eq(lc_verdict_eval(&check, &ser, &res), (size_t)tc->failed);
  ck_assert_msg(strcmp(res[0].message, tc->message) == 0,
                "%s: message\n  got:      %s\n  expected: %s", tc->what,
                res[0].message, tc->message);
  if (tc->failed) {
    const struct lc_finding *f = &res[0].findings[0];
    struct lc_buf name = LC_BUF_INIT;
    ck_assert_ptr_eq(f->row, lc_series_memory(&ser, tc->kind));
    ck_assert_int_eq(f->row->memory, tc->kind);
    lc_finding_name(&name, f);
    ck_assert_str_eq(name.buf, lc_series_mem_name(tc->kind));
    ck_assert_uint_eq(f->count[4], 0);
    ck_assert_uint_eq(f->size[4], tc->v[4]);
    lc_buf_release(&name);
  }
  lc_verdict_free(res, 1);
  if (tc->is_default)
    lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* Memory rows through the confirmation: the default assertion on (rss),
 * 6 planned snapshots (warmup 2), then confirmation snapshots.  A window
 * that rises by its least-squares trend though one interval dips is a
 * suspect only when confirmed; a suspect fails when it goes on rising by
 * the step floor per confirmation interval. */
static const struct mccase {
  const char *what;
  size_t nsnap;
  uint64_t v[CSNAP_MEM];
  int failed;        /* with the confirmation */
  int window_failed; /* the window alone (lc_verdict_eval) */
  int more;          /* lc_verdict_wants_more on the window alone */
  const char *text;  /* in the message when failed, else the note */
} mccases[] = {
    {"steady growth goes on",
     9,
     /* confirmation intervals of 2, 4 and 8 drive intervals */
     {40 * MB, 41 * MB, 42 * MB, 43 * MB, 44 * MB, 45 * MB, 47 * MB, 51 * MB,
      59 * MB},
     1,
     1,
     1,
     "(rss) grew by +3.0 MB over 4 snapshots, rising in every "
     "interval"},
    /* addon-malloc's miss (README): RSS fell twice while the leak waited */
    {"a trend with dips, confirmed",
     9,
     {70 * MB, 75 * MB, 80 * MB, 80 * MB - 120 * KB, 84 * MB,
      84 * MB - 160 * KB, 86 * MB + 512 * KB, 91 * MB + 512 * KB,
      101 * MB + 512 * KB},
     1,
     0,
     1,
     "(rss) grew by +3.8 MB over 4 snapshots, a trend of +1.6 MB "
     "per interval"},
    {"a trend with dips, then flat",
     9,
     {70 * MB, 75 * MB, 80 * MB, 80 * MB - 120 * KB, 84 * MB,
      84 * MB - 160 * KB, 84 * MB, 84 * MB + 8 * KB, 84 * MB},
     0,
     0,
     1,
     "(rss): grew +3.8 MB, then +160.0 KB over 3 more snapshots"},
    {"a jump, then a creep under the floor",
     9,
     {40 * MB, 41 * MB, 42 * MB, 43 * MB, 44 * MB, 45 * MB, 45 * MB + 200 * KB,
      45 * MB + 400 * KB, 45 * MB + 600 * KB},
     0,
     1,
     1,
     "(rss): grew +3.0 MB, then +600.0 KB over 3 more snapshots"},
    /* one jump is a trend over 4 snapshots: only a confirmation tells */
    {"a jump at the window's end, then flat",
     9,
     {40 * MB, 41 * MB, 42 * MB, 42 * MB, 42 * MB, 45 * MB, 45 * MB, 45 * MB,
      45 * MB},
     0,
     0,
     1,
     "(rss): grew +3.0 MB, then flat for 3 snapshots"},
    {"under the total floor, no suspect",
     6,
     {40 * MB, 41 * MB, 42 * MB, 43 * MB, 42 * MB, 43 * MB + 1000 * KB},
     0,
     0,
     0,
     NULL},
};

/* A series of one flat row (Function) over n snapshots (warmup 2) with the
 * (rss) memory row v, and a check of 6 planned snapshots, 6 to confirm,
 * under the default assertion. */
static void
rss_series(struct lc_series *ser, const uint64_t *v, size_t n)
{
  struct rowspec rows[2];
  size_t k;

  memset(rows, 0, sizeof(rows));
  rows[0].name = "Function";
  for (k = 0; k < n; k++) {
    rows[0].count[k] = 10;
    rows[0].size[k] = 640;
  }
  build_series(ser, rows, n, 2);
  lc_series_add_memory(ser, LC_MEM_RSS, v);
}

static void
rss_check(struct lc_check *check, struct lc_assert *a, struct lc_series *ser,
          const uint64_t *v, size_t n)
{
  struct lc_err err = LC_ERR_INIT;

  memset(check, 0, sizeof(*check));
  rss_series(ser, v, n);
  memset(a, 0, sizeof(*a));
  a->label = (char *)"test assertion";
  a->is_default = 1;
  a->steady_growth_forbid = 1;
  ck_assert_int_eq(lc_pattern_compile(&a->ctor, "*", &err), 0);
  check->asserts = a;
  check->nasserts = 1;
  check->snapshots = 6;
  check->warmup = 2;
  check->confirm_snapshots = 6;
}

/* A resident size under a call drive (after specs/realworld
 * npm-ajv-compile clean-6.12.6): quick calls make every confirmation
 * interval about as long in run time as the window's, so a creep of 1 MB
 * per snapshot looks like growth going on per unit of time.  Memory rows
 * are judged per call only, where the confirmation held 62 times the
 * window's calls: cleared. */
START_TEST(test_memory_per_call)
{
  static const uint64_t v[12] = {80 * MB + 600 * KB,
                                 86 * MB + 700 * KB,
                                 88 * MB + 200 * KB,
                                 90 * MB + 100 * KB,
                                 92 * MB + 400 * KB,
                                 93 * MB,
                                 94 * MB,
                                 95 * MB,
                                 96 * MB,
                                 97 * MB,
                                 98 * MB,
                                 99 * MB};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  size_t k;

  rss_check(&check, &a, &ser, v, 12);
  for (k = 1; k < 12; k++)
    lc_series_set_span(&ser, k, 100000 + 5000 * (double)(k % 3));
  ser.span_by_count = 1;
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res), 0);
  ck_assert_uint_eq(res[0].nnotes, 1);
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* A resident size judged over confirmation intervals of the window's
 * length (only memory rows left): its least-squares trend must reach the
 * step floor (768 KB an interval), not just the gap between the last
 * planned and the last sample.  specs/realworld srv-formidable-singleton
 * fixed-1.2.0's young server crept +4.8 MB over 6 intervals (800 KB
 * each, end to end) with its last two samples high, a trend of 720 KB:
 * cleared.  A leak of 2 MB an interval whose samples wobble by 1 MB
 * keeps its trend: failed. */
START_TEST(test_memory_confirm_trend)
{
  static const uint64_t creep[12] = {113 * MB + 200 * KB,
                                     115 * MB + 200 * KB,
                                     116 * MB + 400 * KB,
                                     116 * MB + 600 * KB,
                                     117 * MB + 500 * KB,
                                     118 * MB + 700 * KB,
                                     121 * MB,
                                     121 * MB + 400 * KB,
                                     121 * MB + 400 * KB,
                                     122 * MB + 200 * KB,
                                     123 * MB + 500 * KB,
                                     123 * MB + 500 * KB};
  static const uint64_t leak[12] = {70 * MB, 72 * MB, 74 * MB, 77 * MB,
                                    78 * MB, 81 * MB, 82 * MB, 85 * MB,
                                    86 * MB, 89 * MB, 90 * MB, 92 * MB};
  const uint64_t *v = _i ? leak : creep;
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  size_t k;

  rss_check(&check, &a, &ser, v, 12);
  for (k = 0; k < 12; k++)
    lc_series_set_drive(&ser, k, 1);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res),
                    (size_t)_i);
  if (!_i) {
    ck_assert_uint_eq(res[0].nnotes, 1);
    ck_assert_str_eq(res[0].notes[0],
                     "(rss): grew +2.3 MB, then +4.8 MB over 6 more snapshots");
  }
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

START_TEST(test_memory_confirm)
{
  const struct mccase *tc = &mccases[_i];
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;

  rss_check(&check, &a, &ser, tc->v, tc->nsnap);

  if (tc->nsnap > 6) {
    ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res),
                      (size_t)tc->failed);
    if (tc->failed) {
      ck_assert_uint_eq(res[0].nfindings, 1);
      ck_assert_uint_eq(res[0].findings[0].confirmed, tc->nsnap - 6);
      ck_assert_msg(strstr(res[0].message, tc->text) != NULL,
                    "%s: message\n  got:      %s\n  expected: %s", tc->what,
                    res[0].message, tc->text);
    } else {
      ck_assert_uint_eq(res[0].nfindings, 0);
      ck_assert_uint_eq(res[0].nnotes, 1);
      ck_assert_str_eq(res[0].notes[0], tc->text);
    }
    lc_verdict_free(res, 1);
  }
  /* The window alone: what lc_verdict_eval says (no confirmation: the
   * trend does not count) and whether a confirmation is asked for. */
  lc_series_release(&ser);
  ser = (struct lc_series)LC_SERIES_INIT;
  rss_series(&ser, tc->v, 6);
  ck_assert_uint_eq(lc_verdict_eval(&check, &ser, &res),
                    (size_t)tc->window_failed);
  lc_verdict_free(res, 1);
  {
    /* Only a memory row is a suspect: the next interval keeps the
     * window's length. */
    unsigned scale = 0;
    ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, &scale), tc->more);
    ck_assert_uint_eq(scale, 1);
  }
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

static const struct bcase {
  int64_t bytes;
  int sign;
  size_t dstlen;
  const char *want;
} bcases[] = {
    {0, 0, 32, "0 B"},
    {0, 1, 32, "+0 B"},
    {512, 0, 32, "512 B"},
    {512, 1, 32, "+512 B"},
    {-512, 1, 32, "-512 B"},
    {-512, 0, 32, "-512 B"},
    {1023, 0, 32, "1023 B"},
    {1024, 0, 32, "1.0 KB"},
    {1075, 0, 32, "1.0 KB"}, /* 1.0498 */
    {1076, 0, 32, "1.1 KB"}, /* 1.0508: half up */
    {1536, 0, 32, "1.5 KB"},
    {2150, 1, 32, "+2.1 KB"},
    {-2150, 0, 32, "-2.1 KB"},
    {6400, 0, 32, "6.3 KB"}, /* 6.25 */
    {1048524, 0, 32, "1023.9 KB"},
    {1048575, 0, 32, "1.0 MB"}, /* would round to 1024.0 KB */
    {1048576, 0, 32, "1.0 MB"},
    {3145728, 1, 32, "+3.0 MB"},
    {1073741823, 0, 32, "1.0 GB"},
    {1288490189, 0, 32, "1.2 GB"},
    {5497558138880LL, 0, 32, "5120.0 GB"},
    {INT64_MAX, 1, 32, "+8589934592.0 GB"},
    {INT64_MIN, 0, 32, "-8589934592.0 GB"},
    {1023, 0, 4, "102"}, /* truncated, still terminated */
};

START_TEST(test_format_bytes)
{
  const struct bcase *tc = &bcases[_i];
  char buf[LC_BYTES_MAX];
  memset(buf, 'x', sizeof(buf));
  lc_format_bytes(buf, tc->dstlen, tc->bytes, tc->sign);
  ck_assert_str_eq(buf, tc->want);
}
END_TEST

/* Stable identities: the script id is replaced by the script's path,
 * relative to the config's directory when under it. */
START_TEST(test_identity)
{
  static uint32_t ids[] = {4, 17, 30, 41};
  static char n0[] = "file:///srv/app/lib/b.mjs", n1[] = "/srv/app/sessions.js",
              n2[] = "node:internal/timers", n3[] = "/srv/other/x.js";
  char *names[] = {n0, n1, n2, n3};
  struct lc_scripts sc = {ids, names, 4};
  uint32_t a, b, c;
  char *id;

  id = lc_identity("17,6,13,Session", "Session", &sc, "/srv/app");
  ck_assert_str_eq(id, "Session (sessions.js:7:14)");
  free(id);
  id = lc_identity("4,0,0,Foo", "Foo", &sc, "/srv/app/");
  ck_assert_str_eq(id, "Foo (lib/b.mjs:1:1)");
  free(id);
  id = lc_identity("30,1,2,Timeout", "Timeout", &sc, "/srv/app");
  ck_assert_str_eq(id, "Timeout (node:internal/timers:2:3)");
  free(id);
  id = lc_identity("41,1,2,X", "X", &sc, "/srv/app");
  ck_assert_str_eq(id, "X (/srv/other/x.js:2:3)");
  free(id);
  /* a script the snapshot does not name, a row without location, a name
   * with commas */
  id = lc_identity("99,1,2,Y", "Y", &sc, "/srv/app");
  ck_assert_str_eq(id, "Y (?:2:3)");
  free(id);
  id = lc_identity(",{a, b}", "{a, b}", &sc, "/srv/app");
  ck_assert_str_eq(id, "{a, b}");
  free(id);
  id = lc_identity("17,0,0,{a, b}", "{a, b}", NULL, NULL);
  ck_assert_str_eq(id, "{a, b} (?:1:1)");
  free(id);
  ck_assert_int_eq(lc_identity_key_location("17,6,13,S", &a, &b, &c), 1);
  ck_assert_uint_eq(a, 17);
  ck_assert_uint_eq(b, 6);
  ck_assert_uint_eq(c, 13);
  ck_assert_int_eq(lc_identity_key_location(",S", &a, &b, &c), 0);
  ck_assert_int_eq(lc_identity_key_location("1,2,S", &a, &b, &c), 0);
  ck_assert_int_eq(lc_identity_key_location("99999999999,2,3,S", &a, &b, &c),
                   0);
}
END_TEST

/* Baseline files: what --update-baseline writes parses back; every bad
 * file is an error with a byte offset. */
static const struct bl_bad {
  const char *text;
  const char *msg; /* "byte N: ..." as lc_err_format shows the offset */
} bl_bad[] = {
    {"", "empty file; expected a baseline object"},
    {"[]", "expected an object {\"version\": 1, \"checks\": …} (a baseline "
           "is written by --update-baseline)"},
    {"{\"version\": 2, \"checks\": {}}",
     "'version' must be 1 (a baseline is written by --update-baseline)"},
    {"{\"version\": 1}", "expected 'version': 1 and 'checks' (a baseline is "
                         "written by --update-baseline)"},
    {"{\"version\": 1, \"checks\": {\"a\": [{\"id\": \"x\", "
     "\"growth_per_interval\": 1.5, \"bytes_per_interval\": 2}]}}",
     "'growth_per_interval' must be a whole number (a baseline is written "
     "by --update-baseline)"},
    {"{\"version\": 1, \"checks\": {\"a\": [{\"id\": \"x\"}]}}",
     "finding needs 'id', 'growth_per_interval' and 'bytes_per_interval' (a "
     "baseline is written by --update-baseline)"},
    {"{\"version\": 1, \"checks\": {\"a\": [{\"id\": \"x\", \"why\": 1}]}}",
     "unknown key in finding; expected id, growth_per_interval, "
     "bytes_per_interval (a baseline is written by --update-baseline)"},
    {"{\"version\": 1, \"checks\": {\"a\": {}}}",
     "a check's findings must be a list (a baseline is written by "
     "--update-baseline)"},
    {"{\"version\": 1, \"checks\": {", "the JSON ends too early: an object "
                                       "or list is not closed"},
    {"{\"version\": x}", "invalid JSON"},
    {"{\"version\": 1, \"checks\": {}} {}",
     "unexpected data after the baseline object (a baseline is written by "
     "--update-baseline)"},
    /* Found by fuzzing: keys without a value (jsmn takes {"a"}) read past
     * the tokens. */
    {"{\"version\": 1, \"checks\"}",
     "expected a key and its value (a baseline is written by "
     "--update-baseline)"},
    {"{\"checks\": {}, \"version\"}",
     "expected a key and its value (a baseline is written by "
     "--update-baseline)"},
    {"{\"version\": 1, \"checks\": {\"a\"}}",
     "expected a check name and its findings (a baseline is written by "
     "--update-baseline)"},
    {"{\"version\": 1, \"checks\": {\"a\": [{\"id\"}]}}",
     "truncated finding (a baseline is written by --update-baseline)"},
};

START_TEST(test_baseline_bad)
{
  struct lc_baseline b = LC_BASELINE_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct bl_bad *c = &bl_bad[_i];
  ck_assert_int_eq(
      lc_baseline_parse(&b, "base.json", c->text, strlen(c->text), &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_int_eq(err.has_offset, 1);
  ck_assert_str_eq(err.msg, c->msg);
  ck_assert_ptr_null(b.v);
  lc_err_release(&err);
}
END_TEST

/* One check with Session (known, +10 per interval) and Order growing;
 * allowances and the baseline applied. */
START_TEST(test_known)
{
  static const struct rowspec rows[] = {
      {"Session", "3,1,0,Session", {0, 10, 20, 30}, {0, 320, 640, 960}},
      {"Order", "3,5,0,Order", {0, 5, 10, 15}, {0, 160, 320, 480}},
      {NULL, NULL, {0}, {0}}};
  static uint32_t ids[] = {3};
  static char app[] = "/srv/app/svc.js";
  char *names[] = {app};
  struct lc_scripts sc = {ids, names, 1};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_allow allow;
  struct lc_check check;
  struct lc_check_result r;
  struct lc_baseline base = LC_BASELINE_INIT, again = LC_BASELINE_INIT;
  struct lc_buf out = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct aspec spec = {"*", LC_RULE_MAX_GROWTH, 0, 0, 0, 0};

  memset(&check, 0, sizeof(check));
  memset(&r, 0, sizeof(r));
  build_series(&r.series, rows, 4, 1);
  lc_series_set_identities(&r.series, &sc, "/srv/app");
  build_assert(&a, &spec);
  check.name = (char *)"api";
  check.snapshots = 4;
  check.warmup = 1;
  check.asserts = &a;
  check.nasserts = 1;
  r.check = &check;

  /* The baseline of what was measured: per interval, sorted. */
  ck_assert_uint_eq(lc_verdict_eval(&check, &r.series, &r.results), 1);
  r.nresults = 1;
  r.status = LC_CHECK_FAILED;
  lc_baseline_write(&out, &r, 1, NULL);
  ck_assert_str_eq(out.buf,
                   "{\n  \"version\": 1,\n  \"checks\": {\n    \"api\": [\n"
                   "      {\"id\": \"Order (svc.js:6:1)\", "
                   "\"growth_per_interval\": 5, \"bytes_per_interval\": 160},\n"
                   "      {\"id\": \"Session (svc.js:2:1)\", "
                   "\"growth_per_interval\": 10, \"bytes_per_interval\": 320}\n"
                   "    ]\n  }\n}\n");
  ck_assert_int_eq(lc_baseline_parse(&again, "b", out.buf, out.len, &err), 0);
  ck_assert_uint_eq(again.n, 2);
  ck_assert_str_eq(again.v[1].id, "Session (svc.js:2:1)");
  ck_assert_int_eq(again.v[1].growth, 10);
  ck_assert_int_eq(again.v[1].growth_bytes, 320);

  /* A baseline with only Session: Order is new and fails alone. */
  {
    static const char text[] =
        "{\"version\": 1, \"checks\": {\"api\": [{\"id\": \"Session "
        "(svc.js:2:1)\", \"growth_per_interval\": 10, \"bytes_per_interval\": "
        "320}, {\"id\": \"Gone (svc.js:9:1)\", \"growth_per_interval\": 3, "
        "\"bytes_per_interval\": 96}]}}";
    ck_assert_int_eq(lc_baseline_parse(&base, "b", text, strlen(text), &err),
                     0);
  }
  lc_known_apply(&r, "leakcheck.yml", &base, 20270101, 0);
  ck_assert_int_eq(r.status, LC_CHECK_FAILED);
  ck_assert_uint_eq(r.results[0].nfindings, 1);
  ck_assert_str_eq(r.results[0].findings[0].row->name, "Order");
  ck_assert_uint_eq(r.results[0].naccepted, 1);
  ck_assert_str_eq(r.results[0].message,
                   "Order grew by +10 objects (+320 B) over 3 snapshots; limit "
                   "max_growth 0");
  ck_assert_uint_eq(r.nnotes, 2);
  ck_assert_int_eq(r.notes[0].kind, LC_NOTE_BASELINE);
  ck_assert_str_eq(r.notes[0].message,
                   "Session (svc.js:2:1): +10 objects (+320 B) per interval, "
                   "within the baseline's +10 (+320 B)");
  ck_assert_int_eq(r.notes[1].kind, LC_NOTE_FIXED);
  ck_assert_str_eq(r.notes[1].message,
                   "fixed since the baseline: Gone (svc.js:9:1) in check api; "
                   "run --update-baseline to lock it in");
  lc_check_result_release(&r);

  /* An allowance for Order, expiring: holds on its day, fails after. */
  memset(&r, 0, sizeof(r));
  build_series(&r.series, rows, 4, 1);
  lc_series_set_identities(&r.series, &sc, "/srv/app");
  memset(&allow, 0, sizeof(allow));
  ck_assert_int_eq(lc_pattern_compile(&allow.ctor, "Order", &err), 0);
  allow.reason = (char *)"orders are archived nightly";
  allow.has_until = 1;
  allow.until = 20270301;
  memcpy(allow.until_text, "2027-03-01", 11);
  allow.mark.line = 12;
  allow.mark.col = 9;
  check.allows = &allow;
  check.nallows = 1;
  r.check = &check;
  lc_verdict_eval(&check, &r.series, &r.results);
  r.nresults = 1;
  r.status = LC_CHECK_FAILED;
  lc_known_apply(&r, "leakcheck.yml", &base, 20270301, 0);
  ck_assert_int_eq(r.status, LC_CHECK_PASSED);
  ck_assert_int_eq(r.results[0].failed, 0);
  ck_assert_str_eq(r.results[0].message,
                   "held: worst growth +20 objects (+640 B) across 2 "
                   "constructors (2 accepted: 1 allowed, 1 within the "
                   "baseline)");
  ck_assert_int_eq(r.notes[1].kind, LC_NOTE_BASELINE);
  ck_assert_int_eq(r.notes[0].kind, LC_NOTE_ALLOWED);
  ck_assert_str_eq(r.notes[0].message,
                   "Order (svc.js:6:1) grew by +10 objects (+320 B): allowed: "
                   "orders are archived nightly (until 2027-03-01)");
  lc_check_result_release(&r);

  memset(&r, 0, sizeof(r));
  build_series(&r.series, rows, 4, 1);
  lc_series_set_identities(&r.series, &sc, "/srv/app");
  r.check = &check;
  lc_verdict_eval(&check, &r.series, &r.results);
  r.nresults = 1;
  r.status = LC_CHECK_FAILED;
  lc_known_apply(&r, "leakcheck.yml", NULL, 20270302, 0);
  ck_assert_int_eq(r.status, LC_CHECK_FAILED);
  ck_assert_uint_eq(r.results[0].nfindings, 2);
  ck_assert_uint_eq(r.nnotes, 1);
  ck_assert_int_eq(r.notes[0].failed, 1);
  ck_assert_str_eq(r.notes[0].message, "allowance for Order expired on "
                                       "2027-03-01 (leakcheck.yml:12:9)");
  lc_check_result_release(&r);
  lc_pattern_release(&allow.ctor);
  lc_pattern_release(&a.ctor);
  lc_baseline_release(&base);
  lc_baseline_release(&again);
  lc_buf_release(&out);
  lc_series_release(&ser);
}
END_TEST

/* ---- confirmation ------------------------------------------------------ */

#define CSNAP 12

/* One row, warmup 2, 6 planned snapshots, then confirmation snapshots;
 * judged by `steady_growth: forbid` (or max_growth 0) on every
 * constructor. */
static const struct ccase {
  const char *what;
  size_t nsnap;
  uint64_t count[CSNAP];
  int max_growth; /* the assertion is max_growth 0, not steady_growth */
  int failed;
  const char *note; /* expected note when cleared */
} ccases[] = {
    /* Confirmation intervals last 2, 4, 8, 16 of the window's
     * (lc_confirm_scale): a steady leak adds 20, 40, 80 there. */
    {"a leak goes on", 9, {10, 20, 30, 40, 50, 60, 80, 120, 200}, 0, 1, NULL},
    {"(number) warm-up, then flat",
     10,
     {105, 105, 105, 108, 110, 111, 111, 111, 111, 111},
     0,
     0,
     "(number): grew +6 objects, then flat for 4 snapshots"},
    {"a buffer reaching its cap",
     9,
     {234, 520, 750, 983, 1002, 1005, 1005, 1005, 1005},
     0,
     0,
     "(number): grew +255 objects, then flat for 3 snapshots"},
    {"growth slowing to a trickle",
     10,
     {10, 20, 30, 40, 50, 60, 61, 61, 62, 62},
     0,
     0,
     "(number): grew +30 objects, then +2 objects over 4 more snapshots"},
    {"one object every other interval goes on",
     10,
     {10, 10, 10, 11, 11, 12, 13, 15, 19, 27},
     1,
     1,
     NULL},
    /* Still filling through the first confirmation intervals, then at
     * its cap early in the longest (a timing buffer of 250 entries). */
    {"a buffer reaching its cap in the last interval",
     10,
     {0, 12, 30, 48, 66, 84, 120, 192, 250, 250},
     0,
     0,
     "(number): grew +54 objects, then +166 objects over 4 more snapshots"},
    /* The budget ended in the interval that reached the cap: it rose, but
     * at an eighth of the window's rate. */
    {"a fill ending early in the last interval",
     9,
     {0, 12, 30, 48, 66, 84, 120, 192, 200},
     0,
     0,
     "(number): grew +54 objects, then +116 objects over 3 more snapshots"},
    {"shrinks back",
     8,
     {10, 20, 30, 40, 50, 60, 40, 20},
     0,
     0,
     "(number): grew +30 objects, then -40 objects over 2 more snapshots"},
};

START_TEST(test_confirm)
{
  const struct ccase *tc = &ccases[_i];
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  struct aspec as = {"*", LC_RULE_STEADY_GROWTH, 0, 0, 0, 0};
  size_t k;

  if (tc->max_growth)
    as.rules = LC_RULE_MAX_GROWTH;
  memset(&check, 0, sizeof(check));
  for (k = 0; k < tc->nsnap; k++) {
    struct lc_summary_row row;
    struct lc_summary sum = LC_SUMMARY_INIT;
    row.key = (char *)",(number)";
    row.name = (char *)"(number)";
    row.count = tc->count[k];
    row.self_size = tc->count[k] * 16;
    sum.rows = &row;
    sum.nrows = 1;
    lc_series_add(&ser, &sum);
  }
  ser.warmup = 2;
  build_assert(&a, &as);
  check.asserts = &a;
  check.nasserts = 1;
  check.snapshots = 6;
  check.warmup = 2;

  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res),
                    (size_t)tc->failed);
  if (tc->failed) {
    ck_assert_uint_eq(res[0].nfindings, 1);
    ck_assert_uint_eq(res[0].findings[0].confirmed, tc->nsnap - 6);
    ck_assert_uint_eq(res[0].nnotes, 0);
  } else {
    ck_assert_uint_eq(res[0].nfindings, 0);
    ck_assert_uint_eq(res[0].nnotes, 1);
    ck_assert_str_eq(res[0].notes[0], tc->note);
    ck_assert_ptr_nonnull(strstr(res[0].message,
                                 "; 1 suspect stopped growing in the "
                                 "confirmation"));
  }
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* When to stop: settled suspects after lc_confirm_settle_span flat drive
 * intervals (7 after a window of 3), no suspect at once; growth that goes
 * on never stops the confirmation before its budget (the caller's). */
static const struct wcase {
  size_t nsnap;
  uint64_t count[CSNAP];
  int more;
} wcases[] = {
    {6, {10, 20, 30, 40, 50, 60}, 1},               /* a suspect: confirm */
    {6, {10, 20, 30, 30, 30, 30}, 0},               /* nothing suspect */
    {7, {10, 20, 30, 40, 50, 60, 70}, 1},           /* one rise: go on */
    {9, {10, 20, 30, 40, 50, 60, 80, 120, 200}, 1}, /* three: go on */
    /* five, the last two as long (16): a leak, still to the budget */
    {11, {10, 20, 30, 40, 50, 60, 80, 120, 200, 360, 520}, 1},
    {8, {10, 20, 30, 40, 50, 60, 60, 60}, 1},     /* flat twice: not yet */
    {9, {10, 20, 30, 40, 50, 60, 60, 60, 60}, 0}, /* flat thrice: settled */
    {9, {10, 20, 30, 40, 50, 60, 61, 61, 62}, 1}, /* a trickle: go on */
    /* rising in 3 intervals, the last at under half the rate: not yet */
    {9, {0, 12, 30, 48, 66, 84, 120, 192, 250}, 1},
    {8, {10, 20, 30, 40, 50, 60, 80, 80}, 1},     /* flat for 4 intervals */
    {9, {10, 20, 30, 40, 50, 60, 80, 80, 80}, 0}, /* for 12: settled */
};

/* A series of one row, Leak, with `count` over n snapshots (warmup 2), and
 * a check of 6 planned snapshots asserting `steady_growth: forbid` on every
 * constructor. */
static void
leak_check(struct lc_check *check, struct lc_assert *a, struct lc_series *ser,
           const uint64_t *count, size_t n)
{
  struct aspec as = {"*", LC_RULE_STEADY_GROWTH, 0, 0, 0, 0};
  size_t k;
  memset(check, 0, sizeof(*check));
  for (k = 0; k < n; k++) {
    struct lc_summary_row row;
    struct lc_summary sum = LC_SUMMARY_INIT;
    row.key = (char *)",Leak";
    row.name = (char *)"Leak";
    row.count = count[k];
    row.self_size = count[k] * 32;
    sum.rows = &row;
    sum.nrows = 1;
    lc_series_add(ser, &sum);
  }
  ser->warmup = 2;
  build_assert(a, &as);
  check->asserts = a;
  check->nasserts = 1;
  check->snapshots = 6;
  check->warmup = 2;
}

/* A timer's leak under `every`: each interval also ran while leakcheck
 * read the last snapshot (half a wait more), so the program ran 1.5 waits
 * in each window interval and 2.5, 4.5, 8.5, 16.5, 16.5 in the
 * confirmation's (the spans' arithmetic below).  Per unit of that time
 * the leak holds its rate: failed, after the whole confirmation. */
START_TEST(test_wants_more_spans)
{
  static const uint64_t count[] = {0,   15,  30,  45,  60, 75,
                                   100, 145, 230, 395, 560};
  static const double span[] = {0,   1.5, 1.5, 1.5,  1.5, 1.5,
                                2.5, 4.5, 8.5, 16.5, 16.5};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  unsigned scale = 0;
  size_t k;

  leak_check(&check, &a, &ser, count, 11);
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, &scale), 1);
  /* A count is unsettled: the 6th confirmation interval is 16 long. */
  ck_assert_uint_eq(scale, 16);
  for (k = 0; k < 11; k++)
    lc_series_set_span(&ser, k, span[k]);
  ck_assert_uint_eq(ser.nspan, 11);
  ck_assert_double_eq(
      lc_confirm_span(&(struct lc_spans){ser.span, ser.nspan, 0.5}, 5, 2, 8),
      (1.5 * 3 + 2.5 + 4.5 + 8.5) / 0.5);
  /* Unknown lengths are the planned ones. */
  ck_assert_double_eq(
      lc_confirm_span(&(struct lc_spans){ser.span, 6, 1.5}, 5, 2, 8),
      3 + 2 + 4 + 8);
  /* Growth that goes on is never decided before the budget ends: the
   * caller stops at confirm_snapshots; the verdict then fails it. */
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, NULL), 1);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res), 1);
  ck_assert_uint_eq(res[0].findings[0].confirmed, 5);
  lc_verdict_free(res, 1);
  lc_series_release(&ser);
  lc_pattern_release(&a.ctor);
  /* Without run times, the drive intervals recorded are the lengths: the
   * same counts after confirmation intervals of one drive interval each
   * rose at more than the window's rate every time: a leak too. */
  ser = (struct lc_series)LC_SERIES_INIT;
  leak_check(&check, &a, &ser, count, 11);
  for (k = 0; k < 11; k++)
    lc_series_set_drive(&ser, k, 1);
  ck_assert_uint_eq(ser.ndrive, 11);
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, NULL), 1);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res), 1);
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* Under a drive that counts calls, growth goes on when it holds its rate
 * per call or per unit of run time: a timer's leak in a program driven by
 * calls (the calls of the confirmation run 2, 4, 8, 16, 16 times as many,
 * but the program only 1.2, 1.4, 1.8, 2.6, 2.6 times as long) holds its
 * rate in run time. */
START_TEST(test_spans_either)
{
  static const uint64_t count[] = {0, 10, 20, 30, 40, 50, 62, 76, 94, 120, 146};
  static const double span[] = {0, 10, 10, 10, 10, 10, 12, 14, 18, 26, 26};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  size_t k;

  leak_check(&check, &a, &ser, count, 11);
  /* Per call alone: 6, 3.5, 2.25, 1.6, 1.6 a call against 10, not
   * confirmed. */
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, NULL), 1);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res), 0);
  lc_verdict_free(res, 1);
  for (k = 0; k < 11; k++)
    lc_series_set_span(&ser, k, span[k]);
  ser.span_by_count = 1;
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, NULL), 1);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res), 1);
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* The last confirmation interval repeats the one before (16 and 16 drive
 * intervals): a leak rises as much again; state sized by the interval's
 * length (it went 80, 120, 200, 360 as the lengths doubled) stays where
 * it was, and a buffer reaching its cap early in the repeat rises at
 * under half its pace before.  Both are cleared, with a note. */
START_TEST(test_repeat_judges)
{
  static const struct {
    uint64_t end;
    unsigned failed;
  } cases[] = {
      {520, 1}, /* +160 again: a leak */
      {460, 1}, /* +100: slower, but over half the pace */
      {420, 0}, /* +60: capped early in the repeat */
      {365, 0}, /* +5: sized by the interval */
  };
  uint64_t count[] = {10, 20, 30, 40, 50, 60, 80, 120, 200, 360, 0};
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;

  count[10] = cases[_i].end;
  leak_check(&check, &a, &ser, count, 11);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res),
                    cases[_i].failed);
  if (!cases[_i].failed) {
    ck_assert_uint_eq(res[0].nnotes, 1);
    ck_assert_str_eq(res[0].notes[0],
                     cases[_i].end == 420
                         ? "Leak: grew +30 objects, then "
                           "+360 objects over 5 more snapshots"
                         : "Leak: grew +30 objects, then "
                           "+305 objects over 5 more snapshots");
  }
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

/* A backing store with room left need not step over the last interval;
 * what it holds grows there if it leaks.  Over the repeat (16, 16) a store
 * whose size and visible contents both stayed put does not go on; with
 * contents it cannot show (unboxed numbers) the step rules alone judge. */
START_TEST(test_store_contents_over_repeat)
{
  static const uint64_t v[] = {0,    0,    392,  704,  704, 1128,
                               1128, 1800, 2800, 4200, 4200};
  static const uint64_t grow[] = {0, 0, 30, 50, 55, 90, 95, 140, 220, 330, 410};
  static const uint64_t flat[] = {0, 0, 30, 50, 55, 90, 95, 140, 220, 330, 330};
  static const uint64_t none[11] = {0};
  ck_assert(lc_confirm_goes_on(v, grow, NULL, 2, 5, 10, 1));
  ck_assert(!lc_confirm_goes_on(v, flat, NULL, 2, 5, 10, 1));
  ck_assert(lc_confirm_goes_on(v, none, NULL, 2, 5, 10, 1));
  ck_assert(lc_confirm_goes_on(v, NULL, NULL, 2, 5, 10, 1));
}
END_TEST

/* State sized by the interval's length in one object (specs/realworld
 * core-abortsignal-timeout fixed-20.11: a FinalizationRegistry holding the
 * cells of the signals that died since the last snapshot, their cleanup
 * due after the snapshot's GC) doubles with the confirmation's lengths,
 * then over the repeated length (2 4 8 8 8 8) only jitters by a few
 * percent, which is no step: flat for 24 units after a gap of 8, it
 * settled.  A leaking object of the same sizes up to there grows by a
 * third and more over each repeat: it goes on. */
START_TEST(test_jitter_is_no_step)
{
  static const uint64_t jitter[] = {3000,  7200,  8600,  8600,  10000, 10000,
                                    12800, 24100, 45200, 45400, 45300, 45600};
  static const uint64_t leak[] = {3000,  7200,  8600,  8600,  10000, 10000,
                                  12800, 24100, 45200, 66000, 86900, 107800};
  static const double drive[] = {1, 1, 1, 1, 1, 1, 2, 4, 8, 8, 8, 8};
  struct lc_spans sp = {drive, 12, 1};
  ck_assert(!lc_confirm_goes_on(jitter, NULL, &sp, 2, 5, 11, 1));
  ck_assert(lc_confirm_goes_on(leak, NULL, &sp, 2, 5, 11, 1));
  /* Before the step rule asked for an eighth, the jitter's two rises
   * counted as steps and it went on. */
  ck_assert_double_eq(lc_confirm_flat_needed(jitter, NULL, &sp, 2, 5, 11, 1),
                      17);
}
END_TEST

/* A backing store that steps through the confirmation (after
 * specs/realworld core-fetch-resource-timing fixed-18: a timing buffer on
 * its way to its cap of 250 entries) is not decided before the budget
 * ends, whether it stepped in the last interval or not.  At the end, one
 * that stepped again over the repeat is a leak; one whose size and
 * contents stayed put over it reached what its bounded contents need. */
START_TEST(test_store_judged_at_the_end)
{
  static const struct rowspec rows[] = {
      {"Array", NULL, {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, {0}},
      {NULL, NULL, {0}, {0}}};
  static const uint64_t flat_end[] = {0,    0,    392,  704,  704, 1128,
                                      1128, 1800, 2800, 4200, 4200};
  static const uint64_t step_end[] = {0,    0,    392,  704,  704, 1128,
                                      1128, 1800, 2800, 4200, 6300};
  const uint64_t *sizes = _i ? step_end : flat_end;
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;
  struct lc_assert_result *res = NULL;
  size_t k;

  memset(&check, 0, sizeof(check));
  build_series(&ser, rows, 11, 2);
  ser.big = lc_xcalloc(11, sizeof(*ser.big));
  for (k = 0; k < 11; k++) {
    ser.big[k].v = lc_xcalloc(1, sizeof(*ser.big[k].v));
    ser.big[k].n = 1;
    ser.big[k].v[0].id = 11;
    ser.big[k].v[0].row = 0;
    ser.big[k].v[0].size = sizes[k];
    ser.big[k].v[0].refs = (uint32_t)(sizes[k] / 12);
  }
  default_check(&check, &a);
  check.confirm_snapshots = 6;
  /* 5 confirmation intervals of 2, 4, 8, 16, 16 drive intervals: not
   * settled either way (flat for 16 units after a gap of 16 is not yet a
   * stop), so the budget decides when to stop. */
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, NULL), 1);
  ck_assert_uint_eq(lc_verdict_eval_confirmed(&check, &ser, 6, &res),
                    (size_t)_i);
  lc_verdict_free(res, 1);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

START_TEST(test_wants_more)
{
  const struct wcase *tc = &wcases[_i];
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_assert a;
  struct lc_check check;

  leak_check(&check, &a, &ser, tc->count, tc->nsnap);
  ck_assert_int_eq(lc_verdict_wants_more(&check, &ser, 6, NULL), tc->more);
  lc_pattern_release(&a.ctor);
  lc_series_release(&ser);
}
END_TEST

START_TEST(test_goes_on)
{
  /* window 0..3, confirmation 3..7 */
  /* Confirmation intervals last 2, 4, 8, 16 window intervals. */
  static const uint64_t leak[] = {0, 10, 20, 30, 50, 90, 170, 330};
  static const uint64_t step[] = {1024, 1536, 1536, 2304,
                                  2304, 3456, 3456, 3456};
  /* A bounded Map: filled (one step), then its table doubles once more. */
  static const uint64_t map[] = {1024, 1024, 1024, 2048,
                                 2048, 4096, 4096, 4096};
  static const uint64_t once[] = {1024, 1024, 3072, 3072,
                                  3072, 3072, 3072, 3072};
  static const uint64_t dip[] = {1024, 1536, 2048, 2048,
                                 1024, 4096, 4096, 4096};
  /* A bounded cache reaching its bound in the first confirmation
   * interval, then a slow tail (specs/realworld npm-lru-cache-maxsize
   * fixed-7.8.1: (concatenated string) 7085 .. 13565 | 15765 16165 16385
   * 16544 16644 16784): the first interval alone carried the average. */
  static const uint64_t filled[] = {7085,  9245,  11365, 13565, 15765,
                                    16165, 16385, 16544, 16644, 16784};
  /* A leak whose first confirmation interval was short (a slow snapshot
   * skipped timer ticks), then its rate again. */
  static const uint64_t late[] = {0, 10, 20, 30, 32, 72, 152, 312};
  ck_assert_int_eq(lc_confirm_goes_on(leak, NULL, NULL, 0, 3, 7, 0), 1);
  ck_assert_int_eq(lc_confirm_goes_on(leak, NULL, NULL, 0, 3, 3, 0), 0);
  ck_assert_int_eq(lc_confirm_goes_on(leak, NULL, NULL, 0, 3, 4, 0), 1);
  ck_assert_int_eq(lc_confirm_goes_on(filled, NULL, NULL, 0, 3, 6, 0), 0);
  ck_assert_int_eq(lc_confirm_goes_on(filled, NULL, NULL, 0, 3, 9, 0), 0);
  ck_assert_int_eq(lc_confirm_goes_on(late, NULL, NULL, 0, 3, 7, 0), 1);
  /* A native leak in bursts (6 MB on two calls of three), its
   * confirmation intervals as long as the window's (only a memory row
   * was left): its last interval is flat, but over the last three, a
   * burst's length, it held the window's rate. */
  {
    static const uint64_t bursts[] = {100, 106, 112, 112, 118, 124,
                                      130, 136, 136, 142, 148, 148};
    static const double ones[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const struct lc_spans sp = {ones, 12, 1};
    ck_assert_int_eq(lc_confirm_goes_on(bursts, NULL, &sp, 2, 5, 11, 0), 1);
    /* Flat for three intervals at the end: it stopped. */
    ck_assert_int_eq(
        lc_confirm_goes_on((const uint64_t[]){100, 106, 112, 112, 118, 124, 130,
                                              136, 142, 142, 142, 142},
                           NULL, &sp, 2, 5, 11, 0),
        0);
  }
  /* A backing store doubling: one more step is growth going on, while it
   * has not stayed flat for longer than twice its last gap (3 -> 5: 2 + 4
   * drive intervals) and one: flat for 8, it may be a leak; for 24 (8 +
   * 16), it filled up to its size. */
  ck_assert_int_eq(lc_confirm_goes_on(step, NULL, NULL, 0, 3, 6, 1), 1);
  ck_assert_int_eq(lc_confirm_goes_on(step, NULL, NULL, 0, 3, 7, 1), 0);
  /* ... and stepping on at its pattern's pace, it goes on. */
  {
    static const uint64_t steps[] = {1024, 1536, 1536, 2304,
                                     3456, 5184, 7776, 11664};
    ck_assert_int_eq(lc_confirm_goes_on(steps, NULL, NULL, 0, 3, 7, 1), 1);
  }
  ck_assert_int_eq(lc_confirm_goes_on(map, NULL, NULL, 0, 3, 7, 1), 0);
  /* One step in the window, then nothing: a warm-up. */
  ck_assert_int_eq(lc_confirm_goes_on(once, NULL, NULL, 0, 3, 7, 1), 0);
  /* Shrinking during the confirmation is not an object leaking. */
  ck_assert_int_eq(lc_confirm_goes_on(dip, NULL, NULL, 0, 3, 7, 1), 0);
  /* The same Map with its entries invisible (small integers): the step
   * in the confirmation is growth going on; with 200 entries it is not. */
  {
    static const uint64_t none[8] = {0};
    static const uint64_t full[] = {200, 200, 200, 200, 200, 200, 200, 200};
    /* lru-cache 7.8.1's index array (npm-lru-cache-maxsize fixed):
     * stepped in the first confirmation interval, its last gap 3 drive
     * intervals (1 + 2); flat for 4 more it may still be a leak, for 12
     * (4 + 8) it filled. */
    static const uint64_t zero[] = {2150,  5120,  7680,  7680,  11674, 11674,
                                    17613, 17613, 17613, 17613, 17613, 17613};
    static const uint64_t nozero[12] = {0};
    ck_assert_int_eq(lc_confirm_goes_on(zero, nozero, NULL, 2, 5, 11, 1), 0);
    ck_assert_int_eq(lc_confirm_goes_on(zero, nozero, NULL, 2, 5, 8, 1), 0);
    ck_assert_int_eq(lc_confirm_goes_on(zero, nozero, NULL, 2, 5, 7, 1), 1);
    /* Its gap 6 (2 + 4): flat for 8 is not yet a stop, for 24 it is. */
    ck_assert_int_eq(lc_confirm_goes_on(map, none, NULL, 0, 3, 6, 1), 1);
    ck_assert_int_eq(lc_confirm_goes_on(map, none, NULL, 0, 3, 7, 1), 0);
    ck_assert_int_eq(lc_confirm_goes_on(map, full, NULL, 0, 3, 7, 1), 0);
    /* Flat through the confirmation: nothing went on, seen or not. */
    ck_assert_int_eq(lc_confirm_goes_on(once, none, NULL, 0, 3, 7, 1), 0);
  }
}
END_TEST

START_TEST(test_flat_needed)
{
  /* window 0..4, confirmation 4..9: an Array of small integers (its
   * contents invisible) stepped at 2 and 5, 4 drive intervals apart (1, 1
   * and 2: lc_confirm_span); the next step of a steady leak comes 1.5 x
   * that later (2 x for a Map or Set), so 9 flat drive intervals settle
   * it. */
  static const uint64_t arr[] = {1024, 1024, 1536, 1536, 1536,
                                 2304, 2304, 2304, 2304, 2304};
  static const uint64_t none[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  /* A bounded Map whose 200 entries stay: one more doubling of its table
   * over flat contents settles after LC_CONFIRM_FLAT. */
  static const uint64_t map[] = {1024, 1024, 1024, 2048, 2048,
                                 4096, 4096, 4096, 4096, 4096};
  static const uint64_t full[] = {200, 200, 200, 200, 200,
                                  200, 200, 200, 200, 200};
  static const uint64_t rising[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  ck_assert_double_eq(lc_confirm_flat_needed(arr, none, NULL, 0, 4, 8, 1), 9);
  ck_assert_double_eq(lc_confirm_flat_needed(arr, NULL, NULL, 0, 4, 8, 1), 9);
  ck_assert_double_eq(lc_confirm_flat_needed(map, full, NULL, 0, 4, 8, 1),
                      LC_CONFIRM_FLAT);
  /* Its contents invisible, the same Map waits for the gap (3 -> 5: 1 +
   * 2 drive intervals). */
  ck_assert_double_eq(lc_confirm_flat_needed(map, none, NULL, 0, 4, 8, 1), 7);
  /* Row series (not step growth) settle after LC_CONFIRM_FLAT. */
  ck_assert_double_eq(lc_confirm_flat_needed(rising, NULL, NULL, 0, 4, 8, 0),
                      LC_CONFIRM_FLAT);
  /* No confirmation snapshot yet. */
  ck_assert_double_eq(lc_confirm_flat_needed(arr, none, NULL, 0, 4, 4, 1),
                      LC_CONFIRM_FLAT);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("verdict");
  TCase *tc;

  tc = tcase_create("rules");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_rules, 0,
                      (int)(sizeof(vcases) / sizeof(vcases[0])));
  tcase_add_test(tc, test_total_series);
  tcase_add_test(tc, test_several_assertions);
  tcase_add_test(tc, test_object_rule_internal);
  suite_add_tcase(s, tc);

  tc = tcase_create("confirm");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_confirm, 0,
                      (int)(sizeof(ccases) / sizeof(ccases[0])));
  tcase_add_test(tc, test_wants_more_spans);
  tcase_add_loop_test(tc, test_store_judged_at_the_end, 0, 2);
  tcase_add_test(tc, test_spans_either);
  tcase_add_loop_test(tc, test_repeat_judges, 0, 4);
  tcase_add_test(tc, test_store_contents_over_repeat);
  tcase_add_test(tc, test_jitter_is_no_step);
  tcase_add_loop_test(tc, test_wants_more, 0,
                      (int)(sizeof(wcases) / sizeof(wcases[0])));
  tcase_add_test(tc, test_goes_on);
  tcase_add_test(tc, test_flat_needed);
  suite_add_tcase(s, tc);

  tc = tcase_create("series");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_series_rows);
  tcase_add_test(tc, test_series_many);
  tcase_add_test(tc, test_identity);
  tcase_add_test(tc, test_known);
  tcase_add_loop_test(tc, test_baseline_bad, 0,
                      (int)(sizeof(bl_bad) / sizeof(bl_bad[0])));
  tcase_add_loop_test(tc, test_memory, 0,
                      (int)(sizeof(mcases) / sizeof(mcases[0])));
  tcase_add_test(tc, test_memory_per_call);
  tcase_add_loop_test(tc, test_memory_confirm_trend, 0, 2);
  tcase_add_loop_test(tc, test_memory_confirm, 0,
                      (int)(sizeof(mccases) / sizeof(mccases[0])));
  suite_add_tcase(s, tc);

  tc = tcase_create("format_bytes");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_format_bytes, 0,
                      (int)(sizeof(bcases) / sizeof(bcases[0])));
  suite_add_tcase(s, tc);
  return s;
}
