/*
 * The run pipeline (pipeline.h): snapshots → summaries → series → verdict →
 * explanation, for one check.
 */
#include "run/pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/format.h"
#include "base/fsutil.h"
#include "base/trace.h"
#include "leakcheck/buf.h"
#include "leakcheck/heap.h"
#include "run/driver.h"
#include "verdict/diagnose.h"
#include "verdict/identity.h"

#include "base/banned.h"

/* Where one check of this run keeps its snapshots:
 * <snapshot-dir>/<check>/<run-id>/K.heapsnapshot, made on the first
 * snapshot kept.  Every file is recorded as it is written, so that the
 * clean-up of a passing check (--keep-snapshots=failed) removes exactly
 * what this run wrote and nothing else. */
struct keep_dir {
  int top_fd;        /* <snapshot-dir>, or -1 */
  int check_fd;      /* <snapshot-dir>/<check>, or -1 */
  int run_fd;        /* <snapshot-dir>/<check>/<run-id>, or -1 */
  int made_check;    /* the <check> directory was created by this run */
  char *run_name;    /* <run-id> as made (a suffix when it existed) */
  char *path;        /* <snapshot-dir>/<check>/<run-id>, for messages */
  unsigned *written; /* K of each file written, in order */
  size_t nwritten, awritten;
};

struct run_ctx {
  const struct lc_check *check;
  struct lc_series *series;
  enum lc_keep keep;
  const char *snapshot_dir;
  struct keep_dir kd;
  const char *base_dir; /* the config's directory, resolved: identities */
  /* The last snapshot stays in memory until the verdict is explained. */
  struct lc_snapshot last;
  struct lc_summary last_sum;
  int have_last;
  /* The last snapshot's file, open (it may be unlinked or moved since):
   * the explanation reads it again. */
  int last_fd;
  /* Confirmation: live runs only (`analyze` has no program to ask). */
  int confirm;
  double confirm_t0; /* when the planned last snapshot was in */
  double prev_t;     /* when the previous snapshot was in */
  unsigned scale;    /* drive intervals asked for the next confirmation one */
  const struct lc_run_info *info; /* the driver's memory samples */
};

/* Forgets the snapshot kept for the explanation. */
static void
drop_last(struct run_ctx *ctx)
{
  if (ctx->have_last) {
    lc_summary_release(&ctx->last_sum);
    lc_snapshot_release(&ctx->last);
    ctx->have_last = 0;
  }
  if (ctx->last_fd >= 0)
    close(ctx->last_fd);
  ctx->last_fd = -1;
}

static const struct lc_summary_opts take_self = {LC_SUMMARY_TAKE, NULL, NULL};

/* One id for every check of this process: UTC time and pid, e.g.
 * "20261203T155916Z-4242"; two runs never share it. */
static const char *
run_id(void)
{
  static char id[64];
  if (!id[0]) {
    time_t t = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(id, sizeof(id), "%s-%ld", when, (long)getpid());
  }
  return id;
}

/* Makes the run's keep directory (0700, as is every directory leakcheck
 * creates on the way: heaps hold secrets). */
static int
keep_dir_open(struct keep_dir *kd, const char *top, const char *check,
              struct lc_err *err)
{
  char *shown = lc_xasprintf("%s/%s", top, check);
  unsigned i;
  int made;
  if (lc_mkdir_p_mode(top, 0700, err) < 0)
    goto fail;
  kd->top_fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (kd->top_fd < 0) {
    lc_err_errno(err, errno, top, "cannot open directory");
    goto fail;
  }
  kd->check_fd =
      lc_dir_at(kd->top_fd, check, 0700, shown, &kd->made_check, err);
  if (kd->check_fd < 0)
    goto fail;
  for (i = 1; i < 100 && kd->run_fd < 0; i++) {
    char *name =
        i == 1 ? lc_xstrdup(run_id()) : lc_xasprintf("%s.%u", run_id(), i);
    free(kd->path);
    kd->path = lc_xasprintf("%s/%s", shown, name);
    if (mkdirat(kd->check_fd, name, 0700) < 0) {
      int e = errno;
      free(name);
      if (e == EEXIST)
        continue;
      lc_err_errno(err, e, kd->path, "cannot create directory");
      goto fail;
    }
    kd->run_fd = lc_dir_at(kd->check_fd, name, 0700, kd->path, &made, err);
    if (kd->run_fd < 0) {
      free(name);
      goto fail;
    }
    kd->run_name = name;
  }
  if (kd->run_fd < 0) {
    lc_err_set(err, LC_ESYSTEM, kd->path, 0, 0,
               "cannot create a directory of this run's own");
    goto fail;
  }
  free(shown);
  return 0;
fail:
  free(shown);
  return -1;
}

