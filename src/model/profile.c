/* The profile model (include/prof2png/profile.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/profile.h"
#include "../util/util.h"

struct p2p_profile_index {
    p2p_intern *names;
    p2p_u64map ids;   /* int id, or the interned id pointer, -> fid */
    p2p_u64map calls; /* (caller << 32 | callee) -> call index */
    uint32_t calls_indexed; /* calls [0, calls_indexed) are in `calls` (the
                             * rest came from p2p_profile_add_call) */
};

p2p_profile *p2p_profile_new(p2p_id_kind kind)
{
    p2p_profile *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->id_kind = kind;
    p->arena = p2p_arena_new();
    p->index = calloc(1, sizeof *p->index);
    if (!p->arena || !p->index)
        goto fail;
    p->index->names = p2p_intern_new(p->arena);
    if (!p->index->names)
        goto fail;
    p2p_u64map_init(&p->index->ids);
    p2p_u64map_init(&p->index->calls);
    return p;
fail:
    p2p_profile_free(p);
    return NULL;
}

void p2p_profile_free(p2p_profile *p)
{
    if (!p)
        return;
    if (p->index) {
        p2p_intern_free(p->index->names);
        p2p_u64map_free(&p->index->ids);
        p2p_u64map_free(&p->index->calls);
        free(p->index);
    }
    free(p->functions);
    free(p->calls);
    free(p->call_stats);
    free(p->cycles);
    p2p_arena_free(p->arena);
    free(p);
}

void *p2p_profile_alloc(p2p_profile *p, size_t size)
{
    return p2p_arena_alloc(p->arena, size);
}

const char *p2p_profile_intern(p2p_profile *p, const char *s, size_t len)
{
    return p2p_intern_get(p->index->names, s, len);
}

const char *p2p_profile_printf(p2p_profile *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = p2p_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    return s;
}

static uint64_t id_key_str(const char *id)
{
    return (uint64_t)(uintptr_t)id;
}

p2p_fid p2p_profile_find_int(const p2p_profile *p, int64_t id)
{
    return p2p_u64map_get(&p->index->ids, (uint64_t)id);
}

p2p_fid p2p_profile_find_str(const p2p_profile *p, const char *id)
{
    return p2p_u64map_get(&p->index->ids, id_key_str(id));
}

static p2p_fid add_function(p2p_profile *p, uint64_t key, const char *name)
{
    if (p->nfunctions == p->capfunctions) {
        if (p->capfunctions >= UINT32_MAX / 2)
            return P2P_NONE;
        uint32_t cap = p->capfunctions ? p->capfunctions * 2 : 64;
        p2p_function *f = realloc(p->functions, (size_t)cap * sizeof *f);
        if (!f)
            return P2P_NONE;
        p->functions = f;
        p->capfunctions = cap;
    }
    p2p_fid fid = p->nfunctions;
    if (p2p_u64map_put(&p->index->ids, key, fid) < 0)
        return P2P_NONE;
    p2p_function *f = &p->functions[fid];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->first_call = f->last_call = P2P_NONE;
    f->cycle = P2P_NONE;
    p->nfunctions++;
    return fid;
}

p2p_fid p2p_profile_add_int(p2p_profile *p, int64_t id, const char *name)
{
    p2p_fid f = add_function(p, (uint64_t)id, name);
    if (f != P2P_NONE)
        p->functions[f].id_num = id;
    return f;
}

p2p_fid p2p_profile_add_str(p2p_profile *p, const char *id, const char *name)
{
    p2p_fid f = add_function(p, id_key_str(id), name);
    if (f != P2P_NONE)
        p->functions[f].id_str = id;
    return f;
}

static uint64_t call_key(p2p_fid caller, p2p_fid callee)
{
    return ((uint64_t)caller << 32) | callee;
}

uint32_t p2p_profile_find_call(const p2p_profile *p, p2p_fid caller, p2p_fid callee)
{
    p2p_profile_index *x = p->index;
    while (x->calls_indexed < p->ncalls) {
        const p2p_call *k = &p->calls[x->calls_indexed];
        if (p2p_u64map_put(&x->calls, call_key(k->caller, k->callee), x->calls_indexed) < 0) {
            /* out of memory: the caller's list gives the same answer */
            for (uint32_t c = p->functions[caller].first_call; c != P2P_NONE; c = p->calls[c].next)
                if (p->calls[c].callee == callee)
                    return c;
            return P2P_NONE;
        }
        x->calls_indexed++;
    }
    return p2p_u64map_get(&x->calls, call_key(caller, callee));
}

/* Append a call caller->callee (no events); `index`: put it in the map. */
static uint32_t new_call(p2p_profile *p, p2p_fid caller, p2p_fid callee, bool index)
{
    if (p->ncalls == p->capcalls) {
        if (p->capcalls >= UINT32_MAX / 2)
            return P2P_NONE;
        uint32_t cap = p->capcalls ? p->capcalls * 2 : 128;
        p2p_call *n = realloc(p->calls, (size_t)cap * sizeof *n);
        if (!n)
            return P2P_NONE;
        p->calls = n;
        p->capcalls = cap;
    }
    uint32_t c = p->ncalls;
    if (index && p->index->calls_indexed == c) {
        if (p2p_u64map_put(&p->index->calls, call_key(caller, callee), c) < 0)
            return P2P_NONE;
        p->index->calls_indexed = c + 1;
    }
    p2p_call *k = &p->calls[c];
    memset(k, 0, sizeof *k);
    k->caller = caller;
    k->callee = callee;
    k->next = P2P_NONE;
    p2p_function *f = &p->functions[caller];
    if (f->last_call == P2P_NONE)
        f->first_call = c;
    else
        p->calls[f->last_call].next = c;
    f->last_call = c;
    p->ncalls++;
    return c;
}

