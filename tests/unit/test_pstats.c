/* Unit tests of the pstats reader (src/parse/pstats.c, SEMANTICS.md §6) on
 * the files of tests/data/pstats (made by tests/data/make_pstats.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"
#include "prof2png/parse.h"
#include "prof2png/profile.h"

#define DATA P2P_TEST_DATA "/pstats/"

static const char *const versions[] = {"2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"};
#define NVERSIONS (sizeof versions / sizeof versions[0])

typedef struct {
    p2p_input in[8];
    size_t n;
    char names[8][256];
} inputs;

static void open_inputs(inputs *ins, size_t n, const char *const *files)
{
    assert_true(n <= 8);
    ins->n = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(ins->names[i], sizeof ins->names[i], DATA "%s", files[i]);
        p2p_diag d;
        p2p_diag_init(&d, NULL);
        if (p2p_input_read(ins->names[i], &ins->in[i], &d))
            fail_msg("cannot read %s", ins->names[i]);
    }
}

static void close_inputs(inputs *ins)
{
    for (size_t i = 0; i < ins->n; i++)
        p2p_input_release(&ins->in[i]);
}

/* Parse the files, expecting success. */
static p2p_profile *parse_n(size_t n, const char *const *files)
{
    inputs ins;
    open_inputs(&ins, n, files);
    p2p_profile *p = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    int rc = p2p_parse_pstats(ins.in, n, NULL, &p, &d);
    if (rc)
        fail_msg("%s: %s", d.file ? d.file : "?", d.msg);
    assert_non_null(p);
    close_inputs(&ins);
    return p;
}

static p2p_profile *parse1(const char *file)
{
    return parse_n(1, &file);
}

static p2p_fid fn(const p2p_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        if (strcmp(p->functions[i].name, name) == 0)
            return i;
    }
    fail_msg("no function %s", name);
    return P2P_NONE;
}

static bool has_fn(const p2p_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        if (strcmp(p->functions[i].name, name) == 0)
            return true;
    }
    return false;
}

static const p2p_call *call(const p2p_profile *p, const char *caller, const char *callee)
{
    uint32_t c = p2p_profile_find_call(p, fn(p, caller), fn(p, callee));
    if (c == P2P_NONE)
        fail_msg("no call %s -> %s", caller, callee);
    return &p->calls[c];
}

static double ev(const p2p_events *e, p2p_event k)
{
    assert_true(p2p_ev_has(e, k));
    return e->v[k];
}

/* Ids are 0, 1, 2, ... in the order of the function array. */
static void check_ids(const p2p_profile *p)
{
    assert_int_equal(p->id_kind, P2P_ID_INT);
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        assert_int_equal(p->functions[i].id_num, i);
        assert_int_equal(p2p_profile_find_int(p, i), i);
        assert_non_null(p->functions[i].filename);
        assert_null(p->functions[i].module);
        assert_true(p->functions[i].has_called);
    }
}

/* ---- hand-made files with exact numbers --------------------------------- */

static void names_and_first_encounter_ids(void **state)
{
    (void)state;
    p2p_profile *p = parse1("synth-names.pstats");
    check_ids(p);
    /* callee key first, then its callers in dict order */
    static const char *const order[] = {
        "posixpath:10:join", "~:0:<built-in method builtins.exec>", ":0:exec",
        "<frozen importlib:1165:_find_and_load", ".bashrc:1:dot", "..x:2:dots", "c:3:nodir",
        "b.tar:4:twoext"};
    assert_int_equal(p->nfunctions, 8);
    for (uint32_t i = 0; i < 8; i++)
        assert_string_equal(p->functions[i].name, order[i]);
    assert_string_equal(p->functions[0].filename, "/usr/lib/python3.10/posixpath.py");
    assert_string_equal(p->functions[1].filename, "~");
    assert_string_equal(p->functions[2].filename, ""); /* kept, even empty */
    assert_string_equal(p->functions[3].filename, "<frozen importlib._bootstrap>");
    assert_string_equal(p->functions[6].filename, "/a.b/c");
    p2p_profile_free(p);
}

