/* Java HPROF text output (`-f hprof`): what `java -agentlib:hprof=cpu=samples`
 * (or cpu=times) writes to java.hprof.txt, as gprof2dot's HProfParser reads
 * it.
 *
 *   JAVA PROFILE 1.0.1, created ...        (a header that describes the
 *   ...                                     records, itself mentioning
 *   --------                                "TRACE" and "CPU SAMPLES")
 *   THREAD START (...)
 *   TRACE 300123:
 *   <TAB>java.lang.Object.wait(Object.java:Unknown line)    <- sampled frame
 *   <TAB>java.lang.ref.ReferenceQueue.remove(ReferenceQueue.java:118)
 *   TRACE 300124:
 *   ...
 *   CPU SAMPLES BEGIN (total = 3003) Fri Dec 18 16:33:00 2009
 *   rank   self  accum   count trace method
 *      1 78.94% 78.94%    2370 300123 java.lang.Object.wait
 *   CPU SAMPLES END
 *
 * Reading, as gprof2dot does: everything up to the first line starting with
 * "------" is the header; then lines are skipped up to the first starting
 * with "TRACE "; TRACE records follow one another, each a `TRACE N:` line
 * and its frame lines, which start with a tab and read `\tNAME(FILE:LINE)`
 * (NAME runs to the last '(' that has a ':' and then a ')' after it).  A
 * tab line that is not such a frame (`\t<empty>`) ends its trace; any line
 * after a trace that is not a TRACE line (a second such tab line, a THREAD
 * record) ends, as in gprof2dot, the reading of traces (a warning says how
 * many TRACE records this drops).  Lines are then skipped up to one starting with "CPU": that
 * line and the column header after it open the table, whose rows
 * `rank self accum count trace method` run to the next line starting with
 * "CPU".  A trace id given twice keeps its first place and its last frames;
 * a row naming a trace twice, its last count.
 *
 * The profile: for each trace (in the order their ids first appeared) that
 * has a row, its count is the first frame's SAMPLES (and the profile's),
 * and each next frame calls the one before it: the call gets the count as
 * SAMPLES2.  Functions are their names (id = name), created with SAMPLES 0
 * as their trace is walked; calls are created with SAMPLES, SAMPLES2 and
 * CALLS 0, so each edge shows "0×" as in gprof2dot.  A frame after a frame
 * with an empty name gets the count as SAMPLES too (gprof2dot tests the
 * previous name for truth).  The derived events come later
 * (P2P_DERIVE_CALLGRIND: cycles, TIME_RATIO, call ratios, integration).
 *
 * The input is read once, in place, and goes back to the file as it is read
 * (p2p_input_consumed); each frame's name is interned as it is read and a
 * frame is kept as its name's index (the name entry's value caches its
 * function); a hash table maps trace ids to traces; nothing recurses.
 *
 * Deliberate differences from gprof2dot, which loops forever, crashes with a
 * traceback or dies decoding on these:
 *  - no "------" line, no TRACE record, or no "CPU" line after the traces:
 *    an error naming what was expected (gprof2dot loops forever);
 *  - the table running to the end of the input without its closing "CPU"
 *    line: an error (P2P_ETRUNCATED; gprof2dot dies with ValueError);
 *  - a `TRACE N:` line with more after the colon (`TRACE 1: (thread=1)`,
 *    older JDKs) is read; one without a number is skipped with its frames
 *    and a warning (gprof2dot dies with AttributeError);
 *  - a table row that is not six fields with integer count and trace is
 *    skipped with a warning naming its line (gprof2dot dies with
 *    ValueError); blank rows are skipped silently;
 *  - trace ids beyond 2^64 - 1 are skipped with a warning, counts that
 *    overflow a double make the row bad;
 *  - a UTF-8 or UTF-16 byte-order mark is removed, UTF-16 (LE or BE) is
 *    transcoded, and invalid UTF-8 becomes U+FFFD (with a warning).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "samples.h"
#include "../util/utf8.h"

typedef p2p_uchar uchar;

/* A frame: the index of its name among the profile's names, with
 * FRAME_REPAIRED set when the name had invalid UTF-8 (names are far fewer
 * than 2^31). */
typedef uint32_t frame;
#define FRAME_REPAIRED 0x80000000u

