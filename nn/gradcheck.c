/* nn/gradcheck.c — analytic gradients of a layer against central differences. */
#include "gradcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nn_gradcheck_options nn_gradcheck_defaults(void)
{
    nn_gradcheck_options o = {.training = 1, .step = 1e-2, .max_checks = 1000};
    return o;
}

/* Everything one check holds; freed by check_free. */
typedef struct check {
    nn_layer *l;
    int n_in, training;
    nn_tensor *x[NN_MAX_INPUTS];        /* float32 copies of the inputs, perturbed in place */
    nn_tensor *dx[NN_MAX_INPUTS];
    nn_tensor *y, *r;
    nn_tensor *saved[NN_MAX_PARAMS];    /* parameter values as found */
    nn_rng fixed, local;                /* the generator the layer sees, reset each forward */
} check;

static void check_free(check *c)
{
    for (int k = 0; k < NN_MAX_INPUTS; k++) {
        nn_tensor_free(c->x[k]);
        nn_tensor_free(c->dx[k]);
    }
    for (int k = 0; k < NN_MAX_PARAMS; k++)
        nn_tensor_free(c->saved[k]);
    nn_tensor_free(c->y);
    nn_tensor_free(c->r);
}

static void restore_params(check *c, int trainable_too)
{
    for (int k = 0; k < c->l->n_params; k++) {
        nn_param *p = &c->l->params[k];
        if (trainable_too || !p->trainable)
            memcpy(p->value->data, c->saved[k]->data, p->value->size * sizeof(float));
    }
}

/* L = sum_i r_i y_i in double, after a forward pass from the same starting state
** (non-trainable values such as moving statistics restored, generator reset). */
static nn_status loss(check *c, double *L, nn_error *err)
{
    restore_params(c, 0);
    c->local = c->fixed;
    const nn_tensor *in[NN_MAX_INPUTS];
    for (int k = 0; k < c->n_in; k++)
        in[k] = c->x[k];
    nn_status st = c->l->ops->forward(c->l, in, c->y, c->training, err);
    if (st != NN_OK)
        return st;
    const float *y = nn_tensor_f32(c->y), *r = nn_tensor_f32(c->r);
    double s = 0.0;
    for (size_t i = 0; i < c->y->size; i++)
        s += (double)r[i] * y[i];
    *L = s;
    return NN_OK;
}

/* Compare analytic[] with central differences of L in the values v[]. */
static nn_status compare(check *c, float *v, const float *analytic, size_t n, double h,
                         size_t max_checks, nn_rng *rng, nn_gradcheck_entry *e, nn_error *err)
{
    size_t m = max_checks && n > max_checks ? max_checks : n;
    size_t *idx = malloc(m * sizeof *idx);
    double *num = malloc(m * sizeof *num);
    if (!idx || !num) {
        free(idx);
        free(num);
        return nn_error_set(err, NN_ENOMEM, "gradcheck: out of memory");
    }
    /* m distinct indices in order, each subset equally likely (Knuth's selection
    ** sampling: take index j with probability (still needed) / (still left)) */
    for (size_t j = 0, got = 0; got < m; j++)
        if (m == n || (double)nn_rng_uniform(rng) * (double)(n - j) < (double)(m - got))
            idx[got++] = j;
    nn_status st = NN_OK;
    for (size_t i = 0; i < m && st == NN_OK; i++) {
        float keep = v[idx[i]];
        float up = (float)(keep + h), down = (float)(keep - h);
        double Lu = 0.0, Ld = 0.0;
        v[idx[i]] = up;
        st = loss(c, &Lu, err);
        v[idx[i]] = down;
        if (st == NN_OK)
            st = loss(c, &Ld, err);
        v[idx[i]] = keep;
        num[i] = (Lu - Ld) / ((double)up - (double)down);
    }
    if (st == NN_OK) {
        double scale = 1e-12;
        for (size_t i = 0; i < m; i++)
            scale = fmax(scale, 0.01 * fmax(fabs(num[i]), fabs(analytic[idx[i]])));
        e->checked = m;
        for (size_t i = 0; i < m; i++) {
            double a = analytic[idx[i]];
            double rel = fabs(a - num[i]) / fmax(fmax(fabs(a), fabs(num[i])), scale);
            if (i == 0 || rel > e->worst) {
                e->worst = rel;
                e->index = idx[i];
                e->analytic = a;
                e->numeric = num[i];
            }
        }
    }
    free(idx);
    free(num);
    return st;
}

static int shape_matches(const nn_shape *s, const nn_tensor *x)
{
    if (x->ndim != s->ndim + 1)
        return 0;
    for (int i = 0; i < s->ndim; i++)
        if (x->shape[i + 1] != s->dim[i])
            return 0;
    return 1;
}

