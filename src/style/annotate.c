/* Pictures for documentation (issue 9): rich tooltips on nodes and edges,
 * links made from a URL template, and a title and legend drawn in the
 * picture.  A pass over a graph made by p2p_graph_build or
 * p2p_graph_compare; none of it is gprof2dot's, so the CLI applies it only
 * when asked (see the README, "Pictures for documentation"). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/theme.h"
#include "style.h"
#include "util/utf8.h"

/* ---- finding the function of a node ------------------------------------- */

typedef struct id_key {
    p2p_gid id;
    p2p_fid fid;
} id_key;

static int cmp_id_key(const void *a, const void *b)
{
    const p2p_gid *x = &((const id_key *)a)->id, *y = &((const id_key *)b)->id;
    if (x->str || y->str) {
        if (!x->str || !y->str)
            return x->str ? 1 : -1;
        return strcmp(x->str, y->str);
    }
    return x->num < y->num ? -1 : x->num > y->num;
}

static p2p_fid find_fid(const id_key *keys, size_t n, p2p_gid id)
{
    id_key k = {id, 0};
    const id_key *hit = bsearch(&k, keys, n, sizeof *keys, cmp_id_key);
    return hit ? hit->fid : P2P_NONE;
}

/* ---- text helpers --------------------------------------------------------- */

/* Append at most `max` code points of s (valid UTF-8 after repair), with
 * an ellipsis when cut. */
static void put_capped(p2p_buf *b, const char *s, size_t max)
{
    size_t len = strlen(s), i = 0, k = 0;
    while (i < len && k < max) {
        uint32_t c;
        i += p2p_utf8_next(s + i, len - i, &c);
        k++;
    }
    p2p_utf8_repair(b, s, i, true);
    if (i < len)
        p2p_buf_puts(b, "\xe2\x80\xa6");
}

/* A time through the time format, bare. */
static void put_value(p2p_buf *b, double v, const char *tf)
{
    p2p_style_put_event(b, P2P_TOTAL_TIME, v, tf);
}

/* A count (calls, samples): whole numbers in full. */
static void put_count(p2p_buf *b, double v)
{
    if (v == (double)(int64_t)v && v > -9e15 && v < 9e15)
        p2p_buf_printf(b, "%" PRId64, (int64_t)v);
    else
        p2p_buf_printf(b, "%.7g", v);
}

/* "total time: 1.5 s (42.00%)" and the like, from whichever of the value
 * and its ratio the object has. */
static void put_share(p2p_buf *b, const char *what, const p2p_events *ev, p2p_event value, p2p_event ratio,
                      const char *unit, const char *tf)
{
    bool hv = p2p_ev_has(ev, value), hr = p2p_ev_has(ev, ratio);
    if (!hv && !hr)
        return;
    p2p_buf_printf(b, "\n%s: ", what);
    if (hv) {
        put_value(b, p2p_ev_get(ev, value), tf);
        if (unit)
            p2p_buf_puts(b, unit);
    }
    if (hr)
        p2p_buf_printf(b, hv ? " (%.2f%%)" : "%.2f%%", p2p_ev_get(ev, ratio) * 100.0);
}

/* The units of TIME in this profile: seconds unless it counts samples or a
 * callgrind event. */
static const char *time_unit(const p2p_profile *p)
{
    return p->cost_name || p2p_ev_has(&p->ev, P2P_SAMPLES) ? NULL : " s";
}

/* The tooltip text in b, into g's arena, with every '&' written "&amp;":
 * Graphviz copies a tooltip into SVG (and image maps) escaping '&' only
 * when it does not already start a character reference, so a name holding
 * "&lt;" would be shown as "<"; written "&amp;lt;", it shows as "&lt;" in
 * the SVG and image maps, the outputs that show tooltips. */
static const char *take_tooltip(p2p_graph *g, p2p_buf *b)
{
    if (b->oom || !b->len || !memchr(b->data, '&', b->len))
        return p2p_style_take(g, b);
    p2p_buf t;
    p2p_buf_init(&t);
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] == '&')
            p2p_buf_puts(&t, "&amp;");
        else
            p2p_buf_putc(&t, b->data[i]);
    }
    b->len = 0;
    const char *s = t.oom ? NULL : p2p_style_take(g, &t);
    p2p_buf_free(&t);
    return s;
}

