/* nn/batchnorm.c — batch normalisation over the last axis. */
#include "batchnorm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct batchnorm_impl {
    nn_batchnorm_options opt;
    int C;
    int gamma, beta, moving_mean, moving_var;  /* parameter indices, -1 when absent */
    float *mean, *inv_std, *var;    /* statistics the last forward used (C each) */
    double *acc;                    /* 2 C accumulators */
    int trained;                    /* the last forward used batch statistics */
} batchnorm_impl;

nn_batchnorm_options nn_batchnorm_defaults(void)
{
    nn_batchnorm_options o;
    memset(&o, 0, sizeof o);
    o.axis = -1;
    o.momentum = 0.99f;
    o.epsilon = 1e-3f;
    o.center = o.scale = 1;
    o.beta_initializer.kind = NN_INIT_ZEROS;
    o.gamma_initializer.kind = NN_INIT_ONES;
    o.moving_mean_initializer.kind = NN_INIT_ZEROS;
    o.moving_variance_initializer.kind = NN_INIT_ONES;
    return o;
}

/* ------------------------------------------------------------------ kernels */

/* mean_c = (1/N) sum_n x_nc;  var_c = (1/N) sum_n (x_nc - mean_c)^2 (two passes, in double)
** y = gamma (x - mean) / sqrt(var + eps) + beta */
void nn_batchnorm_forward_train(float *y, float *mean, float *inv_std, float *var,
                                const float *x, const float *gamma, const float *beta,
                                size_t N, int C, float eps, double *acc)
{
    double *s = acc;
    memset(s, 0, (size_t)C * sizeof *s);
    for (size_t n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            s[c] += x[n * C + c];
    for (int c = 0; c < C; c++)
        mean[c] = (float)(s[c] / (double)N);
    memset(s, 0, (size_t)C * sizeof *s);
    for (size_t n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            double d = (double)x[n * C + c] - mean[c];
            s[c] += d * d;
        }
    for (int c = 0; c < C; c++) {
        var[c] = (float)(s[c] / (double)N);
        inv_std[c] = (float)(1.0 / sqrt((double)var[c] + eps));
    }
    nn_batchnorm_forward_stats(y, x, mean, inv_std, gamma, beta, N, C);
}

/* y = gamma (x - mean) inv_std + beta */
void nn_batchnorm_forward_stats(float *y, const float *x, const float *mean,
                                const float *inv_std, const float *gamma, const float *beta,
                                size_t N, int C)
{
    for (size_t n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            float v = (x[n * C + c] - mean[c]) * inv_std[c];
            y[n * C + c] = (gamma ? gamma[c] : 1.0f) * v + (beta ? beta[c] : 0.0f);
        }
}

/* dgamma += sum dy xhat;  dbeta += sum dy;
** dx = g inv_std (dy - mean_n(dy) - xhat mean_n(dy xhat))   (training)
** dx = g inv_std dy                                         (inference) */
void nn_batchnorm_backward(float *dx, float *dgamma, float *dbeta, const float *dy,
                           const float *x, const float *mean, const float *inv_std,
                           const float *gamma, size_t N, int C, int training, double *acc)
{
    double *sdy = acc, *sdyx = acc + C;
    memset(acc, 0, 2 * (size_t)C * sizeof *acc);
    for (size_t n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            double d = dy[n * C + c];
            sdy[c] += d;
            sdyx[c] += d * ((x[n * C + c] - mean[c]) * inv_std[c]);
        }
    for (int c = 0; c < C; c++) {
        if (dgamma)
            dgamma[c] += (float)sdyx[c];
        if (dbeta)
            dbeta[c] += (float)sdy[c];
    }
    if (!dx)
        return;
    for (size_t n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            float g = (gamma ? gamma[c] : 1.0f) * inv_std[c];
            float d = dy[n * C + c];
            if (training) {
                float xhat = (x[n * C + c] - mean[c]) * inv_std[c];
                d -= (float)(sdy[c] / (double)N) + xhat * (float)(sdyx[c] / (double)N);
            }
            dx[n * C + c] = g * d;
        }
}

/* ---------------------------------------------------------------- the layer */

static const float *value(const nn_layer *l, int k)
{
    return k >= 0 ? nn_tensor_f32(l->params[k].value) : NULL;
}

static nn_status add_vector(nn_layer *l, const char *name, nn_initializer init,
                            nn_regularizer reg, int trainable, nn_rng *rng, int *index,
                            nn_error *err)
{
    batchnorm_impl *b = l->impl;
    nn_param *p = nn_layer_add_param(l, name, 1, &b->C, init, b->C, b->C, rng, err);
    if (!p)
        return err ? err->code : NN_ENOMEM;
    p->reg = reg;
    p->trainable = trainable;
    *index = l->n_params - 1;
    return NN_OK;
}

static nn_status batchnorm_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    batchnorm_impl *b = l->impl;
    const nn_batchnorm_options *o = &b->opt;
    const nn_shape *s = &l->in_shape[0];
    char buf[64];
    if (o->axis != -1 && o->axis != s->ndim)
        return nn_error_set(err, NN_EARG, "layer '%s' (BatchNormalization): only the last axis "
                            "(-1 or %d) is supported for input %s, not axis %d", l->name,
                            s->ndim, nn_shape_str(buf, sizeof buf, s), o->axis);
    b->C = s->dim[s->ndim - 1];
    b->gamma = b->beta = -1;
    nn_regularizer none = {0.0f, 0.0f};
    nn_status st = NN_OK;
    if (o->scale)
        st = add_vector(l, "gamma", o->gamma_initializer, o->gamma_regularizer, 1, rng,
                        &b->gamma, err);
    if (st == NN_OK && o->center)
        st = add_vector(l, "beta", o->beta_initializer, o->beta_regularizer, 1, rng, &b->beta,
                        err);
    if (st == NN_OK)
        st = add_vector(l, "moving_mean", o->moving_mean_initializer, none, 0, rng,
                        &b->moving_mean, err);
    if (st == NN_OK)
        st = add_vector(l, "moving_variance", o->moving_variance_initializer, none, 0, rng,
                        &b->moving_var, err);
    if (st != NN_OK)
        return st;
    free(b->mean);
    free(b->acc);
    b->mean = malloc(3 * (size_t)b->C * sizeof *b->mean);
    b->acc = malloc(2 * (size_t)b->C * sizeof *b->acc);
    if (!b->mean || !b->acc)
        return nn_error_set(err, NN_ENOMEM, "out of memory building layer '%s'", l->name);
    b->inv_std = b->mean + b->C;
    b->var = b->mean + 2 * b->C;
    l->out_shape = *s;
    return NN_OK;
}

