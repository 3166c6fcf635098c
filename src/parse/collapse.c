/* Collapsed stacks (`-f collapse`): the input of FlameGraph's flamegraph.pl,
 * written by its stackcollapse-* scripts, py-spy, `perf script | ...`, as
 * gprof2dot's CollapseParser reads it.
 *
 * One stack a line, root first, frames separated by ';', then a space and
 * the number of samples:  `main;parse;lex 12`.  The count is what follows
 * the last space, read as Python's int() reads it.  A frame of the form
 * `FUNC (FILE:LINE)` (py-spy) is the function FUNC with module FILE and id
 * `FILE:FUNC`; any other frame is a function whose id and name are the
 * frame text, with no module.  The last frame gets the samples; every
 * distinct function of the stack gets them once as TOTAL_SAMPLES; each
 * adjacent pair gets them as a call's SAMPLES2.  The derived events come
 * later (P2P_DERIVE_SAMPLES, or P2P_DERIVE_SAMPLES_CALLSTACKS for
 * --total=callstacks, which crashes gprof2dot with a NameError).
 *
 * The input is read once, in place; nothing is allocated per line and
 * nothing recurses, so a stack of a million frames is only a long loop.
 *
 * Deliberate differences from gprof2dot, which crashes or misreads these:
 *  - UTF-16 input (LE or BE, with its byte-order mark) is transcoded, and a
 *    UTF-8 or UTF-16 byte-order mark is removed (gprof2dot keeps U+FEFF in
 *    the first frame's name, or fails on UTF-16BE); invalid UTF-8 becomes
 *    U+FFFD;
 *  - blank lines are skipped;
 *  - where gprof2dot's reading fails (no space, or no integer after the
 *    last space), trailing whitespace is dropped and the count may follow a
 *    tab and have a decimal fraction (`a;b\t2.5`), as flamegraph.pl allows;
 *    a line that still has no count is skipped with a warning;
 *  - an input with lines but not a single stack is an error (P2P_EFORMAT).
 */
#include <string.h>

#include "samples.h"

typedef p2p_uchar uchar;

/* The function of one frame (s[0..n), between ';'). */
static p2p_fid frame_function(p2p_smp_builder *b, void *ctx, size_t idx, const uchar *s, size_t n)
{
    (void)ctx;
    (void)idx;
    p2p_fid fid = p2p_smp_find(b, s, n, NULL, 0);
    if (fid != P2P_NONE)
        return fid;
    /* ^(?P<func>[^ ]+) \((?P<file>.*):(?P<line>[0-9]+)\)$ */
    const uchar *sp = n ? memchr(s, ' ', n) : NULL;
    size_t f = sp ? (size_t)(sp - s) : 0;
    if (f >= 1 && f + 3 < n && s[f + 1] == '(' && s[n - 1] == ')') {
        const uchar *colon = memrchr(s + f + 2, ':', n - 1 - (f + 2));
        if (colon) {
            size_t k = (size_t)(colon - s), i = k + 1;
            while (i < n - 1 && (unsigned)(s[i] - '0') < 10u)
                i++;
            if (i == n - 1 && i > k + 1) {
                const uchar *file = s + f + 2;
                size_t nfile = k - (f + 2);
                p2p_smp_fn fn = {file, s, nfile, f, ':', s, f, file, nfile, false, false, false};
                return p2p_smp_add(b, s, n, NULL, 0, &fn);
            }
        }
    }
    p2p_smp_fn fn = {s, NULL, n, 0, 0, s, n, NULL, 0, true, false, false};
    return p2p_smp_add(b, s, n, NULL, 0, &fn);
}

/* The stack and count of a line: gprof2dot's reading first, then the
 * lenient one.  false when the line has no count. */
static bool split_line(const uchar *s, size_t n, size_t *nstack, double *count)
{
    const uchar *sp = memrchr(s, ' ', n);
    if (sp && p2p_smp_number(sp + 1, n - (size_t)(sp + 1 - s), false, count)) {
        *nstack = (size_t)(sp - s);
        return true;
    }
    while (n && p2p_smp_ws(s[n - 1]))
        n--;
    size_t i = n;
    while (i && !p2p_smp_ws(s[i - 1]))
        i--;
    if (!i || !p2p_smp_number(s + i, n - i, true, count))
        return false;
    *nstack = i - 1;
    return true;
}

/* Collapsed stacks: one input.  See the top of this file.  Returns 0 with
 * *out set, or P2P_EUSAGE (not one input), P2P_EFORMAT (lines but no stack:
 * the first bad line is named), P2P_ENOMEM. */
int p2p_parse_collapse(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                       p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the collapse format reads one input, %zu were given", n);
    if (d)
        d->file = inputs[0].name;
    p2p_smp_builder b;
    p2p_smp_text t;
    int rc = p2p_smp_init(&b, frame_function, NULL, inputs[0].size, d);
    if (rc)
        return rc;
    rc = p2p_smp_text_init(&t, &inputs[0], d);
    b.line = &t.line;
    long bad_first = 0, bad_count = 0;
    char bad_text[96] = "";
    const uchar *s;
    size_t len;
    while (!rc && p2p_smp_text_next(&t, &s, &len)) {
        if (p2p_smp_blank(s, len))
            continue;
        size_t nstack;
        double count;
        if (!split_line(s, len, &nstack, &count)) {
            if (!bad_count++) {
                bad_first = t.line;
                p2p_smp_excerpt(s, len, bad_text, sizeof bad_text);
            }
            continue;
        }
        /* a stack seen before is added again without reading its frames */
        const p2p_smp_stack *st = p2p_smp_stack_find(&b, s, nstack);
        if (st) {
            p2p_smp_stack_replay(&b, st, count);
            continue;
        }
        const uchar *f = s, *end = s + nstack;
        for (;;) {
            const uchar *semi = memchr(f, ';', (size_t)(end - f));
            const uchar *fe = semi ? semi : end;
            if (p2p_smp_push(&b, f, (size_t)(fe - f)) < 0) {
                rc = P2P_ENOMEM;
                break;
            }
            if (!semi)
                break;
            f = semi + 1;
        }
        if (!rc && p2p_smp_commit(&b, count, false) < 0)
            rc = P2P_ENOMEM;
        if (!rc && p2p_smp_stack_save(&b, s, nstack, 1) < 0)
            rc = P2P_ENOMEM;
        if (rc)
            rc = p2p_diag_set(d, P2P_ENOMEM, t.line, -1, "out of memory");
    }
    if (!rc)
        rc = p2p_smp_finish(&b);
    if (!rc && bad_count) {
        if (!b.nstacks)
            rc = p2p_diag_set(d, P2P_EFORMAT, bad_first, -1,
                              "expected collapsed stacks such as 'main;parse;lex 12' (frames separated by "
                              "';', a space, a sample count), found '%s'",
                              bad_text);
        else
            p2p_smp_warn(o, "line %ld: skipped %ld line%s with no sample count after the stack, the first is '%s'",
                         bad_first, bad_count, bad_count == 1 ? "" : "s", bad_text);
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
