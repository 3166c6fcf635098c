/* Shared machinery of the sampled-stack formats (perf, collapse, dtrace):
 * decoding the input text, walking its lines, finding or creating the
 * functions a frame names, and adding one sampled stack to the profile with
 * gprof2dot's accounting (SAMPLES, TOTAL_SAMPLES, SAMPLES2).  Internal to
 * src/parse; not part of the public API.
 *
 * Nothing here allocates per line: the function cache, the stack being
 * built and the scratch buffers grow and are reused, and strings are
 * interned once per function.
 */
#ifndef P2P_PARSE_SAMPLES_H
#define P2P_PARSE_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/parse.h"
#include "../util/util.h"

typedef unsigned char p2p_uchar;

/* ---- characters ----------------------------------------------------- */

/* Character classes, by table: P2P_SMP_WS is Python's str whitespace as far
 * as it is ASCII (\t \n \v \f \r, the separators 0x1c-0x1f, the space);
 * P2P_SMP_HEX is [0-9A-Fa-f]. */
enum { P2P_SMP_WS = 1, P2P_SMP_HEX = 2 };
extern const uint8_t p2p_smp_class[256];

static inline bool p2p_smp_ws(p2p_uchar c)
{
    return p2p_smp_class[c] & P2P_SMP_WS;
}

static inline bool p2p_smp_hex(p2p_uchar c)
{
    return p2p_smp_class[c] & P2P_SMP_HEX;
}

/* ---- text ----------------------------------------------------------- */

/* An input as UTF-8 lines.  A byte-order mark is removed (UTF-8) or the
 * input is transcoded (UTF-16LE/BE).  Lines end at \n, \r\n or \r, as
 * Python's universal newlines do. */
typedef struct p2p_smp_text {
    const p2p_uchar *begin, *cur, *end;
    p2p_uchar *owned;     /* transcoded copy, or NULL */
    long line;            /* number of the line last returned (1-based) */
    /* Carriage returns, found a window at a time (a scan of the whole input
     * up front would bring all of it into memory at once): the first '\r'
     * at or after the line being read is cr_next, or there is none before
     * cr_upto (cr_next NULL). */
    const p2p_uchar *cr_next, *cr_upto;
    const p2p_input *in;  /* bytes read long ago go back (p2p_input_consumed) */
    const p2p_uchar *release;
    const p2p_uchar *populated; /* the input is mapped in up to here */
} p2p_smp_text;

/* Prepare `in` for reading.  Returns 0, or P2P_ENOMEM with d filled. */
int p2p_smp_text_init(p2p_smp_text *t, const p2p_input *in, p2p_diag *d);

/* Release what p2p_smp_text_init() allocated. */
void p2p_smp_text_free(p2p_smp_text *t);

/* Move the carriage-return window to cover [p, le); hand back the bytes
 * well behind p.  For p2p_smp_text_next(). */
void p2p_smp_text_window(p2p_smp_text *t, const p2p_uchar *p, const p2p_uchar *le);

/* The next line, without its line end, in *s / *n.  false at the end.
 * The line feed is looked for only up to the next carriage return (a file
 * of CR line ends has no line feed: a search to the end for every line
 * would take time quadratic in its size). */
static inline bool p2p_smp_text_next(p2p_smp_text *t, const p2p_uchar **s, size_t *n)
{
    const p2p_uchar *p = t->cur, *e = t->end;
    if (p >= e)
        return false;
    if (p >= t->cr_upto || (t->cr_next && t->cr_next < p))
        p2p_smp_text_window(t, p, p);
    const p2p_uchar *cr = t->cr_next;
    const p2p_uchar *nl = memchr(p, '\n', (size_t)((cr ? cr : e) - p));
    const p2p_uchar *le = nl ? nl : e;
    if (!cr && le > t->cr_upto) {
        /* a line longer than the window: carriage returns up to its end */
        p2p_smp_text_window(t, p, le);
        cr = t->cr_next;
    }
    *s = p;
    t->line++;
    if (cr && cr < le) {
        *n = (size_t)(cr - p);
        t->cur = cr + 1 < e && cr[1] == '\n' ? cr + 2 : cr + 1;
        return true;
    }
    *n = (size_t)(le - p);
    t->cur = nl ? nl + 1 : e;
    return true;
}

/* true when s[0..n) holds whitespace only (or nothing). */
static inline bool p2p_smp_blank(const p2p_uchar *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!p2p_smp_ws(s[i]))
            return false;
    return true;
}

/* ---- building the profile ------------------------------------------- */

typedef struct p2p_smp_entry p2p_smp_entry;
typedef struct p2p_smp_stack p2p_smp_stack;

/* Entries in the cache's small front table. */
#define P2P_SMP_FRONT 1024

/* The function the frame pushed i-th (from 0) in the current stack names,
 * given its raw text (found or created with p2p_smp_find / p2p_smp_add),
 * or P2P_NONE when out of memory. */
typedef struct p2p_smp_builder p2p_smp_builder;
typedef p2p_fid (*p2p_smp_resolve_fn)(p2p_smp_builder *b, void *ctx, size_t i, const p2p_uchar *s, size_t n);

