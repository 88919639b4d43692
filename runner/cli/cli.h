/*
 * What the commands of the command line share: exit codes, and printing an
 * error or a usage mistake.  The cli/ stage is the only one that prints
 * to stdout/stderr on its own behalf or exits.
 */
#ifndef LC_CLI_H
#define LC_CLI_H

#include "leakcheck/err.h"

enum {
  EXIT_PASS = 0,   /* every assertion held */
  EXIT_LEAK = 1,   /* an assertion failed: a leak */
  EXIT_USAGE = 2,  /* usage, configuration or input error */
  EXIT_BROKEN = 3, /* the program under test broke */
  EXIT_INTERRUPTED = 130
};

/* One command: `leakcheck NAME ARGS…`; argv[0] is NAME. */
struct lc_command {
  const char *name;
  int (*run)(int argc, char **argv);
};

int lc_cmd_run(int argc, char **argv);
int lc_cmd_analyze(int argc, char **argv);
int lc_cmd_summary(int argc, char **argv);
int lc_cmd_diff(int argc, char **argv);
int lc_cmd_init(int argc, char **argv);

/* Appends the commented leakcheck.yml of `leakcheck init SCRIPT`: one
 * check of `script` with the defaults (cmd_init.c). */
struct lc_buf;
void lc_init_yml(struct lc_buf *b, const char *script);

/* The usage text of `leakcheck --help` (main.c). */
extern const char lc_usage_text[];

/* "leakcheck: <formatted err>" on stderr. */
void lc_cli_print_err(const struct lc_err *err);

/* The exit code an error that stopped leakcheck gives. */
int lc_cli_exit_for(const struct lc_err *err);

/* Prints "leakcheck: <message>" and a pointer to --help; returns
 * EXIT_USAGE. */
int lc_cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
