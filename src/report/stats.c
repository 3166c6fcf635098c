/* The pstats text reports (report.h): print_stats, print_callers and
 * print_callees of Python's pstats module, written from the profile model.
 *
 * A row is a function with a stats entry of its own (pstats) or any
 * function (other formats).  The rows start in the order of the stats
 * dict (Python 3: insertion order; Python 2: the order of its hash table,
 * simulated), are sorted stably by the sort_stats() keys, and are then
 * cut down by each restriction in turn, exactly as get_print_list() does.
 */
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/report.h"
#include "pycompat.h"
#include "../util/util.h"

#define NONE32 UINT32_MAX
#define MAX_SORT_FIELDS 48

/* The fields of pstats' sort tuple (cc, nc, tt, ct, file, line, name,
 * stdname). */
enum { F_CC, F_NC, F_TT, F_CT, F_FILE, F_LINE, F_NAME, F_STD };

/* Stats.sort_arg_dict_default of Python 3.7+, in its literal order (the
 * order decides which abbreviations survive). */
static const struct sort_word {
    const char *word;
    const char *desc;
    uint8_t nfields;
    uint8_t fields[3];
    int8_t dirs[3];
} sort_words[] = {
    {"calls", "call count", 1, {F_NC}, {-1}},
    {"ncalls", "call count", 1, {F_NC}, {-1}},
    {"cumtime", "cumulative time", 1, {F_CT}, {-1}},
    {"cumulative", "cumulative time", 1, {F_CT}, {-1}},
    {"filename", "file name", 1, {F_FILE}, {1}},
    {"line", "line number", 1, {F_LINE}, {1}},
    {"module", "file name", 1, {F_FILE}, {1}},
    {"name", "function name", 1, {F_NAME}, {1}},
    {"nfl", "name/file/line", 3, {F_NAME, F_FILE, F_LINE}, {1, 1, 1}},
    {"pcalls", "primitive call count", 1, {F_CC}, {-1}},
    {"stdname", "standard name", 1, {F_STD}, {1}},
    {"time", "internal time", 1, {F_TT}, {-1}},
    {"tottime", "internal time", 1, {F_TT}, {-1}},
};
#define NWORDS (sizeof sort_words / sizeof sort_words[0])

typedef struct sortspec {
    size_t n;
    uint8_t field[MAX_SORT_FIELDS];
    int8_t dir[MAX_SORT_FIELDS];
    uint8_t words[MAX_SORT_FIELDS]; /* the sort_words, for "Ordered by" */
    size_t nwords;
    bool given;
} sortspec;

/* get_sort_arg_defs(): the word `key` (len bytes) stands for, or -1.
 * Every word enters its prefixes, longest first, in the table's order; a
 * prefix already entered is marked bad (deleted at the end) and the
 * shorter prefixes of that word are not entered at all. */
static int sort_word_of(const char *key, size_t len)
{
    struct {
        uint8_t w, len;
        bool bad;
    } e[NWORDS * 12];
    size_t ne = 0;
    for (size_t w = 0; w < NWORDS; w++) {
        const char *word = sort_words[w].word;
        for (size_t fl = strlen(word); fl > 0; fl--) {
            size_t j = 0;
            while (j < ne && !(e[j].len == fl && memcmp(sort_words[e[j].w].word, word, fl) == 0))
                j++;
            if (j < ne) {
                e[j].bad = true;
                break;
            }
            e[ne].w = (uint8_t)w;
            e[ne].len = (uint8_t)fl;
            e[ne].bad = false;
            ne++;
        }
    }
    for (size_t j = 0; j < ne; j++)
        if (e[j].len == len && memcmp(sort_words[e[j].w].word, key, len) == 0)
            return e[j].bad ? -1 : e[j].w;
    return -1;
}

static int bad_key(p2p_diag *d, const char *key, size_t len)
{
    /* a prefix of several words is "bad" in pstats too: say which */
    char words[200] = "";
    size_t nw = 0;
    for (size_t w = 0; len && w < NWORDS; w++) {
        if (strncmp(sort_words[w].word, key, len) == 0 && strlen(sort_words[w].word) >= len) {
            size_t l = strlen(words);
            snprintf(words + l, sizeof words - l, "%s%s", nw++ ? ", " : "", sort_words[w].word);
        }
    }
    if (nw > 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "--sort: '%.*s' is ambiguous (%s), as in pstats", (int)len, key,
                            words);
    return p2p_diag_set(d, P2P_EUSAGE, 0, -1,
                        "--sort: unknown key '%.*s' (expected calls, cumulative, file, line, name, nfl, pcalls, "
                        "stdname, time, their aliases ncalls, cumtime, filename, module, tottime, or a unique "
                        "prefix of one; or one of -1, 0, 1, 2 alone)",
                        (int)len, key);
}

static void add_word(sortspec *s, const struct sort_word *w)
{
    for (size_t i = 0; i < w->nfields && s->n < MAX_SORT_FIELDS; i++) {
        s->field[s->n] = w->fields[i];
        s->dir[s->n] = w->dirs[i];
        s->n++;
    }
    if (s->nwords < MAX_SORT_FIELDS)
        s->words[s->nwords++] = (uint8_t)(w - sort_words);
}

