/* --ignore, --focus and --hide: filtering the call graph by function name
 * (p2p_filter_names in analyse.h).  The definitions are those of pprof's
 * options of the same names, restated for a call graph (prof2png keeps no
 * stacks once a profile is parsed):
 *
 *  - ignore: a matching function goes, with its calls, and so does every
 *    function that is then cut off: one that no path from an entry point
 *    reaches any more.  Entry points are the functions nobody else calls,
 *    and the members of call cycles that nothing outside them calls.
 *  - focus: a function stays when some path through a matching function
 *    passes it: it matches, calls one (transitively), or is called from one
 *    (transitively).  A call stays when it lies on such a path: its callee
 *    is a matching function or leads to one, or its caller is a matching
 *    function or is reached from one.
 *  - hide: a matching function goes and its callers are joined to its
 *    callees: caller X of H and callee Y of H get a call X -> Y whose total
 *    time is the share of H -> Y that X's calls bring to H,
 *    T(X->H) / T(H) * T(H->Y) (fraction capped at 1), added to a call X -> Y
 *    that exists.  A joined call has no call count; a path X -> H -> X adds
 *    nothing.  Chains of hidden functions join through.
 *
 * Numbers are not recomputed: every function keeps the times and
 * percentages of the whole profile, as with -z, -l and -p (pprof recounts
 * its samples instead).  Ignore runs first, then focus on what is left, then
 * hide.  Names are matched as drawn before --strip, anywhere in the name
 * (regexec, POSIX extended, in a UTF-8 locale); several patterns of one
 * option match when any does.
 *
 * Nothing recurses: the searches use explicit queues.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"

/* Joined calls a --hide may create, beyond the calls the profile had. */
#define JOIN_LIMIT ((size_t)1 << 24)

typedef struct matcher {
    regex_t *re;
    size_t n;
} matcher;

static void matcher_free(matcher *m)
{
    for (size_t i = 0; i < m->n; i++)
        regfree(&m->re[i]);
    free(m->re);
    m->re = NULL;
    m->n = 0;
}

static int matcher_init(matcher *m, const char *opt, const char *const *pats, size_t n, p2p_diag *d)
{
    m->re = NULL;
    m->n = 0;
    if (!n)
        return 0;
    m->re = calloc(n, sizeof *m->re);
    if (!m->re)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = regcomp(&m->re[i], pats[i], REG_EXTENDED | REG_NOSUB);
        if (rc) {
            char why[256];
            regerror(rc, &m->re[i], why, sizeof why);
            matcher_free(m);
            return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "%s: invalid regular expression '%s': %s", opt, pats[i], why);
        }
        m->n = i + 1;
    }
    return 0;
}

static bool matches(const matcher *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (regexec(&m->re[i], name, 0, NULL, 0) == 0)
            return true;
    return false;
}

static bool live_call(const p2p_profile *p, const p2p_call *k)
{
    return !k->removed && !p->functions[k->caller].removed && !p->functions[k->callee].removed;
}

/* Callers of each function: in[start[f] .. start[f+1]) are call indices. */
typedef struct rev {
    uint32_t *start, *in;
} rev;

static int rev_build(const p2p_profile *p, rev *r)
{
    r->start = calloc((size_t)p->nfunctions + 1, sizeof *r->start);
    r->in = malloc((p->ncalls ? p->ncalls : 1) * sizeof *r->in);
    if (!r->start || !r->in)
        return P2P_ENOMEM;
    for (uint32_t c = 0; c < p->ncalls; c++)
        if (live_call(p, &p->calls[c]))
            r->start[p->calls[c].callee + 1]++;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        r->start[f + 1] += r->start[f];
    for (uint32_t c = 0; c < p->ncalls; c++)
        if (live_call(p, &p->calls[c]))
            r->in[r->start[p->calls[c].callee]++] = c;
    for (p2p_fid f = p->nfunctions; f > 0; f--)
        r->start[f] = r->start[f - 1];
    r->start[0] = 0;
    return 0;
}

static void rev_free(rev *r)
{
    free(r->start);
    free(r->in);
}

