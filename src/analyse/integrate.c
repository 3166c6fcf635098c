/* Call ratios and time propagation (SEMANTICS.md §5.2, §5.3).
 *
 * gprof2dot computes these with mutually recursive functions.  Here the same
 * computations run on explicit stacks, in the same order, so that the sums
 * are added up exactly as gprof2dot adds them and a call chain or a cycle of
 * any size works. */
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"

static double call_ratio(const p2p_call *k)
{
    return k->has_ratio ? k->ratio : 0.0;
}

/* ---- §5.2 call ratios ----------------------------------------------------- */

int p2p_call_ratios(p2p_profile *p, p2p_event e, p2p_diag *d)
{
    size_t n = p->nfunctions ? p->nfunctions : 1;
    const uint32_t *start, *out = p2p_profile_out_calls(p, &start);
    double *fun_total = calloc(n, sizeof *fun_total);
    double *cyc_total = calloc(p->ncycles ? p->ncycles : 1, sizeof *cyc_total);
    uint32_t *fcyc = malloc(n * sizeof *fcyc);
    uint32_t *live = malloc(((size_t)p->ncalls + 1) * sizeof *live);
    if (!out || !fun_total || !cyc_total || !fcyc || !live || p2p_profile_live_callees(p, live) < 0) {
        free(fun_total);
        free(cyc_total);
        free(fcyc);
        free(live);
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory while computing call ratios");
    }
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        fcyc[f] = p->functions[f].cycle;
    /* pass 1: what flows into each function, and into each cycle from outside */
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const p2p_function *fn = &p->functions[f];
        if (fn->removed)
            continue;
        for (uint32_t i = start[f], end = start[f + 1]; i < end; i++) {
            p2p_fid g = live[i];
            if (g == P2P_NONE || g == f)
                continue;
            const p2p_call *k = &p->calls[out[i]];
            if (!p2p_ev_has(&k->ev, e)) {
                p2p_profile_warn(p, "call_ratios: no data for %s call to %s", fn->name, p->functions[g].name);
                continue;
            }
            fun_total[g] += k->ev.v[e];
            if (fcyc[g] != P2P_NONE && fcyc[g] != fcyc[f])
                cyc_total[fcyc[g]] += k->ev.v[e];
        }
    }
    /* pass 2: the ratios */
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (p->functions[f].removed)
            continue;
        for (uint32_t i = start[f], end = start[f + 1]; i < end; i++) {
            p2p_fid g = live[i];
            if (g == P2P_NONE || g == f)
                continue;
            p2p_call *k = &p->calls[out[i]];
            if (!p2p_ev_has(&k->ev, e)) {
                k->ratio = 0.0;
            } else {
                double total = fcyc[g] != P2P_NONE && fcyc[g] != fcyc[f] ? cyc_total[fcyc[g]] : fun_total[g];
                k->ratio = p2p_ratio(p, k->ev.v[e], total);
            }
            k->has_ratio = true;
        }
    }
    free(fun_total);
    free(cyc_total);
    free(fcyc);
    free(live);
    return 0;
}

/* ---- §5.3 integration ----------------------------------------------------- */

enum { TODO = 0, BUSY = 1, DONE = 2 };

/* A pending integrate_function (cycle false) or integrate_cycle (cycle true). */
typedef struct frame {
    uint32_t obj;    /* the function, or the cycle */
    uint32_t member; /* integrate_cycle: the member being summed */
    uint32_t call;   /* the call being integrated, or the next one to look at
                      * (a position in integ.out) */
    bool cycle;
    bool started;    /* integrate_cycle: the sum of `member` has begun */
    bool pending;    /* `call` waits for the value of its callee */
    double total, subtotal;
} frame;

