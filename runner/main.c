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

#include "leakcheck/buf.h"
#include "leakcheck/compare.h"
#include "leakcheck/config.h"
#include "leakcheck/dominators.h"
#include "leakcheck/driver.h"
#include "leakcheck/err.h"
#include "leakcheck/report.h"
#include "leakcheck/snapshot.h"
#include "leakcheck/summary.h"
#include "leakcheck/verdict.h"
#include "leakcheck/banned.h"

enum { EXIT_PASS = 0, EXIT_LEAK = 1, EXIT_USAGE = 2, EXIT_BROKEN = 3,
       EXIT_INTERRUPTED = 130 };

enum keep_policy { KEEP_NEVER, KEEP_FAILED, KEEP_ALWAYS };

static const char usage_text[] =
    "usage: leakcheck [run] [-c FILE] [--check NAME]... [--junit FILE]\n"
    "                 [--keep-snapshots=never|failed|always]\n"
    "                 [--snapshot-dir DIR] [--no-color]\n"
    "       leakcheck summary FILE [--top N] [--json]\n"
    "       leakcheck diff BASE FILE [--top N] [--json]\n"
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
    "\n"
    "  summary FILE           print the DevTools Summary view of a snapshot\n"
    "      --top N            only the N largest rows (default 30; 0 = all)\n"
    "      --json             print JSON instead of a table\n"
    "\n"
    "  diff BASE FILE         print the DevTools Comparison view: objects new\n"
    "                         in FILE and deleted since BASE, by node id\n"
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

/* ---- summary FILE --------------------------------------------------------- */

