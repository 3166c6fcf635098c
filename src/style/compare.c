/* --compare: gprof2dot's DotWriter.graphs_compare.  The graph of profile 1,
 * each node annotated with how its numbers differ from the function of the
 * same name in profile 2, each edge with both profiles' numbers.
 *
 * gprof2dot's behaviour is kept, quirks included:
 *   - a function found in both profiles gets the name line (wrapped, never
 *     stripped or truncated, no module line), then for every node event it
 *     has: the value with " + X%" / " - X%" when the difference reaches the
 *     tolerance, each followed by a "A ×/ B ×" called line;
 *   - X is round(difference, -floor(log10(tolerance))) printed as Python's
 *     repr() of a float;
 *   - node fontsize is "%f", nodes carry shape (box/cds) and orientation;
 *   - with --compare-color-by-difference nodes are coloured by their
 *     difference rescaled by min_max_difference, which pairs the two
 *     profiles' functions by position in id order, and edges get weight 0;
 *   - a function of profile 2 missing from profile 1 is not drawn.
 * Where gprof2dot crashes this draws instead, as the corpus' expected
 * output (gprof2dot with its upstream fix) does:
 *   - a function only in profile 1 is drawn as in the plain graph, and its
 *     edges get single-value labels (gprof2dot used an unbound or stale
 *     calls2); beyond the fix, its node sits in a one-node cluster, a
 *     dashed frame captioned "removed" or "pruned in profile 2"
 *     (frame_unmatched), which leaves node and edges as the fix has them;
 *   - an edge whose callee or call is missing from profile 2 gets the
 *     single-value label, and so does one event missing on the profile 2
 *     side (of a call or of a function);
 *   - a difference of exactly min == max rescales to 1.0, an edge without a
 *     weight falls back to its callee's weight as in the plain graph, and a
 *     tolerance <= 0 leaves differences unrounded.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/theme.h"
#include "style.h"

/* ---- Python float formatting -------------------------------------------- */

/* Python round(x, ndigits) for a float: the exact binary value rounded half
 * to even at 10^-ndigits (dtoa mode 3), read back as the nearest double. */
static double py_round(double x, int ndigits)
{
    if (!isfinite(x) || ndigits > 323)
        return x;
    if (ndigits < -308)
        return 0.0 * x;
    char buf[512];
    if (ndigits >= 0) {
        snprintf(buf, sizeof buf, "%.*f", ndigits, x);
        return strtod(buf, NULL);
    }
    if (x == 0.0)
        return x;
    /* the decimal exponent of x, then as many significant digits as reach
     * the 10^-ndigits place */
    snprintf(buf, sizeof buf, "%.40e", x);
    int e = atoi(strchr(buf, 'e') + 1);
    int sig = e + ndigits + 1;
    if (sig >= 1) {
        snprintf(buf, sizeof buf, "%.*e", sig - 1, x);
        return strtod(buf, NULL);
    }
    if (sig == 0) {
        /* |x| in [10^(-ndigits-1), 10^-ndigits): 0 or one unit; a tie goes
         * to 0, the even one */
        snprintf(buf, sizeof buf, "5e%d", -ndigits - 1);
        double half = strtod(buf, NULL);
        if (fabs(x) > half) {
            snprintf(buf, sizeof buf, "1e%d", -ndigits);
            return copysign(strtod(buf, NULL), x);
        }
    }
    return copysign(0.0, x);
}

/* Add one unit in the last digit of a "%.Ne" mantissa (d.ddd), in place;
 * returns 1 when the carry ran out of digits (9.99 -> 10.00). */
static int bump_digits(char *digits, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (digits[i] == '.')
            continue;
        if (digits[i] < '9') {
            digits[i]++;
            return 0;
        }
        digits[i] = '0';
    }
    return 1;
}

/* The shortest digits (no dot) and decimal exponent of finite x != 0 that
 * read back as x (dtoa mode 0): *decpt is where the point goes, as in
 * 0.DIGITS x 10^decpt. */
