/* nn/model.c — the graph of layers: building, compiling, one training step
** stage by stage (forward, loss + backward, optimizer update). fit, evaluate and
** predict are in nn/fit.c. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nn_model *nn_model_new(uint64_t seed, nn_error *err)
{
    nn_model *m = calloc(1, sizeof *m);
    if (!m) {
        nn_error_set(err, NN_ENOMEM, "out of memory creating a model");
        return NULL;
    }
    nn_rng_seed(&m->rng, seed);
    m->sequential = 1;
    return m;
}

void nn_history_clear(nn_history *h)
{
    for (int k = 0; k < h->n_keys; k++)
        free(h->values[k]);
    free(h->batch_loss);
    memset(h, 0, sizeof *h);
}

void nn_model_free(nn_model *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n_nodes; i++) {
        nn_layer_free(m->nodes[i].layer);
        nn_tensor_free(m->nodes[i].out);
        nn_tensor_free(m->nodes[i].grad);
    }
    free(m->nodes);
    free(m->params);
    nn_optim_free(m->optimizer);
    nn_tensor_free(m->last_x);
    nn_tensor_free(m->last_y);
    nn_tensor_free(m->scratch);
    nn_history_clear(&m->history);
    free(m);
}

nn_layer *nn_model_layer(const nn_model *m, int i)
{
    return i >= 0 && i < m->n_nodes ? m->nodes[i].layer : NULL;
}

int nn_model_find_layer(const nn_model *m, const char *name)
{
    for (int i = 0; i < m->n_nodes; i++)
        if (strcmp(m->nodes[i].layer->name, name) == 0)
            return i;
    return -1;
}

size_t nn_model_param_count(const nn_model *m)
{
    size_t n = 0;
    for (int i = 0; i < m->n_nodes; i++)
        n += nn_layer_param_count(m->nodes[i].layer);
    return n;
}

/* ------------------------------------------------------------ construction */

/* Keras names the second "dense" layer "dense_1", the third "dense_2", ... */
static void make_name_unique(nn_model *m, nn_layer *l)
{
    if (nn_model_find_layer(m, l->name) < 0)
        return;
    char base[48];
    snprintf(base, sizeof base, "%s", l->name);
    for (int k = 1;; k++) {
        snprintf(l->name, sizeof l->name, "%.36s_%d", base, k);
        if (nn_model_find_layer(m, l->name) < 0)
            return;
    }
}

static nn_status collect_params(nn_model *m, nn_error *err)
{
    int n = 0;
    for (int i = 0; i < m->n_nodes; i++)
        n += m->nodes[i].layer->n_params;
    /* Keep the array when its length is unchanged, so the pointer nn_model_params
    ** gave stays valid until layers are added. */
    nn_param **p = m->params;
    if (!p || n != m->n_params) {
        p = realloc(m->params, (size_t)(n ? n : 1) * sizeof *p);
        if (!p)
            return nn_error_set(err, NN_ENOMEM, "out of memory listing the model's parameters");
        m->params = p;
    }
    m->n_params = 0;
    for (int i = 0; i < m->n_nodes; i++) {
        nn_layer *l = m->nodes[i].layer;
        for (int k = 0; k < l->n_params; k++)
            p[m->n_params++] = &l->params[k];
    }
    return NN_OK;
}

static const nn_shape *source_shape(const nn_model *m, int src)
{
    if (src < 0)
        return &m->input_shape[-1 - src];
    return m->nodes[src].layer->built ? &m->nodes[src].layer->out_shape : NULL;
}

static nn_status build_node(nn_model *m, int i, nn_error *err)
{
    nn_node *node = &m->nodes[i];
    nn_layer *l = node->layer;
    if (l->built)
        return NN_OK;
    for (int k = 0; k < node->n_in; k++) {
        const nn_shape *s = source_shape(m, node->in[k]);
        if (!s || s->ndim == 0)
            return nn_error_set(err, NN_ESTATE, "layer '%s' (%s) cannot be built: the shape of "
                                "its input is not known (give the first layer input_shape = "
                                "{...} or input_dim = n)", l->name, l->ops->type);
        l->in_shape[k] = *s;
    }
    l->n_inputs = node->n_in;
    l->rng = &m->rng;
    nn_status st = l->ops->build(l, &m->rng, err);
    if (st != NN_OK) {
        for (int k = 0; k < l->n_params; k++) {     /* leave the layer as it was */
            nn_tensor_free(l->params[k].value);
            nn_tensor_free(l->params[k].grad);
        }
        l->n_params = 0;
        return st;
    }
    l->built = 1;
    return NN_OK;
}

