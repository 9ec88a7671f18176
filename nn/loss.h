/* nn/loss.h — loss functions L(y_pred, y_true), their gradients, and metrics.
**
** Reduction as in Keras: each sample's loss (mean over the last axis for MSE,
** MAE and BCE; a sum over classes for the cross-entropies), then the mean over
** the batch. The gradient written is dL/d(pred) of that batch mean.
*/
#ifndef NN_LOSS_H
#define NN_LOSS_H

#include "error.h"
#include "tensor.h"

typedef enum {
    NN_LOSS_MSE, NN_LOSS_MAE, NN_LOSS_CCE, NN_LOSS_SCCE, NN_LOSS_BCE, NN_LOSS_CUSTOM,
    NN_LOSS_COUNT
} nn_loss_kind;

/* A loss written outside the core (a Lua function): fills *value with the batch
** mean and, when grad is not NULL, grad with dL/dpred. */
typedef nn_status (*nn_loss_fn)(void *ud, const nn_tensor *pred, const nn_tensor *target,
                                nn_tensor *grad, double *value, nn_error *err);

typedef struct nn_loss {
    nn_loss_kind kind;
    int from_logits;        /* pred are logits (before softmax / sigmoid) */
    nn_loss_fn custom;      /* NN_LOSS_CUSTOM only */
    void *ud;
    char name[48];          /* for the custom one */
} nn_loss;

/* By Keras name ("categorical_crossentropy", "mse", ...); NN_EARG lists them. */
nn_status nn_loss_parse(const char *name, nn_loss *out, nn_error *err);
const char *nn_loss_name(const nn_loss *loss);

/* Check that target fits pred for this loss: same shape, or class indices for
** the sparse loss (labels within range). NN_ESHAPE / NN_EARG name both shapes. */
nn_status nn_loss_check(const nn_loss *loss, const nn_tensor *pred, const nn_tensor *target,
                        nn_error *err);

/* The batch-mean loss into *value; dL/dpred into grad when grad != NULL (same
** shape as pred). `logits` says pred holds logits: either from_logits, or the
** model fused the output softmax/sigmoid into this loss (then grad is dL/dz). */
nn_status nn_loss_compute(const nn_loss *loss, const nn_tensor *pred, const nn_tensor *target,
                          int logits, nn_tensor *grad, double *value, nn_error *err);

/* The same with a weight per sample (sample_weight[B], NULL for all 1), as
** Keras's sample_weight (and class_weight, which becomes one): the value is
** sum_i w_i loss_i / B (reduction SUM_OVER_BATCH_SIZE) and the gradient is that
** of this value. A custom loss takes no weights: NN_EARG when sample_weight is
** not NULL. */
nn_status nn_loss_compute_weighted(const nn_loss *loss, const nn_tensor *pred,
                                   const nn_tensor *target, int logits,
                                   const float *sample_weight, nn_tensor *grad, double *value,
                                   nn_error *err);

/* Keras's class_weight as per-sample weights: sample_weight[i] (B values, the
** caller's buffer) = class_weight[class of sample i], the class being the label
** (y of one value per sample, cast to an integer) or the argmax of a one-hot
** row. NN_EARG names the sample whose class has no weight. */
nn_status nn_loss_class_weights(float *sample_weight, const nn_tensor *y,
                                const float *class_weight, int n_classes, nn_error *err);

/* ------------------------------------------------------------------ metrics */

typedef enum {
    NN_METRIC_ACCURACY,             /* resolved from the loss at compile time */
    NN_METRIC_BINARY_ACCURACY, NN_METRIC_CATEGORICAL_ACCURACY,
    NN_METRIC_SPARSE_CATEGORICAL_ACCURACY, NN_METRIC_TOP_K, NN_METRIC_MSE, NN_METRIC_MAE,
    NN_METRIC_COUNT
} nn_metric_kind;

typedef struct nn_metric {
    nn_metric_kind kind;
    int k;                  /* top_k_categorical_accuracy's k (5) */
    char name[40];          /* the name reported in History ("accuracy", "mae", ...) */
} nn_metric;

nn_status nn_metric_parse(const char *name, nn_metric *out, nn_error *err);

/* Replace "accuracy" by the accuracy Keras would pick: binary_accuracy when the
** prediction's last axis has one value (pred_like, any batch of predictions),
** else sparse_categorical_accuracy for sparse_categorical_crossentropy and
** categorical_accuracy for the rest. With pred_like NULL (shapes not known yet)
** only the cross-entropies settle it; otherwise the metric stays "accuracy" and
** nn_metric_batch_sum applies the same rule to each batch's shapes. */
void nn_metric_resolve(nn_metric *m, const nn_loss *loss, const nn_tensor *pred_like);

/* Sum over the batch of the per-sample metric (the caller divides by the count). */
double nn_metric_batch_sum(const nn_metric *m, const nn_tensor *pred, const nn_tensor *target);

#endif
