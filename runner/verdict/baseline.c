/* The baseline file (baseline.h): read with jsmn, written sorted. */
#include "verdict/baseline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSMN_STATIC
#define JSMN_STRICT /* primitives are JSON's, no stray commas */
#include <jsmn.h>

#include "base/jsonstr.h"

#include "base/banned.h"

/* A baseline is meant to be small and reviewed; anything far larger is
 * not one. */
#define MAX_BASELINE_BYTES (16 * 1024 * 1024)

void
lc_baseline_release(struct lc_baseline *b)
{
  size_t i;
  for (i = 0; i < b->n; i++) {
    free(b->v[i].check);
    free(b->v[i].id);
  }
  free(b->v);
  free(b->path);
  memset(b, 0, sizeof(*b));
}

struct jp {
  const char *js;
  jsmntok_t *t;
  int n, i;
  const char *name;
  struct lc_err *err;
};

static int
jfail(struct jp *p, int at, const char *what)
{
  size_t off = at < p->n ? (size_t)p->t[at].start : 0;
  lc_err_set_at(p->err, LC_EINPUT, p->name, off,
                "%s (a baseline is written by --update-baseline)", what);
  return -1;
}

static int
tok_is(const struct jp *p, int i, const char *s)
{
  size_t n = strlen(s);
  return p->t[i].type == JSMN_STRING &&
         (size_t)(p->t[i].end - p->t[i].start) == n &&
         !memcmp(p->js + p->t[i].start, s, n);
}

/* Whether token i is an object key that has its value at i + 1: jsmn
 * accepts a key with no value ({"a"}), giving it no child. */
static int
has_value(const struct jp *p, int i)
{
  return i + 1 < p->n && p->t[i].type == JSMN_STRING && p->t[i].size == 1;
}

/* Skips the value at token i; returns the index after it. */
static int
skip(const struct jp *p, int i)
{
  int end = p->t[i].end;
  i++;
  while (i < p->n && p->t[i].start < end)
    i++;
  return i;
}

/* A JSON string token decoded (base/jsonstr.h); NULL for a bad escape,
 * its offset in *bad_at. */
static char *
tok_str(const struct jp *p, int i, size_t *bad_at)
{
  size_t len = (size_t)(p->t[i].end - p->t[i].start), bad = 0, n;
  char *o = lc_xmalloc(len + 1);
  n = lc_json_unescape(p->js + p->t[i].start, len, o, &bad);
  if (n == (size_t)-1) {
    free(o);
    *bad_at = (size_t)p->t[i].start + bad;
    return NULL;
  }
  o[n] = '\0';
  return o;
}

static int
tok_int(const struct jp *p, int i, int64_t *out)
{
  const char *s = p->js + p->t[i].start;
  char *end;
  long long v;
  if (p->t[i].type != JSMN_PRIMITIVE ||
      !(*s == '-' || (*s >= '0' && *s <= '9')))
    return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || end != p->js + p->t[i].end)
    return -1;
  *out = v;
  return 0;
}