static const char *node_tooltip(p2p_graph *g, const p2p_profile *p, const p2p_function *f, const char *tf,
                                p2p_buf *b)
{
    b->len = 0;
    put_capped(b, f->name, 1000);
    if (f->process) {
        p2p_buf_puts(b, "\nprocess: ");
        put_capped(b, f->process, 200);
    }
    if (f->module) {
        p2p_buf_puts(b, "\nmodule: ");
        put_capped(b, f->module, 500);
    }
    if (f->filename && f->filename[0]) {
        p2p_buf_puts(b, "\nfile: ");
        put_capped(b, f->filename, 1000);
        const p2p_fn_stat *fs = p2p_fn_stat_get(p, (p2p_fid)(f - p->functions));
        if (fs->func_name && fs->line > 0)
            p2p_buf_printf(b, ":%" PRId64, fs->line);
    }
    const char *unit = time_unit(p);
    put_share(b, "total time", &f->ev, P2P_TOTAL_TIME, P2P_TOTAL_TIME_RATIO, unit, tf);
    put_share(b, "self time", &f->ev, P2P_TIME, P2P_TIME_RATIO, unit, tf);
    if (p2p_ev_has(&f->ev, P2P_SAMPLES) && p->unit != P2P_UNIT_DEFAULT) {
        /* a value with a unit: the function's own, and its stacks' */
        char v[64];
        p2p_profile_value_text(p, p2p_ev_get(&f->ev, P2P_SAMPLES), v, sizeof v);
        p2p_buf_printf(b, "\nself: %s", v);
        if (p2p_ev_has(&f->ev, P2P_TOTAL_SAMPLES)) {
            p2p_profile_value_text(p, p2p_ev_get(&f->ev, P2P_TOTAL_SAMPLES), v, sizeof v);
            p2p_buf_printf(b, "\ntotal: %s", v);
        }
    } else if (p2p_ev_has(&f->ev, P2P_SAMPLES)) {
        p2p_buf_puts(b, "\nsamples: ");
        put_count(b, p2p_ev_get(&f->ev, P2P_SAMPLES));
        if (p->cost_name)
            p2p_buf_printf(b, " %s", p->cost_name);
    }
    if (f->has_called)
        p2p_buf_printf(b, "\ncalls: %" PRId64, f->called);
    if (f->cycle != P2P_NONE)
        p2p_buf_printf(b, "\nin recursion cycle %" PRIu32, f->cycle + 1);
    return take_tooltip(g, b);
}

static const char *edge_tooltip(p2p_graph *g, const p2p_profile *p, const p2p_call *k, const char *tf,
                                p2p_buf *b)
{
    b->len = 0;
    put_capped(b, p->functions[k->caller].name, 200);
    p2p_buf_puts(b, " \xe2\x86\x92 "); /* → */
    put_capped(b, p->functions[k->callee].name, 200);
    put_share(b, "total time", &k->ev, P2P_TOTAL_TIME, P2P_TOTAL_TIME_RATIO, time_unit(p), tf);
    if (p2p_ev_has(&k->ev, P2P_CALLS)) {
        p2p_buf_puts(b, "\ncalls: ");
        put_count(b, p2p_ev_get(&k->ev, P2P_CALLS));
    }
    return take_tooltip(g, b);
}

/* ---- links ---------------------------------------------------------------- */

static const char *const placeholders[] = {"{file}", "{line}", "{name}", "{module}"};

/* Contract in theme.h. */
int p2p_href_check(const char *tmpl, char *err, size_t size)
{
    for (const char *p = tmpl; (p = strchr(p, '{')); p++) {
        size_t k;
        for (k = 0; k < 4; k++)
            if (strncmp(p, placeholders[k], strlen(placeholders[k])) == 0)
                break;
        if (k == 4) {
            const char *end = strchr(p, '}');
            int n = end ? (int)(end - p + 1) : (int)strlen(p);
            snprintf(err, size, "unknown placeholder '%.*s' (expected {file}, {line}, {name} or {module})",
                     n > 40 ? 40 : n, p);
            return -1;
        }
    }
    /* the page that shows a link runs script: a javascript: or data: link
     * would run the profile's text; links go to the web or to files only */
    if (!p2p_url_safe(tmpl, strlen(tmpl))) {
        size_t k = strcspn(tmpl, ":/?#");
        snprintf(err, size,
                 "expected an http:, https:, file: or relative URL, found '%.*s' (the scheme written out; "
                 "no placeholder, '&', space or control character before the first ':', '/', '?' or '#')",
                 (int)(k >= 40 ? 40 : k + (tmpl[k] == ':')), tmpl);
        return -1;
    }
    return 0;
}

/* Percent-encode every byte but the unreserved ones (RFC 3986), and '/'
 * when keep_slash (a file path stays a path). */
static void put_escaped(p2p_buf *b, const char *s, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
            p2p_buf_putc(b, (char)c);
        } else {
            p2p_buf_putc(b, '%');
            p2p_buf_putc(b, hex[c >> 4]);
            p2p_buf_putc(b, hex[c & 15]);
        }
    }
}

