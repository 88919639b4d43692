/*
 * The snapshot reader: one pass over a .heapsnapshot file.
 *
 * The bounded "snapshot" header (meta and counts) goes through jsmn; the big
 * arrays (nodes, edges, locations) and the strings table go through the
 * dedicated scanners below, which write straight into column arrays sized
 * from the header's counts.  Positions are kept as byte offsets and only
 * reported, never tracked per line.
 *
 * Two threads share the work: one reads the nodes array and then the first
 * part of the edges array, the other the rest of the edges and everything
 * after them (see nodes_job and plan_split).  Either way the result, and
 * the error reported (the one at the earliest byte), are those of a reading
 * from the first byte to the last.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#include "leakcheck/heap.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jsmn.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/jsonstr.h"
#include "leakcheck/buf.h"

#include "base/banned.h"

/* The header object is small (≈1 KB); anything this large is not one. */
#define LC_HEADER_MAX (1u << 20)
#define LC_FIELDS_MAX 64
/* Columns larger than this are allocated only for a file that ends with
 * '}' (see parse). */
#define LC_COLUMNS_CHECK_END ((unsigned long long)64 << 20)

static const char *const node_type_names[] = {"hidden",
                                              "array",
                                              "string",
                                              "object",
                                              "code",
                                              "closure",
                                              "regexp",
                                              "number",
                                              "native",
                                              "synthetic",
                                              "concatenated string",
                                              "sliced string",
                                              "symbol",
                                              "bigint",
                                              "object shape",
                                              "wasm object"};

static const char *const edge_type_names[] = {
    "context", "element", "property", "internal", "hidden", "shortcut", "weak"};

/* Character classes for the scanners. */
enum { C_OTHER, C_WS, C_DIGIT };
static unsigned char cclass[256];

static void
init_cclass(void)
{
  int i;
  if (cclass['0'] == C_DIGIT)
    return;
  for (i = '0'; i <= '9'; i++)
    cclass[i] = C_DIGIT;
  cclass[' '] = cclass['\n'] = cclass['\r'] = cclass['\t'] = C_WS;
}

struct reader {
  const char *name;
  const char *p; /* start of data */
  size_t len;
  size_t pos;
  struct lc_err *err;
  /* For a private file mapping: pages before `dropped` that were read are
   * given back (MADV_DONTNEED), so a big file never sits in our resident
   * memory whole.  0 = never (memory that is not a file mapping). */
  int can_drop;
  size_t dropped;
};

#define LC_DROP_STEP ((size_t)2 << 20)

#define LC_DROP(p)                                                             \
  do {                                                                         \
    free(p);                                                                   \
    (p) = NULL;                                                                \
  } while (0)

/* Gives back the whole pages of the mapping before `pos`. */
static void
drop_behind(struct reader *r, size_t pos)
{
  size_t page = 4096, upto = pos & ~(page - 1);
  if (!r->can_drop || upto <= r->dropped)
    return;
  madvise((char *)(uintptr_t)(r->p + r->dropped), upto - r->dropped,
          MADV_DONTNEED);
  r->dropped = upto;
}

/* Starts dropping at the first page boundary after `pos`: the page that
 * holds `pos` may still be read by another thread. */
static void
drop_from(struct reader *r, size_t pos)
{
  r->dropped = (pos + 4095) & ~(size_t)4095;
}

