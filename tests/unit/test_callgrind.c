/* Callgrind parser (src/parse/callgrind.c): every line form of valgrind's
 * format, gprof2dot's semantics and quirks (SEMANTICS.md §4, §12), and the
 * places where prof2png deliberately does better than gprof2dot (each test
 * says so).  The files in tests/data/callgrind were made by valgrind with
 * make.sh beside them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"

#define DATA P2P_TEST_DATA "/callgrind/"

/* ---- helpers ------------------------------------------------------------ */

static char warnings[8192];
static int nwarnings;

static void collect(void *ctx, const char *msg)
{
    (void)ctx;
    nwarnings++;
    size_t n = strlen(warnings);
    snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

static p2p_diag diag;

/* Parse `n` texts (each its own input) with --event `event` (may be NULL). */
static int parse_texts(const char *const *texts, size_t n, const char *event, p2p_profile **p)
{
    p2p_input in[8];
    static const char *names[8] = {"a.cg", "b.cg", "c.cg", "d.cg", "e.cg", "f.cg", "g.cg", "h.cg"};
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++)
        p2p_input_from_memory(&in[i], names[i], texts[i], strlen(texts[i]));
    warnings[0] = '\0';
    nwarnings = 0;
    p2p_diag_init(&diag, names[0]);
    p2p_parse_opts o = {.warn = collect, .event = event};
    *p = NULL;
    int rc = p2p_parse_callgrind(in, n, &o, p, &diag);
    if (rc)
        assert_null(*p);
    else
        assert_non_null(*p);
    return rc;
}

static int parse_text(const char *text, const char *event, p2p_profile **p)
{
    return parse_texts(&text, 1, event, p);
}

/* Same with explicit length (for NUL bytes and binary input). */
static int parse_bytes(const void *data, size_t len, p2p_profile **p)
{
    p2p_input in;
    p2p_input_from_memory(&in, "bin.cg", data, len);
    warnings[0] = '\0';
    nwarnings = 0;
    p2p_diag_init(&diag, "bin.cg");
    p2p_parse_opts o = {.warn = collect};
    *p = NULL;
    return p2p_parse_callgrind(&in, 1, &o, p, &diag);
}

static int parse_files(const char *const *files, size_t n, const char *event, p2p_profile **p)
{
    p2p_input in[8];
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        p2p_diag_init(&diag, files[i]);
        assert_int_equal(p2p_input_read(files[i], &in[i], &diag), 0);
    }
    warnings[0] = '\0';
    nwarnings = 0;
    p2p_diag_init(&diag, files[0]);
    p2p_parse_opts o = {.warn = collect, .event = event};
    int rc = p2p_parse_callgrind(in, n, &o, p, &diag);
    for (size_t i = 0; i < n; i++)
        p2p_input_release(&in[i]);
    return rc;
}

static p2p_fid fn(p2p_profile *p, const char *name)
{
    const char *id = p2p_profile_intern(p, name, strlen(name));
    return p2p_profile_find_str(p, id);
}

static const p2p_function *F(p2p_profile *p, const char *name)
{
    p2p_fid f = fn(p, name);
    if (f == P2P_NONE)
        fail_msg("no function '%s'", name);
    return &p->functions[f];
}

static double self(p2p_profile *p, const char *name)
{
    const p2p_function *f = F(p, name);
    assert_true(p2p_ev_has(&f->ev, P2P_SAMPLES));
    return f->ev.v[P2P_SAMPLES];
}

/* The call a -> b, or NULL. */
static const p2p_call *C(p2p_profile *p, const char *a, const char *b)
{
    p2p_fid fa = fn(p, a), fb = fn(p, b);
    if (fa == P2P_NONE || fb == P2P_NONE)
        return NULL;
    uint32_t c = p2p_profile_find_call(p, fa, fb);
    return c == P2P_NONE ? NULL : &p->calls[c];
}

static double calls(p2p_profile *p, const char *a, const char *b)
{
    const p2p_call *c = C(p, a, b);
    if (!c)
        fail_msg("no call %s -> %s", a, b);
    assert_true(p2p_ev_has(&c->ev, P2P_CALLS));
    return c->ev.v[P2P_CALLS];
}

static double incl(p2p_profile *p, const char *a, const char *b)
{
    const p2p_call *c = C(p, a, b);
    if (!c)
        fail_msg("no call %s -> %s", a, b);
    assert_true(p2p_ev_has(&c->ev, P2P_SAMPLES2));
    return c->ev.v[P2P_SAMPLES2];
}

static const char *module(p2p_profile *p, const char *name)
{
    return F(p, name)->module;
}

static double total(p2p_profile *p)
{
    assert_true(p2p_ev_has(&p->ev, P2P_SAMPLES));
    return p->ev.v[P2P_SAMPLES];
}

static void assert_warned(const char *text)
{
    if (!strstr(warnings, text))
        fail_msg("no warning containing '%s' in:\n%s", text, warnings);
}

/* The sum of the last `totals:` or `summary:` line of a file, event 0. */
static double file_totals(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[4096];
    double t = -1;
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "totals:", 7) == 0)
            t = strtod(line + 7, NULL);
        else if (strncmp(line, "summary:", 8) == 0)
            t = strtod(line + 8, NULL);
    }
    fclose(fp);
    return t;
}

/* ---- header lines --------------------------------------------------------- */

