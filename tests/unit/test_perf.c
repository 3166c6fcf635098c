/* perf script parser (src/parse/perf.c) and the sampled-stack recipes of
 * src/analyse/derive.c: every line form gprof2dot's PerfParser reads, its
 * quirks, and the places where prof2png deliberately does better (each test
 * says so).  tests/data/perf holds real `perf script` output made by
 * make.sh beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "samples_test.h"

#define DATA P2P_TEST_DATA "/perf/"

static int parse_text(const char *text, p2p_profile **p)
{
    return parse_with(p2p_parse_perf, text, strlen(text), NULL, p);
}

static const char two_stacks[] = "prog 1234  10.000001:     500000 cpu-clock: \n"
                                 "\t            1010 c+0x1 (/bin/prog)\n"
                                 "\t            1020 b+0x2 (/bin/prog)\n"
                                 "\t            1030 a (/bin/prog)\n"
                                 "\n"
                                 "prog 1234  10.000502:     500000 cpu-clock: \n"
                                 "\t            1025 b+0x7 (/bin/prog)\n"
                                 "\t            1033 a+0x3 (/bin/prog)\n"
                                 "\n";

/* ---- the model of a stack ---------------------------------------------- */

static void stacks_give_samples_and_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(two_stacks, &p), 0);
    assert_int_equal(p->id_kind, P2P_ID_STRING);
    assert_int_equal(p->nfunctions, 3);
    /* created leaf first, as gprof2dot does */
    assert_string_equal(p->functions[0].id_str, "c:/bin/prog");
    assert_string_equal(p->functions[1].id_str, "b:/bin/prog");
    assert_string_equal(p->functions[2].id_str, "a:/bin/prog");
    assert_string_equal(F(p, "b:/bin/prog")->name, "b");
    assert_string_equal(F(p, "b:/bin/prog")->module, "prog");
    assert_true(self_of(p, "c:/bin/prog") == 1);
    assert_true(self_of(p, "b:/bin/prog") == 1);
    assert_true(self_of(p, "a:/bin/prog") == 0);
    assert_true(total_of(p, "a:/bin/prog") == 2);
    assert_true(total_of(p, "b:/bin/prog") == 2);
    assert_true(total_of(p, "c:/bin/prog") == 1);
    assert_true(s2_of(p, "a:/bin/prog", "b:/bin/prog") == 2);
    assert_true(s2_of(p, "b:/bin/prog", "c:/bin/prog") == 1);
    assert_null(C(p, "b:/bin/prog", "a:/bin/prog"));
    assert_true(samples_total(p) == 2);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

static void recursion_counts_totals_once_per_stack(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "prog 1 1.0: 1 cpu-clock: \n"
                    "\t 10 fib+0x5 (/bin/p)\n"
                    "\t 11 fib+0x20 (/bin/p)\n"
                    "\t 11 fib+0x20 (/bin/p)\n"
                    "\t 12 main+0x9 (/bin/p)\n"
                    "\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_true(self_of(p, "fib:/bin/p") == 1);
    assert_true(total_of(p, "fib:/bin/p") == 1);
    /* every adjacent pair counts, so the self call twice */
    assert_true(s2_of(p, "fib:/bin/p", "fib:/bin/p") == 2);
    assert_true(s2_of(p, "main:/bin/p", "fib:/bin/p") == 1);
    p2p_profile_free(p);
}

/* ---- frame lines, matched as gprof2dot's regular expression ------------ */

typedef struct {
    const char *line, *id, *name, *module;
} frame_case;

