/* nn/registry.h — layers from their Keras config, and the config vocabulary.
**
** A saved model's config lists each layer as {"class_name": "Dense", "config":
** {"name": "dense", "units": 32, ...}}, as Keras's get_config() does. Loading
** rebuilds every layer through this registry, by class name: a table of
** constructors that read config values only (loading never runs code).
**
** The second half is the vocabulary layers' config hooks write and the
** constructors read back: initializers ({"class_name": "GlorotUniform",
** "config": {"seed": null}}), regularizers ({"class_name": "L2", "config":
** {"l2": 0.01}} or null) and activations (a name).
*/
#ifndef NN_REGISTRY_H
#define NN_REGISTRY_H

#include "json.h"
#include "layer.h"

/* A new, unbuilt layer of Keras class `class_name` from its config object
** (name, trainable, dtype, batch_input_shape and the class's own arguments).
** NN_EARG names the layer, the class and the bad or unknown config entry; an
** unknown class lists the known ones. */
nn_layer *nn_layer_from_config(const char *class_name, const nn_json *config, nn_error *err);

/* 1 when layers of this class can be rebuilt from a config. */
int nn_layer_class_known(const char *class_name);

/* The class names the registry knows, comma-separated ("Dense, ..."). */
const char *nn_layer_class_list(void);

/* --------------------------------------------- writing (for config hooks) */

/* snprintf-style appending: writes at buf + *at while there is room and always
** advances *at by the full length, so a hook can return *at as the length its
** text needs (and be called again with a larger buffer). */
void nn_config_append(char *buf, size_t len, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append a float in the shortest form that reads back to the same float. */
void nn_config_float(char *buf, size_t len, size_t *at, float v);

/* Append an initializer as {"class_name": ..., "config": {...}}. */
void nn_config_initializer(char *buf, size_t len, size_t *at, nn_initializer init);

/* Append a regularizer as {"class_name": "L2", "config": {"l2": ...}}, or null. */
void nn_config_regularizer(char *buf, size_t len, size_t *at, nn_regularizer r);

/* Append the members a layer with a kernel and a bias shares with Keras's Dense
** and Conv2D: ", kernel_initializer, bias_initializer, the three regularizers and
** the two constraints (null)". */
void nn_config_kernel_bias(char *buf, size_t len, size_t *at, nn_initializer kernel_init,
                           nn_initializer bias_init, nn_regularizer kernel_reg,
                           nn_regularizer bias_reg, nn_regularizer activity_reg);

/* ------------------------------------------- reading (for constructors) */
/* Each reads config[key] when present (else leaves *out as it is) and fails with
** NN_EARG naming `layer` (its name, for messages) and the key. */

nn_status nn_config_read_int(const nn_json *config, const char *key, const char *layer,
                             long long lo, long long hi, int *out, nn_error *err);
nn_status nn_config_read_float(const nn_json *config, const char *key, const char *layer,
                               float *out, nn_error *err);
nn_status nn_config_read_bool(const nn_json *config, const char *key, const char *layer,
                              int *out, nn_error *err);
nn_status nn_config_read_activation(const nn_json *config, const char *key, const char *layer,
                                    nn_activation *out, nn_error *err);
nn_status nn_config_read_initializer(const nn_json *config, const char *key, const char *layer,
                                     nn_initializer *out, nn_error *err);
nn_status nn_config_read_regularizer(const nn_json *config, const char *key, const char *layer,
                                     nn_regularizer *out, nn_error *err);

/* A list of `n` positive integers (n == -1: any length from 1 to NN_MAX_DIMS - 1)
** into out[]; returns the count read, or -1 with err set. */
int nn_config_read_ints(const nn_json *config, const char *key, const char *layer, int n,
                        int *out, nn_error *err);

/* A batch shape [null, d1, d2, ...] (the batch entry may be null or a number)
** into a per-sample shape. */
nn_status nn_config_read_batch_shape(const nn_json *v, const char *what, nn_shape *out,
                                     nn_error *err);

#endif
