/* tests/c/test_tensor.c — tensor views and arithmetic, each against a naive loop in
** the test or values worked out by hand. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

static nn_tensor *random_tensor(nn_rng *rng, int ndim, const int *shape)
{
    nn_tensor *t = nn_tensor_new(NN_F32, ndim, shape, NULL);
    nn_tensor_fill_normal(t, rng, 0.0f, 1.0f, NULL);
    return t;
}

static nn_tensor *from_values(int ndim, const int *shape, const float *v)
{
    nn_tensor *t = nn_tensor_new(NN_F32, ndim, shape, NULL);
    for (size_t i = 0; i < t->size; i++)
        nn_tensor_f32(t)[i] = v[i];
    return t;
}

static void reshape_is_a_view_and_checks_sizes(void)
{
    nn_error err;
    int shape[2] = {2, 6};
    nn_tensor *t = nn_tensor_new(NN_F32, 2, shape, &err);
    int to[3] = {3, -1, 2};
    nn_tensor *v = nn_tensor_reshape(t, 3, to, &err);
    CHECK(v && v->shape[1] == 2);
    nn_tensor_f32(v)[7] = 4.0f;
    CHECK(nn_tensor_f32(t)[7] == 4.0f);
    int bad[2] = {5, 5};
    CHECK(nn_tensor_reshape(t, 2, bad, &err) == NULL);
    CHECK_CONTAINS(err.msg, "(2, 6)");
    CHECK_CONTAINS(err.msg, "(5, 5)");
    nn_tensor_free(t);
    CHECK(nn_tensor_f32(v)[7] == 4.0f);     /* the view keeps the storage alive */
    nn_tensor_free(v);
}

static void binary_broadcasts_like_a_naive_loop(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_error err;
    nn_tensor *a = random_tensor(&rng, 3, (int[]){2, 3, 4});
    nn_tensor *b = random_tensor(&rng, 2, (int[]){3, 1});
    nn_tensor *c = random_tensor(&rng, 1, (int[]){4});
    nn_tensor *ab = nn_tensor_binary(NN_SUB, a, b, &err);
    nn_tensor *ca = nn_tensor_binary(NN_MUL, c, a, &err);
    CHECK(ab && ab->ndim == 3 && ab->shape[0] == 2 && ab->shape[1] == 3 && ab->shape[2] == 4);
    CHECK(ca && nn_tensor_same_shape(ca, a));
    const float *x = nn_tensor_f32(a), *y = nn_tensor_f32(b), *z = nn_tensor_f32(c);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++) {
                int at = (i * 3 + j) * 4 + k;
                CHECK(nn_tensor_f32(ab)[at] == x[at] - y[j]);
                CHECK(nn_tensor_f32(ca)[at] == z[k] * x[at]);
            }
    nn_tensor *col = random_tensor(&rng, 2, (int[]){3, 1});
    nn_tensor *row = random_tensor(&rng, 2, (int[]){1, 5});
    nn_tensor *outer = nn_tensor_binary(NN_ADD, col, row, &err);
    CHECK(outer && outer->shape[0] == 3 && outer->shape[1] == 5);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 5; j++)
            CHECK(nn_tensor_f32(outer)[i * 5 + j] ==
                  nn_tensor_f32(col)[i] + nn_tensor_f32(row)[j]);
    CHECK(nn_tensor_binary(NN_ADD, a, row, &err) == NULL);
    CHECK_CONTAINS(err.msg, "(2, 3, 4) and (1, 5)");
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(c);
    nn_tensor_free(ab);
    nn_tensor_free(ca);
    nn_tensor_free(col);
    nn_tensor_free(row);
    nn_tensor_free(outer);
}

