/* Unit tests of the marshal decoder (src/parse/marshal.c): every type code
 * from hand-made bytes, back-references, Python 2 string references, long
 * ints, code objects of every layout, limits, truncation at every offset
 * and bit flips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/marshal.h"
#include "prof2png/parse.h"

#define DATA P2P_TEST_DATA "/pstats/"

typedef struct {
    p2p_mdoc doc;
    p2p_diag d;
    int rc;
} result;

static result decode_layout(const void *bytes, size_t n, p2p_mlayout layout)
{
    result r;
    p2p_diag_init(&r.d, "test");
    r.rc = p2p_marshal_decode(bytes, n, layout, &r.doc, &r.d);
    return r;
}

static result decode(const void *bytes, size_t n)
{
    return decode_layout(bytes, n, P2P_ML_AUTO);
}

/* Decode a byte-array literal, expecting success. */
#define OK(...)                                                          \
    do {                                                                 \
        static const unsigned char b_[] = {__VA_ARGS__};                 \
        r = decode(b_, sizeof b_);                                       \
        if (r.rc)                                                        \
            fail_msg("decode failed: %d %s", r.rc, r.d.msg);             \
        assert_non_null(r.doc.root);                                     \
        v = r.doc.root;                                                  \
    } while (0)

/* Decode a byte-array literal, expecting error `code`. */
#define BAD(code, ...)                                                   \
    do {                                                                 \
        static const unsigned char b_[] = {__VA_ARGS__};                 \
        r = decode(b_, sizeof b_);                                       \
        assert_int_equal(r.rc, code);                                    \
        assert_null(r.doc.root);                                         \
        assert_true(r.d.offset >= 0 && (size_t)r.d.offset <= sizeof b_); \
    } while (0)

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static bool str_is(const p2p_mval *v, const char *s)
{
    return p2p_marshal_is_string(v) && v->len == strlen(s) && memcmp(v->u.s, s, v->len) == 0;
}

/* ---- scalars ------------------------------------------------------------ */

static void singletons(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    OK('N');
    assert_int_equal(v->type, P2P_M_NONE);
    assert_int_equal(r.doc.end, 1);
    p2p_marshal_free(&r.doc);
    OK('T');
    assert_int_equal(v->type, P2P_M_BOOL);
    assert_int_equal(v->u.i, 1);
    p2p_marshal_free(&r.doc);
    OK('F');
    assert_int_equal(v->type, P2P_M_BOOL);
    assert_int_equal(v->u.i, 0);
    p2p_marshal_free(&r.doc);
    OK('.');
    assert_int_equal(v->type, P2P_M_ELLIPSIS);
    p2p_marshal_free(&r.doc);
    OK('S');
    assert_int_equal(v->type, P2P_M_STOPITER);
    p2p_marshal_free(&r.doc);
    /* FLAG_REF on a singleton is ignored (CPython does not register it) */
    OK(')', 2, 'N' | 0x80, 'T' | 0x80);
    assert_int_equal(r.doc.nrefs, 0);
    p2p_marshal_free(&r.doc);
    BAD(P2P_EFORMAT, ')', 2, 0x80 | 'N', 'r', 0, 0, 0, 0);
}

