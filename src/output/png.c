/* PNG metadata: add text chunks to a PNG (its chunks copied as they are,
 * the pixels never decoded), and read the text chunks of a PNG back through
 * libpng.  Text that is
 * plain ASCII goes in tEXt chunks; anything else in iTXt (UTF-8). */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "prof2png/output.h"
#include "util/util.h"

const char *p2p_png_library_version(void)
{
    return png_get_libpng_ver(NULL);
}

typedef struct io {
    const unsigned char *data;
    size_t len, pos;
    char error[200];
} io;

static void on_error(png_structp png, png_const_charp msg)
{
    io *s = png_get_error_ptr(png);
    if (s && !s->error[0])
        snprintf(s->error, sizeof s->error, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* benign (unknown chunks, sRGB profiles): not failures */
}

static void read_mem(png_structp png, png_bytep dst, size_t n)
{
    io *s = png_get_io_ptr(png);
    if (n > s->len - s->pos)
        png_error(png, "the file ends in the middle of a chunk");
    memcpy(dst, s->data + s->pos, n);
    s->pos += n;
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(p2p_buf *b, uint32_t v)
{
    unsigned char q[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
                          (unsigned char)v};
    p2p_buf_append(b, q, 4);
}

/* A keyword as the PNG specification allows it (and libpng writes it): 1 to
 * 79 printable Latin-1 characters, no leading, trailing or double space. */
static bool valid_keyword(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > 79 || k[0] == ' ' || k[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c < 32 || (c > 126 && c < 161) || (c == ' ' && k[i + 1] == ' '))
            return false;
    }
    return true;
}

/* Append a tEXt chunk (ASCII text) or an uncompressed iTXt chunk (UTF-8,
 * no language tag), as libpng writes them. */
static void put_text(p2p_buf *b, const p2p_png_text *t)
{
    bool plain = ascii(t->text);
    size_t klen = strlen(t->key), tlen = strlen(t->text);
    size_t n = klen + 1 + (plain ? 0 : 4) + tlen;
    size_t at = b->len;
    put32(b, (uint32_t)n);
    p2p_buf_append(b, plain ? "tEXt" : "iTXt", 4);
    p2p_buf_append(b, t->key, klen + 1);
    if (!plain) /* compression flag and method, empty language and translated keyword */
        p2p_buf_append(b, "\0\0\0\0", 4);
    p2p_buf_append(b, t->text, tlen);
    if (b->oom)
        return;
    uLong crc = crc32(0L, (const Bytef *)b->data + at + 4, (uInt)(n + 4));
    put32(b, (uint32_t)crc);
}

/* Contract in output.h.  The chunks are checked (lengths against the bytes
 * left, CRCs, IHDR first, image data, IEND) and copied as they are, the
 * texts spliced in before the first IDAT, where libpng would write them:
 * the pixels are not decoded, so the cost is that of copying the bytes. */
int p2p_png_add_text(const void *png, size_t len, const p2p_png_text *add, size_t nadd, char **out,
                     size_t *outlen, p2p_diag *d)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    const unsigned char *p = png;
    *out = NULL;
    *outlen = 0;
    const char *why = NULL;
    size_t idat = 0, end = 0;
    if (len < 8 || memcmp(p, sig, 8) != 0)
        why = "not a PNG file (no PNG signature)";
    for (size_t pos = 8; !why && !end;) {
        if (len - pos < 12) {
            why = "the file ends in the middle of a chunk";
            break;
        }
        uint32_t n = be32(p + pos);
        const unsigned char *type = p + pos + 4;
        if (n > 0x7fffffffu || n > len - pos - 12) {
            why = n > 0x7fffffffu ? "a chunk length over 2^31-1" : "the file ends in the middle of a chunk";
            break;
        }
        if ((uint32_t)crc32(0L, type, (uInt)n + 4) != be32(p + pos + 8 + n)) {
            why = "a chunk with a bad CRC";
            break;
        }
        if ((pos == 8) != (memcmp(type, "IHDR", 4) == 0) || (pos == 8 && n != 13))
            why = "no IHDR chunk first";
        else if (memcmp(type, "IDAT", 4) == 0 && !idat)
            idat = pos;
        else if (memcmp(type, "IEND", 4) == 0)
            end = pos + 12 + n;
        pos += 12 + (size_t)n;
    }
    if (!why && !idat)
        why = "no image data (IDAT) before IEND";
    for (size_t i = 0; !why && i < nadd; i++)
        if (!valid_keyword(add[i].key))
            why = "an invalid text keyword";
        else if (strlen(add[i].text) > 0x7fffff00u)
            why = "a text over 2 GB";
    if (why)
        return p2p_diag_set(d, P2P_ERENDER, 0, -1, "cannot add the metadata to the PNG: %s", why);

    p2p_buf b;
    p2p_buf_init(&b);
    p2p_buf_append(&b, p, idat);
    for (size_t i = 0; i < nadd; i++)
        put_text(&b, &add[i]);
    p2p_buf_append(&b, p + idat, end - idat);
    if (b.oom) {
        p2p_buf_free(&b);
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory copying the PNG");
    }
    *out = p2p_buf_take(&b, outlen);
    if (!*out)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory copying the PNG");
    return 0;
}

typedef struct reader {
    io s;
    png_structp rd;
    png_infop info;
} reader;

static int read_texts(reader *r, p2p_buf *b, size_t *n)
{
    if (setjmp(png_jmpbuf(r->rd)))
        return -1;
    png_set_read_fn(r->rd, &r->s, read_mem);
    /* texts before the image data are enough for prof2png's files, and
     * reading no pixels keeps a hostile file from costing memory */
    png_read_info(r->rd, r->info);
    png_textp t;
    int nt = 0;
    png_get_text(r->rd, r->info, &t, &nt);
    for (int i = 0; i < nt; i++) {
        /* up to a NUL the text should not hold: the pairs stay pairs */
        p2p_buf_append(b, t[i].key, strlen(t[i].key) + 1);
        p2p_buf_append(b, t[i].text ? t[i].text : "", t[i].text ? strlen(t[i].text) + 1 : 1);
    }
    *n = (size_t)nt;
    return 0;
}

/* Contract in output.h. */
int p2p_png_read_text(const void *png, size_t len, char **block, size_t *blocklen, size_t *n, p2p_diag *d)
{
    *block = NULL;
    *blocklen = 0;
    *n = 0;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len < 8 || memcmp(png, sig, 8) != 0)
        return p2p_diag_set(d, P2P_EFORMAT, 0, 0, "not a PNG file (no PNG signature)");
    reader r;
    memset(&r, 0, sizeof r);
    r.s.data = png;
    r.s.len = len;
    p2p_buf b;
    p2p_buf_init(&b);
    r.rd = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r.s, on_error, on_warning);
    if (r.rd)
        r.info = png_create_info_struct(r.rd);
    int rc = 0;
    if (!r.rd || !r.info)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory starting libpng");
    else if (read_texts(&r, &b, n) != 0)
        rc = p2p_diag_set(d, P2P_EFORMAT, 0, (int64_t)r.s.pos, "bad PNG: %s",
                          r.s.error[0] ? r.s.error : "libpng failed");
    else if (b.oom)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory reading the PNG's texts");
    png_destroy_read_struct(r.rd ? &r.rd : NULL, r.info ? &r.info : NULL, NULL);
    if (rc) {
        p2p_buf_free(&b);
        *n = 0;
        return rc;
    }
    *block = p2p_buf_take(&b, blocklen);
    if (!*block && *n)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory reading the PNG's texts");
    return 0;
}
