/* tests/c/test_activation.c — activations: values by hand, and every backward
** against central finite differences of a double-precision reference written here. */
#include "tests/test.h"

#include <stdlib.h>

#include "nn/nn.h"

/* ------------------------------------------------------------- helpers */

static nn_activation act_of(const char *name)
{
    nn_activation a;
    nn_activation_parse(name, &a, NULL);
    return a;
}

static float forward1(nn_activation act, float z)
{
    float a;
    nn_activation_forward(act, &a, &z, 1, 1);
    return a;
}

/* f(z) in double, from each function's definition (Keras's docstrings). */
static double ref_value(nn_activation act, double z)
{
    switch (act.kind) {
    case NN_ACT_LINEAR:     return z;
    case NN_ACT_RELU:       return z > 0 ? z : 0;
    case NN_ACT_SIGMOID:    return 1 / (1 + exp(-z));
    case NN_ACT_TANH:       return tanh(z);
    case NN_ACT_LEAKY_RELU: return z > 0 ? z : act.alpha * z;
    case NN_ACT_ELU:        return z > 0 ? z : act.alpha * (exp(z) - 1);
    case NN_ACT_SOFTPLUS:   return log(1 + exp(z));
    case NN_ACT_GELU:       return 0.5 * z * (1 + erf(z / sqrt(2.0)));
    case NN_ACT_SWISH:      return z / (1 + exp(-z));
    default:                return NAN;
    }
}

/* softmax of one row of n values, in double */
static void ref_softmax(double *a, const double *z, int n)
{
    double mx = z[0], s = 0;
    for (int i = 1; i < n; i++)
        mx = z[i] > mx ? z[i] : mx;
    for (int i = 0; i < n; i++)
        s += exp(z[i] - mx);
    for (int i = 0; i < n; i++)
        a[i] = exp(z[i] - mx) / s;
}

/* L = sum_i r_i f(z)_i for the reference, over `rows` rows of n values */
static double ref_projected(nn_activation act, const double *z, const double *r, int rows, int n)
{
    double L = 0, a[16];
    for (int row = 0; row < rows; row++) {
        const double *zr = z + row * n;
        if (act.kind == NN_ACT_SOFTMAX)
            ref_softmax(a, zr, n);
        else
            for (int i = 0; i < n; i++)
                a[i] = ref_value(act, zr[i]);
        for (int i = 0; i < n; i++)
            L += r[row * n + i] * a[i];
    }
    return L;
}

/* ---------------------------------------------------------- values by hand */

