/*
 * A small string → index map (open addressing, FNV-1a): each distinct
 * string gets the next index, 0, 1, 2, …, and a copy of it is kept in
 * keys[index].  Used to intern class names, row keys, property names and
 * WeakMap pair names.
 */
#ifndef LEAKCHECK_STRMAP_H
#define LEAKCHECK_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct lc_strmap {
  char **keys;     /* owned, by index; a caller may take one (and NULL it) */
  uint32_t *slots; /* index + 1, 0 = empty */
  size_t n, alloc, nslots;
};

#define LC_STRMAP_INIT                                                         \
  {                                                                            \
    0                                                                          \
  }

/* Returns the index of `s` (len bytes), adding a copy when absent; sets
 * *added (if not NULL) to whether it was added. */
uint32_t lc_strmap_intern(struct lc_strmap *m, const char *s, size_t len,
                          int *added);

/* The index of `s` (len bytes), or UINT32_MAX when absent. */
uint32_t lc_strmap_find(const struct lc_strmap *m, const char *s, size_t len);

/* Frees the keys still held and the table, and re-initialises. */
void lc_strmap_release(struct lc_strmap *m);

#endif
