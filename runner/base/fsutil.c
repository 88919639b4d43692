/* File-system helpers (see fsutil.h). */
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

int
lc_mkdir_p(const char *path, struct lc_err *err)
{
  char *p = lc_xstrdup(path), *q;
  int ret = 0;
  for (q = p + 1;; q++) {
    int last = *q == '\0';
    if (*q != '/' && !last)
      continue;
    *q = '\0';
    if (mkdir(p, 0755) < 0 && errno != EEXIST) {
      ret = lc_err_errno(err, errno, p, "cannot create directory");
      break;
    }
    if (last)
      break;
    *q = '/';
  }
  free(p);
  return ret;
}

/* Copies all of `in` to `out`; returns 0 or an errno value. */
static int
copy_fd(int in, int out)
{
  char buf[1 << 16];
  for (;;) {
    char *p = buf;
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno;
    if (n == 0)
      return 0;
    while (n > 0) {
      ssize_t w = write(out, p, (size_t)n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return errno;
      p += w;
      n -= w;
    }
  }
}

int
lc_move_file(const char *from, const char *to, mode_t mode, int excl,
             struct lc_err *err)
{
  int in, out, e;
  if (rename(from, to) == 0)
    return 0;
  if (errno != EXDEV)
    return lc_err_errno(err, errno, to, "cannot move '%s' here", from);
  in = open(from, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return lc_err_errno(err, errno, from, "cannot read");
  out = open(to, O_WRONLY | O_CREAT | O_CLOEXEC | (excl ? O_EXCL : O_TRUNC),
             mode);
  if (out < 0) {
    e = errno;
    close(in);
    return lc_err_errno(err, e, to, "cannot create");
  }
  e = copy_fd(in, out);
  close(in);
  if (close(out) < 0 && !e)
    e = errno;
  if (e) {
    unlink(to);
    return lc_err_errno(err, e, to, "cannot copy '%s' here", from);
  }
  unlink(from);
  return 0;
}