/* sort_stats(*keys) for "k1,k2,...". */
static int parse_sort(const char *keys, sortspec *s, p2p_diag *d)
{
    memset(s, 0, sizeof *s);
    if (!keys || !*keys)
        return 0;
    s->given = true;
    /* the old profiler's numbers, alone */
    static const char *const old[][2] = {{"-1", "stdname"}, {"0", "calls"}, {"1", "time"}, {"2", "cumulative"}};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(keys, old[i][0]) == 0)
            keys = old[i][1];
    const char *p = keys;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        size_t len = (size_t)(e - p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        int w = sort_word_of(p, len);
        if (w < 0)
            return bad_key(d, p, len);
        if (s->n + sort_words[w].nfields > MAX_SORT_FIELDS)
            return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "--sort: too many keys (at most %d fields)", MAX_SORT_FIELDS);
        add_word(s, &sort_words[w]);
        if (!*e)
            break;
        p = e + 1;
    }
    return 0;
}

/* Python's re sees code points: compile and match under a UTF-8 LC_CTYPE
 * (this thread only, the program's locale untouched) when the system has
 * one, so that '.' is one character, not one byte. */
typedef struct utf8_scope {
    locale_t loc, old;
} utf8_scope;

static void utf8_enter(utf8_scope *u)
{
    u->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!u->loc)
        u->loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
    u->old = u->loc ? uselocale(u->loc) : (locale_t)0;
}

static void utf8_leave(utf8_scope *u)
{
    if (u->loc) {
        uselocale(u->old);
        freelocale(u->loc);
    }
}

static int compile_regex(regex_t *re, const char *pattern, const char *what, p2p_diag *d)
{
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc == 0)
        return 0;
    char msg[200];
    regerror(rc, re, msg, sizeof msg);
    return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "%s: invalid regular expression '%s' (POSIX extended syntax): %s",
                        what, pattern, msg);
}

int p2p_restriction_parse_limit(const char *text, p2p_restriction *out, p2p_diag *d)
{
    memset(out, 0, sizeof *out);
    /* Python's int literal (an optional sign, digits) or float literal
     * (digits with a '.' or an exponent); no hex, inf or nan */
    bool digits = false, is_float = false, ok = *text != '\0';
    for (const char *q = text; *q && ok; q++) {
        if (*q >= '0' && *q <= '9')
            digits = true;
        else if (*q == '.' || *q == 'e' || *q == 'E')
            is_float = true;
        else if (*q != '+' && *q != '-')
            ok = false;
    }
    char *end = NULL;
    if (ok && digits && !is_float) {
        out->kind = P2P_RESTRICT_COUNT;
        out->count = strtoll(text, &end, 10); /* saturates: as large, as unlimited */
    } else if (ok && digits) {
        out->kind = P2P_RESTRICT_FRACTION;
        out->fraction = strtod(text, &end);
    }
    if (end && end != text && *end == '\0')
        return 0;
    return p2p_diag_set(d, P2P_EUSAGE, 0, -1,
                        "--limit: expected a count (an integer) or a fraction (a number with a '.', such as 0.1), "
                        "found '%s'",
                        text);
}

