/* DTrace aggregated stacks (`-f dtrace`): the output of
 * `dtrace -n 'profile-97 { @[ustack()] = count(); }'`, as gprof2dot's
 * DtraceParser reads it.
 *
 * Each stack is its frames, one a line, the sampled function first, then a
 * line holding its count.  A frame line is indented and reads
 * `MODULE`SYMBOL`: MODULE runs to the last backtick, SYMBOL loses a
 * trailing `+0x...` offset.  A function's id is `SYMBOL:MODULE`, its name
 * SYMBOL and its module the last path component of MODULE.  Blank lines are
 * skipped, and so are a line starting with `CPU` that is not a frame
 * (dtrace's column header) and the line after it, wherever they appear, as
 * in gprof2dot.  The derived events come later (P2P_DERIVE_SAMPLES or
 * P2P_DERIVE_SAMPLES_CALLSTACKS).
 *
 * The input is read once, in place; nothing is allocated per line and
 * nothing recurses.
 *
 * Deliberate differences from gprof2dot, which crashes on these or loses
 * data:
 *  - a frame whose text starts with CPU (CPUThrottle`run) is a frame, not
 *    dtrace's column header (gprof2dot drops it and the line after it);
 *  - a frame without a backtick (dtrace prints an unresolved address as
 *    `0x7fff5fc01000`) is a function named by its text, with no module;
 *  - a backtick frame that is not indented is still a frame;
 *  - any other line that is neither a frame nor a count is skipped with a
 *    warning, and so are the frames of a last stack that has no count;
 *  - a UTF-8 or UTF-16 (LE or BE) byte-order mark is removed, UTF-16 is
 *    transcoded, and invalid UTF-8 (dtrace output can be Latin-1) becomes
 *    U+FFFD;
 *  - an input with lines but not a single stack is an error (P2P_EFORMAT).
 */
#include <string.h>

#include "samples.h"

typedef p2p_uchar uchar;

/* The function of a backtick frame: MODULE is s[m..bt), SYMBOL s[bt+1..n). */
static p2p_fid tick_function(p2p_smp_builder *b, const uchar *s, size_t m, size_t bt, size_t n)
{
    const uchar *mod = s + m, *sym = s + bt + 1;
    size_t nmod = bt - m, nsym = n - bt - 1;
    if (nsym) {
        /* drop a trailing "+0x<hex>" */
        size_t k = nsym;
        while (k > 0 && p2p_smp_hex(sym[k - 1]))
            k--;
        if (k < nsym && k >= 3 && sym[k - 1] == 'x' && sym[k - 2] == '0' && sym[k - 3] == '+')
            nsym = k - 3;
    }
    /* keyed (MODULE, SYMBOL): SYMBOL never holds a backtick, which keeps
     * these keys apart from those of bare frames below */
    p2p_fid fid = p2p_smp_find(b, mod, nmod, sym, nsym);
    if (fid != P2P_NONE)
        return fid;
    const uchar *base = mod;
    size_t nbase = nmod;
    const uchar *slash = nbase ? memrchr(base, '/', nbase) : NULL;
    if (slash) {
        nbase -= (size_t)(slash + 1 - base);
        base = slash + 1;
    }
    p2p_smp_fn fn = {sym, mod, nsym, nmod, ':', sym, nsym, base, nbase, true, false, false};
    return p2p_smp_add(b, mod, nmod, sym, nsym, &fn);
}

/* A frame without a backtick: its (trimmed) text names it. */
static p2p_fid bare_function(p2p_smp_builder *b, const uchar *s, size_t n)
{
    p2p_fid fid = p2p_smp_find(b, s, n, (const uchar *)"`", 1);
    if (fid != P2P_NONE)
        return fid;
    p2p_smp_fn fn = {s, NULL, n, 0, 0, s, n, NULL, 0, true, false, false};
    return p2p_smp_add(b, s, n, (const uchar *)"`", 1, &fn);
}

