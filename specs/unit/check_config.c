/*
 * Check suite of the config module: leakcheck.yml parsing and validation,
 * units, and the constructor patterns it compiles.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/pattern.h"
#include "leakcheck/buf.h"
#include "testutil.h"

#define CFG_PATH "conf/leakcheck.yml"

/* ------------------------------------------------------------------------ */
/* Units                                                                     */

struct unit_case {
  const char *text;
  int rc;
  uint64_t value;
};

static const struct unit_case size_cases[] = {
    {"0", 0, 0},
    {"512", 0, 512},
    {"1B", 0, 1},
    {"1KB", 0, 1024},
    {"2MB", 0, 2097152},
    {"3GB", 0, 3221225472ULL},
    {"1 KB", 0, 1024},
    {"4K", 0, 4096},
    {"5M", 0, 5242880},
    {"1G", 0, 1073741824},
    {"17179869183G", 0, 18446744072635809792ULL},
    {"18446744073709551615", 0, 18446744073709551615ULL},
    {"18446744073709551616", -1, 0},
    {"17179869184G", -1, 0},
    {"", -1, 0},
    {"KB", -1, 0},
    {"1kb", -1, 0},
    {"1 k", -1, 0},
    {"1TB", -1, 0},
    {"1 ", -1, 0},
    {" 1", -1, 0},
    {"1  KB", -1, 0},
    {"1.5MB", -1, 0},
    {"-1", -1, 0},
    {"+1", -1, 0},
    {"1KB ", -1, 0},
};

START_TEST(test_size)
{
  const struct unit_case *c = &size_cases[_i];
  uint64_t v = 12345;
  ck_assert_msg(lc_parse_size(c->text, &v) == c->rc, "size '%s'", c->text);
  if (c->rc == 0)
    ck_assert_msg(v == c->value, "size '%s' gave %llu", c->text,
                  (unsigned long long)v);
  else
    ck_assert_msg(v == 12345, "size '%s' changed the output", c->text);
}
END_TEST

static const struct unit_case duration_cases[] = {
    {"500ms", 0, 500},
    {"2s", 0, 2000},
    {"1m", 0, 60000},
    {"0ms", 0, 0},
    {"1 s", 0, 1000},
    {"90s", 0, 90000},
    {"18446744073709551615ms", 0, 18446744073709551615ULL},
    {"18446744073709551615s", -1, 0},
    {"307445734561825861m", -1, 0},
    {"60", -1, 0},
    {"1h", -1, 0},
    {"1S", -1, 0},
    {"1MS", -1, 0},
    {"ms", -1, 0},
    {"1.5s", -1, 0},
    {"", -1, 0},
    {"1ms ", -1, 0},
    {"-1s", -1, 0},
};

START_TEST(test_duration)
{
  const struct unit_case *c = &duration_cases[_i];
  uint64_t v = 12345;
  ck_assert_msg(lc_parse_duration_ms(c->text, &v) == c->rc, "duration '%s'",
                c->text);
  if (c->rc == 0)
    ck_assert_msg(v == c->value, "duration '%s' gave %llu", c->text,
                  (unsigned long long)v);
  else
    ck_assert_msg(v == 12345, "duration '%s' changed the output", c->text);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Patterns                                                                  */

struct pattern_case {
  const char *pattern;
  enum lc_pattern_kind kind;
  const char *text; /* as stored */
  const char *name;
  int match;
};

static const struct pattern_case pattern_cases[] = {
    {"Function", LC_PAT_EXACT, "Function", "Function", 1},
    {"Function", LC_PAT_EXACT, "Function", "Functions", 0},
    {"Function", LC_PAT_EXACT, "Function", "function", 0},
    {"Function", LC_PAT_EXACT, "Function", "(closure)", 1},
    {"(closure)", LC_PAT_EXACT, "Function", "Function", 1},
    {"(closure)", LC_PAT_EXACT, "Function", "(closure)", 1},
    {"(regexp)", LC_PAT_EXACT, "RegExp", "RegExp", 1},
    {"RegExp", LC_PAT_EXACT, "RegExp", "(regexp)", 1},
    {"(system)", LC_PAT_EXACT, "(system)", "(system)", 1},
    {"{a, b}", LC_PAT_EXACT, "{a, b}", "{a, b}", 1},
    {"Leak*", LC_PAT_GLOB, "Leak*", "LeakyThing", 1},
    {"Leak*", LC_PAT_GLOB, "Leak*", "Leak", 1},
    {"Leak*", LC_PAT_GLOB, "Leak*", "MyLeak", 0},
    {"?oo", LC_PAT_GLOB, "?oo", "Foo", 1},
    {"?oo", LC_PAT_GLOB, "?oo", "Fooo", 0},
    {"[AB]x", LC_PAT_GLOB, "[AB]x", "Bx", 1},
    {"[AB]x", LC_PAT_GLOB, "[AB]x", "Cx", 0},
    {"*", LC_PAT_GLOB, "*", "anything at all", 1},
    {"*", LC_PAT_GLOB, "*", "", 1},
    {"*", LC_PAT_GLOB, "*", "(closure)", 1},
    {"/^Intl\\./", LC_PAT_REGEX, "/^Intl\\./", "Intl.Collator", 1},
    {"/^Intl\\./", LC_PAT_REGEX, "/^Intl\\./", "XIntl.Collator", 0},
    {"/^Intl\\./", LC_PAT_REGEX, "/^Intl\\./", "IntlXCollator", 0},
    {"/Leak/", LC_PAT_REGEX, "/Leak/", "MyLeakThing", 1},
    {"/^(Map|Set)$/", LC_PAT_REGEX, "/^(Map|Set)$/", "Set", 1},
    {"/^(Map|Set)$/", LC_PAT_REGEX, "/^(Map|Set)$/", "WeakSet", 0},
    {"/", LC_PAT_EXACT, "/", "/", 1},
    {"/(((a+)+)+)+$/", LC_PAT_REGEX, "/(((a+)+)+)+$/", "Baaa", 1},
    {"/[]|)(]x{1,3}/", LC_PAT_REGEX, "/[]|)(]x{1,3}/", "A)xx", 1},
    {"/a{,2}/", LC_PAT_REGEX, "/a{,2}/", "b", 1},
    /* At the limit of 32 repetitions. */
    {"/^a********************************b/", LC_PAT_REGEX,
     "/^a********************************b/", "aaab", 1},
    {"/^(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|"
     "b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)$/",
     LC_PAT_REGEX,
     "/^(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|"
     "b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)$/",
     "abab", 1},
};

START_TEST(test_pattern)
{
  const struct pattern_case *c = &pattern_cases[_i];
  struct lc_pattern p;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_pattern_compile(&p, c->pattern, &err), 0);
  ck_assert_int_eq(err.code, LC_OK);
  ck_assert_int_eq(p.kind, c->kind);
  ck_assert_str_eq(p.text, c->text);
  ck_assert_int_eq(p.compiled, c->kind == LC_PAT_REGEX);
  ck_assert_msg(!!lc_pattern_match(&p, c->name) == c->match,
                "'%s' on '%s' should give %d", c->pattern, c->name, c->match);
  lc_pattern_release(&p);
  ck_assert_ptr_null(p.text);
  ck_assert_int_eq(p.compiled, 0);
}
END_TEST

struct pattern_error {
  const char *pattern;
  const char *msg;
};

static const struct pattern_error pattern_errors[] = {
    {"/(/", "invalid regular expression '/(/': Unmatched ( or \\("},
    {"/a{1/", "invalid regular expression '/a{1/': Unmatched \\{"},
    {"/[a/",
     "invalid regular expression '/[a/': Unmatched [, [^, [:, [., or [="},
    {"//", "invalid regular expression '//': empty pattern"},
    /* glibc's regcomp would take exponential time and memory on these. */
    {"/^In++++++++++++++++++++++++++tl/",
     "invalid regular expression '/^In++++++++++++++++++++++++++tl/': too "
     "complex (repetitions expand too far)"},
    {"/((a{99}){99}){99}/",
     "invalid regular expression '/((a{99}){99}){99}/': too complex "
     "(repetitions expand too far)"},
    {"/(a{,99}){,99}/",
     "invalid regular expression '/(a{,99}){,99}/': too complex (repetitions "
     "expand too far)"},
    {"/(a|b){600}/",
     "invalid regular expression '/(a|b){600}/': too complex (repetitions "
     "expand too far)"},
    {"/(a)\\1/",
     "invalid regular expression '/(a)\\1/': back-references are not "
     "supported"},
    /* Found by fuzzing: regcomp's closure of empty matches takes seconds
     * on `^a` and 80 stars, hours on hundreds. */
    {"/^a*********************************/",
     "invalid regular expression '/^a*********************************/': "
     "too many repetitions (*, +, ?, {}): at most 32"},
    {"/^(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|"
     "b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a?|b)/",
     "invalid regular expression '/^(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|"
     "b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|b*)(a*|"
     "b*)(a?|b)/': too many repetitions (*, +, ?, {}): at most 32"},
};

