/* prof2png style stage: helpers shared by label.c, build.c and compare.c.
 * Internal, not part of the public API. */
#ifndef P2P_STYLE_H
#define P2P_STYLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prof2png/graph.h"
#include "prof2png/profile.h"
#include "prof2png/theme.h"
#include "util/util.h"

/* Decode one UTF-8 code point of s[0..n) (n >= 1) into *cp; returns its
 * length in bytes.  A byte that does not start a valid sequence is one
 * "code point" of length 1 (0x80000000 | byte). */
size_t p2p_utf8_next(const char *s, size_t n, uint32_t *cp);

/* The number of code points of a NUL-terminated string (Python len()). */
size_t p2p_utf8_length(const char *s);

/* SHA-1 of data[0..len) as 40 lowercase hex digits and a NUL. */
void p2p_sha1_hex(const void *data, size_t len, char hex[41]);

/* The DOT ids of every live function of p, indexed by fid (string ids are
 * copied into g's arena; ids of more than 1024 code points become "_" +
 * SHA-1 hex, SEMANTICS §10.2).  A malloc'ed array, NULL when out of
 * memory. */
p2p_gid *p2p_style_ids(const p2p_profile *p, p2p_graph *g);

/* Live functions of p sorted by id (p2p_profile_cmp_ids): a malloc'ed array
 * of *n fids; NULL when there are none (*n == 0) or out of memory (*n > 0). */
p2p_fid *p2p_style_sorted_functions(const p2p_profile *p, size_t *n);

/* The live out-calls of f sorted by callee id: a malloc'ed array of *n call
 * indexes; NULL when there are none (*n == 0) or out of memory (*n > 0). */
uint32_t *p2p_style_sorted_calls(const p2p_profile *p, p2p_fid f, size_t *n);

/* Is call c live: neither it nor its callee removed. */
bool p2p_style_call_live(const p2p_profile *p, uint32_t c);

/* The node event list of the label options (defaults, --node-label,
 * --show-samples) into ev[] (room for lo->n_node_events + 3); returns the
 * count. */
size_t p2p_style_node_events(const p2p_label_opts *lo, p2p_event *ev);

/* Append the label line of event e = v (p2p_label_event) to b. */
void p2p_style_put_event(p2p_buf *b, p2p_event e, double v, const char *time_format);

/* Append the process, module and (stripped, truncated with a warning,
 * wrapped) name lines of f to b, joined by '\n' (SEMANTICS §8.1 steps 1-3).
 * -1 when out of memory. */
int p2p_style_name_lines(const p2p_profile *p, const p2p_function *f, const p2p_label_opts *lo,
                         p2p_buf *b);

/* Copy b's text into g's arena and reset b; NULL when out of memory. */
const char *p2p_style_take(p2p_graph *g, p2p_buf *b);

/* printf into g's arena; NULL when out of memory. */
const char *p2p_style_printf(p2p_graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fill the seven edge attributes (arrowsize, color, fontcolor, fontsize,
 * label, labeldistance, penwidth) for weight w.  -1 when out of memory. */
int p2p_style_edge_attrs(p2p_graph *g, const p2p_theme *t, double w, const char *label, p2p_attr a[7]);

/* The graph/node/edge default statements; `shape` adds shape=box to the
 * node defaults (DotWriter.graph has it, graphs_compare does not).
 * 0 or P2P_ENOMEM. */
int p2p_style_defaults(p2p_graph *g, const p2p_theme *t, bool shape);

/* Python's repr() of a float (shortest round trip: "0.5", "1e-05",
 * "130090.0"), NUL-terminated into out (32 bytes suffice). */
void p2p_style_float_repr(double x, char *out, size_t size);

#endif