static void events_of_cprofile_tuples(void **state)
{
    (void)state;
    p2p_profile *p = parse1("synth-names.pstats");
    const p2p_function *join = &p->functions[fn(p, "posixpath:10:join")];
    assert_int_equal(join->called, 1);
    assert_true(ev(&join->ev, P2P_TIME) == 0.5);
    assert_true(ev(&join->ev, P2P_TOTAL_TIME) == 2.0);
    const p2p_function *exec = &p->functions[fn(p, ":0:exec")];
    assert_int_equal(exec->called, 3); /* nc, not cc */
    /* CALLS = cc of the caller tuple, TOTAL_TIME = its ct */
    const p2p_call *c = call(p, "posixpath:10:join", ":0:exec");
    assert_true(ev(&c->ev, P2P_CALLS) == 3.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 0.75);
    assert_false(p2p_ev_has(&c->ev, P2P_TIME));
    /* a self-call is a real edge with a time */
    c = call(p, ":0:exec", ":0:exec");
    assert_true(ev(&c->ev, P2P_CALLS) == 1.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 0.125);
    /* profile[TIME] = sum of tt; profile[TOTAL_TIME] = max(sum tt, max ct) */
    assert_true(ev(&p->ev, P2P_TIME) == 1.875);
    assert_true(ev(&p->ev, P2P_TOTAL_TIME) == 4.0);
    /* no ratios yet: they belong to P2P_DERIVE_PSTATS */
    assert_false(p2p_ev_has(&join->ev, P2P_TIME_RATIO));
    assert_false(p2p_ev_has(&join->ev, P2P_TOTAL_TIME_RATIO));
    assert_false(p2p_ev_has(&p->ev, P2P_TIME_RATIO));
    p2p_profile_free(p);
}

static int nwarnings;
static char last_warning[256];
static void count_warning(void *ctx, const char *msg)
{
    (void)ctx;
    nwarnings++;
    snprintf(last_warning, sizeof last_warning, "%s", msg);
}

static void profile_module_counts(void **state)
{
    (void)state;
    inputs ins;
    static const char *const f[] = {"synth-ints.pstats"};
    open_inputs(&ins, 1, f);
    p2p_parse_opts o = {0};
    o.warn = count_warning;
    nwarnings = 0;
    p2p_profile *p = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(ins.in, 1, &o, &p, &d), 0);
    close_inputs(&ins);
    check_ids(p);
    /* two groups of four in one tuple are summed */
    const p2p_call *c = call(p, "p:1:p", "p:3:r");
    assert_true(ev(&c->ev, P2P_CALLS) == 3.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 2.5);
    /* int caller: CALLS = value, TOTAL_TIME = ratio(value, nc) * ct, where
     * (QUIRK) nc and ct are those of the tuple read just before: 3/6 * 1.5 */
    c = call(p, "p:1:p", "p:2:q");
    assert_true(ev(&c->ev, P2P_CALLS) == 2.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 1.5);
    c = call(p, "p:3:r", "p:2:q");
    assert_true(ev(&c->ev, P2P_CALLS) == 3.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 0.75);
    /* plain int callers: 2/2 * 1.0, and 5/2 clamped to 1 (warned) */
    c = call(p, "p:1:p", "p:4:s");
    assert_true(ev(&c->ev, P2P_CALLS) == 2.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 1.0);
    c = call(p, "p:2:q", "p:4:s");
    assert_true(ev(&c->ev, P2P_CALLS) == 5.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 1.0);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(last_warning, "ratio greater than one"));
    assert_true(ev(&p->ev, P2P_TIME) == 2.0);
    assert_true(ev(&p->ev, P2P_TOTAL_TIME) == 4.0);
    p2p_profile_free(p);
}

