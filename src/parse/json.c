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
 * Why json-c: it is packaged (libjson-c-dev), small (one ~70 KB library with
 * no dependencies), and its tokener is incremental and iterative with a
 * nesting limit: we feed it the input in 1 MiB chunks (so inputs beyond
 * INT_MAX bytes work), and no input can make it recurse.  It builds a tree,
 * which is fine for these profiles: the events are walked once and the tree
 * is freed before the derived events are computed.  (jansson's parser is
 * recursive; yyjson is faster but newer than what every Debian release
 * ships.)
 *
 * Deliberate differences from gprof2dot, which crashes with a traceback or
 * reads these otherwise:
 *  - NaN, Infinity and -Infinity are refused anywhere, as gprof2dot does,
 *    with their line and byte; numbers that overflow a double (1e999,
 *    which gprof2dot reads as inf) and integers beyond 64 bits (exact in
 *    Python, clamped by json-c) are refused where a cost is expected;
 *  - a UTF-8 byte-order mark is skipped (Python's json refuses it); UTF-16
 *    (LE or BE) with its mark is transcoded first (gprof2dot reads UTF-16LE
 *    only), and positions in messages are then bytes of the UTF-8 text;
 *  - invalid UTF-8 and NUL characters in names become U+FFFD (Python dies
 *    decoding the file);
 *  - every schema violation (a missing key, a wrong type, an index out of
 *    range, a version other than 0) is an error naming the JSON path, not an
 *    assertion or a KeyError;
 *  - true and false are not numbers (Python counts True as 1), neither as
 *    an index nor as a cost;
 *  - nesting deeper than JSON_MAX_DEPTH is refused (P2P_ELIMIT);
 *  - an event with an empty callchain is skipped with a warning (gprof2dot
 *    dies with IndexError);
 *  - json-c accepts a few things Python's json does not (raw control
 *    characters in strings, "1."); they are read as written.
 */
#include <json-c/json.h>
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

/* Nesting depth the tokener accepts: the schema needs 3 (object, array,
 * object, array), unknown keys may hold a little more. */
#define JSON_MAX_DEPTH 64
/* Bytes handed to the tokener at a time. */
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

/* ---- the document ---------------------------------------------------- */

/* true when s[0..n) is JSON whitespace only. */
static bool blank(const uchar *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
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

/* The first NaN, Infinity or -Infinity token of a well-formed document
 * data[start..size), which json-c accepts even in strict mode: outside
 * strings, 'N' and 'I' begin nothing else.  Its offset, or size. */
static size_t find_constant(const uchar *data, size_t start, size_t size)
{
    bool in_string = false;
    for (size_t i = start; i < size; i++) {
        uchar c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == 'N' || c == 'I') {
            return i > start && data[i - 1] == '-' ? i - 1 : i;
        }
    }
    return size;
}

/* Parse the whole text data[0..size) into a tree (*root, owned by the
 * caller).  bom: the byte-order mark the input had (p2p_text_decode). */