static int fail(struct reader *r, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills r->err with an input error at byte `at`; returns -1. */
static int
fail(struct reader *r, size_t at, const char *fmt, ...)
{
  struct lc_buf b = LC_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  lc_buf_vaddf(&b, fmt, ap);
  va_end(ap);
  lc_err_set_at(r->err, LC_EINPUT, r->name, at, "%s", b.buf);
  lc_buf_release(&b);
  return -1;
}

static void
skip_ws(struct reader *r)
{
  while (r->pos < r->len && cclass[(unsigned char)r->p[r->pos]] == C_WS)
    r->pos++;
}

static int
expect_char(struct reader *r, char c, const char *what)
{
  skip_ws(r);
  if (r->pos >= r->len)
    return fail(r, r->pos,
                "unexpected end of file; expected %s "
                "(the file is truncated: was the writer killed?)",
                what);
  if (r->p[r->pos] != c)
    return fail(r, r->pos, "unexpected character; expected %s", what);
  r->pos++;
  return 0;
}

/* Inside one long string, which no other thread reads: gives back the
 * whole pages of the mapping from *done (at first the string's start) to
 * the page before `upto`, once they make a drop step.  Reading them again
 * maps the same file pages back. */
static void
drop_inside(struct reader *r, size_t *done, size_t upto)
{
  size_t page = 4096, a = (*done + page - 1) & ~(page - 1);
  size_t b = upto & ~(page - 1);
  if (!r->can_drop || b < a + page || b - page - a < LC_DROP_STEP)
    return;
  b -= page;
  madvise((char *)(uintptr_t)(r->p + a), b - a, MADV_DONTNEED);
  *done = b;
}

/* Reads a JSON string starting at r->pos (the opening quote) without
 * decoding; sets [*s, *e) to its raw contents.  A string longer than a
 * drop step is searched a step at a time, giving back what was read, so
 * that a huge string never sits in our resident memory whole. */
static int
raw_string(struct reader *r, size_t *s, size_t *e)
{
  size_t i, done;
  if (r->pos >= r->len || r->p[r->pos] != '"')
    return fail(r, r->pos, "expected %s", "a string");
  i = r->pos + 1;
  *s = done = i;
  while (i < r->len) {
    size_t win = r->len - i, bs = 0, k;
    const char *q;
    if (r->can_drop && win > LC_DROP_STEP)
      win = LC_DROP_STEP;
    q = memchr(r->p + i, '"', win);
    if (!q) {
      i += win;
      drop_inside(r, &done, i);
      continue;
    }
    k = (size_t)(q - r->p);
    while (k - bs > *s && r->p[k - bs - 1] == '\\')
      bs++;
    if (bs % 2 == 0) {
      *e = k;
      r->pos = k + 1;
      return 0;
    }
    i = k + 1;
  }
  return fail(r, r->len,
              "unexpected end of file inside a string; "
              "expected %s",
              "'\"'");
}

/*
 * Skips any JSON value (used for sections we do not need, like trace_tree).
 * Iterative, so deep nesting cannot overflow the stack.
 */
static int
skip_value(struct reader *r)
{
  size_t depth = 0;
  skip_ws(r);
  for (;;) {
    char c;
    size_t s, e;
    skip_ws(r);
    if (r->pos >= r->len)
      return fail(r, r->pos, "unexpected end of file; expected %s",
                  "a JSON value");
    c = r->p[r->pos];
    if (c == '"') {
      if (raw_string(r, &s, &e) < 0)
        return -1;
    } else if (c == '[' || c == '{') {
      depth++;
      r->pos++;
      continue;
    } else if (c == ']' || c == '}') {
      if (!depth)
        return fail(r, r->pos, "unexpected character; expected %s",
                    "a JSON value");
      depth--;
      r->pos++;
    } else if (c == ',' || c == ':') {
      if (!depth)
        return fail(r, r->pos, "unexpected character; expected %s",
                    "a JSON value");
      r->pos++;
      continue;
    } else {
      size_t st = r->pos;
      while (r->pos < r->len && strchr(",]} \n\r\t", r->p[r->pos]) == NULL)
        r->pos++;
      if (r->pos == st)
        return fail(r, st, "unexpected character; expected %s", "a JSON value");
    }
    if (!depth)
      return 0;
  }
}

/*
 * The integer-array scanner.  An array is read a row at a time: `w` values
 * (one node, edge or location), which `store` checks and stores together.
 * Numbers are unsigned decimals without sign or exponent, as V8 writes
 * them; values above 2^64-1 are rejected.  Errors name the byte where a
 * value-by-value reading fails first: before an error found after some
 * values of a row, those values are checked, in order.
 */

/* Stores row `row`, whose `m` values are v (starting at bytes st); when
 * m < w (the row broke off) only checks them.  Returns 0, or -1 with the
 * error of the first bad value. */
typedef int (*row_fn)(void *ctx, uint64_t row, const uint64_t *v,
                      const size_t *st, unsigned m);
/* Fills the error for a value at `at` beyond the rows the array may hold. */
typedef int (*more_fn)(void *ctx, size_t at);

enum { V_OK, V_EOF, V_CHAR, V_LARGE };

/* Reads a value after optional blanks, with the overflow check the fast
 * path leaves out.  Returns V_OK with *stp at its first digit, or the kind
 * of error with *ip at the byte to report. */
static int
slow_value(const unsigned char *p, size_t n, size_t *ip, size_t *stp,
           uint64_t *vp)
{
  size_t i = *ip, s;
  uint64_t v = 0;
  while (i < n && cclass[p[i]] == C_WS)
    i++;
  s = i;
  while (i < n && cclass[p[i]] == C_DIGIT) {
    unsigned d = p[i] - '0';
    if (v > (UINT64_MAX - d) / 10) {
      *ip = s;
      return V_LARGE;
    }
    v = v * 10 + d;
    i++;
  }
  *ip = i;
  if (i == s)
    return i >= n ? V_EOF : V_CHAR;
  *stp = s;
  *vp = v;
  return V_OK;
}

static int
value_error(struct reader *r, const char *what, int kind, size_t at)
{
  r->pos = at;
  if (kind == V_LARGE)
    return fail(r, at, "number too large in %s", what);
  if (kind == V_EOF)
    return fail(r, at,
                "unexpected end of file in %s; the file is "
                "truncated (was the writer killed?)",
                what);
  return fail(r, at, "unexpected character in %s; expected an unsigned integer",
              what);
}

/* Expects the '[' of an array; returns 1 when the array is empty (and read),
 * 0 when values follow, -1 on error. */
static int
open_array(struct reader *r)
{
  if (expect_char(r, '[', "'[' starting the array") < 0)
    return -1;
  skip_ws(r);
  if (r->pos < r->len && r->p[r->pos] == ']') {
    r->pos++;
    return 1;
  }
  return 0;
}

/*
 * Reads rows `row`, `row` + 1, … from r->pos, the start of a value.  The
 * array may hold `rows_max` rows; with `stop` the scan ends after them
 * (just past the comma that follows) and else a further value is an error.
 * *count is the number of values of the array up to where it stopped,
 * counting the `row` * w before r->pos.  Inlined at each call site with
 * constant w and store: this loop is most of the parse time.
 */
static inline __attribute__((always_inline)) int
scan_rows(struct reader *r, const char *what, unsigned w, uint64_t row,
          uint64_t rows_max, int stop, row_fn store, more_fn more, void *ctx,
          uint64_t *count)
{
  const unsigned char *p = (const unsigned char *)r->p;
  size_t i = r->pos, n = r->len;
  uint64_t v[LC_FIELDS_MAX];
  size_t st[LC_FIELDS_MAX];
  unsigned j, d;
  int kind;
  for (;; row++) {
    if (row >= rows_max) {
      if (stop) {
        r->pos = i;
        *count = row * w;
        drop_behind(r, i);
        return 0;
      }
      kind = slow_value(p, n, &i, &st[0], &v[0]);
      if (kind != V_OK)
        return value_error(r, what, kind, i);
      r->pos = st[0];
      return more(ctx, st[0]);
    }
    for (j = 0; j < w; j++) {
      size_t s = i;
      uint64_t x = 0;
      while (i < n && (d = (unsigned)(p[i] - '0')) < 10) {
        x = x * 10 + d;
        i++;
      }
      /* No digit here (blanks first?), or too many to skip the overflow
       * check: read it again carefully. */
      if (i - s - 1 >= 19) {
        i = s;
        kind = slow_value(p, n, &i, &s, &x);
        if (kind != V_OK) {
          if (store(ctx, row, v, st, j) < 0)
            return -1;
          return value_error(r, what, kind, i);
        }
      }
      v[j] = x;
      st[j] = s;
      if (i < n && p[i] == ',') {
        i++;
        continue;
      }
      while (i < n && cclass[p[i]] == C_WS)
        i++;
      if (i < n && p[i] == ',') {
        i++;
        continue;
      }
      /* The end of the array, or an error: the values so far first. */
      if (store(ctx, row, v, st, j + 1) < 0)
        return -1;
      if (i >= n)
        return fail(r, i,
                    "unexpected end of file in %s; the file is "
                    "truncated (was the writer killed?)",
                    what);
      if (p[i] == ']') {
        r->pos = i + 1;
        *count = row * w + j + 1;
        drop_behind(r, i);
        return 0;
      }
      r->pos = i;
      return lc_err_set_at(r->err, LC_EINPUT, r->name, i,
                           "unexpected character in %s; expected ',' or ']'",
                           what);
    }
    if (store(ctx, row, v, st, w) < 0)
      return -1;
    if (r->can_drop && i - r->dropped > LC_DROP_STEP)
      drop_behind(r, i);
  }
}

/* ---- header (jsmn) ------------------------------------------------------ */

struct header {
  const char *js;
  jsmntok_t *tok;
  int ntok;
  /* from meta */
  char *node_fields[LC_FIELDS_MAX];
  unsigned nf;
  char *edge_fields[LC_FIELDS_MAX];
  unsigned ef;
  char *loc_fields[LC_FIELDS_MAX];
  unsigned lf;
  char **node_types; /* the enum at node_fields.indexOf("type") */
  unsigned n_node_types;
  char **edge_types;
  unsigned n_edge_types;
  uint64_t node_count, edge_count, extra_native_bytes;
  int have_node_count, have_edge_count;
};

static int
tok_ok(const struct header *h, int t)
{
  return t >= 0 && t < h->ntok;
}

/* Index just past token t and all its descendants (jsmn writes tokens in
 * pre-order; an object's size counts its keys, a key's its value).  Never
 * past ntok; iterative, so deep nesting cannot exhaust the stack. */
static int
tok_skip(const struct header *h, int t)
{
  long remaining = 1;
  int i = t;
  while (remaining > 0 && tok_ok(h, i)) {
    remaining += h->tok[i].size - 1;
    i++;
  }
  return i;
}

static int
tok_eq(const struct header *h, int t, const char *s)
{
  size_t n = strlen(s);
  return tok_ok(h, t) && h->tok[t].type == JSMN_STRING &&
         (size_t)(h->tok[t].end - h->tok[t].start) == n &&
         memcmp(h->js + h->tok[t].start, s, n) == 0;
}

static char *
tok_dup(const struct header *h, int t)
{
  return lc_xstrndup(h->js + h->tok[t].start,
                     (size_t)(h->tok[t].end - h->tok[t].start));
}

static int
tok_uint(const struct header *h, int t, uint64_t *out)
{
  const char *s;
  size_t n, i;
  uint64_t v = 0;
  if (!tok_ok(h, t) || h->tok[t].type != JSMN_PRIMITIVE)
    return -1;
  s = h->js + h->tok[t].start;
  n = (size_t)(h->tok[t].end - h->tok[t].start);
  if (n == 0)
    return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
      return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Reads a JSON array of strings (token t) into names (at most max). */
static int
tok_names(const struct header *h, int t, char **names, unsigned max,
          unsigned *n)
{
  int i, c;
  if (!tok_ok(h, t) || h->tok[t].type != JSMN_ARRAY ||
      (unsigned)h->tok[t].size > max || *n != 0)
    return -1;
  c = t + 1;
  for (i = 0; i < h->tok[t].size; i++) {
    if (!tok_ok(h, c) || h->tok[c].type != JSMN_STRING)
      return -1;
    names[i] = tok_dup(h, c);
    (*n)++;
    c = tok_skip(h, c);
  }
  return 0;
}

static int
field_index(char *const *fields, unsigned n, const char *name)
{
  unsigned i;
  for (i = 0; i < n; i++)
    if (strcmp(fields[i], name) == 0)
      return (int)i;
  return -1;
}

/* The enum at position `at` of a node_types/edge_types array (token t). */
static int
tok_enum_at(const struct header *h, int t, int at, char ***out, unsigned *n)
{
  int i, c = t + 1;
  if (!tok_ok(h, t) || h->tok[t].type != JSMN_ARRAY || at < 0 ||
      at >= h->tok[t].size || *out)
    return -1;
  for (i = 0; i < at; i++)
    c = tok_skip(h, c);
  if (!tok_ok(h, c) || h->tok[c].type != JSMN_ARRAY || h->tok[c].size > 255)
    return -1;
  *out = lc_xcalloc((size_t)h->tok[c].size + 1, sizeof(char *));
  *n = 0;
  return tok_names(h, c, *out, 255, n);
}

static void
header_release(struct header *h)
{
  unsigned i;
  for (i = 0; i < h->nf; i++)
    free(h->node_fields[i]);
  for (i = 0; i < h->ef; i++)
    free(h->edge_fields[i]);
  for (i = 0; i < h->lf; i++)
    free(h->loc_fields[i]);
  if (h->node_types)
    for (i = 0; i < h->n_node_types; i++)
      free(h->node_types[i]);
  free(h->node_types);
  if (h->edge_types)
    for (i = 0; i < h->n_edge_types; i++)
      free(h->edge_types[i]);
  free(h->edge_types);
  free(h->tok);
}

/* Parses the "snapshot" object's value, which occupies [s, e). */
static int
parse_header(struct reader *r, size_t s, size_t e, struct header *h)
{
  jsmn_parser jp;
  int n, i, t, meta = -1, nt_tok = -1, et_tok = -1;
  int type_at;
  const char *bad = NULL;
  h->js = r->p + s;
  jsmn_init(&jp);
  n = jsmn_parse(&jp, h->js, e - s, NULL, 0);
  if (n < 1)
    return fail(r, s + (n == JSMN_ERROR_INVAL ? jp.pos : 0),
                "malformed snapshot header; expected %s",
                "a JSON object with 'meta', 'node_count' and 'edge_count'");
  h->tok = lc_xcalloc((size_t)n, sizeof(jsmntok_t));
  h->ntok = n;
  jsmn_init(&jp);
  if (jsmn_parse(&jp, h->js, e - s, h->tok, (unsigned)n) != n ||
      h->tok[0].type != JSMN_OBJECT)
    return fail(r, s, "malformed snapshot header; expected %s",
                "a JSON object");
  t = 1;
  for (i = 0; i < h->tok[0].size && tok_ok(h, t); i++) {
    int v = t + 1;
    if (tok_eq(h, t, "meta"))
      meta = v;
    else if (tok_eq(h, t, "node_count"))
      h->have_node_count = tok_uint(h, v, &h->node_count) == 0;
    else if (tok_eq(h, t, "edge_count"))
      h->have_edge_count = tok_uint(h, v, &h->edge_count) == 0;
    else if (tok_eq(h, t, "extra_native_bytes") &&
             (tok_uint(h, v, &h->extra_native_bytes) < 0 ||
              h->extra_native_bytes > LC_SELF_SIZE_MAX))
      bad = "'extra_native_bytes' to be an unsigned integer of at most 2^53";
    t = tok_skip(h, t); /* the key and its value */
  }
  if (!bad && meta < 0)
    bad = "'snapshot.meta'";
  if (!bad && !h->have_node_count)
    bad = "'snapshot.node_count' (an unsigned integer)";
  if (!bad && !h->have_edge_count)
    bad = "'snapshot.edge_count' (an unsigned integer)";
  if (!bad && (!tok_ok(h, meta) || h->tok[meta].type != JSMN_OBJECT))
    bad = "'snapshot.meta' to be an object";
  if (bad)
    return fail(r, s, "malformed snapshot header; expected %s", bad);

  t = meta + 1;
  for (i = 0; i < h->tok[meta].size && !bad && tok_ok(h, t); i++) {
    int v = t + 1;
    if (tok_eq(h, t, "node_fields")) {
      if (tok_names(h, v, h->node_fields, LC_FIELDS_MAX, &h->nf) < 0)
        bad = "'meta.node_fields' once, as an array of at most 64 strings";
    } else if (tok_eq(h, t, "edge_fields")) {
      if (tok_names(h, v, h->edge_fields, LC_FIELDS_MAX, &h->ef) < 0)
        bad = "'meta.edge_fields' once, as an array of at most 64 strings";
    } else if (tok_eq(h, t, "location_fields")) {
      if (tok_names(h, v, h->loc_fields, LC_FIELDS_MAX, &h->lf) < 0)
        bad = "'meta.location_fields' once, as an array of at most 64 "
              "strings";
    } else if (tok_eq(h, t, "node_types")) {
      nt_tok = v;
    } else if (tok_eq(h, t, "edge_types")) {
      et_tok = v;
    }
    t = tok_skip(h, t);
  }
  if (bad)
    return fail(r, s, "malformed snapshot header; expected %s", bad);
  if (!h->nf || field_index(h->node_fields, h->nf, "type") < 0 ||
      field_index(h->node_fields, h->nf, "name") < 0 ||
      field_index(h->node_fields, h->nf, "id") < 0 ||
      field_index(h->node_fields, h->nf, "self_size") < 0 ||
      field_index(h->node_fields, h->nf, "edge_count") < 0)
    return fail(r, s, "malformed snapshot header; expected %s",
                "'meta.node_fields' with type, name, id, self_size and "
                "edge_count");
  if (!h->ef || field_index(h->edge_fields, h->ef, "type") < 0 ||
      field_index(h->edge_fields, h->ef, "name_or_index") < 0 ||
      field_index(h->edge_fields, h->ef, "to_node") < 0)
    return fail(r, s, "malformed snapshot header; expected %s",
                "'meta.edge_fields' with type, name_or_index and to_node");
  type_at = field_index(h->node_fields, h->nf, "type");
  if (nt_tok < 0 ||
      tok_enum_at(h, nt_tok, type_at, &h->node_types, &h->n_node_types) < 0)
    return fail(r, s, "malformed snapshot header; expected %s",
                "'meta.node_types' with the list of type names at the "
                "position of 'type'");
  type_at = field_index(h->edge_fields, h->ef, "type");
  if (et_tok < 0 ||
      tok_enum_at(h, et_tok, type_at, &h->edge_types, &h->n_edge_types) < 0)
    return fail(r, s, "malformed snapshot header; expected %s",
                "'meta.edge_types' with the list of type names at the "
                "position of 'type'");
  if (h->node_count >= UINT32_MAX || h->edge_count >= UINT32_MAX)
    return fail(r, s, "snapshot too large; expected %s",
                "fewer than 2^32-1 nodes and edges");
  return 0;
}

/* ---- array sections ----------------------------------------------------- */

/* ---- allocation stacks (trace_function_infos, trace_tree) ---------------
 *
 * Written only while V8's allocation tracking is on.  The layouts are
 * V8's fixed ones (meta.trace_function_info_fields: function_id, name,
 * script_name, script_id, line, column; meta.trace_node_fields: id,
 * function_info_index, count, size, children).  The text was already
 * checked to be one JSON value by skip_value. */

/*
 * The arrays these parsers grow while they read the mapping.  A fault
 * (SIGBUS, see on_bus) jumps out of them, so they never own memory in
 * local variables: the parse state holds it, and parse_state_release
 * frees whatever a jump left behind.
 */
struct trace_level {
  uint32_t parent; /* trace node id the array's nodes hang from */
  unsigned field;  /* next field of the tuple being read */
  uint32_t id;     /* the tuple's id */
};

struct trace_scratch {
  uint32_t *v;            /* trace_uints' values */
  struct trace_level *st; /* trace_tree's open arrays */
  uint32_t *ids, *fns, *parents;
};

static void
trace_scratch_release(struct trace_scratch *t)
{
  LC_DROP(t->v);
  LC_DROP(t->st);
  LC_DROP(t->ids);
  LC_DROP(t->fns);
  LC_DROP(t->parents);
}

/* Reads the unsigned integers of [a, b) into t->v; returns their count,
 * or 0 with t->v freed when anything else than numbers, commas, brackets
 * and blanks is there. */
static size_t
trace_uints(struct trace_scratch *t, const char *a, size_t len)
{
  size_t cap = 0, i = 0, n = 0;
  LC_DROP(t->v);
  while (i < len) {
    char c = a[i];
    if (c >= '0' && c <= '9') {
      uint64_t x = 0;
      while (i < len && a[i] >= '0' && a[i] <= '9' && x <= UINT32_MAX)
        x = x * 10 + (uint64_t)(a[i++] - '0');
      if (x > UINT32_MAX)
        break;
      LC_ALLOC_GROW(t->v, n + 1, cap);
      t->v[n++] = (uint32_t)x;
      continue;
    }
    if (c != '[' && c != ']' && c != ',' && c != ' ' && c != '\n' &&
        c != '\r' && c != '\t')
      break;
    i++;
  }
  if (i < len) {
    LC_DROP(t->v);
    return 0;
  }
  return n;
}

static void
parse_trace_infos(struct lc_snapshot *s, struct trace_scratch *t, const char *a,
                  size_t len)
{
  size_t n = trace_uints(t, a, len);
  free(s->trace_info);
  s->trace_info = NULL;
  s->trace_info_count = 0;
  if (!t->v || n % 6 || n / 6 > UINT32_MAX) {
    LC_DROP(t->v);
    return;
  }
  s->trace_info = t->v; /* now the snapshot's */
  t->v = NULL;
  s->trace_info_count = (uint32_t)(n / 6);
}

static void
parse_trace_tree(struct lc_snapshot *s, struct trace_scratch *t, const char *a,
                 size_t len)
{
  uint32_t max = 0;
  size_t depth = 0, stcap = 0, n = 0, cap = 0, i = 0, k;
  int bad = 0;
  trace_scratch_release(t);
  while (i < len && !bad) {
    char c = a[i];
    if (c == '[') {
      if (depth && t->st[depth - 1].field != 4) {
        bad = 1;
        break;
      }
      LC_ALLOC_GROW(t->st, depth + 1, stcap);
      t->st[depth].parent = depth ? t->st[depth - 1].id : 0;
      t->st[depth].field = 0;
      t->st[depth].id = 0;
      depth++;
      i++;
    } else if (c == ']') {
      if (!depth || t->st[depth - 1].field != 0) {
        bad = 1;
        break;
      }
      depth--;
      if (depth)
        t->st[depth - 1].field = 0; /* the tuple's children are done */
      i++;
    } else if (c >= '0' && c <= '9') {
      uint64_t x = 0;
      struct trace_level *l;
      while (i < len && a[i] >= '0' && a[i] <= '9' && x <= UINT32_MAX)
        x = x * 10 + (uint64_t)(a[i++] - '0');
      if (!depth || x > UINT32_MAX || t->st[depth - 1].field >= 4) {
        bad = 1;
        break;
      }
      l = &t->st[depth - 1];
      if (l->field == 0) {
        l->id = (uint32_t)x;
      } else if (l->field == 1) {
        if (n + 1 > cap) {
          LC_ALLOC_GROW(t->ids, n + 1, cap);
          t->fns = lc_reallocarray_or_die(t->fns, cap, sizeof(uint32_t));
          t->parents =
              lc_reallocarray_or_die(t->parents, cap, sizeof(uint32_t));
        }
        t->ids[n] = l->id;
        t->fns[n] = (uint32_t)x;
        t->parents[n] = l->parent;
        max = l->id > max ? l->id : max;
        n++;
      }
      l->field++;
    } else {
      i++; /* ',' and blanks */
    }
  }
  free(s->trace_parent);
  free(s->trace_fn);
  s->trace_parent = s->trace_fn = NULL;
  s->trace_count = 0;
  /* Ids are numbered from 1 as V8 makes the nodes: an id-indexed table. */
  if (!bad && depth == 0 && n && max < UINT32_MAX &&
      (uint64_t)max <= 4 * (uint64_t)n + 16) {
    s->trace_count = max + 1;
    s->trace_parent = lc_xcalloc((size_t)max + 1, sizeof(uint32_t));
    s->trace_fn = lc_xmalloc(((size_t)max + 1) * sizeof(uint32_t));
    for (k = 0; k <= max; k++)
      s->trace_fn[k] = UINT32_MAX;
    for (k = 0; k < n; k++) {
      s->trace_parent[t->ids[k]] = t->parents[k];
      s->trace_fn[t->ids[k]] = t->fns[k];
    }
  }
  trace_scratch_release(t);
}

struct node_ctx {
  struct lc_snapshot *s;
  struct reader *r;
  unsigned nf;
  int f_type, f_name, f_id, f_self, f_edges, f_det, f_trace;
  uint32_t n_types;
  uint8_t type_map[256]; /* the file's node type → enum lc_node_type */
  uint64_t edge_sum;
  uint64_t self_sum; /* the self sizes so far, at most LC_SELF_SIZE_MAX */
  uint32_t max_name; /* the largest node name, checked in finish() */
};

static int
node_more(void *vctx, size_t at)
{
  struct node_ctx *c = vctx;
  return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                       "'nodes' has more values than node_count (%u) "
                       "times %u fields",
                       c->s->node_count, c->nf);
}

/* Checks the first m values of a node in order; returns the first error. */
static __attribute__((noinline, cold)) int
node_check(struct node_ctx *c, const uint64_t *v, const size_t *st, unsigned m)
{
  unsigned j;
  for (j = 0; j < m; j++) {
    int col = (int)j;
    if (col != c->f_self && v[j] > UINT32_MAX)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "node field value %llu out of range; expected "
                           "an unsigned 32-bit integer",
                           (unsigned long long)v[j]);
    if (col == c->f_type && v[j] >= c->n_types)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "node type %llu out of range; expected "
                           "less than %u",
                           (unsigned long long)v[j], c->n_types);
    if (col == c->f_self && v[j] > LC_SELF_SIZE_MAX - c->self_sum)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "self_size %llu makes the heap larger than "
                           "2^53 bytes; expected a real heap's sizes",
                           (unsigned long long)v[j]);
    if (col == c->f_det && v[j] > 2)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "detachedness %llu out of range; expected 0, "
                           "1 or 2",
                           (unsigned long long)v[j]);
  }
  return 0;
}

