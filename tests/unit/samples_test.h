/* Helpers shared by the tests of the sampled-stack parsers (test_perf.c,
 * test_collapse.c, test_dtrace.c): parse a text or a file with a format's
 * parser, find functions and calls by id, read their events, run the
 * derived-data recipes.  Include after <cmocka.h>. */
#ifndef P2P_SAMPLES_TEST_H
#define P2P_SAMPLES_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"

static char warnings[8192];
static int nwarnings;
static p2p_diag diag;

static inline void collect(void *ctx, const char *msg)
{
    (void)ctx;
    nwarnings++;
    size_t n = strlen(warnings);
    snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

/* Parse len bytes with `parse` (opts->event = event).  *p is NULL on error. */
static inline int parse_with(p2p_parse_fn parse, const void *data, size_t len, const char *event, p2p_profile **p)
{
    p2p_input in;
    p2p_input_from_memory(&in, "in", data, len);
    warnings[0] = '\0';
    nwarnings = 0;
    p2p_diag_init(&diag, "in");
    p2p_parse_opts o = {.warn = collect, .event = event};
    *p = NULL;
    int rc = parse(&in, 1, &o, p, &diag);
    if (rc)
        assert_null(*p);
    else
        assert_non_null(*p);
    return rc;
}

static inline int parse_file_with(p2p_parse_fn parse, const char *path, p2p_profile **p)
{
    p2p_input in;
    p2p_diag_init(&diag, path);
    assert_int_equal(p2p_input_read(path, &in, &diag), 0);
    warnings[0] = '\0';
    nwarnings = 0;
    p2p_parse_opts o = {.warn = collect};
    *p = NULL;
    int rc = parse(&in, 1, &o, p, &diag);
    p2p_input_release(&in);
    return rc;
}

static inline p2p_fid fid_of(p2p_profile *p, const char *id)
{
    return p2p_profile_find_str(p, p2p_profile_intern(p, id, strlen(id)));
}

/* The function with this id (the test fails without one). */
static inline const p2p_function *F(p2p_profile *p, const char *id)
{
    p2p_fid f = fid_of(p, id);
    if (f == P2P_NONE)
        fail_msg("no function with id '%s'", id);
    return &p->functions[f];
}

static inline double ev(const p2p_events *e, p2p_event k)
{
    if (!p2p_ev_has(e, k))
        fail_msg("event %d absent", (int)k);
    return e->v[k];
}

static inline double self_of(p2p_profile *p, const char *id)
{
    return ev(&F(p, id)->ev, P2P_SAMPLES);
}

static inline double total_of(p2p_profile *p, const char *id)
{
    return ev(&F(p, id)->ev, P2P_TOTAL_SAMPLES);
}

/* The call a -> b (ids), or NULL. */
static inline const p2p_call *C(p2p_profile *p, const char *a, const char *b)
{
    p2p_fid fa = fid_of(p, a), fb = fid_of(p, b);
    if (fa == P2P_NONE || fb == P2P_NONE)
        return NULL;
    uint32_t c = p2p_profile_find_call(p, fa, fb);
    return c == P2P_NONE ? NULL : &p->calls[c];
}

/* SAMPLES2 of the call a -> b (the test fails without the call). */
static inline double s2_of(p2p_profile *p, const char *a, const char *b)
{
    const p2p_call *c = C(p, a, b);
    if (!c)
        fail_msg("no call %s -> %s", a, b);
    return ev(&c->ev, P2P_SAMPLES2);
}

static inline double samples_total(p2p_profile *p)
{
    return ev(&p->ev, P2P_SAMPLES);
}

static inline void assert_warned(const char *text)
{
    if (!strstr(warnings, text))
        fail_msg("no warning containing '%s' in:\n%s", text, warnings);
}

static inline void assert_diag(const char *text)
{
    if (!strstr(diag.msg, text))
        fail_msg("diagnostic '%s' does not contain '%s'", diag.msg, text);
}

/* Function `f`'s total fraction after the derived-data recipe. */
static inline double ttr(p2p_profile *p, const char *id)
{
    return ev(&F(p, id)->ev, P2P_TOTAL_TIME_RATIO);
}

static inline double call_ttr(p2p_profile *p, const char *a, const char *b)
{
    const p2p_call *c = C(p, a, b);
    if (!c)
        fail_msg("no call %s -> %s", a, b);
    return ev(&c->ev, P2P_TOTAL_TIME_RATIO);
}

/* Sum of SAMPLES (or TOTAL_SAMPLES) over the functions named `name`. */
static inline double by_name(p2p_profile *p, const char *name, p2p_event k)
{
    double s = 0;
    for (uint32_t i = 0; i < p->nfunctions; i++)
        if (strcmp(p->functions[i].name, name) == 0)
            s += ev(&p->functions[i].ev, k);
    return s;
}

/* Two parses of the same stacks: same functions (by id, in order), same
 * events, same calls. */
static inline void assert_same_profile(p2p_profile *a, p2p_profile *b)
{
    assert_int_equal(a->nfunctions, b->nfunctions);
    assert_int_equal(a->ncalls, b->ncalls);
    assert_true(samples_total(a) == samples_total(b));
    for (uint32_t i = 0; i < a->nfunctions; i++) {
        const p2p_function *fa = &a->functions[i], *fb = &b->functions[i];
        assert_string_equal(fa->id_str, fb->id_str);
        assert_string_equal(fa->name, fb->name);
        assert_true((fa->module == NULL) == (fb->module == NULL));
        if (fa->module)
            assert_string_equal(fa->module, fb->module);
        assert_true(ev(&fa->ev, P2P_SAMPLES) == ev(&fb->ev, P2P_SAMPLES));
        assert_true(ev(&fa->ev, P2P_TOTAL_SAMPLES) == ev(&fb->ev, P2P_TOTAL_SAMPLES));
    }
    for (uint32_t c = 0; c < a->ncalls; c++) {
        assert_string_equal(a->functions[a->calls[c].caller].id_str, b->functions[b->calls[c].caller].id_str);
        assert_string_equal(a->functions[a->calls[c].callee].id_str, b->functions[b->calls[c].callee].id_str);
        assert_true(ev(&a->calls[c].ev, P2P_SAMPLES2) == ev(&b->calls[c].ev, P2P_SAMPLES2));
    }
}

#endif
