/* A JSON pull reader for the big JSON profiles (speedscope, trace events):
 * the parser asks for the value it expects next ("an object", "the next
 * key", "a number") and the reader checks the syntax as it goes.  Internal
 * to src/parse.
 *
 * Why not yajl, as src/parse/json.c uses: on a 100 MB trace of one event a
 * line, yajl's tokenizer alone (empty callbacks) took 0.31 s of CPU, where
 * `awk 'END{print NR}'` over the same bytes takes 0.07 s, so no parser
 * built on it could come within twice that scan (docs/formats/trace.md,
 * "Speed").  This reader skips strings eight bytes at a time, reads the
 * common numbers without strtod, and keeps nothing but the container
 * kinds; the formats read it with a few lines of code per key.
 *
 * No recursion: nesting is a counter and a bit per level (object or
 * array), refused beyond P2P_JS_MAX_DEPTH levels with P2P_ELIMIT.  Strings
 * are handed out in place when they hold no escape, else decoded into a
 * buffer that the next string reuses; the bytes are not checked for UTF-8
 * (the parsers repair the names they keep).  Every error records its byte
 * offset and a sentence (what was expected, what was found); from then on
 * every call returns -1.
 *
 *     p2p_js j;
 *     p2p_js_init(&j, text, len, 0);
 *     if (p2p_js_object(&j) < 0) ...
 *     while ((r = p2p_js_key(&j, &k, &kn)) > 0) {
 *         if (KEY(k, kn, "count")) rc = p2p_js_number(&j, &v);
 *         else rc = p2p_js_skip(&j);
 *     }
 *     ... r < 0: j.msg, j.err_off ...
 *     p2p_js_finish(&j);   // nothing but white space may follow
 *     p2p_js_free(&j);
 */
#ifndef P2P_PARSE_JSCAN_H
#define P2P_PARSE_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "prof2png/parse.h"
#include "../util/util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The deepest nesting accepted (profiles need 5 or 6 levels; trace event
 * arguments a few more). */
#define P2P_JS_MAX_DEPTH 512

/* What the next value is (p2p_js_peek). */
enum p2p_js_kind {
    P2P_JS_ERROR = -1,
    P2P_JS_OBJECT = 1,
    P2P_JS_ARRAY,
    P2P_JS_STRING,
    P2P_JS_NUMBER,
    P2P_JS_TRUE,
    P2P_JS_FALSE,
    P2P_JS_NULL
};

/* Pieces of a big input (see p2p_js_pieces): 1 with the next piece in
 * *s / *n, 0 at the end, -1 when it cannot be read. */
typedef int (*p2p_js_refill_fn)(void *ctx, const unsigned char **s, size_t *n);

typedef struct p2p_js {
    const unsigned char *text;  /* the whole input: offsets count from here */
    const unsigned char *p, *end; /* what is left of the current piece */
    const unsigned char *piece; /* the current piece, at offset piece_off */
    size_t piece_off;
    p2p_js_refill_fn refill;    /* NULL: the text is one piece */
    void *refill_ctx;
    bool open_end;        /* the top-level array may end at the end of the
                             input, without ']' (after an element or a ',') */
    bool open_ended;      /* ... and it did */
    int depth;            /* containers open */
    bool first;           /* the innermost container has no element yet */
    uint64_t isobj[P2P_JS_MAX_DEPTH / 64 + 1]; /* per level: object (1) or array */
    int err;              /* 0, or the P2P_E* code of the first error */
    size_t err_off;       /* its byte offset (from base) */
    char msg[256];        /* what was expected and found */
    p2p_buf str;          /* decoded strings (those with escapes) */
    p2p_buf num;          /* a number for strtod */
} p2p_js;

/* Read data[start..size) (offsets in messages count from data).  Never
 * fails. */
void p2p_js_init(p2p_js *j, const unsigned char *data, size_t size, size_t start);

/* Read the input in pieces from refill instead, each a run of whole lines
 * (p2p_lines_next): no token of valid JSON crosses a line end, so only
 * white space is read across pieces.  The strings handed out point into
 * the current piece: a parser keeps what it needs before its refill
 * returns the next.  (The text given to p2p_js_init stays the whole input,
 * for the line of an error.) */
void p2p_js_pieces(p2p_js *j, p2p_js_refill_fn refill, void *ctx);

/* Free the buffers. */
void p2p_js_free(p2p_js *j);

/* The offset of the next byte to read. */
static inline size_t p2p_js_offset(const p2p_js *j)
{
    return j->piece_off + (size_t)(j->p - j->piece);
}

