/* nn/layer.c — what every layer shares: parameters, initialisers, fused activation. */
#include "layer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nn_layer *nn_layer_alloc(const nn_layer_ops *ops, const char *name, void *impl, nn_error *err)
{
    nn_layer *l = calloc(1, sizeof *l);
    if (!l) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a %s layer", ops->type);
        return NULL;
    }
    l->ops = ops;
    snprintf(l->name, sizeof l->name, "%s", name);
    l->impl = impl;
    l->n_inputs = 1;
    l->act.kind = NN_ACT_LINEAR;
    return l;
}

void nn_layer_free(nn_layer *l)
{
    if (!l)
        return;
    if (l->ops->destroy)
        l->ops->destroy(l);
    for (int i = 0; i < l->n_params; i++) {
        nn_tensor_free(l->params[i].value);
        nn_tensor_free(l->params[i].grad);
    }
    nn_tensor_free(l->z);
    nn_tensor_free(l->dz);
    free(l);
}

size_t nn_layer_param_count(const nn_layer *l)
{
    size_t n = 0;
    for (int i = 0; i < l->n_params; i++)
        n += l->params[i].value->size;
    return n;
}

/* ------------------------------------------------------------ initialisers */

static const char *const init_names[NN_INIT_COUNT] = {
    "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
    "lecun_uniform", "zeros", "ones", "random_normal", "random_uniform", "constant",
};

const char *nn_init_name(nn_init_kind kind)
{
    return kind >= 0 && kind < NN_INIT_COUNT ? init_names[kind] : "?";
}

nn_status nn_init_parse(const char *name, nn_initializer *out, nn_error *err)
{
    for (int k = 0; k < NN_INIT_COUNT; k++) {
        if (strcmp(name, init_names[k]) == 0) {
            out->kind = (nn_init_kind)k;
            out->a = 0.0f;
            out->b = k == NN_INIT_RANDOM_NORMAL ? 0.05f : 0.0f;
            if (k == NN_INIT_RANDOM_UNIFORM) {
                out->a = -0.05f;
                out->b = 0.05f;
            }
            return NN_OK;
        }
    }
    char known[400] = "";
    for (int k = 0; k < NN_INIT_COUNT; k++) {
        strcat(known, k ? ", " : "");
        strcat(known, init_names[k]);
    }
    return nn_error_set(err, NN_EARG, "unknown initializer '%s' (known: %s)", name, known);
}

/* Keras's truncated normal: redraw values beyond two standard deviations.
** The 0.87962566 factor makes the truncated distribution's stddev equal `sd`. */
static float truncated_normal(nn_rng *rng, float sd)
{
    float v;
    do {
        v = nn_rng_normal(rng);
    } while (fabsf(v) > 2.0f);
    return v * sd / 0.87962566f;
}

/* glorot: scale 1/avg(fan_in, fan_out); he: 2/fan_in; lecun: 1/fan_in.
** uniform limit = sqrt(3 * scale), normal stddev = sqrt(scale) (truncated). */
void nn_init_fill(nn_tensor *t, nn_initializer init, int fan_in, int fan_out, nn_rng *rng)
{
    float *w = nn_tensor_f32(t);
    double scale = 1.0;
    int uniform = 0;
    switch (init.kind) {
    case NN_INIT_GLOROT_UNIFORM: uniform = 1; /* fall through */
    case NN_INIT_GLOROT_NORMAL:  scale = 2.0 / (fan_in + fan_out); break;
    case NN_INIT_HE_UNIFORM:     uniform = 1; /* fall through */
    case NN_INIT_HE_NORMAL:      scale = 2.0 / fan_in; break;
    case NN_INIT_LECUN_UNIFORM:  uniform = 1; /* fall through */
    case NN_INIT_LECUN_NORMAL:   scale = 1.0 / fan_in; break;
    case NN_INIT_ZEROS:
    case NN_INIT_ONES:
    case NN_INIT_CONSTANT: {
        float v = init.kind == NN_INIT_ZEROS ? 0.0f : init.kind == NN_INIT_ONES ? 1.0f : init.a;
        for (size_t i = 0; i < t->size; i++)
            w[i] = v;
        return;
    }
    case NN_INIT_RANDOM_NORMAL:
        for (size_t i = 0; i < t->size; i++)
            w[i] = init.a + init.b * nn_rng_normal(rng);
        return;
    case NN_INIT_RANDOM_UNIFORM:
        for (size_t i = 0; i < t->size; i++)
            w[i] = init.a + (init.b - init.a) * nn_rng_uniform(rng);
        return;
    case NN_INIT_COUNT:
        return;
    }
    if (uniform) {
        float limit = (float)sqrt(3.0 * scale);
        for (size_t i = 0; i < t->size; i++)
            w[i] = limit * (2.0f * nn_rng_uniform(rng) - 1.0f);
    } else {
        for (size_t i = 0; i < t->size; i++)
            w[i] = truncated_normal(rng, (float)sqrt(scale));
    }
}

