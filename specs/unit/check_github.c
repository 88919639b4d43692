/* Check suite for github.c: workflow-command escaping, the annotations
 * (exact lines, worst first, at most 10), the Markdown step summary and its
 * 1 MiB cap, the repository-relative path, stop-commands fencing; and the
 * CI-facing report variants (JUnit jenkins profile, brief verdict). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck/buf.h"
#include "report/github.h"
#include "report/report.h"
#include "testutil.h"

/* ---- escaping ---------------------------------------------------------- */

static const struct esc_case {
  const char *in;
  size_t len; /* 0: strlen(in) */
  int property;
  const char *want;
} esc_cases[] = {
    {"plain text", 0, 0, "plain text"},
    {"100% sure", 0, 0, "100%25 sure"},
    {"%0A is not a newline", 0, 0, "%250A is not a newline"},
    {"a\nb\r\nc", 0, 0, "a%0Ab%0D%0Ac"},
    {"key: a, b", 0, 0, "key: a, b"},
    {"key: a, b", 0, 1, "key%3A a%2C b"},
    {"50%:,\n", 0, 1, "50%25%3A%2C%0A"},
    {"::error::x", 0, 0, "::error::x"},
    {"::error::x", 0, 1, "%3A%3Aerror%3A%3Ax"},
    {"tab\there", 0, 0, "tab\there"},
    {"\x1b[31mred\x1b[0m", 0, 0, "red"},
    {"bell\x07 nul", 10, 0, "bell nul"},
    {"a\0b", 3, 1, "ab"},
    {"del\x7f", 0, 0, "del"},
    {"\xc3\xa9t\xc3\xa9", 0, 1, "\xc3\xa9t\xc3\xa9"},
    /* D3: C1 controls (U+009B CSI, U+009D OSC) and ill-formed UTF-8. */
    {"a\xc2\x9b"
     "31mb\xc2\x9d"
     "0;t\xc2\x9c",
     0, 0, "a?31mb?0;t?"},
    {"x\xff\xc3(\xed\xa0\x80y", 0, 0,
     "x\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy"},
};

START_TEST(test_escape)
{
  const struct esc_case *tc = &esc_cases[_i];
  struct lc_buf out = LC_BUF_INIT;
  size_t len = tc->len ? tc->len : strlen(tc->in);
  if (tc->property)
    lc_github_escape_property(&out, tc->in, len);
  else
    lc_github_escape_data(&out, tc->in, len);
  ck_assert_msg(strcmp(out.buf, tc->want) == 0, "case %d: got '%s', want '%s'",
                _i, out.buf, tc->want);
  lc_buf_release(&out);
}
END_TEST

/* ---- the path shown ---------------------------------------------------- */

static char *ws_root; /* a temporary workspace */

static void
ws_setup(void)
{
  char *p;
  ws_root = lc_test_tmpdir(NULL, "github");
  p = lc_xasprintf("%s/repo", ws_root);
  ck_assert_int_eq(mkdir(p, 0755), 0);
  free(p);
  p = lc_xasprintf("%s/repo/sub", ws_root);
  ck_assert_int_eq(mkdir(p, 0755), 0);
  free(p);
  p = lc_xasprintf("%s/repo2", ws_root);
  ck_assert_int_eq(mkdir(p, 0755), 0);
  free(p);
}

static void
ws_teardown(void)
{
  lc_test_rmtree(ws_root);
  free(ws_root);
}

static void
touch(const char *rel)
{
  char *p = lc_xasprintf("%s/%s", ws_root, rel);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  free(p);
}