/* One node; nf and the field positions are constants where inlined.  The
 * edge counts become prefix sums (node_first_edge) as they are read. */
static inline __attribute__((always_inline)) int
node_row(struct node_ctx *c, uint64_t row, const uint64_t *v, const size_t *st,
         unsigned m, unsigned nf, int f_type, int f_name, int f_id, int f_self,
         int f_edges, int f_det, int f_trace)
{
  struct lc_snapshot *s = c->s;
  uint64_t wide = 0;
  uint32_t ord = (uint32_t)row, name;
  unsigned j;
  if (m != nf)
    return node_check(c, v, st, m);
  for (j = 0; j < nf; j++)
    if ((int)j != f_self)
      wide |= v[j];
  if (wide > UINT32_MAX || v[f_type] >= c->n_types ||
      (f_det >= 0 && v[f_det] > 2) ||
      v[f_self] > LC_SELF_SIZE_MAX - c->self_sum)
    return node_check(c, v, st, m);
  c->self_sum += v[f_self];
  s->node_type[ord] = c->type_map[v[f_type]];
  if (s->node_type_raw)
    s->node_type_raw[ord] = (uint8_t)v[f_type];
  name = (uint32_t)v[f_name];
  s->node_name[ord] = name;
  c->max_name = name > c->max_name ? name : c->max_name;
  s->node_id[ord] = (uint32_t)v[f_id];
  s->node_self_size[ord] = v[f_self];
  s->node_first_edge[ord] = (uint32_t)c->edge_sum;
  c->edge_sum += v[f_edges];
  /* Zeros are not written: the columns start zeroed, and pages never
   * written cost no memory (Node 18 and 20 write trace_node_id 0 for
   * every node; most nodes' detachedness is 0). */
  if (f_det >= 0 && v[f_det])
    s->node_detachedness[ord] = (uint8_t)v[f_det];
  if (f_trace >= 0 && s->node_trace && v[f_trace])
    s->node_trace[ord] = (uint32_t)v[f_trace];
  return 0;
}

/* Node 18-20 (7 fields, trace_node_id at 5) and Node 21+ (6 fields). */
static inline __attribute__((always_inline)) int
node_row7(void *c, uint64_t row, const uint64_t *v, const size_t *st,
          unsigned m)
{
  return node_row(c, row, v, st, m, 7, 0, 1, 2, 3, 4, 6, 5);
}

static inline __attribute__((always_inline)) int
node_row6(void *c, uint64_t row, const uint64_t *v, const size_t *st,
          unsigned m)
{
  return node_row(c, row, v, st, m, 6, 0, 1, 2, 3, 4, 5, -1);
}

static inline __attribute__((always_inline)) int
node_row_any(void *vctx, uint64_t row, const uint64_t *v, const size_t *st,
             unsigned m)
{
  struct node_ctx *c = vctx;
  return node_row(c, row, v, st, m, c->nf, c->f_type, c->f_name, c->f_id,
                  c->f_self, c->f_edges, c->f_det, c->f_trace);
}

/* Reads the nodes array's values from r->pos (after its '['). */
static int
scan_nodes(struct reader *r, struct node_ctx *c, uint64_t *count)
{
  uint64_t n = c->s->node_count;
  int std = c->f_type == 0 && c->f_name == 1 && c->f_id == 2 &&
            c->f_self == 3 && c->f_edges == 4;
  if (std && c->nf == 7 && c->f_det == 6 && c->f_trace == 5)
    return scan_rows(r, "'nodes'", 7, 0, n, 0, node_row7, node_more, c, count);
  if (std && c->nf == 6 && c->f_det == 5)
    return scan_rows(r, "'nodes'", 6, 0, n, 0, node_row6, node_more, c, count);
  return scan_rows(r, "'nodes'", c->nf, 0, n, 0, node_row_any, node_more, c,
                   count);
}

struct edge_ctx {
  struct lc_snapshot *s;
  struct reader *r;
  unsigned ef, nf;
  int f_type, f_name, f_to;
  uint32_t n_types;
  uint8_t type_map[256]; /* the file's edge type → enum lc_edge_type */
  uint8_t named[256];    /* 1 when the type's name_or_index is a string */
  uint32_t tt[256];      /* the type's bits in edge_tt (0: not packed) */
  uint32_t max_name;     /* the largest string name, checked in finish() */
  int name_hi;           /* some name has high bits (edge_name_hi) */
};

static int
edge_more(void *vctx, size_t at)
{
  struct edge_ctx *c = vctx;
  return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                       "'edges' has more values than edge_count (%u) "
                       "times %u fields",
                       c->s->edge_count, c->ef);
}

static __attribute__((noinline, cold)) int
edge_check(struct edge_ctx *c, const uint64_t *v, const size_t *st, unsigned m)
{
  const struct lc_snapshot *s = c->s;
  unsigned j;
  for (j = 0; j < m; j++) {
    int col = (int)j;
    if (col == c->f_type && v[j] >= c->n_types)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "edge type %llu out of range; expected less "
                           "than %u",
                           (unsigned long long)v[j], c->n_types);
    if (col == c->f_name && v[j] > UINT32_MAX)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "edge name %llu out of range",
                           (unsigned long long)v[j]);
    if (col == c->f_to && (v[j] % c->nf != 0 || v[j] / c->nf >= s->node_count))
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "edge target %llu is not a node index; expected "
                           "a multiple of %u below %llu",
                           (unsigned long long)v[j], c->nf,
                           (unsigned long long)s->node_count * c->nf);
  }
  return 0;
}

static inline __attribute__((always_inline)) int
edge_row(struct edge_ctx *c, uint64_t row, const uint64_t *v, const size_t *st,
         unsigned m, unsigned ef, unsigned nf, int f_type, int f_name, int f_to)
{
  struct lc_snapshot *s = c->s;
  uint64_t t, name, to;
  uint32_t ord = (uint32_t)row, named;
  if (m != ef)
    return edge_check(c, v, st, m);
  t = v[f_type];
  name = v[f_name];
  to = v[f_to];
  if (t >= c->n_types || name > UINT32_MAX || to % nf != 0 ||
      to / nf >= s->node_count)
    return edge_check(c, v, st, m);
  s->edge_tt[ord] = (uint32_t)(to / nf) | c->tt[t];
  if (s->edge_type_wide)
    s->edge_type_wide[ord] = c->type_map[t];
  s->edge_name_lo[ord] = (uint16_t)name;
  /* Only names of 2^16 or more write the sparse column's pages. */
  if (name >> 16) {
    s->edge_name_hi[ord] = (uint16_t)(name >> 16);
    c->name_hi = 1;
  }
  named = c->named[t] ? (uint32_t)name : 0;
  c->max_name = named > c->max_name ? named : c->max_name;
  return 0;
}

static inline __attribute__((always_inline)) int
edge_row7(void *c, uint64_t row, const uint64_t *v, const size_t *st,
          unsigned m)
{
  return edge_row(c, row, v, st, m, 3, 7, 0, 1, 2);
}

static inline __attribute__((always_inline)) int
edge_row6(void *c, uint64_t row, const uint64_t *v, const size_t *st,
          unsigned m)
{
  return edge_row(c, row, v, st, m, 3, 6, 0, 1, 2);
}

