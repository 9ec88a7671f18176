/* nn/registry.c — rebuilding layers from Keras configs; initializers, regularizers
** and activations written and read in Keras's form. */
#include "registry.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation_layer.h"
#include "batchnorm.h"
#include "conv2d.h"
#include "dense.h"
#include "dropout.h"
#include "flatten.h"
#include "merge.h"
#include "pool2d.h"
#include "reshape.h"

/* ------------------------------------------------------------------ writing */

void nn_config_append(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*at < len ? buf + *at : NULL, *at < len ? len - *at : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at += (size_t)n;
}

void nn_config_float(char *buf, size_t len, size_t *at, float v)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_float(&b, v);
    nn_config_append(buf, len, at, "%s", b.data && !b.oom ? b.data : "null");
    nn_jbuf_free(&b);
}

static const char *const init_classes[NN_INIT_COUNT] = {
    "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform",
    "Zeros", "Ones", "RandomNormal", "RandomUniform", "Constant",
};

void nn_config_initializer(char *buf, size_t len, size_t *at, nn_initializer init)
{
    if (init.kind < 0 || init.kind >= NN_INIT_COUNT)
        init.kind = NN_INIT_GLOROT_UNIFORM;
    nn_config_append(buf, len, at, "{\"class_name\": \"%s\", \"config\": {",
                     init_classes[init.kind]);
    switch (init.kind) {
    case NN_INIT_RANDOM_NORMAL:
        nn_config_append(buf, len, at, "\"mean\": ");
        nn_config_float(buf, len, at, init.a);
        nn_config_append(buf, len, at, ", \"stddev\": ");
        nn_config_float(buf, len, at, init.b);
        nn_config_append(buf, len, at, ", \"seed\": null");
        break;
    case NN_INIT_RANDOM_UNIFORM:
        nn_config_append(buf, len, at, "\"minval\": ");
        nn_config_float(buf, len, at, init.a);
        nn_config_append(buf, len, at, ", \"maxval\": ");
        nn_config_float(buf, len, at, init.b);
        nn_config_append(buf, len, at, ", \"seed\": null");
        break;
    case NN_INIT_CONSTANT:
        nn_config_append(buf, len, at, "\"value\": ");
        nn_config_float(buf, len, at, init.a);
        break;
    case NN_INIT_ZEROS:
    case NN_INIT_ONES:
        break;
    default:
        nn_config_append(buf, len, at, "\"seed\": null");
    }
    nn_config_append(buf, len, at, "}}");
}

void nn_config_regularizer(char *buf, size_t len, size_t *at, nn_regularizer r)
{
    if (r.l1 == 0.0f && r.l2 == 0.0f) {
        nn_config_append(buf, len, at, "null");
        return;
    }
    const char *cls = r.l1 == 0.0f ? "L2" : r.l2 == 0.0f ? "L1" : "L1L2";
    nn_config_append(buf, len, at, "{\"class_name\": \"%s\", \"config\": {", cls);
    if (r.l1 != 0.0f) {
        nn_config_append(buf, len, at, "\"l1\": ");
        nn_config_float(buf, len, at, r.l1);
    }
    if (r.l2 != 0.0f) {
        nn_config_append(buf, len, at, "%s\"l2\": ", r.l1 != 0.0f ? ", " : "");
        nn_config_float(buf, len, at, r.l2);
    }
    nn_config_append(buf, len, at, "}}");
}

void nn_config_kernel_bias(char *buf, size_t len, size_t *at, nn_initializer kernel_init,
                           nn_initializer bias_init, nn_regularizer kernel_reg,
                           nn_regularizer bias_reg, nn_regularizer activity_reg)
{
    nn_config_append(buf, len, at, ", \"kernel_initializer\": ");
    nn_config_initializer(buf, len, at, kernel_init);
    nn_config_append(buf, len, at, ", \"bias_initializer\": ");
    nn_config_initializer(buf, len, at, bias_init);
    nn_config_append(buf, len, at, ", \"kernel_regularizer\": ");
    nn_config_regularizer(buf, len, at, kernel_reg);
    nn_config_append(buf, len, at, ", \"bias_regularizer\": ");
    nn_config_regularizer(buf, len, at, bias_reg);
    nn_config_append(buf, len, at, ", \"activity_regularizer\": ");
    nn_config_regularizer(buf, len, at, activity_reg);
    nn_config_append(buf, len, at, ", \"kernel_constraint\": null, \"bias_constraint\": null");
}