START_TEST(test_display_path)
{
  char *cfg, *ws, *got, *cwd = getcwd(NULL, 0);
  touch("repo/sub/leakcheck.yml");
  touch("repo2/leakcheck.yml");

  /* Absolute config under the workspace. */
  cfg = lc_xasprintf("%s/repo/sub/leakcheck.yml", ws_root);
  ws = lc_xasprintf("%s/repo", ws_root);
  got = lc_github_display_path(cfg, ws);
  ck_assert_str_eq(got, "sub/leakcheck.yml");
  free(got);
  /* A trailing slash and a relative config resolve alike. */
  free(ws);
  ws = lc_xasprintf("%s/repo/", ws_root);
  ck_assert_int_eq(chdir(ws), 0);
  got = lc_github_display_path("./sub/../sub/leakcheck.yml", ws);
  ck_assert_str_eq(got, "sub/leakcheck.yml");
  free(got);
  /* "repo2" starts with "repo" but is not under it: shown as given. */
  free(cfg);
  cfg = lc_xasprintf("%s/repo2/leakcheck.yml", ws_root);
  got = lc_github_display_path(cfg, ws);
  ck_assert_str_eq(got, cfg);
  free(got);
  /* No workspace, or one that does not exist: as given, "./" dropped. */
  got = lc_github_display_path("./sub/leakcheck.yml", NULL);
  ck_assert_str_eq(got, "sub/leakcheck.yml");
  free(got);
  got = lc_github_display_path(".//sub/leakcheck.yml", "");
  ck_assert_str_eq(got, "sub/leakcheck.yml");
  free(got);
  got = lc_github_display_path("sub/leakcheck.yml", "/nonexistent/ws");
  ck_assert_str_eq(got, "sub/leakcheck.yml");
  free(got);
  /* A config that does not exist: as given. */
  got = lc_github_display_path("sub/nope.yml", ws);
  ck_assert_str_eq(got, "sub/nope.yml");
  free(got);
  ck_assert_int_eq(chdir(cwd), 0);
  free(cfg);
  free(ws);
  free(cwd);
}
END_TEST

/* ---- results made by hand ---------------------------------------------- */

#define MAXC 16
#define MAXA 16

struct fixture {
  struct lc_config cfg;
  struct lc_check checks[MAXC];
  struct lc_assert asserts[MAXC][MAXA];
  struct lc_check_result res[MAXC];
  size_t n;
};

static void
set_mark(struct lc_mark *m, unsigned long line, unsigned long col)
{
  m->line = line;
  m->col = col;
}

/* Adds `nsnap` snapshots where each of `nrows` rows "Leak<i>" grows by
 * (i + 1) objects of 16 bytes per snapshot, and "Function" by `fn_step`. */
static void
add_series(struct lc_series *ser, size_t nsnap, size_t nrows, int fn_step)
{
  size_t k, i;
  for (k = 0; k < nsnap; k++) {
    struct lc_summary_row *rows = calloc(nrows + 2, sizeof(*rows));
    struct lc_summary sum = LC_SUMMARY_INIT;
    for (i = 0; i < nrows; i++) {
      rows[i].key = lc_xasprintf(",Leak%zu", i);
      rows[i].name = lc_xstrdup(rows[i].key + 1);
      rows[i].count = 10 + (i + 1) * k;
      rows[i].self_size = rows[i].count * 16;
    }
    rows[nrows].key = lc_xstrdup(",Function");
    rows[nrows].name = lc_xstrdup("Function");
    rows[nrows].count = k == 0 ? 10 : 100 + (uint64_t)fn_step * (k - 1);
    rows[nrows].self_size = rows[nrows].count * 64;
    rows[nrows + 1].key = lc_xstrdup(",Object");
    rows[nrows + 1].name = lc_xstrdup("Object");
    rows[nrows + 1].count = 5;
    rows[nrows + 1].self_size = 80;
    sum.rows = rows;
    sum.nrows = nrows + 2;
    lc_series_add(ser, &sum);
    for (i = 0; i < nrows + 2; i++) {
      free(rows[i].key);
      free(rows[i].name);
    }
    free(rows);
  }
}

static struct lc_check *
add_check(struct fixture *fx, const char *name, unsigned long line)
{
  struct lc_check *c = &fx->checks[fx->n];
  c->name = (char *)name;
  c->script = (char *)"leaks.js";
  c->snapshots = 5;
  c->warmup = 1;
  set_mark(&c->mark, line, 5);
  c->asserts = fx->asserts[fx->n];
  fx->res[fx->n].check = c;
  fx->res[fx->n].started = 1714566600;
  fx->res[fx->n].seconds = 2.5;
  fx->n++;
  fx->cfg.nchecks = fx->n;
  return c;
}

