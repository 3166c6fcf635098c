/* The gprof text parser (src/parse/gprof.c, SEMANTICS.md §3 and §12 items 5,
 * 8, 9, B1, B2, B5): every line form, every quirk, the deliberate
 * differences from gprof2dot, and golden inputs made by
 * tests/data/gprof/make.sh from real gprof runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"

/* ---- helpers ------------------------------------------------------------ */

static char warnings[1 << 16];
static int nwarnings;

static void capture(void *ctx, const char *msg)
{
    (void)ctx;
    nwarnings++;
    size_t len = strlen(warnings);
    snprintf(warnings + len, sizeof warnings - len, "%s\n", msg);
}

static int parse_bytes(const void *data, size_t size, p2p_profile **out, p2p_diag *d)
{
    warnings[0] = '\0';
    nwarnings = 0;
    p2p_input in;
    p2p_input_from_memory(&in, "test.prof", data, size);
    p2p_parse_opts o;
    memset(&o, 0, sizeof o);
    o.warn = capture;
    p2p_diag_init(d, "test.prof");
    return p2p_parse_gprof(&in, 1, &o, out, d);
}

/* Parse text that must be accepted. */
static p2p_profile *parse(const char *text)
{
    p2p_profile *p = NULL;
    p2p_diag d;
    int rc = parse_bytes(text, strlen(text), &p, &d);
    if (rc)
        fail_msg("parse failed: %s", d.msg);
    assert_non_null(p);
    return p;
}

/* The same, followed by the derived events of -f prof. */
static p2p_profile *parse_derive(const char *text)
{
    p2p_profile *p = parse(text);
    p2p_diag d;
    p2p_diag_init(&d, "test.prof");
    int rc = p2p_derive_events(p, P2P_DERIVE_GPROF, &d);
    if (rc)
        fail_msg("derive failed: %s", d.msg);
    return p;
}

static const p2p_function *by_id(const p2p_profile *p, int64_t id)
{
    p2p_fid f = p2p_profile_find_int(p, id);
    if (f == P2P_NONE)
        fail_msg("no function %lld", (long long)id);
    return &p->functions[f];
}

static const p2p_function *by_name(const p2p_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->nfunctions; i++)
        if (strcmp(p->functions[i].name, name) == 0)
            return &p->functions[i];
    fail_msg("no function named '%s'", name);
    return NULL;
}

static bool has_name(const p2p_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->nfunctions; i++)
        if (strcmp(p->functions[i].name, name) == 0)
            return true;
    return false;
}

static p2p_fid fid_of(const p2p_profile *p, const p2p_function *f)
{
    return (p2p_fid)(f - p->functions);
}

/* CALLS on the call a -> b (by id), or -1 when there is no such call. */
static double calls_id(const p2p_profile *p, int64_t a, int64_t b)
{
    p2p_fid fa = p2p_profile_find_int(p, a), fb = p2p_profile_find_int(p, b);
    if (fa == P2P_NONE || fb == P2P_NONE)
        return -1;
    uint32_t c = p2p_profile_find_call(p, fa, fb);
    if (c == P2P_NONE)
        return -1;
    assert_true(p2p_ev_has(&p->calls[c].ev, P2P_CALLS));
    return p->calls[c].ev.v[P2P_CALLS];
}

static double calls_name(const p2p_profile *p, const char *a, const char *b)
{
    uint32_t c = p2p_profile_find_call(p, fid_of(p, by_name(p, a)), fid_of(p, by_name(p, b)));
    return c == P2P_NONE ? -1 : p->calls[c].ev.v[P2P_CALLS];
}

static double self_time(const p2p_function *f)
{
    assert_true(p2p_ev_has(&f->ev, P2P_TIME));
    return f->ev.v[P2P_TIME];
}

static double total_ratio(const p2p_function *f)
{
    assert_true(p2p_ev_has(&f->ev, P2P_TOTAL_TIME_RATIO));
    return f->ev.v[P2P_TOTAL_TIME_RATIO];
}

static void assert_called(const p2p_function *f, int64_t n)
{
    assert_true(f->has_called);
    assert_int_equal(f->called, n);
}

static char *read_data(const char *name, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/gprof/%s", P2P_TEST_DATA, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *size = (size_t)n;
    return buf;
}

static p2p_profile *parse_file(const char *name)
{
    size_t size;
    char *buf = read_data(name, &size);
    p2p_profile *p = NULL;
    p2p_diag d;
    int rc = parse_bytes(buf, size, &p, &d);
    free(buf);
    if (rc)
        fail_msg("%s: %s", name, d.msg);
    return p;
}

#define HDR "index % time    self  children    called     name\n"
#define SEP "-----------------------------------------------\n"
#define FF "\f\n"

/* cycle.prof of gprof2dot's tests: a <-> b is cycle 1, c is called by both. */
static const char cycle_prof[] =
    HDR
    "                                             <spontaneous>\n"
    "[1]    100.00    0.00     1.93    0      start [1]\n"
    "                 0.16     1.77    1/1        main [2]\n"
    "----------------------------------------\n"
    "                 0.16     1.77    1/1        start [1]\n"
    "[2]    100.00    0.16     1.77    1      main [2]\n"
    "                 1.77     0.00    1/1        a <cycle 1> [5]\n"
    "----------------------------------------\n"
    "[3]     91.71    1.77     0.00    1+5    <cycle 1 as a whole> [3]\n"
    "                 1.02     0.00    3          b <cycle 1> [4]\n"
    "                 0.75     0.00    2          a <cycle 1> [5]\n"
    "----------------------------------------\n"
    "                                  3          a <cycle 1> [5]\n"
    "[4]     52.85    1.02     0.00    3      b <cycle 1> [4]\n"
    "                                  2          a <cycle 1> [5]\n"
    "                 0.00     0.00    3/6        c [6]\n"
    "----------------------------------------\n"
    "                 1.77     0.00    1/1        main [2]\n"
    "                                  2          b <cycle 1> [4]\n"
    "[5]     38.86    0.75     0.00    3      a <cycle 1> [5]\n"
    "                                  3          b <cycle 1> [4]\n"
    "                 0.00     0.00    3/6        c [6]\n"
    "----------------------------------------\n"
    "                 0.00     0.00    3/6        b <cycle 1> [4]\n"
    "                 0.00     0.00    3/6        a <cycle 1> [5]\n"
    "[6]      0.00    0.00     0.00    6      c [6]\n"
    "----------------------------------------\n"
    "\n"
    FF;

/* ---- the whole pipeline on a known file ---------------------------------- */

