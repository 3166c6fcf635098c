/* xperf CSV (`-f xperf`): the sampled stacks that Windows Performance
 * Toolkit's `xperf -i trace.etl -a dumper`-style exports write, as
 * gprof2dot's XPerfParser reads them.
 *
 *   Process Name, Module, Function, Stack, Weight, Count, ...
 *   app.exe, app.exe, work, [Root]/ntdll.dll!start/app.exe!main/app.exe!work, 1.000, 1, ...
 *
 * The first line names the columns; the columns are found by name, so any
 * order and any other columns will do.  Fields are split at every comma
 * (Python's csv module with QUOTE_NONE: a quote is an ordinary character)
 * and lose their leading spaces.  Per row: rows of process `Idle` are
 * skipped; the sampled function is MODULE!FUNCTION of the row's process
 * and gets Weight * Count self samples (SAMPLES), as does the profile; the
 * Stack, unless it is `?`, is `[Root]/frame/frame/...`, root first, each
 * frame MODULE!NAME, with the sampled function appended when it is not the
 * last frame; each adjacent pair of frames is a call that gets Count
 * (SAMPLES2).  A function's id is PROCESS!MODULE!NAME, its name what
 * follows the first `!` of its frame, its module what precedes it, and its
 * process the row's process.  The derived events come later, as for
 * callgrind (P2P_DERIVE_CALLGRIND: cycles, TIME_RATIO, call ratios from
 * SAMPLES2, integration).
 *
 * Deliberate differences from gprof2dot, which crashes on these:
 *  - blank lines are skipped (gprof2dot: an empty row, IndexError);
 *  - a row that lacks one of the six columns, or whose Weight or Count is
 *    not a finite number (or is beyond 2^63), is skipped with a warning
 *    naming its first line and the number of such rows;
 *  - Process Name, Module and Function are text even when they look like
 *    numbers (gprof2dot converts them and then fails to join them);
 *  - a Stack that does not start with `[Root]` is ignored (the row's self
 *    samples are kept) with a warning; a frame without `!` is a function
 *    named by the whole frame, with no module;
 *  - header names lose trailing whitespace, and a repeated column name
 *    keeps its first column (gprof2dot: an assertion fails);
 *  - a UTF-8 or UTF-16 byte-order mark is removed, UTF-16 is transcoded
 *    and invalid UTF-8 becomes U+FFFD (gprof2dot stops with a decoding
 *    error, or does not find `Process Name` after a UTF-8 mark);
 *  - a row with more fields than the header (a comma inside a field, such
 *    as a C++ template argument list) is read by position as gprof2dot
 *    reads it, with one warning for the input.
 *
 * The input is read once, in place; nothing recurses.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samples.h"
#include "../util/utf8.h"

typedef unsigned char uchar;

enum { C_PROCESS, C_MODULE, C_FUNCTION, C_STACK, C_WEIGHT, C_COUNT, NCOLS };
static const char *const col_names[NCOLS] = {"Process Name", "Module", "Function", "Stack", "Weight", "Count"};

typedef struct span {
    size_t a, n; /* offset in the line and length */
} span;

/* A kind of bad row: how many, and the first. */
typedef struct badrows {
    unsigned long count;
    long line;
    char text[96];
} badrows;

/* The call last looked up into a function, from which caller. */
typedef struct call_memo {
    uint32_t caller1; /* the caller + 1; 0: none */
    uint32_t call;
} call_memo;

typedef struct xp {
    const p2p_parse_opts *o;
    p2p_smp_builder b;    /* its function cache, profile and stack cache */
    p2p_profile *p;       /* b.p */
    span *f;
    size_t nf, capf;
    p2p_buf tmp;
    p2p_buf key;          /* a row's stack-cache key */
    p2p_buf sym;          /* a row's MODULE!FUNCTION */
    size_t repairs;
    long repair_line;
    long line;
    call_memo *memo;      /* by callee */
    size_t capmemo;
    uint32_t *rec;        /* what a row added: its function, its calls */
    size_t nrec, caprec;
} xp;

static void warnf(const xp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const xp *x, const char *fmt, ...)
{
    if (!x->o || !x->o->warn)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->o->warn(x->o->warn_ctx, msg);
}

