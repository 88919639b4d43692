/*
 * The snapshot reader: one pass over a .heapsnapshot file.
 *
 * The bounded "snapshot" header (meta and counts) goes through jsmn; the big
 * arrays (nodes, edges, locations) and the strings table go through the
 * dedicated scanners below, which write straight into column arrays sized
 * from the header's counts.  Positions are kept as byte offsets and only
 * reported, never tracked per line.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#include "leakcheck/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jsmn.h>

#include "leakcheck/buf.h"

#include "leakcheck/banned.h"

/* The header object is small (≈1 KB); anything this large is not one. */
#define LC_HEADER_MAX (1u << 20)
#define LC_FIELDS_MAX 64

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

#define LC_DROP_STEP ((size_t)32 << 20)

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

/* Reads a JSON string starting at r->pos (the opening quote) without
 * decoding; sets [*s, *e) to its raw contents. */
static int
raw_string(struct reader *r, size_t *s, size_t *e)
{
  size_t i;
  if (r->pos >= r->len || r->p[r->pos] != '"')
    return fail(r, r->pos, "expected %s", "a string");
  i = r->pos + 1;
  *s = i;
  while (i < r->len) {
    const char *q = memchr(r->p + i, '"', r->len - i);
    size_t bs = 0, k;
    if (!q)
      break;
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
 * The integer-array scanner.  Calls `store(ctx, i, value)` for the i-th
 * number.  Numbers are unsigned decimals without sign or exponent, as V8
 * writes them; values above 2^64-1 are rejected.
 */
typedef int (*store_fn)(void *ctx, uint64_t i, uint64_t v, size_t at);

/* Inlined at each call site, so that `store` is a direct call the compiler
 * can inline too: this loop is most of the parse time. */
static inline __attribute__((always_inline)) int
scan_uint_array(struct reader *r, const char *what, store_fn store, void *ctx,
                uint64_t *count)
{
  const unsigned char *p = (const unsigned char *)r->p;
  size_t i, n = r->len;
  uint64_t k = 0;
  if (expect_char(r, '[', "'[' starting the array") < 0)
    return -1;
  i = r->pos;
  while (i < n && cclass[p[i]] == C_WS)
    i++;
  if (i < n && p[i] == ']') {
    r->pos = i + 1;
    *count = 0;
    return 0;
  }
  for (;;) {
    uint64_t v = 0;
    size_t st;
    while (i < n && cclass[p[i]] == C_WS)
      i++;
    st = i;
    while (i < n && cclass[p[i]] == C_DIGIT) {
      unsigned d = p[i] - '0';
      if (v > (UINT64_MAX - d) / 10) {
        r->pos = st;
        return fail(r, st, "number too large in %s", what);
      }
      v = v * 10 + d;
      i++;
    }
    if (i == st) {
      if (i >= n)
        return fail(r, i,
                    "unexpected end of file in %s; the file is "
                    "truncated (was the writer killed?)",
                    what);
      r->pos = i;
      return lc_err_set_at(r->err, LC_EINPUT, r->name, i,
                           "unexpected character in %s; expected an "
                           "unsigned integer",
                           what);
    }
    if (store(ctx, k, v, st) < 0)
      return -1;
    k++;
    if (r->can_drop && i - r->dropped > LC_DROP_STEP)
      drop_behind(r, i);
    while (i < n && cclass[p[i]] == C_WS)
      i++;
    if (i >= n)
      return fail(r, i,
                  "unexpected end of file in %s; the file is "
                  "truncated (was the writer killed?)",
                  what);
    if (p[i] == ',') {
      i++;
      continue;
    }
    if (p[i] == ']') {
      r->pos = i + 1;
      *count = k;
      return 0;
    }
    r->pos = i;
    return lc_err_set_at(r->err, LC_EINPUT, r->name, i,
                         "unexpected character in %s; expected ',' or ']'",
                         what);
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
field_index(char **fields, unsigned n, const char *name)
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
             tok_uint(h, v, &h->extra_native_bytes) < 0)
      bad = "'extra_native_bytes' to be an unsigned integer";
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

struct node_ctx {
  struct lc_snapshot *s;
  struct reader *r;
  unsigned nf;
  int f_type, f_name, f_id, f_self, f_edges, f_det;
  uint32_t n_types;
  uint64_t limit; /* node_count * nf */
  uint64_t edge_sum;
  unsigned col;
  uint32_t ord;
};

static int
store_node(void *vctx, uint64_t i, uint64_t v, size_t at)
{
  struct node_ctx *c = vctx;
  struct lc_snapshot *s = c->s;
  int col = (int)c->col;
  if (i >= c->limit)
    return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                         "'nodes' has more values than node_count (%u) "
                         "times %u fields",
                         s->node_count, c->nf);
  if (col != c->f_self && v > UINT32_MAX)
    return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                         "node field value %llu out of range; expected "
                         "an unsigned 32-bit integer",
                         (unsigned long long)v);
  if (col == c->f_type) {
    if (v >= c->n_types)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "node type %llu out of range; expected "
                           "less than %u",
                           (unsigned long long)v, c->n_types);
    s->node_type_raw[c->ord] = (uint8_t)v;
  } else if (col == c->f_name) {
    s->node_name[c->ord] = (uint32_t)v;
  } else if (col == c->f_id) {
    s->node_id[c->ord] = (uint32_t)v;
  } else if (col == c->f_self) {
    s->node_self_size[c->ord] = v;
  } else if (col == c->f_edges) {
    s->node_first_edge[c->ord] = (uint32_t)v; /* a count for now */
    c->edge_sum += v;
  } else if (col == c->f_det) {
    if (v > 2)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "detachedness %llu out of range; expected 0, "
                           "1 or 2",
                           (unsigned long long)v);
    s->node_detachedness[c->ord] = (uint8_t)v;
  }
  if (++c->col == c->nf) {
    c->col = 0;
    c->ord++;
  }
  return 0;
}