/* ------------------------------------------------------------------ reading */

static nn_status bad_value(nn_error *err, const char *layer, const char *key, const char *want,
                           const nn_json *got)
{
    return nn_error_set(err, NN_EARG, "layer '%s': config entry '%s' must be %s, not %s", layer,
                        key, want, nn_json_type_name(got));
}

nn_status nn_config_read_int(const nn_json *config, const char *key, const char *layer,
                             long long lo, long long hi, int *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    long long n;
    if (!v)
        return NN_OK;
    if (!nn_json_int(v, lo, hi, &n)) {
        if (v->type == NN_JSON_NUMBER)
            return nn_error_set(err, NN_EARG, "layer '%s': config entry '%s' must be an integer "
                                "from %lld to %lld, not %g", layer, key, lo, hi, v->number);
        return bad_value(err, layer, key, "an integer", v);
    }
    *out = (int)n;
    return NN_OK;
}

nn_status nn_config_read_float(const nn_json *config, const char *key, const char *layer,
                               float *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    if (!v)
        return NN_OK;
    if (v->type != NN_JSON_NUMBER)
        return bad_value(err, layer, key, "a number", v);
    *out = (float)v->number;
    return NN_OK;
}

nn_status nn_config_read_bool(const nn_json *config, const char *key, const char *layer,
                              int *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    if (!v)
        return NN_OK;
    if (v->type != NN_JSON_TRUE && v->type != NN_JSON_FALSE)
        return bad_value(err, layer, key, "true or false", v);
    *out = v->type == NN_JSON_TRUE;
    return NN_OK;
}

nn_status nn_config_read_activation(const nn_json *config, const char *key, const char *layer,
                                    nn_activation *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    if (!v || v->type == NN_JSON_NULL)
        return NN_OK;
    if (v->type != NN_JSON_STRING)
        return bad_value(err, layer, key, "an activation name such as \"relu\"", v);
    nn_error inner;
    if (nn_activation_parse(v->string, out, &inner) != NN_OK)
        return nn_error_set(err, NN_EARG, "layer '%s': %s: %s", layer, key, inner.msg);
    return NN_OK;
}

/* A {"class_name": ..., "config": {...}} object: its class and its config (NULL
** when there is none). */
static nn_status class_and_config(const nn_json *v, const char *layer, const char *key,
                                  const char **cls, const nn_json **cfg, nn_error *err)
{
    *cls = nn_json_str(nn_json_get(v, "class_name"));
    *cfg = nn_json_get(v, "config");
    if (!*cls)
        return nn_error_set(err, NN_EARG, "layer '%s': config entry '%s' needs a class_name",
                            layer, key);
    if (*cfg && !nn_json_is_object(*cfg) && (*cfg)->type != NN_JSON_NULL)
        return bad_value(err, layer, key, "an object with a config object", *cfg);
    return NN_OK;
}

/* Read `name` from cfg into *out when present: a number (or null, which keeps *out). */
static nn_status init_arg(const nn_json *cfg, const char *name, const char *layer,
                          const char *key, float *out, nn_error *err)
{
    const nn_json *v = nn_json_get(cfg, name);
    if (!v || v->type == NN_JSON_NULL)
        return NN_OK;
    if (v->type != NN_JSON_NUMBER)
        return nn_error_set(err, NN_EARG, "layer '%s': %s: '%s' must be a number, not %s", layer,
                            key, name, nn_json_type_name(v));
    *out = (float)v->number;
    return NN_OK;
}

