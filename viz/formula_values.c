/* viz/formula_values.c — every number of the formula panel, from the trace.
**
** Values the core keeps (z, a, the output's gradient, dL/dz, the weights, their
** gradients, the optimizer's state) are read as they are; the terms of each sum
** are recomputed here in double from the same trace. Nothing here changes the
** model. */
#include "formula_values.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "panel.h"

/* -------------------------------------------------------------- helpers */

static int none(viz_fx *fx, const char *fmt, const char *a, const char *b)
{
    fx->kind = VIZ_FX_NONE;
    snprintf(fx->why, sizeof fx->why, fmt, a ? a : "", b ? b : "");
    return 1;
}

static void sum_init(viz_fx_sum *s)
{
    memset(s, 0, sizeof *s);
}

/* Add a term: keep the VIZ_FX_TERMS largest in magnitude, in order. */
static void sum_add(viz_fx_sum *s, const viz_fx_term *t)
{
    s->n++;
    s->total += t->value;
    double mag = fabs(t->value);
    int at = s->shown;
    while (at > 0 && fabs(s->term[at - 1].value) < mag)
        at--;
    if (at >= VIZ_FX_TERMS) {
        s->rest += t->value;
        return;
    }
    if (s->shown == VIZ_FX_TERMS)
        s->rest += s->term[VIZ_FX_TERMS - 1].value;
    else
        s->shown++;
    memmove(&s->term[at + 1], &s->term[at], (size_t)(s->shown - 1 - at) * sizeof *s->term);
    s->term[at] = *t;
}

static viz_fx_term term2(double a, double b, int i0, int i1, int i2, int i3)
{
    viz_fx_term t = {{i0, i1, i2, i3}, a, b, a * b};
    return t;
}

/* The tensor layer i reads (its first input) from the last forward. */
static const nn_tensor *layer_input(const nn_model *m, int i)
{
    int src = nn_view_layer_source(m, i, 0);
    if (src == -1000)
        return NULL;
    return src < 0 ? nn_view_last_input(m) : nn_view_output(m, src);
}

static const float *f32(const nn_tensor *t)
{
    return t ? nn_tensor_f32(t) : NULL;
}

/* The first layer that reads layer i's output, or -1 (the loss reads it). */
static int consumer_of(const nn_model *m, int i)
{
    for (int k = i + 1; k < nn_view_layer_count(m); k++)
        for (int s = 0; s < nn_view_layer_input_count(m, k); s++)
            if (nn_view_layer_source(m, k, s) == i)
                return k;
    return -1;
}

/* The target of output k for sample b: from one-hot (or any) rows, or from
** class indices (sparse). */
static double target_at(const nn_tensor *y, int b, int k, int classes)
{
    size_t row = nn_tensor_row_size(y);
    if (row == 1 && classes > 1)
        return lrint(nn_tensor_get(y, (size_t)b)) == k ? 1.0 : 0.0;
    return nn_tensor_get(y, (size_t)b * row + (size_t)k);
}

/* Activation, ReLU, LeakyReLU, ELU, Softmax: layers that only apply f. */
static int is_activation_layer(const nn_model *m, int l)
{
    return nn_view_param_count(m, l) == 0 &&
           nn_view_layer_activation(m, l).kind != NN_ACT_LINEAR &&
           !strstr(nn_view_layer_type(m, l), "Pooling") &&
           strcmp(nn_view_layer_type(m, l), "Conv2D") != 0;
}

static int is_windowed(const char *type)
{
    return strcmp(type, "Conv2D") == 0 || strstr(type, "Pooling2D") != NULL;
}

/* "a Flatten layer has no formula ..." for the layers without one. */
static int no_formula(const nn_model *m, int l, viz_fx *fx)
{
    const char *type = nn_view_layer_type(m, l);
    char in[64], out[64];
    nn_shape_str(in, sizeof in, nn_view_layer_in_shape(m, l, 0));
    nn_shape_str(out, sizeof out, nn_view_layer_out_shape(m, l));
    if (strcmp(type, "Flatten") == 0 || strcmp(type, "Reshape") == 0) {
        snprintf(fx->why, sizeof fx->why, "%s (%s) has no formula: it only rearranges its "
                 "input %s into %s; the values pass through unchanged, and so do their "
                 "gradients.", nn_view_layer_name(m, l), type, in, out);
    } else if (strcmp(type, "Dropout") == 0) {
        snprintf(fx->why, sizeof fx->why, "%s (Dropout) has no weights: in training it sets "
                 "each value to 0 with probability `rate` and scales the others by "
                 "1/(1 - rate); in inference it passes them through.",
                 nn_view_layer_name(m, l));
    } else {
        snprintf(fx->why, sizeof fx->why, "The formula panel shows Dense, Conv2D, pooling and "
                 "Activation layers; %s is a %s.", nn_view_layer_name(m, l), type);
    }
    fx->kind = VIZ_FX_NONE;
    return 1;
}

/* ------------------------------------------------------------- forward */

