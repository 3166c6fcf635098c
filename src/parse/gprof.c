/* GNU gprof text output (`-f prof`, alias `-f gprof`), SEMANTICS.md §3.
 *
 * The input is scanned once, line by line, straight from the buffer: no
 * allocation per line, no regular-expression library.  Each of gprof2dot's
 * regular expressions (§3.2) has a hand-written matcher below that gives the
 * same answer and the same captures, backtracking included: `\s` is Python's
 * Unicode whitespace, NAME is the shortest string for which the rest of the
 * line matches (so a ` <cycle N>` tag is split off and all but the last space
 * before the final `[index]` stay in the name), the `]` after the leading
 * index is optional, and the columns before the call count may be blank.
 *
 * Entries are parsed as their `---` separator arrives, their names interned
 * at once, and kept (each with its child lines) in a parser arena; the bytes
 * behind the entry being read go back to the file as the parse goes
 * (p2p_input_consumed), a stub's name being read again from its line.  The
 * functions and calls are added at the end, in gprof2dot's order (§3.3): the
 * cycles of the "as a whole" entries in file order, then per function entry
 * the stubs of its children that have no entry, then the function itself,
 * its cycle membership (creating a missing cycle at the end of the list) and
 * its calls.  The derived events are computed later (P2P_DERIVE_GPROF).
 *
 * Deliberate differences from gprof2dot, which crashes or fails on these:
 *  - a UTF-8 or UTF-16 (LE or BE) byte-order mark is removed, and UTF-16 is
 *    transcoded to UTF-8 first; invalid UTF-8 in names becomes U+FFFD;
 *  - the end of the input ends the call graph as the form feed does (§12
 *    item 8, first half);
 *  - a child with no entry of its own becomes a node with no self time and a
 *    call count of 0, which is what gprof2dot's code meant to do (§12 B1);
 *  - an empty entry is skipped, an entry without a primary line is dropped
 *    with a warning, and a name made of digits stays a name (§12 B2);
 *  - the `gprof -T` header spelling `descendants` counts as a header line,
 *    which spares two warnings and changes nothing else;
 *  - a file with no call graph (or an empty one) but a flat profile
 *    (`gprof -p`) gives one node per flat-profile line, sized by its self
 *    time, without edges, and a warning saying so;
 *  - a file with neither is an error (P2P_EFORMAT);
 *  - warnings about single lines stop after WARN_LIMIT, with a count of the
 *    rest.
 * Kept, because they change no graph gprof writes: an entry whose first line
 * is its primary line (no parents, not even <spontaneous>) is taken for a
 * cycle entry and dropped with a warning; lines after the last `---` are
 * dropped (at a form feed they are gprof's explanation text).
 * Call counts and indices beyond 2^63 - 1 make a line unrecognised (Python
 * would take any size); `\d` is ASCII digits only, as §3.2 says.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/parse.h"
#include "pyscan.h"
#include "../util/utf8.h"
#include "../util/util.h"

typedef unsigned char uchar;

/* At most this many warnings about single lines per input; then a count. */
#define WARN_LIMIT 50

/* ---- characters ------------------------------------------------------ */

/* s[a..b) is D '.' D (checked by the caller) as Python's float() reads it:
 * correctly rounded.  Up to 15 significant digits and 22 decimals the
 * quotient of two exact doubles is exact-then-rounded; beyond, strtod. */
static double to_float(const uchar *s, size_t a, size_t b)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t m = 0;
    int frac = -1;
    bool slow = false;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '.') {
            frac = 0;
            continue;
        }
        if (m >= (1ull << 53) / 10) {
            slow = true;
            break;
        }
        m = m * 10 + (uint64_t)(s[i] - '0');
        if (frac >= 0)
            frac++;
    }
    if (!slow && frac >= 0 && frac <= 22)
        return (double)m / p10[frac];
    /* rare: more digits than gprof prints */
    char small[64];
    size_t len = b - a;
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return 0.0;
    memcpy(buf, s + a, len);
    buf[len] = '\0';
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = dp[0];
    }
    double x = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return x;
}

/* s[i..) starts with D '.' D ending at a whitespace character or the end;
 * returns the end, or 0 (never a valid end, since i > 0 or the token is
 * non-empty). */
static size_t float_token(const uchar *s, size_t n, size_t i)
{
    size_t j = p2p_scan_skip_digits(s, n, i);
    if (j == i || j >= n || s[j] != '.')
        return 0;
    size_t k = p2p_scan_skip_digits(s, n, j + 1);
    if (k == j + 1)
        return 0;
    if (k < n && !p2p_scan_ws_at(s, n, k))
        return 0;
    return k;
}

/* ---- the end of entry lines ------------------------------------------ */

/* Every primary, parent and child line ends in
 *   NAME [ ws+ '<cycle' WS1 D '>' ] WS1 '[' D ']' END
 * The final `WS1 [D]` is fixed by the end of the line; the optional cycle tag
 * must end right before it.  NAME, the shortest match, then depends only on
 * where it starts (name_from). */
typedef struct tail {
    size_t ts;       /* where the whitespace before the final [D] starts */
    int64_t index;   /* that D */
    bool index_ok;   /* D fits an int64 */
    bool tag;        /* s[..ts) ends with ws+ <cycle WS1 D> */
    size_t tag_run;  /* where the whitespace before `<cycle` starts */
    int64_t cycle;
} tail;