static void ints(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    int64_t x;
    OK('i', 0x2a, 0, 0, 0);
    assert_int_equal(v->type, P2P_M_INT);
    assert_true(p2p_marshal_int64(v, &x));
    assert_int_equal(x, 42);
    p2p_marshal_free(&r.doc);
    OK('i', 0xfe, 0xff, 0xff, 0xff);
    assert_int_equal(v->u.i, -2);
    p2p_marshal_free(&r.doc);
    OK('I', 1, 0, 0, 0, 1, 0, 0, 0); /* Python 2 TYPE_INT64 */
    assert_int_equal(v->type, P2P_M_INT);
    assert_int_equal(v->u.i, (int64_t)0x100000001LL);
    p2p_marshal_free(&r.doc);
    OK('I', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    assert_int_equal(v->u.i, -1);
    p2p_marshal_free(&r.doc);
    BAD(P2P_ETRUNCATED, 'i', 1, 2, 3);
    BAD(P2P_ETRUNCATED, 'I', 1, 2, 3, 4, 5, 6, 7);
}

static void long_ints(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    double f;
    OK('l', 0, 0, 0, 0); /* zero has no digits */
    assert_int_equal(v->type, P2P_M_INT);
    assert_int_equal(v->u.i, 0);
    p2p_marshal_free(&r.doc);
    /* 2**31 = 2 * 32768**2: digits 0, 0, 2 */
    OK('l', 3, 0, 0, 0, 0, 0, 0, 0, 2, 0);
    assert_int_equal(v->u.i, (int64_t)1 << 31);
    p2p_marshal_free(&r.doc);
    OK('l', 0xfd, 0xff, 0xff, 0xff, 0, 0, 0, 0, 2, 0); /* n = -3 */
    assert_int_equal(v->u.i, -((int64_t)1 << 31));
    p2p_marshal_free(&r.doc);
    /* 2**63 - 1: four digits of 0x7fff, then 7 */
    OK('l', 5, 0, 0, 0, 0xff, 0x7f, 0xff, 0x7f, 0xff, 0x7f, 0xff, 0x7f, 7, 0);
    assert_int_equal(v->type, P2P_M_INT);
    assert_int_equal(v->u.i, INT64_MAX);
    p2p_marshal_free(&r.doc);
    /* -2**63 fits */
    OK('l', 0xfb, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0);
    assert_int_equal(v->type, P2P_M_INT);
    assert_int_equal(v->u.i, INT64_MIN);
    p2p_marshal_free(&r.doc);
    /* 2**63 does not: a BIGINT with the nearest double */
    OK('l', 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0);
    assert_int_equal(v->type, P2P_M_BIGINT);
    int64_t x;
    assert_false(p2p_marshal_int64(v, &x));
    assert_true(p2p_marshal_number(v, &f));
    assert_true(f == 9223372036854775808.0);
    p2p_marshal_free(&r.doc);
    /* -2**150 = -(2**0 * 32768**10) */
    OK('l', 0xf5, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
    assert_int_equal(v->type, P2P_M_BIGINT);
    assert_true(v->u.f == -ldexp(1.0, 150));
    p2p_marshal_free(&r.doc);
    /* a digit over 15 bits, an unnormalised top digit, a size of INT32_MIN */
    BAD(P2P_EFORMAT, 'l', 1, 0, 0, 0, 0, 0x80);
    BAD(P2P_EFORMAT, 'l', 2, 0, 0, 0, 1, 0, 0, 0);
    BAD(P2P_EFORMAT, 'l', 0, 0, 0, 0x80);
    /* more digits than bytes */
    BAD(P2P_ETRUNCATED, 'l', 0xff, 0xff, 0xff, 0x7f, 1, 0);
    assert_non_null(strstr(r.d.msg, "runs past the end"));
}

static void floats(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    double f;
    OK('g', 0, 0, 0, 0, 0, 0, 0xf8, 0x3f);
    assert_int_equal(v->type, P2P_M_FLOAT);
    assert_true(p2p_marshal_number(v, &f));
    assert_true(f == 1.5);
    p2p_marshal_free(&r.doc);
    OK('f', 4, '-', '2', '.', '5');
    assert_true(v->u.f == -2.5);
    p2p_marshal_free(&r.doc);
    OK('f', 3, 'i', 'n', 'f');
    assert_true(isinf(v->u.f));
    p2p_marshal_free(&r.doc);
    OK('y', 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40);
    assert_int_equal(v->type, P2P_M_COMPLEX);
    assert_true(v->u.cplx[0] == 1.0 && v->u.cplx[1] == 2.0);
    assert_false(p2p_marshal_number(v, &f));
    p2p_marshal_free(&r.doc);
    OK('x', 1, '3', 2, '-', '4');
    assert_true(v->u.cplx[0] == 3.0 && v->u.cplx[1] == -4.0);
    p2p_marshal_free(&r.doc);
    BAD(P2P_EFORMAT, 'f', 3, 'a', 'b', 'c');
    BAD(P2P_EFORMAT, 'f', 0);
    BAD(P2P_ETRUNCATED, 'f', 5, '1', '.');
    BAD(P2P_ETRUNCATED, 'g', 0, 0, 0, 0, 0, 0, 0xf8);
    BAD(P2P_ETRUNCATED, 'y', 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0);
}

static void strings(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    OK('z', 3, 'a', 'b', 'c');
    assert_int_equal(v->type, P2P_M_STR);
    assert_true(str_is(v, "abc"));
    p2p_marshal_free(&r.doc);
    OK('Z', 0);
    assert_true(str_is(v, ""));
    p2p_marshal_free(&r.doc);
    OK('a', 2, 0, 0, 0, 'h', 'i');
    assert_true(str_is(v, "hi"));
    p2p_marshal_free(&r.doc);
    OK('A', 1, 0, 0, 0, 'x');
    assert_true(str_is(v, "x"));
    p2p_marshal_free(&r.doc);
    OK('u', 2, 0, 0, 0, 0xc3, 0xa9); /* UTF-8 e-acute */
    assert_true(str_is(v, "\xc3\xa9"));
    p2p_marshal_free(&r.doc);
    OK('t', 1, 0, 0, 0, 'q');
    assert_int_equal(v->type, P2P_M_STR);
    p2p_marshal_free(&r.doc);
    OK('s', 3, 0, 0, 0, 0, 1, 2);
    assert_int_equal(v->type, P2P_M_BYTES);
    assert_int_equal(v->len, 3);
    assert_memory_equal(v->u.s, "\0\1\2", 3);
    p2p_marshal_free(&r.doc);
    /* ASCII kinds are Latin-1 to CPython: a stray high byte becomes UTF-8 */
    OK('z', 2, 'a', 0xe9);
    assert_true(str_is(v, "a\xc3\xa9"));
    p2p_marshal_free(&r.doc);
    BAD(P2P_ETRUNCATED, 'z', 4, 'a', 'b', 'c');
    assert_string_equal(r.d.msg, "string length 4 runs past the end of the file (3 bytes left)");
    assert_int_equal(r.d.offset, 0);
    BAD(P2P_ETRUNCATED, 'u', 0x40, 0xe2, 0x01, 0, 'a');
    assert_string_equal(r.d.msg, "string length 123456 runs past the end of the file (1 bytes left)");
    BAD(P2P_EFORMAT, 'a', 0xff, 0xff, 0xff, 0xff);
    BAD(P2P_ETRUNCATED, 's', 1, 0);
    BAD(P2P_ETRUNCATED, 'z');
}

/* ---- containers ------------------------------------------------------------ */

static void containers(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    OK(')', 2, 'N', 'z', 1, 'a');
    assert_int_equal(v->type, P2P_M_TUPLE);
    assert_int_equal(v->len, 2);
    assert_int_equal(v->u.items[0]->type, P2P_M_NONE);
    assert_true(str_is(v->u.items[1], "a"));
    assert_int_equal(v->u.items[1]->off, 3);
    p2p_marshal_free(&r.doc);
    OK(')', 0);
    assert_int_equal(v->type, P2P_M_TUPLE);
    assert_int_equal(v->len, 0);
    p2p_marshal_free(&r.doc);
    OK('(', 1, 0, 0, 0, '(', 0, 0, 0, 0);
    assert_int_equal(v->len, 1);
    assert_int_equal(v->u.items[0]->len, 0);
    p2p_marshal_free(&r.doc);
    OK('[', 2, 0, 0, 0, 'T', 'F');
    assert_int_equal(v->type, P2P_M_LIST);
    assert_int_equal(v->len, 2);
    p2p_marshal_free(&r.doc);
    OK('<', 1, 0, 0, 0, 'N');
    assert_int_equal(v->type, P2P_M_SET);
    p2p_marshal_free(&r.doc);
    OK('>', 0, 0, 0, 0);
    assert_int_equal(v->type, P2P_M_FROZENSET);
    p2p_marshal_free(&r.doc);
    OK(':', 'N', 'i', 5, 0, 0, 0, 'N');
    assert_int_equal(v->type, P2P_M_SLICE);
    assert_int_equal(v->len, 3);
    assert_int_equal(v->u.items[1]->u.i, 5);
    p2p_marshal_free(&r.doc);
    OK('{', 'z', 1, 'k', 'i', 1, 0, 0, 0, 'z', 1, 'j', '{', '0', '0');
    assert_int_equal(v->type, P2P_M_DICT);
    assert_int_equal(v->len, 2);
    assert_true(str_is(v->u.items[0], "k"));
    assert_int_equal(v->u.items[1]->u.i, 1);
    assert_true(str_is(v->u.items[2], "j"));
    assert_int_equal(v->u.items[3]->type, P2P_M_DICT);
    assert_int_equal(v->u.items[3]->len, 0);
    p2p_marshal_free(&r.doc);
    /* a '0' where a value is due ends the dict and drops the key (CPython) */
    OK('{', 'N', 'N', 'z', 1, 'k', '0');
    assert_int_equal(v->len, 1);
    p2p_marshal_free(&r.doc);
    /* trailing bytes are not read */
    OK('N', 'x', 'y');
    assert_int_equal(r.doc.end, 1);
    p2p_marshal_free(&r.doc);

    BAD(P2P_EFORMAT, '0');
    BAD(P2P_EFORMAT, ')', 1, '0');
    BAD(P2P_ETRUNCATED, '(', 0xff, 0xff, 0xff, 0x7f, 'N');
    assert_string_equal(r.d.msg, "tuple length 2147483647 runs past the end of the file (1 bytes left)");
    BAD(P2P_ETRUNCATED, ')', 3, 'N', 'N');
    BAD(P2P_EFORMAT, '[', 0xff, 0xff, 0xff, 0xff);
    BAD(P2P_ETRUNCATED, '{', 'N', 'N');
    BAD(P2P_ETRUNCATED, '{', 'N');
    BAD(P2P_ETRUNCATED, ':', 'N', 'N');
}

static void bad_type_codes(void **state)
{
    (void)state;
    result r;
    BAD(P2P_EFORMAT, 0x9c);
    assert_string_equal(r.d.msg, "expected a marshal type code, found byte 0x9c");
    BAD(P2P_EFORMAT, ')', 2, 'N', '?');
    assert_int_equal(r.d.offset, 3);
    r = decode("", 0);
    assert_int_equal(r.rc, P2P_ETRUNCATED);
    assert_int_equal(r.d.offset, 0);
}

/* ---- references ------------------------------------------------------------ */

static void flag_ref(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    /* tuple (ref 0), then its items: "ab" (ref 1), then r1 and r0's ... */
    OK(0x80 | ')', 3, 0x80 | 'z', 2, 'a', 'b', 'r', 1, 0, 0, 0, 0x80 | 'i', 7, 0, 0, 0);
    assert_int_equal(v->len, 3);
    assert_ptr_equal(v->u.items[0], v->u.items[1]);
    assert_int_equal(v->u.items[2]->u.i, 7);
    assert_int_equal(r.doc.nrefs, 3);
    p2p_marshal_free(&r.doc);
    /* pre-order: the outer list takes slot 0 before its inner tuple (slot 1)
     * and the string (slot 2) */
    OK(0x80 | '[', 3, 0, 0, 0, 0x80 | ')', 1, 0x80 | 'z', 1, 'q', 'r', 2, 0, 0, 0, 'r', 1, 0, 0, 0);
    assert_int_equal(v->type, P2P_M_LIST);
    assert_true(str_is(v->u.items[1], "q"));
    assert_ptr_equal(v->u.items[2], v->u.items[0]);
    assert_ptr_equal(v->u.items[1], v->u.items[0]->u.items[0]);
    p2p_marshal_free(&r.doc);
    /* the reference table of dicts, sets and code objects */
    OK(')', 2, 0x80 | '{', 'z', 1, 'k', 0x80 | '<', 0, 0, 0, 0, '0', 'r', 1, 0, 0, 0);
    assert_ptr_equal(v->u.items[1], v->u.items[0]->u.items[1]);
    p2p_marshal_free(&r.doc);

    /* out of range, negative, and a container that refers to itself */
    BAD(P2P_EFORMAT, ')', 2, 0x80 | 'N', 'r', 0, 0, 0, 0);
    BAD(P2P_EFORMAT, 'r', 0xff, 0xff, 0xff, 0xff);
    BAD(P2P_EFORMAT, 0x80 | ')', 1, 'r', 0, 0, 0, 0);
    assert_non_null(strstr(r.d.msg, "still being read"));
    BAD(P2P_EFORMAT, 0x80 | '{', 'N', 'r', 0, 0, 0, 0, '0');
    BAD(P2P_ETRUNCATED, 0x80 | ')', 1, 'r', 0, 0);
}

static void py2_string_refs(void **state)
{
    (void)state;
    result r;
    const p2p_mval *v;
    /* Python 2: 't' strings are numbered for 'R' (no FLAG_REF) */
    OK('(', 3, 0, 0, 0, 't', 2, 0, 0, 0, 'a', 'b', 't', 1, 0, 0, 0, 'c', 'R', 0, 0, 0, 0);
    assert_ptr_equal(v->u.items[2], v->u.items[0]);
    assert_true(str_is(v->u.items[1], "c"));
    p2p_marshal_free(&r.doc);
    /* 's' strings are not numbered */
    BAD(P2P_EFORMAT, '(', 2, 0, 0, 0, 's', 1, 0, 0, 0, 'a', 'R', 0, 0, 0, 0);
    assert_non_null(strstr(r.d.msg, "string reference 0"));
    BAD(P2P_EFORMAT, '(', 2, 0, 0, 0, 't', 1, 0, 0, 0, 'a', 'R', 1, 0, 0, 0);
}

static void depth_limit(void **state)
{
    (void)state;
    unsigned char buf[2 * P2P_MARSHAL_MAX_DEPTH + 3];
    size_t n = 0;
    for (int i = 0; i < P2P_MARSHAL_MAX_DEPTH; i++) {
        buf[n++] = ')';
        buf[n++] = 1;
    }
    buf[n++] = 'N';
    result r = decode(buf, n);
    assert_int_equal(r.rc, 0);
    p2p_marshal_free(&r.doc);
    /* one level more */
    memmove(buf + 2, buf, n);
    buf[0] = ')';
    buf[1] = 1;
    r = decode(buf, n + 2);
    assert_int_equal(r.rc, P2P_ELIMIT);
}

/* ---- code objects ------------------------------------------------------------ */

/* A 3.11+ code object, by hand: 5 ints, then code consts names
 * localsplusnames localspluskinds filename name qualname, firstlineno,
 * linetable exceptiontable. */
static const unsigned char code311[] = {
    'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
    's', 2, 0, 0, 0, 0x97, 0x00,     /* co_code */
    ')', 1, 'N',                     /* co_consts */
    ')', 0,                          /* co_names */
    ')', 0,                          /* co_localsplusnames */
    's', 0, 0, 0, 0,                 /* co_localspluskinds */
    'z', 4, 'f', '.', 'p', 'y',      /* co_filename */
    'z', 1, 'g',                     /* co_name */
    'z', 3, 'q', '.', 'g',           /* co_qualname */
    42, 0, 0, 0,                     /* co_firstlineno */
    's', 0, 0, 0, 0,                 /* co_linetable */
    's', 0, 0, 0, 0,                 /* co_exceptiontable */
};

static void code_by_hand(void **state)
{
    (void)state;
    result r = decode(code311, sizeof code311);
    assert_int_equal(r.rc, 0);
    const p2p_mval *v = r.doc.root;
    assert_int_equal(v->type, P2P_M_CODE);
    assert_int_equal(r.doc.layout, P2P_ML_PY311);
    const p2p_mcode *c = v->u.code;
    assert_int_equal(c->ints[P2P_MC_FIRSTLINENO], 42);
    assert_int_equal(c->ints[P2P_MC_STACKSIZE], 1);
    assert_true(str_is(c->objs[P2P_MC_NAME], "g"));
    assert_true(str_is(c->objs[P2P_MC_QUALNAME], "q.g"));
    assert_true(str_is(c->objs[P2P_MC_FILENAME], "f.py"));
    assert_int_equal(c->objs[P2P_MC_CONSTS]->len, 1);
    assert_int_equal(r.doc.end, sizeof code311);
    p2p_marshal_free(&r.doc);

    /* the other layouts cannot read it */
    for (int l = P2P_ML_PY27; l < P2P_ML_PY311; l++) {
        r = decode_layout(code311, sizeof code311, (p2p_mlayout)l);
        assert_int_not_equal(r.rc, 0);
    }
    r = decode_layout(code311, sizeof code311, P2P_ML_PY311);
    assert_int_equal(r.rc, 0);
    p2p_marshal_free(&r.doc);

    /* a field of the wrong type: co_names as an empty str */
    unsigned char bad[sizeof code311];
    memcpy(bad, code311, sizeof bad);
    assert_int_equal(bad[31], ')');
    bad[31] = 'z';
    r = decode_layout(bad, sizeof bad, P2P_ML_PY311);
    assert_int_equal(r.rc, P2P_EFORMAT);
    assert_string_equal(r.d.msg, "code object field co_names: found a str");
    assert_int_equal(r.d.offset, 31);
    r = decode(bad, sizeof bad);
    assert_int_equal(r.rc, P2P_EFORMAT);
}

/* The key ('profile', 0, <code object>) of a profile-module file. */
static const p2p_mcode *find_code_key(const p2p_mval *root)
{
    assert_int_equal(root->type, P2P_M_DICT);
    for (uint32_t i = 0; i < root->len; i++) {
        const p2p_mval *k = root->u.items[2 * i];
        if (k->type == P2P_M_TUPLE && k->len == 3 && k->u.items[2]->type == P2P_M_CODE)
            return k->u.items[2]->u.code;
    }
    return NULL;
}

static void code_objects_of_every_version(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        p2p_mlayout layout;
    } versions[] = {{"2.7", P2P_ML_PY27},  {"3.6", P2P_ML_PY30},  {"3.7", P2P_ML_PY30},
                    {"3.8", P2P_ML_PY38},  {"3.9", P2P_ML_PY38},  {"3.10", P2P_ML_PY38},
                    {"3.11", P2P_ML_PY311}, {"3.12", P2P_ML_PY311}, {"3.13", P2P_ML_PY311}};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, DATA "work-%s-profile.pstats", versions[i].v);
        size_t n;
        unsigned char *buf = slurp(path, &n);
        result r = decode(buf, n);
        if (r.rc)
            fail_msg("%s: %s", path, r.d.msg);
        assert_int_equal(r.doc.layout, versions[i].layout);
        assert_int_equal(r.doc.end, n);
        const p2p_mcode *c = find_code_key(r.doc.root);
        assert_non_null(c);
        assert_int_equal(c->layout, versions[i].layout);
        assert_true(str_is(c->objs[P2P_MC_NAME], "<module>"));
        assert_true(str_is(c->objs[P2P_MC_FILENAME], "pstats_workload.py"));
        assert_true(c->ints[P2P_MC_FIRSTLINENO] >= 1);
        assert_true(c->objs[P2P_MC_CONSTS]->len > 0);
        if (versions[i].layout == P2P_ML_PY311)
            assert_true(str_is(c->objs[P2P_MC_QUALNAME], "<module>"));
        p2p_marshal_free(&r.doc);
        /* forcing the right layout works too */
        r = decode_layout(buf, n, versions[i].layout);
        assert_int_equal(r.rc, 0);
        p2p_marshal_free(&r.doc);
        free(buf);
    }
}

