/*
 * The driver, end to end: real node programs (written into a private temp
 * dir at test time) run through lc_driver_run.  Each test points TMPDIR at
 * its own directory and makes this process a child subreaper, so that it can
 * check afterwards that the temp dir is gone and that nothing of the
 * program's process group survives (orphans are reparented to us and
 * reaped here).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/driver.h"
#include "testutil.h"

static char *root;   /* everything this test makes */
static char *work;   /* scripts; the program's cwd */
static char *tmpdir; /* TMPDIR for the driver */

static char *
join(const char *a, const char *b)
{
  return lc_xasprintf("%s/%s", a, b);
}

static void
remove_root(void)
{
  lc_test_rmtree(root);
}

static void
setup(void)
{
  root = lc_test_tmpdir("/tmp", "check-driver");
  work = join(root, "work");
  tmpdir = join(root, "tmp");
  ck_assert_int_eq(mkdir(work, 0700), 0);
  ck_assert_int_eq(mkdir(tmpdir, 0700), 0);
  ck_assert_int_eq(setenv("TMPDIR", tmpdir, 1), 0);
  unsetenv("LEAKCHECK_NODE");
  ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
  atexit(remove_root);
}

static void
teardown(void)
{
  remove_root();
  free(root);
  root = NULL;
  free(work);
  free(tmpdir);
}

/* Writes a fixture script into `work`; returns its absolute path. */
static char *
fixture(const char *name, const char *text)
{
  char *path = join(work, name);
  lc_test_write(path, text);
  return path;
}

static void
check_for(struct lc_check *c, char *script, char *path)
{
  memset(c, 0, sizeof(*c));
  c->name = (char *)"t";
  c->script = script;
  c->script_path = path;
  c->cwd = work;
  c->timeout_ms = 30000;
  c->every_ms = 100;
  c->snapshots = 3;
  c->warmup = 1;
}

static int
count_fds(void)
{
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  struct dirent *de;
  ck_assert_ptr_nonnull(d);
  while ((de = readdir(d)) != NULL)
    n += de->d_name[0] != '.';
  closedir(d);
  return n;
}

static int
leftover_temp_dirs(void)
{
  int n = 0;
  DIR *d = opendir(tmpdir);
  struct dirent *de;
  ck_assert_ptr_nonnull(d);
  while ((de = readdir(d)) != NULL)
    n += strncmp(de->d_name, "leakcheck-", 10) == 0;
  closedir(d);
  return n;
}

static void
sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Reaps orphans reparented to us; nonzero when `pid` (or the group -pid)
 * is gone within 3 s. */
static int
gone(pid_t pid)
{
  int i;
  for (i = 0; i < 150; i++) {
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
      ;
    if (kill(pid, 0) < 0 && errno == ESRCH)
      return 1;
    sleep_ms(20);
  }
  return 0;
}

/* After every run: no process of the group, no temp dir, no fd leaked. */
static void
assert_clean(const struct lc_run_info *info, int fds_before)
{
  if (info->pgid > 0)
    ck_assert_msg(gone(-info->pgid), "process group %d survived", info->pgid);
  ck_assert_int_eq(leftover_temp_dirs(), 0);
  ck_assert_int_eq(count_fds(), fds_before);
}

static uint64_t
now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* --- the snapshot callback ---------------------------------------------- */

struct seen {
  unsigned calls;
  unsigned ks[32];
  int complete[32];    /* the file existed and ended with "]}" */
  long node_count[32]; /* from the snapshot's header */
  int fail_at;         /* return -1 at this k (when >= 0) */
  int break_dir_at;    /* empty and remove the temp dir at this k */
  char *dir_seen;
};

#define SEEN_INIT                                                              \
  {                                                                            \
    0, {0}, {0}, {0}, -1, -1, NULL                                             \
  }

static long
header_node_count(const char *head)
{
  const char *p = strstr(head, "\"node_count\":");
  return p ? strtol(p + 13, NULL, 10) : -1;
}

static int
record(void *ctx, unsigned k, const char *path, struct lc_err *err)
{
  struct seen *s = ctx;
  char tail[2], head[4097];
  struct stat st;
  int fd;
  ssize_t n;

  if (!s)
    return 0;
  ck_assert_uint_lt(s->calls, 32);
  s->ks[s->calls] = k;
  fd = open(path, O_RDONLY);
  if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 2 &&
      pread(fd, tail, 2, st.st_size - 2) == 2)
    s->complete[s->calls] = tail[0] == ']' && tail[1] == '}';
  if (fd >= 0) {
    n = pread(fd, head, sizeof(head) - 1, 0);
    head[n > 0 ? n : 0] = '\0';
    s->node_count[s->calls] = header_node_count(head);
    close(fd);
  }
  if (!s->dir_seen) {
    const char *slash = strrchr(path, '/');
    s->dir_seen = lc_xstrndup(path, (size_t)(slash - path));
  }
  s->calls++;
  if ((int)k == s->break_dir_at) {
    /* Makes the next v8.writeHeapSnapshot fail. */
    DIR *d = opendir(s->dir_seen);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
      if (de->d_name[0] != '.')
        unlinkat(dirfd(d), de->d_name, 0);
    if (d)
      closedir(d);
    rmdir(s->dir_seen);
  }
  if ((int)k == s->fail_at)
    return lc_err_set(err, LC_EINPUT, path, 0, 0, "stop here at %u", k);
  return 0;
}