static bool find_tail(const uchar *s, size_t n, tail *t)
{
    if (n < 4 || s[n - 1] != ']')
        return false;
    size_t j = n - 1;
    while (j > 0 && p2p_scan_is_digit(s[j - 1]))
        j--;
    if (j == n - 1 || j == 0 || s[j - 1] != '[')
        return false;
    t->index_ok = p2p_scan_to_int(s, j, n - 1, &t->index);
    size_t w = p2p_scan_ws_before(s, j - 1);
    if (!w)
        return false;
    t->ts = j - 1 - w;
    t->tag = false;
    /* the optional `ws+ <cycle WS1 D>` before it */
    size_t e = t->ts;
    if (e < 9 || s[e - 1] != '>')
        return true;
    size_t d = e - 1;
    while (d > 0 && p2p_scan_is_digit(s[d - 1]))
        d--;
    if (d == e - 1 || !(w = p2p_scan_ws_before(s, d)))
        return true;
    size_t lt = d - w;
    if (lt < 7 || memcmp(s + lt - 6, "<cycle", 6) != 0)
        return true;
    lt -= 6;
    size_t r = lt;
    while ((w = p2p_scan_ws_before(s, r)))
        r -= w;
    if (r == lt || !p2p_scan_to_int(s, d, e - 1, &t->cycle))
        return true;
    t->tag = true;
    t->tag_run = r;
    return true;
}

typedef struct fields {
    int64_t index;        /* primary: the leading [D]; others: the final [D] */
    double self;
    bool has_called, has_called_self, has_cycle;
    int64_t called, called_self, cycle;
    const uchar *name;
    size_t name_len;
} fields;

/* NAME starting at the non-whitespace s[start], then the tail. */
static bool name_from(const uchar *s, const tail *t, size_t start, fields *f)
{
    if (start >= t->ts)
        return false;
    f->name = s + start;
    if (t->tag && t->tag_run > start) {
        f->name_len = t->tag_run - start;
        f->has_cycle = true;
        f->cycle = t->cycle;
    } else {
        f->name_len = t->ts - start;
        f->has_cycle = false;
    }
    return true;
}

/* A call count token at s[i..): D, or D sep D when sep is not 0, followed by
 * whitespace.  Returns the end or 0. */
static size_t count_token(const uchar *s, size_t n, size_t i, uchar sep, fields *f, bool second)
{
    size_t j = p2p_scan_skip_digits(s, n, i);
    if (j == i)
        return 0;
    size_t k = j;
    bool two = false;
    if (sep && j < n && s[j] == sep) {
        k = p2p_scan_skip_digits(s, n, j + 1);
        if (k == j + 1)
            return 0;
        two = true;
    }
    if (k >= n || !p2p_scan_ws_at(s, n, k))
        return 0;
    if (!p2p_scan_to_int(s, i, j, &f->called))
        return 0;
    f->has_called = true;
    f->has_called_self = false;
    if (two && second) {
        if (!p2p_scan_to_int(s, j + 1, k, &f->called_self))
            return 0;
        f->has_called_self = true;
    }
    return k;
}

/* ---- line matchers ----------------------------------------------------- */

/* `'[' D ']'? ws F ws F(self) ws F` at the start of a primary or cycle
 * header line.  Returns the position after the third float, or 0. */
static size_t primary_columns(const uchar *s, size_t n, fields *f)
{
    if (n == 0 || s[0] != '[')
        return 0;
    size_t i = p2p_scan_skip_digits(s, n, 1);
    if (i == 1 || !p2p_scan_to_int(s, 1, i, &f->index))
        return 0;
    if (i < n && s[i] == ']')
        i++;
    for (int col = 0; col < 3; col++) {
        size_t c;
        size_t j = p2p_scan_skip_ws(s, n, i, &c);
        if (!c)
            return 0;
        size_t k = float_token(s, n, j);
        if (!k)
            return 0;
        if (col == 1) {
            f->self = to_float(s, j, k);
            /* beyond 64 bits (or inf, from 300+ digits): reported as an
             * unrecognised line, never used */
            if (!(f->self <= 9.2e18))
                return 0;
        }
        i = k;
    }
    return i;
}

/* gprof2dot's _cg_primary_re. */
static bool match_primary(const uchar *s, size_t n, fields *f)
{
    memset(f, 0, sizeof *f);
    size_t i = primary_columns(s, n, f);
    if (!i)
        return false;
    tail t;
    if (!find_tail(s, n, &t))
        return false;
    size_t c;
    size_t q = p2p_scan_skip_ws(s, n, i, &c);
    if (!c || q >= n)
        return false;
    /* with the called column */
    size_t k = count_token(s, n, q, '+', f, true);
    if (k) {
        size_t r = p2p_scan_skip_ws(s, n, k, NULL);
        if (r < n && name_from(s, &t, r, f))
            return true;
    }
    /* without it: the two ws around it share the run, so it needs two */
    f->has_called = f->has_called_self = false;
    return c >= 2 && name_from(s, &t, q, f);
}

/* gprof2dot's _cg_parent_re (sep '/') and _cg_cycle_member_re (sep '+'):
 *   ws [F] ws [F] ws D [sep D] ws NAME [ws+ <cycle WS1 D>] WS1 [D] END
 * The optional columns are tried as the regular expression engine tries
 * them: self and descendants, self only, descendants only, neither. */
