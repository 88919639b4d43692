/*
 * `leakcheck summary` and `leakcheck diff` output (tables.h).
 */
#include "report/tables.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/format.h"
#include "report/report.h"
#include "verdict/identity.h"

#include "base/banned.h"

/* With a `spill` file, the table goes out as it is written, 64 KiB at a
 * time: a table of millions of rows (a class an object) then costs no
 * memory for its text. */
static void
spill_some(struct lc_buf *out, FILE *spill)
{
  if (!spill || out->len < ((size_t)64 << 10))
    return;
  fwrite(out->buf, 1, out->len, spill);
  lc_buf_reset(out);
}

/* DevTools shows "-" for these distances. */
static int
distance_shown(int32_t d)
{
  return d >= 0 && d < LC_DISTANCE_BASE_SYSTEM;
}

/* A class name for a table cell: one line, no terminal controls, valid
 * UTF-8 (lc_text_clean); valid until the next call with `tmp`. */
static const char *
cell(struct lc_buf *tmp, const char *name)
{
  lc_buf_reset(tmp);
  lc_text_clean(tmp, name, strlen(name), 0);
  return tmp->buf;
}

static void
summary_json(struct lc_buf *out, FILE *spill, const char *file,
             uint32_t node_count, uint32_t edge_count,
             const struct lc_summary *sum)
{
  size_t i;
  lc_buf_addstr(out, "{\"file\": ");
  lc_buf_add_json_string(out, file);
  lc_buf_addf(out,
              ", \"node_count\": %u, \"edge_count\": %u, "
              "\"total_size\": %" PRIu64 ", \"rows\": [",
              node_count, edge_count, sum->total_size);
  for (i = 0; i < sum->nrows; i++) {
    const struct lc_summary_row *r = &sum->rows[i];
    lc_buf_addstr(out, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
    lc_buf_add_json_string(out, r->key);
    lc_buf_addstr(out, ", \"name\": ");
    lc_buf_add_json_string(out, r->name);
    lc_buf_addf(out,
                ", \"count\": %" PRIu64 ", \"self_size\": %" PRIu64
                ", \"retained_size\": %" PRIu64 ", \"distance\": ",
                r->count, r->self_size, r->retained_size);
    if (distance_shown(r->distance))
      lc_buf_addf(out, "%d}", (int)r->distance);
    else
      lc_buf_addstr(out, "null}");
    spill_some(out, spill);
  }
  lc_buf_addstr(out, "\n]}\n");
}

void
lc_table_summary(struct lc_buf *out, FILE *spill, const char *file,
                 uint32_t node_count, uint32_t edge_count,
                 const struct lc_summary *sum, size_t top, int json)
{
  size_t i, n = sum->nrows;
  char b[LC_BYTES_MAX];
  struct lc_buf tmp = LC_BUF_INIT;
  if (json) {
    summary_json(out, spill, file, node_count, edge_count, sum);
    return;
  }
  if (top && top < n)
    n = top;
  lc_buf_addf(out, "%s: %u nodes, %u edges, total ", file, node_count,
              edge_count);
  lc_format_bytes(b, sizeof(b), (int64_t)sum->total_size, 0);
  lc_buf_addf(out, "%s\n\n%-40s %8s %9s %12s %7s %12s %7s\n", b, "Constructor",
              "Distance", "Count", "Shallow", "%", "Retained", "%");
  for (i = 0; i < n; i++) {
    const struct lc_summary_row *r = &sum->rows[i];
    double pct = sum->total_size
                     ? 100.0 * (double)r->self_size / (double)sum->total_size
                     : 0.0;
    double rpct = sum->total_size ? 100.0 * (double)r->retained_size /
                                        (double)sum->total_size
                                  : 0.0;
    char d[16];
    if (distance_shown(r->distance))
      snprintf(d, sizeof(d), "%d", (int)r->distance);
    else
      snprintf(d, sizeof(d), "-");
    lc_buf_addf(out,
                "%-40s %8s %9" PRIu64 " %12" PRIu64 " %6.1f%% %12" PRIu64
                " %6.1f%%\n",
                cell(&tmp, r->name), d, r->count, r->self_size, pct,
                r->retained_size, rpct);
    spill_some(out, spill);
  }
  lc_buf_release(&tmp);
  if (n < sum->nrows)
    lc_buf_addf(out, "... %zu more rows (--top 0 shows all)\n", sum->nrows - n);
}

void
lc_table_diff(struct lc_buf *out, FILE *spill, const char *base,
              const char *file, const struct lc_compare *cmp, size_t top,
              int json)
{
  size_t i, n = cmp->nrows;
  struct lc_buf tmp = LC_BUF_INIT;
  if (json) {
    lc_buf_addstr(out, "{\"base\": ");
    lc_buf_add_json_string(out, base);
    lc_buf_addstr(out, ", \"file\": ");
    lc_buf_add_json_string(out, file);
    lc_buf_addstr(out, ", \"rows\": [");
    for (i = 0; i < n; i++) {
      const struct lc_compare_row *r = &cmp->rows[i];
      lc_buf_addstr(out, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
      lc_buf_add_json_string(out, r->key);
      lc_buf_addstr(out, ", \"name\": ");
      lc_buf_add_json_string(out, r->name);
      lc_buf_addf(out,
                  ", \"new\": %" PRIu64 ", \"deleted\": %" PRIu64
                  ", \"delta\": %" PRId64 ", \"alloc_size\": %" PRIu64
                  ", \"freed_size\": %" PRIu64 ", \"size_delta\": %" PRId64 "}",
                  r->added, r->deleted, r->delta, r->alloc_size, r->freed_size,
                  r->size_delta);
      spill_some(out, spill);
    }
    lc_buf_addstr(out, "\n]}\n");
    return;
  }
  if (top && top < n)
    n = top;
  lc_buf_addf(out, "%s -> %s: %zu changed rows\n\n", base, file, cmp->nrows);
  lc_buf_addf(out, "%-40s %8s %8s %8s %12s %12s %12s\n", "Constructor", "# New",
              "# Del", "# Delta", "Alloc. Size", "Freed Size", "Size Delta");
  for (i = 0; i < n; i++) {
    const struct lc_compare_row *r = &cmp->rows[i];
    lc_buf_addf(out,
                "%-40s %8" PRIu64 " %8" PRIu64 " %+8" PRId64 " %12" PRIu64
                " %12" PRIu64 " %+12" PRId64 "\n",
                cell(&tmp, r->name), r->added, r->deleted, r->delta,
                r->alloc_size, r->freed_size, r->size_delta);
    spill_some(out, spill);
  }
  lc_buf_release(&tmp);
  if (n < cmp->nrows)
    lc_buf_addf(out, "... %zu more rows (--top 0 shows all)\n", cmp->nrows - n);
}

void
lc_table_diff_ids(struct lc_buf *out, FILE *spill, const char *base,
                  const char *file, const struct lc_id_diff_row *rows, size_t n,
                  size_t top, int json)
{
  size_t i, shown = n;
  if (json) {
    lc_buf_addstr(out, "{\"base\": ");
    lc_buf_add_json_string(out, base);
    lc_buf_addstr(out, ", \"file\": ");
    lc_buf_add_json_string(out, file);
    lc_buf_addstr(out, ", \"matched_by\": \"identity\", \"rows\": [");
    for (i = 0; i < n; i++) {
      const struct lc_id_diff_row *r = &rows[i];
      lc_buf_addstr(out, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
      lc_buf_add_json_string(out, r->id);
      lc_buf_addstr(out, ", \"name\": ");
      lc_buf_add_json_string(out, r->name);
      lc_buf_addf(out,
                  ", \"base_count\": %" PRIu64 ", \"count\": %" PRIu64
                  ", \"delta\": %" PRId64 ", \"base_size\": %" PRIu64
                  ", \"size\": %" PRIu64 ", \"size_delta\": %" PRId64 "}",
                  r->base_count, r->count,
                  (int64_t)r->count - (int64_t)r->base_count, r->base_size,
                  r->size, (int64_t)r->size - (int64_t)r->base_size);
      spill_some(out, spill);
    }
    lc_buf_addstr(out, "\n]}\n");
    return;
  }
  if (top && top < n)
    shown = top;
  lc_buf_addf(
      out,
      "%s -> %s: different processes (their script ids disagree): "
      "rows matched by class, script path and line:col; %zu changed\n\n",
      base, file, n);
  lc_buf_addf(out, "%-56s %9s %9s %8s %12s\n", "Constructor (script:line:col)",
              "Base", "Count", "# Delta", "Size Delta");
  for (i = 0; i < shown; i++) {
    const struct lc_id_diff_row *r = &rows[i];
    lc_buf_addf(
        out, "%-56s %9" PRIu64 " %9" PRIu64 " %+8" PRId64 " %+12" PRId64 "\n",
        r->id, r->base_count, r->count,
        (int64_t)r->count - (int64_t)r->base_count,
        (int64_t)r->size - (int64_t)r->base_size);
    spill_some(out, spill);
  }
  if (shown < n)
    lc_buf_addf(out, "... %zu more rows (--top 0 shows all)\n", n - shown);
}
