/*
 * The snapshot reader and the Summary view on small hand-written snapshots
 * whose answers are known, plus every kind of malformed input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/jsonstr.h"
#include "leakcheck/buf.h"
#include "leakcheck/heap.h"

#include "snapbuild.h"
#include "testutil.h"

/* The Node 20 meta block (7 node fields, 16 node types). */
#define META20                                                                 \
  "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\","        \
  "\"self_size\",\"edge_count\",\"trace_node_id\",\"detachedness\"],"          \
  "\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\",\"code\","      \
  "\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\","                \
  "\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\","           \
  "\"object shape\",\"wasm object\"],\"string\",\"number\",\"number\","        \
  "\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\","               \
  "\"name_or_index\",\"to_node\"],\"edge_types\":[[\"context\",\"element\","   \
  "\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],"               \
  "\"string_or_number\",\"node\"],\"location_fields\":[\"object_index\","      \
  "\"script_id\",\"line\",\"column\"]},"

/* The Node 24 meta block: 6 node fields (no trace_node_id), node_types not
 * parallel to node_fields, no newlines. */
#define META24                                                                 \
  "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\","        \
  "\"self_size\",\"edge_count\",\"detachedness\"],"                            \
  "\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\",\"code\","      \
  "\"closure\",\"regexp\",\"number\",\"native\",\"synthetic\","                \
  "\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\","           \
  "\"object shape\"],\"string\",\"number\",\"number\","                        \
  "\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\","               \
  "\"name_or_index\",\"to_node\"],\"edge_types\":[[\"context\",\"element\","   \
  "\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],"               \
  "\"string_or_number\",\"node\"],\"location_fields\":[\"object_index\","      \
  "\"script_id\",\"line\",\"column\"]},"

#define TAIL ",\"trace_function_infos\":[],\"trace_tree\":[],\"samples\":[]"

/*
 * A small heap (Node 20 layout, NF = 7):
 *  0 root (synthetic)          -> shortcut "1" to 1 (global: a user root)
 *  1 global (object, 100)      -> property "a" to 2, "b" to 3, "k" to 4,
 *                                 "f" to 5, "r" to 6, internal "elements" 7
 *  2 Object {x, y} (object 20) -> property x -> 8, property y -> 8
 *  3 Object {x, y} (object 20) -> property x -> 8, property y -> 8
 *  4 Keep (object 16, located) -> hidden edge to 9 (a hidden 30)
 *  5 closure "f" (40)
 *  6 regexp "/a/" (24)
 *  7 array (elements of global, 50): one owner -> moves into global
 *  8 string "hi" (12), owned by 2 and 3 -> stays
 *  9 hidden "system / Foo" (30), owned only by 4 -> moves into Keep
 * 10 code (8)
 * 11 Object with no properties (object 10) -> stays "Object"
 */
static const char small20[] = META20
    "\"node_count\":12,\"edge_count\":12,\"trace_function_count\":0},\n"
    "\"nodes\":[9,0,1,0,1,0,0\n"
    ",3,1,3,100,6,0,0\n"
    ",3,2,5,20,2,0,0\n"
    ",3,2,7,20,2,0,0\n"
    ",3,3,9,16,1,0,0\n"
    ",5,4,11,40,0,0,0\n"
    ",6,5,13,24,0,0,0\n"
    ",1,6,15,50,0,0,0\n"
    ",2,7,17,12,0,0,0\n"
    ",0,8,19,30,0,0,0\n"
    ",4,9,21,8,0,0,0\n"
    ",3,2,23,10,0,0,0],\n"
    "\"edges\":[5,10,7\n"
    ",2,11,14,2,12,21,2,13,28,2,14,35,2,15,42,3,16,49\n"
    ",2,17,56,2,18,56\n"
    ",2,17,56,2,18,56\n"
    ",4,0,63]" TAIL ",\n"
    "\"locations\":[28,42,1,24],\n"
    "\"strings\":[\"<dummy>\",\"global\",\"Object\",\"Keep\",\"f\",\"/a/\","
    "\"\",\"hi\",\"system / Foo\",\"code\",\"1\",\"a\",\"b\",\"k\",\"f\","
    "\"r\",\"elements\",\"x\",\"y\"]}";

struct row_case {
  const char *key;
  unsigned long long count;
  unsigned long long self;
};

static const struct row_case small_rows[] = {
    {",global", 1, 150},     /* 100 + its owned elements array (50) */
    {",{x, y}", 2, 40},      /* interface inference: two objects */
    {"42,1,24,Keep", 1, 46}, /* located class + its owned hidden (30) */
    {",Function", 1, 40},    /* closure → Function */
    {",RegExp", 1, 24},      /* regexp → RegExp */
    {",(string)", 1, 12},    /* owned by two objects: not moved */
    {",(compiled code)", 1, 8},
    {",Object", 1, 10}, /* no properties: stays Object */
};

START_TEST(summary_small_rows)
{
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_err err = LC_ERR_INIT;
  const struct row_case *c = &small_rows[_i];
  const struct lc_summary_row *r;
  ck_assert_int_eq(
      lc_snapshot_parse(&s, "small", small20, sizeof(small20) - 1, &err), 0);
  lc_summary_build(&sum, &s, NULL);
  r = lc_test_find_row(&sum, c->key);
  ck_assert_msg(r != NULL, "row %s missing", c->key);
  ck_assert_uint_eq(r->count, c->count);
  ck_assert_uint_eq(r->self_size, c->self);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
}
END_TEST

START_TEST(summary_small_totals)
{
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(
      lc_snapshot_parse(&s, "small", small20, sizeof(small20) - 1, &err), 0);
  ck_assert_uint_eq(s.node_count, 12);
  ck_assert_uint_eq(s.edge_count, 12);
  ck_assert_uint_eq(s.string_count, 19);
  ck_assert_uint_eq(s.node_first_edge[1], 1);
  ck_assert_uint_eq(s.node_first_edge[12], 12);
  ck_assert_uint_eq(lc_snapshot_edge_to(&s, 0), 1);
  ck_assert_ptr_null(s.edge_name_hi); /* no name of 2^16 or more */
  ck_assert_uint_eq(s.node_id[11], 23);
  lc_summary_build(&sum, &s, NULL);
  /* Root (size 0) and the two emptied nodes drop out: 8 rows, 9 nodes. */
  ck_assert_uint_eq(sum.nrows, 8);
  ck_assert_uint_eq(sum.total_size, 330);
  ck_assert_str_eq(sum.rows[0].key, ",global"); /* largest first */
  ck_assert_uint_eq(sum.node_row[7], UINT32_MAX);
  ck_assert_uint_eq(sum.node_row[9], UINT32_MAX);
  ck_assert_str_eq(sum.rows[sum.node_row[4]].name, "Keep");
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
}
END_TEST

/* Node 24: 6 fields, no newlines, extra_native_bytes; detached natives. */
static const char small24[] =
    META24 "\"node_count\":4,\"edge_count\":2,\"trace_function_count\":0,"
           "\"extra_native_bytes\":1000},"
           "\"nodes\":[9,0,1,0,1,0,8,1,3,40,1,2,8,2,5,16,0,0,8,3,7,8,0,1],"
           "\"edges\":[1,0,6,3,4,12]" TAIL ",\"locations\":[],"
           "\"strings\":[\"<dummy>\",\"HTMLDivElement\",\"<div id=\\\"x\\\">\","
           "\"Node / Other\",\"child\"]}";

