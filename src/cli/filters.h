/* prof2png CLI: the pruning steps (-n/-e/-p, -z, -l) and --list-functions,
 * with their messages.  Part of the program: these print and return exit
 * codes. */
#ifndef P2P_CLI_FILTERS_H
#define P2P_CLI_FILTERS_H

#include "options.h"

/* Which profile a step works on, for its messages and error rules. */
typedef enum p2p_cli_role {
    P2P_CLI_SINGLE = 0,     /* the one profile drawn */
    P2P_CLI_COMPARE_FIRST,  /* --compare: the profile drawn */
    P2P_CLI_COMPARE_SECOND  /* --compare: the one it is compared with */
} p2p_cli_role;

/* Prune p as gprof2dot's main() does: thresholds and -p, then -z, then -l
 * (gprof2dot leaves -l out of --compare, where it crashes; here both
 * profiles get it).  A -z or -l glob that selects no function prints which
 * case it is (no such name, with up to 5 near matches; or names only
 * functions that -n, -p or -z removed, with why) and returns
 * P2P_EXIT_INPUT, except for P2P_CLI_COMPARE_SECOND, which, as in
 * gprof2dot, is left with nothing.  `file` names the input in messages
 * (may be NULL).  Returns P2P_EXIT_OK, P2P_EXIT_INPUT or P2P_EXIT_USAGE
 * (out of memory). */
int p2p_cli_prune(p2p_profile *p, const p2p_cli_options *o, p2p_cli_role role, const char *file);

/* --list-functions: print o->list_functions's selection of p's functions to
 * stderr as gprof2dot does, but before the -n/-e thresholds: only -p and
 * -z (its messages as above) apply first.  `format` is the -f name (the
 * dump's event order).  Returns the exit code (P2P_EXIT_OK when listed). */
int p2p_cli_list_functions(p2p_profile *p, const p2p_cli_options *o, const char *format, const char *file);

/* --list-threads: print the threads of p (the list its parser made) on
 * stdout, heaviest first: total in p's unit, share of all, samples,
 * whether --thread kept it, and the label --thread matches.  Returns the
 * exit code. */
int p2p_cli_list_threads(const p2p_profile *p, const p2p_thread_list *l);

/* --compare: list on stderr (a note, up to 5 names) the live functions of
 * p2 that p1 lacks; gprof2dot draws only p1's functions, and so does
 * prof2png. */
void p2p_cli_note_added(const p2p_profile *p1, const p2p_profile *p2, const char *file2);

#endif