START_TEST(test_pattern_error)
{
  const struct pattern_error *c = &pattern_errors[_i];
  struct lc_pattern p;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_pattern_compile(&p, c->pattern, &err), -1);
  ck_assert_int_eq(err.code, LC_ECONFIG);
  ck_assert_str_eq(err.msg, c->msg);
  ck_assert_ptr_null(err.path);
  ck_assert_uint_eq(err.line, 0);
  ck_assert_ptr_null(p.text);
  ck_assert_int_eq(p.compiled, 0);
  lc_pattern_release(&p);
  lc_err_release(&err);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* A valid configuration, every field                                        */

static const char full_yml[] =
    "# a comment first\n"                                          /* 1 */
    "version: 1\n"                                                 /* 2 */
    "junit: out/leakcheck-junit.xml\n"                             /* 3 */
    "checks:\n"                                                    /* 4 */
    "  - name: closure-chain\n"                                    /* 5 */
    "    script: examples/leaks.js\n"                              /* 6 */
    "    node: /usr/bin/node\n"                                    /* 7 */
    "    node_args: [\"--max-old-space-size=256\", --expose-gc]\n" /* 8 */
    "    args: [one, \"two words\", 3]\n"                          /* 9 */
    "    env: { FOO: bar, EMPTY: \"\", _X1: 42 }\n"                /* 10 */
    "    timeout: 90s\n"                                           /* 11 */
    "    drive: { every: 250ms }\n"                                /* 12 */
    "    snapshots: 6\n"                                           /* 13 */
    "    warmup: 2\n"                                              /* 14 */
    "    ignore: [\"/^Intl\\\\./\", \"(system)*\", (regexp)]\n"    /* 15 */
    "    assert:\n"                                                /* 16 */
    "      - constructor: Function\n"                              /* 17 */
    "        max_growth: 0\n"                                      /* 18 */
    "      - constructor: \"*\"\n"                                 /* 19 */
    "        steady_growth: forbid\n"                              /* 20 */
    "      - total: true\n"                                        /* 21 */
    "        max_growth_bytes: 2MB\n"                              /* 22 */
    "        max_bytes: 64 MB\n"                                   /* 23 */
    "      - max_count: 10\n"                                      /* 24 */
    "        constructor: Leak*\n"                                 /* 25 */
    "        max_growth: 7\n"                                      /* 26 */
    "      - constructor: Function\n"                              /* 27 */
    "        max_growth: 0\n"                                      /* 28 */
    "      - constructor: /^Big/\n"                                /* 29 */
    "        max_bytes: 1024\n"                                    /* 30 */
    "  - name: plain.v2\n"                                         /* 31 */
    "    script: /abs/plain.js\n";                                 /* 32 */

START_TEST(test_full)
{
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_check *c;
  const struct lc_assert *a;

  ck_assert_int_eq(
      lc_config_parse(&cfg, CFG_PATH, full_yml, strlen(full_yml), &err), 0);
  ck_assert_int_eq(err.code, LC_OK);
  ck_assert_str_eq(cfg.path, CFG_PATH);
  ck_assert_str_eq(cfg.dir, "conf");
  ck_assert_str_eq(cfg.junit, "conf/out/leakcheck-junit.xml");
  ck_assert_uint_eq(cfg.nchecks, 2);

  c = &cfg.checks[0];
  ck_assert_str_eq(c->name, "closure-chain");
  ck_assert_uint_eq(c->mark.line, 5);
  ck_assert_uint_eq(c->mark.col, 5);
  ck_assert_str_eq(c->script, "examples/leaks.js");
  ck_assert_str_eq(c->script_path, "conf/examples/leaks.js");
  ck_assert_uint_eq(c->script_mark.line, 6);
  ck_assert_uint_eq(c->script_mark.col, 13);
  ck_assert_str_eq(c->node, "/usr/bin/node");
  ck_assert_str_eq(c->cwd, "conf");
  ck_assert_uint_eq(c->nnode_args, 2);
  ck_assert_str_eq(c->node_args[0], "--max-old-space-size=256");
  ck_assert_str_eq(c->node_args[1], "--expose-gc");
  ck_assert_ptr_null(c->node_args[2]);
  ck_assert_uint_eq(c->nargs, 3);
  ck_assert_str_eq(c->args[0], "one");
  ck_assert_str_eq(c->args[1], "two words");
  ck_assert_str_eq(c->args[2], "3");
  ck_assert_ptr_null(c->args[3]);
  ck_assert_uint_eq(c->nenv, 3);
  ck_assert_str_eq(c->env[0], "FOO=bar");
  ck_assert_str_eq(c->env[1], "EMPTY=");
  ck_assert_str_eq(c->env[2], "_X1=42");
  ck_assert_ptr_null(c->env[3]);
  ck_assert_uint_eq(c->timeout_ms, 90000);
  ck_assert_int_eq(c->drive, LC_DRIVE_EVERY);
  ck_assert_uint_eq(c->every_ms, 250);
  ck_assert_uint_eq(c->snapshots, 6);
  ck_assert_uint_eq(c->warmup, 2);

  ck_assert_uint_eq(c->nignore, 3);
  ck_assert_int_eq(c->ignore[0].kind, LC_PAT_REGEX);
  ck_assert_str_eq(c->ignore[0].text, "/^Intl\\./");
  ck_assert(lc_pattern_match(&c->ignore[0], "Intl.Locale"));
  ck_assert_int_eq(c->ignore[1].kind, LC_PAT_GLOB);
  ck_assert(lc_pattern_match(&c->ignore[1], "(system) / Map"));
  ck_assert_int_eq(c->ignore[2].kind, LC_PAT_EXACT);
  ck_assert_str_eq(c->ignore[2].text, "RegExp");

  ck_assert_uint_eq(c->nasserts, 6);
  a = &c->asserts[0];
  ck_assert_uint_eq(a->mark.line, 17);
  ck_assert_uint_eq(a->mark.col, 9);
  ck_assert_int_eq(a->is_total, 0);
  ck_assert_int_eq(a->is_default, 0);
  ck_assert_int_eq(a->ctor.kind, LC_PAT_EXACT);
  ck_assert_str_eq(a->ctor.text, "Function");
  ck_assert_int_eq(a->has_max_growth, 1);
  ck_assert_int_eq(a->max_growth, 0);
  ck_assert_uint_eq(a->max_growth_mark.line, 18);
  ck_assert_uint_eq(a->max_growth_mark.col, 21);
  ck_assert_int_eq(a->has_max_growth_bytes, 0);
  ck_assert_int_eq(a->has_max_count, 0);
  ck_assert_int_eq(a->has_max_bytes, 0);
  ck_assert_int_eq(a->steady_growth_forbid, 0);
  ck_assert_str_eq(a->label, "Function: max_growth 0");

  a = &c->asserts[1];
  ck_assert_uint_eq(a->mark.line, 19);
  ck_assert_int_eq(a->ctor.kind, LC_PAT_GLOB);
  ck_assert_str_eq(a->ctor.text, "*");
  ck_assert_int_eq(a->steady_growth_forbid, 1);
  ck_assert_uint_eq(a->steady_growth_mark.line, 20);
  ck_assert_uint_eq(a->steady_growth_mark.col, 24);
  ck_assert_int_eq(a->has_max_growth, 0);
  ck_assert_str_eq(a->label, "*: steady_growth forbid");

  a = &c->asserts[2];
  ck_assert_uint_eq(a->mark.line, 21);
  ck_assert_uint_eq(a->mark.col, 9);
  ck_assert_int_eq(a->is_total, 1);
  ck_assert_ptr_null(a->ctor.text);
  ck_assert_int_eq(a->has_max_growth_bytes, 1);
  ck_assert_int_eq(a->max_growth_bytes, 2097152);
  ck_assert_uint_eq(a->max_growth_bytes_mark.line, 22);
  ck_assert_uint_eq(a->max_growth_bytes_mark.col, 27);
  ck_assert_int_eq(a->has_max_bytes, 1);
  ck_assert_int_eq(a->max_bytes, 67108864);
  ck_assert_uint_eq(a->max_bytes_mark.line, 23);
  ck_assert_uint_eq(a->max_bytes_mark.col, 20);
  ck_assert_str_eq(a->label, "total: max_growth_bytes 2MB, max_bytes 64 MB");

  a = &c->asserts[3];
  ck_assert_uint_eq(a->mark.line, 24);
  ck_assert_int_eq(a->has_max_count, 1);
  ck_assert_int_eq(a->max_count, 10);
  ck_assert_uint_eq(a->max_count_mark.line, 24);
  ck_assert_uint_eq(a->max_count_mark.col, 20);
  ck_assert_int_eq(a->max_growth, 7);
  ck_assert_uint_eq(a->max_growth_mark.line, 26);
  ck_assert_str_eq(a->label, "Leak*: max_growth 7, max_count 10");

  a = &c->asserts[4];
  ck_assert_str_eq(a->label, "Function: max_growth 0 #2");
  a = &c->asserts[5];
  ck_assert_int_eq(a->ctor.kind, LC_PAT_REGEX);
  ck_assert_int_eq(a->max_bytes, 1024);
  ck_assert_str_eq(a->label, "/^Big/: max_bytes 1024");

  c = &cfg.checks[1];
  ck_assert_str_eq(c->name, "plain.v2");
  ck_assert_uint_eq(c->mark.line, 31);
  ck_assert_str_eq(c->script_path, "/abs/plain.js");
  ck_assert_ptr_eq(lc_config_find(&cfg, "plain.v2"), c);
  ck_assert_ptr_eq(lc_config_find(&cfg, "closure-chain"), &cfg.checks[0]);
  ck_assert_ptr_null(lc_config_find(&cfg, "plain"));

  lc_config_release(&cfg);
  ck_assert_ptr_null(cfg.checks);
  ck_assert_uint_eq(cfg.nchecks, 0);
  ck_assert_ptr_null(cfg.path);
}
END_TEST

