/*
 * Sharding: `--shard I/N` splits the checks of leakcheck.yml over N CI jobs.
 *
 * A check belongs to shard 1 + (FNV-1a-32(name) mod N): the assignment
 * depends only on the check's name and N, so every job agrees on it without
 * talking to the others, and adding or renaming a check moves no other.
 */
#ifndef LEAKCHECK_SHARD_H
#define LEAKCHECK_SHARD_H

#include <stdint.h>

/* Largest N accepted. */
#define LC_SHARD_MAX 1000000u

/* Parses "I/N" (decimal, no sign or spaces, 1 <= I <= N <= LC_SHARD_MAX)
 * into `*index` and `*count`.  Returns 0, or -1 leaving them untouched. */
int lc_shard_parse(const char *s, unsigned *index, unsigned *count);

/* The 32-bit FNV-1a hash of `s` (offset basis 2166136261, prime
 * 16777619). */
uint32_t lc_shard_hash(const char *s);

/* The 1-based shard of the check `name` among `count` (>= 1) shards. */
unsigned lc_shard_of(const char *name, unsigned count);

#endif
