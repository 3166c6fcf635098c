/* prof2png command line parsing: gprof2dot's option names, plus ours. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jobs.h"
#include "options.h"

enum {
    OPT_SKEW = 256,
    OPT_SELFTIME,
    OPT_SHOW_SAMPLES,
    OPT_NODE_LABEL,
    OPT_TIME_FORMAT,
    OPT_DEPTH,
    OPT_COMPARE,
    OPT_COMPARE_TOL,
    OPT_COMPARE_SLOWER,
    OPT_COMPARE_FASTER,
    OPT_COMPARE_BYDIFF,
    OPT_VERSION,
    OPT_EVENT,
    OPT_LIST_FUNCTIONS,
    OPT_TOTAL,
    OPT_STATS,
    OPT_SORT,
    OPT_LIMIT,
    OPT_FILTER,
    OPT_CALLERS,
    OPT_CALLEES,
    OPT_HIDE,
    OPT_FOCUS,
    OPT_IGNORE,
    /* pictures for documentation, --theme, --info (issue 9) */
    OPT_TOOLTIPS,
    OPT_HREF,
    OPT_TITLE,
    OPT_LEGEND,
    OPT_THEME,
    OPT_INFO,
    OPT_MAX_NODES, /* issue 8 */
    OPT_JOBS,
    OPT_DPI,
    OPT_MAX_PIXELS,
    OPT_THREAD,
    OPT_LIST_THREADS,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"type", required_argument, NULL, 'T'},
    {"format", required_argument, NULL, 'f'},
    {"event", required_argument, NULL, OPT_EVENT},
    {"thread", required_argument, NULL, OPT_THREAD},
    {"list-threads", no_argument, NULL, OPT_LIST_THREADS},
    {"list-functions", required_argument, NULL, OPT_LIST_FUNCTIONS},
    {"total", required_argument, NULL, OPT_TOTAL},
    {"stats", no_argument, NULL, OPT_STATS},
    {"sort", required_argument, NULL, OPT_SORT},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"callers", required_argument, NULL, OPT_CALLERS},
    {"callees", required_argument, NULL, OPT_CALLEES},
    {"hide", required_argument, NULL, OPT_HIDE},
    {"focus", required_argument, NULL, OPT_FOCUS},
    {"ignore", required_argument, NULL, OPT_IGNORE},
    {"quiet", no_argument, NULL, 'q'},
    {"node-thres", required_argument, NULL, 'n'},
    {"edge-thres", required_argument, NULL, 'e'},
    {"colormap", required_argument, NULL, 'c'},
    {"colourmap", required_argument, NULL, 'c'},
    {"strip", no_argument, NULL, 's'},
    {"wrap", no_argument, NULL, 'w'},
    {"skew", required_argument, NULL, OPT_SKEW},
    {"color-nodes-by-selftime", no_argument, NULL, OPT_SELFTIME},
    {"colour-nodes-by-selftime", no_argument, NULL, OPT_SELFTIME},
    {"show-samples", no_argument, NULL, OPT_SHOW_SAMPLES},
    {"node-label", required_argument, NULL, OPT_NODE_LABEL},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"root", required_argument, NULL, 'z'},
    {"leaf", required_argument, NULL, 'l'},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"dpi", required_argument, NULL, OPT_DPI},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"path", required_argument, NULL, 'p'},
    {"compare", no_argument, NULL, OPT_COMPARE},
    {"compare-tolerance", required_argument, NULL, OPT_COMPARE_TOL},
    {"compare-only-slower", no_argument, NULL, OPT_COMPARE_SLOWER},
    {"compare-only-faster", no_argument, NULL, OPT_COMPARE_FASTER},
    {"compare-color-by-difference", no_argument, NULL, OPT_COMPARE_BYDIFF},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"tooltips", no_argument, NULL, OPT_TOOLTIPS},
    {"href", required_argument, NULL, OPT_HREF},
    {"title", required_argument, NULL, OPT_TITLE},
    {"legend", no_argument, NULL, OPT_LEGEND},
    {"theme", required_argument, NULL, OPT_THEME},
    {"info", required_argument, NULL, OPT_INFO},
    {NULL, 0, NULL, 0},
};