typedef struct integ {
    p2p_profile *p;
    p2p_event out, in;
    const uint32_t *start, *outc; /* p2p_profile_out_calls() */
    uint32_t *live;               /* p2p_profile_live_callees() */
    uint32_t *fcyc;               /* per function: its cycle, or P2P_NONE */
    double *fout;                 /* per function outside cycles: OUT, once DONE */
    uint8_t *fstate;   /* per function outside any cycle: TODO, BUSY, DONE */
    uint8_t *cstate;   /* per cycle */
    frame *st;
    size_t nst, capst;
    double ret;        /* what the frame popped last returned */
    bool warned;
    /* entry points of each cycle in first-insertion order, with their summed
     * external call ratios (step 2) */
    uint32_t *entry_head, *entry_tail; /* per cycle */
    uint32_t *entry_next;              /* per function */
    double *entry_ratio;               /* per function */
    bool *is_entry;                    /* per function */
    /* spreading a cycle: each live member's index in it, P2P_NONE for the
     * functions of no cycle being spread */
    uint32_t *loc;
} integ;

/* Ask for integrate_function(f).  Returns 1 with *val set when the value is
 * known at once, 0 when a frame was pushed (its value arrives in x->ret when
 * it is popped), or P2P_ENOMEM. */
static int want(integ *x, p2p_fid f, double *val)
{
    uint32_t c = x->fcyc[f];
    uint8_t *state = c != P2P_NONE ? &x->cstate[c] : &x->fstate[f];
    if (*state == DONE) {
        *val = c != P2P_NONE ? x->p->cycles[c].ev.v[x->out] : x->fout[f];
        return 1;
    }
    const p2p_function *fn = &x->p->functions[f];
    if (*state == BUSY) {
        /* Recursion the cycles do not cover (a gprof <cycle> group that is not
         * strongly connected, or no group at all): gprof2dot recurses forever
         * here.  Count the back edge as 0. */
        if (!x->warned)
            p2p_profile_warn(x->p, "recursion outside any cycle through %s: its inclusive time is not "
                                   "propagated back", fn->name);
        x->warned = true;
        *val = 0.0;
        return 1;
    }
    if (x->nst == x->capst) {
        size_t cap = x->capst ? x->capst * 2 : 256;
        frame *st = realloc(x->st, cap * sizeof *st);
        if (!st)
            return P2P_ENOMEM;
        x->st = st;
        x->capst = cap;
    }
    *state = BUSY;
    frame *fr = &x->st[x->nst++];
    *fr = (frame){0};
    if (c != P2P_NONE) {
        fr->cycle = true;
        fr->obj = c;
    } else {
        fr->obj = f;
        fr->call = x->start[f];
        fr->total = fn->ev.v[x->in];
    }
    return 0;
}

/* integrate_call: c[OUT] = c.ratio × the callee's value; added to *sum. */
static void set_call(integ *x, uint32_t c, double val, double *sum)
{
    p2p_call *k = &x->p->calls[c];
    double o = call_ratio(k) * val;
    p2p_ev_set(&k->ev, x->out, o);
    *sum += o;
}

/* Advance the frame on top of the stack until it pushes a child or ends. */
static int step_function(integ *x)
{
    p2p_profile *p = x->p;
    size_t i = x->nst - 1;
    frame *fr = &x->st[i];
    p2p_fid f = fr->obj;
    const uint32_t end = x->start[f + 1];
    if (fr->pending) {
        set_call(x, x->outc[fr->call], x->ret, &fr->total);
        fr->pending = false;
        fr->call++;
    }
    while (fr->call < end) {
        p2p_fid g = x->live[fr->call];
        if (g == P2P_NONE || g == f) {
            fr->call++;
            continue;
        }
        uint32_t c = x->outc[fr->call];
        double val;
        int r = want(x, g, &val);
        if (r < 0)
            return r;
        fr = &x->st[i];
        if (r == 0) {
            fr->pending = true;
            return 0;
        }
        set_call(x, c, val, &fr->total);
        fr->call++;
    }
    p2p_ev_set(&p->functions[f].ev, x->out, fr->total);
    x->fout[f] = fr->total;
    x->fstate[f] = DONE;
    x->ret = fr->total;
    x->nst--;
    return 0;
}

