/*
 * Errors: one caller-owned struct lc_err, filled once where a failure is
 * known and forwarded untouched.  Only main.c prints it.
 */
#ifndef LEAKCHECK_ERR_H
#define LEAKCHECK_ERR_H

/* What kind of failure; main.c maps it to the exit code. */
enum lc_err_code {
  LC_OK = 0,
  LC_EUSAGE,    /* bad command line (exit 2) */
  LC_ECONFIG,   /* leakcheck.yml is invalid (exit 2) */
  LC_EINPUT,    /* an input file is unreadable or malformed (exit 2) */
  LC_EPROGRAM,  /* the program under test broke (exit 3) */
  LC_ESYSTEM,   /* an operating-system call failed (exit 2) */
  LC_EINTERRUPT /* SIGINT/SIGTERM reached leakcheck (exit 130) */
};

struct lc_err {
  enum lc_err_code code;
  char *msg;                 /* owned; NULL when no error */
  char *path;                /* owned; file the error is about, or NULL */
  unsigned long line;        /* 1-based; 0 when unknown */
  unsigned long col;         /* 1-based; 0 when unknown */
  unsigned long long offset; /* byte offset in `path` when has_offset */
  int has_offset;
};

#define LC_ERR_INIT                                                            \
  {                                                                            \
    LC_OK, 0, 0, 0, 0, 0, 0                                                    \
  }

/* Fills `err` (if not NULL and not already set: the first failure wins) and
 * returns -1, so that callers can write `return lc_err_set(...)`. */
int lc_err_set(struct lc_err *err, enum lc_err_code code, const char *path,
               unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Same, for an error at byte offset `offset` of `path`. */
int lc_err_set_at(struct lc_err *err, enum lc_err_code code, const char *path,
                  unsigned long long offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, appending ": strerror(errnum)" to the message. */
int lc_err_errno(struct lc_err *err, int errnum, const char *path,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Returns the one-line diagnostic "path:line:col: msg" (the parts that are
 * known); the caller frees it. */
char *lc_err_format(const struct lc_err *err);

/* Frees the contents and re-initialises. */
void lc_err_release(struct lc_err *err);

#endif
