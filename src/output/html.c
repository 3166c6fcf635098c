/* The interactive HTML view (docs/html.md): one self-contained page that
 * holds the SVG Graphviz rendered, a heading, a legend, and the view's own
 * script and style (src/output/html/view.js and view.css, embedded at build
 * time with their SHA-256 hashes by cmake/embed_html.cmake).
 *
 * A profile is untrusted input and the page runs script, so nothing of the
 * profile may reach the page as markup or code:
 *  - the page's Content-Security-Policy lets only the embedded script and
 *    style run (by hash) and loads nothing (default-src 'none'): an inline
 *    script, an event-handler attribute or a javascript: URL that got in
 *    would still not run;
 *  - the SVG is copied through a check of its markup (copy_svg): only the
 *    elements Graphviz writes, no event-handler attribute, links only to
 *    http:, https:, file: or relative URLs, no markup inside a <title> (an
 *    HTML integration point) or after the root element.  Graphviz escapes
 *    names in text and attributes; the check makes a mistake there an
 *    error rather than a hole;
 *  - the texts of the heading and the legend are escaped here (put_text);
 *  - the script reads names from the SVG's DOM and writes them only as text
 *    (textContent), never as markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/html_assets.h"
#include "prof2png/prof2png.h"
#include "util/utf8.h"

/* ---- text ------------------------------------------------------------------ */

/* Append s as HTML text (also fit for a quoted attribute value). */
static void put_text(p2p_buf *b, const char *s)
{
    if (s)
        p2p_utf8_put_markup(b, s, strlen(s), "\n");
}

/* The title: the one given, else the inputs on one line, else "prof2png". */
static void put_title(p2p_buf *b, const p2p_html_opts *ho)
{
    if (ho->title && ho->title[0]) {
        put_text(b, ho->title);
        return;
    }
    if (!ho->inputs || !ho->inputs[0]) {
        p2p_buf_puts(b, "prof2png");
        return;
    }
    p2p_buf one;
    p2p_buf_init(&one);
    for (const char *p = ho->inputs; *p; p++) {
        if (*p == '\n')
            p2p_buf_puts(&one, ", ");
        else
            p2p_buf_putc(&one, *p);
    }
    p2p_buf_putc(&one, '\0');
    if (one.oom)
        b->oom = true;
    else
        put_text(b, one.data);
    p2p_buf_free(&one);
}

/* ---- the SVG, checked as it is copied ---------------------------------------- */

/* The elements Graphviz's SVG renderer writes (with gradients and HTML-like
 * labels); anything else is refused. */
static const char *const svg_elements[] = {
    "svg",  "g",    "title", "a",    "polygon",        "polyline",       "path",
    "ellipse", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop",
};

static bool allowed_element(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof svg_elements / sizeof svg_elements[0]; i++)
        if (strlen(svg_elements[i]) == n && memcmp(svg_elements[i], name, n) == 0)
            return true;
    return false;
}

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* Does s[0..n) start with `word`, in any case? */
static bool iprefix(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n >= k && strncasecmp(s, word, k) == 0;
}

static const char *find(const char *s, size_t n, const char *what)
{
    return memmem(s, n, what, strlen(what));
}

static bool is_name_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == ':' || c == '-' || c == '_' || c == '.';
}

/* An open element: where its name starts in the SVG, and its length. */
typedef struct open_element {
    size_t at, len;
} open_element;

/* The open elements, innermost last (grown by p2p_vm_grow). */
typedef struct open_elements {
    open_element *e;
    size_t n, cap;
} open_elements;

/* One tag, at s[0..n) (s[0] is '<', and the tag is not a comment): its
 * element's name (*name, *name_len), whether it is an end tag or closes
 * itself, and its length up to and with its '>'.  Attributes are
 * name="value" or name='value', after a space; none may be an event
 * handler (on...), and a link (href, xlink:href) must be one p2p_url_safe
 * allows.  0, or P2P_ERENDER at offset `at` of the SVG. */
