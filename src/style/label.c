/* Node and edge label text (SEMANTICS.md §8, §1.2): --strip, --wrap (a
 * faithful copy of Python's textwrap.fill(name, 32, break_long_words=False)),
 * long-name truncation and the formatting of event values.
 *
 * Python works on code points, so every length here is counted in code
 * points of the UTF-8 text.  A byte that is not valid UTF-8 counts as one
 * code point that is neither a letter, a digit nor whitespace, and is copied
 * through unchanged.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/theme.h"
#include "style.h"
#include "util/util.h"

/* ---- Unicode classes (util/unicode.c) --------------------------------- */

/* Invalid bytes are stored as RAW_BYTE | byte: no Unicode class has them. */
#define RAW_BYTE 0x80000000u

static int is_word(uint32_t c) /* \w */
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return !(c & RAW_BYTE) && p2p_uc_is_word(c);
}

static int is_decimal(uint32_t c) /* \d */
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return !(c & RAW_BYTE) && p2p_uc_is_decimal(c);
}

static int is_uspace(uint32_t c) /* str.isspace() */
{
    return !(c & RAW_BYTE) && p2p_uc_is_space(c);
}

/* textwrap's `letter` class [^\d\W] */
static int is_letter(uint32_t c)
{
    return is_word(c) && !is_decimal(c);
}

/* textwrap's `word_punct` class [\w!"'&.,?] */
static int is_word_punct(uint32_t c)
{
    return is_word(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ',' || c == '?';
}

/* textwrap's `whitespace` class: ASCII whitespace only */
static int is_tw_space(uint32_t c)
{
    return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

/* ---- UTF-8 ------------------------------------------------------------- */

/* See style.h: one code point, invalid bytes one at a time. */
size_t p2p_utf8_next(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char b = s[0];
    size_t len;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xe0) == 0xc0) {
        len = 2, c = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        len = 3, c = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        len = 4, c = b & 0x07, min = 0x10000;
    } else {
        goto raw;
    }
    if (len > n)
        goto raw;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            goto raw;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        goto raw;
    *cp = c;
    return len;
raw:
    *cp = RAW_BYTE | b;
    return 1;
}

/* Python len() of a UTF-8 string. */
size_t p2p_utf8_length(const char *s)
{
    size_t n = strlen(s), count = 0;
    for (size_t i = 0; i < n; count++) {
        uint32_t c;
        i += p2p_utf8_next(s + i, n - i, &c);
    }
    return count;
}

/* Decode s into a malloc'ed code point array (*n entries). */
static uint32_t *decode(const char *s, size_t *n)
{
    size_t len = strlen(s);
    uint32_t *cps = malloc((len + 1) * sizeof *cps);
    if (!cps)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; k++)
        i += p2p_utf8_next(s + i, len - i, &cps[k]);
    *n = k;
    return cps;
}

static void put_cp(p2p_buf *b, uint32_t c)
{
    char u[4];
    if (c & RAW_BYTE) {
        p2p_buf_putc(b, (char)(c & 0xff));
    } else if (c < 0x80) {
        p2p_buf_putc(b, (char)c);
    } else if (c < 0x800) {
        u[0] = (char)(0xc0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3f));
        p2p_buf_append(b, u, 2);
    } else if (c < 0x10000) {
        u[0] = (char)(0xe0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        u[2] = (char)(0x80 | (c & 0x3f));
        p2p_buf_append(b, u, 3);
    } else {
        u[0] = (char)(0xf0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        u[3] = (char)(0x80 | (c & 0x3f));
        p2p_buf_append(b, u, 4);
    }
}

/* ---- --strip ------------------------------------------------------------ */

/* Delete every matched open...close pair with its contents, which is what
 * repeating re.sub(r'\([^()]*\)', '') until nothing changes leaves (the
 * pairs are matched as usual: a closer takes the nearest open opener).
 * Unmatched brackets stay.  In place; -1 when out of memory. */
static int remove_groups(char *s, char open, char close)
{
    size_t len = strlen(s), opens = 0;
    for (size_t i = 0; i < len; i++)
        opens += s[i] == open;
    if (!opens)
        return 0;
    size_t *stack = malloc(opens * sizeof *stack);
    if (!stack)
        return -1;
    size_t depth = 0, o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == open) {
            stack[depth++] = o;
            s[o++] = c;
        } else if (c == close && depth) {
            o = stack[--depth]; /* drop the opener and all after it */
        } else {
            s[o++] = c;
        }
    }
    s[o] = '\0';
    free(stack);
    return 0;
}

