/* Terminal and JUnit reports, XML escaping (see report.h). */
#include "report/report.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/format.h"
#include "base/utf8.h"

#include "base/banned.h"

/* Findings listed per failed assertion: the terminal stays readable, the
 * JUnit file stays far below the CI size limits. */
#define TEXT_MAX_FINDINGS 10
#define JUNIT_MAX_FINDINGS 50
/* Lines of the program's stderr shown for a broken check. */
#define TAIL_LINES 20

#define ANSI_GREEN "\033[32m"
#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_RESET "\033[0m"

/* ---- XML escaping ------------------------------------------------------ */

enum xml_class {
  XC_OK,  /* copied as is */
  XC_AMP, /* & */
  XC_LT,  /* < */
  XC_GT,  /* > (so that "]]>" never appears) */
  XC_QUO, /* " */
  XC_WS,  /* TAB LF CR */
  XC_CTL, /* other C0 controls: not XML characters */
  XC_ESC, /* ESC: an ANSI sequence starts, or a control */
  XC_U8,  /* possible lead byte of a multi-byte UTF-8 sequence */
  XC_BAD  /* never valid in UTF-8 here: continuation, C0, C1, F5-FF */
};

#define O XC_OK
#define A XC_AMP
#define L XC_LT
#define G XC_GT
#define Q XC_QUO
#define W XC_WS
#define C XC_CTL
#define E XC_ESC
#define U XC_U8
#define B XC_BAD
static const unsigned char xml_class[256] = {
    C, C, C, C, C, C, C, C, C, W, W, C, C, W, C, C, /* 0x00 */
    C, C, C, C, C, C, C, C, C, C, C, E, C, C, C, C, /* 0x10 */
    O, O, Q, O, O, O, A, O, O, O, O, O, O, O, O, O, /* 0x20 */
    O, O, O, O, O, O, O, O, O, O, O, O, L, O, G, O, /* 0x30 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x40 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x50 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x60 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x70 */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0x80 */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0x90 */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xa0 */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, /* 0xb0 */
    B, B, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 0xc0 */
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 0xd0 */
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 0xe0 */
    U, U, U, U, U, B, B, B, B, B, B, B, B, B, B, B, /* 0xf0 */
};
#undef O
#undef A
#undef L
#undef G
#undef Q
#undef W
#undef C
#undef E
#undef U
#undef B

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

void
lc_xml_escape(struct lc_buf *out, const char *s, size_t len, int attr)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;

  while (p < end) {
    const unsigned char *run = p;
    uint32_t cp;
    size_t n;
    int k;

    while (p < end && xml_class[*p] == XC_OK)
      p++;
    lc_buf_add(out, run, (size_t)(p - run));
    if (p == end)
      break;
    switch (xml_class[*p]) {
    case XC_AMP:
      lc_buf_addstr(out, "&amp;");
      p++;
      break;
    case XC_LT:
      lc_buf_addstr(out, "&lt;");
      p++;
      break;
    case XC_GT:
      lc_buf_addstr(out, "&gt;");
      p++;
      break;
    case XC_QUO:
      lc_buf_addstr(out, attr ? "&quot;" : "\"");
      p++;
      break;
    case XC_WS:
      /* Attribute normalisation would turn raw ones into spaces. */
      if (attr)
        lc_buf_addf(out, "&#%d;", *p);
      else
        lc_buf_addch(out, *p);
      p++;
      break;
    case XC_ESC:
      n = lc_csi_len(p, end);
      if (n) {
        p += n;
        break;
      }
      lc_buf_addstr(out, replacement);
      p++;
      break;
    case XC_U8:
      k = lc_utf8_decode(p, end, &cp);
      if (k < 0) {
        lc_buf_addstr(out, replacement);
        p += -k;
      } else if (cp == 0xfffe || cp == 0xffff) {
        lc_buf_addstr(out, replacement);
        p += k;
      } else {
        lc_buf_add(out, p, (size_t)k);
        p += k;
      }
      break;
    default: /* XC_CTL, XC_BAD */
      lc_buf_addstr(out, replacement);
      p++;
      break;
    }
  }
}

