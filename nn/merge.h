/* nn/merge.h — layers joining the branches of a functional model: Add (the
** elementwise sum of inputs of one shape) and Concatenate (along an axis,
** the last by default). Both take two or more inputs. */
#ifndef NN_MERGE_H
#define NN_MERGE_H

#include "layer.h"

/* Add(): y = x1 + x2 + ... . Building fails with NN_ESHAPE when the inputs'
** shapes differ, NN_EARG with fewer than two inputs. */
nn_layer *nn_add_new(nn_error *err);

typedef struct nn_concatenate_options {
    int axis;           /* -1; Keras's counting, the batch axis being 0 (0 is refused) */
} nn_concatenate_options;

/* Concatenate(axis = -1). Building fails with NN_ESHAPE when the inputs differ
** in rank or along another axis, NN_EARG with fewer than two inputs or a bad axis. */
nn_layer *nn_concatenate_new(const nn_concatenate_options *opt, nn_error *err);

/* y[o, :] = x_1[o, :] x_2[o, :] ... side by side, for `outer` rows where input k
** contributes inner[k] values per row (the sizes from the axis to the end)
**   x_k:(outer, inner_k)  y:(outer, sum_k inner_k) */
void nn_concatenate_forward(float *y, const float *const *x, const size_t *inner, int n,
                            size_t outer);

/* dx_k[o, :] = the slice of dy[o, :] that came from x_k (dx[k] may be NULL) */
void nn_concatenate_backward(float *const *dx, const float *dy, const size_t *inner, int n,
                             size_t outer);

#endif