nn_status nn_config_read_initializer(const nn_json *config, const char *key, const char *layer,
                                     nn_initializer *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    if (!v)
        return NN_OK;
    nn_error inner;
    if (v->type == NN_JSON_STRING) {
        if (nn_init_parse(v->string, out, &inner) != NN_OK)
            return nn_error_set(err, NN_EARG, "layer '%s': %s: %s", layer, key, inner.msg);
        return NN_OK;
    }
    if (!nn_json_is_object(v))
        return bad_value(err, layer, key, "an initializer", v);
    const char *cls;
    const nn_json *cfg;
    nn_status st = class_and_config(v, layer, key, &cls, &cfg, err);
    if (st != NN_OK)
        return st;
    int kind = -1;
    for (int k = 0; k < NN_INIT_COUNT; k++)
        if (strcmp(cls, init_classes[k]) == 0 || strcmp(cls, nn_init_name((nn_init_kind)k)) == 0)
            kind = k;
    if (kind < 0)
        return nn_error_set(err, NN_EARG, "layer '%s': %s: unknown initializer class '%s'",
                            layer, key, cls);
    nn_init_parse(nn_init_name((nn_init_kind)kind), out, NULL);     /* Keras's defaults */
    switch (kind) {
    case NN_INIT_RANDOM_NORMAL:
        st = init_arg(cfg, "mean", layer, key, &out->a, err);
        if (st == NN_OK)
            st = init_arg(cfg, "stddev", layer, key, &out->b, err);
        break;
    case NN_INIT_RANDOM_UNIFORM:
        st = init_arg(cfg, "minval", layer, key, &out->a, err);
        if (st == NN_OK)
            st = init_arg(cfg, "maxval", layer, key, &out->b, err);
        break;
    case NN_INIT_CONSTANT:
        st = init_arg(cfg, "value", layer, key, &out->a, err);
        break;
    default:
        break;
    }
    return st;
}

nn_status nn_config_read_regularizer(const nn_json *config, const char *key, const char *layer,
                                     nn_regularizer *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    if (!v)
        return NN_OK;
    nn_regularizer r = {0.0f, 0.0f};
    if (v->type == NN_JSON_NULL) {
        *out = r;
        return NN_OK;
    }
    if (v->type == NN_JSON_STRING) {       /* Keras: "l1", "l2", "l1_l2" mean 0.01 each */
        const char *s = v->string;
        if (strcmp(s, "l1") && strcmp(s, "l2") && strcmp(s, "l1_l2"))
            return nn_error_set(err, NN_EARG, "layer '%s': %s: unknown regularizer '%s' (known: "
                                "l1, l2, l1_l2)", layer, key, s);
        r.l1 = strcmp(s, "l2") ? 0.01f : 0.0f;
        r.l2 = strcmp(s, "l1") ? 0.01f : 0.0f;
        *out = r;
        return NN_OK;
    }
    if (!nn_json_is_object(v))
        return bad_value(err, layer, key, "a regularizer or null", v);
    const char *cls;
    const nn_json *cfg;
    nn_status st = class_and_config(v, layer, key, &cls, &cfg, err);
    if (st != NN_OK)
        return st;
    int l1 = strcmp(cls, "L1") == 0 || strcmp(cls, "L1L2") == 0;
    int l2 = strcmp(cls, "L2") == 0 || strcmp(cls, "L1L2") == 0;
    if (!l1 && !l2)
        return nn_error_set(err, NN_EARG, "layer '%s': %s: unknown regularizer class '%s' "
                            "(known: L1, L2, L1L2)", layer, key, cls);
    /* Keras's defaults: 0.01 for L1 and L2 alone, 0 for L1L2's */
    int both = l1 && l2;
    r.l1 = l1 && !both ? 0.01f : 0.0f;
    r.l2 = l2 && !both ? 0.01f : 0.0f;
    if (l1)
        st = init_arg(cfg, "l1", layer, key, &r.l1, err);
    if (st == NN_OK && l2)
        st = init_arg(cfg, "l2", layer, key, &r.l2, err);
    if (st == NN_OK)
        *out = r;
    return st;
}

int nn_config_read_ints(const nn_json *config, const char *key, const char *layer, int n,
                        int *out, nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    int max = n > 0 ? n : NN_MAX_DIMS - 1;
    if (!v || !nn_json_is_array(v) || v->n < 1 || v->n > max || (n > 0 && v->n != n)) {
        if (n > 0)
            nn_error_set(err, NN_EARG, "layer '%s': config entry '%s' must be a list of %d "
                         "positive integers", layer, key, n);
        else
            nn_error_set(err, NN_EARG, "layer '%s': config entry '%s' must be a list of 1 to "
                         "%d positive integers", layer, key, max);
        return -1;
    }
    for (int i = 0; i < v->n; i++) {
        long long d;
        if (!nn_json_int(&v->items[i], 1, 1 << 28, &d)) {
            nn_error_set(err, NN_EARG, "layer '%s': config entry '%s': item %d must be a "
                         "positive integer", layer, key, i + 1);
            return -1;
        }
        out[i] = (int)d;
    }
    return v->n;
}

