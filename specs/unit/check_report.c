/* Check suite for report.c: XML escaping, the JUnit document (checked by
 * xmllint too), the terminal report and atomic writes. */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "leakcheck/buf.h"
#include "report/report.h"
#include "testutil.h"

/* ---- lc_xml_escape ----------------------------------------------------- */

#define FFFD "\xef\xbf\xbd"

static const struct ecase {
  const char *in;
  size_t len; /* 0: strlen(in) */
  int attr;
  const char *want;
} ecases[] = {
    {"plain text", 0, 0, "plain text"},
    {"", 0, 1, ""},
    {"a&b<c>d\"e'f", 0, 0, "a&amp;b&lt;c&gt;d\"e'f"},
    {"a&b<c>d\"e'f", 0, 1, "a&amp;b&lt;c&gt;d&quot;e'f"},
    {"x]]>y", 0, 0, "x]]&gt;y"},
    {"a\tb\nc\rd", 0, 0, "a\tb\nc\rd"},
    {"a\tb\nc\rd", 0, 1, "a&#9;b&#10;c&#13;d"},
    {"\x1b[31mred\x1b[0m", 0, 0, "red"},
    {"\x1b[1;31mbold\x1b[m", 0, 1, "bold"},
    {"\x1b[38;5;196mX", 0, 0, "X"},
    {"a\x1b\x62", 0, 0, "a" FFFD "b"},      /* lone ESC */
    {"a\x1b[", 0, 0, "a" FFFD "["},         /* unterminated CSI */
    {"a\x1b[12\n", 0, 0, "a" FFFD "[12\n"}, /* broken CSI */
    {"a\0b", 3, 0, "a" FFFD "b"},           /* NUL */
    {"\x01\x08\x0b\x0c\x1f", 0, 0, FFFD FFFD FFFD FFFD FFFD},
    {"del\x7f", 0, 0, "del\x7f"}, /* XML allows DEL */
    {"\xff", 0, 0, FFFD},
    {"\xfe\xfe", 0, 0, FFFD FFFD},
    {"\x80", 0, 0, FFFD},                            /* stray continuation */
    {"\xc0\xaf", 0, 0, FFFD FFFD},                   /* overlong '/' */
    {"\xe0\x80\xaf", 0, 0, FFFD FFFD FFFD},          /* overlong, 3 bytes */
    {"\xed\xa0\x80", 0, 0, FFFD FFFD FFFD},          /* surrogate D800 */
    {"\xf4\x90\x80\x80", 0, 0, FFFD FFFD FFFD FFFD}, /* > U+10FFFF */
    {"\xef\xbf\xbe", 0, 0, FFFD},                    /* U+FFFE */
    {"\xef\xbf\xbf", 0, 1, FFFD},                    /* U+FFFF */
    {"\xe2\x82", 0, 0, FFFD},                        /* truncated at the end */
    {"\xe2\x82x", 0, 0, FFFD "x"}, /* truncated in the middle */
    {"\xf0\x9f\x98", 0, 0, FFFD},
    {"\xc2\x9b", 0, 0, "\xc2\x9b"}, /* C1: valid XML */
    {FFFD, 0, 0, FFFD},
    {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0, 1,
     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},       /* é€😀 */
    {"\xf4\x8f\xbf\xbf", 0, 0, "\xf4\x8f\xbf\xbf"}, /* U+10FFFF */
};

START_TEST(test_xml_escape)
{
  const struct ecase *tc = &ecases[_i];
  struct lc_buf out = LC_BUF_INIT;
  size_t len = tc->len ? tc->len : strlen(tc->in);

  lc_buf_addstr(&out, "<");
  lc_xml_escape(&out, tc->in, len, tc->attr);
  ck_assert_msg(strcmp(out.buf + 1, tc->want) == 0,
                "case %d: got '%s', want '%s'", _i, out.buf + 1, tc->want);
  ck_assert_uint_eq(out.len, strlen(out.buf));
  lc_buf_release(&out);
}
END_TEST

/* ---- a config and results made by hand --------------------------------- */

