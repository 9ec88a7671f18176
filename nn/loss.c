/* nn/loss.c — losses and their gradients, with Keras's reductions and clipping. */
#include "loss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NN_EPSILON 1e-7     /* Keras's backend epsilon, used for clipping */

static const struct { const char *name; nn_loss_kind kind; } loss_names[] = {
    {"mean_squared_error", NN_LOSS_MSE},
    {"mse", NN_LOSS_MSE},
    {"mean_absolute_error", NN_LOSS_MAE},
    {"mae", NN_LOSS_MAE},
    {"categorical_crossentropy", NN_LOSS_CCE},
    {"sparse_categorical_crossentropy", NN_LOSS_SCCE},
    {"binary_crossentropy", NN_LOSS_BCE},
};
#define N_LOSS_NAMES (sizeof loss_names / sizeof loss_names[0])

nn_status nn_loss_parse(const char *name, nn_loss *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < N_LOSS_NAMES; i++) {
        if (strcmp(name, loss_names[i].name) == 0) {
            out->kind = loss_names[i].kind;
            return NN_OK;
        }
    }
    return nn_error_set(err, NN_EARG, "unknown loss '%s' (known: mean_squared_error, "
                        "mean_absolute_error, categorical_crossentropy, "
                        "sparse_categorical_crossentropy, binary_crossentropy)", name);
}

const char *nn_loss_name(const nn_loss *loss)
{
    if (loss->kind == NN_LOSS_CUSTOM)
        return loss->name[0] ? loss->name : "custom";
    for (size_t i = 0; i < N_LOSS_NAMES; i++)
        if (loss_names[i].kind == loss->kind)
            return loss_names[i].name;
    return "?";
}

static int argmax_any(const nn_tensor *t, size_t off, int k);

/* Class index of sample i of a sparse target, whatever its dtype. */
static long label_at(const nn_tensor *target, int i)
{
    return lrintf(nn_tensor_get(target, (size_t)i));
}

static int is_sparse_target(const nn_tensor *pred, const nn_tensor *target)
{
    return target->shape[0] == pred->shape[0] && nn_tensor_row_size(target) == 1 &&
           nn_tensor_row_size(pred) > 1;
}

nn_status nn_loss_check(const nn_loss *loss, const nn_tensor *pred, const nn_tensor *target,
                        nn_error *err)
{
    char a[96], b[96];
    nn_shape_format(a, sizeof a, target->ndim, target->shape);
    nn_shape_format(b, sizeof b, pred->ndim, pred->shape);
    if (loss->kind == NN_LOSS_CUSTOM)
        return NN_OK;
    if (loss->kind == NN_LOSS_SCCE) {
        if (!is_sparse_target(pred, target) && !(nn_tensor_row_size(pred) == 1 &&
                                                  nn_tensor_same_shape(pred, target)))
            return nn_error_set(err, NN_ESHAPE, "sparse_categorical_crossentropy: labels of "
                                "shape %s do not fit predictions of shape %s (expected one "
                                "class index per sample)", a, b);
        long k = (long)nn_tensor_row_size(pred);
        for (int i = 0; i < target->shape[0]; i++) {
            long c = label_at(target, i);
            if (c < 0 || c >= k)
                return nn_error_set(err, NN_EARG, "sparse_categorical_crossentropy: label %ld "
                                    "of sample %d is outside the %ld classes 0..%ld", c, i + 1,
                                    k, k - 1);
        }
        return NN_OK;
    }
    if (target->size != pred->size || target->shape[0] != pred->shape[0]) {
        const char *hint = "";
        if (loss->kind == NN_LOSS_CCE && is_sparse_target(pred, target))
            hint = " (these look like class indices: use sparse_categorical_crossentropy, or "
                   "nn.utils.to_categorical to one-hot encode them)";
        return nn_error_set(err, NN_ESHAPE, "%s: targets of shape %s do not match predictions "
                            "of shape %s%s", nn_loss_name(loss), a, b, hint);
    }
    return NN_OK;
}

/* ---------------------------------------------------------- cross-entropy */