static inline __attribute__((always_inline)) int
edge_row_any(void *vctx, uint64_t row, const uint64_t *v, const size_t *st,
             unsigned m)
{
  struct edge_ctx *c = vctx;
  return edge_row(c, row, v, st, m, c->ef, c->nf, c->f_type, c->f_name,
                  c->f_to);
}

/* Reads edges from r->pos, the start of edge `row`, on (see scan_rows). */
static int
scan_edges(struct reader *r, struct edge_ctx *c, uint64_t row,
           uint64_t rows_max, int stop, uint64_t *count)
{
  int std = c->ef == 3 && c->f_type == 0 && c->f_name == 1 && c->f_to == 2;
  if (std && c->nf == 7)
    return scan_rows(r, "'edges'", 3, row, rows_max, stop, edge_row7, edge_more,
                     c, count);
  if (std && c->nf == 6)
    return scan_rows(r, "'edges'", 3, row, rows_max, stop, edge_row6, edge_more,
                     c, count);
  return scan_rows(r, "'edges'", c->ef, row, rows_max, stop, edge_row_any,
                   edge_more, c, count);
}

struct loc_ctx {
  struct lc_snapshot *s;
  struct reader *r;
  unsigned lf, nf;
  int f_obj, f_script, f_line, f_col;
  /* The records in file order, 4 values each: node, script, line, col. */
  uint32_t *rec;
  size_t n, alloc;
};

static int
loc_more(void *vctx, size_t at)
{
  (void)vctx;
  (void)at;
  return -1; /* never called: locations have no count */
}

static __attribute__((noinline, cold)) int
loc_check(struct loc_ctx *c, const uint64_t *v, const size_t *st, unsigned m)
{
  unsigned j;
  for (j = 0; j < m; j++) {
    if (v[j] > UINT32_MAX)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "location value %llu out of range",
                           (unsigned long long)v[j]);
    if (j == 0 && c->n == UINT32_MAX)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "too many locations%s", "");
    if ((int)j == c->f_obj &&
        (v[j] % c->nf != 0 || v[j] / c->nf >= c->s->node_count))
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[j],
                           "location object index %llu is not a node "
                           "index",
                           (unsigned long long)v[j]);
  }
  return 0;
}

static inline __attribute__((always_inline)) int
loc_row(struct loc_ctx *c, const uint64_t *v, const size_t *st, unsigned m,
        unsigned lf, unsigned nf, int f_obj, int f_script, int f_line,
        int f_col)
{
  uint64_t wide = 0, obj;
  uint32_t *rec;
  unsigned j;
  if (m != lf || c->n == UINT32_MAX)
    return loc_check(c, v, st, m);
  for (j = 0; j < lf; j++)
    wide |= v[j];
  obj = f_obj >= 0 ? v[f_obj] : 0;
  if (wide > UINT32_MAX || obj % nf != 0 || obj / nf >= c->s->node_count)
    return loc_check(c, v, st, m);
  if ((c->n + 1) * 4 > c->alloc) {
    /* Sized for as many rows as the rest of the file can hold (see
     * read_locations): never reached. */
    return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, st[0],
                         "too many locations%s", "");
  }
  rec = c->rec + c->n * 4;
  rec[0] = (uint32_t)(obj / nf);
  rec[1] = f_script >= 0 ? (uint32_t)v[f_script] : 0;
  rec[2] = f_line >= 0 ? (uint32_t)v[f_line] : 0;
  rec[3] = f_col >= 0 ? (uint32_t)v[f_col] : 0;
  c->n++;
  return 0;
}

static inline __attribute__((always_inline)) int
loc_row7(void *c, uint64_t row, const uint64_t *v, const size_t *st, unsigned m)
{
  (void)row;
  return loc_row(c, v, st, m, 4, 7, 0, 1, 2, 3);
}

static inline __attribute__((always_inline)) int
loc_row6(void *c, uint64_t row, const uint64_t *v, const size_t *st, unsigned m)
{
  (void)row;
  return loc_row(c, v, st, m, 4, 6, 0, 1, 2, 3);
}

static inline __attribute__((always_inline)) int
loc_row_any(void *vctx, uint64_t row, const uint64_t *v, const size_t *st,
            unsigned m)
{
  struct loc_ctx *c = vctx;
  (void)row;
  return loc_row(c, v, st, m, c->lf, c->nf, c->f_obj, c->f_script, c->f_line,
                 c->f_col);
}

static int
scan_locations(struct reader *r, struct loc_ctx *c, uint64_t *count)
{
  uint64_t max = UINT64_MAX / c->lf;
  int std = c->lf == 4 && c->f_obj == 0 && c->f_script == 1 && c->f_line == 2 &&
            c->f_col == 3;
  if (std && c->nf == 7)
    return scan_rows(r, "'locations'", 4, 0, max, 0, loc_row7, loc_more, c,
                     count);
  if (std && c->nf == 6)
    return scan_rows(r, "'locations'", 4, 0, max, 0, loc_row6, loc_more, c,
                     count);
  return scan_rows(r, "'locations'", c->lf, 0, max, 0, loc_row_any, loc_more, c,
                   count);
}

/* Turns the records into the per-node table: a bit per located node, the
 * rank per word, and the location arrays in node order.  Records are
 * applied in file order, so a node's last record wins. */
static void
build_locations(struct lc_snapshot *s, const struct loc_ctx *c)
{
  size_t words = ((size_t)s->node_count + 63) / 64 + 1, i;
  uint32_t acc = 0;
  s->loc_bits = lc_xcalloc(words, sizeof(uint64_t));
  s->loc_rank = lc_xmalloc(words * sizeof(uint32_t));
  for (i = 0; i < c->n; i++) {
    uint32_t node = c->rec[i * 4];
    s->loc_bits[node >> 6] |= UINT64_C(1) << (node & 63);
  }
  for (i = 0; i < words; i++) {
    s->loc_rank[i] = acc;
    acc += (uint32_t)__builtin_popcountll(s->loc_bits[i]);
  }
  s->loc_count = acc;
  s->loc_script = lc_xmalloc(((size_t)acc + 1) * sizeof(uint32_t));
  s->loc_line = lc_xmalloc(((size_t)acc + 1) * sizeof(uint32_t));
  s->loc_col = lc_xmalloc(((size_t)acc + 1) * sizeof(uint32_t));
  for (i = 0; i < c->n; i++) {
    const uint32_t *rec = c->rec + i * 4;
    uint32_t k = lc_snapshot_loc(s, rec[0]);
    s->loc_script[k] = rec[1];
    s->loc_line[k] = rec[2];
    s->loc_col[k] = rec[3];
  }
}

/* ---- strings ------------------------------------------------------------ */

/* The strings the nodes and edges name, when both were read before the
 * strings (as V8 writes them): a bit per string index, `words` words.
 * Indexes the rest of the file cannot reach (a string takes at least three
 * bytes) are left out; finish() reports them. */
struct string_refs {
  uint64_t *bits;
  /* Of those, the strings that only string nodes name: their text is the
   * string's value, which no view shows (they are "(string)" rows), so
   * only its first LC_VALUE_MAX bytes of JSON are kept.  NULL when there
   * is none. */
  uint64_t *value_only;
  size_t words;
  char *scratch; /* where the rest of a cut value is checked */
};

/* The bytes kept of a string only string nodes name: a few megabytes of
 * JSON or source text held by the program cost no memory of ours.  V8
 * itself cuts these names to 1024 UTF-16 units, at most 6 KiB of JSON
 * (\uXXXX each): a snapshot V8 wrote is never cut further. */
#define LC_VALUE_MAX ((size_t)8192)
#define LC_SCRATCH ((size_t)64 << 10)

/*
 * mark_refs and renumber_names go over every node and edge once: the work
 * is split in two halves of about as many items, the second on a thread
 * of its own.  They read and write only the columns (never the file
 * mapping), so a fault cannot happen on that thread.
 */
struct names_job {
  struct lc_snapshot *s;
  const struct string_refs *sr;
  uint64_t *bits;       /* mark_refs: where this half marks */
  uint64_t *vbits;      /* mark_refs: where string nodes' names are marked */
  uint64_t limit;       /* mark_refs: indexes below this are marked */
  const uint32_t *rank; /* renumber_names */
  int renumber;
  uint32_t e0, e1; /* the edges of this half */
  int nodes;       /* this half does the nodes and trace infos too */
};

/* The first edge of the second half. */
static uint32_t
names_split(const struct lc_snapshot *s)
{
  return s->edge_count > s->node_count
             ? s->node_count + (s->edge_count - s->node_count) / 2
             : 0;
}

#define LC_MARK(bits, idx) ((bits)[(idx) >> 6] |= UINT64_C(1) << ((idx)&63))

static void
mark_half(struct names_job *j)
{
  const struct lc_edges ev = lc_snapshot_edges(j->s);
  const struct lc_snapshot *s = j->s;
  uint64_t idx, limit = j->limit;
  uint32_t i;
  if (j->nodes) {
    for (i = 0; i < s->node_count; i++)
      if ((idx = s->node_name[i]) < limit) {
        uint8_t t = s->node_type[i];
        int value = t == LC_NT_STRING || t == LC_NT_CONS_STRING ||
                    t == LC_NT_SLICED_STRING;
        LC_MARK(value ? j->vbits : j->bits, idx);
      }
    /* Allocation stacks: each function's name and script name. */
    for (i = 0; i < s->trace_info_count; i++) {
      if ((idx = s->trace_info[(size_t)i * 6 + 1]) < limit)
        LC_MARK(j->bits, idx);
      if ((idx = s->trace_info[(size_t)i * 6 + 2]) < limit)
        LC_MARK(j->bits, idx);
    }
  }
  for (i = j->e0; i < j->e1; i++) {
    uint8_t t = lc_edges_type(&ev, i);
    if (t != LC_ET_ELEMENT && t != LC_ET_HIDDEN &&
        (idx = lc_edges_name(&ev, i)) < limit)
      LC_MARK(j->bits, idx);
  }
}

/* Bits set in x.  __builtin_popcountll becomes a libgcc call on a
 * baseline x86-64 build; this is a dozen inline instructions. */