nn_status nn_model_build(nn_model *m, nn_error *err)
{
    if (m->built)
        return NN_OK;       /* every layer is built and the parameter list is current */
    for (int i = 0; i < m->n_nodes; i++) {
        nn_status st = build_node(m, i, err);
        if (st != NN_OK)
            return st;
    }
    nn_status st = collect_params(m, err);
    m->built = st == NN_OK && m->n_nodes > 0;
    return st;
}

nn_status nn_model_set_input(nn_model *m, int k, const nn_shape *shape, nn_error *err)
{
    if (k < 0 || k >= NN_MAX_MODEL_IO)
        return nn_error_set(err, NN_EARG, "a model has at most %d inputs", NN_MAX_MODEL_IO);
    if (shape->ndim < 1 || shape->ndim > NN_MAX_DIMS - 1)
        return nn_error_set(err, NN_EARG, "an input shape has 1 to %d dimensions, not %d",
                            NN_MAX_DIMS - 1, shape->ndim);
    for (int i = 0; i < shape->ndim; i++)
        if (shape->dim[i] < 1)
            return nn_error_set(err, NN_EARG, "input shape dimension %d must be positive, not %d",
                                i + 1, shape->dim[i]);
    m->input_shape[k] = *shape;
    if (k >= m->n_inputs)
        m->n_inputs = k + 1;
    return NN_OK;
}

int nn_model_add_node(nn_model *m, nn_layer *layer, int n_in, const int *in, nn_error *err)
{
    if (n_in < 1 || n_in > NN_MAX_INPUTS) {
        nn_layer_free(layer);
        nn_error_set(err, NN_EARG, "a layer takes 1 to %d inputs, not %d", NN_MAX_INPUTS, n_in);
        return -1;
    }
    if (m->n_nodes == m->cap_nodes) {
        int cap = m->cap_nodes ? 2 * m->cap_nodes : 8;
        nn_node *nodes = realloc(m->nodes, (size_t)cap * sizeof *nodes);
        if (!nodes) {
            nn_layer_free(layer);
            nn_error_set(err, NN_ENOMEM, "out of memory adding a layer");
            return -1;
        }
        m->nodes = nodes;
        m->cap_nodes = cap;
    }
    for (int k = 0; k < n_in; k++) {
        if (in[k] >= m->n_nodes || (in[k] < 0 && -1 - in[k] >= m->n_inputs)) {
            nn_layer_free(layer);
            nn_error_set(err, NN_EARG, "layer input %d refers to a node that does not exist", k);
            return -1;
        }
    }
    make_name_unique(m, layer);
    nn_node *node = &m->nodes[m->n_nodes];
    memset(node, 0, sizeof *node);
    node->layer = layer;
    node->n_in = n_in;
    memcpy(node->in, in, (size_t)n_in * sizeof *in);
    for (int k = 0; k < n_in; k++)
        if (in[k] >= 0)
            m->nodes[in[k]].consumers++;
    int idx = m->n_nodes++;
    m->has_forward = m->has_backward = 0;
    m->built = 0;
    nn_status built = build_node(m, idx, err);
    if (built == NN_ESHAPE || built == NN_ENOMEM) {
        m->n_nodes--;       /* a shape error, or too big: refuse the layer, keep the model */
        for (int k = 0; k < n_in; k++)
            if (in[k] >= 0)
                m->nodes[in[k]].consumers--;
        nn_layer_free(layer);
        return -1;
    }
    nn_error_clear(err);
    if (collect_params(m, err) != NN_OK)
        return -1;
    return idx;
}

nn_status nn_model_add(nn_model *m, nn_layer *layer, nn_error *err)
{
    if (!m->sequential) {
        nn_layer_free(layer);
        return nn_error_set(err, NN_ESTATE, "add() works on Sequential models only");
    }
    if (m->n_nodes == 0 && layer->input_hint.ndim > 0) {
        nn_status st = nn_model_set_input(m, 0, &layer->input_hint, err);
        if (st != NN_OK) {
            nn_layer_free(layer);
            return st;
        }
    }
    if (m->n_nodes == 0 && m->n_inputs == 0)
        m->n_inputs = 1;     /* shape still unknown: given later or by the first fit */
    int src = m->n_nodes == 0 ? -1 : m->n_nodes - 1;
    int idx = nn_model_add_node(m, layer, 1, &src, err);
    if (idx < 0)
        return err ? err->code : NN_EARG;
    m->n_outputs = 1;
    m->outputs[0] = idx;
    m->compiled = 0;        /* the output layer changed: compile again */
    return NN_OK;
}

