/*
 * leakcheck's command line: argv → modules → diagnostics → exit code.
 * The only file that prints or exits.
 *
 * Exit codes: 0 every assertion held; 1 an assertion failed (a leak);
 * 2 usage, configuration or input error; 3 the program under test broke
 * (crashed, exited early, timed out); 130 interrupted.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "leakcheck/analyze.h"
#include "leakcheck/buf.h"
#include "leakcheck/compare.h"
#include "leakcheck/config.h"
#include "leakcheck/dominators.h"
#include "leakcheck/driver.h"
#include "leakcheck/err.h"
#include "leakcheck/fsutil.h"
#include "leakcheck/github.h"
#include "leakcheck/report.h"
#include "leakcheck/shard.h"
#include "leakcheck/snapshot.h"
#include "leakcheck/summary.h"
#include "leakcheck/trace.h"
#include "leakcheck/verdict.h"

#include "leakcheck/banned.h"

enum {
  EXIT_PASS = 0,
  EXIT_LEAK = 1,
  EXIT_USAGE = 2,
  EXIT_BROKEN = 3,
  EXIT_INTERRUPTED = 130
};

enum keep_policy { KEEP_NEVER, KEEP_FAILED, KEEP_ALWAYS };

static const char usage_text[] =
    "usage: leakcheck [run] [-c FILE] [--check NAME]... [--junit FILE]\n"
    "                 [--keep-snapshots=never|failed|always]\n"
    "                 [--snapshot-dir DIR] [--no-color] [--shard I/N]\n"
    "                 [--junit-profile=default|jenkins] [--no-junit]\n"
    "                 [--brief]\n"
    "       leakcheck summary FILE [--top N] [--json]\n"
    "       leakcheck diff BASE FILE [--top N] [--json]\n"
    "       leakcheck analyze [-c FILE] --check NAME FILE|DIR...\n"
    "       leakcheck --help | --version\n"
    "\n"
    "Runs the checks of leakcheck.yml: starts each Node program, takes heap\n"
    "snapshots while it works, and fails when a constructor grows beyond\n"
    "the assertions.  Writes JUnit XML (default leakcheck-junit.xml).\n"
    "\n"
    "  -c, --config FILE      configuration (default ./leakcheck.yml)\n"
    "      --check NAME       run only this check (repeatable)\n"
    "      --junit FILE       JUnit XML output path\n"
    "      --keep-snapshots=P keep snapshot files: never (default), failed,\n"
    "                         always\n"
    "      --snapshot-dir DIR where kept snapshots go (default\n"
    "                         leakcheck-snapshots)\n"
    "      --no-color         no ANSI colours (also NO_COLOR=1)\n"
    "      --shard I/N        run only shard I of N (1 <= I <= N); a check's\n"
    "                         shard depends on its name only\n"
    "      --junit-profile=P  default, or jenkins: the xUnit plugin's schema\n"
    "                         (no file/line on testcases)\n"
    "      --no-junit         write no JUnit file\n"
    "      --brief            a short verdict (for pre-commit hooks)\n"
    "\n"
    "  On GitHub Actions (GITHUB_ACTIONS=true) each failed assertion is\n"
    "  annotated at its line of leakcheck.yml and the program's output is\n"
    "  fenced from workflow commands; with GITHUB_STEP_SUMMARY set, a\n"
    "  Markdown report is appended to that file.\n"
    "\n"
    "  summary FILE           print the DevTools Summary view of a snapshot\n"
    "      --top N            only the N largest rows (default 30; 0 = all)\n"
    "      --json             print JSON instead of a table\n"
    "\n"
    "  diff BASE FILE         print the DevTools Comparison view: objects new\n"
    "                         in FILE and deleted since BASE, by node id\n"
    "\n"
    "  analyze --check NAME FILE|DIR...\n"
    "                         apply the check's warmup and assertions to\n"
    "                         snapshot files that exist (a directory: its\n"
    "                         *.heapsnapshot files), ordered by when they\n"
    "                         were taken; same reports and exit codes as run\n"
    "\n"
    "Exit status: 0 all assertions held, 1 a leak was found, 2 usage,\n"
    "configuration or input error, 3 the program under test broke.\n";

static void
print_err(const struct lc_err *err)
{
  char *m = lc_err_format(err);
  fprintf(stderr, "leakcheck: %s\n", m);
  free(m);
}

static int
exit_for(const struct lc_err *err)
{
  switch (err->code) {
  case LC_EPROGRAM:
    return EXIT_BROKEN;
  case LC_EINTERRUPT:
    return EXIT_INTERRUPTED;
  default:
    return EXIT_USAGE;
  }
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
  va_list ap;
  fputs("leakcheck: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n(run 'leakcheck --help' for usage)\n", stderr);
  return EXIT_USAGE;
}

/* ---- summary FILE ---------------------------------------------------------
 */

