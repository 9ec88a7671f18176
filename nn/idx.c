/* nn/idx.c — reading IDX files through zlib (which reads plain files too). */
#include "idx.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* Deflate expands at most 1032 to 1; a gzip file adds a small header per member. */
#define GZ_MAX_RATIO 1032u
#define GZ_SLACK 4096u
/* A gzip file's data is read in steps that start here and double. */
#define FIRST_STEP ((size_t)16 << 20)
/* gzread takes an unsigned length and returns an int: read at most this per call. */
#define MAX_CHUNK ((size_t)1 << 30)

static const char *idx_type_name(int code)
{
    switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    }
    return "unknown";
}

/* Read up to `len` bytes; returns how many were read, or -1 on a zlib error. */
static long long gz_read_all(gzFile gz, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        size_t want = len - got < MAX_CHUNK ? len - got : MAX_CHUNK;
        int r = gzread(gz, buf + got, (unsigned)want);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long long)got;
}

static nn_status gz_fail(gzFile gz, const char *path, const char *what, size_t have,
                         size_t want, nn_error *err)
{
    int code = Z_OK;
    const char *msg = gzerror(gz, &code);
    if (code == Z_BUF_ERROR || code == Z_OK)
        return nn_error_set(err, NN_EFORMAT,
                            "%s: truncated: the header claims %zu bytes of %s, the file "
                            "ends after %zu", path, want, what, have);
    if (code == Z_MEM_ERROR)
        return nn_error_set(err, NN_ENOMEM, "%s: out of memory decompressing", path);
    return nn_error_set(err, NN_EFORMAT, "%s: corrupt gzip data (%s)", path, msg);
}