static void header_lines_all_accepted(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "# callgrind format\n"
                    "version: 1\n"
                    "creator: callgrind-3.19.0\n"
                    "pid: 42\n"
                    "cmd:  ./prog arg\n"
                    "part: 1\n"
                    "thread: 1\n"
                    "\n"
                    "desc: I1 cache: \n"
                    "desc: Trigger: Program termination\n"
                    "event: Ir : Instruction Fetches\n"
                    "event: Sum = Ir + Dr\n"
                    "positions: line\n"
                    "events: Ir Dr\n"
                    "summary: 10 4\n"
                    "\n"
                    "fn=main\n"
                    "1 10 4\n"
                    "\n"
                    "totals: 10 4\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(self(p, "main") == 10);
    assert_true(total(p) == 10);
    p2p_profile_free(p);
}

static void positions_header_sets_the_number_of_positions(void **state)
{
    (void)state;
    p2p_profile *p;
    /* two positions: the cost is the third number */
    assert_int_equal(parse_text("positions: instr line\nevents: Ir\nfn=f\n0x10 3 7\n", NULL, &p), 0);
    assert_true(self(p, "f") == 7);
    p2p_profile_free(p);
    /* "positions:" with no words: every number is an event (gprof2dot: len(split())) */
    assert_int_equal(parse_text("positions:\nevents: Ir\nfn=f\n7\n", NULL, &p), 0);
    assert_true(self(p, "f") == 7);
    p2p_profile_free(p);
}

/* ---- body lines ------------------------------------------------------------ */

static void body_lines_and_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    /* cl-format's extended example */
    const char *t = "events: Instructions\n"
                    "\n"
                    "fl=file1.c\n"
                    "fn=main\n"
                    "16 20\n"
                    "cfn=func1\n"
                    "calls=1 50\n"
                    "16 400\n"
                    "cfl=file2.c\n"
                    "cfn=func2\n"
                    "calls=3 20\n"
                    "16 400\n"
                    "\n"
                    "fn=func1\n"
                    "51 100\n"
                    "cfl=file2.c\n"
                    "cfn=func2\n"
                    "calls=2 20\n"
                    "51 300\n"
                    "\n"
                    "fl=file2.c\n"
                    "fn=func2\n"
                    "20 700\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->nfunctions, 3);
    assert_int_equal(p->ncalls, 3);
    /* self cost only; the inclusive cost of calls stays on the call */
    assert_true(self(p, "main") == 20);
    assert_true(self(p, "func1") == 100);
    assert_true(self(p, "func2") == 700);
    assert_true(total(p) == 820);
    assert_true(calls(p, "main", "func1") == 1 && incl(p, "main", "func1") == 400);
    assert_true(calls(p, "main", "func2") == 3 && incl(p, "main", "func2") == 400);
    assert_true(calls(p, "func1", "func2") == 2 && incl(p, "func1", "func2") == 300);
    /* every callgrind function has a call count, 0 for roots */
    assert_true(F(p, "main")->has_called && F(p, "main")->called == 0);
    assert_int_equal(F(p, "func1")->called, 1);
    assert_int_equal(F(p, "func2")->called, 5);
    /* functions in order of first use: caller before callee */
    assert_string_equal(p->functions[0].name, "main");
    assert_string_equal(p->functions[1].name, "func1");
    assert_string_equal(p->functions[2].name, "func2");
    /* file names (fl, fi, fe, cfl, cfi) never reach the model */
    assert_null(F(p, "main")->filename);
    assert_null(F(p, "main")->module);
    p2p_profile_free(p);
}

static void calls_to_the_same_callee_are_summed(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\nfn=a\ncfn=b\ncalls=2 1\n1 30\ncalls=5 2\n2 70\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(p->ncalls, 1);
    assert_true(calls(p, "a", "b") == 7);
    assert_true(incl(p, "a", "b") == 100);
    assert_int_equal(F(p, "b")->called, 7);
    assert_true(self(p, "a") == 0);
    p2p_profile_free(p);
}

static void self_calls_are_stored(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\nfn=rec\n1 5\ncfn=rec\ncalls=9 1\n1 45\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(calls(p, "rec", "rec") == 9);
    assert_true(incl(p, "rec", "rec") == 45);
    assert_int_equal(F(p, "rec")->called, 9);
    p2p_profile_free(p);
}

static void calls_line_needs_its_cost_line_next(void **state)
{
    (void)state;
    p2p_profile *p;
    /* a comment in between is invisible (gprof2dot's reader skips them) */
    assert_int_equal(parse_text("events: Ir\nfn=a\ncfn=b\ncalls=1 1\n# note\n1 10\n", NULL, &p), 0);
    assert_true(incl(p, "a", "b") == 10);
    assert_int_equal(nwarnings, 0);
    p2p_profile_free(p);
    /* an empty line in between drops the call, as in gprof2dot; the next
     * cost line is then a self cost */
    assert_int_equal(parse_text("events: Ir\nfn=a\ncfn=b\ncalls=1 1\n\n1 10\n", NULL, &p), 0);
    assert_null(C(p, "a", "b"));
    assert_true(self(p, "a") == 10);
    assert_warned("line 4: calls= line not followed by its cost line");
    p2p_profile_free(p);
    /* two calls= in a row: the first is dropped */
    assert_int_equal(parse_text("events: Ir\nfn=a\ncfn=b\ncalls=1 1\ncalls=2 1\n1 10\n", NULL, &p), 0);
    assert_true(calls(p, "a", "b") == 2);
    p2p_profile_free(p);
    /* at the end of the input (a truncated file) */
    assert_int_equal(parse_text("events: Ir\nfn=a\n1 3\ncfn=b\ncalls=1 1\n", NULL, &p), 0);
    assert_null(C(p, "a", "b"));
    assert_warned("line 5: calls= line not followed");
    p2p_profile_free(p);
}