void p2p_cli_usage(FILE *fp)
{
    char names[512] = "";
    size_t n;
    const p2p_format *f = p2p_formats(&n);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(names, ", ", sizeof names - strlen(names) - 1);
        strncat(names, f[i].name, sizeof names - strlen(names) - 1);
        if (f[i].alias) {
            strncat(names, " (or ", sizeof names - strlen(names) - 1);
            strncat(names, f[i].alias, sizeof names - strlen(names) - 1);
            strncat(names, ")", sizeof names - strlen(names) - 1);
        }
    }
    fprintf(
        fp, "usage: prof2png [options] [INPUT] ...\n"
        "\n"
        "Turn profiler output into a call graph: DOT text, or a PNG/SVG/PDF picture\n"
        "rendered in process with Graphviz (no `dot` program needed).\n"
        "\n"
        "Input and output:\n"
        "  -f, --format FORMAT     input format: %s\n"
        "                          [default: detected from the first bytes of each\n"
        "                          input (a marshal dict, callgrind's headers, gprof's\n"
        "                          headings, perf script samples, a;b;c 12 lines, ...);\n"
        "                          an input that fits no format, or two, is an error\n"
        "                          naming the formats tried.  -f always wins]\n"
        "                          INPUT may be - (stdin), and gzip or zstd\n"
        "                          compressed (told by content, not by name)\n"
        "  -o, --output FILE       output file [default: DOT on stdout].  The format is\n"
        "                          taken from the extension: .png .svg .pdf .ps .jpg\n"
        "                          render a picture; .html (or .htm) the interactive\n"
        "                          view, one self-contained page; .dot, .gv and any\n"
        "                          other name get DOT.  The file is written whole or\n"
        "                          not at all.\n"
        "      --event NAME        callgrind: the event to graph (Ir, Dr, sysTime, ...)\n"
        "                          [default: the first event of the file]\n"
        "      --thread REGEX      keep the samples of the threads (or processes) whose\n"
        "                          label matches REGEX (POSIX extended, anywhere in the\n"
        "                          label); formats that name threads only.  A REGEX\n"
        "                          that matches no thread is an error [default: all]\n"
        "      --list-threads      list the threads of the input with their totals,\n"
        "                          instead of a graph (the labels --thread matches)\n"
        "                          [default: a graph]\n"
        "      --total METHOD      perf, collapse, dtrace, speedscope, trace: how total\n"
        "                          times are found: callratios (shared out along call\n"
        "                          ratios) or callstacks (the share of stacks a\n"
        "                          function is on) [default: callratios; callstacks\n"
        "                          for speedscope and trace]\n"
        "  -T, --type FMT          output format, overriding the extension: dot, gv,\n"
        "                          png, svg, html, pdf, ps, eps, jpg, gif, xdot, json,\n"
        "                          plain\n"
        "                          [default: from the extension of -o, else dot]\n"
        "      --max-pixels N      PNG, JPEG, GIF: draw at a lower dpi when the\n"
        "                          picture would have more than N pixels (width x\n"
        "                          height; k and M suffixes: 100M is 100 million)\n"
        "                          or a side over 32766; 0: no bound.  Text then\n"
        "                          shrinks with the picture: for a readable view of\n"
        "                          a big graph use SVG or --max-nodes.  DOT, SVG and\n"
        "                          PDF are not affected [default: 100M]\n"
        "      --dpi D             PNG, JPEG, GIF: dots per inch (within\n"
        "                          --max-pixels) [default: 96]\n"
        "\n"
        "Pruning:\n"
        "  -n, --node-thres PCT    drop nodes below this percentage of the total\n"
        "                          [default: 0.5]\n"
        "  -e, --edge-thres PCT    drop edges below this percentage [default: 0.1]\n"
        "  -z, --root GLOB         show only descendants of the matching function(s)\n"
        "                          [default: none]\n"
        "  -l, --leaf GLOB         show only ancestors of the matching function(s)\n"
        "                          [default: none].  A GLOB that selects nothing is\n"
        "                          an error that lists near matches, or says what\n"
        "                          pruned the functions it names\n"
        "      --depth N           with -z/-l: at most N calls away (shortest path)\n"
        "                          [default: -1, no limit]\n"
        "  -p, --path PATH         keep only functions whose file starts with PATH (or\n"
        "                          whose module contains it); repeatable\n"
        "                          [default: none, keep all]\n"
        "      --max-nodes N       after all the pruning above and below, keep only\n"
        "                          the N heaviest nodes (by the colour's weight:\n"
        "                          total time, or self time with\n"
        "                          --color-nodes-by-selftime; ties by id).  Kept\n"
        "                          nodes joined only through dropped ones get a\n"
        "                          dotted edge, without label, coloured by the\n"
        "                          widest path: the largest, over such paths, of\n"
        "                          the smallest edge percentage along it; at most\n"
        "                          10 leave a node, the heaviest.  Not with\n"
        "                          --compare [default: 0, no limit]\n"
        "      --list-functions SEL  print on stderr the functions -z/-l can select,\n"
        "                          and exit: + or * lists ID:<tab>NAME for all, GLOB\n"
        "                          the matching names, %%GLOB every attribute of them.\n"
        "                          Lists before -n/-e (gprof2dot: after), after -p\n"
        "                          and -z [default: none]\n"
        "\n"
        "Filtering by name (POSIX extended regular expressions, matched anywhere in\n"
        "a function's name; each repeatable, any pattern matching counts; applied\n"
        "--ignore, then --focus, then --hide, before -n/-e/-p/-z/-l; no node's\n"
        "numbers change: percentages stay shares of the whole profile):\n"
        "      --ignore REGEX      drop matching functions, and those only reachable\n"
        "                          through them [default: none]\n"
        "      --focus REGEX       keep only the paths through matching functions:\n"
        "                          their callers and callees, transitively; no match\n"
        "                          is an error [default: none]\n"
        "      --hide REGEX        drop matching functions and join their callers to\n"
        "                          their callees: a joined call X->Y through H gets\n"
        "                          T(X->H)/T(H) of H->Y's time, and no call count\n"
        "                          [default: none]\n"
        "\n"
        "Labels and colours:\n"
        "  -c, --colormap MAP      colour map: bw, color, gray, pink, print, or the path\n"
        "                          of a .theme file (also spelled --colourmap)\n"
        "                          [default: color]\n"
        "      --skew S            skew the colour curve; < 1 gives more variety to low\n"
        "                          percentages, > 1 less [default: 1.0]\n"
        "  -s, --strip             strip C++ parameters, templates and const\n"
        "                          [default: off]\n"
        "  -w, --wrap              wrap long function names [default: off]\n"
        "      --node-label M      what nodes show, repeatable: total-time-percentage,\n"
        "                          self-time-percentage, total-time, self-time\n"
        "                          [default: total-time-percentage, self-time-percentage]\n"
        "      --show-samples      also show sample counts [default: off]\n"
        "      --time-format FMT   printf format of times (e, f or g conversions)\n"
        "                          [default: %%.7g]\n"
        "      --color-nodes-by-selftime  colour nodes by self time, not total time\n"
        "                          (also spelled --colour-nodes-by-selftime)\n"
        "                          [default: off]\n"
        "\n"
        "Comparing two profiles:\n"
        "      --compare           draw the first profile annotated with its differences\n"
        "                          from the second: prof2png --compare A B (any\n"
        "                          format) [default: off].  A function of A that B\n"
        "                          lacks is framed \"removed\" (\"pruned in profile 2\"\n"
        "                          when B has it below the thresholds); functions\n"
        "                          only in B are not drawn and are listed on stderr\n"
        "      --compare-tolerance PCT  smaller differences count as none [default: 0.001]\n"
        "      --compare-only-slower    mark only functions slower in the second profile\n"
        "                          [default: off]\n"
        "      --compare-only-faster    mark only functions faster in the second profile\n"
        "                          [default: off]\n"
        "      --compare-color-by-difference  colour nodes by the size of the difference\n"
        "                          [default: off]\n"
        "\n"
        "Text reports, as Python's pstats prints them (instead of a graph):\n"
        "      --stats             the print_stats() table, for any format; byte for\n"
        "                          byte Python's for pstats input, less the date line\n"
        "                          [default: off]\n"
        "      --sort KEY[,KEY...] sort_stats() keys: calls, cumulative, file, line,\n"
        "                          name, nfl, pcalls, stdname, time, the aliases\n"
        "                          ncalls, cumtime, filename, module, tottime, or a\n"
        "                          unique prefix [default: none, the file's order]\n"
        "      --limit N|FRACTION  keep the first N lines, or a fraction of them when\n"
        "                          written with a '.' (0.1: a tenth); repeatable,\n"
        "                          applied in order with --filter [default: all]\n"
        "      --filter REGEX      keep the names that a POSIX extended regular\n"
        "                          expression matches anywhere (Python's re.search;\n"
        "                          no \\d, \\w, lazy or look-around) [default: none]\n"
        "      --callers REGEX     print_callers(REGEX): the callers of the matching\n"
        "                          functions, after --stats [default: none]\n"
        "      --callees REGEX     print_callees(REGEX): what they call [default: none]\n"
        "                          Reports go to -o FILE (any name) or stdout; -z, -l\n"
        "                          and -p shorten them, -n and -e do not apply\n"
        "\n"
        "Pictures for documentation (not in gprof2dot):\n"
        "      --tooltips          rich tooltips in DOT output too: full name, file\n"
        "                          and line, total and self time and share, calls.\n"
        "                          Rendered pictures (-T svg, png, ...) always have\n"
        "                          them; DOT stays gprof2dot's unless asked\n"
        "                          [default: off]\n"
        "      --href TEMPLATE     make nodes links: {file} {line} {name} {module} are\n"
        "                          replaced, percent-encoded ('/' kept in {file}), e.g.\n"
        "                          'https://example.org/src/{file}#L{line}'; nodes\n"
        "                          with no file get no link.  Only http:, https:,\n"
        "                          file: and relative links [default: none]\n"
        "      --title TEXT        draw a title at the top [default: none]\n"
        "      --legend            draw the colour scale, the profile's total and\n"
        "                          the thresholds in force [default: off]\n"
        "      --theme FILE        load a colour map from a .theme file, in the\n"
        "                          format of the built-in ones (themes/*.theme)\n"
        "                          [default: none, see -c]\n"
        "      --info FILE.png     print the metadata prof2png wrote into a PNG\n"
        "                          (version, command line, inputs, total), and exit\n"
        "                          [default: none]\n"
        "\n"
        "  -q, --quiet             no progress line, warnings or notes on stderr;\n"
        "                          errors still print [default: off; the progress\n"
        "                          line shows for inputs over 50 MB when stderr is\n"
        "                          a terminal]\n"
        "      --jobs N            threads for work that splits: reading and\n"
        "                          decompressing several inputs, parsing the two\n"
        "                          profiles of --compare; 1: no threads [default:\n"
        "                          the number of processors]\n"
        "  -h, --help              show this help and exit\n"
        "      --version           show the version and exit\n"
        "\n"
        "Several pstats inputs are merged, as pstats.Stats(a, b, ...) merges them.\n"
        "\n"
        "Exit status: 0 success; 1 bad or unreadable input (including a format that\n"
        "cannot be detected, a truncated or corrupt .gz/.zst, or one decompressing\n"
        "to more than 8 GiB, and a --focus that matches nothing), or an output that\n"
        "cannot be written (no output file is left behind); 2 bad command line\n"
        "(including an invalid REGEX).\n",
        names);
}

