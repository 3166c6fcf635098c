/* Helpers of the speedscope and trace parser tests: parse text from
 * memory, find functions by name, read their events. */
#ifndef P2P_EVENTED_TEST_H
#define P2P_EVENTED_TEST_H

#include <math.h>
#include <string.h>

#include "prof2png/parse.h"

static char warnings[4096];
static p2p_diag diag;

static inline void collect(void *ctx, const char *msg)
{
    (void)ctx;
    strncat(warnings, msg, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

/* Parse text with fn; opts may set thread and threads. */
static inline int parse_opts(p2p_parse_fn fn, const char *text, p2p_parse_opts *o, p2p_profile **p)
{
    p2p_input in;
    p2p_input_from_memory(&in, "mem", text, strlen(text));
    warnings[0] = '\0';
    o->warn = collect;
    p2p_diag_init(&diag, "mem");
    return fn(&in, 1, o, p, &diag);
}

static inline int parse_text(p2p_parse_fn fn, const char *text, p2p_profile **p)
{
    p2p_parse_opts o = {0};
    return parse_opts(fn, text, &o, p);
}

static inline const p2p_function *by_name(const p2p_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->nfunctions; i++)
        if (strcmp(p->functions[i].name, name) == 0)
            return &p->functions[i];
    fail_msg("no function %s", name);
    return NULL;
}

static inline double self_s(const p2p_profile *p, const char *name)
{
    return p2p_ev_get(&by_name(p, name)->ev, P2P_SAMPLES);
}

static inline double total_s(const p2p_profile *p, const char *name)
{
    return p2p_ev_get(&by_name(p, name)->ev, P2P_TOTAL_SAMPLES);
}

static inline const p2p_call *call_of(const p2p_profile *p, const char *a, const char *b)
{
    p2p_fid fa = (p2p_fid)(by_name(p, a) - p->functions), fb = (p2p_fid)(by_name(p, b) - p->functions);
    uint32_t c = p2p_profile_find_call(p, fa, fb);
    if (c == P2P_NONE)
        fail_msg("no call %s -> %s", a, b);
    return &p->calls[c];
}

static inline bool near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * (fabs(a) + fabs(b) + 1e-300);
}

#endif
