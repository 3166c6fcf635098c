/* The table of input formats: one entry per parser file. */
#include <string.h>

#include "prof2png/parse.h"

static const p2p_format formats[] = {
    {"pstats", NULL, true, P2P_DERIVE_PSTATS, p2p_parse_pstats},
    {"prof", "gprof", false, P2P_DERIVE_GPROF, p2p_parse_gprof},
    {"callgrind", NULL, true, P2P_DERIVE_CALLGRIND, p2p_parse_callgrind},
    {"perf", NULL, false, P2P_DERIVE_SAMPLES, p2p_parse_perf},
    {"collapse", NULL, false, P2P_DERIVE_SAMPLES, p2p_parse_collapse},
    {"dtrace", NULL, false, P2P_DERIVE_SAMPLES, p2p_parse_dtrace},
    {"axe", NULL, false, P2P_DERIVE_AXE, p2p_parse_axe},
    {"xperf", NULL, false, P2P_DERIVE_CALLGRIND, p2p_parse_xperf},
    {"sleepy", NULL, false, P2P_DERIVE_CALLGRIND, p2p_parse_sleepy},
    {"sysprof", NULL, false, P2P_DERIVE_CALLGRIND, p2p_parse_sysprof},
    {"json", NULL, false, P2P_DERIVE_CALLGRIND, p2p_parse_json},
    {"hprof", NULL, false, P2P_DERIVE_CALLGRIND, p2p_parse_hprof},
    {"speedscope", NULL, false, P2P_DERIVE_SAMPLES_CALLSTACKS, p2p_parse_speedscope},
    {"trace", NULL, false, P2P_DERIVE_SAMPLES_CALLSTACKS, p2p_parse_trace},
};

const p2p_format *p2p_formats(size_t *n)
{
    *n = sizeof formats / sizeof formats[0];
    return formats;
}

const p2p_format *p2p_format_find(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(formats[i].name, name) == 0 || (formats[i].alias && strcmp(formats[i].alias, name) == 0))
            return &formats[i];
    }
    return NULL;
}
