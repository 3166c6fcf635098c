/* Compressed inputs: gzip (zlib) and zstd (libzstd), recognised by their
 * magic bytes whatever the file is called, decompressed whole into memory
 * before any parser sees the bytes (src/parse/decompress.h).
 *
 * The output grows by doubling up to a limit (the caller's, or
 * P2P_DEFAULT_MAX_DECOMPRESSED), so a small hostile file cannot make the
 * program allocate more than that.  Concatenated gzip members and zstd
 * frames (what `cat a.gz b.gz` and `zstd` on several inputs make) are read
 * one after the other, as gzip -d and zstd -d do.  An input that ends inside
 * a stream is an error (P2P_ETRUNCATED), never a silently shorter profile.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"

#define PROGRESS_STEP ((uint64_t)4 << 20)

const char *p2p_compression_of(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return "gzip";
    if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
        return "zstd";
    return NULL;
}

/* A growable output bounded by `limit`. */
typedef struct out {
    unsigned char *buf;
    size_t len, cap, limit;
} out;

static int out_grow(out *o, p2p_diag *d, const char *what)
{
    if (o->cap >= o->limit)
        return p2p_diag_set(d, P2P_ELIMIT, 0, -1,
                            "%s input decompresses to more than %zu bytes (the limit for decompressed input)",
                            what, o->limit);
    size_t c = o->cap ? o->cap * 2 : (size_t)1 << 20;
    if (c < o->cap || c > o->limit)
        c = o->limit;
    unsigned char *nb = realloc(o->buf, c);
    if (!nb)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory decompressing %s input (%zu bytes so far)", what,
                            o->len);
    o->buf = nb;
    o->cap = c;
    return 0;
}

static void progress(const p2p_read_opts *ro, uint64_t done, uint64_t total, uint64_t *next)
{
    if (ro && ro->progress && done >= *next) {
        ro->progress(ro->progress_ctx, done, total);
        *next = done + PROGRESS_STEP;
    }
}

static bool all_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static int gunzip(const unsigned char *src, size_t n, out *o, const p2p_read_opts *ro, p2p_diag *d)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory starting gzip decompression");
    size_t pos = 0;
    uint64_t next = 0;
    int rc = 0;
    for (;;) {
        if (o->len == o->cap && (rc = out_grow(o, d, "gzip")))
            break;
        /* zlib counts in uInt: feed and drain at most 1 GiB at a time */
        size_t in_chunk = n - pos < ((size_t)1 << 30) ? n - pos : (size_t)1 << 30;
        size_t out_chunk = o->cap - o->len < ((size_t)1 << 30) ? o->cap - o->len : (size_t)1 << 30;
        zs.next_in = (Bytef *)(src + pos);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = o->buf + o->len;
        zs.avail_out = (uInt)out_chunk;
        int z = inflate(&zs, Z_NO_FLUSH);
        pos += in_chunk - zs.avail_in;
        o->len += out_chunk - zs.avail_out;
        progress(ro, pos, n, &next);
        if (z == Z_STREAM_END) {
            /* another member, padding, or trailing bytes that are neither */
            if (pos == n || all_zero(src + pos, n - pos))
                break;
            if (n - pos >= 2 && src[pos] == 0x1f && src[pos + 1] == 0x8b) {
                inflateReset(&zs);
                continue;
            }
            rc = p2p_diag_set(d, P2P_EFORMAT, 0, (int64_t)pos,
                              "gzip input: %zu bytes after the end of the compressed data that are not another "
                              "gzip member",
                              n - pos);
            break;
        }
        if (z == Z_OK)
            continue;
        if (z == Z_BUF_ERROR && zs.avail_out == 0)
            continue; /* the output is full: grow it */
        if (z == Z_BUF_ERROR) {
            rc = p2p_diag_set(d, P2P_ETRUNCATED, 0, -1,
                              "gzip input ends too early: the compressed data stop after %zu bytes (%zu bytes "
                              "decompressed); the file is truncated",
                              n, o->len);
            break;
        }
        if (z == Z_MEM_ERROR) {
            rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory decompressing gzip input");
            break;
        }
        rc = p2p_diag_set(d, P2P_EFORMAT, 0, (int64_t)pos, "gzip input is corrupt: %s",
                          zs.msg ? zs.msg : "invalid compressed data");
        break;
    }
    inflateEnd(&zs);
    return rc;
}

