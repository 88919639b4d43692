/* Check suite for shard.c: parsing "I/N", the FNV-1a hash and the
 * assignment of checks to shards. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/shard.h"
#include "testutil.h"

static const struct parse_case {
  const char *in;
  int ok;
  unsigned i, n;
} parse_cases[] = {
    {"1/1", 1, 1, 1},
    {"1/3", 1, 1, 3},
    {"3/3", 1, 3, 3},
    {"07/10", 1, 7, 10},
    {"1000000/1000000", 1, 1000000, 1000000},
    {"0/3", 0, 0, 0},
    {"4/3", 0, 0, 0},
    {"1/0", 0, 0, 0},
    {"", 0, 0, 0},
    {"1", 0, 0, 0},
    {"1/", 0, 0, 0},
    {"/3", 0, 0, 0},
    {"-1/3", 0, 0, 0},
    {"+1/3", 0, 0, 0},
    {" 1/3", 0, 0, 0},
    {"1/3 ", 0, 0, 0},
    {"1/3x", 0, 0, 0},
    {"1//3", 0, 0, 0},
    {"1/1000001", 0, 0, 0},
    {"1/99999999999999999999", 0, 0, 0},
};

START_TEST(test_parse)
{
  const struct parse_case *tc = &parse_cases[_i];
  unsigned i = 42, n = 42;
  int rc = lc_shard_parse(tc->in, &i, &n);
  ck_assert_msg(rc == (tc->ok ? 0 : -1), "'%s': rc %d", tc->in, rc);
  if (tc->ok) {
    ck_assert_uint_eq(i, tc->i);
    ck_assert_uint_eq(n, tc->n);
  } else {
    ck_assert_uint_eq(i, 42); /* untouched */
    ck_assert_uint_eq(n, 42);
  }
}
END_TEST

/* The published FNV-1a 32-bit test vectors. */
START_TEST(test_hash)
{
  ck_assert_uint_eq(lc_shard_hash(""), 0x811c9dc5u);
  ck_assert_uint_eq(lc_shard_hash("a"), 0xe40c292cu);
  ck_assert_uint_eq(lc_shard_hash("foobar"), 0xbf9cf968u);
}
END_TEST

START_TEST(test_assignment)
{
  static const char *names[] = {"closure-chain",
                                "session-registry",
                                "clean-worker",
                                "a",
                                "b",
                                "c",
                                "d",
                                "e"};
  unsigned seen[4] = {0, 0, 0, 0};
  size_t k;
  /* Pinned: a change here reshuffles every user's CI matrix. */
  ck_assert_uint_eq(lc_shard_of("closure-chain", 3),
                    1 + lc_shard_hash("closure-chain") % 3);
  ck_assert_uint_eq(lc_shard_of("a", 3), 1 + 0xe40c292cu % 3);
  ck_assert_uint_eq(lc_shard_of("foobar", 7), 1 + 0xbf9cf968u % 7);
  for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    unsigned s = lc_shard_of(names[k], 3);
    ck_assert_uint_ge(s, 1);
    ck_assert_uint_le(s, 3);
    ck_assert_uint_eq(lc_shard_of(names[k], 1), 1);
    seen[s]++;
  }
  ck_assert_uint_eq(seen[1] + seen[2] + seen[3], 8);
}
END_TEST

/* 3000 names spread over 3 shards within 10% of a third each. */
START_TEST(test_balance)
{
  unsigned seen[4] = {0, 0, 0, 0};
  char name[32];
  int k;
  for (k = 0; k < 3000; k++) {
    snprintf(name, sizeof(name), "check-%d", k);
    seen[lc_shard_of(name, 3)]++;
  }
  for (k = 1; k <= 3; k++)
    ck_assert_msg(seen[k] > 900 && seen[k] < 1100, "shard %d: %u", k, seen[k]);
}
END_TEST

Suite *
lc_test_suite(void)
{
  Suite *s = suite_create("shard");
  TCase *tc = tcase_create("shard");
  tcase_set_timeout(tc, 10);
  tcase_add_loop_test(tc, test_parse, 0,
                      (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
  tcase_add_test(tc, test_hash);
  tcase_add_test(tc, test_assignment);
  tcase_add_test(tc, test_balance);
  suite_add_tcase(s, tc);
  return s;
}
