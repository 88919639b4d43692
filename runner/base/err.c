/* struct lc_err: fill once, forward, print in main.c (see err.h). */
#include "leakcheck/err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

static int err_vset(struct lc_err *err, enum lc_err_code code, const char *path,
                    const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int
err_vset(struct lc_err *err, enum lc_err_code code, const char *path,
         const char *fmt, va_list ap)
{
  struct lc_buf b = LC_BUF_INIT;
  if (!err || err->code != LC_OK)
    return -1;
  lc_buf_vaddf(&b, fmt, ap);
  err->code = code;
  err->msg = lc_buf_detach(&b, NULL);
  err->path = path ? lc_xstrdup(path) : NULL;
  return -1;
}

int
lc_err_set(struct lc_err *err, enum lc_err_code code, const char *path,
           unsigned long line, unsigned long col, const char *fmt, ...)
{
  va_list ap;
  int fresh = err && err->code == LC_OK;
  va_start(ap, fmt);
  err_vset(err, code, path, fmt, ap);
  va_end(ap);
  if (fresh) {
    err->line = line;
    err->col = col;
  }
  return -1;
}

int
lc_err_set_at(struct lc_err *err, enum lc_err_code code, const char *path,
              unsigned long long offset, const char *fmt, ...)
{
  va_list ap;
  int fresh = err && err->code == LC_OK;
  va_start(ap, fmt);
  err_vset(err, code, path, fmt, ap);
  va_end(ap);
  if (fresh) {
    err->offset = offset;
    err->has_offset = 1;
  }
  return -1;
}

int
lc_err_errno(struct lc_err *err, int errnum, const char *path, const char *fmt,
             ...)
{
  struct lc_buf b = LC_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  lc_buf_vaddf(&b, fmt, ap);
  va_end(ap);
  lc_buf_addf(&b, ": %s", strerror(errnum));
  lc_err_set(err, LC_ESYSTEM, path, 0, 0, "%s", b.buf);
  lc_buf_release(&b);
  return -1;
}

char *
lc_err_format(const struct lc_err *err)
{
  struct lc_buf b = LC_BUF_INIT;
  if (err->path) {
    lc_buf_addstr(&b, err->path);
    if (err->line) {
      lc_buf_addf(&b, ":%lu", err->line);
      if (err->col)
        lc_buf_addf(&b, ":%lu", err->col);
    } else if (err->has_offset) {
      lc_buf_addf(&b, ": byte %llu", err->offset);
    }
    lc_buf_addstr(&b, ": ");
  }
  lc_buf_addstr(&b, err->msg ? err->msg : "unknown error");
  return lc_buf_detach(&b, NULL);
}

void
lc_err_release(struct lc_err *err)
{
  free(err->msg);
  free(err->path);
  memset(err, 0, sizeof(*err));
  err->code = LC_OK;
}
