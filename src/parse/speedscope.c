/* speedscope's JSON file format (`-f speedscope`), as py-spy, pyinstrument,
 * rbspy, dotnet-trace, Austin and speedscope itself write it (the schema at
 * https://www.speedscope.app/file-format-schema.json).
 * docs/formats/speedscope.md says what is read and why.
 *
 *   {"$schema": "https://www.speedscope.app/file-format-schema.json",
 *    "shared": {"frames": [{"name": "main", "file": "a.py", "line": 3}, ...]},
 *    "profiles": [
 *      {"type": "evented", "name": "Thread 1", "unit": "seconds",
 *       "startValue": 0, "endValue": 9,
 *       "events": [{"type": "O", "frame": 0, "at": 0}, {"type": "C", "frame": 0, "at": 9}]},
 *      {"type": "sampled", "name": "Thread 2", "unit": "none",
 *       "startValue": 0, "endValue": 4, "samples": [[0, 1], [0]], "weights": [3, 1]}]}
 *
 * A function is a frame's (name, file): the frames of one function that
 * differ only in their line (py-spy's and Austin's frames carry the line
 * being run) are one node; its line is the smallest of theirs.  Every
 * profile is drawn, merged into one graph (one per thread in py-spy's
 * files): `--thread` keeps those whose name it matches; activeProfileIndex
 * (what speedscope shows first) is not a selection.  Values are in the
 * profile's unit: times become seconds, bytes stay bytes, "none" is a count;
 * profiles of different kinds (time and bytes) are not added up: an error
 * asks for --thread.
 *
 * Evented profiles open and close frames along a time line ("at"); each
 * open is a call (the edge from the frame open below it, or none for a
 * root).  As speedscope refuses them, an event whose "at" goes back, a close
 * of a frame that is not the innermost open one and a frame left open at
 * the end are errors naming the profile and the event.  Sampled profiles
 * are stacks (root first) with weights: each stack holds for its weight,
 * so the same accounting (src/parse/timeline.h) serves both; they have no
 * call counts.  Weights below 0 are errors (speedscope's too); samples and
 * weights must be as many.
 *
 * Reading: the JSON pull reader (src/parse/jscan.h).  JSON objects are
 * unordered and py-spy writes "profiles" before "shared", and "samples"
 * before "weights": a value needed later is skipped and read again from
 * its offset once what it needs is known.  Memory: the frames, one
 * profile's weights, the deepest stack, and the profile.
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

enum kind { K_TIME, K_BYTES, K_NONE };

typedef struct keyinfo {
    p2p_fid fid;       /* P2P_NONE until a kept profile needs it */
    int64_t line;      /* the smallest line of its frames, 0: none */
} keyinfo;

/* A frame open on the stack being read. */
typedef struct level {
    uint32_t frame;
    uint32_t node;     /* its frame in the time line (kept profiles) */
    size_t event;      /* the event that opened it (evented) */
} level;

typedef struct sp {
    const p2p_parse_opts *o;
    const p2p_input *in;
    const uchar *text;
    size_t len;
    p2p_profile *p;
    p2p_arena *arena;
    p2p_intern *keys;        /* "name\0file" -> keyinfo */
    keyinfo *ki;
    size_t capki;
    uint32_t *frames;        /* frame index -> key */
    size_t nframes, capframes;
    p2p_fid *frame_fid;      /* frame index -> function, P2P_NONE: not yet */
    bool have_frames;
    p2p_buf f_name, f_file, p_name, p_type, p_unit, tmp;
    double *weights;
    size_t nweights, capweights;
    level *stack;
    size_t capstack;
    p2p_tl tl;
    p2p_threadsel sel;
    /* the first profile kept, for the unit check */
    bool have_kind;
    enum kind kind;
    size_t kind_profile;
    char kind_name[80];
    uint64_t opened;         /* frames opened in kept profiles */
    size_t repairs;
} sp;

static int oom(p2p_js *j)
{
    return p2p_js_fail(j, P2P_ENOMEM, p2p_js_offset(j), "out of memory");
}

/* s[0..n) for a message: at most 60 bytes, control characters as '?'. */
static const char *excerpt(const char *s, size_t n, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < size; i++) {
        if (o >= 60) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        uchar c = (uchar)s[i];
        buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    buf[o] = '\0';
    return buf;
}

/* The name of frame f, for a message. */
static const char *frame_name(const sp *s, uint32_t f, char *buf, size_t size)
{
    const char *k = p2p_intern_str(s->keys, s->frames[f]);
    return excerpt(k, strlen(k), buf, size);
}

static p2p_fid fid_of_key(sp *s, uint32_t f);

/* The function of frame f, created when new.  P2P_NONE: no memory. */
static inline p2p_fid fid_of(sp *s, uint32_t f)
{
    if (s->frame_fid[f] == P2P_NONE)
        s->frame_fid[f] = fid_of_key(s, f);
    return s->frame_fid[f];
}

