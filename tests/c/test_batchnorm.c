/* tests/c/test_batchnorm.c — BatchNormalization: statistics by hand, training and
** inference outputs, gradients against finite differences, errors. */
#include "tests/test.h"

#include <stdlib.h>

#include "tests/c/layer_check.h"

static nn_layer *batchnorm(const nn_batchnorm_options *o, int ndim, const int *in, nn_rng *rng)
{
    nn_error err;
    nn_layer *l = nn_batchnorm_new(o, &err);
    CHECK(l && t_build(l, ndim, in, rng, &err) == NN_OK);
    return l;
}

/* x = [[1 0] [2 0] [3 4] [6 4]]:
**   feature 0: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
**   feature 1: mean 2, variance (4 + 4 + 4 + 4) / 4 = 4
** moving_mean = 0 * 0.99 + mean * 0.01 = [0.03, 0.02]
** moving_variance = 1 * 0.99 + var * 0.01 = [1.025, 1.03]
** y = (x - mean) / sqrt(var + 0.001) (gamma 1, beta 0) */
static void batchnorm_statistics_by_hand(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_batchnorm_options o = nn_batchnorm_defaults();
    int in[1] = {2};
    nn_layer *l = batchnorm(&o, 1, in, &rng);
    CHECK(l->n_params == 4);
    const char *names[4] = {"gamma", "beta", "moving_mean", "moving_variance"};
    int trainable[4] = {1, 1, 0, 0};
    for (int k = 0; k < 4 && k < l->n_params; k++) {
        CHECK(strcmp(l->params[k].name, names[k]) == 0);
        CHECK(l->params[k].trainable == trainable[k]);
    }
    float xv[8] = {1, 0, 2, 0, 3, 4, 6, 4};
    nn_tensor *x = nn_tensor_new2(4, 2, &err);
    memcpy(x->data, xv, sizeof xv);
    nn_tensor *y = t_forward(l, x, 1);
    const float *mm = nn_tensor_f32(l->params[2].value), *mv = nn_tensor_f32(l->params[3].value);
    CHECK_NEAR(mm[0], 0.03, 1e-6);
    CHECK_NEAR(mm[1], 0.02, 1e-6);
    CHECK_NEAR(mv[0], 1.025, 1e-6);
    CHECK_NEAR(mv[1], 1.03, 1e-6);
    double mean[2] = {3, 2}, var[2] = {3.5, 4};
    for (int n = 0; n < 4; n++)
        for (int c = 0; c < 2; c++)
            CHECK_NEAR(nn_tensor_f32(y)[n * 2 + c],
                       (xv[n * 2 + c] - mean[c]) / sqrt(var[c] + 1e-3), 1e-5);
    nn_tensor_free(y);

    /* a second training batch moves the statistics again: with momentum 0.99,
    ** moving_mean = 0.03 * 0.99 + 3 * 0.01 = 0.0597 */
    y = t_forward(l, x, 1);
    CHECK_NEAR(mm[0], 0.0597, 1e-6);
    CHECK_NEAR(mv[0], 1.025 * 0.99 + 0.035, 1e-6);
    nn_tensor_free(y);

    /* inference does not move them */
    y = t_forward(l, x, 0);
    CHECK_NEAR(mm[0], 0.0597, 1e-6);
    nn_tensor_free(y);
    nn_tensor_free(x);
    nn_layer_free(l);
}

/* Inference uses the moving statistics: with moving_mean [1, -2], moving_variance
** [3.999, 0.249], gamma [2, 1], beta [0.5, 0] and epsilon 1e-3:
**   y0 = 2 (x0 - 1) / 2 + 0.5 = x0 - 0.5,   y1 = (x1 + 2) / 0.5 = 2 x1 + 4 */
static void batchnorm_inference_by_hand(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_batchnorm_options o = nn_batchnorm_defaults();
    int in[3] = {1, 2, 2};
    nn_layer *l = batchnorm(&o, 3, in, &rng);
    float gamma[2] = {2, 1}, beta[2] = {0.5f, 0}, mm[2] = {1, -2}, mv[2] = {3.999f, 0.249f};
    memcpy(l->params[0].value->data, gamma, sizeof gamma);
    memcpy(l->params[1].value->data, beta, sizeof beta);
    memcpy(l->params[2].value->data, mm, sizeof mm);
    memcpy(l->params[3].value->data, mv, sizeof mv);
    int xs[4] = {3, 1, 2, 2};
    nn_tensor *x = t_randn(&rng, 4, xs);
    nn_tensor *y = t_forward(l, x, 0);
    for (size_t i = 0; i < x->size; i++) {
        float v = nn_tensor_f32(x)[i];
        CHECK_NEAR(nn_tensor_f32(y)[i], i % 2 == 0 ? v - 0.5 : 2.0 * v + 4.0, 2e-5);
    }
    /* the inference backward: dx = gamma dy / sqrt(var + eps) */
    nn_tensor *dy = t_randn(&rng, 4, xs), *dx = t_randn(&rng, 4, xs);
    const nn_tensor *xin = x;
    CHECK(l->ops->backward(l, &xin, y, dy, &dx, &err) == NN_OK);
    for (size_t i = 0; i < x->size; i++)
        CHECK_NEAR(nn_tensor_f32(dx)[i], nn_tensor_f32(dy)[i] * (i % 2 == 0 ? 1.0 : 2.0), 2e-5);
    nn_tensor_free(dy);
    nn_tensor_free(dx);
    nn_tensor_free(y);
    nn_tensor_free(x);
    nn_layer_free(l);
}

