/* Format detection (src/parse/detect.c) and compressed input
 * (src/parse/decompress.c, through p2p_input_read_opts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "prof2png/prof2png.h"

#define DATA P2P_TEST_DATA "/"

static const char *detect_file(const char *path)
{
    p2p_input in;
    p2p_diag d;
    p2p_diag_init(&d, path);
    assert_int_equal(p2p_input_read(path, &in, &d), 0);
    const p2p_format *f = NULL;
    int rc = p2p_detect(&in, &f, &d);
    p2p_input_release(&in);
    return rc ? NULL : f->name;
}

static int score(const char *text, const char *format)
{
    p2p_input in;
    p2p_input_from_memory(&in, "in", text, strlen(text));
    return p2p_detect_score(&in, format);
}

static void every_test_file(void **state)
{
    (void)state;
    static const struct {
        const char *file, *format;
    } cases[] = {
        {P2P_SOURCE_DIR "/samples/myapp.stats", "pstats"},
        {DATA "pstats/work-2.7-cProfile.pstats", "pstats"},
        {DATA "pstats/work-2.7-profile.pstats", "pstats"},
        {DATA "pstats/work-3.13-cProfile.pstats", "pstats"},
        {DATA "pstats/work-3.13-profile.pstats", "pstats"},
        {DATA "pstats/synth-empty.pstats", "pstats"},
        {DATA "gprof/recur-default.prof", "prof"},
        {DATA "gprof/recur-q.prof", "prof"},
        {DATA "gprof/recur-T.prof", "prof"},
        {DATA "gprof/recur-p.prof", "prof"},
        {DATA "gprof/recur-bq-utf16be.prof", "prof"},
        {DATA "gprof/cxx-bq-nodemangle.prof", "prof"},
        {DATA "callgrind/rec-default.callgrind", "callgrind"},
        {DATA "callgrind/rec-nocompress.callgrind", "callgrind"},
        {DATA "callgrind/rec.cachegrind", "callgrind"},
        {DATA "perf/fp.perf", "perf"},
        {DATA "perf/multievent.perf", "perf"},
        {DATA "perf/nocallgraph.perf", "perf"},
        {DATA "perf/fp.collapse", "collapse"},
        {DATA "perf/fp-utf16le.collapse", "collapse"},
        {DATA "perf/fp.dtrace", "dtrace"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = detect_file(cases[i].file);
        if (!got || strcmp(got, cases[i].format) != 0)
            fail_msg("%s: detected %s, expected %s", cases[i].file, got ? got : "nothing", cases[i].format);
    }
}

static void unknown_lists_formats(void **state)
{
    (void)state;
    p2p_input in;
    p2p_diag d;
    const char *text = "just some words\n";
    p2p_input_from_memory(&in, "x", text, strlen(text));
    p2p_diag_init(&d, "x");
    const p2p_format *f = (const p2p_format *)1;
    assert_int_equal(p2p_detect(&in, &f, &d), P2P_EUNSUPPORTED);
    assert_null(f);
    /* every format of the parser table, and only those */
    size_t n;
    const p2p_format *all = p2p_formats(&n);
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(d.msg, all[i].name));
    assert_non_null(strstr(d.msg, "formats tried ("));
    assert_non_null(strstr(d.msg, "give it with -f"));
}

/* Old perf output without timestamps, and the collapse/perf boundary. */
static void text_shapes(void **state)
{
    (void)state;
    assert_int_equal(score("xwax  1896 cycles: \n\t        b75613c3 _IO_x (/lib/libc.so)\n\n", "perf"), 2);
    assert_int_equal(score("a;b;c 12\na;b 3\n", "collapse"), 2);
    assert_int_equal(score("main 12\n", "collapse"), 1);
    assert_int_equal(score("a;b;c 12\n\tnot collapse\n", "collapse"), 0);
    assert_int_equal(score("a;b;c 12\n", "perf"), 0);
    assert_int_equal(score("  libc.so`f+0x1\n  a.out`main\n  7\n", "dtrace"), 2);
    assert_int_equal(score("version: 1\ncreator: callgrind-3.19\n", "callgrind"), 2);
    assert_int_equal(score("fl=a.c\nfn=main\n", "callgrind"), 1);
    /* a pstats dict with a FLAG_REF tuple key; a JSON object is not one */
    assert_int_equal(score("\xfb\xa9\x03", "pstats"), 2);
    assert_int_equal(score("{\"version\": 0", "pstats"), 0);
    assert_int_equal(score("", "pstats"), 0);
    assert_int_equal(score("x", "nosuchformat"), -1);
}

/* Sniffers of formats whose parsers are coming: they answer, and
 * p2p_detect offers them only once the format is in the table. */
static void coming_formats(void **state)
{
    (void)state;
    assert_int_equal(score("{\n  \"version\": 0,\n  \"costs\": [],\n  \"functions\": []}", "json"), 2);
    assert_int_equal(score("JAVA PROFILE 1.0.1, created Mon Aug  4 22:22:24 2008\n", "hprof"), 2);
    assert_int_equal(score("Index   % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name  Index\n", "axe"), 2);
    assert_int_equal(score("Process Name, Stack, Module, Function, Weight, Count\r\n", "xperf"), 2);
    assert_int_equal(score("<?xml version=\"1.0\"?>\n<profile>\n<size>1</size>\n", "sysprof"), 2);
    p2p_input in;
    static const unsigned char zip[] = "PK\3\4\24\0\0\0\10\0xxxxxxxxxxxxxxxxSymbols.txt";
    p2p_input_from_memory(&in, "z", zip, sizeof zip - 1);
    assert_int_equal(p2p_detect_score(&in, "sleepy"), 2);
    const char *hprof = "JAVA PROFILE 1.0.1, created Mon Aug  4 22:22:24 2008\n\nCopyright 2003-2005 Sun\n";
    p2p_input_from_memory(&in, "h", hprof, strlen(hprof));
    p2p_diag d;
    p2p_diag_init(&d, "h");
    const p2p_format *f;
    int rc = p2p_detect(&in, &f, &d);
    if (p2p_format_find("hprof")) {
        assert_int_equal(rc, 0);
        assert_string_equal(f->name, "hprof");
    } else {
        assert_int_equal(rc, P2P_EUNSUPPORTED);
        assert_null(strstr(d.msg, "hprof"));
    }
}

