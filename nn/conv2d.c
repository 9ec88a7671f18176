/* nn/conv2d.c — Conv2D through im2col and cblas_sgemm, channels-last. */
#include "conv2d.h"

#include <cblas.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

/* The im2col buffer holds at most this many floats (4 MiB), whole samples at a
** time; a larger batch goes through in chunks. Each chunk's im2col is then still
** in cache when sgemm reads it: on a shared 2-core machine the Fashion-MNIST
** CNN's second convolution (batch 128, 4.5 M floats of im2col in one piece) took
** about a fifth less time in 5 chunks than in one (best of 25 runs each, noisy).
** The first convolution (6084 floats per sample) stays one product per batch up
** to batch 172. */
#define COL_CAP_FLOATS ((size_t)1 << 20)

typedef struct conv2d_impl {
    nn_conv2d_options opt;
    nn_window g;
    nn_tensor *col;         /* im2col scratch for one chunk of samples */
    int col_batch;          /* B of the last forward when col holds all of its im2col, else 0 */
} conv2d_impl;

nn_conv2d_options nn_conv2d_defaults(int filters, int kh, int kw)
{
    nn_conv2d_options o;
    memset(&o, 0, sizeof o);
    o.filters = filters;
    o.kernel_size[0] = kh;
    o.kernel_size[1] = kw;
    o.strides[0] = o.strides[1] = 1;
    o.padding = NN_PADDING_VALID;
    o.activation.kind = NN_ACT_LINEAR;
    o.use_bias = 1;
    o.kernel_initializer.kind = NN_INIT_GLOROT_UNIFORM;
    o.bias_initializer.kind = NN_INIT_ZEROS;
    return o;
}

/* A 1x1 kernel with stride 1: im2col(x) is x itself. */
static int pointwise(const nn_window *g)
{
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1;
}

/* ------------------------------------------------------------ im2col pair */

/* col[(b, oh, ow), (i, j, c)] = x[b, oh sh - pad_top + i, ow sw - pad_left + j, c] */
void nn_conv2d_im2col(float *col, const float *x, const nn_window *g, int B)
{
    const int c = g->c, span = g->kw * c;
    const size_t sample = (size_t)g->h * g->w * c, row_len = (size_t)g->kh * span;
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * sample;
        for (int oh = 0; oh < g->oh; oh++) {
            int ih0 = oh * g->sh - g->pad_top;
            for (int ow = 0; ow < g->ow; ow++) {
                int iw0 = ow * g->sw - g->pad_left;
                float *dst = col + (((size_t)b * g->oh + oh) * g->ow + ow) * row_len;
                for (int i = 0; i < g->kh; i++, dst += span) {
                    int ih = ih0 + i;
                    if (ih < 0 || ih >= g->h) {
                        memset(dst, 0, (size_t)span * sizeof *dst);
                        continue;
                    }
                    const float *src = xb + (size_t)ih * g->w * c;
                    if (iw0 >= 0 && iw0 + g->kw <= g->w) {
                        /* the window's row is contiguous in channels-last x */
                        const float *s = src + (size_t)iw0 * c;
                        for (int k = 0; k < span; k++)
                            dst[k] = s[k];
                        continue;
                    }
                    for (int j = 0; j < g->kw; j++) {
                        int iw = iw0 + j;
                        for (int k = 0; k < c; k++)
                            dst[j * c + k] = iw >= 0 && iw < g->w ? src[(size_t)iw * c + k] : 0.0f;
                    }
                }
            }
        }
    }
}