static void note(badrows *b, long line, const uchar *s, size_t n)
{
    if (!b->count++) {
        b->line = line;
        p2p_smp_excerpt(s, n, b->text, sizeof b->text);
    }
}

/* Split s[0..n) at commas, each field without its leading spaces (csv's
 * skipinitialspace).  0 or P2P_ENOMEM. */
static int split(xp *x, const uchar *s, size_t n)
{
    x->nf = 0;
    size_t i = 0;
    for (;;) {
        while (i < n && s[i] == ' ')
            i++;
        const uchar *c = i < n ? memchr(s + i, ',', n - i) : NULL;
        size_t e = c ? (size_t)(c - s) : n;
        if (x->nf == x->capf) {
            size_t cap = x->capf ? x->capf * 2 : 32;
            span *f = realloc(x->f, cap * sizeof *f);
            if (!f)
                return P2P_ENOMEM;
            x->f = f;
            x->capf = cap;
        }
        x->f[x->nf++] = (span){i, e - i};
        if (!c)
            return 0;
        i = e + 1;
    }
}

/* Python's int() or, failing that, float() of s[0..n), limited to finite
 * values within 2^63: surrounding whitespace, a sign, digits with single
 * underscores between them, an optional fraction and exponent.  `inf` and
 * `nan`, which Python takes, are refused. */
static bool number(const uchar *s, size_t n, double *out)
{
    size_t i = 0;
    while (i < n && p2p_smp_ws(s[i]))
        i++;
    while (n > i && p2p_smp_ws(s[n - 1]))
        n--;
    char buf[128];
    size_t k = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        buf[k++] = (char)s[i++];
    size_t digits = 0;
    /* digits, with single underscores between digits; then the same after
     * a '.', then after an 'e' */
    int part = 0;
    bool prev_digit = false;
    while (i < n) {
        uchar c = s[i];
        if ((unsigned)(c - '0') < 10u) {
            if (k >= sizeof buf - 2)
                return false;
            buf[k++] = (char)c;
            prev_digit = true;
            if (part < 2)
                digits++;
            i++;
        } else if (c == '_' && prev_digit && i + 1 < n && (unsigned)(s[i + 1] - '0') < 10u) {
            i++;
        } else if (c == '.' && part == 0) {
            buf[k++] = '.';
            part = 1;
            prev_digit = false;
            i++;
        } else if ((c == 'e' || c == 'E') && part < 2 && digits) {
            buf[k++] = 'e';
            part = 2;
            prev_digit = false;
            i++;
            if (i < n && (s[i] == '+' || s[i] == '-'))
                buf[k++] = (char)s[i++];
            if (i >= n || (unsigned)(s[i] - '0') >= 10u)
                return false;
        } else {
            return false;
        }
    }
    if (!digits)
        return false;
    buf[k] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v) || fabs(v) > 9.2e18)
        return false;
    *out = v;
    return true;
}

/* Append s[0..n) to b, invalid UTF-8 and NUL replaced by U+FFFD. */
static void put(xp *x, p2p_buf *b, const uchar *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] < 0x80 && s[i])
        i++;
    if (i == n || (p2p_utf8_valid((const char *)s + i, n - i) && !memchr(s + i, 0, n - i))) {
        p2p_buf_append(b, s, n);
        return;
    }
    if (p2p_utf8_repair(b, (const char *)s, n, true) && !x->repairs++)
        x->repair_line = x->line;
}

static const char *intern_buf(xp *x, p2p_buf *b)
{
    if (b->oom)
        return NULL;
    return p2p_profile_intern(x->p, b->len ? b->data : "", b->len);
}

/* The function of `frame` in `process` (raw bytes), created with SAMPLES 0
 * when new; `transient`: the frame's bytes do not stay in memory.  Found
 * in the builder's cache under the raw key (process, frame).  P2P_NONE
 * when out of memory. */
