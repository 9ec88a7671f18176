/* nn/safetensors.c — the safetensors writer (atomic) and the checking reader. */
#include "safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

static size_t dtype_bytes(nn_dtype d)
{
    return d == NN_U8 ? 1 : 4;
}

/* ================================================================== writing */

static long long fail_after = -1;

void nn_safetensors_test_fail_after(long long bytes)
{
    fail_after = bytes;
}

typedef struct out_file {
    FILE *f;
    long long written;
} out_file;

/* fwrite, honouring the test hook (a short write with ENOSPC, as a full disk). */
static int out_write(out_file *o, const void *p, size_t n)
{
    size_t allowed = n;
    if (fail_after >= 0 && o->written + (long long)n > fail_after)
        allowed = o->written < fail_after ? (size_t)(fail_after - o->written) : 0;
    size_t done = allowed ? fwrite(p, 1, allowed, o->f) : 0;
    o->written += (long long)done;
    if (done != n) {
        if (done == allowed && allowed != n)
            errno = ENOSPC;
        return -1;
    }
    return 0;
}

/* Tensor data in little-endian byte order, whatever the host's. */
static int out_tensor(out_file *o, const nn_tensor *t)
{
    if (t->dtype == NN_U8)
        return out_write(o, t->data, t->size);
    unsigned char buf[4096];
    const float *v = nn_tensor_f32(t);
    size_t per = sizeof buf / 4;
    for (size_t i = 0; i < t->size; i += per) {
        size_t k = t->size - i < per ? t->size - i : per;
        for (size_t j = 0; j < k; j++) {
            uint32_t u;
            memcpy(&u, &v[i + j], 4);
            buf[4 * j] = (unsigned char)u;
            buf[4 * j + 1] = (unsigned char)(u >> 8);
            buf[4 * j + 2] = (unsigned char)(u >> 16);
            buf[4 * j + 3] = (unsigned char)(u >> 24);
        }
        if (out_write(o, buf, 4 * k) != 0)
            return -1;
    }
    return 0;
}

static void header_shape(nn_jbuf *h, const nn_tensor *t)
{
    nn_jbuf_puts(h, "[");
    for (int d = 0; d < t->ndim; d++)
        nn_jbuf_printf(h, "%s%d", d ? ", " : "", t->shape[d]);
    nn_jbuf_puts(h, "]");
}

/* The header JSON, padded with spaces so that 8 + its length is a multiple of 8. */
static nn_status build_header(nn_jbuf *h, const nn_st_item *items, int n, const nn_st_meta *meta,
                              int n_meta, nn_error *err)
{
    nn_jbuf_puts(h, "{");
    if (n_meta > 0) {
        nn_jbuf_puts(h, "\"__metadata__\": {");
        for (int i = 0; i < n_meta; i++) {
            nn_jbuf_puts(h, i ? ", " : "");
            nn_jbuf_string(h, meta[i].key);
            nn_jbuf_puts(h, ": ");
            nn_jbuf_string(h, meta[i].value);
        }
        nn_jbuf_puts(h, "}");
    }
    size_t offset = 0;
    for (int i = 0; i < n; i++) {
        const nn_tensor *t = items[i].tensor;
        if (strcmp(items[i].name, "__metadata__") == 0)
            return nn_error_set(err, NN_EARG, "a tensor cannot be named __metadata__");
        size_t bytes = t->size * dtype_bytes(t->dtype);
        nn_jbuf_puts(h, i || n_meta > 0 ? ", " : "");
        nn_jbuf_string(h, items[i].name);
        nn_jbuf_printf(h, ": {\"dtype\": \"%s\", \"shape\": ", t->dtype == NN_U8 ? "U8" : "F32");
        header_shape(h, t);
        nn_jbuf_printf(h, ", \"data_offsets\": [%zu, %zu]}", offset, offset + bytes);
        offset += bytes;
    }
    nn_jbuf_puts(h, "}");
    while (h->len % 8 != 0)
        nn_jbuf_puts(h, " ");
    nn_status st = nn_jbuf_finish(h, err);
    if (st != NN_OK)
        return st;
    /* read our own header back: catches two tensors with one name, bad UTF-8 */
    nn_error perr;
    nn_json *check = nn_json_parse(h->data, h->len, NULL, &perr);
    if (!check)
        return nn_error_set(err, NN_EARG, "cannot write this header: %s", perr.msg);
    nn_json_free(check);
    return NN_OK;
}