static void merge_order_and_sums(void **state)
{
    (void)state;
    /* Stats(m1, m2, m3) loads m1, then adds m3, then m2: y's callers become
     * [x, u, v] and the new entries come in the order w, u, v, z */
    static const char *const f123[] = {"synth-merge1.pstats", "synth-merge2.pstats", "synth-merge3.pstats"};
    p2p_profile *p = parse_n(3, f123);
    check_ids(p);
    static const char *const order[] = {"m:1:x", "m:2:y", "m:6:u", "m:5:v", "m:4:w", "m:3:z"};
    assert_int_equal(p->nfunctions, 6);
    for (uint32_t i = 0; i < 6; i++)
        assert_string_equal(p->functions[i].name, order[i]);
    const p2p_function *y = &p->functions[fn(p, "m:2:y")];
    assert_int_equal(y->called, 6);
    assert_true(ev(&y->ev, P2P_TIME) == 3.5);
    assert_true(ev(&y->ev, P2P_TOTAL_TIME) == 6.5);
    assert_int_equal(p->functions[fn(p, "m:5:v")].called, 2);
    /* caller tuples summed element-wise */
    const p2p_call *c = call(p, "m:1:x", "m:2:y");
    assert_true(ev(&c->ev, P2P_CALLS) == 5.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 5.0);
    c = call(p, "m:5:v", "m:2:y");
    assert_true(ev(&c->ev, P2P_CALLS) == 2.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 1.75);
    c = call(p, "m:6:u", "m:2:y");
    assert_true(ev(&c->ev, P2P_CALLS) == 1.0);
    /* total_tt = 3 + 0.75 + 1.5 */
    assert_true(ev(&p->ev, P2P_TIME) == 5.25);
    assert_true(ev(&p->ev, P2P_TOTAL_TIME) == 8.0);
    p2p_profile_free(p);

    /* Stats(m1, m3, m2) adds m2 first: y's callers [x, v, u]; z before w */
    static const char *const f132[] = {"synth-merge1.pstats", "synth-merge3.pstats", "synth-merge2.pstats"};
    p = parse_n(3, f132);
    static const char *const order2[] = {"m:1:x", "m:2:y", "m:5:v", "m:6:u", "m:3:z", "m:4:w"};
    assert_int_equal(p->nfunctions, 6);
    for (uint32_t i = 0; i < 6; i++)
        assert_string_equal(p->functions[i].name, order2[i]);
    c = call(p, "m:5:v", "m:2:y");
    assert_true(ev(&c->ev, P2P_CALLS) == 2.0);
    assert_true(ev(&c->ev, P2P_TOTAL_TIME) == 1.75);
    p2p_profile_free(p);
}

/* ---- real files of every Python version ----------------------------------- */

static void workload_checks(const p2p_profile *p, bool cprofile)
{
    check_ids(p);
    const p2p_function *fib = &p->functions[fn(p, "pstats_workload:10:fib")];
    assert_string_equal(fib->filename, "pstats_workload.py");
    assert_int_equal(fib->called, 177); /* fib(10) */
    assert_int_equal(p->functions[fn(p, "pstats_workload:16:is_even")].called, 11);
    assert_int_equal(p->functions[fn(p, "pstats_workload:22:is_odd")].called, 10);
    assert_int_equal(p->functions[fn(p, "pstats_workload:30:<genexpr>")].called, 201);
    assert_int_equal(p->functions[fn(p, "pstats_workload:34:main")].called, 1);
    const p2p_call *c = call(p, "pstats_workload:10:fib", "pstats_workload:10:fib");
    const p2p_call *odd = call(p, "pstats_workload:16:is_even", "pstats_workload:22:is_odd");
    if (cprofile) {
        /* cProfile counts primitive calls: the recursion's inner calls are
         * not primitive */
        assert_true(ev(&c->ev, P2P_CALLS) < 176.0);
        assert_true(ev(&odd->ev, P2P_CALLS) == 1.0);
    } else {
        /* the profile module counts them all, and splits ct by count */
        assert_true(ev(&c->ev, P2P_CALLS) == 176.0);
        assert_true(ev(&c->ev, P2P_TOTAL_TIME) == p2p_ratio(NULL, 176.0, 177.0) * ev(&fib->ev, P2P_TOTAL_TIME));
        assert_true(ev(&odd->ev, P2P_CALLS) == 10.0);
    }
    /* the totals */
    double sum = 0.0, max = 0.0;
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        sum += ev(&p->functions[i].ev, P2P_TIME);
        if (ev(&p->functions[i].ev, P2P_TOTAL_TIME) > max)
            max = p->functions[i].ev.v[P2P_TOTAL_TIME];
    }
    assert_true(fabs(ev(&p->ev, P2P_TIME) - sum) <= 1e-12);
    assert_true(ev(&p->ev, P2P_TOTAL_TIME) >= max);
    assert_true(ev(&p->ev, P2P_TOTAL_TIME) >= sum - 1e-12);
}

