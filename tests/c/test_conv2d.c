/* tests/c/test_conv2d.c — Conv2D against hand values, a naive loop twin and
** finite differences; its errors. */
#include "tests/test.h"

#include <stdlib.h>

#include "tests/c/layer_check.h"
#include "nn/conv2d.h"

/* ------------------------------------------------------ the naive twin */

/* Geometry worked out here, independently of nn/padding.c (TensorFlow's rules). */
typedef struct geom { int B, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, F; } geom;

static geom make_geom(int B, int H, int W, int C, int KH, int KW, int SH, int SW, int same,
                      int F)
{
    geom g = {B, H, W, C, KH, KW, SH, SW, 0, 0, 0, 0, F};
    if (same) {
        g.OH = (H + SH - 1) / SH;
        g.OW = (W + SW - 1) / SW;
        int th = (g.OH - 1) * SH + KH - H, tw = (g.OW - 1) * SW + KW - W;
        g.PT = th > 0 ? th / 2 : 0;
        g.PL = tw > 0 ? tw / 2 : 0;
    } else {
        g.OH = (H - KH) / SH + 1;
        g.OW = (W - KW) / SW + 1;
    }
    return g;
}

/* x[b, ih, iw, c], or 0 in the padding */
static double at(const float *x, const geom *g, int b, int ih, int iw, int c)
{
    if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W)
        return 0.0;
    return x[((b * g->H + ih) * g->W + iw) * g->C + c];
}

/* y[b,oh,ow,f] = bias[f] + sum_{i,j,c} x[b, oh SH - PT + i, ow SW - PL + j, c] w[i,j,c,f] */
static void naive_forward(double *y, const float *x, const float *w, const float *bias,
                          const geom *g)
{
    for (int b = 0; b < g->B; b++)
        for (int oh = 0; oh < g->OH; oh++)
            for (int ow = 0; ow < g->OW; ow++)
                for (int f = 0; f < g->F; f++) {
                    double s = bias ? bias[f] : 0.0;
                    for (int i = 0; i < g->KH; i++)
                        for (int j = 0; j < g->KW; j++)
                            for (int c = 0; c < g->C; c++)
                                s += at(x, g, b, oh * g->SH - g->PT + i, ow * g->SW - g->PL + j,
                                        c) * w[((i * g->KW + j) * g->C + c) * g->F + f];
                    y[((b * g->OH + oh) * g->OW + ow) * g->F + f] = s;
                }
}

/* dx[b,ih,iw,c] = sum dy[b,oh,ow,f] w[i,j,c,f] over the (oh,ow,i,j) reading it;
** dw[i,j,c,f] = sum dy[b,oh,ow,f] x[b, ih, iw, c];  db[f] = sum dy[..., f] */
static void naive_backward(double *dx, double *dw, double *db, const float *dy, const float *x,
                           const float *w, const geom *g)
{
    memset(dx, 0, sizeof *dx * g->B * g->H * g->W * g->C);
    memset(dw, 0, sizeof *dw * g->KH * g->KW * g->C * g->F);
    memset(db, 0, sizeof *db * g->F);
    for (int b = 0; b < g->B; b++)
        for (int oh = 0; oh < g->OH; oh++)
            for (int ow = 0; ow < g->OW; ow++)
                for (int f = 0; f < g->F; f++) {
                    double d = dy[((b * g->OH + oh) * g->OW + ow) * g->F + f];
                    db[f] += d;
                    for (int i = 0; i < g->KH; i++)
                        for (int j = 0; j < g->KW; j++)
                            for (int c = 0; c < g->C; c++) {
                                int ih = oh * g->SH - g->PT + i, iw = ow * g->SW - g->PL + j;
                                int k = ((i * g->KW + j) * g->C + c) * g->F + f;
                                dw[k] += d * at(x, g, b, ih, iw, c);
                                if (ih >= 0 && ih < g->H && iw >= 0 && iw < g->W)
                                    dx[((b * g->H + ih) * g->W + iw) * g->C + c] += d * w[k];
                            }
                }
}

static double max_rel_d(const float *got, const double *want, size_t n)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]) / fmax(fabs(want[i]), 1.0);
        worst = d > worst ? d : worst;
    }
    return worst;
}