static void cfn_persists_after_a_call(void **state)
{
    (void)state;
    p2p_profile *p;
    /* cfn is not reset after a call: the second calls= goes to b again */
    assert_int_equal(parse_text("events: Ir\nfn=a\ncfn=b\ncalls=1 1\n1 10\nfn=c\ncalls=1 1\n1 4\n", NULL, &p), 0);
    assert_true(incl(p, "c", "b") == 4);
    p2p_profile_free(p);
}

/* ---- name compression ------------------------------------------------------ */

static void name_compression(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\n"
                    "ob=(1) /usr/lib/libfoo.so\n"
                    "fl=(1) foo.c\n"
                    "fn=(1) main\n"
                    "1 10\n"
                    "cob=(2) /bin/prog\n"
                    "cfi=(2) bar.c\n"
                    "cfn=(2) helper\n"
                    "calls=2 5\n"
                    "1 30\n"
                    "ob=(2)\n"
                    "fl=(2)\n"
                    "fn=(2)\n"
                    "5 30\n"
                    "cob=(1)\n"
                    "cfn=(1)\n"
                    "calls=1 1\n"
                    "5 7\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->nfunctions, 2);
    assert_true(self(p, "main") == 10);
    assert_true(self(p, "helper") == 30);
    assert_true(calls(p, "main", "helper") == 2);
    assert_true(calls(p, "helper", "main") == 1);
    /* ob and cob share a table; basename of the object */
    assert_string_equal(module(p, "main"), "libfoo.so");
    assert_string_equal(module(p, "helper"), "prog");
    p2p_profile_free(p);
}

static void name_tables_are_separate_per_kind(void **state)
{
    (void)state;
    p2p_profile *p;
    /* (1) is a file, a function and an object at once */
    const char *t = "events: Ir\nob=(1) obj\nfl=(1) file.c\nfn=(1) func\ncfi=(1)\ncfn=(1)\ncalls=1 1\n1 2\n"
                    "fi=(1)\nfe=(1)\nfn=(1)\n1 3\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(self(p, "func") == 3);
    assert_true(calls(p, "func", "func") == 1);
    assert_string_equal(module(p, "func"), "obj");
    p2p_profile_free(p);
}

static void ids_are_compared_as_strings(void **state)
{
    (void)state;
    p2p_profile *p;
    /* gprof2dot keys ids by their digits: (01) and (1) differ */
    const char *t = "events: Ir\nfn=(1) one\n1 1\nfn=(01) zero-one\n1 2\nfn=(1)\n1 4\nfn=(01)\n1 8\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_true(self(p, "one") == 5);
    assert_true(self(p, "zero-one") == 10);
    p2p_profile_free(p);
}

static void huge_ids_use_the_hash_map(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\n"
                    "fn=(4000000000) big\n1 1\n"
                    "fn=(123456789012345678901234567890) bigger\n1 2\n"
                    "fn=(70000) mid\n1 4\n"
                    "fn=(3)\n" /* undefined */
                    "fn=(4000000000)\n1 8\n"
                    "fn=(123456789012345678901234567890)\n1 16\n"
                    "fn=(70000)\n1 32\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_true(self(p, "big") == 9);
    assert_true(self(p, "bigger") == 18);
    assert_true(self(p, "mid") == 36);
    p2p_profile_free(p);
}

static void ids_can_be_redefined(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("events: Ir\nfn=(1) a\n1 1\nfn=(1) b\n1 2\nfn=(1)\n1 4\n", NULL, &p), 0);
    assert_true(self(p, "a") == 1);
    assert_true(self(p, "b") == 6);
    p2p_profile_free(p);
}

static void undefined_id_is_the_empty_name(void **state)
{
    (void)state;
    p2p_profile *p;
    /* as gprof2dot: an unknown (id) reads as "" (and prof2png warns) */
    assert_int_equal(parse_text("events: Ir\nfn=(7)\n1 5\nob=(3)\nfn=x\n1 1\n", NULL, &p), 0);
    assert_true(self(p, "") == 5);
    assert_null(module(p, "x"));
    assert_warned("line 2: name id used before it was defined");
    assert_warned("(and 1 more like it)");
    p2p_profile_free(p);
}

static void names_keep_trailing_blanks_and_lose_leading_ones(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("events: Ir\nfn=  spaced name  \n1 1\nfn=(4)   four\n1 2\nfn=(5)five\n1 4\n", NULL, &p),
                     0);
    assert_true(self(p, "spaced name  ") == 1);
    assert_true(self(p, "four") == 2);
    assert_true(self(p, "five") == 4);
    p2p_profile_free(p);
    /* "(12abc)" is not an id: the whole text is the name */
    assert_int_equal(parse_text("events: Ir\nfn=(12abc) x\n1 1\n", NULL, &p), 0);
    assert_true(self(p, "(12abc) x") == 1);
    p2p_profile_free(p);
    /* all blanks: gprof2dot's regex keeps the last blank as the name */
    assert_int_equal(parse_text("events: Ir\nfn=   \n1 1\n", NULL, &p), 0);
    assert_true(self(p, " ") == 1);
    p2p_profile_free(p);
}

/* ---- subposition compression ------------------------------------------------- */

static void subposition_compression(void **state)
{
    (void)state;
    p2p_profile *p;
    /* cl-format's example, plus -N, hex and * in every column */
    const char *t = "positions: instr line\nevents: ticks\n\nfn=func\n"
                    "0x80001234 90 1\n"
                    "+3 * 5\n"
                    "+1 +1 6\n"
                    "-4 -2 10\n"
                    "* * 100\n"
                    "0xDEADbeef 0x10 1000\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(self(p, "func") == 1122);
    p2p_profile_free(p);
}

