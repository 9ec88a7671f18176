/* tests/c/test_layers.c — Flatten, Reshape, Dropout and the activation layers:
** values by hand, gradients against finite differences, errors. */
#include "tests/test.h"

#include <stdlib.h>

#include "tests/c/layer_check.h"

/* ---------------------------------------------------------- Flatten, Reshape */

static void flatten_and_reshape(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 2);
    int in[3] = {5, 7, 3}, xs[4] = {2, 5, 7, 3};
    nn_tensor *x = t_randn(&rng, 4, xs);

    nn_layer *f = nn_flatten_new(&err);
    CHECK(t_build(f, 3, in, &rng, &err) == NN_OK);
    CHECK(f->out_shape.ndim == 1 && f->out_shape.dim[0] == 105);
    nn_tensor *y = t_forward(f, x, 1);
    CHECK(y->ndim == 2 && y->shape[0] == 2 && y->shape[1] == 105);
    CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
    const nn_tensor *xin = x;
    t_gradcheck(f, 1, &xin, 1, 1e-2, 1e-3);
    nn_tensor_free(y);
    nn_layer_free(f);

    nn_reshape_options ro = {3, {7, -1, 5}};
    nn_layer *r = nn_reshape_new(&ro, &err);
    CHECK(t_build(r, 3, in, &rng, &err) == NN_OK);
    CHECK(r->out_shape.ndim == 3 && r->out_shape.dim[0] == 7 && r->out_shape.dim[1] == 3 &&
          r->out_shape.dim[2] == 5);
    y = t_forward(r, x, 0);
    CHECK(y->ndim == 4 && y->shape[0] == 2 && y->shape[1] == 7 && y->shape[3] == 5);
    CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
    t_gradcheck(r, 1, &xin, 1, 1e-2, 1e-3);
    char buf[128];
    r->ops->config(r, buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"target_shape\": [7, -1, 5]");
    nn_tensor_free(y);
    nn_layer_free(r);
    nn_tensor_free(x);
}

static void reshape_errors(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 2);
    nn_reshape_options ro = {2, {27, 27}};
    nn_layer *r = nn_reshape_new(&ro, &err);
    int in[1] = {784};
    CHECK(t_build(r, 1, in, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'reshape' (Reshape): cannot reshape its input (None, 784) "
                   "(784 values per sample) into (None, 27, 27)");
    nn_layer_free(r);
    ro = (nn_reshape_options){2, {-1, 5}};
    r = nn_reshape_new(&ro, &err);
    CHECK(t_build(r, 1, in, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "into (None, -1, 5)");
    nn_layer_free(r);
    ro = (nn_reshape_options){2, {-1, -1}};
    CHECK(nn_reshape_new(&ro, &err) == NULL);
    CHECK_CONTAINS(err.msg, "Reshape: target_shape can have at most one -1, not 2");
    ro = (nn_reshape_options){2, {4, 0}};
    CHECK(nn_reshape_new(&ro, &err) == NULL);
    CHECK_CONTAINS(err.msg, "Reshape: target_shape dimension 2 must be positive or -1, not 0");
    ro = (nn_reshape_options){0, {0}};
    CHECK(nn_reshape_new(&ro, &err) == NULL);
    CHECK_CONTAINS(err.msg, "Reshape: target_shape has 1 to 3 dimensions, not 0");
}

/* ------------------------------------------------------------------ Dropout */

static nn_layer *dropout(float rate, int64_t seed, int n, nn_rng *rng)
{
    nn_error err;
    nn_dropout_options o = nn_dropout_defaults(rate);
    o.seed = seed;
    nn_layer *l = nn_dropout_new(&o, &err);
    int in[1] = {n};
    CHECK(l && t_build(l, 1, in, rng, &err) == NN_OK);
    return l;
}

static void dropout_identity_in_inference(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 3);
    nn_layer *l = dropout(0.5f, -1, 50, &rng);
    int xs[2] = {4, 50};
    nn_tensor *x = t_randn(&rng, 2, xs), *dy = t_randn(&rng, 2, xs), *dx = t_randn(&rng, 2, xs);
    nn_tensor *y = t_forward(l, x, 0);
    CHECK(memcmp(y->data, x->data, x->size * sizeof(float)) == 0);
    nn_error err;
    const nn_tensor *xin = x;
    CHECK(l->ops->backward(l, &xin, y, dy, &dx, &err) == NN_OK);
    CHECK(memcmp(dx->data, dy->data, dy->size * sizeof(float)) == 0);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_tensor_free(dx);
    nn_tensor_free(dy);
    nn_layer_free(l);
}