START_TEST(summary_node24_detached)
{
  struct lc_snapshot s;
  struct lc_summary sum;
  struct lc_err err = LC_ERR_INIT;
  const struct lc_summary_row *r;
  ck_assert_int_eq(
      lc_snapshot_parse(&s, "n24", small24, sizeof(small24) - 1, &err), 0);
  ck_assert(s.has_detachedness);
  ck_assert_uint_eq(s.extra_native_bytes, 1000);
  lc_summary_build(&sum, &s, NULL);
  /* Node 1 is detached (2) and passes it to node 2 over an internal edge;
   * node 3 is attached (1). "<div id=..>" shortens to "<div>". */
  r = lc_test_find_row(&sum, ",Detached HTMLDivElement");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->self_size, 40);
  r = lc_test_find_row(&sum, ",Detached <div>");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->count, 1);
  r = lc_test_find_row(&sum, ",Node / Other");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(sum.total_size, 40 + 16 + 8 + 1000);
  lc_summary_release(&sum);
  lc_snapshot_release(&s);
}
END_TEST

/* String decoding: escapes, surrogate pairs, lone surrogates.  Each
 * string is a node's name (the reader keeps only strings named). */
static const char strings_case[] =
    META24 "\"node_count\":6,\"edge_count\":0},"
           "\"nodes\":[9,0,1,0,0,0,9,1,3,0,0,0,9,2,5,0,0,0,9,3,7,0,0,0,"
           "9,4,9,0,0,0,9,5,11,0,0,0],\"edges\":[],\"locations\":[],"
           "\"strings\":[\"a\\\"b\\\\c\\/d\\n\\t\\u0001\",\"\\u00E9\\u20AC\","
           "\"\\uD83D\\uDE00\",\"\\uD800x\",\"\\uDC00\",\"\"]}";

START_TEST(strings_decoded)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_snapshot_parse(&s, "str", strings_case,
                                     sizeof(strings_case) - 1, &err),
                   0);
  ck_assert_uint_eq(s.string_count, 6);
  ck_assert_str_eq(lc_snapshot_str(&s, 0), "a\"b\\c/d\n\t\x01");
  ck_assert_str_eq(lc_snapshot_str(&s, 1), "\xC3\xA9\xE2\x82\xAC");
  ck_assert_str_eq(lc_snapshot_str(&s, 2), "\xF0\x9F\x98\x80");
  ck_assert_str_eq(lc_snapshot_str(&s, 3), "\xEF\xBF\xBDx");
  ck_assert_str_eq(lc_snapshot_str(&s, 4), "\xEF\xBF\xBD");
  ck_assert_str_eq(lc_snapshot_str(&s, 5), "");
  lc_snapshot_release(&s);
}
END_TEST

static char *write_temp(struct lc_buf *b);

/* Decoding in parts, as the reader does with a long string, gives what
 * decoding at once gives, wherever the parts end: inside a run of plain
 * bytes, inside an escape or between the halves of a surrogate pair. */
START_TEST(unescape_in_parts)
{
  static const char *const in[] = {"plain",
                                   "a\\\"b\\\\c\\/d\\n\\t\\u0001",
                                   "\\uD83D\\uDE00x\\uD83D\\uDE00",
                                   "\\uD800x\\uDC00\\u00E9\\u20AC",
                                   "xx\\uD83Dyy",
                                   "\\\\\\\\\\\\"};
  size_t i, stop;
  for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
    size_t len = strlen(in[i]), bad = 0, whole_n;
    char whole[64], part[64];
    whole_n = lc_json_unescape(in[i], len, whole, &bad);
    ck_assert_uint_ne(whole_n, (size_t)-1);
    for (stop = 1; stop <= len + 1; stop++) {
      size_t at = 0, w = 0, parts = 0;
      while (at < len) {
        size_t used = 0, n = lc_json_unescape_upto(in[i] + at, len - at, stop,
                                                   part + w, &used, &bad);
        ck_assert_uint_ne(n, (size_t)-1);
        ck_assert_uint_ge(used, stop < len - at ? stop : len - at);
        w += n;
        at += used;
        parts++;
      }
      ck_assert_uint_eq(at, len);
      ck_assert_uint_le(parts, len / stop + 1);
      ck_assert_uint_eq(w, whole_n);
      ck_assert_mem_eq(part, whole, w);
    }
  }
}
END_TEST

/* A string longer than the reader's drop step (2 MiB), read from a file:
 * it is searched and decoded a step at a time, giving back the pages read
 * (the bound of B6: memory within the file's size), and decodes to the
 * same bytes: escapes and surrogate pairs that straddle the steps
 * included.  _i 1, 3, 6: a bad escape past the first steps is reported at its
 * byte offset in the file.  _i 0 and 1: an object's name; 2 and 3: only a
 * string node's, a value no view shows, kept cut to its first 8 KiB of
 * JSON and "…" (the rest still checked); 4: both, kept whole; 5 and 6:
 * no one's, not kept, still checked. */
START_TEST(long_string_in_steps)
{
  static const char unit[] = "abc\\u00E9\\uD83D\\uDE00\\\"\\\\";
  static const char dec[] = "abc\xC3\xA9\xF0\x9F\x98\x80\"\\";
  size_t reps = (5u << 20) / (sizeof(unit) - 1), k, at_bad = 0, n;
  int bad = _i == 1 || _i == 3 || _i == 6;
  struct lc_buf b = LC_BUF_INIT;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  const char *got;
  char *path;
  lc_buf_addf(&b,
              META24 "\"node_count\":%d,\"edge_count\":0},"
                     "\"nodes\":[%d,%d,1,16,0,0%s],\"edges\":[],"
                     "\"strings\":[\"",
              _i == 4 ? 2 : 1, _i < 2 ? 3 : 2, _i >= 5 ? 1 : 0,
              _i == 4 ? ",3,0,3,16,0,0" : "");
  for (k = 0; k < reps; k++) {
    if (bad && k == reps * 3 / 4) {
      at_bad = b.len;
      lc_buf_addstr(&b, "\\q");
    }
    lc_buf_addstr(&b, unit);
  }
  lc_buf_addstr(&b, "\",\"p\"]}");
  path = write_temp(&b);
  if (_i == 5) {
    ck_assert_int_eq(lc_snapshot_read(&s, path, &err), 0);
    ck_assert_str_eq(lc_snapshot_str(&s, 0), "p");
    lc_snapshot_release(&s);
  } else if (bad) {
    ck_assert_int_eq(lc_snapshot_read(&s, path, &err), -1);
    ck_assert_int_eq(err.has_offset, 1);
    ck_assert_uint_eq(err.offset, at_bad);
    ck_assert_ptr_nonnull(strstr(err.msg, "invalid escape in a string"));
    lc_err_release(&err);
  } else {
    ck_assert_int_eq(lc_snapshot_read(&s, path, &err), 0);
    got = lc_snapshot_str(&s, 0);
    n = _i == 2 ? (8192 / (sizeof(unit) - 1)) : reps;
    if (_i == 2) {
      /* Whole units up to the cut, part of the next, then "…". */
      ck_assert_uint_le(strlen(got), 8192 + 3);
      ck_assert_uint_gt(strlen(got), n * (sizeof(dec) - 1));
      ck_assert_str_eq(got + strlen(got) - 3, "\xE2\x80\xA6");
    } else {
      ck_assert_uint_eq(strlen(got), reps * (sizeof(dec) - 1));
    }
    for (k = 0; k < n; k++)
      ck_assert_mem_eq(got + k * (sizeof(dec) - 1), dec, sizeof(dec) - 1);
    lc_snapshot_release(&s);
  }
  unlink(path);
  free(path);
}
END_TEST

