/* The pstats text reports (src/report/stats.c, pycompat.c): sort keys and
 * their prefixes, ties, limits, names, and the CPython pieces they borrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"
#include "report/pycompat.h"

typedef struct ent {
    const char *file;
    int line;
    const char *func;
    double cc, nc, tt, ct;
    uint32_t order; /* position in the stats dict */
} ent;

/* A pstats-like profile: one function per entry, as the pstats parser
 * leaves it. */
static p2p_profile *make(const ent *e, size_t n, int python)
{
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    assert_non_null(p);
    p->pstats_python = python;
    for (size_t i = 0; i < n; i++) {
        char name[128];
        int len = snprintf(name, sizeof name, "%s:%d:%s", e[i].file, e[i].line, e[i].func);
        p2p_fid f = p2p_profile_add_int(p, (int64_t)i, p2p_profile_intern(p, name, (size_t)len));
        assert_int_not_equal(f, P2P_NONE);
        p2p_function *fn = &p->functions[f];
        fn->filename = p2p_profile_intern(p, e[i].file, strlen(e[i].file));
        p2p_fn_stat *st = p2p_profile_fn_stat(p, f);
        assert_non_null(st);
        fn = &p->functions[f];
        st->func_name = p2p_profile_intern(p, e[i].func, strlen(e[i].func));
        st->line = e[i].line;
        fn->called = (int64_t)e[i].nc;
        fn->has_called = true;
        st->prim_called = (int64_t)e[i].cc;
        st->has_prim_called = true;
        st->in_stats = true;
        st->stats_order = e[i].order;
        p2p_ev_set(&fn->ev, P2P_TIME, e[i].tt);
        p2p_ev_set(&fn->ev, P2P_TOTAL_TIME, e[i].ct);
        p->pstats_total_tt += e[i].tt;
    }
    return p;
}

/* caller -> callee with the cProfile tuple (nc, cc, tt, ct). */
static void call(p2p_profile *p, p2p_fid a, p2p_fid b, double nc, double cc, double tt, double ct)
{
    uint32_t c = p2p_profile_get_call(p, a, b, NULL);
    assert_int_not_equal(c, P2P_NONE);
    p2p_call_stat *cs = p2p_profile_call_stat(p, c);
    assert_non_null(cs);
    cs->stat_n = 4;
    cs->stat[0] = nc;
    cs->stat[1] = cc;
    cs->stat[2] = tt;
    cs->stat[3] = ct;
    p2p_ev_set(&p->calls[c].ev, P2P_CALLS, cc);
}

/* The report as a string (free it). */
static char *report(const p2p_profile *p, const char *sort, const p2p_restriction *r, size_t nr, bool stats,
                    const char *callers, const char *callees)
{
    p2p_stats_opts o = {.sort = sort, .restrictions = r, .nrestrictions = nr, .print_stats = stats,
                        .callers = callers, .callees = callees};
    char *out = NULL;
    size_t len = 0;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_stats_report(p, &o, &out, &len, &d), 0);
    assert_int_equal(strlen(out), len);
    return out;
}

static int check_sort(const char *sort)
{
    p2p_stats_opts o = {.sort = sort, .print_stats = true};
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    return p2p_stats_check(&o, &d);
}

