/* Collapsed-stack parser (src/parse/collapse.c): gprof2dot's CollapseParser
 * semantics, its quirks, and the places where prof2png deliberately does
 * better (each test says so).  The .collapse files in tests/data/perf were
 * derived from the perf files there by make.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "samples_test.h"

#define DATA P2P_TEST_DATA "/perf/"

static int parse_text(const char *text, p2p_profile **p)
{
    return parse_with(p2p_parse_collapse, text, strlen(text), NULL, p);
}

static void stacks_give_samples_and_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("main;a;b 3\nmain;a 2\nmain;c 1\n", &p), 0);
    assert_int_equal(p->nfunctions, 4);
    /* created root first, as gprof2dot does */
    assert_string_equal(p->functions[0].id_str, "main");
    assert_string_equal(p->functions[1].id_str, "a");
    assert_string_equal(p->functions[2].id_str, "b");
    assert_string_equal(p->functions[3].id_str, "c");
    assert_null(F(p, "a")->module);
    assert_string_equal(F(p, "a")->name, "a");
    assert_true(self_of(p, "b") == 3);
    assert_true(self_of(p, "a") == 2);
    assert_true(self_of(p, "main") == 0);
    assert_true(total_of(p, "main") == 6);
    assert_true(total_of(p, "a") == 5);
    assert_true(s2_of(p, "main", "a") == 5);
    assert_true(s2_of(p, "a", "b") == 3);
    assert_true(s2_of(p, "main", "c") == 1);
    assert_true(samples_total(p) == 6);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

static void recursion_counts_totals_once_per_stack(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("main;f;f;f 2\n", &p), 0);
    assert_true(total_of(p, "f") == 2);
    assert_true(self_of(p, "f") == 2);
    assert_true(s2_of(p, "f", "f") == 4);
    p2p_profile_free(p);
}

/* py-spy's FUNC (FILE:LINE) frames: id FILE:FUNC, module FILE (whole). */
static void py_spy_frames(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("main (app.py:10);work (lib/x.py:20) 4\n"
                                "main (app.py:11);work (lib/x.py:25) 1\n"
                                "f (a:b.py:12) 1\n",
                                &p),
                     0);
    assert_int_equal(p->nfunctions, 3);
    assert_string_equal(F(p, "app.py:main")->name, "main");
    assert_string_equal(F(p, "app.py:main")->module, "app.py");
    assert_string_equal(F(p, "lib/x.py:work")->module, "lib/x.py");
    /* different lines of a function are one function */
    assert_true(self_of(p, "lib/x.py:work") == 5);
    assert_true(s2_of(p, "app.py:main", "lib/x.py:work") == 5);
    /* FILE runs to the last ':' */
    assert_string_equal(F(p, "a:b.py:f")->module, "a:b.py");
    p2p_profile_free(p);
}

/* Frames that are not FUNC (FILE:LINE) exactly are named by their text. */
static void other_frames_are_their_text(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "main (app.py)", "main  (a.py:1)", "f (a.py:1x)", "f (a.py:)", "(a.py:1)", " f (a.py:1)", "f(a.py:1)",
        "std::vector<int>::push_back(int const&)", "[unknown]", "f (a.py:1) ",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char line[256];
        snprintf(line, sizeof line, "%s 1\n", texts[i]);
        p2p_profile *p;
        assert_int_equal(parse_text(line, &p), 0);
        assert_int_equal(p->nfunctions, 1);
        if (strcmp(p->functions[0].id_str, texts[i]) || p->functions[0].module)
            fail_msg("'%s' became '%s'", texts[i], p->functions[0].id_str);
        p2p_profile_free(p);
    }
}

/* A plain frame "app.py:main" and py-spy's "main (app.py:1)" have one id
 * in gprof2dot: one function, named as first seen. */
static void colliding_ids_merge(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("app.py:main;x 1\nmain (app.py:1);x 2\n", &p), 0);
    assert_int_equal(p->nfunctions, 2);
    assert_string_equal(F(p, "app.py:main")->name, "app.py:main");
    assert_null(F(p, "app.py:main")->module);
    assert_true(s2_of(p, "app.py:main", "x") == 3);
    p2p_profile_free(p);
}

static void empty_frames(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("a;;b 1\n 5\n", &p), 0);
    assert_int_equal(p->nfunctions, 3);
    assert_true(self_of(p, "") == 5);
    assert_true(total_of(p, "") == 6);
    assert_true(s2_of(p, "a", "") == 1);
    assert_true(s2_of(p, "", "b") == 1);
    p2p_profile_free(p);
}

/* ---- counts ---------------------------------------------------------------- */

