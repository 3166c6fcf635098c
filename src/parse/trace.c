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
 * input, each usable event kept as 40 bytes; then the events are sorted by
 * thread and time, B and E paired, and each thread swept once with a heap
 * of the open events' ends.  Memory: those records plus the profile.
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

/* One X, B or E event. */
typedef struct tev {
    double ts;
    double end;        /* X: ts + dur; B: when its E came (set later) */
    uint32_t thread;
    uint32_t key;      /* X, B: the function key */
    uint32_t name;     /* B, E: the name's key (P2P_NONE: no name) */
    uint32_t idx;      /* the index in the event array */
    uint8_t ph;
} tev;

typedef struct keyinfo {
    p2p_fid fid;       /* P2P_NONE until a kept event needs it */
    int64_t line;      /* the smallest args.line, 0: none */
} keyinfo;

typedef struct thread {
    uint32_t key;      /* its "pid\x1ftid" entry */
    uint32_t sel;      /* its index in the thread selection */
} thread;

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
    uint32_t last_thread;    /* the thread of the last event, and its text */
    p2p_buf last_tkey;
    /* the event being read */
    p2p_buf f_ph, f_name, f_detail, f_file, f_pid, f_tid, f_argname, tkey, tmp;
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
static uint32_t key_of(tp *t, const p2p_buf *name, const p2p_buf *detail, const p2p_buf *file)
{
    p2p_buf *k = &t->tmp;
    k->len = 0;
    /* NULs separate the parts: one inside a part becomes U+FFFD (as it
     * would when interned) */
    const p2p_buf *part[3] = {name, detail, file};
    for (int i = 0; i < 3; i++) {
        if (i)
            p2p_buf_putc(k, '\0');
        if (memchr(part[i]->data ? part[i]->data : "", '\0', part[i]->len))
            p2p_utf8_repair(k, part[i]->data, part[i]->len, true);
        else
            p2p_buf_append(k, part[i]->data, part[i]->len);
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

/* Intern s[0..n) in the profile, repaired (invalid UTF-8, NUL). */
static const char *intern_text(tp *t, const char *s, size_t n)
{
    if (p2p_utf8_valid(s, n) && !memchr(s, '\0', n))
        return p2p_profile_intern(t->p, n ? s : "", n);
    p2p_buf b;
    p2p_buf_init(&b);
    if (p2p_utf8_repair(&b, s, n, true))
        t->repairs++;
    const char *r = b.oom ? NULL : p2p_profile_intern(t->p, b.len ? b.data : "", b.len);
    p2p_buf_free(&b);
    return r;
}

/* The function of key k, created when new.  P2P_NONE: no memory. */
static p2p_fid fid_of(tp *t, uint32_t k)
{
    keyinfo *ki = &t->ki[k];
    if (ki->fid != P2P_NONE)
        return ki->fid;
    const char *s = p2p_intern_str(t->keys, k);
    size_t n = p2p_intern_len(t->keys, k);
    const char *d = memchr(s, '\0', n);
    const char *f = memchr(d + 1, '\0', (size_t)(s + n - d - 1));
    size_t nn = (size_t)(d - s), nd = (size_t)(f - d - 1), nf = (size_t)(s + n - f - 1);
    const char *bare = intern_text(t, s, nn);
    const char *name = bare;
    if (bare && nd) {
        const char *det = intern_text(t, d + 1, nd);
        name = det ? p2p_profile_printf(t->p, "%s: %s", bare, det) : NULL;
    }
    if (!name)
        return P2P_NONE;
    p2p_fid fid = p2p_profile_add_int(t->p, (int64_t)k, name);
    if (fid == P2P_NONE)
        return P2P_NONE;
    if (nf) {
        const char *file = intern_text(t, f + 1, nf);
        if (!file)
            return P2P_NONE;
        t->p->functions[fid].filename = file;
    }
    if (ki->line > 0 && !(t->o && t->o->no_fn_stats)) {
        p2p_fn_stat *st = p2p_profile_fn_stat(t->p, fid);
        if (!st)
            return P2P_NONE;
        st->func_name = bare;
        st->line = ki->line;
    }
    ki->fid = fid;
    return fid;
}

/* ---- reading an event ------------------------------------------------ */

static int oom(tp *t)
{
    return p2p_js_fail(&t->j, P2P_ENOMEM, p2p_js_offset(&t->j), "out of memory");
}

/* A string field into b (true), or the reason it is not one into t->bad. */
static int string_field(tp *t, p2p_buf *b, size_t idx, const char *key, bool *has)
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
    if (p2p_js_string(&t->j, &s, &n) < 0)
        return -1;
    b->len = 0;
    p2p_buf_append(b, s, n);
    if (b->oom)
        return oom(t);
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
static int id_field(tp *t, p2p_buf *b)
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
    b->len = 0;
    p2p_buf_append(b, s, n);
    return b->oom ? oom(t) : 0;
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
        int rc;
        int kind = p2p_js_peek(&t->j);
        if (kind == P2P_JS_ERROR)
            return -1;
        if (p2p_js_is(k, n, "detail") && kind == P2P_JS_STRING)
            rc = string_field(t, &t->f_detail, idx, "args.detail", &t->has_detail);
        else if ((p2p_js_is(k, n, "filename") || p2p_js_is(k, n, "file")) && kind == P2P_JS_STRING)
            rc = string_field(t, &t->f_file, idx, "args.filename", &t->has_file);
        else if (p2p_js_is(k, n, "name") && kind == P2P_JS_STRING)
            rc = string_field(t, &t->f_argname, idx, "args.name", &t->has_argname);
        else if (p2p_js_is(k, n, "line") && kind == P2P_JS_NUMBER) {
            double v;
            rc = p2p_js_number(&t->j, &v, NULL, NULL);
            if (!rc && v >= 1 && v < 1e15)
                t->line = floor(v);
        } else {
            t->avg_ms |= p2p_js_is(k, n, "avg ms");
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
    p2p_buf_append(k, t->f_pid.data, t->f_pid.len);
    p2p_buf_putc(k, '\x1f');
    p2p_buf_append(k, t->f_tid.data, t->f_tid.len);
    return !k->oom;
}

/* The thread of the event just read (pid, tid texts), P2P_NONE: no memory. */
static uint32_t thread_of(tp *t)
{
    p2p_buf *k = &t->tkey;
    if (!thread_key(t))
        return P2P_NONE;
    if (t->last_thread != P2P_NONE && t->last_tkey.len == k->len && memcmp(t->last_tkey.data, k->data, k->len) == 0)
        return t->last_thread;
    uint32_t i = p2p_intern_index(t->threads, k->data, k->len);
    if (i == P2P_NONE)
        return P2P_NONE;
    if (i >= t->nth) {
        if (!p2p_vm_grow(&t->th, &t->capth, i, sizeof *t->th))
            return P2P_NONE;
        t->th[i] = (thread){i, P2P_NONE};
        t->nth = i + 1;
    }
    t->last_tkey.len = 0;
    p2p_buf_append(&t->last_tkey, k->data, k->len);
    t->last_thread = t->last_tkey.oom ? P2P_NONE : i;
    return i;
}

/* Remember a name from an M event for key[0..n) in map. */
static int name_into(tp *t, p2p_intern *map, const char *key, size_t n)
{
    uint32_t i = p2p_intern_index(map, key, n);
    uint32_t v = p2p_intern_index(t->names, t->f_argname.data ? t->f_argname.data : "", t->f_argname.len);
    if (i == P2P_NONE || v == P2P_NONE)
        return oom(t);
    *p2p_intern_val(map, i) = v;
    return 0;
}

static bool name_is(const p2p_buf *b, const char *lit)
{
    return p2p_js_is(b->data ? b->data : "", b->len, lit);
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
    t->f_ph.len = t->f_name.len = t->f_detail.len = t->f_file.len = t->f_pid.len = t->f_tid.len = 0;
    t->f_argname.len = 0;
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
    uchar ph = has_ph && t->f_ph.len == 1 ? (uchar)t->f_ph.data[0] : 0;
    if (ph == 'M') {
        if (!t->has_argname)
            return 0;
        if (name_is(&t->f_name, "process_name"))
            return name_into(t, t->pnames, t->f_pid.data ? t->f_pid.data : "", t->f_pid.len);
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
    if (ph == 'X' && t->avg_ms && t->f_name.len > 6 && memcmp(t->f_name.data, "Total ", 6) == 0) {
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
    e->ph = ph;
    e->key = e->name = P2P_NONE;
    static const p2p_buf none = {0};
    if (ph != 'E') {
        p2p_buf unnamed = {(char *)"(unnamed)", 9, 0, false};
        e->key = key_of(t, t->has_name ? &t->f_name : &unnamed, &t->f_detail, t->has_file ? &t->f_file : &none);
        if (e->key == P2P_NONE)
            return oom(t);
        keyinfo *ki = &t->ki[e->key];
        if (t->line > 0 && (ki->line == 0 || t->line < ki->line))
            ki->line = (int64_t)t->line;
    }
    if (ph != 'X' && t->has_name) {
        e->name = key_of(t, &t->f_name, &none, &none);
        if (e->name == P2P_NONE)
            return oom(t);
    }
    e->thread = thread_of(t);
    if (e->thread == P2P_NONE)
        return oom(t);
    if (!isfinite(e->end)) {
        note_add(&t->unreadable, "traceEvents[%zu]: ts + dur is beyond the range of numbers", idx);
        return 0;
    }
    t->nev++;
    return 0;
}

/* How often the bytes read go back to the file (p2p_input_consumed). */
#define RELEASE_STEP ((size_t)8 << 20)

/* The event array (its '[' next). */
static int read_events(tp *t, const uchar *text)
{
    if (p2p_js_peek(&t->j) != P2P_JS_ARRAY) {
        if (p2p_js_peek(&t->j) == P2P_JS_ERROR)
            return -1;
        return p2p_js_expected(&t->j, "traceEvents", "an array of events");
    }
    if (p2p_js_array(&t->j) < 0)
        return -1;
    size_t idx = 0, released = 0;
    for (;;) {
        if (t->top_array) {
            /* the array format may end without its ']' (a trace written as
             * the program ran), after an event or a comma */
            const uchar *p = t->j.p, *e = t->j.end;
            while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
                p++;
            if (p < e && *p == ',' && idx > 0) {
                const uchar *q = p + 1;
                while (q < e && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
                    q++;
                if (q == e)
                    p = q;
            }
            if (p == e) {
                t->j.p = e;
                t->j.depth--;
                return 0;
            }
        }
        int r = p2p_js_elem(&t->j);
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        if (read_event(t, idx++) < 0)
            return -1;
        size_t off = p2p_js_offset(&t->j);
        if (off - released >= RELEASE_STEP) {
            p2p_input_consumed(t->in, text + off);
            released = off;
        }
    }
}

/* The whole document. */
static int read_document(tp *t, const uchar *text)
{
    int k = p2p_js_peek(&t->j);
    if (k == P2P_JS_ERROR)
        return -1;
    if (k == P2P_JS_ARRAY) {
        t->top_array = true;
        if (read_events(t, text) < 0)
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
            if (read_events(t, text) < 0)
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

static int cmp_thread_time(const void *a, const void *b)
{
    const tev *x = a, *y = b;
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static bool sorted_by_thread_time(const tev *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (cmp_thread_time(&v[i - 1], &v[i]) > 0)
            return false;
    return true;
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
        if (e->ph == 'X') {
            if (!p2p_vm_grow(&s->ivs, &s->capivs, ni, sizeof *s->ivs))
                return P2P_ENOMEM;
            s->ivs[ni++] = (uint32_t)i;
        } else if (e->ph == 'B') {
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
    if (!sorted_by_thread_time(t->ev, t->nev))
        qsort(t->ev, t->nev, sizeof *t->ev, cmp_thread_time);
    p2p_tl tl;
    p2p_tl_init(&tl, t->p, true);
    tl.scale = 1e-6; /* microseconds -> seconds */
    sweep s;
    memset(&s, 0, sizeof s);
    for (size_t a = 0; a < t->nev && !rc;) {
        size_t b = a + 1;
        while (b < t->nev && t->ev[b].thread == t->ev[a].thread)
            b++;
        rc = sweep_thread(t, &s, &tl, t->ev + a, b - a, t->th[t->ev[a].thread].sel);
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
    p2p_buf *bufs[] = {&t->f_ph, &t->f_name, &t->f_detail, &t->f_file, &t->f_pid, &t->f_tid, &t->f_argname,
                       &t->tkey, &t->tmp, &t->last_tkey};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        p2p_buf_free(bufs[i]);
    p2p_intern_free(t->keys);
    p2p_intern_free(t->threads);
    p2p_intern_free(t->tnames);
    p2p_intern_free(t->pnames);
    p2p_intern_free(t->names);
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
    t->p = p2p_profile_new(P2P_ID_INT);
    if (!t->names || !t->pnames || !t->tnames || !t->threads || !t->keys || !t->p ||
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
    int r = read_document(t, text);
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