/* L = -sum_k y_k log q_k  with q = p / sum(p) clipped to [eps, 1 - eps]
** dL/dp_j = (g_j - sum_k g_k q_k) / S   where g_k = dL/dq_k = -y_k / q_k (0 if clipped)
** With logits z: q = softmax(z), dL/dz_j = q_j sum_k y_k - y_j.
** Sparse targets are y = one_hot(label). */
static double crossentropy_row(const float *p, const float *y, long label, int k, int logits,
                               float *grad, double scale)
{
    double loss = 0.0;
    if (logits) {
        double mx = p[0], sum = 0.0;
        for (int j = 1; j < k; j++)
            mx = p[j] > mx ? p[j] : mx;
        for (int j = 0; j < k; j++)
            sum += exp(p[j] - mx);
        double logsum = log(sum) + mx, ysum = 0.0;
        for (int j = 0; j < k; j++) {
            double yj = y ? y[j] : (j == label);
            loss -= yj * (p[j] - logsum);
            ysum += yj;
        }
        if (grad)
            for (int j = 0; j < k; j++) {
                double yj = y ? y[j] : (j == label);
                grad[j] = (float)(scale * (exp(p[j] - logsum) * ysum - yj));
            }
        return loss;
    }
    double s = 0.0, gq = 0.0;
    for (int j = 0; j < k; j++)
        s += p[j];
    for (int j = 0; j < k; j++) {
        double yj = y ? y[j] : (j == label);
        double q = p[j] / s;
        int clipped = q < NN_EPSILON || q > 1.0 - NN_EPSILON;
        q = q < NN_EPSILON ? NN_EPSILON : q > 1.0 - NN_EPSILON ? 1.0 - NN_EPSILON : q;
        loss -= yj * log(q);
        if (!clipped)
            gq -= yj;       /* sum_k g_k q_k = -sum of unclipped y_k */
    }
    if (grad)
        for (int j = 0; j < k; j++) {
            double yj = y ? y[j] : (j == label);
            double q = p[j] / s;
            int clipped = q < NN_EPSILON || q > 1.0 - NN_EPSILON;
            double g = clipped ? 0.0 : -yj / q;
            grad[j] = (float)(scale * (g - gq) / s);
        }
    return loss;
}

/* ------------------------------------------------------------ elementwise */

/* MSE: mean_k (p - y)^2;  MAE: mean_k |p - y|;
** BCE: -mean_k [y log q + (1 - y) log(1 - q)],  q = p clipped to [eps, 1 - eps]
**      (Keras 3; tf.keras 2 added eps inside both logs as well); dL/dp = 0 where clipped;
** BCE on logits: mean_k [max(z, 0) - z y + log(1 + exp(-|z|))], dL/dz = sigmoid(z) - y. */
static double elementwise_loss(nn_loss_kind kind, int logits, double p, double y, double *dp)
{
    switch (kind) {
    case NN_LOSS_MSE:
        *dp = 2.0 * (p - y);
        return (p - y) * (p - y);
    case NN_LOSS_MAE:
        *dp = p > y ? 1.0 : p < y ? -1.0 : 0.0;
        return fabs(p - y);
    case NN_LOSS_BCE:
        if (logits) {
            *dp = 1.0 / (1.0 + exp(-p)) - y;
            return (p > 0 ? p : 0) - p * y + log1p(exp(-fabs(p)));
        } else {
            int clipped = p < NN_EPSILON || p > 1.0 - NN_EPSILON;
            double q = clipped ? (p < NN_EPSILON ? NN_EPSILON : 1.0 - NN_EPSILON) : p;
            *dp = clipped ? 0.0 : -(y / q - (1.0 - y) / (1.0 - q));
            return -(y * log(q) + (1.0 - y) * log(1.0 - q));
        }
    default:
        *dp = 0.0;
        return 0.0;
    }
}

nn_status nn_loss_compute(const nn_loss *loss, const nn_tensor *pred, const nn_tensor *target,
                          int logits, nn_tensor *grad, double *value, nn_error *err)
{
    return nn_loss_compute_weighted(loss, pred, target, logits, NULL, grad, value, err);
}