static struct lc_assert *
add_assert(struct lc_check *c, const char *pattern, const char *label,
           unsigned long line)
{
  struct lc_assert *a = &c->asserts[c->nasserts++];
  struct lc_err err = LC_ERR_INIT;
  if (pattern)
    ck_assert_int_eq(lc_pattern_compile(&a->ctor, pattern, &err), 0);
  else
    a->is_total = 1;
  a->label = (char *)label;
  set_mark(&a->mark, line, 7);
  return a;
}

static void
evaluate(struct fixture *fx, size_t c, size_t nrows, int fn_step)
{
  struct lc_check_result *r = &fx->res[c];
  add_series(&r->series, 5, nrows, fn_step);
  r->series.warmup = 1;
  r->nresults = r->check->nasserts;
  r->status = lc_verdict_eval(r->check, &r->series, &r->results)
                  ? LC_CHECK_FAILED
                  : LC_CHECK_PASSED;
}

static void
fixture_init(struct fixture *fx)
{
  memset(fx, 0, sizeof(*fx));
  fx->cfg.path = (char *)"leakcheck.yml";
  fx->cfg.checks = fx->checks;
}

static void
fixture_release(struct fixture *fx)
{
  size_t c, i;
  for (c = 0; c < fx->n; c++) {
    for (i = 0; i < fx->checks[c].nasserts; i++)
      if (!fx->asserts[c][i].is_total)
        lc_pattern_release(&fx->asserts[c][i].ctor);
    lc_check_result_release(&fx->res[c]);
  }
}

/* closure-chain FAILED (Function grows; the total holds), server BROKEN,
 * clean PASSED. */
static void
three_checks(struct fixture *fx)
{
  struct lc_check *c;
  struct lc_assert *a;
  struct lc_check_result *r;

  fixture_init(fx);
  c = add_check(fx, "closure-chain", 10);
  a = add_assert(c, "Function", "Function: max_growth 0", 12);
  a->has_max_growth = 1;
  a = add_assert(c, NULL, "total: max_growth_bytes 2MB", 14);
  a->has_max_growth_bytes = 1;
  a->max_growth_bytes = 2097152;
  evaluate(fx, 0, 0, 1);
  ck_assert_int_eq(fx->res[0].status, LC_CHECK_FAILED);
  fx->res[0].results[0].findings[0].why =
      strdup("(GC roots) -> global\n  .leaks in Array @12\n"
             "  [0] in Function run() @34 (100% of the growth)");

  c = add_check(fx, "server", 18);
  add_assert(c, NULL, "total: max_growth_bytes 2MB", 20)->has_max_growth_bytes =
      1;
  r = &fx->res[1];
  r->status = LC_CHECK_BROKEN;
  r->error = strdup("node exited with status 1 after 2 of 5 snapshots");
  r->stdout_tail = strdup("listening\n");
  r->stderr_tail = strdup("Error: boom\n::error::injected\n");
  add_series(&r->series, 2, 0, 1);
  r->series.warmup = 1;

  c = add_check(fx, "clean", 25);
  a = add_assert(c, "Object", "Object: max_growth 0", 27);
  a->has_max_growth = 1;
  evaluate(fx, 2, 0, 1);
  fx->res[2].status = LC_CHECK_PASSED;
}

/* ---- annotations ------------------------------------------------------- */

