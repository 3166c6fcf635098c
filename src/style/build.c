/* Profile -> styled graph: gprof2dot's DotWriter.graph (SEMANTICS.md §8-§10),
 * plus the helpers it shares with compare.c (style.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/theme.h"
#include "style.h"

/* ---- SHA-1 (FIPS 180-4), for the ids of huge C++ symbols ---------------- */

typedef struct sha1_ctx {
    uint32_t h[5];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} sha1_ctx;

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block(sha1_ctx *c, const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20)
            f = (b & cc) | (~b & d), k = 0x5a827999;
        else if (i < 40)
            f = b ^ cc ^ d, k = 0x6ed9eba1;
        else if (i < 60)
            f = (b & cc) | (b & d) | (cc & d), k = 0x8f1bbcdc;
        else
            f = b ^ cc ^ d, k = 0xca62c1d6;
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = cc;
        cc = rol(b, 30);
        b = a;
        a = t;
    }
    c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d, c->h[4] += e;
}

static void sha1_update(sha1_ctx *c, const unsigned char *p, size_t n)
{
    c->len += n;
    while (n) {
        size_t k = 64 - c->nbuf < n ? 64 - c->nbuf : n;
        memcpy(c->buf + c->nbuf, p, k);
        c->nbuf += k, p += k, n -= k;
        if (c->nbuf == 64) {
            sha1_block(c, c->buf);
            c->nbuf = 0;
        }
    }
}

/* Contract in style.h. */
void p2p_sha1_hex(const void *data, size_t len, char hex[41])
{
    sha1_ctx c = {{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, 0, {0}, 0};
    sha1_update(&c, data, len);
    uint64_t bits = c.len * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = (c.nbuf < 56 ? 56 : 120) - c.nbuf;
    for (int i = 0; i < 8; i++)
        pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(&c, pad, padlen + 8);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        unsigned char byte = (unsigned char)(c.h[i / 4] >> (24 - 8 * (i % 4)));
        hex[2 * i] = digits[byte >> 4];
        hex[2 * i + 1] = digits[byte & 15];
    }
    hex[40] = '\0';
}

/* ---- shared helpers (style.h) -------------------------------------------- */

#define MAX_NODE_ID 1024 /* code points; longer string ids are hashed */

p2p_gid *p2p_style_ids(const p2p_profile *p, p2p_graph *g)
{
    p2p_gid *ids = calloc(p->nfunctions ? p->nfunctions : 1, sizeof *ids);
    if (!ids)
        return NULL;
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        if (f->removed)
            continue;
        if (p->id_kind == P2P_ID_INT) {
            ids[i].num = f->id_num;
            continue;
        }
        const char *s;
        if (p2p_utf8_length(f->id_str) > MAX_NODE_ID) {
            char hex[42];
            hex[0] = '_';
            p2p_sha1_hex(f->id_str, strlen(f->id_str), hex + 1);
            s = p2p_graph_strdup(g, hex);
        } else {
            s = p2p_graph_strdup(g, f->id_str);
        }
        if (!s) {
            free(ids);
            return NULL;
        }
        ids[i].str = s;
    }
    return ids;
}

/* Sort keys: the same order as p2p_profile_cmp_ids (ints numerically,
 * strings bytewise), without a comparison context. */
typedef struct sort_key {
    const char *str;
    int64_t num;
    uint32_t index;
} sort_key;

static int cmp_str_key(const void *a, const void *b)
{
    return strcmp(((const sort_key *)a)->str, ((const sort_key *)b)->str);
}

static int cmp_num_key(const void *a, const void *b)
{
    int64_t x = ((const sort_key *)a)->num, y = ((const sort_key *)b)->num;
    return x < y ? -1 : x > y;
}

static void set_key(const p2p_profile *p, sort_key *k, p2p_fid f, uint32_t index)
{
    k->str = p->functions[f].id_str;
    k->num = p->functions[f].id_num;
    k->index = index;
}

static uint32_t *sort_keys(const p2p_profile *p, sort_key *keys, size_t n)
{
    qsort(keys, n, sizeof *keys, p->id_kind == P2P_ID_STRING ? cmp_str_key : cmp_num_key);
    uint32_t *out = malloc(n * sizeof *out);
    if (out)
        for (size_t i = 0; i < n; i++)
            out[i] = keys[i].index;
    free(keys);
    return out;
}

