/* Recursion cycles: Tarjan's strongly connected components (SEMANTICS.md
 * §5.1), with an explicit stack so that a call chain of any depth works. */
#include <stdlib.h>

#include "prof2png/analyse.h"

typedef struct tarjan_frame {
    p2p_fid f;
    uint32_t pos; /* the next out-call of f to look at, in out[] */
} tarjan_frame;

typedef struct tarjan {
    uint32_t *index, *low, *scc;
    bool *onstack;
    p2p_fid *stack;      /* Tarjan's node stack */
    size_t nstack;
    tarjan_frame *frames; /* the DFS call stack */
    size_t nframes;
    uint32_t order, nscc;
    const uint32_t *start;       /* p2p_profile_out_calls() */
    uint32_t *live;              /* p2p_profile_live_callees() */
} tarjan;

static void visit(tarjan *t, p2p_fid f)
{
    t->index[f] = t->low[f] = t->order++;
    t->stack[t->nstack++] = f;
    t->onstack[f] = true;
    t->frames[t->nframes++] = (tarjan_frame){f, t->start[f]};
}

/* Run Tarjan from `root`, following calls in insertion order, exactly as the
 * recursive version would. */
static void strongconnect(tarjan *t, p2p_fid root)
{
    visit(t, root);
    while (t->nframes) {
        tarjan_frame *fr = &t->frames[t->nframes - 1];
        p2p_fid v = fr->f;
        bool descended = false;
        for (uint32_t end = t->start[v + 1]; fr->pos < end;) {
            p2p_fid w = t->live[fr->pos++];
            if (w == P2P_NONE)
                continue;
            if (t->index[w] == P2P_NONE) {
                visit(t, w);
                descended = true;
                break;
            }
            if (t->onstack[w] && t->index[w] < t->low[v])
                t->low[v] = t->index[w];
        }
        if (descended)
            continue;
        if (t->low[v] == t->index[v]) {
            size_t pos = t->nstack;
            do
                pos--;
            while (t->stack[pos] != v);
            bool multi = t->nstack - pos > 1;
            for (size_t i = pos; i < t->nstack; i++) {
                t->onstack[t->stack[i]] = false;
                if (multi)
                    t->scc[t->stack[i]] = t->nscc;
            }
            if (multi)
                t->nscc++;
            t->nstack = pos;
        }
        t->nframes--;
        if (t->nframes) {
            p2p_fid u = t->frames[t->nframes - 1].f;
            if (t->low[v] < t->low[u])
                t->low[u] = t->low[v];
        }
    }
}

/* Cycles are listed in the order of their first function in `functions`
 * order, and members join in `functions` order too (gprof2dot keeps them in
 * a set; this is the deterministic order closest to its usual one). */
int p2p_find_cycles(p2p_profile *p, p2p_diag *d)
{
    if (p->ncycles)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "cycles were already found in this profile");
    size_t n = p->nfunctions;
    if (!n)
        return 0;
    tarjan t = {0};
    t.index = malloc(n * sizeof *t.index);
    t.low = malloc(n * sizeof *t.low);
    t.scc = malloc(n * sizeof *t.scc);
    t.onstack = calloc(n, sizeof *t.onstack);
    t.stack = malloc(n * sizeof *t.stack);
    t.frames = malloc(n * sizeof *t.frames);
    uint32_t *cyc = NULL;
    int rc = 0;
    t.live = malloc(((size_t)p->ncalls + 1) * sizeof *t.live);
    if (!t.index || !t.low || !t.scc || !t.onstack || !t.stack || !t.frames || !t.live ||
        !p2p_profile_out_calls(p, &t.start) || p2p_profile_live_callees(p, t.live) < 0)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        t.index[i] = t.scc[i] = P2P_NONE;
    for (p2p_fid f = 0; f < n; f++)
        if (!p->functions[f].removed && t.index[f] == P2P_NONE)
            strongconnect(&t, f);
    if (t.nscc) {
        cyc = malloc(t.nscc * sizeof *cyc);
        if (!cyc)
            goto nomem;
        for (uint32_t i = 0; i < t.nscc; i++)
            cyc[i] = P2P_NONE;
        for (p2p_fid f = 0; f < n; f++) {
            uint32_t s = t.scc[f];
            if (s == P2P_NONE)
                continue;
            if (cyc[s] == P2P_NONE && (cyc[s] = p2p_profile_add_cycle(p)) == P2P_NONE)
                goto nomem;
            if (p2p_profile_cycle_add(p, cyc[s], f) < 0)
                goto nomem;
        }
    }
    goto out;
nomem:
    rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory while looking for recursion cycles");
out:
    free(t.index);
    free(t.low);
    free(t.scc);
    free(t.onstack);
    free(t.stack);
    free(t.frames);
    free(t.live);
    free(cyc);
    return rc;
}