uint32_t p2p_profile_add_call(p2p_profile *p, p2p_fid caller, p2p_fid callee)
{
    return new_call(p, caller, callee, false);
}

uint32_t p2p_profile_get_call(p2p_profile *p, p2p_fid caller, p2p_fid callee, bool *created)
{
    uint32_t c = p2p_profile_find_call(p, caller, callee);
    if (created)
        *created = c == P2P_NONE;
    if (c != P2P_NONE)
        return c;
    return new_call(p, caller, callee, true);
}

p2p_call_stat *p2p_profile_call_stat(p2p_profile *p, uint32_t c)
{
    if (c >= p->ncall_stats) {
        uint32_t n = p->capcalls > c ? p->capcalls : c + 1;
        p2p_call_stat *s = realloc(p->call_stats, (size_t)n * sizeof *s);
        if (!s)
            return NULL;
        memset(s + p->ncall_stats, 0, (size_t)(n - p->ncall_stats) * sizeof *s);
        p->call_stats = s;
        p->ncall_stats = n;
    }
    return &p->call_stats[c];
}

uint32_t p2p_profile_add_cycle(p2p_profile *p)
{
    if (p->ncycles == p->capcycles) {
        if (p->capcycles >= UINT32_MAX / 2)
            return P2P_NONE;
        uint32_t cap = p->capcycles ? p->capcycles * 2 : 8;
        p2p_cycle *n = realloc(p->cycles, (size_t)cap * sizeof *n);
        if (!n)
            return P2P_NONE;
        p->cycles = n;
        p->capcycles = cap;
    }
    memset(&p->cycles[p->ncycles], 0, sizeof(p2p_cycle));
    return p->ncycles++;
}

int p2p_profile_cycle_add(p2p_profile *p, uint32_t c, p2p_fid f)
{
    p2p_cycle *cy = &p->cycles[c];
    uint32_t n = cy->nmembers;
    /* member arrays double in the arena; the old copy is left behind, which
     * costs at most as much again */
    if ((n & (n - 1)) == 0) {
        uint32_t cap = n ? n * 2 : 4;
        p2p_fid *m = p2p_arena_alloc(p->arena, (size_t)cap * sizeof *m);
        if (!m)
            return P2P_ENOMEM;
        if (n)
            memcpy(m, cy->members, n * sizeof *m);
        cy->members = m;
    }
    cy->members[n] = f;
    cy->nmembers = n + 1;
    p->functions[f].cycle = c;
    return 0;
}

void p2p_profile_warn(const p2p_profile *p, const char *fmt, ...)
{
    if (!p || !p->warn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->warn(p->warn_ctx, msg);
}

double p2p_ratio(const p2p_profile *p, double numerator, double denominator)
{
    static const double tol = 1.0 / 8388608.0; /* 2^-23 */
    if (denominator == 0.0)
        return 1.0;
    double r = numerator / denominator;
    if (r < 0.0) {
        if (r < -tol)
            p2p_profile_warn(p, "negative ratio (%g/%g)", numerator, denominator);
        return 0.0;
    }
    if (r > 1.0) {
        if (r > 1.0 + tol)
            p2p_profile_warn(p, "ratio greater than one (%g/%g)", numerator, denominator);
        return 1.0;
    }
    return r;
}

int p2p_profile_normalise(p2p_profile *p, p2p_event out, p2p_event in, p2p_diag *d)
{
    if (!p2p_ev_has(&p->ev, in))
        return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "the profile has no total for an event it uses");
    double total = p->ev.v[in];
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        p2p_function *f = &p->functions[i];
        if (f->removed)
            continue;
        if (!p2p_ev_has(&f->ev, in))
            return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "function %s has no value for an event the others have",
                                f->name);
        p2p_ev_set(&f->ev, out, p2p_ratio(p, f->ev.v[in], total));
        for (uint32_t c = f->first_call; c != P2P_NONE; c = p->calls[c].next) {
            p2p_call *k = &p->calls[c];
            if (p2p_ev_has(&k->ev, in))
                p2p_ev_set(&k->ev, out, p2p_ratio(p, k->ev.v[in], total));
        }
    }
    p2p_ev_set(&p->ev, out, 1.0);
    return 0;
}

int p2p_profile_cmp_ids(const p2p_profile *p, p2p_fid a, p2p_fid b)
{
    const p2p_function *fa = &p->functions[a], *fb = &p->functions[b];
    if (p->id_kind == P2P_ID_STRING)
        return strcmp(fa->id_str, fb->id_str);
    return fa->id_num < fb->id_num ? -1 : fa->id_num > fb->id_num;
}