static void counts_as_python_int_reads_them(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("a 1_000\nb +5\nc 007\nd 12\t\ne 0\nf -2\n", &p), 0);
    assert_true(self_of(p, "a") == 1000);
    assert_true(self_of(p, "b") == 5);
    assert_true(self_of(p, "c") == 7);
    assert_true(self_of(p, "d") == 12);
    assert_true(self_of(p, "e") == 0);
    assert_true(self_of(p, "f") == -2);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

/* Two spaces before the count: the last frame keeps a trailing space, as
 * with gprof2dot's rsplit(' ', 1). */
static void count_after_the_last_space(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("a;b  5\nf (x.py:1) 2\n", &p), 0);
    assert_true(self_of(p, "b ") == 5);
    assert_true(self_of(p, "x.py:f") == 2);
    p2p_profile_free(p);
}

/* Where gprof2dot dies (ValueError), prof2png reads what flamegraph.pl
 * reads: a tab before the count, trailing whitespace, a decimal count. */
static void lenient_counts(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("a;b\t4\na;c 3 \na;d 2.5\na;e .5\n", &p), 0);
    assert_true(self_of(p, "b") == 4);
    assert_true(self_of(p, "c") == 3);
    assert_true(self_of(p, "d") == 2.5);
    assert_true(self_of(p, "e") == 0.5);
    assert_true(samples_total(p) == 10);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

/* Lines without a count are skipped with one warning (gprof2dot dies). */
static void lines_without_count_are_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("a;b 1\na;b\na;b x\na;b 1__0\na;b 1e3\na;b nan\na;c 2\n", &p), 0);
    assert_true(samples_total(p) == 3);
    assert_int_equal(nwarnings, 1);
    assert_warned("line 2: skipped 5 lines with no sample count");
    assert_warned("'a;b'");
    p2p_profile_free(p);
}

/* Blank lines are skipped (gprof2dot dies on them: deliberate). */
static void blank_lines_are_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("\nmain;a 1\n   \n\t\nmain;a 1", &p), 0);
    assert_true(samples_total(p) == 2);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

/* ---- encodings -------------------------------------------------------------- */

/* UTF-16 LE and BE with a byte-order mark, and CRLF, read as the UTF-8
 * file: gprof2dot keeps U+FEFF in the first frame of UTF-16LE input (so
 * "\ufeffstacks" and "stacks" are two nodes) and cannot read UTF-16BE. */
static void encodings_of_one_file(void **state)
{
    (void)state;
    static const char *const variants[] = {"fp-utf16le.collapse", "fp-utf16be.collapse", "fp-crlf.collapse"};
    p2p_profile *ref;
    assert_int_equal(parse_file_with(p2p_parse_collapse, DATA "fp.collapse", &ref), 0);
    assert_true(samples_total(ref) > 20);
    assert_string_equal(ref->functions[0].id_str, "stacks");
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, DATA "%s", variants[i]);
        p2p_profile *p;
        assert_int_equal(parse_file_with(p2p_parse_collapse, path, &p), 0);
        assert_same_profile(ref, p);
        p2p_profile_free(p);
    }
    p2p_profile_free(ref);
}

static void utf8_bom_and_lone_cr(void **state)
{
    (void)state;
    p2p_profile *a, *b;
    assert_int_equal(parse_text("main;a 1\nmain;b 2\n", &a), 0);
    assert_int_equal(parse_text("\xef\xbb\xbfmain;a 1\rmain;b 2\r", &b), 0);
    assert_same_profile(a, b);
    p2p_profile_free(a);
    p2p_profile_free(b);
}

static void invalid_utf8_is_replaced(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("caf\xe9;x\xff\xfey 1\n", &p), 0);
    assert_string_equal(p->functions[0].name, "caf\xef\xbf\xbd");
    assert_string_equal(p->functions[1].name, "x\xef\xbf\xbd\xef\xbf\xbdy");
    assert_int_equal(nwarnings, 1);
    assert_warned("line 1: invalid UTF-8 in function names was replaced by U+FFFD");
    p2p_profile_free(p);
}

/* ---- the perf file it came from ---------------------------------------------- */

static void same_samples_as_perf(void **state)
{
    (void)state;
    p2p_profile *c, *p;
    assert_int_equal(parse_file_with(p2p_parse_collapse, DATA "fp.collapse", &c), 0);
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "fp.perf", &p), 0);
    assert_true(samples_total(c) == samples_total(p));
    static const char *const names[] = {"main", "burn", "fib", "is_even", "is_odd", "work"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_true(by_name(c, names[i], P2P_SAMPLES) == by_name(p, names[i], P2P_SAMPLES));
        assert_true(by_name(c, names[i], P2P_TOTAL_SAMPLES) == by_name(p, names[i], P2P_TOTAL_SAMPLES));
    }
    /* the command is the root frame of every collapsed stack */
    assert_true(total_of(c, "stacks") == samples_total(c));
    p2p_profile_free(c);
    p2p_profile_free(p);
}