static bool match_pc(const uchar *s, size_t n, uchar sep, fields *f)
{
    memset(f, 0, sizeof *f);
    size_t w[4], st[4], en[4];
    size_t i = 0, ntok = 0;
    while (ntok < 4) {
        st[ntok] = p2p_scan_skip_ws(s, n, i, &w[ntok]);
        if (st[ntok] >= n)
            break;
        en[ntok] = p2p_scan_token_end(s, n, st[ntok]);
        i = en[ntok];
        ntok++;
    }
    if (ntok < 2 || w[0] == 0)
        return false;
    tail t;
    if (!find_tail(s, n, &t) || !t.index_ok)
        return false;
    f->index = t.index;
    bool fl0 = float_token(s, n, st[0]) == en[0];
    bool fl1 = float_token(s, n, st[1]) == en[1];
    /* Each column is a whole token.  A blank column leaves two `\s+` side by
     * side, which then need two whitespace characters between their tokens:
     * self and descendants; self only (two before the count); descendants
     * only (two at the start); neither (three at the start). */
    if (ntok >= 4 && fl0 && fl1 && count_token(s, n, st[2], sep, f, sep == '+') && name_from(s, &t, st[3], f))
        return true;
    if (ntok >= 3 && fl0 && w[1] >= 2 && count_token(s, n, st[1], sep, f, sep == '+') && name_from(s, &t, st[2], f))
        return true;
    if (ntok >= 3 && fl0 && w[0] >= 2 && count_token(s, n, st[1], sep, f, sep == '+') && name_from(s, &t, st[2], f))
        return true;
    if (w[0] >= 3 && count_token(s, n, st[0], sep, f, sep == '+') && name_from(s, &t, st[1], f))
        return true;
    f->has_called = false;
    return false;
}

/* `WS1 word` at s[i..): returns the end or 0. */
static size_t ws1_word(const uchar *s, size_t n, size_t i, const char *word)
{
    size_t w = i < n ? p2p_scan_ws_at(s, n, i) : 0;
    size_t len = strlen(word);
    if (!w || n - (i + w) < len || memcmp(s + i + w, word, len) != 0)
        return 0;
    return i + w + len;
}

/* `<cycle WS1 D WS1 as WS1 a WS1 whole> WS1 [D] END` at s[i..). */
static bool cycle_whole_at(const uchar *s, size_t n, size_t i, int64_t *cycle)
{
    if (n - i < 6 || memcmp(s + i, "<cycle", 6) != 0)
        return false;
    i += 6;
    size_t w = i < n ? p2p_scan_ws_at(s, n, i) : 0;
    if (!w)
        return false;
    size_t d = i + w, e = p2p_scan_skip_digits(s, n, d);
    if (e == d || !p2p_scan_to_int(s, d, e, cycle))
        return false;
    if (!(i = ws1_word(s, n, e, "as")) || !(i = ws1_word(s, n, i, "a")) || !(i = ws1_word(s, n, i, "whole>")) ||
        !(i = ws1_word(s, n, i, "[")))
        return false;
    e = p2p_scan_skip_digits(s, n, i);
    return e > i && e + 1 == n && s[e] == ']';
}

/* gprof2dot's _cg_cycle_header_re; *cycle gets the cycle number. */
static bool match_cycle_header(const uchar *s, size_t n, int64_t *cycle)
{
    fields f;
    memset(&f, 0, sizeof f);
    size_t i = primary_columns(s, n, &f);
    if (!i)
        return false;
    size_t c;
    size_t q = p2p_scan_skip_ws(s, n, i, &c);
    if (!c || q >= n)
        return false;
    size_t k = count_token(s, n, q, '+', &f, true);
    if (k && cycle_whole_at(s, n, p2p_scan_skip_ws(s, n, k, NULL), cycle))
        return true;
    return c >= 2 && cycle_whole_at(s, n, q, cycle);
}

/* gprof2dot's _cg_ignore_re: `ws+ <spontaneous> ws*`, or any line that ends
 * in `(D)`. */
static bool match_ignore(const uchar *s, size_t n)
{
    if (n >= 3 && s[n - 1] == ')') {
        size_t j = n - 1;
        while (j > 0 && p2p_scan_is_digit(s[j - 1]))
            j--;
        if (j < n - 1 && j > 0 && s[j - 1] == '(')
            return true;
    }
    size_t c;
    size_t i = p2p_scan_skip_ws(s, n, 0, &c);
    if (!c || n - i < 13 || memcmp(s + i, "<spontaneous>", 13) != 0)
        return false;
    return p2p_scan_skip_ws(s, n, i + 13, NULL) == n;
}

static bool tok_is(const uchar *s, size_t a, size_t b, const char *word)
{
    size_t len = strlen(word);
    return b - a == len && memcmp(s + a, word, len) == 0;
}

/* gprof2dot's _cg_header_re (four forms), plus `descendants` as gprof -T
 * spells it. */