nn_status nn_model_set_outputs(nn_model *m, int n, const int *nodes, nn_error *err)
{
    if (n < 1 || n > NN_MAX_MODEL_IO)
        return nn_error_set(err, NN_EARG, "a model has 1 to %d outputs, not %d",
                            NN_MAX_MODEL_IO, n);
    for (int k = 0; k < n; k++)
        if (nodes[k] < 0 || nodes[k] >= m->n_nodes)
            return nn_error_set(err, NN_EARG, "output %d is not a layer of this model", k + 1);
    m->sequential = 0;
    m->n_outputs = n;
    memcpy(m->outputs, nodes, (size_t)n * sizeof *nodes);
    return NN_OK;
}

nn_param *const *nn_model_params(nn_model *m, int *n)
{
    *n = m->n_params;
    return m->params;
}

/* ----------------------------------------------------------------- compile */

static nn_layer *output_layer(const nn_model *m)
{
    return m->n_outputs > 0 ? m->nodes[m->outputs[0]].layer : NULL;
}

nn_status nn_model_compile(nn_model *m, nn_compile_options *opt, nn_error *err)
{
    if (!opt->optimizer)
        return nn_error_set(err, NN_EARG, "compile: an optimizer is required");
    if (opt->n_metrics < 0 || opt->n_metrics > NN_MAX_METRICS) {
        nn_optim_free(opt->optimizer);
        opt->optimizer = NULL;
        return nn_error_set(err, NN_EARG, "compile: at most %d metrics", NN_MAX_METRICS);
    }
    if (m->n_nodes == 0) {
        nn_optim_free(opt->optimizer);
        opt->optimizer = NULL;
        return nn_error_set(err, NN_ESTATE, "compile: the model has no layers yet");
    }
    if (m->optimizer != opt->optimizer)
        nn_optim_free(m->optimizer);
    m->optimizer = opt->optimizer;
    opt->optimizer = NULL;
    m->loss = opt->loss;
    m->n_metrics = opt->n_metrics;
    memcpy(m->metrics, opt->metrics, sizeof m->metrics);
    for (int i = 0; i < m->n_metrics; i++)
        nn_metric_resolve(&m->metrics[i], &m->loss, NULL);
    for (int i = 0; i < m->n_nodes; i++)
        m->nodes[i].layer->grad_is_preact = 0;
    nn_layer *out = output_layer(m);
    m->fused = !m->loss.from_logits && m->n_outputs == 1 &&
               ((out->act.kind == NN_ACT_SOFTMAX &&
                 (m->loss.kind == NN_LOSS_CCE || m->loss.kind == NN_LOSS_SCCE)) ||
                (out->act.kind == NN_ACT_SIGMOID && m->loss.kind == NN_LOSS_BCE));
    out->grad_is_preact = m->fused;
    m->compiled = 1;
    m->has_backward = 0;
    return NN_OK;
}

int nn_model_result_names(const nn_model *m, const char **names, int max)
{
    int n = 0;
    if (n < max)
        names[n++] = "loss";
    for (int i = 0; i < m->n_metrics && n < max; i++)
        names[n++] = m->metrics[i].name;
    return n;
}

/* ----------------------------------------------------------------- forward */

static nn_status check_input(const nn_model *m, const nn_tensor *x, nn_error *err)
{
    const nn_shape *s = &m->input_shape[0];
    int ok = x->ndim == s->ndim + 1;
    for (int i = 0; ok && i < s->ndim; i++)
        ok = x->shape[i + 1] == s->dim[i];
    if (ok)
        return NN_OK;
    char want[96], got[96];
    const nn_layer *first = m->nodes[0].layer;
    const char *hint = "";
    if (x->ndim != s->ndim + 1 && x->size / (size_t)x->shape[0] == nn_shape_size(s))
        hint = " (same number of values per sample: reshape the data, e.g. x:reshape{n, ...})";
    return nn_error_set(err, NN_ESHAPE, "layer '%s' (%s) expects input of shape %s, got %s%s",
                        first->name, first->ops->type, nn_shape_str(want, sizeof want, s),
                        nn_shape_format(got, sizeof got, x->ndim, x->shape), hint);
}

