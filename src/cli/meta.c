/* prof2png --version, --info, the metadata written into PNG files, and
 * the HTML view's page around the SVG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

/* A growing string (the library's p2p_buf is internal). */
typedef struct sbuf {
    char *data;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_append(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_append(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_append(b, &c, 1); }

/* The string, or NULL when out of memory (freed then). */
static char *sb_take(sbuf *b)
{
    sb_append(b, "", 0);
    if (b->oom) {
        free(b->data);
        return NULL;
    }
    return b->data;
}

void p2p_cli_version(FILE *fp)
{
    const char *cairo = p2p_render_cairo_version();
    fprintf(fp,
            "prof2png %s\n"
            "Graphviz %s\n"
            "cairo %s\n"
            "libpng %s\n",
            PROF2PNG_VERSION, p2p_render_graphviz_version(), cairo ? cairo : "(not found)",
            p2p_png_library_version());
}

/* Append s quoted for a POSIX shell when it needs quoting. */
static void put_shell_word(sbuf *b, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@", *p) != NULL;
    if (plain) {
        sb_puts(b, s);
        return;
    }
    sb_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            sb_puts(b, "'\\''");
        else
            sb_putc(b, *p);
    }
    sb_putc(b, '\'');
}

/* The command line as a shell would take it, and the input names one a
 * line: malloc'ed strings, NULL when out of memory. */
static char *command_line(const p2p_cli_options *o)
{
    sbuf cmd = {0};
    /* "prof2png", not argv[0]: the picture does not record where the
     * binary was */
    sb_puts(&cmd, "prof2png");
    for (int i = 1; i < o->argc; i++) {
        sb_putc(&cmd, ' ');
        put_shell_word(&cmd, o->argv[i]);
    }
    return sb_take(&cmd);
}

static char *input_names(const p2p_cli_options *o)
{
    sbuf in = {0};
    for (size_t i = 0; i < o->ninputs; i++) {
        if (i)
            sb_putc(&in, '\n');
        sb_puts(&in, o->inputs[i]);
    }
    return sb_take(&in);
}

/* The end of a library call that made `out` from the picture in *pic
 * (rc: its result): *pic replaced by `out`, or the error printed (d's, or
 * out of memory for P2P_ENOMEM with no message).  An exit status. */
static int replace_picture(int rc, const p2p_diag *d, char *out, size_t outlen, char **pic, size_t *len)
{
    if (rc) {
        char line[1024];
        fprintf(stderr, "prof2png: %s\n", d->msg[0] ? p2p_diag_format(d, line, sizeof line) : "out of memory");
        return P2P_EXIT_INPUT;
    }
    free(*pic);
    *pic = out;
    *len = outlen;
    return 0;
}

int p2p_cli_png_meta(const p2p_cli_options *o, const char *total, char **pic, size_t *len)
{
    char *cmds = command_line(o), *ins = input_names(o);
    p2p_png_text t[5] = {
        {"Software", "prof2png " PROF2PNG_VERSION},
        {"prof2png command line", cmds},
        {"prof2png inputs", ins},
        {"prof2png total", total},
        {"Title", o->title},
    };
    p2p_diag d;
    p2p_diag_init(&d, o->output);
    char *out = NULL;
    size_t outlen = 0;
    int rc = !cmds || !ins ? P2P_ENOMEM : p2p_png_add_text(*pic, *len, t, o->title ? 5 : 4, &out, &outlen, &d);
    free(cmds);
    free(ins);
    return replace_picture(rc, &d, out, outlen, pic, len);
}

int p2p_cli_html(const p2p_cli_options *o, const p2p_theme *t, const p2p_legend_opts *leg, char **pic,
                 size_t *len)
{
    char *cmds = command_line(o), *ins = input_names(o);
    p2p_html_opts ho = {.title = leg->title, .total = leg->total, .scale = leg->scale, .theme = t,
                        .node_thres = leg->node_thres, .edge_thres = leg->edge_thres,
                        .command = cmds, .inputs = ins};
    p2p_diag d;
    p2p_diag_init(&d, o->output);
    char *out = NULL;
    size_t outlen = 0;
    int rc = !cmds || !ins ? P2P_ENOMEM : p2p_html_write(*pic, *len, &ho, &out, &outlen, &d);
    free(cmds);
    free(ins);
    return replace_picture(rc, &d, out, outlen, pic, len);
}

int p2p_cli_info(const char *path)
{
    p2p_diag d;
    p2p_input in;
    char line[1024];
    p2p_diag_init(&d, path);
    if (p2p_input_read(path, &in, &d)) {
        fprintf(stderr, "prof2png: %s\n", p2p_diag_format(&d, line, sizeof line));
        return P2P_EXIT_INPUT;
    }
    char *block;
    size_t blocklen, n;
    p2p_diag_init(&d, path);
    int rc = p2p_png_read_text(in.data, in.size, &block, &blocklen, &n, &d);
    p2p_input_release(&in);
    if (rc) {
        fprintf(stderr, "prof2png: %s\n", p2p_diag_format(&d, line, sizeof line));
        return P2P_EXIT_INPUT;
    }
    if (n == 0)
        fprintf(stderr, "prof2png: %s: no text chunks (not written by prof2png?)\n", path);
    const char *p = block;
    for (size_t i = 0; i < n; i++) {
        const char *key = p;
        const char *text = key + strlen(key) + 1;
        p = text + strlen(text) + 1;
        printf("%s:", key);
        /* one line per text line, continuation lines indented */
        const char *s = text;
        bool first = true;
        do {
            const char *nl = strchr(s, '\n');
            size_t k = nl ? (size_t)(nl - s) : strlen(s);
            printf(first ? " %.*s\n" : "  %.*s\n", (int)k, s);
            first = false;
            s = nl ? nl + 1 : NULL;
        } while (s);
    }
    free(block);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "prof2png: cannot write to standard output\n");
        return P2P_EXIT_INPUT;
    }
    return n ? P2P_EXIT_OK : P2P_EXIT_INPUT;
}
