/* Chrome's Trace Event Format (`-f trace`): what chrome://tracing, Perfetto,
 * `clang -ftime-trace`, viztracer, the PyTorch profiler and `py-spy -f
 * chrometrace` write.  docs/formats/trace.md says what is read and why.
 *
 *   [{"name": "main", "ph": "X", "ts": 10, "dur": 90, "pid": 1, "tid": 1}, ...]
 *   {"traceEvents": [...], "displayTimeUnit": "ms", ...}
 *
 * Drawn: complete events (ph X: ts, dur) and duration events (B ... E), in
 * microseconds, on each thread (pid, tid); metadata events (M) name the
 * threads and processes.  A function is an event's name, with its
 * args.detail when it has one (clang: "Source: /usr/include/stdio.h"), and
 * its args.filename or args.file (py-spy); args.line is its line.  Each
 * X or B event is one call.  Other phases are counted and skipped, and so
 * are clang's "Total ..." events (sums of the others, on threads of their
 * own).
 *
 * On each thread the events nest by time (src/parse/timeline.h): the stack
 * at any time is the events open then, in the order they began (at the same
 * ts, the longer first, then in file order).  An E closes the innermost open
 * B of its thread (as Chrome's trace viewer does; a different name is
 * warned about); an E with no open B is ignored with a warning; a B never
 * closed ends at the last time of its thread, with a warning.  An event
 * that ends after the event it began in (overlapping, not nested) is
 * warned about and keeps all its time: once the outer event ends, it stands
 * on the next enclosing event.  So every microsecond during which a thread
 * has an event open goes to exactly one function's self time.
 *
 * Reading: one pass of the JSON pull reader (src/parse/jscan.h) over the
 * input, a mapped file read in pieces of whole lines (p2p_lines), each
 * usable event kept as 32 bytes; then the events are sorted by thread and
 * time, B and E paired, and each thread swept once with a heap of the open
 * events' ends.  Memory: those records, the sort's keys, and the profile.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "threads.h"
#include "timeline.h"
#include "../util/utf8.h"

typedef unsigned char uchar;

/* One X, B or E event: 32 bytes. */
typedef struct tev {
    double ts;
    double end;        /* X: ts + dur; B: when its E came (set later) */
    uint32_t thread;   /* thread << 2 | the phase (PH_X, PH_B, PH_E) */
    uint32_t key;      /* X, B: the function key */
    uint32_t name;     /* B, E: the name's key (P2P_NONE: no name) */
    uint32_t idx;      /* the index in the event array */
} tev;

enum { PH_X = 0, PH_B = 1, PH_E = 2 };
#define TEV_THREAD(e) ((e)->thread >> 2)
#define TEV_PH(e) ((e)->thread & 3)

typedef struct keyinfo {
    p2p_fid fid;       /* P2P_NONE until a kept event needs it */
    int64_t line;      /* the smallest args.line, 0: none */
} keyinfo;

typedef struct thread {
    uint32_t key;      /* its "pid\x1ftid" entry */
    uint32_t sel;      /* its index in the thread selection */
} thread;

/* A slot of the cache of names (key_of_name). */
typedef struct name_slot {
    uint64_t w[2];     /* the name's first 16 bytes, zero-padded */
    const char *s;     /* the whole name, interned */
    size_t n;
    uint32_t key1;     /* its key + 1; 0: empty */
} name_slot;

#define NCACHE_BITS 12

/* A string of the event being read. */
typedef struct field {
    const char *s;
    size_t n;
    p2p_buf own;       /* a copy, when the reader decoded it */
} field;

/* What a warning counts, and its first example. */
typedef struct note {
    uint64_t n;
    char first[200];
} note;

typedef struct tp {
    const p2p_parse_opts *o;
    const p2p_input *in;
    p2p_profile *p;
    p2p_js j;
    bool top_array;          /* the JSON Array Format */
    p2p_arena *arena;
    p2p_intern *keys;        /* "name\0detail\0file" -> keyinfo */
    keyinfo *ki;
    size_t capki;
    p2p_intern *threads;     /* "pid\x1ftid" -> thread */
    thread *th;
    size_t capth, nth;
    p2p_intern *tnames;      /* "pid\x1ftid" -> (val) a name in `names` */
    p2p_intern *pnames;      /* "pid" -> (val) a name in `names` */
    p2p_intern *names;
    tev *ev;
    size_t nev, capev;
    p2p_intern *bare;        /* a name alone -> (val) its key */
    name_slot *ncache;       /* 1 << NCACHE_BITS slots, or NULL */
    uint32_t last_thread;    /* the thread of the last event, and its ids */
    p2p_buf last_pid, last_tid;
    /* the event being read: its fields in place in the input, or (when
     * decoded from escapes) in their own buffers */
    field f_ph, f_name, f_detail, f_file, f_pid, f_tid, f_argname;
    p2p_buf tkey, tmp;
    p2p_lines lines;         /* the input, a piece at a time */
    const uchar *tail;       /* what follows its last line end */
    size_t ntail;
    bool has_ts, has_dur, has_name, has_detail, has_file, has_argname, avg_ms;
    double ts, dur, line;
    char bad[200];           /* why the event cannot be read, or "" */
    /* notes */
    uint64_t phases[128];    /* skipped events by phase */
    uint64_t other_phases;
    uint64_t totals;         /* clang's "Total ..." events */
    note unreadable, nodur, unmatched, mismatch, unclosed, overlap;
    size_t repairs;
    p2p_threadsel ts_sel;
} tp;