static void
json_string(struct lc_buf *out, const char *s)
{
  lc_buf_addch(out, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      lc_buf_addf(out, "\\%c", c);
    else if (c < 0x20)
      lc_buf_addf(out, "\\u%04x", c);
    else
      lc_buf_addch(out, (char)c);
  }
  lc_buf_addch(out, '"');
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
    char *end;
    switch (c) {
    case 't':
      errno = 0;
      top = strtol(optarg, &end, 10);
      if (errno || *end || top < 0)
        return usage_error("--top expects a whole number >= 0; got '%s'",
                           optarg);
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
  if (lc_snapshot_read(&s, argv[optind], &err) < 0) {
    print_err(&err);
    lc_err_release(&err);
    return EXIT_USAGE;
  }
  if (parse_only) {
    /* For the benchmark: the cost of reading the file alone. */
    printf("%u nodes, %u edges, %u strings\n", s.node_count, s.edge_count,
           s.string_count);
    lc_snapshot_release(&s);
    return EXIT_PASS;
  }
  lc_summary_build(&sum, &s, &err);
  {
    struct lc_graph g;
    lc_graph_build(&g, &s, sum.node_self,
                   LC_GRAPH_DOMINATORS | LC_GRAPH_DISTANCES, &err);
    lc_summary_add_graph(&sum, &s, &g);
    lc_graph_release(&g);
  }
  n = sum.nrows;
  if (json) {
    lc_buf_addstr(&out, "{\"file\": ");
    json_string(&out, argv[optind]);
    lc_buf_addf(&out, ", \"node_count\": %u, \"edge_count\": %u, "
                "\"total_size\": %" PRIu64 ", \"rows\": [",
                s.node_count, s.edge_count, sum.total_size);
    for (i = 0; i < n; i++) {
      lc_buf_addstr(&out, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
      json_string(&out, sum.rows[i].key);
      lc_buf_addstr(&out, ", \"name\": ");
      json_string(&out, sum.rows[i].name);
      lc_buf_addf(&out, ", \"count\": %" PRIu64 ", \"self_size\": %" PRIu64
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
      double pct = sum.total_size ? 100.0 * (double)r->self_size /
                                        (double)sum.total_size
                                  : 0.0;
      double rpct = sum.total_size ? 100.0 * (double)r->retained_size /
                                         (double)sum.total_size
                                   : 0.0;
      char d[16];
      if (distance_shown(r->distance))
        snprintf(d, sizeof(d), "%d", (int)r->distance);
      else
        snprintf(d, sizeof(d), "-");
      lc_buf_addf(&out, "%-40s %8s %9" PRIu64 " %12" PRIu64 " %6.1f%% %12"
                  PRIu64 " %6.1f%%\n", r->name, d, r->count, r->self_size, pct,
                  r->retained_size, rpct);
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
    char *end;
    switch (c) {
    case 'j':
      json = 1;
      break;
    case 't':
      errno = 0;
      top = strtol(optarg, &end, 10);
      if (errno || *end || top < 0)
        return usage_error("--top expects a whole number >= 0; got '%s'",
                           optarg);
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
  if (lc_snapshot_read(&base, argv[optind], &err) < 0) {
    print_err(&err);
    lc_err_release(&err);
    return EXIT_USAGE;
  }
  if (lc_snapshot_read(&cur, argv[optind + 1], &err) < 0) {
    print_err(&err);
    lc_err_release(&err);
    lc_snapshot_release(&base);
    return EXIT_USAGE;
  }
  lc_summary_build(&csum, &cur, &err);
  lc_summary_build_with(&bsum, &base, &csum, &err);
  lc_compare_build(&cmp, &base, &bsum, &cur, &csum);
  n = cmp.nrows;
  if (json) {
    lc_buf_addstr(&out, "{\"base\": ");
    json_string(&out, argv[optind]);
    lc_buf_addstr(&out, ", \"file\": ");
    json_string(&out, argv[optind + 1]);
    lc_buf_addstr(&out, ", \"rows\": [");
    for (i = 0; i < n; i++) {
      const struct lc_compare_row *r = &cmp.rows[i];
      lc_buf_addstr(&out, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
      json_string(&out, r->key);
      lc_buf_addstr(&out, ", \"name\": ");
      json_string(&out, r->name);
      lc_buf_addf(&out, ", \"new\": %" PRIu64 ", \"deleted\": %" PRIu64
                  ", \"delta\": %" PRId64 ", \"alloc_size\": %" PRIu64
                  ", \"freed_size\": %" PRIu64 ", \"size_delta\": %" PRId64
                  "}", r->added, r->deleted, r->delta, r->alloc_size,
                  r->freed_size, r->size_delta);
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
      lc_buf_addf(&out, "%-40s %8" PRIu64 " %8" PRIu64 " %+8" PRId64
                  " %12" PRIu64 " %12" PRIu64 " %+12" PRId64 "\n", r->name,
                  r->added, r->deleted, r->delta, r->alloc_size,
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

/* ---- run ------------------------------------------------------------------- */

struct run_ctx {
  const struct lc_check *check;
  struct lc_series *series;
  enum keep_policy keep;
  const char *keep_dir; /* <snapshot-dir>/<check> */
};

static int
mkdir_p(const char *path, struct lc_err *err)
{
  char *p = lc_xstrdup(path), *q;
  for (q = p + 1; *q; q++) {
    if (*q != '/')
      continue;
    *q = '\0';
    if (mkdir(p, 0755) < 0 && errno != EEXIST) {
      int e = errno;
      lc_err_errno(err, e, p, "cannot create directory");
      free(p);
      return -1;
    }
    *q = '/';
  }
  if (mkdir(p, 0755) < 0 && errno != EEXIST) {
    int e = errno;
    lc_err_errno(err, e, p, "cannot create directory");
    free(p);
    return -1;
  }
  free(p);
  return 0;
}

/* Moves `from` to `to`, copying across file systems. */
static int
move_file(const char *from, const char *to, struct lc_err *err)
{
  int in, out;
  char buf[1 << 16];
  ssize_t n;
  if (rename(from, to) == 0)
    return 0;
  if (errno != EXDEV)
    return lc_err_errno(err, errno, to, "cannot keep snapshot");
  in = open(from, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return lc_err_errno(err, errno, from, "cannot read snapshot");
  out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    int e = errno;
    close(in);
    return lc_err_errno(err, e, to, "cannot keep snapshot");
  }
  while ((n = read(in, buf, sizeof(buf))) > 0) {
    char *p = buf;
    while (n > 0) {
      ssize_t w = write(out, p, (size_t)n);
      if (w < 0) {
        int e = errno;
        if (e == EINTR)
          continue;
        close(in);
        close(out);
        unlink(to);
        return lc_err_errno(err, e, to, "cannot keep snapshot");
      }
      p += w;
      n -= w;
    }
  }
  close(in);
  if (close(out) < 0 || n < 0) {
    int e = errno;
    unlink(to);
    return lc_err_errno(err, e, to, "cannot keep snapshot");
  }
  unlink(from);
  return 0;
}

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
  lc_summary_build(&sum, &s, err);
  lc_series_add(ctx->series, &sum);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
  if (ctx->keep != KEEP_NEVER) {
    char *to = lc_xasprintf("%s/%u.heapsnapshot", ctx->keep_dir, k + 1);
    if (mkdir_p(ctx->keep_dir, err) < 0 || move_file(path, to, err) < 0)
      ret = -1;
    free(to);
  } else {
    unlink(path);
  }
  return ret;
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

  fprintf(stderr, "leakcheck: running '%s' (%u snapshots, every %" PRIu64
          "ms)\n", check->name, check->snapshots, check->every_ms);
  rc = lc_driver_run(check, cfg->path, on_snapshot, &ctx, &info, &rerr);
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
  }
  if (keep == KEEP_FAILED && res->status == LC_CHECK_PASSED)
    remove_kept(keep_dir, check->snapshots);
  lc_run_info_release(&info);
  free(keep_dir);
  return ret;
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
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *config = "leakcheck.yml", *junit = NULL;
  const char *snapdir = "leakcheck-snapshots";
  const char **only = NULL;
  size_t nonly = 0, aonly = 0, i, j, nres = 0;
  enum keep_policy keep = KEEP_NEVER;
  int color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), c;
  int code = EXIT_PASS, any_ran = 0;
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
                           "always; got '%s'", optarg);
      }
      break;
    case 'D':
      snapdir = optarg;
      break;
    case 'C':
      color = 0;
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
  if (optind < argc) {
    free(only);
    return usage_error("unexpected argument '%s'", argv[optind]);
  }
  if (lc_config_load(&cfg, config, &err) < 0) {
    print_err(&err);
    lc_err_release(&err);
    free(only);
    return EXIT_USAGE;
  }
  for (i = 0; i < nonly; i++) {
    if (!lc_config_find(&cfg, only[i])) {
      fprintf(stderr, "leakcheck: %s: no check named '%s'; the checks are:",
              cfg.path, only[i]);
      for (j = 0; j < cfg.nchecks; j++)
        fprintf(stderr, "%s %s", j ? "," : "", cfg.checks[j].name);
      fputc('\n', stderr);
      lc_config_release(&cfg);
      free(only);
      return EXIT_USAGE;
    }
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
    if (!selected)
      continue;
    any_ran = 1;
    if (run_check(&cfg, ck, keep, snapdir, &res[nres++], &err) < 0)
      break;
  }

  if (err.code != LC_EINTERRUPT) {
    lc_report_text(&out, &cfg, res, nres, color);
    fwrite(out.buf, 1, out.len, stdout);
    fflush(stdout);
    lc_buf_reset(&out);
    if (any_ran) {
      struct lc_err werr = LC_ERR_INIT;
      char *dir = lc_xstrdup(junit), *slash = strrchr(dir, '/');
      lc_report_junit(&out, &cfg, res, nres);
      if (slash && slash != dir) {
        *slash = '\0';
        mkdir_p(dir, &werr);
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
  lc_buf_release(&out);
  lc_err_release(&err);
  lc_config_release(&cfg);
  free(only);
  return code;
}

int
main(int argc, char **argv)
{
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                    strcmp(argv[1], "-h") == 0 ||
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
  if (argc >= 2 && argv[1][0] != '-')
    return usage_error("unknown command '%s'; expected run, summary or diff",
                       argv[1]);
  return cmd_run(argc, argv);
}
