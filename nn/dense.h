/* nn/dense.h — the fully connected layer: y = f(x W + b). */
#ifndef NN_DENSE_H
#define NN_DENSE_H

#include "layer.h"

typedef struct nn_dense_options {
    int units;
    nn_activation activation;       /* linear by default */
    int use_bias;                   /* 1 by default */
    nn_initializer kernel_initializer, bias_initializer;   /* glorot_uniform, zeros */
    nn_regularizer kernel_regularizer, bias_regularizer, activity_regularizer;
} nn_dense_options;

/* Keras's defaults for `units` units. */
nn_dense_options nn_dense_defaults(int units);

/* A new Dense layer (unbuilt: the kernel is made when the input size is known). */
nn_layer *nn_dense_new(const nn_dense_options *opt, nn_error *err);

/* y = x W + b          x:(B,IN)  W:(IN,OUT)  b:(OUT)  y:(B,OUT) */
void nn_dense_forward(float *y, const float *x, const float *w, const float *b,
                      int B, int IN, int OUT);

/* dx = dy W^T;  dW += x^T dy;  db += sum over B of dy       (dx may be NULL) */
void nn_dense_backward(float *dx, float *dw, float *db, const float *dy, const float *x,
                       const float *w, int B, int IN, int OUT);

#endif
