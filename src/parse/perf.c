/* Linux `perf script` text (`-f perf`), as gprof2dot's PerfParser reads it.
 *
 * An event is a header line (`prog 1234  56.789012:  500000 cpu-clock: `)
 * followed by its stack, one frame a line, the sampled function first, and
 * a blank line.  A frame line is
 *
 *     WS ADDRESS WS SYMBOL WS '(' MODULE ')'
 *
 * matched exactly as gprof2dot's regular expression does: ADDRESS is hex,
 * MODULE follows the last ` (` of the line (SYMBOL is greedy), SYMBOL loses
 * a trailing `+0x...` offset, and an empty or `[unknown]` SYMBOL is replaced
 * by ADDRESS.  A function's id is `SYMBOL:MODULE`, its name SYMBOL and its
 * module the last path component of MODULE.  Lines starting with `#` are
 * comments.  Each event is one sample whatever its period, and every event
 * in the file counts (gprof2dot's semantics; a warning names the events
 * when there are several, and opts->event keeps only one).  The derived
 * events come later (P2P_DERIVE_SAMPLES or P2P_DERIVE_SAMPLES_CALLSTACKS).
 *
 * The input is read once, line by line, in place; nothing is allocated per
 * line and nothing recurses, so a stack of a million frames is only a long
 * loop.
 *
 * Deliberate differences from gprof2dot, which crashes on these:
 *  - a recording without call graphs (`perf record` without -g), whose
 *    header lines end with the sampled `ADDRESS SYMBOL (MODULE)` and have no
 *    stack lines, gives one sample of that function per line (gprof2dot
 *    fails an assertion);
 *  - blank lines in a row, or lines of spaces, are only blank lines; an
 *    event header that follows a stack without a blank line starts a new
 *    event;
 *  - an indented line inside a stack that is not a frame (perf's srcline or
 *    brstack output, ...) is skipped with a warning;
 *  - a UTF-8 or UTF-16 (LE or BE) byte-order mark is removed, UTF-16 is
 *    transcoded, and invalid UTF-8 in names becomes U+FFFD;
 *  - an input with lines but not a single sample is an error
 *    (P2P_EFORMAT) rather than an empty graph.
 */
#include <stdio.h>
#include <string.h>

#include "samples.h"

typedef p2p_uchar uchar;

#define MAX_EVENTS 16

typedef struct frame {
    const uchar *addr, *sym, *mod;
    size_t naddr, nsym, nmod;
} frame;

typedef struct event_count {
    char name[64];
    size_t len;
    uint64_t count;
} event_count;

typedef struct perf {
    p2p_smp_builder b;
    p2p_smp_text t;
    const p2p_parse_opts *o;
    p2p_diag *d;
    /* the event being read */
    bool in_stack;        /* after a header, before its blank line */
    bool keep;            /* its samples count (opts->event) */
    bool pending;         /* its header carries a sampled frame */
    const uchar *inl;     /* that frame's text */
    size_t ninl;
    frame inlfr;          /* and the frame */
    const uchar *blk;     /* where its stack lines start */
    size_t blk_lines;     /* the frames pushed */
    bool blk_ok;          /* its stack may be cached: frame lines only */
    /* events seen */
    event_count ev[MAX_EVENTS];
    size_t nev;
    bool more_events;
    /* the first line that is not blank or a comment */
    long first_line;
    char first_text[96];
    /* the parsed frames of the stack being built, as pushed */
    frame *frv;
    size_t capfrv;
    /* indented lines in stacks that are not frames */
    long bad_first, bad_count;
    char bad_text[96];
} perf;

/* ---- frames --------------------------------------------------------- */

/* The position of the '(' that opens MODULE: the last '(' after whitespace
 * and before a final ')'.  0 when there is none (0 can never qualify). */
static size_t module_paren(const uchar *s, size_t n)
{
    if (n < 3 || s[n - 1] != ')')
        return 0;
    size_t end = n - 1; /* '(' must be before the final ')' */
    while (end > 1) {
        const uchar *q = memrchr(s + 1, '(', end - 1);
        if (!q)
            return 0;
        size_t f = (size_t)(q - s);
        if (p2p_smp_ws(s[f - 1]))
            return f;
        end = f;
    }
    return 0;
}

/* gprof2dot's frame pattern on s[start..n), where f = module_paren(s, n).
 * The captures follow Python's backtracking: the whitespace after ADDRESS is
 * greedy, then SYMBOL is greedy; with nothing between ADDRESS and " (",
 * SYMBOL is empty. */
