/* tests/c/test_optim.c — every optimizer against values worked out independently.
**
** Three kinds of evidence:
**   - SGD and Adam: two steps whose numbers are worked out by hand in the comments.
**   - Every optimizer and variant: three steps on two parameters (3 + 2 values)
**     from fixed gradients, with the learning rate changed between steps, against
**     a reference written here in double precision, line by line from the
**     formulas of Keras 3's update_step (keras/src/optimizers/<name>.py). Each is
**     run with Keras's defaults (from zero weights, so that tiny steps still
**     show) and with non-default hyperparameters chosen so that every term
**     (epsilon included) changes the result.
**   - Numbers that Keras itself produced, quoted from its own test suite
**     (keras/src/optimizers/<name>_test.py: test_single_step and
**     test_correctness_with_golden), with the tolerances Keras uses there.
*/
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

/* ------------------------------------------------------------- helpers */

enum { N0 = 3, N1 = 2, N = N0 + N1, STEPS = 3 };

/* Two trainable parameters (3 and 2 values) and a frozen one (2 values). */
typedef struct rig {
    nn_param p[3];
    nn_param *list[3];
} rig;

static void rig_init(rig *r, const double *w0)
{
    int sizes[3] = {N0, N1, 2};
    memset(r, 0, sizeof *r);
    for (int k = 0; k < 3; k++) {
        r->p[k].value = nn_tensor_new1(sizes[k], NULL);
        r->p[k].grad = nn_tensor_new1(sizes[k], NULL);
        r->p[k].trainable = k < 2;
        r->list[k] = &r->p[k];
    }
    for (int i = 0; i < N0; i++)
        nn_tensor_f32(r->p[0].value)[i] = (float)w0[i];
    for (int i = 0; i < N1; i++)
        nn_tensor_f32(r->p[1].value)[i] = (float)w0[N0 + i];
    nn_tensor_f32(r->p[2].value)[0] = 3.0f;
    nn_tensor_f32(r->p[2].value)[1] = -3.0f;
}

static void rig_set_grad(rig *r, const double *g)
{
    for (int i = 0; i < N0; i++)
        nn_tensor_f32(r->p[0].grad)[i] = (float)g[i];
    for (int i = 0; i < N1; i++)
        nn_tensor_f32(r->p[1].grad)[i] = (float)g[N0 + i];
    nn_tensor_f32(r->p[2].grad)[0] = 1.0f;
    nn_tensor_f32(r->p[2].grad)[1] = 1.0f;
}

static double rig_get(const rig *r, int i)
{
    return i < N0 ? nn_tensor_f32(r->p[0].value)[i] : nn_tensor_f32(r->p[1].value)[i - N0];
}

static void rig_free(rig *r)
{
    for (int k = 0; k < 3; k++) {
        nn_tensor_free(r->p[k].value);
        nn_tensor_free(r->p[k].grad);
    }
}

/* One parameter of n values, for the tests quoted from Keras. */
static nn_param *param_new(int n, const float *w)
{
    nn_param *p = calloc(1, sizeof *p);
    p->value = nn_tensor_new1(n, NULL);
    p->grad = nn_tensor_new1(n, NULL);
    p->trainable = 1;
    memcpy(nn_tensor_f32(p->value), w, (size_t)n * sizeof *w);
    return p;
}

static void param_free(nn_param *p)
{
    nn_tensor_free(p->value);
    nn_tensor_free(p->grad);
    free(p);
}

/* --------------------------------------------- SGD and Adam, worked by hand */

