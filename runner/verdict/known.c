/* Allowances and the baseline applied to a verdict (known.h). */
#include "verdict/known.h"

#include <stdlib.h>
#include <string.h>

#include "base/format.h"
#include "leakcheck/buf.h"

#include "base/banned.h"

static void
add_note(struct lc_check_result *r, enum lc_note_kind kind, int failed,
         struct lc_mark mark, struct lc_buf *msg)
{
  struct lc_note *n;
  r->notes = lc_reallocarray_or_die(r->notes, r->nnotes + 1, sizeof(*n));
  n = &r->notes[r->nnotes++];
  n->kind = kind;
  n->failed = failed;
  n->mark = mark;
  n->message = lc_buf_detach(msg, NULL);
}

/* "+48 objects (+2.6 KB)" */
static void
add_growth(struct lc_buf *b, int64_t g, int64_t gb)
{
  char s[LC_BYTES_MAX];
  lc_format_bytes(s, sizeof(s), gb, 1);
  lc_buf_addf(b, "%+lld %s (%s)", (long long)g,
              g == 1 || g == -1 ? "object" : "objects", s);
}

/* Finding i leaves `findings`: the leaks (which name findings by index)
 * follow.  A leak headed by it goes (its growth is known, not a failure);
 * it leaves every folded list; later indices move down by one. */
static void
leaks_drop_finding(struct lc_assert_result *ar, size_t i)
{
  size_t l, out = 0;
  for (l = 0; l < ar->nleaks; l++) {
    struct lc_leak *lk = &ar->leaks[l];
    size_t k, kout = 0;
    if (lk->root == i) {
      lc_leak_release(lk);
      continue;
    }
    if (lk->root > i)
      lk->root--;
    for (k = 0; k < lk->nfolded; k++) {
      if (lk->folded[k] == i)
        continue;
      lk->folded[kout++] =
          lk->folded[k] > i ? lk->folded[k] - 1 : lk->folded[k];
    }
    lk->nfolded = kout;
    ar->leaks[out++] = *lk;
  }
  ar->nleaks = out;
  if (!out) {
    free(ar->leaks);
    ar->leaks = NULL;
  }
}

static void
accept_finding(struct lc_assert_result *ar, size_t i, const struct lc_allow *a)
{
  leaks_drop_finding(ar, i);
  ar->accepted = lc_reallocarray_or_die(ar->accepted, ar->naccepted + 1,
                                        sizeof(*ar->accepted));
  ar->accepted[ar->naccepted] = ar->findings[i];
  ar->accepted[ar->naccepted++].allow = a;
  memmove(&ar->findings[i], &ar->findings[i + 1],
          (ar->nfindings - i - 1) * sizeof(*ar->findings));
  ar->nfindings--;
}