START_TEST(test_annotations_exact)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  three_checks(&fx);
  lc_report_github_annotations(&out, &fx.cfg, fx.res, fx.n,
                               "app/leakcheck.yml");
  ck_assert_str_eq(
      out.buf,
      /* The broken check first, at the check's list item. */
      "::error file=app/leakcheck.yml,line=18,col=5,title=server%3A the "
      "program broke::node exited with status 1 after 2 of 5 snapshots"
      "%0A%0Alast lines of stderr:%0AError: boom%0A::error::injected\n"
      /* Then the failed assertion, at its list item. */
      "::error file=app/leakcheck.yml,line=12,col=7,title=closure-chain%3A "
      "Function%3A max_growth 0::Function grew by +3 objects (+192 B) over "
      "4 snapshots; limit max_growth 0%0A%0AFunction: +3 objects (+192 B)"
      "%0A  counts: (10) 100 101 102 103"
      "%0A  sizes:  (640 B) 6.3 KB 6.3 KB 6.4 KB 6.4 KB"
      "%0A%0A(GC roots) -> global%0A  .leaks in Array @12"
      "%0A  [0] in Function run() @34 (100%25 of the growth)\n");
  lc_buf_release(&out);

  /* Nothing failed: nothing at all. */
  lc_report_github_annotations(&out, &fx.cfg, fx.res + 2, 1, "x.yml");
  ck_assert_str_eq(out.buf, "");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_annotations_worst_first_and_capped)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  struct lc_check *c;
  size_t i;
  const char *p;
  static const char *labels[12] = {
      "Leak0: max_growth 0", "Leak1: max_growth 0",  "Leak2: max_growth 0",
      "Leak3: max_growth 0", "Leak4: max_growth 0",  "Leak5: max_growth 0",
      "Leak6: max_growth 0", "Leak7: max_growth 0",  "Leak8: max_growth 0",
      "Leak9: max_growth 0", "Leak10: max_growth 0", "Leak11: max_growth 0"};
  static const char *pats[12] = {"Leak0", "Leak1", "Leak2",  "Leak3",
                                 "Leak4", "Leak5", "Leak6",  "Leak7",
                                 "Leak8", "Leak9", "Leak10", "Leak11"};

  fixture_init(&fx);
  c = add_check(&fx, "many", 3);
  for (i = 0; i < 12; i++)
    add_assert(c, pats[i], labels[i], 10 + i)->has_max_growth = 1;
  evaluate(&fx, 0, 12, 0);
  lc_report_github_annotations(&out, &fx.cfg, fx.res, 1, "leakcheck.yml");
  /* Leak11 grows most (12 objects per snapshot): it comes first; the two
   * smallest (Leak1, Leak0) are left to the notice. */
  ck_assert_uint_eq(lc_test_count(out.buf, "::error "), 10);
  for (p = out.buf, i = 0; i < 10; i++) {
    char *want = lc_xasprintf("::error file=leakcheck.yml,line=%zu,col=7,"
                              "title=many%%3A Leak%zu%%3A max_growth 0::",
                              10 + (11 - i), 11 - i);
    ck_assert_msg(strncmp(p, want, strlen(want)) == 0, "line %zu: %.120s", i,
                  p);
    free(want);
    p = strchr(p, '\n') + 1;
  }
  ck_assert_str_eq(p, "::notice file=leakcheck.yml,title=leakcheck::2 more "
                      "failures are not annotated (GitHub keeps 10 per "
                      "step): the step summary and the JUnit report list "
                      "every one\n");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_annotation_message_capped)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT, why = LC_BUF_INIT;
  const char *msg;
  size_t i;

  three_checks(&fx);
  for (i = 0; i < 2000; i++)
    lc_buf_addstr(&why, "  .retainer \xc3\xa9\n");
  free(fx.res[0].results[0].findings[0].why);
  fx.res[0].results[0].findings[0].why = lc_buf_detach(&why, NULL);
  lc_report_github_annotations(&out, &fx.cfg, fx.res, 1, "leakcheck.yml");
  msg = strstr(out.buf, "max_growth 0::");
  ck_assert_ptr_nonnull(msg);
  /* 4096 raw bytes at most; each LF became 3 bytes, so compare the end. */
  ck_assert_contains(out.buf, "%0A... (cut)\n");
  ck_assert_uint_eq(lc_test_count(out.buf, "\n"), 1);
  ck_assert_uint_lt(strlen(msg), LC_GITHUB_MAX_MESSAGE * 3);
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_error_annotation)
{
  struct lc_buf out = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  lc_err_set(&err, LC_ECONFIG, "/ws/leakcheck.yml", 5, 5,
             "unknown key 'snapshot' in check; did you mean 'snapshots'?");
  lc_report_github_error(&out, &err, "leakcheck.yml");
  ck_assert_str_eq(out.buf, "::error file=leakcheck.yml,line=5,col=5,"
                            "title=leakcheck::unknown key 'snapshot' in "
                            "check; did you mean 'snapshots'?\n");
  lc_err_release(&err);
  lc_buf_reset(&out);
  lc_err_set(&err, LC_ESYSTEM, NULL, 0, 0, "100%% broken");
  lc_report_github_error(&out, &err, NULL);
  ck_assert_str_eq(out.buf, "::error title=leakcheck::100%25 broken\n");
  lc_err_release(&err);
  lc_buf_release(&out);
}
END_TEST

