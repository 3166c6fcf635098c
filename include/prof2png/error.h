/* prof2png: error codes and diagnostics.
 *
 * Every library function that can fail returns an int: 0 on success or a
 * negative P2P_E* code, and fills a p2p_diag supplied by the caller with the
 * file, the line or byte offset, and a sentence saying what was expected and
 * what was found.  The library never prints and never exits; the CLI turns a
 * diagnostic into `prof2png: FILE:LINE: message` and an exit code.
 */
#ifndef PROF2PNG_ERROR_H
#define PROF2PNG_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(NAME, value, default message) */
#define P2P_ERRORS(X)                                            \
    X(OK, 0, "success")                                          \
    X(NOMEM, -1, "out of memory")                                \
    X(IO, -2, "input/output error")                              \
    X(FORMAT, -3, "malformed input")                             \
    X(TRUNCATED, -4, "input ends too early")                     \
    X(UNSUPPORTED, -5, "unsupported input")                      \
    X(USAGE, -6, "invalid argument")                             \
    X(NOTFOUND, -7, "not found")                                 \
    X(RENDER, -8, "rendering failed")                            \
    X(LIMIT, -9, "input exceeds a limit")                        \
    X(EMPTY, -10, "input holds no profile data")

enum p2p_error {
#define P2P_ERROR_ENUM(name, value, msg) P2P_E##name = value,
    P2P_ERRORS(P2P_ERROR_ENUM)
#undef P2P_ERROR_ENUM
};

/* Where and why something failed.  `line` is 0 and `offset` is -1 when not
 * known.  `file` is borrowed from the caller (never freed by the library). */
typedef struct p2p_diag {
    int code;
    const char *file;
    long line;
    int64_t offset;
    char msg[512];
} p2p_diag;

/* The fixed message of an error code ("out of memory", ...). */
const char *p2p_strerror(int code);

/* Reset a diagnostic to "no error" for `file` (may be NULL). */
void p2p_diag_init(p2p_diag *d, const char *file);

/* Fill `d` (when not NULL) with `code`, a position and a printf-style
 * message, and return `code`, so that `return p2p_diag_set(...)` reads well.
 * Pass line 0 / offset -1 for "unknown". */
int p2p_diag_set(p2p_diag *d, int code, long line, int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Format `d` as `FILE:LINE: msg`, `FILE: msg (byte N)` or `FILE: msg` into
 * `out` (always NUL-terminated).  Returns `out`. */
char *p2p_diag_format(const p2p_diag *d, char *out, size_t size);

/* Warning sink: the library reports non-fatal problems through this callback
 * (the CLI prints them); with no callback they are dropped. */
typedef void (*p2p_warn_fn)(void *ctx, const char *msg);

#ifdef __cplusplus
}
#endif
#endif
