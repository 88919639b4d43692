/*
 * lc_mkdir_p and lc_move_file, including the copy path across file systems
 * (/dev/shm is a tmpfs when the test directory is not).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck/buf.h"
#include "base/fsutil.h"

static char *dir_a, *dir_b;

static char *
make_dir(const char *base)
{
  char *t = lc_xasprintf("%s/lc-fsutil-XXXXXX", base);
  ck_assert_ptr_nonnull(mkdtemp(t));
  return t;
}

static void
write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static char *
read_text(const char *path)
{
  struct lc_buf b = LC_BUF_INIT;
  ck_assert_int_eq(lc_buf_read_file(&b, path), 0);
  return lc_buf_detach(&b, NULL);
}

static void
setup(void)
{
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  dir_a = make_dir(tmp);
  dir_b = make_dir(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp);
}

static void
teardown(void)
{
  char *cmd = lc_xasprintf("rm -rf '%s' '%s'", dir_a, dir_b);
  ck_assert_int_eq(system(cmd), 0);
  free(cmd);
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
  write_text(f, "x");
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
  write_text(from, "{\"snapshot\":{}}");
  /* A rename keeps the file's mode; a copy is created with `mode`. */
  ck_assert_int_eq(chmod(from, 0600), 0);
  ck_assert_int_eq(lc_move_file(from, to, 0600, 1, &err), 0);
  ck_assert_int_eq(access(from, F_OK), -1);
  text = read_text(to);
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
  write_text(from, "new");
  write_text(to, "old");
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
    char *text = read_text(to);
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

int
main(void)
{
  Suite *s = suite_create("fsutil");
  TCase *tc = tcase_create("fsutil");
  SRunner *sr;
  int failed;
  tcase_set_timeout(tc, 30);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, mkdir_p_nested);
  tcase_add_test(tc, mkdir_p_under_a_file);
  tcase_add_loop_test(tc, move_keeps_content, 0, 2);
  tcase_add_test(tc, move_copy_excl_refuses_existing);
  tcase_add_test(tc, move_missing_source);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
