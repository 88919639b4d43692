/* Constructor patterns: exact names, globs and /regexes/ (see pattern.h). */
#include "config/pattern.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

/* The legacy DevTools names and the ones today's DevTools shows. */
static const char *const aliases[][2] = {
    {"(closure)", "Function"},
    {"(regexp)", "RegExp"},
};

static const char *
resolve_alias(const char *name)
{
  size_t i;
  for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
    if (!strcmp(name, aliases[i][0]))
      return aliases[i][1];
  return name;
}

/* Nonzero when `s` holds a *, ? or [ that no backslash escapes. */
static int
has_glob_char(const char *s)
{
  for (; *s; s++) {
    if (*s == '\\') {
      if (!s[1])
        break;
      s++;
    } else if (*s == '*' || *s == '?' || *s == '[') {
      return 1;
    }
  }
  return 0;
}

/*
 * glibc's regcomp expands a repetition by copying the repeated piece (`x+`
 * becomes `xx*`, `x{3}` becomes `xxx`), so stacked or nested repetitions
 * such as `a+++++` or `((a{99}){99}){99}` cost exponential time and memory
 * before a single name is matched.  regex_cost() estimates the size of the
 * expanded expression and stops counting at REGEX_MAX_COST.
 *
 * Its closure of empty matches grows as a power of the number of pieces
 * that may match nothing: `^a` and 80 stars, or `^(a*|b*)` 150 times, take
 * seconds to compile and hundreds of them hours.  So a pattern has at most
 * REGEX_MAX_REPEATS repetition operators (a constructor pattern needs a
 * handful).
 */
#define REGEX_MAX_COST 1000
#define REGEX_MAX_DEPTH 32
#define REGEX_MAX_REPEATS 32

struct cost_level {
  size_t done; /* finished pieces of this group */
  size_t last; /* the piece a repetition would apply to, 0 when none */
};

static size_t
cost_mul(size_t a, size_t b)
{
  if (b && a > REGEX_MAX_COST / b)
    return REGEX_MAX_COST + 1;
  return a * b;
}

static size_t
cost_add(size_t a, size_t b)
{
  return a + b > REGEX_MAX_COST ? REGEX_MAX_COST + 1 : a + b;
}

/* Reads a number of an interval, saturating; *end is where it stopped. */
static size_t
interval_number(const char *s, const char **end)
{
  size_t n = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    n = n > REGEX_MAX_COST ? n : n * 10 + (size_t)(*s - '0');
  *end = s;
  return n;
}

/* The end of the bracket expression opening at `s` (just past its `]`), or
 * the end of the string when it is unterminated (regcomp then rejects it). */
static const char *
skip_bracket(const char *s)
{
  s++;
  if (*s == '^')
    s++;
  if (*s == ']')
    s++;
  while (*s && *s != ']') {
    if (s[0] == '[' && (s[1] == ':' || s[1] == '=' || s[1] == '.')) {
      char kind = s[1];
      const char *close = s + 2;
      while (*close && !(close[0] == kind && close[1] == ']'))
        close++;
      if (!*close)
        return close;
      s = close + 2;
    } else {
      s++;
    }
  }
  return *s ? s + 1 : s;
}