struct fixture {
  struct lc_config cfg;
  struct lc_check checks[3];
  struct lc_assert a0[2], a1[1];
  struct lc_check_result res[3];
};

static void
add_snapshots(struct lc_series *ser, size_t n)
{
  static const uint64_t fn_count[] = {10, 100, 101, 102, 103};
  static const uint64_t fn_size[] = {640, 6400, 6464, 6528, 6592};
  size_t k;
  for (k = 0; k < n; k++) {
    struct lc_summary_row rows[2] = {
        {(char *)",Function", (char *)"Function", fn_count[k], fn_size[k], 0,
         0},
        {(char *)",Object", (char *)"Object", 5, 80, 0, 0}};
    struct lc_summary sum = LC_SUMMARY_INIT;
    sum.rows = rows;
    sum.nrows = 2;
    lc_series_add(ser, &sum);
  }
}

static void
set_mark(struct lc_mark *m, unsigned long line, unsigned long col)
{
  m->line = line;
  m->col = col;
}

/* closure-chain FAILED (Function grows), server BROKEN, `quiet "<&>"`
 * PASSED without assertions. */
static void
fixture_init(struct fixture *fx)
{
  struct lc_err err = LC_ERR_INIT;
  struct lc_check *c;
  struct lc_check_result *r;
  struct lc_buf tail = LC_BUF_INIT;
  int i;

  memset(fx, 0, sizeof(*fx));
  fx->cfg.path = (char *)"leakcheck.yml";
  fx->cfg.checks = fx->checks;
  fx->cfg.nchecks = 3;

  c = &fx->checks[0];
  c->name = (char *)"closure-chain";
  c->script = (char *)"examples/leaks.js";
  c->snapshots = 5;
  c->warmup = 1;
  set_mark(&c->mark, 10, 5);
  c->asserts = fx->a0;
  c->nasserts = 2;
  ck_assert_int_eq(lc_pattern_compile(&fx->a0[0].ctor, "Function", &err), 0);
  fx->a0[0].label = (char *)"Function: max_growth 0";
  set_mark(&fx->a0[0].mark, 12, 7);
  fx->a0[0].has_max_growth = 1;
  fx->a0[1].label = (char *)"total: max_growth_bytes 2MB";
  set_mark(&fx->a0[1].mark, 14, 7);
  fx->a0[1].is_total = 1;
  fx->a0[1].has_max_growth_bytes = 1;
  fx->a0[1].max_growth_bytes = 2097152;

  c = &fx->checks[1];
  c->name = (char *)"server";
  c->script = (char *)"examples/server.js";
  c->snapshots = 5;
  c->warmup = 1;
  set_mark(&c->mark, 18, 5);
  c->asserts = fx->a1;
  c->nasserts = 1;
  fx->a1[0].label = (char *)"total: max_growth_bytes 2MB";
  set_mark(&fx->a1[0].mark, 20, 7);
  fx->a1[0].is_total = 1;
  fx->a1[0].has_max_growth_bytes = 1;
  fx->a1[0].max_growth_bytes = 2097152;

  c = &fx->checks[2];
  c->name = (char *)"quiet \"<&>\"";
  c->script = (char *)"a&b.js";
  c->snapshots = 3;
  c->warmup = 1;
  set_mark(&c->mark, 25, 5);

  r = &fx->res[0];
  r->check = &fx->checks[0];
  r->status = LC_CHECK_FAILED;
  r->started = 1714566600; /* 2024-05-01T12:30:00Z */
  r->seconds = 3.0;
  add_snapshots(&r->series, 5);
  r->series.warmup = 1;
  r->nresults = 2;
  ck_assert_uint_eq(lc_verdict_eval(r->check, &r->series, &r->results), 1);

  r = &fx->res[1];
  r->check = &fx->checks[1];
  r->status = LC_CHECK_BROKEN;
  r->started = 1714566603;
  r->seconds = 2.5;
  add_snapshots(&r->series, 2);
  r->series.warmup = 1;
  r->error = strdup("node exited with status 1 after 2 of 5 snapshots");
  r->stdout_tail = strdup("listening on 3000\n");
  for (i = 1; i <= 24; i++)
    lc_buf_addf(&tail, "line %d\n", i);
  lc_buf_addstr(&tail, "\x1b[31mError: boom\x1b[0m\r\n");
  r->stderr_tail = lc_buf_detach(&tail, NULL);

  r = &fx->res[2];
  r->check = &fx->checks[2];
  r->status = LC_CHECK_PASSED;
  r->started = 1714566606;
  r->seconds = 0.5;
  add_snapshots(&r->series, 3);
  r->series.warmup = 1;
}

