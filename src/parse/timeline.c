/* Time-line accounting for the evented formats (src/parse/timeline.h). */
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "../util/utf8.h"
#include "../util/util.h"

void p2p_tl_init(p2p_tl *tl, p2p_profile *p, bool counting)
{
    memset(tl, 0, sizeof *tl);
    tl->p = p;
    tl->counting = counting;
    tl->scale = 1.0;
    tl->free = P2P_NONE;
    tl->top = P2P_NONE;
}

void p2p_tl_free(p2p_tl *tl)
{
    p2p_vm_free(tl->fs, tl->capfs * sizeof *tl->fs);
    p2p_vm_free(tl->s2, tl->caps2 * sizeof *tl->s2);
    p2p_vm_free(tl->ncalls, tl->caps2 * sizeof *tl->ncalls);
    p2p_vm_free(tl->nodes, tl->capnodes * sizeof *tl->nodes);
    if (tl->pairs)
        p2p_vm_free(tl->pairs, P2P_TL_PAIRS * sizeof *tl->pairs);
    memset(tl, 0, sizeof *tl);
}

/* Room for function f's sums (zeroed when new). */
static bool fn_room(p2p_tl *tl, p2p_fid f)
{
    if (f < tl->capfs)
        return true;
    size_t cap = tl->capfs ? tl->capfs : 64;
    while (cap <= f)
        cap *= 2;
    p2p_tl_fn *v = p2p_vm_grow_zero(tl->fs, tl->capfs * sizeof *v, cap * sizeof *v);
    if (!v)
        return false;
    tl->fs = v;
    tl->capfs = cap;
    return true;
}

/* Room for call c's sums (zeroed when new). */
static bool call_room(p2p_tl *tl, uint32_t c)
{
    if (c < tl->caps2)
        return true;
    size_t cap = tl->caps2 ? tl->caps2 : 64;
    while (cap <= c)
        cap *= 2;
    double *a = p2p_vm_grow_zero(tl->s2, tl->caps2 * sizeof *a, cap * sizeof *a);
    if (!a)
        return false;
    tl->s2 = a;
    double *b = p2p_vm_grow_zero(tl->ncalls, tl->caps2 * sizeof *b, cap * sizeof *b);
    if (!b)
        return false;
    tl->ncalls = b;
    tl->caps2 = cap;
    return true;
}

/* The call caller -> callee (its sums made room for), or P2P_NONE.  A
 * callee's last caller is remembered, and a small direct-mapped cache of
 * pairs is asked before the profile's table. */
static uint32_t call_of(p2p_tl *tl, p2p_fid caller, p2p_fid callee)
{
    p2p_tl_fn *fc = &tl->fs[callee];
    if (fc->memo_caller1 == caller + 1)
        return fc->memo_call;
    uint64_t pair = (uint64_t)caller << 32 | callee;
    /* the cache is made once look-ups are many: small profiles (and the
     * fuzzer) do not pay for it */
    if (!tl->pairs && ++tl->lookups >= 4096 && !(tl->pairs = p2p_vm_zalloc(P2P_TL_PAIRS * sizeof *tl->pairs))) {
        tl->oom = true;
        return P2P_NONE;
    }
    p2p_tl_pair *sl = tl->pairs ? &tl->pairs[(p2p_hash_u64(pair)) & (P2P_TL_PAIRS - 1)] : NULL;
    uint32_t c;
    if (sl && sl->call1 && sl->pair == pair) {
        c = sl->call1 - 1;
    } else {
        c = p2p_profile_get_call(tl->p, caller, callee, NULL);
        if (c == P2P_NONE || !call_room(tl, c)) {
            tl->oom = true;
            return P2P_NONE;
        }
        if (sl) {
            sl->pair = pair;
            sl->call1 = c + 1;
        }
    }
    fc->memo_caller1 = caller + 1;
    fc->memo_call = c;
    return c;
}

/* The pair below -> n stops being neighbours at t. */
static int edge_end(p2p_tl *tl, uint32_t below, p2p_tl_node *n, double t)
{
    double dt = t - n->edge_since;
    if (dt <= 0)
        return 0;
    if (n->call == P2P_NONE) {
        n->call = call_of(tl, tl->nodes[below].fid, n->fid);
        if (n->call == P2P_NONE)
            return P2P_ENOMEM;
    }
    tl->s2[n->call] += dt * tl->scale;
    return 0;
}