/* ---- step summary ------------------------------------------------------ */

START_TEST(test_summary_exact)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  three_checks(&fx);
  lc_buf_addstr(&out, "earlier\n");
  lc_report_github_summary(&out, &fx.cfg, fx.res, fx.n, LC_GITHUB_SUMMARY_MAX);
  ck_assert_str_eq(
      out.buf,
      "earlier\n"
      "## leakcheck: \xf0\x9f\x92\xa5 a program broke\n\n"
      "3 checks: 1 passed, 1 failed, 1 error. Counts in parentheses are "
      "warm-up snapshots, shown but not measured.\n\n"
      /* Failed and broken checks first, in config order. */
      "### \xe2\x9d\x8c FAIL: closure-chain\n\n"
      "5 snapshots (warmup 1), 2.5 s, script leaks.js.\n\n"
      "| constructor | counts per snapshot | growth | verdict |\n"
      "| --- | --- | --- | --- |\n"
      /* A failing row's counts follow their sparkline. */
      "| Function | \xe2\x96\x81\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88"
      "\xe2\x96\x88 (10) 100 101 102 103 | +3 objects (+192 B) | "
      "\xe2\x9d\x8c fail: Function: max\\_growth 0 |\n"
      "| total | (15) 105 106 107 108 | +3 objects (+192 B) | "
      "\xe2\x9c\x85 held: total: max\\_growth\\_bytes 2MB |\n"
      "\n"
      "**Function: max\\_growth 0** (leakcheck.yml:12:7): Function grew by "
      "+3 objects (+192 B) over 4 snapshots; limit max\\_growth 0\n\n"
      "Retainer path of Function:\n\n"
      "```text\n"
      "(GC roots) -> global\n  .leaks in Array @12\n"
      "  [0] in Function run() @34 (100% of the growth)\n"
      "```\n\n"
      "### \xf0\x9f\x92\xa5 ERROR: server\n\n"
      "2 of 5 snapshots (warmup 1), 2.5 s, script leaks.js.\n\n"
      "**Error:** node exited with status 1 after 2 of 5 snapshots\n\n"
      "Last lines of stderr:\n\n"
      "```text\nError: boom\n::error::injected\n```\n\n"
      "### \xe2\x9c\x85 PASS: clean\n\n"
      "5 snapshots (warmup 1), 2.5 s, script leaks.js.\n\n"
      "| constructor | counts per snapshot | growth | verdict |\n"
      "| --- | --- | --- | --- |\n"
      "| Object | 1 row matched | worst +0 objects (+0 B) | "
      "\xe2\x9c\x85 held: Object: max\\_growth 0 |\n"
      "\n");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_summary_escapes_markdown)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  three_checks(&fx);
  fx.checks[0].name = (char *)"<img src=x>|**b**";
  free(fx.res[0].results[0].findings[0].why);
  fx.res[0].results[0].findings[0].why =
      strdup("a ```` fence\x1b[31m red\x1b[0m bell\x07 bad\xff");
  lc_report_github_summary(&out, &fx.cfg, fx.res, 1, LC_GITHUB_SUMMARY_MAX);
  ck_assert_contains(out.buf, "### \xe2\x9d\x8c FAIL: &lt;img src=x&gt;\\|"
                              "\\*\\*b\\*\\*\n\n");
  /* The fence is longer than any run of backticks inside. */
  ck_assert_contains(out.buf, "`````text\na ```` fence red bell? bad"
                              "\xef\xbf\xbd\n`````\n\n");
  ck_assert_ptr_null(strchr(out.buf, '\x1b'));
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_summary_small_budget)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  const char *head = "## leakcheck: \xf0\x9f\x92\xa5 a program broke\n\n"
                     "3 checks: 1 passed, 1 failed, 1 error. Counts in "
                     "parentheses are warm-up snapshots, shown but not "
                     "measured.\n\n";

  three_checks(&fx);
  /* Room for the heading and the note only. */
  lc_report_github_summary(&out, &fx.cfg, fx.res, fx.n, strlen(head) + 512);
  ck_assert_str_eq(out.buf, "## leakcheck: \xf0\x9f\x92\xa5 a program "
                            "broke\n\n3 checks: 1 passed, 1 failed, 1 error. "
                            "Counts in parentheses are warm-up snapshots, "
                            "shown but not measured.\n\n"
                            "> **Note:** this summary stops here to stay "
                            "under GitHub's 1 MiB step-summary limit: "
                            "closure-chain and 2 more checks are not shown. "
                            "The JUnit report and the log have every "
                            "result.\n");
  lc_buf_reset(&out);
  /* A check name too long for the note's reserve: the note stays short
   * and the whole stays within the budget. */
  {
    char *longname = malloc(3001);
    size_t budget = strlen(head) + 512;
    memset(longname, 'x', 3000);
    longname[3000] = '\0';
    fx.checks[0].name = longname;
    lc_buf_reset(&out);
    lc_report_github_summary(&out, &fx.cfg, fx.res, fx.n, budget);
    ck_assert_uint_le(out.len, budget);
    ck_assert_str_eq(out.buf + strlen(head),
                     "> **Note:** this summary stops here to stay under "
                     "GitHub's 1 MiB step-summary limit: a check and 2 more "
                     "checks are not shown. The JUnit report and the log "
                     "have every result.\n");
    fx.checks[0].name = (char *)"closure-chain";
    free(longname);
  }
  lc_buf_reset(&out);
  /* Not even that: nothing. */
  lc_report_github_summary(&out, &fx.cfg, fx.res, fx.n, 100);
  ck_assert_str_eq(out.buf, "");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