static void test_cycle_prof(void **state)
{
    (void)state;
    p2p_profile *p = parse_derive(cycle_prof);
    assert_int_equal(p->nfunctions, 5);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p->cycles[0].nmembers, 2);
    assert_int_equal(p->functions[p->cycles[0].members[0]].id_num, 4); /* entry order */
    assert_int_equal(p->functions[p->cycles[0].members[1]].id_num, 5);
    assert_string_equal(by_id(p, 5)->name, "a");
    assert_called(by_id(p, 1), 0);
    assert_called(by_id(p, 5), 3);
    assert_true(p2p_ev_has(&p->ev, P2P_TIME));
    assert_float_equal(p->ev.v[P2P_TIME], 0.16 + 1.02 + 0.75, 1e-12);
    assert_float_equal(calls_id(p, 2, 5), 1, 0);
    assert_float_equal(calls_id(p, 4, 6), 3, 0);
    assert_float_equal(calls_id(p, 5, 4), 3, 0);
    /* SEMANTICS §10.5: main -> a carries the whole cycle, 91.71% */
    assert_float_equal(total_ratio(by_id(p, 5)), 1.77 / 1.93, 1e-9);
    assert_float_equal(total_ratio(by_id(p, 4)), 1.02 / 1.93, 1e-9);
    assert_float_equal(total_ratio(by_id(p, 1)), 1.0, 1e-12);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

/* ---- header forms (§3.1) ------------------------------------------------- */

static int entries_after(const char *header)
{
    char text[1024];
    snprintf(text, sizeof text,
             "some text before\n%s"
             "                                             <spontaneous>\n"
             "[1]    100.00    0.50     0.00           main [1]\n" SEP FF,
             header);
    p2p_profile *p = NULL;
    p2p_diag d;
    int rc = parse_bytes(text, strlen(text), &p, &d);
    if (rc)
        return -1;
    int n = (int)p->nfunctions;
    p2p_profile_free(p);
    return n;
}

static void test_headers(void **state)
{
    (void)state;
    /* GNU, with and without "time" */
    assert_int_equal(entries_after("index % time    self  children    called     name\n"), 1);
    assert_int_equal(entries_after("index    %      self  children    called     name\n"), 1);
    assert_int_equal(entries_after("index % time    self  children    called     name   \n"), 1);
    /* BSD / IBM, three lines */
    assert_int_equal(entries_after("                                  called/total       parents \n"
                                   "index  %time    self descendents  called+self    name    \tindex\n"
                                   "                                  called/total       children\n\n"),
                     1);
    assert_int_equal(nwarnings, 0);
    /* gprof -T spells it "descendants": gprof2dot warns twice, we take it
     * as a header too (same graph) */
    assert_int_equal(entries_after("                                  called/total       parents \n"
                                   "index  %time    self descendants  called+self    name    \tindex\n"
                                   "                                  called/total       children\n\n"),
                     1);
    assert_int_equal(nwarnings, 0);
    /* only the children form */
    assert_int_equal(entries_after("                                  called/total       children\n"), 1);
    /* not headers: leading space on the GNU form, missing leading space on
     * the called/total form, an extra word */
    assert_int_equal(entries_after(" index % time    self  children    called     name\n"), -1);
    assert_int_equal(entries_after("called/total       parents\n"), -1);
    assert_int_equal(entries_after("index % time    self  children    called     name more\n"), -1);
}

/* ---- primary lines (§3.2) ------------------------------------------------ */

/* Parse one function entry made of a <spontaneous> parent line and `primary`. */
static p2p_profile *one_entry(const char *primary)
{
    char text[2048];
    snprintf(text, sizeof text,
             "%s                                                 <spontaneous>\n%s\n"
             "                0.00    0.00       1/1           leaf [99]\n" SEP
             "                0.00    0.00       1/1           x [1]\n"
             "[99]     0.0    0.25    0.00       1         leaf [99]\n" SEP FF,
             HDR, primary);
    return parse(text);
}

static void test_primary_called_forms(void **state)
{
    (void)state;
    p2p_profile *p = one_entry("[1]     50.0    0.75    0.25     120         main [1]");
    assert_string_equal(by_id(p, 1)->name, "main");
    assert_called(by_id(p, 1), 120);
    assert_float_equal(self_time(by_id(p, 1)), 0.75, 0);
    p2p_profile_free(p);

    /* called+self: the count includes the recursion, no self-loop (§12.5) */
    p = one_entry("[1]     50.0    0.75    0.25       1+21890   fib [1]");
    assert_called(by_id(p, 1), 21891);
    assert_float_equal(calls_id(p, 1, 1), -1, 0);
    p2p_profile_free(p);

    /* blank called column: no count at all */
    p = one_entry("[1]     50.0    0.75    0.25                 main [1]");
    assert_false(by_id(p, 1)->has_called);
    p2p_profile_free(p);

    /* the `]` after the leading index is optional */
    p = one_entry("[1     50.0    0.75    0.25       7         main [1]");
    assert_called(by_id(p, 1), 7);
    assert_string_equal(by_id(p, 1)->name, "main");
    p2p_profile_free(p);

    /* the leading index is the id; the trailing one is ignored */
    p = one_entry("[1]     50.0    0.75    0.25       7         main [12]");
    assert_string_equal(by_id(p, 1)->name, "main");
    p2p_profile_free(p);
    assert_int_equal(nwarnings, 0);
}

static void test_primary_names(void **state)
{
    (void)state;
    /* NAME is the shortest match: the cycle tag is split off */
    p2p_profile *p = one_entry("[1]     50.0    0.75    0.25       7         a b c <cycle 3> [1]");
    assert_string_equal(by_id(p, 1)->name, "a b c");
    assert_int_not_equal(by_id(p, 1)->cycle, P2P_NONE);
    p2p_profile_free(p);

    /* QUIRK: all but the last space before [index] stay in the name */
    p = one_entry("[1]     50.0    0.75    0.25       7         main   [1]");
    assert_string_equal(by_id(p, 1)->name, "main  ");
    p2p_profile_free(p);

    /* ... which also hides a cycle tag that is not right before it */
    p = one_entry("[1]     50.0    0.75    0.25       7         f <cycle 2>  [1]");
    assert_string_equal(by_id(p, 1)->name, "f <cycle 2> ");
    assert_int_equal(by_id(p, 1)->cycle, P2P_NONE);
    p2p_profile_free(p);

    /* the space before `<cycle` may be any run; the one after must be one */
    p = one_entry("[1]     50.0    0.75    0.25       7         f\t <cycle 2> [1]");
    assert_string_equal(by_id(p, 1)->name, "f");
    p2p_profile_free(p);
    p = one_entry("[1]     50.0    0.75    0.25       7         f <cycle  2> [1]");
    assert_string_equal(by_id(p, 1)->name, "f <cycle  2>");
    p2p_profile_free(p);

    /* a name that is only a cycle tag */
    p = one_entry("[1]     50.0    0.75    0.25       7         <cycle 2> [1]");
    assert_string_equal(by_id(p, 1)->name, "<cycle 2>");
    p2p_profile_free(p);

    /* C++: spaces, templates, operators, parentheses */
    p = one_entry("[1]     50.0    0.75    0.25       7         std::vector<int, std::allocator<int> >"
                  "::operator[](unsigned long) const [1]");
    assert_string_equal(by_id(p, 1)->name,
                        "std::vector<int, std::allocator<int> >::operator[](unsigned long) const");
    p2p_profile_free(p);

    /* -l line-level entries */
    p = one_entry("[1]     50.0    0.75    0.25       7         fib (recur.c:19 @ 1203) [1]");
    assert_string_equal(by_id(p, 1)->name, "fib (recur.c:19 @ 1203)");
    p2p_profile_free(p);
    assert_int_equal(nwarnings, 0);
}