/* Removes what this run kept (the files it recorded, then the directories
 * it made, when they are empty). */
static void
keep_dir_remove(struct keep_dir *kd, const char *check)
{
  size_t i;
  if (kd->run_fd < 0)
    return;
  for (i = 0; i < kd->nwritten; i++) {
    char name[32];
    snprintf(name, sizeof(name), "%u.heapsnapshot", kd->written[i]);
    unlinkat(kd->run_fd, name, 0);
  }
  kd->nwritten = 0;
  unlinkat(kd->check_fd, kd->run_name, AT_REMOVEDIR);
  if (kd->made_check)
    unlinkat(kd->top_fd, check, AT_REMOVEDIR); /* fails unless empty */
}

static void
keep_dir_release(struct keep_dir *kd)
{
  if (kd->run_fd >= 0)
    close(kd->run_fd);
  if (kd->check_fd >= 0)
    close(kd->check_fd);
  if (kd->top_fd >= 0)
    close(kd->top_fd);
  free(kd->run_name);
  free(kd->path);
  free(kd->written);
}

/* Stops the pipeline with LC_EINTERRUPT when SIGINT/SIGTERM/SIGHUP came
 * in while it worked (the driver only sees signals while it waits). */
static int
check_interrupt(struct lc_err *err)
{
  int signo = lc_driver_interrupted();
  const char *name;
  if (!signo)
    return 0;
  if (err->code != LC_OK)
    lc_err_release(err);
  name = sigabbrev_np(signo);
  return lc_err_set(err, LC_EINTERRUPT, NULL, 0, 0, "interrupted by SIG%s",
                    name ? name : "?");
}

static double
now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
lc_confirm_fits(const struct lc_check *c, const uint64_t *run_us, size_t nrun,
                size_t k, double grows, double wall_used, double wall_last)
{
  double budget = (double)c->confirm_timeout_ms / 1000.0, run = 0, last;
  size_t i;
  if (k + 1 <= c->snapshots)
    return 1; /* the first confirmation snapshot */
  if (nrun <= k)
    return wall_used + grows * wall_last <= budget;
  for (i = c->snapshots; i <= k; i++)
    run += (double)run_us[i] / 1e6;
  last = (double)run_us[k] / 1e6;
  if (run + grows * last > budget)
    return 0;
  if (last > wall_last)
    last = wall_last;
  return wall_used + (wall_last - last) + grows * last <=
         budget * LC_CONFIRM_WALL;
}

unsigned
lc_confirm_next_scale(const struct lc_check *c, const uint64_t *run_us,
                      size_t nrun, size_t k, double prev, unsigned want,
                      double wall_used, double wall_last)
{
  size_t extra = k + 1 - c->snapshots; /* confirmation snapshots taken */
  double grows = want > prev ? want / prev : 1;
  /* The first confirmation interval is longer than the window's always:
   * there is nothing yet to repeat. */
  if (grows > 1 && extra > 0 &&
      (extra + 2 > c->confirm_snapshots ||
       !lc_confirm_fits(c, run_us, nrun, k, 2 * grows, wall_used, wall_last))) {
    want = (unsigned)prev;
    grows = 1;
  }
  if (!lc_confirm_fits(c, run_us, nrun, k, grows, wall_used, wall_last))
    return 0;
  return want;
}

/* After snapshot k, the planned last or a confirmation one: the drive
 * intervals the next one is to hold (lc_verdict_wants_more), 0 for none,
 * within the check's confirmation budget (lc_confirm_fits). */
