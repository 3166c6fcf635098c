/* Bump allocator: big blocks, freed all at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define BLOCK_SIZE (64 * 1024)

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} block;

struct p2p_arena {
    block *head;
};

p2p_arena *p2p_arena_new(void)
{
    return calloc(1, sizeof(p2p_arena));
}

void p2p_arena_free(p2p_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

#ifndef P2P_ARENA_MALLOC
/* `size` bytes at the next multiple of `align` (a power of two, at most
 * 16) in the head block, or in a new block. */
static void *bump(p2p_arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - sizeof(block) - 16)
        return NULL; /* rounding up would wrap to a tiny block */
    if (size == 0)
        size = 1;
    block *b = a->head;
    size_t off = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || off > b->size || b->size - off < size) {
        /* large objects get a block of their own, kept behind the head so the
         * head's free space is not wasted */
        size_t bs = size > BLOCK_SIZE / 4 ? size : BLOCK_SIZE;
        block *nb = malloc(sizeof(block) + bs);
        if (!nb)
            return NULL;
        nb->size = bs;
        nb->used = 0;
        if (bs != BLOCK_SIZE && b) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
        off = 0;
    }
    void *p = b->data + off;
    b->used = off + size;
    return p;
}
#endif

void *p2p_arena_alloc(p2p_arena *a, size_t size)
{
#ifdef P2P_ARENA_MALLOC
    /* each object its own block of exactly its size, so that sanitizers
     * see an overrun by even one byte */
    if (size > SIZE_MAX - sizeof(block) - 16)
        return NULL;
    block *nb = malloc(sizeof(block) + (size ? size : 1));
    if (!nb)
        return NULL;
    nb->size = nb->used = size;
    nb->next = a->head;
    a->head = nb;
    return nb->data;
#else
    return bump(a, size, 16);
#endif
}

char *p2p_arena_strndup(p2p_arena *a, const char *s, size_t n)
{
    /* strings need no alignment: packing them saves 8 bytes a name on
     * average (profiles with 100,000s of names) */
#ifdef P2P_ARENA_MALLOC
    char *p = p2p_arena_alloc(a, n + 1);
#else
    char *p = n < SIZE_MAX ? bump(a, n + 1, 1) : NULL;
#endif
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *p2p_arena_vprintf(p2p_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = p2p_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}
