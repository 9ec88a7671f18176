/* nn/merge.c — Add and Concatenate. */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct concat_impl {
    nn_concatenate_options opt;
    int axis;                       /* resolved: index into the per-sample shape */
    size_t inner[NN_MAX_INPUTS];    /* values per outer row, per input */
} concat_impl;

static nn_status need_inputs(const nn_layer *l, nn_error *err)
{
    if (l->n_inputs < 2)
        return nn_error_set(err, NN_EARG, "layer '%s' (%s) merges a list of at least 2 inputs, "
                            "got %d", l->name, l->ops->type, l->n_inputs);
    return NN_OK;
}

static int same_shape(const nn_shape *a, const nn_shape *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->dim[i] != b->dim[i])
            return 0;
    return 1;
}

/* ---------------------------------------------------------------------- Add */

static nn_status add_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    if (need_inputs(l, err) != NN_OK)
        return err ? err->code : NN_EARG;
    for (int k = 1; k < l->n_inputs; k++) {
        if (!same_shape(&l->in_shape[0], &l->in_shape[k])) {
            char a[96], b[96];
            return nn_error_set(err, NN_ESHAPE, "layer '%s' (Add) needs inputs of one shape, got "
                                "%s (input 1) and %s (input %d)", l->name,
                                nn_shape_str(a, sizeof a, &l->in_shape[0]),
                                nn_shape_str(b, sizeof b, &l->in_shape[k]), k + 1);
        }
    }
    l->out_shape = l->in_shape[0];
    return NN_OK;
}

/* y = sum_k x_k */
static nn_status add_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                             int training, nn_error *err)
{
    float *out = nn_tensor_f32(y);
    memcpy(out, x[0]->data, y->size * sizeof *out);
    for (int k = 1; k < l->n_inputs; k++) {
        const float *in = nn_tensor_f32(x[k]);
        for (size_t i = 0; i < y->size; i++)
            out[i] += in[i];
    }
    return NN_OK;
}

/* dx_k = dy for every k */
static nn_status add_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                              const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    for (int k = 0; k < l->n_inputs; k++)
        if (dx[k])
            memcpy(dx[k]->data, dy->data, dy->size * sizeof(float));
    return NN_OK;
}

static const nn_layer_ops add_ops = {
    .type = "Add",
    .build = add_build,
    .forward = add_forward,
    .backward = add_backward,
};

nn_layer *nn_add_new(nn_error *err)
{
    return nn_layer_alloc(&add_ops, "add", NULL, err);
}

/* -------------------------------------------------------------- Concatenate */

/* y[o, :] = x_1[o, :] x_2[o, :] ... */
void nn_concatenate_forward(float *y, const float *const *x, const size_t *inner, int n,
                            size_t outer)
{
    for (size_t o = 0; o < outer; o++)
        for (int k = 0; k < n; k++) {
            memcpy(y, x[k] + o * inner[k], inner[k] * sizeof *y);
            y += inner[k];
        }
}

/* dx_k[o, :] = the slice of dy[o, :] that came from x_k */
void nn_concatenate_backward(float *const *dx, const float *dy, const size_t *inner, int n,
                             size_t outer)
{
    for (size_t o = 0; o < outer; o++)
        for (int k = 0; k < n; k++) {
            if (dx[k])
                memcpy(dx[k] + o * inner[k], dy, inner[k] * sizeof *dy);
            dy += inner[k];
        }
}

static nn_status concat_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    concat_impl *c = l->impl;
    if (need_inputs(l, err) != NN_OK)
        return err ? err->code : NN_EARG;
    const nn_shape *s0 = &l->in_shape[0];
    int nd = s0->ndim, axis = c->opt.axis < 0 ? nd + c->opt.axis : c->opt.axis - 1;
    char a[96], b[96];
    if (axis < 0 || axis >= nd)
        return nn_error_set(err, NN_EARG, "layer '%s' (Concatenate): axis %d is out of range for "
                            "inputs of shape %s", l->name, c->opt.axis,
                            nn_shape_str(a, sizeof a, s0));
    nn_shape out = *s0;
    for (int k = 1; k < l->n_inputs; k++) {
        const nn_shape *s = &l->in_shape[k];
        int ok = s->ndim == nd;
        for (int i = 0; ok && i < nd; i++)
            ok = i == axis || s->dim[i] == s0->dim[i];
        if (!ok)
            return nn_error_set(err, NN_ESHAPE, "layer '%s' (Concatenate) needs inputs that match "
                                "except along axis %d, got %s (input 1) and %s (input %d)",
                                l->name, c->opt.axis, nn_shape_str(a, sizeof a, s0),
                                nn_shape_str(b, sizeof b, s), k + 1);
        out.dim[axis] += s->dim[axis];
    }
    for (int k = 0; k < l->n_inputs; k++) {
        c->inner[k] = 1;
        for (int i = axis; i < nd; i++)
            c->inner[k] *= (size_t)l->in_shape[k].dim[i];
    }
    c->axis = axis;
    l->out_shape = out;
    return NN_OK;
}

static nn_status concat_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                int training, nn_error *err)
{
    concat_impl *c = l->impl;
    const float *in[NN_MAX_INPUTS];
    for (int k = 0; k < l->n_inputs; k++)
        in[k] = nn_tensor_f32(x[k]);
    size_t outer = x[0]->size / c->inner[0];
    nn_concatenate_forward(nn_tensor_f32(y), in, c->inner, l->n_inputs, outer);
    return NN_OK;
}

static nn_status concat_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                 const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    concat_impl *c = l->impl;
    float *out[NN_MAX_INPUTS];
    for (int k = 0; k < l->n_inputs; k++)
        out[k] = dx[k] ? nn_tensor_f32(dx[k]) : NULL;
    size_t outer = x[0]->size / c->inner[0];
    nn_concatenate_backward(out, nn_tensor_f32(dy), c->inner, l->n_inputs, outer);
    return NN_OK;
}

static void concat_destroy(nn_layer *l)
{
    free(l->impl);
}

static int concat_config(const nn_layer *l, char *buf, size_t len)
{
    const concat_impl *c = l->impl;
    return snprintf(buf, len, "\"axis\": %d", c->opt.axis);
}

static const nn_layer_ops concat_ops = {
    .type = "Concatenate",
    .build = concat_build,
    .forward = concat_forward,
    .backward = concat_backward,
    .destroy = concat_destroy,
    .config = concat_config,
};

nn_layer *nn_concatenate_new(const nn_concatenate_options *opt, nn_error *err)
{
    if (opt->axis == 0) {
        nn_error_set(err, NN_EARG, "Concatenate: axis 0 is the batch axis; use -1 (the last) or "
                     "another axis");
        return NULL;
    }
    concat_impl *c = calloc(1, sizeof *c);
    if (!c) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a Concatenate layer");
        return NULL;
    }
    c->opt = *opt;
    nn_layer *l = nn_layer_alloc(&concat_ops, "concatenate", c, err);
    if (!l)
        free(c);
    return l;
}