/* Breadth-first from the functions with mark[f] set, down the calls
 * (up = false) or up them (up = true), setting mark on all reached live
 * functions. */
static void reach(const p2p_profile *p, const rev *r, bool *mark, p2p_fid *queue, bool up)
{
    size_t head = 0, nq = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        if (mark[f])
            queue[nq++] = f;
    while (head < nq) {
        p2p_fid u = queue[head++];
        if (up) {
            for (uint32_t i = r->start[u]; i < r->start[u + 1]; i++) {
                p2p_fid v = p->calls[r->in[i]].caller;
                if (!mark[v] && !p->functions[v].removed) {
                    mark[v] = true;
                    queue[nq++] = v;
                }
            }
        } else {
            for (uint32_t c = p->functions[u].first_call; c != P2P_NONE; c = p->calls[c].next) {
                const p2p_call *k = &p->calls[c];
                if (live_call(p, k) && !mark[k->callee]) {
                    mark[k->callee] = true;
                    queue[nq++] = k->callee;
                }
            }
        }
    }
}

/* The entry points: functions with no live caller but themselves, then, for
 * what they do not reach, one member of each caller-less cycle (found by
 * taking unreached functions in index order). */
static void entry_points(const p2p_profile *p, const rev *r, bool *entry, bool *seen, p2p_fid *queue)
{
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        entry[f] = false;
        seen[f] = false;
        if (p->functions[f].removed)
            continue;
        bool called = false;
        for (uint32_t i = r->start[f]; i < r->start[f + 1] && !called; i++)
            called = p->calls[r->in[i]].caller != f;
        entry[f] = seen[f] = !called;
    }
    reach(p, r, seen, queue, false);
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (seen[f] || p->functions[f].removed)
            continue;
        /* f is in (or below) a cycle nothing outside calls: an entry */
        entry[f] = true;
        seen[f] = true;
        /* reach from f alone, adding to seen: each function is queued once
         * over the whole loop */
        size_t head = 0, nq = 0;
        queue[nq++] = f;
        while (head < nq) {
            p2p_fid u = queue[head++];
            for (uint32_t c = p->functions[u].first_call; c != P2P_NONE; c = p->calls[c].next) {
                const p2p_call *k = &p->calls[c];
                if (live_call(p, k) && !seen[k->callee]) {
                    seen[k->callee] = true;
                    queue[nq++] = k->callee;
                }
            }
        }
    }
}

static void drop_calls_of_removed(p2p_profile *p)
{
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        if (p->functions[k->caller].removed || p->functions[k->callee].removed)
            k->removed = true;
    }
}

static int do_ignore(p2p_profile *p, const matcher *m, size_t *nmatched, p2p_diag *d)
{
    size_t nf = p->nfunctions ? p->nfunctions : 1;
    rev r = {0};
    bool *entry = malloc(nf), *seen = malloc(nf);
    p2p_fid *queue = malloc(nf * sizeof *queue);
    int rc = 0;
    if (!entry || !seen || !queue || rev_build(p, &r)) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto out;
    }
    /* entry points of the graph as it was */
    entry_points(p, &r, entry, seen, queue);
    *nmatched = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (!p->functions[f].removed && matches(m, p->functions[f].name)) {
            p->functions[f].removed = true;
            entry[f] = false;
            ++*nmatched;
        }
    }
    drop_calls_of_removed(p);
    if (*nmatched) {
        for (p2p_fid f = 0; f < p->nfunctions; f++)
            seen[f] = entry[f];
        reach(p, &r, seen, queue, false);
        for (p2p_fid f = 0; f < p->nfunctions; f++)
            if (!seen[f])
                p->functions[f].removed = true;
        drop_calls_of_removed(p);
    }
out:
    rev_free(&r);
    free(entry);
    free(seen);
    free(queue);
    return rc;
}

