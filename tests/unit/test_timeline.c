/* Time-line accounting (src/parse/timeline.c): self, totals with recursion
 * counted once, the calls' SAMPLES2 and CALLS, and frames closed below the
 * top (overlapping trace events). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parse/timeline.h"

static p2p_profile *three(p2p_fid *f)
{
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    const char *names[] = {"main", "a", "b"};
    for (int i = 0; i < 3; i++)
        f[i] = p2p_profile_add_int(p, i, p2p_profile_intern(p, names[i], 1 + (i == 0) * 3));
    return p;
}

static double ev(const p2p_events *e, p2p_event k)
{
    assert_true(p2p_ev_has(e, k));
    return p2p_ev_get(e, k);
}

static double s2(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    uint32_t c = p2p_profile_find_call(p, a, b);
    assert_int_not_equal(c, P2P_NONE);
    return ev(&p->calls[c].ev, P2P_SAMPLES2);
}

static double calls(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    return ev(&p->calls[p2p_profile_find_call(p, a, b)].ev, P2P_CALLS);
}

static void nested_and_recursive(void **state)
{
    (void)state;
    p2p_fid f[3];
    p2p_profile *p = three(f);
    p2p_tl tl;
    p2p_tl_init(&tl, p, true);
    uint32_t m = p2p_tl_open(&tl, f[0], 0, true);
    uint32_t a1 = p2p_tl_open(&tl, f[1], 10, true);
    uint32_t a2 = p2p_tl_open(&tl, f[1], 20, true); /* a -> a */
    uint32_t b = p2p_tl_open(&tl, f[2], 30, true);
    p2p_tl_close(&tl, b, 40);
    p2p_tl_close(&tl, a2, 50);
    p2p_tl_close(&tl, a1, 60);
    p2p_tl_close(&tl, m, 100);
    p2p_tl_finish(&tl);
    assert_true(ev(&p->functions[f[0]].ev, P2P_SAMPLES) == 50);
    assert_true(ev(&p->functions[f[1]].ev, P2P_SAMPLES) == 40);
    assert_true(ev(&p->functions[f[1]].ev, P2P_TOTAL_SAMPLES) == 50); /* once */
    assert_true(ev(&p->functions[f[2]].ev, P2P_SAMPLES) == 10);
    assert_true(s2(p, f[0], f[1]) == 50);
    assert_true(s2(p, f[1], f[1]) == 30);
    assert_true(s2(p, f[1], f[2]) == 10);
    assert_true(calls(p, f[1], f[1]) == 1);
    assert_int_equal(p->functions[f[1]].called, 2);
    assert_true(ev(&p->ev, P2P_SAMPLES) == 100);
    p2p_tl_free(&tl);
    p2p_profile_free(p);
}

/* main [0,100), a [10,60), b [50,80): b outlives a and then stands on main. */
static void closing_below_the_top(void **state)
{
    (void)state;
    p2p_fid f[3];
    p2p_profile *p = three(f);
    p2p_tl tl;
    p2p_tl_init(&tl, p, true);
    tl.scale = 0.5;
    uint32_t m = p2p_tl_open(&tl, f[0], 0, true);
    uint32_t a = p2p_tl_open(&tl, f[1], 10, true);
    uint32_t b = p2p_tl_open(&tl, f[2], 50, true);
    p2p_tl_close(&tl, a, 60);
    assert_int_equal(p2p_tl_top(&tl), b);
    p2p_tl_close(&tl, b, 80);
    p2p_tl_close(&tl, m, 100);
    p2p_tl_finish(&tl);
    assert_true(ev(&p->functions[f[0]].ev, P2P_SAMPLES) == 15);
    assert_true(ev(&p->functions[f[1]].ev, P2P_SAMPLES) == 20);
    assert_true(ev(&p->functions[f[2]].ev, P2P_SAMPLES) == 15);
    assert_true(s2(p, f[0], f[2]) == 10);
    assert_true(calls(p, f[0], f[2]) == 0);
    assert_true(calls(p, f[1], f[2]) == 1);
    assert_true(ev(&p->ev, P2P_SAMPLES) == 50);
    p2p_tl_free(&tl);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_and_recursive),
        cmocka_unit_test(closing_below_the_top),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