/* A value cut where a UTF-8 sequence is split ends before that sequence:
 * "x" and 5000 "é" (2 bytes each) keep "x", 4095 "é" and "…". */
START_TEST(cut_value_whole_utf8)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  const char *got;
  size_t k;
  lc_buf_addstr(&b, META24 "\"node_count\":1,\"edge_count\":0},"
                           "\"nodes\":[2,0,1,16,0,0],\"edges\":[],"
                           "\"strings\":[\"x");
  for (k = 0; k < 5000; k++)
    lc_buf_addstr(&b, "\xC3\xA9");
  lc_buf_addstr(&b, "\"]}");
  ck_assert_int_eq(lc_snapshot_parse(&s, "utf8", b.buf, b.len, &err), 0);
  got = lc_snapshot_str(&s, 0);
  ck_assert_uint_eq(strlen(got), 1 + 4095 * 2 + 3);
  ck_assert_int_eq(got[0], 'x');
  for (k = 0; k < 4095; k++)
    ck_assert_mem_eq(got + 1 + 2 * k, "\xC3\xA9", 2);
  ck_assert_str_eq(got + 1 + 4095 * 2, "\xE2\x80\xA6");
  lc_snapshot_release(&s);
  lc_buf_release(&b);
}
END_TEST

/* Strings no node or edge names are not kept (B6: a file of millions of
 * unused strings must not cost memory per string); names are renumbered
 * to the strings kept, in file order.  An element edge's index is not a
 * string and stays as written. */
static const char unused_strings_case[] =
    META24 "\"node_count\":2,\"edge_count\":2},"
           "\"nodes\":[9,3,1,0,2,0,3,1,3,0,0,0],"
           "\"edges\":[2,5,6,1,7,6],"
           "\"strings\":[\"u0\",\"B\",\"\",\"A\",\"\",\"p\",\"\\u0000\",\"\"]}";

/* B2/C2: the file is cut after lc_snapshot_read() mapped it.  The reader
 * calls this hook (weak; only tests define it) between mapping and
 * parsing; with cut_to >= 0 it truncates the file there, as another
 * process could: the parse must end with an error, not SIGBUS. */
static long cut_to = -1;

void lc_snapshot_test_mapped(const char *path, size_t len);

void
lc_snapshot_test_mapped(const char *path, size_t len)
{
  (void)len;
  if (cut_to >= 0)
    ck_assert_int_eq(truncate(path, cut_to), 0);
}

/* A snapshot of n nodes each with an edge to the first: some 20 bytes a
 * node, so that both threads read it. */
/* Writes b into a new temp file (its path returned, the caller's to
 * unlink and free) and releases b. */
static char *
write_temp(struct lc_buf *b)
{
  char *path = lc_xstrdup("/tmp/lc-cut-XXXXXX");
  int fd = mkstemp(path);
  FILE *f;
  ck_assert_int_ge(fd, 0);
  f = fdopen(fd, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b->buf, 1, b->len, f), b->len);
  fclose(f);
  lc_buf_release(b);
  return path;
}

static char *
write_chain(unsigned n, size_t *len)
{
  struct lc_buf b = LC_BUF_INIT;
  unsigned i;
  lc_buf_addf(&b, META24 "\"node_count\":%u,\"edge_count\":%u},\n\"nodes\":[",
              n, n);
  for (i = 0; i < n; i++)
    lc_buf_addf(&b, "%s9,0,%u,16,1,0", i ? "," : "", 2 * i + 1);
  lc_buf_addstr(&b, "],\n\"edges\":[");
  for (i = 0; i < n; i++)
    lc_buf_addf(&b, "%s2,1,0", i ? "," : "");
  lc_buf_addstr(&b, "],\n\"strings\":[\"Root\",\"next\"]}");
  *len = b.len;
  return write_temp(&b);
}

static const long cut_at[] = {0, 4096, 3 * 4096, 200 * 4096};

/* The file is cut between the skip of an allocation-stack section and
 * its parse (the two reads of its bytes): the second read faults inside
 * the parser of trace_function_infos or trace_tree, which must leave no
 * memory behind (LeakSanitizer checks). */
static long cut_trace_to = -1;
static int cut_trace_infos;

void lc_snapshot_test_trace(const char *path, int infos);

void
lc_snapshot_test_trace(const char *path, int infos)
{
  if (cut_trace_to >= 0 && infos == cut_trace_infos) {
    ck_assert_int_eq(truncate(path, cut_trace_to), 0);
    cut_trace_to = -1;
  }
}

/* Two nodes, then `n` trace function infos and a trace tree of `n` nodes
 * nested as a chain: each section is some 20 bytes an entry.  Sets the
 * offsets of both sections. */
static char *
write_traced(unsigned n, size_t *infos_at, size_t *tree_at)
{
  struct lc_buf b = LC_BUF_INIT;
  unsigned i;
  lc_buf_addstr(&b, META24 "\"node_count\":2,\"edge_count\":1},"
                           "\"nodes\":[9,0,1,0,1,0,3,1,3,16,0,0],"
                           "\"edges\":[2,1,6],\"trace_function_infos\":[");
  *infos_at = b.len;
  for (i = 0; i < n; i++)
    lc_buf_addf(&b, "%s%u,1,0,1,%u,1", i ? "," : "", i, i + 1);
  lc_buf_addstr(&b, "],\"trace_tree\":");
  *tree_at = b.len;
  for (i = 0; i < n; i++)
    lc_buf_addf(&b, "[%u,%u,1,16,", i + 1, i);
  lc_buf_addstr(&b, "[]");
  for (i = 0; i < n; i++)
    lc_buf_addstr(&b, "]");
  lc_buf_addstr(&b, ",\"strings\":[\"Root\",\"A\"]}");
  return write_temp(&b);
}

/* _i 0: cut inside trace_function_infos; 1: inside trace_tree. */
START_TEST(cut_in_trace_sections)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  size_t infos_at, tree_at;
  char *path = write_traced(20000, &infos_at, &tree_at);
  ck_assert_uint_gt(tree_at - infos_at, 8 * 4096);
  /* Uncut, both sections read. */
  ck_assert_int_eq(lc_snapshot_read(&s, path, &err), 0);
  ck_assert_uint_eq(s.trace_info_count, 20000);
  ck_assert_uint_eq(s.trace_count, 20001);
  lc_snapshot_release(&s);
  /* At a page's start, so that the first byte cut faults (the rest of a
   * cut page reads as zeros). */
  cut_trace_to = (long)((_i == 0 ? infos_at : tree_at) / 4096 + 4) * 4096;
  cut_trace_infos = _i == 0;
  ck_assert_int_eq(lc_snapshot_read(&s, path, &err), -1);
  ck_assert_int_eq(cut_trace_to, -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_msg(strstr(err.msg, "snapshot changed while being read") != NULL,
                "%s", err.msg);
  ck_assert_uint_eq(
      err.offset,
      (unsigned long long)((_i == 0 ? infos_at : tree_at) / 4096 + 4) * 4096);
  ck_assert_ptr_null(s.trace_info);
  ck_assert_ptr_null(s.trace_fn);
  lc_err_release(&err);
  unlink(path);
  free(path);
}
END_TEST

