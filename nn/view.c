/* nn/view.c — the read-only view of a model the window draws from. */
#include "view.h"

#include <math.h>
#include <string.h>

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