static nn_status prepare(check *c, int n_inputs, const nn_tensor *const *x, nn_rng *rng,
                         nn_error *err)
{
    nn_layer *l = c->l;
    char a[96], b[96];
    for (int k = 0; k < n_inputs; k++) {
        if (x[k]->ndim < 2 || x[k]->shape[0] != x[0]->shape[0])
            return nn_error_set(err, NN_ESHAPE, "gradcheck: layer '%s' (%s): input %d of shape "
                                "%s needs a batch axis first, the same for every input", l->name,
                                l->ops->type, k + 1,
                                nn_shape_format(a, sizeof a, x[k]->ndim, x[k]->shape));
    }
    if (!l->built) {
        l->n_inputs = n_inputs;
        for (int k = 0; k < n_inputs; k++) {
            l->in_shape[k].ndim = x[k]->ndim - 1;
            for (int i = 1; i < x[k]->ndim; i++)
                l->in_shape[k].dim[i - 1] = x[k]->shape[i];
        }
        nn_status st = l->ops->build(l, rng, err);
        if (st != NN_OK) {
            for (int k = 0; k < l->n_params; k++) {     /* leave the layer unbuilt */
                nn_tensor_free(l->params[k].value);
                nn_tensor_free(l->params[k].grad);
            }
            l->n_params = 0;
            return st;
        }
        l->built = 1;
    }
    if (n_inputs != l->n_inputs)
        return nn_error_set(err, NN_EARG, "gradcheck: layer '%s' (%s) takes %d inputs, got %d",
                            l->name, l->ops->type, l->n_inputs, n_inputs);
    for (int k = 0; k < n_inputs; k++) {
        if (!shape_matches(&l->in_shape[k], x[k]))
            return nn_error_set(err, NN_ESHAPE, "gradcheck: layer '%s' (%s) expects input of "
                                "shape %s, got %s", l->name, l->ops->type,
                                nn_shape_str(a, sizeof a, &l->in_shape[k]),
                                nn_shape_format(b, sizeof b, x[k]->ndim, x[k]->shape));
        c->x[k] = nn_tensor_to_f32(x[k], err);
        c->dx[k] = c->x[k] ? nn_tensor_new(NN_F32, x[k]->ndim, x[k]->shape, err) : NULL;
        if (!c->dx[k])
            return err ? err->code : NN_ENOMEM;
    }
    int dims[NN_MAX_DIMS];
    int nd = nn_shape_with_batch(&l->out_shape, x[0]->shape[0], dims);
    c->y = nn_tensor_new(NN_F32, nd, dims, err);
    c->r = c->y ? nn_tensor_new(NN_F32, nd, dims, err) : NULL;
    if (!c->r)
        return err ? err->code : NN_ENOMEM;
    for (size_t i = 0; i < c->r->size; i++)
        nn_tensor_f32(c->r)[i] = nn_rng_normal(rng);
    for (int k = 0; k < l->n_params; k++) {
        c->saved[k] = nn_tensor_clone(l->params[k].value, err);
        if (!c->saved[k])
            return err ? err->code : NN_ENOMEM;
    }
    return NN_OK;
}

/* The analytic gradients: one forward, then backward with dL/dy = r. */
static nn_status analytic(check *c, nn_error *err)
{
    nn_layer *l = c->l;
    double ignored;
    nn_status st = loss(c, &ignored, err);
    if (st != NN_OK)
        return st;
    for (int k = 0; k < l->n_params; k++)
        memset(l->params[k].grad->data, 0, l->params[k].grad->size * sizeof(float));
    const nn_tensor *in[NN_MAX_INPUTS];
    for (int k = 0; k < c->n_in; k++)
        in[k] = c->x[k];
    return l->ops->backward(l, in, c->y, c->r, c->dx, err);
}

nn_status nn_gradcheck_layer_inputs(nn_layer *l, int n_inputs, const nn_tensor *const *x,
                                    const nn_gradcheck_options *opt, nn_rng *rng,
                                    nn_gradcheck_report *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_inputs < 1 || n_inputs > NN_MAX_INPUTS)
        return nn_error_set(err, NN_EARG, "gradcheck: a layer takes 1 to %d inputs, not %d",
                            NN_MAX_INPUTS, n_inputs);
    if (opt->step <= 0.0)
        return nn_error_set(err, NN_EARG, "gradcheck: the step must be positive, not %g",
                            opt->step);
    check c;
    memset(&c, 0, sizeof c);
    c.l = l;
    c.n_in = n_inputs;
    c.training = opt->training;
    nn_rng *layer_rng = l->rng;
    int preact = l->grad_is_preact;
    nn_status st = prepare(&c, n_inputs, x, rng, err);
    if (st != NN_OK) {
        check_free(&c);
        return st;
    }
    /* prepare may have built the layer, which may have given it a generator */
    layer_rng = l->rng;
    if (layer_rng)
        c.fixed = *layer_rng;
    else
        nn_rng_seed(&c.fixed, nn_rng_u32(rng));
    l->rng = &c.local;
    l->grad_is_preact = 0;

    st = analytic(&c, err);
    for (int k = 0; k < n_inputs && st == NN_OK; k++) {
        nn_gradcheck_entry *e = &out->entry[out->n++];
        if (n_inputs == 1)
            snprintf(e->name, sizeof e->name, "input");
        else
            snprintf(e->name, sizeof e->name, "input %d", k + 1);
        st = compare(&c, nn_tensor_f32(c.x[k]), nn_tensor_f32(c.dx[k]), c.x[k]->size, opt->step,
                     opt->max_checks, rng, e, err);
    }
    for (int k = 0; k < l->n_params && st == NN_OK; k++) {
        nn_param *p = &l->params[k];
        if (!p->trainable)
            continue;
        nn_gradcheck_entry *e = &out->entry[out->n++];
        snprintf(e->name, sizeof e->name, "%s", p->name);
        st = compare(&c, nn_tensor_f32(p->value), nn_tensor_f32(p->grad), p->value->size,
                     opt->step, opt->max_checks, rng, e, err);
    }
    for (int k = 0; k < out->n; k++)
        out->worst = fmax(out->worst, out->entry[k].worst);
    restore_params(&c, 1);
    l->rng = layer_rng;
    l->grad_is_preact = preact;
    check_free(&c);
    return st;
}

nn_status nn_gradcheck_layer(nn_layer *l, const nn_tensor *x, nn_rng *rng,
                             nn_gradcheck_report *out, nn_error *err)
{
    nn_gradcheck_options opt = nn_gradcheck_defaults();
    return nn_gradcheck_layer_inputs(l, 1, &x, &opt, rng, out, err);
}