static int dense_forward(const nn_model *m, viz_fx *fx)
{
    int l = fx->layer, j = fx->unit, b = fx->sample;
    const nn_param *kp = nn_view_param_named(m, l, "kernel");
    const nn_param *bp = nn_view_param_named(m, l, "bias");
    const nn_tensor *x = layer_input(m, l), *z = nn_view_preact(m, l), *a = nn_view_output(m, l);
    if (!kp || kp->value->ndim != 2 || !x || !z || !a)
        return none(fx, "No forward pass through %s yet.", fx->layer_name, NULL);
    int in = kp->value->shape[0], out = kp->value->shape[1];
    if ((int)nn_tensor_row_size(x) != in || x->shape[0] != fx->batch ||
        (int)nn_tensor_row_size(z) != out)
        return none(fx, "The trace of %s does not match its weights.", fx->layer_name, NULL);
    const float *w = f32(kp->value), *xv = f32(x) + (size_t)b * in;
    sum_init(&fx->sum);
    for (int i = 0; i < in; i++) {
        viz_fx_term t = term2(w[(size_t)i * out + j], xv[i], i, j, 0, 0);
        sum_add(&fx->sum, &t);
    }
    fx->has_bias = bp != NULL;
    fx->bias = bp ? f32(bp->value)[j] : 0.0;
    fx->z = f32(z)[(size_t)b * out + j];
    fx->a = f32(a)[(size_t)b * out + j];
    if (fx->act.kind == NN_ACT_SOFTMAX) {
        const float *zr = f32(z) + (size_t)b * out;
        double mx = zr[0], s = 0.0;
        for (int k = 1; k < out; k++)
            mx = zr[k] > mx ? zr[k] : mx;
        for (int k = 0; k < out; k++)
            s += exp(zr[k] - mx);
        fx->softmax_max = mx;
        fx->softmax_denominator = s;
    }
    /* z must be what these weights give: after an update it no longer is */
    double mag = fabs(fx->bias);
    for (int i = 0; i < in; i++)
        mag += fabs((double)w[(size_t)i * out + j] * xv[i]);
    if (fabs(fx->sum.total + fx->bias - fx->z) > 1e-4 * mag + 1e-5)
        return none(fx, "The weights of %s changed after its last forward pass (an update, or "
                    "set_weights): run a forward pass, or step with model:step(x, y), to see "
                    "z = \xce\xa3 w x + b again.", fx->layer_name, NULL);
    fx->kind = VIZ_FX_DENSE_FORWARD;
    return 0;
}

static int act_forward(const nn_model *m, viz_fx *fx)
{
    const nn_tensor *z = nn_view_preact(m, fx->layer), *a = nn_view_output(m, fx->layer);
    if (!z || !a)
        return none(fx, "No forward pass through %s yet.", fx->layer_name, NULL);
    size_t row = nn_tensor_row_size(a), at = (size_t)fx->sample * row + (size_t)fx->unit;
    if (fx->unit >= (int)row)
        return none(fx, "No unit to show in %s.", fx->layer_name, NULL);
    fx->z = f32(z)[at];
    fx->a = f32(a)[at];
    if (fx->act.kind == NN_ACT_SOFTMAX) {
        const float *zr = f32(z) + (size_t)fx->sample * row;
        double mx = zr[0], s = 0.0;
        for (size_t k = 1; k < row; k++)
            mx = zr[k] > mx ? zr[k] : mx;
        for (size_t k = 0; k < row; k++)
            s += exp(zr[k] - mx);
        fx->softmax_max = mx;
        fx->softmax_denominator = s;
    }
    fx->kind = VIZ_FX_ACT_FORWARD;
    return 0;
}

/* The output pixel to show: the query's, else the one with the largest |value|
** of channel c in sample b of t (B, oh, ow, C). */
static void pick_pos(const viz_fx_query *q, const nn_tensor *t, viz_fx *fx)
{
    const nn_window *g = &fx->win;
    int C = (int)(nn_tensor_row_size(t) / ((size_t)g->oh * g->ow));
    if (q->pos[0] >= 0 && q->pos[1] >= 0) {
        fx->pos[0] = q->pos[0] < g->oh ? q->pos[0] : g->oh - 1;
        fx->pos[1] = q->pos[1] < g->ow ? q->pos[1] : g->ow - 1;
        return;
    }
    const float *v = f32(t) + nn_tensor_row_size(t) * (size_t)fx->sample;
    double best = -1.0;
    for (int r = 0; r < g->oh; r++)
        for (int c = 0; c < g->ow; c++) {
            double a = fabs(v[((size_t)r * g->ow + c) * C + fx->unit]);
            if (a > best) {
                best = a;
                fx->pos[0] = r;
                fx->pos[1] = c;
            }
        }
}

/* The input rectangle of the output pixel's window, clipped to the input. */
static void set_field(viz_fx *fx)
{
    const nn_window *g = &fx->win;
    int r0 = fx->pos[0] * g->sh - g->pad_top, c0 = fx->pos[1] * g->sw - g->pad_left;
    int r1 = r0 + g->kh, c1 = c0 + g->kw;
    r0 = r0 < 0 ? 0 : r0;
    c0 = c0 < 0 ? 0 : c0;
    r1 = r1 > g->h ? g->h : r1;
    c1 = c1 > g->w ? g->w : c1;
    fx->field[0] = r0;
    fx->field[1] = c0;
    fx->field[2] = r1 - r0;
    fx->field[3] = c1 - c0;
}

