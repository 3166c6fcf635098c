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
    /* int id, or the interned id pointer, -> fid.  Built on the first
     * lookup, not while a parser that never looks up adds functions: the
     * functions [0, nids) are in it; once `ids_live` every new function goes
     * in at once. */
    p2p_u64map ids;
    uint32_t nids;
    bool ids_live;
    bool ids_failed;  /* out of memory building it: adding fails too */
    /* the calls by (caller, callee): open addressing over (hash << 32 |
     * call index + 1), 0 = empty; the key is read back from the call when
     * the hash agrees */
    uint64_t *calls;
    size_t ncallslots; /* 0 or a power of two */
    uint32_t calls_indexed; /* calls [0, calls_indexed) are in `calls`; the
                             * rest came from p2p_profile_add_call */
    /* p2p_profile_out_calls(), made for adj_nfunctions functions and
     * adj_ncalls calls (adj_start NULL: not made) */
    uint32_t *adj_start, *adj_call;
    uint32_t adj_nfunctions, adj_ncalls;
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
        p2p_vm_free(p->index->calls, p->index->ncallslots * sizeof *p->index->calls);
        p2p_profile_drop_out_calls(p);
        free(p->index);
    }
    p2p_vm_free(p->functions, (size_t)p->capfunctions * sizeof *p->functions);
    p2p_vm_free(p->calls, (size_t)p->capcalls * sizeof *p->calls);
    p2p_vm_free(p->call_stats, (size_t)p->ncall_stats * sizeof *p->call_stats);
    p2p_vm_free(p->fn_stats, (size_t)p->nfn_stats * sizeof *p->fn_stats);
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

int p2p_profile_value_text(const p2p_profile *p, double v, char *out, size_t size)
{
    switch (p->unit) {
    case P2P_UNIT_SECONDS:
        return snprintf(out, size, "%.7g s", v);
    case P2P_UNIT_BYTES: {
        static const char *const names[] = {"B", "kB", "MB", "GB", "TB"};
        size_t u = 0;
        double x = v;
        while (fabs(x) >= 1024 && u + 1 < sizeof names / sizeof names[0]) {
            x /= 1024;
            u++;
        }
        return u ? snprintf(out, size, "%.2f %s", x, names[u]) : snprintf(out, size, "%.0f B", x);
    }
    case P2P_UNIT_COUNT:
        if (v == trunc(v) && fabs(v) < 9007199254740992.0)
            return snprintf(out, size, "%.0f %s", v, p->cost_name ? p->cost_name : "samples");
        /* fall through */
    case P2P_UNIT_DEFAULT:
    default:
        return snprintf(out, size, "%.7g %s", v, p->cost_name ? p->cost_name : "samples");
    }
}

uint32_t p2p_profile_name_index(p2p_profile *p, const char *s, size_t len)
{
    return p2p_intern_index(p->index->names, s, len);
}

const char *p2p_profile_name_str(const p2p_profile *p, uint32_t i)
{
    return p2p_intern_str(p->index->names, i);
}

size_t p2p_profile_name_len(const p2p_profile *p, uint32_t i)
{
    return p2p_intern_len(p->index->names, i);
}

uint32_t *p2p_profile_name_val(p2p_profile *p, uint32_t i)
{
    return p2p_intern_val(p->index->names, i);
}

static uint64_t id_key_str(const char *id)
{
    return (uint64_t)(uintptr_t)id;
}

static uint64_t id_key(const p2p_function *f)
{
    /* add_str() sets id_str (and an id of NULL keys as 0, as id_num 0) */
    return f->id_str ? id_key_str(f->id_str) : (uint64_t)f->id_num;
}

/* Put the functions not yet in the id map in it.  0, or -1 when out of
 * memory. */
static int index_ids(const p2p_profile *p)
{
    p2p_profile_index *x = p->index;
    x->ids_live = true;
    if (x->ids_failed)
        return -1;
    for (; x->nids < p->nfunctions; x->nids++) {
        if (p2p_u64map_put(&x->ids, id_key(&p->functions[x->nids]), x->nids) < 0) {
            x->ids_failed = true;
            return -1;
        }
    }
    return 0;
}

p2p_fid p2p_profile_find_int(const p2p_profile *p, int64_t id)
{
    if (p->index->nids < p->nfunctions && index_ids(p) < 0)
        return P2P_NONE;
    return p2p_u64map_get(&p->index->ids, (uint64_t)id);
}

p2p_fid p2p_profile_find_str(const p2p_profile *p, const char *id)
{
    if (p->index->nids < p->nfunctions && index_ids(p) < 0)
        return P2P_NONE;
    return p2p_u64map_get(&p->index->ids, id_key_str(id));
}