/* dx[b, ih, iw, c] += dcol[(b, oh, ow), (i, j, c)] wherever im2col read x[b, ih, iw, c] */
void nn_conv2d_col2im(float *dx, const float *dcol, const nn_window *g, int B)
{
    const int c = g->c, span = g->kw * c;
    const size_t sample = (size_t)g->h * g->w * c, row_len = (size_t)g->kh * span;
    for (int b = 0; b < B; b++) {
        float *xb = dx + (size_t)b * sample;
        for (int oh = 0; oh < g->oh; oh++) {
            int ih0 = oh * g->sh - g->pad_top;
            for (int ow = 0; ow < g->ow; ow++) {
                int iw0 = ow * g->sw - g->pad_left;
                const float *src = dcol + (((size_t)b * g->oh + oh) * g->ow + ow) * row_len;
                for (int i = 0; i < g->kh; i++, src += span) {
                    int ih = ih0 + i;
                    if (ih < 0 || ih >= g->h)
                        continue;
                    float *dst = xb + (size_t)ih * g->w * c;
                    if (iw0 >= 0 && iw0 + g->kw <= g->w) {
                        float *d = dst + (size_t)iw0 * c;
                        for (int k = 0; k < span; k++)
                            d[k] += src[k];
                        continue;
                    }
                    for (int j = 0; j < g->kw; j++) {
                        int iw = iw0 + j;
                        if (iw < 0 || iw >= g->w)
                            continue;
                        for (int k = 0; k < c; k++)
                            dst[(size_t)iw * c + k] += src[j * c + k];
                    }
                }
            }
        }
    }
}

/* ------------------------------------------------------- forward / backward */

/* y[b, oh, ow, f] = bias[f] + sum_{i, j, c} x[b, oh sh - pt + i, ow sw - pl + j, c] W[i, j, c, f]
**   y = im2col(x) W + bias     im2col(x):(B oh ow, K)  W:(K, F)  y:(B oh ow, F) */
void nn_conv2d_forward(float *y, float *col, const float *x, const float *w, const float *bias,
                       const nn_window *g, int B, int F)
{
    const int K = g->kh * g->kw * g->c, rows = B * g->oh * g->ow;
    const float *a = x;
    if (!pointwise(g)) {
        nn_conv2d_im2col(col, x, g, B);
        a = col;
    }
    float beta = 0.0f;
    if (bias) {
        for (int r = 0; r < rows; r++)
            memcpy(y + (size_t)r * F, bias, (size_t)F * sizeof *y);
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, F, K, 1.0f, a, K, w, F, beta,
                y, F);
}

/* dW += im2col(x)^T dy    (K, F) = (K, B oh ow) (B oh ow, F)
** dbias += sum over the B oh ow rows of dy
** dx = col2im(dy W^T)     dy W^T:(B oh ow, K) */
void nn_conv2d_backward(float *dx, float *dw, float *dbias, float *col, const float *dy,
                        const float *x, const float *w, const nn_window *g, int B, int F)
{
    const int K = g->kh * g->kw * g->c, rows = B * g->oh * g->ow;
    const float *a = pointwise(g) ? x : col;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, F, rows, 1.0f, a, K, dy, F, 1.0f,
                dw, F);
    if (dbias) {
        for (int r = 0; r < rows; r++) {
            const float *row = dy + (size_t)r * F;
            for (int f = 0; f < F; f++)
                dbias[f] += row[f];
        }
    }
    if (!dx)
        return;
    if (pointwise(g)) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, K, F, 1.0f, dy, F, w, F, 0.0f,
                    dx, K);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, K, F, 1.0f, dy, F, w, F, 0.0f,
                col, K);
    memset(dx, 0, (size_t)B * g->h * g->w * g->c * sizeof *dx);
    nn_conv2d_col2im(dx, col, g, B);
}

/* ------------------------------------------------------------- the layer */

