/* --ignore, --focus, --hide on hand-built graphs (src/analyse/names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"

static p2p_fid fn(p2p_profile *p, int64_t id, const char *name, double total)
{
    p2p_fid f = p2p_profile_add_int(p, id, p2p_profile_intern(p, name, strlen(name)));
    assert_int_not_equal(f, P2P_NONE);
    p2p_ev_set(&p->functions[f].ev, P2P_TOTAL_TIME_RATIO, total);
    return f;
}

static void call(p2p_profile *p, p2p_fid a, p2p_fid b, double total)
{
    uint32_t c = p2p_profile_get_call(p, a, b, NULL);
    assert_int_not_equal(c, P2P_NONE);
    p2p_ev_set(&p->calls[c].ev, P2P_TOTAL_TIME_RATIO, total);
    p2p_ev_set(&p->calls[c].ev, P2P_CALLS, 3);
}

static bool has_call(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    uint32_t c = p2p_profile_find_call(p, a, b);
    return c != P2P_NONE && !p->calls[c].removed;
}

/* The names of the live functions, in order, joined by spaces. */
static const char *live(p2p_profile *p)
{
    static char buf[256];
    buf[0] = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++)
        if (!p->functions[f].removed) {
            if (buf[0])
                strcat(buf, " ");
            strcat(buf, p->functions[f].name);
        }
    return buf;
}

static int run(p2p_profile *p, const char *ignore, const char *focus, const char *hide)
{
    const char *i[1] = {ignore}, *f[1] = {focus}, *h[1] = {hide};
    p2p_name_filter nf = {i, ignore != NULL, f, focus != NULL, h, hide != NULL};
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    return p2p_filter_names(p, &nf, &d);
}

/* A cycle that nothing calls is an entry point of its own: ignoring an
 * unrelated function keeps it; ignoring what alone leads to a cycle drops
 * the whole cycle. */
static void ignore_cycles(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid a = fn(p, 1, "a", 0.5), b = fn(p, 2, "b", 0.5);
    p2p_fid m = fn(p, 3, "main", 0.5), g = fn(p, 4, "gate", 0.5);
    p2p_fid c = fn(p, 5, "c", 0.4), e = fn(p, 6, "e", 0.4);
    call(p, a, b, 0.5);
    call(p, b, a, 0.5);
    call(p, m, g, 0.5);
    call(p, g, c, 0.4);
    call(p, c, e, 0.4);
    call(p, e, c, 0.4);
    assert_int_equal(run(p, "^gate$", NULL, NULL), 0);
    assert_string_equal(live(p), "a b main");
    assert_true(has_call(p, a, b) && has_call(p, b, a));
    assert_false(has_call(p, m, g));
    p2p_profile_free(p);
}

/* main -> m -> helper and main -> helper: the direct call is on no path
 * through m and goes, though both its ends stay. */
static void focus_calls(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid main_ = fn(p, 1, "main", 1), m = fn(p, 2, "m", 0.5), h = fn(p, 3, "helper", 0.7);
    p2p_fid o = fn(p, 4, "other", 0.2);
    call(p, main_, m, 0.5);
    call(p, m, h, 0.5);
    call(p, main_, h, 0.2);
    call(p, main_, o, 0.2);
    assert_int_equal(run(p, NULL, "^m$", NULL), 0);
    assert_string_equal(live(p), "main m helper");
    assert_true(has_call(p, main_, m));
    assert_true(has_call(p, m, h));
    assert_false(has_call(p, main_, h));
    /* numbers unchanged */
    assert_true(p->functions[main_].ev.v[P2P_TOTAL_TIME_RATIO] == 1.0);
    p2p_profile_free(p);

    /* no match: P2P_ENOTFOUND and the profile untouched */
    p = p2p_profile_new(P2P_ID_INT);
    main_ = fn(p, 1, "main", 1);
    assert_int_equal(run(p, NULL, "zzz", NULL), P2P_ENOTFOUND);
    assert_string_equal(live(p), "main");
    p2p_profile_free(p);
}

/* Hide joins with shares, no call count on a new call, the direct count
 * kept on an existing one, and no self call from x -> h -> x. */
static void hide_shares(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid x = fn(p, 1, "x", 1.0), y = fn(p, 2, "y", 0.2), h = fn(p, 3, "h", 0.8);
    p2p_fid u = fn(p, 4, "u", 0.6), v = fn(p, 5, "v", 0.3);
    call(p, x, h, 0.6);
    call(p, y, h, 0.2);
    call(p, h, u, 0.6);
    call(p, h, v, 0.1);
    call(p, h, x, 0.1);
    call(p, x, u, 0.05); /* direct */
    assert_int_equal(run(p, NULL, NULL, "^h$"), 0);
    assert_string_equal(live(p), "x y u v");
    uint32_t c = p2p_profile_find_call(p, x, u);
    /* 0.05 + 0.6/0.8*0.6 = 0.5 */
    assert_true(fabs(p->calls[c].ev.v[P2P_TOTAL_TIME_RATIO] - 0.5) < 1e-12);
    assert_true(p2p_ev_has(&p->calls[c].ev, P2P_CALLS));
    c = p2p_profile_find_call(p, y, u);
    assert_int_not_equal(c, P2P_NONE);
    assert_true(fabs(p->calls[c].ev.v[P2P_TOTAL_TIME_RATIO] - 0.15) < 1e-12);
    assert_false(p2p_ev_has(&p->calls[c].ev, P2P_CALLS));
    /* y -> h -> x: y -> x; x -> h -> x: nothing */
    assert_true(has_call(p, y, x));
    assert_int_equal(p2p_profile_find_call(p, x, x), P2P_NONE);
    p2p_profile_free(p);
}

static void bad_regex(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, "a", 1);
    const char *pats[] = {"ok", "a{"};
    p2p_name_filter nf = {NULL, 0, NULL, 0, pats, 2};
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_filter_names(p, &nf, &d), P2P_EUSAGE);
    assert_non_null(strstr(d.msg, "--hide: invalid regular expression 'a{'"));
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ignore_cycles),
        cmocka_unit_test(focus_calls),
        cmocka_unit_test(hide_shares),
        cmocka_unit_test(bad_regex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
