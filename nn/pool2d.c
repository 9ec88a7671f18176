/* nn/pool2d.c — max and average pooling, windowed and global, channels-last. */
#include "pool2d.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pool_impl {
    int is_max;
    int global, keepdims;           /* Global*Pooling2D: the window is the whole input */
    nn_pool2d_options opt;
    nn_window g;
    int *arg;                       /* argmax of the last max forward, grown as needed */
    size_t arg_cap;
} pool_impl;

nn_pool2d_options nn_pool2d_defaults(int ph, int pw)
{
    nn_pool2d_options o;
    memset(&o, 0, sizeof o);
    o.pool_size[0] = ph;
    o.pool_size[1] = pw;
    o.padding = NN_PADDING_VALID;
    return o;
}

/* The rows [*i0, *i1) of the input a window starting at `start` covers. */
static void clip(int start, int k, int n, int *i0, int *i1)
{
    *i0 = start < 0 ? 0 : start;
    *i1 = start + k > n ? n : start + k;
}

/* ------------------------------------------------------------------ kernels */

/* y[b, oh, ow, c] = max over the window's real positions of x[b, ih, iw, c];
** arg = (ih w + iw) c_count + c of that max within the sample */
void nn_maxpool2d_forward(float *y, int *arg, const float *x, const nn_window *g, int B)
{
    const int C = g->c;
    const size_t sample = (size_t)g->h * g->w * C;
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * sample;
        for (int oh = 0; oh < g->oh; oh++) {
            int h0, h1;
            clip(oh * g->sh - g->pad_top, g->kh, g->h, &h0, &h1);
            for (int ow = 0; ow < g->ow; ow++) {
                int w0, w1;
                clip(ow * g->sw - g->pad_left, g->kw, g->w, &w0, &w1);
                size_t o = (((size_t)b * g->oh + oh) * g->ow + ow) * C;
                float *yo = y + o;
                int *ao = arg + o;
                for (int c = 0; c < C; c++) {
                    yo[c] = -FLT_MAX;
                    ao[c] = -1;
                }
                for (int ih = h0; ih < h1; ih++)
                    for (int iw = w0; iw < w1; iw++) {
                        int base = (ih * g->w + iw) * C;
                        const float *xp = xb + base;
                        for (int c = 0; c < C; c++)
                            if (xp[c] > yo[c] || ao[c] < 0) {
                                yo[c] = xp[c];
                                ao[c] = base + c;
                            }
                    }
            }
        }
    }
}

/* dx = 0;  dx[b][arg[b, oh, ow, c]] += dy[b, oh, ow, c] */
void nn_maxpool2d_backward(float *dx, const float *dy, const int *arg, const nn_window *g,
                           int B)
{
    const size_t sample = (size_t)g->h * g->w * g->c, out = (size_t)g->oh * g->ow * g->c;
    memset(dx, 0, (size_t)B * sample * sizeof *dx);
    for (int b = 0; b < B; b++) {
        float *dxb = dx + (size_t)b * sample;
        const float *dyb = dy + (size_t)b * out;
        const int *ab = arg + (size_t)b * out;
        for (size_t o = 0; o < out; o++)
            dxb[ab[o]] += dyb[o];
    }
}

/* y[b, oh, ow, c] = (1/n) sum over the window's n real positions of x[b, ih, iw, c] */
void nn_avgpool2d_forward(float *y, const float *x, const nn_window *g, int B)
{
    const int C = g->c;
    const size_t sample = (size_t)g->h * g->w * C;
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * sample;
        for (int oh = 0; oh < g->oh; oh++) {
            int h0, h1;
            clip(oh * g->sh - g->pad_top, g->kh, g->h, &h0, &h1);
            for (int ow = 0; ow < g->ow; ow++) {
                int w0, w1;
                clip(ow * g->sw - g->pad_left, g->kw, g->w, &w0, &w1);
                float *yo = y + (((size_t)b * g->oh + oh) * g->ow + ow) * C;
                memset(yo, 0, (size_t)C * sizeof *yo);
                for (int ih = h0; ih < h1; ih++)
                    for (int iw = w0; iw < w1; iw++) {
                        const float *xp = xb + ((size_t)ih * g->w + iw) * C;
                        for (int c = 0; c < C; c++)
                            yo[c] += xp[c];
                    }
                float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
                for (int c = 0; c < C; c++)
                    yo[c] *= inv;
            }
        }
    }
}

