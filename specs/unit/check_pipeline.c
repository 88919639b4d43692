/*
 * The run pipeline (lc_run_check) from its configuration to its result.
 *
 * The "replay" cases feed it snapshot files written from snapbuild.h tables
 * into a private temp dir, as `leakcheck analyze` does (no Node needed):
 * a class that grows fails with the right finding and numbers, a flat heap
 * passes, too few files and an unreadable file give the documented error,
 * and the keep policy never touches the user's files.  The "live" cases run
 * a tiny Node program through it.
 */
#include <check.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "run/pipeline.h"
#include "run/replay.h"
#include "snapbuild.h"
#include "testutil.h"
#include "verdict/verdict.h"

static char *root; /* everything a test makes */

static void
setup(void)
{
  root = lc_test_tmpdir(NULL, "check-pipeline");
}

static void
teardown(void)
{
  lc_test_rmtree(root);
  free(root);
  root = NULL;
}

/* ---- snapshots ------------------------------------------------------------
 */

#define MAXOBJ 64
#define SESSION_SIZE 40

/* One snapshot: the root, the global, `nsess` Session objects (ids 101,
 * 103, …: the first ones survive from one snapshot to the next, new ones
 * get higher ids as V8 gives them) held by the global, and one Cache. */
static char *
write_heap(const char *dir, const char *name, unsigned nsess)
{
  struct tn nodes[MAXOBJ + 3];
  struct te edges[MAXOBJ + 2];
  char *names[MAXOBJ];
  struct tsnap t;
  unsigned i;
  char *path;

  ck_assert_uint_le(nsess, MAXOBJ);
  nodes[0] = (struct tn){"synthetic", "", 1, 0};
  nodes[1] = (struct tn){"object", "global", 3, 16};
  nodes[2] = (struct tn){"object", "Cache", 5, 24};
  edges[0] = (struct te){0, "shortcut", "1", 1};
  edges[1] = (struct te){1, "property", "cache", 2};
  for (i = 0; i < nsess; i++) {
    names[i] = lc_xasprintf("s%u", i);
    nodes[3 + i] = (struct tn){"object", "Session", 101 + 2 * i, SESSION_SIZE};
    edges[2 + i] = (struct te){1, "property", names[i], 3 + i};
  }
  t = (struct tsnap){nodes, 3 + nsess, edges, 2 + nsess, NULL, 0};
  path = lc_test_write_snapshot(dir, name, &t, 20);
  for (i = 0; i < nsess; i++)
    free(names[i]);
  return path;
}

/* Writes `n` snapshot files with counts[k] Sessions into a new directory
 * under `root` and collects them as `leakcheck analyze` does. */
static void
write_series(struct lc_replay *rp, const unsigned *counts, size_t n)
{
  char *dir = lc_xasprintf("%s/snaps", root);
  struct lc_err err = LC_ERR_INIT;
  size_t k;
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  for (k = 0; k < n; k++) {
    char name[64];
    snprintf(name, sizeof(name), "%zu.heapsnapshot", k + 1);
    free(write_heap(dir, name, counts[k]));
  }
  ck_assert_int_eq(lc_replay_collect(rp, &dir, 1, &err), 0);
  ck_assert_uint_eq(rp->n, n);
  free(dir);
}

/* A config with one check `name` (its script is never started here). */
static void
parse_config(struct lc_config *cfg, const char *check_yaml)
{
  struct lc_err err = LC_ERR_INIT;
  char *path = lc_xasprintf("%s/leakcheck.yml", root);
  char *text = lc_xasprintf("version: 1\nchecks:\n%s", check_yaml);
  int rc = lc_config_parse(cfg, path, text, strlen(text), &err);
  ck_assert_msg(rc == 0, "config: %s", err.msg ? err.msg : "?");
  free(text);
  free(path);
}

static const char session_check[] = "  - name: sessions\n"
                                    "    script: app.js\n"
                                    "    warmup: 1\n"
                                    "    assert:\n"
                                    "      - constructor: Session\n"
                                    "        max_growth: 0\n"
                                    "      - constructor: Cache\n"
                                    "        max_count: 1\n";

/* Runs the check on the files; returns lc_run_check's value. */
static int
run_replay(struct lc_config *cfg, const struct lc_replay *rp, enum lc_keep keep,
           const char *snapdir, struct lc_check_result *res, struct lc_err *err)
{
  struct lc_run_opts opts = LC_RUN_OPTS_INIT;
  struct lc_check *check = &cfg->checks[0];
  ck_assert_int_eq(lc_replay_fit(check, rp, err), 0);
  opts.replay = rp;
  opts.keep = keep;
  opts.progress = 0;
  if (snapdir)
    opts.snapshot_dir = snapdir;
  return lc_run_check(cfg, check, &opts, res, err);
}

