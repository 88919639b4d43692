/*
 * The JSON report (json.h): every check with its assertions, findings,
 * leaks (folded rows, allocation sites, retainer paths) and series.
 * docs/json-report.md documents the schema.
 */
#include "report/json.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static void
key(struct lc_buf *out, const char *k, int *first)
{
  if (!*first)
    lc_buf_addch(out, ',');
  *first = 0;
  lc_buf_add_json_string(out, k);
  lc_buf_addch(out, ':');
}

static void
kv_str(struct lc_buf *out, const char *k, const char *v, int *first)
{
  key(out, k, first);
  if (v)
    lc_buf_add_json_string(out, v);
  else
    lc_buf_addstr(out, "null");
}

static void
kv_i64(struct lc_buf *out, const char *k, long long v, int *first)
{
  key(out, k, first);
  lc_buf_addf(out, "%lld", v);
}

static void
kv_u64(struct lc_buf *out, const char *k, unsigned long long v, int *first)
{
  key(out, k, first);
  lc_buf_addf(out, "%llu", v);
}

static void
u64_array(struct lc_buf *out, const uint64_t *v, size_t n)
{
  size_t i;
  lc_buf_addch(out, '[');
  for (i = 0; i < n; i++)
    lc_buf_addf(out, "%s%llu", i ? "," : "", (unsigned long long)v[i]);
  lc_buf_addch(out, ']');
}

static const char *
status_name(enum lc_check_status s)
{
  switch (s) {
  case LC_CHECK_PASSED:
    return "passed";
  case LC_CHECK_FAILED:
    return "failed";
  case LC_CHECK_BROKEN:
    return "error";
  default:
    return "skipped";
  }
}

static void
rules(struct lc_buf *out, unsigned bits)
{
  static const char *const names[] = {
      "max_growth",    "max_growth_bytes", "max_count", "max_bytes",
      "steady_growth", "object_growth",    "internals"};
  size_t i;
  int first = 1;
  lc_buf_addch(out, '[');
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (!(bits & (1u << i)))
      continue;
    if (!first)
      lc_buf_addch(out, ',');
    first = 0;
    lc_buf_add_json_string(out, names[i]);
  }
  lc_buf_addch(out, ']');
}

static void
finding(struct lc_buf *out, const struct lc_finding *f, size_t nsnap, long leak,
        int folded)
{
  struct lc_buf name = LC_BUF_INIT;
  int first = 1;
  int mem = f->row && f->row->memory;
  lc_finding_name(&name, f);
  lc_buf_addch(out, '{');
  kv_str(out, "name", name.buf ? name.buf : "", &first);
  kv_str(out, "class", f->row && !mem ? f->row->name : NULL, &first);
  kv_str(out, "key", f->row && !mem ? f->row->key : NULL, &first);
  kv_str(out, "where", f->row && !mem ? f->row->where : NULL, &first);
  kv_str(out, "memory", mem ? lc_mem_kind_key(f->row->memory) : NULL, &first);
  kv_str(out, "why", f->why, &first);
  key(out, "object_id", &first);
  if (f->object_id)
    lc_buf_addf(out, "%lu", (unsigned long)f->object_id);
  else
    lc_buf_addstr(out, "null");
  key(out, "failed_rules", &first);
  rules(out, f->failed_rules);
  kv_i64(out, "growth", (long long)f->growth, &first);
  kv_i64(out, "growth_bytes", (long long)f->growth_bytes, &first);
  key(out, "counts", &first);
  if (f->count && !mem)
    u64_array(out, f->count, nsnap);
  else
    lc_buf_addstr(out, "null");
  key(out, "sizes", &first);
  if (f->size)
    u64_array(out, f->size, nsnap);
  else
    lc_buf_addstr(out, "null");
  key(out, "leak", &first);
  lc_buf_addf(out, "%ld", leak);
  key(out, "folded", &first);
  lc_buf_addstr(out, folded ? "true" : "false");
  lc_buf_addch(out, '}');
  lc_buf_release(&name);
}

static void
leak(struct lc_buf *out, const struct lc_leak *l)
{
  size_t i;
  int first = 1;
  lc_buf_addch(out, '{');
  kv_u64(out, "root", l->root, &first);
  key(out, "folded", &first);
  lc_buf_addch(out, '[');
  for (i = 0; i < l->nfolded; i++)
    lc_buf_addf(out, "%s%zu", i ? "," : "", l->folded[i]);
  lc_buf_addch(out, ']');
  kv_str(out, "headline", l->headline, &first);
  kv_str(out, "real_class", l->real_class, &first);
  kv_u64(out, "new_objects", l->new_objects, &first);
  kv_u64(out, "retained_bytes", l->retained, &first);
  key(out, "node_id", &first);
  if (l->node_id)
    lc_buf_addf(out, "%lu", (unsigned long)l->node_id);
  else
    lc_buf_addstr(out, "null");
  kv_str(out, "holder", l->holder, &first);
  kv_str(out, "held_by", l->held_by, &first);
  key(out, "path", &first);
  lc_buf_addch(out, '[');
  for (i = 0; i < l->npath; i++) {
    int f2 = 1;
    if (i)
      lc_buf_addch(out, ',');
    lc_buf_addch(out, '{');
    kv_str(out, "edge", l->path[i].edge, &f2);
    kv_str(out, "edge_type", l->path[i].edge_type, &f2);
    kv_str(out, "node", l->path[i].node, &f2);
    kv_u64(out, "repeat", l->path[i].repeat, &f2);
    lc_buf_addch(out, '}');
  }
  lc_buf_addch(out, ']');
  key(out, "sites", &first);
  lc_buf_addch(out, '[');
  for (i = 0; i < l->nsites; i++) {
    const struct lc_site *s = &l->sites[i];
    int f2 = 1;
    if (i)
      lc_buf_addch(out, ',');
    lc_buf_addch(out, '{');
    kv_u64(out, "count", s->count, &f2);
    kv_str(out, "frames", s->frames, &f2);
    kv_str(out, "file", s->file, &f2);
    kv_u64(out, "line", s->line, &f2);
    kv_u64(out, "column", s->col, &f2);
    lc_buf_addch(out, '}');
  }
  lc_buf_addch(out, ']');
  kv_u64(out, "site_total", l->site_total, &first);
  kv_str(out, "site_note", l->site_note, &first);
  lc_buf_addch(out, '}');
}

