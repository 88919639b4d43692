/*
 * leakcheck.yml (v1) → struct lc_config (see config.h).
 *
 * Two passes.  The first turns libyaml's events into a small tree of our own
 * (scalars, lists, mappings, each with its 1-based mark), rejecting what a
 * configuration never needs: anchors, aliases, tags, several documents and
 * deep nesting.  The second walks that tree in document order and fills the
 * structs, so the first problem in the file is the one reported.  No libyaml
 * type outlives the first pass.
 */
#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

/* A configuration nests five levels deep; anything far deeper is a mistake
 * or an attack on the stack of whoever walks it. */
#define MAX_DEPTH 32
#define MAX_NAME 100
#define MAX_SNAPSHOTS 1000
/* Bounds that keep the quadratic uniqueness checks cheap. */
#define MAX_CHECKS 1000
#define MAX_ASSERTS 1000
/* Longest piece of a value quoted back in a message. */
#define MAX_QUOTE LC_QUOTE_MAX

#define MAX_DURATION_MS (525600ULL * 60000)
#define DEFAULT_TIMEOUT_MS 60000
#define DEFAULT_EVERY_MS 500
#define DEFAULT_SNAPSHOTS 5
#define DEFAULT_WARMUP 1

/* ------------------------------------------------------------------------ */
/* Units                                                                     */

enum unit_rc {
  UNIT_OK = 0,
  UNIT_SYNTAX = -1,  /* not digits followed by an optional unit */
  UNIT_UNKNOWN = -2, /* digits and letters, but not a known unit */
  UNIT_RANGE = -3    /* does not fit in 64 bits */
};

struct unit {
  const char *name;
  uint64_t mul;
};

static const struct unit size_units[] = {
    {"B", 1},
    {"KB", 1024},
    {"MB", 1024 * 1024},
    {"GB", 1024ULL * 1024 * 1024},
    {"K", 1024},
    {"M", 1024 * 1024},
    {"G", 1024ULL * 1024 * 1024},
    {NULL, 0},
};
#define SIZE_UNITS "B, KB, MB, GB, K, M, G"

static const struct unit duration_units[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60000},
    {NULL, 0},
};
#define DURATION_UNITS "ms, s, m"

static int
is_alpha(int ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
is_digit(int ch)
{
  return ch >= '0' && ch <= '9';
}

/* Parses "<digits>[ ]<unit>" into *out (only on success).  A missing unit
 * is an error when `need_unit`, a multiplier of 1 otherwise. */
static enum unit_rc
parse_unit(const char *s, const struct unit *units, int need_unit,
           uint64_t *out)
{
  uint64_t v = 0;
  int overflow = 0;
  const char *p = s;
  const struct unit *u;

  if (!is_digit((unsigned char)*p))
    return UNIT_SYNTAX;
  for (; is_digit((unsigned char)*p); p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10)
      overflow = 1;
    else
      v = v * 10 + d;
  }
  if (*p == ' ')
    p++;
  if (!*p) {
    if (need_unit || p[-1] == ' ')
      return UNIT_SYNTAX;
    if (overflow)
      return UNIT_RANGE;
    *out = v;
    return UNIT_OK;
  }
  {
    const char *q;
    for (q = p; *q; q++)
      if (!is_alpha((unsigned char)*q))
        return UNIT_SYNTAX;
  }
  for (u = units; u->name; u++)
    if (!strcmp(p, u->name))
      break;
  if (!u->name)
    return UNIT_UNKNOWN;
  if (overflow || lc_mul_overflows(v, u->mul))
    return UNIT_RANGE;
  *out = v * u->mul;
  return UNIT_OK;
}

/* The unit part of a string parse_unit() called UNIT_UNKNOWN. */
static const char *
unit_part(const char *s)
{
  while (is_digit((unsigned char)*s))
    s++;
  if (*s == ' ')
    s++;
  return s;
}

int
lc_parse_size(const char *s, uint64_t *out)
{
  return parse_unit(s, size_units, 0, out) == UNIT_OK ? 0 : -1;
}

int
lc_parse_duration_ms(const char *s, uint64_t *out)
{
  return parse_unit(s, duration_units, 1, out) == UNIT_OK ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* The tree                                                                  */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

/* One node.  Children are linked by index; 0 means none, which is safe
 * because node 0 is the root and never anyone's child.  A mapping's
 * children alternate key, value. */
struct ynode {
  enum ykind kind;
  struct lc_mark mark;
  char *str; /* scalars: owned, NUL-terminated (may hold NULs too) */
  size_t len;
  int plain; /* scalar written without quotes or block indicators */
  size_t first, last, next;
  size_t nchildren;
};

struct ytree {
  struct ynode *v;
  size_t n, alloc;
};

static void
tree_release(struct ytree *t)
{
  size_t i;
  for (i = 0; i < t->n; i++)
    free(t->v[i].str);
  free(t->v);
  t->v = NULL;
  t->n = t->alloc = 0;
}

static struct lc_mark
mark_of(yaml_mark_t m)
{
  struct lc_mark r;
  r.line = (unsigned long)m.line + 1;
  r.col = (unsigned long)m.column + 1;
  return r;
}

static size_t
tree_add(struct ytree *t, enum ykind kind, yaml_mark_t m, const size_t *stack,
         size_t depth)
{
  size_t i = t->n;
  struct ynode *n;
  LC_ALLOC_GROW(t->v, t->n + 1, t->alloc);
  t->n++;
  n = &t->v[i];
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  n->mark = mark_of(m);
  if (depth) {
    struct ynode *parent = &t->v[stack[depth - 1]];
    if (parent->last)
      t->v[parent->last].next = i;
    else
      parent->first = i;
    parent->last = i;
    parent->nchildren++;
  }
  return i;
}

/* Line and column (in characters) of byte `offset` of `text`. */
static void
locate(const char *text, size_t len, size_t offset, unsigned long *line,
       unsigned long *col)
{
  size_t i;
  *line = 1;
  *col = 1;
  if (offset > len)
    offset = len;
  for (i = 0; i < offset; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch == '\n') {
      (*line)++;
      *col = 1;
    } else if ((ch & 0xC0) != 0x80) {
      (*col)++;
    }
  }
}

static int
yaml_failure(yaml_parser_t *parser, const char *path, const char *text,
             size_t len, struct lc_err *err)
{
  const char *problem = parser->problem ? parser->problem : "unknown error";
  struct lc_mark m;

  switch (parser->error) {
  case YAML_MEMORY_ERROR:
    return lc_err_set(err, LC_ESYSTEM, path, 0, 0,
                      "out of memory while reading YAML");
  case YAML_READER_ERROR:
    /* The reader reports a byte offset, not a mark. */
    locate(text, len, parser->problem_offset, &m.line, &m.col);
    if (parser->problem_value != -1)
      return lc_err_set(err, LC_ECONFIG, path, m.line, m.col,
                        "invalid YAML: %s (byte 0x%02x)", problem,
                        (unsigned)parser->problem_value);
    return lc_err_set(err, LC_ECONFIG, path, m.line, m.col, "invalid YAML: %s",
                      problem);
  default:
    m = mark_of(parser->problem_mark);
    if (parser->context)
      return lc_err_set(err, LC_ECONFIG, path, m.line, m.col,
                        "invalid YAML: %s %s", problem, parser->context);
    return lc_err_set(err, LC_ECONFIG, path, m.line, m.col, "invalid YAML: %s",
                      problem);
  }
}

/* Checks the properties of a node event; 0 when it has none. */
static int
check_props(const yaml_char_t *anchor, const yaml_char_t *tag, yaml_mark_t m,
            const char *path, struct lc_err *err)
{
  struct lc_mark lm = mark_of(m);
  if (anchor)
    return lc_err_set(err, LC_ECONFIG, path, lm.line, lm.col,
                      "YAML anchors are not supported");
  if (tag)
    return lc_err_set(err, LC_ECONFIG, path, lm.line, lm.col,
                      "YAML tags are not supported; got '%s'",
                      (const char *)tag);
  return 0;
}

/* Reads the YAML text into `t`.  An empty stream leaves `t` empty. */
static int
build_tree(struct ytree *t, const char *path, const char *text, size_t len,
           struct lc_err *err)
{
  yaml_parser_t parser;
  yaml_event_t ev;
  size_t stack[MAX_DEPTH];
  size_t depth = 0;
  int ndocs = 0;
  int rc = 0;
  int done = 0;

