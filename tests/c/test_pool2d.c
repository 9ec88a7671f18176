/* tests/c/test_pool2d.c — pooling layers against hand values, naive loops and
** finite differences; their errors. */
#include "tests/test.h"

#include <float.h>
#include <stdlib.h>

#include "tests/c/layer_check.h"
#include "nn/pool2d.h"

/* ------------------------------------------------------ the naive twins */

typedef struct pgeom { int B, H, W, C, PH, PW, SH, SW, PT, PL, OH, OW; } pgeom;

/* TensorFlow's rules, worked out here independently of nn/padding.c */
static pgeom make_pgeom(int B, int H, int W, int C, int PH, int PW, int SH, int SW, int same)
{
    pgeom g = {B, H, W, C, PH, PW, SH, SW, 0, 0, 0, 0};
    if (same) {
        g.OH = (H + SH - 1) / SH;
        g.OW = (W + SW - 1) / SW;
        int th = (g.OH - 1) * SH + PH - H, tw = (g.OW - 1) * SW + PW - W;
        g.PT = th > 0 ? th / 2 : 0;
        g.PL = tw > 0 ? tw / 2 : 0;
    } else {
        g.OH = (H - PH) / SH + 1;
        g.OW = (W - PW) / SW + 1;
    }
    return g;
}

/* For each output: the max (or mean) over the window positions inside the input;
** the max's gradient goes to the first maximum in row-major window order, the
** mean's to each real position with weight 1 / count. */
static void naive_pool(double *y, double *dx, const float *x, const float *dy, const pgeom *g,
                       int is_max)
{
    memset(dx, 0, sizeof *dx * g->B * g->H * g->W * g->C);
    for (int b = 0; b < g->B; b++)
        for (int oh = 0; oh < g->OH; oh++)
            for (int ow = 0; ow < g->OW; ow++)
                for (int c = 0; c < g->C; c++) {
                    double best = -DBL_MAX, sum = 0.0;
                    int where = -1, count = 0;
                    for (int i = 0; i < g->PH; i++)
                        for (int j = 0; j < g->PW; j++) {
                            int ih = oh * g->SH - g->PT + i, iw = ow * g->SW - g->PL + j;
                            if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W)
                                continue;
                            int k = ((b * g->H + ih) * g->W + iw) * g->C + c;
                            count++;
                            sum += x[k];
                            if (x[k] > best) {
                                best = x[k];
                                where = k;
                            }
                        }
                    int o = ((b * g->OH + oh) * g->OW + ow) * g->C + c;
                    y[o] = is_max ? best : sum / count;
                    for (int i = 0; i < g->PH; i++)
                        for (int j = 0; j < g->PW; j++) {
                            int ih = oh * g->SH - g->PT + i, iw = ow * g->SW - g->PL + j;
                            if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W)
                                continue;
                            int k = ((b * g->H + ih) * g->W + iw) * g->C + c;
                            if (!is_max)
                                dx[k] += dy[o] / count;
                            else if (k == where)
                                dx[k] += dy[o];
                        }
                }
}

static double max_abs_diff(const float *got, const double *want, size_t n)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(got[i] - want[i]));
    return worst;
}

static nn_layer *pool_layer(int is_max, int PH, int PW, int SH, int SW, int same)
{
    nn_pool2d_options o = nn_pool2d_defaults(PH, PW);
    o.strides[0] = SH;
    o.strides[1] = SW;
    o.padding = same ? NN_PADDING_SAME : NN_PADDING_VALID;
    nn_error err;
    return is_max ? nn_max_pooling2d_new(&o, &err) : nn_average_pooling2d_new(&o, &err);
}

