/* CPython marshal decoder (see marshal.h).
 *
 * The format, as CPython 2.7 and 3.4-3.13 read it (Python/marshal.c):
 * every object starts with a type byte; bit 0x80 (FLAG_REF) asks the reader
 * to append the object to a reference table that `r` + int32 index reads
 * back.  Containers take their table slot before their items are read, so
 * numbering is pre-order.  Python 2 has no FLAG_REF but keeps a second
 * table of interned strings (`t`) that `R` + int32 index reads back.
 * All integers are little-endian.
 *
 * The decoder keeps its own stack of open containers (no recursion) and a
 * stack of finished values; a container's items sit on the value stack
 * until it closes, then move into one arena array.  Every count and length
 * is checked against the bytes left before anything is allocated, so the
 * memory used is bounded by a small multiple of the input size.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marshal.h"
#include "../util/util.h"

#if defined(__GNUC__) || defined(__clang__)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UNLIKELY(x) (x)
#endif

#define FLAG_REF 0x80
#define MV_PENDING 1u /* a container whose items are still being read */
#define MAX_REFS 0x7ffffffeu
#define SLAB_NODES 512

/* ---- code-object layouts ------------------------------------------------
 * A layout is a script of fields in file order: int32 fields (values below
 * OBJ) and object fields (OBJ + P2P_MC_*), ended by END. */
enum { OBJ = 32, END = 255 };

static const uint8_t script_py27[] = {
    P2P_MC_ARGCOUNT, P2P_MC_NLOCALS, P2P_MC_STACKSIZE, P2P_MC_FLAGS,
    OBJ + P2P_MC_CODE, OBJ + P2P_MC_CONSTS, OBJ + P2P_MC_NAMES, OBJ + P2P_MC_VARNAMES,
    OBJ + P2P_MC_FREEVARS, OBJ + P2P_MC_CELLVARS, OBJ + P2P_MC_FILENAME, OBJ + P2P_MC_NAME,
    P2P_MC_FIRSTLINENO, OBJ + P2P_MC_LINETABLE, END};
static const uint8_t script_py30[] = {
    P2P_MC_ARGCOUNT, P2P_MC_KWONLYARGCOUNT, P2P_MC_NLOCALS, P2P_MC_STACKSIZE, P2P_MC_FLAGS,
    OBJ + P2P_MC_CODE, OBJ + P2P_MC_CONSTS, OBJ + P2P_MC_NAMES, OBJ + P2P_MC_VARNAMES,
    OBJ + P2P_MC_FREEVARS, OBJ + P2P_MC_CELLVARS, OBJ + P2P_MC_FILENAME, OBJ + P2P_MC_NAME,
    P2P_MC_FIRSTLINENO, OBJ + P2P_MC_LINETABLE, END};
static const uint8_t script_py38[] = {
    P2P_MC_ARGCOUNT, P2P_MC_POSONLYARGCOUNT, P2P_MC_KWONLYARGCOUNT, P2P_MC_NLOCALS,
    P2P_MC_STACKSIZE, P2P_MC_FLAGS,
    OBJ + P2P_MC_CODE, OBJ + P2P_MC_CONSTS, OBJ + P2P_MC_NAMES, OBJ + P2P_MC_VARNAMES,
    OBJ + P2P_MC_FREEVARS, OBJ + P2P_MC_CELLVARS, OBJ + P2P_MC_FILENAME, OBJ + P2P_MC_NAME,
    P2P_MC_FIRSTLINENO, OBJ + P2P_MC_LINETABLE, END};