static void note_add(note *nt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_add(note *nt, const char *fmt, ...)
{
    if (nt->n++)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(nt->first, sizeof nt->first, fmt, ap);
    va_end(ap);
}

/* ---- keys and functions ---------------------------------------------- */

/* The key of the function named name / detail / file (each may be empty),
 * P2P_NONE when out of memory. */
static uint32_t key_of(tp *t, const char *name, size_t nn, const char *detail, size_t nd, const char *file,
                       size_t nf)
{
    p2p_buf *k = &t->tmp;
    k->len = 0;
    /* NULs separate the parts: one inside a part becomes U+FFFD (as it
     * would when interned) */
    const char *part[3] = {name, detail, file};
    size_t len[3] = {nn, nd, nf};
    for (int i = 0; i < 3; i++) {
        if (i)
            p2p_buf_putc(k, '\0');
        if (len[i] && memchr(part[i], '\0', len[i]))
            p2p_utf8_repair(k, part[i], len[i], true);
        else
            p2p_buf_append(k, part[i], len[i]);
    }
    if (k->oom)
        return P2P_NONE;
    uint32_t i = p2p_intern_index(t->keys, k->data, k->len);
    if (i == P2P_NONE)
        return P2P_NONE;
    if (i >= t->capki) {
        size_t old = t->capki;
        if (!p2p_vm_grow(&t->ki, &t->capki, i, sizeof *t->ki))
            return P2P_NONE;
        for (size_t x = old; x < t->capki; x++)
            t->ki[x] = (keyinfo){P2P_NONE, 0};
    }
    return i;
}

/* The first 16 bytes of s[0..n), zero-padded, as two words. */
static inline void head16(const char *s, size_t n, uint64_t w[2])
{
    char b[16] = {0};
    memcpy(b, s, n < 16 ? n : 16);
    memcpy(w, b, 16);
}

/* The key of a function named by name[0..n) alone: most events have
 * neither detail nor file, and their names repeat.  A direct-mapped cache
 * in front of the table of names answers most of them with a hash of a few
 * words and a compare of the first 16 bytes held in the slot. */
static uint32_t key_of_name(tp *t, const char *name, size_t n)
{
    uint64_t w[2], tail = 0;
    head16(name, n, w);
    if (n > 16)
        memcpy(&tail, name + n - 8, 8);
    uint64_t h = (w[0] * 0x9e3779b97f4a7c15ULL) ^ (w[1] * 0xc2b2ae3d27d4eb4fULL) ^ (tail * 0x165667b19e3779f9ULL) ^ n;
    h ^= h >> 29;
    /* made once the trace is seen to be big: small ones (and the fuzzer)
     * do not pay for it */
    if (!t->ncache && t->nev >= 4096)
        t->ncache = calloc((size_t)1 << NCACHE_BITS, sizeof *t->ncache);
    name_slot *sl = t->ncache ? &t->ncache[(h * 0xbf58476d1ce4e5b9ULL) >> (64 - NCACHE_BITS)] : NULL;
    if (sl && sl->key1 && sl->n == n && sl->w[0] == w[0] && sl->w[1] == w[1] &&
        (n <= 16 || memcmp(sl->s + 16, name + 16, n - 16) == 0))
        return sl->key1 - 1;
    uint32_t b = p2p_intern_index(t->bare, n ? name : "", n);
    if (b == P2P_NONE)
        return P2P_NONE;
    uint32_t *v = p2p_intern_val(t->bare, b);
    if (*v == P2P_NONE)
        *v = key_of(t, name, n, "", 0, "", 0);
    if (*v != P2P_NONE && sl)
        *sl = (name_slot){{w[0], w[1]}, p2p_intern_str(t->bare, b), n, *v + 1};
    return *v;
}

/* The function of key k, created when new.  P2P_NONE: no memory. */
static p2p_fid fid_of(tp *t, uint32_t k)
{
    keyinfo *ki = &t->ki[k];
    if (ki->fid != P2P_NONE)
        return ki->fid;
    /* the key is "name\0detail\0file" */
    const char *s = p2p_intern_str(t->keys, k);
    size_t n = p2p_intern_len(t->keys, k);
    const char *d = memchr(s, '\0', n);
    const char *f = memchr(d + 1, '\0', (size_t)(s + n - d - 1));
    ki->fid = p2p_tl_function(t->p, (int64_t)k, s, (size_t)(d - s), d + 1, (size_t)(f - d - 1), f + 1,
                              (size_t)(s + n - f - 1), ki->line, !(t->o && t->o->no_fn_stats), &t->repairs);
    return ki->fid;
}

/* ---- reading an event ------------------------------------------------ */

static int oom(tp *t)
{
    return p2p_js_fail(&t->j, P2P_ENOMEM, p2p_js_offset(&t->j), "out of memory");
}

/* Keep s[0..n) in f: in place, or copied when the reader decoded it (its
 * buffer is reused by the next string).  0 or -1. */
static int keep(tp *t, field *f, const char *s, size_t n)
{
    const p2p_buf *dec = &t->j.str;
    if (dec->data && s >= dec->data && s < dec->data + dec->cap) {
        f->own.len = 0;
        p2p_buf_append(&f->own, s, n);
        if (f->own.oom)
            return oom(t);
        s = f->own.data;
    }
    f->s = n ? s : "";
    f->n = n;
    return 0;
}

/* A string field into f (*has set), or the reason it is not one into
 * t->bad. */
static int string_field(tp *t, field *f, size_t idx, const char *key, bool *has)
{
    int k = p2p_js_peek(&t->j);
    if (k == P2P_JS_ERROR)
        return -1;
    if (k != P2P_JS_STRING) {
        if (!t->bad[0] && k != P2P_JS_NULL)
            snprintf(t->bad, sizeof t->bad, "traceEvents[%zu].%s: expected a string, found %s", idx, key,
                     p2p_js_kind_name(k));
        return p2p_js_skip(&t->j);
    }
    const char *s;
    size_t n;
    if (p2p_js_string_here(&t->j, &s, &n) < 0 || keep(t, f, s, n) < 0)
        return -1;
    *has = true;
    return 0;
}

/* A number field, or the reason it is not one into t->bad. */
static int number_field(tp *t, double *v, size_t idx, const char *key, bool *has)
{
    int k = p2p_js_peek(&t->j);
    if (k == P2P_JS_ERROR)
        return -1;
    if (k != P2P_JS_NUMBER) {
        if (!t->bad[0])
            snprintf(t->bad, sizeof t->bad, "traceEvents[%zu].%s: expected a number, found %s", idx, key,
                     p2p_js_kind_name(k));
        return p2p_js_skip(&t->j);
    }
    if (p2p_js_number(&t->j, v, NULL, NULL) < 0)
        return -1;
    if (!isfinite(*v)) {
        if (!t->bad[0])
            snprintf(t->bad, sizeof t->bad, "traceEvents[%zu].%s: expected a finite number, found one beyond %g",
                     idx, key, 1.7976931348623157e308);
        return 0;
    }
    *has = true;
    return 0;
}

/* pid or tid: a number or a string, kept as its text. */
static int id_field(tp *t, field *f)
{
    int k = p2p_js_peek(&t->j);
    const char *s;
    size_t n;
    double v;
    if (k == P2P_JS_NUMBER) {
        if (p2p_js_number(&t->j, &v, &s, &n) < 0)
            return -1;
    } else if (k == P2P_JS_STRING) {
        if (p2p_js_string(&t->j, &s, &n) < 0)
            return -1;
    } else {
        return k == P2P_JS_ERROR ? -1 : p2p_js_skip(&t->j);
    }
    return keep(t, f, s, n);
}

/* The event's args: detail, filename/file, line, name (M), "avg ms". */
static int read_args(tp *t, size_t idx)
{
    if (p2p_js_peek(&t->j) != P2P_JS_OBJECT)
        return p2p_js_skip(&t->j);
    if (p2p_js_object(&t->j) < 0)
        return -1;
    const char *k;
    size_t n;
    int r;
    while ((r = p2p_js_key(&t->j, &k, &n)) > 0) {
        /* the key is looked at before the value: reading on may replace
         * the piece of input it lies in */
        enum { A_OTHER, A_DETAIL, A_FILE, A_NAME, A_LINE, A_AVG } which = A_OTHER;
        if (p2p_js_is(k, n, "detail"))
            which = A_DETAIL;
        else if (p2p_js_is(k, n, "filename") || p2p_js_is(k, n, "file"))
            which = A_FILE;
        else if (p2p_js_is(k, n, "name"))
            which = A_NAME;
        else if (p2p_js_is(k, n, "line"))
            which = A_LINE;
        else if (p2p_js_is(k, n, "avg ms"))
            which = A_AVG;
        int kind = p2p_js_peek(&t->j), rc;
        if (kind == P2P_JS_ERROR)
            return -1;
        if (which == A_DETAIL && kind == P2P_JS_STRING)
            rc = string_field(t, &t->f_detail, idx, "args.detail", &t->has_detail);
        else if (which == A_FILE && kind == P2P_JS_STRING)
            rc = string_field(t, &t->f_file, idx, "args.filename", &t->has_file);
        else if (which == A_NAME && kind == P2P_JS_STRING)
            rc = string_field(t, &t->f_argname, idx, "args.name", &t->has_argname);
        else if (which == A_LINE && kind == P2P_JS_NUMBER) {
            double v;
            rc = p2p_js_number(&t->j, &v, NULL, NULL);
            if (!rc && v >= 1 && v < 1e15)
                t->line = floor(v);
        } else {
            t->avg_ms |= which == A_AVG;
            rc = p2p_js_skip(&t->j);
        }
        if (rc < 0)
            return -1;
    }
    return r;
}

/* The event's "pid\x1ftid" into t->tkey; false: no memory. */
static bool thread_key(tp *t)
{
    p2p_buf *k = &t->tkey;
    k->len = 0;
    p2p_buf_append(k, t->f_pid.s, t->f_pid.n);
    p2p_buf_putc(k, '\x1f');
    p2p_buf_append(k, t->f_tid.s, t->f_tid.n);
    return !k->oom;
}

static bool same(const p2p_buf *b, const field *f)
{
    return b->len == f->n && (!f->n || memcmp(b->data, f->s, f->n) == 0);
}

/* The thread of the event just read (pid, tid texts), P2P_NONE: no memory.
 * Events of one thread come in runs: the last thread's ids are compared
 * first. */
static uint32_t thread_of(tp *t)
{
    if (t->last_thread != P2P_NONE && same(&t->last_pid, &t->f_pid) && same(&t->last_tid, &t->f_tid))
        return t->last_thread;
    if (!thread_key(t))
        return P2P_NONE;
    p2p_buf *k = &t->tkey;
    uint32_t i = p2p_intern_index(t->threads, k->data, k->len);
    if (i == P2P_NONE)
        return P2P_NONE;
    if (i >= (1u << 30))
        return P2P_NONE; /* never: a thread needs an event of ~30 bytes */
    if (i >= t->nth) {
        if (!p2p_vm_grow(&t->th, &t->capth, i, sizeof *t->th))
            return P2P_NONE;
        t->th[i] = (thread){i, P2P_NONE};
        t->nth = i + 1;
    }
    t->last_pid.len = t->last_tid.len = 0;
    p2p_buf_append(&t->last_pid, t->f_pid.s, t->f_pid.n);
    p2p_buf_append(&t->last_tid, t->f_tid.s, t->f_tid.n);
    t->last_thread = t->last_pid.oom || t->last_tid.oom ? P2P_NONE : i;
    return i;
}

/* Remember a name from an M event for key[0..n) in map. */
static int name_into(tp *t, p2p_intern *map, const char *key, size_t n)
{
    uint32_t i = p2p_intern_index(map, key, n);
    uint32_t v = p2p_intern_index(t->names, t->f_argname.s, t->f_argname.n);
    if (i == P2P_NONE || v == P2P_NONE)
        return oom(t);
    *p2p_intern_val(map, i) = v;
    return 0;
}

static bool name_is(const field *f, const char *lit)
{
    return p2p_js_is(f->s, f->n, lit);
}

/* The event object traceEvents[idx] (its '{' next). */
static int read_event(tp *t, size_t idx)
{
    if (p2p_js_peek(&t->j) != P2P_JS_OBJECT) {
        if (p2p_js_peek(&t->j) == P2P_JS_ERROR)
            return -1;
        char why[120];
        snprintf(why, sizeof why, "traceEvents[%zu]", idx);
        return p2p_js_expected(&t->j, why, "an object (an event)");
    }
    if (p2p_js_object(&t->j) < 0)
        return -1;
    t->f_ph.n = t->f_name.n = t->f_detail.n = t->f_file.n = t->f_pid.n = t->f_tid.n = t->f_argname.n = 0;
    t->f_ph.s = t->f_name.s = t->f_detail.s = t->f_file.s = t->f_pid.s = t->f_tid.s = t->f_argname.s = "";
    t->has_ts = t->has_dur = t->has_name = t->has_detail = t->has_file = t->has_argname = t->avg_ms = false;
    t->line = 0;
    t->bad[0] = '\0';
    bool has_ph = false;
    const char *k;
    size_t n;
    int r;
    while ((r = p2p_js_key(&t->j, &k, &n)) > 0) {
        int rc;
        switch (n) {
        case 2:
            if (k[0] == 'p' && k[1] == 'h')
                rc = string_field(t, &t->f_ph, idx, "ph", &has_ph);
            else if (k[0] == 't' && k[1] == 's')
                rc = number_field(t, &t->ts, idx, "ts", &t->has_ts);
            else
                rc = p2p_js_skip(&t->j);
            break;
        case 3:
            if (memcmp(k, "dur", 3) == 0)
                rc = number_field(t, &t->dur, idx, "dur", &t->has_dur);
            else if (memcmp(k, "pid", 3) == 0)
                rc = id_field(t, &t->f_pid);
            else if (memcmp(k, "tid", 3) == 0)
                rc = id_field(t, &t->f_tid);
            else
                rc = p2p_js_skip(&t->j);
            break;
        case 4:
            if (memcmp(k, "name", 4) == 0)
                rc = string_field(t, &t->f_name, idx, "name", &t->has_name);
            else if (memcmp(k, "args", 4) == 0)
                rc = read_args(t, idx);
            else
                rc = p2p_js_skip(&t->j);
            break;
        default: rc = p2p_js_skip(&t->j); break;
        }
        if (rc < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    uchar ph = has_ph && t->f_ph.n == 1 ? (uchar)t->f_ph.s[0] : 0;
    if (ph == 'M') {
        if (!t->has_argname)
            return 0;
        if (name_is(&t->f_name, "process_name"))
            return name_into(t, t->pnames, t->f_pid.s, t->f_pid.n);
        if (name_is(&t->f_name, "thread_name")) {
            if (!thread_key(t))
                return oom(t);
            return name_into(t, t->tnames, t->tkey.data, t->tkey.len);
        }
        return 0;
    }
    if (ph != 'X' && ph != 'B' && ph != 'E') {
        if (!has_ph)
            note_add(&t->unreadable, "traceEvents[%zu]: no \"ph\" (phase)", idx);
        else if (ph && ph < 128)
            t->phases[ph]++;
        else
            t->other_phases++;
        return 0;
    }
    if (t->bad[0]) {
        note_add(&t->unreadable, "%s", t->bad);
        return 0;
    }
    if (!t->has_ts) {
        note_add(&t->unreadable, "traceEvents[%zu]: no \"ts\"", idx);
        return 0;
    }
    if (ph == 'X' && t->has_dur && t->dur < 0) {
        note_add(&t->unreadable, "traceEvents[%zu].dur: expected a duration (0 or more), found %g", idx, t->dur);
        return 0;
    }
    /* clang -ftime-trace's sums of each kind of event, one a thread: they
     * repeat time the other events hold */
    if (ph == 'X' && t->avg_ms && t->f_name.n > 6 && memcmp(t->f_name.s, "Total ", 6) == 0) {
        t->totals++;
        return 0;
    }
    if (ph == 'X' && !t->has_dur) {
        note_add(&t->nodur, "traceEvents[%zu]", idx);
        t->dur = 0;
    }
    if (t->nev >= UINT32_MAX - 1 || idx >= UINT32_MAX)
        return p2p_js_fail(&t->j, P2P_ELIMIT, p2p_js_offset(&t->j), "more than %u events", (unsigned)UINT32_MAX - 1);
    if (!p2p_vm_grow(&t->ev, &t->capev, t->nev, sizeof *t->ev))
        return oom(t);
    tev *e = &t->ev[t->nev];
    e->ts = t->ts;
    e->end = ph == 'X' ? t->ts + t->dur : t->ts;
    e->idx = (uint32_t)idx;
    e->key = e->name = P2P_NONE;
    if (ph != 'E') {
        const char *name = t->has_name ? t->f_name.s : "(unnamed)";
        size_t nn = t->has_name ? t->f_name.n : 9;
        if (t->f_detail.n || t->f_file.n)
            e->key = key_of(t, name, nn, t->f_detail.s, t->f_detail.n, t->f_file.s, t->f_file.n);
        else
            e->key = key_of_name(t, name, nn);
        if (e->key == P2P_NONE)
            return oom(t);
        keyinfo *ki = &t->ki[e->key];
        if (t->line > 0 && (ki->line == 0 || t->line < ki->line))
            ki->line = (int64_t)t->line;
    }
    if (ph != 'X' && t->has_name) {
        e->name = key_of_name(t, t->f_name.s, t->f_name.n);
        if (e->name == P2P_NONE)
            return oom(t);
    }
    uint32_t th = thread_of(t);
    if (th == P2P_NONE)
        return oom(t);
    e->thread = th << 2 | (ph == 'X' ? PH_X : ph == 'B' ? PH_B : PH_E);
    if (!isfinite(e->end)) {
        note_add(&t->unreadable, "traceEvents[%zu]: ts + dur is beyond the range of numbers", idx);
        return 0;
    }
    t->nev++;
    return 0;
}

/* The event array (its '[' next). */
static int read_events(tp *t)
{
    if (p2p_js_peek(&t->j) != P2P_JS_ARRAY) {
        if (p2p_js_peek(&t->j) == P2P_JS_ERROR)
            return -1;
        return p2p_js_expected(&t->j, "traceEvents", "an array of events");
    }
    if (p2p_js_array(&t->j) < 0)
        return -1;
    /* the array format may end without its ']' (a trace written as the
     * program ran), after an event or a comma */
    t->j.open_end = t->top_array;
    size_t idx = 0;
    int r;
    while ((r = p2p_js_elem(&t->j)) > 0)
        if (read_event(t, idx++) < 0)
            return -1;
    t->j.open_end = false;
    return r;
}

/* Before the next piece of input replaces this one: the event's strings
 * that lie in it are copied. */
static int refill(void *ctx, const uchar **s, size_t *n)
{
    tp *t = ctx;
    field *f[] = {&t->f_ph, &t->f_name, &t->f_detail, &t->f_file, &t->f_pid, &t->f_tid, &t->f_argname};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i]->n && (const uchar *)f[i]->s >= t->j.piece && (const uchar *)f[i]->s < t->j.end) {
            f[i]->own.len = 0;
            p2p_buf_append(&f[i]->own, f[i]->s, f[i]->n);
            if (f[i]->own.oom)
                return -1;
            f[i]->s = f[i]->own.data;
        }
    }
    int r = p2p_lines_next(&t->lines, s, n);
    if (r)
        return r;
    /* the bytes after the last line end, in place */
    if (t->ntail) {
        *s = t->tail;
        *n = t->ntail;
        t->ntail = 0;
        return 1;
    }
    return 0;
}