static void every_version_cprofile(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVERSIONS; i++) {
        char name[64];
        snprintf(name, sizeof name, "work-%s-cProfile.pstats", versions[i]);
        p2p_profile *p = parse1(name);
        workload_checks(p, true);
        /* builtins are named differently by 2.7 and 3.x cProfile */
        if (strcmp(versions[i], "2.7") == 0)
            assert_true(has_fn(p, "~:0:<sorted>"));
        else
            assert_true(has_fn(p, "~:0:<built-in method builtins.sorted>"));
        p2p_profile_free(p);
    }
}

static void every_version_profile_module(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVERSIONS; i++) {
        char name[64];
        snprintf(name, sizeof name, "work-%s-profile.pstats", versions[i]);
        p2p_profile *p = parse1(name);
        workload_checks(p, false);
        assert_true(has_fn(p, "profile:0:profiler"));
        assert_true(has_fn(p, ":0:sorted"));
        /* the code-object key is named after the module code's repr, with
         * no address; its line is that of the <module> function */
        const p2p_function *mod = NULL;
        for (uint32_t k = 0; k < p->nfunctions; k++) {
            if (strncmp(p->functions[k].name, "pstats_workload:", 16) == 0 &&
                strstr(p->functions[k].name, ":<module>"))
                mod = &p->functions[k];
        }
        assert_non_null(mod);
        int line = atoi(mod->name + 16);
        char code[256];
        snprintf(code, sizeof code, "profile:0:<code object <module>, file \"pstats_workload.py\", line %d>", line);
        p2p_fid cf = fn(p, code);
        assert_string_equal(p->functions[cf].filename, "profile");
        assert_int_equal(p->functions[cf].called, 1);
        const p2p_call *c = call(p, "profile:0:profiler", code);
        assert_true(ev(&c->ev, P2P_CALLS) == 1.0);
        p2p_profile_free(p);
    }
}

/* Three partial runs merged by prof2png equal pstats' own merge of them
 * (Stats(f, m, b).dump_stats(), made by make_pstats.sh). */
