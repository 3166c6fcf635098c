/* Graph building tests: hand-made profiles -> styled graph (statement order,
 * attributes) and, through the DOT writer, the exact text gprof2dot prints
 * (SEMANTICS §10.5 for the plain graph, the corpus' compare reference for
 * --compare). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/output.h"
#include "prof2png/theme.h"
#include "style/style.h"

static const char *S(p2p_profile *p, const char *s)
{
    return p2p_profile_intern(p, s, strlen(s));
}

static p2p_fid add_fn(p2p_profile *p, int64_t id, const char *name, double ttr, double tr, int64_t called)
{
    p2p_fid f = p2p_profile_add_int(p, id, S(p, name));
    assert_int_not_equal(f, P2P_NONE);
    p2p_function *fn = &p->functions[f];
    p2p_ev_set(&fn->ev, P2P_TOTAL_TIME_RATIO, ttr);
    p2p_ev_set(&fn->ev, P2P_TIME_RATIO, tr);
    fn->weight = ttr;
    fn->has_weight = true;
    if (called >= 0) {
        fn->called = called;
        fn->has_called = true;
    }
    return f;
}

/* A call; ttr < 0 means none (then weight = min(caller, callee)). */
static p2p_call *add_call(p2p_profile *p, p2p_fid a, p2p_fid b, double ttr, double calls)
{
    uint32_t c = p2p_profile_get_call(p, a, b, NULL);
    assert_int_not_equal(c, P2P_NONE);
    p2p_call *k = &p->calls[c];
    p2p_ev_set(&k->ev, P2P_CALLS, calls);
    if (ttr >= 0) {
        p2p_ev_set(&k->ev, P2P_TOTAL_TIME_RATIO, ttr);
        k->weight = ttr;
    } else {
        double x = p->functions[a].weight, y = p->functions[b].weight;
        k->weight = x < y ? x : y;
    }
    k->has_weight = true;
    return k;
}

static char *to_dot(const p2p_graph *g)
{
    char *dot = NULL;
    size_t len;
    assert_int_equal(p2p_dot_write(g, &dot, &len), 0);
    assert_int_equal(strlen(dot), len);
    return dot;
}

/* tests/prof/cycle.prof after gprof2dot's analysis, built by hand (the
 * functions added out of id order), must give SEMANTICS §10.5 byte for
 * byte. */
