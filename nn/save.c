/* nn/save.c — model configs as Keras-shaped JSON, and model files as safetensors
** with the config, the compile settings and the training state in the metadata. */
#include "save.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"
#include "registry.h"
#include "safetensors.h"

#define NAME_MAX_LEN 128        /* "optimizer/<layer>/<weight>/<slot>" fits */

/* =========================================================== config: write */

static void batch_shape(nn_jbuf *b, const nn_shape *s)
{
    nn_jbuf_puts(b, "[null");
    for (int i = 0; i < s->ndim; i++)
        nn_jbuf_printf(b, ", %d", s->dim[i]);
    nn_jbuf_puts(b, "]");
}

/* {"name": ..., "trainable": true, "dtype": "float32", <the layer's own entries>},
** checked by reading it back, so a faulty config hook is caught at save time. */
static nn_status layer_config(nn_jbuf *out, const nn_layer *l, nn_error *err)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_puts(&b, "{\"name\": ");
    nn_jbuf_string(&b, l->name);
    nn_jbuf_puts(&b, ", \"trainable\": true, \"dtype\": \"float32\"");
    if (l->ops->config) {
        char small[1024], *text = small;
        int n = l->ops->config(l, small, sizeof small);
        if (n >= (int)sizeof small) {
            text = malloc((size_t)n + 1);
            if (text)
                l->ops->config(l, text, (size_t)n + 1);
        }
        if (text && n > 0) {
            nn_jbuf_puts(&b, ", ");
            nn_jbuf_raw(&b, text, (size_t)n);
        }
        if (!text)
            b.oom = 1;
        if (text != small)
            free(text);
    }
    nn_jbuf_puts(&b, "}");
    nn_status st = nn_jbuf_finish(&b, err);
    nn_error jerr;
    nn_json *check = st == NN_OK ? nn_json_parse(b.data, b.len, NULL, &jerr) : NULL;
    if (st == NN_OK && !check)
        st = nn_error_set(err, NN_EARG, "layer '%s' (%s) writes a config that is not valid "
                          "JSON: %s", l->name, l->ops->type, jerr.msg);
    nn_json_free(check);
    if (st == NN_OK)
        nn_jbuf_raw(out, b.data, b.len);
    nn_jbuf_free(&b);
    return st;
}

/* Keras 2 names a Functional model's inputs "input_1", "input_2", ...; a layer
** already named so pushes the input to another name. */
static void input_name(const nn_model *m, int k, char *buf, size_t len)
{
    snprintf(buf, len, "input_%d", k + 1);
    for (int extra = 1; nn_model_find_layer(m, buf) >= 0; extra++)
        snprintf(buf, len, "input_%d_%d", k + 1, extra);
}

static void source_name(const nn_model *m, int src, char *buf, size_t len)
{
    if (src < 0)
        input_name(m, -1 - src, buf, len);
    else
        snprintf(buf, len, "%s", m->nodes[src].layer->name);
}

