/* tests/c/test_model.c — the model: whole-network gradients, training, fit's bookkeeping. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

static nn_layer *dense(int units, const char *act, int input_dim)
{
    nn_dense_options o = nn_dense_defaults(units);
    nn_activation_parse(act, &o.activation, NULL);
    nn_layer *l = nn_dense_new(&o, NULL);
    if (input_dim > 0)
        l->input_hint = (nn_shape){1, {input_dim}};
    return l;
}

static nn_model *mlp(const char *loss, const char *out_act, int out_units)
{
    nn_error err;
    nn_model *m = nn_model_new(3, &err);
    nn_model_add(m, dense(6, "tanh", 4), &err);
    nn_model_add(m, dense(out_units, out_act, 0), &err);
    nn_compile_options c = {0};
    nn_loss_parse(loss, &c.loss, &err);
    c.optimizer = nn_optim_by_name("sgd", &err);
    c.n_metrics = 1;
    nn_metric_parse("accuracy", &c.metrics[0], &err);
    nn_model_compile(m, &c, &err);
    return m;
}

static double model_loss_at(nn_model *m, const nn_tensor *x, const nn_tensor *y)
{
    double r[NN_MAX_METRICS + 1];
    nn_model_test_on_batch(m, x, y, r, NULL);
    return r[0];
}

/* Every parameter's gradient from nn_model_backward against central differences
** of the whole model's loss (so the fused softmax + cross-entropy path, the
** activation backward and the chain between layers are all checked). */
static double model_worst_gradient_error(nn_model *m, const nn_tensor *x, const nn_tensor *y)
{
    nn_error err;
    nn_model_forward(m, x, 1, &err);
    nn_model_backward(m, y, NULL, &err);
    int n;
    nn_param *const *params = nn_model_params(m, &n);
    double worst = 0.0, h = 1e-2;
    for (int p = 0; p < n; p++) {
        float *w = nn_tensor_f32(params[p]->value);
        nn_tensor *g = nn_tensor_clone(params[p]->grad, &err);
        for (size_t i = 0; i < params[p]->value->size; i++) {
            float keep = w[i];
            w[i] = keep + (float)h;
            double up = model_loss_at(m, x, y);
            w[i] = keep - (float)h;
            double down = model_loss_at(m, x, y);
            w[i] = keep;
            double numeric = (up - down) / (2 * h), analytic = nn_tensor_f32(g)[i];
            double rel = fabs(numeric - analytic) / fmax(1e-2, fabs(numeric) + fabs(analytic));
            worst = rel > worst ? rel : worst;
        }
        nn_tensor_free(g);
    }
    return worst;
}

static nn_tensor *random_tensor(int rows, int cols, nn_rng *rng)
{
    nn_tensor *t = nn_tensor_new2(rows, cols, NULL);
    for (size_t i = 0; i < t->size; i++)
        nn_tensor_f32(t)[i] = nn_rng_normal(rng);
    return t;
}

static void gradients_of_softmax_crossentropy_model(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 11);
    nn_tensor *x = random_tensor(5, 4, &rng);
    int shape[2] = {5, 3};
    nn_tensor *y = nn_tensor_new(NN_F32, 2, shape, NULL);
    for (int i = 0; i < 5; i++)
        nn_tensor_f32(y)[i * 3 + i % 3] = 1.0f;
    nn_model *m = mlp("categorical_crossentropy", "softmax", 3);
    CHECK(m->fused);
    CHECK(model_worst_gradient_error(m, x, y) < 2e-3);
    nn_model_free(m);
    m = mlp("sparse_categorical_crossentropy", "softmax", 3);
    nn_tensor *labels = nn_tensor_new1(5, NULL);
    for (int i = 0; i < 5; i++)
        nn_tensor_f32(labels)[i] = (float)(i % 3);
    CHECK(model_worst_gradient_error(m, x, labels) < 2e-3);
    nn_model_free(m);
    m = mlp("mean_squared_error", "sigmoid", 3);
    CHECK(!m->fused);
    CHECK(model_worst_gradient_error(m, x, y) < 2e-3);
    nn_model_free(m);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_tensor_free(labels);
}

/* Two gaussian blobs, far apart: a small MLP must separate them. */
static void tiny_model_learns_a_separable_problem(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 5);
    int n = 200, shape[2] = {200, 4};
    nn_tensor *x = nn_tensor_new(NN_F32, 2, shape, &err);
    nn_tensor *y = nn_tensor_new1(n, &err);
    for (int i = 0; i < n; i++) {
        int c = i % 2;
        nn_tensor_f32(y)[i] = (float)c;
        for (int j = 0; j < 4; j++)
            nn_tensor_f32(x)[i * 4 + j] = (c ? 1.5f : -1.5f) + nn_rng_normal(&rng);
    }
    nn_model *m = mlp("sparse_categorical_crossentropy", "softmax", 2);
    nn_fit_options o = nn_fit_defaults();
    o.epochs = 20;
    o.batch_size = 16;
    CHECK(nn_model_fit(m, x, y, &o, &err) == NN_OK);
    double r[NN_MAX_METRICS + 1];
    CHECK(nn_model_evaluate(m, x, y, 32, r, NULL, NULL, &err) == NN_OK);
    CHECK(r[1] >= 0.95);
    CHECK(m->history.n_epochs == 20);
    CHECK(m->history.values[0][19] < m->history.values[0][0]);  /* the loss went down */
    nn_model_free(m);
    nn_tensor_free(x);
    nn_tensor_free(y);
}

