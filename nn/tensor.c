/* nn/tensor.c — tensor storage, views and shapes. Arithmetic is in tensor_ops.c. */
#include "tensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nn_storage {
    int refs;
    size_t bytes;
    void *data;
};

static size_t dtype_size(nn_dtype dtype) { return dtype == NN_U8 ? 1 : sizeof(float); }

static nn_storage *storage_new(size_t bytes)
{
    nn_storage *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    /* 64-byte alignment helps the vectorised loops and OpenBLAS. */
    size_t rounded = (bytes + 63) / 64 * 64;
    s->data = aligned_alloc(64, rounded ? rounded : 64);
    if (!s->data) {
        free(s);
        return NULL;
    }
    memset(s->data, 0, rounded ? rounded : 64);
    s->refs = 1;
    s->bytes = bytes;
    return s;
}

static void storage_release(nn_storage *s)
{
    if (s && --s->refs == 0) {
        free(s->data);
        free(s);
    }
}

/* Product of dims with overflow and sign checks; 0 on failure. */
static int shape_size(int ndim, const int *shape, size_t *out, nn_error *err)
{
    if (ndim < 1 || ndim > NN_MAX_DIMS)
        return nn_error_set(err, NN_EARG, "a tensor has 1 to %d dimensions, not %d",
                            NN_MAX_DIMS, ndim);
    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] <= 0)
            return nn_error_set(err, NN_EARG, "dimension %d of a tensor must be positive, not %d",
                                i + 1, shape[i]);
        if (n > (SIZE_MAX / 8) / (size_t)shape[i])
            return nn_error_set(err, NN_ENOMEM, "tensor shape too large: the size overflows");
        n *= (size_t)shape[i];
    }
    *out = n;
    return NN_OK;
}

nn_tensor *nn_tensor_new(nn_dtype dtype, int ndim, const int *shape, nn_error *err)
{
    size_t n = 0;
    if (shape_size(ndim, shape, &n, err) != NN_OK)
        return NULL;
    nn_tensor *t = calloc(1, sizeof *t);
    nn_storage *s = t ? storage_new(n * dtype_size(dtype)) : NULL;
    if (!s) {
        free(t);
        char buf[96];
        nn_error_set(err, NN_ENOMEM, "out of memory allocating a tensor of shape %s",
                     nn_shape_format(buf, sizeof buf, ndim, shape));
        return NULL;
    }
    t->dtype = dtype;
    t->ndim = ndim;
    memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
    t->size = n;
    t->storage = s;
    t->data = s->data;
    return t;
}

nn_tensor *nn_tensor_new1(int n, nn_error *err)
{
    return nn_tensor_new(NN_F32, 1, &n, err);
}

nn_tensor *nn_tensor_new2(int rows, int cols, nn_error *err)
{
    int shape[2] = {rows, cols};
    return nn_tensor_new(NN_F32, 2, shape, err);
}

nn_tensor *nn_tensor_to_f32(const nn_tensor *t, nn_error *err)
{
    nn_tensor *r = nn_tensor_new(NN_F32, t->ndim, t->shape, err);
    if (!r)
        return NULL;
    float *d = nn_tensor_f32(r);
    if (t->dtype == NN_F32) {
        memcpy(d, t->data, t->size * sizeof(float));
    } else {
        const uint8_t *s = nn_tensor_u8(t);
        for (size_t i = 0; i < t->size; i++)
            d[i] = s[i];
    }
    return r;
}

nn_tensor *nn_tensor_clone(const nn_tensor *t, nn_error *err)
{
    nn_tensor *r = nn_tensor_new(t->dtype, t->ndim, t->shape, err);
    if (r)
        memcpy(r->data, t->data, t->size * dtype_size(t->dtype));
    return r;
}

void nn_tensor_free(nn_tensor *t)
{
    if (!t)
        return;
    storage_release(t->storage);
    free(t);
}

static nn_tensor *view_of(const nn_tensor *t, nn_error *err)
{
    nn_tensor *v = malloc(sizeof *v);
    if (!v) {
        nn_error_set(err, NN_ENOMEM, "out of memory making a tensor view");
        return NULL;
    }
    *v = *t;
    if (v->storage)
        v->storage->refs++;
    return v;
}

nn_tensor *nn_tensor_reshape(const nn_tensor *t, int ndim, const int *shape, nn_error *err)
{
    if (ndim < 1 || ndim > NN_MAX_DIMS) {
        nn_error_set(err, NN_EARG, "reshape: a tensor has 1 to %d dimensions, not %d",
                     NN_MAX_DIMS, ndim);
        return NULL;
    }
    int dims[NN_MAX_DIMS];
    int infer = -1;
    size_t known = 1;
    for (int i = 0; i < ndim; i++) {
        dims[i] = shape[i];
        if (shape[i] == -1 && infer < 0) {
            infer = i;
        } else if (shape[i] <= 0) {
            nn_error_set(err, NN_EARG, "reshape: dimension %d must be positive (or one -1), not %d",
                         i + 1, shape[i]);
            return NULL;
        } else {
            known *= (size_t)shape[i];
        }
    }
    if (infer >= 0 && known > 0 && t->size % known == 0 && t->size / known <= 0x7fffffff)
        dims[infer] = (int)(t->size / known);
    size_t n = 0;
    nn_error tmp;
    char a[96], b[96];
    if (shape_size(ndim, dims, &n, &tmp) != NN_OK || n != t->size) {
        nn_error_set(err, NN_ESHAPE, "reshape: cannot reshape a tensor of shape %s (%zu values) "
                     "into shape %s", nn_shape_format(a, sizeof a, t->ndim, t->shape), t->size,
                     nn_shape_format(b, sizeof b, ndim, shape));
        return NULL;
    }
    nn_tensor *v = view_of(t, err);
    if (!v)
        return NULL;
    v->ndim = ndim;
    memset(v->shape, 0, sizeof v->shape);
    memcpy(v->shape, dims, (size_t)ndim * sizeof *dims);
    return v;
}

