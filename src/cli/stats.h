/* prof2png CLI: --stats, --callers and --callees (the pstats text reports
 * of report.h).  Part of the program: these print and return exit codes. */
#ifndef P2P_CLI_STATS_H
#define P2P_CLI_STATS_H

#include <stdbool.h>

#include "options.h"

/* Does the command line ask for a text report instead of a graph? */
bool p2p_cli_stats_wanted(const p2p_cli_options *o);

/* Check the report options before any input is read: bad sort keys and
 * regular expressions, --compare, and --sort/--limit/--filter without a
 * report.  Prints the problem and returns P2P_EXIT_USAGE, or returns
 * P2P_EXIT_OK. */
int p2p_cli_stats_check(const p2p_cli_options *o);

/* Apply -p, -z, -l (not the -n/-e thresholds), write the reports to -o
 * (whole or not at all) or stdout.  `file` names the input in messages
 * (may be NULL).  Returns the exit code. */
int p2p_cli_stats(p2p_profile *p, const p2p_cli_options *o, const char *file);

#endif