/* A heap that would make a summary of many megabytes: 15 checks of 16
 * failed assertions with 300 growing rows each, every row with a long
 * retainer path. */
START_TEST(test_summary_1mib_cap)
{
  static struct fixture fx;
  static char labels[MAXA][32];
  struct lc_buf out = LC_BUF_INIT, why = LC_BUF_INIT;
  size_t c, i, f;
  const char *note;

  fixture_init(&fx);
  for (i = 0; i < 300; i++)
    lc_buf_addf(&why, "  .field%zu in Object @%zu\n", i, i * 7);
  for (c = 0; c < 15; c++) {
    static char names[15][16];
    struct lc_check *ck;
    snprintf(names[c], sizeof(names[c]), "check-%02zu", c);
    ck = add_check(&fx, names[c], 10 + c);
    for (i = 0; i < MAXA; i++) {
      snprintf(labels[i], sizeof(labels[i]), "/Leak/: max_growth %zu", i);
      add_assert(ck, "/Leak/", labels[i], 100 + i)->has_max_growth = 1;
      ck->asserts[i].max_growth = (int64_t)i;
    }
    evaluate(&fx, c, 300, 1);
    /* Paths beyond the 10th per assertion are never shown. */
    for (i = 0; i < MAXA; i++)
      for (f = 0; f < fx.res[c].results[i].nfindings && f < 12; f++)
        fx.res[c].results[i].findings[f].why = lc_xstrdup(why.buf);
  }
  lc_report_github_summary(&out, &fx.cfg, fx.res, fx.n, LC_GITHUB_SUMMARY_MAX);
  ck_assert_uint_le(out.len, LC_GITHUB_SUMMARY_MAX);
  ck_assert_uint_gt(out.len, LC_GITHUB_SUMMARY_MAX - 64 * 1024);
  ck_assert_uint_lt(LC_GITHUB_SUMMARY_MAX, 1024 * 1024);
  note = strstr(out.buf, "> **Note:** this summary stops here");
  ck_assert_ptr_nonnull(note);
  ck_assert_ptr_eq(strchr(note, '\n') + 1, out.buf + out.len);
  ck_assert_contains(note, "GitHub's 1 MiB step-summary limit: the rest of "
                           "check-");
  ck_assert_contains(note, " more checks are not shown. The JUnit report "
                           "and the log have every result.\n");
  /* At most 50 rows per assertion, then one row says how many more. */
  ck_assert_contains(out.buf, "| ... | | | 250 more constructors failed "
                              "/Leak/: max\\_growth 0 |\n");
  /* At most 10 retainer paths per assertion. */
  ck_assert_uint_le(lc_test_count(out.buf, "Retainer path of "), 10 * MAXA * 15);
  /* Code fences are balanced: the cut never falls inside a block. */
  ck_assert_uint_eq(lc_test_count(out.buf, "```text\n") * 2,
                    lc_test_count(out.buf, "```"));
  lc_buf_release(&out);
  lc_buf_release(&why);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_summary_long_block)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT, why = LC_BUF_INIT;
  size_t i;

  three_checks(&fx);
  for (i = 1; i <= 250; i++)
    lc_buf_addf(&why, "line %zu\n", i);
  free(fx.res[0].results[0].findings[0].why);
  fx.res[0].results[0].findings[0].why = lc_buf_detach(&why, NULL);
  lc_report_github_summary(&out, &fx.cfg, fx.res, 1, LC_GITHUB_SUMMARY_MAX);
  ck_assert_contains(out.buf, "line 199\nline 200\n... 50 more lines\n```\n");
  ck_assert_ptr_null(strstr(out.buf, "line 201"));
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