/* --top N: returns 0, or -1 after printing the usage error. */
static int
parse_top(const char *arg, long *top)
{
  char *end;
  errno = 0;
  *top = strtol(arg, &end, 10);
  if (errno || *end || *top < 0) {
    usage_error("--top expects a whole number >= 0; got '%s'", arg);
    return -1;
  }
  return 0;
}

/* Reads a snapshot file; on failure prints the error and returns -1. */
static int
read_snapshot(struct lc_snapshot *s, const char *path)
{
  struct lc_err err = LC_ERR_INIT;
  if (lc_snapshot_read(s, path, &err) == 0)
    return 0;
  print_err(&err);
  lc_err_release(&err);
  return -1;
}

/* DevTools shows "-" for these distances. */
static int
distance_shown(int32_t d)
{
  return d >= 0 && d < LC_DISTANCE_BASE_SYSTEM;
}

static int
cmd_summary(int argc, char **argv)
{
  static const struct option opts[] = {{"top", required_argument, 0, 't'},
                                       {"json", no_argument, 0, 'j'},
                                       {"parse-only", no_argument, 0, 'p'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  long top = 30;
  int json = 0, parse_only = 0, c;
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_err err = LC_ERR_INIT;
  struct lc_buf out = LC_BUF_INIT;
  size_t i, n;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 't':
      if (parse_top(optarg, &top) < 0)
        return EXIT_USAGE;
      break;
    case 'j':
      json = 1;
      break;
    case 'p':
      parse_only = 1;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return EXIT_PASS;
    default:
      return usage_error("%s", "bad option for 'summary'");
    }
  }
  if (argc - optind != 1)
    return usage_error("%s", "'summary' expects exactly one snapshot file");
  lc_trace("start");
  if (read_snapshot(&s, argv[optind]) < 0)
    return EXIT_USAGE;
  lc_trace("parsed");
  if (parse_only) {
    /* For the benchmark: the cost of reading the file alone. */
    printf("%u nodes, %u edges, %u strings\n", s.node_count, s.edge_count,
           s.string_count);
    lc_snapshot_release(&s);
    return EXIT_PASS;
  }
  /* Step by step, giving memory back as it goes (see summary.h). */
  lc_summary_build_spending(&sum, &s, NULL, &err);
  n = sum.nrows;
  if (json) {
    lc_buf_addstr(&out, "{\"file\": ");
    lc_buf_add_json_string(&out, argv[optind]);
    lc_buf_addf(&out,
                ", \"node_count\": %u, \"edge_count\": %u, "
                "\"total_size\": %" PRIu64 ", \"rows\": [",
                s.node_count, s.edge_count, sum.total_size);
    for (i = 0; i < n; i++) {
      lc_buf_addstr(&out, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
      lc_buf_add_json_string(&out, sum.rows[i].key);
      lc_buf_addstr(&out, ", \"name\": ");
      lc_buf_add_json_string(&out, sum.rows[i].name);
      lc_buf_addf(&out,
                  ", \"count\": %" PRIu64 ", \"self_size\": %" PRIu64
                  ", \"retained_size\": %" PRIu64 ", \"distance\": ",
                  sum.rows[i].count, sum.rows[i].self_size,
                  sum.rows[i].retained_size);
      if (distance_shown(sum.rows[i].distance))
        lc_buf_addf(&out, "%d}", (int)sum.rows[i].distance);
      else
        lc_buf_addstr(&out, "null}");
    }
    lc_buf_addstr(&out, "\n]}\n");
  } else {
    char b[32];
    if (top && (size_t)top < n)
      n = (size_t)top;
    lc_buf_addf(&out, "%s: %u nodes, %u edges, total ", argv[optind],
                s.node_count, s.edge_count);
    lc_format_bytes(b, sizeof(b), (int64_t)sum.total_size, 0);
    lc_buf_addf(&out, "%s\n\n%-40s %8s %9s %12s %7s %12s %7s\n", b,
                "Constructor", "Distance", "Count", "Shallow", "%", "Retained",
                "%");
    for (i = 0; i < n; i++) {
      const struct lc_summary_row *r = &sum.rows[i];
      double pct = sum.total_size
                       ? 100.0 * (double)r->self_size / (double)sum.total_size
                       : 0.0;
      double rpct = sum.total_size ? 100.0 * (double)r->retained_size /
                                         (double)sum.total_size
                                   : 0.0;
      char d[16];
      if (distance_shown(r->distance))
        snprintf(d, sizeof(d), "%d", (int)r->distance);
      else
        snprintf(d, sizeof(d), "-");
      lc_buf_addf(&out,
                  "%-40s %8s %9" PRIu64 " %12" PRIu64 " %6.1f%% %12" PRIu64
                  " %6.1f%%\n",
                  r->name, d, r->count, r->self_size, pct, r->retained_size,
                  rpct);
    }
    if (n < sum.nrows)
      lc_buf_addf(&out, "... %zu more rows (--top 0 shows all)\n",
                  sum.nrows - n);
  }
  fwrite(out.buf, 1, out.len, stdout);
  lc_buf_release(&out);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
  return EXIT_PASS;
}

/* ---- diff BASE FILE ------------------------------------------------------ */

static int
cmd_diff(int argc, char **argv)
{
  static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                       {"top", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  int json = 0, c, ret = EXIT_PASS;
  long top = 30;
  struct lc_snapshot base, cur;
  struct lc_summary bsum, csum;
  struct lc_compare cmp;
  struct lc_err err = LC_ERR_INIT;
  struct lc_buf out = LC_BUF_INIT;
  size_t i, n;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'j':
      json = 1;
      break;
    case 't':
      if (parse_top(optarg, &top) < 0)
        return EXIT_USAGE;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return EXIT_PASS;
    default:
      return usage_error("%s", "bad option for 'diff'");
    }
  }
  if (argc - optind != 2)
    return usage_error("%s", "'diff' expects two snapshot files: BASE FILE");
  /* The current snapshot first: its interfaces name the base's objects
   * too.  Each snapshot keeps only what the Comparison reads (node ids,
   * beside its summary), so the two are never whole in memory at once. */
  if (read_snapshot(&cur, argv[optind + 1]) < 0)
    return EXIT_USAGE;
  lc_summary_build_taking(&csum, &cur, NULL, &err);
  lc_snapshot_drop(&cur, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGES);
  if (read_snapshot(&base, argv[optind]) < 0) {
    lc_summary_release(&csum);
    lc_snapshot_release(&cur);
    return EXIT_USAGE;
  }
  lc_summary_build_taking(&bsum, &base, &csum, &err);
  lc_snapshot_drop(&base, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGES);
  lc_trace("summaries built");
  lc_compare_build(&cmp, &base, &bsum, &cur, &csum);
  lc_trace("compared");
  n = cmp.nrows;
  if (json) {
    lc_buf_addstr(&out, "{\"base\": ");
    lc_buf_add_json_string(&out, argv[optind]);
    lc_buf_addstr(&out, ", \"file\": ");
    lc_buf_add_json_string(&out, argv[optind + 1]);
    lc_buf_addstr(&out, ", \"rows\": [");
    for (i = 0; i < n; i++) {
      const struct lc_compare_row *r = &cmp.rows[i];
      lc_buf_addstr(&out, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
      lc_buf_add_json_string(&out, r->key);
      lc_buf_addstr(&out, ", \"name\": ");
      lc_buf_add_json_string(&out, r->name);
      lc_buf_addf(&out,
                  ", \"new\": %" PRIu64 ", \"deleted\": %" PRIu64
                  ", \"delta\": %" PRId64 ", \"alloc_size\": %" PRIu64
                  ", \"freed_size\": %" PRIu64 ", \"size_delta\": %" PRId64 "}",
                  r->added, r->deleted, r->delta, r->alloc_size, r->freed_size,
                  r->size_delta);
    }
    lc_buf_addstr(&out, "\n]}\n");
  } else {
    if (top && (size_t)top < n)
      n = (size_t)top;
    lc_buf_addf(&out, "%s -> %s: %zu changed rows\n\n", argv[optind],
                argv[optind + 1], cmp.nrows);
    lc_buf_addf(&out, "%-40s %8s %8s %8s %12s %12s %12s\n", "Constructor",
                "# New", "# Del", "# Delta", "Alloc. Size", "Freed Size",
                "Size Delta");
    for (i = 0; i < n; i++) {
      const struct lc_compare_row *r = &cmp.rows[i];
      lc_buf_addf(&out,
                  "%-40s %8" PRIu64 " %8" PRIu64 " %+8" PRId64 " %12" PRIu64
                  " %12" PRIu64 " %+12" PRId64 "\n",
                  r->name, r->added, r->deleted, r->delta, r->alloc_size,
                  r->freed_size, r->size_delta);
    }
    if (n < cmp.nrows)
      lc_buf_addf(&out, "... %zu more rows (--top 0 shows all)\n",
                  cmp.nrows - n);
  }
  fwrite(out.buf, 1, out.len, stdout);
  lc_buf_release(&out);
  lc_compare_release(&cmp);
  lc_summary_release(&bsum);
  lc_summary_release(&csum);
  lc_snapshot_release(&base);
  lc_snapshot_release(&cur);
  return ret;
}

/* ---- run -------------------------------------------------------------------
 */

struct run_ctx {
  const struct lc_check *check;
  struct lc_series *series;
  enum keep_policy keep;
  const char *keep_dir; /* <snapshot-dir>/<check> */
  /* The last snapshot stays in memory until the verdict is explained. */
  struct lc_snapshot last;
  struct lc_summary last_sum;
  int have_last;
};

static int
on_snapshot(void *vctx, unsigned k, const char *path, struct lc_err *err)
{
  struct run_ctx *ctx = vctx;
  struct lc_snapshot s;
  struct lc_summary sum;
  int ret = 0;
  if (lc_snapshot_read(&s, path, err) < 0) {
    /* A file our own agent wrote is unreadable: the program broke. */
    err->code = LC_EPROGRAM;
    return -1;
  }
  lc_summary_build_taking(&sum, &s, NULL, err);
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
  if (ctx->keep != KEEP_NEVER) {
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

struct class_ctx {
  const struct lc_snapshot *s;
  const struct lc_summary *sum;
  char *tmp; /* the last name made up for an uncounted node */
};

/* The class name DevTools shows for node v, for retainer paths. */
static const char *
class_of_node(void *vctx, uint32_t v)
{
  struct class_ctx *c = vctx;
  uint32_t r = c->sum->node_row[v];
  if (r != UINT32_MAX)
    return c->sum->rows[r].name;
  free(c->tmp);
  c->tmp = lc_summary_node_class(c->s, v);
  return c->tmp;
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
  struct lc_err err = LC_ERR_INIT;
  struct class_ctx cc;
  uint32_t *series_row, r;
  size_t i, j;
  if (!ctx->have_last || res->status != LC_CHECK_FAILED)
    return;
  lc_graph_build(&g, &ctx->last, ctx->last_sum.node_self,
                 LC_GRAPH_DOMINATORS | LC_GRAPH_PATHS, &err);
  series_row = lc_xmalloc((ctx->last_sum.nrows + 1) * sizeof(uint32_t));
  for (r = 0; r < ctx->last_sum.nrows; r++) {
    long k = lc_series_find(ctx->series, ctx->last_sum.rows[r].key);
    series_row[r] = k < 0 ? 0 : (uint32_t)k;
  }
  cc.s = &ctx->last;
  cc.sum = &ctx->last_sum;
  cc.tmp = NULL;
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
      lc_graph_path(&g, &ctx->last, v, class_of_node, &cc, &b);
      f->why = lc_buf_detach(&b, NULL);
    }
  }
  free(cc.tmp);
  free(series_row);
  lc_graph_release(&g);
}

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

/* `leakcheck analyze`: the files that stand in for running the program. */
static int analyze_mode;
static struct lc_analyze_input analyze_in = LC_ANALYZE_INPUT_INIT;

/* Runs one check into `res`.  Returns 0, or -1 for an error that stops
 * leakcheck (configuration, system, interrupt) with `err` filled. */
static int
run_check(const struct lc_config *cfg, const struct lc_check *check,
          enum keep_policy keep, const char *snapdir,
          struct lc_check_result *res, struct lc_err *err)
{
  struct run_ctx ctx;
  struct lc_run_info info = LC_RUN_INFO_INIT;
  struct lc_err rerr = LC_ERR_INIT;
  char *keep_dir = lc_xasprintf("%s/%s", snapdir, check->name);
  double t0 = now_seconds();
  int rc, ret = 0;

  memset(res, 0, sizeof(*res));
  res->check = check;
  res->started = time(NULL);
  res->series.warmup = check->warmup;
  ctx.check = check;
  ctx.series = &res->series;
  ctx.keep = keep;
  ctx.keep_dir = keep_dir;
  ctx.have_last = 0;

  if (analyze_mode) {
    fprintf(stderr, "leakcheck: analyzing '%s' (%zu files, ordered %s)\n",
            check->name, analyze_in.n, analyze_in.order);
    rc = lc_driver_replay(check, analyze_in.files, analyze_in.n, on_snapshot,
                          &ctx, &info, &rerr);
  } else {
    char *how = lc_driver_describe(check);
    fprintf(stderr, "leakcheck: running '%s' (%s)\n", check->name, how);
    free(how);
    rc = lc_driver_run(check, cfg->path, on_snapshot, &ctx, &info, &rerr);
  }
  if (info.note.len)
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
  if (keep == KEEP_FAILED && res->status == LC_CHECK_PASSED)
    remove_kept(keep_dir, check->snapshots);
  if (ctx.have_last) {
    lc_summary_release(&ctx.last_sum);
    lc_snapshot_release(&ctx.last);
  }
  lc_run_info_release(&info);
  free(keep_dir);
  return ret;
}

/* ---- GitHub Actions ------------------------------------------------------ */

/* Long options without a short form. */
enum { OPT_SHARD = 0x6100, OPT_JUNIT_PROFILE, OPT_NO_JUNIT, OPT_BRIEF };

static int
github_mode(void)
{
  const char *v = getenv("GITHUB_ACTIONS");
  return v && strcmp(v, "true") == 0;
}

/* On GitHub Actions, an error that stopped leakcheck becomes an annotation
 * too (an invalid leakcheck.yml points at the line). */
static void
github_error(const struct lc_err *err)
{
  struct lc_buf out = LC_BUF_INIT;
  char *shown;
  if (!github_mode())
    return;
  shown = err->path
              ? lc_github_display_path(err->path, getenv("GITHUB_WORKSPACE"))
              : NULL;
  lc_report_github_error(&out, err, shown);
  fflush(stderr);
  fwrite(out.buf, 1, out.len, stdout);
  fflush(stdout);
  free(shown);
  lc_buf_release(&out);
}

/* Prints the verdict on stdout.  On GitHub Actions the report is fenced
 * with stop-commands (it quotes the heap and the program), the program's
 * output follows in collapsed groups, then one annotation per failure. */
static void
print_report(const struct lc_config *cfg, const struct lc_check_result *res,
             size_t n, int color, int brief)
{
  struct lc_buf text = LC_BUF_INIT, out = LC_BUF_INIT;
  if (brief)
    lc_report_brief(&text, cfg, res, n, color);
  else
    lc_report_text(&text, cfg, res, n, color);
  if (github_mode()) {
    char token[LC_GITHUB_TOKEN_LEN + 1];
    struct lc_err err = LC_ERR_INIT;
    char *shown = lc_github_display_path(cfg->path, getenv("GITHUB_WORKSPACE"));
    int tries, fenced = 0;
    /* The token is drawn after the programs ended, so they cannot know
     * it; one that occurs in the text is drawn again. */
    for (tries = 0; tries < 8 && !fenced; tries++) {
      lc_buf_reset(&out);
      if (lc_github_token(token, &err) < 0)
        break;
      fenced = lc_github_untrusted(&out, text.buf, text.len, token) == 0 &&
               lc_report_github_output(&out, res, n, token) == 0;
    }
    if (!fenced) {
      /* No token: every line gets a prefix, so none starts a command. */
      const char *p = text.buf;
      if (err.code != LC_OK)
        print_err(&err);
      lc_err_release(&err);
      lc_buf_reset(&out);
      while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        lc_buf_addstr(&out, "| ");
        lc_buf_add(&out, p, len);
        p += len;
      }
    }
    lc_report_github_annotations(&out, cfg, res, n, shown);
    free(shown);
  } else {
    lc_buf_add(&out, text.buf, text.len);
  }
  fflush(stderr);
  fwrite(out.buf, 1, out.len, stdout);
  fflush(stdout);
  lc_buf_release(&text);
  lc_buf_release(&out);
}

