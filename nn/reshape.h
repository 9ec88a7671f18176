/* nn/reshape.h — Keras's Reshape: the same values per sample in a new shape;
** one entry of the target shape may be -1 and is inferred. */
#ifndef NN_RESHAPE_H
#define NN_RESHAPE_H

#include "layer.h"

typedef struct nn_reshape_options {
    int ndim;                       /* 1 to 3 (the batch axis is not part of it) */
    int target_shape[NN_MAX_DIMS - 1];
} nn_reshape_options;

/* A new Reshape layer. NN_EARG for a bad rank, a dimension that is neither
** positive nor -1, or more than one -1. Building fails with NN_ESHAPE when the
** input's size per sample does not fit the target shape. */
nn_layer *nn_reshape_new(const nn_reshape_options *opt, nn_error *err);

#endif