static bool match_header(const uchar *s, size_t n)
{
    if (n == 0 || (s[0] != 'i' && !p2p_scan_ws_at(s, n, 0)))
        return false;
    size_t st[8], en[8], lead, ntok = 0, i = 0;
    p2p_scan_skip_ws(s, n, 0, &lead);
    while (ntok < 8) {
        size_t a = p2p_scan_skip_ws(s, n, i, NULL);
        if (a >= n)
            break;
        st[ntok] = a;
        en[ntok] = i = p2p_scan_token_end(s, n, a);
        ntok++;
    }
    if (ntok == 8)
        return false;
#define T(k, w) tok_is(s, st[k], en[k], w)
    if (lead)
        return ntok == 2 && T(0, "called/total") && (T(1, "parents") || T(1, "children"));
    if (ntok == 7 && T(0, "index") && T(1, "%time") && T(2, "self") &&
        (T(3, "descendents") || T(3, "descendants")) && T(4, "called+self") && T(5, "name") && T(6, "index"))
        return true;
    size_t k = 2;
    if (ntok == 7 && T(2, "time"))
        k = 3;
    else if (ntok != 6)
        return false;
    return T(0, "index") && T(1, "%") && T(k, "self") && T(k + 1, "children") && T(k + 2, "called") &&
           T(k + 3, "name");
#undef T
}

static bool is_separator(const uchar *s, size_t n)
{
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '-')
            return false;
    return true;
}

static bool is_blank(const uchar *s, size_t n)
{
    return p2p_scan_skip_ws(s, n, 0, NULL) == n;
}

/* A flat profile line: `ws* F ws F ws F [ws D ws F ws F] ws NAME`.  Trailing
 * whitespace is not part of NAME; nor are the ` <cycle N>` and ` [index]`
 * that gprof -T appends. */
typedef struct flatrow {
    const uchar *name;
    size_t name_len;
    double self;
    bool has_calls;
    int64_t calls;
} flatrow;

static bool match_flat_row(const uchar *s, size_t n, flatrow *r)
{
    size_t i = p2p_scan_skip_ws(s, n, 0, NULL), st[7], en[7], ntok = 0;
    while (ntok < 7 && i < n) {
        st[ntok] = i;
        en[ntok] = p2p_scan_token_end(s, n, i);
        i = p2p_scan_skip_ws(s, n, en[ntok], NULL);
        ntok++;
    }
    if (ntok < 4)
        return false;
    for (int k = 0; k < 3; k++)
        if (float_token(s, n, st[k]) != en[k])
            return false;
    r->self = to_float(s, st[2], en[2]);
    if (!(r->self <= 9.2e18)) /* as in primary_columns */
        return false;
    size_t name = 3;
    r->has_calls = false;
    if (ntok == 7 && p2p_scan_skip_digits(s, n, st[3]) == en[3] && float_token(s, n, st[4]) == en[4] &&
        float_token(s, n, st[5]) == en[5] && p2p_scan_to_int(s, st[3], en[3], &r->calls)) {
        r->has_calls = true;
        name = 6;
    }
    size_t a = st[name], b = n;
    while (b > a && p2p_scan_ws_before(s, b))
        b -= p2p_scan_ws_before(s, b);
    tail t;
    if (find_tail(s, b, &t) && t.ts > a) {
        b = t.tag && t.tag_run > a ? t.tag_run : t.ts;
    }
    r->name = s + a;
    r->name_len = b - a;
    return true;
}

/* `time seconds seconds ... name`: the column heads over flat profile rows. */
static bool match_flat_heading(const uchar *s, size_t n)
{
    size_t a = p2p_scan_skip_ws(s, n, 0, NULL);
    if (n - a < 4 || memcmp(s + a, "time", 4) != 0)
        return false;
    size_t st[10], en[10], ntok = 0, i = a;
    while (ntok < 10 && i < n) {
        st[ntok] = i;
        en[ntok] = p2p_scan_token_end(s, n, i);
        i = p2p_scan_skip_ws(s, n, en[ntok], NULL);
        ntok++;
    }
    return ntok >= 4 && ntok < 10 && tok_is(s, st[1], en[1], "seconds") && tok_is(s, st[2], en[2], "seconds") &&
           tok_is(s, st[ntok - 1], en[ntok - 1], "name");
}

/* ---- input decoding ---------------------------------------------------- */

static size_t put_utf8(uchar *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (uchar)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uchar)(0xc0 | (cp >> 6));
        o[1] = (uchar)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uchar)(0xe0 | (cp >> 12));
        o[1] = (uchar)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (uchar)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (uchar)(0xf0 | (cp >> 18));
    o[1] = (uchar)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (uchar)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (uchar)(0x80 | (cp & 0x3f));
    return 4;
}

/* UTF-16 (after its byte-order mark) into a new UTF-8 buffer; unpaired
 * surrogates and an odd last byte become U+FFFD.  NULL when out of memory. */
static uchar *utf16_to_utf8(const uchar *s, size_t n, bool be, size_t *outlen)
{
    if (n / 2 > (SIZE_MAX - 8) / 3)
        return NULL;
    uchar *o = malloc(n / 2 * 3 + 8);
    if (!o)
        return NULL;
    size_t k = 0, i = 0;
    while (i + 1 < n) {
        uint32_t u = be ? (uint32_t)s[i] << 8 | s[i + 1] : (uint32_t)s[i + 1] << 8 | s[i];
        i += 2;
        if (u >= 0xd800 && u < 0xdc00 && i + 1 < n) {
            uint32_t v = be ? (uint32_t)s[i] << 8 | s[i + 1] : (uint32_t)s[i + 1] << 8 | s[i];
            if (v >= 0xdc00 && v < 0xe000) {
                i += 2;
                k += put_utf8(o + k, 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00));
                continue;
            }
        }
        if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;
        k += put_utf8(o + k, u);
    }
    if (i < n)
        k += put_utf8(o + k, 0xfffd);
    *outlen = k;
    return o;
}

/* ---- the parser ------------------------------------------------------- */