/* Appends the Markdown report to $GITHUB_STEP_SUMMARY (O_APPEND: other
 * steps' tools may share the file), within what is left of its 1 MiB.  A
 * failure is reported but changes no exit code: the runner does the same
 * with an oversized summary. */
static void
append_step_summary(const struct lc_config *cfg,
                    const struct lc_check_result *res, size_t n)
{
  const char *path = getenv("GITHUB_STEP_SUMMARY");
  struct lc_buf md = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t room = LC_GITHUB_SUMMARY_MAX, off = 0;
  struct stat st;
  int fd;

  if (!path || !*path)
    return;
  fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    lc_err_errno(&err, errno, path, "cannot append the step summary");
    goto out;
  }
  if (fstat(fd, &st) == 0 && st.st_size > 0)
    room = (uintmax_t)st.st_size >= room ? 0 : room - (size_t)st.st_size;
  lc_report_github_summary_max(&md, cfg, res, n, room);
  while (off < md.len) {
    ssize_t w = write(fd, md.buf + off, md.len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      lc_err_errno(&err, errno, path, "cannot append the step summary");
      break;
    }
    off += (size_t)w;
  }
  if (close(fd) < 0 && err.code == LC_OK)
    lc_err_errno(&err, errno, path, "cannot append the step summary");
