/* In-process rendering through Graphviz (libgvc/libcgraph).  The only file
 * that includes Graphviz headers.  The picture is made from the very DOT text
 * the DOT writer produced, so the two can never disagree. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "prof2png/output.h"

static const char *const formats[] = {"png", "svg", "pdf", "ps", "eps", "jpg", "jpeg", "gif", "xdot", "json", "plain"};

int p2p_render_supported(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i], format) == 0)
            return 1;
    return 0;
}

/* Graphviz reports through a global error hook; keep the first message. */
static char gv_error[256];

static int capture_error(char *msg)
{
    if (!gv_error[0]) {
        size_t n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            n--;
        if (n >= sizeof gv_error)
            n = sizeof gv_error - 1;
        memcpy(gv_error, msg, n);
        gv_error[n] = '\0';
    }
    return 0;
}

/* One Graphviz context for the whole process.  Graphviz 2.42's pango
 * plugin keeps a static pointer to the last font name it measured, and that
 * name belongs to the context: after gvFreeContext() the next context's
 * first label compares against freed memory (heap-use-after-free under
 * ASan, test_render's second picture).  Keeping the context alive keeps the
 * name alive; it is freed with the process. */
static GVC_t *context(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

/* Formats drawn in pixels, whose size the dpi sets. */
static int raster(const char *format)
{
    return strcmp(format, "png") == 0 || strcmp(format, "jpg") == 0 || strcmp(format, "jpeg") == 0 ||
           strcmp(format, "gif") == 0;
}

/* A graph attribute in inches ("x" or "x,y"), as points; *x and *y keep
 * their defaults when it is absent or unreadable. */
static void inches_attr(Agraph_t *g, const char *name, double *x, double *y)
{
    char *v = agget(g, (char *)name);
    double a, b;
    if (!v || !v[0])
        return;
    int n = sscanf(v, "%lf,%lf", &a, &b);
    if (n >= 1 && isfinite(a) && a >= 0)
        *x = *y = a * 72.0;
    if (n == 2 && isfinite(b) && b >= 0)
        *y = b * 72.0;
}

/* Graphviz's rounding of a page's size to device units (ROUND in its
 * emit.c), clamped so that a huge value cannot overflow. */
static double px(double points, double dpi)
{
    double v = points * dpi / 72.0;
    return v > 4e9 ? 4e9 : floor(v + 0.5);
}

/* Choose the dpi of a raster picture of the laid-out graph g: ro's (else
 * Graphviz's 96), lowered until width x height <= ro->max_pixels and each
 * side < 32767, cairo's limit (at which Graphviz's cairo plugin scales the
 * picture itself, with a line on stderr).  The picture's size is what Graphviz's
 * emitter computes with no size/ratio/page attribute (prof2png's DOT has
 * none): the bounding box plus the padding (pad, 4 points unless set) on
 * each side, plus the margin, times dpi / 72.  Fills info; returns the dpi
 * to set, or 0 to leave Graphviz's default alone. */
static double choose_dpi(Agraph_t *g, const p2p_render_opts *ro, p2p_render_info *info)
{
    double dpi0 = ro->dpi > 0 ? ro->dpi : GD_drawing(g)->dpi > 0 ? GD_drawing(g)->dpi : 96.0;
    double padx = 4, pady = 4, marx = 0, mary = 0;
    inches_attr(g, "pad", &padx, &pady);
    inches_attr(g, "margin", &marx, &mary);
    boxf bb = GD_bb(g);
    double w = bb.UR.x - bb.LL.x + 2 * padx + 2 * marx;
    double h = bb.UR.y - bb.LL.y + 2 * pady + 2 * mary;
    if (!(w > 0) || !(h > 0))
        w = h = 1;
    double dpi = dpi0;
    info->full_dpi = dpi0;
    info->full_width = (uint32_t)px(w, dpi0);
    info->full_height = (uint32_t)px(h, dpi0);
    if (ro->max_pixels) {
        const double side = 32766;
        double max = (double)ro->max_pixels;
        double fit = fmin(72.0 * sqrt(max / (w * h)), fmin(72.0 * side / w, 72.0 * side / h));
        if (fit < dpi)
            dpi = fit;
        /* the rounding may add a pixel a side: step down until it fits */
        for (int i = 0; i < 1000 && (px(w, dpi) * px(h, dpi) > max || px(w, dpi) > side || px(h, dpi) > side); i++)
            dpi *= 0.999;
        /* at least a pixel a side, whatever the budget */
        double least = 72.0 / fmin(w, h);
        if (dpi < least)
            dpi = least;
    }
    info->dpi = dpi;
    info->width = (uint32_t)px(w, dpi);
    info->height = (uint32_t)px(h, dpi);
    return ro->dpi > 0 || dpi < dpi0 ? dpi : 0;
}

int p2p_render(const char *dot, size_t dotlen, const char *format, char **out, size_t *len, p2p_diag *d)
{
    return p2p_render_with(dot, dotlen, format, NULL, NULL, out, len, d);
}

int p2p_render_with(const char *dot, size_t dotlen, const char *format, const p2p_render_opts *ro,
                    p2p_render_info *info, char **out, size_t *len, p2p_diag *d)
{
    static const p2p_render_opts none;
    p2p_render_info ignored;
    if (!ro)
        ro = &none;
    if (!info)
        info = &ignored;
    memset(info, 0, sizeof *info);
    *out = NULL;
    *len = 0;
    if (!p2p_render_supported(format))
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "unknown output format '%s'", format);
    gv_error[0] = '\0';
    agusererrf old = agseterrf(capture_error);
    agseterr(AGERR); /* warnings (missing fonts, ...) are not failures */

    int rc = 0;
    GVC_t *gvc = context();
    Agraph_t *g = NULL;
    char *data = NULL;
    unsigned int n = 0;
    /* agmemread needs a NUL-terminated string; the DOT writer provides one,
     * but do not rely on it for caller buffers */
    char *text = malloc(dotlen + 1);
    if (!gvc || !text) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory starting Graphviz");
        goto done;
    }
    memcpy(text, dot, dotlen);
    text[dotlen] = '\0';
    g = agmemread(text);
    if (!g) {
        rc = p2p_diag_set(d, P2P_ERENDER, 0, -1, "Graphviz could not read the DOT text: %s",
                          gv_error[0] ? gv_error : "syntax error");
        goto done;
    }
    if (gvLayout(gvc, g, "dot") != 0) {
        rc = p2p_diag_set(d, P2P_ERENDER, 0, -1, "Graphviz layout failed: %s",
                          gv_error[0] ? gv_error : "no dot layout plugin (is the graphviz package installed?)");
        goto done;
    }
    /* the dpi is read when rendering (the layout is in points): set it on
     * the laid-out graph, only when it differs from Graphviz's default, so
     * that pictures within the bound are made exactly as before */
    if (raster(format)) {
        double dpi = choose_dpi(g, ro, info);
        if (dpi > 0)
            GD_drawing(g)->dpi = dpi;
    }
    if (gvRenderData(gvc, g, format, &data, &n) != 0 || !data) {
        rc = p2p_diag_set(d, P2P_ERENDER, 0, -1, "Graphviz could not render %s: %s", format,
                          gv_error[0] ? gv_error : "no renderer for this format");
        gvFreeLayout(gvc, g);
        goto done;
    }
    *out = malloc(n ? n : 1);
    if (!*out) {
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory copying the picture");
    } else {
        memcpy(*out, data, n);
        *len = n;
    }
    gvFreeRenderData(data);
    gvFreeLayout(gvc, g);
done:
    if (g)
        agclose(g);
    free(text);
    agseterrf(old);
    return rc;
}

/* Contract in output.h. */
const char *p2p_render_graphviz_version(void)
{
    GVC_t *gvc = context();
    const char *v = gvc ? gvcVersion(gvc) : NULL;
    return v ? v : "unknown";
}

/* Contract in output.h.  prof2png does not link cairo (Graphviz's plugin
 * does); ask the library that plugin loads, by its soname. */
const char *p2p_render_cairo_version(void)
{
    static const char *version;
    if (version)
        return version;
    void *h = dlopen("libcairo.so.2", RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        return NULL;
    const char *(*fn)(void);
    void *sym = dlsym(h, "cairo_version_string");
    memcpy(&fn, &sym, sizeof fn);
    /* the string is static in libcairo: keep the library loaded */
    version = fn ? fn() : NULL;
    return version;
}
