/* nn/tensor_ops.c — elementwise arithmetic, reductions and matmul on tensors. */
#include "tensor.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ elementwise */

static float apply_binop(nn_binop op, float a, float b)
{
    switch (op) {
    case NN_ADD: return a + b;
    case NN_SUB: return a - b;
    case NN_MUL: return a * b;
    case NN_DIV: return a / b;
    case NN_POW: return powf(a, b);
    case NN_MAX: return a > b ? a : b;
    case NN_MIN: return a < b ? a : b;
    case NN_EQ:  return a == b;
    case NN_NE:  return a != b;
    case NN_LT:  return a < b;
    case NN_LE:  return a <= b;
    case NN_GT:  return a > b;
    case NN_GE:  return a >= b;
    }
    return 0.0f;
}

/* Broadcast shapes numpy-style, right-aligned. Fills out and the per-input
** strides (0 where a dimension is broadcast). */
static nn_status broadcast(const nn_tensor *a, const nn_tensor *b, int *ndim, int *shape,
                           size_t *sa, size_t *sb, nn_error *err)
{
    int n = a->ndim > b->ndim ? a->ndim : b->ndim;
    int da[NN_MAX_DIMS], db[NN_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        int ia = i - (n - a->ndim), ib = i - (n - b->ndim);
        da[i] = ia >= 0 ? a->shape[ia] : 1;
        db[i] = ib >= 0 ? b->shape[ib] : 1;
        if (da[i] != db[i] && da[i] != 1 && db[i] != 1) {
            char x[96], y[96];
            return nn_error_set(err, NN_ESHAPE,
                                "operands could not be broadcast together with shapes %s and %s",
                                nn_shape_format(x, sizeof x, a->ndim, a->shape),
                                nn_shape_format(y, sizeof y, b->ndim, b->shape));
        }
        shape[i] = da[i] > db[i] ? da[i] : db[i];
    }
    size_t ka = 1, kb = 1;
    for (int i = n - 1; i >= 0; i--) {
        sa[i] = da[i] == 1 ? 0 : ka;
        sb[i] = db[i] == 1 ? 0 : kb;
        ka *= (size_t)da[i];
        kb *= (size_t)db[i];
    }
    *ndim = n;
    return NN_OK;
}

nn_tensor *nn_tensor_binary(nn_binop op, const nn_tensor *a, const nn_tensor *b, nn_error *err)
{
    int ndim = 0, shape[NN_MAX_DIMS];
    size_t sa[NN_MAX_DIMS], sb[NN_MAX_DIMS];
    if (broadcast(a, b, &ndim, shape, sa, sb, err) != NN_OK)
        return NULL;
    nn_tensor *r = nn_tensor_new(NN_F32, ndim, shape, err);
    if (!r)
        return NULL;
    float *out = nn_tensor_f32(r);
    if (a->dtype == NN_F32 && b->dtype == NN_F32 && nn_tensor_same_shape(a, b)) {
        const float *x = nn_tensor_f32(a), *y = nn_tensor_f32(b);
        for (size_t i = 0; i < r->size; i++)
            out[i] = apply_binop(op, x[i], y[i]);
        return r;
    }
    int idx[NN_MAX_DIMS] = {0};
    size_t ia = 0, ib = 0;
    for (size_t i = 0; i < r->size; i++) {
        out[i] = apply_binop(op, nn_tensor_get(a, ia), nn_tensor_get(b, ib));
        for (int d = ndim - 1; d >= 0; d--) {     /* odometer step over the output index */
            idx[d]++;
            ia += sa[d];
            ib += sb[d];
            if (idx[d] < shape[d])
                break;
            ia -= sa[d] * (size_t)shape[d];
            ib -= sb[d] * (size_t)shape[d];
            idx[d] = 0;
        }
    }
    return r;
}

nn_tensor *nn_tensor_scalar(nn_binop op, const nn_tensor *a, float s, int scalar_first,
                            nn_error *err)
{
    nn_tensor *r = nn_tensor_new(NN_F32, a->ndim, a->shape, err);
    if (!r)
        return NULL;
    float *out = nn_tensor_f32(r);
    if (a->dtype == NN_U8 && op == NN_DIV && !scalar_first) {
        const uint8_t *x = nn_tensor_u8(a);     /* the common x / 255 of image data */
        for (size_t i = 0; i < a->size; i++)
            out[i] = (float)x[i] / s;
        return r;
    }
    for (size_t i = 0; i < a->size; i++) {
        float v = nn_tensor_get(a, i);
        out[i] = scalar_first ? apply_binop(op, s, v) : apply_binop(op, v, s);
    }
    return r;
}