static void
fixture_release(struct fixture *fx)
{
  size_t i;
  for (i = 0; i < 3; i++)
    lc_check_result_release(&fx->res[i]);
  lc_pattern_release(&fx->a0[0].ctor);
}

#define ck_assert_starts(s, prefix)                                            \
  ck_assert_msg(strncmp((s), (prefix), strlen(prefix)) == 0,                   \
                "does not start with:\n%s\n---- got:\n%s", (prefix), (s))

#define ck_assert_ends(s, suffix)                                              \
  ck_assert_msg(strlen(s) >= strlen(suffix) &&                                 \
                    strcmp((s) + strlen(s) - strlen(suffix), (suffix)) == 0,   \
                "does not end with:\n%s\n---- got:\n%s", (suffix), (s))

/* ---- JUnit ------------------------------------------------------------- */

/* lc_text_clean: what reaches a terminal, a table cell or GitHub text
 * (D2, D3). */
static const struct clean_case {
  const char *in;
  int keep_lf;
  const char *want;
} clean_cases[] = {
    {"Plain", 0, "Plain"},
    {"\x1b[31mRed\x1b[0m", 0, "Red"},
    /* OSC title: ESC ] ... BEL; the ESC and BEL become '?'. */
    {"A\x1b]0;pwned\x07" "B", 0, "A?]0;pwned?B"},
    {"a\rb\nc\td", 0, "a?b?c\td"},
    {"a\r\nb\nc\rd", 1, "a\nb\nc?d"},
    {"del\x7f", 0, "del?"},
    /* C1: U+009B (CSI), U+009D (OSC), U+0085 (NEL); U+00A0 is text. */
    {"\xc2\x9b"
     "2J\xc2\x9d"
     "0;t\xc2\x85\xc2\xa0",
     0, "?2J?0;t?\xc2\xa0"},
    /* Ill-formed UTF-8: one U+FFFD per maximal subpart. */
    {"\xff", 0, "\xef\xbf\xbd"},
    {"\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xe2\x82", 0, "\xef\xbf\xbd"},
    {"\xe2\x82\xac\xf0\x9f\x98\x80", 0, "\xe2\x82\xac\xf0\x9f\x98\x80"},
};

START_TEST(test_text_clean)
{
  const struct clean_case *c = &clean_cases[_i];
  struct lc_buf b = LC_BUF_INIT;
  lc_text_clean(&b, c->in, strlen(c->in), c->keep_lf);
  ck_assert_msg(strcmp(b.buf, c->want) == 0, "case %d: got '%s', want '%s'", _i,
                b.buf, c->want);
  lc_buf_release(&b);
}
END_TEST