static nn_status io_error(nn_error *err, const char *what, const char *path)
{
    return nn_error_set(err, NN_EIO, "cannot %s '%s': %s", what, path, strerror(errno));
}

/* The directory part of path ("." when there is none). */
static void dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* The permissions a new file gets from open(2): 0666 less the umask. */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

nn_status nn_safetensors_write(const char *path, const nn_st_item *items, int n,
                               const nn_st_meta *meta, int n_meta, nn_error *err)
{
    nn_jbuf h;
    nn_jbuf_init(&h);
    nn_status st = build_header(&h, items, n, meta, n_meta, err);
    if (st != NN_OK) {
        nn_jbuf_free(&h);
        return st;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        nn_jbuf_free(&h);
        return nn_error_set(err, NN_ENOMEM, "out of memory saving '%s'", path);
    }
    snprintf(tmp, plen + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = io_error(err, "create a temporary file to write", path);
        free(tmp);
        nn_jbuf_free(&h);
        return st;
    }
    fchmod(fd, new_file_mode());
    out_file o = {fdopen(fd, "wb"), 0};
    if (!o.f) {
        st = io_error(err, "write", path);
        close(fd);
        goto fail;
    }
    unsigned char len8[8];
    for (int k = 0; k < 8; k++)
        len8[k] = (unsigned char)((uint64_t)h.len >> (8 * k));
    int bad = out_write(&o, len8, 8) != 0 || out_write(&o, h.data, h.len) != 0;
    for (int i = 0; i < n && !bad; i++)
        bad = out_tensor(&o, items[i].tensor) != 0;
    if (!bad)
        bad = fflush(o.f) != 0 || fsync(fileno(o.f)) != 0;
    if (bad) {
        st = io_error(err, "write", path);
        fclose(o.f);
        goto fail;
    }
    if (fclose(o.f) != 0) {
        st = io_error(err, "write", path);
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        st = io_error(err, "replace", path);
        goto fail;
    }
    /* make the rename itself durable; some file systems cannot fsync a directory,
    ** and the new file is in place either way, so this is best effort */
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(tmp);
    nn_jbuf_free(&h);
    return NN_OK;
fail:
    unlink(tmp);
    free(tmp);
    nn_jbuf_free(&h);
    return st;
}

/* ================================================================== reading */

struct nn_safetensors {
    int fd;                     /* the file, or -1 for an image in memory */
    unsigned char *mem;         /* the image in memory */
    size_t data_start;          /* 8 + header length */
    size_t data_len;
    nn_json *header;
    const nn_json *meta;        /* the __metadata__ object, or NULL */
    nn_st_entry *entries;
    int n;
};

void nn_safetensors_close(nn_safetensors *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    free(f->mem);
    nn_json_free(f->header);
    free(f->entries);
    free(f);
}

int nn_safetensors_count(const nn_safetensors *f)
{
    return f->n;
}

const nn_st_entry *nn_safetensors_entry(const nn_safetensors *f, int i)
{
    return i >= 0 && i < f->n ? &f->entries[i] : NULL;
}

const nn_st_entry *nn_safetensors_find(const nn_safetensors *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->entries[i].name, name) == 0)
            return &f->entries[i];
    return NULL;
}

const char *nn_safetensors_meta(const nn_safetensors *f, const char *key)
{
    return nn_json_str(nn_json_get(f->meta, key));
}

char *nn_st_shape_str(char *buf, size_t len, const nn_st_entry *e)
{
    size_t at = (size_t)snprintf(buf, len, "(");
    for (int d = 0; d < e->ndim && at < len; d++)
        at += (size_t)snprintf(buf + at, len - at, "%s%lld", d ? ", " : "", e->shape[d]);
    if (at < len)
        snprintf(buf + at, len - at, e->ndim == 1 ? ",)" : ")");
    return buf;
}

