/*
 * A fault-injection shim for the end-to-end tests (LD_PRELOAD).  With
 * LC_FAULT="OP:SUBSTRING:ERRNO" in the environment, the calls of kind OP
 * on a path containing SUBSTRING fail with ERRNO (a name: ENOSPC, EIO,
 * EACCES, EDQUOT, EROFS); every other call goes through.  OP is one of
 *   open    open, open64, openat, openat64, mkostemp, mkstemp (creating
 *           or writing only; reads go through)
 *   write   write on a descriptor whose file's path matches
 *   rename  rename, renameat, renameat2 (the destination's path)
 *   mkdir   mkdir, mkdirat, mkdtemp
 *   fsync   fsync on a descriptor whose file's path matches
 * Only the leakcheck binary is affected (checked through /proc/self/exe),
 * not the Node programs it starts, which inherit the environment.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fault_errno; /* 0: no fault configured */
static char fault_op[16], fault_sub[512];

__attribute__((constructor)) static void
shim_init(void)
{
  char exe[4096];
  const char *spec = getenv("LC_FAULT"), *c1, *c2;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  static const struct {
    const char *name;
    int value;
  } names[] = {{"ENOSPC", ENOSPC},
               {"EIO", EIO},
               {"EACCES", EACCES},
               {"EDQUOT", EDQUOT},
               {"EROFS", EROFS}};
  size_t i;
  if (!spec || n <= 0)
    return;
  exe[n] = '\0';
  n = (ssize_t)strlen(exe);
  if (n < 10 || strcmp(exe + n - 10, "/leakcheck") != 0)
    return;
  c1 = strchr(spec, ':');
  c2 = c1 ? strrchr(spec, ':') : NULL;
  if (!c1 || c2 == c1 || (size_t)(c1 - spec) >= sizeof(fault_op) ||
      (size_t)(c2 - c1 - 1) >= sizeof(fault_sub))
    return;
  memcpy(fault_op, spec, (size_t)(c1 - spec));
  memcpy(fault_sub, c1 + 1, (size_t)(c2 - c1 - 1));
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (!strcmp(c2 + 1, names[i].name))
      fault_errno = names[i].value;
}

static void *
real(const char *name)
{
  return dlsym(RTLD_NEXT, name);
}

/* Nonzero when `op` on `path` (relative to `dirfd`) must fail. */
static int
hit(const char *op, int dirfd, const char *path)
{
  char full[8192];
  if (!fault_errno || strcmp(op, fault_op) != 0 || !path)
    return 0;
  if (path[0] != '/' && dirfd != AT_FDCWD) {
    char link[64], dir[4096];
    ssize_t n;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
    n = readlink(link, dir, sizeof(dir) - 1);
    if (n > 0) {
      dir[n] = '\0';
      snprintf(full, sizeof(full), "%s/%s", dir, path);
      path = full;
    }
  } else if (path[0] != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd))) {
      snprintf(full, sizeof(full), "%s/%s", cwd, path);
      path = full;
    }
  }
  if (!strstr(path, fault_sub))
    return 0;
  errno = fault_errno;
  return 1;
}

static int
hit_fd(const char *op, int fd)
{
  char link[64], path[4096];
  ssize_t n;
  if (!fault_errno || strcmp(op, fault_op) != 0)
    return 0;
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  n = readlink(link, path, sizeof(path) - 1);
  if (n <= 0)
    return 0;
  path[n] = '\0';
  return hit(op, AT_FDCWD, path);
}

static int
writing(int flags)
{
  return (flags & (O_CREAT | O_WRONLY | O_RDWR | O_TRUNC)) != 0;
}

#define OPEN_LIKE(name)                                                        \
  int name(const char *path, int flags, ...)                                   \
  {                                                                            \
    static int (*f)(const char *, int, ...);                                   \
    mode_t mode = 0;                                                           \
    if (flags & (O_CREAT | O_TMPFILE)) {                                       \
      va_list ap;                                                              \
      va_start(ap, flags);                                                     \
      mode = (mode_t)va_arg(ap, int);                                          \
      va_end(ap);                                                              \
    }                                                                          \
    if (writing(flags) && hit("open", AT_FDCWD, path))                         \
      return -1;                                                               \
    if (!f)                                                                    \
      f = (int (*)(const char *, int, ...))real(#name);                        \
    return f(path, flags, mode);                                               \
  }
OPEN_LIKE(open)
OPEN_LIKE(open64)

#define OPENAT_LIKE(name)                                                      \
  int name(int dirfd, const char *path, int flags, ...)                        \
  {                                                                            \
    static int (*f)(int, const char *, int, ...);                              \
    mode_t mode = 0;                                                           \
    if (flags & (O_CREAT | O_TMPFILE)) {                                       \
      va_list ap;                                                              \
      va_start(ap, flags);                                                     \
      mode = (mode_t)va_arg(ap, int);                                          \
      va_end(ap);                                                              \
    }                                                                          \
    if (writing(flags) && hit("open", dirfd, path))                            \
      return -1;                                                               \
    if (!f)                                                                    \
      f = (int (*)(int, const char *, int, ...))real(#name);                   \
    return f(dirfd, path, flags, mode);                                        \
  }
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

int
mkostemp(char *tmpl, int flags)
{
  static int (*f)(char *, int);
  if (hit("open", AT_FDCWD, tmpl))
    return -1;
  if (!f)
    f = (int (*)(char *, int))real("mkostemp");
  return f(tmpl, flags);
}

int
mkstemp(char *tmpl)
{
  return mkostemp(tmpl, 0);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
  static ssize_t (*f)(int, const void *, size_t);
  if (fd > 2 && hit_fd("write", fd))
    return -1;
  if (!f)
    f = (ssize_t(*)(int, const void *, size_t))real("write");
  return f(fd, buf, n);
}

int
fsync(int fd)
{
  static int (*f)(int);
  if (hit_fd("fsync", fd))
    return -1;
  if (!f)
    f = (int (*)(int))real("fsync");
  return f(fd);
}

int
rename(const char *from, const char *to)
{
  static int (*f)(const char *, const char *);
  if (hit("rename", AT_FDCWD, to))
    return -1;
  if (!f)
    f = (int (*)(const char *, const char *))real("rename");
  return f(from, to);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
  static int (*f)(int, const char *, int, const char *);
  if (hit("rename", fd2, to))
    return -1;
  if (!f)
    f = (int (*)(int, const char *, int, const char *))real("renameat");
  return f(fd1, from, fd2, to);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
  static int (*f)(int, const char *, int, const char *, unsigned);
  if (hit("rename", fd2, to))
    return -1;
  if (!f)
    f = (int (*)(int, const char *, int, const char *, unsigned))real(
        "renameat2");
  return f(fd1, from, fd2, to, flags);
}

int
mkdir(const char *path, mode_t mode)
{
  static int (*f)(const char *, mode_t);
  if (hit("mkdir", AT_FDCWD, path))
    return -1;
  if (!f)
    f = (int (*)(const char *, mode_t))real("mkdir");
  return f(path, mode);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
  static int (*f)(int, const char *, mode_t);
  if (hit("mkdir", dirfd, path))
    return -1;
  if (!f)
    f = (int (*)(int, const char *, mode_t))real("mkdirat");
  return f(dirfd, path, mode);
}

char *
mkdtemp(char *tmpl)
{
  static char *(*f)(char *);
  if (hit("mkdir", AT_FDCWD, tmpl))
    return NULL;
  if (!f)
    f = (char *(*)(char *))real("mkdtemp");
  return f(tmpl);
}
