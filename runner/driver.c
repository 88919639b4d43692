/*
 * The driver: runs one check's Node program with the agent preloaded and
 * takes its heap snapshots (see driver.h for the contract, runner/agent.js
 * for the other end of the protocol).
 */
#include "leakcheck/driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leakcheck/banned.h"

/* Generated at build time from runner/agent.js (cmake/embed.cmake). */
extern const char lc_agent_js[];
extern const unsigned long lc_agent_js_len;

extern char **environ;

#define AGENT_FD 3             /* the agent's end of the control socket */
#define AGENT_NAME "agent.cjs" /* .cjs: CommonJS whatever package.json says */
#define TAIL_MAX 65536         /* bytes of stdout/stderr kept */
#define CTL_LINE_MAX 65536     /* longest line accepted from the agent */
#define GRACE_MS 2000          /* SIGTERM, then SIGKILL */
#define NO_PIDFD_TICK_MS 50    /* waitpid polling when pidfd_open fails */

/* --- signals ------------------------------------------------------------- */

/* SIGINT, SIGTERM, SIGHUP are handled; SIGPIPE is ignored.  The first three
 * stay blocked except inside ppoll(), so they can only interrupt a wait. */
static const int saved_signo[4] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static struct sigaction saved_act[4]; /* dispositions before setup */
static sigset_t saved_mask;           /* signal mask before setup */
static int signals_ready;
static volatile sig_atomic_t got_signal;

static void
on_signal(int signo)
{
  got_signal = signo;
}

void
lc_driver_setup_signals(void)
{
  struct sigaction sa;
  sigset_t block;
  int i;

  if (signals_ready)
    return;
  sigprocmask(SIG_BLOCK, NULL, &saved_mask);
  for (i = 0; i < 4; i++)
    sigaction(saved_signo[i], NULL, &saved_act[i]);

  memset(&sa, 0, sizeof(sa));
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_signal; /* no SA_RESTART: the wait must see EINTR */
  sigemptyset(&block);
  for (i = 0; i < 3; i++) {
    /* A background job or nohup ignores SIGINT/SIGHUP; keep honouring it. */
    if (saved_signo[i] != SIGTERM && saved_act[i].sa_handler == SIG_IGN)
      continue;
    sigaction(saved_signo[i], &sa, NULL);
    sigaddset(&block, saved_signo[i]);
  }
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sigprocmask(SIG_BLOCK, &block, NULL);
  signals_ready = 1;
}

/* The current mask without our three signals: the mask to wait with. */
static void
wait_mask(sigset_t *m)
{
  sigprocmask(SIG_BLOCK, NULL, m);
  sigdelset(m, SIGINT);
  sigdelset(m, SIGTERM);
  sigdelset(m, SIGHUP);
}

/* Lets a signal that arrived while blocked run its handler now. */
static void
deliver_pending(void)
{
  struct timespec zero = {0, 0};
  sigset_t m;
  if (!signals_ready)
    return;
  wait_mask(&m);
  ppoll(NULL, 0, &zero, &m);
}

int
lc_driver_interrupted(void)
{
  if (!got_signal)
    deliver_pending();
  return got_signal;
}

static const char *
signal_name(int signo)
{
  const char *s = sigabbrev_np(signo);
  return s ? s : "?";
}

/* --- clean-up registry ------------------------------------------------- */

/* What an unexpected exit() must not leave behind.  One run at a time. */
static pid_t reg_pgid;
static const char *reg_dir;
static int reg_atexit_done;

/* Removes every entry of `dir` that unlink() can remove, then `dir`. */
static void
remove_dir(const char *dir)
{
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
        continue;
      unlinkat(dirfd(d), de->d_name, 0);
    }
    closedir(d);
  }
  rmdir(dir);
}

static void
cleanup_at_exit(void)
{
  if (reg_pgid > 0)
    kill(-reg_pgid, SIGKILL);
  if (reg_dir)
    remove_dir(reg_dir);
  reg_pgid = 0;
  reg_dir = NULL;
}

