/* Format detection (p2p_detect): which parser an input given without -f
 * goes to, from its first bytes.
 *
 * Each format has a sniffer in the table below that looks at the start of
 * the input (at most SNIFF_WINDOW bytes, a text view with any byte-order
 * mark removed and UTF-16 narrowed) and answers NO, MAYBE (the bytes fit the
 * format's shape but carry no signature) or SURE (a signature: a header
 * line, a magic number).  The best answer wins; two formats with the same
 * best answer are ambiguous, and no answer at all is an unknown input.
 * Either way the message lists the formats tried and asks for -f.
 *
 * A sniffer is offered only when its format is in the parser table
 * (p2p_format_find), so sniffers for formats whose parsers have not landed
 * yet stay silent until they do.  A new format joins by adding one
 * function and one row.
 *
 * Nothing here allocates beyond the stack or reads past the window, and no
 * sniffer does more than a few passes over it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "prof2png/parse.h"

#define SNIFF_WINDOW 8192
#define MAX_LINES 64

enum { NO = 0, MAYBE = 1, SURE = 2 };

typedef unsigned char uchar;

/* The start of an input as text: raw bytes (for binary magic) and a
 * narrowed copy with the byte-order mark removed, for text formats. */
typedef struct view {
    const uchar *raw; /* the input's first bytes */
    size_t nraw;
    const char *s;    /* text, NUL-terminated */
    size_t n;
    bool complete;    /* the window holds the whole input */
} view;

/* ---- helpers over the text view ------------------------------------------ */

typedef struct line {
    const char *s;
    size_t n;
} line;

/* Split the view into up to max lines (the last one may be cut by the
 * window; it is dropped unless the window holds the whole input). */
static size_t lines_of(const view *v, line *out, size_t max)
{
    size_t k = 0, i = 0;
    while (i < v->n && k < max) {
        const char *nl = memchr(v->s + i, '\n', v->n - i);
        if (!nl && !v->complete)
            break;
        size_t e = nl ? (size_t)(nl - v->s) : v->n;
        size_t len = e - i;
        if (len && v->s[i + len - 1] == '\r')
            len--;
        out[k++] = (line){v->s + i, len};
        i = e + 1;
    }
    return k;
}

static bool starts(const line *l, const char *prefix)
{
    size_t n = strlen(prefix);
    return l->n >= n && memcmp(l->s, prefix, n) == 0;
}

static bool contains(const line *l, const char *needle)
{
    return memmem(l->s, l->n, needle, strlen(needle)) != NULL;
}

static bool blank(const line *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->s[i] != ' ' && l->s[i] != '\t')
            return false;
    return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ws(char c) { return c == ' ' || c == '\t'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* The first line that is neither blank nor a `#` comment, or NULL. */
static const line *first_content(const line *ls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!blank(&ls[i]) && ls[i].s[0] != '#')
            return &ls[i];
    return NULL;
}

/* ---- sniffers ------------------------------------------------------------ */

/* pstats: a marshalled dict ('{', with or without FLAG_REF 0x80) whose first
 * key is a tuple ('(' or ')', either with FLAG_REF), or an empty dict ('0'). */
static int sniff_pstats(const view *v)
{
    if (v->nraw < 2 || (v->raw[0] != '{' && v->raw[0] != ('{' | 0x80)))
        return NO;
    uchar k = v->raw[1] & 0x7f;
    return k == '(' || k == ')' || k == '0' ? SURE : NO;
}

/* callgrind/cachegrind: `# callgrind format`, an `events:` line, or
 * `version:` then `creator:`; `fl=`/`fn=` lines alone are a hint. */
static int sniff_callgrind(const view *v)
{
    line ls[MAX_LINES];
    size_t n = lines_of(v, ls, MAX_LINES);
    bool version = false, creator = false, pos = false;
    for (size_t i = 0; i < n; i++) {
        if (starts(&ls[i], "# callgrind format") || starts(&ls[i], "events:"))
            return SURE;
        version |= i == 0 && starts(&ls[i], "version:");
        creator |= starts(&ls[i], "creator:");
        pos |= starts(&ls[i], "fl=") || starts(&ls[i], "fn=") || starts(&ls[i], "ob=");
    }
    if (version && creator)
        return SURE;
    return pos ? MAYBE : NO;
}

/* gprof text: the flat profile's or the call graph's headings. */
static int sniff_gprof(const view *v)
{
    line ls[MAX_LINES];
    size_t n = lines_of(v, ls, MAX_LINES);
    for (size_t i = 0; i < n; i++) {
        const line *l = &ls[i];
        if (starts(l, "Flat profile:") || contains(l, "Call graph (explanation follows)") ||
            starts(l, "call graph profile:") || starts(l, "granularity: each sample hit covers") ||
            (starts(l, "index") && contains(l, "% time") && contains(l, "called") && contains(l, "name")))
            return SURE;
    }
    return NO;
}