START_TEST(cut_while_mapped)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  size_t len;
  char *path = write_chain(100000, &len);
  ck_assert_uint_gt(len, 1000000);
  /* Uncut, it reads. */
  ck_assert_int_eq(lc_snapshot_read(&s, path, &err), 0);
  ck_assert_uint_eq(s.node_count, 100000);
  lc_snapshot_release(&s);
  cut_to = cut_at[_i];
  ck_assert_int_eq(lc_snapshot_read(&s, path, &err), -1);
  cut_to = -1;
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.path, path);
  ck_assert_msg(strstr(err.msg, "snapshot changed while being read") != NULL,
                "%s", err.msg);
  ck_assert_int_eq(err.has_offset, 1);
  /* The first page gone is the first byte that faults. */
  ck_assert_uint_ge(err.offset, (unsigned long long)cut_at[_i]);
  ck_assert_uint_lt(err.offset, len);
  ck_assert_ptr_null(s.node_type);
  lc_err_release(&err);
  unlink(path);
  free(path);
}
END_TEST

START_TEST(unused_strings_dropped)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_snapshot_parse(&s, "str", unused_strings_case,
                                     sizeof(unused_strings_case) - 1, &err),
                   0);
  ck_assert_uint_eq(s.string_count, 3); /* B, A, p */
  ck_assert_str_eq(lc_snapshot_str(&s, s.node_name[0]), "A");
  ck_assert_str_eq(lc_snapshot_str(&s, s.node_name[1]), "B");
  ck_assert_str_eq(lc_snapshot_str(&s, lc_snapshot_edge_name(&s, 0)), "p");
  ck_assert_uint_eq(lc_snapshot_edge_name(&s, 1), 7); /* element index */
  lc_snapshot_release(&s);
}
END_TEST

/* Malformed input: each gives LC_EINPUT with this exact message and byte
 * offset. */
struct bad_case {
  const char *text;
  const char *msg;
  unsigned long long offset;
};

#define GOOD_HEAD META24 "\"node_count\":1,\"edge_count\":0},"
#define HEAD_LEN (sizeof(GOOD_HEAD) - 1)

static const struct bad_case bad_cases[] = {
    {"",
     "empty file; expected a V8 heap snapshot (a JSON object starting "
     "with '{\"snapshot\"')",
     0},
    {"  \n",
     "empty file; expected a V8 heap snapshot (a JSON object "
     "starting with '{\"snapshot\"')",
     0},
    {"hello",
     "unexpected character; expected '{' (a V8 heap snapshot is a "
     "JSON object)",
     0},
    {"{\"nodes\":[]}",
     "expected the key 'snapshot' first (is this a V8 heap "
     "snapshot?)",
     1},
    {"{\"snapshot\":{\"meta\":{}}}",
     "malformed snapshot header; expected "
     "'snapshot.node_count' (an unsigned "
     "integer)",
     12},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,0],\"edges\":[],\"strings\":[\"<d",
     "unexpected end of file inside a string; expected '\"'", HEAD_LEN + 47},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,0],\"edges\":[],\"strings\":[\"<d\"",
     "unexpected end of file in 'strings'; the file is truncated (was the "
     "writer killed?)",
     HEAD_LEN + 48},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0",
     "unexpected end of file in 'nodes'; the file is truncated (was the "
     "writer killed?)",
     HEAD_LEN + 18},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,0,9],\"edges\":[],\"strings\":[\"\"]}",
     "'nodes' has more values than node_count (1) times 6 fields",
     HEAD_LEN + 21},
    {GOOD_HEAD "\"nodes\":[9,0,1,0],\"edges\":[],\"strings\":[\"\"]}",
     "'nodes' has 4 values; expected node_count 1 times 6 fields = 6",
     HEAD_LEN + 16},
    {GOOD_HEAD "\"nodes\":[99,0,1,0,0,0],\"edges\":[],\"strings\":[\"\"]}",
     "node type 99 out of range; expected less than 15", HEAD_LEN + 9},
    {GOOD_HEAD "\"nodes\":[9,5,1,0,0,0],\"edges\":[],\"strings\":[\"\"]}",
     "node 0 names string 5 but there are only 1 strings", HEAD_LEN + 8},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,1,0],\"edges\":[],\"strings\":[\"\"]}",
     "the nodes' edge counts add up to 1 but edge_count is 0; expected them "
     "equal",
     HEAD_LEN + 8},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,0],\"edges\":[],\"strings\":[\"\"]}x",
     "unexpected data after the end; expected the end of the file after the "
     "final '}'",
     HEAD_LEN + 48},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,0],\"edges\":[],\"strings\":[\"\\q\"]}",
     "invalid escape in a string; expected one of \\\" \\\\ \\/ \\b \\f \\n "
     "\\r \\t \\uXXXX",
     HEAD_LEN + 45},
    /* In a string no node or edge names (not kept, still checked). */
    {GOOD_HEAD
     "\"nodes\":[9,0,1,0,0,0],\"edges\":[],\"strings\":[\"\",\"\\q\"]}",
     "invalid escape in a string; expected one of \\\" \\\\ \\/ \\b \\f \\n "
     "\\r \\t \\uXXXX",
     HEAD_LEN + 48},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,-1],\"edges\":[],\"strings\":[\"\"]}",
     "unexpected character in 'nodes'; expected an unsigned integer",
     HEAD_LEN + 19},
    {GOOD_HEAD "\"nodes\":[9,0,1,0,0,0],\"strings\":[\"\"]}",
     "missing 'edges' array; expected a complete V8 heap snapshot",
     HEAD_LEN + 36},
    /* Found by fuzzing: headers that once read past jsmn's tokens, leaked
     * or allocated what the header claimed. */
    {"{\"snapshot\":{4}", "malformed snapshot header; expected a JSON object",
     12},
    {"{\"snapshot\":{\"meta\":{\"node_fields\"}}}",
     "malformed snapshot header; expected 'snapshot.node_count' (an unsigned "
     "integer)",
     12},
    {"{\"snapshot\":{\"node_count\"}",
     "malformed snapshot header; expected 'snapshot.meta'", 12},
    {"{\"snapshot\":{\"meta\":{\"edge_fields\":[\"a\"],\"edge_fields\":[\"b\"]}"
     ","
     "\"node_count\":0,\"edge_count\":0}}",
     "malformed snapshot header; expected 'meta.edge_fields' once, as an "
     "array of at most 64 strings",
     12},
    /* B5: self sizes are bounded by 2^53, one by one and in total. */
    {GOOD_HEAD "\"nodes\":[9,0,1,9007199254740993,0,0],\"edges\":[],"
               "\"strings\":[\"\"]}",
     "self_size 9007199254740993 makes the heap larger than 2^53 bytes; "
     "expected a real heap's sizes",
     HEAD_LEN + 15},
    {GOOD_HEAD "\"nodes\":[9,0,1,18446744073709551615,0,0],\"edges\":[],"
               "\"strings\":[\"\"]}",
     "self_size 18446744073709551615 makes the heap larger than 2^53 bytes; "
     "expected a real heap's sizes",
     HEAD_LEN + 15},
    {META24 "\"node_count\":2,\"edge_count\":0},\"nodes\":[9,0,1,"
            "4503599627370496,0,0,9,0,3,4503599627370497,0,0],\"edges\":[],"
            "\"strings\":[\"\"]}",
     "self_size 4503599627370497 makes the heap larger than 2^53 bytes; "
     "expected a real heap's sizes",
     627 /* the second self_size */},
    {META24 "\"node_count\":4000000000,\"edge_count\":0},\"nodes\":[],"
            "\"edges\":[],\"strings\":[]}",
     "the header promises 4000000000 nodes and 0 edges, which need at least "
     "48000000593 bytes, but the file has 629; expected a complete file "
     "(was the writer killed?)",
     629},
};