static void merge_matches_pstats(void **state)
{
    (void)state;
    for (size_t i = 1; i < NVERSIONS; i++) { /* 2.7 dicts have no order */
        char f[3][64], m[64];
        snprintf(f[0], sizeof f[0], "part-f-%s.pstats", versions[i]);
        snprintf(f[1], sizeof f[1], "part-m-%s.pstats", versions[i]);
        snprintf(f[2], sizeof f[2], "part-b-%s.pstats", versions[i]);
        snprintf(m, sizeof m, "merged-fmb-%s.pstats", versions[i]);
        const char *const parts[] = {f[0], f[1], f[2]};
        p2p_profile *a = parse_n(3, parts);
        p2p_profile *b = parse1(m);
        assert_int_equal(a->nfunctions, b->nfunctions);
        assert_int_equal(a->ncalls, b->ncalls);
        for (uint32_t k = 0; k < a->nfunctions; k++) {
            const p2p_function *fa = &a->functions[k], *fb = &b->functions[k];
            assert_string_equal(fa->name, fb->name);
            assert_string_equal(fa->filename, fb->filename);
            assert_int_equal(fa->called, fb->called);
            assert_true(ev(&fa->ev, P2P_TIME) == ev(&fb->ev, P2P_TIME));
            assert_true(ev(&fa->ev, P2P_TOTAL_TIME) == ev(&fb->ev, P2P_TOTAL_TIME));
            uint32_t ca = fa->first_call, cb = fb->first_call;
            while (ca != P2P_NONE && cb != P2P_NONE) {
                assert_int_equal(a->calls[ca].callee, b->calls[cb].callee);
                assert_true(ev(&a->calls[ca].ev, P2P_CALLS) == ev(&b->calls[cb].ev, P2P_CALLS));
                assert_true(ev(&a->calls[ca].ev, P2P_TOTAL_TIME) == ev(&b->calls[cb].ev, P2P_TOTAL_TIME));
                ca = a->calls[ca].next;
                cb = b->calls[cb].next;
            }
            assert_int_equal(ca, cb);
        }
        assert_true(ev(&a->ev, P2P_TIME) == ev(&b->ev, P2P_TIME));
        /* total_tt is summed per file, so it may differ in the last bits */
        assert_true(fabs(ev(&a->ev, P2P_TOTAL_TIME) - ev(&b->ev, P2P_TOTAL_TIME)) < 1e-12);
        /* the parts add up */
        assert_int_equal(a->functions[fn(a, "pstats_workload:10:fib")].called, 177);
        assert_int_equal(a->functions[fn(a, "pstats_workload:34:main")].called, 3);
        p2p_profile_free(a);
        p2p_profile_free(b);
    }
    /* 2.7: same content, whatever the order */
    static const char *const parts27[] = {"part-f-2.7.pstats", "part-m-2.7.pstats", "part-b-2.7.pstats"};
    p2p_profile *a = parse_n(3, parts27);
    p2p_profile *b = parse1("merged-fmb-2.7.pstats");
    assert_int_equal(a->nfunctions, b->nfunctions);
    assert_int_equal(a->ncalls, b->ncalls);
    for (uint32_t k = 0; k < a->nfunctions; k++) {
        const p2p_function *fa = &a->functions[k], *fb = &b->functions[fn(b, fa->name)];
        assert_int_equal(fa->called, fb->called);
        assert_true(ev(&fa->ev, P2P_TOTAL_TIME) == ev(&fb->ev, P2P_TOTAL_TIME));
    }
    p2p_profile_free(a);
    p2p_profile_free(b);
}

/* ---- errors ------------------------------------------------------------------- */

static int parse_mem(const char *name, const void *bytes, size_t len, p2p_diag *d)
{
    p2p_input in;
    p2p_input_from_memory(&in, name, bytes, len);
    p2p_profile *p = (p2p_profile *)&in; /* must be reset to NULL */
    p2p_diag_init(d, NULL);
    int rc = p2p_parse_pstats(&in, 1, NULL, &p, d);
    if (rc)
        assert_null(p);
    p2p_profile_free(p);
    return rc;
}

