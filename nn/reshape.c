/* nn/reshape.c — Reshape: a new per-sample shape for the same values. */
#include "reshape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reshape_impl {
    nn_reshape_options opt;
} reshape_impl;

static char *target_str(char *buf, size_t len, const nn_reshape_options *o)
{
    int n = snprintf(buf, len, "(None");
    for (int i = 0; i < o->ndim && n > 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, ", %d", o->target_shape[i]);
    if (n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ")");
    return buf;
}

static nn_status reshape_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    const reshape_impl *r = l->impl;
    size_t in = nn_shape_size(&l->in_shape[0]), known = 1;
    int unknown = -1;
    for (int i = 0; i < r->opt.ndim; i++) {
        if (r->opt.target_shape[i] == -1)
            unknown = i;
        else
            known *= (size_t)r->opt.target_shape[i];
    }
    if ((unknown < 0 && known != in) || (unknown >= 0 && in % known != 0)) {
        char a[96], b[96];
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (Reshape): cannot reshape its input %s "
                            "(%zu values per sample) into %s", l->name,
                            nn_shape_str(a, sizeof a, &l->in_shape[0]), in,
                            target_str(b, sizeof b, &r->opt));
    }
    l->out_shape.ndim = r->opt.ndim;
    for (int i = 0; i < r->opt.ndim; i++)
        l->out_shape.dim[i] = i == unknown ? (int)(in / known) : r->opt.target_shape[i];
    return NN_OK;
}

/* y[b, ...] = x[b, ...], the same values in row-major order */
static nn_status reshape_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                 int training, nn_error *err)
{
    memcpy(y->data, x[0]->data, y->size * sizeof(float));
    return NN_OK;
}

/* dx = dy, in the input's shape */
static nn_status reshape_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                  const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    if (dx[0])
        memcpy(dx[0]->data, dy->data, dy->size * sizeof(float));
    return NN_OK;
}

static void reshape_destroy(nn_layer *l)
{
    free(l->impl);
}

static int reshape_config(const nn_layer *l, char *buf, size_t len)
{
    const reshape_impl *r = l->impl;
    char dims[64] = "";
    size_t n = 0;
    for (int i = 0; i < r->opt.ndim && n < sizeof dims; i++)
        n += (size_t)snprintf(dims + n, sizeof dims - n, "%s%d", i ? ", " : "",
                              r->opt.target_shape[i]);
    return snprintf(buf, len, "\"target_shape\": [%s]", dims);
}

static const nn_layer_ops reshape_ops = {
    .type = "Reshape",
    .build = reshape_build,
    .forward = reshape_forward,
    .backward = reshape_backward,
    .destroy = reshape_destroy,
    .config = reshape_config,
};

nn_layer *nn_reshape_new(const nn_reshape_options *opt, nn_error *err)
{
    if (opt->ndim < 1 || opt->ndim > NN_MAX_DIMS - 1) {
        nn_error_set(err, NN_EARG, "Reshape: target_shape has 1 to %d dimensions, not %d",
                     NN_MAX_DIMS - 1, opt->ndim);
        return NULL;
    }
    int unknowns = 0;
    for (int i = 0; i < opt->ndim; i++) {
        int d = opt->target_shape[i];
        if (d == -1) {
            unknowns++;
        } else if (d < 1) {
            nn_error_set(err, NN_EARG, "Reshape: target_shape dimension %d must be positive or "
                         "-1, not %d", i + 1, d);
            return NULL;
        }
    }
    if (unknowns > 1) {
        nn_error_set(err, NN_EARG, "Reshape: target_shape can have at most one -1, not %d",
                     unknowns);
        return NULL;
    }
    reshape_impl *r = malloc(sizeof *r);
    if (!r) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a Reshape layer");
        return NULL;
    }
    r->opt = *opt;
    nn_layer *l = nn_layer_alloc(&reshape_ops, "reshape", r, err);
    if (!l)
        free(r);
    return l;
}