static void test_primary_backtracking(void **state)
{
    (void)state;
    /* "12" cannot be the called column (nothing would be left for NAME
     * before the index), so with two spaces before it, it is the NAME: a
     * digit-only name, which gprof2dot turns into an int and crashes on (B2) */
    p2p_profile *p = one_entry("[1]     50.0    0.75    0.25  12 [1]");
    assert_string_equal(by_id(p, 1)->name, "12");
    assert_false(by_id(p, 1)->has_called);
    p2p_profile_free(p);

    /* with one space it cannot be either: the line is unrecognised and
     * the entry dropped, with a warning naming the line */
    p = one_entry("[1]     50.0    0.75    0.25 12 [1]");
    assert_int_equal(p2p_profile_find_int(p, 1), P2P_NONE);
    assert_non_null(strstr(warnings, "line 3: unrecognized call graph entry: '[1]     50.0"));
    p2p_profile_free(p);

    /* "5+" is not a count: the NAME starts there */
    p = one_entry("[1]     50.0    0.75    0.25  5+ x [1]");
    assert_string_equal(by_id(p, 1)->name, "5+ x");
    p2p_profile_free(p);

    /* Unicode whitespace counts as \s (here NO-BREAK SPACE, U+3000) */
    p = one_entry("[1]\xc2\xa0 50.0    0.75\xe3\x80\x80" "0.25       7         main\xc2\xa0[1]");
    assert_string_equal(by_id(p, 1)->name, "main");
    assert_called(by_id(p, 1), 7);
    p2p_profile_free(p);
}

static void test_primary_rejects(void **state)
{
    (void)state;
    const char *bad[] = {
        "[1]     50.0    0.75    0.25       7         main [1] ", /* trailing space */
        "[1]     50.0    0.75    0.25       7         main[1]",   /* no space before [ */
        "[1]     50.0    0.75    0.25       7         main [1",    /* no ] */
        "[1]     50     0.75    0.25       7         main [1]",    /* %time without a point */
        "[1]     50.0    .75    0.25       7         main [1]",     /* no digit before . */
        "[x]     50.0    0.75    0.25       7         main [1]",    /* index not a number */
        "[1]     50.0    0.75       7         main [1]",            /* a column missing */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p2p_profile *p = one_entry(bad[i]);
        if (p2p_profile_find_int(p, 1) != P2P_NONE)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(nwarnings, 1);
        assert_non_null(strstr(warnings, "line 3: unrecognized call graph entry"));
        p2p_profile_free(p);
    }
}

/* ---- parent and child lines ---------------------------------------------- */

static void test_child_lines(void **state)
{
    (void)state;
    p2p_profile *p = parse(
        HDR "                                                 <spontaneous>\n"
            "[1]     50.0    0.75    0.25                 main [1]\n"
            "                0.10    0.02      5/10          full [2]\n"         /* all columns */
            "                0.10    0.02      6             nototal [3]\n"      /* no /total */
            "                             7                  blank <cycle 1> [4]\n" /* blank times */
            "                        0.02      8/8           noself [5]\n"       /* self blank */
            "                0.10              9/9           nodesc [6]\n"       /* descendants blank */
            "                0.10    0.02     10/10          two  spaces  [7]\n" /* trailing space */
            "                0.10    0.02     11/11          12345 [8]\n"        /* digit-only name */
            "                0.10    0.02   1+2/3            plus [9]\n"         /* not a child line */
            "                0.10    0.02     13/13          mcount (123)\n"     /* ignored */
            "   \t\n" SEP FF);
    assert_float_equal(calls_id(p, 1, 2), 5, 0);
    assert_float_equal(calls_id(p, 1, 3), 6, 0);
    assert_float_equal(calls_id(p, 1, 4), 7, 0);
    assert_float_equal(calls_id(p, 1, 5), 8, 0);
    assert_float_equal(calls_id(p, 1, 6), 9, 0);
    assert_float_equal(calls_id(p, 1, 7), 10, 0);
    assert_float_equal(calls_id(p, 1, 8), 11, 0);
    assert_float_equal(calls_id(p, 1, 9), -1, 0);
    /* children without entries of their own are stubs named by the line */
    assert_string_equal(by_id(p, 7)->name, "two  spaces ");
    assert_string_equal(by_id(p, 8)->name, "12345");
    assert_string_equal(by_id(p, 4)->name, "blank");
    /* the only warning is for the "1+2/3" line (line 11) */
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 11: unrecognized call graph entry: '                0.10    0.02   1+2/3"));
    p2p_profile_free(p);
}

static void test_parent_lines_unused(void **state)
{
    (void)state;
    /* parents are parsed (bad ones warn) but never make edges */
    p2p_profile *p = parse(HDR "                0.10    0.02      5/10          ghost [7]\n"
                               "                this is not a parent line\n"
                               "[1]     50.0    0.75    0.25       5         main [1]\n" SEP FF);
    assert_int_equal(p->nfunctions, 1);
    assert_int_equal(p->ncalls, 0);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 3: unrecognized"));
    p2p_profile_free(p);
}

/* ---- cycles ------------------------------------------------------------ */