  if (!yaml_parser_initialize(&parser))
    return lc_err_set(err, LC_ESYSTEM, path, 0, 0,
                      "out of memory while reading YAML");
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  while (!done && !rc) {
    struct lc_mark m;
    size_t i;
    if (!yaml_parser_parse(&parser, &ev)) {
      rc = yaml_failure(&parser, path, text, len, err);
      break;
    }
    m = mark_of(ev.start_mark);
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++ndocs > 1)
        rc = lc_err_set(err, LC_ECONFIG, path, m.line, m.col,
                        "multiple YAML documents are not supported; "
                        "expected one");
      break;
    case YAML_ALIAS_EVENT:
      rc = lc_err_set(err, LC_ECONFIG, path, m.line, m.col,
                      "YAML aliases are not supported");
      break;
    case YAML_SCALAR_EVENT:
      rc = check_props(ev.data.scalar.anchor, ev.data.scalar.tag, ev.start_mark,
                       path, err);
      if (rc)
        break;
      i = tree_add(t, Y_SCALAR, ev.start_mark, stack, depth);
      t->v[i].str = lc_xstrndup((const char *)ev.data.scalar.value,
                                ev.data.scalar.length);
      t->v[i].len = ev.data.scalar.length;
      t->v[i].plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (ev.type == YAML_SEQUENCE_START_EVENT)
        rc = check_props(ev.data.sequence_start.anchor,
                         ev.data.sequence_start.tag, ev.start_mark, path, err);
      else
        rc = check_props(ev.data.mapping_start.anchor,
                         ev.data.mapping_start.tag, ev.start_mark, path, err);
      if (rc)
        break;
      if (depth == MAX_DEPTH) {
        rc = lc_err_set(err, LC_ECONFIG, path, m.line, m.col,
                        "nesting is too deep; expected at most %d levels",
                        MAX_DEPTH);
        break;
      }
      i = tree_add(t, ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP,
                   ev.start_mark, stack, depth);
      stack[depth++] = i;
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (depth)
        depth--;
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Walking the tree                                                          */

struct ctx {
  const struct ytree *t;
  const char *path;
  struct lc_err *err;
  struct lc_config *cfg;
  struct lc_buf got;          /* scratch of got() */
  struct lc_buf quote;        /* scratch of quote() */
  struct lc_mark *name_marks; /* [nchecks]: where each check's name is */
};

#define NODE(c, i) (&(c)->t->v[(i)])

static int fail(struct ctx *c, struct lc_mark m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *c, struct lc_mark m, const char *fmt, ...)
{
  struct lc_buf b = LC_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  lc_buf_vaddf(&b, fmt, ap);
  va_end(ap);
  lc_err_set(c->err, LC_ECONFIG, c->path, m.line, m.col, "%s", b.buf);
  lc_buf_release(&b);
  return -1;
}

/* Nonzero when `k` is a scalar spelled exactly `name`. */
static int
key_is(const struct ynode *k, const char *name)
{
  return k->kind == Y_SCALAR && k->len == strlen(name) &&
         !memcmp(k->str, name, k->len);
}

static int
is_null(const struct ynode *n)
{
  if (n->kind != Y_SCALAR || !n->plain)
    return 0;
  return n->len == 0 || key_is(n, "~") || key_is(n, "null") ||
         key_is(n, "Null") || key_is(n, "NULL");
}

/* Appends a scalar's text, control characters escaped, at most MAX_QUOTE
 * bytes (cut on a UTF-8 boundary). */
static void
add_escaped(struct lc_buf *b, const struct ynode *n)
{
  size_t i, start = b->len;
  for (i = 0; i < n->len; i++) {
    unsigned char ch = (unsigned char)n->str[i];
    if (b->len - start >= MAX_QUOTE && (ch & 0xC0) != 0x80) {
      lc_buf_addstr(b, "...");
      return;
    }
    if (ch == '\n')
      lc_buf_addstr(b, "\\n");
    else if (ch == '\t')
      lc_buf_addstr(b, "\\t");
    else if (ch < 0x20 || ch == 0x7F)
      lc_buf_addf(b, "\\x%02x", ch);
    else
      lc_buf_addch(b, ch);
  }
}

/* A scalar's text, escaped for a message; valid until the next call. */
static const char *
quote(struct ctx *c, size_t i)
{
  lc_buf_reset(&c->quote);
  add_escaped(&c->quote, NODE(c, i));
  return c->quote.buf;
}

/* What the user wrote, for "got …"; valid until the next call. */
static const char *
got(struct ctx *c, size_t i)
{
  const struct ynode *n = NODE(c, i);
  lc_buf_reset(&c->got);
  if (n->kind == Y_SEQ) {
    lc_buf_addstr(&c->got, "a list");
  } else if (n->kind == Y_MAP) {
    lc_buf_addstr(&c->got, "a mapping");
  } else if (is_null(n)) {
    lc_buf_addstr(&c->got, "an empty value");
  } else {
    lc_buf_addch(&c->got, '\'');
    add_escaped(&c->got, n);
    lc_buf_addch(&c->got, '\'');
  }
  return c->got.buf;
}

/* Same, saying so when a number or boolean was quoted. */
static const char *
got_plain(struct ctx *c, size_t i)
{
  const struct ynode *n = NODE(c, i);
  if (n->kind == Y_SCALAR && !n->plain) {
    lc_buf_reset(&c->got);
    lc_buf_addstr(&c->got, "a quoted string '");
    add_escaped(&c->got, n);
    lc_buf_addch(&c->got, '\'');
    return c->got.buf;
  }
  return got(c, i);
}

static int
in_list(const struct ynode *k, const char *const *list)
{
  for (; list && *list; list++)
    if (key_is(k, *list))
      return 1;
  return 0;
}

/* Levenshtein distance of two short strings (both at most 63 bytes). */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
  size_t row[64], i, j;
  for (j = 0; j <= lb; j++)
    row[j] = j;
  for (i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* The known key nearest to `k`: the same but for case, or at most two
 * edits away; NULL when none is. */
static const char *
nearest_key(const struct ynode *k, const char *const *known)
{
  const char *best = NULL;
  size_t best_d = 3;
  const char *const *p;
  if (k->len >= 64 || memchr(k->str, '\0', k->len))
    return NULL;
  for (p = known; *p; p++)
    if (!strcasecmp(k->str, *p))
      return *p;
  for (p = known; *p; p++) {
    size_t d = edit_distance(k->str, k->len, *p, strlen(*p));
    if (d < best_d) {
      best_d = d;
      best = *p;
    }
  }
  return best;
}

struct keyref {
  const char *s;
  size_t len;
  size_t idx;
};

static int
keyref_cmp(const void *pa, const void *pb)
{
  const struct keyref *a = pa, *b = pb;
  size_t n = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->s, b->s, n);
  if (r)
    return r;
  if (a->len != b->len)
    return a->len < b->len ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The index of the first key (in document order) that repeats an earlier
 * one, or 0.  Sorting keeps a mapping with many keys from being quadratic. */
static size_t
first_duplicate(struct ctx *c, size_t map)
{
  struct keyref *refs;
  size_t n = 0, i, k, dup = 0;
  if (NODE(c, map)->nchildren < 4)
    return 0;
  refs =
      lc_reallocarray_or_die(NULL, NODE(c, map)->nchildren / 2, sizeof(*refs));
  for (k = NODE(c, map)->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    if (NODE(c, k)->kind != Y_SCALAR)
      continue;
    refs[n].s = NODE(c, k)->str;
    refs[n].len = NODE(c, k)->len;
    refs[n].idx = k;
    n++;
  }
  qsort(refs, n, sizeof(*refs), keyref_cmp);
  for (i = 1; i < n; i++)
    if (refs[i].len == refs[i - 1].len &&
        !memcmp(refs[i].s, refs[i - 1].s, refs[i].len) &&
        (!dup || refs[i].idx < dup))
      dup = refs[i].idx;
  free(refs);
  return dup;
}

static void
join_list(struct lc_buf *b, const char *const *list)
{
  const char *const *p;
  for (p = list; *p; p++)
    lc_buf_addf(b, "%s%s", p == list ? "" : ", ", *p);
}

/* Validates the keys of a mapping: strings, no duplicates, and (when
 * `known` is not NULL) only known ones.  `where` is "in check" etc. */
static int
check_keys(struct ctx *c, size_t map, const char *const *known,
           const char *where)
{
  size_t dup = first_duplicate(c, map);
  size_t k;
  for (k = NODE(c, map)->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    if (key->kind != Y_SCALAR || is_null(key))
      return fail(c, key->mark, "mapping keys must be names; got %s",
                  got(c, k));
    if (k == dup)
      return fail(c, key->mark, "duplicate key '%s'", quote(c, k));
    if (!known || in_list(key, known))
      continue;
    {
      const char *near = nearest_key(key, known);
      struct lc_buf list = LC_BUF_INIT;
      int rc;
      if (near) {
        rc = fail(c, key->mark, "unknown key '%s' %s; did you mean '%s'?",
                  quote(c, k), where, near);
      } else {
        join_list(&list, known);
        rc = fail(c, key->mark, "unknown key '%s' %s; expected one of: %s",
                  quote(c, k), where, list.buf);
      }
      lc_buf_release(&list);
      return rc;
    }
  }
  return 0;
}

/* The value node of `name` in `map`, or 0. */
static size_t
lookup(struct ctx *c, size_t map, const char *name)
{
  size_t k;
  for (k = NODE(c, map)->first; k; k = NODE(c, NODE(c, k)->next)->next)
    if (key_is(NODE(c, k), name))
      return NODE(c, k)->next;
  return 0;
}

/* A string value: a non-null scalar without NULs (and not empty unless
 * `allow_empty`).  Returns its text, or NULL after failing with "'KEY' must
 * be MUST_BE; got …". */
static const char *
string_value(struct ctx *c, size_t v, const char *key, const char *must_be,
             int allow_empty)
{
  const struct ynode *n = NODE(c, v);
  if (n->kind != Y_SCALAR || is_null(n) || (!allow_empty && !n->len)) {
    fail(c, n->mark, "'%s' must be %s; got %s", key, must_be, got(c, v));
    return NULL;
  }
  if (memchr(n->str, '\0', n->len)) {
    fail(c, n->mark, "'%s' must not contain a NUL character", key);
    return NULL;
  }
  return n->str;
}

/* A plain scalar of digits in [min, max]. */
static int
whole_number(struct ctx *c, size_t v, const char *key, uint64_t min,
             uint64_t max, uint64_t *out)
{
  const struct ynode *n = NODE(c, v);
  uint64_t x = 0;
  size_t i;
  int overflow = 0;
  if (n->kind != Y_SCALAR || !n->plain || !n->len)
    goto bad;
  for (i = 0; i < n->len; i++) {
    unsigned d;
    if (!is_digit((unsigned char)n->str[i]))
      goto bad;
    d = (unsigned)(n->str[i] - '0');
    if (x > (UINT64_MAX - d) / 10)
      overflow = 1;
    else
      x = x * 10 + d;
  }
  if (x < min && !overflow)
    goto bad;
  if (overflow || x > max) {
    if (max == (uint64_t)INT64_MAX)
      return fail(c, n->mark, "'%s' is out of range; got %s", key, got(c, v));
    return fail(c, n->mark, "'%s' must be at most %llu; got %s", key,
                (unsigned long long)max, got(c, v));
  }
  *out = x;
  return 0;
bad:
  return fail(c, n->mark, "'%s' must be a whole number ≥ %llu; got %s", key,
              (unsigned long long)min, got_plain(c, v));
}

/* A duration > 0 in milliseconds. */
static int
duration_value(struct ctx *c, size_t v, const char *key, uint64_t *out)
{
  const struct ynode *n = NODE(c, v);
  enum unit_rc rc = UNIT_SYNTAX;
  uint64_t ms = 0;
  if (n->kind == Y_SCALAR && !memchr(n->str, '\0', n->len))
    rc = parse_unit(n->str, duration_units, 1, &ms);
  switch (rc) {
  case UNIT_OK:
    break;
  case UNIT_UNKNOWN:
    return fail(
        c, n->mark,
        "'%s' has an unknown unit '%s'; expected one of: " DURATION_UNITS, key,
        unit_part(n->str));
  case UNIT_RANGE:
    ms = UINT64_MAX;
    break;
  default:
    return fail(c, n->mark,
                "'%s' must be a duration like 500ms, 2s or 1m; got %s", key,
                got(c, v));
  }
  /* The driver adds durations to a clock; keep them far from wrapping. */
  if (ms > MAX_DURATION_MS)
    return fail(c, n->mark, "'%s' must be at most 525600m (a year); got %s",
                key, got(c, v));
  if (!ms)
    return fail(c, n->mark, "'%s' must be greater than 0; got %s", key,
                got(c, v));
  *out = ms;
  return 0;
}

/* A size in bytes, at most INT64_MAX. */
static int
size_value(struct ctx *c, size_t v, const char *key, int64_t *out)
{
  const struct ynode *n = NODE(c, v);
  enum unit_rc rc = UNIT_SYNTAX;
  uint64_t bytes = 0;
  if (n->kind == Y_SCALAR && !memchr(n->str, '\0', n->len))
    rc = parse_unit(n->str, size_units, 0, &bytes);
  if (rc == UNIT_OK && bytes > (uint64_t)INT64_MAX)
    rc = UNIT_RANGE;
  switch (rc) {
  case UNIT_OK:
    *out = (int64_t)bytes;
    return 0;
  case UNIT_UNKNOWN:
    return fail(c, n->mark,
                "'%s' has an unknown unit '%s'; expected one of: " SIZE_UNITS,
                key, unit_part(n->str));
  case UNIT_RANGE:
    return fail(c, n->mark, "'%s' is out of range; got %s", key, got(c, v));
  default:
    return fail(c, n->mark, "'%s' must be a size like 512KB or 2MB; got %s",
                key, got(c, v));
  }
}

/* A pattern value; `must_be` names what a list item must be. */
static int
pattern_value(struct ctx *c, size_t v, const char *key, const char *must_be,
              struct lc_pattern *p)
{
  struct lc_err perr = LC_ERR_INIT;
  const char *s = string_value(c, v, key, must_be, 0);
  if (!s)
    return -1;
  if (lc_pattern_compile(p, s, &perr) < 0) {
    fail(c, NODE(c, v)->mark, "%s", perr.msg ? perr.msg : "invalid pattern");
    lc_err_release(&perr);
    return -1;
  }
  return 0;
}

static char *
dir_of(const char *path)
{
  const char *slash = path ? strrchr(path, '/') : NULL;
  size_t end;
  if (!slash)
    return lc_xstrdup(".");
  end = (size_t)(slash - path);
  while (end > 0 && path[end - 1] == '/')
    end--;
  if (!end)
    return lc_xstrdup("/");
  return lc_xstrndup(path, end);
}

static char *
resolve(const char *dir, const char *p)
{
  size_t n = strlen(dir);
  if (p[0] == '/')
    return lc_xstrdup(p);
  if (n && dir[n - 1] == '/')
    return lc_xasprintf("%s%s", dir, p);
  return lc_xasprintf("%s/%s", dir, p);
}

/* ------------------------------------------------------------------------ */
/* The schema                                                                */

static const char *const top_keys[] = {"version",  "junit",  "html",
                                       "baseline", "checks", NULL};
static const char *const check_keys_v1[] = {
    "name",    "script",  "node",   "node_args", "args",
    "env",     "timeout", "drive",  "snapshots", "warmup",
    "confirm", "ignore",  "assert", "allow",     NULL};
static const char *const allow_keys[] = {"constructor", "reason", "until",
                                         "max_growth", NULL};
static const char *const confirm_keys[] = {"snapshots", "timeout", NULL};
static const char *const drive_keys[] = {"every",
                                         "call",
                                         "times",
                                         "setup",
                                         "http",
                                         "requests",
                                         "concurrency",
                                         "method",
                                         "body",
                                         "headers",
                                         "port",
                                         "ready_timeout",
                                         "max_failed_requests",
                                         "signal",
                                         NULL};
#define DRIVE_MODES "every, call, http, signal"
static const char *const assert_keys[] = {"constructor",
                                          "total",
                                          "memory",
                                          "max_growth",
                                          "max_growth_bytes",
                                          "max_count",
                                          "max_bytes",
                                          "steady_growth",
                                          NULL};
/* `memory:` values, indexed by enum lc_mem_kind. */
static const char *const mem_keys[] = {
    "rss",           "heap_used",        "heap_total", "external",
    "array_buffers", "process_tree_rss", NULL};
#define MEM_KEYS                                                               \
  "rss, heap_used, heap_total, external, array_buffers, process_tree_rss"

const char *
lc_mem_kind_key(enum lc_mem_kind kind)
{
  if (kind <= LC_MEM_NONE || kind >= LC_MEM_KINDS)
    return "";
  return mem_keys[kind - 1];
}
#define RULE_KEYS                                                              \
  "max_growth, max_growth_bytes, max_count, max_bytes, steady_growth"

static int
string_list(struct ctx *c, size_t v, const char *key, char ***out, size_t *nout)
{
  const struct ynode *n = NODE(c, v);
  size_t i;
  if (is_null(n)) {
    *out = lc_xcalloc(1, sizeof(**out));
    return 0;
  }
  if (n->kind != Y_SEQ)
    return fail(c, n->mark, "'%s' must be a list of strings; got %s", key,
                got(c, v));
  *out = lc_xcalloc(n->nchildren + 1, sizeof(**out));
  for (i = n->first; i; i = NODE(c, i)->next) {
    const char *s = string_value(c, i, key, "a list of strings", 1);
    if (!s)
      return -1;
    (*out)[(*nout)++] = lc_xstrdup(s);
  }
  return 0;
}

static int
valid_env_name(const struct ynode *k)
{
  size_t i;
  if (!k->len || is_digit((unsigned char)k->str[0]))
    return 0;
  for (i = 0; i < k->len; i++) {
    unsigned char ch = (unsigned char)k->str[i];
    if (!is_alpha(ch) && !is_digit(ch) && ch != '_')
      return 0;
  }
  return 1;
}

static int
env_map(struct ctx *c, size_t v, struct lc_check *ck)
{
  const struct ynode *n = NODE(c, v);
  size_t k;
  if (is_null(n)) {
    ck->env = lc_xcalloc(1, sizeof(*ck->env));
    return 0;
  }
  if (n->kind != Y_MAP)
    return fail(c, n->mark, "'env' must be a mapping of NAME: value; got %s",
                got(c, v));
  if (check_keys(c, v, NULL, "in env") < 0)
    return -1;
  ck->env = lc_xcalloc(n->nchildren / 2 + 1, sizeof(*ck->env));
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    size_t val = NODE(c, k)->next;
    const struct ynode *vn = NODE(c, val);
    if (!valid_env_name(NODE(c, k)))
      return fail(c, NODE(c, k)->mark,
                  "invalid environment variable name '%s'; expected "
                  "letters, digits and '_', not starting with a digit",
                  quote(c, k));
    if (vn->kind != Y_SCALAR)
      return fail(c, vn->mark, "'env' value of '%s' must be a string; got %s",
                  NODE(c, k)->str, got(c, val));
    if (memchr(vn->str, '\0', vn->len))
      return fail(c, vn->mark,
                  "'env' value of '%s' must not contain a NUL character",
                  NODE(c, k)->str);
    /* `FOO:` with nothing after it sets FOO to the empty string. */
    ck->env[ck->nenv++] =
        lc_xasprintf("%s=%s", NODE(c, k)->str, is_null(vn) ? "" : vn->str);
  }
  return 0;
}

/* Which drive modes each key of `drive` belongs to: bit (1 << mode). */
#define MODE_BIT(m) (1u << (m))
struct drive_key {
  const char *key;
  unsigned modes;
  const char *belongs; /* for "it belongs to …" */
};

static const struct drive_key drive_key_modes[] = {
    {"every", MODE_BIT(LC_DRIVE_EVERY) | MODE_BIT(LC_DRIVE_SIGNAL),
     "drive modes 'every' and 'signal'"},
    {"call", MODE_BIT(LC_DRIVE_CALL), "drive mode 'call'"},
    {"times", MODE_BIT(LC_DRIVE_CALL), "drive mode 'call'"},
    {"setup", MODE_BIT(LC_DRIVE_CALL), "drive mode 'call'"},
    {"http", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"requests", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"concurrency", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"method", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"body", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"headers", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"port", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"ready_timeout", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"max_failed_requests", MODE_BIT(LC_DRIVE_HTTP), "drive mode 'http'"},
    {"signal", MODE_BIT(LC_DRIVE_SIGNAL), "drive mode 'signal'"},
    {NULL, 0, NULL},
};

static const char *const drive_mode_names[] = {"every", "call", "http",
                                               "signal"};

#define MAX_TIMES 1000000
#define MAX_CONCURRENCY 256
#define DEFAULT_READY_TIMEOUT_MS 10000

static const struct drive_key *
drive_key_of(const struct ynode *k)
{
  const struct drive_key *d;
  for (d = drive_key_modes; d->key; d++)
    if (key_is(k, d->key))
      return d;
  return NULL;
}

/* "SIGUSR2" or "USR2" → its number; SIGKILL and SIGSTOP cannot be handled
 * by a program, so they are refused. */
static int
signal_value(struct ctx *c, size_t v, int *out)
{
  const struct ynode *n = NODE(c, v);
  const char *s = string_value(c, v, "signal", "a signal name like SIGUSR2", 0);
  const char *name;
  int i;
  if (!s)
    return -1;
  name = strncmp(s, "SIG", 3) ? s : s + 3;
  for (i = 1; i < 32; i++) {
    const char *ab = sigabbrev_np(i);
    if (ab && !strcmp(ab, name))
      break;
  }
  if (i == 32 || !*name)
    return fail(c, n->mark,
                "'signal' must be a signal name like SIGUSR2; got %s",
                got(c, v));
  if (i == SIGKILL || i == SIGSTOP)
    return fail(c, n->mark,
                "'signal' cannot be %s: a program cannot handle it; expected "
                "a signal like SIGUSR2",
                i == SIGKILL ? "SIGKILL" : "SIGSTOP");
  *out = i;
  return 0;
}

/* `http:` is a path ("/items?id=1") or a URL on 127.0.0.1; leakcheck sends
 * requests over loopback only.  Sets the target and, from a URL that has
 * one, *port. */
static int
http_target(struct ctx *c, size_t v, struct lc_http_drive *h, unsigned *port)
{
  const struct ynode *n = NODE(c, v);
  const char *s = string_value(
      c, v, "http", "a path like /items or http://127.0.0.1:PORT/items", 0);
  const char *path, *p;
  *port = 0;
  if (!s)
    return -1;
  if (s[0] == '/') {
    path = s;
  } else if (!strncmp(s, "http://", 7)) {
    const char *host = s + 7;
    size_t hlen = strcspn(host, ":/?#");
    if (hlen != 9 || memcmp(host, "127.0.0.1", 9)) {
      struct lc_buf hb = LC_BUF_INIT;
      int rc;
      lc_buf_add(&hb, host, hlen > MAX_QUOTE ? MAX_QUOTE : hlen);
      rc = fail(c, n->mark,
                "'http' must be on 127.0.0.1 (leakcheck sends requests over "
                "loopback only); got host '%s'",
                hb.buf);
      lc_buf_release(&hb);
      return rc;
    }
    path = host + hlen;
    if (*path == ':') {
      unsigned long pv = 0;
      path++;
      if (!is_digit((unsigned char)*path))
        pv = 0;
      while (is_digit((unsigned char)*path) && pv <= 65535)
        pv = pv * 10 + (unsigned long)(*path++ - '0');
      if (!pv || pv > 65535 || (*path && *path != '/' && *path != '?'))
        return fail(c, n->mark,
                    "'http' has an invalid port; expected 1 to 65535 in %s",
                    got(c, v));
      *port = (unsigned)pv;
    }
  } else if (!strncmp(s, "https://", 8)) {
    return fail(c, n->mark, "'http' must be plain http on 127.0.0.1; got %s",
                got(c, v));
  } else {
    return fail(c, n->mark,
                "'http' must be a path starting with '/' or "
                "http://127.0.0.1:PORT/path; got %s",
                got(c, v));
  }
  for (p = path; *p; p++)
    if ((unsigned char)*p <= 0x20 || *p == 0x7F || *p == '#')
      return fail(c, n->mark,
                  "'http' must not contain spaces, control characters or "
                  "'#'; percent-encode them; got %s",
                  got(c, v));
  h->target = path[0] == '/' ? lc_xstrdup(path) : lc_xasprintf("/%s", path);
  h->mark = n->mark;
  return 0;
}

static int
port_value(struct ctx *c, size_t v, unsigned *out)
{
  const struct ynode *n = NODE(c, v);
  uint64_t x = 0;
  size_t i;
  if (n->kind == Y_SCALAR && n->plain && key_is(n, "auto")) {
    *out = 0;
    return 0;
  }
  if (n->kind != Y_SCALAR || !n->plain || !n->len || n->len > 5)
    goto bad;
  for (i = 0; i < n->len; i++) {
    if (!is_digit((unsigned char)n->str[i]))
      goto bad;
    x = x * 10 + (uint64_t)(n->str[i] - '0');
  }
  if (x < 1 || x > 65535)
    goto bad;
  *out = (unsigned)x;
  return 0;
bad:
  return fail(c, n->mark,
              "'port' must be a port number from 1 to 65535 or 'auto'; got %s",
              got_plain(c, v));
}

static int
valid_header_name(const struct ynode *k)
{
  size_t i;
  if (!k->len)
    return 0;
  for (i = 0; i < k->len; i++) {
    unsigned char ch = (unsigned char)k->str[i];
    if (!is_alpha(ch) && !is_digit(ch) && !strchr("!#$%&'*+-.^_`|~", ch))
      return 0;
  }
  return 1;
}

static int
headers_map(struct ctx *c, size_t v, struct lc_http_drive *h)
{
  const struct ynode *n = NODE(c, v);
  size_t k;
  h->headers = lc_xcalloc(n->kind == Y_MAP ? n->nchildren / 2 + 1 : 1,
                          sizeof(*h->headers));
  if (is_null(n))
    return 0;
  if (n->kind != Y_MAP)
    return fail(c, n->mark,
                "'headers' must be a mapping of Name: value; got %s",
                got(c, v));
  if (check_keys(c, v, NULL, "in headers") < 0)
    return -1;
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    size_t val = NODE(c, k)->next;
    const struct ynode *vn = NODE(c, val);
    if (!valid_header_name(NODE(c, k)))
      return fail(c, NODE(c, k)->mark,
                  "invalid HTTP header name '%s'; expected letters, digits "
                  "and '-'",
                  quote(c, k));
    if (vn->kind != Y_SCALAR)
      return fail(c, vn->mark, "header '%s' must have a string value; got %s",
                  NODE(c, k)->str, got(c, val));
    if (memchr(vn->str, '\0', vn->len) || memchr(vn->str, '\n', vn->len) ||
        memchr(vn->str, '\r', vn->len))
      return fail(c, vn->mark,
                  "header '%s' must be one line without NUL characters",
                  NODE(c, k)->str);
    h->headers[h->nheaders++] =
        lc_xasprintf("%s: %s", NODE(c, k)->str, is_null(vn) ? "" : vn->str);
  }
  return 0;
}