static void binary_ops_and_uint8_operands(void)
{
    nn_error err;
    nn_tensor *a = from_values(1, (int[]){4}, (float[]){1, 2, 3, 4});
    nn_tensor *b = from_values(1, (int[]){4}, (float[]){2, 2, 2, 5});
    nn_tensor *u = nn_tensor_new(NN_U8, 1, (int[]){4}, &err);
    for (int i = 0; i < 4; i++)
        nn_tensor_u8(u)[i] = (uint8_t)(250 + i);
    static const struct { nn_binop op; float want[4]; } cases[] = {
        {NN_ADD, {3, 4, 5, 9}},  {NN_SUB, {-1, 0, 1, -1}}, {NN_MUL, {2, 4, 6, 20}},
        {NN_DIV, {0.5f, 1, 1.5f, 0.8f}}, {NN_POW, {1, 4, 9, 1024}}, {NN_MAX, {2, 2, 3, 5}},
        {NN_MIN, {1, 2, 2, 4}},  {NN_EQ, {0, 1, 0, 0}},    {NN_NE, {1, 0, 1, 1}},
        {NN_LT, {1, 0, 0, 1}},   {NN_LE, {1, 1, 0, 1}},    {NN_GT, {0, 0, 1, 0}},
        {NN_GE, {0, 1, 1, 0}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nn_tensor *r = nn_tensor_binary(cases[c].op, a, b, &err);
        for (int i = 0; i < 4; i++)
            CHECK_NEAR(nn_tensor_f32(r)[i], cases[c].want[i], 1e-6);
        nn_tensor_free(r);
    }
    nn_tensor *s = nn_tensor_binary(NN_ADD, u, a, &err);     /* 250 + 1 ... no wrap */
    CHECK(s && s->dtype == NN_F32);
    CHECK(nn_tensor_f32(s)[3] == 257.0f);
    nn_tensor *d = nn_tensor_scalar(NN_DIV, u, 255.0f, 0, &err);
    CHECK(d && d->dtype == NN_F32);
    CHECK_NEAR(nn_tensor_f32(d)[2], 252.0 / 255.0, 1e-7);
    nn_tensor *r = nn_tensor_scalar(NN_SUB, a, 10.0f, 1, &err);   /* 10 - a */
    CHECK(nn_tensor_f32(r)[0] == 9.0f && nn_tensor_f32(r)[3] == 6.0f);
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(u);
    nn_tensor_free(s);
    nn_tensor_free(d);
    nn_tensor_free(r);
}

static void reduce_matches_naive_loops(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 2);
    nn_error err;
    int shape[3] = {2, 3, 4};
    nn_tensor *a = random_tensor(&rng, 3, shape);
    const float *x = nn_tensor_f32(a);
    for (int axis = 0; axis < 3; axis++) {
        nn_tensor *sum = nn_tensor_reduce(NN_SUM, a, axis, &err);
        nn_tensor *mean = nn_tensor_reduce(NN_MEAN, a, axis, &err);
        nn_tensor *mx = nn_tensor_reduce(NN_RMAX, a, axis, &err);
        nn_tensor *mn = nn_tensor_reduce(NN_RMIN, a, axis, &err);
        CHECK(sum && sum->ndim == 2 && sum->size == 24 / (size_t)shape[axis]);
        int out = 0;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++) {
                    int idx[3] = {i, j, k};
                    if (idx[axis] != 0)
                        continue;
                    double s = 0, hi = -1e30, lo = 1e30;
                    for (int m = 0; m < shape[axis]; m++) {
                        idx[axis] = m;
                        double v = x[(idx[0] * 3 + idx[1]) * 4 + idx[2]];
                        s += v;
                        hi = v > hi ? v : hi;
                        lo = v < lo ? v : lo;
                    }
                    CHECK_NEAR(nn_tensor_f32(sum)[out], s, 1e-5);
                    CHECK_NEAR(nn_tensor_f32(mean)[out], s / shape[axis], 1e-6);
                    CHECK(nn_tensor_f32(mx)[out] == (float)hi);
                    CHECK(nn_tensor_f32(mn)[out] == (float)lo);
                    out++;
                }
        nn_tensor_free(sum);
        nn_tensor_free(mean);
        nn_tensor_free(mx);
        nn_tensor_free(mn);
    }
    double total = 0;
    for (int i = 0; i < 24; i++)
        total += x[i];
    CHECK_NEAR(nn_tensor_reduce_all(NN_SUM, a), total, 1e-9);
    CHECK_NEAR(nn_tensor_reduce_all(NN_MEAN, a), total / 24, 1e-9);
    nn_tensor *all = nn_tensor_reduce(NN_SUM, a, -1, &err);
    CHECK(all && all->ndim == 1 && all->size == 1);
    CHECK_NEAR(nn_tensor_f32(all)[0], total, 1e-5);
    CHECK(nn_tensor_reduce(NN_SUM, a, 3, &err) == NULL);
    CHECK_CONTAINS(err.msg, "axis 4 is out of range for a 3-D tensor");
    nn_tensor_free(all);
    nn_tensor_free(a);
}

