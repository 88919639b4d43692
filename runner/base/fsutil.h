/*
 * Small file-system helpers shared by the driver and the CLI.
 */
#ifndef LEAKCHECK_FSUTIL_H
#define LEAKCHECK_FSUTIL_H

#include <sys/types.h>

#include "leakcheck/err.h"

/* Creates `path` and its missing parents (mode 0755).  Returns 0, or -1
 * with LC_ESYSTEM in `err` naming the directory that could not be made. */
int lc_mkdir_p(const char *path, struct lc_err *err);

/* lc_mkdir_p with the mode the missing directories get (before umask). */
int lc_mkdir_p_mode(const char *path, mode_t mode, struct lc_err *err);

/* Opens the directory `name` (one path component) inside the directory
 * `at` (a descriptor, or AT_FDCWD), creating it with `mode` when it is
 * missing; sets `*made` to 1 when this call created it, else 0.  A
 * symbolic link at `name` is never followed: it is refused.  Returns the
 * new descriptor (O_DIRECTORY, close-on-exec; the caller closes it), or -1
 * with LC_ESYSTEM in `err` naming `shown`. */
int lc_dir_at(int at, const char *name, mode_t mode, const char *shown,
              int *made, struct lc_err *err);

/* Moves the file `from` into the directory `dirfd` as `name`, with mode
 * `mode` whichever way it goes, never replacing an existing entry and
 * never following a symbolic link there:
 *   - a rename (renameat2 RENAME_NOREPLACE), the mode set on the file
 *     first;
 *   - across file systems (EXDEV), or always when `copy` is nonzero: a
 *     copy into the new file "<name>.part" (O_CREAT|O_EXCL|O_NOFOLLOW),
 *     renamed to `name` once complete, then an unlink of `from`.
 * Returns 0, or -1 with LC_ESYSTEM in `err` naming `shown` (the
 * destination path for messages); a partial copy is removed, `from` is
 * left in place and an existing `name` is never touched. */
int lc_move_into(const char *from, int dirfd, const char *name,
                 const char *shown, mode_t mode, int copy, struct lc_err *err);

/* Moves the file `from` to `to`: a rename, or across file systems a copy
 * (the new file gets `mode`; an existing `to` is replaced unless `excl`)
 * then an unlink of `from`.  Returns 0, or -1 with LC_ESYSTEM in `err`;
 * a partial copy is removed and `from` is left in place. */
int lc_move_file(const char *from, const char *to, mode_t mode, int excl,
                 struct lc_err *err);

/* Writes `data` to `path` atomically: a temporary file "PATH.tmp.XXXXXX"
 * beside it, mode 0644, fsync, rename over `path`.  Returns 0, or -1 with
 * LC_ESYSTEM (path = `path`) in `err`; the temporary file is then removed
 * and `path` is untouched. */
int lc_write_file_atomic(const char *path, const char *data, size_t len,
                         struct lc_err *err);

/* A lock file beside an output file: "<path>.lock", held with flock(2)
 * while a run may write `path`, so that a second run writing the same file
 * is refused instead of overwriting it.  The file holds the owner's pid;
 * it is removed by lc_lock_release (a crash leaves it behind, unheld:
 * the next run takes it over). */
struct lc_lock {
  int fd;     /* -1 when not held */
  char *path; /* "<path>.lock"; owned */
};

#define LC_LOCK_INIT                                                           \
  {                                                                            \
    -1, NULL                                                                   \
  }

/* Takes the lock of `path`.  Returns 0, or -1 with `err` filled: LC_EUSAGE
 * when another process holds it ("another leakcheck run (pid N) is
 * writing 'path'..."), LC_ESYSTEM when the lock file cannot be made.  A
 * symbolic link at the lock's name is not followed. */
int lc_lock_take(struct lc_lock *lock, const char *path, struct lc_err *err);

/* Removes the lock file and releases the lock; harmless when not held. */
void lc_lock_release(struct lc_lock *lock);

#endif
