/* tests/c/test_gradcheck.c — nn_gradcheck itself: it passes a right backward,
** catches a wrong one and says where, and leaves the layer as it found it. */
#include "tests/test.h"

#include <stdlib.h>

#include "tests/c/layer_check.h"

/* A test layer: y = w * x^2 elementwise, w of the input's shape (one per value).
** dL/dx = dy 2 w x, dL/dw = sum over the batch of dy x^2. The wrong variant
** forgets the 2. */
static nn_status square_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    nn_initializer init = {NN_INIT_RANDOM_NORMAL, 0.0f, 1.0f};
    if (!nn_layer_add_param(l, "w", l->in_shape[0].ndim, l->in_shape[0].dim, init, 1, 1, rng,
                            err))
        return err->code;
    l->out_shape = l->in_shape[0];
    return NN_OK;
}

static nn_status square_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                int training, nn_error *err)
{
    const float *w = nn_tensor_f32(l->params[0].value), *xv = nn_tensor_f32(x[0]);
    size_t n = l->params[0].value->size;
    for (size_t i = 0; i < y->size; i++)
        nn_tensor_f32(y)[i] = w[i % n] * xv[i] * xv[i];
    return NN_OK;
}

static nn_status square_backward_with(nn_layer *l, const nn_tensor *const *x,
                                      const nn_tensor *dy, nn_tensor *const *dx, float factor)
{
    const float *w = nn_tensor_f32(l->params[0].value), *xv = nn_tensor_f32(x[0]);
    float *dw = nn_tensor_f32(l->params[0].grad);
    size_t n = l->params[0].value->size;
    for (size_t i = 0; i < dy->size; i++) {
        float d = nn_tensor_f32(dy)[i];
        dw[i % n] += d * xv[i] * xv[i];
        if (dx[0])
            nn_tensor_f32(dx[0])[i] = d * factor * w[i % n] * xv[i];
    }
    return NN_OK;
}

static nn_status square_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                 const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    return square_backward_with(l, x, dy, dx, 2.0f);
}

static nn_status wrong_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    return square_backward_with(l, x, dy, dx, 1.0f);
}

static const nn_layer_ops square_ops = {
    .type = "Square", .build = square_build, .forward = square_forward,
    .backward = square_backward,
};
static const nn_layer_ops wrong_ops = {
    .type = "WrongSquare", .build = square_build, .forward = square_forward,
    .backward = wrong_backward,
};

static void gradcheck_passes_a_right_backward(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_layer *l = nn_layer_alloc(&square_ops, "square", NULL, &err);
    int xs[3] = {3, 4, 2};
    nn_tensor *x = t_randn(&rng, 3, xs);
    nn_gradcheck_report rep;
    CHECK(nn_gradcheck_layer(l, x, &rng, &rep, &err) == NN_OK);
    CHECK(l->built && l->out_shape.ndim == 2);
    CHECK(rep.n == 2);
    CHECK(strcmp(rep.entry[0].name, "input") == 0 && rep.entry[0].checked == 24);
    CHECK(strcmp(rep.entry[1].name, "w") == 0 && rep.entry[1].checked == 8);
    /* y is quadratic in x: central differences have no truncation error, only rounding */
    CHECK(rep.worst < 1e-4);
    nn_tensor_free(x);
    nn_layer_free(l);
}

static void gradcheck_catches_a_wrong_backward(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_layer *l = nn_layer_alloc(&wrong_ops, "wrong", NULL, &err);
    int xs[2] = {2, 6};
    nn_tensor *x = t_randn(&rng, 2, xs);
    nn_gradcheck_report rep;
    CHECK(nn_gradcheck_layer(l, x, &rng, &rep, &err) == NN_OK);
    /* dx is half what it should be: relative error |a - 2a| / |2a| = 0.5 */
    CHECK_NEAR(rep.entry[0].worst, 0.5, 1e-3);
    CHECK_NEAR(rep.entry[0].analytic, 0.5 * rep.entry[0].numeric,
               1e-3 * fabs(rep.entry[0].numeric));
    CHECK(rep.entry[1].worst < 1e-4);
    CHECK_NEAR(rep.worst, 0.5, 1e-3);
    nn_tensor_free(x);
    nn_layer_free(l);
}

