/* --max-nodes N (issue 8): keep the N heaviest live functions, as pprof's
 * --nodecount does, and join kept functions that were connected only
 * through dropped ones with implied calls (p2p_call.implied).
 *
 * Weight: f->weight as p2p_prune() left it (the colour's weight: total time
 * fraction, or the rescaled self time with --color-nodes-by-selftime), 0
 * when a function has none.  Ties: by id (the order nodes are drawn in),
 * then index.
 *
 * Implied calls: for each kept function s, a widest-path search (Dijkstra
 * with max/min in place of min/+, on an explicit binary heap) over the live
 * calls, passing through dropped functions only.  An implied call s->t is
 * added for each kept t != s reached so, unless the live call s->t already
 * exists; its weight is the bottleneck of the widest path: the largest, over
 * all such paths, of the smallest call weight along the path (a call's
 * weight: its own, else its callee's, else 0, as the graph draws it).  A
 * path back to s itself draws nothing.  At most P2P_MAX_IMPLIED_PER_NODE
 * implied calls leave one function, the heaviest (ties by callee id), so the
 * graph stays near O(N) edges on densely connected profiles.  Nothing
 * recurses. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"

typedef struct rank_key {
    double w;
    const char *str;
    int64_t num;
    p2p_fid fid;
} rank_key;

static int cmp_weight_first(const rank_key *x, const rank_key *y)
{
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return 0;
}

static int cmp_rank_str(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int c = cmp_weight_first(x, y);
    if (!c)
        c = strcmp(x->str, y->str);
    return c ? c : (x->fid > y->fid) - (x->fid < y->fid);
}

static int cmp_rank_num(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int c = cmp_weight_first(x, y);
    if (!c)
        c = (x->num > y->num) - (x->num < y->num);
    return c ? c : (x->fid > y->fid) - (x->fid < y->fid);
}

/* A max-heap of (bottleneck, function), lazily updated. */
typedef struct heap_item {
    double w;
    p2p_fid f;
} heap_item;

static void heap_push(heap_item *h, size_t *n, heap_item it)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h[parent].w >= it.w)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = it;
}

static heap_item heap_pop(heap_item *h, size_t *n)
{
    heap_item top = h[0], last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1].w > h[c].w)
            c++;
        if (h[c].w <= last.w)
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = last;
    return top;
}

static double call_weight(const p2p_profile *p, const p2p_call *k)
{
    if (k->has_weight)
        return k->weight;
    const p2p_function *g = &p->functions[k->callee];
    return g->has_weight ? g->weight : 0.0;
}

typedef struct implied {
    p2p_fid from, to;
    double w;
} implied;