static unsigned
want_more(struct run_ctx *ctx, unsigned k)
{
  const struct lc_check *c = ctx->check;
  const struct lc_series *ser = ctx->series;
  double now = now_seconds();
  unsigned extra = k + 1 - c->snapshots, scale = 1;
  if (!ctx->confirm || extra >= c->confirm_snapshots)
    return 0;
  if (!extra)
    ctx->confirm_t0 = now;
  if (!lc_verdict_wants_more(c, ser, c->snapshots, &scale))
    return 0;
  scale = lc_confirm_next_scale(
      c, ctx->info ? ctx->info->run_us : NULL, ctx->info ? ctx->info->nrun : 0,
      k, k < ser->ndrive && ser->drive[k] > 0 ? ser->drive[k] : 1, scale,
      now - ctx->confirm_t0, now - ctx->prev_t);
  if (scale)
    ctx->scale = scale;
  return scale;
}

/* The memory rows of the series, from the driver's samples: one per
 * snapshot, else none (analyze samples nothing).  Called after every
 * snapshot, so that the confirmation judges memory rows too (the driver
 * records a snapshot's sample before its callback runs), and once after
 * the run. */
static void
add_memory_rows(struct lc_series *ser, const struct lc_run_info *info)
{
  uint64_t *v;
  size_t k, n = ser->nsnap;
  int agent = 1, tree = 0, kind;
  if (!n || info->nmem != n)
    return;
  for (k = 0; k < n; k++) {
    agent &= info->mem[k].agent != 0;
    tree |= info->mem[k].descendants != 0;
  }
  v = lc_xcalloc(n, sizeof(*v));
  for (kind = LC_MEM_RSS; kind < LC_MEM_KINDS; kind++) {
    if (kind == LC_MEM_TREE_RSS ? !tree : kind != LC_MEM_RSS && !agent)
      continue;
    for (k = 0; k < n; k++) {
      const struct lc_mem_sample *m = &info->mem[k];
      switch (kind) {
      case LC_MEM_RSS:
        v[k] = m->rss;
        break;
      case LC_MEM_HEAP_USED:
        v[k] = m->heap_used;
        break;
      case LC_MEM_HEAP_TOTAL:
        v[k] = m->heap_total;
        break;
      case LC_MEM_EXTERNAL:
        v[k] = m->external;
        break;
      case LC_MEM_ARRAY_BUFFERS:
        v[k] = m->array_buffers;
        break;
      default:
        v[k] = m->tree_rss;
        break;
      }
    }
    lc_series_add_memory(ser, (enum lc_mem_kind)kind, v);
  }
  free(v);
}