START_TEST(bad_input)
{
  const struct bad_case *c = &bad_cases[_i];
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(
      lc_snapshot_parse(&s, "bad.heapsnapshot", c->text, strlen(c->text), &err),
      -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.msg, c->msg);
  ck_assert_str_eq(err.path, "bad.heapsnapshot");
  ck_assert_int_eq(err.has_offset, 1);
  ck_assert_uint_eq(err.offset, c->offset);
  lc_err_release(&err);
}
END_TEST

/* An edge pointing outside the nodes. */
START_TEST(bad_edge_target)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  char *m;
  lc_buf_addstr(
      &b,
      META24 "\"node_count\":1,\"edge_count\":1},"
             "\"nodes\":[9,0,1,0,1,0],\"edges\":[1,0,7],\"strings\":[\"\"]}");
  ck_assert_int_eq(lc_snapshot_parse(&s, "e.heapsnapshot", b.buf, b.len, &err),
                   -1);
  m = lc_err_format(&err);
  ck_assert_str_eq(m, "e.heapsnapshot: byte 620: edge target 7 is not a node "
                      "index; expected a multiple of 6 below 6");
  free(m);
  lc_err_release(&err);
  lc_buf_release(&b);
}
END_TEST

/* Locations: written out of node order, some nodes twice (the last one in
 * the file wins), across several 64-node words of the bitset. */
static const struct tl loc_table[] = {
    {100, 1, 2, 3},  {5, 4, 5, 6},     {100, 7, 8, 9},    {64, 10, 11, 12},
    {0, 13, 14, 15}, {63, 16, 17, 18}, {129, 19, 20, 21}, {5, 22, 23, 24}};

START_TEST(locations_by_node)
{
  static struct tn nodes[130];
  static const unsigned located[] = {0, 5, 63, 64, 100, 129};
  static const unsigned want[][3] = {{13, 14, 15}, {22, 23, 24}, {16, 17, 18},
                                     {10, 11, 12}, {7, 8, 9},    {19, 20, 21}};
  struct tsnap t = {NULL, 0, NOARR, ARR(loc_table)};
  struct lc_snapshot s;
  unsigned i, j = 0, prev = 0;
  for (i = 0; i < 130; i++) {
    nodes[i].type = "object";
    nodes[i].name = "Obj";
    nodes[i].id = 2 * i + 1;
    nodes[i].self = 8;
  }
  t.n = nodes;
  t.nn = 130;
  load(&s, &t, "loc", _i ? 24 : 20);
  ck_assert_uint_eq(s.loc_count, 6);
  for (i = 0; i < 130; i++) {
    uint32_t l = lc_snapshot_loc(&s, i);
    if (j < 6 && located[j] == i) {
      ck_assert_uint_lt(l, s.loc_count);
      ck_assert(j == 0 || l > prev); /* in node order */
      ck_assert_uint_eq(s.loc_script[l], want[j][0]);
      ck_assert_uint_eq(s.loc_line[l], want[j][1]);
      ck_assert_uint_eq(s.loc_col[l], want[j][2]);
      prev = l;
      j++;
    } else {
      ck_assert_uint_eq(l, UINT32_MAX);
    }
  }
  lc_snapshot_release(&s);
}
END_TEST

/* Script names come from the heap: closure -> shared -> script_or_debug_info
 * (Node 24: script) -> the Script's name, keyed by the closure's script id.
 * A DebugInfo in the way, a script without a name and a closure without a
 * location give no name. */
START_TEST(script_names)
{
  static const struct tn nodes[] = {
      {"synthetic", "", 1, 0},                   /* 0 */
      {"closure", "Session", 3, 32},             /* 1: script 17 */
      {"code", "Session", 5, 40},                /* 2: its shared info */
      {"code", "/srv/app/sessions.js", 7, 64},   /* 3: its script */
      {"closure", "tick", 9, 32},                /* 4: script 17 again */
      {"closure", "other", 11, 32},              /* 5: script 4 */
      {"code", "other", 13, 40},                 /* 6 */
      {"code", "file:///srv/app/b.mjs", 15, 64}, /* 7 */
      {"closure", "dbg", 17, 32},                /* 8: script 9 */
      {"code", "dbg", 19, 40},                   /* 9 */
      {"code", "system / DebugInfo", 21, 8},     /* 10 */
      {"closure", "evald", 23, 32},              /* 11: script 30 */
      {"code", "evald", 25, 40},                 /* 12 */
      {"code", "", 27, 64},                      /* 13: a script, no name */
      {"closure", "noloc", 29, 32},              /* 14: no location */
  };
  static const struct te edges[] = {
      {1, "internal", "shared", 2},
      {2, "internal", "script_or_debug_info", 3},
      {4, "internal", "shared", 2},
      {5, "internal", "shared", 6},
      {6, "internal", "script", 7},
      {8, "internal", "shared", 9},
      {9, "internal", "script_or_debug_info", 10},
      {11, "internal", "shared", 12},
      {12, "internal", "script_or_debug_info", 13},
      {14, "internal", "shared", 2},
  };
  static const struct tl locs[] = {
      {1, 17, 1, 2}, {4, 17, 9, 4}, {5, 4, 0, 0}, {8, 9, 0, 0}, {11, 30, 0, 0}};
  struct tsnap t = {ARR(nodes), ARR(edges), ARR(locs)};
  struct lc_snapshot s;
  struct lc_scripts sc = LC_SCRIPTS_INIT;
  load(&s, &t, "scripts", _i ? 24 : 20);
  lc_scripts_build(&sc, &s);
  ck_assert_uint_eq(sc.n, 3);
  ck_assert_str_eq(lc_scripts_name(&sc, 17), "/srv/app/sessions.js");
  ck_assert_str_eq(lc_scripts_name(&sc, 4), "file:///srv/app/b.mjs");
  ck_assert_ptr_null(lc_scripts_name(&sc, 9));  /* DebugInfo */
  ck_assert_ptr_null(lc_scripts_name(&sc, 30)); /* no name */
  ck_assert_ptr_null(lc_scripts_name(&sc, 5));  /* unknown id */
  lc_scripts_release(&sc);
  ck_assert_uint_eq(sc.n, 0);
  /* Without names (dropped), nothing is resolved and nothing is read. */
  lc_snapshot_drop(&s, LC_SNAPSHOT_DROP_NAMES);
  lc_scripts_build(&sc, &s);
  ck_assert_uint_eq(sc.n, 0);
  ck_assert_ptr_null(lc_scripts_name(&sc, 17));
  lc_scripts_release(&sc);
  lc_snapshot_release(&s);
}
END_TEST