static const uint8_t script_py311[] = {
    P2P_MC_ARGCOUNT, P2P_MC_POSONLYARGCOUNT, P2P_MC_KWONLYARGCOUNT, P2P_MC_STACKSIZE,
    P2P_MC_FLAGS,
    OBJ + P2P_MC_CODE, OBJ + P2P_MC_CONSTS, OBJ + P2P_MC_NAMES, OBJ + P2P_MC_VARNAMES,
    OBJ + P2P_MC_LOCALSPLUSKINDS, OBJ + P2P_MC_FILENAME, OBJ + P2P_MC_NAME,
    OBJ + P2P_MC_QUALNAME, P2P_MC_FIRSTLINENO, OBJ + P2P_MC_LINETABLE,
    OBJ + P2P_MC_EXCEPTIONTABLE, END};

static const uint8_t *const scripts[P2P_ML_COUNT] = {
    NULL, script_py27, script_py30, script_py38, script_py311};

static const char *const obj_field_names[P2P_MC_NOBJS] = {
    "co_code", "co_consts", "co_names", "co_varnames", "co_freevars", "co_cellvars",
    "co_localspluskinds", "co_filename", "co_name", "co_qualname", "co_linetable",
    "co_exceptiontable"};

/* Does a value of type t fit object field f?  The checks are what lets
 * P2P_ML_AUTO tell the layouts apart: a wrong layout soon finds a tuple
 * where it wants bytes or the reverse. */
static bool field_accepts(int f, int t)
{
    switch (f) {
    case P2P_MC_CONSTS:
    case P2P_MC_NAMES:
    case P2P_MC_VARNAMES:
    case P2P_MC_FREEVARS:
    case P2P_MC_CELLVARS:
        return t == P2P_M_TUPLE;
    default:
        /* bytes fields too: Python 2 may write a shared (interned) string */
        return t == P2P_M_STR || t == P2P_M_BYTES;
    }
}

/* ---- decoder state -------------------------------------------------------- */
typedef struct frame {
    p2p_mval *node;
    uint32_t base;      /* value-stack index of the first item */
    uint32_t remaining; /* items still to come (sized containers) */
    uint32_t step;      /* dict: 1 when a value is due; code: script index */
} frame;

typedef struct dec {
    const unsigned char *data;
    size_t size, pos;
    p2p_arena *arena;
    p2p_mlayout layout; /* AUTO until the first code object decides */
    bool saw_code;
    p2p_mval **refs;
    size_t nrefs, caprefs;
    p2p_mval **interned;
    size_t ninterned, capinterned;
    p2p_mval **vals;
    size_t nvals, capvals;
    p2p_mval *slab;
    size_t slab_left;
    int depth;
    p2p_diag *d;
    frame frames[P2P_MARSHAL_MAX_DEPTH];
} dec;

static int fail(dec *s, int code, size_t off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(dec *s, int code, size_t off, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return p2p_diag_set(s->d, code, 0, (int64_t)off, "%s", msg);
}

static int nomem(dec *s)
{
    return fail(s, P2P_ENOMEM, s->pos, "out of memory decoding marshal data");
}

static size_t left(const dec *s)
{
    return s->size - s->pos;
}

static uint32_t rd_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd_u64(const unsigned char *p)
{
    return (uint64_t)rd_u32(p) | (uint64_t)rd_u32(p + 4) << 32;
}

static double rd_f64(const unsigned char *p)
{
    uint64_t u = rd_u64(p);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Read a signed int32 that is part of the object starting at `start`. */
static inline int get_i32(dec *s, size_t start, const char *what, int32_t *out)
{
    if (UNLIKELY(left(s) < 4))
        return fail(s, P2P_ETRUNCATED, start, "the file ends inside %s (%zu bytes left, 4 needed)", what,
                    left(s));
    *out = (int32_t)rd_u32(s->data + s->pos);
    s->pos += 4;
    return 0;
}

/* A length or count: an int32 that must be >= 0 and, as `unit`-byte items,
 * fit in the bytes left. */
static int get_count(dec *s, size_t start, const char *what, size_t unit, uint32_t *out)
{
    int32_t n = 0;
    int rc = get_i32(s, start, what, &n);
    if (rc)
        return rc;
    if (n < 0)
        return fail(s, P2P_EFORMAT, start, "%s length %ld is negative", what, (long)n);
    if ((uint64_t)n * unit > left(s))
        return fail(s, P2P_ETRUNCATED, start, "%s length %ld runs past the end of the file (%zu bytes left)",
                    what, (long)n, left(s));
    *out = (uint32_t)n;
    return 0;
}

static inline p2p_mval *new_node(dec *s, int type, int code, size_t off)
{
    if (!s->slab_left) {
        s->slab = p2p_arena_alloc(s->arena, SLAB_NODES * sizeof(p2p_mval));
        if (!s->slab)
            return NULL;
        s->slab_left = SLAB_NODES;
    }
    p2p_mval *v = s->slab++;
    s->slab_left--;
    v->type = (uint8_t)type;
    v->code = (uint8_t)code;
    v->flags = 0;
    v->len = 0;
    v->off = (uint32_t)off;
    v->aux = 0;
    v->u.i = 0;
    return v;
}

/* Append v to a growable array of node pointers. */
static int append(p2p_mval ***arr, size_t *n, size_t *cap, p2p_mval *v)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        if (c > SIZE_MAX / sizeof **arr)
            return -1;
        p2p_mval **p = realloc(*arr, c * sizeof **arr);
        if (!p)
            return -1;
        *arr = p;
        *cap = c;
    }
    (*arr)[(*n)++] = v;
    return 0;
}