uint32_t p2p_tl_open(p2p_tl *tl, p2p_fid f, double t, bool count)
{
    if (!fn_room(tl, f))
        return P2P_NONE;
    uint32_t id;
    if (tl->free != P2P_NONE) {
        id = tl->free;
        tl->free = tl->nodes[id].next;
    } else {
        if (!p2p_vm_grow(&tl->nodes, &tl->capnodes, tl->nnodes, sizeof *tl->nodes))
            return P2P_NONE;
        id = (uint32_t)tl->nnodes++;
    }
    uint32_t below = tl->top;
    p2p_tl_node *n = &tl->nodes[id];
    n->prev = below;
    n->next = P2P_NONE;
    n->fid = f;
    n->call = P2P_NONE;
    n->edge_since = t;
    if (below != P2P_NONE) {
        tl->nodes[below].next = id;
        /* the frame below stops being the innermost */
        double dt = (t - tl->top_since) * tl->scale;
        tl->fs[tl->nodes[below].fid].self += dt;
        tl->samples += dt;
        if (count && tl->counting) {
            uint32_t c = call_of(tl, tl->nodes[below].fid, f);
            if (c == P2P_NONE)
                return P2P_NONE;
            n = &tl->nodes[id];
            n->call = c;
            tl->ncalls[c] += 1;
        }
    }
    tl->top = id;
    tl->top_since = t;
    tl->depth++;
    p2p_tl_fn *fs = &tl->fs[f];
    if (fs->open++ == 0)
        fs->since = t;
    if (count && tl->counting) {
        p2p_function *fn = &tl->p->functions[f];
        fn->has_called = true;
        fn->called++;
    }
    return id;
}

int p2p_tl_close(p2p_tl *tl, uint32_t id, double t)
{
    p2p_tl_node *n = &tl->nodes[id];
    uint32_t below = n->prev, above = n->next;
    if (below != P2P_NONE && edge_end(tl, below, n, t) < 0)
        return P2P_ENOMEM;
    if (above != P2P_NONE) {
        p2p_tl_node *a = &tl->nodes[above];
        if (edge_end(tl, id, a, t) < 0)
            return P2P_ENOMEM;
        /* the frame above now stands on the one below (or is a root) */
        a->prev = below;
        a->call = P2P_NONE;
        a->edge_since = t;
    } else {
        /* the innermost frame leaves: its self time ends */
        double dt = (t - tl->top_since) * tl->scale;
        tl->fs[n->fid].self += dt;
        tl->samples += dt;
        tl->top = below;
        tl->top_since = t;
    }
    if (below != P2P_NONE)
        tl->nodes[below].next = above;
    p2p_tl_fn *fs = &tl->fs[n->fid];
    if (--fs->open == 0)
        fs->total += (t - fs->since) * tl->scale;
    tl->depth--;
    n->next = tl->free;
    tl->free = id;
    return 0;
}

void p2p_tl_finish(p2p_tl *tl)
{
    p2p_profile *p = tl->p;
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        p2p_function *f = &p->functions[i];
        p2p_ev_set(&f->ev, P2P_SAMPLES, i < tl->capfs ? tl->fs[i].self : 0.0);
        p2p_ev_set(&f->ev, P2P_TOTAL_SAMPLES, i < tl->capfs ? tl->fs[i].total : 0.0);
        if (tl->counting)
            f->has_called = true;
    }
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_ev_set(&p->calls[c].ev, P2P_SAMPLES2, c < tl->caps2 ? tl->s2[c] : 0.0);
        if (tl->counting)
            p2p_ev_set(&p->calls[c].ev, P2P_CALLS, c < tl->caps2 ? tl->ncalls[c] : 0.0);
    }
    p2p_ev_set(&p->ev, P2P_SAMPLES, tl->samples);
}

/* Intern s[0..n) in p, repaired (invalid UTF-8, NUL). */
static const char *intern_repaired(p2p_profile *p, const char *s, size_t n, size_t *repairs)
{
    if (p2p_utf8_valid(s, n) && !memchr(s, '\0', n))
        return p2p_profile_intern(p, n ? s : "", n);
    p2p_buf b;
    p2p_buf_init(&b);
    if (p2p_utf8_repair(&b, s, n, true))
        ++*repairs;
    const char *r = b.oom ? NULL : p2p_profile_intern(p, b.len ? b.data : "", b.len);
    p2p_buf_free(&b);
    return r;
}

p2p_fid p2p_tl_function(p2p_profile *p, int64_t id, const char *name, size_t nn, const char *detail, size_t nd,
                        const char *file, size_t nf, int64_t line, bool fn_stats, size_t *repairs)
{
    const char *bare = intern_repaired(p, name, nn, repairs), *full = bare;
    if (bare && nd) {
        const char *det = intern_repaired(p, detail, nd, repairs);
        full = det ? p2p_profile_printf(p, "%s: %s", bare, det) : NULL;
    }
    if (!full)
        return P2P_NONE;
    p2p_fid fid = p2p_profile_add_int(p, id, full);
    if (fid == P2P_NONE)
        return P2P_NONE;
    if (nf && !(p->functions[fid].filename = intern_repaired(p, file, nf, repairs)))
        return P2P_NONE;
    if (line > 0 && fn_stats) {
        p2p_fn_stat *st = p2p_profile_fn_stat(p, fid);
        if (!st)
            return P2P_NONE;
        st->func_name = bare;
        st->line = line;
    }
    return fid;
}
