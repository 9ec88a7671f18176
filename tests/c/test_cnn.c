/* tests/c/test_cnn.c — the layers together in models: a small CNN's gradients
** against central differences of the whole loss, and a CNN that learns. */
#include "tests/test.h"

#include <stdlib.h>

#include "tests/c/layer_check.h"

static nn_layer *conv(int filters, int k, int stride, nn_padding pad, nn_activation_kind act)
{
    nn_conv2d_options o = nn_conv2d_defaults(filters, k, k);
    o.strides[0] = o.strides[1] = stride;
    o.padding = pad;
    o.activation.kind = act;
    return nn_conv2d_new(&o, NULL);
}

static nn_layer *dense(int units, nn_activation_kind act)
{
    nn_dense_options o = nn_dense_defaults(units);
    o.activation.kind = act;
    return nn_dense_new(&o, NULL);
}

static void compile(nn_model *m, const char *loss, const char *optimizer)
{
    nn_error err;
    nn_compile_options c = {0};
    nn_loss_parse(loss, &c.loss, &err);
    c.optimizer = nn_optim_by_name(optimizer, &err);
    c.n_metrics = 1;
    nn_metric_parse("accuracy", &c.metrics[0], &err);
    CHECK(nn_model_compile(m, &c, &err) == NN_OK);
}

static double loss_at(nn_model *m, const nn_tensor *x, const nn_tensor *y)
{
    double r[NN_MAX_METRICS + 1];
    nn_error err;
    CHECK(nn_model_test_on_batch(m, x, y, r, &err) == NN_OK);
    return r[0];
}

