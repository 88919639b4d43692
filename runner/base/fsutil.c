/* File-system helpers (see fsutil.h). */
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck/buf.h"

#include "base/banned.h"

int
lc_mkdir_p(const char *path, struct lc_err *err)
{
  return lc_mkdir_p_mode(path, 0755, err);
}

int
lc_mkdir_p_mode(const char *path, mode_t mode, struct lc_err *err)
{
  char *p = lc_xstrdup(path), *q;
  int ret = 0;
  for (q = p + 1;; q++) {
    int last = *q == '\0';
    if (*q != '/' && !last)
      continue;
    *q = '\0';
    if (mkdir(p, mode) < 0 && errno != EEXIST) {
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
  out = open(to,
             O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
                 (excl ? O_EXCL : O_TRUNC),
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

int
lc_dir_at(int at, const char *name, mode_t mode, const char *shown, int *made,
          struct lc_err *err)
{
  int fd;
  *made = 0;
  if (mkdirat(at, name, mode) == 0)
    *made = 1;
  else if (errno != EEXIST)
    return lc_err_errno(err, errno, shown, "cannot create directory");
  fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP || e == ENOTDIR)
      return lc_err_set(err, LC_ESYSTEM, shown, 0, 0,
                        "is not a directory (a symbolic link or a file); "
                        "leakcheck follows no link it did not make");
    return lc_err_errno(err, e, shown, "cannot open directory");
  }
  return fd;
}

/* renameat2(RENAME_NOREPLACE), or where the file system lacks it, a hard
 * link then an unlink (link never replaces either).  Returns 0 or -1 with
 * errno set. */
static int
rename_noreplace(int fromfd, const char *from, int tofd, const char *to)
{
  if (renameat2(fromfd, from, tofd, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
  if (linkat(fromfd, from, tofd, to, 0) < 0)
    return -1;
  unlinkat(fromfd, from, 0);
  return 0;
}

int
lc_move_into(const char *from, int dirfd, const char *name, const char *shown,
             mode_t mode, int copy, struct lc_err *err)
{
  char *part;
  int in, out, e;

  in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return lc_err_errno(err, errno, from, "cannot read");
  if (!copy) {
    if (fchmod(in, mode) < 0) {
      e = errno;
      close(in);
      return lc_err_errno(err, e, from, "cannot set the mode of");
    }
    if (rename_noreplace(AT_FDCWD, from, dirfd, name) == 0) {
      close(in);
      return 0;
    }
    if (errno != EXDEV) {
      e = errno;
      close(in);
      return lc_err_errno(err, e, shown, "cannot move '%s' here", from);
    }
  }
  part = lc_xasprintf("%s.part", name);
  out = openat(dirfd, part,
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (out < 0) {
    e = errno;
    close(in);
    free(part);
    return lc_err_errno(err, e, shown, "cannot create");
  }
  e = fchmod(out, mode) < 0 ? errno : 0; /* whatever the umask */
  if (!e)
    e = copy_fd(in, out);
  close(in);
  if (close(out) < 0 && !e)
    e = errno;
  if (!e && rename_noreplace(dirfd, part, dirfd, name) < 0)
    e = errno;
  if (e) {
    unlinkat(dirfd, part, 0);
    free(part);
    return lc_err_errno(err, e, shown, "cannot copy '%s' here", from);
  }
  free(part);
  unlink(from);
  return 0;
}

int
lc_lock_take(struct lc_lock *lock, const char *path, struct lc_err *err)
{
  char *lp = lc_xasprintf("%s.lock", path);
  int tries;
  for (tries = 0; tries < 10; tries++) {
    struct stat a, b;
    char pid[32], held[32];
    ssize_t n;
    int fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      lc_err_errno(err, errno, lp, "cannot create the lock file");
      break;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
      int e = errno;
      if (e == EWOULDBLOCK) {
        n = pread(fd, held, sizeof(held) - 1, 0);
        held[n > 0 ? n : 0] = '\0';
        held[strcspn(held, "\n")] = '\0';
        lc_err_set(err, LC_EUSAGE, path, 0, 0,
                   "another leakcheck run%s%s%s is writing this file (it "
                   "holds '%s'); wait for it to end, or give this run "
                   "another --junit path",
                   *held ? " (pid " : "", held, *held ? ")" : "", lp);
      } else {
        lc_err_errno(err, e, lp, "cannot lock");
      }
      close(fd);
      break;
    }
    /* The holder before us may have removed the file between our open
     * and our flock: then we hold a lock nobody else can see; again. */
    if (fstat(fd, &a) < 0 || stat(lp, &b) < 0 || a.st_ino != b.st_ino ||
        a.st_dev != b.st_dev) {
      close(fd);
      continue;
    }
    snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0)
      n = pwrite(fd, pid, strlen(pid), 0);
    (void)n;
    lock->fd = fd;
    lock->path = lp;
    return 0;
  }
  if (tries == 10)
    lc_err_set(err, LC_ESYSTEM, lp, 0, 0, "cannot take the lock file");
  free(lp);
  return -1;
}

void
lc_lock_release(struct lc_lock *lock)
{
  if (lock->fd >= 0) {
    unlink(lock->path); /* while still held: see lc_lock_take */
    close(lock->fd);
  }
  free(lock->path);
  lock->fd = -1;
  lock->path = NULL;
}