nn_status nn_config_read_batch_shape(const nn_json *v, const char *what, nn_shape *out,
                                     nn_error *err)
{
    if (!nn_json_is_array(v) || v->n < 2 || v->n > NN_MAX_DIMS)
        return nn_error_set(err, NN_EARG, "%s: a batch shape must be a list such as [null, 784] "
                            "with 1 to %d dimensions after the batch", what, NN_MAX_DIMS - 1);
    long long d;
    if (v->items[0].type != NN_JSON_NULL && !nn_json_int(&v->items[0], 1, 1 << 30, &d))
        return nn_error_set(err, NN_EARG, "%s: the batch entry of a batch shape must be null or "
                            "a positive integer", what);
    nn_shape s = {v->n - 1, {0}};
    for (int i = 1; i < v->n; i++) {
        if (!nn_json_int(&v->items[i], 1, 1 << 28, &d))
            return nn_error_set(err, NN_EARG, "%s: batch shape entry %d must be a positive "
                                "integer", what, i + 1);
        s.dim[i - 1] = (int)d;
    }
    *out = s;
    return NN_OK;
}

/* ---------------------------------------------------------------- registry */

typedef nn_layer *(*from_config_fn)(const nn_json *config, const char *name, nn_error *err);

/* Config entries a class does not support are accepted only when null. */
static nn_status refuse_unless_null(const nn_json *config, const char *key, const char *layer,
                                    nn_error *err)
{
    const nn_json *v = nn_json_get(config, key);
    if (v && v->type != NN_JSON_NULL)
        return nn_error_set(err, NN_EARG, "layer '%s': '%s' is not supported (only null)", layer,
                            key);
    return NN_OK;
}

/* The members Dense and Conv2D share (nn_config_kernel_bias writes them):
** initializers, regularizers, and constraints that must be null. */
static nn_status read_kernel_bias(const nn_json *c, const char *name, nn_initializer *kinit,
                                  nn_initializer *binit, nn_regularizer *kreg,
                                  nn_regularizer *breg, nn_regularizer *areg, nn_error *err)
{
    if (nn_config_read_initializer(c, "kernel_initializer", name, kinit, err) != NN_OK ||
        nn_config_read_initializer(c, "bias_initializer", name, binit, err) != NN_OK ||
        nn_config_read_regularizer(c, "kernel_regularizer", name, kreg, err) != NN_OK ||
        nn_config_read_regularizer(c, "bias_regularizer", name, breg, err) != NN_OK ||
        nn_config_read_regularizer(c, "activity_regularizer", name, areg, err) != NN_OK ||
        refuse_unless_null(c, "kernel_constraint", name, err) != NN_OK ||
        refuse_unless_null(c, "bias_constraint", name, err) != NN_OK)
        return err ? err->code : NN_EARG;
    return NN_OK;
}

static nn_layer *dense_from_config(const nn_json *c, const char *name, nn_error *err)
{
    nn_dense_options o = nn_dense_defaults(0);
    if (!nn_json_get(c, "units")) {
        nn_error_set(err, NN_EARG, "layer '%s' (Dense): the config has no 'units'", name);
        return NULL;
    }
    if (nn_config_read_int(c, "units", name, 1, 1 << 24, &o.units, err) != NN_OK ||
        nn_config_read_activation(c, "activation", name, &o.activation, err) != NN_OK ||
        nn_config_read_bool(c, "use_bias", name, &o.use_bias, err) != NN_OK ||
        read_kernel_bias(c, name, &o.kernel_initializer, &o.bias_initializer,
                         &o.kernel_regularizer, &o.bias_regularizer, &o.activity_regularizer,
                         err) != NN_OK)
        return NULL;
    return nn_dense_new(&o, err);
}

static const char *const dense_keys[] = {
    "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
    "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
    "bias_constraint", NULL,
};

/* An integer n (meaning (n, n)) or a list of two: kernel_size, strides, pool_size. */
static nn_status read_pair(const nn_json *c, const char *key, const char *layer, int *out,
                           nn_error *err)
{
    const nn_json *v = nn_json_get(c, key);
    long long n;
    if (!v || v->type == NN_JSON_NULL)
        return NN_OK;
    if (nn_json_int(v, 1, 1 << 20, &n)) {
        out[0] = out[1] = (int)n;
        return NN_OK;
    }
    return nn_config_read_ints(c, key, layer, 2, out, err) == 2 ? NN_OK : NN_EARG;
}

