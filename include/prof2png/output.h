/* prof2png: output.  The DOT writer (SEMANTICS.md §10) and the in-process
 * renderer (libgvc), plus writing a file whole or not at all.
 */
#ifndef PROF2PNG_OUTPUT_H
#define PROF2PNG_OUTPUT_H

#include <stddef.h>

#include "error.h"
#include "graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write `g` as DOT text into a malloc'ed buffer (*out, *len; free() it).
 * Deterministic: the same graph gives the same bytes.  0 or P2P_ENOMEM. */
int p2p_dot_write(const p2p_graph *g, char **out, size_t *len);

/* Is `format` one the renderer can produce ("png", "svg", "pdf", ...)? */
int p2p_render_supported(const char *format);

/* Lay out DOT text with Graphviz's dot layout and render it as `format`
 * into a malloc'ed buffer (*out, *len; free() it).  0, or P2P_ERENDER /
 * P2P_EUSAGE (unknown format) with d filled. */
int p2p_render(const char *dot, size_t dotlen, const char *format, char **out, size_t *len,
               p2p_diag *d);

/* Write `len` bytes to `path` through a temporary file in the same folder,
 * renamed into place only when complete: an existing file is either replaced
 * whole or left untouched.  0, or P2P_EIO with d filled. */
int p2p_write_file_atomic(const char *path, const void *data, size_t len, p2p_diag *d);

#ifdef __cplusplus
}
#endif
#endif