static bool frame_at(const uchar *s, size_t start, size_t n, size_t f, frame *fr)
{
    /* f != 0 means the line ends with ')', which is neither whitespace nor
     * hex: the scans below stop before the end without bounds checks */
    if (!f || start >= n || !p2p_smp_ws(s[start]))
        return false;
    size_t i = start + 1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* perf pads addresses with spaces: skip them eight at a time */
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        w ^= 0x2020202020202020ULL;
        if (w) {
            i += (size_t)__builtin_ctzll(w) >> 3;
            break;
        }
        i += 8;
    }
#endif
    while (p2p_smp_ws(s[i]))
        i++;
    size_t a = i;
    while (p2p_smp_hex(s[i]))
        i++;
    if (i == a || !p2p_smp_ws(s[i]))
        return false;
    size_t j = i;
    if (f < j + 2)
        return false;
    size_t m = j + 1;
    while (p2p_smp_ws(s[m]))
        m++;
    fr->addr = s + a;
    fr->naddr = j - a;
    fr->sym = s + m;
    fr->nsym = f >= m + 1 ? f - 1 - m : 0;
    fr->mod = s + f + 1;
    fr->nmod = n - 1 - (f + 1);
    return true;
}

static bool parse_frame(const uchar *s, size_t n, frame *fr)
{
    return frame_at(s, 0, n, module_paren(s, n), fr);
}

/* A header of a recording without call graphs ends with the sampled frame
 * after the event name: `... cpu-clock:  7f30 do_lookup_x+0x360 (/lib/ld.so)`.
 * The frame starts after the last ':' for which the rest is a frame;
 * *head_len gets the length of the part before it. */
static bool inline_frame(const uchar *s, size_t n, frame *fr, size_t *head_len)
{
    size_t f = module_paren(s, n);
    if (!f)
        return false;
    for (size_t c = f; c-- > 0;) {
        if (s[c] == ':' && frame_at(s, c + 1, n, f, fr)) {
            *head_len = c + 1;
            return true;
        }
    }
    return false;
}

/* The function of a frame, found or created. */
static p2p_fid frame_function(p2p_smp_builder *b, const frame *fr)
{
    const uchar *name = fr->sym;
    size_t nn = fr->nsym;
    if (nn) {
        /* drop a trailing "+0x<hex>" */
        size_t k = nn;
        while (k > 0 && p2p_smp_hex(name[k - 1]))
            k--;
        if (k < nn && k >= 3 && name[k - 1] == 'x' && name[k - 2] == '0' && name[k - 3] == '+')
            nn = k - 3;
    }
    if (!nn || (nn == 9 && memcmp(name, "[unknown]", 9) == 0)) {
        name = fr->addr;
        nn = fr->naddr;
    }
    p2p_fid fid = p2p_smp_find(b, name, nn, fr->mod, fr->nmod);
    if (fid != P2P_NONE)
        return fid;
    const uchar *base = fr->mod;
    size_t nbase = fr->nmod;
    const uchar *slash = nbase ? memrchr(base, '/', nbase) : NULL;
    if (slash) {
        nbase -= (size_t)(slash + 1 - base);
        base = slash + 1;
    }
    p2p_smp_fn fn = {name, fr->mod, nn, fr->nmod, ':', name, nn, base, nbase, true, false, false};
    return p2p_smp_add(b, name, nn, fr->mod, fr->nmod, &fn);
}

/* The builder's resolver: the frame pushed i-th, parsed when pushed. */
static p2p_fid resolve(p2p_smp_builder *b, void *ctx, size_t i, const uchar *s, size_t n)
{
    (void)s;
    (void)n;
    const perf *ps = ctx;
    return frame_function(b, &ps->frv[i]);
}

/* ---- events --------------------------------------------------------- */

static int oom(perf *ps)
{
    return p2p_diag_set(ps->d, P2P_ENOMEM, ps->t.line, -1, "out of memory");
}

/* Push a frame line and its parse.  0 or P2P_ENOMEM. */
static int push_frame(perf *ps, const uchar *s, size_t n, const frame *fr)
{
    size_t i = ps->b.depth;
    if (i == ps->capfrv) {
        size_t cap = ps->capfrv ? ps->capfrv * 2 : 256;
        frame *v = realloc(ps->frv, cap * sizeof *v);
        if (!v)
            return P2P_ENOMEM;
        ps->frv = v;
        ps->capfrv = cap;
    }
    ps->frv[i] = *fr;
    return p2p_smp_push(&ps->b, s, n);
}

/* The event name of a header: its last word that ends with ':', without
 * the ':'.  Empty when there is none. */