/* Keras's validation_split takes the LAST fraction, before shuffling: with
** the validation rows labelled differently from the training rows, val_loss
** must reflect those rows only. Checked through the history keys and counts. */
static void fit_records_validation_history(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 2);
    nn_tensor *x = random_tensor(50, 4, &rng);
    nn_tensor *y = nn_tensor_new1(50, &err);
    nn_model *m = mlp("sparse_categorical_crossentropy", "softmax", 2);
    nn_fit_options o = nn_fit_defaults();
    o.epochs = 2;
    o.validation_split = 0.2;
    CHECK(nn_model_fit(m, x, y, &o, &err) == NN_OK);
    CHECK(nn_history_key(&m->history, "loss", 0) == 0);
    CHECK(nn_history_key(&m->history, "accuracy", 0) == 1);
    CHECK(nn_history_key(&m->history, "val_loss", 0) == 2);
    CHECK(nn_history_key(&m->history, "val_accuracy", 0) == 3);
    /* 40 training rows in batches of 32: 2 batches per epoch */
    CHECK(m->history.n_batches == 4);
    /* every label is 0: validation accuracy is the fraction of rows 41..50 predicted 0 */
    double r[NN_MAX_METRICS + 1];
    nn_tensor *vx = nn_tensor_slice_rows(x, 40, 10, &err);
    nn_tensor *vy = nn_tensor_slice_rows(y, 40, 10, &err);
    nn_model_evaluate(m, vx, vy, 32, r, NULL, NULL, &err);
    CHECK_NEAR(m->history.values[3][1], r[1], 1e-9);
    CHECK_NEAR(m->history.values[2][1], r[0], 1e-6);
    nn_tensor_free(vx);
    nn_tensor_free(vy);
    nn_model_free(m);
    nn_tensor_free(x);
    nn_tensor_free(y);
}

static void fit_before_compile_is_an_error(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_model_add(m, dense(2, "softmax", 3), &err);
    nn_tensor *x = nn_tensor_new2(4, 3, &err), *y = nn_tensor_new1(4, &err);
    nn_fit_options o = nn_fit_defaults();
    CHECK(nn_model_fit(m, x, y, &o, &err) == NN_ESTATE);
    CHECK_CONTAINS(err.msg, "compile");
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void nan_loss_stops_fit_with_a_message(void)
{
    nn_error err;
    nn_tensor *x = nn_tensor_new2(8, 4, &err), *y = nn_tensor_new2(8, 3, &err);
    nn_tensor_f32(x)[5] = NAN;
    nn_model *m = mlp("mean_squared_error", "linear", 3);
    nn_fit_options o = nn_fit_defaults();
    CHECK(nn_model_fit(m, x, y, &o, &err) == NN_ENAN);
    CHECK_CONTAINS(err.msg, "epoch 1, batch 1");
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* Predictions of one sample by hand: with W = 0 and b = [1, 2], softmax gives
** [e/(e+e^2), e^2/(e+e^2)] whatever the input. */
static void predict_by_hand(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_model_add(m, dense(2, "softmax", 3), &err);
    nn_model_build(m, &err);
    int n;
    nn_param *const *p = nn_model_params(m, &n);
    CHECK(n == 2);
    for (size_t i = 0; i < p[0]->value->size; i++)
        nn_tensor_f32(p[0]->value)[i] = 0.0f;
    nn_tensor_f32(p[1]->value)[0] = 1.0f;
    nn_tensor_f32(p[1]->value)[1] = 2.0f;
    nn_tensor *x = nn_tensor_new2(5, 3, &err);
    nn_tensor *out = nn_model_predict(m, x, 2, NULL, NULL, &err);
    CHECK(out && out->shape[0] == 5 && out->shape[1] == 2);
    double p0 = exp(1.0) / (exp(1.0) + exp(2.0));
    CHECK_NEAR(nn_tensor_f32(out)[8], p0, 1e-6);
    CHECK_NEAR(nn_tensor_f32(out)[9], 1.0 - p0, 1e-6);
    nn_tensor_free(out);
    nn_tensor_free(x);
    nn_model_free(m);
}

void suite_model(void)
{
    t_run("model gradients vs finite differences (fused and not)",
          gradients_of_softmax_crossentropy_model);
    t_run("tiny model learns a separable problem", tiny_model_learns_a_separable_problem);
    t_run("fit records validation history", fit_records_validation_history);
    t_run("fit before compile is an error", fit_before_compile_is_an_error);
    t_run("NaN loss stops fit with a message", nan_loss_stops_fit_with_a_message);
    t_run("predict by hand", predict_by_hand);
}
