/* tests/c/test_loss.c — losses and metrics: values by hand, gradients against
** central finite differences in double, the fused softmax path, error texts. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

/* ------------------------------------------------------------- helpers */

static nn_tensor *mk(int rows, int cols, const float *v)
{
    nn_tensor *t = cols ? nn_tensor_new2(rows, cols, NULL) : nn_tensor_new1(rows, NULL);
    memcpy(nn_tensor_f32(t), v, t->size * sizeof *v);
    return t;
}

static nn_loss loss_of(const char *name, int from_logits)
{
    nn_loss l;
    nn_error err;
    nn_loss_parse(name, &l, &err);
    l.from_logits = from_logits;
    return l;
}

static double value_of(const nn_loss *l, const nn_tensor *pred, const nn_tensor *y, int logits)
{
    double v = NAN;
    nn_error err;
    if (nn_loss_compute(l, pred, y, logits, NULL, &v, &err) != NN_OK)
        return NAN;
    return v;
}

/* Worst relative difference between the analytic dL/dpred and central
** differences of the loss (which the core sums in double). The step is taken on
** the float inputs, and the difference divided by the step actually taken. */
static double worst_gradient_error(const nn_loss *l, nn_tensor *pred, const nn_tensor *y,
                                   int logits)
{
    nn_error err;
    nn_tensor *grad = nn_tensor_new(NN_F32, pred->ndim, pred->shape, &err);
    double v;
    if (nn_loss_compute(l, pred, y, logits, grad, &v, &err) != NN_OK) {
        nn_tensor_free(grad);
        return INFINITY;
    }
    float *p = nn_tensor_f32(pred);
    double worst = 0.0, h = 1e-3;
    for (size_t i = 0; i < pred->size; i++) {
        float keep = p[i];
        p[i] = (float)(keep + h);
        double hi = p[i], up = value_of(l, pred, y, logits);
        p[i] = (float)(keep - h);
        double lo = p[i], down = value_of(l, pred, y, logits);
        p[i] = keep;
        double numeric = (up - down) / (hi - lo), analytic = nn_tensor_f32(grad)[i];
        double rel = fabs(numeric - analytic) / fmax(1e-6, fabs(numeric) + fabs(analytic));
        worst = rel > worst ? rel : worst;
    }
    nn_tensor_free(grad);
    return worst;
}

/* --------------------------------------------------------- values by hand */

static void loss_mse_mae_by_hand(void)
{
    float p[4] = {1, 2, 3, 4}, y[4] = {0, 2, 5, 1};
    nn_tensor *pred = mk(2, 2, p), *target = mk(2, 2, y);
    nn_loss mse = loss_of("mean_squared_error", 0), mae = loss_of("mae", 0);
    /* per sample: ((1-0)^2 + 0) / 2 = 0.5;  ((3-5)^2 + (4-1)^2) / 2 = 6.5;  mean 3.5 */
    CHECK_NEAR(value_of(&mse, pred, target, 0), 3.5, 1e-9);
    /* per sample: (1 + 0) / 2 = 0.5;  (2 + 3) / 2 = 2.5;  mean 1.5 */
    CHECK_NEAR(value_of(&mae, pred, target, 0), 1.5, 1e-9);
    nn_tensor_free(pred);
    nn_tensor_free(target);
    /* Keras's MeanSquaredError docstring: y_true [[0, 1], [0, 0]],
    ** y_pred [[1, 1], [1, 0]] gives 0.5 */
    float kp[4] = {1, 1, 1, 0}, ky[4] = {0, 1, 0, 0};
    pred = mk(2, 2, kp);
    target = mk(2, 2, ky);
    CHECK_NEAR(value_of(&mse, pred, target, 0), 0.5, 1e-9);
    nn_tensor_free(pred);
    nn_tensor_free(target);
}

