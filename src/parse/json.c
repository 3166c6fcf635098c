/* gprof2dot's own JSON profile (`-f json`, its schema.json), as its
 * JsonParser reads it.
 *
 *   {"version": 0,
 *    "functions": [{"name": "main", "module": "a.out", "process": "p"}, ...],
 *    "events": [{"callchain": [3, 1, 0], "cost": [12]}, ...]}
 *
 * Function ids are the indices into "functions"; "module" and "process" are
 * optional (null means absent).  Each event's callchain runs from the
 * sampled function (first) to the root (last): the first function gets the
 * first cost as SAMPLES and one more call count; each adjacent pair
 * callchain[i+1] -> callchain[i] gets it as a call's SAMPLES2; the profile's
 * SAMPLES is the sum of all costs.  Every function starts with SAMPLES 0 and
 * a call count of 0, so every node shows "N×".  Other keys ("costs", ...)
 * are ignored.  The derived events come later (P2P_DERIVE_CALLGRIND: cycles,
 * TIME_RATIO, call ratios, integration), as in gprof2dot.
 *
 * Streaming: the document is never held as a tree.  Its bytes go to an
 * event-based (SAX) parser in 1 MiB chunks straight from the mapped input,
 * and the profile is built as the events arrive: each functions[] entry
 * becomes a function when its object ends, each event's callchain is kept in
 * one reusable buffer and added to the model when its object ends.  Memory
 * is the profile (distinct functions and calls) plus the longest callchain
 * and the longest string.  JSON objects are unordered: when "events" comes
 * before "functions", the first pass only checks the events' syntax and a
 * second pass over the mapped bytes reads them once the functions are
 * known.  Every index of an event is checked before any is used, as
 * gprof2dot looks them all up first.
 *
 * Why yajl: it is packaged (libyajl-dev) and maintained by Debian, with
 * security updates in bookworm; it is small (one ~40 KB library, no
 * dependencies); it is event-based, so nothing but the current token is
 * buffered; and its parser is iterative: yajl_do_parse is a state machine
 * that loops (goto) over an explicit byte stack of states, never recursing
 * on the input's depth.  That stack has no bound of its own, so the
 * container callbacks here enforce JSON_MAX_DEPTH and cancel the parse
 * beyond it.  (json-c, used before, builds a tree of the whole document:
 * ~20 bytes of heap per input byte; jansson's parser is recursive; yyjson is
 * faster but newer than what every Debian release ships.)
 *
 * Errors keep the order of a parse-then-check reader: a syntax error
 * anywhere (or NaN, too deep a nesting, a truncated document) wins over a
 * schema error, which is only reported once the whole document has been
 * read; among schema errors, the first of: the top-level value, "version",
 * "functions", "events", the first bad function, the first bad event.
 *
 * Deliberate differences from gprof2dot, which crashes with a traceback or
 * reads these otherwise:
 *  - NaN, Infinity and -Infinity are refused anywhere, as gprof2dot does,
 *    with their line and byte; numbers that overflow a double (1e999,
 *    which gprof2dot reads as inf) and integers beyond 64 bits (exact in
 *    Python) are refused where a cost is expected;
 *  - a UTF-8 byte-order mark is skipped (Python's json refuses it); UTF-16
 *    (LE or BE) with its mark is transcoded first (gprof2dot reads UTF-16LE
 *    only), and positions in messages are then bytes of the UTF-8 text;
 *  - invalid UTF-8 and NUL characters in names become U+FFFD (Python dies
 *    decoding the file);
 *  - every schema violation (a missing key, a wrong type, an index out of
 *    range, a version other than 0) is an error naming the JSON path, not an
 *    assertion or a KeyError; a value that is an object or an array is
 *    described ("found an object"), not printed;
 *  - true and false are not numbers (Python counts True as 1), neither as
 *    an index nor as a cost;
 *  - nesting deeper than JSON_MAX_DEPTH is refused (P2P_ELIMIT);
 *  - an event with an empty callchain is skipped with a warning (gprof2dot
 *    dies with IndexError);
 *  - a top-level "functions" or "events" key given twice is refused (Python
 *    keeps the last one; a streaming reader has used the first by then).
 *    Any other repeated key, "version" included, keeps its last value, as in
 *    Python.
 */
#include <yajl/yajl_parse.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/parse.h"
#include "../util/utf8.h"
#include "../util/util.h"

typedef unsigned char uchar;

/* Nesting depth accepted: the schema needs 4 (object, array, object,
 * array), unknown keys may hold a little more. */
#define JSON_MAX_DEPTH 64
/* Bytes handed to the parser at a time. */
#define JSON_CHUNK (1u << 20)

/* ---- text ------------------------------------------------------------ */