void
lc_text_clean(struct lc_buf *out, const char *s, size_t len, int keep_lf)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    const unsigned char *run = p;
    uint32_t cp;
    size_t n;
    int k;
    while (p < end && *p >= 0x20 && *p < 0x7f)
      p++;
    lc_buf_add(out, run, (size_t)(p - run));
    if (p == end)
      break;
    if (*p >= 0x80) {
      k = lc_utf8_decode(p, end, &cp);
      if (k < 0) {
        lc_buf_addstr(out, replacement);
        p += -k;
      } else if (cp < 0xa0) {
        /* C1 controls: U+009B is a CSI, U+009D an OSC to terminals. */
        lc_buf_addch(out, '?');
        p += k;
      } else {
        lc_buf_add(out, p, (size_t)k);
        p += k;
      }
      continue;
    }
    if (*p == 0x1b && (n = lc_csi_len(p, end)) != 0) {
      p += n;
      continue;
    }
    if (keep_lf && *p == '\r' && p + 1 < end && p[1] == '\n') {
      p++;
      continue;
    }
    lc_buf_addch(out, *p == '\t' || (keep_lf && *p == '\n') ? (char)*p : '?');
    p++;
  }
}

static void
xml_str(struct lc_buf *out, const char *s, int attr)
{
  if (s)
    lc_xml_escape(out, s, strlen(s), attr);
}

/* ---- shared pieces ----------------------------------------------------- */

enum case_kind { CASE_PASS, CASE_FAIL, CASE_ERROR, CASE_SKIP };

/* One testcase per assertion, or a single "run" one for a check without
 * assertions: JUnit consumers drop suites that have no testcase. */
static size_t
nbase_cases(const struct lc_check_result *r)
{
  return r->check->nasserts ? r->check->nasserts : 1;
}

/* The notes that fail the check (an expired allowance, an unused one with
 * --strict) get a testcase each, after the assertions'. */
static const struct lc_note *
failed_note(const struct lc_check_result *r, size_t k)
{
  size_t i;
  for (i = 0; i < r->nnotes; i++)
    if (r->notes[i].failed && k-- == 0)
      return &r->notes[i];
  return NULL;
}

static size_t
ncases(const struct lc_check_result *r)
{
  size_t i, n = nbase_cases(r);
  for (i = 0; i < r->nnotes; i++)
    n += r->notes[i].failed != 0;
  return n;
}

/* Nonzero when an allowance accepted a finding of this result. */
static int
has_allowed(const struct lc_assert_result *ar)
{
  size_t i;
  for (i = 0; ar && i < ar->naccepted; i++)
    if (ar->accepted[i].allow)
      return 1;
  return 0;
}

static const struct lc_assert_result *
case_result(const struct lc_check_result *r, size_t i)
{
  if (!r->results || i >= r->nresults)
    return NULL;
  return &r->results[i];
}

/* The one place that decides what a testcase is, so that every count
 * attribute agrees with the elements written. */
static enum case_kind
case_kind(const struct lc_check_result *r, size_t i)
{
  const struct lc_assert_result *ar = case_result(r, i);
  if (r->status == LC_CHECK_BROKEN)
    return CASE_ERROR;
  if (r->status == LC_CHECK_SKIPPED)
    return CASE_SKIP;
  if (i >= nbase_cases(r))
    return CASE_FAIL; /* a failed note */
  if (ar && !ar->failed && has_allowed(ar) && r->status == LC_CHECK_PASSED)
    return CASE_SKIP; /* allowed growth, nothing else failed */
  if (ar)
    return ar->failed ? CASE_FAIL : CASE_PASS;
  /* An assertion without a result was never judged: not a pass. */
  return r->check->nasserts ? CASE_ERROR : CASE_PASS;
}

static const char *
case_label(const struct lc_check_result *r, size_t i, struct lc_buf *tmp)
{
  const struct lc_assert *a;
  if (i >= nbase_cases(r)) {
    lc_buf_reset(tmp);
    lc_buf_addstr(tmp,
                  failed_note(r, i - nbase_cases(r))->kind == LC_NOTE_EXPIRED
                      ? "expired allowance"
                      : "unused allowance");
    return tmp->buf;
  }
  if (!r->check->nasserts)
    return "run";
  a = &r->check->asserts[i];
  if (a->label)
    return a->label;
  lc_buf_reset(tmp);
  lc_buf_addf(tmp, "assertion %zu", i + 1);
  return tmp->buf;
}

static struct lc_mark
case_mark(const struct lc_check_result *r, size_t i)
{
  if (i >= nbase_cases(r))
    return failed_note(r, i - nbase_cases(r))->mark;
  if (r->check->nasserts && r->check->asserts[i].mark.line)
    return r->check->asserts[i].mark;
  return r->check->mark;
}

/* Appends `s` for a terminal line (lc_text_clean without line breaks). */
static void
add_clean(struct lc_buf *out, const char *s, size_t len)
{
  lc_text_clean(out, s, len, 0);
}

static void
add_clean_str(struct lc_buf *out, const char *s)
{
  if (s)
    add_clean(out, s, strlen(s));
}

const char *
lc_tail_lines(const char *s, size_t max)
{
  const char *p = s + strlen(s);
  size_t n = 0;
  if (p > s && p[-1] == '\n')
    p--;
  while (p > s) {
    if (p[-1] == '\n' && ++n == max)
      break;
    p--;
  }
  return p;
}

