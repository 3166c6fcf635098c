/* Growable byte buffer with a sticky out-of-memory flag. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void p2p_buf_init(p2p_buf *b)
{
    memset(b, 0, sizeof *b);
}

void p2p_buf_free(p2p_buf *b)
{
    free(b->data);
    p2p_buf_init(b);
}

static bool reserve(p2p_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->cap - b->len > extra)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void p2p_buf_append(p2p_buf *b, const void *s, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n) /* s may be NULL when n is 0; memcpy's arguments must not be */
        memcpy(b->data + b->len, s, n);
    b->len += n;
}

void p2p_buf_puts(p2p_buf *b, const char *s)
{
    p2p_buf_append(b, s, strlen(s));
}

void p2p_buf_putc(p2p_buf *b, char c)
{
    if (!reserve(b, 1))
        return;
    b->data[b->len++] = c;
}

void p2p_buf_printf(p2p_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        p2p_buf_append(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *p2p_buf_take(p2p_buf *b, size_t *len)
{
    if (!reserve(b, 0)) {
        p2p_buf_free(b);
        return NULL;
    }
    b->data[b->len] = '\0';
    char *d = b->data;
    if (len)
        *len = b->len;
    p2p_buf_init(b);
    return d;
}
