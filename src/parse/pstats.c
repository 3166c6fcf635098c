/* Python pstats reader (SEMANTICS.md §6).
 *
 * A pstats file is one marshalled dict
 *     (filename, line, funcname) -> (cc, nc, tt, ct, callers)
 * where callers maps caller keys to (nc, cc, tt, ct) tuples (cProfile) or to
 * call counts (the pure-Python profile module).  Several files merge as
 * pstats.Stats(f1, ..., fn) merges them: f1, then fn, fn-1, ..., f2, stats
 * summed element-wise and caller dicts merged, new keys appended.  The
 * merged dict is then walked as gprof2dot's PstatsParser walks it.
 *
 * Work in three steps: decode each file (marshal.c), fold it into a merged
 * table of entries (in dict order, with Python's dict semantics for keys
 * that repeat), then build the profile from the merged table.
 */
#include <stdlib.h>
#include <string.h>

#include "prof2png/parse.h"
#include "marshal.h"
#include "../util/utf8.h"
#include "../util/util.h"

#define NONE32 UINT32_MAX
#define SCALAR UINT32_MAX /* pcaller.n of a profile-module call count */

typedef struct pkey {
    const char *filename; /* interned in the profile */
    const char *func;     /* interned: the function name, or a code object's text */
    const char *name;     /* interned "module:line:func" */
    int64_t line;
    bool is_code;
    uint32_t hnext;       /* next key with the same hash */
    p2p_fid fid;          /* P2P_NONE until the final walk meets it */
    uint32_t entry;       /* merged entry, or NONE32 */
    uint32_t fstamp, fpair; /* dedup of one stats dict: last pair seen */
    uint32_t sstamp, sslot; /* dedup of one callers dict */
    uint32_t cstamp, cslot; /* merge of a callers dict into an entry */
} pkey;

typedef struct pcaller {
    uint32_t key, next;
    uint32_t n;       /* numbers in the tuple, or SCALAR */
    double scalar;
    double *v;
    uint64_t off;     /* where the value was read, for messages */
} pcaller;

typedef struct pentry {
    uint32_t key;
    double cc, nc, tt, ct;
    uint32_t first, last; /* caller list, insertion order */
} pentry;

typedef struct src_caller {
    uint32_t key;
    const p2p_mval *val;
} src_caller;

typedef struct pst {
    p2p_profile *prof;
    p2p_diag *d;
    p2p_arena *scratch;
    pkey *keys;
    uint32_t nkeys, capkeys;
    pentry *entries;
    uint32_t nentries, capentries;
    pcaller *callers;
    uint32_t ncallers, capcallers;
    uint32_t *order;
    uint32_t norder, caporder;
    src_caller *tmp;
    uint32_t ntmp, captmp;
    const char **strs;  /* interned strings, indexed by a string node's aux - 1 */
    uint32_t nstrs, capstrs;
    p2p_u64map keymap;  /* hash of (filename, func, line, is_code) -> key */
    uint32_t stamp;
    int64_t budget;     /* caller pairs and numbers left to read in this file */
    p2p_buf buf;
    void *grown;        /* RESERVE's temporary */
    int64_t repaired_at; /* first string with invalid UTF-8 in this file, or -1 */
    bool call_stats, fn_stats; /* keep p2p_profile.call_stats, fn_stats */
} pst;

/* arr reallocated to twice *cap elements (*cap updated), or NULL.  Big
 * arrays (util.h): a big file's tables grow without copies and fault in
 * on huge pages.  Free with FREE_ARRAY. */
static void *grow_array(void *arr, uint32_t *cap, size_t elem)
{
    if (*cap >= UINT32_MAX / 2)
        return NULL;
    uint32_t n = *cap ? *cap * 2 : 64;
    void *p = p2p_vm_realloc(arr, (size_t)*cap * elem, (size_t)n * elem);
    if (p)
        *cap = n;
    return p;
}

#define FREE_ARRAY(s, arr, cap) p2p_vm_free((s).arr, (size_t)(s).cap * sizeof *(s).arr)

/* Room for one more element in s->arr (count s->n, capacity s->cap)? */
#define RESERVE(s, arr, n, cap)                                                        \
    ((s)->n < (s)->cap ||                                                              \
     (((s)->grown = grow_array((s)->arr, &(s)->cap, sizeof *(s)->arr)) != NULL &&      \
      ((s)->arr = (s)->grown, true)))

static int nomem(pst *s)
{
    return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory reading the profile");
}

/* Back-references let a file share one callers dict or one long tuple
 * among many entries, so that a small file could ask for a huge amount of
 * work.  Real files never share them: each caller pair costs at least ten
 * bytes of input.  Allow one unit of work per input byte. */
static int spend(pst *s, int64_t units, uint64_t off)
{
    s->budget -= units;
    if (s->budget >= 0)
        return 0;
    return p2p_diag_set(s->d, P2P_ELIMIT, 0, (int64_t)off,
                        "the callers of this file repeat too much data through back-references");
}

/* posixpath.basename(posixpath.splitext(filename)[0]) as byte offsets:
 * splitext drops the last ".ext" of the last component unless that
 * component is only dots up to there (".bashrc", "..x" stay whole). */
static void module_of(const char *fn, size_t len, size_t *start, size_t *mlen)
{
    size_t sep = 0, dot = 0; /* 1 + index of the last '/' and '.', 0 if none */
    for (size_t i = 0; i < len; i++) {
        if (fn[i] == '/')
            sep = i + 1;
        else if (fn[i] == '.')
            dot = i + 1;
    }
    size_t end = len;
    if (dot > sep) {
        for (size_t i = sep; i < dot - 1; i++) {
            if (fn[i] != '.') {
                end = dot - 1;
                break;
            }
        }
    }
    *start = sep;
    *mlen = end - sep;
}

static uint64_t key_hash(const char *filename, const char *func, int64_t line, bool is_code)
{
    struct {
        const char *a, *b;
        int64_t line;
        uint64_t code;
    } k = {filename, func, line, is_code};
    uint64_t h = p2p_hash_bytes(&k, sizeof k);
    return h == UINT64_MAX ? 0 : h;
}

static int key_error(pst *s, const p2p_mval *v, const char *what)
{
    if (v->type == P2P_M_TUPLE)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off,
                            "expected a function key (filename, line, name), found a tuple of %lu items%s",
                            (unsigned long)v->len, what);
    return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off,
                        "expected a function key (filename, line, name), found %s%s",
                        p2p_marshal_type_name(v->type), what);
}

/* The interned text of a string node; the node's aux caches it, since
 * marshal back-references share one node among many keys. */