/* Appends each line of `s` after `prefix`, its CR LF or LF made one LF. */
static void
add_prefixed_lines(struct lc_buf *out, const char *s, const char *prefix,
                   int clean)
{
  while (*s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    size_t m = n;
    if (m && s[m - 1] == '\r')
      m--;
    lc_buf_addstr(out, prefix);
    if (clean)
      add_clean(out, s, m);
    else
      lc_buf_add(out, s, m);
    lc_buf_addch(out, '\n');
    s += n;
    if (*s == '\n')
      s++;
  }
}

/* The finding's name (lc_finding_name), control characters removed. */
static void
add_row_name(struct lc_buf *out, const struct lc_finding *f)
{
  struct lc_buf raw = LC_BUF_INIT;
  lc_finding_name(&raw, f);
  add_clean(out, raw.buf, raw.len);
  lc_buf_release(&raw);
}

/* The leak whose root is finding `f` of `ar`, or NULL. */
static const struct lc_leak *
leak_of_root(const struct lc_assert_result *ar, size_t f)
{
  size_t i;
  for (i = 0; i < ar->nleaks; i++)
    if (ar->leaks[i].root == f)
      return &ar->leaks[i];
  return NULL;
}

/* Nonzero when finding `f` of `ar` was folded into a leak. */
static int
is_folded(const struct lc_assert_result *ar, size_t f)
{
  size_t i, k;
  for (i = 0; i < ar->nleaks; i++)
    for (k = 0; k < ar->leaks[i].nfolded; k++)
      if (ar->leaks[i].folded[k] == f)
        return 1;
  return 0;
}

/* Appends each line of `text` after `indent` and two blanks, cleaned. */
static void
add_indented(struct lc_buf *out, const char *text, const char *indent)
{
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    lc_buf_addf(out, "%s  ", indent);
    add_clean(out, p, n);
    lc_buf_addch(out, '\n');
    p += n + (nl != NULL);
  }
}

/* The table of one finding, lines starting with `indent`:
 *   Function: +6 objects (+600 B)
 *     counts: (10) 12 14 16 18
 *     sizes:  (1.0 KB) 1.2 KB 1.4 KB 1.6 KB 1.8 KB
 * A leak's root (lc_diagnose) starts with its headline, then its
 * allocation site and holder, each on a line of its own (f->why).
 */
/* One series of a finding; " |" marks where confirmation snapshots
 * (after the planned ones) begin. */
static void
add_series(struct lc_buf *out, const uint64_t *v, int bytes,
           const struct lc_series *ser, size_t planned)
{
  char g[LC_BYTES_MAX];
  size_t k;
  for (k = 0; k < ser->nsnap; k++) {
    if (k == planned && planned < ser->nsnap)
      lc_buf_addstr(out, " |");
    if (bytes) {
      int64_t x = v[k] > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v[k];
      lc_format_bytes(g, sizeof(g), x, 0);
      lc_buf_addf(out, k < ser->warmup ? " (%s)" : " %s", g);
    } else {
      lc_buf_addf(out, k < ser->warmup ? " (%llu)" : " %llu",
                  (unsigned long long)v[k]);
    }
  }
}

static void
add_finding(struct lc_buf *out, const struct lc_finding *f,
            const struct lc_leak *leak, const struct lc_check_result *r,
            const char *indent)
{
  const struct lc_series *ser = &r->series;
  size_t planned = r->check->snapshots;
  char g[LC_BYTES_MAX];

  lc_buf_addstr(out, indent);
  if (leak && leak->headline) {
    add_clean(out, leak->headline, strlen(leak->headline));
  } else {
    add_row_name(out, f);
    lc_format_bytes(g, sizeof(g), f->growth_bytes, 1);
    if (f->row && f->row->memory)
      lc_buf_addf(out, ": %s", g); /* bytes sampled; no objects */
    else if (f->object_id)
      lc_buf_addf(out, ": %s, one object", g);
    else
      lc_buf_addf(out, ": %+lld %s (%s)", (long long)f->growth,
                  f->growth == 1 || f->growth == -1 ? "object" : "objects", g);
    /* A memory row may be judged by its trend: the message says which. */
    if ((f->failed_rules & LC_RULE_STEADY_GROWTH) &&
        !(f->row && f->row->memory))
      lc_buf_addstr(out, ", rising in every interval");
  }
  if (f->confirmed)
    lc_buf_addf(out, "; still growing over %zu confirmation %s", f->confirmed,
                f->confirmed == 1 ? "snapshot" : "snapshots");
  lc_buf_addch(out, '\n');
  if (f->why)
    add_indented(out, f->why, indent);
  if (!f->count || !f->size) /* the V8 internals budget: no series */
    return;
  if (f->row && f->row->memory) {
    /* A memory row: the bytes sampled, no objects. */
    lc_buf_addf(out, "%s  bytes:", indent);
    add_series(out, f->size, 1, ser, planned);
    lc_buf_addch(out, '\n');
    return;
  }
  if (!f->object_id) {
    lc_buf_addf(out, "%s  counts:", indent);
    add_series(out, f->count, 0, ser, planned);
    lc_buf_addch(out, '\n');
  }
  /* One object: its own sizes, the figures the rule judged. */
  lc_buf_addf(out, "%s  sizes: ", indent);
  add_series(out, f->size, 1, ser, planned);
  lc_buf_addch(out, '\n');
}

