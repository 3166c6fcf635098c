/* prof2png internal: UTF-8 validation and repair, and byte-order-mark
 * decoding of text inputs, for the parsers.  Not part of the public API.
 *
 * Issue 7 item 4: invalid UTF-8 never aborts a parse.  A parser repairs
 * each name it keeps (p2p_utf8_repair: every invalid sequence becomes one
 * U+FFFD, as Python's errors="replace" does) and notes the first repair of
 * an input once through its warning callback.  UTF-16 input with a
 * byte-order mark is transcoded first (p2p_text_decode).
 */
#ifndef P2P_UTF8_H
#define P2P_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The replacement character U+FFFD, as UTF-8. */
#define P2P_UTF8_REPLACEMENT "\xef\xbf\xbd"

/* True when s[0..n) is valid UTF-8: no stray continuation bytes, no
 * overlong forms, no surrogates, nothing above U+10FFFF.  NUL bytes are
 * valid here (callers that cannot hold them check separately). */
bool p2p_utf8_valid(const char *s, size_t n);

/* Append s[0..n) to b with every invalid sequence (its maximal valid
 * prefix, at least one byte) replaced by one U+FFFD, and, when nul_too,
 * every NUL byte replaced as well.  Returns the number of replacements (0:
 * the bytes were appended unchanged).  Out of memory is b->oom. */
size_t p2p_utf8_repair(p2p_buf *b, const char *s, size_t n, bool nul_too);

/* Append s[0..n) as text for HTML or XML markup (element text, or a
 * quoted attribute value): repaired as p2p_utf8_repair does (NUL bytes
 * too), & < > " ' written as character references, each '\n' written as
 * `newline`, other control characters but tab dropped.  Out of memory is
 * b->oom. */
void p2p_utf8_put_markup(p2p_buf *b, const char *s, size_t n, const char *newline);

/* Encode code point cp (<= U+10FFFF, not a surrogate) at o, which must
 * hold 4 bytes.  Returns the number of bytes written (1 to 4). */
size_t p2p_utf8_put(unsigned char *o, uint32_t cp);

/* A text input's bytes as UTF-8: a UTF-8 byte-order mark is skipped; with
 * a UTF-16 mark (FF FE little-endian, FE FF big-endian) the rest is
 * transcoded into a new buffer (unpaired surrogates and an odd last byte
 * become U+FFFD).  *text / *len get the UTF-8 bytes; *owned gets the buffer
 * to free() afterwards, or NULL when *text points into data.  Returns 0, or
 * -1 when out of memory (*owned NULL).  *bom tells which mark was found:
 * 0 none, 8 UTF-8, 16 UTF-16 (may be NULL). */
int p2p_text_decode(const unsigned char *data, size_t size, const unsigned char **text, size_t *len,
                    unsigned char **owned, int *bom);

#endif