START_TEST(test_defaults)
{
  static const char yml[] = "version: 1\n"
                            "checks:\n"
                            "- name: a\n"
                            "  script: a.js\n"
                            "  assert: []\n";
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_check *c;
  const struct lc_assert *a;

  ck_assert_int_eq(
      lc_config_parse(&cfg, "leakcheck.yml", yml, strlen(yml), &err), 0);
  ck_assert_str_eq(cfg.dir, ".");
  ck_assert_ptr_null(cfg.junit);
  c = &cfg.checks[0];
  ck_assert_uint_eq(c->mark.line, 3);
  ck_assert_uint_eq(c->mark.col, 3);
  ck_assert_str_eq(c->script_path, "./a.js");
  ck_assert_str_eq(c->cwd, ".");
  ck_assert_ptr_null(c->node);
  ck_assert_uint_eq(c->nargs, 0);
  ck_assert_ptr_nonnull(c->args);
  ck_assert_ptr_null(c->args[0]);
  ck_assert_uint_eq(c->nnode_args, 0);
  ck_assert_ptr_null(c->node_args[0]);
  ck_assert_uint_eq(c->nenv, 0);
  ck_assert_ptr_null(c->env[0]);
  ck_assert_uint_eq(c->timeout_ms, 60000);
  ck_assert_uint_eq(c->every_ms, 500);
  ck_assert_uint_eq(c->snapshots, 5);
  ck_assert_uint_eq(c->warmup, 1);
  ck_assert_uint_eq(c->confirm_snapshots, LC_CONFIRM_SNAPSHOTS);
  ck_assert_uint_eq(c->confirm_timeout_ms, LC_CONFIRM_TIMEOUT_MS);
  ck_assert_uint_eq(c->nignore, 0);
  ck_assert_uint_eq(c->nasserts, 1);
  a = &c->asserts[0];
  ck_assert_int_eq(a->is_default, 1);
  ck_assert_int_eq(a->is_total, 0);
  ck_assert_str_eq(a->ctor.text, "*");
  ck_assert(lc_pattern_match(&a->ctor, "Anything"));
  ck_assert_int_eq(a->steady_growth_forbid, 1);
  ck_assert_int_eq(a->has_max_growth, 0);
  ck_assert_uint_eq(a->mark.line, 3);
  ck_assert_uint_eq(a->mark.col, 3);
  ck_assert_str_eq(a->label,
                   "default: every constructor, steady_growth forbid");
  lc_config_release(&cfg);
}
END_TEST

struct value_case {
  const char *extra; /* appended to a minimal check */
  uint64_t timeout_ms, every_ms;
  unsigned snapshots, warmup;
};

static const struct value_case value_cases[] = {
    {"", 60000, 500, 5, 1},
    {"    timeout: 525600m\n", 31536000000ULL, 500, 5, 1},
    {"    timeout: 1ms\n", 1, 500, 5, 1},
    {"    drive:\n      every: 1 s\n", 60000, 1000, 5, 1},
    {"    drive: { every: 2m }\n", 60000, 120000, 5, 1},
    {"    snapshots: 2\n    warmup: 0\n", 60000, 500, 2, 0},
    {"    snapshots: 3\n", 60000, 500, 3, 1},
    {"    warmup: 998\n    snapshots: 1000\n", 60000, 500, 1000, 998},
    {"    snapshots: 007\n", 60000, 500, 7, 1},
};

START_TEST(test_values)
{
  const struct value_case *v = &value_cases[_i];
  char *yml = lc_xasprintf("version: 1\nchecks:\n  - name: a\n"
                           "    script: a.js\n%s",
                           v->extra);
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  ck_assert_uint_eq(cfg.checks[0].timeout_ms, v->timeout_ms);
  ck_assert_uint_eq(cfg.checks[0].every_ms, v->every_ms);
  ck_assert_uint_eq(cfg.checks[0].snapshots, v->snapshots);
  ck_assert_uint_eq(cfg.checks[0].warmup, v->warmup);
  lc_config_release(&cfg);
  free(yml);
}
END_TEST

struct dir_case {
  const char *path;
  const char *dir;
  const char *script_path;
  const char *junit;
};

static const struct dir_case dir_cases[] = {
    {"leakcheck.yml", ".", "./s.js", "./j.xml"},
    {"a/b/leakcheck.yml", "a/b", "a/b/s.js", "a/b/j.xml"},
    {"/leakcheck.yml", "/", "/s.js", "/j.xml"},
    {"/srv//app/leakcheck.yml", "/srv//app", "/srv//app/s.js",
     "/srv//app/j.xml"},
    {"a//leakcheck.yml", "a", "a/s.js", "a/j.xml"},
    {"./leakcheck.yml", ".", "./s.js", "./j.xml"},
};

START_TEST(test_dirs)
{
  static const char yml[] = "version: 1\nchecks: [{name: x, script: s.js}]\n"
                            "junit: j.xml\n";
  const struct dir_case *d = &dir_cases[_i];
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_config_parse(&cfg, d->path, yml, strlen(yml), &err), 0);
  ck_assert_str_eq(cfg.dir, d->dir);
  ck_assert_str_eq(cfg.checks[0].cwd, d->dir);
  ck_assert_str_eq(cfg.checks[0].script_path, d->script_path);
  ck_assert_str_eq(cfg.junit, d->junit);
  lc_config_release(&cfg);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Invalid configurations: exact message and position                        */

#define HEAD "version: 1\nchecks:\n  - name: a\n    script: a.js\n"
#define ASSERT_HEAD HEAD "    assert:\n      - constructor: A\n"

/* Each drive mode, every key set. */
START_TEST(test_drive_call)
{
  static const char yml[] =
      HEAD "    drive: { call: handle, times: 25, setup: init }\n";
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_check *c;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  c = &cfg.checks[0];
  ck_assert_int_eq(c->drive, LC_DRIVE_CALL);
  ck_assert_str_eq(c->call, "handle");
  ck_assert_str_eq(c->call_setup, "init");
  ck_assert_uint_eq(c->call_times, 25);
  ck_assert_uint_eq(c->call_mark.line, 5);
  ck_assert_uint_eq(c->call_mark.col, 20);
  ck_assert_uint_eq(c->drive_mark.line, 5);
  ck_assert_uint_eq(c->drive_mark.col, 12);
  lc_config_release(&cfg);
}
END_TEST

/* `memory:` assertions: the kind, the rules, the label. */
START_TEST(test_memory_asserts)
{
  static const char yml[] = HEAD "    assert:\n"
                                 "      - memory: rss\n"
                                 "        max_growth_bytes: 20MB\n"
                                 "      - memory: external\n"
                                 "        steady_growth: forbid\n"
                                 "      - memory: process_tree_rss\n"
                                 "        max_bytes: 1GB\n";
  static const enum lc_mem_kind kinds[] = {LC_MEM_RSS, LC_MEM_EXTERNAL,
                                           LC_MEM_TREE_RSS};
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_check *c;
  size_t i;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  c = &cfg.checks[0];
  ck_assert_uint_eq(c->nasserts, 3);
  for (i = 0; i < 3; i++) {
    ck_assert_int_eq(c->asserts[i].memory, kinds[i]);
    ck_assert_int_eq(c->asserts[i].is_total, 0);
    ck_assert_int_eq(c->asserts[i].is_default, 0);
  }
  ck_assert_str_eq(c->asserts[0].label, "memory rss: max_growth_bytes 20MB");
  ck_assert_int_eq(c->asserts[0].has_max_growth_bytes, 1);
  ck_assert_int_eq(c->asserts[0].max_growth_bytes, 20 * 1024 * 1024);
  ck_assert_uint_eq(c->asserts[0].mark.line, 6);
  ck_assert_uint_eq(c->asserts[0].mark.col, 9);
  ck_assert_str_eq(c->asserts[1].label,
                   "memory external: steady_growth forbid");
  ck_assert_int_eq(c->asserts[1].steady_growth_forbid, 1);
  ck_assert_str_eq(c->asserts[2].label,
                   "memory process_tree_rss: max_bytes 1GB");
  ck_assert_str_eq(lc_mem_kind_key(LC_MEM_ARRAY_BUFFERS), "array_buffers");
  ck_assert_str_eq(lc_mem_kind_key(LC_MEM_NONE), "");
  lc_config_release(&cfg);
}
END_TEST