static const char *const http_methods[] = {"GET",   "POST",   "PUT",
                                           "PATCH", "DELETE", NULL};

static int
http_drive(struct ctx *c, size_t map, struct lc_check *ck)
{
  struct lc_http_drive *h = &ck->http;
  size_t k, requests = 0, method_v = 0, body_v = 0, port_v = 0;
  unsigned url_port = 0;
  uint64_t u;
  h->concurrency = 1;
  h->ready_timeout_ms = DEFAULT_READY_TIMEOUT_MS;
  for (k = NODE(c, map)->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    size_t v = key->next;
    const char *s;
    if (key_is(key, "http")) {
      if (http_target(c, v, h, &url_port) < 0)
        return -1;
    } else if (key_is(key, "requests")) {
      if (whole_number(c, v, "requests", 1, MAX_TIMES, &u) < 0)
        return -1;
      h->requests = (unsigned)u;
      requests = v;
    } else if (key_is(key, "concurrency")) {
      if (whole_number(c, v, "concurrency", 1, MAX_CONCURRENCY, &u) < 0)
        return -1;
      h->concurrency = (unsigned)u;
    } else if (key_is(key, "method")) {
      const char *const *m;
      s = string_value(c, v, "method", "an HTTP method", 0);
      if (!s)
        return -1;
      for (m = http_methods; *m && strcmp(*m, s); m++)
        ;
      if (!*m)
        return fail(c, NODE(c, v)->mark,
                    "'method' must be one of GET, POST, PUT, PATCH, DELETE; "
                    "got %s",
                    got(c, v));
      h->method = lc_xstrdup(*m);
      method_v = v;
    } else if (key_is(key, "body")) {
      s = string_value(c, v, "body",
                       "a string (write JSON as a quoted or "
                       "block string)",
                       1);
      if (!s)
        return -1;
      h->body = lc_xstrndup(s, NODE(c, v)->len);
      h->body_len = NODE(c, v)->len;
      body_v = v;
    } else if (key_is(key, "headers")) {
      if (headers_map(c, v, h) < 0)
        return -1;
    } else if (key_is(key, "port")) {
      if (port_value(c, v, &h->port) < 0)
        return -1;
      port_v = v;
    } else if (key_is(key, "ready_timeout")) {
      if (duration_value(c, v, "ready_timeout", &h->ready_timeout_ms) < 0)
        return -1;
    } else if (key_is(key, "max_failed_requests")) {
      if (whole_number(c, v, "max_failed_requests", 0, 1000000000, &u) < 0)
        return -1;
      h->max_failed = u;
    }
  }
  if (!requests)
    return fail(c, NODE(c, map)->mark, "drive 'http' is missing 'requests'");
  h->port_mark = h->mark;
  if (url_port) {
    if (port_v && h->port != url_port)
      return fail(c, NODE(c, port_v)->mark,
                  "'port' %u differs from port %u in 'http'; give it once",
                  h->port, url_port);
    h->port = url_port;
  } else if (port_v) {
    h->port_mark = NODE(c, port_v)->mark;
  }
  if (!h->method)
    h->method = lc_xstrdup(body_v ? "POST" : "GET");
  else if (body_v &&
           (!strcmp(h->method, "GET") || !strcmp(h->method, "DELETE")))
    return fail(c, NODE(c, method_v)->mark,
                "method %s sends no body; expected POST, PUT or PATCH with "
                "'body'",
                h->method);
  if (!h->headers)
    h->headers = lc_xcalloc(1, sizeof(*h->headers));
  return 0;
}