static void
register_dir(const char *dir)
{
  if (!reg_atexit_done) {
    atexit(cleanup_at_exit);
    reg_atexit_done = 1;
  }
  reg_dir = dir;
}

/* --- small helpers ------------------------------------------------------ */

void
lc_run_info_release(struct lc_run_info *info)
{
  lc_buf_release(&info->stdout_tail);
  lc_buf_release(&info->stderr_tail);
  info->exited = 0;
  info->exit_code = 0;
  info->snapshots_done = 0;
  info->pgid = 0;
}

static uint64_t
now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct timespec
ms_to_timespec(uint64_t ms)
{
  struct timespec ts;
  if (ms > (uint64_t)INT32_MAX * 1000u)
    ms = (uint64_t)INT32_MAX * 1000u;
  ts.tv_sec = (time_t)(ms / 1000u);
  ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
  return ts;
}

/* "60s", "1500ms": the forms leakcheck.yml accepts. */
static char *
format_duration(uint64_t ms)
{
  if (ms && ms % 1000u == 0)
    return lc_xasprintf("%llus", (unsigned long long)(ms / 1000u));
  return lc_xasprintf("%llums", (unsigned long long)ms);
}

/* `p` made absolute against the current directory (the program runs in
 * another one).  The caller frees the result. */
static char *
absolute_path(const char *p)
{
  char *cwd, *r;
  if (p[0] == '/')
    return lc_xstrdup(p);
  cwd = getcwd(NULL, 0);
  if (!cwd)
    return lc_xstrdup(p);
  while (p[0] == '.' && p[1] == '/')
    p += 2;
  r = lc_xasprintf("%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", p);
  free(cwd);
  return r;
}

/* Picks the node executable: check->node, $LEAKCHECK_NODE, then "node";
 * a bare name is looked up on $PATH here, before fork, so that the child
 * only calls execve.  Sets `*shown` to the name as the user gave it. */
static int
find_node(const struct lc_check *check, char **out, const char **shown)
{
  const char *name = check->node;
  const char *path, *p;
  struct lc_buf cand = LC_BUF_INIT;

  if (!name || !*name)
    name = getenv("LEAKCHECK_NODE");
  if (!name || !*name)
    name = "node";
  *shown = name;
  if (strchr(name, '/')) {
    *out = absolute_path(name);
    return 0;
  }
  path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin";
  for (p = path;; p++) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    struct stat st;
    lc_buf_reset(&cand);
    if (n)
      lc_buf_add(&cand, p, n);
    else
      lc_buf_addch(&cand, '.');
    lc_buf_addf(&cand, "/%s", name);
    if (stat(cand.buf, &st) == 0 && S_ISREG(st.st_mode) &&
        access(cand.buf, X_OK) == 0) {
      *out = absolute_path(cand.buf);
      lc_buf_release(&cand);
      return 0;
    }
    if (!end)
      break;
    p = end;
  }
  lc_buf_release(&cand);
  return -1;
}

static int
cannot_run(struct lc_err *err, const struct lc_check *check, const char *shown,
           int errnum)
{
  if (check->node && *check->node)
    return lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
                      "cannot run '%s': %s; fix the 'node' setting of "
                      "check '%s'",
                      shown, strerror(errnum), check->name ? check->name : "");
  return lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
                    "cannot run '%s': %s; install Node.js or set "
                    "LEAKCHECK_NODE",
                    shown, strerror(errnum));
}

static char *
make_temp_dir(struct lc_err *err)
{
  struct lc_buf b = LC_BUF_INIT;
  const char *t = getenv("TMPDIR");
  char *abs;
  if (!t || !*t)
    t = "/tmp";
  /* Absolute: the program runs in another directory. */
  abs = absolute_path(t);
  lc_buf_addstr(&b, abs);
  free(abs);
  while (b.len > 1 && b.buf[b.len - 1] == '/')
    lc_buf_setlen(&b, b.len - 1);
  lc_buf_addstr(&b, "/leakcheck-XXXXXX");
  if (!mkdtemp(b.buf)) { /* mode 0700 */
    lc_err_errno(err, errno, NULL,
                 "cannot create a temporary directory in '%s'", t);
    lc_buf_release(&b);
    return NULL;
  }
  return lc_buf_detach(&b, NULL);
}

