/* Bump allocator: big blocks, freed all at once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#include <sys/resource.h>
#endif

#include "util.h"

/* Blocks start at BLOCK_SIZE and double up to BLOCK_MAX, so that a big
 * profile's strings take a few large blocks (huge pages, see
 * p2p_vm_realloc) while a small one stays small. */
#define BLOCK_SIZE (64 * 1024)
#define BLOCK_MAX (4 * 1024 * 1024)
#define HUGE_PAGE ((size_t)2 << 20)

/* Blocks of at least this size are mapped (and grown in place, see vm_map)
 * rather than malloc'd: growing one moves no bytes, freeing one returns its
 * memory at once, and it gets huge pages (so 2 MiB of memory at least: an array
 * that doubles its way up to megabytes would otherwise fault its smaller
 * copies in 4 KiB at a time). */
#define VM_MIN ((size_t)512 << 10)

/* Sanitizer builds (P2P_ARENA_MALLOC) keep big arrays on the heap too, where
 * the sanitizers check every access. */
#if defined(__linux__) && defined(MAP_NORESERVE) && !defined(P2P_ARENA_MALLOC)
#define VM_MAPPED 1
#endif

#ifdef VM_MAPPED
/* The length mapped for `size` bytes (at least VM_MIN): whole huge pages. */
static size_t vm_len(size_t size)
{
    return size <= SIZE_MAX - HUGE_PAGE ? (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) : size;
}

/* A big array owns a range of addresses much longer than what it uses, so
 * that growing it is an mprotect() in place: no copy, no second set of
 * pages to zero, and its huge pages stay (mremap could rarely grow one in
 * place, the addresses after it being taken by the mappings made before
 * it).  The range is PROT_NONE beyond the array's length and costs no
 * memory.  One page before the array holds the range's length.  Where the
 * address space is limited (RLIMIT_AS), nothing more than the length is
 * taken. */
#define VM_HDR ((size_t)4096)
#define VM_RESERVE_MIN ((size_t)1 << 30)
#define VM_RESERVE_FACTOR 64

typedef struct vm_hdr {
    size_t reserved; /* bytes from the array's start, a multiple of HUGE_PAGE */
} vm_hdr;

static vm_hdr *hdr_of(void *p)
{
    return (vm_hdr *)((unsigned char *)p - VM_HDR);
}

static bool vm_may_reserve(void)
{
    static int may = -1; /* asked once; every thread gets the same answer */
    int m = __atomic_load_n(&may, __ATOMIC_RELAXED);
    if (m < 0) {
        struct rlimit r;
        m = getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur == RLIM_INFINITY;
        __atomic_store_n(&may, m, __ATOMIC_RELAXED);
    }
    return m;
}

/* A fresh array of `len` bytes (a multiple of HUGE_PAGE) on a huge-page
 * boundary, where the kernel can use huge pages for it, with room to grow;
 * MAP_FAILED. */
