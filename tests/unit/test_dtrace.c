/* DTrace stack parser (src/parse/dtrace.c): gprof2dot's DtraceParser
 * semantics, its quirks, and the places where prof2png deliberately does
 * better (each test says so).  tests/data/perf/fp.dtrace was derived from
 * fp.perf beside it by make.sh (this machine has no dtrace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "samples_test.h"

#define DATA P2P_TEST_DATA "/perf/"

static int parse_text(const char *text, p2p_profile **p)
{
    return parse_with(p2p_parse_dtrace, text, strlen(text), NULL, p);
}

static const char two_stacks[] = "CPU     ID                    FUNCTION:NAME\n"
                                 "  1  29684                        :tick-60s \n"
                                 "\n"
                                 "\n"
                                 "              prog`c+0x1\n"
                                 "              prog`b+0x2\n"
                                 "              /usr/lib/libc.so.1`a\n"
                                 "                3\n"
                                 "\n"
                                 "              prog`b+0x9\n"
                                 "              /usr/lib/libc.so.1`a+0x10\n"
                                 "                2\n";

static void stacks_give_samples_and_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(two_stacks, &p), 0);
    assert_int_equal(p->nfunctions, 3);
    /* created leaf first; id SYMBOL:MODULE, module its last component */
    assert_string_equal(p->functions[0].id_str, "c:prog");
    assert_string_equal(p->functions[1].id_str, "b:prog");
    assert_string_equal(p->functions[2].id_str, "a:/usr/lib/libc.so.1");
    assert_string_equal(F(p, "a:/usr/lib/libc.so.1")->module, "libc.so.1");
    assert_string_equal(F(p, "a:/usr/lib/libc.so.1")->name, "a");
    assert_true(self_of(p, "c:prog") == 3);
    assert_true(self_of(p, "b:prog") == 2);
    assert_true(total_of(p, "a:/usr/lib/libc.so.1") == 5);
    assert_true(total_of(p, "b:prog") == 5);
    assert_true(s2_of(p, "a:/usr/lib/libc.so.1", "b:prog") == 5);
    assert_true(s2_of(p, "b:prog", "c:prog") == 3);
    assert_true(samples_total(p) == 5);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

static void recursion_counts_totals_once_per_stack(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("  p`f+0x1\n  p`f+0x9\n  p`main\n  4\n", &p), 0);
    assert_true(total_of(p, "f:p") == 4);
    assert_true(s2_of(p, "f:p", "f:p") == 4);
    p2p_profile_free(p);
}

typedef struct {
    const char *line, *id, *name, *module;
} frame_case;

/* Expected values from gprof2dot's call_re / addr2_re run in Python. */
static const frame_case frames[] = {
    {"  mod`sym+0x1f", "sym:mod", "sym", "mod"},
    /* trailing spaces stay in SYMBOL, and then the offset stays too */
    {"  mod`sym+0x1f  ", "sym+0x1f  :mod", "sym+0x1f  ", "mod"},
    {"  mod`sym+0xzz", "sym+0xzz:mod", "sym+0xzz", "mod"},
    /* MODULE runs to the last backtick */
    {"  a`b`c", "c:a`b", "c", "a`b"},
    {"  mod`", ":mod", "", "mod"},
    /* no address for [unknown] here, unlike perf */
    {"  mod`[unknown]", "[unknown]:mod", "[unknown]", "mod"},
    {"              pd-server`runtime.goexit+0x1", "runtime.goexit:pd-server", "runtime.goexit", "pd-server"},
    {"              tikv-server`std::sys::unix::condvar::Condvar::wait_timeout::hf7824e92f3fa1cc8+0xe4",
     "std::sys::unix::condvar::Condvar::wait_timeout::hf7824e92f3fa1cc8:tikv-server",
     "std::sys::unix::condvar::Condvar::wait_timeout::hf7824e92f3fa1cc8", "tikv-server"},
    {"\t/a/b c/lib x.dylib`f g", "f g:/a/b c/lib x.dylib", "f g", "lib x.dylib"},
    /* deliberate: a backtick frame that is not indented (gprof2dot dies) */
    {"prog`main+0x4", "main:prog", "main", "prog"},
    /* deliberate: CPUThrottle is a frame, not the column header that
     * gprof2dot takes it for (it drops it and the next line) */
    {"  CPUThrottle`run", "run:CPUThrottle", "run", "CPUThrottle"},
};