static int
write_agent(const char *path, struct lc_err *err)
{
  const char *p = lc_agent_js;
  size_t left = lc_agent_js_len;
  int fd =
      open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return lc_err_errno(err, errno, path, "cannot write the agent");
  while (left) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      return lc_err_errno(err, e, path, "cannot write the agent");
    }
    p += n;
    left -= (size_t)n;
  }
  if (close(fd) < 0)
    return lc_err_errno(err, errno, path, "cannot write the agent");
  return 0;
}

/* Keeps the last TAIL_MAX bytes, not cutting into a UTF-8 sequence. */
static void
tail_trim(struct lc_buf *t)
{
  size_t cut, first;
  if (t->len <= TAIL_MAX)
    return;
  first = cut = t->len - TAIL_MAX;
  while (cut < t->len && cut - first < 3 &&
         ((unsigned char)t->buf[cut] & 0xC0) == 0x80)
    cut++;
  memmove(t->buf, t->buf + cut, t->len - cut);
  lc_buf_setlen(t, t->len - cut);
}

static void
tail_add(struct lc_buf *t, const char *p, size_t n)
{
  lc_buf_add(t, p, n);
  if (t->len >= 2 * TAIL_MAX)
    tail_trim(t);
}

/* Reads what the pipe `*fd` holds (at most `rounds` chunks) into `tail`;
 * closes it and sets -1 on EOF or error. */