/* No locations at all: every lookup says none. */
START_TEST(locations_none)
{
  static const struct tn nodes[] = {{"synthetic", "", 1, 0},
                                    {"object", "A", 3, 16}};
  struct tsnap t = {ARR(nodes), NOARR, NOARR};
  struct lc_snapshot s;
  load(&s, &t, "noloc", 24);
  ck_assert_uint_eq(s.loc_count, 0);
  ck_assert_uint_eq(lc_snapshot_loc(&s, 0), UINT32_MAX);
  ck_assert_uint_eq(lc_snapshot_loc(&s, 1), UINT32_MAX);
  lc_snapshot_release(&s);
}
END_TEST

/* Known, distinct type names: no raw column; the file's numbers and names
 * still come back. */
START_TEST(type_raw_not_kept)
{
  static const struct tn nodes[] = {{"synthetic", "", 1, 0},
                                    {"object", "A", 3, 16},
                                    {"closure", "f", 5, 32},
                                    {"object shape", "", 7, 8}};
  struct tsnap t = {ARR(nodes), NOARR, NOARR};
  struct lc_snapshot s;
  load(&s, &t, "raw", _i ? 24 : 20);
  ck_assert_ptr_null(s.node_type_raw);
  ck_assert_uint_eq(s.node_type[2], LC_NT_CLOSURE);
  ck_assert_uint_eq(lc_snapshot_type_raw(&s, 0), 9);
  ck_assert_uint_eq(lc_snapshot_type_raw(&s, 1), 3);
  ck_assert_uint_eq(lc_snapshot_type_raw(&s, 3), 14);
  ck_assert_str_eq(lc_snapshot_type_name(&s, 2), "closure");
  ck_assert_str_eq(lc_snapshot_type_name(&s, 3), "object shape");
  lc_snapshot_release(&s);
}
END_TEST

/* A type name we do not know, or two names that map alike: the raw column
 * is kept and the names are the file's. */
static const char *const odd_types[] = {
    "\"hidden\",\"object\",\"future thing\"", /* unknown */
    "\"hidden\",\"object\",\"object\"",       /* mapped alike */
};

START_TEST(type_raw_kept)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  lc_buf_addf(&b,
              "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\","
              "\"id\",\"self_size\",\"edge_count\"],\"node_types\":[[%s],"
              "\"string\",\"number\",\"number\",\"number\"],"
              "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
              "\"edge_types\":[[\"context\",\"element\"],\"string_or_number\","
              "\"node\"]},\"node_count\":3,\"edge_count\":0},"
              "\"nodes\":[0,0,1,0,0,1,0,3,8,0,2,0,5,8,0],\"edges\":[],"
              "\"strings\":[\"\"]}",
              odd_types[_i]);
  ck_assert_int_eq(lc_snapshot_parse(&s, "odd", b.buf, b.len, &err), 0);
  ck_assert_ptr_nonnull(s.node_type_raw);
  ck_assert_uint_eq(lc_snapshot_type_raw(&s, 1), 1);
  ck_assert_uint_eq(lc_snapshot_type_raw(&s, 2), 2);
  ck_assert_uint_eq(s.node_type[1], LC_NT_OBJECT);
  if (_i == 0) {
    ck_assert_uint_eq(s.node_type[2], LC_NT_OTHER);
    ck_assert_str_eq(lc_snapshot_type_name(&s, 2), "future thing");
  } else {
    ck_assert_uint_eq(s.node_type[2], LC_NT_OBJECT);
    ck_assert_str_eq(lc_snapshot_type_name(&s, 2), "object");
  }
  ck_assert_str_eq(lc_snapshot_type_name(&s, 0), "hidden");
  lc_snapshot_release(&s);
  lc_buf_release(&b);
}
END_TEST

/* Dropping parts keeps the rest valid; dropping again and releasing
 * afterwards free nothing twice (run under ASan). */
static const unsigned drop_orders[][2] = {
    {LC_SNAPSHOT_DROP_NAMES, LC_SNAPSHOT_DROP_EDGES},
    {LC_SNAPSHOT_DROP_EDGES, LC_SNAPSHOT_DROP_NAMES},
    {LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGES, 0},
    {LC_SNAPSHOT_DROP_NAMES, 0},
    {LC_SNAPSHOT_DROP_EDGES, 0},
    {LC_SNAPSHOT_DROP_NAMES | LC_SNAPSHOT_DROP_EDGES, LC_SNAPSHOT_DROP_IDS},
    {LC_SNAPSHOT_DROP_IDS, LC_SNAPSHOT_DROP_NAMES},
    {0, 0},
};

START_TEST(drop_then_release)
{
  const unsigned *order = drop_orders[_i];
  unsigned dropped = 0, k;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(
      lc_snapshot_parse(&s, "small", small20, sizeof(small20) - 1, &err), 0);
  ck_assert_uint_eq(s.loc_count, 1);
  for (k = 0; k < 2; k++) {
    lc_snapshot_drop(&s, order[k]);
    dropped |= order[k];
    lc_snapshot_drop(&s, order[k]); /* twice is harmless */
    ck_assert_uint_eq(s.node_count, 12);
    ck_assert_uint_eq(s.edge_count, 12);
    ck_assert_uint_eq(s.node_type[4], LC_NT_OBJECT);
    ck_assert_uint_eq(s.node_self_size[1], 100);
    if (dropped & LC_SNAPSHOT_DROP_NAMES) {
      ck_assert_ptr_null(s.node_name);
      ck_assert_ptr_null(s.node_detachedness);
      ck_assert_ptr_null(s.node_type_raw);
      ck_assert_ptr_null(s.edge_name_lo);
      ck_assert_ptr_null(s.edge_name_hi);
      ck_assert_ptr_null(s.arena);
      ck_assert_ptr_null(s.string_off);
      ck_assert_ptr_null(s.loc_script);
      ck_assert_uint_eq(s.string_count, 0);
      ck_assert_uint_eq(s.loc_count, 0);
      ck_assert_uint_eq(lc_snapshot_loc(&s, 4), UINT32_MAX);
    } else {
      ck_assert_str_eq(lc_snapshot_str(&s, s.node_name[4]), "Keep");
      ck_assert_uint_eq(lc_snapshot_edge_name(&s, 1), 11);
      ck_assert_uint_eq(s.loc_line[lc_snapshot_loc(&s, 4)], 1);
    }
    if (dropped & LC_SNAPSHOT_DROP_IDS)
      ck_assert_ptr_null(s.node_id);
    else
      ck_assert_uint_eq(s.node_id[11], 23);
    if (dropped & LC_SNAPSHOT_DROP_EDGES) {
      ck_assert_ptr_null(s.edge_tt);
      ck_assert_ptr_null(s.edge_type_wide);
      ck_assert_ptr_null(s.node_first_edge);
    } else {
      ck_assert_uint_eq(lc_snapshot_edge_to(&s, 0), 1);
      ck_assert_uint_eq(lc_snapshot_edge_type(&s, 0), LC_ET_SHORTCUT);
      ck_assert_uint_eq(s.node_first_edge[2], 7);
    }
  }
  lc_snapshot_release(&s);
  ck_assert_ptr_null(s.node_type);
  lc_snapshot_release(&s); /* a released snapshot releases again */
}
END_TEST