static void sgd_two_steps_by_hand(void)
{
    nn_error err;
    nn_optimizer *o = nn_optim_new(NN_OPT_SGD, &err);
    float w0[2] = {1.0f, -2.0f};
    nn_param *p = param_new(2, w0);
    nn_param *list[1] = {p};
    float *w = nn_tensor_f32(p->value), *g = nn_tensor_f32(p->grad);
    o->learning_rate = 0.1f;
    /* w -= lr g:  1 - 0.1 * 0.5 = 0.95;  -2 - 0.1 * (-1) = -1.9 */
    g[0] = 0.5f;
    g[1] = -1.0f;
    CHECK(nn_optim_step(o, list, 1, &err) == NN_OK);
    CHECK_NEAR(w[0], 0.95, 1e-6);
    CHECK_NEAR(w[1], -1.9, 1e-6);
    /* learning rate now 0.2:  0.95 - 0.2 * 1 = 0.75;  -1.9 - 0.2 * 0 = -1.9 */
    o->learning_rate = 0.2f;
    g[0] = 1.0f;
    g[1] = 0.0f;
    CHECK(nn_optim_step(o, list, 1, &err) == NN_OK);
    CHECK_NEAR(w[0], 0.75, 1e-6);
    CHECK_NEAR(w[1], -1.9, 1e-6);
    nn_optim_free(o);
    param_free(p);
}

static void sgd_momentum_two_steps_by_hand(void)
{
    nn_error err;
    for (int nesterov = 0; nesterov <= 1; nesterov++) {
        nn_optimizer *o = nn_optim_new(NN_OPT_SGD, &err);
        float w0[1] = {1.0f};
        nn_param *p = param_new(1, w0);
        nn_param *list[1] = {p};
        o->learning_rate = 0.1f;
        o->momentum = 0.9f;
        o->nesterov = nesterov;
        nn_tensor_f32(p->grad)[0] = 0.5f;
        /* v1 = 0.9 * 0 - 0.1 * 0.5 = -0.05
        ** plain:    w = 1 + v1 = 0.95
        ** nesterov: w = 1 + 0.9 * (-0.05) - 0.05 = 0.905 */
        CHECK(nn_optim_step(o, list, 1, &err) == NN_OK);
        CHECK_NEAR(nn_tensor_f32(p->value)[0], nesterov ? 0.905 : 0.95, 1e-6);
        /* v2 = 0.9 * (-0.05) - 0.05 = -0.095
        ** plain:    w = 0.95 - 0.095 = 0.855
        ** nesterov: w = 0.905 + 0.9 * (-0.095) - 0.05 = 0.7695 */
        CHECK(nn_optim_step(o, list, 1, &err) == NN_OK);
        CHECK_NEAR(nn_tensor_f32(p->value)[0], nesterov ? 0.7695 : 0.855, 1e-6);
        nn_optim_free(o);
        param_free(p);
    }
}

static void adam_two_steps_by_hand(void)
{
    nn_error err;
    nn_optimizer *o = nn_optim_new(NN_OPT_ADAM, &err);   /* lr 0.001, 0.9, 0.999, 1e-7 */
    float w0[2] = {1.0f, 1.0f};
    nn_param *p = param_new(2, w0);
    nn_param *list[1] = {p};
    float *w = nn_tensor_f32(p->value), *g = nn_tensor_f32(p->grad);
    /* step 1, g = 0.5 for both:
    **   m = 0.1 * 0.5 = 0.05;  v = 0.001 * 0.25 = 0.00025;  sqrt(v) = 0.0158114
    **   alpha = 0.001 * sqrt(1 - 0.999) / (1 - 0.9) = 0.000316228
    **   w = 1 - 0.000316228 * 0.05 / (0.0158114 + 1e-7) = 1 - 0.000999994 = 0.999000006 */
    g[0] = g[1] = 0.5f;
    CHECK(nn_optim_step(o, list, 1, &err) == NN_OK);
    CHECK_NEAR(w[0], 0.999000006, 2e-7);
    CHECK_NEAR(w[1], 0.999000006, 2e-7);
    /* step 2, g = 0.5 for w[0], -0.5 for w[1]:
    **   v = 0.999 * 0.00025 + 0.001 * 0.25 = 0.00049975;  sqrt(v) = 0.0223551
    **   alpha = 0.001 * sqrt(1 - 0.998001) / (1 - 0.81) = 0.000235317
    **   w[0]: m = 0.9 * 0.05 + 0.05 = 0.095
    **         w = 0.999000006 - 0.000235317 * 0.095 / 0.0223552 = 0.998000010
    **   w[1]: m = 0.9 * 0.05 - 0.05 = -0.005
    **         w = 0.999000006 + 0.000235317 * 0.005 / 0.0223552 = 0.999052638 */
    g[1] = -0.5f;
    CHECK(nn_optim_step(o, list, 1, &err) == NN_OK);
    CHECK_NEAR(w[0], 0.998000010, 2e-7);
    CHECK_NEAR(w[1], 0.999052638, 2e-7);
    nn_optim_free(o);
    param_free(p);
}