static inline uint32_t
popcount64(uint64_t x)
{
  x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
  x = (x & UINT64_C(0x3333333333333333)) +
      ((x >> 2) & UINT64_C(0x3333333333333333));
  x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
  return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

static void
renumber_half(struct names_job *j)
{
  const struct lc_edges ev = lc_snapshot_edges(j->s);
  struct lc_snapshot *s = j->s;
  const uint64_t *bits = j->sr->bits;
  const uint32_t *rank = j->rank;
  size_t words = j->sr->words;
  uint32_t i;
#define LC_RANK(k)                                                             \
  (rank[(k) >> 6] +                                                            \
   popcount64(bits[(k) >> 6] & ((UINT64_C(1) << ((k)&63)) - 1)))
  if (j->nodes) {
    for (i = 0; i < s->node_count; i++)
      s->node_name[i] = LC_RANK(s->node_name[i]);
    for (i = 0; i < s->trace_info_count; i++) {
      uint32_t *fi = &s->trace_info[(size_t)i * 6];
      /* A name beyond the marked range stays out of range (no string). */
      fi[1] = (size_t)(fi[1] >> 6) < words ? LC_RANK(fi[1]) : UINT32_MAX;
      fi[2] = (size_t)(fi[2] >> 6) < words ? LC_RANK(fi[2]) : UINT32_MAX;
    }
  }
  for (i = j->e0; i < j->e1; i++) {
    uint8_t t = lc_edges_type(&ev, i);
    uint32_t k;
    if (t == LC_ET_ELEMENT || t == LC_ET_HIDDEN)
      continue;
    k = lc_edges_name(&ev, i);
    k = LC_RANK(k);
    s->edge_name_lo[i] = (uint16_t)k;
    /* A rank is no larger than the index: the high part only shrinks, and
     * pages of zeros stay unwritten. */
    if (s->edge_name_hi && s->edge_name_hi[i] != (uint16_t)(k >> 16))
      s->edge_name_hi[i] = (uint16_t)(k >> 16);
  }
#undef LC_RANK
}

static void *
names_half(void *arg)
{
  struct names_job *j = arg;
  if (j->renumber)
    renumber_half(j);
  else
    mark_half(j);
  return NULL;
}

/* Runs both halves of `j` (j[0] here, j[1] on a thread if one starts). */
static void
names_run(struct names_job j[2])
{
  pthread_t t;
  int threaded = pthread_create(&t, NULL, names_half, &j[1]) == 0;
  names_half(&j[0]);
  if (threaded)
    pthread_join(t, NULL);
  else
    names_half(&j[1]);
}

static void
mark_refs(struct string_refs *sr, struct lc_snapshot *s, size_t room)
{
  struct names_job j[2];
  uint64_t *bits2, *vbits, any = 0;
  size_t w;
  memset(j, 0, sizeof(j));
  sr->words = (size_t)((room / 3 + 1) / 64 + 1);
  sr->bits = lc_xcalloc(sr->words, sizeof(uint64_t));
  bits2 = lc_xcalloc(sr->words, sizeof(uint64_t));
  vbits = lc_xcalloc(sr->words, sizeof(uint64_t));
  j[0].s = j[1].s = s;
  j[0].sr = j[1].sr = sr;
  j[0].limit = j[1].limit = room / 3 + 1;
  j[0].bits = sr->bits;
  j[1].bits = bits2;
  j[0].vbits = vbits;
  j[0].nodes = 1;
  j[0].e1 = j[1].e0 = names_split(s);
  j[1].e1 = s->edge_count;
  names_run(j);
  /* Words are written only where they change: a file of millions of
   * strings no one names keeps these arrays' pages untouched. */
  for (w = 0; w < sr->words; w++) {
    uint64_t named = sr->bits[w] | bits2[w], v = vbits[w];
    if ((named | v) != sr->bits[w])
      sr->bits[w] = named | v;
    if (v & named)
      vbits[w] = v & ~named;
    any |= v & ~named;
  }
  free(bits2);
  if (any)
    sr->value_only = vbits;
  else
    free(vbits);
}

static int
is_value_only(const struct string_refs *sr, uint32_t k)
{
  return sr->value_only && (size_t)(k >> 6) < sr->words &&
         (sr->value_only[k >> 6] >> (k & 63) & 1);
}

/* The length of text `o` (n bytes) without an incomplete UTF-8 sequence at
 * its end, where a cut value may have split one. */
static size_t
utf8_whole(const char *o, size_t n)
{
  size_t i = n, cont = 0, need;
  unsigned char c;
  while (i > 0 && cont < 3 && ((unsigned char)o[i - 1] & 0xC0) == 0x80) {
    i--;
    cont++;
  }
  if (i == 0)
    return n;
  c = (unsigned char)o[i - 1];
  need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return n - (i - 1) < need ? i - 1 : n;
}

static int
is_ref(const struct string_refs *sr, uint32_t k)
{
  return !sr->bits ||
         ((size_t)(k >> 6) < sr->words && (sr->bits[k >> 6] >> (k & 63) & 1));
}

/* After finish(): renumbers node and edge names to the strings kept. */
static void
renumber_names(struct lc_snapshot *s, const struct string_refs *sr)
{
  struct names_job j[2];
  uint32_t *rank = lc_xmalloc(sr->words * sizeof(uint32_t)), n = 0;
  size_t w;
  for (w = 0; w < sr->words; w++) {
    rank[w] = n;
    n += popcount64(sr->bits[w]);
  }
  memset(j, 0, sizeof(j));
  j[0].s = j[1].s = s;
  j[0].sr = j[1].sr = sr;
  j[0].rank = j[1].rank = rank;
  j[0].renumber = j[1].renumber = 1;
  j[0].nodes = 1;
  j[0].e1 = j[1].e0 = names_split(s);
  j[1].e1 = s->edge_count;
  names_run(j);
  free(rank);
}

static int
bad_escape(struct reader *r, size_t at)
{
  return fail(r, at, "invalid escape in a string; expected %s",
              "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
}

/* Checks the escapes of the string bytes [at, be) without keeping their
 * text: decoded into the scratch buffer, a part at a time, giving back the
 * pages read. */
static int
check_escapes(struct reader *r, struct string_refs *sr, size_t at, size_t be,
              size_t *done)
{
  size_t used, bad = 0;
  if (!sr->scratch)
    sr->scratch = lc_xmalloc(LC_SCRATCH + 16);
  for (; at < be; at += used) {
    if (lc_json_unescape_upto(r->p + at, be - at, LC_SCRATCH, sr->scratch,
                              &used, &bad) == (size_t)-1)
      return bad_escape(r, at + bad);
    drop_inside(r, done, at + used);
  }
  return 0;
}

/* Reads the strings array.  With sr->bits, only the strings it marks are
 * kept (in file order, so a kept string's number is its rank among them):
 * a file of millions of strings no node or edge names costs no memory per
 * string.  s->string_count is the number of strings in the file, and
 * *kept the number stored. */
static int
scan_strings(struct reader *r, struct lc_snapshot *s, struct string_refs *sr,
             uint32_t *kept)
{
  size_t alloc_off = 0, cap, w = 0;
  uint32_t k = 0, nk = 0;
  if (expect_char(r, '[', "'[' starting 'strings'") < 0)
    return -1;
  /* The arena grows with what is kept; decoded strings are never longer
   * than their JSON form, and each one's two quotes pay for its NUL. */
  cap = 4096;
  s->arena = lc_xmalloc(cap);
  skip_ws(r);
  if (r->pos < r->len && r->p[r->pos] == ']') {
    r->pos++;
  } else {
    for (;;) {
      size_t bs, be, bad = 0, n, at, used, done;
      skip_ws(r);
      if (r->pos >= r->len)
        return fail(r, r->pos,
                    "unexpected end of file in 'strings'; the "
                    "file is truncated (was the writer killed?)%s",
                    "");
      if (raw_string(r, &bs, &be) < 0)
        return -1;
      if (k == UINT32_MAX)
        return fail(r, bs, "too many strings%s", "");
      if (is_ref(sr, k)) {
        /* A value cut at LC_VALUE_MAX takes at most a surrogate pair more,
         * "…" and the NUL. */
        int cut = is_value_only(sr, k) && be - bs > LC_VALUE_MAX;
        size_t room = cut ? LC_VALUE_MAX + 16 : be - bs + 1;
        if (cap - w < room) {
          size_t want = w + room;
          cap = cap + cap / 2 > want ? cap + cap / 2 : want;
          s->arena = lc_xrealloc(s->arena, cap);
        }
        LC_ALLOC_GROW(s->string_off, (size_t)nk + 2, alloc_off);
        s->string_off[nk++] = w;
        /* A drop step at a time, giving back what was decoded; past a cut,
         * the rest is only checked. */
        for (at = done = bs; at < be; at += used) {
          n = lc_json_unescape_upto(r->p + at, be - at,
                                    cut ? LC_VALUE_MAX : LC_DROP_STEP,
                                    s->arena + w, &used, &bad);
          if (n == (size_t)-1)
            return bad_escape(r, at + bad);
          if (cut && at + used < be) {
            n = utf8_whole(s->arena + w, n);
            memcpy(s->arena + w + n, "\xE2\x80\xA6", 3); /* … */
            w += n + 3;
            if (check_escapes(r, sr, at + used, be, &done) < 0)
              return -1;
            break;
          }
          w += n;
          drop_inside(r, &done, at + used);
        }
        s->arena[w++] = '\0';
      } else if (be - bs > LC_SCRATCH || memchr(r->p + bs, '\\', be - bs)) {
        /* Not kept, but a bad escape is still a bad file.  (A long string
         * is checked a part at a time: a search of it whole would map it
         * whole again.) */
        done = bs;
        if (check_escapes(r, sr, bs, be, &done) < 0)
          return -1;
      }
      k++;
      if (r->can_drop && r->pos - r->dropped > LC_DROP_STEP)
        drop_behind(r, bs);
      skip_ws(r);
      if (r->pos >= r->len)
        return fail(r, r->pos,
                    "unexpected end of file in 'strings'; the "
                    "file is truncated (was the writer killed?)%s",
                    "");
      if (r->p[r->pos] == ',') {
        r->pos++;
        continue;
      }
      if (r->p[r->pos] == ']') {
        r->pos++;
        break;
      }
      return fail(r, r->pos,
                  "unexpected character in 'strings'; "
                  "expected %s",
                  "',' or ']'");
    }
  }
  drop_behind(r, r->pos);
  LC_ALLOC_GROW(s->string_off, (size_t)nk + 1, alloc_off);
  s->string_off[nk] = w;
  s->string_count = k;
  *kept = nk;
  s->arena = lc_xrealloc(s->arena, w ? w : 1);
  return 0;
}

/* ---- the whole file ----------------------------------------------------- */

static uint8_t
map_type(const char *name, const char *const *names, size_t n, uint8_t other)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return (uint8_t)i;
  return other;
}

static int
read_key(struct reader *r, size_t *ks, size_t *ke)
{
  skip_ws(r);
  if (raw_string(r, ks, ke) < 0)
    return -1;
  return expect_char(r, ':', "':' after a key");
}

static int
key_is(const struct reader *r, size_t ks, size_t ke, const char *k)
{
  size_t n = strlen(k);
  return ke - ks == n && memcmp(r->p + ks, k, n) == 0;
}

/* Byte offsets of the sections, for errors found after reading them. */
struct sections {
  size_t nodes_at, edges_at, end_at;
};

/* Validates cross-references once everything is read.  The largest names
 * seen while reading tell whether any can be out of range; only then are
 * the columns searched for the first one. */
static int
finish(struct reader *r, struct lc_snapshot *s, uint64_t edge_sum,
       uint32_t node_max_name, uint32_t edge_max_name, int have[3],
       const struct sections *at)
{
  uint32_t i;
  static const char *const sec[3] = {"nodes", "edges", "strings"};
  for (i = 0; i < 3; i++)
    if (!have[i])
      return lc_err_set_at(r->err, LC_EINPUT, r->name, at->end_at,
                           "missing '%s' array; expected a complete V8 "
                           "heap snapshot",
                           sec[i]);
  if (edge_sum != s->edge_count)
    return lc_err_set_at(r->err, LC_EINPUT, r->name, at->nodes_at,
                         "the nodes' edge counts add up to %llu but "
                         "edge_count is %u; expected them equal",
                         (unsigned long long)edge_sum, s->edge_count);
  /* node_first_edge already holds the prefix sums. */
  s->node_first_edge[s->node_count] = (uint32_t)edge_sum;
  if (node_max_name >= s->string_count)
    for (i = 0; i < s->node_count; i++)
      if (s->node_name[i] >= s->string_count)
        return lc_err_set_at(r->err, LC_EINPUT, r->name, at->nodes_at,
                             "node %u names string %u but there are only "
                             "%u strings",
                             i, s->node_name[i], s->string_count);
  if (edge_max_name >= s->string_count)
    for (i = 0; i < s->edge_count; i++) {
      uint8_t t = lc_snapshot_edge_type(s, i);
      if (t != LC_ET_ELEMENT && t != LC_ET_HIDDEN &&
          lc_snapshot_edge_name(s, i) >= s->string_count)
        return lc_err_set_at(r->err, LC_EINPUT, r->name, at->edges_at,
                             "edge %u names string %u but there are only "
                             "%u strings",
                             i, lc_snapshot_edge_name(s, i), s->string_count);
    }
  return 0;
}

/*
 * A file mapping faults (SIGBUS) where the file was cut after it was
 * mapped: another process truncated it, maybe the program under test.
 * Whatever the file does, leakcheck must not die of it.  While a mapped
 * file is parsed, each thread that reads it holds a sigjmp_buf in
 * `bus_jmp`; SIGBUS is delivered to the thread that faulted, whose
 * handler jumps back to it, and the parse ends with an error.  A SIGBUS
 * outside such a read goes to the handler there was before.
 */
static _Thread_local sigjmp_buf *bus_jmp;
static _Thread_local const char *bus_addr;
static struct sigaction bus_old;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;

static void
on_bus(int sig, siginfo_t *si, void *uc)
{
  (void)sig;
  (void)uc;
  if (bus_jmp) {
    bus_addr = si->si_addr;
    siglongjmp(*bus_jmp, 1);
  }
  /* Not a read of ours: the fault repeats under the previous handler. */
  sigaction(SIGBUS, &bus_old, NULL);
}

static void
bus_install(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &bus_old);
}

/* Fills `err` (released first) with the error for a fault at bus_addr in
 * the mapping of `len` bytes at `map`. */
static int
bus_error(struct lc_err *err, const char *name, const char *map, size_t len)
{
  size_t at =
      bus_addr >= map && bus_addr < map + len ? (size_t)(bus_addr - map) : 0;
  lc_err_release(err);
  return lc_err_set_at(err, LC_EINPUT, name, at,
                       "snapshot changed while being read: the file was "
                       "cut short after it was opened (%zu bytes then); "
                       "expected a file that no one changes while "
                       "leakcheck reads it",
                       len);
}