static void
pump_output(int *fd, struct lc_buf *tail, int rounds)
{
  char chunk[16384];
  while (*fd >= 0 && rounds-- > 0) {
    ssize_t n = read(*fd, chunk, sizeof(chunk));
    if (n > 0) {
      tail_add(tail, chunk, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      rounds++;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    close(*fd);
    *fd = -1;
  }
}

static void
close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

/* Moves `*fd` to a descriptor above AGENT_FD (keeping CLOEXEC), so that the
 * child's dup2 onto 0..3 can never overwrite one of its own sources. */
static int
move_above_agent_fd(int *fd)
{
  int nfd;
  if (*fd > AGENT_FD)
    return 0;
  nfd = fcntl(*fd, F_DUPFD_CLOEXEC, AGENT_FD + 1);
  if (nfd < 0)
    return -1;
  close(*fd);
  *fd = nfd;
  return 0;
}

/* --- the run ------------------------------------------------------------ */

struct child_plan {
  const char *node;
  char **argv;
  char **envp;
  const char *cwd;
  int restore_signals;
  int null_fd, out_w, err_w, ctl_w, exec_w; /* all > AGENT_FD */
};

enum { STAGE_SETUP, STAGE_CHDIR, STAGE_EXEC };

/* Between fork and exec: async-signal-safe calls only. */
static void
child_exec(const struct child_plan *p)
{
  int msg[2] = {STAGE_SETUP, 0};
  int i;

  setpgid(0, 0);
  if (p->restore_signals) {
    for (i = 0; i < 4; i++)
      sigaction(saved_signo[i], &saved_act[i], NULL);
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
  }
  if (dup2(p->null_fd, 0) < 0 || dup2(p->out_w, 1) < 0 ||
      dup2(p->err_w, 2) < 0 || dup2(p->ctl_w, AGENT_FD) < 0)
    goto fail;
  if (p->cwd && *p->cwd && chdir(p->cwd) < 0) {
    msg[0] = STAGE_CHDIR;
    goto fail;
  }
#ifdef SYS_close_range
  /* Nothing but 0..3 (and the exec-status pipe, CLOEXEC) reaches node. */
  if (p->exec_w > AGENT_FD + 1)
    syscall(SYS_close_range, AGENT_FD + 1, p->exec_w - 1, 0);
  syscall(SYS_close_range, p->exec_w + 1, ~0U, 0);
#endif
  msg[0] = STAGE_EXEC;
  execve(p->node, p->argv, p->envp);
fail:
  msg[1] = errno;
  while (write(p->exec_w, msg, sizeof(msg)) < 0 && errno == EINTR)
    ;
  _exit(127);
}

/* Nonzero when `a` ("KEY=...") and `b` ("KEY=...") set the same variable. */
static int
same_key(const char *a, const char *b)
{
  size_t n = strcspn(a, "=");
  return strncmp(a, b, n) == 0 && (b[n] == '=' || b[n] == '\0');
}

/* The child's environment: ours, then the check's `env` (overriding), then
 * the agent's two variables.  Entries point into `environ`, `check` or
 * `own[0..1]` (freed by the caller); the array itself is the caller's. */
static char **
build_env(const struct lc_check *check, const char *dir, char *own[2])
{
  size_t n = 0, i, j, k = 0;
  char **env;
  for (i = 0; environ && environ[i]; i++)
    n++;
  env = lc_xcalloc(n + check->nenv + 3, sizeof(*env));
  own[0] = lc_xasprintf("LEAKCHECK_AGENT_FD=%d", AGENT_FD);
  own[1] = lc_xasprintf("LEAKCHECK_AGENT_DIR=%s", dir);
  for (i = 0; i < n; i++) {
    const char *e = environ[i];
    int skip = same_key(own[0], e) || same_key(own[1], e);
    for (j = 0; !skip && j < check->nenv; j++)
      skip = same_key(check->env[j], e);
    if (!skip)
      env[k++] = environ[i];
  }
  for (i = 0; i < check->nenv; i++) {
    int later = 0;
    for (j = i + 1; !later && j < check->nenv; j++)
      later = same_key(check->env[j], check->env[i]);
    if (!later && !same_key(own[0], check->env[i]) &&
        !same_key(own[1], check->env[i]))
      env[k++] = check->env[i];
  }
  env[k++] = own[0];
  env[k++] = own[1];
  env[k] = NULL;
  return env;
}

static char **
build_argv(const struct lc_check *check, const char *node, const char *agent,
           const char *script)
{
  size_t nn = check->node_args ? check->nnode_args : 0;
  size_t na = check->args ? check->nargs : 0;
  size_t i, k = 0;
  char **argv = lc_xcalloc(nn + na + 7, sizeof(*argv));
  argv[k++] = (char *)node;
  /* V8 allocates feedback vectors lazily and compiles baseline code
   * (Sparkplug) as functions warm up: an idle program's "(compiled code)"
   * then grows for minutes.  With both off, its heap is flat from the
   * first snapshot.  The user's node_args come after and can undo it. */
  argv[k++] = (char *)"--no-lazy-feedback-allocation";
  argv[k++] = (char *)"--no-sparkplug";
  for (i = 0; i < nn; i++)
    argv[k++] = check->node_args[i];
  argv[k++] = (char *)"--require";
  argv[k++] = (char *)agent;
  argv[k++] = (char *)script;
  for (i = 0; i < na; i++)
    argv[k++] = check->args[i];
  argv[k] = NULL;
  return argv;
}

struct run {
  const struct lc_check *check;
  lc_snapshot_fn fn;
  void *ctx;
  struct lc_run_info *info;
  struct lc_err *err;
  const char *dir;
  pid_t pid; /* also the process group */
  int pidfd; /* readable once the program ended, or -1 */
  int ctl;   /* our end of the control socket */
  int out_r, err_r;
  int ended; /* the leader ended (seen by waitid, not reaped yet) */
  int end_code, end_status; /* its si_code and si_status */
  int reaped;
  int ready;
  int awaiting;     /* "snap next" sent, its answer not received */
  unsigned next;    /* index of the next snapshot */
  uint64_t next_at; /* when to ask for it */
  uint64_t started;
  struct lc_buf line; /* partial line from the agent */
};

#define RUN_INIT                                                               \
  {                                                                            \
    .pidfd = -1, .ctl = -1, .out_r = -1, .err_r = -1, .line = LC_BUF_INIT      \
  }

/* Creates the channels and starts node.  On success the program runs,
 * r->pid/ctl/out_r/err_r are set; on failure nothing is left running. */
static int
spawn(struct run *r, const char *node, const char *shown, char **argv,
      char **envp)
{
  struct child_plan plan;
  int sv[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
  int ex[2] = {-1, -1}, null_fd = -1;
  int msg[2];
  ssize_t n;
  pid_t pid;
  int rc = -1;

  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
      pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
      pipe2(ex, O_CLOEXEC) < 0) {
    lc_err_errno(r->err, errno, NULL, "cannot create pipes for the program");
    goto out;
  }
  null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    lc_err_errno(r->err, errno, "/dev/null", "cannot open");
    goto out;
  }
  if (move_above_agent_fd(&null_fd) < 0 || move_above_agent_fd(&out[1]) < 0 ||
      move_above_agent_fd(&errp[1]) < 0 || move_above_agent_fd(&sv[1]) < 0 ||
      move_above_agent_fd(&ex[1]) < 0) {
    lc_err_errno(r->err, errno, NULL, "cannot set up the program's files");
    goto out;
  }
  if (fcntl(out[0], F_SETFL, O_NONBLOCK) < 0 ||
      fcntl(errp[0], F_SETFL, O_NONBLOCK) < 0) {
    lc_err_errno(r->err, errno, NULL, "cannot set up the program's pipes");
    goto out;
  }

  plan.node = node;
  plan.argv = argv;
  plan.envp = envp;
  plan.cwd = r->check->cwd;
  plan.restore_signals = signals_ready;
  plan.null_fd = null_fd;
  plan.out_w = out[1];
  plan.err_w = errp[1];
  plan.ctl_w = sv[1];
  plan.exec_w = ex[1];

  r->started = now_ms();
  pid = fork();
  if (pid < 0) {
    lc_err_errno(r->err, errno, NULL, "cannot start the program");
    goto out;
  }
  if (pid == 0)
    child_exec(&plan);

  /* Both sides set the group, so neither order of events races. */
  setpgid(pid, pid);
  r->pid = pid;
  r->info->pgid = (int)pid;
  reg_pgid = pid;
  close_fd(&null_fd);
  close_fd(&out[1]);
  close_fd(&errp[1]);
  close_fd(&sv[1]);
  close_fd(&ex[1]);

  /* EOF: execve worked (the pipe was CLOEXEC). */
  do
    n = read(ex[0], msg, sizeof(msg));
  while (n < 0 && errno == EINTR);
  if (n == (ssize_t)sizeof(msg)) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
    r->pid = 0;
    reg_pgid = 0;
    if (msg[0] == STAGE_EXEC)
      cannot_run(r->err, r->check, shown, msg[1]);
    else if (msg[0] == STAGE_CHDIR)
      lc_err_errno(r->err, msg[1], r->check->cwd,
                   "cannot enter the program's working directory");
    else
      lc_err_errno(r->err, msg[1], NULL, "cannot set up the program's files");
    goto out;
  }

#ifdef SYS_pidfd_open
  r->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
  r->ctl = sv[0];
  r->out_r = out[0];
  r->err_r = errp[0];
  sv[0] = out[0] = errp[0] = -1;
  rc = 0;
out:
  close_fd(&sv[0]);
  close_fd(&sv[1]);
  close_fd(&out[0]);
  close_fd(&out[1]);
  close_fd(&errp[0]);
  close_fd(&errp[1]);
  close_fd(&ex[0]);
  close_fd(&ex[1]);
  close_fd(&null_fd);
  return rc;
}