/* ---- robustness ------------------------------------------------------------ */

static void truncate_everywhere(const char *name, bool has_code)
{
    size_t n;
    unsigned char *buf = slurp(name, &n);
    result r = decode(buf, n);
    assert_int_equal(r.rc, 0);
    p2p_marshal_free(&r.doc);
    for (size_t len = 0; len < n; len++) {
        /* a copy of exactly len bytes, so that ASan sees any overread */
        unsigned char *cut = malloc(len ? len : 1);
        assert_non_null(cut);
        memcpy(cut, buf, len);
        r = decode(cut, len);
        if (has_code)
            assert_true(r.rc == P2P_ETRUNCATED || r.rc == P2P_EFORMAT);
        else
            assert_int_equal(r.rc, P2P_ETRUNCATED);
        assert_null(r.doc.root);
        assert_true(r.d.offset >= 0 && (size_t)r.d.offset <= len);
        free(cut);
    }
    free(buf);
}

static void truncation_at_every_offset(void **state)
{
    (void)state;
    truncate_everywhere(DATA "work-3.11-cProfile.pstats", false);
    truncate_everywhere(DATA "work-2.7-cProfile.pstats", false);
    truncate_everywhere(DATA "work-3.11-profile.pstats", true);
    truncate_everywhere(DATA "work-3.8-profile.pstats", true);
    truncate_everywhere(DATA "work-2.7-profile.pstats", true);
    /* the hand-made code object too */
    for (size_t len = 0; len < sizeof code311; len++) {
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, code311, len);
        result r = decode(cut, len);
        assert_int_not_equal(r.rc, 0);
        free(cut);
    }
}

