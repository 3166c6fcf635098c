/* A standalone driver for the fuzz targets, for compilers without libFuzzer
 * (gcc) and for ctest: it calls LLVMFuzzerTestOneInput once for every file
 * named on the command line and every file in every folder named (not
 * recursively, in name order), then once for a few built-in inputs (empty,
 * one byte of each value, ...) so that a target whose corpus is still empty
 * is exercised too.  Arguments starting with '-' are ignored, so a
 * libFuzzer command line can be reused.
 *
 * Exit status: 0 when every input ran (a crash aborts the process with the
 * name of the input on stderr first), 1 when a file could not be read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t nrun;

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += k;
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    int err = ferror(fp);
    fclose(fp);
    if (!buf || err) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        free(buf);
        return 1;
    }
    /* an exact-size copy, so that a read past the end is caught */
    unsigned char *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, len);
    free(buf);
    /* name the input before running it: a crash report follows this line */
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    nrun++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dp);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            rc |= run_file(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static void run_builtin(void)
{
#define T(s) {s, sizeof s - 1}
    static const struct {
        const char *s;
        size_t n;
    } texts[] = {
        T(""), T("\n"), T("\r\n"), T("\xef\xbb\xbf"), T("\xff\xfe"), T("\xfe\xff"), T("{"),
        T("{\x00\x00\x00\x00"), T("\xff\xfe\x00\xd8"), T("a;b;c 1\n"), T("0 0 0\n"),
        T("events: Ir\nfn=a\n1 1\n"),
    };
#undef T
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        unsigned char *b = malloc(texts[i].n ? texts[i].n : 1);
        if (!b)
            return;
        memcpy(b, texts[i].s, texts[i].n);
        LLVMFuzzerTestOneInput(b, texts[i].n);
        free(b);
        nrun++;
    }
    for (int c = 0; c < 256; c++) {
        unsigned char *b = malloc(1);
        if (!b)
            return;
        b[0] = (unsigned char)c;
        LLVMFuzzerTestOneInput(b, 1);
        free(b);
        nrun++;
    }
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            rc |= run_dir(argv[i]);
        } else {
            rc |= run_file(argv[i]);
        }
    }
    fprintf(stderr, "replay: built-in inputs\n");
    run_builtin();
    printf("replay: %zu inputs, no crash\n", nrun);
    return rc;
}