static int conv_forward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    int l = fx->layer, c = fx->unit, b = fx->sample;
    const nn_param *kp = nn_view_param_named(m, l, "kernel");
    const nn_param *bp = nn_view_param_named(m, l, "bias");
    const nn_tensor *x = layer_input(m, l), *z = nn_view_preact(m, l), *a = nn_view_output(m, l);
    const nn_window *g = &fx->win;
    if (!kp || kp->value->ndim != 4 || !x || !z || !a)
        return none(fx, "No forward pass through %s yet.", fx->layer_name, NULL);
    int F = kp->value->shape[3];
    if (x->shape[0] != fx->batch || nn_tensor_row_size(x) != (size_t)g->h * g->w * g->c ||
        nn_tensor_row_size(z) != (size_t)g->oh * g->ow * F)
        return none(fx, "The trace of %s does not match its weights.", fx->layer_name, NULL);
    pick_pos(q, z, fx);
    set_field(fx);
    const float *w = f32(kp->value), *xv = f32(x) + nn_tensor_row_size(x) * (size_t)b;
    double per_channel[512] = {0};
    sum_init(&fx->sum);
    double mag = 0.0;
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) {
            int r = fx->pos[0] * g->sh - g->pad_top + i, cc = fx->pos[1] * g->sw - g->pad_left + j;
            if (r < 0 || r >= g->h || cc < 0 || cc >= g->w)
                continue;       /* padding: no term */
            for (int k = 0; k < g->c; k++) {
                viz_fx_term t = term2(w[(((size_t)i * g->kw + j) * g->c + k) * F + c],
                                      xv[((size_t)r * g->w + cc) * g->c + k], i, j, k, 0);
                sum_add(&fx->sum, &t);
                mag += fabs(t.value);
                if (k < 512)
                    per_channel[k] += fabs(t.value);
            }
        }
    fx->in_channel = 0;
    for (int k = 1; k < g->c && k < 512; k++)
        if (per_channel[k] > per_channel[fx->in_channel])
            fx->in_channel = k;
    size_t at = nn_tensor_row_size(z) * (size_t)b +
                ((size_t)fx->pos[0] * g->ow + fx->pos[1]) * F + c;
    fx->has_bias = bp != NULL;
    fx->bias = bp ? f32(bp->value)[c] : 0.0;
    fx->z = f32(z)[at];
    fx->a = f32(a)[at];
    if (fabs(fx->sum.total + fx->bias - fx->z) > 1e-4 * (mag + fabs(fx->bias)) + 1e-5)
        return none(fx, "The weights of %s changed after its last forward pass: run a forward "
                    "pass, or step with model:step(x, y), to see its sum again.",
                    fx->layer_name, NULL);
    fx->kind = VIZ_FX_CONV_FORWARD;
    return 0;
}

static int pool_forward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    int c = fx->unit, b = fx->sample;
    const nn_tensor *x = layer_input(m, fx->layer), *a = nn_view_output(m, fx->layer);
    const nn_window *g = &fx->win;
    if (!x || !a || x->shape[0] != fx->batch)
        return none(fx, "No forward pass through %s yet.", fx->layer_name, NULL);
    fx->pool_max = strstr(fx->layer_type, "Max") != NULL;
    /* the output as (B, oh, ow, C), whatever its own shape (global pooling) */
    pick_pos(q, a, fx);
    set_field(fx);
    const float *xv = f32(x) + nn_tensor_row_size(x) * (size_t)b;
    sum_init(&fx->sum);
    double best = -INFINITY;
    int n = 0;
    for (int i = 0; i < g->kh; i++)
        for (int j = 0; j < g->kw; j++) {
            int r = fx->pos[0] * g->sh - g->pad_top + i, cc = fx->pos[1] * g->sw - g->pad_left + j;
            if (r < 0 || r >= g->h || cc < 0 || cc >= g->w)
                continue;
            double v = xv[((size_t)r * g->w + cc) * g->c + c];
            if (n < 64)
                fx->window_values[n] = (float)v;
            n++;
            viz_fx_term t = term2(v, 1.0, r, cc, 0, 0);
            sum_add(&fx->sum, &t);
            if (v > best) {     /* the first maximum in row-major order, as the core */
                best = v;
                fx->winner[0] = r;
                fx->winner[1] = cc;
            }
        }
    fx->pool_count = n;
    size_t at = nn_tensor_row_size(a) * (size_t)b +
                ((size_t)fx->pos[0] * g->ow + fx->pos[1]) * g->c + c;
    fx->a = f32(a)[at];
    fx->z = fx->pool_max ? best : fx->sum.total / (n > 0 ? n : 1);
    fx->kind = VIZ_FX_POOL_FORWARD;
    return 0;
}

static int forward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    const char *type = fx->layer_type;
    if (nn_view_param_named(m, fx->layer, "kernel") && strcmp(type, "Dense") == 0)
        return dense_forward(m, fx);
    if (strcmp(type, "Conv2D") == 0)
        return conv_forward(m, q, fx);
    if (strstr(type, "Pooling2D"))
        return pool_forward(m, q, fx);
    if (is_activation_layer(m, fx->layer))
        return act_forward(m, fx);
    return no_formula(m, fx->layer, fx);
}

/* ---------------------------------------------------------------- loss */