static nn_status conv2d_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    conv2d_impl *d = l->impl;
    const nn_conv2d_options *o = &d->opt;
    const nn_shape *s = &l->in_shape[0];
    char buf[64];
    if (s->ndim != 3)
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (Conv2D) expects input of shape (None, "
                            "height, width, channels), got %s; reshape the data, e.g. "
                            "x:reshape{n, 28, 28, 1}", l->name, nn_shape_str(buf, sizeof buf, s));
    int h = s->dim[0], w = s->dim[1], c = s->dim[2];
    int kh = o->kernel_size[0], kw = o->kernel_size[1];
    if (!nn_window_init(&d->g, h, w, c, kh, kw, o->strides[0], o->strides[1], o->padding))
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (Conv2D): kernel %dx%d is larger than "
                            "its input %dx%dx%d with padding '%s'", l->name, kh, kw, h, w, c,
                            nn_padding_name(o->padding));
    int F = o->filters;
    /* The kernels index with int: refuse sizes whose products do not fit one. */
    if ((size_t)kh * kw * c > INT_MAX || (size_t)kh * kw * F > INT_MAX ||
        (size_t)d->g.oh * d->g.ow * F > INT_MAX)
        return nn_error_set(err, NN_ENOMEM, "layer '%s' (Conv2D): a %dx%d kernel with %d "
                            "filters on input %dx%dx%d is too large", l->name, kh, kw, F, h, w,
                            c);
    int kshape[4] = {kh, kw, c, F};
    nn_param *k = nn_layer_add_param(l, "kernel", 4, kshape, o->kernel_initializer, kh * kw * c,
                                     kh * kw * F, rng, err);
    if (!k)
        return err ? err->code : NN_ENOMEM;
    k->reg = o->kernel_regularizer;
    if (o->use_bias) {
        nn_param *b = nn_layer_add_param(l, "bias", 1, &F, o->bias_initializer, kh * kw * c,
                                         kh * kw * F, rng, err);
        if (!b)
            return err ? err->code : NN_ENOMEM;
        b->reg = o->bias_regularizer;
    }
    l->out_shape.ndim = 3;
    l->out_shape.dim[0] = d->g.oh;
    l->out_shape.dim[1] = d->g.ow;
    l->out_shape.dim[2] = F;
    d->col_batch = 0;
    return NN_OK;
}

/* Samples per im2col chunk for a batch of B. */
static int chunk_size(const nn_window *g, int B)
{
    size_t per_sample = (size_t)g->oh * g->ow * g->kh * g->kw * g->c;
    size_t n = COL_CAP_FLOATS / per_sample;
    if (n < 1)
        n = 1;
    return n < (size_t)B ? (int)n : B;
}

static nn_status ensure_col(conv2d_impl *d, int chunk, nn_error *err)
{
    int shape[2] = {chunk * d->g.oh * d->g.ow, d->g.kh * d->g.kw * d->g.c};
    return nn_tensor_ensure(&d->col, 2, shape, err);
}

static nn_status conv2d_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                int training, nn_error *err)
{
    conv2d_impl *d = l->impl;
    const nn_window *g = &d->g;
    int B = x[0]->shape[0], F = d->opt.filters, chunk = chunk_size(g, B);
    float *z = nn_layer_preact(l, y, err);
    if (!z || ensure_col(d, chunk, err) != NN_OK)
        return err ? err->code : NN_ENOMEM;
    const float *xs = nn_tensor_f32(x[0]), *w = nn_tensor_f32(l->params[0].value);
    const float *bias = d->opt.use_bias ? nn_tensor_f32(l->params[1].value) : NULL;
    size_t in_sample = (size_t)g->h * g->w * g->c, out_sample = (size_t)g->oh * g->ow * F;
    for (int b0 = 0; b0 < B; b0 += chunk) {
        int n = B - b0 < chunk ? B - b0 : chunk;
        nn_conv2d_forward(z + b0 * out_sample, nn_tensor_f32(d->col), xs + b0 * in_sample, w,
                          bias, g, n, F);
    }
    d->col_batch = chunk == B ? B : 0;
    nn_layer_activate(l, y);
    return NN_OK;
}

