/* The JSON pull reader (src/parse/jscan.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "jscan.h"
#include "../util/utf8.h"



typedef unsigned char uchar;

void p2p_js_init(p2p_js *j, const uchar *data, size_t size, size_t start)
{
    memset(j, 0, sizeof *j);
    j->text = j->piece = data;
    j->p = data + (start < size ? start : size);
    j->end = data + size;
    p2p_buf_init(&j->str);
    p2p_buf_init(&j->num);
}

void p2p_js_free(p2p_js *j)
{
    p2p_buf_free(&j->str);
    p2p_buf_free(&j->num);
}

int p2p_js_fail(p2p_js *j, int code, size_t off, const char *fmt, ...)
{
    if (j->err)
        return -1;
    j->err = code;
    j->err_off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->msg, sizeof j->msg, fmt, ap);
    va_end(ap);
    /* nothing more is read */
    j->p = j->end;
    j->refill = NULL;
    return -1;
}

void p2p_js_pieces(p2p_js *j, p2p_js_refill_fn refill, void *ctx)
{
    j->refill = refill;
    j->refill_ctx = ctx;
    j->piece = j->p = j->end = j->text;
}

/* ---- bytes ----------------------------------------------------------- */

static inline size_t off_of(const p2p_js *j, const uchar *p)
{
    return j->piece_off + (size_t)(p - j->piece);
}

