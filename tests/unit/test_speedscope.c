/* speedscope (src/parse/speedscope.c): evented and sampled profiles,
 * frames of one function on several lines, units, threads, the order of
 * the top-level keys, detection, and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evented_test.h"

#define FRAMES "\"shared\":{\"frames\":[{\"name\":\"main\",\"file\":\"m.py\",\"line\":1}," \
               "{\"name\":\"f\",\"file\":\"m.py\",\"line\":9},{\"name\":\"f\",\"file\":\"m.py\",\"line\":4}]}"

static void evented_counts_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    /* profiles before shared, as py-spy and pyinstrument write them */
    assert_int_equal(parse_text(p2p_parse_speedscope,
                                "{\"profiles\":[{\"type\":\"evented\",\"name\":\"t\",\"unit\":\"milliseconds\","
                                "\"events\":[{\"type\":\"O\",\"frame\":0,\"at\":0},{\"type\":\"O\",\"frame\":1,\"at\":1},"
                                "{\"type\":\"C\",\"frame\":1,\"at\":3},{\"at\":4,\"type\":\"O\",\"frame\":2},"
                                "{\"type\":\"C\",\"frame\":2,\"at\":5},{\"type\":\"C\",\"frame\":0,\"at\":10}]}]," FRAMES "}",
                                &p),
                     0);
    assert_int_equal(p->unit, P2P_UNIT_SECONDS);
    assert_int_equal(p->nfunctions, 2); /* f at lines 9 and 4: one function */
    assert_true(near(self_s(p, "main"), 7e-3));
    assert_true(near(self_s(p, "f"), 3e-3));
    assert_true(p2p_ev_get(&call_of(p, "main", "f")->ev, P2P_CALLS) == 2);
    assert_int_equal(by_name(p, "f")->called, 2);
    assert_int_equal(p2p_fn_stat_get(p, (p2p_fid)(by_name(p, "f") - p->functions))->line, 4);
    p2p_profile_free(p);
}

static void sampled_has_no_calls(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(p2p_parse_speedscope,
                                "{" FRAMES ",\"profiles\":[{\"type\":\"sampled\",\"name\":\"t\",\"unit\":\"none\","
                                "\"samples\":[[0,1],[0,1],[0],[0,2,1],[]],\"weights\":[2,1,3,4,5]}]}",
                                &p),
                     0);
    assert_int_equal(p->unit, P2P_UNIT_COUNT);
    assert_true(self_s(p, "main") == 3);
    assert_true(self_s(p, "f") == 7);
    assert_true(total_s(p, "f") == 7); /* f -> f counted once */
    assert_true(p2p_ev_get(&p->ev, P2P_SAMPLES) == 10);
    assert_false(by_name(p, "f")->has_called);
    assert_false(p2p_ev_has(&call_of(p, "main", "f")->ev, P2P_CALLS));
    assert_true(p2p_ev_get(&call_of(p, "f", "f")->ev, P2P_SAMPLES2) == 4);
    p2p_profile_free(p);
}

static void threads_and_units(void **state)
{
    (void)state;
    const char *t = "{" FRAMES ",\"profiles\":["
                    "{\"type\":\"sampled\",\"name\":\"heap\",\"unit\":\"bytes\",\"samples\":[[0]],\"weights\":[64]},"
                    "{\"type\":\"sampled\",\"unit\":\"nanoseconds\",\"samples\":[[0]],\"weights\":[5]}]}";
    p2p_thread_list l = {0};
    p2p_parse_opts o = {.thread = "heap", .threads = &l};
    p2p_profile *p;
    assert_int_equal(parse_opts(p2p_parse_speedscope, t, &o, &p), 0);
    assert_int_equal(p->unit, P2P_UNIT_BYTES);
    assert_true(self_s(p, "main") == 64);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1].label, "profile 1");
    assert_true(near(l.v[1].total, 5e-9));
    p2p_thread_list_free(&l);
    p2p_profile_free(p);
    assert_int_equal(parse_text(p2p_parse_speedscope, t, &p), P2P_EFORMAT);
    assert_non_null(strstr(diag.msg, "measures a time, but profiles[0] ('heap') bytes"));
}

static void detection(void **state)
{
    (void)state;
    const char *t = "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"version\":\"0.0.1\","
                    "\"profiles\":[{\"events\":[]}]," FRAMES "}";
    p2p_input in;
    p2p_input_from_memory(&in, "mem", t, strlen(t));
    const p2p_format *f;
    assert_int_equal(p2p_detect(&in, &f, &diag), 0);
    assert_string_equal(f->name, "speedscope");
    const char *tr = "[{\"name\":\"a\",\"ph\":\"X\",\"ts\":0,\"dur\":1,\"pid\":1,\"tid\":1}]";
    p2p_input_from_memory(&in, "mem", tr, strlen(tr));
    assert_int_equal(p2p_detect(&in, &f, &diag), 0);
    assert_string_equal(f->name, "trace");
    const char *gp = "{\"version\":0,\"functions\":[{\"name\":\"traceEvents\"}],\"events\":[]}";
    p2p_input_from_memory(&in, "mem", gp, strlen(gp));
    assert_int_equal(p2p_detect(&in, &f, &diag), 0);
    assert_string_equal(f->name, "json");
}

static void errors(void **state)
{
    (void)state;
    p2p_profile *p;
    assert_int_equal(parse_text(p2p_parse_speedscope,
                                "{" FRAMES ",\"profiles\":[{\"type\":\"evented\",\"name\":\"t\",\"unit\":\"none\","
                                "\"events\":[{\"type\":\"O\",\"frame\":0,\"at\":0},{\"type\":\"O\",\"frame\":1,\"at\":1},"
                                "{\"type\":\"C\",\"frame\":0,\"at\":2}]}]}",
                                &p),
                     P2P_EFORMAT);
    assert_non_null(strstr(diag.msg, "profiles[0].events[2]: closes frame 0 ('main') but the innermost open frame is 1 ('f', opened by events[1])"));
    assert_int_equal(parse_text(p2p_parse_speedscope, "{" FRAMES ",\"profiles\":[{\"type\":\"x\"}]}", &p), P2P_EFORMAT);
    assert_non_null(strstr(diag.msg, "profiles[0].type: expected \"evented\" or \"sampled\", found \"x\""));
    assert_int_equal(parse_text(p2p_parse_speedscope, "{\"shared\":{\"frames\":[{\"file\":\"a\"}]},\"profiles\":[]}", &p),
                     P2P_EFORMAT);
    assert_non_null(strstr(diag.msg, "shared.frames[0]: expected a \"name\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evented_counts_calls),
        cmocka_unit_test(sampled_has_no_calls),
        cmocka_unit_test(threads_and_units),
        cmocka_unit_test(detection),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
