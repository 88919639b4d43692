/* Formatting of quantities (see format.h). */
#include "base/format.h"

#include <stdio.h>

#include "base/banned.h"

void
lc_format_bytes(char *dst, size_t dstlen, int64_t bytes, int sign)
{
  static const char *const units[] = {"KB", "MB", "GB"};
  const char *pre = bytes < 0 ? "-" : sign ? "+" : "";
  /* The magnitude as unsigned, so that INT64_MIN is fine. */
  uint64_t mag = bytes < 0 ? (uint64_t)(-(bytes + 1)) + 1 : (uint64_t)bytes;
  uint64_t unit = 1024, tenths = 0;
  size_t u;

  if (!dst || !dstlen)
    return;
  if (mag < 1024) {
    snprintf(dst, dstlen, "%s%llu B", pre, (unsigned long long)mag);
    return;
  }
  for (u = 0; u < 3; u++, unit *= 1024) {
    /* Round half up to tenths without overflowing mag * 10. */
    uint64_t q = mag / unit, r = mag % unit;
    tenths = q * 10 + (r * 10 + unit / 2) / unit;
    if (tenths < 10240 || u == 2)
      break;
  }
  snprintf(dst, dstlen, "%s%llu.%llu %s", pre,
           (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10),
           units[u]);
}
