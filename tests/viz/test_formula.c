/* tests/viz/test_formula.c — the formula panel: its typesetting, and that every
** number it shows is what the core computed. Tiny models with known weights are
** stepped stage by stage; the values the panel works out (viz_formula_values,
** and viz_formula_shown after a real snapshot) are compared with the trace and
** with the same quantities computed here by hand, in double, by naive loops. */
#include "tests/test.h"

#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nn/nn.h"
#include "nn/view.h"
#include "tests/viz/pixels.h"
#include "viz/formula.h"
#include "viz/formula_values.h"
#include "viz/text.h"
#include "viz/viz.h"

/* ------------------------------------------------------------ the models */

/* Dense(3 -> 2, relu), Dense(2 -> 2, softmax), categorical cross-entropy, Adam. */
static const float W1[3][2] = {{0.5f, -0.2f}, {0.1f, 0.3f}, {-0.4f, 0.6f}};
static const float B1[2] = {0.05f, -0.1f};
static const float W2[2][2] = {{0.7f, -0.5f}, {0.2f, 0.4f}};
static const float B2[2] = {0.0f, 0.1f};
static const float X[2][3] = {{1.0f, 2.0f, -1.0f}, {0.5f, -1.0f, 2.0f}};
static const float Y[2][2] = {{1.0f, 0.0f}, {0.0f, 1.0f}};

static nn_model *mlp(const char *optimizer)
{
    nn_error err;
    nn_model *m = nn_model_new(3, &err);
    nn_dense_options a = nn_dense_defaults(2), b = nn_dense_defaults(2);
    nn_activation_parse("relu", &a.activation, &err);
    nn_activation_parse("softmax", &b.activation, &err);
    nn_layer *l = nn_dense_new(&a, &err);
    l->input_hint = (nn_shape){1, {3}};
    nn_model_add(m, l, &err);
    nn_model_add(m, nn_dense_new(&b, &err), &err);
    nn_compile_options c = {0};
    nn_loss_parse("categorical_crossentropy", &c.loss, &err);
    c.optimizer = nn_optim_by_name(optimizer, &err);
    if (nn_model_compile(m, &c, &err) != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    float *w1 = nn_tensor_f32(nn_model_layer(m, 0)->params[0].value);
    float *b1 = nn_tensor_f32(nn_model_layer(m, 0)->params[1].value);
    float *w2 = nn_tensor_f32(nn_model_layer(m, 1)->params[0].value);
    float *b2 = nn_tensor_f32(nn_model_layer(m, 1)->params[1].value);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            w1[i * 2 + j] = W1[i][j];
    for (int j = 0; j < 2; j++) {
        b1[j] = B1[j];
        b2[j] = B2[j];
        for (int k = 0; k < 2; k++)
            w2[j * 2 + k] = W2[j][k];
    }
    return m;
}

static nn_tensor *batch_x(void)
{
    nn_error err;
    nn_tensor *x = nn_tensor_new2(2, 3, &err);
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 3; i++)
            nn_tensor_f32(x)[b * 3 + i] = X[b][i];
    return x;
}

static nn_tensor *batch_y(void)
{
    nn_error err;
    nn_tensor *y = nn_tensor_new2(2, 2, &err);
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 2; k++)
            nn_tensor_f32(y)[b * 2 + k] = Y[b][k];
    return y;
}

/* Everything about the MLP's step, by hand. */
typedef struct hand {
    double z1[2][2], a1[2][2], z2[2][2], p[2][2], loss[2], mean;
    double dz2[2][2], dw2[2][2], db2[2], da1[2][2], dz1[2][2], dw1[3][2], db1[2];
} hand;

static void by_hand(hand *h)
{
    memset(h, 0, sizeof *h);
    for (int b = 0; b < 2; b++) {
        for (int j = 0; j < 2; j++) {
            h->z1[b][j] = B1[j];
            for (int i = 0; i < 3; i++)
                h->z1[b][j] += (double)X[b][i] * W1[i][j];
            h->a1[b][j] = h->z1[b][j] > 0 ? h->z1[b][j] : 0.0;
        }
        double s = 0.0;
        for (int k = 0; k < 2; k++) {
            h->z2[b][k] = B2[k];
            for (int j = 0; j < 2; j++)
                h->z2[b][k] += h->a1[b][j] * W2[j][k];
            s += exp(h->z2[b][k]);
        }
        for (int k = 0; k < 2; k++) {
            h->p[b][k] = exp(h->z2[b][k]) / s;
            h->loss[b] -= Y[b][k] * log(h->p[b][k]);
            h->dz2[b][k] = (h->p[b][k] - Y[b][k]) / 2.0;
        }
        h->mean += h->loss[b] / 2.0;
    }
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < 2; k++) {
                h->dw2[j][k] += h->a1[b][j] * h->dz2[b][k];
                h->da1[b][j] += W2[j][k] * h->dz2[b][k];
            }
            h->dz1[b][j] = h->z1[b][j] > 0 ? h->da1[b][j] : 0.0;
            for (int i = 0; i < 3; i++)
                h->dw1[i][j] += X[b][i] * h->dz1[b][j];
            h->db1[j] += h->dz1[b][j];
            h->db2[j] += h->dz2[b][j];
        }
}