static void pool_against_twin(int is_max, int B, int H, int W, int C, int PH, int PW, int SH,
                              int SW, int same)
{
    pgeom g = make_pgeom(B, H, W, C, PH, PW, SH, SW, same);
    nn_rng rng;
    nn_rng_seed(&rng, (uint64_t)(B + H * 7 + W * 13 + PH * 3 + SH + same));
    nn_layer *l = pool_layer(is_max, PH, PW, SH, SW, same);
    nn_error err;
    int in[3] = {H, W, C}, xs[4] = {B, H, W, C};
    CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
    CHECK(l->out_shape.dim[0] == g.OH && l->out_shape.dim[1] == g.OW && l->out_shape.dim[2] == C);
    nn_tensor *x = t_randn(&rng, 4, xs), *dx = t_randn(&rng, 4, xs);
    nn_tensor *y = t_forward(l, x, 1);
    nn_tensor *dy = t_randn(&rng, y->ndim, y->shape);
    double *wy = malloc(y->size * sizeof *wy), *wdx = malloc(x->size * sizeof *wdx);
    naive_pool(wy, wdx, nn_tensor_f32(x), nn_tensor_f32(dy), &g, is_max);
    CHECK(max_abs_diff(nn_tensor_f32(y), wy, y->size) < 1e-6);
    const nn_tensor *xin = x;
    CHECK(l->ops->backward(l, &xin, y, dy, &dx, &err) == NN_OK);
    CHECK(max_abs_diff(nn_tensor_f32(dx), wdx, x->size) < 1e-6);
    free(wy);
    free(wdx);
    nn_tensor_free(x);
    nn_tensor_free(dx);
    nn_tensor_free(y);
    nn_tensor_free(dy);
    nn_layer_free(l);
}

static void pooling_matches_naive_loops(void)
{
    for (int is_max = 0; is_max < 2; is_max++) {
        /*                        B  H  W  C  PH PW SH SW same */
        pool_against_twin(is_max, 2, 4, 4, 3, 2, 2, 2, 2, 0);
        pool_against_twin(is_max, 2, 5, 7, 3, 2, 2, 2, 2, 0);
        pool_against_twin(is_max, 2, 5, 7, 3, 2, 2, 2, 2, 1);
        pool_against_twin(is_max, 1, 5, 7, 2, 3, 3, 1, 1, 1);
        pool_against_twin(is_max, 3, 6, 5, 1, 3, 2, 2, 1, 0);
        pool_against_twin(is_max, 1, 7, 7, 4, 3, 3, 2, 2, 1);
        pool_against_twin(is_max, 2, 5, 5, 2, 2, 2, 3, 3, 1);     /* stride beyond the pool */
        pool_against_twin(is_max, 1, 26, 26, 8, 2, 2, 2, 2, 0);
    }
}

/* ------------------------------------------------------------- by hand */

/* 3x3 input 1..9, pool 2x2, stride 2, "same": out 2x2, pad_total = 1 -> 0 before.
** average over the real elements only: [(1+2+4+5)/4, (3+6)/2; (7+8)/2, 9] = [3, 4.5; 7.5, 9]
** max of -x: padding never wins: [-1, -3; -7, -9] */
static void pooling_by_hand(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    int in[3] = {3, 3, 1}, xs[4] = {1, 3, 3, 1};
    nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, &err);
    for (int i = 0; i < 9; i++)
        nn_tensor_f32(x)[i] = (float)(i + 1);
    nn_layer *avg = pool_layer(0, 2, 2, 0, 0, 1);
    CHECK(t_build(avg, 3, in, &rng, &err) == NN_OK);
    nn_tensor *y = t_forward(avg, x, 0);
    float want_avg[4] = {3, 4.5f, 7.5f, 9};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(nn_tensor_f32(y)[i], want_avg[i], 1e-6);
    nn_tensor_free(y);

    for (int i = 0; i < 9; i++)
        nn_tensor_f32(x)[i] = -(float)(i + 1);
    nn_layer *mx = pool_layer(1, 2, 2, 0, 0, 1);
    CHECK(t_build(mx, 3, in, &rng, &err) == NN_OK);
    y = t_forward(mx, x, 0);
    float want_max[4] = {-1, -3, -7, -9};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(nn_tensor_f32(y)[i], want_max[i], 1e-6);

    /* backward: the gradient of each output lands on its max: -1 at 0, -3 at 2, -7 at 6,
    ** -9 at 8; the average spreads 1/4, 1/2, 1/2 and 1 */
    nn_tensor *dy = nn_tensor_new(NN_F32, y->ndim, y->shape, &err);
    nn_tensor *dx = nn_tensor_new(NN_F32, 4, xs, &err);
    for (int i = 0; i < 4; i++)
        nn_tensor_f32(dy)[i] = (float)(10 * (i + 1));
    const nn_tensor *xin = x;
    CHECK(mx->ops->backward(mx, &xin, y, dy, &dx, &err) == NN_OK);
    float want_dmax[9] = {10, 0, 20, 0, 0, 0, 30, 0, 40};
    for (int i = 0; i < 9; i++)
        CHECK_NEAR(nn_tensor_f32(dx)[i], want_dmax[i], 1e-6);
    CHECK(avg->ops->backward(avg, &xin, y, dy, &dx, &err) == NN_OK);
    float want_davg[9] = {2.5f, 2.5f, 10, 2.5f, 2.5f, 10, 15, 15, 40};
    for (int i = 0; i < 9; i++)
        CHECK_NEAR(nn_tensor_f32(dx)[i], want_davg[i], 1e-6);
    nn_tensor_free(dy);
    nn_tensor_free(dx);
    nn_tensor_free(y);
    nn_tensor_free(x);
    nn_layer_free(avg);
    nn_layer_free(mx);
}