/* dx[b, ih, iw, c] = sum over the windows holding (ih, iw) of dy[b, oh, ow, c] / n */
void nn_avgpool2d_backward(float *dx, const float *dy, const nn_window *g, int B)
{
    const int C = g->c;
    const size_t sample = (size_t)g->h * g->w * C;
    memset(dx, 0, (size_t)B * sample * sizeof *dx);
    for (int b = 0; b < B; b++) {
        float *dxb = dx + (size_t)b * sample;
        for (int oh = 0; oh < g->oh; oh++) {
            int h0, h1;
            clip(oh * g->sh - g->pad_top, g->kh, g->h, &h0, &h1);
            for (int ow = 0; ow < g->ow; ow++) {
                int w0, w1;
                clip(ow * g->sw - g->pad_left, g->kw, g->w, &w0, &w1);
                const float *dyo = dy + (((size_t)b * g->oh + oh) * g->ow + ow) * C;
                float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
                for (int ih = h0; ih < h1; ih++)
                    for (int iw = w0; iw < w1; iw++) {
                        float *dp = dxb + ((size_t)ih * g->w + iw) * C;
                        for (int c = 0; c < C; c++)
                            dp[c] += dyo[c] * inv;
                    }
            }
        }
    }
}

/* ------------------------------------------------------------- the layers */

static nn_status pool_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    pool_impl *p = l->impl;
    const nn_shape *s = &l->in_shape[0];
    char buf[64];
    if (s->ndim != 3)
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (%s) expects input of shape (None, "
                            "height, width, channels), got %s", l->name, l->ops->type,
                            nn_shape_str(buf, sizeof buf, s));
    int h = s->dim[0], w = s->dim[1], c = s->dim[2];
    if (p->global) {
        nn_window_init(&p->g, h, w, c, h, w, 1, 1, NN_PADDING_VALID);
        if (p->keepdims) {
            l->out_shape = (nn_shape){3, {1, 1, c}};
        } else {
            l->out_shape = (nn_shape){1, {c}};
        }
        return NN_OK;
    }
    const nn_pool2d_options *o = &p->opt;
    int kh = o->pool_size[0], kw = o->pool_size[1];
    int sh = o->strides[0] ? o->strides[0] : kh, sw = o->strides[1] ? o->strides[1] : kw;
    if (!nn_window_init(&p->g, h, w, c, kh, kw, sh, sw, o->padding))
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (%s): pool_size %dx%d leaves no output "
                            "from its input %dx%dx%d with padding '%s'", l->name, l->ops->type,
                            kh, kw, h, w, c, nn_padding_name(o->padding));
    l->out_shape = (nn_shape){3, {p->g.oh, p->g.ow, c}};
    return NN_OK;
}

static nn_status pool_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                              int training, nn_error *err)
{
    pool_impl *p = l->impl;
    int B = x[0]->shape[0];
    if (!p->is_max) {
        nn_avgpool2d_forward(nn_tensor_f32(y), nn_tensor_f32(x[0]), &p->g, B);
        return NN_OK;
    }
    if (y->size > p->arg_cap) {
        int *arg = realloc(p->arg, y->size * sizeof *arg);
        if (!arg)
            return nn_error_set(err, NN_ENOMEM, "out of memory in layer '%s' (%s)", l->name,
                                l->ops->type);
        p->arg = arg;
        p->arg_cap = y->size;
    }
    nn_maxpool2d_forward(nn_tensor_f32(y), p->arg, nn_tensor_f32(x[0]), &p->g, B);
    return NN_OK;
}

static nn_status pool_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                               const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    pool_impl *p = l->impl;
    int B = x[0]->shape[0];
    if (!dx[0])
        return NN_OK;
    if (p->is_max)
        nn_maxpool2d_backward(nn_tensor_f32(dx[0]), nn_tensor_f32(dy), p->arg, &p->g, B);
    else
        nn_avgpool2d_backward(nn_tensor_f32(dx[0]), nn_tensor_f32(dy), &p->g, B);
    return NN_OK;
}

static void pool_destroy(nn_layer *l)
{
    pool_impl *p = l->impl;
    free(p->arg);
    free(p);
}