static void test_cycles(void **state)
{
    (void)state;
    /* cycles: first those with an "as a whole" entry, in file order, then
     * the ones that lack it, in the order their members come; members in
     * entry order */
    p2p_profile *p = parse(
        HDR "[10]    50.0    0.00    0.10      1+2        <cycle 7 as a whole> [10]\n"
            "                0.10    0.00      2             y <cycle 7> [12]\n"
            "                0.10    0.00      1             x <cycle 7> [11]\n" SEP
            "[20]    50.0    0.00    0.10      1+2        <cycle 3 as a whole> [20]\n" SEP
            "                                  1             y <cycle 7> [12]\n"
            "[11]    25.0    0.10    0.00      1         x <cycle 7> [11]\n"
            "                                  2             y <cycle 7> [12]\n" SEP
            "                                  2             x <cycle 7> [11]\n"
            "[12]    25.0    0.10    0.00      2         y <cycle 7> [12]\n"
            "                                  1             x <cycle 7> [11]\n" SEP
            "                0.00    0.00      1/1           main [1]\n"
            "[13]    25.0    0.10    0.00      1         z <cycle 9> [13]\n" SEP
            "                0.00    0.00      1/1           main [1]\n"
            "[14]    25.0    0.10    0.00      1         w <cycle 3> [14]\n" SEP FF);
    assert_int_equal(p->ncycles, 3);
    const p2p_cycle *c7 = &p->cycles[0], *c3 = &p->cycles[1], *c9 = &p->cycles[2];
    assert_int_equal(c7->nmembers, 2);
    assert_int_equal(p->functions[c7->members[0]].id_num, 11);
    assert_int_equal(p->functions[c7->members[1]].id_num, 12);
    assert_int_equal(c3->nmembers, 1);
    assert_int_equal(p->functions[c3->members[0]].id_num, 14);
    assert_int_equal(c9->nmembers, 1);
    assert_int_equal(p->functions[c9->members[0]].id_num, 13);
    assert_int_equal(by_id(p, 11)->cycle, 0);
    assert_int_equal(by_id(p, 13)->cycle, 2);
    assert_non_null(strstr(warnings, "<cycle 9 as a whole> entry missing"));
    assert_int_equal(nwarnings, 1);
    /* cycle entries make no functions */
    assert_int_equal(p2p_profile_find_int(p, 10), P2P_NONE);
    assert_float_equal(calls_id(p, 11, 12), 2, 0);
    p2p_profile_free(p);
}

static void test_cycle_entry_lines(void **state)
{
    (void)state;
    /* a bad cycle header drops the cycle entry with a warning; bad member
     * lines warn too */
    p2p_profile *p = parse(HDR "[10]    50.0    0.00    0.10      1+2        <cycle 7 as a hole> [10]\n" SEP
                               "[20]    50.0    0.00    0.10                 <cycle 8 as a whole> [20]\n"
                               "                0.10    0.00      2/3           y <cycle 8> [12]\n" SEP FF);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(nwarnings, 2);
    assert_non_null(strstr(warnings, "line 2: unrecognized"));
    assert_non_null(strstr(warnings, "line 5: unrecognized"));
    p2p_profile_free(p);
}

/* B5: gprof's <cycle N> groups need not be strongly connected in the parsed
 * edges; gprof2dot's integration asserts there.  We must give totals. */
static void test_cycle_not_strongly_connected(void **state)
{
    (void)state;
    p2p_profile *p = parse_derive(
        HDR "                                                 <spontaneous>\n"
            "[1]    100.0    0.10    0.90                 main [1]\n"
            "                0.40    0.00      1/1           a <cycle 1> [2]\n"
            "                0.40    0.00      1/1           b <cycle 1> [3]\n" SEP
            "[4]     80.0    0.80    0.00      2          <cycle 1 as a whole> [4]\n" SEP
            "                0.40    0.00      1/1           main [1]\n"
            "[2]     40.0    0.40    0.00      1         a <cycle 1> [2]\n"
            "                0.10    0.00      1/1           c [5]\n" SEP
            "                0.40    0.00      1/1           main [1]\n"
            "[3]     40.0    0.40    0.00      1         b <cycle 1> [3]\n" SEP
            "                0.10    0.00      1/1           a <cycle 1> [2]\n"
            "[5]     10.0    0.10    0.00      1         c [5]\n" SEP FF);
    assert_int_equal(p->ncycles, 1);
    assert_int_equal(p->cycles[0].nmembers, 2);
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        double t = total_ratio(&p->functions[i]);
        assert_true(t >= 0.0 && t <= 1.0);
    }
    assert_float_equal(total_ratio(by_id(p, 1)), 1.0, 1e-9);
    p2p_profile_free(p);

    /* the same with a cycle whose members do not call each other at all */
    p = parse_derive(HDR "                                                 <spontaneous>\n"
                         "[1]    100.0    0.20    0.80                 main [1]\n"
                         "                0.40    0.00      3/3           a <cycle 1> [2]\n" SEP
                         "                0.40    0.00      3/3           main [1]\n"
                         "[2]     40.0    0.40    0.00      3         a <cycle 1> [2]\n" SEP
                         "[3]     40.0    0.40    0.00                 b <cycle 1> [3]\n" SEP FF);
    assert_true(total_ratio(by_id(p, 2)) >= 0.0);
    p2p_profile_free(p);
}

/* ---- §12 item 5: self-recursion ------------------------------------------ */

static void test_self_recursion(void **state)
{
    (void)state;
    /* called+self: the count includes the recursive calls, and the `+N`
     * itself makes no call (gprof2dot builds one and throws it away) */
    p2p_profile *p = parse_derive(HDR "                0.00    0.11       1/1           main [2]\n"
                                      "[4]     30.3    0.11    0.00       1+21890   fib [4]\n" SEP FF);
    assert_called(by_id(p, 4), 21891);
    assert_float_equal(calls_id(p, 4, 4), -1, 0);
    p2p_profile_free(p);
    /* but GNU gprof also lists the function among its own children, and
     * that line is an ordinary child line: a self call, which gprof2dot
     * draws as a loop labelled `21890x` (corpus: cycles-default.prof,
     * 15 -> 15), so "gprof never draws self-loops" holds only for the `+N` */
    p = parse_derive(HDR "                               21890             fib [4]\n"
                         "                0.00    0.11       1/1           main [2]\n"
                         "[4]     30.3    0.11    0.00       1+21890   fib [4]\n"
                         "                               21890             fib [4]\n" SEP FF);
    assert_called(by_id(p, 4), 21891);
    assert_float_equal(calls_id(p, 4, 4), 21890, 0);
    /* self calls get no total (§5.3) */
    uint32_t c = p2p_profile_find_call(p, fid_of(p, by_id(p, 4)), fid_of(p, by_id(p, 4)));
    assert_false(p2p_ev_has(&p->calls[c].ev, P2P_TOTAL_TIME_RATIO));
    p2p_profile_free(p);
}

/* ---- §12 item 8: the form feed and what it ends -------------------------- */