static float apply_unop(nn_unop op, float x)
{
    switch (op) {
    case NN_NEG:     return -x;
    case NN_ABS:     return fabsf(x);
    case NN_EXP:     return expf(x);
    case NN_LOG:     return logf(x);
    case NN_SQRT:    return sqrtf(x);
    case NN_SQUARE:  return x * x;
    case NN_RELU:    return x > 0 ? x : 0;
    case NN_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case NN_TANH:    return tanhf(x);
    }
    return 0.0f;
}

nn_tensor *nn_tensor_unary(nn_unop op, const nn_tensor *a, nn_error *err)
{
    nn_tensor *r = nn_tensor_new(NN_F32, a->ndim, a->shape, err);
    if (!r)
        return NULL;
    float *out = nn_tensor_f32(r);
    for (size_t i = 0; i < a->size; i++)
        out[i] = apply_unop(op, nn_tensor_get(a, i));
    return r;
}

/* ------------------------------------------------------ filling and making */

nn_status nn_tensor_fill(nn_tensor *t, float v, nn_error *err)
{
    if (t->dtype == NN_U8) {
        nn_status st = nn_tensor_set(t, 0, v, err);
        if (st == NN_OK)
            memset(t->data, (int)v, t->size);
        return st;
    }
    float *d = nn_tensor_f32(t);
    for (size_t i = 0; i < t->size; i++)
        d[i] = v;
    return NN_OK;
}

static nn_status need_f32(const nn_tensor *t, const char *what, nn_error *err)
{
    if (t->dtype == NN_F32)
        return NN_OK;
    return nn_error_set(err, NN_EARG, "%s: needs a float32 tensor, not uint8", what);
}

nn_status nn_tensor_fill_uniform(nn_tensor *t, nn_rng *rng, float lo, float hi, nn_error *err)
{
    nn_status st = need_f32(t, "fill_uniform", err);
    float *d = nn_tensor_f32(t);
    for (size_t i = 0; st == NN_OK && i < t->size; i++)
        d[i] = lo + (hi - lo) * nn_rng_uniform(rng);
    return st;
}

nn_status nn_tensor_fill_normal(nn_tensor *t, nn_rng *rng, float mean, float std,
                                nn_error *err)
{
    nn_status st = need_f32(t, "fill_normal", err);
    float *d = nn_tensor_f32(t);
    for (size_t i = 0; st == NN_OK && i < t->size; i++)
        d[i] = mean + std * nn_rng_normal(rng);
    return st;
}

nn_tensor *nn_tensor_arange(double start, double stop, double step, nn_error *err)
{
    if (!isfinite(start) || !isfinite(stop) || !isfinite(step) || step == 0.0) {
        nn_error_set(err, NN_EARG, "arange: start, stop and step must be finite and step "
                     "non-zero (got %g, %g, %g)", start, stop, step);
        return NULL;
    }
    double count = ceil((stop - start) / step);
    if (!(count >= 1.0)) {
        nn_error_set(err, NN_EARG, "arange: no values from %g up to %g by steps of %g",
                     start, stop, step);
        return NULL;
    }
    if (count > 2147483647.0) {
        nn_error_set(err, NN_ENOMEM, "arange: %.0f values are too many for a tensor", count);
        return NULL;
    }
    nn_tensor *r = nn_tensor_new1((int)count, err);
    if (!r)
        return NULL;
    for (size_t i = 0; i < r->size; i++)
        nn_tensor_f32(r)[i] = (float)(start + (double)i * step);
    return r;
}

nn_tensor *nn_tensor_linspace(double start, double stop, int n, nn_error *err)
{
    if (!isfinite(start) || !isfinite(stop) || n < 1) {
        nn_error_set(err, NN_EARG, "linspace: needs finite ends and at least 1 value "
                     "(got %g, %g, %d)", start, stop, n);
        return NULL;
    }
    nn_tensor *r = nn_tensor_new1(n, err);
    if (!r)
        return NULL;
    float *d = nn_tensor_f32(r);
    double step = n > 1 ? (stop - start) / (n - 1) : 0.0;
    for (int i = 0; i < n; i++)
        d[i] = (float)(start + i * step);
    if (n > 1)
        d[n - 1] = (float)stop;
    return r;
}

nn_tensor *nn_tensor_eye(int rows, int cols, nn_error *err)
{
    nn_tensor *r = nn_tensor_new2(rows, cols, err);
    if (!r)
        return NULL;
    for (int i = 0; i < rows && i < cols; i++)
        nn_tensor_f32(r)[(size_t)i * cols + i] = 1.0f;
    return r;
}

