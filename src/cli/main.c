/* prof2png: the program.  The only code that reads argv, prints and exits. */
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "filters.h"
#include "jobs.h"
#include "stats.h"
#include "options.h"

/* -q: no progress line, no warnings or notes (errors still print) */
static bool quiet;

static void print_warning(void *ctx, const char *msg)
{
    if (quiet)
        return;
    const char *file = ctx;
    if (file)
        fprintf(stderr, "prof2png: %s: warning: %s\n", file, msg);
    else
        fprintf(stderr, "prof2png: warning: %s\n", msg);
}

static int report(const p2p_diag *d)
{
    char line[1024];
    fprintf(stderr, "prof2png: %s\n", p2p_diag_format(d, line, sizeof line));
    return d->code == P2P_EUSAGE ? P2P_EXIT_USAGE : P2P_EXIT_INPUT;
}

static int usage(const char *msg)
{
    fprintf(stderr, "prof2png: %s\n", msg);
    return P2P_EXIT_USAGE;
}

/* The progress line of a long read: on stderr when it is a terminal, for
 * inputs of PROGRESS_MIN bytes or more (an input of unknown size once that
 * much is read), redrawn at most 10 times a second, erased at the end. */
#define PROGRESS_MIN ((uint64_t)50 * 1000 * 1000)

typedef struct progress {
    const char *name;
    double start, last;
    uint64_t last_done;
    bool shown;
} progress;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "12.3 MB" */
static const char *human(uint64_t n, char *buf, size_t size)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
    double v = (double)n;
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof unit / sizeof unit[0]) {
        v /= 1000;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
    return buf;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress *pr = ctx;
    double t = now_seconds();
    if (done < pr->last_done) /* a new phase: decompressing after reading */
        pr->start = t;
    pr->last_done = done;
    if ((total ? total : done) < PROGRESS_MIN)
        return;
    if (pr->shown && t - pr->last < 0.1 && done != total)
        return;
    pr->last = t;
    pr->shown = true;
    double elapsed = t - pr->start;
    double rate = elapsed > 0 ? done / elapsed : 0;
    char a[32], b[32], r[32], line[256];
    int n = snprintf(line, sizeof line, "prof2png: %s: %s", pr->name, human(done, a, sizeof a));
    if (total)
        n += snprintf(line + n, sizeof line - (size_t)n, " of %s (%d%%)", human(total, b, sizeof b),
                      (int)(100.0 * done / total));
    if (rate > 0) {
        n += snprintf(line + n, sizeof line - (size_t)n, ", %s/s", human((uint64_t)rate, r, sizeof r));
        if (total && done < total) {
            double left = (total - done) / rate;
            snprintf(line + n, sizeof line - (size_t)n, ", %.0f s left", left < 1 ? 1 : left);
        }
    }
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
}

/* inputs are read on several threads: one progress line at a time */
static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_progress_locked(void *ctx, uint64_t done, uint64_t total)
{
    pthread_mutex_lock(&progress_lock);
    on_progress(ctx, done, total);
    pthread_mutex_unlock(&progress_lock);
}

