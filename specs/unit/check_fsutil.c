/*
 * lc_mkdir_p and lc_move_file, including the copy path across file systems
 * (/dev/shm is a tmpfs when the test directory is not).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "leakcheck/buf.h"
#include "testutil.h"

static char *dir_a, *dir_b;

static void
setup(void)
{
  dir_a = lc_test_tmpdir(NULL, "fsutil");
  dir_b = lc_test_tmpdir(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL,
                         "fsutil");
}

static void
teardown(void)
{
  lc_test_rmtree(dir_a);
  lc_test_rmtree(dir_b);
  free(dir_a);
  free(dir_b);
}

START_TEST(mkdir_p_nested)
{
  struct lc_err err = LC_ERR_INIT;
  char *p = lc_xasprintf("%s/x/y/z", dir_a);
  struct stat st;
  ck_assert_int_eq(lc_mkdir_p(p, &err), 0);
  ck_assert_int_eq(stat(p, &st), 0);
  ck_assert(S_ISDIR(st.st_mode));
  /* Again: existing directories are fine. */
  ck_assert_int_eq(lc_mkdir_p(p, &err), 0);
  free(p);
}
END_TEST

START_TEST(mkdir_p_under_a_file)
{
  struct lc_err err = LC_ERR_INIT;
  char *f = lc_xasprintf("%s/file", dir_a);
  char *p = lc_xasprintf("%s/file/sub", dir_a);
  lc_test_write(f, "x");
  ck_assert_int_eq(lc_mkdir_p(p, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_str_eq(err.path, p);
  ck_assert_str_eq(err.msg, "cannot create directory: Not a directory");
  lc_err_release(&err);
  free(f);
  free(p);
}
END_TEST

/* _i = 0: same directory (rename); 1: the other file system (copy). */
START_TEST(move_keeps_content)
{
  struct lc_err err = LC_ERR_INIT;
  char *from = lc_xasprintf("%s/a.heapsnapshot", dir_a);
  char *to = lc_xasprintf("%s/b.heapsnapshot", _i ? dir_b : dir_a);
  char *text;
  struct stat st;
  lc_test_write(from, "{\"snapshot\":{}}");
  /* A rename keeps the file's mode; a copy is created with `mode`. */
  ck_assert_int_eq(chmod(from, 0600), 0);
  ck_assert_int_eq(lc_move_file(from, to, 0600, 1, &err), 0);
  ck_assert_int_eq(access(from, F_OK), -1);
  text = lc_test_read(to);
  ck_assert_str_eq(text, "{\"snapshot\":{}}");
  ck_assert_int_eq(stat(to, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  free(text);
  free(from);
  free(to);
}
END_TEST

START_TEST(move_copy_excl_refuses_existing)
{
  struct lc_err err = LC_ERR_INIT;
  char *from = lc_xasprintf("%s/a", dir_a);
  char *to = lc_xasprintf("%s/a", dir_b);
  lc_test_write(from, "new");
  lc_test_write(to, "old");
  if (strncmp(dir_b, "/dev/shm", 8) != 0) {
    /* Same file system: rename replaces; nothing to test here. */
    free(from);
    free(to);
    return;
  }
  ck_assert_int_eq(lc_move_file(from, to, 0600, 1, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_str_eq(err.msg, "cannot create: File exists");
  ck_assert_int_eq(access(from, F_OK), 0); /* left in place */
  lc_err_release(&err);
  ck_assert_int_eq(lc_move_file(from, to, 0644, 0, &err), 0);
  {
    char *text = lc_test_read(to);
    ck_assert_str_eq(text, "new");
    free(text);
  }
  free(from);
  free(to);
}
END_TEST

START_TEST(move_missing_source)
{
  struct lc_err err = LC_ERR_INIT;
  char *from = lc_xasprintf("%s/none", dir_a);
  char *to = lc_xasprintf("%s/x", dir_a);
  ck_assert_int_eq(lc_move_file(from, to, 0600, 1, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_str_eq(err.path, to);
  ck_assert(strstr(err.msg, "No such file or directory") != NULL);
  lc_err_release(&err);
  free(from);
  free(to);
}
END_TEST

/* The destination directory of lc_move_into for variant `i`: 0, the same
 * file system (a rename); 1, the same, with the copy path forced; 2, the
 * other file system (a copy after EXDEV, when /dev/shm is a tmpfs). */
static char *
dest_dir(int i)
{
  char *d;
  if (i == 2)
    return lc_xstrdup(dir_b);
  d = lc_xasprintf("%s/dest", dir_a);
  ck_assert(mkdir(d, 0700) == 0 || errno == EEXIST);
  return d;
}

/* lc_move_into, variants as dest_dir.  Either way the file gets 0600, whatever
 * the source's mode and the umask. */
START_TEST(move_into_mode)
{
  struct lc_err err = LC_ERR_INIT;
  char *from = lc_xasprintf("%s/a.heapsnapshot", dir_a);
  char *dd = dest_dir(_i);
  char *to = lc_xasprintf("%s/1.heapsnapshot", dd);
  char *part = lc_xasprintf("%s/1.heapsnapshot.part", dd);
  int fd = open(dd, O_RDONLY | O_DIRECTORY);
  mode_t old = umask(0);
  struct stat st;
  char *text;
  lc_test_write(from, "{\"snapshot\":{}}");
  ck_assert_int_eq(chmod(from, 0644), 0);
  ck_assert_int_eq(
      lc_move_into(from, fd, "1.heapsnapshot", to, 0600, _i == 1, &err), 0);
  umask(old);
  ck_assert_int_eq(access(from, F_OK), -1);
  ck_assert_int_eq(access(part, F_OK), -1);
  ck_assert_int_eq(stat(to, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  text = lc_test_read(to);
  ck_assert_str_eq(text, "{\"snapshot\":{}}");
  free(text);
  close(fd);
  free(dd);
  free(from);
  free(to);
  free(part);
}
END_TEST

/* A symbolic link (or any file) already at the name is never followed or
 * replaced, on either path; the target keeps its content; the source
 * stays. */
START_TEST(move_into_refuses_planted_link)
{
  struct lc_err err = LC_ERR_INIT;
  char *from = lc_xasprintf("%s/a.heapsnapshot", dir_a);
  char *victim = lc_xasprintf("%s/victim", dir_a);
  char *dd = dest_dir(_i);
  char *link = lc_xasprintf("%s/1.heapsnapshot", dd);
  char *text;
  int fd = open(dd, O_RDONLY | O_DIRECTORY), copies;
  /* Does this variant take the copy path? */
  copies = _i == 1 || (_i == 2 && strncmp(dir_b, "/dev/shm", 8) == 0);
  lc_test_write(from, "heap");
  lc_test_write(victim, "precious");
  ck_assert_int_eq(symlink(victim, link), 0);
  ck_assert_int_eq(
      lc_move_into(from, fd, "1.heapsnapshot", link, 0600, _i == 1, &err), -1);
  ck_assert_int_eq(err.code, LC_ESYSTEM);
  ck_assert_str_eq(err.path, link);
  ck_assert_msg(strstr(err.msg, "File exists") != NULL, "%s", err.msg);
  lc_err_release(&err);
  text = lc_test_read(victim);
  ck_assert_str_eq(text, "precious");
  free(text);
  ck_assert_int_eq(access(from, F_OK), 0);
  /* A dangling link is refused as well (O_EXCL, RENAME_NOREPLACE). */
  ck_assert_int_eq(unlink(victim), 0);
  ck_assert_int_eq(
      lc_move_into(from, fd, "1.heapsnapshot", link, 0600, _i == 1, &err), -1);
  lc_err_release(&err);
  ck_assert_int_eq(access(victim, F_OK), -1);
  /* A planted "<name>.part" stops the copy, not the rename. */
  ck_assert_int_eq(unlink(link), 0);
  {
    char *part = lc_xasprintf("%s/1.heapsnapshot.part", dd);
    ck_assert_int_eq(symlink(victim, part), 0);
    ck_assert_int_eq(
        lc_move_into(from, fd, "1.heapsnapshot", link, 0600, _i == 1, &err),
        copies ? -1 : 0);
    lc_err_release(&err);
    ck_assert_int_eq(access(victim, F_OK), -1);
    free(part);
  }
  close(fd);
  free(dd);
  free(from);
  free(victim);
  free(link);
}
END_TEST

START_TEST(dir_at_refuses_link)
{
  struct lc_err err = LC_ERR_INIT;
  char *link = lc_xasprintf("%s/check", dir_a);
  int fd = open(dir_a, O_RDONLY | O_DIRECTORY), made = -1, d;
  struct stat st;
  ck_assert_int_eq(symlink(dir_b, link), 0);
  ck_assert_int_eq(lc_dir_at(fd, "check", 0700, link, &made, &err), -1);
  ck_assert_int_eq(made, 0);
  ck_assert_str_eq(err.msg, "is not a directory (a symbolic link or a file); "
                            "leakcheck follows no link it did not make");
  lc_err_release(&err);
  d = lc_dir_at(fd, "new", 0700, "new", &made, &err);
  ck_assert_int_ge(d, 0);
  ck_assert_int_eq(made, 1);
  ck_assert_int_eq(fstat(d, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0700);
  close(d);
  d = lc_dir_at(fd, "new", 0700, "new", &made, &err);
  ck_assert_int_ge(d, 0);
  ck_assert_int_eq(made, 0);
  close(d);
  close(fd);
  free(link);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("fsutil");
  TCase *tc = tcase_create("fsutil");
  tcase_set_timeout(tc, 30);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, mkdir_p_nested);
  tcase_add_test(tc, mkdir_p_under_a_file);
  tcase_add_loop_test(tc, move_keeps_content, 0, 2);
  tcase_add_test(tc, move_copy_excl_refuses_existing);
  tcase_add_test(tc, move_missing_source);
  tcase_add_loop_test(tc, move_into_mode, 0, 3);
  tcase_add_loop_test(tc, move_into_refuses_planted_link, 0, 3);
  tcase_add_test(tc, dir_at_refuses_link);
  suite_add_tcase(s, tc);
  return s;
}