static int
call_drive(struct ctx *c, size_t map, struct lc_check *ck)
{
  size_t k, times = 0;
  uint64_t u;
  for (k = NODE(c, map)->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    size_t v = key->next;
    const char *s;
    if (key_is(key, "call")) {
      s = string_value(c, v, "call", "the name of an exported function", 0);
      if (!s)
        return -1;
      ck->call = lc_xstrdup(s);
      ck->call_mark = NODE(c, v)->mark;
    } else if (key_is(key, "setup")) {
      s = string_value(c, v, "setup", "the name of an exported function", 0);
      if (!s)
        return -1;
      ck->call_setup = lc_xstrdup(s);
    } else if (key_is(key, "times")) {
      if (whole_number(c, v, "times", 1, MAX_TIMES, &u) < 0)
        return -1;
      ck->call_times = (unsigned)u;
      times = v;
    }
  }
  if (!times)
    return fail(c, NODE(c, map)->mark, "drive 'call' is missing 'times'");
  return 0;
}

static int
drive_map(struct ctx *c, size_t v, struct lc_check *ck)
{
  const struct ynode *n = NODE(c, v);
  size_t k, mode_key = 0, every;
  enum lc_drive_kind mode = LC_DRIVE_EVERY;
  if (n->kind != Y_MAP)
    return fail(c, n->mark,
                "'drive' must be a mapping like { every: 500ms }; got %s",
                got(c, v));
  if (check_keys(c, v, drive_keys, "in drive") < 0)
    return -1;
  ck->drive_mark = n->mark;
  /* The mode is the one of call, http and signal that is there; without
   * one, `every` alone. */
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    enum lc_drive_kind m;
    if (key_is(key, "call"))
      m = LC_DRIVE_CALL;
    else if (key_is(key, "http"))
      m = LC_DRIVE_HTTP;
    else if (key_is(key, "signal"))
      m = LC_DRIVE_SIGNAL;
    else
      continue;
    if (mode_key)
      return fail(
          c, key->mark,
          "drive has both '%s' and '%s'; expected exactly one of: " DRIVE_MODES,
          drive_mode_names[mode], drive_mode_names[m]);
    mode_key = k;
    mode = m;
  }
  every = lookup(c, v, "every");
  if (!mode_key && !every)
    return fail(c, n->mark,
                "drive is missing its mode; expected one of: " DRIVE_MODES);
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct drive_key *d = drive_key_of(NODE(c, k));
    if (d && !(d->modes & MODE_BIT(mode)))
      return fail(c, NODE(c, k)->mark,
                  "'%s' does not apply to drive mode '%s'; it belongs to %s",
                  d->key, drive_mode_names[mode], d->belongs);
  }
  ck->drive = mode;
  if (every && duration_value(c, every, "every", &ck->every_ms) < 0)
    return -1;
  switch (mode) {
  case LC_DRIVE_CALL:
    return call_drive(c, v, ck);
  case LC_DRIVE_HTTP:
    return http_drive(c, v, ck);
  case LC_DRIVE_SIGNAL:
    ck->signal_mark = NODE(c, NODE(c, mode_key)->next)->mark;
    return signal_value(c, NODE(c, mode_key)->next, &ck->signo);
  default:
    return 0;
  }
}

