/* Check suite for html.c: escaping of what comes from the heap and the
 * program, one chart point per snapshot, failed checks first, the retainer
 * path as a list with its holder, nothing that fetches, and the size of a
 * 100-check report. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/pattern.h"
#include "leakcheck/buf.h"
#include "report/html.h"
#include "testutil.h"
#include "verdict/verdict.h"

#define HOSTILE "<img src=x onerror=alert(1)>"

#define MAXC 100

struct fixture {
  struct lc_config cfg;
  struct lc_check checks[MAXC];
  struct lc_assert asserts[MAXC];
  struct lc_check_result res[MAXC];
  char *names[MAXC];
  size_t n;
};

/* `nsnap` snapshots of `nrows` rows: row 0 (named `name0`) grows by 10
 * objects of 32 bytes per snapshot, the others stay flat. */
static void
add_series(struct lc_series *ser, size_t nsnap, size_t nrows, const char *name0)
{
  size_t k, i;
  for (k = 0; k < nsnap; k++) {
    struct lc_summary_row *rows = calloc(nrows, sizeof(*rows));
    struct lc_summary sum = LC_SUMMARY_INIT;
    for (i = 0; i < nrows; i++) {
      rows[i].name =
          i == 0 ? lc_xstrdup(name0) : lc_xasprintf("SomeClassName%zu", i);
      rows[i].key = lc_xasprintf(",%s", rows[i].name);
      rows[i].count = i == 0 ? 10 + 10 * k : 100 + i;
      rows[i].self_size = rows[i].count * 32;
    }
    sum.rows = rows;
    sum.nrows = nrows;
    lc_series_add(ser, &sum);
    for (i = 0; i < nrows; i++) {
      free(rows[i].key);
      free(rows[i].name);
    }
    free(rows);
  }
}

/* Check `i`: `fail` ones leak (default assertion), with a retainer path;
 * the others hold. */
static void
add_check(struct fixture *fx, int fail, size_t nsnap, size_t nrows,
          const char *name0)
{
  size_t i = fx->n++;
  struct lc_check *c = &fx->checks[i];
  struct lc_assert *a = &fx->asserts[i];
  struct lc_check_result *r = &fx->res[i];
  fx->names[i] = lc_xasprintf("check-%03zu", i);
  c->name = fx->names[i];
  c->script = (char *)"app.js";
  c->snapshots = (unsigned)nsnap;
  c->warmup = 1;
  c->asserts = a;
  c->nasserts = 1;
  a->is_default = 1;
  a->steady_growth_forbid = 1;
  {
    struct lc_err err = LC_ERR_INIT;
    ck_assert_int_eq(lc_pattern_compile(&a->ctor, "*", &err), 0);
  }
  r->check = c;
  r->seconds = 1.5;
  r->series.warmup = 1;
  add_series(&r->series, nsnap, nrows, fail ? name0 : "Flat");
  if (!fail) {
    /* Nothing grows: every row flat. */
    size_t k;
    for (k = 0; k < nsnap; k++) {
      r->series.rows[0].count[k] = 10;
      r->series.rows[0].size[k] = 320;
    }
  }
  lc_verdict_eval(c, &r->series, &r->results);
  r->nresults = 1;
  r->status = r->results[0].failed ? LC_CHECK_FAILED : LC_CHECK_PASSED;
  if (r->results[0].nfindings)
    r->results[0].findings[0].why = lc_xasprintf(
        "%s @99 (allocated during the measured window, retained 32 B) is "
        "held by:\n  global @1 \xe2\x86\x92 cache (property) \xe2\x86\x92 "
        "Map @7 \xe2\x86\x92 table (internal) \xe2\x86\x92 (array) @8 "
        "\xe2\x86\x92 3 (internal) \xe2\x86\x92 %s @99",
        name0, name0);
  r->stdout_tail = lc_xstrdup("started\n" HOSTILE "\n");
  r->stderr_tail = lc_xstrdup("\x1b[31mred\x1b[0m & <b>bold</b>\n");
}

static void
fixture_release(struct fixture *fx)
{
  size_t i;
  for (i = 0; i < fx->n; i++) {
    lc_pattern_release(&fx->asserts[i].ctor);
    lc_check_result_release(&fx->res[i]);
    free(fx->names[i]);
  }
}