/* Only Keras's channels_last layout exists here. */
static nn_status channels_last(const nn_json *c, const char *layer, nn_error *err)
{
    const nn_json *v = nn_json_get(c, "data_format");
    if (v && v->type != NN_JSON_NULL && strcmp(nn_json_str(v) ? v->string : "", "channels_last"))
        return nn_error_set(err, NN_EARG, "layer '%s': data_format must be \"channels_last\"",
                            layer);
    return NN_OK;
}

static nn_status read_padding(const nn_json *c, const char *layer, nn_padding *out,
                              nn_error *err)
{
    const nn_json *v = nn_json_get(c, "padding");
    nn_error inner;
    if (!v)
        return NN_OK;
    if (!nn_json_str(v) || nn_padding_parse(v->string, out, &inner) != NN_OK)
        return nn_error_set(err, NN_EARG, "layer '%s': padding must be \"valid\" or \"same\"",
                            layer);
    return NN_OK;
}

/* An entry nnscope supports only at one value (dilation_rate 1, groups 1, ...). */
static nn_status only_value(const nn_json *c, const char *key, const char *layer, double want,
                            nn_error *err)
{
    const nn_json *v = nn_json_get(c, key);
    if (!v || v->type == NN_JSON_NULL)
        return NN_OK;
    int ok = v->type == NN_JSON_NUMBER && v->number == want;
    if (nn_json_is_array(v)) {
        ok = 1;
        for (int i = 0; i < v->n; i++)
            ok &= v->items[i].type == NN_JSON_NUMBER && v->items[i].number == want;
    }
    if (!ok)
        return nn_error_set(err, NN_EARG, "layer '%s': '%s' is supported only at %g", layer,
                            key, want);
    return NN_OK;
}

static nn_layer *conv2d_from_config(const nn_json *c, const char *name, nn_error *err)
{
    int ks[2] = {0, 0};
    if (!nn_json_get(c, "filters") || !nn_json_get(c, "kernel_size")) {
        nn_error_set(err, NN_EARG, "layer '%s' (Conv2D): the config needs 'filters' and "
                     "'kernel_size'", name);
        return NULL;
    }
    if (read_pair(c, "kernel_size", name, ks, err) != NN_OK)
        return NULL;
    nn_conv2d_options o = nn_conv2d_defaults(0, ks[0], ks[1]);
    if (nn_config_read_int(c, "filters", name, 1, 1 << 20, &o.filters, err) != NN_OK ||
        read_pair(c, "strides", name, o.strides, err) != NN_OK ||
        read_padding(c, name, &o.padding, err) != NN_OK ||
        channels_last(c, name, err) != NN_OK ||
        only_value(c, "dilation_rate", name, 1, err) != NN_OK ||
        only_value(c, "groups", name, 1, err) != NN_OK ||
        nn_config_read_activation(c, "activation", name, &o.activation, err) != NN_OK ||
        nn_config_read_bool(c, "use_bias", name, &o.use_bias, err) != NN_OK ||
        read_kernel_bias(c, name, &o.kernel_initializer, &o.bias_initializer,
                         &o.kernel_regularizer, &o.bias_regularizer, &o.activity_regularizer,
                         err) != NN_OK)
        return NULL;
    return nn_conv2d_new(&o, err);
}

static const char *const conv2d_keys[] = {
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
    "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
    "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", NULL,
};

static nn_layer *pool_from_config(const nn_json *c, const char *name, int max, nn_error *err)
{
    nn_pool2d_options o = nn_pool2d_defaults(2, 2);
    if (read_pair(c, "pool_size", name, o.pool_size, err) != NN_OK ||
        read_pair(c, "strides", name, o.strides, err) != NN_OK ||
        read_padding(c, name, &o.padding, err) != NN_OK || channels_last(c, name, err) != NN_OK)
        return NULL;
    return max ? nn_max_pooling2d_new(&o, err) : nn_average_pooling2d_new(&o, err);
}

static nn_layer *max_pool_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return pool_from_config(c, name, 1, err);
}

static nn_layer *avg_pool_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return pool_from_config(c, name, 0, err);
}

static const char *const pool_keys[] = {"pool_size", "strides", "padding", "data_format", NULL};

static nn_layer *global_pool_from_config(const nn_json *c, const char *name, int max,
                                         nn_error *err)
{
    nn_global_pool2d_options o = {0};
    if (channels_last(c, name, err) != NN_OK ||
        nn_config_read_bool(c, "keepdims", name, &o.keepdims, err) != NN_OK)
        return NULL;
    return max ? nn_global_max_pooling2d_new(&o, err) : nn_global_average_pooling2d_new(&o, err);
}

