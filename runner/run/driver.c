/*
 * The driver: runs one check's Node program with the agent preloaded and
 * takes its heap snapshots (see driver.h for the contract, runner/agent.js
 * for the other end of the protocol).
 */
#include "run/driver.h"
#include "base/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define JSMN_STATIC
#include <jsmn.h>

#include "base/jsonstr.h"
#include "run/http.h"
#include "verdict/verdict.h"

#include "base/banned.h"

/* Generated at build time from runner/agent.js (cmake/embed.cmake). */
extern const char lc_agent_js[];
extern const unsigned long lc_agent_js_len;

extern char **environ;

#define AGENT_FD 3             /* the agent's end of the control socket */
#define AGENT_NAME "agent.cjs" /* .cjs: CommonJS whatever package.json says */
#define CALL_ENTRY_NAME "call-entry.cjs" /* node's main script for `call` */
#define PORT_PROBE_MS 50    /* http: between two connection attempts */
#define MAX_WATCHES 3       /* signal: directories watched for dumps */
#define TAIL_MAX 65536      /* bytes of stdout/stderr kept */
#define CTL_LINE_MAX 65536  /* longest line accepted from the agent */
#define GRACE_MS 2000       /* SIGTERM, then SIGKILL */
#define NO_PIDFD_TICK_MS 50 /* waitpid polling when pidfd_open fails */
#define SWEEP_TICK_MS 10    /* between two sweeps of descendants */
#define SWEEP_ROUNDS 500    /* sweeps before giving up (5 s) */
#define SWEEP_GRACE_MS 500  /* SIGTERM, then SIGKILL, for descendants */

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

/* --- descendants --------------------------------------------------------- */

/* leakcheck is a child subreaper (PR_SET_CHILD_SUBREAPER): a process the
 * program started and left behind (detached, setsid, double fork) is
 * reparented to us instead of init when its parent ends.  So "every
 * descendant of the program" is "every process whose parent chain leads to
 * us", which /proc shows whatever session or process group it moved to.
 * Without /proc the sweep finds nothing and only the process group is
 * killed (documented in the README). */

static int subreaper_set;

static void
become_subreaper(void)
{
  if (!subreaper_set && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    subreaper_set = 1;
}

/* Reads /proc/PID/stat: the parent pid, and the resident pages when
 * rss_pages is not NULL.  0, or -1 when it cannot be read. */
static int
read_stat(const char *pid, long *ppid, unsigned long long *rss_pages)
{
  char path[64], buf[1024];
  const char *p;
  ssize_t n;
  int fd, field;
  snprintf(path, sizeof(path), "/proc/%s/stat", pid);
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* "pid (comm) state ppid …": comm may hold spaces and parentheses, so
   * the fields are counted from its last ')'. */
  p = strrchr(buf, ')');
  if (!p)
    return -1;
  /* Field 3 (state) follows ") "; ppid is 4, rss is 24. */
  for (field = 2; *p && field < 24; p++) {
    if (*p != ' ')
      continue;
    field++;
    if (field == 4)
      *ppid = strtol(p + 1, NULL, 10);
  }
  if (field != 24)
    return -1;
  if (rss_pages)
    *rss_pages = strtoull(p, NULL, 10);
  return 0;
}

/* The parent of `pid` from /proc/PID/stat, or -1. */
static pid_t
proc_ppid(pid_t pid)
{
  char id[24];
  long ppid;
  snprintf(id, sizeof(id), "%ld", (long)pid);
  if (read_stat(id, &ppid, NULL) < 0)
    return -1;
  return (pid_t)ppid;
}

struct proc_list {
  pid_t *pid, *ppid;
  size_t n, alloc, alloc2;
};

/* Fills `pl` with every process whose parent chain leads to us.  Returns
 * how many there are. */
static size_t
find_descendants(struct proc_list *pl)
{
  struct proc_list all = {NULL, NULL, 0, 0, 0};
  pid_t self = getpid();
  DIR *d = opendir("/proc");
  size_t i, added;
  pl->n = 0;
  if (!d)
    return 0;
  for (;;) {
    struct dirent *de = readdir(d);
    char *end;
    long v;
    pid_t pp;
    if (!de)
      break;
    v = strtol(de->d_name, &end, 10);
    if (*end || v <= 0 || (pid_t)v == self)
      continue;
    pp = proc_ppid((pid_t)v);
    if (pp <= 0)
      continue;
    LC_ALLOC_GROW(all.pid, all.n + 1, all.alloc);
    LC_ALLOC_GROW(all.ppid, all.n + 1, all.alloc2);
    all.pid[all.n] = (pid_t)v;
    all.ppid[all.n++] = pp;
  }
  closedir(d);
  /* Our children, then theirs, until nothing is added. */
  do {
    added = 0;
    for (i = 0; i < all.n; i++) {
      size_t j;
      int ours = all.ppid[i] == self, seen = 0;
      for (j = 0; j < pl->n && !seen; j++) {
        seen = pl->pid[j] == all.pid[i];
        ours = ours || pl->pid[j] == all.ppid[i];
      }
      if (ours && !seen) {
        LC_ALLOC_GROW(pl->pid, pl->n + 1, pl->alloc);
        LC_ALLOC_GROW(pl->ppid, pl->n + 1, pl->alloc2);
        pl->pid[pl->n] = all.pid[i];
        pl->ppid[pl->n++] = all.ppid[i];
        added++;
      }
    }
  } while (added);
  free(all.pid);
  free(all.ppid);
  return pl->n;
}

/* Sends `signo` to descendant `i` of `pl`.  Through a pidfd, checked to
 * still have the parent the scan saw, so that a pid reused in between by
 * a stranger is never signalled. */
static void
signal_descendant(const struct proc_list *pl, size_t i, int signo)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
  int fd = (int)syscall(SYS_pidfd_open, pl->pid[i], 0);
  if (fd >= 0) {
    if (proc_ppid(pl->pid[i]) == pl->ppid[i])
      syscall(SYS_pidfd_send_signal, fd, signo, NULL, 0);
    close(fd);
    return;
  }
  if (errno != ENOSYS)
    return; /* gone already */
#endif
  if (proc_ppid(pl->pid[i]) == pl->ppid[i])
    kill(pl->pid[i], signo);
}

/* Reaps every child of ours that has ended. */
static void
reap_children(void)
{
  int status;
  while (waitpid(-1, &status, WNOHANG) > 0)
    ;
}

/* Reaps the orphans reparented to us that have ended, while the program
 * runs: a program that keeps starting short-lived grandchildren must not
 * fill the process table with our zombies.  The leader is left alone (its
 * status is read by leader_ended and stop_program). */
static void
reap_orphans(pid_t leader)
{
  for (;;) {
    siginfo_t si;
    int status;
    memset(&si, 0, sizeof(si));
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
        si.si_pid == 0 || si.si_pid == leader)
      return;
    waitpid(si.si_pid, &status, 0);
  }
}

/* Sends `signo` to every descendant.  Returns how many there were. */
static size_t
signal_descendants(int signo)
{
  struct proc_list pl = {NULL, NULL, 0, 0, 0};
  size_t i, n = find_descendants(&pl);
  for (i = 0; i < n; i++)
    signal_descendant(&pl, i, signo);
  free(pl.pid);
  free(pl.ppid);
  return n;
}

/* Ends every descendant: SIGTERM, up to `grace_ms` for them to go, then
 * SIGKILL until none is left (each one killed reparents its own children
 * to us, which the next round finds), reaping as they end.  Bounded:
 * gives up after SWEEP_ROUNDS rounds. */
