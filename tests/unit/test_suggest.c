/* Function matching and near matches (src/analyse/suggest.c), and the
 * --list-functions text (src/style/listing.c). */
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

static p2p_fid sfn(p2p_profile *p, const char *name)
{
    const char *s = p2p_profile_intern(p, name, strlen(name));
    p2p_fid f = p2p_profile_add_str(p, s, s);
    assert_int_not_equal(f, P2P_NONE);
    return f;
}

/* The names of near matches of `pattern`, joined by '|'. */
static const char *near(const p2p_profile *p, const char *pattern, const bool *consider)
{
    static char buf[512];
    p2p_fid out[5];
    size_t n = 99;
    assert_int_equal(p2p_near_matches(p, pattern, consider, out, 5, &n), 0);
    assert_true(n <= 5);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, "|");
        strcat(buf, p->functions[out[i]].name);
    }
    return buf;
}

static void match_all_with_duplicates(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, "foo");
    fn(p, 2, "bar");
    fn(p, 3, "foo");
    p2p_fid gone = fn(p, 4, "fog");
    p->functions[gone].removed = true;
    p2p_fid *ids;
    size_t n;
    /* unlike p2p_select_functions, every function of a name, in index order */
    assert_int_equal(p2p_match_functions(p, "fo?", NULL, &ids, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 2);
    free(ids);
    /* with a mask, removed functions count */
    bool all[4] = {true, true, true, true};
    assert_int_equal(p2p_match_functions(p, "fo?", all, &ids, &n), 0);
    assert_int_equal(n, 3);
    free(ids);
    assert_int_equal(p2p_match_functions(p, "nothing", NULL, &ids, &n), 0);
    assert_null(ids);
    assert_int_equal(n, 0);
    p2p_profile_free(p);
}

static void near_matches_ranked(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    fn(p, 1, "main");
    fn(p, 2, "domain_check");
    fn(p, 3, "Main");
    fn(p, 4, "demo:21:main");
    fn(p, 5, "fibonacci");
    fn(p, 6, "demo:9:fibonacci");
    fn(p, 7, "unrelated");
    fn(p, 8, "main"); /* a duplicate name is listed once */
    /* a swap of two letters is one edit */
    assert_string_equal(near(p, "mian", NULL), "Main|main|demo:21:main");
    /* case first, then substrings (shortest first), then by name */
    assert_string_equal(near(p, "MAIN", NULL), "Main|main|demo:21:main|domain_check");
    /* the glob's literal text is what is compared; the last component
     * (after ':') is compared too */
    assert_string_equal(near(p, "*fibonaci*", NULL), "fibonacci|demo:9:fibonacci");
    assert_string_equal(near(p, "zzzzzz", NULL), "");
    /* the mask limits the candidates */
    bool some[8] = {false, false, false, false, true, true, true, false};
    assert_string_equal(near(p, "main", some), "");
    p2p_profile_free(p);

    /* at equal distance, live functions before pruned ones */
    p = p2p_profile_new(P2P_ID_INT);
    p2p_fid pruned = fn(p, 1, "mia");
    fn(p, 2, "mjan");
    p->functions[pruned].removed = true;
    bool both[2] = {true, true};
    assert_string_equal(near(p, "mian", both), "mjan|mia");
    p2p_profile_free(p);
}

static void missing_from_other(void **state)
{
    (void)state;
    p2p_profile *a = p2p_profile_new(P2P_ID_STRING), *b = p2p_profile_new(P2P_ID_STRING);
    sfn(a, "main");
    sfn(a, "old");
    sfn(b, "main");
    p2p_fid nw = sfn(b, "new");
    p2p_fid pruned = sfn(b, "pruned_new");
    b->functions[pruned].removed = true;
    p2p_fid *ids;
    size_t n;
    assert_int_equal(p2p_functions_missing_from(b, a, &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], nw);
    free(ids);
    /* a removed function of `other` still has its name */
    a->functions[1].removed = true;
    sfn(b, "old");
    assert_int_equal(p2p_functions_missing_from(b, a, &ids, &n), 0);
    assert_int_equal(n, 1);
    free(ids);
    p2p_profile_free(a);
    p2p_profile_free(b);
}

static char *list(const p2p_profile *p, const char *sel, const char *format)
{
    char *out;
    size_t len;
    assert_int_equal(p2p_list_functions(p, sel, format, &out, &len), 0);
    assert_int_equal(strlen(out), len);
    return out;
}