/* Every single-bit flip of a file decodes or fails cleanly; what decodes is
 * walked in full (a DAG walk with an explicit stack) to touch every node. */
static void walk(const p2p_mval *root)
{
    size_t cap = 1024, n = 0, visited = 0;
    const p2p_mval **stack = malloc(cap * sizeof *stack);
    stack[n++] = root;
    while (n && visited < 1000000) {
        const p2p_mval *v = stack[--n];
        visited++;
        size_t k = 0;
        const p2p_mval *const *items = NULL;
        switch (v->type) {
        case P2P_M_TUPLE:
        case P2P_M_LIST:
        case P2P_M_SET:
        case P2P_M_FROZENSET:
        case P2P_M_SLICE:
            k = v->len;
            items = (const p2p_mval *const *)v->u.items;
            break;
        case P2P_M_DICT:
            k = 2 * (size_t)v->len;
            items = (const p2p_mval *const *)v->u.items;
            break;
        case P2P_M_CODE:
            k = P2P_MC_NOBJS;
            items = (const p2p_mval *const *)v->u.code->objs;
            break;
        case P2P_M_STR:
        case P2P_M_BYTES: {
            volatile unsigned char sum = 0;
            for (uint32_t i = 0; i < v->len; i++)
                sum ^= (unsigned char)v->u.s[i];
            (void)sum;
            break;
        }
        default:
            break;
        }
        for (size_t i = 0; i < k; i++) {
            if (!items[i])
                continue;
            if (n == cap) {
                cap *= 2;
                stack = realloc(stack, cap * sizeof *stack);
            }
            stack[n++] = items[i];
        }
    }
    free(stack);
}