/* The findings of a failed assertion, at most `max`: each leak's root,
 * then the rows folded into it, indented under "held with it:". */
static void
add_findings(struct lc_buf *out, const struct lc_assert_result *ar,
             const struct lc_check_result *r, const char *indent, size_t max)
{
  struct lc_buf deeper = LC_BUF_INIT;
  size_t f, shown = ar->nfindings < max ? ar->nfindings : max;
  int in_leak = 0;
  lc_buf_addf(&deeper, "%s    ", indent);
  for (f = 0; f < shown; f++) {
    const struct lc_leak *l = leak_of_root(ar, f);
    if (is_folded(ar, f)) {
      if (!in_leak)
        lc_buf_addf(out, "%s  held with it:\n", indent);
      in_leak = 1;
      add_finding(out, &ar->findings[f], NULL, r, deeper.buf);
      continue;
    }
    in_leak = 0;
    add_finding(out, &ar->findings[f], l, r, indent);
  }
  if (ar->nfindings > shown)
    lc_buf_addf(out, "%s... and %zu more\n", indent, ar->nfindings - shown);
  lc_buf_release(&deeper);
}

static double
clean_seconds(double s)
{
  if (!isfinite(s) || s < 0)
    return 0;
  return s > 1e9 ? 1e9 : s;
}

/* ---- terminal ---------------------------------------------------------- */

static void
add_word(struct lc_buf *out, const char *word, const char *ansi, int color,
         int width)
{
  int pad = width - (int)strlen(word);
  if (color)
    lc_buf_addf(out, "%s%s%s", ansi, word, ANSI_RESET);
  else
    lc_buf_addstr(out, word);
  while (pad-- > 0)
    lc_buf_addch(out, ' ');
}

static void
text_assertion(struct lc_buf *out, const struct lc_config *cfg,
               const struct lc_check_result *r, size_t i, int color,
               struct lc_buf *tmp)
{
  const struct lc_assert_result *ar = case_result(r, i);
  enum case_kind kind = case_kind(r, i);
  struct lc_mark m;
  size_t f;

  lc_buf_addstr(out, "  ");
  if (kind == CASE_PASS || kind == CASE_SKIP) /* skip: allowed growth */
    add_word(out, "PASS", ANSI_GREEN, color, 6);
  else if (kind == CASE_FAIL)
    add_word(out, "FAIL", ANSI_RED, color, 6);
  else
    add_word(out, "ERROR", ANSI_RED, color, 6);
  add_clean_str(out, case_label(r, i, tmp));
  lc_buf_addstr(out, "  (");
  add_clean_str(out, ar ? ar->message : "not evaluated");
  lc_buf_addstr(out, ")\n");
  for (f = 0; ar && f < ar->nnotes; f++) {
    lc_buf_addstr(out, "        note: ");
    add_clean_str(out, ar->notes[f]);
    lc_buf_addch(out, '\n');
  }
  if (kind != CASE_FAIL)
    return;
  m = case_mark(r, i);
  if (cfg && cfg->path && m.line) {
    lc_buf_addstr(out, "        at ");
    add_clean_str(out, cfg->path);
    lc_buf_addf(out, ":%lu:%lu\n", m.line, m.col);
  }
  add_findings(out, ar, r, "        ", TEXT_MAX_FINDINGS);
}

/* The word a note is shown with, and its colour. */
static const char *
note_word(const struct lc_note *n, const char **ansi)
{
  *ansi = n->failed ? ANSI_RED : ANSI_YELLOW;
  switch (n->kind) {
  case LC_NOTE_ALLOWED:
    return "ALLOW";
  case LC_NOTE_BASELINE:
    return "KNOWN";
  case LC_NOTE_WORSE:
    return "WORSE";
  case LC_NOTE_FIXED:
    *ansi = ANSI_GREEN;
    return "FIXED";
  case LC_NOTE_UNUSED:
    return n->failed ? "FAIL" : "WARN";
  default:
    return "FAIL";
  }
}