static void *vm_map(size_t len)
{
    size_t want = len;
    if (vm_may_reserve()) {
        want = len <= VM_RESERVE_MIN / VM_RESERVE_FACTOR ? VM_RESERVE_MIN
             : len <= (SIZE_MAX >> 8) ? len * VM_RESERVE_FACTOR : len;
    }
    unsigned char *m = MAP_FAILED;
    for (;;) {
        if (want <= SIZE_MAX - VM_HDR - HUGE_PAGE)
            m = mmap(NULL, VM_HDR + want + HUGE_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m != MAP_FAILED || want == len)
            break;
        want = len; /* no room for a reservation: the array alone */
    }
    if (m == MAP_FAILED)
        return MAP_FAILED;
    size_t total = VM_HDR + want + HUGE_PAGE;
    unsigned char *a = (unsigned char *)(((uintptr_t)m + VM_HDR + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    size_t head = (size_t)(a - VM_HDR - m), tail = total - head - VM_HDR - want;
    if (head)
        munmap(m, head);
    if (tail)
        munmap(a + want, tail);
    if (mprotect(a - VM_HDR, VM_HDR + len, PROT_READ | PROT_WRITE) != 0) {
        munmap(a - VM_HDR, VM_HDR + want);
        return MAP_FAILED;
    }
#ifdef MADV_HUGEPAGE
    /* the hint on the whole range at once (part of one would split it):
     * big arrays touched all over then fault once per 2 MiB, not 4 KiB */
    (void)madvise(a, want, MADV_HUGEPAGE);
#endif
    hdr_of(a)->reserved = want;
    return a;
}

static void vm_unmap(void *p)
{
    munmap(hdr_of(p), VM_HDR + hdr_of(p)->reserved);
}

/* Array p of `old` bytes resized to `len` (both multiples of HUGE_PAGE):
 * in place within its range (a shrunk tail goes back to the system), else
 * copied into a fresh array with a longer range.  MAP_FAILED, with p
 * untouched, when out of memory. */
static void *vm_move(void *p, size_t old, size_t len)
{
    unsigned char *b = p;
    if (len < old) {
        (void)madvise(b + len, old - len, MADV_DONTNEED);
        (void)mprotect(b + len, old - len, PROT_NONE);
        return p;
    }
    if (len <= hdr_of(p)->reserved)
        return mprotect(b + old, len - old, PROT_READ | PROT_WRITE) == 0 ? p : MAP_FAILED;
    void *q = vm_map(len);
    if (q == MAP_FAILED)
        return MAP_FAILED;
    memcpy(q, p, old);
    vm_unmap(p);
    return q;
}
#endif

void *p2p_vm_realloc(void *p, size_t old, size_t size)
{
#ifdef VM_MAPPED
    if (size >= VM_MIN) {
        void *q;
        if (p && old >= VM_MIN) {
            q = vm_len(old) == vm_len(size) ? p : vm_move(p, vm_len(old), vm_len(size));
        } else {
            q = vm_map(vm_len(size));
            if (q != MAP_FAILED && p) {
                memcpy(q, p, old < size ? old : size);
                free(p);
            }
        }
        if (q == MAP_FAILED)
            return NULL;
        return q;
    }
    if (p && old >= VM_MIN) {
        /* shrinking below the threshold */
        void *q = malloc(size ? size : 1);
        if (!q)
            return NULL;
        memcpy(q, p, size);
        vm_unmap(p);
        return q;
    }
#else
    (void)old;
#endif
    return realloc(p, size ? size : 1);
}

void *p2p_vm_zalloc(size_t size)
{
#ifdef VM_MAPPED
    if (size >= VM_MIN)
        return p2p_vm_realloc(NULL, 0, size); /* fresh pages are zero */
#endif
    return calloc(1, size ? size : 1);
}

void p2p_vm_free(void *p, size_t size)
{
    if (!p)
        return;
#ifdef VM_MAPPED
    if (size >= VM_MIN) {
        vm_unmap(p);
        return;
    }
#else
    (void)size;
#endif
    free(p);
}

void *p2p_vm_grow_zero(void *p, size_t old, size_t size)
{
    void *q = p2p_vm_realloc(p, old, size);
    if (!q || size <= old)
        return q;
    size_t dirty = size; /* the new bytes [old, dirty) may not be zero */
#ifdef VM_MAPPED
    if (size >= VM_MIN) /* fresh pages are zero; the old mapping's tail was never handed out */
        dirty = old >= VM_MIN ? (vm_len(old) < size ? vm_len(old) : size) : old;
#endif
    if (dirty > old)
        memset((unsigned char *)q + old, 0, dirty - old);
    return q;
}

bool p2p_vm_grow(void *arrp, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 64;
    if (nc < *cap || nc > SIZE_MAX / elem)
        return false;
    void *p = p2p_vm_realloc(*(void **)arrp, *cap * elem, nc * elem);
    if (!p)
        return false;
    *(void **)arrp = p;
    *cap = nc;
    return true;
}

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} block;

struct p2p_arena {
    block *head;
    size_t next; /* size of the next ordinary block */
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
#ifdef P2P_ARENA_MALLOC
        free(b);
#else
        p2p_vm_free(b, sizeof(block) + b->size);
#endif
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
        size_t ordinary = a->next ? a->next : BLOCK_SIZE;
        bool own = size > ordinary / 4 - sizeof(block);
        size_t bs = own ? size : ordinary - sizeof(block);
        block *nb = p2p_vm_realloc(NULL, 0, sizeof(block) + bs);
        if (!nb)
            return NULL;
        nb->size = bs;
        nb->used = 0;
        if (!own) {
            if (ordinary < BLOCK_MAX)
                a->next = ordinary * 2;
        }
        if (own && b) {
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