/* 0 when `re` is cheap enough; otherwise -1 with a reason in *why. */
static int
regex_cost(const char *re, const char **why)
{
  struct cost_level st[REGEX_MAX_DEPTH + 1];
  size_t depth = 0, total, repeats = 0;
  const char *p = re;

  st[0].done = st[0].last = 0;
  while (*p) {
    struct cost_level *l = &st[depth];
    size_t factor = 0, extra = 0;
    switch (*p) {
    case '\\':
      if (p[1] >= '1' && p[1] <= '9') {
        /* Back-references make matching exponential. */
        *why = "back-references are not supported";
        return -1;
      }
      l->done = cost_add(l->done, l->last);
      l->last = 1;
      p += p[1] ? 2 : 1;
      continue;
    case '[':
      l->done = cost_add(l->done, l->last);
      l->last = 1;
      p = skip_bracket(p);
      continue;
    case '(':
      if (depth == REGEX_MAX_DEPTH) {
        *why = "too deeply nested";
        return -1;
      }
      depth++;
      st[depth].done = st[depth].last = 0;
      p++;
      continue;
    case ')':
      if (depth) {
        size_t group = cost_add(l->done, l->last);
        depth--;
        st[depth].done = cost_add(st[depth].done, st[depth].last);
        st[depth].last = cost_add(group, 1);
      }
      p++;
      continue;
    case '|':
      l->done = cost_add(l->done, cost_add(l->last, 1));
      l->last = 0;
      p++;
      continue;
    case '*':
    case '?':
      factor = 1;
      extra = 1;
      p++;
      break;
    case '+':
      factor = 2;
      extra = 1;
      p++;
      break;
    case '{':
      /* glibc also reads `{,m}` as an interval. */
      if ((p[1] >= '0' && p[1] <= '9') || p[1] == ',') {
        const char *q;
        size_t lo = interval_number(p + 1, &q), hi = lo;
        if (*q == ',') {
          q++;
          /* `{n,}` is n copies and a star. */
          hi = *q >= '0' && *q <= '9' ? interval_number(q, &q) : lo + 1;
        }
        factor = lo > hi ? lo : hi;
        if (!factor)
          factor = 1;
        extra = 1;
        p = *q == '}' ? q + 1 : q;
        break;
      }
      /* A brace that opens no interval is an ordinary character. */
      /* fall through */
    default:
      l->done = cost_add(l->done, l->last);
      l->last = 1;
      p++;
      continue;
    }
    if (++repeats > REGEX_MAX_REPEATS) {
      *why = "too many repetitions (*, +, ?, {}): at most 32";
      return -1;
    }
    l->last = cost_add(cost_mul(l->last ? l->last : 1, factor), extra);
    if (l->last > REGEX_MAX_COST)
      break;
  }
  total = 0;
  for (;;) {
    total = cost_add(total, cost_add(st[depth].done, st[depth].last));
    if (!depth)
      break;
    depth--;
  }
  if (total > REGEX_MAX_COST) {
    *why = "too complex (repetitions expand too far)";
    return -1;
  }
  return 0;
}

int
lc_pattern_compile(struct lc_pattern *p, const char *text, struct lc_err *err)
{
  size_t len = strlen(text);

  memset(p, 0, sizeof(*p));
  if (len >= 2 && text[0] == '/' && text[len - 1] == '/') {
    char *body = lc_xstrndup(text + 1, len - 2);
    const char *why = NULL;
    int rc;
    if (!*body) {
      free(body);
      return lc_err_set(err, LC_ECONFIG, NULL, 0, 0,
                        "invalid regular expression '%s': empty pattern", text);
    }
    if (regex_cost(body, &why) < 0) {
      free(body);
      return lc_err_set(err, LC_ECONFIG, NULL, 0, 0,
                        "invalid regular expression '%s': %s", text, why);
    }
    rc = regcomp(&p->re, body, REG_EXTENDED | REG_NOSUB);
    free(body);
    if (rc != 0) {
      size_t n = regerror(rc, &p->re, NULL, 0);
      char *msg = lc_xmalloc(n ? n : 1);
      msg[0] = '\0';
      regerror(rc, &p->re, msg, n);
      /* A failed regcomp leaves nothing to regfree. */
      memset(p, 0, sizeof(*p));
      lc_err_set(err, LC_ECONFIG, NULL, 0, 0,
                 "invalid regular expression '%s': %s", text, msg);
      free(msg);
      return -1;
    }
    p->kind = LC_PAT_REGEX;
    p->compiled = 1;
    p->text = lc_xstrdup(text);
    return 0;
  }
  if (has_glob_char(text)) {
    p->kind = LC_PAT_GLOB;
    p->text = lc_xstrdup(text);
    return 0;
  }
  p->kind = LC_PAT_EXACT;
  p->text = lc_xstrdup(resolve_alias(text));
  return 0;
}

int
lc_pattern_match(const struct lc_pattern *p, const char *name)
{
  if (!p->text)
    return 0;
  switch (p->kind) {
  case LC_PAT_EXACT:
    /* A snapshot may still carry a legacy name: compare resolved names. */
    return !strcmp(p->text, resolve_alias(name));
  case LC_PAT_GLOB:
    if (p->text[0] == '*' && !p->text[1])
      return 1;
    return fnmatch(p->text, name, 0) == 0;
  case LC_PAT_REGEX:
    return p->compiled && regexec(&p->re, name, 0, NULL, 0) == 0;
  }
  return 0;
}

void
lc_pattern_release(struct lc_pattern *p)
{
  if (p->compiled)
    regfree(&p->re);
  free(p->text);
  memset(p, 0, sizeof(*p));
}