/* The driver's callback: snapshot k (0-based) is at `path`. */
static int
on_snapshot(void *vctx, unsigned k, const char *path, struct lc_err *err)
{
  struct run_ctx *ctx = vctx;
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_scripts sc = LC_SCRIPTS_INIT;
  int ret = 0, fd;
  char phase[48];
  if (check_interrupt(err) < 0)
    return -1;
  /* A snapshot from the last planned one on replaces the one kept for the
   * explanation: give that back first, so that only one snapshot is ever
   * in memory.  Should this one prove unreadable, the check is broken and
   * nothing is explained. */
  if (k + 1 >= ctx->check->snapshots)
    drop_last(ctx);
  snprintf(phase, sizeof(phase), "snapshot %u: parse begun", k + 1);
  lc_trace(phase);
  /* Kept open when this snapshot is kept for the explanation. */
  fd = lc_snapshot_open(path, err);
  if (fd < 0 || lc_snapshot_read_fd(&s, fd, path, err) < 0) {
    if (fd >= 0)
      close(fd);
    if (check_interrupt(err) < 0)
      return -1;
    /* A file our own agent wrote is unreadable: the program broke. */
    err->code = LC_EPROGRAM;
    return -1;
  }
  lc_summary_build(&sum, &s, &take_self);
  lc_series_add(ctx->series, &sum);
  /* How long the program ran before it (reading the last snapshot
   * included, its pause left out): confirmation rates are per unit of
   * that, and per call or request too when the drive counts them. */
  if (ctx->info && k < ctx->info->nrun)
    lc_series_set_span(ctx->series, k, (double)ctx->info->run_us[k]);
  lc_series_set_drive(ctx->series, k,
                      k < ctx->check->snapshots ? 1 : (double)ctx->scale);
  ctx->series->span_by_count =
      ctx->check->drive == LC_DRIVE_CALL || ctx->check->drive == LC_DRIVE_HTTP;
  /* Rows new in this snapshot get their stable identity and their source
   * location (for the verdict's notes) from its own script names. */
  lc_scripts_build(&sc, &s);
  lc_series_set_identities(ctx->series, &sc, ctx->base_dir);
  lc_diag_rows(ctx->series, &sc, ctx->base_dir);
  lc_scripts_release(&sc);
  lc_series_add_objects(ctx->series, &s, &sum);
  if (ctx->info)
    add_memory_rows(ctx->series, ctx->info);
  if (k + 1 >= ctx->check->snapshots) {
    /* The last snapshot so far: survivors are counted on it, and it
     * stays for the explanation until a confirmation snapshot replaces
     * it. */
    lc_series_set_survivors(ctx->series, &s, &sum);
    ctx->last = s;
    ctx->last_sum = sum;
    ctx->have_last = 1;
    ctx->last_fd = fd;
    ret = (int)want_more(ctx, k);
  } else {
    lc_summary_release(&sum);
    lc_snapshot_release(&s);
    close(fd);
  }
  ctx->prev_t = now_seconds();
  if (ctx->keep != LC_KEEP_NEVER) {
    struct keep_dir *kd = &ctx->kd;
    char name[32], *shown;
    snprintf(name, sizeof(name), "%u.heapsnapshot", k + 1);
    if (kd->run_fd < 0 &&
        keep_dir_open(kd, ctx->snapshot_dir, ctx->check->name, err) < 0)
      return -1;
    shown = lc_xasprintf("%s/%s", kd->path, name);
    if (lc_move_into(path, kd->run_fd, name, shown, 0600, 0, err) < 0) {
      ret = -1;
    } else {
      LC_ALLOC_GROW(kd->written, kd->nwritten + 1, kd->awritten);
      kd->written[kd->nwritten++] = k + 1;
    }
    free(shown);
  } else {
    unlink(path);
  }
  if (!ret && check_interrupt(err) < 0)
    ret = -1;
  return ret;
}

/* The directory of the config file, absolute, for file names relative to
 * it; NULL when it cannot be resolved. */
static char *
config_dir(const struct lc_config *cfg)
{
  char *dir, *slash, *abs;
  if (!cfg || !cfg->path)
    return NULL;
  dir = lc_xstrdup(cfg->path);
  slash = strrchr(dir, '/');
  if (!slash) {
    free(dir);
    dir = lc_xstrdup(".");
  } else if (slash == dir) {
    slash[1] = '\0';
  } else {
    *slash = '\0';
  }
  abs = realpath(dir, NULL);
  free(dir);
  return abs;
}

/* Source locations for every row, and for a failed check its leaks
 * (verdict/diagnose.h), from the last snapshot: the plan from the one in
 * memory, which it spends, then the words from the same file read again,
 * so that its graph and its names are never in memory together. */
static void
explain_findings(struct run_ctx *ctx, const struct lc_config *cfg,
                 struct lc_check_result *res)
{
  struct lc_scripts sc;
  struct lc_diag_plan *plan;
  char *dir;
  if (!ctx->have_last)
    return;
  dir = config_dir(cfg);
  lc_trace("diagnosis: start");
  lc_scripts_build(&sc, &ctx->last);
  lc_diag_rows(&res->series, &sc, dir);
  plan = lc_diagnose_plan(res, &ctx->last, &ctx->last_sum);
  if (plan) {
    struct lc_snapshot s;
    struct lc_summary sum;
    struct lc_err err = LC_ERR_INIT;
    char *path = lc_xstrdup(ctx->last.path ? ctx->last.path : "snapshot");
    lc_summary_release(&ctx->last_sum);
    lc_snapshot_release(&ctx->last);
    ctx->have_last = 0;
    if (lc_snapshot_read_fd(&s, ctx->last_fd, path, &err) == 0) {
      lc_trace("diagnosis: read again");
      lc_summary_build(&sum, &s, &take_self);
      lc_diagnose_explain(res, plan, &s, &sum, &sc, dir);
      lc_summary_release(&sum);
      lc_snapshot_release(&s);
    } else {
      /* The file changed under us: the findings stay unexplained. */
      lc_diag_plan_free(plan);
      lc_err_release(&err);
    }
    free(path);
  }
  lc_trace("diagnosis: done");
  lc_scripts_release(&sc);
  free(dir);
}

