/* VTune Amplifier XE "gprof-cc" text report (`-f axe`), as gprof2dot's
 * AXEParser reads it.
 *
 * The report looks like gprof's call graph with VTune's columns:
 *
 *   Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name   Index
 *   -----  ----------------  -------------  -----------------  -----  -----
 *                            0.0            3.120                main   [3]
 *   [1]    100.0             0.0            3.120              start  [1]
 *                            0.5            2.620                work   [2]
 *   <a line of spaces>
 *   ...
 *   Index  Function
 *
 * Leading `Index ` and `----- ` lines are skipped; the call graph ends at
 * the line `Index Function` (VTune's index by name follows).  Entries are
 * separated by lines of whitespace.  In an entry, the lines before the first
 * line that starts with `[` are its parents (checked, never used), that
 * line is the primary `[index] %total self children NAME [<cycle N>]
 * [index]`, and the lines after it are the children `[self] [children]
 * NAME [<cycle N>] [index]`.  An entry with a line that holds "as a whole"
 * is a cycle entry `[index] %total self children <cycle N as a whole>
 * [index]`: it only makes cycle N known.  Each of gprof2dot's regular
 * expressions has a matcher below that gives the same captures, with `\s`
 * as Python's Unicode whitespace and NAME the shortest string for which the
 * rest of the line matches.
 *
 * The profile (built at the end, in gprof2dot's order): a function per
 * primary line, id = its index, TIME = its self column, TOTAL_TIME_RATIO =
 * its % column / 100; the cycles of the "as a whole" entries in file order,
 * then any cycle only a member names; a call per child line, with the
 * caller's TOTAL_TIME_RATIO as a stand-in weight (the report has no call
 * counts).  The profile's TIME is the sum of the functions'.  The derived
 * events (TIME_RATIO, call ratios from those weights, the calls' inclusive
 * fractions) come later: P2P_DERIVE_AXE.  gprof2dot warns on every run
 * that these edge weights are estimates; prof2png says so in its README
 * instead, and keeps stderr for problems of the input.
 *
 * Deliberate differences from gprof2dot, which fails or crashes on these:
 *  - the end of the input ends the call graph (gprof2dot: "unexpected end
 *    of file", nothing drawn) with a warning, and the lines after the last
 *    separator are read as an entry;
 *  - an empty line separates entries as a line of spaces does (gprof2dot
 *    takes empty lines as entry lines, so a report whose trailing spaces
 *    were trimmed becomes one entry, and it then crashes);
 *  - a child with no entry of its own becomes a node with no self time and
 *    no inclusive time (gprof2dot crashes: it gives the node no time at all
 *    and zeroes the caller's self time instead); a child line without an
 *    `[index]` is skipped with a warning (gprof2dot crashes);
 *  - a UTF-8 or UTF-16 (LE or BE) byte-order mark is removed, UTF-16 is
 *    transcoded, invalid UTF-8 in names becomes U+FFFD (gprof2dot stops
 *    with a decoding error);
 *  - an input without a single function entry is an error (P2P_EFORMAT);
 *  - a name made of digits, or digits '.' digits, stays as written
 *    (gprof2dot turns it into a number: `1.50` would show as `1.5`);
 *  - numbers above 2^63 make their line unrecognised (Python takes any
 *    size), `\d` is ASCII digits only; warnings about single lines stop
 *    after WARN_LIMIT.
 *
 * The input is read once, in place; nothing recurses.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyscan.h"
#include "samples.h"
#include "../util/utf8.h"

typedef unsigned char uchar;

#define WARN_LIMIT 50

/* ---- characters ------------------------------------------------------ */

/* D '.' D at s[a..b) as Python's float() reads it (correctly rounded):
 * strtod on a copy, with the decimal point of the C locale.  false when the
 * value is beyond 2^63 (or does not fit the copy). */