/* 2 → 5 → 8 → 11 Sessions, warmup 1: +6 objects (+240 B) over the 3
 * measured snapshots; the Cache stays at 1 and holds. */
START_TEST(growing_class_fails)
{
  static const unsigned counts[] = {2, 5, 8, 11};
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_replay rp = LC_REPLAY_INIT;
  struct lc_check_result res;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_assert_result *ar;
  const struct lc_finding *f;
  long row;

  parse_config(&cfg, session_check);
  write_series(&rp, counts, 4);
  ck_assert_int_eq(run_replay(&cfg, &rp, LC_KEEP_NEVER, NULL, &res, &err), 0);
  ck_assert_int_eq(err.code, LC_OK);
  ck_assert_int_eq(res.status, LC_CHECK_FAILED);
  ck_assert_ptr_eq(res.check, &cfg.checks[0]);
  ck_assert_ptr_null(res.error);
  ck_assert_uint_eq(res.series.nsnap, 4);
  ck_assert_uint_eq(res.series.warmup, 1);

  row = lc_series_find(&res.series, ",Session");
  ck_assert_int_ge(row, 0);
  ck_assert_uint_eq(res.series.rows[row].count[0], 2);
  ck_assert_uint_eq(res.series.rows[row].count[3], 11);
  ck_assert_uint_eq(res.series.rows[row].size[3], 11 * SESSION_SIZE);

  ck_assert_uint_eq(res.nresults, 2);
  ar = &res.results[0];
  ck_assert_int_eq(ar->failed, 1);
  ck_assert_uint_eq(ar->nmatched, 1);
  ck_assert_int_eq(ar->growth, 6);
  ck_assert_int_eq(ar->growth_bytes, 6 * SESSION_SIZE);
  ck_assert_str_eq(ar->message, "Session grew by +6 objects (+240 B) over 3 "
                                "snapshots; limit max_growth 0");
  ck_assert_uint_eq(ar->nfindings, 1);
  f = &ar->findings[0];
  ck_assert_ptr_eq(f->row, &res.series.rows[row]);
  ck_assert_uint_eq(f->failed_rules, LC_RULE_MAX_GROWTH);
  ck_assert_int_eq(f->growth, 6);
  ck_assert_int_eq(f->growth_bytes, 240);
  /* The explanation (diagnosis): one leak headed by the Session row, the
   * Sessions allocated in the measured window held by a global. */
  ck_assert_ptr_nonnull(f->why);
  ck_assert_contains(f->why, "held by: s5 (global variable) \xe2\x86\x92 "
                             "Session");
  ck_assert_uint_eq(ar->nleaks, 1);
  ck_assert_uint_eq(ar->leaks[0].root, 0);
  ck_assert_str_eq(ar->leaks[0].holder, "s5");

  ar = &res.results[1];
  ck_assert_int_eq(ar->failed, 0);
  ck_assert_uint_eq(ar->nfindings, 0);

  lc_check_result_release(&res);
  lc_replay_release(&rp);
  lc_config_release(&cfg);
}
END_TEST

START_TEST(flat_heap_passes)
{
  static const unsigned counts[] = {7, 7, 7, 7, 7};
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_replay rp = LC_REPLAY_INIT;
  struct lc_check_result res;
  struct lc_err err = LC_ERR_INIT;

  parse_config(&cfg, session_check);
  write_series(&rp, counts, 5);
  ck_assert_int_eq(run_replay(&cfg, &rp, LC_KEEP_NEVER, NULL, &res, &err), 0);
  ck_assert_int_eq(res.status, LC_CHECK_PASSED);
  ck_assert_uint_eq(res.series.nsnap, 5);
  ck_assert_uint_eq(res.nresults, 2);
  ck_assert_int_eq(res.results[0].failed, 0);
  ck_assert_int_eq(res.results[0].growth, 0);
  ck_assert_str_eq(res.results[0].message,
                   "held: worst growth +0 objects (+0 B) across 1 constructor");
  ck_assert_ptr_null(res.results[0].findings);
  ck_assert_int_eq(res.results[1].failed, 0);
  lc_check_result_release(&res);
  lc_replay_release(&rp);
  lc_config_release(&cfg);
}
END_TEST

