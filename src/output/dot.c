/* The DOT writer (SEMANTICS.md §10): a styled graph to text, byte for byte
 * as gprof2dot's DotWriter writes it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/output.h"
#include "util/util.h"

/* Decode one UTF-8 code point at s (n bytes left); returns its length, or 0
 * for an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        c = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        c = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    *cp = c;
    return len;
}

/* Python's str.isalnum() for one code point: a word character but '_'. */
static int is_alnum_cp(uint32_t c)
{
    return c != '_' && p2p_uc_is_word(c);
}

static int is_bare(const char *s)
{
    static const char *const keywords[] = {"node", "edge", "graph", "digraph", "subgraph", "strict"};
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    if (s[0] == '0' && s[1] == 'x')
        return 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (!l || !is_alnum_cp(cp))
            return 0;
        i += l;
    }
    if (n <= 8) {
        char lower[9];
        for (size_t i = 0; i <= n; i++)
            lower[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (strcmp(lower, keywords[k]) == 0)
                return 0;
    }
    return 1;
}

static void write_string(p2p_buf *b, const char *s)
{
    if (is_bare(s)) {
        p2p_buf_puts(b, s);
        return;
    }
    p2p_buf_putc(b, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\t': rep = "\\t"; break;
        case '"': rep = "\\\""; break;
        default: continue;
        }
        p2p_buf_append(b, run, (size_t)(p - run));
        p2p_buf_puts(b, rep);
        run = p + 1;
    }
    p2p_buf_puts(b, run);
    p2p_buf_putc(b, '"');
}

static void write_id(p2p_buf *b, p2p_gid id)
{
    if (id.str)
        write_string(b, id.str);
    else
        p2p_buf_printf(b, "%" PRId64, id.num);
}

static int attr_cmp(const void *a, const void *b)
{
    return strcmp(((const p2p_attr *)a)->name, ((const p2p_attr *)b)->name);
}

static void write_attrs(p2p_buf *b, const p2p_attr *attrs, uint32_t n)
{
    if (!n)
        return;
    /* sort a copy: most lists are short, so a stack array usually suffices */
    p2p_attr small[16];
    p2p_attr *s = n <= 16 ? small : malloc(n * sizeof *s);
    if (!s) {
        b->oom = true;
        return;
    }
    memcpy(s, attrs, n * sizeof *s);
    qsort(s, n, sizeof *s, attr_cmp);
    p2p_buf_puts(b, " [");
    int first = 1;
    for (uint32_t i = 0; i < n; i++) {
        if (!s[i].value)
            continue;
        if (!first)
            p2p_buf_puts(b, ", ");
        first = 0;
        p2p_buf_puts(b, s[i].name);
        p2p_buf_putc(b, '=');
        if (s[i].number)
            p2p_buf_puts(b, s[i].value);
        else
            write_string(b, s[i].value);
    }
    p2p_buf_putc(b, ']');
    if (s != small)
        free(s);
}

int p2p_dot_write(const p2p_graph *g, char **out, size_t *len)
{
    p2p_buf b;
    p2p_buf_init(&b);
    p2p_buf_puts(&b, "digraph {\n\ttooltip=\" \"\n");
    p2p_buf_puts(&b, "\tgraph");
    write_attrs(&b, g->graph_attrs, g->ngraph_attrs);
    p2p_buf_puts(&b, ";\n\tnode");
    write_attrs(&b, g->node_attrs, g->nnode_attrs);
    p2p_buf_puts(&b, ";\n\tedge");
    write_attrs(&b, g->edge_attrs, g->nedge_attrs);
    p2p_buf_puts(&b, ";\n");
    for (size_t i = 0; i < g->nstmts; i++) {
        const p2p_gstmt *s = &g->stmts[i];
        /* a framed node: a one-node cluster around it */
        bool framed = !s->is_edge && s->nframe;
        if (framed) {
            p2p_buf_printf(&b, "\tsubgraph cluster_%zu {\n\t\tgraph", i);
            write_attrs(&b, s->frame, s->nframe);
            p2p_buf_puts(&b, ";\n\t");
        }
        p2p_buf_putc(&b, '\t');
        write_id(&b, s->a);
        if (s->is_edge) {
            p2p_buf_puts(&b, " -> ");
            write_id(&b, s->b);
        }
        write_attrs(&b, s->attrs, s->nattrs);
        p2p_buf_puts(&b, ";\n");
        if (framed)
            p2p_buf_puts(&b, "\t}\n");
    }
    p2p_buf_puts(&b, "}\n");
    *out = p2p_buf_take(&b, len);
    return *out ? 0 : P2P_ENOMEM;
}