/* On ones, each output is 0 or 1/(1 - rate); about `rate` of them are 0 and the
** mean stays 1 (100000 values: the mean's standard error is about 0.002). The
** backward pass lets the gradient through the kept values only, scaled alike. */
static void dropout_training_keeps_the_mean(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 4);
    const float rate = 0.3f;
    nn_layer *l = dropout(rate, -1, 1000, &rng);
    int xs[2] = {100, 1000};
    nn_error err;
    nn_tensor *x = nn_tensor_new(NN_F32, 2, xs, &err), *dx = nn_tensor_new(NN_F32, 2, xs, &err);
    nn_tensor *dy = nn_tensor_new(NN_F32, 2, xs, &err);
    for (size_t i = 0; i < x->size; i++) {
        nn_tensor_f32(x)[i] = 1.0f;
        nn_tensor_f32(dy)[i] = 2.0f;
    }
    nn_tensor *y = t_forward(l, x, 1);
    double sum = 0.0;
    size_t zeros = 0, odd = 0;
    for (size_t i = 0; i < y->size; i++) {
        float v = nn_tensor_f32(y)[i];
        sum += v;
        zeros += v == 0.0f;
        odd += v != 0.0f && fabsf(v - 1.0f / 0.7f) > 1e-6f;
    }
    CHECK_NEAR(sum / (double)y->size, 1.0, 0.01);
    CHECK_NEAR((double)zeros / (double)y->size, rate, 0.01);
    CHECK(odd == 0);
    const nn_tensor *xin = x;
    CHECK(l->ops->backward(l, &xin, y, dy, &dx, &err) == NN_OK);
    size_t agree = 0;
    for (size_t i = 0; i < y->size; i++)
        agree += fabsf(nn_tensor_f32(dx)[i] - 2.0f * nn_tensor_f32(y)[i]) < 1e-6f;
    CHECK(agree == y->size);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_tensor_free(dx);
    nn_tensor_free(dy);
    nn_layer_free(l);

    /* gradcheck holds the mask fixed between its forward passes */
    l = dropout(rate, -1, 6, &rng);
    int small[2] = {4, 6};
    x = t_randn(&rng, 2, small);
    xin = x;
    t_gradcheck(l, 1, &xin, 1, 1e-2, 1e-3);
    nn_tensor_free(x);
    nn_layer_free(l);
}

static void dropout_seeded_masks(void)
{
    nn_rng r1, r2;
    nn_rng_seed(&r1, 10);
    nn_rng_seed(&r2, 20);
    int xs[2] = {8, 64};
    nn_tensor *x = t_randn(&r1, 2, xs);
    /* the same seed gives the same mask, whatever generator built the layer */
    nn_layer *a = dropout(0.5f, 42, 64, &r1), *b = dropout(0.5f, 42, 64, &r2);
    nn_layer *c = dropout(0.5f, 43, 64, &r1);
    nn_tensor *ya = t_forward(a, x, 1), *yb = t_forward(b, x, 1), *yc = t_forward(c, x, 1);
    CHECK(memcmp(ya->data, yb->data, ya->size * sizeof(float)) == 0);
    CHECK(memcmp(ya->data, yc->data, ya->size * sizeof(float)) != 0);
    /* a second batch draws a new mask */
    nn_tensor *ya2 = t_forward(a, x, 1);
    CHECK(memcmp(ya->data, ya2->data, ya->size * sizeof(float)) != 0);
    char buf[128];
    a->ops->config(a, buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"rate\": 0.5, \"noise_shape\": null, \"seed\": 42");
    nn_tensor_free(ya);
    nn_tensor_free(yb);
    nn_tensor_free(yc);
    nn_tensor_free(ya2);
    nn_layer_free(a);
    nn_layer_free(b);
    nn_layer_free(c);

    /* without a seed, the model's generator: two models of one seed drop alike */
    nn_tensor *out[2];
    nn_model *m[2];
    nn_error err;
    for (int k = 0; k < 2; k++) {
        m[k] = nn_model_new(7, &err);
        nn_dropout_options o = nn_dropout_defaults(0.5f);
        nn_layer *l = nn_dropout_new(&o, &err);
        l->input_hint = (nn_shape){1, {64}};
        CHECK(nn_model_add(m[k], l, &err) == NN_OK);
        out[k] = nn_tensor_clone(nn_model_forward(m[k], x, 1, &err), &err);
    }
    CHECK(memcmp(out[0]->data, out[1]->data, out[0]->size * sizeof(float)) == 0);
    for (int k = 0; k < 2; k++) {
        nn_tensor_free(out[k]);
        nn_model_free(m[k]);
    }
    nn_tensor_free(x);
}