/* --- tests --------------------------------------------------------------- */

START_TEST(idle_program_gives_every_snapshot)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("idle.js", "setInterval(() => {}, 1000);\n");
  int fds = count_fds();
  unsigned i;

  check_for(&c, "idle.js", path);
  c.snapshots = 4;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   0);
  ck_assert_int_eq(err.code, LC_OK);
  ck_assert_uint_eq(s.calls, 4);
  for (i = 0; i < 4; i++) {
    ck_assert_uint_eq(s.ks[i], i);
    ck_assert_msg(s.complete[i], "snapshot %u incomplete", i);
    ck_assert_int_gt(s.node_count[i], 1000);
  }
  ck_assert_uint_eq(info.snapshots_done, 4);
  ck_assert_int_eq(info.exited, 0);
  ck_assert_int_eq(info.exit_code, 128 + SIGTERM);
  ck_assert_int_gt(info.pgid, 0);
  /* The temp dir is private and lives in TMPDIR. */
  ck_assert_ptr_nonnull(s.dir_seen);
  ck_assert_int_eq(strncmp(s.dir_seen, tmpdir, strlen(tmpdir)), 0);
  ck_assert_ptr_nonnull(strstr(s.dir_seen, "/leakcheck-"));
  ck_assert_int_eq(access(s.dir_seen, F_OK), -1);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

/* The program breaks: what lc_driver_run reports. */
struct broken_case {
  const char *name;
  const char *script;
  uint64_t every_ms, timeout_ms;
  unsigned snapshots;
  const char *msg; /* expected substring of err.msg */
  int exited, exit_code;
  const char *stderr_has;
};

static const struct broken_case broken_cases[] = {
    {"throws.js", "throw new Error('boom at start');\n", 100, 30000, 3,
     "the program exited with status 1 before it was ready", 1, 1,
     "boom at start"},
    {"exits.js",
     "setInterval(() => {}, 1000);\n"
     "setTimeout(() => process.exit(0), 300);\n",
     200, 30000, 5, "the program exited with status 0 after ", 1, 0, NULL},
    {"sleeps.js", "setInterval(() => {}, 1000);\n", 5000, 1500, 3,
     "timed out after 1500ms with 0 of 3 snapshots taken", 0, 128 + SIGTERM,
     NULL},
    {"killed.js",
     "setInterval(() => {}, 1000);\n"
     "setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100);\n",
     5000, 30000, 3,
     "the program was killed by signal SIGKILL (9) after 0 of 3 snapshots", 1,
     128 + SIGKILL, NULL},
    {"crash.js",
     "setInterval(() => {}, 1000);\n"
     "setTimeout(() => { throw new TypeError('late failure'); }, 250);\n",
     100, 30000, 20, "the program exited with status 1 after ", 1, 1,
     "TypeError: late failure"},
};