/* -------------------------------------- three steps against a reference */

/* The hyperparameters a case sets, and the reference's copy of them. */
typedef struct hyper {
    double lr;              /* step k uses lr * lr_scale[k] */
    double momentum;
    int nesterov, amsgrad, centered;
    double rho, b1, b2, eps, init_acc;
    int set_all;            /* 0: leave rho, betas, epsilon, init to nn_optim_new's defaults */
} hyper;

static const double lr_scale[STEPS] = {1.0, 0.5, 2.0};

static const double grads[STEPS][N] = {
    {0.3, -0.2, 1.0, 0.05, -2.0},
    {-0.1, -0.4, 0.5, 0.05, 0.3},
    {0.6, 0.0, -0.8, -0.02, 1.0},
};

static const double w_tuned[N] = {0.5, -1.0, 2.0, 1.5, -0.25};
static const double w_zero[N] = {0, 0, 0, 0, 0};

typedef struct ref_state { double s[3][N]; double mu_product; } ref_state;

/* One step of the reference rule for all N values; t is 1-based. */
typedef void (*ref_step)(const hyper *h, double lr, long t, const double *g, double *w,
                         ref_state *st);

static void ref_sgd(const hyper *h, double lr, long t, const double *g, double *w,
                    ref_state *st)
{
    (void)t;
    double *velocity = st->s[0];
    for (int i = 0; i < N; i++) {
        if (h->momentum == 0.0) {
            w[i] = w[i] - lr * g[i];
            continue;
        }
        velocity[i] = h->momentum * velocity[i] - lr * g[i];
        if (h->nesterov)
            w[i] = w[i] + h->momentum * velocity[i] - lr * g[i];
        else
            w[i] = w[i] + velocity[i];
    }
}

static void ref_rmsprop(const hyper *h, double lr, long t, const double *g, double *w,
                        ref_state *st)
{
    (void)t;
    double *mean_square = st->s[0], *moment = st->s[1], *mean_grad = st->s[2];
    for (int i = 0; i < N; i++) {
        mean_square[i] = h->rho * mean_square[i] + (1 - h->rho) * g[i] * g[i];
        double denominator;
        if (h->centered) {
            mean_grad[i] = h->rho * mean_grad[i] + (1 - h->rho) * g[i];
            denominator = mean_square[i] - mean_grad[i] * mean_grad[i] + h->eps;
        } else {
            denominator = mean_square[i] + h->eps;
        }
        double increment = lr * g[i] / sqrt(denominator);
        if (h->momentum > 0) {
            moment[i] = h->momentum * moment[i] + increment;
            w[i] = w[i] - moment[i];
        } else {
            w[i] = w[i] - increment;
        }
    }
}

static void ref_adagrad(const hyper *h, double lr, long t, const double *g, double *w,
                        ref_state *st)
{
    double *accumulator = st->s[0];
    for (int i = 0; i < N; i++) {
        if (t == 1)
            accumulator[i] = h->init_acc;
        accumulator[i] = accumulator[i] + g[i] * g[i];
        w[i] = w[i] - lr * g[i] / sqrt(accumulator[i] + h->eps);
    }
}

static void ref_adadelta(const hyper *h, double lr, long t, const double *g, double *w,
                         ref_state *st)
{
    (void)t;
    double *acc_grad = st->s[0], *acc_delta = st->s[1];
    for (int i = 0; i < N; i++) {
        acc_grad[i] = h->rho * acc_grad[i] + (1 - h->rho) * g[i] * g[i];
        double rms_delta = sqrt(acc_delta[i] + h->eps);
        double rms_grad = sqrt(acc_grad[i] + h->eps);
        double delta = -rms_delta / rms_grad * g[i];
        acc_delta[i] = h->rho * acc_delta[i] + (1 - h->rho) * delta * delta;
        w[i] = w[i] + lr * delta;
    }
}

