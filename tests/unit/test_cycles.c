/* Tarjan cycle detection (SEMANTICS.md §5.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "prof2png/prof2png.h"

static p2p_profile *new_profile(size_t n)
{
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        int len = snprintf(name, sizeof name, "f%zu", i);
        assert_int_equal(p2p_profile_add_int(p, (int64_t)i, p2p_profile_intern(p, name, (size_t)len)), i);
    }
    return p;
}

static void call(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    assert_int_not_equal(p2p_profile_get_call(p, a, b, NULL), P2P_NONE);
}

static int find(p2p_profile *p)
{
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    return p2p_find_cycles(p, &d);
}

static void two_member_cycle_and_self_loop(void **state)
{
    (void)state;
    p2p_profile *p = new_profile(4);
    call(p, 0, 1);
    call(p, 1, 2);
    call(p, 2, 1);
    call(p, 3, 3); /* a self loop alone is not a cycle */
    call(p, 0, 3);
    assert_int_equal(find(p), 0);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p->cycles[0].nmembers, 2);
    assert_int_equal(p->cycles[0].members[0], 1);
    assert_int_equal(p->cycles[0].members[1], 2);
    assert_int_equal(p->functions[0].cycle, P2P_NONE);
    assert_int_equal(p->functions[1].cycle, 0);
    assert_int_equal(p->functions[2].cycle, 0);
    assert_int_equal(p->functions[3].cycle, P2P_NONE);
    p2p_profile_free(p);
}

/* Cycles come in the order of their first function, not of discovery. */
static void cycles_in_function_order(void **state)
{
    (void)state;
    p2p_profile *p = new_profile(6);
    call(p, 0, 4); /* the DFS from f0 finds {f4, f5} first */
    call(p, 4, 5);
    call(p, 5, 4);
    call(p, 2, 1);
    call(p, 1, 2);
    call(p, 3, 3);
    assert_int_equal(find(p), 0);
    assert_int_equal(p->ncycles, 2);
    assert_int_equal(p->functions[1].cycle, 0);
    assert_int_equal(p->functions[2].cycle, 0);
    assert_int_equal(p->functions[4].cycle, 1);
    assert_int_equal(p->functions[5].cycle, 1);
    assert_int_equal(p->cycles[0].members[0], 1);
    assert_int_equal(p->cycles[1].members[0], 4);
    p2p_profile_free(p);
}

/* Two loops sharing a function make one component; a tail hanging off a
 * cycle stays out of it. */
static void nested_loops_merge(void **state)
{
    (void)state;
    p2p_profile *p = new_profile(6);
    call(p, 0, 1);
    call(p, 1, 2);
    call(p, 2, 3);
    call(p, 3, 1);
    call(p, 3, 4);
    call(p, 4, 3);
    call(p, 4, 5);
    assert_int_equal(find(p), 0);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p->cycles[0].nmembers, 4);
    for (p2p_fid f = 1; f <= 4; f++)
        assert_int_equal(p->functions[f].cycle, 0);
    assert_int_equal(p->functions[0].cycle, P2P_NONE);
    assert_int_equal(p->functions[5].cycle, P2P_NONE);
    p2p_profile_free(p);
}

/* Removed functions and calls take no part. */
static void removed_calls_ignored(void **state)
{
    (void)state;
    p2p_profile *p = new_profile(3);
    call(p, 0, 1);
    call(p, 1, 0);
    call(p, 1, 2);
    call(p, 2, 1);
    p->calls[p2p_profile_find_call(p, 1, 0)].removed = true;
    p->functions[2].removed = true;
    assert_int_equal(find(p), 0);
    assert_int_equal(p->ncycles, 0);
    p2p_profile_free(p);
}

static void twice_is_refused(void **state)
{
    (void)state;
    p2p_profile *p = new_profile(2);
    call(p, 0, 1);
    call(p, 1, 0);
    assert_int_equal(find(p), 0);
    assert_int_equal(find(p), P2P_EUSAGE);
    assert_int_equal(p->ncycles, 1);
    p2p_profile_free(p);
}

#define BIG 1000000

/* No recursion: a million-deep chain, then a million-member cycle. */
static void deep_chain(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    const char *name = p2p_profile_intern(p, "f", 1);
    for (int64_t i = 0; i < BIG; i++)
        assert_int_equal(p2p_profile_add_int(p, i, name), (p2p_fid)i);
    for (p2p_fid i = 0; i + 1 < BIG; i++)
        call(p, i, i + 1);
    assert_int_equal(find(p), 0);
    assert_int_equal(p->ncycles, 0);
    p2p_profile_free(p);
}

static void huge_cycle(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    const char *name = p2p_profile_intern(p, "f", 1);
    for (int64_t i = 0; i < BIG; i++)
        assert_int_equal(p2p_profile_add_int(p, i, name), (p2p_fid)i);
    for (p2p_fid i = 0; i + 1 < BIG; i++)
        call(p, i, i + 1);
    call(p, BIG - 1, 1);
    assert_int_equal(find(p), 0);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p->cycles[0].nmembers, BIG - 1);
    assert_int_equal(p->cycles[0].members[0], 1);
    assert_int_equal(p->cycles[0].members[BIG - 2], BIG - 1);
    assert_int_equal(p->functions[0].cycle, P2P_NONE);
    p2p_profile_free(p);
}

/* p2p_profile_out_calls() lists each function's calls as its linked list
 * does, follows additions, and p2p_profile_live_callees() skips removed
 * calls and callees; p2p_profile_trim() changes no lookup. */
static void out_calls_follow_the_lists(void **state)
{
    (void)state;
    p2p_profile *p = new_profile(5);
    call(p, 3, 1);
    call(p, 0, 2);
    call(p, 3, 0);
    call(p, 0, 4);
    call(p, 2, 2);
    call(p, 3, 4);
    for (int round = 0; round < 2; round++) {
        const uint32_t *start, *out = p2p_profile_out_calls(p, &start);
        assert_non_null(out);
        assert_int_equal(start[p->nfunctions], p->ncalls);
        for (p2p_fid f = 0; f < p->nfunctions; f++) {
            uint32_t i = start[f];
            for (uint32_t c = p->functions[f].first_call; c != P2P_NONE; c = p->calls[c].next)
                assert_int_equal(out[i++], c);
            assert_int_equal(i, start[f + 1]);
        }
        p2p_profile_trim(p);
        assert_int_equal(p2p_profile_find_call(p, 3, 0), 2);
        assert_int_equal(p2p_profile_find_int(p, 4), 4);
        call(p, 1, 3); /* round 2 sees the new call */
    }
    p->calls[p2p_profile_find_call(p, 3, 0)].removed = true;
    p->functions[4].removed = true;
    const uint32_t *start, *out = p2p_profile_out_calls(p, &start);
    assert_non_null(out);
    uint32_t live[16];
    assert_int_equal(p2p_profile_live_callees(p, live), 0);
    for (uint32_t i = 0; i < p->ncalls; i++) {
        const p2p_call *k = &p->calls[out[i]];
        assert_int_equal(live[i], k->removed || k->callee == 4 ? P2P_NONE : k->callee);
    }
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_member_cycle_and_self_loop),
        cmocka_unit_test(cycles_in_function_order),
        cmocka_unit_test(nested_loops_merge),
        cmocka_unit_test(removed_calls_ignored),
        cmocka_unit_test(twice_is_refused),
        cmocka_unit_test(deep_chain),
        cmocka_unit_test(huge_cycle),
        cmocka_unit_test(out_calls_follow_the_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