static int
parse_entry(struct jp *p, struct lc_baseline *b, const char *check)
{
  int i = p->i, k, nkeys, have_g = 0, have_b = 0;
  struct lc_baseline_entry e;
  memset(&e, 0, sizeof(e));
  if (p->t[i].type != JSMN_OBJECT)
    return jfail(p, i,
                 "expected a finding {\"id\": …, \"growth_per_interval\": "
                 "…, \"bytes_per_interval\": …}");
  nkeys = p->t[i].size;
  i++;
  for (k = 0; k < nkeys; k++) {
    int v = i + 1;
    if (!has_value(p, i))
      goto bad;
    if (tok_is(p, i, "id") && p->t[v].type == JSMN_STRING) {
      size_t bad = 0;
      free(e.id);
      e.id = tok_str(p, v, &bad);
      if (!e.id) {
        lc_err_set_at(p->err, LC_EINPUT, p->name, bad,
                      "invalid escape in a JSON string");
        return -1;
      }
    } else if (tok_is(p, i, "growth_per_interval")) {
      if (tok_int(p, v, &e.growth) < 0) {
        free(e.id);
        return jfail(p, v, "'growth_per_interval' must be a whole number");
      }
      have_g = 1;
    } else if (tok_is(p, i, "bytes_per_interval")) {
      if (tok_int(p, v, &e.growth_bytes) < 0) {
        free(e.id);
        return jfail(p, v, "'bytes_per_interval' must be a whole number");
      }
      have_b = 1;
    } else {
      free(e.id);
      return jfail(p, i,
                   "unknown key in finding; expected id, "
                   "growth_per_interval, bytes_per_interval");
    }
    i = skip(p, v);
  }
  if (!e.id || !have_g || !have_b) {
    free(e.id);
    return jfail(p, p->i,
                 "finding needs 'id', 'growth_per_interval' and "
                 "'bytes_per_interval'");
  }
  e.check = lc_xstrdup(check);
  LC_ALLOC_GROW(b->v, b->n + 1, b->alloc);
  b->v[b->n++] = e;
  p->i = i;
  return 0;
bad:
  free(e.id);
  return jfail(p, p->i, "truncated finding");
}

static int
parse_checks(struct jp *p, struct lc_baseline *b)
{
  int i = p->i, k, nchecks;
  if (p->t[i].type != JSMN_OBJECT)
    return jfail(p, i, "'checks' must be an object: check name -> findings");
  nchecks = p->t[i].size;
  i++;
  for (k = 0; k < nchecks; k++) {
    int v = i + 1, f, nf;
    char *check;
    if (!has_value(p, i))
      return jfail(p, i, "expected a check name and its findings");
    if (p->t[v].type != JSMN_ARRAY)
      return jfail(p, v, "a check's findings must be a list");
    {
      size_t bad = 0;
      check = tok_str(p, i, &bad);
      if (!check)
        return lc_err_set_at(p->err, LC_EINPUT, p->name, bad,
                             "invalid escape in a JSON string");
    }
    nf = p->t[v].size;
    p->i = v + 1;
    for (f = 0; f < nf; f++) {
      if (p->i >= p->n || parse_entry(p, b, check) < 0) {
        free(check);
        return p->err->code != LC_OK ? -1 : jfail(p, v, "truncated list");
      }
    }
    free(check);
    i = p->i;
  }
  p->i = i;
  return 0;
}

int
lc_baseline_parse(struct lc_baseline *b, const char *name, const char *text,
                  size_t len, struct lc_err *err)
{
  jsmn_parser jp;
  struct jp p;
  int ntok, i, k, have_version = 0, have_checks = 0, rc = 0;

  memset(b, 0, sizeof(*b));
  b->path = lc_xstrdup(name);
  memset(&p, 0, sizeof(p));
  p.js = text;
  p.name = name;
  p.err = err;
  jsmn_init(&jp);
  ntok = jsmn_parse(&jp, text, len, NULL, 0);
  if (ntok < 0) {
    lc_err_set_at(err, LC_EINPUT, name, jp.pos, "%s",
                  ntok == JSMN_ERROR_PART ? "the JSON ends too early"
                                          : "invalid JSON");
    lc_baseline_release(b);
    return -1;
  }
  if (ntok == 0) {
    lc_err_set_at(err, LC_EINPUT, name, 0,
                  "empty file; expected a baseline object");
    lc_baseline_release(b);
    return -1;
  }
  p.t = lc_xcalloc((size_t)ntok, sizeof(*p.t));
  p.n = ntok;
  jsmn_init(&jp);
  if (jsmn_parse(&jp, text, len, p.t, (unsigned)ntok) < 0) {
    /* Only a parse with tokens sees unclosed objects. */
    lc_err_set_at(err, LC_EINPUT, name, jp.pos,
                  "the JSON ends too early: an object or list is not closed");
    rc = -1;
    goto out;
  }
  if (p.t[0].type != JSMN_OBJECT) {
    rc = jfail(&p, 0, "expected an object {\"version\": 1, \"checks\": …}");
    goto out;
  }
  if (skip(&p, 0) < ntok) {
    rc = jfail(&p, skip(&p, 0), "unexpected data after the baseline object");
    goto out;
  }
  i = 1;
  for (k = 0; k < p.t[0].size && rc == 0; k++) {
    int v = i + 1;
    if (!has_value(&p, i)) {
      rc = jfail(&p, i, "expected a key and its value");
      break;
    }
    if (tok_is(&p, i, "version")) {
      int64_t ver;
      if (tok_int(&p, v, &ver) < 0 || ver != 1) {
        rc = jfail(&p, v, "'version' must be 1");
        break;
      }
      have_version = 1;
      i = skip(&p, v);
    } else if (tok_is(&p, i, "checks")) {
      p.i = v;
      rc = parse_checks(&p, b);
      i = p.i;
      have_checks = 1;
    } else {
      rc = jfail(&p, i, "unknown key; expected 'version' and 'checks'");
    }
  }
  if (rc == 0 && (!have_version || !have_checks))
    rc = jfail(&p, 0, "expected 'version': 1 and 'checks'");
out:
  free(p.t);
  if (rc < 0)
    lc_baseline_release(b);
  return rc;
}

