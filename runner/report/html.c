/* The self-contained HTML report (see html.h). */
#include "report/html.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/format.h"
#include "report/report.h"

#include "base/banned.h"

/* Lines of each output tail shown. */
#define TAIL_LINES 40
/* Rows in a check's list of top growers. */
#define TOP_GROWERS 8
/* Chart geometry, in SVG user units. */
#define CHART_W 320
#define CHART_H 110
#define CHART_PAD 10

/* The page's only style and script.  The Content-Security-Policy names
 * them by hash; specs/e2e/test_html.sh checks that the hashes match and
 * that Chromium reports no violation.  After changing either, put the new
 * hash in here: printf %s "$TEXT" | openssl dgst -sha256 -binary | base64 */
static const char style[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mute:#656d76;"
    "--line:#d0d7de;--fail:#cf222e;--pass:#1a7f37;--warn:#9a6700;"
    "--count:#0969da;--size:#8250df;--band:#eaeef2;--hold:#fff8c5}"
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;"
    "--mute:#8d96a0;--line:#30363d;--fail:#f85149;--pass:#3fb950;"
    "--warn:#d29922;--count:#58a6ff;--size:#bc8cff;--band:#161b22;"
    "--hold:#3b2e00}}"
    "body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,"
    "sans-serif;margin:0 auto;max-width:1100px;padding:16px}"
    "h1{font-size:22px}h2{font-size:18px;margin:0}h3{font-size:15px}"
    "h4{font-size:14px;margin:8px 0}"
    "section.check{border:1px solid var(--line);border-radius:6px;"
    "margin:16px 0;padding:12px 16px}"
    ".badge{border-radius:4px;color:#fff;font-weight:600;padding:1px 6px;"
    "margin-right:6px}.s-failed .badge,.s-broken .badge{background:"
    "var(--fail)}.s-passed .badge{background:var(--pass)}.s-skipped .badge"
    "{background:var(--warn)}"
    ".mute{color:var(--mute)}.fail{color:var(--fail)}.pass{color:var(--pass)}"
    "table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid "
    "var(--line);padding:2px 6px;text-align:right}td.name,th.name{text-align"
    ":left;word-break:break-all}td.warm,th.warm{color:var(--mute);font-style:"
    "italic}"
    "table.rows td:first-child{text-align:left;word-break:break-all}"
    "table.sortable th{cursor:pointer}th[aria-sort=ascending]::after{content:"
    "' \\25b2'}th[aria-sort=descending]::after{content:' \\25bc'}"
    ".charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}"
    "figcaption{color:var(--mute);font-size:12px}"
    "svg.chart{background:var(--bg);border:1px solid var(--line)}"
    "svg .band{fill:var(--band)}svg text{fill:var(--mute);font-size:10px}"
    "svg polyline{fill:none;stroke-width:2}svg.count polyline{stroke:"
    "var(--count)}svg.size polyline{stroke:var(--size)}"
    "svg circle{stroke-width:1.5}svg.count circle{fill:var(--count);stroke:"
    "var(--count)}svg.size circle{fill:var(--size);stroke:var(--size)}"
    "svg circle.warm{fill:var(--bg)}svg.spark{vertical-align:middle}"
    "td.confirm,th.confirm{border-left-style:dashed}"
    "svg circle.confirm{stroke-dasharray:2 1}"
    "ol.path{border-left:3px solid var(--line);list-style:none;margin:6px 0;"
    "padding-left:10px}ol.path li.edge{color:var(--mute);padding-left:16px}"
    "ol.path li.edge::before{content:'\\2193  '}"
    "ol.path li.holder{background:var(--hold);font-weight:600}"
    "ol.path li.leak{color:var(--fail);font-weight:600}"
    "pre{border:1px solid var(--line);max-height:320px;overflow:auto;"
    "padding:6px;white-space:pre-wrap;word-break:break-all}"
    "meter{width:200px}details{margin:8px 0}summary{cursor:pointer}"
    ".finding{border-top:1px dashed var(--line);margin-top:8px}";
#define STYLE_SHA256 "U9CLWHb/p4RORI37dWRoDisXaPAvtoznCSY/EfNHQf8="

/* Sorts a table.sortable by the column clicked (or Enter/Space on it):
 * numbers by their data-v, text by its content; a second click reverses. */
static const char script[] =
    "function val(c){var v=c.getAttribute('data-v');"
    "return Number(v===null?c.textContent:v);}"
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "var hs=t.tHead.rows[0].cells;"
    "Array.prototype.forEach.call(hs,function(th,i){th.tabIndex=0;"
    "function go(){var asc=th.getAttribute('aria-sort')!=='ascending';"
    "Array.prototype.forEach.call(hs,function(h){"
    "h.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',asc?'ascending':'descending');"
    "var num=th.hasAttribute('data-num'),b=t.tBodies[0],"
    "rows=Array.prototype.slice.call(b.rows);"
    "rows.sort(function(x,y){var p=x.cells[i],q=y.cells[i],r;"
    "if(num)r=val(p)-val(q);"
    "else{p=p.textContent;q=q.textContent;r=p<q?-1:p>q?1:0;}"
    "return asc?r:-r;});"
    "rows.forEach(function(r){b.appendChild(r);});}"
    "th.addEventListener('click',go);"
    "th.addEventListener('keydown',function(e){"
    "if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});});";
#define SCRIPT_SHA256 "uQjHIf9dLj3KnxIRVFWB1h3oqgXJ1usFDEzANR+Nclw="

void
lc_html_escape(struct lc_buf *out, const char *s, size_t len)
{
  lc_xml_escape(out, s, len, 1);
}

static void
esc(struct lc_buf *out, const char *s)
{
  if (s)
    lc_html_escape(out, s, strlen(s));
}

/* ---- snapshots ---------------------------------------------------------- */

/* What a snapshot of the series is for: warm-up, measured, or taken after
 * the measured window to confirm a suspect (ser->planned). */
enum snap_kind { SNAP_WARMUP, SNAP_MEASURED, SNAP_CONFIRM };

static enum snap_kind
snap_kind(const struct lc_series *ser, size_t k)
{
  if (k < ser->warmup)
    return SNAP_WARMUP;
  return ser->planned && k >= ser->planned ? SNAP_CONFIRM : SNAP_MEASURED;
}

static const char *
snap_class(const struct lc_series *ser, size_t k)
{
  static const char *const names[] = {"warm", "measured", "confirm"};
  return names[snap_kind(ser, k)];
}

/* The note after a snapshot's number. */
static const char *
snap_note(const struct lc_series *ser, size_t k)
{
  static const char *const notes[] = {" (warm-up)", "", " (confirmation)"};
  return notes[snap_kind(ser, k)];
}

static int64_t
clamp64(uint64_t v)
{
  return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

static void
add_bytes(struct lc_buf *out, int64_t v, int sign)
{
  char b[LC_BYTES_MAX];
  lc_format_bytes(b, sizeof(b), v, sign);
  lc_buf_addstr(out, b);
}

/* ---- charts ------------------------------------------------------------- */

static double
chart_x(size_t k, size_t n)
{
  if (n < 2)
    return CHART_W / 2.0;
  return CHART_PAD + 30 +
         (double)k * (CHART_W - 2 * CHART_PAD - 30) / (double)(n - 1);
}

static double
chart_y(uint64_t v, uint64_t lo, uint64_t hi)
{
  if (hi == lo)
    return CHART_H / 2.0;
  return (double)(CHART_H - CHART_PAD) -
         (double)(v - lo) * (CHART_H - 2 * CHART_PAD) / (double)(hi - lo);
}

/* One value as the chart labels write it. */
static void
add_value(struct lc_buf *out, uint64_t v, int bytes)
{
  if (bytes)
    add_bytes(out, clamp64(v), 0);
  else
    lc_buf_addf(out, "%llu", (unsigned long long)v);
}

/* An SVG line chart of `v` (one point per snapshot of `ser`), the
 * warm-up snapshots on a shaded band.  `metric` is "count" or "size". */
static void
add_chart(struct lc_buf *out, const struct lc_series *ser, const uint64_t *v,
          const char *metric, const char *title)
{
  size_t n = ser->nsnap, k;
  uint64_t lo = UINT64_MAX, hi = 0;
  int bytes = strcmp(metric, "size") == 0;

  for (k = 0; k < n; k++) {
    if (v[k] < lo)
      lo = v[k];
    if (v[k] > hi)
      hi = v[k];
  }
  if (!n)
    lo = 0;
  lc_buf_addf(out,
              "<figure><svg class=\"chart %s\" data-metric=\"%s\" "
              "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
              "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
              "aria-label=\"%s per snapshot\">",
              metric, metric, CHART_W, CHART_H, CHART_W, CHART_H, title);
  if (ser->warmup && n) {
    size_t w = ser->warmup < n ? ser->warmup : n;
    double x1 =
        w < n ? (chart_x(w - 1, n) + chart_x(w, n)) / 2 : (double)CHART_W;
    lc_buf_addf(out,
                "<rect class=\"band\" x=\"0\" y=\"0\" width=\"%.1f\" "
                "height=\"%d\"><title>warm-up</title></rect>"
                "<text x=\"3\" y=\"%d\">warm-up</text>",
                x1, CHART_H, CHART_H - 1);
  }
  lc_buf_addf(out, "<text x=\"2\" y=\"%d\">", CHART_PAD + 4);
  add_value(out, hi, bytes);
  lc_buf_addf(out, "</text><text x=\"2\" y=\"%d\">", CHART_H - CHART_PAD - 4);
  add_value(out, lo, bytes);
  lc_buf_addstr(out, "</text><polyline points=\"");
  for (k = 0; k < n; k++)
    lc_buf_addf(out, "%s%.1f,%.1f", k ? " " : "", chart_x(k, n),
                chart_y(v[k], lo, hi));
  lc_buf_addstr(out, "\"/>");
  for (k = 0; k < n; k++) {
    lc_buf_addf(out, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\">",
                snap_class(ser, k), chart_x(k, n), chart_y(v[k], lo, hi));
    lc_buf_addf(out, "<title>snapshot %zu%s: ", k + 1, snap_note(ser, k));
    add_value(out, v[k], bytes);
    lc_buf_addstr(out, "</title></circle>");
  }
  lc_buf_addf(out, "</svg><figcaption>%s per snapshot</figcaption></figure>",
              title);
}

/* A small line of `v` for tables: one polyline, no labels. */
static void
add_spark(struct lc_buf *out, const struct lc_series *ser, const uint64_t *v)
{
  size_t n = ser->nsnap, k;
  uint64_t lo = UINT64_MAX, hi = 0;
  if (n < 2)
    return;
  for (k = 0; k < n; k++) {
    if (v[k] < lo)
      lo = v[k];
    if (v[k] > hi)
      hi = v[k];
  }
  lc_buf_addstr(out, "<svg class=\"spark count\" width=\"80\" height=\"18\" "
                     "viewBox=\"0 0 80 18\" aria-hidden=\"true\">"
                     "<polyline points=\"");
  for (k = 0; k < n; k++) {
    double x = 2 + (double)k * 76 / (double)(n - 1);
    double y = hi == lo ? 9 : 16 - (double)(v[k] - lo) * 14 / (double)(hi - lo);
    lc_buf_addf(out, "%s%.1f,%.1f", k ? " " : "", x, y);
  }
  lc_buf_addstr(out, "\"/></svg>");
}

/* ---- pieces of a check -------------------------------------------------- */

static const char *
status_name(enum lc_check_status st)
{
  switch (st) {
  case LC_CHECK_PASSED:
    return "passed";
  case LC_CHECK_FAILED:
    return "failed";
  case LC_CHECK_BROKEN:
    return "broken";
  default:
    return "skipped";
  }
}

static const char *
status_word(enum lc_check_status st)
{
  switch (st) {
  case LC_CHECK_PASSED:
    return "PASS";
  case LC_CHECK_FAILED:
    return "FAIL";
  case LC_CHECK_BROKEN:
    return "ERROR";
  default:
    return "SKIP";
  }
}

static void
add_growth(struct lc_buf *out, int64_t objects, int64_t bytes)
{
  lc_buf_addf(out, "%+lld %s (", (long long)objects,
              objects == 1 || objects == -1 ? "object" : "objects");
  add_bytes(out, bytes, 1);
  lc_buf_addch(out, ')');
}

static void
add_rules(struct lc_buf *out, unsigned rules)
{
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {{LC_RULE_MAX_GROWTH, "max_growth"},
               {LC_RULE_MAX_GROWTH_BYTES, "max_growth_bytes"},
               {LC_RULE_MAX_COUNT, "max_count"},
               {LC_RULE_MAX_BYTES, "max_bytes"},
               {LC_RULE_STEADY_GROWTH, "steady_growth"},
               {LC_RULE_OBJECT_GROWTH, "one object keeps growing"},
               {LC_RULE_INTERNALS, "V8 internals budget"}};
  size_t i, k = 0;
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (rules & names[i].bit)
      lc_buf_addf(out, "%s%s", k++ ? ", " : "", names[i].name);
}

/* The values of one finding per snapshot, warm-up columns marked. */
static void
add_values_table(struct lc_buf *out, const struct lc_series *ser,
                 const uint64_t *count, const uint64_t *size)
{
  size_t k;
  lc_buf_addstr(out, "<table class=\"values\"><tr><th class=\"name\">"
                     "snapshot</th>");
  for (k = 0; k < ser->nsnap; k++)
    lc_buf_addf(out, "<th class=\"%s\">%zu%s</th>", snap_class(ser, k), k + 1,
                snap_note(ser, k));
  lc_buf_addstr(out, "</tr><tr><th class=\"name\">count</th>");
  for (k = 0; k < ser->nsnap; k++)
    lc_buf_addf(out, "<td class=\"%s\">%llu</td>", snap_class(ser, k),
                (unsigned long long)count[k]);
  lc_buf_addstr(out, "</tr><tr><th class=\"name\">shallow size</th>");
  for (k = 0; k < ser->nsnap; k++) {
    lc_buf_addf(out, "<td class=\"%s\">", snap_class(ser, k));
    add_bytes(out, clamp64(size[k]), 0);
    lc_buf_addstr(out, "</td>");
  }
  lc_buf_addstr(out, "</tr></table>");
}

/* Nonzero for a path node of V8's own machinery ("(array) @5",
 * "system / Context @7"): the holder a person looks for is user-land. */
static int
node_is_internal(const char *s, size_t len)
{
  return (len && s[0] == '(') || (len >= 9 && memcmp(s, "system / ", 9) == 0);
}

/* The retainer path (lc_finding.why) as a vertical list.  Its first line
 * says which object and how much it retains; the next holds the path,
 * "node → edge → node → …", top-down from a GC root to the object.  The
 * holder is the nearest node above the object that is not V8's own (the
 * Map, not its backing (array)); the node right above it when all are. */
static void
add_path(struct lc_buf *out, const char *why)
{
  static const char arrow[] = " \xe2\x86\x92 "; /* " → " */
  const char *nl = strchr(why, '\n'), *p, *end;
  const char **item = NULL;
  size_t *len = NULL, n = 0, alloc = 0, alloc2 = 0, i, holder;

  lc_buf_addstr(out, "<p class=\"why\">");
  lc_html_escape(out, why, nl ? (size_t)(nl - why) : strlen(why));
  lc_buf_addstr(out, "</p>");
  if (!nl)
    return;
  p = nl + 1;
  while (*p == ' ')
    p++;
  end = p + strcspn(p, "\n");
  while (p <= end) {
    const char *a = strstr(p, arrow);
    size_t l = a && a < end ? (size_t)(a - p) : (size_t)(end - p);
    LC_ALLOC_GROW(item, n + 1, alloc);
    LC_ALLOC_GROW(len, n + 1, alloc2);
    item[n] = p;
    len[n++] = l;
    p += l + sizeof(arrow) - 1;
  }
  /* Items alternate node, edge, node, …; the last is the object. */
  holder = n >= 3 ? n - 3 : SIZE_MAX;
  for (i = n >= 3 ? n - 3 : 0; n >= 3; i -= 2) {
    if (!node_is_internal(item[i], len[i])) {
      holder = i;
      break;
    }
    if (i < 2)
      break;
  }
  lc_buf_addstr(out, "<ol class=\"path\">");
  for (i = 0; i < n; i++) {
    const char *cls = i % 2         ? "edge"
                      : i + 1 == n  ? "node leak"
                      : i == holder ? "node holder"
                                    : "node";
    lc_buf_addf(out, "<li class=\"%s\">", cls);
    lc_html_escape(out, item[i], len[i]);
    if (i == holder)
      lc_buf_addstr(out, " <span class=\"mute\">(holder)</span>");
    lc_buf_addstr(out, "</li>");
  }
  lc_buf_addstr(out, "</ol>");
  /* Lines after the path (future notes) stay readable as they are. */
  if (*end == '\n' && end[1]) {
    lc_buf_addstr(out, "<pre>");
    esc(out, end + 1);
    lc_buf_addstr(out, "</pre>");
  }
  free(item);
  free(len);
}

/* The leak a finding heads (diagnosis), or NULL. */
static const struct lc_leak *
leak_of(const struct lc_assert_result *ar, size_t f)
{
  size_t i;
  for (i = 0; ar && i < ar->nleaks; i++)
    if (ar->leaks[i].root == f)
      return &ar->leaks[i];
  return NULL;
}

/* Hops of a leak's path shown in full at each end; the middle of a longer
 * path is one line. */
#define LC_HTML_PATH_ENDS 24

/* A leak found by the diagnosis: its headline, where its new objects were
 * allocated, and the retainer path from the GC roots as a vertical list,
 * the user-land holder highlighted. */
static void
add_leak(struct lc_buf *out, const struct lc_leak *L)
{
  size_t i, holder = SIZE_MAX;
  if (L->headline) {
    lc_buf_addstr(out, "<p class=\"headline\"><b>");
    esc(out, L->headline);
    lc_buf_addstr(out, "</b>");
    if (L->real_class) {
      lc_buf_addstr(out, " <span class=\"mute\">(really ");
      esc(out, L->real_class);
      lc_buf_addstr(out, ")</span>");
    }
    lc_buf_addstr(out, "</p>");
  }
  if (L->nsites) {
    lc_buf_addstr(out, "<h5>Allocated at</h5><ul class=\"sites\">");
    for (i = 0; i < L->nsites; i++) {
      lc_buf_addf(out, "<li>%llu of %llu at <code>",
                  (unsigned long long)L->sites[i].count,
                  (unsigned long long)L->site_total);
      esc(out, L->sites[i].frames ? L->sites[i].frames : "?");
      lc_buf_addstr(out, "</code></li>");
    }
    lc_buf_addstr(out, "</ul>");
  } else if (L->site_note) {
    lc_buf_addstr(out, "<p class=\"mute\">allocation site: ");
    esc(out, L->site_note);
    lc_buf_addstr(out, "</p>");
  }
  if (L->held_by) {
    lc_buf_addstr(out, "<h5>Held by</h5><p class=\"why\">");
    esc(out, L->held_by);
    lc_buf_addstr(out, "</p>");
  }
  if (!L->npath)
    return;
  /* The holder: the last hop named like it (the path runs top-down). */
  for (i = 0; L->holder && i < L->npath; i++)
    if (L->path[i].edge && strcmp(L->path[i].edge, L->holder) == 0)
      holder = i;
  /* Else the nearest node above the object that is not V8's own. */
  for (i = L->npath - 1; holder == SIZE_MAX && i-- > 0;)
    if (L->path[i].node &&
        !node_is_internal(L->path[i].node, strlen(L->path[i].node)))
      holder = i;
  /* Else, when every node is V8's own, the one right above the object. */
  if (holder == SIZE_MAX && L->npath >= 2)
    holder = L->npath - 2;
  lc_buf_addstr(out, "<ol class=\"path\">");
  for (i = 0; i < L->npath; i++) {
    const struct lc_hop *h = &L->path[i];
    if (L->npath > 2 * LC_HTML_PATH_ENDS && i == LC_HTML_PATH_ENDS) {
      lc_buf_addf(out,
                  "<li class=\"edge\">\xe2\x80\xa6 %zu more hops "
                  "(the whole path is in the JSON report) "
                  "\xe2\x80\xa6</li>",
                  L->npath - 2 * LC_HTML_PATH_ENDS);
      i = L->npath - LC_HTML_PATH_ENDS - 1;
      continue;
    }
    lc_buf_addstr(out, "<li class=\"edge\">");
    esc(out, h->edge ? h->edge : "?");
    if (h->edge_type) {
      lc_buf_addstr(out, " (");
      esc(out, h->edge_type);
      lc_buf_addstr(out, ")");
    }
    if (h->repeat > 1)
      lc_buf_addf(out, " \xc3\x97%u", (unsigned)h->repeat);
    lc_buf_addstr(out, "</li>");
    lc_buf_addf(out, "<li class=\"%s\">",
                i + 1 == L->npath ? "node leak"
                : i == holder     ? "node holder"
                                  : "node");
    esc(out, h->node ? h->node : "?");
    if (i == holder)
      lc_buf_addstr(out, " <span class=\"mute\">(holder)</span>");
    lc_buf_addstr(out, "</li>");
  }
  lc_buf_addstr(out, "</ol>");
}

static void
add_finding(struct lc_buf *out, const struct lc_check_result *r,
            const struct lc_finding *f, const struct lc_leak *L)
{
  struct lc_buf name = LC_BUF_INIT;
  lc_finding_name(&name, f);
  lc_buf_addstr(out, "<div class=\"finding\"><h4><span class=\"fname\">");
  lc_html_escape(out, name.buf, name.len);
  lc_buf_addstr(out, "</span>: ");
  if ((f->failed_rules & LC_RULE_INTERNALS) || (f->row && f->row->memory))
    add_bytes(out, f->growth_bytes, 1); /* bytes only, no objects */
  else
    add_growth(out, f->growth, f->growth_bytes);
  lc_buf_addstr(out, " <span class=\"fail\">");
  add_rules(out, f->failed_rules);
  lc_buf_addstr(out, "</span></h4>");
  if (f->row && f->row->memory && f->size && r->series.nsnap) {
    /* A memory row: the bytes sampled at each snapshot. */
    lc_buf_addstr(out, "<div class=\"charts\">");
    add_chart(out, &r->series, f->size, "size", "bytes");
    lc_buf_addstr(out, "</div>");
  } else if (f->count && f->size && r->series.nsnap) {
    lc_buf_addstr(out, "<div class=\"charts\">");
    add_chart(out, &r->series, f->count, "count", "count");
    add_chart(out, &r->series, f->size, "size", "shallow size");
    lc_buf_addstr(out, "</div>");
    add_values_table(out, &r->series, f->count, f->size);
  }
  if (L)
    add_leak(out, L);
  else if (f->why && *f->why)
    add_path(out, f->why);
  lc_buf_addstr(out, "</div>");
  lc_buf_release(&name);
}

static void
add_assertion(struct lc_buf *out, const struct lc_config *cfg,
              const struct lc_check_result *r, size_t i)
{
  const struct lc_assert *a = &r->check->asserts[i];
  const struct lc_assert_result *ar =
      r->results && i < r->nresults ? &r->results[i] : NULL;
  size_t f;
  int failed = ar && ar->failed;

  lc_buf_addf(out, "<div class=\"assert %s\"><h3><span class=\"%s\">%s</span> ",
              failed ? "failed" : "held", failed ? "fail" : "pass",
              failed ? "FAIL"
              : ar   ? "PASS"
                     : "NOT RUN");
  if (a->label)
    esc(out, a->label);
  else
    lc_buf_addf(out, "assertion %zu", i + 1);
  if (cfg && cfg->path && a->mark.line) {
    lc_buf_addstr(out, " <span class=\"mute\">at ");
    esc(out, cfg->path);
    lc_buf_addf(out, ":%lu:%lu</span>", a->mark.line, a->mark.col);
  }
  lc_buf_addstr(out, "</h3>");
  if (ar && ar->message) {
    lc_buf_addstr(out, "<p class=\"message\">");
    esc(out, ar->message);
    lc_buf_addstr(out, "</p>");
  }
  if (ar && a->is_total && ar->total_count && !failed && r->series.nsnap) {
    lc_buf_addstr(out, "<div class=\"charts\">");
    add_chart(out, &r->series, ar->total_count, "count", "total count");
    add_chart(out, &r->series, ar->total_size, "size", "total shallow size");
    lc_buf_addstr(out, "</div>");
  }
  for (f = 0; failed && f < ar->nfindings && f < LC_HTML_MAX_FINDINGS; f++)
    add_finding(out, r, &ar->findings[f], leak_of(ar, f));
  if (failed && ar->nfindings > LC_HTML_MAX_FINDINGS)
    lc_buf_addf(out, "<p class=\"mute\">and %zu more findings</p>",
                ar->nfindings - LC_HTML_MAX_FINDINGS);
  lc_buf_addstr(out, "</div>");
}

/* The last snapshot of the measured window: confirmation snapshots after
 * it are shown, not counted in the growth (as in the verdict). */
static size_t
window_last(const struct lc_series *ser)
{
  return ser->planned && ser->planned < ser->nsnap ? ser->planned - 1
                                                   : ser->nsnap - 1;
}

/* Growth of row `i` over the measured window, bytes and objects. */
static int64_t
row_growth_bytes(const struct lc_series *ser, const struct lc_series_row *row)
{
  size_t a = ser->warmup < ser->nsnap ? ser->warmup : 0, b = window_last(ser);
  return clamp64(row->size[b]) - clamp64(row->size[a]);
}

static int64_t
row_growth(const struct lc_series *ser, const struct lc_series_row *row)
{
  size_t a = ser->warmup < ser->nsnap ? ser->warmup : 0, b = window_last(ser);
  return clamp64(row->count[b]) - clamp64(row->count[a]);
}

static const struct lc_series *sort_ser; /* qsort has no context */

static int
by_growth(const void *pa, const void *pb)
{
  const struct lc_series_row *a = &sort_ser->rows[*(const size_t *)pa];
  const struct lc_series_row *b = &sort_ser->rows[*(const size_t *)pb];
  int64_t x = row_growth_bytes(sort_ser, a), y = row_growth_bytes(sort_ser, b);
  if (x != y)
    return x > y ? -1 : 1;
  x = row_growth(sort_ser, a);
  y = row_growth(sort_ser, b);
  if (x != y)
    return x > y ? -1 : 1;
  return strcmp(a->key, b->key);
}

/* The rows of the series ordered by byte growth, then object growth. */
static size_t *
rows_by_growth(const struct lc_series *ser)
{
  size_t *order = lc_xmalloc((ser->nrows + 1) * sizeof(size_t)), i;
  for (i = 0; i < ser->nrows; i++)
    order[i] = i;
  sort_ser = ser;
  qsort(order, ser->nrows, sizeof(size_t), by_growth);
  sort_ser = NULL;
  return order;
}

static void
add_top_growers(struct lc_buf *out, const struct lc_series *ser,
                const size_t *order)
{
  size_t i, shown = 0;
  lc_buf_addstr(out, "<h3>Top growers</h3><table class=\"growers\"><tr>"
                     "<th class=\"name\">constructor</th><th>count per "
                     "snapshot</th><th>growth</th><th>last size</th></tr>");
  for (i = 0; i < ser->nrows && shown < TOP_GROWERS; i++) {
    const struct lc_series_row *row = &ser->rows[order[i]];
    if (row_growth_bytes(ser, row) <= 0 && row_growth(ser, row) <= 0)
      break;
    shown++;
    lc_buf_addstr(out, "<tr><td class=\"name\">");
    esc(out, row->name);
    lc_buf_addstr(out, "</td><td>");
    add_spark(out, ser, row->count);
    lc_buf_addstr(out, "</td><td>");
    add_growth(out, row_growth(ser, row), row_growth_bytes(ser, row));
    lc_buf_addstr(out, "</td><td>");
    add_bytes(out, clamp64(row->size[ser->nsnap - 1]), 0);
    lc_buf_addstr(out, "</td></tr>");
  }
  if (!shown)
    lc_buf_addstr(out, "<tr><td class=\"name\" colspan=\"4\">no row grew"
                       "</td></tr>");
  lc_buf_addstr(out, "</table>");
}

/* V8's own machinery against the default assertion's budget (verdict.h):
 * the sum of the internal rows' byte growth, and each of them. */
static void
add_internals(struct lc_buf *out, const struct lc_check_result *r)
{
  const struct lc_series *ser = &r->series;
  int64_t sum = 0;
  size_t i, shown = 0;
  int judged = 0;
  for (i = 0; i < r->nresults && r->results; i++)
    if (r->results[i].a && r->results[i].a->is_default) {
      sum = r->results[i].internals_growth_bytes;
      judged = 1;
    }
  if (!judged)
    for (i = 0; i < ser->nrows; i++)
      if (lc_row_is_internal(ser->rows[i].name))
        sum += row_growth_bytes(ser, &ser->rows[i]);
  lc_buf_addf(out, "<h3>V8 internals</h3><p class=\"internals %s\">",
              sum > LC_INTERNALS_BUDGET ? "fail" : "");
  add_bytes(out, sum, 1);
  lc_buf_addstr(out, " of a ");
  add_bytes(out, LC_INTERNALS_BUDGET, 0);
  lc_buf_addf(out,
              " budget%s <meter min=\"0\" max=\"%d\" high=\"%d\" "
              "value=\"%lld\"></meter></p>",
              judged ? "" : " (not judged: the check has its own assertions)",
              LC_INTERNALS_BUDGET, LC_INTERNALS_BUDGET * 3 / 4,
              (long long)(sum < 0 ? 0 : sum));
  lc_buf_addstr(out, "<table class=\"internals\"><tr><th class=\"name\">row"
                     "</th><th>growth</th><th>last size</th></tr>");
  for (i = 0; i < ser->nrows; i++) {
    const struct lc_series_row *row = &ser->rows[i];
    if (!lc_row_is_internal(row->name))
      continue;
    shown++;
    lc_buf_addstr(out, "<tr><td class=\"name\">");
    esc(out, row->name);
    lc_buf_addstr(out, "</td><td>");
    add_bytes(out, row_growth_bytes(ser, row), 1);
    lc_buf_addstr(out, "</td><td>");
    add_bytes(out, clamp64(row->size[ser->nsnap - 1]), 0);
    lc_buf_addstr(out, "</td></tr>");
  }
  lc_buf_addstr(out, "</table>");
  (void)shown;
}

static void
add_all_rows(struct lc_buf *out, const struct lc_series *ser,
             const size_t *order)
{
  size_t i, a = ser->warmup < ser->nsnap ? ser->warmup : 0,
            b = window_last(ser);
  lc_buf_addf(out,
              "<details><summary>All %zu rows (click a column to sort)"
              "</summary><table class=\"sortable rows\"><thead><tr>"
              "<th class=\"name\">constructor</th>"
              "<th data-num>count at %zu</th><th data-num>count at %zu</th>"
              "<th data-num>growth</th><th data-num>size at %zu</th>"
              "<th data-num>byte growth</th></tr></thead><tbody>",
              ser->nrows, a + 1, b + 1, b + 1);
  /* Rows are most of a report's bytes: a cell whose text is its number
   * carries no data-v (the script reads the text). */
  for (i = 0; i < ser->nrows && i < LC_HTML_MAX_ROWS; i++) {
    const struct lc_series_row *row = &ser->rows[order[i]];
    int64_t g = row_growth(ser, row), gb = row_growth_bytes(ser, row);
    lc_buf_addstr(out, "<tr><td>");
    esc(out, row->name);
    lc_buf_addf(out, "<td>%llu<td>%llu<td>%+lld<td data-v=\"%llu\">",
                (unsigned long long)row->count[a],
                (unsigned long long)row->count[b], (long long)g,
                (unsigned long long)row->size[b]);
    add_bytes(out, clamp64(row->size[b]), 0);
    lc_buf_addf(out, "<td data-v=\"%lld\">", (long long)gb);
    add_bytes(out, gb, 1);
    lc_buf_addch(out, '\n');
  }
  lc_buf_addstr(out, "</tbody></table>");
  if (ser->nrows > LC_HTML_MAX_ROWS)
    lc_buf_addf(out,
                "<p class=\"mute\">%zu more rows that grew less are "
                "not listed.</p>",
                ser->nrows - LC_HTML_MAX_ROWS);
  lc_buf_addstr(out, "</details>");
}

/* The process memory sampled at each snapshot (lc_series.mem), one row
 * per kind, warm-up columns marked; nothing when none was sampled. */
static void
add_memory(struct lc_buf *out, const struct lc_series *ser)
{
  size_t i, k;
  if (!ser->nmem || !ser->nsnap)
    return;
  lc_buf_addstr(out, "<h3>Memory</h3><table class=\"values memory\"><tr>"
                     "<th class=\"name\">snapshot</th>");
  for (k = 0; k < ser->nsnap; k++)
    lc_buf_addf(out, "<th class=\"%s\">%zu%s</th>", snap_class(ser, k), k + 1,
                snap_kind(ser, k) == SNAP_WARMUP ? " (warm-up)" : "");
  lc_buf_addstr(out, "</tr>");
  for (i = 0; i < ser->nmem; i++) {
    lc_buf_addstr(out, "<tr><th class=\"name\">");
    esc(out, ser->mem[i].name);
    lc_buf_addstr(out, "</th>");
    for (k = 0; k < ser->nsnap; k++) {
      lc_buf_addf(out, "<td class=\"%s\">", snap_class(ser, k));
      add_bytes(out, clamp64(ser->mem[i].size[k]), 0);
      lc_buf_addstr(out, "</td>");
    }
    lc_buf_addstr(out, "</tr>");
  }
  lc_buf_addstr(out, "</table>");
}

static void
add_tail(struct lc_buf *out, const char *what, const char *text)
{
  if (!text || !*text)
    return;
  lc_buf_addf(out, "<h4>%s (last %d lines)</h4><pre class=\"tail\">", what,
              TAIL_LINES);
  esc(out, lc_tail_lines(text, TAIL_LINES));
  lc_buf_addstr(out, "</pre>");
}

static void
add_check(struct lc_buf *out, const struct lc_config *cfg,
          const struct lc_check_result *r, size_t index)
{
  const struct lc_check *ck = r->check;
  const struct lc_series *ser = &r->series;
  size_t i;

  lc_buf_addf(out,
              "<section class=\"check s-%s\" id=\"check-%zu\"><h2>"
              "<span class=\"badge\">%s</span>",
              status_name(r->status), index, status_word(r->status));
  esc(out, ck->name);
  lc_buf_addstr(out, "</h2><p class=\"mute\">");
  if (r->status == LC_CHECK_SKIPPED) {
    esc(out, r->error ? r->error : "not run");
    lc_buf_addstr(out, "</p></section>");
    return;
  }
  if (r->status == LC_CHECK_BROKEN)
    lc_buf_addf(out, "%zu of ", ser->nsnap);
  lc_buf_addf(out, "%u snapshots (warm-up %u), %.1f s, script ", ck->snapshots,
              ck->warmup,
              r->seconds > 0 && r->seconds < 1e9 ? r->seconds : 0.0);
  esc(out, ck->script ? ck->script : "?");
  lc_buf_addstr(out, "</p>");
  if (r->status == LC_CHECK_BROKEN) {
    lc_buf_addstr(out, "<p class=\"fail verdict\">");
    esc(out, r->error ? r->error : "the program broke");
    lc_buf_addstr(out, "</p>");
  }
  for (i = 0; i < ck->nasserts; i++)
    add_assertion(out, cfg, r, i);
  if (ser->nsnap && ser->nrows) {
    size_t *order = rows_by_growth(ser);
    add_top_growers(out, ser, order);
    add_internals(out, r);
    add_all_rows(out, ser, order);
    free(order);
  }
  add_memory(out, ser);
  if ((r->stdout_tail && *r->stdout_tail) ||
      (r->stderr_tail && *r->stderr_tail)) {
    lc_buf_addstr(out, "<h3>Program output</h3>");
    add_tail(out, "stdout", r->stdout_tail);
    add_tail(out, "stderr", r->stderr_tail);
  }
  lc_buf_addstr(out, "</section>");
}

static int
check_rank(enum lc_check_status st)
{
  switch (st) {
  case LC_CHECK_FAILED:
  case LC_CHECK_BROKEN:
    return 0;
  case LC_CHECK_PASSED:
    return 1;
  default:
    return 2;
  }
}

void
lc_report_html(struct lc_buf *out, const struct lc_config *cfg,
               const struct lc_check_result *res, size_t n)
{
  size_t c, counts[4] = {0, 0, 0, 0};
  int rank;
  char when[32] = "";
  time_t now = time(NULL);
  struct tm tm;

  for (c = 0; c < n; c++)
    counts[check_rank(res[c].status) == 0
               ? (res[c].status == LC_CHECK_FAILED ? 1 : 2)
           : res[c].status == LC_CHECK_PASSED ? 0
                                              : 3]++;
  if (gmtime_r(&now, &tm))
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
  lc_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                     "<meta charset=\"utf-8\">"
                     "<meta http-equiv=\"Content-Security-Policy\" "
                     "content=\"default-src 'none'; img-src data:; "
                     "style-src 'sha256-" STYLE_SHA256 "'; "
                     "script-src 'sha256-" SCRIPT_SHA256 "'; "
                     "base-uri 'none'; form-action 'none'\">"
                     "<meta name=\"viewport\" content=\"width=device-width\">"
                     "<meta name=\"color-scheme\" content=\"light dark\">"
                     "<title>leakcheck report</title><style>");
  lc_buf_addstr(out, style);
  lc_buf_addf(out,
              "</style></head><body><h1>leakcheck: %s</h1>"
              "<p class=\"totals\">%zu %s: %zu passed, %zu failed, %zu %s",
              counts[2]   ? "a program broke"
              : counts[1] ? "leak found"
                          : "no leak",
              n, n == 1 ? "check" : "checks", counts[0], counts[1], counts[2],
              counts[2] == 1 ? "error" : "errors");
  if (counts[3])
    lc_buf_addf(out, ", %zu skipped", counts[3]);
  lc_buf_addstr(out, ". ");
  if (cfg && cfg->path) {
    lc_buf_addstr(out, "Configuration ");
    esc(out, cfg->path);
    lc_buf_addstr(out, ", ");
  }
  lc_buf_addf(out, "written %s.</p>\n", when);
  for (rank = 0; rank < 3; rank++)
    for (c = 0; c < n; c++)
      if (check_rank(res[c].status) == rank) {
        add_check(out, cfg, &res[c], c);
        lc_buf_addch(out, '\n');
      }
  lc_buf_addstr(out, "<script>");
  lc_buf_addstr(out, script);
  lc_buf_addstr(out, "</script></body></html>\n");
}
