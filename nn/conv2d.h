/* nn/conv2d.h — the 2-D convolution layer (Keras's Conv2D), channels-last.
**
** Each output pixel is the dot product of a kh x kw x in window of the input
** with each of the `filters` kernels, plus a bias, through an optional fused
** activation. The kernel is stored as Keras stores it: (kh, kw, in, filters).
** Computed as matrix products: im2col, then cblas_sgemm, over as many whole
** samples at a time as fit a 4 MiB im2col buffer (the whole batch when it fits).
*/
#ifndef NN_CONV2D_H
#define NN_CONV2D_H

#include "layer.h"
#include "padding.h"

typedef struct nn_conv2d_options {
    int filters;
    int kernel_size[2];             /* (kh, kw) */
    int strides[2];                 /* (1, 1) */
    nn_padding padding;             /* valid */
    nn_activation activation;       /* linear */
    int use_bias;                   /* 1 */
    nn_initializer kernel_initializer, bias_initializer;   /* glorot_uniform, zeros */
    nn_regularizer kernel_regularizer, bias_regularizer, activity_regularizer;
} nn_conv2d_options;

/* Keras's defaults for `filters` kernels of kh x kw. */
nn_conv2d_options nn_conv2d_defaults(int filters, int kh, int kw);

/* A new Conv2D layer (unbuilt: the kernel is made when the input shape is known).
** NN_EARG for a non-positive filters, kernel size or stride. Building fails with
** NN_ESHAPE when the input is not (height, width, channels) or the kernel does
** not fit in it, NN_ENOMEM when the kernel or the output of one sample has more
** than INT_MAX elements. The caller owns the layer (nn_layer_free). */
nn_layer *nn_conv2d_new(const nn_conv2d_options *opt, nn_error *err);

/* col[(b, oh, ow), (i, j, c)] = x[b, oh sh - pad_top + i, ow sw - pad_left + j, c],
** 0 where that falls in the padding.
**   x:(B, h, w, c)  col:(B oh ow, kh kw c) */
void nn_conv2d_im2col(float *col, const float *x, const nn_window *g, int B);

/* The adjoint of im2col: dx[b, ih, iw, c] += every dcol entry im2col copied from it.
**   dcol:(B oh ow, kh kw c)  dx:(B, h, w, c) */
void nn_conv2d_col2im(float *dx, const float *dcol, const nn_window *g, int B);

/* y[b, oh, ow, f] = bias[f] + sum_{i, j, c} x[b, oh sh - pt + i, ow sw - pl + j, c] W[i, j, c, f]
** as y = im2col(x) W + bias:
**   x:(B, h, w, c)  W:(kh, kw, c, F) = (K, F) with K = kh kw c  bias:(F) or NULL
**   y:(B, oh, ow, F) = (B oh ow, F)
** col is scratch of B oh ow K floats, left holding im2col(x); a 1x1 kernel with
** stride 1 reads x directly and leaves col untouched. */
void nn_conv2d_forward(float *y, float *col, const float *x, const float *w, const float *bias,
                       const nn_window *g, int B, int F);

/* dW += im2col(x)^T dy;  dbias += sum over (b, oh, ow) of dy;  dx = col2im(dy W^T)
**   dy:(B oh ow, F)  dW:(K, F)  dbias:(F) or NULL  dx:(B, h, w, c) or NULL
** col must hold im2col(x) as nn_conv2d_forward left it; it is overwritten with
** dy W^T when dx is wanted. */
void nn_conv2d_backward(float *dx, float *dw, float *dbias, float *col, const float *dy,
                        const float *x, const float *w, const nn_window *g, int B, int F);

#endif
