/* prof2png command line: the options struct every stage reads. */
#ifndef P2P_CLI_OPTIONS_H
#define P2P_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "prof2png/prof2png.h"

#define P2P_EXIT_OK 0
#define P2P_EXIT_INPUT 1 /* bad input, or an output that cannot be written */
#define P2P_EXIT_USAGE 2 /* bad command line */

#define P2P_MAX_NODE_LABELS 32

typedef struct p2p_cli_options {
    const char *output;          /* -o; NULL = stdout */
    const char *type;            /* -T; NULL = from -o's extension, else dot */
    const char *format;          /* -f; NULL = not given */
    const char *event;           /* --event: callgrind event by name; NULL = the first */
    const char *thread;          /* --thread REGEX: the threads whose samples are kept; NULL = all */
    bool list_threads;           /* --list-threads: list the threads instead of a graph */
    double node_thres;           /* -n, percent */
    double edge_thres;           /* -e, percent */
    const char *colormap;        /* -c: a built-in name or a .theme file */
    double skew;
    bool strip, wrap, color_nodes_by_selftime, show_samples;
    p2p_event node_events[P2P_MAX_NODE_LABELS];
    size_t n_node_events;        /* 0 = the default list */
    const char *time_format;
    const char *root, *leaf;     /* -z, -l; NULL = none */
    int depth;
    size_t max_nodes;            /* --max-nodes N; 0 = no limit */
    const char **paths;          /* -p, repeatable */
    size_t npaths;
    bool compare;
    double compare_tolerance;
    bool compare_only_slower, compare_only_faster, compare_color_by_difference;
    const char *list_functions;  /* --list-functions SELECTOR; NULL (or "") = none */
    bool total_callstacks;       /* --total callstacks (perf, collapse, dtrace) */
    bool total_callratios;       /* --total callratios (speedscope, trace) */
    bool stats;                  /* --stats: the print_stats() table */
    const char *sort;            /* --sort KEY[,KEY...]; NULL = none */
    const char *callers, *callees; /* --callers / --callees REGEX; NULL = none */
    p2p_restriction *restrictions; /* --limit and --filter, in order */
    size_t nrestrictions;
    const char **hide, **focus, **ignore; /* --hide/--focus/--ignore REGEX, repeatable */
    size_t nhide, nfocus, nignore;
    bool quiet;                  /* -q: no progress line, no warnings or notes */
    int jobs;                    /* --jobs N: threads for independent work */
    char **inputs;
    size_t ninputs;
    /* issue 9: pictures for documentation, user themes, PNG metadata */
    bool tooltips;               /* --tooltips: rich tooltips in DOT output too */
    const char *href;            /* --href TEMPLATE; NULL = no links */
    const char *title;           /* --title TEXT; NULL = none */
    bool legend;                 /* --legend */
    const char *theme;           /* --theme FILE; NULL = -c decides */
    const char *info;            /* --info FILE.png; NULL = none */
    /* issue 8: the size of raster pictures */
    double dpi;                  /* --dpi D; 0 = Graphviz's 96 */
    unsigned long long max_pixels; /* --max-pixels N; 0 = no bound */
    int argc;                    /* the command line, for the PNG metadata */
    char **argv;
} p2p_cli_options;

/* Parse argv into *o.  Returns 0 to go on, 1 when --help or --version was
 * handled (exit 0), or -1 for a usage error with the message in err. */
int p2p_cli_parse(int argc, char **argv, p2p_cli_options *o, char *err, size_t errsize);

/* Release what p2p_cli_parse allocated. */
void p2p_cli_options_free(p2p_cli_options *o);

/* Print the --help text. */
void p2p_cli_usage(FILE *fp);

/* Print the --version text: prof2png's version and those of the libraries
 * it renders with (src/cli/meta.c). */
void p2p_cli_version(FILE *fp);

/* --info FILE.png: print the PNG's text chunks; an exit status. */
int p2p_cli_info(const char *path);

/* Add prof2png's text chunks (version, command line, inputs, total) to the
 * PNG in *pic (replaced by a new malloc'ed buffer).  An exit status. */
int p2p_cli_png_meta(const p2p_cli_options *o, const char *total, char **pic, size_t *len);

/* -T html: wrap the SVG in *pic (replaced by the page, a new malloc'ed
 * buffer) in the interactive HTML view, with the title, legend, command
 * line and inputs (p2p_html_write).  An exit status. */
int p2p_cli_html(const p2p_cli_options *o, const p2p_theme *t, const p2p_legend_opts *leg, char **pic,
                 size_t *len);

#endif