typedef struct p2p_smp_text_ref {
    const p2p_uchar *s;
    size_t n;
} p2p_smp_text_ref;

/* Per-function sums kept here while parsing (small and hot), written into
 * the profile by p2p_smp_finish(). */
typedef struct p2p_smp_fsum {
    double self, total;
    uint32_t stamp;       /* the stack that last counted `total` */
    uint32_t memo_caller1; /* the caller + 1 of the call last looked up into */
    uint32_t memo_call;   /* that call */
    uint32_t pad;
} p2p_smp_fsum;

struct p2p_smp_builder {
    p2p_profile *p;
    p2p_smp_resolve_fn resolve;
    void *ctx;
    /* cache: raw frame text (two parts) -> function */
    p2p_smp_entry *tab;
    void *tabraw;
    p2p_smp_entry *front; /* recently used entries (P2P_SMP_FRONT) */
    void *frontraw;
    size_t cap, len, cap0;
    p2p_arena *keys;
    bool ids_ambiguous;   /* two raw keys may give one id: look ids up */
    const char *last_module;  /* the module interned last, and its raw text */
    const p2p_uchar *last_module_raw;
    size_t last_module_n;
    /* the stack being built: raw frame texts in the order pushed */
    p2p_smp_text_ref *cur;
    size_t depth, capcur;
    /* the last stack added, root first: its texts, functions and calls
     * (calls[r] is the call from frame r to frame r+1) */
    p2p_smp_text_ref *prev;
    p2p_fid *prevfids, *fids;
    uint32_t *prevcalls, *callv;
    size_t nprev, capstack;
    /* sums */
    p2p_smp_fsum *fs;
    size_t capfs;
    double *s2;           /* SAMPLES2 by call index */
    size_t caps2;
    double samples;       /* profile SAMPLES */
    uint32_t epoch;
    p2p_buf scratch;      /* ids and repaired names */
    p2p_buf scratch2;
    uint64_t nstacks;     /* stacks added */
    const long *line;     /* the parser's current line number, or NULL */
    size_t repairs;       /* strings with invalid UTF-8 replaced */
    long repair_line;     /* the line of the first */
    /* the stack cache: raw text of a whole stack -> what it added */
    struct p2p_smp_stkslot *stk; /* open addressing, stkcap slots */
    size_t stkcap, stklen;
    size_t stkmax;        /* the longest text cached */
    size_t stkbytes;      /* memory the cache holds */
    size_t stkhits;       /* replays since the last check of the saves */
    bool stkoff;          /* saving stopped: stacks did not repeat */
    unsigned char *stkchunk; /* the chunk cached stacks are cut from */
    size_t stkchunk_size, stkchunk_used;
    /* Replays are summed per cached stack and added to the sums later, in
     * one go, while every weight so far is an integer and all of them
     * together stay below 2^52 in magnitude: then every partial sum is
     * exact, and the order of the additions cannot change a bit. */
    p2p_smp_stack *pend;  /* cached stacks with replays not yet added */
    double defer_abs;     /* the magnitudes of the weights so far */
    bool defer_off;       /* a weight that is no such integer came */
};

/* A new builder with a new profile (string ids).  `resolve` turns a pushed
 * frame text into its function; size_hint is the input's size.  Returns 0
 * or P2P_ENOMEM (d filled). */
int p2p_smp_init(p2p_smp_builder *b, p2p_smp_resolve_fn resolve, void *ctx, size_t size_hint, p2p_diag *d);

/* Free the builder; the profile too unless it was taken (b->p = NULL). */
void p2p_smp_free(p2p_smp_builder *b);

/* The function cached under the raw key (a, b), or P2P_NONE. */
p2p_fid p2p_smp_find(p2p_smp_builder *b, const p2p_uchar *ka, size_t na, const p2p_uchar *kb, size_t nb);

/* Describe a function to create.  Each string is raw input bytes: they are
 * repaired (invalid UTF-8 and NUL become U+FFFD) and interned here.  The id
 * is the concatenation of id_a, id_sep (unless 0) and id_b. */
typedef struct p2p_smp_fn {
    const p2p_uchar *id_a, *id_b;
    size_t id_na, id_nb;
    char id_sep;
    const p2p_uchar *name;
    size_t nname;
    const p2p_uchar *module; /* NULL: no module */
    size_t nmodule;
    bool key_is_id;       /* the raw key is exactly (id_a, id_b) */
    bool no_total;        /* a new function gets no TOTAL_SAMPLES */
    bool transient;       /* the module's bytes do not stay in memory */
} p2p_smp_fn;

/* The function with the id `fn` describes, created (with SAMPLES and,
 * unless fn->no_total, TOTAL_SAMPLES 0) when new, and cached under the raw
 * key (a, b).  When
 * the id exists already (two raw keys give the same id) the existing
 * function is returned and keeps its name and module, as in gprof2dot.
 * P2P_NONE when out of memory. */
p2p_fid p2p_smp_add(p2p_smp_builder *b, const p2p_uchar *ka, size_t na, const p2p_uchar *kb, size_t nb,
                    const p2p_smp_fn *fn);

