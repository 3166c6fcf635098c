/* Call ratios, integration and the derive recipes (SEMANTICS.md §3.3, §4.5,
 * §5.2, §5.3, §10.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prof2png/prof2png.h"

static p2p_fid fn(p2p_profile *p, int64_t id, const char *name)
{
    p2p_fid f = p2p_profile_add_int(p, id, p2p_profile_intern(p, name, strlen(name)));
    assert_int_not_equal(f, P2P_NONE);
    return f;
}

static uint32_t call(p2p_profile *p, p2p_fid a, p2p_fid b, p2p_event e, double v)
{
    uint32_t c = p2p_profile_get_call(p, a, b, NULL);
    assert_int_not_equal(c, P2P_NONE);
    p2p_ev_set(&p->calls[c].ev, e, v);
    return c;
}

static p2p_call *get(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    uint32_t c = p2p_profile_find_call(p, a, b);
    assert_int_not_equal(c, P2P_NONE);
    return &p->calls[c];
}

/* "%.2f%%" of x*100, as the labels print it. */
static const char *pct(double x)
{
    static char buf[8][32];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%.2f%%", x * 100.0);
    return buf[i];
}

static double ttr(const p2p_events *e)
{
    assert_true(p2p_ev_has(e, P2P_TOTAL_TIME_RATIO));
    return e->v[P2P_TOTAL_TIME_RATIO];
}

static void warn_count(void *ctx, const char *msg)
{
    (void)msg;
    ++*(int *)ctx;
}

/* A gprof-like profile: TIME per function, profile TIME = their sum. */
static p2p_fid gfn(p2p_profile *p, int64_t id, const char *name, double self)
{
    p2p_fid f = fn(p, id, name);
    p2p_ev_set(&p->functions[f].ev, P2P_TIME, self);
    p2p_ev_add(&p->ev, P2P_TIME, self);
    return f;
}

/* A callgrind-like profile: SAMPLES per function, profile SAMPLES total. */
static p2p_fid cfn(p2p_profile *p, int64_t id, const char *name, double self)
{
    p2p_fid f = fn(p, id, name);
    p2p_ev_set(&p->functions[f].ev, P2P_SAMPLES, self);
    p2p_ev_add(&p->ev, P2P_SAMPLES, self);
    return f;
}

static uint32_t ccall(p2p_profile *p, p2p_fid a, p2p_fid b, double calls, double inclusive)
{
    uint32_t c = call(p, a, b, P2P_CALLS, calls);
    p2p_ev_set(&p->calls[c].ev, P2P_SAMPLES2, inclusive);
    return c;
}

static int derive(p2p_profile *p, p2p_derive r)
{
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    return p2p_derive_events(p, r, &d);
}

/* tests/prof/cycle.prof, entry order: start [1], main [2], b [4], a [5], c [6];
 * cycle 1 = {b, a}. */
