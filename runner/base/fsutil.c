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

static int
write_all(int fd, const char *data, size_t len)
{
  while (len) {
    ssize_t w = write(fd, data, len);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    data += w;
    len -= (size_t)w;
  }
  return 0;
}

/* Copies all of `in` to `out`; returns 0 or an errno value. */
static int
copy_fd(int in, int out)
{
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno;
    if (n == 0)
      return 0;
    if (write_all(out, buf, (size_t)n) != 0)
      return errno;
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

int
lc_write_file_atomic(const char *path, const char *data, size_t len,
                     struct lc_err *err)
{
  char *tmp = lc_xasprintf("%s.tmp.XXXXXX", path);
  const char *what;
  int fd, e;

  fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    e = errno;
    lc_err_errno(err, e, path, "cannot create temporary file '%s'", tmp);
    free(tmp);
    return -1;
  }
  /* mkstemp makes 0600; reports are for everyone to read. */
  if (fchmod(fd, 0644) != 0) {
    what = "cannot set the mode of";
    goto fail;
  }
  if (write_all(fd, data, len) != 0) {
    what = "cannot write";
    goto fail;
  }
  if (fsync(fd) != 0) {
    what = "cannot sync";
    goto fail;
  }
  if (close(fd) != 0) {
    fd = -1;
    what = "cannot close";
    goto fail;
  }
  fd = -1;
  if (rename(tmp, path) != 0) {
    what = "cannot rename";
    goto fail;
  }
  free(tmp);
  return 0;

fail:
  e = errno;
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  lc_err_errno(err, e, path, "%s temporary file '%s'", what, tmp);
  free(tmp);
  return -1;
}