static nn_layer *global_max_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return global_pool_from_config(c, name, 1, err);
}

static nn_layer *global_avg_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return global_pool_from_config(c, name, 0, err);
}

static const char *const global_pool_keys[] = {"data_format", "keepdims", NULL};

static nn_layer *flatten_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return channels_last(c, name, err) == NN_OK ? nn_flatten_new(err) : NULL;
}

static const char *const flatten_keys[] = {"data_format", NULL};

static nn_layer *reshape_from_config(const nn_json *c, const char *name, nn_error *err)
{
    const nn_json *v = nn_json_get(c, "target_shape");
    nn_reshape_options o = {0, {0}};
    if (!nn_json_is_array(v) || v->n < 1 || v->n > NN_MAX_DIMS - 1) {
        nn_error_set(err, NN_EARG, "layer '%s' (Reshape): target_shape must be a list of 1 to "
                     "%d integers", name, NN_MAX_DIMS - 1);
        return NULL;
    }
    for (int i = 0; i < v->n; i++) {
        long long d;
        if (!nn_json_int(&v->items[i], -1, 1 << 28, &d) || d == 0) {
            nn_error_set(err, NN_EARG, "layer '%s' (Reshape): target_shape entries must be "
                         "positive integers (one may be -1)", name);
            return NULL;
        }
        o.target_shape[i] = (int)d;
    }
    o.ndim = v->n;
    return nn_reshape_new(&o, err);
}

static const char *const reshape_keys[] = {"target_shape", NULL};

static nn_layer *dropout_from_config(const nn_json *c, const char *name, nn_error *err)
{
    nn_dropout_options o = nn_dropout_defaults(0.0f);
    const nn_json *seed = nn_json_get(c, "seed");
    long long s;
    if (!nn_json_get(c, "rate")) {
        nn_error_set(err, NN_EARG, "layer '%s' (Dropout): the config has no 'rate'", name);
        return NULL;
    }
    if (seed && seed->type != NN_JSON_NULL) {
        if (!nn_json_int(seed, 0, INT64_MAX / 2, &s)) {
            nn_error_set(err, NN_EARG, "layer '%s' (Dropout): seed must be null or a "
                         "non-negative integer", name);
            return NULL;
        }
        o.seed = s;
    }
    if (nn_config_read_float(c, "rate", name, &o.rate, err) != NN_OK ||
        refuse_unless_null(c, "noise_shape", name, err) != NN_OK)
        return NULL;
    return nn_dropout_new(&o, err);
}

static const char *const dropout_keys[] = {"rate", "noise_shape", "seed", NULL};

static nn_layer *activation_from_config(const nn_json *c, const char *name, nn_error *err)
{
    nn_activation act = {NN_ACT_LINEAR, 0.0f};
    if (!nn_json_get(c, "activation")) {
        nn_error_set(err, NN_EARG, "layer '%s' (Activation): the config has no 'activation'",
                     name);
        return NULL;
    }
    if (nn_config_read_activation(c, "activation", name, &act, err) != NN_OK)
        return NULL;
    return nn_activation_layer_new(act, err);
}

static const char *const activation_keys[] = {"activation", NULL};

/* LeakyReLU's slope: "alpha" in Keras 2 (0.3), "negative_slope" in Keras 3. */
static nn_layer *leaky_relu_from_config(const nn_json *c, const char *name, nn_error *err)
{
    float alpha = 0.3f;
    if (nn_config_read_float(c, "alpha", name, &alpha, err) != NN_OK ||
        nn_config_read_float(c, "negative_slope", name, &alpha, err) != NN_OK)
        return NULL;
    return nn_leaky_relu_new(alpha, err);
}

static const char *const leaky_relu_keys[] = {"alpha", "negative_slope", NULL};

static nn_layer *elu_from_config(const nn_json *c, const char *name, nn_error *err)
{
    float alpha = 1.0f;
    if (nn_config_read_float(c, "alpha", name, &alpha, err) != NN_OK)
        return NULL;
    return nn_elu_new(alpha, err);
}

static const char *const elu_keys[] = {"alpha", NULL};

static nn_layer *relu_from_config(const nn_json *c, const char *name, nn_error *err)
{
    if (refuse_unless_null(c, "max_value", name, err) != NN_OK ||
        only_value(c, "negative_slope", name, 0, err) != NN_OK ||
        only_value(c, "threshold", name, 0, err) != NN_OK)
        return NULL;
    return nn_relu_new(err);
}

