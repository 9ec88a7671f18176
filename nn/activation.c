/* nn/activation.c — activation functions and their derivatives. */
#include "activation.h"

#include <math.h>
#include <string.h>

static const char *const names[NN_ACT_COUNT] = {
    "linear", "relu", "sigmoid", "tanh", "softmax",
    "leaky_relu", "elu", "softplus", "gelu", "swish",
};

const char *nn_activation_name(nn_activation_kind kind)
{
    return kind >= 0 && kind < NN_ACT_COUNT ? names[kind] : "?";
}

nn_status nn_activation_parse(const char *name, nn_activation *out, nn_error *err)
{
    out->kind = NN_ACT_LINEAR;
    out->alpha = 0.0f;
    if (!name || !*name || strcmp(name, "None") == 0)
        return NN_OK;
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        if (strcmp(name, names[k]) == 0) {
            out->kind = (nn_activation_kind)k;
            /* Keras 3's keras.activations.leaky_relu has negative_slope 0.2; the
            ** LeakyReLU layer's own default (0.3) is set by that layer. */
            out->alpha = k == NN_ACT_LEAKY_RELU ? 0.2f : k == NN_ACT_ELU ? 1.0f : 0.0f;
            return NN_OK;
        }
    }
    if (strcmp(name, "silu") == 0) {
        out->kind = NN_ACT_SWISH;
        return NN_OK;
    }
    char known[256] = "";
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        strcat(known, k ? ", " : "");
        strcat(known, names[k]);
    }
    return nn_error_set(err, NN_EARG, "unknown activation '%s' (known: %s)", name, known);
}

/* gelu with the tanh approximation is what Keras uses when approximate=True; the
** default (approximate=False) is the exact form x * Phi(x), used here. */
static float gelu(float z) { return 0.5f * z * (1.0f + erff(z * 0.70710678f)); }
static float gelu_slope(float z)
{
    float cdf = 0.5f * (1.0f + erff(z * 0.70710678f));
    float pdf = 0.39894228f * expf(-0.5f * z * z);
    return cdf + z * pdf;
}
static float sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }
static float softplus(float z) { return z > 20.0f ? z : log1pf(expf(z)); }

float nn_activation_value(nn_activation act, float z)
{
    switch (act.kind) {
    case NN_ACT_LINEAR:     return z;
    case NN_ACT_RELU:       return z > 0 ? z : 0;
    case NN_ACT_SIGMOID:
    case NN_ACT_SOFTMAX:    return sigmoid(z);
    case NN_ACT_TANH:       return tanhf(z);
    case NN_ACT_LEAKY_RELU: return z > 0 ? z : act.alpha * z;
    case NN_ACT_ELU:        return z > 0 ? z : act.alpha * expm1f(z);
    case NN_ACT_SOFTPLUS:   return softplus(z);
    case NN_ACT_GELU:       return gelu(z);
    case NN_ACT_SWISH:      return z * sigmoid(z);
    case NN_ACT_COUNT:      break;
    }
    return z;
}

float nn_activation_slope(nn_activation act, float z)
{
    switch (act.kind) {
    case NN_ACT_LINEAR:     return 1.0f;
    case NN_ACT_RELU:       return z > 0 ? 1.0f : 0.0f;
    case NN_ACT_SIGMOID:
    case NN_ACT_SOFTMAX:    { float s = sigmoid(z); return s * (1.0f - s); }
    case NN_ACT_TANH:       { float t = tanhf(z); return 1.0f - t * t; }
    case NN_ACT_LEAKY_RELU: return z > 0 ? 1.0f : act.alpha;
    case NN_ACT_ELU:        return z > 0 ? 1.0f : act.alpha * expf(z);
    case NN_ACT_SOFTPLUS:   return sigmoid(z);
    case NN_ACT_GELU:       return gelu_slope(z);
    case NN_ACT_SWISH:      { float s = sigmoid(z); return s + z * s * (1.0f - s); }
    case NN_ACT_COUNT:      break;
    }
    return 1.0f;
}

/* softmax(z)_i = exp(z_i - max z) / sum_j exp(z_j - max z), per row */
static void softmax_rows(float *a, const float *z, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++) {
        const float *zr = z + r * n;
        float *ar = a + r * n;
        float mx = zr[0];
        for (size_t i = 1; i < n; i++)
            mx = zr[i] > mx ? zr[i] : mx;
        float sum = 0.0f;
        for (size_t i = 0; i < n; i++) {
            ar[i] = expf(zr[i] - mx);
            sum += ar[i];
        }
        float inv = 1.0f / sum;
        for (size_t i = 0; i < n; i++)
            ar[i] *= inv;
    }
}

void nn_activation_forward(nn_activation act, float *a, const float *z, size_t rows, size_t n)
{
    size_t total = rows * n;
    switch (act.kind) {
    case NN_ACT_SOFTMAX:
        softmax_rows(a, z, rows, n);
        return;
    case NN_ACT_RELU:
        for (size_t i = 0; i < total; i++)
            a[i] = z[i] > 0.0f ? z[i] : 0.0f;
        return;
    case NN_ACT_LINEAR:
        if (a != z)
            memmove(a, z, total * sizeof *a);
        return;
    default:
        for (size_t i = 0; i < total; i++)
            a[i] = nn_activation_value(act, z[i]);
    }
}

void nn_activation_backward(nn_activation act, float *dz, const float *da, const float *z,
                            const float *a, size_t rows, size_t n)
{
    size_t total = rows * n;
    switch (act.kind) {
    case NN_ACT_SOFTMAX:
        /* dz_i = a_i (da_i - sum_j da_j a_j): the softmax Jacobian times da */
        for (size_t r = 0; r < rows; r++) {
            const float *ar = a + r * n, *dar = da + r * n;
            float dot = 0.0f;
            for (size_t i = 0; i < n; i++)
                dot += dar[i] * ar[i];
            for (size_t i = 0; i < n; i++)
                dz[r * n + i] = ar[i] * (dar[i] - dot);
        }
        return;
    case NN_ACT_RELU:
        for (size_t i = 0; i < total; i++)
            dz[i] = z[i] > 0.0f ? da[i] : 0.0f;
        return;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < total; i++)
            dz[i] = da[i] * a[i] * (1.0f - a[i]);
        return;
    case NN_ACT_TANH:
        for (size_t i = 0; i < total; i++)
            dz[i] = da[i] * (1.0f - a[i] * a[i]);
        return;
    case NN_ACT_LINEAR:
        if (dz != da)
            memmove(dz, da, total * sizeof *dz);
        return;
    default:
        for (size_t i = 0; i < total; i++)
            dz[i] = da[i] * nn_activation_slope(act, z[i]);
    }
}