int p2p_max_nodes(p2p_profile *p, size_t max)
{
    if (max == 0)
        return 0;
    size_t nlive = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        nlive += !p->functions[i].removed;
    if (nlive <= max)
        return 0;

    int rc = P2P_ENOMEM;
    size_t nf = p->nfunctions;
    rank_key *keys = malloc(nlive * sizeof *keys);
    unsigned char *state = calloc(nf, 1); /* 0 gone before, 1 kept, 2 dropped */
    double *best = malloc(nf * sizeof *best);
    double *reach = malloc(nf * sizeof *reach);
    p2p_fid *touched = malloc(nf * sizeof *touched);
    bool *seen = calloc(nf, sizeof *seen);
    rank_key *cand = malloc(max * sizeof *cand); /* kept targets of one search */
    /* lazy heap: at most one push per call relaxation, plus the start */
    heap_item *heap = malloc(((size_t)p->ncalls + 1) * sizeof *heap);
    implied *out = NULL;
    size_t nout = 0, capout = 0;
    if (!keys || !state || !best || !reach || !touched || !seen || !cand || !heap)
        goto done;

    size_t k = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        if (f->removed)
            continue;
        double w = f->has_weight && !isnan(f->weight) ? f->weight : 0.0;
        keys[k++] = (rank_key){w, f->id_str, f->id_num, i};
    }
    qsort(keys, nlive, sizeof *keys, p->id_kind == P2P_ID_STRING ? cmp_rank_str : cmp_rank_num);
    for (size_t i = 0; i < nlive; i++)
        state[keys[i].fid] = i < max ? 1 : 2;
    for (size_t i = 0; i < nf; i++)
        best[i] = reach[i] = -INFINITY;

    for (p2p_fid s = 0; s < p->nfunctions; s++) {
        if (state[s] != 1)
            continue;
        size_t nheap = 0, ntouched = 0;
        /* seeds: live calls from s to dropped functions */
        for (uint32_t c = p->functions[s].first_call; c != P2P_NONE; c = p->calls[c].next) {
            const p2p_call *kc = &p->calls[c];
            if (kc->removed || state[kc->callee] != 2)
                continue;
            double w = call_weight(p, kc);
            if (!seen[kc->callee]) {
                seen[kc->callee] = true;
                touched[ntouched++] = kc->callee;
            }
            if (w > best[kc->callee]) {
                best[kc->callee] = w;
                heap_push(heap, &nheap, (heap_item){w, kc->callee});
            }
        }
        while (nheap) {
            heap_item it = heap_pop(heap, &nheap);
            if (it.w < best[it.f])
                continue; /* stale */
            for (uint32_t c = p->functions[it.f].first_call; c != P2P_NONE; c = p->calls[c].next) {
                const p2p_call *kc = &p->calls[c];
                p2p_fid t = kc->callee;
                if (kc->removed || state[t] == 0)
                    continue;
                double w = call_weight(p, kc);
                if (w > it.w)
                    w = it.w;
                if (state[t] == 1) {
                    if (t == s)
                        continue;
                    if (!seen[t]) {
                        seen[t] = true;
                        touched[ntouched++] = t;
                    }
                    if (w > reach[t])
                        reach[t] = w;
                } else if (w > best[t]) {
                    if (!seen[t]) {
                        seen[t] = true;
                        touched[ntouched++] = t;
                    }
                    best[t] = w;
                    heap_push(heap, &nheap, (heap_item){w, t});
                }
            }
        }
        size_t ncand = 0;
        for (size_t i = 0; i < ntouched; i++) {
            p2p_fid t = touched[i];
            if (state[t] == 1 && reach[t] != -INFINITY) {
                uint32_t c = p2p_profile_find_call(p, s, t);
                if (c == P2P_NONE || p->calls[c].removed) {
                    const p2p_function *ft = &p->functions[t];
                    cand[ncand++] = (rank_key){isnan(reach[t]) ? 0.0 : reach[t], ft->id_str, ft->id_num, t};
                }
            }
            best[t] = reach[t] = -INFINITY;
            seen[t] = false;
        }
        /* the heaviest P2P_MAX_IMPLIED_PER_NODE, ties by id */
        if (ncand > P2P_MAX_IMPLIED_PER_NODE) {
            qsort(cand, ncand, sizeof *cand, p->id_kind == P2P_ID_STRING ? cmp_rank_str : cmp_rank_num);
            ncand = P2P_MAX_IMPLIED_PER_NODE;
        }
        for (size_t i = 0; i < ncand; i++) {
            if (nout == capout) {
                size_t cap = capout ? 2 * capout : 16;
                implied *grown = realloc(out, cap * sizeof *out);
                if (!grown)
                    goto done;
                out = grown;
                capout = cap;
            }
            out[nout++] = (implied){s, cand[i].fid, cand[i].w};
        }
    }

    /* drop, then join */
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        if (state[i] == 2)
            p->functions[i].removed = true;
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *kc = &p->calls[c];
        if (state[kc->caller] == 2 || state[kc->callee] == 2)
            kc->removed = true;
    }
    for (size_t i = 0; i < nout; i++) {
        uint32_t c = p2p_profile_get_call(p, out[i].from, out[i].to, NULL);
        if (c == P2P_NONE)
            goto done;
        p2p_call *kc = &p->calls[c];
        kc->removed = false;
        kc->implied = true;
        kc->has_ratio = false;
        kc->ev = (p2p_events){{0}, 0};
        kc->has_weight = true;
        kc->weight = out[i].w;
    }
    rc = 0;
done:
    free(keys);
    free(state);
    free(best);
    free(reach);
    free(touched);
    free(seen);
    free(cand);
    free(heap);
    free(out);
    return rc;
}
