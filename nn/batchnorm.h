/* nn/batchnorm.h — Keras's BatchNormalization over the last axis (features, or
** channels of a channels-last image).
**
** Training: each feature is normalised with the batch's own mean and (biased)
** variance over every other axis, and the moving statistics follow them:
**   moving = moving * momentum + batch * (1 - momentum).
** Inference: the moving statistics are used instead. Either way
**   y = gamma (x - mean) / sqrt(var + epsilon) + beta.
** Parameters, in Keras's order: gamma (when scale), beta (when center),
** moving_mean, moving_variance; the last two are not trainable. */
#ifndef NN_BATCHNORM_H
#define NN_BATCHNORM_H

#include "layer.h"

typedef struct nn_batchnorm_options {
    int axis;                       /* -1 (the last axis; its positive index works too) */
    float momentum;                 /* 0.99 */
    float epsilon;                  /* 1e-3 */
    int center, scale;              /* 1, 1: learn beta, gamma */
    nn_initializer beta_initializer, gamma_initializer;    /* zeros, ones */
    nn_initializer moving_mean_initializer, moving_variance_initializer;   /* zeros, ones */
    nn_regularizer beta_regularizer, gamma_regularizer;
} nn_batchnorm_options;

/* Keras's defaults. */
nn_batchnorm_options nn_batchnorm_defaults(void);

/* A new BatchNormalization layer. NN_EARG for momentum outside [0, 1] or a
** negative epsilon; building fails with NN_EARG when axis is not the last one. */
nn_layer *nn_batchnorm_new(const nn_batchnorm_options *opt, nn_error *err);

/* Training forward over N rows of C features (x:(N, C), y:(N, C)):
**   mean_c = (1/N) sum_n x_nc,  var_c = (1/N) sum_n (x_nc - mean_c)^2
**   xhat = (x - mean) / sqrt(var + eps),  y = gamma xhat + beta
** gamma, beta may be NULL (1, 0). Writes mean and inv_std = 1 / sqrt(var + eps)
** (C each) and the biased batch variance var (C). acc: scratch of 2 C doubles. */
void nn_batchnorm_forward_train(float *y, float *mean, float *inv_std, float *var,
                                const float *x, const float *gamma, const float *beta,
                                size_t N, int C, float eps, double *acc);

/* Forward with given statistics: y = gamma (x - mean) inv_std + beta. */
void nn_batchnorm_forward_stats(float *y, const float *x, const float *mean,
                                const float *inv_std, const float *gamma, const float *beta,
                                size_t N, int C);

/* Backward of either forward, with g = gamma (1 when NULL), xhat = (x - mean) inv_std:
**   dgamma += sum_n dy xhat;  dbeta += sum_n dy
**   training (batch statistics depend on x):
**     dx = g inv_std (dy - (1/N) sum_n dy - xhat (1/N) sum_n dy xhat)
**   inference (fixed statistics):  dx = g inv_std dy
** dx, dgamma, dbeta may be NULL. acc: scratch of 2 C doubles. */
void nn_batchnorm_backward(float *dx, float *dgamma, float *dbeta, const float *dy,
                           const float *x, const float *mean, const float *inv_std,
                           const float *gamma, size_t N, int C, int training, double *acc);

#endif