START_TEST(test_junit_document)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  fixture_init(&fx);
  lc_report_junit(&out, &fx.cfg, fx.res, 3, LC_JUNIT_DEFAULT);

  ck_assert_starts(out.buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<testsuites name=\"leakcheck\" tests=\"4\" "
                            "failures=\"1\" errors=\"1\" skipped=\"0\" "
                            "time=\"6.000\">\n");
  ck_assert_ends(out.buf, "  </testsuite>\n</testsuites>\n");

  /* The failed check. */
  ck_assert_contains(out.buf,
                     "  <testsuite name=\"closure-chain\" tests=\"2\" "
                     "failures=\"1\" errors=\"0\" skipped=\"0\" "
                     "time=\"3.000\" timestamp=\"2024-05-01T12:30:00\" "
                     "hostname=\"");
  ck_assert_contains(out.buf,
                     "    <properties>\n"
                     "      <property name=\"snapshots\" value=\"5\"/>\n"
                     "      <property name=\"warmup\" value=\"1\"/>\n"
                     "      <property name=\"script\" "
                     "value=\"examples/leaks.js\"/>\n"
                     "    </properties>\n"
                     "    <testcase classname=\"closure-chain\" "
                     "name=\"Function: max_growth 0\" file=\"leakcheck.yml\" "
                     "line=\"12\" time=\"1.500\">\n"
                     "      <failure message=\"Function grew by +3 objects "
                     "(+192 B) over 4 snapshots; limit max_growth 0\" "
                     "type=\"leak\">Function grew by +3 objects (+192 B) "
                     "over 4 snapshots; limit max_growth 0\n"
                     "\n"
                     "Function: +3 objects (+192 B)\n"
                     "  counts: (10) 100 101 102 103\n"
                     "  sizes:  (640 B) 6.3 KB 6.3 KB 6.4 KB 6.4 KB\n"
                     "\n"
                     "at leakcheck.yml:12:7\n"
                     "</failure>\n"
                     "    </testcase>\n"
                     "    <testcase classname=\"closure-chain\" "
                     "name=\"total: max_growth_bytes 2MB\" "
                     "file=\"leakcheck.yml\" line=\"14\" time=\"1.500\"/>\n"
                     "  </testsuite>\n");

  /* The broken check: an error in every testcase, the tails in the suite,
   * no colour codes anywhere. */
  ck_assert_contains(out.buf,
                     "  <testsuite name=\"server\" tests=\"1\" "
                     "failures=\"0\" errors=\"1\" skipped=\"0\" "
                     "time=\"2.500\" timestamp=\"2024-05-01T12:30:03\" ");
  ck_assert_contains(out.buf,
                     "    <testcase classname=\"server\" "
                     "name=\"total: max_growth_bytes 2MB\" "
                     "file=\"leakcheck.yml\" line=\"20\" time=\"2.500\">\n"
                     "      <error message=\"node exited with status 1 "
                     "after 2 of 5 snapshots\" type=\"program-error\">node "
                     "exited with status 1 after 2 of 5 snapshots\n"
                     "\n"
                     "last lines of stderr:\n"
                     "line 6\n");
  ck_assert_contains(out.buf, "line 24\nError: boom\n</error>\n"
                              "    </testcase>\n"
                              "    <system-out>listening on 3000\n"
                              "</system-out>\n"
                              "    <system-err>line 1\nline 2\n");
  ck_assert_contains(out.buf, "line 24\nError: boom\r\n</system-err>\n"
                              "  </testsuite>\n");
  ck_assert_ptr_null(strstr(out.buf, "line 5\nline 6\n</error>"));
  ck_assert_ptr_null(strchr(out.buf, '\x1b'));

  /* The passed check without assertions still has one testcase. */
  ck_assert_contains(out.buf,
                     "  <testsuite name=\"quiet &quot;&lt;&amp;&gt;&quot;\" "
                     "tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
                     "time=\"0.500\" timestamp=\"2024-05-01T12:30:06\" ");
  ck_assert_contains(out.buf,
                     "      <property name=\"script\" value=\"a&amp;b.js\"/>\n"
                     "    </properties>\n"
                     "    <testcase classname=\"quiet &quot;&lt;&amp;&gt;"
                     "&quot;\" name=\"run\" file=\"leakcheck.yml\" "
                     "line=\"25\" time=\"0.500\"/>\n"
                     "  </testsuite>\n");

  /* Counts agree with the elements. */
  ck_assert_uint_eq(lc_test_count(out.buf, "<testsuites "), 1);
  ck_assert_uint_eq(lc_test_count(out.buf, "<testsuite "), 3);
  ck_assert_uint_eq(lc_test_count(out.buf, "<testcase "), 4);
  ck_assert_uint_eq(lc_test_count(out.buf, "<failure "), 1);
  ck_assert_uint_eq(lc_test_count(out.buf, "<error "), 1);
  ck_assert_uint_eq(lc_test_count(out.buf, "<skipped"), 0);
  ck_assert_uint_eq(lc_test_count(out.buf, "<system-err>"), 1);

  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_junit_skipped)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  fixture_init(&fx);
  lc_verdict_free(fx.res[0].results, fx.res[0].nresults);
  fx.res[0].results = NULL;
  fx.res[0].nresults = 0;
  fx.res[0].status = LC_CHECK_SKIPPED;
  fx.res[0].seconds = 0;
  lc_report_junit(&out, NULL, fx.res, 1, LC_JUNIT_DEFAULT);
  ck_assert_contains(out.buf, "<testsuites name=\"leakcheck\" tests=\"2\" "
                              "failures=\"0\" errors=\"0\" skipped=\"2\" "
                              "time=\"0.000\">\n");
  ck_assert_contains(out.buf,
                     "    <testcase classname=\"closure-chain\" "
                     "name=\"Function: max_growth 0\" time=\"0.000\">\n"
                     "      <skipped message=\"not run\"/>\n"
                     "    </testcase>\n");
  ck_assert_uint_eq(lc_test_count(out.buf, "<skipped message=\"not run\"/>"), 2);
  ck_assert_ptr_null(strstr(out.buf, " file="));
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