int p2p_stats_check(const p2p_stats_opts *o, p2p_diag *d)
{
    sortspec s;
    int rc = parse_sort(o->sort, &s, d);
    if (rc)
        return rc;
    const char *pats[2] = {o->callers, o->callees};
    const char *what[2] = {"--callers", "--callees"};
    for (size_t i = 0; i < o->nrestrictions + 2; i++) {
        const char *pat = i < 2 ? pats[i] : o->restrictions[i - 2].kind == P2P_RESTRICT_REGEX
                                                ? o->restrictions[i - 2].regex
                                                : NULL;
        if (!pat)
            continue;
        regex_t re;
        utf8_scope u;
        utf8_enter(&u);
        rc = compile_regex(&re, pat, i < 2 ? what[i] : "--filter", d);
        if (rc == 0)
            regfree(&re);
        utf8_leave(&u);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- the report ------------------------------------------------------ */

typedef struct row {
    p2p_fid f;
    double cc, nc, tt, ct;
    bool has_calls;       /* nc and cc are known */
    const char *file;     /* the sort key "file" */
    int64_t line;
    const char *fname;    /* the sort key "name" */
    uint32_t base;        /* position in the dict order */
} row;

typedef struct rep {
    const p2p_profile *p;
    const p2p_stats_opts *o;
    p2p_diag *d;
    p2p_arena *arena;
    bool pstats, py2, seconds;
    row *rows;
    uint32_t nrows;
    const char **std;     /* fid -> func_std_string */
    size_t *stdw;         /* fid -> its len() */
    uint32_t *in_off, *in_calls; /* in-calls of each fid (CSR) */
    uint32_t *listed;     /* the rows in listing order */
    uint32_t *dict_order; /* the rows in the dict's order */
    sortspec sort;
    const char *self_label, *total_label, *name_label;
    const char *unit;     /* the cost's unit, when not seconds */
    int decimals;         /* of a cost when not seconds: 3 for a time */
    int colw;             /* width of the self and total columns */
    bool subheader;       /* callers hold (nc, cc, tt, ct) tuples */
    const struct callref *calls_listed; /* the call list being sorted */
    p2p_buf out;
} rep;

static int nomem(rep *r)
{
    return p2p_diag_set(r->d, P2P_ENOMEM, 0, -1, "out of memory writing the stats report");
}

/* len() of a name: code points (Python 3) or bytes (Python 2's str). */
static size_t py_len(const rep *r, const char *s)
{
    if (r->py2)
        return strlen(s);
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

/* s.ljust(w) */
static void put_ljust(rep *r, const char *s, size_t slen, size_t w)
{
    p2p_buf_puts(&r->out, s);
    for (size_t i = slen; i < w; i++)
        p2p_buf_putc(&r->out, ' ');
}

/* s.rjust(w) of ASCII text */
static void put_rjust(rep *r, const char *s, size_t w)
{
    for (size_t i = strlen(s); i < w; i++)
        p2p_buf_putc(&r->out, ' ');
    p2p_buf_puts(&r->out, s);
}

/* func_std_string(): "{built-in method x}" for ('~', 0, '<built-in method
 * x>'), the bare name for other ('~', 0, name), else "file:line(name)". */
static const char *std_string(rep *r, const p2p_function *f, const p2p_fn_stat *fs)
{
    if (!r->pstats || !fs->func_name)
        return f->name;
    const char *fn = f->filename ? f->filename : "";
    if (strcmp(fn, "~") == 0 && fs->line == 0) {
        size_t n = strlen(fs->func_name);
        if (n >= 2 && fs->func_name[0] == '<' && fs->func_name[n - 1] == '>') {
            char *s = p2p_arena_alloc(r->arena, n + 1);
            if (s) {
                s[0] = '{';
                memcpy(s + 1, fs->func_name + 1, n - 2);
                s[n - 1] = '}';
                s[n] = '\0';
            }
            return s;
        }
        return fs->func_name;
    }
    size_t n = strlen(fn) + strlen(fs->func_name) + 32;
    char *s = p2p_arena_alloc(r->arena, n);
    if (s)
        snprintf(s, n, "%s:%lld(%s)", fn, (long long)fs->line, fs->func_name);
    return s;
}

static double ev_or(const p2p_events *e, p2p_event k, double dflt)
{
    return p2p_ev_has(e, k) ? e->v[k] : dflt;
}

/* A function's self and total cost in the report's unit. */
static void costs_of(const rep *r, const p2p_function *f, double *self, double *total)
{
    const p2p_profile *p = r->p;
    if (r->seconds) {
        *self = ev_or(&f->ev, P2P_TIME, 0.0);
        /* without inclusive seconds (axe gives only fractions): the
         * inclusive fraction of the profile's time */
        if (p2p_ev_has(&f->ev, P2P_TOTAL_TIME))
            *total = f->ev.v[P2P_TOTAL_TIME];
        else if (p2p_ev_has(&f->ev, P2P_TOTAL_TIME_RATIO) && p2p_ev_has(&p->ev, P2P_TIME))
            *total = f->ev.v[P2P_TOTAL_TIME_RATIO] * p->ev.v[P2P_TIME];
        else
            *total = *self;
        return;
    }
    *self = ev_or(&f->ev, P2P_SAMPLES, 0.0);
    if (p2p_ev_has(&f->ev, P2P_TOTAL_SAMPLES))
        *total = f->ev.v[P2P_TOTAL_SAMPLES];
    else if (p2p_ev_has(&f->ev, P2P_TOTAL_TIME_RATIO))
        *total = f->ev.v[P2P_TOTAL_TIME_RATIO] * ev_or(&p->ev, P2P_SAMPLES, 0.0);
    else
        *total = *self;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* TupleComp.compare(), with the dict order as the last word (Python's
 * sort is stable). */
static int cmp_rows(const rep *r, const row *a, const row *b)
{
    for (size_t i = 0; i < r->sort.n; i++) {
        int c = 0;
        switch (r->sort.field[i]) {
        case F_CC: c = (a->cc > b->cc) - (a->cc < b->cc); break;
        case F_NC: c = (a->nc > b->nc) - (a->nc < b->nc); break;
        case F_TT: c = (a->tt > b->tt) - (a->tt < b->tt); break;
        case F_CT: c = (a->ct > b->ct) - (a->ct < b->ct); break;
        case F_FILE: c = cmp_str(a->file, b->file); break;
        case F_LINE: c = (a->line > b->line) - (a->line < b->line); break;
        case F_NAME: c = cmp_str(a->fname, b->fname); break;
        default: c = strcmp(r->std[a->f], r->std[b->f]); break;
        }
        if (c)
            return c < 0 ? -r->sort.dir[i] : r->sort.dir[i];
    }
    return (a->base > b->base) - (a->base < b->base);
}

/* Sort idx[0..n) of rows (merge sort: no context-free qsort needed). */
static int sort_rows(rep *r, uint32_t *idx, uint32_t n, int (*cmp)(const rep *, uint32_t, uint32_t))
{
    uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(r, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
    free(tmp);
    return 0;
}

static int cmp_row_idx(const rep *r, uint32_t a, uint32_t b)
{
    return cmp_rows(r, &r->rows[a], &r->rows[b]);
}

static int cmp_stats_order(const rep *r, uint32_t a, uint32_t b)
{
    uint32_t x = p2p_fn_stat_get(r->p, r->rows[a].f)->stats_order, y = p2p_fn_stat_get(r->p, r->rows[b].f)->stats_order;
    return (x > y) - (x < y);
}

/* The key tuple (filename, line, name) order of sorted(call_dict). */
static int cmp_keys(const rep *r, p2p_fid a, p2p_fid b)
{
    const p2p_function *x = &r->p->functions[a], *y = &r->p->functions[b];
    const p2p_fn_stat *xs = p2p_fn_stat_get(r->p, a), *ys = p2p_fn_stat_get(r->p, b);
    int c = cmp_str(x->filename, y->filename);
    if (c)
        return c;
    if (r->pstats && xs->func_name && ys->func_name) {
        if (xs->line != ys->line)
            return xs->line < ys->line ? -1 : 1;
        return cmp_str(xs->func_name, ys->func_name);
    }
    c = strcmp(x->name, y->name);
    return c ? c : (a > b) - (a < b);
}

/* Rows, their values and the dict order. */
static int make_rows(rep *r)
{
    const p2p_profile *p = r->p;
    r->rows = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *r->rows);
    r->std = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *r->std);
    r->stdw = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *r->stdw);
    if (!r->rows || !r->std || !r->stdw)
        return nomem(r);
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        const p2p_fn_stat *fs = p2p_fn_stat_get(p, i);
        if (!(r->std[i] = std_string(r, f, fs)))
            return nomem(r);
        r->stdw[i] = py_len(r, r->std[i]);
        bool take = r->pstats ? fs->in_stats : !f->removed || r->o->filtered_by;
        if (!take)
            continue;
        row *w = &r->rows[r->nrows];
        memset(w, 0, sizeof *w);
        w->f = i;
        if (r->pstats) {
            w->nc = (double)f->called;
            w->cc = fs->has_prim_called ? (double)fs->prim_called : w->nc;
            w->tt = ev_or(&f->ev, P2P_TIME, 0.0);
            w->ct = ev_or(&f->ev, P2P_TOTAL_TIME, 0.0);
            w->has_calls = true;
            w->file = f->filename;
            w->line = fs->line;
            w->fname = fs->func_name;
        } else {
            w->has_calls = f->has_called;
            w->nc = w->cc = f->has_called ? (double)f->called : 0.0;
            costs_of(r, f, &w->tt, &w->ct);
            w->file = f->filename ? f->filename : f->module ? f->module : "";
            w->fname = f->name;
        }
        r->nrows++;
    }

    /* the dict order */
    uint32_t *idx = malloc((r->nrows ? r->nrows : 1) * sizeof *idx);
    if (!idx)
        return nomem(r);
    for (uint32_t i = 0; i < r->nrows; i++)
        idx[i] = i;
    if (r->pstats && sort_rows(r, idx, r->nrows, cmp_stats_order) < 0) {
        free(idx);
        return nomem(r);
    }
    if (r->py2) {
        int64_t *h = malloc((r->nrows ? r->nrows : 1) * sizeof *h);
        uint32_t *order = malloc((r->nrows ? r->nrows : 1) * sizeof *order);
        if (!h || !order) {
            free(h);
            free(order);
            free(idx);
            return nomem(r);
        }
        for (uint32_t i = 0; i < r->nrows; i++) {
            const p2p_function *f = &p->functions[r->rows[idx[i]].f];
            const p2p_fn_stat *fs = p2p_fn_stat_get(p, r->rows[idx[i]].f);
            h[i] = p2p_py2_key_hash(f->filename ? f->filename : "", fs->line, fs->func_name ? fs->func_name : f->name);
        }
        int rc = p2p_py2_dict_order(h, r->nrows, order);
        for (uint32_t i = 0; rc == 0 && i < r->nrows; i++)
            order[i] = idx[order[i]];
        if (rc == 0)
            memcpy(idx, order, r->nrows * sizeof *idx);
        free(h);
        free(order);
        if (rc) {
            free(idx);
            return nomem(r);
        }
    }
    for (uint32_t i = 0; i < r->nrows; i++)
        r->rows[idx[i]].base = i;
    r->dict_order = idx;
    return 0;
}

/* The in-calls of every function, for print_callers. */
static int index_calls(rep *r)
{
    const p2p_profile *p = r->p;
    r->in_off = calloc((size_t)p->nfunctions + 1, sizeof *r->in_off);
    r->in_calls = malloc((p->ncalls ? p->ncalls : 1) * sizeof *r->in_calls);
    if (!r->in_off || !r->in_calls)
        return nomem(r);
    for (uint32_t c = 0; c < p->ncalls; c++)
        r->in_off[p->calls[c].callee + 1]++;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        r->in_off[f + 1] += r->in_off[f];
    uint32_t *fill = malloc(((size_t)p->nfunctions + 1) * sizeof *fill);
    if (!fill)
        return nomem(r);
    memcpy(fill, r->in_off, ((size_t)p->nfunctions + 1) * sizeof *fill);
    for (uint32_t c = 0; c < p->ncalls; c++)
        r->in_calls[fill[p->calls[c].callee]++] = c;
    free(fill);
    return 0;
}

static void put_f8(rep *r, double x)
{
    p2p_buf_printf(&r->out, "%8.3f", x);
}

/* A self or total value in the report's unit and column width. */
static void put_cost(rep *r, double x)
{
    if (r->seconds)
        p2p_buf_printf(&r->out, "%*.3f", r->colw, x);
    else
        p2p_buf_printf(&r->out, "%*.*f", r->colw, r->decimals, x);
}

/* eval_print_amount() for one restriction; msg gets the "List reduced"
 * line. */
static int restrict_list(rep *r, uint32_t *list, uint32_t *n, const p2p_restriction *s, p2p_buf *msg)
{
    uint32_t before = *n;
    if (s->kind == P2P_RESTRICT_REGEX) {
        regex_t re;
        utf8_scope u = {0, 0};
        if (!r->py2) /* Python 2's re matches the bytes of a str */
            utf8_enter(&u);
        int rc = compile_regex(&re, s->regex, "--filter", r->d);
        if (rc) {
            utf8_leave(&u);
            return rc;
        }
        uint32_t k = 0;
        for (uint32_t i = 0; i < *n; i++)
            if (regexec(&re, r->std[r->rows[list[i]].f], 0, NULL, 0) == 0)
                list[k++] = list[i];
        regfree(&re);
        utf8_leave(&u);
        *n = k;
    } else if (s->kind == P2P_RESTRICT_FRACTION) {
        if (s->fraction >= 0.0 && s->fraction < 1.0)
            *n = (uint32_t)((double)*n * s->fraction + .5);
    } else if (s->count >= 0 && s->count < (int64_t)*n) {
        *n = (uint32_t)s->count;
    }
    if (*n != before) {
        p2p_buf_printf(msg, "   List reduced from %u to %u due to restriction <", before, *n);
        if (s->kind == P2P_RESTRICT_REGEX) {
            p2p_py_str_repr(msg, s->regex, r->py2);
        } else if (s->kind == P2P_RESTRICT_FRACTION) {
            char f[40];
            p2p_py_float_repr(s->fraction, f, sizeof f);
            p2p_buf_puts(msg, f);
        } else {
            p2p_buf_printf(msg, "%lld", (long long)s->count);
        }
        p2p_buf_puts(msg, ">\n");
    }
    return 0;
}

/* get_print_list(): prints the message and returns the list (in r->listed,
 * *n) and the name column width (0 when the list is empty). */
static int print_list(rep *r, const char *regex, uint32_t *n, size_t *width)
{
    p2p_buf msg;
    p2p_buf_init(&msg);
    uint32_t *list = r->listed;
    for (uint32_t i = 0; i < r->nrows; i++)
        list[i] = i;
    if (r->sort.given) {
        if (sort_rows(r, list, r->nrows, cmp_row_idx) < 0) {
            p2p_buf_free(&msg);
            return nomem(r);
        }
        /* sort_type: the descriptions, with the unit's own names for
         * costs that are not times */
        p2p_buf_puts(&msg, "   Ordered by: ");
        for (size_t i = 0; i < r->sort.nwords; i++) {
            const struct sort_word *w = &sort_words[r->sort.words[i]];
            const char *desc = w->desc;
            if (!r->seconds && w->fields[0] == F_TT)
                desc = r->self_label;
            else if (!r->seconds && w->fields[0] == F_CT)
                desc = r->total_label;
            p2p_buf_printf(&msg, "%s%s", i ? ", " : "", desc);
        }
        p2p_buf_putc(&msg, '\n');
    } else {
        memcpy(list, r->dict_order, r->nrows * sizeof *list);
        p2p_buf_puts(&msg, "   Random listing order was used\n");
    }
    *n = r->nrows;

    /* what the graph filters removed, as a first restriction */
    uint32_t k = 0;
    for (uint32_t i = 0; i < *n; i++)
        if (!r->p->functions[r->rows[list[i]].f].removed)
            list[k++] = list[i];
    if (k != *n)
        p2p_buf_printf(&msg, "   List reduced from %u to %u due to restriction <%s>\n", *n, k,
                       r->o->filtered_by ? r->o->filtered_by : "graph filters");
    *n = k;

    int rc = 0;
    if (regex) {
        p2p_restriction s = {.kind = P2P_RESTRICT_REGEX, .regex = regex};
        rc = restrict_list(r, list, n, &s, &msg);
    }
    for (size_t i = 0; rc == 0 && i < r->o->nrestrictions; i++)
        rc = restrict_list(r, list, n, &r->o->restrictions[i], &msg);
    if (rc == 0 && *n) {
        p2p_buf_append(&r->out, msg.data, msg.len);
        p2p_buf_putc(&r->out, '\n');
        size_t w = 0;
        for (uint32_t i = 0; i < r->nrows; i++)
            if (r->stdw[r->rows[i].f] > w)
                w = r->stdw[r->rows[i].f];
        if (*n < r->nrows) {
            w = 0;
            for (uint32_t i = 0; i < *n; i++)
                if (r->stdw[r->rows[list[i]].f] > w)
                    w = r->stdw[r->rows[list[i]].f];
        }
        *width = w + 2;
    }
    if (msg.oom)
        rc = nomem(r);
    p2p_buf_free(&msg);
    return rc;
}

static void print_title(rep *r)
{
    p2p_buf_puts(&r->out, "   ncalls ");
    put_rjust(r, r->self_label, (size_t)r->colw);
    p2p_buf_puts(&r->out, "  percall ");
    put_rjust(r, r->total_label, (size_t)r->colw);
    p2p_buf_printf(&r->out, "  percall %s\n", r->name_label);
}

static void print_line(rep *r, const row *w)
{
    /* str(nc), and "/" str(cc) for recursive functions */
    char c[64];
    if (!w->has_calls)
        snprintf(c, sizeof c, "-");
    else if (w->nc != w->cc)
        snprintf(c, sizeof c, "%lld/%lld", (long long)w->nc, (long long)w->cc);
    else
        snprintf(c, sizeof c, "%lld", (long long)w->nc);
    put_rjust(r, c, 9);
    p2p_buf_putc(&r->out, ' ');
    put_cost(r, w->tt);
    p2p_buf_putc(&r->out, ' ');
    if (!w->has_calls || w->nc == 0)
        p2p_buf_puts(&r->out, "        ");
    else
        put_f8(r, w->tt / w->nc);
    p2p_buf_putc(&r->out, ' ');
    put_cost(r, w->ct);
    p2p_buf_putc(&r->out, ' ');
    if (!w->has_calls || w->cc == 0)
        p2p_buf_puts(&r->out, "        ");
    else
        put_f8(r, w->ct / w->cc);
    p2p_buf_putc(&r->out, ' ');
    p2p_buf_puts(&r->out, r->std[w->f]);
    p2p_buf_putc(&r->out, '\n');
}

static void print_header(rep *r)
{
    const p2p_profile *p = r->p;
    /* top_level: the functions that ("jprofile", 0, "profiler") called */
    for (uint32_t b = 0; b < r->nrows && r->pstats; b++) {
        p2p_fid f = r->rows[r->dict_order[b]].f;
        for (uint32_t k = r->in_off[f]; k < r->in_off[f + 1]; k++) {
            p2p_fid gi = p->calls[r->in_calls[k]].caller;
            const p2p_function *g = &p->functions[gi];
            const p2p_fn_stat *gs = p2p_fn_stat_get(p, gi);
            if (gs->func_name && gs->line == 0 && cmp_str(g->filename, "jprofile") == 0 &&
                strcmp(gs->func_name, "profiler") == 0) {
                p2p_buf_printf(&r->out, "         %s\n", p2p_fn_stat_get(p, f)->func_name);
                break;
            }
        }
    }
    double calls = 0, prim = 0, total = 0;
    bool any_calls = false;
    for (uint32_t i = 0; i < r->nrows; i++) {
        calls += r->rows[i].nc;
        prim += r->rows[i].cc;
        any_calls |= r->rows[i].has_calls;
        total += r->rows[i].tt;
    }
    if (r->pstats)
        total = p->pstats_total_tt;
    else if (r->seconds && p2p_ev_has(&p->ev, P2P_TIME))
        total = p->ev.v[P2P_TIME];
    else if (!r->seconds && p2p_ev_has(&p->ev, P2P_SAMPLES))
        total = p->ev.v[P2P_SAMPLES];
    if (any_calls) {
        p2p_buf_printf(&r->out, "         %lld function calls ", (long long)calls);
        if (calls != prim)
            p2p_buf_printf(&r->out, "(%lld primitive calls) ", (long long)prim);
    } else {
        /* no call counts (sampled stacks): the functions seen */
        p2p_buf_printf(&r->out, "         %u functions ", r->nrows);
    }
    if (r->seconds) {
        p2p_buf_printf(&r->out, "in %.3f seconds\n\n", total);
    } else if (p->unit != P2P_UNIT_DEFAULT && !r->o->cost_name) {
        char v[64];
        p2p_profile_value_text(p, total, v, sizeof v);
        p2p_buf_printf(&r->out, "in %s\n\n", v);
    } else {
        p2p_buf_printf(&r->out, "in %.0f %s\n\n", total, r->unit);
    }
}

static int print_stats(rep *r)
{
    print_header(r);
    uint32_t n = 0;
    size_t width = 0;
    int rc = print_list(r, NULL, &n, &width);
    if (rc || !n)
        return rc;
    print_title(r);
    for (uint32_t i = 0; i < n; i++)
        print_line(r, &r->rows[r->listed[i]]);
    p2p_buf_puts(&r->out, "\n\n");
    return 0;
}

static void print_call_heading(rep *r, size_t name_size, const char *title)
{
    put_ljust(r, "Function ", 9, name_size);
    p2p_buf_printf(&r->out, "%s\n", title);
    if (r->subheader) {
        for (size_t i = 0; i < name_size; i++)
            p2p_buf_putc(&r->out, ' ');
        p2p_buf_puts(&r->out, "    ncalls ");
        if (r->pstats) {
            put_rjust(r, r->self_label, (size_t)r->colw);
            p2p_buf_putc(&r->out, ' ');
        }
        /* other formats know no self cost of a call */
        put_rjust(r, r->total_label, (size_t)r->colw);
        p2p_buf_putc(&r->out, '\n');
    }
}

typedef struct callref {
    p2p_fid other;
    uint32_t call;
} callref;

static int cmp_callref(const rep *r, uint32_t a, uint32_t b)
{
    return cmp_keys(r, r->calls_listed[a].other, r->calls_listed[b].other);
}

/* print_call_line(): `source` and its callers (or callees). */
/* Append v to a growing list; on failure the list is freed. */
static int push_ref(callref **list, size_t *n, size_t *cap, callref v)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        callref *g = realloc(*list, nc * sizeof *g);
        if (!g) {
            free(*list);
            *list = NULL;
            return -1;
        }
        *list = g;
        *cap = nc;
    }
    (*list)[(*n)++] = v;
    return 0;
}