static int usage_error(char *err, size_t n, const char *fmt, const char *arg)
{
    snprintf(err, n, fmt, arg);
    return -1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || errno == ERANGE || isnan(v))
        return -1;
    *out = v;
    return 0;
}

/* A time format must hold exactly one floating conversion (e, f, g, a in
 * either case) and otherwise only literal text and %%: anything else would
 * make printf read an argument that is not there. */
static int valid_time_format(const char *s)
{
    int conversions = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (!*p || !strchr("eEfFgGaA", *p))
            return 0;
        conversions++;
    }
    return conversions == 1;
}

/* Append arg to a growable list of option values. */
static int push(const char ***list, size_t *n, const char *arg)
{
    const char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *list = grown;
    grown[(*n)++] = arg;
    return 0;
}

static const struct {
    const char *name;
    p2p_event event;
} node_labels[] = {
    {"self-time", P2P_TIME},
    {"self-time-percentage", P2P_TIME_RATIO},
    {"total-time", P2P_TOTAL_TIME},
    {"total-time-percentage", P2P_TOTAL_TIME_RATIO},
};

int p2p_cli_parse(int argc, char **argv, p2p_cli_options *o, char *err, size_t errsize)
{
    memset(o, 0, sizeof *o);
    o->node_thres = 0.5;
    o->edge_thres = 0.1;
    o->colormap = "color";
    o->skew = 1.0;
    o->depth = -1;
    o->jobs = p2p_cli_jobs_default();
    o->compare_tolerance = 0.001;
    o->max_pixels = P2P_RENDER_MAX_PIXELS;
    /* the command line as given, for the PNG metadata (getopt_long
     * reorders argv) */
    o->argv = malloc(((size_t)argc + 1) * sizeof *o->argv);
    if (!o->argv)
        return usage_error(err, errsize, "%s", "out of memory");
    memcpy(o->argv, argv, (size_t)argc * sizeof *argv);
    o->argv[argc] = NULL;
    o->argc = argc;

    optind = 1;
    opterr = 0;
    int c, longindex;
    while ((c = getopt_long(argc, argv, ":o:T:f:n:e:c:swz:l:p:qh", long_options, &longindex)) != -1) {
        const char *arg = optarg;
        switch (c) {
        case 'o': o->output = arg; break;
        case 'T': o->type = arg; break;
        case 'f': o->format = arg; break;
        case OPT_EVENT: o->event = arg; break;
        case OPT_THREAD: o->thread = arg; break;
        case OPT_LIST_THREADS: o->list_threads = true; break;
        case OPT_LIST_FUNCTIONS: o->list_functions = arg; break;
        case OPT_TOTAL:
            if (strcmp(arg, "callratios") != 0 && strcmp(arg, "callstacks") != 0)
                return usage_error(err, errsize, "--total: expected callratios or callstacks, found '%s'", arg);
            o->total_callstacks = strcmp(arg, "callstacks") == 0;
            o->total_callratios = !o->total_callstacks;
            break;
        case OPT_STATS: o->stats = true; break;
        case OPT_SORT: o->sort = arg; break;
        case OPT_CALLERS: o->callers = arg; break;
        case OPT_CALLEES: o->callees = arg; break;
        case OPT_LIMIT:
        case OPT_FILTER: {
            p2p_restriction *n = realloc(o->restrictions, (o->nrestrictions + 1) * sizeof *n);
            if (!n)
                return usage_error(err, errsize, "%s", "out of memory");
            o->restrictions = n;
            n += o->nrestrictions;
            if (c == OPT_FILTER) {
                memset(n, 0, sizeof *n);
                n->kind = P2P_RESTRICT_REGEX;
                n->regex = arg;
            } else if (p2p_restriction_parse_limit(arg, n, NULL) < 0) {
                return usage_error(err, errsize,
                                   "--limit: expected a count (an integer) or a fraction (a number with a "
                                   "'.', such as 0.1), found '%s'",
                                   arg);
            }
            o->nrestrictions++;
            break;
        }
        case 'n':
            if (parse_double(arg, &o->node_thres) < 0)
                return usage_error(err, errsize, "-n/--node-thres: expected a percentage, found '%s'", arg);
            break;
        case 'e':
            if (parse_double(arg, &o->edge_thres) < 0)
                return usage_error(err, errsize, "-e/--edge-thres: expected a percentage, found '%s'", arg);
            break;
        case 'c': o->colormap = arg; break;
        case 's': o->strip = true; break;
        case 'w': o->wrap = true; break;
        case OPT_SKEW:
            if (parse_double(arg, &o->skew) < 0 || o->skew < 0 || !isfinite(o->skew))
                return usage_error(err, errsize, "--skew: expected a finite number >= 0, found '%s'", arg);
            break;
        case OPT_SELFTIME: o->color_nodes_by_selftime = true; break;
        case OPT_SHOW_SAMPLES: o->show_samples = true; break;
        case OPT_NODE_LABEL: {
            size_t k;
            for (k = 0; k < sizeof node_labels / sizeof node_labels[0]; k++)
                if (strcmp(node_labels[k].name, arg) == 0)
                    break;
            if (k == sizeof node_labels / sizeof node_labels[0])
                return usage_error(err, errsize,
                                   "--node-label: expected self-time, self-time-percentage, total-time or "
                                   "total-time-percentage, found '%s'",
                                   arg);
            if (o->n_node_events == P2P_MAX_NODE_LABELS)
                return usage_error(err, errsize, "--node-label: too many (%s)", "at most 32");
            o->node_events[o->n_node_events++] = node_labels[k].event;
            break;
        }
        case OPT_TIME_FORMAT:
            if (!valid_time_format(arg))
                return usage_error(err, errsize,
                                   "--time-format: expected a printf format with one e, f or g conversion, "
                                   "found '%s'",
                                   arg);
            o->time_format = arg;
            break;
        case 'z': o->root = arg; break;
        case 'l': o->leaf = arg; break;
        case OPT_DEPTH: {
            char *end;
            errno = 0;
            long v = strtol(arg, &end, 10);
            if (end == arg || *end || errno || v < -1 || v > 1000000000L)
                return usage_error(err, errsize, "--depth: expected an integer >= -1, found '%s'", arg);
            o->depth = (int)v;
            break;
        }
        case OPT_MAX_NODES: {
            char *end;
            errno = 0;
            long v = strtol(arg, &end, 10);
            if (end == arg || *end || errno || v < 0 || v > 1000000000L)
                return usage_error(err, errsize, "--max-nodes: expected an integer >= 0, found '%s'", arg);
            o->max_nodes = (size_t)v;
            break;
        }
        case OPT_JOBS: {
            char *end;
            errno = 0;
            long v = strtol(arg, &end, 10);
            if (end == arg || *end || errno || v < 1 || v > 64)
                return usage_error(err, errsize, "--jobs: expected an integer from 1 to 64, found '%s'", arg);
            o->jobs = (int)v;
            break;
        }
        case OPT_DPI: {
            double v;
            if (parse_double(arg, &v) || !(v >= 1 && v <= 10000))
                return usage_error(err, errsize, "--dpi: expected a number from 1 to 10000, found '%s'", arg);
            o->dpi = v;
            break;
        }
        case OPT_MAX_PIXELS: {
            /* N, or N followed by k (thousands) or M (millions) */
            char *end;
            errno = 0;
            unsigned long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
            unsigned long long unit = 1;
            if (arg[0] >= '0' && arg[0] <= '9' && (*end == 'k' || *end == 'M'))
                unit = *end++ == 'k' ? 1000 : 1000000;
            if (arg[0] < '0' || arg[0] > '9' || *end || errno || v > 1000000000000ULL / unit ||
                (v && v * unit < 10000))
                return usage_error(err, errsize,
                                   "--max-pixels: expected 0 or a number of pixels >= 10000 (k and M "
                                   "suffixes allowed), found '%s'",
                                   arg);
            o->max_pixels = v * unit;
            break;
        }
        case 'p':
            if (push(&o->paths, &o->npaths, arg) < 0)
                return usage_error(err, errsize, "%s", "out of memory");
            break;
        case OPT_HIDE:
        case OPT_FOCUS:
        case OPT_IGNORE: {
            const char ***list = c == OPT_HIDE ? &o->hide : c == OPT_FOCUS ? &o->focus : &o->ignore;
            size_t *n = c == OPT_HIDE ? &o->nhide : c == OPT_FOCUS ? &o->nfocus : &o->nignore;
            if (push(list, n, arg) < 0)
                return usage_error(err, errsize, "%s", "out of memory");
            break;
        }
        case 'q': o->quiet = true; break;
        case OPT_COMPARE: o->compare = true; break;
        case OPT_COMPARE_TOL:
            if (parse_double(arg, &o->compare_tolerance) < 0 || o->compare_tolerance <= 0)
                return usage_error(err, errsize, "--compare-tolerance: expected a percentage > 0, found '%s'", arg);
            break;
        case OPT_COMPARE_SLOWER: o->compare_only_slower = true; break;
        case OPT_COMPARE_FASTER: o->compare_only_faster = true; break;
        case OPT_COMPARE_BYDIFF: o->compare_color_by_difference = true; break;
        case 'h': p2p_cli_usage(stdout); return 1;
        case OPT_VERSION: p2p_cli_version(stdout); return 1;
        case OPT_TOOLTIPS: o->tooltips = true; break;
        case OPT_HREF:
            if (p2p_href_check(arg, err, errsize) < 0) {
                char msg[256];
                snprintf(msg, sizeof msg, "%s", err);
                snprintf(err, errsize, "--href: %s", msg);
                return -1;
            }
            o->href = arg;
            break;
        case OPT_TITLE: o->title = arg; break;
        case OPT_LEGEND: o->legend = true; break;
        case OPT_THEME: o->theme = arg; break;
        case OPT_INFO: o->info = arg; break;
        case ':':
            if (optopt)
                snprintf(err, errsize, "option -%c needs an argument", optopt);
            else
                snprintf(err, errsize, "option %s needs an argument", argv[optind - 1]);
            return -1;
        default:
            if (optopt)
                snprintf(err, errsize, "unknown option -%c (see --help)", optopt);
            else
                snprintf(err, errsize, "unknown or ambiguous option %s (see --help)", argv[optind - 1]);
            return -1;
        }
    }
    o->inputs = argv + optind;
    o->ninputs = (size_t)(argc - optind);
    return 0;
}

void p2p_cli_options_free(p2p_cli_options *o)
{
    free(o->paths);
    o->paths = NULL;
    free(o->hide);
    free(o->focus);
    free(o->ignore);
    o->hide = o->focus = o->ignore = NULL;
    free(o->restrictions);
    o->restrictions = NULL;
    free(o->argv);
    o->argv = NULL;
}