/* ---- steps 2-4: spreading a cycle's total over its members -------------
 *
 * gprof2dot walks the whole cycle once per entry point: a breadth-first
 * ranking, a depth-first sum of the forward ratios into each member, and a
 * memoised depth-first sum of the partials.  The same three walks run here,
 * with the same additions in the same order, but on flat copies of the
 * cycle made once (members renumbered 0..n-1, their calls to other members
 * in one array, the calls that leave the cycle with their values already
 * known from step 1), so that a walk is a few array reads per call instead
 * of a chase through the profile's call lists.
 *
 * The partials need no depth-first walk: a forward call goes from rank k to
 * rank k+1, so visiting the members in reverse breadth-first order computes
 * each partial after those it uses, and each partial is the same sum, in the
 * same order (its member's calls in insertion order), as gprof2dot's.
 *
 * An entry point whose summed external ratio is exactly 0 adds 0 to every
 * partial; it only gives its forward calls an OUT of 0, so once every call
 * inside the cycle has an OUT such entry points are skipped. */

typedef struct spread {
    uint32_t n;          /* live members */
    p2p_fid *fid;        /* local -> function */
    double *self;        /* local -> IN */
    /* calls between members (internal edges), by caller, insertion order:
     * those of u are [istart[u], istart[u + 1]) */
    uint32_t *istart, *itgt, *icall;
    double *iratio;
    uint32_t ni;
    /* the partial sums' terms, by member, insertion order: kind[t] NONE32 is
     * a call leaving the cycle worth val[t] (its OUT), otherwise the index
     * of an internal edge */
    uint32_t *pstart, *pedge;
    double *pval;
    uint32_t np;
    /* per entry point: rank (NONE32 = not reached), BFS order */
    uint32_t *rank, *queue;
    double *fwd, *part;
    uint8_t *visited;
    uint32_t *stack_u, *stack_e;  /* depth-first walk */
    /* results, summed over the entry points */
    double *mout;        /* per member */
    double *cout;        /* per internal edge */
    uint8_t *chas;       /* per internal edge: cout is set */
    uint32_t nset;       /* internal edges with cout set */
} spread;

#define NONE32 UINT32_MAX

static void spread_free(spread *s)
{
    if (!s)
        return;
    free(s->fid);
    free(s->self);
    free(s->istart);
    free(s->itgt);
    free(s->icall);
    free(s->iratio);
    free(s->pstart);
    free(s->pedge);
    free(s->pval);
    free(s->rank);
    free(s->queue);
    free(s->fwd);
    free(s->part);
    free(s->visited);
    free(s->stack_u);
    free(s->stack_e);
    free(s->mout);
    free(s->cout);
    free(s->chas);
    memset(s, 0, sizeof *s);
}

