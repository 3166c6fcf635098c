/* --max-nodes (issue 8): the N heaviest functions, and implied (dotted)
 * calls through the dropped ones (src/analyse/maxnodes.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "prof2png/prof2png.h"

/* A function with TOTAL_TIME_RATIO `w` and TIME_RATIO `s`. */
static p2p_fid fn(p2p_profile *p, int64_t id, double w, double s)
{
    char name[16];
    size_t len = (size_t)snprintf(name, sizeof name, "f%d", (int)id);
    p2p_fid f = p2p_profile_add_int(p, id, p2p_profile_intern(p, name, len));
    assert_int_not_equal(f, P2P_NONE);
    p2p_ev_set(&p->functions[f].ev, P2P_TOTAL_TIME_RATIO, w);
    p2p_ev_set(&p->functions[f].ev, P2P_TIME_RATIO, s);
    return f;
}

static void call(p2p_profile *p, p2p_fid a, p2p_fid b, double w)
{
    uint32_t c = p2p_profile_get_call(p, a, b, NULL);
    assert_int_not_equal(c, P2P_NONE);
    p2p_ev_set(&p->calls[c].ev, P2P_CALLS, 1);
    p2p_ev_set(&p->calls[c].ev, P2P_TOTAL_TIME_RATIO, w);
}

/* The live call a->b: NULL when there is none. */
static const p2p_call *live(const p2p_profile *p, p2p_fid a, p2p_fid b)
{
    uint32_t c = p2p_profile_find_call(p, a, b);
    if (c == P2P_NONE || p->calls[c].removed)
        return NULL;
    return &p->calls[c];
}

static size_t nlive(const p2p_profile *p)
{
    size_t n = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++)
        n += !p->functions[i].removed;
    return n;
}

/*   f1 (1.0) -> f2 (0.9) -> f5, f6
 *   f1 -> f3 (0.1) -> f4 (0.05) -> f5 (0.5), f6 (0.5)
 *   f3 -> f5 directly, f3 -> f2, f3 -> f1 (back) */
static p2p_profile *sample(void)
{
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, 1.0, 0.0);
    fn(p, 2, 0.9, 0.1);
    fn(p, 3, 0.1, 0.9);
    fn(p, 4, 0.05, 0.01);
    fn(p, 5, 0.5, 0.3);
    fn(p, 6, 0.5, 0.3);
    call(p, 0, 1, 0.9);  /* f1 -> f2 */
    call(p, 0, 2, 0.1);  /* f1 -> f3 */
    call(p, 2, 3, 0.05); /* f3 -> f4 */
    call(p, 3, 4, 0.04); /* f4 -> f5 */
    call(p, 2, 4, 0.02); /* f3 -> f5: a narrower path than via f4 */
    call(p, 3, 5, 0.03); /* f4 -> f6 */
    call(p, 2, 1, 0.08); /* f3 -> f2: f1 -> f2 exists already */
    call(p, 2, 0, 0.01); /* f3 -> f1: back to f1, nothing drawn */
    call(p, 1, 4, 0.3);  /* f2 -> f5 */
    call(p, 1, 5, 0.4);  /* f2 -> f6 */
    p2p_prune_opts o = {0.0, 0.0, NULL, 0, false};
    p2p_prune(p, &o);
    return p;
}

static void heaviest_and_dotted(void **state)
{
    (void)state;
    p2p_profile *p = sample();
    uint32_t ncalls = p->ncalls;
    assert_int_equal(p2p_max_nodes(p, 4), 0);
    assert_int_equal(nlive(p), 4);
    /* f5 and f6 tie at 0.5: both kept with 4; f3, f4 dropped */
    assert_true(p->functions[2].removed && p->functions[3].removed);
    assert_false(p->functions[4].removed || p->functions[5].removed);
    /* kept calls stay as they were */
    const p2p_call *k = live(p, 0, 1);
    assert_non_null(k);
    assert_false(k->implied);
    assert_true(p2p_ev_has(&k->ev, P2P_CALLS));
    assert_non_null(live(p, 1, 4));
    assert_non_null(live(p, 1, 5));
    /* implied: f1 -> f5 by the widest path f1-f3-f4-f5 (min 0.04, not
     * f1-f3-f5's 0.02), f1 -> f6 by f1-f3-f4-f6 (0.03) */
    k = live(p, 0, 4);
    assert_non_null(k);
    assert_true(k->implied && k->has_weight);
    assert_true(k->weight == 0.04);
    assert_false(p2p_ev_has(&k->ev, P2P_CALLS) || p2p_ev_has(&k->ev, P2P_TOTAL_TIME_RATIO));
    k = live(p, 0, 5);
    assert_non_null(k);
    assert_true(k->implied && k->weight == 0.03);
    assert_null(live(p, 0, 0)); /* the way back to f1 draws nothing */
    assert_int_equal(p->ncalls, ncalls + 2);
    size_t nimplied = 0;
    for (uint32_t c = 0; c < p->ncalls; c++)
        nimplied += !p->calls[c].removed && p->calls[c].implied;
    assert_int_equal(nimplied, 2);
    p2p_profile_free(p);
}

static void ties_by_id(void **state)
{
    (void)state;
    p2p_profile *p = sample();
    assert_int_equal(p2p_max_nodes(p, 3), 0);
    assert_int_equal(nlive(p), 3);
    assert_false(p->functions[4].removed); /* f5 before f6 */
    assert_true(p->functions[5].removed);
    assert_null(live(p, 0, 5));
    p2p_profile_free(p);
}

