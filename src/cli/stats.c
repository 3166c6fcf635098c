/* prof2png CLI: the pstats text reports (stats.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"
#include "stats.h"

bool p2p_cli_stats_wanted(const p2p_cli_options *o)
{
    return o->stats || o->callers || o->callees;
}

static void fill_opts(const p2p_cli_options *o, p2p_stats_opts *so)
{
    memset(so, 0, sizeof *so);
    so->sort = o->sort;
    so->restrictions = o->restrictions;
    so->nrestrictions = o->nrestrictions;
    so->print_stats = o->stats;
    so->callers = o->callers;
    so->callees = o->callees;
}

int p2p_cli_stats_check(const p2p_cli_options *o)
{
    if (!p2p_cli_stats_wanted(o)) {
        if (o->sort || o->nrestrictions) {
            fprintf(stderr, "prof2png: --sort, --limit and --filter need --stats, --callers or --callees\n");
            return P2P_EXIT_USAGE;
        }
        return P2P_EXIT_OK;
    }
    if (o->compare) {
        fprintf(stderr, "prof2png: --stats, --callers and --callees do not work with --compare\n");
        return P2P_EXIT_USAGE;
    }
    p2p_stats_opts so;
    fill_opts(o, &so);
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    if (p2p_stats_check(&so, &d)) {
        fprintf(stderr, "prof2png: %s\n", d.msg);
        return P2P_EXIT_USAGE;
    }
    return P2P_EXIT_OK;
}

/* "-z 'main', -p 'src/'": the graph filters, for "List reduced" lines
 * ("" when none is given). */
static char *filters_text(const p2p_cli_options *o)
{
    size_t n = 64;
    for (size_t i = 0; i < o->npaths; i++)
        n += strlen(o->paths[i]) + 8;
    n += (o->root ? strlen(o->root) : 0) + (o->leaf ? strlen(o->leaf) : 0) + 64;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < o->npaths; i++)
        len += (size_t)snprintf(s + len, n - len, "%s-p '%s'", len ? ", " : "", o->paths[i]);
    if (o->root)
        len += (size_t)snprintf(s + len, n - len, "%s-z '%s'", len ? ", " : "", o->root);
    if (o->leaf)
        len += (size_t)snprintf(s + len, n - len, "%s-l '%s'", len ? ", " : "", o->leaf);
    if ((o->root || o->leaf) && o->depth >= 0)
        snprintf(s + len, n - len, " --depth %d", o->depth);
    return s;
}

int p2p_cli_stats(p2p_profile *p, const p2p_cli_options *o, const char *file)
{
    int rc = P2P_EXIT_OK;
    char *filtered = NULL, *text = NULL;
    size_t len = 0;
    /* the graph's filters, without its thresholds (which remove nothing
     * at 0): a table lists every function the filters keep */
    p2p_cli_options fo = *o;
    fo.node_thres = 0.0;
    fo.edge_thres = 0.0;
    if ((rc = p2p_cli_prune(p, &fo, P2P_CLI_SINGLE, file)))
        return rc;
    if (!(filtered = filters_text(o))) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    p2p_stats_opts so;
    fill_opts(o, &so);
    so.filtered_by = filtered[0] ? filtered : NULL; /* NULL: "graph filters" */
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    if (p2p_stats_report(p, &so, &text, &len, &d)) {
        fprintf(stderr, "prof2png: %s\n", d.msg);
        rc = d.code == P2P_EUSAGE ? P2P_EXIT_USAGE : P2P_EXIT_INPUT;
        goto out;
    }
    if (o->output && strcmp(o->output, "-") != 0) {
        p2p_diag_init(&d, o->output);
        if (p2p_write_file_atomic(o->output, text, len, &d)) {
            char line[1024];
            fprintf(stderr, "prof2png: %s\n", p2p_diag_format(&d, line, sizeof line));
            rc = P2P_EXIT_INPUT;
        }
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "prof2png: cannot write to standard output: %s\n", strerror(errno));
        rc = P2P_EXIT_INPUT;
    }
out:
    free(text);
    free(filtered);
    return rc;
}