START_TEST(broken_program_is_reported)
{
  const struct broken_case *bc = &broken_cases[_i];
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture(bc->name, bc->script);
  int fds = count_fds();
  uint64_t t0 = now_ms();

  check_for(&c, (char *)bc->name, path);
  c.every_ms = bc->every_ms;
  c.timeout_ms = bc->timeout_ms;
  c.snapshots = bc->snapshots;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   -1);
  ck_assert_int_eq(err.code, LC_EPROGRAM);
  ck_assert_msg(strstr(err.msg, bc->msg), "%s: '%s'", bc->name, err.msg);
  ck_assert_ptr_null(err.path);
  ck_assert_int_eq(info.exited, bc->exited);
  ck_assert_int_eq(info.exit_code, bc->exit_code);
  ck_assert_uint_lt(info.snapshots_done, bc->snapshots);
  ck_assert_uint_eq(info.snapshots_done, s.calls);
  if (bc->stderr_has)
    ck_assert_msg(strstr(info.stderr_tail.buf, bc->stderr_has), "stderr: '%s'",
                  info.stderr_tail.buf);
  if (bc->timeout_ms < 30000) /* timeout plus the SIGTERM, not the grace */
    ck_assert_uint_lt(now_ms() - t0, bc->timeout_ms + 1500);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(missing_script_points_at_the_config)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path = join(work, "examples/nope.js");
  int fds = count_fds();

  check_for(&c, "examples/nope.js", path);
  c.script_mark.line = 7;
  c.script_mark.col = 13;
  ck_assert_int_eq(
      lc_driver_run(&c, "cfg/leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_ECONFIG);
  ck_assert_str_eq(err.path, "cfg/leakcheck.yml");
  ck_assert_uint_eq(err.line, 7);
  ck_assert_uint_eq(err.col, 13);
  {
    char *want = lc_xasprintf("script 'examples/nope.js' not found "
                              "(resolved to '%s')",
                              path);
    ck_assert_str_eq(err.msg, want);
    free(want);
  }
  ck_assert_int_eq(info.pgid, 0);
  assert_clean(&info, fds);
  free(path);
  lc_err_release(&err);
}
END_TEST

/* Node cannot be started: check->node, LEAKCHECK_NODE, PATH. */
struct nonode_case {
  const char *node, *env_node, *path_env;
  const char *msg;
};

static const struct nonode_case nonode_cases[] = {
    {"/nonexistent/node", NULL, NULL,
     "cannot run '/nonexistent/node': No such file or directory; fix the "
     "'node' setting of check 't'"},
    {NULL, "/nonexistent/node2", NULL,
     "cannot run '/nonexistent/node2': No such file or directory; install "
     "Node.js or set LEAKCHECK_NODE"},
    {NULL, NULL, "/nonexistent-bin:/also-nonexistent",
     "cannot run 'node': No such file or directory; install Node.js or set "
     "LEAKCHECK_NODE"},
    {"/dev/null", NULL, NULL, "cannot run '/dev/null': Permission denied"},
};

START_TEST(node_not_found_is_a_system_error)
{
  const struct nonode_case *nc = &nonode_cases[_i];
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path = fixture("idle.js", "setInterval(() => {}, 1000);\n");
  int fds = count_fds();

  check_for(&c, "idle.js", path);
  c.node = (char *)nc->node;
  if (nc->env_node)
    setenv("LEAKCHECK_NODE", nc->env_node, 1);
  if (nc->path_env)
    setenv("PATH", nc->path_env, 1);
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_msg(strstr(err.msg, nc->msg), "'%s'", err.msg);
  assert_clean(&info, fds);
  free(path);
  lc_err_release(&err);
}
END_TEST

START_TEST(output_is_captured_not_printed)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path = fixture("hello.js", "console.log('hello');\n"
                                   "console.error('to stderr');\n"
                                   "setInterval(() => {}, 1000);\n");
  char *outpath = join(root, "our-output");
  int fds = count_fds();
  int saved1 = dup(1), saved2 = dup(2);
  int fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  struct stat st;
  int rc;

  ck_assert_int_ge(fd, 0);
  fflush(stdout);
  fflush(stderr);
  dup2(fd, 1);
  dup2(fd, 2);
  close(fd);
  check_for(&c, "hello.js", path);
  c.snapshots = 2;
  rc = lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err);
  dup2(saved1, 1);
  dup2(saved2, 2);
  close(saved1);
  close(saved2);
  ck_assert_int_eq(rc, 0);
  ck_assert_str_eq(info.stdout_tail.buf, "hello\n");
  ck_assert_str_eq(info.stderr_tail.buf, "to stderr\n");
  ck_assert_int_eq(stat(outpath, &st), 0);
  ck_assert_int_eq(st.st_size, 0);
  assert_clean(&info, fds);
  free(outpath);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(long_output_keeps_the_last_64k)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  /* 1 MiB on stdout and on stderr, written while we also wait for "ready":
   * reading one pipe only would deadlock. */
  char *path =
      fixture("chatty.js", "const line = 'x'.repeat(1023) + '\\n';\n"
                           "let s = '';\n"
                           "for (let i = 0; i < 1024; i++) s += line;\n"
                           "process.stdout.write(s + 'END-OUT\\n');\n"
                           "process.stderr.write(s + 'END-ERR\\n');\n"
                           "setInterval(() => {}, 1000);\n");
  int fds = count_fds();

  check_for(&c, "chatty.js", path);
  c.snapshots = 2;
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), 0);
  ck_assert_uint_eq(info.stdout_tail.len, 65536);
  ck_assert_uint_eq(info.stderr_tail.len, 65536);
  ck_assert_str_eq(info.stdout_tail.buf + 65536 - 8, "END-OUT\n");
  ck_assert_str_eq(info.stderr_tail.buf + 65536 - 8, "END-ERR\n");
  assert_clean(&info, fds);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(children_of_the_program_are_killed)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  /* A spawned grandchild and a forked one (fork passes `--require agent`
   * through execArgv and puts its IPC channel on fd 3: the agent must stay
   * quiet there). */
  char *path =
      fixture("parent.js",
              "const cp = require('child_process');\n"
              "const a = cp.spawn(process.execPath,\n"
              "  ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });\n"
              "const b = cp.fork(__dirname + '/child.js');\n"
              "console.log('kids ' + a.pid + ' ' + b.pid);\n"
              "setInterval(() => {}, 1000);\n");
  char *child = fixture("child.js", "setInterval(() => {}, 1000);\n");
  int fds = count_fds();
  long a = 0, b = 0;

  check_for(&c, "parent.js", path);
  c.snapshots = 3;
  c.every_ms = 300;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   0);
  ck_assert_uint_eq(s.calls, 3);
  ck_assert_int_eq(sscanf(info.stdout_tail.buf, "kids %ld %ld", &a, &b), 2);
  ck_assert_int_gt(a, 0);
  ck_assert_int_gt(b, 0);
  ck_assert_msg(gone((pid_t)a), "spawned grandchild %ld survived", a);
  ck_assert_msg(gone((pid_t)b), "forked grandchild %ld survived", b);
  ck_assert_str_eq(info.stderr_tail.buf, "");
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(child);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(callback_failure_stops_the_check)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("idle.js", "setInterval(() => {}, 1000);\n");
  int fds = count_fds();

  check_for(&c, "idle.js", path);
  c.snapshots = 5;
  s.fail_at = 1;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.msg, "stop here at 1");
  ck_assert_uint_eq(s.calls, 2);
  ck_assert_int_eq(info.exited, 0);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(failed_snapshot_write_is_reported)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("idle.js", "setInterval(() => {}, 1000);\n");
  int fds = count_fds();

  check_for(&c, "idle.js", path);
  s.break_dir_at = 0;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   -1);
  ck_assert_int_eq(err.code, LC_EPROGRAM);
  ck_assert_msg(strstr(err.msg, "the program could not write snapshot 1: "),
                "'%s'", err.msg);
  ck_assert_msg(strstr(err.msg, "ENOENT"), "'%s'", err.msg);
  ck_assert_uint_eq(s.calls, 1);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(sigint_interrupts_the_wait)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path =
      fixture("ctrlc.js", "setInterval(() => {}, 1000);\n"
                          "setTimeout(() => process.kill(process.ppid, "
                          "'SIGINT'), 200);\n");
  int fds;
  uint64_t t0 = now_ms();

  lc_driver_setup_signals();
  fds = count_fds();
  ck_assert_int_eq(lc_driver_interrupted(), 0);
  check_for(&c, "ctrlc.js", path);
  c.every_ms = 10000;
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_EINTERRUPT);
  ck_assert_str_eq(err.msg, "interrupted by SIGINT");
  ck_assert_int_eq(lc_driver_interrupted(), SIGINT);
  ck_assert_uint_lt(now_ms() - t0, 5000);
  assert_clean(&info, fds);
  lc_err_release(&err);
  lc_run_info_release(&info);
  /* Once interrupted, the next run does not even start. */
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_EINTERRUPT);
  ck_assert_int_eq(info.pgid, 0);
  free(path);
  lc_err_release(&err);
}
END_TEST

