/* Call ratios and time propagation (SEMANTICS.md §5.2, §5.3).
 *
 * gprof2dot computes these with mutually recursive functions.  Here the same
 * computations run on explicit stacks, in the same order, so that the sums
 * are added up exactly as gprof2dot adds them and a call chain or a cycle of
 * any size works. */
#include <stdlib.h>

#include "prof2png/analyse.h"

/* A call that still takes part in the graph. */
static bool live_call(const p2p_profile *p, const p2p_call *k)
{
    return !k->removed && !p->functions[k->callee].removed;
}

static double call_ratio(const p2p_call *k)
{
    return k->has_ratio ? k->ratio : 0.0;
}

/* ---- §5.2 call ratios ----------------------------------------------------- */

int p2p_call_ratios(p2p_profile *p, p2p_event e, p2p_diag *d)
{
    double *fun_total = calloc(p->nfunctions ? p->nfunctions : 1, sizeof *fun_total);
    double *cyc_total = calloc(p->ncycles ? p->ncycles : 1, sizeof *cyc_total);
    if (!fun_total || !cyc_total) {
        free(fun_total);
        free(cyc_total);
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory while computing call ratios");
    }
    /* pass 1: what flows into each function, and into each cycle from outside */
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const p2p_function *fn = &p->functions[f];
        if (fn->removed)
            continue;
        for (uint32_t c = fn->first_call; c != P2P_NONE; c = p->calls[c].next) {
            const p2p_call *k = &p->calls[c];
            if (!live_call(p, k) || k->callee == f)
                continue;
            const p2p_function *g = &p->functions[k->callee];
            if (!p2p_ev_has(&k->ev, e)) {
                p2p_profile_warn(p, "call_ratios: no data for %s call to %s", fn->name, g->name);
                continue;
            }
            fun_total[k->callee] += k->ev.v[e];
            if (g->cycle != P2P_NONE && g->cycle != fn->cycle)
                cyc_total[g->cycle] += k->ev.v[e];
        }
    }
    /* pass 2: the ratios */
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const p2p_function *fn = &p->functions[f];
        if (fn->removed)
            continue;
        for (uint32_t c = fn->first_call; c != P2P_NONE; c = p->calls[c].next) {
            p2p_call *k = &p->calls[c];
            if (!live_call(p, k) || k->callee == f)
                continue;
            const p2p_function *g = &p->functions[k->callee];
            if (!p2p_ev_has(&k->ev, e)) {
                k->ratio = 0.0;
            } else {
                double total = g->cycle != P2P_NONE && g->cycle != fn->cycle ? cyc_total[g->cycle]
                                                                            : fun_total[k->callee];
                k->ratio = p2p_ratio(p, k->ev.v[e], total);
            }
            k->has_ratio = true;
        }
    }
    free(fun_total);
    free(cyc_total);
    return 0;
}

/* ---- §5.3 integration ----------------------------------------------------- */

enum { TODO = 0, BUSY = 1, DONE = 2 };

/* A pending integrate_function (cycle false) or integrate_cycle (cycle true). */
typedef struct frame {
    uint32_t obj;    /* the function, or the cycle */
    uint32_t member; /* integrate_cycle: the member being summed */
    uint32_t call;   /* the call being integrated, or the next one to look at */
    bool cycle;
    bool started;    /* integrate_cycle: the sum of `member` has begun */
    bool pending;    /* `call` waits for the value of its callee */
    double total, subtotal;
} frame;

/* A pending walk over forward edges from one member (§5.3 steps 4.2, 4.3). */
typedef struct wframe {
    p2p_fid f;
    uint32_t call;
    bool pending;
    double partial;
} wframe;

typedef struct integ {
    p2p_profile *p;
    p2p_event out, in;
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
    /* scratch for one entry point, per function; reset after each entry */
    uint32_t *rank;
    double *fwd, *part;
    bool *visited, *pdone;
    p2p_fid *queue;    /* the members reached, in BFS order */
    wframe *walk;      /* DFS stack of the forward walks */
} integ;

static bool in_cycle(const p2p_profile *p, p2p_fid f, uint32_t c)
{
    return p->functions[f].cycle == c;
}

/* Ask for integrate_function(f).  Returns 1 with *val set when the value is
 * known at once, 0 when a frame was pushed (its value arrives in x->ret when
 * it is popped), or P2P_ENOMEM. */
