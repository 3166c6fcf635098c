/* PNG metadata through libpng: copy a PNG row by row (memory: one row),
 * adding text chunks, and read the text chunks of a PNG back.  Text that is
 * plain ASCII goes in tEXt chunks; anything else in iTXt (UTF-8). */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "prof2png/output.h"
#include "util/util.h"

const char *p2p_png_library_version(void)
{
    return png_get_libpng_ver(NULL);
}

typedef struct io {
    const unsigned char *data; /* reading */
    size_t len, pos;
    p2p_buf out;               /* writing */
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

static void write_mem(png_structp png, png_bytep src, size_t n)
{
    io *s = png_get_io_ptr(png);
    p2p_buf_append(&s->out, src, n);
    if (s->out.oom)
        png_error(png, "out of memory");
}

static void flush_mem(png_structp png)
{
    (void)png;
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The rewrite state lives outside the setjmp frame's locals, so that
 * longjmp cannot leave it stale. */
typedef struct rewrite {
    io s;
    png_structp rd, wr;
    png_infop rinfo, rend, winfo;
    png_bytep row;
    png_text *texts;
} rewrite;

static int rewrite_run(rewrite *r, const p2p_png_text *add, size_t nadd)
{
    if (setjmp(png_jmpbuf(r->rd)))
        return -1;
    if (setjmp(png_jmpbuf(r->wr)))
        return -1;
    png_set_read_fn(r->rd, &r->s, read_mem);
    png_set_write_fn(r->wr, &r->s, write_mem, flush_mem);
    png_read_info(r->rd, r->rinfo);

    png_uint_32 w, h;
    int depth, color, interlace, compression, filter;
    png_get_IHDR(r->rd, r->rinfo, &w, &h, &depth, &color, &interlace, &compression, &filter);
    png_set_IHDR(r->wr, r->winfo, w, h, depth, color, interlace, compression, filter);
    png_colorp palette;
    int npalette;
    if (png_get_PLTE(r->rd, r->rinfo, &palette, &npalette))
        png_set_PLTE(r->wr, r->winfo, palette, npalette);
    png_bytep trans;
    int ntrans;
    png_color_16p trans_color;
    if (png_get_tRNS(r->rd, r->rinfo, &trans, &ntrans, &trans_color))
        png_set_tRNS(r->wr, r->winfo, trans, ntrans, trans_color);
    double gamma;
    if (png_get_gAMA(r->rd, r->rinfo, &gamma))
        png_set_gAMA(r->wr, r->winfo, gamma);
    int intent;
    if (png_get_sRGB(r->rd, r->rinfo, &intent))
        png_set_sRGB(r->wr, r->winfo, intent);
    png_uint_32 resx, resy;
    int unit;
    if (png_get_pHYs(r->rd, r->rinfo, &resx, &resy, &unit))
        png_set_pHYs(r->wr, r->winfo, resx, resy, unit);

    /* the texts already there, then ours */
    png_textp old;
    int nold = 0;
    png_get_text(r->rd, r->rinfo, &old, &nold);
    r->texts = calloc((size_t)nold + nadd + 1, sizeof *r->texts);
    if (!r->texts)
        png_error(r->rd, "out of memory");
    for (int i = 0; i < nold; i++)
        r->texts[i] = old[i];
    for (size_t i = 0; i < nadd; i++) {
        png_text *t = &r->texts[(size_t)nold + i];
        t->key = (png_charp)add[i].key;
        t->text = (png_charp)add[i].text;
        t->compression = ascii(add[i].text) ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
        if (t->compression == PNG_TEXT_COMPRESSION_NONE)
            t->text_length = strlen(add[i].text);
        else
            t->itxt_length = strlen(add[i].text);
    }
    png_set_text(r->wr, r->winfo, r->texts, nold + (int)nadd);
    png_write_info(r->wr, r->winfo);

    int passes = png_set_interlace_handling(r->rd);
    png_set_interlace_handling(r->wr);
    png_read_update_info(r->rd, r->rinfo);
    size_t rowbytes = png_get_rowbytes(r->rd, r->rinfo);
    r->row = malloc(rowbytes ? rowbytes : 1);
    if (!r->row)
        png_error(r->rd, "out of memory");
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < h; y++) {
            png_read_row(r->rd, r->row, NULL);
            png_write_row(r->wr, r->row);
        }
    }
    png_read_end(r->rd, r->rend);
    png_write_end(r->wr, NULL);
    return 0;
}

/* Contract in output.h. */
int p2p_png_add_text(const void *png, size_t len, const p2p_png_text *add, size_t nadd, char **out,
                     size_t *outlen, p2p_diag *d)
{
    *out = NULL;
    *outlen = 0;
    rewrite r;
    memset(&r, 0, sizeof r);
    r.s.data = png;
    r.s.len = len;
    p2p_buf_init(&r.s.out);
    r.rd = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r.s, on_error, on_warning);
    r.wr = png_create_write_struct(PNG_LIBPNG_VER_STRING, &r.s, on_error, on_warning);
    if (r.rd)
        r.rinfo = png_create_info_struct(r.rd), r.rend = png_create_info_struct(r.rd);
    if (r.wr)
        r.winfo = png_create_info_struct(r.wr);
    int rc = 0;
    if (!r.rd || !r.wr || !r.rinfo || !r.rend || !r.winfo)
        rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory starting libpng");
    else if (rewrite_run(&r, add, nadd) != 0)
        rc = p2p_diag_set(d, P2P_ERENDER, 0, -1, "cannot add the metadata to the PNG: %s",
                          r.s.error[0] ? r.s.error : "libpng failed");
    png_destroy_read_struct(r.rd ? &r.rd : NULL, r.rinfo ? &r.rinfo : NULL, r.rend ? &r.rend : NULL);
    png_destroy_write_struct(r.wr ? &r.wr : NULL, r.winfo ? &r.winfo : NULL);
    free(r.row);
    free(r.texts);
    if (rc) {
        p2p_buf_free(&r.s.out);
        return rc;
    }
    *out = p2p_buf_take(&r.s.out, outlen);
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