START_TEST(test_drive_call_defaults)
{
  static const char yml[] = HEAD "    drive:\n      call: default\n"
                                 "      times: 1\n";
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  ck_assert_int_eq(cfg.checks[0].drive, LC_DRIVE_CALL);
  ck_assert_str_eq(cfg.checks[0].call, "default");
  ck_assert_ptr_null(cfg.checks[0].call_setup);
  ck_assert_uint_eq(cfg.checks[0].call_times, 1);
  lc_config_release(&cfg);
}
END_TEST

START_TEST(test_drive_http)
{
  static const char yml[] =
      HEAD "    drive:\n"               /* 5 */
           "      http: /items?id=1\n"  /* 6 */
           "      requests: 200\n"      /* 7 */
           "      concurrency: 8\n"     /* 8 */
           "      body: '{\"a\": 1}'\n" /* 9 */
           "      headers: { Content-Type: application/json, X-A: \"\" }\n"
           "      port: 8080\n"              /* 11 */
           "      ready_timeout: 3s\n"       /* 12 */
           "      max_failed_requests: 4\n"; /* 13 */
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_http_drive *h;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  ck_assert_int_eq(cfg.checks[0].drive, LC_DRIVE_HTTP);
  h = &cfg.checks[0].http;
  ck_assert_str_eq(h->target, "/items?id=1");
  ck_assert_str_eq(h->method, "POST");
  ck_assert_str_eq(h->body, "{\"a\": 1}");
  ck_assert_uint_eq(h->body_len, 8);
  ck_assert_uint_eq(h->nheaders, 2);
  ck_assert_str_eq(h->headers[0], "Content-Type: application/json");
  ck_assert_str_eq(h->headers[1], "X-A: ");
  ck_assert_ptr_null(h->headers[2]);
  ck_assert_uint_eq(h->requests, 200);
  ck_assert_uint_eq(h->concurrency, 8);
  ck_assert_uint_eq(h->port, 8080);
  ck_assert_uint_eq(h->port_mark.line, 11);
  ck_assert_uint_eq(h->port_mark.col, 13);
  ck_assert_uint_eq(h->mark.line, 6);
  ck_assert_uint_eq(h->ready_timeout_ms, 3000);
  ck_assert_uint_eq(h->max_failed, 4);
  lc_config_release(&cfg);
}
END_TEST

struct http_url_case {
  const char *value;
  const char *target;
  unsigned port;
  const char *method;
};

static const struct http_url_case http_url_cases[] = {
    {"/", "/", 0, "GET"},
    {"\"http://127.0.0.1:3000/api/x?q=1\"", "/api/x?q=1", 3000, "GET"},
    {"\"http://127.0.0.1:3000\"", "/", 3000, "GET"},
    {"\"http://127.0.0.1?a=b\"", "/?a=b", 0, "GET"},
    {"\"http://127.0.0.1/p\"\n      port: auto", "/p", 0, "GET"},
    {"/d\n      method: DELETE", "/d", 0, "DELETE"},
    {"/p\n      method: PUT\n      body: \"\"", "/p", 0, "PUT"},
};

START_TEST(test_drive_http_url)
{
  const struct http_url_case *u = &http_url_cases[_i];
  char *yml = lc_xasprintf(HEAD "    drive:\n      http: %s\n"
                                "      requests: 1\n",
                           u->value);
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_msg(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err) == 0,
                "%s", err.msg ? err.msg : "");
  ck_assert_str_eq(cfg.checks[0].http.target, u->target);
  ck_assert_uint_eq(cfg.checks[0].http.port, u->port);
  ck_assert_str_eq(cfg.checks[0].http.method, u->method);
  ck_assert_uint_eq(cfg.checks[0].http.concurrency, 1);
  ck_assert_uint_eq(cfg.checks[0].http.ready_timeout_ms, 10000);
  ck_assert_uint_eq(cfg.checks[0].http.max_failed, 0);
  ck_assert_ptr_nonnull(cfg.checks[0].http.headers);
  lc_config_release(&cfg);
  free(yml);
}
END_TEST

START_TEST(test_drive_signal)
{
  static const char yml[] =
      HEAD "    node_args: [\"--heapsnapshot-signal=SIGUSR2\"]\n"
           "    drive: { signal: SIGUSR2, every: 2s }\n"
           "  - name: b\n    script: b.js\n"
           "    drive: { signal: USR1 }\n";
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  ck_assert_int_eq(cfg.checks[0].drive, LC_DRIVE_SIGNAL);
  ck_assert_int_eq(cfg.checks[0].signo, SIGUSR2);
  ck_assert_uint_eq(cfg.checks[0].every_ms, 2000);
  ck_assert_uint_eq(cfg.checks[0].signal_mark.line, 6);
  ck_assert_uint_eq(cfg.checks[0].signal_mark.col, 22);
  ck_assert_int_eq(cfg.checks[1].drive, LC_DRIVE_SIGNAL);
  ck_assert_int_eq(cfg.checks[1].signo, SIGUSR1);
  ck_assert_uint_eq(cfg.checks[1].every_ms, 500);
  lc_config_release(&cfg);
}
END_TEST

struct bad_case {
  const char *yml;
  size_t len; /* 0: strlen(yml) */
  unsigned long line, col;
  const char *msg;
};

