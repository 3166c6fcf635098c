/* The JSON pull reader (src/parse/jscan.c): values, escapes, numbers read
 * exactly, skipping, nesting bounds, and the place and text of errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse/jscan.h"

static void init(p2p_js *j, const char *text)
{
    p2p_js_init(j, (const unsigned char *)text, strlen(text), 0);
}

static void object_keys_and_values(void **state)
{
    (void)state;
    p2p_js j;
    init(&j, " {\"a\": [1, -2.5e1, true, null], \"b\\u00e9\\n\": \"x\\\"y\\ud83d\\ude00\", \"c\": {}} ");
    const char *k, *s;
    size_t n, sn;
    double v;
    assert_int_equal(p2p_js_object(&j), 0);
    assert_int_equal(p2p_js_key(&j, &k, &n), 1);
    assert_true(p2p_js_is(k, n, "a"));
    assert_int_equal(p2p_js_array(&j), 0);
    assert_int_equal(p2p_js_elem(&j), 1);
    assert_int_equal(p2p_js_number(&j, &v, &s, &sn), 0);
    assert_true(v == 1.0 && sn == 1);
    assert_int_equal(p2p_js_elem(&j), 1);
    assert_int_equal(p2p_js_number(&j, &v, NULL, NULL), 0);
    assert_true(v == -25.0);
    assert_int_equal(p2p_js_elem(&j), 1);
    assert_int_equal(p2p_js_peek(&j), P2P_JS_TRUE);
    assert_int_equal(p2p_js_skip(&j), 0);
    assert_int_equal(p2p_js_elem(&j), 1);
    assert_int_equal(p2p_js_skip(&j), 0);
    assert_int_equal(p2p_js_elem(&j), 0);
    assert_int_equal(p2p_js_key(&j, &k, &n), 1);
    assert_true(p2p_js_is(k, n, "b\xc3\xa9\n"));
    assert_int_equal(p2p_js_string(&j, &s, &sn), 0);
    assert_true(p2p_js_is(s, sn, "x\"y\xf0\x9f\x98\x80"));
    assert_int_equal(p2p_js_key(&j, &k, &n), 1);
    assert_int_equal(p2p_js_skip(&j), 0);
    assert_int_equal(p2p_js_key(&j, &k, &n), 0);
    assert_int_equal(p2p_js_finish(&j), 0);
    p2p_js_free(&j);
}

/* Numbers: the fast path and strtod agree to the bit. */
static void numbers_are_exact(void **state)
{
    (void)state;
    const char *cases[] = {"0", "-0", "1.5", "123456.789", "1700000000123.456", "0.1", "2.2250738585072014e-308",
                           "9007199254740993", "12345678901234567890123", "1e22", "1e23", "5e-324", "0.000001",
                           "314159265358979323846e-20", "1E+2", "7.00000000000000000000000000001"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p2p_js j;
        init(&j, cases[i]);
        double v;
        assert_int_equal(p2p_js_number(&j, &v, NULL, NULL), 0);
        assert_true(v == strtod(cases[i], NULL));
        assert_int_equal(p2p_js_finish(&j), 0);
        p2p_js_free(&j);
    }
    p2p_js j;
    init(&j, "1e999");
    double v;
    assert_int_equal(p2p_js_number(&j, &v, NULL, NULL), 0);
    assert_true(isinf(v));
    p2p_js_free(&j);
}

/* err: the text must fail at byte off with a message containing msg. */
static void fails(const char *text, int code, size_t off, const char *msg)
{
    p2p_js j;
    init(&j, text);
    int rc = p2p_js_skip(&j);
    if (rc == 0)
        rc = p2p_js_finish(&j);
    assert_int_equal(rc, -1);
    assert_int_equal(j.err, code);
    assert_int_equal(j.err_off, off);
    if (!strstr(j.msg, msg))
        fail_msg("'%s' has no '%s'", j.msg, msg);
    p2p_js_free(&j);
}

static void errors(void **state)
{
    (void)state;
    fails("[1, 2", P2P_ETRUNCATED, 5, "found the end of the input");
    fails("[1 2]", P2P_EFORMAT, 3, "expected ',' or ']', found '2'");
    fails("{\"a\" 1}", P2P_EFORMAT, 5, "expected ':'");
    fails("{\"a\":1,}", P2P_EFORMAT, 7, "expected a key");
    fails("[1,]", P2P_EFORMAT, 3, "expected a value, found ']'");
    fails("[NaN]", P2P_EFORMAT, 1, "NaN and Infinity");
    fails("[-]", P2P_EFORMAT, 2, "expected a digit");
    fails("[1.]", P2P_EFORMAT, 3, "a digit after '.'");
    fails("\"a\x01\"", P2P_EFORMAT, 2, "control character 0x01");
    fails("\"\\q\"", P2P_EFORMAT, 1, "unknown escape");
    fails("\"\\u12\"", P2P_EFORMAT, 1, "four hexadecimal digits");
    fails("[tru]", P2P_EFORMAT, 4, "expected true");
    fails("[1] x", P2P_EFORMAT, 4, "nothing after the JSON document");
    fails("[}", P2P_EFORMAT, 1, "expected a value, found '}'");
    char deep[2000];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    fails(deep, P2P_ELIMIT, P2P_JS_MAX_DEPTH, "nested deeper than 512 levels");
}

/* A reader started at an offset reads the one value there. */
static void start_at_an_offset(void **state)
{
    (void)state;
    const char *text = "{\"x\": [3, 4], \"y\": 5}";
    p2p_js j;
    p2p_js_init(&j, (const unsigned char *)text, strlen(text), 6);
    double v;
    assert_int_equal(p2p_js_array(&j), 0);
    assert_int_equal(p2p_js_elem(&j), 1);
    assert_int_equal(p2p_js_number(&j, &v, NULL, NULL), 0);
    assert_true(v == 3);
    assert_int_equal(p2p_js_offset(&j), 8);
    p2p_js_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(object_keys_and_values),
        cmocka_unit_test(numbers_are_exact),
        cmocka_unit_test(errors),
        cmocka_unit_test(start_at_an_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
