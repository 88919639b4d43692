/*
 * `leakcheck run` and `leakcheck analyze`: load the configuration, run the
 * selected checks through the pipeline (run/pipeline.h), then print the
 * verdict, write JUnit and, on GitHub Actions, annotations and the step
 * summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/trace.h"
#include "cli/cli.h"
#include "cli/progress.h"
#include "config/config.h"
#include "leakcheck/buf.h"
#include "report/github.h"
#include "report/html.h"
#include "report/json.h"
#include "report/report.h"
#include "run/driver.h"
#include "run/pipeline.h"
#include "run/replay.h"
#include "run/shard.h"
#include "verdict/baseline.h"
#include "verdict/known.h"

#include "base/banned.h"

/* Long options without a short form. */
enum {
  OPT_SHARD = 0x6100,
  OPT_JUNIT_PROFILE,
  OPT_NO_JUNIT,
  OPT_BRIEF,
  OPT_HTML,
  OPT_BASELINE,
  OPT_UPDATE_BASELINE,
  OPT_STRICT,
  OPT_TODAY,
  OPT_JSON
};

/* Today as YYYYMMDD: --today, else $LEAKCHECK_TODAY, else the local
 * date.  Returns -1 (after the usage error) on a bad date. */
static int
today_of(const char *arg, int *out)
{
  const char *v = arg ? arg : getenv("LEAKCHECK_TODAY");
  time_t now;
  struct tm tm;
  if (v && *v) {
    if (lc_parse_date(v, out) < 0) {
      lc_cli_usage_error("%s expects a date YYYY-MM-DD; got '%s'",
                         arg ? "--today" : "LEAKCHECK_TODAY", v);
      return -1;
    }
    return 0;
  }
  now = time(NULL);
  if (!localtime_r(&now, &tm))
    return lc_cli_usage_error("%s", "cannot tell today's date") ? -1 : -1;
  *out = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
  return 0;
}

/* The check a script runs with every default, as leakcheck.yml text
 * (`leakcheck run SCRIPT` without a configuration). */
static char *
script_config(const char *script)
{
  struct lc_buf b = LC_BUF_INIT;
  lc_init_yml(&b, script);
  return lc_buf_detach(&b, NULL);
}

/* ---- GitHub Actions ------------------------------------------------------ */

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
        lc_cli_print_err(&err);
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
                    const struct lc_check_result *res, size_t n,
                    const char *html)
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
  lc_report_github_summary(&md, cfg, res, n, room);
  if (html && md.len)
    lc_report_github_html_note(&md, html, getenv("LEAKCHECK_HTML_ARTIFACT"),
                               room - (md.len < room ? md.len : room));
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
    lc_cli_print_err(&err);
  lc_err_release(&err);
  lc_buf_release(&md);
}

/* ---- the JUnit file ------------------------------------------------------ */

/* Makes the JUnit file's directory and takes its lock: two runs never
 * write one JUnit file at once (the second is refused, exit 2). */
static int
junit_lock_take(struct lc_lock *lock, const char *junit, struct lc_err *err)
{
  char *dir = lc_xstrdup(junit), *slash = strrchr(dir, '/');
  int rc = 0;
  if (slash && slash != dir) {
    *slash = '\0';
    rc = lc_mkdir_p(dir, err);
  }
  free(dir);
  return rc < 0 ? rc : lc_lock_take(lock, junit, err);
}

/* Writing the JUnit file failed: a file left there by an earlier run
 * would be taken by CI for this run's, so it goes (a directory or other
 * non-file in the way is left alone). */