/*
 * Many edges from few nodes: the edges array is read partly by the nodes
 * thread, partly by the main thread.  The result and every error must be
 * those of a reading from the first byte to the last.
 */
#define SPLIT_NODES 5
#define SPLIT_EDGES 600

static const char *const split_types[] = {
    "property", "element", "internal", "hidden", "weak", "context", "shortcut"};
static const char *const split_names[] = {"a", "bb", "ccc", "length", "x"};
/* Indices of 2^16 and more need the high halves of the name column. */
static const char *const split_index[] = {
    "0", "7", "42", "1000", "65535", "65536", "70001", "4294967295"};

/* Edge i of the split snapshot; sources in node order. */
static struct te
split_edge(unsigned i)
{
  struct te e;
  e.from = i * SPLIT_NODES / SPLIT_EDGES;
  e.type = split_types[(i * 5 + i / 7) % 7];
  e.name = (strcmp(e.type, "element") == 0 || strcmp(e.type, "hidden") == 0)
               ? split_index[i % 8]
               : split_names[(i / 3) % 5];
  e.to = (i * 7 + 3) % SPLIT_NODES;
  return e;
}

static void
split_text(struct lc_buf *b, int layout)
{
  static const struct tn nodes[SPLIT_NODES] = {{"synthetic", "", 1, 0},
                                               {"object", "A", 3, 16},
                                               {"array", "", 5, 32},
                                               {"closure", "f", 7, 40},
                                               {"object", "B", 9, 8}};
  static struct te edges[SPLIT_EDGES];
  struct tsnap t = {nodes, SPLIT_NODES, edges, SPLIT_EDGES, NOARR};
  unsigned i;
  for (i = 0; i < SPLIT_EDGES; i++)
    edges[i] = split_edge(i);
  build_json(b, &t, layout);
}

/* Set by split_edges_read: the edge types get a column of their own, as
 * on a heap of more than 2^29 nodes (see snapshot.c). */
static int wide_types;

int lc_snapshot_test_wide(void);

int
lc_snapshot_test_wide(void)
{
  return wide_types;
}

START_TEST(split_edges_read)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  unsigned i;
  split_text(&b, _i & 1 ? 24 : 20);
  wide_types = (_i & 2) != 0;
  ck_assert_int_eq(lc_snapshot_parse(&s, "split", b.buf, b.len, &err), 0);
  wide_types = 0;
  ck_assert_uint_eq(s.edge_count, SPLIT_EDGES);
  /* Packed types, or their own column; high name halves in use. */
  if (_i & 2) {
    ck_assert_ptr_nonnull(s.edge_type_wide);
    ck_assert_uint_eq(s.edge_to_mask, UINT32_MAX);
  } else {
    ck_assert_ptr_null(s.edge_type_wide);
    ck_assert_uint_eq(s.edge_to_mask, (1u << LC_EDGE_TYPE_SHIFT) - 1);
  }
  ck_assert_ptr_nonnull(s.edge_name_hi);
  for (i = 0; i < SPLIT_EDGES; i++) {
    struct te e = split_edge(i);
    unsigned t = type_index(edge_types, 7, e.type);
    ck_assert_uint_eq(lc_snapshot_edge_type(&s, i), t);
    ck_assert_uint_eq(lc_snapshot_edge_to(&s, i), e.to);
    if (t == LC_ET_ELEMENT || t == LC_ET_HIDDEN)
      ck_assert_uint_eq(lc_snapshot_edge_name(&s, i),
                        strtoul(e.name, NULL, 10));
    else
      ck_assert_str_eq(lc_snapshot_str(&s, lc_snapshot_edge_name(&s, i)),
                       e.name);
  }
  for (i = 0; i <= SPLIT_NODES; i++)
    ck_assert_uint_eq(s.node_first_edge[i],
                      (i * SPLIT_EDGES + SPLIT_NODES - 1) / SPLIT_NODES);
  lc_snapshot_release(&s);
  lc_buf_release(&b);
}
END_TEST

/* The byte offsets of the values of the array after `key`. */
static size_t
array_values(const char *text, const char *key, size_t *at, size_t max)
{
  const char *p = strstr(text, key);
  size_t n = 0;
  ck_assert_ptr_nonnull(p);
  p = strchr(p, '[') + 1;
  while (*p != ']') {
    while (*p == ',' || *p == '\n' || *p == ' ')
      p++;
    ck_assert_uint_lt(n, max);
    at[n++] = (size_t)(p - text);
    while (*p >= '0' && *p <= '9')
      p++;
  }
  return n;
}

/* `text` with the value at `at` replaced by `with`. */
static char *
replace_value(const char *text, size_t len, size_t at, const char *with,
              size_t *out_len)
{
  size_t end = at, wl = strlen(with);
  char *m;
  while (text[end] >= '0' && text[end] <= '9')
    end++;
  m = malloc(len - (end - at) + wl + 1);
  memcpy(m, text, at);
  memcpy(m + at, with, wl);
  memcpy(m + at + wl, text + end, len - end + 1);
  *out_len = len - (end - at) + wl;
  return m;
}

static void
expect_error(const char *text, size_t len, const char *msg, size_t offset)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_snapshot_parse(&s, "split", text, len, &err), -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.msg, msg);
  ck_assert_uint_eq(err.offset, offset);
  lc_err_release(&err);
}

/* A bad value anywhere in the edges array is reported at its own byte,
 * with the message of its column, whichever thread reads it. */
START_TEST(split_edge_errors)
{
  struct lc_buf b = LC_BUF_INIT;
  static size_t at[SPLIT_EDGES * 3];
  unsigned nf = _i ? 6 : 7, k;
  char target[160];
  split_text(&b, _i ? 24 : 20);
  ck_assert_uint_eq(array_values(b.buf, "\"edges\"", at, SPLIT_EDGES * 3),
                    SPLIT_EDGES * 3);
  snprintf(target, sizeof(target),
           "edge target 1 is not a node index; expected a multiple of %u "
           "below %u",
           nf, SPLIT_NODES * nf);
  for (k = 0; k < SPLIT_EDGES * 3; k++) {
    static const char *const bad[3] = {"7", "4294967296", "1"};
    static const char *const msg[2] = {
        "edge type 7 out of range; expected less than 7",
        "edge name 4294967296 out of range"};
    size_t len;
    char *m = replace_value(b.buf, b.len, at[k], bad[k % 3], &len);
    expect_error(m, len, k % 3 == 2 ? target : msg[k % 3], at[k]);
    free(m);
    m = replace_value(b.buf, b.len, at[k], "x", &len);
    expect_error(m, len,
                 "unexpected character in 'edges'; expected an unsigned "
                 "integer",
                 at[k]);
    free(m);
  }
  lc_buf_release(&b);
}
END_TEST

/* With several errors, the first in the file is the one reported, in the
 * nodes or in either part of the edges. */
