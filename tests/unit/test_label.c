/* Label tests: --strip, --wrap (against Python's textwrap), long-name
 * truncation and event formatting (SEMANTICS §8, §1.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/theme.h"

/* Expected values printed by python3 (3.11) running gprof2dot's
 * Function.stripped_name() regexes:
 *   _parenthesis_re = r'\([^()]*\)' (repeated), _const_re = r'\s+const$',
 *   _angles_re = r'<[^<>]*>' (repeated). */
static const char *const strip_cases[][2] = {
    {"std::vector<int> foo(int) const", "std::vector foo"},
    {"a(b(c)d", "a(bd"},
    {"operator()(int)", "operator"},
    {"x<y<z> >::f<a>(int (*)(char)) const", "x::f"},
    {"unbalanced< (", "unbalanced< ("},
    {"f() const\n", "f\n"},
    {"f()\xc2\xa0" "const", "f"}, /* U+00A0 is \s for Python's re */
    {"f() constant", "f constant"},
    {"f()  \t const", "f"},
    {"a const const", "a const"},
    {"g<(a)>", "g"},
    {")(", ")("},
    {"h<int>::k()const", "h::kconst"},
    {"", ""},
};

static void test_strip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof strip_cases / sizeof strip_cases[0]; i++) {
        char *s = p2p_label_strip(strip_cases[i][0]);
        assert_non_null(s);
        assert_string_equal(s, strip_cases[i][1]);
        free(s);
    }
}

/* Expected values printed by python3 (3.11) running gprof2dot's
 * DotWriter.wrap_function_name, i.e.
 *   if len(name) > 32: name = textwrap.fill(name, 32, break_long_words=False)
 *   name = name.replace(", ", ",").replace("> >", ">>").replace("> >", ">>")
 * on each input, then printed as C literals. */
static const char *const wrap_cases[][2] = {
    {"std::vector<int, std::allocator<int> >::push_back(int const&)",
     "std::vector<int,\nstd::allocator<int>\n>::push_back(int const&)"},
    {"a-very-long-hyphenated-function-name-with-many-parts",
     "a-very-long-hyphenated-function-\nname-with-many-parts"},
    {"verylongidentifierwithoutanybreaksatallwhatsoeverxyz",
     "verylongidentifierwithoutanybreaksatallwhatsoeverxyz"},
    {"short, name > > >",
     "short,name >>>"},
    {"map<std::string, std::vector<std::pair<int, int> > >",
     "map<std::string,\nstd::vector<std::pair<int,int>\n>>"},
    {"foo\tbar\tbaz qux quux corge grault garply waldo fred",
     "foo     bar     baz qux quux\ncorge grault garply waldo fred"},
    {"one two--three four-five six-seven eight nine ten eleven",
     "one two--three four-five six-\nseven eight nine ten eleven"},
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx y",
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ny"},
    {"   leading spaces then words that go on and on and on",
     "   leading spaces then words\nthat go on and on and on"},
    {"\xc3\xa9\xc3\xa8\xc3\xaa-\xc3\xaf\xc3\xb6 \xc3\xbc\xc3\xb1 \xc3\xa7\xc3\xa0\xc3\xb9 long unicode name with accents here ok",
     "\xc3\xa9\xc3\xa8\xc3\xaa-\xc3\xaf\xc3\xb6 \xc3\xbc\xc3\xb1 \xc3\xa7\xc3\xa0\xc3\xb9 long unicode name\nwith accents here ok"},
    {"a\nb\rc\x0b" "d\x0c" "e multiple whitespace kinds in a long name",
     "a b c d e multiple whitespace\nkinds in a long name"},
    {"1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16-17-18",
     "1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16-17-18"},
    {"operator<<(std::ostream&, foo const&) const and more",
     "operator<<(std::ostream&,foo\nconst&) const and more"},
    {"word_punct--dash ab--cd ef--gh ij--kl mn--op qr--st uv",
     "word_punct--dash ab--cd ef--gh\nij--kl mn--op qr--st uv"},
    {"boost::detail::function::void_function_obj_invoker0<boost::_bi::bind_t<void, boost::_mfi::mf0<void, "
     "Foo>, boost::_bi::list1<boost::_bi::value<Foo*> > >, void>::invoke(boost::detail::function::function_buffer&)",
     "boost::detail::function::void_function_obj_invoker0<boost::_bi::bind_t<void,\nboost::_mfi::mf0<void,Foo>,"
     "\nboost::_bi::list1<boost::_bi::value<Foo*>\n>>,\nvoid>::invoke(boost::detail::function::function_buffer&)"},
    {"abc-def-ghi-jkl-mno-pqr-stu-vwx-yz-abc-def-ghi",
     "abc-def-ghi-jkl-mno-pqr-stu-vwx-\nyz-abc-def-ghi"},
    {"a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w",
     "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-\nq-r-s-t-u-v-w"},
    {"non\xc2\xa0" "breaking\xc2\xa0" "spaces\xc2\xa0" "are\xc2\xa0" "not\xc2\xa0" "whitespace for textwrap",
     "non\xc2\xa0" "breaking\xc2\xa0" "spaces\xc2\xa0" "are\xc2\xa0" "not\xc2\xa0" "whitespace\nfor textwrap"},
    {"tab\tin\tthe\tmiddle\tof\ta\tlong\tname\there",
     "tab     in      the     middle\nof      a       long    name\nhere"},
    {"ends with spaces                                    ",
     "ends with spaces"},
    {"", ""},
    {"exactly thirty-two characters!!!", "exactly thirty-two characters!!!"},
};