/* A Conv2D layer of the given geometry with random kernel and bias. */
static nn_layer *conv_layer(const geom *g, int same, nn_activation act, nn_rng *rng)
{
    nn_conv2d_options o = nn_conv2d_defaults(g->F, g->KH, g->KW);
    o.strides[0] = g->SH;
    o.strides[1] = g->SW;
    o.padding = same ? NN_PADDING_SAME : NN_PADDING_VALID;
    o.activation = act;
    o.bias_initializer.kind = NN_INIT_RANDOM_NORMAL;
    o.bias_initializer.b = 0.5f;
    nn_error err;
    nn_layer *l = nn_conv2d_new(&o, &err);
    int in[3] = {g->H, g->W, g->C};
    if (!l || t_build(l, 3, in, rng, &err) != NN_OK) {
        CHECK(!"conv layer could not be built");
        nn_layer_free(l);
        return NULL;
    }
    return l;
}

/* Forward and backward of the layer against the naive twin in one geometry. */
static void against_twin(int B, int H, int W, int C, int KH, int KW, int SH, int SW, int same,
                         int F, double tol)
{
    geom g = make_geom(B, H, W, C, KH, KW, SH, SW, same, F);
    nn_rng rng;
    nn_rng_seed(&rng, (uint64_t)(B * 1000 + H * 100 + KH * 10 + SH + same));
    nn_activation linear = {NN_ACT_LINEAR, 0};
    nn_layer *l = conv_layer(&g, same, linear, &rng);
    if (!l)
        return;
    CHECK(l->out_shape.dim[0] == g.OH && l->out_shape.dim[1] == g.OW && l->out_shape.dim[2] == F);
    int xs[4] = {B, H, W, C};
    nn_tensor *x = t_randn(&rng, 4, xs);
    nn_tensor *y = t_forward(l, x, 1);
    const float *w = nn_tensor_f32(l->params[0].value), *b = nn_tensor_f32(l->params[1].value);
    size_t ny = (size_t)B * g.OH * g.OW * F, nx = x->size, nw = l->params[0].value->size;
    double *want = malloc(ny * sizeof *want);
    naive_forward(want, nn_tensor_f32(x), w, b, &g);
    CHECK(y && max_rel_d(nn_tensor_f32(y), want, ny) < tol);

    nn_tensor *dy = t_randn(&rng, y->ndim, y->shape), *dx = t_randn(&rng, 4, xs);
    double *wdx = malloc(nx * sizeof *wdx), *wdw = malloc(nw * sizeof *wdw);
    double *wdb = malloc((size_t)F * sizeof *wdb);
    naive_backward(wdx, wdw, wdb, nn_tensor_f32(dy), nn_tensor_f32(x), w, &g);
    nn_error err;
    const nn_tensor *in = x;
    CHECK(l->ops->backward(l, &in, y, dy, &dx, &err) == NN_OK);
    CHECK(max_rel_d(nn_tensor_f32(dx), wdx, nx) < tol);
    CHECK(max_rel_d(nn_tensor_f32(l->params[0].grad), wdw, nw) < tol);
    CHECK(max_rel_d(nn_tensor_f32(l->params[1].grad), wdb, (size_t)F) < tol);
    /* a second backward adds to the parameter gradients and rewrites dx */
    CHECK(l->ops->backward(l, &in, y, dy, &dx, &err) == NN_OK);
    for (size_t i = 0; i < nw; i++)
        wdw[i] *= 2.0;
    CHECK(max_rel_d(nn_tensor_f32(l->params[0].grad), wdw, nw) < tol);
    CHECK(max_rel_d(nn_tensor_f32(dx), wdx, nx) < tol);
    free(want);
    free(wdx);
    free(wdw);
    free(wdb);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_tensor_free(dy);
    nn_tensor_free(dx);
    nn_layer_free(l);
}