static p2p_fid fid_of_key(sp *s, uint32_t f)
{
    uint32_t k = s->frames[f];
    keyinfo *ki = &s->ki[k];
    if (ki->fid != P2P_NONE)
        return ki->fid;
    /* the key is "name\0file" */
    const char *str = p2p_intern_str(s->keys, k);
    size_t n = p2p_intern_len(s->keys, k), nn = strlen(str);
    ki->fid = p2p_tl_function(s->p, (int64_t)k, str, nn, "", 0, str + nn + 1, n > nn ? n - nn - 1 : 0, ki->line,
                              !(s->o && s->o->no_fn_stats), &s->repairs);
    return ki->fid;
}

/* ---- shared.frames --------------------------------------------------- */

/* A string or null into b; *has tells which.  `what` names the value. */
static int string_or_null(p2p_js *j, p2p_buf *b, bool *has, const char *what)
{
    int k = p2p_js_peek(j);
    if (k == P2P_JS_NULL) {
        *has = false;
        return p2p_js_skip(j);
    }
    if (k != P2P_JS_STRING)
        return k == P2P_JS_ERROR ? -1 : p2p_js_expected(j, what, "a string");
    const char *str;
    size_t n;
    if (p2p_js_string(j, &str, &n) < 0)
        return -1;
    b->len = 0;
    p2p_buf_append(b, str, n);
    *has = true;
    return b->oom ? oom(j) : 0;
}

static int read_frame(sp *s, p2p_js *j, size_t i)
{
    char what[64];
    snprintf(what, sizeof what, "shared.frames[%zu]", i);
    if (p2p_js_peek(j) != P2P_JS_OBJECT)
        return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, what, "an object (a frame)");
    size_t at = p2p_js_offset(j);
    if (p2p_js_object(j) < 0)
        return -1;
    bool has_name = false, has_file = false;
    double line = 0;
    const char *k;
    size_t n;
    int r;
    s->f_name.len = s->f_file.len = 0;
    while ((r = p2p_js_key(j, &k, &n)) > 0) {
        int rc;
        if (p2p_js_is(k, n, "name")) {
            snprintf(what, sizeof what, "shared.frames[%zu].name", i);
            rc = string_or_null(j, &s->f_name, &has_name, what);
        } else if (p2p_js_is(k, n, "file")) {
            snprintf(what, sizeof what, "shared.frames[%zu].file", i);
            rc = string_or_null(j, &s->f_file, &has_file, what);
        } else if (p2p_js_is(k, n, "line") && p2p_js_peek(j) == P2P_JS_NUMBER) {
            rc = p2p_js_number(j, &line, NULL, NULL);
        } else {
            rc = p2p_js_skip(j);
        }
        if (rc < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    if (!has_name)
        return p2p_js_fail(j, P2P_EFORMAT, at, "shared.frames[%zu]: expected a \"name\" (a string), found none", i);
    if (!has_file)
        s->f_file.len = 0;
    p2p_buf *key = &s->tmp;
    key->len = 0;
    /* a NUL in the name would end it early: as U+FFFD (as when interned) */
    if (memchr(s->f_name.data ? s->f_name.data : "", '\0', s->f_name.len))
        p2p_utf8_repair(key, s->f_name.data, s->f_name.len, true);
    else
        p2p_buf_append(key, s->f_name.data, s->f_name.len);
    p2p_buf_putc(key, '\0');
    p2p_buf_append(key, s->f_file.data, s->f_file.len);
    if (key->oom)
        return oom(j);
    uint32_t ki = p2p_intern_index(s->keys, key->data, key->len);
    if (ki == P2P_NONE)
        return oom(j);
    if (ki >= s->capki) {
        size_t old = s->capki;
        if (!p2p_vm_grow(&s->ki, &s->capki, ki, sizeof *s->ki))
            return oom(j);
        for (size_t x = old; x < s->capki; x++)
            s->ki[x] = (keyinfo){P2P_NONE, 0};
    }
    if (isfinite(line) && line >= 1 && line < 1e15 && (s->ki[ki].line == 0 || (int64_t)line < s->ki[ki].line))
        s->ki[ki].line = (int64_t)line;
    if (s->nframes >= UINT32_MAX - 1)
        return p2p_js_fail(j, P2P_ELIMIT, at, "more than %u frames", (unsigned)UINT32_MAX - 1);
    if (!p2p_vm_grow(&s->frames, &s->capframes, s->nframes, sizeof *s->frames))
        return oom(j);
    s->frames[s->nframes++] = ki;
    return 0;
}

static int read_shared(sp *s, p2p_js *j)
{
    if (p2p_js_peek(j) != P2P_JS_OBJECT)
        return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, "shared", "an object");
    size_t at = p2p_js_offset(j);
    if (p2p_js_object(j) < 0)
        return -1;
    const char *k;
    size_t n;
    int r;
    while ((r = p2p_js_key(j, &k, &n)) > 0) {
        if (!p2p_js_is(k, n, "frames")) {
            if (p2p_js_skip(j) < 0)
                return -1;
            continue;
        }
        if (s->have_frames)
            return p2p_js_fail(j, P2P_EFORMAT, p2p_js_offset(j), "shared.frames appears more than once");
        if (p2p_js_peek(j) != P2P_JS_ARRAY)
            return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, "shared.frames", "an array");
        if (p2p_js_array(j) < 0)
            return -1;
        int e;
        while ((e = p2p_js_elem(j)) > 0)
            if (read_frame(s, j, s->nframes) < 0)
                return -1;
        if (e < 0)
            return -1;
        s->have_frames = true;
        s->frame_fid = p2p_vm_zalloc((s->nframes ? s->nframes : 1) * sizeof *s->frame_fid);
        if (!s->frame_fid)
            return oom(j);
        for (size_t i = 0; i < s->nframes; i++)
            s->frame_fid[i] = P2P_NONE;
    }
    if (r < 0)
        return -1;
    if (!s->have_frames)
        return p2p_js_fail(j, P2P_EFORMAT, at, "shared: expected a \"frames\" array, found none");
    return 0;
}