static void test_wrap(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wrap_cases / sizeof wrap_cases[0]; i++) {
        char *s = p2p_label_wrap(wrap_cases[i][0]);
        assert_non_null(s);
        assert_string_equal(s, wrap_cases[i][1]);
        free(s);
    }
}

/* A string of `count` copies of the UTF-8 sequence `unit`. */
static char *repeat(const char *unit, size_t count)
{
    size_t u = strlen(unit);
    char *s = malloc(u * count + 1);
    assert_non_null(s);
    for (size_t i = 0; i < count; i++)
        memcpy(s + i * u, unit, u);
    s[u * count] = '\0';
    return s;
}

static void test_truncate(void **state)
{
    (void)state;
    static const char *units[] = {"a", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9d\x94\x98"};
    for (size_t k = 0; k < 4; k++) {
        size_t u = strlen(units[k]);
        bool cut = true;
        /* 4095 code points: kept */
        char *s = repeat(units[k], 4095);
        char *r = p2p_label_truncate(s, &cut);
        assert_false(cut);
        assert_string_equal(r, s);
        free(r);
        free(s);
        /* 4096 and more: the first 4095 code points and U+2026 */
        for (size_t n = 4096; n <= 5000; n += 904) {
            s = repeat(units[k], n);
            r = p2p_label_truncate(s, &cut);
            assert_true(cut);
            assert_int_equal(strlen(r), 4095 * u + 3);
            assert_memory_equal(r, s, 4095 * u);
            assert_string_equal(r + 4095 * u, "\xe2\x80\xa6");
            free(r);
            free(s);
        }
    }
    bool cut = true;
    char *r = p2p_label_truncate("main", &cut);
    assert_false(cut);
    assert_string_equal(r, "main");
    free(r);
}

static void check_event(p2p_event e, double v, const char *tf, const char *want)
{
    char buf[128];
    size_t n = p2p_label_event(e, v, tf, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

/* Expected strings as Python prints them: "%.02f%%" % (v*100.0), "%u" % v,
 * timeFormat % v. */
static void test_events(void **state)
{
    (void)state;
    check_event(P2P_TIME_RATIO, 0.5, NULL, "(50.00%)");
    check_event(P2P_TIME_RATIO, 0.123456, NULL, "(12.35%)");
    check_event(P2P_TIME_RATIO, 0.00125, NULL, "(0.12%)");
    check_event(P2P_TOTAL_TIME_RATIO, 1.0, NULL, "100.00%");
    check_event(P2P_TOTAL_TIME_RATIO, 11.0 / 6.0, NULL, "183.33%");
    check_event(P2P_TOTAL_TIME_RATIO, 0.0, NULL, "0.00%");
    check_event(P2P_CALLS, 3, NULL, "3\xc3\x97");
    check_event(P2P_CALLS, 0, NULL, "0\xc3\x97");
    check_event(P2P_CALLS, 1e10, NULL, "10000000000\xc3\x97");
    check_event(P2P_CALLS, 1e20, NULL, "100000000000000000000\xc3\x97");
    check_event(P2P_SAMPLES, 3.99, NULL, "3\xc3\x97");
    check_event(P2P_SAMPLES, -2.5, NULL, "-2\xc3\x97");
    check_event(P2P_SAMPLES2, 7, NULL, "7\xc3\x97");
    check_event(P2P_TIME, 0.16, NULL, "(0.16)");
    check_event(P2P_TIME, 0.16, "%.3e", "(1.600e-01)");
    check_event(P2P_TOTAL_TIME, 1.93, NULL, "1.93");
    check_event(P2P_TOTAL_TIME, 1234567.8, "%.7g", "1234568");
    check_event(P2P_TOTAL_TIME, 2.5, "%.1f s", "2.5 s");
    /* a format that would read a missing argument falls back to %.7g */
    check_event(P2P_TOTAL_TIME, 0.25, "%s", "0.25");
    check_event(P2P_TIME, 0.25, "%f %f", "(0.25)");

    /* snprintf-style: the full length is returned, the text cut */
    char small[5];
    assert_int_equal(p2p_label_event(P2P_TOTAL_TIME_RATIO, 1.0, NULL, small, sizeof small), 7);
    assert_string_equal(small, "100.");
    assert_int_equal(p2p_label_event(P2P_TIME, 0.16, NULL, small, sizeof small), 6);
    assert_string_equal(small, "(0.1");
    assert_int_equal(p2p_label_event(P2P_TIME, 0.16, NULL, small, 1), 6);
    assert_string_equal(small, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strip),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