static const char *string_of(pst *s, p2p_mval *v)
{
    if (v->aux && v->aux <= s->nstrs)
        return s->strs[v->aux - 1];
    if (!RESERVE(s, strs, nstrs, capstrs))
        return NULL;
    const char *t;
    if (p2p_utf8_valid(v->u.s, v->len) && !memchr(v->u.s, '\0', v->len)) {
        t = p2p_profile_intern(s->prof, v->u.s, v->len);
    } else {
        /* bytes (Python 2 str) or broken text: U+FFFD for each bad
         * sequence and NUL, noted once per file (load_file) */
        p2p_buf fix;
        p2p_buf_init(&fix);
        p2p_utf8_repair(&fix, v->u.s, v->len, true);
        t = fix.oom ? NULL : p2p_profile_intern(s->prof, fix.data ? fix.data : "", fix.len);
        p2p_buf_free(&fix);
        if (s->repaired_at < 0)
            s->repaired_at = v->off;
    }
    if (!t)
        return NULL;
    s->strs[s->nstrs++] = t;
    v->aux = s->nstrs;
    return t;
}

/* The interned "module:line:func" of a key, or NULL when out of memory. */
static const char *make_name(pst *s, const char *filename, int64_t line, const char *func)
{
    size_t ms, ml;
    module_of(filename, strlen(filename), &ms, &ml); /* repaired: not fv->len */
    /* "%s:%d:%s" % (module, line, func), without printf (hot) */
    char num[24];
    size_t nl = 0;
    uint64_t mag = line < 0 ? 0 - (uint64_t)line : (uint64_t)line;
    do {
        num[sizeof num - 1 - nl++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (line < 0)
        num[sizeof num - 1 - nl++] = '-';
    p2p_buf_append(&s->buf, filename + ms, ml);
    p2p_buf_putc(&s->buf, ':');
    p2p_buf_append(&s->buf, num + sizeof num - nl, nl);
    p2p_buf_putc(&s->buf, ':');
    p2p_buf_puts(&s->buf, func);
    if (s->buf.oom) {
        s->buf.len = 0;
        return NULL;
    }
    const char *name = p2p_profile_intern(s->prof, s->buf.data, s->buf.len);
    s->buf.len = 0;
    return name;
}

/* The key index of a (filename, line, funcname) tuple node; the node's aux
 * caches it (key index + 1).  Only tuples carry a key index: a string's aux
 * is a string_of() index. */
static int key_of(pst *s, p2p_mval *k, uint32_t *out)
{
    if (k->type == P2P_M_TUPLE && k->aux && k->aux <= s->nkeys) {
        *out = k->aux - 1;
        return 0;
    }
    if (k->type != P2P_M_TUPLE || k->len != 3)
        return key_error(s, k, "");
    p2p_mval *fv = k->u.items[0], *lv = k->u.items[1], *nv = k->u.items[2];
    if (!p2p_marshal_is_string(fv))
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)fv->off,
                            "the filename of a function key is %s, not a string", p2p_marshal_type_name(fv->type));
    int64_t line;
    if (!p2p_marshal_int64(lv, &line))
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)lv->off,
                            lv->type == P2P_M_BIGINT ? "the line number of a function key is too large"
                                                     : "the line of a function key is %s, not an int",
                            p2p_marshal_type_name(lv->type));
    const char *filename = string_of(s, fv);
    if (!filename)
        return nomem(s);
    const char *func;
    bool is_code = false;
    if (p2p_marshal_is_string(nv)) {
        func = string_of(s, nv);
    } else if (nv->type == P2P_M_CODE) {
        /* the profile module's key for the profiled program: its repr
         * without the (run-time) address */
        const p2p_mcode *c = nv->u.code;
        const p2p_mval *cn = c->objs[P2P_MC_NAME], *cf = c->objs[P2P_MC_FILENAME];
        p2p_buf_puts(&s->buf, "<code object ");
        size_t bad = p2p_utf8_repair(&s->buf, cn->u.s, cn->len, true);
        p2p_buf_puts(&s->buf, ", file \"");
        bad += p2p_utf8_repair(&s->buf, cf->u.s, cf->len, true);
        if (bad && s->repaired_at < 0)
            s->repaired_at = nv->off;
        p2p_buf_printf(&s->buf, "\", line %ld>", (long)c->ints[P2P_MC_FIRSTLINENO]);
        if (s->buf.oom)
            return nomem(s);
        func = p2p_profile_intern(s->prof, s->buf.data, s->buf.len);
        s->buf.len = 0;
        is_code = true;
    } else {
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)nv->off,
                            "the function name of a function key is %s, not a string",
                            p2p_marshal_type_name(nv->type));
    }
    if (!func)
        return nomem(s);

    uint64_t h = key_hash(filename, func, line, is_code);
    uint32_t head = p2p_u64map_get(&s->keymap, h);
    for (uint32_t i = head; i != NONE32; i = s->keys[i].hnext) {
        const pkey *e = &s->keys[i];
        if (e->filename == filename && e->func == func && e->line == line && e->is_code == is_code) {
            *out = i;
            k->aux = i + 1;
            return 0;
        }
    }

    const char *name = make_name(s, filename, line, func);
    if (!name || !RESERVE(s, keys, nkeys, capkeys))
        return nomem(s);
    uint32_t i = s->nkeys++;
    pkey *e = &s->keys[i];
    memset(e, 0, sizeof *e);
    e->filename = filename;
    e->func = func;
    e->name = name;
    e->line = line;
    e->is_code = is_code;
    e->hnext = head;
    e->fid = P2P_NONE;
    e->entry = NONE32;
    if (p2p_u64map_put(&s->keymap, h, i) < 0)
        return nomem(s);
    k->aux = i + 1;
    *out = i;
    return 0;
}

/* Numbers beyond 64 bits, NaN and infinities are reported, never used:
 * with every number within +-2^63, no sum of them can overflow a double. */
static int check_range(pst *s, const p2p_mval *v, const char *what, double x)
{
    if (v->type == P2P_M_BIGINT)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off, "%s does not fit in 64 bits", what);
    if (!(x >= -9.2e18 && x <= 9.2e18))
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off, "%s is %g, expected a finite number within 64 bits",
                            what, x);
    return 0;
}

static int number_of(pst *s, const p2p_mval *v, const char *what, double *out)
{
    if (p2p_marshal_number(v, out))
        return check_range(s, v, what, *out);
    return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off, "%s is %s, not a number", what,
                        p2p_marshal_type_name(v->type));
}

