/* prof2png: what the pstats reports borrow from CPython: repr() of floats
 * and strings, and the iteration order of a Python 2.7 dict.  Internal to
 * src/report. */
#ifndef P2P_REPORT_PYCOMPAT_H
#define P2P_REPORT_PYCOMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

/* repr(x) of a Python float (2.7 and 3.x agree): the shortest digits that
 * read back as x, "0.5", "1e-05", "1e+16", "3.0", "inf", "nan". */
void p2p_py_float_repr(double x, char *out, size_t size);

/* repr(s) of a Python str holding the UTF-8 text s: quotes and escapes as
 * Python 3 chooses them; with py2, as Python 2 does for a byte string
 * (bytes >= 0x80 as \xNN). */
void p2p_py_str_repr(p2p_buf *b, const char *s, bool py2);

/* hash() of the Python 2.7 tuple (filename, line, name) of two byte strings
 * and an int, on a 64-bit build without hash randomisation. */
int64_t p2p_py2_key_hash(const char *filename, int64_t line, const char *name);

/* order[0..n) = the keys 0..n-1 (distinct hashes not required, but distinct
 * keys) in the iteration order of a Python 2.7 dict into which they were
 * inserted in index order.  0, or -1 when out of memory. */
int p2p_py2_dict_order(const int64_t *hashes, uint32_t n, uint32_t *order);

#endif
