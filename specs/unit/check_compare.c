/*
 * The Comparison view (docs/heap-snapshot-format.md §4) on hand-written pairs of
 * snapshots of one "process" (ids of survivors stay, new objects get new
 * ids): #New, #Deleted, #Delta, Alloc. Size, Freed Size and Size Delta per
 * row key, exactly.  Every expected number was checked against the real
 * DevTools heap snapshot worker: run with LC_DUMP_SNAPSHOTS=DIR and give
 * DIR/<case>-base-<layout>.heapsnapshot and DIR/<case>-cur-<layout>
 * .heapsnapshot to `devtools-summary.mjs --diff`, as
 * specs/e2e/test_devtools_crosscheck.sh does.
 *
 * The snapshot builder is the one of check_dominators.c (a copy: each Check
 * suite is one file).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"
#include "leakcheck/heap.h"

/* ---- snapshot builder ---------------------------------------------------- */

#include "snapbuild.h"
#include "testutil.h"

/* ---- the pairs ---------------------------------------------------------- */

/*
 * basic: survivors keep their ids; Foo 7 is freed, Foo 15 and 17 are new;
 * Bar 13 survives and grows (size changes of survivors do not count); the
 * global's elements array moves into the global (self 0: in no row, so its
 * new id is no "new" object); the even-id native churns (+1/-1); two Keep
 * classes from different constructors (locations) are separate rows.
 */
static const struct tn basic_base_nodes[] = {
    {"synthetic", "", 1, 0},              /* 0 */
    {"object", "global", 3, 1},           /* 1 */
    {"object", "Foo", 7, 10},             /* 2 */
    {"object", "Foo", 9, 10},             /* 3 */
    {"object", "Foo", 11, 10},            /* 4 */
    {"object", "Bar", 13, 20},            /* 5 */
    {"native", "Node / IsolateData", 2, 100}, /* 6 */
    {"array", "", 15, 50},                /* 7 */
    {"object", "Keep", 61, 32},           /* 8: located 7,1,24 */
    {"object", "Keep", 65, 40},           /* 9: located 7,9,2 */
};
static const struct te basic_base_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "f1", 2}, {1, "property", "f2", 3},
    {1, "property", "f3", 4}, {1, "property", "bar", 5},
    {1, "internal", "isolate", 6}, {1, "internal", "elements", 7},
    {1, "property", "k1", 8}, {1, "property", "k2", 9},
};
static const struct tl basic_base_locs[] = {{8, 7, 1, 24}, {9, 7, 9, 2}};
static const struct tn basic_cur_nodes[] = {
    {"synthetic", "", 1, 0},              /* 0 */
    {"object", "global", 3, 1},           /* 1 */
    {"object", "Foo", 9, 10},             /* 2 */
    {"object", "Foo", 11, 10},            /* 3 */
    {"object", "Foo", 15, 12},            /* 4 */
    {"object", "Foo", 17, 12},            /* 5 */
    {"object", "Bar", 13, 30},            /* 6 */
    {"native", "Node / IsolateData", 4, 100}, /* 7 */
    {"array", "", 19, 50},                /* 8 */
    {"object", "Keep", 61, 32},           /* 9: located 7,1,24 */
    {"object", "Keep", 63, 32},           /* 10: located 7,1,24 */
};
static const struct te basic_cur_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "f2", 2}, {1, "property", "f3", 3},
    {1, "property", "f4", 4}, {1, "property", "f5", 5},
    {1, "property", "bar", 6}, {1, "internal", "isolate", 7},
    {1, "internal", "elements", 8}, {1, "property", "k1", 9},
    {1, "property", "k3", 10},
};
static const struct tl basic_cur_locs[] = {{9, 7, 1, 24}, {10, 7, 1, 24}};

/*
 * class-change: object 21 gains a property.  The current snapshot defines
 * {a, b} (4 objects); the base, re-classified with that definition, has 21
 * as a plain Object (its {a} is no superset of {a, b}).  So 21 is deleted
 * from Object (its base size, 16) and new in {a, b} (its current size, 24).
 */
