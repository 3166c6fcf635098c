/* Stage "read": a whole input in memory, mapped when it is a regular file,
 * read in large blocks otherwise (pipes, stdin); a gzip or zstd input is
 * then decompressed (decompress.c), so parsers only ever see plain bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "prof2png/parse.h"

enum { KIND_NONE = 0, KIND_MMAP, KIND_MALLOC };

void p2p_input_from_memory(p2p_input *in, const char *name, const void *data, size_t size)
{
    memset(in, 0, sizeof *in);
    in->name = name;
    in->data = data;
    in->size = size;
}

#define PROGRESS_STEP ((size_t)4 << 20)

static int read_all(int fd, const p2p_read_opts *o, p2p_input *in, p2p_diag *d)
{
    size_t cap = 1 << 16, len = 0, next = PROGRESS_STEP;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory reading the input");
    for (;;) {
        if (cap - len < 4096) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "input too large");
            }
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory reading the input (%zu bytes read)", len);
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return p2p_diag_set(d, P2P_EIO, 0, (int64_t)len, "cannot read: %s", strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (o && o->progress && len >= next) {
            o->progress(o->progress_ctx, len, 0);
            next = len + PROGRESS_STEP;
        }
    }
    in->data = buf;
    in->size = len;
    in->priv_base = buf;
    in->priv_kind = KIND_MALLOC;
    return 0;
}

/* Touch every page of a mapping, reporting progress: the disk reads happen
 * here, where they can be counted, rather than inside the parser. */
static void page_in(const p2p_read_opts *o, const unsigned char *m, size_t n)
{
    volatile unsigned char sink = 0;
    for (size_t off = 0; off < n;) {
        size_t end = n - off > PROGRESS_STEP ? off + PROGRESS_STEP : n;
        for (size_t i = off; i < end; i += 4096)
            sink ^= m[i];
        off = end;
        o->progress(o->progress_ctx, off, n);
    }
    (void)sink;
}

/* Mapped files whose descriptor is kept open (for p2p_lines), over all
 * threads: at most a quarter of the descriptor limit, and 256, so that a
 * run over thousands of inputs cannot run out of descriptors.  The others
 * are closed at once, and their lines are parsed in place. */
static atomic_uint kept_fds;

static bool keep_fd(void)
{
    struct rlimit rl;
    unsigned limit = 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < limit)
        limit = (unsigned)(rl.rlim_cur / 4);
    unsigned n = atomic_load(&kept_fds);
    while (n < limit)
        if (atomic_compare_exchange_weak(&kept_fds, &n, n + 1))
            return true;
    return false;
}

/* The bytes of the file at `path`, mapped or read, as they are. */
static int read_raw(const char *path, const p2p_read_opts *o, p2p_input *in, p2p_diag *d)
{
    if (strcmp(path, "-") == 0)
        return read_all(STDIN_FILENO, o, in, d);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return p2p_diag_set(d, P2P_EIO, 0, -1, "is a directory, expected a profile file");
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            (void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
            in->data = m;
            in->size = (size_t)st.st_size;
            in->priv_base = m;
            in->priv_len = (size_t)st.st_size;
            in->priv_kind = KIND_MMAP;
            in->priv_fd = -1;
            if (keep_fd())
                in->priv_fd = fd; /* p2p_lines reads the lines with pread() */
            else
                close(fd);
            return 0;
        }
    }
    int rc = read_all(fd, o, in, d);
    close(fd);
    return rc;
}

int p2p_input_read_opts(const char *path, const p2p_read_opts *o, p2p_input *in, p2p_diag *d)
{
    memset(in, 0, sizeof *in);
    in->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (d)
        d->file = in->name;
    int rc = read_raw(path, o, in, d);
    if (rc)
        return rc;
    const char *kind = p2p_compression_of(in->data, in->size);
    if (!kind) {
        if (o && o->progress && in->priv_kind == KIND_MMAP)
            page_in(o, in->data, in->size);
        return 0;
    }
    unsigned char *plain;
    size_t len;
    rc = p2p_decompress(kind, in->data, in->size, o, &plain, &len, d);
    const char *name = in->name;
    p2p_input_release(in);
    in->name = name;
    if (rc)
        return rc;
    in->data = plain;
    in->size = len;
    in->compression = kind;
    in->priv_base = plain;
    in->priv_kind = KIND_MALLOC;
    return 0;
}