static int read_tag(const char *s, size_t n, size_t at, size_t *name, size_t *name_len, bool *close,
                    bool *self_closing, size_t *len, p2p_diag *d)
{
    *close = n >= 2 && s[1] == '/';
    *self_closing = false;
    size_t k = 1 + *close;
    *name = k;
    while (k < n && (is_alpha(s[k]) || (k > *name && is_digit(s[k]))))
        k++;
    *name_len = k - *name;
    if (!*name_len || !allowed_element(s + *name, *name_len))
        return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)at, "the SVG has an unexpected element <%.*s>",
                            (int)(*name_len ? (*name_len > 40 ? 40 : *name_len) : (n > 1 ? 1 : 0)), s + *name);
    if (*close) {
        while (k < n && is_space(s[k]))
            k++;
        if (k == n || s[k] != '>')
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)at, "the SVG has a malformed end tag");
        *len = k + 1;
        return 0;
    }
    for (;;) {
        size_t before = k;
        while (k < n && is_space(s[k]))
            k++;
        if (k < n && s[k] == '>')
            break;
        if (k + 1 < n && s[k] == '/' && s[k + 1] == '>') {
            *self_closing = true;
            k++;
            break;
        }
        size_t an = k;
        while (k < n && (is_alpha(s[k]) || (k > an && is_name_char(s[k]))))
            k++;
        size_t alen = k - an;
        if (!alen || an == before || k + 1 >= n || s[k] != '=' || (s[k + 1] != '"' && s[k + 1] != '\''))
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)(at + k), "the SVG has a malformed tag");
        const char *v = s + k + 2;
        const char *vend = memchr(v, s[k + 1], n - (k + 2));
        if (!vend)
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)(at + k), "the SVG has an unterminated attribute");
        if (iprefix(s + an, alen, "on"))
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)(at + an), "the SVG has an event-handler attribute %.*s",
                                (int)(alen > 40 ? 40 : alen), s + an);
        bool href = (alen == 4 && iprefix(s + an, 4, "href")) || (alen > 5 && iprefix(s + an + alen - 5, 5, ":href"));
        if (href && !p2p_url_safe(v, (size_t)(vend - v)))
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)(at + an),
                                "the SVG has a link that is not http:, https:, file: or relative");
        k = (size_t)(vend - s) + 1;
    }
    *len = k + 1;
    return 0;
}

static int copy_elements(p2p_buf *b, const char *s, size_t n, open_elements *open, p2p_diag *d)
{
    size_t i = 0;
    bool started = false;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        size_t j = lt ? (size_t)(lt - s) : n;
        if (open->n) {
            p2p_buf_append(b, s + i, j - i);
        } else {
            for (size_t k = i; k < j; k++)
                if (!is_space(s[k]))
                    return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)k, "the SVG has text outside its <svg> element");
        }
        if (!lt)
            break;
        i = j;
        const char *tag = s + i;
        size_t left = n - i;
        if (left >= 4 && memcmp(tag, "<!--", 4) == 0) {
            const char *end = find(tag + 4, left - 4, "-->");
            if (!end)
                return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)i, "the SVG has an unterminated comment");
            i = (size_t)(end - s) + 3;
            continue;
        }
        if (!started && left >= 2 && (tag[1] == '?' || tag[1] == '!')) {
            /* the XML declaration and the doctype (no internal subset) */
            const char *end = memchr(tag, '>', left);
            if (!end)
                return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)i, "the SVG's prolog is unterminated");
            i = (size_t)(end - s) + 1;
            continue;
        }
        if (started && !open->n)
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)i, "the SVG has markup after its <svg> element");
        size_t name = 0, name_len = 0, len = 0;
        bool close, self_closing;
        int rc = read_tag(tag, left, i, &name, &name_len, &close, &self_closing, &len, d);
        if (rc)
            return rc;
        if (!started && (close || name_len != 3 || memcmp(tag + name, "svg", 3) != 0))
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)i, "the SVG does not start with <svg>");
        const open_element *top = open->n ? &open->e[open->n - 1] : NULL;
        bool in_title = top && top->len == 5 && memcmp(s + top->at, "title", 5) == 0;
        if (in_title && !close)
            return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)i, "the SVG has markup inside a <title>");
        if (close) {
            if (top->len != name_len || memcmp(s + top->at, tag + name, name_len) != 0)
                return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)i, "the SVG's </%.*s> does not close its <%.*s>",
                                    (int)name_len, tag + name, (int)top->len, s + top->at);
            open->n--;
        } else if (!self_closing) {
            if (!p2p_vm_grow(&open->e, &open->cap, open->n, sizeof *open->e))
                return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory copying the SVG");
            open->e[open->n++] = (open_element){i + name, name_len};
        }
        p2p_buf_append(b, tag, len);
        i += len;
        started = true;
    }
    if (!started || open->n)
        return p2p_diag_set(d, P2P_ERENDER, 0, (int64_t)n, "the SVG ends before its </svg>");
    return 0;
}