static nn_status conv2d_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                 const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    conv2d_impl *d = l->impl;
    const nn_window *g = &d->g;
    int B = x[0]->shape[0], F = d->opt.filters, chunk = chunk_size(g, B);
    const float *dz = nn_layer_preact_grad(l, y, dy, err);
    if (!dz || ensure_col(d, chunk, err) != NN_OK)
        return err ? err->code : NN_ENOMEM;
    const float *xs = nn_tensor_f32(x[0]), *w = nn_tensor_f32(l->params[0].value);
    float *dw = nn_tensor_f32(l->params[0].grad), *col = nn_tensor_f32(d->col);
    float *db = d->opt.use_bias ? nn_tensor_f32(l->params[1].grad) : NULL;
    float *dxs = dx[0] ? nn_tensor_f32(dx[0]) : NULL;
    size_t in_sample = (size_t)g->h * g->w * g->c, out_sample = (size_t)g->oh * g->ow * F;
    for (int b0 = 0; b0 < B; b0 += chunk) {
        int n = B - b0 < chunk ? B - b0 : chunk;
        if (d->col_batch != B && !pointwise(g))
            nn_conv2d_im2col(col, xs + b0 * in_sample, g, n);
        nn_conv2d_backward(dxs ? dxs + b0 * in_sample : NULL, dw, db, col, dz + b0 * out_sample,
                           xs + b0 * in_sample, w, g, n, F);
    }
    if (dxs)
        d->col_batch = 0;       /* col now holds dy W^T */
    return NN_OK;
}

static void conv2d_destroy(nn_layer *l)
{
    conv2d_impl *d = l->impl;
    nn_tensor_free(d->col);
    free(d);
}

static int conv2d_config(const nn_layer *l, char *buf, size_t len)
{
    const conv2d_impl *d = l->impl;
    const nn_conv2d_options *o = &d->opt;
    size_t at = 0;
    nn_config_append(buf, len, &at, "\"filters\": %d, \"kernel_size\": [%d, %d], \"strides\": "
                     "[%d, %d], \"padding\": \"%s\", \"data_format\": \"channels_last\", "
                     "\"dilation_rate\": [1, 1], \"activation\": \"%s\", \"use_bias\": %s",
                     o->filters, o->kernel_size[0], o->kernel_size[1], o->strides[0],
                     o->strides[1], nn_padding_name(o->padding),
                     nn_activation_name(o->activation.kind), o->use_bias ? "true" : "false");
    nn_config_kernel_bias(buf, len, &at, o->kernel_initializer, o->bias_initializer,
                          o->kernel_regularizer, o->bias_regularizer,
                          o->activity_regularizer);
    return (int)at;
}

static const nn_layer_ops conv2d_ops = {
    .type = "Conv2D",
    .build = conv2d_build,
    .forward = conv2d_forward,
    .backward = conv2d_backward,
    .destroy = conv2d_destroy,
    .config = conv2d_config,
};

nn_layer *nn_conv2d_new(const nn_conv2d_options *opt, nn_error *err)
{
    if (opt->filters < 1) {
        nn_error_set(err, NN_EARG, "Conv2D: filters must be a positive integer, not %d",
                     opt->filters);
        return NULL;
    }
    if (opt->kernel_size[0] < 1 || opt->kernel_size[1] < 1) {
        nn_error_set(err, NN_EARG, "Conv2D: kernel_size must be positive, not (%d, %d)",
                     opt->kernel_size[0], opt->kernel_size[1]);
        return NULL;
    }
    if (opt->strides[0] < 1 || opt->strides[1] < 1) {
        nn_error_set(err, NN_EARG, "Conv2D: strides must be positive, not (%d, %d)",
                     opt->strides[0], opt->strides[1]);
        return NULL;
    }
    if (opt->padding != NN_PADDING_VALID && opt->padding != NN_PADDING_SAME) {
        nn_error_set(err, NN_EARG, "Conv2D: padding must be 'valid' or 'same'");
        return NULL;
    }
    conv2d_impl *d = calloc(1, sizeof *d);
    if (!d) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a Conv2D layer");
        return NULL;
    }
    d->opt = *opt;
    nn_layer *l = nn_layer_alloc(&conv2d_ops, "conv2d", d, err);
    if (!l) {
        free(d);
        return NULL;
    }
    l->act = opt->activation;
    l->activity_reg = opt->activity_regularizer;
    return l;
}
