/* tests/c/test_class_weight.c — sample and class weights in the loss (values by
** hand, gradients against central differences), class_weight in fit, and fit
** from a source of batches (Keras's generators). */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

static nn_tensor *mk(int rows, int cols, const float *v)
{
    nn_tensor *t = cols ? nn_tensor_new2(rows, cols, NULL) : nn_tensor_new1(rows, NULL);
    memcpy(nn_tensor_f32(t), v, t->size * sizeof *v);
    return t;
}

static nn_loss loss_of(const char *name)
{
    nn_loss l;
    nn_loss_parse(name, &l, NULL);
    return l;
}

static double weighted_value(const nn_loss *l, const nn_tensor *p, const nn_tensor *y,
                             int logits, const float *w)
{
    double v = NAN;
    if (nn_loss_compute_weighted(l, p, y, logits, w, NULL, &v, NULL) != NN_OK)
        return NAN;
    return v;
}

/* ------------------------------------------------------------ loss values */

static void weighted_loss_by_hand(void)
{
    /* sparse CE on probabilities: l_i = -log p_i[label_i] */
    float pv[] = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
    float lv[] = {0, 2};
    float w[] = {2.0f, 0.5f};
    nn_tensor *p = mk(2, 3, pv), *lab = mk(2, 0, lv);
    nn_loss scce = loss_of("sparse_categorical_crossentropy");
    double want = (2.0 * -log(0.7) + 0.5 * -log(0.6)) / 2.0;
    CHECK_NEAR(weighted_value(&scce, p, lab, 0, w), want, 1e-6);
    /* weights of 1 give the unweighted loss */
    float ones[] = {1, 1};
    double plain = NAN;
    nn_loss_compute(&scce, p, lab, 0, NULL, &plain, NULL);
    CHECK_NEAR(weighted_value(&scce, p, lab, 0, ones), plain, 1e-12);
    CHECK_NEAR(plain, (-log(0.7) - log(0.6)) / 2.0, 1e-6);
    /* MSE: per sample mean over the row, weighted, over B */
    float mp[] = {1, 2, 3, 4}, my[] = {0, 0, 3, 2};
    nn_tensor *a = mk(2, 2, mp), *b = mk(2, 2, my);
    nn_loss mse = loss_of("mse");
    float w2[] = {3.0f, 0.0f};
    CHECK_NEAR(weighted_value(&mse, a, b, 0, w2), 3.0 * (1 + 4) / 2.0 / 2.0, 1e-9);
    float w3[] = {0.0f, 1.0f};
    CHECK_NEAR(weighted_value(&mse, a, b, 0, w3), (0 + 4) / 2.0 / 2.0, 1e-9);
    nn_tensor_free(p);
    nn_tensor_free(lab);
    nn_tensor_free(a);
    nn_tensor_free(b);
}

/* Worst relative difference between the weighted gradient and central
** differences of the weighted loss. */
static double weighted_gradient_error(const nn_loss *l, nn_tensor *p, const nn_tensor *y,
                                      int logits, const float *w)
{
    nn_tensor *g = nn_tensor_new(NN_F32, p->ndim, p->shape, NULL);
    double v;
    if (nn_loss_compute_weighted(l, p, y, logits, w, g, &v, NULL) != NN_OK) {
        nn_tensor_free(g);
        return INFINITY;
    }
    float *x = nn_tensor_f32(p);
    double worst = 0.0, h = 1e-3;
    for (size_t i = 0; i < p->size; i++) {
        float keep = x[i];
        x[i] = (float)(keep + h);
        double hi = x[i], up = weighted_value(l, p, y, logits, w);
        x[i] = (float)(keep - h);
        double lo = x[i], down = weighted_value(l, p, y, logits, w);
        x[i] = keep;
        double numeric = (up - down) / (hi - lo), analytic = nn_tensor_f32(g)[i];
        double rel = fabs(numeric - analytic) / fmax(1e-6, fabs(numeric) + fabs(analytic));
        worst = rel > worst ? rel : worst;
    }
    nn_tensor_free(g);
    return worst;
}

