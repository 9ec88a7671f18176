/* tests/c/test_dense.c — Dense forward/backward against hand values and finite differences. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

/* y = x W + b by hand: x = [1 2], W = [[1 2 3], [4 5 6]], b = [0.5 -1 0] */
static void dense_forward_by_hand(void)
{
    float x[2] = {1, 2}, w[6] = {1, 2, 3, 4, 5, 6}, b[3] = {0.5f, -1, 0}, y[3];
    nn_dense_forward(y, x, w, b, 1, 2, 3);
    CHECK_NEAR(y[0], 9.5, 1e-6);    /* 1*1 + 2*4 + 0.5 */
    CHECK_NEAR(y[1], 11.0, 1e-6);   /* 1*2 + 2*5 - 1 */
    CHECK_NEAR(y[2], 15.0, 1e-6);   /* 1*3 + 2*6 */
}

/* The same without a bias (use_bias = false): y = x W = [9 12 15] */
static void dense_forward_without_bias_by_hand(void)
{
    float x[2] = {1, 2}, w[6] = {1, 2, 3, 4, 5, 6}, y[3] = {7, 7, 7};
    nn_dense_forward(y, x, w, NULL, 1, 2, 3);
    CHECK_NEAR(y[0], 9.0, 1e-6);
    CHECK_NEAR(y[1], 12.0, 1e-6);
    CHECK_NEAR(y[2], 15.0, 1e-6);
}

/* L = sum_ij r_ij y_ij, so dL/dy = r; compare analytic dx, dW, db with central
** differences of L computed in double. */
static double projected(const float *x, const float *w, const float *b, const float *r,
                        int B, int IN, int OUT)
{
    double L = 0.0;
    for (int i = 0; i < B; i++)
        for (int j = 0; j < OUT; j++) {
            double y = b[j];
            for (int k = 0; k < IN; k++)
                y += (double)x[i * IN + k] * w[k * OUT + j];
            L += r[i * OUT + j] * y;
        }
    return L;
}

static double worst_relative(const float *analytic, float *param, int n, const float *x,
                             const float *w, const float *b, const float *r, int B, int IN,
                             int OUT)
{
    double worst = 0.0, h = 1e-2;
    for (int i = 0; i < n; i++) {
        float keep = param[i];
        param[i] = keep + (float)h;
        double up = projected(x, w, b, r, B, IN, OUT);
        param[i] = keep - (float)h;
        double down = projected(x, w, b, r, B, IN, OUT);
        param[i] = keep;
        double numeric = (up - down) / (2 * h);
        double rel = fabs(numeric - analytic[i]) / fmax(1e-3, fabs(numeric) + fabs(analytic[i]));
        worst = rel > worst ? rel : worst;
    }
    return worst;
}

/* Batch 1 goes through loops of its own instead of sgemm: both paths are checked, and
** a second backward must add to dW and db (the layer accumulates gradients). */
static void check_gradients_at_batch(int B)
{
    enum { IN = 5, OUT = 4, MAXB = 3 };
    nn_rng rng;
    nn_rng_seed(&rng, 7);
    float x[MAXB * IN], w[IN * OUT], b[OUT], r[MAXB * OUT];
    float dx[MAXB * IN], dw[IN * OUT] = {0}, db[OUT] = {0};
    for (int i = 0; i < B * IN; i++) x[i] = nn_rng_normal(&rng);
    for (int i = 0; i < IN * OUT; i++) w[i] = nn_rng_normal(&rng);
    for (int i = 0; i < OUT; i++) b[i] = nn_rng_normal(&rng);
    for (int i = 0; i < B * OUT; i++) r[i] = nn_rng_normal(&rng);
    nn_dense_backward(dx, dw, db, r, x, w, B, IN, OUT);
    CHECK(worst_relative(dx, x, B * IN, x, w, b, r, B, IN, OUT) < 1e-3);
    CHECK(worst_relative(dw, w, IN * OUT, x, w, b, r, B, IN, OUT) < 1e-3);
    CHECK(worst_relative(db, b, OUT, x, w, b, r, B, IN, OUT) < 1e-3);
    float dw1[IN * OUT], db1[OUT];
    memcpy(dw1, dw, sizeof dw);
    memcpy(db1, db, sizeof db);
    nn_dense_backward(NULL, dw, db, r, x, w, B, IN, OUT);
    for (int i = 0; i < IN * OUT; i++)
        CHECK_NEAR(dw[i], 2.0 * dw1[i], 1e-5);
    for (int i = 0; i < OUT; i++)
        CHECK_NEAR(db[i], 2.0 * db1[i], 1e-5);
}

static void dense_gradients_match_finite_differences(void)
{
    check_gradients_at_batch(3);
}

static void dense_gradients_at_batch_one(void)
{
    check_gradients_at_batch(1);
}

/* The layer object with a fused relu, through the model's conventions. */
static void dense_layer_shape_error_names_layer_and_shapes(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_dense_options o = nn_dense_defaults(4);
    nn_layer *l = nn_dense_new(&o, &err);
    l->input_hint = (nn_shape){1, {3}};
    CHECK(nn_model_add(m, l, &err) == NN_OK);
    nn_tensor *x = nn_tensor_new2(2, 5, &err);
    CHECK(nn_model_forward(m, x, 0, &err) == NULL);
    CHECK(err.code == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "'dense'");
    CHECK_CONTAINS(err.msg, "(None, 3)");
    CHECK_CONTAINS(err.msg, "(2, 5)");
    nn_tensor_free(x);
    nn_model_free(m);
}

void suite_dense(void)
{
    t_run("dense forward by hand", dense_forward_by_hand);
    t_run("dense forward without bias by hand", dense_forward_without_bias_by_hand);
    t_run("dense gradients vs finite differences", dense_gradients_match_finite_differences);
    t_run("dense gradients at batch 1 (its own loops)", dense_gradients_at_batch_one);
    t_run("dense shape error names layer and shapes",
          dense_layer_shape_error_names_layer_and_shapes);
}