/* Expected values from gprof2dot's call_re / addr2_re run in Python. */
static const frame_case frames[] = {
    {"\t 1234 main+0x10 (/tmp/a.out)", "main:/tmp/a.out", "main", "a.out"},
    /* MODULE follows the last " (": a deleted binary splits oddly */
    {"\t 1234 main+0x10 (/tmp/a.out (deleted))", "main+0x10 (/tmp/a.out:deleted)", "main+0x10 (/tmp/a.out", "deleted)"},
    /* no symbol: the address names it */
    {"\t 1234  (/lib/x.so)", "1234:/lib/x.so", "1234", "x.so"},
    {"\t 1234   (/lib/x.so)", "1234:/lib/x.so", "1234", "x.so"},
    {"\t    7f0d203261e0 [unknown] ([unknown])", "7f0d203261e0:[unknown]", "7f0d203261e0", "[unknown]"},
    {"\t 5 [unknown]+0x3 ([unknown])", "5:[unknown]", "5", "[unknown]"},
    /* extra spaces before " (" stay in the name, and then +0x stays too */
    {"\t 1234 foo  (mod)", "foo :mod", "foo ", "mod"},
    {"\t 1234 foo+0x1f  (mod)", "foo+0x1f :mod", "foo+0x1f ", "mod"},
    /* only a last +0x<hex> goes */
    {"\t 1234 foo+0x1+0x2 (mod)", "foo+0x1:mod", "foo+0x1", "mod"},
    {"\t 1234 foo+0x (mod)", "foo+0x:mod", "foo+0x", "mod"},
    {"\t 1234 foo+0xag (mod)", "foo+0xag:mod", "foo+0xag", "mod"},
    {"\t 1234 a (b) (c)", "a (b):c", "a (b)", "c"},
    {"\t abc def (x)()", "def:x)(", "def", "x)("},
    {"\t 12 f ()", "f:", "f", ""},
    {"\t12 std::vector<int, std::allocator<int> >::push_back(int const&)+0x2f (/bin/x)",
     "std::vector<int, std::allocator<int> >::push_back(int const&):/bin/x",
     "std::vector<int, std::allocator<int> >::push_back(int const&)", "x"},
    /* DWARF unwinding names inlined frames' module "inlined" */
    {"\t           27304 __libc_start_main_impl+0x84 (inlined)", "__libc_start_main_impl:inlined",
     "__libc_start_main_impl", "inlined"},
    /* Python 3.12 -X perf trampolines */
    {"\t    7fcc34bac7cc py::churn:/src/pyfib.py+0x5 (/tmp/perf-27925.map)", "py::churn:/src/pyfib.py:/tmp/perf-27925.map",
     "py::churn:/src/pyfib.py", "perf-27925.map"},
    {"\t    7fcc34bac493 py::_Environ:<frozen os>+0x5 (/tmp/perf-1.map)", "py::_Environ:<frozen os>:/tmp/perf-1.map",
     "py::_Environ:<frozen os>", "perf-1.map"},
    /* spaces, not a tab, are fine */
    {"  1234 g (m)", "g:m", "g", "m"},
};

static void frame_lines_match_gprof2dot(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "prog 1 1.0: 1 cpu-clock: \n%s\n\n", frames[i].line);
        p2p_profile *p;
        assert_int_equal(parse_text(text, &p), 0);
        if (p->nfunctions != 1)
            fail_msg("'%s': %u functions", frames[i].line, p->nfunctions);
        const p2p_function *f = &p->functions[0];
        if (strcmp(f->id_str, frames[i].id) || strcmp(f->name, frames[i].name) || strcmp(f->module, frames[i].module))
            fail_msg("'%s': id '%s' name '%s' module '%s'", frames[i].line, f->id_str, f->name, f->module);
        assert_true(self_of(p, frames[i].id) == 1);
        p2p_profile_free(p);
    }
}

/* Lines that are not frames inside a stack: gprof2dot fails an assertion;
 * prof2png skips them with one warning (deliberate). */
static void non_frame_lines_in_a_stack_are_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "prog 1 1.0: 1 cpu-clock: \n"
                    "\t 10 leaf (/bin/p)\n"
                    "  prog.c:12\n"       /* perf script -F +srcline */
                    "\t 12g f (x)\n"      /* not hex */
                    "\t 12 f (x) \n"      /* trailing space */
                    "\t 20 main (/bin/p)\n"
                    "\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p->nfunctions, 2);
    assert_true(s2_of(p, "main:/bin/p", "leaf:/bin/p") == 1);
    assert_int_equal(nwarnings, 1);
    assert_warned("line 3: skipped 3 lines inside stacks");
    assert_warned("prog.c:12");
    p2p_profile_free(p);
}