static nn_status batchnorm_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                   int training, nn_error *err)
{
    batchnorm_impl *b = l->impl;
    int C = b->C;
    size_t N = y->size / (size_t)C;
    const float *gamma = value(l, b->gamma), *beta = value(l, b->beta);
    float *mm = nn_tensor_f32(l->params[b->moving_mean].value);
    float *mv = nn_tensor_f32(l->params[b->moving_var].value);
    b->trained = training;
    if (!training) {
        for (int c = 0; c < C; c++) {
            b->mean[c] = mm[c];
            b->inv_std[c] = (float)(1.0 / sqrt((double)mv[c] + b->opt.epsilon));
        }
        nn_batchnorm_forward_stats(nn_tensor_f32(y), nn_tensor_f32(x[0]), b->mean, b->inv_std,
                                   gamma, beta, N, C);
        return NN_OK;
    }
    nn_batchnorm_forward_train(nn_tensor_f32(y), b->mean, b->inv_std, b->var,
                               nn_tensor_f32(x[0]), gamma, beta, N, C, b->opt.epsilon, b->acc);
    float m = b->opt.momentum;
    for (int c = 0; c < C; c++) {
        mm[c] = mm[c] * m + b->mean[c] * (1.0f - m);
        mv[c] = mv[c] * m + b->var[c] * (1.0f - m);
    }
    return NN_OK;
}