/* The loss of sample b and, when terms is given, its per-output terms. The
** arithmetic is the core's (nn/loss.c): the cross-entropies on logits use the
** exact log-softmax, otherwise predictions are clipped to [1e-7, 1 - 1e-7]. */
static double sample_loss(const viz_fx *fx, const float *pred, const float *logit,
                          const nn_tensor *y, int b, viz_fx_sum *terms)
{
    int K = fx->classes;
    const float *p = pred + (size_t)b * K;
    const float *z = logit ? logit + (size_t)b * K : NULL;
    const double eps = 1e-7;
    double loss = 0.0;
    if (fx->loss_kind == NN_LOSS_CCE || fx->loss_kind == NN_LOSS_SCCE) {
        double mx = 0.0, lse = 0.0, s = 0.0;
        if (z) {
            mx = z[0];
            for (int k = 1; k < K; k++)
                mx = z[k] > mx ? z[k] : mx;
            for (int k = 0; k < K; k++)
                lse += exp(z[k] - mx);
            lse = log(lse) + mx;
        } else {
            for (int k = 0; k < K; k++)
                s += p[k];
        }
        for (int k = 0; k < K; k++) {
            double yk = target_at(y, b, k, K), lq;
            double q = z ? exp(z[k] - lse) : p[k] / s;
            if (z) {
                lq = z[k] - lse;
            } else {
                q = q < eps ? eps : q > 1.0 - eps ? 1.0 - eps : q;
                lq = log(q);
            }
            loss -= yk * lq;
            if (terms) {
                viz_fx_term t = {{k, 0, 0, 0}, q, yk, yk * lq};
                sum_add(terms, &t);
            }
        }
        return loss;
    }
    for (int k = 0; k < K; k++) {
        double yk = target_at(y, b, k, K), v, shown = p[k];
        if (fx->loss_kind == NN_LOSS_MSE) {
            v = (p[k] - yk) * (p[k] - yk);
        } else if (fx->loss_kind == NN_LOSS_MAE) {
            v = fabs(p[k] - yk);
        } else if (z) {     /* binary cross-entropy on logits */
            double zk = z[k];
            v = (zk > 0 ? zk : 0) - zk * yk + log1p(exp(-fabs(zk)));
            shown = 1.0 / (1.0 + exp(-zk));
        } else {
            double q = p[k] < eps ? eps : p[k] > 1.0 - eps ? 1.0 - eps : p[k];
            v = -(yk * log(q) + (1.0 - yk) * log(1.0 - q));
            shown = q;
        }
        loss += v / K;
        if (terms) {
            viz_fx_term t = {{k, 0, 0, 0}, shown, yk, v};
            sum_add(terms, &t);
        }
    }
    return loss;
}

static int loss_values(const nn_model *m, viz_fx *fx)
{
    const nn_loss *loss = nn_view_loss(m);
    int o = nn_view_output_layer(m, 0);
    if (!loss || o < 0)
        return none(fx, "The model is not compiled: it has no loss yet.", NULL, NULL);
    if (loss->kind == NN_LOSS_CUSTOM)
        return none(fx, "The loss %s is written in Lua: the panel cannot show its terms.",
                    nn_loss_name(loss), NULL);
    const nn_tensor *pred = nn_view_output(m, o), *y = nn_view_last_target(m);
    const nn_tensor *grad = nn_view_grad(m, o);
    if (!pred || !y || !grad || y->shape[0] != pred->shape[0])
        return none(fx, "No loss computed yet: it comes after the forward pass of a training "
                    "step (model:step(x, y)).", NULL, NULL);
    fx->layer = o;
    fx->layer_name = nn_view_layer_name(m, o);
    fx->layer_type = nn_view_layer_type(m, o);
    fx->act = nn_view_layer_activation(m, o);
    fx->loss_kind = loss->kind;
    fx->from_logits = loss->from_logits;
    fx->fused = nn_view_grad_is_preact(m, o);
    fx->classes = (int)nn_tensor_row_size(pred);
    fx->sparse = nn_tensor_row_size(y) == 1 && fx->classes > 1;
    fx->unit = fx->unit < fx->classes ? fx->unit : fx->classes - 1;
    const float *logit = NULL;
    if (fx->fused)
        logit = f32(nn_view_preact(m, o));
    else if (loss->from_logits && loss->kind != NN_LOSS_MSE && loss->kind != NN_LOSS_MAE)
        logit = f32(pred);
    fx->label = -1;
    if (fx->sparse)
        fx->label = (int)lrint(nn_tensor_get(y, (size_t)fx->sample));
    else if (loss->kind == NN_LOSS_CCE)
        for (int k = 0; k < fx->classes; k++)
            if (target_at(y, fx->sample, k, fx->classes) == 1.0)
                fx->label = k;
    sum_init(&fx->loss_terms);
    fx->sample_loss = sample_loss(fx, f32(pred), logit, y, fx->sample, &fx->loss_terms);
    sum_init(&fx->batch_losses);
    for (int b = 0; b < fx->batch; b++) {
        double v = sample_loss(fx, f32(pred), logit, y, b, NULL);
        viz_fx_term t = {{b, 0, 0, 0}, v, 1.0, v};
        sum_add(&fx->batch_losses, &t);
    }
    fx->loss_mean = fx->batch_losses.total / fx->batch;
    fx->loss_core = nn_view_last_loss(m);
    size_t at = (size_t)fx->sample * fx->classes + fx->unit;
    fx->p_unit = f32(pred)[at];
    fx->y_unit = target_at(y, fx->sample, fx->unit, fx->classes);
    fx->out_grad = f32(grad)[at];
    fx->kind = VIZ_FX_LOSS;
    return 0;
}

/* ------------------------------------------------------------- backward */