/* The program died by a crash signal while V8 tracked its allocations:
 * V8's allocation tracker has crashed Node in the past (see agent.js), and
 * a check must never fail because of what leakcheck turned on. */
static int
tracking_crashed(const struct lc_run_info *info, const struct lc_err *err)
{
  switch (info->killed_by) {
  case SIGSEGV:
  case SIGBUS:
  case SIGILL:
  case SIGFPE:
  case SIGABRT:
  case SIGTRAP:
    break;
  default:
    return 0;
  }
  return info->tracked && err->code == LC_EPROGRAM && !lc_driver_interrupted();
}

/* Forgets the run that just ended (its series, its last snapshot, the
 * snapshots it kept, its error and output), for a second run of the same
 * check without allocation tracking. */
static void
restart(struct run_ctx *ctx, struct lc_check_result *res,
        struct lc_run_info *info, struct lc_err *err)
{
  keep_dir_remove(&ctx->kd, ctx->check->name);
  keep_dir_release(&ctx->kd);
  memset(&ctx->kd, 0, sizeof(ctx->kd));
  ctx->kd.top_fd = ctx->kd.check_fd = ctx->kd.run_fd = -1;
  drop_last(ctx);
  ctx->confirm_t0 = 0;
  ctx->prev_t = now_seconds();
  lc_series_release(&res->series);
  memset(&res->series, 0, sizeof(res->series));
  res->series.warmup = ctx->check->warmup;
  lc_run_info_release(info);
  info->no_tracking = 1;
  lc_err_release(err);
}

/* Nonzero when the failing findings of `res` are resident sizes only
 * ((rss), (process tree rss)): what allocation tracking itself moves.
 * A check that also fails on objects fails anyway, and keeps the tracked
 * run's allocation sites. */
static int
tracking_moved_rss(const struct lc_check_result *res)
{
  size_t i, j;
  int rss = 0;
  for (i = 0; i < res->nresults; i++)
    for (j = 0; j < res->results[i].nfindings; j++) {
      const struct lc_finding *f = &res->results[i].findings[j];
      if (f->row &&
          (f->row->memory == LC_MEM_RSS || f->row->memory == LC_MEM_TREE_RSS))
        rss = 1;
      else
        return 0;
    }
  return rss;
}

int
lc_run_check(const struct lc_config *cfg, const struct lc_check *check,
             const struct lc_run_opts *opts, struct lc_check_result *res,
             struct lc_err *err)
{
  struct run_ctx ctx;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err rerr = LC_ERR_INIT;
  enum lc_keep keep = opts->replay ? LC_KEEP_NEVER : opts->keep;
  char *base_dir = realpath(cfg->dir ? cfg->dir : ".", NULL);
  double t0 = now_seconds();
  int rc, ret = 0;

  memset(res, 0, sizeof(*res));
  res->check = check;
  res->started = time(NULL);
  res->series.warmup = check->warmup;
  memset(&ctx, 0, sizeof(ctx));
  ctx.check = check;
  ctx.series = &res->series;
  ctx.keep = keep;
  ctx.snapshot_dir = opts->snapshot_dir;
  ctx.kd.top_fd = ctx.kd.check_fd = ctx.kd.run_fd = -1;
  ctx.last_fd = -1;
  info.progress = opts->on_progress;
  info.progress_ctx = opts->progress_ctx;
  ctx.base_dir = base_dir;
  ctx.confirm = !opts->replay && check->confirm_snapshots > 0;
  ctx.info = &info;
  ctx.prev_t = t0;