int
lc_baseline_load(struct lc_baseline *b, const char *path, struct lc_err *err)
{
  struct lc_buf text = LC_BUF_INIT;
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc;
  memset(b, 0, sizeof(*b));
  if (fd < 0) {
    lc_err_errno(err, errno, path, "cannot read the baseline");
    return -1;
  }
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
      st.st_size > MAX_BASELINE_BYTES) {
    lc_err_set(err, LC_EINPUT, path, 0, 0,
               "not a regular file of at most %d bytes", MAX_BASELINE_BYTES);
    close(fd);
    return -1;
  }
  for (;;) {
    char chunk[65536];
    ssize_t r = read(fd, chunk, sizeof(chunk));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      lc_err_errno(err, errno, path, "cannot read the baseline");
      close(fd);
      lc_buf_release(&text);
      return -1;
    }
    if (r == 0)
      break;
    lc_buf_add(&text, chunk, (size_t)r);
  }
  close(fd);
  rc = lc_baseline_parse(b, path, text.buf ? text.buf : "", text.len, err);
  lc_buf_release(&text);
  return rc;
}

const struct lc_baseline_entry *
lc_baseline_find(const struct lc_baseline *b, const char *check, const char *id)
{
  size_t i;
  for (i = 0; b && i < b->n; i++)
    if (!strcmp(b->v[i].check, check) && !strcmp(b->v[i].id, id))
      return &b->v[i];
  return NULL;
}

int
lc_baseline_worse(const struct lc_baseline_entry *e, int64_t g, int64_t gb)
{
  int64_t tg = e->growth > 0 ? e->growth / 4 : 0;
  int64_t tb = e->growth_bytes > 0 ? e->growth_bytes / 4 : 0;
  if (tg < 1)
    tg = 1;
  if (tb < 1024)
    tb = 1024;
  return g > e->growth + tg || gb > e->growth_bytes + tb;
}

void
lc_finding_id(struct lc_buf *out, const struct lc_assert_result *ar,
              const struct lc_finding *f)
{
  if (!f->row) {
    if (f->failed_rules & LC_RULE_INTERNALS)
      lc_buf_addstr(out, "V8 internals");
    else
      lc_buf_addf(out, "total: %s", ar->a->label);
    return;
  }
  lc_buf_addstr(out, f->row->ident ? f->row->ident : f->row->name);
  if (f->object_id)
    lc_buf_addstr(out, " (one object)");
}

int64_t
lc_per_interval(int64_t growth, const struct lc_series *ser)
{
  /* The measured window's intervals: confirmation snapshots after it
   * (ser->planned) are not in the growth. */
  size_t n =
      ser->planned && ser->planned < ser->nsnap ? ser->planned : ser->nsnap;
  int64_t m = n > ser->warmup + 1 ? (int64_t)(n - 1 - ser->warmup) : 1;
  if (growth >= 0)
    return (growth + m / 2) / m;
  return -((-growth + m / 2) / m);
}

