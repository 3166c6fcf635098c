/* --list-functions: gprof2dot's Profile.printFunctionIds, as text.
 *
 *   selector "+" or "*"   "ID:\tNAME" for every function, joined by ",\n";
 *   selector "%GLOB"      a dump of each function whose name matches GLOB:
 *                         "NAME\t({k})\t(<class '...Function'>)::\n\t" and
 *                         "key:=value" for each attribute in sorted order,
 *                         joined by ",\n\t", ended by "\n"; the dumps are
 *                         joined by ",\n";
 *   any other selector    the names that match it, joined by ",\n";
 * and a final "\n".  Functions come in index order (gprof2dot's dict order
 * without -z); names that appear twice are listed twice.
 *
 * The dump cannot be byte for byte gprof2dot's, which prints Python object
 * reprs with memory addresses and the module the script ran as.  Here:
 *   - the class is <class 'prof2png.Function'> (gprof2dot: '__main__...'
 *     or 'gprof2dot...', depending on how it was started);
 *   - a call is <prof2png.Call object {EVENTS}> with its events, where
 *     gprof2dot prints <__main__.Call object at 0x7f...>;
 *   - a cycle is <prof2png.Cycle object #N>, N its index in the profile;
 *   - "({k})" is printed literally, as gprof2dot does (a format string
 *     that was meant to print the id);
 *   - events come in the order gprof2dot's parser of the format sets them
 *     (by format name; other formats in prof2png's event order), counts as
 *     Python ints, times and ratios as Python floats (repr);
 *   - string keys and values that Python would repr() are quoted the way
 *     repr() quotes ASCII text; other bytes are copied. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"
#include "prof2png/theme.h"
#include "style.h"

static const char *const event_names[P2P_NEVENTS] = {
    [P2P_CALLS] = "Calls",
    [P2P_SAMPLES] = "Samples",
    [P2P_SAMPLES2] = "Samples",
    [P2P_TOTAL_SAMPLES] = "Samples",
    [P2P_TIME] = "Time",
    [P2P_TIME_RATIO] = "Time ratio",
    [P2P_TOTAL_TIME] = "Total time",
    [P2P_TOTAL_TIME_RATIO] = "Total time ratio",
};

typedef struct format_order {
    const char *format;
    p2p_event order[P2P_NEVENTS];
    size_t n;
    bool float_samples; /* callgrind adds float costs to SAMPLES */
} format_order;

/* The order in which gprof2dot's parsers (and their derived-data steps) set
 * a function's events: its dict order. */
static const format_order orders[] = {
    {"prof", {P2P_TIME, P2P_TIME_RATIO, P2P_TOTAL_TIME, P2P_TOTAL_TIME_RATIO}, 4, false},
    {"gprof", {P2P_TIME, P2P_TIME_RATIO, P2P_TOTAL_TIME, P2P_TOTAL_TIME_RATIO}, 4, false},
    {"pstats", {P2P_TOTAL_TIME, P2P_TIME, P2P_TIME_RATIO, P2P_TOTAL_TIME_RATIO}, 4, false},
    {"callgrind", {P2P_SAMPLES, P2P_TIME_RATIO, P2P_TOTAL_TIME_RATIO}, 3, true},
    {"perf", {P2P_SAMPLES, P2P_TOTAL_SAMPLES, P2P_TIME_RATIO, P2P_TOTAL_TIME_RATIO}, 4, false},
    {"collapse", {P2P_SAMPLES, P2P_TOTAL_SAMPLES, P2P_TIME_RATIO, P2P_TOTAL_TIME_RATIO}, 4, false},
    {"dtrace", {P2P_SAMPLES, P2P_TOTAL_SAMPLES, P2P_TIME_RATIO, P2P_TOTAL_TIME_RATIO}, 4, false},
};

static bool is_count(p2p_event e)
{
    return e == P2P_CALLS || e == P2P_SAMPLES || e == P2P_SAMPLES2 || e == P2P_TOTAL_SAMPLES;
}

/* A Python int when the value is a whole count, else a Python float. */
static void put_number(p2p_buf *b, double v, bool as_int)
{
    if (as_int && isfinite(v) && v == floor(v) && fabs(v) < 9e15) {
        p2p_buf_printf(b, "%" PRId64, (int64_t)v);
        return;
    }
    char s[64];
    p2p_style_float_repr(v, s, sizeof s);
    p2p_buf_puts(b, s);
}

/* Python's repr() of a str: single quotes unless the text holds a ' and no
 * ", backslash escapes for the quote, '\\', \t \n \r and other ASCII
 * controls; bytes >= 0x80 are copied. */
static void put_repr(p2p_buf *b, const char *s)
{
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    p2p_buf_putc(b, q);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == q || *c == '\\') {
            p2p_buf_putc(b, '\\');
            p2p_buf_putc(b, (char)*c);
        } else if (*c == '\t') {
            p2p_buf_puts(b, "\\t");
        } else if (*c == '\n') {
            p2p_buf_puts(b, "\\n");
        } else if (*c == '\r') {
            p2p_buf_puts(b, "\\r");
        } else if (*c < 0x20 || *c == 0x7f) {
            p2p_buf_printf(b, "\\x%02x", *c);
        } else {
            p2p_buf_putc(b, (char)*c);
        }
    }
    p2p_buf_putc(b, q);
}