/* A caller value read from a file into c (n, v / scalar). */
static int caller_value(pst *s, const p2p_mval *v, pcaller *c)
{
    c->off = v->off;
    if (v->type == P2P_M_TUPLE) {
        if (v->len % 4)
            return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off,
                                "a caller's call statistics hold %lu numbers, not groups of four (nc, cc, tt, ct)",
                                (unsigned long)v->len);
        int rc = spend(s, v->len, v->off);
        if (rc)
            return rc;
        c->n = v->len;
        c->v = NULL;
        if (v->len) {
            c->v = p2p_arena_alloc(s->scratch, (size_t)v->len * sizeof *c->v);
            if (!c->v)
                return nomem(s);
        }
        for (uint32_t i = 0; i < v->len; i++) {
            rc = number_of(s, v->u.items[i], "a caller's call statistic", &c->v[i]);
            if (rc)
                return rc;
        }
        return 0;
    }
    c->n = SCALAR;
    c->v = NULL;
    if (p2p_marshal_number(v, &c->scalar))
        return check_range(s, v, "a caller's call count", c->scalar);
    return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off,
                        "expected a caller's (nc, cc, tt, ct) tuple or call count, found %s",
                        p2p_marshal_type_name(v->type));
}

static int append_caller(pst *s, pentry *e, uint32_t key, const p2p_mval *val)
{
    if (!RESERVE(s, callers, ncallers, capcallers))
        return nomem(s);
    uint32_t ci = s->ncallers;
    pcaller *c = &s->callers[ci];
    memset(c, 0, sizeof *c);
    c->key = key;
    c->next = NONE32;
    int rc = caller_value(s, val, c);
    if (rc)
        return rc;
    s->ncallers++;
    if (e->last == NONE32)
        e->first = ci;
    else
        s->callers[e->last].next = ci;
    e->last = ci;
    return 0;
}

/* pstats.add_callers(): a caller in both has its tuples summed element-wise
 * (zip: the shorter length wins) or its counts added. */
static int merge_caller(pst *s, pcaller *t, const p2p_mval *val)
{
    pcaller src;
    int rc = caller_value(s, val, &src);
    if (rc)
        return rc;
    if ((src.n == SCALAR) != (t->n == SCALAR))
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)src.off,
                            "cannot merge a cProfile caller tuple with a profile-module call count");
    if (src.n == SCALAR) {
        t->scalar = t->scalar + src.scalar;
        return 0;
    }
    uint32_t n = src.n < t->n ? src.n : t->n;
    for (uint32_t i = 0; i < n; i++)
        t->v[i] = src.v[i] + t->v[i];
    t->n = n;
    return 0;
}

/* Fold one stats entry (deduplicated key k, value v) into the merged table. */
static int add_entry(pst *s, uint32_t k, p2p_mval *v, bool first, double *file_tt)
{
    if ((v->type != P2P_M_TUPLE && v->type != P2P_M_LIST) || v->len != 5)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)v->off,
                            "expected a function's statistics (cc, nc, tt, ct, callers), found %s%s",
                            p2p_marshal_type_name(v->type),
                            v->type == P2P_M_TUPLE || v->type == P2P_M_LIST ? " of the wrong length" : "");
    double x[4];
    static const char *const what[4] = {"a primitive call count", "a call count", "a self time",
                                        "a cumulative time"};
    for (int i = 0; i < 4; i++) {
        int rc = number_of(s, v->u.items[i], what[i], &x[i]);
        if (rc)
            return rc;
    }
    p2p_mval *cd = v->u.items[4];
    if (cd->type != P2P_M_DICT)
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, (int64_t)cd->off, "expected a dict of callers, found %s",
                            p2p_marshal_type_name(cd->type));
    *file_tt += x[2];

    pentry *e;
    bool fresh = s->keys[k].entry == NONE32;
    if (fresh) {
        if (!RESERVE(s, entries, nentries, capentries))
            return nomem(s);
        s->keys[k].entry = s->nentries;
        e = &s->entries[s->nentries++];
        e->key = k;
        e->first = e->last = NONE32;
        /* Stats.add() adds a new key to (0, 0, 0, 0, {}) */
        double z = first ? -0.0 : 0.0;
        e->cc = x[0] + z;
        e->nc = x[1] + z;
        e->tt = x[2] + z;
        e->ct = x[3] + z;
    } else {
        e = &s->entries[s->keys[k].entry];
        e->cc = x[0] + e->cc;
        e->nc = x[1] + e->nc;
        e->tt = x[2] + e->tt;
        e->ct = x[3] + e->ct;
    }

    /* the callers dict as Python sees it: a repeated key keeps its first
     * place and takes its last value */
    int rc = spend(s, cd->len, cd->off);
    if (rc)
        return rc;
    uint32_t sst = ++s->stamp;
    s->ntmp = 0;
    for (uint32_t j = 0; j < cd->len; j++) {
        uint32_t ck;
        rc = key_of(s, cd->u.items[2 * j], &ck);
        if (rc)
            return rc;
        pkey *kk = &s->keys[ck];
        if (kk->sstamp == sst) {
            s->tmp[kk->sslot].val = cd->u.items[2 * j + 1];
            continue;
        }
        if (!RESERVE(s, tmp, ntmp, captmp))
            return nomem(s);
        kk->sstamp = sst;
        kk->sslot = s->ntmp;
        s->tmp[s->ntmp].key = ck;
        s->tmp[s->ntmp].val = cd->u.items[2 * j + 1];
        s->ntmp++;
    }

    uint32_t cst = ++s->stamp;
    for (uint32_t c = e->first; c != NONE32; c = s->callers[c].next) {
        s->keys[s->callers[c].key].cstamp = cst;
        s->keys[s->callers[c].key].cslot = c;
    }
    for (uint32_t j = 0; j < s->ntmp; j++) {
        pkey *kk = &s->keys[s->tmp[j].key];
        rc = kk->cstamp == cst ? merge_caller(s, &s->callers[kk->cslot], s->tmp[j].val)
                                   : append_caller(s, &s->entries[s->keys[k].entry], s->tmp[j].key, s->tmp[j].val);
        if (rc)
            return rc;
    }
    return 0;
}

/* The Python whose pstats reads this file (the reports of report.h): 2
 * for marshal as Python 2 writes it (no FLAG_REF on the dict, str keys as
 * 's' or 't'), else 3.  Their dict orders differ. */
static int python_of(const p2p_input *in, const p2p_mval *root)
{
    const p2p_mval *k = root->u.items[0];
    if (in->data[0] != '{' || k->type != P2P_M_TUPLE || k->len != 3)
        return 3;
    return k->u.items[0]->code == 's' || k->u.items[0]->code == 't' ? 2 : 3;
}