/* One `perf script` header: `COMM PID [CPU] SECONDS.MICROS: [PERIOD] EVENT:`,
 * found as a timestamp token (digits '.' digits ':') preceded by a PID. */
static bool perf_header(const line *l)
{
    if (!l->n || l->s[0] == '\t' || l->s[0] == '#')
        return false;
    for (size_t i = 1; i + 2 < l->n; i++) {
        if (l->s[i] != '.' || !is_digit(l->s[i - 1]))
            continue;
        size_t j = i + 1, d = 0;
        while (j < l->n && is_digit(l->s[j]))
            j++, d++;
        if (d < 3 || j >= l->n || l->s[j] != ':')
            continue;
        /* something after the timestamp ends with ':' (the event) */
        return memchr(l->s + j + 1, ':', l->n - j - 1) != NULL;
    }
    return false;
}

/* An old `perf script` header without a timestamp: `COMM PID EVENT:`, a
 * line that ends with ':' (spaces aside) and has a space before it. */
static bool perf_old_header(const line *l)
{
    size_t e = l->n;
    while (e > 0 && is_ws(l->s[e - 1]))
        e--;
    return e > 2 && !is_ws(l->s[0]) && l->s[0] != '#' && l->s[e - 1] == ':' && memchr(l->s, ' ', e) != NULL;
}

/* A perf frame line: indented, a hex address, a symbol. */
static bool perf_frame(const line *l)
{
    size_t i = 0;
    while (i < l->n && is_ws(l->s[i]))
        i++;
    size_t h = i;
    while (i < l->n && is_hex(l->s[i]))
        i++;
    return h > 0 && i > h && i < l->n && is_ws(l->s[i]);
}

static int sniff_perf(const view *v)
{
    line ls[MAX_LINES];
    size_t n = lines_of(v, ls, MAX_LINES);
    size_t headers = 0;
    for (size_t i = 0; i < n; i++) {
        if (!perf_header(&ls[i])) {
            if (perf_old_header(&ls[i]) && i + 1 < n && perf_frame(&ls[i + 1]))
                return SURE;
            continue;
        }
        headers++;
        /* a header followed by a frame, or a header that carries its frame
         * (a recording without call graphs: `event:  ADDR SYM (DSO)`) */
        if ((i + 1 < n && perf_frame(&ls[i + 1])) || contains(&ls[i], ") ") || ls[i].s[ls[i].n - 1] == ')')
            return SURE;
    }
    return headers ? MAYBE : NO;
}

/* A collapsed-stack line: `FRAMES COUNT`, the count an integer after the
 * last space; *semicolon tells whether FRAMES has several frames. */
static bool collapse_line(const line *l, bool *semicolon)
{
    size_t e = l->n;
    while (e > 0 && is_ws(l->s[e - 1]))
        e--;
    size_t d = e;
    while (d > 0 && is_digit(l->s[d - 1]))
        d--;
    if (d == e || d < 2 || l->s[d - 1] != ' ' || is_ws(l->s[0]))
        return false;
    *semicolon |= memchr(l->s, ';', d) != NULL;
    return true;
}

static int sniff_collapse(const view *v)
{
    line ls[MAX_LINES];
    size_t n = lines_of(v, ls, MAX_LINES);
    size_t good = 0;
    bool semi = false;
    for (size_t i = 0; i < n; i++) {
        if (blank(&ls[i]))
            continue;
        if (!collapse_line(&ls[i], &semi))
            return NO;
        good++;
    }
    if (!good)
        return NO;
    return semi ? SURE : MAYBE;
}

/* DTrace: its `CPU ID FUNCTION:NAME` heading, or indented MODULE`SYMBOL
 * frames followed by an indented count. */
static int sniff_dtrace(const view *v)
{
    line ls[MAX_LINES];
    size_t n = lines_of(v, ls, MAX_LINES);
    bool frame = false;
    for (size_t i = 0; i < n; i++) {
        const line *l = &ls[i];
        if (starts(l, "CPU") && contains(l, "FUNCTION:NAME"))
            return SURE;
        if (l->n && is_ws(l->s[0]) && memchr(l->s, '`', l->n))
            frame = true;
        else if (frame && !blank(l)) {
            size_t k = 0;
            while (k < l->n && is_ws(l->s[k]))
                k++;
            size_t dg = k;
            while (k < l->n && is_digit(l->s[k]))
                k++;
            if (k > dg && k == l->n)
                return SURE;
            frame = false;
        }
    }
    return frame ? MAYBE : NO;
}

/* Whether the window holds the JSON key "key" (a quoted string followed by
 * a colon, so that a string value with the same text does not count). */
