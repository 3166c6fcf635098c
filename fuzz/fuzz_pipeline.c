/* libFuzzer target for the whole pipeline: bytes -> parse -> derive ->
 * prune (thresholds, paths, root/leaf) -> styled graph (or --compare) ->
 * DOT text.  Rendering (libgvc) is left out: it is Graphviz's code and slow.
 *
 * Input: a first line naming the format and the options, then the profile
 * bytes (cut at P2P_FUZZ_SPLIT into several inputs for formats that merge
 * them, or for C):
 *
 *     <format>[ <option>]...\n<profile bytes>
 *
 * Options, one token each: n<percent> e<percent> (thresholds, default 0.5
 * and 0.1), s (strip), w (wrap), c (colour nodes by self time), S (show
 * samples), z<glob> (root), l<glob> (leaf), d<int> (depth), p<prefix>
 * (path), C (compare the last two inputs), k<colormap>, K<skew>,
 * L<digits> (node label events by number), t<time format>, E<event>,
 * T (--total=callstacks for the sample formats; callratios for speedscope and
 * trace, whose default is callstacks), I<regex> F<regex>
 * H<regex> (--ignore, --focus, --hide).
 * The format `auto` detects it from the first input (p2p_detect), as the
 * CLI does without -f.
 * An unknown format name makes the input uninteresting (return 0).
 */
#include <errno.h>

#include "fuzz_common.h"

typedef struct opts {
    char format[32];
    double node_thres, edge_thres, skew;
    bool strip, wrap, selftime, show_samples, compare, callstacks;
    char root[64], leaf[64], path[64], colormap[16], time_format[32], event[32];
    char ignore[64], focus[64], hide[64];
    int depth;
    p2p_event events[8];
    size_t nevents;
} opts;

static void copy_token(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static double number(const char *s, size_t n, double dflt)
{
    char buf[32];
    copy_token(buf, sizeof buf, s, n);
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    if (end == buf || errno || !isfinite(x))
        return dflt;
    return x;
}

/* The header line data[0..n) into *o. */
static void parse_header(const char *s, size_t n, opts *o)
{
    memset(o, 0, sizeof *o);
    o->node_thres = 0.5;
    o->edge_thres = 0.1;
    o->skew = 1.0;
    o->depth = -1;
    strcpy(o->colormap, "color");
    size_t i = 0, k = 0;
    while (i < n && s[i] != ' ')
        i++;
    copy_token(o->format, sizeof o->format, s, i);
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        k = i;
        while (i < n && s[i] != ' ')
            i++;
        if (k == i)
            break;
        const char *t = s + k + 1;
        size_t tn = i - k - 1;
        switch (s[k]) {
        case 'n': o->node_thres = number(t, tn, 0.5); break;
        case 'e': o->edge_thres = number(t, tn, 0.1); break;
        case 'K': o->skew = number(t, tn, 1.0); break;
        case 's': o->strip = true; break;
        case 'w': o->wrap = true; break;
        case 'c': o->selftime = true; break;
        case 'S': o->show_samples = true; break;
        case 'C': o->compare = true; break;
        case 'T': o->callstacks = true; break;
        case 'z': copy_token(o->root, sizeof o->root, t, tn); break;
        case 'l': copy_token(o->leaf, sizeof o->leaf, t, tn); break;
        case 'p': copy_token(o->path, sizeof o->path, t, tn); break;
        case 'k': copy_token(o->colormap, sizeof o->colormap, t, tn); break;
        case 't': copy_token(o->time_format, sizeof o->time_format, t, tn); break;
        case 'E': copy_token(o->event, sizeof o->event, t, tn); break;
        case 'I': copy_token(o->ignore, sizeof o->ignore, t, tn); break;
        case 'F': copy_token(o->focus, sizeof o->focus, t, tn); break;
        case 'H': copy_token(o->hide, sizeof o->hide, t, tn); break;
        case 'd': {
            double x = number(t, tn, -1);
            o->depth = x >= -1 && x < 1e6 ? (int)x : -1;
            break;
        }
        case 'L':
            for (size_t j = 0; j < tn && o->nevents < 8; j++)
                if (t[j] >= '0' && t[j] < '0' + P2P_NEVENTS)
                    o->events[o->nevents++] = (p2p_event)(t[j] - '0');
            break;
        default: break;
        }
    }
}

