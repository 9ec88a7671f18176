/* nn/activation.h — activation functions a = f(z) and their derivatives.
**
** Used fused inside Dense and Conv2D (their `activation=` argument) and by the
** Activation layer. Softmax works per row; every other function elementwise.
*/
#ifndef NN_ACTIVATION_H
#define NN_ACTIVATION_H

#include <stddef.h>

#include "error.h"

typedef enum {
    NN_ACT_LINEAR, NN_ACT_RELU, NN_ACT_SIGMOID, NN_ACT_TANH, NN_ACT_SOFTMAX,
    NN_ACT_LEAKY_RELU, NN_ACT_ELU, NN_ACT_SOFTPLUS, NN_ACT_GELU, NN_ACT_SWISH,
    NN_ACT_COUNT
} nn_activation_kind;

typedef struct nn_activation {
    nn_activation_kind kind;
    float alpha;            /* leaky_relu's negative slope, elu's alpha (1.0). Keras's
                            ** defaults: 0.2 for the "leaky_relu" string, 0.3 for the
                            ** LeakyReLU layer */
} nn_activation;

/* Look up an activation by its Keras name ("relu", "softmax", ...; NULL or ""
** means linear). NN_EARG lists the known names. */
nn_status nn_activation_parse(const char *name, nn_activation *out, nn_error *err);

/* The Keras name of `kind`. */
const char *nn_activation_name(nn_activation_kind kind);

/* a = f(z) for `rows` rows of `n` values (softmax normalises each row). a may be z. */
void nn_activation_forward(nn_activation act, float *a, const float *z, size_t rows, size_t n);

/* dz = da * f'(z), elementwise; for softmax dz_i = a_i (da_i - sum_j da_j a_j) per row.
** Needs both z and a = f(z). */
void nn_activation_backward(nn_activation act, float *dz, const float *da, const float *z,
                            const float *a, size_t rows, size_t n);

/* f(z) and f'(z) of one value, for plotting curves (softmax: treated as sigmoid). */
float nn_activation_value(nn_activation act, float z);
float nn_activation_slope(nn_activation act, float z);

#endif