/* Nonzero once the program (the group leader) has ended; it stays a zombie
 * until stop_program reaps it, so its pid cannot name another group. */
static int
leader_ended(struct run *r)
{
  siginfo_t si;
  if (r->ended)
    return 1;
  memset(&si, 0, sizeof(si));
  if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
    if (errno != ECHILD)
      return 0;
    r->ended = 1; /* reaped behind our back (SIGCHLD ignored) */
    return 1;
  }
  if (si.si_pid != r->pid)
    return 0;
  r->ended = 1;
  r->end_code = si.si_code;
  r->end_status = si.si_status;
  return 1;
}

/* "exited with status 1", "was killed by signal SIGSEGV (11)". */
static char *
describe_end(const struct run *r)
{
  if (r->end_code == CLD_EXITED)
    return lc_xasprintf("exited with status %d", r->end_status);
  if (r->end_code == CLD_KILLED || r->end_code == CLD_DUMPED)
    return lc_xasprintf("was killed by signal SIG%s (%d)",
                        signal_name(r->end_status), r->end_status);
  return lc_xstrdup("exited");
}

static int
parse_index(const char *s, unsigned *out, const char **end)
{
  unsigned long v = 0;
  if (*s < '0' || *s > '9')
    return -1;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + (unsigned long)(*s - '0');
    if (v > 0xFFFFFFFFul)
      return -1;
    s++;
  }
  *out = (unsigned)v;
  *end = s;
  return 0;
}