static void bad_subpositions_are_not_cost_lines(void **state)
{
    (void)state;
    p2p_profile *p;
    /* "0x" alone, "+" alone, "1.5", "x": not cost lines; prof2png skips
     * each with a warning where gprof2dot stops reading (QUIRK §4.2) */
    const char *t = "events: Ir\nfn=f\n1 1\n0x 5\n+ 5\n1 1.5\n1 x\n1 2\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_true(self(p, "f") == 3);
    assert_warned("line 4: unexpected line skipped: '0x 5' (and 3 more like it)");
    p2p_profile_free(p);
}

static void missing_trailing_counts_are_zero(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: A B C\nfn=f\n1 10\n2 1 2 3\n3\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(self(p, "f") == 11);
    p2p_profile_free(p);
    assert_int_equal(parse_text(t, "B", &p), 0);
    assert_true(self(p, "f") == 2);
    p2p_profile_free(p);
    assert_int_equal(parse_text(t, "C", &p), 0);
    assert_true(self(p, "f") == 3);
    p2p_profile_free(p);
}

static void signed_and_hex_costs(void **state)
{
    (void)state;
    p2p_profile *p;
    /* gprof2dot: float("-3") and float("+4") work; float("0x10") crashes.
     * prof2png reads hexadecimal costs (cl-format allows them). */
    assert_int_equal(parse_text("events: Ir\nfn=f\n1 10\n1 -3\n1 +4\n1 0x10\n", NULL, &p), 0);
    assert_true(self(p, "f") == 27);
    p2p_profile_free(p);
    /* beyond 64 bits: rounded like Python's float() */
    assert_int_equal(parse_text("events: Ir\nfn=f\n1 123456789012345678901234567890\n", NULL, &p), 0);
    assert_true(self(p, "f") == 123456789012345678901234567890.0);
    p2p_profile_free(p);
    /* "*" as a cost: skipped with a warning (gprof2dot crashes) */
    assert_int_equal(parse_text("events: Ir\nfn=f\n1 2\n1 *\n", NULL, &p), 0);
    assert_true(self(p, "f") == 2);
    assert_warned("line 4: cost line whose cost is not a number");
    p2p_profile_free(p);
}

/* ---- jumps --------------------------------------------------------------------- */

static void jump_lines_are_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "positions: instr line\nevents: Ir\nfn=(1) f\n0x10 1 1\n"
                    "jump=3 0x20 4\n"
                    "jcnd=1/2 +16 +3\n"
                    "jfi=(5) other.c\n"
                    "jfi=(5)\n"
                    "jcnd=1/1 0x30 5\n"
                    /* prof2png: jfn= only defines the name (gprof2dot crashes, B7) */
                    "jfn=(9) target\n"
                    "jfl=(5)\n"
                    "jump=1 +1 *\n"
                    "+1 1 2\n"
                    "fn=(9)\n0x40 9 4\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(self(p, "f") == 3);
    assert_true(self(p, "target") == 4);
    p2p_profile_free(p);
}

/* ---- parts and files ----------------------------------------------------------- */

static void parts_are_summed(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "version: 1\ncreator: x\npart: 1\npositions: line\nevents: Ir\nsummary: 3\n\n"
                    "fn=(1) main\n1 3\ncfn=(2) f\ncalls=1 1\n1 2\ntotals: 3\n"
                    "part: 2\npositions: line\nevents: Ir\nsummary: 7\n\n"
                    "fn=(1)\n1 4\ncfn=(2)\ncalls=2 1\n1 5\nfn=(2)\n1 3\ntotals: 7\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(self(p, "main") == 7);
    assert_true(self(p, "f") == 3);
    assert_true(calls(p, "main", "f") == 3);
    assert_true(incl(p, "main", "f") == 7);
    assert_true(total(p) == 10);
    p2p_profile_free(p);
}

static void files_are_merged(void **state)
{
    (void)state;
    p2p_profile *p;
    /* the same ids mean different names in each file: tables are per file */
    const char *t[3] = {"events: Ir\nfn=(1) main\n1 1\ncfn=(2) work\ncalls=1 1\n1 10\n",
                        "", /* an empty file, as --separate-threads writes */
                        "events: Ir\nfn=(1) work\n1 20\nfn=(2) main\n1 2\ncfn=(1)\ncalls=3 1\n1 20\n"};
    assert_int_equal(parse_texts(t, 3, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->nfunctions, 2);
    assert_true(self(p, "main") == 3);
    assert_true(self(p, "work") == 20);
    assert_true(calls(p, "main", "work") == 4);
    assert_true(incl(p, "main", "work") == 30);
    assert_true(total(p) == 23);
    p2p_profile_free(p);
}

static void warnings_name_the_file_when_there_are_several(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t[2] = {"events: Ir\nfn=a\n1 1\n", "events: Ir\nfn=b\nbogus: 1\n1 1\n"};
    assert_int_equal(parse_texts(t, 2, NULL, &p), 0);
    assert_warned("b.cg: line 3: unexpected line skipped: 'bogus: 1'");
    p2p_profile_free(p);
}

/* ---- cachegrind -------------------------------------------------------------- */

static void cachegrind_has_no_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "desc: I1 cache: 32768 B\ncmd: ./a\nevents: Ir I1mr \nfl=a.c\nfn=main\n1 5 1\n2 6 0\n"
                    "fl=b.c\nfn=f\n3 7 0\nsummary: 18 1\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->ncalls, 0);
    assert_true(self(p, "main") == 11);
    assert_true(self(p, "f") == 7);
    p2p_profile_free(p);
}

/* ---- --event ------------------------------------------------------------------ */

