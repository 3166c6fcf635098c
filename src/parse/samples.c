/* Shared machinery of the sampled-stack formats (samples.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "samples.h"
#include "../util/utf8.h"

/* ---- characters ----------------------------------------------------- */

#define W P2P_SMP_WS
#define H P2P_SMP_HEX
const uint8_t p2p_smp_class[256] = {
    ['\t'] = W, ['\n'] = W, ['\v'] = W, ['\f'] = W, ['\r'] = W,
    [0x1c] = W, [0x1d] = W, [0x1e] = W, [0x1f] = W, [' '] = W,
    ['0'] = H, ['1'] = H, ['2'] = H, ['3'] = H, ['4'] = H, ['5'] = H, ['6'] = H, ['7'] = H, ['8'] = H,
    ['9'] = H, ['a'] = H, ['b'] = H, ['c'] = H, ['d'] = H, ['e'] = H, ['f'] = H,
    ['A'] = H, ['B'] = H, ['C'] = H, ['D'] = H, ['E'] = H, ['F'] = H,
};
#undef W
#undef H

/* 64-bit multiply-mix of two words (as in wyhash). */
static inline uint64_t mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t rd64(const p2p_uchar *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t rd32(const p2p_uchar *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* ---- text ----------------------------------------------------------- */

int p2p_smp_text_init(p2p_smp_text *t, const p2p_input *in, p2p_diag *d)
{
    memset(t, 0, sizeof *t);
    const p2p_uchar *data;
    size_t size;
    if (p2p_text_decode(in->data, in->size, &data, &size, &t->owned, NULL) < 0)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory decoding UTF-16 input");
    t->cur = data;
    t->end = data + size;
    t->cr_next = NULL;
    t->cr_upto = data;
    t->in = in;
    t->release = t->begin = t->populated = data;
    return 0;
}

/* How far ahead the carriage-return scan looks (little: the bytes it
 * reads are still in the processor's cache when their lines are read),
 * how far ahead the input is mapped in, and how far behind the line being
 * read bytes are handed back (the previous stack is compared with the
 * current one in place). */
#define CR_WINDOW ((size_t)64 << 10)
#define POPULATE_WINDOW ((size_t)1 << 20)
#define RELEASE_LAG ((size_t)1 << 20)

void p2p_smp_text_window(p2p_smp_text *t, const p2p_uchar *p, const p2p_uchar *le)
{
    const p2p_uchar *upto = (size_t)(t->end - le) > CR_WINDOW ? le + CR_WINDOW : t->end;
#ifdef MADV_POPULATE_READ
    /* map the window's pages in one call rather than fault them in (a
     * mapped input: ~1000 faults for 64 MB, dear on virtual machines);
     * only a hint, so failures (old kernels, memory that is no mapping of
     * a file) are ignored */
    if (upto > t->populated) {
        const p2p_uchar *from = t->populated > p ? t->populated : p;
        const p2p_uchar *to = (size_t)(t->end - upto) > POPULATE_WINDOW ? upto + POPULATE_WINDOW : t->end;
        uintptr_t a = (uintptr_t)from & ~(uintptr_t)4095;
        (void)madvise((void *)a, (size_t)((uintptr_t)to - a), MADV_POPULATE_READ);
        t->populated = to;
    }
#endif
    t->cr_next = memchr(p, '\r', (size_t)(upto - p));
    t->cr_upto = upto;
    if (p >= t->release) {
        if ((size_t)(p - t->begin) > RELEASE_LAG)
            p2p_input_consumed(t->in, p - RELEASE_LAG);
        t->release = (size_t)(t->end - p) > RELEASE_LAG ? p + RELEASE_LAG : t->end;
    }
}

void p2p_smp_text_free(p2p_smp_text *t)
{
    free(t->owned);
    t->owned = NULL;
}

const char *p2p_smp_excerpt(const p2p_uchar *s, size_t n, char *buf, size_t size)
{
    size_t max = size > 4 ? size - 4 : 0, k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        buf[k++] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
    if (k < n && size >= 4) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    if (size)
        buf[k < size ? k : size - 1] = '\0';
    return buf;
}

void p2p_smp_note_repairs(const p2p_smp_builder *b, const p2p_parse_opts *o)
{
    if (b->repairs)
        p2p_smp_warn(o, "line %ld: invalid UTF-8 in function names was replaced by U+FFFD (the first in "
                        "the stack that ends here)",
                     b->repair_line);
}

void p2p_smp_warn(const p2p_parse_opts *o, const char *fmt, ...)
{
    if (!o || !o->warn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->warn(o->warn_ctx, msg);
}

bool p2p_smp_number(const p2p_uchar *s, size_t n, bool allow_fraction, double *out)
{
    size_t i = 0;
    while (i < n && p2p_smp_ws(s[i]))
        i++;
    while (n > i && p2p_smp_ws(s[n - 1]))
        n--;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    double v = 0.0;
    size_t digits = 0;
    /* integer part: digits, single underscores between digits */
    while (i < n) {
        if ((unsigned)(s[i] - '0') < 10u) {
            v = v * 10.0 + (s[i] - '0');
            digits++;
            i++;
        } else if (s[i] == '_' && digits && i + 1 < n && (unsigned)(s[i + 1] - '0') < 10u) {
            i++;
        } else {
            break;
        }
    }
    if (allow_fraction && i < n && s[i] == '.') {
        i++;
        double scale = 0.1;
        while (i < n && (unsigned)(s[i] - '0') < 10u) {
            v += (s[i] - '0') * scale;
            scale *= 0.1;
            digits++;
            i++;
        }
    }
    if (!digits)
        return false;
    if (i != n || !isfinite(v))
        return false;
    *out = neg ? -v : v;
    return true;
}

/* ---- names ---------------------------------------------------------- */

/* Append s[0..n) to b with each invalid UTF-8 sequence (and NUL) replaced
 * by U+FFFD.  true when something was replaced. */
static bool put_repaired(p2p_smp_builder *sb, p2p_buf *b, const p2p_uchar *s, size_t n)
{
    if (!n)
        return false;
    /* names are nearly always ASCII without NUL: 8 bytes at a time */
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w = rd64(s + i);
        if ((w | ((w - ones) & ~w)) & high)
            break;
        i += 8;
    }
    while (i < n && s[i] - 1u < 0x7fu)
        i++;
    if (i == n) {
        p2p_buf_append(b, s, n);
        return false;
    }
    size_t k = p2p_utf8_repair(b, (const char *)s, n, true);
    if (k && !sb->repairs++ && sb->line)
        sb->repair_line = *sb->line;
    return k != 0;
}

/* A NUL-terminated copy of s[0..n), repaired, in the profile's arena: names
 * are not interned (they are compared with strcmp; ids are interned). */
static const char *copy_repaired(p2p_smp_builder *b, const p2p_uchar *s, size_t n)
{
    b->scratch2.len = 0;
    put_repaired(b, &b->scratch2, s, n);
    if (b->scratch2.oom)
        return NULL;
    char *c = p2p_profile_alloc(b->p, b->scratch2.len + 1);
    if (!c)
        return NULL;
    if (b->scratch2.len)
        memcpy(c, b->scratch2.data, b->scratch2.len);
    c[b->scratch2.len] = '\0';
    return c;
}

/* ---- the function cache --------------------------------------------- */

/* One cache line per entry: the hash, the function and, for the common
 * short frames, the key itself, so that a look-up costs one memory access.
 * Longer keys live in the keys arena. */
#define INLINE_KEY 36

struct p2p_smp_entry {
    uint64_t hash;
    const p2p_uchar *key; /* the na + nb key bytes, when over INLINE_KEY */
    uint32_t na, nb;
    uint32_t fid1;        /* the function + 1; 0: empty slot */
    p2p_uchar head[INLINE_KEY];
};

_Static_assert(sizeof(struct p2p_smp_entry) == 64, "a cache entry is one cache line");

static bool entry_is(const p2p_smp_entry *e, const p2p_uchar *ka, size_t na, const p2p_uchar *kb, size_t nb)
{
    if (e->na != na || e->nb != nb)
        return false;
    const p2p_uchar *k = na + nb <= INLINE_KEY ? e->head : e->key;
    return (!na || memcmp(k, ka, na) == 0) && (!nb || memcmp(k + na, kb, nb) == 0);
}

/* A hash of s[0..n) seeded with `seed`.  Reads only inside s: the tail is
 * covered by overlapping loads. */
static uint64_t hash_part(const p2p_uchar *s, size_t n, uint64_t seed)
{
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t h = seed ^ (n * k1);
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        h = mix(rd64(s + i) ^ k0 ^ h, rd64(s + i + 8) ^ k1);
    size_t r = n - i;
    uint64_t a = 0, b = 0;
    if (r >= 8) {
        a = rd64(s + i);
        b = rd64(s + n - 8);
    } else if (r >= 4) {
        a = rd32(s + i);
        b = rd32(s + n - 4);
    } else if (r) {
        a = (uint64_t)s[i] << 16 | (uint64_t)s[i + r / 2] << 8 | s[n - 1];
    }
    return mix(a ^ k0 ^ h, b ^ k1 ^ r);
}

static uint64_t key_hash(const p2p_uchar *a, size_t na, const p2p_uchar *kb, size_t nb)
{
    uint64_t h = hash_part(a, na, 0x2d358dccaa6c78a5ULL);
    return hash_part(kb, nb, h);
}

/* A cached stack: its functions root first, the calls between them
 * (calls[r] from fids[r] to fids[r + 1]), its distinct functions, then its
 * text. */
struct p2p_smp_stack {
    uint64_t hash;
    p2p_smp_stack *pnext; /* the next in b->pend */
    double pending;       /* replayed weight not yet added */
    uint32_t queued;      /* in b->pend */
    uint32_t len, lines, n, nd;
    uint32_t nv;          /* the numbers after the text */
    /* the text first (its start shares the header's cache line: a look-up
     * reads both), padded to 4 bytes, then the numbers: fids[n],
     * calls[n - 1], distinct[nd]; a memo's (n 0) are its nv numbers */
    p2p_uchar text[];
};

static inline uint32_t *stack_v(const p2p_smp_stack *st)
{
    return (uint32_t *)(uintptr_t)(st->text + (((size_t)st->len + 3) & ~(size_t)3));
}

struct p2p_smp_stkslot {
    uint64_t hash;
    const p2p_smp_stack *st; /* NULL: empty */
};

static void stack_mem_free(p2p_smp_builder *b);

int p2p_smp_init(p2p_smp_builder *b, p2p_smp_resolve_fn resolve, void *ctx, size_t size_hint, p2p_diag *d)
{
    memset(b, 0, sizeof *b);
    /* a first guess at the number of distinct frames, from the input size,
     * spares some rehashing of the cache; capped low, because the table's
     * pages are all touched whatever it holds, and memory must follow the
     * distinct frames, not the size of the input (a 100 MB input of a few
     * thousand frames made a 32 MB table) */
    b->cap0 = 1024;
    while (b->cap0 < size_hint / 256 && b->cap0 < ((size_t)1 << 14))
        b->cap0 *= 2;
    b->resolve = resolve;
    b->ctx = ctx;
    b->p = p2p_profile_new(P2P_ID_STRING);
    b->keys = p2p_arena_new();
    b->frontraw = calloc(P2P_SMP_FRONT + 1, sizeof(p2p_smp_entry));
    if (b->frontraw)
        b->front = (p2p_smp_entry *)(((uintptr_t)b->frontraw + 63) & ~(uintptr_t)63);
    if (!b->p || !b->keys || !b->front) {
        p2p_smp_free(b);
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    }
    p2p_buf_init(&b->scratch);
    p2p_buf_init(&b->scratch2);
    p2p_ev_set(&b->p->ev, P2P_SAMPLES, 0.0);
    return 0;
}

void p2p_smp_free(p2p_smp_builder *b)
{
    p2p_profile_free(b->p);
    b->p = NULL;
    p2p_arena_free(b->keys);
    b->keys = NULL;
    p2p_vm_free(b->tabraw, b->cap ? (b->cap + 1) * sizeof(p2p_smp_entry) : 0);
    free(b->frontraw);
    b->front = NULL;
    b->frontraw = NULL;
    free(b->cur);
    free(b->prev);
    free(b->prevfids);
    free(b->fids);
    free(b->prevcalls);
    free(b->callv);
    p2p_vm_free(b->fs, b->capfs * sizeof *b->fs);
    p2p_vm_free(b->s2, b->caps2 * sizeof *b->s2);
    p2p_vm_free(b->stk, b->stkcap * sizeof *b->stk);
    b->stk = NULL;
    stack_mem_free(b);
    p2p_buf_free(&b->scratch);
    p2p_buf_free(&b->scratch2);
    b->tab = NULL;
    b->cur = b->prev = NULL;
    b->prevfids = b->fids = NULL;
    b->prevcalls = b->callv = NULL;
    b->fs = NULL;
    b->s2 = NULL;
}

/* The front table's slot of a hash: other bits than the main table's. */
static inline size_t front_slot(uint64_t h)
{
    return (size_t)(h >> 40) & (P2P_SMP_FRONT - 1);
}

p2p_fid p2p_smp_find(p2p_smp_builder *b, const p2p_uchar *ka, size_t na, const p2p_uchar *kb, size_t nb)
{
    if (!b->cap)
        return P2P_NONE;
    uint64_t h = key_hash(ka, na, kb, nb);
    /* frames come back soon (a hot loop is sampled again and again): a
     * small direct-mapped table that stays in the processor's cache answers
     * most look-ups */
    p2p_smp_entry *fe = &b->front[front_slot(h)];
    if (fe->fid1 && fe->hash == h && entry_is(fe, ka, na, kb, nb))
        return fe->fid1 - 1;
    size_t mask = b->cap - 1;
    for (size_t j = (size_t)h & mask;; j = (j + 1) & mask) {
        const p2p_smp_entry *e = &b->tab[j];
        if (!e->fid1)
            return P2P_NONE;
        if (e->hash == h && entry_is(e, ka, na, kb, nb)) {
            *fe = *e;
            return e->fid1 - 1;
        }
    }
}

static int cache_grow(p2p_smp_builder *b)
{
    size_t cap = b->cap ? b->cap * 2 : b->cap0;
    /* one spare entry to align the table on cache lines */
    void *raw = p2p_vm_zalloc((cap + 1) * sizeof(p2p_smp_entry));
    if (!raw)
        return -1;
    p2p_smp_entry *t = (p2p_smp_entry *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    for (size_t i = 0; i < b->cap; i++) {
        if (!b->tab[i].fid1)
            continue;
        size_t j = (size_t)b->tab[i].hash & (cap - 1);
        while (t[j].fid1)
            j = (j + 1) & (cap - 1);
        t[j] = b->tab[i];
    }
    p2p_vm_free(b->tabraw, b->cap ? (b->cap + 1) * sizeof(p2p_smp_entry) : 0);
    b->tabraw = raw;
    b->tab = t;
    b->cap = cap;
    return 0;
}

static int cache_put(p2p_smp_builder *b, const p2p_uchar *ka, size_t na, const p2p_uchar *kb, size_t nb,
                     p2p_fid fid)
{
    if (na > UINT32_MAX || nb > UINT32_MAX || na + nb > UINT32_MAX)
        return -1;
    if ((b->len + 1) * 4 > b->cap * 3 && cache_grow(b) < 0)
        return -1;
    p2p_smp_entry e;
    memset(&e, 0, sizeof e);
    e.hash = key_hash(ka, na, kb, nb);
    e.na = (uint32_t)na;
    e.nb = (uint32_t)nb;
    e.fid1 = fid + 1;
    p2p_uchar *key = e.head;
    if (na + nb > INLINE_KEY) {
        key = p2p_arena_alloc(b->keys, na + nb);
        if (!key)
            return -1;
        e.key = key;
    }
    if (na)
        memcpy(key, ka, na);
    if (nb)
        memcpy(key + na, kb, nb);
    size_t j = (size_t)e.hash & (b->cap - 1);
    while (b->tab[j].fid1)
        j = (j + 1) & (b->cap - 1);
    b->tab[j] = e;
    b->front[front_slot(e.hash)] = e;
    b->len++;
    return 0;
}

p2p_fid p2p_smp_add(p2p_smp_builder *b, const p2p_uchar *ka, size_t na, const p2p_uchar *kb, size_t nb,
                    const p2p_smp_fn *fn)
{
    p2p_buf *s = &b->scratch;
    s->len = 0;
    bool fixed = put_repaired(b, s, fn->id_a, fn->id_na);
    if (fn->id_sep)
        p2p_buf_putc(s, fn->id_sep);
    fixed |= put_repaired(b, s, fn->id_b, fn->id_nb);
    if (s->oom)
        return P2P_NONE;
    const char *id = p2p_profile_intern(b->p, s->data ? s->data : "", s->len);
    if (!id)
        return P2P_NONE;
    /* Two raw keys can give one id only through a repair, a key that holds
     * more than the id (collapse's FUNC (FILE:LINE)), or an id whose split
     * into its parts is ambiguous; until one of these has happened a key new
     * to the cache is an id new to the profile, and the look-up is
     * skipped. */
    if (fixed || !fn->key_is_id ||
        (fn->id_sep ? memchr(fn->id_b, fn->id_sep, fn->id_nb) != NULL : memchr(fn->id_a, ':', fn->id_na) != NULL))
        b->ids_ambiguous = true;
    p2p_fid fid = b->ids_ambiguous ? p2p_profile_find_str(b->p, id) : P2P_NONE;
    if (fid == P2P_NONE) {
        const char *name = copy_repaired(b, fn->name, fn->nname);
        const char *module = NULL;
        if (!name)
            return P2P_NONE;
        if (fn->module) {
            /* modules repeat: the last one is kept at hand */
            if (!fn->transient && b->last_module && b->last_module_n == fn->nmodule &&
                (!fn->nmodule || memcmp(b->last_module_raw, fn->module, fn->nmodule) == 0)) {
                module = b->last_module;
            } else {
                b->scratch2.len = 0;
                put_repaired(b, &b->scratch2, fn->module, fn->nmodule);
                if (b->scratch2.oom)
                    return P2P_NONE;
                module = p2p_profile_intern(b->p, b->scratch2.data ? b->scratch2.data : "", b->scratch2.len);
                if (!module)
                    return P2P_NONE;
                if (!fn->transient) {
                    b->last_module = module;
                    b->last_module_raw = fn->module;
                    b->last_module_n = fn->nmodule;
                }
            }
        }
        fid = p2p_profile_add_str(b->p, id, name);
        if (fid == P2P_NONE)
            return P2P_NONE;
        p2p_function *f = &b->p->functions[fid];
        f->module = module;
        p2p_ev_set(&f->ev, P2P_SAMPLES, 0.0);
        if (!fn->no_total)
            p2p_ev_set(&f->ev, P2P_TOTAL_SAMPLES, 0.0);
    }
    if (cache_put(b, ka, na, kb, nb, fid) < 0)
        return P2P_NONE;
    return fid;
}

/* ---- stacks --------------------------------------------------------- */

/* Room for n frames in the root-first arrays. */
static int stack_room(p2p_smp_builder *b, size_t n)
{
    if (n <= b->capstack)
        return 0;
    size_t cap = b->capstack ? b->capstack : 256;
    while (cap < n)
        cap *= 2;
    p2p_smp_text_ref *pv = realloc(b->prev, cap * sizeof *pv);
    if (pv)
        b->prev = pv;
    p2p_fid *pf = realloc(b->prevfids, cap * sizeof *pf);
    if (pf)
        b->prevfids = pf;
    p2p_fid *f = realloc(b->fids, cap * sizeof *f);
    if (f)
        b->fids = f;
    uint32_t *pc = realloc(b->prevcalls, cap * sizeof *pc);
    if (pc)
        b->prevcalls = pc;
    uint32_t *c = realloc(b->callv, cap * sizeof *c);
    if (c)
        b->callv = c;
    if (!pv || !pf || !f || !pc || !c)
        return P2P_ENOMEM;
    b->capstack = cap;
    return 0;
}

static int fs_room(p2p_smp_builder *b, size_t n)
{
    if (n <= b->capfs)
        return 0;
    size_t cap = b->capfs ? b->capfs : 1024;
    while (cap < n)
        cap *= 2;
    p2p_smp_fsum *fs = cap <= SIZE_MAX / sizeof *fs ? p2p_vm_grow_zero(b->fs, b->capfs * sizeof *fs, cap * sizeof *fs) : NULL;
    if (!fs)
        return P2P_ENOMEM;
    b->fs = fs;
    b->capfs = cap;
    return 0;
}

static int s2_room(p2p_smp_builder *b, size_t n)
{
    if (n <= b->caps2)
        return 0;
    size_t cap = b->caps2 ? b->caps2 : 1024;
    while (cap < n)
        cap *= 2;
    double *s2 = cap <= SIZE_MAX / sizeof *s2 ? p2p_vm_grow_zero(b->s2, b->caps2 * sizeof *s2, cap * sizeof *s2) : NULL;
    if (!s2)
        return P2P_ENOMEM;
    b->s2 = s2;
    b->caps2 = cap;
    return 0;
}

/* Add a cached stack's sums `weight` times. */
static void stack_add(p2p_smp_builder *b, const p2p_smp_stack *st, double weight)
{
    size_t n = st->n;
    const uint32_t *v = stack_v(st), *fids = v, *calls = v + n, *d = v + 2 * n - 1;
    p2p_smp_fsum *fs = b->fs;
    fs[fids[n - 1]].self += weight;
    for (uint32_t i = 0; i < st->nd; i++)
        fs[d[i]].total += weight;
    for (size_t r = n - 1; r-- > 0;)
        b->s2[calls[r]] += weight;
}

/* Add the replays summed so far. */
static void flush_pending(p2p_smp_builder *b)
{
    for (p2p_smp_stack *st = b->pend, *next; st; st = next) {
        next = st->pnext;
        stack_add(b, st, st->pending);
        st->pending = 0.0;
        st->queued = 0;
        st->pnext = NULL;
    }
    b->pend = NULL;
}

/* true when `weight` may be summed apart and added later (see
 * p2p_smp_builder); when it may not, the replays summed so far are added
 * now and no more are summed. */
static bool defer_weight(p2p_smp_builder *b, double weight)
{
    if (b->defer_off)
        return false;
    const double lim = 4503599627370496.0; /* 2^52 */
    double a = fabs(weight);
    if (a < lim && (double)(int64_t)weight == weight && b->defer_abs + a < lim) {
        b->defer_abs += a;
        return true;
    }
    flush_pending(b);
    b->defer_off = true;
    return false;
}

int p2p_smp_commit(p2p_smp_builder *b, double weight, bool leaf_first)
{
    size_t n = b->depth;
    if (!n)
        return 0;
    b->depth = 0;
    if (stack_room(b, n) < 0)
        return P2P_ENOMEM;
    const p2p_smp_text_ref *cur = b->cur;
    /* frames shared with the last stack, counted from the root */
    size_t k = 0;
    for (size_t lim = n < b->nprev ? n : b->nprev; k < lim; k++) {
        const p2p_smp_text_ref *x = &cur[leaf_first ? n - 1 - k : k], *y = &b->prev[k];
        if (x->n != y->n || (x->s != y->s && memcmp(x->s, y->s, x->n) != 0))
            break;
    }
    /* functions, root first; the new ones resolved in the order pushed,
     * which is the order gprof2dot creates them in */
    p2p_fid *fids = b->fids;
    memcpy(fids, b->prevfids, k * sizeof *fids);
    for (size_t i = 0; i < n - k; i++) {
        size_t r = leaf_first ? n - 1 - i : k + i;
        const p2p_smp_text_ref *x = &cur[leaf_first ? i : r];
        p2p_fid f = b->resolve(b, b->ctx, leaf_first ? i : r, x->s, x->n);
        if (f == P2P_NONE)
            return P2P_ENOMEM;
        fids[r] = f;
    }
    if (fs_room(b, b->p->nfunctions) < 0)
        return P2P_ENOMEM;
    (void)defer_weight(b, weight);
    if (++b->epoch == 0) {
        for (size_t i = 0; i < b->capfs; i++)
            b->fs[i].stamp = 0;
        b->epoch = 1;
    }
    p2p_smp_fsum *fs = b->fs;
    fs[fids[n - 1]].self += weight;
    b->samples += weight;
    for (size_t r = 0; r < n; r++) {
        p2p_smp_fsum *x = &fs[fids[r]];
        if (x->stamp != b->epoch) {
            x->stamp = b->epoch;
            x->total += weight;
        }
    }
    /* calls from the leaf outwards, the order gprof2dot creates them in;
     * those between shared frames are the last stack's */
    uint32_t *calls = b->callv;
    for (size_t r = n - 1; r-- > 0;) {
        uint32_t c;
        p2p_smp_fsum *callee;
        if (r + 1 < k) {
            c = b->prevcalls[r];
        } else if ((callee = &fs[fids[r + 1]])->memo_caller1 == fids[r] + 1) {
            /* most functions are called from the same place again and again */
            c = callee->memo_call;
        } else {
            c = p2p_profile_get_call(b->p, fids[r], fids[r + 1], NULL);
            if (c == P2P_NONE || s2_room(b, (size_t)c + 1) < 0)
                return P2P_ENOMEM;
            callee->memo_caller1 = fids[r] + 1;
            callee->memo_call = c;
        }
        calls[r] = c;
        b->s2[c] += weight;
    }
    /* this stack becomes the last one */
    for (size_t r = k; r < n; r++)
        b->prev[r] = cur[leaf_first ? n - 1 - r : r];
    b->nprev = n;
    b->fids = b->prevfids;
    b->prevfids = fids;
    b->callv = b->prevcalls;
    b->prevcalls = calls;
    b->nstacks++;
    return 0;
}

/* ---- the stack cache ---------------------------------------------- */

static inline const p2p_uchar *stack_text(const p2p_smp_stack *st)
{
    return st->text;
}

static uint64_t stack_hash(const p2p_uchar *s, size_t n)
{
    return hash_part(s, n, 0x8ebc6af09c88c6e3ULL);
}

const p2p_smp_stack *p2p_smp_stack_find(const p2p_smp_builder *b, const p2p_uchar *s, size_t n)
{
    if (!b->stklen || n > b->stkmax)
        return NULL;
    uint64_t h = stack_hash(s, n);
    size_t mask = b->stkcap - 1;
    for (size_t j = (size_t)h & mask; b->stk[j].st; j = (j + 1) & mask) {
        const p2p_smp_stack *st = b->stk[j].st;
        if (b->stk[j].hash == h && st->len == n && memcmp(stack_text(st), s, n) == 0)
            return st;
    }
    return NULL;
}

size_t p2p_smp_stack_lines(const p2p_smp_stack *st)
{
    return st->lines;
}

/* Memory for the cached stacks: big chunks, each starting with a pointer
 * to the one before. */
#define STACK_CHUNK ((size_t)2 << 20)

static void *stack_mem(p2p_smp_builder *b, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (!b->stkchunk || b->stkchunk_size - b->stkchunk_used < size) {
        size_t cs = size + 16 > STACK_CHUNK ? size + 16 : STACK_CHUNK;
#ifdef P2P_ARENA_MALLOC
        cs = size + 16; /* one stack a block, for the sanitizers */
#endif
        unsigned char *c = p2p_vm_zalloc(cs);
        if (!c)
            return NULL;
        memcpy(c, &b->stkchunk, sizeof b->stkchunk);
        memcpy(c + sizeof b->stkchunk, &b->stkchunk_size, sizeof b->stkchunk_size);
        b->stkchunk = c;
        b->stkchunk_size = cs;
        b->stkchunk_used = 16;
    }
    void *p = b->stkchunk + b->stkchunk_used;
    b->stkchunk_used += size;
    return p;
}

static void stack_mem_free(p2p_smp_builder *b)
{
    unsigned char *c = b->stkchunk;
    size_t cs = b->stkchunk_size;
    while (c) {
        unsigned char *prev;
        size_t ps;
        memcpy(&prev, c, sizeof prev);
        memcpy(&ps, c + sizeof prev, sizeof ps);
        p2p_vm_free(c, cs);
        c = prev;
        cs = ps;
    }
    b->stkchunk = NULL;
    b->stkchunk_size = b->stkchunk_used = 0;
}

static int stack_grow(p2p_smp_builder *b)
{
    size_t cap = b->stkcap ? b->stkcap * 2 : 1024;
    struct p2p_smp_stkslot *t = p2p_vm_zalloc(cap * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < b->stkcap; i++) {
        if (!b->stk[i].st)
            continue;
        size_t j = (size_t)b->stk[i].hash & (cap - 1);
        while (t[j].st)
            j = (j + 1) & (cap - 1);
        t[j] = b->stk[i];
    }
    p2p_vm_free(b->stk, b->stkcap * sizeof *b->stk);
    b->stkbytes += (cap - b->stkcap) * sizeof *t;
    b->stk = t;
    b->stkcap = cap;
    return 0;
}

/* Room for a new entry of `words` numbers and the text s[0..n): the
 * entry, or NULL with *rc 0 (not to be saved) or P2P_ENOMEM. */
static p2p_smp_stack *stack_new(p2p_smp_builder *b, const p2p_uchar *s, size_t n, size_t words, int *rc)
{
    *rc = 0;
    if (b->stkoff || !n || n > P2P_SMP_STACK_MAX || words > P2P_SMP_MEMO_MAX)
        return NULL;
    if (b->stklen && b->stklen % P2P_SMP_STACK_CHECK == 0) {
        if (b->stkhits < P2P_SMP_STACK_CHECK / 4) {
            b->stkoff = true;
            return NULL;
        }
        b->stkhits = 0;
    }
    size_t size = sizeof(p2p_smp_stack) + ((n + 3) & ~(size_t)3) + words * sizeof(uint32_t);
    if (b->stkbytes + size > P2P_SMP_STACK_BYTES)
        return NULL;
    if (p2p_smp_stack_find(b, s, n))
        return NULL;
    if ((b->stklen + 1) * 4 > b->stkcap * 3 && stack_grow(b) < 0) {
        *rc = P2P_ENOMEM;
        return NULL;
    }
    p2p_smp_stack *st = stack_mem(b, size);
    if (!st) {
        *rc = P2P_ENOMEM;
        return NULL;
    }
    b->stkbytes += size;
    st->hash = stack_hash(s, n);
    st->len = (uint32_t)n;
    memcpy(st->text, s, n);
    st->pnext = NULL;
    st->pending = 0.0;
    st->queued = 0;
    return st;
}

/* Put an entry filled in (its text too) in the table. */
static void stack_insert(p2p_smp_builder *b, p2p_smp_stack *st)
{
    size_t mask = b->stkcap - 1, j = (size_t)st->hash & mask;
    while (b->stk[j].st)
        j = (j + 1) & mask;
    b->stk[j].hash = st->hash;
    b->stk[j].st = st;
    b->stklen++;
    if (st->len > b->stkmax)
        b->stkmax = st->len;
}

int p2p_smp_memo_save(p2p_smp_builder *b, const p2p_uchar *s, size_t n, const uint32_t *v, size_t nv)
{
    int rc;
    p2p_smp_stack *st = stack_new(b, s, n, nv, &rc);
    if (!st)
        return rc;
    st->lines = st->n = st->nd = 0;
    st->nv = (uint32_t)nv;
    if (nv)
        memcpy(stack_v(st), v, nv * sizeof *v);
    stack_insert(b, st);
    return 0;
}

const uint32_t *p2p_smp_memo_find(p2p_smp_builder *b, const p2p_uchar *s, size_t n, size_t *nv)
{
    const p2p_smp_stack *st = p2p_smp_stack_find(b, s, n);
    if (!st)
        return NULL;
    b->stkhits++;
    *nv = st->nv;
    return stack_v(st);
}

int p2p_smp_stack_save(p2p_smp_builder *b, const p2p_uchar *s, size_t n, size_t lines)
{
    size_t nf = b->nprev;
    if (!nf || lines > UINT32_MAX)
        return 0;
    int rc;
    p2p_smp_stack *st = stack_new(b, s, n, 3 * nf - 1, &rc);
    if (!st)
        return rc;
    st->len = (uint32_t)n;
    st->lines = (uint32_t)lines;
    st->n = (uint32_t)nf;
    uint32_t *v = stack_v(st);
    memcpy(v, b->prevfids, nf * sizeof *v);
    memcpy(v + nf, b->prevcalls, (nf - 1) * sizeof *v);
    /* the distinct functions: those the last commit stamped, each once */
    uint32_t *d = v + 2 * nf - 1, nd = 0;
    for (size_t r = 0; r < nf; r++) {
        p2p_smp_fsum *x = &b->fs[b->prevfids[r]];
        if (x->stamp == b->epoch) {
            x->stamp = 0;
            d[nd++] = b->prevfids[r];
        }
    }
    for (uint32_t i = 0; i < nd; i++)
        b->fs[d[i]].stamp = b->epoch;
    st->nd = nd;
    st->nv = (uint32_t)(2 * nf - 1 + nd);
    stack_insert(b, st);
    return 0;
}

void p2p_smp_stack_replay(p2p_smp_builder *b, const p2p_smp_stack *cst, double weight)
{
    b->samples += weight;
    b->nstacks++;
    b->stkhits++;
    if (defer_weight(b, weight)) {
        /* the builder's own memory, handed out as const */
        p2p_smp_stack *st = (p2p_smp_stack *)cst;
        if (!st->queued) {
            st->queued = 1;
            st->pnext = b->pend;
            b->pend = st;
        }
        st->pending += weight;
        return;
    }
    stack_add(b, cst, weight);
}

int p2p_smp_finish(p2p_smp_builder *b)
{
    flush_pending(b);
    p2p_profile *p = b->p;
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        p2p_function *f = &p->functions[i];
        p2p_ev_set(&f->ev, P2P_SAMPLES, i < b->capfs ? b->fs[i].self : 0.0);
        p2p_ev_set(&f->ev, P2P_TOTAL_SAMPLES, i < b->capfs ? b->fs[i].total : 0.0);
    }
    for (uint32_t c = 0; c < p->ncalls; c++)
        p2p_ev_set(&p->calls[c].ev, P2P_SAMPLES2, c < b->caps2 ? b->s2[c] : 0.0);
    p2p_ev_set(&p->ev, P2P_SAMPLES, b->samples);
    return 0;
}
