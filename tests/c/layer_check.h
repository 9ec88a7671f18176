/* tests/c/layer_check.h — helpers the layer tests share: random tensors, driving a
** layer through its vtable as the model does, and the finite-difference check. */
#ifndef NN_TESTS_LAYER_CHECK_H
#define NN_TESTS_LAYER_CHECK_H

#include "nn/gradcheck.h"
#include "nn/nn.h"

/* A float32 tensor of the given shape filled with standard normal values. */
nn_tensor *t_randn(nn_rng *rng, int ndim, const int *shape);

/* Build `l` for one per-sample input shape (the batch axis left out). */
nn_status t_build(nn_layer *l, int ndim, const int *shape, nn_rng *rng, nn_error *err);

/* Run the layer forward on x (one input) into a new output tensor. */
nn_tensor *t_forward(nn_layer *l, const nn_tensor *x, int training);

/* Check every input and trainable parameter gradient of `l` on x[0..n-1] against
** central differences of step `step` (nn_gradcheck) and expect each worst
** relative error below tol; returns the report's worst. */
double t_gradcheck(nn_layer *l, int n, const nn_tensor *const *x, int training, double step,
                   double tol);

/* |a - b| / max(|a|, |b|, floor) at worst over n values. */
double t_max_rel(const float *a, const float *b, size_t n, double floor);

#endif