struct edge_ctx {
  struct lc_snapshot *s;
  struct reader *r;
  unsigned ef, nf;
  int f_type, f_name, f_to;
  uint32_t n_types;
  uint8_t type_map[256]; /* the file's edge type → enum lc_edge_type */
  uint64_t limit;
  unsigned col;
  uint32_t ord;
};

static int
store_edge(void *vctx, uint64_t i, uint64_t v, size_t at)
{
  struct edge_ctx *c = vctx;
  struct lc_snapshot *s = c->s;
  int col = (int)c->col;
  if (i >= c->limit)
    return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                         "'edges' has more values than edge_count (%u) "
                         "times %u fields",
                         s->edge_count, c->ef);
  if (col == c->f_type) {
    if (v >= c->n_types)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "edge type %llu out of range; expected less "
                           "than %u",
                           (unsigned long long)v, c->n_types);
    s->edge_type[c->ord] = c->type_map[v];
  } else if (col == c->f_name) {
    if (v > UINT32_MAX)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "edge name %llu out of range",
                           (unsigned long long)v);
    s->edge_name[c->ord] = (uint32_t)v;
  } else if (col == c->f_to) {
    if (v % c->nf != 0 || v / c->nf >= s->node_count)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "edge target %llu is not a node index; expected "
                           "a multiple of %u below %llu",
                           (unsigned long long)v, c->nf,
                           (unsigned long long)s->node_count * c->nf);
    s->edge_to[c->ord] = (uint32_t)(v / c->nf);
  }
  if (++c->col == c->ef) {
    c->col = 0;
    c->ord++;
  }
  return 0;
}

struct loc_ctx {
  struct lc_snapshot *s;
  struct reader *r;
  unsigned lf, nf;
  int f_obj, f_script, f_line, f_col;
  uint32_t alloc;
  unsigned col;
};

static int
store_loc(void *vctx, uint64_t i, uint64_t v, size_t at)
{
  struct loc_ctx *c = vctx;
  struct lc_snapshot *s = c->s;
  int col = (int)c->col;
  uint32_t k = s->loc_count;
  (void)i;
  if (v > UINT32_MAX)
    return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                         "location value %llu out of range",
                         (unsigned long long)v);
  if (c->col == 0) {
    if (k == UINT32_MAX)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "too many locations%s", "");
    if (k >= c->alloc) {
      size_t a = c->alloc;
      LC_ALLOC_GROW(s->loc_script, (size_t)k + 1, a);
      a = c->alloc;
      LC_ALLOC_GROW(s->loc_line, (size_t)k + 1, a);
      a = c->alloc;
      LC_ALLOC_GROW(s->loc_col, (size_t)k + 1, a);
      c->alloc = (uint32_t)(a > UINT32_MAX ? UINT32_MAX : a);
    }
    s->loc_script[k] = s->loc_line[k] = s->loc_col[k] = 0;
  }
  if (col == c->f_obj) {
    if (v % c->nf != 0 || v / c->nf >= s->node_count)
      return lc_err_set_at(c->r->err, LC_EINPUT, c->r->name, at,
                           "location object index %llu is not a node "
                           "index",
                           (unsigned long long)v);
    s->node_loc[v / c->nf] = k;
  } else if (col == c->f_script) {
    s->loc_script[k] = (uint32_t)v;
  } else if (col == c->f_line) {
    s->loc_line[k] = (uint32_t)v;
  } else if (col == c->f_col) {
    s->loc_col[k] = (uint32_t)v;
  }
  if (++c->col == c->lf) {
    c->col = 0;
    s->loc_count++;
  }
  return 0;
}