static const struct bad_case bad_cases[] = {
    /* the document */
    {"", 0, 1, 1,
     "empty configuration; expected 'version: 1' and a 'checks' list"},
    {"# only a comment\n\n", 0, 1, 1,
     "empty configuration; expected 'version: 1' and a 'checks' list"},
    {"---\n", 0, 1, 1,
     "empty configuration; expected 'version: 1' and a 'checks' list"},
    {"- a\n", 0, 1, 1,
     "configuration must be a mapping with 'version: 1' and a 'checks' list; "
     "got a list"},
    {"checks: []\n", 0, 1, 1, "missing 'version'"},
    {"version: 2\nchecks: []\n", 0, 1, 10, "'version' must be 1; got '2'"},
    {"version: '1'\n", 0, 1, 10,
     "'version' must be 1; got a quoted string '1'"},
    {"version: 1\n", 0, 1, 1, "missing 'checks'"},
    {"version: 1\nchecks: {}\n", 0, 2, 9,
     "'checks' must be a list of checks; got a mapping"},
    {"version: 1\nchecks:\n", 0, 2, 8,
     "'checks' must be a list of checks; got an empty value"},
    {"version: 1\nchecks: []\n", 0, 2, 9,
     "'checks' must not be empty; expected at least one check"},
    {"version: 1\nchek: []\n", 0, 2, 1,
     "unknown key 'chek' at top level; did you mean 'checks'?"},
    {"version: 1\nfoo: 1\n", 0, 2, 1,
     "unknown key 'foo' at top level; expected one of: version, junit, "
     "html, baseline, checks"},
    {"Version: 1\n", 0, 1, 1,
     "unknown key 'Version' at top level; did you mean 'version'?"},
    {"version: 1\nversion: 1\n", 0, 2, 1, "duplicate key 'version'"},
    {"version: 1\njunit: [a]\n", 0, 2, 8,
     "'junit' must be a file path; got a list"},
    {"? [a]\n: b\n", 0, 1, 3, "mapping keys must be names; got a list"},
    /* checks */
    {"version: 1\nchecks: [a]\n", 0, 2, 10, "check must be a mapping; got 'a'"},
    {"version: 1\nchecks:\n  - name: a\n", 0, 3, 5,
     "check is missing 'script'"},
    {"version: 1\nchecks:\n  - script: a.js\n", 0, 3, 5,
     "check is missing 'name'"},
    {HEAD "    snapshot: 5\n", 0, 5, 5,
     "unknown key 'snapshot' in check; did you mean 'snapshots'?"},
    {HEAD "    foo: 5\n", 0, 5, 5,
     "unknown key 'foo' in check; expected one of: name, script, node, "
     "node_args, args, env, timeout, drive, snapshots, warmup, confirm, "
     "ignore, assert, allow"},
    {HEAD "    SCRIPT: b.js\n", 0, 5, 5,
     "unknown key 'SCRIPT' in check; did you mean 'script'?"},
    {HEAD "    name: b\n", 0, 5, 5, "duplicate key 'name'"},
    {"version: 1\nchecks:\n  - name: a b\n    script: a.js\n", 0, 3, 11,
     "'name' must use only letters, digits, '.', '_' and '-'; got 'a b'"},
    {"version: 1\nchecks:\n  - name: ..\n    script: a.js\n", 0, 3, 11,
     "'name' must be usable as a directory name: not empty, '.' or '..', "
     "and not starting with '-'; got '..'"},
    {"version: 1\nchecks:\n  - name: .\n    script: a.js\n", 0, 3, 11,
     "'name' must be usable as a directory name: not empty, '.' or '..', "
     "and not starting with '-'; got '.'"},
    {"version: 1\nchecks:\n  - name: -rf\n    script: a.js\n", 0, 3, 11,
     "'name' must be usable as a directory name: not empty, '.' or '..', "
     "and not starting with '-'; got '-rf'"},
    {"version: 1\nchecks:\n  - name: a/b\n    script: a.js\n", 0, 3, 11,
     "'name' must use only letters, digits, '.', '_' and '-'; got 'a/b'"},
    {"version: 1\nchecks:\n  - name: \"a\\0b\"\n    script: a.js\n", 0, 3, 11,
     "'name' must not contain a NUL character"},
    {"version: 1\nchecks:\n  - name: \"\"\n    script: a.js\n", 0, 3, 11,
     "'name' must be a string; got ''"},
    {"version: 1\nchecks:\n  - name: [a]\n    script: a.js\n", 0, 3, 11,
     "'name' must be a string; got a list"},
    {"version: 1\nchecks:\n  - name: "
     "x23456789x23456789x23456789x23456789x23456789x23456789"
     "x23456789x23456789x23456789x23456789x23456789ab\n    script: a.js\n",
     0, 3, 11, "'name' must be at most 100 characters; got 101"},
    {HEAD "  - name: b\n    script: b.js\n  - name: a\n    script: c.js\n", 0,
     7, 11, "duplicate check name 'a'; the first is at line 3"},
    {"version: 1\nchecks:\n  - name: a\n    script: [a.js]\n", 0, 4, 13,
     "'script' must be a file path; got a list"},
    {"version: 1\nchecks:\n  - name: a\n    script: ''\n", 0, 4, 13,
     "'script' must be a file path; got ''"},
    {"version: 1\nchecks:\n  - name: a\n    script:\n", 0, 4, 12,
     "'script' must be a file path; got an empty value"},
    {"version: 1\nchecks:\n  - name: a\n    script: \"a\\0b\"\n", 0, 4, 13,
     "'script' must not contain a NUL character"},
    {HEAD "    node: {}\n", 0, 5, 11,
     "'node' must be a file path; got a mapping"},
    {HEAD "    args: x\n", 0, 5, 11,
     "'args' must be a list of strings; got 'x'"},
    {HEAD "    node_args: [a, [b]]\n", 0, 5, 20,
     "'node_args' must be a list of strings; got a list"},
    {HEAD "    env: [a]\n", 0, 5, 10,
     "'env' must be a mapping of NAME: value; got a list"},
    {HEAD "    env: { 1A: x }\n", 0, 5, 12,
     "invalid environment variable name '1A'; expected letters, digits and "
     "'_', not starting with a digit"},
    {HEAD "    env: { A-B: x }\n", 0, 5, 12,
     "invalid environment variable name 'A-B'; expected letters, digits and "
     "'_', not starting with a digit"},
    {HEAD "    env: { A: [1] }\n", 0, 5, 15,
     "'env' value of 'A' must be a string; got a list"},
    {HEAD "    env: { A: 1, A: 2 }\n", 0, 5, 18, "duplicate key 'A'"},
    {HEAD "    timeout: 60\n", 0, 5, 14,
     "'timeout' must be a duration like 500ms, 2s or 1m; got '60'"},
    {HEAD "    timeout: 5h\n", 0, 5, 14,
     "'timeout' has an unknown unit 'h'; expected one of: ms, s, m"},
    {HEAD "    timeout: 1.5s\n", 0, 5, 14,
     "'timeout' must be a duration like 500ms, 2s or 1m; got '1.5s'"},
    {HEAD "    timeout: 0s\n", 0, 5, 14,
     "'timeout' must be greater than 0; got '0s'"},
    {HEAD "    timeout: 99999999999999999999ms\n", 0, 5, 14,
     "'timeout' must be at most 525600m (a year); got "
     "'99999999999999999999ms'"},
    {HEAD "    drive: { every: 525601m }\n", 0, 5, 21,
     "'every' must be at most 525600m (a year); got '525601m'"},
    {HEAD "    timeout: [1s]\n", 0, 5, 14,
     "'timeout' must be a duration like 500ms, 2s or 1m; got a list"},
    /* drive modes */
    {HEAD "    drive: { call: run }\n", 0, 5, 12,
     "drive 'call' is missing 'times'"},
    {HEAD "    drive: { call: run, times: 0 }\n", 0, 5, 32,
     "'times' must be a whole number ≥ 1; got '0'"},
    {HEAD "    drive: { call: run, times: 1000001 }\n", 0, 5, 32,
     "'times' must be at most 1000000; got '1000001'"},
    {HEAD "    drive: { call: run, times: 5, every: 1s }\n", 0, 5, 35,
     "'every' does not apply to drive mode 'call'; it belongs to drive "
     "modes 'every' and 'signal'"},
    {HEAD "    drive: { call: run, http: /, times: 1 }\n", 0, 5, 25,
     "drive has both 'call' and 'http'; expected exactly one of: every, "
     "call, http, signal"},
    {HEAD "    drive: { every: 1s, times: 5 }\n", 0, 5, 25,
     "'times' does not apply to drive mode 'every'; it belongs to drive "
     "mode 'call'"},
    {HEAD "    drive: { call: [run], times: 5 }\n", 0, 5, 20,
     "'call' must be the name of an exported function; got a list"},
    {HEAD "    drive: { call: run, times: 5, setup: \"\" }\n", 0, 5, 42,
     "'setup' must be the name of an exported function; got ''"},
    {HEAD "    drive: { http: / }\n", 0, 5, 12,
     "drive 'http' is missing 'requests'"},
    {HEAD "    drive: { http: /, requests: 5, port: 0 }\n", 0, 5, 42,
     "'port' must be a port number from 1 to 65535 or 'auto'; got '0'"},
    {HEAD "    drive: { http: /, requests: 5, port: \"80\" }\n", 0, 5, 42,
     "'port' must be a port number from 1 to 65535 or 'auto'; got a quoted "
     "string '80'"},
    {HEAD "    drive: { http: \"http://example.com/\", requests: 5 }\n", 0, 5,
     20,
     "'http' must be on 127.0.0.1 (leakcheck sends requests over loopback "
     "only); got host 'example.com'"},
    {HEAD "    drive: { http: \"http://localhost:8080/\", requests: 5 }\n", 0,
     5, 20,
     "'http' must be on 127.0.0.1 (leakcheck sends requests over loopback "
     "only); got host 'localhost'"},
    {HEAD "    drive: { http: \"http://127.0.0.1.evil.com/\", requests: 5 }\n",
     0, 5, 20,
     "'http' must be on 127.0.0.1 (leakcheck sends requests over loopback "
     "only); got host '127.0.0.1.evil.com'"},
    {HEAD "    drive: { http: \"https://127.0.0.1/\", requests: 5 }\n", 0, 5,
     20, "'http' must be plain http on 127.0.0.1; got 'https://127.0.0.1/'"},
    {HEAD "    drive: { http: items, requests: 5 }\n", 0, 5, 20,
     "'http' must be a path starting with '/' or http://127.0.0.1:PORT/path; "
     "got 'items'"},
    {HEAD "    drive: { http: \"http://127.0.0.1:99999/\", requests: 5 }\n", 0,
     5, 20,
     "'http' has an invalid port; expected 1 to 65535 in "
     "'http://127.0.0.1:99999/'"},
    {HEAD "    drive: { http: \"http://127.0.0.1:/\", requests: 5 }\n", 0, 5,
     20,
     "'http' has an invalid port; expected 1 to 65535 in "
     "'http://127.0.0.1:/'"},
    {HEAD "    drive: { http: /a b, requests: 5 }\n", 0, 5, 20,
     "'http' must not contain spaces, control characters or '#'; "
     "percent-encode them; got '/a b'"},
    {HEAD "    drive: { http: /, requests: 5, method: FETCH }\n", 0, 5, 44,
     "'method' must be one of GET, POST, PUT, PATCH, DELETE; got 'FETCH'"},
    {HEAD "    drive: { http: /, requests: 5, method: GET, body: x }\n", 0, 5,
     44, "method GET sends no body; expected POST, PUT or PATCH with 'body'"},
    {HEAD "    drive: { http: /, requests: 5, body: { a: 1 } }\n", 0, 5, 42,
     "'body' must be a string (write JSON as a quoted or block string); got "
     "a mapping"},
    {HEAD "    drive: { http: /, requests: 5, concurrency: 1000 }\n", 0, 5, 49,
     "'concurrency' must be at most 256; got '1000'"},
    {HEAD "    drive: { http: \"http://127.0.0.1:80/\", port: 81, requests: 5 "
          "}\n",
     0, 5, 50, "'port' 81 differs from port 80 in 'http'; give it once"},
    {HEAD "    drive: { http: /, requests: 5, headers: { \"a b\": c } }\n", 0,
     5, 47, "invalid HTTP header name 'a b'; expected letters, digits and '-'"},
    {HEAD "    drive: { http: /, requests: 5, headers: [a] }\n", 0, 5, 45,
     "'headers' must be a mapping of Name: value; got a list"},
    {HEAD "    drive: { http: /, requests: 5, ready_timeout: 0s }\n", 0, 5, 51,
     "'ready_timeout' must be greater than 0; got '0s'"},
    {HEAD "    drive: { http: /, requests: 5, max_failed_requests: -1 }\n", 0,
     5, 57, "'max_failed_requests' must be a whole number ≥ 0; got '-1'"},
    {HEAD "    drive: { signal: SIGFOO }\n", 0, 5, 22,
     "'signal' must be a signal name like SIGUSR2; got 'SIGFOO'"},
    {HEAD "    drive: { signal: SIGKILL }\n", 0, 5, 22,
     "'signal' cannot be SIGKILL: a program cannot handle it; expected a "
     "signal like SIGUSR2"},
    {HEAD "    drive: { signal: USR2, requests: 5 }\n", 0, 5, 28,
     "'requests' does not apply to drive mode 'signal'; it belongs to drive "
     "mode 'http'"},
    {HEAD "    drive: { signal: SIGUSR2, call: run }\n", 0, 5, 31,
     "drive has both 'signal' and 'call'; expected exactly one of: every, "
     "call, http, signal"},
    {HEAD "    node_args: [--heapsnapshot-signal=SIGUSR1]\n"
          "    drive: { signal: SIGUSR2 }\n",
     0, 6, 22,
     "drive 'signal' is SIGUSR2 but node_args has "
     "'--heapsnapshot-signal=SIGUSR1'; expected the same signal"},
    {HEAD "    drive: { evry: 1s }\n", 0, 5, 14,
     "unknown key 'evry' in drive; did you mean 'every'?"},
    {HEAD "    drive: { often: 1s }\n", 0, 5, 14,
     "unknown key 'often' in drive; expected one of: every, call, times, "
     "setup, http, requests, concurrency, method, body, headers, port, "
     "ready_timeout, max_failed_requests, signal"},
    {HEAD "    drive: { requets: 1 }\n", 0, 5, 14,
     "unknown key 'requets' in drive; did you mean 'requests'?"},
    {HEAD "    drive: {}\n", 0, 5, 12,
     "drive is missing its mode; expected one of: every, call, http, "
     "signal"},
    {HEAD "    drive: 500ms\n", 0, 5, 12,
     "'drive' must be a mapping like { every: 500ms }; got '500ms'"},
    {HEAD "    drive: { every: 0ms }\n", 0, 5, 21,
     "'every' must be greater than 0; got '0ms'"},
    {HEAD "    snapshots: five\n", 0, 5, 16,
     "'snapshots' must be a whole number ≥ 2; got 'five'"},
    {HEAD "    snapshots: 1\n", 0, 5, 16,
     "'snapshots' must be a whole number ≥ 2; got '1'"},
    {HEAD "    snapshots: \"5\"\n", 0, 5, 16,
     "'snapshots' must be a whole number ≥ 2; got a quoted string '5'"},
    {HEAD "    snapshots: 5.0\n", 0, 5, 16,
     "'snapshots' must be a whole number ≥ 2; got '5.0'"},
    {HEAD "    snapshots: 5000\n", 0, 5, 16,
     "'snapshots' must be at most 1000; got '5000'"},
    {HEAD "    snapshots: 99999999999999999999999\n", 0, 5, 16,
     "'snapshots' must be at most 1000; got '99999999999999999999999'"},
    {HEAD "    confirm: true\n", 0, 5, 14,
     "'confirm' must be false or a mapping like { snapshots: 6, timeout: "
     "20s }; got 'true'"},
    {HEAD "    confirm: { snapshot: 4 }\n", 0, 5, 16,
     "unknown key 'snapshot' in confirm; did you mean 'snapshots'?"},
    {HEAD "    confirm: { snapshots: -1 }\n", 0, 5, 27,
     "'snapshots' must be a whole number ≥ 0; got '-1'"},
    {HEAD "    confirm: { timeout: 0s }\n", 0, 5, 25,
     "'timeout' must be greater than 0; got '0s'"},
    {HEAD "    confirm:\n      timeout: 20\n", 0, 6, 16,
     "'timeout' must be a duration like 500ms, 2s or 1m; got '20'"},
    {HEAD "    warmup: -1\n", 0, 5, 13,
     "'warmup' must be a whole number ≥ 0; got '-1'"},
    {HEAD "    warmup: 4\n", 0, 5, 13,
     "warmup 4 leaves 1 measured snapshot of 5; expected at most 3"},
    {HEAD "    warmup: 9\n    snapshots: 5\n", 0, 5, 13,
     "warmup 9 leaves 0 measured snapshots of 5; expected at most 3"},
    {HEAD "    snapshots: 2\n", 0, 5, 16,
     "snapshots 2 leaves 1 measured snapshot after the default warmup of 1; "
     "expected 'warmup: 0' or at least 3 snapshots"},
    {HEAD "    ignore: \"/(/\"\n", 0, 5, 13,
     "'ignore' must be a list of patterns; got '/(/'"},
    {HEAD "    ignore: [\"/(/\"]\n", 0, 5, 14,
     "invalid regular expression '/(/': Unmatched ( or \\("},
    {HEAD "    ignore: [a, \"\"]\n", 0, 5, 17,
     "'ignore' must be a list of patterns; got ''"},
    /* assertions */
    {HEAD "    assert: {}\n", 0, 5, 13,
     "'assert' must be a list of assertions; got a mapping"},
    {HEAD "    assert: [x]\n", 0, 5, 14,
     "assertion must be a mapping; got 'x'"},
    {HEAD "    assert:\n      - max_growth: 0\n", 0, 6, 9,
     "assertion is missing 'constructor', 'total' or 'memory'"},
    {ASSERT_HEAD, 0, 6, 9,
     "assertion has no rule; expected one of: max_growth, max_growth_bytes, "
     "max_count, max_bytes, steady_growth"},
    {ASSERT_HEAD "        total: true\n        max_growth: 0\n", 0, 7, 9,
     "assertion has both 'constructor' and 'total'; expected exactly one of "
     "'constructor', 'total', 'memory'"},
    {ASSERT_HEAD "        memory: rss\n        max_bytes: 1GB\n", 0, 7, 9,
     "assertion has both 'constructor' and 'memory'; expected exactly one of "
     "'constructor', 'total', 'memory'"},
    {HEAD "    assert:\n      - memory: rss\n        total: true\n"
          "        max_bytes: 1GB\n",
     0, 7, 9,
     "assertion has both 'total' and 'memory'; expected exactly one of "
     "'constructor', 'total', 'memory'"},
    {HEAD "    assert:\n      - memory: externl\n        max_bytes: 1GB\n", 0,
     6, 17,
     "'memory' must be one of rss, heap_used, heap_total, external, "
     "array_buffers, process_tree_rss; got 'externl'; did you mean "
     "'external'?"},
    {HEAD "    assert:\n      - memory: RSS\n        max_bytes: 1GB\n", 0, 6,
     17,
     "'memory' must be one of rss, heap_used, heap_total, external, "
     "array_buffers, process_tree_rss; got 'RSS'; did you mean 'rss'?"},
    {HEAD "    assert:\n      - memory: [rss]\n        max_bytes: 1GB\n", 0, 6,
     17,
     "'memory' must be one of rss, heap_used, heap_total, external, "
     "array_buffers, process_tree_rss; got a list"},
    {HEAD "    assert:\n      - memory: swap\n        max_bytes: 1GB\n", 0, 6,
     17,
     "'memory' must be one of rss, heap_used, heap_total, external, "
     "array_buffers, process_tree_rss; got 'swap'"},
    {HEAD "    assert:\n      - memory: rss\n        max_growth: 0\n", 0, 7, 21,
     "'max_growth' counts objects; a memory assertion measures bytes: use "
     "'max_growth_bytes'"},
    {HEAD "    assert:\n      - memory: rss\n        max_count: 9\n", 0, 7, 20,
     "'max_count' counts objects; a memory assertion measures bytes: use "
     "'max_bytes'"},
    {HEAD "    assert:\n      - memory: rss\n", 0, 6, 9,
     "assertion has no rule; expected one of: max_growth, max_growth_bytes, "
     "max_count, max_bytes, steady_growth"},
    {HEAD "    assert:\n      - total: false\n", 0, 6, 16,
     "'total' must be true; got 'false'"},
    {HEAD "    assert:\n      - total: \"true\"\n", 0, 6, 16,
     "'total' must be true; got a quoted string 'true'"},
    {HEAD "    assert:\n      - constructor: [A]\n", 0, 6, 22,
     "'constructor' must be a pattern (a name, a glob or a /regex/); got a "
     "list"},
    {HEAD "    assert:\n      - constructor: \"/(/\"\n", 0, 6, 22,
     "invalid regular expression '/(/': Unmatched ( or \\("},
    {ASSERT_HEAD "        max_grwoth: 0\n", 0, 7, 9,
     "unknown key 'max_grwoth' in assertion; did you mean 'max_growth'?"},
    {ASSERT_HEAD "        limit: 0\n", 0, 7, 9,
     "unknown key 'limit' in assertion; expected one of: constructor, total, "
     "memory, max_growth, max_growth_bytes, max_count, max_bytes, "
     "steady_growth"},
    {ASSERT_HEAD "        max_growth: 0\n        max_growth: 1\n", 0, 8, 9,
     "duplicate key 'max_growth'"},
    {ASSERT_HEAD "        max_growth: -1\n", 0, 7, 21,
     "'max_growth' must be a whole number ≥ 0; got '-1'"},
    {ASSERT_HEAD "        max_growth: 9223372036854775808\n", 0, 7, 21,
     "'max_growth' is out of range; got '9223372036854775808'"},
    {ASSERT_HEAD "        max_count: 1.5\n", 0, 7, 20,
     "'max_count' must be a whole number ≥ 0; got '1.5'"},
    {ASSERT_HEAD "        max_growth_bytes: 2XB\n", 0, 7, 27,
     "'max_growth_bytes' has an unknown unit 'XB'; expected one of: B, KB, "
     "MB, GB, K, M, G"},
    {ASSERT_HEAD "        max_growth_bytes: 2 kb\n", 0, 7, 27,
     "'max_growth_bytes' has an unknown unit 'kb'; expected one of: B, KB, "
     "MB, GB, K, M, G"},
    {ASSERT_HEAD "        max_bytes: lots\n", 0, 7, 20,
     "'max_bytes' must be a size like 512KB or 2MB; got 'lots'"},
    {ASSERT_HEAD "        max_bytes: 8589934592GB\n", 0, 7, 20,
     "'max_bytes' is out of range; got '8589934592GB'"},
    {ASSERT_HEAD "        steady_growth: allow\n", 0, 7, 24,
     "'steady_growth' must be 'forbid'; got 'allow'"},
    /* YAML itself */
    {"version: 1\nchecks:\n  - name: a\n   script: b\n", 0, 4, 4,
     "invalid YAML: did not find expected '-' indicator while parsing a "
     "block collection"},
    {"version: 1\nchecks:\n  - name: a\n    script: [b\n", 0, 5, 1,
     "invalid YAML: did not find expected ',' or ']' while parsing a flow "
     "sequence"},
    {"version: 1\n  bad: 1\n", 0, 2, 6,
     "invalid YAML: mapping values are not allowed in this context"},
    {"version: 1\nchecks: \xff\n", 0, 2, 9,
     "invalid YAML: invalid leading UTF-8 octet (byte 0xff)"},
    {"version: 1\0\n", 12, 1, 11,
     "invalid YAML: control characters are not allowed (byte 0x00)"},
    {"version: &v 1\n", 0, 1, 10, "YAML anchors are not supported"},
    {"version: *v\n", 0, 1, 10, "YAML aliases are not supported"},
    {"version: !!int 1\n", 0, 1, 10,
     "YAML tags are not supported; got 'tag:yaml.org,2002:int'"},
    {"version: 1\n---\nversion: 1\n", 0, 2, 1,
     "multiple YAML documents are not supported; expected one"},
    /* allow: */
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - constructor: S\n        until: 2027-02-29\n        reason: r\n",
     0, 7, 16, "'until' must be a date YYYY-MM-DD; got '2027-02-29'"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - constructor: S\n        until: 2027-3-1\n        reason: r\n",
     0, 7, 16, "'until' must be a date YYYY-MM-DD; got '2027-3-1'"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - constructor: S\n",
     0, 6, 9, "allowance is missing 'reason'; say why this growth is accepted"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - constructor: S\n        reason: \"\"\n",
     0, 7, 17, "'reason' must be a string saying why; got ''"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - reason: r\n",
     0, 6, 9, "allowance is missing 'constructor'"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - constructor: S\n        reason: r\n        untill: 2027-01-01\n",
     0, 8, 9, "unknown key 'untill' in allowance; did you mean 'until'?"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow:\n"
     "      - constructor: S\n        reason: r\n        max_growth: -1\n",
     0, 8, 21, "'max_growth' must be a whole number ≥ 0; got '-1'"},
    {"version: 1\nchecks:\n  - name: a\n    script: a.js\n    allow: S\n", 0, 5,
     12, "'allow' must be a list of allowances; got 'S'"},
    {"version: 1\nbaseline: [a]\nchecks:\n  - name: a\n    script: a.js\n", 0,
     2, 11, "'baseline' must be a file path; got a list"},
};

