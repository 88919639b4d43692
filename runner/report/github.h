/*
 * GitHub Actions reporters: workflow-command annotations that point at the
 * failing assertion in leakcheck.yml, the Markdown step summary, and the
 * wrapping that keeps the program's output from being read as workflow
 * commands (docs/junit-and-ci.md §5).
 *
 * Like every reporter these only append bytes to a caller's buffer; main.c
 * prints them (annotations on stdout) or appends them to the file named by
 * $GITHUB_STEP_SUMMARY.
 */
#ifndef LEAKCHECK_GITHUB_H
#define LEAKCHECK_GITHUB_H

#include <stddef.h>

#include "config/config.h"
#include "leakcheck/buf.h"
#include "leakcheck/err.h"
#include "report/report.h"

/* GitHub keeps 10 error annotations per step; the rest are dropped. */
#define LC_GITHUB_MAX_ANNOTATIONS 10
/* Longest annotation message, in bytes before escaping. */
#define LC_GITHUB_MAX_MESSAGE 4096
/* A step summary over 1 MiB is refused by the runner; stay below it with
 * room for what other steps' tools may add to the same file. */
#define LC_GITHUB_SUMMARY_MAX (1024 * 1024 - 16 * 1024)

/* Appends `s` (len bytes) escaped as a workflow-command message, the way
 * actions/toolkit's escapeData does: '%' → %25, CR → %0D, LF → %0A.  Other
 * control characters (ANSI colour sequences included) are dropped: they
 * cannot be shown in an annotation. */
void lc_github_escape_data(struct lc_buf *out, const char *s, size_t len);

/* Same for a property value (file=, title=): escapeData plus ':' → %3A and
 * ',' → %2C. */
void lc_github_escape_property(struct lc_buf *out, const char *s, size_t len);

/* Returns the path of leakcheck.yml to show in annotations, relative to
 * the repository: `config_path` relative to `workspace` when `workspace` is
 * not NULL or empty and both resolve (realpath) to a file under it, else
 * `config_path` as given (a leading "./" removed).  The caller frees it. */
char *lc_github_display_path(const char *config_path, const char *workspace);

/* Appends one "::error file=F,line=L,col=C,title=T::MESSAGE" line per
 * failed assertion of `res` and one per broken check (pointing at the
 * check's list item), worst first: broken checks, then failed assertions
 * by their worst finding's byte growth, then object growth, then config
 * order.  At most LC_GITHUB_MAX_ANNOTATIONS lines; when there are more, a
 * "::notice file=F,title=leakcheck::N more …" line says how many were left
 * out.  F is `config_display_path`, L:C the assertion's list item
 * ("- constructor: …"), T "CHECK: LABEL".  MESSAGE is the assertion's
 * one-line message, a blank line, the worst finding's counts and sizes per
 * snapshot and, when known, its retainer path (lc_finding.why), capped at
 * LC_GITHUB_MAX_MESSAGE bytes.  Nothing is appended when nothing failed. */
void lc_report_github_annotations(struct lc_buf *out,
                                  const struct lc_config *cfg,
                                  const struct lc_check_result *res, size_t n,
                                  const char *config_display_path);

/* Appends the Markdown step summary: a heading with the totals, then one
 * section per check (broken and failed ones first, then the others, each
 * group in config order) with a table "constructor | counts per snapshot |
 * growth | verdict" (a failing row's counts follow a sparkline of them,
 * "▁▃▅█ (10) 12 14 16", one block per snapshot), the message of each failed
 * assertion, the retainer path of each failing row in a fenced code block, and
 * for a broken check its error and the last lines of stderr.  Text from the
 * heap or the program is escaped for Markdown (no HTML, no table breaks).  The
 * result is at most `max` bytes (LC_GITHUB_SUMMARY_MAX for a fresh file): rows,
 * blocks and sections that do not fit are left out, and a final note says
 * how many.  When even the heading and the note do not fit, nothing is
 * appended. */
void lc_report_github_summary(struct lc_buf *out, const struct lc_config *cfg,
                              const struct lc_check_result *res, size_t n,
                              size_t max);

/* Appends the step summary's pointer to the HTML report: "📊 The HTML
 * report with charts is in the artifact **ARTIFACT** (PATH)." or, without
 * an artifact name, "… is in PATH.", Markdown-escaped; nothing when the
 * line is longer than `max` bytes. */
void lc_report_github_html_note(struct lc_buf *out, const char *path,
                                const char *artifact, size_t max);

/* Appends "::error file=F,line=L,col=C,title=leakcheck::MESSAGE" for an
 * error that stopped leakcheck (an invalid leakcheck.yml, say), with F
 * `display_path` (or err->path when NULL); without err->path, no file. */
void lc_report_github_error(struct lc_buf *out, const struct lc_err *err,
                            const char *display_path);

/* Fills `token` (LC_GITHUB_TOKEN_LEN hex digits and a NUL) with 128 random
 * bits read from /dev/urandom.  Returns 0, or -1 with LC_ESYSTEM in
 * `err`. */
#define LC_GITHUB_TOKEN_LEN 32
int lc_github_token(char token[LC_GITHUB_TOKEN_LEN + 1], struct lc_err *err);

/* Appends `text` (len bytes) between "::stop-commands::TOKEN" and
 * "::TOKEN::" lines, so that no line of it is taken for a workflow command.
 * A missing final newline is added.  Returns 0, or -1 (nothing appended)
 * when `text` contains `token`: the caller then draws a new one. */
int lc_github_untrusted(struct lc_buf *out, const char *text, size_t len,
                        const char *token);

/* Appends, for every check whose program wrote to stdout or stderr, a
 * collapsed "::group::CHECK: program output" holding both tails inside
 * stop-commands, then "::endgroup::".  Returns 0, or -1 (the buffer is
 * left as it was) when an output contains `token`. */
int lc_report_github_output(struct lc_buf *out,
                            const struct lc_check_result *res, size_t n,
                            const char *token);

#endif