/* re.sub(r'\s+const$', '', s): `$` also matches before a final newline, and
 * \s is Unicode whitespace.  In place. */
static void remove_const(char *s)
{
    size_t len = strlen(s), end;
    if (len >= 5 && memcmp(s + len - 5, "const", 5) == 0)
        end = len - 5;
    else if (len >= 6 && memcmp(s + len - 6, "const\n", 6) == 0)
        end = len - 6;
    else
        return;
    /* find where the whitespace run ending at `end` starts */
    size_t run_start = end, i = 0;
    bool in_run = false;
    while (i < end) {
        uint32_t c;
        size_t l = p2p_utf8_next(s + i, end - i, &c);
        if (is_uspace(c)) {
            if (!in_run)
                run_start = i;
            in_run = true;
        } else {
            in_run = false;
        }
        i += l;
    }
    if (!in_run)
        return;
    memmove(s + run_start, s + end + 5, len - (end + 5) + 1);
}

/* --strip (Function.stripped_name): drop (...) groups, one trailing
 * " const", then <...> groups.  malloc'ed; NULL when out of memory. */
char *p2p_label_strip(const char *name)
{
    char *s = strdup(name);
    if (!s)
        return NULL;
    if (remove_groups(s, '(', ')') < 0) {
        free(s);
        return NULL;
    }
    remove_const(s);
    if (remove_groups(s, '<', '>') < 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- --wrap ------------------------------------------------------------- */

#define WRAP_WIDTH 32

/* The end of the textwrap.TextWrapper.wordsep_re match that starts at i
 * (t[0..n) is the munged text, whose only whitespace is ' ').  The pattern:
 *   ( ws+
 *   | (?<=wp) -{2,} (?=\w)
 *   | nws+? (?: -(?: (?<=lt{2}-) | (?<=lt-lt-)) (?= lt -? lt)
 *             | (?=ws|\Z)
 *             | (?<=wp) (?=-{2,}\w) ) )
 * Some alternative always matches, and never empty, so re.split() turns
 * the text into consecutive matches. */
static size_t dash_run(const uint32_t *t, size_t n, size_t i)
{
    size_t r = 0;
    while (i + r < n && t[i + r] == '-')
        r++;
    return r;
}

static size_t wordsep_end(const uint32_t *t, size_t n, size_t i)
{
    if (is_tw_space(t[i])) {
        size_t j = i;
        while (j < n && is_tw_space(t[j]))
            j++;
        return j;
    }
    if (i > 0 && is_word_punct(t[i - 1])) {
        size_t r = dash_run(t, n, i);
        if (r >= 2 && i + r < n && is_word(t[i + r]))
            return i + r;
    }
    /* nws+? : j is the position after the consumed characters */
    for (size_t j = i + 1;; j++) {
        /* hyphenated word: the hyphen at j, after two letters or letter-letter */
        if (j < n && t[j] == '-' &&
            ((j >= 2 && is_letter(t[j - 2]) && is_letter(t[j - 1])) ||
             (j >= 3 && is_letter(t[j - 3]) && t[j - 2] == '-' && is_letter(t[j - 1]))) &&
            j + 1 < n && is_letter(t[j + 1]) &&
            ((j + 2 < n && is_letter(t[j + 2])) || (j + 3 < n && t[j + 2] == '-' && is_letter(t[j + 3]))))
            return j + 1;
        /* end of word */
        if (j == n || is_tw_space(t[j]))
            return j;
        /* em-dash */
        if (is_word_punct(t[j - 1])) {
            size_t r = dash_run(t, n, j);
            if (r >= 2 && j + r < n && is_word(t[j + r]))
                return j;
        }
    }
}

/* chunk.strip() == '' */
static int blank_chunk(const uint32_t *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!is_uspace(t[i]))
            return 0;
    return 1;
}

/* textwrap.fill(text, 32, break_long_words=False) of cps[0..n) into b. */
static int textwrap_fill(const uint32_t *cps, size_t n, p2p_buf *b)
{
    /* _munge_whitespace: expandtabs(8), then ASCII whitespace -> ' ' */
    size_t tn = 0, col = 0;
    for (size_t i = 0; i < n; i++) {
        if (cps[i] == '\t') {
            size_t inc = 8 - col % 8;
            tn += inc, col += inc;
        } else {
            tn++, col++;
            if (cps[i] == '\n' || cps[i] == '\r')
                col = 0;
        }
    }
    uint32_t *t = malloc((tn + 1) * sizeof *t);
    size_t *ends = malloc((tn + 1) * sizeof *ends);
    if (!t || !ends) {
        free(t);
        free(ends);
        return -1;
    }
    size_t k = 0;
    col = 0;
    for (size_t i = 0; i < n; i++) {
        if (cps[i] == '\t') {
            size_t inc = 8 - col % 8;
            for (size_t j = 0; j < inc; j++)
                t[k++] = ' ';
            col += inc;
        } else {
            t[k++] = is_tw_space(cps[i]) ? ' ' : cps[i];
            col++;
            if (cps[i] == '\n' || cps[i] == '\r')
                col = 0;
        }
    }

    /* _split: chunk c spans [c ? ends[c-1] : 0, ends[c]) */
    size_t nc = 0;
    for (size_t i = 0; i < tn; i = ends[nc++])
        ends[nc] = wordsep_end(t, tn, i);
#define CSTART(c) ((c) ? ends[(c)-1] : 0)
#define CLEN(c) (ends[c] - CSTART(c))

    /* _wrap_chunks, chunks taken from the front instead of popped */
    size_t c = 0, nlines = 0;
    while (c < nc) {
        if (nlines && blank_chunk(t, CSTART(c), ends[c]))
            c++;
        size_t first = c, cur_len = 0;
        while (c < nc && cur_len + CLEN(c) <= WRAP_WIDTH) {
            cur_len += CLEN(c);
            c++;
        }
        /* a word too long for any line gets a line of its own */
        if (c < nc && CLEN(c) > WRAP_WIDTH && c == first)
            c++;
        size_t last = c;
        if (last > first && blank_chunk(t, CSTART(last - 1), ends[last - 1]))
            last--;
        if (last > first) {
            if (nlines++)
                p2p_buf_putc(b, '\n');
            for (size_t i = CSTART(first); i < ends[last - 1]; i++)
                put_cp(b, t[i]);
        }
    }
#undef CSTART
#undef CLEN
    free(t);
    free(ends);
    return 0;
}

/* Python str.replace(old, new) on a NUL-terminated string, in place (new is
 * shorter than old). */
static void replace_all(char *s, const char *old, const char *rep)
{
    size_t ol = strlen(old), rl = strlen(rep);
    char *o = s;
    for (char *p = s; *p;) {
        if (strncmp(p, old, ol) == 0) {
            memcpy(o, rep, rl);
            o += rl;
            p += ol;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

/* --wrap (DotWriter.wrap_function_name): textwrap.fill at 32 when longer
 * than 32 code points, then the ", " and "> >" squeezes.  malloc'ed;
 * NULL when out of memory. */
char *p2p_label_wrap(const char *name)
{
    size_t n;
    uint32_t *cps = decode(name, &n);
    if (!cps)
        return NULL;
    char *s;
    if (n > WRAP_WIDTH) {
        p2p_buf b;
        p2p_buf_init(&b);
        if (textwrap_fill(cps, n, &b) < 0) {
            p2p_buf_free(&b);
            free(cps);
            return NULL;
        }
        p2p_buf_putc(&b, '\0'); /* an empty result must still be a string */
        s = p2p_buf_take(&b, NULL);
    } else {
        s = strdup(name);
    }
    free(cps);
    if (!s)
        return NULL;
    replace_all(s, ", ", ",");
    replace_all(s, "> >", ">>");
    replace_all(s, "> >", ">>");
    return s;
}

/* ---- truncation --------------------------------------------------------- */

#define MAX_FUNCTION_NAME 4096

/* Names of 4096 code points or more become their first 4095 + U+2026
 * (*cut = true).  malloc'ed; NULL when out of memory. */
char *p2p_label_truncate(const char *name, bool *cut)
{
    size_t len = strlen(name), count = 0, i = 0, cut_at = 0;
    while (i < len) {
        if (count == MAX_FUNCTION_NAME - 1)
            cut_at = i;
        uint32_t c;
        i += p2p_utf8_next(name + i, len - i, &c);
        count++;
    }
    if (count < MAX_FUNCTION_NAME) {
        *cut = false;
        return strdup(name);
    }
    *cut = true;
    char *s = malloc(cut_at + 4);
    if (!s)
        return NULL;
    memcpy(s, name, cut_at);
    memcpy(s + cut_at, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
    return s;
}

/* ---- event values ------------------------------------------------------- */

/* The same rule as the command line's check: exactly one floating
 * conversion, otherwise only text and %%. */
static int valid_time_format(const char *s)
{
    int conversions = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (!*p || !strchr("eEfFgGaA", *p))
            return 0;
        conversions++;
    }
    return conversions == 1;
}

/* Python "%u" % x: an int in decimal, a float truncated toward zero. */
static int format_count(double v, char *out, size_t size)
{
    if (isfinite(v) && fabs(v) < 9.2e18)
        return snprintf(out, size, "%" PRId64 "\xc3\x97", (int64_t)v);
    return snprintf(out, size, "%.0f\xc3\x97", trunc(v));
}

/* The label line of event e with value v (SEMANTICS §1.2) into out, always
 * NUL-terminated when size > 0.  Returns the length of the whole text, as
 * snprintf does: a result >= size means it was cut.  A NULL or unsafe
 * time_format (not exactly one e/f/g/a conversion) means "%.7g". */
size_t p2p_label_event(p2p_event e, double v, const char *time_format, char *out, size_t size)
{
    if (!time_format || !valid_time_format(time_format))
        time_format = "%.7g";
    int n;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    switch (e) {
    case P2P_TIME_RATIO:
        n = snprintf(out, size, "(%.2f%%)", v * 100.0);
        break;
    case P2P_TOTAL_TIME_RATIO:
        n = snprintf(out, size, "%.2f%%", v * 100.0);
        break;
    case P2P_TIME: {
        /* "(" + time_format % v + ")", formatted in place after the "(" */
        char dummy[1];
        int m = snprintf(size > 1 ? out + 1 : dummy, size > 1 ? size - 1 : 1, time_format, v);
        if (m < 0) {
            n = -1;
            break;
        }
        n = m + 2;
        if (size > 0)
            out[0] = '(';
        if ((size_t)m + 2 < size) {
            out[m + 1] = ')';
            out[m + 2] = '\0';
        } else if (size > 0) {
            out[size - 1] = '\0';
        }
        break;
    }
    case P2P_TOTAL_TIME:
        n = snprintf(out, size, time_format, v);
        break;
    default: /* CALLS, SAMPLES, SAMPLES2, TOTAL_SAMPLES */
        n = format_count(v, out, size);
        break;
    }
#pragma GCC diagnostic pop
    if (n < 0) {
        if (size)
            out[0] = '\0';
        return 0;
    }
    return (size_t)n;
}