/* With weights w_i (Keras's sample_weight, reduction SUM_OVER_BATCH_SIZE):
** L = (1/B) sum_i w_i l_i,  dL/dp_i = (w_i / B) dl_i/dp_i. */
nn_status nn_loss_compute_weighted(const nn_loss *loss, const nn_tensor *pred,
                                   const nn_tensor *target, int logits,
                                   const float *sample_weight, nn_tensor *grad, double *value,
                                   nn_error *err)
{
    if (loss->kind == NN_LOSS_CUSTOM) {
        if (sample_weight)
            return nn_error_set(err, NN_EARG, "%s: sample or class weights need a built-in "
                                "loss (a loss written in Lua takes none)", nn_loss_name(loss));
        return loss->custom(loss->ud, pred, target, grad, value, err);
    }
    nn_status st = nn_loss_check(loss, pred, target, err);
    if (st != NN_OK)
        return st;
    int B = pred->shape[0];
    int k = (int)nn_tensor_row_size(pred);
    const float *p = nn_tensor_f32(pred);
    float *g = grad ? nn_tensor_f32(grad) : NULL;
    logits = logits || loss->from_logits;
    double total = 0.0;
    if (loss->kind == NN_LOSS_CCE || loss->kind == NN_LOSS_SCCE) {
        int sparse = loss->kind == NN_LOSS_SCCE;
        const float *y = sparse ? NULL : nn_tensor_f32(target);
        nn_tensor *yf = NULL;
        if (!sparse && target->dtype != NN_F32) {
            yf = nn_tensor_to_f32(target, err);
            if (!yf)
                return err ? err->code : NN_ENOMEM;
            y = nn_tensor_f32(yf);
        }
        for (int i = 0; i < B; i++) {
            double w = sample_weight ? sample_weight[i] : 1.0;
            total += w * crossentropy_row(p + (size_t)i * k, y ? y + (size_t)i * k : NULL,
                                          sparse ? label_at(target, i) : -1, k, logits,
                                          g ? g + (size_t)i * k : NULL, w / B);
        }
        nn_tensor_free(yf);
    } else {
        double scale = 1.0 / ((double)B * k);
        for (size_t i = 0; i < pred->size; i++) {
            double dp, w = sample_weight ? sample_weight[i / (size_t)k] : 1.0;
            total += w * elementwise_loss(loss->kind, logits, p[i], nn_tensor_get(target, i),
                                          &dp) / k;
            if (g)
                g[i] = (float)(w * dp * scale);
        }
    }
    *value = total / B;
    return NN_OK;
}

/* Keras 2 (data_adapter's class-weight map): the class of a sample is its label
** cast to an integer when y has one value per sample, else the argmax of its row. */
nn_status nn_loss_class_weights(float *sample_weight, const nn_tensor *y,
                                const float *class_weight, int n_classes, nn_error *err)
{
    int B = y->shape[0];
    int k = (int)nn_tensor_row_size(y);
    for (int i = 0; i < B; i++) {
        long c = k == 1 ? (long)nn_tensor_get(y, (size_t)i) : argmax_any(y, (size_t)i * k, k);
        if (c < 0 || c >= n_classes)
            return nn_error_set(err, NN_EARG, "class_weight: sample %d is of class %ld, but "
                                "class_weight has weights for classes 0..%d only", i + 1, c,
                                n_classes - 1);
        sample_weight[i] = class_weight[c];
    }
    return NN_OK;
}

/* ------------------------------------------------------------------ metrics */

static const char *const metric_names[NN_METRIC_COUNT] = {
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "mse", "mae",
};

nn_status nn_metric_parse(const char *name, nn_metric *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    out->k = 5;
    const char *alias = strcmp(name, "acc") == 0 ? "accuracy"
                      : strcmp(name, "mean_squared_error") == 0 ? "mse"
                      : strcmp(name, "mean_absolute_error") == 0 ? "mae" : name;
    for (int k = 0; k < NN_METRIC_COUNT; k++) {
        if (strcmp(alias, metric_names[k]) == 0) {
            out->kind = (nn_metric_kind)k;
            snprintf(out->name, sizeof out->name, "%s", name);
            return NN_OK;
        }
    }
    return nn_error_set(err, NN_EARG, "unknown metric '%s' (known: accuracy, binary_accuracy, "
                        "categorical_accuracy, sparse_categorical_accuracy, "
                        "top_k_categorical_accuracy, mse, mae)", name);
}