/*
 * Reading the nodes array, possibly on a thread of its own (its reader
 * has a private error).  On a thread, the main thread jumps to the "edges"
 * key that follows the nodes array and reads the edges meanwhile.  As the
 * edges array is about twice as long as the nodes array, the main thread
 * also hands this job the first rows of it (`tell`, under `mu`): both then
 * finish at about the same time.
 */
struct nodes_job {
  struct reader r;
  struct lc_err err;
  struct node_ctx c;
  uint64_t count;
  int rc;
  int failed;   /* set (atomically) when the nodes are bad: stop looking */
  int threaded; /* wait to be told, then check the end and read the edges */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int told;
  size_t next_key;    /* the key the main thread jumped to, 0 if none */
  size_t e1_at;       /* the edges this job reads: from here … */
  size_t e1_end;      /* … to just past the comma after row e1_rows - 1 */
  uint64_t e1_rows;   /* 0: none */
  struct edge_ctx ec; /* for them */
  struct reader er;
};

static void *
nodes_job(void *arg)
{
  struct nodes_job *j = arg;
  uint64_t limit = (uint64_t)j->c.s->node_count * j->c.nf, count;
  int empty = open_array(&j->r);
  j->count = 0;
  j->rc = empty < 0 ? -1 : empty ? 0 : scan_nodes(&j->r, &j->c, &j->count);
  if (j->rc == 0 && j->count != limit)
    j->rc = lc_err_set_at(&j->err, LC_EINPUT, j->r.name, j->r.pos - 1,
                          "'nodes' has %llu values; expected node_count %u "
                          "times %u fields = %llu",
                          (unsigned long long)j->count, j->c.s->node_count,
                          j->c.nf, (unsigned long long)limit);
  if (j->rc < 0)
    __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
  if (j->rc < 0 || !j->threaded)
    return NULL;
  pthread_mutex_lock(&j->mu);
  while (!j->told)
    pthread_cond_wait(&j->cv, &j->mu);
  pthread_mutex_unlock(&j->mu);
  if (j->next_key) {
    /* The nodes array must end right before the key jumped to. */
    skip_ws(&j->r);
    if (j->r.pos < j->r.len && j->r.p[j->r.pos] == ',')
      j->r.pos++;
    skip_ws(&j->r);
    if (j->r.pos != j->next_key) {
      j->rc = fail(&j->r, j->r.pos,
                   "unexpected character after 'nodes'; expected %s",
                   "',' and the next key");
      return NULL;
    }
  }
  if (j->e1_rows) {
    j->er = j->r;
    j->er.pos = j->e1_at;
    drop_from(&j->er, j->e1_at);
    j->ec.r = &j->er;
    j->rc = scan_edges(&j->er, &j->ec, 0, j->e1_rows, 1, &count);
    /* The part holds e1_rows rows' commas and nothing but values, commas
     * and blanks: read without error, it ends where it was cut, unless the
     * file changed under us (pages read twice). */
    if (j->rc == 0 && j->er.pos != j->e1_end)
      j->rc = fail(&j->er, j->er.pos,
                   "the file changed while it was read; expected %s",
                   "a file that is complete before it is read");
  }
  return NULL;
}

/* nodes_job, its reads of a file mapping guarded (see on_bus). */
static void *
nodes_main(void *arg)
{
  struct nodes_job *j = arg;
  sigjmp_buf jb, *const prev = bus_jmp; /* run inline: the caller's */
  if (!j->r.can_drop)                   /* memory, not a file mapping */
    return nodes_job(j);
  if (sigsetjmp(jb, 0)) {
    bus_jmp = prev;
    j->rc = bus_error(&j->err, j->r.name, j->r.p, j->r.len);
    __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
    return NULL;
  }
  bus_jmp = &jb;
  nodes_job(j);
  bus_jmp = prev;
  return NULL;
}

/* Tells the nodes job where the main thread went and which edges rows are
 * its own; only the first call counts. */
static void
nodes_tell(struct nodes_job *j, size_t next_key, size_t e1_at, size_t e1_end,
           uint64_t e1_rows)
{
  pthread_mutex_lock(&j->mu);
  if (!j->told) {
    j->next_key = next_key;
    j->e1_at = e1_at;
    j->e1_end = e1_end;
    j->e1_rows = e1_rows;
    j->told = 1;
    pthread_cond_signal(&j->cv);
  }
  pthread_mutex_unlock(&j->mu);
}

/* Checks a finished nodes job; moves its error into r->err. */
static int
nodes_done(struct nodes_job *j, struct reader *r, uint64_t *edge_sum)
{
  if (j->rc < 0) {
    lc_err_release(r->err);
    *r->err = j->err;
    memset(&j->err, 0, sizeof(j->err));
    return -1;
  }
  *edge_sum = j->c.edge_sum;
  return 0;
}

/* The offset of the "edges" key when it comes right after the array that
 * starts at `from`, else 0.  That is the nodes array: it holds only digits,
 * commas and blanks, so it ends at the first ']'.  The pages searched are
 * given back, as the nodes thread reads them again anyway. */
static size_t
edges_key_after(const struct reader *r, size_t from, const int *failed)
{
  struct reader sr = *r;
  const char *q = NULL;
  size_t i = from;
  drop_from(&sr, from);
  while (i < r->len && !q && !__atomic_load_n(failed, __ATOMIC_RELAXED)) {
    size_t n = r->len - i < LC_DROP_STEP ? r->len - i : LC_DROP_STEP;
    q = memchr(r->p + i, ']', n);
    i += n;
    if (!q)
      drop_behind(&sr, i);
  }
  if (!q)
    return 0;
  sr.pos = (size_t)(q - r->p) + 1;
  skip_ws(&sr);
  if (sr.pos >= sr.len || sr.p[sr.pos] != ',')
    return 0;
  sr.pos++;
  skip_ws(&sr);
  if (sr.len - sr.pos < 7 || memcmp(sr.p + sr.pos, "\"edges\"", 7) != 0)
    return 0;
  return sr.pos;
}

/* The number of commas in p[0, n); *close is set when there is a ']'. */
static uint64_t
count_commas(const char *p, size_t n, int *close)
{
  uint64_t total = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), bracket = _mm_set1_epi8(']');
  __m128i closes = _mm_setzero_si128();
  while (n - i >= 16) {
    /* Byte counters, summed before any can reach 256. */
    __m128i acc = _mm_setzero_si128();
    size_t end = n - i > 16 * 255 ? i + 16 * 255 : n;
    for (; end - i >= 16; i += 16) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, comma));
      closes = _mm_or_si128(closes, _mm_cmpeq_epi8(x, bracket));
    }
    acc = _mm_sad_epu8(acc, _mm_setzero_si128());
    total += (uint64_t)_mm_cvtsi128_si32(acc) +
             (uint64_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(acc, acc));
  }
  *close = _mm_movemask_epi8(closes) != 0;
#else
  *close = 0;
#endif
  for (; i < n; i++) {
    total += p[i] == ',';
    *close |= p[i] == ']';
  }
  return total;
}

/*
 * Plans the split of the edges array, whose values start at r->pos, for a
 * nodes array of `nodes_len` bytes read meanwhile on the nodes thread: the
 * nodes thread also reads rows [0, rows) of the edges, the main thread the
 * rest.  The part is sized so that both threads read about as many bytes
 * (the main thread also has what follows the edges).  The main thread
 * needs its first row's index: the commas of the part, counted here (far
 * faster than reading the values).  The part must hold only digits, commas
 * and blanks and end right after a row's comma, else there is no split (0)
 * and the main thread reads all, reporting what it finds.
 */
static uint64_t
plan_split(const struct reader *r, size_t nodes_len, unsigned w,
           uint64_t rows_max, size_t *end)
{
  const unsigned char *p = (const unsigned char *)r->p;
  struct reader sr = *r;
  size_t b0 = r->pos, rest = r->len - r->pos, i, e;
  uint64_t commas = 0;
  int close = 0;
  if (rest <= nodes_len)
    return 0;
  e = b0 + (rest - nodes_len) / 2;
  drop_from(&sr, b0);
  for (i = b0; i < e && !close;) {
    size_t n = e - i < LC_DROP_STEP ? e - i : LC_DROP_STEP;
    commas += count_commas(r->p + i, n, &close);
    i += n;
    drop_behind(&sr, i);
  }
  if (close)
    return 0;
  /* On to just past the comma that ends a row. */
  while (commas == 0 || commas % w != 0 || p[i - 1] != ',') {
    if (i >= r->len || (p[i] != ',' && cclass[p[i]] == C_OTHER))
      return 0;
    commas += p[i++] == ',';
  }
  if (commas / w >= rows_max)
    return 0;
  *end = i;
  return commas / w;
}

/* Called by lc_snapshot_read() between mapping and parsing, when the test
 * suites define it (the fuzz and unit tests cut the file there); the
 * program itself leaves it undefined. */
extern void lc_snapshot_test_mapped(const char *path, size_t len)
    __attribute__((weak));

/* When a test suite defines it and it returns nonzero, the edge types get
 * a column of their own (edge_type_wide), as on a heap of more than 2^29
 * nodes, which no test can write. */
extern int lc_snapshot_test_wide(void) __attribute__((weak));

/* Called between skipping an allocation-stack section and parsing it
 * (the two reads of its bytes), when a test suite defines it: the unit
 * test cuts the file there, so the second read faults. */
extern void lc_snapshot_test_trace(const char *path, int infos)
    __attribute__((weak));

/* What parse() must free when it stops early, kept out of its stack so
 * that a jump back from a fault can free it too. */
struct parse_state {
  struct header h;
  struct nodes_job nj;
  pthread_t nodes_thread;
  volatile int nodes_threaded, nj_sync;
  struct string_refs refs;
  struct loc_ctx loc;
  struct trace_scratch trace;
};

static int parse(struct parse_state *ps, struct lc_snapshot *s,
                 const char *name, const char *data, size_t len, int can_drop,
                 struct lc_err *err);

/* Frees what `ps` holds once the nodes thread is joined. */
static void
parse_state_release(struct parse_state *ps)
{
  if (ps->nj_sync) {
    pthread_cond_destroy(&ps->nj.cv);
    pthread_mutex_destroy(&ps->nj.mu);
    ps->nj_sync = 0;
  }
  lc_err_release(&ps->nj.err);
  header_release(&ps->h);
  free(ps->refs.bits);
  ps->refs.bits = NULL;
  free(ps->refs.value_only);
  ps->refs.value_only = NULL;
  free(ps->refs.scratch);
  ps->refs.scratch = NULL;
  lc_free_sparse(ps->loc.rec);
  ps->loc.rec = NULL;
  trace_scratch_release(&ps->trace);
}

/* Ends a parse that failed: joins the nodes thread, keeps the earlier of
 * its error and `err`, frees everything. */
static void
parse_abort(struct parse_state *ps, struct lc_snapshot *s, struct lc_err *err)
{
  if (ps->nodes_threaded) {
    ps->nodes_threaded = 0;
    nodes_tell(&ps->nj, 0, 0, 0, 0);
    pthread_join(ps->nodes_thread, NULL);
    /* The earlier of the two errors is the one to report. */
    if (ps->nj.err.code != LC_OK && err && ps->nj.err.offset < err->offset) {
      lc_err_release(err);
      *err = ps->nj.err;
      memset(&ps->nj.err, 0, sizeof(ps->nj.err));
    }
  }
  parse_state_release(ps);
  lc_snapshot_release(s);
}

/* The bytes of the node and edge columns (the largest case: with the raw
 * type column). */
static unsigned long long
column_bytes(uint64_t nodes, uint64_t edges)
{
  return (nodes + 1) * (1 + 1 + 4 + 4 + 8 + 4 + 1) + (edges + 1) * (1 + 4 + 4);
}

/* calloc for the columns, whose sizes come from the file: sets *nomem
 * instead of aborting when the memory is not there. */
static void *
try_calloc(size_t n, size_t size, int *nomem)
{
  void *p = *nomem ? NULL : calloc(n, size);
  if (!p)
    *nomem = 1;
  else
    lc_advise_huge(p, n * size);
  return p;
}

int
lc_snapshot_parse(struct lc_snapshot *s, const char *name, const char *data,
                  size_t len, struct lc_err *err)
{
  struct parse_state *ps = lc_xcalloc(1, sizeof(*ps));
  int rc = parse(ps, s, name, data, len, 0, err);
  free(ps);
  return rc;
}