START_TEST(args_env_and_cwd_reach_the_program)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path = fixture(
      "show.js", "console.log(JSON.stringify([process.argv.slice(2),\n"
                 "  process.env.LC_TEST_A, process.env.LC_TEST_B,\n"
                 "  'LEAKCHECK_AGENT_FD' in process.env,\n"
                 "  'LEAKCHECK_AGENT_DIR' in process.env,\n"
                 "  process.cwd() === require('path').dirname(__filename),\n"
                 "  process.execArgv.includes('--no-warnings')]));\n"
                 "setInterval(() => {}, 1000);\n");
  char *args[] = {(char *)"a b", (char *)"--flag", NULL};
  char *node_args[] = {(char *)"--no-warnings", NULL};
  char *env[] = {(char *)"LC_TEST_A=one", (char *)"LC_TEST_B=x",
                 (char *)"LC_TEST_B=two", NULL};
  int fds = count_fds();

  setenv("LC_TEST_A", "from-parent", 1);
  check_for(&c, "show.js", path);
  c.snapshots = 2;
  c.args = args;
  c.nargs = 2;
  c.node_args = node_args;
  c.nnode_args = 1;
  c.env = env;
  c.nenv = 3;
  /* A relative script path is resolved against our cwd, not the
   * program's... */
  ck_assert_int_eq(chdir(root), 0);
  c.script_path = (char *)"work/show.js";
  /* So is a relative TMPDIR. */
  ck_assert_int_eq(setenv("TMPDIR", "tmp", 1), 0);
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), 0);
  ck_assert_str_eq(info.stdout_tail.buf,
                   "[[\"a b\",\"--flag\"],\"one\",\"two\",false,false,true,"
                   "true]\n");
  assert_clean(&info, fds);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(es_module_entry_works)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("esm.mjs", "import { setInterval as si } from "
                                  "'node:timers';\n"
                                  "export const held = [];\n"
                                  "si(() => {}, 1000);\n"
                                  "console.log('esm ' + typeof require);\n");
  int fds = count_fds();

  check_for(&c, "esm.mjs", path);
  c.snapshots = 2;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   0);
  ck_assert_uint_eq(s.calls, 2);
  ck_assert(s.complete[0] && s.complete[1]);
  ck_assert_str_eq(info.stdout_tail.buf, "esm undefined\n");
  ck_assert_str_eq(info.stderr_tail.buf, "");
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

/* The agent must leave nothing growing: ten snapshots of an idle program
 * have the same node count once warm. */
START_TEST(idle_heap_is_stable)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  /* The timer fires often, so its code paths are warm before snapshot 0;
   * without these V8 flags, feedback vectors and baseline code for node's
   * internals keep appearing for a while (compiled code, not objects). */
  char *node_args[] = {(char *)"--no-lazy-feedback-allocation",
                       (char *)"--no-sparkplug", NULL};
  char *path = fixture("idle.js", "setInterval(() => {}, 20);\n");
  int fds = count_fds();
  unsigned i;

  check_for(&c, "idle.js", path);
  c.node_args = node_args;
  c.nnode_args = 2;
  c.snapshots = 10;
  c.every_ms = 50;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   0);
  ck_assert_uint_eq(s.calls, 10);
  for (i = 3; i < 10; i++)
    ck_assert_msg(s.node_count[i] == s.node_count[2],
                  "node_count[%u] = %ld, node_count[2] = %ld", i,
                  s.node_count[i], s.node_count[2]);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

