/* Theme tests: the SEMANTICS §9.6 test vectors for all five built-in themes,
 * skew, sizes, and the theme file format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prof2png/theme.h"

static p2p_theme load(const char *name)
{
    p2p_theme t;
    assert_int_equal(p2p_theme_builtin(name, &t), 0);
    assert_string_equal(t.name, name);
    return t;
}

static void assert_fmt(const char *fmt, double v, const char *want)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    assert_string_equal(buf, want);
}

/* §9.6: w -> colour per theme. */
static const struct {
    double w;
    const char *color, *pink, *gray;
    const char *bw_fs, *bw_pw, *bw_as, *pr_fs, *pr_pw, *pr_as;
    const char *pw, *as; /* color/pink/gray */
} rows[] = {
    {0.0, "#0d0d73", "#ff9c9c", "#b2b2b2", "8.00", "0.10", "0.16", "18.00", "0.10", "0.16", "0.50", "0.35"},
    {0.005, "#0d0f73", "#ff9a9a", "#b0b0b0", "8.00", "0.10", "0.16", "18.00", "0.10", "0.16", "0.50", "0.35"},
    {0.1, "#0d3b80", "#ff7c7c", "#8d8d8d", "8.00", "0.80", "0.45", "18.00", "0.80", "0.45", "0.50", "0.35"},
    {0.25, "#0c9393", "#ff5353", "#5f5f5f", "8.00", "2.00", "0.71", "18.00", "2.00", "0.71", "1.00", "0.50"},
    {0.5, "#0ab60a", "#ff2222", "#272727", "8.00", "4.00", "1.00", "18.00", "4.00", "1.00", "2.00", "0.71"},
    {0.75, "#dada06", "#ff0707", "#080808", "13.50", "6.00", "1.22", "18.00", "6.00", "1.22", "3.00", "0.87"},
    {0.9, "#f06102", "#ff0101", "#010101", "19.44", "7.20", "1.34", "24.30", "7.20", "1.34", "3.60", "0.95"},
    {1.0, "#ff0000", "#ff0000", "#000000", "24.00", "8.00", "1.41", "30.00", "8.00", "1.41", "4.00", "1.00"},
};

static void test_vectors(void **state)
{
    (void)state;
    p2p_theme color = load("color"), pink = load("pink"), gray = load("gray"), bw = load("bw"),
              print = load("print");
    char hex[8];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double w = rows[i].w;
        p2p_theme_color(&color, w, hex);
        assert_string_equal(hex, rows[i].color);
        p2p_theme_color(&pink, w, hex);
        assert_string_equal(hex, rows[i].pink);
        p2p_theme_color(&gray, w, hex);
        assert_string_equal(hex, rows[i].gray);
        p2p_theme_color(&bw, w, hex);
        assert_string_equal(hex, "#000000");
        p2p_theme_color(&print, w, hex);
        assert_string_equal(hex, "#000000");

        /* node font colour: white for filled themes, colour(w) for print */
        const p2p_theme *filled[] = {&color, &pink, &gray, &bw};
        for (size_t k = 0; k < 4; k++) {
            p2p_theme_node_fgcolor(filled[k], w, hex);
            assert_string_equal(hex, "#ffffff");
        }
        p2p_theme_node_fgcolor(&print, w, hex);
        assert_string_equal(hex, "#000000");

        assert_fmt("%.2f", p2p_theme_fontsize(&bw, w), rows[i].bw_fs);
        assert_fmt("%.2f", p2p_theme_penwidth(&bw, w), rows[i].bw_pw);
        assert_fmt("%.2f", p2p_theme_arrowsize(&bw, w), rows[i].bw_as);
        assert_fmt("%.2f", p2p_theme_fontsize(&print, w), rows[i].pr_fs);
        assert_fmt("%.2f", p2p_theme_penwidth(&print, w), rows[i].pr_pw);
        assert_fmt("%.2f", p2p_theme_arrowsize(&print, w), rows[i].pr_as);
        const p2p_theme *shared[] = {&color, &pink, &gray};
        for (size_t k = 0; k < 3; k++) {
            assert_fmt("%.2f", p2p_theme_fontsize(shared[k], w), "10.00");
            assert_fmt("%.2f", p2p_theme_penwidth(shared[k], w), rows[i].pw);
            assert_fmt("%.2f", p2p_theme_arrowsize(shared[k], w), rows[i].as);
        }
    }
    /* w = 0.125 is still at the minimum pen width */
    assert_fmt("%.2f", p2p_theme_penwidth(&color, 0.125), "0.50");
    assert_fmt("%.2f", p2p_theme_arrowsize(&color, 0.125), "0.35");
}