START_TEST(test_bad)
{
  const struct bad_case *b = &bad_cases[_i];
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t len = b->len ? b->len : strlen(b->yml);

  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, b->yml, len, &err), -1);
  ck_assert_int_eq(err.code, LC_ECONFIG);
  ck_assert_str_eq(err.msg, b->msg);
  ck_assert_str_eq(err.path, CFG_PATH);
  ck_assert_msg(err.line == b->line && err.col == b->col,
                "'%s' at %lu:%lu, expected %lu:%lu", b->msg, err.line, err.col,
                b->line, b->col);
  /* A failed parse leaves the config released. */
  ck_assert_ptr_null(cfg.checks);
  ck_assert_uint_eq(cfg.nchecks, 0);
  ck_assert_ptr_null(cfg.path);
  ck_assert_ptr_null(cfg.dir);
  lc_err_release(&err);
}
END_TEST

START_TEST(test_allow)
{
  static const char yml[] =
      "version: 1\n"
      "baseline: known/base.json\n"
      "checks:\n"
      "  - name: api\n"
      "    script: a.js\n"
      "    allow:\n"
      "      - constructor: Session\n"
      "        reason: \"sessions expire only at logout, see #123\"\n"
      "        until: 2027-03-01\n"
      "        max_growth: 500\n"
      "      - constructor: /^Cache/\n"
      "        reason: warm-up\n";
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_allow *a;
  int d;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), 0);
  ck_assert_str_eq(cfg.baseline, "conf/known/base.json");
  ck_assert_uint_eq(cfg.checks[0].nallows, 2);
  a = &cfg.checks[0].allows[0];
  ck_assert_str_eq(a->reason, "sessions expire only at logout, see #123");
  ck_assert_int_eq(a->has_until, 1);
  ck_assert_int_eq(a->until, 20270301);
  ck_assert_str_eq(a->until_text, "2027-03-01");
  ck_assert_int_eq(a->has_max_growth, 1);
  ck_assert_int_eq(a->max_growth, 500);
  ck_assert_uint_eq(a->mark.line, 7);
  ck_assert_uint_eq(a->mark.col, 9);
  ck_assert(lc_pattern_match(&a->ctor, "Session"));
  a = &cfg.checks[0].allows[1];
  ck_assert_int_eq(a->has_until, 0);
  ck_assert_int_eq(a->has_max_growth, 0);
  ck_assert(lc_pattern_match(&a->ctor, "CacheEntry"));
  ck_assert(!lc_pattern_match(&a->ctor, "Session"));
  lc_config_release(&cfg);
  /* dates */
  ck_assert_int_eq(lc_parse_date("2024-02-29", &d), 0);
  ck_assert_int_eq(d, 20240229);
  ck_assert_int_eq(lc_parse_date("2100-02-29", &d), -1);
  ck_assert_int_eq(lc_parse_date("2000-02-29", &d), 0);
  ck_assert_int_eq(lc_parse_date("2027-04-31", &d), -1);
  ck_assert_int_eq(lc_parse_date("2027-00-10", &d), -1);
  ck_assert_int_eq(lc_parse_date("2027-01-01x", &d), -1);
  ck_assert_int_eq(lc_parse_date("27-01-01", &d), -1);
  ck_assert_int_eq(lc_parse_date("", &d), -1);
}
END_TEST