static const struct tn cc_base_nodes[] = {
    {"synthetic", "", 1, 0},   {"object", "global", 3, 1},
    {"string", "v", 31, 8},    {"object", "Object", 21, 16},
    {"object", "Object", 23, 24}, {"object", "Object", 25, 24},
    {"object", "Object", 27, 24},
};
static const struct te cc_base_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "v", 2}, {1, "property", "o1", 3},
    {1, "property", "o2", 4}, {1, "property", "o3", 5},
    {1, "property", "o4", 6},
    {3, "property", "a", 2},
    {4, "property", "a", 2}, {4, "property", "b", 2},
    {5, "property", "a", 2}, {5, "property", "b", 2},
    {6, "property", "a", 2}, {6, "property", "b", 2},
};
static const struct tn cc_cur_nodes[] = {
    {"synthetic", "", 1, 0},   {"object", "global", 3, 1},
    {"string", "v", 31, 8},    {"object", "Object", 21, 24},
    {"object", "Object", 23, 24}, {"object", "Object", 25, 24},
    {"object", "Object", 27, 24},
};
static const struct te cc_cur_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "v", 2}, {1, "property", "o1", 3},
    {1, "property", "o2", 4}, {1, "property", "o3", 5},
    {1, "property", "o4", 6},
    {3, "property", "a", 2}, {3, "property", "b", 2},
    {4, "property", "a", 2}, {4, "property", "b", 2},
    {5, "property", "a", 2}, {5, "property", "b", 2},
    {6, "property", "a", 2}, {6, "property", "b", 2},
};

/*
 * reclassify: the base alone would define {p, q} (41, 43) and leave 51
 * {m, n} a plain Object; the current snapshot defines only {m, n} (51, 53;
 * its single {p, q} object is below the threshold of 2).  With the current
 * definitions the base has 41 and 43 as Object and 51 as {m, n}, so only
 * 43 is deleted (from Object) and 53 new (in {m, n}).
 */
static const struct tn rc_base_nodes[] = {
    {"synthetic", "", 1, 0},      {"object", "global", 3, 1},
    {"string", "v", 31, 8},       {"object", "Object", 41, 16},
    {"object", "Object", 43, 16}, {"object", "Object", 51, 20},
};
static const struct te rc_base_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "v", 2}, {1, "property", "o1", 3},
    {1, "property", "o2", 4}, {1, "property", "o3", 5},
    {3, "property", "p", 2}, {3, "property", "q", 2},
    {4, "property", "p", 2}, {4, "property", "q", 2},
    {5, "property", "m", 2}, {5, "property", "n", 2},
};
static const struct tn rc_cur_nodes[] = {
    {"synthetic", "", 1, 0},      {"object", "global", 3, 1},
    {"string", "v", 31, 8},       {"object", "Object", 41, 16},
    {"object", "Object", 51, 20}, {"object", "Object", 53, 28},
};
static const struct te rc_cur_edges[] = {
    {0, "shortcut", "1", 1},
    {1, "property", "v", 2}, {1, "property", "o1", 3},
    {1, "property", "o3", 4}, {1, "property", "o4", 5},
    {3, "property", "p", 2}, {3, "property", "q", 2},
    {4, "property", "m", 2}, {4, "property", "n", 2},
    {5, "property", "m", 2}, {5, "property", "n", 2},
};

struct xrow {
  const char *key;
  const char *name;
  unsigned long long added, deleted;
  long long delta;
  unsigned long long alloc, freed;
  long long size_delta;
};

struct pair_case {
  const char *name;
  struct tsnap base, cur;
  const struct xrow *rows; /* in the engine's order: size_delta desc, key */
  size_t nrows;
};

static const struct xrow basic_rows[] = {
    {"7,1,24,Keep", "Keep", 1, 0, 1, 32, 0, 32},
    {",Foo", "Foo", 2, 1, 1, 24, 10, 14},
    {",Node / IsolateData", "Node / IsolateData", 1, 1, 0, 100, 100, 0},
    {"7,9,2,Keep", "Keep", 0, 1, -1, 0, 40, -40},
};
static const struct xrow cc_rows[] = {
    {",{a, b}", "{a, b}", 1, 0, 1, 24, 0, 24},
    {",Object", "Object", 0, 1, -1, 0, 16, -16},
};
static const struct xrow rc_rows[] = {
    {",{m, n}", "{m, n}", 1, 0, 1, 28, 0, 28},
    {",Object", "Object", 0, 1, -1, 0, 16, -16},
};

