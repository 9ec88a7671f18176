/* nn/view.c — the read-only view of a model the window draws from. */
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const nn_layer *layer_at(const nn_model *m, int i)
{
    return m && i >= 0 && i < m->n_nodes ? m->nodes[i].layer : NULL;
}

/* ------------------------------------------------------------------ layers */

int nn_view_layer_count(const nn_model *m)
{
    return m ? m->n_nodes : 0;
}

const char *nn_view_layer_type(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    return l ? l->ops->type : NULL;
}

const char *nn_view_layer_name(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    return l ? l->name : NULL;
}

const nn_shape *nn_view_layer_in_shape(const nn_model *m, int i, int k)
{
    const nn_layer *l = layer_at(m, i);
    if (!l || k < 0 || k >= NN_MAX_INPUTS)
        return NULL;
    return &l->in_shape[k];
}

const nn_shape *nn_view_layer_out_shape(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    return l ? &l->out_shape : NULL;
}

int nn_view_layer_input_count(const nn_model *m, int i)
{
    return layer_at(m, i) ? m->nodes[i].n_in : 0;
}

int nn_view_layer_source(const nn_model *m, int i, int k)
{
    if (!layer_at(m, i) || k < 0 || k >= m->nodes[i].n_in)
        return -1000;
    return m->nodes[i].in[k];
}

nn_activation nn_view_layer_activation(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    nn_activation linear = {NN_ACT_LINEAR, 0.0f};
    return l ? l->act : linear;
}

int nn_view_param_count(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    return l ? l->n_params : 0;
}

const nn_param *nn_view_param(const nn_model *m, int i, int k)
{
    const nn_layer *l = layer_at(m, i);
    if (!l || k < 0 || k >= l->n_params)
        return NULL;
    return &l->params[k];
}

const nn_param *nn_view_param_named(const nn_model *m, int i, const char *name)
{
    const nn_layer *l = layer_at(m, i);
    for (int k = 0; l && k < l->n_params; k++)
        if (strcmp(l->params[k].name, name) == 0)
            return &l->params[k];
    return NULL;
}

const nn_shape *nn_view_input_shape(const nn_model *m, int k)
{
    if (!m || k < 0 || k >= NN_MAX_MODEL_IO || m->input_shape[k].ndim == 0)
        return NULL;
    return &m->input_shape[k];
}

/* ---------------------------------------------------------- the last step */

const nn_tensor *nn_view_last_input(const nn_model *m)
{
    return m ? m->last_x : NULL;
}

const nn_tensor *nn_view_last_target(const nn_model *m)
{
    return m ? m->last_y : NULL;
}

int nn_view_has_forward(const nn_model *m)
{
    return m && m->has_forward;
}

int nn_view_has_backward(const nn_model *m)
{
    return m && m->has_backward;
}

const nn_tensor *nn_view_output(const nn_model *m, int i)
{
    return layer_at(m, i) ? m->nodes[i].out : NULL;
}

const nn_tensor *nn_view_preact(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    if (!l)
        return NULL;
    const nn_tensor *out = m->nodes[i].out;
    if (l->act.kind == NN_ACT_LINEAR)
        return out;
    if (l->z && out && nn_tensor_same_shape(l->z, out))
        return l->z;
    /* an Activation layer that keeps no z: its input is the pre-activation */
    if (m->nodes[i].n_in == 1) {
        int src = m->nodes[i].in[0];
        const nn_tensor *in = src < 0 ? m->last_x : m->nodes[src].out;
        if (in && out && in->size == out->size)
            return in;
    }
    return NULL;
}

const nn_tensor *nn_view_grad(const nn_model *m, int i)
{
    return layer_at(m, i) ? m->nodes[i].grad : NULL;
}

int nn_view_grad_is_preact(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    return l && l->grad_is_preact && l->act.kind != NN_ACT_LINEAR;
}

int nn_view_output_layer(const nn_model *m, int k)
{
    if (!m || k < 0 || k >= m->n_outputs)
        return -1;
    return m->outputs[k];
}

double nn_view_last_loss(const nn_model *m)
{
    return m ? m->last_loss : NAN;
}

int nn_view_batch_metric(const nn_model *m, int k, double *value)
{
    if (!m || k < 0 || k >= m->n_metrics || !m->has_forward || !m->last_y || m->n_outputs < 1)
        return -1;
    const nn_tensor *pred = m->nodes[m->outputs[0]].out;
    if (!pred || pred->shape[0] != m->last_y->shape[0] || pred->shape[0] == 0)
        return -1;
    *value = nn_metric_batch_sum(&m->metrics[k], pred, m->last_y) / pred->shape[0];
    return 0;
}

/* ---------------------------------------------------------------- compile */

int nn_view_compiled(const nn_model *m)
{
    return m && m->compiled;
}

const char *nn_view_loss_name(const nn_model *m)
{
    return m && m->compiled ? nn_loss_name(&m->loss) : "";
}

const char *nn_view_optimizer_name(const nn_model *m)
{
    return m && m->compiled && m->optimizer ? nn_optim_name(m->optimizer) : "";
}

long nn_view_iterations(const nn_model *m)
{
    return m && m->optimizer ? m->optimizer->iterations : 0;
}