START_TEST(split_first_error_wins)
{
  struct lc_buf b = LC_BUF_INIT;
  static size_t at[SPLIT_EDGES * 3], nat[SPLIT_NODES * 7];
  size_t len, len2, last = SPLIT_EDGES * 3 - 1;
  char *m, *m2;
  split_text(&b, 20);
  array_values(b.buf, "\"edges\"", at, SPLIT_EDGES * 3);
  array_values(b.buf, "\"nodes\"", nat, SPLIT_NODES * 7);
  /* The last node's type and the first edge's type. */
  m = replace_value(b.buf, b.len, at[0], "9", &len);
  m2 = replace_value(m, len, nat[(SPLIT_NODES - 1) * 7], "99", &len2);
  expect_error(m2, len2, "node type 99 out of range; expected less than 16",
               nat[(SPLIT_NODES - 1) * 7]);
  free(m2);
  /* The first and the last edge. */
  m2 = replace_value(m, len, at[last], "1", &len2);
  expect_error(m2, len2, "edge type 9 out of range; expected less than 7",
               at[0]);
  free(m2);
  free(m);
  /* A value missing at the end of the nodes, a bad edge after them. */
  m = replace_value(b.buf, b.len, at[last], "1", &len);
  last = SPLIT_NODES * 7 - 1;
  memmove(m + nat[last] - 1, m + nat[last] + 1, len - nat[last]);
  expect_error(m, len - 2,
               "'nodes' has 34 values; expected node_count 5 times 7 "
               "fields = 35",
               nat[last] - 1);
  free(m);
  lc_buf_release(&b);
}
END_TEST

/* Fields in an order of their own (no fast path), no newlines. */
START_TEST(split_odd_field_order)
{
  struct lc_buf b = LC_BUF_INIT;
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  unsigned i, n = 40, e = 400;
  lc_buf_addstr(&b, "{\"snapshot\":{\"meta\":{\"node_fields\":[\"name\","
                    "\"self_size\",\"edge_count\",\"id\",\"type\"],"
                    "\"node_types\":[\"string\",\"number\",\"number\","
                    "\"number\",[\"hidden\",\"object\"]],\"edge_fields\":["
                    "\"to_node\",\"extra\",\"type\",\"name_or_index\"],"
                    "\"edge_types\":[\"node\",\"number\",[\"element\","
                    "\"property\"],\"string_or_number\"]},");
  lc_buf_addf(&b, "\"node_count\":%u,\"edge_count\":%u},\"nodes\":[", n, e);
  for (i = 0; i < n; i++)
    lc_buf_addf(&b, "%s%u,%u,%u,%u,%u", i ? "," : "", i % 2, 100 + i,
                i < n - 1 ? e / (n - 1) + (i < e % (n - 1)) : 0, 2 * i + 1,
                i % 2);
  lc_buf_addstr(&b, "],\"edges\":[");
  for (i = 0; i < e; i++)
    lc_buf_addf(&b, "%s%u,%u,%u,%u", i ? "," : "", (i * 13 % n) * 5, i, i % 2,
                i % 2 ? 1 : i);
  lc_buf_addstr(&b, "],\"strings\":[\"\",\"p\"]}");
  ck_assert_int_eq(lc_snapshot_parse(&s, "odd", b.buf, b.len, &err), 0);
  for (i = 0; i < n; i++) {
    ck_assert_uint_eq(s.node_self_size[i], 100 + i);
    ck_assert_uint_eq(s.node_id[i], 2 * i + 1);
    ck_assert_uint_eq(s.node_type[i], i % 2 ? LC_NT_OBJECT : LC_NT_HIDDEN);
  }
  for (i = 0; i < e; i++) {
    ck_assert_uint_eq(lc_snapshot_edge_to(&s, i), i * 13 % n);
    ck_assert_uint_eq(lc_snapshot_edge_type(&s, i),
                      i % 2 ? LC_ET_PROPERTY : LC_ET_ELEMENT);
    ck_assert_uint_eq(lc_snapshot_edge_name(&s, i), i % 2 ? 1 : i);
  }
  ck_assert_uint_eq(s.node_first_edge[n], e);
  lc_snapshot_release(&s);
  lc_buf_release(&b);
}
END_TEST
START_TEST(read_missing_file)
{
  struct lc_snapshot s;
  struct lc_err err = LC_ERR_INIT;
  ck_assert_int_eq(lc_snapshot_read(&s, "/nonexistent/x.heapsnapshot", &err),
                   -1);
  ck_assert_int_eq(err.code, LC_EINPUT);
  ck_assert_str_eq(err.msg, "cannot open snapshot: No such file or directory");
  lc_err_release(&err);
}
END_TEST

/* Every prefix of a valid file is rejected cleanly (a writer killed at any
 * byte), never a crash or an out-of-bounds read. */
START_TEST(every_truncation_rejected)
{
  size_t n = sizeof(small20) - 1, k;
  for (k = 0; k < n; k++) {
    struct lc_snapshot s;
    struct lc_err err = LC_ERR_INIT;
    char *copy = malloc(k + 1);
    memcpy(copy, small20, k);
    ck_assert_int_eq(lc_snapshot_parse(&s, "t", copy, k, &err), -1);
    ck_assert_int_eq(err.code, LC_EINPUT);
    lc_err_release(&err);
    free(copy);
  }
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("snapshot");
  TCase *tc = tcase_create("summary");
  tcase_set_timeout(tc, 30);
  tcase_add_loop_test(tc, summary_small_rows, 0,
                      sizeof(small_rows) / sizeof(small_rows[0]));
  tcase_add_test(tc, summary_small_totals);
  tcase_add_test(tc, summary_node24_detached);
  suite_add_tcase(s, tc);

  tc = tcase_create("reader");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, strings_decoded);
  tcase_add_test(tc, unescape_in_parts);
  tcase_add_loop_test(tc, long_string_in_steps, 0, 7);
  tcase_add_test(tc, cut_value_whole_utf8);
  tcase_add_test(tc, unused_strings_dropped);
  tcase_add_loop_test(tc, cut_in_trace_sections, 0, 2);
  tcase_add_loop_test(tc, cut_while_mapped, 0,
                      (int)(sizeof(cut_at) / sizeof(cut_at[0])));
  tcase_add_loop_test(tc, bad_input, 0,
                      sizeof(bad_cases) / sizeof(bad_cases[0]));
  tcase_add_test(tc, bad_edge_target);
  tcase_add_loop_test(tc, locations_by_node, 0, 2);
  tcase_add_test(tc, locations_none);
  tcase_add_loop_test(tc, script_names, 0, 2);
  tcase_add_loop_test(tc, type_raw_not_kept, 0, 2);
  tcase_add_loop_test(tc, type_raw_kept, 0, 2);
  tcase_add_loop_test(tc, drop_then_release, 0,
                      sizeof(drop_orders) / sizeof(drop_orders[0]));
  tcase_add_loop_test(tc, split_edges_read, 0, 4);
  tcase_add_loop_test(tc, split_edge_errors, 0, 2);
  tcase_add_test(tc, split_first_error_wins);
  tcase_add_test(tc, split_odd_field_order);
  tcase_add_test(tc, read_missing_file);
  tcase_add_test(tc, every_truncation_rejected);
  suite_add_tcase(s, tc);
  return s;
}
