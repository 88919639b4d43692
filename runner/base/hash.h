/*
 * FNV-1a, the Fowler/Noll/Vo hash (variant 1a: xor the byte, then
 * multiply), in its 64-bit form for hash tables and its 32-bit form for
 * shard assignment.  The 32-bit values are part of the interface: a check's
 * shard is lc_fnv1a32(name) % count + 1 (see run/shard.h), and CI scripts
 * may compute it themselves.  Header-only: the string tables call it on
 * every lookup.
 */
#ifndef LEAKCHECK_HASH_H
#define LEAKCHECK_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The 64-bit FNV-1a hash of the `len` bytes at `s` (offset basis
 * 14695981039346656037, prime 1099511628211). */
static inline uint64_t
lc_fnv1a64(const char *s, size_t len)
{
  uint64_t h = 14695981039346656037ULL;
  size_t i;
  for (i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* The 32-bit FNV-1a hash of the `len` bytes at `s` (offset basis
 * 2166136261, prime 16777619). */
static inline uint32_t
lc_fnv1a32(const char *s, size_t len)
{
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

#endif