/* With drive mode signal and `--heapsnapshot-signal=SIG` in node_args, the
 * two must name the same signal, or Node never writes a dump. */
static int
signal_matches_node_args(struct ctx *c, const struct lc_check *ck)
{
  static const char opt[] = "--heapsnapshot-signal=";
  size_t i;
  for (i = 0; i < ck->nnode_args; i++) {
    const char *a = ck->node_args[i], *name;
    if (strncmp(a, opt, sizeof(opt) - 1))
      continue;
    name = a + sizeof(opt) - 1;
    if (!strncmp(name, "SIG", 3))
      name += 3;
    if (strcmp(name, sigabbrev_np(ck->signo)))
      return fail(c, ck->signal_mark,
                  "drive 'signal' is SIG%s but node_args has '%s'; expected "
                  "the same signal",
                  sigabbrev_np(ck->signo), a);
  }
  return 0;
}

static int
ignore_list(struct ctx *c, size_t v, struct lc_check *ck)
{
  const struct ynode *n = NODE(c, v);
  size_t i;
  if (is_null(n))
    return 0;
  if (n->kind != Y_SEQ)
    return fail(c, n->mark, "'ignore' must be a list of patterns; got %s",
                got(c, v));
  ck->ignore = lc_xcalloc(n->nchildren ? n->nchildren : 1, sizeof(*ck->ignore));
  for (i = n->first; i; i = NODE(c, i)->next) {
    if (pattern_value(c, i, "ignore", "a list of patterns",
                      &ck->ignore[ck->nignore]) < 0)
      return -1;
    ck->nignore++;
  }
  return 0;
}

static int
label_taken(const struct lc_check *ck, size_t i, const char *label)
{
  size_t j;
  for (j = 0; j < i; j++)
    if (!strcmp(ck->asserts[j].label, label))
      return 1;
  return 0;
}

/* Gives the label of assertion `i` a " #N" suffix when an earlier one has
 * the same label.  N starts at one more than the number of earlier labels
 * that begin the same way, which is right unless patterns were written to
 * look like labels; then the next free N is taken. */