/* Copy cycle c into s (steps 2-4 read nothing else).  P2P_ENOMEM or 0. */
static int spread_build(integ *x, uint32_t c, spread *s)
{
    const p2p_profile *p = x->p;
    const p2p_cycle *cy = &p->cycles[c];
    uint32_t n = 0, ni = 0, np = 0;
    for (uint32_t i = 0; i < cy->nmembers; i++) {
        p2p_fid f = cy->members[i];
        if (p->functions[f].removed)
            continue;
        x->loc[f] = n++;
    }
    for (uint32_t i = 0; i < cy->nmembers; i++) {
        p2p_fid f = cy->members[i];
        if (p->functions[f].removed)
            continue;
        for (uint32_t j = x->start[f], end = x->start[f + 1]; j < end; j++) {
            p2p_fid g = x->live[j];
            if (g == f || g == P2P_NONE)
                continue;
            if (x->fcyc[g] == c)
                ni++, np++;
            else if (p2p_ev_has(&p->calls[x->outc[j]].ev, x->out))
                np++;
        }
    }
    memset(s, 0, sizeof *s);
    size_t n1 = (size_t)n + 1, ni1 = ni ? ni : 1, np1 = np ? np : 1;
    s->fid = malloc(n1 * sizeof *s->fid);
    s->self = malloc(n1 * sizeof *s->self);
    s->istart = malloc(n1 * sizeof *s->istart);
    s->itgt = malloc(ni1 * sizeof *s->itgt);
    s->icall = malloc(ni1 * sizeof *s->icall);
    s->iratio = malloc(ni1 * sizeof *s->iratio);
    s->pstart = malloc(n1 * sizeof *s->pstart);
    s->pedge = malloc(np1 * sizeof *s->pedge);
    s->pval = malloc(np1 * sizeof *s->pval);
    s->rank = malloc(n1 * sizeof *s->rank);
    s->queue = malloc(n1 * sizeof *s->queue);
    s->fwd = calloc(n1, sizeof *s->fwd);
    s->part = malloc(n1 * sizeof *s->part);
    s->visited = calloc(n1, 1);
    s->stack_u = malloc(n1 * sizeof *s->stack_u);
    s->stack_e = malloc(n1 * sizeof *s->stack_e);
    s->mout = calloc(n1, sizeof *s->mout);
    s->cout = calloc(ni1, sizeof *s->cout);
    s->chas = calloc(ni1, 1);
    if (!s->fid || !s->self || !s->istart || !s->itgt || !s->icall || !s->iratio || !s->pstart || !s->pedge ||
        !s->pval || !s->rank || !s->queue || !s->fwd || !s->part || !s->visited || !s->stack_u || !s->stack_e ||
        !s->mout || !s->cout || !s->chas)
        return P2P_ENOMEM;
    s->n = n;
    s->ni = ni;
    s->np = np;
    uint32_t u = 0;
    ni = np = 0;
    for (uint32_t i = 0; i < cy->nmembers; i++) {
        p2p_fid f = cy->members[i];
        const p2p_function *fn = &p->functions[f];
        if (fn->removed)
            continue;
        s->fid[u] = f;
        s->self[u] = fn->ev.v[x->in];
        s->rank[u] = NONE32;
        s->istart[u] = ni;
        s->pstart[u] = np;
        for (uint32_t j = x->start[f], end = x->start[f + 1]; j < end; j++) {
            p2p_fid g = x->live[j];
            if (g == f || g == P2P_NONE)
                continue;
            uint32_t k = x->outc[j];
            const p2p_call *call = &p->calls[k];
            if (x->fcyc[g] == c) {
                s->itgt[ni] = x->loc[g];
                s->icall[ni] = k;
                s->iratio[ni] = call_ratio(call);
                s->pedge[np] = ni;
                s->pval[np] = 0.0;
                ni++, np++;
            } else if (p2p_ev_has(&call->ev, x->out)) {
                /* already integrated with the cycle total (step 1) */
                s->pedge[np] = NONE32;
                s->pval[np] = call->ev.v[x->out];
                np++;
            }
        }
        u++;
    }
    s->istart[n] = ni;
    s->pstart[n] = np;
    return 0;
}

/* §5.3 step 4.1: rank = breadth-first distance from g; returns how many
 * members are reached (s->queue holds them in order). */
static uint32_t spread_rank(spread *s, uint32_t g)
{
    uint32_t head = 0, nq = 0;
    s->rank[g] = 0;
    s->queue[nq++] = g;
    while (head < nq) {
        uint32_t u = s->queue[head++], r = s->rank[u] + 1;
        for (uint32_t e = s->istart[u], end = s->istart[u + 1]; e < end; e++) {
            uint32_t v = s->itgt[e];
            if (s->rank[v] == NONE32) {
                s->rank[v] = r;
                s->queue[nq++] = v;
            }
        }
    }
    return nq;
}

/* §5.3 step 4.2: fwd[v] = the sum of the ratios of the forward calls into v,
 * added in the order of gprof2dot's depth-first walk from g. */
static void spread_forward(spread *s, uint32_t g)
{
    uint32_t n = 0;
    s->visited[g] = 1;
    s->stack_u[n] = g;
    s->stack_e[n++] = s->istart[g];
    while (n) {
        uint32_t u = s->stack_u[n - 1], e = s->stack_e[n - 1], end = s->istart[u + 1], ru = s->rank[u];
        bool descended = false;
        while (e < end) {
            uint32_t v = s->itgt[e];
            double ratio = s->iratio[e];
            e++;
            if (s->rank[v] <= ru)
                continue;
            s->fwd[v] += ratio;
            if (!s->visited[v]) {
                s->visited[v] = 1;
                s->stack_e[n - 1] = e;
                s->stack_u[n] = v;
                s->stack_e[n++] = s->istart[v];
                descended = true;
                break;
            }
        }
        if (!descended)
            n--;
    }
}