static void
edge_ctx_init(struct edge_ctx *c, struct lc_snapshot *s, struct reader *r,
              const struct header *h)
{
  unsigned i;
  memset(c, 0, sizeof(*c));
  c->s = s;
  c->r = r;
  c->ef = h->ef;
  c->nf = h->nf;
  c->f_type = field_index(h->edge_fields, h->ef, "type");
  c->f_name = field_index(h->edge_fields, h->ef, "name_or_index");
  c->f_to = field_index(h->edge_fields, h->ef, "to_node");
  c->n_types = h->n_edge_types;
  for (i = 0; i < h->n_edge_types; i++) {
    c->type_map[i] =
        map_type(h->edge_types[i], edge_type_names, 7, LC_ET_OTHER);
    c->named[i] =
        c->type_map[i] != LC_ET_ELEMENT && c->type_map[i] != LC_ET_HIDDEN;
    c->tt[i] =
        s->edge_type_wide ? 0 : (uint32_t)c->type_map[i] << LC_EDGE_TYPE_SHIFT;
  }
}

/* Frees the high halves of the edge names once every edge is read and
 * none needed them: before anything reads them, as reading a page of a
 * sparse column that was never written may cost memory too. */
static void
drop_name_hi(struct lc_snapshot *s)
{
  lc_free_sparse(s->edge_name_hi);
  s->edge_name_hi = NULL;
}

static int
parse(struct parse_state *ps, struct lc_snapshot *s, const char *name,
      const char *data, size_t len, int can_drop, struct lc_err *err)
{
  struct reader r = {name, data, len, 0, err, can_drop, 0};
  size_t ks, ke, hs;
  uint64_t count = 0, edge_sum = 0;
  int have[3] = {0, 0, 0}, have_loc = 0;
  struct sections at = {0, 0, 0};
  int key_pending = 0, rc;
  uint32_t edge_max_name = 0;
  int edge_name_hi = 0;
  uint8_t node_tmap[256];
  size_t nodes_next_key = 0;
  uint32_t i, kept = 0;
  uint64_t text_min;
  int nomem = 0;

  init_cclass();
  memset(s, 0, sizeof(*s));
  s->path = lc_xstrdup(name);

  skip_ws(&r);
  if (r.pos >= len) {
    lc_err_set_at(err, LC_EINPUT, name, 0,
                  "empty file; expected a V8 heap "
                  "snapshot (a JSON object starting with '{\"snapshot\"')");
    goto fail;
  }
  if (expect_char(&r, '{', "'{' (a V8 heap snapshot is a JSON object)") < 0 ||
      read_key(&r, &ks, &ke) < 0)
    goto fail;
  if (!key_is(&r, ks, ke, "snapshot")) {
    lc_err_set_at(err, LC_EINPUT, name, ks - 1,
                  "expected the key "
                  "'snapshot' first (is this a V8 heap snapshot?)");
    goto fail;
  }
  skip_ws(&r);
  hs = r.pos;
  if (r.pos >= len || r.p[r.pos] != '{') {
    fail(&r, r.pos, "expected %s", "an object for 'snapshot'");
    goto fail;
  }
  {
    /* Find the header object's end within LC_HEADER_MAX bytes. */
    size_t lim = len - hs < LC_HEADER_MAX ? len : hs + LC_HEADER_MAX;
    struct reader hr = r;
    hr.len = lim;
    if (skip_value(&hr) < 0) {
      if (lim < len) {
        lc_err_release(err);
        fail(&r, hs, "snapshot header is larger than 1 MiB; expected %s",
             "a V8 heap snapshot");
      }
      goto fail;
    }
    if (parse_header(&r, hs, hr.pos, &ps->h) < 0)
      goto fail;
    r.pos = hr.pos;
  }

  /* Every value takes at least two bytes (a digit and a comma, or the
   * closing bracket): counts the rest of the file cannot hold are refused
   * before anything is allocated for them.  (Counts are below 2^32 and
   * field counts at most 64: no overflow.) */
  text_min = (ps->h.node_count * ps->h.nf + ps->h.edge_count * ps->h.ef) * 2;
  if (text_min > len - r.pos) {
    fail(&r, len,
         "the header promises %llu nodes and %llu edges, which need at "
         "least %llu bytes, but the file has %zu; expected a complete "
         "file (was the writer killed?)",
         (unsigned long long)ps->h.node_count,
         (unsigned long long)ps->h.edge_count,
         (unsigned long long)(r.pos + text_min), len);
    goto fail;
  }
  {
    /* What the columns will take; refused at once when it is more than the
     * machine's memory (an allocation that large could be granted lazily
     * and the process killed later). */
    unsigned long long need = column_bytes(ps->h.node_count, ps->h.edge_count);
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    size_t end = len;
    while (end > r.pos && cclass[(unsigned char)data[end - 1]] == C_WS)
      end--;
    if (need > LC_COLUMNS_CHECK_END && (end == r.pos || data[end - 1] != '}')) {
      /* Before a large allocation, one cheap look at the end: a file cut
       * short, or sparse (all zeros), is refused at once. */
      fail(&r, end ? end - 1 : 0,
           "the file does not end with '}'; expected a complete V8 heap "
           "snapshot (was the writer killed?)%s",
           "");
      goto fail;
    }
    if (pages > 0 && psize > 0 &&
        need > (unsigned long long)pages * (unsigned long long)psize) {
      fail(&r, hs,
           "the header promises %llu nodes and %llu edges, which need %llu "
           "bytes of memory, more than this machine has (%llu); expected a "
           "snapshot that fits in memory",
           (unsigned long long)ps->h.node_count,
           (unsigned long long)ps->h.edge_count, need,
           (unsigned long long)pages * (unsigned long long)psize);
      goto fail;
    }
  }
  s->node_count = (uint32_t)ps->h.node_count;
  s->edge_count = (uint32_t)ps->h.edge_count;
  s->extra_native_bytes = ps->h.extra_native_bytes;
  s->has_detachedness =
      field_index(ps->h.node_fields, ps->h.nf, "detachedness") >= 0;
  s->type_count = ps->h.n_node_types;
  s->type_names = ps->h.node_types;
  ps->h.node_types = NULL;

  s->node_type = try_calloc(s->node_count + 1, 1, &nomem);
  {
    /* The raw type column is kept only when node_type loses information:
     * a name we do not know, or two names mapped alike. */
    unsigned seen = 0;
    int keep_raw = 0;
    for (i = 0; i < ps->h.n_node_types; i++) {
      uint8_t t = map_type(s->type_names[i], node_type_names, 16, LC_NT_OTHER);
      node_tmap[i] = t;
      if (t == LC_NT_OTHER || (seen >> t & 1))
        keep_raw = 1;
      seen |= 1u << t;
      s->raw_type_of[t] = (uint8_t)i;
    }
    if (keep_raw)
      s->node_type_raw = try_calloc(s->node_count + 1, 1, &nomem);
  }
  s->node_name = try_calloc(s->node_count + 1, sizeof(uint32_t), &nomem);
  s->node_id = try_calloc(s->node_count + 1, sizeof(uint32_t), &nomem);
  s->node_self_size = try_calloc(s->node_count + 1, sizeof(uint64_t), &nomem);
  s->node_first_edge = try_calloc(s->node_count + 1, sizeof(uint32_t), &nomem);
  /* Written only where not 0 (most nodes are 0): sparse, so that pages
   * never written cost nothing, even in memory freed before. */
  s->node_detachedness = nomem ? NULL : lc_calloc_sparse(s->node_count + 1, 1);
  nomem |= !s->node_detachedness;
  /* The edge columns (heap.h): the types go into the targets' top bits
   * when the ordinals leave them free, and the names' high halves into a
   * sparse column, freed after the parse when no name needed it. */
  s->edge_to_mask = UINT32_MAX;
  if (s->node_count > (UINT32_C(1) << LC_EDGE_TYPE_SHIFT) ||
      (lc_snapshot_test_wide && lc_snapshot_test_wide()))
    s->edge_type_wide = try_calloc(s->edge_count + 1, 1, &nomem);
  else
    s->edge_to_mask = (UINT32_C(1) << LC_EDGE_TYPE_SHIFT) - 1;
  s->edge_tt = try_calloc(s->edge_count + 1, sizeof(uint32_t), &nomem);
  s->edge_name_lo = try_calloc(s->edge_count + 1, sizeof(uint16_t), &nomem);
  s->edge_name_hi =
      nomem ? NULL : lc_calloc_sparse(s->edge_count + 1, sizeof(uint16_t));
  nomem |= !s->edge_name_hi;
  if (nomem) {
    /* The file is large enough for its counts, but this machine has not
     * the memory: an input too large for it, not a crash. */
    fail(&r, hs,
         "cannot allocate the columns of %u nodes and %u edges (%llu "
         "bytes); expected a snapshot that fits in memory",
         s->node_count, s->edge_count,
         column_bytes(s->node_count, s->edge_count));
    goto fail;
  }

  for (;;) {
    skip_ws(&r);
    if (r.pos >= len) {
      fail(&r, r.pos,
           "unexpected end of file; expected %s (the file is "
           "truncated: was the writer killed?)",
           "',' or '}'");
      goto fail;
    }
    if (r.p[r.pos] == '}') {
      at.end_at = r.pos++;
      break;
    }
    if (key_pending) {
      /* Jumped over the nodes array to its following key. */
      key_pending = 0;
      if (read_key(&r, &ks, &ke) < 0)
        goto fail;
    } else if (expect_char(&r, ',', "',' or '}'") < 0 ||
               read_key(&r, &ks, &ke) < 0) {
      goto fail;
    }
    skip_ws(&r);
    if ((key_is(&r, ks, ke, "nodes") && have[0]) ||
        (key_is(&r, ks, ke, "edges") && have[1]) ||
        (key_is(&r, ks, ke, "strings") && have[2]) ||
        (key_is(&r, ks, ke, "locations") && have_loc)) {
      lc_err_set_at(err, LC_EINPUT, name, ks - 1,
                    "duplicate key '%.*s'; "
                    "expected each section once",
                    (int)(ke - ks), r.p + ks);
      goto fail;
    }
    if (key_is(&r, ks, ke, "nodes")) {
      memset(&ps->nj, 0, sizeof(ps->nj));
      ps->nj.r = r;
      ps->nj.r.err = &ps->nj.err;
      drop_from(&ps->nj.r, r.pos);
      ps->nj.c.s = s;
      ps->nj.c.r = &ps->nj.r;
      ps->nj.c.nf = ps->h.nf;
      ps->nj.c.f_type = field_index(ps->h.node_fields, ps->h.nf, "type");
      ps->nj.c.f_name = field_index(ps->h.node_fields, ps->h.nf, "name");
      ps->nj.c.f_id = field_index(ps->h.node_fields, ps->h.nf, "id");
      ps->nj.c.f_self = field_index(ps->h.node_fields, ps->h.nf, "self_size");
      ps->nj.c.f_edges = field_index(ps->h.node_fields, ps->h.nf, "edge_count");
      ps->nj.c.f_det = field_index(ps->h.node_fields, ps->h.nf, "detachedness");
      ps->nj.c.f_trace =
          field_index(ps->h.node_fields, ps->h.nf, "trace_node_id");
      if (ps->nj.c.f_trace >= 0 && !s->node_trace)
        s->node_trace = lc_xcalloc_sparse(s->node_count + 1, sizeof(uint32_t));
      ps->nj.c.n_types = ps->h.n_node_types;
      memcpy(ps->nj.c.type_map, node_tmap, sizeof(node_tmap));
      edge_ctx_init(&ps->nj.ec, s, NULL, &ps->h);
      at.nodes_at = r.pos;
      have[0] = 1;
      /* The nodes are read on a thread of their own while this one finds
       * the "edges" key after them and reads the edges. */
      pthread_mutex_init(&ps->nj.mu, NULL);
      pthread_cond_init(&ps->nj.cv, NULL);
      ps->nj_sync = 1;
      ps->nj.threaded = 1;
      if (pthread_create(&ps->nodes_thread, NULL, nodes_main, &ps->nj) == 0) {
        ps->nodes_threaded = 1;
        nodes_next_key = edges_key_after(&r, r.pos, &ps->nj.failed);
        if (nodes_next_key) {
          r.pos = nodes_next_key;
          drop_from(&r, r.pos);
          key_pending = 1;
          continue;
        }
        /* No "edges" right after: on from the nodes array's end. */
        nodes_tell(&ps->nj, 0, 0, 0, 0);
        pthread_join(ps->nodes_thread, NULL);
        ps->nodes_threaded = 0;
      } else {
        ps->nj.threaded = 0;
        nodes_main(&ps->nj);
      }
      if (nodes_done(&ps->nj, &r, &edge_sum) < 0)
        goto fail;
      r.pos = ps->nj.r.pos;
      if (ps->nj.r.dropped > r.dropped)
        r.dropped = ps->nj.r.dropped;
    } else if (key_is(&r, ks, ke, "edges")) {
      struct edge_ctx c;
      uint64_t row0 = 0, e1_rows = 0;
      size_t e1_end = 0;
      int empty;
      edge_ctx_init(&c, s, &r, &ps->h);
      at.edges_at = r.pos;
      empty = open_array(&r);
      if (empty < 0)
        goto fail;
      if (ps->nodes_threaded && !ps->nj.told) {
        /* Right after the nodes: the nodes thread takes the first part. */
        if (!empty)
          e1_rows = plan_split(&r, nodes_next_key - at.nodes_at, ps->h.ef,
                               s->edge_count, &e1_end);
        nodes_tell(&ps->nj, nodes_next_key, r.pos, e1_end, e1_rows);
        if (e1_rows) {
          r.pos = e1_end;
          drop_from(&r, r.pos);
          row0 = e1_rows;
        }
      }
      count = 0;
      if (!empty && scan_edges(&r, &c, row0, s->edge_count, 0, &count) < 0)
        goto fail;
      if (count != (uint64_t)s->edge_count * ps->h.ef) {
        lc_err_set_at(err, LC_EINPUT, name, r.pos - 1,
                      "'edges' has %llu "
                      "values; expected edge_count %u times %u fields = "
                      "%llu",
                      (unsigned long long)count, s->edge_count, ps->h.ef,
                      (unsigned long long)s->edge_count * ps->h.ef);
        goto fail;
      }
      edge_max_name = c.max_name;
      edge_name_hi = c.name_hi;
      have[1] = 1;
    } else if (key_is(&r, ks, ke, "locations") && ps->h.lf) {
      struct loc_ctx *lc = &ps->loc;
      int empty;
      memset(lc, 0, sizeof(*lc));
      lc->s = s;
      lc->r = &r;
      lc->lf = ps->h.lf;
      lc->nf = ps->h.nf;
      lc->f_obj = field_index(ps->h.loc_fields, ps->h.lf, "object_index");
      lc->f_script = field_index(ps->h.loc_fields, ps->h.lf, "script_id");
      lc->f_line = field_index(ps->h.loc_fields, ps->h.lf, "line");
      lc->f_col = field_index(ps->h.loc_fields, ps->h.lf, "column");
      count = 0;
      empty = open_array(&r);
      if (empty == 0) {
        /* Room for as many rows as the rest of the file can hold (a value
         * takes two bytes at least), in one sparse allocation: only the
         * pages written cost memory, and no row is copied as it grows. */
        lc->alloc = ((len - r.pos) / (2 * (size_t)ps->h.lf) + 1) * 4;
        lc->rec = lc_calloc_sparse(lc->alloc, sizeof(uint32_t));
        if (!lc->rec) {
          fail(&r, r.pos,
               "cannot allocate room for the locations (%zu bytes); "
               "expected a snapshot that fits in memory",
               lc->alloc * sizeof(uint32_t));
          goto fail;
        }
      }
      rc = empty < 0 ? -1 : empty ? 0 : scan_locations(&r, lc, &count);
      if (rc == 0 && count % ps->h.lf) {
        rc = lc_err_set_at(err, LC_EINPUT, name, r.pos - 1,
                           "'locations' has "
                           "%llu values; expected a multiple of %u",
                           (unsigned long long)count, ps->h.lf);
      }
      if (rc == 0 && lc->f_obj >= 0)
        build_locations(s, lc);
      lc_free_sparse(lc->rec);
      lc->rec = NULL;
      if (rc < 0)
        goto fail;
      have_loc = 1;
    } else if (key_is(&r, ks, ke, "strings")) {
      if (have[0] && have[1]) {
        /* Names are known: keep only the strings they use.  The nodes
         * thread is done by now or nearly (the split evens the work). */
        if (ps->nodes_threaded) {
          ps->nodes_threaded = 0;
          nodes_tell(&ps->nj, nodes_next_key, 0, 0, 0);
          pthread_join(ps->nodes_thread, NULL);
          if (nodes_done(&ps->nj, &r, &edge_sum) < 0)
            goto fail;
        }
        if (!edge_name_hi && !ps->nj.ec.name_hi)
          drop_name_hi(s);
        mark_refs(&ps->refs, s, len - r.pos);
      }
      if (scan_strings(&r, s, &ps->refs, &kept) < 0)
        goto fail;
      have[2] = 1;
    } else if (key_is(&r, ks, ke, "trace_function_infos") ||
               key_is(&r, ks, ke, "trace_tree")) {
      /* Allocation stacks (heap.h): optional, so a section that does not
       * have the shape V8 writes is dropped, never an error. */
      int infos = key_is(&r, ks, ke, "trace_function_infos");
      size_t from;
      skip_ws(&r);
      from = r.pos;
      if (skip_value(&r) < 0)
        goto fail;
      if (lc_snapshot_test_trace)
        lc_snapshot_test_trace(name, infos);
      if (infos)
        parse_trace_infos(s, &ps->trace, r.p + from, r.pos - from);
      else
        parse_trace_tree(s, &ps->trace, r.p + from, r.pos - from);
    } else {
      if (skip_value(&r) < 0)
        goto fail;
    }
  }
  skip_ws(&r);
  if (r.pos != len) {
    fail(&r, r.pos, "unexpected data after the end; expected %s",
         "the end of the file after the final '}'");
    goto fail;
  }
  if (ps->nodes_threaded) {
    ps->nodes_threaded = 0;
    nodes_tell(&ps->nj, nodes_next_key, 0, 0, 0);
    pthread_join(ps->nodes_thread, NULL);
    if (nodes_done(&ps->nj, &r, &edge_sum) < 0)
      goto fail;
  }
  if (!edge_name_hi && !ps->nj.ec.name_hi)
    drop_name_hi(s);
  if (finish(&r, s, edge_sum, ps->nj.c.max_name,
             ps->nj.ec.max_name > edge_max_name ? ps->nj.ec.max_name
                                                : edge_max_name,
             have, &at) < 0)
    goto fail;
  if (ps->refs.bits) {
    renumber_names(s, &ps->refs);
    s->string_count = kept;
  }
  if (!s->trace_count || !s->trace_info_count) {
    /* Node 18 and 20 write trace_node_id (all 0) even without tracking. */
    lc_free_sparse(s->node_trace);
    s->node_trace = NULL;
  }
  parse_state_release(ps);
  return 0;

fail:
  parse_abort(ps, s, err);
  return -1;
}