static p2p_fid add_function(p2p_profile *p, uint64_t key, const char *name)
{
    if (p->nfunctions == p->capfunctions) {
        if (p->capfunctions >= UINT32_MAX / 2)
            return P2P_NONE;
        uint32_t cap = p->capfunctions ? p->capfunctions * 2 : 64;
        p2p_function *f = p2p_vm_realloc(p->functions, (size_t)p->capfunctions * sizeof *f, (size_t)cap * sizeof *f);
        if (!f)
            return P2P_NONE;
        p->functions = f;
        p->capfunctions = cap;
    }
    p2p_fid fid = p->nfunctions;
    p2p_profile_index *x = p->index;
    if (x->ids_failed)
        return P2P_NONE;
    if (x->ids_live) {
        if (x->nids < fid && index_ids(p) < 0)
            return P2P_NONE;
        if (p2p_u64map_put(&x->ids, key, fid) < 0)
            return P2P_NONE;
        x->nids = fid + 1;
    }
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

static uint64_t call_hash(p2p_fid caller, p2p_fid callee)
{
    return p2p_hash_u64(call_key(caller, callee)) & 0xffffffffu;
}

/* Room in the call table for `n` calls.  0, or -1 when out of memory. */
static int call_table_room(p2p_profile *p, size_t n)
{
    p2p_profile_index *x = p->index;
    if (n * 4 <= x->ncallslots * 3)
        return 0;
    size_t ns = x->ncallslots ? x->ncallslots * 2 : 256;
    while (n * 4 > ns * 3)
        ns *= 2;
    uint64_t *t = p2p_hashslots_rehash(x->calls, x->ncallslots, ns);
    if (!t)
        return -1;
    p2p_vm_free(x->calls, x->ncallslots * sizeof *x->calls);
    x->calls = t;
    x->ncallslots = ns;
    return 0;
}

/* Put call c (the next one not indexed) in the call table, which has room. */
static void index_call(p2p_profile *p, uint32_t c)
{
    p2p_profile_index *x = p->index;
    uint64_t h = call_hash(p->calls[c].caller, p->calls[c].callee);
    size_t j = (size_t)h & (x->ncallslots - 1);
    while (x->calls[j])
        j = (j + 1) & (x->ncallslots - 1);
    x->calls[j] = h << 32 | (c + 1);
    x->calls_indexed = c + 1;
}

/* Index the calls p2p_profile_add_call appended.  0, or -1 when out of
 * memory (the table then holds what it held). */
static int index_added_calls(p2p_profile *p)
{
    p2p_profile_index *x = p->index;
    if (x->calls_indexed == p->ncalls)
        return 0;
    if (call_table_room(p, p->ncalls) < 0)
        return -1;
    while (x->calls_indexed < p->ncalls)
        index_call(p, x->calls_indexed);
    return 0;
}

uint32_t p2p_profile_find_call(const p2p_profile *p, p2p_fid caller, p2p_fid callee)
{
    /* the index is the profile's cache: catching it up changes no answer */
    const p2p_profile_index *x = p->index;
    if (index_added_calls((p2p_profile *)p) < 0) {
        /* out of memory: the calls not in the table are searched one by one */
        for (uint32_t c = x->calls_indexed; c < p->ncalls; c++)
            if (p->calls[c].caller == caller && p->calls[c].callee == callee)
                return c;
    }
    if (!x->ncallslots)
        return P2P_NONE;
    size_t mask = x->ncallslots - 1;
    uint64_t h = call_hash(caller, callee);
    for (size_t j = (size_t)h & mask;; j = (j + 1) & mask) {
        uint64_t v = x->calls[j];
        if (!v)
            return P2P_NONE;
        if (v >> 32 == h) {
            const p2p_call *k = &p->calls[(uint32_t)v - 1];
            if (k->caller == caller && k->callee == callee)
                return (uint32_t)v - 1;
        }
    }
}

/* Append the call caller->callee with no events; `index`: put it in the
 * call table too (which then must hold every earlier call). */
static uint32_t append_call(p2p_profile *p, p2p_fid caller, p2p_fid callee, bool index)
{
    if (p->ncalls == p->capcalls) {
        if (p->capcalls >= UINT32_MAX / 2)
            return P2P_NONE;
        uint32_t cap = p->capcalls ? p->capcalls * 2 : 128;
        p2p_call *n = p2p_vm_realloc(p->calls, (size_t)p->capcalls * sizeof *n, (size_t)cap * sizeof *n);
        if (!n)
            return P2P_NONE;
        p->calls = n;
        p->capcalls = cap;
    }
    if (index && call_table_room(p, (size_t)p->ncalls + 1) < 0)
        return P2P_NONE;
    uint32_t c = p->ncalls;
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
    if (index)
        index_call(p, c);
    return c;
}

uint32_t p2p_profile_get_call(p2p_profile *p, p2p_fid caller, p2p_fid callee, bool *created)
{
    uint32_t c = p2p_profile_find_call(p, caller, callee);
    if (created)
        *created = c == P2P_NONE;
    if (c != P2P_NONE)
        return c;
    if (p->index->calls_indexed != p->ncalls)
        return P2P_NONE; /* out of memory catching the table up */
    return append_call(p, caller, callee, true);
}

uint32_t p2p_profile_add_call(p2p_profile *p, p2p_fid caller, p2p_fid callee)
{
    return append_call(p, caller, callee, false);
}

const uint32_t *p2p_profile_out_calls(p2p_profile *p, const uint32_t **start)
{
    p2p_profile_index *x = p->index;
    if (x->adj_start && x->adj_nfunctions == p->nfunctions && x->adj_ncalls == p->ncalls) {
        *start = x->adj_start;
        return x->adj_call;
    }
    p2p_profile_drop_out_calls(p);
    uint32_t nf = p->nfunctions, nc = p->ncalls;
    /* malloc, not p2p_vm_*: these are small beside the call array, and
     * rounding each up to whole huge pages would cost more than they hold */
    uint32_t *st = calloc((size_t)nf + 1, sizeof *st);
    uint32_t *cl = malloc(((size_t)nc + 1) * sizeof *cl);
    if (!st || !cl) {
        free(st);
        free(cl);
        return NULL;
    }
    /* a function's list holds its calls in index order (they are only ever
     * appended): a counting sort of the calls by caller gives the lists */
    const p2p_call *k = p->calls;
    for (uint32_t c = 0; c < nc; c++)
        st[k[c].caller]++;
    uint32_t sum = 0;
    for (uint32_t f = 0; f < nf; f++) {
        uint32_t n = st[f];
        st[f] = sum;
        sum += n;
    }
    st[nf] = sum;
    /* st[f] is f's next free slot while filling, then the start of f + 1 */
    for (uint32_t c = 0; c < nc; c++)
        cl[st[k[c].caller]++] = c;
    for (uint32_t f = nf; f > 0; f--)
        st[f] = st[f - 1];
    st[0] = 0;
    x->adj_start = st;
    x->adj_call = cl;
    x->adj_nfunctions = nf;
    x->adj_ncalls = nc;
    *start = st;
    return cl;
}

int p2p_profile_live_callees(p2p_profile *p, uint32_t *live)
{
    const uint32_t *start;
    if (!p2p_profile_out_calls(p, &start))
        return P2P_ENOMEM;
    uint32_t nf = p->nfunctions, nc = p->ncalls;
    uint32_t *next = malloc(((size_t)nf + 1) * sizeof *next);
    uint8_t *dead = malloc((size_t)nf + 1);
    if (!next || !dead) {
        free(next);
        free(dead);
        return P2P_ENOMEM;
    }
    for (uint32_t f = 0; f < nf; f++) {
        next[f] = start[f];
        dead[f] = p->functions[f].removed;
    }
    /* the calls in the order of their array (a read straight through it),
     * each written to its place in its caller's run */
    const p2p_call *k = p->calls;
    for (uint32_t c = 0; c < nc; c++)
        live[next[k[c].caller]++] = k[c].removed || dead[k[c].callee] ? P2P_NONE : k[c].callee;
    free(next);
    free(dead);
    return 0;
}

void p2p_profile_trim(p2p_profile *p)
{
    p2p_profile_index *x = p->index;
    p2p_profile_drop_out_calls(p);
    /* index_added_calls() puts every call back when a lookup needs them */
    p2p_vm_free(x->calls, x->ncallslots * sizeof *x->calls);
    x->calls = NULL;
    x->ncallslots = 0;
    x->calls_indexed = 0;
    /* index_ids() puts every function back when a lookup needs them; a
     * table that failed stays failed */
    if (!x->ids_failed) {
        p2p_u64map_free(&x->ids);
        x->nids = 0;
        x->ids_live = false;
    }
}

void p2p_profile_drop_out_calls(p2p_profile *p)
{
    p2p_profile_index *x = p->index;
    free(x->adj_start);
    free(x->adj_call);
    x->adj_start = x->adj_call = NULL;
}

/* Element i of a side array *arr of *n elements of `elem` bytes, grown
 * (zero-filled) to at least `cap` elements when i is beyond it; NULL when
 * out of memory. */
static void *side_array_at(void **arr, uint32_t *n, uint32_t cap, uint32_t i, size_t elem)
{
    if (i >= *n) {
        uint32_t m = cap > i ? cap : i + 1;
        /* big arrays (util.h): fresh pages come zero, on huge pages */
        void *s = p2p_vm_grow_zero(*arr, (size_t)*n * elem, (size_t)m * elem);
        if (!s)
            return NULL;
        *arr = s;
        *n = m;
    }
    return (unsigned char *)*arr + (size_t)i * elem;
}

p2p_call_stat *p2p_profile_call_stat(p2p_profile *p, uint32_t c)
{
    void *arr = p->call_stats;
    p2p_call_stat *s = side_array_at(&arr, &p->ncall_stats, p->capcalls, c, sizeof *s);
    p->call_stats = arr;
    return s;
}

p2p_fn_stat *p2p_profile_fn_stat(p2p_profile *p, p2p_fid f)
{
    void *arr = p->fn_stats;
    p2p_fn_stat *s = side_array_at(&arr, &p->nfn_stats, p->capfunctions, f, sizeof *s);
    p->fn_stats = arr;
    return s;
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
    }
    /* the calls of live functions, in the order of the array (the callers'
     * lists jump all over it; the values are the same, only the order of
     * any out-of-range warnings differs: functions first, then calls) */
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        if (p2p_ev_has(&k->ev, in) && !p->functions[k->caller].removed)
            p2p_ev_set(&k->ev, out, p2p_ratio(p, k->ev.v[in], total));
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
