/* The styled graph container (include/prof2png/graph.h).  Strings and
 * attribute arrays live in one arena; the statement array itself grows with
 * realloc and is freed with the graph. */
#include <stdlib.h>
#include <string.h>

#include "prof2png/graph.h"
#include "util/util.h"

struct p2p_graph_arena {
    p2p_arena *arena;
};

/* An empty graph with its arena; NULL when out of memory. */
p2p_graph *p2p_graph_new(void)
{
    p2p_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->arena = calloc(1, sizeof *g->arena);
    if (!g->arena || !(g->arena->arena = p2p_arena_new())) {
        free(g->arena);
        free(g);
        return NULL;
    }
    return g;
}

/* Free the graph, its arena and its statement array; NULL is accepted. */
void p2p_graph_free(p2p_graph *g)
{
    if (!g)
        return;
    if (g->arena) {
        p2p_arena_free(g->arena->arena);
        free(g->arena);
    }
    free(g->stmts);
    free(g);
}

/* A copy of s in the graph's arena; NULL when out of memory. */
const char *p2p_graph_strdup(p2p_graph *g, const char *s)
{
    return p2p_arena_strndup(g->arena->arena, s, strlen(s));
}

/* size bytes (16-aligned) from the graph's arena; NULL when out of memory. */
void *p2p_graph_alloc(p2p_graph *g, size_t size)
{
    return p2p_arena_alloc(g->arena->arena, size);
}

static p2p_attr *copy_attrs(p2p_graph *g, const p2p_attr *attrs, uint32_t n)
{
    if (!n)
        return NULL;
    p2p_attr *a = p2p_graph_alloc(g, (size_t)n * sizeof *a);
    if (a)
        memcpy(a, attrs, (size_t)n * sizeof *a);
    return a;
}

static int add_stmt(p2p_graph *g, bool is_edge, p2p_gid a, p2p_gid b, const p2p_attr *attrs, uint32_t n)
{
    if (g->nstmts == g->capstmts) {
        size_t cap = g->capstmts ? g->capstmts * 2 : 64;
        if (cap > SIZE_MAX / sizeof *g->stmts)
            return P2P_ENOMEM;
        p2p_gstmt *s = realloc(g->stmts, cap * sizeof *s);
        if (!s)
            return P2P_ENOMEM;
        g->stmts = s;
        g->capstmts = cap;
    }
    p2p_attr *copy = copy_attrs(g, attrs, n);
    if (n && !copy)
        return P2P_ENOMEM;
    p2p_gstmt *s = &g->stmts[g->nstmts++];
    s->is_edge = is_edge;
    s->a = a;
    s->b = b;
    s->attrs = copy;
    s->nattrs = n;
    s->frame = NULL;
    s->nframe = 0;
    return 0;
}

/* Append a node statement; the attr array is copied, its strings and the
 * id string are not.  0 or P2P_ENOMEM. */
int p2p_graph_add_node(p2p_graph *g, p2p_gid id, const p2p_attr *attrs, uint32_t n)
{
    p2p_gid none = {NULL, 0};
    return add_stmt(g, false, id, none, attrs, n);
}

/* Append an edge statement src -> dst; as p2p_graph_add_node. */
int p2p_graph_add_edge(p2p_graph *g, p2p_gid src, p2p_gid dst, const p2p_attr *attrs, uint32_t n)
{
    return add_stmt(g, true, src, dst, attrs, n);
}

/* Frame the node statement added last (graph.h).  0, P2P_ENOMEM, or
 * P2P_EUSAGE when there is none. */
int p2p_graph_frame_last(p2p_graph *g, const p2p_attr *attrs, uint32_t n)
{
    if (!g->nstmts || g->stmts[g->nstmts - 1].is_edge)
        return P2P_EUSAGE;
    p2p_attr *copy = copy_attrs(g, attrs, n);
    if (n && !copy)
        return P2P_ENOMEM;
    g->stmts[g->nstmts - 1].frame = copy;
    g->stmts[g->nstmts - 1].nframe = n;
    return 0;
}

/* Replace the "graph", "node" or "edge" default list (copied as above).
 * 0, P2P_ENOMEM, or P2P_EUSAGE for another `which`. */
int p2p_graph_set_defaults(p2p_graph *g, const char *which, const p2p_attr *attrs, uint32_t n)
{
    p2p_attr *copy = copy_attrs(g, attrs, n);
    if (n && !copy)
        return P2P_ENOMEM;
    if (strcmp(which, "graph") == 0) {
        g->graph_attrs = copy;
        g->ngraph_attrs = n;
    } else if (strcmp(which, "node") == 0) {
        g->node_attrs = copy;
        g->nnode_attrs = n;
    } else if (strcmp(which, "edge") == 0) {
        g->edge_attrs = copy;
        g->nedge_attrs = n;
    } else {
        return P2P_EUSAGE;
    }
    return 0;
}