static int open_headless(void)
{
    viz_options o = viz_defaults();
    o.headless = 1;
    return viz_open(&o) == 0;
}

/* One stage of model:step, reported to the window as the REPL does. */
static nn_stage step(nn_model *m, nn_stepper *s, const nn_tensor *x, const nn_tensor *y)
{
    nn_stage st = {NN_STAGE_FORWARD, -1, 0.0};
    nn_error err;
    if (!CHECK(nn_step_next(m, s, x, y, &st, &err) == NN_OK))
        printf("  step: %s\n", err.msg);
    viz_set_stage(m, st.kind, st.node, s->active ? VIZ_STEP_UNDER_WAY : VIZ_STEP_DONE);
    return st;
}

static viz_fx_query query(int layer, int unit, int sample)
{
    viz_fx_query q = {layer, unit, sample, viz_stage_current(), -1, {-1, -1}};
    return q;
}

/* |got - want| within a float's rounding of the values involved. */
static double tol(double want)
{
    return 2e-6 * (fabs(want) + 1e-3);
}

/* --------------------------------------------------------- typesetting */

static void test_boxes_compose(void)
{
    viz_fbox x, xs, xp, fr, a, sum, hat, sq;
    CHECK(viz_formula_measure("x", 16, &x) == 0);
    CHECK(viz_formula_measure("x_i", 16, &xs) == 0);
    CHECK(viz_formula_measure("x^2", 16, &xp) == 0);
    CHECK(viz_formula_measure("\\frac{a}{b}", 16, &fr) == 0);
    CHECK(viz_formula_measure("a", 16, &a) == 0);
    CHECK(viz_formula_measure("\\sum_{i=1}^{784} x", 16, &sum) == 0);
    CHECK(viz_formula_measure("\\hat{m}", 16, &hat) == 0);
    CHECK(viz_formula_measure("\\sqrt{v}", 16, &sq) == 0);
    CHECK(xs.w > x.w && xs.desc > x.desc && xs.asc == x.asc);     /* a subscript hangs low */
    CHECK(xp.w > x.w && xp.asc >= x.asc);
    CHECK(fr.asc + fr.desc > a.asc + a.desc);                      /* stacked */
    CHECK(fr.desc > a.desc);
    CHECK(sum.asc > x.asc && sum.desc > x.desc);                   /* limits over and under */
    CHECK(sum.w > viz_text_width("784", 11, VIZ_MONO));
    CHECK(hat.w == viz_text_width("m", 16, VIZ_SANS));
    CHECK(sq.w > viz_text_width("v", 16, VIZ_SANS));
    /* a number is set in mono, a name in sans */
    viz_fbox n, w;
    CHECK(viz_formula_measure("0.41", 16, &n) == 0);
    CHECK(viz_formula_measure("w", 16, &w) == 0);
    CHECK(n.w == viz_text_width("0.41", 16, VIZ_MONO));
    CHECK(w.w == viz_text_width("w", 16, VIZ_SANS));
    /* scripts never below 11 px */
    viz_fbox deep;
    CHECK(viz_formula_measure("x_{a_{b}}", 12, &deep) == 0);
    CHECK(deep.w >= viz_text_width("x", 12, VIZ_SANS) + 2 * viz_text_width("a", 11, VIZ_SANS) - 2);
}

static void test_bad_markup_says_why(void)
{
    viz_fbox b;
    CHECK(viz_formula_measure("\\frac{a}", 16, &b) == -1);
    CHECK_CONTAINS(viz_error(), "argument");
    CHECK(viz_formula_measure("{x", 16, &b) == -1);
    CHECK_CONTAINS(viz_error(), "never closed");
    CHECK(viz_formula_measure("x}", 16, &b) == -1);
    CHECK_CONTAINS(viz_error(), "closes nothing");
    CHECK(viz_formula_measure("\\foo{x}", 16, &b) == -1);
    CHECK_CONTAINS(viz_error(), "unknown command");
    CHECK(viz_formula_measure("_i", 16, &b) == -1);
    CHECK_CONTAINS(viz_error(), "nothing before it");
    char big[6000];
    for (int i = 0; i < 1500; i++)
        memcpy(big + 4 * i, "x_i ", 4);
    big[5999] = '\0';
    CHECK(viz_formula_measure(big, 16, &b) == -1);
    CHECK_CONTAINS(viz_error(), "too long");
}