/* --- drive modes ---------------------------------------------------------- */

/* A module for `call`: one kept object per call of leak(); idle() and
 * idleAsync() keep nothing. */
static const char call_module[] =
    "'use strict';\n"
    "const kept = [];\n"
    "let setups = 0;\n"
    "exports.setup = async () => { setups++; };\n"
    "exports.leak = function () { kept.push({ n: kept.length }); };\n"
    "exports.idle = () => {};\n"
    "exports.idleAsync = async () => { await null; };\n"
    "exports.throwsAt3 = function () {\n"
    "  if (kept.push(1) === 3) throw new RangeError('third call');\n"
    "};\n"
    "exports.rejects = () => Promise.reject(new Error('async failure'));\n"
    "exports.notfn = 42;\n"
    "exports.badSetup = () => { throw new Error('setup failed'); };\n"
    "exports.setups = () => { if (setups !== 1) throw new Error('setups ' +"
    " setups); };\n";

/* The agent must not grow per call: with an export that keeps nothing,
 * snapshots 1..5 have the same node count.  Snapshot 0 (after the first
 * batch; the default warmup) may hold a few more: V8 drops some compiled
 * code after the first collections. */
START_TEST(call_idle_export_is_flat)
{
  static const char *const exports[] = {"idle", "idleAsync"};
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("mod.js", call_module);
  int fds = count_fds();
  unsigned i;

  check_for(&c, "mod.js", path);
  c.drive = LC_DRIVE_CALL;
  c.call = (char *)exports[_i];
  c.call_times = 50;
  c.snapshots = 6;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   0);
  ck_assert_uint_eq(s.calls, 6);
  /* With allocation tracking on (the default), the inspector session adds
   * a few dozen nodes after snapshot 0, which is a warm-up snapshot; from
   * snapshot 1 on nothing grows either way. */
  if (!lc_driver_tracks_allocations())
    ck_assert_int_le(s.node_count[1], s.node_count[0]);
  for (i = 2; i < 6; i++)
    ck_assert_msg(s.node_count[i] == s.node_count[1],
                  "%s: node_count[%u] = %ld, node_count[1] = %ld", exports[_i],
                  i, s.node_count[i], s.node_count[1]);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

/* One kept object per call: the node count grows the same from one
 * snapshot to the next; setup ran once. */
START_TEST(call_leak_grows_per_batch)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("mod.js", call_module);
  int fds = count_fds();
  long d1, d2;

  check_for(&c, "mod.js", path);
  c.drive = LC_DRIVE_CALL;
  c.call = (char *)"leak";
  c.call_times = 40;
  c.snapshots = 4;
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err),
                   0);
  ck_assert_uint_eq(s.calls, 4);
  d1 = s.node_count[2] - s.node_count[1];
  d2 = s.node_count[3] - s.node_count[2];
  ck_assert_int_ge(d1, 40);
  ck_assert_int_eq(d1, d2);
  assert_clean(&info, fds);
  free(s.dir_seen);
  lc_run_info_release(&info);

  /* setup ran exactly once before the calls. */
  c.call = (char *)"setups";
  ck_assert_int_eq(lc_driver_run(&c, "leakcheck.yml", NULL, NULL, &info, &err),
                   0);
  assert_clean(&info, fds);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

struct call_fault {
  const char *export_name, *setup;
  const char *msg;        /* expected err.msg */
  const char *stderr_has; /* the stack, when something threw */
  int has_path;           /* err points at `call:` in the config */
};

static const struct call_fault call_faults[] = {
    {"nope", NULL,
     "'mod.js' has no export 'nope'; its exports are: setup, leak, idle, "
     "idleAsync, throwsAt3, rejects, notfn, badSetup, setups",
     NULL, 1},
    {"notfn", NULL, "export 'notfn' of 'mod.js' is a number, not a function",
     NULL, 1},
    {"throwsAt3", NULL,
     "call 3 of 5 to 'throwsAt3' before snapshot 0 threw: RangeError: third "
     "call, at exports.throwsAt3 (",
     "RangeError: third call\n    at exports.throwsAt3", 0},
    {"rejects", NULL,
     "call 1 of 5 to 'rejects' before snapshot 0 threw: Error: async "
     "failure, at exports.rejects (",
     "Error: async failure", 0},
    {"idle", "badSetup", "setup export 'badSetup' threw: Error: setup failed",
     "Error: setup failed", 0},
    {"idle", "missingSetup",
     "'mod.js' has no export 'missingSetup' (setup); its exports are:", NULL,
     1},
};

START_TEST(call_faults_are_reported)
{
  const struct call_fault *f = &call_faults[_i];
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path = fixture("mod.js", call_module);
  int fds = count_fds();

  check_for(&c, "mod.js", path);
  c.drive = LC_DRIVE_CALL;
  c.call = (char *)f->export_name;
  c.call_setup = (char *)f->setup;
  c.call_mark.line = 7;
  c.call_mark.col = 20;
  c.call_times = 5;
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_EPROGRAM);
  ck_assert_msg(!strncmp(err.msg, f->msg, strlen(f->msg)), "got '%s'", err.msg);
  if (f->has_path) {
    ck_assert_str_eq(err.path, "leakcheck.yml");
    ck_assert_uint_eq(err.line, 7);
    ck_assert_uint_eq(err.col, 20);
  } else {
    ck_assert_ptr_null(err.path);
  }
  if (f->stderr_has)
    ck_assert_msg(strstr(info.stderr_tail.buf, f->stderr_has), "stderr: '%s'",
                  info.stderr_tail.buf);
  /* The agent's own frames are cut from the stack. */
  ck_assert_ptr_null(strstr(info.stderr_tail.buf, "agent.cjs"));
  ck_assert_uint_eq(info.snapshots_done, 0);
  assert_clean(&info, fds);
  free(path);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