static const struct pair_case pairs[] = {
    {"basic",
     {ARR(basic_base_nodes), ARR(basic_base_edges), ARR(basic_base_locs)},
     {ARR(basic_cur_nodes), ARR(basic_cur_edges), ARR(basic_cur_locs)},
     ARR(basic_rows)},
    {"class-change", {ARR(cc_base_nodes), ARR(cc_base_edges), NOARR},
     {ARR(cc_cur_nodes), ARR(cc_cur_edges), NOARR}, ARR(cc_rows)},
    {"reclassify", {ARR(rc_base_nodes), ARR(rc_base_edges), NOARR},
     {ARR(rc_cur_nodes), ARR(rc_cur_edges), NOARR}, ARR(rc_rows)},
    /* A snapshot against itself: no row changes, all hidden. */
    {"same", {ARR(cc_cur_nodes), ARR(cc_cur_edges), NOARR},
     {ARR(cc_cur_nodes), ARR(cc_cur_edges), NOARR}, NULL, 0},
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

/* ---- the checks ---------------------------------------------------------- */

struct built {
  struct lc_snapshot base, cur;
  struct lc_summary bsum, csum;
};

/* Loads a pair (base in layout lb, current in lc) and builds both
 * summaries the way DevTools does: the base with the current snapshot's
 * interface definitions. */
static void
build_pair(struct built *b, const struct pair_case *p, int lb, int lcur)
{
  char *bn = lc_xasprintf("%s-base", p->name);
  char *cn = lc_xasprintf("%s-cur", p->name);
  load(&b->base, &p->base, bn, lb);
  load(&b->cur, &p->cur, cn, lcur);
  struct lc_summary_opts opts = {0, NULL, NULL};
  lc_summary_build(&b->csum, &b->cur, NULL);
  opts.defs = &b->csum;
  lc_summary_build(&b->bsum, &b->base, &opts);
  free(bn);
  free(cn);
}

static void
built_release(struct built *b)
{
  lc_summary_release(&b->bsum);
  lc_summary_release(&b->csum);
  lc_snapshot_release(&b->base);
  lc_snapshot_release(&b->cur);
}

/* _i = pair * 4 + base layout (bit 1) + current layout (bit 0). */
START_TEST(compare_pairs)
{
  const struct pair_case *p = &pairs[_i / 4];
  int lb = _i & 2 ? 24 : 20, lcur = _i & 1 ? 24 : 20;
  struct built b;
  struct lc_compare c;
  size_t i;
  build_pair(&b, p, lb, lcur);
  lc_compare_build(&c, &b.base, &b.bsum, &b.cur, &b.csum);
  for (i = 0; i < c.nrows && i < p->nrows; i++) {
    const struct lc_compare_row *r = &c.rows[i];
    const struct xrow *x = &p->rows[i];
    ck_assert_msg(strcmp(r->key, x->key) == 0 &&
                      strcmp(r->name, x->name) == 0 &&
                      r->added == x->added && r->deleted == x->deleted &&
                      r->delta == x->delta && r->alloc_size == x->alloc &&
                      r->freed_size == x->freed &&
                      r->size_delta == x->size_delta,
                  "%s/%d-%d: row %zu is %s (%s) +%" PRIu64 " -%" PRIu64
                  " %+" PRId64 " alloc %" PRIu64 " freed %" PRIu64
                  " %+" PRId64 "; expected %s (%s) +%llu -%llu %+lld alloc "
                  "%llu freed %llu %+lld",
                  p->name, lb, lcur, i, r->key, r->name, r->added,
                  r->deleted, r->delta, r->alloc_size, r->freed_size,
                  r->size_delta, x->key, x->name, x->added, x->deleted,
                  x->delta, x->alloc, x->freed, x->size_delta);
  }
  ck_assert_msg(c.nrows == p->nrows, "%s/%d-%d: %zu rows, expected %zu",
                p->name, lb, lcur, c.nrows, p->nrows);
  lc_compare_release(&c);
  built_release(&b);
}
END_TEST

/* The base summary with the current snapshot's definitions differs from
 * the base summary alone, and carries those definitions. */
START_TEST(reclassify_summary)
{
  const struct pair_case *p = &pairs[2];
  struct built b;
  struct lc_summary own;
  const struct lc_summary_row *r;
  build_pair(&b, p, _i ? 24 : 20, _i ? 24 : 20);
  ck_assert_uint_eq(b.csum.nifaces, 1);
  ck_assert_str_eq(b.csum.ifaces[0].name, "{m, n}");
  ck_assert_uint_eq(b.csum.ifaces[0].nprops, 2);
  ck_assert_str_eq(b.csum.ifaces[0].props[0], "m");
  ck_assert_str_eq(b.csum.ifaces[0].props[1], "n");
  ck_assert_uint_eq(b.bsum.nifaces, 1);
  ck_assert_str_eq(b.bsum.ifaces[0].name, "{m, n}");
  r = lc_test_find_row(&b.bsum, ",Object");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->count, 2);
  ck_assert_uint_eq(r->self_size, 32);
  r = lc_test_find_row(&b.bsum, ",{m, n}");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->count, 1);
  ck_assert_ptr_null(lc_test_find_row(&b.bsum, ",{p, q}"));

  lc_summary_build(&own, &b.base, NULL);
  ck_assert_uint_eq(own.nifaces, 1);
  ck_assert_str_eq(own.ifaces[0].name, "{p, q}");
  r = lc_test_find_row(&own, ",{p, q}");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->count, 2);
  r = lc_test_find_row(&own, ",Object");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->count, 1);
  ck_assert_uint_eq(r->self_size, 20);
  ck_assert_ptr_null(lc_test_find_row(&own, ",{m, n}"));
  lc_summary_release(&own);
  built_release(&b);
}
END_TEST