/* Read one file and fold it in.  *file_tt gets its Stats.total_tt. */
static int load_file(pst *s, const p2p_input *in, bool first, double *file_tt)
{
    if (s->d)
        s->d->file = in->name;
    if (in->size == 0)
        return p2p_diag_set(s->d, P2P_EEMPTY, 0, -1, "the file is empty; expected a marshal dict (a pstats file)");
    int t = p2p_marshal_type_of_byte(in->data[0]);
    if (t != P2P_M_DICT) {
        if (t < 0)
            return p2p_diag_set(s->d, P2P_EFORMAT, 0, 0,
                                "expected a marshal dict (a pstats file), found byte 0x%02x", in->data[0]);
        return p2p_diag_set(s->d, P2P_EFORMAT, 0, 0, "expected a marshal dict (a pstats file), found %s",
                            p2p_marshal_type_name(t));
    }
    p2p_mdoc doc;
    int rc = p2p_marshal_decode(in->data, in->size, P2P_ML_AUTO, &doc, s->d);
    if (rc)
        return rc;
    p2p_mval *root = doc.root;
    if (root->len == 0) {
        p2p_marshal_free(&doc);
        return p2p_diag_set(s->d, P2P_EEMPTY, 0, -1, "no functions in the profile");
    }
    if (first)
        s->prof->pstats_python = python_of(in, root);

    s->nstrs = 0; /* the string cache lives in this document's nodes */
    s->repaired_at = -1;
    s->budget = (int64_t)in->size + 64;
    uint32_t fst = ++s->stamp;
    s->norder = 0;
    for (uint32_t j = 0; j < root->len && rc == 0; j++) {
        uint32_t k;
        rc = key_of(s, root->u.items[2 * j], &k);
        if (rc)
            break;
        pkey *kk = &s->keys[k];
        if (kk->fstamp == fst) {
            kk->fpair = j;
            continue;
        }
        if (!RESERVE(s, order, norder, caporder)) {
            rc = nomem(s);
            break;
        }
        kk->fstamp = fst;
        kk->fpair = j;
        s->order[s->norder++] = k;
    }
    *file_tt = 0.0;
    for (uint32_t i = 0; i < s->norder && rc == 0; i++) {
        uint32_t k = s->order[i];
        rc = add_entry(s, k, root->u.items[2 * s->keys[k].fpair + 1], first, file_tt);
    }
    /* the warning sink names the first input; name the others */
    if (rc == 0 && s->repaired_at >= 0)
        p2p_profile_warn(s->prof, "%s%sinvalid UTF-8 in names replaced by U+FFFD (first at byte %lld)",
                         first ? "" : in->name, first ? "" : ": ", (long long)s->repaired_at);
    p2p_marshal_free(&doc);
    return rc;
}

static p2p_fid function_of(pst *s, uint32_t k)
{
    pkey *kk = &s->keys[k];
    if (kk->fid != P2P_NONE)
        return kk->fid;
    p2p_fid f = p2p_profile_add_int(s->prof, (int64_t)s->prof->nfunctions, kk->name);
    if (f == P2P_NONE)
        return P2P_NONE;
    s->prof->functions[f].filename = kk->filename;
    if (s->fn_stats) {
        p2p_fn_stat *st = p2p_profile_fn_stat(s->prof, f);
        if (!st)
            return P2P_NONE;
        st->func_name = kk->func;
        st->line = kk->line;
    }
    kk->fid = f;
    return f;
}

static int64_t to_count(double x)
{
    if (!(x >= -9.2e18 && x <= 9.2e18))
        return 0;
    return (int64_t)x;
}

/* A caller that has no stats entry of its own (a hand-edited or filtered
 * file) makes gprof2dot fail an assertion.  Draw it instead, with no self
 * time and the time of the calls it makes as its total. */
static void draw_orphans(p2p_profile *p)
{
    uint32_t orphans = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        p2p_function *f = &p->functions[i];
        if (p2p_ev_has(&f->ev, P2P_TIME))
            continue;
        double total = 0.0;
        for (uint32_t c = f->first_call; c != P2P_NONE; c = p->calls[c].next)
            if (p2p_ev_has(&p->calls[c].ev, P2P_TOTAL_TIME))
                total += p->calls[c].ev.v[P2P_TOTAL_TIME];
        p2p_ev_set(&f->ev, P2P_TIME, 0.0);
        p2p_ev_set(&f->ev, P2P_TOTAL_TIME, total);
        if (orphans++ == 0)
            p2p_profile_warn(p, "%s is a caller with no stats entry of its own; drawn with no self time", f->name);
    }
    if (orphans > 1)
        p2p_profile_warn(p, "%u callers have no stats entry of their own", orphans);
}

/* gprof2dot's PstatsParser.parse() over the merged table. */
static int build(pst *s, double total_tt)
{
    p2p_profile *p = s->prof;
    p2p_ev_set(&p->ev, P2P_TIME, 0.0);
    p2p_ev_set(&p->ev, P2P_TOTAL_TIME, total_tt);
    for (uint32_t i = 0; i < s->nentries; i++) {
        const pentry *e = &s->entries[i];
        p2p_fid callee = function_of(s, e->key);
        if (callee == P2P_NONE)
            return nomem(s);
        p2p_function *f = &p->functions[callee];
        f->called = to_count(e->nc);
        f->has_called = true;
        if (s->fn_stats) {
            p2p_fn_stat *st = p2p_profile_fn_stat(p, callee);
            if (!st)
                return nomem(s);
            st->prim_called = to_count(e->cc);
            st->has_prim_called = true;
            st->in_stats = true;
            st->stats_order = i;
        }
        p2p_ev_set(&f->ev, P2P_TOTAL_TIME, e->ct);
        p2p_ev_set(&f->ev, P2P_TIME, e->tt);
        p->ev.v[P2P_TIME] += e->tt;
        if (e->ct > p->ev.v[P2P_TOTAL_TIME])
            p->ev.v[P2P_TOTAL_TIME] = e->ct;
        /* QUIRK: gprof2dot unpacks a caller tuple into the same variables
         * nc and ct that a later int-valued caller divides by */
        double nc = e->nc, ct = e->ct;
        for (uint32_t c = e->first; c != NONE32; c = s->callers[c].next) {
            const pcaller *pc = &s->callers[c];
            p2p_fid caller = function_of(s, pc->key);
            if (caller == P2P_NONE)
                return nomem(s);
            uint32_t ci = p2p_profile_get_call(p, caller, callee, NULL);
            if (ci == P2P_NONE)
                return nomem(s);
            p2p_events *ev = &p->calls[ci].ev;
            ev->has = 0; /* a new Call replaces any earlier one */
            if (s->call_stats) {
                p2p_call_stat *cs = p2p_profile_call_stat(p, ci);
                if (!cs)
                    return nomem(s);
                memset(cs, 0, sizeof *cs);
                cs->stat_n = pc->n == SCALAR ? 1 : pc->n >= 4 ? 4 : 0;
                if (pc->n == SCALAR)
                    cs->stat[0] = pc->scalar;
                else if (pc->n >= 4)
                    memcpy(cs->stat, pc->v, sizeof cs->stat);
            }
            if (pc->n == SCALAR) {
                p2p_ev_set(ev, P2P_CALLS, pc->scalar);
                p2p_ev_set(ev, P2P_TOTAL_TIME, p2p_ratio(p, pc->scalar, nc) * ct);
                continue;
            }
            for (uint32_t j = 0; j + 4 <= pc->n; j += 4) {
                nc = pc->v[j];
                ct = pc->v[j + 3];
                p2p_ev_add(ev, P2P_CALLS, pc->v[j + 1]);
                p2p_ev_add(ev, P2P_TOTAL_TIME, ct);
            }
        }
    }
    draw_orphans(p);
    return 0;
}

