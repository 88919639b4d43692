/*
 * What the Check suites share: the one main (main.c) runs the suite a file
 * provides through lc_test_suite(), and these helpers replace the copies
 * the suites used to carry.  A helper that fails aborts the test with a
 * Check failure; strings it returns are owned by the caller (free()).
 */
#ifndef LEAKCHECK_SPECS_TESTUTIL_H
#define LEAKCHECK_SPECS_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <string.h>

#include "leakcheck/heap.h"

/* Defined once by each suite file: its test cases. */
Suite *lc_test_suite(void);

/* Fails unless `needle` occurs in `hay` (or does not, for the _not_ one),
 * printing both. */
#define ck_assert_contains(hay, needle)                                        \
  ck_assert_msg(strstr((hay), (needle)) != NULL, "missing:\n%s\n---- in:\n%s", \
                (needle), (hay))
#define ck_assert_not_contains(hay, needle)                                    \
  ck_assert_msg(strstr((hay), (needle)) == NULL,                               \
                "unexpected:\n%s\n---- in:\n%s", (needle), (hay))

/* Non-overlapping occurrences of `needle` in `hay`. */
size_t lc_test_count(const char *hay, const char *needle);

/* A new private directory <base>/lc-<tag>-XXXXXX; `base` NULL means
 * $TMPDIR, else /tmp. */
char *lc_test_tmpdir(const char *base, const char *tag);

/* Removes `path` and everything under it, without following symlinks.
 * Safe to call on a missing path. */
void lc_test_rmtree(const char *path);

/* Entries of `dir` other than . and .. */
size_t lc_test_dir_entries(const char *dir);

/* The whole file (NUL-terminated). */
char *lc_test_read(const char *path);

/* Creates or truncates `path` with `text`. */
void lc_test_write(const char *path, const char *text);

/* The row of `sum` with `key`, or NULL. */
const struct lc_summary_row *lc_test_find_row(const struct lc_summary *sum,
                                              const char *key);

/* Writes the snapshot described by `t` (snapbuild.h) in the Node 20
 * (layout 20) or Node 24 (24) layout to <dir>/<name> and returns that
 * path. */
struct tsnap;
char *lc_test_write_snapshot(const char *dir, const char *name,
                             const struct tsnap *t, int layout);

#endif