static void errors(void **state)
{
    (void)state;
    p2p_diag d;
    /* an empty dict: gprof2dot's TypeError */
    inputs ins;
    static const char *const empty[] = {"synth-empty.pstats"};
    open_inputs(&ins, 1, empty);
    p2p_profile *p = NULL;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(ins.in, 1, NULL, &p, &d), P2P_EEMPTY);
    assert_null(p);
    assert_string_equal(d.msg, "no functions in the profile");
    assert_string_equal(d.file, ins.names[0]);
    close_inputs(&ins);

    /* not a dict */
    static const char *const list[] = {"synth-list.pstats"};
    open_inputs(&ins, 1, list);
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(ins.in, 1, NULL, &p, &d), P2P_EFORMAT);
    assert_string_equal(d.msg, "expected a marshal dict (a pstats file), found a list");
    assert_int_equal(d.offset, 0);
    close_inputs(&ins);

    assert_int_equal(parse_mem("text.txt", "hello", 5, &d), P2P_EFORMAT);
    assert_string_equal(d.msg, "expected a marshal dict (a pstats file), found byte 0x68");
    assert_string_equal(d.file, "text.txt");
    assert_int_equal(parse_mem("nothing", "", 0, &d), P2P_EEMPTY);

    /* the second of two files is bad: the message names it */
    static const char *const two[] = {"synth-merge1.pstats", "synth-list.pstats"};
    open_inputs(&ins, 2, two);
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(ins.in, 2, NULL, &p, &d), P2P_EFORMAT);
    assert_string_equal(d.file, ins.names[1]);
    close_inputs(&ins);

    /* no input at all */
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(NULL, 0, NULL, &p, &d), P2P_EUSAGE);

    /* bad keys and values, by hand */
    static const unsigned char int_key[] = {'{', 'i', 1, 0, 0, 0, 'N', '0'};
    assert_int_equal(parse_mem("k", int_key, sizeof int_key, &d), P2P_EFORMAT);
    assert_string_equal(d.msg, "expected a function key (filename, line, name), found an int");
    assert_int_equal(d.offset, 1);
    static const unsigned char short_key[] = {'{', ')', 2, 'z', 0, 'i', 1, 0, 0, 0, 'N', '0'};
    assert_int_equal(parse_mem("k", short_key, sizeof short_key, &d), P2P_EFORMAT);
    assert_string_equal(d.msg, "expected a function key (filename, line, name), found a tuple of 2 items");
    static const unsigned char float_line[] = {'{', ')', 3, 'z', 0, 'g', 0, 0, 0, 0, 0, 0, 0, 0, 'z', 0, 'N', '0'};
    assert_int_equal(parse_mem("k", float_line, sizeof float_line, &d), P2P_EFORMAT);
    assert_int_equal(d.offset, 5);
    static const unsigned char none_value[] = {'{', ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f', 'N', '0'};
    assert_int_equal(parse_mem("k", none_value, sizeof none_value, &d), P2P_EFORMAT);
    assert_int_equal(d.offset, 13);
    /* (1, 1, 0, 0, {key: [1]}): a list is neither a tuple nor a count */
    static const unsigned char list_caller[] = {
        '{', ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f',
        ')', 5, 'i', 1, 0, 0, 0, 'i', 1, 0, 0, 0, 'i', 0, 0, 0, 0, 'i', 0, 0, 0, 0,
        '{', ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f', '[', 1, 0, 0, 0, 'i', 1, 0, 0, 0, '0', '0'};
    assert_int_equal(parse_mem("k", list_caller, sizeof list_caller, &d), P2P_EFORMAT);
    assert_non_null(strstr(d.msg, "found a list"));
    /* the same with a good count parses: a self-call of f */
    static const unsigned char int_caller[] = {
        '{', ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f',
        ')', 5, 'i', 1, 0, 0, 0, 'i', 2, 0, 0, 0, 'i', 0, 0, 0, 0, 'i', 0, 0, 0, 0,
        '{', ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f', 'i', 1, 0, 0, 0, '0', '0'};
    assert_int_equal(parse_mem("k", int_caller, sizeof int_caller, &d), 0);
}

/* Python dict semantics for a key written twice: first place, last value. */
static void repeated_keys(void **state)
{
    (void)state;
    static const unsigned char twice[] = {
        '{',
        ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f', /* f */
        ')', 5, 'i', 1, 0, 0, 0, 'i', 1, 0, 0, 0, 'i', 0, 0, 0, 0, 'i', 0, 0, 0, 0, '{', '0',
        ')', 3, 'z', 0, 'i', 2, 0, 0, 0, 'z', 1, 'g', /* g */
        ')', 5, 'i', 1, 0, 0, 0, 'i', 1, 0, 0, 0, 'i', 0, 0, 0, 0, 'i', 0, 0, 0, 0, '{', '0',
        ')', 3, 'z', 0, 'i', 1, 0, 0, 0, 'z', 1, 'f', /* f again: nc = 7 */
        ')', 5, 'i', 1, 0, 0, 0, 'i', 7, 0, 0, 0, 'i', 0, 0, 0, 0, 'i', 0, 0, 0, 0, '{', '0',
        '0'};
    p2p_input in;
    p2p_input_from_memory(&in, "twice", twice, sizeof twice);
    p2p_profile *p = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(&in, 1, NULL, &p, &d), 0);
    assert_int_equal(p->nfunctions, 2);
    assert_string_equal(p->functions[0].name, ":1:f");
    assert_int_equal(p->functions[0].called, 7);
    assert_string_equal(p->functions[1].name, ":2:g");
    p2p_profile_free(p);
}

static size_t put_i32(unsigned char *b, unsigned char code, int32_t x)
{
    b[0] = code;
    for (int k = 0; k < 4; k++)
        b[1 + k] = (unsigned char)((uint32_t)x >> (8 * k));
    return 5;
}

/* The key ("", line, "") */
static size_t put_key(unsigned char *b, int32_t line)
{
    size_t n = 0;
    b[n++] = ')';
    b[n++] = 3;
    b[n++] = 'z';
    b[n++] = 0;
    n += put_i32(b + n, 'i', line);
    b[n++] = 'z';
    b[n++] = 0;
    return n;
}

/* A pstats dict of nent entries that all share one callers dict of ncall
 * int-valued callers through a back-reference. */
static unsigned char *shared_callers(int nent, int ncall, size_t *len)
{
    unsigned char *b = malloc((size_t)nent * 40 + (size_t)ncall * 20 + 16);
    size_t n = 0;
    b[n++] = '{';
    for (int i = 0; i < nent; i++) {
        n += put_key(b + n, i);
        b[n++] = ')';
        b[n++] = 5;
        for (int k = 0; k < 4; k++)
            n += put_i32(b + n, 'i', 1);
        if (i == 0) {
            b[n++] = 0x80 | '{'; /* reference 0 */
            for (int j = 0; j < ncall; j++) {
                n += put_key(b + n, 100000 + j);
                n += put_i32(b + n, 'i', 1);
            }
            b[n++] = '0';
        } else {
            n += put_i32(b + n, 'r', 0);
        }
    }
    b[n++] = '0';
    *len = n;
    return b;
}

/* Work that grows as entries x callers from a small file is refused. */
static void shared_callers_are_limited(void **state)
{
    (void)state;
    size_t n;
    p2p_diag d;
    unsigned char *b = shared_callers(2000, 2000, &n);
    assert_int_equal(parse_mem("shared", b, n, &d), P2P_ELIMIT);
    free(b);
    /* a little sharing is read as Python reads it */
    b = shared_callers(3, 3, &n);
    assert_int_equal(parse_mem("shared", b, n, &d), 0);
    free(b);
}

/* Truncations and bit flips of real files never crash the reader. */
static void damaged_files(void **state)
{
    (void)state;
    static const char *const files[] = {"work-3.11-profile.pstats", "work-2.7-cProfile.pstats",
                                        "synth-ints.pstats", "synth-names.pstats"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        inputs ins;
        open_inputs(&ins, 1, &files[i]);
        size_t n = ins.in[0].size;
        unsigned char *copy = malloc(n);
        for (size_t len = 0; len < n; len++) {
            memcpy(copy, ins.in[0].data, len);
            p2p_diag d;
            assert_int_not_equal(parse_mem(files[i], copy, len, &d), 0);
            assert_true(d.msg[0] != '\0');
        }
        for (size_t k = 0; k < n; k++) {
            for (int bit = 0; bit < 8; bit++) {
                memcpy(copy, ins.in[0].data, n);
                copy[k] ^= (unsigned char)(1u << bit);
                p2p_diag d;
                int rc = parse_mem(files[i], copy, n, &d);
                if (rc)
                    assert_true(d.msg[0] != '\0');
            }
        }
        free(copy);
        close_inputs(&ins);
    }
}

/* A caller with no stats entry of its own: gprof2dot fails an assertion
 * (AssertionError in Profile.validate/ratio).  prof2png deliberately draws
 * it, with no self time and the time of its calls as its total, and warns. */
static void caller_without_entry_is_drawn(void **state)
{
    (void)state;
    inputs ins;
    static const char *const f[] = {"synth-orphan.pstats"};
    open_inputs(&ins, 1, f);
    p2p_parse_opts o = {.warn = count_warning};
    nwarnings = 0;
    p2p_profile *p = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_parse_pstats(ins.in, 1, &o, &p, &d), 0);
    assert_int_equal(nwarnings, 1);
    assert_non_null(strstr(last_warning, "o:1:orphan"));
    const p2p_function *orphan = &p->functions[fn(p, "o:1:orphan")];
    assert_true(ev(&orphan->ev, P2P_TIME) == 0.0);
    assert_true(ev(&orphan->ev, P2P_TOTAL_TIME) == 1.5);
    assert_false(orphan->has_called);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_PSTATS, &d), 0);
    assert_true(ev(&orphan->ev, P2P_TOTAL_TIME_RATIO) == 1.0);
    p2p_profile_free(p);
    close_inputs(&ins);
}