static bool to_float(const uchar *s, size_t a, size_t b, double *out)
{
    char buf[80];
    if (b - a >= sizeof buf)
        return false;
    memcpy(buf, s + a, b - a);
    buf[b - a] = '\0';
    /* strtod follows LC_NUMERIC; the program never changes it from "C",
     * but be safe with a fixed-point reading when it was changed */
    char *end;
    double x = strtod(buf, &end);
    if (*end != '\0') {
        x = 0.0;
        double scale = 1.0;
        bool frac = false;
        for (size_t i = a; i < b; i++) {
            if (s[i] == '.') {
                frac = true;
                continue;
            }
            if (frac) {
                scale /= 10.0;
                x += (s[i] - '0') * scale;
            } else {
                x = x * 10.0 + (s[i] - '0');
            }
        }
    }
    if (!(x <= 9.2e18))
        return false;
    *out = x;
    return true;
}

/* s[i..) starts with D '.' D followed by whitespace or the end: returns the
 * end, or 0. */
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

static bool is_blank(const uchar *s, size_t n)
{
    return p2p_scan_skip_ws(s, n, 0, NULL) == n;
}

/* ---- the end of entry lines ------------------------------------------- */

/* Primary, parent and child lines end in
 *   NAME [ws+ '<cycle' WS1 D '>'] [ws+ '[' D ']' ws*] ws* END
 * (the index is mandatory on primary lines).  Read from the end: the
 * positions where the suffix after NAME can start. */
typedef struct tail {
    bool has_index;
    size_t idx_run;  /* where the whitespace before '[' starts */
    int64_t index;
    bool tag;        /* a cycle tag ends right before idx_run (or the end) */
    size_t tag_run;  /* where the whitespace before '<cycle' starts */
    int64_t cycle;
    size_t end;      /* after the last non-whitespace character */
} tail;

static void find_tail(const uchar *s, size_t n, tail *t)
{
    memset(t, 0, sizeof *t);
    size_t e = n, w;
    while ((w = p2p_scan_ws_before(s, e)))
        e -= w;
    t->end = e;
    size_t before = e; /* where a cycle tag would have to end */
    if (e >= 4 && s[e - 1] == ']') {
        size_t j = e - 1;
        while (j > 0 && p2p_scan_is_digit(s[j - 1]))
            j--;
        if (j < e - 1 && j >= 2 && s[j - 1] == '[' && (w = p2p_scan_ws_before(s, j - 1)) &&
            p2p_scan_to_int(s, j, e - 1, &t->index)) {
            size_t r = j - 1 - w;
            while ((w = p2p_scan_ws_before(s, r)))
                r -= w;
            t->has_index = true;
            t->idx_run = r;
            before = r;
        }
    }
    /* ws+ '<cycle' WS1 D '>' ending at `before` */
    size_t x = before;
    if (x < 10 || s[x - 1] != '>')
        return;
    size_t d = x - 1;
    while (d > 0 && p2p_scan_is_digit(s[d - 1]))
        d--;
    if (d == x - 1 || !(w = p2p_scan_ws_before(s, d)))
        return;
    size_t lt = d - w;
    if (lt < 7 || memcmp(s + lt - 6, "<cycle", 6) != 0)
        return;
    lt -= 6;
    size_t r = lt;
    while ((w = p2p_scan_ws_before(s, r)))
        r -= w;
    if (r == lt || !p2p_scan_to_int(s, d, x - 1, &t->cycle))
        return;
    t->tag = true;
    t->tag_run = r;
}

typedef struct fields {
    int64_t index;        /* primary: the final [D] (the leading one is the same) */
    bool has_index;
    double pct, self;
    bool has_cycle;
    int64_t cycle;
    const uchar *name;
    size_t name_len;
} fields;

/* NAME, the shortest, starting at the non-whitespace s[start]; the suffix
 * may start at tag_run, idx_run or the end, whichever is the first after
 * start.  need_index: the suffix must hold the index. */
static bool name_from(const tail *t, const uchar *s, size_t start, bool need_index, fields *f)
{
    if (need_index && !t->has_index)
        return false;
    f->name = s + start;
    f->has_cycle = false;
    f->has_index = false;
    if (t->tag && t->tag_run > start) {
        f->name_len = t->tag_run - start;
        f->has_cycle = true;
        f->cycle = t->cycle;
        f->has_index = t->has_index;
        f->index = t->index;
        return true;
    }
    if (t->has_index && t->idx_run > start) {
        f->name_len = t->idx_run - start;
        f->has_index = true;
        f->index = t->index;
        return true;
    }
    if (need_index || t->end <= start)
        return false;
    f->name_len = t->end - start;
    return true;
}

