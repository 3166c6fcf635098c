/* Very Sleepy captures (`-f sleepy`): the .sleepy zip archive that Very
 * Sleepy saves, as gprof2dot's SleepyParser reads it.
 *
 * Two members are read (their names compared without regard to case, as
 * some versions write `symbols.txt`); Stats.txt, IPCounts.txt and the
 * version marker are not used, as in gprof2dot.
 *  - Symbols.txt: one symbol a line, `ID "MODULE" "PROCNAME" "SOURCEFILE" LINE`
 *    (ID a word, LINE decimal digits; other lines are skipped silently).
 *    The function of a symbol has the id `MODULE:PROCNAME`, the name
 *    PROCNAME and the module MODULE; symbols with the same module and
 *    procedure name share one function.
 *  - Callstacks.txt: one stack a line, `SAMPLES ID ID ...`, the sampled
 *    symbol first, then its callers.  The first frame gets SAMPLES as self
 *    samples, each adjacent caller->callee pair gets them as a call's
 *    SAMPLES2 (as often as it occurs), and so does the profile's total.
 * The derived events come later (P2P_DERIVE_CALLGRIND: gprof2dot's
 * --total option does not apply to this format).
 *
 * The archive is read from memory with libzip.  A member's uncompressed
 * size is checked before it is read: at most SLEEPY_MAX_MEMBER bytes, and
 * no more than its compression method can give from its compressed size
 * (a zip bomb, or a corrupt archive); no more than the declared size is
 * ever read.  A member is inflated a chunk at a time and read line by
 * line as it comes (memory: a chunk, or the longest line), and checked
 * whole (size, checksum) before anything is reported about its lines.
 * Nothing recurses; a stack of a million frames is a loop.
 *
 * Deliberate differences from gprof2dot, which crashes on these:
 *  - invalid UTF-8 becomes U+FFFD (gprof2dot: UnicodeDecodeError), and so
 *    does a NUL byte (gprof2dot keeps it in the name);
 *  - in Callstacks.txt, blank lines are skipped, and a line whose sample
 *    count is not a finite number, that has no frame, or that names a
 *    symbol Symbols.txt does not define is skipped with a warning
 *    (gprof2dot: IndexError, ValueError, KeyError); when no line at all is
 *    a stack, the input is an error (P2P_EFORMAT);
 *  - a missing member, a corrupt or encrypted archive, or one that is not
 *    a zip archive is an error naming what is wrong (gprof2dot: a Python
 *    traceback).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dlfcn.h>
#include <zip.h>

#include "samples.h"
#include "../util/utf8.h"

typedef p2p_uchar uchar;

/* The largest member read, uncompressed. */
#define SLEEPY_MAX_MEMBER ((zip_uint64_t)256 << 20)
/* deflate's largest expansion is about 1032:1 */
#define DEFLATE_MAX_RATIO 1040u

/* The libzip functions used, loaded with dlopen() when an archive is read
 * (see load_libzip) */
#define P2P_ZIP_FUNCTIONS(X)                                                                  \
    X(error_strerror) X(get_num_entries) X(get_name) X(stat_init) X(stat_index) X(get_error) \
    X(fopen_index) X(fread) X(file_get_error) X(fclose) X(error_init) X(source_buffer_create) \
    X(error_fini) X(open_from_source) X(source_free) X(discard)

typedef struct zipapi {
    void *handle;
#define P2P_ZIP_POINTER(f) __typeof__(&zip_##f) f;
    P2P_ZIP_FUNCTIONS(P2P_ZIP_POINTER)
#undef P2P_ZIP_POINTER
} zipapi;

typedef struct sleepy {
    zipapi z;
    const p2p_input *in;
    const p2p_parse_opts *o;
    p2p_diag *d;
    zip_t *za;
    p2p_profile *p;
    /* symbol id -> function: ids interned in `ids`, the interned pointer is
     * the key of `map` */
    p2p_arena *ids_arena;
    p2p_intern *ids;
    p2p_u64map map;
    p2p_u64map short_ids; /* the same for ids of up to 8 bytes (symbol_key) */
    p2p_buf line;   /* the current line, when it needs repair */
    const char *cur; /* the current line: in the member's bytes or in `line` */
    size_t curlen;
    p2p_buf id;     /* Symbols.txt: a function id */
    p2p_fid *stack; /* the functions of the current stack */
    size_t capstack;
    size_t repairs;
    const char *repair_member;
    long repair_line;
} sleepy;