static void
sweep_descendants(unsigned grace_ms)
{
  uint64_t ms;
  unsigned round;
  struct timespec tick = {0, SWEEP_TICK_MS * 1000000L};
  reap_children();
  if (!signal_descendants(SIGTERM))
    return;
  for (ms = 0; ms < grace_ms; ms += SWEEP_TICK_MS) {
    nanosleep(&tick, NULL);
    reap_children();
    if (!signal_descendants(0))
      return;
  }
  for (round = 0; round < SWEEP_ROUNDS; round++) {
    reap_children();
    if (!signal_descendants(SIGKILL))
      return;
    nanosleep(&tick, NULL);
  }
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
  if (reg_pgid > 0) {
    kill(-reg_pgid, SIGKILL);
    sweep_descendants(0);
  }
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
  lc_buf_release(&info->note);
  free(info->mem);
  info->mem = NULL;
  info->nmem = 0;
  free(info->run_us);
  info->run_us = NULL;
  info->nrun = 0;
  info->exited = 0;
  info->exit_code = 0;
  info->snapshots_done = 0;
  info->pgid = 0;
  info->requests = 0;
  info->failed_requests = 0;
  info->max_pause_ms = 0;
  info->confirm_timed_out = 0;
  info->killed_by = 0;
  info->tracked = 0;
}

static uint64_t
now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t
now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
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
  if (!strcmp(p, ".") || !*p)
    return cwd;
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
  struct lc_buf as = LC_BUF_INIT;
  lc_buf_add_cut(&as, shown, LC_QUOTE_MAX);
  if (check->node && *check->node)
    lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
               "cannot run '%s': %s; fix the 'node' setting of check '%s'",
               as.buf, strerror(errnum), check->name ? check->name : "");
  else
    lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
               "cannot run '%s': %s; install Node.js or set LEAKCHECK_NODE",
               as.buf, strerror(errnum));
  lc_buf_release(&as);
  return -1;
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