/* Contract in style.h. */
p2p_fid *p2p_style_sorted_functions(const p2p_profile *p, size_t *n)
{
    size_t count = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        count += !p->functions[i].removed;
    *n = count;
    if (!count)
        return NULL;
    sort_key *keys = malloc(count * sizeof *keys);
    if (!keys)
        return NULL;
    size_t k = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        if (!p->functions[i].removed)
            set_key(p, &keys[k++], i, i);
    return sort_keys(p, keys, count);
}

/* Contract in style.h. */
bool p2p_style_call_live(const p2p_profile *p, uint32_t c)
{
    const p2p_call *k = &p->calls[c];
    return !k->removed && !p->functions[k->callee].removed;
}

/* Contract in style.h. */
uint32_t *p2p_style_sorted_calls(const p2p_profile *p, p2p_fid f, size_t *n)
{
    size_t count = 0;
    for (uint32_t c = p->functions[f].first_call; c != P2P_NONE; c = p->calls[c].next)
        count += p2p_style_call_live(p, c);
    *n = count;
    if (!count)
        return NULL;
    sort_key *keys = malloc(count * sizeof *keys);
    if (!keys)
        return NULL;
    size_t k = 0;
    for (uint32_t c = p->functions[f].first_call; c != P2P_NONE; c = p->calls[c].next)
        if (p2p_style_call_live(p, c))
            set_key(p, &keys[k++], p->calls[c].callee, c);
    return sort_keys(p, keys, count);
}

/* Contract in style.h. */
size_t p2p_style_node_events(const p2p_label_opts *lo, p2p_event *ev)
{
    size_t n = 0;
    if (lo && lo->node_events && lo->n_node_events) {
        for (size_t i = 0; i < lo->n_node_events; i++)
            ev[n++] = lo->node_events[i];
    } else {
        /* `options.node_labels or defaultLabelNames` */
        ev[n++] = P2P_TOTAL_TIME_RATIO;
        ev[n++] = P2P_TIME_RATIO;
    }
    if (lo && lo->show_samples)
        ev[n++] = P2P_SAMPLES;
    return n;
}