/* Copy Graphviz's SVG document svg[0..n) into b as markup fit for an HTML
 * page (see the top of this file): the prolog, the doctype and comments
 * are dropped (comments repeat node names), the root element and all it
 * holds are copied as they are once checked.  Elements must nest, each end
 * tag closing the element opened last, so that a browser builds the tree
 * an XML parser would.  0, or P2P_ERENDER (P2P_ENOMEM). */
static int copy_svg(p2p_buf *b, const char *s, size_t n, p2p_diag *d)
{
    open_elements open = {0};
    int rc = copy_elements(b, s, n, &open, d);
    p2p_vm_free(open.e, open.cap * sizeof *open.e);
    return rc;
}

/* ---- the legend ----------------------------------------------------------------- */

/* The colour scale as a small SVG (colours as attributes: the policy
 * allows no inline style), as p2p_graph_legend draws it in a picture. */
static void put_scale(p2p_buf *b, const p2p_theme *t)
{
    p2p_legend_step step[P2P_LEGEND_STEPS];
    bool filled = p2p_theme_legend_scale(t, step);
    p2p_buf_printf(b, "<svg class=\"scale\" viewBox=\"0 0 %d 20\" width=\"%d\" height=\"20\" role=\"img\" "
                      "aria-label=\"colour scale from 0%% to 100%%\">",
                   P2P_LEGEND_STEPS * 40, P2P_LEGEND_STEPS * 40);
    for (int i = 0; i < P2P_LEGEND_STEPS; i++) {
        if (filled)
            p2p_buf_printf(b, "<rect x=\"%d\" y=\"0\" width=\"40\" height=\"20\" fill=\"%s\"/>", i * 40,
                           step[i].color);
        else
            p2p_buf_printf(b, "<rect x=\"%d.5\" y=\"0.5\" width=\"39\" height=\"19\" fill=\"white\" stroke=\"%s\"/>",
                           i * 40, step[i].color);
        p2p_buf_printf(b, "<text x=\"%d\" y=\"14\" fill=\"%s\" text-anchor=\"middle\">%d%%</text>", i * 40 + 20,
                       step[i].fgcolor, step[i].percent);
    }
    p2p_buf_puts(b, "</svg>\n");
}

static void put_legend(p2p_buf *b, const p2p_html_opts *ho)
{
    p2p_buf_puts(b, "<section id=\"legend\">\n<h2>Legend</h2>\n<p>");
    put_text(b, ho->scale ? ho->scale : "colour: share of the total time");
    p2p_buf_puts(b, "</p>\n");
    if (ho->theme)
        put_scale(b, ho->theme);
    p2p_buf_puts(b, "<p>a node: name, total time share, (self time share), calls</p>\n");
    if (ho->total) {
        p2p_buf_puts(b, "<p>total: ");
        put_text(b, ho->total);
        p2p_buf_puts(b, "</p>\n");
    }
    p2p_buf_printf(b, "<p>hidden: nodes below %g%%, edges below %g%%</p>\n</section>\n", ho->node_thres,
                   ho->edge_thres);
}

static void put_about(p2p_buf *b, const p2p_html_opts *ho)
{
    p2p_buf_puts(b, "<section id=\"about\">\n<h2>Made with</h2>\n");
    if (ho->command) {
        p2p_buf_puts(b, "<pre id=\"command\">");
        put_text(b, ho->command);
        p2p_buf_puts(b, "</pre>\n");
    }
    if (ho->inputs && ho->inputs[0]) {
        p2p_buf_puts(b, "<p>inputs:</p>\n<pre id=\"inputs\">");
        put_text(b, ho->inputs);
        p2p_buf_puts(b, "</pre>\n");
    }
    p2p_buf_puts(b, "<p>prof2png " PROF2PNG_VERSION "</p>\n</section>\n");
}

/* ---- the page ----------------------------------------------------------------- */