static void event_option_selects_a_column(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "positions: line\nevents: Ir Dr Dw\nfn=a\n1 100 10 1\ncfn=b\ncalls=1 1\n1 50 5 2\nfn=b\n1 50 5 2\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_true(self(p, "a") == 100 && incl(p, "a", "b") == 50);
    p2p_profile_free(p);
    assert_int_equal(parse_text(t, "Ir", &p), 0);
    assert_true(self(p, "a") == 100);
    p2p_profile_free(p);
    assert_int_equal(parse_text(t, "Dw", &p), 0);
    assert_true(self(p, "a") == 1 && self(p, "b") == 2 && incl(p, "a", "b") == 2);
    assert_true(total(p) == 3);
    p2p_profile_free(p);
}

static void unknown_event_is_a_usage_error(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir Dr  Dw\nfn=a\n1 1\n";
    assert_int_equal(parse_text(t, "sysTime", &p), P2P_EUSAGE);
    assert_int_equal(diag.line, 1);
    assert_non_null(strstr(diag.msg, "'sysTime'"));
    assert_non_null(strstr(diag.msg, "Ir Dr  Dw"));
    /* event names are case-sensitive */
    assert_int_equal(parse_text(t, "ir", &p), P2P_EUSAGE);
    /* an input with no events: line at all */
    assert_int_equal(parse_text("", "Ir", &p), P2P_EUSAGE);
}

/* ---- SEMANTICS §12 quirks, copied ------------------------------------------------ */

/* §12 item 6: the id is the bare name; module from the first sighting. */
static void quirk_same_name_in_two_objects_is_one_function(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\nob=/lib/liba.so\nfl=a.c\nfn=init\n1 5\nob=/lib/libb.so\nfl=b.c\nfn=init\n1 7\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(self(p, "init") == 12);
    assert_string_equal(module(p, "init"), "liba.so");
    p2p_profile_free(p);
}

/* §12 item 6 / §4.3: cob is copied from ob only at self-cost lines. */
static void quirk_cob_follows_ob_only_at_self_cost_lines(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\n"
                    "ob=/lib/first.so\nfn=a\n1 1\n" /* cob := first.so */
                    "ob=/lib/second.so\nfn=b\n"      /* no self cost before the call */
                    "cfn=c\ncalls=1 1\n1 3\n"       /* c gets the stale first.so */
                    "1 1\n"                         /* now cob := second.so */
                    "cfn=d\ncalls=1 1\n1 3\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_string_equal(module(p, "a"), "first.so");
    assert_string_equal(module(p, "b"), "second.so");
    assert_string_equal(module(p, "c"), "first.so");
    assert_string_equal(module(p, "d"), "second.so");
    p2p_profile_free(p);
    /* no ob at all: no module; an object path ending in '/': module "" */
    assert_int_equal(parse_text("events: Ir\nfn=a\n1 1\nob=/x/\nfn=b\n1 1\nob=\nfn=c\n1 1\n", NULL, &p), 0);
    assert_null(module(p, "a"));
    assert_string_equal(module(p, "b"), "");
    assert_null(module(p, "c"));
    p2p_profile_free(p);
}

/* §12 item 7: only the first event is used (without --event). */
static void quirk_only_the_first_event(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("events: Dr Ir\nfn=a\n1 3 1000\n", NULL, &p), 0);
    assert_true(self(p, "a") == 3);
    p2p_profile_free(p);
    /* a later events: line changes the columns; still the first one */
    assert_int_equal(parse_text("events: Ir\nfn=a\n1 3\nevents: Dr Ir\n1 5 1000\n", NULL, &p), 0);
    assert_true(self(p, "a") == 8);
    p2p_profile_free(p);
}

/* §12 item 7, deliberate difference: an unknown line does not end the parse. */
static void difference_unknown_lines_are_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *t = "events: Ir\nfn=a\n1 1\nfoo: bar\n1 2\n\t\x01weird\nzzz\nfn=b\n1 4\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_true(self(p, "a") == 3);
    assert_true(self(p, "b") == 4);
    /* warned once, with the first line number, a printable excerpt and a count */
    assert_int_equal(nwarnings, 1);
    assert_warned("line 4: unexpected line skipped: 'foo: bar' (and 2 more like it)");
    p2p_profile_free(p);
}

/* §12 item 7, deliberate difference: a UTF-8 BOM does not empty the graph. */
static void difference_utf8_bom_is_skipped(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("\xef\xbb\xbfversion: 1\nevents: Ir\nfn=a\n1 4\n", NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(self(p, "a") == 4);
    p2p_profile_free(p);
}

/* Deliberate difference: UTF-16LE (PowerShell's `>`) is read; gprof2dot
 * decodes it but keeps the BOM, which hides the first line. */
static void difference_utf16le_is_transcoded(void **state)
{
    (void)state;
    const char *t = "events: Ir\nfn=caf\xc3\xa9\n1 4\n";
    unsigned char buf[128];
    size_t n = 0;
    buf[n++] = 0xff, buf[n++] = 0xfe;
    for (const char *s = t; *s; s++) {
        unsigned c = (unsigned char)*s;
        if (c == 0xc3) { /* é */
            buf[n++] = 0xe9, buf[n++] = 0;
            s++;
            continue;
        }
        buf[n++] = (unsigned char)c, buf[n++] = 0;
    }
    p2p_profile *p;
    assert_int_equal(parse_bytes(buf, n, &p), 0);
    assert_true(self(p, "caf\xc3\xa9") == 4);
    p2p_profile_free(p);
}

/* §12 items 1 and 2 (through the callgrind recipe of analyse.h): an
 * all-zero profile gives every function TIME_RATIO 1.0, and a callee reached
 * only through zero-cost calls credits its whole total to every caller, so
 * totals pass 100% and are not clamped. */
static void quirk_ratios_of_zero(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("events: Ir\nfn=a\n1 0\nfn=b\n1 0\n", NULL, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_CALLGRIND, &diag), 0);
    assert_true(F(p, "a")->ev.v[P2P_TIME_RATIO] == 1.0);
    assert_true(F(p, "b")->ev.v[P2P_TIME_RATIO] == 1.0);
    p2p_profile_free(p);

    /* main 10, x 10, y 10 (all self), and z 50 reached from x and y only by
     * zero-cost calls: x and y each get z's whole 62.5%, main gets 162.5% */
    const char *t = "events: Ir\n"
                    "fn=main\n1 10\ncfn=x\ncalls=1 1\n1 10\ncfn=y\ncalls=1 1\n1 10\n"
                    "fn=x\n1 10\ncfn=z\ncalls=1 1\n1 0\n"
                    "fn=y\n1 10\ncfn=z\ncalls=1 1\n1 0\n"
                    "fn=z\n1 50\n";
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_CALLGRIND, &diag), 0);
    double m = F(p, "main")->ev.v[P2P_TOTAL_TIME_RATIO];
    assert_true(fabs(m - 1.625) < 1e-12);
    assert_true(fabs(F(p, "x")->ev.v[P2P_TOTAL_TIME_RATIO] - 60.0 / 80.0) < 1e-12);
    p2p_profile_free(p);
}