static int
all_taken(const struct run *r)
{
  return r->ready && r->next >= r->check->snapshots;
}

/* Snapshot `k` is complete: hand it to the callback. */
static int
snapshot_done(struct run *r, unsigned k)
{
  char *path = lc_xasprintf("%s/%u.heapsnapshot", r->dir, k);
  int rc = 0;
  r->awaiting = 0;
  r->next = k + 1;
  r->info->snapshots_done = r->next;
  if (r->fn)
    rc = r->fn(r->ctx, k, path, r->err);
  if (rc < 0 && r->err && r->err->code == LC_OK)
    lc_err_set(r->err, LC_EINPUT, path, 0, 0, "cannot use snapshot %u", k);
  free(path);
  if (rc < 0)
    return -1;
  r->next_at = now_ms() + r->check->every_ms;
  return all_taken(r);
}

/* One line from the agent.  Returns 0 to go on, 1 when every snapshot has
 * been taken, -1 on failure. */
static int
handle_line(struct run *r, const char *line)
{
  unsigned k;
  const char *end;
  if (!strcmp(line, "ready") && !r->ready) {
    r->ready = 1;
    r->next_at = now_ms() + r->check->every_ms;
    return all_taken(r);
  }
  if (!strncmp(line, "done ", 5) && r->awaiting &&
      parse_index(line + 5, &k, &end) == 0 && !*end && k == r->next)
    return snapshot_done(r, k);
  if (!strncmp(line, "fail ", 5) && r->awaiting &&
      parse_index(line + 5, &k, &end) == 0 && k == r->next &&
      (*end == ' ' || !*end))
    return lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                      "the program could not write snapshot %u: %s", k,
                      *end ? end + 1 : "unknown error");
  return lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                    "unexpected message from leakcheck's agent: '%s'", line);
}

/* Reads and handles what the agent sent.  Same returns as handle_line. */
static int
pump_ctl(struct run *r)
{
  char chunk[4096];
  while (r->ctl >= 0) {
    ssize_t n = recv(r->ctl, chunk, sizeof(chunk), MSG_DONTWAIT);
    const char *p, *stop;
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n <= 0) { /* EOF or reset: the program is ending */
      close_fd(&r->ctl);
      break;
    }
    p = chunk;
    stop = chunk + n;
    while (p < stop) {
      const char *nl = memchr(p, '\n', (size_t)(stop - p));
      size_t len = nl ? (size_t)(nl - p) : (size_t)(stop - p);
      if (r->line.len + len > CTL_LINE_MAX)
        return lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                          "leakcheck's agent sent a line longer than %d "
                          "bytes",
                          CTL_LINE_MAX);
      lc_buf_add(&r->line, p, len);
      if (!nl)
        break;
      {
        int rc = handle_line(r, r->line.buf);
        lc_buf_reset(&r->line);
        if (rc)
          return rc;
      }
      p = nl + 1;
    }
  }
  return 0;
}