static int load(const p2p_format *fmt, const opts *o, p2p_input *in, size_t n, p2p_profile **out)
{
    size_t warnings = 0;
    p2p_parse_opts po = {.warn = p2p_fuzz_warn, .warn_ctx = &warnings, .event = o->event[0] ? o->event : NULL};
    p2p_diag d;
    p2p_diag_init(&d, in[0].name);
    *out = NULL;
    int rc = fmt->parse(in, n, &po, out, &d);
    if (rc) {
        p2p_fuzz_check_failure(rc, *out, &d);
        return rc;
    }
    p2p_fuzz_check_profile(*out, 0);
    (*out)->warn = p2p_fuzz_warn;
    (*out)->warn_ctx = &warnings;
    p2p_diag_init(&d, in[0].name);
    p2p_derive recipe = fmt->derive;
    if (o->callstacks && recipe == P2P_DERIVE_SAMPLES)
        recipe = P2P_DERIVE_SAMPLES_CALLSTACKS;
    else if (o->callstacks && recipe == P2P_DERIVE_SAMPLES_CALLSTACKS)
        recipe = P2P_DERIVE_SAMPLES; /* speedscope, trace: --total=callratios */
    rc = p2p_derive_events(*out, recipe, &d);
    if (rc) {
        if (rc >= 0 || d.code != rc || d.msg[0] == '\0')
            p2p_fuzz_fail("derive failed without a code and message", d.msg);
        p2p_profile_free(*out);
        *out = NULL;
        return rc;
    }
    p2p_fuzz_check_profile(*out, 1);
    return 0;
}

/* --ignore/--focus/--hide, thresholds, paths, then -z/-l as the CLI applies
 * them.  0, or -1 when the root or leaf matches nothing (the CLI's exit 1)
 * or a name filter fails. */
static int prune(p2p_profile *p, const opts *o, bool is_compare)
{
    if (o->ignore[0] || o->focus[0] || o->hide[0]) {
        const char *ig[1] = {o->ignore}, *fo[1] = {o->focus}, *hi[1] = {o->hide};
        p2p_name_filter nf = {ig, o->ignore[0] != 0, fo, o->focus[0] != 0, hi, o->hide[0] != 0};
        p2p_diag d;
        p2p_diag_init(&d, NULL);
        int rc = p2p_filter_names(p, &nf, &d);
        if (rc) {
            if (rc > 0 || d.code != rc || d.msg[0] == '\0')
                p2p_fuzz_fail("filter_names failed without a code and message", d.msg);
            return -1; /* the CLI's exit 1 or 2 */
        }
        p2p_fuzz_check_profile(p, 1);
    }
    const char *paths[1] = {o->path};
    p2p_prune_opts po = {o->node_thres / 100.0, o->edge_thres / 100.0, paths, o->path[0] ? 1 : 0, o->selftime};
    p2p_prune(p, &po);
    p2p_fuzz_check_profile(p, 1);
    const char *which[2] = {o->root, is_compare ? "" : o->leaf};
    for (int k = 0; k < 2; k++) {
        if (!which[k][0])
            continue;
        p2p_fid *ids = NULL;
        size_t n = 0;
        if (p2p_select_functions(p, which[k], &ids, &n) < 0)
            p2p_fuzz_fail("select_functions failed", which[k]);
        for (size_t i = 0; i < n; i++)
            if (ids[i] >= p->nfunctions || p->functions[ids[i]].removed)
                p2p_fuzz_fail("select_functions returned a bad function", which[k]);
        if (!n && !is_compare) {
            free(ids);
            return -1;
        }
        int rc = k == 0 ? p2p_prune_root(p, ids, n, o->depth) : p2p_prune_leaf(p, ids, n, o->depth);
        free(ids);
        if (rc)
            p2p_fuzz_fail("prune_root/leaf failed", which[k]);
    }
    p2p_fuzz_check_profile(p, 1);
    return 0;
}