/* Intern s[0..n) in the profile, invalid UTF-8 and NUL repaired as U+FFFD
 * (counted in *repairs).  NULL: no memory. */
static const char *intern_text(p2p_profile *p, p2p_buf *tmp, const char *str, size_t n, size_t *repairs)
{
    if (p2p_utf8_valid(str, n) && !memchr(str, '\0', n))
        return p2p_profile_intern(p, str, n);
    tmp->len = 0;
    if (p2p_utf8_repair(tmp, str, n, true))
        ++*repairs;
    return tmp->oom ? NULL : p2p_profile_intern(p, tmp->len ? tmp->data : "", tmp->len);
}

static bool is_blank(uchar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* true when s[0..n) is JSON whitespace only. */
static bool blank(const uchar *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank(s[i]))
            return false;
    return true;
}

/* An error at byte `off` of the input: its line (1-based) goes to the
 * diagnostic, the byte offset into the message. */
static int pos_error(p2p_diag *d, int code, const uchar *data, size_t off, int bom, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int pos_error(p2p_diag *d, int code, const uchar *data, size_t off, int bom, const char *fmt, ...)
{
    long line = 1;
    for (const uchar *q = data; (q = memchr(q, '\n', (size_t)(data + off - q))) != NULL; q++)
        line++;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (bom == 16)
        return p2p_diag_set(d, code, line, (int64_t)off, "%s (byte %zu of the input converted from UTF-16)", msg, off);
    if (bom == 8)
        off += 3;
    return p2p_diag_set(d, code, line, (int64_t)off, "%s (byte %zu)", msg, off);
}

/* ---- values ---------------------------------------------------------- */

enum kind { K_NONE = -1, K_NULL, K_BOOL, K_NUMBER, K_STRING, K_OBJECT, K_ARRAY };

static const char *kind_name(int k)
{
    switch (k) {
    case K_NULL: return "null";
    case K_BOOL: return "a boolean";
    case K_NUMBER: return "a number";
    case K_STRING: return "a string";
    case K_OBJECT: return "an object";
    case K_ARRAY: return "an array";
    }
    return "nothing";
}

/* A short rendering of a value for "found ...": a number or a literal as
 * written, a string quoted (at most ~60 bytes), a container described. */
#define FOUND_MAX 80
static void render(char out[FOUND_MAX], int kind, const char *s, size_t n)
{
    size_t o = 0;
    if (kind == K_OBJECT || kind == K_ARRAY || kind == K_NONE) {
        snprintf(out, FOUND_MAX, "%s", kind_name(kind));
        return;
    }
    if (kind == K_STRING)
        out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        uchar c = (uchar)s[i];
        if (o > 60) {
            /* cut at a character boundary */
            while (o > 1 && ((uchar)out[o - 1] & 0xc0) == 0x80)
                o--;
            if (o > 1 && (uchar)out[o - 1] >= 0xc0)
                o--;
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (kind == K_STRING && (c == '"' || c == '\\')) {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, FOUND_MAX - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (kind == K_STRING)
        out[o++] = '"';
    out[o] = '\0';
}

enum num { NUM_OK, NUM_BIG_INT, NUM_NONFINITE };

/* The value of the number token s[0..n) (valid JSON number syntax). */
static enum num number_value(p2p_buf *tmp, const char *s, size_t n, double *out)
{
    size_t i = s[0] == '-';
    bool integer = true;
    for (size_t k = i; k < n; k++)
        if (s[k] < '0' || s[k] > '9') {
            integer = false;
            break;
        }
    if (integer) {
        uint64_t v = 0;
        for (; i < n; i++) {
            unsigned dgt = (unsigned)(s[i] - '0');
            if (v > (UINT64_MAX - dgt) / 10)
                return NUM_BIG_INT;
            v = v * 10 + dgt;
        }
        if (s[0] == '-') {
            if (v > (uint64_t)INT64_MAX + 1)
                return NUM_BIG_INT;
            *out = -(double)v;
        } else {
            *out = (double)v;
        }
        return NUM_OK;
    }
    tmp->len = 0;
    p2p_buf_append(tmp, s, n);
    p2p_buf_putc(tmp, '\0');
    if (tmp->oom)
        return NUM_NONFINITE;
    *out = strtod(tmp->data, NULL);
    return isfinite(*out) ? NUM_OK : NUM_NONFINITE;
}

/* ---- the parse state ------------------------------------------------- */

/* What a container is. */
enum frame { F_SKIP, F_TOP, F_FUNCS, F_FN, F_EVENTS, F_EV, F_CHAIN, F_COST };
/* Where the next value goes. */
enum slot {
    S_NONE, S_TOPVAL, S_VERSION, S_FUNCTIONS, S_EVENTS, S_FUNC_ELEM, S_NAME, S_MODULE, S_PROCESS,
    S_EVENT_ELEM, S_CALLCHAIN, S_COST, S_CHAIN_ELEM, S_COST_ELEM
};
/* Schema errors by precedence (lower wins). */
enum rank { R_TOP, R_REPEAT, R_VERSION, R_FUNCTIONS, R_EVENTS, R_FUNCTION, R_EVENT, R_NONE };

typedef struct jp {
    yajl_handle h;
    size_t base; /* offset of the chunk being parsed */
    const p2p_parse_opts *o;
    const p2p_input *in; /* to release the mapped pages already parsed */
    p2p_profile *p;
    int pass;    /* 1, or 2: the events only (they came before the functions) */
    int fatal;   /* P2P_ELIMIT (depth) or P2P_ENOMEM: the parse was cancelled */
    size_t fatal_off;

    int depth;
    uint8_t frames[JSON_MAX_DEPTH + 1];
    size_t count[JSON_MAX_DEPTH + 1]; /* elements so far, for arrays */
    enum slot key;                    /* the slot of the current key's value */

    size_t last_end; /* where the last value (not a callchain index) ended */
    bool top_done;   /* the top-level value ended, at top_end */
    size_t top_end;
    bool seen_version, seen_functions, seen_events;
    bool version_ok;
    char version_found[FOUND_MAX];
    int functions_kind, events_kind; /* K_NONE when absent */
    bool functions_done, events_deferred;

    int err_rank, err_code; /* the schema error to report, if err_rank < R_NONE */
    char err[400];
    bool building; /* no schema error yet: keep building the profile */

    /* the function object being read: name, module, process */
    p2p_buf fstr[3];
    int fkind[3];
    size_t nf;

    /* the event object being read */
    int chain_kind, cost_kind;
    uint32_t *chain;
    size_t nc, chain_cap;
    bool chain_bad;
    size_t bad_k;
    char bad_found[FOUND_MAX];
    size_t cost_n;
    bool cost_ok;
    double cost;
    char cost_found[FOUND_MAX];

    size_t nempty, repairs;
    p2p_buf tmp, num;
} jp;

static size_t jp_pos(jp *j)
{
    return j->base + yajl_get_bytes_consumed(j->h);
}

static void record(jp *j, enum rank r, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void record(jp *j, enum rank r, int code, const char *fmt, ...)
{
    j->building = false;
    if ((int)r >= j->err_rank)
        return;
    j->err_rank = (int)r;
    j->err_code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err, sizeof j->err, fmt, ap);
    va_end(ap);
}

static int oom(jp *j)
{
    j->fatal = P2P_ENOMEM;
    return 0;
}

/* The slot of the value about to start. */
static enum slot cur_slot(const jp *j)
{
    if (j->depth == 0)
        return S_TOPVAL;
    switch ((enum frame)j->frames[j->depth]) {
    case F_TOP:
    case F_FN:
    case F_EV: return j->key;
    case F_FUNCS: return S_FUNC_ELEM;
    case F_EVENTS: return S_EVENT_ELEM;
    case F_CHAIN: return S_CHAIN_ELEM;
    case F_COST: return S_COST_ELEM;
    case F_SKIP: break;
    }
    return S_NONE;
}

/* The index of the element that starts in the current array frame. */
static size_t next_index(jp *j)
{
    return j->count[j->depth]++;
}

/* ---- functions and events -------------------------------------------- */

static void fn_reset(jp *j)
{
    for (int f = 0; f < 3; f++) {
        j->fkind[f] = K_NONE;
        j->fstr[f].len = 0;
    }
}

static const char *const fn_keys[3] = {"name", "module", "process"};

/* functions[i] ended: check it and add it. */
static int fn_end(jp *j, size_t i)
{
    if (j->fkind[0] != K_STRING) {
        record(j, R_FUNCTION, P2P_EFORMAT, "functions[%zu].name: expected a string, found %s", i,
               kind_name(j->fkind[0]));
        return 1;
    }
    const char *s[3] = {NULL, NULL, NULL};
    for (int f = 0; f < 3; f++) {
        if (f > 0 && (j->fkind[f] == K_NONE || j->fkind[f] == K_NULL))
            continue;
        if (j->fkind[f] != K_STRING) {
            record(j, R_FUNCTION, P2P_EFORMAT, "functions[%zu].%s: expected a string, found %s", i, fn_keys[f],
                   kind_name(j->fkind[f]));
            return 1;
        }
        if (j->fstr[f].oom || !(s[f] = intern_text(j->p, &j->tmp, j->fstr[f].len ? j->fstr[f].data : "",
                                                   j->fstr[f].len, &j->repairs)))
            return oom(j);
    }
    if (j->nf >= UINT32_MAX - 1) {
        record(j, R_FUNCTION, P2P_ELIMIT, "more than %u functions", (unsigned)UINT32_MAX - 1);
        return 1;
    }
    p2p_fid f = p2p_profile_add_int(j->p, (int64_t)i, s[0]);
    if (f == P2P_NONE)
        return oom(j);
    p2p_function *fp = &j->p->functions[f];
    fp->module = s[1];
    fp->process = s[2];
    fp->has_called = true;
    fp->called = 0;
    p2p_ev_set(&fp->ev, P2P_SAMPLES, 0.0);
    j->nf++;
    return 1;
}

static void ev_reset(jp *j)
{
    j->chain_kind = j->cost_kind = K_NONE;
    j->nc = 0;
    j->chain_bad = false;
    j->cost_n = 0;
    j->cost_ok = false;
}

/* A cancel in pass 2 (the document's syntax is known to be good). */
static int after_event_error(jp *j)
{
    return j->pass == 1;
}

/* events[e] ended: check it and add it to the model. */
static int ev_end(jp *j, size_t e)
{
    if (j->chain_kind != K_ARRAY) {
        record(j, R_EVENT, P2P_EFORMAT, "events[%zu].callchain: expected an array, found %s", e,
               kind_name(j->chain_kind));
        return after_event_error(j);
    }
    if (j->chain_bad) {
        record(j, R_EVENT, P2P_EFORMAT, "events[%zu].callchain[%zu]: expected a function index from 0 to %zu, found %s",
               e, j->bad_k, j->nf ? j->nf - 1 : 0, j->bad_found);
        return after_event_error(j);
    }
    if (j->nc == 0) {
        j->nempty++;
        return 1;
    }
    if (j->cost_kind != K_ARRAY || j->cost_n == 0) {
        record(j, R_EVENT, P2P_EFORMAT, "events[%zu].cost: expected an array of at least one number, found %s", e,
               j->cost_kind == K_ARRAY ? "an empty array" : kind_name(j->cost_kind));
        return after_event_error(j);
    }
    if (!j->cost_ok) {
        record(j, R_EVENT, P2P_EFORMAT, "events[%zu].cost[0]: expected a finite number, found %s", e, j->cost_found);
        return after_event_error(j);
    }
    double c = j->cost;
    p2p_profile *p = j->p;
    /* function index i is function number i: ids were added in order */
    p2p_fid callee = j->chain[0];
    p2p_function *leaf = &p->functions[callee];
    leaf->called++;
    p2p_ev_add(&leaf->ev, P2P_SAMPLES, c);
    p2p_ev_add(&p->ev, P2P_SAMPLES, c);
    for (size_t k = 1; k < j->nc; k++) {
        p2p_fid caller = j->chain[k];
        uint32_t call = p2p_profile_get_call(p, caller, callee, NULL);
        if (call == P2P_NONE)
            return oom(j);
        p2p_ev_add(&p->calls[call].ev, P2P_SAMPLES2, c);
        callee = caller;
    }
    return 1;
}

/* callchain[k] is the number s[0..n). */
static int chain_number(jp *j, size_t k, const char *s, size_t n)
{
    if (j->chain_bad)
        return 1;
    double v;
    uint64_t idx = 0;
    bool ok = n <= 9;
    for (size_t i = 0; ok && i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            ok = false;
        else
            idx = idx * 10 + (uint64_t)(s[i] - '0');
    }
    if (!ok && number_value(&j->num, s, n, &v) == NUM_OK && v == floor(v) && v >= 0 && v < (double)j->nf) {
        idx = (uint64_t)v;
        ok = true;
    }
    if (!ok || idx >= j->nf) {
        j->chain_bad = true;
        j->bad_k = k;
        render(j->bad_found, K_NUMBER, s, n);
        return 1;
    }
    if (j->nc == j->chain_cap) {
        size_t cap = j->chain_cap ? 2 * j->chain_cap : 64;
        uint32_t *c = realloc(j->chain, cap * sizeof *c);
        if (!c)
            return oom(j);
        j->chain = c;
        j->chain_cap = cap;
    }
    j->chain[j->nc++] = (uint32_t)idx;
    return 1;
}

/* cost[0] is the value s[0..n) of kind `kind`. */
static void cost_value(jp *j, int kind, const char *s, size_t n)
{
    if (kind == K_NUMBER) {
        enum num r = number_value(&j->num, s, n, &j->cost);
        if (r == NUM_OK) {
            j->cost_ok = true;
            return;
        }
        if (r == NUM_BIG_INT) {
            snprintf(j->cost_found, sizeof j->cost_found, "an integer beyond 64 bits");
            return;
        }
    }
    render(j->cost_found, kind, s, n);
}

/* ---- callbacks ------------------------------------------------------- */

/* A scalar value of kind `kind`, written s[0..n) (the decoded text for a
 * string). */
static int scalar(jp *j, int kind, const char *s, size_t n)
{
    if (j->fatal)
        return 0;
    j->last_end = jp_pos(j);
    switch (cur_slot(j)) {
    case S_TOPVAL:
        record(j, R_TOP, P2P_EFORMAT, "expected a JSON object at the top, found %s", kind_name(kind));
        j->top_done = true;
        j->top_end = jp_pos(j);
        break;
    case S_VERSION: {
        double v;
        j->version_ok = kind == K_NUMBER && number_value(&j->num, s, n, &v) == NUM_OK && v == 0.0;
        render(j->version_found, kind, s, n);
        break;
    }
    case S_FUNCTIONS: j->functions_kind = kind; break;
    case S_EVENTS: j->events_kind = kind; break;
    case S_FUNC_ELEM: {
        size_t i = next_index(j);
        if (j->building)
            record(j, R_FUNCTION, P2P_EFORMAT, "functions[%zu]: expected an object, found %s", i, kind_name(kind));
        break;
    }
    case S_NAME:
    case S_MODULE:
    case S_PROCESS: {
        int f = (int)(cur_slot(j) - S_NAME);
        j->fkind[f] = kind;
        j->fstr[f].len = 0;
        if (kind == K_STRING)
            p2p_buf_append(&j->fstr[f], s, n);
        break;
    }
    case S_EVENT_ELEM: {
        size_t e = next_index(j);
        if (j->building) {
            record(j, R_EVENT, P2P_EFORMAT, "events[%zu]: expected an object, found %s", e, kind_name(kind));
            return after_event_error(j);
        }
        break;
    }
    case S_CALLCHAIN:
        j->chain_kind = kind;
        j->nc = 0;
        j->chain_bad = false;
        break;
    case S_COST:
        j->cost_kind = kind;
        j->cost_n = 0;
        j->cost_ok = false;
        break;
    case S_CHAIN_ELEM: {
        size_t k = next_index(j);
        if (kind == K_NUMBER)
            return chain_number(j, k, s, n);
        if (!j->chain_bad) {
            j->chain_bad = true;
            j->bad_k = k;
            render(j->bad_found, kind, s, n);
        }
        break;
    }
    case S_COST_ELEM:
        if (next_index(j) == 0) {
            j->cost_n = 1;
            cost_value(j, kind, s, n);
        }
        break;
    case S_NONE: break;
    }
    return 1;
}

/* An object or an array starts. */
static int open_container(jp *j, int kind)
{
    if (j->fatal)
        return 0;
    if (j->depth >= JSON_MAX_DEPTH) {
        j->fatal = P2P_ELIMIT;
        j->fatal_off = jp_pos(j) - 1;
        return 0;
    }
    enum frame fr = F_SKIP;
    enum slot s = cur_slot(j);
    switch (s) {
    case S_TOPVAL:
        if (kind == K_OBJECT)
            fr = F_TOP;
        else
            record(j, R_TOP, P2P_EFORMAT, "expected a JSON object at the top, found %s", kind_name(kind));
        break;
    case S_VERSION:
        j->version_ok = false;
        render(j->version_found, kind, NULL, 0);
        break;
    case S_FUNCTIONS:
        j->functions_kind = kind;
        if (kind == K_ARRAY && j->pass == 1)
            fr = F_FUNCS;
        break;
    case S_EVENTS:
        j->events_kind = kind;
        if (kind == K_ARRAY) {
            if (j->pass == 2 || j->functions_done)
                fr = F_EVENTS;
            else
                j->events_deferred = true;
        }
        break;
    case S_FUNC_ELEM: {
        size_t i = next_index(j);
        if (!j->building)
            break;
        if (kind == K_OBJECT) {
            fr = F_FN;
            fn_reset(j);
        } else {
            record(j, R_FUNCTION, P2P_EFORMAT, "functions[%zu]: expected an object, found %s", i, kind_name(kind));
        }
        break;
    }
    case S_NAME:
    case S_MODULE:
    case S_PROCESS: j->fkind[s - S_NAME] = kind; break;
    case S_EVENT_ELEM: {
        size_t e = next_index(j);
        if (!j->building)
            break;
        if (kind == K_OBJECT) {
            fr = F_EV;
            ev_reset(j);
        } else {
            record(j, R_EVENT, P2P_EFORMAT, "events[%zu]: expected an object, found %s", e, kind_name(kind));
            if (!after_event_error(j))
                return 0;
        }
        break;
    }
    case S_CALLCHAIN:
        j->chain_kind = kind;
        j->nc = 0;
        j->chain_bad = false;
        if (kind == K_ARRAY)
            fr = F_CHAIN;
        break;
    case S_COST:
        j->cost_kind = kind;
        j->cost_n = 0;
        j->cost_ok = false;
        if (kind == K_ARRAY)
            fr = F_COST;
        break;
    case S_CHAIN_ELEM: {
        size_t k = next_index(j);
        if (!j->chain_bad) {
            j->chain_bad = true;
            j->bad_k = k;
            render(j->bad_found, kind, NULL, 0);
        }
        break;
    }
    case S_COST_ELEM:
        if (next_index(j) == 0) {
            j->cost_n = 1;
            render(j->cost_found, kind, NULL, 0);
        }
        break;
    case S_NONE: break;
    }
    j->depth++;
    j->frames[j->depth] = (uint8_t)fr;
    j->count[j->depth] = 0;
    j->key = S_NONE;
    return 1;
}

static int close_container(jp *j)
{
    if (j->fatal)
        return 0;
    enum frame fr = (enum frame)j->frames[j->depth];
    j->depth--;
    j->last_end = jp_pos(j);
    int rc = 1;
    switch (fr) {
    case F_FN:
        if (j->building)
            rc = fn_end(j, j->count[j->depth] - 1);
        break;
    case F_EV:
        if (j->building)
            rc = ev_end(j, j->count[j->depth] - 1);
        break;
    case F_FUNCS: j->functions_done = true; break;
    default: break;
    }
    if (j->depth == 0) {
        j->top_done = true;
        j->top_end = jp_pos(j);
    }
    return rc;
}

static int cb_null(void *ctx)
{
    return scalar(ctx, K_NULL, "null", 4);
}

static int cb_boolean(void *ctx, int b)
{
    return scalar(ctx, K_BOOL, b ? "true" : "false", b ? 4 : 5);
}

static int cb_number(void *ctx, const char *s, size_t n)
{
    jp *j = ctx;
    /* the hot path: an index in a callchain */
    if (j->depth > 0 && j->frames[j->depth] == F_CHAIN && !j->fatal)
        return chain_number(j, next_index(j), s, n);
    return scalar(j, K_NUMBER, s, n);
}

static int cb_string(void *ctx, const uchar *s, size_t n)
{
    return scalar(ctx, K_STRING, (const char *)s, n);
}

static int cb_start_map(void *ctx)
{
    return open_container(ctx, K_OBJECT);
}

static int cb_start_array(void *ctx)
{
    return open_container(ctx, K_ARRAY);
}

static int cb_end(void *ctx)
{
    return close_container(ctx);
}

static bool key_is(const uchar *s, size_t n, const char *k)
{
    return n == strlen(k) && memcmp(s, k, n) == 0;
}

static int cb_map_key(void *ctx, const uchar *s, size_t n)
{
    jp *j = ctx;
    if (j->fatal)
        return 0;
    j->key = S_NONE;
    switch ((enum frame)j->frames[j->depth]) {
    case F_TOP:
        if (key_is(s, n, "version")) {
            j->seen_version = true;
            j->key = S_VERSION;
        } else if (key_is(s, n, "functions") || key_is(s, n, "events")) {
            bool fns = s[0] == 'f';
            bool *seen = fns ? &j->seen_functions : &j->seen_events;
            if (*seen)
                record(j, R_REPEAT, P2P_EFORMAT, "the top-level key \"%s\" appears more than once",
                       fns ? "functions" : "events");
            else
                j->key = fns ? S_FUNCTIONS : S_EVENTS;
            *seen = true;
        }
        break;
    case F_FN:
        for (int f = 0; f < 3; f++)
            if (key_is(s, n, fn_keys[f]))
                j->key = (enum slot)(S_NAME + f);
        break;
    case F_EV:
        if (key_is(s, n, "callchain"))
            j->key = S_CALLCHAIN;
        else if (key_is(s, n, "cost"))
            j->key = S_COST;
        break;
    default: break;
    }
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

/* ---- the document ---------------------------------------------------- */

/* Where the token that ends at data[end] (exclusive) starts: yajl reports a
 * parse error just after the offending token. */
static size_t token_start(const uchar *data, size_t end)
{
    if (end == 0)
        return 0;
    uchar c = data[end - 1];
    if (c == '"') {
        for (size_t i = end - 1; i-- > 0;) {
            if (data[i] != '"')
                continue;
            size_t bs = 0;
            while (bs < i && data[i - 1 - bs] == '\\')
                bs++;
            if (bs % 2 == 0)
                return i;
        }
        return end - 1;
    }
    if (c >= '0' && c <= '9') {
        size_t i = end;
        while (i > 0) {
            uchar u = data[i - 1];
            if ((u >= '0' && u <= '9') || u == '.')
                i--;
            else if ((u == 'e' || u == 'E') && i >= 2 && data[i - 2] >= '0' && data[i - 2] <= '9')
                i--;
            else if ((u == '+' || u == '-') && i >= 2 && (data[i - 2] == 'e' || data[i - 2] == 'E'))
                i--;
            else {
                if (u == '-')
                    i--;
                break;
            }
        }
        return i;
    }
    if (end >= 5 && memcmp(data + end - 5, "false", 5) == 0)
        return end - 5;
    if (end >= 4 && (memcmp(data + end - 4, "true", 4) == 0 || memcmp(data + end - 4, "null", 4) == 0))
        return end - 4;
    return end - 1;
}

/* The syntax error yajl reported while reading data[0..size): where and
 * what. */
static int syntax_error(jp *j, const uchar *data, size_t size, int bom, p2p_diag *d)
{
    size_t at = jp_pos(j);
    uchar *text = yajl_get_error(j->h, 0, NULL, 0);
    char what[200];
    snprintf(what, sizeof what, "%s", text ? (const char *)text : "syntax error");
    if (text)
        yajl_free_error(j->h, text);
    size_t n = strlen(what);
    while (n && (what[n - 1] == '\n' || what[n - 1] == '.'))
        what[--n] = '\0';
    /* a lexical error stops at the offending byte, or just after it for a
     * byte that begins no token; a parse error just after the token */
    size_t off;
    if (strncmp(what, "lexical", 7) == 0) {
        off = strstr(what, "invalid char in json text") && at > 0 ? at - 1 : at;
    } else if (strstr(what, "inside map")) {
        /* after a value in an object, yajl moves the offset back by the
         * token's length less its quotes: start after that value instead */
        off = j->last_end;
        while (off < size && is_blank(data[off]))
            off++;
    } else {
        off = token_start(data, at);
    }
    if (off >= size)
        return pos_error(d, P2P_ETRUNCATED, data, size, bom,
                         "expected the rest of the JSON document, found the end of the input (truncated?)");
    /* NaN, Infinity and -Infinity, which Python's json reads */
    if (size - off >= 3 && memcmp(data + off, "NaN", 3) == 0)
        return pos_error(d, P2P_EFORMAT, data, off, bom, "invalid JSON token 'NaN': costs must be finite numbers");
    if (size - off >= 8 && memcmp(data + off, "Infinity", 8) == 0) {
        bool neg = off > 0 && data[off - 1] == '-';
        return pos_error(d, P2P_EFORMAT, data, neg ? off - 1 : off, bom,
                         "invalid JSON token '%s': costs must be finite numbers", neg ? "-Infinity" : "Infinity");
    }
    char found[16];
    if (data[off] >= 0x20 && data[off] < 0x7f)
        snprintf(found, sizeof found, "'%c'", data[off]);
    else
        snprintf(found, sizeof found, "byte 0x%02x", data[off]);
    return pos_error(d, P2P_EFORMAT, data, off, bom, "invalid JSON: %s, found %s", what, found);
}

/* One pass of the parser over data[0..size). */
static int run_pass(jp *j, const uchar *data, size_t size, int bom, p2p_diag *d)
{
    j->h = yajl_alloc(&callbacks, NULL, j);
    if (!j->h)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    /* names are repaired here, not refused; no comments (the default) */
    yajl_config(j->h, yajl_dont_validate_strings, 1);
    j->depth = 0;
    j->key = S_NONE;
    j->top_done = false;
    j->seen_version = j->seen_functions = j->seen_events = false;
    yajl_status st = yajl_status_ok;
    size_t pos = 0;
    while (pos < size && st == yajl_status_ok) {
        size_t len = size - pos < JSON_CHUNK ? size - pos : JSON_CHUNK;
        j->base = pos;
        st = yajl_parse(j->h, data + pos, len);
        pos += len;
        /* yajl keeps no pointer into a chunk it has returned from (a token
         * across chunks is copied): drop the parsed pages (a no-op unless
         * data is the mapped file) */
        p2p_input_consumed(j->in, data + pos);
    }
    bool at_end = false;
    if (st == yajl_status_ok) {
        j->base = size;
        at_end = true;
        st = yajl_complete_parse(j->h);
    }
    int rc = 0;
    if (j->fatal == P2P_ELIMIT)
        rc = pos_error(d, P2P_ELIMIT, data, j->fatal_off, bom, "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
    else if (j->fatal)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    else if (st == yajl_status_client_canceled)
        rc = 0; /* pass 2 stopped at an event's schema error */
    else if (st != yajl_status_ok && at_end && j->top_done) {
        /* something after the value, cut short by the end of the input */
        size_t off = j->top_end;
        while (off < size && is_blank(data[off]))
            off++;
        char found[16];
        if (off < size && data[off] >= 0x20 && data[off] < 0x7f)
            snprintf(found, sizeof found, "'%c'", data[off]);
        else
            snprintf(found, sizeof found, "byte 0x%02x", off < size ? data[off] : 0);
        rc = pos_error(d, P2P_EFORMAT, data, off, bom, "invalid JSON: parse error: trailing garbage, found %s", found);
    } else if (st != yajl_status_ok && at_end) {
        rc = pos_error(d, P2P_ETRUNCATED, data, size, bom,
                       "expected the rest of the JSON document, found the end of the input (truncated?)");
    } else if (st != yajl_status_ok) {
        rc = syntax_error(j, data, size, bom, d);
    }
    yajl_free(j->h);
    j->h = NULL;
    return rc;
}

static void warn(const p2p_parse_opts *o, const jp *j)
{
    if (!o || !o->warn)
        return;
    char msg[160];
    if (j->nempty) {
        snprintf(msg, sizeof msg, "skipped %zu event%s with an empty callchain", j->nempty, j->nempty == 1 ? "" : "s");
        o->warn(o->warn_ctx, msg);
    }
    if (j->repairs) {
        snprintf(msg, sizeof msg, "invalid UTF-8 or NUL in %zu name%s was replaced by U+FFFD", j->repairs,
                 j->repairs == 1 ? "" : "s");
        o->warn(o->warn_ctx, msg);
    }
    if (o->event) {
        snprintf(msg, sizeof msg, "this input has one cost: the event '%.60s' asked for is ignored", o->event);
        o->warn(o->warn_ctx, msg);
    }
}

/* Read the text data[0..size) into j->p.  bom: the byte-order mark the
 * input had (p2p_text_decode). */
static int parse_text(jp *j, const uchar *data, size_t size, int bom, p2p_diag *d)
{
    if (blank(data, size))
        return p2p_diag_set(d, P2P_ETRUNCATED, 1, 0, "expected a JSON document, found an empty input");
    p2p_ev_set(&j->p->ev, P2P_SAMPLES, 0.0);
    j->pass = 1;
    int rc = run_pass(j, data, size, bom, d);
    if (rc)
        return rc;
    if (j->frames[1] == F_TOP && j->err_rank != R_TOP) {
        if (!j->seen_version)
            record(j, R_VERSION, P2P_EFORMAT, "expected a \"version\" key (0), found none");
        else if (!j->version_ok)
            record(j, R_VERSION, P2P_EFORMAT, "version: expected 0, found %s", j->version_found);
        if (j->functions_kind != K_ARRAY)
            record(j, R_FUNCTIONS, P2P_EFORMAT, "functions: expected an array, found %s", kind_name(j->functions_kind));
        if (j->events_kind != K_ARRAY)
            record(j, R_EVENTS, P2P_EFORMAT, "events: expected an array, found %s", kind_name(j->events_kind));
    }
    if (j->err_rank == R_NONE && j->events_deferred) {
        j->pass = 2;
        rc = run_pass(j, data, size, bom, d);
        if (rc)
            return rc;
    }
    if (j->err_rank != R_NONE)
        return p2p_diag_set(d, j->err_code, 0, -1, "%s", j->err);
    return 0;
}

/* gprof2dot's JSON profile: one input.  Returns 0 with *out set, or
 * P2P_EUSAGE (not one input), P2P_EFORMAT (not JSON, or not the schema: d
 * names the line or the JSON path), P2P_ETRUNCATED, P2P_ELIMIT (nesting),
 * P2P_ENOMEM. */
int p2p_parse_json(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the json format reads exactly one input, not %zu", n);
    if (d)
        d->file = inputs[0].name;
    const uchar *text;
    size_t len;
    uchar *owned;
    int bom;
    if (p2p_text_decode(inputs[0].data, inputs[0].size, &text, &len, &owned, &bom) < 0)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory decoding UTF-16 input");
    jp j;
    memset(&j, 0, sizeof j);
    j.o = o;
    j.in = &inputs[0];
    j.err_rank = R_NONE;
    j.building = true;
    j.functions_kind = j.events_kind = K_NONE;
    for (int f = 0; f < 3; f++)
        p2p_buf_init(&j.fstr[f]);
    p2p_buf_init(&j.tmp);
    p2p_buf_init(&j.num);
    int rc;
    j.p = p2p_profile_new(P2P_ID_INT);
    if (!j.p)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    else
        rc = parse_text(&j, text, len, bom, d);
    free(owned);
    for (int f = 0; f < 3; f++)
        p2p_buf_free(&j.fstr[f]);
    p2p_buf_free(&j.tmp);
    p2p_buf_free(&j.num);
    free(j.chain);
    if (rc) {
        p2p_profile_free(j.p);
        return rc;
    }
    warn(o, &j);
    *out = j.p;
    return 0;
}
