/* nn/flatten.c — Flatten: the same values, one axis per sample. */
#include "flatten.h"

#include <stdio.h>
#include <string.h>

static nn_status flatten_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    l->out_shape.ndim = 1;
    l->out_shape.dim[0] = (int)nn_shape_size(&l->in_shape[0]);
    return NN_OK;
}

/* y[b, :] = x[b, ...] in row-major order      x:(B, d1, ..., dk)  y:(B, d1 ... dk) */
static nn_status flatten_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                 int training, nn_error *err)
{
    memcpy(y->data, x[0]->data, y->size * sizeof(float));
    return NN_OK;
}

/* dx = dy, reshaped back */
static nn_status flatten_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                  const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    if (dx[0])
        memcpy(dx[0]->data, dy->data, dy->size * sizeof(float));
    return NN_OK;
}

static int flatten_config(const nn_layer *l, char *buf, size_t len)
{
    return snprintf(buf, len, "\"data_format\": \"channels_last\"");
}

static const nn_layer_ops flatten_ops = {
    .type = "Flatten",
    .build = flatten_build,
    .forward = flatten_forward,
    .backward = flatten_backward,
    .config = flatten_config,
};

nn_layer *nn_flatten_new(nn_error *err)
{
    return nn_layer_alloc(&flatten_ops, "flatten", NULL, err);
}
