/* Pruning by thresholds and paths (SEMANTICS.md §7.1). */
#include <string.h>

#include "prof2png/analyse.h"

static bool path_kept(const p2p_function *f, const p2p_prune_opts *o)
{
    if (f->filename && f->filename[0]) {
        for (size_t i = 0; i < o->npaths; i++)
            if (strncmp(f->filename, o->paths[i], strlen(o->paths[i])) == 0)
                return true;
        return false;
    }
    if (f->module && f->module[0]) {
        for (size_t i = 0; i < o->npaths; i++)
            if (strstr(f->module, o->paths[i]))
                return true;
        return false;
    }
    return true;
}

void p2p_prune(p2p_profile *p, const p2p_prune_opts *o)
{
    /* 1. weights, before anything goes: every call (of a live function),
     * self calls and calls to doomed functions included.  Each value
     * depends only on its own call and functions: the calls go in the order
     * of their array, not along the callers' lists. */
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        p2p_function *f = &p->functions[i];
        if (!f->removed && p2p_ev_has(&f->ev, P2P_TOTAL_TIME_RATIO)) {
            f->weight = f->ev.v[P2P_TOTAL_TIME_RATIO];
            f->has_weight = true;
        }
    }
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        const p2p_function *f = &p->functions[k->caller];
        if (k->removed || f->removed)
            continue;
        if (p2p_ev_has(&k->ev, P2P_TOTAL_TIME_RATIO)) {
            k->weight = k->ev.v[P2P_TOTAL_TIME_RATIO];
            k->has_weight = true;
        } else if (p2p_ev_has(&f->ev, P2P_TOTAL_TIME_RATIO)) {
            const p2p_function *g = &p->functions[k->callee];
            if (p2p_ev_has(&g->ev, P2P_TOTAL_TIME_RATIO)) {
                /* Python's min(a, b): b only when strictly smaller */
                double a = f->ev.v[P2P_TOTAL_TIME_RATIO], b = g->ev.v[P2P_TOTAL_TIME_RATIO];
                k->weight = b < a ? b : a;
                k->has_weight = true;
            }
        }
    }

    /* 2. node threshold (strict), 3. paths */
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        p2p_function *f = &p->functions[i];
        if (f->removed)
            continue;
        if (f->has_weight && f->weight < o->node_thres)
            f->removed = true;
        else if (o->npaths && !path_kept(f, o))
            f->removed = true;
    }

    /* 4. edges: to a deleted callee, or lighter than the threshold; the calls
     * of deleted functions go with them (in array order, as in 1) */
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        if (p->functions[k->caller].removed || p->functions[k->callee].removed ||
            (k->has_weight && k->weight < o->edge_thres))
            k->removed = true;
    }

    /* 5. colour by self time: rescale node weights by the largest self ratio */
    if (o->color_nodes_by_selftime) {
        bool any = false;
        double m = 1.0;
        for (p2p_fid i = 0; i < p->nfunctions; i++) {
            const p2p_function *f = &p->functions[i];
            if (f->removed || !p2p_ev_has(&f->ev, P2P_TIME_RATIO))
                continue;
            double v = f->ev.v[P2P_TIME_RATIO];
            if (!any || v > m) /* Python's max(): the first of equals */
                m = v;
            any = true;
        }
        for (p2p_fid i = 0; i < p->nfunctions; i++) {
            p2p_function *f = &p->functions[i];
            if (f->removed || !p2p_ev_has(&f->ev, P2P_TIME_RATIO) || m == 0.0)
                continue; /* ZeroDivisionError leaves the old weight */
            f->weight = f->ev.v[P2P_TIME_RATIO] / m;
            f->has_weight = true;
        }
    }
}
