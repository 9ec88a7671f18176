/* nn/activation_layer.h — activations as layers: Keras's Activation (any
** activation by name), and the presets LeakyReLU, ELU, ReLU and Softmax.
**
** They share one implementation: z = x, y = f(z), through the layer's fused
** activation (l->act), so a final Activation("softmax") is folded into a
** cross-entropy loss exactly like Dense's activation = "softmax". Softmax
** normalises over the last axis. */
#ifndef NN_ACTIVATION_LAYER_H
#define NN_ACTIVATION_LAYER_H

#include "layer.h"

/* Activation(activation): y = f(x). The caller owns the layer. */
nn_layer *nn_activation_layer_new(nn_activation activation, nn_error *err);

/* LeakyReLU(alpha = 0.3): y = x for x > 0, alpha x otherwise. */
nn_layer *nn_leaky_relu_new(float alpha, nn_error *err);

/* ELU(alpha = 1.0): y = x for x > 0, alpha (e^x - 1) otherwise. */
nn_layer *nn_elu_new(float alpha, nn_error *err);

/* ReLU(): y = max(x, 0) (Keras's defaults: no max_value, no slope, threshold 0). */
nn_layer *nn_relu_new(nn_error *err);

/* Softmax(axis = -1): y = exp(x) / sum over the last axis of exp(x). */
nn_layer *nn_softmax_layer_new(nn_error *err);

#endif