/* Writes `len` bytes to the new file `path` (mode 0600). */
static int
write_new_file(const char *path, const char *p, size_t left, struct lc_err *err)
{
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

static int
write_agent(const char *path, struct lc_err *err)
{
  return write_new_file(path, lc_agent_js, lc_agent_js_len, err);
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

#define MAX_OWN_ENV 4

static int
is_own(char *const own[MAX_OWN_ENV], const char *e)
{
  int i;
  for (i = 0; i < MAX_OWN_ENV; i++)
    if (own[i] && same_key(own[i], e))
      return 1;
  return 0;
}

/* The child's environment: ours, then the check's `env` (overriding), then
 * the agent's variables `own` (NULL entries are skipped).  Entries point
 * into `environ`, `check` or `own` (freed by the caller); the array itself
 * is the caller's. */
static char **
build_env(const struct lc_check *check, char *const own[MAX_OWN_ENV])
{
  size_t n = 0, i, j, k = 0;
  char **env;
  for (i = 0; environ && environ[i]; i++)
    n++;
  env = lc_xcalloc(n + check->nenv + MAX_OWN_ENV + 1, sizeof(*env));
  for (i = 0; i < n; i++) {
    const char *e = environ[i];
    int skip = is_own(own, e);
    for (j = 0; !skip && j < check->nenv; j++)
      skip = same_key(check->env[j], e);
    if (!skip)
      env[k++] = environ[i];
  }
  for (i = 0; i < check->nenv; i++) {
    int later = 0;
    for (j = i + 1; !later && j < check->nenv; j++)
      later = same_key(check->env[j], check->env[i]);
    if (!later && !is_own(own, check->env[i]))
      env[k++] = check->env[i];
  }
  for (i = 0; i < MAX_OWN_ENV; i++)
    if (own[i])
      env[k++] = own[i];
  env[k] = NULL;
  return env;
}

/* V8 flags that keep code warm-up (feedback vectors allocated on first
 * call, baseline code) from showing as growth between snapshots.  They go
 * before the user's node_args, which can override them. */
static const char *const quiet_v8_flags[] = {"--no-lazy-feedback-allocation",
                                             "--no-sparkplug"};
#define NQUIET_V8_FLAGS 2

/* node [quiet flags] [node_args] [extra] --require AGENT MAIN [args]. */
static char **
build_argv(const struct lc_check *check, const char *node, const char *agent,
           const char *main_script, const char *extra)
{
  size_t nn = check->node_args ? check->nnode_args : 0;
  size_t na = check->args ? check->nargs : 0;
  size_t i, k = 0;
  char **argv = lc_xcalloc(nn + na + NQUIET_V8_FLAGS + 6, sizeof(*argv));
  argv[k++] = (char *)node;
  for (i = 0; i < NQUIET_V8_FLAGS; i++)
    argv[k++] = (char *)quiet_v8_flags[i];
  for (i = 0; i < nn; i++)
    argv[k++] = check->node_args[i];
  if (extra)
    argv[k++] = (char *)extra;
  argv[k++] = (char *)"--require";
  argv[k++] = (char *)agent;
  argv[k++] = (char *)main_script;
  for (i = 0; i < na; i++)
    argv[k++] = check->args[i];
  argv[k] = NULL;
  return argv;
}

int
lc_driver_tracks_allocations(void)
{
  /* On by default.  V8's allocation tracker crashes Node 18 to 22 when it
   * runs during a deoptimisation; the agent turns off what triggers that
   * (agent.js), and the pipeline runs a check again without tracking if
   * node still dies by a signal with it on (pipeline.c). */
  const char *v = getenv("LEAKCHECK_ALLOCATION_SITES");
  return !v || strcmp(v, "0") != 0;
}

/* LEAKCHECK_AGENT_CALL: what the agent loads and calls, as JSON. */
static char *
call_env(const struct lc_check *check, const char *script)
{
  struct lc_buf b = LC_BUF_INIT;
  lc_buf_addstr(&b, "LEAKCHECK_AGENT_CALL={\"module\":");
  lc_buf_add_json_string(&b, script);
  lc_buf_addstr(&b, ",\"export\":");
  lc_buf_add_json_string(&b, check->call ? check->call : "default");
  lc_buf_addstr(&b, ",\"setup\":");
  lc_buf_add_json_string(&b, check->call_setup ? check->call_setup : "setup");
  lc_buf_addf(&b, ",\"setupRequired\":%s}",
              check->call_setup ? "true" : "false");
  return lc_buf_detach(&b, NULL);
}

/* Where the run is. */
enum phase {
  PH_STARTING, /* waiting for "ready" */
  PH_WAIT,     /* every, signal: idle until next_at */
  PH_SNAP,     /* "snap K" sent, waiting for "done K" */
  PH_CALLS,    /* call: "run N" sent, waiting for "ran N" */
  PH_PORT,     /* http: waiting until the server accepts connections */
  PH_LOAD,     /* http: a batch of requests in flight */
  PH_PAUSE,    /* http: between two batches of one interval, idle until
                  next_at */
  PH_DUMP      /* signal: signal sent, waiting for the program's dump */
};

/* A directory watched for dumps (signal). */
struct watch {
  int wd;
  char *dir;   /* absolute */
  int private; /* our temp dir: stray dumps there are removed */
};

struct run {
  const struct lc_check *check;
  const char *config_path;
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
  enum phase phase;
  unsigned next;         /* index of the next snapshot */
  unsigned batch;        /* call, http: the calls or requests before it */
  unsigned target;       /* snapshots to take: check->snapshots, more while the
                            callback asks to confirm */
  unsigned scale;        /* the drive intervals the callback asked to lead to a
                            confirmation snapshot (its return value) */
  unsigned parts;        /* http: batches of this interval still to run
                            after the one in flight */
  uint64_t work_done_at; /* when the last interval's work ended (its
                            snapshot asked for), or 0 */
  uint64_t gap_sum_ms;   /* http: the window's idle gaps between one
                            interval's requests and the next one's (the
                            snapshot and its reading), summed */
  unsigned ngaps;
  uint64_t confirm_deadline; /* 0, or when the confirmation must end */
  uint64_t snap_at;          /* when snapshot `next` was asked for */
  uint64_t resumed_us;       /* when the last snapshot was complete, or the
                                program ready (now_us); 0 before */
  uint64_t next_at;          /* PH_WAIT: when to ask for it */
  uint64_t started;
  struct lc_buf line; /* partial line from the agent */
  /* http */
  struct lc_http *http;
  unsigned port;          /* 0 until known */
  uint64_t port_deadline; /* started + ready_timeout */
  uint64_t probe_at;      /* next connection attempt */
  /* signal */
  int ino; /* inotify descriptor, or -1 */
  struct watch watches[MAX_WATCHES];
  size_t nwatches;
  /* progress (info->progress) */
  enum lc_progress_phase pphase;
  unsigned pk;
  char *ppath;       /* owned; the file of the current phase, or NULL */
  uint64_t ptick_at; /* when the last event was sent */
};

#define RUN_INIT                                                               \
  {                                                                            \
    .pidfd = -1, .ctl = -1, .out_r = -1, .err_r = -1, .line = LC_BUF_INIT,     \
    .ino = -1                                                                  \
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
  return r->ready && r->next >= r->target;
}

/* Tells the caller's progress callback that the run is in `phase` for
 * snapshot `k`, with the file `path` (copied; may be NULL). */
static void
progress(struct run *r, enum lc_progress_phase phase, unsigned k,
         const char *path)
{
  struct lc_progress p;
  if (!r->info->progress)
    return;
  if (path != r->ppath) {
    free(r->ppath);
    r->ppath = path ? lc_xstrdup(path) : NULL;
  }
  r->pphase = phase;
  r->pk = k;
  r->ptick_at = now_ms();
  p.phase = phase;
  p.k = k;
  p.total = r->target;
  p.planned = r->check->snapshots < r->target ? r->check->snapshots : r->target;
  p.confirm_max = r->check->confirm_snapshots;
  p.path = r->ppath;
  r->info->progress(r->info->progress_ctx, &p);
}

/* The same phase again, when a tick is due. */
static void
progress_tick(struct run *r, uint64_t now)
{
  if (r->info->progress && now >= r->ptick_at + LC_PROGRESS_TICK_MS)
    progress(r, r->pphase, r->pk, r->ppath);
}

/* Sends "VERB ARG" to the agent.  Returns 0, or -1 when the agent is gone
 * (its end then shows up as the program ending). */
static int
send_line(struct run *r, const char *verb, unsigned arg)
{
  char msg[32];
  int len = snprintf(msg, sizeof(msg), "%s %u\n", verb, arg);
  const char *p = msg;
  if (r->ctl < 0)
    return -1;
  while (len > 0) {
    ssize_t n = send(r->ctl, p, (size_t)len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      close_fd(&r->ctl);
      return -1;
    }
    p += n;
    len -= (int)n;
  }
  return 0;
}

/* Snapshot `next` is asked for now: records how long the program ran
 * since the last one (info->run_us). */
static void
snap_asked(struct run *r, uint64_t now)
{
  struct lc_run_info *info = r->info;
  uint64_t us = now_us();
  r->snap_at = now;
  if (info->nrun != r->next)
    return;
  info->run_us = lc_reallocarray_or_die(info->run_us, info->nrun + 1,
                                        sizeof(*info->run_us));
  info->run_us[info->nrun++] =
      r->resumed_us && us > r->resumed_us ? us - r->resumed_us : 0;
}

static void
send_snap(struct run *r)
{
  r->work_done_at = now_ms();
  snap_asked(r, r->work_done_at);
  send_line(r, "snap", r->next);
  r->phase = PH_SNAP;
  if (r->info->progress) {
    char *path = lc_xasprintf("%s/%u.heapsnapshot", r->dir, r->next);
    progress(r, LC_PROGRESS_WRITING, r->next, path);
    free(path);
  }
}

/* How many drive intervals lead to snapshot `next`: 1 up to the planned
 * last, then as many as the callback asked for. */
static unsigned
interval_scale(const struct run *r)
{
  return r->next < r->check->snapshots || !r->scale ? 1 : r->scale;
}

/* call, http: starts the calls of the interval, or one batch of its
 * requests. */
static void
start_batch(struct run *r)
{
  if (r->check->drive == LC_DRIVE_CALL) {
    r->batch = r->check->call_times * interval_scale(r);
    send_line(r, "run", r->batch);
    r->phase = PH_CALLS;
  } else {
    r->batch = r->check->http.requests;
    lc_http_start(r->http, r->batch);
    r->phase = PH_LOAD;
  }
}

/* call, http: the work started is done.  Under http, a confirmation
 * interval of n drive intervals runs n batches of requests in the
 * window's rhythm, each after an idle gap as long as the window's mean
 * gap between one interval's requests and the next one's (the snapshot
 * and its reading), so that the server sees the request rate it saw in
 * the window: a session store or a cache whose entries expire by time
 * holds as many (sent back to back, 16 batches hold more sessions alive
 * at once, and its table grows without a leak).  After the last batch,
 * the snapshot. */
static void
batch_done(struct run *r)
{
  uint64_t gap;
  if (!r->parts) {
    send_snap(r);
    return;
  }
  gap = r->ngaps ? r->gap_sum_ms / r->ngaps : 0;
  r->parts--;
  if (gap) {
    r->phase = PH_PAUSE;
    r->next_at = now_ms() + gap;
  } else {
    start_batch(r);
  }
}

/* The agent is ready, or snapshot next-1 has been used: start what leads
 * to snapshot `next`.  For call and http, that is a batch of work, so that
 * exactly one batch separates any two snapshots (snapshot 0 included), or
 * in the confirmation the batches of its drive intervals (batch_done). */
static void
begin_interval(struct run *r)
{
  uint64_t now = now_ms();
  progress(r, LC_PROGRESS_WORKING, r->next, NULL);
  /* The window's gaps: after each of its snapshots but the last. */
  if (r->work_done_at && r->next < r->check->snapshots &&
      r->check->drive == LC_DRIVE_HTTP) {
    r->gap_sum_ms += now > r->work_done_at ? now - r->work_done_at : 0;
    r->ngaps++;
  }
  r->parts = r->check->drive == LC_DRIVE_HTTP ? interval_scale(r) - 1 : 0;
  switch (r->check->drive) {
  case LC_DRIVE_CALL:
    start_batch(r);
    break;
  case LC_DRIVE_HTTP:
    if (r->http) {
      start_batch(r);
    } else {
      r->phase = PH_PORT;
      r->port = r->check->http.port;
      r->port_deadline = r->started + r->check->http.ready_timeout_ms;
      r->probe_at = 0;
    }
    break;
  default:
    r->phase = PH_WAIT;
    r->next_at = now + r->check->every_ms * interval_scale(r);
    break;
  }
}

/* --- memory samples ----------------------------------------------------- */

/* Reads /proc/PID/stat: the parent pid and the resident set in pages.
 * Returns 0, or -1 when the process is gone or the file is odd. */
/* The RSS of process `root` and of all its descendants (walking the
 * parent pids of every process in /proc).  Returns 0, or -1 when `root`
 * cannot be read. */
static int
sample_tree(pid_t root, struct lc_mem_sample *m)
{
  struct proc {
    long pid, ppid;
    unsigned long long rss;
    int in;
  } *v = NULL;
  size_t n = 0, alloc = 0, i;
  unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
  DIR *d = opendir("/proc");
  struct dirent *e;
  int found = 0, more = 1;
  if (!d)
    return -1;
  while ((e = readdir(d)) != NULL) {
    struct proc p;
    if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
        strspn(e->d_name, "0123456789") != strlen(e->d_name))
      continue;
    if (read_stat(e->d_name, &p.ppid, &p.rss) < 0)
      continue;
    p.pid = strtol(e->d_name, NULL, 10);
    p.in = p.pid == (long)root;
    found |= p.in;
    LC_ALLOC_GROW(v, n + 1, alloc);
    v[n++] = p;
  }
  closedir(d);
  /* Marks children of marked processes until nothing changes; trees are
   * shallow, so a few passes suffice. */
  while (found && more) {
    more = 0;
    for (i = 0; i < n; i++) {
      size_t j;
      if (v[i].in)
        continue;
      for (j = 0; j < n; j++)
        if (v[j].in && v[j].pid == v[i].ppid) {
          v[i].in = more = 1;
          break;
        }
    }
  }
  for (i = 0; i < n; i++) {
    if (!v[i].in)
      continue;
    m->tree_rss += v[i].rss * page;
    if (v[i].pid == (long)root)
      m->proc_rss = v[i].rss * page;
    else
      m->descendants++;
  }
  free(v);
  return found ? 0 : -1;
}

/* Parses the optional " key=N" fields after "done K" into `m`.  Unknown
 * keys are skipped, so that a newer agent can say more.  Returns 0, or -1
 * on a malformed field. */
static int
parse_mem_fields(const char *s, struct lc_mem_sample *m)
{
  static const struct {
    const char *key;
    size_t off;
  } keys[] = {{"rss", offsetof(struct lc_mem_sample, rss)},
              {"heap_total", offsetof(struct lc_mem_sample, heap_total)},
              {"heap_used", offsetof(struct lc_mem_sample, heap_used)},
              {"external", offsetof(struct lc_mem_sample, external)},
              {"array_buffers", offsetof(struct lc_mem_sample, array_buffers)}};
  while (*s == ' ') {
    const char *eq, *p;
    uint64_t v = 0;
    size_t i, klen;
    s++;
    eq = strchr(s, '=');
    if (!eq || eq == s || memchr(s, ' ', (size_t)(eq - s)))
      return -1;
    klen = (size_t)(eq - s);
    for (p = eq + 1; *p >= '0' && *p <= '9'; p++) {
      if (v > (UINT64_MAX - 9) / 10)
        return -1;
      v = v * 10 + (uint64_t)(*p - '0');
    }
    if (p == eq + 1 || (*p && *p != ' '))
      return -1;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
      if (strlen(keys[i].key) == klen && !memcmp(keys[i].key, s, klen)) {
        memcpy((char *)m + keys[i].off, &v, sizeof(v));
        m->agent = 1;
      }
    s = p;
  }
  return *s ? -1 : 0;
}

/* Records the memory sample of snapshot `k`: the agent's fields (may be
 * empty) and the process tree's RSS, read now. */
static void
record_memory(struct run *r, unsigned k, const struct lc_mem_sample *agent)
{
  struct lc_mem_sample m = *agent;
  struct lc_run_info *info = r->info;
  if (k != info->nmem)
    return; /* out of order: cannot happen, the driver counts */
  sample_tree(r->pid, &m);
  if (!m.agent)
    m.rss = m.proc_rss;
  info->mem =
      lc_reallocarray_or_die(info->mem, info->nmem + 1, sizeof(*info->mem));
  info->mem[info->nmem++] = m;
}

/* Snapshot `k` is complete: hand it to the callback. */
static int
snapshot_done(struct run *r, unsigned k)
{
  char *path = lc_xasprintf("%s/%u.heapsnapshot", r->dir, k);
  uint64_t pause = now_ms() - r->snap_at;
  int rc = 0;
  if (r->snap_at && pause > r->info->max_pause_ms)
    r->info->max_pause_ms = pause;
  r->snap_at = 0;
  r->resumed_us = now_us(); /* the program runs on while it is read */
  r->next = k + 1;
  r->info->snapshots_done = r->next;
  progress(r, LC_PROGRESS_READING, k, path);
  if (r->fn)
    rc = r->fn(r->ctx, k, path, r->err);
  if (rc > 0 && r->next >= r->target) {
    /* A confirmation snapshot, after rc drive intervals: its own time
     * budget from the first.  The callback keeps the program's run time
     * within confirm_timeout_ms (lc_confirm_fits); this bounds the wall
     * time, pauses included. */
    r->scale = (unsigned)rc;
    if (!r->confirm_deadline)
      r->confirm_deadline =
          now_ms() + r->check->confirm_timeout_ms * LC_CONFIRM_WALL;
    r->target = r->next + 1;
  }
  if (rc >= 0) /* after the target moved: "read" of the last says done */
    progress(r, LC_PROGRESS_READ, k, NULL);
  if (rc < 0 && r->err && r->err->code == LC_OK)
    lc_err_set(r->err, LC_EINPUT, path, 0, 0, "cannot use snapshot %u", k);
  free(path);
  if (rc < 0)
    return -1;
  if (all_taken(r))
    return 1;
  begin_interval(r);
  return 0;
}

/* --- call: the agent's "error" line ------------------------------------- */

/* Appends the JSON string token `t` of `js`, decoded; control characters
 * become spaces (the result is one line).  jsmn has checked its escapes;
 * should one still be bad, the token is appended as it stands. */
static void
json_text(struct lc_buf *out, const char *js, const jsmntok_t *t)
{
  size_t len = (size_t)(t->end - t->start), n, bad, i;
  char *o;
  lc_buf_grow(out, len);
  o = out->buf + out->len;
  n = lc_json_unescape(js + t->start, len, o, &bad);
  if (n == (size_t)-1) {
    memcpy(o, js + t->start, len);
    n = len;
  }
  for (i = 0; i < n; i++)
    if ((unsigned char)o[i] < 0x20)
      o[i] = ' ';
  lc_buf_setlen(out, out->len + n);
}

/* The value of `key` in the flat JSON object `tok[0..n)`, or NULL. */
static const jsmntok_t *
json_get(const char *js, const jsmntok_t *tok, int n, const char *key)
{
  int i;
  size_t kl = strlen(key);
  if (n < 1 || tok[0].type != JSMN_OBJECT)
    return NULL;
  for (i = 1; i + 1 < n; i += 2) {
    if (tok[i].type == JSMN_STRING &&
        (size_t)(tok[i].end - tok[i].start) == kl &&
        !memcmp(js + tok[i].start, key, kl))
      return &tok[i + 1];
    if (tok[i + 1].type == JSMN_OBJECT || tok[i + 1].type == JSMN_ARRAY)
      return NULL; /* the agent sends flat objects only */
  }
  return NULL;
}

static int
kind_is(const char *js, const jsmntok_t *t, const char *s)
{
  size_t n = strlen(s);
  return (size_t)(t->end - t->start) == n && !memcmp(js + t->start, s, n);
}

static unsigned long
json_number(const char *js, const jsmntok_t *t)
{
  if (!t || t->type != JSMN_PRIMITIVE)
    return 0;
  return strtoul(js + t->start, NULL, 10);
}

/* "error {kind, message, stack, call, of}" from the agent: the module did
 * not load, has no such export, or setup or a call threw.  The agent has
 * written the stack to the program's stderr already. */
static int
call_error(struct run *r, const char *js)
{
  const struct lc_check *c = r->check;
  jsmntok_t tok[32];
  jsmn_parser p;
  int n;
  const jsmntok_t *kind, *msg, *stack, *call, *of;
  struct lc_buf m = LC_BUF_INIT, where = LC_BUF_INIT;
  int rc;

  jsmn_init(&p);
  n = jsmn_parse(&p, js, strlen(js), tok, 32);
  kind = n > 0 ? json_get(js, tok, n, "kind") : NULL;
  msg = n > 0 ? json_get(js, tok, n, "message") : NULL;
  if (!kind || !msg || kind->type != JSMN_STRING || msg->type != JSMN_STRING)
    return lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                      "unexpected message from leakcheck's agent: 'error %s'",
                      js);
  stack = json_get(js, tok, n, "stack");
  call = json_get(js, tok, n, "call");
  of = json_get(js, tok, n, "of");
  json_text(&m, js, msg);
  if (stack && stack->type == JSMN_STRING) {
    /* The top frame, "    at f (file:line:col)" in the stack. */
    struct lc_buf st = LC_BUF_INIT;
    const char *at;
    json_text(&st, js, stack);
    at = strstr(st.buf, "    at ");
    if (at) {
      const char *next;
      size_t len;
      at += 7;
      next = strstr(at, "    at ");
      len = next ? (size_t)(next - at) : strlen(at);
      while (len && at[len - 1] == ' ')
        len--;
      lc_buf_addstr(&where, ", at ");
      lc_buf_add(&where, at, len);
    }
    lc_buf_release(&st);
  }
  if (kind_is(js, kind, "export")) {
    /* The config names an export the module does not have. */
    rc = lc_err_set(r->err, LC_EPROGRAM, r->config_path, c->call_mark.line,
                    c->call_mark.col, "%s", m.buf);
  } else if (kind_is(js, kind, "load")) {
    struct lc_buf as = LC_BUF_INIT;
    lc_buf_add_cut(&as, c->script ? c->script : c->script_path, LC_QUOTE_MAX);
    rc = lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                    "the module '%s' threw while loading: %s%s", as.buf, m.buf,
                    where.buf);
    lc_buf_release(&as);
  } else if (kind_is(js, kind, "setup")) {
    rc = lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                    "setup export '%s' threw: %s%s",
                    c->call_setup ? c->call_setup : "setup", m.buf, where.buf);
  } else {
    rc = lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                    "call %lu of %lu to '%s' before snapshot %u threw: %s%s",
                    json_number(js, call), json_number(js, of),
                    c->call ? c->call : "default", r->next, m.buf, where.buf);
  }
  lc_buf_release(&m);
  lc_buf_release(&where);
  return rc;
}