/* ---- the archive ------------------------------------------------------ */

/* libzip is loaded here, not linked: linked, it (with the libcrypto it
 * brings) took half of every run's start-up time, and only this format
 * uses it.  The header's prototypes type the pointers, so a call through
 * them is checked as a direct call would be. */
static int load_libzip(zipapi *z, p2p_diag *d)
{
    memset(z, 0, sizeof *z);
    z->handle = dlopen(P2P_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!z->handle) {
        const char *why = dlerror();
        return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "cannot load %s to read the zip archive: %s (install libzip)",
                            P2P_LIBZIP_SONAME, why ? why : "not found");
    }
    /* POSIX: a function pointer may hold dlsym's answer */
#define P2P_ZIP_LOAD(f)                                                                                  \
    if (!(*(void **)&z->f = dlsym(z->handle, "zip_" #f))) {                                              \
        dlclose(z->handle);                                                                              \
        z->handle = NULL;                                                                                \
        return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "%s has no function zip_%s: it is not the libzip "    \
                            "prof2png was built with", P2P_LIBZIP_SONAME, #f);                           \
    }
    P2P_ZIP_FUNCTIONS(P2P_ZIP_LOAD)
#undef P2P_ZIP_LOAD
    return 0;
}

static int zip_fail(sleepy *s, int code, const char *what, zip_error_t *ze)
{
    return p2p_diag_set(s->d, code, 0, -1, "%s: %s", what, s->z.error_strerror(ze));
}

/* The index of the member called `name` (ASCII case ignored), or -1. */
static zip_int64_t find_member(sleepy *s, const char *name)
{
    zip_int64_t n = s->z.get_num_entries(s->za, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *m = s->z.get_name(s->za, (zip_uint64_t)i, 0);
        if (m && strcasecmp(m, name) == 0)
            return i;
    }
    return -1;
}

/* Open member `name` for reading (*zf), its declared size in *want,
 * after checking that size. */
static int open_member(sleepy *s, const char *name, zip_file_t **zf, size_t *want)
{
    *zf = NULL;
    *want = 0;
    zip_int64_t idx = find_member(s, name);
    if (idx < 0)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                            "the archive has no member %s: not a Very Sleepy capture (.sleepy)", name);
    zip_stat_t st;
    s->z.stat_init(&st);
    if (s->z.stat_index(s->za, (zip_uint64_t)idx, 0, &st) < 0)
        return zip_fail(s, P2P_EFORMAT, name, s->z.get_error(s->za));
    if (!(st.valid & ZIP_STAT_SIZE))
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, -1, "%s: the archive does not give its size", name);
    if (st.size > SLEEPY_MAX_MEMBER)
        return p2p_diag_set(s->d, P2P_ELIMIT, 0, -1,
                            "%s declares %llu bytes uncompressed, more than the limit of %llu MiB "
                            "(a corrupt archive or a zip bomb)",
                            name, (unsigned long long)st.size, (unsigned long long)(SLEEPY_MAX_MEMBER >> 20));
    if ((st.valid & ZIP_STAT_COMP_SIZE) && (st.valid & ZIP_STAT_COMP_METHOD)) {
        bool impossible = false;
        if (st.comp_method == ZIP_CM_STORE)
            impossible = st.size != st.comp_size;
        else if (st.comp_method == ZIP_CM_DEFLATE)
            impossible = st.size / DEFLATE_MAX_RATIO > st.comp_size + 64;
        if (impossible)
            return p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                                "%s declares %llu bytes uncompressed from %llu compressed, more than its "
                                "compression method can give: the archive is corrupt (or a zip bomb)",
                                name, (unsigned long long)st.size, (unsigned long long)st.comp_size);
        if (st.comp_size > s->in->size)
            return p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                                "%s declares %llu compressed bytes, more than the %zu bytes of the archive: "
                                "it is truncated or corrupt",
                                name, (unsigned long long)st.comp_size, s->in->size);
    }
    *zf = s->z.fopen_index(s->za, (zip_uint64_t)idx, 0);
    if (!*zf)
        return zip_fail(s, P2P_EFORMAT, name, s->z.get_error(s->za));
    *want = (size_t)st.size;
    return 0;
}

/* How much of a member is inflated at a time: a line longer than this
 * grows the buffer to hold it (up to the member's size). */
#define SLEEPY_CHUNK ((size_t)1 << 20)

typedef int (*line_fn)(sleepy *s, void *ctx, long lineno);

