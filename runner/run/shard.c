/* Deterministic assignment of checks to CI shards (see shard.h). */
#include "run/shard.h"

#include <stddef.h>
#include <string.h>

#include "base/hash.h"

#include "base/banned.h"

/* Reads a decimal number without sign, at most LC_SHARD_MAX; returns the
 * end, or NULL. */
static const char *
number(const char *s, unsigned *out)
{
  unsigned long v = 0;
  const char *p = s;
  while (*p >= '0' && *p <= '9') {
    v = v * 10 + (unsigned long)(*p - '0');
    if (v > LC_SHARD_MAX)
      return NULL;
    p++;
  }
  if (p == s)
    return NULL;
  *out = (unsigned)v;
  return p;
}

int
lc_shard_parse(const char *s, unsigned *index, unsigned *count)
{
  unsigned i, n;
  const char *p = number(s, &i);
  if (!p || *p != '/')
    return -1;
  p = number(p + 1, &n);
  if (!p || *p || i < 1 || n < 1 || i > n)
    return -1;
  *index = i;
  *count = n;
  return 0;
}

uint32_t
lc_shard_hash(const char *s)
{
  return lc_fnv1a32(s, strlen(s));
}

unsigned
lc_shard_of(const char *name, unsigned count)
{
  return count ? 1 + (unsigned)(lc_shard_hash(name) % count) : 1;
}