/* One line from the agent.  Returns 0 to go on, 1 when every snapshot has
 * been taken, -1 on failure. */
static int
handle_line(struct run *r, const char *line)
{
  unsigned k;
  const char *end;
  struct lc_mem_sample mem;
  memset(&mem, 0, sizeof(mem));
  if (!strcmp(line, "ready") && r->phase == PH_STARTING) {
    r->ready = 1;
    r->resumed_us = now_us();
    begin_interval(r);
    return 0;
  }
  if (!strncmp(line, "done ", 5) && r->phase == PH_SNAP &&
      parse_index(line + 5, &k, &end) == 0 && k == r->next &&
      parse_mem_fields(end, &mem) == 0) {
    record_memory(r, k, &mem);
    return snapshot_done(r, k);
  }
  if (!strncmp(line, "fail ", 5) && r->phase == PH_SNAP &&
      parse_index(line + 5, &k, &end) == 0 && k == r->next &&
      (*end == ' ' || !*end))
    return lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
                      "the program could not write snapshot %u: %s", k,
                      *end ? end + 1 : "unknown error");
  if (!strncmp(line, "ran ", 4) && r->phase == PH_CALLS &&
      parse_index(line + 4, &k, &end) == 0 && !*end && k == r->batch) {
    batch_done(r);
    return 0;
  }
  if (!strncmp(line, "error ", 6) && r->check->drive == LC_DRIVE_CALL)
    return call_error(r, line + 6);
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
interrupted(struct lc_err *err)
{
  return lc_err_set(err, LC_EINTERRUPT, NULL, 0, 0, "interrupted by SIG%s",
                    signal_name(got_signal));
}

