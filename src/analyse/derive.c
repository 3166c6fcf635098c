/* The derived-data recipes of the formats (SEMANTICS.md §3.3 step 4, §4.5,
 * §6.3): the same steps, in the same order, as gprof2dot's parsers. */
#include "prof2png/analyse.h"

int p2p_derive_events(p2p_profile *p, p2p_derive recipe, p2p_diag *d)
{
    int rc = 0;
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
    default:
        rc = p2p_diag_set(d, P2P_EUSAGE, 0, -1, "unknown derived-data recipe %d", (int)recipe);
        break;
    }
    return rc < 0 ? rc : 0;
}