static int do_focus(p2p_profile *p, const matcher *m, size_t *nmatched, p2p_diag *d)
{
    size_t nf = p->nfunctions ? p->nfunctions : 1;
    rev r = {0};
    bool *upm = calloc(nf, 1), *downm = calloc(nf, 1);
    p2p_fid *queue = malloc(nf * sizeof *queue);
    int rc = 0;
    if (!upm || !downm || !queue || rev_build(p, &r)) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto out;
    }
    *nmatched = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        if (!p->functions[f].removed && matches(m, p->functions[f].name)) {
            upm[f] = downm[f] = true;
            ++*nmatched;
        }
    if (!*nmatched)
        goto out; /* the caller reports it; nothing changes */
    reach(p, &r, upm, queue, true);
    reach(p, &r, downm, queue, false);
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        if (!upm[f] && !downm[f])
            p->functions[f].removed = true;
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        if (!(upm[k->callee] || downm[k->caller]))
            k->removed = true;
    }
    drop_calls_of_removed(p);
out:
    rev_free(&r);
    free(upm);
    free(downm);
    free(queue);
    return rc;
}

/* Event k of e, 0 when absent. */
static double ev_or0(const p2p_events *e, p2p_event k)
{
    return p2p_ev_has(e, k) ? e->v[k] : 0.0;
}

/* Add x to event k of e, saturating at +-DBL_MAX: hostile totals near the
 * largest double must not sum to infinity. */
static void add_finite(p2p_events *e, p2p_event k, double x)
{
    p2p_ev_add(e, k, x);
    if (!isfinite(e->v[k]))
        e->v[k] = e->v[k] > 0 ? DBL_MAX : -DBL_MAX;
}

static int do_hide(p2p_profile *p, const matcher *m, size_t *nmatched, p2p_diag *d)
{
    /* callers of each function as growable linked lists over call indices:
     * joined calls are added as hidden functions go */
    size_t cap = (size_t)p->ncalls + 16;
    uint32_t *in_head = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *in_head);
    uint32_t *in_next = malloc(cap * sizeof *in_next);
    uint32_t *ins = NULL, *outs = NULL;
    size_t capio = 0;
    size_t limit = (size_t)p->ncalls + JOIN_LIMIT;
    int rc = 0;
    if (!in_head || !in_next) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto out;
    }
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        in_head[f] = P2P_NONE;
    for (uint32_t c = p->ncalls; c-- > 0;) {
        in_next[c] = in_head[p->calls[c].callee];
        in_head[p->calls[c].callee] = c;
    }
    *nmatched = 0;
    for (p2p_fid h = 0; h < p->nfunctions; h++) {
        if (p->functions[h].removed || !matches(m, p->functions[h].name))
            continue;
        ++*nmatched;
        /* the live calls into and out of h, other than h's own */
        size_t nin = 0, nout = 0;
        for (int pass = 0; pass < 2; pass++) {
            size_t k = 0;
            if (pass == 0) {
                for (uint32_t c = in_head[h]; c != P2P_NONE; c = in_next[c])
                    k += live_call(p, &p->calls[c]) && p->calls[c].caller != h;
            } else {
                for (uint32_t c = p->functions[h].first_call; c != P2P_NONE; c = p->calls[c].next)
                    k += live_call(p, &p->calls[c]) && p->calls[c].callee != h;
            }
            if (k > capio) {
                size_t nc = k * 2;
                uint32_t *a = realloc(ins, nc * sizeof *a), *b = a ? realloc(outs, nc * sizeof *b) : NULL;
                if (a)
                    ins = a;
                if (b)
                    outs = b;
                if (!a || !b) {
                    rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
                    goto out;
                }
                capio = nc;
            }
        }
        for (uint32_t c = in_head[h]; c != P2P_NONE; c = in_next[c])
            if (live_call(p, &p->calls[c]) && p->calls[c].caller != h)
                ins[nin++] = c;
        for (uint32_t c = p->functions[h].first_call; c != P2P_NONE; c = p->calls[c].next)
            if (live_call(p, &p->calls[c]) && p->calls[c].callee != h)
                outs[nout++] = c;
        const p2p_events *he = &p->functions[h].ev;
        double th = ev_or0(he, P2P_TOTAL_TIME_RATIO), tt = ev_or0(he, P2P_TOTAL_TIME);
        for (size_t i = 0; i < nin; i++) {
            p2p_fid x = p->calls[ins[i]].caller;
            double frac = 0.0;
            if (th > 0.0) {
                frac = ev_or0(&p->calls[ins[i]].ev, P2P_TOTAL_TIME_RATIO) / th;
                if (frac > 1.0)
                    frac = 1.0;
            }
            for (size_t j = 0; j < nout; j++) {
                p2p_fid y = p->calls[outs[j]].callee;
                if (x == y)
                    continue;
                p2p_events out_ev = p->calls[outs[j]].ev;
                bool created;
                if ((size_t)p->ncalls >= limit) {
                    rc = p2p_diag_set(d, P2P_ELIMIT, 0, -1,
                                      "--hide: joining the callers of the hidden functions to their callees "
                                      "would make more than %zu calls",
                                      limit);
                    goto out;
                }
                uint32_t c = p2p_profile_get_call(p, x, y, &created);
                if (c == P2P_NONE) {
                    rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
                    goto out;
                }
                p2p_call *k = &p->calls[c];
                if (created) {
                    if (c >= cap) {
                        size_t nc = cap * 2 > (size_t)c + 1 ? cap * 2 : (size_t)c + 1;
                        uint32_t *g = realloc(in_next, nc * sizeof *g);
                        if (!g) {
                            rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
                            goto out;
                        }
                        in_next = g;
                        cap = nc;
                    }
                    in_next[c] = in_head[y];
                    in_head[y] = c;
                } else if (k->removed) {
                    /* a call that -n/-e or another filter removed stays
                     * removed: nothing to add it to */
                    continue;
                }
                if (p2p_ev_has(&out_ev, P2P_TOTAL_TIME_RATIO))
                    add_finite(&k->ev, P2P_TOTAL_TIME_RATIO, frac * out_ev.v[P2P_TOTAL_TIME_RATIO]);
                if (p2p_ev_has(&out_ev, P2P_TOTAL_TIME) && tt > 0.0)
                    add_finite(&k->ev, P2P_TOTAL_TIME, frac * out_ev.v[P2P_TOTAL_TIME]);
            }
        }
        p->functions[h].removed = true;
        for (size_t i = 0; i < nin; i++)
            p->calls[ins[i]].removed = true;
        for (size_t j = 0; j < nout; j++)
            p->calls[outs[j]].removed = true;
    }
    drop_calls_of_removed(p);