void nn_tensor_borrow_rows(nn_tensor *view, const nn_tensor *t, int first, int count)
{
    size_t row = nn_tensor_row_size(t);
    *view = *t;
    view->storage = NULL;
    view->shape[0] = count;
    view->size = row * (size_t)count;
    view->data = (char *)t->data + (size_t)first * row * dtype_size(t->dtype);
}

nn_tensor *nn_tensor_slice_rows(const nn_tensor *t, int first, int count, nn_error *err)
{
    if (first < 0 || count < 1 || first + count > t->shape[0] || first + count < first) {
        nn_error_set(err, NN_EARG, "slice: rows %d..%d are outside a tensor of %d rows",
                     first + 1, first + count, t->shape[0]);
        return NULL;
    }
    nn_tensor *v = view_of(t, err);
    if (!v)
        return NULL;
    nn_storage *keep = v->storage;
    nn_tensor_borrow_rows(v, t, first, count);
    v->storage = keep;
    return v;
}

nn_status nn_tensor_offset(const nn_tensor *t, int n, const int *idx, size_t *off,
                           nn_error *err)
{
    char buf[96];
    if (n < 1 || n > t->ndim)
        return nn_error_set(err, NN_EARG, "index: %d indices for a tensor of shape %s "
                            "(1 to %d allowed)", n,
                            nn_shape_format(buf, sizeof buf, t->ndim, t->shape), t->ndim);
    size_t at = 0, stride = t->size;
    for (int i = 0; i < n; i++) {
        if (idx[i] < 0 || idx[i] >= t->shape[i])
            return nn_error_set(err, NN_EARG, "index: %d is out of range for axis %d of size %d "
                                "(tensor of shape %s)", idx[i] + 1, i + 1, t->shape[i],
                                nn_shape_format(buf, sizeof buf, t->ndim, t->shape));
        stride /= (size_t)t->shape[i];
        at += (size_t)idx[i] * stride;
    }
    *off = at;
    return NN_OK;
}

nn_tensor *nn_tensor_index(const nn_tensor *t, int n, const int *idx, nn_error *err)
{
    size_t off = 0;
    if (nn_tensor_offset(t, n, idx, &off, err) != NN_OK)
        return NULL;
    nn_tensor *v = view_of(t, err);
    if (!v)
        return NULL;
    v->ndim = n == t->ndim ? 1 : t->ndim - n;
    memset(v->shape, 0, sizeof v->shape);
    v->shape[0] = 1;
    v->size = 1;
    for (int i = n; i < t->ndim; i++) {
        v->shape[i - n] = t->shape[i];
        v->size *= (size_t)t->shape[i];
    }
    v->data = (char *)t->data + off * dtype_size(t->dtype);
    return v;
}

size_t nn_tensor_row_size(const nn_tensor *t)
{
    return t->shape[0] > 0 ? t->size / (size_t)t->shape[0] : 0;
}

float nn_tensor_get(const nn_tensor *t, size_t i)
{
    return t->dtype == NN_U8 ? (float)nn_tensor_u8(t)[i] : nn_tensor_f32(t)[i];
}

nn_status nn_tensor_set(nn_tensor *t, size_t i, float v, nn_error *err)
{
    if (t->dtype == NN_F32) {
        nn_tensor_f32(t)[i] = v;
        return NN_OK;
    }
    if (!(v >= 0.0f && v <= 255.0f) || v != (float)(int)v)
        return nn_error_set(err, NN_EARG, "a uint8 tensor holds whole numbers 0..255, not %g",
                            (double)v);
    nn_tensor_u8(t)[i] = (uint8_t)v;
    return NN_OK;
}

int nn_tensor_same_shape(const nn_tensor *a, const nn_tensor *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return 1;
}

static char *format_dims(char *buf, size_t len, int ndim, const int *shape, int batch)
{
    size_t at = 0;
    at += (size_t)snprintf(buf, len, "(%s", batch ? "None" : "");
    for (int i = 0; i < ndim && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%d", (i > 0 || batch) ? ", " : "", shape[i]);
    if (at < len)
        snprintf(buf + at, len - at, "%s)", (ndim == 1 && !batch) ? "," : "");
    return buf;
}

char *nn_shape_format(char *buf, size_t len, int ndim, const int *shape)
{
    return format_dims(buf, len, ndim, shape, 0);
}

char *nn_shape_format_batch(char *buf, size_t len, int ndim, const int *shape)
{
    return format_dims(buf, len, ndim, shape, 1);
}

nn_status nn_tensor_ensure(nn_tensor **t, int ndim, const int *shape, nn_error *err)
{
    size_t n = 0;
    nn_status st = shape_size(ndim, shape, &n, err);
    if (st != NN_OK)
        return st;
    nn_tensor *cur = *t;
    if (cur && cur->dtype == NN_F32 && cur->storage && cur->storage->refs == 1 &&
        cur->storage->bytes >= n * sizeof(float)) {
        cur->ndim = ndim;
        memset(cur->shape, 0, sizeof cur->shape);
        memcpy(cur->shape, shape, (size_t)ndim * sizeof *shape);
        cur->size = n;
        cur->data = cur->storage->data;
        return NN_OK;
    }
    nn_tensor *fresh = nn_tensor_new(NN_F32, ndim, shape, err);
    if (!fresh)
        return err ? err->code : NN_ENOMEM;
    nn_tensor_free(cur);
    *t = fresh;
    return NN_OK;
}