static bool next_line(sleepy *s, const char *t, size_t len, size_t *pos, long *lineno, const char *member);

/* Member `name` read in chunks, each of its lines decoded into s->line
 * (next_line) and handed to fn; no more than its declared size is ever
 * read (one byte more, to see the member end where it said).  The member
 * is checked whole (its size, its checksum) before this returns 0. */
static int stream_member(sleepy *s, const char *name, line_fn fn, void *ctx)
{
    zip_file_t *zf;
    size_t want;
    int rc = open_member(s, name, &zf, &want);
    if (rc)
        return rc;
    size_t cap = want + 1 < SLEEPY_CHUNK ? want + 1 : SLEEPY_CHUNK;
    char *buf = malloc(cap);
    if (!buf) {
        s->z.fclose(zf);
        return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory reading %s (%zu bytes)", name, want);
    }
    size_t got = 0, len = 0; /* bytes read; bytes held in buf, a line's start first */
    long lineno = 0;
    bool end = false;
    while (!rc && !end) {
        if (len == cap) {
            /* a line longer than the buffer: room for it (bounded by the
             * member's size) */
            size_t ncap = cap * 2 > want + 1 ? want + 1 : cap * 2;
            char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nb) {
                rc = p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory reading %s (%zu bytes)", name, want);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t room = cap - len;
        if (room > want + 1 - got)
            room = want + 1 - got;
        zip_int64_t r = room ? s->z.fread(zf, buf + len, (zip_uint64_t)room) : 0;
        if (r < 0) {
            rc = zip_fail(s, P2P_EFORMAT, name, s->z.file_get_error(zf));
            break;
        }
        got += (size_t)r;
        len += (size_t)r;
        if (got > want)
            break; /* more than declared: refused below */
        end = r == 0;
        /* the complete lines, and at the end the last one */
        size_t pos = 0, upto = len;
        if (!end) {
            const char *nl = len ? memrchr(buf, '\n', len) : NULL;
            upto = nl ? (size_t)(nl - buf) + 1 : 0;
        }
        while (!rc && next_line(s, buf, upto, &pos, &lineno, name))
            rc = s->line.oom ? p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory (%s line %ld)", name, lineno)
                             : fn(s, ctx, lineno);
        memmove(buf, buf + upto, len - upto);
        len -= upto;
    }
    s->z.fclose(zf);
    free(buf);
    if (!rc && got != want)
        rc = p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                          "%s holds %s bytes than the %zu it declares: the archive is corrupt", name,
                          got > want ? "more" : "fewer", want);
    return rc;
}

/* ---- text ------------------------------------------------------------- */

/* The code point at s[*i] of valid UTF-8 (s ends at n), advancing *i. */
static uint32_t next_cp(const uchar *s, size_t n, size_t *i)
{
    uchar c = s[*i];
    size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (*i + k > n)
        k = n - *i;
    uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1fu : k == 3 ? c & 0x0fu : c & 0x07u;
    for (size_t j = 1; j < k; j++)
        cp = (cp << 6) | (s[*i + j] & 0x3fu);
    *i += k;
    return cp;
}

/* Python's whitespace among the ASCII characters */
static bool ascii_space(uchar c)
{
    return (c >= 9 && c <= 13) || (c >= 28 && c <= 32);
}

static bool is_space_at(const uchar *s, size_t n, size_t i, size_t *next)
{
    if (s[i] < 0x80) {
        if (!ascii_space(s[i]))
            return false;
        *next = i + 1;
        return true;
    }
    size_t j = i;
    uint32_t cp = next_cp(s, n, &j);
    if (!p2p_uc_is_space(cp))
        return false;
    *next = j;
    return true;
}

/* Skip \s+ (Python's Unicode whitespace); false when there is none. */
static bool skip_spaces(const uchar *s, size_t n, size_t *i)
{
    size_t j = *i, k;
    while (j < n && is_space_at(s, n, j, &k))
        j = k;
    if (j == *i)
        return false;
    *i = j;
    return true;
}

/* "[^"]*" at *i: its contents in [*a, *b). */
static bool quoted(const uchar *s, size_t n, size_t *i, size_t *a, size_t *b)
{
    if (*i >= n || s[*i] != '"')
        return false;
    const uchar *q = memchr(s + *i + 1, '"', n - *i - 1);
    if (!q)
        return false;
    *a = *i + 1;
    *b = (size_t)(q - s);
    *i = *b + 1;
    return true;
}