/* ---- headers, comments, blank lines ------------------------------------ */

static void comments_and_blank_lines(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "# ========\n"
                    "# captured on    : Sun Nov 23 2025\n"
                    "# ========\n"
                    "#\n"
                    "\n"
                    "\n"
                    "prog 1 1.0: 1 cpu-clock: \n"
                    "\t 10 leaf (/bin/p)\n"
                    "# a comment inside a stack\n"
                    "\t 20 main (/bin/p)\n"
                    "   \n"    /* spaces only: a blank line (gprof2dot asserts) */
                    "\n"
                    "\n"       /* blank lines in a row (gprof2dot asserts) */
                    "prog 1 1.1: 1 cpu-clock: \n"
                    "\t 10 leaf (/bin/p)\n"; /* no blank line at the end */
    assert_int_equal(parse_text(t, &p), 0);
    assert_true(samples_total(p) == 2);
    assert_true(self_of(p, "leaf:/bin/p") == 2);
    assert_true(s2_of(p, "main:/bin/p", "leaf:/bin/p") == 1);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

/* A header right after a stack, with no blank line, starts a new event
 * (gprof2dot fails an assertion: deliberate). */
static void header_without_blank_line_starts_an_event(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "prog 1 1.0: 1 cpu-clock: \n"
                    "\t 10 leaf (/bin/p)\n"
                    "\t 20 main (/bin/p)\n"
                    "prog 1 1.1: 1 cpu-clock: \n"
                    "\t 20 main (/bin/p)\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_true(samples_total(p) == 2);
    assert_true(self_of(p, "main:/bin/p") == 1);
    assert_true(self_of(p, "leaf:/bin/p") == 1);
    p2p_profile_free(p);
}

static void header_with_no_stack_counts_nothing(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "prog 1 1.0: 1 cpu-clock: \n"
                    "\n"
                    "prog 1 1.1: 1 cpu-clock: \n"
                    "\t 20 main (/bin/p)\n"
                    "\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_true(samples_total(p) == 1);
    p2p_profile_free(p);
}

/* ---- recordings without call graphs (gprof2dot asserts: deliberate) ---- */

static void no_callgraph_lines_are_samples(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t =
        "        cycles_g 15075   832.635320:     500000 cpu-clock:      7f304f3a00c0 do_lookup_x+0x360 (/lib/ld.so)\n"
        "        cycles_g 15075   832.635817:     500000 cpu-clock:      557b5bb061c2 fib+0x19 (/tmp/bin/cycles_g)\n"
        "             cc1 15076   832.636315:     500000 cpu-clock:      557b5bb061d2 fib+0x29 (/tmp/bin/cycles_g)\n"
        "        cycles_g 15075   832.636821:     500000 cpu-clock:  ffffffff813620e2 [unknown] ([kernel.kallsyms])\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p->nfunctions, 3);
    assert_int_equal(p->ncalls, 0);
    assert_true(samples_total(p) == 4);
    /* the hex-looking command "cc1" is a header, not a frame */
    assert_true(self_of(p, "fib:/tmp/bin/cycles_g") == 2);
    assert_true(total_of(p, "fib:/tmp/bin/cycles_g") == 2);
    assert_true(self_of(p, "do_lookup_x:/lib/ld.so") == 1);
    assert_true(self_of(p, "ffffffff813620e2:[kernel.kallsyms]") == 1);
    p2p_profile_free(p);
}

static void no_callgraph_file(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "nocallgraph.perf", &p), 0);
    assert_int_equal(p->ncalls, 0);
    assert_true(samples_total(p) >= 10);
    assert_true(by_name(p, "burn", P2P_SAMPLES) > samples_total(p) / 2);
    /* every line a sample: the selves add up to the total */
    double s = 0;
    for (uint32_t i = 0; i < p->nfunctions; i++)
        s += p->functions[i].ev.v[P2P_SAMPLES];
    assert_true(s == samples_total(p));
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    p2p_profile_free(p);
}