/* The header: magic number and dimensions. Fills ndim, dims and the byte count. */
static nn_status read_header(gzFile gz, const char *path, int *ndim, int *dims, size_t *total,
                             nn_error *err)
{
    unsigned char m[4];
    long long got = gz_read_all(gz, m, 4);
    if (got < 0)
        return gz_fail(gz, path, "header", 0, 4, err);
    if (got == 0)
        return nn_error_set(err, NN_EFORMAT, "%s: empty file, not an IDX file", path);
    if (got < 4)
        return nn_error_set(err, NN_EFORMAT,
                            "%s: truncated: %lld bytes, too short for an IDX header", path, got);
    unsigned long magic = (unsigned long)m[0] << 24 | (unsigned long)m[1] << 16 |
                          (unsigned long)m[2] << 8 | m[3];
    if (m[0] != 0 || m[1] != 0 || !strcmp(idx_type_name(m[2]), "unknown"))
        return nn_error_set(err, NN_EFORMAT,
                            "%s: not an IDX file (magic number 0x%08lx; IDX files of MNIST "
                            "start with 0x00000801 for labels, 0x00000803 for images)",
                            path, magic);
    if (m[2] != 0x08)
        return nn_error_set(err, NN_EFORMAT,
                            "%s: IDX element type 0x%02X (%s) is not supported; only "
                            "unsigned bytes (0x08) are read", path, m[2], idx_type_name(m[2]));
    if (m[3] == 0 || m[3] > NN_MAX_DIMS)
        return nn_error_set(err, NN_EFORMAT,
                            "%s: an IDX file of %d dimensions is not supported (1 to %d)",
                            path, m[3], NN_MAX_DIMS);
    *ndim = m[3];
    unsigned char d[4 * NN_MAX_DIMS];
    got = gz_read_all(gz, d, 4 * (size_t)*ndim);
    if (got < 0)
        return gz_fail(gz, path, "header", 4, 4 + 4 * (size_t)*ndim, err);
    if (got < 4 * *ndim)
        return nn_error_set(err, NN_EFORMAT,
                            "%s: truncated: the header of %d dimensions ends after %lld bytes",
                            path, *ndim, 4 + got);
    size_t n = 1;
    for (int i = 0; i < *ndim; i++) {
        const unsigned char *p = d + 4 * i;
        unsigned long v = (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
                          (unsigned long)p[2] << 8 | p[3];
        if (v == 0)
            return nn_error_set(err, NN_EFORMAT, "%s: dimension %d is 0: the file holds no data",
                                path, i + 1);
        if (v > INT_MAX)
            return nn_error_set(err, NN_EFORMAT, "%s: dimension %d is %lu, too large for a "
                                "tensor dimension (at most %d)", path, i + 1, v, INT_MAX);
        if (v > NN_IDX_MAX_BYTES / n)
            return nn_error_set(err, NN_EFORMAT,
                                "%s: the header claims dimensions too large (dimension %d is "
                                "%lu); more than %zu GiB is refused", path, i + 1, v,
                                NN_IDX_MAX_BYTES >> 30);
        n *= v;
        dims[i] = (int)v;
    }
    *total = n;
    return NN_OK;
}

/* The data of a plain regular file, whose size is known: checked, then read in place. */
static nn_tensor *read_plain(gzFile gz, const char *path, long long file_size, int ndim,
                             const int *dims, size_t total, nn_error *err)
{
    long long want = 4 + 4LL * ndim + (long long)total;
    if (file_size < want) {
        nn_error_set(err, NN_EFORMAT,
                     "%s: truncated: the header claims %zu bytes of data, the file holds %lld",
                     path, total, file_size - 4 - 4LL * ndim);
        return NULL;
    }
    if (file_size > want) {
        nn_error_set(err, NN_EFORMAT,
                     "%s: %lld bytes after the data the header describes: not an IDX file of "
                     "that shape", path, file_size - want);
        return NULL;
    }
    nn_tensor *t = nn_tensor_new(NN_U8, ndim, dims, err);
    if (!t)
        return NULL;
    long long got = gz_read_all(gz, nn_tensor_u8(t), total);
    if (got < 0 || (size_t)got < total) {
        /* The file shrank while we read it. */
        nn_error_set(err, NN_EIO, "%s: read error after %lld of %zu bytes", path,
                     got < 0 ? 0 : got, total);
        nn_tensor_free(t);
        return NULL;
    }
    return t;
}

/* Compressed (or unsized) data: read in doubling steps so that memory follows the
** data that really arrives, then copied into the tensor. */
static nn_tensor *read_growing(gzFile gz, const char *path, int ndim, const int *dims,
                               size_t total, nn_error *err)
{
    size_t cap = total < FIRST_STEP ? total : FIRST_STEP, have = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        nn_error_set(err, NN_ENOMEM, "%s: out of memory reading %zu bytes", path, cap);
        return NULL;
    }
    while (have < total) {
        if (have == cap) {
            size_t ncap = cap * 2 < total ? cap * 2 : total;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                nn_error_set(err, NN_ENOMEM, "%s: out of memory reading %zu bytes", path, ncap);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        long long got = gz_read_all(gz, buf + have, cap - have);
        if (got < 0) {
            free(buf);
            gz_fail(gz, path, "data", have, total, err);
            return NULL;
        }
        have += (size_t)got;
        if (have < cap)
            break;
    }
    if (have < total) {
        free(buf);
        nn_error_set(err, NN_EFORMAT,
                     "%s: truncated: the header claims %zu bytes of data, the file holds %zu",
                     path, total, have);
        return NULL;
    }
    unsigned char extra;
    int r = gzread(gz, &extra, 1);
    if (r != 0) {
        free(buf);
        if (r < 0)
            gz_fail(gz, path, "gzip trailer", have, total, err);
        else
            nn_error_set(err, NN_EFORMAT,
                         "%s: more data after the %zu bytes the header describes: not an IDX "
                         "file of that shape", path, total);
        return NULL;
    }
    nn_tensor *t = nn_tensor_new(NN_U8, ndim, dims, err);
    if (t)
        memcpy(t->data, buf, total);
    free(buf);
    return t;
}

nn_tensor *nn_idx_read(const char *path, nn_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            nn_error_set(err, NN_EIO, "%s: no such file", path);
        else
            nn_error_set(err, NN_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        nn_error_set(err, NN_EIO, "%s: is a directory, not an IDX file", path);
        return NULL;
    }
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        nn_error_set(err, errno == ENOMEM ? NN_ENOMEM : NN_EIO, "%s: %s", path,
                     errno ? strerror(errno) : "cannot open");
        return NULL;
    }
    gzbuffer(gz, 1u << 18);     /* fewer, larger reads: Fashion-MNIST loads faster */
    int ndim = 0, dims[NN_MAX_DIMS];
    size_t total = 0;
    nn_tensor *t = NULL;
    if (read_header(gz, path, &ndim, dims, &total, err) == NN_OK) {
        int regular = S_ISREG(st.st_mode);
        if (regular && gzdirect(gz)) {
            t = read_plain(gz, path, (long long)st.st_size, ndim, dims, total, err);
        } else if (regular && total / GZ_MAX_RATIO > (size_t)st.st_size + GZ_SLACK) {
            nn_error_set(err, NN_EFORMAT,
                         "%s: the header claims %zu bytes of data, more than a %lld-byte gzip "
                         "file can hold", path, total, (long long)st.st_size);
        } else {
            t = read_growing(gz, path, ndim, dims, total, err);
        }
    }
    gzclose(gz);
    return t;
}