/* ---- the fast path ----------------------------------------------------------
 * One input file, read straight into the profile in one pass over its bytes,
 * with no marshal tree and no merge table.  It takes only what well-formed
 * files hold (tuples, lists, dicts, ints, floats, bools, strings and
 * back-references to them, in the pstats shape) and gives up at the first
 * thing it does not take: any error, a code object, a key written twice,
 * bytes to repair, a warning, too much work through back-references.  Then
 * the profile is thrown away and the general path above reads the file
 * again, and reports whatever is wrong.  So the fast path reports nothing;
 * its one duty is to build the very profile build() builds whenever it
 * finishes.
 *
 * Back-references need no tree: the reference table holds the offset of
 * each registered object, and a reference is read by reading the bytes at
 * that offset again (a "replay", which registers nothing).  Replays are
 * bounded by the input size; the string and key a table slot stands for,
 * and the value of an int, are cached in the slot, so that a reference to
 * one costs one look-up in the table and no read of the bytes it names
 * (which, in a big file, lie anywhere in it: a cache miss each). */

#define FAST_INTERNED 0x80000000u /* fval.slot: an index into the 't' table */
#define FAST_MAX_OPEN 8

typedef struct fref {
    uint32_t off; /* the registered object's type byte; an int's value */
    uint32_t aux; /* 0, or what it stands for: FAST_AUX_* | index */
} fref;

/* fref.aux: its top two bits say what the slot caches, the others are
 * 1 + a string (strs) or key index; an int's value is in fref.off. */
#define FAST_AUX_KIND 0xc0000000u
#define FAST_AUX_STR 0x40000000u
#define FAST_AUX_KEY 0x80000000u
#define FAST_AUX_INT 0xc0000000u
#define FAST_AUX_MAX 0x3fffffffu

typedef struct fcur {
    size_t pos;
    bool replay; /* reading a referenced object again: register nothing */
} fcur;

/* A key (function) of the fast path.  Whether its stats entry has been
 * read is its function's has_called; whether the entry being read has
 * named it as a caller already, its last call's callee (see f_entry). */
typedef struct fkey {
    const char *filename, *func;
    int64_t line;
    uint32_t hnext;
} fkey;

typedef struct fval {
    uint8_t type;  /* p2p_mtype */
    uint8_t code;  /* type byte without FLAG_REF (of the referenced object) */
    bool via_ref;
    bool pushed;   /* an open container on the pending stack */
    uint32_t off;  /* the object's type byte (the referenced one) */
    uint32_t slot; /* its reference slot, or NONE32 */
    uint32_t len;  /* string bytes, or items (dicts: 0) */
    union {
        int64_t i;
        double f;
        const char *s;
    } u;
    fcur items; /* containers: where the next item is */
} fval;

typedef struct fast {
    pst *s;
    const unsigned char *data;
    size_t size;
    fref *refs;
    uint32_t nrefs, caprefs;
    fref *interned;
    uint32_t ninterned, capinterned;
    fkey *keys;
    uint32_t nkeys, capkeys;
    p2p_u64map keymap;
    uint32_t open[FAST_MAX_OPEN]; /* slots of the registered containers being read */
    int nopen;
    int64_t replay_left;
    bool warned;
    void *grown; /* RESERVE's temporary */
} fast;

static uint32_t f_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t f_u64(const unsigned char *p)
{
    return (uint64_t)f_u32(p) | (uint64_t)f_u32(p + 4) << 32;
}

static bool f_register(fast *f, size_t start)
{
    if (f->nrefs >= 0x7ffffffeu || !RESERVE(f, refs, nrefs, caprefs))
        return false;
    f->refs[f->nrefs].off = (uint32_t)start;
    f->refs[f->nrefs].aux = 0;
    f->nrefs++;
    return true;
}

static uint32_t *f_aux(fast *f, uint32_t slot)
{
    if (slot == NONE32)
        return NULL;
    if (slot & FAST_INTERNED)
        return &f->interned[slot & ~FAST_INTERNED].aux;
    return &f->refs[slot].aux;
}

#define FAST_REF 0xff /* fval.type of a back-reference not yet followed */

/* The length at c of a string or container: one byte (the short forms) or
 * a non-negative int32, and no more than the *left bytes after it.  false:
 * give up. */
static bool f_length(const unsigned char *d, fcur *c, size_t *left, bool one_byte, size_t *n)
{
    if (one_byte) {
        if (*left < 1)
            return false;
        *n = d[c->pos++];
        --*left;
    } else {
        if (*left < 4)
            return false;
        int32_t x = (int32_t)f_u32(d + c->pos);
        c->pos += 4;
        *left -= 4;
        if (x < 0)
            return false;
        *n = (size_t)x;
    }
    return *n <= *left;
}

/* Read the head of one object at c: a scalar or string whole, a container
 * up to its first item (v->items), a back-reference as FAST_REF (v->slot,
 * v->len: which table).  false: give up. */
