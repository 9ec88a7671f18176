/* nn/layer.h — the layer object every layer type implements.
**
** A layer is a struct with a small vtable (nn_layer_ops). The model owns its
** layers and the batch buffers between them:
**   - build:    in_shape[] is set (per sample, no batch axis); the layer sets
**               out_shape and creates its parameters (nn_layer_add_param).
**   - forward:  y (shape (B, out_shape...)) is allocated by the model; the layer
**               fills it. A fused activation goes through nn_layer_preact /
**               nn_layer_activate, which keep z for backward and for the window.
**   - backward: dy = dL/dy (or dL/dz when grad_is_preact); the layer writes
**               dx[i] = dL/dx_i (dx[i] may be NULL: not needed) and ADDS its
**               parameter gradients into params[k].grad (the model zeroes them).
** A layer never allocates in forward/backward after the first batch of a size:
** its scratch buffers grow with nn_tensor_ensure and are then reused.
*/
#ifndef NN_LAYER_H
#define NN_LAYER_H

#include "activation.h"
#include "error.h"
#include "rng.h"
#include "tensor.h"

#define NN_MAX_PARAMS 4
#define NN_MAX_INPUTS 8

/* A per-sample shape: (784,) or (28, 28, 1). ndim 0 means "not known yet". */
typedef struct nn_shape { int ndim; int dim[NN_MAX_DIMS - 1]; } nn_shape;

/* penalty = l1 * sum|w| + l2 * sum w^2   (Keras's l1, l2, l1_l2) */
typedef struct nn_regularizer { float l1, l2; } nn_regularizer;

typedef enum {
    NN_INIT_GLOROT_UNIFORM, NN_INIT_GLOROT_NORMAL, NN_INIT_HE_NORMAL, NN_INIT_HE_UNIFORM,
    NN_INIT_LECUN_NORMAL, NN_INIT_LECUN_UNIFORM, NN_INIT_ZEROS, NN_INIT_ONES,
    NN_INIT_RANDOM_NORMAL, NN_INIT_RANDOM_UNIFORM, NN_INIT_CONSTANT, NN_INIT_COUNT
} nn_init_kind;

typedef struct nn_initializer {
    nn_init_kind kind;
    float a, b;     /* constant: value a; random_normal: mean a, stddev b; uniform: [a, b] */
} nn_initializer;

typedef struct nn_param {
    char name[16];          /* "kernel", "bias", "gamma", ... */
    nn_tensor *value;
    nn_tensor *grad;        /* same shape as value */
    nn_regularizer reg;
    int trainable;
} nn_param;

typedef struct nn_layer nn_layer;

typedef struct nn_layer_ops {
    const char *type;       /* Keras class name: "Dense", "Conv2D", ... */
    nn_status (*build)(nn_layer *l, nn_rng *rng, nn_error *err);
    nn_status (*forward)(nn_layer *l, const nn_tensor *const *x, nn_tensor *y, int training,
                         nn_error *err);
    nn_status (*backward)(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                          const nn_tensor *dy, nn_tensor *const *dx, nn_error *err);
    void (*destroy)(nn_layer *l);                 /* frees impl; may be NULL */
    /* Append the layer's Keras config entries as JSON members (`"units": 128, ...`,
    ** no braces) to buf; returns the length written (snprintf-style). May be NULL. */
    int (*config)(const nn_layer *l, char *buf, size_t len);
} nn_layer_ops;

struct nn_layer {
    const nn_layer_ops *ops;
    char name[48];                  /* "dense", "dense_1", ... unique within a model */
    int n_inputs;                   /* 1 except for merge layers */
    nn_shape input_hint;            /* input_shape / input_dim given at creation, if any */
    nn_shape in_shape[NN_MAX_INPUTS];
    nn_shape out_shape;
    int built;
    nn_param params[NN_MAX_PARAMS];
    int n_params;
    nn_activation act;              /* fused output activation; linear when none */
    nn_tensor *z;                   /* pre-activation of the last forward (when act is not linear) */
    nn_tensor *dz;                  /* scratch for dL/dz */
    int grad_is_preact;             /* set by the model when the loss is fused with act */
    nn_regularizer activity_reg;    /* penalty on the layer's output */
    nn_rng *rng;                    /* the model's generator, for Dropout and the like */
    void *impl;                     /* the layer type's own state */
};

/* -------------------------------------------------- for layer implementations */

/* A zeroed layer with ops, a name prefix ("dense") and impl. The model renames
** it "dense_1" etc. when it is added and its name is not unique. */
nn_layer *nn_layer_alloc(const nn_layer_ops *ops, const char *name, void *impl, nn_error *err);

/* Create parameter `name` of the given shape, initialised by `init` with fans
** fan_in/fan_out, and its zeroed gradient. Returns the parameter or NULL. */
nn_param *nn_layer_add_param(nn_layer *l, const char *name, int ndim, const int *shape,
                             nn_initializer init, int fan_in, int fan_out, nn_rng *rng,
                             nn_error *err);

/* Fill t with values drawn from `init` (fans as Keras computes them). */
void nn_init_fill(nn_tensor *t, nn_initializer init, int fan_in, int fan_out, nn_rng *rng);

/* Look up an initializer by Keras name; NN_EARG lists the known ones. */
nn_status nn_init_parse(const char *name, nn_initializer *out, nn_error *err);
const char *nn_init_name(nn_init_kind kind);

/* Where to write z for a batch of B: y's data when act is linear, else the
** layer's z buffer (grown as needed). NULL on allocation failure. */
float *nn_layer_preact(nn_layer *l, const nn_tensor *y, nn_error *err);

/* y = f(z) after nn_layer_preact. */
void nn_layer_activate(nn_layer *l, nn_tensor *y);

/* dL/dz from dL/dy: dy itself when act is linear or the loss fused it. */
const float *nn_layer_preact_grad(nn_layer *l, const nn_tensor *y, const nn_tensor *dy,
                                  nn_error *err);

/* The batch shape (B, s...) of per-sample shape s into dims; returns its rank. */
int nn_shape_with_batch(const nn_shape *s, int batch, int *dims);

/* Number of values in one sample of shape s. */
size_t nn_shape_size(const nn_shape *s);

/* "(None, 26, 26, 32)" */
char *nn_shape_str(char *buf, size_t len, const nn_shape *s);

/* Free a layer, its parameters and buffers (NULL is a no-op). */
void nn_layer_free(nn_layer *l);

/* Number of trainable values in the layer's parameters. */
size_t nn_layer_param_count(const nn_layer *l);

#endif