typedef struct line {
    const uchar *s;
    size_t n;
    long no;
} line;

/* A child line.  Its name is needed only when its index never gets an
 * entry (a stub, rare): it is then read from the line again, whose page may
 * have gone back to the file by then (p2p_input_consumed: then read again
 * from it). */
typedef struct gchild {
    int64_t index, called;
    const uchar *s;       /* the line */
    long line;
} gchild;

/* A function entry and its child lines, in one piece of the parser's arena
 * (nothing moves or is copied as the arrays grow). */
typedef struct gentry {
    int64_t index, called, called_self, cycle;
    double self;
    const char *name;     /* interned as the entry is read */
    size_t nchildren;
    p2p_fid fid;          /* once built */
    bool has_called, has_called_self, has_cycle;
    bool repaired;        /* the name had invalid UTF-8 */
    gchild kids[];
} gentry;

/* gprof index -> uint32: an array for the small dense indices gprof
 * prints, a hash map for the rest. */
typedef struct idmap {
    uint32_t *dense;
    size_t ndense;
    p2p_u64map sparse;
} idmap;

/* Indices below this always go in the array; above, only while the array
 * stays within a few times the number of entries seen. */
#define DENSE_MIN ((int64_t)1 << 16)

static uint32_t idmap_get(const idmap *m, int64_t key)
{
    if ((uint64_t)key < m->ndense && m->dense[key] != UINT32_MAX)
        return m->dense[key];
    return p2p_u64map_get(&m->sparse, (uint64_t)key);
}

/* Insert or replace; `count` (how many keys the caller expects) lets the
 * array grow.  0, or -1 when out of memory. */
static int idmap_put(idmap *m, int64_t key, uint32_t val, size_t count)
{
    if ((uint64_t)key >= m->ndense && (key < DENSE_MIN || (uint64_t)key < 4 * (uint64_t)count)) {
        size_t n = m->ndense ? m->ndense : 1024;
        while (n <= (uint64_t)key)
            n *= 2;
        uint32_t *d = realloc(m->dense, n * sizeof *d);
        if (!d)
            return -1;
        memset(d + m->ndense, 0xff, (n - m->ndense) * sizeof *d);
        m->dense = d;
        m->ndense = n;
    }
    if ((uint64_t)key < m->ndense) {
        m->dense[key] = val;
        return 0;
    }
    return p2p_u64map_put(&m->sparse, (uint64_t)key, val);
}

static void idmap_free(idmap *m)
{
    free(m->dense);
    p2p_u64map_free(&m->sparse);
}

typedef struct gp {
    const p2p_parse_opts *o;
    p2p_profile *prof;     /* names are interned into it as entries are read */
    line *pending;
    size_t npending, cappending;
    p2p_arena *arena;      /* the entries */
    gentry **ents;
    size_t nents, capents;
    gchild *kids;          /* the children of the entry being read */
    size_t capkids;
    const uchar *end;      /* of the text */
    idmap ent_slot;        /* entry index -> slot in ents */
    int64_t *cycnums;      /* cycle numbers of "as a whole" entries, file order */
    size_t ncyc, capcyc;
    p2p_u64map cyc_seen;   /* cycle number -> position in cycnums */
    flatrow *flat;
    size_t nflat, capflat;
    p2p_buf scratch;
    unsigned long unrecognised; /* warnings about lines so far */
    const char *repaired;  /* the first name that had invalid UTF-8, repaired */
    bool oom;
} gp;

static void warnf(const gp *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const gp *g, const char *fmt, ...)
{
    if (!g->o || !g->o->warn)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g->o->warn(g->o->warn_ctx, msg);
}

/* At most 160 bytes of a line for a message, cut at a character boundary. */
static int quote_len(const uchar *s, size_t n)
{
    if (n <= 160)
        return (int)n;
    size_t k = 160;
    while (k > 0 && (s[k] & 0xc0) == 0x80)
        k--;
    return (int)k;
}

static void warn_unrecognised(gp *g, const line *l)
{
    if (++g->unrecognised > WARN_LIMIT)
        return;
    int q = quote_len(l->s, l->n);
    warnf(g, "line %ld: unrecognized call graph entry: '%.*s'%s", l->no, q, (const char *)l->s,
          (size_t)q < l->n ? "..." : "");
}

/* Intern a name, with each invalid UTF-8 sequence (and NUL) replaced by
 * U+FFFD (the shared helper, util/utf8.c); *repaired tells whether it was.
 * NULL when out of memory. */
static const char *intern_name(gp *g, const uchar *s, size_t n, bool *repaired)
{
    *repaired = false;
    size_t i = 0;
    while (i < n && s[i] < 0x80 && s[i])
        i++;
    if (i == n || (p2p_utf8_valid((const char *)s + i, n - i) && !memchr(s + i, 0, n - i)))
        return p2p_profile_intern(g->prof, (const char *)s, n);
    p2p_buf *b = &g->scratch;
    b->len = 0;
    p2p_utf8_repair(b, (const char *)s, n, true);
    if (b->oom)
        return NULL;
    *repaired = true;
    return p2p_profile_intern(g->prof, b->data, b->len);
}

