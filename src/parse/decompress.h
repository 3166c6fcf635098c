/* Compressed inputs (src/parse/decompress.c): internal to the read stage. */
#ifndef P2P_PARSE_DECOMPRESS_H
#define P2P_PARSE_DECOMPRESS_H

#include <stddef.h>

#include "prof2png/parse.h"

/* "gzip" or "zstd" when b[0..n) starts with that format's magic bytes, else
 * NULL. */
const char *p2p_compression_of(const unsigned char *b, size_t n);

/* Decompress all of src[0..n) (`kind` from p2p_compression_of) into a new
 * malloc'ed buffer *dst of *dlen bytes, at most ro->max_decompressed
 * (0 or ro NULL: P2P_DEFAULT_MAX_DECOMPRESSED).  Reports progress through
 * ro->progress as compressed bytes consumed out of n.  Returns 0, or
 * P2P_ETRUNCATED (the stream stops early), P2P_EFORMAT (corrupt data),
 * P2P_ELIMIT (over the limit), P2P_ENOMEM, with d filled. */
int p2p_decompress(const char *kind, const unsigned char *src, size_t n, const p2p_read_opts *ro,
                   unsigned char **dst, size_t *dlen, p2p_diag *d);

#endif