/* The whole document. */
static int read_document(tp *t)
{
    int k = p2p_js_peek(&t->j);
    if (k == P2P_JS_ERROR)
        return -1;
    if (k == P2P_JS_ARRAY) {
        t->top_array = true;
        if (read_events(t) < 0)
            return -1;
        return p2p_js_finish(&t->j);
    }
    if (k != P2P_JS_OBJECT)
        return p2p_js_expected(&t->j, "the trace", "an array of events or an object with \"traceEvents\"");
    if (p2p_js_object(&t->j) < 0)
        return -1;
    const char *key;
    size_t n;
    int r;
    bool seen = false;
    while ((r = p2p_js_key(&t->j, &key, &n)) > 0) {
        if (p2p_js_is(key, n, "traceEvents")) {
            if (seen)
                return p2p_js_fail(&t->j, P2P_EFORMAT, p2p_js_offset(&t->j),
                                   "the key \"traceEvents\" appears more than once");
            seen = true;
            if (read_events(t) < 0)
                return -1;
        } else if (p2p_js_skip(&t->j) < 0) {
            return -1;
        }
    }
    if (r < 0)
        return -1;
    if (p2p_js_finish(&t->j) < 0)
        return -1;
    return seen ? 0 : 1;
}

/* ---- threads --------------------------------------------------------- */