/* (7, 9, 2) -> Conv2D(3, 3x3, same, tanh) -> AveragePooling2D(2, same) -> (4, 5, 3)
** -> Conv2D(4, 2x2, stride 2, valid) -> BatchNormalization (inference statistics,
** so the loss is a function of the weights alone) -> ELU -> Flatten (2*2*4 = 16)
** -> Dropout (inference: identity) -> Dense(3, softmax), categorical cross-entropy.
** Every trainable parameter's gradient against central differences of the loss. */
static void cnn_gradients_match_finite_differences(void)
{
    nn_error err;
    nn_model *m = nn_model_new(5, &err);
    nn_layer *first = conv(3, 3, 1, NN_PADDING_SAME, NN_ACT_TANH);
    first->input_hint = (nn_shape){3, {7, 9, 2}};
    CHECK(nn_model_add(m, first, &err) == NN_OK);
    nn_pool2d_options po = nn_pool2d_defaults(2, 2);
    po.padding = NN_PADDING_SAME;
    CHECK(nn_model_add(m, nn_average_pooling2d_new(&po, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, conv(4, 2, 2, NN_PADDING_VALID, NN_ACT_LINEAR), &err) == NN_OK);
    nn_batchnorm_options bo = nn_batchnorm_defaults();
    CHECK(nn_model_add(m, nn_batchnorm_new(&bo, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, nn_elu_new(1.0f, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, nn_flatten_new(&err), &err) == NN_OK);
    nn_dropout_options dro = nn_dropout_defaults(0.5f);
    CHECK(nn_model_add(m, nn_dropout_new(&dro, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, dense(3, NN_ACT_SOFTMAX), &err) == NN_OK);
    CHECK(nn_model_layer(m, 5)->out_shape.dim[0] == 16);
    compile(m, "categorical_crossentropy", "sgd");

    nn_rng rng;
    nn_rng_seed(&rng, 9);
    int xs[4] = {3, 7, 9, 2};
    nn_tensor *x = t_randn(&rng, 4, xs), *y = nn_tensor_new2(3, 3, &err);
    for (int i = 0; i < 3; i++)
        nn_tensor_f32(y)[i * 3 + (i + 1) % 3] = 1.0f;
    /* moving statistics away from 0 and 1, so inference normalisation is not trivial */
    nn_layer *bn = nn_model_layer(m, 3);
    for (int c = 0; c < 4; c++) {
        nn_tensor_f32(bn->params[2].value)[c] = 0.1f * (float)c;
        nn_tensor_f32(bn->params[3].value)[c] = 0.5f + 0.25f * (float)c;
    }
    CHECK(nn_model_forward(m, x, 0, &err) != NULL);
    CHECK(nn_model_backward(m, y, NULL, &err) == NN_OK);
    int n;
    nn_param *const *p = nn_model_params(m, &n);
    CHECK(n == 10);
    double worst = 0.0, h = 1e-2;
    int checked = 0;
    for (int k = 0; k < n; k++) {
        if (!p[k]->trainable)
            continue;
        float *w = nn_tensor_f32(p[k]->value);
        nn_tensor *g = nn_tensor_clone(p[k]->grad, &err);
        for (size_t i = 0; i < p[k]->value->size; i++) {
            float keep = w[i], up = keep + (float)h, down = keep - (float)h;
            w[i] = up;
            double lu = loss_at(m, x, y);
            w[i] = down;
            double ld = loss_at(m, x, y);
            w[i] = keep;
            double num = (lu - ld) / ((double)up - down), a = nn_tensor_f32(g)[i];
            worst = fmax(worst, fabs(num - a) / fmax(fabs(num) + fabs(a), 1e-2));
            checked++;
        }
        nn_tensor_free(g);
    }
    CHECK(checked == (3 * 3 * 2 * 3 + 3) + (2 * 2 * 3 * 4 + 4) + (4 + 4) + (16 * 3 + 3));
    CHECK(worst < 1e-2);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* 10x10 images holding one bright bar, horizontal (class 0) or vertical (class 1),
** at a random place over noise: Conv2D(4, 3x3, relu) -> MaxPooling2D(2)
** -> Flatten -> Dense(2, softmax) with Adam learns to tell them apart. */
static void cnn_learns_bars(void)
{
    enum { N = 64, S = 10 };
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 13);
    int xs[4] = {N, S, S, 1};
    nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, &err), *y = nn_tensor_new2(N, 1, &err);
    for (int i = 0; i < N; i++) {
        float *img = nn_tensor_f32(x) + i * S * S;
        for (int p = 0; p < S * S; p++)
            img[p] = 0.1f * nn_rng_uniform(&rng);
        int vertical = i % 2, at = 1 + (int)nn_rng_below(&rng, S - 2);
        int from = (int)nn_rng_below(&rng, S - 5);
        for (int k = from; k < from + 5; k++)
            img[vertical ? k * S + at : at * S + k] = 1.0f;
        nn_tensor_f32(y)[i] = (float)vertical;
    }
    nn_model *m = nn_model_new(2, &err);
    nn_layer *first = conv(4, 3, 1, NN_PADDING_VALID, NN_ACT_RELU);
    first->input_hint = (nn_shape){3, {S, S, 1}};
    CHECK(nn_model_add(m, first, &err) == NN_OK);
    nn_pool2d_options po = nn_pool2d_defaults(2, 2);
    CHECK(nn_model_add(m, nn_max_pooling2d_new(&po, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, nn_flatten_new(&err), &err) == NN_OK);
    CHECK(nn_model_add(m, dense(2, NN_ACT_SOFTMAX), &err) == NN_OK);
    compile(m, "sparse_categorical_crossentropy", "adam");
    nn_fit_options fo = nn_fit_defaults();
    fo.epochs = 40;
    fo.batch_size = 16;
    CHECK(nn_model_fit(m, x, y, &fo, &err) == NN_OK);
    double r[NN_MAX_METRICS + 1];
    CHECK(nn_model_evaluate(m, x, y, 32, r, NULL, NULL, &err) == NN_OK);
    CHECK(r[1] >= 0.95);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

void suite_cnn(void)
{
    t_run("cnn gradients vs finite differences of the loss",
          cnn_gradients_match_finite_differences);
    t_run("cnn learns horizontal vs vertical bars", cnn_learns_bars);
}