typedef struct trace {
    uint64_t id;
    size_t first, nframes; /* its frames: frames[first .. first + nframes) */
    double count;
    bool has_count;
} trace;

typedef struct hprof {
    const p2p_parse_opts *o;
    p2p_diag *d;
    p2p_profile *p;     /* names are interned into it as they are read */
    p2p_buf tmp;        /* a repaired name */
    uint32_t empty;     /* the name index of "", P2P_NONE until one is read */
    p2p_smp_text t;
    frame *frames;
    size_t nframes, capframes;
    trace *traces;
    size_t ntraces, captraces;
    uint32_t *tab; /* trace index + 1 by id; 0: empty */
    size_t captab;
    /* warnings, given once the parse succeeds */
    long bad_first, bad_count, big_first, big_count, stop_line, dropped;
    char bad_text[96], stop_text[96];
    /* the line read ahead (gprof2dot's lookahead) */
    const uchar *s;
    size_t n;
    bool eof;
} hprof;

static bool starts(const uchar *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* Read the next line into h->s / h->n (h->eof at the end). */
static void advance(hprof *h)
{
    if (!p2p_smp_text_next(&h->t, &h->s, &h->n)) {
        h->s = (const uchar *)"";
        h->n = 0;
        h->eof = true;
    }
}

/* Skip lines up to one starting with `prefix`: false at the end. */
static bool skip_to(hprof *h, const char *prefix, long *skipped_traces)
{
    while (!h->eof && !starts(h->s, h->n, prefix)) {
        if (skipped_traces && starts(h->s, h->n, "TRACE "))
            ++*skipped_traces;
        advance(h);
    }
    return !h->eof;
}

static size_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (size_t)x;
}

/* The slot of trace `id` in the table: its entry, or the empty slot where
 * it goes. */
static size_t slot(const hprof *h, uint64_t id)
{
    size_t mask = h->captab - 1, i = hash64(id) & mask;
    while (h->tab[i] && h->traces[h->tab[i] - 1].id != id)
        i = (i + 1) & mask;
    return i;
}

/* Room for one more trace in the table (load at most one half). */
static int grow_table(hprof *h)
{
    if (h->captab && (h->ntraces + 1) * 2 <= h->captab)
        return 0;
    size_t cap = h->captab ? h->captab * 2 : 256;
    if (cap > SIZE_MAX / sizeof *h->tab)
        return P2P_ENOMEM;
    uint32_t *old = h->tab;
    size_t oldcap = h->captab;
    h->tab = calloc(cap, sizeof *h->tab);
    if (!h->tab) {
        h->tab = old;
        return P2P_ENOMEM;
    }
    h->captab = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i])
            h->tab[slot(h, h->traces[old[i] - 1].id)] = old[i];
    free(old);
    return 0;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            return P2P_ENOMEM;
        c *= 2;
    }
    void *p = realloc(*arr, c * elem);
    if (!p)
        return P2P_ENOMEM;
    *arr = p;
    *cap = c;
    return 0;
}

/* Python's int() of s[0..n) as a non-negative id: digits with single
 * underscores between them, an optional sign, surrounding whitespace.
 * false when it is not an int, is negative (other than -0) or exceeds 64
 * bits (*big then true). */
static bool read_id(const uchar *s, size_t n, uint64_t *out, bool *big)
{
    size_t i = 0;
    *big = false;
    while (i < n && p2p_smp_ws(s[i]))
        i++;
    while (n > i && p2p_smp_ws(s[n - 1]))
        n--;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    uint64_t v = 0;
    size_t digits = 0;
    while (i < n) {
        if ((unsigned)(s[i] - '0') < 10u) {
            unsigned dg = (unsigned)(s[i] - '0');
            if (v > (UINT64_MAX - dg) / 10)
                *big = true;
            else
                v = v * 10 + dg;
            digits++;
            i++;
        } else if (s[i] == '_' && digits && i + 1 < n && (unsigned)(s[i + 1] - '0') < 10u) {
            i++;
        } else {
            return false;
        }
    }
    if (!digits || *big || (neg && v != 0))
        return false;
    *out = v;
    return true;
}

/* The function name of a frame line (starting with a tab), as gprof2dot's
 * search of \t(.*)\((.*):(.*)\) gives it: up to the last '(' before the
 * last ':' before the last ')'.  false when the line is not a frame. */