static nn_status sequential_json(nn_jbuf *b, const nn_model *m, nn_error *err)
{
    nn_jbuf_puts(b, "\"layers\": [");
    int first = 1;
    if (m->input_shape[0].ndim > 0) {
        char name[64];
        snprintf(name, sizeof name, "%.40s_input", m->n_nodes ? m->nodes[0].layer->name : "");
        nn_jbuf_puts(b, "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": ");
        batch_shape(b, &m->input_shape[0]);
        nn_jbuf_puts(b, ", \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, "
                     "\"name\": ");
        nn_jbuf_string(b, name);
        nn_jbuf_puts(b, "}}");
        first = 0;
    }
    for (int i = 0; i < m->n_nodes; i++) {
        const nn_layer *l = m->nodes[i].layer;
        nn_jbuf_puts(b, first ? "" : ", ");
        first = 0;
        nn_jbuf_puts(b, "{\"class_name\": ");
        nn_jbuf_string(b, l->ops->type);
        nn_jbuf_puts(b, ", \"config\": ");
        nn_status st = layer_config(b, l, err);
        if (st != NN_OK)
            return st;
        nn_jbuf_puts(b, "}");
    }
    nn_jbuf_puts(b, "]");
    return NN_OK;
}

static nn_status functional_json(nn_jbuf *b, const nn_model *m, nn_error *err)
{
    char name[64];
    nn_jbuf_puts(b, "\"layers\": [");
    for (int k = 0; k < m->n_inputs; k++) {
        input_name(m, k, name, sizeof name);
        nn_jbuf_puts(b, k ? ", " : "");
        nn_jbuf_puts(b, "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": ");
        batch_shape(b, &m->input_shape[k]);
        nn_jbuf_puts(b, ", \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, "
                     "\"name\": ");
        nn_jbuf_string(b, name);
        nn_jbuf_puts(b, "}, \"name\": ");
        nn_jbuf_string(b, name);
        nn_jbuf_puts(b, ", \"inbound_nodes\": []}");
    }
    for (int i = 0; i < m->n_nodes; i++) {
        const nn_node *node = &m->nodes[i];
        const nn_layer *l = node->layer;
        nn_jbuf_puts(b, i || m->n_inputs ? ", " : "");
        nn_jbuf_puts(b, "{\"class_name\": ");
        nn_jbuf_string(b, l->ops->type);
        nn_jbuf_puts(b, ", \"config\": ");
        nn_status st = layer_config(b, l, err);
        if (st != NN_OK)
            return st;
        nn_jbuf_puts(b, ", \"name\": ");
        nn_jbuf_string(b, l->name);
        nn_jbuf_puts(b, ", \"inbound_nodes\": [[");
        for (int k = 0; k < node->n_in; k++) {
            source_name(m, node->in[k], name, sizeof name);
            nn_jbuf_puts(b, k ? ", [" : "[");
            nn_jbuf_string(b, name);
            nn_jbuf_puts(b, ", 0, 0, {}]");
        }
        nn_jbuf_puts(b, "]]}");
    }
    nn_jbuf_puts(b, "], \"input_layers\": [");
    for (int k = 0; k < m->n_inputs; k++) {
        input_name(m, k, name, sizeof name);
        nn_jbuf_puts(b, k ? ", [" : "[");
        nn_jbuf_string(b, name);
        nn_jbuf_puts(b, ", 0, 0]");
    }
    nn_jbuf_puts(b, "], \"output_layers\": [");
    for (int k = 0; k < m->n_outputs; k++) {
        nn_jbuf_puts(b, k ? ", [" : "[");
        nn_jbuf_string(b, m->nodes[m->outputs[k]].layer->name);
        nn_jbuf_puts(b, ", 0, 0]");
    }
    nn_jbuf_puts(b, "]");
    return NN_OK;
}

char *nn_model_to_json(const nn_model *m, const char *name, nn_error *err)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_printf(&b, "{\"class_name\": \"%s\", \"config\": {\"name\": ",
                   m->sequential ? "Sequential" : "Functional");
    nn_jbuf_string(&b, name ? name : m->sequential ? "sequential" : "model");
    nn_jbuf_puts(&b, ", ");
    nn_status st = m->sequential ? sequential_json(&b, m, err) : functional_json(&b, m, err);
    nn_jbuf_puts(&b, "}}");
    if (st == NN_OK)
        st = nn_jbuf_finish(&b, err);
    if (st != NN_OK) {
        nn_jbuf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ============================================================ config: read */

/* Build the model when its input shape is known (so that it has weights). */
static nn_status build_if_possible(nn_model *m, nn_error *err)
{
    if (m->n_nodes == 0 || m->input_shape[0].ndim == 0)
        return NN_OK;
    return nn_model_build(m, err);
}

static const char *layer_class_of(const nn_json *item, int index, nn_error *err)
{
    const char *cls = nn_json_str(nn_json_get(item, "class_name"));
    if (!nn_json_is_object(item) || !cls)
        nn_error_set(err, NN_EARG, "model config: layers[%d] needs a class_name and a config",
                     index + 1);
    return cls;
}

/* The per-sample input shape of an InputLayer entry. */
static nn_status input_layer_shape(const nn_json *item, int index, nn_shape *s, nn_error *err)
{
    const nn_json *cfg = nn_json_get(item, "config");
    const nn_json *shape = nn_json_get(cfg, "batch_input_shape");
    if (!shape)
        shape = nn_json_get(cfg, "batch_shape");
    char what[64];
    snprintf(what, sizeof what, "model config: layers[%d] (InputLayer)", index + 1);
    if (!shape)
        return nn_error_set(err, NN_EARG, "%s has no batch_input_shape", what);
    return nn_config_read_batch_shape(shape, what, s, err);
}

static nn_layer *layer_of(const nn_model *m, const nn_json *item, const char *cls, int index,
                          nn_error *err)
{
    const nn_json *cfg = nn_json_get(item, "config");
    if (!cfg) {
        nn_error_set(err, NN_EARG, "model config: layers[%d] (%s) has no config", index + 1,
                     cls);
        return NULL;
    }
    nn_layer *l = nn_layer_from_config(cls, cfg, err);
    /* a layer without a name gets one as in Keras ("dense_2"); given names must differ */
    if (l && nn_json_get(cfg, "name") && nn_model_find_layer(m, l->name) >= 0) {
        nn_error_set(err, NN_EARG, "model config: two layers are named '%s'", l->name);
        nn_layer_free(l);
        return NULL;
    }
    return l;
}

static nn_status sequential_from(nn_model *m, const nn_json *layers, nn_error *err)
{
    for (int i = 0; i < layers->n; i++) {
        const nn_json *item = &layers->items[i];
        const char *cls = layer_class_of(item, i, err);
        if (!cls)
            return NN_EARG;
        if (strcmp(cls, "InputLayer") == 0) {
            nn_shape s;
            if (i != 0)
                return nn_error_set(err, NN_EARG, "model config: a Sequential model's "
                                    "InputLayer must come first (it is layers[%d])", i + 1);
            nn_status st = input_layer_shape(item, i, &s, err);
            if (st == NN_OK)
                st = nn_model_set_input(m, 0, &s, err);
            if (st != NN_OK)
                return st;
            continue;
        }
        nn_layer *l = layer_of(m, item, cls, i, err);
        if (!l)
            return err ? err->code : NN_EARG;
        if (m->n_nodes > 0)
            l->input_hint.ndim = 0;     /* only the first layer's batch_input_shape counts */
        nn_status st = nn_model_add(m, l, err);
        if (st != NN_OK)
            return st;
    }
    return build_if_possible(m, err);
}

/* Index of `name` in a list of [name, 0, 0] entries (input_layers), or -1. */
static int find_in_refs(const nn_json *refs, const char *name)
{
    for (int k = 0; refs && k < refs->n; k++) {
        const nn_json *r = &refs->items[k];
        const char *n = nn_json_is_array(r) && r->n > 0 ? nn_json_str(&r->items[0]) : NULL;
        if (n && strcmp(n, name) == 0)
            return k;
    }
    return -1;
}

/* A [name, node_index, tensor_index, ...] entry of an inbound node or an
** input/output list; only node 0, tensor 0 exists (layers are not shared). */
static const char *ref_name(const nn_json *r, const char *what, nn_error *err)
{
    long long node = 0, tensor = 0;
    const char *name = nn_json_is_array(r) && r->n >= 1 ? nn_json_str(&r->items[0]) : NULL;
    if (!name || (r->n >= 2 && !nn_json_int(&r->items[1], 0, 0, &node)) ||
        (r->n >= 3 && !nn_json_int(&r->items[2], 0, 0, &tensor))) {
        nn_error_set(err, NN_EARG, "model config: %s must be [\"layer name\", 0, 0] (shared "
                     "layers and multi-output layers are not supported)", what);
        return NULL;
    }
    return name;
}

/* The source (node index, or -1 - k for input k) that `name` refers to. */
static int source_of(const nn_model *m, const nn_json *input_refs, const char *name,
                     const char *layer, nn_error *err)
{
    int k = find_in_refs(input_refs, name);
    if (k >= 0)
        return -1 - k;
    int node = nn_model_find_layer(m, name);
    if (node < 0)
        nn_error_set(err, NN_EARG, "model config: layer '%s' takes its input from '%s', which "
                     "is not an input nor a layer defined before it", layer, name);
    return node >= 0 ? node : INT32_MIN;
}

static nn_status functional_layer(nn_model *m, const nn_json *item, const char *cls, int index,
                                  const nn_json *input_refs, nn_error *err)
{
    const nn_json *inbound = nn_json_get(item, "inbound_nodes");
    nn_layer *l = layer_of(m, item, cls, index, err);
    if (!l)
        return err ? err->code : NN_EARG;
    char what[96];
    snprintf(what, sizeof what, "an inbound node entry of layer '%.48s'", l->name);
    if (!nn_json_is_array(inbound) || inbound->n != 1 ||
        !nn_json_is_array(&inbound->items[0]) || inbound->items[0].n < 1 ||
        inbound->items[0].n > NN_MAX_INPUTS) {
        nn_error_set(err, NN_EARG, "model config: layer '%s' must have exactly one inbound "
                     "node, a list of 1 to %d [\"layer name\", 0, 0, {}] entries", l->name,
                     NN_MAX_INPUTS);
        nn_layer_free(l);
        return NN_EARG;
    }
    const nn_json *node = &inbound->items[0];
    int in[NN_MAX_INPUTS];
    for (int k = 0; k < node->n; k++) {
        const char *src = ref_name(&node->items[k], what, err);
        in[k] = src ? source_of(m, input_refs, src, l->name, err) : INT32_MIN;
        if (in[k] == INT32_MIN) {
            nn_layer_free(l);
            return NN_EARG;
        }
    }
    l->input_hint.ndim = 0;
    if (nn_model_add_node(m, l, node->n, in, err) < 0)
        return err ? err->code : NN_EARG;
    return NN_OK;
}

static nn_status functional_from(nn_model *m, const nn_json *inner, nn_error *err)
{
    const nn_json *layers = nn_json_get(inner, "layers");
    const nn_json *ins = nn_json_get(inner, "input_layers");
    const nn_json *outs = nn_json_get(inner, "output_layers");
    if (!nn_json_is_array(ins) || ins->n < 1 || ins->n > NN_MAX_MODEL_IO ||
        !nn_json_is_array(outs) || outs->n < 1 || outs->n > NN_MAX_MODEL_IO)
        return nn_error_set(err, NN_EARG, "model config: a functional model needs input_layers "
                            "and output_layers, lists of 1 to %d [\"name\", 0, 0]",
                            NN_MAX_MODEL_IO);
    for (int k = 0; k < ins->n; k++) {
        if (!ref_name(&ins->items[k], "an input_layers entry", err))
            return NN_EARG;
        if (find_in_refs(ins, nn_json_str(&ins->items[k].items[0])) != k)
            return nn_error_set(err, NN_EARG, "model config: input_layers lists '%s' twice",
                                nn_json_str(&ins->items[k].items[0]));
    }
    m->n_inputs = ins->n;
    int shaped = 0;
    for (int i = 0; i < layers->n; i++) {
        const nn_json *item = &layers->items[i];
        const char *cls = layer_class_of(item, i, err);
        if (!cls)
            return NN_EARG;
        if (strcmp(cls, "InputLayer") != 0) {
            nn_status st = functional_layer(m, item, cls, i, ins, err);
            if (st != NN_OK)
                return st;
            continue;
        }
        const char *name = nn_json_str(nn_json_get(item, "name"));
        if (!name)
            name = nn_json_str(nn_json_get(nn_json_get(item, "config"), "name"));
        int k = name ? find_in_refs(ins, name) : -1;
        if (k < 0)
            return nn_error_set(err, NN_EARG, "model config: InputLayer '%s' is not listed in "
                                "input_layers", name ? name : "(no name)");
        nn_shape s;
        nn_status st = input_layer_shape(item, i, &s, err);
        if (st == NN_OK)
            st = nn_model_set_input(m, k, &s, err);
        if (st != NN_OK)
            return st;
        shaped |= 1 << k;
    }
    if (shaped != (1 << ins->n) - 1)
        return nn_error_set(err, NN_EARG, "model config: every entry of input_layers needs an "
                            "InputLayer with its shape");
    int out[NN_MAX_MODEL_IO];
    for (int k = 0; k < outs->n; k++) {
        const char *name = ref_name(&outs->items[k], "an output_layers entry", err);
        if (!name)
            return NN_EARG;
        out[k] = nn_model_find_layer(m, name);
        if (out[k] < 0)
            return nn_error_set(err, NN_EARG, "model config: output layer '%s' is not a layer "
                                "of the model", name);
    }
    nn_status st = nn_model_set_outputs(m, outs->n, out, err);
    return st == NN_OK ? nn_model_build(m, err) : st;
}

nn_model *nn_model_from_config(const nn_json *config, uint64_t seed, char *name,
                               size_t name_len, nn_error *err)
{
    const nn_json *inner = config;
    const char *cls = nn_json_str(nn_json_get(config, "class_name"));
    if (cls)
        inner = nn_json_get(config, "config");
    else
        cls = nn_json_get(config, "input_layers") ? "Functional" : "Sequential";
    int sequential = strcmp(cls, "Sequential") == 0;
    if (!sequential && strcmp(cls, "Functional") != 0 && strcmp(cls, "Model") != 0) {
        nn_error_set(err, NN_EARG, "model config: unknown model class '%s' (known: Sequential, "
                     "Functional)", cls);
        return NULL;
    }
    const nn_json *layers = nn_json_get(inner, "layers");
    if (!nn_json_is_object(inner) || !nn_json_is_array(layers)) {
        nn_error_set(err, NN_EARG, "model config: expected {\"class_name\": ..., \"config\": "
                     "{\"name\": ..., \"layers\": [...]}}");
        return NULL;
    }
    const nn_json *name_v = nn_json_get(inner, "name");
    if (name_v && !nn_json_str(name_v)) {
        nn_error_set(err, NN_EARG, "model config: the model's name must be a string, not %s",
                     nn_json_type_name(name_v));
        return NULL;
    }
    nn_model *m = nn_model_new(seed, err);
    if (!m)
        return NULL;
    nn_status st = sequential ? sequential_from(m, layers, err) : functional_from(m, inner, err);
    if (st != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    if (name && name_len > 0)
        snprintf(name, name_len, "%s", name_v ? name_v->string
                                              : sequential ? "sequential" : "model");
    return m;
}

nn_model *nn_model_from_json(const char *json, size_t len, uint64_t seed, char *name,
                             size_t name_len, nn_error *err)
{
    nn_error jerr;
    nn_json *cfg = nn_json_parse(json, len, NULL, &jerr);
    if (!cfg) {
        nn_error_set(err, jerr.code, "model config: %s", jerr.msg);
        return NULL;
    }
    nn_model *m = nn_model_from_config(cfg, seed, name, name_len, err);
    nn_json_free(cfg);
    return m;
}

/* ================================================================= compile */

static const char *const loss_classes[][2] = {
    {"mean_squared_error", "MeanSquaredError"},
    {"mean_absolute_error", "MeanAbsoluteError"},
    {"categorical_crossentropy", "CategoricalCrossentropy"},
    {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"},
    {"binary_crossentropy", "BinaryCrossentropy"},
};
#define N_LOSS_CLASSES (sizeof loss_classes / sizeof loss_classes[0])

/* The hyperparameters Keras's get_config() lists for each optimizer. */
static void optimizer_json(nn_jbuf *b, const nn_optimizer *o)
{
    nn_jbuf_printf(b, "{\"class_name\": \"%s\", \"config\": {\"name\": \"%s\", "
                   "\"learning_rate\": ", nn_optim_name(o), nn_optim_name(o));
    nn_jbuf_float(b, o->learning_rate);
    switch (o->kind) {
    case NN_OPT_SGD:
        nn_jbuf_puts(b, ", \"momentum\": ");
        nn_jbuf_float(b, o->momentum);
        nn_jbuf_printf(b, ", \"nesterov\": %s", o->nesterov ? "true" : "false");
        break;
    case NN_OPT_RMSPROP:
        nn_jbuf_puts(b, ", \"rho\": ");
        nn_jbuf_float(b, o->rho);
        nn_jbuf_puts(b, ", \"momentum\": ");
        nn_jbuf_float(b, o->momentum);
        nn_jbuf_puts(b, ", \"epsilon\": ");
        nn_jbuf_float(b, o->epsilon);
        nn_jbuf_printf(b, ", \"centered\": %s", o->centered ? "true" : "false");
        break;
    case NN_OPT_ADAGRAD:
        nn_jbuf_puts(b, ", \"initial_accumulator_value\": ");
        nn_jbuf_float(b, o->initial_accumulator_value);
        nn_jbuf_puts(b, ", \"epsilon\": ");
        nn_jbuf_float(b, o->epsilon);
        break;
    case NN_OPT_ADADELTA:
        nn_jbuf_puts(b, ", \"rho\": ");
        nn_jbuf_float(b, o->rho);
        nn_jbuf_puts(b, ", \"epsilon\": ");
        nn_jbuf_float(b, o->epsilon);
        break;
    default:        /* Adam, Nadam, Adamax */
        nn_jbuf_puts(b, ", \"beta_1\": ");
        nn_jbuf_float(b, o->beta_1);
        nn_jbuf_puts(b, ", \"beta_2\": ");
        nn_jbuf_float(b, o->beta_2);
        nn_jbuf_puts(b, ", \"epsilon\": ");
        nn_jbuf_float(b, o->epsilon);
        if (o->kind == NN_OPT_ADAM)
            nn_jbuf_printf(b, ", \"amsgrad\": %s", o->amsgrad ? "true" : "false");
    }
    nn_jbuf_puts(b, "}}");
}

char *nn_model_compile_json(const nn_model *m, nn_error *err)
{
    if (!m->compiled || !m->optimizer) {
        nn_error_set(err, NN_ESTATE, "the model is not compiled");
        return NULL;
    }
    if (m->loss.kind == NN_LOSS_CUSTOM || m->optimizer->kind == NN_OPT_CUSTOM) {
        nn_error_set(err, NN_EARG, "a loss or optimizer written in Lua cannot be saved");
        return NULL;
    }
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_puts(&b, "{\"optimizer\": ");
    optimizer_json(&b, m->optimizer);
    nn_jbuf_puts(&b, ", \"loss\": ");
    const char *loss = nn_loss_name(&m->loss);
    const char *cls = loss;
    for (size_t i = 0; i < N_LOSS_CLASSES; i++)
        if (strcmp(loss_classes[i][0], loss) == 0)
            cls = loss_classes[i][1];
    if (m->loss.from_logits) {
        nn_jbuf_puts(&b, "{\"class_name\": ");
        nn_jbuf_string(&b, cls);
        nn_jbuf_puts(&b, ", \"config\": {\"name\": ");
        nn_jbuf_string(&b, loss);
        nn_jbuf_puts(&b, ", \"from_logits\": true}}");
    } else {
        nn_jbuf_string(&b, loss);
    }
    nn_jbuf_puts(&b, ", \"metrics\": [");
    for (int i = 0; i < m->n_metrics; i++) {
        nn_jbuf_puts(&b, i ? ", " : "");
        nn_jbuf_string(&b, m->metrics[i].name);
    }
    nn_jbuf_puts(&b, "]}");
    if (nn_jbuf_finish(&b, err) != NN_OK) {
        nn_jbuf_free(&b);
        return NULL;
    }
    return b.data;
}

static nn_status loss_from(const nn_json *v, nn_loss *loss, nn_error *err)
{
    const char *name = nn_json_str(v);
    int from_logits = 0;
    if (!name && nn_json_is_object(v)) {
        const char *cls = nn_json_str(nn_json_get(v, "class_name"));
        const nn_json *cfg = nn_json_get(v, "config");
        for (size_t i = 0; cls && i < N_LOSS_CLASSES; i++)
            if (strcmp(loss_classes[i][1], cls) == 0)
                name = loss_classes[i][0];
        if (!name)
            return nn_error_set(err, NN_EARG, "compile config: unknown loss class '%s'",
                                cls ? cls : "(none)");
        const nn_json *fl = nn_json_get(cfg, "from_logits");
        from_logits = fl && fl->type == NN_JSON_TRUE;
    }
    if (!name)
        return nn_error_set(err, NN_EARG, "compile config: the loss must be a name or "
                            "{\"class_name\": ..., \"config\": {...}}");
    nn_error inner;
    if (nn_loss_parse(name, loss, &inner) != NN_OK)
        return nn_error_set(err, NN_EARG, "compile config: %s", inner.msg);
    loss->from_logits = from_logits;
    return NN_OK;
}

static const char *const optimizer_keys[] = {
    "learning_rate", "lr", "momentum", "nesterov", "rho", "beta_1", "beta_2", "epsilon",
    "initial_accumulator_value", "amsgrad", "centered", NULL,
};

static nn_status optimizer_hyper(nn_optimizer *o, const char *key, const nn_json *v,
                                 nn_error *err)
{
    int flag = v->type == NN_JSON_TRUE || v->type == NN_JSON_FALSE;
    if (v->type != NN_JSON_NUMBER && !flag)
        return nn_error_set(err, NN_EARG, "compile config: optimizer %s: '%s' must be a number, "
                            "not %s", nn_optim_name(o), key, nn_json_type_name(v));
    float x = flag ? (float)(v->type == NN_JSON_TRUE) : (float)v->number;
    if (strcmp(key, "learning_rate") == 0 || strcmp(key, "lr") == 0) {
        if (!(x >= 0.0f))
            return nn_error_set(err, NN_EARG, "compile config: optimizer %s: learning_rate must "
                                "be >= 0", nn_optim_name(o));
        o->learning_rate = x;
    }
    else if (strcmp(key, "momentum") == 0) o->momentum = x;
    else if (strcmp(key, "nesterov") == 0) o->nesterov = x != 0.0f;
    else if (strcmp(key, "rho") == 0) o->rho = x;
    else if (strcmp(key, "beta_1") == 0) o->beta_1 = x;
    else if (strcmp(key, "beta_2") == 0) o->beta_2 = x;
    else if (strcmp(key, "epsilon") == 0) o->epsilon = x;
    else if (strcmp(key, "initial_accumulator_value") == 0) o->initial_accumulator_value = x;
    else if (strcmp(key, "amsgrad") == 0) o->amsgrad = x != 0.0f;
    else if (strcmp(key, "centered") == 0) o->centered = x != 0.0f;
    return NN_OK;
}

static nn_optimizer *optimizer_from(const nn_json *v, nn_error *err)
{
    nn_error inner;
    if (nn_json_str(v)) {
        nn_optimizer *o = nn_optim_by_name(v->string, &inner);
        if (!o)
            nn_error_set(err, NN_EARG, "compile config: %s", inner.msg);
        return o;
    }
    const char *cls = nn_json_str(nn_json_get(v, "class_name"));
    const nn_json *cfg = nn_json_get(v, "config");
    nn_optim_kind kind;
    if (!cls || (cfg && !nn_json_is_object(cfg))) {
        nn_error_set(err, NN_EARG, "compile config: the optimizer must be a name or "
                     "{\"class_name\": ..., \"config\": {...}}");
        return NULL;
    }
    if (nn_optim_kind_parse(cls, &kind, &inner) != NN_OK) {
        nn_error_set(err, NN_EARG, "compile config: %s", inner.msg);
        return NULL;
    }
    nn_optimizer *o = nn_optim_new(kind, err);
    for (int i = 0; o && cfg && i < cfg->n; i++) {
        const char *key = cfg->keys[i];
        int known = 0;
        for (int k = 0; optimizer_keys[k]; k++)
            known |= strcmp(key, optimizer_keys[k]) == 0;
        nn_status st = NN_OK;
        if (!known && strcmp(key, "name") != 0)
            st = nn_error_set(err, NN_EARG, "compile config: optimizer %s: unknown config "
                              "entry '%s'", cls, key);
        else if (known)
            st = optimizer_hyper(o, key, &cfg->items[i], err);
        if (st != NN_OK) {
            nn_optim_free(o);
            return NULL;
        }
    }
    return o;
}

static nn_status compile_from(nn_model *m, const nn_json *c, nn_error *err)
{
    if (!nn_json_is_object(c))
        return nn_error_set(err, NN_EARG, "compile config: expected an object");
    nn_compile_options opt;
    memset(&opt, 0, sizeof opt);
    nn_status st = loss_from(nn_json_get(c, "loss"), &opt.loss, err);
    if (st != NN_OK)
        return st;
    const nn_json *metrics = nn_json_get(c, "metrics");
    if (metrics && metrics->type != NN_JSON_NULL) {
        if (!nn_json_is_array(metrics) || metrics->n > NN_MAX_METRICS)
            return nn_error_set(err, NN_EARG, "compile config: metrics must be a list of at "
                                "most %d names", NN_MAX_METRICS);
        for (int i = 0; i < metrics->n; i++) {
            const char *name = nn_json_str(&metrics->items[i]);
            nn_error inner;
            if (!name)
                return nn_error_set(err, NN_EARG, "compile config: metrics[%d] must be a name",
                                    i + 1);
            if (nn_metric_parse(name, &opt.metrics[i], &inner) != NN_OK)
                return nn_error_set(err, NN_EARG, "compile config: %s", inner.msg);
        }
        opt.n_metrics = metrics->n;
    }
    opt.optimizer = optimizer_from(nn_json_get(c, "optimizer"), err);
    if (!opt.optimizer)
        return err ? err->code : NN_EARG;
    return nn_model_compile(m, &opt, err);
}

/* ================================================================ weights */

/* Keras 3's names for each optimizer's state, by slot index (see optim.c). */
static const char *const slot_names[NN_OPT_COUNT][NN_OPT_SLOTS] = {
    [NN_OPT_SGD] = {"momentum"},
    [NN_OPT_RMSPROP] = {"velocity", "momentum", "average_gradient"},
    [NN_OPT_ADAGRAD] = {"accumulator"},
    [NN_OPT_ADADELTA] = {"accumulated_grad", "accumulated_delta_var"},
    [NN_OPT_ADAM] = {"momentum", "velocity", "velocity_hat"},
    [NN_OPT_NADAM] = {"momentum", "velocity"},
    [NN_OPT_ADAMAX] = {"m", "u"},
};

static const nn_layer *owner_of(const nn_model *m, const nn_param *p)
{
    for (int n = 0; n < m->n_nodes; n++) {
        const nn_layer *l = m->nodes[n].layer;
        if (p >= l->params && p < l->params + l->n_params)
            return l;
    }
    return NULL;
}

/* "dense/kernel": the layer's name, then the weight's. */
static void weight_name(char *buf, const nn_model *m, int i)
{
    const nn_layer *owner = owner_of(m, m->params[i]);
    snprintf(buf, NAME_MAX_LEN, "%s/%s", owner ? owner->name : "?", m->params[i]->name);
}

static void slot_name(char *buf, const nn_model *m, int i, int s)
{
    char w[NAME_MAX_LEN];
    weight_name(w, m, i);
    const char *sn = slot_names[m->optimizer->kind][s];
    if (sn)
        snprintf(buf, NAME_MAX_LEN, "optimizer/%.90s/%s", w, sn);
    else
        snprintf(buf, NAME_MAX_LEN, "optimizer/%.90s/slot_%d", w, s);
}


/* 1 when the optimizer's slots belong to the model's current parameters. */
static int optimizer_state_current(const nn_model *m)
{
    const nn_optimizer *o = m->optimizer;
    return o && o->kind != NN_OPT_CUSTOM && o->slots && o->n_params == m->n_params;
}

typedef struct save_list {
    nn_st_item *items;
    char (*names)[NAME_MAX_LEN];
    int n;
} save_list;

static nn_status list_tensors(nn_model *m, int with_optimizer, save_list *s, nn_error *err)
{
    int cap = m->n_params * (1 + (with_optimizer ? NN_OPT_SLOTS : 0));
    s->items = calloc((size_t)(cap ? cap : 1), sizeof *s->items);
    s->names = calloc((size_t)(cap ? cap : 1), sizeof *s->names);
    s->n = 0;
    if (!s->items || !s->names)
        return nn_error_set(err, NN_ENOMEM, "out of memory saving a model");
    for (int i = 0; i < m->n_params; i++) {
        weight_name(s->names[s->n], m, i);
        s->items[s->n].name = s->names[s->n];
        s->items[s->n].tensor = m->params[i]->value;
        s->n++;
    }
    if (!with_optimizer || !optimizer_state_current(m))
        return NN_OK;
    for (int i = 0; i < m->n_params; i++) {
        for (int k = 0; k < NN_OPT_SLOTS; k++) {
            const nn_tensor *t = m->optimizer->slots[i * NN_OPT_SLOTS + k];
            if (!t)
                continue;
            slot_name(s->names[s->n], m, i, k);
            s->items[s->n].name = s->names[s->n];
            s->items[s->n].tensor = t;
            s->n++;
        }
    }
    return NN_OK;
}

static void save_list_free(save_list *s)
{
    free(s->items);
    free(s->names);
}

/* {"rng_state": "hex", "rng_inc": "hex", "iterations": n, "nadam_mu_product": x} */
static char *state_json(const nn_model *m, int with_optimizer, nn_error *err)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_printf(&b, "{\"rng_state\": \"%016" PRIx64 "\", \"rng_inc\": \"%016" PRIx64 "\"",
                   m->rng.state, m->rng.inc);
    if (with_optimizer) {
        /* state made for other parameters is stale: the next step starts afresh */
        long iterations = optimizer_state_current(m) ? m->optimizer->iterations : 0;
        nn_jbuf_printf(&b, ", \"iterations\": %ld, \"nadam_mu_product\": ", iterations);
        nn_jbuf_number(&b, iterations ? m->optimizer->nadam_mu_product : 1.0);
    }
    nn_jbuf_puts(&b, "}");
    if (nn_jbuf_finish(&b, err) != NN_OK) {
        nn_jbuf_free(&b);
        return NULL;
    }
    return b.data;
}

static nn_status save_file(nn_model *m, const char *path, const char *name, int full,
                           nn_error *err)
{
    nn_status st = build_if_possible(m, err);
    if (st != NN_OK)
        return st;
    char *config = NULL, *compile = NULL, *state = NULL;
    nn_st_meta meta[4] = {{"nnscope_version", NN_VERSION}};
    int n_meta = 1;
    if (full) {
        nn_error cerr;
        config = nn_model_to_json(m, name, err);
        if (!config)
            return err ? err->code : NN_ENOMEM;
        compile = m->compiled ? nn_model_compile_json(m, &cerr) : NULL;
        if (m->compiled && !compile && cerr.code == NN_ENOMEM) {
            free(config);
            return nn_error_set(err, NN_ENOMEM, "out of memory saving a model");
        }
        state = state_json(m, compile != NULL, err);
        if (!state) {
            free(config);
            free(compile);
            return err ? err->code : NN_ENOMEM;
        }
        meta[n_meta++] = (nn_st_meta){"nnscope_config", config};
        if (compile)
            meta[n_meta++] = (nn_st_meta){"nnscope_compile", compile};
        meta[n_meta++] = (nn_st_meta){"nnscope_state", state};
    }
    save_list list;
    st = list_tensors(m, compile != NULL, &list, err);
    if (st == NN_OK)
        st = nn_safetensors_write(path, list.items, list.n, meta, n_meta, err);
    save_list_free(&list);
    free(config);
    free(compile);
    free(state);
    return st;
}

nn_status nn_model_save(nn_model *m, const char *path, const char *name, nn_error *err)
{
    return save_file(m, path, name, 1, err);
}

nn_status nn_model_save_weights(nn_model *m, const char *path, nn_error *err)
{
    return save_file(m, path, NULL, 0, err);
}

/* ---------------------------------------------------------------- loading */

static int is_optimizer_tensor(const char *name)
{
    return strncmp(name, "optimizer/", 10) == 0;
}

static nn_status shape_mismatch(const nn_model *m, int i, const nn_st_entry *e, nn_error *err)
{
    const nn_param *p = m->params[i];
    const nn_layer *l = owner_of(m, p);
    char a[96], b[160];
    if (e->dtype != NN_F32)
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (%s): weight '%s' is stored as U8 in "
                            "the file (tensor '%s'); weights must be F32", l->name,
                            l->ops->type, p->name, e->name);
    return nn_error_set(err, NN_ESHAPE, "layer '%s' (%s): weight '%s' has shape %s in the model "
                        "but %s in the file (tensor '%s')", l->name, l->ops->type, p->name,
                        nn_shape_format(a, sizeof a, p->value->ndim, p->value->shape),
                        nn_st_shape_str(b, sizeof b, e), e->name);
}

static int entry_fits(const nn_st_entry *e, const nn_tensor *t)
{
    if (e->dtype != NN_F32 || e->ndim != t->ndim)
        return 0;
    for (int d = 0; d < t->ndim; d++)
        if (e->shape[d] != t->shape[d])
            return 0;
    return 1;
}

static int compare_entry_begin(const void *a, const void *b)
{
    const nn_st_entry *x = *(const nn_st_entry *const *)a, *y = *(const nn_st_entry *const *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* found[i] = the file's tensor for parameter i: by name, or (when allowed and
** not every name is there) by position among the non-optimizer tensors. */
static nn_status match_weights(const nn_model *m, const nn_safetensors *f, int by_position,
                               const nn_st_entry **found, nn_error *err)
{
    char name[NAME_MAX_LEN];
    int missing = -1;
    for (int i = 0; i < m->n_params; i++) {
        weight_name(name, m, i);
        found[i] = nn_safetensors_find(f, name);
        if (!found[i] && missing < 0)
            missing = i;
    }
    if (missing >= 0 && !by_position) {
        const nn_layer *l = owner_of(m, m->params[missing]);
        weight_name(name, m, missing);
        return nn_error_set(err, NN_EARG, "the file does not fit the model's config: it has no "
                            "tensor '%s' for layer '%s' (%s)", name, l->name, l->ops->type);
    }
    if (missing >= 0) {
        int n = nn_safetensors_count(f), k = 0;
        const nn_st_entry **order = malloc((size_t)(n ? n : 1) * sizeof *order);
        if (!order)
            return nn_error_set(err, NN_ENOMEM, "out of memory loading weights");
        for (int i = 0; i < n; i++)
            if (!is_optimizer_tensor(nn_safetensors_entry(f, i)->name))
                order[k++] = nn_safetensors_entry(f, i);
        qsort(order, (size_t)k, sizeof *order, compare_entry_begin);
        if (k != m->n_params) {
            free(order);
            weight_name(name, m, missing);
            return nn_error_set(err, NN_EARG, "the file has %d weight tensors but the model has "
                                "%d (and no tensor named '%s', so they cannot be matched by "
                                "name)", k, m->n_params, name);
        }
        for (int i = 0; i < k; i++)
            found[i] = order[i];
        free(order);
    }
    for (int i = 0; i < m->n_params; i++)
        if (!entry_fits(found[i], m->params[i]->value))
            return shape_mismatch(m, i, found[i], err);
    return NN_OK;
}

/* Read every found[i] into a new tensor, then (all read) copy into dst[i]. */
static nn_status read_all(const nn_safetensors *f, const nn_st_entry *const *found,
                          nn_tensor *const *dst, int n, nn_error *err)
{
    nn_tensor **tmp = calloc((size_t)(n ? n : 1), sizeof *tmp);
    if (!tmp)
        return nn_error_set(err, NN_ENOMEM, "out of memory loading weights");
    nn_status st = NN_OK;
    for (int i = 0; i < n && st == NN_OK; i++) {
        tmp[i] = nn_safetensors_tensor(f, found[i], err);
        if (!tmp[i])
            st = err ? err->code : NN_EIO;
    }
    for (int i = 0; i < n && st == NN_OK; i++)
        memcpy(dst[i]->data, tmp[i]->data, dst[i]->size * sizeof(float));
    for (int i = 0; i < n; i++)
        nn_tensor_free(tmp[i]);
    free(tmp);
    return st;
}

static nn_status load_params(nn_model *m, const nn_safetensors *f, int by_position, char *used,
                             nn_error *err)
{
    const nn_st_entry **found = calloc((size_t)(m->n_params ? m->n_params : 1), sizeof *found);
    nn_tensor **dst = calloc((size_t)(m->n_params ? m->n_params : 1), sizeof *dst);
    nn_status st = found && dst ? NN_OK : nn_error_set(err, NN_ENOMEM, "out of memory loading "
                                                        "weights");
    if (st == NN_OK)
        st = match_weights(m, f, by_position, found, err);
    for (int i = 0; i < m->n_params && st == NN_OK; i++) {
        dst[i] = m->params[i]->value;
        if (used)
            used[found[i] - nn_safetensors_entry(f, 0)] = 1;
    }
    if (st == NN_OK)
        st = read_all(f, found, dst, m->n_params, err);
    free(found);
    free(dst);
    return st;
}

nn_status nn_model_load_weights(nn_model *m, const char *path, nn_error *err)
{
    nn_status st = build_if_possible(m, err);
    if (st != NN_OK)
        return st;
    if (!m->built)
        return nn_error_set(err, NN_ESTATE, "load_weights: the model is not built yet (its input "
                            "shape is unknown: give the first layer input_shape = {...})");
    nn_safetensors *f = nn_safetensors_open(path, err);
    if (!f)
        return err ? err->code : NN_EIO;
    st = load_params(m, f, 1, NULL, err);
    nn_safetensors_close(f);
    return st;
}

static int parse_hex64(const char *s, uint64_t *out)
{
    if (!s || strlen(s) != 16)
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return 0;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return 1;
}

static nn_status restore_state(nn_model *m, const nn_safetensors *f, const nn_json *state,
                               char *used, nn_error *err)
{
    if (!state)
        return NN_OK;
    if (!nn_json_is_object(state))
        return nn_error_set(err, NN_EFORMAT, "nnscope_state must be a JSON object");
    const nn_json *rs = nn_json_get(state, "rng_state"), *ri = nn_json_get(state, "rng_inc");
    if (rs || ri) {
        nn_rng r;
        if (!parse_hex64(nn_json_str(rs), &r.state) || !parse_hex64(nn_json_str(ri), &r.inc) ||
            !(r.inc & 1))
            return nn_error_set(err, NN_EFORMAT, "nnscope_state: rng_state and rng_inc must be "
                                "16 hex digits (and rng_inc odd)");
        m->rng = r;
    }
    long long iterations = 0;
    const nn_json *it = nn_json_get(state, "iterations");
    if (it && !nn_json_int(it, 0, 1LL << 53, &iterations))
        return nn_error_set(err, NN_EFORMAT, "nnscope_state: iterations must be a non-negative "
                            "integer");
    if (iterations == 0 || !m->compiled || m->optimizer->kind == NN_OPT_CUSTOM)
        return NN_OK;
    nn_optimizer *o = m->optimizer;
    const nn_json *mu = nn_json_get(state, "nadam_mu_product");
    if (mu && mu->type != NN_JSON_NUMBER)
        return nn_error_set(err, NN_EFORMAT, "nnscope_state: nadam_mu_product must be a number");
    nn_status st = nn_optim_build(o, m->params, m->n_params, err);
    if (st != NN_OK)
        return st;
    int n = m->n_params * NN_OPT_SLOTS, k = 0;
    const nn_st_entry **found = calloc((size_t)(n ? n : 1), sizeof *found);
    nn_tensor **dst = calloc((size_t)(n ? n : 1), sizeof *dst);
    if (!found || !dst)
        st = nn_error_set(err, NN_ENOMEM, "out of memory loading the optimizer's state");
    for (int i = 0; i < m->n_params && st == NN_OK; i++) {
        for (int s = 0; s < NN_OPT_SLOTS && st == NN_OK; s++) {
            nn_tensor *t = o->slots[i * NN_OPT_SLOTS + s];
            if (!t)
                continue;
            char name[NAME_MAX_LEN], a[96], b[160];
            slot_name(name, m, i, s);
            const nn_st_entry *e = nn_safetensors_find(f, name);
            if (!e)
                st = nn_error_set(err, NN_EARG, "the file does not fit the model's config: it "
                                  "has no optimizer state '%s' (%s after %lld steps)", name,
                                  nn_optim_name(o), iterations);
            else if (!entry_fits(e, t))
                st = nn_error_set(err, NN_ESHAPE, "optimizer state '%s' has shape %s in the file "
                                  "but the weight has shape %s", name,
                                  nn_st_shape_str(b, sizeof b, e),
                                  nn_shape_format(a, sizeof a, t->ndim, t->shape));
            if (st != NN_OK)
                break;
            found[k] = e;
            dst[k++] = t;
            used[e - nn_safetensors_entry(f, 0)] = 1;
        }
    }
    if (st == NN_OK)
        st = read_all(f, found, dst, k, err);
    free(found);
    free(dst);
    if (st != NN_OK)
        return st;
    o->iterations = (long)iterations;
    o->nadam_mu_product = mu ? mu->number : 1.0;
    return NN_OK;
}

/* Parse metadata `key` as JSON (NULL when absent). */
static nn_status meta_json(const nn_safetensors *f, const char *key, nn_json **out,
                           nn_error *err)
{
    const char *text = nn_safetensors_meta(f, key);
    *out = NULL;
    if (!text)
        return NN_OK;
    nn_error jerr;
    *out = nn_json_parse(text, strlen(text), NULL, &jerr);
    if (!*out)
        return nn_error_set(err, NN_EFORMAT, "%s is not valid JSON: %s", key, jerr.msg);
    return NN_OK;
}

static nn_model *load_from(const nn_safetensors *f, uint64_t seed, char *name, size_t name_len,
                           nn_error *err)
{
    nn_json *config = NULL, *compile = NULL, *state = NULL;
    nn_model *m = NULL;
    char *used = calloc((size_t)nn_safetensors_count(f) + 1, 1);
    nn_status st = used ? NN_OK : nn_error_set(err, NN_ENOMEM, "out of memory loading a model");
    if (st == NN_OK && !nn_safetensors_meta(f, "nnscope_config"))
        st = nn_error_set(err, NN_EFORMAT, "the file holds weights only (no model config in its "
                          "metadata): build the model and call load_weights");
    if (st == NN_OK)
        st = meta_json(f, "nnscope_config", &config, err);
    if (st == NN_OK)
        st = meta_json(f, "nnscope_compile", &compile, err);
    if (st == NN_OK)
        st = meta_json(f, "nnscope_state", &state, err);
    if (st == NN_OK && !(m = nn_model_from_config(config, seed, name, name_len, err)))
        st = err ? err->code : NN_EARG;
    if (st == NN_OK)
        st = load_params(m, f, 0, used, err);
    if (st == NN_OK && compile)
        st = compile_from(m, compile, err);
    if (st == NN_OK)
        st = restore_state(m, f, state, used, err);
    for (int i = 0; i < nn_safetensors_count(f) && st == NN_OK; i++)
        if (!used[i])
            st = nn_error_set(err, NN_EARG, "the file does not fit the model's config: tensor "
                              "'%s' belongs to no weight of the model", nn_safetensors_entry(f,
                              i)->name);
    nn_json_free(config);
    nn_json_free(compile);
    nn_json_free(state);
    free(used);
    if (st != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    return m;
}

nn_model *nn_model_load(const char *path, uint64_t seed, char *name, size_t name_len,
                        nn_error *err)
{
    nn_safetensors *f = nn_safetensors_open(path, err);
    if (!f)
        return NULL;
    nn_error inner;
    nn_model *m = load_from(f, seed, name, name_len, &inner);
    nn_safetensors_close(f);
    if (!m)
        nn_error_set(err, inner.code, "%s: %s", path, inner.msg);
    return m;
}