static void python_stacks(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_file_with(p2p_parse_collapse, DATA "py.collapse", &p), 0);
    int py = 0;
    for (uint32_t i = 0; i < p->nfunctions; i++)
        py += !strncmp(p->functions[i].name, "py::", 4);
    assert_true(py > 0);
    p2p_profile_free(p);
}

/* ---- deep stacks ----------------------------------------------------------- */

static void million_frame_line(void **state)
{
    (void)state;
    size_t n = 1000000, cap = n * 8 + 64, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)snprintf(t + len, cap - len, "main");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, cap - len, ";f%zu", i % 100);
    len += (size_t)snprintf(t + len, cap - len, ";leaf 7\nmain 1\n");
    p2p_profile *p;
    assert_int_equal(parse_with(p2p_parse_collapse, t, len, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 102);
    assert_true(self_of(p, "leaf") == 7);
    assert_true(total_of(p, "f5") == 7);
    assert_true(s2_of(p, "f5", "f6") == 7.0 * (n / 100));
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    assert_int_equal(p->ncycles, 1);
    p2p_profile_free(p);
    assert_int_equal(parse_with(p2p_parse_collapse, t, len, NULL, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES_CALLSTACKS, &diag), 0);
    assert_true(fabs(ttr(p, "f50") - 7.0 / 8.0) < 1e-12);
    p2p_profile_free(p);
    free(t);
}

/* ---- --total=callstacks (gprof2dot dies with a NameError) ------------------ */

static void callstacks_totals(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "f;g 1\ng 1\nmain;f;x 2\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES_CALLSTACKS, &diag), 0);
    assert_true(fabs(ttr(p, "f") - 0.75) < 1e-12);
    assert_true(fabs(ttr(p, "g") - 0.5) < 1e-12);
    assert_true(fabs(ttr(p, "main") - 0.5) < 1e-12);
    /* a call: its ratio (its share of the callee's incoming samples) times
     * the callee's total */
    assert_true(fabs(call_ttr(p, "f", "g") - 0.5) < 1e-12);
    assert_true(fabs(call_ttr(p, "main", "f") - 0.75) < 1e-12);
    p2p_profile_free(p);
    /* call ratios credit f with all of g */
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    assert_true(fabs(ttr(p, "f") - 1.0) < 1e-12);
    p2p_profile_free(p);
}

/* Collapsed stacks name no event: asking for one warns and changes nothing. */
static void event_option_is_ignored(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "main;a 1\n";
    assert_int_equal(parse_with(p2p_parse_collapse, t, strlen(t), "cycles", &p), 0);
    assert_true(samples_total(p) == 1);
    assert_warned("the event 'cycles' asked for is ignored");
    p2p_profile_free(p);
}

/* ---- errors ---------------------------------------------------------------- */

static void errors(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("", &p), 0);
    assert_int_equal(p->nfunctions, 0);
    p2p_profile_free(p);
    assert_int_equal(parse_text("\n<html>\n<body>\n", &p), P2P_EFORMAT);
    assert_int_equal(diag.line, 2);
    assert_diag("expected collapsed stacks such as 'main;parse;lex 12'");
    assert_diag("found '<html>'");
    const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0";
    assert_int_equal(parse_with(p2p_parse_collapse, bin, sizeof bin - 1, NULL, &p), P2P_EFORMAT);
    p2p_input in[2];
    p2p_input_from_memory(&in[0], "a", "a 1\n", 4);
    p2p_input_from_memory(&in[1], "b", "a 1\n", 4);
    assert_int_equal(p2p_parse_collapse(in, 2, NULL, &p, &diag), P2P_EUSAGE);
    assert_null(p);
    const p2p_format *f = p2p_format_find("collapse");
    assert_non_null(f);
    assert_int_equal(f->derive, P2P_DERIVE_SAMPLES);
    assert_false(f->multiple_inputs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stacks_give_samples_and_calls),
        cmocka_unit_test(recursion_counts_totals_once_per_stack),
        cmocka_unit_test(py_spy_frames),
        cmocka_unit_test(other_frames_are_their_text),
        cmocka_unit_test(colliding_ids_merge),
        cmocka_unit_test(empty_frames),
        cmocka_unit_test(counts_as_python_int_reads_them),
        cmocka_unit_test(count_after_the_last_space),
        cmocka_unit_test(lenient_counts),
        cmocka_unit_test(lines_without_count_are_skipped),
        cmocka_unit_test(blank_lines_are_skipped),
        cmocka_unit_test(encodings_of_one_file),
        cmocka_unit_test(utf8_bom_and_lone_cr),
        cmocka_unit_test(invalid_utf8_is_replaced),
        cmocka_unit_test(same_samples_as_perf),
        cmocka_unit_test(python_stacks),
        cmocka_unit_test(million_frame_line),
        cmocka_unit_test(callstacks_totals),
        cmocka_unit_test(event_option_is_ignored),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