static void reduce_propagates_nan_and_sums_uint8_in_double(void)
{
    nn_error err;
    nn_tensor *t = from_values(2, (int[]){2, 2}, (float[]){NAN, 1, 2, 3});
    CHECK(isnan(nn_tensor_reduce_all(NN_RMAX, t)));
    CHECK(isnan(nn_tensor_reduce_all(NN_RMIN, t)));
    nn_tensor *m = nn_tensor_reduce(NN_RMAX, t, 0, &err);
    CHECK(isnan(nn_tensor_f32(m)[0]) && nn_tensor_f32(m)[1] == 3.0f);
    nn_tensor *u = nn_tensor_new(NN_U8, 1, (int[]){100000}, &err);
    nn_tensor_fill(u, 255.0f, &err);
    CHECK(nn_tensor_reduce_all(NN_SUM, u) == 25500000.0);
    nn_tensor_free(t);
    nn_tensor_free(m);
    nn_tensor_free(u);
}

static void argmax_along_the_last_axis(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 3);
    nn_error err;
    nn_tensor *a = random_tensor(&rng, 3, (int[]){2, 3, 5});
    nn_tensor *r = nn_tensor_argmax(a, &err);
    CHECK(r && r->ndim == 2 && r->shape[0] == 2 && r->shape[1] == 3);
    for (int row = 0; row < 6; row++) {
        int best = 0;
        for (int k = 1; k < 5; k++)
            if (nn_tensor_f32(a)[row * 5 + k] > nn_tensor_f32(a)[row * 5 + best])
                best = k;
        CHECK(nn_tensor_f32(r)[row] == (float)best);
    }
    nn_tensor *ties = from_values(2, (int[]){2, 3}, (float[]){1, 4, 4, 7, 7, 7});
    nn_tensor *t = nn_tensor_argmax(ties, &err);
    CHECK(t->ndim == 1 && nn_tensor_f32(t)[0] == 1.0f && nn_tensor_f32(t)[1] == 0.0f);
    nn_tensor *v = from_values(1, (int[]){3}, (float[]){-5, -1, -3});
    nn_tensor *w = nn_tensor_argmax(v, &err);
    CHECK(w->ndim == 1 && w->size == 1 && nn_tensor_f32(w)[0] == 1.0f);
    nn_tensor_free(a);
    nn_tensor_free(r);
    nn_tensor_free(ties);
    nn_tensor_free(t);
    nn_tensor_free(v);
    nn_tensor_free(w);
}

static void matmul_matches_a_naive_loop(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 4);
    nn_error err;
    nn_tensor *a = random_tensor(&rng, 2, (int[]){5, 7});
    nn_tensor *b = random_tensor(&rng, 2, (int[]){7, 3});
    nn_tensor *c = nn_tensor_matmul(a, b, &err);
    CHECK(c && c->shape[0] == 5 && c->shape[1] == 3);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 7; k++)
                s += (double)nn_tensor_f32(a)[i * 7 + k] * nn_tensor_f32(b)[k * 3 + j];
            CHECK_NEAR(nn_tensor_f32(c)[i * 3 + j], s, 1e-5);
        }
    CHECK(nn_tensor_matmul(a, a, &err) == NULL);
    CHECK_CONTAINS(err.msg, "matmul: shapes (5, 7) and (5, 7) are not aligned");
    nn_tensor *t = nn_tensor_transpose(a, &err);
    CHECK(t->shape[0] == 7 && t->shape[1] == 5);
    CHECK(nn_tensor_f32(t)[2 * 5 + 4] == nn_tensor_f32(a)[4 * 7 + 2]);
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(c);
    nn_tensor_free(t);
}