static void weighted_gradients_match_finite_differences(void)
{
    float pv[] = {0.5f, 0.3f, 0.2f, 0.2f, 0.2f, 0.6f, 0.1f, 0.6f, 0.3f};
    float onehot[] = {1, 0, 0, 0, 0, 1, 0, 1, 0};
    float lab[] = {0, 2, 1};
    float zv[] = {1.2f, -0.5f, 0.3f, 0.2f, 2.0f, -1.0f, 0.1f, 0.4f, -0.3f};
    float w[] = {2.5f, 0.25f, 1.0f};
    nn_tensor *p = mk(3, 3, pv), *y = mk(3, 3, onehot), *l = mk(3, 0, lab), *z = mk(3, 3, zv);
    nn_loss cce = loss_of("categorical_crossentropy"), scce = loss_of("sparse_categorical_"
                                                                       "crossentropy");
    nn_loss mse = loss_of("mse"), mae = loss_of("mae"), bce = loss_of("binary_crossentropy");
    CHECK(weighted_gradient_error(&cce, p, y, 0, w) < 1e-3);
    CHECK(weighted_gradient_error(&scce, p, l, 0, w) < 1e-3);
    CHECK(weighted_gradient_error(&cce, z, y, 1, w) < 1e-3);
    CHECK(weighted_gradient_error(&scce, z, l, 1, w) < 1e-3);
    CHECK(weighted_gradient_error(&mse, z, y, 0, w) < 1e-3);
    CHECK(weighted_gradient_error(&mae, z, y, 0, w) < 1e-3);
    CHECK(weighted_gradient_error(&bce, p, y, 0, w) < 1e-3);
    CHECK(weighted_gradient_error(&bce, z, y, 1, w) < 1e-3);
    nn_tensor_free(p);
    nn_tensor_free(y);
    nn_tensor_free(l);
    nn_tensor_free(z);
}

static nn_status custom_loss(void *ud, const nn_tensor *pred, const nn_tensor *target,
                             nn_tensor *grad, double *value, nn_error *err)
{
    *value = 0.0;
    return NN_OK;
}