static void check_dot(const char *dot, size_t len)
{
    if (len < 12 || memcmp(dot, "digraph {", 9) != 0 || dot[len - 2] != '}' || dot[len - 1] != '\n')
        p2p_fuzz_fail("the DOT text is not one digraph", NULL);
    if (strlen(dot) != len)
        p2p_fuzz_fail("the DOT text holds a NUL byte", NULL);
    if (!p2p_fuzz_utf8_ok((const unsigned char *)dot, len))
        p2p_fuzz_fail("the DOT text is not valid UTF-8", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
    if (!nl)
        return 0;
    opts o;
    parse_header((const char *)data, (size_t)(nl - data), &o);
    const uint8_t *body = nl + 1;
    size_t blen = size - (size_t)(body - data);
    const p2p_format *fmt = p2p_format_find(o.format);
    if (!fmt && strcmp(o.format, "auto") == 0) {
        p2p_input whole;
        p2p_input_from_memory(&whole, "in", body, blen);
        p2p_diag d;
        p2p_diag_init(&d, "in");
        if (p2p_detect(&whole, &fmt, &d) < 0) {
            if (fmt || !d.msg[0] || !strstr(d.msg, "formats tried"))
                p2p_fuzz_fail("p2p_detect failed without naming the formats tried", d.msg);
            return 0;
        }
        if (!fmt)
            p2p_fuzz_fail("p2p_detect succeeded without a format", NULL);
    }
    if (!fmt)
        return 0;

    p2p_theme theme;
    if (p2p_theme_builtin(o.colormap, &theme) < 0)
        p2p_theme_builtin("color", &theme);
    if (p2p_theme_set_skew(&theme, o.skew) < 0)
        return 0; /* the CLI rejects a negative skew */

    p2p_input in[P2P_FUZZ_MAX_INPUTS];
    char names[P2P_FUZZ_MAX_INPUTS][16];
    size_t max = fmt->multiple_inputs || o.compare ? P2P_FUZZ_MAX_INPUTS : 1;
    size_t n = p2p_fuzz_split(body, blen, max, in, names);
    bool compare = o.compare && n >= 2;
    if (!fmt->multiple_inputs && !compare && n > 1)
        n = 1;

    p2p_profile *p1 = NULL, *p2 = NULL;
    p2p_graph *g = NULL;
    char *dot = NULL;
    if (compare) {
        if (load(fmt, &o, &in[n - 2], 1, &p1) || load(fmt, &o, &in[n - 1], 1, &p2))
            goto out;
        if (prune(p1, &o, true) || prune(p2, &o, true))
            goto out;
    } else {
        if (load(fmt, &o, in, n, &p1) || prune(p1, &o, false))
            goto out;
    }

    p2p_label_opts lo = {o.strip, o.wrap, o.nevents ? o.events : NULL, o.nevents, o.show_samples,
                         o.time_format[0] ? o.time_format : NULL};
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    int rc;
    if (compare) {
        p2p_compare_opts co = {0.001, false, false, false};
        rc = p2p_graph_compare(p1, p2, &theme, &lo, &co, &g, &d);
    } else {
        rc = p2p_graph_build(p1, &theme, &lo, &g, &d);
    }
    if (rc)
        p2p_fuzz_fail("building the graph failed", d.msg);
    size_t len;
    if (p2p_dot_write(g, &dot, &len))
        p2p_fuzz_fail("writing DOT failed", NULL);
    check_dot(dot, len);
out:
    free(dot);
    p2p_graph_free(g);
    p2p_profile_free(p1);
    p2p_profile_free(p2);
    return 0;
}