/* dL/da, f'(z) and dL/dz (the core's) of value `at` of layer l. */
static void chain_at(const nn_model *m, viz_fx *fx, size_t at, size_t row)
{
    const nn_tensor *g = nn_view_grad(m, fx->layer), *z = nn_view_preact(m, fx->layer);
    const nn_tensor *a = nn_view_output(m, fx->layer), *dz = nn_view_preact_grad(m, fx->layer);
    fx->dl_da = f32(g)[at];
    fx->z = z ? f32(z)[at] : 0.0;
    fx->a = a ? f32(a)[at] : 0.0;
    fx->slope = nn_activation_slope(fx->act, (float)fx->z);
    if (fx->act.kind == NN_ACT_SOFTMAX && !fx->fused && a) {
        size_t first = at - at % row;
        double dot = 0.0;
        for (size_t k = 0; k < row; k++)
            dot += (double)f32(g)[first + k] * f32(a)[first + k];
        fx->softmax_dot = dot;
    }
    if (fx->fused || fx->act.kind == NN_ACT_LINEAR)
        fx->slope = 1.0;
    fx->delta = dz ? f32(dz)[at] : fx->dl_da * fx->slope;
}

static void fused_target(const nn_model *m, viz_fx *fx, size_t at, size_t row)
{
    const nn_loss *loss = nn_view_loss(m);
    const nn_tensor *y = nn_view_last_target(m);
    fx->loss_kind = loss ? loss->kind : NN_LOSS_MSE;
    fx->classes = (int)row;
    if (y && y->shape[0] == fx->batch) {
        fx->y_unit = target_at(y, fx->sample, fx->unit, (int)row);
        fx->p_unit = f32(nn_view_output(m, fx->layer))[at];
    }
}

static int dense_backward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    int l = fx->layer, j = fx->unit;
    const nn_param *kp = nn_view_param_named(m, l, "kernel");
    const nn_param *bp = nn_view_param_named(m, l, "bias");
    const nn_tensor *x = layer_input(m, l), *dz = nn_view_preact_grad(m, l);
    if (!kp || !x || !dz || kp->value->ndim != 2)
        return none(fx, "No backward pass through %s yet.", fx->layer_name, NULL);
    int in = kp->value->shape[0], out = kp->value->shape[1];
    if ((int)nn_tensor_row_size(x) != in || (int)nn_tensor_row_size(dz) != out ||
        dz->shape[0] != fx->batch)
        return none(fx, "The trace of %s does not match its weights.", fx->layer_name, NULL);
    chain_at(m, fx, (size_t)fx->sample * out + j, (size_t)out);
    if (fx->fused)
        fused_target(m, fx, (size_t)fx->sample * out + j, (size_t)out);
    const float *gw = f32(kp->grad), *w = f32(kp->value);
    int i = q->weight;
    if (i < 0 || i >= in) {
        i = 0;
        for (int k = 1; k < in; k++)
            if (fabsf(gw[(size_t)k * out + j]) > fabsf(gw[(size_t)i * out + j]))
                i = k;
    }
    fx->w_index[0] = i;
    fx->w_index[1] = j;
    sum_init(&fx->wsum);
    sum_init(&fx->bsum);
    const float *d = f32(dz), *xv = f32(x);
    for (int r = 0; r < fx->batch; r++) {
        viz_fx_term t = term2(d[(size_t)r * out + j], xv[(size_t)r * in + i], r, 0, 0, 0);
        sum_add(&fx->wsum, &t);
        viz_fx_term tb = term2(d[(size_t)r * out + j], 1.0, r, 0, 0, 0);
        sum_add(&fx->bsum, &tb);
    }
    double wv = w[(size_t)i * out + j];
    fx->dw = gw[(size_t)i * out + j];
    fx->dw_reg = kp->reg.l1 * (wv > 0 ? 1.0 : wv < 0 ? -1.0 : 0.0) + 2.0 * kp->reg.l2 * wv;
    fx->has_bias = bp != NULL;
    fx->db = bp ? f32(bp->grad)[j] : 0.0;
    int next = consumer_of(m, l);
    fx->next_name = next >= 0 ? nn_view_layer_name(m, next) : NULL;
    fx->kind = VIZ_FX_DENSE_BACKWARD;
    return 0;
}

static int conv_backward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    int l = fx->layer, c = fx->unit;
    const nn_param *kp = nn_view_param_named(m, l, "kernel");
    const nn_param *bp = nn_view_param_named(m, l, "bias");
    const nn_tensor *x = layer_input(m, l), *dz = nn_view_preact_grad(m, l);
    const nn_window *g = &fx->win;
    if (!kp || !x || !dz || kp->value->ndim != 4)
        return none(fx, "No backward pass through %s yet.", fx->layer_name, NULL);
    int F = kp->value->shape[3];
    size_t orow = (size_t)g->oh * g->ow * F, irow = (size_t)g->h * g->w * g->c;
    if (nn_tensor_row_size(dz) != orow || nn_tensor_row_size(x) != irow ||
        dz->shape[0] != fx->batch)
        return none(fx, "The trace of %s does not match its weights.", fx->layer_name, NULL);
    pick_pos(q, dz, fx);                /* where the gradient is largest */
    set_field(fx);
    chain_at(m, fx, orow * fx->sample + ((size_t)fx->pos[0] * g->ow + fx->pos[1]) * F + c,
             (size_t)F);
    const float *gw = f32(kp->grad), *d = f32(dz), *xv = f32(x);
    size_t per = (size_t)g->kh * g->kw * g->c, best = 0;
    if (q->weight >= 0 && (size_t)q->weight < per) {
        best = (size_t)q->weight;
    } else {
        for (size_t k = 1; k < per; k++)
            if (fabsf(gw[k * F + c]) > fabsf(gw[best * F + c]))
                best = k;
    }
    int wi = (int)(best / ((size_t)g->kw * g->c)), wj = (int)(best / g->c % g->kw);
    int wk = (int)(best % g->c);
    fx->w_index[0] = wi;
    fx->w_index[1] = wj;
    fx->w_index[2] = wk;
    fx->w_index[3] = c;
    sum_init(&fx->wsum);
    sum_init(&fx->bsum);
    for (int b = 0; b < fx->batch; b++)
        for (int r = 0; r < g->oh; r++)
            for (int s = 0; s < g->ow; s++) {
                double dv = d[orow * b + ((size_t)r * g->ow + s) * F + c];
                viz_fx_term tb = term2(dv, 1.0, b, r, s, 0);
                sum_add(&fx->bsum, &tb);
                int ir = r * g->sh - g->pad_top + wi, ic = s * g->sw - g->pad_left + wj;
                if (ir < 0 || ir >= g->h || ic < 0 || ic >= g->w)
                    continue;
                viz_fx_term t = term2(dv, xv[irow * b + ((size_t)ir * g->w + ic) * g->c + wk],
                                      b, r, s, 0);
                sum_add(&fx->wsum, &t);
            }
    double wv = f32(kp->value)[best * F + c];
    fx->dw = gw[best * F + c];
    fx->dw_reg = kp->reg.l1 * (wv > 0 ? 1.0 : wv < 0 ? -1.0 : 0.0) + 2.0 * kp->reg.l2 * wv;
    fx->has_bias = bp != NULL;
    fx->db = bp ? f32(bp->grad)[c] : 0.0;
    int next = consumer_of(m, l);
    fx->next_name = next >= 0 ? nn_view_layer_name(m, next) : NULL;
    fx->kind = VIZ_FX_CONV_BACKWARD;
    return 0;
}