static void
make_label_unique(struct lc_check *ck, size_t i)
{
  char *base = ck->asserts[i].label;
  size_t j, n = 1, blen = strlen(base);
  char *l;
  if (!label_taken(ck, i, base))
    return;
  for (j = 0; j < i; j++)
    if (!strncmp(ck->asserts[j].label, base, blen))
      n++;
  for (;;) {
    l = lc_xasprintf("%s #%zu", base, n);
    if (!label_taken(ck, i, l))
      break;
    free(l);
    n++;
  }
  free(base);
  ck->asserts[i].label = l;
}

static int
assertion(struct ctx *c, size_t item, struct lc_check *ck, size_t idx)
{
  struct lc_assert *a = &ck->asserts[idx];
  const struct ynode *n = NODE(c, item);
  size_t k, ctor_key = 0, total_key = 0, mem_key = 0;
  const char *ctor_text = NULL;
  const char *growth_bytes_text = NULL, *bytes_text = NULL;
  struct lc_buf label = LC_BUF_INIT;
  const char *sep = ": ";

  a->mark = n->mark;
  if (n->kind != Y_MAP)
    return fail(c, n->mark, "assertion must be a mapping; got %s",
                got(c, item));
  if (check_keys(c, item, assert_keys, "in assertion") < 0)
    return -1;
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    size_t v = key->next;
    const struct ynode *vn = NODE(c, v);
    uint64_t u;
    if (key_is(key, "constructor")) {
      if (pattern_value(c, v, "constructor",
                        "a pattern (a name, a glob or a /regex/)",
                        &a->ctor) < 0)
        return -1;
      ctor_key = k;
      ctor_text = vn->str;
    } else if (key_is(key, "total")) {
      if (vn->kind != Y_SCALAR || !vn->plain ||
          (strcmp(vn->str, "true") && strcmp(vn->str, "True") &&
           strcmp(vn->str, "TRUE")))
        return fail(c, vn->mark, "'total' must be true; got %s",
                    got_plain(c, v));
      total_key = k;
      a->is_total = 1;
    } else if (key_is(key, "memory")) {
      size_t m;
      for (m = 0;
           mem_keys[m] && (vn->kind != Y_SCALAR || !key_is(vn, mem_keys[m]));
           m++)
        ;
      if (!mem_keys[m]) {
        const char *near =
            vn->kind == Y_SCALAR ? nearest_key(vn, mem_keys) : NULL;
        if (near)
          return fail(c, vn->mark,
                      "'memory' must be one of " MEM_KEYS
                      "; got %s; did you mean '%s'?",
                      got(c, v), near);
        return fail(c, vn->mark, "'memory' must be one of " MEM_KEYS "; got %s",
                    got(c, v));
      }
      mem_key = k;
      a->memory = (enum lc_mem_kind)(m + 1);
    } else if (key_is(key, "max_growth")) {
      if (whole_number(c, v, "max_growth", 0, INT64_MAX, &u) < 0)
        return -1;
      a->has_max_growth = 1;
      a->max_growth = (int64_t)u;
      a->max_growth_mark = vn->mark;
    } else if (key_is(key, "max_count")) {
      if (whole_number(c, v, "max_count", 0, INT64_MAX, &u) < 0)
        return -1;
      a->has_max_count = 1;
      a->max_count = (int64_t)u;
      a->max_count_mark = vn->mark;
    } else if (key_is(key, "max_growth_bytes")) {
      if (size_value(c, v, "max_growth_bytes", &a->max_growth_bytes) < 0)
        return -1;
      a->has_max_growth_bytes = 1;
      a->max_growth_bytes_mark = vn->mark;
      growth_bytes_text = vn->str;
    } else if (key_is(key, "max_bytes")) {
      if (size_value(c, v, "max_bytes", &a->max_bytes) < 0)
        return -1;
      a->has_max_bytes = 1;
      a->max_bytes_mark = vn->mark;
      bytes_text = vn->str;
    } else if (key_is(key, "steady_growth")) {
      if (vn->kind != Y_SCALAR || strcmp(vn->str, "forbid") || vn->len != 6)
        return fail(c, vn->mark, "'steady_growth' must be 'forbid'; got %s",
                    got(c, v));
      a->steady_growth_forbid = 1;
      a->steady_growth_mark = vn->mark;
    }
  }
  if (!!ctor_key + !!total_key + !!mem_key > 1) {
    size_t later = ctor_key > total_key ? ctor_key : total_key;
    later = mem_key > later ? mem_key : later;
    return fail(c, NODE(c, later)->mark,
                "assertion has %s; expected exactly one of 'constructor', "
                "'total', 'memory'",
                !mem_key   ? "both 'constructor' and 'total'"
                : ctor_key ? "both 'constructor' and 'memory'"
                           : "both 'total' and 'memory'");
  }
  if (!ctor_key && !total_key && !mem_key)
    return fail(c, n->mark,
                "assertion is missing 'constructor', 'total' or 'memory'");
  if (mem_key && (a->has_max_growth || a->has_max_count))
    return fail(c, a->has_max_growth ? a->max_growth_mark : a->max_count_mark,
                "'%s' counts objects; a memory assertion measures bytes: use "
                "'%s'",
                a->has_max_growth ? "max_growth" : "max_count",
                a->has_max_growth ? "max_growth_bytes" : "max_bytes");
  if (!a->has_max_growth && !a->has_max_growth_bytes && !a->has_max_count &&
      !a->has_max_bytes && !a->steady_growth_forbid)
    return fail(c, n->mark,
                "assertion has no rule; expected one of: " RULE_KEYS);

  if (a->memory)
    lc_buf_addf(&label, "memory %s", lc_mem_kind_key(a->memory));
  else
    lc_buf_addstr(&label, a->is_total ? "total" : ctor_text);
  if (a->has_max_growth) {
    lc_buf_addf(&label, "%smax_growth %lld", sep, (long long)a->max_growth);
    sep = ", ";
  }
  if (a->has_max_growth_bytes) {
    lc_buf_addf(&label, "%smax_growth_bytes %s", sep, growth_bytes_text);
    sep = ", ";
  }
  if (a->has_max_count) {
    lc_buf_addf(&label, "%smax_count %lld", sep, (long long)a->max_count);
    sep = ", ";
  }
  if (a->has_max_bytes) {
    lc_buf_addf(&label, "%smax_bytes %s", sep, bytes_text);
    sep = ", ";
  }
  if (a->steady_growth_forbid)
    lc_buf_addf(&label, "%ssteady_growth forbid", sep);
  a->label = lc_buf_detach(&label, NULL);
  make_label_unique(ck, idx);
  return 0;
}

/* `key` (at node v) must be null or a list of at most MAX_ASSERTS `what`s
 * ("assertions", "allowances").  Returns its length (0 for null), or -1
 * after fail(). */
static long
list_length(struct ctx *c, size_t v, const char *key, const char *what)
{
  const struct ynode *n = NODE(c, v);
  if (is_null(n))
    return 0;
  if (n->kind != Y_SEQ)
    return fail(c, n->mark, "'%s' must be a list of %s; got %s", key, what,
                got(c, v));
  if (n->nchildren > MAX_ASSERTS)
    return fail(c, n->mark, "'%s' has %zu %s; expected at most %d", key,
                n->nchildren, what, MAX_ASSERTS);
  return (long)n->nchildren;
}

static int
assert_list(struct ctx *c, size_t v, struct lc_check *ck)
{
  long len = list_length(c, v, "assert", "assertions");
  size_t i;
  if (len <= 0)
    return (int)len;
  ck->asserts = lc_xcalloc((size_t)len, sizeof(*ck->asserts));
  for (i = NODE(c, v)->first; i; i = NODE(c, i)->next) {
    /* Counted first, so that a half-built assertion is released too. */
    ck->nasserts++;
    if (assertion(c, i, ck, ck->nasserts - 1) < 0)
      return -1;
  }
  return 0;
}

int
lc_parse_date(const char *s, int *out)
{
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d, i;
  for (i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? s[i] != '-' : !is_digit((unsigned char)s[i]))
      return -1;
  if (s[10])
    return -1;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
      (s[3] - '0');
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return -1;
  if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    return -1;
  *out = y * 10000 + m * 100 + d;
  return 0;
}

static int
allowance(struct ctx *c, size_t item, struct lc_allow *a)
{
  const struct ynode *n = NODE(c, item);
  size_t k;
  int has_ctor = 0;
  a->mark = n->mark;
  if (n->kind != Y_MAP)
    return fail(c, n->mark, "allowance must be a mapping; got %s",
                got(c, item));
  if (check_keys(c, item, allow_keys, "in allowance") < 0)
    return -1;
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    size_t v = key->next;
    const struct ynode *vn = NODE(c, v);
    const char *s;
    uint64_t u;
    if (key_is(key, "constructor")) {
      if (pattern_value(c, v, "constructor",
                        "a pattern (a name, a glob or a /regex/)",
                        &a->ctor) < 0)
        return -1;
      has_ctor = 1;
    } else if (key_is(key, "reason")) {
      s = string_value(c, v, "reason", "a string saying why", 0);
      if (!s)
        return -1;
      a->reason = lc_xstrdup(s);
    } else if (key_is(key, "until")) {
      s = vn->kind == Y_SCALAR ? vn->str : NULL;
      if (!s || lc_parse_date(s, &a->until) < 0)
        return fail(c, vn->mark, "'until' must be a date YYYY-MM-DD; got %s",
                    got(c, v));
      memcpy(a->until_text, s, 10);
      a->until_text[10] = '\0';
      a->has_until = 1;
      a->until_mark = vn->mark;
    } else if (key_is(key, "max_growth")) {
      if (whole_number(c, v, "max_growth", 0, INT64_MAX, &u) < 0)
        return -1;
      a->has_max_growth = 1;
      a->max_growth = (int64_t)u;
    }
  }
  if (!has_ctor)
    return fail(c, n->mark, "allowance is missing 'constructor'");
  if (!a->reason)
    return fail(c, n->mark,
                "allowance is missing 'reason'; say why this growth is "
                "accepted");
  return 0;
}