/* ---- profiles -------------------------------------------------------- */

/* Fail with "PATH: expected EXPECTED, found <the next value>", PATH made
 * from fmt (only now: messages are not made for values that are good). */
static int expected_at(p2p_js *j, const char *expected, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int expected_at(p2p_js *j, const char *expected, const char *fmt, ...)
{
    if (p2p_js_peek(j) == P2P_JS_ERROR)
        return -1;
    char what[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return p2p_js_expected(j, what, expected);
}

/* A frame index: an integer below nframes.  fmt, a, b, c name it in a
 * message. */
static int frame_index(sp *s, p2p_js *j, uint32_t *f, const char *fmt, size_t a, size_t b, size_t c)
{
    /* the usual: a few digits, then ',' or ']' */
    const uchar *p = j->p, *e = j->end;
    uint64_t v = 0;
    size_t nd = 0;
    while (p + nd < e && nd < 10 && p[nd] >= '0' && p[nd] <= '9')
        v = v * 10 + (uint64_t)(p[nd++] - '0');
    if (nd && p + nd < e && (p[nd] == ',' || p[nd] == ']') && (nd == 1 || p[0] != '0') && v < s->nframes &&
        !j->err) {
        j->p = p + nd;
        *f = (uint32_t)v;
        return 0;
    }
    char what[96];
    snprintf(what, sizeof what, fmt, a, b, c);
    if (p2p_js_peek(j) != P2P_JS_NUMBER)
        return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, what, "a frame index");
    size_t at = p2p_js_offset(j);
    double d;
    const char *txt;
    size_t n;
    if (p2p_js_number(j, &d, &txt, &n) < 0)
        return -1;
    if (!(d >= 0 && d < (double)s->nframes && d == floor(d))) {
        char buf[80];
        return p2p_js_fail(j, P2P_EFORMAT, at, "%s: expected a frame index from 0 to %zu, found %s", what,
                           s->nframes ? s->nframes - 1 : 0, excerpt(txt, n, buf, sizeof buf));
    }
    *f = (uint32_t)d;
    return 0;
}

static bool stack_room(sp *s, size_t depth)
{
    return p2p_vm_grow(&s->stack, &s->capstack, depth, sizeof *s->stack);
}

/* What one profile is: its index, thread, unit, and whether it is kept. */
typedef struct prof {
    size_t index;
    uint32_t sel;
    bool kept;
    double scale;
} prof;

/* events[] of an evented profile (the '[' next). */
static int read_events(sp *s, p2p_js *j, const prof *pr)
{
    size_t pi = pr->index;
    if (p2p_js_peek(j) != P2P_JS_ARRAY) {
        char what[64];
        snprintf(what, sizeof what, "profiles[%zu].events", pi);
        return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, what, "an array");
    }
    if (p2p_js_array(j) < 0)
        return -1;
    size_t depth = 0, k = 0;
    uint64_t opens = 0;
    double last = -INFINITY, busy = 0, since = 0, before = s->tl.samples;
    s->tl.scale = pr->scale;
    int e;
    while ((e = p2p_js_elem(j)) > 0) {
        char what[96];
        size_t at_off = p2p_js_offset(j);
        if (p2p_js_peek(j) != P2P_JS_OBJECT)
            return expected_at(j, "an object (an event)", "profiles[%zu].events[%zu]", pi, k);
        if (p2p_js_object(j) < 0)
            return -1;
        int type = 0; /* 'O', 'C', or 0 */
        bool has_at = false, has_frame = false;
        double at = 0;
        uint32_t f = 0;
        const char *key;
        size_t n;
        int r;
        while ((r = p2p_js_key(j, &key, &n)) > 0) {
            int rc;
            if (p2p_js_is(key, n, "type")) {
                const char *t;
                size_t tn;
                if (p2p_js_peek(j) != P2P_JS_STRING)
                    return expected_at(j, "\"O\" or \"C\"", "profiles[%zu].events[%zu].type", pi, k);
                size_t toff = p2p_js_offset(j);
                if (p2p_js_string(j, &t, &tn) < 0)
                    return -1;
                if (tn != 1 || (t[0] != 'O' && t[0] != 'C')) {
                    char buf[80];
                    return p2p_js_fail(j, P2P_EFORMAT, toff,
                                       "profiles[%zu].events[%zu].type: expected \"O\" or \"C\", found \"%s\"", pi, k,
                                       excerpt(t, tn, buf, sizeof buf));
                }
                type = t[0];
                rc = 0;
            } else if (p2p_js_is(key, n, "at")) {
                if (p2p_js_peek(j) != P2P_JS_NUMBER)
                    return expected_at(j, "a number", "profiles[%zu].events[%zu].at", pi, k);
                size_t aoff = p2p_js_offset(j);
                rc = p2p_js_number(j, &at, NULL, NULL);
                if (!rc && !isfinite(at))
                    return p2p_js_fail(j, P2P_EFORMAT, aoff,
                                       "profiles[%zu].events[%zu].at: expected a finite number, found one beyond %g",
                                       pi, k, 1.7976931348623157e308);
                has_at = true;
            } else if (p2p_js_is(key, n, "frame")) {
                rc = frame_index(s, j, &f, "profiles[%zu].events[%zu].frame", pi, k, 0);
                has_frame = true;
            } else {
                rc = p2p_js_skip(j);
            }
            if (rc < 0)
                return -1;
        }
        if (r < 0)
            return -1;
        if (!type || !has_at || !has_frame || at < last || (type == 'C' && (depth == 0 || s->stack[depth - 1].frame != f)))
            snprintf(what, sizeof what, "profiles[%zu].events[%zu]", pi, k); /* an error follows */
        if (!type || !has_at || !has_frame)
            return p2p_js_fail(j, P2P_EFORMAT, at_off, "%s: expected \"type\", \"frame\" and \"at\", found no \"%s\"",
                               what, !type ? "type" : !has_at ? "at" : "frame");
        if (at < last)
            return p2p_js_fail(j, P2P_EFORMAT, at_off,
                               "%s.at: %.17g comes before the previous event's %.17g (events must be in order of time)",
                               what, at, last);
        last = at;
        char b1[80], b2[80];
        if (type == 'O') {
            if (!stack_room(s, depth))
                return oom(j);
            level *l = &s->stack[depth];
            l->frame = f;
            l->event = k;
            l->node = P2P_NONE;
            if (pr->kept) {
                p2p_fid fid = fid_of(s, f);
                if (fid == P2P_NONE || (l->node = p2p_tl_open(&s->tl, fid, at, true)) == P2P_NONE)
                    return oom(j);
            }
            if (depth++ == 0)
                since = at;
            opens++;
        } else {
            if (depth == 0)
                return p2p_js_fail(j, P2P_EFORMAT, at_off, "%s: closes frame %u ('%s') but no frame is open", what, f,
                                   frame_name(s, f, b1, sizeof b1));
            level *l = &s->stack[depth - 1];
            if (l->frame != f)
                return p2p_js_fail(j, P2P_EFORMAT, at_off,
                                   "%s: closes frame %u ('%s') but the innermost open frame is %u ('%s', opened by "
                                   "events[%zu])",
                                   what, f, frame_name(s, f, b1, sizeof b1), l->frame,
                                   frame_name(s, l->frame, b2, sizeof b2), l->event);
            if (pr->kept && p2p_tl_close(&s->tl, l->node, at) < 0)
                return oom(j);
            if (--depth == 0)
                busy += at - since;
        }
        k++;
    }
    if (e < 0)
        return -1;
    if (depth) {
        char b1[80];
        const level *l = &s->stack[depth - 1];
        return p2p_js_fail(j, P2P_EFORMAT, p2p_js_offset(j) - 1,
                           "profiles[%zu]: frame %u ('%s') opened by events[%zu] is never closed (%zu frame%s left "
                           "open at the end)",
                           pi, l->frame, frame_name(s, l->frame, b1, sizeof b1), l->event, depth, depth == 1 ? "" : "s");
    }
    p2p_threadsel_add(&s->sel, pr->sel, pr->kept ? s->tl.samples - before : busy * pr->scale, opens);
    s->opened += pr->kept ? opens : 0;
    return 0;
}