static void test_accent_and_soft_ink(void)
{
    viz_canvas c;
    if (!CHECK(viz_canvas_init_surface(&c, 300, 60) == 0))
        return;
    viz_canvas_begin(&c, viz_rgb(0xffffff));
    int w = viz_formula_draw(&c, "z = \\accent{0.41} + \\soft{77 more}", 10, 40, 16,
                             viz_rgb(0x000000));
    viz_canvas_end(&c);
    px_sync(&c);
    SDL_Rect box;
    CHECK(w > 0);
    CHECK(px_find(c.surface, (SDL_Rect){0, 0, 0, 0}, viz_rgb(VIZ_ACCENT), &box) > 5);
    CHECK(box.x > 10 + viz_text_width("z = ", 16, VIZ_SANS) - 2);
    CHECK(box.x + box.w <= 10 + w);
    CHECK(px_find(c.surface, (SDL_Rect){0, 0, 0, 0}, viz_rgb(VIZ_INK_SOFT), &box) > 5);
    viz_canvas_free(&c);
}

/* ------------------------------------------------------- the MLP, staged */

static void test_dense_forward_is_the_trace(void)
{
    nn_model *m = mlp("adam");
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = batch_y();
    nn_stepper s = {0};
    hand h;
    by_hand(&h);
    step(m, &s, x, y);                      /* forward through dense */
    viz_fx fx;
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < 2; j++) {
            viz_fx_query q = query(0, j, b);
            CHECK(viz_formula_values(m, &q, &fx) == 0);
            CHECK(fx.kind == VIZ_FX_DENSE_FORWARD);
            CHECK(fx.sum.n == 3 && fx.sum.shown == 3);
            CHECK(fx.z == nn_tensor_f32(nn_view_preact(m, 0))[b * 2 + j]);
            CHECK_NEAR(fx.z, h.z1[b][j], tol(h.z1[b][j]));
            CHECK_NEAR(fx.sum.total + fx.bias, h.z1[b][j], tol(h.z1[b][j]));
            CHECK(fx.bias == B1[j]);
            CHECK_NEAR(fx.a, h.a1[b][j], tol(h.a1[b][j]));
            /* the terms are w_i x_i, largest first */
            for (int k = 0; k < 3; k++) {
                int i = fx.sum.term[k].index[0];
                CHECK(fx.sum.term[k].a == W1[i][j] && fx.sum.term[k].b == X[b][i]);
                if (k > 0)
                    CHECK(fabs(fx.sum.term[k].value) <= fabs(fx.sum.term[k - 1].value));
            }
        }
    /* dense_1 has not run yet in this step */
    viz_fx_query q = query(1, 0, 0);
    CHECK(viz_formula_values(m, &q, &fx) == 1);
    CHECK(fx.kind == VIZ_FX_NONE);
    CHECK_CONTAINS(fx.why, "comes later in this step");
    step(m, &s, x, y);                      /* forward through dense_1: softmax */
    for (int k = 0; k < 2; k++) {
        q = query(1, k, 1);
        CHECK(viz_formula_values(m, &q, &fx) == 0);
        CHECK(fx.kind == VIZ_FX_DENSE_FORWARD);
        CHECK(fx.act.kind == NN_ACT_SOFTMAX);
        CHECK_NEAR(fx.z, h.z2[1][k], tol(h.z2[1][k]));
        CHECK_NEAR(fx.a, h.p[1][k], tol(h.p[1][k]));
        CHECK_NEAR(exp(fx.z - fx.softmax_max) / fx.softmax_denominator, h.p[1][k],
                   tol(h.p[1][k]));
    }
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void test_loss_and_its_gradient(void)
{
    nn_model *m = mlp("adam");
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = batch_y();
    nn_stepper s = {0};
    hand h;
    by_hand(&h);
    step(m, &s, x, y);
    step(m, &s, x, y);
    nn_stage st = step(m, &s, x, y);
    CHECK(st.kind == NN_STAGE_LOSS);
    viz_fx fx;
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 2; k++) {
            viz_fx_query q = query(1, k, b);
            CHECK(viz_formula_values(m, &q, &fx) == 0);
            CHECK(fx.kind == VIZ_FX_LOSS);
            CHECK(fx.fused && fx.classes == 2 && !fx.sparse);
            CHECK(fx.label == b);
            CHECK_NEAR(fx.sample_loss, h.loss[b], tol(h.loss[b]));
            CHECK_NEAR(fx.loss_mean, h.mean, tol(h.mean));
            CHECK_NEAR(fx.loss_core, st.loss, 1e-12);
            CHECK_NEAR(fx.loss_core, h.mean, tol(h.mean));
            CHECK(fx.batch_losses.n == 2 && fx.loss_terms.n == 2);
            /* the gradient at the output is (p - y) / B, the core's */
            CHECK_NEAR(fx.out_grad, h.dz2[b][k], tol(h.dz2[b][k]));
            CHECK(fx.out_grad == nn_tensor_f32(nn_view_grad(m, 1))[b * 2 + k]);
            CHECK_NEAR((fx.p_unit - fx.y_unit) / 2.0, fx.out_grad, tol(fx.out_grad));
        }
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void test_backward_chain_rule(void)
{
    nn_model *m = mlp("adam");
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = batch_y();
    nn_stepper s = {0};
    hand h;
    by_hand(&h);
    for (int k = 0; k < 4; k++)
        step(m, &s, x, y);                  /* ..., backward through dense_1 */
    viz_fx fx;
    const float *gw2 = nn_tensor_f32(nn_model_layer(m, 1)->params[0].grad);
    for (int k = 0; k < 2; k++) {
        viz_fx_query q = query(1, k, 0);
        CHECK(viz_formula_values(m, &q, &fx) == 0);
        CHECK(fx.kind == VIZ_FX_DENSE_BACKWARD);
        CHECK(fx.fused);
        CHECK_NEAR(fx.delta, h.dz2[0][k], tol(h.dz2[0][k]));
        int j = fx.w_index[0];
        CHECK(fx.w_index[1] == k);
        CHECK(fabs(h.dw2[j][k]) >= fabs(h.dw2[1 - j][k]));     /* the largest gradient */
        CHECK_NEAR(fx.dw, h.dw2[j][k], tol(h.dw2[j][k]));
        CHECK(fx.dw == gw2[j * 2 + k]);
        CHECK_NEAR(fx.wsum.total, fx.dw, tol(fx.dw));
        CHECK_NEAR(fx.db, h.db2[k], tol(h.db2[k]));
        CHECK_NEAR(fx.bsum.total, fx.db, tol(fx.db));
        CHECK(fx.next_name == NULL);
    }
    /* dense's backward comes next */
    viz_fx_query q = query(0, 0, 0);
    CHECK(viz_formula_values(m, &q, &fx) == 1);
    CHECK_CONTAINS(fx.why, "comes later");
    step(m, &s, x, y);                      /* backward through dense */
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < 2; j++) {
            q = query(0, j, b);
            CHECK(viz_formula_values(m, &q, &fx) == 0);
            CHECK(fx.kind == VIZ_FX_DENSE_BACKWARD);
            CHECK(!fx.fused);
            CHECK_NEAR(fx.dl_da, h.da1[b][j], tol(h.da1[b][j]));
            CHECK(fx.slope == (h.z1[b][j] > 0 ? 1.0 : 0.0));
            CHECK_NEAR(fx.delta, fx.dl_da * fx.slope, tol(fx.delta));
            CHECK_NEAR(fx.delta, h.dz1[b][j], tol(h.dz1[b][j]));
            int i = fx.w_index[0];
            CHECK_NEAR(fx.dw, h.dw1[i][j], tol(h.dw1[i][j]));
            CHECK_NEAR(fx.wsum.total, h.dw1[i][j], tol(h.dw1[i][j]));
            CHECK_NEAR(fx.db, h.db1[j], tol(h.db1[j]));
            CHECK(fx.next_name && strcmp(fx.next_name, nn_view_layer_name(m, 1)) == 0);
        }
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void test_adam_update_before_and_after(void)
{
    nn_model *m = mlp("adam");
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = batch_y();
    nn_stepper s = {0};
    hand h;
    by_hand(&h);
    for (int k = 0; k < 5; k++)
        step(m, &s, x, y);
    viz_select(0, 1);
    viz_fx fx;
    viz_fx_query q = query(0, 1, 0);
    CHECK(viz_formula_values(m, &q, &fx) == 0);          /* still the backward */
    CHECK(fx.kind == VIZ_FX_DENSE_BACKWARD);
    nn_stage st = step(m, &s, x, y);
    CHECK(st.kind == NN_STAGE_UPDATE);
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_UPDATE);
    CHECK(fx.before_kept);
    CHECK(fx.t == 1);
    int i = fx.w_index[0], j = fx.w_index[1];
    CHECK(j == 1);
    const nn_optimizer *o = nn_view_optimizer(m);
    double g = h.dw1[i][j], b1 = o->beta_1, b2 = o->beta_2, lr = o->learning_rate;
    double mm = (1.0 - b1) * g, vv = (1.0 - b2) * g * g;
    double want = W1[i][j] - lr * sqrt(1.0 - b2) / (1.0 - b1) * mm / (sqrt(vv) + o->epsilon);
    CHECK_NEAR(fx.g, g, tol(g));
    CHECK(fx.w_before == W1[i][j]);
    CHECK(fx.w_after == nn_tensor_f32(nn_model_layer(m, 0)->params[0].value)[i * 2 + j]);
    CHECK_NEAR(fx.w_after, want, 1e-6);
    CHECK_NEAR(fx.w_before + fx.step, fx.w_after, 1e-6);
    CHECK(fx.n_state == 2);
    CHECK(fx.state_before[0] == 0.0 && fx.state_before[1] == 0.0);
    CHECK_NEAR(fx.state_after[0], mm, tol(mm));
    CHECK_NEAR(fx.state_after[1], vv, tol(vv));
    CHECK_NEAR(fx.m_hat, mm / (1.0 - b1), tol(g));
    CHECK_NEAR(fx.v_hat, vv / (1.0 - b2), tol(g * g));
    CHECK_NEAR(fx.eps_hat, o->epsilon / sqrt(1.0 - b2), 1e-12);
    /* the rule as the panel writes it gives the same step */
    CHECK_NEAR(-lr * fx.m_hat / (sqrt(fx.v_hat) + fx.eps_hat), fx.step, 1e-9);
    /* a second step: the state carries over; the copy is the new "before" */
    for (int k = 0; k < 6; k++)
        step(m, &s, x, y);
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.t == 2 && fx.before_kept);
    CHECK(fx.w_index[0] == i);
    CHECK_NEAR(fx.state_before[0], mm, tol(mm));
    CHECK_NEAR(fx.state_after[0], b1 * mm + (1.0 - b1) * fx.g, tol(mm));
    CHECK_NEAR(fx.w_before + fx.step, fx.w_after, 1e-6);
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* An update inside a whole training step (fit, train_on_batch): no copy was
** taken, so the panel works the "before" back from the rule. */
static void test_update_worked_back_without_copy(void)
{
    const char *names[] = {"sgd", "adam", "rmsprop", "adagrad", "adadelta", "nadam", "adamax"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        nn_model *m = mlp(names[n]);
        if (!CHECK(m) || !CHECK(open_headless())) {
            nn_model_free(m);
            return;
        }
        if (strcmp(names[n], "sgd") == 0)
            m->optimizer->momentum = 0.9f;
        viz_set_model(m);
        nn_tensor *x = batch_x(), *y = batch_y();
        double r[NN_MAX_METRICS + 1];
        nn_error err;
        float before = 0.0f;
        viz_fx fx;
        for (int t = 0; t < 3; t++) {
            before = nn_tensor_f32(nn_model_layer(m, 1)->params[0].value)[0 * 2 + 1];
            CHECK(nn_model_train_on_batch(m, x, y, r, &err) == NN_OK);
            viz_set_stage(m, NN_STAGE_UPDATE, -1, VIZ_PASS);
        }
        viz_fx_query q = query(1, 1, 0);
        q.weight = 0;                       /* w[1, 2] of dense_1 */
        CHECK(viz_formula_values(m, &q, &fx) == 0);
        CHECK(fx.kind == VIZ_FX_UPDATE && !fx.before_kept);
        CHECK(fx.t == 3 && fx.w_index[0] == 0 && fx.w_index[1] == 1);
        CHECK(fx.w_after == nn_tensor_f32(nn_model_layer(m, 1)->params[0].value)[1]);
        if (!CHECK_NEAR(fx.w_before, before, 1e-6))
            printf("  optimizer %s\n", names[n]);
        viz_set_model(NULL);
        nn_tensor_free(x);
        nn_tensor_free(y);
        nn_model_free(m);
    }
}

