/* Scanning helpers for the text report parsers (gprof, axe) that read their
 * lines the way gprof2dot's regular expressions do: whitespace is Python's
 * str.isspace() over UTF-8, digits are ASCII.  Header-only and inline: they
 * sit on the parsers' per-line path. */
#ifndef P2P_PARSE_PYSCAN_H
#define P2P_PARSE_PYSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool p2p_scan_is_digit(unsigned char c) { return (unsigned)(c - '0') < 10u; }

/* ASCII whitespace in Python's sense: \t \n \v \f \r, \x1c-\x1f and space. */
static inline bool p2p_scan_ascii_ws(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
}

/* The whitespace code points of three UTF-8 bytes (U+0800..U+FFFF). */
static inline bool p2p_scan_wide_ws(uint32_t cp)
{
    return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

/* The length in bytes of the whitespace character (Python str.isspace) that
 * starts at s[i], i < n, or 0. */
static inline size_t p2p_scan_ws_at(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return p2p_scan_ascii_ws(c);
    if (c == 0xc2)
        return i + 1 < n && (s[i + 1] == 0x85 || s[i + 1] == 0xa0) ? 2 : 0;
    if (c >= 0xe1 && c <= 0xe3 && i + 2 < n && (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80) {
        uint32_t cp = ((uint32_t)(c & 0x0f) << 12) | ((uint32_t)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3fu);
        return p2p_scan_wide_ws(cp) ? 3 : 0;
    }
    return 0;
}

/* The length of the whitespace character that ends just before s[i], or 0. */
static inline size_t p2p_scan_ws_before(const unsigned char *s, size_t i)
{
    if (i == 0)
        return 0;
    if (s[i - 1] < 0x80)
        return p2p_scan_ascii_ws(s[i - 1]);
    if (i >= 2 && s[i - 2] == 0xc2 && (s[i - 1] == 0x85 || s[i - 1] == 0xa0))
        return 2;
    if (i >= 3 && p2p_scan_ws_at(s, i, i - 3) == 3)
        return 3;
    return 0;
}

/* Skip whitespace from i; *count (may be NULL) gets how many characters. */
static inline size_t p2p_scan_skip_ws(const unsigned char *s, size_t n, size_t i, size_t *count)
{
    size_t k = 0, w;
    while (i < n && (w = p2p_scan_ws_at(s, n, i))) {
        i += w;
        k++;
    }
    if (count)
        *count = k;
    return i;
}

/* The end of the token (run of non-whitespace) that starts at i. */
static inline size_t p2p_scan_token_end(const unsigned char *s, size_t n, size_t i)
{
    while (i < n && !p2p_scan_ws_at(s, n, i))
        i++;
    return i;
}

static inline size_t p2p_scan_skip_digits(const unsigned char *s, size_t n, size_t i)
{
    while (i < n && p2p_scan_is_digit(s[i]))
        i++;
    return i;
}

/* Digits s[a..b) (b > a) as an int64; false when the value exceeds 2^63-1. */
static inline bool p2p_scan_to_int(const unsigned char *s, size_t a, size_t b, int64_t *v)
{
    uint64_t x = 0;
    for (size_t i = a; i < b; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (x > ((uint64_t)INT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = (int64_t)x;
    return true;
}

#endif