/* weights[] of a sampled profile into s->weights (the '[' next). */
static int read_weights(sp *s, p2p_js *j, size_t pi)
{
    if (p2p_js_peek(j) != P2P_JS_ARRAY)
        return expected_at(j, "an array", "profiles[%zu].weights", pi);
    if (p2p_js_array(j) < 0)
        return -1;
    s->nweights = 0;
    int e;
    while ((e = p2p_js_elem(j)) > 0) {
        if (p2p_js_peek(j) != P2P_JS_NUMBER)
            return expected_at(j, "a number", "profiles[%zu].weights[%zu]", pi, s->nweights);
        size_t at = p2p_js_offset(j);
        double w;
        if (p2p_js_number(j, &w, NULL, NULL) < 0)
            return -1;
        if (!(w >= 0) || !isfinite(w))
            return p2p_js_fail(j, P2P_EFORMAT, at,
                               "profiles[%zu].weights[%zu]: expected a finite weight of 0 or more, found %g", pi,
                               s->nweights, w);
        if (!p2p_vm_grow(&s->weights, &s->capweights, s->nweights, sizeof *s->weights))
            return oom(j);
        s->weights[s->nweights++] = w;
    }
    return e < 0 ? -1 : 0;
}

/* samples[] of a sampled profile, with its weights read (the '[' next). */
static int read_samples(sp *s, p2p_js *j, const prof *pr)
{
    size_t pi = pr->index;
    if (p2p_js_peek(j) != P2P_JS_ARRAY)
        return expected_at(j, "an array", "profiles[%zu].samples", pi);
    size_t start = p2p_js_offset(j);
    if (p2p_js_array(j) < 0)
        return -1;
    s->tl.scale = pr->scale;
    double t = 0, busy = 0, before = s->tl.samples;
    size_t depth = 0, i = 0;
    int e;
    while ((e = p2p_js_elem(j)) > 0) {
        if (p2p_js_peek(j) != P2P_JS_ARRAY)
            return expected_at(j, "an array (a stack)", "profiles[%zu].samples[%zu]", pi, i);
        if (i >= s->nweights)
            return p2p_js_fail(j, P2P_EFORMAT, start, "profiles[%zu]: more samples than the %zu weights", pi,
                               s->nweights);
        if (p2p_js_array(j) < 0)
            return -1;
        /* the frames it shares with the stack before stay open; a sample
         * of weight 0 changes nothing (as in speedscope) */
        double w = s->weights[i++];
        size_t lv = 0, nf = 0;
        bool same = true;
        int f;
        while ((f = p2p_js_elem(j)) > 0) {
            uint32_t fr;
            if (frame_index(s, j, &fr, "profiles[%zu].samples[%zu][%zu]", pi, i - 1, nf++) < 0)
                return -1;
            if (w == 0)
                continue;
            if (same && lv < depth && s->stack[lv].frame == fr) {
                lv++;
                continue;
            }
            if (same) {
                /* close what the stack before had above here */
                for (; depth > lv; depth--)
                    if (pr->kept && p2p_tl_close(&s->tl, s->stack[depth - 1].node, t) < 0)
                        return oom(j);
                same = false;
            }
            if (!stack_room(s, lv))
                return oom(j);
            level *l = &s->stack[lv];
            l->frame = fr;
            l->node = P2P_NONE;
            if (pr->kept) {
                p2p_fid fid = fid_of(s, fr);
                if (fid == P2P_NONE || (l->node = p2p_tl_open(&s->tl, fid, t, false)) == P2P_NONE)
                    return oom(j);
            }
            depth = ++lv;
        }
        if (f < 0)
            return -1;
        if (w == 0)
            continue;
        for (; depth > lv; depth--)
            if (pr->kept && p2p_tl_close(&s->tl, s->stack[depth - 1].node, t) < 0)
                return oom(j);
        if (depth)
            busy += w;
        t += w;
    }
    if (e < 0)
        return -1;
    for (; depth > 0; depth--)
        if (pr->kept && p2p_tl_close(&s->tl, s->stack[depth - 1].node, t) < 0)
            return oom(j);
    if (i != s->nweights)
        return p2p_js_fail(j, P2P_EFORMAT, start, "profiles[%zu]: %zu samples but %zu weights (expected as many)", pi,
                           i, s->nweights);
    p2p_threadsel_add(&s->sel, pr->sel, pr->kept ? s->tl.samples - before : busy * pr->scale, i);
    s->opened += pr->kept ? i : 0;
    return 0;
}