static void event_name(const uchar *s, size_t n, const uchar **ev, size_t *nev)
{
    while (n && p2p_smp_ws(s[n - 1]))
        n--;
    size_t w = n;
    while (w && !p2p_smp_ws(s[w - 1]))
        w--;
    if (n > w + 1 && s[n - 1] == ':') {
        *ev = s + w;
        *nev = n - 1 - w;
    } else {
        *ev = s;
        *nev = 0;
    }
}

/* Count the header's event; false when opts->event excludes it. */
static bool note_event(perf *ps, const uchar *s, size_t n)
{
    const uchar *ev;
    size_t nev;
    event_name(s, n, &ev, &nev);
    if (nev >= sizeof ps->ev[0].name)
        nev = sizeof ps->ev[0].name - 1;
    size_t k = 0;
    for (; k < ps->nev; k++)
        if (ps->ev[k].len == nev && memcmp(ps->ev[k].name, ev, nev) == 0)
            break;
    if (k == ps->nev) {
        if (ps->nev < MAX_EVENTS) {
            memcpy(ps->ev[k].name, ev, nev);
            ps->ev[k].name[nev] = '\0';
            ps->ev[k].len = nev;
            ps->ev[k].count = 0;
            ps->nev++;
        } else {
            ps->more_events = true;
            k = MAX_EVENTS;
        }
    }
    if (k < MAX_EVENTS)
        ps->ev[k].count++;
    if (!ps->o || !ps->o->event)
        return true;
    return strlen(ps->o->event) == nev && memcmp(ps->o->event, ev, nev) == 0;
}

/* The end of an event: its stack (or the frame of its header) becomes a
 * sample. */
static int end_event(perf *ps)
{
    int rc = 0;
    if (ps->keep) {
        if (!ps->b.depth && ps->pending && push_frame(ps, ps->inl, ps->ninl, &ps->inlfr) < 0)
            return oom(ps);
        rc = p2p_smp_commit(&ps->b, 1.0, true);
        if (rc < 0)
            return oom(ps);
    }
    ps->b.depth = 0;
    ps->in_stack = false;
    ps->pending = false;
    return 0;
}

static void header(perf *ps, const uchar *s, size_t n)
{
    if (!ps->first_line) {
        ps->first_line = ps->t.line;
        p2p_smp_excerpt(s, n, ps->first_text, sizeof ps->first_text);
    }
    size_t head = n;
    ps->pending = inline_frame(s, n, &ps->inlfr, &head);
    ps->inl = s + head;
    ps->ninl = n - head;
    ps->keep = note_event(ps, s, head);
    ps->in_stack = true;
    ps->blk = ps->t.cur;
    ps->blk_lines = 0;
    ps->blk_ok = ps->keep && !ps->pending;
}

/* The stack that follows a header, when its text (the lines up to the
 * blank line) is one the builder has cached: added again without reading
 * its lines.  false when it is not. */
static bool replay_stack(perf *ps)
{
    const uchar *p = ps->t.cur, *e = ps->t.end, *q = p;
    size_t max = ps->b.stkmax;
    if (!max)
        return false;
    const uchar *stop = (size_t)(e - p) > max ? p + max : e;
    for (;;) {
        if (q >= e)
            return false;
        if (*q == '\n')
            break;
        if (!p2p_smp_ws(*q) || q >= stop)
            return false;
        const uchar *nl = memchr(q, '\n', (size_t)(stop - q));
        if (!nl)
            return false;
        q = nl + 1;
    }
    const p2p_smp_stack *st = p2p_smp_stack_find(&ps->b, p, (size_t)(q - p));
    if (!st)
        return false;
    p2p_smp_stack_replay(&ps->b, st, 1.0);
    ps->t.cur = q + 1;
    ps->t.line += (long)p2p_smp_stack_lines(st) + 1;
    ps->in_stack = false;
    return true;
}

/* The end of an event at the empty line s: its stack is cached when it was
 * frame lines only, each ending with a line feed. */
static int end_event_at(perf *ps, const uchar *s)
{
    bool ok = ps->blk_ok && ps->b.depth && ps->b.depth == ps->blk_lines && s < ps->t.end && *s == '\n' &&
              !memchr(ps->blk, '\r', (size_t)(s - ps->blk));
    size_t lines = ps->blk_lines;
    if (end_event(ps) < 0)
        return P2P_ENOMEM;
    if (ok && p2p_smp_stack_save(&ps->b, ps->blk, (size_t)(s - ps->blk), lines) < 0)
        return oom(ps);
    return 0;
}