/* Base and current the other way round: every count mirrors. */
START_TEST(compare_reversed)
{
  const struct pair_case *p = &pairs[0];
  struct tsnap swapped_t[2];
  struct pair_case q;
  struct built b;
  struct lc_compare c;
  const struct lc_compare_row *foo = NULL, *keep1 = NULL, *keep2 = NULL;
  size_t i;
  swapped_t[0] = p->cur;
  swapped_t[1] = p->base;
  q = *p;
  q.name = "basic-reversed";
  q.base = swapped_t[0];
  q.cur = swapped_t[1];
  build_pair(&b, &q, 24, 24);
  lc_compare_build(&c, &b.base, &b.bsum, &b.cur, &b.csum);
  ck_assert_uint_eq(c.nrows, 4);
  for (i = 0; i < c.nrows; i++) {
    if (strcmp(c.rows[i].key, ",Foo") == 0)
      foo = &c.rows[i];
    else if (strcmp(c.rows[i].key, "7,1,24,Keep") == 0)
      keep1 = &c.rows[i];
    else if (strcmp(c.rows[i].key, "7,9,2,Keep") == 0)
      keep2 = &c.rows[i];
  }
  ck_assert_ptr_nonnull(foo);
  ck_assert_uint_eq(foo->added, 1);
  ck_assert_uint_eq(foo->deleted, 2);
  ck_assert_int_eq(foo->delta, -1);
  ck_assert_uint_eq(foo->alloc_size, 10);
  ck_assert_uint_eq(foo->freed_size, 24);
  ck_assert_int_eq(foo->size_delta, -14);
  ck_assert_ptr_nonnull(keep1);
  ck_assert_uint_eq(keep1->deleted, 1);
  ck_assert_uint_eq(keep1->freed_size, 32);
  ck_assert_ptr_nonnull(keep2);
  ck_assert_uint_eq(keep2->added, 1);
  ck_assert_uint_eq(keep2->alloc_size, 40);
  /* Sorted by size delta, largest first. */
  ck_assert_str_eq(c.rows[0].key, "7,9,2,Keep");
  ck_assert_str_eq(c.rows[1].key, ",Node / IsolateData");
  ck_assert_str_eq(c.rows[2].key, ",Foo");
  ck_assert_str_eq(c.rows[3].key, "7,1,24,Keep");
  lc_compare_release(&c);
  built_release(&b);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("compare");
  TCase *tc = tcase_create("pairs");
  tcase_set_timeout(tc, 30);
  tcase_add_loop_test(tc, compare_pairs, 0, (int)NPAIRS * 4);
  tcase_add_loop_test(tc, reclassify_summary, 0, 2);
  tcase_add_test(tc, compare_reversed);
  suite_add_tcase(s, tc);
  return s;
}