static int add_ref(dec *s, p2p_mval *v, size_t start)
{
    if (s->nrefs >= MAX_REFS)
        return fail(s, P2P_ELIMIT, start, "more than %u back-referenced objects", MAX_REFS);
    return append(&s->refs, &s->nrefs, &s->caprefs, v) < 0 ? nomem(s) : 0;
}

static int push_val(dec *s, p2p_mval *v)
{
    if (UNLIKELY(s->nvals == s->capvals))
        return append(&s->vals, &s->nvals, &s->capvals, v) < 0 ? nomem(s) : 0;
    s->vals[s->nvals++] = v;
    return 0;
}

/* ---- scalars ---------------------------------------------------------------- */

/* 'f' / 'x': a 1-byte length, then that many ASCII characters. */
static int get_text_float(dec *s, size_t start, double *out)
{
    if (left(s) < 1)
        return fail(s, P2P_ETRUNCATED, start, "the file ends inside a text float");
    size_t n = s->data[s->pos++];
    if (n > left(s))
        return fail(s, P2P_ETRUNCATED, start, "text float length %zu runs past the end of the file (%zu bytes left)",
                    n, left(s));
    char buf[257];
    memcpy(buf, s->data + s->pos, n);
    buf[n] = '\0';
    char *end = NULL;
    *out = strtod(buf, &end);
    if (n == 0 || end != buf + n)
        return fail(s, P2P_EFORMAT, start, "bad text float \"%.40s\"", buf);
    s->pos += n;
    return 0;
}

/* 'l': int32 digit count n (its sign is the number's), then |n| 15-bit digits
 * as uint16, least significant first. */