START_TEST(test_junit_xmllint)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *dir, *path, *cmd;

  if (system("command -v xmllint >/dev/null 2>&1") != 0) {
    fprintf(stderr, "check_report: xmllint not found (install "
                    "libxml2-utils); XML validity not checked\n");
    return;
  }
  fixture_init(&fx);
  /* Hostile text everywhere a program or heap can put it. */
  free(fx.res[1].stdout_tail);
  fx.res[1].stdout_tail = strdup("nul\x01 esc\x1b[0m bad\xff\xc0\xaf "
                                 "sur\xed\xa0\x80 ]]> <x/> &amp; \xef\xbf\xbe");
  lc_report_junit(&out, &fx.cfg, fx.res, 3, LC_JUNIT_DEFAULT);
  dir = lc_test_tmpdir(NULL, "report");
  path = lc_xasprintf("%s/junit.xml", dir);
  ck_assert_int_eq(lc_write_file_atomic(path, out.buf, out.len, &err), 0);
  cmd = lc_xasprintf("xmllint --noout '%s'", path);
  ck_assert_msg(system(cmd) == 0, "xmllint rejected:\n%s", out.buf);
  free(cmd);
  free(path);
  lc_test_rmtree(dir);
  free(dir);
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

/* ---- terminal ---------------------------------------------------------- */

START_TEST(test_text_report)
{
  struct fixture fx;
  struct lc_buf out = LC_BUF_INIT;

  fixture_init(&fx);
  lc_report_text(&out, &fx.cfg, fx.res, 3, 0);
  ck_assert_contains(out.buf,
                     "FAIL   closure-chain  (5 snapshots, warmup 1, 3.0s)\n"
                     "  FAIL  Function: max_growth 0  (Function grew by +3 "
                     "objects (+192 B) over 4 snapshots; limit "
                     "max_growth 0)\n"
                     "        at leakcheck.yml:12:7\n"
                     "        Function: +3 objects (+192 B)\n"
                     "          counts: (10) 100 101 102 103\n"
                     "          sizes:  (640 B) 6.3 KB 6.3 KB 6.4 KB "
                     "6.4 KB\n"
                     "  PASS  total: max_growth_bytes 2MB  (held: total "
                     "growth +3 objects (+192 B) over 4 snapshots)\n");
  ck_assert_contains(out.buf,
                     "ERROR  server  (2 of 5 snapshots, warmup 1, 2.5s)\n"
                     "  error: node exited with status 1 after 2 of 5 "
                     "snapshots\n"
                     "  | line 6\n");
  ck_assert_contains(out.buf, "  | line 24\n  | Error: boom\n"
                              "PASS   quiet \"<&>\"  (3 snapshots, warmup 1, "
                              "0.5s)\n");
  ck_assert_ptr_null(strstr(out.buf, "| line 5\n"));
  ck_assert_ends(out.buf, "\n3 checks: 1 passed, 1 failed, 1 error\n");
  ck_assert_ptr_null(strchr(out.buf, '\x1b'));
  ck_assert_ptr_null(strchr(out.buf, '\r'));
  lc_buf_release(&out);

  lc_report_text(&out, &fx.cfg, fx.res, 3, 1);
  ck_assert_contains(out.buf, "\x1b[31mFAIL\x1b[0m   closure-chain  (");
  ck_assert_contains(out.buf, "  \x1b[32mPASS\x1b[0m  total: ");
  ck_assert_contains(out.buf, "\x1b[31mERROR\x1b[0m  server  (");
  /* The program's own colour codes are still dropped. */
  ck_assert_contains(out.buf, "  | Error: boom\n");
  lc_buf_release(&out);
  fixture_release(&fx);
}
END_TEST