static void put_id(p2p_buf *b, const p2p_profile *p, p2p_fid f, bool repr)
{
    const p2p_function *fn = &p->functions[f];
    if (p->id_kind == P2P_ID_INT)
        p2p_buf_printf(b, "%" PRId64, fn->id_num);
    else if (repr)
        put_repr(b, fn->id_str);
    else
        p2p_buf_puts(b, fn->id_str);
}

/* {Name: value, ...} of an event map, in `order` then the remaining events
 * in prof2png's order. */
static void put_events(p2p_buf *b, const p2p_events *ev, const format_order *fo)
{
    bool done[P2P_NEVENTS] = {false};
    bool first = true;
    p2p_buf_putc(b, '{');
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? (fo ? fo->n : 0) : P2P_NEVENTS;
        for (size_t i = 0; i < n; i++) {
            p2p_event e = pass == 0 ? fo->order[i] : (p2p_event)i;
            if (done[e] || !p2p_ev_has(ev, e))
                continue;
            done[e] = true;
            if (!first)
                p2p_buf_puts(b, ", ");
            first = false;
            p2p_buf_puts(b, event_names[e]);
            p2p_buf_puts(b, ": ");
            put_number(b, ev->v[e], is_count(e) && !(e == P2P_SAMPLES && fo && fo->float_samples));
        }
    }
    p2p_buf_putc(b, '}');
}

static void put_str_or_none(p2p_buf *b, const char *s)
{
    p2p_buf_puts(b, s ? s : "None");
}

/* Function.dump(): the attributes in sorted order. */
static void put_dump(p2p_buf *b, const p2p_profile *p, p2p_fid f, const format_order *fo)
{
    const p2p_function *fn = &p->functions[f];
    p2p_buf_puts(b, fn->name);
    p2p_buf_puts(b, "\t({k})\t(<class 'prof2png.Function'>)::\n\t");

    p2p_buf_puts(b, "called:=");
    if (fn->has_called)
        p2p_buf_printf(b, "%" PRId64, fn->called);
    else
        p2p_buf_puts(b, "None");

    p2p_buf_puts(b, ",\n\tcalls:={");
    bool first = true;
    for (uint32_t c = fn->first_call; c != P2P_NONE; c = p->calls[c].next) {
        const p2p_call *k = &p->calls[c];
        if (k->removed || p->functions[k->callee].removed)
            continue;
        if (!first)
            p2p_buf_puts(b, ", ");
        first = false;
        put_id(b, p, k->callee, true);
        p2p_buf_puts(b, ": <prof2png.Call object ");
        put_events(b, &k->ev, NULL);
        p2p_buf_putc(b, '>');
    }
    p2p_buf_putc(b, '}');

    p2p_buf_puts(b, ",\n\tcycle:=");
    if (fn->cycle != P2P_NONE)
        p2p_buf_printf(b, "<prof2png.Cycle object #%" PRIu32 ">", fn->cycle);
    else
        p2p_buf_puts(b, "None");

    p2p_buf_puts(b, ",\n\tevents:=");
    put_events(b, &fn->ev, fo);
    p2p_buf_puts(b, ",\n\tfilename:=");
    put_str_or_none(b, fn->filename);
    p2p_buf_puts(b, ",\n\tid:=");
    put_id(b, p, f, false);
    p2p_buf_puts(b, ",\n\tmodule:=");
    put_str_or_none(b, fn->module);
    p2p_buf_puts(b, ",\n\tname:=");
    p2p_buf_puts(b, fn->name);
    p2p_buf_puts(b, ",\n\tprocess:=");
    put_str_or_none(b, fn->process);
    p2p_buf_puts(b, ",\n\tweight:=");
    if (fn->has_weight)
        put_number(b, fn->weight, false);
    else
        p2p_buf_puts(b, "None");
    p2p_buf_putc(b, '\n');
}

int p2p_list_functions(const p2p_profile *p, const char *selector, const char *format, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    const format_order *fo = NULL;
    for (size_t i = 0; format && i < sizeof orders / sizeof orders[0]; i++)
        if (strcmp(orders[i].format, format) == 0)
            fo = &orders[i];

    p2p_buf b;
    p2p_buf_init(&b);
    bool all = !selector || strcmp(selector, "+") == 0 || strcmp(selector, "*") == 0;
    bool dump = !all && selector[0] == '%';
    p2p_fid *ids = NULL;
    size_t n = 0;
    if (all) {
        bool first = true;
        for (p2p_fid f = 0; f < p->nfunctions; f++) {
            if (p->functions[f].removed)
                continue;
            if (!first)
                p2p_buf_puts(&b, ",\n");
            first = false;
            put_id(&b, p, f, false);
            p2p_buf_puts(&b, ":\t");
            p2p_buf_puts(&b, p->functions[f].name);
        }
    } else {
        if (p2p_match_functions(p, dump ? selector + 1 : selector, NULL, &ids, &n) < 0) {
            p2p_buf_free(&b);
            return P2P_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            if (i)
                p2p_buf_puts(&b, ",\n");
            if (dump)
                put_dump(&b, p, ids[i], fo);
            else
                p2p_buf_puts(&b, p->functions[ids[i]].name);
        }
        free(ids);
    }
    p2p_buf_putc(&b, '\n');
    *out = p2p_buf_take(&b, len);
    return *out ? 0 : P2P_ENOMEM;
}
