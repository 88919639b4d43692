/*
 * Growable byte buffers and checked allocation.
 *
 * A struct lc_buf follows git's strbuf contract: `buf` is never NULL and is
 * always NUL-terminated, so it can be handed to any C string function; `len`
 * excludes the terminator; `alloc` is 0 while the buffer points at a shared
 * empty string.  Initialise with LC_BUF_INIT or lc_buf_init().
 */
#ifndef LEAKCHECK_BUF_H
#define LEAKCHECK_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct lc_buf {
  char *buf;
  size_t len;
  size_t alloc;
};

extern char lc_buf_empty[];
#define LC_BUF_INIT                                                            \
  {                                                                            \
    lc_buf_empty, 0, 0                                                         \
  }

/* Allocation that never returns NULL: on exhaustion it prints a message to
 * stderr and aborts.  Use for small, program-sized allocations; sizes derived
 * from input must be checked with lc_mul_overflows() first. */
void *lc_xmalloc(size_t size);
void *lc_xcalloc(size_t n, size_t size);
void *lc_xrealloc(void *ptr, size_t size);
/* The allocators above do this themselves: a block of 4 MiB or more (a
 * per-node or per-edge array) asks the system for transparent huge pages
 * where it has them, cutting page faults and TLB misses in random walks.
 * For memory from malloc or calloc directly; a no-op on small blocks. */
void lc_advise_huge(void *p, size_t size);
/* Zeroed memory for arrays indexed sparsely (per-string caches): its own
 * mapping, in small pages, so that only the pages written cost memory,
 * whatever was freed before (calloc may clear reused heap memory page by
 * page, and a huge page costs 2 MiB on the first byte written).  Free it
 * with lc_free_sparse, never free(). */
void *lc_xcalloc_sparse(size_t n, size_t size);
/* The same, returning NULL when the memory is not there. */
void *lc_calloc_sparse(size_t n, size_t size);
void lc_free_sparse(void *p);
char *lc_xstrdup(const char *s);
char *lc_xstrndup(const char *s, size_t n);
/* Returns a new string formatted like printf; the caller frees it. */
char *lc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Nonzero when a * b does not fit in size_t. */
static inline int
lc_mul_overflows(size_t a, size_t b)
{
  return b != 0 && a > (size_t)-1 / b;
}

/* Grows the array `x` (of `alloc` elements) so that it holds at least `nr`
 * elements, by 1.5x steps; `alloc` is updated.  Aborts on overflow. */
#define LC_ALLOC_GROW(x, nr, alloc)                                            \
  do {                                                                         \
    if ((size_t)(nr) > (alloc)) {                                              \
      size_t lc_ag_n_ = (alloc) < 16 ? 16 : (alloc) + (alloc) / 2;             \
      if (lc_ag_n_ < (size_t)(nr))                                             \
        lc_ag_n_ = (size_t)(nr);                                               \
      (x) = lc_reallocarray_or_die((x), lc_ag_n_, sizeof(*(x)));               \
      (alloc) = lc_ag_n_;                                                      \
    }                                                                          \
  } while (0)

/* realloc(ptr, n * size) with an overflow check; aborts on failure. */
void *lc_reallocarray_or_die(void *ptr, size_t n, size_t size);

void lc_buf_init(struct lc_buf *b, size_t hint);
/* Frees the contents and leaves `b` initialised (empty). */
void lc_buf_release(struct lc_buf *b);
/* Makes room for `extra` more bytes after len (plus the terminator). */
void lc_buf_grow(struct lc_buf *b, size_t extra);
void lc_buf_setlen(struct lc_buf *b, size_t len);
static inline void
lc_buf_reset(struct lc_buf *b)
{
  lc_buf_setlen(b, 0);
}
void lc_buf_add(struct lc_buf *b, const void *data, size_t len);
void lc_buf_addstr(struct lc_buf *b, const char *s);
void lc_buf_addch(struct lc_buf *b, int c);
void lc_buf_addf(struct lc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lc_buf_vaddf(struct lc_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends `s` as a JSON string, the way JavaScript's JSON.stringify writes
 * it: quotes, \" \\ \b \f \n \r \t, other control characters as \u00xx,
 * well-formed UTF-8 as is, and U+FFFD for each maximal ill-formed part (a
 * lone surrogate, a stray byte), so that the output is always valid. */
void lc_buf_add_json_string(struct lc_buf *b, const char *s);

/* Gives the string away: the caller owns and frees the result, `b` is left
 * initialised (empty).  Never returns NULL. */
char *lc_buf_detach(struct lc_buf *b, size_t *len);

/* The longest piece of an input-derived value quoted back in a message. */
#define LC_QUOTE_MAX 80

/* Appends `s`, cut to at most `max` bytes (at a UTF-8 character boundary)
 * followed by "..." when it is longer: for values quoted in messages, so
 * that a 10 MB value makes a short message. */
void lc_buf_add_cut(struct lc_buf *b, const char *s, size_t max);

/* Reads a whole file into `b` (appending).  Returns 0, or -1 with errno set
 * (from open/read); `b` then holds what was read so far. */
int lc_buf_read_file(struct lc_buf *b, const char *path);

#endif