static int
allow_list(struct ctx *c, size_t v, struct lc_check *ck)
{
  long len = list_length(c, v, "allow", "allowances");
  size_t i;
  if (len <= 0)
    return (int)len;
  ck->allows = lc_xcalloc((size_t)len, sizeof(*ck->allows));
  for (i = NODE(c, v)->first; i; i = NODE(c, i)->next) {
    ck->nallows++;
    if (allowance(c, i, &ck->allows[ck->nallows - 1]) < 0)
      return -1;
  }
  return 0;
}

/* `confirm: false`, or `confirm: { snapshots: N, timeout: D }` (either
 * key may be left out; `snapshots: 0` turns confirmation off too). */
static int
confirm_map(struct ctx *c, size_t v, struct lc_check *ck)
{
  const struct ynode *n = NODE(c, v);
  size_t k;
  uint64_t u;
  ck->confirm_mark = n->mark;
  if (n->kind == Y_SCALAR && n->plain &&
      (!strcmp(n->str, "false") || !strcmp(n->str, "False") ||
       !strcmp(n->str, "FALSE"))) {
    ck->confirm_snapshots = 0;
    return 0;
  }
  if (n->kind != Y_MAP)
    return fail(c, n->mark,
                "'confirm' must be false or a mapping like { snapshots: 6, "
                "timeout: 20s }; got %s",
                got(c, v));
  if (check_keys(c, v, confirm_keys, "in confirm") < 0)
    return -1;
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    size_t val = key->next;
    if (key_is(key, "snapshots")) {
      if (whole_number(c, val, "snapshots", 0, MAX_SNAPSHOTS, &u) < 0)
        return -1;
      ck->confirm_snapshots = (unsigned)u;
    } else if (key_is(key, "timeout")) {
      if (duration_value(c, val, "timeout", &ck->confirm_timeout_ms) < 0)
        return -1;
    }
  }
  return 0;
}

static void
default_assert(struct lc_check *ck)
{
  struct lc_assert *a = lc_xcalloc(1, sizeof(*a));
  a->mark = ck->mark;
  a->is_default = 1;
  lc_pattern_compile(&a->ctor, "*", NULL);
  a->steady_growth_forbid = 1;
  a->steady_growth_mark = ck->mark;
  a->label = lc_xstrdup("default: every constructor, steady_growth forbid");
  ck->asserts = a;
  ck->nasserts = 1;
}

static int
valid_name(const char *s)
{
  for (; *s; s++)
    if (!is_alpha((unsigned char)*s) && !is_digit((unsigned char)*s) &&
        *s != '.' && *s != '_' && *s != '-')
      return 0;
  return 1;
}

static int
check_name(struct ctx *c, size_t v, struct lc_check *ck, size_t idx)
{
  const struct ynode *n = NODE(c, v);
  size_t j;
  const char *s = string_value(c, v, "name", "a string", 0);
  if (!s)
    return -1;
  if (!valid_name(s))
    return fail(c, n->mark,
                "'name' must use only letters, digits, '.', '_' and '-'; "
                "got %s",
                got(c, v));
  /* The name is a directory under --snapshot-dir: one safe component. */
  if (!*s || !strcmp(s, ".") || !strcmp(s, "..") || *s == '-')
    return fail(c, n->mark,
                "'name' must be usable as a directory name: not empty, "
                "'.' or '..', and not starting with '-'; got %s",
                got(c, v));
  if (n->len > MAX_NAME)
    return fail(c, n->mark, "'name' must be at most %d characters; got %zu",
                MAX_NAME, n->len);
  for (j = 0; j < idx; j++)
    if (c->cfg->checks[j].name && !strcmp(c->cfg->checks[j].name, s))
      return fail(c, n->mark,
                  "duplicate check name '%s'; the first is at "
                  "line %lu",
                  s, c->name_marks[j].line);
  ck->name = lc_xstrdup(s);
  c->name_marks[idx] = n->mark;
  return 0;
}

static int
check(struct ctx *c, size_t item, size_t idx)
{
  struct lc_check *ck = &c->cfg->checks[idx];
  const struct ynode *n = NODE(c, item);
  size_t k, warmup_v = 0, snapshots_v = 0;
  uint64_t u;

  ck->mark = n->mark;
  ck->cwd = lc_xstrdup(c->cfg->dir);
  ck->timeout_ms = DEFAULT_TIMEOUT_MS;
  ck->drive = LC_DRIVE_EVERY;
  ck->drive_mark = n->mark;
  ck->every_ms = DEFAULT_EVERY_MS;
  ck->snapshots = DEFAULT_SNAPSHOTS;
  ck->warmup = DEFAULT_WARMUP;
  ck->confirm_snapshots = LC_CONFIRM_SNAPSHOTS;
  ck->confirm_timeout_ms = LC_CONFIRM_TIMEOUT_MS;
  ck->confirm_mark = n->mark;
  if (n->kind != Y_MAP)
    return fail(c, n->mark, "check must be a mapping; got %s", got(c, item));
  if (check_keys(c, item, check_keys_v1, "in check") < 0)
    return -1;
  for (k = n->first; k; k = NODE(c, NODE(c, k)->next)->next) {
    const struct ynode *key = NODE(c, k);
    size_t v = key->next;
    const char *s;
    int rc = 0;
    if (key_is(key, "name")) {
      rc = check_name(c, v, ck, idx);
    } else if (key_is(key, "script")) {
      s = string_value(c, v, "script", "a file path", 0);
      if (!s)
        return -1;
      ck->script = lc_xstrdup(s);
      ck->script_path = resolve(c->cfg->dir, s);
      ck->script_mark = NODE(c, v)->mark;
    } else if (key_is(key, "node")) {
      s = string_value(c, v, "node", "a file path", 0);
      if (!s)
        return -1;
      ck->node = lc_xstrdup(s);
    } else if (key_is(key, "node_args")) {
      rc = string_list(c, v, "node_args", &ck->node_args, &ck->nnode_args);
    } else if (key_is(key, "args")) {
      rc = string_list(c, v, "args", &ck->args, &ck->nargs);
    } else if (key_is(key, "env")) {
      rc = env_map(c, v, ck);
    } else if (key_is(key, "timeout")) {
      rc = duration_value(c, v, "timeout", &ck->timeout_ms);
    } else if (key_is(key, "drive")) {
      rc = drive_map(c, v, ck);
    } else if (key_is(key, "snapshots")) {
      if (whole_number(c, v, "snapshots", 2, MAX_SNAPSHOTS, &u) < 0)
        return -1;
      ck->snapshots = (unsigned)u;
      snapshots_v = v;
    } else if (key_is(key, "warmup")) {
      if (whole_number(c, v, "warmup", 0, MAX_SNAPSHOTS, &u) < 0)
        return -1;
      ck->warmup = (unsigned)u;
      warmup_v = v;
    } else if (key_is(key, "confirm")) {
      rc = confirm_map(c, v, ck);
    } else if (key_is(key, "ignore")) {
      rc = ignore_list(c, v, ck);
    } else if (key_is(key, "assert")) {
      rc = assert_list(c, v, ck);
    } else if (key_is(key, "allow")) {
      rc = allow_list(c, v, ck);
    }
    if (rc < 0)
      return -1;
  }
  if (!ck->name)
    return fail(c, n->mark, "check is missing 'name'");
  if (!ck->script)
    return fail(c, n->mark, "check is missing 'script'");
  if (ck->drive == LC_DRIVE_SIGNAL && signal_matches_node_args(c, ck) < 0)
    return -1;
  if (ck->warmup + 2 > ck->snapshots) {
    unsigned measured =
        ck->warmup < ck->snapshots ? ck->snapshots - ck->warmup : 0;
    if (warmup_v)
      return fail(c, NODE(c, warmup_v)->mark,
                  "warmup %u leaves %u measured snapshot%s of %u; expected "
                  "at most %u",
                  ck->warmup, measured, measured == 1 ? "" : "s", ck->snapshots,
                  ck->snapshots - 2);
    return fail(c, NODE(c, snapshots_v)->mark,
                "snapshots %u leaves %u measured snapshot%s after the "
                "default warmup of %u; expected 'warmup: 0' or at least %u "
                "snapshots",
                ck->snapshots, measured, measured == 1 ? "" : "s", ck->warmup,
                ck->warmup + 2);
  }
  if (!ck->args)
    ck->args = lc_xcalloc(1, sizeof(*ck->args));
  if (!ck->node_args)
    ck->node_args = lc_xcalloc(1, sizeof(*ck->node_args));
  if (!ck->env)
    ck->env = lc_xcalloc(1, sizeof(*ck->env));
  if (!ck->nasserts)
    default_assert(ck);
  return 0;
}