static void frame_lines_match_gprof2dot(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s\n  1\n", frames[i].line);
        p2p_profile *p;
        assert_int_equal(parse_text(text, &p), 0);
        if (p->nfunctions != 1)
            fail_msg("'%s': %u functions", frames[i].line, p->nfunctions);
        const p2p_function *f = &p->functions[0];
        if (strcmp(f->id_str, frames[i].id) || strcmp(f->name, frames[i].name) || strcmp(f->module, frames[i].module))
            fail_msg("'%s': id '%s' name '%s' module '%s'", frames[i].line, f->id_str, f->name, f->module);
        p2p_profile_free(p);
    }
}

/* Deliberate: a frame without a backtick (an unresolved address) is a
 * function named by its text, with no module (gprof2dot dies). */
static void bare_address_frames(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("  0x7fff5fc01000\n  prog`main\n  2\n", &p), 0);
    assert_int_equal(p->nfunctions, 2);
    assert_null(F(p, "0x7fff5fc01000")->module);
    assert_true(self_of(p, "0x7fff5fc01000") == 2);
    assert_true(s2_of(p, "main:prog", "0x7fff5fc01000") == 2);
    p2p_profile_free(p);
}

/* The line after a CPU header line is skipped whatever it is, as in
 * gprof2dot; headers may come again (dtrace -o appends). */
static void cpu_header_lines(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("CPU     ID                    FUNCTION:NAME\n"
                                "  p`lost\n"
                                "  p`f\n  1\n"
                                "  CPU     ID     FUNCTION:NAME\n"
                                "  1  29684  :tick-60s\n"
                                "  p`f\n  2\n",
                                &p),
                     0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(self_of(p, "f:p") == 3);
    p2p_profile_free(p);
}

static void counts_and_blank_lines(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("\n  p`a\n\n   \n  1_0\n  p`b\n+3\n  7\n  p`c\n  -1\n", &p), 0);
    assert_true(self_of(p, "a:p") == 10);
    assert_true(self_of(p, "b:p") == 3);
    assert_true(self_of(p, "c:p") == -1);
    /* a count with no frames before it adds nothing, as in gprof2dot */
    assert_true(samples_total(p) == 12);
    p2p_profile_free(p);
}

/* Deliberate: a last stack without a count is dropped with a warning, and
 * lines that are neither frames nor counts are skipped with one (gprof2dot
 * dies on both). */
static void bad_lines_are_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("  p`a\n  1\ngarbage here\nmore garbage\n  p`b\n  p`c\n", &p), 0);
    assert_true(samples_total(p) == 1);
    assert_int_equal(p->nfunctions, 1);
    assert_int_equal(nwarnings, 2);
    assert_warned("line 5: the last stack (2 frames) has no count line after it");
    assert_warned("line 3: skipped 2 lines that are neither a frame nor a count, the first is 'garbage here'");
    p2p_profile_free(p);
}

static void latin1_is_replaced(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("  caf\xe9`na\xefve\n  1\n", &p), 0);
    assert_string_equal(p->functions[0].name, "na\xef\xbf\xbdve");
    assert_string_equal(p->functions[0].module, "caf\xef\xbf\xbd");
    assert_warned("line 2: invalid UTF-8 in function names was replaced by U+FFFD");
    p2p_profile_free(p);
}

