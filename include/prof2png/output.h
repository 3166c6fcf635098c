/* prof2png: output.  The DOT writer (SEMANTICS.md §10) and the in-process
 * renderer (libgvc), plus writing a file whole or not at all.
 */
#ifndef PROF2PNG_OUTPUT_H
#define PROF2PNG_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "graph.h"
#include "theme.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write `g` as DOT text into a malloc'ed buffer (*out, *len; free() it).
 * Deterministic: the same graph gives the same bytes.  0 or P2P_ENOMEM. */
int p2p_dot_write(const p2p_graph *g, char **out, size_t *len);

/* Is `format` one the renderer can produce ("png", "svg", "pdf", ...)? */
int p2p_render_supported(const char *format);

/* Lay out DOT text with Graphviz's dot layout and render it as `format`
 * into a malloc'ed buffer (*out, *len; free() it), with Graphviz's
 * defaults (no pixel bound: see p2p_render_with).  0, or P2P_ERENDER /
 * P2P_EUSAGE (unknown format) with d filled. */
int p2p_render(const char *dot, size_t dotlen, const char *format, char **out, size_t *len,
               p2p_diag *d);

/* How p2p_render_with draws (issue 8).  All zero: Graphviz's defaults. */
typedef struct p2p_render_opts {
    double dpi;            /* raster formats (png, jpg, gif): dots per inch;
                            * 0 = Graphviz's default, 96 */
    uint64_t max_pixels;   /* raster formats: at most this many pixels (width
                            * x height), and at most 32766 a side (under
                            * cairo's limit), made so by lowering the dpi; 0 = no
                            * bound.  Vector formats (svg, pdf, ...) ignore
                            * both. */
} p2p_render_opts;

/* P2P_RENDER_MAX_PIXELS: the command line's default pixel budget. */
#define P2P_RENDER_MAX_PIXELS 100000000u

/* What p2p_render_with did, for raster formats (zeros for vector ones):
 * the dpi asked for and the picture's size there, and the dpi drawn at and
 * the size then (the size as Graphviz rounds it, from the layout's bounding
 * box and padding). */
typedef struct p2p_render_info {
    double dpi, full_dpi;
    uint32_t width, height;
    uint32_t full_width, full_height;
} p2p_render_info;

/* p2p_render with options: `ro` NULL is all zero (Graphviz's defaults, as
 * p2p_render); `info` may be NULL. */
int p2p_render_with(const char *dot, size_t dotlen, const char *format, const p2p_render_opts *ro,
                    p2p_render_info *info, char **out, size_t *len, p2p_diag *d);

/* The Graphviz version the renderer runs with, from libgvc at run time
 * ("2.43.0"); a static string. */
const char *p2p_render_graphviz_version(void);

/* The version of the cairo library Graphviz's renderer loads, asked of
 * libcairo at run time; NULL when it cannot be loaded. */
const char *p2p_render_cairo_version(void);

/* The libpng version linked in, at run time ("1.6.39"). */
const char *p2p_png_library_version(void);

/* A text chunk of a PNG: keyword (1 to 79 Latin-1 characters) and text. */
typedef struct p2p_png_text {
    const char *key;
    const char *text;
} p2p_png_text;

/* Copy the PNG png[0..len) adding text chunks (tEXt for ASCII text,
 * uncompressed iTXt for other UTF-8) just before the first image data
 * chunk, where libpng writes them; every chunk of the PNG up to IEND is
 * kept as it is, the pixels are not decoded (the cost is a copy of the
 * bytes, whatever the picture's size).  The PNG is checked: its signature,
 * IHDR first, each chunk's length against the bytes left and its CRC, an
 * IDAT and an IEND; a keyword must have 1 to 79 printable Latin-1
 * characters.  The result is a malloc'ed buffer (*out, *outlen; free() it).
 * Deterministic.  0, or P2P_ERENDER / P2P_ENOMEM with d filled. */
int p2p_png_add_text(const void *png, size_t len, const p2p_png_text *add, size_t nadd, char **out,
                     size_t *outlen, p2p_diag *d);

/* Read the text chunks found before the image data of png[0..len): *block
 * (malloc'ed, free() it; *blocklen bytes) holds *n pairs of NUL-terminated
 * keyword and text, one after the other.  No pixels are decoded.  0, or
 * P2P_EFORMAT (not a PNG, or a broken one) / P2P_ENOMEM with d filled. */
int p2p_png_read_text(const void *png, size_t len, char **block, size_t *blocklen, size_t *n, p2p_diag *d);

/* What the HTML view shows around the graph (all may be NULL or zero). */
typedef struct p2p_html_opts {
    const char *title;             /* heading and page title; NULL: `inputs` */
    const char *total;             /* the profile's total as text */
    const char *scale;             /* what the colour means; NULL: total time */
    const p2p_theme *theme;        /* the legend's colours; NULL: no colour scale */
    double node_thres, edge_thres; /* percent, for the legend */
    const char *command;           /* the command line that made the page */
    const char *inputs;            /* the input names, one a line */
} p2p_html_opts;

/* The interactive HTML view (src/output/html.c, docs/html.md): one
 * self-contained page holding `svg` (as Graphviz rendered it from prof2png's
 * DOT), a heading, a legend, and the view's script and style (embedded at
 * build time), with a Content-Security-Policy that lets only that script
 * and style run and loads nothing.  The SVG is checked as it is copied:
 * only the elements Graphviz writes, no event-handler attribute, links
 * only to http:, https:, file: or relative URLs; comments and the XML
 * prolog are dropped.  Every text of `ho` is escaped and its invalid UTF-8
 * replaced.  Deterministic.  The page is a malloc'ed buffer (*out, *len;
 * free() it).  0, or P2P_ERENDER (an SVG that fails the check) /
 * P2P_ENOMEM with d filled. */
int p2p_html_write(const char *svg, size_t svglen, const p2p_html_opts *ho, char **out, size_t *len,
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