static int print_call_line(rep *r, size_t name_size, p2p_fid source, bool callers)
{
    const p2p_profile *p = r->p;
    callref *list = NULL;
    size_t n = 0, cap = 0;
    if (callers) {
        for (uint32_t k = r->in_off[source]; k < r->in_off[source + 1]; k++) {
            uint32_t c = r->in_calls[k];
            if (p->calls[c].removed || p->functions[p->calls[c].caller].removed)
                continue;
            if (push_ref(&list, &n, &cap, (callref){p->calls[c].caller, c}) < 0)
                return nomem(r);
        }
    } else {
        for (uint32_t c = p->functions[source].first_call; c != P2P_NONE; c = p->calls[c].next) {
            if (p->calls[c].removed || p->functions[p->calls[c].callee].removed)
                continue;
            if (push_ref(&list, &n, &cap, (callref){p->calls[c].callee, c}) < 0)
                return nomem(r);
        }
    }
    put_ljust(r, r->std[source], r->stdw[source], name_size);
    p2p_buf_puts(&r->out, callers ? "<-" : "->");
    if (!n) {
        /* Python 2's print statement writes no space before a bare newline */
        p2p_buf_puts(&r->out, r->py2 ? "\n" : " \n");
        return 0;
    }
    p2p_buf_putc(&r->out, ' ');
    /* sorted(call_dict): by key (filename, line, name) */
    uint32_t *order = malloc(n * sizeof *order);
    if (!order) {
        free(list);
        return nomem(r);
    }
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    r->calls_listed = list;
    if (sort_rows(r, order, (uint32_t)n, cmp_callref) < 0) {
        free(order);
        free(list);
        return nomem(r);
    }
    for (size_t line = 0; line < n; line++) {
        const callref *cr = &list[order[line]];
        const p2p_call *k = &p->calls[cr->call];
        const p2p_call_stat *ks = p2p_call_stat_get(p, cr->call);
        const char *name = r->std[cr->other];
        /* the lines after the first are indented to the first's columns */
        size_t indent = line ? name_size + (r->pstats && ks->stat_n == 1 ? 3 : 1) : 0;
        for (size_t j = 0; j < indent; j++)
            p2p_buf_putc(&r->out, ' ');
        if (r->pstats && ks->stat_n == 1) {
            /* the profile module: name(count) and the other end's cumtime */
            double v = ks->stat[0];
            p2p_buf_printf(&r->out, "%s(", name);
            if (v == (double)(long long)v && v > -9e15 && v < 9e15) {
                p2p_buf_printf(&r->out, "%lld", (long long)v);
            } else {
                char f[40];
                p2p_py_float_repr(v, f, sizeof f);
                p2p_buf_puts(&r->out, f);
            }
            p2p_buf_puts(&r->out, ") ");
            put_f8(r, ev_or(&p->functions[cr->other].ev, P2P_TOTAL_TIME, 0.0));
            p2p_buf_putc(&r->out, '\n');
            continue;
        }
        char c[64];
        bool has_self = false;
        double self = 0, total = 0;
        if (r->pstats && ks->stat_n == 4) {
            if (ks->stat[0] != ks->stat[1])
                snprintf(c, sizeof c, "%lld/%lld", (long long)ks->stat[0], (long long)ks->stat[1]);
            else
                snprintf(c, sizeof c, "%lld", (long long)ks->stat[0]);
            has_self = true;
            self = ks->stat[2];
            total = ks->stat[3];
        } else {
            if (p2p_ev_has(&k->ev, P2P_CALLS))
                snprintf(c, sizeof c, "%lld", (long long)k->ev.v[P2P_CALLS]);
            else
                snprintf(c, sizeof c, "-");
            total = r->seconds ? ev_or(&k->ev, P2P_TOTAL_TIME, 0.0) : ev_or(&k->ev, P2P_SAMPLES2, 0.0);
        }
        put_rjust(r, c, line ? 9 : 7);
        p2p_buf_putc(&r->out, ' ');
        if (r->pstats) {
            if (has_self)
                put_cost(r, self);
            else
                p2p_buf_printf(&r->out, "%*s", r->colw, "");
            p2p_buf_putc(&r->out, ' ');
        }
        put_cost(r, total);
        p2p_buf_printf(&r->out, "  %s\n", name);
    }
    free(order);
    free(list);
    return 0;
}