void
lc_known_apply(struct lc_check_result *r, const char *cfg_path,
               const struct lc_baseline *base, int today, int strict)
{
  const struct lc_check *ck = r->check;
  size_t *matched, i, j, k;
  const struct lc_mark none = {0, 0};
  int failed = 0;

  if (r->status != LC_CHECK_PASSED && r->status != LC_CHECK_FAILED)
    return;
  matched = lc_xcalloc(ck->nallows + 1, sizeof(*matched));
  for (j = 0; j < r->nresults; j++) {
    struct lc_assert_result *ar = &r->results[j];
    size_t before = ar->nfindings;
    for (i = ar->nfindings; i-- > 0;) {
      const struct lc_finding *f = &ar->findings[i];
      struct lc_buf id = LC_BUF_INIT, msg = LC_BUF_INIT;
      const struct lc_baseline_entry *e;
      int done = 0;
      lc_finding_id(&id, ar, f);
      for (k = 0; f->row && k < ck->nallows && !done; k++) {
        const struct lc_allow *a = &ck->allows[k];
        if (!lc_pattern_match(&a->ctor, f->row->name))
          continue;
        matched[k]++;
        done = 1;
        if (a->has_until && today > a->until)
          break; /* the finding fails; the expiry is noted below */
        if (a->has_max_growth && f->growth > a->max_growth) {
          lc_buf_addf(&msg, "%s grew by ", id.buf);
          add_growth(&msg, f->growth, f->growth_bytes);
          lc_buf_addf(&msg,
                      ", more than its allowance's max_growth %lld "
                      "(%s:%lu:%lu)",
                      (long long)a->max_growth, cfg_path, a->mark.line,
                      a->mark.col);
          add_note(r, LC_NOTE_WORSE, 0, a->mark, &msg);
          break;
        }
        lc_buf_addf(&msg, "%s grew by ", id.buf);
        add_growth(&msg, f->growth, f->growth_bytes);
        lc_buf_addf(&msg, ": allowed: %s", a->reason);
        if (a->has_until)
          lc_buf_addf(&msg, " (until %s)", a->until_text);
        add_note(r, LC_NOTE_ALLOWED, 0, a->mark, &msg);
        accept_finding(ar, i, a);
      }
      if (!done && base && (e = lc_baseline_find(base, ck->name, id.buf))) {
        int64_t g = lc_per_interval(f->growth, &r->series);
        int64_t gb = lc_per_interval(f->growth_bytes, &r->series);
        char b1[LC_BYTES_MAX], b2[LC_BYTES_MAX];
        lc_format_bytes(b1, sizeof(b1), gb, 1);
        lc_format_bytes(b2, sizeof(b2), e->growth_bytes, 1);
        lc_buf_addf(&msg, "%s: %+lld objects (%s) per interval, ", id.buf,
                    (long long)g, b1);
        if (lc_baseline_worse(e, g, gb)) {
          lc_buf_addf(&msg, "worse than the baseline's %+lld (%s)",
                      (long long)e->growth, b2);
          add_note(r, LC_NOTE_WORSE, 0, none, &msg);
        } else {
          lc_buf_addf(&msg, "within the baseline's %+lld (%s)",
                      (long long)e->growth, b2);
          add_note(r, LC_NOTE_BASELINE, 0, none, &msg);
          accept_finding(ar, i, NULL);
        }
      }
      lc_buf_release(&msg);
      lc_buf_release(&id);
    }
    if (ar->nfindings != before)
      lc_verdict_refresh(ar, &r->series);
    failed |= ar->failed;
  }
  for (k = 0; k < ck->nallows; k++) {
    const struct lc_allow *a = &ck->allows[k];
    struct lc_buf msg = LC_BUF_INIT;
    if (a->has_until && today > a->until) {
      lc_buf_addf(&msg, "allowance for %s expired on %s (%s:%lu:%lu)",
                  a->ctor.text, a->until_text, cfg_path, a->mark.line,
                  a->mark.col);
      add_note(r, LC_NOTE_EXPIRED, 1, a->mark, &msg);
      failed = 1;
    } else if (!matched[k]) {
      lc_buf_addf(&msg, "allowance for %s matched nothing (%s:%lu:%lu)%s",
                  a->ctor.text, cfg_path, a->mark.line, a->mark.col,
                  strict ? "; --strict makes this a failure"
                         : "; remove it, or it fails with --strict");
      add_note(r, LC_NOTE_UNUSED, strict, a->mark, &msg);
      failed |= strict;
    }
    lc_buf_release(&msg);
  }
  /* Baseline entries of this check that no longer grow. */
  for (i = 0; base && i < base->n; i++) {
    const struct lc_baseline_entry *e = &base->v[i];
    int found = 0;
    if (strcmp(e->check, ck->name))
      continue;
    for (j = 0; j < r->nresults && !found; j++) {
      const struct lc_assert_result *ar = &r->results[j];
      for (k = 0; k < ar->nfindings + ar->naccepted && !found; k++) {
        const struct lc_finding *f = k < ar->nfindings
                                         ? &ar->findings[k]
                                         : &ar->accepted[k - ar->nfindings];
        struct lc_buf id = LC_BUF_INIT;
        lc_finding_id(&id, ar, f);
        found = !strcmp(id.buf, e->id);
        lc_buf_release(&id);
      }
    }
    if (!found) {
      struct lc_buf msg = LC_BUF_INIT;
      lc_buf_addf(&msg,
                  "fixed since the baseline: %s in check %s; run "
                  "--update-baseline to lock it in",
                  e->id, ck->name);
      add_note(r, LC_NOTE_FIXED, 0, none, &msg);
    }
  }
  free(matched);
  r->status = failed ? LC_CHECK_FAILED : LC_CHECK_PASSED;
}