static void test_form_feed(void **state)
{
    (void)state;
    /* entries after the form feed, and lines pending before it, are ignored */
    p2p_profile *p = parse(HDR "[1]     50.0    0.75    0.25       5         skipped [1]\n"
                               "                                                 <spontaneous>\n"
                               "[2]     50.0    0.75    0.25       5         pending [2]\n"
                               "\f\n" "                                                 <spontaneous>\n"
                               "[3]     50.0    0.75    0.25       5         after [3]\n" SEP);
    assert_int_equal(p->nfunctions, 0);
    p2p_profile_free(p);

    /* QUIRK kept: an entry whose first line is its primary line has no
     * parents, looks like a cycle entry, and is dropped with a warning */
    p = parse(HDR "[1]     50.0    0.75    0.25       5         parentless [1]\n" SEP FF);
    assert_int_equal(p->nfunctions, 0);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 2: unrecognized call graph entry: '[1]"));
    p2p_profile_free(p);

    /* a form feed with other characters is not the end */
    p = parse(HDR "\f \n                                                 <spontaneous>\n"
                  "[3]     50.0    0.75    0.25       5         after [3]\n" SEP "\f\n");
    assert_int_equal(p->nfunctions, 1);
    p2p_profile_free(p);
}

/* DIFFERENCE: gprof2dot exits 1 ("unexpected end of file") when the call
 * graph has no form feed after it; we end the call graph at the end of the
 * input.  Lines after the last separator are dropped as at a form feed, and
 * a warning says so. */
static void test_no_form_feed(void **state)
{
    (void)state;
    p2p_profile *p = parse(HDR "                                                 <spontaneous>\n"
                               "[1]     50.0    0.75    0.25       5         main [1]\n" SEP);
    assert_int_equal(p->nfunctions, 1);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);

    p = parse(HDR "                                                 <spontaneous>\n"
                  "[1]     50.0    0.75    0.25       5         main [1]\n" SEP
                  "                                                 <spontaneous>\n"
                  "[2]     50.0    0.75    0.25       5         cut [2]");
    assert_int_equal(p->nfunctions, 1);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 5: the call graph ends without a form feed"));
    p2p_profile_free(p);

    /* a header and nothing else: an empty graph */
    p = parse(HDR);
    assert_int_equal(p->nfunctions, 0);
    p2p_profile_free(p);
}

/* ---- §12 item 9: gprof's own totals are ignored -------------------------- */

static void test_own_totals_ignored(void **state)
{
    (void)state;
    /* %time, children and called_total are nonsense here; the totals come
     * from self times and call counts only */
    p2p_profile *p = parse_derive(HDR "                                                 <spontaneous>\n"
                                      "[1]      1.0    0.20   99.00                 main [1]\n"
                                      "                7.00   77.00      1/999         f [2]\n"
                                      "                7.00   77.00      3/999         g [3]\n" SEP
                                      "                7.00   77.00      1/999         main [1]\n"
                                      "[2]     99.9    0.30    0.00      1         f [2]\n" SEP
                                      "                7.00   77.00      3/999         main [1]\n"
                                      "[3]      0.1    0.50    0.00      3         g [3]\n" SEP FF);
    assert_float_equal(p->ev.v[P2P_TIME], 1.0, 1e-12);
    assert_float_equal(total_ratio(by_id(p, 1)), 1.0, 1e-12);
    assert_float_equal(total_ratio(by_id(p, 2)), 0.3, 1e-12);
    assert_float_equal(total_ratio(by_id(p, 3)), 0.5, 1e-12);
    assert_float_equal(calls_id(p, 1, 3), 3, 0);
    p2p_profile_free(p);
}

/* ---- B1: children without entries --------------------------------------- */

static void test_missing_child(void **state)
{
    (void)state;
    /* gprof2dot zeroes the parent instead of the stub and then crashes on
     * the stub's missing time.  What it meant: the stub has no self time
     * and a call count of 0; the parent keeps its own. */
    p2p_profile *p = parse_derive(HDR "                                                 <spontaneous>\n"
                                      "[1]    100.0    0.50    0.00       3         main [1]\n"
                                      "                0.00    0.00       0/0           static_only [7]\n"
                                      "                0.00    0.00       2/2           not_listed [8]\n" SEP FF);
    assert_int_equal(p->nfunctions, 3);
    /* stubs come before the function that calls them, as in gprof2dot */
    assert_int_equal(p->functions[0].id_num, 7);
    assert_int_equal(p->functions[1].id_num, 8);
    assert_int_equal(p->functions[2].id_num, 1);
    const p2p_function *s = by_id(p, 8);
    assert_string_equal(s->name, "not_listed");
    assert_float_equal(self_time(s), 0.0, 0);
    assert_called(s, 0);
    assert_float_equal(self_time(by_id(p, 1)), 0.5, 0);
    assert_called(by_id(p, 1), 3);
    assert_float_equal(calls_id(p, 1, 8), 2, 0);
    assert_float_equal(total_ratio(by_id(p, 1)), 1.0, 1e-12);
    assert_float_equal(total_ratio(s), 0.0, 0);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);

    /* a child whose entry comes later is no stub */
    p = parse(HDR "                                                 <spontaneous>\n"
                  "[1]    100.0    0.50    0.00       3         main [1]\n"
                  "                0.00    0.00       2/2           later [2]\n" SEP
                  "                0.00    0.00       2/2           main [1]\n"
                  "[2]      0.0    0.25    0.00       2         later [2]\n" SEP FF);
    assert_float_equal(self_time(by_id(p, 2)), 0.25, 0);
    assert_called(by_id(p, 2), 2);
    p2p_profile_free(p);
}

/* ---- B2: empty entries, no primary line, digit names --------------------- */

static void test_b2(void **state)
{
    (void)state;
    p2p_profile *p = parse(HDR SEP SEP "                                                 <spontaneous>\n"
                                       "[1]    100.0    0.50    0.00       3         123 [1]\n"
                                       "                0.00    0.00       2/2           456 [2]\n" SEP SEP
                                       "                0.00    0.00       2/2           123 [1]\n" SEP FF);
    assert_int_equal(p->nfunctions, 2);
    assert_string_equal(by_id(p, 1)->name, "123");
    assert_string_equal(by_id(p, 2)->name, "456");
    /* only the entry without a primary line is reported */
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 9: call graph entry without a primary [index] line ignored"));
    p2p_profile_free(p);
}

/* ---- duplicates ------------------------------------------------------------ */

