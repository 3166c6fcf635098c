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
/* The rules of p2p_write_file_atomic, in full:
 *  - a regular file (or a new name) is replaced by rename(2) from a
 *    temporary ".prof2png-XXXXXX" in the same folder, after fsync; the
 *    replaced file's permission bits are kept, a new file gets 0666 & ~umask;
 *  - a symbolic link is replaced by the new file, never followed, so that
 *    -o writes only where the user pointed (a link planted at that name
 *    cannot redirect the write), except the kernel's links to open files
 *    (/dev/stdout, /dev/fd/N, /proc/PID/fd/N), written through;
 *  - devices and FIFOs (/dev/null, a named pipe) are written in place;
 *  - a directory, or a link to one, is an error;
 *  - on any error the temporary file is removed and an existing output is
 *    left as it was. */

/* Remove the temporary file p2p_write_file_atomic is writing, if any.
 * Async-signal-safe: for the CLI's SIGINT/SIGTERM/SIGHUP handler, so that
 * an interrupted run leaves no file behind. */
void p2p_write_file_cleanup(void);

#ifdef __cplusplus
}
#endif
#endif