/* §5.3 step 4.3 for entry ratio r over the nq members reached: each
 * partial(u) is added to u's OUT, each forward call's share to the call's. */
static void spread_partials(spread *s, uint32_t nq, double r)
{
    for (uint32_t i = nq; i-- > 0;) {
        uint32_t u = s->queue[i], ru = s->rank[u];
        double partial = r * s->self[u];
        for (uint32_t t = s->pstart[u], end = s->pstart[u + 1]; t < end; t++) {
            uint32_t e = s->pedge[t];
            if (e == NONE32) {
                partial += r * s->pval[t];
                continue;
            }
            uint32_t v = s->itgt[e];
            if (s->rank[v] <= ru)
                continue;
            /* p2p_ratio(), which cannot warn here: 0 <= iratio[e] <= fwd[v],
             * a sum of non-negative ratios including this one */
            double f = s->fwd[v], q = f == 0.0 ? 1.0 : s->iratio[e] / f;
            if (q > 1.0)
                q = 1.0;
            double share = q * s->part[v];
            if (s->chas[e]) {
                s->cout[e] += share;
            } else {
                s->cout[e] = share;
                s->chas[e] = 1;
                s->nset++;
            }
            partial += share;
        }
        s->part[u] = partial;
        s->mout[u] += partial;
    }
}

/* An entry point of ratio 0: only its forward calls get an OUT (of 0). */
static void spread_mark(spread *s, uint32_t nq)
{
    for (uint32_t i = 0; i < nq; i++) {
        uint32_t u = s->queue[i], ru = s->rank[u];
        for (uint32_t e = s->istart[u], end = s->istart[u + 1]; e < end; e++)
            if (s->rank[s->itgt[e]] > ru && !s->chas[e]) {
                s->cout[e] = 0.0;
                s->chas[e] = 1;
                s->nset++;
            }
    }
}

/* Steps 2-4 of integrate_cycle, once the cycle total is known. */
static int spread_cycle(integ *x, uint32_t c)
{
    p2p_profile *p = x->p;
    if (!x->loc) {
        x->loc = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *x->loc);
        if (!x->loc)
            return P2P_ENOMEM;
        for (uint32_t i = 0; i < p->nfunctions; i++)
            x->loc[i] = P2P_NONE;
    }
    spread s;
    int rc = spread_build(x, c, &s);
    if (rc < 0) {
        spread_free(&s);
        return rc;
    }
    for (p2p_fid g = x->entry_head[c]; g != P2P_NONE; g = x->entry_next[g]) {
        double r = x->entry_ratio[g];
        if (r == 0.0 && s.nset == s.ni)
            continue;
        uint32_t lg = x->loc[g];
        uint32_t nq = spread_rank(&s, lg);
        if (r == 0.0) {
            spread_mark(&s, nq);
        } else {
            spread_forward(&s, lg);
            /* gprof2dot asserts partial(g) ≈ r × C[OUT] here; inconsistent
             * input (B5) only makes the numbers approximate, so carry on. */
            spread_partials(&s, nq, r);
        }
        for (uint32_t i = 0; i < nq; i++) {
            uint32_t u = s.queue[i];
            s.rank[u] = NONE32;
            s.fwd[u] = 0.0;
            s.visited[u] = 0;
        }
    }
    for (uint32_t u = 0; u < s.n; u++) {
        p2p_ev_set(&p->functions[s.fid[u]].ev, x->out, s.mout[u]);
        x->loc[s.fid[u]] = P2P_NONE;
    }
    for (uint32_t e = 0; e < s.ni; e++)
        if (s.chas[e])
            p2p_ev_set(&p->calls[s.icall[e]].ev, x->out, s.cout[e]);
    spread_free(&s);
    return 0;
}

/* Advance the integrate_cycle frame on top of the stack (step 1: the cycle
 * total) until it pushes a child or ends. */