/* --- http --------------------------------------------------------------- */

/* "GET /items" */
static char *
request_line(const struct lc_check *c)
{
  return lc_xasprintf("%s %s", c->http.method, c->http.target);
}

static void
http_note(struct run *r)
{
  struct lc_http_counts n;
  if (!r->http)
    return;
  lc_http_counts(r->http, &n);
  r->info->requests = n.sent;
  r->info->failed_requests = n.failed;
  lc_buf_reset(&r->info->note);
  lc_buf_addf(&r->info->note, "%llu requests sent to 127.0.0.1:%u, ",
              (unsigned long long)n.sent, r->port);
  if (!n.failed) {
    lc_buf_addstr(&r->info->note, "all answered 2xx");
  } else {
    lc_buf_addf(&r->info->note, "%llu failed: ", (unsigned long long)n.failed);
    lc_http_describe_failures(r->http, &r->info->note);
  }
}

/* PH_PORT: learns the port, then tries to connect. */
static int
port_step(struct run *r, uint64_t now)
{
  const struct lc_check *c = r->check;
  if (!r->port) {
    unsigned p;
    if (lc_http_find_port(r->info->stdout_tail.buf, r->info->stdout_tail.len,
                          &p) ||
        lc_http_find_port(r->info->stderr_tail.buf, r->info->stderr_tail.len,
                          &p))
      r->port = p;
  }
  if (r->port && now >= r->probe_at) {
    if (lc_http_probe(r->port, 100)) {
      r->http = lc_http_new(&c->http, r->port, r->err);
      if (!r->http)
        return -1;
      start_batch(r);
      return 0;
    }
    r->probe_at = now_ms() + PORT_PROBE_MS;
  }
  if (now_ms() >= r->port_deadline) {
    char *d = format_duration(c->http.ready_timeout_ms);
    if (!r->port)
      lc_err_set(r->err, LC_EPROGRAM, r->config_path, c->http.port_mark.line,
                 c->http.port_mark.col,
                 "the server printed no port within %s (ready_timeout): "
                 "expected a line like 'listening on http://127.0.0.1:PORT' "
                 "or 'listening on port PORT' on its output; or set 'port:'",
                 d);
    else
      lc_err_set(r->err, LC_EPROGRAM, r->config_path, c->http.port_mark.line,
                 c->http.port_mark.col,
                 "the server did not accept connections on 127.0.0.1:%u "
                 "within %s (ready_timeout)",
                 r->port, d);
    free(d);
    return -1;
  }
  return 0;
}

/* Waits up to `ms` for the program to end; nonzero when it has. */
static int
wait_end(struct run *r, int ms)
{
  uint64_t until = now_ms() + (uint64_t)ms;
  while (!leader_ended(r)) {
    struct pollfd pf;
    uint64_t now = now_ms();
    if (now >= until)
      return 0;
    pf.fd = r->pidfd;
    pf.events = POLLIN;
    pf.revents = 0;
    if (r->pidfd >= 0)
      poll(&pf, 1, (int)(until - now));
    else
      poll(NULL, 0, NO_PIDFD_TICK_MS);
  }
  return 1;
}

/* After lc_http_perform: too many failures end the check; a finished
 * batch is followed by the snapshot.  Same returns as handle_line. */
