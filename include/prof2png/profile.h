/* prof2png: the profile model (SEMANTICS.md §1).
 *
 * A profile is a set of functions, the calls between them, the recursion
 * cycles found among them, and per-object event maps.  It owns one arena:
 * every string and array hanging off it is freed by p2p_profile_free().
 *
 * Functions and calls live in growable arrays and are named by their index
 * (p2p_fid / call index), never by pointer, because the arrays move while a
 * parser grows them.  A function's out-calls form a singly linked list in
 * insertion order (first_call / p2p_call.next).  Pruning marks objects
 * `removed`; nothing is ever physically deleted.
 */
#ifndef PROF2PNG_PROFILE_H
#define PROF2PNG_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Event kinds (SEMANTICS.md §1.2).  Distinct even where display names agree. */
typedef enum p2p_event {
    P2P_CALLS = 0,         /* call count */
    P2P_SAMPLES,           /* self samples / self cost */
    P2P_SAMPLES2,          /* a call's inclusive samples (callgrind) */
    P2P_TOTAL_SAMPLES,     /* perf/collapse only */
    P2P_TIME,              /* self time, seconds */
    P2P_TIME_RATIO,        /* self fraction 0..1 */
    P2P_TOTAL_TIME,        /* inclusive time, seconds */
    P2P_TOTAL_TIME_RATIO,  /* inclusive fraction */
    P2P_NEVENTS
} p2p_event;

/* An event map: a value per kind plus a presence bit (absent != zero). */
typedef struct p2p_events {
    double v[P2P_NEVENTS];
    unsigned has;
} p2p_events;

static inline bool p2p_ev_has(const p2p_events *e, p2p_event k) { return (e->has >> k) & 1u; }
static inline double p2p_ev_get(const p2p_events *e, p2p_event k) { return e->v[k]; }
static inline void p2p_ev_set(p2p_events *e, p2p_event k, double x)
{
    e->v[k] = x;
    e->has |= 1u << k;
}
/* Add x to event k, treating an absent event as 0. */
static inline void p2p_ev_add(p2p_events *e, p2p_event k, double x)
{
    e->v[k] = p2p_ev_has(e, k) ? e->v[k] + x : x;
    e->has |= 1u << k;
}
static inline void p2p_ev_clear(p2p_events *e, p2p_event k) { e->has &= ~(1u << k); }

typedef uint32_t p2p_fid;
#define P2P_NONE UINT32_MAX

typedef struct p2p_call {
    p2p_fid caller, callee;
    uint32_t next;        /* next out-call of `caller`, insertion order */
    bool has_ratio, has_weight, removed;
    bool implied;         /* --max-nodes: stands for a path through dropped
                             functions (drawn dotted; weight only, no events) */
    double ratio;         /* §5.2; valid when has_ratio */
    double weight;        /* §7.1; valid when has_weight */
    p2p_events ev;
} p2p_call;

/* Optional, for the pstats reports (report.h): a caller's statistics as
 * Python's pstats holds them, kept beside the calls (p2p_profile.call_stats)
 * so that other formats' calls do not carry them.  stat_n 4: stat = (nc, cc,
 * tt, ct), a cProfile caller tuple; 1: stat[0] is a call count (the profile
 * module); 0: none (other formats). */
typedef struct p2p_call_stat {
    double stat[4];
    uint8_t stat_n;
} p2p_call_stat;

typedef struct p2p_function {
    int64_t id_num;       /* the id when the profile's ids are ints */
    const char *id_str;   /* the id when they are strings (interned) */
    const char *name;     /* interned, never NULL */
    const char *module;   /* NULL: none */
    const char *process;  /* NULL: none */
    const char *filename; /* NULL: none; "" is a real (empty) filename */
    int64_t called;
    bool has_called;
    bool removed;
    bool has_weight;
    uint32_t first_call, last_call; /* out-call list, P2P_NONE when empty */
    uint32_t cycle;       /* index into profile->cycles, P2P_NONE if none */
    double weight;        /* §7.1; valid when has_weight */
    p2p_events ev;
} p2p_function;

/* Optional, for the pstats reports (report.h), kept beside the functions
 * (p2p_profile.fn_stats) and set by the pstats parser: `func_name` and
 * `line` are the key (filename, line, func_name) parts (func_name NULL: not
 * a pstats key); `prim_called` is cc, the primitive calls (`called` is nc);
 * `in_stats`: the function has a stats entry of its own (a caller may have
 * none), the `stats_order`-th in the merged stats dict's order. */
typedef struct p2p_fn_stat {
    const char *func_name;
    int64_t line;
    int64_t prim_called;
    uint32_t stats_order;
    bool has_prim_called;
    bool in_stats;
} p2p_fn_stat;

typedef struct p2p_cycle {
    p2p_fid *members;     /* in the order they joined */
    uint32_t nmembers;
    p2p_events ev;
} p2p_cycle;

