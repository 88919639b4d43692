/* The string → index map (see strmap.h). */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "leakcheck/buf.h"

#include "base/hash.h"

#include "base/banned.h"

static void
rehash(struct lc_strmap *m)
{
  size_t i, ns = m->nslots ? m->nslots * 2 : 64;
  free(m->slots);
  m->slots = lc_xcalloc(ns, sizeof(uint32_t));
  m->nslots = ns;
  for (i = 0; i < m->n; i++) {
    size_t j = lc_fnv1a64(m->keys[i], strlen(m->keys[i])) & (ns - 1);
    while (m->slots[j])
      j = (j + 1) & (ns - 1);
    m->slots[j] = (uint32_t)i + 1;
  }
}

uint32_t
lc_strmap_intern(struct lc_strmap *m, const char *s, size_t len, int *added)
{
  size_t j;
  if ((m->n + 1) * 2 > m->nslots)
    rehash(m);
  j = lc_fnv1a64(s, len) & (m->nslots - 1);
  while (m->slots[j]) {
    const char *k = m->keys[m->slots[j] - 1];
    if (strlen(k) == len && memcmp(k, s, len) == 0) {
      if (added)
        *added = 0;
      return m->slots[j] - 1;
    }
    j = (j + 1) & (m->nslots - 1);
  }
  LC_ALLOC_GROW(m->keys, m->n + 1, m->alloc);
  m->keys[m->n] = lc_xstrndup(s, len);
  m->slots[j] = (uint32_t)m->n + 1;
  if (added)
    *added = 1;
  return (uint32_t)m->n++;
}

uint32_t
lc_strmap_find(const struct lc_strmap *m, const char *s, size_t len)
{
  size_t j;
  if (!m->nslots)
    return UINT32_MAX;
  j = lc_fnv1a64(s, len) & (m->nslots - 1);
  while (m->slots[j]) {
    const char *k = m->keys[m->slots[j] - 1];
    if (strlen(k) == len && memcmp(k, s, len) == 0)
      return m->slots[j] - 1;
    j = (j + 1) & (m->nslots - 1);
  }
  return UINT32_MAX;
}

void
lc_strmap_release(struct lc_strmap *m)
{
  size_t i;
  for (i = 0; i < m->n; i++)
    free(m->keys[i]);
  free(m->keys);
  free(m->slots);
  memset(m, 0, sizeof(*m));
}
