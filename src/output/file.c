/* Writing an output file whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prof2png/output.h"

static int write_fully(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int p2p_write_file_atomic(const char *path, const void *data, size_t len, p2p_diag *d)
{
    if (d)
        d->file = path;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return p2p_diag_set(d, P2P_EIO, 0, -1, "is a directory, expected an output file name");
        /* a device or a pipe (/dev/null, a FIFO): it cannot be replaced by a
         * rename, so write to it directly */
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot open for writing: %s", strerror(errno));
        int rc = write_fully(fd, data, len);
        int e = errno;
        if (close(fd) < 0 && rc == 0) {
            rc = -1;
            e = errno;
        }
        return rc ? p2p_diag_set(d, P2P_EIO, 0, -1, "cannot write: %s", strerror(e)) : 0;
    }

    size_t plen = strlen(path);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    memcpy(tmp, path, dirlen);
    strcpy(tmp + dirlen, ".prof2png-XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot create a file in the output folder: %s", strerror(e));
    }
    /* mkstemp makes 0600; give the file the mode a plain creat() would */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    int rc = write_fully(fd, data, len);
    int e = errno;
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        rc = -1;
        e = errno;
    }
    if (rc) {
        unlink(tmp);
        free(tmp);
        return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot write: %s", strerror(e));
    }
    free(tmp);
    return 0;
}