static void progress_end(progress *pr)
{
    if (pr->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pr->shown = false;
}

/* --ignore, --focus, --hide on one profile; returns the exit code. */
static int filter_names(p2p_profile *p, const p2p_cli_options *o, const char *file)
{
    p2p_name_filter nf = {o->ignore, o->nignore, o->focus, o->nfocus, o->hide, o->nhide};
    p2p_diag d;
    p2p_diag_init(&d, file);
    p->warn_ctx = (void *)file;
    int rc = p2p_filter_names(p, &nf, &d);
    p->warn_ctx = NULL;
    if (!rc)
        return P2P_EXIT_OK;
    char line[1024];
    fprintf(stderr, "prof2png: %s\n", p2p_diag_format(&d, line, sizeof line));
    return rc == P2P_EUSAGE ? P2P_EXIT_USAGE : P2P_EXIT_INPUT;
}

static const char *format_names(void)
{
    static char names[256];
    size_t n;
    const p2p_format *f = p2p_formats(&n);
    names[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(names, ", ", sizeof names - strlen(names) - 1);
        strncat(names, f[i].name, sizeof names - strlen(names) - 1);
    }
    return names;
}

/* -c NAME (a built-in name, or a path that looks like one), or --theme
 * FILE (always a file). */
static int load_theme(const char *name, bool file, p2p_theme *t, p2p_diag *d)
{
    if (!file && p2p_theme_builtin(name, t) == 0)
        return 0;
    size_t len = strlen(name);
    if (!file && !strchr(name, '/') && !(len > 6 && strcmp(name + len - 6, ".theme") == 0)) {
        p2p_diag_init(d, NULL);
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "invalid colormap '%s' (expected %s, or a .theme file)", name,
                            p2p_theme_names());
    }
    p2p_input in;
    int rc = p2p_input_read(name, &in, d);
    if (rc)
        return rc;
    p2p_diag_init(d, name);
    rc = p2p_theme_parse((const char *)in.data, in.size, t, d);
    p2p_input_release(&in);
    return rc;
}

/* Where the warnings of a parse go: straight to stderr, or (for a parse on
 * another thread) into a buffer printed afterwards, so that the order of
 * the messages does not depend on the threads. */
typedef struct warn_sink {
    const char *file;
    FILE *buf; /* NULL: stderr */
} warn_sink;

static void sink_warning(void *ctx, const char *msg)
{
    warn_sink *w = ctx;
    if (!w->buf) {
        print_warning((void *)w->file, msg);
        return;
    }
    if (w->file)
        fprintf(w->buf, "prof2png: %s: warning: %s\n", w->file, msg);
    else
        fprintf(w->buf, "prof2png: warning: %s\n", msg);
}

/* The output is DOT (no tooltips unless asked): set before any parse */
static bool output_is_dot;

/* Parse inputs [first, first+n) into a profile with its derived events.
 * Warnings go to *w (one for the parse, one for what follows).  With
 * --thread or --list-threads, *threads gets the threads the parser saw. */
static int load_profile(const p2p_cli_options *o, const p2p_format *fmt, p2p_input *inputs, size_t n,
                        p2p_profile **out, p2p_diag *d, warn_sink w[2], p2p_thread_list *threads)
{
    w[0].file = inputs[0].name;
    w[1].file = NULL; /* what follows the parse warns without a file name */
    p2p_parse_opts po = {.warn = sink_warning, .warn_ctx = &w[0], .event = o->event, .thread = o->thread};
    if (o->thread || o->list_threads)
        po.threads = threads;
    /* pstats data that only the text reports, tooltips and links read */
    po.no_call_stats = !p2p_cli_stats_wanted(o);
    po.no_fn_stats = po.no_call_stats && !o->tooltips && !o->href && output_is_dot;
    p2p_diag_init(d, inputs[0].name);
    int rc = fmt->parse(inputs, n, &po, out, d);
    if (!rc && po.threads && threads->n == 0) {
        p2p_profile_free(*out);
        *out = NULL;
        rc = p2p_diag_set(d, P2P_EUNSUPPORTED, 0, -1, "%s names no threads or processes (--thread, --list-threads)",
                          n == 1 ? "the input" : "the inputs");
    }
    if (rc)
        return rc;
    (*out)->warn = sink_warning;
    (*out)->warn_ctx = &w[1];
    p2p_diag_init(d, n == 1 ? inputs[0].name : NULL);
    /* --total callstacks: the stack-share recipe where the format has one */
    p2p_derive recipe = fmt->derive;
    if (o->total_callstacks && recipe == P2P_DERIVE_SAMPLES)
        recipe = P2P_DERIVE_SAMPLES_CALLSTACKS;
    /* and --total callratios where callstacks is the format's default */
    if (o->total_callratios && recipe == P2P_DERIVE_SAMPLES_CALLSTACKS)
        recipe = P2P_DERIVE_SAMPLES;
    rc = p2p_derive_events(*out, recipe, d);
    if (rc) {
        p2p_profile_free(*out);
        *out = NULL;
        return rc;
    }
    (*out)->warn = print_warning;
    (*out)->warn_ctx = NULL;
    return 0;
}