static int pool_backward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    const nn_tensor *g = nn_view_grad(m, fx->layer);
    if (!g)
        return none(fx, "No backward pass through %s yet.", fx->layer_name, NULL);
    viz_fx_query where = *q;
    if (where.pos[0] < 0 || where.pos[1] < 0) {     /* where the gradient is largest */
        pick_pos(q, g, fx);
        where.pos[0] = fx->pos[0];
        where.pos[1] = fx->pos[1];
    }
    if (pool_forward(m, &where, fx) != 0)
        return 1;
    const nn_window *w = &fx->win;
    size_t at = nn_tensor_row_size(g) * (size_t)fx->sample +
                ((size_t)fx->pos[0] * w->ow + fx->pos[1]) * w->c + fx->unit;
    fx->dl_da = f32(g)[at];
    fx->delta = fx->pool_max ? fx->dl_da : fx->dl_da / (fx->pool_count ? fx->pool_count : 1);
    int next = consumer_of(m, fx->layer);
    fx->next_name = next >= 0 ? nn_view_layer_name(m, next) : NULL;
    fx->kind = VIZ_FX_POOL_BACKWARD;
    return 0;
}

static int backward(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    const char *type = fx->layer_type;
    if (!nn_view_grad(m, fx->layer))
        return none(fx, "No backward pass through %s yet.", fx->layer_name, NULL);
    fx->fused = nn_view_grad_is_preact(m, fx->layer);
    if (strcmp(type, "Dense") == 0 && nn_view_param_named(m, fx->layer, "kernel"))
        return dense_backward(m, q, fx);
    if (strcmp(type, "Conv2D") == 0)
        return conv_backward(m, q, fx);
    if (strstr(type, "Pooling2D"))
        return pool_backward(m, q, fx);
    if (is_activation_layer(m, fx->layer)) {
        const nn_tensor *a = nn_view_output(m, fx->layer);
        size_t row = a ? nn_tensor_row_size(a) : 1;
        if (!a || fx->unit >= (int)row)
            return none(fx, "No backward pass through %s yet.", fx->layer_name, NULL);
        chain_at(m, fx, (size_t)fx->sample * row + fx->unit, row);
        int next = consumer_of(m, fx->layer);
        fx->next_name = next >= 0 ? nn_view_layer_name(m, next) : NULL;
        fx->kind = VIZ_FX_ACT_BACKWARD;
        return 0;
    }
    return no_formula(m, fx->layer, fx);
}

/* --------------------------------------------------------------- update */