/* The builder's resolver: a pushed frame line. */
static p2p_fid resolve(p2p_smp_builder *b, void *ctx, size_t k, const uchar *s, size_t n)
{
    (void)ctx;
    (void)k;
    size_t i = 0, e = n;
    while (i < e && p2p_smp_ws(s[i]))
        i++;
    const uchar *bt = memrchr(s + i, '`', n - i);
    if (bt)
        return tick_function(b, s, i, (size_t)(bt - s), n);
    while (e > i && p2p_smp_ws(s[e - 1]))
        e--;
    return bare_function(b, s + i, e - i);
}

/* The end of the stack whose first frame line starts at p (the line just
 * read): the start of the first line after it whose first character after
 * whitespace is a digit or a sign (as that of every count line is), within
 * P2P_SMP_STACK_MAX bytes and before any carriage return; *lines gets the
 * lines before it.  NULL when there is none.  As no count line can come
 * before the end, the stack read next starts after it: the scans of two
 * stacks never overlap. */
static const uchar *stack_end(const p2p_smp_text *t, const uchar *p, size_t *lines)
{
    const uchar *e = t->end, *stop = (size_t)(e - p) > P2P_SMP_STACK_MAX ? p + P2P_SMP_STACK_MAX : e;
    /* the window holds the first carriage return at or after p, if any */
    const uchar *cr = t->cr_next ? t->cr_next : t->cr_upto;
    if (cr < stop)
        stop = cr;
    size_t k = 0;
    for (const uchar *q = p;;) {
        const uchar *nl = memchr(q, '\n', (size_t)(stop - q));
        if (!nl)
            return NULL;
        k++;
        q = nl + 1;
        const uchar *c = q;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* dtrace indents by many spaces: skip them eight at a time */
        while (c + 8 <= e) {
            uint64_t w;
            memcpy(&w, c, 8);
            w ^= 0x2020202020202020ULL;
            if (w) {
                c += (size_t)__builtin_ctzll(w) >> 3;
                break;
            }
            c += 8;
        }
#endif
        while (c < e && *c != '\n' && p2p_smp_ws(*c))
            c++;
        if (c < e && ((unsigned)(*c - '0') < 10u || *c == '+' || *c == '-')) {
            *lines = k;
            return q;
        }
    }
}

/* The stack whose first frame line starts at p, its text [p, end) spanning
 * `lines` lines, when the builder has cached that text and the line at end
 * is a count that ends with a line feed: added again, and the text is read
 * on after the count line.  false when it is not. */
static bool replay_stack(p2p_smp_builder *b, p2p_smp_text *t, const uchar *p, const uchar *end, size_t lines)
{
    const p2p_smp_stack *st = p2p_smp_stack_find(b, p, (size_t)(end - p));
    if (!st)
        return false;
    const uchar *nl = memchr(end, '\n', (size_t)(t->end - end));
    size_t n = nl ? (size_t)(nl - end) : (size_t)(t->end - end);
    double count;
    if (memchr(end, '\r', n) || memchr(end, '`', n) || !p2p_smp_number(end, n, false, &count))
        return false;
    p2p_smp_stack_replay(b, st, count);
    /* the first line was read already */
    t->cur = nl ? nl + 1 : t->end;
    t->line += (long)lines;
    return true;
}

/* DTrace stacks: one input.  See the top of this file.  Returns 0 with *out
 * set, or P2P_EUSAGE (not one input), P2P_EFORMAT (lines but no stack: the
 * first line is named), P2P_ENOMEM. */
