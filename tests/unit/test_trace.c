/* Trace events (src/parse/trace.c): nesting by time, B/E pairing, exact
 * call counts, microseconds as seconds, threads and their labels, the
 * events skipped, and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evented_test.h"

static void nesting_in_seconds(void **state)
{
    (void)state;
    p2p_profile *p;
    /* written in the order Chrome writes X events: when each ends */
    assert_int_equal(parse_text(p2p_parse_trace,
                                "[{\"name\":\"b\",\"ph\":\"X\",\"ts\":20.5,\"dur\":10,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"a\",\"ph\":\"X\",\"ts\":10,\"dur\":40,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"main\",\"ph\":\"X\",\"ts\":0,\"dur\":100,\"pid\":1,\"tid\":1}]",
                                &p),
                     0);
    assert_int_equal(p->unit, P2P_UNIT_SECONDS);
    assert_true(near(self_s(p, "main"), 60e-6));
    assert_true(near(self_s(p, "a"), 30e-6));
    assert_true(near(total_s(p, "a"), 40e-6));
    assert_true(near(p2p_ev_get(&p->ev, P2P_SAMPLES), 100e-6));
    assert_true(p2p_ev_get(&call_of(p, "a", "b")->ev, P2P_CALLS) == 1);
    assert_true(near(p2p_ev_get(&call_of(p, "main", "a")->ev, P2P_SAMPLES2), 40e-6));
    assert_int_equal(by_name(p, "b")->called, 1);
    assert_string_equal(warnings, "");
    p2p_profile_free(p);
}

/* Same start: the longer one holds the shorter; B/E at equal ts in file
 * order; detail and filename make the function, line its line. */
static void ties_detail_and_files(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(p2p_parse_trace,
                                "{\"traceEvents\":["
                                "{\"name\":\"in\",\"ph\":\"X\",\"ts\":0,\"dur\":5,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"out\",\"ph\":\"X\",\"ts\":0,\"dur\":10,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"Source\",\"ph\":\"B\",\"ts\":10,\"pid\":1,\"tid\":1,\"args\":{\"detail\":\"a.h\"}},"
                                "{\"ph\":\"E\",\"ts\":12,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"f\",\"ph\":\"B\",\"ts\":12,\"pid\":1,\"tid\":1,\"args\":{\"filename\":\"x.py\",\"line\":7}},"
                                "{\"name\":\"f\",\"ph\":\"E\",\"ts\":20,\"pid\":1,\"tid\":1}]}",
                                &p),
                     0);
    assert_true(p2p_ev_get(&call_of(p, "out", "in")->ev, P2P_CALLS) == 1);
    assert_true(near(self_s(p, "Source: a.h"), 2e-6));
    assert_string_equal(by_name(p, "f")->filename, "x.py");
    assert_int_equal(p2p_fn_stat_get(p, (p2p_fid)(by_name(p, "f") - p->functions))->line, 7);
    assert_true(near(self_s(p, "f"), 8e-6));
    p2p_profile_free(p);
}

static void threads_and_labels(void **state)
{
    (void)state;
    const char *t = "[{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":3,\"tid\":4,\"args\":{\"name\":\"render\"}},"
                    "{\"name\":\"x\",\"ph\":\"X\",\"ts\":0,\"dur\":3,\"pid\":3,\"tid\":4},"
                    "{\"name\":\"y\",\"ph\":\"X\",\"ts\":0,\"dur\":1,\"pid\":\"3\",\"tid\":\"io\"}]";
    p2p_thread_list l = {0};
    p2p_parse_opts o = {.thread = "render", .threads = &l};
    p2p_profile *p;
    assert_int_equal(parse_opts(p2p_parse_trace, t, &o, &p), 0);
    assert_int_equal(p->nfunctions, 1);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].label, "pid 3 / render (tid 4)");
    assert_true(l.v[0].kept && !l.v[1].kept);
    assert_string_equal(l.v[1].label, "pid 3 / tid io");
    assert_true(near(l.v[1].total, 1e-6));
    p2p_thread_list_free(&l);
    p2p_profile_free(p);
}

static void skipped_and_warned(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(p2p_parse_trace,
                                "[{\"name\":\"a\",\"ph\":\"B\",\"ts\":0,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"b\",\"ph\":\"E\",\"ts\":5,\"pid\":1,\"tid\":1},"
                                "{\"ph\":\"E\",\"ts\":6,\"pid\":1,\"tid\":1},"
                                "{\"name\":\"c\",\"ph\":\"C\",\"ts\":1,\"pid\":1},"
                                "{\"name\":\"Total a\",\"ph\":\"X\",\"ts\":0,\"dur\":9,\"pid\":1,\"tid\":2,\"args\":{\"count\":1,\"avg ms\":0}},"
                                "{\"name\":\"d\",\"ph\":\"X\",\"ts\":1e999,\"dur\":1,\"pid\":1,\"tid\":1}]",
                                &p),
                     0);
    assert_int_equal(p->nfunctions, 1);
    assert_non_null(strstr(warnings, "ignored 1 E event with no open B event on their thread (the first: traceEvents[2])"));
    assert_non_null(strstr(warnings, "closed the innermost open B event of another name (the first: traceEvents[1] closes 'b'"));
    assert_non_null(strstr(warnings, "skipped 1 clang \"Total ...\" event"));
    assert_non_null(strstr(warnings, "phases not drawn (C 1)"));
    assert_non_null(strstr(warnings, "skipped 1 event that could not be read (the first: traceEvents[5].ts: expected a finite number"));
    p2p_profile_free(p);
}

static void errors(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(p2p_parse_trace, "[{\"ph\":\"X\",\"ts\":0,\"du", &p), P2P_ETRUNCATED);
    assert_null(p);
    assert_int_equal(parse_text(p2p_parse_trace, "[{\"ph\":\"X\" \"ts\":0}]", &p), P2P_EFORMAT);
    assert_int_equal(diag.offset, 11);
    assert_int_equal(parse_text(p2p_parse_trace, "{\"traceEvents\":[]}", &p), P2P_EEMPTY);
    assert_int_equal(parse_text(p2p_parse_trace, "{\"traceEvents\":[],\"traceEvents\":[]}", &p), P2P_EFORMAT);
    assert_non_null(strstr(diag.msg, "appears more than once"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nesting_in_seconds),
        cmocka_unit_test(ties_detail_and_files),
        cmocka_unit_test(threads_and_labels),
        cmocka_unit_test(skipped_and_warned),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
