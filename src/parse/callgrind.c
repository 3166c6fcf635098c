/* Callgrind and cachegrind output (`-f callgrind`): valgrind's Callgrind
 * Format Specification (cl-format), with gprof2dot's semantics (SEMANTICS.md
 * §4): a function is identified by its bare name, its module is the basename
 * of the object in effect when it is first seen, `cob` follows `ob` only at
 * self-cost lines, one event is used (the first unless opts->event names
 * another), `calls=` is followed by the call's inclusive cost line, and
 * self-calls are kept.
 *
 * Deliberate differences from gprof2dot (which crashes or stops on these):
 * an unknown line is skipped with a warning instead of ending the parse; a
 * UTF-8 byte-order mark is skipped and UTF-16 input (LE or BE) is transcoded; cost
 * lines with too many or too few numbers are accepted; `jfn=`/`jfl=`/`job=`
 * only define names; a bare `fn=` names the function "(unknown)"; a cost
 * line before any `events:` line is an error; tabs may separate numbers;
 * costs may be hexadecimal; invalid UTF-8 in names becomes U+FFFD.
 *
 * Speed: the input is scanned once, line by line, with no allocation per
 * line.  Numbers are parsed by hand and only the chosen event column is
 * converted; runs of ordinary self-cost lines (most of any file) take a
 * fast path that sums in registers, and everything else goes through the
 * general code, which warns.  Compressed names `(id)` resolve through arrays indexed by id
 * (a hash map takes ids that are huge or written with leading zeros).  A
 * function name is looked up once in the profile's name table, whose entry
 * also keeps the function's index, so an uncompressed `fn=NAME` line costs
 * one hash lookup.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "prof2png/parse.h"
#include "../util/utf8.h"
#include "../util/util.h"

/* A name (or object path) longer than this is skipped with a warning. */
#define NAME_LIMIT ((size_t)1 << 20)
/* Compression ids below this always go in the dense arrays. */
#define DENSE_MIN ((uint64_t)1 << 16)
/* ... and the arrays never grow past this many entries. */
#define DENSE_MAX ((uint64_t)1 << 24)
#define NONE32 UINT32_MAX

/* ---- characters ----------------------------------------------------- */

/* Character classes, as one table lookup. */
enum { C_DIG = 1, C_HEX = 2, C_BLANK = 4, C_EOL = 8, C_WORD = 16, C_COST = 32 /* a cost line starts so */ };
static const unsigned char cls[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  4,  8,  4,  4,  8,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  4,  4,  4,  4,
     4,  0,  0,  0,  0,  0,  0,  0,  0,  0, 32, 32,  0, 32,  0,  0,
    51, 51, 51, 51, 51, 51, 51, 51, 51, 51,  0,  0,  0,  0,  0,  0,
     0, 18, 18, 18, 18, 18, 18, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,  0,  0,  0,  0, 16,
     0, 18, 18, 18, 18, 18, 18, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
};
#define CL(c) cls[(unsigned char)(c)]

static inline int is_digit(unsigned c) { return CL(c) & C_DIG; }
static inline int is_hex(unsigned c) { return CL(c) & C_HEX; }
static inline int is_eol(unsigned c) { return CL(c) & C_EOL; }
/* Python's str.isspace() on ASCII, minus the line ends. */
static inline int is_blank(unsigned c) { return CL(c) & C_BLANK; }
static inline int is_word(unsigned c) { return CL(c) & C_WORD; }

/* The first '\n' or '\r' at or after p.  One is known to exist before end. */
static const unsigned char *find_eol(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)));
        if (m)
            return p + __builtin_ctz((unsigned)m);
        p += 16;
    }
#else
    (void)end;
#endif
    while (!is_eol(*p))
        p++;
    return p;
}

/* ---- distinct object paths (function names are in the profile's table) -- */

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

typedef struct strent {
    const char *raw;  /* the bytes as read (arena), for comparison */
    const char *val;  /* interned: the name, or the object's basename */
    uint32_t rawlen;
    uint32_t hlo;     /* low half of the hash, for rehashing */
    bool repaired;    /* val differs from raw (bad UTF-8) */
} strent;

typedef struct strtab {
    strent *e;
    uint32_t n, cap;
    uint64_t *slots;  /* hash << 32 | (entry index + 1); 0 = empty */
    size_t nslots;    /* power of two */
} strtab;

