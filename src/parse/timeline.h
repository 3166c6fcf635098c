/* The accounting of the formats that record when each frame was entered and
 * left (speedscope's evented and sampled profiles, trace events): frames are
 * opened and closed along a time line, and the time between two changes
 * goes to the frames open then.  Internal to src/parse.
 *
 * At any time the open frames form one stack, ordered by when they were
 * opened; the innermost is the last one opened.  Time t..t' with that stack
 * adds, as gprof2dot's perf accounting adds a sample of weight t' - t:
 *  - to the innermost frame's function, SAMPLES (self time);
 *  - to each function with a frame on the stack, TOTAL_SAMPLES once, however
 *    many of its frames are open (recursion is counted once);
 *  - to each adjacent pair caller -> callee of the stack, the call's
 *    SAMPLES2;
 *  - to the profile, SAMPLES.
 * The sums are kept lazily: a function's TOTAL_SAMPLES from when its first
 * frame opens to when its last one closes, a pair's SAMPLES2 from when the
 * two became neighbours to when they stop being so; so opening or closing a
 * frame costs O(1) whatever the depth.  A frame may be closed while frames
 * opened after it are still open (trace events that overlap): it leaves
 * the stack and the frames above it are from then on on top of the frame
 * below it.
 *
 * With calls counted (p2p_tl_open(..., count = true)) a frame's opening is
 * one call of its function (p2p_function.called) and one of the call from
 * the innermost frame open then (CALLS); p2p_tl_finish then gives every
 * call a CALLS value (0 for a pair that only became neighbours when a frame
 * between them closed) and every function `called`.
 *
 *     p2p_tl tl;
 *     p2p_tl_init(&tl, profile, true);
 *     tl.scale = 1e-6;                     // values in microseconds -> s
 *     uint32_t a = p2p_tl_open(&tl, fa, 0.0, true);
 *     uint32_t b = p2p_tl_open(&tl, fb, 2.0, true);
 *     p2p_tl_close(&tl, b, 5.0);
 *     p2p_tl_close(&tl, a, 9.0);
 *     p2p_tl_finish(&tl);                  // the sums into the profile
 *     p2p_tl_free(&tl);
 */
#ifndef P2P_PARSE_TIMELINE_H
#define P2P_PARSE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prof2png/profile.h"

typedef struct p2p_tl_node {
    uint32_t prev, next;  /* neighbours on the stack (P2P_NONE: none) */
    p2p_fid fid;
    uint32_t call;        /* the call prev -> this, P2P_NONE until needed */
    double edge_since;    /* since when prev is below this one */
} p2p_tl_node;

typedef struct p2p_tl_fn {
    double self, total, since;
    uint32_t open;        /* frames of it on the stack */
    uint32_t memo_caller1, memo_call; /* the last call into it looked up */
} p2p_tl_fn;

/* A slot of the cache of calls: caller << 32 | callee, and the call + 1
 * (0: empty). */
typedef struct p2p_tl_pair {
    uint64_t pair;
    uint32_t call1;
} p2p_tl_pair;

#define P2P_TL_PAIRS 65536

typedef struct p2p_tl {
    p2p_profile *p;
    bool counting;        /* calls are counted */
    double scale;         /* time units -> the profile's (1 by default) */
    p2p_tl_fn *fs;        /* by function */
    size_t capfs;
    double *s2, *ncalls;  /* by call */
    size_t caps2;
    p2p_tl_node *nodes;   /* frames, open or free */
    size_t nnodes, capnodes;
    uint32_t free;        /* a free node, linked by `next` */
    uint32_t top;         /* the innermost open frame, or P2P_NONE */
    double top_since;
    uint32_t depth;       /* open frames */
    double samples;       /* the profile's SAMPLES so far (scaled) */
    bool oom;
    p2p_tl_pair *pairs;   /* P2P_TL_PAIRS, or NULL until lookups is 4096 */
    uint32_t lookups;
} p2p_tl;

/* Start accounting into p (its functions are created by the caller). */
void p2p_tl_init(p2p_tl *tl, p2p_profile *p, bool counting);

/* Open a frame of function f at time t (not before the last change), on top
 * of the stack; with `count`, one call.  The frame's handle, or P2P_NONE
 * when out of memory. */
uint32_t p2p_tl_open(p2p_tl *tl, p2p_fid f, double t, bool count);

/* Close open frame `node` at time t (not before the last change), wherever
 * it is on the stack.  0 or P2P_ENOMEM. */
int p2p_tl_close(p2p_tl *tl, uint32_t node, double t);

/* The innermost open frame, or P2P_NONE. */
static inline uint32_t p2p_tl_top(const p2p_tl *tl)
{
    return tl->top;
}

/* Write the sums into the profile: each function's SAMPLES and
 * TOTAL_SAMPLES (and `called` when counting), each call's SAMPLES2 (and
 * CALLS), the profile's SAMPLES.  Frames still open are not counted. */
void p2p_tl_finish(p2p_tl *tl);

void p2p_tl_free(p2p_tl *tl);

/* A new function of an evented format in p, with int id `id`: named
 * name[0..nn), or "name: detail" when nd > 0; its file file[0..nf) when
 * nf > 0; its line (for tooltips and --href) when line > 0 and fn_stats.
 * Strings are interned with invalid UTF-8 and NUL as U+FFFD (each string
 * repaired adds 1 to *repairs).  P2P_NONE when out of memory. */
p2p_fid p2p_tl_function(p2p_profile *p, int64_t id, const char *name, size_t nn, const char *detail, size_t nd,
                        const char *file, size_t nf, int64_t line, bool fn_stats, size_t *repairs);

#endif