/* The link of f, or NULL (with *oom false) when the template needs a file
 * that f lacks. */
static const char *node_href(p2p_graph *g, const p2p_function *f, const p2p_fn_stat *fs, const char *tmpl, p2p_buf *b,
                             bool *oom)
{
    *oom = false;
    b->len = 0;
    for (const char *p = tmpl; *p;) {
        if (*p != '{') {
            p2p_buf_putc(b, *p++);
            continue;
        }
        if (strncmp(p, "{file}", 6) == 0) {
            if (!f->filename || !f->filename[0])
                return NULL;
            put_escaped(b, f->filename, true);
            p += 6;
        } else if (strncmp(p, "{line}", 6) == 0) {
            if (fs->func_name && fs->line > 0)
                p2p_buf_printf(b, "%" PRId64, fs->line);
            p += 6;
        } else if (strncmp(p, "{name}", 6) == 0) {
            put_escaped(b, fs->func_name ? fs->func_name : f->name, false);
            p += 6;
        } else if (strncmp(p, "{module}", 8) == 0) {
            if (f->module)
                put_escaped(b, f->module, false);
            p += 8;
        } else {
            p2p_buf_putc(b, *p++); /* p2p_href_check rejects this */
        }
    }
    const char *s = p2p_style_take(g, b);
    *oom = !s;
    return s;
}

/* Replace (or add) attribute `name` of statement s.  -1 when out of memory. */
static int set_attr(p2p_graph *g, p2p_gstmt *s, const char *name, const char *value)
{
    for (uint32_t i = 0; i < s->nattrs; i++) {
        if (strcmp(s->attrs[i].name, name) == 0) {
            s->attrs[i].value = value;
            s->attrs[i].number = false;
            return 0;
        }
    }
    p2p_attr *a = p2p_graph_alloc(g, (s->nattrs + 1) * sizeof *a);
    if (!a)
        return -1;
    if (s->nattrs)
        memcpy(a, s->attrs, s->nattrs * sizeof *a);
    a[s->nattrs] = (p2p_attr){name, value, false};
    s->attrs = a;
    s->nattrs++;
    return 0;
}

/* Contract in theme.h. */
int p2p_graph_annotate(p2p_graph *g, const p2p_profile *p, const p2p_annotate_opts *ao, p2p_diag *d)
{
    if (!ao->tooltips && !ao->href)
        return 0;
    char why[256];
    if (ao->href && p2p_href_check(ao->href, why, sizeof why))
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "--href: %s", why);
    int rc = 0;
    p2p_buf b;
    p2p_buf_init(&b);
    id_key *keys = NULL;
    p2p_gid *ids = p2p_style_ids(p, g);
    if (!ids)
        goto oom;
    size_t n = 0;
    keys = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *keys);
    if (!keys)
        goto oom;
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        if (!p->functions[i].removed)
            keys[n++] = (id_key){ids[i], i};
    qsort(keys, n, sizeof *keys, cmp_id_key);

    for (size_t i = 0; i < g->nstmts; i++) {
        p2p_gstmt *s = &g->stmts[i];
        p2p_fid a = find_fid(keys, n, s->a);
        if (a == P2P_NONE)
            continue;
        if (!s->is_edge) {
            const p2p_function *f = &p->functions[a];
            if (ao->tooltips) {
                const char *tip = node_tooltip(g, p, f, ao->time_format, &b);
                if (!tip || set_attr(g, s, "tooltip", tip))
                    goto oom;
            }
            if (ao->href) {
                bool failed;
                const char *url = node_href(g, f, p2p_fn_stat_get(p, a), ao->href, &b, &failed);
                if (failed || (url && (set_attr(g, s, "URL", url) || set_attr(g, s, "target", "_top"))))
                    goto oom;
            }
            continue;
        }
        p2p_fid bb = find_fid(keys, n, s->b);
        uint32_t c = bb == P2P_NONE ? P2P_NONE : p2p_profile_find_call(p, a, bb);
        if (c == P2P_NONE || !ao->tooltips)
            continue;
        const char *tip = edge_tooltip(g, p, &p->calls[c], ao->time_format, &b);
        /* labeltooltip too: pointing at the edge's label shows the same */
        if (!tip || set_attr(g, s, "tooltip", tip) || set_attr(g, s, "labeltooltip", tip))
            goto oom;
    }
    goto done;
oom:
    rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory adding tooltips");
done:
    free(keys);
    free(ids);
    p2p_buf_free(&b);
    return rc;
}

/* ---- title and legend ------------------------------------------------------ */

/* Append s as HTML-label text: valid UTF-8, markup characters escaped,
 * lines joined by <br/>. */