static void activation_values_by_hand(void)
{
    CHECK_NEAR(forward1(act_of("relu"), -1.0f), 0.0, 0);
    CHECK_NEAR(forward1(act_of("relu"), 2.0f), 2.0, 0);
    CHECK_NEAR(forward1(act_of("linear"), -3.5f), -3.5, 0);
    CHECK_NEAR(forward1(act_of(NULL), 1.25f), 1.25, 0);
    CHECK_NEAR(forward1(act_of("sigmoid"), 0.0f), 0.5, 1e-7);
    CHECK_NEAR(forward1(act_of("sigmoid"), 2.0f), 0.8807971, 1e-6);  /* 1 / (1 + e^-2) */
    CHECK_NEAR(forward1(act_of("sigmoid"), -100.0f), 0.0, 1e-30);
    CHECK_NEAR(forward1(act_of("tanh"), 1.0f), 0.7615942, 1e-6);
    /* leaky_relu: the string's slope 0.2 (Keras 3), the LeakyReLU layer's 0.3 */
    nn_activation leaky = act_of("leaky_relu");
    CHECK_NEAR(leaky.alpha, 0.2, 1e-7);
    CHECK_NEAR(forward1(leaky, -2.0f), -0.4, 1e-6);
    CHECK_NEAR(forward1(leaky, 3.0f), 3.0, 0);
    leaky.alpha = 0.3f;
    CHECK_NEAR(forward1(leaky, -2.0f), -0.6, 1e-6);
    /* elu, alpha 1: e^-1 - 1 = -0.6321206 */
    nn_activation elu = act_of("elu");
    CHECK_NEAR(elu.alpha, 1.0, 0);
    CHECK_NEAR(forward1(elu, -1.0f), -0.6321206, 1e-6);
    CHECK_NEAR(forward1(elu, 2.0f), 2.0, 0);
    /* softplus: log 2;  log(1 + e^-3) = 0.0485874;  large z is z */
    CHECK_NEAR(forward1(act_of("softplus"), 0.0f), 0.6931472, 1e-6);
    CHECK_NEAR(forward1(act_of("softplus"), -3.0f), 0.0485874, 1e-6);
    CHECK_NEAR(forward1(act_of("softplus"), 30.0f), 30.0, 1e-5);
    /* gelu, the exact form (Keras's approximate=False): 0.5 z (1 + erf(z / sqrt 2))
    **   z = 1: 0.8413447 (the tanh approximation gives 0.8411920);
    **   z = -1: -0.1586553;  z = 0.5: 0.3457312 */
    CHECK_NEAR(forward1(act_of("gelu"), 1.0f), 0.8413447, 1e-6);
    CHECK_NEAR(forward1(act_of("gelu"), -1.0f), -0.1586553, 1e-6);
    CHECK_NEAR(forward1(act_of("gelu"), 0.5f), 0.3457312, 1e-6);
    /* swish = z sigmoid(z): 0.7310586 at 1;  -2 * 0.1192029 = -0.2384058 at -2 */
    CHECK_NEAR(forward1(act_of("swish"), 1.0f), 0.7310586, 1e-6);
    CHECK_NEAR(forward1(act_of("silu"), -2.0f), -0.2384058, 1e-6);
    /* softmax of [1, 2, 3]: e^k / (e + e^2 + e^3) */
    float z[3] = {1, 2, 3}, a[3];
    nn_activation_forward(act_of("softmax"), a, z, 1, 3);
    CHECK_NEAR(a[0], 0.0900306, 1e-6);
    CHECK_NEAR(a[1], 0.2447285, 1e-6);
    CHECK_NEAR(a[2], 0.6652410, 1e-6);
    /* large logits: no overflow */
    float big[2] = {1000, 1000}, ab[2];
    nn_activation_forward(act_of("softmax"), ab, big, 1, 2);
    CHECK_NEAR(ab[0], 0.5, 1e-7);
    CHECK_NEAR(ab[1], 0.5, 1e-7);
}

/* Every activation, forward against the double reference over a range of z,
** and nn_activation_value (the curve the window plots) the same. */
static void activation_forward_matches_reference(void)
{
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        if (k == NN_ACT_SOFTMAX)
            continue;
        nn_activation act = act_of(nn_activation_name((nn_activation_kind)k));
        for (double z = -6; z <= 6; z += 0.25) {
            double want = ref_value(act, z);
            if (!CHECK_NEAR(forward1(act, (float)z), want, 2e-6 * (1 + fabs(want))))
                printf("  (%s at %g)\n", nn_activation_name(act.kind), z);
            CHECK_NEAR(nn_activation_value(act, (float)z), want, 2e-6 * (1 + fabs(want)));
        }
    }
}

/* ------------------------------------------------- backward, numerically */

enum { ROWS = 2, COLS = 6 };

/* z away from the kinks of relu, leaky_relu and elu at 0, both signs, and past
** softplus's switch to the identity at 20 */
static const float zs[ROWS * COLS] = {-2.5f, -1.2f, -0.3f, 0.4f, 1.1f, 2.7f,
                                      -4.0f, 0.05f, -0.07f, 3.3f, 0.9f, 22.0f};