static nn_status ensure_batch(nn_tensor **t, const nn_shape *s, int B, nn_error *err)
{
    int dims[NN_MAX_DIMS];
    int nd = nn_shape_with_batch(s, B, dims);
    return nn_tensor_ensure(t, nd, dims, err);
}

/* Copy x into the model's input buffer (float32), so the window and the
** stepping API can read the batch the last forward saw. */
static nn_status keep_input(nn_model *m, const nn_tensor *x, nn_error *err)
{
    if (m->last_x && x->data == m->last_x->data)
        return NN_OK;
    nn_status st = nn_tensor_ensure(&m->last_x, x->ndim, x->shape, err);
    if (st != NN_OK)
        return st;
    float *d = nn_tensor_f32(m->last_x);
    if (x->dtype == NN_F32)
        memcpy(d, x->data, x->size * sizeof *d);
    else
        for (size_t i = 0; i < x->size; i++)
            d[i] = nn_tensor_u8(x)[i];
    return NN_OK;
}

static const nn_tensor *source_tensor(const nn_model *m, int src)
{
    return src < 0 ? m->last_x : m->nodes[src].out;
}

nn_status nn_model_begin_forward(nn_model *m, const nn_tensor *x, nn_error *err)
{
    if (m->n_nodes == 0)
        return nn_error_set(err, NN_ESTATE, "the model has no layers");
    if (x->ndim < 2)
        return nn_error_set(err, NN_ESHAPE, "model input must have a batch axis first, got a "
                            "%d-D tensor", x->ndim);
    if (m->input_shape[0].ndim == 0) {     /* Keras builds on first call from the data */
        nn_shape s = {x->ndim - 1, {0}};
        for (int i = 1; i < x->ndim; i++)
            s.dim[i - 1] = x->shape[i];
        nn_status st = nn_model_set_input(m, 0, &s, err);
        if (st != NN_OK)
            return st;
    }
    nn_status st = nn_model_build(m, err);
    if (st == NN_OK)
        st = check_input(m, x, err);
    if (st == NN_OK)
        st = keep_input(m, x, err);
    m->has_forward = m->has_backward = 0;
    return st;
}

nn_status nn_model_forward_node(nn_model *m, int i, int training, nn_error *err)
{
    nn_node *node = &m->nodes[i];
    nn_layer *l = node->layer;
    const nn_tensor *in[NN_MAX_INPUTS];
    for (int k = 0; k < node->n_in; k++)
        in[k] = source_tensor(m, node->in[k]);
    nn_status st = ensure_batch(&node->out, &l->out_shape, m->last_x->shape[0], err);
    if (st == NN_OK)
        st = l->ops->forward(l, in, node->out, training, err);
    if (st == NN_OK && i == m->n_nodes - 1)
        m->has_forward = 1;
    return st;
}

const nn_tensor *nn_model_forward(nn_model *m, const nn_tensor *x, int training, nn_error *err)
{
    if (nn_model_begin_forward(m, x, err) != NN_OK)
        return NULL;
    for (int i = 0; i < m->n_nodes; i++)
        if (nn_model_forward_node(m, i, training, err) != NN_OK)
            return NULL;
    return m->nodes[m->outputs[0]].out;
}

/* -------------------------------------------------------- loss and backward */

/* sum over regularised parameters of l1 |w| + l2 w^2; adds d/dw to each grad */
static double weight_penalty(nn_model *m, int with_grad)
{
    double total = 0.0;
    for (int i = 0; i < m->n_params; i++) {
        nn_param *p = m->params[i];
        if (p->reg.l1 == 0.0f && p->reg.l2 == 0.0f)
            continue;
        const float *w = nn_tensor_f32(p->value);
        float *g = nn_tensor_f32(p->grad);
        double s1 = 0.0, s2 = 0.0;
        for (size_t j = 0; j < p->value->size; j++) {
            s1 += fabsf(w[j]);
            s2 += (double)w[j] * w[j];
            if (with_grad)
                g[j] += p->reg.l1 * (w[j] > 0 ? 1.0f : w[j] < 0 ? -1.0f : 0.0f) +
                        2.0f * p->reg.l2 * w[j];
        }
        total += p->reg.l1 * s1 + p->reg.l2 * s2;
    }
    return total;
}