int
lc_snapshot_open(const char *path, struct lc_err *err)
{
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
   * writer; the type is checked on the descriptor, never by name. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int e = errno;
    lc_err_errno(err, e, path, "cannot open snapshot");
    err->code = LC_EINPUT;
  }
  return fd;
}

int
lc_snapshot_read(struct lc_snapshot *s, const char *path, struct lc_err *err)
{
  int fd, ret;
  memset(s, 0, sizeof(*s));
  fd = lc_snapshot_open(path, err);
  if (fd < 0)
    return -1;
  ret = lc_snapshot_read_fd(s, fd, path, err);
  close(fd);
  return ret;
}

int
lc_snapshot_read_fd(struct lc_snapshot *s, int fd, const char *path,
                    struct lc_err *err)
{
  int ret;
  struct stat st, now;
  void *map;
  struct parse_state *ps;
  sigjmp_buf jb;
  memset(s, 0, sizeof(*s));
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    return lc_err_set(err, LC_EINPUT, path, 0, 0,
                      "not a regular file; expected a .heapsnapshot file");
  }
  if (st.st_size == 0) {
    return lc_err_set_at(err, LC_EINPUT, path, 0,
                         "empty file; expected a "
                         "V8 heap snapshot (a JSON object starting with "
                         "'{\"snapshot\"')");
  }
  map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    int e = errno;
    lc_err_errno(err, e, path, "cannot map snapshot");
    err->code = LC_EINPUT;
    return -1;
  }
  madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
  if (lc_snapshot_test_mapped)
    lc_snapshot_test_mapped(path, (size_t)st.st_size);
  pthread_once(&bus_once, bus_install);
  ps = lc_xcalloc(1, sizeof(*ps));
  if (sigsetjmp(jb, 0)) {
    /* The file was cut while we read it (on this thread). */
    bus_jmp = NULL;
    bus_error(err, path, map, (size_t)st.st_size);
    parse_abort(ps, s, err);
    ret = -1;
  } else {
    bus_jmp = &jb;
    ret = parse(ps, s, path, map, (size_t)st.st_size, 1, err);
    bus_jmp = NULL;
  }
  free(ps);
  munmap(map, (size_t)st.st_size);
  if (ret < 0 && fstat(fd, &now) == 0 && now.st_size != st.st_size) {
    /* Cut or extended meanwhile: whatever the parse found (zeros in the
     * last page, a fault), the cause is that. */
    unsigned long long at = err->has_offset ? err->offset : 0;
    if (at > (unsigned long long)now.st_size)
      at = (unsigned long long)now.st_size;
    lc_err_release(err);
    lc_err_set_at(err, LC_EINPUT, path, at,
                  "snapshot changed while being read: it had %lld bytes "
                  "when opened and has %lld now; expected a file that no "
                  "one changes while leakcheck reads it",
                  (long long)st.st_size, (long long)now.st_size);
  }
  return ret;
}

void
lc_snapshot_release(struct lc_snapshot *s)
{
  uint32_t i;
  free(s->path);
  free(s->node_type);
  free(s->node_type_raw);
  free(s->node_name);
  free(s->node_id);
  free(s->node_self_size);
  free(s->node_first_edge);
  lc_free_sparse(s->node_detachedness);
  free(s->edge_tt);
  free(s->edge_type_wide);
  free(s->edge_name_lo);
  lc_free_sparse(s->edge_name_hi);
  free(s->string_off);
  free(s->arena);
  free(s->loc_bits);
  free(s->loc_rank);
  free(s->loc_script);
  free(s->loc_line);
  free(s->loc_col);
  lc_free_sparse(s->node_trace);
  free(s->trace_parent);
  free(s->trace_fn);
  free(s->trace_info);
  if (s->type_names)
    for (i = 0; i < s->type_count; i++)
      free(s->type_names[i]);
  free(s->type_names);
  memset(s, 0, sizeof(*s));
}

void
lc_snapshot_drop(struct lc_snapshot *s, unsigned what)
{
  if (what & LC_SNAPSHOT_DROP_NAMES) {
    LC_DROP(s->node_name);
    lc_free_sparse(s->node_detachedness);
    s->node_detachedness = NULL;
    LC_DROP(s->node_type_raw);
    LC_DROP(s->edge_name_lo);
    lc_free_sparse(s->edge_name_hi);
    s->edge_name_hi = NULL;
    LC_DROP(s->arena);
    LC_DROP(s->string_off);
    s->string_count = 0;
    LC_DROP(s->loc_bits);
    LC_DROP(s->loc_rank);
    LC_DROP(s->loc_script);
    LC_DROP(s->loc_line);
    LC_DROP(s->loc_col);
    s->loc_count = 0;
    lc_free_sparse(s->node_trace);
    s->node_trace = NULL;
    LC_DROP(s->trace_parent);
    LC_DROP(s->trace_fn);
    LC_DROP(s->trace_info);
    s->trace_count = 0;
    s->trace_info_count = 0;
  }
  if (what & LC_SNAPSHOT_DROP_IDS)
    LC_DROP(s->node_id);
  if (what & LC_SNAPSHOT_DROP_EDGE_TYPES)
    LC_DROP(s->edge_type_wide);
  if (what & LC_SNAPSHOT_DROP_EDGE_TARGETS) {
    LC_DROP(s->edge_tt);
    LC_DROP(s->edge_type_wide);
  }
  if (what & LC_SNAPSHOT_DROP_EDGES) {
    LC_DROP(s->edge_tt);
    LC_DROP(s->edge_type_wide);
    LC_DROP(s->node_first_edge);
  }
}

const char *
lc_snapshot_type_name(const struct lc_snapshot *s, uint32_t node)
{
  return s->type_names[lc_snapshot_type_raw(s, node)];
}