static p2p_fid get_function(xp *x, const uchar *process, size_t np, const uchar *frame, size_t nf, bool transient)
{
    p2p_fid f = p2p_smp_find(&x->b, process, np, frame, nf);
    if (f != P2P_NONE)
        return f;
    const uchar *bang = nf ? memchr(frame, '!', nf) : NULL;
    p2p_smp_fn fn = {process, frame, np, nf, '!', frame, nf, NULL, 0, true, true, transient};
    if (bang) {
        fn.module = frame;
        fn.nmodule = (size_t)(bang - frame);
        fn.name = bang + 1;
        fn.nname = nf - (size_t)(bang + 1 - frame);
    }
    f = p2p_smp_add(&x->b, process, np, frame, nf, &fn);
    if (f == P2P_NONE)
        return P2P_NONE;
    p2p_function *fp = &x->p->functions[f];
    if (!fp->process) {
        /* new (a function found by its id has its process) */
        x->tmp.len = 0;
        put(x, &x->tmp, process, np);
        if (!(fp->process = intern_buf(x, &x->tmp)))
            return P2P_NONE;
    }
    return f;
}

/* Note a number of what the row adds (for the stack cache).  0 or
 * P2P_ENOMEM. */
static int record(xp *x, uint32_t v)
{
    if (x->nrec == x->caprec) {
        size_t cap = x->caprec ? x->caprec * 2 : 64;
        uint32_t *r = realloc(x->rec, cap * sizeof *r);
        if (!r)
            return P2P_ENOMEM;
        x->rec = r;
        x->caprec = cap;
    }
    x->rec[x->nrec++] = v;
    return 0;
}

/* The call caller->callee gets `count` more SAMPLES2.  0 or P2P_ENOMEM. */
static int add_call(xp *x, p2p_fid caller, p2p_fid callee, double count)
{
    if (callee >= x->capmemo) {
        size_t cap = x->capmemo ? x->capmemo : 1024;
        while (cap <= callee)
            cap *= 2;
        call_memo *m = realloc(x->memo, cap * sizeof *m);
        if (!m)
            return P2P_ENOMEM;
        memset(m + x->capmemo, 0, (cap - x->capmemo) * sizeof *m);
        x->memo = m;
        x->capmemo = cap;
    }
    /* most functions are called from the same place again and again */
    call_memo *m = &x->memo[callee];
    uint32_t c;
    if (m->caller1 == caller + 1) {
        c = m->call;
    } else {
        c = p2p_profile_get_call(x->p, caller, callee, NULL);
        if (c == P2P_NONE)
            return P2P_ENOMEM;
        m->caller1 = caller + 1;
        m->call = c;
    }
    p2p_ev_add(&x->p->calls[c].ev, P2P_SAMPLES2, count);
    return record(x, c);
}

static bool span_is(const uchar *s, span f, const char *w)
{
    size_t k = strlen(w);
    return f.n == k && memcmp(s + f.a, w, k) == 0;
}

/* The stack of one row: frames after `[Root]`, root first, then the
 * sampled function when it is not the last frame.  0 or P2P_ENOMEM. */
static int add_stack(xp *x, const uchar *proc, size_t np, const uchar *st, size_t ns, const uchar *sym,
                     size_t nsym, double count)
{
    p2p_fid caller = P2P_NONE;
    const uchar *last = NULL;
    size_t nlast = 0;
    /* Python's stack.split('/')[1:]: "[Root]" has no frames, "[Root]/"
     * one empty frame */
    for (size_t i = 7; ns > 6;) {
        const uchar *sl = i < ns ? memchr(st + i, '/', ns - i) : NULL;
        size_t e = sl ? (size_t)(sl - st) : ns;
        last = st + i;
        nlast = e - i;
        p2p_fid callee = get_function(x, proc, np, last, nlast, false);
        if (callee == P2P_NONE)
            return P2P_ENOMEM;
        if (caller != P2P_NONE && add_call(x, caller, callee, count) < 0)
            return P2P_ENOMEM;
        caller = callee;
        if (!sl)
            break;
        i = e + 1;
    }
    if (!last || nlast != nsym || memcmp(last, sym, nsym) != 0) {
        p2p_fid callee = get_function(x, proc, np, sym, nsym, true);
        if (callee == P2P_NONE)
            return P2P_ENOMEM;
        if (caller != P2P_NONE && add_call(x, caller, callee, count) < 0)
            return P2P_ENOMEM;
    }
    return 0;
}