/* `'[' D ']'? ws F ws F ws F` at the start of a primary or cycle header
 * line: the position after the third number, or 0. */
static size_t primary_columns(const uchar *s, size_t n, fields *f)
{
    if (n == 0 || s[0] != '[')
        return 0;
    size_t i = p2p_scan_skip_digits(s, n, 1);
    int64_t lead;
    if (i == 1 || !p2p_scan_to_int(s, 1, i, &lead))
        return 0;
    f->index = lead;
    if (i < n && s[i] == ']')
        i++;
    for (int col = 0; col < 3; col++) {
        size_t c, j = p2p_scan_skip_ws(s, n, i, &c);
        if (!c)
            return 0;
        size_t k = float_token(s, n, j);
        if (!k)
            return 0;
        double v;
        if (!to_float(s, j, k, &v))
            return 0;
        if (col == 0)
            f->pct = v;
        else if (col == 1)
            f->self = v;
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
    size_t c, q = p2p_scan_skip_ws(s, n, i, &c);
    if (!c || q >= n)
        return false;
    tail t;
    find_tail(s, n, &t);
    /* the function's index is the leading one */
    int64_t lead = f->index;
    if (!name_from(&t, s, q, true, f))
        return false;
    f->index = lead;
    return true;
}

/* gprof2dot's _cg_parent_re (= _cg_child_re):
 *   ws+ [F] ws+ [F] ws+ NAME [ws+ <cycle WS1 D>] [ws+ [D] ws*] ws* END
 * The numbers are whole tokens; a missing one leaves two `ws+` side by
 * side, which then need two whitespace characters.  Only NAME and the
 * captures after it are kept (the numbers are never used). */
static bool match_pc(const uchar *s, size_t n, fields *f)
{
    memset(f, 0, sizeof *f);
    size_t w[3], st[3], en[3], ntok = 0, i = 0;
    while (ntok < 3) {
        st[ntok] = p2p_scan_skip_ws(s, n, i, &w[ntok]);
        if (st[ntok] >= n)
            break;
        en[ntok] = p2p_scan_token_end(s, n, st[ntok]);
        i = en[ntok];
        ntok++;
    }
    if (ntok == 0 || w[0] == 0)
        return false;
    bool fl0 = float_token(s, n, st[0]) == en[0];
    bool fl1 = ntok >= 2 && float_token(s, n, st[1]) == en[1];
    size_t start;
    if (ntok >= 3 && fl0 && fl1)
        start = st[2]; /* self and children */
    else if (ntok >= 2 && fl0 && (w[1] >= 2 || w[0] >= 2))
        start = st[1]; /* one of them */
    else if (w[0] >= 3)
        start = st[0]; /* neither */
    else
        return false;
    tail t;
    find_tail(s, n, &t);
    return name_from(&t, s, start, false, f);
}

/* `WS1 word` at s[i..): the end, or 0. */
static size_t ws1_word(const uchar *s, size_t n, size_t i, const char *word)
{
    size_t w = i < n ? p2p_scan_ws_at(s, n, i) : 0;
    size_t len = strlen(word);
    if (!w || n - (i + w) < len || memcmp(s + i + w, word, len) != 0)
        return 0;
    return i + w + len;
}

/* gprof2dot's _cg_cycle_header_re:
 *   '[' D ']'? ws F ws F ws F ws '<cycle' WS1 D WS1 'as' WS1 'a' WS1 'whole>'
 *   ws '[' D ']' ws* END */
static bool match_cycle_header(const uchar *s, size_t n, int64_t *cycle)
{
    fields f;
    memset(&f, 0, sizeof f);
    size_t i = primary_columns(s, n, &f);
    if (!i)
        return false;
    size_t c;
    i = p2p_scan_skip_ws(s, n, i, &c);
    if (!c || n - i < 6 || memcmp(s + i, "<cycle", 6) != 0)
        return false;
    i += 6;
    size_t w = i < n ? p2p_scan_ws_at(s, n, i) : 0;
    if (!w)
        return false;
    size_t d = i + w, e = p2p_scan_skip_digits(s, n, d);
    if (e == d || !p2p_scan_to_int(s, d, e, cycle))
        return false;
    if (!(i = ws1_word(s, n, e, "as")) || !(i = ws1_word(s, n, i, "a")) || !(i = ws1_word(s, n, i, "whole>")))
        return false;
    i = p2p_scan_skip_ws(s, n, i, &c);
    if (!c || i >= n || s[i] != '[')
        return false;
    e = p2p_scan_skip_digits(s, n, i + 1);
    if (e == i + 1 || e >= n || s[e] != ']')
        return false;
    return p2p_scan_skip_ws(s, n, e + 1, NULL) == n;
}

/* gprof2dot's _cg_header_re: `Index ` or five or more dashes and a space. */
static bool match_header(const uchar *s, size_t n)
{
    if (n >= 6 && memcmp(s, "Index ", 6) == 0)
        return true;
    size_t i = 0;
    while (i < n && s[i] == '-')
        i++;
    return i >= 5 && i < n && s[i] == ' ';
}

/* gprof2dot's _cg_footer_re: `Index ws+ Function ws* END`. */
static bool match_footer(const uchar *s, size_t n)
{
    if (n < 5 || memcmp(s, "Index", 5) != 0)
        return false;
    size_t c, i = p2p_scan_skip_ws(s, n, 5, &c);
    if (!c || n - i < 8 || memcmp(s + i, "Function", 8) != 0)
        return false;
    return p2p_scan_skip_ws(s, n, i + 8, NULL) == n;
}

static bool contains(const uchar *s, size_t n, const char *what)
{
    size_t k = strlen(what);
    return n >= k && memmem(s, n, what, k) != NULL;
}

/* ---- the parser ------------------------------------------------------- */

typedef struct line {
    const uchar *s;
    size_t n;
    long no;
} line;

typedef struct aentry {
    int64_t index, cycle;
    double pct, self;
    const uchar *name;
    size_t name_len;
    bool has_cycle;
    long no;
    size_t first_child, nchildren;
    p2p_fid fid;
} aentry;

typedef struct achild {
    int64_t index;
    const uchar *name;
    size_t name_len;
    long no;
} achild;

typedef struct ax {
    const p2p_parse_opts *o;
    line *pending;
    size_t npending, cappending;
    aentry *ents;
    size_t nents, capents;
    achild *kids;
    size_t nkids, capkids;
    p2p_u64map slot;       /* entry index -> slot in ents */
    int64_t *cycnums;      /* cycle numbers of "as a whole" entries */
    size_t ncyc, capcyc;
    p2p_u64map cyc_seen;
    p2p_buf scratch;
    unsigned long warned;
    long repaired_line;
    bool repaired, oom;
} ax;

static void warnf(const ax *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const ax *a, const char *fmt, ...)
{
    if (!a->o || !a->o->warn)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    a->o->warn(a->o->warn_ctx, msg);
}

static void warn_line(ax *a, const line *l, const char *what)
{
    if (++a->warned > WARN_LIMIT)
        return;
    char q[96];
    p2p_smp_excerpt(l->s, l->n, q, sizeof q);
    warnf(a, "line %ld: %s: '%s'", l->no, what, q);
}

static bool grow(void *arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 64;
    if (nc > SIZE_MAX / sz)
        return false;
    void *p = realloc(*(void **)arr, nc * sz);
    if (!p)
        return false;
    *(void **)arr = p;
    *cap = nc;
    return true;
}

static bool is_spontaneous(const fields *f)
{
    return f->name_len == 13 && memcmp(f->name, "<spontaneous>", 13) == 0;
}

static void parse_function_entry(ax *a, const line *ls, size_t n)
{
    fields f;
    size_t i = 0;
    /* parents: checked for the warning only, never used */
    while (i < n && ls[i].s[0] != '[') {
        if (!match_pc(ls[i].s, ls[i].n, &f))
            warn_line(a, &ls[i], "unrecognized call graph line (parent)");
        i++;
    }
    if (i == n) {
        warn_line(a, &ls[0], "call graph entry without a primary '[index]' line ignored");
        return;
    }
    if (!match_primary(ls[i].s, ls[i].n, &f)) {
        warn_line(a, &ls[i], "unrecognized primary line, entry ignored (expected '[index] %total self children "
                             "name [index]')");
        return;
    }
    if (is_spontaneous(&f))
        return;
    aentry e = {.index = f.index,
                .cycle = f.cycle,
                .pct = f.pct,
                .self = f.self,
                .name = f.name,
                .name_len = f.name_len,
                .has_cycle = f.has_cycle,
                .no = ls[i].no,
                .first_child = a->nkids,
                .fid = P2P_NONE};
    for (i++; i < n; i++) {
        if (!match_pc(ls[i].s, ls[i].n, &f)) {
            warn_line(a, &ls[i], "unrecognized call graph line (child)");
            continue;
        }
        if (is_spontaneous(&f))
            continue;
        if (!f.has_index) {
            warn_line(a, &ls[i], "child line without an '[index]' skipped");
            continue;
        }
        if (!grow(&a->kids, &a->capkids, a->nkids, sizeof *a->kids)) {
            a->oom = true;
            return;
        }
        a->kids[a->nkids++] = (achild){f.index, f.name, f.name_len, ls[i].no};
    }
    e.nchildren = a->nkids - e.first_child;
    /* a later entry with the same index replaces the earlier one in place */
    uint32_t slot = p2p_u64map_get(&a->slot, (uint64_t)e.index);
    if (slot != UINT32_MAX) {
        a->ents[slot] = e;
        return;
    }
    if (a->nents >= UINT32_MAX - 1 || !grow(&a->ents, &a->capents, a->nents, sizeof *a->ents) ||
        p2p_u64map_put(&a->slot, (uint64_t)e.index, (uint32_t)a->nents) < 0) {
        a->oom = true;
        return;
    }
    a->ents[a->nents++] = e;
}

static void parse_cycle_entry(ax *a, const line *ls, size_t n)
{
    fields f;
    size_t i = 0;
    while (i < n && ls[i].s[0] != '[') {
        if (!match_pc(ls[i].s, ls[i].n, &f))
            warn_line(a, &ls[i], "unrecognized call graph line (parent)");
        i++;
    }
    int64_t cycle;
    if (i == n) {
        warn_line(a, &ls[0], "cycle entry without its '<cycle N as a whole>' line ignored");
        return;
    }
    if (!match_cycle_header(ls[i].s, ls[i].n, &cycle)) {
        warn_line(a, &ls[i], "unrecognized cycle line, entry ignored");
        return;
    }
    /* the member lines are never used */
    if (p2p_u64map_get(&a->cyc_seen, (uint64_t)cycle) != UINT32_MAX)
        return;
    if (a->ncyc >= UINT32_MAX - 1 || !grow(&a->cycnums, &a->capcyc, a->ncyc, sizeof *a->cycnums) ||
        p2p_u64map_put(&a->cyc_seen, (uint64_t)cycle, (uint32_t)a->ncyc) < 0) {
        a->oom = true;
        return;
    }
    a->cycnums[a->ncyc++] = cycle;
}

static void parse_entry(ax *a)
{
    const line *ls = a->pending;
    size_t n = a->npending;
    a->npending = 0;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (contains(ls[i].s, ls[i].n, "as a whole")) {
            parse_cycle_entry(a, ls, n);
            return;
        }
    }
    parse_function_entry(a, ls, n);
}

