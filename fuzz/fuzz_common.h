/* Shared by the fuzz targets (fuzz_parser.c, fuzz_pipeline.c): splitting
 * one fuzz input into several profile inputs, and the invariants every
 * parsed profile must keep.  Header-only so that each target stays one
 * translation unit (plus replay.c for the gcc build).
 *
 * A violated invariant calls abort(), which libFuzzer and the replay driver
 * both report as a crash with the input that caused it.
 */
#ifndef P2P_FUZZ_COMMON_H
#define P2P_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/prof2png.h"

/* Formats that merge several inputs get the fuzz input cut at this marker
 * (see fuzz/dict/common.dict); at most P2P_FUZZ_MAX_INPUTS pieces. */
#define P2P_FUZZ_SPLIT "\n--p2p-next-input--\n"
#define P2P_FUZZ_MAX_INPUTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void p2p_fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "prof2png fuzz invariant violated: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* Cut data[0..size) into at most `max` inputs at P2P_FUZZ_SPLIT. */
static inline size_t p2p_fuzz_split(const uint8_t *data, size_t size, size_t max, p2p_input *in, char names[][16])
{
    static const char sep[] = P2P_FUZZ_SPLIT;
    const size_t seplen = sizeof sep - 1;
    size_t n = 0;
    const uint8_t *p = data, *end = data + size;
    while (n + 1 < max) {
        const uint8_t *q = memmem(p, (size_t)(end - p), sep, seplen);
        if (!q)
            break;
        snprintf(names[n], 16, "input%zu", n + 1);
        p2p_input_from_memory(&in[n], names[n], p, (size_t)(q - p));
        n++;
        p = q + seplen;
    }
    snprintf(names[n], 16, "input%zu", n + 1);
    p2p_input_from_memory(&in[n], names[n], p, (size_t)(end - p));
    return n + 1;
}

/* Warnings are formatted by the library; touch every byte so that a
 * message built from freed or unterminated memory shows up. */
static inline void p2p_fuzz_warn(void *ctx, const char *msg)
{
    size_t *count = ctx;
    if (!msg)
        p2p_fuzz_fail("warning", "NULL message");
    volatile size_t len = strlen(msg);
    (void)len;
    if (count)
        (*count)++;
}

/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF)? */
static inline int p2p_fuzz_utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if (c >= 0xc2 && c <= 0xdf)
            len = 2, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
            return 0;
        i += len;
    }
    return 1;
}

static inline void p2p_fuzz_check_events(const p2p_events *e, const char *where)
{
    for (int k = 0; k < P2P_NEVENTS; k++)
        if (p2p_ev_has(e, (p2p_event)k) && !isfinite(e->v[k]))
            p2p_fuzz_fail("an event value is NaN or infinite", where);
}

/* The invariants of a profile as a parser hands it over (and, with
 * `derived`, after p2p_derive_events). */
static inline void p2p_fuzz_check_profile(const p2p_profile *p, int derived)
{
    if (!p)
        p2p_fuzz_fail("parse returned 0 without a profile", NULL);
    if (p->nfunctions > p->capfunctions || p->ncalls > p->capcalls || p->ncycles > p->capcycles)
        p2p_fuzz_fail("count above capacity", NULL);
    p2p_fuzz_check_events(&p->ev, "profile");
    uint64_t seen = 0;
    for (p2p_fid i = 0; i < p->nfunctions; i++) {
        const p2p_function *f = &p->functions[i];
        if (!f->name)
            p2p_fuzz_fail("a function has no name", NULL);
        if (!p2p_fuzz_utf8_ok((const unsigned char *)f->name, strlen(f->name)))
            p2p_fuzz_fail("a function name is not valid UTF-8", f->name);
        if (f->module && !p2p_fuzz_utf8_ok((const unsigned char *)f->module, strlen(f->module)))
            p2p_fuzz_fail("a module name is not valid UTF-8", f->module);
        if (f->cycle != P2P_NONE && f->cycle >= p->ncycles)
            p2p_fuzz_fail("a function's cycle is out of range", f->name);
        p2p_fuzz_check_events(&f->ev, f->name);
        uint32_t last = P2P_NONE;
        for (uint32_t c = f->first_call; c != P2P_NONE; c = p->calls[c].next) {
            if (c >= p->ncalls)
                p2p_fuzz_fail("a call index is out of range", f->name);
            if (p->calls[c].caller != i)
                p2p_fuzz_fail("a call is on the wrong caller's list", f->name);
            if (++seen > p->ncalls)
                p2p_fuzz_fail("the call lists loop", f->name);
            last = c;
        }
        if (last != f->last_call)
            p2p_fuzz_fail("last_call is not the end of the call list", f->name);
    }
    if (seen != p->ncalls)
        p2p_fuzz_fail("some calls are on no caller's list", NULL);
    for (uint32_t c = 0; c < p->ncalls; c++) {
        const p2p_call *k = &p->calls[c];
        if (k->caller >= p->nfunctions || k->callee >= p->nfunctions)
            p2p_fuzz_fail("a call names a function out of range", NULL);
        p2p_fuzz_check_events(&k->ev, "call");
        if (derived && k->has_ratio && !isfinite(k->ratio))
            p2p_fuzz_fail("a call ratio is NaN or infinite", NULL);
    }
    for (uint32_t c = 0; c < p->ncycles; c++) {
        const p2p_cycle *cy = &p->cycles[c];
        for (uint32_t m = 0; m < cy->nmembers; m++)
            if (cy->members[m] >= p->nfunctions || p->functions[cy->members[m]].cycle != c)
                p2p_fuzz_fail("a cycle member is out of range or not marked", NULL);
        p2p_fuzz_check_events(&cy->ev, "cycle");
    }
}

/* After a failed parse: a code, a message, and no profile. */
static inline void p2p_fuzz_check_failure(int rc, const p2p_profile *p, const p2p_diag *d)
{
    if (rc >= 0)
        p2p_fuzz_fail("a failure code is not negative", NULL);
    if (p)
        p2p_fuzz_fail("a failed parse left a profile", NULL);
    if (d->code != rc)
        p2p_fuzz_fail("the diagnostic's code differs from the return code", d->msg);
    if (!memchr(d->msg, '\0', sizeof d->msg) || d->msg[0] == '\0')
        p2p_fuzz_fail("a failure without a message", NULL);
    char line[1024];
    p2p_diag_format(d, line, sizeof line);
}

#endif