/* Twelve growing classes: ten tables, then a count of the rest. */
START_TEST(test_text_findings_capped)
{
  struct lc_series ser = LC_SERIES_INIT;
  struct lc_pattern p;
  struct lc_assert a;
  struct lc_check check;
  struct lc_check_result r;
  struct lc_buf out = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t k, i;

  for (k = 0; k < 2; k++) {
    struct lc_summary_row rows[12];
    struct lc_summary sum = LC_SUMMARY_INIT;
    for (i = 0; i < 12; i++) {
      rows[i].key = lc_xasprintf(",C%02zu", i);
      rows[i].name = rows[i].key + 1;
      rows[i].count = k * (i + 1);
      rows[i].self_size = k * (i + 1) * 16;
    }
    sum.rows = rows;
    sum.nrows = 12;
    lc_series_add(&ser, &sum);
    for (i = 0; i < 12; i++)
      free(rows[i].key);
  }
  memset(&a, 0, sizeof(a));
  memset(&check, 0, sizeof(check));
  memset(&r, 0, sizeof(r));
  ck_assert_int_eq(lc_pattern_compile(&p, "C*", &err), 0);
  a.ctor = p;
  a.label = (char *)"C*: max_growth 0";
  a.has_max_growth = 1;
  check.name = (char *)"many";
  check.snapshots = 2;
  check.asserts = &a;
  check.nasserts = 1;
  r.check = &check;
  r.status = LC_CHECK_FAILED;
  r.series = ser;
  r.nresults = 1;
  ck_assert_uint_eq(lc_verdict_eval(&check, &r.series, &r.results), 1);
  lc_report_text(&out, NULL, &r, 1, 0);
  ck_assert_contains(out.buf, "(C11 grew by +12 objects (+192 B) over 2 "
                              "snapshots; limit max_growth 0 (and 11 more "
                              "constructors))\n"
                              "        C11: +12 objects (+192 B)\n"
                              "          counts: 0 12\n"
                              "          sizes:  0 B 192 B\n");
  ck_assert_contains(out.buf, "        C02: +3 objects (+48 B)\n"
                              "          counts: 0 3\n"
                              "          sizes:  0 B 48 B\n"
                              "        ... and 2 more\n"
                              "1 check: 0 passed, 1 failed, 0 errors\n");
  ck_assert_ptr_null(strstr(out.buf, "C01:"));
  ck_assert_ptr_null(strstr(out.buf, " at "));
  lc_buf_release(&out);
  lc_check_result_release(&r);
  lc_pattern_release(&a.ctor);
}
END_TEST

/* ---- atomic writes ----------------------------------------------------- */