static void dropout_errors(void)
{
    nn_error err;
    nn_dropout_options o = nn_dropout_defaults(1.0f);
    CHECK(nn_dropout_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "Dropout: rate must be in [0, 1), not 1");
    o.rate = -0.1f;
    CHECK(nn_dropout_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "not -0.1");
}

/* -------------------------------------------------------- activation layers */

static void activation_layers_by_hand(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    int in[1] = {4}, xs[2] = {1, 4};
    nn_tensor *x = nn_tensor_new(NN_F32, 2, xs, &err);
    float xv[4] = {-2, -1, 0.5f, 3};
    memcpy(x->data, xv, sizeof xv);
    nn_layer *layers[4] = {nn_leaky_relu_new(0.3f, &err), nn_elu_new(1.0f, &err),
                           nn_relu_new(&err), nn_leaky_relu_new(0.1f, &err)};
    double want[4][4] = {
        {-0.6, -0.3, 0.5, 3},
        {exp(-2.0) - 1, exp(-1.0) - 1, 0.5, 3},
        {0, 0, 0.5, 3},
        {-0.2, -0.1, 0.5, 3},
    };
    const char *types[4] = {"LeakyReLU", "ELU", "ReLU", "LeakyReLU"};
    const char *names[4] = {"leaky_re_lu", "elu", "re_lu", "leaky_re_lu"};
    for (int k = 0; k < 4; k++) {
        CHECK(strcmp(layers[k]->ops->type, types[k]) == 0);
        CHECK(strcmp(layers[k]->name, names[k]) == 0);
        CHECK(t_build(layers[k], 1, in, &rng, &err) == NN_OK);
        nn_tensor *y = t_forward(layers[k], x, 1);
        for (int i = 0; i < 4; i++)
            CHECK_NEAR(nn_tensor_f32(y)[i], want[k][i], 1e-6);
        nn_tensor_free(y);
    }
    char buf[128];
    layers[0]->ops->config(layers[0], buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"alpha\": 0.3");
    layers[2]->ops->config(layers[2], buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"max_value\": null");
    for (int k = 0; k < 4; k++)
        nn_layer_free(layers[k]);
    nn_tensor_free(x);
}

/* Softmax over the last axis of an image-shaped input: each pixel's channels
** sum to 1, and equal exp(x_c) / sum_c exp(x_c) computed here. */
static void softmax_layer_last_axis(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 5);
    int in[3] = {2, 3, 4}, xs[4] = {2, 2, 3, 4};
    nn_tensor *x = t_randn(&rng, 4, xs);
    nn_activation sm = {NN_ACT_SOFTMAX, 0};
    nn_layer *layers[2] = {nn_softmax_layer_new(&err), nn_activation_layer_new(sm, &err)};
    for (int k = 0; k < 2; k++) {
        nn_layer *l = layers[k];
        CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
        nn_tensor *y = t_forward(l, x, 1);
        for (int p = 0; p < 12; p++) {
            double s = 0.0;
            for (int c = 0; c < 4; c++)
                s += exp(nn_tensor_f32(x)[p * 4 + c]);
            for (int c = 0; c < 4; c++)
                CHECK_NEAR(nn_tensor_f32(y)[p * 4 + c], exp(nn_tensor_f32(x)[p * 4 + c]) / s,
                           1e-6);
        }
        const nn_tensor *xin = x;
        t_gradcheck(l, 1, &xin, 1, 1e-2, 1e-2);
        nn_tensor_free(y);
        nn_layer_free(l);
    }
    nn_tensor_free(x);
}

