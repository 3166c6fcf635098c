/* prof2png: analysis of a parsed profile (SEMANTICS.md §2, §5, §7).
 *
 * Nothing here recurses to a depth the input decides: Tarjan, integration and
 * the root/leaf searches use explicit stacks and queues.
 */
#ifndef PROF2PNG_ANALYSE_H
#define PROF2PNG_ANALYSE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "parse.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* §5.1: find strongly connected components with more than one member and
 * record them as cycles (replacing none: the profile must have no cycles
 * yet).  Returns 0, P2P_ENOMEM, or P2P_EUSAGE when the profile already
 * has cycles. */
int p2p_find_cycles(p2p_profile *p, p2p_diag *d);

/* §5.2: set call.ratio from event `e` on every non-self call. */
int p2p_call_ratios(p2p_profile *p, p2p_event e, p2p_diag *d);

/* §5.3: integrate OUT from IN over functions, calls and cycles.  Returns 0,
 * P2P_ENOMEM, or P2P_EFORMAT when a function lacks IN. */
int p2p_integrate(p2p_profile *p, p2p_event out, p2p_event in, p2p_diag *d);

/* Run the derived-data recipe of a format (normalise, call ratios,
 * integrate, ...).  Returns 0 or a negative code with d filled. */
int p2p_derive_events(p2p_profile *p, p2p_derive recipe, p2p_diag *d);

typedef struct p2p_prune_opts {
    double node_thres;            /* fraction, e.g. 0.005 for -n 0.5 */
    double edge_thres;            /* fraction */
    const char *const *paths;     /* -p values; npaths may be 0 */
    size_t npaths;
    bool color_nodes_by_selftime;
} p2p_prune_opts;

/* §7.1: weights, node threshold, paths, edge threshold, self-time colouring. */
void p2p_prune(p2p_profile *p, const p2p_prune_opts *o);

/* §7.2: the live functions whose name matches the fnmatch glob `pattern`,
 * keeping only the last function of each name (gprof2dot's quirk).  *out is
 * malloc'ed (free() it), *n its length; both 0/NULL when nothing matches.
 * Returns 0 or P2P_ENOMEM. */
int p2p_select_functions(const p2p_profile *p, const char *pattern, p2p_fid **out, size_t *n);

/* §7.2: keep only functions reachable from `roots` (prune_root) or reaching
 * `leaves` (prune_leaf) within `depth` calls (-1: unlimited), by true
 * shortest distance; calls between kept functions stay.  0 or P2P_ENOMEM. */
int p2p_prune_root(p2p_profile *p, const p2p_fid *roots, size_t n, int depth);
int p2p_prune_leaf(p2p_profile *p, const p2p_fid *leaves, size_t n, int depth);

/* --max-nodes (src/analyse/maxnodes.c): keep only the `max` heaviest live
 * functions (by weight as p2p_prune() set it, 0 when none; ties by id), 0
 * meaning no limit.  Call after p2p_prune() and -z/-l.  Calls between kept
 * functions stay; where kept s reached kept t != s only through dropped
 * functions, an implied call s->t (p2p_call.implied, no events, has_weight)
 * is added, weighted by the widest path's bottleneck: the largest, over
 * such paths, of the smallest call weight along it; at most
 * P2P_MAX_IMPLIED_PER_NODE of them leave one function (the heaviest, ties
 * by callee id).  0 or P2P_ENOMEM. */
#define P2P_MAX_IMPLIED_PER_NODE 10
int p2p_max_nodes(p2p_profile *p, size_t max);

/* Every function whose name matches the fnmatch glob `pattern` (duplicate
 * names included, in index order), among those with consider[f] set, or
 * the live ones when consider is NULL (src/analyse/suggest.c).  *out is
 * malloc'ed (free() it), *n its length; both 0/NULL when nothing matches.
 * Returns 0 or P2P_ENOMEM. */
int p2p_match_functions(const p2p_profile *p, const char *pattern, const bool *consider, p2p_fid **out,
                        size_t *n);

/* Up to `max` functions whose names come near the glob `pattern` (case
 * aside, containing its text, or a few edits away: suggest.c), among those
 * with consider[f] set (NULL: the live ones), best first, one per name, in
 * an order that depends only on the names.  out[0..*n).  0 or P2P_ENOMEM. */
int p2p_near_matches(const p2p_profile *p, const char *pattern, const bool *consider, p2p_fid *out, size_t max,
                     size_t *n);

/* The live functions of p, in index order, whose name no function of
 * `other` has (pruned ones included): for --compare, the functions added in
 * the second profile.  *out malloc'ed, *n its length (0/NULL for none).
 * 0 or P2P_ENOMEM. */
int p2p_functions_missing_from(const p2p_profile *p, const p2p_profile *other, p2p_fid **out, size_t *n);

/* --ignore, --focus, --hide (src/analyse/names.c): POSIX extended regular
 * expressions matched anywhere in function names; each list may be empty. */
typedef struct p2p_name_filter {
    const char *const *ignore; /* drop matches and what only they reach */
    size_t nignore;
    const char *const *focus;  /* keep only paths through matches */
    size_t nfocus;
    const char *const *hide;   /* drop matches, joining callers to callees */
    size_t nhide;
} p2p_name_filter;

/* Apply the filters to the live functions and calls of p, after its derived
 * events and before p2p_prune(): ignore, then focus, then hide, as names.c
 * defines them.  No function's events change; --hide's joined calls carry
 * TOTAL_TIME_RATIO (and TOTAL_TIME) shares and no call count.  Returns 0;
 * P2P_EUSAGE for an invalid expression; P2P_ENOTFOUND when --focus matches
 * no function (p is then unchanged); P2P_ELIMIT when --hide would join too
 * many calls; P2P_ENOMEM.  An --ignore or --hide that matches nothing is a
 * warning through p's sink. */
int p2p_filter_names(p2p_profile *p, const p2p_name_filter *f, p2p_diag *d);

#ifdef __cplusplus
}
#endif
#endif
