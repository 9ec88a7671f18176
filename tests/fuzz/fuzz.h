/* tests/fuzz/fuzz.h — what the libFuzzer targets share: the readers under test take a
** path, so each input is written to a file in memory-backed /dev/shm (or /tmp) first.
**
** The targets also check the readers' contracts on every input and abort() when one
** breaks, so libFuzzer reports a wrong answer as it reports a crash.
*/
#ifndef NN_FUZZ_H
#define NN_FUZZ_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "nn/error.h"

static char fuzz_dir[128];

/* At exit: remove the scratch directory and the files in it. */
static inline void fuzz_cleanup(void)
{
    DIR *d = opendir(fuzz_dir);
    if (!d)
        return;
    char path[512];
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", fuzz_dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(fuzz_dir);
}

/* A path for this process's scratch file `name` (one directory per process, made once
** and removed at exit). */
static inline const char *fuzz_path(const char *name)
{
    static char path[256];
    if (!fuzz_dir[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/nnscope-fuzz-%ld", base, (long)getpid());
        mkdir(fuzz_dir, 0700);
        atexit(fuzz_cleanup);
    }
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
    return path;
}

static inline void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz contract broken: %s (%s)\n", what, detail ? detail : "");
    abort();
}

/* Write `size` bytes to `path`, as they are or gzip-compressed. */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size, int gzip)
{
    if (gzip) {
        gzFile gz = gzopen(path, "wb");
        if (!gz || (size && gzwrite(gz, data, (unsigned)size) != (int)size))
            fuzz_fail("cannot write the scratch file", path);
        gzclose(gz);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size))
        fuzz_fail("cannot write the scratch file", path);
    fclose(f);
}

/* The set of error classes a reader may fail with, as a bit mask. */
static inline unsigned fuzz_class(nn_status st) { return 1u << st; }

/* A failed read must leave one of the `allowed` error classes and a message. */
static inline void fuzz_check_error(nn_status st, const nn_error *err, unsigned allowed)
{
    if (st == NN_OK || err->code != st)
        fuzz_fail("the status returned and the error record differ", err->msg);
    if (!(fuzz_class(st) & allowed))
        fuzz_fail("unexpected error class", err->msg);
    if (!err->msg[0])
        fuzz_fail("an error without a message", NULL);
}

#endif