out:
    free(in_head);
    free(in_next);
    free(ins);
    free(outs);
    return rc;
}

static locale_t utf8_locale(void)
{
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    return loc ? loc : newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

int p2p_filter_names(p2p_profile *p, const p2p_name_filter *f, p2p_diag *d)
{
    if (!f->nignore && !f->nfocus && !f->nhide)
        return 0;
    locale_t loc = utf8_locale(), old = (locale_t)0;
    if (loc)
        old = uselocale(loc);
    matcher ig = {0}, fo = {0}, hi = {0};
    int rc = matcher_init(&ig, "--ignore", f->ignore, f->nignore, d);
    if (!rc)
        rc = matcher_init(&fo, "--focus", f->focus, f->nfocus, d);
    if (!rc)
        rc = matcher_init(&hi, "--hide", f->hide, f->nhide, d);
    size_t n = 0;
    if (!rc && ig.n && !(rc = do_ignore(p, &ig, &n, d)) && !n)
        p2p_profile_warn(p, "--ignore: no function matches %s%s", f->ignore[0], f->nignore > 1 ? " (nor the others)" : "");
    if (!rc && fo.n && !(rc = do_focus(p, &fo, &n, d)) && !n)
        rc = p2p_diag_set(d, P2P_ENOTFOUND, 0, -1, "--focus: no function%s matches %s%s",
                          f->nignore ? " left by --ignore" : "", f->focus[0],
                          f->nfocus > 1 ? " (nor the other patterns)" : "");
    if (!rc && hi.n && !(rc = do_hide(p, &hi, &n, d)) && !n)
        p2p_profile_warn(p, "--hide: no function matches %s%s", f->hide[0], f->nhide > 1 ? " (nor the others)" : "");
    matcher_free(&ig);
    matcher_free(&fo);
    matcher_free(&hi);
    if (loc) {
        uselocale(old);
        freelocale(loc);
    }
    return rc;
}
