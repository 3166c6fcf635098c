/* UTF-8 validation and repair, byte-order marks (utf8.h). */
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* The length of the valid UTF-8 sequence at s[0..n) (n > 0), or 0 with
 * *bad = the length of its maximal valid prefix (at least 1): the bytes one
 * U+FFFD replaces, as Python's decoder and the Unicode standard (§3.9,
 * "U+FFFD substitution of maximal subparts") count them. */
static size_t seq_len(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        *bad = 1;
        return 0;
    }
    size_t k = 1;
    if (k < n && s[k] >= lo && s[k] <= hi) {
        k++;
        while (k < len && k < n && (s[k] & 0xc0) == 0x80)
            k++;
    }
    if (k == len)
        return len;
    *bad = k;
    return 0;
}

bool p2p_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, bad;
    while (i < n) {
        /* ASCII runs first, eight bytes at a time */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        size_t k = seq_len(s + i, n - i, &bad);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

size_t p2p_utf8_repair(p2p_buf *b, const char *str, size_t n, bool nul_too)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, start = 0, count = 0, bad = 0;
    while (i < n) {
        size_t k = seq_len(s + i, n - i, &bad);
        if (k && !(nul_too && s[i] == 0)) {
            i += k;
            continue;
        }
        if (k)
            bad = 1; /* a NUL */
        p2p_buf_append(b, s + start, i - start);
        p2p_buf_append(b, P2P_UTF8_REPLACEMENT, 3);
        count++;
        i += bad;
        start = i;
    }
    p2p_buf_append(b, s + start, n - start);
    return count;
}

size_t p2p_utf8_put(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

int p2p_text_decode(const unsigned char *data, size_t size, const unsigned char **text, size_t *len,
                    unsigned char **owned, int *bom)
{
    *owned = NULL;
    *text = data;
    *len = size;
    if (bom)
        *bom = 0;
    if (size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
        *text = data + 3;
        *len = size - 3;
        if (bom)
            *bom = 8;
        return 0;
    }
    if (size < 2 || !((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff)))
        return 0;
    bool be = data[0] == 0xfe;
    const unsigned char *s = data + 2;
    size_t n = size - 2;
    /* each 2-byte unit gives at most 3 bytes (a surrogate pair: 4 for 4) */
    if (n / 2 > (SIZE_MAX - 8) / 3)
        return -1;
    unsigned char *o = malloc(n / 2 * 3 + 8);
    if (!o)
        return -1;
    size_t k = 0, i = 0;
    while (i + 1 < n) {
        uint32_t u = be ? (uint32_t)s[i] << 8 | s[i + 1] : (uint32_t)s[i + 1] << 8 | s[i];
        i += 2;
        if (u >= 0xd800 && u < 0xdc00 && i + 1 < n) {
            uint32_t v = be ? (uint32_t)s[i] << 8 | s[i + 1] : (uint32_t)s[i + 1] << 8 | s[i];
            if (v >= 0xdc00 && v < 0xe000) {
                i += 2;
                k += p2p_utf8_put(o + k, 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00));
                continue;
            }
        }
        if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;
        k += p2p_utf8_put(o + k, u);
    }
    if (i < n)
        k += p2p_utf8_put(o + k, 0xfffd);
    *owned = o;
    *text = o;
    *len = k;
    if (bom)
        *bom = 16;
    return 0;
}

void p2p_utf8_put_markup(p2p_buf *b, const char *s, size_t n, const char *newline)
{
    p2p_buf tmp;
    p2p_buf_init(&tmp);
    p2p_utf8_repair(&tmp, s, n, true);
    for (size_t i = 0; i < tmp.len; i++) {
        unsigned char c = (unsigned char)tmp.data[i];
        switch (c) {
        case '&': p2p_buf_puts(b, "&amp;"); break;
        case '<': p2p_buf_puts(b, "&lt;"); break;
        case '>': p2p_buf_puts(b, "&gt;"); break;
        case '"': p2p_buf_puts(b, "&quot;"); break;
        case '\'': p2p_buf_puts(b, "&#39;"); break;
        case '\n': p2p_buf_puts(b, newline); break;
        default:
            if (c >= 0x20 || c == '\t')
                p2p_buf_putc(b, (char)c);
        }
    }
    if (tmp.oom)
        b->oom = true;
    p2p_buf_free(&tmp);
}