static void conv_matches_naive_loops(void)
{
    /*          B  H  W  C  KH KW SH SW same F  tol */
    against_twin(2, 5, 7, 3, 3, 3, 1, 1, 0, 4, 1e-5);
    against_twin(2, 5, 7, 3, 3, 3, 1, 1, 1, 4, 1e-5);
    against_twin(3, 5, 7, 2, 3, 2, 2, 2, 0, 3, 1e-5);
    against_twin(3, 5, 7, 2, 3, 2, 2, 2, 1, 3, 1e-5);
    against_twin(1, 8, 8, 1, 5, 5, 1, 1, 1, 2, 1e-5);
    against_twin(1, 6, 6, 4, 2, 2, 2, 1, 1, 5, 1e-5);
    against_twin(2, 4, 5, 3, 1, 1, 1, 1, 0, 6, 1e-5);     /* 1x1: x used directly */
    against_twin(2, 5, 5, 3, 1, 1, 2, 2, 1, 2, 1e-5);
    against_twin(1, 28, 28, 1, 3, 3, 1, 1, 0, 8, 1e-5);
    against_twin(2, 3, 3, 2, 3, 3, 3, 3, 1, 2, 1e-5);
}

/* A batch too large for one im2col buffer goes in chunks: same results. */
static void conv_large_batch_in_chunks(void)
{
    /* 9 chunks; sums over 64000 rows in float: about 1e-4 of rounding */
    against_twin(1000, 8, 8, 16, 3, 3, 1, 1, 1, 3, 1e-3);
}

/* --------------------------------------------------------- by hand */

/* x = [[1 2 3] [4 5 6] [7 8 9]], kernel [[1 2] [3 4]], bias 0.5
** valid, stride 1:  y = [[1+4+12+20, 2+6+15+24], [4+10+21+32, 5+12+24+36]] + 0.5
** same, stride 1:   pad_total = (3-1)*1 + 2 - 3 = 1 -> 0 before, 1 after (bottom, right)
**                   y[0][2] = 3*1 + 6*3 = 21, y[1][2] = 6 + 27 = 33, y[2][0] = 7 + 16 = 23,
**                   y[2][1] = 8 + 18 = 26, y[2][2] = 9; plus 0.5
** same, stride 2:   out 2x2, pad_total = (2-1)*2 + 2 - 3 = 1 -> 0 before
**                   y = [[37, 21], [23, 9]] + 0.5 */
static void conv_by_hand(void)
{
    float xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, kv[4] = {1, 2, 3, 4};
    int stride[3] = {1, 1, 2};
    nn_padding pad[3] = {NN_PADDING_VALID, NN_PADDING_SAME, NN_PADDING_SAME};
    float want[3][9] = {
        {37, 47, 67, 77},
        {37, 47, 21, 67, 77, 33, 23, 26, 9},
        {37, 21, 23, 9},
    };
    int n_out[3] = {4, 9, 4};
    int xs[4] = {1, 3, 3, 1}, in[3] = {3, 3, 1};
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    for (int t = 0; t < 3; t++) {
        nn_conv2d_options o = nn_conv2d_defaults(1, 2, 2);
        o.strides[0] = o.strides[1] = stride[t];
        o.padding = pad[t];
        nn_layer *l = nn_conv2d_new(&o, &err);
        CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
        memcpy(nn_tensor_f32(l->params[0].value), kv, sizeof kv);
        nn_tensor_f32(l->params[1].value)[0] = 0.5f;
        nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, &err);
        memcpy(nn_tensor_f32(x), xv, sizeof xv);
        nn_tensor *y = t_forward(l, x, 0);
        CHECK((int)y->size == n_out[t]);
        for (int i = 0; i < n_out[t] && i < (int)y->size; i++)
            CHECK_NEAR(nn_tensor_f32(y)[i], want[t][i] + 0.5, 1e-5);
        nn_tensor_free(x);
        nn_tensor_free(y);
        nn_layer_free(l);
    }
}