static void utf16_and_crlf(void **state)
{
    (void)state;
    p2p_profile *a, *b, *c;
    assert_int_equal(parse_text(two_stacks, &a), 0);
    size_t n = strlen(two_stacks);
    unsigned char *be = malloc(2 * n + 2);
    char *crlf = malloc(2 * n);
    assert_true(be && crlf);
    be[0] = 0xfe, be[1] = 0xff;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        be[2 + 2 * i] = 0, be[3 + 2 * i] = (unsigned char)two_stacks[i];
        if (two_stacks[i] == '\n')
            crlf[k++] = '\r';
        crlf[k++] = two_stacks[i];
    }
    assert_int_equal(parse_with(p2p_parse_dtrace, be, 2 * n + 2, NULL, &b), 0);
    assert_int_equal(parse_with(p2p_parse_dtrace, crlf, k, NULL, &c), 0);
    assert_same_profile(a, b);
    assert_same_profile(a, c);
    p2p_profile_free(a);
    p2p_profile_free(b);
    p2p_profile_free(c);
    free(be);
    free(crlf);
}

/* fp.dtrace holds the stacks of fp.perf, aggregated: the same samples. */
static void same_samples_as_perf(void **state)
{
    (void)state;
    p2p_profile *t, *p;
    assert_int_equal(parse_file_with(p2p_parse_dtrace, DATA "fp.dtrace", &t), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "fp.perf", &p), 0);
    assert_true(samples_total(t) == samples_total(p));
    static const char *const names[] = {"main", "burn", "fib", "is_even", "is_odd", "work"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_true(by_name(t, names[i], P2P_SAMPLES) == by_name(p, names[i], P2P_SAMPLES));
        assert_true(by_name(t, names[i], P2P_TOTAL_SAMPLES) == by_name(p, names[i], P2P_TOTAL_SAMPLES));
    }
    assert_int_equal(p2p_derive_events(t, P2P_DERIVE_SAMPLES, &diag), 0);
    assert_true(fabs(ttr(t, "main:stacks") - 1.0) < 1e-9);
    p2p_profile_free(t);
    p2p_profile_free(p);
}

static void million_frame_stack(void **state)
{
    (void)state;
    size_t n = 1000000, cap = n * 24 + 64, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)snprintf(t + len, cap - len, "  p`leaf\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, cap - len, "  p`rec+0x%zx\n", i % 5);
    len += (size_t)snprintf(t + len, cap - len, "  p`main\n  9\n");
    p2p_profile *p;
    assert_int_equal(parse_with(p2p_parse_dtrace, t, len, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 3);
    assert_true(s2_of(p, "rec:p", "rec:p") == 9.0 * (double)(n - 1));
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES_CALLSTACKS, &diag), 0);
    assert_true(fabs(ttr(p, "rec:p") - 1.0) < 1e-12);
    p2p_profile_free(p);
    free(t);
}

static void errors(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("", &p), 0);
    assert_int_equal(p->nfunctions, 0);
    p2p_profile_free(p);
    assert_int_equal(parse_text("CPU ID\n  1 2 :tick\n", &p), 0);
    p2p_profile_free(p);
    assert_int_equal(parse_text("\nhello world\n", &p), P2P_EFORMAT);
    assert_int_equal(diag.line, 2);
    assert_diag("expected DTrace stacks");
    assert_diag("line 2 is 'hello world'");
    p2p_input in[2];
    p2p_input_from_memory(&in[0], "a", "  p`f\n  1\n", 10);
    p2p_input_from_memory(&in[1], "b", "  p`f\n  1\n", 10);
    assert_int_equal(p2p_parse_dtrace(in, 2, NULL, &p, &diag), P2P_EUSAGE);
    assert_null(p);
    const p2p_format *f = p2p_format_find("dtrace");
    assert_non_null(f);
    assert_int_equal(f->derive, P2P_DERIVE_SAMPLES);
    assert_false(f->multiple_inputs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stacks_give_samples_and_calls),
        cmocka_unit_test(recursion_counts_totals_once_per_stack),
        cmocka_unit_test(frame_lines_match_gprof2dot),
        cmocka_unit_test(bare_address_frames),
        cmocka_unit_test(cpu_header_lines),
        cmocka_unit_test(counts_and_blank_lines),
        cmocka_unit_test(bad_lines_are_skipped),
        cmocka_unit_test(latin1_is_replaced),
        cmocka_unit_test(utf16_and_crlf),
        cmocka_unit_test(same_samples_as_perf),
        cmocka_unit_test(million_frame_stack),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