static void ambiguous(void **state)
{
    (void)state;
    const char *text = "Flat profile:\n\nevents: Ir\n";
    p2p_input in;
    p2p_input_from_memory(&in, "x", text, strlen(text));
    p2p_diag d;
    p2p_diag_init(&d, "x");
    const p2p_format *f;
    assert_int_equal(p2p_detect(&in, &f, &d), P2P_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "it could be callgrind or prof"));
}

/* ---- compressed input ---------------------------------------------------- */

static char *write_temp(const void *data, size_t n)
{
    static char path[64];
    strcpy(path, "/tmp/p2p-test-detect-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

static size_t gz(const void *src, size_t n, unsigned char *dst, size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)n;
    zs.next_out = dst;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t len = cap - zs.avail_out;
    deflateEnd(&zs);
    return len;
}

static int calls;
static uint64_t last_done, last_total;
static void count_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    calls++;
    last_done = done;
    last_total = total;
}

static void gzip_and_limit(void **state)
{
    (void)state;
    size_t n = 10u << 20; /* 10 MiB of zeros: a small file, a large output */
    unsigned char *plain = calloc(1, n);
    unsigned char *packed = malloc(1 << 20);
    size_t len = gz(plain, n, packed, 1 << 20);
    assert_true(len < (1u << 16));
    char *path = write_temp(packed, len);

    p2p_input in;
    p2p_diag d;
    p2p_diag_init(&d, path);
    calls = 0;
    p2p_read_opts o = {0, count_progress, NULL};
    assert_int_equal(p2p_input_read_opts(path, &o, &in, &d), 0);
    assert_string_equal(in.compression, "gzip");
    assert_int_equal(in.size, n);
    assert_memory_equal(in.data, plain, n);
    assert_true(calls >= 1);
    assert_int_equal(last_total, len);
    p2p_input_release(&in);

    /* one byte under the size: P2P_ELIMIT, a message giving the limit */
    p2p_read_opts lim = {n - 1, NULL, NULL};
    assert_int_equal(p2p_input_read_opts(path, &lim, &in, &d), P2P_ELIMIT);
    assert_non_null(strstr(d.msg, "decompresses to more than 10485759 bytes"));
    assert_null(in.data);
    /* exactly the size: fine */
    lim.max_decompressed = n;
    assert_int_equal(p2p_input_read_opts(path, &lim, &in, &d), 0);
    p2p_input_release(&in);
    unlink(path);

    /* truncated: P2P_ETRUNCATED */
    path = write_temp(packed, len - 10);
    assert_int_equal(p2p_input_read(path, &in, &d), P2P_ETRUNCATED);
    assert_non_null(strstr(d.msg, "gzip input ends too early"));
    unlink(path);
    free(plain);
    free(packed);
}

static void zstd_round_trip(void **state)
{
    (void)state;
    const char *text = "main;work;leaf 10\nmain;other 5\n";
    unsigned char packed[256];
    size_t len = ZSTD_compress(packed, sizeof packed, text, strlen(text), 3);
    assert_false(ZSTD_isError(len));
    char *path = write_temp(packed, len);
    p2p_input in;
    p2p_diag d;
    p2p_diag_init(&d, path);
    assert_int_equal(p2p_input_read(path, &in, &d), 0);
    assert_string_equal(in.compression, "zstd");
    assert_int_equal(in.size, strlen(text));
    assert_memory_equal(in.data, text, in.size);
    const p2p_format *f;
    assert_int_equal(p2p_detect(&in, &f, &d), 0);
    assert_string_equal(f->name, "collapse");
    p2p_input_release(&in);
    /* too small a limit */
    p2p_read_opts lim = {8, NULL, NULL};
    assert_int_equal(p2p_input_read_opts(path, &lim, &in, &d), P2P_ELIMIT);
    unlink(path);
    /* cut short */
    path = write_temp(packed, len - 2);
    assert_int_equal(p2p_input_read(path, &in, &d), P2P_ETRUNCATED);
    unlink(path);
}

/* A plain file read with a progress callback is paged in with reports. */
static void plain_progress(void **state)
{
    (void)state;
    size_t n = 9u << 20;
    unsigned char *b = malloc(n);
    memset(b, 'x', n);
    char *path = write_temp(b, n);
    p2p_input in;
    p2p_diag d;
    p2p_diag_init(&d, path);
    calls = 0;
    p2p_read_opts o = {0, count_progress, NULL};
    assert_int_equal(p2p_input_read_opts(path, &o, &in, &d), 0);
    assert_null(in.compression);
    assert_int_equal(calls, 3); /* 4 MiB, 8 MiB, 9 MiB */
    assert_int_equal(last_done, n);
    assert_int_equal(last_total, n);
    p2p_input_release(&in);
    unlink(path);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_test_file), cmocka_unit_test(unknown_lists_formats),
        cmocka_unit_test(text_shapes),     cmocka_unit_test(coming_formats),
        cmocka_unit_test(ambiguous),       cmocka_unit_test(gzip_and_limit),
        cmocka_unit_test(zstd_round_trip), cmocka_unit_test(plain_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
