/* nn/optim.c — optimizer objects, names, state slots and the step loop. */
#include "optim.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const optim_names[NN_OPT_COUNT] = {
    "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Nadam", "Adamax", "custom",
};

/* Slots each kind keeps per parameter. They are made whatever the flags, so that
** momentum, centered or amsgrad switched on between steps take effect. */
static int slots_needed(const nn_optimizer *o)
{
    switch (o->kind) {
    case NN_OPT_SGD:      return 1;     /* velocity */
    case NN_OPT_RMSPROP:  return 3;     /* mean square, momentum, mean gradient (centered) */
    case NN_OPT_ADAGRAD:  return 1;     /* accumulator */
    case NN_OPT_ADADELTA: return 2;     /* mean square gradient, mean square update */
    case NN_OPT_ADAM:     return 3;     /* m, v, max v (amsgrad) */
    case NN_OPT_NADAM:    return 2;     /* m, v */
    case NN_OPT_ADAMAX:   return 2;     /* m, infinity norm u */
    default:              return 0;
    }
}

nn_optimizer *nn_optim_new(nn_optim_kind kind, nn_error *err)
{
    nn_optimizer *o = calloc(1, sizeof *o);
    if (!o) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating an optimizer");
        return NULL;
    }
    o->kind = kind;
    o->learning_rate = kind == NN_OPT_SGD ? 0.01f : 0.001f;
    o->rho = kind == NN_OPT_ADADELTA ? 0.95f : 0.9f;
    o->beta_1 = 0.9f;
    o->beta_2 = 0.999f;
    o->epsilon = 1e-7f;
    o->initial_accumulator_value = 0.1f;
    o->nadam_mu_product = 1.0;
    snprintf(o->name, sizeof o->name, "%s", optim_names[kind]);
    return o;
}

nn_status nn_optim_kind_parse(const char *name, nn_optim_kind *out, nn_error *err)
{
    for (int k = 0; k < NN_OPT_CUSTOM; k++) {
        if (strcasecmp(name, optim_names[k]) == 0) {
            *out = (nn_optim_kind)k;
            return NN_OK;
        }
    }
    return nn_error_set(err, NN_EARG, "unknown optimizer '%s' (known: sgd, rmsprop, adagrad, "
                        "adadelta, adam, nadam, adamax)", name);
}

nn_optimizer *nn_optim_by_name(const char *name, nn_error *err)
{
    nn_optim_kind kind = NN_OPT_SGD;
    if (nn_optim_kind_parse(name, &kind, err) != NN_OK)
        return NULL;
    return nn_optim_new(kind, err);
}

const char *nn_optim_name(const nn_optimizer *o)
{
    if (o->kind < 0 || o->kind >= NN_OPT_CUSTOM)
        return o->name;
    return optim_names[o->kind];
}

void nn_optim_reset(nn_optimizer *o)
{
    for (int i = 0; i < o->n_params * NN_OPT_SLOTS; i++)
        nn_tensor_free(o->slots[i]);
    free(o->slots);
    o->slots = NULL;
    o->n_params = 0;
    o->iterations = 0;
    o->nadam_mu_product = 1.0;
}

void nn_optim_free(nn_optimizer *o)
{
    if (!o)
        return;
    nn_optim_reset(o);
    free(o);
}

static nn_status make_slots(nn_optimizer *o, nn_param *const *params, int n, nn_error *err)
{
    o->slots = calloc((size_t)n * NN_OPT_SLOTS, sizeof *o->slots);
    if (!o->slots)
        return nn_error_set(err, NN_ENOMEM, "out of memory for the optimizer's state");
    o->n_params = n;
    int k = slots_needed(o);
    for (int i = 0; i < n; i++) {
        for (int s = 0; s < k; s++) {
            const nn_tensor *v = params[i]->value;
            nn_tensor *t = nn_tensor_new(NN_F32, v->ndim, v->shape, err);
            if (!t)
                return err ? err->code : NN_ENOMEM;
            if (o->kind == NN_OPT_ADAGRAD)
                for (size_t j = 0; j < t->size; j++)
                    nn_tensor_f32(t)[j] = o->initial_accumulator_value;
            o->slots[i * NN_OPT_SLOTS + s] = t;
        }
    }
    return NN_OK;
}