/* Keras picks the accuracy from the shapes (compile_utils.get_metric): binary when
** the prediction's last axis has one value, sparse when the targets are class
** indices, categorical otherwise. Here the loss tells what the targets are. */
void nn_metric_resolve(nn_metric *m, const nn_loss *loss, const nn_tensor *pred_like)
{
    if (m->kind != NN_METRIC_ACCURACY)
        return;
    if (pred_like) {
        if (pred_like->shape[pred_like->ndim - 1] == 1)
            m->kind = NN_METRIC_BINARY_ACCURACY;
        else if (loss->kind == NN_LOSS_SCCE)
            m->kind = NN_METRIC_SPARSE_CATEGORICAL_ACCURACY;
        else
            m->kind = NN_METRIC_CATEGORICAL_ACCURACY;
        return;
    }
    /* Output shape not known yet: settle what the loss alone settles. The rest
    ** (binary_crossentropy: binary for one output unit, categorical for several,
    ** as in Keras) is decided from the shapes at each batch. */
    if (loss->kind == NN_LOSS_SCCE)
        m->kind = NN_METRIC_SPARSE_CATEGORICAL_ACCURACY;
    else if (loss->kind == NN_LOSS_CCE)
        m->kind = NN_METRIC_CATEGORICAL_ACCURACY;
}

static int argmax_row(const float *r, int k)
{
    int best = 0;
    for (int j = 1; j < k; j++)
        if (r[j] > r[best])
            best = j;
    return best;
}

static int argmax_any(const nn_tensor *t, size_t off, int k)
{
    int best = 0;
    for (int j = 1; j < k; j++)
        if (nn_tensor_get(t, off + j) > nn_tensor_get(t, off + best))
            best = j;
    return best;
}

double nn_metric_batch_sum(const nn_metric *m, const nn_tensor *pred, const nn_tensor *target)
{
    int B = pred->shape[0], k = (int)nn_tensor_row_size(pred);
    const float *p = nn_tensor_f32(pred);
    nn_metric_kind kind = m->kind;
    if (kind == NN_METRIC_ACCURACY)     /* unresolved (custom loss): decide from the shapes */
        kind = k == 1 ? NN_METRIC_BINARY_ACCURACY
             : is_sparse_target(pred, target) ? NN_METRIC_SPARSE_CATEGORICAL_ACCURACY
             : NN_METRIC_CATEGORICAL_ACCURACY;
    if (kind == NN_METRIC_CATEGORICAL_ACCURACY && is_sparse_target(pred, target))
        kind = NN_METRIC_SPARSE_CATEGORICAL_ACCURACY;
    double sum = 0.0;
    for (int i = 0; i < B; i++) {
        const float *row = p + (size_t)i * k;
        size_t off = (size_t)i * k;
        switch (kind) {
        case NN_METRIC_CATEGORICAL_ACCURACY:
            sum += argmax_row(row, k) == argmax_any(target, off, k);
            break;
        case NN_METRIC_SPARSE_CATEGORICAL_ACCURACY:
            sum += argmax_row(row, k) == label_at(target, i);
            break;
        case NN_METRIC_TOP_K: {
            long c = label_at(target, i);
            if (!is_sparse_target(pred, target))
                c = argmax_any(target, off, k);
            int above = 0;
            for (int j = 0; j < k; j++)
                above += row[j] > row[c];
            sum += above < m->k;
            break;
        }
        case NN_METRIC_BINARY_ACCURACY:
        case NN_METRIC_MSE:
        case NN_METRIC_MAE: {
            double s = 0.0;
            for (int j = 0; j < k; j++) {
                double y = nn_tensor_get(target, off + j), d = row[j] - y;
                s += kind == NN_METRIC_BINARY_ACCURACY ? ((row[j] > 0.5f) == (y > 0.5))
                   : kind == NN_METRIC_MSE ? d * d : fabs(d);
            }
            sum += s / k;
            break;
        }
        default:
            break;
        }
    }
    return sum;
}