/* Push the raw text of a frame on the stack being built (it must stay in
 * memory until p2p_smp_finish).  0 or P2P_ENOMEM. */
static inline int p2p_smp_push(p2p_smp_builder *b, const p2p_uchar *s, size_t n)
{
    if (b->depth == b->capcur) {
        size_t cap = b->capcur ? b->capcur * 2 : 256;
        p2p_smp_text_ref *c = realloc(b->cur, cap * sizeof *c);
        if (!c)
            return P2P_ENOMEM;
        b->cur = c;
        b->capcur = cap;
    }
    b->cur[b->depth].s = s;
    b->cur[b->depth].n = n;
    b->depth++;
    return 0;
}

/* Add the stack built so far as `weight` samples and empty it.  leaf_first:
 * the first frame pushed is the sampled function (perf, dtrace); otherwise
 * the last one is (collapse).  As gprof2dot does: the leaf gets SAMPLES,
 * each distinct function of the stack TOTAL_SAMPLES once, each adjacent
 * caller->callee pair SAMPLES2 (counted as often as it occurs), and the
 * profile SAMPLES.  Functions are resolved, and calls created, in
 * gprof2dot's order; the frames a stack shares (same text, counted from the
 * root) with the stack before it reuse that stack's functions and calls
 * without a lookup.  An empty stack adds nothing.  0 or P2P_ENOMEM. */
int p2p_smp_commit(p2p_smp_builder *b, double weight, bool leaf_first);

/* ---- the stack cache ---------------------------------------------- */

/* Sampled stacks repeat: the same text of a whole stack (all its frame
 * lines) gives the same functions and calls every time, so a parser can
 * save what a stack's text added (right after p2p_smp_commit() added it)
 * and, when the same text comes again, replay it without reading its
 * lines.  The cache holds at most P2P_SMP_STACK_BYTES (a text of at most
 * P2P_SMP_STACK_MAX bytes each): past that, stacks are only read. */
#define P2P_SMP_STACK_MAX ((size_t)16 << 10)
#define P2P_SMP_STACK_BYTES ((size_t)16 << 20)

/* Save the stack p2p_smp_commit() added last under its raw text s[0..n)
 * (which, read again, would push exactly the same frames) and the number
 * of input lines it spans.  Nothing happens when it is too long, already
 * cached or the cache is full, nor once P2P_SMP_STACK_CHECK saves in a row
 * saw fewer than a quarter as many replays (stacks whose text does not
 * repeat, such as those with another +0x offset in every sample, would
 * only fill memory).  0 or P2P_ENOMEM. */
#define P2P_SMP_STACK_CHECK 4096
int p2p_smp_stack_save(p2p_smp_builder *b, const p2p_uchar *s, size_t n, size_t lines);

/* The stack cached under the text s[0..n), or NULL. */
const p2p_smp_stack *p2p_smp_stack_find(const p2p_smp_builder *b, const p2p_uchar *s, size_t n);

/* The number of input lines a cached stack spans. */
size_t p2p_smp_stack_lines(const p2p_smp_stack *st);

/* Add a cached stack as `weight` samples again: the same sums, in the same
 * order, as p2p_smp_commit() of its frames would. */
void p2p_smp_stack_replay(p2p_smp_builder *b, const p2p_smp_stack *st, double weight);

/* The same cache also holds a parser's own records: up to P2P_SMP_MEMO_MAX
 * numbers saved under a text (which must never be the text of a stack
 * saved with p2p_smp_stack_save()), with the same limits.  Save: 0 or
 * P2P_ENOMEM (nothing happens when the text is too long, already cached or
 * the cache is full or stopped).  Find: the numbers, and their count in
 * *n, or NULL.  A find that answers counts as a replay. */
#define P2P_SMP_MEMO_MAX ((size_t)1 << 20)
int p2p_smp_memo_save(p2p_smp_builder *b, const p2p_uchar *s, size_t n, const uint32_t *v, size_t nv);
const uint32_t *p2p_smp_memo_find(p2p_smp_builder *b, const p2p_uchar *s, size_t n, size_t *nv);

/* Write the sums into the profile's events.  0. */
int p2p_smp_finish(p2p_smp_builder *b);

/* Copy s[0..n) into `buf` for a message: at most `max` bytes, control
 * characters as '?', "..." when cut.  Returns buf. */
const char *p2p_smp_excerpt(const p2p_uchar *s, size_t n, char *buf, size_t size);

/* Warn once, through opts->warn, when names held invalid UTF-8. */
void p2p_smp_note_repairs(const p2p_smp_builder *b, const p2p_parse_opts *o);

/* Report a warning through opts->warn (printf-style); dropped without one. */
void p2p_smp_warn(const p2p_parse_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Python's int() of s[0..n) (surrounding whitespace, a sign, digits with
 * single underscores between them), and with allow_fraction also a decimal
 * fraction (`2.5`, `.5`, `2.`).  false when s is not such a number. */
bool p2p_smp_number(const p2p_uchar *s, size_t n, bool allow_fraction, double *out);

#endif