static void activation_backward_matches_finite_differences(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 11);
    float r[ROWS * COLS];
    for (int i = 0; i < ROWS * COLS; i++)
        r[i] = nn_rng_normal(&rng);
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        nn_activation act = act_of(nn_activation_name((nn_activation_kind)k));
        if (k == NN_ACT_LEAKY_RELU)
            act.alpha = 0.3f;
        if (k == NN_ACT_ELU)
            act.alpha = 1.5f;
        float a[ROWS * COLS], dz[ROWS * COLS];
        nn_activation_forward(act, a, zs, ROWS, COLS);
        nn_activation_backward(act, dz, r, zs, a, ROWS, COLS);
        double zd[ROWS * COLS], rd[ROWS * COLS], h = 1e-5, worst = 0;
        for (int i = 0; i < ROWS * COLS; i++) {
            zd[i] = zs[i];
            rd[i] = r[i];
        }
        for (int i = 0; i < ROWS * COLS; i++) {
            double keep = zd[i];
            zd[i] = keep + h;
            double up = ref_projected(act, zd, rd, ROWS, COLS);
            zd[i] = keep - h;
            double down = ref_projected(act, zd, rd, ROWS, COLS);
            zd[i] = keep;
            double numeric = (up - down) / (2 * h);
            /* measured against the gradients' scale (r ~ 1): near saturation the
            ** float forms a (1 - a) and 1 - a^2 (TF's too) keep only an absolute
            ** accuracy of a few 1e-8 */
            double rel = fabs(numeric - dz[i]) / fmax(0.1, fabs(numeric) + fabs(dz[i]));
            worst = rel > worst ? rel : worst;
        }
        if (!CHECK(worst < 1e-5))
            printf("  (%s: worst relative error %g)\n", nn_activation_name(act.kind), worst);
        /* the slope used for plotting agrees (softmax's is the sigmoid's, not checked) */
        if (k != NN_ACT_SOFTMAX)
            for (int i = 0; i < ROWS * COLS; i++)
                CHECK_NEAR(nn_activation_slope(act, zs[i]) * r[i], dz[i],
                           1e-6 * (1 + fabs(dz[i])));
    }
}

/* Softmax's Jacobian J_ij = da_i/dz_j = a_i (delta_ij - a_j): backward with
** da = e_k gives row k of J^T, i.e. dz_j = a_k (delta_kj - a_j). */
static void activation_softmax_jacobian(void)
{
    float z[4] = {0.5f, -1.0f, 2.0f, 0.0f}, a[4], dz[4];
    nn_activation sm = act_of("softmax");
    nn_activation_forward(sm, a, z, 1, 4);
    double ad[4], zd[4] = {0.5, -1.0, 2.0, 0.0};
    ref_softmax(ad, zd, 4);
    for (int k = 0; k < 4; k++) {
        float e[4] = {0, 0, 0, 0};
        e[k] = 1;
        nn_activation_backward(sm, dz, e, z, a, 1, 4);
        for (int j = 0; j < 4; j++) {
            double want = ad[k] * ((j == k) - ad[j]);
            CHECK_NEAR(dz[j], want, 1e-7);
        }
    }
    /* each row of J sums to 0: a constant shift of z changes nothing */
    float ones[4] = {1, 1, 1, 1};
    nn_activation_backward(sm, dz, ones, z, a, 1, 4);
    for (int j = 0; j < 4; j++)
        CHECK_NEAR(dz[j], 0.0, 1e-7);
}

static void activation_names(void)
{
    nn_activation a;
    nn_error err;
    CHECK(nn_activation_parse("gelu", &a, &err) == NN_OK && a.kind == NN_ACT_GELU);
    CHECK(nn_activation_parse("silu", &a, &err) == NN_OK && a.kind == NN_ACT_SWISH);
    CHECK(nn_activation_parse("", &a, &err) == NN_OK && a.kind == NN_ACT_LINEAR);
    CHECK(nn_activation_parse("None", &a, &err) == NN_OK && a.kind == NN_ACT_LINEAR);
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        CHECK(nn_activation_parse(nn_activation_name((nn_activation_kind)k), &a, &err) == NN_OK);
        CHECK(a.kind == (nn_activation_kind)k);
    }
    CHECK(nn_activation_parse("rellu", &a, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "'rellu'");
    CHECK_CONTAINS(err.msg, "relu");
    CHECK_CONTAINS(err.msg, "swish");
}

void suite_activation(void)
{
    t_run("activation values by hand", activation_values_by_hand);
    t_run("activation forward matches a double reference",
          activation_forward_matches_reference);
    t_run("activation backward vs finite differences",
          activation_backward_matches_finite_differences);
    t_run("activation softmax Jacobian", activation_softmax_jacobian);
    t_run("activation names and unknown name error", activation_names);
}
