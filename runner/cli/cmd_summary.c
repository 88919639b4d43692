/*
 * `leakcheck summary FILE` and `leakcheck diff BASE FILE`: the DevTools
 * Summary and Comparison views of snapshot files.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#endif

#include "base/trace.h"
#include "cli/cli.h"
#include "leakcheck/heap.h"
#include "report/tables.h"
#include "verdict/identity.h"

#include "base/banned.h"

/* --top N: returns 0, or -1 after printing the usage error. */
static int
parse_top(const char *arg, size_t *top)
{
  char *end;
  long v;
  errno = 0;
  v = strtol(arg, &end, 10);
  if (errno || *end || end == arg || v < 0) {
    lc_cli_usage_error("--top expects a whole number >= 0; got '%s'", arg);
    return -1;
  }
  *top = (size_t)v;
  return 0;
}

/* Reads a snapshot file; on failure prints the error and returns -1. */
static int
read_snapshot(struct lc_snapshot *s, const char *path)
{
  struct lc_err err = LC_ERR_INIT;
  if (lc_snapshot_read(s, path, &err) == 0)
    return 0;
  lc_cli_print_err(&err);
  lc_err_release(&err);
  return -1;
}

static void
emit(struct lc_buf *out)
{
  fwrite(out->buf, 1, out->len, stdout);
  lc_buf_release(out);
}

int
lc_cmd_summary(int argc, char **argv)
{
  static const struct option opts[] = {{"top", required_argument, 0, 't'},
                                       {"json", no_argument, 0, 'j'},
                                       {"parse-only", no_argument, 0, 'p'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  static const struct lc_summary_opts retained = {LC_SUMMARY_RETAINED, NULL,
                                                  NULL};
  size_t top = 30;
  int json = 0, parse_only = 0, c;
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_buf out = LC_BUF_INIT;
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
      fputs(lc_usage_text, stdout);
      return EXIT_PASS;
    default:
      return lc_cli_usage_error("%s", "bad option for 'summary'");
    }
  }
  if (argc - optind != 1)
    return lc_cli_usage_error("%s",
                              "'summary' expects exactly one snapshot file");
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
  /* Step by step, giving memory back as it goes (LC_SUMMARY_RETAINED). */
  lc_summary_build(&sum, &s, &retained);
  lc_table_summary(&out, stdout, argv[optind], s.node_count, s.edge_count, &sum,
                   top, json);
  emit(&out);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
  return EXIT_PASS;
}

int
lc_cmd_diff(int argc, char **argv)
{
  static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                       {"top", required_argument, 0, 't'},
                                       {"by-identity", no_argument, 0, 'i'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  struct lc_summary_opts sopts = {LC_SUMMARY_TAKE, NULL, NULL};
  int json = 0, by_id = 0, c;
  size_t top = 30;
  struct lc_scripts bsc = LC_SCRIPTS_INIT, csc = LC_SCRIPTS_INIT;
  struct lc_snapshot base, cur;
  struct lc_summary bsum, csum;
  struct lc_compare cmp;
  struct lc_compare_side side;
  struct lc_buf out = LC_BUF_INIT;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'j':
      json = 1;
      break;
    case 'i':
      by_id = 1;
      break;
    case 't':
      if (parse_top(optarg, &top) < 0)
        return EXIT_USAGE;
      break;
    case 'h':
      fputs(lc_usage_text, stdout);
      return EXIT_PASS;
    default:
      return lc_cli_usage_error("%s", "bad option for 'diff'");
    }
  }
  if (argc - optind != 2)
    return lc_cli_usage_error("%s",
                              "'diff' expects two snapshot files: BASE FILE");
  /* The current snapshot first: its interfaces name the base's objects
   * too.  Of it, only its summary's rows and the Comparison's compact side
   * are kept: none of its per-node arrays is in memory with the base's. */
  if (read_snapshot(&cur, argv[optind + 1]) < 0)
    return EXIT_USAGE;
  lc_summary_build(&csum, &cur, &sopts);
  lc_scripts_build(&csc, &cur);
  lc_snapshot_drop(&cur, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGES);
  lc_compare_side_build(&side, &cur, &csum);
  lc_summary_drop_nodes(&csum);
  lc_snapshot_release(&cur);
  if (read_snapshot(&base, argv[optind]) < 0) {
    lc_compare_side_release(&side);
    lc_scripts_release(&csc);
    lc_summary_release(&csum);
    return EXIT_USAGE;
  }
  sopts.defs = &csum;
  lc_summary_build(&bsum, &base, &sopts);
  lc_scripts_build(&bsc, &base);
  lc_snapshot_drop(&base, LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGES);
  lc_trace("summaries built");
  if (by_id || lc_scripts_conflict(&bsc, &csc)) {
    /* Different processes: node ids and script ids mean nothing across
     * them, so rows are matched by stable identity instead. */
    struct lc_id_diff_row *rows;
    size_t nrows;
    char *dir = realpath(".", NULL);
    lc_id_diff(&bsum, &bsc, &csum, &csc, dir, &rows, &nrows);
    lc_table_diff_ids(&out, stdout, argv[optind], argv[optind + 1], rows, nrows,
                      top, json);
    emit(&out);
    lc_id_diff_release(rows, nrows);
    free(dir);
    goto done;
  }
  lc_compare_build_side(&cmp, &base, &bsum, &side, &csum);
  lc_trace("compared");
  lc_table_diff(&out, stdout, argv[optind], argv[optind + 1], &cmp, top, json);
  emit(&out);
  lc_compare_release(&cmp);
done:
  lc_compare_side_release(&side);
  lc_scripts_release(&bsc);
  lc_scripts_release(&csc);
  lc_summary_release(&bsum);
  lc_summary_release(&csum);
  lc_snapshot_release(&base);
  lc_snapshot_release(&cur);
  return EXIT_PASS;
}