/* The next line of t[*pos..len), as Python iterates a binary file (lines
 * end at \n), decoded as UTF-8 (invalid sequences and NUL become U+FFFD)
 * into s->line, with trailing \r and \n removed.  false at the end. */
static bool next_line(sleepy *s, const char *t, size_t len, size_t *pos, long *lineno, const char *member)
{
    if (*pos >= len)
        return false;
    const char *p = t + *pos, *nl = memchr(p, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - p) : len - *pos;
    *pos += nl ? n + 1 : n;
    ++*lineno;
    while (n && p[n - 1] == '\r')
        n--;
    s->line.oom = false;
    /* plain ASCII (without NUL) is read where it is */
    size_t k = 0;
    while (k < n && (unsigned char)p[k] - 1u < 0x7fu)
        k++;
    if (k == n) {
        s->cur = p;
        s->curlen = n;
        return true;
    }
    s->line.len = 0;
    if (p2p_utf8_repair(&s->line, p, n, true) && !s->repairs++) {
        s->repair_member = member;
        s->repair_line = *lineno;
    }
    s->cur = s->line.data ? s->line.data : "";
    s->curlen = s->line.len;
    return true;
}

/* ---- Symbols.txt ------------------------------------------------------ */

/* ^(\w+)\s+"([^"]*)"\s+"([^"]*)"\s+"([^"]*)"\s+(\d+)$ */
static bool match_symbol(const uchar *s, size_t n, size_t idv[2], size_t mod[2], size_t proc[2])
{
    size_t i = 0, k, a, b;
    while (i < n) {
        k = i;
        if (!p2p_uc_is_word(next_cp(s, n, &k)))
            break;
        i = k;
    }
    if (i == 0)
        return false;
    idv[0] = 0;
    idv[1] = i;
    if (!skip_spaces(s, n, &i) || !quoted(s, n, &i, &mod[0], &mod[1]))
        return false;
    if (!skip_spaces(s, n, &i) || !quoted(s, n, &i, &proc[0], &proc[1]))
        return false;
    if (!skip_spaces(s, n, &i) || !quoted(s, n, &i, &a, &b))
        return false;
    if (!skip_spaces(s, n, &i))
        return false;
    size_t start = i;
    while (i < n) {
        k = i;
        if (!p2p_uc_is_decimal(next_cp(s, n, &k)))
            break;
        i = k;
    }
    return i > start && i == n;
}

/* Where symbol id s[0..n) is kept: ids of 1 to 8 bytes in s->short_ids,
 * under their bytes (zero-padded: an id holds no NUL, which a line's
 * repair turns into U+FFFD, and never is eight 0xff bytes, which are not
 * UTF-8); longer ones in s->map under their interned copy in s->ids.
 * *key is UINT64_MAX when out of memory. */
static p2p_u64map *symbol_key(sleepy *s, const char *id, size_t n, uint64_t *key)
{
    if (n >= 1 && n <= 8) {
        uint64_t k = 0;
        memcpy(&k, id, n); /* little-endian or not: one order for all */
        *key = k;
        return &s->short_ids;
    }
    const char *sym = p2p_intern_get(s->ids, id, n);
    *key = sym ? (uint64_t)(uintptr_t)sym : UINT64_MAX;
    return &s->map;
}

/* One line of Symbols.txt. */
static int symbol_line(sleepy *s, void *ctx, long lineno)
{
    (void)ctx;
    const uchar *l = (const uchar *)s->cur;
    size_t sym[2], mod[2], proc[2];
    if (!match_symbol(l, s->curlen, sym, mod, proc))
        return 0;
    p2p_buf *id = &s->id;
    id->len = 0;
    p2p_buf_append(id, l + mod[0], mod[1] - mod[0]);
    p2p_buf_putc(id, ':');
    p2p_buf_append(id, l + proc[0], proc[1] - proc[0]);
    if (id->oom)
        goto oom;
    const char *fid_s = p2p_profile_intern(s->p, id->data, id->len);
    uint64_t key;
    p2p_u64map *map = symbol_key(s, (const char *)l + sym[0], sym[1] - sym[0], &key);
    if (!fid_s || key == UINT64_MAX)
        goto oom;
    p2p_fid f = p2p_profile_find_str(s->p, fid_s);
    if (f == P2P_NONE) {
        const char *name = p2p_profile_intern(s->p, (const char *)l + proc[0], proc[1] - proc[0]);
        const char *module = p2p_profile_intern(s->p, (const char *)l + mod[0], mod[1] - mod[0]);
        if (!name || !module || (f = p2p_profile_add_str(s->p, fid_s, name)) == P2P_NONE)
            goto oom;
        s->p->functions[f].module = module;
        p2p_ev_set(&s->p->functions[f].ev, P2P_SAMPLES, 0.0);
    }
    if (p2p_u64map_put(map, key, f) < 0)
        goto oom;
    return 0;
oom:
    return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory (Symbols.txt line %ld)", lineno);
}

