/* In-process rendering through Graphviz (libgvc/libcgraph).  The only file
 * that includes Graphviz headers.  The picture is made from the very DOT text
 * the DOT writer produced, so the two can never disagree. */
#include <dlfcn.h>
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

int p2p_render(const char *dot, size_t dotlen, const char *format, char **out, size_t *len, p2p_diag *d)
{
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