/* Contract in style.h. */
void p2p_style_put_event(p2p_buf *b, p2p_event e, double v, const char *time_format)
{
    char small[128];
    size_t n = p2p_label_event(e, v, time_format, small, sizeof small);
    if (n < sizeof small) {
        p2p_buf_append(b, small, n);
        return;
    }
    char *big = malloc(n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    p2p_label_event(e, v, time_format, big, n + 1);
    p2p_buf_append(b, big, n);
    free(big);
}

/* Contract in style.h. */
int p2p_style_name_lines(const p2p_profile *p, const p2p_function *f, const p2p_label_opts *lo,
                         p2p_buf *b)
{
    if (f->process) {
        p2p_buf_puts(b, f->process);
        p2p_buf_putc(b, '\n');
    }
    if (f->module) {
        p2p_buf_puts(b, f->module);
        p2p_buf_putc(b, '\n');
    }
    char *stripped = NULL;
    const char *name = f->name;
    if (lo && lo->strip) {
        if (!(stripped = p2p_label_strip(name)))
            return -1;
        name = stripped;
    }
    /* dot cannot parse quoted strings longer than 16K: gprof2dot cuts names
     * of 4096 code points or more */
    bool cut;
    char *truncated = p2p_label_truncate(name, &cut);
    if (!truncated) {
        free(stripped);
        return -1;
    }
    if (cut) {
        size_t len = strlen(name), i = 0;
        for (int k = 0; k < 32 && i < len; k++) {
            uint32_t c;
            i += p2p_utf8_next(name + i, len - i, &c);
        }
        p2p_profile_warn(p, "truncating function name with %zu chars (%.*s...)", p2p_utf8_length(name), (int)i,
                         name);
    }
    free(stripped);
    if (lo && lo->wrap) {
        char *wrapped = p2p_label_wrap(truncated);
        free(truncated);
        if (!wrapped)
            return -1;
        truncated = wrapped;
    }
    p2p_buf_puts(b, truncated);
    free(truncated);
    return b->oom ? -1 : 0;
}

/* Contract in style.h. */
const char *p2p_style_take(p2p_graph *g, p2p_buf *b)
{
    if (b->oom)
        return NULL;
    char *s = p2p_graph_alloc(g, b->len + 1);
    if (!s)
        return NULL;
    if (b->len)
        memcpy(s, b->data, b->len);
    s[b->len] = '\0';
    b->len = 0; /* keep the storage for the next label */
    return s;
}

/* Contract in style.h. */
const char *p2p_style_printf(p2p_graph *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[128];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    char *s = NULL;
    if (n >= 0 && (s = p2p_graph_alloc(g, (size_t)n + 1))) {
        if ((size_t)n < sizeof tmp)
            memcpy(s, tmp, (size_t)n + 1);
        else
            vsnprintf(s, (size_t)n + 1, fmt, ap);
    }
    va_end(ap);
    return s;
}

static const char *hexdup(p2p_graph *g, const char hex[8])
{
    char *s = p2p_graph_alloc(g, 8);
    if (s)
        memcpy(s, hex, 8);
    return s;
}

/* Contract in style.h. */
int p2p_style_edge_attrs(p2p_graph *g, const p2p_theme *t, double w, const char *label, p2p_attr a[7])
{
    char hex[8];
    p2p_theme_color(t, w, hex);
    const char *color = hexdup(g, hex);
    double pw = p2p_theme_penwidth(t, w);
    const char *pws = p2p_style_printf(g, "%.2f", pw);
    a[0] = (p2p_attr){"arrowsize", p2p_style_printf(g, "%.2f", p2p_theme_arrowsize(t, w)), false};
    a[1] = (p2p_attr){"color", color, false};
    a[2] = (p2p_attr){"fontcolor", color, false};
    a[3] = (p2p_attr){"fontsize", p2p_style_printf(g, "%.2f", p2p_theme_fontsize(t, w)), false};
    a[4] = (p2p_attr){"label", label, false};
    a[5] = (p2p_attr){"labeldistance", pws, false};
    a[6] = (p2p_attr){"penwidth", pws, false};
    for (int i = 0; i < 7; i++)
        if (!a[i].value)
            return -1;
    return 0;
}

/* Contract in style.h. */
int p2p_style_defaults(p2p_graph *g, const p2p_theme *t, bool shape)
{
    const char *fontname = p2p_graph_strdup(g, t->fontname);
    const char *fontcolor = p2p_graph_strdup(g, t->fontcolor);
    const char *style = p2p_graph_strdup(g, t->nodestyle);
    if (!fontname || !fontcolor || !style)
        return P2P_ENOMEM;
    p2p_attr ga[] = {
        {"fontname", fontname, false},
        {"nodesep", "0.125", true},
        {"ranksep", "0.25", true},
    };
    p2p_attr na[] = {
        {"fontcolor", fontcolor, false},
        {"fontname", fontname, false},
        {"height", "0", true},
        {"style", style, false},
        {"width", "0", true},
        {"shape", "box", false}, /* last, so that it can be left out */
    };
    p2p_attr ea[] = {{"fontname", fontname, false}};
    if (p2p_graph_set_defaults(g, "graph", ga, 3) || p2p_graph_set_defaults(g, "node", na, shape ? 6 : 5) ||
        p2p_graph_set_defaults(g, "edge", ea, 1))
        return P2P_ENOMEM;
    return 0;
}

/* ---- DotWriter.graph ------------------------------------------------------ */

/* Build the node statement of f (label, colours, size, tooltip). */
static int add_node(p2p_graph *g, const p2p_profile *p, const p2p_theme *t, const p2p_label_opts *lo,
                    const p2p_event *ev, size_t nev, const p2p_function *f, p2p_gid id, p2p_buf *b)
{
    const char *tf = lo ? lo->time_format : NULL;
    if (p2p_style_name_lines(p, f, lo, b) < 0)
        return P2P_ENOMEM;
    for (size_t i = 0; i < nev; i++) {
        if (!p2p_ev_has(&f->ev, ev[i]))
            continue;
        p2p_buf_putc(b, '\n');
        if ((ev[i] == P2P_SAMPLES || ev[i] == P2P_TOTAL_SAMPLES) && p->unit != P2P_UNIT_DEFAULT) {
            /* --show-samples of a value with a unit: "1.50 MB", not a count */
            char v[64];
            p2p_profile_value_text(p, p2p_ev_get(&f->ev, ev[i]), v, sizeof v);
            p2p_buf_puts(b, v);
        } else {
            p2p_style_put_event(b, ev[i], p2p_ev_get(&f->ev, ev[i]), tf);
        }
    }
    if (f->has_called)
        p2p_buf_printf(b, "\n%" PRId64 "\xc3\x97", f->called);
    const char *label = p2p_style_take(g, b);

    double w = f->has_weight ? f->weight : 0.0;
    char hex[8], fg[8];
    p2p_theme_color(t, w, hex);
    p2p_theme_node_fgcolor(t, w, fg);
    p2p_attr a[5] = {
        {"color", hexdup(g, hex), false},
        {"fontcolor", hexdup(g, fg), false},
        {"fontsize", p2p_style_printf(g, "%.2f", p2p_theme_fontsize(t, w)), false},
        {"label", label, false},
        {"tooltip", f->filename ? p2p_graph_strdup(g, f->filename) : NULL, false},
    };
    for (int i = 0; i < 4; i++)
        if (!a[i].value)
            return P2P_ENOMEM;
    if (f->filename && !a[4].value)
        return P2P_ENOMEM;
    return p2p_graph_add_node(g, id, a, f->filename ? 5 : 4);
}

static int add_edge(p2p_graph *g, const p2p_profile *p, const p2p_theme *t, const p2p_label_opts *lo,
                    const p2p_call *k, const p2p_gid *ids, p2p_buf *b)
{
    static const p2p_event edge_events[] = {P2P_TOTAL_TIME_RATIO, P2P_CALLS};
    const char *tf = lo ? lo->time_format : NULL;
    int lines = 0;
    for (size_t i = 0; i < 2; i++) {
        if (p2p_ev_has(&k->ev, edge_events[i])) {
            if (lines++)
                p2p_buf_putc(b, '\n');
            p2p_style_put_event(b, edge_events[i], p2p_ev_get(&k->ev, edge_events[i]), tf);
        }
    }
    const char *label = p2p_style_take(g, b);
    if (!label)
        return P2P_ENOMEM;
    const p2p_function *callee = &p->functions[k->callee];
    double w = k->has_weight ? k->weight : callee->has_weight ? callee->weight : 0.0;
    p2p_attr a[8];
    if (p2p_style_edge_attrs(g, t, w, label, a) < 0)
        return P2P_ENOMEM;
    /* --max-nodes: a path through dropped functions, coloured by its
     * weight, with no label (it has no events) */
    if (k->implied) {
        a[7] = (p2p_attr){"style", "dotted", false};
        return p2p_graph_add_edge(g, ids[k->caller], ids[k->callee], a, 8);
    }
    return p2p_graph_add_edge(g, ids[k->caller], ids[k->callee], a, 7);
}

/* DotWriter.graph: the defaults, then every live function in id order as a
 * node followed by its live calls in callee-id order.  lo may be NULL
 * (defaults).  Long names are cut with a warning through p->warn.  0 with
 * *out set (free with p2p_graph_free), or P2P_ENOMEM with d filled. */
int p2p_graph_build(const p2p_profile *p, const p2p_theme *t, const p2p_label_opts *lo, p2p_graph **out,
                    p2p_diag *d)
{
    *out = NULL;
    p2p_graph *g = p2p_graph_new();
    p2p_gid *ids = NULL;
    p2p_fid *order = NULL;
    p2p_event ev[64];
    p2p_event *events = ev;
    p2p_buf b;
    p2p_buf_init(&b);
    int rc = P2P_ENOMEM;
    if (!g || p2p_style_defaults(g, t, true))
        goto done;
    if (lo && lo->n_node_events + 3 > sizeof ev / sizeof ev[0]) {
        events = malloc((lo->n_node_events + 3) * sizeof *events);
        if (!events)
            goto done;
    }
    size_t nev = p2p_style_node_events(lo, events);
    if (!(ids = p2p_style_ids(p, g)))
        goto done;
    size_t n;
    order = p2p_style_sorted_functions(p, &n);
    if (!order && n)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const p2p_function *f = &p->functions[order[i]];
        if (add_node(g, p, t, lo, events, nev, f, ids[order[i]], &b))
            goto done;
        size_t nc;
        uint32_t *calls = p2p_style_sorted_calls(p, order[i], &nc);
        if (!calls && nc)
            goto done;
        for (size_t j = 0; j < nc; j++) {
            if (add_edge(g, p, t, lo, &p->calls[calls[j]], ids, &b)) {
                free(calls);
                goto done;
            }
        }
        free(calls);
    }
    rc = 0;
done:
    p2p_buf_free(&b);
    free(order);
    free(ids);
    if (events != ev)
        free(events);
    if (rc) {
        p2p_graph_free(g);
        return p2p_diag_set(d, rc, 0, -1, "out of memory while building the graph");
    }
    *out = g;
    return 0;
}