static int
checks(struct ctx *c, size_t v)
{
  const struct ynode *n = NODE(c, v);
  size_t i;
  if (n->kind != Y_SEQ)
    return fail(c, n->mark, "'checks' must be a list of checks; got %s",
                got(c, v));
  if (!n->nchildren)
    return fail(c, n->mark,
                "'checks' must not be empty; expected at least one check");
  if (n->nchildren > MAX_CHECKS)
    return fail(c, n->mark, "'checks' has %zu checks; expected at most %d",
                n->nchildren, MAX_CHECKS);
  c->cfg->checks = lc_xcalloc(n->nchildren, sizeof(*c->cfg->checks));
  c->name_marks = lc_xcalloc(n->nchildren, sizeof(*c->name_marks));
  for (i = n->first; i; i = NODE(c, i)->next) {
    /* Counted first, so that a half-built check is released too. */
    c->cfg->nchecks++;
    if (check(c, i, c->cfg->nchecks - 1) < 0)
      return -1;
  }
  return 0;
}

/* A top-level file path `key` (junit, html, baseline), resolved against
 * the config's directory into *out when present.  0, or -1 after fail(). */
static int
top_path(struct ctx *c, const char *key, char **out)
{
  size_t v = lookup(c, 0, key);
  const char *s;
  if (!v)
    return 0;
  s = string_value(c, v, key, "a file path", 0);
  if (!s)
    return -1;
  *out = resolve(c->cfg->dir, s);
  return 0;
}

static int
root(struct ctx *c)
{
  const struct lc_mark start = {1, 1};
  const struct ynode *n;
  size_t v;

  if (!c->t->n || is_null(NODE(c, 0)))
    return fail(c, start,
                "empty configuration; expected 'version: 1' and a 'checks' "
                "list");
  n = NODE(c, 0);
  if (n->kind != Y_MAP)
    return fail(c, n->mark,
                "configuration must be a mapping with 'version: 1' and a "
                "'checks' list; got %s",
                got(c, 0));
  if (check_keys(c, 0, top_keys, "at top level") < 0)
    return -1;
  v = lookup(c, 0, "version");
  if (!v)
    return fail(c, start, "missing 'version'");
  if (!key_is(NODE(c, v), "1") || !NODE(c, v)->plain)
    return fail(c, NODE(c, v)->mark, "'version' must be 1; got %s",
                got_plain(c, v));
  if (top_path(c, "junit", &c->cfg->junit) < 0 ||
      top_path(c, "html", &c->cfg->html) < 0 ||
      top_path(c, "baseline", &c->cfg->baseline) < 0)
    return -1;
  v = lookup(c, 0, "checks");
  if (!v)
    return fail(c, start, "missing 'checks'");
  return checks(c, v);
}

/* ------------------------------------------------------------------------ */
/* The API                                                                   */

int
lc_config_parse(struct lc_config *cfg, const char *path, const char *text,
                size_t len, struct lc_err *err)
{
  struct ytree t = {NULL, 0, 0};
  struct ctx c;
  int rc;

  memset(cfg, 0, sizeof(*cfg));
  cfg->path = path ? lc_xstrdup(path) : NULL;
  cfg->dir = dir_of(path);
  memset(&c, 0, sizeof(c));
  c.t = &t;
  c.path = path;
  c.err = err;
  c.cfg = cfg;
  lc_buf_init(&c.got, 0);
  lc_buf_init(&c.quote, 0);

  rc = build_tree(&t, path, text ? text : "", text ? len : 0, err);
  if (!rc)
    rc = root(&c);
  tree_release(&t);
  lc_buf_release(&c.got);
  lc_buf_release(&c.quote);
  free(c.name_marks);
  if (rc < 0) {
    lc_config_release(cfg);
    return -1;
  }
  return 0;
}

static const char *
file_kind(mode_t m)
{
  if (S_ISFIFO(m))
    return "a FIFO";
  if (S_ISDIR(m))
    return "a directory";
  if (S_ISCHR(m))
    return "a character device";
  if (S_ISBLK(m))
    return "a block device";
  if (S_ISSOCK(m))
    return "a socket";
  return "not a regular file";
}

/* Reads at most LC_CONFIG_MAX bytes of the regular file at `path` into
 * `b`; fills `err` otherwise. */
static int
read_config_file(struct lc_buf *b, const char *path, struct lc_err *err)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;
  if (fd < 0) {
    e = errno;
    return lc_err_set(err, LC_EINPUT, path, 0, 0,
                      "cannot read configuration: %s", strerror(e));
  }
  if (fstat(fd, &st) < 0) {
    e = errno;
    close(fd);
    return lc_err_set(err, LC_EINPUT, path, 0, 0,
                      "cannot read configuration: %s", strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return lc_err_set(err, LC_EINPUT, path, 0, 0,
                      "configuration is %s; expected a regular file",
                      file_kind(st.st_mode));
  }
  if ((unsigned long long)st.st_size > LC_CONFIG_MAX) {
    close(fd);
    return lc_err_set(err, LC_EINPUT, path, 0, 0,
                      "configuration is %llu bytes; expected at most %zu "
                      "(1 MiB)",
                      (unsigned long long)st.st_size, LC_CONFIG_MAX);
  }
  lc_buf_grow(b, (size_t)st.st_size + 1);
  for (;;) {
    /* One byte past the limit tells a file that grew past it. */
    size_t want = LC_CONFIG_MAX + 1 - b->len;
    ssize_t n;
    if (want > 65536)
      want = 65536;
    lc_buf_grow(b, want);
    n = read(fd, b->buf + b->len, want);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      e = errno;
      close(fd);
      return lc_err_set(err, LC_EINPUT, path, 0, 0,
                        "cannot read configuration: %s", strerror(e));
    }
    if (n == 0)
      break;
    lc_buf_setlen(b, b->len + (size_t)n);
    if (b->len > LC_CONFIG_MAX) {
      close(fd);
      return lc_err_set(err, LC_EINPUT, path, 0, 0,
                        "configuration grew past %zu bytes (1 MiB) while "
                        "it was read; expected at most that",
                        LC_CONFIG_MAX);
    }
  }
  close(fd);
  return 0;
}

int
lc_config_load(struct lc_config *cfg, const char *path, struct lc_err *err)
{
  struct lc_buf b = LC_BUF_INIT;
  int rc;
  if (read_config_file(&b, path, err) < 0) {
    lc_buf_release(&b);
    memset(cfg, 0, sizeof(*cfg));
    return -1;
  }
  rc = lc_config_parse(cfg, path, b.buf, b.len, err);
  lc_buf_release(&b);
  return rc;
}

static void
free_strv(char **v, size_t n)
{
  size_t i;
  if (!v)
    return;
  for (i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static void
check_release(struct lc_check *ck)
{
  size_t i;
  free(ck->name);
  free(ck->script);
  free(ck->script_path);
  free(ck->node);
  free(ck->cwd);
  free_strv(ck->args, ck->nargs);
  free_strv(ck->node_args, ck->nnode_args);
  free_strv(ck->env, ck->nenv);
  free(ck->call);
  free(ck->call_setup);
  free(ck->http.target);
  free(ck->http.method);
  free(ck->http.body);
  free_strv(ck->http.headers, ck->http.nheaders);
  for (i = 0; i < ck->nignore; i++)
    lc_pattern_release(&ck->ignore[i]);
  free(ck->ignore);
  for (i = 0; i < ck->nasserts; i++) {
    lc_pattern_release(&ck->asserts[i].ctor);
    free(ck->asserts[i].label);
  }
  free(ck->asserts);
  for (i = 0; i < ck->nallows; i++) {
    lc_pattern_release(&ck->allows[i].ctor);
    free(ck->allows[i].reason);
  }
  free(ck->allows);
}

void
lc_config_release(struct lc_config *cfg)
{
  size_t i;
  for (i = 0; i < cfg->nchecks; i++)
    check_release(&cfg->checks[i]);
  free(cfg->checks);
  free(cfg->path);
  free(cfg->dir);
  free(cfg->junit);
  free(cfg->html);
  free(cfg->baseline);
  memset(cfg, 0, sizeof(*cfg));
}

const struct lc_check *
lc_config_find(const struct lc_config *cfg, const char *name)
{
  size_t i;
  for (i = 0; i < cfg->nchecks; i++)
    if (cfg->checks[i].name && !strcmp(cfg->checks[i].name, name))
      return &cfg->checks[i];
  return NULL;
}