static bool buf_is(const p2p_buf *b, const char *lit)
{
    return p2p_js_is(b->data ? b->data : "", b->len, lit);
}

/* The unit of profile pi: its kind and its scale to the profile's unit. */
static int unit_of(sp *s, p2p_js *j, size_t pi, size_t at, bool has_unit, enum kind *kind, double *scale)
{
    static const struct {
        const char *name;
        enum kind kind;
        double scale;
    } units[] = {{"none", K_NONE, 1},        {"nanoseconds", K_TIME, 1e-9}, {"microseconds", K_TIME, 1e-6},
                 {"milliseconds", K_TIME, 1e-3}, {"seconds", K_TIME, 1},     {"bytes", K_BYTES, 1}};
    if (!has_unit) {
        *kind = K_NONE;
        *scale = 1;
        return 0;
    }
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        if (buf_is(&s->p_unit, units[u].name)) {
            *kind = units[u].kind;
            *scale = units[u].scale;
            return 0;
        }
    char buf[80];
    return p2p_js_fail(j, P2P_EFORMAT, at,
                       "profiles[%zu].unit: expected none, nanoseconds, microseconds, milliseconds, seconds or bytes, "
                       "found \"%s\"",
                       pi, excerpt(s->p_unit.data ? s->p_unit.data : "", s->p_unit.len, buf, sizeof buf));
}