static int unzstd(const unsigned char *src, size_t n, out *o, const p2p_read_opts *ro, p2p_diag *d)
{
    ZSTD_DStream *zd = ZSTD_createDStream();
    if (!zd)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory starting zstd decompression");
    /* the frame header may give the size: allocate it at once (bounded) */
    unsigned long long want = ZSTD_getFrameContentSize(src, n);
    if (want != ZSTD_CONTENTSIZE_UNKNOWN && want != ZSTD_CONTENTSIZE_ERROR && want > 0 && want < o->limit &&
        want <= (unsigned long long)n * 1024) {
        unsigned char *nb = malloc((size_t)want + 1);
        if (nb) {
            o->buf = nb;
            o->cap = (size_t)want + 1;
        }
    }
    ZSTD_inBuffer in = {src, n, 0};
    uint64_t next = 0;
    size_t left = 1; /* 0: at a frame boundary */
    int rc = 0;
    while (in.pos < in.size) {
        if (o->len == o->cap && (rc = out_grow(o, d, "zstd")))
            break;
        ZSTD_outBuffer ob = {o->buf, o->cap, o->len};
        left = ZSTD_decompressStream(zd, &ob, &in);
        o->len = ob.pos;
        progress(ro, in.pos, n, &next);
        if (ZSTD_isError(left)) {
            rc = p2p_diag_set(d, P2P_EFORMAT, 0, (int64_t)in.pos, "zstd input is corrupt: %s",
                              ZSTD_getErrorName(left));
            break;
        }
        if (left == 0 && in.pos < in.size && all_zero(src + in.pos, in.size - in.pos))
            break;
    }
    /* all input consumed, but the decoder may still hold output */
    while (!rc && left != 0 && in.pos == in.size) {
        if (o->len == o->cap && (rc = out_grow(o, d, "zstd")))
            break;
        ZSTD_outBuffer ob = {o->buf, o->cap, o->len};
        size_t before = o->len;
        left = ZSTD_decompressStream(zd, &ob, &in);
        o->len = ob.pos;
        if (ZSTD_isError(left)) {
            rc = p2p_diag_set(d, P2P_EFORMAT, 0, (int64_t)in.pos, "zstd input is corrupt: %s",
                              ZSTD_getErrorName(left));
            break;
        }
        if (left != 0 && o->len == before && o->len < o->cap) {
            rc = p2p_diag_set(d, P2P_ETRUNCATED, 0, -1,
                              "zstd input ends too early: the compressed data stop after %zu bytes (%zu bytes "
                              "decompressed); the file is truncated",
                              n, o->len);
            break;
        }
    }
    ZSTD_freeDStream(zd);
    return rc;
}

int p2p_decompress(const char *kind, const unsigned char *src, size_t n, const p2p_read_opts *ro,
                   unsigned char **dst, size_t *dlen, p2p_diag *d)
{
    out o = {NULL, 0, 0, ro && ro->max_decompressed ? ro->max_decompressed : P2P_DEFAULT_MAX_DECOMPRESSED};
    int rc = strcmp(kind, "gzip") == 0 ? gunzip(src, n, &o, ro, d) : unzstd(src, n, &o, ro, d);
    if (rc) {
        free(o.buf);
        return rc;
    }
    if (!o.buf) {
        /* an empty stream: a valid, empty input */
        o.buf = malloc(1);
        if (!o.buf)
            return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    }
    *dst = o.buf;
    *dlen = o.len;
    return 0;
}
