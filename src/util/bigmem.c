/* Big zero-filled arrays on transparent huge pages (bigmem.h). */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG_PAGE ((size_t)2 << 20)
/* From this size on an array gets huge pages (and so 2 MB of memory at
 * least): an array that doubles its way up to megabytes would otherwise
 * fault in its smaller copies 4 kB at a time (~2 MB of them). */
#define BIG_MIN ((size_t)512 << 10)

#if !defined(P2P_ARENA_MALLOC) && defined(MADV_HUGEPAGE)
#define BIG_MAPPED 1
static size_t big_round(size_t bytes)
{
    return (bytes + BIG_PAGE - 1) & ~(BIG_PAGE - 1);
}
#endif

void *p2p_big_alloc(size_t bytes)
{
#ifdef BIG_MAPPED
    if (bytes >= BIG_MIN) {
        if (bytes > SIZE_MAX / 2)
            return NULL;
        size_t size = big_round(bytes), len = size + BIG_PAGE;
        unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        /* the kernel only uses huge pages for whole, aligned 2 MB ranges */
        unsigned char *a = (unsigned char *)(((uintptr_t)m + BIG_PAGE - 1) & ~(uintptr_t)(BIG_PAGE - 1));
        size_t head = (size_t)(a - m);
        if (head)
            munmap(m, head);
        if (len - head > size)
            munmap(a + size, len - head - size);
        (void)madvise(a, size, MADV_HUGEPAGE);
        return a;
    }
#endif
    return calloc(1, bytes ? bytes : 1);
}

void p2p_big_free(void *p, size_t bytes)
{
    if (!p)
        return;
#ifdef BIG_MAPPED
    if (bytes >= BIG_MIN) {
        munmap(p, big_round(bytes));
        return;
    }
#endif
    (void)bytes;
    free(p);
}

void *p2p_big_grow(void *old, size_t oldcap, size_t keep, size_t cap, size_t size)
{
    if (!size || cap > SIZE_MAX / size)
        return NULL;
    void *n = p2p_big_alloc(cap * size);
    if (!n)
        return NULL;
    if (keep)
        memcpy(n, old, keep * size);
    p2p_big_free(old, oldcap * size);
    return n;
}