static void parse_function_entry(gp *g, const line *ls, size_t n)
{
    fields f;
    size_t i = 0;
    /* parent lines: checked only to warn, as gprof2dot never uses them */
    while (i < n && ls[i].s[0] != '[') {
        if (!match_pc(ls[i].s, ls[i].n, '/', &f) && !match_ignore(ls[i].s, ls[i].n))
            warn_unrecognised(g, &ls[i]);
        i++;
    }
    if (i == n) {
        if (++g->unrecognised <= WARN_LIMIT)
            warnf(g, "line %ld: call graph entry without a primary [index] line ignored", ls[0].no);
        return;
    }
    if (!match_primary(ls[i].s, ls[i].n, &f)) {
        warn_unrecognised(g, &ls[i]);
        return;
    }
    bool repaired;
    const char *name = intern_name(g, f.name, f.name_len, &repaired);
    if (!name) {
        g->oom = true;
        return;
    }
    gentry e = {.index = f.index,
                .called = f.called,
                .called_self = f.called_self,
                .cycle = f.cycle,
                .self = f.self,
                .name = name,
                .fid = P2P_NONE,
                .repaired = repaired,
                .has_called = f.has_called,
                .has_called_self = f.has_called_self,
                .has_cycle = f.has_cycle};
    size_t nk = 0;
    for (i++; i < n; i++) {
        if (!match_pc(ls[i].s, ls[i].n, '/', &f)) {
            if (!match_ignore(ls[i].s, ls[i].n))
                warn_unrecognised(g, &ls[i]);
            continue;
        }
        if (!p2p_vm_grow(&g->kids, &g->capkids, nk, sizeof *g->kids)) {
            g->oom = true;
            return;
        }
        g->kids[nk++] = (gchild){f.index, f.called, ls[i].s, ls[i].no};
    }
    e.nchildren = nk;
    gentry *ep = nk <= (SIZE_MAX - sizeof e) / sizeof *g->kids
                     ? p2p_arena_alloc(g->arena, sizeof e + nk * sizeof *g->kids)
                     : NULL;
    if (!ep) {
        g->oom = true;
        return;
    }
    *ep = e;
    if (nk)
        memcpy(ep->kids, g->kids, nk * sizeof *g->kids);
    /* a later entry with the same index replaces the earlier one in place */
    uint32_t slot = idmap_get(&g->ent_slot, e.index);
    if (slot != UINT32_MAX) {
        g->ents[slot] = ep;
        return;
    }
    if (g->nents >= UINT32_MAX - 1 || !p2p_vm_grow(&g->ents, &g->capents, g->nents, sizeof *g->ents) ||
        idmap_put(&g->ent_slot, e.index, (uint32_t)g->nents, g->nents) < 0) {
        g->oom = true;
        return;
    }
    g->ents[g->nents++] = ep;
}

static void parse_cycle_entry(gp *g, const line *ls, size_t n)
{
    int64_t cycle;
    if (!match_cycle_header(ls[0].s, ls[0].n, &cycle)) {
        warn_unrecognised(g, &ls[0]);
        return;
    }
    fields f;
    for (size_t i = 1; i < n; i++)
        if (!match_pc(ls[i].s, ls[i].n, '+', &f))
            warn_unrecognised(g, &ls[i]);
    if (p2p_u64map_get(&g->cyc_seen, (uint64_t)cycle) != UINT32_MAX)
        return;
    if (g->ncyc >= UINT32_MAX - 1 || !p2p_vm_grow(&g->cycnums, &g->capcyc, g->ncyc, sizeof *g->cycnums) ||
        p2p_u64map_put(&g->cyc_seen, (uint64_t)cycle, (uint32_t)g->ncyc) < 0) {
        g->oom = true;
        return;
    }
    g->cycnums[g->ncyc++] = cycle;
}

static void parse_entry(gp *g)
{
    const line *ls = g->pending;
    size_t n = g->npending;
    g->npending = 0;
    if (n == 0) /* two separators in a row: gprof2dot crashes (B2) */
        return;
    if (ls[0].s[0] == '[')
        parse_cycle_entry(g, ls, n);
    else
        parse_function_entry(g, ls, n);
}

/* A new function named by the interned `nm` (repaired: it had invalid
 * UTF-8, the first such name is reported) with TIME = self and, when
 * has_called, a call count. */
static p2p_fid add_function(gp *g, p2p_profile *p, int64_t id, const char *nm, bool repaired, double self,
                            bool has_called, int64_t called)
{
    if (!nm)
        return P2P_NONE;
    if (repaired && !g->repaired)
        g->repaired = nm;
    p2p_fid f = p2p_profile_add_int(p, id, nm);
    if (f == P2P_NONE)
        return P2P_NONE;
    p2p_function *fn = &p->functions[f];
    p2p_ev_set(&fn->ev, P2P_TIME, self);
    fn->has_called = has_called;
    fn->called = has_called ? called : 0;
    return f;
}