/* Read len bytes at offset `at` of the file (or image). */
static nn_status read_bytes(const nn_safetensors *f, size_t at, void *dst, size_t len,
                            nn_error *err)
{
    if (f->mem) {
        memcpy(dst, f->mem + at, len);
        return NN_OK;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t k = pread(f->fd, (char *)dst + done, len - done, (off_t)(at + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return nn_error_set(err, NN_EIO, "cannot read the file: %s", strerror(errno));
        if (k == 0)
            return nn_error_set(err, NN_EIO, "the file got shorter while it was read");
        done += (size_t)k;
    }
    return NN_OK;
}

static const char *const known_dtypes[] = {
    "BOOL", "U8", "I8", "U16", "I16", "F16", "BF16", "U32", "I32", "F32", "F64", "U64", "I64",
    "F8_E5M2", "F8_E4M3", NULL,
};

static nn_status bad(nn_error *err, const char *name, const char *fmt, const char *detail)
{
    char what[300];
    snprintf(what, sizeof what, fmt, detail);
    return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: tensor '%.100s' %s",
                        name, what);
}

/* Check one tensor's header entry and fill e. */
static nn_status read_entry(const char *name, const nn_json *v, size_t data_len, nn_st_entry *e,
                            nn_error *err)
{
    char num[64];
    if (v->type != NN_JSON_OBJECT)
        return bad(err, name, "is described by %s, not an object", nn_json_type_name(v));
    for (int k = 0; k < v->n; k++)
        if (strcmp(v->keys[k], "dtype") && strcmp(v->keys[k], "shape") &&
            strcmp(v->keys[k], "data_offsets"))
            return bad(err, name, "has an unknown field '%.60s'", v->keys[k]);
    e->name = name;
    const char *dtype = nn_json_str(nn_json_get(v, "dtype"));
    if (!dtype)
        return bad(err, name, "has no dtype string%s", "");
    if (strcmp(dtype, "F32") == 0) {
        e->dtype = NN_F32;
    } else if (strcmp(dtype, "U8") == 0) {
        e->dtype = NN_U8;
    } else {
        for (int k = 0; known_dtypes[k]; k++)
            if (strcmp(dtype, known_dtypes[k]) == 0)
                return bad(err, name, "has dtype %.20s, which nnscope does not read (it reads "
                           "F32 and U8)", dtype);
        return bad(err, name, "has an unknown dtype '%.40s'", dtype);
    }
    const nn_json *shape = nn_json_get(v, "shape");
    if (!shape || shape->type != NN_JSON_ARRAY)
        return bad(err, name, "has no shape array%s", "");
    if (shape->n > NN_ST_MAX_RANK) {
        snprintf(num, sizeof num, "%d", shape->n);
        return bad(err, name, "has %s dimensions, more than nnscope reads", num);
    }
    e->ndim = shape->n;
    size_t count = 1;
    int overflow = 0;
    for (int d = 0; d < shape->n; d++) {
        long long dim;
        if (!nn_json_int(&shape->items[d], 0, 1LL << 53, &dim))
            return bad(err, name, "has a shape entry that is not a non-negative integer%s", "");
        e->shape[d] = dim;
        if (dim != 0 && count > SIZE_MAX / 8 / (unsigned long long)dim)
            overflow = 1;
        else
            count *= (size_t)dim;
    }
    if (overflow)
        return bad(err, name, "has a shape whose size overflows%s", "");
    const nn_json *off = nn_json_get(v, "data_offsets");
    long long begin, end;
    if (!off || off->type != NN_JSON_ARRAY || off->n != 2 ||
        !nn_json_int(&off->items[0], 0, 1LL << 53, &begin) ||
        !nn_json_int(&off->items[1], 0, 1LL << 53, &end))
        return bad(err, name, "needs data_offsets [begin, end] of two non-negative "
                   "integers%s", "");
    if (begin > end) {
        snprintf(num, sizeof num, "[%lld, %lld]", begin, end);
        return bad(err, name, "has data_offsets %s that end before they begin", num);
    }
    if ((unsigned long long)end > data_len) {
        char what[120];
        snprintf(what, sizeof what, "[%lld, %lld] past the end of the data (%zu bytes): the "
                 "file is truncated", begin, end, data_len);
        return bad(err, name, "has data_offsets %s", what);
    }
    size_t need = count * dtype_bytes(e->dtype);
    if ((unsigned long long)(end - begin) != need) {
        char shp[160], what[300];
        snprintf(what, sizeof what, "[%lld, %lld] (%lld bytes), but shape %s of %s needs %zu "
                 "bytes", begin, end, end - begin, nn_st_shape_str(shp, sizeof shp, e), dtype,
                 need);
        return bad(err, name, "has data_offsets %s", what);
    }
    e->begin = (size_t)begin;
    e->end = (size_t)end;
    return NN_OK;
}

static int compare_begin(const void *a, const void *b)
{
    const nn_st_entry *x = *(nn_st_entry *const *)a, *y = *(nn_st_entry *const *)b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* The tensors must tile the data section: no overlap, no hole, nothing after. */
static nn_status check_tiling(nn_safetensors *f, nn_error *err)
{
    if (f->n == 0) {
        if (f->data_len != 0)
            return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: %zu bytes of "
                                "data but no tensors", f->data_len);
        return NN_OK;
    }
    nn_st_entry **order = malloc((size_t)f->n * sizeof *order);
    if (!order)
        return nn_error_set(err, NN_ENOMEM, "out of memory reading a safetensors header");
    for (int i = 0; i < f->n; i++)
        order[i] = &f->entries[i];
    qsort(order, (size_t)f->n, sizeof *order, compare_begin);
    nn_status st = NN_OK;
    size_t at = 0;
    for (int i = 0; i < f->n && st == NN_OK; i++) {
        const nn_st_entry *e = order[i];
        if (e->begin < at)
            st = nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: tensor '%.100s' "
                              "(bytes %zu to %zu) overlaps tensor '%.100s' (bytes %zu to %zu)",
                              e->name, e->begin, e->end, order[i - 1]->name,
                              order[i - 1]->begin, order[i - 1]->end);
        else if (e->begin > at)
            st = nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: bytes %zu to %zu "
                              "of the data belong to no tensor", at, e->begin);
        at = e->end > at ? e->end : at;
    }
    if (st == NN_OK && at != f->data_len)
        st = nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: %zu bytes of data "
                          "after the last tensor", f->data_len - at);
    free(order);
    return st;
}