/* ---- fencing ----------------------------------------------------------- */

START_TEST(test_token)
{
  char a[LC_GITHUB_TOKEN_LEN + 1], b[LC_GITHUB_TOKEN_LEN + 1];
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_github_token(a, &err), 0);
  ck_assert_int_eq(lc_github_token(b, &err), 0);
  ck_assert_uint_eq(strlen(a), 32);
  ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 32);
  ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_untrusted)
{
  struct lc_buf out = LC_BUF_INIT;
  struct fixture fx;

  ck_assert_int_eq(lc_github_untrusted(&out, "::error::x\nlast", 15, "t0k"), 0);
  ck_assert_str_eq(out.buf, "::stop-commands::t0k\n::error::x\nlast\n"
                            "::t0k::\n");
  lc_buf_reset(&out);
  ck_assert_int_eq(lc_github_untrusted(&out, "a ::t0k:: b\n", 12, "t0k"), -1);
  ck_assert_str_eq(out.buf, "");

  three_checks(&fx);
  free(fx.res[0].stdout_tail);
  fx.res[0].stdout_tail = strdup("::warning::from the program\x1b[1m\n");
  lc_buf_addstr(&out, "before\n");
  ck_assert_int_eq(lc_report_github_output(&out, fx.res, fx.n, "TOK"), 0);
  ck_assert_str_eq(out.buf, "before\n"
                            "::group::closure-chain: program output\n"
                            "::stop-commands::TOK\n"
                            "--- stdout (last 64 KiB) ---\n"
                            "::warning::from the program\n"
                            "::TOK::\n"
                            "::endgroup::\n"
                            "::group::server: program output\n"
                            "::stop-commands::TOK\n"
                            "--- stdout (last 64 KiB) ---\n"
                            "listening\n"
                            "--- stderr (last 64 KiB) ---\n"
                            "Error: boom\n::error::injected\n"
                            "::TOK::\n"
                            "::endgroup::\n");
  /* A program that prints the token: nothing is appended. */
  free(fx.res[1].stderr_tail);
  fx.res[1].stderr_tail = strdup("::TOK::\n::error::escaped\n");
  lc_buf_reset(&out);
  lc_buf_addstr(&out, "before\n");
  ck_assert_int_eq(lc_report_github_output(&out, fx.res, fx.n, "TOK"), -1);
  ck_assert_str_eq(out.buf, "before\n");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

/* ---- CI-facing report variants ----------------------------------------- */

START_TEST(test_junit_jenkins_profile)
{
  struct fixture fx;
  struct lc_buf def = LC_BUF_INIT, jen = LC_BUF_INIT;

  three_checks(&fx);
  lc_report_junit(&def, &fx.cfg, fx.res, fx.n, LC_JUNIT_DEFAULT);
  lc_report_junit(&jen, &fx.cfg, fx.res, fx.n, LC_JUNIT_JENKINS);
  ck_assert_contains(def.buf, "<testsuites name=\"leakcheck\" tests=\"4\" "
                              "failures=\"1\" errors=\"1\" skipped=\"0\" "
                              "time=\"7.500\">\n");
  ck_assert_contains(jen.buf, "<testsuites name=\"leakcheck\" tests=\"4\" "
                              "failures=\"1\" errors=\"1\" "
                              "time=\"7.500\">\n");
  ck_assert_contains(def.buf, "<testcase classname=\"closure-chain\" "
                              "name=\"Function: max_growth 0\" "
                              "file=\"leakcheck.yml\" line=\"12\" "
                              "time=\"1.250\">");
  ck_assert_contains(jen.buf, "<testcase classname=\"closure-chain\" "
                              "name=\"Function: max_growth 0\" "
                              "time=\"1.250\">");
  ck_assert_uint_eq(lc_test_count(def.buf, " file=\""), 4);
  ck_assert_uint_eq(lc_test_count(jen.buf, " file=\""), 0);
  ck_assert_uint_eq(lc_test_count(jen.buf, " line=\""), 0);
  /* Suites keep their skipped count (junit-10.xsd allows it there) and the
   * failure text keeps its "at FILE:LINE:COL". */
  ck_assert_uint_eq(lc_test_count(jen.buf, "<testsuite name="), 3);
  ck_assert_uint_eq(lc_test_count(jen.buf, " skipped=\"0\""), 3);
  ck_assert_contains(jen.buf, "\nat leakcheck.yml:12:7\n</failure>");
  lc_buf_release(&def);
  lc_buf_release(&jen);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_brief)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  three_checks(&fx);
  lc_report_brief(&out, &fx.cfg, fx.res, fx.n, 0);
  ck_assert_str_eq(out.buf,
                   "FAIL   closure-chain: Function: max_growth 0 "
                   "(leakcheck.yml:12:7)\n"
                   "       Function grew by +3 objects (+192 B) over 4 "
                   "snapshots; limit max_growth 0\n"
                   "ERROR  server: node exited with status 1 after 2 of 5 "
                   "snapshots\n"
                   "PASS   clean\n"
                   "3 checks: 1 passed, 1 failed, 1 error\n");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("github");
  TCase *tc;

  tc = tcase_create("escape");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_escape, 0,
                      (int)(sizeof(esc_cases) / sizeof(esc_cases[0])));
  suite_add_tcase(s, tc);

  tc = tcase_create("display_path");
  tcase_set_timeout(tc, 10);
  tcase_add_checked_fixture(tc, ws_setup, ws_teardown);
  tcase_add_test(tc, test_display_path);
  suite_add_tcase(s, tc);

  tc = tcase_create("annotations");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_annotations_exact);
  tcase_add_test(tc, test_annotations_worst_first_and_capped);
  tcase_add_test(tc, test_annotation_message_capped);
  tcase_add_test(tc, test_error_annotation);
  suite_add_tcase(s, tc);

  tc = tcase_create("summary");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_summary_exact);
  tcase_add_test(tc, test_summary_escapes_markdown);
  tcase_add_test(tc, test_summary_small_budget);
  tcase_add_test(tc, test_summary_1mib_cap);
  tcase_add_test(tc, test_summary_long_block);
  suite_add_tcase(s, tc);

  tc = tcase_create("fencing");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_token);
  tcase_add_test(tc, test_untrusted);
  suite_add_tcase(s, tc);

  tc = tcase_create("report_variants");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_junit_jenkins_profile);
  tcase_add_test(tc, test_brief);
  suite_add_tcase(s, tc);
  return s;
}