static int get_long(dec *s, size_t start, p2p_mval *v)
{
    int32_t n = 0;
    int rc = get_i32(s, start, "a long int", &n);
    if (rc)
        return rc;
    if (n == INT32_MIN)
        return fail(s, P2P_EFORMAT, start, "long int size %ld out of range", (long)n);
    uint32_t nd = (uint32_t)(n < 0 ? -n : n);
    if ((uint64_t)nd * 2 > left(s))
        return fail(s, P2P_ETRUNCATED, start, "long int of %lu digits runs past the end of the file (%zu bytes left)",
                    (unsigned long)nd, left(s));
    const unsigned char *p = s->data + s->pos;
    uint64_t mag = 0;
    double f = 0.0;
    bool big = false;
    for (uint32_t k = nd; k-- > 0;) {
        unsigned dig = (unsigned)p[2 * k] | (unsigned)p[2 * k + 1] << 8;
        if (dig > 0x7fff)
            return fail(s, P2P_EFORMAT, s->pos + 2 * k, "long int digit 0x%04x out of range", dig);
        if (dig == 0 && k == nd - 1)
            return fail(s, P2P_EFORMAT, s->pos + 2 * k, "long int has a zero top digit (unnormalised)");
        if (!big && mag <= (UINT64_MAX >> 15)) {
            mag = mag << 15 | dig;
        } else {
            if (!big)
                f = (double)mag;
            big = true;
            f = f * 32768.0 + dig;
        }
    }
    s->pos += (size_t)nd * 2;
    if (!big && n >= 0 && mag <= (uint64_t)INT64_MAX) {
        v->u.i = (int64_t)mag;
    } else if (!big && n < 0 && mag <= (uint64_t)INT64_MAX + 1) {
        v->u.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    } else {
        if (!big)
            f = (double)mag;
        v->type = P2P_M_BIGINT;
        v->u.f = n < 0 ? -f : f;
    }
    return 0;
}

/* A string of n bytes at the current position.  `latin1`: the bytes are
 * code points (a A z Z), converted to UTF-8 when any is >= 0x80. */
static int get_string(dec *s, uint32_t n, bool latin1, p2p_mval *v)
{
    const unsigned char *p = s->data + s->pos;
    s->pos += n;
    v->u.s = (const char *)p;
    v->len = n;
    if (!latin1)
        return 0;
    uint32_t high = 0;
    for (uint32_t k = 0; k < n; k++)
        high += p[k] >> 7;
    if (!high)
        return 0;
    unsigned char *q = p2p_arena_alloc(s->arena, (size_t)n + high);
    if (!q)
        return nomem(s);
    size_t j = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (p[k] < 0x80) {
            q[j++] = p[k];
        } else {
            q[j++] = (unsigned char)(0xc0 | p[k] >> 6);
            q[j++] = (unsigned char)(0x80 | (p[k] & 0x3f));
        }
    }
    v->u.s = (const char *)q;
    v->len = (uint32_t)j;
    return 0;
}

/* ---- containers ---------------------------------------------------------- */

static int open_frame(dec *s, p2p_mval *v, uint32_t remaining, size_t start)
{
    if (s->depth >= P2P_MARSHAL_MAX_DEPTH)
        return fail(s, P2P_ELIMIT, start, "objects nested deeper than %d levels", P2P_MARSHAL_MAX_DEPTH);
    frame *f = &s->frames[s->depth++];
    f->node = v;
    f->base = (uint32_t)s->nvals;
    f->remaining = remaining;
    f->step = 0;
    v->flags |= MV_PENDING;
    return 0;
}

/* Close the top (non-code) frame: its items move into an arena array. */
static p2p_mval *close_frame(dec *s)
{
    frame *f = &s->frames[--s->depth];
    p2p_mval *v = f->node;
    size_t n = s->nvals - f->base;
    if (n) {
        p2p_mval **items = p2p_arena_alloc(s->arena, n * sizeof *items);
        if (!items)
            return NULL;
        memcpy(items, s->vals + f->base, n * sizeof *items);
        v->u.items = items;
    }
    s->nvals = f->base;
    v->len = (uint32_t)(v->type == P2P_M_DICT ? n / 2 : n);
    v->flags &= ~MV_PENDING;
    return v;
}

/* Read the int32 fields of the code frame f up to its next object field.
 * Returns 0 and sets *done when the script has ended. */
static int code_ints(dec *s, frame *f, bool *done)
{
    p2p_mcode *c = f->node->u.code;
    const uint8_t *script = scripts[c->layout];
    while (script[f->step] < OBJ) {
        int32_t x = 0;
        int rc = get_i32(s, f->node->off, "a code object", &x);
        if (rc)
            return rc;
        c->ints[script[f->step]] = x;
        f->step++;
    }
    *done = script[f->step] == END;
    return 0;
}

