/* Writing an output file whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
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

/* The temporary file being written, for p2p_write_file_cleanup() (a
 * signal handler): NUL when none. */
static char pending_tmp[4096];
static volatile sig_atomic_t pending;

void p2p_write_file_cleanup(void)
{
    if (pending)
        unlink(pending_tmp);
    pending = 0;
}

/* Does `path` name an open file or a device through the kernel's magic
 * links (/dev/stdout -> /proc/self/fd/1, /dev/fd/N, /proc/PID/fd/N)?  Those
 * are written in place: replacing them would replace /dev/stdout itself. */
static bool is_fd_link(const char *path, const struct stat *lst)
{
    if (!S_ISLNK(lst->st_mode))
        return false;
    char target[16];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n >= 6 && memcmp(target, "/proc/", 6) == 0)
        return true;
    /* the link itself lives in /proc (through /dev/fd -> /proc/self/fd) */
    size_t plen = strlen(path);
    const char *slash = strrchr(path, '/');
    if (!slash || plen >= 4096)
        return false;
    char dir[4096], real[4096];
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    if (!dir[0])
        return false;
    return realpath(dir, real) && strncmp(real, "/proc/", 6) == 0;
}

/* Write in place: devices, FIFOs, /dev/stdout and the like. */
static int write_in_place(const char *path, const void *data, size_t len, p2p_diag *d)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_TRUNC);
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

int p2p_write_file_atomic(const char *path, const void *data, size_t len, p2p_diag *d)
{
    if (d)
        d->file = path;
    struct stat lst, st;
    bool exists = lstat(path, &lst) == 0;
    if (exists) {
        if (S_ISDIR(lst.st_mode) || (S_ISLNK(lst.st_mode) && stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
            return p2p_diag_set(d, P2P_EIO, 0, -1, "is a directory, expected an output file name");
        /* a device or a pipe (/dev/null, a FIFO) cannot be replaced by a
         * rename: write to it directly */
        if (!S_ISREG(lst.st_mode) && !S_ISLNK(lst.st_mode))
            return write_in_place(path, data, len, d);
        if (is_fd_link(path, &lst))
            return write_in_place(path, data, len, d);
        /* any other symbolic link is replaced by the new file, never
         * followed: -o writes only where the user pointed, not where a
         * link planted there points (tests/cli/test_output_safety.sh) */
    }

    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    /* on the stack: a signal may end the process while it is in use */
    char tmp[sizeof pending_tmp];
    if (dirlen + 32 > sizeof tmp)
        return p2p_diag_set(d, P2P_EIO, 0, -1, "the output path is too long");
    memcpy(tmp, path, dirlen);
    strcpy(tmp + dirlen, ".prof2png-XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot create a file in the output folder: %s", strerror(e));
    }
    strcpy(pending_tmp, tmp);
    pending = 1;
    /* mkstemp makes 0600: keep the mode of the file replaced, or give the
     * one a plain creat() would */
    if (exists && S_ISREG(lst.st_mode)) {
        (void)fchmod(fd, lst.st_mode & 07777);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    int rc = write_fully(fd, data, len);
    int e = errno;
    /* on disk before the rename, so that a crash leaves the old file or
     * the new one, never an empty one */
    if (rc == 0 && fsync(fd) < 0 && errno != EINVAL && errno != EROFS) {
        rc = -1;
        e = errno;
    }
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        rc = -1;
        e = errno;
    }
    if (rc)
        unlink(tmp);
    pending = 0;
    if (rc)
        return p2p_diag_set(d, P2P_EIO, 0, -1, "cannot write: %s", strerror(e));
    return 0;
}