static bool f_rd1(fast *f, fcur *c, fval *v)
{
    const unsigned char *d = f->data;
    if (c->pos >= f->size)
        return false;
    size_t start = c->pos;
    unsigned char b = d[c->pos++];
    int t = b & 0x7f;
    bool reg = (b & 0x80) && !c->replay;
    size_t left = f->size - c->pos;
    v->via_ref = false;
    v->pushed = false;
    v->off = (uint32_t)start;
    v->code = (uint8_t)t;
    v->slot = NONE32;
    v->len = 0;
    switch (t) {
    case 'r':
    case 'R':
        if (left < 4)
            return false;
        v->type = FAST_REF;
        v->slot = f_u32(d + c->pos);
        c->pos += 4;
        return true;
    case 'T':
    case 'F':
        v->type = P2P_M_BOOL;
        v->u.i = t == 'T';
        return true; /* never registered */
    case 'i':
        if (left < 4)
            return false;
        v->type = P2P_M_INT;
        v->u.i = (int32_t)f_u32(d + c->pos);
        c->pos += 4;
        if (reg) {
            /* cached whole: a reference to it reads no bytes */
            if (!f_register(f, start))
                return false;
            v->slot = f->nrefs - 1;
            f->refs[v->slot].off = (uint32_t)v->u.i;
            f->refs[v->slot].aux = FAST_AUX_INT;
            return true;
        }
        break;
    case 'I':
    case 'g':
        if (left < 8)
            return false;
        if (t == 'I') {
            v->type = P2P_M_INT;
            v->u.i = (int64_t)f_u64(d + c->pos);
        } else {
            uint64_t u = f_u64(d + c->pos);
            v->type = P2P_M_FLOAT;
            memcpy(&v->u.f, &u, sizeof u);
        }
        c->pos += 8;
        break;
    case 'z':
    case 'Z':
    case 'a':
    case 'A':
    case 'u':
    case 't':
    case 's': {
        size_t n;
        if (!f_length(d, c, &left, t == 'z' || t == 'Z', &n))
            return false;
        v->type = t == 's' ? P2P_M_BYTES : P2P_M_STR;
        v->u.s = (const char *)d + c->pos;
        v->len = (uint32_t)n;
        c->pos += n;
        if (t == 't' && !(b & 0x80) && !c->replay) {
            /* Python 2: interned strings are numbered for 'R' */
            if (!RESERVE(f, interned, ninterned, capinterned))
                return false;
            f->interned[f->ninterned].off = (uint32_t)start;
            f->interned[f->ninterned].aux = 0;
            f->ninterned++;
        }
        break;
    }
    case ')':
    case '(':
    case '[':
    case '{': {
        size_t n = 0;
        if (t != '{' && !f_length(d, c, &left, t == ')', &n))
            return false;
        v->type = t == '[' ? P2P_M_LIST : t == '{' ? P2P_M_DICT : P2P_M_TUPLE;
        v->len = (uint32_t)n;
        if (reg) {
            if (!f_register(f, start) || f->nopen == FAST_MAX_OPEN)
                return false;
            v->slot = f->nrefs - 1;
            f->open[f->nopen++] = v->slot;
            v->pushed = true;
        }
        v->items = *c;
        return true;
    }
    default:
        return false; /* None, longs, text floats, code objects, sets, ... */
    }
    if (reg) {
        if (!f_register(f, start))
            return false;
        v->slot = f->nrefs - 1;
    }
    return true;
}

/* f_rd1(), with a back-reference followed to the object it names (read
 * again there, registering nothing).  false: give up. */
static bool f_rd(fast *f, fcur *c, fval *v)
{
    if (!f_rd1(f, c, v))
        return false;
    if (v->type != FAST_REF)
        return true;
    bool interned = v->code == 'R';
    int32_t k = (int32_t)v->slot;
    const fref *tab = interned ? f->interned : f->refs;
    uint32_t count = interned ? f->ninterned : f->nrefs;
    if (k < 0 || (uint32_t)k >= count)
        return false;
    uint32_t aux = tab[k].aux;
    if (aux & FAST_AUX_KIND) {
        /* what the slot caches, without reading its bytes again: an int
         * whole; a string or key to be taken from the cache (f_string,
         * f_key), so with no bytes or items to read here */
        uint32_t kind = aux & FAST_AUX_KIND;
        v->via_ref = true;
        v->pushed = false;
        v->slot = interned ? (uint32_t)k | FAST_INTERNED : (uint32_t)k;
        v->items.pos = SIZE_MAX; /* nothing to read there */
        v->items.replay = true;
        v->len = 0;
        if (kind == FAST_AUX_INT) {
            v->type = P2P_M_INT;
            v->code = 'i';
            v->u.i = (int32_t)tab[k].off;
        } else if (kind == FAST_AUX_STR) {
            v->type = P2P_M_STR;
            v->code = 'u';
            v->u.s = "";
        } else {
            v->type = P2P_M_TUPLE;
            v->code = ')';
            v->len = 3;
        }
        v->off = kind == FAST_AUX_INT ? 0 : tab[k].off;
        return true;
    }
    fcur tc = {tab[k].off, true};
    if (!f_rd1(f, &tc, v) || v->type == FAST_REF)
        return false;
    v->via_ref = true;
    v->slot = interned ? (uint32_t)k | FAST_INTERNED : (uint32_t)k;
    for (int i = 0; i < f->nopen; i++)
        if (!interned && f->open[i] == (uint32_t)k)
            return false; /* a container still being read */
    return true;
}

/* Done with the items of container v read at c. */
static bool f_end(fast *f, fcur *c, const fval *v)
{
    if (v->pushed)
        f->nopen--;
    if (!v->via_ref) {
        c->pos = v->items.pos;
        return true;
    }
    f->replay_left -= (int64_t)(v->items.pos - v->off);
    return f->replay_left >= 0;
}

/* Does the dict read at c end here?  false with *ok false: give up. */
static bool f_dict_end(fast *f, fcur *c, bool *ok)
{
    if (c->pos >= f->size) {
        *ok = false;
        return true;
    }
    if ((f->data[c->pos] & 0x7f) != '0')
        return false;
    c->pos++;
    return true;
}

static bool is_string_type(int t)
{
    return t == P2P_M_STR || t == P2P_M_BYTES;
}

static bool f_number(const fval *v, double *out)
{
    double x;
    if (v->type == P2P_M_INT || v->type == P2P_M_BOOL)
        x = (double)v->u.i;
    else if (v->type == P2P_M_FLOAT)
        x = v->u.f;
    else
        return false;
    if (!(x >= -9.2e18 && x <= 9.2e18))
        return false;
    *out = x;
    return true;
}

static bool f_read_number(fast *f, fcur *c, double *out)
{
    fval v;
    return f_rd(f, c, &v) && f_number(&v, out);
}

/* The interned text of string v, or NULL (give up). */
static const char *f_string(fast *f, const fval *v)
{
    pst *s = f->s;
    uint32_t *aux = f_aux(f, v->slot);
    if (aux && (*aux & FAST_AUX_KIND) == FAST_AUX_STR)
        return s->strs[(*aux & FAST_AUX_MAX) - 1];
    const char *p = v->u.s;
    size_t n = v->len;
    if (v->code == 'a' || v->code == 'A' || v->code == 'z' || v->code == 'Z') {
        /* Latin-1: plain ASCII is UTF-8 already */
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)p[k] >= 0x80)
                return NULL;
        if (memchr(p, '\0', n))
            return NULL;
    } else if (!p2p_utf8_valid(p, n) || memchr(p, '\0', n)) {
        return NULL; /* to repair: the general path words the warning */
    }
    const char *t = p2p_profile_intern(s->prof, p, n);
    if (!t)
        return NULL;
    if (aux && s->nstrs < FAST_AUX_MAX) {
        if (!RESERVE(s, strs, nstrs, capstrs))
            return NULL;
        s->strs[s->nstrs++] = t;
        *f_aux(f, v->slot) = FAST_AUX_STR | s->nstrs;
    }
    return t;
}