/* Dense through its layer object: kernel and bias by name. */
static void gradcheck_dense(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 5);
    for (int act = 0; act < 3; act++) {
        nn_dense_options o = nn_dense_defaults(4);
        o.activation.kind = act == 0 ? NN_ACT_LINEAR : act == 1 ? NN_ACT_TANH : NN_ACT_SOFTMAX;
        o.bias_initializer.kind = NN_INIT_RANDOM_NORMAL;
        o.bias_initializer.b = 0.5f;
        nn_layer *l = nn_dense_new(&o, &err);
        int xs[2] = {act == 2 ? 1 : 3, 5};
        nn_tensor *x = t_randn(&rng, 2, xs);
        nn_gradcheck_report rep;
        CHECK(nn_gradcheck_layer(l, x, &rng, &rep, &err) == NN_OK);
        CHECK(rep.n == 3);
        CHECK(strcmp(rep.entry[1].name, "kernel") == 0 && rep.entry[1].checked == 20);
        CHECK(strcmp(rep.entry[2].name, "bias") == 0 && rep.entry[2].checked == 4);
        CHECK(rep.worst < 1e-2);
        nn_tensor_free(x);
        nn_layer_free(l);
    }
}

/* The layer's values, generator and fused-loss flag are as they were; sampling
** compares max_checks values per tensor. */
static void gradcheck_leaves_the_layer_alone(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 6);
    nn_dense_options o = nn_dense_defaults(30);
    o.activation.kind = NN_ACT_SIGMOID;
    nn_layer *l = nn_dense_new(&o, &err);
    int in[1] = {40}, xs[2] = {2, 40};
    CHECK(t_build(l, 1, in, &rng, &err) == NN_OK);
    nn_tensor *before = nn_tensor_clone(l->params[0].value, &err);
    nn_rng model_rng = rng;
    l->rng = &model_rng;
    l->grad_is_preact = 1;
    nn_tensor *x = t_randn(&rng, 2, xs);
    nn_gradcheck_options opt = nn_gradcheck_defaults();
    opt.max_checks = 25;
    nn_gradcheck_report rep;
    const nn_tensor *xin = x;
    CHECK(nn_gradcheck_layer_inputs(l, 1, &xin, &opt, &rng, &rep, &err) == NN_OK);
    CHECK(rep.entry[0].checked == 25 && rep.entry[1].checked == 25);
    CHECK(rep.entry[2].checked == 25);
    CHECK(rep.worst < 1e-2);
    CHECK(memcmp(before->data, l->params[0].value->data, before->size * sizeof(float)) == 0);
    CHECK(l->rng == &model_rng && l->grad_is_preact == 1);
    nn_tensor_free(before);
    nn_tensor_free(x);
    nn_layer_free(l);
}

/* By default a tensor of more than 1000 values is sampled: 1000 of them. */
static void gradcheck_samples_large_tensors(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 8);
    nn_dense_options o = nn_dense_defaults(64);
    o.activation.kind = NN_ACT_TANH;
    nn_layer *l = nn_dense_new(&o, &err);
    int xs[2] = {2, 50};
    nn_tensor *x = t_randn(&rng, 2, xs);
    nn_gradcheck_report rep;
    CHECK(nn_gradcheck_layer(l, x, &rng, &rep, &err) == NN_OK);
    CHECK(rep.entry[0].checked == 100);
    CHECK(rep.entry[1].checked == 1000 && rep.entry[1].index < 3200);
    CHECK(rep.entry[2].checked == 64);
    CHECK(rep.worst < 1e-2);
    nn_tensor_free(x);
    nn_layer_free(l);
}

static void gradcheck_errors(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 6);
    nn_conv2d_options o = nn_conv2d_defaults(2, 3, 3);
    nn_layer *l = nn_conv2d_new(&o, &err);
    int in[3] = {5, 5, 1}, xs[4] = {2, 5, 5, 2};
    CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
    nn_tensor *x = t_randn(&rng, 4, xs);
    nn_gradcheck_report rep;
    CHECK(nn_gradcheck_layer(l, x, &rng, &rep, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "gradcheck: layer 'conv2d' (Conv2D) expects input of shape "
                   "(None, 5, 5, 1), got (2, 5, 5, 2)");
    nn_layer_free(l);
    /* a build error passes through */
    o = nn_conv2d_defaults(2, 7, 7);
    l = nn_conv2d_new(&o, &err);
    CHECK(nn_gradcheck_layer(l, x, &rng, &rep, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "kernel 7x7 is larger than its input 5x5x2");
    nn_layer_free(l);
    nn_tensor_free(x);
}

void suite_gradcheck(void)
{
    t_run("gradcheck passes a right backward", gradcheck_passes_a_right_backward);
    t_run("gradcheck catches a wrong backward", gradcheck_catches_a_wrong_backward);
    t_run("gradcheck on Dense", gradcheck_dense);
    t_run("gradcheck leaves the layer alone", gradcheck_leaves_the_layer_alone);
    t_run("gradcheck samples large tensors", gradcheck_samples_large_tensors);
    t_run("gradcheck errors", gradcheck_errors);
}
