/* prof2png internal utilities: arena, string interning, growable buffer,
 * integer hash map.  Not part of the public API. */
#ifndef P2P_UTIL_H
#define P2P_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- arena: bump allocator freed all at once ------------------------- */
typedef struct p2p_arena p2p_arena;

/* NULL when out of memory. */
p2p_arena *p2p_arena_new(void);
void p2p_arena_free(p2p_arena *a);
/* `size` bytes aligned to 16, NULL when out of memory.  With the build option
 * P2P_ARENA_MALLOC each allocation is a separate malloc (for sanitizers). */
void *p2p_arena_alloc(p2p_arena *a, size_t size);
char *p2p_arena_strndup(p2p_arena *a, const char *s, size_t n);
char *p2p_arena_vprintf(p2p_arena *a, const char *fmt, va_list ap);

/* Big arrays: p (NULL, or from p2p_vm_realloc with size `old`) grown or
 * shrunk to `size` bytes, contents kept, new bytes unspecified; NULL when
 * out of memory (p is then untouched).  Large ones are mapped (asking for
 * huge pages) in a longer range of addresses they grow in without a copy
 * (arena.c), and their new bytes are then zero.  Free with
 * p2p_vm_free(p, the last size). */
void *p2p_vm_realloc(void *p, size_t old, size_t size);
void p2p_vm_free(void *p, size_t size);
/* A zeroed big array of `size` bytes (free with p2p_vm_free), or NULL. */
void *p2p_vm_zalloc(size_t size);
/* p2p_vm_realloc, with the new bytes (beyond `old`) zero. */
void *p2p_vm_grow_zero(void *p, size_t old, size_t size);
/* Room for element n in the big array *arrp of *cap elements of `elem`
 * bytes: its capacity doubled (from 64) when n reaches it.  false when out
 * of memory (*arrp is then untouched).  Free with
 * p2p_vm_free(*arrp, *cap * elem). */
bool p2p_vm_grow(void *arrp, size_t *cap, size_t n, size_t elem);

/* ---- growable byte buffer -------------------------------------------- */
typedef struct p2p_buf {
    char *data;
    size_t len, cap;
    bool oom; /* sticky: an append failed */
} p2p_buf;

void p2p_buf_init(p2p_buf *b);
void p2p_buf_free(p2p_buf *b);
void p2p_buf_append(p2p_buf *b, const void *s, size_t n);
void p2p_buf_puts(p2p_buf *b, const char *s);
void p2p_buf_putc(p2p_buf *b, char c);
void p2p_buf_printf(p2p_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminate (not counted in len) and hand the data over; the buffer is
 * reset.  NULL when any append failed. */
char *p2p_buf_take(p2p_buf *b, size_t *len);

/* ---- string interning ------------------------------------------------ */
typedef struct p2p_intern p2p_intern;

p2p_intern *p2p_intern_new(p2p_arena *strings);
void p2p_intern_free(p2p_intern *t);
/* The unique NUL-terminated copy of s[0..n), NULL when out of memory. */
const char *p2p_intern_get(p2p_intern *t, const char *s, size_t n);
/* The same by entry: the index of the entry for s[0..n) (entries are
 * numbered from 0 in the order they are made), UINT32_MAX when out of
 * memory; its string and length; and a value the caller may keep with it
 * (UINT32_MAX in a new entry). */
uint32_t p2p_intern_index(p2p_intern *t, const char *s, size_t n);
const char *p2p_intern_str(const p2p_intern *t, uint32_t i);
size_t p2p_intern_len(const p2p_intern *t, uint32_t i);
uint32_t *p2p_intern_val(p2p_intern *t, uint32_t i);

/* ---- uint64 -> uint32 hash map ---------------------------------------- */
typedef struct p2p_u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, len; /* cap is 0 or a power of two */
} p2p_u64map;

void p2p_u64map_init(p2p_u64map *m);
void p2p_u64map_free(p2p_u64map *m);
/* The value for key, or UINT32_MAX. */
uint32_t p2p_u64map_get(const p2p_u64map *m, uint64_t key);
/* Insert or replace.  0, or -1 when out of memory. */
int p2p_u64map_put(p2p_u64map *m, uint64_t key, uint32_t val);

/* ---- open-addressing tables of (32-bit hash << 32 | index + 1) -------- */
/* A table of `ns` slots (a power of two, larger than the entries of the
 * `nold` slots at `old`, which may be NULL) holding the same entries, each
 * placed by linear probing from its hash's low bits; 0 marks an empty slot.
 * Free it (and the old one) with p2p_vm_free.  NULL when out of memory (old
 * is then untouched). */
uint64_t *p2p_hashslots_rehash(const uint64_t *old, size_t nold, size_t ns);

uint64_t p2p_hash_bytes(const void *s, size_t n);
/* A faster hash of longer strings (names), not the same as p2p_hash_bytes. */
uint64_t p2p_hash_name(const void *s, size_t n);
static inline uint64_t p2p_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ---- Unicode classes of Python 3.11 (code points) ----------------------- */
/* c.isalnum() or c == '_' (regex \\w) */
int p2p_uc_is_word(uint32_t c);
/* c.isdecimal() (regex \\d) */
int p2p_uc_is_decimal(uint32_t c);
/* c.isspace() */
int p2p_uc_is_space(uint32_t c);

/* ---- links ------------------------------------------------------------- */
/* Is the link s[0..n) (a --href template, or a URL as written in markup)
 * one that only leads to an http:, https: or file: URL?  Its text before
 * the first ':', '/', '?' or '#' must hold no '&' (a character reference
 * could hide a ':'), no space and no control character (URL parsers drop
 * them); when that first character is ':', the text before it is the
 * scheme and must be http, https or file (any case).  Anything else (no
 * ':' first) is a relative URL, resolved against the page's own.  A
 * template's placeholders never expand to ':' (they are percent-encoded),
 * so a template that passes gives links that pass (src/util/url.c). */
bool p2p_url_safe(const char *s, size_t n);

#endif
