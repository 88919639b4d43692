/* GitHub Actions annotations, step summary and output fencing (see
 * github.h). */
#include "report/github.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/format.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "report/report.h"
#include "verdict/verdict.h"

#include "base/banned.h" /* last: it poisons names */

/* Rows listed per failed assertion in the summary, and retainer paths shown
 * per failed assertion. */
#define SUMMARY_MAX_ROWS 50
#define SUMMARY_MAX_PATHS 10
/* One retainer path or stderr block in the summary. */
#define BLOCK_MAX_LINES 200
#define BLOCK_MAX_BYTES (32 * 1024)
/* Lines of the program's stderr shown for a broken check. */
#define TAIL_LINES 20
/* Room kept for the truncation note at the end of the summary. */
#define NOTE_RESERVE 512

/* ---- text clean-up ----------------------------------------------------- */

/* Copies `s` as valid UTF-8 text without terminal controls, LF kept (see
 * lc_text_clean). */
static void
add_sane(struct lc_buf *out, const char *s, size_t len)
{
  lc_text_clean(out, s, len, 1);
}

static void
escape_cmd(struct lc_buf *out, const char *s, size_t len, int property)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    size_t n;
    switch (*p) {
    case '%':
      lc_buf_addstr(out, "%25");
      break;
    case '\r':
      lc_buf_addstr(out, "%0D");
      break;
    case '\n':
      lc_buf_addstr(out, "%0A");
      break;
    case ':':
      lc_buf_addstr(out, property ? "%3A" : ":");
      break;
    case ',':
      lc_buf_addstr(out, property ? "%2C" : ",");
      break;
    case 0x1b:
      n = lc_csi_len(p, end);
      if (n) {
        p += n;
        continue;
      }
      break;
    default:
      if (*p >= 0x80) {
        /* Bytes of non-ASCII text: valid UTF-8 without C1 controls
         * (lc_text_clean); a run of them never splits a character. */
        const unsigned char *q = p;
        while (q < end && *q >= 0x80)
          q++;
        lc_text_clean(out, (const char *)p, (size_t)(q - p), 0);
        p = q;
        continue;
      }
      if ((*p >= 0x20 && *p != 0x7f) || *p == '\t')
        lc_buf_addch(out, *p);
      break;
    }
    p++;
  }
}

void
lc_github_escape_data(struct lc_buf *out, const char *s, size_t len)
{
  escape_cmd(out, s, len, 0);
}

void
lc_github_escape_property(struct lc_buf *out, const char *s, size_t len)
{
  escape_cmd(out, s, len, 1);
}

static void
prop_str(struct lc_buf *out, const char *s)
{
  lc_github_escape_property(out, s, strlen(s));
}

/* ---- the path shown in annotations ------------------------------------- */

char *
lc_github_display_path(const char *config_path, const char *workspace)
{
  const char *p = config_path;
  if (workspace && *workspace) {
    char *cfg = realpath(config_path, NULL);
    char *ws = realpath(workspace, NULL);
    char *rel = NULL;
    if (cfg && ws) {
      size_t n = strlen(ws);
      if (n == 1 && ws[0] == '/')
        rel = lc_xstrdup(cfg + 1);
      else if (strncmp(cfg, ws, n) == 0 && cfg[n] == '/')
        rel = lc_xstrdup(cfg + n + 1);
    }
    free(cfg);
    free(ws);
    if (rel)
      return rel;
  }
  while (p[0] == '.' && p[1] == '/') {
    p += 2;
    while (*p == '/')
      p++;
  }
  return lc_xstrdup(*p ? p : config_path);
}

/* ---- shared pieces ----------------------------------------------------- */

static void
add_growth(struct lc_buf *out, int64_t objects, int64_t bytes)
{
  char b[LC_BYTES_MAX];
  lc_format_bytes(b, sizeof(b), bytes, 1);
  lc_buf_addf(out, "%+lld %s (%s)", (long long)objects,
              objects == 1 || objects == -1 ? "object" : "objects", b);
}

/* "(10) 12 14 16": warm-up snapshots in parentheses. */
static void
add_counts(struct lc_buf *out, const uint64_t *count,
           const struct lc_check_result *r, const char *sep)
{
  const struct lc_series *ser = &r->series;
  size_t k;
  for (k = 0; k < ser->nsnap; k++) {
    /* Confirmation snapshots follow a '|', as in the terminal (escaped
     * in a Markdown table: `sep`). */
    if (k && k == r->check->snapshots)
      lc_buf_addstr(out, sep);
    lc_buf_addf(out, k < ser->warmup ? "%s(%llu)" : "%s%llu", k ? " " : "",
                (unsigned long long)count[k]);
  }
}

static void
add_sizes(struct lc_buf *out, const uint64_t *size,
          const struct lc_check_result *r, const char *sep)
{
  const struct lc_series *ser = &r->series;
  char b[LC_BYTES_MAX];
  size_t k;
  for (k = 0; k < ser->nsnap; k++) {
    int64_t v = size[k] > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)size[k];
    if (k && k == r->check->snapshots)
      lc_buf_addstr(out, sep);
    lc_format_bytes(b, sizeof(b), v, 0);
    lc_buf_addf(out, k < ser->warmup ? "%s(%s)" : "%s%s", k ? " " : "", b);
  }
}

