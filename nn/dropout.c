/* nn/dropout.c — inverted dropout with a seeded mask. */
#include "dropout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct dropout_impl {
    nn_dropout_options opt;
    nn_rng own;                 /* the seeded generator, or the one used without a model */
    nn_tensor *mask;            /* the last training forward's mask */
    int masked;                 /* 1 when the last forward was in training mode */
} dropout_impl;

nn_dropout_options nn_dropout_defaults(float rate)
{
    nn_dropout_options o = {.rate = rate, .seed = -1};
    return o;
}

/* m_i = (u_i >= rate) / (1 - rate);  y = x * m */
void nn_dropout_forward(float *y, float *mask, const float *x, size_t n, float rate, nn_rng *rng)
{
    float scale = 1.0f / (1.0f - rate);
    for (size_t i = 0; i < n; i++) {
        mask[i] = nn_rng_uniform(rng) >= rate ? scale : 0.0f;
        y[i] = x[i] * mask[i];
    }
}

/* dx = dy * m */
void nn_dropout_backward(float *dx, const float *dy, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];
}

static nn_status dropout_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    dropout_impl *d = l->impl;
    if (d->opt.seed >= 0) {
        nn_rng_seed(&d->own, (uint64_t)d->opt.seed);
        l->rng = &d->own;
    } else {
        nn_rng_seed(&d->own, rng ? nn_rng_u32(rng) : 0);
        if (!l->rng)
            l->rng = &d->own;
    }
    l->out_shape = l->in_shape[0];
    return NN_OK;
}

static nn_status dropout_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                 int training, nn_error *err)
{
    dropout_impl *d = l->impl;
    d->masked = training && d->opt.rate > 0.0f;
    if (!d->masked) {
        memcpy(y->data, x[0]->data, y->size * sizeof(float));
        return NN_OK;
    }
    if (nn_tensor_ensure(&d->mask, y->ndim, y->shape, err) != NN_OK)
        return err ? err->code : NN_ENOMEM;
    nn_dropout_forward(nn_tensor_f32(y), nn_tensor_f32(d->mask), nn_tensor_f32(x[0]), y->size,
                       d->opt.rate, l->rng ? l->rng : &d->own);
    return NN_OK;
}

static nn_status dropout_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                  const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    dropout_impl *d = l->impl;
    if (!dx[0])
        return NN_OK;
    if (d->masked)
        nn_dropout_backward(nn_tensor_f32(dx[0]), nn_tensor_f32(dy), nn_tensor_f32(d->mask),
                            dy->size);
    else
        memcpy(dx[0]->data, dy->data, dy->size * sizeof(float));
    return NN_OK;
}

static void dropout_destroy(nn_layer *l)
{
    dropout_impl *d = l->impl;
    nn_tensor_free(d->mask);
    free(d);
}

static int dropout_config(const nn_layer *l, char *buf, size_t len)
{
    const dropout_impl *d = l->impl;
    size_t at = 0;
    nn_config_append(buf, len, &at, "\"rate\": ");
    nn_config_float(buf, len, &at, d->opt.rate);
    if (d->opt.seed >= 0)
        nn_config_append(buf, len, &at, ", \"noise_shape\": null, \"seed\": %lld",
                         (long long)d->opt.seed);
    else
        nn_config_append(buf, len, &at, ", \"noise_shape\": null, \"seed\": null");
    return (int)at;
}

static const nn_layer_ops dropout_ops = {
    .type = "Dropout",
    .build = dropout_build,
    .forward = dropout_forward,
    .backward = dropout_backward,
    .destroy = dropout_destroy,
    .config = dropout_config,
};

nn_layer *nn_dropout_new(const nn_dropout_options *opt, nn_error *err)
{
    if (!(opt->rate >= 0.0f && opt->rate < 1.0f)) {
        nn_error_set(err, NN_EARG, "Dropout: rate must be in [0, 1), not %g", (double)opt->rate);
        return NULL;
    }
    dropout_impl *d = calloc(1, sizeof *d);
    if (!d) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a Dropout layer");
        return NULL;
    }
    d->opt = *opt;
    nn_layer *l = nn_layer_alloc(&dropout_ops, "dropout", d, err);
    if (!l)
        free(d);
    return l;
}