/* The update of one weight: the state after it (the optimizer's slots), the
** state before it (the copy taken before the update, or worked back from the
** rule), and the step the rule took. */
static void update_rule(const nn_model *m, viz_fx *fx, const float *before[NN_OPT_SLOTS + 1])
{
    const nn_optimizer *o = fx->opt;
    double g = fx->g, lr = o->learning_rate, eps = o->epsilon;
    double b1 = o->beta_1, b2 = o->beta_2, t = (double)fx->t;
    double *sa = fx->state_after, *sb = fx->state_before;
    int kept = fx->before_kept;
    for (int s = 0; s < fx->n_state; s++) {
        const nn_tensor *slot = nn_view_optim_slot(m, fx->layer, fx->param, s);
        sa[s] = slot ? f32(slot)[fx->flat] : 0.0;
        sb[s] = kept && before[1 + s] ? before[1 + s][fx->flat] : NAN;
        if (kept && !before[1 + s] && fx->t == 1)     /* made by the first update */
            sb[s] = o->kind == NN_OPT_ADAGRAD ? o->initial_accumulator_value : 0.0;
    }
    switch (o->kind) {
    case NN_OPT_SGD:
        if (o->momentum == 0.0f) {
            fx->step = -lr * g;
            break;
        }
        if (!kept)
            sb[0] = (sa[0] + lr * g) / o->momentum;
        fx->step = o->nesterov ? o->momentum * sa[0] - lr * g : sa[0];
        break;
    case NN_OPT_ADAM: {
        double v = o->amsgrad ? sa[2] : sa[1];
        fx->m_hat = sa[0] / (1.0 - pow(b1, t));
        fx->v_hat = v / (1.0 - pow(b2, t));
        fx->lr_t = lr * sqrt(1.0 - pow(b2, t)) / (1.0 - pow(b1, t));
        fx->eps_hat = eps / sqrt(1.0 - pow(b2, t));
        fx->denom = sqrt(v) + eps;
        fx->step = -fx->lr_t * sa[0] / fx->denom;
        if (!kept) {
            sb[0] = (sa[0] - (1.0 - b1) * g) / b1;
            sb[1] = (sa[1] - (1.0 - b2) * g * g) / b2;
        }
        break;
    }
    case NN_OPT_NADAM: {
        double mu = nn_optim_nadam_mu(o->beta_1, fx->t);
        double mu1 = nn_optim_nadam_mu(o->beta_1, fx->t + 1), P = o->nadam_mu_product;
        fx->m_hat = mu1 * sa[0] / (1.0 - P * mu1) + (1.0 - mu) * g / (1.0 - P);
        fx->v_hat = sa[1] / (1.0 - pow(b2, t));
        fx->denom = sqrt(fx->v_hat) + eps;
        fx->step = -lr * fx->m_hat / fx->denom;
        if (!kept) {
            sb[0] = (sa[0] - (1.0 - b1) * g) / b1;
            sb[1] = (sa[1] - (1.0 - b2) * g * g) / b2;
        }
        break;
    }
    case NN_OPT_ADAMAX:
        fx->denom = (1.0 - pow(b1, t)) * (sa[1] + eps);
        fx->step = -lr * sa[0] / fx->denom;
        if (!kept)
            sb[0] = (sa[0] - (1.0 - b1) * g) / b1;
        break;
    case NN_OPT_RMSPROP: {
        double d = o->centered ? sa[0] - sa[2] * sa[2] + eps : sa[0] + eps;
        fx->denom = sqrt(d);
        double inc = lr * g / fx->denom;
        fx->step = o->momentum > 0.0f ? -sa[1] : -inc;
        if (!kept) {
            sb[0] = (sa[0] - (1.0 - o->rho) * g * g) / o->rho;
            if (o->momentum > 0.0f)
                sb[1] = (sa[1] - inc) / o->momentum;
            if (o->centered)
                sb[2] = (sa[2] - (1.0 - o->rho) * g) / o->rho;
        }
        break;
    }
    case NN_OPT_ADAGRAD:
        fx->denom = sqrt(sa[0] + eps);
        fx->step = -lr * g / fx->denom;
        if (!kept)
            sb[0] = sa[0] - g * g;
        break;
    case NN_OPT_ADADELTA: {
        double rho = o->rho, r = g * g / (sa[0] + eps);
        if (!kept) {
            /* Edx_after = rho Edx + (1 - rho) dx^2 with dx^2 = (Edx + eps) r: solve for Edx */
            sb[0] = (sa[0] - (1.0 - rho) * g * g) / rho;
            sb[1] = (sa[1] - (1.0 - rho) * eps * r) / (rho + (1.0 - rho) * r);
        }
        fx->denom = sqrt(sa[0] + eps);
        double dx = -sqrt(sb[1] + eps) / fx->denom * g;
        fx->step = lr * dx;
        break;
    }
    default:
        fx->step = kept ? fx->w_after - fx->w_before : NAN;
        break;
    }
}

static const char *const state_names[NN_OPT_COUNT][3] = {
    [NN_OPT_SGD] = {"v"},
    [NN_OPT_RMSPROP] = {"s", "m", "\xc5\xa1"},
    [NN_OPT_ADAGRAD] = {"G"},
    [NN_OPT_ADADELTA] = {"E[g\xc2\xb2]", "E[\xce\x94w\xc2\xb2]"},
    [NN_OPT_ADAM] = {"m", "v", "v\xcc\x82max"},
    [NN_OPT_NADAM] = {"m", "v"},
    [NN_OPT_ADAMAX] = {"m", "u"},
};