static void test_sgd_momentum_by_hand(void)
{
    nn_model *m = mlp("sgd");
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    m->optimizer->momentum = 0.5f;
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = batch_y();
    nn_stepper s = {0};
    hand h;
    by_hand(&h);
    for (int k = 0; k < 6; k++)
        step(m, &s, x, y);
    viz_fx fx;
    viz_fx_query q = query(1, 0, 0);
    q.weight = 1;
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    double lr = m->optimizer->learning_rate, v = -lr * h.dw2[1][0];
    CHECK(fx.kind == VIZ_FX_UPDATE && fx.before_kept && fx.n_state == 1);
    CHECK(fx.state_before[0] == 0.0);
    CHECK_NEAR(fx.state_after[0], v, tol(v));
    CHECK_NEAR(fx.step, v, tol(v));
    CHECK(fx.w_before == W2[1][0]);
    CHECK_NEAR(fx.w_after, W2[1][0] + v, 1e-7);
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* ---------------------------------------------------- Conv2D and pooling */

/* (4, 4, 1) -> Conv2D(1 filter, 2x2) -> MaxPooling2D(2x2) -> Flatten -> Dense(1), MSE. */
static nn_model *cnn(void)
{
    nn_error err;
    nn_model *m = nn_model_new(5, &err);
    nn_shape in = {3, {4, 4, 1}};
    nn_model_set_input(m, 0, &in, &err);
    nn_conv2d_options c = nn_conv2d_defaults(1, 2, 2);
    nn_pool2d_options p = nn_pool2d_defaults(2, 2);
    nn_dense_options d = nn_dense_defaults(1);
    nn_model_add(m, nn_conv2d_new(&c, &err), &err);
    nn_model_add(m, nn_max_pooling2d_new(&p, &err), &err);
    nn_model_add(m, nn_flatten_new(&err), &err);
    nn_model_add(m, nn_dense_new(&d, &err), &err);
    nn_compile_options co = {0};
    nn_loss_parse("mse", &co.loss, &err);
    co.optimizer = nn_optim_by_name("sgd", &err);
    if (nn_model_compile(m, &co, &err) != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    float *k = nn_tensor_f32(nn_model_layer(m, 0)->params[0].value);
    const float kern[4] = {0.5f, -1.0f, 0.25f, 2.0f};
    for (int i = 0; i < 4; i++)
        k[i] = kern[i];
    nn_tensor_f32(nn_model_layer(m, 0)->params[1].value)[0] = 0.1f;
    nn_tensor_f32(nn_model_layer(m, 3)->params[0].value)[0] = 1.5f;
    return m;
}

static float img(int b, int r, int c)
{
    return (float)(((r * 4 + c) * 7 + b * 3) % 11) / 10.0f - 0.3f;
}

static void test_conv_window_and_pool_winner(void)
{
    nn_model *m = cnn();
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_error err;
    int dims[4] = {2, 4, 4, 1};
    nn_tensor *x = nn_tensor_new(NN_F32, 4, dims, &err), *y = nn_tensor_new2(2, 1, &err);
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 16; i++)
            nn_tensor_f32(x)[b * 16 + i] = img(b, i / 4, i % 4);
    nn_tensor_f32(y)[0] = 1.0f;
    CHECK(nn_model_forward(m, x, 1, &err) != NULL);
    viz_set_stage(m, NN_STAGE_FORWARD, 3, VIZ_PASS);
    const float kern[2][2] = {{0.5f, -1.0f}, {0.25f, 2.0f}};
    viz_fx fx;
    viz_fx_query q = query(0, 0, 1);
    q.pos[0] = 1;
    q.pos[1] = 2;
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_CONV_FORWARD);
    double z = 0.1;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            z += kern[i][j] * img(1, 1 + i, 2 + j);
    CHECK_NEAR(fx.z, z, tol(z));
    CHECK_NEAR(fx.sum.total + fx.bias, z, tol(z));
    CHECK(fx.sum.n == 4);
    CHECK(fx.field[0] == 1 && fx.field[1] == 2 && fx.field[2] == 2 && fx.field[3] == 2);
    CHECK(fx.win.kh == 2 && fx.win.oh == 3 && fx.win.ow == 3);
    /* max pooling over the conv output's top-left 2x2 window */
    const float *co = nn_tensor_f32(nn_view_output(m, 0)) + 9;
    int wr = 0, wc = 0;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++)
            if (co[r * 3 + c] > co[wr * 3 + wc])
                wr = r, wc = c;
    q = query(1, 0, 1);
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_POOL_FORWARD && fx.pool_max);
    CHECK(fx.pos[0] == 0 && fx.pos[1] == 0 && fx.pool_count == 4);
    CHECK(fx.winner[0] == wr && fx.winner[1] == wc);
    CHECK(fx.a == co[wr * 3 + wc]);
    /* Flatten says it has no formula */
    q = query(2, 0, 0);
    CHECK(viz_formula_values(m, &q, &fx) == 1);
    CHECK_CONTAINS(fx.why, "Flatten) has no formula");
    /* the backward: dL/dw of a kernel weight as the sum over batch and positions */
    CHECK(nn_model_backward(m, y, NULL, &err) == NN_OK);
    viz_set_stage(m, NN_STAGE_BACKWARD, 0, VIZ_PASS);
    q = query(0, 0, 0);
    q.weight = 3;                           /* w[2, 2] */
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_CONV_BACKWARD);
    CHECK(fx.w_index[0] == 1 && fx.w_index[1] == 1);
    const float *dz = nn_tensor_f32(nn_view_grad(m, 0));
    double dw = 0.0, db = 0.0;
    for (int b = 0; b < 2; b++)
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) {
                dw += dz[b * 9 + r * 3 + c] * img(b, r + 1, c + 1);
                db += dz[b * 9 + r * 3 + c];
            }
    CHECK_NEAR(fx.dw, dw, tol(dw));
    CHECK_NEAR(fx.wsum.total, dw, tol(dw));
    CHECK(fx.dw == nn_tensor_f32(nn_model_layer(m, 0)->params[0].grad)[3]);
    CHECK_NEAR(fx.db, db, tol(db));
    CHECK(fx.wsum.n == 18);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void test_mse_loss_terms(void)
{
    nn_model *m = cnn();
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_error err;
    int dims[4] = {2, 4, 4, 1};
    nn_tensor *x = nn_tensor_new(NN_F32, 4, dims, &err), *y = nn_tensor_new2(2, 1, &err);
    for (int i = 0; i < 32; i++)
        nn_tensor_f32(x)[i] = img(i / 16, i % 16 / 4, i % 4);
    nn_tensor_f32(y)[0] = 1.0f;
    nn_tensor_f32(y)[1] = -0.5f;
    nn_stepper s = {0};
    for (int k = 0; k < 5; k++)
        step(m, &s, x, y);                  /* 4 forwards, the loss */
    const float *p = nn_tensor_f32(nn_view_output(m, 3));
    viz_fx fx;
    viz_fx_query q = query(3, 0, 1);
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_LOSS && !fx.fused);
    double l0 = (p[0] - 1.0) * (p[0] - 1.0), l1 = (p[1] + 0.5) * (p[1] + 0.5);
    CHECK_NEAR(fx.sample_loss, l1, tol(l1));
    CHECK_NEAR(fx.loss_mean, (l0 + l1) / 2.0, tol(l0));
    CHECK_NEAR(fx.out_grad, 2.0 * (p[1] + 0.5) / 2.0, tol(p[1]));
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* Dense -> Activation(tanh) -> Dense(1) -> Activation(sigmoid), binary
** cross-entropy: activation layers, and the sigmoid folded into the loss. */
static void test_activation_layers(void)
{
    nn_error err;
    nn_model *m = nn_model_new(11, &err);
    nn_activation tanh_act, sig;
    nn_activation_parse("tanh", &tanh_act, &err);
    nn_activation_parse("sigmoid", &sig, &err);
    nn_dense_options a = nn_dense_defaults(2), b = nn_dense_defaults(1);
    nn_layer *l = nn_dense_new(&a, &err);
    l->input_hint = (nn_shape){1, {3}};
    nn_model_add(m, l, &err);
    nn_model_add(m, nn_activation_layer_new(tanh_act, &err), &err);
    nn_model_add(m, nn_dense_new(&b, &err), &err);
    nn_model_add(m, nn_activation_layer_new(sig, &err), &err);
    nn_compile_options c = {0};
    nn_loss_parse("binary_crossentropy", &c.loss, &err);
    c.optimizer = nn_optim_by_name("sgd", &err);
    if (!CHECK(nn_model_compile(m, &c, &err) == NN_OK) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = nn_tensor_new2(2, 1, &err);
    nn_tensor_f32(y)[0] = 1.0f;
    nn_stepper s = {0};
    for (int k = 0; k < 5; k++)
        step(m, &s, x, y);                  /* 4 forwards, the loss */
    viz_fx fx;
    viz_fx_query q = query(3, 0, 1);
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_LOSS && fx.fused);
    const float *z3 = nn_tensor_f32(nn_view_output(m, 2));
    double p = 1.0 / (1.0 + exp(-z3[1]));
    double bce = -log(1.0 - p);             /* y = 0 for sample 2 */
    CHECK_NEAR(fx.sample_loss, bce, tol(bce));
    CHECK_NEAR(fx.out_grad, (p - 0.0) / 2.0, tol(p));
    step(m, &s, x, y);                      /* backward through the sigmoid */
    q = query(1, 1, 0);                     /* the tanh's comes later */
    CHECK(viz_formula_values(m, &q, &fx) == 1);
    CHECK_CONTAINS(fx.why, "comes later");
    step(m, &s, x, y);                      /* backward through dense_1 */
    step(m, &s, x, y);                      /* backward through the tanh */
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < 2; j++) {
            q = query(1, j, b);
            CHECK(viz_formula_values(m, &q, &fx) == 0);
            CHECK(fx.kind == VIZ_FX_ACT_BACKWARD);
            double zz = nn_tensor_f32(nn_view_output(m, 0))[b * 2 + j];
            double dl_da = nn_tensor_f32(nn_view_grad(m, 1))[b * 2 + j];
            double want = dl_da * (1.0 - tanh(zz) * tanh(zz));
            CHECK_NEAR(fx.z, zz, 1e-7);
            CHECK_NEAR(fx.dl_da, dl_da, 1e-12);
            CHECK_NEAR(fx.delta, want, tol(want));
            CHECK_NEAR(fx.delta, fx.dl_da * fx.slope, tol(want));
        }
    nn_step_reset(&s);
    nn_model_forward(m, x, 0, &err);
    viz_set_stage(m, NN_STAGE_FORWARD, 3, VIZ_PASS);
    q = query(1, 0, 1);
    CHECK(viz_formula_values(m, &q, &fx) == 0);
    CHECK(fx.kind == VIZ_FX_ACT_FORWARD);
    CHECK_NEAR(fx.a, tanh(fx.z), 1e-6);
    viz_set_model(NULL);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