nn_status nn_tensor_assign(nn_tensor *dst, const nn_tensor *src, nn_error *err)
{
    int ndim = 0, shape[NN_MAX_DIMS];
    size_t sd[NN_MAX_DIMS], ss[NN_MAX_DIMS];
    int fits = broadcast(dst, src, &ndim, shape, sd, ss, NULL) == NN_OK;
    int lead = ndim - dst->ndim;
    for (int i = 0; fits && i < ndim; i++)
        fits = shape[i] == (i < lead ? 1 : dst->shape[i - lead]);
    if (!fits) {
        char x[96], y[96];
        return nn_error_set(err, NN_ESHAPE, "could not broadcast a tensor of shape %s into "
                            "one of shape %s", nn_shape_format(x, sizeof x, src->ndim, src->shape),
                            nn_shape_format(y, sizeof y, dst->ndim, dst->shape));
    }
    nn_status st = NN_OK;
    int idx[NN_MAX_DIMS] = {0};
    size_t is = 0;
    for (size_t i = 0; st == NN_OK && i < dst->size; i++) {
        st = nn_tensor_set(dst, i, nn_tensor_get(src, is), err);
        for (int d = ndim - 1; d >= 0; d--) {     /* odometer step, as in nn_tensor_binary */
            idx[d]++;
            is += ss[d];
            if (idx[d] < shape[d])
                break;
            is -= ss[d] * (size_t)shape[d];
            idx[d] = 0;
        }
    }
    return st;
}

nn_tensor *nn_tensor_concat(const nn_tensor *const *ts, int n, int axis, nn_error *err)
{
    char x[96], y[96];
    if (n < 1) {
        nn_error_set(err, NN_EARG, "concatenate: needs at least one tensor");
        return NULL;
    }
    if (axis < 0 || axis >= ts[0]->ndim) {
        nn_error_set(err, NN_EARG, "concatenate: axis %d is out of range for %d-D tensors",
                     axis + 1, ts[0]->ndim);
        return NULL;
    }
    const nn_tensor *a = ts[0];
    int all_u8 = 1;
    long long total = 0;
    for (int k = 0; k < n; k++) {
        const nn_tensor *b = ts[k];
        int same = b->ndim == a->ndim;
        for (int i = 0; same && i < a->ndim; i++)
            same = i == axis || a->shape[i] == b->shape[i];
        if (!same) {
            nn_error_set(err, NN_ESHAPE, "concatenate: tensor %d has shape %s, which does not "
                         "fit tensor 1's %s on axes other than %d", k + 1,
                         nn_shape_format(x, sizeof x, b->ndim, b->shape),
                         nn_shape_format(y, sizeof y, a->ndim, a->shape), axis + 1);
            return NULL;
        }
        all_u8 = all_u8 && b->dtype == NN_U8;
        total += b->shape[axis];
    }
    if (total > 2147483647LL) {
        nn_error_set(err, NN_ENOMEM, "concatenate: axis %d would have %lld entries, too many",
                     axis + 1, total);
        return NULL;
    }
    int shape[NN_MAX_DIMS];
    memcpy(shape, a->shape, sizeof shape);
    shape[axis] = (int)total;
    nn_tensor *r = nn_tensor_new(all_u8 ? NN_U8 : NN_F32, a->ndim, shape, err);
    if (!r)
        return NULL;
    size_t outer = 1, inner = 1, at = 0;
    for (int i = 0; i < a->ndim; i++) {
        if (i < axis)
            outer *= (size_t)a->shape[i];
        if (i > axis)
            inner *= (size_t)a->shape[i];
    }
    for (size_t o = 0; o < outer; o++) {
        for (int k = 0; k < n; k++) {
            size_t chunk = (size_t)ts[k]->shape[axis] * inner;
            for (size_t j = 0; j < chunk; j++, at++) {
                if (all_u8)
                    nn_tensor_u8(r)[at] = nn_tensor_u8(ts[k])[o * chunk + j];
                else
                    nn_tensor_f32(r)[at] = nn_tensor_get(ts[k], o * chunk + j);
            }
        }
    }
    return r;
}

/* ---------------------------------------------------------------- matmul */

nn_tensor *nn_tensor_matmul(const nn_tensor *a, const nn_tensor *b, nn_error *err)
{
    char x[96], y[96];
    if (a->ndim != 2 || b->ndim != 2 || a->shape[1] != b->shape[0]) {
        nn_error_set(err, NN_ESHAPE, "matmul: shapes %s and %s are not aligned "
                     "(need (m, k) and (k, n))", nn_shape_format(x, sizeof x, a->ndim, a->shape),
                     nn_shape_format(y, sizeof y, b->ndim, b->shape));
        return NULL;
    }
    nn_tensor *fa = a->dtype == NN_F32 ? NULL : nn_tensor_to_f32(a, err);
    nn_tensor *fb = b->dtype == NN_F32 ? NULL : nn_tensor_to_f32(b, err);
    int m = a->shape[0], k = a->shape[1], n = b->shape[1];
    nn_tensor *r = nn_tensor_new2(m, n, err);
    if (r && (a->dtype == NN_F32 || fa) && (b->dtype == NN_F32 || fb))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                    nn_tensor_f32(fa ? fa : a), k, nn_tensor_f32(fb ? fb : b), n, 0.0f,
                    nn_tensor_f32(r), n);
    else if (r) {
        nn_tensor_free(r);
        r = NULL;
    }
    nn_tensor_free(fa);
    nn_tensor_free(fb);
    return r;
}