/* warmup 2 needs 4 files; 3 are refused before anything runs. */
START_TEST(too_few_files_are_refused)
{
  static const unsigned counts[] = {1, 2, 3};
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_replay rp = LC_REPLAY_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *msg;

  parse_config(&cfg, "  - name: few\n"
                     "    script: app.js\n"
                     "    warmup: 2\n");
  write_series(&rp, counts, 3);
  ck_assert_int_eq(lc_replay_fit(&cfg.checks[0], &rp, &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  msg = lc_err_format(&err);
  ck_assert_str_eq(msg, "check 'few' needs at least 4 snapshot files "
                        "(warmup 2, then 2 measured); got 3");
  free(msg);
  lc_err_release(&err);
  lc_replay_release(&rp);
  lc_config_release(&cfg);
}
END_TEST

/* A file that is no snapshot stops the check: -1 with LC_EINPUT naming the
 * user's file (exit 2), the result BROKEN with the same text; the series
 * keeps the snapshots read before it. */
static const struct bad_case {
  const char *text;
  const char *want; /* the message, after the file's name */
} bad_cases[] = {
    {"this is not JSON", ": byte 0: unexpected character; expected '{' (a V8 "
                         "heap snapshot is a JSON object)"},
    {"", ": byte 0: empty file; expected a V8 heap snapshot (a JSON object "
         "starting with '{\"snapshot\"')"},
    {"{\"snapshot\":{\"meta\":{}}",
     ": byte 12: malformed snapshot header; expected 'snapshot.node_count' "
     "(an unsigned integer)"},
};

START_TEST(unreadable_file_is_an_input_error)
{
  static const unsigned counts[] = {3, 3, 3, 3};
  const struct bad_case *c = &bad_cases[_i];
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_replay rp = LC_REPLAY_INIT;
  struct lc_check_result res;
  struct lc_err err = LC_ERR_INIT;
  char *msg;

  parse_config(&cfg, session_check);
  write_series(&rp, counts, 4);
  lc_test_write(rp.files[2], c->text);
  ck_assert_int_eq(run_replay(&cfg, &rp, LC_KEEP_NEVER, NULL, &res, &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_ptr_nonnull(err.path);
  ck_assert_str_eq(err.path, rp.files[2]);
  msg = lc_err_format(&err);
  ck_assert_msg(strncmp(msg, rp.files[2], strlen(rp.files[2])) == 0,
                "message does not start with the file: %s", msg);
  ck_assert_str_eq(msg + strlen(rp.files[2]), c->want);
  ck_assert_int_eq(res.status, LC_CHECK_BROKEN);
  ck_assert_str_eq(res.error, msg);
  ck_assert_uint_eq(res.series.nsnap, 2);
  ck_assert_ptr_null(res.results);
  /* The user's files are all still there, the bad one unchanged. */
  ck_assert_int_eq(access(rp.files[0], R_OK), 0);
  ck_assert_int_eq(access(rp.files[3], R_OK), 0);
  free(msg);
  msg = lc_test_read(rp.files[2]);
  ck_assert_str_eq(msg, c->text);
  free(msg);
  lc_err_release(&err);
  lc_check_result_release(&res);
  lc_replay_release(&rp);
  lc_config_release(&cfg);
}
END_TEST

/* With files given, --keep-snapshots changes nothing: they are the user's,
 * never moved, copied or deleted, and no snapshot directory is made. */
static const enum lc_keep keeps[] = {LC_KEEP_NEVER, LC_KEEP_FAILED,
                                     LC_KEEP_ALWAYS};

START_TEST(keep_policy_leaves_replayed_files)
{
  static const unsigned grow[] = {2, 5, 8, 11}, flat[] = {4, 4, 4, 4};
  int leak;
  for (leak = 0; leak < 2; leak++) {
    struct lc_config cfg = LC_CONFIG_INIT;
    struct lc_replay rp = LC_REPLAY_INIT;
    struct lc_check_result res;
    struct lc_err err = LC_ERR_INIT;
    char *snapdir = lc_xasprintf("%s/kept", root);
    char *snaps = lc_xasprintf("%s/snaps", root);
    size_t k;

    parse_config(&cfg, session_check);
    write_series(&rp, leak ? grow : flat, 4);
    ck_assert_int_eq(run_replay(&cfg, &rp, keeps[_i], snapdir, &res, &err), 0);
    ck_assert_int_eq(res.status, leak ? LC_CHECK_FAILED : LC_CHECK_PASSED);
    ck_assert_int_eq(access(snapdir, F_OK), -1);
    ck_assert_uint_eq(lc_test_dir_entries(snaps), 4);
    for (k = 0; k < rp.n; k++) {
      struct stat st;
      ck_assert_int_eq(lstat(rp.files[k], &st), 0);
      ck_assert(S_ISREG(st.st_mode));
    }
    lc_check_result_release(&res);
    lc_replay_release(&rp);
    lc_config_release(&cfg);
    lc_test_rmtree(snaps);
    free(snaps);
    free(snapdir);
  }
}
END_TEST

/* ---- a live program ---------------------------------------------------------
 */

/* An idle Node program: the heap stays flat.  Each keep policy: `always`
 * leaves <check>/<run-id>/K.heapsnapshot for every snapshot, `failed` and
 * `never` leave nothing after a pass; the driver's temp files are gone
 * (TMPDIR is ours). */
START_TEST(live_idle_program_passes)
{
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_run_opts opts = LC_RUN_OPTS_INIT;
  struct lc_check_result res;
  struct lc_err err = LC_ERR_INIT;
  char *script = lc_xasprintf("%s/idle.js", root);
  char *tmp = lc_xasprintf("%s/tmp", root);
  char *snapdir = lc_xasprintf("%s/kept", root);
  char *checkdir = lc_xasprintf("%s/idle", snapdir);
  const char *node =
      access("/usr/bin/node", X_OK) == 0 ? "/usr/bin/node" : "node";
  char *yaml = lc_xasprintf("  - name: idle\n"
                            "    script: idle.js\n"
                            "    node: %s\n"
                            "    drive: { every: 100ms }\n"
                            "    snapshots: 3\n"
                            "    warmup: 1\n"
                            "    timeout: 60s\n"
                            "    assert:\n"
                            "      - total: true\n"
                            "        max_growth_bytes: 1MB\n",
                            node);
  unsigned k;
  char *pattern;
  glob_t g;
  int rc;

  lc_test_write(script, "const keep = [];\n"
                        "for (let i = 0; i < 100; i++) keep.push({ i });\n"
                        "setInterval(() => keep.length, 50);\n");
  ck_assert_int_eq(mkdir(tmp, 0700), 0);
  ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
  parse_config(&cfg, yaml);
  opts.keep = keeps[_i];
  opts.snapshot_dir = snapdir;
  opts.progress = 0;
  ck_assert_int_eq(lc_run_check(&cfg, &cfg.checks[0], &opts, &res, &err), 0);
  ck_assert_msg(res.status == LC_CHECK_PASSED, "status %d: %s\n%s",
                (int)res.status, res.error ? res.error : "",
                res.stderr_tail ? res.stderr_tail : "");
  ck_assert_uint_eq(res.series.nsnap, 3);
  ck_assert_uint_eq(res.series.warmup, 1);
  ck_assert_uint_eq(res.nresults, 1);
  ck_assert_int_eq(res.results[0].failed, 0);
  ck_assert_uint_gt(res.series.total_count[2], 1000);
  ck_assert_ptr_nonnull(res.series.max_id);
  ck_assert_uint_ge(res.series.max_id[2], res.series.max_id[0]);
  ck_assert(res.seconds > 0);
  /* Kept files go to <dir>/<check>/<run-id>/K.heapsnapshot. */
  pattern = lc_xasprintf("%s/*/*.heapsnapshot", checkdir);
  rc = glob(pattern, 0, NULL, &g);
  if (keeps[_i] == LC_KEEP_ALWAYS) {
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(g.gl_pathc, 3);
    ck_assert_uint_eq(lc_test_dir_entries(checkdir), 1);
    for (k = 0; k < 3; k++) {
      char want[32];
      snprintf(want, sizeof(want), "/%u.heapsnapshot", k + 1);
      ck_assert_str_eq(g.gl_pathv[k] + strlen(g.gl_pathv[k]) - strlen(want),
                       want);
    }
  } else {
    ck_assert_int_eq(rc, GLOB_NOMATCH);
  }
  if (rc == 0)
    globfree(&g);
  free(pattern);
  ck_assert_uint_eq(lc_test_dir_entries(tmp), 0);
  unsetenv("TMPDIR");
  lc_check_result_release(&res);
  lc_config_release(&cfg);
  free(yaml);
  free(checkdir);
  free(snapdir);
  free(tmp);
  free(script);
}
END_TEST

/* 5 planned snapshots (k 0..4), then confirmation ones: run times in
 * microseconds, the window's 0.5 s, then 1, 2 and 4 s. */
static const uint64_t run[] = {500000, 500000,  500000,  500000,
                               500000, 1000000, 2000000, 4000000};

/* The confirmation budget counts the program's run time, not the
 * snapshots' pauses; the wall time is a looser bound. */
START_TEST(confirm_budget_counts_run_time)
{
  struct lc_check c;
  memset(&c, 0, sizeof(c));
  c.snapshots = 5;
  c.confirm_snapshots = 6;
  c.confirm_timeout_ms = 20000;
  /* The first confirmation snapshot always fits, whatever the time. */
  ck_assert(lc_confirm_fits(&c, run, 5, 4, 2, 1000, 1000));
  ck_assert(lc_confirm_fits(&c, NULL, 0, 4, 2, 1000, 1000));
  /* After 1 + 2 + 4 s of run time an 8 s interval fits (15 s), although
   * the pauses took the wall time to 25 s: it stays under twice the
   * budget (25 + 3 s pause + 8 s run = 36 s). */
  ck_assert(lc_confirm_fits(&c, run, 8, 7, 2, 25, 7));
  /* A 16 s one does not (23 s of run time). */
  ck_assert(!lc_confirm_fits(&c, run, 8, 7, 4, 25, 7));
  /* Nor does the 8 s one when the pauses are long: 33 + 3 + 8 > 40. */
  ck_assert(!lc_confirm_fits(&c, run, 8, 7, 2, 33, 7));
  /* Without run times the wall time counts, within the budget. */
  ck_assert(lc_confirm_fits(&c, NULL, 0, 6, 2, 10, 4));
  ck_assert(!lc_confirm_fits(&c, NULL, 0, 6, 2, 13, 4));
  /* A call drive's quick calls: run time hardly counts, so the wall time
   * bounds it. */
  {
    uint64_t quick[] = {1000, 1000, 1000, 1000, 1000, 2000, 4000, 8000};
    ck_assert(lc_confirm_fits(&c, quick, 8, 7, 2, 38, 1));
    ck_assert(!lc_confirm_fits(&c, quick, 8, 7, 2, 39.5, 1));
  }
}
END_TEST

/* The confirmation ends on a repeated length: a longer interval only
 * when it and a repeat of it fit, in snapshots and in run time. */
START_TEST(confirm_ends_on_a_repeat)
{
  struct lc_check c;
  memset(&c, 0, sizeof(c));
  c.snapshots = 5;
  c.confirm_snapshots = 6;
  c.confirm_timeout_ms = 40000;
  /* The first confirmation interval doubles the window's: nothing to
   * repeat yet. */
  ck_assert_uint_eq(lc_confirm_next_scale(&c, run, 5, 4, 1, 2, 0, 0.5), 2);
  /* After 7 s: 16 (8 s) and its repeat fit in 40 s. */
  ck_assert_uint_eq(lc_confirm_next_scale(&c, run, 8, 7, 8, 16, 10, 5), 16);
  /* In 20 s they do not (7 + 8 + 8 > 20): the 8 s length again. */
  c.confirm_timeout_ms = 20000;
  ck_assert_uint_eq(lc_confirm_next_scale(&c, run, 8, 7, 8, 16, 10, 5), 8);
  /* In 10 s not even that (7 + 4 > 10): done. */
  c.confirm_timeout_ms = 10000;
  ck_assert_uint_eq(lc_confirm_next_scale(&c, run, 8, 7, 8, 16, 10, 5), 0);
  /* The last snapshot the budget allows repeats, whatever the time. */
  c.confirm_timeout_ms = 40000;
  c.confirm_snapshots = 4;
  ck_assert_uint_eq(lc_confirm_next_scale(&c, run, 8, 7, 8, 16, 10, 5), 8);
  /* A memory row keeps the window's length (asks for 1): so it does. */
  c.confirm_snapshots = 6;
  ck_assert_uint_eq(lc_confirm_next_scale(&c, run, 8, 7, 8, 1, 10, 5), 1);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("pipeline");
  TCase *tc = tcase_create("replay");
  tcase_set_timeout(tc, 30);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, growing_class_fails);
  tcase_add_test(tc, flat_heap_passes);
  tcase_add_test(tc, too_few_files_are_refused);
  tcase_add_loop_test(tc, unreadable_file_is_an_input_error, 0,
                      (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
  tcase_add_loop_test(tc, keep_policy_leaves_replayed_files, 0, 3);
  tcase_add_test(tc, confirm_budget_counts_run_time);
  tcase_add_test(tc, confirm_ends_on_a_repeat);
  suite_add_tcase(s, tc);

  tc = tcase_create("live");
  tcase_set_timeout(tc, 90);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, live_idle_program_passes, 0, 3);
  suite_add_tcase(s, tc);
  return s;
}