static const char *const kind_names[] = {"a time", "bytes", "a count (unit none)"};

/* Decide what profile pi is, once its type, name and unit are known. */
static int profile_begin(sp *s, p2p_js *j, size_t pi, size_t at, bool has_unit, prof *pr)
{
    enum kind kind = K_NONE;
    pr->index = pi;
    if (unit_of(s, j, pi, at, has_unit, &kind, &pr->scale) < 0)
        return -1;
    const char *label = s->p_name.data;
    size_t n = s->p_name.len;
    char def[40];
    if (!n) {
        snprintf(def, sizeof def, "profile %zu", pi);
        label = def;
        n = strlen(def);
    }
    s->tmp.len = 0;
    p2p_utf8_repair(&s->tmp, label, n, true);
    if (s->tmp.oom)
        return oom(j);
    pr->sel = p2p_threadsel_thread(&s->sel, s->tmp.data, s->tmp.len);
    if (pr->sel == P2P_NONE)
        return oom(j);
    pr->kept = p2p_threadsel_kept(&s->sel, pr->sel);
    if (!pr->kept)
        return 0;
    if (!s->have_kind) {
        s->have_kind = true;
        s->kind = kind;
        s->kind_profile = pi;
        excerpt(s->tmp.data, s->tmp.len, s->kind_name, sizeof s->kind_name);
    } else if (kind != s->kind) {
        char buf[80];
        return p2p_js_fail(j, P2P_EFORMAT, at,
                           "profiles[%zu] ('%s') measures %s, but profiles[%zu] ('%s') %s: one graph adds up values "
                           "of one kind; keep profiles of one kind with --thread",
                           pi, excerpt(s->tmp.data, s->tmp.len, buf, sizeof buf), kind_names[kind], s->kind_profile,
                           s->kind_name, kind_names[s->kind]);
    }
    return 0;
}

