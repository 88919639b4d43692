/*
 * Test helper shared by the engine suites: builds a .heapsnapshot text
 * from a table of nodes and edges, in the Node 20 (7 node fields) or
 * Node 24 (6 fields, no newlines) layout, and parses it.  The functions
 * are static inline so that a suite may use only some of them.
 */
#ifndef LEAKCHECK_SPECS_SNAPBUILD_H
#define LEAKCHECK_SPECS_SNAPBUILD_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"
#include "leakcheck/heap.h"

#define META_HEAD                                                             \
  "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\","       \
  "\"self_size\",\"edge_count\","
#define META20_FIELDS "\"trace_node_id\",\"detachedness\"],"
#define META24_FIELDS "\"detachedness\"],"
#define META_TYPES                                                            \
  "\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\",\"code\","     \
  "\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\","               \
  "\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\","          \
  "\"object shape\""
#define META20_TYPES ",\"wasm object\"],"
#define META24_TYPES "],"
#define META_TAIL                                                             \
  "\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],"       \
  "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"                 \
  "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\","       \
  "\"hidden\",\"shortcut\",\"weak\"],\"string_or_number\",\"node\"],"         \
  "\"location_fields\":[\"object_index\",\"script_id\",\"line\","             \
  "\"column\"]},"

static const char *const node_types[] = {
    "hidden",  "array",     "string",    "object",
    "code",    "closure",   "regexp",    "number",
    "native",  "synthetic", "concatenated string",
    "sliced string", "symbol", "bigint", "object shape", "wasm object"};
static const char *const edge_types[] = {"context",  "element", "property",
                                         "internal", "hidden",  "shortcut",
                                         "weak"};

/* A node: ordinal = position in the table. */
struct tn {
  const char *type;
  const char *name;
  unsigned id;
  unsigned long long self;
};

/* An edge; `name` is the decimal index for element and hidden edges. */
struct te {
  unsigned from;
  const char *type;
  const char *name;
  unsigned to;
};

struct tl {
  unsigned node, script, line, col;
};

struct tsnap {
  const struct tn *n;
  size_t nn;
  const struct te *e;
  size_t ne;
  const struct tl *l;
  size_t nl;
};

#define ARR(a) a, sizeof(a) / sizeof(a[0])
#define NOARR NULL, 0

static inline unsigned
type_index(const char *const *types, size_t ntypes, const char *t)
{
  size_t i;
  for (i = 0; i < ntypes; i++)
    if (strcmp(types[i], t) == 0)
      return (unsigned)i;
  ck_abort_msg("unknown type '%s' in a test table", t);
  return 0;
}

struct strtab {
  const char **s;
  size_t n, alloc;
};

static inline unsigned
intern(struct strtab *t, const char *s)
{
  size_t i;
  for (i = 0; i < t->n; i++)
    if (strcmp(t->s[i], s) == 0)
      return (unsigned)i;
  LC_ALLOC_GROW(t->s, t->n + 1, t->alloc);
  t->s[t->n] = s;
  return (unsigned)t->n++;
}

static inline void
json_str(struct lc_buf *b, const char *s)
{
  lc_buf_addch(b, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      lc_buf_addf(b, "\\%c", c);
    else if (c == '\n')
      lc_buf_addstr(b, "\\n");
    else if (c < 0x20 || c >= 0x7f)
      lc_buf_addf(b, "\\u%04X", c);
    else
      lc_buf_addch(b, (char)c);
  }
  lc_buf_addch(b, '"');
}

/* Writes `t` as snapshot JSON in the Node 20 (layout 20) or Node 24 layout,
 * edges grouped by source node in node order. */
static inline void
build_json(struct lc_buf *b, const struct tsnap *t, int layout)
{
  struct strtab st = {0};
  unsigned nf = layout == 20 ? 7 : 6;
  size_t i, j;
  int first = 1;
  intern(&st, "<dummy>");
  lc_buf_addstr(b, META_HEAD);
  lc_buf_addstr(b, layout == 20 ? META20_FIELDS : META24_FIELDS);
  lc_buf_addstr(b, META_TYPES);
  lc_buf_addstr(b, layout == 20 ? META20_TYPES : META24_TYPES);
  lc_buf_addstr(b, META_TAIL);
  lc_buf_addf(b, "\"node_count\":%zu,\"edge_count\":%zu,"
              "\"trace_function_count\":0},\n\"nodes\":[", t->nn, t->ne);
  for (i = 0; i < t->nn; i++) {
    unsigned ec = 0;
    for (j = 0; j < t->ne; j++)
      ec += t->e[j].from == i;
    lc_buf_addf(b, "%s%u,%u,%u,%llu,%u,%s0", i ? "\n," : "",
                type_index(node_types, layout == 20 ? 16 : 15, t->n[i].type),
                intern(&st, t->n[i].name), t->n[i].id, t->n[i].self, ec,
                layout == 20 ? "0," : "");
  }
  lc_buf_addstr(b, "],\n\"edges\":[");
  for (i = 0; i < t->nn; i++) {
    for (j = 0; j < t->ne; j++) {
      const struct te *e = &t->e[j];
      unsigned et;
      if (e->from != i)
        continue;
      ck_assert_uint_lt(e->to, t->nn);
      et = type_index(edge_types, 7, e->type);
      lc_buf_addf(b, "%s%u,", first ? "" : "\n,", et);
      if (et == 1 || et == 4)
        lc_buf_addstr(b, e->name);
      else
        lc_buf_addf(b, "%u", intern(&st, e->name));
      lc_buf_addf(b, ",%u", e->to * nf);
      first = 0;
    }
  }
  lc_buf_addstr(b, "],\n\"trace_function_infos\":[],\"trace_tree\":[],"
                   "\"samples\":[],\n\"locations\":[");
  for (i = 0; i < t->nl; i++)
    lc_buf_addf(b, "%s%u,%u,%u,%u", i ? "," : "", t->l[i].node * nf,
                t->l[i].script, t->l[i].line, t->l[i].col);
  lc_buf_addstr(b, "],\n\"strings\":[");
  for (i = 0; i < st.n; i++) {
    if (i)
      lc_buf_addstr(b, ",\n");
    json_str(b, st.s[i]);
  }
  lc_buf_addstr(b, "]}");
  free(st.s);
}

/* Parses `t` in `layout`; with LC_DUMP_SNAPSHOTS=DIR also writes it to
 * DIR/<name>-<layout>.heapsnapshot for the DevTools cross-check. */
static inline void
load(struct lc_snapshot *s, const struct tsnap *t, const char *name,
     int layout)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_err err = LC_ERR_INIT;
  const char *dir = getenv("LC_DUMP_SNAPSHOTS");
  int rc;
  build_json(&b, t, layout);
  if (dir && *dir) {
    char *path = lc_xasprintf("%s/%s-%d.heapsnapshot", dir, name, layout);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fwrite(b.buf, 1, b.len, f);
    fclose(f);
    free(path);
  }
  rc = lc_snapshot_parse(s, name, b.buf, b.len, &err);
  ck_assert_msg(rc == 0, "%s: %s (byte %llu)", name,
                err.msg ? err.msg : "?", err.offset);
  ck_assert_uint_eq(s->node_count, t->nn);
  ck_assert_uint_eq(s->edge_count, t->ne);
  lc_buf_release(&b);
}

#endif