  if (opts->replay) {
    if (opts->progress)
      fprintf(stderr, "leakcheck: analyzing '%s' (%zu files, ordered %s)\n",
              check->name, opts->replay->n, opts->replay->order);
    rc = lc_driver_replay(check, opts->replay->files, opts->replay->n,
                          on_snapshot, &ctx, &info, &rerr);
  } else {
    if (opts->progress) {
      char *how = lc_driver_describe(check);
      fprintf(stderr, "leakcheck: running '%s' (%s)\n", check->name, how);
      free(how);
    }
  again:
    rc = lc_driver_run(check, cfg->path, on_snapshot, &ctx, &info, &rerr);
    if (rc < 0 && tracking_crashed(&info, &rerr)) {
      res->tracking_crash = info.killed_by;
      if (opts->progress)
        fprintf(stderr,
                "leakcheck: '%s': node was killed by SIG%s with allocation "
                "tracking on; running the check again without it\n",
                check->name, sigabbrev_np(info.killed_by));
      restart(&ctx, res, &info, &rerr);
      rc = lc_driver_run(check, cfg->path, on_snapshot, &ctx, &info, &rerr);
    }
  }
  if (info.note.len && opts->progress)
    fprintf(stderr, "leakcheck: '%s': %s\n", check->name, info.note.buf);
  res->seconds = now_seconds() - t0;
  if (res->series.nsnap > check->snapshots && ctx.confirm_t0 > 0)
    res->confirm_seconds = now_seconds() - ctx.confirm_t0;
  if (info.stdout_tail.len)
    res->stdout_tail = lc_buf_detach(&info.stdout_tail, NULL);
  if (info.stderr_tail.len)
    res->stderr_tail = lc_buf_detach(&info.stderr_tail, NULL);
  /* A signal that came while the last snapshot was parsed (or after):
   * stop here, as one that came during a wait does. */
  if (rc == 0 && check_interrupt(&rerr) < 0)
    rc = -1;
  if (rc < 0) {
    res->status = LC_CHECK_BROKEN;
    res->error = lc_err_format(&rerr);
    if (rerr.code != LC_EPROGRAM) {
      /* Not the program's fault: leakcheck stops here with exit 2/130. */
      *err = rerr;
      ret = -1;
    } else {
      lc_err_release(&rerr);
    }
  } else {
    size_t failed;
    add_memory_rows(&res->series, &info);
    if (res->series.nsnap > check->snapshots)
      res->series.planned = check->snapshots; /* for the reports */
    failed = lc_verdict_eval_confirmed(check, &res->series, check->snapshots,
                                       &res->results);
    res->nresults = check->nasserts;
    res->status = failed ? LC_CHECK_FAILED : LC_CHECK_PASSED;
    if (info.tracked && !info.no_tracking && tracking_moved_rss(res) &&
        check_interrupt(err) == 0) {
      /* V8's allocation tracker keeps a record per allocation in native
       * memory: under it, a program that allocates a lot grows its RSS
       * by itself.  A resident size is judged on a run without it. */
      if (opts->progress)
        fprintf(stderr,
                "leakcheck: '%s': the resident size grew with allocation "
                "tracking on, which costs native memory itself; running "
                "the check again without it\n",
                check->name);
      lc_verdict_free(res->results, res->nresults);
      res->results = NULL;
      res->nresults = 0;
      free(res->stdout_tail);
      free(res->stderr_tail);
      res->stdout_tail = res->stderr_tail = NULL;
      res->confirm_seconds = 0;
      res->rss_rerun = 1;
      restart(&ctx, res, &info, &rerr);
      goto again;
    }
    explain_findings(&ctx, cfg, res);
    lc_diag_external(res);
    if (check_interrupt(err) < 0)
      ret = -1;
  }
  if (keep == LC_KEEP_FAILED && res->status == LC_CHECK_PASSED && ret == 0)
    keep_dir_remove(&ctx.kd, check->name);
  else if (ctx.kd.run_fd >= 0 && opts->progress)
    fprintf(stderr, "leakcheck: '%s': snapshots kept in %s\n", check->name,
            ctx.kd.path);
  keep_dir_release(&ctx.kd);
  drop_last(&ctx);
  lc_run_info_release(&info);
  free(base_dir);
  return ret;
}