static void listing_forms(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid m = fn(p, 2, "main");
    p2p_fid f = fn(p, 4, "fib");
    p2p_fid g = fn(p, 7, "gone");
    p->functions[g].removed = true;
    p2p_ev_set(&p->functions[m].ev, P2P_TIME, 0.0);
    p2p_ev_set(&p->functions[m].ev, P2P_TIME_RATIO, 0.0);
    p2p_ev_set(&p->functions[m].ev, P2P_TOTAL_TIME, 0.39);
    p2p_ev_set(&p->functions[m].ev, P2P_TOTAL_TIME_RATIO, 1.0);
    p->functions[m].weight = 1.0;
    p->functions[m].has_weight = true;
    p->functions[f].called = 21891;
    p->functions[f].has_called = true;
    uint32_t c = p2p_profile_get_call(p, m, f, NULL);
    p2p_ev_set(&p->calls[c].ev, P2P_CALLS, 1);
    p2p_ev_set(&p->calls[c].ev, P2P_TOTAL_TIME_RATIO, 0.25);

    /* '+' and '*': "ID:\tNAME" of the live functions, as gprof2dot */
    char *s = list(p, "+", "prof");
    assert_string_equal(s, "2:\tmain,\n4:\tfib\n");
    free(s);
    s = list(p, "*", "prof");
    assert_string_equal(s, "2:\tmain,\n4:\tfib\n");
    free(s);
    /* a glob: the names */
    s = list(p, "[fm]*", "prof");
    assert_string_equal(s, "main,\nfib\n");
    free(s);
    s = list(p, "nothing", "prof");
    assert_string_equal(s, "\n");
    free(s);

    /* '%': gprof2dot's dump.  Deliberate differences (gprof2dot prints
     * Python object reprs with memory addresses): the class is
     * 'prof2png.Function' where gprof2dot has '__main__.Function', a call
     * shows its events where gprof2dot has "<__main__.Call object at
     * 0x...>", a cycle is "<prof2png.Cycle object #N>".  "({k})" is
     * gprof2dot's own literal text. */
    s = list(p, "%main", "prof");
    assert_string_equal(s, "main\t({k})\t(<class 'prof2png.Function'>)::\n"
                           "\tcalled:=None,\n"
                           "\tcalls:={4: <prof2png.Call object {Calls: 1, Total time ratio: 0.25}>},\n"
                           "\tcycle:=None,\n"
                           "\tevents:={Time: 0.0, Time ratio: 0.0, Total time: 0.39, Total time ratio: 1.0},\n"
                           "\tfilename:=None,\n"
                           "\tid:=2,\n"
                           "\tmodule:=None,\n"
                           "\tname:=main,\n"
                           "\tprocess:=None,\n"
                           "\tweight:=1.0\n"
                           "\n");
    free(s);
    /* pstats' parser sets Total time first, as gprof2dot's dict shows */
    s = list(p, "%main", "pstats");
    assert_non_null(strstr(s, "events:={Total time: 0.39, Time: 0.0, Time ratio: 0.0, Total time ratio: 1.0}"));
    free(s);
    /* two dumps are joined by ",\n" after each one's own "\n" */
    s = list(p, "%*", "prof");
    assert_non_null(strstr(s, "weight:=1.0\n,\nfib\t({k})"));
    assert_non_null(strstr(s, "\tcalled:=21891,\n"));
    free(s);
    p2p_profile_free(p);
}

static void listing_string_ids(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_STRING);
    p2p_fid m = sfn(p, "main");
    p2p_fid q = sfn(p, "it's");
    p2p_ev_set(&p->functions[m].ev, P2P_SAMPLES, 130090.0);
    p2p_profile_get_call(p, m, q, NULL);
    /* callgrind costs are Python floats; call keys are repr()'d */
    char *s = list(p, "%main", "callgrind");
    assert_non_null(strstr(s, "\tcalls:={\"it's\": <prof2png.Call object {}>},\n"));
    assert_non_null(strstr(s, "\tevents:={Samples: 130090.0},\n"));
    assert_non_null(strstr(s, "\tid:=main,\n"));
    free(s);
    /* perf samples are Python ints */
    s = list(p, "%main", "perf");
    assert_non_null(strstr(s, "\tevents:={Samples: 130090},\n"));
    free(s);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(match_all_with_duplicates),
        cmocka_unit_test(near_matches_ranked),
        cmocka_unit_test(missing_from_other),
        cmocka_unit_test(listing_forms),
        cmocka_unit_test(listing_string_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