/* ES modules: .mjs, and a .js under "type": "module"; default exports. */
struct esm_case {
  const char *file, *text, *export_name;
};

static const struct esm_case esm_cases[] = {
    {"mod.mjs",
     "let n = 0;\nexport function run() { n++; }\n"
     "export async function setup() { await 0; }\n",
     "run"},
    {"esm/mod.js", "export default async function () {}\n", "default"},
    {"cjs.cjs", "module.exports = function () {};\n", "default"},
    {"tla.mjs", "await null;\nexport const run = () => {};\n", "run"},
};

START_TEST(call_loads_es_modules)
{
  const struct esm_case *e = &esm_cases[_i];
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *dir = join(work, "esm"), *path;
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  free(fixture("esm/package.json", "{\"type\": \"module\"}\n"));
  path = fixture(e->file, e->text);
  check_for(&c, (char *)e->file, path);
  c.drive = LC_DRIVE_CALL;
  c.call = (char *)e->export_name;
  c.call_times = 3;
  c.snapshots = 2;
  ck_assert_msg(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err) ==
                    0,
                "%s: %s; stderr: %s", e->file, err.msg ? err.msg : "",
                info.stderr_tail.buf);
  ck_assert_uint_eq(s.calls, 2);
  free(s.dir_seen);
  free(path);
  free(dir);
  lc_run_info_release(&info);
}
END_TEST

/* A server counting its requests, printing the count when stopped. */
static const char http_server[] =
    "'use strict';\n"
    "const http = require('http');\n"
    "let served = 0;\n"
    "const server = http.createServer((req, res) => {\n"
    "  served++;\n"
    "  res.statusCode = req.url === '/missing' ? 404 : 200;\n"
    "  res.end('ok');\n"
    "});\n"
    "server.listen(0, '127.0.0.1', () =>\n"
    "  console.log('Listening on http://127.0.0.1:' + "
    "server.address().port + '/'));\n"
    "process.on('SIGTERM', () => { console.log('served ' + served); "
    "process.exit(0); });\n";

START_TEST(http_requests_between_snapshots)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("server.js", http_server);
  char *headers[] = {NULL};
  int fds = count_fds();

  check_for(&c, "server.js", path);
  c.drive = LC_DRIVE_HTTP;
  c.http.target = (char *)"/ok";
  c.http.method = (char *)"GET";
  c.http.headers = headers;
  c.http.requests = 17;
  c.http.concurrency = 3;
  c.http.ready_timeout_ms = 10000;
  c.snapshots = 3;
  ck_assert_msg(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err) ==
                    0,
                "%s", err.msg ? err.msg : "");
  ck_assert_uint_eq(s.calls, 3);
  ck_assert_uint_eq(info.requests, 51);
  ck_assert_uint_eq(info.failed_requests, 0);
  ck_assert_ptr_nonnull(strstr(info.note.buf, "51 requests sent to "
                                              "127.0.0.1:"));
  ck_assert_ptr_nonnull(strstr(info.note.buf, "all answered 2xx"));
  /* The server counted them too. */
  ck_assert_msg(strstr(info.stdout_tail.buf, "served 51\n"), "stdout: %s",
                info.stdout_tail.buf);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

struct http_fault {
  const char *script;
  const char *target;
  unsigned port;
  uint64_t max_failed;
  const char *msg;
};

static const struct http_fault http_faults[] = {
    {"setInterval(() => {}, 1000);\n", "/", 0, 0,
     "the server printed no port within 800ms (ready_timeout)"},
    {"setInterval(() => {}, 1000);\n", "/", 1, 0,
     "the server did not accept connections on 127.0.0.1:1 within 800ms "
     "(ready_timeout)"},
    {http_server, "/missing", 0, 0,
     "1 of 1 requests (GET /missing) failed, more than max_failed_requests "
     "0: 1 x HTTP 404"},
    {http_server, "/missing", 0, 2,
     "3 of 3 requests (GET /missing) failed, more than max_failed_requests "
     "2: 3 x HTTP 404"},
    {"'use strict';\n"
     "const server = require('http').createServer((req, res) => {\n"
     "  process.kill(process.pid, 'SIGKILL');\n"
     "});\n"
     "server.listen(0, '127.0.0.1', () => console.log('listening on port ' +"
     " server.address().port));\n",
     "/", 0, 0,
     "the server was killed by signal SIGKILL (9) after 0 of 3 snapshots, "
     "while leakcheck was sending requests ("},
};

