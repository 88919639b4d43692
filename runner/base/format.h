/*
 * Formatting of quantities for people: byte counts in the units of
 * leakcheck.yml.
 */
#ifndef LEAKCHECK_FORMAT_H
#define LEAKCHECK_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Formats a byte count in the units of leakcheck.yml (1024-based) into
 * `dst` (always NUL-terminated, truncated to dstlen): below 1 KB "512 B",
 * then one decimal, rounded half up: "2.1 KB", "3.0 MB", "1.2 GB".  A value
 * that rounds to 1024.0 of a unit is written in the next one ("1.0 MB", not
 * "1024.0 KB").  Negative values always get "-"; `sign` adds "+" to the
 * others ("+0 B").  LC_BYTES_MAX bytes are always enough. */
#define LC_BYTES_MAX 32
void lc_format_bytes(char *dst, size_t dstlen, int64_t bytes, int sign);

#endif