START_TEST(test_hostile_names_are_text)
{
  static struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  memset(&fx, 0, sizeof(fx));
  add_check(&fx, 1, 5, 4, HOSTILE);
  ck_assert_int_eq(fx.res[0].status, LC_CHECK_FAILED);
  lc_report_html(&out, NULL, fx.res, fx.n);
  ck_assert_contains(out.buf, "&lt;img src=x onerror=alert(1)&gt;");
  ck_assert_uint_eq(lc_test_count(out.buf, "<img"), 0);
  ck_assert_uint_eq(lc_test_count(out.buf, "<b>"), 0);
  ck_assert_contains(out.buf, "red &amp; &lt;b&gt;bold&lt;/b&gt;");
  ck_assert_uint_eq(lc_test_count(out.buf, "\x1b"), 0);
  /* Only the page's own script, and nothing that could fetch. */
  ck_assert_uint_eq(lc_test_count(out.buf, "<script"), 1);
  ck_assert_uint_eq(lc_test_count(out.buf, "src=\""), 0);
  ck_assert_uint_eq(lc_test_count(out.buf, "href=\""), 0);
  ck_assert_contains(out.buf, "content=\"default-src 'none'; img-src data:; ");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_chart_points_and_path)
{
  static struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  const char *p;
  size_t charts = 0;
  memset(&fx, 0, sizeof(fx));
  add_check(&fx, 1, 6, 3, "Session");
  lc_report_html(&out, NULL, fx.res, fx.n);
  for (p = out.buf; (p = strstr(p, "<svg class=\"chart ")) != NULL; p++) {
    const char *pl = strstr(p, "<polyline points=\""), *end;
    size_t points = 1;
    ck_assert_ptr_nonnull(pl);
    pl += strlen("<polyline points=\"");
    end = strchr(pl, '"');
    for (; pl < end; pl++)
      points += *pl == ' ';
    ck_assert_uint_eq(points, 6);
    charts++;
  }
  ck_assert_uint_eq(charts, 2); /* count and size of the one finding */
  /* One warm-up point per chart. */
  ck_assert_uint_eq(lc_test_count(out.buf, "<circle class=\"warm\""), 2);
  ck_assert_contains(out.buf,
                     "<ol class=\"path\"><li class=\"node\">global @1</li>"
                     "<li class=\"edge\">cache (property)</li>"
                     "<li class=\"node holder\">Map @7 <span class=\"mute\">"
                     "(holder)</span></li>"
                     "<li class=\"edge\">table (internal)</li>"
                     "<li class=\"node\">(array) @8</li>"
                     "<li class=\"edge\">3 (internal)</li>"
                     "<li class=\"node leak\">Session @99</li></ol>");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_failed_first)
{
  static struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  const char *pass, *failed;
  memset(&fx, 0, sizeof(fx));
  add_check(&fx, 0, 4, 3, "A");
  add_check(&fx, 1, 4, 3, "Leaky");
  ck_assert_int_eq(fx.res[0].status, LC_CHECK_PASSED);
  lc_report_html(&out, NULL, fx.res, fx.n);
  pass = strstr(out.buf, "<section class=\"check s-passed\"");
  failed = strstr(out.buf, "<section class=\"check s-failed\"");
  ck_assert_ptr_nonnull(pass);
  ck_assert_ptr_nonnull(failed);
  ck_assert_msg(failed < pass, "the failed check is not first");
  ck_assert_contains(out.buf, "2 checks: 1 passed, 1 failed, 0 errors.");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

/* The size README states for 100 checks: 100 checks of 200 rows and 6
 * snapshots (a small Node heap has about 170 rows), half of them failing,
 * stay under 4 MiB. */
START_TEST(test_size_of_100_checks)
{
  static struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  size_t i;
  memset(&fx, 0, sizeof(fx));
  for (i = 0; i < MAXC; i++)
    add_check(&fx, (int)(i % 2), 6, 200, "Order");
  lc_report_html(&out, NULL, fx.res, fx.n);
  ck_assert_uint_eq(lc_test_count(out.buf, "<section class=\"check"), 100);
  ck_assert_uint_eq(lc_test_count(out.buf, "<section class=\"check s-failed"), 50);
  fprintf(stderr, "check_html: 100 checks: %zu bytes\n", out.len);
  ck_assert_uint_lt(out.len, 4u * 1024 * 1024);
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("html");
  TCase *tc = tcase_create("html");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_hostile_names_are_text);
  tcase_add_test(tc, test_chart_points_and_path);
  tcase_add_test(tc, test_failed_first);
  tcase_add_test(tc, test_size_of_100_checks);
  suite_add_tcase(s, tc);
  return s;
}