static void activation_layer_gradients(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 6);
    int in[2] = {5, 3}, xs[3] = {3, 5, 3};
    nn_tensor *x = t_randn(&rng, 3, xs);
    const nn_tensor *xin = x;
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        nn_activation a = {(nn_activation_kind)k, k == NN_ACT_ELU ? 1.0f : 0.3f};
        nn_layer *l = nn_activation_layer_new(a, &err);
        CHECK(t_build(l, 2, in, &rng, &err) == NN_OK);
        int kink = k == NN_ACT_RELU || k == NN_ACT_LEAKY_RELU;
        t_gradcheck(l, 1, &xin, 1, kink ? 1e-4 : 1e-2, 1e-2);
        char buf[64];
        l->ops->config(l, buf, sizeof buf);
        char want[64];
        snprintf(want, sizeof want, "\"activation\": \"%s\"", nn_activation_name(a.kind));
        CHECK_CONTAINS(buf, want);
        nn_layer_free(l);
    }
    nn_tensor_free(x);
}

/* A final Activation("softmax") is folded into categorical cross-entropy like
** Dense's own softmax: the model marks it fused and its loss matches by hand. */
static void softmax_layer_fuses_with_crossentropy(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_dense_options d = nn_dense_defaults(3);
    nn_layer *dl = nn_dense_new(&d, &err);
    dl->input_hint = (nn_shape){1, {2}};
    CHECK(nn_model_add(m, dl, &err) == NN_OK);
    nn_activation sm = {NN_ACT_SOFTMAX, 0};
    CHECK(nn_model_add(m, nn_activation_layer_new(sm, &err), &err) == NN_OK);
    nn_compile_options c = {0};
    CHECK(nn_loss_parse("categorical_crossentropy", &c.loss, &err) == NN_OK);
    c.optimizer = nn_optim_by_name("sgd", &err);
    CHECK(nn_model_compile(m, &c, &err) == NN_OK);
    CHECK(m->fused == 1);
    float w[6] = {1, 0, -1, 0.5f, 2, 0}, xv[2] = {1, 2}, yv[3] = {0, 1, 0};
    memcpy(nn_tensor_f32(dl->params[0].value), w, sizeof w);
    nn_tensor *x = nn_tensor_new2(1, 2, &err), *y = nn_tensor_new2(1, 3, &err);
    memcpy(x->data, xv, sizeof xv);
    memcpy(y->data, yv, sizeof yv);
    double r[NN_MAX_METRICS + 1];
    CHECK(nn_model_test_on_batch(m, x, y, r, &err) == NN_OK);
    /* z = x W = [1 + 1, 0 + 4, -1 + 0] = [2, 4, -1]; loss = -log softmax(z)_1 */
    double want = -(4.0 - log(exp(2.0) + exp(4.0) + exp(-1.0)));
    CHECK_NEAR(r[0], want, 1e-5);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

void suite_layers(void)
{
    t_run("flatten and reshape: values, shapes, gradients", flatten_and_reshape);
    t_run("reshape errors name layer and shapes", reshape_errors);
    t_run("dropout is the identity in inference", dropout_identity_in_inference);
    t_run("dropout keeps the mean in training", dropout_training_keeps_the_mean);
    t_run("dropout masks follow the seed", dropout_seeded_masks);
    t_run("dropout errors", dropout_errors);
    t_run("activation layers by hand", activation_layers_by_hand);
    t_run("softmax layer over the last axis", softmax_layer_last_axis);
    t_run("activation layer gradients vs finite differences", activation_layer_gradients);
    t_run("softmax layer fuses with cross-entropy", softmax_layer_fuses_with_crossentropy);
}