static nn_status read_header(nn_safetensors *f, size_t file_len, nn_error *err)
{
    if (file_len < 8)
        return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: it is truncated "
                            "(%zu bytes; the format starts with an 8-byte header length)",
                            file_len);
    unsigned char len8[8];
    nn_status st = read_bytes(f, 0, len8, 8, err);
    if (st != NN_OK)
        return st;
    uint64_t hlen = 0;
    for (int k = 7; k >= 0; k--)
        hlen = hlen << 8 | len8[k];
    if (hlen > file_len - 8)
        return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: the header length "
                            "%llu is larger than the rest of the file (%zu bytes): the file is "
                            "truncated or not safetensors", (unsigned long long)hlen,
                            file_len - 8);
    if (hlen > NN_ST_MAX_HEADER)
        return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: the header length "
                            "%llu is over the limit of %u bytes", (unsigned long long)hlen,
                            NN_ST_MAX_HEADER);
    f->data_start = 8 + (size_t)hlen;
    f->data_len = file_len - f->data_start;
    char *text = malloc((size_t)hlen + 1);
    if (!text)
        return nn_error_set(err, NN_ENOMEM, "out of memory reading a safetensors header");
    st = read_bytes(f, 8, text, (size_t)hlen, err);
    if (st == NN_OK && (hlen == 0 || text[0] != '{'))
        st = nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: the header is not a "
                          "JSON object");
    nn_error jerr;
    if (st == NN_OK && !(f->header = nn_json_parse(text, (size_t)hlen, NULL, &jerr)))
        st = nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: the header is not "
                          "valid JSON: %s", jerr.msg);
    free(text);
    if (st != NN_OK)
        return st;
    const nn_json *h = f->header;
    if (h->type != NN_JSON_OBJECT)
        return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: the header is not a "
                            "JSON object");
    f->entries = calloc((size_t)(h->n ? h->n : 1), sizeof *f->entries);
    if (!f->entries)
        return nn_error_set(err, NN_ENOMEM, "out of memory reading a safetensors header");
    for (int i = 0; i < h->n; i++) {
        if (strcmp(h->keys[i], "__metadata__") == 0) {
            const nn_json *m = &h->items[i];
            if (m->type != NN_JSON_OBJECT)
                return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: "
                                    "__metadata__ is %s, not an object", nn_json_type_name(m));
            for (int k = 0; k < m->n; k++)
                if (m->items[k].type != NN_JSON_STRING)
                    return nn_error_set(err, NN_EFORMAT, "not a valid safetensors file: "
                                        "__metadata__ value '%.100s' is %s, not a string",
                                        m->keys[k], nn_json_type_name(&m->items[k]));
            f->meta = m;
            continue;
        }
        st = read_entry(h->keys[i], &h->items[i], f->data_len, &f->entries[f->n], err);
        if (st != NN_OK)
            return st;
        f->n++;
    }
    return check_tiling(f, err);
}