static void
text_notes(struct lc_buf *out, const struct lc_check_result *r, int color)
{
  size_t i;
  for (i = 0; i < r->nnotes; i++) {
    const char *ansi, *word = note_word(&r->notes[i], &ansi);
    lc_buf_addstr(out, "  ");
    add_word(out, word, ansi, color, 6);
    add_clean_str(out, r->notes[i].message);
    lc_buf_addch(out, '\n');
  }
}

/* "  memory: (rss) (40.1 MB) 41.0 MB …" per memory row, warm-up values in
 * parentheses. */
static void
text_memory(struct lc_buf *out, const struct lc_series *ser)
{
  size_t i, k;
  for (i = 0; i < ser->nmem; i++) {
    lc_buf_addf(out, "  %s %s:", i ? "      " : "memory:", ser->mem[i].name);
    for (k = 0; k < ser->nsnap; k++) {
      char g[LC_BYTES_MAX];
      uint64_t v = ser->mem[i].size[k];
      lc_format_bytes(g, sizeof(g), v > INT64_MAX ? INT64_MAX : (int64_t)v, 0);
      lc_buf_addf(out, k < ser->warmup ? " (%s)" : " %s", g);
    }
    lc_buf_addch(out, '\n');
  }
}

void
lc_report_text(struct lc_buf *out, const struct lc_config *cfg,
               const struct lc_check_result *res, size_t n, int color)
{
  struct lc_buf tmp = LC_BUF_INIT;
  size_t passed = 0, failed = 0, broken = 0, skipped = 0, c, i;

  for (c = 0; c < n; c++) {
    const struct lc_check_result *r = &res[c];
    const struct lc_check *ck = r->check;

    switch (r->status) {
    case LC_CHECK_PASSED:
      passed++;
      add_word(out, "PASS", ANSI_GREEN, color, 7);
      break;
    case LC_CHECK_FAILED:
      failed++;
      add_word(out, "FAIL", ANSI_RED, color, 7);
      break;
    case LC_CHECK_BROKEN:
      broken++;
      add_word(out, "ERROR", ANSI_RED, color, 7);
      break;
    default:
      skipped++;
      add_word(out, "SKIP", ANSI_YELLOW, color, 7);
      break;
    }
    add_clean_str(out, ck->name);
    if (r->status == LC_CHECK_SKIPPED) {
      lc_buf_addstr(out, "  (");
      add_clean_str(out, r->error ? r->error : "not run");
      lc_buf_addstr(out, ")\n");
      continue;
    }
    lc_buf_addstr(out, "  (");
    if (r->status == LC_CHECK_BROKEN)
      lc_buf_addf(out, "%zu of ", r->series.nsnap);
    lc_buf_addf(out, "%u snapshots", ck->snapshots);
    if (r->status != LC_CHECK_BROKEN && r->series.nsnap > ck->snapshots)
      lc_buf_addf(out, " + %zu to confirm", r->series.nsnap - ck->snapshots);
    lc_buf_addf(out, ", warmup %u, %.1fs)\n", ck->warmup,
                clean_seconds(r->seconds));
    if (r->status == LC_CHECK_BROKEN) {
      lc_buf_addstr(out, "  error: ");
      add_clean_str(out, r->error ? r->error : "the program broke");
      lc_buf_addch(out, '\n');
      if (r->stderr_tail && *r->stderr_tail)
        add_prefixed_lines(out, lc_tail_lines(r->stderr_tail, TAIL_LINES),
                           "  | ", 1);
      continue;
    }
    for (i = 0; i < ck->nasserts; i++)
      text_assertion(out, cfg, r, i, color, &tmp);
    text_notes(out, r, color);
    text_memory(out, &r->series);
  }
  lc_buf_addf(out, "%zu %s: %zu passed, %zu failed, %zu %s", n,
              n == 1 ? "check" : "checks", passed, failed, broken,
              broken == 1 ? "error" : "errors");
  if (skipped)
    lc_buf_addf(out, ", %zu skipped", skipped);
  lc_buf_addch(out, '\n');
  lc_buf_release(&tmp);
}