/* Record an error at byte `off` (the first error wins) and return -1. */
int p2p_js_fail(p2p_js *j, int code, size_t off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- the hot paths, inline: the common case here, the rest in jscan.c */

/* The first byte at or after p that is '"', '\\' or below 0x20, or end:
 * sixteen bytes at a time with SSE2, else eight with integer arithmetic. */
static inline const unsigned char *p2p_js_scan_string(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v)); /* v <= 0x1f */
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        /* a zero byte of q or b, or a byte of w below 0x20: the lowest
         * flagged byte is exact (higher ones may be false alarms) */
        uint64_t t = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w);
        t &= highs;
        if (t)
            return p + (__builtin_ctzll(t) >> 3);
        p += 8;
    }
#endif
    while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
        p++;
    return p;
}

/* The kind of value each byte starts (0: none, or white space). */
extern const signed char p2p_js_starts[256];

int p2p_js_peek_slow(p2p_js *j);
int p2p_js_key_slow(p2p_js *j, const char **k, size_t *n);
int p2p_js_elem_slow(p2p_js *j);
int p2p_js_read_string(p2p_js *j, const char **s, size_t *n);

/* Skip white space; the kind of the next value, or P2P_JS_ERROR (an error
 * recorded: the end of the input, or a byte no value starts with). */
static inline int p2p_js_peek(p2p_js *j)
{
    if (!j->err && j->p < j->end && p2p_js_starts[*j->p] > 0)
        return p2p_js_starts[*j->p];
    return p2p_js_peek_slow(j);
}

/* A short description of a kind for messages ("a string", "an object"). */
const char *p2p_js_kind_name(int kind);

/* Fail with "WHAT: expected EXPECTED, found <the next value>" at the next
 * value, e.g. p2p_js_expected(j, "traceEvents[3].ts", "a number").
 * Returns -1. */
int p2p_js_expected(p2p_js *j, const char *what, const char *expected);

/* Open an object (the next value must be one): 0, or -1. */
int p2p_js_object(p2p_js *j);

/* The next key of the innermost object: 1 with the key in *k / *n (and the
 * ':' read), 0 at the object's end (read), -1 on error. */
static inline int p2p_js_key(p2p_js *j, const char **k, size_t *n)
{
    /* compact JSON: ,"key": or (first) "key": */
    const unsigned char *p = j->p, *e = j->end;
    if (!j->err && e - p > 2) {
        if (!j->first && *p == ',')
            p++;
        else if (!j->first)
            return p2p_js_key_slow(j, k, n);
        if (*p == '"') {
            const unsigned char *q = p2p_js_scan_string(p + 1, e);
            if (e - q > 1 && q[0] == '"' && q[1] == ':') {
                *k = (const char *)p + 1;
                *n = (size_t)(q - p - 1);
                j->p = q + 2;
                j->first = false;
                return 1;
            }
        }
    }
    return p2p_js_key_slow(j, k, n);
}

/* Open an array: 0 or -1. */
int p2p_js_array(p2p_js *j);

/* Whether the innermost array has another element: 1 (a value follows), 0
 * at its end (read), -1 on error. */
static inline int p2p_js_elem(p2p_js *j)
{
    const unsigned char *p = j->p;
    if (!j->err && j->end - p > 1) {
        if (!j->first && p[0] == ',' && p2p_js_starts[p[1]] > 0) {
            j->p = p + 1;
            return 1;
        }
        if (j->first && p2p_js_starts[p[0]] > 0) {
            j->first = false;
            return 1;
        }
    }
    return p2p_js_elem_slow(j);
}

/* A string value: its bytes in *s / *n (in place, or decoded: valid until
 * the next string is read).  0 or -1 (also when the value is no string). */
int p2p_js_string(p2p_js *j, const char **s, size_t *n);

/* The string whose '"' is next (p2p_js_peek said P2P_JS_STRING). */
static inline int p2p_js_string_here(p2p_js *j, const char **s, size_t *n)
{
    const unsigned char *start = j->p + 1, *q = p2p_js_scan_string(start, j->end);
    if (q < j->end && *q == '"') {
        *s = (const char *)start;
        *n = (size_t)(q - start);
        j->p = q + 1;
        return 0;
    }
    return p2p_js_read_string(j, s, n);
}

/* A number value: *v (may be infinite when it overflows), and its text in
 * place when s is not NULL.  0 or -1 (also when it is no number). */
int p2p_js_number(p2p_js *j, double *v, const char **s, size_t *n);

/* Skip the next value, whatever it is (containers whole, without
 * recursion).  0 or -1. */
int p2p_js_skip(p2p_js *j);

/* After the top-level value: only white space may remain.  0 or -1. */
int p2p_js_finish(p2p_js *j);

/* Fill d from the reader's error: the line (counted up to the offset) and
 * the byte offset; `shift` is added to the offset shown (a skipped UTF-8
 * byte-order mark), and utf16 says the offsets are those of the input
 * converted from UTF-16.  Returns the error code. */
int p2p_js_diag(const p2p_js *j, p2p_diag *d, size_t shift, bool utf16);

/* s[0..n) is the NUL-terminated word lit. */
static inline bool p2p_js_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

#endif
