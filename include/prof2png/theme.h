/* prof2png: styling (SEMANTICS.md §8, §9).
 *
 * A theme maps a weight in [0, 1] to colours, font sizes and pen widths.  The
 * five built-in themes (color, pink, gray, bw, print) are data files in
 * themes/, compiled into the library.  The label functions turn a profile's
 * functions and calls into the text gprof2dot prints; p2p_graph_build turns
 * a pruned profile into a styled graph (graph.h) for the output stage.
 */
#ifndef PROF2PNG_THEME_H
#define PROF2PNG_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "graph.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct p2p_theme {
    char name[32];
    double bgcolor[3];       /* HSL, graph background (white) */
    double mincolor[3];      /* HSL at weight 0 */
    double maxcolor[3];      /* HSL at weight 1 */
    double gamma;
    double skew;             /* 1.0 = linear */
    double minfontsize, maxfontsize;
    double minpenwidth, maxpenwidth;
    char fontname[32];       /* "Arial" */
    char fontcolor[32];      /* node default fontcolor name: "white" or "black" */
    char nodestyle[16];      /* "filled" or "solid" */
} p2p_theme;

/* Load the built-in theme `name` into *t.  0, or P2P_ENOTFOUND. */
int p2p_theme_builtin(const char *name, p2p_theme *t);

/* The built-in theme names, comma-separated, sorted ("bw, color, ..."). */
const char *p2p_theme_names(void);

/* Parse a theme file's text (the format of themes/ *.theme) into *t.
 * 0, or P2P_EFORMAT with d->line set. */
int p2p_theme_parse(const char *text, size_t len, p2p_theme *t, p2p_diag *d);

/* --skew: set the skew; 0 is ignored as in gprof2dot.  P2P_EUSAGE when < 0. */
int p2p_theme_set_skew(p2p_theme *t, double skew);

/* §9.3: colour of weight w as "#rrggbb" (hex must hold 8 bytes). */
void p2p_theme_color(const p2p_theme *t, double w, char hex[8]);
/* §9.4: node font colour: the background for filled styles, else colour(w). */
void p2p_theme_node_fgcolor(const p2p_theme *t, double w, char hex[8]);
double p2p_theme_fontsize(const p2p_theme *t, double w);
double p2p_theme_penwidth(const p2p_theme *t, double w);
double p2p_theme_arrowsize(const p2p_theme *t, double w);

/* Label options (§8). */
typedef struct p2p_label_opts {
    bool strip;                   /* -s */
    bool wrap;                    /* -w */
    const p2p_event *node_events; /* NULL: the default [TOTAL_TIME_RATIO, TIME_RATIO] */
    size_t n_node_events;
    bool show_samples;            /* --show-samples appends SAMPLES */
    const char *time_format;      /* NULL: "%.7g" */
} p2p_label_opts;

/* §8.3 --strip, into a malloc'ed string (NULL when out of memory). */
char *p2p_label_strip(const char *name);

/* §8.4 --wrap (textwrap.fill at 32, then the ", " and "> >" squeezes), into a
 * malloc'ed string (NULL when out of memory). */
char *p2p_label_wrap(const char *name);

/* §8.1 step 3.2: cut a name of >= 4096 code points to 4095 + U+2026.
 * Returns a malloc'ed string, or NULL when out of memory; *cut tells whether
 * it was cut. */
char *p2p_label_truncate(const char *name, bool *cut);

/* Format one event value as its label line ("12.34%", "(12.34%)", "3×",
 * time via time_format) into out.  Returns the length written. */
size_t p2p_label_event(p2p_event e, double v, const char *time_format, char *out, size_t size);

/* Build the styled graph of a pruned profile: one node per live function in
 * id order, each followed by its live out-calls in callee-id order
 * (SEMANTICS §10).  *out is owned by the caller (p2p_graph_free).  Returns 0
 * or P2P_ENOMEM. */
int p2p_graph_build(const p2p_profile *p, const p2p_theme *t, const p2p_label_opts *lo,
                    p2p_graph **out, p2p_diag *d);

typedef struct p2p_compare_opts {
    double tolerance;             /* percent, default 0.001 */
    bool only_slower, only_faster, color_by_difference;
} p2p_compare_opts;