/* What a profile's SAMPLES values measure, for the text that shows them
 * (tooltips, --stats, the legend's total, --show-samples).  The formats
 * gprof2dot reads leave it P2P_UNIT_DEFAULT (their output does not change):
 * SAMPLES is then a count named by cost_name, or "samples".  Formats whose
 * values carry a unit (pprof sample types, speedscope's `unit`, V8's
 * microseconds) set it, and store times in seconds and sizes in bytes. */
typedef enum p2p_unit {
    P2P_UNIT_DEFAULT = 0,
    P2P_UNIT_COUNT,       /* a count of what cost_name names ("samples",
                             "alloc_objects"); NULL: "samples" */
    P2P_UNIT_SECONDS,     /* a time, in seconds */
    P2P_UNIT_BYTES        /* a size, in bytes */
} p2p_unit;

typedef enum p2p_id_kind { P2P_ID_INT = 0, P2P_ID_STRING = 1 } p2p_id_kind;

typedef struct p2p_arena p2p_arena;
typedef struct p2p_profile_index p2p_profile_index;

typedef struct p2p_profile {
    p2p_id_kind id_kind;
    p2p_function *functions;
    uint32_t nfunctions;
    p2p_call *calls;
    uint32_t ncalls;
    p2p_cycle *cycles;
    uint32_t ncycles;
    p2p_events ev;        /* profile-level totals */
    p2p_arena *arena;     /* owns strings, cycle member arrays, ... */
    p2p_warn_fn warn;     /* optional warning sink (see error.h) */
    void *warn_ctx;
    /* Optional, for the reports (report.h).  pstats: `pstats_python` is
     * the major version of the Python whose pstats reads the input (2 or
     * 3; 0: not pstats) and `pstats_total_tt` its Stats.total_tt.  Other
     * formats: `cost_name` names what SAMPLES counts (a callgrind event
     * such as "Ir"); NULL: unknown. */
    int pstats_python;
    double pstats_total_tt;
    const char *cost_name;
    p2p_unit unit;        /* what SAMPLES measures (see p2p_unit) */
    /* NULL, or the pstats statistics of calls [0, ncall_stats): see
     * p2p_profile_call_stat() */
    p2p_call_stat *call_stats;
    uint32_t ncall_stats;
    /* NULL, or the pstats data of functions [0, nfn_stats): see
     * p2p_profile_fn_stat() */
    p2p_fn_stat *fn_stats;
    uint32_t nfn_stats;
    /* private */
    uint32_t capfunctions, capcalls, capcycles;
    p2p_profile_index *index;
} p2p_profile;

/* A new empty profile whose function ids are ints or strings.  NULL when out
 * of memory. */
p2p_profile *p2p_profile_new(p2p_id_kind kind);

/* Free the profile and everything it owns.  NULL is accepted. */
void p2p_profile_free(p2p_profile *p);

/* Allocate `size` bytes (aligned for any type) from the profile's arena.
 * Freed with the profile.  NULL when out of memory. */
void *p2p_profile_alloc(p2p_profile *p, size_t size);

/* Intern `len` bytes at `s` (not necessarily NUL-terminated): the same bytes
 * always give the same pointer, owned by the profile.  NULL when out of
 * memory. */
const char *p2p_profile_intern(p2p_profile *p, const char *s, size_t len);

/* The same strings by entry, for a parser that keeps its own data per
 * distinct name: the index of the entry for s[0..len) (created when new;
 * entries are numbered from 0), P2P_NONE when out of memory; the entry's
 * interned string and its length; and a uint32 the parser may keep in the
 * entry (P2P_NONE in a new one; one parser per profile uses it). */
uint32_t p2p_profile_name_index(p2p_profile *p, const char *s, size_t len);
const char *p2p_profile_name_str(const p2p_profile *p, uint32_t i);
size_t p2p_profile_name_len(const p2p_profile *p, uint32_t i);
uint32_t *p2p_profile_name_val(p2p_profile *p, uint32_t i);

/* A SAMPLES value v as text in the profile's unit, into out (always
 * NUL-terminated when size > 0): "1.25 s" (seconds), "1.50 MB" (bytes, in
 * units of 1024 as pprof prints them: B, kB, MB, GB, TB), "1234 samples" or
 * "1234 alloc_objects" (counts; the default unit too).  Returns the length
 * of the whole text, as snprintf does. */
int p2p_profile_value_text(const p2p_profile *p, double v, char *out, size_t size);