/* --compare: the two profiles, parsed on two threads when --jobs allows */
typedef struct load_task {
    const p2p_cli_options *o;
    const p2p_format *fmt;
    p2p_input *in;
    p2p_profile *p;
    p2p_diag d;
    int rc;
    warn_sink w[2];
    char *text; /* the buffered warnings */
    size_t len;
    p2p_thread_list threads;
} load_task;

static void load_one(void *ctx, size_t i)
{
    load_task *t = &((load_task *)ctx)[i];
    FILE *buf = open_memstream(&t->text, &t->len);
    t->w[0].buf = t->w[1].buf = buf; /* NULL (out of memory): straight to stderr */
    t->rc = load_profile(t->o, t->fmt, t->in, 1, &t->p, &t->d, t->w, &t->threads);
    if (buf)
        fclose(buf);
}

static int load_two(const p2p_cli_options *o, const p2p_format *fmt, p2p_input *a, p2p_input *b,
                    p2p_profile **pa, p2p_profile **pb, p2p_diag *d)
{
    load_task t[2] = {{.o = o, .fmt = fmt, .in = a}, {.o = o, .fmt = fmt, .in = b}};
    p2p_cli_jobs_run(2, o->jobs, load_one, t);
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        if (t[i].text && !quiet && (rc == 0 || t[i].rc == 0))
            fputs(t[i].text, stderr);
        free(t[i].text);
        p2p_thread_list_free(&t[i].threads);
        if (t[i].rc && !rc) {
            rc = t[i].rc;
            *d = t[i].d;
        }
    }
    if (rc) {
        p2p_profile_free(t[0].p);
        p2p_profile_free(t[1].p);
        return rc;
    }
    *pa = t[0].p;
    *pb = t[1].p;
    return 0;
}

/* Reading the inputs (mapping, or reading and decompressing): on several
 * threads when there are several */
typedef struct read_task {
    const char *path;
    p2p_input *in;
    bool show_progress;
    progress pr;
    p2p_diag d;
    int rc;
} read_task;

static void read_one(void *ctx, size_t i)
{
    read_task *t = &((read_task *)ctx)[i];
    t->pr = (progress){.name = strcmp(t->path, "-") == 0 ? "<stdin>" : t->path, .start = now_seconds()};
    p2p_read_opts ro = {0, t->show_progress ? on_progress_locked : NULL, &t->pr};
    p2p_diag_init(&t->d, t->path);
    t->rc = p2p_input_read_opts(t->path, &ro, t->in, &t->d);
}

/* Read every input; on failure, report the first that failed (in the
 * order given) and return the exit code. */
static int read_inputs(const p2p_cli_options *o, p2p_input *inputs, bool show_progress)
{
    size_t n = o->ninputs, nstdin = 0;
    read_task *t = calloc(n, sizeof *t);
    if (!t)
        return usage("out of memory");
    for (size_t i = 0; i < n; i++) {
        t[i] = (read_task){.path = o->inputs[i], .in = &inputs[i], .show_progress = show_progress};
        nstdin += strcmp(o->inputs[i], "-") == 0;
    }
    /* standard input given twice: read it in turn, as before */
    p2p_cli_jobs_run(n, nstdin > 1 ? 1 : o->jobs, read_one, t);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        progress_end(&t[i].pr);
        if (t[i].rc && !rc)
            rc = report(&t[i].d);
    }
    free(t);
    return rc;
}