START_TEST(http_faults_are_reported)
{
  const struct http_fault *f = &http_faults[_i];
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path = fixture("server.js", f->script);
  char *headers[] = {NULL};
  int fds = count_fds();
  uint64_t t0 = now_ms();

  check_for(&c, "server.js", path);
  c.drive = LC_DRIVE_HTTP;
  c.http.target = (char *)f->target;
  c.http.method = (char *)"GET";
  c.http.headers = headers;
  c.http.requests = 10;
  c.http.port = f->port;
  c.http.max_failed = f->max_failed;
  c.http.ready_timeout_ms = 800;
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_EPROGRAM);
  ck_assert_msg(strstr(err.msg, f->msg), "got '%s'", err.msg);
  ck_assert_uint_lt(now_ms() - t0, 8000);
  assert_clean(&info, fds);
  free(path);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

/* Dumps the program writes itself: node's --heapsnapshot-signal (into the
 * diagnostic dir leakcheck adds), and a stand-in for the heapdump module
 * (heapdump-A.B.heapsnapshot in the cwd, moved away by leakcheck). */
struct signal_case {
  const char *script;
  const char *node_arg;
};

static const struct signal_case signal_cases[] = {
    {"setInterval(() => {}, 20);\n", "--heapsnapshot-signal=SIGUSR2"},
    {"const v8 = require('v8');\n"
     "process.on('SIGUSR2', () => {\n"
     "  const t = process.hrtime.bigint();\n"
     "  v8.writeHeapSnapshot('heapdump-' + (t / 1000000n) + '.' +"
     " (t % 1000000n) + '.heapsnapshot');\n"
     "});\n"
     "setInterval(() => {}, 20);\n",
     NULL},
};

static int
dumps_in(const char *dir)
{
  int n = 0;
  DIR *d = opendir(dir);
  struct dirent *de;
  ck_assert_ptr_nonnull(d);
  while ((de = readdir(d)) != NULL)
    n += strstr(de->d_name, ".heapsnapshot") != NULL;
  closedir(d);
  return n;
}