START_TEST(test_write_atomic_replaces)
{
  struct lc_err err = LC_ERR_INIT;
  char *dir = lc_test_tmpdir(NULL, "report");
  char *path = lc_xasprintf("%s/out.xml", dir);
  char *got;
  struct stat st;
  FILE *f = fopen(path, "w");

  ck_assert_ptr_nonnull(f);
  fputs("old content that is longer than the new one\n", f);
  fclose(f);
  ck_assert_int_eq(lc_write_file_atomic(path, "new\n", 4, &err), 0);
  ck_assert_int_eq(err.code, LC_OK);
  got = lc_test_read(path);
  ck_assert_str_eq(got, "new\n");
  free(got);
  ck_assert_uint_eq(lc_test_dir_entries(dir), 1); /* no temporary file left */
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq(st.st_mode & 07777, 0644);

  /* Empty content is a valid write too. */
  ck_assert_int_eq(lc_write_file_atomic(path, "", 0, &err), 0);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_size, 0);
  ck_assert_uint_eq(lc_test_dir_entries(dir), 1);

  free(path);
  lc_test_rmtree(dir);
  free(dir);
}
END_TEST

START_TEST(test_write_atomic_fails_cleanly)
{
  struct lc_err err = LC_ERR_INIT;
  char *dir = lc_test_tmpdir(NULL, "report");
  char *missing = lc_xasprintf("%s/no/such/dir/out.xml", dir);
  char *sub = lc_xasprintf("%s/sub", dir);

  /* The directory does not exist: mkstemp fails. */
  ck_assert_int_eq(lc_write_file_atomic(missing, "x", 1, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_str_eq(err.path, missing);
  ck_assert_ptr_nonnull(strstr(err.msg, "cannot create temporary file"));
  lc_err_release(&err);

  /* The target is a directory: rename fails after the write; the
   * temporary file is removed. */
  ck_assert_int_eq(mkdir(sub, 0755), 0);
  ck_assert_int_eq(lc_write_file_atomic(sub, "x", 1, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_str_eq(err.path, sub);
  ck_assert_ptr_nonnull(strstr(err.msg, "cannot rename temporary file"));
  ck_assert_uint_eq(lc_test_dir_entries(dir), 1);
  ck_assert_uint_eq(lc_test_dir_entries(sub), 0);
  lc_err_release(&err);

  free(missing);
  free(sub);
  lc_test_rmtree(dir);
  free(dir);
}
END_TEST

/* JSON strings: escapes, and valid UTF-8 whatever the input. */
static const struct {
  const char *in, *out;
} json_cases[] = {
    {"plain", "\"plain\""},
    {"q\"b\\\n\t\x01", "\"q\\\"b\\\\\\n\\t\\u0001\""},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
     "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
    /* A lone surrogate (as a snapshot's \uD800 decodes), a stray
     * continuation byte, a truncated sequence at the end. */
    {"a\xed\xa0\x80" "b", "\"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b\""},
    {"\x80x", "\"\xef\xbf\xbdx\""},
    {"x\xe2\x82", "\"x\xef\xbf\xbd\""},
};

START_TEST(test_json_string)
{
  struct lc_buf b = LC_BUF_INIT;
  lc_buf_add_json_string(&b, json_cases[_i].in);
  ck_assert_str_eq(b.buf, json_cases[_i].out);
  lc_buf_release(&b);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("report");
  TCase *tc;

  tc = tcase_create("xml_escape");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_xml_escape, 0,
                      (int)(sizeof(ecases) / sizeof(ecases[0])));
  suite_add_tcase(s, tc);

  tc = tcase_create("text_clean");
  tcase_add_loop_test(tc, test_text_clean, 0,
                      (int)(sizeof(clean_cases) / sizeof(clean_cases[0])));
  suite_add_tcase(s, tc);

  tc = tcase_create("json_string");
  tcase_add_loop_test(tc, test_json_string, 0,
                      (int)(sizeof(json_cases) / sizeof(json_cases[0])));
  suite_add_tcase(s, tc);

  tc = tcase_create("junit");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_junit_document);
  tcase_add_test(tc, test_junit_skipped);
  tcase_add_test(tc, test_junit_xmllint);
  suite_add_tcase(s, tc);

  tc = tcase_create("text");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_text_report);
  tcase_add_test(tc, test_text_findings_capped);
  suite_add_tcase(s, tc);

  tc = tcase_create("write_atomic");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_write_atomic_replaces);
  tcase_add_test(tc, test_write_atomic_fails_cleanly);
  suite_add_tcase(s, tc);
  return s;
}