static int update(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    const nn_optimizer *o = nn_view_optimizer(m);
    if (!o)
        return none(fx, "The model is not compiled: it has no optimizer yet.", NULL, NULL);
    int l = fx->layer;
    if (!nn_view_param_named(m, l, "kernel")) {
        int k = viz_nearest_kernel_layer(m, l);
        if (k < 0)
            return none(fx, "No layer with weights to update.", NULL, NULL);
        return none(fx, "%s has no weights: nothing to update. Select a layer with weights "
                    "(%s) to see its update.", fx->layer_name, nn_view_layer_name(m, k));
    }
    const nn_param *kp = nn_view_param_named(m, l, "kernel");
    if (!kp->trainable)
        return none(fx, "The weights of %s are frozen (trainable = false): no update.",
                    fx->layer_name, NULL);
    if (o->iterations < 1)
        return none(fx, "No update yet: it is the last stage of a training step.", NULL, NULL);
    fx->param = 0;
    for (int k = 0; k < nn_view_param_count(m, l); k++)
        if (nn_view_param(m, l, k) == kp)
            fx->param = k;
    const float *gw = f32(kp->grad);
    if (kp->value->ndim == 2) {
        int in = kp->value->shape[0], out = kp->value->shape[1], j = fx->unit, i = q->weight;
        j = j < out ? j : out - 1;
        if (i < 0 || i >= in) {
            i = 0;
            for (int k = 1; k < in; k++)
                if (fabsf(gw[(size_t)k * out + j]) > fabsf(gw[(size_t)i * out + j]))
                    i = k;
        }
        fx->w_index[0] = i;
        fx->w_index[1] = j;
        fx->flat = (size_t)i * out + j;
    } else if (kp->value->ndim == 4) {
        int kh = kp->value->shape[0], kw = kp->value->shape[1], cin = kp->value->shape[2];
        int F = kp->value->shape[3], c = fx->unit < F ? fx->unit : F - 1;
        size_t per = (size_t)kh * kw * cin, best = 0;
        if (q->weight >= 0 && (size_t)q->weight < per) {
            best = (size_t)q->weight;
        } else {
            for (size_t k = 1; k < per; k++)
                if (fabsf(gw[k * F + c]) > fabsf(gw[best * F + c]))
                    best = k;
        }
        fx->w_index[0] = (int)(best / ((size_t)kw * cin));
        fx->w_index[1] = (int)(best / cin % kw);
        fx->w_index[2] = (int)(best % cin);
        fx->w_index[3] = c;
        fx->flat = best * F + c;
    } else {
        return none(fx, "The panel shows the update of Dense and Conv2D kernels; %s is a %s.",
                    fx->layer_name, fx->layer_type);
    }
    fx->opt = o;
    fx->t = o->iterations;
    fx->g = gw[fx->flat];
    fx->w_after = f32(kp->value)[fx->flat];
    const viz_stage *st = viz_stage_current();
    const float *before[NN_OPT_SLOTS + 1];
    for (int s = -1; s < NN_OPT_SLOTS; s++)
        before[1 + s] = viz_stage_before(m, l, fx->param, s);
    fx->before_kept = before[0] && st->have_before && st->before_iterations + 1 == o->iterations;
    fx->n_state = 0;
    if (o->kind != NN_OPT_CUSTOM) {
        while (fx->n_state < 3 && state_names[o->kind][fx->n_state] &&
               nn_view_optim_slot(m, l, fx->param, fx->n_state))
            fx->n_state++;
        if (o->kind == NN_OPT_ADAM && !o->amsgrad && fx->n_state > 2)
            fx->n_state = 2;
        if (o->kind == NN_OPT_RMSPROP)
            fx->n_state = o->centered ? 3 : o->momentum > 0.0f ? 2 : 1;
        for (int s = 0; s < fx->n_state; s++)
            fx->state_name[s] = state_names[o->kind][s];
    }
    if (fx->before_kept)
        fx->w_before = before[0][fx->flat];
    update_rule(m, fx, before);
    if (!fx->before_kept)
        fx->w_before = fx->w_after - fx->step;
    fx->kind = VIZ_FX_UPDATE;
    return 0;
}

/* --------------------------------------------------------------- public */

static const char *stage_layer_word(nn_stage_kind kind)
{
    return kind == NN_STAGE_FORWARD ? "forward pass" : "backward pass";
}

int viz_formula_values(const nn_model *m, const viz_fx_query *q, viz_fx *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->stage = NN_STAGE_FORWARD;
    int n = nn_view_layer_count(m);
    if (!m || n == 0)
        return none(fx, "No model shown: call viz.show(model).", NULL, NULL);
    const nn_tensor *x = nn_view_last_input(m);
    if (!x || !nn_view_output(m, 0))
        return none(fx, "Nothing computed yet. Step through a training step with "
                    "model:step(x, y) (or viz.step_mode(model, x, y) and the . key) to see each "
                    "formula with its numbers.", NULL, NULL);
    fx->layer = q->layer < 0 ? 0 : q->layer >= n ? n - 1 : q->layer;
    fx->layer_name = nn_view_layer_name(m, fx->layer);
    fx->layer_type = nn_view_layer_type(m, fx->layer);
    fx->act = nn_view_layer_activation(m, fx->layer);
    fx->batch = x->shape[0];
    fx->sample = q->sample < 0 ? 0 : q->sample >= fx->batch ? fx->batch - 1 : q->sample;
    int units = viz_layer_units(m, fx->layer);
    fx->unit = q->unit < 0 ? 0 : q->unit >= units ? (units > 0 ? units - 1 : 0) : q->unit;
    if (is_windowed(fx->layer_type) && !nn_view_layer_window(m, fx->layer, &fx->win))
        return none(fx, "%s has no window to show.", fx->layer_name, NULL);
    const viz_stage *st = q->stage;
    int known = st && st->known;
    nn_stage_kind kind = known ? st->kind : NN_STAGE_FORWARD;
    fx->stage = kind;
    if (known && st->in_step && st->node >= 0) {
        int later = kind == NN_STAGE_FORWARD ? fx->layer > st->node : fx->layer < st->node;
        if (later)
            return none(fx, "The %s through %s comes later in this step: press . in the "
                        "window, or call model:step(), to go on.", stage_layer_word(kind),
                        fx->layer_name);
    }
    switch (kind) {
    case NN_STAGE_FORWARD:
        return forward(m, q, fx);
    case NN_STAGE_LOSS:
        return loss_values(m, fx);
    case NN_STAGE_BACKWARD:
        return backward(m, q, fx);
    case NN_STAGE_UPDATE:
        return update(m, q, fx);
    }
    return none(fx, "Unknown stage.", NULL, NULL);
}
