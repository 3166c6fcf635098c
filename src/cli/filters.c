/* prof2png CLI: the pruning steps and --list-functions (filters.h).
 *
 * Each function keeps a note of the step that removed it (the thresholds,
 * -p, -z), so that a -z or -l glob that selects nothing can say why: no name
 * matches it (then up to 5 near matches are listed), or every function it
 * names was pruned.  The first words stay gprof2dot's ("root node X not
 * found", "leaf node X not found") for scripts that look for them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"

#define MAX_SHOWN 5

/* What removed a function. */
enum fate {
    LIVE = 0,
    GONE,      /* removed before any step (not in the profile as drawn) */
    THRESHOLD, /* -n */
    PATH,      /* -p */
    ROOT,      /* -z */
    LEAF       /* -l */
};

typedef struct fates {
    unsigned char *why;
    const p2p_cli_options *o;
    double node_thres; /* fraction used by the prune step */
} fates;

static int fates_init(fates *t, const p2p_profile *p, const p2p_cli_options *o)
{
    t->o = o;
    t->node_thres = o->node_thres / 100.0;
    t->why = malloc(p->nfunctions ? p->nfunctions : 1);
    if (!t->why)
        return -1;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        t->why[f] = p->functions[f].removed ? GONE : LIVE;
    return 0;
}

/* Give every function removed since the last note the fate `why`; for the
 * threshold step, a function kept by the -n test was removed by -p. */
static void fates_note(fates *t, const p2p_profile *p, enum fate why)
{
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const p2p_function *fn = &p->functions[f];
        if (t->why[f] != LIVE || !fn->removed)
            continue;
        if (why == THRESHOLD && !(fn->has_weight && fn->weight < t->node_thres))
            t->why[f] = PATH;
        else
            t->why[f] = (unsigned char)why;
    }
}

/* " (why it was removed)" for a function that is not live. */
static void print_fate(const p2p_profile *p, const fates *t, p2p_fid f)
{
    const p2p_function *fn = &p->functions[f];
    switch (t->why[f]) {
    case THRESHOLD:
        fprintf(stderr, " (pruned: total %.2f%% is below -n %g)", fn->weight * 100.0, t->o->node_thres);
        break;
    case PATH:
        fprintf(stderr, " (pruned: %s %s is not under -p)", fn->filename && fn->filename[0] ? "file" : "module",
                fn->filename && fn->filename[0] ? fn->filename : fn->module);
        break;
    case ROOT:
        if (t->o->depth >= 0)
            fprintf(stderr, " (pruned: not within --depth %d of -z %s)", t->o->depth, t->o->root);
        else
            fprintf(stderr, " (pruned: not called from -z %s)", t->o->root);
        break;
    default:
        break;
    }
}

static const char *where(p2p_cli_role role)
{
    return role == P2P_CLI_COMPARE_FIRST ? " in the first profile" : "";
}

/* The message for a -z/-l glob that selects nothing; returns the exit
 * code. */