/* ------------------------------------------------------------ the window */

static SDL_Surface *shot(const char *panel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/nnscope-formula-%d.png", getenv("TMPDIR") ? getenv("TMPDIR")
             : "/tmp", (int)getpid());
    if (viz_snapshot(path, panel) != 0) {
        printf("  snapshot: %s\n", viz_error());
        return NULL;
    }
    SDL_Surface *s = IMG_Load(path), *rgba = NULL;
    if (s)
        rgba = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(s);
    remove(path);
    return rgba;
}

static void test_panel_shows_what_it_computed(void)
{
    nn_model *m = mlp("adam");
    if (!CHECK(m) || !CHECK(open_headless())) {
        nn_model_free(m);
        return;
    }
    viz_set_model(m);
    nn_tensor *x = batch_x(), *y = batch_y();
    nn_stepper s = {0};
    hand h;
    by_hand(&h);
    step(m, &s, x, y);
    viz_select(0, 0);
    viz_select_sample(0);
    SDL_Surface *img1 = shot("formula");
    const viz_fx *shown = viz_formula_shown();
    CHECK(img1 != NULL);
    CHECK(shown && shown->kind == VIZ_FX_DENSE_FORWARD);
    if (shown) {
        CHECK(shown->layer == 0 && shown->unit == 0 && shown->sample == 0);
        CHECK_NEAR(shown->z, h.z1[0][0], tol(h.z1[0][0]));
    }
    /* the panel draws formulas: dark ink in its upper half */
    if (img1)
        CHECK(px_count_not(img1, (SDL_Rect){20, 60, 600, 200}, viz_rgb(0xffffff), 60) > 400);
    SDL_FreeSurface(img1);
    /* the network panel outlines the layer being computed, in the accent colour */
    SDL_Surface *net = shot("network");
    SDL_Rect box;
    if (CHECK(net)) {
        int n = px_find(net, (SDL_Rect){0, 0, 0, 0}, viz_rgb(VIZ_ACCENT), &box);
        CHECK(n > 200);
        CHECK(box.h > 300);                 /* a column, not only a node ring */
    }
    SDL_FreeSurface(net);
    for (int k = 0; k < 5; k++)
        step(m, &s, x, y);
    SDL_Surface *img2 = shot("formula");
    shown = viz_formula_shown();
    CHECK(shown && shown->kind == VIZ_FX_UPDATE && shown->before_kept);
    SDL_FreeSurface(img2);
    nn_step_reset(&s);
    viz_set_model(NULL);
    nn_step_reset(&s);
    nn_tensor_free(x);
    nn_tensor_free(y);
    nn_model_free(m);
}

