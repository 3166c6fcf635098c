/* The derived-data recipes of the formats (SEMANTICS.md §3.3 step 4, §4.5,
 * §6.3): the same steps, in the same order, as gprof2dot's parsers. */
#include "prof2png/analyse.h"

/* A call's TOTAL_TIME_RATIO: its ratio times the callee's (self calls,
 * which have no ratio, keep what they have). */
static void calls_from_callee_totals(p2p_profile *p)
{
    for (uint32_t c = 0; c < p->ncalls; c++) {
        p2p_call *k = &p->calls[c];
        if (k->removed || !k->has_ratio || p->functions[k->caller].removed)
            continue;
        const p2p_function *callee = &p->functions[k->callee];
        if (p2p_ev_has(&callee->ev, P2P_TOTAL_TIME_RATIO))
            p2p_ev_set(&k->ev, P2P_TOTAL_TIME_RATIO, k->ratio * callee->ev.v[P2P_TOTAL_TIME_RATIO]);
    }
}

/* perf, collapse, dtrace with --total=callstacks (gprof2dot's PerfParser,
 * CollapseParser, DtraceParser): cycles, TIME_RATIO and call ratios as for
 * callratios; then a function's TOTAL_TIME_RATIO is the share of samples
 * whose stack holds it (TOTAL_SAMPLES over all samples), and a call's is its
 * ratio times the callee's.  Self calls have no ratio and get none. */
static int derive_callstacks(p2p_profile *p, p2p_diag *d)
{
    int rc;
    if ((rc = p2p_find_cycles(p, d)) < 0)
        return rc;
    if ((rc = p2p_profile_normalise(p, P2P_TIME_RATIO, P2P_SAMPLES, d)) < 0)
        return rc;
    if ((rc = p2p_call_ratios(p, P2P_SAMPLES2, d)) < 0)
        return rc;
    if (!p2p_ev_has(&p->ev, P2P_SAMPLES))
        return p2p_diag_set(d, P2P_EFORMAT, 0, -1, "the profile has no sample total");
    p2p_ev_set(&p->ev, P2P_TOTAL_SAMPLES, p->ev.v[P2P_SAMPLES]);
    if ((rc = p2p_profile_normalise(p, P2P_TOTAL_TIME_RATIO, P2P_TOTAL_SAMPLES, d)) < 0)
        return rc;
    calls_from_callee_totals(p);
    return 0;
}

int p2p_derive_events(p2p_profile *p, p2p_derive recipe, p2p_diag *d)
{
    int rc = 0;
    /* the parser's lookup tables are not needed here: their memory goes
     * to the passes (and they come back if a later stage looks up) */
    p2p_profile_trim(p);
    switch (recipe) {
    case P2P_DERIVE_NONE:
        break;
    case P2P_DERIVE_PSTATS:
        if ((rc = p2p_profile_normalise(p, P2P_TIME_RATIO, P2P_TIME, d)) < 0)
            break;
        rc = p2p_profile_normalise(p, P2P_TOTAL_TIME_RATIO, P2P_TOTAL_TIME, d);
        break;
    case P2P_DERIVE_GPROF:
        /* calls to undefined functions were dropped by the parser */
        if ((rc = p2p_profile_normalise(p, P2P_TIME_RATIO, P2P_TIME, d)) < 0)
            break;
        if ((rc = p2p_call_ratios(p, P2P_CALLS, d)) < 0)
            break;
        if ((rc = p2p_integrate(p, P2P_TOTAL_TIME, P2P_TIME, d)) < 0)
            break;
        rc = p2p_profile_normalise(p, P2P_TOTAL_TIME_RATIO, P2P_TOTAL_TIME, d);
        break;
    case P2P_DERIVE_CALLGRIND:
    case P2P_DERIVE_SAMPLES: /* perf, collapse, dtrace: --total=callratios */
        if ((rc = p2p_find_cycles(p, d)) < 0)
            break;
        if ((rc = p2p_profile_normalise(p, P2P_TIME_RATIO, P2P_SAMPLES, d)) < 0)
            break;
        if ((rc = p2p_call_ratios(p, P2P_SAMPLES2, d)) < 0)
            break;
        /* inclusive fractions come straight out of the integration: no
         * final ratio(), hence no clamping (§12 item 2) */
        rc = p2p_integrate(p, P2P_TOTAL_TIME_RATIO, P2P_TIME_RATIO, d);
        break;
    case P2P_DERIVE_SAMPLES_CALLSTACKS:
        rc = derive_callstacks(p, d);
        break;
    case P2P_DERIVE_AXE:
        /* gprof2dot's AXEParser: the parser set TIME, the functions'
         * TOTAL_TIME_RATIO and the calls' stand-in TOTAL_TIME_RATIO */
        if ((rc = p2p_profile_normalise(p, P2P_TIME_RATIO, P2P_TIME, d)) < 0)
            break;
        if ((rc = p2p_call_ratios(p, P2P_TOTAL_TIME_RATIO, d)) < 0)
            break;
        calls_from_callee_totals(p);
        break;
    default:
        rc = p2p_diag_set(d, P2P_EUSAGE, 0, -1, "unknown derived-data recipe %d", (int)recipe);
        break;
    }
    /* the passes that walk the callers' lists as one array are done */
    p2p_profile_drop_out_calls(p);
    return rc < 0 ? rc : 0;
}