static bool is_bytes_code(unsigned char b)
{
    return (b & 0x7f) == 's';
}

/* The layout of the code object whose fields start at q, from its bytes:
 * the int32 fields must be followed by the bytecode (`s`, a length that
 * fits) and then by the consts tuple.  3.0-3.7 and 3.11+ both have five
 * ints; 3.11+ is tried first and the decode retries when it was wrong. */
static p2p_mlayout guess_layout(const dec *s, size_t q)
{
    static const p2p_mlayout order[] = {P2P_ML_PY311, P2P_ML_PY38, P2P_ML_PY27};
    static const unsigned nints[] = {5, 6, 4};
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        size_t p = q + 4 * (size_t)nints[k];
        if (p >= s->size || s->size - p < 5 || !is_bytes_code(s->data[p]))
            continue;
        uint32_t n = rd_u32(s->data + p + 1);
        if (n > s->size - p - 5 || n == s->size - p - 5)
            continue;
        unsigned char c = s->data[p + 5 + n] & 0x7f;
        if (c == '(' || c == ')' || c == 'r')
            return order[k];
    }
    return P2P_ML_PY311;
}

/* ---- the decode loop --------------------------------------------------- */

static int decode_once(dec *s, p2p_mval **root)
{
    for (;;) {
        size_t start = s->pos;
        if (s->pos >= s->size)
            return fail(s, P2P_ETRUNCATED, start,
                        s->depth ? "the file ends inside a container, where its next object was expected"
                                 : "the file ends where a marshal object was expected");
        unsigned char b = s->data[s->pos++];
        bool flag = (b & FLAG_REF) != 0;
        int t = b & 0x7f;
        p2p_mval *v = NULL;
        int rc = 0;
        uint32_t n = 0;

        switch (t) {
        case '0': {
            frame *f = s->depth ? &s->frames[s->depth - 1] : NULL;
            if (!f || f->node->type != P2P_M_DICT)
                return fail(s, P2P_EFORMAT, start,
                            "found the end-of-dict marker '0' (byte 0x%02x) where an object was expected", b);
            /* CPython: a '0' in place of a value ends the dict too, and
             * drops the key read before it */
            if (f->step)
                s->nvals--;
            v = close_frame(s);
            if (!v)
                return nomem(s);
            flag = false;
            break;
        }
        case 'N':
        case 'T':
        case 'F':
        case '.':
        case 'S':
            /* CPython never registers these singletons, FLAG_REF or not */
            v = new_node(s, t == 'N' ? P2P_M_NONE : t == '.' ? P2P_M_ELLIPSIS : t == 'S' ? P2P_M_STOPITER : P2P_M_BOOL,
                         t, start);
            if (!v)
                return nomem(s);
            v->u.i = t == 'T';
            flag = false;
            break;
        case 'i': {
            int32_t x = 0;
            if ((rc = get_i32(s, start, "an int", &x)))
                return rc;
            if (!(v = new_node(s, P2P_M_INT, t, start)))
                return nomem(s);
            v->u.i = x;
            break;
        }
        case 'I':
            if (left(s) < 8)
                return fail(s, P2P_ETRUNCATED, start, "the file ends inside a 64-bit int (%zu bytes left, 8 needed)",
                            left(s));
            if (!(v = new_node(s, P2P_M_INT, t, start)))
                return nomem(s);
            v->u.i = (int64_t)rd_u64(s->data + s->pos);
            s->pos += 8;
            break;
        case 'l':
            if (!(v = new_node(s, P2P_M_INT, t, start)))
                return nomem(s);
            if ((rc = get_long(s, start, v)))
                return rc;
            break;
        case 'g':
            if (left(s) < 8)
                return fail(s, P2P_ETRUNCATED, start, "the file ends inside a float (%zu bytes left, 8 needed)",
                            left(s));
            if (!(v = new_node(s, P2P_M_FLOAT, t, start)))
                return nomem(s);
            v->u.f = rd_f64(s->data + s->pos);
            s->pos += 8;
            break;
        case 'f':
            if (!(v = new_node(s, P2P_M_FLOAT, t, start)))
                return nomem(s);
            if ((rc = get_text_float(s, start, &v->u.f)))
                return rc;
            break;
        case 'y':
        case 'x': {
            double *c = p2p_arena_alloc(s->arena, 2 * sizeof *c);
            if (!c || !(v = new_node(s, P2P_M_COMPLEX, t, start)))
                return nomem(s);
            if (t == 'y') {
                if (left(s) < 16)
                    return fail(s, P2P_ETRUNCATED, start,
                                "the file ends inside a complex (%zu bytes left, 16 needed)", left(s));
                c[0] = rd_f64(s->data + s->pos);
                c[1] = rd_f64(s->data + s->pos + 8);
                s->pos += 16;
            } else if ((rc = get_text_float(s, start, &c[0])) || (rc = get_text_float(s, start, &c[1]))) {
                return rc;
            }
            v->u.cplx = c;
            break;
        }
        case 'z':
        case 'Z':
            if (left(s) < 1)
                return fail(s, P2P_ETRUNCATED, start, "the file ends inside a string");
            n = s->data[s->pos++];
            if (n > left(s))
                return fail(s, P2P_ETRUNCATED, start,
                            "string length %lu runs past the end of the file (%zu bytes left)", (unsigned long)n,
                            left(s));
            if (!(v = new_node(s, P2P_M_STR, t, start)))
                return nomem(s);
            if ((rc = get_string(s, n, true, v)))
                return rc;
            break;
        case 'a':
        case 'A':
        case 'u':
        case 't':
        case 's':
            if ((rc = get_count(s, start, t == 's' ? "bytes" : "string", 1, &n)))
                return rc;
            if (!(v = new_node(s, t == 's' ? P2P_M_BYTES : P2P_M_STR, t, start)))
                return nomem(s);
            if ((rc = get_string(s, n, t == 'a' || t == 'A', v)))
                return rc;
            if (t == 't' && !flag) {
                /* Python 2: interned strings are numbered for 'R' */
                if (append(&s->interned, &s->ninterned, &s->capinterned, v) < 0)
                    return nomem(s);
            }
            break;
        case 'R':
        case 'r': {
            int32_t k = 0;
            if ((rc = get_i32(s, start, "a reference", &k)))
                return rc;
            p2p_mval **table = t == 'r' ? s->refs : s->interned;
            size_t count = t == 'r' ? s->nrefs : s->ninterned;
            if (k < 0 || (size_t)k >= count)
                return fail(s, P2P_EFORMAT, start, "%s %ld points outside the %zu objects read so far",
                            t == 'r' ? "reference" : "string reference", (long)k, count);
            v = table[k];
            if (v->flags & MV_PENDING)
                return fail(s, P2P_EFORMAT, start, "reference %ld points to a container that is still being read",
                            (long)k);
            flag = false;
            break;
        }
        case ')':
        case '(':
        case '[':
        case '<':
        case '>': {
            if (t == ')') {
                if (left(s) < 1)
                    return fail(s, P2P_ETRUNCATED, start, "the file ends inside a tuple");
                n = s->data[s->pos++];
                if (n > left(s))
                    return fail(s, P2P_ETRUNCATED, start,
                                "tuple of %lu items runs past the end of the file (%zu bytes left)",
                                (unsigned long)n, left(s));
            } else {
                const char *what = t == '(' ? "tuple" : t == '[' ? "list" : "set";
                if ((rc = get_count(s, start, what, 1, &n)))
                    return rc;
            }
            int type = t == ')' || t == '(' ? P2P_M_TUPLE : t == '[' ? P2P_M_LIST : t == '<' ? P2P_M_SET : P2P_M_FROZENSET;
            if (!(v = new_node(s, type, t, start)))
                return nomem(s);
            if (flag && (rc = add_ref(s, v, start)))
                return rc;
            flag = false;
            if (n == 0)
                break; /* complete already */
            if ((rc = open_frame(s, v, n, start)))
                return rc;
            v = NULL;
            break;
        }
        case ':': /* slice (Python 3.14): start, stop, step */
        case '{':
            if (!(v = new_node(s, t == '{' ? P2P_M_DICT : P2P_M_SLICE, t, start)))
                return nomem(s);
            if (flag && (rc = add_ref(s, v, start)))
                return rc;
            if ((rc = open_frame(s, v, t == '{' ? 0 : 3, start)))
                return rc;
            v = NULL;
            break;
        case 'c': {
            if (s->layout == P2P_ML_AUTO)
                s->layout = guess_layout(s, s->pos);
            s->saw_code = true;
            p2p_mcode *c = p2p_arena_alloc(s->arena, sizeof *c);
            if (!c || !(v = new_node(s, P2P_M_CODE, t, start)))
                return nomem(s);
            memset(c, 0, sizeof *c);
            c->layout = s->layout;
            v->u.code = c;
            if (flag && (rc = add_ref(s, v, start)))
                return rc;
            if ((rc = open_frame(s, v, 0, start)))
                return rc;
            bool done;
            if ((rc = code_ints(s, &s->frames[s->depth - 1], &done)))
                return rc;
            v = NULL;
            break;
        }
        default:
            return fail(s, P2P_EFORMAT, start, "expected a marshal type code, found byte 0x%02x", b);
        }

        if (v && flag && (rc = add_ref(s, v, start)))
            return rc;

        /* Hand the finished value to its container; closing that container
         * may finish the one above, and so on. */
        while (v) {
            if (s->depth == 0) {
                *root = v;
                return 0;
            }
            frame *f = &s->frames[s->depth - 1];
            p2p_mval *parent = f->node;
            if (parent->type == P2P_M_CODE) {
                p2p_mcode *c = parent->u.code;
                int field = scripts[c->layout][f->step] - OBJ;
                if (!field_accepts(field, v->type))
                    return fail(s, P2P_EFORMAT, v->off, "code object field %s: found %s", obj_field_names[field],
                                p2p_marshal_type_name(v->type));
                c->objs[field] = v;
                f->step++;
                bool done;
                if ((rc = code_ints(s, f, &done)))
                    return rc;
                if (!done)
                    break;
                s->depth--;
                parent->flags &= ~MV_PENDING;
                v = parent;
                continue;
            }
            if ((rc = push_val(s, v)))
                return rc;
            if (parent->type == P2P_M_DICT) {
                f->step ^= 1;
                break;
            }
            if (--f->remaining)
                break;
            v = close_frame(s);
            if (!v)
                return nomem(s);
        }
    }
}