nn_status nn_optim_build(nn_optimizer *o, nn_param *const *params, int n, nn_error *err)
{
    if (o->kind == NN_OPT_CUSTOM || (o->slots && o->n_params == n))
        return NN_OK;
    if (o->slots)
        nn_optim_reset(o);      /* as nn_optim_step does when the model changed */
    nn_status st = make_slots(o, params, n, err);
    if (st != NN_OK)
        nn_optim_reset(o);
    return st;
}

static float *slot(const nn_optimizer *o, int param, int s)
{
    nn_tensor *t = o->slots[param * NN_OPT_SLOTS + s];
    return t ? nn_tensor_f32(t) : NULL;
}

void nn_optim_sgd_update(float *w, const float *g, float *v, size_t n, float lr, float momentum,
                         int nesterov)
{
    if (momentum == 0.0f || !v) {
        for (size_t i = 0; i < n; i++)
            w[i] -= lr * g[i];
        return;
    }
    for (size_t i = 0; i < n; i++) {
        v[i] = momentum * v[i] - lr * g[i];
        w[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
    }
}

void nn_optim_adam_update(float *w, const float *g, float *m, float *v, float *vmax, size_t n,
                          const nn_optimizer *o, long t)
{
    float b1 = o->beta_1, b2 = o->beta_2, eps = o->epsilon;
    float alpha = (float)(o->learning_rate * sqrt(1.0 - pow(b2, (double)t)) /
                          (1.0 - pow(b1, (double)t)));
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        float vv = v[i];
        if (vmax) {
            vmax[i] = vmax[i] > v[i] ? vmax[i] : v[i];
            vv = vmax[i];
        }
        w[i] -= alpha * m[i] / (sqrtf(vv) + eps);
    }
}

nn_status nn_optim_step(nn_optimizer *o, nn_param *const *params, int n, nn_error *err)
{
    if (o->slots && o->n_params != n)
        nn_optim_reset(o);      /* the model changed: start the state afresh */
    if (!o->slots && o->kind != NN_OPT_CUSTOM) {
        nn_status st = make_slots(o, params, n, err);
        if (st != NN_OK) {
            nn_optim_reset(o);
            return st;
        }
    }
    long t = ++o->iterations;
    if (o->kind == NN_OPT_NADAM)
        o->nadam_mu_product *= nn_optim_nadam_mu(o->beta_1, t);
    for (int i = 0; i < n; i++) {
        nn_param *p = params[i];
        if (!p->trainable)
            continue;
        if (o->kind == NN_OPT_CUSTOM) {
            nn_status st = o->custom(o->ud, p, i, t, err);
            if (st != NN_OK)
                return st;
            continue;
        }
        float *w = nn_tensor_f32(p->value);
        const float *g = nn_tensor_f32(p->grad);
        size_t len = p->value->size;
        float *s[NN_OPT_SLOTS] = {slot(o, i, 0), slot(o, i, 1), slot(o, i, 2)};
        switch (o->kind) {
        case NN_OPT_SGD:
            nn_optim_sgd_update(w, g, s[0], len, o->learning_rate, o->momentum, o->nesterov);
            break;
        case NN_OPT_ADAM:
            nn_optim_adam_update(w, g, s[0], s[1], o->amsgrad ? s[2] : NULL, len, o, t);
            break;
        case NN_OPT_RMSPROP:
            nn_optim_rmsprop_update(w, g, s[0], s[1], s[2], len, o);
            break;
        case NN_OPT_ADAGRAD:
            nn_optim_adagrad_update(w, g, s[0], len, o);
            break;
        case NN_OPT_ADADELTA:
            nn_optim_adadelta_update(w, g, s[0], s[1], len, o);
            break;
        case NN_OPT_NADAM:
            nn_optim_nadam_update(w, g, s[0], s[1], len, o, t);
            break;
        case NN_OPT_ADAMAX:
            nn_optim_adamax_update(w, g, s[0], s[1], len, o, t);
            break;
        default:
            return nn_error_set(err, NN_EARG, "optimizer %s has no update rule",
                                nn_optim_name(o));
        }
    }
    return NN_OK;
}