static const char *const relu_keys[] = {"max_value", "negative_slope", "threshold", NULL};

static nn_layer *softmax_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return only_value(c, "axis", name, -1, err) == NN_OK ? nn_softmax_layer_new(err) : NULL;
}

static const char *const softmax_keys[] = {"axis", NULL};

static nn_layer *batchnorm_from_config(const nn_json *c, const char *name, nn_error *err)
{
    nn_batchnorm_options o = nn_batchnorm_defaults();
    const nn_json *axis = nn_json_get(c, "axis");
    if (nn_json_is_array(axis) && axis->n == 1) {        /* Keras 2 writes [3] */
        long long a;
        if (!nn_json_int(&axis->items[0], -8, 8, &a)) {
            nn_error_set(err, NN_EARG, "layer '%s': axis must be an integer", name);
            return NULL;
        }
        o.axis = (int)a;
    } else if (nn_config_read_int(c, "axis", name, -8, 8, &o.axis, err) != NN_OK) {
        return NULL;
    }
    if (nn_config_read_float(c, "momentum", name, &o.momentum, err) != NN_OK ||
        nn_config_read_float(c, "epsilon", name, &o.epsilon, err) != NN_OK ||
        nn_config_read_bool(c, "center", name, &o.center, err) != NN_OK ||
        nn_config_read_bool(c, "scale", name, &o.scale, err) != NN_OK ||
        nn_config_read_initializer(c, "beta_initializer", name, &o.beta_initializer,
                                   err) != NN_OK ||
        nn_config_read_initializer(c, "gamma_initializer", name, &o.gamma_initializer,
                                   err) != NN_OK ||
        nn_config_read_initializer(c, "moving_mean_initializer", name,
                                   &o.moving_mean_initializer, err) != NN_OK ||
        nn_config_read_initializer(c, "moving_variance_initializer", name,
                                   &o.moving_variance_initializer, err) != NN_OK ||
        nn_config_read_regularizer(c, "beta_regularizer", name, &o.beta_regularizer,
                                   err) != NN_OK ||
        nn_config_read_regularizer(c, "gamma_regularizer", name, &o.gamma_regularizer,
                                   err) != NN_OK ||
        refuse_unless_null(c, "beta_constraint", name, err) != NN_OK ||
        refuse_unless_null(c, "gamma_constraint", name, err) != NN_OK)
        return NULL;
    return nn_batchnorm_new(&o, err);
}

static const char *const batchnorm_keys[] = {
    "axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
    "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
    "gamma_regularizer", "beta_constraint", "gamma_constraint", NULL,
};

static nn_layer *add_from_config(const nn_json *c, const char *name, nn_error *err)
{
    return nn_add_new(err);
}

static const char *const no_keys[] = {NULL};

static nn_layer *concatenate_from_config(const nn_json *c, const char *name, nn_error *err)
{
    nn_concatenate_options o = {-1};
    if (nn_config_read_int(c, "axis", name, -8, 8, &o.axis, err) != NN_OK)
        return NULL;
    return nn_concatenate_new(&o, err);
}

static const char *const concatenate_keys[] = {"axis", NULL};

typedef struct layer_class {
    const char *name;
    from_config_fn from_config;
    const char *const *keys;        /* the class's own config entries */
} layer_class;

static const layer_class classes[] = {
    {"Dense", dense_from_config, dense_keys},
    {"Conv2D", conv2d_from_config, conv2d_keys},
    {"MaxPooling2D", max_pool_from_config, pool_keys},
    {"AveragePooling2D", avg_pool_from_config, pool_keys},
    {"GlobalMaxPooling2D", global_max_from_config, global_pool_keys},
    {"GlobalAveragePooling2D", global_avg_from_config, global_pool_keys},
    {"Flatten", flatten_from_config, flatten_keys},
    {"Reshape", reshape_from_config, reshape_keys},
    {"Dropout", dropout_from_config, dropout_keys},
    {"Activation", activation_from_config, activation_keys},
    {"LeakyReLU", leaky_relu_from_config, leaky_relu_keys},
    {"ELU", elu_from_config, elu_keys},
    {"ReLU", relu_from_config, relu_keys},
    {"Softmax", softmax_from_config, softmax_keys},
    {"BatchNormalization", batchnorm_from_config, batchnorm_keys},
    {"Add", add_from_config, no_keys},
    {"Concatenate", concatenate_from_config, concatenate_keys},
};
#define N_CLASSES ((int)(sizeof classes / sizeof classes[0]))