/* gprof2dot --compare: the graph of p1 annotated with its differences from
 * p2 (matched by function name).  A function of p1 with no live match in p2
 * is drawn plainly, framed "removed" (p2 lacks the name) or "pruned in
 * profile 2"; functions only in p2 are not drawn (see compare.c).
 * 0 or P2P_ENOMEM. */
int p2p_graph_compare(const p2p_profile *p1, const p2p_profile *p2, const p2p_theme *t,
                      const p2p_label_opts *lo, const p2p_compare_opts *co,
                      p2p_graph **out, p2p_diag *d);

/* --list-functions SELECTOR: gprof2dot's printFunctionIds as text, over the
 * live functions of p, into a malloc'ed string (*out, *len; free() it).
 * "+" or "*" (or NULL) lists "ID:\tNAME" for all, "%GLOB" dumps every
 * attribute of the functions whose name matches GLOB, any other selector
 * lists the matching names; `format` (the -f name, may be NULL) picks
 * gprof2dot's event order for the dump.  What differs from gprof2dot's
 * text, which holds Python object addresses: src/style/listing.c.
 * 0 or P2P_ENOMEM. */
int p2p_list_functions(const p2p_profile *p, const char *selector, const char *format, char **out, size_t *len);

/* Pictures for documentation (src/style/annotate.c).  None of this is
 * gprof2dot's: the CLI applies it only when asked. */
typedef struct p2p_annotate_opts {
    bool tooltips;                /* every node and edge: name, file:line,
                                     times and shares, calls */
    const char *href;             /* URL template with {file} {line} {name}
                                     {module}, or NULL: no links */
    const char *time_format;      /* NULL: "%.7g" */
} p2p_annotate_opts;

/* Set rich tooltips (node: full name, module, file and line, total and
 * self time with their shares, samples, calls; edge: caller -> callee,
 * share, calls) and links (URL from the template with each value
 * percent-encoded, '/' kept in {file}; a node with no file gets no link
 * when the template uses {file}; an unknown line or module gives "") on
 * the statements of g that name functions of p (g made from p by
 * p2p_graph_build or p2p_graph_compare).  0, or P2P_ENOMEM, or P2P_EUSAGE
 * (a template p2p_href_check refuses), with d filled. */
int p2p_graph_annotate(p2p_graph *g, const p2p_profile *p, const p2p_annotate_opts *ao, p2p_diag *d);

/* 0 when every '{' of the URL template starts a known placeholder and the
 * links it makes can only be http:, https:, file: or relative URLs (the
 * scheme written out in the template; see p2p_url_safe in src/util/util.h);
 * else -1 with a message in err.  p2p_graph_annotate checks its template so
 * too (P2P_EUSAGE). */
int p2p_href_check(const char *tmpl, char *err, size_t size);

typedef struct p2p_legend_opts {
    const char *title;            /* NULL: none */
    bool legend;                  /* draw the colour scale, total, thresholds */
    const char *scale;            /* what the colour means; NULL: total time */
    const char *total;            /* the profile's total as text (may be NULL) */
    double node_thres, edge_thres; /* percent */
} p2p_legend_opts;

/* The colour scale of a legend: the colours of P2P_LEGEND_STEPS weights
 * (0, 10, 25, 50, 75 and 100 %) in theme t, with the text colour on each.
 * Returns whether t fills its nodes (else it draws their outlines). */
#define P2P_LEGEND_STEPS 6
typedef struct p2p_legend_step {
    int percent;
    char color[8], fgcolor[8]; /* "#rrggbb" */
} p2p_legend_step;
bool p2p_theme_legend_scale(const p2p_theme *t, p2p_legend_step out[P2P_LEGEND_STEPS]);

/* Draw a title and/or legend at the top of the picture: the graph's label
 * becomes an HTML-like table.  Nothing happens when neither is asked for.
 * 0, or P2P_ENOMEM with d filled. */
int p2p_graph_legend(p2p_graph *g, const p2p_theme *t, const p2p_legend_opts *lo, p2p_diag *d);

/* The profile's total as text ("1.25 s", "12345 Ir", "800 samples") into
 * out; returns snprintf's count. */
int p2p_profile_total_text(const p2p_profile *p, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