/* The label of thread i: "PROCESS (pid P) / THREAD (tid T)", either name
 * left out when the trace gives none. */
static int thread_labels(tp *t, p2p_diag *d)
{
    p2p_buf b;
    p2p_buf_init(&b);
    for (size_t i = 0; i < t->nth; i++) {
        const char *s = p2p_intern_str(t->threads, t->th[i].key);
        size_t n = p2p_intern_len(t->threads, t->th[i].key);
        const char *sep = memchr(s, '\x1f', n);
        size_t np = (size_t)(sep - s), nt = n - np - 1;
        b.len = 0;
        uint32_t pi = p2p_intern_index(t->pnames, s, np);
        uint32_t ti = p2p_intern_index(t->tnames, s, n);
        if (pi == P2P_NONE || ti == P2P_NONE)
            break;
        uint32_t pn = *p2p_intern_val(t->pnames, pi), tn = *p2p_intern_val(t->tnames, ti);
        if (pn != P2P_NONE)
            p2p_buf_printf(&b, "%s (pid %.*s) / ", p2p_intern_str(t->names, pn), (int)np, s);
        else
            p2p_buf_printf(&b, "pid %.*s / ", (int)np, np ? s : "?");
        if (tn != P2P_NONE)
            p2p_buf_printf(&b, "%s (tid %.*s)", p2p_intern_str(t->names, tn), (int)nt, sep + 1);
        else
            p2p_buf_printf(&b, "tid %.*s", (int)(nt ? nt : 1), nt ? sep + 1 : "?");
        if (b.oom)
            break;
        /* labels are text a user matches: invalid UTF-8 repaired */
        t->tmp.len = 0;
        p2p_utf8_repair(&t->tmp, b.data, b.len, true);
        if (t->tmp.oom)
            break;
        t->th[i].sel = p2p_threadsel_thread(&t->ts_sel, t->tmp.data, t->tmp.len);
        if (t->th[i].sel == P2P_NONE)
            break;
    }
    bool bad = b.oom;
    p2p_buf_free(&b);
    for (size_t i = 0; i < t->nth; i++)
        bad |= t->th[i].sel == P2P_NONE;
    return bad ? p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory") : 0;
}

