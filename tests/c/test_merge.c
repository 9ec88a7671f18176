/* tests/c/test_merge.c — Add and Concatenate: values by hand, gradients against
** finite differences, errors, and a functional model with a branch and a merge. */
#include "tests/test.h"

#include <stdlib.h>

#include "tests/c/layer_check.h"

/* Build a merge layer for n inputs of the given per-sample shapes. */
static nn_status build_merge(nn_layer *l, int n, const nn_tensor *const *x, nn_error *err)
{
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    l->n_inputs = n;
    for (int k = 0; k < n; k++) {
        l->in_shape[k].ndim = x[k]->ndim - 1;
        for (int i = 1; i < x[k]->ndim; i++)
            l->in_shape[k].dim[i - 1] = x[k]->shape[i];
    }
    nn_status st = l->ops->build(l, &rng, err);
    l->built = st == NN_OK;
    return st;
}

static nn_tensor *forward_n(nn_layer *l, const nn_tensor *const *x)
{
    int dims[NN_MAX_DIMS];
    int nd = nn_shape_with_batch(&l->out_shape, x[0]->shape[0], dims);
    nn_tensor *y = nn_tensor_new(NN_F32, nd, dims, NULL);
    nn_error err;
    CHECK(l->ops->forward(l, x, y, 1, &err) == NN_OK);
    return y;
}

static void add_by_hand_and_gradients(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 2);
    int xs[4] = {2, 3, 5, 2};
    const nn_tensor *x[3] = {t_randn(&rng, 4, xs), t_randn(&rng, 4, xs), t_randn(&rng, 4, xs)};
    nn_layer *l = nn_add_new(&err);
    CHECK(build_merge(l, 3, x, &err) == NN_OK);
    nn_tensor *y = forward_n(l, x);
    for (size_t i = 0; i < y->size; i++)
        CHECK_NEAR(nn_tensor_f32(y)[i], (double)nn_tensor_f32(x[0])[i] + nn_tensor_f32(x[1])[i] +
                   nn_tensor_f32(x[2])[i], 1e-6);
    t_gradcheck(l, 3, x, 1, 1e-2, 1e-3);
    nn_tensor_free(y);
    nn_layer_free(l);
    for (int k = 0; k < 3; k++)
        nn_tensor_free((nn_tensor *)x[k]);
}

/* Along the last axis: [[1 2] [3 4]] and [[5 6 7] [8 9 10]] -> [[1 2 5 6 7] [3 4 8 9 10]] */
static void concatenate_by_hand(void)
{
    nn_error err;
    nn_tensor *a = nn_tensor_new2(2, 2, &err), *b = nn_tensor_new2(2, 3, &err);
    float av[4] = {1, 2, 3, 4}, bv[6] = {5, 6, 7, 8, 9, 10};
    memcpy(a->data, av, sizeof av);
    memcpy(b->data, bv, sizeof bv);
    const nn_tensor *x[2] = {a, b};
    nn_concatenate_options o = {-1};
    nn_layer *l = nn_concatenate_new(&o, &err);
    CHECK(build_merge(l, 2, x, &err) == NN_OK);
    CHECK(l->out_shape.ndim == 1 && l->out_shape.dim[0] == 5);
    nn_tensor *y = forward_n(l, x);
    float want[10] = {1, 2, 5, 6, 7, 3, 4, 8, 9, 10};
    for (int i = 0; i < 10; i++)
        CHECK(nn_tensor_f32(y)[i] == want[i]);
    /* backward hands each input its own columns of dy */
    nn_tensor *da = nn_tensor_new2(2, 2, &err), *db = nn_tensor_new2(2, 3, &err);
    nn_tensor *dx[2] = {da, db};
    CHECK(l->ops->backward(l, x, y, y, dx, &err) == NN_OK);
    CHECK(memcmp(da->data, av, sizeof av) == 0);
    CHECK(memcmp(db->data, bv, sizeof bv) == 0);
    nn_tensor_free(y);
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(da);
    nn_tensor_free(db);
    nn_layer_free(l);
}