START_TEST(test_format)
{
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  static const char yml[] = HEAD "    snapshot: 5\n";
  char *s;
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, yml, strlen(yml), &err), -1);
  s = lc_err_format(&err);
  ck_assert_str_eq(s, "conf/leakcheck.yml:5:5: unknown key 'snapshot' in "
                      "check; did you mean 'snapshots'?");
  free(s);
  lc_err_release(&err);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

START_TEST(test_load)
{
  char dir[] = "/tmp/lc-config-XXXXXX";
  char *path;
  FILE *f;
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;

  ck_assert_ptr_nonnull(mkdtemp(dir));
  path = lc_xasprintf("%s/leakcheck.yml", dir);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(HEAD, f);
  fclose(f);
  ck_assert_int_eq(lc_config_load(&cfg, path, &err), 0);
  ck_assert_str_eq(cfg.path, path);
  ck_assert_str_eq(cfg.dir, dir);
  ck_assert_uint_eq(cfg.nchecks, 1);
  ck_assert_str_eq(cfg.checks[0].script_path + strlen(dir), "/a.js");
  lc_config_release(&cfg);

  /* A directory opens but is refused by type. */
  ck_assert_int_eq(lc_config_load(&cfg, dir, &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.msg,
                   "configuration is a directory; expected a regular file");
  lc_err_release(&err);

  unlink(path);
  rmdir(dir);
  ck_assert_int_eq(lc_config_load(&cfg, path, &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.msg,
                   "cannot read configuration: No such file or directory");
  ck_assert_str_eq(err.path, path);
  ck_assert_uint_eq(err.line, 0);
  ck_assert_ptr_null(cfg.checks);
  lc_err_release(&err);
  free(path);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Pathological input                                                        */

START_TEST(test_deep_flow)
{
  size_t n = 100000;
  char *s = lc_xmalloc(n);
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  memset(s, '[', n);
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, s, n, &err), -1);
  ck_assert_str_eq(err.msg, "nesting is too deep; expected at most 32 levels");
  ck_assert_uint_eq(err.line, 1);
  ck_assert_uint_eq(err.col, 33);
  lc_err_release(&err);
  free(s);
}
END_TEST

START_TEST(test_deep_block)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t i;
  for (i = 0; i < 2000; i++)
    lc_buf_addf(&b, "%*sk%zu:\n", (int)i, "", i);
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, b.buf, b.len, &err), -1);
  ck_assert_str_eq(err.msg, "nesting is too deep; expected at most 32 levels");
  ck_assert_uint_eq(err.line, 33);
  ck_assert_uint_eq(err.col, 33);
  lc_err_release(&err);
  lc_buf_release(&b);
}
END_TEST