static void cycle_prof_worked_example(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_ev_set(&p->ev, P2P_TIME, 0.0);
    assert_int_equal(p2p_profile_add_cycle(p), 0);
    p2p_fid start = gfn(p, 1, "start", 0.00);
    p2p_fid main_ = gfn(p, 2, "main", 0.16);
    p2p_fid b = gfn(p, 4, "b", 1.02);
    p2p_fid a = gfn(p, 5, "a", 0.75);
    p2p_fid c = gfn(p, 6, "c", 0.00);
    call(p, start, main_, P2P_CALLS, 1);
    call(p, main_, a, P2P_CALLS, 1);
    call(p, b, a, P2P_CALLS, 2);
    call(p, b, c, P2P_CALLS, 3);
    call(p, a, b, P2P_CALLS, 3);
    call(p, a, c, P2P_CALLS, 3);
    assert_int_equal(p2p_profile_cycle_add(p, 0, b), 0);
    assert_int_equal(p2p_profile_cycle_add(p, 0, a), 0);

    assert_int_equal(derive(p, P2P_DERIVE_GPROF), 0);

    /* call ratios */
    assert_true(get(p, main_, a)->ratio == 1.0);
    assert_true(get(p, a, b)->ratio == 1.0);
    assert_true(get(p, b, a)->ratio == 2.0 / 3.0);
    assert_true(get(p, a, c)->ratio == 0.5);

    assert_string_equal(pct(ttr(&p->functions[start].ev)), "100.00%");
    assert_string_equal(pct(ttr(&p->functions[main_].ev)), "100.00%");
    assert_string_equal(pct(p->functions[main_].ev.v[P2P_TIME_RATIO]), "8.29%");
    assert_string_equal(pct(ttr(&p->functions[a].ev)), "91.71%");
    assert_string_equal(pct(p->functions[a].ev.v[P2P_TIME_RATIO]), "38.86%");
    assert_string_equal(pct(ttr(&p->functions[b].ev)), "52.85%");
    assert_string_equal(pct(ttr(&p->functions[c].ev)), "0.00%");
    assert_string_equal(pct(ttr(&get(p, start, main_)->ev)), "100.00%");
    assert_string_equal(pct(ttr(&get(p, main_, a)->ev)), "91.71%"); /* the whole cycle */
    assert_string_equal(pct(ttr(&get(p, a, b)->ev)), "52.85%");
    /* b→a is never forward: no percentage */
    assert_false(p2p_ev_has(&get(p, b, a)->ev, P2P_TOTAL_TIME));
    assert_false(p2p_ev_has(&get(p, b, a)->ev, P2P_TOTAL_TIME_RATIO));

    /* the raw sums (§10.5) */
    assert_true(fabs(p->functions[a].ev.v[P2P_TOTAL_TIME] - 1.77) < 1e-12);
    assert_true(fabs(p->functions[b].ev.v[P2P_TOTAL_TIME] - 1.02) < 1e-12);
    assert_true(fabs(p->cycles[0].ev.v[P2P_TOTAL_TIME] - 1.77) < 1e-12);
    assert_true(fabs(p->ev.v[P2P_TOTAL_TIME] - 1.93) < 1e-12);
    assert_true(p->ev.v[P2P_TOTAL_TIME_RATIO] == 1.0);

    /* default pruning removes c and its edges; b→a weighs min(b, a) */
    p2p_prune_opts o = {0.005, 0.001, NULL, 0, false};
    p2p_prune(p, &o);
    assert_true(p->functions[c].removed);
    assert_true(get(p, a, c)->removed);
    assert_true(get(p, b, c)->removed);
    assert_false(get(p, b, a)->removed);
    assert_true(get(p, b, a)->weight == ttr(&p->functions[b].ev));
    assert_false(p->functions[a].removed);
    p2p_profile_free(p);
}

/* Same numbers through p2p_call_ratios / p2p_integrate directly, with the
 * cycle found by Tarjan instead of given. */
static void direct_calls_match_recipe(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = gfn(p, 1, "main", 0.16);
    p2p_fid a = gfn(p, 2, "a", 0.75);
    p2p_fid b = gfn(p, 3, "b", 1.02);
    call(p, m, a, P2P_CALLS, 1);
    call(p, a, b, P2P_CALLS, 3);
    call(p, b, a, P2P_CALLS, 2);
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_find_cycles(p, &d), 0);
    assert_int_equal(p2p_call_ratios(p, P2P_CALLS, &d), 0);
    assert_int_equal(p2p_integrate(p, P2P_TOTAL_TIME, P2P_TIME, &d), 0);
    assert_true(p->functions[m].ev.v[P2P_TOTAL_TIME] == 0.16 + (0.75 + 1.02));
    assert_true(get(p, m, a)->ev.v[P2P_TOTAL_TIME] == 1.0 * (0.75 + 1.02));
    assert_true(p->functions[a].ev.v[P2P_TOTAL_TIME] == 0.75 + 1.0 * 1.02);
    p2p_profile_free(p);
}

/* External calls into a cycle get ratio × the whole cycle total, split by
 * the cycle's incoming total; each entry point spreads its share. */