int nn_view_metric_count(const nn_model *m)
{
    return m ? m->n_metrics : 0;
}

const char *nn_view_metric_name(const nn_model *m, int k)
{
    return m && k >= 0 && k < m->n_metrics ? m->metrics[k].name : NULL;
}

/* ------------------------------------------------ for the formula panel */

const nn_tensor *nn_view_preact_grad(const nn_model *m, int i)
{
    const nn_layer *l = layer_at(m, i);
    if (!l)
        return NULL;
    const nn_tensor *g = m->nodes[i].grad, *out = m->nodes[i].out;
    if (l->act.kind == NN_ACT_LINEAR || l->grad_is_preact)
        return g;
    if (l->dz && out && nn_tensor_same_shape(l->dz, out))
        return l->dz;
    return NULL;
}

const nn_loss *nn_view_loss(const nn_model *m)
{
    return m && m->compiled ? &m->loss : NULL;
}

const nn_optimizer *nn_view_optimizer(const nn_model *m)
{
    return m && m->compiled ? m->optimizer : NULL;
}

const nn_tensor *nn_view_optim_slot(const nn_model *m, int i, int k, int s)
{
    const nn_layer *l = layer_at(m, i);
    const nn_optimizer *o = m ? m->optimizer : NULL;
    if (!l || k < 0 || k >= l->n_params || s < 0 || s >= NN_OPT_SLOTS || !o || !o->slots)
        return NULL;
    int index = 0;
    for (int j = 0; j < i; j++)
        index += m->nodes[j].layer->n_params;
    index += k;
    if (index >= o->n_params || m->params[index] != &l->params[k])
        return NULL;
    return o->slots[index * NN_OPT_SLOTS + s];
}

/* Two integers of a JSON array member ("kernel_size": [3, 3]). */
static int json_pair(const nn_json *obj, const char *key, int *a, int *b)
{
    const nn_json *v = nn_json_get(obj, key);
    long long x, y;
    if (!v || !nn_json_is_array(v) || v->n != 2 || !nn_json_int(&v->items[0], 1, 1 << 20, &x) ||
        !nn_json_int(&v->items[1], 1, 1 << 20, &y))
        return 0;
    *a = (int)x;
    *b = (int)y;
    return 1;
}

int nn_view_layer_window(const nn_model *m, int i, nn_window *g)
{
    const nn_layer *l = layer_at(m, i);
    if (!l || !l->built || !l->ops->config || l->in_shape[0].ndim != 3)
        return 0;
    const char *type = l->ops->type;
    int global = strncmp(type, "Global", 6) == 0 && strstr(type, "Pooling2D");
    int conv = strcmp(type, "Conv2D") == 0;
    int pool = !global && strstr(type, "Pooling2D") != NULL;
    if (!global && !conv && !pool)
        return 0;
    const nn_shape *in = &l->in_shape[0];
    if (global)
        return nn_window_init(g, in->dim[0], in->dim[1], in->dim[2], in->dim[0], in->dim[1], 1,
                              1, NN_PADDING_VALID);
    /* the layer's Keras config says its window, strides and padding */
    char body[2048];
    int n = l->ops->config(l, body + 1, sizeof body - 2);
    if (n <= 0 || n >= (int)sizeof body - 2)
        return 0;
    body[0] = '{';
    body[n + 1] = '}';
    body[n + 2] = '\0';
    nn_json *cfg = nn_json_parse(body, (size_t)n + 2, NULL, NULL);
    int kh, kw, sh = 1, sw = 1, ok = cfg != NULL;
    nn_padding pad = NN_PADDING_VALID;
    if (ok)
        ok = json_pair(cfg, conv ? "kernel_size" : "pool_size", &kh, &kw);
    if (ok && nn_json_get(cfg, "strides"))
        ok = json_pair(cfg, "strides", &sh, &sw);
    const char *p = ok ? nn_json_str(nn_json_get(cfg, "padding")) : NULL;
    if (p && strcmp(p, "same") == 0)
        pad = NN_PADDING_SAME;
    nn_json_free(cfg);
    if (!ok)
        return 0;
    return nn_window_init(g, in->dim[0], in->dim[1], in->dim[2], kh, kw, sh, sw, pad);
}

/* ---------------------------------------------------------------- history */

int nn_view_history_key_count(const nn_model *m)
{
    return m ? m->history.n_keys : 0;
}

const char *nn_view_history_key(const nn_model *m, int k)
{
    return m && k >= 0 && k < m->history.n_keys ? m->history.key[k] : NULL;
}

const double *nn_view_history_values(const nn_model *m, int k, int *n)
{
    if (!m || k < 0 || k >= m->history.n_keys) {
        *n = 0;
        return NULL;
    }
    *n = m->history.n_epochs;
    return m->history.values[k];
}

int nn_view_history_find(const nn_model *m, const char *key)
{
    for (int k = 0; m && k < m->history.n_keys; k++)
        if (strcmp(m->history.key[k], key) == 0)
            return k;
    return -1;
}

int nn_view_epoch_count(const nn_model *m)
{
    return m ? m->history.n_epochs : 0;
}

const float *nn_view_batch_losses(const nn_model *m, int *n)
{
    *n = m ? m->history.n_batches : 0;
    return m ? m->history.batch_loss : NULL;
}
