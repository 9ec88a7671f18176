/* nn/preprocess.h — getting data ready for a model: one-hot labels, row
** normalisation, standard scaling, train/test splits and shuffles.
**
** Keras's and sklearn's behaviour is the reference (named per function). Rows
** are the first axis. Every function returning a tensor returns a new one owned
** by the caller, and NULL with an error on failure.
*/
#ifndef NN_PREPROCESS_H
#define NN_PREPROCESS_H

#include <stdint.h>

#include "tensor.h"

/* ------------------------------------------------------------ labels */

/* One-hot rows from class indices, as keras.utils.to_categorical: y of shape
** S (uint8 or float32) gives float32 of shape S + (num_classes,), where a
** trailing dimension of 1 in S is dropped first (so (N, 1) gives (N, C)).
** num_classes <= 0 means the largest label + 1. NN_EARG names the label and its
** sample (counting from 1) for a label that is negative, not an integer, or
** not below num_classes; NN_ESHAPE when the result would have more than 4 dims. */
nn_tensor *nn_to_categorical(const nn_tensor *y, int num_classes, nn_error *err);

/* ------------------------------------------------------------ scaling */

/* x / ||x||_order along `axis` (negative counts from the end; -1 is each row of
** a 2-D x), as keras.utils.normalize: a zero norm is taken as 1, so a zero
** vector stays zero. order is 1 or more. Sums in double; float32 result. */
nn_tensor *nn_normalize(const nn_tensor *x, int axis, int order, nn_error *err);

/* sklearn's StandardScaler over the columns of x viewed as (N, F), F being the
** elements of a row: mean_ and var_ per column (var with ddof = 0, as numpy's),
** scale_ = sqrt(var_), except that a constant column gets scale 1 (so it maps
** to 0 rather than to NaN). */
typedef struct nn_scaler {
    int with_mean, with_std;    /* as sklearn's options; both 1 by default */
    int n_features;             /* 0 until fitted */
    long long n_samples_seen;
    nn_tensor *mean;            /* (F,) float32; all zero when !with_mean */
    nn_tensor *var;             /* (F,) float32 */
    nn_tensor *scale;           /* (F,) float32; all one when !with_std */
} nn_scaler;

/* A scaler with sklearn's defaults, not fitted. */
nn_scaler nn_scaler_defaults(void);

/* Compute mean, var and scale from x (N >= 1 rows), in double. Refits replace
** what an earlier fit computed. */
nn_status nn_scaler_fit(nn_scaler *s, const nn_tensor *x, nn_error *err);

/* (x - mean) / scale, with x's shape. NN_ESTATE before a fit; NN_ESHAPE when
** x's rows do not have the fitted number of features. */
nn_tensor *nn_scaler_transform(const nn_scaler *s, const nn_tensor *x, nn_error *err);

/* x * scale + mean: the inverse of nn_scaler_transform. Errors as it. */
nn_tensor *nn_scaler_inverse_transform(const nn_scaler *s, const nn_tensor *x, nn_error *err);

/* Release the scaler's tensors and make it unfitted (the options stay). */
void nn_scaler_clear(nn_scaler *s);

/* ------------------------------------------------------------ splits */

/* The sizes follow sklearn's train_test_split: a fraction gives
** n_test = ceil(test_size * n) and n_train = floor(train_size * n); a count is
** taken as is; an unset side is the rest; both unset means test_size = 0.25. */
typedef struct nn_split_options {
    double test_size;           /* fraction in (0, 1), or 0 when unset */
    int test_count;             /* rows, used instead of test_size when > 0 */
    double train_size;          /* fraction in (0, 1), or 0 when unset */
    int train_count;            /* rows, used instead of train_size when > 0 */
    int shuffle;                /* 1: shuffle before splitting (the default) */
    uint64_t seed;              /* sklearn's random_state */
    const nn_tensor *stratify;  /* labels (N, ...) whose class balance both sides keep */
} nn_split_options;

nn_split_options nn_split_defaults(void);

/* Row indices of the training and test sets of n rows, as sklearn's ShuffleSplit
** (or StratifiedShuffleSplit with stratify: per class, train and test counts
** as sklearn's _approximate_mode allots them; rows whose labels are equal form
** a class). Without shuffle, the first n_train rows then the next n_test. The
** index arrays are malloc'ed for the caller to free. NN_EARG with sklearn's
** reasons: sizes out of range, an empty side, sizes adding up past n, stratify
** with shuffle off, of the wrong length, or with a class of one row, or a side
** smaller than the number of classes. */
nn_status nn_split_indices(int n, const nn_split_options *o, int **train_idx, int *n_train,
                           int **test_idx, int *n_test, nn_error *err);

/* Split x and y (y may be NULL: then its outputs are NULL) by nn_split_indices.
** NN_ESHAPE when x and y have different numbers of rows. */
nn_status nn_train_test_split(const nn_tensor *x, const nn_tensor *y,
                              const nn_split_options *o, nn_tensor **x_train,
                              nn_tensor **x_test, nn_tensor **y_train, nn_tensor **y_test,
                              nn_error *err);

/* Rows idx[0..n-1] of t, in that order, in a new tensor of t's dtype. NN_EARG
** names an index outside [0, rows). */
nn_tensor *nn_gather_rows(const nn_tensor *t, const int *idx, int n, nn_error *err);

/* Copies of x and y (y may be NULL) with their rows in one seeded random order,
** as sklearn.utils.shuffle. NN_ESHAPE when the row counts differ. */
nn_status nn_shuffle_rows(const nn_tensor *x, const nn_tensor *y, uint64_t seed,
                          nn_tensor **x_out, nn_tensor **y_out, nn_error *err);

#endif