static bool frame_name(const uchar *s, size_t n, size_t *len)
{
    const uchar *close = n ? memrchr(s, ')', n) : NULL;
    if (!close)
        return false;
    const uchar *colon = memrchr(s, ':', (size_t)(close - s));
    if (!colon)
        return false;
    const uchar *open = memrchr(s, '(', (size_t)(colon - s));
    if (!open || open == s)
        return false;
    *len = (size_t)(open - s) - 1;
    return true;
}

/* The name s[0..n) as a frame (P2P_NONE when out of memory): interned
 * straight from the text when it is valid UTF-8 without NUL, else repaired
 * first. */
static frame frame_of(hprof *h, const uchar *s, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* a byte >= 0x80, or a zero byte */
        if ((w & 0x8080808080808080ull) || ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
            break;
        i += 8;
    }
    while (i < n && s[i] < 0x80 && s[i])
        i++;
    if (i == n || (p2p_utf8_valid((const char *)s + i, n - i) && !memchr(s + i, 0, n - i))) {
        uint32_t k = p2p_profile_name_index(h->p, (const char *)s, n);
        if (!n)
            h->empty = k;
        return k;
    }
    h->tmp.len = 0;
    p2p_utf8_repair(&h->tmp, (const char *)s, n, true);
    if (h->tmp.oom)
        return P2P_NONE;
    uint32_t k = p2p_profile_name_index(h->p, h->tmp.len ? h->tmp.data : "", h->tmp.len);
    return k == P2P_NONE || k >= FRAME_REPAIRED ? P2P_NONE : k | FRAME_REPAIRED;
}

/* The TRACE records (h->s is the first TRACE line). */
static int read_traces(hprof *h)
{
    while (!h->eof && starts(h->s, h->n, "TRACE ")) {
        /* TRACE N: (strictly ^TRACE (\d+):$ in gprof2dot) */
        const uchar *num = h->s + 6, *colon = memchr(num, ':', h->n - 6);
        uint64_t id = 0;
        bool big = false, ok = colon && colon > num && read_id(num, (size_t)(colon - num), &id, &big);
        /* only digits: no sign, space or underscore */
        for (const uchar *q = num; ok && q < colon; q++)
            ok = (unsigned)(*q - '0') < 10u;
        if (!ok) {
            long line = h->t.line;
            if (big) {
                if (!h->big_count++)
                    h->big_first = line;
            } else if (!h->bad_count++) {
                h->bad_first = line;
                p2p_smp_excerpt(h->s, h->n, h->bad_text, sizeof h->bad_text);
            }
        }
        advance(h);
        size_t first = h->nframes;
        while (!h->eof && h->n && h->s[0] == '\t') {
            size_t len;
            if (!frame_name(h->s, h->n, &len)) {
                advance(h); /* gprof2dot consumes it */
                break;
            }
            if (ok) {
                frame fr = frame_of(h, h->s + 1, len);
                if (fr == P2P_NONE || (fr & ~FRAME_REPAIRED) >= FRAME_REPAIRED - 1 ||
                    grow((void **)&h->frames, &h->capframes, h->nframes + 1, sizeof *h->frames))
                    return p2p_diag_set(h->d, P2P_ENOMEM, h->t.line, -1, "out of memory");
                h->frames[h->nframes++] = fr;
            }
            advance(h);
        }
        if (ok) {
            if (h->ntraces >= UINT32_MAX - 1)
                return p2p_diag_set(h->d, P2P_ELIMIT, h->t.line, -1, "more than %u TRACE records",
                                    (unsigned)UINT32_MAX - 2);
            if (grow_table(h) ||
                grow((void **)&h->traces, &h->captraces, h->ntraces + 1, sizeof *h->traces))
                return p2p_diag_set(h->d, P2P_ENOMEM, h->t.line, -1, "out of memory");
            size_t i = slot(h, id);
            trace *tr;
            if (h->tab[i]) {
                tr = &h->traces[h->tab[i] - 1]; /* redefined: first place, last frames */
            } else {
                tr = &h->traces[h->ntraces++];
                h->tab[i] = (uint32_t)h->ntraces;
                tr->id = id;
                tr->has_count = false;
                tr->count = 0;
            }
            tr->first = first;
            tr->nframes = h->nframes - first;
        }
    }
    /* the line that ended the TRACE records */
    h->stop_line = h->t.line;
    p2p_smp_excerpt(h->s, h->n, h->stop_text, sizeof h->stop_text);
    bool found = skip_to(h, "CPU", &h->dropped);
    if (!found)
        return p2p_diag_set(h->d, P2P_EFORMAT, h->t.line, -1,
                            "expected a 'CPU SAMPLES BEGIN' or 'CPU TIME (ms) BEGIN' table after the TRACE "
                            "records, found the end of the input (was the profile written with cpu=samples "
                            "or cpu=times?)");
    return 0;
}