static void entries_into_cycle(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = gfn(p, 1, "main", 1.0);
    p2p_fid x = gfn(p, 2, "x", 1.0);
    p2p_fid y = gfn(p, 3, "y", 1.0);
    p2p_fid a = gfn(p, 4, "a", 2.0);
    p2p_fid b = gfn(p, 5, "b", 4.0);
    p2p_fid z = gfn(p, 6, "z", 8.0);
    call(p, m, x, P2P_CALLS, 1);
    call(p, m, y, P2P_CALLS, 1);
    call(p, x, a, P2P_CALLS, 1);
    call(p, y, b, P2P_CALLS, 3);
    call(p, a, b, P2P_CALLS, 5);
    call(p, b, a, P2P_CALLS, 5);
    call(p, b, z, P2P_CALLS, 1);
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_find_cycles(p, &d), 0);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p2p_call_ratios(p, P2P_CALLS, &d), 0);
    assert_true(get(p, x, a)->ratio == 0.25);
    assert_true(get(p, y, b)->ratio == 0.75);
    assert_int_equal(p2p_integrate(p, P2P_TOTAL_TIME, P2P_TIME, &d), 0);
    double C = p->cycles[0].ev.v[P2P_TOTAL_TIME];
    assert_true(C == 2.0 + (4.0 + 8.0));
    assert_true(get(p, x, a)->ev.v[P2P_TOTAL_TIME] == 0.25 * C);
    assert_true(get(p, y, b)->ev.v[P2P_TOTAL_TIME] == 0.75 * C);
    assert_true(p->functions[x].ev.v[P2P_TOTAL_TIME] == 1.0 + 0.25 * C);
    assert_true(p->functions[m].ev.v[P2P_TOTAL_TIME] == 1.0 + (1.0 + 0.25 * C) + (1.0 + 0.75 * C));
    /* entry a (r = .25): partial(b) = .25*4 + .25*8 = 3, partial(a) = .5 + 3;
     * entry b (r = .75): partial(a) = 1.5, partial(b) = 3 + 6 + 1.5 */
    assert_true(p->functions[a].ev.v[P2P_TOTAL_TIME] == 3.5 + 1.5);
    assert_true(p->functions[b].ev.v[P2P_TOTAL_TIME] == 3.0 + 10.5);
    assert_true(get(p, a, b)->ev.v[P2P_TOTAL_TIME] == 3.0);
    assert_true(get(p, b, a)->ev.v[P2P_TOTAL_TIME] == 1.5);
    assert_true(p->ev.v[P2P_TOTAL_TIME] == 17.0);
    p2p_profile_free(p);
}

/* §12 item 2: a callee reached only through zero-cost calls credits its
 * whole total to every caller, and callgrind totals are not clamped. */
static void callgrind_zero_cost_calls_exceed_100(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = cfn(p, 1, "main", 0);
    p2p_fid x = cfn(p, 2, "x", 5);
    p2p_fid y = cfn(p, 3, "y", 5);
    p2p_fid z = cfn(p, 4, "z", 50);
    ccall(p, m, x, 1, 55);
    ccall(p, m, y, 1, 55);
    ccall(p, x, z, 1, 0);
    ccall(p, y, z, 1, 0);
    assert_int_equal(derive(p, P2P_DERIVE_CALLGRIND), 0);
    assert_true(get(p, x, z)->ratio == 1.0);
    assert_true(get(p, y, z)->ratio == 1.0);
    assert_string_equal(pct(ttr(&p->functions[z].ev)), "83.33%");
    assert_string_equal(pct(ttr(&p->functions[x].ev)), "91.67%");
    assert_string_equal(pct(ttr(&p->functions[m].ev)), "183.33%");
    assert_string_equal(pct(ttr(&get(p, m, x)->ev)), "91.67%");
    /* no TOTAL_TIME for callgrind */
    assert_false(p2p_ev_has(&p->functions[m].ev, P2P_TOTAL_TIME));
    assert_false(p2p_ev_has(&p->functions[m].ev, P2P_TIME));
    p2p_profile_free(p);
}

/* An all-zero callgrind profile: every TIME_RATIO is 1.0. */
static void callgrind_all_zero(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_ev_set(&p->ev, P2P_SAMPLES, 0);
    p2p_fid m = cfn(p, 1, "main", 0);
    p2p_fid x = cfn(p, 2, "x", 0);
    ccall(p, m, x, 1, 0);
    assert_int_equal(derive(p, P2P_DERIVE_CALLGRIND), 0);
    assert_true(p->functions[m].ev.v[P2P_TIME_RATIO] == 1.0);
    assert_true(ttr(&p->functions[x].ev) == 1.0);
    assert_true(ttr(&p->functions[m].ev) == 2.0);
    p2p_profile_free(p);
}