static void shortest_digits(double x, char digits[32], int *decpt)
{
    double ax = fabs(x);
    char buf[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, ax);
        if (strtod(buf, NULL) != ax) {
            /* at a power of two the interval below x is half as wide: the
             * nearest p-digit decimal may miss while the next one up hits */
            int ex;
            if (frexp(ax, &ex) != 0.5)
                continue;
            char *e = strchr(buf, 'e');
            if (strtod(buf, NULL) > ax || bump_digits(buf, (size_t)(e - buf)))
                continue;
            if (strtod(buf, NULL) != ax)
                continue;
        }
        char *e = strchr(buf, 'e');
        int exp10 = atoi(e + 1);
        size_t n = 0;
        for (char *c = buf; c < e; c++)
            if (*c != '.')
                digits[n++] = *c;
        while (n > 1 && digits[n - 1] == '0')
            n--;
        digits[n] = '\0';
        *decpt = exp10 + 1;
        return;
    }
    /* %.16e always reads back; not reached */
    snprintf(digits, 32, "0");
    *decpt = 1;
}

/* Python repr(float): shortest round-trip digits, fixed notation for
 * -4 < decpt <= 16 with ".0" added to whole numbers, else d.ddde+XX. */
static void py_float_repr(double x, char *out, size_t size)
{
    if (isnan(x)) {
        snprintf(out, size, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(out, size, x < 0 ? "-inf" : "inf");
        return;
    }
    if (x == 0.0) {
        snprintf(out, size, signbit(x) ? "-0.0" : "0.0");
        return;
    }
    char d[32];
    int decpt;
    shortest_digits(x, d, &decpt);
    int nd = (int)strlen(d);
    char buf[64];
    size_t k = 0;
    if (x < 0)
        buf[k++] = '-';
    if (decpt <= -4 || decpt > 16) {
        int e = decpt - 1;
        buf[k++] = d[0];
        if (nd > 1) {
            buf[k++] = '.';
            for (int i = 1; i < nd; i++)
                buf[k++] = d[i];
        }
        snprintf(buf + k, sizeof buf - k, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else {
        if (decpt <= 0) {
            buf[k++] = '0';
            buf[k++] = '.';
            for (int i = 0; i < -decpt; i++)
                buf[k++] = '0';
            for (int i = 0; i < nd; i++)
                buf[k++] = d[i];
        } else {
            for (int i = 0; i < decpt; i++)
                buf[k++] = i < nd ? d[i] : '0';
            buf[k++] = '.';
            if (decpt >= nd)
                buf[k++] = '0';
            for (int i = decpt; i < nd; i++)
                buf[k++] = d[i];
        }
        buf[k] = '\0';
    }
    snprintf(out, size, "%s", buf);
}

/* round_difference(difference, tolerance) as Python prints it in an
 * f-string. */
static void put_difference(p2p_buf *b, double difference, double tolerance)
{
    double r = difference;
    if (tolerance > 0.0 && isfinite(tolerance)) {
        double n = -floor(log10(tolerance));
        r = py_round(difference, n > 400 ? 400 : n < -400 ? -400 : (int)n);
    }
    char s[64];
    py_float_repr(r, s, sizeof s);
    p2p_buf_puts(b, s);
}

/* ---- profile 2 lookups --------------------------------------------------- */

typedef struct name_entry {
    const char *name;
    size_t rank; /* position in id order: the last one wins, as in a dict */
    p2p_fid fid;
} name_entry;

static int cmp_name_entry(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* functions2: name -> the live function of profile 2 with that name and the
 * greatest id; P2P_NONE when none. */
static p2p_fid find_by_name(const name_entry *tab, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first entry with a greater name */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(tab[mid].name, name) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || strcmp(tab[lo - 1].name, name) != 0)
        return P2P_NONE;
    return tab[lo - 1].fid;
}

/* min_max_difference: |TOTAL_TIME_RATIO| differences x 100 of the two
 * profiles' functions paired by position in id order (0 past the end of
 * profile 2). */
static void min_max_difference(const p2p_profile *p1, const p2p_fid *o1, size_t n1, const p2p_profile *p2,
                               const p2p_fid *o2, size_t n2, double *mn, double *mx)
{
    for (size_t i = 0; i < n1; i++) {
        double d = 0;
        if (i < n2) {
            const p2p_events *e1 = &p1->functions[o1[i]].ev, *e2 = &p2->functions[o2[i]].ev;
            double a = p2p_ev_has(e1, P2P_TOTAL_TIME_RATIO) ? p2p_ev_get(e1, P2P_TOTAL_TIME_RATIO) : 0.0;
            double c = p2p_ev_has(e2, P2P_TOTAL_TIME_RATIO) ? p2p_ev_get(e2, P2P_TOTAL_TIME_RATIO) : 0.0;
            d = fabs(a - c) * 100;
        }
        /* Python min()/max(): keep the first unless a later one compares
         * smaller/greater */
        if (i == 0) {
            *mn = *mx = d;
        } else {
            if (d < *mn)
                *mn = d;
            if (d > *mx)
                *mx = d;
        }
    }
}

/* ---- the graph ------------------------------------------------------------- */

typedef struct cmp_ctx {
    const p2p_profile *p1, *p2;
    const p2p_theme *t;
    const p2p_label_opts *lo;
    const p2p_compare_opts *co;
    p2p_graph *g;
    const p2p_event *ev;
    size_t nev;
    p2p_gid *ids;
    p2p_fid *o1, *o2;
    size_t n1, n2;
    name_entry *names2;
    name_entry *all2; /* every function of profile 2, pruned ones included */
    size_t nall2;
    bool have_minmax, have_last;
    double min_diff, max_diff;
    p2p_buf b, line, last; /* label, one line, gprof2dot's `label` variable */
} cmp_ctx;

static void set_last(cmp_ctx *c, const char *s, size_t n)
{
    c->last.len = 0;
    p2p_buf_append(&c->last, s, n);
    c->have_last = true;
}

/* The node label of a function found in both profiles; sets *shape,
 * *orientation and *weight_difference. */
static int both_label(cmp_ctx *c, const p2p_function *f1, const p2p_function *f2, const char **shape,
                      const char **orientation, double *weight_difference)
{
    const char *tf = c->lo ? c->lo->time_format : NULL;
    const p2p_compare_opts *co = c->co;
    if (c->lo && c->lo->wrap) {
        char *w = p2p_label_wrap(f1->name);
        if (!w)
            return -1;
        p2p_buf_puts(&c->b, w);
        free(w);
    } else {
        p2p_buf_puts(&c->b, f1->name);
    }
    *weight_difference = 0;
    *shape = "box";
    *orientation = "0";
    for (size_t i = 0; i < c->nev; i++) {
        p2p_event e = c->ev[i];
        if (!p2p_ev_has(&f1->ev, e))
            continue;
        double e1 = p2p_ev_get(&f1->ev, e);
        p2p_buf *l = &c->line;
        l->len = 0;
        if (!p2p_ev_has(&f2->ev, e)) {
            p2p_style_put_event(l, e, e1, tf); /* gprof2dot: UndefinedEvent */
            if (e == P2P_TOTAL_TIME_RATIO)
                *weight_difference = 0;
        } else {
            double e2 = p2p_ev_get(&f2->ev, e);
            double difference = fabs(e1 - e2) * 100;
            int sign = 0; /* +1: " + X%", -1: " - X%", 0: the plain value */
            bool stale = false;
            if (e == P2P_TOTAL_TIME_RATIO) {
                *weight_difference = difference;
                if (difference >= co->tolerance) {
                    if (e2 > e1 && !co->only_faster) {
                        *shape = "cds";
                        sign = 1;
                    } else if (e2 < e1 && !co->only_slower) {
                        *orientation = "90";
                        *shape = "cds";
                        sign = -1;
                    } else {
                        /* not coloured by a difference it does not show */
                        *weight_difference = 0;
                    }
                } else {
                    *weight_difference = 0;
                }
            } else if (difference >= co->tolerance) {
                if (e2 > e1)
                    sign = 1;
                else if (e2 < e1)
                    sign = -1;
                else
                    stale = true; /* tolerance <= 0: `label` keeps its last value */
            }
            if (stale && c->have_last) {
                p2p_buf_append(l, c->last.data, c->last.len);
            } else {
                p2p_style_put_event(l, e, e1, tf);
                if (sign) {
                    p2p_buf_puts(l, sign > 0 ? " + " : " - ");
                    put_difference(l, difference, co->tolerance);
                    p2p_buf_putc(l, '%');
                }
            }
        }
        if (l->oom)
            return -1;
        set_last(c, l->data, l->len);
        p2p_buf_putc(&c->b, '\n');
        p2p_buf_append(&c->b, l->data, l->len);
        if (f1->has_called) {
            p2p_buf_printf(&c->b, "\n%" PRId64 " \xc3\x97/ ", f1->called);
            if (f2->has_called)
                p2p_buf_printf(&c->b, "%" PRId64 " \xc3\x97", f2->called);
            else
                p2p_buf_puts(&c->b, "None \xc3\x97");
        }
    }
    return c->b.oom ? -1 : 0;
}

/* The node label of a function only in profile 1: as the plain graph. */
static int plain_label(cmp_ctx *c, const p2p_function *f1)
{
    const char *tf = c->lo ? c->lo->time_format : NULL;
    if (p2p_style_name_lines(c->p1, f1, c->lo, &c->b) < 0)
        return -1;
    for (size_t i = 0; i < c->nev; i++) {
        if (p2p_ev_has(&f1->ev, c->ev[i])) {
            c->line.len = 0;
            p2p_style_put_event(&c->line, c->ev[i], p2p_ev_get(&f1->ev, c->ev[i]), tf);
            if (c->line.oom)
                return -1;
            set_last(c, c->line.data, c->line.len);
            p2p_buf_putc(&c->b, '\n');
            p2p_buf_append(&c->b, c->line.data, c->line.len);
        }
    }
    if (f1->has_called)
        p2p_buf_printf(&c->b, "\n%" PRId64 "\xc3\x97", f1->called);
    return c->b.oom ? -1 : 0;
}

/* A function of profile 1 with no live match in profile 2 is framed (a
 * one-node cluster): "removed" when profile 2 has no function of that name,
 * "pruned in profile 2" when the thresholds, -p, -z or -l took it out.
 * gprof2dot crashes here; its upstream fix draws such a node plainly, and
 * the frame changes nothing of the node or its edges. */
static int frame_unmatched(cmp_ctx *c, const p2p_function *f1)
{
    bool exists = find_by_name(c->all2, c->nall2, f1->name) != P2P_NONE;
    p2p_attr a[6] = {
        {"color", "#808080", false},
        {"fontcolor", "#808080", false},
        {"fontname", c->t->fontname, false},
        {"fontsize", "10.00", false},
        {"label", exists ? "pruned in profile 2" : "removed", false},
        {"style", "dashed", false},
    };
    const char *font = p2p_graph_strdup(c->g, c->t->fontname);
    if (!font)
        return P2P_ENOMEM;
    a[2].value = font;
    return p2p_graph_frame_last(c->g, a, 6);
}

static int add_node(cmp_ctx *c, p2p_fid fid1, p2p_fid fid2)
{
    const p2p_function *f1 = &c->p1->functions[fid1];
    const p2p_compare_opts *co = c->co;
    const char *shape = "box", *orientation = "0";
    double weight_difference = 0;
    c->b.len = 0;
    if (fid2 != P2P_NONE) {
        if (co->color_by_difference && !c->have_minmax) {
            min_max_difference(c->p1, c->o1, c->n1, c->p2, c->o2, c->n2, &c->min_diff, &c->max_diff);
            c->have_minmax = true;
        }
        if (both_label(c, f1, &c->p2->functions[fid2], &shape, &orientation, &weight_difference) < 0)
            return P2P_ENOMEM;
    } else if (plain_label(c, f1) < 0) {
        return P2P_ENOMEM;
    }

    double weight;
    if (co->color_by_difference && weight_difference != 0) {
        if (c->max_diff != c->min_diff)
            weight = (weight_difference - c->min_diff) / (c->max_diff - c->min_diff);
        else
            weight = 1.0; /* gprof2dot: ZeroDivisionError */
    } else if (f1->has_weight && !co->color_by_difference) {
        weight = f1->weight;
    } else {
        weight = 0.0;
    }

    set_last(c, c->b.data ? c->b.data : "", c->b.len);
    const char *label = p2p_style_take(c->g, &c->b);
    char hex[8], fg[8];
    p2p_theme_color(c->t, weight, hex);
    p2p_theme_node_fgcolor(c->t, weight, fg);
    p2p_attr a[7] = {
        {"color", p2p_graph_strdup(c->g, hex), false},
        {"fontcolor", p2p_graph_strdup(c->g, fg), false},
        {"fontsize", p2p_style_printf(c->g, "%f", p2p_theme_fontsize(c->t, weight)), false},
        {"label", label, false},
        {"orientation", orientation, false},
        {"shape", shape, false},
        {"tooltip", f1->filename ? p2p_graph_strdup(c->g, f1->filename) : NULL, false},
    };
    for (int i = 0; i < 4; i++)
        if (!a[i].value)
            return P2P_ENOMEM;
    if (f1->filename && !a[6].value)
        return P2P_ENOMEM;
    int rc = p2p_graph_add_node(c->g, c->ids[fid1], a, f1->filename ? 7 : 6);
    if (rc || fid2 != P2P_NONE)
        return rc;
    return frame_unmatched(c, f1);
}

static int add_edges(cmp_ctx *c, p2p_fid fid1, p2p_fid fid2)
{
    static const p2p_event edge_events[] = {P2P_TOTAL_TIME_RATIO, P2P_CALLS};
    const char *tf = c->lo ? c->lo->time_format : NULL;
    size_t nc;
    uint32_t *calls = p2p_style_sorted_calls(c->p1, fid1, &nc);
    if (!calls && nc)
        return P2P_ENOMEM;
    int rc = 0;
    for (size_t j = 0; j < nc && !rc; j++) {
        const p2p_call *k1 = &c->p1->calls[calls[j]];
        /* the same call in profile 2, matched through the callee's name */
        const p2p_call *k2 = NULL;
        if (fid2 != P2P_NONE) {
            p2p_fid callee2 = find_by_name(c->names2, c->n2, c->p1->functions[k1->callee].name);
            if (callee2 != P2P_NONE) {
                uint32_t ci = p2p_profile_find_call(c->p2, fid2, callee2);
                if (ci != P2P_NONE && p2p_style_call_live(c->p2, ci))
                    k2 = &c->p2->calls[ci];
            }
        }
        c->b.len = 0;
        int lines = 0;
        for (size_t i = 0; i < 2; i++) {
            p2p_event e = edge_events[i];
            if (!p2p_ev_has(&k1->ev, e))
                continue;
            if (lines++)
                p2p_buf_putc(&c->b, '\n');
            p2p_style_put_event(&c->b, e, p2p_ev_get(&k1->ev, e), tf);
            if (k2 && p2p_ev_has(&k2->ev, e)) {
                p2p_buf_puts(&c->b, " / ");
                p2p_style_put_event(&c->b, e, p2p_ev_get(&k2->ev, e), tf);
            }
        }
        if (c->b.oom) {
            rc = P2P_ENOMEM;
            break;
        }
        set_last(c, c->b.data ? c->b.data : "", c->b.len);
        const char *label = p2p_style_take(c->g, &c->b);
        const p2p_function *callee = &c->p1->functions[k1->callee];
        double w = c->co->color_by_difference ? 0.0
                   : k1->has_weight           ? k1->weight
                   : callee->has_weight       ? callee->weight
                                              : 0.0;
        p2p_attr a[7];
        if (!label || p2p_style_edge_attrs(c->g, c->t, w, label, a) < 0)
            rc = P2P_ENOMEM;
        else
            rc = p2p_graph_add_edge(c->g, c->ids[fid1], c->ids[k1->callee], a, 7);
    }
    free(calls);
    return rc;
}

/* DotWriter.graphs_compare (see the top of this file).  lo may be NULL.
 * 0 with *out set (free with p2p_graph_free), or P2P_ENOMEM with d
 * filled. */
int p2p_graph_compare(const p2p_profile *p1, const p2p_profile *p2, const p2p_theme *t,
                      const p2p_label_opts *lo, const p2p_compare_opts *co, p2p_graph **out, p2p_diag *d)
{
    *out = NULL;
    cmp_ctx c;
    memset(&c, 0, sizeof c);
    c.p1 = p1, c.p2 = p2, c.t = t, c.lo = lo, c.co = co;
    p2p_buf_init(&c.b);
    p2p_buf_init(&c.line);
    p2p_buf_init(&c.last);
    p2p_event evbuf[64];
    p2p_event *ev = evbuf;
    int rc = P2P_ENOMEM;
    if (!(c.g = p2p_graph_new()) || p2p_style_defaults(c.g, t, false))
        goto done;
    if (lo && lo->n_node_events + 3 > sizeof evbuf / sizeof evbuf[0] &&
        !(ev = malloc((lo->n_node_events + 3) * sizeof *ev)))
        goto done;
    c.ev = ev;
    c.nev = p2p_style_node_events(lo, ev);
    if (!(c.ids = p2p_style_ids(p1, c.g)))
        goto done;
    c.o1 = p2p_style_sorted_functions(p1, &c.n1);
    c.o2 = p2p_style_sorted_functions(p2, &c.n2);
    if ((!c.o1 && c.n1) || (!c.o2 && c.n2))
        goto done;
    if (c.n2) {
        if (!(c.names2 = malloc(c.n2 * sizeof *c.names2)))
            goto done;
        for (size_t i = 0; i < c.n2; i++)
            c.names2[i] = (name_entry){p2->functions[c.o2[i]].name, i, c.o2[i]};
        qsort(c.names2, c.n2, sizeof *c.names2, cmp_name_entry);
    }
    if (p2->nfunctions) {
        if (!(c.all2 = malloc(p2->nfunctions * sizeof *c.all2)))
            goto done;
        for (p2p_fid f = 0; f < p2->nfunctions; f++)
            c.all2[c.nall2++] = (name_entry){p2->functions[f].name, f, f};
        qsort(c.all2, c.nall2, sizeof *c.all2, cmp_name_entry);
    }
    for (size_t i = 0; i < c.n1; i++) {
        p2p_fid f1 = c.o1[i];
        p2p_fid f2 = find_by_name(c.names2, c.n2, p1->functions[f1].name);
        if (add_node(&c, f1, f2) || add_edges(&c, f1, f2))
            goto done;
    }
    rc = 0;
done:
    p2p_buf_free(&c.b);
    p2p_buf_free(&c.line);
    p2p_buf_free(&c.last);
    free(c.ids);
    free(c.o1);
    free(c.o2);
    free(c.names2);
    free(c.all2);
    if (ev != evbuf)
        free(ev);
    if (rc) {
        p2p_graph_free(c.g);
        return p2p_diag_set(d, rc, 0, -1, "out of memory while building the comparison graph");
    }
    *out = c.g;
    return 0;
}

/* Python's repr() of a float, for the other style files (style.h). */
void p2p_style_float_repr(double x, char *out, size_t size)
{
    py_float_repr(x, out, size);
}