static void test_skew(void **state)
{
    (void)state;
    static const double ws[] = {0, .25, .5, .75, 1};
    static const char *half[] = {"#0d0d73", "#0b9d75", "#48c208", "#e3ac04", "#ff0000"};
    static const char *two[] = {"#0d0d73", "#0c6c8b", "#0baa41", "#99d007", "#ff0000"};
    p2p_theme t = load("color");
    char hex[8];
    assert_int_equal(p2p_theme_set_skew(&t, 0.5), 0);
    for (int i = 0; i < 5; i++) {
        p2p_theme_color(&t, ws[i], hex);
        assert_string_equal(hex, half[i]);
    }
    assert_int_equal(p2p_theme_set_skew(&t, 2), 0);
    for (int i = 0; i < 5; i++) {
        p2p_theme_color(&t, ws[i], hex);
        assert_string_equal(hex, two[i]);
    }
    /* 0 is ignored, as gprof2dot's `if options.theme_skew:` */
    assert_int_equal(p2p_theme_set_skew(&t, 0), 0);
    assert_true(t.skew == 2.0);
    assert_int_equal(p2p_theme_set_skew(&t, -1), P2P_EUSAGE);
    assert_int_equal(p2p_theme_set_skew(&t, NAN), P2P_EUSAGE);
    assert_true(t.skew == 2.0);
}

static void test_clamp_and_sizes(void **state)
{
    (void)state;
    p2p_theme t = load("color");
    char hex[8];
    /* the colour is clamped, the sizes are not */
    p2p_theme_color(&t, 1.8333, hex);
    assert_string_equal(hex, "#ff0000");
    p2p_theme_color(&t, -3, hex);
    assert_string_equal(hex, "#0d0d73");
    p2p_theme bw = load("bw");
    assert_fmt("%.2f", p2p_theme_fontsize(&bw, 1.5), "54.00");
    assert_fmt("%.2f", p2p_theme_penwidth(&bw, 1.5), "12.00");
    /* callgrind's 183.33% example of SEMANTICS §12 */
    assert_fmt("%.2f", p2p_theme_fontsize(&t, 11.0 / 6.0), "33.61");
}

static void test_builtin_table(void **state)
{
    (void)state;
    assert_string_equal(p2p_theme_names(), "bw, color, gray, pink, print");
    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("nosuch", &t), P2P_ENOTFOUND);
    t = load("color");
    assert_true(t.mincolor[0] == 2.0 / 3.0);
    assert_true(t.mincolor[1] == 0.80 && t.mincolor[2] == 0.25);
    assert_true(t.gamma == 1.0 && t.skew == 1.0);
    assert_string_equal(t.fontname, "Arial");
    assert_string_equal(t.fontcolor, "white");
    assert_string_equal(t.nodestyle, "filled");
    t = load("print");
    assert_string_equal(t.fontcolor, "black");
    assert_string_equal(t.nodestyle, "solid");
    assert_true(t.minfontsize == 18 && t.maxfontsize == 30 && t.minpenwidth == 0.1 && t.maxpenwidth == 8);
    assert_true(t.gamma == 2.2);
}

static void test_parse(void **state)
{
    (void)state;
    p2p_theme t;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    const char *ok = "# a user theme\n"
                     "\n"
                     "mincolor = 1/3 0.5 0.25   # greenish\n"
                     "maxcolor=0 1 .5\r\n"
                     "  gamma = 1e0\n"
                     "fontname = DejaVu Sans\n"
                     "fontcolor = red#notacomment\n";
    assert_int_equal(p2p_theme_parse(ok, strlen(ok), &t, &d), 0);
    assert_true(t.mincolor[0] == 1.0 / 3.0);
    assert_true(t.maxcolor[2] == 0.5);
    assert_true(t.gamma == 1.0);
    assert_string_equal(t.fontname, "DejaVu Sans");
    assert_string_equal(t.fontcolor, "red#notacomment");
    assert_string_equal(t.nodestyle, "filled");
    /* defaults of gprof2dot's Theme() */
    assert_true(t.bgcolor[2] == 1.0 && t.skew == 1.0 && t.minfontsize == 10 && t.maxpenwidth == 4.0);

    static const struct {
        const char *text;
        long line;
    } bad[] = {
        {"gamma = 1\ncolour = 1 2 3\n", 2},
        {"mincolor = 1 2\n", 1},
        {"mincolor = 1 2 3 4\n", 1},
        {"gamma = 1/0\n", 1},
        {"gamma = abc\n", 1},
        {"gamma = 1.5x\n", 1},
        {"\n\njust words\n", 3},
        {"skew = 0\n", 1},
        {"fontname =\n", 1},
        {"fontname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1},
        {"gamma = nan\n", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p2p_diag_init(&d, NULL);
        assert_int_equal(p2p_theme_parse(bad[i].text, strlen(bad[i].text), &t, &d), P2P_EFORMAT);
        assert_int_equal(d.line, bad[i].line);
        assert_true(d.msg[0] != '\0');
    }
    /* text need not be NUL-terminated */
    const char *cut = "gamma = 3.5garbage";
    assert_int_equal(p2p_theme_parse(cut, 11, &t, &d), 0);
    assert_true(t.gamma == 3.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),      cmocka_unit_test(test_skew),  cmocka_unit_test(test_clamp_and_sizes),
        cmocka_unit_test(test_builtin_table), cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
