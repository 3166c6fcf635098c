/* --root / --leaf / --depth and function selection (SEMANTICS.md §7.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"

static p2p_fid fn(p2p_profile *p, int64_t id, const char *name)
{
    p2p_fid f = p2p_profile_add_int(p, id, p2p_profile_intern(p, name, strlen(name)));
    assert_int_not_equal(f, P2P_NONE);
    return f;
}

static void call(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    assert_int_not_equal(p2p_profile_get_call(p, a, b, NULL), P2P_NONE);
}

static bool live_call(p2p_profile *p, p2p_fid a, p2p_fid b)
{
    uint32_t c = p2p_profile_find_call(p, a, b);
    assert_int_not_equal(c, P2P_NONE);
    return !p->calls[c].removed;
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

static void select_glob_and_duplicates(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid f1 = fn(p, 1, "foo");
    p2p_fid b = fn(p, 2, "bar");
    p2p_fid f2 = fn(p, 3, "foo");
    p2p_fid f3 = fn(p, 4, "foo");
    p2p_fid z = fn(p, 5, "fizz");
    p2p_fid gone = fn(p, 6, "fog");
    p->functions[gone].removed = true;
    (void)f1;
    (void)f2;
    (void)b;
    p2p_fid *ids;
    size_t n;
    assert_int_equal(p2p_select_functions(p, "f*", &ids, &n), 0);
    /* a name keeps the place of its first function and the id of its last */
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], f3);
    assert_int_equal(ids[1], z);
    free(ids);

    assert_int_equal(p2p_select_functions(p, "foo", &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], f3);
    free(ids);

    assert_int_equal(p2p_select_functions(p, "fo", &ids, &n), 0); /* whole name */
    assert_int_equal(n, 0);
    assert_null(ids);
    assert_int_equal(p2p_select_functions(p, "fog", &ids, &n), 0); /* pruned */
    assert_int_equal(n, 0);
    assert_null(ids);
    assert_int_equal(p2p_select_functions(p, "[!f]a?", &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], b);
    free(ids);
    assert_int_equal(p2p_select_functions(p, "F*", &ids, &n), 0); /* case-sensitive */
    assert_int_equal(n, 0);
    p2p_profile_free(p);
}

/* Python's fnmatch has no escapes, and `*` crosses '/' and leading dots;
 * `?` is one character even outside ASCII. */
static void select_like_python(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid a = fn(p, 1, "a\\b");
    p2p_fid s = fn(p, 2, "/usr/lib/x.py:1:.hidden");
    p2p_fid u = fn(p, 3, "caf\xc3\xa9");
    p2p_fid *ids;
    size_t n;
    assert_int_equal(p2p_select_functions(p, "a\\b", &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], a);
    free(ids);
    assert_int_equal(p2p_select_functions(p, "/usr*hidden", &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], s);
    free(ids);
    assert_int_equal(p2p_select_functions(p, "caf?", &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], u);
    free(ids);
    p2p_profile_free(p);
}

/*   r → a → b → x → y,   r → x,   b → r
 * Breadth-first: x is at distance 1 although the DFS-ish path reaches it at 3. */
static p2p_profile *graph(void)
{
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid r = fn(p, 1, "r"), a = fn(p, 2, "a"), b = fn(p, 3, "b"), x = fn(p, 4, "x"), y = fn(p, 5, "y");
    fn(p, 6, "lonely");
    call(p, r, a);
    call(p, a, b);
    call(p, b, x);
    call(p, x, y);
    call(p, r, x);
    call(p, b, r);
    return p;
}