/* Intern a name, invalid UTF-8 (and NUL) replaced by U+FFFD. */
static const char *intern_name(ax *a, p2p_profile *p, const uchar *s, size_t n, long no)
{
    size_t i = 0;
    while (i < n && s[i] < 0x80 && s[i])
        i++;
    if (i == n || (p2p_utf8_valid((const char *)s + i, n - i) && !memchr(s + i, 0, n - i)))
        return p2p_profile_intern(p, (const char *)s, n);
    p2p_buf *b = &a->scratch;
    b->len = 0;
    p2p_utf8_repair(b, (const char *)s, n, true);
    if (b->oom)
        return NULL;
    if (!a->repaired) {
        a->repaired = true;
        a->repaired_line = no;
    }
    return p2p_profile_intern(p, b->data, b->len);
}

static p2p_fid add_function(ax *a, p2p_profile *p, int64_t id, const uchar *name, size_t len, long no,
                            double self, double ttr)
{
    const char *nm = intern_name(a, p, name, len, no);
    if (!nm)
        return P2P_NONE;
    p2p_fid f = p2p_profile_add_int(p, id, nm);
    if (f == P2P_NONE)
        return P2P_NONE;
    p2p_ev_set(&p->functions[f].ev, P2P_TIME, self);
    p2p_ev_set(&p->functions[f].ev, P2P_TOTAL_TIME_RATIO, ttr);
    return f;
}