/* Along axis 1 (height) of images: y[b, h, w, c] is a[b, h, w, c] for h < 3, else
** c_[b, h - 3, w, c]; and along the channels of three inputs. */
static void concatenate_axes_and_gradients(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 4);
    int as[4] = {2, 3, 4, 2}, cs[4] = {2, 1, 4, 2};
    const nn_tensor *x[2] = {t_randn(&rng, 4, as), t_randn(&rng, 4, cs)};
    nn_concatenate_options o = {1};
    nn_layer *l = nn_concatenate_new(&o, &err);
    CHECK(build_merge(l, 2, x, &err) == NN_OK);
    CHECK(l->out_shape.dim[0] == 4 && l->out_shape.dim[1] == 4 && l->out_shape.dim[2] == 2);
    nn_tensor *y = forward_n(l, x);
    for (int b = 0; b < 2; b++)
        for (int h = 0; h < 4; h++)
            for (int w = 0; w < 4; w++)
                for (int c = 0; c < 2; c++) {
                    float got = nn_tensor_f32(y)[((b * 4 + h) * 4 + w) * 2 + c];
                    float want = h < 3 ? nn_tensor_f32(x[0])[((b * 3 + h) * 4 + w) * 2 + c]
                                       : nn_tensor_f32(x[1])[((b * 1 + h - 3) * 4 + w) * 2 + c];
                    CHECK(got == want);
                }
    t_gradcheck(l, 2, x, 1, 1e-2, 1e-3);
    nn_tensor_free(y);
    nn_layer_free(l);
    for (int k = 0; k < 2; k++)
        nn_tensor_free((nn_tensor *)x[k]);

    int s1[3] = {3, 5, 1}, s2[3] = {3, 5, 4}, s3[3] = {3, 5, 2};
    const nn_tensor *z[3] = {t_randn(&rng, 3, s1), t_randn(&rng, 3, s2), t_randn(&rng, 3, s3)};
    o.axis = -1;
    l = nn_concatenate_new(&o, &err);
    CHECK(build_merge(l, 3, z, &err) == NN_OK);
    CHECK(l->out_shape.ndim == 2 && l->out_shape.dim[0] == 5 && l->out_shape.dim[1] == 7);
    t_gradcheck(l, 3, z, 1, 1e-2, 1e-3);
    nn_layer_free(l);
    for (int k = 0; k < 3; k++)
        nn_tensor_free((nn_tensor *)z[k]);
}