/* ---- the sweep ------------------------------------------------------- */

static bool sorted_by_thread_time(const tev *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (TEV_THREAD(&v[i - 1]) > TEV_THREAD(&v[i]) ||
            (TEV_THREAD(&v[i - 1]) == TEV_THREAD(&v[i]) && v[i - 1].ts > v[i].ts))
            return false;
    return true;
}

/* An unsigned integer in the order of the double d (finite, or -0). */
static inline uint64_t order_key(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u >> 63 ? ~u : u | (1ULL << 63);
}

/* Sort the events by thread, then time, then file order: for many events
 * a stable radix sort of their times (16 bits a pass, passes whose digit is the same for
 * every event left out), then a stable counting sort by thread; the
 * records are then moved in place, along the cycles of the permutation.
 * 0 or P2P_ENOMEM. */
static int cmp_events(const void *a, const void *b)
{
    const tev *x = a, *y = b;
    if (TEV_THREAD(x) != TEV_THREAD(y))
        return TEV_THREAD(x) < TEV_THREAD(y) ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int sort_events(tp *t)
{
    size_t n = t->nev;
    if (sorted_by_thread_time(t->ev, n))
        return 0;
    if (n < 65536) {
        /* few events: the radix sort's tables would cost more */
        qsort(t->ev, n, sizeof *t->ev, cmp_events);
        return 0;
    }
    uint64_t *key = p2p_vm_zalloc(n * sizeof *key), *key2 = p2p_vm_zalloc(n * sizeof *key2);
    uint32_t *ord = p2p_vm_zalloc(n * sizeof *ord), *ord2 = p2p_vm_zalloc(n * sizeof *ord2);
    size_t *count = calloc((t->nth > 65536 ? t->nth : 65536) + 1, sizeof *count);
    int rc = 0;
    if (!key || !key2 || !ord || !ord2 || !count) {
        rc = P2P_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        key[i] = order_key(t->ev[i].ts);
        ord[i] = (uint32_t)i;
    }
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65537 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((key[i] >> shift) & 0xffff) + 1]++;
        if (count[((key[0] >> shift) & 0xffff) + 1] == n)
            continue; /* one digit for all: nothing moves */
        for (size_t d = 0; d < 65536; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(key[i] >> shift) & 0xffff]++;
            key2[at] = key[i];
            ord2[at] = ord[i];
        }
        uint64_t *k = key;
        key = key2;
        key2 = k;
        uint32_t *o = ord;
        ord = ord2;
        ord2 = o;
    }
    memset(count, 0, (t->nth + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[TEV_THREAD(&t->ev[i]) + 1]++;
    for (size_t d = 0; d < t->nth; d++)
        count[d + 1] += count[d];
    /* dest[i]: where event i goes (in ord2) */
    for (size_t i = 0; i < n; i++)
        ord2[ord[i]] = (uint32_t)count[TEV_THREAD(&t->ev[ord[i]])]++;
    /* move the records along the cycles of that permutation, in place */
    for (size_t i = 0; i < n; i++) {
        while (ord2[i] != i) {
            uint32_t d = ord2[i];
            tev x = t->ev[d];
            t->ev[d] = t->ev[i];
            t->ev[i] = x;
            ord2[i] = ord2[d];
            ord2[d] = d;
        }
    }
done:
    p2p_vm_free(key, n * sizeof *key);
    p2p_vm_free(key2, n * sizeof *key2);
    p2p_vm_free(ord, n * sizeof *ord);
    p2p_vm_free(ord2, n * sizeof *ord2);
    free(count);
    return rc;
}

/* Intervals beginning at the same time: the longer first (it holds the
 * others), then in file order. */
typedef struct same_start {
    double end;
    uint32_t idx, pos;
} same_start;

static int cmp_same_start(const void *a, const void *b)
{
    const same_start *x = a, *y = b;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

typedef struct open_ev {
    double end;
    uint32_t seq;      /* opened seq-th: later ones are inner */
    uint32_t node;     /* its frame in the time line */
} open_ev;

/* a before b: the earlier end, and at the same end the inner one */
static inline bool heap_less(const open_ev *a, const open_ev *b)
{
    return a->end < b->end || (a->end == b->end && a->seq > b->seq);
}

static void heap_push(open_ev *h, size_t *n, open_ev x)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!heap_less(&x, &h[up]))
            break;
        h[i] = h[up];
        i = up;
    }
    h[i] = x;
}