/* Global pooling: y[b, c] = mean (or max) over h, w of x[b, h, w, c]; keepdims
** keeps (1, 1, c). */
static void global_pooling(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 4);
    int in[3] = {5, 7, 3}, xs[4] = {2, 5, 7, 3};
    nn_tensor *x = t_randn(&rng, 4, xs);
    for (int is_max = 0; is_max < 2; is_max++)
        for (int keep = 0; keep < 2; keep++) {
            nn_global_pool2d_options o = {keep};
            nn_layer *l = is_max ? nn_global_max_pooling2d_new(&o, &err)
                                 : nn_global_average_pooling2d_new(&o, &err);
            CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
            CHECK(l->out_shape.ndim == (keep ? 3 : 1));
            CHECK(l->out_shape.dim[l->out_shape.ndim - 1] == 3);
            nn_tensor *y = t_forward(l, x, 1);
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 3; c++) {
                    double s = 0.0, m = -DBL_MAX;
                    for (int p = 0; p < 35; p++) {
                        double v = nn_tensor_f32(x)[(b * 35 + p) * 3 + c];
                        s += v;
                        m = fmax(m, v);
                    }
                    CHECK_NEAR(nn_tensor_f32(y)[b * 3 + c], is_max ? m : s / 35, 1e-6);
                }
            const nn_tensor *xin = x;
            t_gradcheck(l, 1, &xin, 1, is_max ? 1e-3 : 1e-2, 1e-2);
            nn_tensor_free(y);
            nn_layer_free(l);
        }
    nn_tensor_free(x);
}

/* ------------------------------------------------------ finite differences */

static void pooling_gradients_match_finite_differences(void)
{
    static const int cases[][9] = {
        /* B  H  W  C  PH PW SH SW same */
        {2, 4, 4, 3, 2, 2, 0, 0, 0},
        {1, 5, 7, 2, 2, 2, 2, 2, 1},
        {2, 5, 7, 2, 3, 3, 1, 1, 1},
        {1, 5, 7, 3, 3, 2, 2, 1, 0},
    };
    nn_rng rng;
    nn_rng_seed(&rng, 8);
    for (int is_max = 0; is_max < 2; is_max++)
        for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
            const int *c = cases[t];
            nn_layer *l = pool_layer(is_max, c[4], c[5], c[6], c[7], c[8]);
            int xs[4] = {c[0], c[1], c[2], c[3]};
            nn_tensor *x = t_randn(&rng, 4, xs);
            const nn_tensor *xin = x;
            /* max pooling copies values: its differences are exact for any step
            ** that does not change which value wins, so take a small one */
            t_gradcheck(l, 1, &xin, 1, is_max ? 1e-4 : 1e-2, is_max ? 1e-4 : 1e-2);
            nn_tensor_free(x);
            nn_layer_free(l);
        }
}

