/* nn/dense.c — the fully connected layer, through cblas_sgemm. */
#include "dense.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct dense_impl {
    nn_dense_options opt;
} dense_impl;

nn_dense_options nn_dense_defaults(int units)
{
    nn_dense_options o;
    memset(&o, 0, sizeof o);
    o.units = units;
    o.activation.kind = NN_ACT_LINEAR;
    o.use_bias = 1;
    o.kernel_initializer.kind = NN_INIT_GLOROT_UNIFORM;
    o.bias_initializer.kind = NN_INIT_ZEROS;
    return o;
}

/* A single sample (B = 1) is too small for OpenBLAS: sgemm packs its operands,
** and sgemv/sger wake its threads for 100k multiply-adds, which costs more than
** they save. These two loops take one row of the matrix at a time, so the inner
** loop runs over contiguous memory and vectorises. */

/* y += a M       a:(n)  M:(n, m)  y:(m) */
static void row_times_matrix(float *restrict y, const float *restrict a,
                             const float *restrict mat, int n, int m)
{
    for (int k = 0; k < n; k++) {
        const float ak = a[k], *row = mat + (size_t)k * m;
        for (int j = 0; j < m; j++)
            y[j] += ak * row[j];
    }
}

/* M += a b^T     a:(n)  b:(m)  M:(n, m) */
static void add_outer(float *restrict mat, const float *restrict a, const float *restrict b,
                      int n, int m)
{
    for (int k = 0; k < n; k++) {
        const float ak = a[k];
        float *row = mat + (size_t)k * m;
        for (int j = 0; j < m; j++)
            row[j] += ak * b[j];
    }
}

/* y = x W + b          x:(B,IN)  W:(IN,OUT)  b:(OUT)  y:(B,OUT) */
void nn_dense_forward(float *y, const float *x, const float *w, const float *b,
                      int B, int IN, int OUT)
{
    float beta = 0.0f;
    if (b) {
        for (int i = 0; i < B; i++)
            memcpy(y + (size_t)i * OUT, b, (size_t)OUT * sizeof *y);
        beta = 1.0f;
    }
    if (B == 1) {
        if (!b)
            memset(y, 0, (size_t)OUT * sizeof *y);
        row_times_matrix(y, x, w, IN, OUT);
    } else {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, OUT, IN, 1.0f, x, IN, w, OUT,
                    beta, y, OUT);
    }
}

/* dx = dy W^T;  dW += x^T dy;  db += sum over B of dy       (dx may be NULL) */
void nn_dense_backward(float *dx, float *dw, float *db, const float *dy, const float *x,
                       const float *w, int B, int IN, int OUT)
{
    if (B == 1) {   /* dx = W dy (a dot product per row of W), dW += x dy^T */
        if (dx)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, IN, OUT, 1.0f, w, OUT, dy, 1, 0.0f, dx, 1);
        add_outer(dw, x, dy, IN, OUT);
    } else {
        if (dx)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, IN, OUT, 1.0f, dy, OUT, w,
                        OUT, 0.0f, dx, IN);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, IN, OUT, B, 1.0f, x, IN, dy, OUT,
                    1.0f, dw, OUT);
    }
    if (db) {
        for (int i = 0; i < B; i++) {
            const float *row = dy + (size_t)i * OUT;
            for (int j = 0; j < OUT; j++)
                db[j] += row[j];
        }
    }
}

static nn_status dense_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    dense_impl *d = l->impl;
    char buf[64];
    if (l->in_shape[0].ndim != 1)
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (Dense) expects a flat input of shape "
                            "(None, features), got %s; add a Flatten layer before it", l->name,
                            nn_shape_str(buf, sizeof buf, &l->in_shape[0]));
    int in = l->in_shape[0].dim[0], out = d->opt.units;
    int wshape[2] = {in, out};
    nn_param *k = nn_layer_add_param(l, "kernel", 2, wshape, d->opt.kernel_initializer, in, out,
                                     rng, err);
    if (!k)
        return err ? err->code : NN_ENOMEM;
    k->reg = d->opt.kernel_regularizer;
    if (d->opt.use_bias) {
        nn_param *b = nn_layer_add_param(l, "bias", 1, &out, d->opt.bias_initializer, in, out,
                                         rng, err);
        if (!b)
            return err ? err->code : NN_ENOMEM;
        b->reg = d->opt.bias_regularizer;
    }
    l->out_shape.ndim = 1;
    l->out_shape.dim[0] = out;
    return NN_OK;
}

static nn_status dense_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                               int training, nn_error *err)
{
    dense_impl *d = l->impl;
    int B = x[0]->shape[0], in = l->in_shape[0].dim[0];
    float *z = nn_layer_preact(l, y, err);
    if (!z)
        return err ? err->code : NN_ENOMEM;
    const float *bias = d->opt.use_bias ? nn_tensor_f32(l->params[1].value) : NULL;
    nn_dense_forward(z, nn_tensor_f32(x[0]), nn_tensor_f32(l->params[0].value), bias, B, in,
                     d->opt.units);
    nn_layer_activate(l, y);
    return NN_OK;
}

static nn_status dense_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    dense_impl *d = l->impl;
    int B = x[0]->shape[0], in = l->in_shape[0].dim[0];
    const float *dz = nn_layer_preact_grad(l, y, dy, err);
    if (!dz)
        return err ? err->code : NN_ENOMEM;
    float *db = d->opt.use_bias ? nn_tensor_f32(l->params[1].grad) : NULL;
    nn_dense_backward(dx[0] ? nn_tensor_f32(dx[0]) : NULL, nn_tensor_f32(l->params[0].grad), db,
                      dz, nn_tensor_f32(x[0]), nn_tensor_f32(l->params[0].value), B, in,
                      d->opt.units);
    return NN_OK;
}

static void dense_destroy(nn_layer *l)
{
    free(l->impl);
}

/* Keras's Dense.get_config() entries after name, trainable and dtype. */
static int dense_config(const nn_layer *l, char *buf, size_t len)
{
    const dense_impl *d = l->impl;
    size_t at = 0;
    nn_config_append(buf, len, &at, "\"units\": %d, \"activation\": \"%s\", \"use_bias\": %s",
                     d->opt.units, nn_activation_name(d->opt.activation.kind),
                     d->opt.use_bias ? "true" : "false");
    nn_config_kernel_bias(buf, len, &at, d->opt.kernel_initializer, d->opt.bias_initializer,
                          d->opt.kernel_regularizer, d->opt.bias_regularizer,
                          d->opt.activity_regularizer);
    return (int)at;
}

static const nn_layer_ops dense_ops = {
    .type = "Dense",
    .build = dense_build,
    .forward = dense_forward,
    .backward = dense_backward,
    .destroy = dense_destroy,
    .config = dense_config,
};

nn_layer *nn_dense_new(const nn_dense_options *opt, nn_error *err)
{
    if (opt->units < 1) {
        nn_error_set(err, NN_EARG, "Dense: units must be a positive integer, not %d", opt->units);
        return NULL;
    }
    dense_impl *d = malloc(sizeof *d);
    if (!d) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a Dense layer");
        return NULL;
    }
    d->opt = *opt;
    nn_layer *l = nn_layer_alloc(&dense_ops, "dense", d, err);
    if (!l) {
        free(d);
        return NULL;
    }
    l->act = opt->activation;
    l->activity_reg = opt->activity_regularizer;
    return l;
}
