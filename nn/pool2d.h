/* nn/pool2d.h — pooling layers, channels-last: MaxPooling2D, AveragePooling2D,
** GlobalAveragePooling2D and GlobalMaxPooling2D (Keras's classes).
**
** A window slides over each channel separately (padding as nn/padding.h).
** Max pooling keeps, per output, where its maximum came from; backward sends
** the gradient there (the first maximum in row-major window order on ties).
** Padded positions never win a max and are not counted in an average: with
** "same" padding an edge window averages only its real elements, as TensorFlow.
*/
#ifndef NN_POOL2D_H
#define NN_POOL2D_H

#include "layer.h"
#include "padding.h"

typedef struct nn_pool2d_options {
    int pool_size[2];               /* (2, 2) */
    int strides[2];                 /* (0, 0): the pool size, as Keras's strides=None */
    nn_padding padding;             /* valid */
} nn_pool2d_options;

/* Keras's defaults for a ph x pw pool. */
nn_pool2d_options nn_pool2d_defaults(int ph, int pw);

/* New MaxPooling2D / AveragePooling2D layers (unbuilt). NN_EARG for a non-positive
** pool size or negative stride. Building fails with NN_ESHAPE when the input is
** not (height, width, channels) or the window leaves no output. The caller owns
** the layer (nn_layer_free). */
nn_layer *nn_max_pooling2d_new(const nn_pool2d_options *opt, nn_error *err);
nn_layer *nn_average_pooling2d_new(const nn_pool2d_options *opt, nn_error *err);

typedef struct nn_global_pool2d_options {
    int keepdims;                   /* 0: output (None, channels); 1: (None, 1, 1, channels) */
} nn_global_pool2d_options;

/* New GlobalAveragePooling2D / GlobalMaxPooling2D layers: one value per channel. */
nn_layer *nn_global_average_pooling2d_new(const nn_global_pool2d_options *opt, nn_error *err);
nn_layer *nn_global_max_pooling2d_new(const nn_global_pool2d_options *opt, nn_error *err);

/* y[b, oh, ow, c] = max over the window's real positions (ih, iw) of x[b, ih, iw, c];
** arg[b, oh, ow, c] = (ih w + iw) c_count + c, where that max is in its sample
**   x:(B, h, w, c)  y, arg:(B, oh, ow, c) */
void nn_maxpool2d_forward(float *y, int *arg, const float *x, const nn_window *g, int B);

/* dx = 0, then dx[b][arg[b, oh, ow, c]] += dy[b, oh, ow, c] */
void nn_maxpool2d_backward(float *dx, const float *dy, const int *arg, const nn_window *g,
                           int B);

/* y[b, oh, ow, c] = (1/n) sum over the window's n real positions of x[b, ih, iw, c]
**   x:(B, h, w, c)  y:(B, oh, ow, c) */
void nn_avgpool2d_forward(float *y, const float *x, const nn_window *g, int B);

/* dx[b, ih, iw, c] = sum over the windows holding (ih, iw) of dy[b, oh, ow, c] / n */
void nn_avgpool2d_backward(float *dx, const float *dy, const nn_window *g, int B);

#endif