nn_param *nn_layer_add_param(nn_layer *l, const char *name, int ndim, const int *shape,
                             nn_initializer init, int fan_in, int fan_out, nn_rng *rng,
                             nn_error *err)
{
    if (l->n_params >= NN_MAX_PARAMS) {
        nn_error_set(err, NN_EARG, "layer '%s' has too many parameters", l->name);
        return NULL;
    }
    nn_param *p = &l->params[l->n_params];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->value = nn_tensor_new(NN_F32, ndim, shape, err);
    p->grad = p->value ? nn_tensor_new(NN_F32, ndim, shape, err) : NULL;
    if (!p->grad) {
        nn_tensor_free(p->value);
        p->value = NULL;
        return NULL;
    }
    p->trainable = 1;
    nn_init_fill(p->value, init, fan_in, fan_out, rng);
    l->n_params++;
    return p;
}

/* --------------------------------------------------------- fused activation */

float *nn_layer_preact(nn_layer *l, const nn_tensor *y, nn_error *err)
{
    if (l->act.kind == NN_ACT_LINEAR)
        return nn_tensor_f32(y);
    if (nn_tensor_ensure(&l->z, y->ndim, y->shape, err) != NN_OK)
        return NULL;
    return nn_tensor_f32(l->z);
}

void nn_layer_activate(nn_layer *l, nn_tensor *y)
{
    if (l->act.kind == NN_ACT_LINEAR)
        return;
    /* softmax normalises over the last axis, as Keras's does */
    size_t n = (size_t)y->shape[y->ndim - 1];
    nn_activation_forward(l->act, nn_tensor_f32(y), nn_tensor_f32(l->z), y->size / n, n);
}

const float *nn_layer_preact_grad(nn_layer *l, const nn_tensor *y, const nn_tensor *dy,
                                  nn_error *err)
{
    if (l->act.kind == NN_ACT_LINEAR || l->grad_is_preact)
        return nn_tensor_f32(dy);
    if (nn_tensor_ensure(&l->dz, dy->ndim, dy->shape, err) != NN_OK)
        return NULL;
    size_t n = (size_t)y->shape[y->ndim - 1];
    nn_activation_backward(l->act, nn_tensor_f32(l->dz), nn_tensor_f32(dy), nn_tensor_f32(l->z),
                           nn_tensor_f32(y), y->size / n, n);
    return nn_tensor_f32(l->dz);
}

/* ------------------------------------------------------------------ shapes */

int nn_shape_with_batch(const nn_shape *s, int batch, int *dims)
{
    dims[0] = batch;
    for (int i = 0; i < s->ndim; i++)
        dims[i + 1] = s->dim[i];
    return s->ndim + 1;
}

size_t nn_shape_size(const nn_shape *s)
{
    size_t n = 1;
    for (int i = 0; i < s->ndim; i++)
        n *= (size_t)s->dim[i];
    return n;
}

char *nn_shape_str(char *buf, size_t len, const nn_shape *s)
{
    return nn_shape_format_batch(buf, len, s->ndim, s->dim);
}