void
lc_report_brief(struct lc_buf *out, const struct lc_config *cfg,
                const struct lc_check_result *res, size_t n, int color)
{
  struct lc_buf tmp = LC_BUF_INIT;
  size_t passed = 0, failed = 0, broken = 0, skipped = 0, c, i;

  for (c = 0; c < n; c++) {
    const struct lc_check_result *r = &res[c];
    const struct lc_check *ck = r->check;
    int any = 0;

    switch (r->status) {
    case LC_CHECK_PASSED:
      passed++;
      add_word(out, "PASS", ANSI_GREEN, color, 7);
      add_clean_str(out, ck->name);
      lc_buf_addch(out, '\n');
      continue;
    case LC_CHECK_BROKEN:
      broken++;
      add_word(out, "ERROR", ANSI_RED, color, 7);
      add_clean_str(out, ck->name);
      lc_buf_addstr(out, ": ");
      add_clean_str(out, r->error ? r->error : "the program broke");
      lc_buf_addch(out, '\n');
      continue;
    case LC_CHECK_SKIPPED:
      skipped++;
      add_word(out, "SKIP", ANSI_YELLOW, color, 7);
      add_clean_str(out, ck->name);
      lc_buf_addch(out, '\n');
      continue;
    default:
      failed++;
      break;
    }
    for (i = 0; i < ck->nasserts; i++) {
      const struct lc_assert_result *ar = case_result(r, i);
      struct lc_mark m = case_mark(r, i);
      if (case_kind(r, i) != CASE_FAIL)
        continue;
      any = 1;
      add_word(out, "FAIL", ANSI_RED, color, 7);
      add_clean_str(out, ck->name);
      lc_buf_addstr(out, ": ");
      add_clean_str(out, case_label(r, i, &tmp));
      if (cfg && cfg->path && m.line) {
        lc_buf_addstr(out, " (");
        add_clean_str(out, cfg->path);
        lc_buf_addf(out, ":%lu:%lu)", m.line, m.col);
      }
      lc_buf_addstr(out, "\n       ");
      add_clean_str(out, ar->message);
      lc_buf_addch(out, '\n');
    }
    for (i = 0; i < r->nnotes; i++) {
      if (!r->notes[i].failed)
        continue;
      any = 1;
      add_word(out, "FAIL", ANSI_RED, color, 7);
      add_clean_str(out, ck->name);
      lc_buf_addstr(out, ": ");
      add_clean_str(out, r->notes[i].message);
      lc_buf_addch(out, '\n');
    }
    if (!any) {
      add_word(out, "FAIL", ANSI_RED, color, 7);
      add_clean_str(out, ck->name);
      lc_buf_addch(out, '\n');
    }
  }
  lc_buf_addf(out, "%zu %s: %zu passed, %zu failed, %zu %s", n,
              n == 1 ? "check" : "checks", passed, failed, broken,
              broken == 1 ? "error" : "errors");
  if (skipped)
    lc_buf_addf(out, ", %zu skipped", skipped);
  lc_buf_addch(out, '\n');
  lc_buf_release(&tmp);
}

/* ---- JUnit XML --------------------------------------------------------- */

struct counts {
  size_t tests, failures, errors, skipped;
};

static struct counts
check_counts(const struct lc_check_result *r)
{
  struct counts k = {0, 0, 0, 0};
  size_t i;
  for (i = 0; i < ncases(r); i++) {
    k.tests++;
    switch (case_kind(r, i)) {
    case CASE_FAIL:
      k.failures++;
      break;
    case CASE_ERROR:
      k.errors++;
      break;
    case CASE_SKIP:
      k.skipped++;
      break;
    default:
      break;
    }
  }
  return k;
}

static void
add_counts(struct lc_buf *out, struct counts k, double seconds)
{
  lc_buf_addf(out,
              " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\""
              " time=\"%.3f\"",
              k.tests, k.failures, k.errors, k.skipped, seconds);
}

static void
junit_property(struct lc_buf *out, const char *name, const char *value)
{
  lc_buf_addstr(out, "      <property name=\"");
  xml_str(out, name, 1);
  lc_buf_addstr(out, "\" value=\"");
  xml_str(out, value, 1);
  lc_buf_addstr(out, "\"/>\n");
}

/* The failure text: summary, each finding's table, then where the
 * assertion is written, in the "at FILE:LINE:COL" form that trace-reading
 * reporters pick up. */
static void
failure_text(struct lc_buf *t, const struct lc_config *cfg,
             const struct lc_check_result *r, size_t i)
{
  const struct lc_assert_result *ar = case_result(r, i);
  struct lc_mark m = case_mark(r, i);
  size_t f;

  lc_buf_addf(t, "%s\n\n", ar->message ? ar->message : "");
  add_findings(t, ar, r, "", JUNIT_MAX_FINDINGS);
  for (f = 0; f < ar->nnotes; f++)
    lc_buf_addf(t, "note: %s\n", ar->notes[f]);
  if (cfg && cfg->path && m.line)
    lc_buf_addf(t, "\nat %s:%lu:%lu\n", cfg->path, m.line, m.col);
}