/* ---- B7 and other bugs, not copied --------------------------------------------- */

static void difference_too_many_or_too_few_numbers(void **state)
{
    (void)state;
    p2p_profile *p;
    /* B7: gprof2dot asserts on more numbers than positions + events, and
     * crashes on fewer than the positions */
    assert_int_equal(parse_text("positions: instr line\nevents: Ir\nfn=a\n0x1 2 3 4 5\n0x1\n0x2 2 7\n", NULL, &p), 0);
    assert_true(self(p, "a") == 10);
    assert_warned("line 4: cost line with more numbers than positions and events");
    assert_warned("line 5: cost line with fewer numbers than positions");
    p2p_profile_free(p);
}

static void difference_bare_fn_is_unknown(void **state)
{
    (void)state;
    p2p_profile *p;
    /* B7: gprof2dot gives the function the id None and crashes sorting */
    assert_int_equal(parse_text("events: Ir\nfn=\n1 5\ncfn=\ncalls=1 1\n1 2\n", NULL, &p), 0);
    assert_true(self(p, "(unknown)") == 5);
    assert_true(calls(p, "(unknown)", "(unknown)") == 1);
    p2p_profile_free(p);
    /* a cost line before any fn=: gprof2dot's "" function, kept */
    assert_int_equal(parse_text("events: Ir\n1 5\n", NULL, &p), 0);
    assert_true(self(p, "") == 5);
    p2p_profile_free(p);
}

static void difference_no_events_line_is_an_error(void **state)
{
    (void)state;
    p2p_profile *p;
    /* B7: gprof2dot crashes at the first cost line */
    assert_int_equal(parse_text("version: 1\nfn=main\n16 20\n", NULL, &p), P2P_EFORMAT);
    assert_int_equal(diag.line, 3);
    assert_non_null(strstr(diag.msg, "before any 'events:' line"));
    assert_string_equal(diag.file, "a.cg");
    assert_int_equal(parse_text("events:\nfn=main\n16 20\n", NULL, &p), P2P_EFORMAT);
    assert_non_null(strstr(diag.msg, "names no event"));
    /* headers only (gprof2dot's empty.callgrind): an empty profile */
    assert_int_equal(parse_text("version: 1\ncmd: x\n", NULL, &p), 0);
    assert_int_equal(p->nfunctions, 0);
    p2p_profile_free(p);
    assert_int_equal(parse_text("", NULL, &p), 0);
    assert_int_equal(p->nfunctions, 0);
    assert_true(total(p) == 0);
    p2p_profile_free(p);
}

static void not_callgrind_is_an_error(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *gprof = "Flat profile:\n\nEach sample counts as 0.01 seconds.\n  %   cumulative   self\n";
    assert_int_equal(parse_text(gprof, NULL, &p), P2P_EFORMAT);
    assert_int_equal(diag.line, 1);
    assert_non_null(strstr(diag.msg, "not callgrind"));
    assert_non_null(strstr(diag.msg, "'Flat profile:'"));
    static const unsigned char bin[] = {0x7b, 0x00, 0x01, 0xff, 0x80, '\n', 0x90, 0x00};
    assert_int_equal(parse_bytes(bin, sizeof bin, &p), P2P_EFORMAT);
    /* the excerpt escapes control characters and bytes that are not UTF-8 */
    assert_non_null(strstr(diag.msg, "'{\\x00\\x01\\xff\\x80'"));
}