static void ref_adam(const hyper *h, double lr, long t, const double *g, double *w,
                     ref_state *st)
{
    double *m = st->s[0], *v = st->s[1], *v_max = st->s[2];
    double alpha = lr * sqrt(1 - pow(h->b2, t)) / (1 - pow(h->b1, t));
    for (int i = 0; i < N; i++) {
        m[i] = h->b1 * m[i] + (1 - h->b1) * g[i];
        v[i] = h->b2 * v[i] + (1 - h->b2) * g[i] * g[i];
        double v_used = v[i];
        if (h->amsgrad) {
            if (v[i] > v_max[i])
                v_max[i] = v[i];
            v_used = v_max[i];
        }
        w[i] = w[i] - alpha * m[i] / (sqrt(v_used) + h->eps);
    }
}

static void ref_nadam(const hyper *h, double lr, long t, const double *g, double *w,
                      ref_state *st)
{
    double *m = st->s[0], *v = st->s[1];
    double u_t = h->b1 * (1 - 0.5 * pow(0.96, t));
    double u_next = h->b1 * (1 - 0.5 * pow(0.96, t + 1));
    if (t == 1)
        st->mu_product = 1.0;
    st->mu_product = st->mu_product * u_t;
    double product_t = st->mu_product, product_next = st->mu_product * u_next;
    for (int i = 0; i < N; i++) {
        m[i] = h->b1 * m[i] + (1 - h->b1) * g[i];
        v[i] = h->b2 * v[i] + (1 - h->b2) * g[i] * g[i];
        double m_hat = u_next * m[i] / (1 - product_next) + (1 - u_t) * g[i] / (1 - product_t);
        double v_hat = v[i] / (1 - pow(h->b2, t));
        w[i] = w[i] - lr * m_hat / (sqrt(v_hat) + h->eps);
    }
}

static void ref_adamax(const hyper *h, double lr, long t, const double *g, double *w,
                       ref_state *st)
{
    double *m = st->s[0], *u = st->s[1];
    for (int i = 0; i < N; i++) {
        m[i] = h->b1 * m[i] + (1 - h->b1) * g[i];
        u[i] = fmax(h->b2 * u[i], fabs(g[i]));
        double current_lr = lr / (1 - pow(h->b1, t));
        w[i] = w[i] - current_lr * m[i] / (u[i] + h->eps);
    }
}

/* Run the library and the reference side by side; compare after every step.
** rel/abs: the tolerance |got - want| <= rel |want| + abs. */
static void compare_three_steps(nn_optim_kind kind, const hyper *h, ref_step ref,
                                const double *w0, double rel, double abs_tol)
{
    nn_error err;
    nn_optimizer *o = nn_optim_new(kind, &err);
    o->momentum = (float)h->momentum;
    o->nesterov = h->nesterov;
    o->amsgrad = h->amsgrad;
    o->centered = h->centered;
    if (h->set_all) {
        o->rho = (float)h->rho;
        o->beta_1 = (float)h->b1;
        o->beta_2 = (float)h->b2;
        o->epsilon = (float)h->eps;
        o->initial_accumulator_value = (float)h->init_acc;
    }
    rig r;
    rig_init(&r, w0);
    double want[N];
    memcpy(want, w0, sizeof want);
    ref_state st;
    memset(&st, 0, sizeof st);
    for (int k = 0; k < STEPS; k++) {
        double lr = h->lr * lr_scale[k];
        o->learning_rate = (float)lr;
        rig_set_grad(&r, grads[k]);
        CHECK(nn_optim_step(o, r.list, 3, &err) == NN_OK);
        ref(h, (double)(float)lr, k + 1, grads[k], want, &st);
        for (int i = 0; i < N; i++)
            CHECK_NEAR(rig_get(&r, i), want[i], rel * fabs(want[i]) + abs_tol);
        CHECK(fabs(rig_get(&r, 0) - w0[0]) > 1e-9);     /* it did move */
    }
    CHECK(nn_tensor_f32(r.p[2].value)[0] == 3.0f);     /* the frozen one did not */
    CHECK(nn_tensor_f32(r.p[2].value)[1] == -3.0f);
    CHECK(o->iterations == STEPS);
    rig_free(&r);
    nn_optim_free(o);
}