/* Read a function key at c: *out is its key index, which is also its
 * function id (functions are made as keys are first met, which is the
 * order build() makes them in).  *fcode: its filename's type byte. */
static bool f_key(fast *f, fcur *c, uint32_t *out, int *fcode)
{
    fval k;
    if (!f_rd(f, c, &k) || k.type != P2P_M_TUPLE || k.len != 3)
        return false;
    if (k.via_ref) {
        const uint32_t *aux = f_aux(f, k.slot);
        if ((*aux & FAST_AUX_KIND) == FAST_AUX_KEY) {
            *out = (*aux & FAST_AUX_MAX) - 1;
            return fcode == NULL; /* the first key cannot be a reference */
        }
    }
    fval fv, lv, nv;
    if (!f_rd(f, &k.items, &fv) || !is_string_type(fv.type))
        return false;
    if (!f_rd(f, &k.items, &lv) || (lv.type != P2P_M_INT && lv.type != P2P_M_BOOL))
        return false;
    if (!f_rd(f, &k.items, &nv) || !is_string_type(nv.type))
        return false;
    if (!f_end(f, c, &k))
        return false;
    if (fcode)
        *fcode = fv.code;
    const char *filename = f_string(f, &fv), *func = f_string(f, &nv);
    if (!filename || !func)
        return false;
    int64_t line = lv.u.i;
    uint64_t h = key_hash(filename, func, line, false);
    uint32_t head = p2p_u64map_get(&f->keymap, h), i;
    for (i = head; i != NONE32; i = f->keys[i].hnext) {
        const fkey *e = &f->keys[i];
        if (e->filename == filename && e->func == func && e->line == line)
            break;
    }
    if (i == NONE32) {
        pst *s = f->s;
        const char *name = make_name(s, filename, line, func);
        if (!name || !RESERVE(f, keys, nkeys, capkeys))
            return false;
        i = f->nkeys;
        p2p_fid fid = p2p_profile_add_int(s->prof, (int64_t)s->prof->nfunctions, name);
        if (fid != i || p2p_u64map_put(&f->keymap, h, i) < 0)
            return false;
        s->prof->functions[fid].filename = filename;
        if (s->fn_stats) {
            p2p_fn_stat *st = p2p_profile_fn_stat(s->prof, fid);
            if (!st)
                return false;
            st->func_name = func;
            st->line = line;
        }
        fkey *e = &f->keys[f->nkeys++];
        e->filename = filename;
        e->func = func;
        e->line = line;
        e->hnext = head;
    }
    uint32_t *aux = f_aux(f, k.slot);
    if (aux && i < FAST_AUX_MAX)
        *aux = FAST_AUX_KEY | (i + 1);
    *out = i;
    return true;
}

static bool f_spend(pst *s, int64_t units)
{
    s->budget -= units;
    return s->budget >= 0;
}

/* One caller (key read: caller) of callee: its value at c. */
static bool f_caller(fast *f, fcur *c, p2p_fid caller, p2p_fid callee, double *nc, double *ct)
{
    pst *s = f->s;
    p2p_profile *p = s->prof;
    fval v;
    if (!f_rd(f, c, &v))
        return false;
    double scalar = 0.0;
    bool is_tuple = v.type == P2P_M_TUPLE;
    if (is_tuple) {
        if (v.len % 4 || !f_spend(s, v.len))
            return false;
    } else if (!f_number(&v, &scalar)) {
        return false;
    }
    uint32_t ci = p2p_profile_add_call(p, caller, callee);
    if (ci == P2P_NONE)
        return false;
    p2p_call_stat none, *cs = &none;
    if (s->call_stats && !(cs = p2p_profile_call_stat(p, ci)))
        return false;
    p2p_events *ev = &p->calls[ci].ev;
    ev->has = 0;
    memset(cs, 0, sizeof *cs);
    if (!is_tuple) {
        cs->stat_n = 1;
        cs->stat[0] = scalar;
        p2p_ev_set(ev, P2P_CALLS, scalar);
        p2p_ev_set(ev, P2P_TOTAL_TIME, p2p_ratio(p, scalar, *nc) * *ct);
        return true;
    }
    for (uint32_t j = 0; j < v.len; j += 4) {
        double x[4];
        for (int i = 0; i < 4; i++)
            if (!f_read_number(f, &v.items, &x[i]))
                return false;
        if (j == 0) {
            cs->stat_n = 4;
            memcpy(cs->stat, x, sizeof cs->stat);
        }
        *nc = x[0];
        *ct = x[3];
        p2p_ev_add(ev, P2P_CALLS, x[1]);
        p2p_ev_add(ev, P2P_TOTAL_TIME, x[3]);
    }
    return f_end(f, c, &v);
}

/* The value (cc, nc, tt, ct, callers) at c of entry number `order`, whose
 * key is callee. */
static bool f_entry(fast *f, fcur *c, p2p_fid callee, uint32_t order, double *file_tt, double *max_ct)
{
    pst *s = f->s;
    p2p_profile *p = s->prof;
    fval v;
    if (!f_rd(f, c, &v) || (v.type != P2P_M_TUPLE && v.type != P2P_M_LIST) || v.len != 5)
        return false;
    double x[4];
    for (int i = 0; i < 4; i++)
        if (!f_read_number(f, &v.items, &x[i]))
            return false;
    fval cd;
    if (!f_rd(f, &v.items, &cd) || cd.type != P2P_M_DICT)
        return false;
    *file_tt += x[2];
    if (order == 0 || x[3] > *max_ct)
        *max_ct = x[3];
    p2p_function *fn = &p->functions[callee];
    fn->called = to_count(x[1]);
    fn->has_called = true;
    if (s->fn_stats) {
        p2p_fn_stat *st = p2p_profile_fn_stat(p, callee);
        if (!st)
            return false;
        st->prim_called = to_count(x[0]);
        st->has_prim_called = true;
        st->in_stats = true;
        st->stats_order = order;
    }
    p2p_ev_set(&fn->ev, P2P_TOTAL_TIME, x[3]);
    p2p_ev_set(&fn->ev, P2P_TIME, x[2]);
    /* QUIRK: see build() */
    double nc = x[1], ct = x[3];
    bool ok = true;
    while (!f_dict_end(f, &cd.items, &ok)) {
        uint32_t caller;
        if (!f_spend(s, 1) || !f_key(f, &cd.items, &caller, NULL))
            return false;
        /* a caller written twice: its call to callee is made already,
         * and is its last one (keys have one entry each, so its calls to
         * callee are all made while reading callee's entry) */
        uint32_t last = p->functions[caller].last_call;
        if (last != P2P_NONE && p->calls[last].callee == callee)
            return false;
        if (!f_caller(f, &cd.items, caller, callee, &nc, &ct))
            return false;
    }
    return ok && f_end(f, &v.items, &cd) && f_end(f, c, &v);
}

