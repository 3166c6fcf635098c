/* Threads and processes of the formats whose samples name one (perf's
 * comm/pid/tid, hprof, speedscope, trace events, austin, ...): --thread
 * selects them, --list-threads lists them (p2p_parse_opts.thread and
 * .threads in include/prof2png/parse.h).  Internal to src/parse.
 *
 * A parser gives each thread a label once (its name, ids, or both: the
 * text --thread matches), gets a small index back, and asks per sample
 * whether that index is kept; it counts what each thread weighs for the
 * list.  The regular expression is matched once per distinct label, never
 * per sample.
 *
 *     p2p_threadsel ts;
 *     if ((rc = p2p_threadsel_init(&ts, opts, d)))  // a bad regex: P2P_EUSAGE
 *         return rc;
 *     ...
 *     uint32_t t = p2p_threadsel_thread(&ts, label, n);  // P2P_NONE: no memory
 *     p2p_threadsel_count(&ts, t, weight);
 *     if (p2p_threadsel_kept(&ts, t)) ... add the sample ...
 *     ...
 *     rc = p2p_threadsel_finish(&ts, d);  // the list; P2P_ENOTFOUND if --thread kept none
 *     p2p_threadsel_free(&ts);
 */
#ifndef P2P_PARSE_THREADS_H
#define P2P_PARSE_THREADS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prof2png/parse.h"
#include "../util/util.h"

typedef struct p2p_threadsel_one {
    double total;
    uint64_t samples;
    bool kept;
} p2p_threadsel_one;

typedef struct p2p_threadsel {
    const p2p_parse_opts *o;
    regex_t re;
    bool have_re;
    p2p_arena *arena;       /* the labels */
    p2p_intern *labels;     /* label -> index */
    p2p_threadsel_one *v;   /* by index */
    size_t n, cap;
} p2p_threadsel;

/* Prepare for a parse with options o (kept: it must outlive the parse).
 * Returns 0, P2P_EUSAGE when o->thread is not a valid extended regular
 * expression (d says why) or P2P_ENOMEM. */
int p2p_threadsel_init(p2p_threadsel *s, const p2p_parse_opts *o, p2p_diag *d);

/* The index of the thread labelled label[0..n) (invalid UTF-8 is kept as
 * it is; a NUL ends the label), created when new.  P2P_NONE when out of
 * memory. */
uint32_t p2p_threadsel_thread(p2p_threadsel *s, const char *label, size_t n);

/* Whether the samples of thread t are kept (true without --thread). */
static inline bool p2p_threadsel_kept(const p2p_threadsel *s, uint32_t t)
{
    return s->v[t].kept;
}

/* Whether any thread selection or listing was asked for at all: a parser
 * may skip building labels when it was not. */
static inline bool p2p_threadsel_active(const p2p_threadsel *s)
{
    return s->have_re || (s->o && s->o->threads);
}

/* Count one sample (or event) of weight w for thread t. */
static inline void p2p_threadsel_count(p2p_threadsel *s, uint32_t t, double w)
{
    s->v[t].total += w;
    s->v[t].samples++;
}

/* Count n samples (or events) of total weight w for thread t at once. */
static inline void p2p_threadsel_add(p2p_threadsel *s, uint32_t t, double w, uint64_t n)
{
    s->v[t].total += w;
    s->v[t].samples += n;
}

/* The end of the parse: fill o->threads when asked.  Returns 0, or
 * P2P_ENOTFOUND when --thread was given and kept no thread (the message
 * names up to 10 labels), or P2P_ENOMEM. */
int p2p_threadsel_finish(p2p_threadsel *s, p2p_diag *d);

void p2p_threadsel_free(p2p_threadsel *s);

#endif