/* Keras divides an activity regulariser's penalty by the batch size:
** penalty = (l1 sum|a| + l2 sum a^2) / B;  dpenalty/da = (l1 sign(a) + 2 l2 a) / B */
static double activity_penalty(const nn_layer *l, const nn_tensor *a, nn_tensor *grad)
{
    nn_regularizer r = l->activity_reg;
    if (r.l1 == 0.0f && r.l2 == 0.0f)
        return 0.0;
    double B = a->shape[0], s = 0.0;
    const float *v = nn_tensor_f32(a);
    for (size_t j = 0; j < a->size; j++) {
        s += r.l1 * fabsf(v[j]) + r.l2 * (double)v[j] * v[j];
        if (grad)
            nn_tensor_f32(grad)[j] += (float)((r.l1 * (v[j] > 0 ? 1.0 : v[j] < 0 ? -1.0 : 0.0) +
                                              2.0 * r.l2 * v[j]) / B);
    }
    return s / B;
}

/* Copy the targets into the model (float32), so the window can mark the true
** class of the batch the last loss saw. */
static nn_status keep_targets(nn_model *m, const nn_tensor *y, nn_error *err)
{
    nn_status st = nn_tensor_ensure(&m->last_y, y->ndim, y->shape, err);
    if (st != NN_OK)
        return st;
    float *d = nn_tensor_f32(m->last_y);
    for (size_t i = 0; i < y->size; i++)
        d[i] = nn_tensor_get(y, i);
    return NN_OK;
}

/* The loss of the output against y, regularisation included; when `grad`,
** the output's gradient goes into the output node's grad buffer. */
static nn_status model_loss(nn_model *m, const nn_tensor *y, int grad, double *loss,
                            nn_error *err)
{
    nn_node *out = &m->nodes[m->outputs[0]];
    const nn_tensor *pred = m->fused ? out->layer->z : out->out;
    if (y->shape[0] != out->out->shape[0]) {
        char a[96], b[96];
        return nn_error_set(err, NN_ESHAPE, "%s: targets of shape %s do not match the model's "
                            "output of shape %s (different number of samples)",
                            nn_loss_name(&m->loss), nn_shape_format(a, sizeof a, y->ndim, y->shape),
                            nn_shape_format(b, sizeof b, out->out->ndim, out->out->shape));
    }
    nn_status st = keep_targets(m, y, err);
    if (grad && st == NN_OK)
        st = nn_tensor_ensure(&out->grad, out->out->ndim, out->out->shape, err);
    if (st == NN_OK)
        st = nn_loss_compute_weighted(&m->loss, pred, y, m->fused, grad ? m->sample_weight : NULL,
                                      grad ? out->grad : NULL, loss, err);
    if (st != NN_OK) {
        /* the loss names itself; add which layer's output it was comparing with */
        return st;
    }
    if (!grad) {
        *loss += weight_penalty(m, 0);
        for (int i = 0; i < m->n_nodes; i++)
            *loss += activity_penalty(m->nodes[i].layer, m->nodes[i].out, NULL);
    }
    return NN_OK;
}

static nn_status zero_tensor(nn_tensor *t)
{
    memset(t->data, 0, t->size * sizeof(float));
    return NN_OK;
}

nn_status nn_model_begin_backward(nn_model *m, const nn_tensor *y, double *loss, nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "the model must be compiled before training: call "
                            "model:compile{optimizer = ..., loss = ...} first");
    if (!m->has_forward)
        return nn_error_set(err, NN_ESTATE, "backward needs a forward pass first");
    m->has_backward = 0;
    for (int i = 0; i < m->n_params; i++)
        zero_tensor(m->params[i]->grad);
    double value = 0.0;
    nn_status st = model_loss(m, y, 1, &value, err);
    if (st != NN_OK)
        return st;
    value += weight_penalty(m, 1);
    int out_idx = m->outputs[0];
    for (int i = 0; i < m->n_nodes; i++)
        m->nodes[i].grad_written = i == out_idx;
    m->last_loss = value;
    if (loss)
        *loss = value;
    return NN_OK;
}

int nn_model_node_has_grad(const nn_model *m, int i)
{
    return m->nodes[i].grad_written;
}