static void reshape_errors_and_inference(void)
{
    nn_error err;
    nn_tensor *t = nn_tensor_new(NN_F32, 2, (int[]){4, 6}, &err);
    nn_tensor *v = nn_tensor_reshape(t, 3, (int[]){2, -1, 3}, &err);
    CHECK(v && v->shape[1] == 4 && v->data == t->data);
    CHECK(nn_tensor_reshape(t, 2, (int[]){-1, 5}, &err) == NULL);
    CHECK_CONTAINS(err.msg, "(4, 6) (24 values) into shape (-1, 5)");
    CHECK(nn_tensor_reshape(t, 2, (int[]){-1, -1}, &err) == NULL);
    CHECK_CONTAINS(err.msg, "dimension 2 must be positive");
    CHECK(nn_tensor_reshape(t, 5, (int[]){1, 1, 1, 4, 6}, &err) == NULL);
    CHECK(err.code == NN_EARG);
    CHECK(nn_tensor_new(NN_F32, 2, (int[]){3, 0}, &err) == NULL);
    CHECK_CONTAINS(err.msg, "dimension 2 of a tensor must be positive, not 0");
    CHECK(nn_tensor_new(NN_F32, 3, (int[]){1 << 30, 1 << 30, 1 << 30}, &err) == NULL);
    CHECK(err.code == NN_ENOMEM);
    nn_tensor_free(t);
    nn_tensor_free(v);
}

static void ensure_reuses_storage_it_owns_alone(void)
{
    nn_error err;
    nn_tensor *t = NULL;
    CHECK(nn_tensor_ensure(&t, 2, (int[]){4, 8}, &err) == NN_OK);
    void *first = t->data;
    CHECK(nn_tensor_ensure(&t, 2, (int[]){2, 8}, &err) == NN_OK);
    CHECK(t->data == first && t->size == 16 && t->shape[0] == 2);
    nn_tensor *view = nn_tensor_reshape(t, 1, (int[]){16}, &err);
    nn_tensor_f32(view)[0] = 5.0f;
    CHECK(nn_tensor_ensure(&t, 2, (int[]){2, 8}, &err) == NN_OK);
    CHECK(t->data != first);                /* shared with a view: not reused */
    CHECK(nn_tensor_f32(view)[0] == 5.0f);
    CHECK(nn_tensor_ensure(&t, 2, (int[]){64, 64}, &err) == NN_OK);
    CHECK(t->size == 4096);
    CHECK(nn_tensor_ensure(&t, 2, (int[]){-1, 2}, &err) == NN_EARG);
    nn_tensor_free(view);
    nn_tensor_free(t);
}