/* ---- several events ----------------------------------------------------- */

static const char two_events[] = "prog 1 1.0:     500000 cpu-clock:u: \n"
                                 "\t 10 a (/bin/p)\n"
                                 "\n"
                                 "prog 1 1.1:          1 page-faults:u: \n"
                                 "\t 11 b (/bin/p)\n"
                                 "\n"
                                 "prog 1 1.2:     500000 cpu-clock:u: \n"
                                 "\t 10 a (/bin/p)\n"
                                 "\n";

/* All events count, as in gprof2dot, with a warning that names them. */
static void several_events_are_added_with_a_warning(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(two_events, &p), 0);
    assert_true(samples_total(p) == 3);
    assert_warned("samples of 2 events are counted together: cpu-clock:u (2), page-faults:u (1)");
    p2p_profile_free(p);
}

/* opts->event keeps the samples of one event (an addition). */
static void event_option_keeps_one_event(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_with(p2p_parse_perf, two_events, strlen(two_events), "page-faults:u", &p), 0);
    assert_true(samples_total(p) == 1);
    assert_int_equal(p->nfunctions, 1);
    assert_true(self_of(p, "b:/bin/p") == 1);
    p2p_profile_free(p);
    assert_int_equal(parse_with(p2p_parse_perf, two_events, strlen(two_events), "cycles", &p), P2P_EUSAGE);
    assert_diag("no sample of event 'cycles'");
    assert_diag("cpu-clock:u (2), page-faults:u (1)");
}

static void multievent_file(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "multievent.perf", &p), 0);
    assert_warned("cpu-clock:u");
    assert_warned("page-faults:u");
    double all = samples_total(p);
    p2p_profile_free(p);
    p2p_input in;
    assert_int_equal(p2p_input_read(DATA "multievent.perf", &in, &diag), 0);
    assert_int_equal(parse_with(p2p_parse_perf, in.data, in.size, "cpu-clock:u", &p), 0);
    double cpu = samples_total(p);
    p2p_profile_free(p);
    assert_int_equal(parse_with(p2p_parse_perf, in.data, in.size, "page-faults:u", &p), 0);
    double pf = samples_total(p);
    p2p_profile_free(p);
    p2p_input_release(&in);
    assert_true(cpu > 0 && pf > 0 && cpu + pf == all);
}

/* ---- real files ----------------------------------------------------------- */

static double main_total(p2p_profile *p)
{
    return by_name(p, "main", P2P_TOTAL_SAMPLES);
}

static void frame_pointer_file(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "fp.perf", &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(samples_total(p) > 20);
    /* every sample of the program is under main */
    assert_true(main_total(p) == samples_total(p));
    /* fib calls itself; is_even and is_odd call each other */
    bool fib_loop = false, even_odd = false;
    for (uint32_t c = 0; c < p->ncalls; c++) {
        const char *a = p->functions[p->calls[c].caller].name, *b = p->functions[p->calls[c].callee].name;
        fib_loop |= !strcmp(a, "fib") && !strcmp(b, "fib");
        even_odd |= !strcmp(a, "is_even") && !strcmp(b, "is_odd");
    }
    assert_true(fib_loop && even_odd);
    assert_true(by_name(p, "burn", P2P_SAMPLES) > 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    /* is_even/is_odd make a cycle */
    assert_true(p->ncycles >= 1);
    p2p_profile_free(p);
}

static void dwarf_file(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "dwarf.perf", &p), 0);
    assert_true(samples_total(p) > 10);
    bool inlined = false;
    for (uint32_t i = 0; i < p->nfunctions; i++)
        inlined |= p->functions[i].module && !strcmp(p->functions[i].module, "inlined");
    assert_true(inlined);
    assert_true(main_total(p) > samples_total(p) / 2);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES_CALLSTACKS, &diag), 0);
    p2p_profile_free(p);
}