static void test_duplicates(void **state)
{
    (void)state;
    p2p_profile *p = parse(HDR "                                                 <spontaneous>\n"
                               "[1]    100.0    0.50    0.00       3         first [1]\n" SEP
                               "                                                 <spontaneous>\n"
                               "[2]    100.0    0.50    0.00       3         other [2]\n"
                               "                0.00    0.00       2/5           first [1]\n"
                               "                0.00    0.00       3/5           first [1]\n" SEP
                               "                                                 <spontaneous>\n"
                               "[1]    100.0    0.25    0.00       4         second [1]\n" SEP FF);
    /* a later entry replaces an earlier one and keeps its place */
    assert_int_equal(p->nfunctions, 2);
    assert_int_equal(p->functions[0].id_num, 1);
    assert_string_equal(p->functions[0].name, "second");
    assert_called(&p->functions[0], 4);
    /* a repeated child: the later line wins, with a warning */
    assert_float_equal(calls_id(p, 2, 1), 3, 0);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 8: overwriting call from function 2 to 1"));
    p2p_profile_free(p);
}

/* ---- encodings and line ends ---------------------------------------------- */

static void test_line_ends(void **state)
{
    (void)state;
    const char *crlf = "index % time    self  children    called     name\r\n"
                       "                                                 <spontaneous>\r\n"
                       "[1]    100.0    0.50    0.00       3         main [1]\r\n"
                       "                0.00    0.00       2/2           f [2]\r\n" SEP "\f\r\n";
    p2p_profile *p = parse(crlf);
    assert_string_equal(by_id(p, 1)->name, "main");
    assert_string_equal(by_id(p, 2)->name, "f");
    p2p_profile_free(p);
    /* old Mac \r alone ends a line too */
    const char *cr = "index % time    self  children    called     name\r"
                     "                                                 <spontaneous>\r"
                     "[1]    100.0    0.50    0.00       3         main [1]\r"
                     "---\r\f\r";
    p = parse(cr);
    assert_string_equal(by_id(p, 1)->name, "main");
    p2p_profile_free(p);
}

static void test_boms(void **state)
{
    (void)state;
    /* a header on the first line: gprof2dot keeps U+FEFF in front of it and
     * misses it; we remove the mark */
    const char *text = HDR "                                                 <spontaneous>\n"
                           "[1]    100.0    0.50    0.00       3         m\xc3\xa4in [1]\n"
                           "                0.00    0.00       2/2           \xf0\x9f\x98\x80 [2]\n" SEP FF;
    size_t n = strlen(text);
    unsigned char buf[4096];
    for (int kind = 0; kind < 3; kind++) {
        size_t len = 0;
        if (kind == 0) {
            memcpy(buf, "\xef\xbb\xbf", 3);
            memcpy(buf + 3, text, n);
            len = n + 3;
        } else {
            /* UTF-16: LE (FF FE) or BE (FE FF), with a surrogate pair */
            bool be = kind == 2;
            buf[0] = be ? 0xfe : 0xff;
            buf[1] = be ? 0xff : 0xfe;
            len = 2;
            for (size_t i = 0; i < n;) {
                unsigned char c = (unsigned char)text[i];
                uint32_t cp;
                int k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
                cp = k == 1 ? c : k == 2 ? c & 0x1fu : k == 3 ? c & 0x0fu : c & 0x07u;
                for (int j = 1; j < k; j++)
                    cp = cp << 6 | ((unsigned char)text[i + j] & 0x3fu);
                i += (size_t)k;
                uint16_t u[2];
                int nu = 1;
                if (cp >= 0x10000) {
                    u[0] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
                    u[1] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
                    nu = 2;
                } else {
                    u[0] = (uint16_t)cp;
                }
                for (int j = 0; j < nu; j++) {
                    buf[len++] = be ? (unsigned char)(u[j] >> 8) : (unsigned char)(u[j] & 0xff);
                    buf[len++] = be ? (unsigned char)(u[j] & 0xff) : (unsigned char)(u[j] >> 8);
                }
            }
        }
        p2p_profile *p = NULL;
        p2p_diag d;
        assert_int_equal(parse_bytes(buf, len, &p, &d), 0);
        assert_string_equal(by_id(p, 1)->name, "m\xc3\xa4in");
        assert_string_equal(by_id(p, 2)->name, "\xf0\x9f\x98\x80");
        p2p_profile_free(p);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* gprof2dot dies on invalid UTF-8 (B6); bad bytes become U+FFFD */
    p2p_profile *p = parse(HDR "                                                 <spontaneous>\n"
                               "[1]    100.0    0.50    0.00       3         bad\xff\xfe name\xe2\x82 [1]\n"
                               "                0.00    0.00       2/2           \xc3(x) [2]\n" SEP FF);
    assert_string_equal(by_id(p, 1)->name, "bad\xef\xbf\xbd\xef\xbf\xbd name\xef\xbf\xbd");
    assert_string_equal(by_id(p, 2)->name, "\xef\xbf\xbd(x)");
    p2p_profile_free(p);
}

/* ---- flat profiles and inputs with nothing to draw ------------------------- */

static const char flat_only[] =
    "Flat profile:\n\n"
    "Each sample counts as 0.01 seconds.\n"
    "  %   cumulative   self              self     total           \n"
    " time   seconds   seconds    calls  ms/call  ms/call  name    \n"
    " 49.53      0.95     0.95                             cmp_long\n"
    "  8.34      1.11     0.16   180000     0.00     0.00  gen_expr\n"
    "  4.69      1.30     0.09 10303678     0.00     0.00  term <cycle 2> [7]\n"
    "  0.00      1.30     0.00        1     0.00     0.00  std::vector<int, std::allocator<int> >::size() const\n"
    "\n"
    " %         the percentage of the total running time of the\n"
    "time       program used by this function.\n";

static void test_flat_only(void **state)
{
    (void)state;
    p2p_profile *p = parse_derive(flat_only);
    assert_int_equal(p->nfunctions, 4);
    assert_int_equal(p->ncalls, 0);
    assert_int_equal(p->ncycles, 0);
    assert_false(by_name(p, "cmp_long")->has_called);
    assert_called(by_name(p, "gen_expr"), 180000);
    assert_called(by_name(p, "term"), 10303678);
    assert_true(has_name(p, "std::vector<int, std::allocator<int> >::size() const"));
    assert_float_equal(self_time(by_name(p, "cmp_long")), 0.95, 0);
    assert_float_equal(p->ev.v[P2P_TIME], 0.95 + 0.16 + 0.09, 1e-12);
    /* nodes sized by self time */
    assert_float_equal(total_ratio(by_name(p, "cmp_long")), 0.95 / 1.2, 1e-12);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "no call graph"));
    assert_non_null(strstr(warnings, "without calls"));
    p2p_profile_free(p);
}

