/* Function selection and --root / --leaf / --depth (SEMANTICS.md §7.2).
 * The depth is the true breadth-first distance (corpus README), not
 * gprof2dot's set-order-dependent walk (B4). */
#include <fnmatch.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"

typedef struct named {
    const char *name;
    p2p_fid fid;
} named;

static int by_name_then_fid(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->fid > y->fid) - (x->fid < y->fid);
}

/* Match like Python's fnmatch: no backslash escapes (FNM_NOESCAPE), `*`
 * crosses '/' and leading dots (no FNM_PATHNAME / FNM_PERIOD), and `?` is one
 * character, so names are read as UTF-8 whatever the program's locale (when
 * a UTF-8 locale exists).  Known difference: glibc also takes `[^...]` as a
 * negated class, where Python reads the `^` literally. */
static locale_t utf8_locale(void)
{
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    return loc ? loc : newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

int p2p_select_functions(const p2p_profile *p, const char *pattern, p2p_fid **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t nlive = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        nlive += !p->functions[f].removed;
    if (!nlive)
        return 0;
    named *order = malloc(nlive * sizeof *order);
    /* stand[f]: for the first function of each name, the last one */
    p2p_fid *stand = malloc(p->nfunctions * sizeof *stand);
    p2p_fid *ids = NULL;
    size_t nids = 0, cap = 0;
    int rc = 0;
    if (!order || !stand) {
        rc = P2P_ENOMEM;
        goto out;
    }
    /* gprof2dot builds {name: id}: a name keeps the place of its first
     * function and the id of its last */
    nlive = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        stand[f] = P2P_NONE;
        if (!p->functions[f].removed)
            order[nlive++] = (named){p->functions[f].name, f};
    }
    qsort(order, nlive, sizeof *order, by_name_then_fid);
    for (size_t i = 0, j; i < nlive; i = j) {
        for (j = i + 1; j < nlive && strcmp(order[i].name, order[j].name) == 0; j++)
            ;
        stand[order[i].fid] = order[j - 1].fid;
    }

    locale_t loc = utf8_locale(), old = (locale_t)0;
    if (loc)
        old = uselocale(loc);
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (stand[f] == P2P_NONE || fnmatch(pattern, p->functions[f].name, FNM_NOESCAPE) != 0)
            continue;
        if (nids == cap) {
            size_t c = cap ? cap * 2 : 16;
            p2p_fid *grown = realloc(ids, c * sizeof *ids);
            if (!grown) {
                rc = P2P_ENOMEM;
                break;
            }
            ids = grown;
            cap = c;
        }
        ids[nids++] = stand[f];
    }
    if (loc) {
        uselocale(old);
        freelocale(loc);
    }
out:
    free(order);
    free(stand);
    if (rc < 0) {
        free(ids);
        return rc;
    }
    if (!nids) {
        free(ids);
        ids = NULL;
    }
    *out = ids;
    *n = nids;
    return 0;
}

static bool live_call(const p2p_profile *p, const p2p_call *k)
{
    return !k->removed && !p->functions[k->caller].removed && !p->functions[k->callee].removed;
}

/* Keep the functions with a distance (dist[f] != P2P_NONE); drop the others
 * and every call that does not join two kept functions. */
static void keep_reached(p2p_profile *p, const uint32_t *dist)
{
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        if (dist[f] == P2P_NONE)
            p->functions[f].removed = true;
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        if (dist[k->caller] == P2P_NONE || dist[k->callee] == P2P_NONE)
            k->removed = true;
    }
}

/* Seed a breadth-first search with the live functions among `seeds`. */
static size_t seed(const p2p_profile *p, const p2p_fid *seeds, size_t n, uint32_t *dist, p2p_fid *queue)
{
    size_t nq = 0;
    for (size_t i = 0; i < n; i++) {
        p2p_fid f = seeds[i];
        if (f < p->nfunctions && !p->functions[f].removed && dist[f] == P2P_NONE) {
            dist[f] = 0;
            queue[nq++] = f;
        }
    }
    return nq;
}

static bool expand(int depth, uint32_t d)
{
    return depth < 0 || d < (uint32_t)depth;
}

int p2p_prune_root(p2p_profile *p, const p2p_fid *roots, size_t n, int depth)
{
    size_t nf = p->nfunctions ? p->nfunctions : 1;
    uint32_t *dist = malloc(nf * sizeof *dist);
    p2p_fid *queue = malloc(nf * sizeof *queue);
    if (!dist || !queue) {
        free(dist);
        free(queue);
        return P2P_ENOMEM;
    }
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        dist[f] = P2P_NONE;
    size_t head = 0, nq = seed(p, roots, n, dist, queue);
    while (head < nq) {
        p2p_fid u = queue[head++];
        if (!expand(depth, dist[u]))
            continue;
        for (uint32_t c = p->functions[u].first_call; c != P2P_NONE; c = p->calls[c].next) {
            const p2p_call *k = &p->calls[c];
            if (live_call(p, k) && dist[k->callee] == P2P_NONE) {
                dist[k->callee] = dist[u] + 1;
                queue[nq++] = k->callee;
            }
        }
    }
    keep_reached(p, dist);
    free(dist);
    free(queue);
    return 0;
}

int p2p_prune_leaf(p2p_profile *p, const p2p_fid *leaves, size_t n, int depth)
{
    size_t nf = p->nfunctions ? p->nfunctions : 1;
    uint32_t *dist = malloc(nf * sizeof *dist);
    p2p_fid *queue = malloc(nf * sizeof *queue);
    uint32_t *start = calloc(nf + 1, sizeof *start); /* callers of f: up[start[f] .. start[f+1]) */
    p2p_fid *up = malloc((p->ncalls ? p->ncalls : 1) * sizeof *up);
    int rc = 0;
    if (!dist || !queue || !start || !up) {
        rc = P2P_ENOMEM;
        goto out;
    }
    for (uint32_t c = 0; c < p->ncalls; c++)
        if (live_call(p, &p->calls[c]))
            start[p->calls[c].callee + 1]++;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        start[f + 1] += start[f];
    for (uint32_t c = 0; c < p->ncalls; c++) {
        const p2p_call *k = &p->calls[c];
        if (live_call(p, k))
            up[start[k->callee]++] = k->caller;
    }
    /* the fill moved each start to the next one's place: shift back */
    for (p2p_fid f = p->nfunctions; f > 0; f--)
        start[f] = start[f - 1];
    start[0] = 0;

    for (p2p_fid f = 0; f < p->nfunctions; f++)
        dist[f] = P2P_NONE;
    size_t head = 0, nq = seed(p, leaves, n, dist, queue);
    while (head < nq) {
        p2p_fid u = queue[head++];
        if (!expand(depth, dist[u]))
            continue;
        for (uint32_t i = start[u]; i < start[u + 1]; i++) {
            p2p_fid v = up[i];
            if (dist[v] == P2P_NONE) {
                dist[v] = dist[u] + 1;
                queue[nq++] = v;
            }
        }
    }
    keep_reached(p, dist);
out:
    free(dist);
    free(queue);
    free(start);
    free(up);
    return rc;
}