static void put_html(p2p_buf *b, const char *s, size_t max)
{
    p2p_buf tmp;
    p2p_buf_init(&tmp);
    put_capped(&tmp, s, max);
    p2p_utf8_put_markup(b, tmp.data ? tmp.data : "", tmp.len, "<br/>");
    if (tmp.oom)
        b->oom = true;
    p2p_buf_free(&tmp);
}

/* Contract in theme.h. */
int p2p_profile_total_text(const p2p_profile *p, char *out, size_t size)
{
    const p2p_events *ev = &p->ev;
    if (p2p_ev_has(ev, P2P_SAMPLES))
        return p2p_profile_value_text(p, p2p_ev_get(ev, P2P_SAMPLES), out, size);
    if (p2p_ev_has(ev, P2P_TIME))
        return snprintf(out, size, "%.7g s", p2p_ev_get(ev, P2P_TIME));
    if (p2p_ev_has(ev, P2P_TOTAL_TIME))
        return snprintf(out, size, "%.7g s", p2p_ev_get(ev, P2P_TOTAL_TIME));
    return snprintf(out, size, "unknown");
}

/* Contract in theme.h. */
bool p2p_theme_legend_scale(const p2p_theme *t, p2p_legend_step out[P2P_LEGEND_STEPS])
{
    static const int steps[P2P_LEGEND_STEPS] = {0, 10, 25, 50, 75, 100};
    for (int i = 0; i < P2P_LEGEND_STEPS; i++) {
        out[i].percent = steps[i];
        p2p_theme_color(t, steps[i] / 100.0, out[i].color);
        p2p_theme_node_fgcolor(t, steps[i] / 100.0, out[i].fgcolor);
    }
    return strcmp(t->nodestyle, "filled") == 0;
}

/* Contract in theme.h. */
int p2p_graph_legend(p2p_graph *g, const p2p_theme *t, const p2p_legend_opts *lo, p2p_diag *d)
{
    if (!lo->title && !lo->legend)
        return 0;
    p2p_legend_step step[P2P_LEGEND_STEPS];
    bool filled = p2p_theme_legend_scale(t, step);
    const int nsteps = P2P_LEGEND_STEPS;
    p2p_buf b;
    p2p_buf_init(&b);
    p2p_buf_puts(&b, "<<table border=\"0\" cellborder=\"0\" cellspacing=\"2\" cellpadding=\"3\">");
    if (lo->title) {
        p2p_buf_printf(&b, "<tr><td colspan=\"%d\"><font point-size=\"20\">", nsteps);
        put_html(&b, lo->title, 500);
        p2p_buf_puts(&b, "</font></td></tr>");
    }
    if (lo->legend) {
        p2p_buf_printf(&b, "<tr><td colspan=\"%d\"><font point-size=\"10\">", nsteps);
        put_html(&b, lo->scale ? lo->scale : "colour: share of the total time", 200);
        p2p_buf_puts(&b, "</font></td></tr><tr>");
        for (int i = 0; i < nsteps; i++) {
            if (filled)
                p2p_buf_printf(&b, "<td bgcolor=\"%s\" width=\"40\"><font color=\"%s\" point-size=\"10\">%d%%</font></td>",
                               step[i].color, step[i].fgcolor, step[i].percent);
            else
                p2p_buf_printf(&b, "<td border=\"1\" color=\"%s\" width=\"40\"><font color=\"%s\" point-size=\"10\">%d%%</font></td>",
                               step[i].color, step[i].fgcolor, step[i].percent);
        }
        p2p_buf_printf(&b, "</tr><tr><td colspan=\"%d\"><font point-size=\"10\">", nsteps);
        if (lo->total) {
            p2p_buf_puts(&b, "total: ");
            put_html(&b, lo->total, 100);
            p2p_buf_puts(&b, "<br/>");
        }
        p2p_buf_printf(&b, "hidden: nodes below %g%%, edges below %g%%", lo->node_thres, lo->edge_thres);
        p2p_buf_puts(&b, "</font></td></tr>");
    }
    p2p_buf_puts(&b, "</table>>");
    const char *label = p2p_style_take(g, &b);
    p2p_buf_free(&b);
    p2p_attr *a = label ? p2p_graph_alloc(g, (g->ngraph_attrs + 2) * sizeof *a) : NULL;
    if (!a)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory drawing the legend");
    if (g->ngraph_attrs)
        memcpy(a, g->graph_attrs, g->ngraph_attrs * sizeof *a);
    /* an HTML-like label: written bare, as the DOT writer writes numbers */
    a[g->ngraph_attrs] = (p2p_attr){"label", label, true};
    a[g->ngraph_attrs + 1] = (p2p_attr){"labelloc", "t", false};
    g->graph_attrs = a;
    g->ngraph_attrs += 2;
    return 0;
}