/* How often, and how far behind, fast_parse() hands its input back. */
#define FAST_RELEASE_STEP ((size_t)4 << 20)

static void f_warned(void *ctx, const char *msg)
{
    (void)msg;
    ((fast *)ctx)->warned = true;
}

/* Read one whole input into s->prof, as load_file() and build() would.
 * true: done; false: give up (s->prof is then half built). */
static bool fast_parse(pst *s, const p2p_input *in)
{
    if (in->size == 0 || in->size > UINT32_MAX || (in->data[0] & 0x7f) != '{')
        return false;
    fast f;
    memset(&f, 0, sizeof f);
    f.s = s;
    f.data = (const unsigned char *)in->data;
    f.size = in->size;
    f.replay_left = (int64_t)in->size + 64;
    p2p_u64map_init(&f.keymap);
    p2p_profile *p = s->prof;
    p2p_warn_fn warn = p->warn;
    void *warn_ctx = p->warn_ctx;
    p->warn = f_warned;
    p->warn_ctx = &f;
    s->nstrs = 0;
    s->budget = (int64_t)in->size + 64;

    bool ok = false;
    double file_tt = 0.0, max_ct = 0.0;
    uint32_t order = 0;
    int fcode = 0;
    fcur c = {0, false};
    fval top;
    if (!f_rd1(&f, &c, &top) || top.type != P2P_M_DICT)
        goto out;
    ok = true;
    size_t release = FAST_RELEASE_STEP;
    while (ok && !f_dict_end(&f, &top.items, &ok)) {
        /* the bytes read long ago go back (p2p_input_consumed): what reads
         * them again (a back-reference to a container) finds them in the
         * file, only slower */
        if (top.items.pos >= release) {
            p2p_input_consumed(in, in->data + (top.items.pos - FAST_RELEASE_STEP));
            release = top.items.pos + FAST_RELEASE_STEP;
        }
        uint32_t k;
        if (!f_key(&f, &top.items, &k, order == 0 ? &fcode : NULL) || p->functions[k].has_called ||
            !f_entry(&f, &top.items, k, order, &file_tt, &max_ct)) {
            ok = false;
            break;
        }
        order++;
    }
    ok = ok && order > 0 && !f.warned;
out:
    p->warn = warn;
    p->warn_ctx = warn_ctx;
    p2p_u64map_free(&f.keymap);
    FREE_ARRAY(f, refs, caprefs);
    FREE_ARRAY(f, interned, capinterned);
    FREE_ARRAY(f, keys, capkeys);
    if (!ok)
        return false;
    p->pstats_python = in->data[0] == '{' && (fcode == 's' || fcode == 't') ? 2 : 3;
    /* build()'s sums, in the same order */
    p2p_ev_set(&p->ev, P2P_TIME, file_tt);
    p2p_ev_set(&p->ev, P2P_TOTAL_TIME, max_ct > file_tt ? max_ct : file_tt);
    p->pstats_total_tt = file_tt;
    draw_orphans(p);
    return true;
}

/* Parse n pstats files (merged as pstats.Stats(f1, ..., fn) merges them)
 * into a new profile with int ids, names "module:line:func", filenames,
 * called counts, TIME and TOTAL_TIME on functions, CALLS and TOTAL_TIME on
 * calls, and profile totals TIME = Σ tt and TOTAL_TIME = max(Σ tt, max ct).
 * The ratios are left to P2P_DERIVE_PSTATS.  Returns 0 and *out, or a
 * P2P_E* code with *out NULL and d naming the file and byte offset. */
int p2p_parse_pstats(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                     p2p_diag *d)
{
    *out = NULL;
    if (n == 0)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "no pstats input given");
    pst s;
    memset(&s, 0, sizeof s);
    s.d = d;
    s.call_stats = !(o && o->no_call_stats);
    s.fn_stats = !(o && o->no_fn_stats);
    p2p_u64map_init(&s.keymap);
    p2p_buf_init(&s.buf);
    s.prof = p2p_profile_new(P2P_ID_INT);
    s.scratch = p2p_arena_new();
    int rc = 0;
    if (!s.prof || !s.scratch) {
        rc = nomem(&s);
        goto done;
    }
    if (o) {
        s.prof->warn = o->warn;
        s.prof->warn_ctx = o->warn_ctx;
    }
#ifndef P2P_PSTATS_NO_FAST /* for comparing the two paths */
    if (n == 1) {
        if (fast_parse(&s, &inputs[0]))
            goto done;
        /* start again on the general path, which says what is wrong */
        p2p_profile_free(s.prof);
        s.prof = p2p_profile_new(P2P_ID_INT);
        if (!s.prof) {
            rc = nomem(&s);
            goto done;
        }
        if (o) {
            s.prof->warn = o->warn;
            s.prof->warn_ctx = o->warn_ctx;
        }
        s.nstrs = 0;
        s.buf.len = 0;
        s.buf.oom = false;
    }
#endif
    /* Stats(f1, f2, ..., fn): f1 first, then add(fn), ..., add(f2);
     * total_tt = t1 + tn + ... + t2 */
    double total_tt = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t which = i == 0 ? 0 : n - i;
        double tt = 0.0;
        rc = load_file(&s, &inputs[which], i == 0, &tt);
        if (rc)
            goto done;
        total_tt = i == 0 ? tt : total_tt + tt;
    }
    rc = build(&s, total_tt);
    s.prof->pstats_total_tt = total_tt;
done:
    p2p_u64map_free(&s.keymap);
    FREE_ARRAY(s, strs, capstrs);
    p2p_buf_free(&s.buf);
    p2p_arena_free(s.scratch);
    FREE_ARRAY(s, keys, capkeys);
    FREE_ARRAY(s, entries, capentries);
    FREE_ARRAY(s, callers, capcallers);
    FREE_ARRAY(s, order, caporder);
    FREE_ARRAY(s, tmp, captmp);
    if (rc) {
        p2p_profile_free(s.prof);
        return rc;
    }
    *out = s.prof;
    return 0;
}