static bool json_key(const view *v, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = v->s; (p = strstr(p, key)) != NULL; p++) {
        if (p == v->s || p[-1] != '"' || p[n] != '"')
            continue;
        const char *q = p + n + 1;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (*q == ':')
            return true;
    }
    return false;
}

/* speedscope's JSON: its "$schema" URL, or both "shared" and "profiles"
 * keys (neither is a key of gprof2dot's JSON). */
static int sniff_speedscope(const view *v)
{
    if (strstr(v->s, "speedscope.app/file-format-schema.json") && json_key(v, "$schema"))
        return SURE;
    return json_key(v, "shared") && json_key(v, "profiles") ? SURE : NO;
}

/* Trace events: an object with "traceEvents", or an array whose first
 * element is an object with a "ph" (phase) key. */
static int sniff_trace(const view *v)
{
    size_t i = 0;
    while (i < v->n && (is_ws(v->s[i]) || v->s[i] == '\n' || v->s[i] == '\r'))
        i++;
    if (i >= v->n)
        return NO;
    if (v->s[i] == '{')
        return json_key(v, "traceEvents") ? SURE : NO;
    if (v->s[i] != '[')
        return NO;
    i++;
    while (i < v->n && (is_ws(v->s[i]) || v->s[i] == '\n' || v->s[i] == '\r'))
        i++;
    if (i >= v->n || v->s[i] != '{')
        return NO;
    if (json_key(v, "ph"))
        return SURE;
    return json_key(v, "ts") || json_key(v, "pid") ? MAYBE : NO;
}

/* gprof2dot's JSON: an object with "version" and "functions" or "events".
 * speedscope's and trace files are JSON objects too: their own keys (a
 * speedscope "$schema", "traceEvents") leave gprof2dot's at most a maybe,
 * so that their sniffers' sure answer wins (old speedscope files have a
 * "version", and evented profiles "events"). */
static int sniff_json(const view *v)
{
    size_t i = 0;
    while (i < v->n && (is_ws(v->s[i]) || v->s[i] == '\n' || v->s[i] == '\r'))
        i++;
    if (i >= v->n || v->s[i] != '{')
        return NO;
    if (json_key(v, "traceEvents") || (json_key(v, "profiles") && (json_key(v, "$schema") || json_key(v, "shared"))))
        return MAYBE;
    if (strstr(v->s + i, "\"version\"") &&
        (strstr(v->s + i, "\"functions\"") || strstr(v->s + i, "\"events\"")))
        return SURE;
    /* the next significant character opens a key or closes the object */
    i++;
    while (i < v->n && (is_ws(v->s[i]) || v->s[i] == '\n' || v->s[i] == '\r'))
        i++;
    return i < v->n && (v->s[i] == '"' || v->s[i] == '}') ? MAYBE : NO;
}

/* Java HPROF text: `JAVA PROFILE 1.0.1, created ...`. */
static int sniff_hprof(const view *v)
{
    line ls[4];
    size_t n = lines_of(v, ls, 4);
    const line *l = first_content(ls, n);
    return l && starts(l, "JAVA PROFILE ") ? SURE : NO;
}

/* VTune Amplifier XE gprof-cc report: the `Index % CPU Time:Total` heading. */
static int sniff_axe(const view *v)
{
    line ls[MAX_LINES];
    size_t n = lines_of(v, ls, MAX_LINES);
    for (size_t i = 0; i < n; i++)
        if (contains(&ls[i], "CPU Time:Total") && contains(&ls[i], "Index"))
            return SURE;
    return NO;
}

/* XPerf CSV: a header row naming the Stack, Module, Function and Weight
 * columns. */
static int sniff_xperf(const view *v)
{
    line ls[2];
    size_t n = lines_of(v, ls, 2);
    if (!n || !memchr(ls[0].s, ',', ls[0].n))
        return NO;
    const line *h = &ls[0];
    return contains(h, "Stack") && contains(h, "Module") && contains(h, "Function") && contains(h, "Weight")
               ? SURE
               : NO;
}

static bool raw_contains_ci(const view *v, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= v->nraw; i++)
        if (strncasecmp((const char *)v->raw + i, needle, m) == 0)
            return true;
    return false;
}

/* Very Sleepy: a zip archive with Symbols.txt / Callstacks.txt. */
static int sniff_sleepy(const view *v)
{
    if (v->nraw < 4 || memcmp(v->raw, "PK\3\4", 4) != 0)
        return NO;
    return raw_contains_ci(v, "Symbols.txt") || raw_contains_ci(v, "Callstacks.txt") ? SURE : MAYBE;
}

