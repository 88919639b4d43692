/*
 * Scanning text that programs wrote: UTF-8 sequences and the ANSI escape
 * sequences that reports drop.
 */
#ifndef LEAKCHECK_UTF8_H
#define LEAKCHECK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the UTF-8 sequence at `p` (p < end).  Returns its length (1 to
 * 4) with the code point in `*cp`, or minus the length of the maximal
 * ill-formed prefix (Unicode §3.9 "maximal subpart", at least 1), which a
 * caller replaces by one U+FFFD: stray continuation bytes, C0 C1 F5-FF,
 * overlong forms, surrogates and values above U+10FFFF are refused (Unicode
 * table 3-7).  `*cp` is left alone on failure. */
int lc_utf8_decode(const unsigned char *p, const unsigned char *end,
                   uint32_t *cp);

/* Length of the ANSI CSI sequence (ESC [ parameters intermediates final)
 * at `p`, or 0 when `p` does not start a complete one: the colour codes
 * that program output may carry, which reports drop. */
size_t lc_csi_len(const unsigned char *p, const unsigned char *end);

#endif