/* §12 item 3: a cycle with no external caller gets 0 everywhere. */
static void cycle_without_callers_gets_zero(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = cfn(p, 1, "main", 1);
    p2p_fid a = cfn(p, 2, "a", 1);
    p2p_fid b = cfn(p, 3, "b", 1);
    p2p_fid l = cfn(p, 4, "leaf", 1);
    ccall(p, m, a, 1, 3);
    ccall(p, a, b, 1, 3);
    ccall(p, b, m, 1, 3);
    ccall(p, b, l, 1, 1);
    ccall(p, b, b, 2, 1); /* a self call: never gets OUT */
    assert_int_equal(derive(p, P2P_DERIVE_CALLGRIND), 0);
    assert_int_equal(p->ncycles, 1);
    assert_true(ttr(&p->functions[m].ev) == 0.0);
    assert_true(ttr(&p->functions[a].ev) == 0.0);
    assert_true(ttr(&p->functions[b].ev) == 0.0);
    assert_true(ttr(&p->functions[l].ev) == 0.25);
    assert_true(ttr(&get(p, b, l)->ev) == 0.25);
    assert_true(p->cycles[0].ev.v[P2P_TOTAL_TIME_RATIO] == 0.75 + 0.25);
    assert_false(p2p_ev_has(&get(p, m, a)->ev, P2P_TOTAL_TIME_RATIO));
    assert_false(p2p_ev_has(&get(p, b, b)->ev, P2P_TOTAL_TIME_RATIO));
    assert_false(get(p, b, b)->has_ratio);
    /* gprof2dot's no-op step 1 overwrites profile[IN] with the sum */
    assert_true(p->ev.v[P2P_TIME_RATIO] == 1.0);
    assert_true(p->ev.v[P2P_TOTAL_TIME_RATIO] == 1.0);
    /* default pruning removes the whole cycle */
    p2p_prune_opts o = {0.005, 0.001, NULL, 0, false};
    p2p_prune(p, &o);
    assert_true(p->functions[m].removed && p->functions[a].removed && p->functions[b].removed);
    assert_false(p->functions[l].removed);
    p2p_profile_free(p);
}

/* gprof: all self times zero, every ratio 0/0 → 100%. */
static void gprof_all_zero(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_ev_set(&p->ev, P2P_TIME, 0.0);
    p2p_fid m = gfn(p, 1, "main", 0);
    p2p_fid x = gfn(p, 2, "x", 0);
    call(p, m, x, P2P_CALLS, 2);
    assert_int_equal(derive(p, P2P_DERIVE_GPROF), 0);
    assert_string_equal(pct(ttr(&p->functions[m].ev)), "100.00%");
    assert_string_equal(pct(ttr(&p->functions[x].ev)), "100.00%");
    assert_string_equal(pct(ttr(&get(p, m, x)->ev)), "100.00%");
    p2p_profile_free(p);
}

/* A function without IN is a format error, not a crash. */
static void missing_in_is_an_error(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = gfn(p, 1, "main", 1);
    p2p_fid x = fn(p, 2, "stub");
    call(p, m, x, P2P_CALLS, 1);
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_call_ratios(p, P2P_CALLS, &d), 0);
    assert_int_equal(p2p_integrate(p, P2P_TOTAL_TIME, P2P_TIME, &d), P2P_EFORMAT);
    assert_int_equal(d.code, P2P_EFORMAT);
    p2p_profile_free(p);
}

/* B5: a gprof <cycle> group that is not strongly connected, and recursion
 * outside any cycle, must not crash or loop. */
