/* nn/activation_layer.c — Activation, LeakyReLU, ELU, ReLU and Softmax layers. */
#include "activation_layer.h"

#include <stdio.h>
#include <string.h>

#include "registry.h"

static nn_status act_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    l->out_shape = l->in_shape[0];
    return NN_OK;
}

/* z = x;  y = f(z)       x, z, y:(B, ...)   (softmax over the last axis) */
static nn_status act_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                             int training, nn_error *err)
{
    float *z = nn_layer_preact(l, y, err);
    if (!z)
        return err ? err->code : NN_ENOMEM;
    memcpy(z, x[0]->data, y->size * sizeof *z);
    nn_layer_activate(l, y);
    return NN_OK;
}

/* dx = dz = dy f'(z)    (softmax: dz_i = y_i (dy_i - sum_j dy_j y_j) per row) */
static nn_status act_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                              const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    if (!dx[0])
        return NN_OK;
    const float *dz = nn_layer_preact_grad(l, y, dy, err);
    if (!dz)
        return err ? err->code : NN_ENOMEM;
    memcpy(dx[0]->data, dz, dy->size * sizeof *dz);
    return NN_OK;
}

static int activation_config(const nn_layer *l, char *buf, size_t len)
{
    return snprintf(buf, len, "\"activation\": \"%s\"", nn_activation_name(l->act.kind));
}

static int alpha_config(const nn_layer *l, char *buf, size_t len)
{
    size_t at = 0;
    nn_config_append(buf, len, &at, "\"alpha\": ");
    nn_config_float(buf, len, &at, l->act.alpha);
    return (int)at;
}

static int relu_config(const nn_layer *l, char *buf, size_t len)
{
    return snprintf(buf, len, "\"max_value\": null, \"negative_slope\": 0.0, \"threshold\": 0.0");
}

static int softmax_config(const nn_layer *l, char *buf, size_t len)
{
    return snprintf(buf, len, "\"axis\": -1");
}

static const nn_layer_ops activation_ops = {
    .type = "Activation", .build = act_build, .forward = act_forward,
    .backward = act_backward, .config = activation_config,
};
static const nn_layer_ops leaky_relu_ops = {
    .type = "LeakyReLU", .build = act_build, .forward = act_forward,
    .backward = act_backward, .config = alpha_config,
};
static const nn_layer_ops elu_ops = {
    .type = "ELU", .build = act_build, .forward = act_forward,
    .backward = act_backward, .config = alpha_config,
};
static const nn_layer_ops relu_ops = {
    .type = "ReLU", .build = act_build, .forward = act_forward,
    .backward = act_backward, .config = relu_config,
};
static const nn_layer_ops softmax_ops = {
    .type = "Softmax", .build = act_build, .forward = act_forward,
    .backward = act_backward, .config = softmax_config,
};

static nn_layer *act_new(const nn_layer_ops *ops, const char *name, nn_activation_kind kind,
                         float alpha, nn_error *err)
{
    nn_layer *l = nn_layer_alloc(ops, name, NULL, err);
    if (l) {
        l->act.kind = kind;
        l->act.alpha = alpha;
    }
    return l;
}

nn_layer *nn_activation_layer_new(nn_activation activation, nn_error *err)
{
    if (activation.kind < 0 || activation.kind >= NN_ACT_COUNT) {
        nn_error_set(err, NN_EARG, "Activation: unknown activation %d", (int)activation.kind);
        return NULL;
    }
    return act_new(&activation_ops, "activation", activation.kind, activation.alpha, err);
}

nn_layer *nn_leaky_relu_new(float alpha, nn_error *err)
{
    return act_new(&leaky_relu_ops, "leaky_re_lu", NN_ACT_LEAKY_RELU, alpha, err);
}

nn_layer *nn_elu_new(float alpha, nn_error *err)
{
    return act_new(&elu_ops, "elu", NN_ACT_ELU, alpha, err);
}

nn_layer *nn_relu_new(nn_error *err)
{
    return act_new(&relu_ops, "re_lu", NN_ACT_RELU, 0.0f, err);
}

nn_layer *nn_softmax_layer_new(nn_error *err)
{
    return act_new(&softmax_ops, "softmax", NN_ACT_SOFTMAX, 0.0f, err);
}
