/* UTF-8 and ANSI escape scanning (see utf8.h). */
#include "base/utf8.h"

#include "base/banned.h"

int
lc_utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
  unsigned char lo = 0x80, hi = 0xbf, c = p[0];
  int need, i;
  uint32_t v;

  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c < 0xc2 || c > 0xf4)
    return -1;
  if (c <= 0xdf) {
    need = 1;
    v = c & 0x1f;
  } else if (c <= 0xef) {
    need = 2;
    v = c & 0x0f;
    if (c == 0xe0)
      lo = 0xa0;
    else if (c == 0xed)
      hi = 0x9f;
  } else {
    need = 3;
    v = c & 0x07;
    if (c == 0xf0)
      lo = 0x90;
    else if (c == 0xf4)
      hi = 0x8f;
  }
  for (i = 1; i <= need; i++) {
    if (end - p <= i || p[i] < lo || p[i] > hi)
      return -i;
    v = (v << 6) | (p[i] & 0x3f);
    lo = 0x80;
    hi = 0xbf;
  }
  *cp = v;
  return need + 1;
}

size_t
lc_csi_len(const unsigned char *p, const unsigned char *end)
{
  const unsigned char *q;
  if (end - p < 3 || p[0] != 0x1b || p[1] != '[')
    return 0;
  for (q = p + 2; q < end; q++) {
    if (*q >= 0x40 && *q <= 0x7e)
      return (size_t)(q - p) + 1;
    if (*q < 0x20 || *q > 0x3f)
      return 0;
  }
  return 0;
}