static int step_cycle(integ *x)
{
    p2p_profile *p = x->p;
    size_t i = x->nst - 1;
    frame *fr = &x->st[i];
    uint32_t c = fr->obj;
    if (fr->pending) {
        set_call(x, x->outc[fr->call], x->ret, &fr->subtotal);
        fr->pending = false;
        fr->call++;
    }
    for (;;) {
        const p2p_cycle *cy = &p->cycles[c];
        if (!fr->started) {
            if (fr->member == cy->nmembers)
                break;
            const p2p_function *m = &p->functions[cy->members[fr->member]];
            if (m->removed) {
                fr->member++;
                continue;
            }
            fr->started = true;
            fr->subtotal = m->ev.v[x->in];
            fr->call = x->start[cy->members[fr->member]];
        }
        for (uint32_t end = x->start[cy->members[fr->member] + 1]; fr->call < end;) {
            p2p_fid g = x->live[fr->call];
            if (g == P2P_NONE || x->fcyc[g] == c) {
                fr->call++;
                continue;
            }
            uint32_t k = x->outc[fr->call];
            double val;
            int r = want(x, g, &val);
            if (r < 0)
                return r;
            fr = &x->st[i];
            if (r == 0) {
                fr->pending = true;
                return 0;
            }
            set_call(x, k, val, &fr->subtotal);
            fr->call++;
        }
        fr->total += fr->subtotal;
        fr->started = false;
        fr->member++;
    }
    double total = fr->total;
    p2p_ev_set(&p->cycles[c].ev, x->out, total);
    x->nst--;
    int r = spread_cycle(x, c);
    if (r < 0)
        return r;
    x->cstate[c] = DONE;
    x->ret = total;
    return 0;
}

/* Step 2 for every cycle at once: the same sums in the same order as
 * gprof2dot's per-cycle scan of all functions. */
static void find_entries(integ *x)
{
    const p2p_profile *p = x->p;
    for (uint32_t c = 0; c < p->ncycles; c++)
        x->entry_head[c] = x->entry_tail[c] = P2P_NONE;
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const p2p_function *fn = &p->functions[f];
        if (fn->removed)
            continue;
        uint32_t fc = x->fcyc[f];
        for (uint32_t j = x->start[f], end = x->start[f + 1]; j < end; j++) {
            p2p_fid g = x->live[j];
            if (g == P2P_NONE)
                continue;
            uint32_t c = x->fcyc[g];
            if (c == P2P_NONE || c == fc)
                continue;
            const p2p_call *call = &p->calls[x->outc[j]];
            if (x->is_entry[g]) {
                x->entry_ratio[g] += call_ratio(call);
                continue;
            }
            x->is_entry[g] = true;
            x->entry_ratio[g] = call_ratio(call);
            x->entry_next[g] = P2P_NONE;
            if (x->entry_tail[c] == P2P_NONE)
                x->entry_head[c] = g;
            else
                x->entry_next[x->entry_tail[c]] = g;
            x->entry_tail[c] = g;
        }
    }
}

/* Spreading a cycle's time walks the whole cycle once per entry point
 * (gprof2dot's algorithm, kept for identical sums): entries x (members +
 * their calls) steps, quadratic when every member is entered from outside.
 * No exact method is known to do better in general: the partials of all
 * entry points together are a weighted shortest-path-DAG sum over all
 * sources, the kind of quantity (like betweenness centrality) for which
 * O(sources x edges) is the best known bound.  A step costs about 3 ns
 * (flat arrays), so beyond this many steps (a few seconds) the profile is
 * refused with a clear message instead of hanging: a million-member cycle
 * entered from one place is fine, and so is a 20,000-member cycle entered
 * from every member (8e8 steps); 40,000 members each entered from outside
 * are not. */
#define SPREAD_BUDGET ((double)(1u << 30))

