/* Big zero-filled arrays (512 kB or more) on transparent huge pages.
 *
 * Where a page fault is dear (virtual machines: ~10 us each), an array that
 * grows to megabytes spends more time being faulted in than being used.
 * Arrays of 512 kB or more are mapped here, in whole 2 MB pages aligned on
 * 2 MB and with huge pages asked for (madvise), so that one fault brings in
 * 2 MB rather than 4 kB; smaller ones come from calloc.  Sanitizer builds
 * (P2P_ARENA_MALLOC) always use calloc, which they check.  Not part of the
 * public API. */
#ifndef P2P_UTIL_BIGMEM_H
#define P2P_UTIL_BIGMEM_H

#include <stddef.h>

/* `bytes` zero-filled bytes, aligned for any type.  NULL when out of
 * memory. */
void *p2p_big_alloc(size_t bytes);

/* Free what p2p_big_alloc(bytes) returned (the same `bytes`).  NULL is
 * accepted. */
void p2p_big_free(void *p, size_t bytes);

/* A zero-filled array of `cap` elements of `size` bytes holding a copy of
 * the first `keep` elements of `old` (an array of `oldcap` elements from
 * these functions, freed on success).  NULL when out of memory (old is
 * kept). */
void *p2p_big_grow(void *old, size_t oldcap, size_t keep, size_t cap, size_t size);

#endif