nn_safetensors *nn_safetensors_open(const char *path, nn_error *err)
{
    nn_safetensors *f = calloc(1, sizeof *f);
    if (!f) {
        nn_error_set(err, NN_ENOMEM, "out of memory opening '%s'", path);
        return NULL;
    }
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (f->fd < 0 || fstat(f->fd, &sb) != 0) {
        io_error(err, "open", path);
        nn_safetensors_close(f);
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        nn_error_set(err, NN_EIO, "cannot read '%s': not a regular file", path);
        nn_safetensors_close(f);
        return NULL;
    }
    nn_error inner;
    if (read_header(f, (size_t)sb.st_size, &inner) != NN_OK) {
        nn_error_set(err, inner.code, "%s: %s", path, inner.msg);
        nn_safetensors_close(f);
        return NULL;
    }
    return f;
}

nn_safetensors *nn_safetensors_parse(const void *bytes, size_t len, nn_error *err)
{
    nn_safetensors *f = calloc(1, sizeof *f);
    if (f) {
        f->fd = -1;
        f->mem = malloc(len ? len : 1);
    }
    if (!f || !f->mem) {
        nn_safetensors_close(f);
        nn_error_set(err, NN_ENOMEM, "out of memory reading a safetensors image");
        return NULL;
    }
    memcpy(f->mem, bytes, len);
    if (read_header(f, len, err) != NN_OK) {
        nn_safetensors_close(f);
        return NULL;
    }
    return f;
}

nn_tensor *nn_safetensors_tensor(const nn_safetensors *f, const nn_st_entry *e, nn_error *err)
{
    int shape[NN_MAX_DIMS] = {1};
    int ndim = e->ndim ? e->ndim : 1;
    char buf[160];
    if (e->ndim > NN_MAX_DIMS) {
        nn_error_set(err, NN_ESHAPE, "tensor '%s' has shape %s: nnscope tensors have at most "
                     "%d dimensions", e->name, nn_st_shape_str(buf, sizeof buf, e), NN_MAX_DIMS);
        return NULL;
    }
    for (int d = 0; d < e->ndim; d++) {
        if (e->shape[d] < 1 || e->shape[d] > INT_MAX) {
            nn_error_set(err, NN_ESHAPE, "tensor '%s' has shape %s, which nnscope tensors "
                         "cannot hold", e->name, nn_st_shape_str(buf, sizeof buf, e));
            return NULL;
        }
        shape[d] = (int)e->shape[d];
    }
    nn_tensor *t = nn_tensor_new(e->dtype, ndim, shape, err);
    if (!t)
        return NULL;
    size_t bytes = e->end - e->begin;
    if (e->dtype == NN_U8) {
        if (read_bytes(f, f->data_start + e->begin, t->data, bytes, err) != NN_OK) {
            nn_tensor_free(t);
            return NULL;
        }
        return t;
    }
    unsigned char chunk[4096];
    float *v = nn_tensor_f32(t);
    for (size_t at = 0; at < bytes; at += sizeof chunk) {
        size_t k = bytes - at < sizeof chunk ? bytes - at : sizeof chunk;
        if (read_bytes(f, f->data_start + e->begin + at, chunk, k, err) != NN_OK) {
            nn_tensor_free(t);
            return NULL;
        }
        for (size_t j = 0; j < k; j += 4) {
            uint32_t u = (uint32_t)chunk[j] | (uint32_t)chunk[j + 1] << 8 |
                         (uint32_t)chunk[j + 2] << 16 | (uint32_t)chunk[j + 3] << 24;
            memcpy(&v[(at + j) / 4], &u, 4);
        }
    }
    return t;
}