/* A 2x2 kernel over a 2x2 input, valid, by hand: y = sum x w + b, so dL/dw = dy x,
** dL/dx = dy w, dL/db = dy with dy = 2. */
static void conv_backward_by_hand(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_conv2d_options o = nn_conv2d_defaults(1, 2, 2);
    nn_layer *l = nn_conv2d_new(&o, &err);
    int in[3] = {2, 2, 1}, xs[4] = {1, 2, 2, 1}, ys[4] = {1, 1, 1, 1};
    CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
    float kv[4] = {1, -2, 3, 0.5f}, xv[4] = {4, 5, -6, 7};
    memcpy(nn_tensor_f32(l->params[0].value), kv, sizeof kv);
    nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, &err), *dx = nn_tensor_new(NN_F32, 4, xs, &err);
    memcpy(nn_tensor_f32(x), xv, sizeof xv);
    nn_tensor *y = t_forward(l, x, 1), *dy = nn_tensor_new(NN_F32, 4, ys, &err);
    CHECK_NEAR(nn_tensor_f32(y)[0], 4 - 10 - 18 + 3.5, 1e-5);
    nn_tensor_f32(dy)[0] = 2.0f;
    const nn_tensor *xin = x;
    CHECK(l->ops->backward(l, &xin, y, dy, &dx, &err) == NN_OK);
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(nn_tensor_f32(l->params[0].grad)[i], 2 * xv[i], 1e-5);
        CHECK_NEAR(nn_tensor_f32(dx)[i], 2 * kv[i], 1e-5);
    }
    CHECK_NEAR(nn_tensor_f32(l->params[1].grad)[0], 2.0, 1e-6);
    nn_tensor_free(x);
    nn_tensor_free(dx);
    nn_tensor_free(y);
    nn_tensor_free(dy);
    nn_layer_free(l);
}

/* ------------------------------------------------------ finite differences */

static void conv_gradcheck(int B, int H, int W, int C, int KH, int KW, int S, int same, int F,
                           nn_activation_kind act, double step, double tol)
{
    geom g = make_geom(B, H, W, C, KH, KW, S, S, same, F);
    nn_rng rng;
    nn_rng_seed(&rng, (uint64_t)(17 + B + H + KH + S + same + act));
    nn_activation a = {act, act == NN_ACT_LEAKY_RELU ? 0.3f : act == NN_ACT_ELU ? 1.0f : 0.0f};
    nn_layer *l = conv_layer(&g, same, a, &rng);
    int xs[4] = {B, H, W, C};
    nn_tensor *x = t_randn(&rng, 4, xs);
    const nn_tensor *in = x;
    t_gradcheck(l, 1, &in, 1, step, tol);
    nn_tensor_free(x);
    nn_layer_free(l);
}

static void conv_gradients_match_finite_differences(void)
{
    /* h = 1e-2 keeps float rounding of the outputs small against the step (about
    ** 1e-4 relative); relu's kink needs a smaller step, which costs precision */
    conv_gradcheck(2, 5, 7, 3, 3, 3, 1, 0, 4, NN_ACT_LINEAR, 1e-2, 1e-2);
    conv_gradcheck(2, 5, 7, 3, 3, 3, 1, 1, 4, NN_ACT_TANH, 1e-2, 1e-2);
    conv_gradcheck(1, 5, 7, 2, 3, 3, 2, 0, 3, NN_ACT_SIGMOID, 1e-2, 1e-2);
    conv_gradcheck(1, 5, 7, 2, 2, 3, 2, 1, 3, NN_ACT_LINEAR, 1e-2, 1e-2);
    conv_gradcheck(3, 4, 4, 1, 1, 1, 1, 0, 2, NN_ACT_ELU, 1e-2, 1e-2);
    conv_gradcheck(2, 6, 5, 2, 3, 3, 1, 1, 2, NN_ACT_RELU, 1e-3, 3e-2);
    conv_gradcheck(1, 3, 3, 2, 3, 3, 3, 1, 2, NN_ACT_SOFTMAX, 1e-2, 1e-2);
}

/* ------------------------------------------------------------------ errors */