static void batchnorm_gradients(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 12);
    static const int shapes[][4] = {{4, 3, 0, 0}, {2, 5, 7, 3}, {1, 3, 3, 2}, {3, 4, 2, 0}};
    static const int ndims[] = {2, 4, 4, 3};
    for (size_t t = 0; t < sizeof ndims / sizeof ndims[0]; t++) {
        int nd = ndims[t];
        for (int variant = 0; variant < 3; variant++) {
            nn_batchnorm_options o = nn_batchnorm_defaults();
            o.center = variant != 1;
            o.scale = variant != 2;
            o.gamma_initializer.kind = NN_INIT_RANDOM_UNIFORM;
            o.gamma_initializer.a = 0.5f;
            o.gamma_initializer.b = 1.5f;
            o.beta_initializer.kind = NN_INIT_RANDOM_NORMAL;
            o.beta_initializer.b = 1.0f;
            nn_layer *l = batchnorm(&o, nd - 1, shapes[t] + 1, &rng);
            CHECK(l->n_params == 2 + o.center + o.scale);
            nn_tensor *x = t_randn(&rng, nd, shapes[t]);
            const nn_tensor *xin = x;
            for (int training = 0; training < 2; training++)
                t_gradcheck(l, 1, &xin, training, 1e-2, 1e-2);
            nn_tensor_free(x);
            nn_layer_free(l);
        }
    }
}

/* gradcheck leaves the moving statistics as it found them, though its forward
** passes run in training mode. */
static void batchnorm_gradcheck_keeps_statistics(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 3);
    nn_batchnorm_options o = nn_batchnorm_defaults();
    int in[1] = {3}, xs[2] = {5, 3};
    nn_layer *l = batchnorm(&o, 1, in, &rng);
    nn_tensor *x = t_randn(&rng, 2, xs);
    const nn_tensor *xin = x;
    t_gradcheck(l, 1, &xin, 1, 1e-2, 1e-2);
    for (int c = 0; c < 3; c++) {
        CHECK(nn_tensor_f32(l->params[2].value)[c] == 0.0f);
        CHECK(nn_tensor_f32(l->params[3].value)[c] == 1.0f);
    }
    nn_tensor_free(x);
    nn_layer_free(l);
}

static void batchnorm_errors_and_config(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 3);
    nn_batchnorm_options o = nn_batchnorm_defaults();
    o.axis = 1;
    nn_layer *l = nn_batchnorm_new(&o, &err);
    int in[3] = {4, 4, 2};
    CHECK(t_build(l, 3, in, &rng, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "layer 'batch_normalization' (BatchNormalization): only the last "
                   "axis (-1 or 3) is supported for input (None, 4, 4, 2), not axis 1");
    nn_layer_free(l);
    o.axis = 3;
    l = nn_batchnorm_new(&o, &err);
    CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
    char buf[256];
    l->ops->config(l, buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"axis\": 3, \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true, "
                   "\"scale\": true");
    nn_layer_free(l);
    o = nn_batchnorm_defaults();
    o.momentum = 1.5f;
    CHECK(nn_batchnorm_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "BatchNormalization: momentum must be in [0, 1], not 1.5");
}

void suite_batchnorm(void)
{
    t_run("batchnorm statistics by hand", batchnorm_statistics_by_hand);
    t_run("batchnorm inference by hand", batchnorm_inference_by_hand);
    t_run("batchnorm gradients vs finite differences", batchnorm_gradients);
    t_run("batchnorm gradcheck keeps moving statistics", batchnorm_gradcheck_keeps_statistics);
    t_run("batchnorm errors and config", batchnorm_errors_and_config);
}