static void
error_text(struct lc_buf *t, const struct lc_check_result *r)
{
  lc_buf_addf(t, "%s\n", r->error ? r->error : "the program broke");
  if (r->stderr_tail && *r->stderr_tail) {
    lc_buf_addf(t, "\nlast lines of stderr:\n");
    add_prefixed_lines(t, lc_tail_lines(r->stderr_tail, TAIL_LINES), "", 0);
  }
}

static void
junit_case(struct lc_buf *out, const struct lc_config *cfg,
           const struct lc_check_result *r, size_t i, double seconds,
           int file_line, struct lc_buf *tmp)
{
  const struct lc_assert_result *ar = case_result(r, i);
  enum case_kind kind = case_kind(r, i);
  struct lc_mark m = case_mark(r, i);

  lc_buf_addstr(out, "    <testcase classname=\"");
  xml_str(out, r->check->name, 1);
  lc_buf_addstr(out, "\" name=\"");
  xml_str(out, case_label(r, i, tmp), 1);
  lc_buf_addch(out, '"');
  if (file_line && cfg && cfg->path) {
    lc_buf_addstr(out, " file=\"");
    xml_str(out, cfg->path, 1);
    lc_buf_addch(out, '"');
    if (m.line)
      lc_buf_addf(out, " line=\"%lu\"", m.line);
  }
  lc_buf_addf(out, " time=\"%.3f\"", seconds);
  if (kind == CASE_PASS && ar && ar->nnotes) {
    /* Growth the confirmation cleared: said, not hidden. */
    size_t n;
    lc_buf_addstr(out, ">\n      <system-out>");
    lc_buf_reset(tmp);
    for (n = 0; n < ar->nnotes; n++)
      lc_buf_addf(tmp, "note: %s\n", ar->notes[n]);
    lc_xml_escape(out, tmp->buf, tmp->len, 0);
    lc_buf_addstr(out, "</system-out>\n    </testcase>\n");
    return;
  }
  if (kind == CASE_PASS) {
    lc_buf_addstr(out, "/>\n");
    return;
  }
  lc_buf_addstr(out, ">\n");
  lc_buf_reset(tmp);
  switch (kind) {
  case CASE_FAIL:
    if (i >= nbase_cases(r)) {
      const struct lc_note *n = failed_note(r, i - nbase_cases(r));
      lc_buf_addstr(out, "      <failure message=\"");
      xml_str(out, n->message, 1);
      lc_buf_addstr(out, "\" type=\"allowance\">");
      xml_str(out, n->message, 0);
      lc_buf_addstr(out, "</failure>\n");
      break;
    }
    lc_buf_addstr(out, "      <failure message=\"");
    xml_str(out, ar->message, 1);
    lc_buf_addstr(out, "\" type=\"leak\">");
    failure_text(tmp, cfg, r, i);
    lc_xml_escape(out, tmp->buf, tmp->len, 0);
    lc_buf_addstr(out, "</failure>\n");
    break;
  case CASE_ERROR:
    lc_buf_addstr(out, "      <error message=\"");
    if (r->status == LC_CHECK_BROKEN) {
      xml_str(out, r->error ? r->error : "the program broke", 1);
      error_text(tmp, r);
    } else {
      xml_str(out, "assertion was not evaluated", 1);
    }
    lc_buf_addstr(out, "\" type=\"program-error\">");
    lc_xml_escape(out, tmp->buf, tmp->len, 0);
    lc_buf_addstr(out, "</error>\n");
    break;
  default: /* CASE_SKIP */
    lc_buf_addstr(out, "      <skipped message=\"");
    if (r->status == LC_CHECK_PASSED && ar) {
      size_t k;
      lc_buf_addstr(tmp, "allowed:");
      for (k = 0; k < ar->naccepted; k++)
        if (ar->accepted[k].allow)
          lc_buf_addf(tmp, "%s %s", k ? ";" : "",
                      ar->accepted[k].allow->reason);
      xml_str(out, tmp->buf, 1);
    } else {
      xml_str(out, r->error ? r->error : "not run", 1);
    }
    lc_buf_addstr(out, "\"/>\n");
    break;
  }
  lc_buf_addstr(out, "    </testcase>\n");
}

static void
junit_suite(struct lc_buf *out, const struct lc_config *cfg,
            const struct lc_check_result *r, const char *host, int file_line,
            struct lc_buf *tmp)
{
  const struct lc_check *ck = r->check;
  double secs = clean_seconds(r->seconds);
  char stamp[32] = "1970-01-01T00:00:00";
  struct tm tm;
  size_t i, nc = ncases(r);