static void python_perf_names(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_file_with(p2p_parse_perf, DATA "py.perf", &p), 0);
    int py = 0;
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        if (!strncmp(f->name, "py::", 4)) {
            py++;
            assert_null(strstr(f->name, "+0x"));
            assert_true(!strncmp(f->module, "perf-", 5));
        }
    }
    assert_true(py > 0);
    p2p_profile_free(p);
}

/* ---- deep stacks: nothing recurses ---------------------------------------- */

static void million_frame_stack(void **state)
{
    (void)state;
    size_t n = 1000000, cap = n * 40 + 256, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)snprintf(t + len, cap - len, "python 1 1.0: 1 cpu-clock: \n\t 1 leaf+0x1 (/bin/py)\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, cap - len, "\t %zx eval+0x%zx (/bin/py)\n", 0x1000 + i % 3, i % 3);
    len += (size_t)snprintf(t + len, cap - len, "\t 2 main (/bin/py)\n\n");
    p2p_profile *p;
    assert_int_equal(parse_with(p2p_parse_perf, t, len, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 3);
    assert_true(s2_of(p, "eval:/bin/py", "eval:/bin/py") == (double)(n - 1));
    assert_true(total_of(p, "eval:/bin/py") == 1);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    assert_true(fabs(ttr(p, "main:/bin/py") - 1.0) < 1e-12);
    p2p_profile_free(p);
    free(t);
}

/* ---- text encodings --------------------------------------------------------- */

static void crlf_and_cr_line_ends(void **state)
{
    (void)state;
    p2p_profile *a, *b, *c;
    assert_int_equal(parse_text(two_stacks, &a), 0);
    char crlf[1024], cr[1024];
    size_t k = 0, m = 0;
    for (const char *s = two_stacks; *s; s++) {
        if (*s == '\n') {
            crlf[k++] = '\r';
            cr[m++] = '\r';
            crlf[k++] = '\n';
        } else {
            crlf[k++] = *s;
            cr[m++] = *s;
        }
    }
    assert_int_equal(parse_with(p2p_parse_perf, crlf, k, NULL, &b), 0);
    assert_int_equal(parse_with(p2p_parse_perf, cr, m, NULL, &c), 0);
    assert_same_profile(a, b);
    assert_same_profile(a, c);
    p2p_profile_free(a);
    p2p_profile_free(b);
    p2p_profile_free(c);
}

/* UTF-16 with a byte-order mark is transcoded (gprof2dot reads UTF-16LE
 * only, and keeps U+FEFF in the first line). */
static void utf16_input(void **state)
{
    (void)state;
    p2p_profile *a, *le, *be;
    assert_int_equal(parse_text(two_stacks, &a), 0);
    size_t n = strlen(two_stacks);
    unsigned char *l = malloc(2 * n + 2), *bb = malloc(2 * n + 2);
    assert_true(l && bb);
    l[0] = 0xff, l[1] = 0xfe, bb[0] = 0xfe, bb[1] = 0xff;
    for (size_t i = 0; i < n; i++) {
        l[2 + 2 * i] = (unsigned char)two_stacks[i], l[3 + 2 * i] = 0;
        bb[2 + 2 * i] = 0, bb[3 + 2 * i] = (unsigned char)two_stacks[i];
    }
    assert_int_equal(parse_with(p2p_parse_perf, l, 2 * n + 2, NULL, &le), 0);
    assert_int_equal(parse_with(p2p_parse_perf, bb, 2 * n + 2, NULL, &be), 0);
    assert_same_profile(a, le);
    assert_same_profile(a, be);
    p2p_profile_free(a);
    p2p_profile_free(le);
    p2p_profile_free(be);
    free(l);
    free(bb);
}

/* Invalid UTF-8 becomes U+FFFD (gprof2dot dies with UnicodeDecodeError);
 * so does NUL, which cannot be in a C string. */
static void invalid_utf8_is_replaced(void **state)
{
    (void)state;
    p2p_profile *p;
    const char t[] = "prog 1 1.0: 1 cpu-clock: \n"
                     "\t 10 caf\xe9+0x1 (/bin/p\xff\xfe)\n"
                     "\t 11 a\0b (/bin/p)\n"
                     "\t 12 ok\xe2\x82 (/bin/p)\n"
                     "\n";
    assert_int_equal(parse_with(p2p_parse_perf, t, sizeof t - 1, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 3);
    assert_string_equal(p->functions[0].name, "caf\xef\xbf\xbd");
    assert_string_equal(p->functions[0].module, "p\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(p->functions[0].id_str, "caf\xef\xbf\xbd:/bin/p\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(p->functions[1].name, "a\xef\xbf\xbd" "b");
    /* a truncated sequence is one U+FFFD, as in Python */
    assert_string_equal(p->functions[2].name, "ok\xef\xbf\xbd");
    /* noted once */
    assert_int_equal(nwarnings, 1);
    assert_warned("line 5: invalid UTF-8 in function names was replaced by U+FFFD");
    p2p_profile_free(p);
}

/* Two raw frames that repair to one id are one function. */
static void repaired_ids_merge(void **state)
{
    (void)state;
    p2p_profile *p;
    const char t[] = "prog 1 1.0: 1 cpu-clock: \n"
                     "\t 10 x\xff (/bin/p)\n"
                     "\t 11 x\xef\xbf\xbd (/bin/p)\n"
                     "\n";
    assert_int_equal(parse_with(p2p_parse_perf, t, sizeof t - 1, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(s2_of(p, "x\xef\xbf\xbd:/bin/p", "x\xef\xbf\xbd:/bin/p") == 1);
    p2p_profile_free(p);
}

/* "a:b" in "c" and "a" in "b:c" have one id in gprof2dot: one function. */
static void colliding_ids_merge(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "prog 1 1.0: 1 cpu-clock: \n"
                    "\t 10 a:b (c)\n"
                    "\t 11 a (b:c)\n"
                    "\n";
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p->nfunctions, 1);
    assert_string_equal(p->functions[0].name, "a:b");
    assert_string_equal(p->functions[0].module, "c");
    p2p_profile_free(p);
}

/* ---- errors ------------------------------------------------------------- */

static void empty_input_is_an_empty_profile(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("", &p), 0);
    assert_int_equal(p->nfunctions, 0);
    assert_true(samples_total(p) == 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    p2p_profile_free(p);
    assert_int_equal(parse_text("# only comments\n\n", &p), 0);
    p2p_profile_free(p);
}

static void not_perf_output_is_an_error(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("\n{\n  \"a\": 1\n}\n", &p), P2P_EFORMAT);
    assert_int_equal(diag.line, 2);
    assert_diag("expected `perf script` output");
    assert_diag("line 2 is '{'");
}

static void one_input_only(void **state)
{
    (void)state;
    p2p_input in[2];
    p2p_input_from_memory(&in[0], "a", two_stacks, strlen(two_stacks));
    p2p_input_from_memory(&in[1], "b", two_stacks, strlen(two_stacks));
    p2p_profile *p = NULL;
    p2p_diag_init(&diag, "a");
    assert_int_equal(p2p_parse_perf(in, 2, NULL, &p, &diag), P2P_EUSAGE);
    assert_null(p);
    /* and no options at all is fine */
    assert_int_equal(p2p_parse_perf(in, 1, NULL, &p, &diag), 0);
    p2p_profile_free(p);
}

static void format_table_entry(void **state)
{
    (void)state;
    const p2p_format *f = p2p_format_find("perf");
    assert_non_null(f);
    assert_false(f->multiple_inputs);
    assert_int_equal(f->derive, P2P_DERIVE_SAMPLES);
    assert_ptr_equal(f->parse, p2p_parse_perf);
}

/* ---- derived data: --total=callratios and callstacks --------------------- */

static void callratios_totals(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(two_stacks, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    assert_true(fabs(ev(&F(p, "c:/bin/prog")->ev, P2P_TIME_RATIO) - 0.5) < 1e-12);
    assert_true(fabs(ttr(p, "c:/bin/prog") - 0.5) < 1e-12);
    assert_true(fabs(ttr(p, "b:/bin/prog") - 1.0) < 1e-12);
    assert_true(fabs(ttr(p, "a:/bin/prog") - 1.0) < 1e-12);
    assert_true(fabs(call_ttr(p, "b:/bin/prog", "c:/bin/prog") - 0.5) < 1e-12);
    p2p_profile_free(p);
}

/* A broken stack (g sampled with no caller) shows the difference: call
 * ratios credit f with all of g, call stacks with the stacks f is on. */
static void callstacks_totals(void **state)
{
    (void)state;
    const char *t = "p 1 1.0: 1 cpu-clock: \n"
                    "\t 1 g (m)\n"
                    "\t 2 f (m)\n"
                    "\n"
                    "p 1 1.1: 1 cpu-clock: \n"
                    "\t 1 g (m)\n"
                    "\n";
    p2p_profile *p;
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES, &diag), 0);
    assert_true(fabs(ttr(p, "f:m") - 1.0) < 1e-12);
    p2p_profile_free(p);
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES_CALLSTACKS, &diag), 0);
    assert_true(fabs(ttr(p, "f:m") - 0.5) < 1e-12);
    assert_true(fabs(ttr(p, "g:m") - 1.0) < 1e-12);
    assert_true(fabs(call_ttr(p, "f:m", "g:m") - 1.0) < 1e-12);
    assert_true(fabs(ev(&p->ev, P2P_TOTAL_SAMPLES) - 2.0) < 1e-12);
    p2p_profile_free(p);
}