/* The output format: -T, else the extension of -o, else DOT. */
static const char *output_type(const p2p_cli_options *o)
{
    if (o->type)
        return o->type;
    if (!o->output)
        return "dot";
    const char *dot = strrchr(o->output, '.');
    const char *slash = strrchr(o->output, '/');
    if (!dot || (slash && dot < slash))
        return "dot";
    static char ext[16];
    size_t n = strlen(dot + 1);
    if (n == 0 || n >= sizeof ext)
        return "dot";
    for (size_t i = 0; i <= n; i++)
        ext[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32 : dot[1 + i]);
    if (strcmp(ext, "gv") == 0 || p2p_render_supported(ext))
        return ext;
    if (strcmp(ext, "html") == 0 || strcmp(ext, "htm") == 0) /* HTML view */
        return "html";
    return "dot";
}

/* SIGINT, SIGTERM, SIGHUP: remove a half-written temporary output file,
 * then die of the signal as usual. */
static void on_fatal_signal(int sig)
{
    p2p_write_file_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int write_stdout(const char *data, size_t len)
{
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "prof2png: cannot write to standard output: %s\n", strerror(errno));
        return P2P_EXIT_INPUT;
    }
    return 0;
}

int main(int argc, char **argv)
{
    p2p_cli_options o;
    char err[512];
    int prc = p2p_cli_parse(argc, argv, &o, err, sizeof err);
    if (prc > 0) {
        p2p_cli_options_free(&o);
        return P2P_EXIT_OK;
    }
    if (prc < 0) {
        p2p_cli_options_free(&o);
        return usage(err);
    }
    /* a closed pipe is reported as a write error, not a silent death */
    signal(SIGPIPE, SIG_IGN);
    /* an interrupted run leaves no temporary file (signals the caller
     * ignores stay ignored) */
    static const int fatal[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        if (signal(fatal[i], on_fatal_signal) == SIG_IGN)
            signal(fatal[i], SIG_IGN);

    if (prc == 0 && o.info) {
        int irc = p2p_cli_info(o.info);
        p2p_cli_options_free(&o);
        return irc;
    }

    int rc = P2P_EXIT_OK;
    p2p_diag d;
    p2p_input *inputs = NULL;
    p2p_profile *p1 = NULL, *p2 = NULL;
    p2p_graph *g = NULL;
    char *dot = NULL, *pic = NULL;
    size_t ninputs = o.ninputs;

    const char *type = output_type(&o);
    bool want_dot = strcmp(type, "dot") == 0 || strcmp(type, "gv") == 0;
    output_is_dot = want_dot;
    bool want_html = strcmp(type, "html") == 0; /* HTML view: an SVG in a page */
    if (!want_dot && !want_html && !p2p_render_supported(type)) {
        snprintf(err, sizeof err, "-T: unknown output format '%s' (expected dot, gv, png, svg, html, pdf, ps, eps, jpg, gif, xdot, json or plain)", type);
        rc = usage(err);
        goto out;
    }
    const p2p_format *fmt = NULL;
    if (o.format && !(fmt = p2p_format_find(o.format))) {
        snprintf(err, sizeof err, "invalid format '%s' (expected %s)", o.format, format_names());
        rc = usage(err);
        goto out;
    }
    p2p_theme theme;
    if (load_theme(o.theme ? o.theme : o.colormap, o.theme != NULL, &theme, &d)) {
        rc = report(&d);
        goto out;
    }
    if (p2p_theme_set_skew(&theme, o.skew) < 0) {
        rc = usage("--skew: expected a finite number >= 0");
        goto out;
    }
    if (ninputs == 0) {
        rc = usage("no input file given (see --help)");
        goto out;
    }
    if (o.compare && ninputs != 2) {
        /* gprof2dot compares the first two files of some formats and the
         * last two of others; which two is not a guess to make silently. */
        rc = usage("--compare needs two input files, exactly");
        goto out;
    }
    if (o.thread) {
        /* a bad --thread is a usage error for every format, before any
         * input is read (the parsers that name threads compile it again) */
        regex_t re;
        int rrc = regcomp(&re, o.thread, REG_EXTENDED | REG_NOSUB);
        if (rrc) {
            char why[200];
            regerror(rrc, &re, why, sizeof why);
            snprintf(err, sizeof err, "--thread: invalid regular expression '%s': %s", o.thread, why);
            rc = usage(err);
            goto out;
        }
        regfree(&re);
    }
    if (o.compare && o.list_threads) {
        rc = usage("--list-threads does not work with --compare");
        goto out;
    }
    if (o.compare && o.max_nodes) {
        rc = usage("--max-nodes does not work with --compare");
        goto out;
    }
    if ((rc = p2p_cli_stats_check(&o)))
        goto out;

    inputs = calloc(ninputs, sizeof *inputs);
    if (!inputs) {
        rc = usage("out of memory");
        goto out;
    }
    quiet = o.quiet;
    bool show_progress = !o.quiet && isatty(STDERR_FILENO);
    if ((rc = read_inputs(&o, inputs, show_progress)))
        goto out;
    if (!fmt) {
        /* every input is sniffed: merged inputs must agree */
        for (size_t i = 0; i < ninputs; i++) {
            const p2p_format *f;
            p2p_diag_init(&d, inputs[i].name);
            if (p2p_detect(&inputs[i], &f, &d)) {
                rc = report(&d);
                goto out;
            }
            if (fmt && f != fmt) {
                fprintf(stderr, "prof2png: %s: this input looks like %s, but %s looks like %s; give the format with -f\n",
                        inputs[i].name, f->name, inputs[0].name, fmt->name);
                rc = P2P_EXIT_INPUT;
                goto out;
            }
            fmt = f;
        }
    }
    if (ninputs > 1 && !fmt->multiple_inputs && !o.compare) {
        rc = usage("incorrect number of arguments: this format reads one input");
        goto out;
    }

    if (o.compare) {
        /* as gprof2dot: the last two inputs */
        if ((rc = load_two(&o, fmt, &inputs[ninputs - 2], &inputs[ninputs - 1], &p1, &p2, &d))) {
            rc = report(&d);
            goto out;
        }
        /* --list-functions: the first profile, the one drawn (gprof2dot
         * crashes on this combination) */
        if (o.list_functions && o.list_functions[0]) {
            rc = p2p_cli_list_functions(p1, &o, fmt->name, inputs[ninputs - 2].name);
            goto out;
        }
        if ((rc = filter_names(p1, &o, inputs[ninputs - 2].name)) ||
            (rc = filter_names(p2, &o, inputs[ninputs - 1].name)) ||
            (rc = p2p_cli_prune(p1, &o, P2P_CLI_COMPARE_FIRST, inputs[ninputs - 2].name)) ||
            (rc = p2p_cli_prune(p2, &o, P2P_CLI_COMPARE_SECOND, inputs[ninputs - 1].name)))
            goto out;
        if (!quiet)
            p2p_cli_note_added(p1, p2, inputs[ninputs - 1].name);
    } else {
        warn_sink w[2] = {{0}, {0}};
        p2p_thread_list threads = {0};
        int lrc = load_profile(&o, fmt, inputs, ninputs, &p1, &d, w, &threads);
        /* --list-threads: the threads and their totals, instead of a graph */
        if (!lrc && o.list_threads)
            rc = p2p_cli_list_threads(p1, &threads);
        p2p_thread_list_free(&threads);
        if (lrc) {
            rc = report(&d);
            goto out;
        }
        if (o.list_threads)
            goto out;
        /* --list-functions lists before the thresholds (gprof2dot: after),
         * and exits before any output file is made */
        if (o.list_functions && o.list_functions[0]) {
            rc = p2p_cli_list_functions(p1, &o, fmt->name, ninputs == 1 ? inputs[0].name : NULL);
            goto out;
        }
        /* --stats, --callers, --callees: text reports instead of a graph */
        if (p2p_cli_stats_wanted(&o)) {
            rc = p2p_cli_stats(p1, &o, ninputs == 1 ? inputs[0].name : NULL);
            goto out;
        }
        if ((rc = filter_names(p1, &o, ninputs == 1 ? inputs[0].name : NULL)) ||
            (rc = p2p_cli_prune(p1, &o, P2P_CLI_SINGLE, ninputs == 1 ? inputs[0].name : NULL)))
            goto out;
    }

    p2p_label_opts lo = {o.strip, o.wrap, o.n_node_events ? o.node_events : NULL, o.n_node_events,
                         o.show_samples, o.time_format};
    p2p_diag_init(&d, NULL);
    if (o.compare) {
        p2p_compare_opts co = {o.compare_tolerance, o.compare_only_slower, o.compare_only_faster,
                               o.compare_color_by_difference};
        if (p2p_graph_compare(p1, p2, &theme, &lo, &co, &g, &d)) {
            rc = report(&d);
            goto out;
        }
    } else if (p2p_graph_build(p1, &theme, &lo, &g, &d)) {
        rc = report(&d);
        goto out;
    }

    /* issue 9: rich tooltips in every rendered picture, in DOT only when
     * asked (DOT stays gprof2dot's); links, title and legend when asked */
    char total[128];
    p2p_profile_total_text(p1, total, sizeof total);
    p2p_annotate_opts ao = {.tooltips = !want_dot || o.tooltips, .href = o.href, .time_format = o.time_format};
    p2p_legend_opts leg = {.title = o.title, .legend = o.legend, .total = total,
                           .node_thres = o.node_thres, .edge_thres = o.edge_thres};
    if (o.compare && o.compare_color_by_difference)
        leg.scale = "colour: size of the difference between the profiles";
    else if (o.color_nodes_by_selftime)
        leg.scale = "colour: share of the total time spent in the function itself";
    /* HTML view: the page shows the title and legend, not the picture */
    p2p_legend_opts page_leg = leg;
    if (want_html)
        leg.title = NULL, leg.legend = false;
    if (p2p_graph_annotate(g, p1, &ao, &d) || p2p_graph_legend(g, &theme, &leg, &d)) {
        rc = report(&d);
        goto out;
    }

    size_t dotlen;
    if (p2p_dot_write(g, &dot, &dotlen)) {
        rc = usage("out of memory writing DOT");
        goto out;
    }
    const char *data = dot;
    size_t len = dotlen;
    if (!want_dot) {
        p2p_diag_init(&d, o.output);
        p2p_render_opts ro = {.dpi = o.dpi, .max_pixels = o.max_pixels};
        p2p_render_info ri;
        if (p2p_render_with(dot, dotlen, want_html ? "svg" : type, &ro, &ri, &pic, &len, &d)) {
            rc = report(&d);
            goto out;
        }
        if (!quiet && ri.dpi < ri.full_dpi)
            fprintf(stderr,
                    "prof2png: note: the picture would be %" PRIu32 "x%" PRIu32 " pixels at %.0f dpi; drawn at "
                    "%.1f dpi, %" PRIu32 "x%" PRIu32 ", to stay within --max-pixels %llu (0: no bound; SVG "
                    "or --max-nodes keep the text large)\n",
                    ri.full_width, ri.full_height, ri.full_dpi, ri.dpi, ri.width, ri.height, o.max_pixels);
        /* PNG: prof2png's metadata in tEXt chunks (--info reads them) */
        if (strcmp(type, "png") == 0 && (rc = p2p_cli_png_meta(&o, total, &pic, &len)))
            goto out;
        /* HTML view: the SVG in the page (src/output/html.c) */
        if (want_html && (rc = p2p_cli_html(&o, &theme, &page_leg, &pic, &len)))
            goto out;
        data = pic;
    }
    if (o.output && strcmp(o.output, "-") != 0) {
        p2p_diag_init(&d, o.output);
        if (p2p_write_file_atomic(o.output, data, len, &d))
            rc = report(&d);
    } else {
        rc = write_stdout(data, len);
    }

out:
    free(pic);
    free(dot);
    p2p_graph_free(g);
    p2p_profile_free(p1);
    p2p_profile_free(p2);
    if (inputs)
        for (size_t i = 0; i < ninputs; i++)
            p2p_input_release(&inputs[i]);
    free(inputs);
    p2p_cli_options_free(&o);
    return rc;
}
