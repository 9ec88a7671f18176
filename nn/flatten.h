/* nn/flatten.h — Keras's Flatten: (None, d1, d2, ...) -> (None, d1 d2 ...). */
#ifndef NN_FLATTEN_H
#define NN_FLATTEN_H

#include "layer.h"

/* A new Flatten layer; the caller owns it (nn_layer_free). */
nn_layer *nn_flatten_new(nn_error *err);

#endif