nn_tensor *nn_tensor_transpose(const nn_tensor *a, nn_error *err)
{
    if (a->ndim == 1)
        return nn_tensor_to_f32(a, err);
    if (a->ndim != 2) {
        char x[96];
        nn_error_set(err, NN_ESHAPE, "transpose: needs a 2-D tensor, got shape %s",
                     nn_shape_format(x, sizeof x, a->ndim, a->shape));
        return NULL;
    }
    int m = a->shape[0], n = a->shape[1];
    nn_tensor *r = nn_tensor_new2(n, m, err);
    if (!r)
        return NULL;
    float *out = nn_tensor_f32(r);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            out[(size_t)j * m + i] = nn_tensor_get(a, (size_t)i * n + j);
    return r;
}

/* ------------------------------------------------------------- reductions */

nn_tensor *nn_tensor_reduce(nn_reduce_op op, const nn_tensor *a, int axis, nn_error *err)
{
    if (axis < -1 || axis >= a->ndim) {
        nn_error_set(err, NN_EARG, "reduce: axis %d is out of range for a %d-D tensor",
                     axis + 1, a->ndim);
        return NULL;
    }
    size_t outer = 1, len = a->size, inner = 1;
    int shape[NN_MAX_DIMS], ndim = 1;
    shape[0] = 1;
    if (axis >= 0) {
        len = (size_t)a->shape[axis];
        ndim = 0;
        for (int i = 0; i < a->ndim; i++) {
            if (i < axis)
                outer *= (size_t)a->shape[i];
            if (i > axis)
                inner *= (size_t)a->shape[i];
            if (i != axis)
                shape[ndim++] = a->shape[i];
        }
        if (ndim == 0)
            shape[ndim++] = 1;
    }
    nn_tensor *r = nn_tensor_new(NN_F32, ndim, shape, err);
    if (!r)
        return NULL;
    float *out = nn_tensor_f32(r);
    for (size_t o = 0; o < outer; o++) {
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * len * inner + in;
            double acc = nn_tensor_get(a, base);
            if (op == NN_SUM || op == NN_MEAN)
                acc = 0.0;
            for (size_t k = 0; k < len; k++) {
                double v = nn_tensor_get(a, base + k * inner);
                if (op == NN_SUM || op == NN_MEAN)
                    acc += v;
                else if (isnan(v) || (op == NN_RMAX ? v > acc : v < acc))
                    acc = v;
            }
            if (op == NN_MEAN)
                acc /= (double)len;
            out[o * inner + in] = (float)acc;
        }
    }
    return r;
}

double nn_tensor_reduce_all(nn_reduce_op op, const nn_tensor *a)
{
    double acc = op == NN_SUM || op == NN_MEAN ? 0.0 : nn_tensor_get(a, 0);
    for (size_t i = 0; i < a->size; i++) {
        double v = nn_tensor_get(a, i);
        if (op == NN_SUM || op == NN_MEAN)
            acc += v;
        else if (isnan(v) || (op == NN_RMAX ? v > acc : v < acc))
            acc = v;
    }
    return op == NN_MEAN ? acc / (double)a->size : acc;
}

nn_tensor *nn_tensor_argmax(const nn_tensor *a, nn_error *err)
{
    int shape[NN_MAX_DIMS] = {1};
    int ndim = a->ndim > 1 ? a->ndim - 1 : 1;
    if (a->ndim > 1)
        memcpy(shape, a->shape, (size_t)ndim * sizeof *shape);
    size_t k = (size_t)a->shape[a->ndim - 1];
    size_t rows = a->size / k;
    nn_tensor *r = nn_tensor_new(NN_F32, ndim, shape, err);
    if (!r)
        return NULL;
    for (size_t i = 0; i < rows; i++) {
        size_t best = 0;
        for (size_t j = 1; j < k; j++)
            if (nn_tensor_get(a, i * k + j) > nn_tensor_get(a, i * k + best))
                best = j;
        nn_tensor_f32(r)[i] = (float)best;
    }
    return r;
}

nn_tensor_stats nn_tensor_summary(const nn_tensor *a)
{
    nn_tensor_stats s = {0.0, INFINITY, -INFINITY, 0};
    for (size_t i = 0; i < a->size; i++) {
        double v = nn_tensor_get(a, i);
        if (!isfinite(v)) {
            s.nonfinite++;
            continue;
        }
        s.sum += v;
        if (v < s.min)
            s.min = v;
        if (v > s.max)
            s.max = v;
    }
    return s;
}