/* The warnings of read_traces(). */
static void trace_warnings(const hprof *h)
{
    if (h->bad_count)
        p2p_smp_warn(h->o, "line %ld: skipped %ld TRACE record%s without a trace number, the first is '%s'",
                     h->bad_first, h->bad_count, h->bad_count == 1 ? "" : "s", h->bad_text);
    if (h->big_count)
        p2p_smp_warn(h->o, "line %ld: skipped %ld TRACE record%s whose number exceeds 64 bits", h->big_first,
                     h->big_count, h->big_count == 1 ? "" : "s");
    if (h->dropped)
        p2p_smp_warn(h->o,
                     "line %ld: '%s' is neither a TRACE line nor a stack frame: it ends the TRACE records, as "
                     "in gprof2dot, and the %ld TRACE record%s after it %s ignored",
                     h->stop_line, h->stop_text, h->dropped, h->dropped == 1 ? "" : "s",
                     h->dropped == 1 ? "is" : "are");
}

/* The CPU SAMPLES / CPU TIME table (h->s is its first line). */
static int read_table(hprof *h)
{
    long begin = h->t.line;
    advance(h); /* the BEGIN line */
    advance(h); /* the column header */
    long bad_first = 0, bad_count = 0;
    char bad_text[96] = "";
    while (!h->eof && !starts(h->s, h->n, "CPU")) {
        const uchar *s = h->s;
        size_t n = h->n;
        if (!p2p_smp_blank(s, n)) {
            /* six whitespace-separated fields; count and trace are the 4th
             * and 5th */
            const uchar *f[7];
            size_t fl[7], nf = 0, i = 0;
            while (i < n && nf < 7) {
                while (i < n && p2p_smp_ws(s[i]))
                    i++;
                if (i == n)
                    break;
                size_t st = i;
                while (i < n && !p2p_smp_ws(s[i]))
                    i++;
                f[nf] = s + st;
                fl[nf++] = i - st;
            }
            double count;
            uint64_t id;
            bool big;
            if (nf == 6 && p2p_smp_number(f[3], fl[3], false, &count) && read_id(f[4], fl[4], &id, &big)) {
                if (h->captab) {
                    size_t k = slot(h, id);
                    if (h->tab[k]) {
                        trace *tr = &h->traces[h->tab[k] - 1];
                        tr->count = count;
                        tr->has_count = true;
                    }
                }
            } else if (!bad_count++) {
                bad_first = h->t.line;
                p2p_smp_excerpt(s, n, bad_text, sizeof bad_text);
            }
        }
        advance(h);
    }
    if (h->eof)
        return p2p_diag_set(h->d, P2P_ETRUNCATED, h->t.line, -1,
                            "expected the 'CPU ... END' line that closes the table begun on line %ld, found the "
                            "end of the input",
                            begin);
    trace_warnings(h);
    if (bad_count)
        p2p_smp_warn(h->o,
                     "line %ld: skipped %ld table row%s that %s not 'rank self accum count trace method' with "
                     "integer count and trace, the first is '%s'",
                     bad_first, bad_count, bad_count == 1 ? "" : "s", bad_count == 1 ? "is" : "are", bad_text);
    return 0;
}

/* The function frame `fr` names, created with SAMPLES 0 when new (its
 * name entry's value holds it: only this parser adds functions). */