/* ---- strings ------------------------------------------------------------ */

static int
hexval(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int
read_u16(const char *p, size_t avail)
{
  int i, v = 0;
  if (avail < 4)
    return -1;
  for (i = 0; i < 4; i++) {
    int h = hexval((unsigned char)p[i]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/*
 * Decodes the JSON string body [s, e) into `o`; returns bytes written or
 * (size_t)-1 on a bad escape (position in *bad).  The output never exceeds
 * the input length: every escape is at least as long as its UTF-8 form.
 */
static size_t
decode_string(const char *p, size_t s, size_t e, char *o, size_t *bad)
{
  size_t i = s, w = 0;
  while (i < e) {
    const char *q = memchr(p + i, '\\', e - i);
    size_t run = q ? (size_t)(q - (p + i)) : e - i;
    memcpy(o + w, p + i, run);
    w += run;
    i += run;
    if (i >= e)
      break;
    /* p[i] == '\\' */
    if (i + 1 >= e) {
      *bad = i;
      return (size_t)-1;
    }
    switch (p[i + 1]) {
    case '"':
      o[w++] = '"';
      i += 2;
      break;
    case '\\':
      o[w++] = '\\';
      i += 2;
      break;
    case '/':
      o[w++] = '/';
      i += 2;
      break;
    case 'b':
      o[w++] = '\b';
      i += 2;
      break;
    case 'f':
      o[w++] = '\f';
      i += 2;
      break;
    case 'n':
      o[w++] = '\n';
      i += 2;
      break;
    case 'r':
      o[w++] = '\r';
      i += 2;
      break;
    case 't':
      o[w++] = '\t';
      i += 2;
      break;
    case 'u': {
      int u = read_u16(p + i + 2, e - i - 2);
      uint32_t cp;
      if (u < 0) {
        *bad = i;
        return (size_t)-1;
      }
      i += 6;
      cp = (uint32_t)u;
      if (u >= 0xD800 && u <= 0xDBFF) {
        int lo = -1;
        if (i + 6 <= e && p[i] == '\\' && p[i + 1] == 'u')
          lo = read_u16(p + i + 2, e - i - 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) +
               ((uint32_t)lo - 0xDC00);
          i += 6;
        } else {
          cp = 0xFFFD;
        }
      } else if (u >= 0xDC00 && u <= 0xDFFF) {
        cp = 0xFFFD;
      }
      w += put_utf8(o + w, cp);
      break;
    }
    default:
      *bad = i;
      return (size_t)-1;
    }
  }
  return w;
}

static int
scan_strings(struct reader *r, struct lc_snapshot *s)
{
  size_t alloc_off = 0, cap, w = 0;
  uint32_t k = 0;
  if (expect_char(r, '[', "'[' starting 'strings'") < 0)
    return -1;
  /* Decoded strings are never longer than their JSON form, and each one's
   * two quotes pay for its NUL: the rest of the file bounds the arena. */
  cap = r->len - r->pos + 1;
  s->arena = lc_xmalloc(cap);
  skip_ws(r);
  if (r->pos < r->len && r->p[r->pos] == ']') {
    r->pos++;
  } else {
    for (;;) {
      size_t bs, be, bad = 0, n;
      skip_ws(r);
      if (r->pos >= r->len)
        return fail(r, r->pos,
                    "unexpected end of file in 'strings'; the "
                    "file is truncated (was the writer killed?)%s",
                    "");
      if (raw_string(r, &bs, &be) < 0)
        return -1;
      n = decode_string(r->p, bs, be, s->arena + w, &bad);
      if (r->can_drop && r->pos - r->dropped > LC_DROP_STEP)
        drop_behind(r, bs);
      if (n == (size_t)-1)
        return fail(r, bad, "invalid escape in a string; expected %s",
                    "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
      if (k == UINT32_MAX)
        return fail(r, bs, "too many strings%s", "");
      LC_ALLOC_GROW(s->string_off, (size_t)k + 2, alloc_off);
      s->string_off[k++] = w;
      w += n;
      s->arena[w++] = '\0';
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
  LC_ALLOC_GROW(s->string_off, (size_t)k + 1, alloc_off);
  s->string_off[k] = w;
  s->string_count = k;
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

/* Validates cross-references once everything is read. */
/* Byte offsets of the sections, for errors found after reading them. */
struct sections {
  size_t nodes_at, edges_at, end_at;
};

static int
finish(struct reader *r, struct lc_snapshot *s, uint64_t edge_sum, int have[3],
       const struct sections *at)
{
  uint32_t i;
  uint64_t acc = 0;
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
  /* Turn per-node edge counts into prefix sums. */
  for (i = 0; i < s->node_count; i++) {
    uint32_t c = s->node_first_edge[i];
    s->node_first_edge[i] = (uint32_t)acc;
    acc += c;
  }
  s->node_first_edge[s->node_count] = (uint32_t)acc;
  for (i = 0; i < s->node_count; i++) {
    if (s->node_name[i] >= s->string_count)
      return lc_err_set_at(r->err, LC_EINPUT, r->name, at->nodes_at,
                           "node %u names string %u but there are only "
                           "%u strings",
                           i, s->node_name[i], s->string_count);
    s->node_type[i] = map_type(s->type_names[s->node_type_raw[i]],
                               node_type_names, 16, LC_NT_OTHER);
  }
  for (i = 0; i < s->edge_count; i++) {
    uint8_t t = s->edge_type[i];
    if (t != LC_ET_ELEMENT && t != LC_ET_HIDDEN &&
        s->edge_name[i] >= s->string_count)
      return lc_err_set_at(r->err, LC_EINPUT, r->name, at->edges_at,
                           "edge %u names string %u but there are only "
                           "%u strings",
                           i, s->edge_name[i], s->string_count);
  }
  return 0;
}

/* Reading the nodes array, possibly on a thread of its own (its reader
 * has a private error). */
struct nodes_job {
  struct reader r;
  struct lc_err err;
  struct node_ctx c;
  uint64_t count;
  int rc;
};

static void *
nodes_job(void *arg)
{
  struct nodes_job *j = arg;
  j->rc = scan_uint_array(&j->r, "'nodes'", store_node, &j->c, &j->count);
  return NULL;
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
  if (j->count != j->c.limit)
    return lc_err_set_at(r->err, LC_EINPUT, r->name, j->r.pos - 1,
                         "'nodes' has %llu values; expected node_count %u "
                         "times %u fields = %llu",
                         (unsigned long long)j->count, j->c.s->node_count,
                         j->c.nf, (unsigned long long)j->c.limit);
  *edge_sum = j->c.edge_sum;
  return 0;
}

static int parse(struct lc_snapshot *s, const char *name, const char *data,
                 size_t len, int can_drop, struct lc_err *err);

int
lc_snapshot_parse(struct lc_snapshot *s, const char *name, const char *data,
                  size_t len, struct lc_err *err)
{
  return parse(s, name, data, len, 0, err);
}

static int
parse(struct lc_snapshot *s, const char *name, const char *data, size_t len,
      int can_drop, struct lc_err *err)
{
  struct reader r = {name, data, len, 0, err, can_drop, 0};
  struct header h;
  size_t ks, ke, hs;
  uint64_t count = 0, edge_sum = 0;
  int have[3] = {0, 0, 0}, have_loc = 0;
  struct sections at = {0, 0, 0};
  struct nodes_job nj;
  pthread_t nodes_thread;
  int nodes_threaded = 0, key_pending = 0;
  size_t nodes_next_key = 0;
  uint32_t i;

  init_cclass();
  memset(&h, 0, sizeof(h));
  memset(&nj, 0, sizeof(nj));
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
    if (parse_header(&r, hs, hr.pos, &h) < 0)
      goto fail;
    r.pos = hr.pos;
  }

  /* Every value takes at least two bytes (a digit and a comma): counts the
   * file cannot hold are refused before anything is allocated for them. */
  if (h.node_count * h.nf > len / 2 + 1 || h.edge_count * h.ef > len / 2 + 1) {
    fail(&r, len,
         "the header promises %llu nodes and %llu edges, which "
         "need at least %llu bytes, but the file has %zu; expected a "
         "complete file (was the writer killed?)",
         (unsigned long long)h.node_count, (unsigned long long)h.edge_count,
         (unsigned long long)(h.node_count * h.nf + h.edge_count * h.ef) * 2,
         len);
    goto fail;
  }
  s->node_count = (uint32_t)h.node_count;
  s->edge_count = (uint32_t)h.edge_count;
  s->extra_native_bytes = h.extra_native_bytes;
  s->has_detachedness = field_index(h.node_fields, h.nf, "detachedness") >= 0;
  s->type_count = h.n_node_types;
  s->type_names = h.node_types;
  h.node_types = NULL;

  s->node_type = lc_xcalloc(s->node_count + 1, 1);
  s->node_type_raw = lc_xcalloc(s->node_count + 1, 1);
  s->node_name = lc_xcalloc(s->node_count + 1, sizeof(uint32_t));
  s->node_id = lc_xcalloc(s->node_count + 1, sizeof(uint32_t));
  s->node_self_size = lc_xcalloc(s->node_count + 1, sizeof(uint64_t));
  s->node_first_edge = lc_xcalloc((size_t)s->node_count + 1, sizeof(uint32_t));
  s->node_detachedness = lc_xcalloc(s->node_count + 1, 1);
  s->node_loc = lc_xmalloc(((size_t)s->node_count + 1) * sizeof(uint32_t));
  for (i = 0; i < s->node_count; i++)
    s->node_loc[i] = UINT32_MAX;
  s->edge_type = lc_xcalloc(s->edge_count + 1, 1);
  s->edge_name = lc_xcalloc(s->edge_count + 1, sizeof(uint32_t));
  s->edge_to = lc_xcalloc(s->edge_count + 1, sizeof(uint32_t));

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
      const char *q;
      memset(&nj, 0, sizeof(nj));
      nj.r = r;
      nj.r.err = &nj.err;
      drop_from(&nj.r, r.pos);
      nj.c.s = s;
      nj.c.r = &nj.r;
      nj.c.nf = h.nf;
      nj.c.f_type = field_index(h.node_fields, h.nf, "type");
      nj.c.f_name = field_index(h.node_fields, h.nf, "name");
      nj.c.f_id = field_index(h.node_fields, h.nf, "id");
      nj.c.f_self = field_index(h.node_fields, h.nf, "self_size");
      nj.c.f_edges = field_index(h.node_fields, h.nf, "edge_count");
      nj.c.f_det = field_index(h.node_fields, h.nf, "detachedness");
      nj.c.n_types = h.n_node_types;
      nj.c.limit = (uint64_t)s->node_count * h.nf;
      at.nodes_at = r.pos;
      have[0] = 1;
      /* The nodes array holds only digits, commas and blanks, so the next
       * "edges" key can be found without reading it: the edges (the bulk
       * of the file) are then read on this thread while another reads
       * the nodes. */
      q = len - r.pos > 64 ? memmem(r.p + r.pos, len - r.pos, "\"edges\"", 7)
                           : NULL;
      if (q && pthread_create(&nodes_thread, NULL, nodes_job, &nj) == 0) {
        nodes_threaded = 1;
        nodes_next_key = (size_t)(q - r.p);
        r.pos = nodes_next_key;
        drop_from(&r, r.pos);
        key_pending = 1;
        continue;
      }
      nodes_job(&nj);
      r.pos = nj.r.pos;
      if (nodes_done(&nj, &r, &edge_sum) < 0)
        goto fail;
    } else if (key_is(&r, ks, ke, "edges")) {
      struct edge_ctx c;
      memset(&c, 0, sizeof(c));
      c.s = s;
      c.r = &r;
      c.ef = h.ef;
      c.nf = h.nf;
      c.f_type = field_index(h.edge_fields, h.ef, "type");
      c.f_name = field_index(h.edge_fields, h.ef, "name_or_index");
      c.f_to = field_index(h.edge_fields, h.ef, "to_node");
      c.n_types = h.n_edge_types;
      for (i = 0; i < h.n_edge_types; i++)
        c.type_map[i] =
            map_type(h.edge_types[i], edge_type_names, 7, LC_ET_OTHER);
      c.limit = (uint64_t)s->edge_count * h.ef;
      at.edges_at = r.pos;
      if (scan_uint_array(&r, "'edges'", store_edge, &c, &count) < 0)
        goto fail;
      if (count != c.limit) {
        lc_err_set_at(err, LC_EINPUT, name, r.pos - 1,
                      "'edges' has %llu "
                      "values; expected edge_count %u times %u fields = "
                      "%llu",
                      (unsigned long long)count, s->edge_count, h.ef,
                      (unsigned long long)c.limit);
        goto fail;
      }
      have[1] = 1;
    } else if (key_is(&r, ks, ke, "locations") && h.lf) {
      struct loc_ctx c;
      memset(&c, 0, sizeof(c));
      c.s = s;
      c.r = &r;
      c.lf = h.lf;
      c.nf = h.nf;
      c.f_obj = field_index(h.loc_fields, h.lf, "object_index");
      c.f_script = field_index(h.loc_fields, h.lf, "script_id");
      c.f_line = field_index(h.loc_fields, h.lf, "line");
      c.f_col = field_index(h.loc_fields, h.lf, "column");
      if (scan_uint_array(&r, "'locations'", store_loc, &c, &count) < 0)
        goto fail;
      have_loc = 1;
      if (count % h.lf) {
        lc_err_set_at(err, LC_EINPUT, name, r.pos - 1,
                      "'locations' has "
                      "%llu values; expected a multiple of %u",
                      (unsigned long long)count, h.lf);
        goto fail;
      }
    } else if (key_is(&r, ks, ke, "strings")) {
      if (scan_strings(&r, s) < 0)
        goto fail;
      have[2] = 1;
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
  if (nodes_threaded) {
    nodes_threaded = 0;
    pthread_join(nodes_thread, NULL);
    if (nodes_done(&nj, &r, &edge_sum) < 0)
      goto fail;
    /* The nodes array must end right before the key we jumped to. */
    skip_ws(&nj.r);
    if (nj.r.pos < len && nj.r.p[nj.r.pos] == ',')
      nj.r.pos++;
    skip_ws(&nj.r);
    if (nj.r.pos != nodes_next_key) {
      fail(&r, nj.r.pos, "unexpected character after 'nodes'; expected %s",
           "',' and the next key");
      goto fail;
    }
  }
  if (finish(&r, s, edge_sum, have, &at) < 0)
    goto fail;
  header_release(&h);
  return 0;

fail:
  if (nodes_threaded) {
    pthread_join(nodes_thread, NULL);
    /* The earlier of the two errors is the one to report. */
    if (nj.err.code != LC_OK && err && nj.err.offset < err->offset) {
      lc_err_release(err);
      *err = nj.err;
      memset(&nj.err, 0, sizeof(nj.err));
    }
  }
  lc_err_release(&nj.err);
  header_release(&h);
  lc_snapshot_release(s);
  return -1;
}

int
lc_snapshot_read(struct lc_snapshot *s, const char *path, struct lc_err *err)
{
  int fd, ret;
  struct stat st;
  void *map;
  memset(s, 0, sizeof(*s));
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    lc_err_errno(err, e, path, "cannot open snapshot");
    err->code = LC_EINPUT;
    return -1;
  }
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return lc_err_set(err, LC_EINPUT, path, 0, 0,
                      "not a regular file; expected a .heapsnapshot file");
  }
  if (st.st_size == 0) {
    close(fd);
    return lc_err_set_at(err, LC_EINPUT, path, 0,
                         "empty file; expected a "
                         "V8 heap snapshot (a JSON object starting with "
                         "'{\"snapshot\"')");
  }
  map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    int e = errno;
    close(fd);
    lc_err_errno(err, e, path, "cannot map snapshot");
    err->code = LC_EINPUT;
    return -1;
  }
  close(fd);
  madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
  ret = parse(s, path, map, (size_t)st.st_size, 1, err);
  munmap(map, (size_t)st.st_size);
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
  free(s->node_detachedness);
  free(s->edge_type);
  free(s->edge_name);
  free(s->edge_to);
  free(s->string_off);
  free(s->arena);
  free(s->node_loc);
  free(s->loc_script);
  free(s->loc_line);
  free(s->loc_col);
  if (s->type_names)
    for (i = 0; i < s->type_count; i++)
      free(s->type_names[i]);
  free(s->type_names);
  memset(s, 0, sizeof(*s));
}

const char *
lc_snapshot_type_name(const struct lc_snapshot *s, uint32_t node)
{
  return s->type_names[s->node_type_raw[node]];
}