static int parse_text(const uchar *data, size_t size, int bom, json_object **root, p2p_diag *d)
{
    size_t start = 0;
    *root = NULL;
    json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
    if (!tok)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    /* strict: no comments, single quotes, trailing commas or leading zeros,
     * as Python's json */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *obj = NULL;
    enum json_tokener_error err = json_tokener_continue;
    size_t pos = start, end = start;
    while (pos < size) {
        size_t len = size - pos < JSON_CHUNK ? size - pos : JSON_CHUNK;
        obj = json_tokener_parse_ex(tok, (const char *)data + pos, (int)len);
        err = json_tokener_get_error(tok);
        end = pos + json_tokener_get_parse_end(tok);
        if (err != json_tokener_continue)
            break;
        pos += len;
    }
    if (err == json_tokener_continue && pos > start) {
        /* a NUL ends a top-level number (or literal) the input ends with */
        obj = json_tokener_parse_ex(tok, "", 1);
        err = json_tokener_get_error(tok);
        end = size;
    }
    if (err == json_tokener_success && obj) {
        /* only whitespace may follow the value (Python: "Extra data") */
        while (end < size && (data[end] == ' ' || data[end] == '\t' || data[end] == '\n' || data[end] == '\r'))
            end++;
        if (end < size) {
            json_object_put(obj);
            obj = NULL;
            err = json_tokener_error_parse_unexpected;
        }
    }
    json_tokener_free(tok);
    if (end > size)
        end = size;
    if (obj) {
        size_t k = find_constant(data, start, size);
        if (k < size) {
            json_object_put(obj);
            return pos_error(d, P2P_EFORMAT, data, k, bom,
                             "invalid JSON token '%s': costs must be finite numbers",
                             data[k] == '-' ? "-Infinity" : data[k] == 'N' ? "NaN" : "Infinity");
        }
        *root = obj;
        return 0;
    }
    if (err == json_tokener_continue || err == json_tokener_success || end >= size) {
        if (blank(data + start, size - start))
            return p2p_diag_set(d, P2P_ETRUNCATED, 1, 0, "expected a JSON document, found an empty input");
        return pos_error(d, P2P_ETRUNCATED, data, size, bom,
                         "expected the rest of the JSON document, found the end of the input (truncated?)");
    }
    if (err == json_tokener_error_depth)
        return pos_error(d, P2P_ELIMIT, data, end, bom, "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
    char found[16];
    if (data[end] >= 0x20 && data[end] < 0x7f)
        snprintf(found, sizeof found, "'%c'", data[end]);
    else
        snprintf(found, sizeof found, "byte 0x%02x", data[end]);
    return pos_error(d, P2P_EFORMAT, data, end, bom, "invalid JSON: %s, found %s", json_tokener_error_desc(err), found);
}

static const char *type_name(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "a value";
}

/* Build the message "PATH: expected ..., found ..." for a schema error. */
static int schema_error(p2p_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int schema_error(p2p_diag *d, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "%s", msg);
}

/* A number that json-c holds exactly: false for integers it clamped (beyond
 * 64 bits) and for NaN and the infinities. */
static bool get_number(json_object *v, double *out)
{
    enum json_type t = json_object_get_type(v);
    if (t == json_type_int) {
        int64_t i = json_object_get_int64(v);
        if (i == INT64_MIN)
            return false; /* clamped from below */
        if (i == INT64_MAX) {
            uint64_t u = json_object_get_uint64(v);
            if (u == UINT64_MAX)
                return false; /* clamped from above */
            *out = (double)u;
            return true;
        }
        *out = (double)i;
        return true;
    }
    if (t == json_type_double) {
        *out = json_object_get_double(v);
        return isfinite(*out);
    }
    return false;
}

/* An optional string attribute of functions[i]: NULL when absent or null. */
static int opt_string(p2p_profile *p, p2p_buf *tmp, json_object *fn, const char *key, size_t i, const char **out,
                      size_t *repairs, p2p_diag *d)
{
    json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(fn, key, &v) || json_object_get_type(v) == json_type_null)
        return 0;
    if (json_object_get_type(v) != json_type_string)
        return schema_error(d, "functions[%zu].%s: expected a string, found %s", i, key, type_name(v));
    *out = intern_text(p, tmp, json_object_get_string(v), (size_t)json_object_get_string_len(v), repairs);
    return *out ? 0 : p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
}