static int want(integ *x, p2p_fid f, double *val)
{
    const p2p_function *fn = &x->p->functions[f];
    uint32_t c = fn->cycle;
    uint8_t *state = c != P2P_NONE ? &x->cstate[c] : &x->fstate[f];
    if (*state == DONE) {
        *val = c != P2P_NONE ? x->p->cycles[c].ev.v[x->out] : fn->ev.v[x->out];
        return 1;
    }
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
        fr->call = P2P_NONE;
    } else {
        fr->obj = f;
        fr->call = fn->first_call;
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
    if (fr->pending) {
        set_call(x, fr->call, x->ret, &fr->total);
        fr->pending = false;
        fr->call = p->calls[fr->call].next;
    }
    while (fr->call != P2P_NONE) {
        uint32_t c = fr->call;
        const p2p_call *k = &p->calls[c];
        if (!live_call(p, k) || k->callee == f) {
            fr->call = k->next;
            continue;
        }
        double val;
        int r = want(x, k->callee, &val);
        if (r < 0)
            return r;
        fr = &x->st[i];
        if (r == 0) {
            fr->pending = true;
            return 0;
        }
        set_call(x, c, val, &fr->total);
        fr->call = k->next;
    }
    p2p_ev_set(&p->functions[f].ev, x->out, fr->total);
    x->fstate[f] = DONE;
    x->ret = fr->total;
    x->nst--;
    return 0;
}

static void reset_entry(integ *x, size_t nq)
{
    for (size_t i = 0; i < nq; i++) {
        p2p_fid f = x->queue[i];
        x->rank[f] = P2P_NONE;
        x->fwd[f] = 0.0;
        x->visited[f] = x->pdone[f] = false;
    }
}

/* The members reachable from g inside cycle c, with their BFS rank (§5.3
 * step 4.1).  Returns how many. */
static size_t rank_members(integ *x, uint32_t c, p2p_fid g)
{
    const p2p_profile *p = x->p;
    size_t head = 0, nq = 0;
    x->rank[g] = 0;
    x->queue[nq++] = g;
    while (head < nq) {
        p2p_fid u = x->queue[head++];
        for (uint32_t k = p->functions[u].first_call; k != P2P_NONE; k = p->calls[k].next) {
            const p2p_call *call = &p->calls[k];
            p2p_fid v = call->callee;
            if (v == u || !live_call(p, call) || !in_cycle(p, v, c) || x->rank[v] != P2P_NONE)
                continue;
            x->rank[v] = x->rank[u] + 1;
            x->queue[nq++] = v;
        }
    }
    return nq;
}

static bool forward(const integ *x, const p2p_call *k, uint32_t c)
{
    return k->callee != k->caller && live_call(x->p, k) && in_cycle(x->p, k->callee, c) &&
           x->rank[k->callee] > x->rank[k->caller];
}

/* fwd[v] = the sum of the ratios of the forward edges into v, added in the
 * order of gprof2dot's depth-first walk from g (§5.3 step 4.2). */
static void forward_ratios(integ *x, uint32_t c, p2p_fid g)
{
    const p2p_profile *p = x->p;
    size_t n = 0;
    x->visited[g] = true;
    x->walk[n++] = (wframe){g, p->functions[g].first_call, false, 0.0};
    while (n) {
        wframe *w = &x->walk[n - 1];
        bool descended = false;
        while (w->call != P2P_NONE) {
            const p2p_call *k = &p->calls[w->call];
            w->call = k->next;
            if (!forward(x, k, c))
                continue;
            x->fwd[k->callee] += call_ratio(k);
            if (!x->visited[k->callee]) {
                x->visited[k->callee] = true;
                x->walk[n++] = (wframe){k->callee, p->functions[k->callee].first_call, false, 0.0};
                descended = true;
                break;
            }
        }
        if (!descended)
            n--;
    }
}

/* A forward call u→v gets its share of partial(v); the share is added to the
 * call's OUT and to partial(u). */
static void add_share(integ *x, uint32_t k, double partial_v, double *partial_u)
{
    p2p_call *call = &x->p->calls[k];
    double share = p2p_ratio(x->p, call_ratio(call), x->fwd[call->callee]) * partial_v;
    p2p_ev_add(&call->ev, x->out, share);
    *partial_u += share;
}

/* partial(g) for entry ratio r (§5.3 step 4.3), memoised per member; each
 * partial(u) is added to u[OUT] once. */