static void weighted_custom_loss_is_refused(void)
{
    nn_loss l = {0};
    l.kind = NN_LOSS_CUSTOM;
    l.custom = custom_loss;
    snprintf(l.name, sizeof l.name, "my_loss");
    float v[] = {1, 2}, w[] = {1, 1};
    nn_tensor *p = mk(2, 0, v);
    nn_error err;
    double value;
    CHECK(nn_loss_compute_weighted(&l, p, p, 0, w, NULL, &value, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "my_loss");
    CHECK(nn_loss_compute_weighted(&l, p, p, 0, NULL, NULL, &value, &err) == NN_OK);
    nn_tensor_free(p);
}

/* ---------------------------------------------------------- class weights */

static void class_weights_from_labels(void)
{
    float cw[] = {0.5f, 2.0f, 4.0f};
    float sparse[] = {2, 0, 1, 1};
    float onehot[] = {0, 1, 0, 0, 0, 1, 1, 0, 0};
    float sw[4];
    nn_tensor *s = mk(4, 0, sparse), *o = mk(3, 3, onehot);
    nn_error err;
    CHECK(nn_loss_class_weights(sw, s, cw, 3, &err) == NN_OK);
    CHECK(sw[0] == 4.0f && sw[1] == 0.5f && sw[2] == 2.0f && sw[3] == 2.0f);
    CHECK(nn_loss_class_weights(sw, o, cw, 3, &err) == NN_OK);
    CHECK(sw[0] == 2.0f && sw[1] == 4.0f && sw[2] == 0.5f);
    CHECK(nn_loss_class_weights(sw, s, cw, 2, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "sample 1 is of class 2");
    CHECK_CONTAINS(err.msg, "0..1");
    nn_tensor_free(s);
    nn_tensor_free(o);
}

static nn_layer *dense(int units, const char *act, int input_dim)
{
    nn_dense_options o = nn_dense_defaults(units);
    nn_activation_parse(act, &o.activation, NULL);
    nn_layer *l = nn_dense_new(&o, NULL);
    if (input_dim > 0)
        l->input_hint = (nn_shape){1, {input_dim}};
    return l;
}

static nn_model *classifier(uint64_t seed, const char *optim)
{
    nn_model *m = nn_model_new(seed, NULL);
    nn_model_add(m, dense(3, "softmax", 2), NULL);
    nn_compile_options c = {0};
    nn_loss_parse("sparse_categorical_crossentropy", &c.loss, NULL);
    c.optimizer = nn_optim_by_name(optim, NULL);
    nn_model_compile(m, &c, NULL);
    return m;
}

/* train_on_batch_weighted reports sum_i w_i (-log p_i[y_i]) / B, p being the
** model's output before the step, computed here from the prediction. */
static void train_on_batch_weighted_loss_by_hand(void)
{
    float xv[] = {0.5f, -1.0f, 1.5f, 0.2f, -0.3f, 0.8f}, yv[] = {0, 2, 1};
    float w[] = {2.0f, 0.5f, 3.0f};
    nn_tensor *x = mk(3, 2, xv), *y = mk(3, 0, yv);
    nn_model *m = classifier(5, "sgd");
    nn_error err;
    nn_tensor *p = nn_model_predict(m, x, 32, NULL, NULL, &err);
    double want = 0.0;
    for (int i = 0; i < 3; i++)
        want += w[i] * -log(nn_tensor_f32(p)[i * 3 + (int)yv[i]]);
    want /= 3.0;
    double r[NN_MAX_METRICS + 1];
    CHECK(nn_model_train_on_batch_weighted(m, x, y, w, r, &err) == NN_OK);
    CHECK_NEAR(r[0], want, 1e-5);
    CHECK(m->sample_weight == NULL);
    nn_tensor_free(p);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* class_weight {c, c, c} scales SGD's steps by c: after one batch the weights
** moved c times as far as without it. */
static void fit_class_weight_scales_the_step(void)
{
    float xv[] = {0.5f, -1.0f, 1.5f, 0.2f, -0.3f, 0.8f, 1.0f, 1.0f}, yv[] = {0, 2, 1, 0};
    nn_tensor *x = mk(4, 2, xv), *y = mk(4, 0, yv);
    nn_model *a = classifier(9, "sgd"), *b = classifier(9, "sgd");
    nn_fit_options o = nn_fit_defaults();
    o.shuffle = 0;
    nn_error err;
    int n;
    nn_param *const *pa0 = nn_model_params(a, &n);
    float *start = malloc(pa0[0]->value->size * sizeof *start);
    memcpy(start, nn_tensor_f32(pa0[0]->value), pa0[0]->value->size * sizeof *start);
    CHECK(nn_model_fit(a, x, y, &o, &err) == NN_OK);
    float cw[] = {3, 3, 3};
    o.class_weight = cw;
    o.n_class_weight = 3;
    CHECK(nn_model_fit(b, x, y, &o, &err) == NN_OK);
    nn_param *const *pa = nn_model_params(a, &n), *const *pb = nn_model_params(b, &n);
    double worst = 0.0;
    for (size_t i = 0; i < pa[0]->value->size; i++) {
        double da = nn_tensor_f32(pa[0]->value)[i] - start[i];
        double db = nn_tensor_f32(pb[0]->value)[i] - start[i];
        worst = fmax(worst, fabs(db - 3.0 * da));
    }
    CHECK(worst < 1e-5);
    CHECK_NEAR(b->history.values[0][0], 3.0 * a->history.values[0][0], 1e-5);
    float short_cw[] = {1, 1};
    o.class_weight = short_cw;
    o.n_class_weight = 2;
    CHECK(nn_model_fit(b, x, y, &o, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "class 2");
    free(start);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(a);
    nn_model_free(b);
}

/* ------------------------------------------------------------ fit_source */

typedef struct source {
    const nn_tensor *x, *y;
    int bs, next_row;
    int total, given;       /* stop for good after `total` batches (0: restart at the end) */
    nn_tensor view_x, view_y;
} source;

/* Batches of bs rows in order; NULL at the end of the rows (and after `total`). */
static nn_status next_rows(void *ud, const nn_tensor **x, const nn_tensor **y, nn_error *err)
{
    source *s = ud;
    int n = s->x->shape[0];
    if ((s->total && s->given == s->total) || s->next_row >= n) {
        s->next_row = 0;
        *x = NULL;
        return NN_OK;
    }
    int B = n - s->next_row < s->bs ? n - s->next_row : s->bs;
    nn_tensor_borrow_rows(&s->view_x, s->x, s->next_row, B);
    nn_tensor_borrow_rows(&s->view_y, s->y, s->next_row, B);
    *x = &s->view_x;
    *y = &s->view_y;
    s->next_row += B;
    s->given++;
    return NN_OK;
}

static nn_tensor *blobs(nn_tensor **y, int n)
{
    nn_rng r;
    nn_rng_seed(&r, 4);
    nn_tensor *x = nn_tensor_new2(n, 2, NULL);
    *y = nn_tensor_new1(n, NULL);
    for (int i = 0; i < n; i++) {
        int c = i % 3;
        nn_tensor_f32(*y)[i] = (float)c;
        nn_tensor_f32(x)[2 * i] = (float)(c - 1) * 2.0f + 0.3f * nn_rng_normal(&r);
        nn_tensor_f32(x)[2 * i + 1] = (float)(c == 1) * 2.0f + 0.3f * nn_rng_normal(&r);
    }
    return x;
}

static void fit_source_epochs_end_with_the_data(void)
{
    nn_tensor *y, *x = blobs(&y, 30);
    nn_model *m = classifier(2, "adam");
    source s = {x, y, 8, 0, 0, 0, {0}, {0}};
    nn_fit_options o = nn_fit_defaults();
    o.epochs = 3;
    nn_error err;
    CHECK(nn_model_fit_source(m, next_rows, &s, &o, &err) == NN_OK);
    CHECK(m->history.n_epochs == 3);
    CHECK(m->history.n_batches == 12);  /* 4 batches (8, 8, 8, 6) per epoch */
    /* the epoch's loss is the mean over samples of the batch losses */
    double sum = 0.0;
    for (int b = 0; b < 4; b++)
        sum += m->history.batch_loss[b] * (b < 3 ? 8 : 6);
    CHECK_NEAR(m->history.values[0][0], sum / 30.0, 1e-5);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void fit_source_steps_and_running_out(void)
{
    nn_tensor *y, *x = blobs(&y, 30);
    nn_model *m = classifier(2, "adam");
    source s = {x, y, 5, 0, 4, 0, {0}, {0}};
    nn_fit_options o = nn_fit_defaults();
    o.epochs = 5;
    o.steps_per_epoch = 3;
    nn_error err;
    CHECK(nn_model_fit_source(m, next_rows, &s, &o, &err) == NN_OK);
    CHECK(m->history.n_epochs == 2);    /* 3 batches, then 1 before the data ran out */
    CHECK(m->history.n_batches == 4);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void fit_source_trains_with_validation(void)
{
    nn_tensor *y, *x = blobs(&y, 60);
    nn_model *m = classifier(2, "adam");
    source s = {x, y, 10, 0, 0, 0, {0}, {0}};
    nn_fit_options o = nn_fit_defaults();
    o.epochs = 40;
    o.val_x = x;
    o.val_y = y;
    nn_error err;
    CHECK(nn_model_fit_source(m, next_rows, &s, &o, &err) == NN_OK);
    int val = nn_history_key(&m->history, "val_loss", 0);
    CHECK(val >= 0);
    CHECK(m->history.n_epochs == 40);
    if (val >= 0)
        CHECK(m->history.values[val][39] < 0.7 * m->history.values[val][0]);
    CHECK(m->history.values[0][39] < 0.7 * m->history.values[0][0]);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

void suite_class_weight(void)
{
    t_run("weighted loss by hand", weighted_loss_by_hand);
    t_run("weighted loss gradients vs finite differences",
          weighted_gradients_match_finite_differences);
    t_run("weighted custom loss is refused", weighted_custom_loss_is_refused);
    t_run("class weights from sparse and one-hot labels", class_weights_from_labels);
    t_run("train_on_batch_weighted loss by hand", train_on_batch_weighted_loss_by_hand);
    t_run("fit class_weight scales the step", fit_class_weight_scales_the_step);
    t_run("fit_source: epochs end with the data", fit_source_epochs_end_with_the_data);
    t_run("fit_source: steps_per_epoch and running out", fit_source_steps_and_running_out);
    t_run("fit_source trains, with validation_data", fit_source_trains_with_validation);
}