static int build(json_object *root, const p2p_parse_opts *o, p2p_profile *p, p2p_buf *tmp, p2p_diag *d)
{
    json_object *v = NULL, *fns = NULL, *events = NULL;
    size_t repairs = 0;
    if (json_object_get_type(root) != json_type_object)
        return schema_error(d, "expected a JSON object at the top, found %s", type_name(root));
    double version;
    if (!json_object_object_get_ex(root, "version", &v))
        return schema_error(d, "expected a \"version\" key (0), found none");
    if (!get_number(v, &version) || version != 0.0)
        return schema_error(d, "version: expected 0, found %s", json_object_to_json_string(v));
    bool has = json_object_object_get_ex(root, "functions", &fns);
    if (json_object_get_type(fns) != json_type_array)
        return schema_error(d, "functions: expected an array, found %s", has ? type_name(fns) : "nothing");
    has = json_object_object_get_ex(root, "events", &events);
    if (json_object_get_type(events) != json_type_array)
        return schema_error(d, "events: expected an array, found %s", has ? type_name(events) : "nothing");

    size_t nf = json_object_array_length(fns);
    if (nf >= UINT32_MAX)
        return p2p_diag_set(d, P2P_ELIMIT, 0, -1, "more than %u functions", (unsigned)UINT32_MAX - 1);
    p2p_ev_set(&p->ev, P2P_SAMPLES, 0.0);
    for (size_t i = 0; i < nf; i++) {
        json_object *fn = json_object_array_get_idx(fns, i), *name = NULL;
        if (json_object_get_type(fn) != json_type_object)
            return schema_error(d, "functions[%zu]: expected an object, found %s", i, type_name(fn));
        has = json_object_object_get_ex(fn, "name", &name);
        if (json_object_get_type(name) != json_type_string)
            return schema_error(d, "functions[%zu].name: expected a string, found %s", i,
                                has ? type_name(name) : "nothing");
        const char *nm =
            intern_text(p, tmp, json_object_get_string(name), (size_t)json_object_get_string_len(name), &repairs);
        const char *module, *process;
        int rc;
        if (!nm)
            return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        if ((rc = opt_string(p, tmp, fn, "module", i, &module, &repairs, d)) < 0 ||
            (rc = opt_string(p, tmp, fn, "process", i, &process, &repairs, d)) < 0)
            return rc;
        p2p_fid f = p2p_profile_add_int(p, (int64_t)i, nm);
        if (f == P2P_NONE)
            return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        p2p_function *fp = &p->functions[f];
        fp->module = module;
        fp->process = process;
        fp->has_called = true;
        fp->called = 0;
        p2p_ev_set(&fp->ev, P2P_SAMPLES, 0.0);
    }

    size_t ne = json_object_array_length(events), nempty = 0;
    for (size_t e = 0; e < ne; e++) {
        json_object *ev = json_object_array_get_idx(events, e), *chain = NULL, *cost = NULL;
        if (json_object_get_type(ev) != json_type_object)
            return schema_error(d, "events[%zu]: expected an object, found %s", e, type_name(ev));
        has = json_object_object_get_ex(ev, "callchain", &chain);
        if (json_object_get_type(chain) != json_type_array)
            return schema_error(d, "events[%zu].callchain: expected an array, found %s", e,
                                has ? type_name(chain) : "nothing");
        size_t nc = json_object_array_length(chain);
        /* check every index before using any, as gprof2dot looks them all
         * up first */
        for (size_t k = 0; k < nc; k++) {
            json_object *x = json_object_array_get_idx(chain, k);
            double idx;
            if (json_object_get_type(x) == json_type_boolean || !get_number(x, &idx) || idx != floor(idx) ||
                idx < 0 || idx >= (double)nf)
                return schema_error(d, "events[%zu].callchain[%zu]: expected a function index from 0 to %zu, found %s",
                                    e, k, nf ? nf - 1 : 0, json_object_to_json_string(x));
        }
        if (nc == 0) {
            nempty++;
            continue;
        }
        has = json_object_object_get_ex(ev, "cost", &cost);
        if (json_object_get_type(cost) != json_type_array || json_object_array_length(cost) == 0)
            return schema_error(d, "events[%zu].cost: expected an array of at least one number, found %s", e,
                                !has ? "nothing"
                                     : json_object_get_type(cost) == json_type_array ? "an empty array"
                                                                                      : type_name(cost));
        json_object *c0 = json_object_array_get_idx(cost, 0);
        double c;
        if (json_object_get_type(c0) == json_type_boolean || !get_number(c0, &c))
            return schema_error(d, "events[%zu].cost[0]: expected a finite number, found %s", e,
                                json_object_get_type(c0) == json_type_int ? "an integer beyond 64 bits"
                                                                          : json_object_to_json_string(c0));

        /* function index i is function number i: ids were added in order */
        p2p_fid callee = (p2p_fid)json_object_get_double(json_object_array_get_idx(chain, 0));
        p2p_function *leaf = &p->functions[callee];
        leaf->called++;
        p2p_ev_add(&leaf->ev, P2P_SAMPLES, c);
        p2p_ev_add(&p->ev, P2P_SAMPLES, c);
        for (size_t k = 1; k < nc; k++) {
            p2p_fid caller = (p2p_fid)json_object_get_double(json_object_array_get_idx(chain, k));
            uint32_t call = p2p_profile_get_call(p, caller, callee, NULL);
            if (call == P2P_NONE)
                return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
            p2p_ev_add(&p->calls[call].ev, P2P_SAMPLES2, c);
            callee = caller;
        }
    }
    if (o && o->warn) {
        char msg[160];
        if (nempty) {
            snprintf(msg, sizeof msg, "skipped %zu event%s with an empty callchain", nempty, nempty == 1 ? "" : "s");
            o->warn(o->warn_ctx, msg);
        }
        if (repairs) {
            snprintf(msg, sizeof msg, "invalid UTF-8 or NUL in %zu name%s was replaced by U+FFFD", repairs,
                     repairs == 1 ? "" : "s");
            o->warn(o->warn_ctx, msg);
        }
        if (o->event) {
            snprintf(msg, sizeof msg, "this input has one cost: the event '%.60s' asked for is ignored", o->event);
            o->warn(o->warn_ctx, msg);
        }
    }
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
    json_object *root;
    int rc = parse_text(text, len, bom, &root, d);
    free(owned);
    if (rc)
        return rc;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_buf tmp;
    p2p_buf_init(&tmp);
    if (!p)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    else
        rc = build(root, o, p, &tmp, d);
    p2p_buf_free(&tmp);
    json_object_put(root);
    if (rc) {
        p2p_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}
