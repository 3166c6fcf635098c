/* Render tests: in-process Graphviz output read back through libpng, SVG
 * shape, atomic file writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prof2png/prof2png.h"

/* The sample profile, all the way to DOT text. */
static char *sample_dot(size_t *len)
{
    p2p_input in;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_input_read(P2P_SOURCE_DIR "/samples/myapp.stats", &in, &d), 0);
    p2p_profile *p = NULL;
    assert_int_equal(p2p_parse_pstats(&in, 1, NULL, &p, &d), 0);
    assert_int_equal(p2p_derive_events(p, P2P_DERIVE_PSTATS, &d), 0);
    p2p_prune_opts po = {0.005, 0.001, NULL, 0, false};
    p2p_prune(p, &po);
    p2p_theme t;
    assert_int_equal(p2p_theme_builtin("color", &t), 0);
    p2p_label_opts lo = {0};
    p2p_graph *g = NULL;
    assert_int_equal(p2p_graph_build(p, &t, &lo, &g, &d), 0);
    char *dot = NULL;
    assert_int_equal(p2p_dot_write(g, &dot, len), 0);
    p2p_graph_free(g);
    p2p_profile_free(p);
    p2p_input_release(&in);
    return dot;
}

static void png_of_sample_has_red_hot_node(void **state)
{
    (void)state;
    size_t dotlen, len;
    char *dot = sample_dot(&dotlen), *png;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_render(dot, dotlen, "png", &png, &len, &d), 0);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(len > 8);
    assert_memory_equal(png, sig, 8);

    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_memory(&img, png, len));
    img.format = PNG_FORMAT_RGB;
    /* a handful of boxes: a few hundred pixels each way, not a sliver */
    assert_true(img.width > 100 && img.width < 5000);
    assert_true(img.height > 100 && img.height < 5000);
    unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
    assert_non_null(px);
    assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
    size_t red = 0, white = 0;
    for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
        unsigned char r = px[3 * i], g = px[3 * i + 1], b = px[3 * i + 2];
        if (r > 240 && g < 20 && b < 20)
            red++;
        if (r == 255 && g == 255 && b == 255)
            white++;
    }
    /* the hot path (#ff0000 nodes) is drawn, on a white page */
    assert_true(red > 500);
    assert_true(white > (size_t)img.width * img.height / 4);
    free(px);
    free(png);
    free(dot);
}

static void svg_of_sample_is_svg(void **state)
{
    (void)state;
    size_t dotlen, len;
    char *dot = sample_dot(&dotlen), *svg;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_render(dot, dotlen, "svg", &svg, &len, &d), 0);
    char *text = malloc(len + 1);
    memcpy(text, svg, len);
    text[len] = '\0';
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "</svg>"));
    assert_non_null(strstr(text, "myapp:17:heavy"));
    assert_non_null(strstr(text, "#ff0000"));
    free(text);
    free(svg);
    free(dot);
}

static void render_is_deterministic(void **state)
{
    (void)state;
    size_t dotlen, l1, l2;
    char *dot = sample_dot(&dotlen), *a, *b;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_render(dot, dotlen, "png", &a, &l1, &d), 0);
    assert_int_equal(p2p_render(dot, dotlen, "png", &b, &l2, &d), 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(a, b, l1);
    free(a);
    free(b);
    free(dot);
}

static void bad_dot_is_an_error(void **state)
{
    (void)state;
    const char *bad = "digraph { a -> ; }";
    char *out;
    size_t len;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_render(bad, strlen(bad), "png", &out, &len, &d), P2P_ERENDER);
    assert_null(out);
    assert_int_equal(p2p_render("digraph{}", 9, "nosuch", &out, &len, &d), P2P_EUSAGE);
}

static void atomic_write_replaces_whole(void **state)
{
    (void)state;
    char dir[] = "/tmp/p2p-render-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.png", dir);
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_write_file_atomic(path, "one", 3, &d), 0);
    assert_int_equal(p2p_write_file_atomic(path, "second", 6, &d), 0);
    FILE *f = fopen(path, "rb");
    char buf[16] = {0};
    assert_int_equal(fread(buf, 1, sizeof buf, f), 6);
    fclose(f);
    assert_string_equal(buf, "second");
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.png", dir);
    assert_int_equal(p2p_write_file_atomic(bad, "x", 1, &d), P2P_EIO);
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* nothing else was left in the folder */
}


/* p2p_png_add_text: the same pixels, the texts readable back, in order. */
static void png_text_round_trip(void **state)
{
    (void)state;
    size_t dotlen, len, len2;
    char *dot = sample_dot(&dotlen), *png, *png2;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    assert_int_equal(p2p_render(dot, dotlen, "png", &png, &len, &d), 0);
    p2p_png_text t[] = {{"Software", "prof2png test"}, {"Comment", "two\nlines"}, {"Title", "caf\xc3\xa9"}};
    assert_int_equal(p2p_png_add_text(png, len, t, 3, &png2, &len2, &d), 0);

    png_image a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.version = b.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_memory(&a, png, len));
    assert_true(png_image_begin_read_from_memory(&b, png2, len2));
    a.format = b.format = PNG_FORMAT_RGBA;
    assert_int_equal(a.width, b.width);
    assert_int_equal(a.height, b.height);
    size_t size = PNG_IMAGE_SIZE(a);
    unsigned char *pa = malloc(size), *pb = malloc(size);
    assert_true(png_image_finish_read(&a, NULL, pa, 0, NULL));
    assert_true(png_image_finish_read(&b, NULL, pb, 0, NULL));
    assert_memory_equal(pa, pb, size);
    free(pa);
    free(pb);

    char *block;
    size_t blocklen, n;
    assert_int_equal(p2p_png_read_text(png2, len2, &block, &blocklen, &n, &d), 0);
    assert_int_equal(n, 3);
    const char *p = block;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(p, t[i].key);
        p += strlen(p) + 1;
        assert_string_equal(p, t[i].text);
        p += strlen(p) + 1;
    }
    assert_true(p == block + blocklen);
    free(block);

    /* a cut file: an error, never a crash */
    for (size_t cut = 0; cut < 200 && cut < len2; cut += 7) {
        p2p_diag_init(&d, NULL);
        char *b2 = NULL;
        size_t bl, k;
        int rc = p2p_png_read_text(png2, cut, &b2, &bl, &k, &d);
        assert_true(rc == 0 || rc == P2P_EFORMAT);
        free(b2);
        char *o = NULL;
        size_t ol;
        assert_int_not_equal(p2p_png_add_text(png2, cut, t, 1, &o, &ol, &d), 0);
        assert_null(o);
    }
    free(png2);
    free(png);
    free(dot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_of_sample_has_red_hot_node),
        cmocka_unit_test(svg_of_sample_is_svg),
        cmocka_unit_test(render_is_deterministic),
        cmocka_unit_test(bad_dot_is_an_error),
        cmocka_unit_test(atomic_write_replaces_whole),
        cmocka_unit_test(png_text_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
