/* Growable buffers and allocation that dies loudly (see buf.h). */
#include "leakcheck/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/utf8.h"

#include "base/banned.h"

char lc_buf_empty[1];

static void
die_oom(size_t size)
{
  fprintf(stderr, "leakcheck: out of memory allocating %zu bytes\n", size);
  abort();
}

/* Blocks this large are the heap engine's per-node and per-edge arrays,
 * read in random order (graph walks): on Linux they ask for transparent
 * huge pages, which cuts page faults and TLB misses many times over.  The
 * memory used is the same; only the 2 MiB-aligned interior is advised. */
#define LC_HUGE_MIN ((size_t)4 << 20)
#define LC_HUGE_PAGE ((uintptr_t)2 << 20)

void
lc_advise_huge(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  uintptr_t start, end;
  if (size < LC_HUGE_MIN)
    return;
  start = ((uintptr_t)p + LC_HUGE_PAGE - 1) & ~(LC_HUGE_PAGE - 1);
  end = ((uintptr_t)p + size) & ~(LC_HUGE_PAGE - 1);
  if (end > start)
    (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
  (void)p;
  (void)size;
#endif
}

void *
lc_xmalloc(size_t size)
{
  void *p = malloc(size ? size : 1);
  if (!p)
    die_oom(size);
  lc_advise_huge(p, size);
  return p;
}

void *
lc_xcalloc(size_t n, size_t size)
{
  void *p;
  if (lc_mul_overflows(n, size))
    die_oom((size_t)-1);
  p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    die_oom(n * size);
  lc_advise_huge(p, n * size);
  return p;
}

/* The mapping's first page holds its length; the caller gets the rest. */
static size_t
sparse_header(void)
{
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? (size_t)page : 4096;
}

void *
lc_calloc_sparse(size_t n, size_t size)
{
  size_t head = sparse_header(), len;
  char *p;
  if (lc_mul_overflows(n, size) || n * size > SIZE_MAX - head)
    return NULL;
  len = n * size + head;
  p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
           0);
  if (p == MAP_FAILED)
    return NULL;
#if defined(__linux__) && defined(MADV_NOHUGEPAGE)
  (void)madvise(p, len, MADV_NOHUGEPAGE);
#endif
  memcpy(p, &len, sizeof(len));
  return p + head;
}

void *
lc_xcalloc_sparse(size_t n, size_t size)
{
  void *p = lc_calloc_sparse(n, size);
  if (!p)
    die_oom(lc_mul_overflows(n, size) ? (size_t)-1 : n * size);
  return p;
}

void
lc_free_sparse(void *p)
{
  char *base;
  size_t len;
  if (!p)
    return;
  base = (char *)p - sparse_header();
  memcpy(&len, base, sizeof(len));
  munmap(base, len);
}

void *
lc_xrealloc(void *ptr, size_t size)
{
  void *p = realloc(ptr, size ? size : 1);
  if (!p)
    die_oom(size);
  lc_advise_huge(p, size);
  return p;
}

void *
lc_reallocarray_or_die(void *ptr, size_t n, size_t size)
{
  if (lc_mul_overflows(n, size))
    die_oom((size_t)-1);
  return lc_xrealloc(ptr, n * size);
}

char *
lc_xstrdup(const char *s)
{
  return lc_xstrndup(s, strlen(s));
}

