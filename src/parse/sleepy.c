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
 * ever read.  Nothing recurses; a stack of a million frames is a loop.
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
    p2p_buf line;   /* the current line, repaired */
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

/* Read member `name` whole into a new buffer (*out, NUL-terminated, free()
 * it), its size in *len. */
static int read_member(sleepy *s, const char *name, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
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
    zip_file_t *zf = s->z.fopen_index(s->za, (zip_uint64_t)idx, 0);
    if (!zf)
        return zip_fail(s, P2P_EFORMAT, name, s->z.get_error(s->za));
    size_t want = (size_t)st.size;
    char *buf = malloc(want + 2);
    if (!buf) {
        s->z.fclose(zf);
        return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory reading %s (%zu bytes)", name, want);
    }
    size_t got = 0;
    int rc = 0;
    /* one byte more than declared, to see the member end where it said */
    while (got < want + 1) {
        zip_int64_t r = s->z.fread(zf, buf + got, (zip_uint64_t)(want + 1 - got));
        if (r < 0) {
            rc = zip_fail(s, P2P_EFORMAT, name, s->z.file_get_error(zf));
            break;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    s->z.fclose(zf);
    if (!rc && got != want)
        rc = p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                          "%s holds %s bytes than the %zu it declares: the archive is corrupt", name,
                          got > want ? "more" : "fewer", want);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
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

static bool is_space_at(const uchar *s, size_t n, size_t i, size_t *next)
{
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
    s->line.len = 0;
    s->line.oom = false;
    if (p2p_utf8_repair(&s->line, p, n, true) && !s->repairs++) {
        s->repair_member = member;
        s->repair_line = *lineno;
    }
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

static int parse_symbols(sleepy *s, const char *t, size_t len)
{
    size_t pos = 0;
    long lineno = 0;
    p2p_buf id;
    p2p_buf_init(&id);
    int rc = 0;
    while (!rc && next_line(s, t, len, &pos, &lineno, "Symbols.txt")) {
        if (s->line.oom) {
            rc = P2P_ENOMEM;
            break;
        }
        const uchar *l = (const uchar *)s->line.data;
        size_t sym[2], mod[2], proc[2];
        if (!match_symbol(l, s->line.len, sym, mod, proc))
            continue;
        id.len = 0;
        p2p_buf_append(&id, l + mod[0], mod[1] - mod[0]);
        p2p_buf_putc(&id, ':');
        p2p_buf_append(&id, l + proc[0], proc[1] - proc[0]);
        if (id.oom) {
            rc = P2P_ENOMEM;
            break;
        }
        const char *fid_s = p2p_profile_intern(s->p, id.data, id.len);
        const char *sym_s = p2p_intern_get(s->ids, (const char *)l + sym[0], sym[1] - sym[0]);
        if (!fid_s || !sym_s) {
            rc = P2P_ENOMEM;
            break;
        }
        p2p_fid f = p2p_profile_find_str(s->p, fid_s);
        if (f == P2P_NONE) {
            const char *name = p2p_profile_intern(s->p, (const char *)l + proc[0], proc[1] - proc[0]);
            const char *module = p2p_profile_intern(s->p, (const char *)l + mod[0], mod[1] - mod[0]);
            if (!name || !module || (f = p2p_profile_add_str(s->p, fid_s, name)) == P2P_NONE) {
                rc = P2P_ENOMEM;
                break;
            }
            s->p->functions[f].module = module;
            p2p_ev_set(&s->p->functions[f].ev, P2P_SAMPLES, 0.0);
        }
        if (p2p_u64map_put(&s->map, (uint64_t)(uintptr_t)sym_s, f) < 0)
            rc = P2P_ENOMEM;
    }
    p2p_buf_free(&id);
    if (rc)
        return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory (Symbols.txt line %ld)", lineno);
    return 0;
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
    while (*i < n && !is_space_at(s, n, *i, &k))
        next_cp(s, n, i);
    *b = *i;
    return true;
}

static int parse_callstacks(sleepy *s, const char *t, size_t len)
{
    size_t pos = 0;
    long lineno = 0, bad_first = 0, bad_count = 0, nstacks = 0;
    char bad_text[96] = "";
    const char *bad_why = "";
    p2p_profile *p = s->p;
    while (next_line(s, t, len, &pos, &lineno, "Callstacks.txt")) {
        if (s->line.oom)
            goto oom;
        const uchar *l = (const uchar *)s->line.data;
        size_t n = s->line.len, i = 0, a, b;
        if (!next_field(l, n, &i, &a, &b))
            continue; /* blank */
        double samples;
        const char *why = NULL;
        size_t depth = 0;
        if (!parse_float(l + a, b - a, &samples)) {
            why = "no finite sample count";
        } else {
            while (next_field(l, n, &i, &a, &b)) {
                const char *sym = p2p_intern_get(s->ids, (const char *)l + a, b - a);
                if (!sym)
                    goto oom;
                uint32_t f = p2p_u64map_get(&s->map, (uint64_t)(uintptr_t)sym);
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
            if (!bad_count++) {
                bad_first = lineno;
                bad_why = why;
                p2p_smp_excerpt(l, n, bad_text, sizeof bad_text);
            }
            continue;
        }
        nstacks++;
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
    }
    if (bad_count && !nstacks)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, -1,
                            "Callstacks.txt line %ld: expected a stack such as '0.25 sym3 sym1' (a sample "
                            "count, then symbol ids of Symbols.txt), found '%s' (%s), and no line is a stack",
                            bad_first, bad_text, bad_why);
    if (bad_count)
        p2p_smp_warn(s->o, "Callstacks.txt line %ld: skipped %ld line%s that %s no stack, the first has %s: '%s'",
                     bad_first, bad_count, bad_count == 1 ? "" : "s", bad_count == 1 ? "is" : "are", bad_why,
                     bad_text);
    return 0;
oom:
    return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory (Callstacks.txt line %ld)", lineno);
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
    p2p_buf_init(&s.line);
    char *symbols = NULL, *stacks = NULL;
    size_t nsymbols = 0, nstacks = 0;
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
    if ((rc = read_member(&s, "Symbols.txt", &symbols, &nsymbols)) < 0)
        goto done;
    if ((rc = parse_symbols(&s, symbols, nsymbols)) < 0)
        goto done;
    free(symbols);
    symbols = NULL;
    if ((rc = read_member(&s, "Callstacks.txt", &stacks, &nstacks)) < 0)
        goto done;
    if ((rc = parse_callstacks(&s, stacks, nstacks)) < 0)
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
    free(symbols);
    free(stacks);
    free(s.stack);
    p2p_buf_free(&s.line);
    p2p_u64map_free(&s.map);
    if (s.ids)
        p2p_intern_free(s.ids);
    if (s.ids_arena)
        p2p_arena_free(s.ids_arena);
    p2p_profile_free(s.p);
    s.z.discard(s.za);
    dlclose(s.z.handle);
    return rc < 0 ? rc : 0;
}