/* Self calls have no ratio, hence no total under callstacks either. */
static void callstacks_self_calls_have_no_total(void **state)
{
    (void)state;
    const char *t = "p 1 1.0: 1 cpu-clock: \n"
                    "\t 1 f (m)\n"
                    "\t 2 f (m)\n"
                    "\t 3 main (m)\n"
                    "\n";
    p2p_profile *p;
    assert_int_equal(parse_text(t, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_SAMPLES_CALLSTACKS, &diag), 0);
    assert_false(p2p_ev_has(&C(p, "f:m", "f:m")->ev, P2P_TOTAL_TIME_RATIO));
    assert_true(fabs(call_ttr(p, "main:m", "f:m") - 1.0) < 1e-12);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stacks_give_samples_and_calls),
        cmocka_unit_test(recursion_counts_totals_once_per_stack),
        cmocka_unit_test(frame_lines_match_gprof2dot),
        cmocka_unit_test(non_frame_lines_in_a_stack_are_skipped),
        cmocka_unit_test(comments_and_blank_lines),
        cmocka_unit_test(header_without_blank_line_starts_an_event),
        cmocka_unit_test(header_with_no_stack_counts_nothing),
        cmocka_unit_test(no_callgraph_lines_are_samples),
        cmocka_unit_test(no_callgraph_file),
        cmocka_unit_test(several_events_are_added_with_a_warning),
        cmocka_unit_test(event_option_keeps_one_event),
        cmocka_unit_test(multievent_file),
        cmocka_unit_test(frame_pointer_file),
        cmocka_unit_test(dwarf_file),
        cmocka_unit_test(python_perf_names),
        cmocka_unit_test(million_frame_stack),
        cmocka_unit_test(crlf_and_cr_line_ends),
        cmocka_unit_test(utf16_input),
        cmocka_unit_test(invalid_utf8_is_replaced),
        cmocka_unit_test(repaired_ids_merge),
        cmocka_unit_test(colliding_ids_merge),
        cmocka_unit_test(empty_input_is_an_empty_profile),
        cmocka_unit_test(not_perf_output_is_an_error),
        cmocka_unit_test(one_input_only),
        cmocka_unit_test(format_table_entry),
        cmocka_unit_test(callratios_totals),
        cmocka_unit_test(callstacks_totals),
        cmocka_unit_test(callstacks_self_calls_have_no_total),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