char *
lc_xstrndup(const char *s, size_t n)
{
  char *p = lc_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *
lc_xasprintf(const char *fmt, ...)
{
  struct lc_buf b = LC_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  lc_buf_vaddf(&b, fmt, ap);
  va_end(ap);
  return lc_buf_detach(&b, NULL);
}

void
lc_buf_init(struct lc_buf *b, size_t hint)
{
  b->buf = lc_buf_empty;
  b->len = 0;
  b->alloc = 0;
  if (hint)
    lc_buf_grow(b, hint);
}

void
lc_buf_release(struct lc_buf *b)
{
  if (b->alloc)
    free(b->buf);
  lc_buf_init(b, 0);
}

void
lc_buf_grow(struct lc_buf *b, size_t extra)
{
  int fresh = b->alloc == 0;
  if (b->len > (size_t)-1 - extra - 1)
    die_oom((size_t)-1);
  if (fresh)
    b->buf = NULL;
  LC_ALLOC_GROW(b->buf, b->len + extra + 1, b->alloc);
  if (fresh)
    b->buf[0] = '\0';
}

void
lc_buf_setlen(struct lc_buf *b, size_t len)
{
  if (!b->alloc) {
    /* Only an empty buffer may point at lc_buf_empty. */
    return;
  }
  b->len = len;
  b->buf[len] = '\0';
}

void
lc_buf_add(struct lc_buf *b, const void *data, size_t len)
{
  if (!len)
    return;
  lc_buf_grow(b, len);
  memcpy(b->buf + b->len, data, len);
  lc_buf_setlen(b, b->len + len);
}

void
lc_buf_addstr(struct lc_buf *b, const char *s)
{
  lc_buf_add(b, s, strlen(s));
}

void
lc_buf_addch(struct lc_buf *b, int c)
{
  lc_buf_grow(b, 1);
  b->buf[b->len] = (char)c;
  lc_buf_setlen(b, b->len + 1);
}

void
lc_buf_vaddf(struct lc_buf *b, const char *fmt, va_list ap)
{
  va_list cp;
  int n;
  if (!b->alloc)
    lc_buf_grow(b, 64);
  va_copy(cp, ap);
  n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
  va_end(cp);
  if (n < 0) {
    /* Only an invalid format does this; keep the buffer intact. */
    b->buf[b->len] = '\0';
    return;
  }
  if ((size_t)n >= b->alloc - b->len) {
    lc_buf_grow(b, (size_t)n);
    n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
  }
  lc_buf_setlen(b, b->len + (size_t)n);
}

void
lc_buf_addf(struct lc_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  lc_buf_vaddf(b, fmt, ap);
  va_end(ap);
}

void
lc_buf_add_json_string(struct lc_buf *b, const char *s)
{
  const unsigned char *end = (const unsigned char *)s + strlen(s);
  lc_buf_addch(b, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80) {
      /* Well-formed UTF-8 as it is; anything else (a lone surrogate from
       * a snapshot's \uD800, stray bytes) one U+FFFD per maximal
       * ill-formed part, so that the output is always valid JSON text. */
      uint32_t cp;
      int k = lc_utf8_decode((const unsigned char *)s, end, &cp);
      if (k > 0) {
        lc_buf_add(b, s, (size_t)k);
      } else {
        lc_buf_addstr(b, "\xef\xbf\xbd");
        k = -k;
      }
      s += k - 1;
      continue;
    }
    switch (c) {
    case '"':
      lc_buf_addstr(b, "\\\"");
      break;
    case '\\':
      lc_buf_addstr(b, "\\\\");
      break;
    case '\b':
      lc_buf_addstr(b, "\\b");
      break;
    case '\f':
      lc_buf_addstr(b, "\\f");
      break;
    case '\n':
      lc_buf_addstr(b, "\\n");
      break;
    case '\r':
      lc_buf_addstr(b, "\\r");
      break;
    case '\t':
      lc_buf_addstr(b, "\\t");
      break;
    default:
      if (c < 0x20)
        lc_buf_addf(b, "\\u%04x", c);
      else
        lc_buf_addch(b, (char)c);
    }
  }
  lc_buf_addch(b, '"');
}

char *
lc_buf_detach(struct lc_buf *b, size_t *len)
{
  char *s;
  if (len)
    *len = b->len;
  if (!b->alloc)
    return lc_xcalloc(1, 1);
  s = b->buf;
  lc_buf_init(b, 0);
  return s;
}

void
lc_buf_add_cut(struct lc_buf *b, const char *s, size_t max)
{
  size_t n = strlen(s);
  if (n <= max) {
    lc_buf_add(b, s, n);
    return;
  }
  n = max;
  while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  lc_buf_add(b, s, n);
  lc_buf_addstr(b, "...");
}

int
lc_buf_read_file(struct lc_buf *b, const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  for (;;) {
    ssize_t n;
    lc_buf_grow(b, 65536);
    n = read(fd, b->buf + b->len, b->alloc - b->len - 1);
    if (n < 0) {
      int e = errno;
      if (e == EINTR)
        continue;
      close(fd);
      errno = e;
      return -1;
    }
    if (n == 0)
      break;
    lc_buf_setlen(b, b->len + (size_t)n);
  }
  close(fd);
  return 0;
}