/* Keras's defaults, as the reference has them (not read from the library). */
static hyper keras_defaults(nn_optim_kind kind)
{
    hyper h = {0};
    h.lr = kind == NN_OPT_SGD ? 0.01 : 0.001;
    h.rho = kind == NN_OPT_ADADELTA ? 0.95 : 0.9;
    h.b1 = 0.9;
    h.b2 = 0.999;
    h.eps = 1e-7;
    h.init_acc = 0.1;
    return h;
}

/* The same case twice: Keras's defaults from zero weights, then `tuned`. */
static void both_ways(nn_optim_kind kind, hyper flags, hyper tuned, ref_step ref)
{
    hyper d = keras_defaults(kind);
    d.momentum = flags.momentum;
    d.nesterov = flags.nesterov;
    d.amsgrad = flags.amsgrad;
    d.centered = flags.centered;
    compare_three_steps(kind, &d, ref, w_zero, 2e-5, 1e-10);
    tuned.momentum = flags.momentum;
    tuned.nesterov = flags.nesterov;
    tuned.amsgrad = flags.amsgrad;
    tuned.centered = flags.centered;
    tuned.set_all = 1;
    compare_three_steps(kind, &tuned, ref, w_tuned, 1e-5, 1e-6);
}

static void sgd_plain_three_steps(void)
{
    both_ways(NN_OPT_SGD, (hyper){0}, (hyper){.lr = 0.1}, ref_sgd);
}

static void sgd_momentum_three_steps(void)
{
    both_ways(NN_OPT_SGD, (hyper){.momentum = 0.9}, (hyper){.lr = 0.1}, ref_sgd);
}

static void sgd_nesterov_three_steps(void)
{
    both_ways(NN_OPT_SGD, (hyper){.momentum = 0.9, .nesterov = 1}, (hyper){.lr = 0.1}, ref_sgd);
}

static const hyper rmsprop_tuned = {.lr = 0.1, .rho = 0.8, .eps = 1e-2};

static void rmsprop_three_steps(void)
{
    both_ways(NN_OPT_RMSPROP, (hyper){0}, rmsprop_tuned, ref_rmsprop);
}

static void rmsprop_momentum_three_steps(void)
{
    both_ways(NN_OPT_RMSPROP, (hyper){.momentum = 0.5}, rmsprop_tuned, ref_rmsprop);
}

static void rmsprop_centered_three_steps(void)
{
    both_ways(NN_OPT_RMSPROP, (hyper){.centered = 1}, rmsprop_tuned, ref_rmsprop);
}

static void rmsprop_centered_momentum_three_steps(void)
{
    both_ways(NN_OPT_RMSPROP, (hyper){.momentum = 0.5, .centered = 1}, rmsprop_tuned,
              ref_rmsprop);
}

static void adagrad_three_steps(void)
{
    both_ways(NN_OPT_ADAGRAD, (hyper){0}, (hyper){.lr = 0.1, .init_acc = 0.2, .eps = 1e-2},
              ref_adagrad);
}

static void adadelta_three_steps(void)
{
    both_ways(NN_OPT_ADADELTA, (hyper){0}, (hyper){.lr = 1.0, .rho = 0.7, .eps = 1e-3},
              ref_adadelta);
}

static const hyper adam_like_tuned = {.lr = 0.1, .b1 = 0.8, .b2 = 0.9, .eps = 1e-3};

static void adam_three_steps(void)
{
    both_ways(NN_OPT_ADAM, (hyper){0}, adam_like_tuned, ref_adam);
}

/* The last value's gradients (-2, 0.3, 1) make v shrink after step 1, so the
** running maximum is what divides. */
static void adam_amsgrad_three_steps(void)
{
    both_ways(NN_OPT_ADAM, (hyper){.amsgrad = 1}, adam_like_tuned, ref_adam);
}

static void nadam_three_steps(void)
{
    both_ways(NN_OPT_NADAM, (hyper){0}, adam_like_tuned, ref_nadam);
}

/* Same gradients: u = max(b2 u, |g|) keeps the decayed 2 over 0.3 and 1. */
static void adamax_three_steps(void)
{
    both_ways(NN_OPT_ADAMAX, (hyper){0}, adam_like_tuned, ref_adamax);
}

