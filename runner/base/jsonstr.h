/*
 * JSON string bodies (RFC 8259 §7): the text between the quotes, decoded.
 * Used by the snapshot reader (every string of a .heapsnapshot) and by the
 * driver (the agent's messages, tokenised by jsmn).
 */
#ifndef LEAKCHECK_JSONSTR_H
#define LEAKCHECK_JSONSTR_H

#include <stddef.h>

/* Decodes the `len` bytes at `p`, a JSON string body without its quotes,
 * into `o`, which needs room for `len` bytes (the output is never longer
 * than the input: every escape is at least as long as its UTF-8 form; no
 * NUL is added).  Bytes other than escapes are copied as they are (no
 * check of UTF-8 or of raw control characters).  \uXXXX becomes UTF-8; a
 * surrogate pair becomes one 4-byte sequence, and a lone surrogate U+FFFD.
 * Returns the number of bytes written, or (size_t)-1 with `*bad` set to the
 * offset of the backslash of an invalid or truncated escape. */
size_t lc_json_unescape(const char *p, size_t len, char *o, size_t *bad);

/* The same, in parts: decodes from the start of `p` until at least `stop`
 * bytes (or all `len`) are read, and sets `*used` to the bytes read.  A
 * part never ends inside an escape or between the halves of a surrogate
 * pair, so decoding the rest from p + *used continues exactly where this
 * part ended (used > stop when an escape straddles it).  Offsets in `*bad`
 * are from `p`. */
size_t lc_json_unescape_upto(const char *p, size_t len, size_t stop, char *o,
                             size_t *used, size_t *bad);

/* The value of hexadecimal digit c (0-9, a-f, A-F), or -1. */
int lc_hex_digit(int c);

#endif