static open_ev heap_pop(open_ev *h, size_t *n)
{
    open_ev top = h[0], x = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && heap_less(&h[c + 1], &h[c]))
            c++;
        if (!heap_less(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = x;
    return top;
}

typedef struct sweep {
    uint32_t *stack, *ivs;   /* open B events; a thread's X and B events */
    size_t capstack, capivs;
    open_ev *heap;
    size_t capheap;
    double *nodeend;         /* by time-line frame: its end */
    uint32_t *nodeidx;       /* by time-line frame: its event's index */
    size_t capnode;
    same_start *run;         /* events that begin at the same time */
    size_t caprun;
} sweep;

static void sweep_free(sweep *s)
{
    p2p_vm_free(s->stack, s->capstack * sizeof *s->stack);
    p2p_vm_free(s->ivs, s->capivs * sizeof *s->ivs);
    p2p_vm_free(s->heap, s->capheap * sizeof *s->heap);
    p2p_vm_free(s->nodeend, s->capnode * sizeof *s->nodeend);
    p2p_vm_free(s->nodeidx, s->capnode * sizeof *s->nodeidx);
    p2p_vm_free(s->run, s->caprun * sizeof *s->run);
}

/* One thread's events v[0..n), sorted by time: pair B and E, then nest
 * and account (when kept) or measure the time covered (when not). */
static int sweep_thread(tp *t, sweep *s, p2p_tl *tl, tev *v, size_t n, uint32_t sel)
{
    size_t ns = 0, ni = 0;
    double last = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        tev *e = &v[i];
        if (e->end > last)
            last = e->end;
        if (TEV_PH(e) == PH_X) {
            if (!p2p_vm_grow(&s->ivs, &s->capivs, ni, sizeof *s->ivs))
                return P2P_ENOMEM;
            s->ivs[ni++] = (uint32_t)i;
        } else if (TEV_PH(e) == PH_B) {
            if (!p2p_vm_grow(&s->ivs, &s->capivs, ni, sizeof *s->ivs) ||
                !p2p_vm_grow(&s->stack, &s->capstack, ns, sizeof *s->stack))
                return P2P_ENOMEM;
            s->ivs[ni++] = (uint32_t)i;
            s->stack[ns++] = (uint32_t)i;
            e->end = NAN;
        } else if (ns == 0) {
            note_add(&t->unmatched, "traceEvents[%u]", e->idx);
        } else {
            tev *b = &v[s->stack[--ns]];
            b->end = e->ts;
            if (e->name != P2P_NONE && b->name != P2P_NONE && e->name != b->name)
                note_add(&t->mismatch, "traceEvents[%u] closes '%.60s' of traceEvents[%u]", e->idx,
                         p2p_intern_str(t->keys, e->name), b->idx);
        }
    }
    for (size_t k = 0; k < ns; k++) {
        tev *b = &v[s->stack[k]];
        b->end = last;
        if (k == 0)
            note_add(&t->unclosed, "traceEvents[%u]", b->idx);
        else
            t->unclosed.n++;
    }
    /* the same start: the longer first */
    for (size_t a = 0; a < ni;) {
        size_t b = a + 1;
        while (b < ni && v[s->ivs[b]].ts == v[s->ivs[a]].ts)
            b++;
        if (b - a > 1) {
            if (!p2p_vm_grow(&s->run, &s->caprun, b - a - 1, sizeof *s->run))
                return P2P_ENOMEM;
            for (size_t k = a; k < b; k++)
                s->run[k - a] = (same_start){v[s->ivs[k]].end, v[s->ivs[k]].idx, s->ivs[k]};
            qsort(s->run, b - a, sizeof *s->run, cmp_same_start);
            for (size_t k = a; k < b; k++)
                s->ivs[k] = s->run[k - a].pos;
        }
        a = b;
    }
    double before = tl->samples;
    if (!p2p_threadsel_kept(&t->ts_sel, sel)) {
        /* not drawn: the time it covers, for --list-threads */
        double covered = 0, from = 0, to = -INFINITY;
        for (size_t i = 0; i < ni; i++) {
            const tev *e = &v[s->ivs[i]];
            if (e->ts > to) {
                if (to > from)
                    covered += to - from;
                from = e->ts;
                to = e->end;
            } else if (e->end > to) {
                to = e->end;
            }
        }
        if (to > from)
            covered += to - from;
        p2p_threadsel_add(&t->ts_sel, sel, covered * tl->scale, ni);
        return 0;
    }
    size_t nh = 0;
    uint32_t seq = 0;
    for (size_t i = 0; i <= ni; i++) {
        const tev *e = i < ni ? &v[s->ivs[i]] : NULL;
        while (nh && (!e || s->heap[0].end <= e->ts)) {
            open_ev o = heap_pop(s->heap, &nh);
            if (p2p_tl_close(tl, o.node, o.end) < 0)
                return P2P_ENOMEM;
        }
        if (!e)
            break;
        uint32_t top = p2p_tl_top(tl);
        if (top != P2P_NONE && s->nodeend[top] < e->end)
            note_add(&t->overlap, "traceEvents[%u] begins in traceEvents[%u] and ends after it", e->idx,
                     s->nodeidx[top]);
        p2p_fid f = fid_of(t, e->key);
        if (f == P2P_NONE)
            return P2P_ENOMEM;
        uint32_t node = p2p_tl_open(tl, f, e->ts, true);
        if (node == P2P_NONE || !p2p_vm_grow(&s->heap, &s->capheap, nh, sizeof *s->heap))
            return P2P_ENOMEM;
        if (node >= s->capnode) {
            size_t cap = s->capnode;
            if (!p2p_vm_grow(&s->nodeend, &cap, node, sizeof *s->nodeend))
                return P2P_ENOMEM;
            cap = s->capnode;
            if (!p2p_vm_grow(&s->nodeidx, &cap, node, sizeof *s->nodeidx))
                return P2P_ENOMEM;
            s->capnode = cap;
        }
        s->nodeend[node] = e->end;
        s->nodeidx[node] = e->idx;
        heap_push(s->heap, &nh, (open_ev){e->end, seq++, node});
    }
    p2p_threadsel_add(&t->ts_sel, sel, tl->samples - before, ni);
    return 0;
}