static int
send_snap(struct run *r)
{
  char msg[32];
  int len = snprintf(msg, sizeof(msg), "snap %u\n", r->next);
  const char *p = msg;
  while (len > 0) {
    ssize_t n = send(r->ctl, p, (size_t)len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    p += n;
    len -= (int)n;
  }
  return 0;
}

static int
interrupted(struct lc_err *err)
{
  return lc_err_set(err, LC_EINTERRUPT, NULL, 0, 0, "interrupted by SIG%s",
                    signal_name(got_signal));
}

/* The poll loop: start, "ready", then (every_ms, "snap K", "done K", fn)
 * until every snapshot is taken. */
static int
supervise(struct run *r)
{
  const struct lc_check *c = r->check;
  uint64_t deadline = c->timeout_ms ? r->started + c->timeout_ms : UINT64_MAX;
  sigset_t mask;

  wait_mask(&mask);
  for (;;) {
    struct pollfd pf[4];
    nfds_t n = 0;
    struct timespec ts;
    uint64_t now, wake;
    int rc;

    if (got_signal)
      return interrupted(r->err);
    now = now_ms();
    if (now >= deadline) {
      char *d = format_duration(c->timeout_ms);
      lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                 "timed out after %s with %u of %u snapshots taken", d,
                 r->info->snapshots_done, c->snapshots);
      free(d);
      return -1;
    }
    if (r->ready && !r->awaiting && r->ctl >= 0 && now >= r->next_at) {
      if (send_snap(r) == 0)
        r->awaiting = 1;
      else
        close_fd(&r->ctl); /* gone: its end shows up below */
    }

    wake = deadline;
    if (r->ready && !r->awaiting && r->ctl >= 0 && r->next_at < wake)
      wake = r->next_at;
    if ((r->pidfd < 0 || r->ctl < 0) && now + NO_PIDFD_TICK_MS < wake)
      wake = now + NO_PIDFD_TICK_MS;
    if (r->ctl >= 0)
      pf[n++] = (struct pollfd){r->ctl, POLLIN, 0};
    if (r->out_r >= 0)
      pf[n++] = (struct pollfd){r->out_r, POLLIN, 0};
    if (r->err_r >= 0)
      pf[n++] = (struct pollfd){r->err_r, POLLIN, 0};
    if (r->pidfd >= 0)
      pf[n++] = (struct pollfd){r->pidfd, POLLIN, 0};
    ts = ms_to_timespec(wake > now ? wake - now : 0);
    if (ppoll(pf, n, &ts, &mask) < 0) {
      if (errno == EINTR)
        continue;
      return lc_err_errno(r->err, errno, NULL, "cannot wait for the program");
    }

    pump_output(&r->out_r, &r->info->stdout_tail, 16);
    pump_output(&r->err_r, &r->info->stderr_tail, 16);
    rc = pump_ctl(r);
    if (rc)
      return rc < 0 ? -1 : 0;
    if (leader_ended(r)) {
      char *how;
      rc = pump_ctl(r); /* what it said before it ended */
      if (rc)
        return rc < 0 ? -1 : 0;
      r->info->exited = 1;
      how = describe_end(r);
      if (!r->ready)
        lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                   "the program %s before it was ready", how);
      else
        lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                   "the program %s after %u of %u snapshots%s", how,
                   r->info->snapshots_done, c->snapshots,
                   r->end_code == CLD_EXITED && r->end_status == 0
                       ? "; with 'every', it must keep running (a timer, a "
                         "server) until leakcheck stops it"
                       : "");
      free(how);
      return -1;
    }
  }
}

/* Ends the program's whole group: SIGTERM, up to GRACE_MS, SIGKILL; then
 * reaps the program and keeps the last of its output. */
