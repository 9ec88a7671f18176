/* nn/view.h — a read-only view of a model, for the window (viz/).
**
** Everything here takes a const model and changes nothing: the window reads
** the layer list, shapes, parameters, the last forward and backward (input
** batch, each node's output, pre-activation and gradient) and the training
** history through these calls alone. Pointers returned point into the model:
** they are valid until the model next runs a forward or backward, gains a
** layer, or is freed; callers copy what they keep across those events.
** Indices are 0-based. A bad index gives NULL (or 0, or -1 as stated).
*/
#ifndef NN_VIEW_H
#define NN_VIEW_H

#include "model.h"
#include "padding.h"

/* ------------------------------------------------------------------ layers */

/* Number of nodes (layers) in the model, in forward order. */
int nn_view_layer_count(const nn_model *m);

/* Keras class name ("Dense", "Conv2D", ...) and unique name ("dense_1") of layer i. */
const char *nn_view_layer_type(const nn_model *m, int i);
const char *nn_view_layer_name(const nn_model *m, int i);

/* Per-sample input shape k (0 for single-input layers) and output shape of layer i;
** NULL for a bad index. A shape of ndim 0 is not known yet (unbuilt layer). */
const nn_shape *nn_view_layer_in_shape(const nn_model *m, int i, int k);
const nn_shape *nn_view_layer_out_shape(const nn_model *m, int i);

/* Number of inputs of layer i and where input k comes from: a layer index >= 0,
** or -1 - j for model input j. -1000 for a bad index. */
int nn_view_layer_input_count(const nn_model *m, int i);
int nn_view_layer_source(const nn_model *m, int i, int k);

/* The activation fused into layer i (linear when none); for an Activation
** layer, the activation it applies. */
nn_activation nn_view_layer_activation(const nn_model *m, int i);

/* Parameters of layer i: count, the k-th (kernel, bias, ...), or one by name. */
int nn_view_param_count(const nn_model *m, int i);
const nn_param *nn_view_param(const nn_model *m, int i, int k);
const nn_param *nn_view_param_named(const nn_model *m, int i, const char *name);

/* Per-sample input shape k of the model (NULL when not known yet). */
const nn_shape *nn_view_input_shape(const nn_model *m, int k);

/* ---------------------------------------------------------- the last step */

/* The batch the last forward saw (float32, (B, input shape...)), or NULL. */
const nn_tensor *nn_view_last_input(const nn_model *m);

/* The targets of the last loss computation, or NULL when the model does not
** keep them. */
const nn_tensor *nn_view_last_target(const nn_model *m);

/* 1 when every node's output belongs to the last input batch (a complete
** forward); 1 when a backward completed after it. */
int nn_view_has_forward(const nn_model *m);
int nn_view_has_backward(const nn_model *m);

/* Output of layer i in the last forward, (B, out shape...); NULL before any. */
const nn_tensor *nn_view_output(const nn_model *m, int i);

/* Pre-activation z of layer i in the last forward: the fused activation's input,
** or the input of an Activation layer; the output itself when the layer's
** activation is linear. NULL before any forward. */
const nn_tensor *nn_view_preact(const nn_model *m, int i);

/* Gradient of the loss with respect to layer i's output from the last backward,
** or NULL. When nn_view_grad_is_preact says so (the output softmax/sigmoid
** fused with the loss), it is the gradient with respect to z instead. */
const nn_tensor *nn_view_grad(const nn_model *m, int i);
int nn_view_grad_is_preact(const nn_model *m, int i);

/* Index of the layer whose output is model output k, or -1. */
int nn_view_output_layer(const nn_model *m, int k);

/* The loss of the last backward (regularisation included). */
double nn_view_last_loss(const nn_model *m);

/* Metric k (0-based, in compile order) over the last forward's batch against
** the last targets: its batch mean into *value. Returns 0 on success, -1 when
** there is no such metric, no forward or no kept targets. */
int nn_view_batch_metric(const nn_model *m, int k, double *value);

/* ---------------------------------------------------------------- compile */

int nn_view_compiled(const nn_model *m);

/* Keras names of the compiled loss and optimizer ("" before compile). */
const char *nn_view_loss_name(const nn_model *m);
const char *nn_view_optimizer_name(const nn_model *m);

/* Optimizer steps taken so far (0 before compile or training). */
long nn_view_iterations(const nn_model *m);

/* Metric names in compile order ("accuracy", ...): count, and name k. */
int nn_view_metric_count(const nn_model *m);
const char *nn_view_metric_name(const nn_model *m, int k);

/* ------------------------------------------------ for the formula panel */

/* dL/dz of layer i in the last backward, (B, out shape...): the gradient its
** fused activation passed back (dL/d output times f'(z)); the output gradient
** itself when the activation is linear or folded into the loss. NULL before
** a backward through the layer. */
const nn_tensor *nn_view_preact_grad(const nn_model *m, int i);

/* The compiled loss (kind, from_logits), or NULL before compile. */
const nn_loss *nn_view_loss(const nn_model *m);

/* The compiled optimizer (its kind, hyperparameters and step count), or NULL. */
const nn_optimizer *nn_view_optimizer(const nn_model *m);

/* The optimizer's state slot s (0-based, in the order nn/optim.h lists for each
** rule: SGD velocity; Adam m, v, max v; RMSprop mean square, momentum, mean
** gradient; Adagrad accumulator; Adadelta Eg, Edx; Nadam m, v; Adamax m, u) for
** parameter k of layer i; NULL when the optimizer keeps no such slot or has not
** made its state yet (before the first update). */
const nn_tensor *nn_view_optim_slot(const nn_model *m, int i, int k, int s);

/* The window a Conv2D or pooling layer i slides over its input (sizes, strides,
** padding, output size; a global pooling's window is the whole input): 1 and
** *g filled, or 0 for a layer without one (or unbuilt). */
int nn_view_layer_window(const nn_model *m, int i, nn_window *g);

/* ---------------------------------------------------------------- history */

/* Per-epoch history: number of keys, key k ("loss", "val_accuracy", ...), its
** values (one per epoch, NaN where an epoch had none; *n receives the epoch
** count), and the index of a key by name (-1 if absent). */
int nn_view_history_key_count(const nn_model *m);
const char *nn_view_history_key(const nn_model *m, int k);
const double *nn_view_history_values(const nn_model *m, int k, int *n);
int nn_view_history_find(const nn_model *m, const char *key);
int nn_view_epoch_count(const nn_model *m);

/* The loss of every training batch so far, in order; *n receives the count. */
const float *nn_view_batch_losses(const nn_model *m, int *n);

#endif
