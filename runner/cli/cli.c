/*
 * Shared pieces of the commands (cli.h).
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/banned.h"

void
lc_cli_print_err(const struct lc_err *err)
{
  char *m = lc_err_format(err);
  fprintf(stderr, "leakcheck: %s\n", m);
  free(m);
}

int
lc_cli_exit_for(const struct lc_err *err)
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

int
lc_cli_usage_error(const char *fmt, ...)
{
  va_list ap;
  fputs("leakcheck: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n(run 'leakcheck --help' for usage)\n", stderr);
  return EXIT_USAGE;
}