static void loss_crossentropy_by_hand(void)
{
    float p[6] = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
    float onehot[6] = {1, 0, 0, 0, 0, 1}, labels[2] = {0, 2};
    nn_tensor *pred = mk(2, 3, p), *y = mk(2, 3, onehot), *lab = mk(2, 0, labels);
    nn_loss cce = loss_of("categorical_crossentropy", 0);
    nn_loss scce = loss_of("sparse_categorical_crossentropy", 0);
    /* -(log 0.7 + log 0.6) / 2 = (0.3566749 + 0.5108256) / 2 = 0.4337503 */
    CHECK_NEAR(value_of(&cce, pred, y, 0), 0.4337503, 1e-6);
    CHECK_NEAR(value_of(&scce, pred, lab, 0), 0.4337503, 1e-6);
    /* rows are normalised first: [1.4, 0.4, 0.2] is [0.7, 0.2, 0.1] */
    float p2[6] = {1.4f, 0.4f, 0.2f, 0.1f, 0.3f, 0.6f};
    nn_tensor *pred2 = mk(2, 3, p2);
    CHECK_NEAR(value_of(&cce, pred2, y, 0), 0.4337503, 1e-6);
    /* uint8 labels work as well */
    int shape[1] = {2};
    nn_tensor *lab8 = nn_tensor_new(NN_U8, 1, shape, NULL);
    nn_tensor_u8(lab8)[0] = 0;
    nn_tensor_u8(lab8)[1] = 2;
    CHECK_NEAR(value_of(&scce, pred, lab8, 0), 0.4337503, 1e-6);
    nn_tensor_free(pred);
    nn_tensor_free(pred2);
    nn_tensor_free(y);
    nn_tensor_free(lab);
    nn_tensor_free(lab8);

    /* A zero probability on the true class is clipped to 1e-7: -log(1e-7) = 16.1180957 */
    float pz[3] = {1, 0, 0}, yz[3] = {0, 1, 0};
    pred = mk(1, 3, pz);
    y = mk(1, 3, yz);
    CHECK_NEAR(value_of(&cce, pred, y, 0), 16.1180957, 1e-5);
    nn_tensor_free(pred);
    nn_tensor_free(y);

    /* Keras's CategoricalCrossentropy docstring: y_true [[0, 1, 0], [0, 0, 1]],
    ** y_pred [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] gives 1.177; the sparse one with
    ** labels [1, 2] the same */
    float kp[6] = {0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, ky[6] = {0, 1, 0, 0, 0, 1};
    float kl[2] = {1, 2};
    pred = mk(2, 3, kp);
    y = mk(2, 3, ky);
    lab = mk(2, 0, kl);
    CHECK_NEAR(value_of(&cce, pred, y, 0), 1.177, 5e-4);
    CHECK_NEAR(value_of(&scce, pred, lab, 0), 1.177, 5e-4);
    nn_tensor_free(pred);
    nn_tensor_free(y);
    nn_tensor_free(lab);
}

static void loss_crossentropy_from_logits_by_hand(void)
{
    /* z = [1, 2, 3], class 2:  -log(e^3 / (e + e^2 + e^3)) = log(1 + e^-1 + e^-2)
    **   = log(1.5032147) = 0.4076060 */
    float z[3] = {1, 2, 3}, y[3] = {0, 0, 1}, lab[1] = {2};
    nn_tensor *pred = mk(1, 3, z), *target = mk(1, 3, y), *label = mk(1, 0, lab);
    nn_loss cce = loss_of("categorical_crossentropy", 1);
    nn_loss scce = loss_of("sparse_categorical_crossentropy", 1);
    CHECK_NEAR(value_of(&cce, pred, target, 0), 0.4076060, 1e-6);
    CHECK_NEAR(value_of(&scce, pred, label, 0), 0.4076060, 1e-6);
    /* the fused path: from_logits off, but the model says pred holds logits */
    nn_loss plain = loss_of("categorical_crossentropy", 0);
    CHECK_NEAR(value_of(&plain, pred, target, 1), 0.4076060, 1e-6);
    /* large logits stay finite: z = [1000, 0, 0], class 1: 1000 + log(1 + 2e-1000) */
    float big[3] = {1000, 0, 0}, y1[3] = {0, 1, 0};
    nn_tensor *pb = mk(1, 3, big), *tb = mk(1, 3, y1);
    CHECK_NEAR(value_of(&cce, pb, tb, 0), 1000.0, 1e-6);
    nn_tensor_free(pb);
    nn_tensor_free(tb);
    nn_tensor_free(pred);
    nn_tensor_free(target);
    nn_tensor_free(label);
}

static void loss_binary_crossentropy_by_hand(void)
{
    nn_loss bce = loss_of("binary_crossentropy", 0), bcel = loss_of("binary_crossentropy", 1);
    /* per sample, the mean over the last axis:
    **   [0.9, 0.2] vs [1, 0]: -(log 0.9 + log 0.8) / 2 = 0.1642521
    **   [0.6, 0.5] vs [0, 1]: -(log 0.4 + log 0.5) / 2 = 0.8047190;  mean 0.4844855 */
    float p[4] = {0.9f, 0.2f, 0.6f, 0.5f}, y[4] = {1, 0, 0, 1};
    nn_tensor *pred = mk(2, 2, p), *target = mk(2, 2, y);
    CHECK_NEAR(value_of(&bce, pred, target, 0), 0.4844855, 1e-6);
    nn_tensor_free(pred);
    nn_tensor_free(target);

    /* p = 1 for y = 0 is clipped to 1 - 1e-7: -log(1e-7) = 16.1180957 (Keras 3; the
    ** tf.keras 2 form, log(1 - q + eps), would give 15.4249) */
    float p1[1] = {1}, y0[1] = {0};
    pred = mk(1, 1, p1);
    target = mk(1, 1, y0);
    CHECK_NEAR(value_of(&bce, pred, target, 0), 16.1180957, 1e-4);
    nn_tensor_free(pred);
    nn_tensor_free(target);

    /* logits z = [0, 2] vs [1, 0]: log 2 = 0.6931472;  2 + log(1 + e^-2) = 2.1269280;
    ** mean 1.4100376 */
    float z[2] = {0, 2}, yz[2] = {1, 0};
    pred = mk(1, 2, z);
    target = mk(1, 2, yz);
    CHECK_NEAR(value_of(&bcel, pred, target, 0), 1.4100376, 1e-6);
    nn_tensor_free(pred);
    nn_tensor_free(target);

    /* Keras's BinaryCrossentropy docstrings: logits [-18.6, 0.51, 2.94, -12.8] vs
    ** [0, 1, 0, 0] give 0.865; probabilities [[0.6, 0.4], [0.4, 0.6]] vs
    ** [[0, 1], [0, 0]] give 0.815 */
    float kz[4] = {-18.6f, 0.51f, 2.94f, -12.8f}, kzy[4] = {0, 1, 0, 0};
    pred = mk(1, 4, kz);
    target = mk(1, 4, kzy);
    CHECK_NEAR(value_of(&bcel, pred, target, 0), 0.865, 5e-4);
    nn_tensor_free(pred);
    nn_tensor_free(target);
    float kp[4] = {0.6f, 0.4f, 0.4f, 0.6f}, ky[4] = {0, 1, 0, 0};
    pred = mk(2, 2, kp);
    target = mk(2, 2, ky);
    CHECK_NEAR(value_of(&bce, pred, target, 0), 0.815, 5e-4);
    nn_tensor_free(pred);
    nn_tensor_free(target);
}

/* ------------------------------------------------- gradients, numerically */

enum { B = 3, K = 4 };

static void loss_gradients_match_finite_differences(void)
{
    /* probabilities away from the clip edges; rows not normalised on purpose */
    float probs[B * K] = {0.2f, 0.3f, 0.1f, 0.5f, 0.6f, 0.1f, 0.15f, 0.15f,
                          0.25f, 0.25f, 0.3f, 0.4f};
    float logits[B * K] = {1.5f, -0.3f, 0.2f, 2.0f, -1.0f, 0.7f, 0.0f, -2.5f,
                           3.0f, 1.0f, -0.5f, 0.25f};
    float onehot[B * K] = {0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
    /* soft targets summing to 1 per row, and rows that do not (0.8, 1.5, 1.2) */
    float soft[B * K] = {0.1f, 0.6f, 0.2f, 0.1f, 0, 0.5f, 0, 0.5f, 0.7f, 0.1f, 0.1f, 0.1f};
    float unsummed[B * K] = {0.2f, 0.6f, 0, 0, 0, 1, 0.5f, 0, 0.3f, 0.3f, 0.3f, 0.6f};
    float binary[B * K] = {1, 0, 0.3f, 1, 0, 0, 1, 0.8f, 1, 1, 0, 0};
    float regress[B * K] = {0.9f, -0.4f, 0.5f, 0.1f, 1.2f, 0.6f, -0.3f, 0.7f,
                            -0.2f, 0.9f, 0.8f, 0.1f};
    float labels[B] = {1, 3, 0};
    nn_tensor *p = mk(B, K, probs), *z = mk(B, K, logits);
    nn_tensor *y1 = mk(B, K, onehot), *ys = mk(B, K, soft), *yb = mk(B, K, binary);
    nn_tensor *yr = mk(B, K, regress), *lab = mk(B, 0, labels), *yu = mk(B, K, unsummed);
    struct { const char *name; int from_logits; nn_tensor *pred, *target; int fused; } cases[] = {
        {"mean_squared_error", 0, p, yr, 0},
        {"mean_absolute_error", 0, p, yr, 0},
        {"categorical_crossentropy", 0, p, y1, 0},
        {"categorical_crossentropy", 0, p, ys, 0},
        {"sparse_categorical_crossentropy", 0, p, lab, 0},
        {"binary_crossentropy", 0, p, yb, 0},
        {"categorical_crossentropy", 1, z, y1, 0},
        {"categorical_crossentropy", 1, z, ys, 0},
        {"categorical_crossentropy", 1, z, yu, 0},
        {"categorical_crossentropy", 0, p, yu, 0},
        {"sparse_categorical_crossentropy", 1, z, lab, 0},
        {"binary_crossentropy", 1, z, yb, 0},
        {"categorical_crossentropy", 0, z, ys, 1},
        {"sparse_categorical_crossentropy", 0, z, lab, 1},
        {"binary_crossentropy", 0, z, yb, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nn_loss l = loss_of(cases[c].name, cases[c].from_logits);
        double worst = worst_gradient_error(&l, cases[c].pred, cases[c].target, cases[c].fused);
        if (!CHECK(worst < 1e-4))
            printf("  (%s, from_logits %d, fused %d: worst relative error %g)\n", cases[c].name,
                   cases[c].from_logits, cases[c].fused, worst);
    }
    /* the same on a batch of one */
    nn_tensor_free(lab);
    nn_tensor *z1 = mk(1, K, logits), *l1 = mk(1, 0, labels);
    nn_loss scce = loss_of("sparse_categorical_crossentropy", 1);
    CHECK(worst_gradient_error(&scce, z1, l1, 0) < 1e-4);
    nn_tensor_free(z1);
    nn_tensor_free(l1);
    nn_tensor_free(p);
    nn_tensor_free(z);
    nn_tensor_free(y1);
    nn_tensor_free(ys);
    nn_tensor_free(yb);
    nn_tensor_free(yr);
    nn_tensor_free(yu);
}

/* Where the probability is clipped the loss is flat, so the gradient is 0 (as the
** gradient of Keras's clip is). */
static void loss_gradient_zero_where_clipped(void)
{
    float p[3] = {0.0f, 0.5f, 1.0f}, y[3] = {1, 1, 0};
    nn_tensor *pred = mk(1, 3, p), *target = mk(1, 3, y), *grad = mk(1, 3, p);
    nn_loss bce = loss_of("binary_crossentropy", 0);
    double v;
    CHECK(nn_loss_compute(&bce, pred, target, 0, grad, &v, NULL) == NN_OK);
    CHECK(nn_tensor_f32(grad)[0] == 0.0f);
    CHECK(nn_tensor_f32(grad)[2] == 0.0f);
    CHECK_NEAR(nn_tensor_f32(grad)[1], -1.0 / 0.5 / 3.0, 1e-6);    /* -(y / p) / K */
    nn_tensor_free(pred);
    nn_tensor_free(target);
    nn_tensor_free(grad);
}

/* Fused softmax + cross-entropy: dL/dz = (softmax(z) - y) / B, softmax by hand. */
static void loss_fused_softmax_gradient(void)
{
    float z[6] = {1.0f, 2.0f, 0.5f, -1.0f, 0.0f, 3.0f}, y[6] = {0, 1, 0, 1, 0, 0};
    float labels[2] = {1, 0};
    nn_tensor *pred = mk(2, 3, z), *target = mk(2, 3, y), *lab = mk(2, 0, labels);
    nn_tensor *grad = mk(2, 3, z);
    double want[6];
    for (int r = 0; r < 2; r++) {
        double e0 = exp(z[r * 3]), e1 = exp(z[r * 3 + 1]), e2 = exp(z[r * 3 + 2]);
        double s = e0 + e1 + e2;
        want[r * 3] = (e0 / s - y[r * 3]) / 2;
        want[r * 3 + 1] = (e1 / s - y[r * 3 + 1]) / 2;
        want[r * 3 + 2] = (e2 / s - y[r * 3 + 2]) / 2;
    }
    nn_loss cce = loss_of("categorical_crossentropy", 0);
    nn_loss scce = loss_of("sparse_categorical_crossentropy", 0);
    double v;
    CHECK(nn_loss_compute(&cce, pred, target, 1, grad, &v, NULL) == NN_OK);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(nn_tensor_f32(grad)[i], want[i], 1e-7);
    CHECK(nn_loss_compute(&scce, pred, lab, 1, grad, &v, NULL) == NN_OK);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(nn_tensor_f32(grad)[i], want[i], 1e-7);
    nn_tensor_free(pred);
    nn_tensor_free(target);
    nn_tensor_free(lab);
    nn_tensor_free(grad);
}

/* ---------------------------------------------------------------- errors */

static void loss_label_out_of_range(void)
{
    float p[6] = {0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f}, labels[2] = {1, 3};
    nn_tensor *pred = mk(2, 3, p), *lab = mk(2, 0, labels);
    nn_loss scce = loss_of("sparse_categorical_crossentropy", 0);
    nn_error err;
    double v;
    CHECK(nn_loss_compute(&scce, pred, lab, 0, NULL, &v, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "sparse_categorical_crossentropy");
    CHECK_CONTAINS(err.msg, "label 3");
    CHECK_CONTAINS(err.msg, "sample 2");
    CHECK_CONTAINS(err.msg, "0..2");
    nn_tensor_f32(lab)[1] = -1;
    CHECK(nn_loss_compute(&scce, pred, lab, 0, NULL, &v, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "label -1");
    nn_tensor_free(pred);
    nn_tensor_free(lab);
}

static void loss_shape_mismatch_names_both_shapes(void)
{
    float p[6] = {0}, y[8] = {0};
    nn_tensor *pred = mk(2, 3, p), *target = mk(2, 4, y);
    nn_error err;
    double v;
    nn_loss mse = loss_of("mse", 0);
    CHECK(nn_loss_compute(&mse, pred, target, 0, NULL, &v, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "mean_squared_error");
    CHECK_CONTAINS(err.msg, "(2, 4)");
    CHECK_CONTAINS(err.msg, "(2, 3)");
    /* class indices given to the categorical loss: a hint to the sparse one */
    float labels[2] = {0, 2};
    nn_tensor *lab = mk(2, 0, labels);
    nn_loss cce = loss_of("categorical_crossentropy", 0);
    CHECK(nn_loss_compute(&cce, pred, lab, 0, NULL, &v, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "(2,)");
    CHECK_CONTAINS(err.msg, "(2, 3)");
    CHECK_CONTAINS(err.msg, "sparse_categorical_crossentropy");
    /* one-hot rows given to the sparse loss */
    nn_tensor *onehot = mk(2, 3, p);
    nn_loss scce = loss_of("sparse_categorical_crossentropy", 0);
    CHECK(nn_loss_compute(&scce, pred, onehot, 0, NULL, &v, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "(2, 3)");
    CHECK_CONTAINS(err.msg, "one class index per sample");
    nn_tensor_free(pred);
    nn_tensor_free(target);
    nn_tensor_free(lab);
    nn_tensor_free(onehot);
}

static void loss_names(void)
{
    nn_loss l;
    nn_error err;
    CHECK(nn_loss_parse("mse", &l, &err) == NN_OK && l.kind == NN_LOSS_MSE);
    CHECK(nn_loss_parse("mean_absolute_error", &l, &err) == NN_OK && l.kind == NN_LOSS_MAE);
    CHECK(nn_loss_parse("binary_crossentropy", &l, &err) == NN_OK && l.kind == NN_LOSS_BCE);
    CHECK(strcmp(nn_loss_name(&l), "binary_crossentropy") == 0);
    CHECK(nn_loss_parse("hinge_loss", &l, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "'hinge_loss'");
    CHECK_CONTAINS(err.msg, "sparse_categorical_crossentropy");
}

/* ---------------------------------------------------------------- metrics */

static double metric_sum(const char *name, const nn_tensor *pred, const nn_tensor *target)
{
    nn_metric m;
    nn_error err;
    if (nn_metric_parse(name, &m, &err) != NN_OK)
        return NAN;
    return nn_metric_batch_sum(&m, pred, target);
}

static void metrics_by_hand(void)
{
    /* argmax per row: 1, 0, 2;  labels 1, 0, 1  ->  2 right */
    float p[9] = {0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f, 0.2f, 0.2f, 0.6f};
    float onehot[9] = {0, 1, 0, 1, 0, 0, 0, 1, 0}, labels[3] = {1, 0, 1};
    nn_tensor *pred = mk(3, 3, p), *y = mk(3, 3, onehot), *lab = mk(3, 0, labels);
    CHECK_NEAR(metric_sum("categorical_accuracy", pred, y), 2.0, 0);
    CHECK_NEAR(metric_sum("sparse_categorical_accuracy", pred, lab), 2.0, 0);
    /* top 2: row 0 label 1 is first; row 1 label 0 first; row 2 label 1 (0.2) ties
    ** with 0.2 and has 0.6 above it: one above, so within the top 2 -> 3 right */
    nn_metric top;
    nn_metric_parse("top_k_categorical_accuracy", &top, NULL);
    CHECK(top.k == 5);
    top.k = 2;
    CHECK_NEAR(nn_metric_batch_sum(&top, pred, y), 3.0, 0);
    CHECK_NEAR(nn_metric_batch_sum(&top, pred, lab), 3.0, 0);
    /* top 1 is plain accuracy */
    top.k = 1;
    CHECK_NEAR(nn_metric_batch_sum(&top, pred, lab), 2.0, 0);
    nn_tensor_free(pred);
    nn_tensor_free(y);
    nn_tensor_free(lab);

    /* binary: threshold 0.5;  0.6->1 ok, 0.4->0 wrong, 0.7->1 wrong, 0.2->0 ok */
    float pb[4] = {0.6f, 0.4f, 0.7f, 0.2f}, yb[4] = {1, 1, 0, 0};
    pred = mk(4, 1, pb);
    y = mk(4, 1, yb);
    CHECK_NEAR(metric_sum("binary_accuracy", pred, y), 2.0, 0);
    nn_tensor_free(pred);
    nn_tensor_free(y);
    /* several columns: a sample scores the fraction right: (1 + 0) / 2 */
    float pb2[2] = {0.6f, 0.4f}, yb2[2] = {1, 1};
    pred = mk(1, 2, pb2);
    y = mk(1, 2, yb2);
    CHECK_NEAR(metric_sum("binary_accuracy", pred, y), 0.5, 0);
    nn_tensor_free(pred);
    nn_tensor_free(y);

    /* mse: 0.5 + 6.5 = 7;  mae: 0.5 + 2.5 = 3 (sums over the batch) */
    float pr[4] = {1, 2, 3, 4}, yr[4] = {0, 2, 5, 1};
    pred = mk(2, 2, pr);
    y = mk(2, 2, yr);
    CHECK_NEAR(metric_sum("mse", pred, y), 7.0, 1e-9);
    CHECK_NEAR(metric_sum("mean_squared_error", pred, y), 7.0, 1e-9);
    CHECK_NEAR(metric_sum("mae", pred, y), 3.0, 1e-9);
    nn_tensor_free(pred);
    nn_tensor_free(y);
}

static void metric_names(void)
{
    nn_metric m;
    nn_error err;
    CHECK(nn_metric_parse("acc", &m, &err) == NN_OK && m.kind == NN_METRIC_ACCURACY);
    CHECK(strcmp(m.name, "acc") == 0);
    CHECK(nn_metric_parse("mean_absolute_error", &m, &err) == NN_OK && m.kind == NN_METRIC_MAE);
    CHECK(nn_metric_parse("f1", &m, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "'f1'");
    CHECK_CONTAINS(err.msg, "top_k_categorical_accuracy");
}

/* Keras's rule (compile_utils.get_metric): binary when the prediction's last
** axis is 1, sparse for class-index targets, categorical otherwise. */
static nn_metric_kind resolved(const char *loss, const nn_tensor *pred_like)
{
    nn_metric m;
    nn_loss l = loss_of(loss, 0);
    nn_metric_parse("accuracy", &m, NULL);
    nn_metric_resolve(&m, &l, pred_like);
    return m.kind;
}

static void metric_accuracy_resolves_as_keras(void)
{
    float zeros[30] = {0};
    nn_tensor *ten = mk(3, 10, zeros), *one = mk(3, 1, zeros), *three = mk(3, 3, zeros);
    CHECK(resolved("categorical_crossentropy", ten) == NN_METRIC_CATEGORICAL_ACCURACY);
    CHECK(resolved("sparse_categorical_crossentropy", ten) ==
          NN_METRIC_SPARSE_CATEGORICAL_ACCURACY);
    CHECK(resolved("binary_crossentropy", one) == NN_METRIC_BINARY_ACCURACY);
    CHECK(resolved("binary_crossentropy", three) == NN_METRIC_CATEGORICAL_ACCURACY);
    CHECK(resolved("mse", one) == NN_METRIC_BINARY_ACCURACY);
    CHECK(resolved("mse", three) == NN_METRIC_CATEGORICAL_ACCURACY);
    /* before the output shape is known */
    CHECK(resolved("categorical_crossentropy", NULL) == NN_METRIC_CATEGORICAL_ACCURACY);
    CHECK(resolved("sparse_categorical_crossentropy", NULL) ==
          NN_METRIC_SPARSE_CATEGORICAL_ACCURACY);
    CHECK(resolved("binary_crossentropy", NULL) == NN_METRIC_ACCURACY);
    /* ...then each batch decides from its shapes: one unit is binary accuracy */
    nn_metric m;
    nn_metric_parse("accuracy", &m, NULL);
    float pb[4] = {0.6f, 0.4f, 0.7f, 0.2f}, yb[4] = {1, 1, 0, 0};
    nn_tensor *pred = mk(4, 1, pb), *y = mk(4, 1, yb);
    CHECK_NEAR(nn_metric_batch_sum(&m, pred, y), 2.0, 0);
    nn_tensor_free(pred);
    nn_tensor_free(y);
    /* ...and several with class-index targets is sparse categorical accuracy */
    float p[6] = {0.1f, 0.9f, 0.0f, 0.8f, 0.1f, 0.1f}, labels[2] = {1, 2};
    pred = mk(2, 3, p);
    y = mk(2, 0, labels);
    CHECK_NEAR(nn_metric_batch_sum(&m, pred, y), 1.0, 0);
    nn_tensor_free(pred);
    nn_tensor_free(y);
    nn_tensor_free(ten);
    nn_tensor_free(one);
    nn_tensor_free(three);
}

void suite_loss(void)
{
    t_run("loss mse and mae by hand", loss_mse_mae_by_hand);
    t_run("loss crossentropy by hand (clipping, normalising, Keras's examples)",
          loss_crossentropy_by_hand);
    t_run("loss crossentropy from logits by hand", loss_crossentropy_from_logits_by_hand);
    t_run("loss binary crossentropy by hand", loss_binary_crossentropy_by_hand);
    t_run("loss gradients vs finite differences", loss_gradients_match_finite_differences);
    t_run("loss gradient is zero where clipped", loss_gradient_zero_where_clipped);
    t_run("loss fused softmax gradient is (softmax - y) / B", loss_fused_softmax_gradient);
    t_run("loss label out of range error", loss_label_out_of_range);
    t_run("loss shape mismatch names both shapes", loss_shape_mismatch_names_both_shapes);
    t_run("loss names and unknown name error", loss_names);
    t_run("metrics by hand", metrics_by_hand);
    t_run("metric names", metric_names);
    t_run("metric accuracy resolves as Keras does", metric_accuracy_resolves_as_keras);
}