/* ------------------------------------------------------------------ errors */

static void pooling_errors_name_layer_and_shapes(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_layer *l = pool_layer(1, 3, 3, 0, 0, 0);
    int small[3] = {2, 2, 8};
    CHECK(t_build(l, 3, small, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'max_pooling2d' (MaxPooling2D): pool_size 3x3 leaves no "
                   "output from its input 2x2x8 with padding 'valid'");
    nn_layer_free(l);
    l = pool_layer(1, 3, 3, 0, 0, 1);
    CHECK(t_build(l, 3, small, &rng, &err) == NN_OK);
    CHECK(l->out_shape.dim[0] == 1 && l->out_shape.dim[1] == 1 && l->out_shape.dim[2] == 8);
    nn_layer_free(l);

    l = pool_layer(0, 2, 2, 0, 0, 0);
    int flat[1] = {10};
    CHECK(t_build(l, 1, flat, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'average_pooling2d' (AveragePooling2D) expects input of shape "
                   "(None, height, width, channels), got (None, 10)");
    nn_layer_free(l);

    nn_global_pool2d_options go = {0};
    l = nn_global_average_pooling2d_new(&go, &err);
    CHECK(t_build(l, 1, flat, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "'global_average_pooling2d' (GlobalAveragePooling2D) expects input");
    nn_layer_free(l);

    nn_pool2d_options o = nn_pool2d_defaults(0, 2);
    CHECK(nn_max_pooling2d_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "MaxPooling2D: pool_size must be positive, not (0, 2)");
    o = nn_pool2d_defaults(2, 2);
    o.strides[0] = -1;
    CHECK(nn_average_pooling2d_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "AveragePooling2D: strides must be positive, not (-1, 0)");
}

/* The course's CNN shapes through a model: 28x28x1 -> conv 26x26x32 -> pool 13x13
** -> conv 11x11x64 -> pool 5x5 (floor) -> flatten 1600; and the config. */
static void pooling_in_a_model(void)
{
    nn_error err;
    nn_model *m = nn_model_new(1, &err);
    nn_conv2d_options co = nn_conv2d_defaults(32, 3, 3);
    nn_layer *c1 = nn_conv2d_new(&co, &err);
    c1->input_hint = (nn_shape){3, {28, 28, 1}};
    nn_pool2d_options po = nn_pool2d_defaults(2, 2);
    CHECK(nn_model_add(m, c1, &err) == NN_OK);
    CHECK(nn_model_add(m, nn_max_pooling2d_new(&po, &err), &err) == NN_OK);
    co.filters = 64;
    CHECK(nn_model_add(m, nn_conv2d_new(&co, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, nn_max_pooling2d_new(&po, &err), &err) == NN_OK);
    CHECK(nn_model_add(m, nn_flatten_new(&err), &err) == NN_OK);
    nn_layer *p2 = nn_model_layer(m, 3), *fl = nn_model_layer(m, 4);
    CHECK(p2 && p2->out_shape.dim[0] == 5 && p2->out_shape.dim[1] == 5 &&
          p2->out_shape.dim[2] == 64);
    CHECK(strcmp(p2->name, "max_pooling2d_1") == 0);
    CHECK(fl && fl->out_shape.ndim == 1 && fl->out_shape.dim[0] == 1600);
    char buf[256];
    p2->ops->config(p2, buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2]");
    nn_model_free(m);
}

void suite_pool2d(void)
{
    t_run("pooling by hand (same padding, ties to padding)", pooling_by_hand);
    t_run("pooling forward/backward vs naive loops", pooling_matches_naive_loops);
    t_run("pooling gradients vs finite differences", pooling_gradients_match_finite_differences);
    t_run("global pooling vs loops and finite differences", global_pooling);
    t_run("pooling errors name layer and shapes", pooling_errors_name_layer_and_shapes);
    t_run("pooling in a model: the course CNN's shapes", pooling_in_a_model);
}
