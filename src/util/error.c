/* Error codes and diagnostics (include/prof2png/error.h). */
#include <stdio.h>
#include <string.h>

#include "prof2png/error.h"

const char *p2p_strerror(int code)
{
    switch (code) {
#define P2P_ERROR_CASE(name, value, msg) \
    case value:                          \
        return msg;
        P2P_ERRORS(P2P_ERROR_CASE)
#undef P2P_ERROR_CASE
    }
    return "unknown error";
}

void p2p_diag_init(p2p_diag *d, const char *file)
{
    if (!d)
        return;
    d->code = 0;
    d->file = file;
    d->line = 0;
    d->offset = -1;
    d->msg[0] = '\0';
}

int p2p_diag_set(p2p_diag *d, int code, long line, int64_t offset, const char *fmt, ...)
{
    if (!d)
        return code;
    d->code = code;
    d->line = line;
    d->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    return code;
}

char *p2p_diag_format(const p2p_diag *d, char *out, size_t size)
{
    const char *msg = d->msg[0] ? d->msg : p2p_strerror(d->code);
    if (d->file && d->line > 0)
        snprintf(out, size, "%s:%ld: %s", d->file, d->line, msg);
    else if (d->file && d->offset >= 0)
        snprintf(out, size, "%s: %s (byte %lld)", d->file, msg, (long long)d->offset);
    else if (d->file)
        snprintf(out, size, "%s: %s", d->file, msg);
    else
        snprintf(out, size, "%s", msg);
    return out;
}