/* printf into the profile's arena.  NULL when out of memory. */
const char *p2p_profile_printf(p2p_profile *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Look up a function by id.  P2P_NONE when absent. `id` must be interned
 * (p2p_profile_intern) for the string variant. */
p2p_fid p2p_profile_find_int(const p2p_profile *p, int64_t id);
p2p_fid p2p_profile_find_str(const p2p_profile *p, const char *id);

/* Add a function with the given id and name (interned by the caller).  The
 * id must not exist yet.  Returns its index, or P2P_NONE when out of memory.
 * The new function has no events, no called count, no module. */
p2p_fid p2p_profile_add_int(p2p_profile *p, int64_t id, const char *name);
p2p_fid p2p_profile_add_str(p2p_profile *p, const char *id, const char *name);

/* The call caller->callee, or P2P_NONE. */
uint32_t p2p_profile_find_call(const p2p_profile *p, p2p_fid caller, p2p_fid callee);

/* The call caller->callee, created (appended to the caller's list, with no
 * events) when it does not exist; *created tells which (may be NULL).
 * P2P_NONE when out of memory. */
uint32_t p2p_profile_get_call(p2p_profile *p, p2p_fid caller, p2p_fid callee, bool *created);

/* Append the call caller->callee, which the caller knows does not exist
 * yet, with no events, without the cost of indexing it now (the index
 * catches up at the next find or get).  P2P_NONE when out of memory. */
uint32_t p2p_profile_add_call(p2p_profile *p, p2p_fid caller, p2p_fid callee);

/* The pstats statistics of call c (stat_n 0 when it has none). */
static inline const p2p_call_stat *p2p_call_stat_get(const p2p_profile *p, uint32_t c)
{
    static const p2p_call_stat none;
    return c < p->ncall_stats ? &p->call_stats[c] : &none;
}

/* The pstats statistics of call c, for writing (created with stat_n 0).
 * NULL when out of memory. */
p2p_call_stat *p2p_profile_call_stat(p2p_profile *p, uint32_t c);

/* The pstats data of function f (all zero when it has none). */
static inline const p2p_fn_stat *p2p_fn_stat_get(const p2p_profile *p, p2p_fid f)
{
    static const p2p_fn_stat none;
    return f < p->nfn_stats ? &p->fn_stats[f] : &none;
}

/* The pstats data of function f, for writing (created all zero).  NULL when
 * out of memory. */
p2p_fn_stat *p2p_profile_fn_stat(p2p_profile *p, p2p_fid f);

/* Append an empty cycle; returns its index or P2P_NONE (out of memory). */
uint32_t p2p_profile_add_cycle(p2p_profile *p);

/* Make function f a member of cycle c (f must be in no cycle).  Returns 0 or
 * P2P_ENOMEM. */
int p2p_profile_cycle_add(p2p_profile *p, uint32_t c, p2p_fid f);

/* Report a warning through the profile's sink (printf-style). */
void p2p_profile_warn(const p2p_profile *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* SEMANTICS.md §2.2: numerator/denominator clamped to [0, 1]; x/0 is 1.0.
 * Warns through p (may be NULL) when the unclamped value is well outside. */
double p2p_ratio(const p2p_profile *p, double numerator, double denominator);

/* SEMANTICS.md §2.3: set OUT = ratio(IN, profile[IN]) on every live function
 * and on every call that has IN; profile[OUT] = 1.  Returns 0, or P2P_EFORMAT
 * (with d filled) when a function lacks IN or the profile has no IN total. */
int p2p_profile_normalise(p2p_profile *p, p2p_event out, p2p_event in, p2p_diag *d);

/* Compare two function ids (ints numerically, strings bytewise) for the
 * DOT output order.  <0, 0, >0. */
int p2p_profile_cmp_ids(const p2p_profile *p, p2p_fid a, p2p_fid b);

/* Every function's out-calls in list order, as one array: those of f are
 * calls[start[f] .. start[f + 1]) (start has nfunctions + 1 entries), the
 * same calls, in the same order, as f's linked list.  Walking it reads
 * independent array slots instead of chasing `next` across the call array,
 * which on big profiles is a cache miss per call.  Made on first use and
 * kept (owned by the profile) until a function or call is added.  Returns
 * the call array with *start set, or NULL when out of memory. */
const uint32_t *p2p_profile_out_calls(p2p_profile *p, const uint32_t **start);

/* Beside p2p_profile_out_calls(): live[i] = the callee of call calls[i]
 * when that call is live (neither it nor its callee removed), P2P_NONE
 * otherwise; `live` has ncalls entries.  Read from the call array in its
 * own order.  0, or P2P_ENOMEM. */
int p2p_profile_live_callees(p2p_profile *p, uint32_t *live);

/* Free what p2p_profile_out_calls() made (it is made again when next
 * asked for), for when the passes that walk it are done. */
void p2p_profile_drop_out_calls(p2p_profile *p);

/* Free the lookup tables of the ids and calls and the out-call arrays, for
 * when a parser is done: lookups and additions still work (the tables are
 * made again when next needed), no answer changes. */
void p2p_profile_trim(p2p_profile *p);

/* Iterate a function's live out-calls:
 *   for (uint32_t c = f->first_call; c != P2P_NONE; c = p->calls[c].next) */

#ifdef __cplusplus
}
#endif
#endif