static void strtab_free(strtab *t)
{
    free(t->e);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* ---- compression tables: (id) -> strtab index ------------------------- */

typedef struct idmap {
    uint32_t *dense;  /* by numeric id, NONE32 = undefined */
    size_t cap;
    uint32_t ndefs;
    p2p_u64map num;   /* other canonical ids, by value */
    p2p_u64map str;   /* ids with leading zeros or very long, by interned digits */
} idmap;

static void idmap_free(idmap *m)
{
    free(m->dense);
    p2p_u64map_free(&m->num);
    p2p_u64map_free(&m->str);
    memset(m, 0, sizeof *m);
}

static void idmap_reset(idmap *m)
{
    if (m->dense)
        memset(m->dense, 0xff, m->cap * sizeof *m->dense);
    m->ndefs = 0;
    p2p_u64map_free(&m->num);
    p2p_u64map_free(&m->str);
}

/* ---- the parser ------------------------------------------------------- */

enum wkind {
    W_UNKNOWN,   /* a line of no known form */
    W_EXTRA,     /* more numbers than positions + events */
    W_FEW,       /* fewer numbers than positions */
    W_BADID,     /* (id) used before it was defined */
    W_NOCOST,    /* calls= not followed by its cost line */
    W_BADCALLS,  /* calls= without a count */
    W_BADCOST,   /* the chosen cost is not a number */
    W_LONG,      /* a name beyond NAME_LIMIT */
    W_NOEOL,     /* no line end at the end of the input */
    W_UTF8,      /* a name with invalid UTF-8 (issue 7 item 4) */
    W_NKINDS
};

typedef struct wstat {
    long first;  /* line of the first occurrence */
    long count;
    char text[72];
} wstat;

/* Per-input position state. */
typedef struct pos {
    uint32_t fn, cfn;            /* entries of the profile's name table */
    const char *ob_mod, *cob_mod; /* basename of ob/cob, NULL = none */
    bool ob_set, cob_set;        /* the slot has been assigned */
} pos;

typedef struct parser {
    p2p_profile *p;
    const p2p_parse_opts *o;
    p2p_diag *d;
    const char *file;      /* current input's name */
    const p2p_input *in;   /* current input: parsed bytes are released */
    bool name_in_warnings; /* several inputs: say which one */
    strtab objs;
    p2p_u64map repairs;    /* name entry with bad UTF-8 -> entry of its repair */
    idmap fn_ids, ob_ids;
    uint32_t name_empty, name_unknown;
    /* per input */
    long line;
    uint32_t npos, nev, evk; /* positions, events, chosen event index */
    bool have_events;
    bool pending;            /* a calls= line waits for its cost line */
    int64_t pending_calls;
    long pending_line;
    pos s;
    wstat w[W_NKINDS];
    /* self cost being summed for one function (flushed when it changes) */
    p2p_fid acc_fid;
    double acc, total;
    /* over all inputs */
    bool any_events;
    bool any_repaired;       /* some name had bad UTF-8 */
    int err;                 /* the error that stopped the parse */
    char *fixbuf;            /* UTF-8 repair scratch */
    size_t fixcap;
} parser;

static int oom(parser *ps)
{
    return p2p_diag_set(ps->d, P2P_ENOMEM, ps->line, -1, "out of memory");
}

/* The length of the valid UTF-8 sequence at s[0..n) (n > 0), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        k = 1, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        k = 2, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        k = 3, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (k >= n)
        return 0;
    for (size_t j = 1; j <= k; j++) {
        if ((s[j] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k + 1;
}

/* Printable excerpt of a line for messages: control characters and bytes
 * that are not UTF-8 are written as \xNN, and a long line is cut with "...". */
static void excerpt(char *out, size_t size, const unsigned char *s, const unsigned char *e)
{
    size_t o = 0;
    while (s < e) {
        unsigned c = *s;
        size_t k = c >= 0x20 && c != 0x7f ? utf8_len(s, (size_t)(e - s)) : 0;
        size_t w = k ? k : 4;
        if (o + w + 4 > size)
            break;
        if (k) {
            memcpy(out + o, s, k);
            o += k;
            s += k;
        } else {
            snprintf(out + o, size - o, "\\x%02x", c);
            o += 4;
            s++;
        }
    }
    if (s < e) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

static void note(parser *ps, enum wkind k, const unsigned char *s, const unsigned char *e)
{
    wstat *w = &ps->w[k];
    if (w->count++ == 0) {
        w->first = ps->line;
        if (s)
            excerpt(w->text, sizeof w->text, s, e);
        else
            w->text[0] = '\0';
    }
}

/* The line after calls= was not its cost line: gprof2dot drops the call. */
static void drop_pending(parser *ps)
{
    if (!ps->pending)
        return;
    long l = ps->line;
    ps->line = ps->pending_line;
    note(ps, W_NOCOST, NULL, NULL);
    ps->line = l;
    ps->pending = false;
}

static void warnf(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(parser *ps, const char *fmt, ...)
{
    if (!ps->o || !ps->o->warn)
        return;
    char msg[600];
    int n = 0;
    if (ps->name_in_warnings)
        n = snprintf(msg, sizeof msg, "%s: ", ps->file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    ps->o->warn(ps->o->warn_ctx, msg);
}

static const char *const wmsg[W_NKINDS] = {
    [W_UNKNOWN] = "unexpected line skipped",
    [W_EXTRA] = "cost line with more numbers than positions and events; the extra ones are ignored",
    [W_FEW] = "cost line with fewer numbers than positions; its costs are taken as 0",
    [W_BADID] = "name id used before it was defined; the name is taken as empty",
    [W_NOCOST] = "calls= line not followed by its cost line; the call is dropped",
    [W_BADCALLS] = "calls= line without a call count; the call is dropped",
    [W_BADCOST] = "cost line whose cost is not a number; skipped",
    [W_LONG] = "name longer than 1 MiB; line skipped",
    [W_NOEOL] = "the last line has no line end: the file may be truncated",
    [W_UTF8] = "invalid UTF-8 in a name, drawn as U+FFFD",
};

static void flush_warnings(parser *ps)
{
    for (int k = 0; k < W_NKINDS; k++) {
        wstat *w = &ps->w[k];
        if (!w->count)
            continue;
        char more[48] = "";
        if (w->count > 1)
            snprintf(more, sizeof more, " (and %ld more like it)", w->count - 1);
        if (w->text[0])
            warnf(ps, "line %ld: %s: '%s'%s", w->first, wmsg[k], w->text, more);
        else
            warnf(ps, "line %ld: %s%s", w->first, wmsg[k], more);
    }
    memset(ps->w, 0, sizeof ps->w);
}

/* Valid UTF-8 without NUL bytes: the name as is.  Otherwise a copy (in
 * ps->fixbuf) where each bad byte is U+FFFD.  NULL when out of memory. */
static const unsigned char *fix_utf8(parser *ps, const unsigned char *s, size_t *len)
{
    size_t n = *len, i = 0;
    /* ASCII without NUL, 8 bytes at a time */
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = load64(s + i);
        if ((w | ((w - ones) & ~w)) & high)
            break;
    }
    while (i < n && s[i] - 1u < 0x7fu)
        i++;
    if (i == n)
        return s;
    /* slow path: validate, and repair if needed */
    size_t need = n * 3 + 1;
    if (need > ps->fixcap) {
        char *b = realloc(ps->fixbuf, need);
        if (!b)
            return NULL;
        ps->fixbuf = b;
        ps->fixcap = need;
    }
    unsigned char *out = (unsigned char *)ps->fixbuf;
    size_t o = 0;
    bool changed = false;
    for (i = 0; i < n;) {
        size_t k = s[i] ? utf8_len(s + i, n - i) : 0;
        if (k) {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        } else {
            out[o++] = 0xef, out[o++] = 0xbf, out[o++] = 0xbd;
            i++;
            changed = true;
        }
    }
    if (!changed)
        return s;
    *len = o;
    return out;
}

/* Index of the entry for bytes s[0..n) in t, created when new.  `basename`:
 * the entry's value is the text after the last '/' (objects).  NONE32 when
 * out of memory. */
static uint32_t strtab_get(parser *ps, strtab *t, const unsigned char *s, size_t n, bool basename)
{
    uint64_t hv = p2p_hash_name(s, n);
    uint64_t tag = hv & 0xffffffff00000000ULL;
    if (t->nslots) {
        size_t j = (size_t)hv & (t->nslots - 1);
        uint64_t k;
        while ((k = t->slots[j]) != 0) {
            if ((k & 0xffffffff00000000ULL) == tag) {
                const strent *e = &t->e[(uint32_t)k - 1];
                if (e->rawlen == n && memcmp(e->raw, s, n) == 0)
                    return (uint32_t)k - 1;
            }
            j = (j + 1) & (t->nslots - 1);
        }
    }
    /* new entry */
    if ((size_t)(t->n + 1) * 4 > t->nslots * 3) {
        size_t ns = t->nslots ? t->nslots * 2 : 4096;
        uint64_t *sl = calloc(ns, sizeof *sl);
        if (!sl)
            return NONE32;
        for (size_t i = 0; i < t->nslots; i++) {
            uint64_t k = t->slots[i];
            if (!k)
                continue;
            size_t j = t->e[(uint32_t)k - 1].hlo & (ns - 1);
            while (sl[j])
                j = (j + 1) & (ns - 1);
            sl[j] = k;
        }
        free(t->slots);
        t->slots = sl;
        t->nslots = ns;
    }
    if (t->n == t->cap) {
        if (t->cap >= UINT32_MAX / 4)
            return NONE32;
        uint32_t cap = t->cap ? t->cap * 2 : 1024;
        strent *ne = realloc(t->e, (size_t)cap * sizeof *ne);
        if (!ne)
            return NONE32;
        t->e = ne;
        t->cap = cap;
    }
    const unsigned char *v = s;
    size_t vn = n, vn0;
    if (basename) {
        const unsigned char *slash = memrchr(s, '/', n);
        if (slash) {
            vn = n - (size_t)(slash + 1 - s);
            v = slash + 1;
        }
    }
    const unsigned char *v0 = v;
    vn0 = vn;
    v = fix_utf8(ps, v, &vn);
    if (!v)
        return NONE32;
    const char *val = p2p_profile_intern(ps->p, (const char *)v, vn);
    if (!val)
        return NONE32;
    const char *raw = val;
    if (basename || v != s) {
        char *copy = p2p_profile_alloc(ps->p, n + 1);
        if (!copy)
            return NONE32;
        memcpy(copy, s, n);
        copy[n] = '\0';
        raw = copy;
    }
    strent *e = &t->e[t->n];
    e->raw = raw;
    e->val = val;
    e->rawlen = (uint32_t)n;
    e->hlo = (uint32_t)hv;
    e->repaired = v != v0 || vn != vn0;
    if (e->repaired) {
        ps->any_repaired = true;
        note(ps, W_UTF8, NULL, NULL);
    }
    size_t j = (size_t)hv & (t->nslots - 1);
    while (t->slots[j])
        j = (j + 1) & (t->nslots - 1);
    t->slots[j] = tag | ++t->n;
    return t->n - 1;
}

/* The value of an id's digits, when they are canonical (no leading zero,
 * at most 18 digits); false for ids that must be keyed by their text. */
static bool id_value(const unsigned char *s, size_t n, uint64_t *num)
{
    if (n > 18 || (n > 1 && s[0] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    *num = v;
    return true;
}

/* What (id) means in m, or NONE32 when undefined.  -1 on out of memory. */
static int idmap_lookup(parser *ps, idmap *m, const unsigned char *s, size_t n, uint32_t *out)
{
    uint64_t v;
    *out = NONE32;
    if (id_value(s, n, &v)) {
        if (v < m->cap && m->dense[v] != NONE32) {
            *out = m->dense[v];
            return 0;
        }
        if (m->num.len)
            *out = p2p_u64map_get(&m->num, v);
        return 0;
    }
    if (!m->str.len)
        return 0;
    const char *key = p2p_profile_intern(ps->p, (const char *)s, n);
    if (!key)
        return -1;
    *out = p2p_u64map_get(&m->str, (uint64_t)(uintptr_t)key);
    return 0;
}

/* Define (id) = idx in m.  -1 on out of memory. */
static int idmap_define(parser *ps, idmap *m, const unsigned char *s, size_t n, uint32_t idx)
{
    uint64_t v;
    m->ndefs++;
    if (id_value(s, n, &v)) {
        if (v >= m->cap && v < DENSE_MAX && (v < DENSE_MIN || v < (uint64_t)m->ndefs * 8)) {
            size_t cap = m->cap ? m->cap : 1024;
            while (cap <= v)
                cap *= 2;
            uint32_t *nd = realloc(m->dense, cap * sizeof *nd);
            if (!nd)
                return -1;
            memset(nd + m->cap, 0xff, (cap - m->cap) * sizeof *nd);
            m->dense = nd;
            m->cap = cap;
        }
        if (v < m->cap) {
            m->dense[v] = idx;
            return 0;
        }
        return p2p_u64map_put(&m->num, v, idx);
    }
    const char *key = p2p_profile_intern(ps->p, (const char *)s, n);
    if (!key)
        return -1;
    return p2p_u64map_put(&m->str, (uint64_t)(uintptr_t)key, idx);
}

/* A function name's entry in the profile's name table keeps (in its value)
 * what the parser knows of it: */
#define NAME_UNSEEN NONE32           /* not yet seen as a function name */
#define NAME_REPAIRED (NONE32 - 1)   /* bad UTF-8: see ps->repairs; no function yet */
#define NAME_SEEN (NONE32 - 2)       /* no function yet */
/* (below these: the function's index) */

/* The name entry for the bytes s[0..n) of a fn= line, checked for UTF-8 the
 * first time.  NONE32 when out of memory. */
static uint32_t name_get(parser *ps, const unsigned char *s, size_t n)
{
    uint32_t i = p2p_profile_name_index(ps->p, (const char *)s, n);
    if (i == NONE32 || *p2p_profile_name_val(ps->p, i) != NAME_UNSEEN)
        return i;
    size_t vn = n;
    const unsigned char *v = fix_utf8(ps, s, &vn);
    if (!v)
        return NONE32;
    uint32_t mark = NAME_SEEN;
    if (v != s) {
        uint32_t r = p2p_profile_name_index(ps->p, (const char *)v, vn);
        if (r == NONE32 || p2p_u64map_put(&ps->repairs, i, r) < 0)
            return NONE32;
        mark = NAME_REPAIRED;
        ps->any_repaired = true;
        note(ps, W_UTF8, NULL, NULL);
    }
    *p2p_profile_name_val(ps->p, i) = mark;
    return i;
}

/* The function of name entry `idx`, created (with `module`) when new. */
static p2p_fid function_of(parser *ps, uint32_t idx, const char *module)
{
    p2p_profile *p = ps->p;
    uint32_t mark = *p2p_profile_name_val(p, idx);
    if (mark < NAME_SEEN)
        return mark;
    const char *name = p2p_profile_name_str(p, mark == NAME_REPAIRED ? p2p_u64map_get(&ps->repairs, idx) : idx);
    /* once a name has been repaired, two spellings can mean one name */
    p2p_fid f = ps->any_repaired ? p2p_profile_find_str(p, name) : P2P_NONE;
    if (f == P2P_NONE) {
        f = p2p_profile_add_str(p, name, name);
        if (f == P2P_NONE)
            return P2P_NONE;
        p2p_function *fn = &p->functions[f];
        fn->module = module;
        fn->called = 0;
        fn->has_called = true;
        p2p_ev_set(&fn->ev, P2P_SAMPLES, 0.0);
    }
    *p2p_profile_name_val(p, idx) = f;
    return f;
}

static void flush_acc(parser *ps)
{
    if (ps->acc_fid != P2P_NONE)
        ps->p->functions[ps->acc_fid].ev.v[P2P_SAMPLES] = ps->acc;
    ps->acc_fid = P2P_NONE;
}

/* ---- line forms --------------------------------------------------------- */

enum { LINE_OK = 0, LINE_NO = 1 }; /* or a negative error code */

/* Parse the token at *pp as a cost.  Returns the end of the token, or NULL
 * if it is not a subposition token; *bad is set when it is a token but not a
 * number (`*`, or a hex number beyond 64 bits). */
static const unsigned char *parse_cost(const unsigned char *p, double *out, bool *bad)
{
    const unsigned char *t = p;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
        if (!is_digit(*p))
            return NULL;
    } else if (*p == '0' && p[1] == 'x') {
        p += 2;
        if (!is_hex(*p))
            return NULL;
        uint64_t v = 0;
        int nd = 0;
        for (; is_hex(*p); p++, nd++) {
            unsigned c = *p;
            v = v << 4 | (is_digit(c) ? c - '0' : (c | 32u) - 'a' + 10);
        }
        if (nd > 16)
            *bad = true;
        *out = (double)v;
        return p;
    } else if (*p == '*') {
        *bad = true;
        return p + 1;
    } else if (!is_digit(*p)) {
        return NULL;
    }
    const unsigned char *ds = p;
    uint64_t v = 0;
    while (is_digit(*p))
        v = v * 10 + (*p++ - '0');
    if (p - ds > 19) {
        /* beyond 64 bits: correctly rounded, like Python's float() */
        char buf[400];
        size_t n = (size_t)(p - t);
        if (n < sizeof buf) {
            memcpy(buf, t, n);
            buf[n] = '\0';
            *out = strtod(buf, NULL);
        } else {
            *out = neg ? -HUGE_VAL : HUGE_VAL; /* as float() gives */
        }
        return p;
    }
    *out = neg ? -(double)v : (double)v;
    return p;
}

/* A cost line at p.  LINE_NO (with *pp untouched) when the line is not one:
 * `SUB( +SUB)*` after trailing blanks are removed, where SUB is 0xHEX, N,
 * +N, -N or *.  (gprof2dot wants single spaces; tabs are accepted here.) */
static int cost_line(parser *ps, const unsigned char **pp)
{
    const unsigned char *p = *pp, *start = p;
    const uint32_t want = ps->npos + ps->evk;
    uint32_t col = 0;
    double v = 0.0;
    bool bad = false;
    for (;;) {
        if (col == want) {
            p = parse_cost(p, &v, &bad);
            if (!p)
                return LINE_NO;
        } else {
            /* skip_subpos(), inline: this is the hottest loop */
            unsigned c = *p;
            if (CL(c) & C_DIG) {
                if (c == '0' && p[1] == 'x') {
                    p += 2;
                    if (!(CL(*p) & C_HEX))
                        return LINE_NO;
                    do
                        p++;
                    while (CL(*p) & C_HEX);
                } else {
                    do
                        p++;
                    while (CL(*p) & C_DIG);
                }
            } else if (c == '+' || c == '-') {
                p++;
                if (!(CL(*p) & C_DIG))
                    return LINE_NO;
                do
                    p++;
                while (CL(*p) & C_DIG);
            } else if (c == '*') {
                p++;
            } else {
                return LINE_NO;
            }
        }
        col++;
        unsigned c = *p;
        if (c == ' ') {
            c = *++p;
            if (!(CL(c) & (C_BLANK | C_EOL)))
                continue;
        }
        if (CL(c) & C_EOL)
            break;
        if (!(CL(c) & C_BLANK))
            return LINE_NO;
        do
            p++;
        while (CL(*p) & C_BLANK);
        if (CL(*p) & C_EOL)
            break;
    }
    *pp = p;
    if (!ps->have_events || ps->nev == 0) {
        char t[72];
        excerpt(t, sizeof t, start, p);
        return p2p_diag_set(ps->d, P2P_EFORMAT, ps->line, -1,
                            ps->have_events ? "cost line '%s' but the 'events:' line names no event"
                                            : "cost line '%s' before any 'events:' line (is this callgrind output?)",
                            t);
    }
    if (col > ps->npos + ps->nev)
        note(ps, W_EXTRA, start, p);
    else if (col < ps->npos)
        note(ps, W_FEW, start, p);
    if (bad) {
        note(ps, W_BADCOST, start, p);
        ps->pending = false;
        return LINE_OK;
    }
    p2p_profile *prof = ps->p;
    if (!ps->pending) {
        /* self cost: cob follows ob here, and only here (§4.3 quirk) */
        if (ps->s.ob_set) {
            ps->s.cob_set = true;
            ps->s.cob_mod = ps->s.ob_mod;
        }
        p2p_fid f = function_of(ps, ps->s.fn, ps->s.ob_mod);
        if (f == P2P_NONE)
            return oom(ps);
        /* the same additions in the same order as f[SAMPLES] += v, but
         * kept in a register while the function stays the same */
        if (f != ps->acc_fid) {
            flush_acc(ps);
            ps->acc_fid = f;
            ps->acc = prof->functions[f].ev.v[P2P_SAMPLES];
        }
        ps->acc += v;
        ps->total += v;
        return LINE_OK;
    }
    /* the inclusive cost of the call announced by calls= */
    ps->pending = false;
    p2p_fid caller = function_of(ps, ps->s.fn, ps->s.ob_mod);
    if (caller == P2P_NONE)
        return oom(ps);
    p2p_fid callee = function_of(ps, ps->s.cfn, ps->s.cob_mod);
    if (callee == P2P_NONE)
        return oom(ps);
    int64_t n = ps->pending_calls;
    /* wraps instead of overflowing on absurd counts */
    p2p_function *ce = &prof->functions[callee];
    ce->called = (int64_t)((uint64_t)ce->called + (uint64_t)n);
    bool created;
    uint32_t c = p2p_profile_get_call(prof, caller, callee, &created);
    if (c == P2P_NONE)
        return oom(ps);
    p2p_call *k = &prof->calls[c];
    if (created) {
        p2p_ev_set(&k->ev, P2P_CALLS, (double)n);
        p2p_ev_set(&k->ev, P2P_SAMPLES2, v);
    } else {
        k->ev.v[P2P_CALLS] += (double)n;
        k->ev.v[P2P_SAMPLES2] += v;
    }
    return LINE_OK;
}

enum { K_OB, K_FL, K_FN };

/* A position line `[cj]?(ob|fl|fi|fe|fn)=...` at p. */
static int position_line(parser *ps, const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp, *start = p;
    unsigned prefix = 0;
    if (*p == 'c' || *p == 'j')
        prefix = *p++;
    int kind;
    if (p[0] == 'o' && p[1] == 'b' && p[2] == '=')
        kind = K_OB;
    else if (p[0] == 'f' && (p[1] == 'l' || p[1] == 'i' || p[1] == 'e') && p[2] == '=')
        kind = K_FL;
    else if (p[0] == 'f' && p[1] == 'n' && p[2] == '=')
        kind = K_FN;
    else
        return LINE_NO;
    p += 3;
    if (kind == K_FL) {
        /* file names never reach the graph: nothing to remember */
        *pp = find_eol(p, end);
        return LINE_OK;
    }
    /* `=\s*(\(\d+\))?(\s*.+)?`, as gprof2dot's regular expression */
    const unsigned char *q = p, *id = NULL, *idend = NULL;
    while (is_blank(*q))
        q++;
    if (*q == '(' && is_digit(q[1])) {
        const unsigned char *r = q + 1;
        while (is_digit(*r))
            r++;
        if (*r == ')') {
            id = q + 1;
            idend = r;
            p = r + 1;
        }
    }
    const unsigned char *e = find_eol(p, end), *name = p;
    *pp = e;
    while (name < e && is_blank(*name))
        name++;
    if (name == e && p < e)
        name = e - 1; /* all blanks: the regex backtracks to keep one */
    bool has_name = name < e;
    size_t len = (size_t)(e - name);
    if (len > NAME_LIMIT) {
        note(ps, W_LONG, start, start + 60);
        return LINE_OK;
    }
    idmap *m = kind == K_FN ? &ps->fn_ids : &ps->ob_ids;
    uint32_t idx;
    bool none = false; /* the slot gets "no name" */
    if (has_name) {
        idx = kind == K_FN ? name_get(ps, name, len) : strtab_get(ps, &ps->objs, name, len, true);
        if (idx == NONE32)
            return oom(ps);
        if (id && idmap_define(ps, m, id, (size_t)(idend - id), idx) < 0)
            return oom(ps);
    } else if (id) {
        if (idmap_lookup(ps, m, id, (size_t)(idend - id), &idx) < 0)
            return oom(ps);
        if (idx == NONE32) {
            note(ps, W_BADID, start, e);
            none = true; /* gprof2dot: the empty string */
        }
    } else {
        idx = NONE32;
        none = true;
    }
    if (prefix == 'j')
        return LINE_OK; /* jump targets only define names */
    if (kind == K_FN) {
        /* an undefined id reads as "", a bare fn= as "(unknown)" */
        uint32_t v = !none ? idx : id ? ps->name_empty : ps->name_unknown;
        if (prefix == 'c')
            ps->s.cfn = v;
        else
            ps->s.fn = v;
    } else {
        const char *mod = none ? NULL : ps->objs.e[idx].val;
        if (prefix == 'c') {
            ps->s.cob_set = true;
            ps->s.cob_mod = mod;
        } else {
            ps->s.ob_set = true;
            ps->s.ob_mod = mod;
        }
    }
    return LINE_OK;
}

/* `calls=COUNT target...` at p (already known to start with "calls=").  The
 * count is an integer (gprof2dot: int()); hexadecimal is accepted too. */
static int calls_line(parser *ps, const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp + 6, *start = *pp;
    const unsigned char *e = find_eol(p, end);
    *pp = e;
    while (is_blank(*p))
        p++;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    uint64_t v = 0;
    int nd = 0;
    if (p[0] == '0' && p[1] == 'x' && is_hex(p[2])) {
        for (p += 2; is_hex(*p); p++, nd++)
            v = v << 4 | (uint64_t)(is_digit(*p) ? *p - 48u : (*p | 32u) - 87u);
        if (nd > 15)
            nd = 99;
    } else {
        for (; is_digit(*p); p++, nd++)
            v = v * 10 + (uint64_t)(*p - '0');
        if (nd > 18)
            nd = 99;
    }
    if (nd == 0 || nd == 99 || !(is_blank(*p) || is_eol(*p))) {
        note(ps, W_BADCALLS, start, e);
        return LINE_OK;
    }
    ps->pending = true;
    ps->pending_calls = neg ? -(int64_t)v : (int64_t)v;
    ps->pending_line = ps->line;
    return LINE_OK;
}

/* The words of a header value, for events: and positions:. */
static uint32_t count_words(const unsigned char *p, const unsigned char *e)
{
    uint32_t n = 0;
    while (p < e) {
        while (p < e && is_blank(*p))
            p++;
        if (p == e)
            break;
        n++;
        while (p < e && !is_blank(*p))
            p++;
    }
    return n;
}

static int events_line(parser *ps, const unsigned char *v, const unsigned char *e)
{
    ps->nev = count_words(v, e);
    ps->have_events = true;
    ps->any_events = true;
    ps->evk = 0;
    const char *want = ps->o ? ps->o->event : NULL;
    if (!want) {
        /* the first event is the cost: its name labels reports (cost_name) */
        const unsigned char *w = v, *x;
        while (w < e && is_blank(*w))
            w++;
        for (x = w; x < e && !is_blank(*x); x++)
            ;
        if (x > w && !ps->p->cost_name)
            ps->p->cost_name = p2p_profile_intern(ps->p, (const char *)w, (size_t)(x - w));
        return LINE_OK;
    }
    size_t wl = strlen(want);
    uint32_t k = 0;
    for (const unsigned char *p = v; p < e;) {
        while (p < e && is_blank(*p))
            p++;
        if (p == e)
            break;
        const unsigned char *w = p;
        while (p < e && !is_blank(*p))
            p++;
        if ((size_t)(p - w) == wl && memcmp(w, want, wl) == 0) {
            ps->evk = k;
            if (!ps->p->cost_name)
                ps->p->cost_name = p2p_profile_intern(ps->p, want, wl);
            return LINE_OK;
        }
        k++;
    }
    char list[300];
    while (v < e && is_blank(*v))
        v++;
    while (e > v && is_blank(e[-1]))
        e--;
    excerpt(list, sizeof list, v, e);
    return p2p_diag_set(ps->d, P2P_EUSAGE, ps->line, -1, "--event: no event '%s' in this input (its events: %s)",
                        want, list[0] ? list : "none");
}

/* A key line `word: value` at p.  Returns LINE_NO for an unknown key. */
static int key_line(parser *ps, const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp, *k = p;
    while (is_word(*p))
        p++;
    if (p == k || *p != ':')
        return LINE_NO;
    size_t kl = (size_t)(p - k);
    const unsigned char *v = p + 1, *e = find_eol(v, end);
#define KEY(s) (kl == sizeof(s) - 1 && memcmp(k, s, kl) == 0)
    if (KEY("events")) {
        int rc = events_line(ps, v, e);
        if (rc)
            return rc;
    } else if (KEY("positions")) {
        ps->npos = count_words(v, e);
    } else if (!(KEY("version") || KEY("creator") || KEY("cmd") || KEY("pid") || KEY("thread") || KEY("part") ||
                 KEY("desc") || KEY("event") || KEY("summary") || KEY("totals"))) {
        return LINE_NO;
    }
#undef KEY
    *pp = e;
    return LINE_OK;
}

static bool starts(const unsigned char *p, const char *s)
{
    for (; *s; s++, p++)
        if (*p != (unsigned char)*s)
            return false;
    return true;
}

/* One line at p (not at a line end).  Returns the position of its line end,
 * or NULL with ps->err set on a fatal error. */
static const unsigned char *one_line(parser *ps, const unsigned char *p, const unsigned char *end)
{
    const unsigned char *start = p, *q;
    int rc = LINE_NO;
    unsigned c = *p;
    if (is_blank(c)) {
        while (is_blank(*p))
            p++;
        if (is_eol(*p)) {
            drop_pending(ps); /* an empty line, which ends a calls= pair too */
            return p;
        }
        c = *p; /* tolerated: indentation */
    }
    if (c == '#')
        return find_eol(p, end); /* comments are invisible, even after calls= */
    if (is_digit(c) || c == '+' || c == '-' || c == '*') {
        q = p;
        rc = cost_line(ps, &q);
        if (rc == LINE_OK)
            return q;
        if (rc < 0)
            goto fail;
    }
    /* anything but a cost line (or a comment) ends a pending calls= */
    drop_pending(ps);
    if (!is_digit(c)) {
        q = p;
        if (c == 'f' || c == 'o' || c == 'c' || c == 'j')
            rc = position_line(ps, &q, end);
        if (rc == LINE_NO && c == 'c' && starts(p, "calls="))
            rc = calls_line(ps, &q, end);
        if (rc == LINE_NO && c == 'j' && (starts(p, "jump=") || starts(p, "jcnd="))) {
            q = find_eol(p, end);
            rc = LINE_OK;
        }
        if (rc == LINE_NO)
            rc = key_line(ps, &q, end);
        if (rc == LINE_OK)
            return q;
        if (rc < 0)
            goto fail;
    }
    q = find_eol(p, end);
    note(ps, W_UNKNOWN, start, q);
    return q;
fail:
    ps->err = rc;
    return NULL;
}

/* The common cost line: tokens split by single spaces, subpositions in
 * decimal, hex, +N, -N or *, the chosen cost in plain decimal, no more
 * tokens than positions + events, no fewer than the positions.  Returns the
 * line end with the cost in *v, or NULL when the general code must look. */
static inline const unsigned char *fast_cost(const unsigned char *p, uint32_t want, uint32_t mincol,
                                             uint32_t maxcol, double *v)
{
    uint32_t col = 0;
    uint64_t val = 0;
    for (;;) {
        unsigned c = *p;
        if (col == want) {
            if (!(CL(c) & C_DIG) || (c == '0' && p[1] == 'x'))
                return NULL;
            const unsigned char *d = p;
            do
                val = val * 10 + (*p++ - '0');
            while (CL(*p) & C_DIG);
            if (p - d > 19)
                return NULL;
        } else if (CL(c) & C_DIG) {
            if (c == '0' && p[1] == 'x') {
                p += 2;
                if (!(CL(*p) & C_HEX))
                    return NULL;
                do
                    p++;
                while (CL(*p) & C_HEX);
            } else {
                do
                    p++;
                while (CL(*p) & C_DIG);
            }
        } else if (c == '+' || c == '-') {
            if (!(CL(p[1]) & C_DIG))
                return NULL;
            p++;
            do
                p++;
            while (CL(*p) & C_DIG);
        } else if (c == '*') {
            p++;
        } else {
            return NULL;
        }
        col++;
        if (*p == ' ') {
            p++;
            continue;
        }
        if (CL(*p) & C_EOL)
            break;
        return NULL;
    }
    if (col < mincol || col > maxcol)
        return NULL;
    *v = (double)val;
    return p;
}

/* Parse the lines of [p, end), where end[-1] is a line end.  Self-cost
 * lines that fast_cost() reads are summed here in registers; every other
 * line goes through one_line(). */
/* How often parse_lines() hands the bytes behind it back (p2p_input_consumed). */
#define RELEASE_STEP ((size_t)1 << 20)

static inline const unsigned char *next_release(const unsigned char *p, const unsigned char *end)
{
    return (size_t)(end - p) > RELEASE_STEP ? p + RELEASE_STEP : end;
}

static int parse_lines(parser *ps, const unsigned char *p, const unsigned char *end)
{
    p2p_function *fns = ps->p->functions;
    long line = ps->line;
    p2p_fid fid = P2P_NONE; /* the current self-cost function, until another line */
    p2p_fid acc_fid = ps->acc_fid;
    double acc = ps->acc, total = ps->total;
    bool fast;
    uint32_t want, mincol, maxcol;
#define SETTINGS()                                                  \
    do {                                                            \
        fast = ps->have_events && ps->nev > 0 && !ps->pending;      \
        want = ps->npos + ps->evk;                                  \
        mincol = ps->npos;                                          \
        maxcol = ps->npos + ps->nev;                                \
    } while (0)
    SETTINGS();
    const unsigned char *release = next_release(p, end);
    while (p < end) {
        if (p >= release) {
            /* nothing before this line is read again */
            p2p_input_consumed(ps->in, p);
            release = next_release(p, end);
        }
        line++;
        const unsigned char *q = NULL;
        double v;
        if ((CL(*p) & C_COST) && fast && (q = fast_cost(p, want, mincol, maxcol, &v)) != NULL) {
            if (fid == P2P_NONE) {
                /* the first of a run of self-cost lines: cob follows ob
                 * (§4.3), and the function is looked up once for all */
                if (ps->s.ob_set) {
                    ps->s.cob_set = true;
                    ps->s.cob_mod = ps->s.ob_mod;
                }
                fid = function_of(ps, ps->s.fn, ps->s.ob_mod);
                if (fid == P2P_NONE) {
                    ps->line = line;
                    return oom(ps);
                }
                fns = ps->p->functions;
                if (fid != acc_fid) {
                    if (acc_fid != P2P_NONE)
                        fns[acc_fid].ev.v[P2P_SAMPLES] = acc;
                    acc_fid = fid;
                    acc = fns[fid].ev.v[P2P_SAMPLES];
                }
            }
            acc += v;
            total += v;
            p = q;
        } else {
            /* any other line, in the general code; events:, positions: and
             * calls= lines change what is fast */
            ps->line = line;
            ps->acc_fid = acc_fid;
            ps->acc = acc;
            ps->total = total;
            if (!is_eol(*p)) {
                p = one_line(ps, p, end);
                if (!p)
                    return ps->err;
            } else {
                drop_pending(ps);
            }
            acc_fid = ps->acc_fid;
            acc = ps->acc;
            total = ps->total;
            fns = ps->p->functions;
            fid = P2P_NONE;
            SETTINGS();
        }
        p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
    }
#undef SETTINGS
    ps->line = line;
    ps->acc_fid = acc_fid;
    ps->acc = acc;
    ps->total = total;
    return 0;
}

static int parse_input(parser *ps, const p2p_input *in)
{
    const unsigned char *data = in->data;
    size_t size = in->size;
    unsigned char *owned = NULL;
    int rc = 0;

    ps->file = in->name;
    ps->in = in;
    if (ps->d)
        ps->d->file = in->name;
    ps->line = 0;
    ps->npos = 1;
    ps->nev = 0;
    ps->evk = 0;
    ps->have_events = false;
    ps->pending = false;
    ps->s.fn = ps->s.cfn = ps->name_empty;
    ps->s.ob_mod = ps->s.cob_mod = NULL;
    ps->s.ob_set = ps->s.cob_set = false;
    idmap_reset(&ps->fn_ids);
    idmap_reset(&ps->ob_ids);
    memset(ps->w, 0, sizeof ps->w);

    /* a UTF-8 byte-order mark is skipped, UTF-16 (LE or BE) transcoded */
    if (p2p_text_decode(in->data, in->size, &data, &size, &owned, NULL) < 0)
        return oom(ps);

    /* Lines up to the last line end are parsed in place: every scan stops
     * at a line end, so none needs a bounds check. */
    size_t body = 0;
    const unsigned char *nl = size ? memrchr(data, '\n', size) : NULL;
    if (nl)
        body = (size_t)(nl - data) + 1;
    const unsigned char *cr = size > body ? memrchr(data + body, '\r', size - body) : NULL;
    if (cr)
        body = (size_t)(cr - data) + 1;
    /* a mapped file is read in pieces (see p2p_lines) */
    p2p_lines lines;
    p2p_lines_begin(&lines, owned ? NULL : in, data, body);
    const unsigned char *piece;
    size_t plen;
    int more = 0;
    while (!rc && (more = p2p_lines_next(&lines, &piece, &plen)) > 0)
        rc = parse_lines(ps, piece, piece + plen);
    if (more < 0 && !rc)
        rc = p2p_diag_set(ps->d, P2P_EIO, ps->line, -1, "cannot read: %s", strerror(errno));
    p2p_lines_end(&lines);

    /* an unterminated last line is copied with a line end added */
    if (!rc && body < size) {
        size_t n = size - body;
        if (n > NAME_LIMIT + 64) {
            ps->line++;
            note(ps, W_LONG, data + body, data + body + 60);
        } else {
            unsigned char *tail = malloc(n + 1);
            if (!tail) {
                rc = oom(ps);
            } else {
                memcpy(tail, data + body, n);
                tail[n] = '\n';
                rc = parse_lines(ps, tail, tail + n + 1);
                free(tail);
            }
        }
        note(ps, W_NOEOL, NULL, NULL);
    }
    if (!rc)
        drop_pending(ps);
    if (!rc && ps->w[W_UNKNOWN].count && !ps->have_events) {
        wstat *w = &ps->w[W_UNKNOWN];
        rc = p2p_diag_set(ps->d, P2P_EFORMAT, w->first, -1,
                          "not callgrind or cachegrind output: no 'events:' line, and line %ld is '%s'", w->first,
                          w->text);
    }
    if (!rc)
        flush_warnings(ps);
    free(owned);
    return rc;
}

int p2p_parse_callgrind(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                        p2p_diag *d)
{
    *out = NULL;
    if (n == 0)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "no input");
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.o = o;
    ps.d = d;
    ps.name_in_warnings = n > 1;
    ps.p = p2p_profile_new(P2P_ID_STRING);
    if (!ps.p)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    p2p_ev_set(&ps.p->ev, P2P_SAMPLES, 0.0);
    ps.acc_fid = P2P_NONE;
    int rc = 0;
    ps.name_empty = name_get(&ps, (const unsigned char *)"", 0);
    ps.name_unknown = name_get(&ps, (const unsigned char *)"(unknown)", 9);
    if (ps.name_empty == NONE32 || ps.name_unknown == NONE32)
        rc = oom(&ps);
    for (size_t i = 0; i < n && !rc; i++)
        rc = parse_input(&ps, &inputs[i]);
    flush_acc(&ps);
    ps.p->ev.v[P2P_SAMPLES] = ps.total;
    if (!rc && o && o->event && !ps.any_events) {
        if (d)
            d->file = n == 1 ? inputs[0].name : NULL;
        rc = p2p_diag_set(d, P2P_EUSAGE, 0, -1, "--event: no event '%s': the input has no 'events:' line", o->event);
    }
    strtab_free(&ps.objs);
    p2p_u64map_free(&ps.repairs);
    idmap_free(&ps.fn_ids);
    idmap_free(&ps.ob_ids);
    free(ps.fixbuf);
    if (rc) {
        p2p_profile_free(ps.p);
        return rc;
    }
    *out = ps.p;
    return 0;
}