static p2p_fid function_of(p2p_profile *p, frame fr, size_t *repairs)
{
    uint32_t k = fr & ~FRAME_REPAIRED;
    uint32_t *val = p2p_profile_name_val(p, k);
    if (*val != P2P_NONE)
        return *val;
    const char *id = p2p_profile_name_str(p, k);
    p2p_fid f = p2p_profile_add_str(p, id, id);
    if (f != P2P_NONE) {
        *val = f;
        p2p_ev_set(&p->functions[f].ev, P2P_SAMPLES, 0.0);
        *repairs += fr & FRAME_REPAIRED ? 1 : 0;
    }
    return f;
}

static int build(hprof *h, p2p_profile *p)
{
    size_t repairs = 0;
    int rc = 0;
    p2p_ev_set(&p->ev, P2P_SAMPLES, 0.0);
    for (size_t t = 0; t < h->ntraces && !rc; t++) {
        const trace *tr = &h->traces[t];
        if (!tr->has_count)
            continue;
        p2p_fid last = P2P_NONE;
        bool last_empty = false;
        for (size_t k = 0; k < tr->nframes; k++) {
            frame fr = h->frames[tr->first + k];
            p2p_fid f = function_of(p, fr, &repairs);
            if (f == P2P_NONE) {
                rc = P2P_ENOMEM;
                break;
            }
            /* gprof2dot: `if not last` -- no previous frame, or one with
             * an empty name */
            if (last == P2P_NONE || last_empty) {
                p2p_ev_add(&p->functions[f].ev, P2P_SAMPLES, tr->count);
                p2p_ev_add(&p->ev, P2P_SAMPLES, tr->count);
            } else {
                bool created;
                uint32_t c = p2p_profile_get_call(p, f, last, &created);
                if (c == P2P_NONE) {
                    rc = P2P_ENOMEM;
                    break;
                }
                p2p_events *ev = &p->calls[c].ev;
                if (created) {
                    p2p_ev_set(ev, P2P_SAMPLES, 0.0);
                    p2p_ev_set(ev, P2P_SAMPLES2, 0.0);
                    p2p_ev_set(ev, P2P_CALLS, 0.0);
                }
                p2p_ev_add(ev, P2P_SAMPLES2, tr->count);
            }
            last = f;
            last_empty = fr == h->empty;
        }
    }
    if (rc)
        return p2p_diag_set(h->d, P2P_ENOMEM, 0, -1, "out of memory");
    if (repairs)
        p2p_smp_warn(h->o, "invalid UTF-8 in %zu function name%s was replaced by U+FFFD", repairs,
                     repairs == 1 ? "" : "s");
    return 0;
}

/* Java HPROF text: one input.  See the top of this file.  Returns 0 with
 * *out set, or P2P_EUSAGE (not one input), P2P_EFORMAT (no header end, no
 * TRACE record, no CPU table), P2P_ETRUNCATED (the table has no end),
 * P2P_ELIMIT, P2P_ENOMEM. */
int p2p_parse_hprof(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the hprof format reads one input, %zu were given", n);
    if (d)
        d->file = inputs[0].name;
    hprof h;
    memset(&h, 0, sizeof h);
    h.o = o;
    h.d = d;
    p2p_buf_init(&h.tmp);
    h.empty = P2P_NONE;
    h.p = p2p_profile_new(P2P_ID_STRING);
    if (!h.p)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    int rc = p2p_smp_text_init(&h.t, &inputs[0], d);
    if (rc) {
        p2p_profile_free(h.p);
        return rc;
    }
    advance(&h);
    if (!skip_to(&h, "------", NULL))
        rc = p2p_diag_set(d, P2P_EFORMAT, h.t.line, -1,
                          "expected the '--------' line that ends the HPROF header (JAVA PROFILE 1.0.x), found "
                          "the end of the input");
    else if (!skip_to(&h, "TRACE ", NULL))
        rc = p2p_diag_set(d, P2P_EFORMAT, h.t.line, -1,
                          "expected TRACE records after the HPROF header, found the end of the input");
    else if ((rc = read_traces(&h)) == 0)
        rc = read_table(&h);
    p2p_profile *p = h.p;
    if (!rc)
        rc = build(&h, p);
    if (!rc && o && o->event)
        p2p_smp_warn(o, "this input has samples of one unnamed event: the event '%s' asked for is ignored",
                     o->event);
    free(h.frames);
    free(h.traces);
    free(h.tab);
    p2p_buf_free(&h.tmp);
    p2p_smp_text_free(&h.t);
    if (rc) {
        p2p_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}
