/* String interning (open addressing, linear probing) and a uint64 map. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

uint64_t p2p_hash_bytes(const void *s, size_t n)
{
    /* FNV-1a over 8-byte words, then a final mix: fast and good enough for
     * names, which are short. */
    const unsigned char *p = s;
    uint64_t h = 0xcbf29ce484222325ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    while (n--) {
        h = (h ^ *p++) * 0x100000001b3ULL;
    }
    return p2p_hash_u64(h);
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t p2p_hash_name(const void *str, size_t n)
{
#ifdef __SIZEOF_INT128__
    /* 16 bytes per 64x64->128-bit multiply: names average 100-200 bytes in
     * big C++ or Python profiles */
    const unsigned char *s = str;
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL;
    uint64_t h = k2 ^ (uint64_t)n;
    __uint128_t m;
    while (n > 16) {
        m = (__uint128_t)(load64(s) ^ k0) * (load64(s + 8) ^ h ^ k1);
        h = (uint64_t)m ^ (uint64_t)(m >> 64);
        s += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = load64(s);
        b = load64(s + n - 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        a = x;
        b = y;
    } else if (n > 0) {
        a = (uint64_t)s[0] << 16 | (uint64_t)s[n / 2] << 8 | s[n - 1];
    }
    m = (__uint128_t)(a ^ k1 ^ h) * (b ^ k0);
    h = (uint64_t)m ^ (uint64_t)(m >> 64);
    m = (__uint128_t)(h ^ k2) * (h ^ k0 ^ (uint64_t)n);
    return (uint64_t)m ^ (uint64_t)(m >> 64);
#else
    return p2p_hash_bytes(str, n);
#endif
}

/* Entries in the order they were made; the table holds (32-bit hash << 32
 * | entry index + 1), 0 = empty, and is indexed by the hash's low bits. */
typedef struct ient {
    const char *s;
    uint32_t len;
    uint32_t val;  /* the caller's, UINT32_MAX at first */
} ient;

struct p2p_intern {
    p2p_arena *strings;
    uint64_t *slots;
    size_t nslots;   /* 0 or a power of two */
    ient *e;
    uint32_t n, cap;
};

p2p_intern *p2p_intern_new(p2p_arena *strings)
{
    p2p_intern *t = calloc(1, sizeof *t);
    if (t)
        t->strings = strings;
    return t;
}

void p2p_intern_free(p2p_intern *t)
{
    if (!t)
        return;
    p2p_vm_free(t->slots, t->nslots * sizeof *t->slots);
    p2p_vm_free(t->e, (size_t)t->cap * sizeof *t->e);
    free(t);
}

uint64_t *p2p_hashslots_rehash(const uint64_t *old, size_t nold, size_t ns)
{
    uint64_t *sl = p2p_vm_zalloc(ns * sizeof *sl);
    if (!sl)
        return NULL;
    for (size_t i = 0; i < nold; i++) {
        uint64_t k = old[i];
        if (!k)
            continue;
        size_t j = (size_t)(k >> 32) & (ns - 1);
        while (sl[j])
            j = (j + 1) & (ns - 1);
        sl[j] = k;
    }
    return sl;
}

static int grow(p2p_intern *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 1024;
    uint64_t *sl = p2p_hashslots_rehash(t->slots, t->nslots, ns);
    if (!sl)
        return -1;
    p2p_vm_free(t->slots, t->nslots * sizeof *t->slots);
    t->slots = sl;
    t->nslots = ns;
    return 0;
}

uint32_t p2p_intern_index(p2p_intern *t, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        return UINT32_MAX;
    uint64_t hv = p2p_hash_name(s, n);
    uint64_t h = (hv ^ (hv >> 32)) & 0xffffffffu;
    if (t->nslots) {
        size_t j = (size_t)h & (t->nslots - 1);
        uint64_t k;
        while ((k = t->slots[j]) != 0) {
            if (k >> 32 == h) {
                const ient *e = &t->e[(uint32_t)k - 1];
                if (e->len == n && memcmp(e->s, s, n) == 0)
                    return (uint32_t)k - 1;
            }
            j = (j + 1) & (t->nslots - 1);
        }
    }
    /* new entry */
    if (t->n >= UINT32_MAX / 2)
        return UINT32_MAX;
    if ((size_t)(t->n + 1) * 4 > t->nslots * 3 && grow(t) < 0)
        return UINT32_MAX;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 256;
        ient *ne = p2p_vm_realloc(t->e, (size_t)t->cap * sizeof *ne, (size_t)cap * sizeof *ne);
        if (!ne)
            return UINT32_MAX;
        t->e = ne;
        t->cap = cap;
    }
    char *copy = p2p_arena_strndup(t->strings, s, n);
    if (!copy)
        return UINT32_MAX;
    ient *e = &t->e[t->n];
    e->s = copy;
    e->len = (uint32_t)n;
    e->val = UINT32_MAX;
    size_t j = (size_t)h & (t->nslots - 1);
    while (t->slots[j])
        j = (j + 1) & (t->nslots - 1);
    t->slots[j] = h << 32 | ++t->n;
    return t->n - 1;
}

const char *p2p_intern_str(const p2p_intern *t, uint32_t i)
{
    return t->e[i].s;
}

size_t p2p_intern_len(const p2p_intern *t, uint32_t i)
{
    return t->e[i].len;
}

uint32_t *p2p_intern_val(p2p_intern *t, uint32_t i)
{
    return &t->e[i].val;
}

const char *p2p_intern_get(p2p_intern *t, const char *s, size_t n)
{
    uint32_t i = p2p_intern_index(t, s, n);
    return i == UINT32_MAX ? NULL : t->e[i].s;
}

void p2p_u64map_init(p2p_u64map *m)
{
    memset(m, 0, sizeof *m);
}

void p2p_u64map_free(p2p_u64map *m)
{
    p2p_vm_free(m->keys, m->cap * sizeof *m->keys);
    p2p_vm_free(m->vals, m->cap * sizeof *m->vals);
    p2p_u64map_init(m);
}

/* Keys are stored as key+1 so that 0 marks an empty slot; UINT64_MAX is
 * therefore not a valid key (ids never reach it). */
uint32_t p2p_u64map_get(const p2p_u64map *m, uint64_t key)
{
    if (!m->cap)
        return UINT32_MAX;
    uint64_t k = key + 1;
    size_t j = p2p_hash_u64(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (m->keys[j] == k)
            return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return UINT32_MAX;
}

static int u64_grow(p2p_u64map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    uint64_t *keys = p2p_vm_zalloc(cap * sizeof *keys);
    uint32_t *vals = p2p_vm_realloc(NULL, 0, cap * sizeof *vals);
    if (!keys || !vals) {
        p2p_vm_free(keys, cap * sizeof *keys);
        p2p_vm_free(vals, cap * sizeof *vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = p2p_hash_u64(m->keys[i] - 1) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    p2p_vm_free(m->keys, m->cap * sizeof *m->keys);
    p2p_vm_free(m->vals, m->cap * sizeof *m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int p2p_u64map_put(p2p_u64map *m, uint64_t key, uint32_t val)
{
    if ((m->len + 1) * 4 > m->cap * 3 && u64_grow(m) < 0)
        return -1;
    uint64_t k = key + 1;
    size_t j = p2p_hash_u64(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (m->keys[j] == k) {
            m->vals[j] = val;
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = k;
    m->vals[j] = val;
    m->len++;
    return 0;
}
