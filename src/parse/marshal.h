/* A bounded, non-recursive decoder of CPython's marshal format, as written
 * by Python 2.7 (marshal version 2) and Python 3.4 to 3.13 (version 4), for
 * the pstats reader.  Internal to the library.
 *
 * The decoded value is a tree of p2p_mval nodes in an arena owned by a
 * p2p_mdoc.  Back-references (FLAG_REF / `r`, Python 2's `R`) make it a DAG:
 * the same node can be reached along several paths.  It never has a cycle: a
 * reference to a container that is still being read is rejected.  Consumers
 * should still walk it iteratively, or to a fixed depth, never recursively
 * on input-controlled depth.
 *
 * Strings point into the input bytes (zero copy), so the input must outlive
 * the document; they are not NUL-terminated.  `a A z Z` strings holding bytes
 * >= 0x80 (Latin-1 in CPython) are converted to UTF-8 in the arena; `u t`
 * strings are UTF-8 and are not validated.
 */
#ifndef P2P_MARSHAL_H
#define P2P_MARSHAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prof2png/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest container nesting accepted (pstats needs about 4; code objects
 * nest about 3 levels per nested def/class). */
#define P2P_MARSHAL_MAX_DEPTH 256

typedef enum p2p_mtype {
    P2P_M_NONE = 0,   /* N */
    P2P_M_BOOL,       /* T F: u.i is 1 or 0 */
    P2P_M_ELLIPSIS,   /* . */
    P2P_M_STOPITER,   /* S */
    P2P_M_INT,        /* i I, and l when it fits: u.i */
    P2P_M_BIGINT,     /* l beyond int64: u.f is the nearest double (maybe inf) */
    P2P_M_FLOAT,      /* g f: u.f */
    P2P_M_COMPLEX,    /* y x: u.cplx[0] real, [1] imaginary */
    P2P_M_STR,        /* z Z a A u t R (text): u.s, len bytes of UTF-8 */
    P2P_M_BYTES,      /* s (Python 3 bytes, Python 2 str): u.s, len bytes */
    P2P_M_TUPLE,      /* ( ): u.items, len items */
    P2P_M_LIST,       /* [ */
    P2P_M_SET,        /* < */
    P2P_M_FROZENSET,  /* > */
    P2P_M_DICT,       /* {: u.items, len pairs (key, value, key, value, ...) */
    P2P_M_SLICE,      /* : (Python 3.14): u.items, 3 items */
    P2P_M_CODE,       /* c: u.code */
    P2P_M_NTYPES
} p2p_mtype;

/* Code object layouts, one per family of Python versions. */
typedef enum p2p_mlayout {
    P2P_ML_AUTO = 0, /* guess from the first code object, retry the others */
    P2P_ML_PY27,     /* 2.x:       argcount nlocals stacksize flags ... */
    P2P_ML_PY30,     /* 3.0-3.7:   + kwonlyargcount */
    P2P_ML_PY38,     /* 3.8-3.10:  + posonlyargcount */
    P2P_ML_PY311,    /* 3.11-3.13: localsplus*, qualname, exceptiontable */
    P2P_ML_COUNT
} p2p_mlayout;

/* Integer fields of a code object (absent ones are 0). */
enum {
    P2P_MC_ARGCOUNT,
    P2P_MC_POSONLYARGCOUNT,
    P2P_MC_KWONLYARGCOUNT,
    P2P_MC_NLOCALS,
    P2P_MC_STACKSIZE,
    P2P_MC_FLAGS,
    P2P_MC_FIRSTLINENO,
    P2P_MC_NINTS
};