static int not_found(const p2p_profile *p, const fates *t, const char *what, const char *pattern,
                     p2p_cli_role role, const char *file)
{
    size_t nall = p->nfunctions;
    bool *exists = malloc(nall ? nall : 1);
    if (!exists) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        exists[f] = t->why[f] != GONE;
    p2p_fid *ids = NULL;
    size_t n = 0;
    if (p2p_match_functions(p, pattern, exists, &ids, &n) < 0) {
        free(exists);
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    const char *in = file ? " in " : "";
    if (n == 0) {
        p2p_fid near[MAX_SHOWN];
        size_t nn = 0;
        if (p2p_near_matches(p, pattern, exists, near, MAX_SHOWN, &nn) < 0)
            nn = 0;
        fprintf(stderr, "prof2png: %s node %s not found%s: no function name%s%s matches it", what, pattern,
                where(role), in, file ? file : "");
        if (!nn) {
            fprintf(stderr, ", and none is near it (try --list-functions '*')\n");
        } else {
            fprintf(stderr, "; near matches:\n");
            for (size_t i = 0; i < nn; i++) {
                fprintf(stderr, "    %s", p->functions[near[i]].name);
                print_fate(p, t, near[i]);
                fputc('\n', stderr);
            }
        }
    } else {
        bool thres = false, path = false, root = false;
        for (size_t i = 0; i < n; i++) {
            thres |= t->why[ids[i]] == THRESHOLD;
            path |= t->why[ids[i]] == PATH;
            root |= t->why[ids[i]] == ROOT;
        }
        fprintf(stderr, "prof2png: %s node %s not found%s: ", what, pattern, where(role));
        if (n == 1)
            fprintf(stderr, "the only function it matches was pruned:\n");
        else
            fprintf(stderr, "all %zu functions it matches were pruned:\n", n);
        for (size_t i = 0; i < n && i < MAX_SHOWN; i++) {
            fprintf(stderr, "    %s", p->functions[ids[i]].name);
            print_fate(p, t, ids[i]);
            fputc('\n', stderr);
        }
        if (n > MAX_SHOWN)
            fprintf(stderr, "    ... and %zu more\n", n - MAX_SHOWN);
        const char *hints[3];
        size_t nh = 0;
        if (thres)
            hints[nh++] = "a lower -n (-n0 -e0 keeps every function)";
        if (path)
            hints[nh++] = "a wider -p";
        if (root)
            hints[nh++] = t->o->depth >= 0 ? "another -z or a larger --depth" : "another -z";
        for (size_t i = 0; i < nh; i++)
            fprintf(stderr, "%s%s", i ? ", or " : "prof2png: try ", hints[i]);
        if (nh)
            fputc('\n', stderr);
    }
    free(ids);
    free(exists);
    return P2P_EXIT_INPUT;
}

/* -z or -l: select, then prune (or report). */
static int select_and_prune(p2p_profile *p, fates *t, const char *what, const char *pattern, int depth,
                            p2p_cli_role role, const char *file)
{
    p2p_fid *ids;
    size_t n;
    if (p2p_select_functions(p, pattern, &ids, &n) < 0) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    if (!n && role != P2P_CLI_COMPARE_SECOND)
        return not_found(p, t, what, pattern, role, file);
    int rc = what[0] == 'r' ? p2p_prune_root(p, ids, n, depth) : p2p_prune_leaf(p, ids, n, depth);
    free(ids);
    if (rc) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    fates_note(t, p, what[0] == 'r' ? ROOT : LEAF);
    return P2P_EXIT_OK;
}

/* Thresholds (or none: for the listing), -p, then -z. */
static int prune_to_root(p2p_profile *p, fates *t, const p2p_cli_options *o, bool thresholds, p2p_cli_role role,
                         const char *file)
{
    p2p_prune_opts po = {thresholds ? o->node_thres / 100.0 : -INFINITY,
                         thresholds ? o->edge_thres / 100.0 : -INFINITY, o->paths, o->npaths,
                         o->color_nodes_by_selftime};
    t->node_thres = po.node_thres;
    p2p_prune(p, &po);
    fates_note(t, p, THRESHOLD);
    if (o->root)
        return select_and_prune(p, t, "root", o->root, o->depth, role, file);
    return P2P_EXIT_OK;
}

int p2p_cli_prune(p2p_profile *p, const p2p_cli_options *o, p2p_cli_role role, const char *file)
{
    fates t;
    if (fates_init(&t, p, o) < 0) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    int rc = prune_to_root(p, &t, o, true, role, file);
    if (!rc && o->leaf)
        rc = select_and_prune(p, &t, "leaf", o->leaf, o->depth, role, file);
    /* --max-nodes last: the N heaviest of what the other steps left */
    if (!rc && o->max_nodes && p2p_max_nodes(p, o->max_nodes) < 0) {
        fprintf(stderr, "prof2png: out of memory\n");
        rc = P2P_EXIT_USAGE;
    }
    free(t.why);
    return rc;
}

int p2p_cli_list_functions(p2p_profile *p, const p2p_cli_options *o, const char *format, const char *file)
{
    fates t;
    if (fates_init(&t, p, o) < 0) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    int rc = prune_to_root(p, &t, o, false, P2P_CLI_SINGLE, file);
    free(t.why);
    if (rc)
        return rc;
    char *text;
    size_t len;
    if (p2p_list_functions(p, o->list_functions, format, &text, &len) < 0) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_USAGE;
    }
    bool ok = fwrite(text, 1, len, stderr) == len && fflush(stderr) == 0;
    free(text);
    return ok ? P2P_EXIT_OK : P2P_EXIT_INPUT;
}

/* Heaviest first, then in the order first seen. */
static int cmp_thread(const void *a, const void *b)
{
    const p2p_thread_info *x = *(const p2p_thread_info *const *)a, *y = *(const p2p_thread_info *const *)b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return x < y ? -1 : x > y;
}

int p2p_cli_list_threads(const p2p_profile *p, const p2p_thread_list *l)
{
    const p2p_thread_info **v = malloc((l->n ? l->n : 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "prof2png: out of memory\n");
        return P2P_EXIT_INPUT;
    }
    double all = 0;
    for (size_t i = 0; i < l->n; i++) {
        v[i] = &l->v[i];
        all += l->v[i].total;
    }
    qsort(v, l->n, sizeof *v, cmp_thread);
    printf("%16s %8s %12s  %s\n", "total", "share", "samples", "thread");
    for (size_t i = 0; i < l->n; i++) {
        char value[64];
        p2p_profile_value_text(p, v[i]->total, value, sizeof value);
        printf("%16s %7.2f%% %12llu  %s%s\n", value, all > 0 ? 100.0 * v[i]->total / all : 0.0,
               (unsigned long long)v[i]->samples, v[i]->label, v[i]->kept ? "" : "  (not kept by --thread)");
    }
    free(v);
    return fflush(stdout) == 0 && !ferror(stdout) ? P2P_EXIT_OK : P2P_EXIT_INPUT;
}

typedef struct ranked {
    double weight;
    const char *name;
    p2p_fid fid;
} ranked;

/* Heaviest first, then by name and index: the same order on every run. */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->fid > y->fid) - (x->fid < y->fid);
}

void p2p_cli_note_added(const p2p_profile *p1, const p2p_profile *p2, const char *file2)
{
    p2p_fid *ids;
    size_t n;
    if (p2p_functions_missing_from(p2, p1, &ids, &n) < 0 || !n)
        return;
    ranked *r = malloc(n * sizeof *r);
    if (r) {
        for (size_t i = 0; i < n; i++) {
            const p2p_function *f = &p2->functions[ids[i]];
            r[i] = (ranked){f->has_weight ? f->weight : 0.0, f->name, ids[i]};
        }
        qsort(r, n, sizeof *r, cmp_ranked);
        for (size_t i = 0; i < n; i++)
            ids[i] = r[i].fid;
        free(r);
    }
    fprintf(stderr,
            "prof2png: note: %zu function%s added in the second profile%s%s%s, not drawn (--compare draws "
            "the functions of the first; heaviest first):\n",
            n, n == 1 ? "" : "s", file2 ? " (" : "", file2 ? file2 : "", file2 ? ")" : "");
    for (size_t i = 0; i < n && i < MAX_SHOWN; i++)
        fprintf(stderr, "    %s\n", p2->functions[ids[i]].name);
    if (n > MAX_SHOWN)
        fprintf(stderr, "    ... and %zu more\n", n - MAX_SHOWN);
    free(ids);
}