/* Sysprof: XML whose root element is <profile>. */
static int sniff_sysprof(const view *v)
{
    const char *p = v->s, *end = v->s + v->n;
    /* skip whitespace, an XML declaration, comments */
    for (;;) {
        while (p < end && (is_ws(*p) || *p == '\n' || *p == '\r'))
            p++;
        if (end - p >= 5 && memcmp(p, "<?xml", 5) == 0) {
            const char *q = strstr(p, "?>");
            if (!q)
                return NO;
            p = q + 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *q = strstr(p, "-->");
            if (!q)
                return NO;
            p = q + 3;
        } else {
            break;
        }
    }
    return end - p >= 9 && memcmp(p, "<profile>", 9) == 0 ? SURE : NO;
}

typedef struct sniffer {
    const char *format; /* a name of the parser table */
    int (*sniff)(const view *v);
} sniffer;

/* One row per format.  Order matters only for the order of the names in
 * messages. */
static const sniffer sniffers[] = {
    {"pstats", sniff_pstats},   {"callgrind", sniff_callgrind}, {"prof", sniff_gprof},
    {"perf", sniff_perf},       {"collapse", sniff_collapse},   {"dtrace", sniff_dtrace},
    {"json", sniff_json},       {"hprof", sniff_hprof},         {"axe", sniff_axe},
    {"xperf", sniff_xperf},     {"sleepy", sniff_sleepy},       {"sysprof", sniff_sysprof},
    {"speedscope", sniff_speedscope}, {"trace", sniff_trace},
};
#define NSNIFFERS (sizeof sniffers / sizeof sniffers[0])

/* Build the text view of the input's first bytes into buf. */
static void make_view(const p2p_input *in, char *buf, size_t cap, view *v)
{
    const uchar *b = in->data;
    size_t n = in->size;
    v->raw = b;
    v->nraw = n < SNIFF_WINDOW ? n : SNIFF_WINDOW;
    size_t k = 0;
    if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff))) {
        /* UTF-16: keep each code unit below 0x80, '?' for the others */
        bool le = b[0] == 0xff;
        size_t i = 2;
        for (; i + 1 < n && k + 1 < cap; i += 2) {
            unsigned u = le ? (unsigned)b[i] | (unsigned)b[i + 1] << 8 : (unsigned)b[i] << 8 | b[i + 1];
            buf[k++] = u < 0x80 && u ? (char)u : '?';
        }
        v->complete = i + 1 >= n;
    } else {
        size_t i = n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;
        for (; i < n && k + 1 < cap; i++)
            buf[k++] = b[i] ? (char)b[i] : '?';
        v->complete = i >= n;
    }
    buf[k] = '\0';
    v->s = buf;
    v->n = k;
}

/* "a, b, c" of the sniffers whose parsers exist, into out. */
static void tried_names(char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < NSNIFFERS; i++) {
        if (!p2p_format_find(sniffers[i].format))
            continue;
        if (out[0])
            strncat(out, ", ", size - strlen(out) - 1);
        strncat(out, sniffers[i].format, size - strlen(out) - 1);
    }
}

int p2p_detect_score(const p2p_input *in, const char *format)
{
    char buf[SNIFF_WINDOW + 1];
    view v;
    for (size_t i = 0; i < NSNIFFERS; i++) {
        if (strcmp(sniffers[i].format, format) != 0)
            continue;
        make_view(in, buf, sizeof buf, &v);
        return sniffers[i].sniff(&v);
    }
    return -1;
}

int p2p_detect(const p2p_input *in, const p2p_format **out, p2p_diag *d)
{
    char buf[SNIFF_WINDOW + 1];
    view v;
    *out = NULL;
    make_view(in, buf, sizeof buf, &v);
    int best = NO;
    size_t nbest = 0, first = 0;
    char tied[256] = "";
    for (size_t i = 0; i < NSNIFFERS; i++) {
        if (!p2p_format_find(sniffers[i].format))
            continue;
        int s = sniffers[i].sniff(&v);
        if (s == NO || s < best)
            continue;
        if (s > best) {
            best = s;
            nbest = 0;
            first = i;
            tied[0] = '\0';
        }
        if (nbest)
            strncat(tied, " or ", sizeof tied - strlen(tied) - 1);
        strncat(tied, sniffers[i].format, sizeof tied - strlen(tied) - 1);
        nbest++;
    }
    char tried[256];
    tried_names(tried, sizeof tried);
    if (nbest == 1) {
        *out = p2p_format_find(sniffers[first].format);
        return 0;
    }
    if (nbest > 1)
        return p2p_diag_set(d, P2P_EUNSUPPORTED, 0, -1,
                            "cannot tell the format of this input: it could be %s; give it with -f "
                            "(formats tried: %s)",
                            tied, tried);
    return p2p_diag_set(d, P2P_EUNSUPPORTED, 0, -1,
                        "cannot tell the format of this input: it looks like none of the formats tried (%s); "
                        "give it with -f",
                        tried);
}