static void test_cycle_prof(void **state)
{
    (void)state;
    const double T = 1.93;
    p2p_profile *p = p2p_profile_new(P2P_ID_INT);
    p2p_fid a = add_fn(p, 5, "a", 1.77 / T, 0.75 / T, 3);
    p2p_fid b = add_fn(p, 4, "b", 1.02 / T, 1.02 / T, 3);
    p2p_fid c = add_fn(p, 3, "c", 0.0, 0.0, 1);
    p2p_fid main_ = add_fn(p, 2, "main", 1.0, 0.16 / T, 1);
    p2p_fid start = add_fn(p, 1, "start", 1.0, 0.0, 0);
    add_call(p, a, c, 0.0, 1);
    add_call(p, a, b, 1.02 / T, 3);
    add_call(p, b, a, -1, 2);
    add_call(p, main_, a, 1.77 / T, 1);
    add_call(p, start, main_, 1.0, 1);
    /* c was pruned (< 0.5%): it and the edge into it disappear */
    p->functions[c].removed = true;

    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("color", &t), 0);
    p2p_label_opts lo = {0};
    p2p_graph *g = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_graph_build(p, &t, &lo, &g, &d), 0);

    /* order: node, its out-edges by callee id, next node... */
    assert_int_equal(g->nstmts, 8);
    static const struct {
        bool edge;
        int64_t a, b;
    } order[] = {{0, 1, 0}, {1, 1, 2}, {0, 2, 0}, {1, 2, 5}, {0, 4, 0}, {1, 4, 5}, {0, 5, 0}, {1, 5, 4}};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(g->stmts[i].is_edge, order[i].edge);
        assert_null(g->stmts[i].a.str);
        assert_int_equal(g->stmts[i].a.num, order[i].a);
        if (order[i].edge)
            assert_int_equal(g->stmts[i].b.num, order[i].b);
    }
    char *dot = to_dot(g);
    static const char want[] =
        "digraph {\n"
        "\ttooltip=\" \"\n"
        "\tgraph [fontname=Arial, nodesep=0.125, ranksep=0.25];\n"
        "\tnode [fontcolor=white, fontname=Arial, height=0, shape=box, style=filled, width=0];\n"
        "\tedge [fontname=Arial];\n"
        "\t1 [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.00\", label=\"start\\n100.00%\\n(0.00%)\\n0\xc3\x97\"];\n"
        "\t1 -> 2 [arrowsize=\"1.00\", color=\"#ff0000\", fontcolor=\"#ff0000\", fontsize=\"10.00\", label=\"100.00%\\n1\xc3\x97\", labeldistance=\"4.00\", penwidth=\"4.00\"];\n"
        "\t2 [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.00\", label=\"main\\n100.00%\\n(8.29%)\\n1\xc3\x97\"];\n"
        "\t2 -> 5 [arrowsize=\"0.96\", color=\"#f25202\", fontcolor=\"#f25202\", fontsize=\"10.00\", label=\"91.71%\\n1\xc3\x97\", labeldistance=\"3.67\", penwidth=\"3.67\"];\n"
        "\t4 [color=\"#1dba09\", fontcolor=\"#ffffff\", fontsize=\"10.00\", label=\"b\\n52.85%\\n(52.85%)\\n3\xc3\x97\"];\n"
        "\t4 -> 5 [arrowsize=\"0.73\", color=\"#1dba09\", fontcolor=\"#1dba09\", fontsize=\"10.00\", label=\"2\xc3\x97\", labeldistance=\"2.11\", penwidth=\"2.11\"];\n"
        "\t5 [color=\"#f25202\", fontcolor=\"#ffffff\", fontsize=\"10.00\", label=\"a\\n91.71%\\n(38.86%)\\n3\xc3\x97\"];\n"
        "\t5 -> 4 [arrowsize=\"0.73\", color=\"#1dba09\", fontcolor=\"#1dba09\", fontsize=\"10.00\", label=\"52.85%\\n3\xc3\x97\", labeldistance=\"2.11\", penwidth=\"2.11\"];\n"
        "}\n";
    assert_string_equal(dot, want);
    free(dot);
    p2p_graph_free(g);

    /* print theme: different node defaults and node fontcolor */
    assert_int_equal(p2p_theme_builtin("print", &t), 0);
    assert_int_equal(p2p_graph_build(p, &t, &lo, &g, &d), 0);
    dot = to_dot(g);
    assert_non_null(strstr(dot, "\tnode [fontcolor=black, fontname=Arial, height=0, shape=box, style=solid, width=0];\n"));
    assert_non_null(strstr(dot, "\t1 [color=\"#000000\", fontcolor=\"#000000\", fontsize=\"30.00\", label="));
    free(dot);
    p2p_graph_free(g);
    p2p_profile_free(p);
}

static const char *attr(const p2p_gstmt *s, const char *name)
{
    for (uint32_t i = 0; i < s->nattrs; i++)
        if (strcmp(s->attrs[i].name, name) == 0)
            return s->attrs[i].value;
    return NULL;
}

static int warnings;
static char last_warning[1024];
static void on_warn(void *ctx, const char *msg)
{
    (void)ctx;
    warnings++;
    snprintf(last_warning, sizeof last_warning, "%s", msg);
}