static int print_calls(rep *r, const char *regex, bool callers)
{
    uint32_t n = 0;
    size_t width = 0;
    int rc = print_list(r, regex, &n, &width);
    if (rc || !n)
        return rc;
    print_call_heading(r, width, callers ? "was called by..." : "called...");
    for (uint32_t i = 0; i < n && rc == 0; i++)
        rc = print_call_line(r, width, r->rows[r->listed[i]].f, callers);
    p2p_buf_puts(&r->out, "\n\n");
    return rc;
}

int p2p_stats_report(const p2p_profile *p, const p2p_stats_opts *o, char **out, size_t *len, p2p_diag *d)
{
    *out = NULL;
    *len = 0;
    rep r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.o = o;
    r.d = d;
    p2p_buf_init(&r.out);
    int rc = p2p_stats_check(o, d);
    if (rc)
        return rc;
    parse_sort(o->sort, &r.sort, d);
    r.pstats = p->pstats_python != 0;
    r.py2 = p->pstats_python == 2;
    r.seconds = r.pstats || !p2p_ev_has(&p->ev, P2P_SAMPLES);
    if (r.seconds) {
        r.self_label = "tottime";
        r.total_label = "cumtime";
    } else {
        /* a unit's name for the values with one (pprof, speedscope, v8) */
        const char *named = p->unit == P2P_UNIT_SECONDS ? "s" : p->unit == P2P_UNIT_BYTES ? "bytes" : NULL;
        const char *unit = o->cost_name ? o->cost_name : named ? named : p->cost_name ? p->cost_name : "samples";
        r.decimals = p->unit == P2P_UNIT_SECONDS ? 3 : 0;
        r.unit = unit;
        r.self_label = unit;
        r.total_label = unit;
    }
    r.name_label = r.pstats ? "filename:lineno(function)" : "function";

    r.arena = p2p_arena_new();
    if (!r.arena) {
        rc = nomem(&r);
        goto done;
    }
    if (!r.seconds) {
        const char *unit = r.self_label;
        size_t n = strlen(unit) + 8;
        char *s = p2p_arena_alloc(r.arena, n), *t = p2p_arena_alloc(r.arena, n);
        if (!s || !t) {
            rc = nomem(&r);
            goto done;
        }
        snprintf(s, n, "self %s", unit);
        snprintf(t, n, "total %s", unit);
        r.self_label = s;
        r.total_label = t;
    }
    r.colw = 8;
    if ((int)strlen(r.self_label) > r.colw)
        r.colw = (int)strlen(r.self_label);
    if ((int)strlen(r.total_label) > r.colw)
        r.colw = (int)strlen(r.total_label);

    if ((rc = make_rows(&r)) || (rc = index_calls(&r)))
        goto done;
    r.listed = malloc((r.nrows ? r.nrows : 1) * sizeof *r.listed);
    if (!r.listed) {
        rc = nomem(&r);
        goto done;
    }
    /* print_call_heading(): a sub-header only for cProfile's caller tuples */
    r.subheader = !r.pstats;
    for (uint32_t c = 0; c < p->ncalls && r.pstats; c++) {
        if (p2p_call_stat_get(p, c)->stat_n) {
            r.subheader = p2p_call_stat_get(p, c)->stat_n == 4;
            break;
        }
    }

    if (o->print_stats)
        rc = print_stats(&r);
    if (rc == 0 && o->callers)
        rc = print_calls(&r, o->callers, true);
    if (rc == 0 && o->callees)
        rc = print_calls(&r, o->callees, false);
    if (rc == 0 && r.out.oom)
        rc = nomem(&r);
    if (rc == 0) {
        *out = p2p_buf_take(&r.out, len);
        if (!*out) {
            /* an empty report */
            *out = calloc(1, 1);
            if (!*out)
                rc = nomem(&r);
        }
    }
done:
    p2p_buf_free(&r.out);
    p2p_arena_free(r.arena);
    free(r.rows);
    free(r.std);
    free(r.stdw);
    free(r.in_off);
    free(r.in_calls);
    free(r.listed);
    free(r.dict_order);
    return rc;
}