START_TEST(test_long_line)
{
  size_t n = 16 * 1024 * 1024;
  struct lc_buf b = LC_BUF_INIT;
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  lc_buf_addstr(&b, "version: 1\nchecks:\n- name: a\n  script: ");
  lc_buf_grow(&b, n);
  memset(b.buf + b.len, 'x', n);
  lc_buf_setlen(&b, b.len + n);
  lc_buf_addstr(&b, "\n  node: [");
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, b.buf, b.len, &err), -1);
  ck_assert_str_eq(err.msg, "invalid YAML: did not find expected node "
                            "content while parsing a flow node");
  ck_assert_uint_eq(err.line, 6);
  ck_assert_uint_eq(err.col, 1);
  lc_err_release(&err);
  /* The same, valid. */
  lc_buf_setlen(&b, b.len - strlen("\n  node: ["));
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, b.buf, b.len, &err), 0);
  ck_assert_uint_eq(strlen(cfg.checks[0].script), n);
  ck_assert_uint_eq(strlen(cfg.checks[0].script_path), n + 5);
  lc_config_release(&cfg);
  lc_buf_release(&b);
}
END_TEST

/* Every prefix of a valid file (a truncated write) parses or fails with a
 * positioned config error; none crashes or leaks. */
START_TEST(test_truncated)
{
  size_t len = strlen(full_yml), i, ok = 0;
  for (i = 0; i <= len; i++) {
    struct lc_config cfg = LC_CONFIG_INIT;
    struct lc_err err = LC_ERR_INIT;
    char *copy = lc_xstrndup(full_yml, i);
    if (lc_config_parse(&cfg, CFG_PATH, copy, i, &err) == 0) {
      ok++;
      ck_assert_uint_ge(cfg.nchecks, 1);
      lc_config_release(&cfg);
    } else {
      ck_assert_int_eq(err.code, LC_ECONFIG);
      ck_assert_uint_ge(err.line, 1);
      ck_assert_uint_ge(err.col, 1);
      ck_assert_ptr_nonnull(err.msg);
    }
    lc_err_release(&err);
    free(copy);
  }
  ck_assert_uint_gt(ok, 0);
}
END_TEST

START_TEST(test_many_env)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t i;
  lc_buf_addstr(&b, HEAD "    env:\n");
  for (i = 0; i < 50000; i++)
    lc_buf_addf(&b, "      V%zu: x\n", i);
  lc_buf_addstr(&b, "      V49999: y\n");
  ck_assert_int_eq(lc_config_parse(&cfg, CFG_PATH, b.buf, b.len, &err), -1);
  ck_assert_str_eq(err.msg, "duplicate key 'V49999'");
  ck_assert_uint_eq(err.line, 50006);
  lc_err_release(&err);
  lc_buf_release(&b);
}
END_TEST

START_TEST(test_confirm)
{
  static const struct {
    const char *yml;
    unsigned snapshots;
    uint64_t timeout_ms;
  } cases[] = {
      {"    confirm: { snapshots: 4, timeout: 10s }\n", 4, 10000},
      {"    confirm: { timeout: 2m }\n", LC_CONFIRM_SNAPSHOTS, 120000},
      {"    confirm: false\n", 0, LC_CONFIRM_TIMEOUT_MS},
      {"    confirm: { snapshots: 0 }\n", 0, LC_CONFIRM_TIMEOUT_MS},
  };
  size_t i;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct lc_config cfg = LC_CONFIG_INIT;
    struct lc_err err = LC_ERR_INIT;
    char *yml = lc_xasprintf("%s%s", HEAD, cases[i].yml);
    ck_assert_int_eq(
        lc_config_parse(&cfg, "leakcheck.yml", yml, strlen(yml), &err), 0);
    ck_assert_uint_eq(cfg.checks[0].confirm_snapshots, cases[i].snapshots);
    ck_assert_uint_eq(cfg.checks[0].confirm_timeout_ms, cases[i].timeout_ms);
    ck_assert_uint_eq(cfg.checks[0].confirm_mark.line, 5);
    lc_config_release(&cfg);
    free(yml);
  }
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("config");
  TCase *tc;

  tc = tcase_create("units");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_size, 0,
                      sizeof(size_cases) / sizeof(size_cases[0]));
  tcase_add_loop_test(tc, test_duration, 0,
                      sizeof(duration_cases) / sizeof(duration_cases[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("pattern");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_pattern, 0,
                      sizeof(pattern_cases) / sizeof(pattern_cases[0]));
  tcase_add_loop_test(tc, test_pattern_error, 0,
                      sizeof(pattern_errors) / sizeof(pattern_errors[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("valid");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_full);
  tcase_add_test(tc, test_allow);
  tcase_add_test(tc, test_defaults);
  tcase_add_test(tc, test_confirm);
  tcase_add_loop_test(tc, test_values, 0,
                      sizeof(value_cases) / sizeof(value_cases[0]));
  tcase_add_loop_test(tc, test_dirs, 0,
                      sizeof(dir_cases) / sizeof(dir_cases[0]));
  tcase_add_test(tc, test_load);
  tcase_add_test(tc, test_drive_call);
  tcase_add_test(tc, test_memory_asserts);
  tcase_add_test(tc, test_drive_call_defaults);
  tcase_add_test(tc, test_drive_http);
  tcase_add_loop_test(tc, test_drive_http_url, 0,
                      sizeof(http_url_cases) / sizeof(http_url_cases[0]));
  tcase_add_test(tc, test_drive_signal);
  suite_add_tcase(s, tc);

  tc = tcase_create("invalid");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_bad, 0,
                      sizeof(bad_cases) / sizeof(bad_cases[0]));
  tcase_add_test(tc, test_format);
  suite_add_tcase(s, tc);

  tc = tcase_create("pathological");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_deep_flow);
  tcase_add_test(tc, test_deep_block);
  tcase_add_test(tc, test_long_line);
  tcase_add_test(tc, test_truncated);
  tcase_add_test(tc, test_many_env);
  suite_add_tcase(s, tc);
  return s;
}