nn_status nn_model_backward_node(nn_model *m, int i, nn_error *err)
{
    nn_node *node = &m->nodes[i];
    nn_layer *l = node->layer;
    if (!node->grad_written) {     /* nothing downstream reads this node's output */
        m->has_backward = m->has_backward || i == 0;
        return NN_OK;
    }
    m->last_loss += activity_penalty(l, node->out, node->grad);
    const nn_tensor *in[NN_MAX_INPUTS];
    nn_tensor *dx[NN_MAX_INPUTS] = {NULL};
    for (int k = 0; k < node->n_in; k++) {
        int src = node->in[k];
        in[k] = source_tensor(m, src);
        if (src < 0)
            continue;       /* the gradient of the data itself is not needed */
        nn_node *s = &m->nodes[src];
        nn_tensor **target = s->grad_written ? &m->scratch : &s->grad;
        nn_status st = nn_tensor_ensure(target, s->out->ndim, s->out->shape, err);
        if (st != NN_OK)
            return st;
        dx[k] = *target;
    }
    nn_status st = l->ops->backward(l, in, node->out, node->grad, dx, err);
    if (st != NN_OK)
        return st;
    for (int k = 0; k < node->n_in; k++) {
        int src = node->in[k];
        if (src < 0)
            continue;
        nn_node *s = &m->nodes[src];
        if (s->grad_written) {      /* a second consumer: accumulate */
            float *g = nn_tensor_f32(s->grad);
            const float *add = nn_tensor_f32(m->scratch);
            for (size_t j = 0; j < s->grad->size; j++)
                g[j] += add[j];
        }
        s->grad_written = 1;
    }
    if (i == 0)
        m->has_backward = 1;
    return NN_OK;
}

nn_status nn_model_backward(nn_model *m, const nn_tensor *y, double *loss, nn_error *err)
{
    nn_status st = nn_model_begin_backward(m, y, NULL, err);
    for (int i = m->n_nodes - 1; i >= 0 && st == NN_OK; i--)
        st = nn_model_backward_node(m, i, err);
    if (st == NN_OK && loss)
        *loss = m->last_loss;
    return st;
}

nn_status nn_model_apply_gradients(nn_model *m, nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "the model must be compiled before training: call "
                            "model:compile{optimizer = ..., loss = ...} first");
    if (!m->has_backward)
        return nn_error_set(err, NN_ESTATE, "apply_gradients needs a backward pass first");
    nn_status st = nn_optim_step(m->optimizer, m->params, m->n_params, err);
    m->has_backward = 0;
    return st;
}

/* ------------------------------------------------------------ batch calls */

static void batch_metrics(nn_model *m, const nn_tensor *y, double *results)
{
    const nn_tensor *pred = m->nodes[m->outputs[0]].out;
    for (int k = 0; k < m->n_metrics; k++)
        results[1 + k] = nn_metric_batch_sum(&m->metrics[k], pred, y) / pred->shape[0];
}

nn_status nn_model_train_on_batch(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                                  double *results, nn_error *err)
{
    return nn_model_train_on_batch_weighted(m, x, y, NULL, results, err);
}

nn_status nn_model_train_on_batch_weighted(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                                           const float *sample_weight, double *results,
                                           nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "the model must be compiled before training: call "
                            "model:compile{optimizer = ..., loss = ...} first");
    if (!nn_model_forward(m, x, 1, err))
        return err ? err->code : NN_EARG;
    if (sample_weight && y->shape[0] != x->shape[0])
        return nn_error_set(err, NN_ESHAPE, "train_on_batch: x has %d samples but y has %d",
                            x->shape[0], y->shape[0]);
    m->sample_weight = sample_weight;
    nn_status st = nn_model_backward(m, y, &results[0], err);
    m->sample_weight = NULL;
    if (st != NN_OK)
        return st;
    batch_metrics(m, y, results);
    return nn_model_apply_gradients(m, err);
}

nn_status nn_model_test_on_batch(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                                 double *results, nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "the model must be compiled before evaluating: "
                            "call model:compile{...} first");
    if (!nn_model_forward(m, x, 0, err))
        return err ? err->code : NN_EARG;
    nn_status st = model_loss(m, y, 0, &results[0], err);
    if (st != NN_OK)
        return st;
    batch_metrics(m, y, results);
    return NN_OK;
}