static void reset(dec *s)
{
    p2p_arena_free(s->arena);
    s->arena = NULL;
    s->pos = 0;
    s->nrefs = s->ninterned = s->nvals = 0;
    s->slab = NULL;
    s->slab_left = 0;
    s->depth = 0;
    s->saw_code = false;
}

static int attempt(dec *s, p2p_mlayout layout, p2p_mdoc *doc)
{
    reset(s);
    s->layout = layout;
    s->arena = p2p_arena_new();
    if (!s->arena)
        return nomem(s);
    p2p_mval *root = NULL;
    int rc = decode_once(s, &root);
    if (rc)
        return rc;
    doc->root = root;
    doc->end = s->pos;
    doc->layout = s->saw_code ? s->layout : P2P_ML_AUTO;
    doc->nrefs = s->nrefs;
    doc->arena = s->arena;
    s->arena = NULL;
    return 0;
}

int p2p_marshal_decode(const void *data, size_t size, p2p_mlayout layout, p2p_mdoc *doc, p2p_diag *d)
{
    memset(doc, 0, sizeof *doc);
    if ((unsigned)layout >= P2P_ML_COUNT)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "unknown marshal code layout %d", (int)layout);
    if (size > UINT32_MAX)
        return p2p_diag_set(d, P2P_ELIMIT, 0, -1, "marshal input of %zu bytes is too large (4 GiB at most)", size);
    dec *s = calloc(1, sizeof *s);
    if (!s)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory decoding marshal data");
    s->data = data;
    s->size = size;
    s->d = d;
    int rc = attempt(s, layout, doc);
    if (rc && layout == P2P_ML_AUTO && s->saw_code && rc != P2P_ENOMEM) {
        /* The guess was wrong, or the data is bad.  Try the other layouts
         * quietly; if none works, report the first failure. */
        p2p_mlayout tried = s->layout;
        p2p_diag quiet;
        p2p_diag_init(&quiet, NULL);
        s->d = &quiet;
        static const p2p_mlayout order[] = {P2P_ML_PY311, P2P_ML_PY30, P2P_ML_PY38, P2P_ML_PY27};
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
            if (order[k] == tried)
                continue;
            if (attempt(s, order[k], doc) == 0) {
                rc = 0;
                break;
            }
        }
    }
    reset(s);
    free(s->refs);
    free(s->interned);
    free(s->vals);
    free(s);
    if (rc)
        memset(doc, 0, sizeof *doc);
    return rc;
}