static bool same_events(const p2p_events *x, const p2p_events *y)
{
    if (x->has != y->has)
        return false;
    for (int k = 0; k < P2P_NEVENTS; k++)
        if (p2p_ev_has(x, (p2p_event)k) && memcmp(&x->v[k], &y->v[k], sizeof x->v[k]) != 0)
            return false;
    return true;
}

/* p2p_parse_opts.no_call_stats / no_fn_stats leave the statistics out, and
 * nothing else: the same functions, calls and events, on the one-pass
 * path (one file) and the general one (several, merged). */
static void skipped_stats_change_nothing_else(void **state)
{
    (void)state;
    char a[32], b[32], c[32];
    for (size_t v = 0; v < NVERSIONS; v++) {
        snprintf(a, sizeof a, "part-b-%s.pstats", versions[v]);
        snprintf(b, sizeof b, "part-f-%s.pstats", versions[v]);
        snprintf(c, sizeof c, "merged-fmb-%s.pstats", versions[v]);
        const char *const one[] = {c}, *const two[] = {a, b};
        for (int k = 0; k < 2; k++) {
            size_t n = k ? 2 : 1;
            inputs ins;
            open_inputs(&ins, n, k ? two : one);
            p2p_parse_opts o = {.no_call_stats = true, .no_fn_stats = true};
            p2p_profile *full = NULL, *lean = NULL;
            p2p_diag d;
            p2p_diag_init(&d, NULL);
            assert_int_equal(p2p_parse_pstats(ins.in, n, NULL, &full, &d), 0);
            assert_int_equal(p2p_parse_pstats(ins.in, n, &o, &lean, &d), 0);
            close_inputs(&ins);
            assert_non_null(full->call_stats);
            assert_non_null(full->fn_stats);
            assert_null(lean->call_stats);
            assert_null(lean->fn_stats);
            assert_int_equal(lean->pstats_python, full->pstats_python);
            assert_true(lean->pstats_total_tt == full->pstats_total_tt);
            assert_int_equal(lean->nfunctions, full->nfunctions);
            assert_int_equal(lean->ncalls, full->ncalls);
            assert_true(same_events(&lean->ev, &full->ev));
            for (uint32_t i = 0; i < full->nfunctions; i++) {
                const p2p_function *x = &full->functions[i], *y = &lean->functions[i];
                assert_string_equal(y->name, x->name);
                assert_string_equal(y->filename, x->filename);
                assert_int_equal(y->called, x->called);
                assert_int_equal(y->has_called, x->has_called);
                assert_int_equal(y->first_call, x->first_call);
                assert_true(same_events(&y->ev, &x->ev));
            }
            for (uint32_t i = 0; i < full->ncalls; i++) {
                const p2p_call *x = &full->calls[i], *y = &lean->calls[i];
                assert_int_equal(y->caller, x->caller);
                assert_int_equal(y->callee, x->callee);
                assert_int_equal(y->next, x->next);
                assert_true(same_events(&y->ev, &x->ev));
            }
            p2p_profile_free(full);
            p2p_profile_free(lean);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_and_first_encounter_ids),
        cmocka_unit_test(events_of_cprofile_tuples),
        cmocka_unit_test(profile_module_counts),
        cmocka_unit_test(merge_order_and_sums),
        cmocka_unit_test(every_version_cprofile),
        cmocka_unit_test(every_version_profile_module),
        cmocka_unit_test(merge_matches_pstats),
        cmocka_unit_test(errors),
        cmocka_unit_test(repeated_keys),
        cmocka_unit_test(shared_callers_are_limited),
        cmocka_unit_test(damaged_files),
        cmocka_unit_test(caller_without_entry_is_drawn),
        cmocka_unit_test(skipped_stats_change_nothing_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
