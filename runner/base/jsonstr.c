/* JSON string bodies (see jsonstr.h). */
#include "base/jsonstr.h"

#include <stdint.h>
#include <string.h>

#include "base/banned.h"

int
lc_hex_digit(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int
read_u16(const char *p, size_t avail)
{
  int i, v = 0;
  if (avail < 4)
    return -1;
  for (i = 0; i < 4; i++) {
    int h = lc_hex_digit((unsigned char)p[i]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t
lc_json_unescape(const char *p, size_t len, char *o, size_t *bad)
{
  size_t used;
  return lc_json_unescape_upto(p, len, len, o, &used, bad);
}

size_t
lc_json_unescape_upto(const char *p, size_t len, size_t stop, char *o,
                      size_t *used, size_t *bad)
{
  size_t i = 0, w = 0, lim = stop < len ? stop : len;
  *used = 0;
  while (i < lim) {
    const char *q = memchr(p + i, '\\', lim - i);
    size_t run = q ? (size_t)(q - (p + i)) : lim - i;
    memcpy(o + w, p + i, run);
    w += run;
    i += run;
    if (i >= lim)
      break;
    /* p[i] == '\\' */
    if (i + 1 >= len) {
      *bad = i;
      return (size_t)-1;
    }
    switch (p[i + 1]) {
    case '"':
      o[w++] = '"';
      i += 2;
      break;
    case '\\':
      o[w++] = '\\';
      i += 2;
      break;
    case '/':
      o[w++] = '/';
      i += 2;
      break;
    case 'b':
      o[w++] = '\b';
      i += 2;
      break;
    case 'f':
      o[w++] = '\f';
      i += 2;
      break;
    case 'n':
      o[w++] = '\n';
      i += 2;
      break;
    case 'r':
      o[w++] = '\r';
      i += 2;
      break;
    case 't':
      o[w++] = '\t';
      i += 2;
      break;
    case 'u': {
      int u = read_u16(p + i + 2, len - i - 2);
      uint32_t cp;
      if (u < 0) {
        *bad = i;
        return (size_t)-1;
      }
      i += 6;
      cp = (uint32_t)u;
      if (u >= 0xD800 && u <= 0xDBFF) {
        int lo = -1;
        if (i + 6 <= len && p[i] == '\\' && p[i + 1] == 'u')
          lo = read_u16(p + i + 2, len - i - 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) +
               ((uint32_t)lo - 0xDC00);
          i += 6;
        } else {
          cp = 0xFFFD;
        }
      } else if (u >= 0xDC00 && u <= 0xDFFF) {
        cp = 0xFFFD;
      }
      w += put_utf8(o + w, cp);
      break;
    }
    default:
      *bad = i;
      return (size_t)-1;
    }
  }
  *used = i;
  return w;
}
