/* Pruning by thresholds and paths (SEMANTICS.md §7.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "prof2png/prof2png.h"

/* A function with TOTAL_TIME_RATIO `w` (none when w < 0) and TIME_RATIO `s`
 * (none when s < 0). */
static p2p_fid fn(p2p_profile *p, int64_t id, double w, double s)
{
    char name[16];
    size_t len = (size_t)snprintf(name, sizeof name, "f%d", (int)id);
    p2p_fid f = p2p_profile_add_int(p, id, p2p_profile_intern(p, name, len));
    assert_int_not_equal(f, P2P_NONE);
    if (w >= 0)
        p2p_ev_set(&p->functions[f].ev, P2P_TOTAL_TIME_RATIO, w);
    if (s >= 0)
        p2p_ev_set(&p->functions[f].ev, P2P_TIME_RATIO, s);
    return f;
}

/* A call with TOTAL_TIME_RATIO `w` (none when w < 0). */
static p2p_call *call(p2p_profile *p, p2p_fid a, p2p_fid b, double w)
{
    uint32_t c = p2p_profile_get_call(p, a, b, NULL);
    assert_int_not_equal(c, P2P_NONE);
    p2p_ev_set(&p->calls[c].ev, P2P_CALLS, 1);
    if (w >= 0)
        p2p_ev_set(&p->calls[c].ev, P2P_TOTAL_TIME_RATIO, w);
    return &p->calls[c];
}

static p2p_call *get(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    return &p->calls[p2p_profile_find_call(p, a, b)];
}

static void weights_and_thresholds(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = fn(p, 1, 1.0, 0.1);
    p2p_fid at = fn(p, 2, 0.005, 0.005);   /* exactly at the threshold: stays */
    p2p_fid below = fn(p, 3, 0.0049, 0.0); /* below: goes */
    p2p_fid none = fn(p, 4, -1, -1);       /* no weight: never goes */
    call(p, m, at, 0.005);
    call(p, m, below, 0.0049);
    call(p, m, none, -1);     /* no weight of its own, and no min either */
    call(p, at, m, -1);       /* min(0.005, 1.0) */
    call(p, m, m, -1);        /* self call: min(1, 1) */
    call(p, at, at, 0.0009);  /* under the edge threshold */
    call(p, none, m, 0.001);  /* exactly at the edge threshold */
    p2p_prune_opts o = {0.005, 0.001, NULL, 0, false};
    p2p_prune(p, &o);

    assert_true(p->functions[m].has_weight && p->functions[m].weight == 1.0);
    assert_false(p->functions[none].has_weight);
    assert_false(p->functions[m].removed);
    assert_false(p->functions[at].removed);
    assert_true(p->functions[below].removed);
    assert_false(p->functions[none].removed);

    assert_true(get(p, at, m)->has_weight && get(p, at, m)->weight == 0.005);
    assert_true(get(p, m, m)->has_weight && get(p, m, m)->weight == 1.0);
    assert_false(get(p, m, none)->has_weight);
    /* weights were computed before deletion, for the doomed call too */
    assert_true(get(p, m, below)->has_weight && get(p, m, below)->weight == 0.0049);

    assert_false(get(p, m, at)->removed);
    assert_true(get(p, m, below)->removed); /* callee gone */
    assert_false(get(p, m, none)->removed); /* no weight: stays */
    assert_false(get(p, at, m)->removed);
    assert_false(get(p, m, m)->removed);
    assert_true(get(p, at, at)->removed);
    assert_false(get(p, none, m)->removed);
    p2p_profile_free(p);
}

/* Weights come from TOTAL_TIME_RATIO even above 1 (callgrind). */
static void unclamped_weights(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = fn(p, 1, 1.8333, 0);
    p2p_fid x = fn(p, 2, 0.9, 0.1);
    call(p, m, x, -1);
    p2p_prune_opts o = {0.005, 0.001, NULL, 0, false};
    p2p_prune(p, &o);
    assert_true(p->functions[m].weight == 1.8333);
    assert_true(get(p, m, x)->weight == 0.9);
    p2p_profile_free(p);
}

static void paths(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid a = fn(p, 1, 1, -1), b = fn(p, 2, 1, -1), c = fn(p, 3, 1, -1), d = fn(p, 4, 1, -1);
    p2p_fid e = fn(p, 5, 1, -1), f = fn(p, 6, 1, -1), g = fn(p, 7, 1, -1);
    p->functions[a].filename = "/usr/lib/python3/os.py";    /* prefix /usr/lib: kept */
    p->functions[b].filename = "/home/me/lib/x.py";         /* contains but no prefix: goes */
    p->functions[c].module = "libfoo.so";                   /* substring "foo": kept */
    p->functions[d].module = "libc.so.6";                   /* goes */
    p->functions[e].filename = "";                          /* empty filename: module decides */
    p->functions[e].module = "libc.so.6";
    /* f: neither: kept */
    p->functions[g].filename = "/usr/lib/z.py";             /* filename wins over module */
    p->functions[g].module = "nothing";
    call(p, a, b, 1);
    call(p, a, f, 1);
    const char *const ps[] = {"/usr/lib", "foo"};
    p2p_prune_opts o = {0, 0, ps, 2, false};
    p2p_prune(p, &o);
    assert_false(p->functions[a].removed);
    assert_true(p->functions[b].removed);
    assert_false(p->functions[c].removed);
    assert_true(p->functions[d].removed);
    assert_true(p->functions[e].removed);
    assert_false(p->functions[f].removed);
    assert_false(p->functions[g].removed);
    assert_true(get(p, a, b)->removed);
    assert_false(get(p, a, f)->removed);
    p2p_profile_free(p);
}

static void color_by_selftime(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = fn(p, 1, 1.0, 0.1);
    p2p_fid x = fn(p, 2, 0.5, 0.4);
    p2p_fid gone = fn(p, 3, 0.001, 0.9); /* pruned: not in the max */
    p2p_fid nt = fn(p, 4, 0.7, -1);      /* no TIME_RATIO: keeps its weight */
    call(p, m, x, 0.5);
    call(p, m, gone, 0.001);
    p2p_prune_opts o = {0.005, 0.001, NULL, 0, true};
    p2p_prune(p, &o);
    assert_true(p->functions[gone].removed);
    assert_true(p->functions[m].weight == 0.1 / 0.4);
    assert_true(p->functions[x].weight == 1.0);
    assert_true(p->functions[nt].weight == 0.7);
    assert_true(get(p, m, x)->weight == 0.5); /* edges keep theirs */
    p2p_profile_free(p);
}

/* A max self ratio of 0 divides by zero: weights stay as they were. */
static void color_by_selftime_zero(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = fn(p, 1, 1.0, 0.0);
    p2p_fid x = fn(p, 2, 0.5, 0.0);
    p2p_prune_opts o = {0.005, 0.001, NULL, 0, true};
    p2p_prune(p, &o);
    assert_true(p->functions[m].weight == 1.0);
    assert_true(p->functions[x].weight == 0.5);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weights_and_thresholds),
        cmocka_unit_test(unclamped_weights),
        cmocka_unit_test(paths),
        cmocka_unit_test(color_by_selftime),
        cmocka_unit_test(color_by_selftime_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