out:
  if (err.code != LC_OK)
    print_err(&err);
  lc_err_release(&err);
  lc_buf_release(&md);
}

static int
cmd_run(int argc, char **argv)
{
  static const struct option opts[] = {
      {"config", required_argument, 0, 'c'},
      {"check", required_argument, 0, 'k'},
      {"junit", required_argument, 0, 'j'},
      {"keep-snapshots", required_argument, 0, 'K'},
      {"snapshot-dir", required_argument, 0, 'D'},
      {"no-color", no_argument, 0, 'C'},
      {"shard", required_argument, 0, OPT_SHARD},
      {"junit-profile", required_argument, 0, OPT_JUNIT_PROFILE},
      {"no-junit", no_argument, 0, OPT_NO_JUNIT},
      {"brief", no_argument, 0, OPT_BRIEF},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *config = "leakcheck.yml", *junit = NULL;
  const char *snapdir = "leakcheck-snapshots";
  const char **only = NULL;
  size_t nonly = 0, aonly = 0, i, j, nres = 0;
  enum keep_policy keep = KEEP_NEVER;
  int color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), c;
  int code = EXIT_PASS, any_ran = 0;
  int brief = 0, no_junit = 0;
  unsigned shard_i = 0, shard_n = 0;
  enum lc_junit_profile profile = LC_JUNIT_DEFAULT;
  struct lc_check shard_ck; /* stands for an empty shard in the reports */
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct lc_check_result *res;
  struct lc_buf out = LC_BUF_INIT;

  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      config = optarg;
      break;
    case 'k':
      LC_ALLOC_GROW(only, nonly + 1, aonly);
      only[nonly++] = optarg;
      break;
    case 'j':
      junit = optarg;
      break;
    case 'K':
      if (strcmp(optarg, "never") == 0)
        keep = KEEP_NEVER;
      else if (strcmp(optarg, "failed") == 0)
        keep = KEEP_FAILED;
      else if (strcmp(optarg, "always") == 0)
        keep = KEEP_ALWAYS;
      else {
        free(only);
        return usage_error("--keep-snapshots expects never, failed or "
                           "always; got '%s'",
                           optarg);
      }
      break;
    case 'D':
      snapdir = optarg;
      break;
    case 'C':
      color = 0;
      break;
    case OPT_SHARD:
      if (lc_shard_parse(optarg, &shard_i, &shard_n) < 0) {
        free(only);
        return usage_error("--shard expects I/N, whole numbers with "
                           "1 <= I <= N; got '%s'",
                           optarg);
      }
      break;
    case OPT_JUNIT_PROFILE:
      if (strcmp(optarg, "default") == 0)
        profile = LC_JUNIT_DEFAULT;
      else if (strcmp(optarg, "jenkins") == 0)
        profile = LC_JUNIT_JENKINS;
      else {
        free(only);
        return usage_error("--junit-profile expects default or jenkins; "
                           "got '%s'",
                           optarg);
      }
      break;
    case OPT_NO_JUNIT:
      no_junit = 1;
      break;
    case OPT_BRIEF:
      brief = 1;
      break;
    case 'h':
      fputs(usage_text, stdout);
      free(only);
      return EXIT_PASS;
    default:
      free(only);
      return usage_error("%s", "bad option");
    }
  }
  if (analyze_mode && (nonly != 1 || optind >= argc)) {
    free(only);
    return usage_error("%s", "'analyze' expects one --check NAME and "
                             "snapshot files or directories");
  }
  if (!analyze_mode && optind < argc) {
    free(only);
    return usage_error("unexpected argument '%s'", argv[optind]);
  }
  if (lc_config_load(&cfg, config, &err) < 0) {
    print_err(&err);
    github_error(&err);
    lc_err_release(&err);
    free(only);
    return EXIT_USAGE;
  }
  for (i = 0; i < nonly; i++) {
    if (!lc_config_find(&cfg, only[i])) {
      fprintf(stderr,
              "leakcheck: %s: no check named '%s'; the checks are:", cfg.path,
              only[i]);
      for (j = 0; j < cfg.nchecks; j++)
        fprintf(stderr, "%s %s", j ? "," : "", cfg.checks[j].name);
      fputc('\n', stderr);
      lc_config_release(&cfg);
      free(only);
      return EXIT_USAGE;
    }
  }
  if (analyze_mode) {
    /* Our own copy of the config: the check takes as many snapshots as
     * there are files. */
    struct lc_check *ck = (struct lc_check *)lc_config_find(&cfg, only[0]);
    if (lc_analyze_collect(&analyze_in, argv + optind, (size_t)(argc - optind),
                           &err) < 0 ||
        lc_analyze_fit(ck, &analyze_in, &err) < 0) {
      print_err(&err);
      lc_err_release(&err);
      lc_analyze_release(&analyze_in);
      lc_config_release(&cfg);
      free(only);
      return EXIT_USAGE;
    }
    keep = KEEP_NEVER; /* the files are kept already */
  }
  if (!junit)
    junit = cfg.junit ? cfg.junit : "leakcheck-junit.xml";

  lc_driver_setup_signals();
  res = lc_xcalloc(cfg.nchecks + 1, sizeof(*res));
  for (i = 0; i < cfg.nchecks; i++) {
    const struct lc_check *ck = &cfg.checks[i];
    int selected = nonly == 0;
    for (j = 0; j < nonly && !selected; j++)
      selected = strcmp(only[j], ck->name) == 0;
    if (selected && shard_n && lc_shard_of(ck->name, shard_n) != shard_i)
      selected = 0;
    if (!selected)
      continue;
    any_ran = 1;
    if (run_check(&cfg, ck, keep, snapdir, &res[nres++], &err) < 0)
      break;
  }

  memset(&shard_ck, 0, sizeof(shard_ck));
  if (!any_ran && shard_n && err.code == LC_OK) {
    /* JUnit consumers drop files without testcases (Jenkins fails the
     * step): an empty shard reports one skipped testcase instead. */
    shard_ck.name = lc_xasprintf("shard %u/%u", shard_i, shard_n);
    res[0].check = &shard_ck;
    res[0].status = LC_CHECK_SKIPPED;
    res[0].error = lc_xstrdup("no checks in this shard");
    res[0].started = time(NULL);
    nres = 1;
    any_ran = 1;
    fprintf(stderr, "leakcheck: shard %u/%u has no checks\n", shard_i, shard_n);
  }
  if (err.code != LC_EINTERRUPT) {
    print_report(&cfg, res, nres, color, brief);
    if (any_ran && !no_junit) {
      struct lc_err werr = LC_ERR_INIT;
      char *dir = lc_xstrdup(junit), *slash = strrchr(dir, '/');
      lc_report_junit_ex(&out, &cfg, res, nres, profile);
      if (slash && slash != dir) {
        *slash = '\0';
        lc_mkdir_p(dir, &werr);
      }
      free(dir);
      if (werr.code != LC_OK ||
          lc_write_file_atomic(junit, out.buf, out.len, &werr) < 0) {
        print_err(&werr);
        lc_err_release(&werr);
        code = EXIT_USAGE;
      } else {
        fprintf(stderr, "leakcheck: JUnit report written to %s\n", junit);
      }
    }
    if (any_ran)
      append_step_summary(&cfg, res, nres);
  }
  if (err.code != LC_OK) {
    print_err(&err);
    code = exit_for(&err);
  } else if (code == EXIT_PASS) {
    for (i = 0; i < nres; i++) {
      if (res[i].status == LC_CHECK_BROKEN)
        code = EXIT_BROKEN;
      else if (res[i].status == LC_CHECK_FAILED && code != EXIT_BROKEN)
        code = EXIT_LEAK;
    }
  }
  for (i = 0; i < nres; i++)
    lc_check_result_release(&res[i]);
  free(res);
  free(shard_ck.name);
  lc_buf_release(&out);
  lc_err_release(&err);
  lc_config_release(&cfg);
  lc_analyze_release(&analyze_in);
  free(only);
  return code;
}

int
main(int argc, char **argv)
{
  if (argc >= 2 &&
      (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
       strcmp(argv[1], "help") == 0)) {
    fputs(usage_text, stdout);
    return EXIT_PASS;
  }
  if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
    printf("leakcheck %s\n", LEAKCHECK_VERSION);
    return EXIT_PASS;
  }
  if (argc >= 2 && strcmp(argv[1], "summary") == 0)
    return cmd_summary(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "diff") == 0)
    return cmd_diff(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "run") == 0)
    return cmd_run(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "analyze") == 0) {
    analyze_mode = 1;
    return cmd_run(argc - 1, argv + 1);
  }
  if (argc >= 2 && argv[1][0] != '-')
    return usage_error("unknown command '%s'; expected run, summary, diff "
                       "or analyze",
                       argv[1]);
  return cmd_run(argc, argv);
}