static int check_spread_cost(const integ *x, p2p_diag *d)
{
    const p2p_profile *p = x->p;
    double total = 0.0;
    for (uint32_t c = 0; c < p->ncycles; c++) {
        const p2p_cycle *cy = &p->cycles[c];
        double entries = 0.0, work = 0.0;
        for (p2p_fid g = x->entry_head[c]; g != P2P_NONE; g = x->entry_next[g])
            entries++;
        if (entries == 0.0)
            continue;
        for (uint32_t i = 0; i < cy->nmembers; i++) {
            p2p_fid f = cy->members[i];
            work += 1.0 + (double)(x->start[f + 1] - x->start[f]);
        }
        total += entries * work;
        if (total > SPREAD_BUDGET)
            return p2p_diag_set(d, P2P_ELIMIT, 0, -1,
                                "a recursion cycle of %lu functions is entered from %.0f places: spreading its time "
                                "over them would take %.3g steps (at most %.3g); prune the profile first",
                                (unsigned long)cy->nmembers, entries, entries * work, SPREAD_BUDGET);
    }
    return 0;
}

static void integ_free(integ *x)
{
    free(x->fstate);
    free(x->cstate);
    free(x->st);
    free(x->entry_head);
    free(x->entry_tail);
    free(x->entry_next);
    free(x->entry_ratio);
    free(x->is_entry);
    free(x->loc);
    free(x->live);
    free(x->fcyc);
    free(x->fout);
}

int p2p_integrate(p2p_profile *p, p2p_event out, p2p_event in, p2p_diag *d)
{
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const p2p_function *fn = &p->functions[f];
        if (!fn->removed && !p2p_ev_has(&fn->ev, in))
            return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "function %s has no value for an event the others have",
                                fn->name);
    }
    size_t n = p->nfunctions ? p->nfunctions : 1, nc = p->ncycles ? p->ncycles : 1;
    integ x = {.p = p, .out = out, .in = in};
    x.fstate = calloc(n, 1);
    x.cstate = calloc(nc, 1);
    x.entry_head = malloc(nc * sizeof *x.entry_head);
    x.entry_tail = malloc(nc * sizeof *x.entry_tail);
    x.entry_next = malloc(n * sizeof *x.entry_next);
    x.entry_ratio = malloc(n * sizeof *x.entry_ratio);
    x.is_entry = calloc(n, sizeof *x.is_entry);
    x.outc = p2p_profile_out_calls(p, &x.start);
    x.live = malloc(((size_t)p->ncalls + 1) * sizeof *x.live);
    x.fcyc = malloc(n * sizeof *x.fcyc);
    x.fout = malloc(n * sizeof *x.fout);
    int rc = 0;
    if (!x.fstate || !x.cstate || !x.entry_head || !x.entry_tail || !x.entry_next || !x.entry_ratio ||
        !x.is_entry || !x.outc || !x.live || !x.fcyc || !x.fout || p2p_profile_live_callees(p, x.live) < 0) {
        rc = P2P_ENOMEM;
        goto out;
    }
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        x.fcyc[f] = p->functions[f].cycle;
    find_entries(&x);
    if ((rc = check_spread_cost(&x, d)) < 0) {
        integ_free(&x);
        return rc;
    }

    /* gprof2dot overwrites profile[IN] with the sum of IN when there are
     * cycles (step 1); nothing reads it afterwards, but keep it identical */
    if (p->ncycles) {
        double sum = 0.0;
        for (p2p_fid f = 0; f < p->nfunctions; f++)
            if (!p->functions[f].removed)
                sum += p->functions[f].ev.v[in];
        p2p_ev_set(&p->ev, in, sum);
    }

    double total = 0.0;
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (p->functions[f].removed)
            continue;
        total += p->functions[f].ev.v[in];
        double val;
        rc = want(&x, f, &val);
        if (rc < 0)
            goto out;
        while (x.nst) {
            rc = x.st[x.nst - 1].cycle ? step_cycle(&x) : step_function(&x);
            if (rc < 0)
                goto out;
        }
    }
    p2p_ev_set(&p->ev, out, total);
    rc = 0;
out:
    integ_free(&x);
    if (rc < 0)
        return p2p_diag_set(d, rc, 0, -1, "out of memory while computing inclusive times");
    return 0;
}