  if (gmtime_r(&r->started, &tm))
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  lc_buf_addstr(out, "  <testsuite name=\"");
  xml_str(out, ck->name, 1);
  lc_buf_addch(out, '"');
  add_counts(out, check_counts(r), secs);
  lc_buf_addf(out, " timestamp=\"%s\" hostname=\"", stamp);
  xml_str(out, host, 1);
  lc_buf_addstr(out, "\">\n    <properties>\n");
  lc_buf_reset(tmp);
  lc_buf_addf(tmp, "%u", ck->snapshots);
  junit_property(out, "snapshots", tmp->buf);
  lc_buf_reset(tmp);
  lc_buf_addf(tmp, "%u", ck->warmup);
  junit_property(out, "warmup", tmp->buf);
  junit_property(out, "script", ck->script ? ck->script : "");
  for (i = 0; i < r->nnotes; i++) {
    static const char *const names[] = {
        "allowed", "baseline",         "worse",
        "fixed",   "unused-allowance", "expired-allowance"};
    junit_property(out, names[r->notes[i].kind], r->notes[i].message);
  }
  if (r->series.nsnap > ck->snapshots && r->status != LC_CHECK_BROKEN) {
    lc_buf_reset(tmp);
    lc_buf_addf(tmp, "%zu", r->series.nsnap - ck->snapshots);
    junit_property(out, "confirmation_snapshots", tmp->buf);
    lc_buf_reset(tmp);
    lc_buf_addf(tmp, "%.3f", clean_seconds(r->confirm_seconds));
    junit_property(out, "confirmation_seconds", tmp->buf);
    /* The drive intervals each confirmation interval held ("2 4 8 16";
     * "1 1 1" when only memory rows were left to settle). */
    lc_buf_reset(tmp);
    for (i = ck->snapshots; i < r->series.nsnap; i++)
      lc_buf_addf(tmp, "%s%g", i > ck->snapshots ? " " : "",
                  i < r->series.ndrive ? r->series.drive[i] : 0.0);
    junit_property(out, "confirmation_intervals", tmp->buf);
  }
  for (i = 0; i < r->series.nmem; i++) {
    /* "memory.rss" = the bytes sampled at each snapshot, warm-up ones
     * included, space-separated. */
    const struct lc_series_row *row = &r->series.mem[i];
    struct lc_buf name = LC_BUF_INIT;
    size_t k;
    lc_buf_addf(&name, "memory.%s", lc_mem_kind_key(row->memory));
    lc_buf_reset(tmp);
    for (k = 0; k < r->series.nsnap; k++)
      lc_buf_addf(tmp, "%s%llu", k ? " " : "",
                  (unsigned long long)row->size[k]);
    junit_property(out, name.buf, tmp->buf);
    lc_buf_release(&name);
  }
  lc_buf_addstr(out, "    </properties>\n");
  /* The check's time is shared by its assertions, so that testcase times
   * add up to the suite's. */
  for (i = 0; i < nc; i++)
    junit_case(out, cfg, r, i, secs / (double)nc, file_line, tmp);
  if (r->stdout_tail && *r->stdout_tail) {
    lc_buf_addstr(out, "    <system-out>");
    xml_str(out, r->stdout_tail, 0);
    lc_buf_addstr(out, "</system-out>\n");
  }
  if (r->stderr_tail && *r->stderr_tail) {
    lc_buf_addstr(out, "    <system-err>");
    xml_str(out, r->stderr_tail, 0);
    lc_buf_addstr(out, "</system-err>\n");
  }
  lc_buf_addstr(out, "  </testsuite>\n");
}

void
lc_report_junit(struct lc_buf *out, const struct lc_config *cfg,
                const struct lc_check_result *res, size_t n,
                enum lc_junit_profile profile)
{
  int jenkins = profile == LC_JUNIT_JENKINS;
  struct lc_buf tmp = LC_BUF_INIT;
  struct counts all = {0, 0, 0, 0};
  char host[256];
  double secs = 0;
  size_t c;

  if (gethostname(host, sizeof(host)) != 0)
    host[0] = '\0';
  host[sizeof(host) - 1] = '\0';
  for (c = 0; c < n; c++) {
    struct counts k = check_counts(&res[c]);
    all.tests += k.tests;
    all.failures += k.failures;
    all.errors += k.errors;
    all.skipped += k.skipped;
    secs += clean_seconds(res[c].seconds);
  }
  lc_buf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"leakcheck\"");
  if (jenkins) /* junit-10.xsd has no `skipped` on <testsuites> */
    lc_buf_addf(out,
                " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\""
                " time=\"%.3f\"",
                all.tests, all.failures, all.errors, secs);
  else
    add_counts(out, all, secs);
  lc_buf_addstr(out, ">\n");
  for (c = 0; c < n; c++)
    junit_suite(out, cfg, &res[c], host, !jenkins, &tmp);
  lc_buf_addstr(out, "</testsuites>\n");
  lc_buf_release(&tmp);
}