int p2p_input_read(const char *path, p2p_input *in, p2p_diag *d)
{
    return p2p_input_read_opts(path, NULL, in, d);
}

void p2p_input_consumed(const p2p_input *in, const void *upto)
{
    if (in->priv_kind != KIND_MMAP)
        return;
    const unsigned char *u = upto;
    if (u < in->data || u > in->data + in->size)
        return;
    long ps = sysconf(_SC_PAGESIZE); /* no static cache: inputs are read on several threads */
    size_t page = ps > 0 ? (size_t)ps : 4096;
    size_t end = (size_t)(u - in->data) / page * page;
    if (end <= in->priv_done)
        return;
    /* only the bookkeeping field changes: the inputs a parser gets are const
     * to it, but never const objects (see the contract in parse.h) */
    p2p_input *w = (p2p_input *)in;
    (void)madvise((unsigned char *)in->priv_base + in->priv_done, end - in->priv_done, MADV_DONTNEED);
    w->priv_done = end;
}

void p2p_input_release(p2p_input *in)
{
    if (in->priv_kind == KIND_MMAP) {
        munmap(in->priv_base, in->priv_len);
        if (in->priv_fd >= 0) {
            close(in->priv_fd);
            atomic_fetch_sub(&kept_fds, 1);
        }
    } else if (in->priv_kind == KIND_MALLOC)
        free(in->priv_base);
    memset(in, 0, sizeof *in);
}

/* ---- whole lines, piece by piece ---------------------------------------- */

void p2p_lines_begin(p2p_lines *r, const p2p_input *in, const unsigned char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->data = data;
    r->len = len;
    r->fd = -1;
    /* reading pays for what does not fit in one buffer */
    if (!in || in->priv_kind != KIND_MMAP || in->priv_fd < 0 || len <= P2P_LINES_BUF || data < in->data ||
        (size_t)(data - in->data) > in->size || len > in->size - (size_t)(data - in->data))
        return;
    r->buf = malloc(P2P_LINES_BUF);
    if (!r->buf)
        return;
    r->fd = in->priv_fd;
    r->fdoff = (uint64_t)(data - in->data);
}

/* The end of the last whole line in b[0..n), or 0 when there is none: the
 * last '\n', or a last '\r' that is known not to start a "\r\n" (not the
 * buffer's last byte, unless `final`: the lines end there). */
static size_t last_line_end(const unsigned char *b, size_t n, bool final)
{
    const unsigned char *nl = memrchr(b, '\n', n);
    size_t from = nl ? (size_t)(nl - b) + 1 : 0;
    const unsigned char *cr = memrchr(b + from, '\r', n - from);
    if (cr && cr == b + n - 1 && !final)
        cr = memrchr(b + from, '\r', (size_t)(cr - (b + from)));
    return cr ? (size_t)(cr - b) + 1 : from;
}

int p2p_lines_next(p2p_lines *r, const unsigned char **piece, size_t *n)
{
    if (r->pos >= r->len)
        return 0;
    if (r->fd < 0) {
        *piece = r->data + r->pos;
        *n = r->len - r->pos;
        r->pos = r->len;
        return 1;
    }
    size_t want = r->len - r->pos < P2P_LINES_BUF ? r->len - r->pos : P2P_LINES_BUF, got = 0;
    while (got < want) {
        ssize_t k = pread(r->fd, r->buf + got, want - got, (off_t)(r->fdoff + r->pos + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO; /* the file shrank */
            return -1;
        }
        got += (size_t)k;
    }
    size_t cut = last_line_end(r->buf, got, r->pos + got == r->len);
    if (cut) {
        *piece = r->buf;
        *n = cut;
        r->pos += cut;
        return 1;
    }
    /* one line longer than the buffer: in place, up to its end */
    const unsigned char *s = r->data + r->pos, *e = s + got - 1, *end = r->data + r->len;
    while (e < end && *e != '\n' && *e != '\r')
        e++;
    if (e == end) {
        errno = EIO; /* the file changed under the mapping */
        return -1;
    }
    if (*e == '\r' && e + 1 < end && e[1] == '\n')
        e++;
    p2p_input_consumed(r->in, s);
    *piece = s;
    *n = (size_t)(e + 1 - s);
    r->pos += *n;
    return 1;
}

void p2p_lines_end(p2p_lines *r)
{
    if (r->fd >= 0 && r->in)
        p2p_input_consumed(r->in, r->data + r->pos);
    free(r->buf);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}
