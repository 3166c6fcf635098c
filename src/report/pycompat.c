/* CPython's repr() of floats and strings, and Python 2.7's dict order
 * (pycompat.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pycompat.h"

void p2p_py_float_repr(double x, char *out, size_t size)
{
    if (isnan(x)) {
        snprintf(out, size, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(out, size, x < 0 ? "-inf" : "inf");
        return;
    }
    /* the shortest %.*e that reads back as x: its digits and exponent */
    char e[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, x);
        if (strtod(e, NULL) == x)
            break;
    }
    const char *p = e;
    bool neg = *p == '-';
    if (neg)
        p++;
    char digits[24];
    size_t nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && nd < sizeof digits - 1)
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    int decpt = exp10 + 1; /* x = 0.d1d2... * 10^decpt */
    if (x == 0.0)
        decpt = 1;

    char buf[64];
    size_t n = 0;
    if (neg)
        buf[n++] = '-';
    if (decpt <= -4 || decpt > 16) {
        /* d[.ddd]e+XX, as repr() writes it: no ".0" in this form */
        buf[n++] = digits[0];
        if (nd > 1) {
            buf[n++] = '.';
            memcpy(buf + n, digits + 1, nd - 1);
            n += nd - 1;
        }
        snprintf(buf + n, sizeof buf - n, "e%c%02d", decpt - 1 < 0 ? '-' : '+', abs(decpt - 1));
    } else if (decpt <= 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = decpt; i < 0; i++)
            buf[n++] = '0';
        memcpy(buf + n, digits, nd);
        n += nd;
        buf[n] = '\0';
    } else {
        for (int i = 0; i < decpt; i++)
            buf[n++] = (size_t)i < nd ? digits[i] : '0';
        buf[n++] = '.';
        if ((size_t)decpt < nd) {
            memcpy(buf + n, digits + decpt, nd - (size_t)decpt);
            n += nd - (size_t)decpt;
        } else {
            buf[n++] = '0';
        }
        buf[n] = '\0';
    }
    snprintf(out, size, "%s", buf);
}

/* Decode one UTF-8 sequence at s (valid UTF-8 assumed; a stray byte is
 * taken as itself).  *cp gets the code point; returns its length. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (n == 1) {
        *cp = c;
        return 1;
    }
    uint32_t v = c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

/* str.isprintable() for a non-ASCII code point, as far as the common
 * non-printable classes go (Cc, Zs but the space, Zl, Zp, the usual Cf,
 * Cs, Co). */
static bool printable(uint32_t c)
{
    if (c < 0xa1 || c == 0xad || c == 0x1680 || (c >= 0x2000 && c <= 0x200f) ||
        (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff ||
        (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0x600 && c <= 0x605) ||
        c == 0x61c || c == 0x6dd || c == 0x70f || c >= 0xf0000)
        return false;
    return true;
}

void p2p_py_str_repr(p2p_buf *b, const char *s, bool py2)
{
    char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    p2p_buf_putc(b, quote);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        size_t n = py2 ? 1 : utf8_next(p, &c);
        if (py2)
            c = *p;
        if (c == (uint32_t)quote || c == '\\') {
            p2p_buf_putc(b, '\\');
            p2p_buf_putc(b, (char)c);
        } else if (c == '\t') {
            p2p_buf_puts(b, "\\t");
        } else if (c == '\n') {
            p2p_buf_puts(b, "\\n");
        } else if (c == '\r') {
            p2p_buf_puts(b, "\\r");
        } else if (c < ' ' || c == 0x7f || (py2 && c >= 0x80)) {
            p2p_buf_printf(b, "\\x%02x", (unsigned)c);
        } else if (c < 0x7f || printable(c)) {
            p2p_buf_append(b, p, n);
        } else if (c <= 0xff) {
            p2p_buf_printf(b, "\\x%02x", (unsigned)c);
        } else if (c <= 0xffff) {
            p2p_buf_printf(b, "\\u%04x", (unsigned)c);
        } else {
            p2p_buf_printf(b, "\\U%08x", (unsigned)c);
        }
        p += n;
    }
    p2p_buf_putc(b, quote);
}

/* Python 2.7's string_hash(): signed long arithmetic that wraps (CPython
 * builds with -fwrapv), here in uint64_t. */
static uint64_t py2_str_hash(const char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t x = (uint64_t)p[0] << 7;
    for (size_t i = 0; i < len; i++)
        x = (1000003u * x) ^ p[i];
    x ^= (uint64_t)len;
    if (x == UINT64_MAX)
        x = (uint64_t)-2;
    return x;
}

int64_t p2p_py2_key_hash(const char *filename, int64_t line, const char *name)
{
    uint64_t item[3] = {py2_str_hash(filename), line == -1 ? (uint64_t)-2 : (uint64_t)line, py2_str_hash(name)};
    /* tuplehash() */
    uint64_t x = 0x345678u, mult = 1000003u;
    for (int64_t len = 3; --len >= 0;) {
        x = (x ^ item[2 - len]) * mult;
        mult += (uint64_t)(82520 + len + len);
    }
    x += 97531u;
    if (x == UINT64_MAX)
        x = (uint64_t)-2;
    return (int64_t)x;
}

/* Put key k in the first free slot of its probe sequence (lookdict()'s,
 * without dummies: pstats never deletes). */
static void put(uint32_t *table, size_t mask, const int64_t *hashes, uint32_t k)
{
    size_t i = (size_t)(uint64_t)hashes[k] & mask;
    size_t perturb = (size_t)(uint64_t)hashes[k];
    while (table[i & mask] != UINT32_MAX) {
        i = (i << 2) + i + perturb + 1;
        perturb >>= 5;
    }
    table[i & mask] = k;
}

int p2p_py2_dict_order(const int64_t *hashes, uint32_t n, uint32_t *order)
{
    size_t size = 8, used = 0;
    uint32_t *table = malloc(size * sizeof *table);
    if (!table)
        return -1;
    memset(table, 0xff, size * sizeof *table);
    for (uint32_t k = 0; k < n; k++) {
        put(table, size - 1, hashes, k);
        used++;
        /* PyDict_SetItem(): grow when two thirds full, to 4 * used (2 *
         * used beyond 50000), re-inserting in slot order */
        if (used * 3 >= size * 2) {
            size_t minused = (used > 50000 ? 2 : 4) * used, ns = 8;
            while (ns <= minused)
                ns <<= 1;
            uint32_t *nt = malloc(ns * sizeof *nt);
            if (!nt) {
                free(table);
                return -1;
            }
            memset(nt, 0xff, ns * sizeof *nt);
            for (size_t i = 0; i < size; i++)
                if (table[i] != UINT32_MAX)
                    put(nt, ns - 1, hashes, table[i]);
            free(table);
            table = nt;
            size = ns;
        }
    }
    uint32_t j = 0;
    for (size_t i = 0; i < size; i++)
        if (table[i] != UINT32_MAX)
            order[j++] = table[i];
    free(table);
    return 0;
}
