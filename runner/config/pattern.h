/*
 * Constructor patterns of leakcheck.yml: an exact class name, a glob
 * (`Leak*`, fnmatch rules) or a /regex/ (POSIX extended, searched anywhere
 * in the name unless anchored).  The legacy DevTools names "(closure)" and
 * "(regexp)" are aliases of "Function" and "RegExp" wherever they appear as
 * exact names.
 */
#ifndef LEAKCHECK_PATTERN_H
#define LEAKCHECK_PATTERN_H

#include <regex.h>

#include "leakcheck/err.h"

enum lc_pattern_kind { LC_PAT_EXACT, LC_PAT_GLOB, LC_PAT_REGEX };

struct lc_pattern {
  enum lc_pattern_kind kind;
  char *text;   /* owned: as written (an exact alias is stored resolved) */
  int compiled; /* `re` is valid and must be regfree'd */
  regex_t re;
};

/* Compiles `text` into `p`.  A string of the form /…/ is a regex, one with an
 * unescaped *, ? or [ is a glob, anything else is exact.  On failure returns
 * -1 with LC_ECONFIG in `err` (message only; the caller adds the position)
 * and leaves `p` released. */
int lc_pattern_compile(struct lc_pattern *p, const char *text,
                       struct lc_err *err);

/* Nonzero when the class `name` matches. */
int lc_pattern_match(const struct lc_pattern *p, const char *name);

void lc_pattern_release(struct lc_pattern *p);

#endif