static int
http_after(struct run *r)
{
  const struct lc_check *c = r->check;
  struct lc_http_counts n;
  lc_http_counts(r->http, &n);
  if (n.failed > c->http.max_failed) {
    struct lc_buf why = LC_BUF_INIT;
    char *rl;
    /* A server that died makes its requests fail first: say that. */
    if (wait_end(r, 500))
      return 0; /* the loop reports the end */
    lc_http_abort(r->http);
    http_note(r);
    lc_http_describe_failures(r->http, &why);
    rl = request_line(c);
    lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
               "%llu of %llu requests (%s) failed, more than "
               "max_failed_requests %llu: %s",
               (unsigned long long)n.failed, (unsigned long long)n.sent, rl,
               (unsigned long long)c->http.max_failed, why.buf);
    free(rl);
    lc_buf_release(&why);
    return -1;
  }
  if (!lc_http_busy(r->http)) {
    http_note(r);
    batch_done(r);
  }
  return 0;
}

/* --- signal ------------------------------------------------------------- */

static int
ends_with(const char *s, const char *suffix)
{
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

/* Heap.YYYYMMDD.HHMMSS.PID.TID.SEQ.heapsnapshot (node) or
 * heapdump-A.B.heapsnapshot (the heapdump module). */
static int
is_dump_name(const char *name)
{
  return (!strncmp(name, "Heap.", 5) || !strncmp(name, "heapdump-", 9)) &&
         ends_with(name, ".heapsnapshot") && !strchr(name, '/');
}

static const struct watch *
watch_of(const struct run *r, int wd)
{
  size_t i;
  for (i = 0; i < r->nwatches; i++)
    if (r->watches[i].wd == wd)
      return &r->watches[i];
  return NULL;
}

/* "'/tmp/leakcheck-x' and '/work'": the watched directories. */
static void
describe_watches(const struct run *r, struct lc_buf *b)
{
  size_t i;
  for (i = 0; i < r->nwatches; i++)
    lc_buf_addf(b, "%s'%s'",
                i == 0                 ? ""
                : i + 1 == r->nwatches ? " and "
                                       : ", ",
                r->watches[i].dir);
}

/* A dump was closed after writing (or renamed into place) in a watched
 * directory.  While one is awaited, the first that matches is taken. */
static int
dump_seen(struct run *r, const struct watch *w, const char *name)
{
  char *from, *to;
  int rc;
  if (!is_dump_name(name))
    return 0;
  from = lc_xasprintf("%s/%s", w->dir, name);
  if (r->phase != PH_DUMP) {
    /* Not asked for (a second handler, or the program on its own). */
    if (w->private)
      unlink(from);
    free(from);
    return 0;
  }
  to = lc_xasprintf("%s/%u.heapsnapshot", r->dir, r->next);
  rc = lc_move_file(from, to, 0600, 1, r->err);
  free(from);
  free(to);
  if (rc < 0)
    return -1;
  r->phase = PH_WAIT; /* snapshot_done picks the next phase */
  {
    /* No agent in this mode: only /proc's numbers. */
    struct lc_mem_sample none;
    memset(&none, 0, sizeof(none));
    record_memory(r, r->next, &none);
  }
  return snapshot_done(r, r->next);
}

/* Reads the inotify events.  Same returns as handle_line. */
static int
pump_inotify(struct run *r)
{
  char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t n = read(r->ino, buf, sizeof(buf));
    char *p;
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return 0;
    for (p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      const struct watch *w = watch_of(r, ev->wd);
      p += sizeof(*ev) + ev->len;
      if (w && ev->len && (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))) {
        int rc = dump_seen(r, w, ev->name);
        if (rc)
          return rc;
      }
    }
  }
}

static int
add_watch(struct run *r, const char *dir, int private)
{
  int wd;
  size_t i;
  wd =
      inotify_add_watch(r->ino, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR);
  if (wd < 0)
    return lc_err_errno(r->err, errno, dir,
                        "cannot watch the directory for the program's dumps");
  for (i = 0; i < r->nwatches; i++)
    if (r->watches[i].wd == wd) {
      r->watches[i].private |= private;
      return 0;
    }
  r->watches[r->nwatches].wd = wd;
  r->watches[r->nwatches].dir = lc_xstrdup(dir);
  r->watches[r->nwatches].private = private;
  r->nwatches++;
  return 0;
}

/* node_args' --diagnostic-dir ("--diagnostic-dir=D" or "--diagnostic-dir
 * D"), or NULL. */
static const char *
node_arg_value(const struct lc_check *c, const char *opt)
{
  size_t i, n = strlen(opt);
  for (i = 0; i < c->nnode_args; i++) {
    const char *a = c->node_args[i];
    if (!strncmp(a, opt, n) && a[n] == '=')
      return a + n + 1;
    if (!strcmp(a, opt) && i + 1 < c->nnode_args)
      return c->node_args[i + 1];
  }
  return NULL;
}

static int
has_node_arg(const struct lc_check *c, const char *opt)
{
  size_t i, n = strlen(opt);
  for (i = 0; i < c->nnode_args; i++)
    if (!strncmp(c->node_args[i], opt, n) &&
        (c->node_args[i][n] == '=' || !c->node_args[i][n]))
      return 1;
  return 0;
}

/* Sets up the watches for `signal`: the program's cwd (heapdump and
 * v8.writeHeapSnapshot write there), and its diagnostic dir.  Sets
 * *extra_arg to "--diagnostic-dir=<private dir>" (caller frees) when
 * --heapsnapshot-signal is given without one. */
static int
signal_setup(struct run *r, char **extra_arg)
{
  const struct lc_check *c = r->check;
  const char *diag = node_arg_value(c, "--diagnostic-dir");
  char *cwd = absolute_path(c->cwd && *c->cwd ? c->cwd : ".");
  int rc = 0;
  *extra_arg = NULL;
  r->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (r->ino < 0) {
    free(cwd);
    return lc_err_errno(r->err, errno, NULL,
                        "cannot watch for the program's dumps (inotify)");
  }
  if (has_node_arg(c, "--heapsnapshot-signal") && !diag) {
    *extra_arg = lc_xasprintf("--diagnostic-dir=%s", r->dir);
    rc = add_watch(r, r->dir, 1);
  } else if (diag) {
    char *d =
        diag[0] == '/' ? lc_xstrdup(diag) : lc_xasprintf("%s/%s", cwd, diag);
    rc = add_watch(r, d, 0);
    free(d);
  }
  if (!rc)
    rc = add_watch(r, cwd, 0);
  free(cwd);
  return rc;
}

/* --- the loop ----------------------------------------------------------- */

static int
timed_out(struct run *r)
{
  const struct lc_check *c = r->check;
  char *d = format_duration(c->timeout_ms);
  struct lc_buf why = LC_BUF_INIT;
  struct lc_http_counts n;
  switch (r->phase) {
  case PH_CALLS:
    lc_buf_addf(&why,
                "; the %u calls of '%s' before snapshot %u had not "
                "finished",
                r->batch, c->call ? c->call : "default", r->next);
    break;
  case PH_LOAD:
    lc_http_counts(r->http, &n);
    lc_buf_addf(&why,
                "; %u of the %u requests before snapshot %u had been "
                "answered",
                n.batch_done, r->batch, r->next);
    break;
  case PH_PORT:
    if (r->port)
      lc_buf_addf(&why,
                  "; the server was not accepting connections on "
                  "127.0.0.1:%u",
                  r->port);
    else
      lc_buf_addstr(&why, "; the server had printed no port");
    break;
  case PH_DUMP:
    lc_buf_addf(&why,
                "; no dump appeared after SIG%s (snapshot %u): "
                "watched ",
                signal_name(c->signo), r->next);
    describe_watches(r, &why);
    lc_buf_addf(&why,
                " for Heap.*.heapsnapshot and heapdump-*.heapsnapshot; "
                "does the program dump its heap on SIG%s (node "
                "--heapsnapshot-signal=SIG%s, or the heapdump module)?",
                signal_name(c->signo), signal_name(c->signo));
    break;
  default:
    break;
  }
  lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
             "timed out after %s with %u of %u snapshots taken%s", d,
             r->info->snapshots_done, c->snapshots, why.buf);
  lc_buf_release(&why);
  free(d);
  return -1;
}