static int parse_lines(perf *ps)
{
    const uchar *s;
    size_t n;
    while (p2p_smp_text_next(&ps->t, &s, &n)) {
        if (n && s[0] == '#') {
            ps->blk_ok = false;
            continue;
        }
        if (ps->in_stack) {
            if (n && p2p_smp_ws(s[0])) {
                /* after a header that carries its frame, only perf's
                 * tab-indented frame lines continue the event */
                frame fr;
                if ((!ps->pending || s[0] == '\t' || ps->b.depth) && parse_frame(s, n, &fr)) {
                    if (ps->keep && push_frame(ps, s, n, &fr) < 0)
                        return oom(ps);
                    ps->blk_lines++;
                    ps->pending = false;
                    continue;
                }
                ps->blk_ok = false;
                if (p2p_smp_blank(s, n)) {
                    if (end_event(ps) < 0)
                        return P2P_ENOMEM;
                    continue;
                }
                if (!ps->pending || ps->b.depth) {
                    if (!ps->bad_count++) {
                        ps->bad_first = ps->t.line;
                        p2p_smp_excerpt(s, n, ps->bad_text, sizeof ps->bad_text);
                    }
                    continue;
                }
            } else if (!n) {
                if (end_event_at(ps, s) < 0)
                    return P2P_ENOMEM;
                continue;
            }
            /* a line that starts a new event */
            if (end_event(ps) < 0)
                return P2P_ENOMEM;
        } else if (p2p_smp_blank(s, n)) {
            continue;
        }
        header(ps, s, n);
        if (ps->blk_ok && replay_stack(ps))
            continue;
    }
    if (ps->in_stack && end_event(ps) < 0)
        return P2P_ENOMEM;
    return 0;
}

static void list_events(perf *ps, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ps->nev && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s (%llu)", i ? ", " : "",
                              ps->ev[i].len ? ps->ev[i].name : "(unnamed)", (unsigned long long)ps->ev[i].count);
    if (ps->more_events && k < size)
        snprintf(buf + k, size - k, ", ...");
}

/* `perf script` text: one input.  See the top of this file for what is
 * read and how it differs from gprof2dot.  Returns 0 with *out set, or
 * P2P_EUSAGE (not one input; opts->event names no event of the file, the
 * message lists them), P2P_EFORMAT (lines but no sample, with the first
 * such line), P2P_ENOMEM. */
int p2p_parse_perf(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the perf format reads one input, %zu were given", n);
    perf *ps = calloc(1, sizeof *ps);
    if (!ps)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    ps->o = o;
    ps->d = d;
    if (d)
        d->file = inputs[0].name;
    int rc = p2p_smp_init(&ps->b, resolve, ps, inputs[0].size, d);
    if (!rc)
        rc = p2p_smp_text_init(&ps->t, &inputs[0], d);
    ps->b.line = &ps->t.line;
    if (!rc)
        rc = parse_lines(ps);
    if (!rc)
        rc = p2p_smp_finish(&ps->b);
    if (!rc) {
        char list[512];
        list_events(ps, list, sizeof list);
        if (!ps->b.nstacks && o && o->event && ps->nev) {
            rc = p2p_diag_set(d, P2P_EUSAGE, 0, -1, "no sample of event '%s'; the input has %s", o->event, list);
        } else if (!ps->b.nstacks && ps->first_line) {
            rc = p2p_diag_set(d, P2P_EFORMAT, ps->first_line, -1,
                              "expected `perf script` output: an event line such as 'prog 123 4.5: 1 "
                              "cycles:' followed by stack lines such as '\\t4005d6 main+0x10 (/bin/prog)', "
                              "but no stack was found; line %ld is '%s'",
                              ps->first_line, ps->first_text);
        } else {
            if (ps->bad_count)
                p2p_smp_warn(o, "line %ld: skipped %ld line%s inside stacks that %s not a frame "
                         "('ADDRESS SYMBOL (MODULE)'), the first is '%s'",
                     ps->bad_first, ps->bad_count, ps->bad_count == 1 ? "" : "s",
                     ps->bad_count == 1 ? "is" : "are", ps->bad_text);
            p2p_smp_note_repairs(&ps->b, o);
            if (ps->nev > 1 && !(o && o->event))
                p2p_smp_warn(o, "samples of %zu%s events are counted together: %s", ps->nev,
                     ps->more_events ? " or more" : "", list);
        }
    }
    if (!rc) {
        *out = ps->b.p;
        ps->b.p = NULL;
    }
    p2p_smp_text_free(&ps->t);
    p2p_smp_free(&ps->b);
    free(ps->frv);
    free(ps);
    return rc;
}