static void inconsistent_cycles_survive(void **state)
{
    (void)state;
    int warnings = 0;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p->warn = warn_count;
    p->warn_ctx = &warnings;
    p2p_ev_set(&p->ev, P2P_TIME, 0.0);
    assert_int_equal(p2p_profile_add_cycle(p), 0);
    p2p_fid m = gfn(p, 1, "main", 1);
    p2p_fid a = gfn(p, 2, "a", 1);
    p2p_fid b = gfn(p, 3, "b", 1);
    p2p_fid f = gfn(p, 4, "f", 1);
    p2p_fid g = gfn(p, 5, "g", 1);
    call(p, m, a, P2P_CALLS, 1);
    call(p, a, b, P2P_CALLS, 1); /* no way back: not a real cycle */
    call(p, b, f, P2P_CALLS, 1);
    call(p, f, g, P2P_CALLS, 1);
    call(p, g, f, P2P_CALLS, 1); /* recursion gprof did not report */
    call(p, g, a, P2P_CALLS, 1); /* and a way back into the group */
    assert_int_equal(p2p_profile_cycle_add(p, 0, a), 0);
    assert_int_equal(p2p_profile_cycle_add(p, 0, b), 0);
    assert_int_equal(derive(p, P2P_DERIVE_GPROF), 0);
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        assert_true(p2p_ev_has(&p->functions[i].ev, P2P_TOTAL_TIME_RATIO));
    assert_true(warnings > 0);
    p2p_profile_free(p);
}

#define BIG 1000000

/* A million-deep chain: each function 1 sample, each call carries what is
 * below it.  f0 covers everything, f[k] covers (BIG-k)/BIG. */
static void deep_chain(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    const char *name = p2p_profile_intern(p, "f", 1);
    for (int64_t i = 0; i < BIG; i++) {
        p2p_fid f = p2p_profile_add_int(p, i, name);
        p2p_ev_set(&p->functions[f].ev, P2P_SAMPLES, 1);
    }
    p2p_ev_set(&p->ev, P2P_SAMPLES, BIG);
    for (p2p_fid i = 0; i + 1 < BIG; i++)
        ccall(p, i, i + 1, 1, BIG - 1 - i);
    assert_int_equal(derive(p, P2P_DERIVE_CALLGRIND), 0);
    assert_int_equal(p->ncycles, 0);
    assert_true(fabs(ttr(&p->functions[0].ev) - 1.0) < 1e-9);
    assert_true(fabs(ttr(&p->functions[BIG / 2].ev) - 0.5) < 1e-9);
    assert_true(fabs(ttr(&p->functions[BIG - 1].ev) - 1.0 / BIG) < 1e-15);
    p2p_profile_free(p);
}

/* A million-member cycle entered once: f0 → f1 → ... → f[BIG-1] → f1. */
static void huge_cycle(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    const char *name = p2p_profile_intern(p, "f", 1);
    for (int64_t i = 0; i < BIG; i++) {
        p2p_fid f = p2p_profile_add_int(p, i, name);
        p2p_ev_set(&p->functions[f].ev, P2P_TIME, 1.0);
    }
    p2p_ev_set(&p->ev, P2P_TIME, BIG);
    for (p2p_fid i = 0; i + 1 < BIG; i++)
        call(p, i, i + 1, P2P_CALLS, 1);
    call(p, BIG - 1, 1, P2P_CALLS, 1);
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_find_cycles(p, &d), 0);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p2p_call_ratios(p, P2P_CALLS, &d), 0);
    assert_int_equal(p2p_integrate(p, P2P_TOTAL_TIME, P2P_TIME, &d), 0);
    assert_true(p->cycles[0].ev.v[P2P_TOTAL_TIME] == BIG - 1);
    assert_true(p->functions[0].ev.v[P2P_TOTAL_TIME] == BIG);
    /* internal edges all have ratio 1 here (one caller each, fun_total of
     * f1 counts the back edge too: 1/2) */
    assert_true(p->functions[1].ev.v[P2P_TOTAL_TIME] == BIG - 1);
    assert_true(p->functions[BIG - 1].ev.v[P2P_TOTAL_TIME] == 1.0);
    assert_false(p2p_ev_has(&get(p, BIG - 1, 1)->ev, P2P_TOTAL_TIME));
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cycle_prof_worked_example),
        cmocka_unit_test(direct_calls_match_recipe),
        cmocka_unit_test(entries_into_cycle),
        cmocka_unit_test(callgrind_zero_cost_calls_exceed_100),
        cmocka_unit_test(callgrind_all_zero),
        cmocka_unit_test(cycle_without_callers_gets_zero),
        cmocka_unit_test(gprof_all_zero),
        cmocka_unit_test(missing_in_is_an_error),
        cmocka_unit_test(inconsistent_cycles_survive),
        cmocka_unit_test(deep_chain),
        cmocka_unit_test(huge_cycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