static void conv_errors_name_layer_and_shapes(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    nn_conv2d_options o = nn_conv2d_defaults(4, 5, 5);
    nn_layer *l = nn_conv2d_new(&o, &err);
    int small[3] = {3, 3, 1};
    CHECK(t_build(l, 3, small, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'conv2d' (Conv2D): kernel 5x5 is larger than its input 3x3x1 "
                   "with padding 'valid'");
    /* with 'same' padding the same kernel fits */
    nn_layer_free(l);
    o.padding = NN_PADDING_SAME;
    l = nn_conv2d_new(&o, &err);
    CHECK(t_build(l, 3, small, &rng, &err) == NN_OK);
    CHECK(l->out_shape.dim[0] == 3 && l->out_shape.dim[1] == 3 && l->out_shape.dim[2] == 4);
    nn_layer_free(l);

    o.padding = NN_PADDING_VALID;
    l = nn_conv2d_new(&o, &err);
    int flat[1] = {784};
    CHECK(t_build(l, 1, flat, &rng, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'conv2d' (Conv2D) expects input of shape (None, height, width, "
                   "channels), got (None, 784)");
    nn_layer_free(l);

    o = nn_conv2d_defaults(0, 3, 3);
    CHECK(nn_conv2d_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "Conv2D: filters must be a positive integer, not 0");
    o = nn_conv2d_defaults(2, 3, 0);
    CHECK(nn_conv2d_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "kernel_size must be positive, not (3, 0)");
    o = nn_conv2d_defaults(2, 3, 3);
    o.strides[0] = 0;
    CHECK(nn_conv2d_new(&o, &err) == NULL);
    CHECK_CONTAINS(err.msg, "strides must be positive, not (0, 1)");
    nn_padding p;
    CHECK(nn_padding_parse("full", &p, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "unknown padding 'full' (known: valid, same)");
}

/* Keras's shapes and parameter count for the course's CNN, through the model. */
static void conv_in_a_model(void)
{
    nn_error err;
    nn_model *m = nn_model_new(3, &err);
    nn_conv2d_options o = nn_conv2d_defaults(32, 3, 3);
    o.activation.kind = NN_ACT_RELU;
    nn_layer *l = nn_conv2d_new(&o, &err);
    l->input_hint = (nn_shape){3, {28, 28, 1}};
    CHECK(nn_model_add(m, l, &err) == NN_OK);
    o = nn_conv2d_defaults(64, 3, 3);
    o.strides[0] = o.strides[1] = 2;
    o.padding = NN_PADDING_SAME;
    CHECK(nn_model_add(m, nn_conv2d_new(&o, &err), &err) == NN_OK);
    nn_layer *c2 = nn_model_layer(m, 1);
    CHECK(c2 && c2->out_shape.dim[0] == 13 && c2->out_shape.dim[1] == 13);
    CHECK(strcmp(c2->name, "conv2d_1") == 0);
    CHECK(nn_model_param_count(m) == (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64));
    char buf[512];
    c2->ops->config(c2, buf, sizeof buf);
    CHECK_CONTAINS(buf, "\"filters\": 64, \"kernel_size\": [3, 3], \"strides\": [2, 2], "
                   "\"padding\": \"same\"");
    CHECK_CONTAINS(buf, "\"activation\": \"linear\", \"use_bias\": true");
    nn_model_free(m);
}

/* Glorot uniform with Keras's fans: limit sqrt(6 / (kh kw in + kh kw out)). */
static void conv_kernel_initializer_fans(void)
{
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 5);
    nn_conv2d_options o = nn_conv2d_defaults(16, 5, 5);
    nn_layer *l = nn_conv2d_new(&o, &err);
    int in[3] = {9, 9, 4};
    CHECK(t_build(l, 3, in, &rng, &err) == NN_OK);
    double limit = sqrt(6.0 / (5 * 5 * 4 + 5 * 5 * 16)), mx = 0.0;
    const nn_tensor *k = l->params[0].value;
    for (size_t i = 0; i < k->size; i++)
        mx = fmax(mx, fabs(nn_tensor_f32(k)[i]));
    CHECK(mx <= limit && mx > 0.9 * limit);
    CHECK(k->ndim == 4 && k->shape[0] == 5 && k->shape[1] == 5 && k->shape[2] == 4 &&
          k->shape[3] == 16);
    nn_layer_free(l);
}

void suite_conv2d(void)
{
    t_run("conv2d by hand (valid, same, stride 2)", conv_by_hand);
    t_run("conv2d backward by hand", conv_backward_by_hand);
    t_run("conv2d forward/backward vs naive loops", conv_matches_naive_loops);
    t_run("conv2d large batch in chunks vs naive loops", conv_large_batch_in_chunks);
    t_run("conv2d gradients vs finite differences", conv_gradients_match_finite_differences);
    t_run("conv2d errors name layer and shapes", conv_errors_name_layer_and_shapes);
    t_run("conv2d in a model: shapes, names, params, config", conv_in_a_model);
    t_run("conv2d glorot fans", conv_kernel_initializer_fans);
}