static void
junit_remove_stale(const char *junit)
{
  struct stat st;
  if (lstat(junit, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
    return;
  if (unlink(junit) == 0)
    fprintf(stderr,
            "leakcheck: removed the earlier '%s' so that it is not taken "
            "for this run's report\n",
            junit);
  else
    fprintf(stderr,
            "leakcheck: %s: cannot remove the earlier report: %s; it is "
            "not this run's\n",
            junit, strerror(errno));
}

/* Writes a report file atomically, making its directory first.  Returns 0,
 * or -1 after printing why. */
static int
write_report(const char *path, const struct lc_buf *data)
{
  struct lc_err err = LC_ERR_INIT;
  char *dir = lc_xstrdup(path), *slash = strrchr(dir, '/');
  int rc = 0;
  if (slash && slash != dir) {
    *slash = '\0';
    lc_mkdir_p(dir, &err);
  }
  free(dir);
  if (err.code != LC_OK ||
      lc_write_file_atomic(path, data->buf, data->len, &err) < 0) {
    lc_cli_print_err(&err);
    rc = -1;
  }
  lc_err_release(&err);
  return rc;
}

/* --update-baseline FILE: writes what the checks measured (keeping the
 * entries of checks that did not run), then judges the results against
 * it, so that the run passes on what it recorded.  Returns EXIT_PASS or
 * EXIT_USAGE. */
static int
write_baseline(const char *path, struct lc_check_result *res, size_t n,
               const char *cfg_path, int today, int strict)
{
  struct lc_baseline old = LC_BASELINE_INIT, fresh = LC_BASELINE_INIT;
  struct lc_buf out = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  size_t i;
  int code = EXIT_PASS;
  if (access(path, F_OK) == 0 && lc_baseline_load(&old, path, &err) < 0) {
    lc_cli_print_err(&err);
    lc_err_release(&err);
    return EXIT_USAGE;
  }
  lc_baseline_write(&out, res, n, &old);
  if (lc_write_file_atomic(path, out.buf, out.len, &err) < 0 ||
      lc_baseline_parse(&fresh, path, out.buf, out.len, &err) < 0) {
    lc_cli_print_err(&err);
    code = EXIT_USAGE;
  } else {
    fprintf(stderr, "leakcheck: baseline written to %s (%zu known %s)\n", path,
            fresh.n, fresh.n == 1 ? "finding" : "findings");
    /* Judge again, from the verdict as measured, against what was just
     * recorded. */
    for (i = 0; i < n; i++) {
      lc_known_apply(&res[i], cfg_path, &fresh, today, strict);
    }
  }
  lc_err_release(&err);
  lc_buf_release(&out);
  lc_baseline_release(&old);
  lc_baseline_release(&fresh);
  return code;
}

/* `leakcheck run` (analyze = 0) and `leakcheck analyze` (analyze = 1). */
static int
run_or_analyze(int argc, char **argv, int analyze)
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
      {"html", required_argument, 0, OPT_HTML},
      {"baseline", required_argument, 0, OPT_BASELINE},
      {"update-baseline", required_argument, 0, OPT_UPDATE_BASELINE},
      {"strict", no_argument, 0, OPT_STRICT},
      {"today", required_argument, 0, OPT_TODAY},
      {"json", required_argument, 0, OPT_JSON},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *config = "leakcheck.yml", *junit = NULL, *html = NULL;
  const char *baseline = NULL, *update_baseline = NULL, *today_arg = NULL;
  const char *script = NULL;
  char *script_yml = NULL;
  int strict = 0, today = 0, config_given = 0;
  struct lc_baseline base = LC_BASELINE_INIT;
  const char *json = NULL;
  const char **only = NULL;
  size_t nonly = 0, aonly = 0, i, j, nres = 0;
  struct lc_run_opts ropts = LC_RUN_OPTS_INIT;
  struct lc_replay replay = LC_REPLAY_INIT;
  struct lc_check fitted; /* analyze: the check, fitted to the files */
  const char *term = getenv("TERM");
  int color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
              !(term && strcmp(term, "dumb") == 0),
      c, rc;
  int code = EXIT_PASS, any_ran = 0;
  int brief = 0, no_junit = 0, html_written = 0, no_color = 0;
  struct lc_cli_progress prog;
  unsigned shard_i = 0, shard_n = 0;
  enum lc_junit_profile profile = LC_JUNIT_DEFAULT;
  struct lc_check shard_ck; /* stands for an empty shard in the reports */
  struct lc_config cfg = LC_CONFIG_INIT;
  struct lc_err err = LC_ERR_INIT;
  struct lc_check_result *res;
  struct lc_buf out = LC_BUF_INIT;
  struct lc_lock lock = LC_LOCK_INIT;

  lc_trace("start");
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      config = optarg;
      config_given = 1;
      break;
    case OPT_BASELINE:
      baseline = optarg;
      break;
    case OPT_UPDATE_BASELINE:
      update_baseline = optarg;
      break;
    case OPT_STRICT:
      strict = 1;
      break;
    case OPT_TODAY:
      today_arg = optarg;
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
        ropts.keep = LC_KEEP_NEVER;
      else if (strcmp(optarg, "failed") == 0)
        ropts.keep = LC_KEEP_FAILED;
      else if (strcmp(optarg, "always") == 0)
        ropts.keep = LC_KEEP_ALWAYS;
      else {
        free(only);
        return lc_cli_usage_error("--keep-snapshots expects never, failed or "
                                  "always; got '%s'",
                                  optarg);
      }
      break;
    case 'D':
      ropts.snapshot_dir = optarg;
      break;
    case 'C':
      color = 0;
      no_color = 1;
      break;
    case OPT_SHARD:
      if (lc_shard_parse(optarg, &shard_i, &shard_n) < 0) {
        free(only);
        return lc_cli_usage_error("--shard expects I/N, whole numbers with "
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
        return lc_cli_usage_error("--junit-profile expects default or jenkins; "
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
    case OPT_JSON:
      json = optarg;
      break;
    case OPT_HTML:
      html = optarg;
      break;
    case 'h':
      fputs(lc_usage_text, stdout);
      free(only);
      return EXIT_PASS;
    default:
      free(only);
      return lc_cli_usage_error("%s", "bad option");
    }
  }
  if (analyze && (nonly != 1 || optind >= argc)) {
    free(only);
    return lc_cli_usage_error("%s", "'analyze' expects one --check NAME and "
                                    "snapshot files or directories");
  }
  if (!analyze && optind + 1 == argc && !config_given &&
      access(config, F_OK) != 0) {
    /* `leakcheck run SCRIPT` without a configuration: one check of
     * SCRIPT with the defaults. */
    script = argv[optind++];
  }
  if (!analyze && optind < argc) {
    free(only);
    return lc_cli_usage_error("unexpected argument '%s'", argv[optind]);
  }
  if (baseline && update_baseline) {
    free(only);
    return lc_cli_usage_error("%s", "--baseline and --update-baseline do not "
                                    "go together");
  }
  if (today_of(today_arg, &today) < 0) {
    free(only);
    return EXIT_USAGE;
  }
  if (script) {
    if (access(script, R_OK) != 0) {
      lc_err_errno(&err, errno, script, "cannot read the script");
      lc_cli_print_err(&err);
      lc_err_release(&err);
      free(only);
      return EXIT_USAGE;
    }
    script_yml = script_config(script);
  }
  if (script ? lc_config_parse(&cfg, config, script_yml, strlen(script_yml),
                               &err) < 0
             : lc_config_load(&cfg, config, &err) < 0) {
    lc_cli_print_err(&err);
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
  if (analyze) {
    /* A copy of the check, fitted to the files: it takes as many
     * snapshots as there are files.  The configuration is not changed. */
    fitted = *lc_config_find(&cfg, only[0]);
    if (lc_replay_collect(&replay, argv + optind, (size_t)(argc - optind),
                          &err) < 0 ||
        lc_replay_fit(&fitted, &replay, &err) < 0) {
      lc_cli_print_err(&err);
      lc_err_release(&err);
      lc_replay_release(&replay);
      lc_config_release(&cfg);
      free(only);
      return EXIT_USAGE;
    }
    ropts.replay = &replay;
  }
  if (!junit)
    junit = cfg.junit ? cfg.junit : "leakcheck-junit.xml";
  if (!baseline && !update_baseline)
    baseline = cfg.baseline;
  if (baseline && lc_baseline_load(&base, baseline, &err) < 0) {
    lc_cli_print_err(&err);
    github_error(&err);
    lc_err_release(&err);
    lc_replay_release(&replay);
    lc_config_release(&cfg);
    free(script_yml);
    free(only);
    return EXIT_USAGE;
  }
  if (!no_junit && junit_lock_take(&lock, junit, &err) < 0) {
    lc_cli_print_err(&err);
    lc_err_release(&err);
    lc_replay_release(&replay);
    lc_config_release(&cfg);
    free(script_yml);
    lc_baseline_release(&base);
    free(only);
    return EXIT_USAGE;
  }
  if (!html)
    html = cfg.html;

  memset(&prog, 0, sizeof(prog));
  prog.mode = lc_cli_progress_mode(brief, no_color, &prog.color);
  if (prog.mode != LC_CLI_PROGRESS_OFF) {
    ropts.on_progress = lc_cli_progress_event;
    ropts.progress_ctx = &prog;
  }
  lc_driver_setup_signals();
  res = lc_xcalloc(cfg.nchecks + 1, sizeof(*res));
  for (i = 0; i < cfg.nchecks; i++) {
    const struct lc_check *ck =
        analyze && strcmp(cfg.checks[i].name, fitted.name) == 0
            ? &fitted
            : &cfg.checks[i];
    int selected = nonly == 0;
    for (j = 0; j < nonly && !selected; j++)
      selected = strcmp(only[j], ck->name) == 0;
    if (selected && shard_n && lc_shard_of(ck->name, shard_n) != shard_i)
      selected = 0;
    if (!selected)
      continue;
    any_ran = 1;
    lc_cli_progress_begin(&prog, ck->name);
    rc = lc_run_check(&cfg, ck, &ropts, &res[nres++], &err);
    lc_cli_progress_end(&prog);
    if (rc < 0)
      break;
    if (!update_baseline) /* else judged against the new baseline below */
      lc_known_apply(&res[nres - 1], cfg.path, baseline ? &base : NULL, today,
                     strict);
  }
  if (update_baseline && err.code == LC_OK && any_ran)
    code = write_baseline(update_baseline, res, nres, cfg.path, today, strict);

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
  /* A signal after the last check ended (while its verdict was being
   * explained, say) stops leakcheck all the same. */
  if (err.code == LC_OK && lc_driver_interrupted()) {
    const char *sig = sigabbrev_np(lc_driver_interrupted());
    lc_err_set(&err, LC_EINTERRUPT, NULL, 0, 0, "interrupted by SIG%s",
               sig ? sig : "?");
  }
  lc_trace("checks run");
  if (err.code != LC_EINTERRUPT) {
    print_report(&cfg, res, nres, color, brief);
    if (any_ran && !no_junit) {
      struct lc_err werr = LC_ERR_INIT;
      lc_report_junit(&out, &cfg, res, nres, profile);
      if (lc_write_file_atomic(junit, out.buf, out.len, &werr) < 0) {
        lc_cli_print_err(&werr);
        lc_err_release(&werr);
        junit_remove_stale(junit);
        code = EXIT_USAGE;
      } else {
        fprintf(stderr, "leakcheck: JUnit report written to %s\n", junit);
      }
    }
    if (any_ran && json) {
      struct lc_err werr = LC_ERR_INIT;
      struct lc_buf js = LC_BUF_INIT;
      lc_report_json(&js, &cfg, res, nres);
      if (lc_write_file_atomic(json, js.buf, js.len, &werr) < 0) {
        lc_cli_print_err(&werr);
        lc_err_release(&werr);
        code = EXIT_USAGE;
      } else {
        fprintf(stderr, "leakcheck: JSON report written to %s\n", json);
      }
      lc_buf_release(&js);
    }
    if (any_ran && html) {
      lc_trace("html: begin");
      lc_buf_reset(&out);
      lc_report_html(&out, &cfg, res, nres);
      if (write_report(html, &out) < 0)
        code = EXIT_USAGE;
      else {
        fprintf(stderr, "leakcheck: HTML report written to %s\n", html);
        html_written = 1;
      }
      lc_trace("html: written");
    }
    if (any_ran)
      append_step_summary(&cfg, res, nres, html_written ? html : NULL);
  }
  if (err.code != LC_OK) {
    lc_cli_print_err(&err);
    code = lc_cli_exit_for(&err);
  } else if (code == EXIT_PASS) {
    for (i = 0; i < nres; i++) {
      if (res[i].status == LC_CHECK_BROKEN)
        code = EXIT_BROKEN;
      else if (res[i].status == LC_CHECK_FAILED && code != EXIT_BROKEN)
        code = EXIT_LEAK;
    }
  }
  lc_lock_release(&lock);
  for (i = 0; i < nres; i++)
    lc_check_result_release(&res[i]);
  free(res);
  free(shard_ck.name);
  lc_buf_release(&out);
  lc_err_release(&err);
  lc_config_release(&cfg);
  lc_replay_release(&replay);
  lc_baseline_release(&base);
  if (script_yml && code != EXIT_USAGE) {
    printf("\nThe same check as leakcheck.yml (write it with `leakcheck init "
           "%s`):\n\n%s",
           script, script_yml);
  }
  free(script_yml);
  free(only);
  return code;
}

int
lc_cmd_run(int argc, char **argv)
{
  return run_or_analyze(argc, argv, 0);
}

int
lc_cmd_analyze(int argc, char **argv)
{
  return run_or_analyze(argc, argv, 1);
}