static void test_empty_call_graph(void **state)
{
    (void)state;
    /* a call graph with no entries and a flat profile in front: the flat
     * profile is drawn (gprof2dot draws nothing) */
    char text[4096];
    snprintf(text, sizeof text, "%s\f\n\t\t     Call graph (explanation follows)\n\n%s\f\n", flat_only, HDR);
    p2p_profile *p = parse(text);
    assert_int_equal(p->nfunctions, 4);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(warnings, "line 16: the call graph is empty"));
    p2p_profile_free(p);
    /* with no flat profile rows either, an empty graph, as gprof2dot draws
     * for issue88.prof ("no time accumulated") */
    p = parse("Flat profile:\n\n no time accumulated\n\n"
              "  %   cumulative   self              self     total           \n"
              " time   seconds   seconds    calls  Ts/call  Ts/call  name    \n\n" HDR "\n"
              " This table describes the call tree of the program, and was sorted by\n\f\n");
    assert_int_equal(p->nfunctions, 0);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

static void test_nothing_found(void **state)
{
    (void)state;
    const char *inputs[] = {
        "",
        "hello\nworld\n",
        /* a flat profile heading without rows ("no time accumulated") */
        "Flat profile:\n\n no time accumulated\n\n"
        "  %   cumulative   self              self     total           \n"
        " time   seconds   seconds    calls  Ts/call  Ts/call  name    \n\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        p2p_profile *p = (p2p_profile *)1;
        p2p_diag d;
        int rc = parse_bytes(inputs[i], strlen(inputs[i]), &p, &d);
        assert_int_equal(rc, P2P_EFORMAT);
        assert_null(p);
        assert_string_equal(d.msg, "no gprof call graph or flat profile found");
        char line[600];
        assert_string_equal(p2p_diag_format(&d, line, sizeof line),
                            "test.prof: no gprof call graph or flat profile found");
    }
}

static void test_usage(void **state)
{
    (void)state;
    p2p_input in[2];
    p2p_input_from_memory(&in[0], "a", HDR, strlen(HDR));
    p2p_input_from_memory(&in[1], "b", HDR, strlen(HDR));
    p2p_profile *p = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_gprof(in, 2, NULL, &p, &d), P2P_EUSAGE);
    assert_null(p);
    /* no warning sink is fine */
    assert_int_equal(p2p_parse_gprof(in, 1, NULL, &p, &d), 0);
    p2p_profile_free(p);
    const p2p_format *f = p2p_format_find("prof");
    assert_non_null(f);
    assert_ptr_equal(f, p2p_format_find("gprof"));
    assert_ptr_equal(f->parse, p2p_parse_gprof);
    assert_int_equal(f->derive, P2P_DERIVE_GPROF);
}

static void test_warning_limit(void **state)
{
    (void)state;
    size_t cap = 200000;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, cap, "%s", HDR "                                                 <spontaneous>\n");
    for (int i = 0; i < 500; i++)
        len += (size_t)snprintf(text + len, cap - len, "  garbage line %d\n", i);
    snprintf(text + len, cap - len, "[1]    100.0    0.50    0.00       3         main [1]\n" SEP FF);
    p2p_profile *p = parse(text);
    free(text);
    assert_int_equal(p->nfunctions, 1);
    assert_int_equal(nwarnings, 51);
    assert_non_null(strstr(warnings, "line 3: unrecognized call graph entry: '  garbage line 0'"));
    assert_non_null(strstr(warnings, "450 more unrecognized or repeated call graph lines skipped"));
    p2p_profile_free(p);
}

/* ---- the regular expressions, vector by vector ---------------------------- */

static size_t unhex(const char *h, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned v;
        sscanf(h + i, "%2x", &v);
        out[k++] = (char)v;
    }
    out[k] = '\0';
    return k;
}

/* tests/data/gprof/regex-vectors.txt (made by make_vectors.py with Python's
 * `re` and the patterns of §3.2): each primary and child line must give the
 * captures Python gives, or fail where Python fails. */