static int build(tp *t, p2p_diag *d)
{
    int rc = thread_labels(t, d);
    if (rc)
        return rc;
    if (sort_events(t))
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    p2p_tl tl;
    p2p_tl_init(&tl, t->p, true);
    tl.scale = 1e-6; /* microseconds -> seconds */
    sweep s;
    memset(&s, 0, sizeof s);
    for (size_t a = 0; a < t->nev && !rc;) {
        size_t b = a + 1;
        while (b < t->nev && TEV_THREAD(&t->ev[b]) == TEV_THREAD(&t->ev[a]))
            b++;
        rc = sweep_thread(t, &s, &tl, t->ev + a, b - a, t->th[TEV_THREAD(&t->ev[a])].sel);
        a = b;
    }
    if (!rc && tl.oom)
        rc = P2P_ENOMEM;
    if (!rc)
        p2p_tl_finish(&tl);
    p2p_tl_free(&tl);
    sweep_free(&s);
    if (rc)
        return p2p_diag_set(d, rc, 0, -1, "out of memory");
    return 0;
}

/* ---- warnings -------------------------------------------------------- */

static void warnf(const tp *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const tp *t, const char *fmt, ...)
{
    if (!t->o || !t->o->warn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    t->o->warn(t->o->warn_ctx, msg);
}

static const char *s_(uint64_t n)
{
    return n == 1 ? "" : "s";
}

static void warn_all(const tp *t)
{
    if (t->unreadable.n)
        warnf(t, "skipped %llu event%s that could not be read (the first: %s)", (unsigned long long)t->unreadable.n,
              s_(t->unreadable.n), t->unreadable.first);
    if (t->nodur.n)
        warnf(t, "%llu X event%s without \"dur\" count as calls of no time (the first: %s)",
              (unsigned long long)t->nodur.n, s_(t->nodur.n), t->nodur.first);
    if (t->unmatched.n)
        warnf(t, "ignored %llu E event%s with no open B event on their thread (the first: %s)",
              (unsigned long long)t->unmatched.n, s_(t->unmatched.n), t->unmatched.first);
    if (t->mismatch.n)
        warnf(t, "%llu E event%s closed the innermost open B event of another name (the first: %s)",
              (unsigned long long)t->mismatch.n, s_(t->mismatch.n), t->mismatch.first);
    if (t->unclosed.n)
        warnf(t, "%llu B event%s never closed end at the last time of their thread (the first: %s)",
              (unsigned long long)t->unclosed.n, s_(t->unclosed.n), t->unclosed.first);
    if (t->overlap.n)
        warnf(t,
              "%llu event%s overlap the event they began in instead of nesting (the first: %s): each keeps its "
              "time, under the next enclosing event once the other has ended",
              (unsigned long long)t->overlap.n, s_(t->overlap.n), t->overlap.first);
    if (t->totals)
        warnf(t, "skipped %llu clang \"Total ...\" event%s (sums of the other events)", (unsigned long long)t->totals,
              s_(t->totals));
    uint64_t other = t->other_phases;
    char list[200] = "";
    size_t o = 0;
    for (int c = 0; c < 128; c++) {
        if (!t->phases[c])
            continue;
        other += t->phases[c];
        if (o < sizeof list - 40)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%c %llu", o ? ", " : "", c >= 0x20 && c < 0x7f ? c : '?',
                                  (unsigned long long)t->phases[c]);
    }
    if (other)
        warnf(t, "skipped %llu event%s of phases not drawn (%s%s)", (unsigned long long)other, s_(other), list,
              t->other_phases ? (o ? ", other" : "other") : "");
    if (t->repairs)
        warnf(t, "invalid UTF-8 or NUL in %zu name%s was replaced by U+FFFD", t->repairs, t->repairs == 1 ? "" : "s");
    if (t->o && t->o->event)
        warnf(t, "this input has one cost (time): the event '%.60s' asked for is ignored", t->o->event);
}