static void tabs_and_indentation_are_tolerated(void **state)
{
    (void)state;
    p2p_profile *p;
    /* gprof2dot wants single spaces and no indentation (it stops reading);
     * cl-format allows tabs */
    assert_int_equal(parse_text("events: Ir\tDr\nfn=a\n1\t2 \t3\t\n  4 5\n", NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(self(p, "a") == 7);
    p2p_profile_free(p);
}

static void line_ends(void **state)
{
    (void)state;
    p2p_profile *p;
    /* \r\n, \r and \n all end lines (Python's universal newlines) */
    assert_int_equal(parse_text("events: Ir\r\nfn=a\r1 1\r\n\r\nfn=b \r1 2\n1 4", NULL, &p), 0);
    assert_true(self(p, "a") == 1);
    assert_true(self(p, "b ") == 6);
    /* the last line had no line end: kept, with a warning */
    assert_warned("line 7: the last line has no line end");
    p2p_profile_free(p);
}

static void invalid_utf8_is_repaired(void **state)
{
    (void)state;
    p2p_profile *p;
    /* B6: gprof2dot dies on invalid UTF-8; bad bytes become U+FFFD */
    static const char t[] = "events: Ir\nfn=bad\xff\n1 1\nfn=bad\xfe\n1 2\nfn=ok\xc3\xa9\n1 4\nfn=nul\0x\n1 8\n";
    assert_int_equal(parse_bytes(t, sizeof t - 1, &p), 0);
    /* two spellings repair to the same name: one function */
    assert_true(self(p, "bad\xef\xbf\xbd") == 3);
    assert_true(self(p, "ok\xc3\xa9") == 4);
    assert_true(self(p, "nul\xef\xbf\xbdx") == 8);
    p2p_profile_free(p);
    /* a repaired name and the same name written correctly are one function */
    static const char u[] = "events: Ir\nfn=x\xff\n1 1\nfn=x\xef\xbf\xbd\n1 2\n";
    assert_int_equal(parse_bytes(u, sizeof u - 1, &p), 0);
    assert_int_equal(p->nfunctions, 1);
    assert_true(self(p, "x\xef\xbf\xbd") == 3);
    p2p_profile_free(p);
}

static void very_long_names_are_skipped(void **state)
{
    (void)state;
    size_t big = (1u << 20) + 100;
    char *t = malloc(big + 64);
    assert_non_null(t);
    strcpy(t, "events: Ir\nfn=a\n1 1\nfn=");
    size_t n = strlen(t);
    memset(t + n, 'x', big);
    strcpy(t + n + big, "\n1 2\n");
    p2p_profile *p;
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_true(self(p, "a") == 3);
    assert_warned("line 4: name longer than 1 MiB");
    p2p_profile_free(p);
    /* the same without a line end at the end */
    t[n + big] = '\0';
    assert_int_equal(parse_text(t, NULL, &p), 0);
    assert_warned("line 4: name longer than 1 MiB");
    p2p_profile_free(p);
    free(t);
}

static void bad_calls_lines(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text("events: Ir\nfn=a\ncfn=b\ncalls=\n1 5\ncalls=x 1\n1 6\ncalls=0x2 1\n1 7\n", NULL, &p),
                     0);
    assert_warned("line 4: calls= line without a call count");
    assert_warned("(and 1 more like it)");
    /* the cost lines after bad calls= lines are self costs; hex counts work */
    assert_true(self(p, "a") == 11);
    assert_true(calls(p, "a", "b") == 2);
    p2p_profile_free(p);
}

/* ---- files made by valgrind ------------------------------------------------- */

static void golden_default(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *f = DATA "rec-default.callgrind";
    assert_int_equal(parse_files(&f, 1, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(total(p) == file_totals(f));
    /* self recursion: callgrind separates the first level (--separate-recs=2) */
    assert_true(calls(p, "fib", "fib'2") == 2);
    assert_true(calls(p, "fib'2", "fib'2") > 100);
    assert_true(calls(p, "main", "fib") == 1);
    /* mutual recursion and a cycle of three */
    assert_non_null(C(p, "is_even", "is_odd"));
    assert_non_null(C(p, "is_odd'2", "is_even'2"));
    assert_non_null(C(p, "ping", "pang"));
    assert_true(calls(p, "main", "leaf") == 1);
    assert_true(F(p, "leaf")->called >= 3);
    assert_string_equal(module(p, "main"), "rec");
    /* the inclusive cost of main's caller is the whole run */
    assert_true(incl(p, "(below main)", "main") == file_totals(f));
    p2p_profile_free(p);
}

/* Two files must give the same functions, modules, costs and calls. */
static void assert_same_profile(const char *a, const char *b)
{
    p2p_profile *p, *q;
    assert_int_equal(parse_files(&a, 1, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(parse_files(&b, 1, NULL, &q), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->nfunctions, q->nfunctions);
    assert_int_equal(p->ncalls, q->ncalls);
    assert_true(total(p) == total(q));
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        p2p_fid j = fn(q, f->name);
        if (j == P2P_NONE)
            fail_msg("%s: no function '%s'", b, f->name);
        const p2p_function *g = &q->functions[j];
        assert_true(f->ev.v[P2P_SAMPLES] == g->ev.v[P2P_SAMPLES]);
        assert_int_equal(f->called, g->called);
        assert_true((f->module == NULL) == (g->module == NULL));
        if (f->module)
            assert_string_equal(f->module, g->module);
        for (uint32_t c = f->first_call; c != P2P_NONE; c = p->calls[c].next) {
            const p2p_call *k = &p->calls[c];
            uint32_t d = p2p_profile_find_call(q, j, fn(q, p->functions[k->callee].name));
            assert_int_not_equal(d, P2P_NONE);
            assert_true(k->ev.v[P2P_CALLS] == q->calls[d].ev.v[P2P_CALLS]);
            assert_true(k->ev.v[P2P_SAMPLES2] == q->calls[d].ev.v[P2P_SAMPLES2]);
        }
    }
    p2p_profile_free(p);
    p2p_profile_free(q);
}

static void golden_option_families_agree(void **state)
{
    (void)state;
    /* name compression, instruction positions and jump lines change the
     * text, not the profile */
    assert_same_profile(DATA "rec-default.callgrind", DATA "rec-nocompress.callgrind");
    assert_same_profile(DATA "rec-default.callgrind", DATA "rec-instr.callgrind");
    assert_same_profile(DATA "rec-default.callgrind", DATA "rec-jumps.callgrind");
}

static void golden_separate_callers(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *f = DATA "rec-sepcallers2.callgrind";
    assert_int_equal(parse_files(&f, 1, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(total(p) == file_totals(f));
    /* functions are told apart by their callers: leaf'main, leaf'apply, ... */
    assert_true(fn(p, "leaf'main") != P2P_NONE || fn(p, "leaf'main'(below main)") != P2P_NONE);
    p2p_profile_free(p);
}

static void golden_cachegrind(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *f = DATA "rec.cachegrind";
    assert_int_equal(parse_files(&f, 1, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_int_equal(p->ncalls, 0);
    assert_true(total(p) == file_totals(f));
    assert_true(self(p, "fib") > 0);
    assert_true(self(p, "leaf") > 0);
    p2p_profile_free(p);
}

/* The sum of column `col` (0-based, after the line column) of a file's
 * last totals:/summary: line. */
static double file_totals_col(const char *path, int col)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[4096];
    double t = -1;
    while (fgets(line, sizeof line, fp)) {
        char *s = NULL;
        if (strncmp(line, "totals:", 7) == 0)
            s = line + 7;
        else if (strncmp(line, "summary:", 8) == 0)
            s = line + 8;
        if (!s)
            continue;
        for (int i = 0; i <= col; i++)
            t = strtod(s, &s);
    }
    fclose(fp);
    return t;
}

static void golden_event_choice(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *f = DATA "rec-cachesim.callgrind";
    /* events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim */
    assert_int_equal(parse_files(&f, 1, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    assert_true(total(p) == file_totals_col(f, 0));
    p2p_profile_free(p);
    assert_int_equal(parse_files(&f, 1, "Dw", &p), 0);
    assert_true(total(p) == file_totals_col(f, 2));
    p2p_profile_free(p);
    assert_int_equal(parse_files(&f, 1, "Bim", &p), 0);
    assert_true(total(p) == file_totals_col(f, 12));
    p2p_profile_free(p);
    assert_int_equal(parse_files(&f, 1, "sysTime", &p), P2P_EUSAGE);
    assert_non_null(strstr(diag.msg, "Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim"));
}

static void golden_threads_merged(void **state)
{
    (void)state;
    p2p_profile *p;
    const char *f[4] = {DATA "threads-sep.callgrind", DATA "threads-sep.callgrind-01",
                        DATA "threads-sep.callgrind-02", DATA "threads-sep.callgrind-03"};
    assert_int_equal(parse_files(f, 4, NULL, &p), 0);
    assert_int_equal(nwarnings, 0);
    double sum = file_totals(f[1]) + file_totals(f[2]) + file_totals(f[3]);
    assert_true(total(p) == sum);
    /* both threads ran worker: the calls of two files merge */
    assert_int_equal(F(p, "worker")->called, 2);
    assert_true(calls(p, "start_thread", "worker") == 2);
    assert_true(calls(p, "worker", "fib") == 2);
    p2p_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_lines_all_accepted),
        cmocka_unit_test(positions_header_sets_the_number_of_positions),
        cmocka_unit_test(body_lines_and_calls),
        cmocka_unit_test(calls_to_the_same_callee_are_summed),
        cmocka_unit_test(self_calls_are_stored),
        cmocka_unit_test(calls_line_needs_its_cost_line_next),
        cmocka_unit_test(cfn_persists_after_a_call),
        cmocka_unit_test(name_compression),
        cmocka_unit_test(name_tables_are_separate_per_kind),
        cmocka_unit_test(ids_are_compared_as_strings),
        cmocka_unit_test(huge_ids_use_the_hash_map),
        cmocka_unit_test(ids_can_be_redefined),
        cmocka_unit_test(undefined_id_is_the_empty_name),
        cmocka_unit_test(names_keep_trailing_blanks_and_lose_leading_ones),
        cmocka_unit_test(subposition_compression),
        cmocka_unit_test(bad_subpositions_are_not_cost_lines),
        cmocka_unit_test(missing_trailing_counts_are_zero),
        cmocka_unit_test(signed_and_hex_costs),
        cmocka_unit_test(jump_lines_are_skipped),
        cmocka_unit_test(parts_are_summed),
        cmocka_unit_test(files_are_merged),
        cmocka_unit_test(warnings_name_the_file_when_there_are_several),
        cmocka_unit_test(cachegrind_has_no_calls),
        cmocka_unit_test(event_option_selects_a_column),
        cmocka_unit_test(unknown_event_is_a_usage_error),
        cmocka_unit_test(quirk_same_name_in_two_objects_is_one_function),
        cmocka_unit_test(quirk_cob_follows_ob_only_at_self_cost_lines),
        cmocka_unit_test(quirk_only_the_first_event),
        cmocka_unit_test(quirk_ratios_of_zero),
        cmocka_unit_test(difference_unknown_lines_are_skipped),
        cmocka_unit_test(difference_utf8_bom_is_skipped),
        cmocka_unit_test(difference_utf16le_is_transcoded),
        cmocka_unit_test(difference_too_many_or_too_few_numbers),
        cmocka_unit_test(difference_bare_fn_is_unknown),
        cmocka_unit_test(difference_no_events_line_is_an_error),
        cmocka_unit_test(not_callgrind_is_an_error),
        cmocka_unit_test(tabs_and_indentation_are_tolerated),
        cmocka_unit_test(line_ends),
        cmocka_unit_test(invalid_utf8_is_repaired),
        cmocka_unit_test(very_long_names_are_skipped),
        cmocka_unit_test(bad_calls_lines),
        cmocka_unit_test(golden_default),
        cmocka_unit_test(golden_option_families_agree),
        cmocka_unit_test(golden_separate_callers),
        cmocka_unit_test(golden_cachegrind),
        cmocka_unit_test(golden_event_choice),
        cmocka_unit_test(golden_threads_merged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