static void
stop_program(struct run *r)
{
  int status;
  if (r->pid <= 0)
    return;
  if (leader_ended(r)) {
    r->info->exited = 1;
  } else {
    uint64_t until = now_ms() + GRACE_MS;
    kill(-r->pid, SIGTERM);
    while (!leader_ended(r)) {
      struct pollfd pf[3];
      nfds_t n = 0;
      struct timespec ts;
      uint64_t now = now_ms(), wait;
      if (now >= until)
        break;
      wait = until - now;
      if (r->pidfd < 0 && wait > NO_PIDFD_TICK_MS)
        wait = NO_PIDFD_TICK_MS;
      if (r->out_r >= 0)
        pf[n++] = (struct pollfd){r->out_r, POLLIN, 0};
      if (r->err_r >= 0)
        pf[n++] = (struct pollfd){r->err_r, POLLIN, 0};
      if (r->pidfd >= 0)
        pf[n++] = (struct pollfd){r->pidfd, POLLIN, 0};
      ts = ms_to_timespec(wait);
      /* Our signals stay blocked here: the stop is already under way. */
      ppoll(pf, n, &ts, NULL);
      pump_output(&r->out_r, &r->info->stdout_tail, 16);
      pump_output(&r->err_r, &r->info->stderr_tail, 16);
    }
  }
  /* The leader is a zombie or still running, so -pid still names its
   * group: this takes the stragglers (children it started) too. */
  kill(-r->pid, SIGKILL);
  while (waitpid(r->pid, &status, 0) < 0) {
    if (errno != EINTR) {
      status = -1;
      break;
    }
  }
  if (status != -1) {
    if (WIFEXITED(status))
      r->info->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      r->info->exit_code = 128 + WTERMSIG(status);
  } else if (r->end_code == CLD_EXITED) {
    r->info->exit_code = r->end_status;
  }
  r->reaped = 1;
  reg_pgid = 0;
  pump_output(&r->out_r, &r->info->stdout_tail, 256);
  pump_output(&r->err_r, &r->info->stderr_tail, 256);
}

int
lc_driver_run(const struct lc_check *check, const char *config_path,
              lc_snapshot_fn fn, void *ctx, struct lc_run_info *info,
              struct lc_err *err)
{
  struct run r = RUN_INIT;
  char *script = NULL, *node = NULL, *dir = NULL, *agent = NULL;
  char **argv = NULL, **envp = NULL;
  char *own_env[2] = {NULL, NULL};
  const char *shown = NULL;
  struct stat st;
  int rc = -1;

  r.check = check;
  r.fn = fn;
  r.ctx = ctx;
  r.info = info;
  r.err = err;

  deliver_pending();
  if (got_signal)
    return interrupted(err);

  script = absolute_path(check->script_path);
  if (stat(script, &st) < 0) {
    int e = errno;
    const char *as = check->script ? check->script : check->script_path;
    if (e == ENOENT || e == ENOTDIR)
      lc_err_set(err, LC_ECONFIG, config_path, check->script_mark.line,
                 check->script_mark.col,
                 "script '%s' not found (resolved to '%s')", as, script);
    else
      lc_err_set(err, LC_ECONFIG, config_path, check->script_mark.line,
                 check->script_mark.col,
                 "cannot read script '%s' (resolved to '%s'): %s", as, script,
                 strerror(e));
    goto out;
  }
  if (find_node(check, &node, &shown) < 0) {
    cannot_run(err, check, shown, ENOENT);
    goto out;
  }

  dir = make_temp_dir(err);
  if (!dir)
    goto out;
  register_dir(dir);
  r.dir = dir;
  agent = lc_xasprintf("%s/%s", dir, AGENT_NAME);
  if (write_agent(agent, err) < 0)
    goto out;
  argv = build_argv(check, node, agent, script);
  envp = build_env(check, dir, own_env);

  if (spawn(&r, node, shown, argv, envp) < 0)
    goto out;
  rc = supervise(&r);
  stop_program(&r);

out:
  tail_trim(&info->stdout_tail);
  tail_trim(&info->stderr_tail);
  close_fd(&r.ctl);
  close_fd(&r.out_r);
  close_fd(&r.err_r);
  close_fd(&r.pidfd);
  lc_buf_release(&r.line);
  if (dir) {
    remove_dir(dir);
    reg_dir = NULL;
  }
  free(own_env[0]);
  free(own_env[1]);
  free(envp);
  free(argv);
  free(agent);
  free(dir);
  free(node);
  free(script);
  return rc;
}