/* String ids, module / process / tooltip lines, options, hashed ids. */
static void test_string_ids_and_options(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_STRING);
    p->warn = on_warn;
    char *long_id = malloc(1026);
    memset(long_id, 'x', 1025);
    long_id[1025] = '\0';
    char *huge = malloc(5001);
    memset(huge, 'y', 5000);
    huge[5000] = '\0';

    const char *id_main = S(p, "main"), *id_long = S(p, long_id), *id_1024 = S(p, long_id + 1);
    const char *id_huge = S(p, "zz_huge");
    p2p_fid m = p2p_profile_add_str(p, id_main, id_main);
    p2p_fid l = p2p_profile_add_str(p, id_long, S(p, "std::map<int, int>::find(int const&) const"));
    p2p_fid k = p2p_profile_add_str(p, id_1024, S(p, "k"));
    (void)p2p_profile_add_str(p, id_huge, S(p, huge));
    p->functions[m].module = S(p, "libc.so");
    p->functions[m].process = S(p, "proc");
    p->functions[m].filename = S(p, "");
    p->functions[l].filename = S(p, "/src/map.h");
    p2p_ev_set(&p->functions[m].ev, P2P_TIME, 0.5);
    p2p_ev_set(&p->functions[m].ev, P2P_SAMPLES, 41.9);
    p2p_ev_set(&p->functions[m].ev, P2P_TOTAL_TIME_RATIO, 0.75);
    p2p_ev_set(&p->functions[m].ev, P2P_TIME_RATIO, 0.25);
    /* m has no weight: colour and size of weight 0 */
    uint32_t c1 = p2p_profile_get_call(p, m, l, NULL);
    p2p_ev_set(&p->calls[c1].ev, P2P_CALLS, 7);
    /* no call weight: falls back to the callee's weight */
    p->functions[l].weight = 1.0;
    p->functions[l].has_weight = true;
    uint32_t c2 = p2p_profile_get_call(p, m, k, NULL);
    p->calls[c2].removed = true;
    uint32_t c3 = p2p_profile_get_call(p, m, m, NULL); /* a self loop, no events, no weights */
    (void)c3;

    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("color", &t), 0);
    p2p_event evs[] = {P2P_TIME, P2P_TOTAL_TIME_RATIO, P2P_TIME};
    p2p_label_opts lo = {true, true, evs, 3, true, "%.3f"};
    p2p_graph *g = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    warnings = 0;
    assert_int_equal(p2p_graph_build(p, &t, &lo, &g, &d), 0);
    assert_int_equal(warnings, 1); /* the 5000-character name */
    assert_non_null(strstr(last_warning, "5000"));

    /* order: main, main -> main, main -> x..x(1025), x..x(1024), x..x(1025), zz_huge */
    assert_int_equal(g->nstmts, 6);
    const p2p_gstmt *s = g->stmts;
    assert_false(s[0].is_edge);
    assert_string_equal(s[0].a.str, "main");
    assert_string_equal(attr(&s[0], "label"), "proc\nlibc.so\nmain\n(0.500)\n75.00%\n(0.500)\n41\xc3\x97");
    assert_string_equal(attr(&s[0], "tooltip"), "");
    assert_string_equal(attr(&s[0], "color"), "#0d0d73");
    assert_string_equal(attr(&s[0], "fontcolor"), "#ffffff");
    assert_string_equal(attr(&s[0], "fontsize"), "10.00");
    assert_int_equal(s[0].nattrs, 5);

    assert_true(s[1].is_edge);
    assert_string_equal(s[1].a.str, "main");
    assert_string_equal(s[1].b.str, "main");
    assert_string_equal(attr(&s[1], "label"), "");
    assert_string_equal(attr(&s[1], "penwidth"), "0.50");

    assert_true(s[2].is_edge);
    assert_string_equal(s[2].b.str, "_dc0849dc97d2e7d5f575b1abdc5fa96d4989165f");
    assert_string_equal(attr(&s[2], "label"), "7\xc3\x97");
    assert_string_equal(attr(&s[2], "color"), "#ff0000"); /* the callee's weight */
    assert_string_equal(attr(&s[2], "arrowsize"), "1.00");
    assert_string_equal(attr(&s[2], "labeldistance"), "4.00");
    assert_int_equal(s[2].nattrs, 7);
    for (uint32_t i = 0; i < s[2].nattrs; i++)
        assert_false(s[2].attrs[i].number);

    /* 1024 characters: kept as they are */
    assert_false(s[3].is_edge);
    assert_string_equal(s[3].a.str, long_id + 1);
    assert_null(attr(&s[3], "tooltip"));
    assert_int_equal(s[3].nattrs, 4);
    assert_string_equal(attr(&s[3], "label"), "k");

    /* stripped and wrapped */
    assert_string_equal(s[4].a.str, "_dc0849dc97d2e7d5f575b1abdc5fa96d4989165f");
    assert_string_equal(attr(&s[4], "label"), "std::map::find");
    assert_string_equal(attr(&s[4], "tooltip"), "/src/map.h");
    assert_string_equal(attr(&s[4], "color"), "#ff0000");

    /* truncated to 4095 + U+2026 (a single word: wrapping leaves it) */
    const char *lab = attr(&s[5], "label");
    assert_int_equal(strlen(lab), 4095 + 3);
    assert_string_equal(lab + 4095, "\xe2\x80\xa6");

    /* defaults: numbers bare, strings through the id rule */
    assert_int_equal(g->ngraph_attrs, 3);
    assert_int_equal(g->nnode_attrs, 6);
    assert_int_equal(g->nedge_attrs, 1);
    for (uint32_t i = 0; i < g->nnode_attrs; i++) {
        const p2p_attr *a = &g->node_attrs[i];
        bool num = strcmp(a->name, "width") == 0 || strcmp(a->name, "height") == 0;
        assert_int_equal(a->number, num);
        if (num)
            assert_string_equal(a->value, "0");
    }
    for (uint32_t i = 0; i < g->ngraph_attrs; i++)
        assert_int_equal(g->graph_attrs[i].number, strcmp(g->graph_attrs[i].name, "fontname") != 0);

    p2p_graph_free(g);
    p2p_profile_free(p);
    free(long_id);
    free(huge);
}