static int
entry_cmp(const void *pa, const void *pb)
{
  const struct lc_baseline_entry *a = pa, *b = pb;
  int r = strcmp(a->check, b->check);
  return r ? r : strcmp(a->id, b->id);
}

static void
add_entry(struct lc_baseline *b, const char *check, const char *id, int64_t g,
          int64_t gb)
{
  size_t i;
  for (i = 0; i < b->n; i++) {
    if (!strcmp(b->v[i].check, check) && !strcmp(b->v[i].id, id)) {
      if (g > b->v[i].growth)
        b->v[i].growth = g;
      if (gb > b->v[i].growth_bytes)
        b->v[i].growth_bytes = gb;
      return;
    }
  }
  LC_ALLOC_GROW(b->v, b->n + 1, b->alloc);
  b->v[b->n].check = lc_xstrdup(check);
  b->v[b->n].id = lc_xstrdup(id);
  b->v[b->n].growth = g;
  b->v[b->n].growth_bytes = gb;
  b->n++;
}

static void
add_finding(struct lc_baseline *b, const struct lc_check_result *r,
            const struct lc_assert_result *ar, const struct lc_finding *f)
{
  struct lc_buf id = LC_BUF_INIT;
  lc_finding_id(&id, ar, f);
  add_entry(b, r->check->name, id.buf, lc_per_interval(f->growth, &r->series),
            lc_per_interval(f->growth_bytes, &r->series));
  lc_buf_release(&id);
}

void
lc_baseline_write(struct lc_buf *out, const struct lc_check_result *res,
                  size_t n, const struct lc_baseline *keep)
{
  struct lc_baseline b = LC_BASELINE_INIT;
  size_t i, j, k;
  const char *prev = NULL;

  for (i = 0; keep && i < keep->n; i++) {
    int ran = 0;
    for (j = 0; j < n && !ran; j++)
      ran = !strcmp(res[j].check->name, keep->v[i].check);
    if (!ran)
      add_entry(&b, keep->v[i].check, keep->v[i].id, keep->v[i].growth,
                keep->v[i].growth_bytes);
  }
  for (i = 0; i < n; i++) {
    const struct lc_check_result *r = &res[i];
    if (r->status != LC_CHECK_PASSED && r->status != LC_CHECK_FAILED)
      continue;
    for (j = 0; j < r->nresults; j++) {
      const struct lc_assert_result *ar = &r->results[j];
      for (k = 0; k < ar->nfindings; k++)
        add_finding(&b, r, ar, &ar->findings[k]);
      for (k = 0; k < ar->naccepted; k++)
        add_finding(&b, r, ar, &ar->accepted[k]);
    }
  }
  if (b.n)
    qsort(b.v, b.n, sizeof(*b.v), entry_cmp);
  lc_buf_addstr(out, "{\n  \"version\": 1,\n  \"checks\": {");
  for (i = 0; i < b.n; i++) {
    const struct lc_baseline_entry *e = &b.v[i];
    if (!prev || strcmp(prev, e->check)) {
      lc_buf_addstr(out, prev ? "\n    ],\n    " : "\n    ");
      lc_buf_add_json_string(out, e->check);
      lc_buf_addstr(out, ": [");
      prev = e->check;
    } else {
      lc_buf_addch(out, ',');
    }
    lc_buf_addstr(out, "\n      {\"id\": ");
    lc_buf_add_json_string(out, e->id);
    lc_buf_addf(out,
                ", \"growth_per_interval\": %lld, \"bytes_per_interval\": "
                "%lld}",
                (long long)e->growth, (long long)e->growth_bytes);
  }
  lc_buf_addstr(out, prev ? "\n    ]\n  }\n}\n" : "}\n}\n");
  lc_baseline_release(&b);
}