static int build_call_graph(gp *g, p2p_profile *p, p2p_diag *d)
{
    /* cycle numbers -> cycle index; the "as a whole" ones first */
    p2p_u64map cyc;
    p2p_u64map_init(&cyc);
    int rc = 0;
    for (size_t i = 0; i < g->ncyc; i++) {
        uint32_t c = p2p_profile_add_cycle(p);
        if (c == P2P_NONE || p2p_u64map_put(&cyc, (uint64_t)g->cycnums[i], c) < 0)
            goto oom;
    }
    /* the functions, in gprof2dot's order; the slot of every entry is
     * known, so a child's callee is found without a lookup when it has an
     * entry, and through the profile only when it is a stub */
    for (size_t i = 0; i < g->nents; i++) {
        gentry *e = g->ents[i];
        for (size_t k = 0; k < e->nchildren; k++) {
            const gchild *c = &e->kids[k];
            if (idmap_get(&g->ent_slot, c->index) != UINT32_MAX)
                continue; /* an entry (resolved once built) or a stub made */
            /* B1: a child without an entry of its own (gprof's static call
             * graph, or an edited file): no self time, called 0.  The map
             * takes its function as it does an entry's once built. */
            const uchar *ls = c->s, *le = ls;
            while (le < g->end && *le != '\n' && *le != '\r')
                le++;
            fields f;
            bool repaired = false;
            const char *nm = match_pc(ls, (size_t)(le - ls), '/', &f)
                                 ? intern_name(g, f.name, f.name_len, &repaired)
                                 : NULL; /* it matched when read */
            p2p_fid stub = add_function(g, p, c->index, nm, repaired, 0.0, true, 0);
            if (stub == P2P_NONE || idmap_put(&g->ent_slot, c->index, stub, 0) < 0)
                goto oom;
        }
        int64_t called = e->called;
        if (e->has_called_self && __builtin_add_overflow(called, e->called_self, &called))
            called = INT64_MAX;
        /* called+self: the recursive calls count, but no self-loop is drawn
         * for them (a child line naming the function itself is a call) */
        p2p_fid f = add_function(g, p, e->index, e->name, e->repaired, e->self, e->has_called, called);
        if (f == P2P_NONE)
            goto oom;
        e->fid = f;
        /* from here on the map gives the function, not the slot */
        if (idmap_put(&g->ent_slot, e->index, f, 0) < 0)
            goto oom;
        if (e->has_cycle) {
            uint32_t c = p2p_u64map_get(&cyc, (uint64_t)e->cycle);
            if (c == UINT32_MAX) {
                warnf(g, "<cycle %lld as a whole> entry missing", (long long)e->cycle);
                c = p2p_profile_add_cycle(p);
                if (c == P2P_NONE || p2p_u64map_put(&cyc, (uint64_t)e->cycle, c) < 0)
                    goto oom;
            }
            if (p2p_profile_cycle_add(p, c, f) < 0)
                goto oom;
        }
        p2p_ev_add(&p->ev, P2P_TIME, e->self);
    }
    /* the calls, now that every callee exists */
    for (size_t i = 0; i < g->nents; i++) {
        const gentry *e = g->ents[i];
        for (size_t k = 0; k < e->nchildren; k++) {
            const gchild *c = &e->kids[k];
            p2p_fid callee = idmap_get(&g->ent_slot, c->index);
            bool created;
            uint32_t call = p2p_profile_get_call(p, e->fid, callee, &created);
            if (call == P2P_NONE)
                goto oom;
            if (!created && ++g->unrecognised <= WARN_LIMIT)
                warnf(g, "line %ld: overwriting call from function %lld to %lld", c->line, (long long)e->index,
                      (long long)c->index);
            p2p_ev_set(&p->calls[call].ev, P2P_CALLS, (double)c->called);
        }
    }
    goto out;
oom:
    rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory building the profile");
out:
    p2p_u64map_free(&cyc);
    return rc;
}

static int build_flat(gp *g, p2p_profile *p, p2p_diag *d)
{
    for (size_t i = 0; i < g->nflat; i++) {
        const flatrow *r = &g->flat[i];
        bool repaired;
        const char *nm = intern_name(g, r->name, r->name_len, &repaired);
        if (add_function(g, p, (int64_t)i + 1, nm, repaired, r->self, r->has_calls, r->calls) == P2P_NONE)
            return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory building the profile");
        p2p_ev_add(&p->ev, P2P_TIME, r->self);
    }
    return 0;
}

static void gp_free(gp *g)
{
    p2p_vm_free(g->pending, g->cappending * sizeof *g->pending);
    p2p_vm_free(g->ents, g->capents * sizeof *g->ents);
    p2p_vm_free(g->kids, g->capkids * sizeof *g->kids);
    p2p_arena_free(g->arena);
    p2p_vm_free(g->cycnums, g->capcyc * sizeof *g->cycnums);
    p2p_vm_free(g->flat, g->capflat * sizeof *g->flat);
    idmap_free(&g->ent_slot);
    p2p_u64map_free(&g->cyc_seen);
    p2p_buf_free(&g->scratch);
}

enum { SEARCH, HEADER, GRAPH, DONE };

/* How far ahead a carriage return is looked for at a time. */
#define CR_WINDOW ((size_t)1 << 20)
/* How often the bytes behind the call graph entry being read go back
 * (p2p_input_consumed). */
#define RELEASE_STEP ((size_t)4 << 20)