static void root_depth_is_bfs(void **state)
{
    (void)state;
    p2p_profile *p = graph();
    p2p_fid r = 0;
    assert_int_equal(p2p_prune_root(p, &r, 1, 2), 0);
    assert_string_equal(live(p), "r a b x y");
    assert_true(live_call(p, 0, 1));
    assert_true(live_call(p, 2, 3)); /* b → x: both kept */
    assert_true(live_call(p, 2, 0)); /* b → r: both kept */
    p2p_profile_free(p);

    p = graph();
    assert_int_equal(p2p_prune_root(p, &r, 1, 1), 0);
    assert_string_equal(live(p), "r a x");
    assert_true(live_call(p, 0, 1));
    assert_true(live_call(p, 0, 3));
    assert_false(live_call(p, 1, 2));
    assert_false(live_call(p, 3, 4));
    assert_false(live_call(p, 2, 3)); /* caller gone */
    p2p_profile_free(p);

    p = graph();
    assert_int_equal(p2p_prune_root(p, &r, 1, 0), 0);
    assert_string_equal(live(p), "r");
    p2p_profile_free(p);

    p = graph();
    assert_int_equal(p2p_prune_root(p, &r, 1, -1), 0);
    assert_string_equal(live(p), "r a b x y");
    p2p_profile_free(p);
}

static void leaf_depth_is_bfs(void **state)
{
    (void)state;
    p2p_profile *p = graph();
    p2p_fid y = 4;
    assert_int_equal(p2p_prune_leaf(p, &y, 1, 2), 0);
    assert_string_equal(live(p), "r b x y");
    assert_true(live_call(p, 0, 3));
    assert_true(live_call(p, 2, 0));
    assert_false(live_call(p, 1, 2));
    p2p_profile_free(p);

    p = graph();
    assert_int_equal(p2p_prune_leaf(p, &y, 1, -1), 0);
    assert_string_equal(live(p), "r a b x y");
    p2p_profile_free(p);

    p = graph();
    p2p_fid two[] = {4, 1};
    assert_int_equal(p2p_prune_leaf(p, two, 2, 1), 0);
    assert_string_equal(live(p), "r a x y");
    p2p_profile_free(p);
}

/* Calls removed by the thresholds do not lead anywhere, and functions
 * removed before stay removed. */
static void removed_calls_do_not_lead(void **state)
{
    (void)state;
    p2p_profile *p = graph();
    p->calls[p2p_profile_find_call(p, 0, 3)].removed = true; /* r → x */
    p2p_fid r = 0;
    assert_int_equal(p2p_prune_root(p, &r, 1, 1), 0);
    assert_string_equal(live(p), "r a");
    p2p_profile_free(p);

    p = graph();
    p->functions[1].removed = true; /* a */
    assert_int_equal(p2p_prune_root(p, &r, 1, -1), 0);
    assert_string_equal(live(p), "r x y");
    p2p_profile_free(p);

    p = graph();
    p->calls[p2p_profile_find_call(p, 2, 3)].removed = true; /* b → x */
    p2p_fid y = 4;
    assert_int_equal(p2p_prune_leaf(p, &y, 1, 2), 0);
    assert_string_equal(live(p), "r x y"); /* b only at 3, via b → r → x */
    assert_false(live_call(p, 2, 3));
    p2p_profile_free(p);
}

#define BIG 1000000

static void deep_chain_root_leaf(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    const char *name = p2p_profile_intern(p, "f", 1);
    for (int64_t i = 0; i < BIG; i++)
        p2p_profile_add_int(p, i, name);
    for (p2p_fid i = 0; i + 1 < BIG; i++)
        call(p, i, i + 1);
    p2p_fid leaf = BIG - 1;
    assert_int_equal(p2p_prune_leaf(p, &leaf, 1, 10), 0);
    size_t n = 0;
    for (p2p_fid f = 0; f < BIG; f++)
        n += !p->functions[f].removed;
    assert_int_equal(n, 11);
    p2p_fid root = BIG - 11;
    assert_int_equal(p2p_prune_root(p, &root, 1, -1), 0);
    assert_false(p->functions[BIG - 1].removed);
    assert_true(p->functions[BIG - 12].removed);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(select_glob_and_duplicates),
        cmocka_unit_test(select_like_python),
        cmocka_unit_test(root_depth_is_bfs),
        cmocka_unit_test(leaf_depth_is_bfs),
        cmocka_unit_test(removed_calls_do_not_lead),
        cmocka_unit_test(deep_chain_root_leaf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