void p2p_marshal_free(p2p_mdoc *doc)
{
    if (!doc)
        return;
    p2p_arena_free(doc->arena);
    memset(doc, 0, sizeof *doc);
}

const char *p2p_marshal_type_name(int type)
{
    static const char *const names[P2P_M_NTYPES] = {
        "None", "a bool", "Ellipsis", "StopIteration", "an int", "a long int", "a float", "a complex",
        "a str", "bytes", "a tuple", "a list", "a set", "a frozenset", "a dict", "a slice", "a code object"};
    if (type < 0 || type >= P2P_M_NTYPES)
        return "an unknown object";
    return names[type];
}

int p2p_marshal_type_of_byte(unsigned char b)
{
    switch (b & 0x7f) {
    case 'N': return P2P_M_NONE;
    case 'T':
    case 'F': return P2P_M_BOOL;
    case '.': return P2P_M_ELLIPSIS;
    case 'S': return P2P_M_STOPITER;
    case 'i':
    case 'I':
    case 'l': return P2P_M_INT;
    case 'g':
    case 'f': return P2P_M_FLOAT;
    case 'y':
    case 'x': return P2P_M_COMPLEX;
    case 'z':
    case 'Z':
    case 'a':
    case 'A':
    case 'u':
    case 't': return P2P_M_STR;
    case 's': return P2P_M_BYTES;
    case '(':
    case ')': return P2P_M_TUPLE;
    case '[': return P2P_M_LIST;
    case '<': return P2P_M_SET;
    case '>': return P2P_M_FROZENSET;
    case '{': return P2P_M_DICT;
    case ':': return P2P_M_SLICE;
    case 'c': return P2P_M_CODE;
    default: return -1;
    }
}

bool p2p_marshal_int64(const p2p_mval *v, int64_t *out)
{
    if (v->type != P2P_M_INT && v->type != P2P_M_BOOL)
        return false;
    *out = v->u.i;
    return true;
}

bool p2p_marshal_number(const p2p_mval *v, double *out)
{
    switch (v->type) {
    case P2P_M_INT:
    case P2P_M_BOOL:
        *out = (double)v->u.i;
        return true;
    case P2P_M_BIGINT:
    case P2P_M_FLOAT:
        *out = v->u.f;
        return true;
    default:
        return false;
    }
}