static int build(ax *a, p2p_profile *p, p2p_diag *d)
{
    p2p_u64map cyc;
    p2p_u64map_init(&cyc);
    int rc = 0;
    unsigned long stubs = 0;
    long stub_line = 0;
    for (size_t i = 0; i < a->ncyc; i++) {
        uint32_t c = p2p_profile_add_cycle(p);
        if (c == P2P_NONE || p2p_u64map_put(&cyc, (uint64_t)a->cycnums[i], c) < 0)
            goto oom;
    }
    p2p_ev_set(&p->ev, P2P_TIME, 0.0);
    for (size_t i = 0; i < a->nents; i++) {
        aentry *e = &a->ents[i];
        /* children without an entry of their own first, as gprof2dot */
        for (size_t k = e->first_child; k < e->first_child + e->nchildren; k++) {
            const achild *c = &a->kids[k];
            if (p2p_u64map_get(&a->slot, (uint64_t)c->index) != UINT32_MAX ||
                p2p_profile_find_int(p, c->index) != P2P_NONE)
                continue;
            if (!stubs++)
                stub_line = c->no;
            if (add_function(a, p, c->index, c->name, c->name_len, c->no, 0.0, 0.0) == P2P_NONE)
                goto oom;
        }
        e->fid = add_function(a, p, e->index, e->name, e->name_len, e->no, e->self, e->pct / 100.0);
        if (e->fid == P2P_NONE)
            goto oom;
        if (e->has_cycle) {
            uint32_t c = p2p_u64map_get(&cyc, (uint64_t)e->cycle);
            if (c == UINT32_MAX) {
                warnf(a, "line %ld: <cycle %lld as a whole> entry missing", e->no, (long long)e->cycle);
                c = p2p_profile_add_cycle(p);
                if (c == P2P_NONE || p2p_u64map_put(&cyc, (uint64_t)e->cycle, c) < 0)
                    goto oom;
            }
            if (p2p_profile_cycle_add(p, c, e->fid) < 0)
                goto oom;
        }
        p->ev.v[P2P_TIME] += e->self;
    }
    if (stubs)
        warnf(a, "line %ld: %lu function%s named only as a callee, without an entry of %s own, drawn with no time",
              stub_line, stubs, stubs == 1 ? "" : "s", stubs == 1 ? "its" : "their");
    for (size_t i = 0; i < a->nents; i++) {
        const aentry *e = &a->ents[i];
        double ttr = e->pct / 100.0;
        for (size_t k = e->first_child; k < e->first_child + e->nchildren; k++) {
            const achild *c = &a->kids[k];
            p2p_fid callee = p2p_profile_find_int(p, c->index);
            bool created;
            uint32_t call = p2p_profile_get_call(p, e->fid, callee, &created);
            if (call == P2P_NONE)
                goto oom;
            if (!created && ++a->warned <= WARN_LIMIT)
                warnf(a, "line %ld: overwriting call from function %lld to %lld", c->no, (long long)e->index,
                      (long long)c->index);
            /* no call counts: the caller's inclusive fraction stands in */
            p2p_ev_set(&p->calls[call].ev, P2P_TOTAL_TIME_RATIO, ttr);
        }
    }
    goto out;
oom:
    rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory building the profile");
out:
    p2p_u64map_free(&cyc);
    return rc;
}