static void test_empty_and_sha1(void **state)
{
    (void)state;
    p2p_profile *p = p2p_profile_new(P2P_ID_STRING);
    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("pink", &t), 0);
    p2p_graph *g = NULL;
    assert_int_equal(p2p_graph_build(p, &t, NULL, &g, NULL), 0);
    assert_int_equal(g->nstmts, 0);
    char *dot = to_dot(g);
    assert_string_equal(dot, "digraph {\n\ttooltip=\" \"\n\tgraph [fontname=Arial, nodesep=0.125, ranksep=0.25];\n"
                             "\tnode [fontcolor=white, fontname=Arial, height=0, shape=box, style=filled, width=0];\n"
                             "\tedge [fontname=Arial];\n}\n");
    free(dot);
    p2p_graph_free(g);
    p2p_profile_free(p);

    /* hashlib.sha1(...).hexdigest() */
    char hex[41];
    p2p_sha1_hex("", 0, hex);
    assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    p2p_sha1_hex("abc", 3, hex);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    char a64[65];
    memset(a64, 'a', 64);
    p2p_sha1_hex(a64, 55, hex);
    assert_string_equal(hex, "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    p2p_sha1_hex(a64, 56, hex);
    assert_string_equal(hex, "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    p2p_sha1_hex(a64, 64, hex);
    assert_string_equal(hex, "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

/* --compare on the corpus case upstream/history/compare-callgrind-unmatched:
 * profile 1 has extra_helper -> main, profile 2 only main.  The expected
 * text is the corpus' unmatched1.callgrind.compare.expected.dot. */
static p2p_fid add_sfn(p2p_profile *p, const char *name, double ttr, double tr, int64_t called)
{
    const char *id = S(p, name);
    p2p_fid f = p2p_profile_add_str(p, id, id);
    p2p_function *fn = &p->functions[f];
    p2p_ev_set(&fn->ev, P2P_TOTAL_TIME_RATIO, ttr);
    p2p_ev_set(&fn->ev, P2P_TIME_RATIO, tr);
    fn->weight = ttr;
    fn->has_weight = true;
    fn->called = called;
    fn->has_called = true;
    return f;
}

static void test_compare(void **state)
{
    (void)state;
    p2p_profile *p1 = p2p_profile_new(P2P_ID_STRING), *p2 = p2p_profile_new(P2P_ID_STRING);
    p2p_fid x = add_sfn(p1, "extra_helper", 1.0, 10.0 / 17, 0);
    p2p_fid m = add_sfn(p1, "main", 7.0 / 17, 7.0 / 17, 1);
    add_call(p1, x, m, 7.0 / 17, 1);
    add_sfn(p2, "main", 1.0, 1.0, 0);

    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("color", &t), 0);
    p2p_label_opts lo = {0};
    p2p_compare_opts co = {0.001, false, false, false};
    p2p_graph *g = NULL;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_graph_compare(p1, p2, &t, &lo, &co, &g, &d), 0);
    char *dot = to_dot(g);
    /* extra_helper is not in profile 2: gprof2dot crashes (its upstream fix
     * draws it plainly); prof2png draws it the same way inside a frame of
     * its own captioned "removed", which leaves the node and its edges as
     * the fix has them */
    static const char want[] =
        "digraph {\n"
        "\ttooltip=\" \"\n"
        "\tgraph [fontname=Arial, nodesep=0.125, ranksep=0.25];\n"
        "\tnode [fontcolor=white, fontname=Arial, height=0, style=filled, width=0];\n"
        "\tedge [fontname=Arial];\n"
        "\tsubgraph cluster_0 {\n"
        "\t\tgraph [color=\"#808080\", fontcolor=\"#808080\", fontname=Arial, fontsize=\"10.00\", label=removed, style=dashed];\n"
        "\t\t\"extra_helper\" [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.000000\", label=\"extra_helper\\n100.00%\\n(58.82%)\\n0\xc3\x97\", orientation=0, shape=box];\n"
        "\t}\n"
        "\t\"extra_helper\" -> main [arrowsize=\"0.64\", color=\"#0ba943\", fontcolor=\"#0ba943\", fontsize=\"10.00\", label=\"41.18%\\n1\xc3\x97\", labeldistance=\"1.65\", penwidth=\"1.65\"];\n"
        "\tmain [color=\"#0ba943\", fontcolor=\"#ffffff\", fontsize=\"10.000000\", label=\"main\\n41.18% + 58.824%\\n1 \xc3\x97/ 0 \xc3\x97\\n(41.18%) + 58.824%\\n1 \xc3\x97/ 0 \xc3\x97\", orientation=0, shape=cds];\n"
        "}\n";
    assert_string_equal(dot, want);
    free(dot);
    p2p_graph_free(g);

    /* the other way round: main is slower in profile 1 -> "- X%", rotated;
     * with a tolerance of 5 the difference rounds to one unit of 10^0 */
    p2p_fid x2 = add_sfn(p2, "extra_helper", 0.5, 0.5, 0);
    add_call(p2, x2, 0, 0.25, 4);
    co.tolerance = 5;
    assert_int_equal(p2p_graph_compare(p2, p1, &t, &lo, &co, &g, &d), 0);
    dot = to_dot(g);
    assert_non_null(strstr(dot, "\tmain [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.000000\", "
                                "label=\"main\\n100.00% - 59.0%\\n0 \xc3\x97/ 1 \xc3\x97\\n(100.00%) - 59.0%\\n"
                                "0 \xc3\x97/ 1 \xc3\x97\", orientation=90, shape=cds];\n"));
    assert_non_null(strstr(dot, "\t\"extra_helper\" -> main [arrowsize=\"0.50\", color=\"#0c9393\", "
                                "fontcolor=\"#0c9393\", fontsize=\"10.00\", label=\"25.00% / 41.18%\\n4\xc3\x97 / 1\xc3\x97\""));
    assert_non_null(strstr(dot, "label=\"extra_helper\\n50.00% + 50.0%\\n0 \xc3\x97/ 0 \xc3\x97\\n(50.00%) + 9.0%\\n"));
    free(dot);
    p2p_graph_free(g);

    /* colour by difference: edges weigh 0, nodes the rescaled difference */
    co.tolerance = 0.001;
    co.color_by_difference = true;
    assert_int_equal(p2p_graph_compare(p2, p1, &t, &lo, &co, &g, &d), 0);
    dot = to_dot(g);
    assert_non_null(strstr(dot, "-> main [arrowsize=\"0.35\", color=\"#0d0d73\""));
    free(dot);
    p2p_graph_free(g);
    p2p_profile_free(p1);
    p2p_profile_free(p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cycle_prof),
        cmocka_unit_test(test_string_ids_and_options),
        cmocka_unit_test(test_empty_and_sha1),
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
