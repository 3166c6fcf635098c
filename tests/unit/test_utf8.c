/* UTF-8 validation and repair, byte-order marks (src/util/utf8.c), checked
 * against what Python's bytes.decode('utf-8', 'replace') gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define R P2P_UTF8_REPLACEMENT

/* input, Python's repair (b.decode('utf-8', 'replace').encode()), and the
 * number of U+FFFD it holds */
static const struct {
    const char *in;
    size_t inlen;
    const char *out;
    size_t count;
} cases[] = {
    {"plain ascii", 11, "plain ascii", 0},
    {"caf\xc3\xa9", 5, "caf\xc3\xa9", 0},
    {"\xf0\x9f\x98\x80!", 5, "\xf0\x9f\x98\x80!", 0},
    {"a\xff" "b", 3, "a" R "b", 1},
    {"\xc3", 1, R, 1},                             /* cut short */
    {"\xe2\x82", 2, R, 1},                         /* maximal subpart: one */
    {"\xe2\x82x", 3, R "x", 1},
    {"\xc0\x80", 2, R R, 2},                       /* overlong NUL */
    {"\xe0\x80\x80", 3, R R R, 3},                 /* overlong */
    {"\xed\xa0\x80", 3, R R R, 3},                 /* a surrogate */
    {"\xf4\x90\x80\x80", 4, R R R R, 4},           /* above U+10FFFF */
    {"\xf0\x9f\x98", 3, R, 1},
    {"\x80\x80", 2, R R, 2},                       /* stray continuations */
    {"\xf8\x88\x80\x80\x80", 5, R R R R R, 5},     /* 5-byte form */
    {"ok\xef\xbf\xbd", 5, "ok\xef\xbf\xbd", 0},    /* U+FFFD itself is fine */
};

static void test_valid_and_repair(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p2p_buf b;
        p2p_buf_init(&b);
        size_t n = p2p_utf8_repair(&b, cases[i].in, cases[i].inlen, false);
        assert_false(b.oom);
        assert_int_equal(n, cases[i].count);
        assert_int_equal(b.len, strlen(cases[i].out));
        assert_memory_equal(b.data, cases[i].out, b.len);
        assert_int_equal(p2p_utf8_valid(cases[i].in, cases[i].inlen), cases[i].count == 0);
        assert_true(p2p_utf8_valid(b.data, b.len));
        p2p_buf_free(&b);
    }
}

static void test_nul(void **state)
{
    (void)state;
    p2p_buf b;
    p2p_buf_init(&b);
    /* NUL is valid UTF-8, replaced only when asked */
    assert_true(p2p_utf8_valid("a\0b", 3));
    assert_int_equal(p2p_utf8_repair(&b, "a\0b", 3, false), 0);
    assert_int_equal(b.len, 3);
    b.len = 0;
    assert_int_equal(p2p_utf8_repair(&b, "a\0b", 3, true), 1);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "a" R "b", 5);
    p2p_buf_free(&b);
}

static void test_long_ascii_runs(void **state)
{
    (void)state;
    /* the 8-byte fast path: a bad byte at every position of a long run */
    char s[64];
    for (size_t k = 0; k < sizeof s; k++) {
        memset(s, 'x', sizeof s);
        assert_true(p2p_utf8_valid(s, sizeof s));
        s[k] = (char)0xff;
        assert_false(p2p_utf8_valid(s, sizeof s));
    }
}

static void check_decode(const char *in, size_t n, const char *want, size_t wantlen, int bom, int owned)
{
    const unsigned char *text;
    size_t len;
    unsigned char *own;
    int which;
    assert_int_equal(p2p_text_decode((const unsigned char *)in, n, &text, &len, &own, &which), 0);
    assert_int_equal(which, bom);
    assert_int_equal(own != NULL, owned);
    assert_int_equal(len, wantlen);
    assert_memory_equal(text, want, wantlen);
    free(own);
}

static void test_text_decode(void **state)
{
    (void)state;
    check_decode("abc", 3, "abc", 3, 0, 0);
    check_decode("\xef\xbb\xbf" "abc", 6, "abc", 3, 8, 0);
    check_decode("\xff\xfe" "a\0b\0", 6, "ab", 2, 16, 1);
    check_decode("\xfe\xff" "\0a\0b", 6, "ab", 2, 16, 1);
    /* é, a surrogate pair (U+1F600), an unpaired surrogate, an odd byte */
    check_decode("\xff\xfe" "\xe9\0" "\x3d\xd8\x00\xde" "\x00\xd8" "x", 11,
                 "\xc3\xa9" "\xf0\x9f\x98\x80" R R, 12, 16, 1);
    check_decode("\xfe\xff", 2, "", 0, 16, 1);
    check_decode("", 0, "", 0, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_repair),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_long_ascii_runs),
        cmocka_unit_test(test_text_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