static void test_keys_panel_and_stage(void)
{
    if (!CHECK(open_headless()))
        return;
    nn_model *m = mlp("sgd");
    viz_set_model(m);
    viz_take_step_request();
    viz_key(SDLK_8, 0);
    CHECK(viz_current_panel() == 7);
    CHECK(strcmp(viz_panel_name(7), "formula") == 0);
    CHECK(viz_set_panel("formula") == 0);
    viz_key(SDLK_PERIOD, 0);
    CHECK(viz_take_step_request() == 1);
    CHECK(viz_take_step_request() == 0);
    CHECK(viz_set_panel("formulas") == -1);
    CHECK_CONTAINS(viz_error(), "formula)");
    viz_set_panel("dashboard");
    /* no forward yet: the panel says how to start */
    viz_fx fx;
    viz_fx_query q = query(0, 0, 0);
    CHECK(viz_formula_values(m, &q, &fx) == 1);
    CHECK_CONTAINS(fx.why, "model:step(x, y)");
    viz_set_model(NULL);
    nn_model_free(m);
}

void suite_viz_formula(void)
{
    t_run("formula: boxes compose (scripts, fractions, sums, hats, roots)", test_boxes_compose);
    t_run("formula: bad markup says why", test_bad_markup_says_why);
    t_run("formula: accent and soft ink", test_accent_and_soft_ink);
    t_run("formula: Dense forward equals the trace and the hand sum",
          test_dense_forward_is_the_trace);
    t_run("formula: loss terms, batch mean and output gradient", test_loss_and_its_gradient);
    t_run("formula: backward chain rule, dL/dw and dL/db", test_backward_chain_rule);
    t_run("formula: Adam update before and after", test_adam_update_before_and_after);
    t_run("formula: updates inside fit worked back for every optimizer",
          test_update_worked_back_without_copy);
    t_run("formula: SGD momentum by hand", test_sgd_momentum_by_hand);
    t_run("formula: Conv2D window, pooling winner, Flatten, conv gradient",
          test_conv_window_and_pool_winner);
    t_run("formula: MSE loss terms", test_mse_loss_terms);
    t_run("formula: activation layers, sigmoid folded into the loss", test_activation_layers);
    t_run("formula: the panel shows what it computed; network outlines the stage",
          test_panel_shows_what_it_computed);
    t_run("formula: keys 8 and . ; no forward yet", test_keys_panel_and_stage);
    viz_close();
}