/* The program ended before every snapshot was taken. */
static int
program_ended(struct run *r)
{
  const struct lc_check *c = r->check;
  char *how = describe_end(r);
  struct lc_buf hint = LC_BUF_INIT;
  const char *who = c->drive == LC_DRIVE_HTTP ? "server" : "program";
  r->info->exited = 1;
  if (c->drive == LC_DRIVE_SIGNAL &&
      (r->end_code == CLD_KILLED || r->end_code == CLD_DUMPED) &&
      r->end_status == c->signo) {
    lc_buf_addf(&hint,
                "; it does not handle SIG%s: run node with "
                "--heapsnapshot-signal=SIG%s (node_args), or use the "
                "heapdump module",
                signal_name(c->signo), signal_name(c->signo));
  } else if (r->phase == PH_LOAD) {
    struct lc_http_counts n;
    lc_http_counts(r->http, &n);
    lc_buf_addf(&hint,
                ", while leakcheck was sending requests (%u of %u "
                "before snapshot %u answered or failed)",
                n.batch_done, r->batch, r->next);
    http_note(r);
  } else if (r->phase == PH_CALLS) {
    lc_buf_addf(&hint, ", while '%s' was being called before snapshot %u",
                c->call ? c->call : "default", r->next);
  } else if (r->end_code == CLD_EXITED && r->end_status == 0 &&
             (c->drive == LC_DRIVE_EVERY || c->drive == LC_DRIVE_SIGNAL)) {
    lc_buf_addf(&hint,
                "; with '%s', it must keep running (a timer, a "
                "server) until leakcheck stops it",
                c->drive == LC_DRIVE_EVERY ? "every" : "signal");
  } else if (r->end_code == CLD_EXITED && r->end_status == 0 &&
             c->drive == LC_DRIVE_HTTP) {
    lc_buf_addstr(&hint, "; a server must keep running until leakcheck "
                         "stops it");
  }
  if (r->ready &&
      (r->info->snapshots_done || r->phase == PH_SNAP || r->phase == PH_DUMP) &&
      !(r->end_code == CLD_EXITED && r->end_status == 0)) {
    /* A snapshot stops the program while V8 writes it: a socket, a lock
     * or a watchdog may time out during one. */
    uint64_t pause = r->info->max_pause_ms;
    char *d;
    if (r->snap_at && now_ms() - r->snap_at > pause)
      pause = now_ms() - r->snap_at;
    d = format_duration(pause);
    lc_buf_addf(&hint,
                "; each snapshot pauses the program (the longest pause was "
                "%s%s), which may be the cause: a timeout in the program "
                "(a socket, a lock, a watchdog) may have fired during one",
                d, r->snap_at ? ", while a snapshot was being written" : "");
    free(d);
  }
  if (!r->ready)
    lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
               "the %s %s before it was ready%s", who, how, hint.buf);
  else
    lc_err_set(r->err, LC_EPROGRAM, NULL, 0, 0,
               "the %s %s after %u of %u snapshots%s", who, how,
               r->info->snapshots_done, r->target, hint.buf);
  lc_buf_release(&hint);
  free(how);
  return -1;
}

/* Does what is due now.  Same returns as handle_line. */
static int
advance(struct run *r, uint64_t now)
{
  const struct lc_check *c = r->check;
  if (r->phase == PH_WAIT && now >= r->next_at) {
    if (c->drive == LC_DRIVE_SIGNAL) {
      r->phase = PH_DUMP;
      snap_asked(r, now);
      progress(r, LC_PROGRESS_WRITING, r->next, NULL);
      if (kill(r->pid, c->signo) < 0 && errno != ESRCH)
        return lc_err_errno(r->err, errno, NULL, "cannot signal the program");
    } else {
      send_snap(r);
    }
  }
  if (r->phase == PH_PAUSE && now >= r->next_at)
    start_batch(r);
  if (r->phase == PH_PORT)
    return port_step(r, now);
  return 0;
}

#define MAX_POLL (5 + 2 * 256)

/* The poll loop: start, "ready", then the drive's work and a snapshot,
 * until every snapshot is taken. */