/* Object fields of a code object (absent ones are NULL). */
enum {
    P2P_MC_CODE,            /* bytes */
    P2P_MC_CONSTS,          /* tuple */
    P2P_MC_NAMES,           /* tuple */
    P2P_MC_VARNAMES,        /* tuple (3.11+: localsplusnames) */
    P2P_MC_FREEVARS,        /* tuple, before 3.11 */
    P2P_MC_CELLVARS,        /* tuple, before 3.11 */
    P2P_MC_LOCALSPLUSKINDS, /* bytes, 3.11+ */
    P2P_MC_FILENAME,        /* str or bytes */
    P2P_MC_NAME,            /* str or bytes */
    P2P_MC_QUALNAME,        /* str, 3.11+ */
    P2P_MC_LINETABLE,       /* bytes (lnotab before 3.10) */
    P2P_MC_EXCEPTIONTABLE,  /* bytes, 3.11+ */
    P2P_MC_NOBJS
};

typedef struct p2p_mcode p2p_mcode;

typedef struct p2p_mval {
    uint8_t type;   /* p2p_mtype */
    uint8_t code;   /* the type byte without FLAG_REF, e.g. 'z' */
    uint8_t flags;  /* private */
    uint32_t len;   /* string bytes, items, or dict pairs */
    uint32_t off;   /* byte offset of the type byte in the input */
    uint32_t aux;   /* 0 after decoding; free for the consumer to use (for
                     * instance to cache what it made of a shared node) */
    union {
        int64_t i;
        double f;
        const double *cplx;
        const char *s;
        struct p2p_mval **items;
        p2p_mcode *code;
    } u;
} p2p_mval;

struct p2p_mcode {
    p2p_mlayout layout;
    int32_t ints[P2P_MC_NINTS];
    p2p_mval *objs[P2P_MC_NOBJS];
};

typedef struct p2p_arena p2p_arena;

/* A decoded input.  Free with p2p_marshal_free(). */
typedef struct p2p_mdoc {
    p2p_mval *root;
    size_t end;          /* offset just past the root object */
    p2p_mlayout layout;  /* code layout used; P2P_ML_AUTO when no code object */
    size_t nrefs;        /* FLAG_REF table size at the end */
    p2p_arena *arena;    /* private */
} p2p_mdoc;

/* Decode the one marshal object at the start of data[0..size) into *doc
 * (size at most 4 GiB - 1, or P2P_ELIMIT).  Bytes after it are ignored (doc->end tells where it ended).  `layout`
 * chooses the code-object layout; P2P_ML_AUTO guesses from the bytes of the
 * first code object and, when the decode then fails, tries the other
 * layouts before giving up.  `data` must outlive *doc.
 *
 * Returns 0, or P2P_ETRUNCATED (the input ends inside an object),
 * P2P_EFORMAT (bad data), P2P_ELIMIT (nested too deep, too many refs) or
 * P2P_ENOMEM, with d's offset and message set (d's file is left alone).
 * On error *doc is zeroed and owns nothing. */
int p2p_marshal_decode(const void *data, size_t size, p2p_mlayout layout, p2p_mdoc *doc,
                       p2p_diag *d);

/* Release what a decode allocated.  Safe on a zeroed document. */
void p2p_marshal_free(p2p_mdoc *doc);

/* "a tuple", "an int", ... for messages.  Never NULL. */
const char *p2p_marshal_type_name(int type);

/* The type named by a raw type byte (FLAG_REF ignored), or -1 when the byte
 * is not a marshal type code. */
int p2p_marshal_type_of_byte(unsigned char b);

/* *out = v as an int64.  true for INT and BOOL; false otherwise
 * (including BIGINT, which does not fit). */
bool p2p_marshal_int64(const p2p_mval *v, int64_t *out);

/* *out = v as a double.  true for INT, BIGINT, BOOL and FLOAT. */
bool p2p_marshal_number(const p2p_mval *v, double *out);

/* True when v is text (STR) or bytes. */
static inline bool p2p_marshal_is_string(const p2p_mval *v)
{
    return v->type == P2P_M_STR || v->type == P2P_M_BYTES;
}

#ifdef __cplusplus
}
#endif
#endif