static void index_offset_and_views(void)
{
    nn_error err;
    nn_tensor *t = nn_tensor_new(NN_F32, 3, (int[]){2, 3, 4}, &err);
    size_t off = 0;
    CHECK(nn_tensor_offset(t, 2, (int[]){1, 2}, &off, &err) == NN_OK && off == 20);
    CHECK(nn_tensor_offset(t, 3, (int[]){1, 2, 3}, &off, &err) == NN_OK && off == 23);
    CHECK(nn_tensor_offset(t, 2, (int[]){1, 3}, &off, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "4 is out of range for axis 2 of size 3");
    CHECK(nn_tensor_offset(t, 4, (int[]){0, 0, 0, 0}, &off, &err) == NN_EARG);
    nn_tensor *row = nn_tensor_index(t, 1, (int[]){1}, &err);
    CHECK(row && row->ndim == 2 && row->shape[0] == 3 && row->shape[1] == 4 && row->size == 12);
    nn_tensor_f32(row)[5] = 9.0f;
    CHECK(nn_tensor_f32(t)[12 + 5] == 9.0f);
    nn_tensor *one = nn_tensor_index(t, 3, (int[]){1, 1, 1}, &err);
    CHECK(one && one->ndim == 1 && one->size == 1 && nn_tensor_f32(one)[0] == 9.0f);
    nn_tensor_free(t);
    CHECK(nn_tensor_f32(row)[5] == 9.0f);   /* the views keep the storage */
    nn_tensor_free(row);
    nn_tensor_free(one);
}

static void set_and_fill_check_uint8_range(void)
{
    nn_error err;
    nn_tensor *u = nn_tensor_new(NN_U8, 1, (int[]){3}, &err);
    CHECK(nn_tensor_set(u, 1, 255.0f, &err) == NN_OK && nn_tensor_u8(u)[1] == 255);
    CHECK(nn_tensor_set(u, 1, 256.0f, &err) == NN_EARG && nn_tensor_u8(u)[1] == 255);
    CHECK_CONTAINS(err.msg, "whole numbers 0..255, not 256");
    CHECK(nn_tensor_set(u, 0, 1.5f, &err) == NN_EARG);
    CHECK(nn_tensor_set(u, 0, -1.0f, &err) == NN_EARG);
    CHECK(nn_tensor_set(u, 0, NAN, &err) == NN_EARG);
    CHECK(nn_tensor_fill(u, 7.0f, &err) == NN_OK);
    CHECK(nn_tensor_u8(u)[0] == 7 && nn_tensor_u8(u)[2] == 7);
    CHECK(nn_tensor_fill(u, 300.0f, &err) == NN_EARG && nn_tensor_u8(u)[0] == 7);
    nn_rng rng;
    nn_rng_seed(&rng, 5);
    CHECK(nn_tensor_fill_uniform(u, &rng, 0, 1, &err) == NN_EARG);
    nn_tensor *f = nn_tensor_new1(2, &err);
    CHECK(nn_tensor_fill(f, -2.5f, &err) == NN_OK && nn_tensor_f32(f)[1] == -2.5f);
    nn_tensor_free(u);
    nn_tensor_free(f);
}

static void random_fills_are_seeded_and_in_range(void)
{
    nn_error err;
    nn_rng r1, r2;
    nn_rng_seed(&r1, 9);
    nn_rng_seed(&r2, 9);
    nn_tensor *a = nn_tensor_new1(10000, &err);
    nn_tensor *b = nn_tensor_new1(10000, &err);
    nn_tensor_fill_uniform(a, &r1, -2.0f, 3.0f, &err);
    nn_tensor_fill_uniform(b, &r2, -2.0f, 3.0f, &err);
    double s = 0;
    for (int i = 0; i < 10000; i++) {
        float v = nn_tensor_f32(a)[i];
        CHECK(v >= -2.0f && v < 3.0f && v == nn_tensor_f32(b)[i]);
        s += v;
    }
    CHECK_NEAR(s / 10000, 0.5, 0.05);       /* sd of the mean: 5 / sqrt(12 * 10000) */
    nn_tensor_fill_normal(a, &r1, 10.0f, 2.0f, &err);
    double m = 0, sq = 0;
    for (int i = 0; i < 10000; i++) {
        m += nn_tensor_f32(a)[i];
        sq += (double)nn_tensor_f32(a)[i] * nn_tensor_f32(a)[i];
    }
    m /= 10000;
    CHECK_NEAR(m, 10.0, 0.1);
    CHECK_NEAR(sqrt(sq / 10000 - m * m), 2.0, 0.1);
    nn_tensor_free(a);
    nn_tensor_free(b);
}

static void arange_linspace_eye(void)
{
    nn_error err;
    nn_tensor *a = nn_tensor_arange(1.0, 2.0, 0.25, &err);
    CHECK(a && a->size == 4 && nn_tensor_f32(a)[3] == 1.75f);
    nn_tensor *d = nn_tensor_arange(5.0, 0.0, -2.0, &err);
    CHECK(d && d->size == 3 && nn_tensor_f32(d)[2] == 1.0f);
    CHECK(nn_tensor_arange(0.0, 1.0, -1.0, &err) == NULL);
    CHECK_CONTAINS(err.msg, "arange: no values");
    CHECK(nn_tensor_arange(0.0, 1.0, 0.0, &err) == NULL);
    CHECK(nn_tensor_arange(0.0, INFINITY, 1.0, &err) == NULL);
    CHECK(nn_tensor_arange(0.0, 1e10, 1.0, &err) == NULL && err.code == NN_ENOMEM);
    nn_tensor *l = nn_tensor_linspace(-1.0, 1.0, 5, &err);
    CHECK(l && nn_tensor_f32(l)[0] == -1.0f && nn_tensor_f32(l)[1] == -0.5f &&
          nn_tensor_f32(l)[2] == 0.0f && nn_tensor_f32(l)[4] == 1.0f);
    nn_tensor *one = nn_tensor_linspace(3.0, 9.0, 1, &err);
    CHECK(one && one->size == 1 && nn_tensor_f32(one)[0] == 3.0f);
    CHECK(nn_tensor_linspace(0.0, 1.0, 0, &err) == NULL);
    nn_tensor *e = nn_tensor_eye(2, 3, &err);
    static const float want[6] = {1, 0, 0, 0, 1, 0};
    for (int i = 0; i < 6; i++)
        CHECK(nn_tensor_f32(e)[i] == want[i]);
    nn_tensor_free(a);
    nn_tensor_free(d);
    nn_tensor_free(l);
    nn_tensor_free(one);
    nn_tensor_free(e);
}

static void assign_broadcasts_into_the_destination(void)
{
    nn_error err;
    nn_tensor *dst = nn_tensor_new(NN_F32, 2, (int[]){2, 3}, &err);
    nn_tensor *row = from_values(1, (int[]){3}, (float[]){1, 2, 3});
    nn_tensor *col = from_values(2, (int[]){2, 1}, (float[]){7, 8});
    nn_tensor *lead = from_values(3, (int[]){1, 1, 3}, (float[]){4, 5, 6});
    CHECK(nn_tensor_assign(dst, row, &err) == NN_OK);
    CHECK(nn_tensor_f32(dst)[3] == 1.0f && nn_tensor_f32(dst)[5] == 3.0f);
    CHECK(nn_tensor_assign(dst, col, &err) == NN_OK);
    CHECK(nn_tensor_f32(dst)[2] == 7.0f && nn_tensor_f32(dst)[3] == 8.0f);
    CHECK(nn_tensor_assign(dst, lead, &err) == NN_OK);   /* leading 1s are allowed */
    CHECK(nn_tensor_f32(dst)[4] == 5.0f);
    nn_tensor *big = nn_tensor_new(NN_F32, 2, (int[]){4, 3}, &err);
    CHECK(nn_tensor_assign(dst, big, &err) == NN_ESHAPE);   /* would grow dst */
    CHECK_CONTAINS(err.msg, "could not broadcast a tensor of shape (4, 3) into one of "
                   "shape (2, 3)");
    nn_tensor *u = nn_tensor_new(NN_U8, 1, (int[]){3}, &err);
    CHECK(nn_tensor_assign(u, row, &err) == NN_OK && nn_tensor_u8(u)[2] == 3);
    nn_tensor *neg = from_values(1, (int[]){1}, (float[]){-1});
    CHECK(nn_tensor_assign(u, neg, &err) == NN_EARG);
    nn_tensor_free(dst);
    nn_tensor_free(row);
    nn_tensor_free(col);
    nn_tensor_free(lead);
    nn_tensor_free(big);
    nn_tensor_free(u);
    nn_tensor_free(neg);
}

static void concat_along_each_axis(void)
{
    nn_error err;
    nn_tensor *a = from_values(2, (int[]){2, 2}, (float[]){1, 2, 3, 4});
    nn_tensor *b = from_values(2, (int[]){2, 1}, (float[]){5, 6});
    nn_tensor *c = from_values(2, (int[]){1, 2}, (float[]){7, 8});
    const nn_tensor *ab[2] = {a, b}, *ac[2] = {a, c};
    nn_tensor *cols = nn_tensor_concat(ab, 2, 1, &err);
    static const float want_cols[6] = {1, 2, 5, 3, 4, 6};
    CHECK(cols && cols->shape[0] == 2 && cols->shape[1] == 3);
    for (int i = 0; i < 6; i++)
        CHECK(nn_tensor_f32(cols)[i] == want_cols[i]);
    nn_tensor *rows = nn_tensor_concat(ac, 2, 0, &err);
    static const float want_rows[6] = {1, 2, 3, 4, 7, 8};
    CHECK(rows && rows->shape[0] == 3 && rows->shape[1] == 2);
    for (int i = 0; i < 6; i++)
        CHECK(nn_tensor_f32(rows)[i] == want_rows[i]);
    CHECK(nn_tensor_concat(ab, 2, 0, &err) == NULL);
    CHECK_CONTAINS(err.msg, "tensor 2 has shape (2, 1), which does not fit tensor 1's (2, 2)");
    CHECK(nn_tensor_concat(ab, 2, 2, &err) == NULL);
    CHECK(nn_tensor_concat(ab, 0, 0, &err) == NULL);
    nn_tensor *u = nn_tensor_new(NN_U8, 1, (int[]){2}, &err);
    nn_tensor_fill(u, 9.0f, &err);
    const nn_tensor *uu[2] = {u, u};
    nn_tensor *both = nn_tensor_concat(uu, 2, 0, &err);
    CHECK(both && both->dtype == NN_U8 && both->size == 4 && nn_tensor_u8(both)[3] == 9);
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(c);
    nn_tensor_free(cols);
    nn_tensor_free(rows);
    nn_tensor_free(u);
    nn_tensor_free(both);
}

static void check_format(const nn_tensor *t, const char *want)
{
    char *s = nn_tensor_format(t);
    if (!CHECK(s && strcmp(s, want) == 0))
        printf("    got:  %s\n    want: %s\n", s ? s : "(null)", want);
    free(s);
}

static void format_like_numpy(void)
{
    nn_tensor *a = from_values(2, (int[]){2, 2}, (float[]){1, 2, 3, 4});
    check_format(a, "tensor([[1., 2.],\n        [3., 4.]], shape=(2, 2))");
    nn_tensor *b = from_values(1, (int[]){3}, (float[]){0.25f, -10, 3.14159f});
    check_format(b, "tensor([  0.25, -10.00,   3.14], shape=(3,))");
    nn_tensor *c = from_values(1, (int[]){2}, (float[]){2e-5f, 1});
    check_format(c, "tensor([2.0e-05, 1.0e+00], shape=(2,))");
    nn_tensor *u = nn_tensor_new(NN_U8, 1, (int[]){2000}, NULL);
    nn_tensor_fill(u, 4.0f, NULL);
    nn_tensor_set(u, 1999, 200.0f, NULL);
    check_format(u, "tensor([  4,   4,   4, ...,   4,   4, 200], shape=(2000,), dtype=uint8)");
    nn_tensor_free(a);
    nn_tensor_free(b);
    nn_tensor_free(c);
    nn_tensor_free(u);
}

void suite_tensor(void)
{
    t_run("reshape is a view and checks sizes", reshape_is_a_view_and_checks_sizes);
    t_run("binary broadcasts like a naive loop", binary_broadcasts_like_a_naive_loop);
    t_run("binary ops and uint8 operands", binary_ops_and_uint8_operands);
    t_run("reduce matches naive loops", reduce_matches_naive_loops);
    t_run("reduce propagates NaN, sums uint8 in double",
          reduce_propagates_nan_and_sums_uint8_in_double);
    t_run("argmax along the last axis", argmax_along_the_last_axis);
    t_run("matmul matches a naive loop", matmul_matches_a_naive_loop);
    t_run("reshape errors and -1 inference", reshape_errors_and_inference);
    t_run("ensure reuses storage it owns alone", ensure_reuses_storage_it_owns_alone);
    t_run("index, offset and views", index_offset_and_views);
    t_run("set and fill check the uint8 range", set_and_fill_check_uint8_range);
    t_run("random fills are seeded and in range", random_fills_are_seeded_and_in_range);
    t_run("arange, linspace, eye", arange_linspace_eye);
    t_run("assign broadcasts into the destination", assign_broadcasts_into_the_destination);
    t_run("concat along each axis", concat_along_each_axis);
    t_run("format like numpy", format_like_numpy);
}