int p2p_parse_gprof(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the gprof format reads exactly one input, not %zu", n);
    const p2p_input *in = &inputs[0];
    if (d && !d->file)
        d->file = in->name;

    const uchar *data = in->data;
    size_t size = in->size;
    uchar *decoded = NULL;
    if (size >= 2 && ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff))) {
        decoded = utf16_to_utf8(data + 2, size - 2, data[0] == 0xfe, &size);
        if (!decoded)
            return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory decoding UTF-16 input");
        data = decoded;
    } else if (size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
        data += 3;
        size -= 3;
    }

    gp g;
    memset(&g, 0, sizeof g);
    g.o = o;
    p2p_u64map_init(&g.cyc_seen);
    p2p_buf_init(&g.scratch);
    g.end = data + size;
    g.prof = p2p_profile_new(P2P_ID_INT);
    g.arena = p2p_arena_new();
    if (!g.prof || !g.arena) {
        p2p_profile_free(g.prof);
        p2p_arena_free(g.arena);
        free(decoded);
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    }

    int state = SEARCH;
    bool in_flat = false;
    long graph_line = 0;
    const uchar *p = data, *end = data + size;
    long no = 0;
    /* The next \n and \r at or after p, each searched for again only once
     * p has passed it (NULL: none up to nl_upto / cr_upto): one scan per
     * line in the usual file, and never a quadratic one when a file's lines
     * end in \r alone.  \r is looked for a window at a time, so that the
     * input is not all brought into memory before the parse. */
    const uchar *nl = NULL, *nl_upto = data, *cr = NULL, *cr_upto = data;
    /* the bytes behind the entry being read go back every RELEASE_STEP */
    size_t release_at = RELEASE_STEP;
    while (p < end && state != DONE && !g.oom) {
        /* universal newlines: \n, \r\n and \r each end a line */
        line l = {p, 0, ++no};
        if (nl ? nl < p : p >= nl_upto) {
            nl = memchr(p, '\n', (size_t)(end - p));
            nl_upto = end;
        }
        const uchar *lim = nl ? nl : end;
        if (cr ? cr < p : lim > cr_upto) {
            size_t w = (size_t)(lim - p) > CR_WINDOW ? (size_t)(lim - p) : CR_WINDOW;
            cr_upto = w < (size_t)(end - p) ? p + w : end;
            cr = memchr(p, '\r', (size_t)(cr_upto - p));
        }
        if (cr && cr < lim) {
            l.n = (size_t)(cr - p);
            p = cr + 1;
            if (p < end && *p == '\n')
                p++;
        } else {
            l.n = (size_t)(lim - p);
            p = nl ? nl + 1 : end;
        }

        if (state == SEARCH) {
            if (match_header(l.s, l.n)) {
                state = HEADER;
                graph_line = l.no;
                continue;
            }
            /* remember the flat profile in case there is no call graph */
            if (in_flat) {
                flatrow r;
                if (match_flat_row(l.s, l.n, &r)) {
                    if (!p2p_vm_grow(&g.flat, &g.capflat, g.nflat, sizeof *g.flat))
                        g.oom = true;
                    else
                        g.flat[g.nflat++] = r;
                    continue;
                }
                in_flat = false;
            }
            if (match_flat_heading(l.s, l.n))
                in_flat = true;
            continue;
        }
        if (state == HEADER) {
            if (match_header(l.s, l.n))
                continue;
            state = GRAPH;
        }
        /* GRAPH: only the entry being read is looked at again (the names of
         * children that turn out to have no entry of their own, rarely) */
        if ((size_t)(l.s - data) >= release_at) {
            p2p_input_consumed(in, g.npending ? g.pending[0].s : l.s);
            release_at = (size_t)(l.s - data) + RELEASE_STEP;
        }
        if (l.n == 1 && l.s[0] == '\f') {
            state = DONE;
            break;
        }
        if (is_blank(l.s, l.n))
            continue;
        if (is_separator(l.s, l.n)) {
            parse_entry(&g);
            continue;
        }
        if (!p2p_vm_grow(&g.pending, &g.cappending, g.npending, sizeof *g.pending)) {
            g.oom = true;
            break;
        }
        g.pending[g.npending++] = l;
    }

    int rc = 0;
    p2p_profile *prof = g.prof;
    if (g.oom) {
        rc = p2p_diag_set(d, P2P_ENOMEM, no, -1, "out of memory");
        goto done;
    }
    /* gprof ends the call graph with a form feed; gprof2dot fails without
     * it, we take the end of the input instead.  Either way, lines after
     * the last separator are dropped: at a form feed they are gprof's
     * explanation, at the end of the input a cut-off entry. */
    if (state == GRAPH && g.npending)
        warnf(&g, "line %ld: the call graph ends without a form feed; the lines after its last '---' were ignored",
              g.pending[0].no);

    bool use_flat = false;
    if (state == SEARCH) {
        if (!g.nflat) {
            rc = p2p_diag_set(d, P2P_EFORMAT, 0, -1, "no gprof call graph or flat profile found");
            goto done;
        }
        use_flat = true;
        warnf(&g, "no call graph in this gprof output, only a flat profile (as gprof -p writes): "
                  "drawing functions without calls between them");
    } else if (g.nents == 0 && g.nflat) {
        use_flat = true;
        warnf(&g, "line %ld: the call graph is empty: drawing the flat profile's functions without calls",
              graph_line);
    }

    p2p_ev_set(&prof->ev, P2P_TIME, 0.0);
    rc = use_flat ? build_flat(&g, prof, d) : build_call_graph(&g, prof, d);
    if (g.unrecognised > WARN_LIMIT)
        warnf(&g, "%lu more unrecognized or repeated call graph lines skipped", g.unrecognised - WARN_LIMIT);
    if (g.repaired)
        warnf(&g, "invalid UTF-8 in function names replaced by U+FFFD (first: '%.*s')",
              quote_len((const uchar *)g.repaired, strlen(g.repaired)), g.repaired);
done:
    if (rc) {
        p2p_profile_free(prof);
        prof = NULL;
    }
    gp_free(&g);
    free(decoded);
    *out = prof;
    return rc;
}