/* Entries every layer's config may have. */
static const char *const common_keys[] = {
    "name", "trainable", "dtype", "batch_input_shape", "batch_shape", NULL,
};

static int in_list(const char *key, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(key, list[i]) == 0)
            return 1;
    return 0;
}

static const layer_class *find_class(const char *class_name)
{
    for (int i = 0; i < N_CLASSES; i++)
        if (strcmp(classes[i].name, class_name) == 0)
            return &classes[i];
    return NULL;
}

int nn_layer_class_known(const char *class_name)
{
    return find_class(class_name) != NULL;
}

const char *nn_layer_class_list(void)
{
    static char list[512];
    if (!list[0]) {
        size_t at = 0;
        for (int i = 0; i < N_CLASSES; i++)
            nn_config_append(list, sizeof list, &at, "%s%s", i ? ", " : "", classes[i].name);
    }
    return list;
}

/* "float32", or a Keras 3 dtype policy whose name is float32. */
static nn_status check_dtype(const nn_json *config, const char *layer, nn_error *err)
{
    const nn_json *v = nn_json_get(config, "dtype");
    if (!v || v->type == NN_JSON_NULL)
        return NN_OK;
    const char *name = nn_json_str(v);
    if (!name)
        name = nn_json_str(nn_json_get(nn_json_get(v, "config"), "name"));
    if (!name || strcmp(name, "float32") != 0)
        return nn_error_set(err, NN_EARG, "layer '%s': dtype %s is not supported (nnscope "
                            "computes in float32)", layer, name ? name : "(not a name)");
    return NN_OK;
}

nn_layer *nn_layer_from_config(const char *class_name, const nn_json *config, nn_error *err)
{
    const layer_class *cls = find_class(class_name);
    if (!cls && strcmp(class_name, "Layer") == 0) {
        nn_error_set(err, NN_EARG, "layer '%s' was written in Lua (class Layer): loading never "
                     "runs code, so build the model in Lua again and call load_weights",
                     nn_json_str(nn_json_get(config, "name")) ? nn_json_get(config, "name")->string
                                                             : "?");
        return NULL;
    }
    if (!cls) {
        nn_error_set(err, NN_EARG, "unknown layer class '%s' (known: %s)", class_name,
                     nn_layer_class_list());
        return NULL;
    }
    if (!nn_json_is_object(config)) {
        nn_error_set(err, NN_EARG, "a %s layer's config must be an object, not %s", class_name,
                     nn_json_type_name(config));
        return NULL;
    }
    const nn_json *name_v = nn_json_get(config, "name");
    const char *name = nn_json_str(name_v);
    if (name_v && (!name || !name[0] || strlen(name) >= sizeof(((nn_layer *)0)->name))) {
        nn_error_set(err, NN_EARG, "a %s layer's name must be a string of 1 to %zu characters",
                     class_name, sizeof(((nn_layer *)0)->name) - 1);
        return NULL;
    }
    const char *label = name ? name : class_name;
    for (int i = 0; i < config->n; i++) {
        if (!in_list(config->keys[i], common_keys) && !in_list(config->keys[i], cls->keys)) {
            nn_error_set(err, NN_EARG, "layer '%s' (%s): unknown config entry '%s'", label,
                         class_name, config->keys[i]);
            return NULL;
        }
    }
    int trainable = 1;
    nn_shape hint = {0, {0}};
    const nn_json *batch = nn_json_get(config, "batch_input_shape");
    if (!batch)
        batch = nn_json_get(config, "batch_shape");
    char what[96];
    snprintf(what, sizeof what, "layer '%s'", label);
    if (check_dtype(config, label, err) != NN_OK ||
        nn_config_read_bool(config, "trainable", label, &trainable, err) != NN_OK ||
        (batch && batch->type != NN_JSON_NULL &&
         nn_config_read_batch_shape(batch, what, &hint, err) != NN_OK))
        return NULL;
    nn_layer *l = cls->from_config(config, label, err);
    if (!l)
        return NULL;
    if (name)
        snprintf(l->name, sizeof l->name, "%s", name);
    l->input_hint = hint;
    if (!trainable) {
        nn_layer_free(l);
        nn_error_set(err, NN_EARG, "layer '%s' (%s): frozen layers (trainable false) are not "
                     "supported yet", label, class_name);
        return NULL;
    }
    return l;
}