/* ------------------------------------------------- numbers Keras produced */

/* test_single_step of each Keras optimizer: learning_rate 0.5, weights
** [1, 2, 3, 4], gradients [1, 6, 7, 2], one step, compared within 1e-4. */
static void keras_single_step(void)
{
    static const struct { nn_optim_kind kind; float want[4]; } cases[] = {
        {NN_OPT_SGD, {0.5f, -1.0f, -0.5f, 3.0f}},
        {NN_OPT_RMSPROP, {-0.5811f, 0.4189f, 1.4189f, 2.4189f}},
        {NN_OPT_ADAGRAD, {0.5233f, 1.5007f, 2.5005f, 3.5061f}},
        {NN_OPT_ADADELTA, {0.9993f, 1.9993f, 2.9993f, 3.9993f}},
        {NN_OPT_ADAM, {0.5f, 1.5f, 2.5f, 3.5f}},
        {NN_OPT_NADAM, {0.4686f, 1.4686f, 2.4686f, 3.4686f}},
        {NN_OPT_ADAMAX, {0.5f, 1.5f, 2.5f, 3.5f}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nn_error err;
        nn_optimizer *o = nn_optim_new(cases[c].kind, &err);
        o->learning_rate = 0.5f;
        float w0[4] = {1, 2, 3, 4}, g[4] = {1, 6, 7, 2};
        nn_param *p = param_new(4, w0);
        memcpy(nn_tensor_f32(p->grad), g, sizeof g);
        CHECK(nn_optim_step(o, &p, 1, &err) == NN_OK);
        for (int i = 0; i < 4; i++)
            if (!CHECK_NEAR(nn_tensor_f32(p->value)[i], cases[c].want[i], 1e-4))
                printf("  (%s, value %d)\n", nn_optim_name(o), i);
        nn_optim_free(o);
        param_free(p);
    }
}

/* RMSprop's docstring: var = 10, loss = var^2 / 2 (gradient 10), learning_rate
** 0.1, one minimize step gives 9.683772. */
static void keras_rmsprop_docstring_example(void)
{
    nn_error err;
    nn_optimizer *o = nn_optim_new(NN_OPT_RMSPROP, &err);
    o->learning_rate = 0.1f;
    float w0[1] = {10.0f};
    nn_param *p = param_new(1, w0);
    nn_tensor_f32(p->grad)[0] = nn_tensor_f32(p->value)[0];
    CHECK(nn_optim_step(o, &p, 1, &err) == NN_OK);
    CHECK_NEAR(nn_tensor_f32(p->value)[0], 9.683772, 1e-5);
    nn_optim_free(o);
    param_free(p);
}

/* test_correctness_with_golden: weights ones(10); one step with gradients all
** 0.01, then steps with gradients 0.1, 0.2, ..., 1.0; golden[i] holds the weights
** before the (i + 2)-th step. Compared within 5e-4 + 5e-4 |want|, as Keras does.
** A row whose values are all equal is written once. */
typedef struct golden {
    const char *what;
    nn_optim_kind kind;
    hyper h;                /* lr, and set_all with the others when not defaults */
    int flags_nesterov, flags_amsgrad, flags_centered;
    int columns;            /* 1: each row is one value for all ten */
    double rows[5][10];
} golden;

static const golden goldens[] = {
    {"SGD(nesterov=True)", NN_OPT_SGD, {.lr = 0.01}, 1, 0, 0, 10,
     {{0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999},
      {0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899},
      {0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799},
      {0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699},
      {0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599}}},
    {"RMSprop(centered=True)", NN_OPT_RMSPROP, {.lr = 0.001}, 0, 0, 1, 1,
     {{0.9967}, {0.9933}, {0.9908}, {0.9885}, {0.9864}}},
    {"Adagrad(0.2, initial_accumulator_value=0.3, epsilon=1e-6)", NN_OPT_ADAGRAD,
     {.lr = 0.2, .init_acc = 0.3, .eps = 1e-6, .rho = 0.9, .b1 = 0.9, .b2 = 0.999,
      .set_all = 1}, 0, 0, 0, 10,
     {{0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963},
      {0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209},
      {0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891},
      {0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579},
      {0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825}}},
    {"Adadelta(1.0, rho=0.8, epsilon=1e-6)", NN_OPT_ADADELTA,
     {.lr = 1.0, .rho = 0.8, .eps = 1e-6, .b1 = 0.9, .b2 = 0.999, .init_acc = 0.1,
      .set_all = 1}, 0, 0, 0, 1,
     {{0.9978}, {0.9947}, {0.9915}, {0.9882}, {0.9849}}},
    {"Adam(amsgrad=True)", NN_OPT_ADAM, {.lr = 0.001}, 0, 1, 0, 1,
     {{0.999}, {0.9982}, {0.9974}, {0.9965}, {0.9955}}},
    {"Nadam(0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5)", NN_OPT_NADAM,
     {.lr = 0.5, .b1 = 0.5, .b2 = 0.67, .eps = 1e-5, .rho = 0.9, .init_acc = 0.1,
      .set_all = 1}, 0, 0, 0, 10,
     {{0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281},
      {-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718,
       -0.1717},
      {-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085,
       -0.7084},
      {-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23,
       -1.2299},
      {-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455,
       -1.7454}}},
    {"Adamax(0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6)", NN_OPT_ADAMAX,
     {.lr = 0.2, .b1 = 0.85, .b2 = 0.95, .eps = 1e-6, .rho = 0.9, .init_acc = 0.1,
      .set_all = 1}, 0, 0, 0, 10,
     {{0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8},
      {0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691},
      {0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466},
      {0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848},
      {0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126}}},
};

static void keras_golden_values(void)
{
    for (size_t c = 0; c < sizeof goldens / sizeof goldens[0]; c++) {
        const golden *gd = &goldens[c];
        nn_error err;
        nn_optimizer *o = nn_optim_new(gd->kind, &err);
        o->learning_rate = (float)gd->h.lr;
        o->nesterov = gd->flags_nesterov;
        o->amsgrad = gd->flags_amsgrad;
        o->centered = gd->flags_centered;
        if (gd->h.set_all) {
            o->rho = (float)gd->h.rho;
            o->beta_1 = (float)gd->h.b1;
            o->beta_2 = (float)gd->h.b2;
            o->epsilon = (float)gd->h.eps;
            o->initial_accumulator_value = (float)gd->h.init_acc;
        }
        float ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        nn_param *p = param_new(10, ones);
        float *g = nn_tensor_f32(p->grad), *w = nn_tensor_f32(p->value);
        for (int i = 0; i < 10; i++)
            g[i] = 0.01f;
        CHECK(nn_optim_step(o, &p, 1, &err) == NN_OK);
        for (int i = 0; i < 10; i++)
            g[i] = 0.1f * (float)(i + 1);
        for (int row = 0; row < 5; row++) {
            for (int i = 0; i < 10; i++) {
                double want = gd->rows[row][gd->columns == 1 ? 0 : i];
                if (!CHECK_NEAR(w[i], want, 5e-4 + 5e-4 * fabs(want)))
                    printf("  (%s, row %d, value %d)\n", gd->what, row, i);
            }
            CHECK(nn_optim_step(o, &p, 1, &err) == NN_OK);
        }
        nn_optim_free(o);
        param_free(p);
    }
}

/* ------------------------------------------------------ objects and names */

static void optimizer_defaults_are_keras(void)
{
    nn_error err;
    for (int k = 0; k < NN_OPT_CUSTOM; k++) {
        nn_optimizer *o = nn_optim_new((nn_optim_kind)k, &err);
        CHECK_NEAR(o->learning_rate, k == NN_OPT_SGD ? 0.01 : 0.001, 1e-9);
        CHECK_NEAR(o->epsilon, 1e-7, 1e-12);
        CHECK(o->momentum == 0.0f && !o->nesterov && !o->amsgrad && !o->centered);
        CHECK_NEAR(o->rho, k == NN_OPT_ADADELTA ? 0.95 : 0.9, 1e-7);
        CHECK_NEAR(o->beta_1, 0.9, 1e-7);
        CHECK_NEAR(o->beta_2, 0.999, 1e-7);
        CHECK_NEAR(o->initial_accumulator_value, 0.1, 1e-7);
        nn_optim_free(o);
    }
}

static void optimizer_names(void)
{
    nn_error err;
    static const char *const keras[] = {"SGD", "RMSprop", "Adagrad", "Adadelta", "Adam",
                                        "Nadam", "Adamax"};
    static const char *const typed[] = {"sgd", "rmsprop", "ADAGRAD", "adadelta", "adam",
                                        "nadam", "adamax"};
    for (int k = 0; k < 7; k++) {
        nn_optimizer *o = nn_optim_by_name(typed[k], &err);
        CHECK(o != NULL);
        if (o) {
            CHECK(o->kind == (nn_optim_kind)k);
            CHECK(strcmp(nn_optim_name(o), keras[k]) == 0);
        }
        nn_optim_free(o);
    }
    CHECK(nn_optim_by_name("adamw", &err) == NULL);
    CHECK(err.code == NN_EARG);
    CHECK_CONTAINS(err.msg, "'adamw'");
    CHECK_CONTAINS(err.msg, "rmsprop");
    CHECK_CONTAINS(err.msg, "adamax");
}

/* After nn_optim_reset, Adam starts again at step 1: with a constant gradient
** each of its first steps moves a weight by lr (bias correction), by hand. */
static void optimizer_reset_starts_over(void)
{
    nn_error err;
    nn_optimizer *o = nn_optim_new(NN_OPT_ADAM, &err);
    float w0[1] = {0.0f};
    nn_param *p = param_new(1, w0);
    nn_tensor_f32(p->grad)[0] = 2.0f;
    for (int i = 0; i < 3; i++)
        CHECK(nn_optim_step(o, &p, 1, &err) == NN_OK);
    CHECK_NEAR(nn_tensor_f32(p->value)[0], -0.003, 1e-7);
    nn_optim_reset(o);
    CHECK(o->iterations == 0);
    nn_tensor_f32(p->grad)[0] = -2.0f;      /* a fresh m: the sign flips at once */
    CHECK(nn_optim_step(o, &p, 1, &err) == NN_OK);
    CHECK_NEAR(nn_tensor_f32(p->value)[0], -0.002, 1e-7);
    nn_optim_free(o);
    param_free(p);
}

void suite_optim(void)
{
    t_run("optim SGD two steps by hand", sgd_two_steps_by_hand);
    t_run("optim SGD momentum and nesterov two steps by hand", sgd_momentum_two_steps_by_hand);
    t_run("optim Adam two steps by hand", adam_two_steps_by_hand);
    t_run("optim SGD three steps vs reference", sgd_plain_three_steps);
    t_run("optim SGD momentum three steps vs reference", sgd_momentum_three_steps);
    t_run("optim SGD nesterov three steps vs reference", sgd_nesterov_three_steps);
    t_run("optim RMSprop three steps vs reference", rmsprop_three_steps);
    t_run("optim RMSprop momentum three steps vs reference", rmsprop_momentum_three_steps);
    t_run("optim RMSprop centered three steps vs reference", rmsprop_centered_three_steps);
    t_run("optim RMSprop centered+momentum three steps vs reference",
          rmsprop_centered_momentum_three_steps);
    t_run("optim Adagrad three steps vs reference", adagrad_three_steps);
    t_run("optim Adadelta three steps vs reference", adadelta_three_steps);
    t_run("optim Adam three steps vs reference", adam_three_steps);
    t_run("optim Adam amsgrad three steps vs reference", adam_amsgrad_three_steps);
    t_run("optim Nadam three steps vs reference", nadam_three_steps);
    t_run("optim Adamax three steps vs reference", adamax_three_steps);
    t_run("optim single step vs Keras's numbers", keras_single_step);
    t_run("optim RMSprop docstring example", keras_rmsprop_docstring_example);
    t_run("optim golden values from Keras's tests", keras_golden_values);
    t_run("optim defaults are Keras's", optimizer_defaults_are_keras);
    t_run("optim names and unknown name error", optimizer_names);
    t_run("optim reset starts over", optimizer_reset_starts_over);
}
