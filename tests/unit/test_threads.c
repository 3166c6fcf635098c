/* Thread selection and listing for the parsers (src/parse/threads.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "prof2png/prof2png.h"
#include "parse/threads.h"

static void no_selection_keeps_all(void **state)
{
    (void)state;
    p2p_parse_opts o = {0};
    p2p_threadsel s;
    p2p_diag d;
    p2p_diag_init(&d, "x");
    assert_int_equal(p2p_threadsel_init(&s, &o, &d), 0);
    assert_false(p2p_threadsel_active(&s));
    uint32_t a = p2p_threadsel_thread(&s, "main 1/1", 8);
    uint32_t b = p2p_threadsel_thread(&s, "worker 1/2", 10);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(p2p_threadsel_thread(&s, "main 1/1", 8), 0);
    assert_true(p2p_threadsel_kept(&s, a) && p2p_threadsel_kept(&s, b));
    assert_int_equal(p2p_threadsel_finish(&s, &d), 0);
    p2p_threadsel_free(&s);
}

static void regex_selects_and_lists(void **state)
{
    (void)state;
    p2p_thread_list list = {0};
    p2p_parse_opts o = {.thread = "^work", .threads = &list};
    p2p_threadsel s;
    p2p_diag d;
    p2p_diag_init(&d, "x");
    assert_int_equal(p2p_threadsel_init(&s, &o, &d), 0);
    assert_true(p2p_threadsel_active(&s));
    uint32_t a = p2p_threadsel_thread(&s, "main 1/1", 8);
    uint32_t b = p2p_threadsel_thread(&s, "worker 1/2\0junk", 15); /* a NUL ends a label */
    assert_false(p2p_threadsel_kept(&s, a));
    assert_true(p2p_threadsel_kept(&s, b));
    p2p_threadsel_count(&s, a, 2.5);
    p2p_threadsel_count(&s, b, 1);
    p2p_threadsel_count(&s, b, 1);
    assert_int_equal(p2p_threadsel_finish(&s, &d), 0);
    p2p_threadsel_free(&s);
    assert_int_equal(list.n, 2);
    assert_string_equal(list.v[0].label, "main 1/1");
    assert_true(list.v[0].total == 2.5 && list.v[0].samples == 1 && !list.v[0].kept);
    assert_string_equal(list.v[1].label, "worker 1/2");
    assert_true(list.v[1].total == 2 && list.v[1].samples == 2 && list.v[1].kept);
    p2p_thread_list_free(&list);
}

static void errors(void **state)
{
    (void)state;
    p2p_parse_opts bad = {.thread = "a("};
    p2p_threadsel s;
    p2p_diag d;
    p2p_diag_init(&d, "x");
    assert_int_equal(p2p_threadsel_init(&s, &bad, &d), P2P_EUSAGE);
    assert_non_null(strstr(d.msg, "--thread: invalid regular expression 'a('"));

    p2p_parse_opts none = {.thread = "nothing"};
    p2p_diag_init(&d, "x");
    assert_int_equal(p2p_threadsel_init(&s, &none, &d), 0);
    p2p_threadsel_thread(&s, "main", 4);
    p2p_threadsel_thread(&s, "io", 2);
    assert_int_equal(p2p_threadsel_finish(&s, &d), P2P_ENOTFOUND);
    assert_string_equal(d.msg, "--thread 'nothing' matches none of the 2 threads: 'main', 'io'");
    p2p_threadsel_free(&s);

    p2p_diag_init(&d, "x");
    assert_int_equal(p2p_threadsel_init(&s, &none, &d), 0);
    assert_int_equal(p2p_threadsel_finish(&s, &d), P2P_ENOTFOUND);
    assert_string_equal(d.msg, "--thread 'nothing': the profile names no threads");
    p2p_threadsel_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_selection_keeps_all),
        cmocka_unit_test(regex_selects_and_lists),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
