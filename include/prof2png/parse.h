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
#include <stdint.h>

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
    const char *compression; /* "gzip", "zstd", or NULL: read as it was */
    /* private: how to release data */
    void *priv_base;
    size_t priv_len;
    int priv_kind;
    size_t priv_done;     /* mapped bytes [0, priv_done) already released */
    int priv_fd;          /* a mapped file: still open for p2p_lines, or -1 */
} p2p_input;

/* Progress of a long read: `done` bytes of `total` (0: unknown, as for a
 * pipe).  Called every few megabytes; the library never prints. */
typedef void (*p2p_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* The most bytes a compressed input may decompress to by default (8 GiB). */
#define P2P_DEFAULT_MAX_DECOMPRESSED ((size_t)8 << 30)

typedef struct p2p_read_opts {
    /* decompressed bytes at most; 0 = P2P_DEFAULT_MAX_DECOMPRESSED */
    size_t max_decompressed;
    /* NULL: no progress reports (and no early page-in of mapped files) */
    p2p_progress_fn progress;
    void *progress_ctx;
} p2p_read_opts;

/* Read (or map) the file at `path` ("-" is stdin) into `in`.  A gzip or
 * zstd input (told by its magic bytes, not its name) is decompressed whole
 * (in->compression names which), so that every parser sees plain bytes.
 * With a progress callback, a mapped file is paged in with reports, a pipe
 * is reported as it is read, and a compressed input as it is
 * decompressed.  On error fills `d` (file = path) and returns P2P_EIO,
 * P2P_ENOMEM, or for compressed input P2P_ETRUNCATED (ends inside the
 * stream), P2P_EFORMAT (corrupt) or P2P_ELIMIT (decompresses to more than
 * the limit).  `o` may be NULL.  Release with p2p_input_release(). */
int p2p_input_read_opts(const char *path, const p2p_read_opts *o, p2p_input *in, p2p_diag *d);

/* p2p_input_read_opts() with no options. */
int p2p_input_read(const char *path, p2p_input *in, p2p_diag *d);

/* Wrap caller-owned bytes as an input (nothing is copied or freed). */
void p2p_input_from_memory(p2p_input *in, const char *name, const void *data, size_t size);

/* A parser's promise that it will not read the bytes of `in` before `upto`
 * again (or will read few of them): the reader may drop them from memory.
 * Mapped files release whole pages through madvise(MADV_DONTNEED); the pages
 * stay readable (a later read fetches them from the file again), so a stray
 * read is slow, never wrong.  Anything else, or a pointer outside in->data
 * (a parser working on a decoded copy), is a no-op.  Cheap: parsers call it
 * every few megabytes.  `in` must come from p2p_input_read() or
 * p2p_input_from_memory() (its bookkeeping field is updated). */
void p2p_input_consumed(const p2p_input *in, const void *upto);

/* Whole lines of an input, front to back, in pieces.  On this VM faulting
 * a mapped file in costs about three times what read() into a small reused
 * buffer does, so a mapped file's lines are read (pread) into a buffer of
 * P2P_LINES_BUF bytes; a line longer than that is handed out in place, from
 * the mapping.  Other inputs (memory, stdin, decompressed or transcoded
 * bytes) come in place, in one piece.  The bytes stay in memory after the
 * reading, so a parser may also look at them directly (e.g. the first
 * lines, the tail).  (Only so many mapped files keep their descriptor
 * open, a quarter of the process's limit at most: the lines of the others
 * come in place.)  Private fields: use the functions below. */
#define P2P_LINES_BUF ((size_t)128 << 10)

typedef struct p2p_lines {
    const p2p_input *in;
    const unsigned char *data; /* the bytes: whole lines [0, len) */
    size_t len, pos;           /* bytes [0, pos) were handed out */
    int fd;                    /* -1: pieces in place */
    uint64_t fdoff;            /* file offset of data[0] */
    unsigned char *buf;
} p2p_lines;

/* Start reading data[0..len) (len > 0: data[len - 1] is '\n' or '\r';
 * len 0: nothing).  When data lies in a mapped input `in`, it is read from
 * the file; otherwise (`in` NULL, or data elsewhere) in place.  Never fails:
 * without memory for the buffer, the lines come in place. */
void p2p_lines_begin(p2p_lines *r, const p2p_input *in, const unsigned char *data, size_t len);

/* The next piece [*piece, *piece + *n): whole lines, the last one ending in
 * '\n' or '\r', never a "\r\n" cut in two.  Returns 1 with a piece, 0 at
 * the end, -1 (errno set) when the file cannot be read (or shrank).  A
 * piece stays valid until the next call; earlier bytes of the mapping are
 * released (p2p_input_consumed) as reading goes on. */
int p2p_lines_next(p2p_lines *r, const unsigned char **piece, size_t *n);

/* Free the buffer.  Safe on a zeroed reader. */
void p2p_lines_end(p2p_lines *r);

/* Release what p2p_input_read() acquired.  Safe on a zeroed input. */
void p2p_input_release(p2p_input *in);

typedef struct p2p_parse_opts {
    p2p_warn_fn warn;     /* warnings of the parse; may be NULL */
    void *warn_ctx;
    const char *event;    /* callgrind: the event to use by name; NULL = the first */
    /* pstats: leave out data the caller will not read (zero: keep all).
     * no_call_stats: the calls' statistics (p2p_profile.call_stats), read
     * only by the text reports (report.h); no_fn_stats: the functions'
     * (p2p_profile.fn_stats), read by those reports and by the tooltips
     * and links of p2p_graph_annotate().  The graph is the same. */
    bool no_call_stats;
    bool no_fn_stats;
    /* Threads, in the formats whose samples name a thread or process (see
     * src/parse/threads.h; a format that names none ignores both).
     * thread: --thread, a POSIX extended regular expression; only samples
     * of threads whose label it matches (anywhere) are kept; NULL: all.
     * A regex that matches no thread fails the parse (P2P_ENOTFOUND, the
     * message lists the threads).  threads: --list-threads; when not NULL
     * the parser adds every thread it saw, kept or not, with its total. */
    const char *thread;
    struct p2p_thread_list *threads;
} p2p_parse_opts;

/* The threads (or processes) of a profile, in the order first seen, with
 * the total of their samples in the profile's unit (p2p_profile.unit). */
typedef struct p2p_thread_info {
    char *label;          /* what --thread matches, e.g. "python3 1234/1235" */
    double total;         /* the sum of the weights of its samples */
    uint64_t samples;     /* how many samples (or events) it had */
    bool kept;            /* --thread kept it (true when no --thread) */
} p2p_thread_info;

typedef struct p2p_thread_list {
    p2p_thread_info *v;
    size_t n, cap;
} p2p_thread_list;

/* Free the labels and the array of a thread list (not the list itself). */
void p2p_thread_list_free(p2p_thread_list *l);

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
    P2P_DERIVE_SAMPLES_CALLSTACKS,
    /* axe (VTune gprof-cc): the report gives each function's inclusive
     * fraction (TOTAL_TIME_RATIO) but no call counts.  TIME_RATIO from
     * TIME; call ratios from the calls' stand-in TOTAL_TIME_RATIO (the
     * caller's); then a call's TOTAL_TIME_RATIO is its ratio times the
     * callee's.  No integration. */
    P2P_DERIVE_AXE
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

/* Stage "detect" (src/parse/detect.c): the format of an input given
 * without -f, from its first bytes (after any decompression).  Each format
 * of the table has a sniffer answering no, maybe (the shape fits) or sure (a
 * signature such as a header line or a magic number); the best answer wins.
 * Sets *out and returns 0, or returns P2P_EUNSUPPORTED with *out NULL and a
 * message in d that lists the formats tried, when no sniffer recognises the
 * input or when two give the same best answer.  Does not print. */
int p2p_detect(const p2p_input *in, const p2p_format **out, p2p_diag *d);

/* The answer of one format's sniffer: 0 no, 1 maybe, 2 sure; -1 when there
 * is no sniffer of that name.  Sniffers of formats missing from the parser
 * table still answer here (p2p_detect skips them). */
int p2p_detect_score(const p2p_input *in, const char *format);

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
/* VTune Amplifier XE gprof-cc text (src/parse/axe.c): one input.
 * Recursion cycles come from the report's `<cycle N>` tags.  P2P_EFORMAT
 * when it holds no function entry; bad lines are skipped with a warning
 * naming their line, through opts->warn.  Derive with P2P_DERIVE_AXE. */
int p2p_parse_axe(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                  p2p_diag *d);
/* xperf CSV (src/parse/xperf.c): one input, a header row naming at least
 * Process Name, Module, Function, Stack, Weight and Count, then one row per
 * sample group.  P2P_EFORMAT when the header lacks one of those columns;
 * rows that cannot be read are skipped with a warning naming their line. */
int p2p_parse_xperf(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                    p2p_diag *d);
/* Very Sleepy's .sleepy zip archive (src/parse/sleepy.c): one input, read
 * from memory with libzip (Symbols.txt and Callstacks.txt).  P2P_EFORMAT
 * for what is not a zip archive, a corrupt one, a missing member or a
 * Callstacks.txt without a single stack; P2P_ELIMIT for a member beyond
 * the size limit.  Bad stack lines are skipped with a warning. */
int p2p_parse_sleepy(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                     p2p_diag *d);
/* Sysprof's XML profile (src/parse/sysprof.c): one input, read with expat.
 * P2P_EFORMAT (with the line) for XML that is not well-formed, declares
 * entities, nests deeper than a profile does, or breaks the structure
 * (a node naming a missing node or object, a parent chain that loops). */
int p2p_parse_sysprof(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
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

/* speedscope's JSON (src/parse/speedscope.c, docs/formats/speedscope.md):
 * one input, sampled and evented profiles, merged or chosen as threads.
 * P2P_EFORMAT (naming the byte, or the profile and the event) for bad JSON,
 * a schema violation, events out of order or unbalanced, profiles of
 * different kinds of unit kept together; P2P_ELIMIT for nesting.  Derive
 * with P2P_DERIVE_SAMPLES_CALLSTACKS (or P2P_DERIVE_SAMPLES). */
int p2p_parse_speedscope(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                         p2p_diag *d);
/* Chrome's Trace Event Format (src/parse/trace.c, docs/formats/trace.md):
 * one input, complete (X) and duration (B/E) events nested by time on each
 * thread.  P2P_EFORMAT or P2P_ETRUNCATED (with the byte) for bad JSON or a
 * trace that is not an array of events or an object with "traceEvents";
 * P2P_EEMPTY without a single X or B event; events that cannot be used
 * are skipped with a warning naming the first.  Derive with
 * P2P_DERIVE_SAMPLES_CALLSTACKS (or P2P_DERIVE_SAMPLES). */
int p2p_parse_trace(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                    p2p_diag *d);

#ifdef __cplusplus
}
#endif
#endif