int p2p_parse_xperf(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                    p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the xperf format reads one input, %zu were given", n);
    if (d && !d->file)
        d->file = inputs[0].name;
    p2p_smp_text t;
    int rc = p2p_smp_text_init(&t, &inputs[0], d);
    if (rc)
        return rc;
    xp x;
    memset(&x, 0, sizeof x);
    x.o = o;
    p2p_buf_init(&x.tmp);
    p2p_buf_init(&x.key);
    p2p_buf_init(&x.sym);
    rc = p2p_smp_init(&x.b, NULL, NULL, inputs[0].size, d);
    if (rc) {
        p2p_smp_text_free(&t);
        return rc;
    }
    x.b.line = &t.line;
    x.p = x.b.p;

    size_t col[NCOLS] = {0}, ncols = 0, need = 0; /* set by the header row, which comes first */
    bool header = false;
    badrows short_rows = {0}, bad_weight = {0}, bad_count = {0}, no_root = {0}, long_rows = {0};
    unsigned long rows = 0;
    const uchar *s;
    size_t len;
    while (p2p_smp_text_next(&t, &s, &len)) {
        x.line = t.line;
        if (p2p_smp_blank(s, len))
            continue;
        if (split(&x, s, len) < 0) {
            rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
            goto done;
        }
        if (!header) {
            header = true;
            ncols = x.nf;
            for (int k = 0; k < NCOLS; k++)
                col[k] = SIZE_MAX;
            for (size_t i = 0; i < x.nf; i++) {
                span f = x.f[i];
                while (f.n && p2p_smp_ws(s[f.a + f.n - 1]))
                    f.n--;
                for (int k = 0; k < NCOLS; k++) {
                    if (!span_is(s, f, col_names[k]))
                        continue;
                    if (col[k] == SIZE_MAX)
                        col[k] = i;
                    else
                        warnf(&x, "line %ld: the column '%s' appears twice; the first one is used", t.line,
                              col_names[k]);
                }
            }
            for (int k = 0; k < NCOLS; k++) {
                if (col[k] != SIZE_MAX) {
                    if (col[k] + 1 > need)
                        need = col[k] + 1;
                    continue;
                }
                char q[96];
                p2p_smp_excerpt(s, len, q, sizeof q);
                rc = p2p_diag_set(d, P2P_EFORMAT, t.line, -1,
                                  "expected an xperf CSV header naming the columns Process Name, Module, Function, "
                                  "Stack, Weight and Count, but there is no '%s' column in '%s'",
                                  col_names[k], q);
                goto done;
            }
            continue;
        }
        if (x.nf < need) {
            note(&short_rows, t.line, s, len);
            continue;
        }
        if (x.nf > ncols)
            note(&long_rows, t.line, s, len);
        span fw = x.f[col[C_WEIGHT]], fc = x.f[col[C_COUNT]];
        double weight, count;
        if (!number(s + fw.a, fw.n, &weight)) {
            note(&bad_weight, t.line, s, len);
            continue;
        }
        if (!number(s + fc.a, fc.n, &count)) {
            note(&bad_count, t.line, s, len);
            continue;
        }
        rows++;
        span fp = x.f[col[C_PROCESS]];
        if (span_is(s, fp, "Idle"))
            continue;
        span fm = x.f[col[C_MODULE]], ff = x.f[col[C_FUNCTION]], fs = x.f[col[C_STACK]];
        const uchar *ps = s + fp.a, *st = s + fs.a;
        double w = weight * count;
        bool rooted = fs.n >= 6 && memcmp(st, "[Root]", 6) == 0 && (fs.n == 6 || st[6] == '/');
        /* Rows repeat (one a sample): a row whose process, stack, module
         * and function (no field holds a comma) were seen before adds the
         * same function's samples and the same calls' counts again. */
        x.key.len = 0;
        if (rooted) {
            p2p_buf_append(&x.key, ps, fp.n);
            p2p_buf_putc(&x.key, ',');
            p2p_buf_append(&x.key, st, fs.n);
            p2p_buf_putc(&x.key, ',');
            p2p_buf_append(&x.key, s + fm.a, fm.n);
            p2p_buf_putc(&x.key, ',');
            p2p_buf_append(&x.key, s + ff.a, ff.n);
            if (x.key.oom) {
                rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
                goto done;
            }
            size_t nv;
            const uint32_t *v = p2p_smp_memo_find(&x.b, (const uchar *)x.key.data, x.key.len, &nv);
            if (v) {
                x.p->functions[v[0]].ev.v[P2P_SAMPLES] += w;
                x.p->ev.v[P2P_SAMPLES] += w;
                for (size_t i = 1; i < nv; i++)
                    p2p_ev_add(&x.p->calls[v[i]].ev, P2P_SAMPLES2, count);
                continue;
            }
        }
        /* the symbol MODULE!FUNCTION, in a buffer of its own */
        x.sym.len = 0;
        p2p_buf_append(&x.sym, s + fm.a, fm.n);
        p2p_buf_putc(&x.sym, '!');
        p2p_buf_append(&x.sym, s + ff.a, ff.n);
        if (x.sym.oom) {
            rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
            goto done;
        }
        p2p_fid fid = get_function(&x, ps, fp.n, (const uchar *)x.sym.data, x.sym.len, true);
        if (fid == P2P_NONE) {
            rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
            goto done;
        }
        x.p->functions[fid].ev.v[P2P_SAMPLES] += w;
        x.p->ev.v[P2P_SAMPLES] += w;
        if (!(fs.n == 1 && st[0] == '?')) {
            if (!rooted) {
                note(&no_root, t.line, s, len);
            } else {
                x.nrec = 0;
                if (record(&x, fid) < 0 ||
                    add_stack(&x, ps, fp.n, st, fs.n, (const uchar *)x.sym.data, x.sym.len, count) < 0 ||
                    p2p_smp_memo_save(&x.b, (const uchar *)x.key.data, x.key.len, x.rec, x.nrec) < 0) {
                    rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
                    goto done;
                }
            }
        }
    }
    if (!header) {
        rc = p2p_diag_set(d, P2P_EFORMAT, 0, -1,
                          "expected an xperf CSV header naming the columns Process Name, Module, Function, Stack, "
                          "Weight and Count, but the input is empty");
        goto done;
    }
    if (short_rows.count)
        warnf(&x, "line %ld: skipped %lu row%s with fewer fields than the columns needed, the first is '%s'",
              short_rows.line, short_rows.count, short_rows.count == 1 ? "" : "s", short_rows.text);
    if (bad_weight.count)
        warnf(&x, "line %ld: skipped %lu row%s whose Weight is not a finite number, the first is '%s'",
              bad_weight.line, bad_weight.count, bad_weight.count == 1 ? "" : "s", bad_weight.text);
    if (bad_count.count)
        warnf(&x, "line %ld: skipped %lu row%s whose Count is not a finite number, the first is '%s'",
              bad_count.line, bad_count.count, bad_count.count == 1 ? "" : "s", bad_count.text);
    if (no_root.count)
        warnf(&x, "line %ld: ignored the Stack of %lu row%s that does not start with '[Root]', the first is '%s'",
              no_root.line, no_root.count, no_root.count == 1 ? "" : "s", no_root.text);
    if (long_rows.count)
        warnf(&x, "line %ld: %lu row%s more fields than the header (a comma inside a field?); columns are "
                  "taken by position, as gprof2dot does; the first is '%s'",
              long_rows.line, long_rows.count, long_rows.count == 1 ? " has" : "s have", long_rows.text);
    if (!rows)
        warnf(&x, "no sample rows after the header: the graph is empty");
    if (x.repairs || x.b.repairs)
        warnf(&x, "line %ld: invalid UTF-8 was replaced by U+FFFD (the first)",
              x.b.repairs && (!x.repairs || x.b.repair_line < x.repair_line) ? x.b.repair_line : x.repair_line);
    if (o && o->event)
        warnf(&x, "this input has samples of one unnamed event: the event '%s' asked for is ignored", o->event);
    if (x.tmp.oom)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
done:
    if (!rc) {
        *out = x.b.p;
        x.b.p = NULL;
    }
    p2p_smp_free(&x.b);
    free(x.f);
    free(x.memo);
    free(x.rec);
    p2p_buf_free(&x.tmp);
    p2p_buf_free(&x.key);
    p2p_buf_free(&x.sym);
    p2p_smp_text_free(&t);
    return rc;
}