static void flip_all_bits(const char *name)
{
    size_t n;
    unsigned char *buf = slurp(name, &n);
    unsigned char *copy = malloc(n);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, buf, n);
            copy[i] ^= (unsigned char)(1u << bit);
            result r = decode(copy, n);
            if (r.rc == 0) {
                walk(r.doc.root);
                p2p_marshal_free(&r.doc);
            } else {
                assert_null(r.doc.root);
                assert_true(r.d.offset >= -1 && r.d.offset <= (int64_t)n);
                assert_true(r.d.msg[0] != '\0');
            }
        }
    }
    free(copy);
    free(buf);
}

static void bit_flips(void **state)
{
    (void)state;
    flip_all_bits(DATA "work-3.11-cProfile.pstats");
    flip_all_bits(DATA "work-2.7-cProfile.pstats");
    flip_all_bits(DATA "work-3.13-profile.pstats");
    flip_all_bits(DATA "work-3.7-profile.pstats");
}

static void names_of_types(void **state)
{
    (void)state;
    assert_string_equal(p2p_marshal_type_name(P2P_M_DICT), "a dict");
    assert_string_equal(p2p_marshal_type_name(P2P_M_TUPLE), "a tuple");
    assert_string_equal(p2p_marshal_type_name(-1), "an unknown object");
    assert_int_equal(p2p_marshal_type_of_byte('{'), P2P_M_DICT);
    assert_int_equal(p2p_marshal_type_of_byte(0x80 | '{'), P2P_M_DICT);
    assert_int_equal(p2p_marshal_type_of_byte(')'), P2P_M_TUPLE);
    assert_int_equal(p2p_marshal_type_of_byte('r'), -1);
    assert_int_equal(p2p_marshal_type_of_byte('H'), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(singletons),
        cmocka_unit_test(ints),
        cmocka_unit_test(long_ints),
        cmocka_unit_test(floats),
        cmocka_unit_test(strings),
        cmocka_unit_test(containers),
        cmocka_unit_test(bad_type_codes),
        cmocka_unit_test(flag_ref),
        cmocka_unit_test(py2_string_refs),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(code_by_hand),
        cmocka_unit_test(code_objects_of_every_version),
        cmocka_unit_test(truncation_at_every_offset),
        cmocka_unit_test(bit_flips),
        cmocka_unit_test(names_of_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