/* Contract in output.h. */
int p2p_html_write(const char *svg, size_t svglen, const p2p_html_opts *ho, char **out, size_t *len, p2p_diag *d)
{
    static const p2p_html_opts none;
    if (!ho)
        ho = &none;
    *out = NULL;
    *len = 0;
    p2p_buf b;
    p2p_buf_init(&b);
    /* one allocation for the whole page, as a rule */
    p2p_buf_append(&b, "", 0);
    size_t want = svglen + p2p_html_script_len + p2p_html_style_len + 8192;
    char *grown = b.cap < want ? realloc(b.data, want) : NULL;
    if (grown) {
        b.data = grown;
        b.cap = want;
    }
    p2p_buf_printf(&b,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src %s; "
                   "style-src %s; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; "
                   "form-action 'none'\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"prof2png " PROF2PNG_VERSION "\">\n<title>",
                   p2p_html_script_csp, p2p_html_style_csp);
    put_title(&b, ho);
    p2p_buf_puts(&b, "</title>\n<style>");
    p2p_buf_append(&b, p2p_html_style, p2p_html_style_len);
    p2p_buf_puts(&b, "</style>\n</head>\n<body>\n<header id=\"top\">\n<h1 id=\"title\">");
    put_title(&b, ho);
    p2p_buf_puts(&b,
                 "</h1>\n"
                 "<input id=\"search\" type=\"search\" placeholder=\"search: regular expression\" "
                 "aria-label=\"search the function names (a regular expression)\" spellcheck=\"false\" "
                 "autocomplete=\"off\">\n"
                 "<output id=\"count\" for=\"search\"></output><span id=\"position\"></span>\n"
                 "<span id=\"status\"></span>\n"
                 "<span id=\"zoom\"><button id=\"zoom-out\" type=\"button\" title=\"zoom out (-)\">\xe2\x88\x92</button>"
                 "<button id=\"zoom-fit\" type=\"button\" title=\"fit the graph to the window (0)\">fit</button>"
                 "<button id=\"zoom-in\" type=\"button\" title=\"zoom in (+)\">+</button></span>\n"
                 "</header>\n<main>\n<div id=\"graph\">\n");
    int rc = copy_svg(&b, svg, svglen, d);
    if (rc) {
        p2p_buf_free(&b);
        return rc;
    }
    p2p_buf_puts(&b, "\n</div>\n<aside id=\"side\">\n");
    put_legend(&b, ho);
    p2p_buf_puts(&b,
                 "<section id=\"details\" hidden>\n<h2>Selected</h2>\n<pre id=\"details-text\"></pre>\n"
                 "<p id=\"details-link\" hidden><a id=\"details-href\">open the link</a></p>\n</section>\n"
                 "<section id=\"functions\">\n<h2>Functions <span id=\"list-count\"></span></h2>\n"
                 "<div id=\"sort\"><span>name</span>"
                 "<button type=\"button\" id=\"sort-total\" title=\"sort by total time\">total</button>"
                 "<button type=\"button\" id=\"sort-self\" title=\"sort by self time\">self</button></div>\n"
                 "<ol id=\"list\"></ol>\n</section>\n");
    put_about(&b, ho);
    p2p_buf_puts(&b,
                 "<section id=\"keys\">\n<h2>Keys</h2>\n<dl>"
                 "<dt>drag</dt><dd>pan</dd>"
                 "<dt>wheel, + \xe2\x88\x92</dt><dd>zoom (pinch too)</dd>"
                 "<dt>0</dt><dd>fit the graph to the window</dd>"
                 "<dt>click</dt><dd>focus on the paths through a node</dd>"
                 "<dt>shift-click</dt><dd>add a node to the focus</dd>"
                 "<dt>Esc</dt><dd>clear the focus</dd>"
                 "<dt>/</dt><dd>search: a regular expression, case-insensitive unless it holds a capital</dd>"
                 "<dt>Enter</dt><dd>next match (shift: previous)</dd>"
                 "</dl>\n<p>The view is in the address: copy it to share it.</p>\n</section>\n");
    p2p_buf_puts(&b, "</aside>\n</main>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>");
    p2p_buf_append(&b, p2p_html_script, p2p_html_script_len);
    p2p_buf_puts(&b, "</script>\n</body>\n</html>\n");
    *out = p2p_buf_take(&b, len);
    if (!*out)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory writing the HTML page");
    return 0;
}
