/* String interning (open addressing, linear probing) and a uint64 map. */
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
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

typedef struct slot {
    const char *s;
    uint32_t len;
    uint32_t hash32;
} slot;

struct p2p_intern {
    p2p_arena *strings;
    slot *slots;
    size_t cap, len;
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
    p2p_big_free(t->slots, t->cap * sizeof *t->slots);
    free(t);
}

static int grow(p2p_intern *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    slot *s = p2p_big_alloc(cap * sizeof *s); /* huge pages when big (bigmem.h) */
    if (!s)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].s)
            continue;
        size_t j = t->slots[i].hash32 & (cap - 1);
        while (s[j].s)
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    p2p_big_free(t->slots, t->cap * sizeof *t->slots);
    t->slots = s;
    t->cap = cap;
    return 0;
}

const char *p2p_intern_get(p2p_intern *t, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        return NULL;
    if ((t->len + 1) * 4 > t->cap * 3 && grow(t) < 0)
        return NULL;
    uint32_t h = (uint32_t)p2p_hash_bytes(s, n);
    size_t j = h & (t->cap - 1);
    while (t->slots[j].s) {
        slot *e = &t->slots[j];
        if (e->hash32 == h && e->len == n && memcmp(e->s, s, n) == 0)
            return e->s;
        j = (j + 1) & (t->cap - 1);
    }
    char *copy = p2p_arena_strndup(t->strings, s, n);
    if (!copy)
        return NULL;
    t->slots[j].s = copy;
    t->slots[j].len = (uint32_t)n;
    t->slots[j].hash32 = h;
    t->len++;
    return copy;
}

void p2p_u64map_init(p2p_u64map *m)
{
    memset(m, 0, sizeof *m);
}

void p2p_u64map_free(p2p_u64map *m)
{
    p2p_big_free(m->keys, m->cap * sizeof *m->keys);
    p2p_big_free(m->vals, m->cap * sizeof *m->vals);
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
    /* huge pages when big (bigmem.h) */
    uint64_t *keys = p2p_big_alloc(cap * sizeof *keys);
    uint32_t *vals = p2p_big_alloc(cap * sizeof *vals);
    if (!keys || !vals) {
        p2p_big_free(keys, cap * sizeof *keys);
        p2p_big_free(vals, cap * sizeof *vals);
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
    p2p_big_free(m->keys, m->cap * sizeof *m->keys);
    p2p_big_free(m->vals, m->cap * sizeof *m->vals);
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