static nn_status batchnorm_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                    const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    batchnorm_impl *b = l->impl;
    float *dgamma = b->gamma >= 0 ? nn_tensor_f32(l->params[b->gamma].grad) : NULL;
    float *dbeta = b->beta >= 0 ? nn_tensor_f32(l->params[b->beta].grad) : NULL;
    nn_batchnorm_backward(dx[0] ? nn_tensor_f32(dx[0]) : NULL, dgamma, dbeta, nn_tensor_f32(dy),
                          nn_tensor_f32(x[0]), b->mean, b->inv_std, value(l, b->gamma),
                          dy->size / (size_t)b->C, b->C, b->trained, b->acc);
    return NN_OK;
}

static void batchnorm_destroy(nn_layer *l)
{
    batchnorm_impl *b = l->impl;
    free(b->mean);
    free(b->acc);
    free(b);
}

static int batchnorm_config(const nn_layer *l, char *buf, size_t len)
{
    const batchnorm_impl *b = l->impl;
    const nn_batchnorm_options *o = &b->opt;
    size_t at = 0;
    nn_config_append(buf, len, &at, "\"axis\": %d, \"momentum\": ", o->axis);
    nn_config_float(buf, len, &at, o->momentum);
    nn_config_append(buf, len, &at, ", \"epsilon\": ");
    nn_config_float(buf, len, &at, o->epsilon);
    nn_config_append(buf, len, &at, ", \"center\": %s, \"scale\": %s, \"beta_initializer\": ",
                     o->center ? "true" : "false", o->scale ? "true" : "false");
    nn_config_initializer(buf, len, &at, o->beta_initializer);
    nn_config_append(buf, len, &at, ", \"gamma_initializer\": ");
    nn_config_initializer(buf, len, &at, o->gamma_initializer);
    nn_config_append(buf, len, &at, ", \"moving_mean_initializer\": ");
    nn_config_initializer(buf, len, &at, o->moving_mean_initializer);
    nn_config_append(buf, len, &at, ", \"moving_variance_initializer\": ");
    nn_config_initializer(buf, len, &at, o->moving_variance_initializer);
    nn_config_append(buf, len, &at, ", \"beta_regularizer\": ");
    nn_config_regularizer(buf, len, &at, o->beta_regularizer);
    nn_config_append(buf, len, &at, ", \"gamma_regularizer\": ");
    nn_config_regularizer(buf, len, &at, o->gamma_regularizer);
    nn_config_append(buf, len, &at, ", \"beta_constraint\": null, \"gamma_constraint\": null");
    return (int)at;
}

static const nn_layer_ops batchnorm_ops = {
    .type = "BatchNormalization",
    .build = batchnorm_build,
    .forward = batchnorm_forward,
    .backward = batchnorm_backward,
    .destroy = batchnorm_destroy,
    .config = batchnorm_config,
};

nn_layer *nn_batchnorm_new(const nn_batchnorm_options *opt, nn_error *err)
{
    if (!(opt->momentum >= 0.0f && opt->momentum <= 1.0f)) {
        nn_error_set(err, NN_EARG, "BatchNormalization: momentum must be in [0, 1], not %g",
                     (double)opt->momentum);
        return NULL;
    }
    if (!(opt->epsilon >= 0.0f)) {
        nn_error_set(err, NN_EARG, "BatchNormalization: epsilon must not be negative, not %g",
                     (double)opt->epsilon);
        return NULL;
    }
    batchnorm_impl *b = calloc(1, sizeof *b);
    if (!b) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a BatchNormalization layer");
        return NULL;
    }
    b->opt = *opt;
    nn_layer *l = nn_layer_alloc(&batchnorm_ops, "batch_normalization", b, err);
    if (!l)
        free(b);
    return l;
}
