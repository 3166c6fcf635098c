/* prof2png: reading inputs and parsing them into a profile.
 *
 * Stage "read" maps or reads a whole file into memory (p2p_input); stage
 * "parse" turns inputs into a p2p_profile through the format table.  A parser
 * fills functions, calls and raw events only; the derived events (ratios,
 * totals) are computed afterwards by p2p_derive_events() (analyse.h) with the
 * recipe named in the format's table entry.
 */
#ifndef PROF2PNG_PARSE_H
#define PROF2PNG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One input, whole in memory.  `name` is what diagnostics call it. */
typedef struct p2p_input {
    const char *name;
    const unsigned char *data;
    size_t size;
    /* private: how to release data */
    void *priv_base;
    size_t priv_len;
    int priv_kind;
} p2p_input;

/* Read (or map) the file at `path` ("-" is stdin) into `in`.  On error fills
 * `d` (file = path) and returns P2P_EIO / P2P_ENOMEM.  Release with
 * p2p_input_release(). */
int p2p_input_read(const char *path, p2p_input *in, p2p_diag *d);

/* Wrap caller-owned bytes as an input (nothing is copied or freed). */
void p2p_input_from_memory(p2p_input *in, const char *name, const void *data, size_t size);

/* Release what p2p_input_read() acquired.  Safe on a zeroed input. */
void p2p_input_release(p2p_input *in);

typedef struct p2p_parse_opts {
    p2p_warn_fn warn;     /* warnings of the parse; may be NULL */
    void *warn_ctx;
    const char *event;    /* callgrind: the event to use by name; NULL = the first */
} p2p_parse_opts;

/* Which derived-data recipe (analyse.h) a format needs after parsing. */
typedef enum p2p_derive {
    P2P_DERIVE_NONE = 0,
    P2P_DERIVE_PSTATS,    /* normalise TIME and TOTAL_TIME (SEMANTICS §6.3) */
    P2P_DERIVE_GPROF,     /* §3.3 step 4 */
    P2P_DERIVE_CALLGRIND, /* §4.5 */
    /* perf, collapse, dtrace with --total=callratios (the default): as
     * CALLGRIND, totals propagated along call ratios */
    P2P_DERIVE_SAMPLES,
    /* the same with --total=callstacks: a function's total is the share of
     * stacks it is on (TOTAL_SAMPLES), a call's its ratio times the
     * callee's total */
    P2P_DERIVE_SAMPLES_CALLSTACKS
} p2p_derive;

/* Parse `n` inputs into a new profile (*out, owned by the caller).  Formats
 * that take one input reject n != 1 with P2P_EUSAGE.  On error *out is NULL
 * and `d` names the input and the position. */
typedef int (*p2p_parse_fn)(const p2p_input *inputs, size_t n, const p2p_parse_opts *o,
                            p2p_profile **out, p2p_diag *d);

typedef struct p2p_format {
    const char *name;        /* as given to -f */
    const char *alias;       /* another accepted name, or NULL */
    bool multiple_inputs;    /* several inputs merge into one profile */
    p2p_derive derive;
    p2p_parse_fn parse;
} p2p_format;

/* The format called `name` (or its alias), or NULL. */
const p2p_format *p2p_format_find(const char *name);

/* All formats, in table order; *n gets the count. */
const p2p_format *p2p_formats(size_t *n);

/* Parsers (one per file in src/parse/). */
int p2p_parse_pstats(const p2p_input *inputs, size_t n, const p2p_parse_opts *o,
                     p2p_profile **out, p2p_diag *d);
/* GNU gprof text (SEMANTICS.md §3): one input.  P2P_EFORMAT when it holds
 * neither a call graph nor a flat profile; a flat profile alone gives nodes
 * without calls and a warning.  Bad lines are skipped with a warning naming
 * their line, through opts->warn. */
int p2p_parse_gprof(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                    p2p_diag *d);
/* Callgrind/cachegrind (SEMANTICS.md §4): several inputs merge into one
 * profile.  P2P_EUSAGE when opts->event names an event an input lacks (the
 * message lists its events); P2P_EFORMAT for a cost line before `events:`
 * or an input that is not callgrind at all.  Other bad lines are skipped
 * with one warning per kind and input, through opts->warn. */
int p2p_parse_callgrind(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                        p2p_diag *d);
/* `perf script` text (src/parse/perf.c): one input.  Stacks with and
 * without call graphs, several events (opts->event keeps one; P2P_EUSAGE
 * when it names none of the file's events).  P2P_EFORMAT for lines without
 * a single sample. */
int p2p_parse_perf(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                   p2p_diag *d);
/* Collapsed stacks `a;b;c 12` (src/parse/collapse.c): one input, UTF-8 or
 * UTF-16 with a byte-order mark.  P2P_EFORMAT when no line has a count. */
int p2p_parse_collapse(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                       p2p_diag *d);
/* DTrace aggregated ustack() output (src/parse/dtrace.c): one input.
 * P2P_EFORMAT for lines without a single stack. */
int p2p_parse_dtrace(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                     p2p_diag *d);
/* gprof2dot's JSON profile (src/parse/json.c): one input.  Schema
 * violations (a missing key, a wrong type, an index out of range, a version
 * other than 0, a non-finite cost) are P2P_EFORMAT naming the JSON path; bad
 * JSON is P2P_EFORMAT or P2P_ETRUNCATED with the line and byte offset;
 * nesting beyond the tokener's depth limit is P2P_ELIMIT. */
int p2p_parse_json(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out, p2p_diag *d);
/* Java HPROF text, cpu=samples or cpu=times (src/parse/hprof.c): one input.
 * P2P_EFORMAT when the input has no TRACE records or no CPU SAMPLES/TIME
 * table. */
int p2p_parse_hprof(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                    p2p_diag *d);

#ifdef __cplusplus
}
#endif
#endif