static void merge_errors(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 4);
    int as[3] = {2, 3, 4}, bs[3] = {2, 3, 5}, cs[3] = {2, 2, 5};
    nn_tensor *a = t_randn(&rng, 3, as), *b = t_randn(&rng, 3, bs), *c = t_randn(&rng, 3, cs);
    const nn_tensor *ab[2] = {a, b}, *bc[2] = {b, c};
    nn_layer *l = nn_add_new(&err);
    CHECK(build_merge(l, 2, ab, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'add' (Add) needs inputs of one shape, got (None, 3, 4) "
                   "(input 1) and (None, 3, 5) (input 2)");
    CHECK(build_merge(l, 1, ab, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "layer 'add' (Add) merges a list of at least 2 inputs, got 1");
    nn_layer_free(l);
    nn_concatenate_options o = {-1};
    l = nn_concatenate_new(&o, &err);
    CHECK(build_merge(l, 2, bc, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'concatenate' (Concatenate) needs inputs that match except "
                   "along axis -1, got (None, 3, 5) (input 1) and (None, 2, 5) (input 2)");
    CHECK(build_merge(l, 2, ab, &err) == NN_OK);
    nn_layer_free(l);
    o.axis = 3;
    l = nn_concatenate_new(&o, &err);
    CHECK(build_merge(l, 2, ab, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "axis 3 is out of range for inputs of shape (None, 3, 4)");
    nn_layer_free(l);
    o.axis = 0;
    CHECK(nn_concatenate_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "Concatenate: axis 0 is the batch axis");
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(c);
}

/* ------------------------------------------------------- functional model */

static nn_layer *dense(int units, nn_activation_kind act)
{
    nn_dense_options o = nn_dense_defaults(units);
    o.activation.kind = act;
    return nn_dense_new(&o, NULL);
}

/* input (4) -> Dense(5, tanh) and Dense(5, sigmoid) -> Add or Concatenate
** -> Dense(3, softmax), with categorical cross-entropy. */
static nn_model *branch_and_merge(int concat)
{
    nn_error err;
    nn_model *m = nn_model_new(11, &err);
    nn_shape s = {1, {4}};
    nn_model_set_input(m, 0, &s, &err);
    int in = -1;
    int a = nn_model_add_node(m, dense(5, NN_ACT_TANH), 1, &in, &err);
    int b = nn_model_add_node(m, dense(5, NN_ACT_SIGMOID), 1, &in, &err);
    int ab[2] = {a, b};
    nn_concatenate_options co = {-1};
    nn_layer *merge = concat ? nn_concatenate_new(&co, &err) : nn_add_new(&err);
    int mg = nn_model_add_node(m, merge, 2, ab, &err);
    int out = nn_model_add_node(m, dense(3, NN_ACT_SOFTMAX), 1, &mg, &err);
    CHECK(a >= 0 && b >= 0 && mg >= 0 && out >= 0);
    CHECK(nn_model_set_outputs(m, 1, &out, &err) == NN_OK);
    nn_compile_options c = {0};
    nn_loss_parse("categorical_crossentropy", &c.loss, &err);
    c.optimizer = nn_optim_by_name("adam", &err);
    CHECK(nn_model_compile(m, &c, &err) == NN_OK);
    CHECK(merge->out_shape.dim[0] == (concat ? 10 : 5));
    return m;
}

static double loss_at(nn_model *m, const nn_tensor *x, const nn_tensor *y)
{
    double r[NN_MAX_METRICS + 1];
    nn_error err;
    CHECK(nn_model_test_on_batch(m, x, y, r, &err) == NN_OK);
    return r[0];
}

static void functional_branch_and_merge(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 21);
    int xs[2] = {12, 4};
    nn_tensor *x = t_randn(&rng, 2, xs), *y = nn_tensor_new2(12, 3, &err);
    for (int i = 0; i < 12; i++) {      /* the class is the sign pattern of two inputs */
        const float *r = nn_tensor_f32(x) + i * 4;
        nn_tensor_f32(y)[i * 3 + (r[0] > 0 ? (r[1] > 0 ? 0 : 1) : 2)] = 1.0f;
    }
    for (int concat = 0; concat < 2; concat++) {
        nn_model *m = branch_and_merge(concat);
        /* every parameter's gradient through the merge against central differences */
        CHECK(nn_model_forward(m, x, 1, &err) != NULL);
        CHECK(nn_model_backward(m, y, NULL, &err) == NN_OK);
        int n;
        nn_param *const *p = nn_model_params(m, &n);
        CHECK(n == 6);
        double worst = 0.0, h = 1e-2;
        for (int k = 0; k < n; k++) {
            float *w = nn_tensor_f32(p[k]->value);
            const float *g = nn_tensor_f32(p[k]->grad);
            for (size_t i = 0; i < p[k]->value->size; i++) {
                float keep = w[i], up = keep + (float)h, down = keep - (float)h;
                w[i] = up;
                double lu = loss_at(m, x, y);
                w[i] = down;
                double ld = loss_at(m, x, y);
                w[i] = keep;
                double num = (lu - ld) / ((double)up - down);
                worst = fmax(worst, fabs(num - g[i]) / fmax(fabs(num) + fabs(g[i]), 1e-2));
            }
        }
        CHECK(worst < 1e-2);
        /* and it learns */
        double first = loss_at(m, x, y), r[NN_MAX_METRICS + 1];
        for (int step = 0; step < 500; step++)
            CHECK(nn_model_train_on_batch(m, x, y, r, &err) == NN_OK);
        CHECK(loss_at(m, x, y) < 0.5 * first);
        nn_model_free(m);
    }
    nn_tensor_free(x);
    nn_tensor_free(y);
}

void suite_merge(void)
{
    t_run("add by hand and gradients", add_by_hand_and_gradients);
    t_run("concatenate by hand", concatenate_by_hand);
    t_run("concatenate along other axes, gradients", concatenate_axes_and_gradients);
    t_run("merge errors name layer and shapes", merge_errors);
    t_run("functional model with a branch and a merge", functional_branch_and_merge);
}