/* A one-line sparkline of `count`, one block per snapshot, from
 * U+2581 (the series' minimum) to U+2588 (its maximum); all "▄" when flat. */
static void
add_sparkline(struct lc_buf *out, const uint64_t *count,
              const struct lc_series *ser)
{
  static const char *const blocks[8] = {
      "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
  uint64_t lo = UINT64_MAX, hi = 0;
  size_t k;
  for (k = 0; k < ser->nsnap; k++) {
    if (count[k] < lo)
      lo = count[k];
    if (count[k] > hi)
      hi = count[k];
  }
  for (k = 0; k < ser->nsnap; k++) {
    /* Scaled in long double: counts may use all 64 bits. */
    size_t level = hi == lo ? 3
                            : (size_t)((long double)(count[k] - lo) * 7 /
                                           (long double)(hi - lo) +
                                       0.5L);
    lc_buf_addstr(out, blocks[level > 7 ? 7 : level]);
  }
}

static const struct lc_assert_result *
result_of(const struct lc_check_result *r, size_t i)
{
  if (!r->results || i >= r->nresults)
    return NULL;
  return &r->results[i];
}

static const char *
label_of(const struct lc_check *ck, size_t i, struct lc_buf *tmp)
{
  if (ck->asserts[i].label)
    return ck->asserts[i].label;
  lc_buf_reset(tmp);
  lc_buf_addf(tmp, "assertion %zu", i + 1);
  return tmp->buf;
}

/* Cuts `b` to at most `max` bytes on a UTF-8 boundary, ending it with
 * `mark` (which must be shorter than `max`). */
static void
cap_text(struct lc_buf *b, size_t max, const char *mark)
{
  size_t n;
  if (b->len <= max)
    return;
  n = max - strlen(mark);
  while (n > 0 && ((unsigned char)b->buf[n] & 0xc0) == 0x80)
    n--;
  lc_buf_setlen(b, n);
  lc_buf_addstr(b, mark);
}

/* ---- annotations ------------------------------------------------------- */

struct item {
  size_t check, assertion; /* assertion is unused for a broken check */
  int broken;
  int64_t bytes, objects;
};

static int
item_cmp(const void *va, const void *vb)
{
  const struct item *a = va, *b = vb;
  if (a->broken != b->broken)
    return a->broken ? -1 : 1;
  if (!a->broken) {
    if (a->bytes != b->bytes)
      return a->bytes > b->bytes ? -1 : 1;
    if (a->objects != b->objects)
      return a->objects > b->objects ? -1 : 1;
  }
  if (a->check != b->check)
    return a->check < b->check ? -1 : 1;
  if (a->assertion != b->assertion)
    return a->assertion < b->assertion ? -1 : 1;
  return 0;
}

static void
annotation_head(struct lc_buf *out, const char *file, struct lc_mark m,
                const char *check, const char *what)
{
  lc_buf_addstr(out, "::error file=");
  prop_str(out, file);
  if (m.line)
    lc_buf_addf(out, ",line=%lu,col=%lu", m.line, m.col ? m.col : 1);
  lc_buf_addstr(out, ",title=");
  prop_str(out, check);
  lc_buf_addstr(out, "%3A ");
  prop_str(out, what);
  lc_buf_addstr(out, "::");
}

static void
annotation_body(struct lc_buf *out, struct lc_buf *msg)
{
  cap_text(msg, LC_GITHUB_MAX_MESSAGE, "\n... (cut)");
  lc_github_escape_data(out, msg->buf, msg->len);
  lc_buf_addch(out, '\n');
}

/* `abs` relative to the workspace (GITHUB_WORKSPACE, resolved), or NULL
 * when it is not inside it: GitHub shows annotations only on the
 * repository's files. */
static const char *
in_workspace(const char *abs, char **ws_out)
{
  const char *ws = getenv("GITHUB_WORKSPACE");
  char *real;
  size_t n;
  *ws_out = NULL;
  if (!abs || abs[0] != '/' || !ws || !*ws)
    return NULL;
  real = realpath(ws, NULL);
  if (!real)
    return NULL;
  n = strlen(real);
  while (n > 1 && real[n - 1] == '/')
    n--;
  if (strncmp(abs, real, n) != 0 || abs[n] != '/' || !abs[n + 1]) {
    free(real);
    return NULL;
  }
  *ws_out = real;
  return abs + n + 1;
}

/* The JavaScript lines already annotated by one report (several
 * assertions often fail on the same leak: its line is annotated once). */
struct sites_seen {
  struct lc_strmap keys; /* "file:line" */
};

/* A second annotation, on the line of the user's JavaScript where the
 * worst leak's objects were allocated, when that file is in the workspace
 * and its line was not annotated yet.  Returns the annotations written
 * (0 or 1). */
static int
annotate_site(struct lc_buf *out, const struct lc_check_result *r,
              const struct lc_assert_result *ar, struct lc_buf *msg,
              struct sites_seen *seen)
{
  const struct lc_leak *l = ar->nleaks ? &ar->leaks[0] : NULL;
  const struct lc_site *site = l && l->nsites ? &l->sites[0] : NULL;
  const char *rel;
  char *ws, *key;
  struct lc_mark m;
  if (!site || !site->abs_file || !site->line)
    return 0;
  key = lc_xasprintf("%s:%u", site->abs_file, site->line);
  if (lc_strmap_find(&seen->keys, key, strlen(key)) != UINT32_MAX) {
    free(key);
    return 0;
  }
  rel = in_workspace(site->abs_file, &ws);
  if (!rel) {
    free(key);
    return 0;
  }
  lc_strmap_intern(&seen->keys, key, strlen(key), NULL);
  free(key);
  m.line = site->line;
  m.col = site->col;
  annotation_head(out, rel, m, r->check->name,
                  "leaking objects allocated here");
  free(ws);
  lc_buf_reset(msg);
  if (l->headline)
    lc_buf_addstr(msg, l->headline);
  lc_buf_addf(msg, "\n%llu of %llu allocated at %s",
              (unsigned long long)site->count,
              (unsigned long long)l->site_total, site->frames);
  if (l->held_by)
    lc_buf_addf(msg, "\nheld by: %s", l->held_by);
  annotation_body(out, msg);
  return 1;
}

/* The annotation of failed assertion i at its line of leakcheck.yml, and,
 * when `site_room`, the one at the allocation line.  Returns how many
 * annotations it wrote. */
static int
annotate_failed(struct lc_buf *out, const char *file,
                const struct lc_check_result *r, size_t i, struct lc_buf *msg,
                struct lc_buf *tmp, struct sites_seen *seen, int site_room)
{
  const struct lc_check *ck = r->check;
  const struct lc_assert_result *ar = result_of(r, i);
  const struct lc_finding *f = ar->nfindings ? &ar->findings[0] : NULL;

  annotation_head(out, file, ck->asserts[i].mark, ck->name,
                  label_of(ck, i, tmp));
  lc_buf_reset(msg);
  lc_buf_addstr(msg, ar->message ? ar->message : "assertion failed");
  if (f) {
    lc_buf_addstr(msg, "\n\n");
    if (ar->nleaks && ar->leaks[0].root == 0 && ar->leaks[0].headline) {
      lc_buf_addstr(msg, ar->leaks[0].headline);
    } else if (f->row && f->row->memory) {
      char b[LC_BYTES_MAX];
      lc_format_bytes(b, sizeof(b), f->growth_bytes, 1);
      lc_finding_name(msg, f);
      lc_buf_addf(msg, ": %s", b);
    } else {
      lc_finding_name(msg, f);
      lc_buf_addstr(msg, ": ");
      add_growth(msg, f->growth, f->growth_bytes);
    }
    if (f->row && f->row->memory) {
      /* A memory row: the bytes sampled, no objects. */
      lc_buf_addstr(msg, "\n  bytes:  ");
    } else {
      lc_buf_addstr(msg, "\n  counts: ");
      add_counts(msg, f->count, r, " |");
      lc_buf_addstr(msg, "\n  sizes:  ");
    }
    add_sizes(msg, f->size, r, " |");
    if (f->why && *f->why) {
      lc_buf_addstr(msg, "\n\n");
      lc_buf_addstr(msg, f->why);
    }
  }
  annotation_body(out, msg);
  return 1 + (site_room ? annotate_site(out, r, ar, msg, seen) : 0);
}

static void
annotate_broken(struct lc_buf *out, const char *file,
                const struct lc_check_result *r, struct lc_buf *msg)
{
  annotation_head(out, file, r->check->mark, r->check->name,
                  "the program broke");
  lc_buf_reset(msg);
  lc_buf_addstr(msg, r->error ? r->error : "the program broke");
  if (r->stderr_tail && *r->stderr_tail) {
    lc_buf_addstr(msg, "\n\nlast lines of stderr:\n");
    lc_buf_addstr(msg, lc_tail_lines(r->stderr_tail, 10));
    while (msg->len && msg->buf[msg->len - 1] == '\n')
      lc_buf_setlen(msg, msg->len - 1);
  }
  annotation_body(out, msg);
}

/* Allowed growth, growth within the baseline and fixed leaks become
 * notices, an unused allowance a warning, a failed note an error: known
 * growth is never dropped silently.  At most LC_GITHUB_MAX_ANNOTATIONS. */
static void
annotate_notes(struct lc_buf *out, const char *file,
               const struct lc_check_result *res, size_t n)
{
  static const char *const titles[] = {
      "allowed", "within the baseline", "worse than known",
      "fixed",   "unused allowance",    "expired allowance"};
  size_t c, i, shown = 0;
  for (c = 0; c < n; c++) {
    const struct lc_check_result *r = &res[c];
    for (i = 0; i < r->nnotes && shown < LC_GITHUB_MAX_ANNOTATIONS; i++) {
      const struct lc_note *nt = &r->notes[i];
      struct lc_buf title = LC_BUF_INIT;
      lc_buf_addstr(out,
                    nt->failed ? "::error file="
                    : nt->kind == LC_NOTE_UNUSED || nt->kind == LC_NOTE_WORSE
                        ? "::warning file="
                        : "::notice file=");
      prop_str(out, file);
      if (nt->mark.line)
        lc_buf_addf(out, ",line=%lu,col=%lu", nt->mark.line, nt->mark.col);
      lc_buf_addf(&title, "%s: %s", r->check->name, titles[nt->kind]);
      lc_buf_addstr(out, ",title=");
      prop_str(out, title.buf);
      lc_buf_addstr(out, "::");
      lc_github_escape_data(out, nt->message, strlen(nt->message));
      lc_buf_addch(out, '\n');
      lc_buf_release(&title);
      shown++;
    }
  }
}

void
lc_report_github_annotations(struct lc_buf *out, const struct lc_config *cfg,
                             const struct lc_check_result *res, size_t n,
                             const char *config_display_path)
{
  const char *file = config_display_path ? config_display_path
                     : cfg && cfg->path  ? cfg->path
                                         : "leakcheck.yml";
  struct item *items = NULL;
  size_t nitems = 0, alloc = 0, c, i, shown, used = 0;
  struct lc_buf msg = LC_BUF_INIT, tmp = LC_BUF_INIT;
  struct sites_seen seen = {LC_STRMAP_INIT};

  for (c = 0; c < n; c++) {
    const struct lc_check_result *r = &res[c];
    if (r->status == LC_CHECK_BROKEN) {
      LC_ALLOC_GROW(items, nitems + 1, alloc);
      memset(&items[nitems], 0, sizeof(items[nitems]));
      items[nitems].check = c;
      items[nitems++].broken = 1;
      continue;
    }
    for (i = 0; i < r->check->nasserts; i++) {
      const struct lc_assert_result *ar = result_of(r, i);
      struct item *it;
      if (!ar || !ar->failed)
        continue;
      LC_ALLOC_GROW(items, nitems + 1, alloc);
      it = &items[nitems++];
      memset(it, 0, sizeof(*it));
      it->check = c;
      it->assertion = i;
      it->bytes =
          ar->nfindings ? ar->findings[0].growth_bytes : ar->growth_bytes;
      it->objects = ar->nfindings ? ar->findings[0].growth : ar->growth;
    }
  }
  if (nitems > 1)
    qsort(items, nitems, sizeof(*items), item_cmp);
  /* GitHub keeps LC_GITHUB_MAX_ANNOTATIONS error annotations per step:
   * the allocation lines count too. */
  for (i = 0, shown = 0; i < nitems && used < LC_GITHUB_MAX_ANNOTATIONS;
       i++, shown++) {
    const struct lc_check_result *r = &res[items[i].check];
    if (items[i].broken) {
      annotate_broken(out, file, r, &msg);
      used++;
    } else {
      used +=
          (size_t)annotate_failed(out, file, r, items[i].assertion, &msg, &tmp,
                                  &seen, used + 1 < LC_GITHUB_MAX_ANNOTATIONS);
    }
  }
  if (nitems > shown) {
    size_t more = nitems - shown;
    lc_buf_addstr(out, "::notice file=");
    prop_str(out, file);
    lc_buf_addf(out,
                ",title=leakcheck::%zu more %s not annotated (GitHub keeps "
                "%d per step): the step summary and the JUnit report list "
                "every one\n",
                more, more == 1 ? "failure is" : "failures are",
                LC_GITHUB_MAX_ANNOTATIONS);
  }
  free(items);
  annotate_notes(out, file, res, n);
  lc_strmap_release(&seen.keys);
  lc_buf_release(&msg);
  lc_buf_release(&tmp);
}

/* ---- step summary ------------------------------------------------------ */

/* Appends `s` for a Markdown paragraph or table cell: HTML-significant
 * characters as entities, Markdown punctuation backslash-escaped, line
 * breaks as spaces, controls and bad UTF-8 cleaned. */
static void
md_text(struct lc_buf *out, const char *s, size_t len)
{
  struct lc_buf clean = LC_BUF_INIT;
  size_t i;
  add_sane(&clean, s, len);
  for (i = 0; i < clean.len; i++) {
    char ch = clean.buf[i];
    switch (ch) {
    case '&':
      lc_buf_addstr(out, "&amp;");
      break;
    case '<':
      lc_buf_addstr(out, "&lt;");
      break;
    case '>':
      lc_buf_addstr(out, "&gt;");
      break;
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '|':
    case '~':
    case '!':
    case '#':
    case '@':
      lc_buf_addch(out, '\\');
      lc_buf_addch(out, ch);
      break;
    case '\n':
    case '\t':
      lc_buf_addch(out, ' ');
      break;
    default:
      lc_buf_addch(out, ch);
      break;
    }
  }
  lc_buf_release(&clean);
}

static void
md_str(struct lc_buf *out, const char *s)
{
  md_text(out, s, strlen(s));
}

/* A fenced code block holding `s` verbatim (cleaned), at most
 * BLOCK_MAX_LINES lines and BLOCK_MAX_BYTES bytes; the fence is longer
 * than any run of backticks inside. */
static void
md_block(struct lc_buf *out, const char *s)
{
  struct lc_buf clean = LC_BUF_INIT;
  size_t i, run = 0, longest = 0, lines = 0, cut = 0;

  add_sane(&clean, s, strlen(s));
  while (clean.len && clean.buf[clean.len - 1] == '\n')
    lc_buf_setlen(&clean, clean.len - 1);
  for (i = 0; i < clean.len; i++) {
    if (clean.buf[i] == '\n' && ++lines == BLOCK_MAX_LINES) {
      cut = i;
      break;
    }
  }
  if (cut) {
    size_t more = 1;
    for (i = cut + 1; i < clean.len; i++)
      more += clean.buf[i] == '\n';
    lc_buf_setlen(&clean, cut);
    lc_buf_addf(&clean, "\n... %zu more %s", more,
                more == 1 ? "line" : "lines");
  }
  cap_text(&clean, BLOCK_MAX_BYTES, "\n... (cut)");
  for (i = 0; i < clean.len; i++) {
    run = clean.buf[i] == '`' ? run + 1 : 0;
    if (run > longest)
      longest = run;
  }
  for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
    lc_buf_addch(out, '`');
  lc_buf_addstr(out, "text\n");
  lc_buf_add(out, clean.buf, clean.len);
  lc_buf_addch(out, '\n');
  for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
    lc_buf_addch(out, '`');
  lc_buf_addstr(out, "\n\n");
  lc_buf_release(&clean);
}

/* The summary is assembled from pieces; a piece that does not fit in the
 * budget ends the summary, and the note tells what was left out. */
struct summary {
  struct lc_buf *out;
  size_t start, max; /* out->len at start, bytes allowed */
  struct lc_buf piece;
  int full;
  size_t cut_check; /* the check that was cut short (when full) */
  int cut_started;  /* part of it was written */
};

/* Appends the pending piece when it fits; returns 0, or -1 (and sets
 * `full`) when it does not. */
static int
flush(struct summary *s)
{
  if (s->full)
    return -1;
  if (s->out->len - s->start + s->piece.len + NOTE_RESERVE > s->max) {
    s->full = 1;
    lc_buf_reset(&s->piece);
    return -1;
  }
  lc_buf_add(s->out, s->piece.buf, s->piece.len);
  lc_buf_reset(&s->piece);
  return 0;
}

static const char *
status_word(enum lc_check_status st)
{
  switch (st) {
  case LC_CHECK_PASSED:
    return "\xe2\x9c\x85 PASS"; /* ✅ */
  case LC_CHECK_FAILED:
    return "\xe2\x9d\x8c FAIL"; /* ❌ */
  case LC_CHECK_BROKEN:
    return "\xf0\x9f\x92\xa5 ERROR"; /* 💥 */
  default:
    return "\xe2\x8f\xad\xef\xb8\x8f SKIP"; /* ⏭️ */
  }
}

static void
summary_row(struct summary *s, const struct lc_check_result *r,
            const struct lc_finding *f, const char *label, int failed)
{
  struct lc_buf name = LC_BUF_INIT;
  struct lc_buf *p = &s->piece;
  lc_finding_name(&name, f);
  lc_buf_addstr(p, "| ");
  md_text(p, name.buf, name.len);
  lc_buf_addstr(p, " | ");
  if (f->row && f->row->memory) {
    /* A memory row: bytes sampled at each snapshot, no objects. */
    char b[LC_BYTES_MAX];
    if (failed && r->series.nsnap > 1) {
      add_sparkline(p, f->size, &r->series);
      lc_buf_addch(p, ' ');
    }
    add_sizes(p, f->size, r, " \\|");
    lc_format_bytes(b, sizeof(b), f->growth_bytes, 1);
    lc_buf_addf(p, " | %s", b);
  } else {
    if (failed && r->series.nsnap > 1) {
      add_sparkline(p, f->count, &r->series);
      lc_buf_addch(p, ' ');
    }
    add_counts(p, f->count, r, " \\|");
    lc_buf_addstr(p, " | ");
    add_growth(p, f->growth, f->growth_bytes);
  }
  lc_buf_addstr(p,
                failed ? " | \xe2\x9d\x8c fail: " : " | \xe2\x9c\x85 held: ");
  md_str(p, label);
  lc_buf_addstr(p, " |\n");
  lc_buf_release(&name);
}

/* The row of an assertion that held: the total's counts, or the pattern and
 * its worst growth. */
static void
summary_held_row(struct summary *s, const struct lc_check_result *r,
                 const struct lc_assert *a, const struct lc_assert_result *ar,
                 const char *label)
{
  struct lc_buf *p = &s->piece;
  if (ar && a->is_total && ar->total_count && r->series.nsnap) {
    struct lc_finding f;
    memset(&f, 0, sizeof(f));
    f.count = ar->total_count;
    f.size = ar->total_size;
    f.growth = ar->growth;
    f.growth_bytes = ar->growth_bytes;
    summary_row(s, r, &f, label, 0);
    return;
  }
  lc_buf_addstr(p, "| ");
  if (a->is_total)
    lc_buf_addstr(p, "total");
  else if (a->memory)
    lc_buf_addstr(p, lc_series_mem_name(a->memory));
  else
    md_str(p, a->ctor.text ? a->ctor.text : "");
  lc_buf_addstr(p, " | ");
  if (!ar)
    lc_buf_addstr(p, " | | not evaluated: ");
  else if (!a->is_total && ar->nmatched == 0)
    lc_buf_addstr(p, "no row matched | | \xe2\x9c\x85 held: ");
  else {
    lc_buf_addf(p, "%zu %s matched | worst ", ar->nmatched,
                ar->nmatched == 1 ? "row" : "rows");
    add_growth(p, ar->growth, ar->growth_bytes);
    lc_buf_addstr(p, " | \xe2\x9c\x85 held: ");
  }
  md_str(p, label);
  lc_buf_addstr(p, " |\n");
}

/* Appends check `r`'s section; returns -1 once the budget is spent. */
static int
summary_check(struct summary *s, const struct lc_config *cfg,
              const struct lc_check_result *r, struct lc_buf *tmp)
{
  const struct lc_check *ck = r->check;
  struct lc_buf *p = &s->piece;
  size_t i, f;

  lc_buf_addf(p, "### %s: ", status_word(r->status));
  md_str(p, ck->name);
  lc_buf_addstr(p, "\n\n");
  if (r->status == LC_CHECK_SKIPPED) {
    md_str(p, r->error ? r->error : "not run");
    lc_buf_addstr(p, "\n\n");
    return flush(s);
  }
  if (r->status == LC_CHECK_BROKEN)
    lc_buf_addf(p, "%zu of ", r->series.nsnap);
  lc_buf_addf(p, "%u snapshots (warmup %u), %.1f s, script ", ck->snapshots,
              ck->warmup,
              r->seconds > 0 && r->seconds < 1e9 ? r->seconds : 0.0);
  md_str(p, ck->script ? ck->script : "?");
  lc_buf_addstr(p, ".\n\n");
  if (r->status == LC_CHECK_BROKEN) {
    lc_buf_addstr(p, "**Error:** ");
    md_str(p, r->error ? r->error : "the program broke");
    lc_buf_addstr(p, "\n\n");
    if (flush(s) < 0)
      return -1;
    if (r->stderr_tail && *r->stderr_tail) {
      lc_buf_addstr(p, "Last lines of stderr:\n\n");
      md_block(p, lc_tail_lines(r->stderr_tail, TAIL_LINES));
    }
    return flush(s);
  }
  lc_buf_addstr(p, "| constructor | counts per snapshot | growth | verdict |\n"
                   "| --- | --- | --- | --- |\n");
  if (flush(s) < 0)
    return -1;
  for (i = 0; i < ck->nasserts; i++) {
    const struct lc_assert_result *ar = result_of(r, i);
    const char *label = label_of(ck, i, tmp);
    if (!ar || !ar->failed) {
      summary_held_row(s, r, &ck->asserts[i], ar, label);
      if (flush(s) < 0)
        return -1;
      continue;
    }
    for (f = 0; f < ar->nfindings && f < SUMMARY_MAX_ROWS; f++) {
      summary_row(s, r, &ar->findings[f], label, 1);
      if (flush(s) < 0)
        return -1;
    }
    if (ar->nfindings > SUMMARY_MAX_ROWS) {
      lc_buf_addf(p, "| ... | | | %zu more constructors failed ",
                  ar->nfindings - SUMMARY_MAX_ROWS);
      md_str(p, label);
      lc_buf_addstr(p, " |\n");
      if (flush(s) < 0)
        return -1;
    }
  }
  for (i = 0; i < r->series.nmem; i++) {
    /* The memory sampled at each snapshot, bytes. */
    const struct lc_series_row *row = &r->series.mem[i];
    char b[LC_BYTES_MAX];
    /* Growth over the measured window, as for the findings. */
    size_t last = r->series.planned ? r->series.planned - 1
                  : r->series.nsnap ? r->series.nsnap - 1
                                    : 0;
    size_t first = r->series.warmup < last ? r->series.warmup : last;
    int64_t g = (int64_t)row->size[last] - (int64_t)row->size[first];
    lc_buf_addf(p, "| %s | ", row->name);
    add_sizes(p, row->size, r, " \\|");
    lc_format_bytes(b, sizeof(b), g, 1);
    lc_buf_addf(p, " | %s | sampled |\n", b);
    if (flush(s) < 0)
      return -1;
  }
  lc_buf_addch(p, '\n');
  if (flush(s) < 0)
    return -1;
  /* What failed and why, below the table. */
  for (i = 0; i < ck->nasserts; i++) {
    const struct lc_assert_result *ar = result_of(r, i);
    const struct lc_mark m = ck->asserts[i].mark;
    size_t paths = 0;
    if (!ar || !ar->failed)
      continue;
    lc_buf_addstr(p, "**");
    md_str(p, label_of(ck, i, tmp));
    lc_buf_addstr(p, "**");
    if (cfg && cfg->path && m.line) {
      lc_buf_addstr(p, " (");
      md_str(p, cfg->path);
      lc_buf_addf(p, ":%lu:%lu)", m.line, m.col);
    }
    lc_buf_addstr(p, ": ");
    md_str(p, ar->message ? ar->message : "assertion failed");
    lc_buf_addstr(p, "\n\n");
    if (flush(s) < 0)
      return -1;
    for (f = 0; f < ar->nfindings && paths < SUMMARY_MAX_PATHS; f++) {
      const struct lc_finding *fi = &ar->findings[f];
      if (!fi->why || !*fi->why)
        continue;
      paths++;
      lc_buf_reset(tmp);
      {
        /* A leak (lc_diagnose): its headline, then its allocation site
         * and holder, as in the terminal. */
        size_t k;
        const char *head = NULL;
        for (k = 0; k < ar->nleaks; k++)
          if (ar->leaks[k].root == f)
            head = ar->leaks[k].headline;
        if (head) {
          lc_buf_addstr(p, "Leak: ");
          md_text(p, head, strlen(head));
        } else {
          lc_finding_name(tmp, fi);
          lc_buf_addstr(p, "Retainer path of ");
          md_text(p, tmp->buf, tmp->len);
        }
      }
      lc_buf_addstr(p, ":\n\n");
      md_block(p, fi->why);
      if (flush(s) < 0)
        return -1;
    }
  }
  return 0;
}

static int
check_rank(enum lc_check_status st)
{
  return st == LC_CHECK_BROKEN || st == LC_CHECK_FAILED ? 0 : 1;
}

/* Known growth (allowed, within the baseline), fixed leaks and allowance
 * problems, one bullet each, so none is silently dropped. */
static void
summary_notes(struct lc_buf *out, const struct lc_check_result *res, size_t n)
{
  static const char *const words[] = {"allowed", "known",   "worse",
                                      "fixed",   "warning", "failed"};
  size_t c, i, any = 0;
  for (c = 0; c < n; c++) {
    for (i = 0; i < res[c].nnotes; i++) {
      const struct lc_note *nt = &res[c].notes[i];
      if (!any++)
        lc_buf_addstr(out, "Known growth and allowances:\n\n");
      lc_buf_addf(out, "- **%s** (", nt->failed ? "failed" : words[nt->kind]);
      md_str(out, res[c].check->name);
      lc_buf_addstr(out, "): ");
      md_str(out, nt->message);
      lc_buf_addch(out, '\n');
    }
  }
  if (any)
    lc_buf_addch(out, '\n');
}

void
lc_report_github_summary(struct lc_buf *out, const struct lc_config *cfg,
                         const struct lc_check_result *res, size_t n,
                         size_t max)
{
  struct summary s;
  struct lc_buf tmp = LC_BUF_INIT;
  size_t passed = 0, failed = 0, broken = 0, skipped = 0, c, done = 0;
  int rank;

  memset(&s, 0, sizeof(s));
  s.out = out;
  s.start = out->len;
  s.max = max;
  lc_buf_init(&s.piece, 0);
  for (c = 0; c < n; c++) {
    switch (res[c].status) {
    case LC_CHECK_PASSED:
      passed++;
      break;
    case LC_CHECK_FAILED:
      failed++;
      break;
    case LC_CHECK_BROKEN:
      broken++;
      break;
    default:
      skipped++;
      break;
    }
  }
  lc_buf_addf(&s.piece,
              "## leakcheck: %s\n\n"
              "%zu %s: %zu passed, %zu failed, %zu %s",
              broken   ? "\xf0\x9f\x92\xa5 a program broke"
              : failed ? "\xe2\x9d\x8c leak found"
                       : "\xe2\x9c\x85 no leak",
              n, n == 1 ? "check" : "checks", passed, failed, broken,
              broken == 1 ? "error" : "errors");
  if (skipped)
    lc_buf_addf(&s.piece, ", %zu skipped", skipped);
  lc_buf_addstr(&s.piece, ". Counts in parentheses are warm-up snapshots, "
                          "shown but not measured.\n\n");
  summary_notes(&s.piece, res, n);
  if (flush(&s) < 0) {
    /* Not even the heading fits: leave the summary alone. */
    lc_buf_release(&s.piece);
    return;
  }
  for (rank = 0; rank < 2 && !s.full; rank++) {
    for (c = 0; c < n; c++) {
      if (check_rank(res[c].status) != rank)
        continue;
      size_t before = out->len;
      if (summary_check(&s, cfg, &res[c], &tmp) < 0) {
        s.cut_check = c;
        s.cut_started = out->len != before;
        break;
      }
      done++;
    }
  }
  if (s.full) {
    size_t left = n - done - 1;
    struct lc_buf *note = &s.piece;
    lc_buf_reset(note);
    lc_buf_addstr(note, "> **Note:** this summary stops here to stay under "
                        "GitHub's 1 MiB step-summary limit: ");
    if (s.cut_started)
      lc_buf_addstr(note, "the rest of ");
    md_str(note, res[s.cut_check].check->name);
    if (note->len > NOTE_RESERVE - 200) {
      /* A very long check name: the note must fit its reserve. */
      lc_buf_reset(note);
      lc_buf_addstr(note, "> **Note:** this summary stops here to stay "
                          "under GitHub's 1 MiB step-summary limit: ");
      lc_buf_addstr(note, s.cut_started ? "the rest of a check" : "a check");
    }
    if (left)
      lc_buf_addf(note, " and %zu more %s are", left,
                  left == 1 ? "check" : "checks");
    else
      lc_buf_addstr(note, " is");
    lc_buf_addstr(note, " not shown. The JUnit report and the log have "
                        "every result.\n");
    lc_buf_add(out, note->buf, note->len);
  }
  lc_buf_release(&s.piece);
  lc_buf_release(&tmp);
}

void
lc_report_github_html_note(struct lc_buf *out, const char *path,
                           const char *artifact, size_t max)
{
  struct lc_buf line = LC_BUF_INIT;
  lc_buf_addstr(&line, "\xf0\x9f\x93\x8a The HTML report with charts "
                       "is in ");
  if (artifact && *artifact) {
    lc_buf_addstr(&line, "the artifact **");
    md_str(&line, artifact);
    lc_buf_addstr(&line, "** (");
    md_str(&line, path);
    lc_buf_addstr(&line, ").\n\n");
  } else {
    md_str(&line, path);
    lc_buf_addstr(&line, ".\n\n");
  }
  if (line.len <= max)
    lc_buf_add(out, line.buf, line.len);
  lc_buf_release(&line);
}

/* ---- fencing the program's output -------------------------------------- */

int
lc_github_token(char token[LC_GITHUB_TOKEN_LEN + 1], struct lc_err *err)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char raw[LC_GITHUB_TOKEN_LEN / 2];
  size_t got = 0, i;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lc_err_errno(err, errno, "/dev/urandom", "cannot open");
  while (got < sizeof(raw)) {
    ssize_t k = read(fd, raw + got, sizeof(raw) - got);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      int e = k < 0 ? errno : EIO;
      close(fd);
      return lc_err_errno(err, e, "/dev/urandom", "cannot read");
    }
    got += (size_t)k;
  }
  close(fd);
  for (i = 0; i < sizeof(raw); i++) {
    token[2 * i] = hex[raw[i] >> 4];
    token[2 * i + 1] = hex[raw[i] & 15];
  }
  token[LC_GITHUB_TOKEN_LEN] = '\0';
  return 0;
}