/* ---- Callstacks.txt --------------------------------------------------- */

/* Python's float() of s[0..n) (no surrounding space): a sign, digits with
 * single underscores between them, a fraction, an exponent; finite values
 * only (nan, inf and overflow are refused). */
static bool parse_float(const uchar *s, size_t n, double *out)
{
    char tmp[128];
    size_t k = 0, i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        tmp[k++] = (char)s[i++];
    for (int part = 0; part < 3; part++) {
        if (part == 1) {
            if (i >= n || s[i] != '.')
                continue;
            tmp[k++] = (char)s[i++];
        } else if (part == 2) {
            if (i >= n || (s[i] != 'e' && s[i] != 'E'))
                break;
            if (!digits)
                return false;
            tmp[k++] = (char)s[i++];
            if (i < n && (s[i] == '+' || s[i] == '-'))
                tmp[k++] = (char)s[i++];
        }
        size_t run = 0;
        while (i < n) {
            if (s[i] >= '0' && s[i] <= '9') {
                if (k >= sizeof tmp - 2)
                    return false;
                tmp[k++] = (char)s[i++];
                run++;
            } else if (s[i] == '_' && run && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
                i++;
            } else {
                break;
            }
        }
        if (part == 2 && !run)
            return false;
        if (part < 2)
            digits += run;
    }
    if (i != n || !digits)
        return false;
    tmp[k] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* The next whitespace-separated field of s[*i..n): [*a, *b). */
static bool next_field(const uchar *s, size_t n, size_t *i, size_t *a, size_t *b)
{
    size_t k;
    skip_spaces(s, n, i);
    if (*i >= n)
        return false;
    *a = *i;
    while (*i < n) {
        if (s[*i] < 0x80) {
            if (ascii_space(s[*i]))
                break;
            ++*i;
        } else if (is_space_at(s, n, *i, &k)) {
            break;
        } else {
            next_cp(s, n, i);
        }
    }
    *b = *i;
    return true;
}

typedef struct stacks {
    long bad_first, bad_count, nstacks;
    char bad_text[96];
    const char *bad_why;
} stacks;

/* One line of Callstacks.txt. */
static int callstack_line(sleepy *s, void *ctx, long lineno)
{
    stacks *st = ctx;
    p2p_profile *p = s->p;
    const uchar *l = (const uchar *)s->cur;
    size_t n = s->curlen, i = 0, a, b;
    if (!next_field(l, n, &i, &a, &b))
        return 0; /* blank */
    double samples;
    const char *why = NULL;
    size_t depth = 0;
    if (!parse_float(l + a, b - a, &samples)) {
        why = "no finite sample count";
    } else {
        while (next_field(l, n, &i, &a, &b)) {
            uint64_t key;
            const p2p_u64map *map = symbol_key(s, (const char *)l + a, b - a, &key);
            if (key == UINT64_MAX)
                goto oom;
            uint32_t f = p2p_u64map_get(map, key);
            if (f == UINT32_MAX) {
                why = "a symbol that Symbols.txt does not define";
                break;
            }
            if (depth == s->capstack) {
                size_t cap = s->capstack ? s->capstack * 2 : 64;
                p2p_fid *ns = realloc(s->stack, cap * sizeof *ns);
                if (!ns)
                    goto oom;
                s->stack = ns;
                s->capstack = cap;
            }
            s->stack[depth++] = f;
        }
        if (!why && !depth)
            why = "no frame";
    }
    if (why) {
        if (!st->bad_count++) {
            st->bad_first = lineno;
            st->bad_why = why;
            p2p_smp_excerpt(l, n, st->bad_text, sizeof st->bad_text);
        }
        return 0;
    }
    st->nstacks++;
    p2p_fid callee = s->stack[0];
    p2p_ev_add(&p->functions[callee].ev, P2P_SAMPLES, samples);
    p2p_ev_add(&p->ev, P2P_SAMPLES, samples);
    for (size_t k = 1; k < depth; k++) {
        p2p_fid caller = s->stack[k];
        uint32_t c = p2p_profile_get_call(p, caller, callee, NULL);
        if (c == P2P_NONE)
            goto oom;
        p2p_ev_add(&p->calls[c].ev, P2P_SAMPLES2, samples);
        callee = caller;
    }
    return 0;
oom:
    return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory (Callstacks.txt line %ld)", lineno);
}

/* Callstacks.txt, read whole: what its bad lines (if any) call for. */
static int callstacks_end(sleepy *s, const stacks *st)
{
    if (st->bad_count && !st->nstacks)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                            "Callstacks.txt line %ld: expected a stack such as '0.25 sym3 sym1' (a sample "
                            "count, then symbol ids of Symbols.txt), found '%s' (%s), and no line is a stack",
                            st->bad_first, st->bad_text, st->bad_why);
    if (st->bad_count)
        p2p_smp_warn(s->o, "Callstacks.txt line %ld: skipped %ld line%s that %s no stack, the first has %s: '%s'",
                     st->bad_first, st->bad_count, st->bad_count == 1 ? "" : "s",
                     st->bad_count == 1 ? "is" : "are", st->bad_why, st->bad_text);
    return 0;
}