static int pool_config(const nn_layer *l, char *buf, size_t len)
{
    const pool_impl *p = l->impl;
    if (p->global)
        return snprintf(buf, len, "\"data_format\": \"channels_last\", \"keepdims\": %s",
                        p->keepdims ? "true" : "false");
    const nn_pool2d_options *o = &p->opt;
    int sh = o->strides[0] ? o->strides[0] : o->pool_size[0];
    int sw = o->strides[1] ? o->strides[1] : o->pool_size[1];
    return snprintf(buf, len, "\"pool_size\": [%d, %d], \"padding\": \"%s\", \"strides\": "
                    "[%d, %d], \"data_format\": \"channels_last\"", o->pool_size[0],
                    o->pool_size[1], nn_padding_name(o->padding), sh, sw);
}

static const nn_layer_ops max_pool_ops = {
    .type = "MaxPooling2D", .build = pool_build, .forward = pool_forward,
    .backward = pool_backward, .destroy = pool_destroy, .config = pool_config,
};
static const nn_layer_ops avg_pool_ops = {
    .type = "AveragePooling2D", .build = pool_build, .forward = pool_forward,
    .backward = pool_backward, .destroy = pool_destroy, .config = pool_config,
};
static const nn_layer_ops global_avg_ops = {
    .type = "GlobalAveragePooling2D", .build = pool_build, .forward = pool_forward,
    .backward = pool_backward, .destroy = pool_destroy, .config = pool_config,
};
static const nn_layer_ops global_max_ops = {
    .type = "GlobalMaxPooling2D", .build = pool_build, .forward = pool_forward,
    .backward = pool_backward, .destroy = pool_destroy, .config = pool_config,
};

static nn_layer *pool_new(const nn_layer_ops *ops, const char *name, int is_max, int global,
                          int keepdims, const nn_pool2d_options *opt, nn_error *err)
{
    pool_impl *p = calloc(1, sizeof *p);
    if (!p) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a %s layer", ops->type);
        return NULL;
    }
    p->is_max = is_max;
    p->global = global;
    p->keepdims = keepdims;
    if (opt)
        p->opt = *opt;
    nn_layer *l = nn_layer_alloc(ops, name, p, err);
    if (!l)
        free(p);
    return l;
}

static nn_status check_options(const char *type, const nn_pool2d_options *o, nn_error *err)
{
    if (o->pool_size[0] < 1 || o->pool_size[1] < 1)
        return nn_error_set(err, NN_EARG, "%s: pool_size must be positive, not (%d, %d)", type,
                            o->pool_size[0], o->pool_size[1]);
    if (o->strides[0] < 0 || o->strides[1] < 0 || (!o->strides[0] != !o->strides[1]))
        return nn_error_set(err, NN_EARG, "%s: strides must be positive, not (%d, %d)", type,
                            o->strides[0], o->strides[1]);
    if (o->padding != NN_PADDING_VALID && o->padding != NN_PADDING_SAME)
        return nn_error_set(err, NN_EARG, "%s: padding must be 'valid' or 'same'", type);
    return NN_OK;
}

nn_layer *nn_max_pooling2d_new(const nn_pool2d_options *opt, nn_error *err)
{
    if (check_options("MaxPooling2D", opt, err) != NN_OK)
        return NULL;
    return pool_new(&max_pool_ops, "max_pooling2d", 1, 0, 0, opt, err);
}

nn_layer *nn_average_pooling2d_new(const nn_pool2d_options *opt, nn_error *err)
{
    if (check_options("AveragePooling2D", opt, err) != NN_OK)
        return NULL;
    return pool_new(&avg_pool_ops, "average_pooling2d", 0, 0, 0, opt, err);
}

nn_layer *nn_global_average_pooling2d_new(const nn_global_pool2d_options *opt, nn_error *err)
{
    return pool_new(&global_avg_ops, "global_average_pooling2d", 0, 1, opt->keepdims != 0,
                    NULL, err);
}

nn_layer *nn_global_max_pooling2d_new(const nn_global_pool2d_options *opt, nn_error *err)
{
    return pool_new(&global_max_ops, "global_max_pooling2d", 1, 1, opt->keepdims != 0, NULL,
                    err);
}
