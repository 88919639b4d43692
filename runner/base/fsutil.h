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

#endif
