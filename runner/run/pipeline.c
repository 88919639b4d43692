/*
 * The run pipeline (pipeline.h): snapshots → summaries → series → verdict →
 * explanation, for one check.
 */
#include "run/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/format.h"
#include "base/fsutil.h"
#include "leakcheck/buf.h"
#include "leakcheck/heap.h"
#include "run/driver.h"

#include "base/banned.h"

struct run_ctx {
  const struct lc_check *check;
  struct lc_series *series;
  enum lc_keep keep;
  const char *keep_dir; /* <snapshot-dir>/<check> */
  /* The last snapshot stays in memory until the verdict is explained. */
  struct lc_snapshot last;
  struct lc_summary last_sum;
  int have_last;
};

/* The driver's callback: snapshot k (0-based) is at `path`. */
static int
on_snapshot(void *vctx, unsigned k, const char *path, struct lc_err *err)
{
  static const struct lc_summary_opts take = {LC_SUMMARY_TAKE, NULL, NULL};
  struct run_ctx *ctx = vctx;
  struct lc_snapshot s;
  struct lc_summary sum;
  int ret = 0;
  if (lc_snapshot_read(&s, path, err) < 0) {
    /* A file our own agent wrote is unreadable: the program broke. */
    err->code = LC_EPROGRAM;
    return -1;
  }
  lc_summary_build(&sum, &s, &take);
  lc_series_add(ctx->series, &sum);
  lc_series_add_objects(ctx->series, &s, &sum);
  if (k + 1 == ctx->check->snapshots) {
    lc_series_set_survivors(ctx->series, &s, &sum);
    ctx->last = s;
    ctx->last_sum = sum;
    ctx->have_last = 1;
  } else {
    lc_summary_release(&sum);
    lc_snapshot_release(&s);
  }
  if (ctx->keep != LC_KEEP_NEVER) {
    char *to = lc_xasprintf("%s/%u.heapsnapshot", ctx->keep_dir, k + 1);
    if (lc_mkdir_p(ctx->keep_dir, err) < 0 ||
        lc_move_file(path, to, 0644, 0, err) < 0)
      ret = -1;
    free(to);
  } else {
    unlink(path);
  }
  return ret;
}

/* The node a finding is explained with: for a growing object, itself; for
 * a row, one member allocated during the measured window that survived,
 * the one closest to the roots (then the oldest); else any member. */
static uint32_t
pick_node(const struct run_ctx *ctx, const struct lc_graph *g,
          const uint32_t *series_row, const struct lc_finding *f)
{
  const struct lc_snapshot *s = &ctx->last;
  const struct lc_series *ser = ctx->series;
  uint32_t v, best = UINT32_MAX, since = ser->max_id[ser->warmup];
  int best_new = 0;
  for (v = 0; v < s->node_count; v++) {
    uint32_t r = ctx->last_sum.node_row[v];
    int is_new;
    if (r == UINT32_MAX)
      continue;
    if (f->object_id) {
      if (s->node_id[v] == f->object_id)
        return v;
      continue;
    }
    if (&ser->rows[series_row[r]] != f->row)
      continue;
    is_new = (s->node_id[v] & 1) && s->node_id[v] > since;
    if (best == UINT32_MAX || (is_new && !best_new) ||
        (is_new == best_new &&
         ((uint32_t)g->distance[v] < (uint32_t)g->distance[best] ||
          (g->distance[v] == g->distance[best] &&
           s->node_id[v] < s->node_id[best])))) {
      best = v;
      best_new = is_new;
    }
  }
  return best;
}

/* Fills `why` of the failing findings: the retainer path of one object and
 * its retained size.  Dominators and paths are computed only here, on the
 * last snapshot, and only when something failed. */
static void
explain_findings(struct run_ctx *ctx, struct lc_check_result *res)
{
  struct lc_graph g;
  uint32_t *series_row, r;
  size_t i, j;
  if (!ctx->have_last || res->status != LC_CHECK_FAILED)
    return;
  lc_graph_build(&g, &ctx->last, ctx->last_sum.node_self,
                 LC_GRAPH_DOMINATORS | LC_GRAPH_PATHS);
  series_row = lc_xmalloc((ctx->last_sum.nrows + 1) * sizeof(uint32_t));
  for (r = 0; r < ctx->last_sum.nrows; r++) {
    long k = lc_series_find(ctx->series, ctx->last_sum.rows[r].key);
    series_row[r] = k < 0 ? 0 : (uint32_t)k;
  }
  for (i = 0; i < res->nresults; i++) {
    struct lc_assert_result *ar = &res->results[i];
    /* Explaining costs a scan of the heap per finding: the worst few. */
    for (j = 0; j < ar->nfindings && j < 5; j++) {
      struct lc_finding *f = &ar->findings[j];
      struct lc_buf b = LC_BUF_INIT;
      char rs[LC_BYTES_MAX];
      uint32_t v;
      if (!f->row)
        continue;
      v = pick_node(ctx, &g, series_row, f);
      if (v == UINT32_MAX)
        continue;
      lc_format_bytes(rs, sizeof(rs), (int64_t)g.retained[v], 0);
      lc_buf_addf(&b, "%s @%u (%s, retained %s) is held by:\n  ", f->row->name,
                  ctx->last.node_id[v],
                  (ctx->last.node_id[v] & 1) &&
                          ctx->last.node_id[v] >
                              ctx->series->max_id[ctx->series->warmup]
                      ? "allocated during the measured window"
                      : "present from the start",
                  rs);
      lc_graph_path(&g, &ctx->last, v, lc_summary_namer, &ctx->last_sum, &b);
      f->why = lc_buf_detach(&b, NULL);
    }
  }
  free(series_row);
  lc_graph_release(&g);
}

/* Removes the snapshot files a passing check kept (--keep-snapshots=failed). */
static void
remove_kept(const char *dir, unsigned n)
{
  unsigned k;
  for (k = 1; k <= n; k++) {
    char *p = lc_xasprintf("%s/%u.heapsnapshot", dir, k);
    unlink(p);
    free(p);
  }
  rmdir(dir);
}

static double
now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
  char *keep_dir = lc_xasprintf("%s/%s", opts->snapshot_dir, check->name);
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
  ctx.keep_dir = keep_dir;

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
    rc = lc_driver_run(check, cfg->path, on_snapshot, &ctx, &info, &rerr);
  }
  if (info.note.len && opts->progress)
    fprintf(stderr, "leakcheck: '%s': %s\n", check->name, info.note.buf);
  res->seconds = now_seconds() - t0;
  if (info.stdout_tail.len)
    res->stdout_tail = lc_buf_detach(&info.stdout_tail, NULL);
  if (info.stderr_tail.len)
    res->stderr_tail = lc_buf_detach(&info.stderr_tail, NULL);
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
    size_t failed = lc_verdict_eval(check, &res->series, &res->results);
    res->nresults = check->nasserts;
    res->status = failed ? LC_CHECK_FAILED : LC_CHECK_PASSED;
    explain_findings(&ctx, res);
  }
  if (keep == LC_KEEP_FAILED && res->status == LC_CHECK_PASSED)
    remove_kept(keep_dir, check->snapshots);
  if (ctx.have_last) {
    lc_summary_release(&ctx.last_sum);
    lc_snapshot_release(&ctx.last);
  }
  lc_run_info_release(&info);
  free(keep_dir);
  return ret;
}