static void no_limit(void **state)
{
    (void)state;
    p2p_profile *p = sample();
    uint32_t ncalls = p->ncalls;
    assert_int_equal(p2p_max_nodes(p, 0), 0);
    assert_int_equal(nlive(p), 6);
    assert_int_equal(p2p_max_nodes(p, 6), 0);
    assert_int_equal(p2p_max_nodes(p, 1000), 0);
    assert_int_equal(nlive(p), 6);
    assert_int_equal(p->ncalls, ncalls);
    p2p_profile_free(p);
}

static void by_selftime(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, 1.0, 0.0);
    fn(p, 2, 0.9, 0.1);
    fn(p, 3, 0.1, 0.9);
    call(p, 0, 1, 0.9);
    call(p, 1, 2, 0.1);
    p2p_prune_opts o = {0.0, 0.0, NULL, 0, true};
    p2p_prune(p, &o);
    assert_int_equal(p2p_max_nodes(p, 2), 0);
    /* self time: f3 (0.9) and f2 (0.1) beat f1 (0.0) */
    assert_true(p->functions[0].removed);
    assert_false(p->functions[1].removed || p->functions[2].removed);
    p2p_profile_free(p);
}

/* A call removed by -e between two kept functions comes back implied when
 * a path through dropped functions joins them. */
static void removed_call_reused(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, 1.0, 0.0);
    fn(p, 2, 0.2, 0.0);
    fn(p, 3, 0.8, 0.0);
    call(p, 0, 2, 0.0001); /* below -e */
    call(p, 0, 1, 0.2);
    call(p, 1, 2, 0.15);
    p2p_prune_opts o = {0.0, 0.001, NULL, 0, false};
    p2p_prune(p, &o);
    assert_null(live(p, 0, 2));
    uint32_t ncalls = p->ncalls;
    assert_int_equal(p2p_max_nodes(p, 2), 0);
    const p2p_call *k = live(p, 0, 2);
    assert_non_null(k);
    assert_true(k->implied && k->weight == 0.15);
    assert_false(p2p_ev_has(&k->ev, P2P_CALLS));
    assert_int_equal(p->ncalls, ncalls);
    p2p_profile_free(p);
}

/* The styled graph draws implied calls dotted, without label. */
static void dotted_in_graph(void **state)
{
    (void)state;
    p2p_profile *p = sample();
    assert_int_equal(p2p_max_nodes(p, 4), 0);
    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("color", &t), 0);
    p2p_graph *g;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_graph_build(p, &t, NULL, &g, &d), 0);
    size_t nedges = 0, ndotted = 0;
    for (size_t i = 0; i < g->nstmts; i++) {
        const p2p_gstmt *s = &g->stmts[i];
        if (!s->is_edge)
            continue;
        nedges++;
        bool dotted = false;
        const char *label = NULL;
        for (uint32_t j = 0; j < s->nattrs; j++) {
            if (strcmp(s->attrs[j].name, "style") == 0 && strcmp(s->attrs[j].value, "dotted") == 0)
                dotted = true;
            if (strcmp(s->attrs[j].name, "label") == 0)
                label = s->attrs[j].value;
        }
        assert_non_null(label);
        if (dotted) {
            ndotted++;
            assert_int_equal(s->a.num, 1);
            assert_true(s->b.num == 5 || s->b.num == 6);
            assert_string_equal(label, "");
        } else {
            assert_string_not_equal(label, "");
        }
    }
    assert_int_equal(nedges, 5); /* f1->f2, f1->f5, f1->f6, f2->f5, f2->f6 */
    assert_int_equal(ndotted, 2);
    p2p_graph_free(g);
    p2p_profile_free(p);
}

/* At most P2P_MAX_IMPLIED_PER_NODE implied calls leave one function: the
 * heaviest.  f1 -> hub (dropped) -> 12 kept leaves of weights 0.12 ... 0.01. */
static void implied_capped(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, 1.0, 0.0);
    fn(p, 2, 0.001, 0.0); /* the hub: lightest, dropped */
    call(p, 0, 1, 0.9);
    for (int i = 0; i < 12; i++) {
        p2p_fid leaf = fn(p, 10 + i, 0.5, 0.0);
        call(p, 1, leaf, 0.01 * (12 - i)); /* f10 0.12 ... f21 0.01 */
    }
    p2p_prune_opts o = {0.0, 0.0, NULL, 0, false};
    p2p_prune(p, &o);
    assert_int_equal(p2p_max_nodes(p, 13), 0);
    assert_true(p->functions[1].removed);
    for (int i = 0; i < 12; i++) {
        const p2p_call *k = live(p, 0, (p2p_fid)(2 + i));
        if (i < P2P_MAX_IMPLIED_PER_NODE) {
            assert_non_null(k);
            assert_true(k->implied && k->weight == 0.01 * (12 - i));
        } else {
            assert_null(k);
        }
    }
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heaviest_and_dotted),
        cmocka_unit_test(ties_by_id),
        cmocka_unit_test(no_limit),
        cmocka_unit_test(by_selftime),
        cmocka_unit_test(removed_call_reused),
        cmocka_unit_test(dotted_in_graph),
        cmocka_unit_test(implied_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