static int
contains(const char *text, size_t len, const char *token)
{
  size_t tl = strlen(token);
  const char *p = text, *end = text + len;
  if (!tl)
    return 1;
  while ((size_t)(end - p) >= tl) {
    const char *q = memchr(p, token[0], (size_t)(end - p) - tl + 1);
    if (!q)
      return 0;
    if (memcmp(q, token, tl) == 0)
      return 1;
    p = q + 1;
  }
  return 0;
}

int
lc_github_untrusted(struct lc_buf *out, const char *text, size_t len,
                    const char *token)
{
  if (contains(text, len, token))
    return -1;
  lc_buf_addf(out, "::stop-commands::%s\n", token);
  lc_buf_add(out, text, len);
  if (len && text[len - 1] != '\n')
    lc_buf_addch(out, '\n');
  lc_buf_addf(out, "::%s::\n", token);
  return 0;
}

int
lc_report_github_output(struct lc_buf *out, const struct lc_check_result *res,
                        size_t n, const char *token)
{
  struct lc_buf body = LC_BUF_INIT;
  size_t start = out->len, c;

  for (c = 0; c < n; c++) {
    const struct lc_check_result *r = &res[c];
    int has_out = r->stdout_tail && *r->stdout_tail;
    int has_err = r->stderr_tail && *r->stderr_tail;
    if (!has_out && !has_err)
      continue;
    lc_buf_reset(&body);
    if (has_out) {
      lc_buf_addstr(&body, "--- stdout (last 64 KiB) ---\n");
      add_sane(&body, r->stdout_tail, strlen(r->stdout_tail));
      if (body.buf[body.len - 1] != '\n')
        lc_buf_addch(&body, '\n');
    }
    if (has_err) {
      lc_buf_addstr(&body, "--- stderr (last 64 KiB) ---\n");
      add_sane(&body, r->stderr_tail, strlen(r->stderr_tail));
    }
    lc_buf_addstr(out, "::group::");
    lc_github_escape_data(out, r->check->name, strlen(r->check->name));
    lc_buf_addstr(out, ": program output\n");
    if (lc_github_untrusted(out, body.buf, body.len, token) < 0) {
      lc_buf_setlen(out, start);
      lc_buf_release(&body);
      return -1;
    }
    lc_buf_addstr(out, "::endgroup::\n");
  }
  lc_buf_release(&body);
  return 0;
}

void
lc_report_github_error(struct lc_buf *out, const struct lc_err *err,
                       const char *display_path)
{
  lc_buf_addstr(out, "::error ");
  if (err->path) {
    lc_buf_addstr(out, "file=");
    prop_str(out, display_path ? display_path : err->path);
    if (err->line)
      lc_buf_addf(out, ",line=%lu,col=%lu", err->line, err->col ? err->col : 1);
    lc_buf_addch(out, ',');
  }
  lc_buf_addstr(out, "title=leakcheck::");
  if (err->msg)
    lc_github_escape_data(out, err->msg, strlen(err->msg));
  lc_buf_addch(out, '\n');
}