static void ax_free(ax *a)
{
    free(a->pending);
    free(a->ents);
    free(a->kids);
    free(a->cycnums);
    p2p_u64map_free(&a->slot);
    p2p_u64map_free(&a->cyc_seen);
    p2p_buf_free(&a->scratch);
}

/* VTune gprof-cc text: one input.  See the top of this file.  Returns 0
 * with *out set, or P2P_EUSAGE (not one input), P2P_EFORMAT (no function
 * entry), P2P_ENOMEM. */
int p2p_parse_axe(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the axe format reads one input, %zu were given", n);
    if (d && !d->file)
        d->file = inputs[0].name;
    p2p_smp_text t;
    int rc = p2p_smp_text_init(&t, &inputs[0], d);
    if (rc)
        return rc;
    ax a;
    memset(&a, 0, sizeof a);
    a.o = o;
    p2p_u64map_init(&a.slot);
    p2p_u64map_init(&a.cyc_seen);
    p2p_buf_init(&a.scratch);

    const uchar *s;
    size_t len;
    bool header = true, footer = false;
    long first_line = 0;
    char first_text[96] = "";
    while (!a.oom && p2p_smp_text_next(&t, &s, &len)) {
        if (header) {
            if (match_header(s, len))
                continue;
            header = false;
        }
        if (match_footer(s, len)) {
            footer = true;
            break;
        }
        /* VTune's "Index by function name" heading before the footer */
        if (len >= 6 && memcmp(s, "Index ", 6) == 0)
            continue;
        if (!first_line && !is_blank(s, len)) {
            first_line = t.line;
            p2p_smp_excerpt(s, len, first_text, sizeof first_text);
        }
        if (is_blank(s, len)) {
            parse_entry(&a);
            continue;
        }
        if (!grow(&a.pending, &a.cappending, a.npending, sizeof *a.pending)) {
            a.oom = true;
            break;
        }
        a.pending[a.npending++] = (line){s, len, t.line};
    }
    p2p_profile *prof = NULL;
    if (a.oom) {
        rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
        goto done;
    }
    if (footer) {
        /* gprof2dot drops what follows the last separator: VTune puts the
         * heading of its index there */
        for (size_t i = 0; i < a.npending; i++) {
            if (a.pending[i].s[0] == '[') {
                warnf(&a, "line %ld: the lines after the last blank line before 'Index Function' were ignored",
                      a.pending[0].no);
                break;
            }
        }
        a.npending = 0;
    } else if (a.nents || a.npending) {
        warnf(&a, "line %ld: the input ends before the 'Index Function' line that closes the call graph; it may "
                  "be truncated",
              t.line);
        parse_entry(&a);
    }
    if (a.oom) {
        rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
        goto done;
    }
    if (!a.nents) {
        if (first_line)
            rc = p2p_diag_set(d, P2P_EFORMAT, first_line, -1,
                              "expected VTune gprof-cc call graph entries ('[index] %%total self children name "
                              "[index]' between lines of spaces), but none was found; line %ld is '%s'",
                              first_line, first_text);
        else
            rc = p2p_diag_set(d, P2P_EFORMAT, 0, -1, "no VTune gprof-cc call graph entry found");
        goto done;
    }
    prof = p2p_profile_new(P2P_ID_INT);
    if (!prof) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto done;
    }
    rc = build(&a, prof, d);
    if (a.warned > WARN_LIMIT)
        warnf(&a, "%lu more unrecognized or repeated call graph lines skipped", a.warned - WARN_LIMIT);
    if (a.repaired)
        warnf(&a, "line %ld: invalid UTF-8 in function names was replaced by U+FFFD (the first)", a.repaired_line);
    if (rc) {
        p2p_profile_free(prof);
        prof = NULL;
    }
done:
    ax_free(&a);
    p2p_smp_text_free(&t);
    *out = prof;
    return rc;
}
