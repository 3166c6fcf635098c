/* prof2png: the pstats text reports (src/report/stats.c).
 *
 * What Python's pstats module prints for
 *     pstats.Stats(FILE).sort_stats(KEY, ...).print_stats(R, ...)
 *     ... .print_callers(R, ...) / .print_callees(R, ...)
 * byte for byte for a pstats profile (less the "date    file" lines and the
 * blank line after them), and the same tables for a profile of any other
 * format, with the columns named after its unit.
 *
 * The Python whose pstats is imitated is the one that reads the file: 2.7
 * for a file written by Python 2 (its dict order is the order of a hash
 * table, reproduced here), Python 3.7 to 3.13 otherwise (they print the
 * same).  The profile must have been derived (p2p_derive_events); graph
 * filters that marked functions `removed` (-z, -l, -p) shorten the list,
 * and say so in a "List reduced" line.
 */
#ifndef PROF2PNG_REPORT_H
#define PROF2PNG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One argument of print_stats(*amount): a count, a fraction or a regular
 * expression, applied in turn to the list left by the one before. */
typedef enum p2p_restriction_kind {
    P2P_RESTRICT_COUNT = 0,   /* an int: keep the first n when 0 <= n < len */
    P2P_RESTRICT_FRACTION,    /* a float: keep int(len * x + .5) when 0 <= x < 1 */
    P2P_RESTRICT_REGEX        /* keep the names a POSIX ERE matches (re.search) */
} p2p_restriction_kind;

typedef struct p2p_restriction {
    p2p_restriction_kind kind;
    int64_t count;
    double fraction;
    const char *regex;        /* borrowed */
} p2p_restriction;

/* Parse a --limit value as Python would read the literal: digits (with an
 * optional sign) are a COUNT, a number with '.', 'e' or 'E' a FRACTION.
 * Returns 0, or P2P_EUSAGE (d filled, may be NULL) for anything else. */
int p2p_restriction_parse_limit(const char *text, p2p_restriction *out, p2p_diag *d);

typedef struct p2p_stats_opts {
    /* sort_stats() keys separated by commas, each a pstats key or a unique
     * prefix of one (calls, ncalls, cumulative, cumtime, file, filename,
     * module, line, name, nfl, pcalls, stdname, time, tottime), or one of
     * the old numbers -1, 0, 1, 2 alone.  NULL or "": no sort_stats()
     * (the file's order, "Random listing order was used"). */
    const char *sort;
    const p2p_restriction *restrictions; /* the amounts, in order */
    size_t nrestrictions;
    bool print_stats;         /* the print_stats() table */
    const char *callers;      /* print_callers(callers, *restrictions); NULL: none */
    const char *callees;      /* print_callees(callees, *restrictions); NULL: none */
    /* What removed functions (the graph filters), shown as the first
     * restriction: "<-z 'main'>".  NULL: "graph filters". */
    const char *filtered_by;
    /* Non-pstats, non-time profiles: the name of the cost unit ("Ir",
     * "samples").  NULL: the profile's cost_name, else "samples". */
    const char *cost_name;
} p2p_stats_opts;

/* Check o's sort keys and regular expressions without a profile.  Returns
 * 0, or P2P_EUSAGE with d (may be NULL) saying which is wrong. */
int p2p_stats_check(const p2p_stats_opts *o, p2p_diag *d);

/* Write the reports o asks for (print_stats, then print_callers, then
 * print_callees) into a malloc'ed buffer (*out, *len; free() it).
 * Deterministic.  Returns 0, P2P_EUSAGE (bad sort key or regex; d filled)
 * or P2P_ENOMEM. */
int p2p_stats_report(const p2p_profile *p, const p2p_stats_opts *o, char **out, size_t *len, p2p_diag *d);

#ifdef __cplusplus
}
#endif
#endif