/* The leak finding `f` belongs to (as root or folded), or -1. */
static long
leak_of(const struct lc_assert_result *ar, size_t f, int *folded)
{
  size_t i, k;
  *folded = 0;
  for (i = 0; i < ar->nleaks; i++) {
    if (ar->leaks[i].root == f)
      return (long)i;
    for (k = 0; k < ar->leaks[i].nfolded; k++)
      if (ar->leaks[i].folded[k] == f) {
        *folded = 1;
        return (long)i;
      }
  }
  return -1;
}

static void
assertion(struct lc_buf *out, const struct lc_assert_result *ar, size_t nsnap)
{
  size_t i;
  int first = 1;
  lc_buf_addch(out, '{');
  kv_str(out, "label", ar->a ? ar->a->label : NULL, &first);
  key(out, "line", &first);
  lc_buf_addf(out, "%lu", ar->a ? (unsigned long)ar->a->mark.line : 0ul);
  key(out, "failed", &first);
  lc_buf_addstr(out, ar->failed ? "true" : "false");
  kv_str(out, "message", ar->message, &first);
  kv_i64(out, "growth", (long long)ar->growth, &first);
  kv_i64(out, "growth_bytes", (long long)ar->growth_bytes, &first);
  kv_u64(out, "matched_rows", ar->nmatched, &first);
  key(out, "findings", &first);
  lc_buf_addch(out, '[');
  for (i = 0; i < ar->nfindings; i++) {
    int folded;
    long l = leak_of(ar, i, &folded);
    if (i)
      lc_buf_addch(out, ',');
    finding(out, &ar->findings[i], nsnap, l, folded);
  }
  lc_buf_addch(out, ']');
  key(out, "leaks", &first);
  lc_buf_addch(out, '[');
  for (i = 0; i < ar->nleaks; i++) {
    if (i)
      lc_buf_addch(out, ',');
    leak(out, &ar->leaks[i]);
  }
  lc_buf_addch(out, ']');
  lc_buf_addch(out, '}');
}

static void
check(struct lc_buf *out, const struct lc_check_result *r)
{
  const struct lc_series *ser = &r->series;
  size_t i;
  int first = 1;
  double secs = isfinite(r->seconds) && r->seconds >= 0 ? r->seconds : 0;
  lc_buf_addch(out, '{');
  kv_str(out, "name", r->check ? r->check->name : NULL, &first);
  kv_str(out, "status", status_name(r->status), &first);
  kv_str(out, "error", r->error, &first);
  key(out, "seconds", &first);
  lc_buf_addf(out, "%.3f", secs);
  kv_u64(out, "snapshots", ser->nsnap, &first);
  kv_u64(out, "warmup", ser->warmup, &first);
  kv_str(out, "tracking_crash",
         r->tracking_crash ? sigabbrev_np(r->tracking_crash) : NULL, &first);
  key(out, "rss_rerun", &first);
  lc_buf_addstr(out, r->rss_rerun ? "true" : "false");
  key(out, "total_count", &first);
  if (ser->total_count)
    u64_array(out, ser->total_count, ser->nsnap);
  else
    lc_buf_addstr(out, "[]");
  key(out, "total_size", &first);
  if (ser->total_size)
    u64_array(out, ser->total_size, ser->nsnap);
  else
    lc_buf_addstr(out, "[]");
  /* The memory sampled at each snapshot, by kind (none for analyze). */
  key(out, "memory", &first);
  lc_buf_addch(out, '{');
  for (i = 0; i < ser->nmem; i++) {
    int f2 = i == 0;
    key(out, lc_mem_kind_key(ser->mem[i].memory), &f2);
    u64_array(out, ser->mem[i].size, ser->nsnap);
  }
  lc_buf_addch(out, '}');
  key(out, "assertions", &first);
  lc_buf_addch(out, '[');
  for (i = 0; r->results && i < r->nresults; i++) {
    if (i)
      lc_buf_addch(out, ',');
    assertion(out, &r->results[i], ser->nsnap);
  }
  lc_buf_addch(out, ']');
  lc_buf_addch(out, '}');
}

void
lc_report_json(struct lc_buf *out, const struct lc_config *cfg,
               const struct lc_check_result *res, size_t n)
{
  size_t i;
  int first = 1;
  lc_buf_addch(out, '{');
  kv_str(out, "schema", "leakcheck-report", &first);
  kv_u64(out, "version", LC_JSON_REPORT_VERSION, &first);
  kv_str(out, "config", cfg ? cfg->path : NULL, &first);
  key(out, "checks", &first);
  lc_buf_addch(out, '[');
  for (i = 0; i < n; i++) {
    if (i)
      lc_buf_addch(out, ',');
    check(out, &res[i]);
  }
  lc_buf_addstr(out, "]}\n");
}