int p2p_parse_dtrace(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                     p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the dtrace format reads one input, %zu were given", n);
    if (d)
        d->file = inputs[0].name;
    p2p_smp_builder b;
    p2p_smp_text t;
    int rc = p2p_smp_init(&b, resolve, NULL, inputs[0].size, d);
    if (rc)
        return rc;
    rc = p2p_smp_text_init(&t, &inputs[0], d);
    b.line = &t.line;
    long bad_first = 0, bad_count = 0, first_line = 0, stack_line = 0;
    char bad_text[96] = "", first_text[96] = "";
    bool skip_next = false;
    /* the stack being read, for the stack cache: where its first frame
     * line starts, where stack_end() says it ends and the lines before */
    const uchar *blk = NULL, *blk_end = NULL;
    size_t blk_lines = 0;
    const uchar *s;
    size_t len;
    while (!rc && p2p_smp_text_next(&t, &s, &len)) {
        if (skip_next) {
            skip_next = false;
            continue;
        }
        size_t i = 0, e = len;
        while (i < e && p2p_smp_ws(s[i]))
            i++;
        while (e > i && p2p_smp_ws(s[e - 1]))
            e--;
        if (i == e)
            continue;
        /* dtrace's column header, "CPU  ID  FUNCTION:NAME": it and the
         * line after it are skipped (a frame such as CPUThrottle`run is
         * not a header, unlike in gprof2dot) */
        if (e - i >= 3 && memcmp(s + i, "CPU", 3) == 0 && !memchr(s + i, '`', e - i)) {
            skip_next = true;
            continue;
        }
        if (!first_line) {
            first_line = t.line;
            p2p_smp_excerpt(s, len, first_text, sizeof first_text);
        }
        double count;
        if (!memchr(s + i, '`', len - i)) {
            if (p2p_smp_number(s, len, false, &count)) {
                /* the stack is cached when its lines were all frames, each
                 * ending with a line feed, and stack_end() ends it here */
                bool save = b.depth && blk_end == s && b.depth == blk_lines && !memchr(blk, '\r', (size_t)(s - blk));
                if (p2p_smp_commit(&b, count, true) < 0 ||
                    (save && p2p_smp_stack_save(&b, blk, (size_t)(s - blk), blk_lines) < 0))
                    rc = P2P_ENOMEM;
                continue;
            }
            if (i == 0) {
                if (!bad_count++) {
                    bad_first = t.line;
                    p2p_smp_excerpt(s, len, bad_text, sizeof bad_text);
                }
                continue;
            }
        }
        if (!b.depth) {
            blk = s;
            blk_end = stack_end(&t, s, &blk_lines);
            if (blk_end && replay_stack(&b, &t, s, blk_end, blk_lines))
                continue;
        }
        if (p2p_smp_push(&b, s, len) < 0)
            rc = P2P_ENOMEM;
        if (b.depth == 1)
            stack_line = t.line;
    }
    if (rc == P2P_ENOMEM)
        rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
    if (!rc)
        rc = p2p_smp_finish(&b);
    if (!rc && b.depth)
        p2p_smp_warn(o, "line %ld: the last stack (%zu frame%s) has no count line after it and is left out",
                     stack_line, b.depth, b.depth == 1 ? "" : "s");
    if (!rc && !b.nstacks && first_line) {
        rc = p2p_diag_set(d, P2P_EFORMAT, bad_count ? bad_first : first_line, -1,
                          "expected DTrace stacks: indented frames such as 'prog`main+0x1c', each stack "
                          "followed by a line with its count, but no stack was found; line %ld is '%s'",
                          bad_count ? bad_first : first_line, bad_count ? bad_text : first_text);
    } else if (!rc && bad_count) {
        p2p_smp_warn(o, "line %ld: skipped %ld line%s that %s neither a frame nor a count, the first is '%s'",
                     bad_first, bad_count, bad_count == 1 ? "" : "s", bad_count == 1 ? "is" : "are", bad_text);
    }
    if (!rc) {
        if (o && o->event)
            p2p_smp_warn(o, "this input has samples of one unnamed event: the event '%s' asked for is ignored",
                         o->event);
        p2p_smp_note_repairs(&b, o);
        *out = b.p;
        b.p = NULL;
    }
    p2p_smp_text_free(&t);
    p2p_smp_free(&b);
    return rc;
}