START_TEST(signal_dumps_are_picked_up)
{
  const struct signal_case *sc = &signal_cases[_i];
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *path = fixture("dumps.js", sc->script);
  char *node_args[] = {(char *)sc->node_arg, NULL};
  int fds = count_fds();
  unsigned i;

  check_for(&c, "dumps.js", path);
  c.drive = LC_DRIVE_SIGNAL;
  c.signo = SIGUSR2;
  c.every_ms = 50;
  c.snapshots = 3;
  if (sc->node_arg) {
    c.node_args = node_args;
    c.nnode_args = 1;
  }
  ck_assert_msg(lc_driver_run(&c, "leakcheck.yml", record, &s, &info, &err) ==
                    0,
                "%s", err.msg ? err.msg : "");
  ck_assert_uint_eq(s.calls, 3);
  for (i = 0; i < 3; i++) {
    ck_assert_uint_eq(s.ks[i], i);
    ck_assert_msg(s.complete[i], "snapshot %u incomplete", i);
    ck_assert_int_gt(s.node_count[i], 1000);
  }
  /* Handed over inside the private dir; nothing left in the cwd. */
  ck_assert_int_eq(strncmp(s.dir_seen, tmpdir, strlen(tmpdir)), 0);
  ck_assert_int_eq(dumps_in(work), 0);
  assert_clean(&info, fds);
  free(s.dir_seen);
  free(path);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(signal_faults_are_reported)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *path =
      fixture("quiet.js", _i == 0 ? "process.on('SIGUSR2', () => {});\n"
                                    "setInterval(() => {}, 1000);\n"
                                  : "setInterval(() => {}, 1000);\n");
  int fds = count_fds();
  uint64_t t0 = now_ms();

  check_for(&c, "quiet.js", path);
  c.drive = LC_DRIVE_SIGNAL;
  c.signo = SIGUSR2;
  c.every_ms = 50;
  c.timeout_ms = 1500;
  ck_assert_int_eq(
      lc_driver_run(&c, "leakcheck.yml", record, NULL, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_EPROGRAM);
  if (_i == 0)
    ck_assert_msg(strstr(err.msg, "timed out after 1500ms with 0 of 3 "
                                  "snapshots taken; no dump appeared after "
                                  "SIGUSR2 (snapshot 0): watched '"),
                  "got '%s'", err.msg);
  else
    ck_assert_msg(strstr(err.msg, "the program was killed by signal SIGUSR2 "
                                  "(12) after 0 of 3 snapshots; it does not "
                                  "handle SIGUSR2"),
                  "got '%s'", err.msg);
  ck_assert_uint_lt(now_ms() - t0, 1500 + 2500);
  assert_clean(&info, fds);
  free(path);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

/* analyze: existing files reach the callback in the order given, through
 * links that the callback may remove without touching the originals. */
static int
replay_record(void *ctx, unsigned k, const char *path, struct lc_err *err)
{
  struct seen *s = ctx;
  char buf[16] = {0};
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_gt(read(fd, buf, sizeof(buf) - 1), 0);
  close(fd);
  s->node_count[k] = strtol(buf, NULL, 10);
  s->ks[s->calls++] = k;
  unlink(path);
  if ((int)k == s->fail_at) {
    /* What main.c's callback does with a file it cannot parse. */
    lc_err_set(err, LC_EINPUT, path, 0, 0, "bad file");
    err->code = LC_EPROGRAM;
    return -1;
  }
  return 0;
}

START_TEST(replay_hands_over_existing_files)
{
  struct lc_check c;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct seen s = SEEN_INIT;
  char *files[3];
  int fds = count_fds();
  unsigned i;

  files[0] = fixture("b.heapsnapshot", "20");
  files[1] = fixture("a.heapsnapshot", "10");
  files[2] = fixture("c.heapsnapshot", "30");
  check_for(&c, "x.js", files[0]);
  ck_assert_int_eq(
      lc_driver_replay(&c, files, 3, replay_record, &s, &info, &err), 0);
  ck_assert_uint_eq(s.calls, 3);
  ck_assert_int_eq(s.node_count[0], 20);
  ck_assert_int_eq(s.node_count[1], 10);
  ck_assert_int_eq(s.node_count[2], 30);
  ck_assert_uint_eq(info.snapshots_done, 3);
  for (i = 0; i < 3; i++)
    ck_assert_int_eq(access(files[i], R_OK), 0);
  ck_assert_int_eq(leftover_temp_dirs(), 0);

  /* A file the callback cannot use: an input error naming it. */
  memset(&s, 0, sizeof(s));
  s.fail_at = 1;
  ck_assert_int_eq(
      lc_driver_replay(&c, files, 3, replay_record, &s, &info, &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.path, files[1]);
  ck_assert_str_eq(err.msg, "bad file");
  ck_assert_uint_eq(s.calls, 2);
  ck_assert_int_eq(access(files[1], R_OK), 0);
  ck_assert_int_eq(leftover_temp_dirs(), 0);
  ck_assert_int_eq(count_fds(), fds);
  for (i = 0; i < 3; i++)
    free(files[i]);
  lc_err_release(&err);
  lc_run_info_release(&info);
}
END_TEST

START_TEST(describe_names_the_drive)
{
  struct lc_check c;
  char *d;
  memset(&c, 0, sizeof(c));
  c.snapshots = 5;
  c.every_ms = 500;
  d = lc_driver_describe(&c);
  ck_assert_str_eq(d, "5 snapshots, every 500ms");
  free(d);
  c.drive = LC_DRIVE_CALL;
  c.call = (char *)"run";
  c.call_times = 25;
  d = lc_driver_describe(&c);
  ck_assert_str_eq(d, "5 snapshots, 25 calls of 'run' before each");
  free(d);
  c.drive = LC_DRIVE_HTTP;
  c.http.requests = 100;
  c.http.method = (char *)"POST";
  c.http.target = (char *)"/items";
  d = lc_driver_describe(&c);
  ck_assert_str_eq(d, "5 snapshots, 100 requests to POST /items before each");
  free(d);
  c.drive = LC_DRIVE_SIGNAL;
  c.signo = SIGUSR2;
  c.every_ms = 2000;
  d = lc_driver_describe(&c);
  ck_assert_str_eq(d, "5 snapshots by SIGUSR2, every 2s");
  free(d);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("driver");
  TCase *tc = tcase_create("run");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, idle_program_gives_every_snapshot);
  tcase_add_loop_test(tc, broken_program_is_reported, 0,
                      (int)(sizeof(broken_cases) / sizeof(broken_cases[0])));
  tcase_add_test(tc, missing_script_points_at_the_config);
  tcase_add_loop_test(tc, node_not_found_is_a_system_error, 0,
                      (int)(sizeof(nonode_cases) / sizeof(nonode_cases[0])));
  tcase_add_test(tc, output_is_captured_not_printed);
  tcase_add_test(tc, long_output_keeps_the_last_64k);
  tcase_add_test(tc, children_of_the_program_are_killed);
  tcase_add_test(tc, callback_failure_stops_the_check);
  tcase_add_test(tc, failed_snapshot_write_is_reported);
  tcase_add_test(tc, sigint_interrupts_the_wait);
  tcase_add_test(tc, args_env_and_cwd_reach_the_program);
  tcase_add_test(tc, es_module_entry_works);
  tcase_add_test(tc, idle_heap_is_stable);
  suite_add_tcase(s, tc);

  tc = tcase_create("drive");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, call_idle_export_is_flat, 0, 2);
  tcase_add_test(tc, call_leak_grows_per_batch);
  tcase_add_loop_test(tc, call_faults_are_reported, 0,
                      (int)(sizeof(call_faults) / sizeof(call_faults[0])));
  tcase_add_loop_test(tc, call_loads_es_modules, 0,
                      (int)(sizeof(esm_cases) / sizeof(esm_cases[0])));
  tcase_add_test(tc, http_requests_between_snapshots);
  tcase_add_loop_test(tc, http_faults_are_reported, 0,
                      (int)(sizeof(http_faults) / sizeof(http_faults[0])));
  tcase_add_loop_test(tc, signal_dumps_are_picked_up, 0,
                      (int)(sizeof(signal_cases) / sizeof(signal_cases[0])));
  tcase_add_loop_test(tc, signal_faults_are_reported, 0, 2);
  tcase_add_test(tc, replay_hands_over_existing_files);
  tcase_add_test(tc, describe_names_the_drive);
  suite_add_tcase(s, tc);
  return s;
}