/* profiles[pi] (the '{' next). */
static int read_profile(sp *s, p2p_js *j, size_t pi)
{
    char what[64];
    if (p2p_js_peek(j) != P2P_JS_OBJECT)
        return expected_at(j, "an object (a profile)", "profiles[%zu]", pi);
    size_t at = p2p_js_offset(j);
    if (p2p_js_object(j) < 0)
        return -1;
    bool has_type = false, has_name = false, has_unit = false, begun = false, done = false, has_weights = false;
    size_t events_off = 0, samples_off = 0;
    bool has_events = false, has_samples = false;
    prof pr;
    s->p_name.len = s->p_type.len = s->p_unit.len = 0;
    const char *k;
    size_t n;
    int r;
    while ((r = p2p_js_key(j, &k, &n)) > 0) {
        int rc = 0;
        if (p2p_js_is(k, n, "type")) {
            snprintf(what, sizeof what, "profiles[%zu].type", pi);
            rc = string_or_null(j, &s->p_type, &has_type, what);
        } else if (p2p_js_is(k, n, "name")) {
            snprintf(what, sizeof what, "profiles[%zu].name", pi);
            rc = string_or_null(j, &s->p_name, &has_name, what);
        } else if (p2p_js_is(k, n, "unit")) {
            snprintf(what, sizeof what, "profiles[%zu].unit", pi);
            rc = string_or_null(j, &s->p_unit, &has_unit, what);
        } else if (p2p_js_is(k, n, "events") && !has_events) {
            has_events = true;
            events_off = p2p_js_offset(j);
            if (has_type && buf_is(&s->p_type, "evented") && has_unit && has_name && !done) {
                /* the usual order: read it now */
                if (!begun && profile_begin(s, j, pi, at, has_unit, &pr) < 0)
                    return -1;
                begun = true;
                rc = read_events(s, j, &pr);
                done = true;
            } else {
                rc = p2p_js_skip(j);
            }
        } else if (p2p_js_is(k, n, "samples") && !has_samples) {
            has_samples = true;
            samples_off = p2p_js_offset(j);
            rc = p2p_js_skip(j);
        } else if (p2p_js_is(k, n, "weights") && !has_weights) {
            has_weights = true;
            rc = read_weights(s, j, pi);
        } else {
            rc = p2p_js_skip(j);
        }
        if (rc < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    bool evented = has_type && buf_is(&s->p_type, "evented");
    if (!has_type || (!evented && !buf_is(&s->p_type, "sampled"))) {
        char buf[80];
        if (!has_type)
            return p2p_js_fail(j, P2P_EFORMAT, at, "profiles[%zu].type: expected \"evented\" or \"sampled\", found none",
                               pi);
        return p2p_js_fail(j, P2P_EFORMAT, at, "profiles[%zu].type: expected \"evented\" or \"sampled\", found \"%s\"",
                           pi, excerpt(s->p_type.data ? s->p_type.data : "", s->p_type.len, buf, sizeof buf));
    }
    if (done)
        return 0;
    if (evented ? !has_events : !has_samples || !has_weights)
        return p2p_js_fail(j, P2P_EFORMAT, at, "profiles[%zu]: expected %s, found none", pi,
                           evented ? "\"events\"" : !has_samples ? "\"samples\"" : "\"weights\"");
    if (!begun && profile_begin(s, j, pi, at, has_unit, &pr) < 0)
        return -1;
    /* read the deferred array again from where it began */
    p2p_js again;
    p2p_js_init(&again, s->text, s->len, evented ? events_off : samples_off);
    int rc = evented ? read_events(s, &again, &pr) : read_samples(s, &again, &pr);
    if (rc < 0) {
        j->err = again.err;
        j->err_off = again.err_off;
        memcpy(j->msg, again.msg, sizeof j->msg);
    }
    p2p_js_free(&again);
    return rc;
}

static int read_profiles(sp *s, p2p_js *j)
{
    if (p2p_js_peek(j) != P2P_JS_ARRAY)
        return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, "profiles", "an array");
    if (p2p_js_array(j) < 0)
        return -1;
    size_t pi = 0;
    int e;
    while ((e = p2p_js_elem(j)) > 0)
        if (read_profile(s, j, pi++) < 0)
            return -1;
    return e < 0 ? -1 : 0;
}

/* The document.  Returns 0, -1 (a JSON or schema error in j), or 1 with
 * *missing naming a top-level key that is absent. */
static int read_document(sp *s, p2p_js *j, const char **missing)
{
    if (p2p_js_peek(j) != P2P_JS_OBJECT)
        return p2p_js_peek(j) == P2P_JS_ERROR ? -1 : p2p_js_expected(j, "the speedscope file", "an object");
    if (p2p_js_object(j) < 0)
        return -1;
    bool has_shared = false, has_profiles = false, profiles_read = false;
    size_t profiles_off = 0;
    const char *k;
    size_t n;
    int r;
    while ((r = p2p_js_key(j, &k, &n)) > 0) {
        int rc;
        if (p2p_js_is(k, n, "shared") && !has_shared) {
            has_shared = true;
            rc = read_shared(s, j);
        } else if (p2p_js_is(k, n, "profiles") && !has_profiles) {
            has_profiles = true;
            profiles_off = p2p_js_offset(j);
            profiles_read = s->have_frames;
            rc = s->have_frames ? read_profiles(s, j) : p2p_js_skip(j);
        } else if (p2p_js_is(k, n, "shared") || p2p_js_is(k, n, "profiles")) {
            return p2p_js_fail(j, P2P_EFORMAT, p2p_js_offset(j), "the key \"%.*s\" appears more than once", (int)n, k);
        } else {
            rc = p2p_js_skip(j);
        }
        if (rc < 0)
            return -1;
    }
    if (r < 0 || p2p_js_finish(j) < 0)
        return -1;
    if (!has_shared || !has_profiles) {
        *missing = has_shared ? "\"profiles\"" : "\"shared\" (with \"frames\")";
        return 1;
    }
    if (!profiles_read) {
        /* the profiles came before the frames: read them again */
        p2p_js again;
        p2p_js_init(&again, s->text, s->len, profiles_off);
        int rc = read_profiles(s, &again);
        if (rc < 0) {
            j->err = again.err;
            j->err_off = again.err_off;
            memcpy(j->msg, again.msg, sizeof j->msg);
        }
        p2p_js_free(&again);
        return rc;
    }
    return 0;
}

static void warn_all(const sp *s)
{
    if (!s->o || !s->o->warn)
        return;
    char msg[160];
    if (s->repairs) {
        snprintf(msg, sizeof msg, "invalid UTF-8 or NUL in %zu name%s was replaced by U+FFFD", s->repairs,
                 s->repairs == 1 ? "" : "s");
        s->o->warn(s->o->warn_ctx, msg);
    }
    if (s->o->event) {
        snprintf(msg, sizeof msg, "this input has one cost: the event '%.60s' asked for is ignored", s->o->event);
        s->o->warn(s->o->warn_ctx, msg);
    }
}

static void sp_free(sp *s)
{
    p2p_buf *bufs[] = {&s->f_name, &s->f_file, &s->p_name, &s->p_type, &s->p_unit, &s->tmp};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        p2p_buf_free(bufs[i]);
    p2p_intern_free(s->keys);
    p2p_arena_free(s->arena);
    p2p_vm_free(s->ki, s->capki * sizeof *s->ki);
    p2p_vm_free(s->frames, s->capframes * sizeof *s->frames);
    p2p_vm_free(s->frame_fid, (s->nframes ? s->nframes : 1) * sizeof *s->frame_fid);
    p2p_vm_free(s->weights, s->capweights * sizeof *s->weights);
    p2p_vm_free(s->stack, s->capstack * sizeof *s->stack);
    p2p_tl_free(&s->tl);
    p2p_threadsel_free(&s->sel);
}

int p2p_parse_speedscope(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                         p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the speedscope format reads exactly one input, not %zu", n);
    if (d)
        d->file = inputs[0].name;
    sp *s = calloc(1, sizeof *s);
    if (!s)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    s->o = o;
    s->in = &inputs[0];
    int rc = p2p_threadsel_init(&s->sel, o, d);
    if (rc) {
        free(s);
        return rc;
    }
    uchar *owned = NULL;
    int bom = 0;
    p2p_js j;
    p2p_js_init(&j, (const uchar *)"", 0, 0);
    s->arena = p2p_arena_new();
    s->keys = s->arena ? p2p_intern_new(s->arena) : NULL;
    s->p = p2p_profile_new(P2P_ID_INT);
    if (!s->keys || !s->p || p2p_text_decode(inputs[0].data, inputs[0].size, &s->text, &s->len, &owned, &bom) < 0) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto done;
    }
    p2p_tl_init(&s->tl, s->p, true);
    {
        size_t i = 0;
        while (i < s->len && (s->text[i] == ' ' || s->text[i] == '\n' || s->text[i] == '\r' || s->text[i] == '\t'))
            i++;
        if (i == s->len) {
            rc = p2p_diag_set(d, P2P_ETRUNCATED, 1, 0, "expected a speedscope JSON file, found an empty input");
            goto done;
        }
    }
    p2p_js_init(&j, s->text, s->len, 0);
    const char *missing = NULL;
    int r = read_document(s, &j, &missing);
    if (r < 0) {
        rc = p2p_js_diag(&j, d, bom == 8 ? 3 : 0, bom == 16);
        goto done;
    }
    if (r > 0) {
        rc = p2p_diag_set(d, P2P_EFORMAT, 0, -1, "expected a top-level %s key, found none", missing);
        goto done;
    }
    if (s->tl.oom) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto done;
    }
    p2p_tl_finish(&s->tl);
    if ((rc = p2p_threadsel_finish(&s->sel, d)) != 0)
        goto done;
    if (s->p->nfunctions == 0) {
        rc = p2p_diag_set(d, P2P_EEMPTY, 0, -1, "the profiles%s hold no samples or events: nothing to draw",
                          o && o->thread ? " kept" : "");
        goto done;
    }
    /* sampled profiles have no calls to count */
    bool any_calls = false;
    for (uint32_t c = 0; c < s->p->ncalls && !any_calls; c++)
        any_calls = p2p_ev_get(&s->p->calls[c].ev, P2P_CALLS) > 0;
    for (uint32_t f = 0; f < s->p->nfunctions && !any_calls; f++)
        any_calls = s->p->functions[f].called > 0;
    if (!any_calls) {
        for (uint32_t c = 0; c < s->p->ncalls; c++)
            p2p_ev_clear(&s->p->calls[c].ev, P2P_CALLS);
        for (uint32_t f = 0; f < s->p->nfunctions; f++)
            s->p->functions[f].has_called = false;
    }
    s->p->unit = s->kind == K_TIME ? P2P_UNIT_SECONDS : s->kind == K_BYTES ? P2P_UNIT_BYTES : P2P_UNIT_COUNT;
    warn_all(s);
done:
    p2p_js_free(&j);
    free(owned);
    if (rc) {
        p2p_profile_free(s->p);
        s->p = NULL;
    }
    *out = s->p;
    sp_free(s);
    free(s);
    return rc;
}
