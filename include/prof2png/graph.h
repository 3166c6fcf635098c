/* prof2png: the styled graph, the hand-over between the style stage and the
 * output stage.  It knows nothing of profiles: nodes and edges with their
 * final attributes, in output order.
 */
#ifndef PROF2PNG_GRAPH_H
#define PROF2PNG_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A node id: a string when str != NULL, else the integer num. */
typedef struct p2p_gid {
    const char *str;
    int64_t num;
} p2p_gid;

/* An attribute.  `number` values (ints, floats like 0.125) are written bare;
 * other values go through the DOT id rule (bare word or quoted string). */
typedef struct p2p_attr {
    const char *name;
    const char *value;
    bool number;
} p2p_attr;

typedef struct p2p_gstmt {
    bool is_edge;
    p2p_gid a, b;                 /* node: a; edge: a -> b */
    p2p_attr *attrs;              /* any order; the writer sorts by name */
    uint32_t nattrs;
    p2p_attr *frame;              /* node: when nframe > 0 it is drawn in a frame
                                     of its own, a one-node cluster with these
                                     graph attributes (label, style, colour) */
    uint32_t nframe;
} p2p_gstmt;

typedef struct p2p_graph_arena p2p_graph_arena;

typedef struct p2p_graph {
    p2p_attr *graph_attrs, *node_attrs, *edge_attrs; /* the three default lists */
    uint32_t ngraph_attrs, nnode_attrs, nedge_attrs;
    p2p_gstmt *stmts;             /* nodes and edges in output order */
    size_t nstmts, capstmts;
    p2p_graph_arena *arena;       /* owns every string and array above */
} p2p_graph;

/* A new empty graph, NULL when out of memory. */
p2p_graph *p2p_graph_new(void);
void p2p_graph_free(p2p_graph *g);

/* Copy a string into the graph's arena (NULL when out of memory). */
const char *p2p_graph_strdup(p2p_graph *g, const char *s);
/* Allocate from the graph's arena. */
void *p2p_graph_alloc(p2p_graph *g, size_t size);

/* Append a node or edge statement; attrs are copied (their strings are not:
 * they must live in the graph's arena or be static).  0 or P2P_ENOMEM. */
int p2p_graph_add_node(p2p_graph *g, p2p_gid id, const p2p_attr *attrs, uint32_t n);
int p2p_graph_add_edge(p2p_graph *g, p2p_gid src, p2p_gid dst, const p2p_attr *attrs, uint32_t n);

/* Draw the node statement added last in a frame of its own (see
 * p2p_gstmt.frame); attrs are copied as above.  0, P2P_ENOMEM, or
 * P2P_EUSAGE when the last statement is not a node. */
int p2p_graph_frame_last(p2p_graph *g, const p2p_attr *attrs, uint32_t n);

/* Set one of the default attribute lists (copied as above).  which is
 * "graph", "node" or "edge".  0 or P2P_ENOMEM. */
int p2p_graph_set_defaults(p2p_graph *g, const char *which, const p2p_attr *attrs, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
