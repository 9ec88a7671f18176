/* nn/dropout.h — Keras's Dropout: in training, each value is zeroed with
** probability `rate` and the survivors are scaled by 1 / (1 - rate) (inverted
** dropout), so the expected output equals the input; in inference it is the
** identity. The mask is drawn from a seeded generator: the layer's own when a
** seed is given, else the model's (l->rng), else one seeded at build. */
#ifndef NN_DROPOUT_H
#define NN_DROPOUT_H

#include <stdint.h>

#include "layer.h"

typedef struct nn_dropout_options {
    float rate;                     /* in [0, 1) */
    int64_t seed;                   /* -1 (Keras's None): the model's generator */
} nn_dropout_options;

/* Keras's defaults for `rate`. */
nn_dropout_options nn_dropout_defaults(float rate);

/* A new Dropout layer. NN_EARG when rate is not in [0, 1). */
nn_layer *nn_dropout_new(const nn_dropout_options *opt, nn_error *err);

/* Training: m_i = (u_i >= rate) / (1 - rate) with u_i uniform in [0, 1);
** y = x * m       x, y, m:(n) */
void nn_dropout_forward(float *y, float *mask, const float *x, size_t n, float rate, nn_rng *rng);

/* dx = dy * m */
void nn_dropout_backward(float *dx, const float *dy, const float *mask, size_t n);

#endif