static void test_regex_vectors(void **state)
{
    (void)state;
    size_t size;
    char *data = read_data("regex-vectors.txt", &size);
    int checked = 0;
    char *save = NULL;
    for (char *ln = strtok_r(data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char kind = ln[0];
        char *hex = ln + 2, *res = strchr(hex, ' ');
        assert_non_null(res);
        *res++ = '\0';
        char line[1024], text[4096], name[1024];
        unhex(hex, strlen(hex), line);
        if (kind == 'P')
            snprintf(text, sizeof text, "%s                     <spontaneous>\n%s\n" SEP FF, HDR, line);
        else
            snprintf(text, sizeof text,
                     "%s                     <spontaneous>\n"
                     "[1]    100.0    0.50    0.00       3         main [1]\n%s\n" SEP FF,
                     HDR, line);
        p2p_profile *p = parse(text);
        if (kind == 'P') {
            if (strcmp(res, "-") == 0) {
                if (p->nfunctions != 0)
                    fail_msg("primary line accepted, Python rejects it: '%s'", line);
            } else {
                long long index;
                char called[32], cself[32], namehex[2048], cycle[32];
                assert_int_equal(sscanf(res, "%lld|%31[^|]|%31[^|]|%2047[^|]|%31s", &index, called, cself,
                                        namehex, cycle),
                                 5);
                unhex(namehex, strlen(namehex), name);
                if (p->nfunctions != 1)
                    fail_msg("primary line rejected, Python accepts it: '%s'", line);
                const p2p_function *f = by_id(p, index);
                if (strcmp(f->name, name) != 0)
                    fail_msg("'%s': name '%s', Python '%s'", line, f->name, name);
                if (called[0] == 'N')
                    assert_false(f->has_called);
                else
                    assert_called(f, atoll(called) + (cself[0] == 'N' ? 0 : atoll(cself)));
                assert_int_equal(f->cycle == P2P_NONE, cycle[0] == 'N');
            }
        } else {
            if (strcmp(res, "-") == 0) {
                if (p->ncalls != 0)
                    fail_msg("child line accepted, Python rejects it: '%s'", line);
            } else {
                long long index, called;
                char namehex[2048] = "";
                assert_true(sscanf(res, "%lld|%lld|%2047s", &index, &called, namehex) >= 2);
                unhex(namehex, strlen(namehex), name);
                if (p->ncalls != 1)
                    fail_msg("child line rejected, Python accepts it: '%s'", line);
                assert_float_equal(calls_id(p, 1, index), (double)called, 0);
                if (index != 1 && strcmp(by_id(p, index)->name, name) != 0)
                    fail_msg("'%s': name '%s', Python '%s'", line, by_id(p, index)->name, name);
            }
        }
        p2p_profile_free(p);
        checked++;
    }
    free(data);
    assert_int_equal(checked, 900);
}

/* ---- golden inputs: real gprof output (tests/data/gprof/make.sh) --------- */

/* recur.c's call graph, whatever the variant: call counts are fixed by the
 * code. */
static void check_recur(const p2p_profile *p)
{
    assert_called(by_name(p, "fib"), 21891);
    assert_called(by_name(p, "work"), 72191);
    assert_called(by_name(p, "is_even"), 10200);
    assert_called(by_name(p, "ping"), 10000);
    assert_float_equal(calls_name(p, "main", "fib"), 1, 0);
    assert_float_equal(calls_name(p, "fib", "fib"), 21890, 0); /* the child line */
    assert_float_equal(calls_name(p, "fib", "work"), 21891, 0);
    assert_float_equal(calls_name(p, "main", "is_even"), 200, 0);
    assert_float_equal(calls_name(p, "is_even", "is_odd"), 10100, 0);
    assert_float_equal(calls_name(p, "is_odd", "is_even"), 10000, 0);
    assert_float_equal(calls_name(p, "ping", "pong"), 10000, 0);
    assert_float_equal(calls_name(p, "pong", "pang"), 10000, 0);
    assert_float_equal(calls_name(p, "pang", "ping"), 9900, 0);
    assert_int_equal(p->ncycles, 2);
    const p2p_function *e = by_name(p, "is_even"), *o = by_name(p, "is_odd");
    assert_int_not_equal(e->cycle, P2P_NONE);
    assert_int_equal(e->cycle, o->cycle);
    const p2p_function *a = by_name(p, "ping"), *b = by_name(p, "pong"), *c = by_name(p, "pang");
    assert_int_not_equal(a->cycle, P2P_NONE);
    assert_int_equal(a->cycle, b->cycle);
    assert_int_equal(a->cycle, c->cycle);
    assert_int_not_equal(a->cycle, e->cycle);
    assert_int_equal(p->cycles[a->cycle].nmembers, 3);
    assert_int_equal(by_name(p, "main")->cycle, P2P_NONE);
}

static void test_golden_recur(void **state)
{
    (void)state;
    const char *files[] = {"recur-default.prof", "recur-b.prof",        "recur-q.prof",
                           "recur-bq.prof",      "recur-z.prof",        "recur-T.prof",
                           "recur-bqT.prof",     "recur-bq-bom.prof",   "recur-bq-utf16le.prof",
                           "recur-bq-utf16be.prof"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        p2p_profile *p = parse_file(files[i]);
        check_recur(p);
        if (nwarnings)
            fail_msg("%s: warnings: %s", files[i], warnings);
        /* the derived events work on it */
        p2p_diag d;
        p2p_diag_init(&d, files[i]);
        assert_int_equal(p2p_derive_events(p, P2P_DERIVE_GPROF, &d), 0);
        assert_float_equal(total_ratio(by_name(p, "main")), 1.0, 1e-9);
        p2p_profile_free(p);
    }
    /* -z lists the functions nobody called, with no time */
    p2p_profile *p = parse_file("recur-z.prof");
    assert_true(p->nfunctions > 8);
    p2p_profile_free(p);
}

static void test_golden_line_level(void **state)
{
    (void)state;
    p2p_profile *p = parse_file("recur-bql.prof");
    p2p_diag d;
    p2p_diag_init(&d, "recur-bql.prof");
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_GPROF, &d), 0);
    /* entries name the line: "fib (recur.c:19 @ 1203)"; the address part
     * changes with the compiler, so match on the prefix */
    bool fib = false, work = false;
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        if (strncmp(f->name, "fib (recur.c:", 13) == 0 && f->has_called && f->called == 21891)
            fib = true;
        if (strncmp(f->name, "work (recur.c:", 14) == 0 && f->has_called && f->called == 72191)
            work = true;
    }
    assert_true(fib);
    assert_true(work);
    p2p_profile_free(p);
}

static void test_golden_flat(void **state)
{
    (void)state;
    const char *files[] = {"recur-p.prof", "recur-bp.prof"};
    for (size_t i = 0; i < 2; i++) {
        p2p_profile *p = parse_file(files[i]);
        assert_int_equal(p->ncalls, 0);
        assert_called(by_name(p, "work"), 72191);
        assert_called(by_name(p, "fib"), 1);
        assert_int_equal(nwarnings, 1);
        p2p_profile_free(p);
    }
}

static void test_golden_cxx(void **state)
{
    (void)state;
    p2p_profile *p = parse_file("cxx-b.prof");
    assert_called(by_name(p, "shapes::area(double)"), 500);
    assert_called(by_name(p, "shapes::area(double, double)"), 500);
    assert_called(by_name(p, "shapes::operator+(shapes::Vec const&, shapes::Vec const&)"), 15000000);
    assert_true(has_name(p, "shapes::Box<double>::sum() const"));
    assert_true(has_name(p, "shapes::Box<double>::depth_sum(unsigned long) const"));
    assert_called(by_name(p, "shapes::Box<double>::depth_sum(unsigned long) const"), 30000 + 30000 * 100);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);

    p = parse_file("cxx-bq-nodemangle.prof");
    assert_called(by_name(p, "_ZN6shapes4areaEd"), 500);
    assert_called(by_name(p, "_ZN6shapes4areaEdd"), 500);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cycle_prof),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_primary_called_forms),
        cmocka_unit_test(test_primary_names),
        cmocka_unit_test(test_primary_backtracking),
        cmocka_unit_test(test_primary_rejects),
        cmocka_unit_test(test_child_lines),
        cmocka_unit_test(test_parent_lines_unused),
        cmocka_unit_test(test_cycles),
        cmocka_unit_test(test_cycle_entry_lines),
        cmocka_unit_test(test_cycle_not_strongly_connected),
        cmocka_unit_test(test_self_recursion),
        cmocka_unit_test(test_form_feed),
        cmocka_unit_test(test_no_form_feed),
        cmocka_unit_test(test_own_totals_ignored),
        cmocka_unit_test(test_missing_child),
        cmocka_unit_test(test_b2),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_boms),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_flat_only),
        cmocka_unit_test(test_empty_call_graph),
        cmocka_unit_test(test_nothing_found),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_warning_limit),
        cmocka_unit_test(test_regex_vectors),
        cmocka_unit_test(test_golden_recur),
        cmocka_unit_test(test_golden_line_level),
        cmocka_unit_test(test_golden_flat),
        cmocka_unit_test(test_golden_cxx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