static void sort_keys(void **state)
{
    (void)state;
    /* every key of Python 3.7+, and the unique prefixes it accepts */
    const char *good[] = {"calls", "ncalls", "cumulative", "cumtime", "file", "filename", "module", "line",
                          "name", "nfl", "pcalls", "stdname", "time", "tottime", "cumu", "cumt", "ca", "nc",
                          "na", "nf", "f", "m", "l", "p", "s", "ti", "to", "cu", "time,name", "calls, name",
                          "-1", "0", "1", "2"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(check_sort(good[i]), 0);
    /* prefixes of two words are removed, as get_sort_arg_defs() removes
     * them; the old numbers only alone; keys are case-sensitive */
    const char *bad[] = {"c", "cum", "n", "t", "x", "Time", "time,", ",time", "calls,2", "-2", "3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(check_sort(bad[i]), P2P_EUSAGE);
    /* "cu" stays (cumtime enters it, cumulative stops at "cum", the first
     * prefix it shares): Python 3.13 accepts it too */
    assert_int_equal(check_sort("cu"), 0);
}

static void limits(void **state)
{
    (void)state;
    p2p_restriction r;
    assert_int_equal(p2p_restriction_parse_limit("5", &r, NULL), 0);
    assert_int_equal(r.kind, P2P_RESTRICT_COUNT);
    assert_int_equal(r.count, 5);
    assert_int_equal(p2p_restriction_parse_limit("-3", &r, NULL), 0);
    assert_int_equal(r.count, -3);
    assert_int_equal(p2p_restriction_parse_limit("0.5", &r, NULL), 0);
    assert_int_equal(r.kind, P2P_RESTRICT_FRACTION);
    assert_true(r.fraction == 0.5);
    assert_int_equal(p2p_restriction_parse_limit("1e-1", &r, NULL), 0);
    assert_true(r.fraction == 0.1);
    assert_int_equal(p2p_restriction_parse_limit(".25", &r, NULL), 0);
    assert_int_equal(p2p_restriction_parse_limit("1.", &r, NULL), 0);
    const char *bad[] = {"", "x", "5x", "0.5.1", "--1", "e", ".", "1e", "0x10", " 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(p2p_restriction_parse_limit(bad[i], &r, NULL), P2P_EUSAGE);
}

/* Four functions; b and c tie on time; the dict order is d, c, b, a. */
static const ent four[] = {
    {"a.py", 1, "a", 1, 1, 0.5, 4.0, 3},
    {"a.py", 2, "b", 1, 3, 0.25, 1.0, 2},
    {"b.py", 3, "c", 2, 2, 0.25, 2.0, 1},
    {"~", 0, "<built-in method d>", 0, 0, 0.0, 0.0, 0},
};

static void ties_follow_the_dict(void **state)
{
    (void)state;
    p2p_profile *p = make(four, 4, 3);
    char *s = report(p, "time", NULL, 0, true, NULL, NULL);
    assert_string_equal(s, "         6 function calls (4 primitive calls) in 1.000 seconds\n"
                           "\n"
                           "   Ordered by: internal time\n"
                           "\n"
                           "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
                           "        1    0.500    0.500    4.000    4.000 a.py:1(a)\n"
                           "        2    0.250    0.125    2.000    1.000 b.py:3(c)\n"
                           "      3/1    0.250    0.083    1.000    1.000 a.py:2(b)\n"
                           "        0    0.000             0.000          {built-in method d}\n"
                           "\n\n");
    free(s);
    /* no sort: the dict order */
    s = report(p, NULL, NULL, 0, true, NULL, NULL);
    assert_non_null(strstr(s, "   Random listing order was used\n\n   ncalls"));
    assert_true(strstr(s, "{built-in method d}") < strstr(s, "b.py:3(c)"));
    assert_true(strstr(s, "b.py:3(c)") < strstr(s, "a.py:2(b)"));
    free(s);
    /* several keys; names compare as strings */
    s = report(p, "file,name", NULL, 0, true, NULL, NULL);
    assert_non_null(strstr(s, "   Ordered by: file name, function name\n"));
    assert_true(strstr(s, "a.py:1(a)") < strstr(s, "a.py:2(b)"));
    assert_true(strstr(s, "a.py:2(b)") < strstr(s, "b.py:3(c)"));
    assert_true(strstr(s, "b.py:3(c)") < strstr(s, "{built-in"));
    free(s);
    s = report(p, "pcalls,stdname", NULL, 0, true, NULL, NULL);
    assert_non_null(strstr(s, "   Ordered by: primitive call count, standard name\n"));
    assert_true(strstr(s, "b.py:3(c)") < strstr(s, "a.py:1(a)"));
    assert_true(strstr(s, "a.py:1(a)") < strstr(s, "a.py:2(b)"));
    free(s);
    p2p_profile_free(p);
}

static void restrictions(void **state)
{
    (void)state;
    p2p_profile *p = make(four, 4, 3);
    /* a fraction keeps int(n * x + .5) */
    p2p_restriction half = {.kind = P2P_RESTRICT_FRACTION, .fraction = 0.5};
    char *s = report(p, "calls", &half, 1, true, NULL, NULL);
    assert_non_null(strstr(s, "   Ordered by: call count\n"
                              "   List reduced from 4 to 2 due to restriction <0.5>\n\n"));
    free(s);
    p2p_restriction tiny = {.kind = P2P_RESTRICT_FRACTION, .fraction = 0.125};
    s = report(p, "calls", &tiny, 1, true, NULL, NULL);
    assert_non_null(strstr(s, "restriction <0.125>\n")); /* int(0.5 + .5) = 1 */
    assert_non_null(strstr(s, "List reduced from 4 to 1"));
    free(s);
    /* nothing left: the header only, no "Ordered by" */
    p2p_restriction zero = {.kind = P2P_RESTRICT_COUNT, .count = 0};
    s = report(p, "calls", &zero, 1, true, NULL, NULL);
    assert_string_equal(s, "         6 function calls (4 primitive calls) in 1.000 seconds\n\n");
    free(s);
    /* counts out of range, fractions >= 1: no reduction, no line */
    p2p_restriction none[] = {{.kind = P2P_RESTRICT_COUNT, .count = 4},
                              {.kind = P2P_RESTRICT_COUNT, .count = -1},
                              {.kind = P2P_RESTRICT_FRACTION, .fraction = 1.0}};
    s = report(p, "calls", none, 3, true, NULL, NULL);
    assert_null(strstr(s, "List reduced"));
    free(s);
    /* a regular expression, shown as Python's repr() of the string */
    p2p_restriction re[] = {{.kind = P2P_RESTRICT_REGEX, .regex = "a\\.py|it's"},
                            {.kind = P2P_RESTRICT_COUNT, .count = 1}};
    s = report(p, "name", re, 2, true, NULL, NULL);
    assert_non_null(strstr(s, "   List reduced from 4 to 2 due to restriction <\"a\\\\.py|it's\">\n"
                              "   List reduced from 2 to 1 due to restriction <1>\n"));
    free(s);
    p2p_profile_free(p);
}

static void callers_and_callees(void **state)
{
    (void)state;
    p2p_profile *p = make(four, 4, 3);
    call(p, 0, 1, 1, 1, 0.25, 1.0);
    call(p, 1, 1, 2, 0, 0.0, 0.5);
    call(p, 0, 2, 2, 2, 0.25, 2.0);
    /* the name column: the longest name listed, plus 2 */
    char *s = report(p, "name", NULL, 0, false, "\\(b\\)|c\\)$", NULL);
    assert_string_equal(s, "   Ordered by: function name\n"
                           "   List reduced from 4 to 2 due to restriction <'\\\\(b\\\\)|c\\\\)$'>\n"
                           "\n"
                           "Function   was called by...\n"
                           "               ncalls  tottime  cumtime\n"
                           "a.py:2(b)  <-       1    0.250    1.000  a.py:1(a)\n"
                           "                  2/0    0.000    0.500  a.py:2(b)\n"
                           "b.py:3(c)  <-       2    0.250    2.000  a.py:1(a)\n"
                           "\n\n");
    free(s);
    s = report(p, "name", NULL, 0, false, NULL, "\\{");
    /* Python 3 prints a space after an arrow with nothing behind it */
    assert_non_null(strstr(s, "{built-in method d}  -> \n"));
    free(s);
    p->pstats_python = 2; /* Python 2's print statement does not */
    s = report(p, "name", NULL, 0, false, NULL, "\\{");
    assert_non_null(strstr(s, "{built-in method d}  ->\n"));
    free(s);
    p2p_profile_free(p);
}

static void other_formats(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p->cost_name = "Ir";
    p2p_ev_set(&p->ev, P2P_SAMPLES, 100);
    const char *names[] = {"main", "work"};
    double self[] = {10, 90}, total[] = {1.0, 0.9};
    for (int i = 0; i < 2; i++) {
        p2p_fid f = p2p_profile_add_int(p, i, p2p_profile_intern(p, names[i], strlen(names[i])));
        p->functions[f].called = 1;
        p->functions[f].has_called = true;
        p2p_ev_set(&p->functions[f].ev, P2P_SAMPLES, self[i]);
        p2p_ev_set(&p->functions[f].ev, P2P_TOTAL_TIME_RATIO, total[i]);
    }
    uint32_t c = p2p_profile_get_call(p, 0, 1, NULL);
    p2p_ev_set(&p->calls[c].ev, P2P_CALLS, 1);
    p2p_ev_set(&p->calls[c].ev, P2P_SAMPLES2, 90);
    char *s = report(p, "cumulative", NULL, 0, true, NULL, "main");
    assert_string_equal(s, "         2 function calls in 100 Ir\n"
                           "\n"
                           "   Ordered by: total Ir\n"
                           "\n"
                           "   ncalls  self Ir  percall total Ir  percall function\n"
                           "        1       10   10.000      100  100.000 main\n"
                           "        1       90   90.000       90   90.000 work\n"
                           "\n\n"
                           "   Ordered by: total Ir\n"
                           "   List reduced from 2 to 1 due to restriction <'main'>\n"
                           "\n"
                           "Function called...\n" /* ljust() never cuts */
                           "          ncalls total Ir\n"
                           "main  ->       1       90  work\n"
                           "\n\n");
    free(s);
    p2p_profile_free(p);
}

/* Values with a unit (pprof, speedscope, v8): seconds with decimals,
 * bytes and named counts in the headers and the total line. */
static void units(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p->unit = P2P_UNIT_SECONDS;
    p2p_ev_set(&p->ev, P2P_SAMPLES, 1.5);
    const char *names[] = {"main", "work"};
    double self[] = {0.25, 1.25}, total[] = {1.5, 1.25};
    for (int i = 0; i < 2; i++) {
        p2p_fid f = p2p_profile_add_int(p, i, p2p_profile_intern(p, names[i], strlen(names[i])));
        p2p_ev_set(&p->functions[f].ev, P2P_SAMPLES, self[i]);
        p2p_ev_set(&p->functions[f].ev, P2P_TOTAL_SAMPLES, total[i]);
    }
    char *s = report(p, "cumulative", NULL, 0, true, NULL, NULL);
    assert_string_equal(s, "         2 functions in 1.5 s\n"
                           "\n"
                           "   Ordered by: total s\n"
                           "\n"
                           "   ncalls   self s  percall  total s  percall function\n"
                           "        -    0.250             1.500          main\n"
                           "        -    1.250             1.250          work\n"
                           "\n\n");
    free(s);
    char text[64];
    p2p_profile_value_text(p, 0.000125, text, sizeof text);
    assert_string_equal(text, "0.000125 s");
    p->unit = P2P_UNIT_BYTES;
    p2p_profile_value_text(p, 1536, text, sizeof text);
    assert_string_equal(text, "1.50 kB");
    p2p_profile_value_text(p, 1023, text, sizeof text);
    assert_string_equal(text, "1023 B");
    p2p_profile_value_text(p, 3.0 * 1024 * 1024 * 1024, text, sizeof text);
    assert_string_equal(text, "3.00 GB");
    p->unit = P2P_UNIT_COUNT;
    p2p_profile_value_text(p, 12345678, text, sizeof text);
    assert_string_equal(text, "12345678 samples");
    p->cost_name = "alloc_objects";
    p2p_profile_value_text(p, 2.5, text, sizeof text);
    assert_string_equal(text, "2.5 alloc_objects");
    p2p_profile_total_text(p, text, sizeof text);
    assert_string_equal(text, "1.5 alloc_objects");
    p2p_profile_free(p);
}

static void python2_dict_order(void **state)
{
    (void)state;
    /* hash() of these tuples in Python 2.7.18 (64-bit, no -R) */
    assert_true(p2p_py2_key_hash("a.py", 1, "f") == 807008189819448819LL);
    assert_true(p2p_py2_key_hash("~", 0, "<len>") == -7642005022433032786LL);
    assert_true(p2p_py2_key_hash("", 0, "") == 1267304713960822739LL);
    assert_true(p2p_py2_key_hash("pstats_workload.py", 10, "fib") == -6271795384218240663LL);
    assert_true(p2p_py2_key_hash("x", -1, "y") == -5697616411535989570LL);
    /* d = {}; for i in range(20): d[("m.py", i, "f%d" % i)] = 1 */
    int64_t h[20];
    for (int i = 0; i < 20; i++) {
        char name[8];
        snprintf(name, sizeof name, "f%d", i);
        h[i] = p2p_py2_key_hash("m.py", i, name);
    }
    uint32_t order[20];
    assert_int_equal(p2p_py2_dict_order(h, 20, order), 0);
    static const uint32_t want[20] = {1, 15, 6, 14, 13, 9, 17, 2, 11, 5, 10, 12, 16, 19, 4, 18, 0, 3, 7, 8};
    assert_memory_equal(order, want, sizeof want);
}

static void python_repr(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *repr;
    } f[] = {{0.1, "0.1"},
             {1e-05, "1e-05"},
             {0.5, "0.5"},
             {1e16, "1e+16"},
             {123.0, "123.0"},
             {0.0001, "0.0001"},
             {1234567890123456.0, "1234567890123456.0"},
             {1e22, "1e+22"},
             {-0.0, "-0.0"},
             {1.0 / 3, "0.3333333333333333"},
             {5e-324, "5e-324"},
             {1.7976931348623157e308, "1.7976931348623157e+308"},
             {9999999999999998.0, "9999999999999998.0"},
             {0.001, "0.001"}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        char buf[40];
        p2p_py_float_repr(f[i].x, buf, sizeof buf);
        assert_string_equal(buf, f[i].repr);
    }
    static const struct {
        const char *s, *py3, *py2;
    } s[] = {{"abc", "'abc'", "'abc'"},
             {"it's", "\"it's\"", "\"it's\""},
             {"a\"b", "'a\"b'", "'a\"b'"},
             {"a'\"b", "'a\\'\"b'", "'a\\'\"b'"},
             {"back\\slash", "'back\\\\slash'", "'back\\\\slash'"},
             {"t\tn\n", "'t\\tn\\n'", "'t\\tn\\n'"},
             {"gr\xc3\xbc\xc3\x9f" "e", "'gr\xc3\xbc\xc3\x9f" "e'", "'gr\\xc3\\xbc\\xc3\\x9fe'"},
             {"\x7f\x01", "'\\x7f\\x01'", "'\\x7f\\x01'"}};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        for (int py2 = 0; py2 < 2; py2++) {
            p2p_buf b;
            p2p_buf_init(&b);
            p2p_py_str_repr(&b, s[i].s, py2);
            p2p_buf_putc(&b, '\0');
            assert_string_equal(b.data, py2 ? s[i].py2 : s[i].py3);
            p2p_buf_free(&b);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sort_keys),
        cmocka_unit_test(limits),
        cmocka_unit_test(ties_follow_the_dict),
        cmocka_unit_test(restrictions),
        cmocka_unit_test(callers_and_callees),
        cmocka_unit_test(other_formats),
        cmocka_unit_test(units),
        cmocka_unit_test(python2_dict_order),
        cmocka_unit_test(python_repr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