static double partials(integ *x, uint32_t c, p2p_fid g, double r)
{
    p2p_profile *p = x->p;
    p2p_event out = x->out;
    size_t n = 0;
    double ret = 0.0;
    x->walk[n++] = (wframe){g, p->functions[g].first_call, false, r * p->functions[g].ev.v[x->in]};
    while (n) {
        wframe *w = &x->walk[n - 1];
        if (w->pending) {
            add_share(x, w->call, ret, &w->partial);
            w->pending = false;
            w->call = p->calls[w->call].next;
        }
        bool descended = false;
        while (w->call != P2P_NONE) {
            const p2p_call *k = &p->calls[w->call];
            p2p_fid v = k->callee;
            if (v == w->f || !live_call(p, k)) {
                w->call = k->next;
                continue;
            }
            if (!in_cycle(p, v, c)) {
                /* already integrated with the cycle total (step 1) */
                if (p2p_ev_has(&k->ev, out))
                    w->partial += r * k->ev.v[out];
            } else if (x->rank[v] > x->rank[w->f]) {
                if (!x->pdone[v]) {
                    w->pending = true;
                    x->walk[n++] = (wframe){v, p->functions[v].first_call, false, r * p->functions[v].ev.v[x->in]};
                    descended = true;
                    break;
                }
                add_share(x, w->call, x->part[v], &w->partial);
            }
            w->call = k->next;
        }
        if (descended)
            continue;
        x->part[w->f] = w->partial;
        x->pdone[w->f] = true;
        p2p_ev_add(&p->functions[w->f].ev, out, w->partial);
        ret = w->partial;
        n--;
    }
    return ret;
}

/* Steps 2-4 of integrate_cycle, once the cycle total is known. */
static int spread_cycle(integ *x, uint32_t c)
{
    p2p_profile *p = x->p;
    const p2p_cycle *cy = &p->cycles[c];
    if (!x->rank) {
        size_t n = p->nfunctions;
        x->rank = malloc(n * sizeof *x->rank);
        x->fwd = calloc(n, sizeof *x->fwd);
        x->part = malloc(n * sizeof *x->part);
        x->visited = calloc(n, sizeof *x->visited);
        x->pdone = calloc(n, sizeof *x->pdone);
        x->queue = malloc(n * sizeof *x->queue);
        x->walk = malloc(n * sizeof *x->walk);
        if (!x->rank || !x->fwd || !x->part || !x->visited || !x->pdone || !x->queue || !x->walk)
            return P2P_ENOMEM;
        for (size_t i = 0; i < n; i++)
            x->rank[i] = P2P_NONE;
    }
    for (uint32_t i = 0; i < cy->nmembers; i++)
        if (!p->functions[cy->members[i]].removed)
            p2p_ev_set(&p->functions[cy->members[i]].ev, x->out, 0.0);
    for (p2p_fid g = x->entry_head[c]; g != P2P_NONE; g = x->entry_next[g]) {
        size_t nq = rank_members(x, c, g);
        forward_ratios(x, c, g);
        /* gprof2dot asserts partial(g) ≈ r × C[OUT] here; inconsistent input
         * (B5) only makes the numbers approximate, so carry on. */
        (void)partials(x, c, g, x->entry_ratio[g]);
        reset_entry(x, nq);
    }
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
        set_call(x, fr->call, x->ret, &fr->subtotal);
        fr->pending = false;
        fr->call = p->calls[fr->call].next;
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
            fr->call = m->first_call;
        }
        while (fr->call != P2P_NONE) {
            uint32_t k = fr->call;
            const p2p_call *call = &p->calls[k];
            if (!live_call(p, call) || in_cycle(p, call->callee, c)) {
                fr->call = call->next;
                continue;
            }
            double val;
            int r = want(x, call->callee, &val);
            if (r < 0)
                return r;
            fr = &x->st[i];
            if (r == 0) {
                fr->pending = true;
                return 0;
            }
            set_call(x, k, val, &fr->subtotal);
            fr->call = call->next;
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
        for (uint32_t k = fn->first_call; k != P2P_NONE; k = p->calls[k].next) {
            const p2p_call *call = &p->calls[k];
            p2p_fid g = call->callee;
            uint32_t c = p->functions[g].cycle;
            if (!live_call(p, call) || c == P2P_NONE || c == fn->cycle)
                continue;
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
 * Beyond this many steps (a few seconds) the profile is refused with a clear
 * message instead of hanging: a million-member cycle entered from one place
 * is fine, ten thousand members each entered from outside are not. */
#define SPREAD_BUDGET ((double)(1u << 28))

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
            work++;
            for (uint32_t k = p->functions[cy->members[i]].first_call; k != P2P_NONE; k = p->calls[k].next)
                work++;
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
    free(x->rank);
    free(x->fwd);
    free(x->part);
    free(x->visited);
    free(x->pdone);
    free(x->queue);
    free(x->walk);
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
    int rc = 0;
    if (!x.fstate || !x.cstate || !x.entry_head || !x.entry_tail || !x.entry_next || !x.entry_ratio ||
        !x.is_entry) {
        rc = P2P_ENOMEM;
        goto out;
    }
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