static int
supervise(struct run *r)
{
  const struct lc_check *c = r->check;
  uint64_t deadline = c->timeout_ms ? r->started + c->timeout_ms : UINT64_MAX;
  sigset_t mask;
  struct pollfd *pf = lc_xcalloc(MAX_POLL, sizeof(*pf));
  int ret = -1;

  wait_mask(&mask);
  progress(r, LC_PROGRESS_WORKING, 0, NULL);
  for (;;) {
    nfds_t n = 0, nhttp = 0, http_at = 0;
    struct timespec ts;
    uint64_t now, wake;
    int rc;

    if (got_signal) {
      interrupted(r->err);
      break;
    }
    now = now_ms();
    if (r->confirm_deadline) {
      /* Confirming: the snapshots taken so far are judged. */
      deadline = r->confirm_deadline;
      if (now >= deadline) {
        r->info->confirm_timed_out = 1;
        ret = 0;
        break;
      }
    }
    if (now >= deadline) {
      timed_out(r);
      break;
    }
    rc = advance(r, now);
    if (rc) {
      ret = rc < 0 ? -1 : 0;
      break;
    }

    wake = deadline;
    if ((r->phase == PH_WAIT || r->phase == PH_PAUSE) && r->next_at < wake)
      wake = r->next_at;
    if (r->phase == PH_PORT) {
      uint64_t t = r->port ? r->probe_at : now + PORT_PROBE_MS;
      if (t < wake)
        wake = t;
      if (r->port_deadline < wake)
        wake = r->port_deadline;
    }
    if (r->phase == PH_LOAD && lc_http_wake_ms(r->http) < wake)
      wake = lc_http_wake_ms(r->http);
    if ((r->pidfd < 0 || r->ctl < 0) && now + NO_PIDFD_TICK_MS < wake)
      wake = now + NO_PIDFD_TICK_MS;
    progress_tick(r, now);
    if (r->info->progress && r->ptick_at + LC_PROGRESS_TICK_MS < wake)
      wake = r->ptick_at + LC_PROGRESS_TICK_MS;
    if (r->ctl >= 0)
      pf[n++] = (struct pollfd){r->ctl, POLLIN, 0};
    if (r->out_r >= 0)
      pf[n++] = (struct pollfd){r->out_r, POLLIN, 0};
    if (r->err_r >= 0)
      pf[n++] = (struct pollfd){r->err_r, POLLIN, 0};
    if (r->pidfd >= 0)
      pf[n++] = (struct pollfd){r->pidfd, POLLIN, 0};
    if (r->ino >= 0)
      pf[n++] = (struct pollfd){r->ino, POLLIN, 0};
    if (r->phase == PH_LOAD) {
      http_at = n;
      nhttp = lc_http_pollfds(r->http, pf + n, MAX_POLL - n);
      n += nhttp;
    }
    ts = ms_to_timespec(wake > now ? wake - now : 0);
    if (ppoll(pf, n, &ts, &mask) < 0) {
      if (errno == EINTR)
        continue;
      lc_err_errno(r->err, errno, NULL, "cannot wait for the program");
      break;
    }

    pump_output(&r->out_r, &r->info->stdout_tail, 16);
    pump_output(&r->err_r, &r->info->stderr_tail, 16);
    reap_orphans(r->pid);
    if (r->phase == PH_LOAD) {
      if (lc_http_perform(r->http, pf + http_at, nhttp, r->err) < 0)
        break;
      rc = http_after(r);
      if (rc) {
        ret = rc < 0 ? -1 : 0;
        break;
      }
    }
    rc = pump_ctl(r);
    if (!rc && r->ino >= 0)
      rc = pump_inotify(r);
    if (rc) {
      ret = rc < 0 ? -1 : 0;
      break;
    }
    if (leader_ended(r)) {
      rc = pump_ctl(r); /* what it said before it ended */
      if (!rc && r->ino >= 0)
        rc = pump_inotify(r);
      if (rc) {
        ret = rc < 0 ? -1 : 0;
        break;
      }
      program_ended(r);
      break;
    }
  }
  free(pf);
  return ret;
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
    if (r->end_code == CLD_KILLED || r->end_code == CLD_DUMPED)
      r->info->killed_by = r->end_status;
  } else {
    uint64_t until = now_ms() + GRACE_MS;
    kill(-r->pid, SIGTERM);
    signal_descendants(SIGTERM);
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
  /* What left the group (setsid, detached children, daemons) is still our
   * descendant: end it too. */
  sweep_descendants(SWEEP_GRACE_MS);
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
  char *entry = NULL, *extra_arg = NULL;
  char **argv = NULL, **envp = NULL;
  char *own_env[MAX_OWN_ENV] = {NULL, NULL, NULL, NULL};
  const char *shown = NULL;
  struct stat st;
  size_t i;
  int rc = -1;

  r.check = check;
  r.target = check->snapshots;
  r.config_path = config_path;
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
    struct lc_buf as = LC_BUF_INIT, to = LC_BUF_INIT;
    lc_buf_add_cut(&as, check->script ? check->script : check->script_path,
                   LC_QUOTE_MAX);
    lc_buf_add_cut(&to, script, LC_QUOTE_MAX);
    if (e == ENOENT || e == ENOTDIR)
      lc_err_set(err, LC_ECONFIG, config_path, check->script_mark.line,
                 check->script_mark.col,
                 "script '%s' not found (resolved to '%s')", as.buf, to.buf);
    else
      lc_err_set(err, LC_ECONFIG, config_path, check->script_mark.line,
                 check->script_mark.col,
                 "cannot read script '%s' (resolved to '%s'): %s", as.buf,
                 to.buf, strerror(e));
    lc_buf_release(&as);
    lc_buf_release(&to);
    goto out;
  }
  become_subreaper();
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
  own_env[0] = lc_xasprintf("LEAKCHECK_AGENT_FD=%d", AGENT_FD);
  own_env[1] = lc_xasprintf("LEAKCHECK_AGENT_DIR=%s", dir);
  if (check->drive == LC_DRIVE_CALL) {
    /* node's main script is an empty file; the agent loads the module. */
    static const char text[] =
        "/* leakcheck, drive mode call: the agent loads the module. */\n";
    entry = lc_xasprintf("%s/%s", dir, CALL_ENTRY_NAME);
    if (write_new_file(entry, text, sizeof(text) - 1, err) < 0)
      goto out;
    own_env[2] = call_env(check, script);
  }
  /* Allocation tracking sets itself up between the first two snapshots
   * (about 250 KB of the inspector's own objects): only when the first
   * snapshot is a warm-up one, so that this never reads as growth. */
  if (!info->no_tracking && lc_driver_tracks_allocations() &&
      check->warmup >= 1) {
    own_env[3] = lc_xstrdup("LEAKCHECK_AGENT_TRACK=1");
    info->tracked = 1;
  }
  if (check->drive == LC_DRIVE_SIGNAL && signal_setup(&r, &extra_arg) < 0)
    goto out;
  argv = build_argv(check, node, agent, entry ? entry : script, extra_arg);
  envp = build_env(check, own_env);

  if (spawn(&r, node, shown, argv, envp) < 0)
    goto out;
  rc = supervise(&r);
  http_note(&r);
  stop_program(&r);

out:
  tail_trim(&info->stdout_tail);
  tail_trim(&info->stderr_tail);
  lc_http_free(r.http);
  close_fd(&r.ino);
  for (i = 0; i < r.nwatches; i++)
    free(r.watches[i].dir);
  close_fd(&r.ctl);
  close_fd(&r.out_r);
  close_fd(&r.err_r);
  close_fd(&r.pidfd);
  lc_buf_release(&r.line);
  free(r.ppath);
  if (dir) {
    remove_dir(dir);
    reg_dir = NULL;
  }
  for (i = 0; i < MAX_OWN_ENV; i++)
    free(own_env[i]);
  free(envp);
  free(argv);
  free(extra_arg);
  free(entry);
  free(agent);
  free(dir);
  free(node);
  free(script);
  return rc;
}

char *
lc_driver_describe(const struct lc_check *check)
{
  char *every = format_duration(check->every_ms), *r;
  switch (check->drive) {
  case LC_DRIVE_CALL:
    r = lc_xasprintf("%u snapshots, %u calls of '%s' before each",
                     check->snapshots, check->call_times,
                     check->call ? check->call : "default");
    break;
  case LC_DRIVE_HTTP:
    r = lc_xasprintf("%u snapshots, %u requests to %s %s before each",
                     check->snapshots, check->http.requests,
                     check->http.method ? check->http.method : "GET",
                     check->http.target ? check->http.target : "/");
    break;
  case LC_DRIVE_SIGNAL:
    r = lc_xasprintf("%u snapshots by SIG%s, every %s", check->snapshots,
                     signal_name(check->signo), every);
    break;
  default:
    r = lc_xasprintf("%u snapshots, every %s", check->snapshots, every);
    break;
  }
  free(every);
  return r;
}

int
lc_driver_replay(const struct lc_check *check, char *const *files, size_t n,
                 lc_snapshot_fn fn, void *ctx, struct lc_run_info *info,
                 struct lc_err *err)
{
  char *dir;
  size_t k;
  int rc = 0;

  (void)check;
  deliver_pending();
  if (got_signal)
    return interrupted(err);
  dir = make_temp_dir(err);
  if (!dir)
    return -1;
  register_dir(dir);
  for (k = 0; k < n && !rc; k++) {
    char *link = lc_xasprintf("%s/%zu.heapsnapshot", dir, k);
    char *target = absolute_path(files[k]);
    if (info->progress) {
      struct lc_progress p = {LC_PROGRESS_READING, (unsigned)k, (unsigned)n,
                              (unsigned)n,         0,           target};
      info->progress(info->progress_ctx, &p);
    }
    if (symlink(target, link) < 0) {
      rc = lc_err_errno(err, errno, link, "cannot link to '%s'", files[k]);
    } else if (fn && fn(ctx, (unsigned)k, link, err) < 0) {
      /* Unless interrupted, the file is at fault, and it has the user's
       * name, not ours. */
      if (err->code == LC_EINTERRUPT)
        goto used;
      if (err->code == LC_OK || err->code == LC_EPROGRAM)
        err->code = LC_EINPUT;
      if (!err->path || !strcmp(err->path, link)) {
        free(err->path);
        err->path = lc_xstrdup(files[k]);
      }
      if (!err->msg)
        err->msg = lc_xasprintf("cannot use snapshot %zu", k);
    used:
      rc = -1;
    } else {
      info->snapshots_done = (unsigned)(k + 1);
      if (info->progress) {
        struct lc_progress p = {LC_PROGRESS_READ, (unsigned)k, (unsigned)n,
                                (unsigned)n,      0,           NULL};
        info->progress(info->progress_ctx, &p);
      }
    }
    unlink(link);
    free(link);
    free(target);
    deliver_pending();
    if (!rc && got_signal)
      rc = interrupted(err);
  }
  remove_dir(dir);
  reg_dir = NULL;
  free(dir);
  return rc;
}