/* ---- entry ----------------------------------------------------------- */

static void tp_free(tp *t)
{
    p2p_js_free(&t->j);
    p2p_lines_end(&t->lines);
    p2p_buf *bufs[] = {&t->f_ph.own,  &t->f_name.own, &t->f_detail.own, &t->f_file.own, &t->f_pid.own,
                       &t->f_tid.own, &t->f_argname.own, &t->tkey, &t->tmp, &t->last_pid, &t->last_tid};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        p2p_buf_free(bufs[i]);
    p2p_intern_free(t->keys);
    p2p_intern_free(t->threads);
    p2p_intern_free(t->tnames);
    p2p_intern_free(t->pnames);
    p2p_intern_free(t->names);
    p2p_intern_free(t->bare);
    free(t->ncache);
    p2p_arena_free(t->arena);
    p2p_vm_free(t->ki, t->capki * sizeof *t->ki);
    p2p_vm_free(t->th, t->capth * sizeof *t->th);
    p2p_vm_free(t->ev, t->capev * sizeof *t->ev);
    p2p_threadsel_free(&t->ts_sel);
}

int p2p_parse_trace(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the trace format reads exactly one input, not %zu", n);
    if (d)
        d->file = inputs[0].name;
    tp *t = calloc(1, sizeof *t);
    if (!t)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    t->o = o;
    t->in = &inputs[0];
    t->last_thread = P2P_NONE;
    int rc = p2p_threadsel_init(&t->ts_sel, o, d);
    if (rc) {
        free(t);
        return rc;
    }
    const uchar *text;
    size_t len;
    uchar *owned = NULL;
    int bom = 0;
    t->arena = p2p_arena_new();
    t->keys = t->arena ? p2p_intern_new(t->arena) : NULL;
    t->threads = t->arena ? p2p_intern_new(t->arena) : NULL;
    t->tnames = t->arena ? p2p_intern_new(t->arena) : NULL;
    t->pnames = t->arena ? p2p_intern_new(t->arena) : NULL;
    t->names = t->arena ? p2p_intern_new(t->arena) : NULL;
    t->bare = t->arena ? p2p_intern_new(t->arena) : NULL;
    t->p = p2p_profile_new(P2P_ID_INT);
    if (!t->bare || !t->names || !t->pnames || !t->tnames || !t->threads || !t->keys || !t->p ||
        p2p_text_decode(inputs[0].data, inputs[0].size, &text, &len, &owned, &bom) < 0) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto done;
    }
    p2p_js_init(&t->j, text, len, 0);
    {
        const uchar *q = text;
        while (q < text + len && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
            q++;
        if (q == text + len) {
            rc = p2p_diag_set(d, P2P_ETRUNCATED, 1, 0, "expected a JSON trace, found an empty input");
            goto done;
        }
    }
    /* a mapped file is read in pieces of whole lines (p2p_lines): faulting
     * the mapping in costs more than reading into one small buffer */
    {
        size_t body = 0;
        const uchar *nl = len ? memrchr(text, '\n', len) : NULL;
        if (nl)
            body = (size_t)(nl - text) + 1;
        const uchar *cr = len > body ? memrchr(text + body, '\r', len - body) : NULL;
        if (cr)
            body = (size_t)(cr - text) + 1;
        p2p_lines_begin(&t->lines, owned ? NULL : &inputs[0], text, body);
        t->tail = text + body;
        t->ntail = len - body;
        p2p_js_pieces(&t->j, refill, t);
    }
    int r = read_document(t);
    if (r < 0) {
        rc = p2p_js_diag(&t->j, d, bom == 8 ? 3 : 0, bom == 16);
        goto done;
    }
    if (r > 0) {
        rc = p2p_diag_set(d, P2P_EFORMAT, 0, -1, "expected a \"traceEvents\" array in the top-level object, found none");
        goto done;
    }
    if ((rc = build(t, d)) != 0)
        goto done;
    if ((rc = p2p_threadsel_finish(&t->ts_sel, d)) != 0)
        goto done;
    if (t->p->nfunctions == 0) {
        rc = p2p_diag_set(d, P2P_EEMPTY, 0, -1,
                          t->nev ? "the threads kept have no X or B events (complete or duration events)"
                                 : "the trace holds no X or B events (complete or duration events): nothing to draw");
        goto done;
    }
    t->p->unit = P2P_UNIT_SECONDS;
    warn_all(t);
done:
    free(owned);
    if (rc) {
        p2p_profile_free(t->p);
        t->p = NULL;
    }
    *out = t->p;
    tp_free(t);
    free(t);
    return rc;
}