/* ---- entry point ------------------------------------------------------ */

int p2p_parse_sleepy(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                     p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the sleepy format reads one input, %zu were given", n);
    if (d)
        d->file = inputs[0].name;
    const p2p_input *in = &inputs[0];
    if (in->size < 22 || memcmp(in->data, "PK", 2) != 0)
        return p2p_diag_set(d, P2P_EFORMAT, 0, -1,
                            "not a zip archive: a Very Sleepy capture (.sleepy) is a zip archive "
                            "starting with 'PK'");
    sleepy s;
    memset(&s, 0, sizeof s);
    s.in = in;
    s.o = o;
    s.d = d;
    p2p_u64map_init(&s.map);
    p2p_u64map_init(&s.short_ids);
    p2p_buf_init(&s.line);
    p2p_buf_init(&s.id);
    int rc = load_libzip(&s.z, d);
    if (rc)
        return rc;

    zip_error_t ze;
    s.z.error_init(&ze);
    zip_source_t *src = s.z.source_buffer_create(in->data, in->size, 0, &ze);
    if (!src) {
        rc = zip_fail(&s, P2P_ENOMEM, "cannot read the archive", &ze);
        s.z.error_fini(&ze);
        dlclose(s.z.handle);
        return rc;
    }
    s.za = s.z.open_from_source(src, ZIP_RDONLY, &ze);
    if (!s.za) {
        rc = zip_fail(&s, P2P_EFORMAT, "cannot read it as a zip archive (truncated or corrupt?)", &ze);
        s.z.source_free(src);
        s.z.error_fini(&ze);
        dlclose(s.z.handle);
        return rc;
    }
    s.z.error_fini(&ze);

    s.p = p2p_profile_new(P2P_ID_STRING);
    s.ids_arena = p2p_arena_new();
    s.ids = s.ids_arena ? p2p_intern_new(s.ids_arena) : NULL;
    if (!s.p || !s.ids) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto done;
    }
    p2p_ev_set(&s.p->ev, P2P_SAMPLES, 0.0);
    stacks st = {0};
    if ((rc = stream_member(&s, "Symbols.txt", symbol_line, NULL)) < 0)
        goto done;
    if ((rc = stream_member(&s, "Callstacks.txt", callstack_line, &st)) < 0)
        goto done;
    if ((rc = callstacks_end(&s, &st)) < 0)
        goto done;
    if (s.repairs)
        p2p_smp_warn(o, "%s line %ld: invalid UTF-8 (or a NUL byte) was replaced by U+FFFD", s.repair_member,
                     s.repair_line);
    if (o && o->event)
        p2p_smp_warn(o, "this input has samples of one unnamed event: the event '%s' asked for is ignored",
                     o->event);
    *out = s.p;
    s.p = NULL;
done:
    free(s.stack);
    p2p_buf_free(&s.line);
    p2p_buf_free(&s.id);
    p2p_u64map_free(&s.map);
    p2p_u64map_free(&s.short_ids);
    if (s.ids)
        p2p_intern_free(s.ids);
    if (s.ids_arena)
        p2p_arena_free(s.ids_arena);
    p2p_profile_free(s.p);
    s.z.discard(s.za);
    dlclose(s.z.handle);
    return rc < 0 ? rc : 0;
}