static inline bool is_ws(uchar c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The next piece, at the end of this one: false at the end of the input
 * (or on a read error, recorded). */
static bool next_piece(p2p_js *j)
{
    if (!j->refill || j->err)
        return false;
    const uchar *s;
    size_t n;
    size_t off = off_of(j, j->end);
    int r = j->refill(j->refill_ctx, &s, &n);
    if (r < 0) {
        p2p_js_fail(j, P2P_EIO, off, "cannot read the input");
        return false;
    }
    if (r == 0) {
        j->refill = NULL;
        return false;
    }
    j->piece = j->p = s;
    j->end = s + n;
    j->piece_off = off;
    return true;
}

static inline void skip_ws(p2p_js *j)
{
    for (;;) {
        const uchar *p = j->p, *e = j->end;
        while (p < e && is_ws(*p))
            p++;
        j->p = p;
        if (p < e || !next_piece(j))
            return;
    }
}

/* A printable rendering of the byte at p for messages. */
static void describe_byte(const p2p_js *j, const uchar *p, char *out, size_t size)
{
    if (p >= j->end)
        snprintf(out, size, "the end of the input");
    else if (*p >= 0x20 && *p < 0x7f)
        snprintf(out, size, "'%c'", *p);
    else
        snprintf(out, size, "byte 0x%02x", *p);
}

static int fail_at(p2p_js *j, const uchar *p, const char *expected)
{
    char found[32];
    describe_byte(j, p, found, sizeof found);
    return p2p_js_fail(j, p >= j->end ? P2P_ETRUNCATED : P2P_EFORMAT, off_of(j, p),
                       "invalid JSON: expected %s, found %s", expected, found);
}

/* ---- containers ------------------------------------------------------ */

static int push(p2p_js *j, bool obj)
{
    if (j->depth >= P2P_JS_MAX_DEPTH)
        return p2p_js_fail(j, P2P_ELIMIT, off_of(j, j->p), "JSON nested deeper than %d levels",
                           P2P_JS_MAX_DEPTH);
    int d = j->depth++;
    if (obj)
        j->isobj[d / 64] |= 1ULL << (d % 64);
    else
        j->isobj[d / 64] &= ~(1ULL << (d % 64));
    j->first = true;
    j->p++;
    return 0;
}

static inline bool top_is_object(const p2p_js *j)
{
    int d = j->depth - 1;
    return (j->isobj[d / 64] >> (d % 64)) & 1;
}

static void pop(p2p_js *j)
{
    j->depth--;
    j->first = false; /* the container that held it has an element */
    j->p++;
}

const signed char p2p_js_starts[256] = {
    ['{'] = P2P_JS_OBJECT, ['['] = P2P_JS_ARRAY, ['"'] = P2P_JS_STRING, ['t'] = P2P_JS_TRUE,
    ['f'] = P2P_JS_FALSE,  ['n'] = P2P_JS_NULL,  ['-'] = P2P_JS_NUMBER, ['0'] = P2P_JS_NUMBER,
    ['1'] = P2P_JS_NUMBER, ['2'] = P2P_JS_NUMBER, ['3'] = P2P_JS_NUMBER, ['4'] = P2P_JS_NUMBER,
    ['5'] = P2P_JS_NUMBER, ['6'] = P2P_JS_NUMBER, ['7'] = P2P_JS_NUMBER, ['8'] = P2P_JS_NUMBER,
    ['9'] = P2P_JS_NUMBER,
};

int p2p_js_peek_slow(p2p_js *j)
{
    if (j->err)
        return P2P_JS_ERROR;
    skip_ws(j);
    if (j->p >= j->end) {
        fail_at(j, j->p, "a value");
        return P2P_JS_ERROR;
    }
    switch (*j->p) {
    case '{': return P2P_JS_OBJECT;
    case '[': return P2P_JS_ARRAY;
    case '"': return P2P_JS_STRING;
    case 't': return P2P_JS_TRUE;
    case 'f': return P2P_JS_FALSE;
    case 'n': return P2P_JS_NULL;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return P2P_JS_NUMBER;
    default: break;
    }
    if (j->p[0] == 'N' || j->p[0] == 'I')
        p2p_js_fail(j, P2P_EFORMAT, off_of(j, j->p),
                    "invalid JSON: NaN and Infinity are not JSON numbers, found '%c'", j->p[0]);
    else
        fail_at(j, j->p, "a value");
    return P2P_JS_ERROR;
}

const char *p2p_js_kind_name(int kind)
{
    switch (kind) {
    case P2P_JS_OBJECT: return "an object";
    case P2P_JS_ARRAY: return "an array";
    case P2P_JS_STRING: return "a string";
    case P2P_JS_NUMBER: return "a number";
    case P2P_JS_TRUE:
    case P2P_JS_FALSE: return "a boolean";
    case P2P_JS_NULL: return "null";
    }
    return "nothing";
}

int p2p_js_expected(p2p_js *j, const char *what, const char *expected)
{
    int k = p2p_js_peek(j);
    if (k == P2P_JS_ERROR)
        return -1;
    return p2p_js_fail(j, P2P_EFORMAT, p2p_js_offset(j), "%s: expected %s, found %s", what, expected,
                       p2p_js_kind_name(k));
}

int p2p_js_object(p2p_js *j)
{
    int k = p2p_js_peek(j);
    if (k != P2P_JS_OBJECT)
        return k == P2P_JS_ERROR ? -1 : fail_at(j, j->p, "'{'");
    return push(j, true);
}

int p2p_js_array(p2p_js *j)
{
    int k = p2p_js_peek(j);
    if (k != P2P_JS_ARRAY)
        return k == P2P_JS_ERROR ? -1 : fail_at(j, j->p, "'['");
    return push(j, false);
}

int p2p_js_elem_slow(p2p_js *j)
{
    if (j->err)
        return -1;
    skip_ws(j);
    const uchar *p = j->p;
    if (p < j->end && *p == ']') {
        pop(j);
        return 0;
    }
    if (p >= j->end && j->open_end && j->depth == 1 && !j->first) {
        /* an array that may end without ']' */
        j->depth--;
        j->open_ended = true;
        return 0;
    }
    if (j->first) {
        j->first = false;
        return 1;
    }
    if (p < j->end && *p == ',') {
        j->p = p + 1;
        if (j->open_end && j->depth == 1) {
            skip_ws(j);
            if (j->p >= j->end) {
                j->depth--;
                j->open_ended = true;
                return 0;
            }
        }
        return 1;
    }
    return fail_at(j, p, "',' or ']'");
}


int p2p_js_key_slow(p2p_js *j, const char **k, size_t *n)
{
    if (j->err)
        return -1;
    skip_ws(j);
    const uchar *p = j->p;
    if (p < j->end && *p == '}') {
        pop(j);
        return 0;
    }
    if (!j->first) {
        if (p >= j->end || *p != ',')
            return fail_at(j, p, "',' or '}'");
        j->p = p + 1;
        skip_ws(j);
        p = j->p;
    }
    if (p >= j->end || *p != '"')
        return fail_at(j, p, "a key (a string)");
    j->first = false;
    if (p2p_js_read_string(j, k, n) < 0)
        return -1;
    skip_ws(j);
    if (j->p >= j->end || *j->p != ':')
        return fail_at(j, j->p, "':'");
    j->p++;
    return 1;
}

/* ---- strings --------------------------------------------------------- */

static int hex4(const uchar *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        uchar c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* The string at j->p (a '"'), decoding escapes from `from` on into j->str
 * (the bytes before `from` copied as they are). */
static int decode_string(p2p_js *j, const uchar *start, const uchar *from, const char **s, size_t *n)
{
    p2p_buf *b = &j->str;
    b->len = 0;
    p2p_buf_append(b, start, (size_t)(from - start));
    const uchar *p = from, *e = j->end;
    for (;;) {
        const uchar *q = p2p_js_scan_string(p, e);
        p2p_buf_append(b, p, (size_t)(q - p));
        if (q >= e)
            return fail_at(j, q, "the end of the string ('\"')");
        if (*q == '"') {
            j->p = q + 1;
            break;
        }
        if (*q < 0x20)
            return p2p_js_fail(j, P2P_EFORMAT, off_of(j, q),
                               "invalid JSON: control character 0x%02x in a string", *q);
        /* a backslash */
        if (e - q < 2)
            return fail_at(j, e, "an escape");
        uchar c = q[1];
        p = q + 2;
        switch (c) {
        case '"': p2p_buf_putc(b, '"'); break;
        case '\\': p2p_buf_putc(b, '\\'); break;
        case '/': p2p_buf_putc(b, '/'); break;
        case 'b': p2p_buf_putc(b, '\b'); break;
        case 'f': p2p_buf_putc(b, '\f'); break;
        case 'n': p2p_buf_putc(b, '\n'); break;
        case 'r': p2p_buf_putc(b, '\r'); break;
        case 't': p2p_buf_putc(b, '\t'); break;
        case 'u': {
            uint32_t u, lo;
            if (e - p < 4 || hex4(p, &u) < 0) {
                /* cut short by the end of the input, or a wrong digit */
                bool cut = true;
                for (const uchar *x = p; x < e && x < p + 4; x++)
                    cut = cut && strchr("0123456789abcdefABCDEF", *x) && *x;
                return p2p_js_fail(j, cut && e - p < 4 ? P2P_ETRUNCATED : P2P_EFORMAT, off_of(j, q),
                                   "invalid JSON: expected four hexadecimal digits after \\u");
            }
            p += 4;
            if (u >= 0xd800 && u < 0xdc00 && e - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, &lo) == 0 &&
                lo >= 0xdc00 && lo < 0xe000) {
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else if (u >= 0xd800 && u < 0xe000) {
                u = 0xfffd; /* an unpaired surrogate */
            }
            uchar o[4];
            p2p_buf_append(b, o, p2p_utf8_put(o, u));
            break;
        }
        default:
            return p2p_js_fail(j, P2P_EFORMAT, off_of(j, q), "invalid JSON: unknown escape '\\%c'",
                               c >= 0x20 && c < 0x7f ? c : '?');
        }
    }
    if (b->oom)
        return p2p_js_fail(j, P2P_ENOMEM, off_of(j, start), "out of memory");
    *s = b->len ? b->data : "";
    *n = b->len;
    return 0;
}

/* The string whose '"' is at j->p. */
int p2p_js_read_string(p2p_js *j, const char **s, size_t *n)
{
    const uchar *start = j->p + 1;
    const uchar *q = p2p_js_scan_string(start, j->end);
    if (q < j->end && *q == '"') {
        *s = (const char *)start;
        *n = (size_t)(q - start);
        j->p = q + 1;
        return 0;
    }
    if (q >= j->end)
        return fail_at(j, q, "the end of the string ('\"')");
    return decode_string(j, start, q, s, n);
}

int p2p_js_string(p2p_js *j, const char **s, size_t *n)
{
    int k = p2p_js_peek(j);
    if (k != P2P_JS_STRING)
        return k == P2P_JS_ERROR ? -1 : fail_at(j, j->p, "a string");
    return p2p_js_read_string(j, s, n);
}

/* ---- numbers --------------------------------------------------------- */

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline bool digit(uchar c)
{
    return c >= '0' && c <= '9';
}

/* Eight ASCII digits at p (little-endian words; else never). */
static inline bool eight_digits(const uchar *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return ((v & 0xf0f0f0f0f0f0f0f0ULL) | (((v + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) >> 4)) ==
           0x3333333333333333ULL;
#else
    (void)p;
    return false;
#endif
}

/* Their value (eight_digits(p) true). */
static inline uint64_t eight_value(const uchar *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    v -= 0x3030303030303030ULL;
    v = v * 10 + (v >> 8); /* pairs of digits */
    v = (((v & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
         (((v >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >> 32;
    return v;
}

int p2p_js_number(p2p_js *j, double *v, const char **s, size_t *n)
{
    int k = p2p_js_peek(j);
    if (k != P2P_JS_NUMBER)
        return k == P2P_JS_ERROR ? -1 : fail_at(j, j->p, "a number");
    const uchar *p = j->p, *e = j->end, *start = p;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (p >= e || !digit(*p))
        return fail_at(j, p, "a digit");
    uint64_t m = 0;
    int nd = 0, exp10 = 0;
    bool exact = true;
    if (*p == '0') {
        p++;
    } else {
        for (; e - p >= 8 && nd <= 11 && eight_digits(p); p += 8) {
            m = m * 100000000 + eight_value(p);
            nd += m != 0 ? 8 : 0;
        }
        for (; p < e && digit(*p); p++) {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                nd += m != 0;
            } else {
                exp10++;
                exact = false;
            }
        }
    }
    if (p < e && *p == '.') {
        p++;
        if (p >= e || !digit(*p))
            return fail_at(j, p, "a digit after '.'");
        for (; e - p >= 8 && nd <= 11 && eight_digits(p); p += 8) {
            m = m * 100000000 + eight_value(p);
            nd += m != 0 ? 8 : 0;
            exp10 -= 8;
        }
        for (; p < e && digit(*p); p++) {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                nd += m != 0;
                exp10--;
            } else {
                exact = exact && *p == '0';
            }
        }
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < e && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p >= e || !digit(*p))
            return fail_at(j, p, "a digit in the exponent");
        int x = 0;
        for (; p < e && digit(*p); p++)
            if (x < 100000)
                x = x * 10 + (*p - '0');
        exp10 += eneg ? -x : x;
    }
    j->p = p;
    if (s) {
        *s = (const char *)start;
        *n = (size_t)(p - start);
    }
    double x;
    if (m == 0) {
        x = 0.0;
    } else if (exact && m < (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        /* both exact doubles: one correctly rounded operation */
        x = exp10 >= 0 ? (double)m * pow10_exact[exp10] : (double)m / pow10_exact[-exp10];
    } else {
        p2p_buf *b = &j->num;
        b->len = 0;
        p2p_buf_append(b, start, (size_t)(p - start));
        p2p_buf_putc(b, '\0');
        if (b->oom)
            return p2p_js_fail(j, P2P_ENOMEM, off_of(j, start), "out of memory");
        x = strtod(b->data, NULL);
        neg = false; /* strtod read the sign */
    }
    *v = neg ? -x : x;
    return 0;
}

/* ---- skipping -------------------------------------------------------- */

static int literal(p2p_js *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) {
        for (size_t i = 0; i < n; i++)
            if (j->p + i >= j->end || j->p[i] != (uchar)word[i])
                return fail_at(j, j->p + i, word);
    }
    j->p += n;
    return 0;
}

/* Skip a number: its syntax checked, its value not computed. */
static int skip_number(p2p_js *j)
{
    const uchar *p = j->p, *e = j->end;
    if (p < e && *p == '-')
        p++;
    const uchar *d = p;
    while (p < e && digit(*p))
        p++;
    bool ok = p > d && (*d != '0' || p == d + 1);
    if (ok && p < e && *p == '.') {
        d = ++p;
        while (p < e && digit(*p))
            p++;
        ok = p > d;
    }
    if (ok && p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        d = p;
        while (p < e && digit(*p))
            p++;
        ok = p > d;
    }
    if (!ok) {
        /* the full reader says what is wrong, and where */
        double v;
        return p2p_js_number(j, &v, NULL, NULL);
    }
    j->p = p;
    return 0;
}

/* One scalar value (not a container). */
static int skip_scalar(p2p_js *j, int k)
{
    const char *s;
    size_t n;
    switch (k) {
    case P2P_JS_STRING: return p2p_js_read_string(j, &s, &n);
    case P2P_JS_NUMBER: return skip_number(j);
    case P2P_JS_TRUE: return literal(j, "true");
    case P2P_JS_FALSE: return literal(j, "false");
    case P2P_JS_NULL: return literal(j, "null");
    }
    return -1;
}

int p2p_js_skip(p2p_js *j)
{
    int k = p2p_js_peek(j);
    if (k == P2P_JS_ERROR)
        return -1;
    if (k != P2P_JS_OBJECT && k != P2P_JS_ARRAY)
        return skip_scalar(j, k);
    int base = j->depth;
    if (push(j, k == P2P_JS_OBJECT) < 0)
        return -1;
    while (j->depth > base) {
        int r;
        if (top_is_object(j)) {
            const char *s;
            size_t n;
            r = p2p_js_key(j, &s, &n);
        } else {
            r = p2p_js_elem(j);
        }
        if (r < 0)
            return -1;
        if (r == 0)
            continue; /* closed: back to the enclosing container */
        k = p2p_js_peek(j);
        if (k == P2P_JS_ERROR)
            return -1;
        if (k == P2P_JS_OBJECT || k == P2P_JS_ARRAY) {
            if (push(j, k == P2P_JS_OBJECT) < 0)
                return -1;
        } else if (skip_scalar(j, k) < 0) {
            return -1;
        }
    }
    return 0;
}

int p2p_js_finish(p2p_js *j)
{
    if (j->err)
        return -1;
    skip_ws(j);
    if (j->p < j->end)
        return fail_at(j, j->p, "nothing after the JSON document");
    return 0;
}

int p2p_js_diag(const p2p_js *j, p2p_diag *d, size_t shift, bool utf16)
{
    long line = 1;
    size_t off = j->err_off;
    const uchar *q = j->text, *stop = j->text + off;
    while ((q = memchr(q, '\n', (size_t)(stop - q))) != NULL) {
        line++;
        q++;
    }
    if (utf16)
        return p2p_diag_set(d, j->err, line, (int64_t)off, "%s (byte %zu of the input converted from UTF-16)",
                            j->msg, off);
    return p2p_diag_set(d, j->err, line, (int64_t)(off + shift), "%s (byte %zu)", j->msg, off + shift);
}
