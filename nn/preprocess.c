/* nn/preprocess.c — labels, scaling, splits and shuffles. */
#include "preprocess.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

static size_t elem_size(const nn_tensor *t) { return t->dtype == NN_U8 ? 1 : sizeof(float); }

/* Elements [at, at + n) of t, as doubles: one dtype test per row, not per element. */
static void row_values(const nn_tensor *t, size_t at, size_t n, double *out)
{
    if (t->dtype == NN_U8) {
        const uint8_t *p = nn_tensor_u8(t) + at;
        for (size_t i = 0; i < n; i++)
            out[i] = p[i];
    } else {
        const float *p = nn_tensor_f32(t) + at;
        for (size_t i = 0; i < n; i++)
            out[i] = p[i];
    }
}

/* ------------------------------------------------------------ labels */

nn_tensor *nn_to_categorical(const nn_tensor *y, int num_classes, nn_error *err)
{
    int ndim = y->ndim, shape[NN_MAX_DIMS];
    if (ndim > 1 && y->shape[ndim - 1] == 1)
        ndim--;
    if (ndim + 1 > NN_MAX_DIMS) {
        char buf[64];
        nn_error_set(err, NN_ESHAPE, "to_categorical: labels of shape %s would give more "
                     "than %d dimensions", nn_shape_format(buf, sizeof buf, y->ndim, y->shape),
                     NN_MAX_DIMS);
        return NULL;
    }
    const char *what = ndim == 1 ? "sample" : "element";
    double largest = 0;
    for (size_t i = 0; i < y->size; i++) {
        double v = nn_tensor_get(y, i);
        if (v != floor(v) || isnan(v)) {
            nn_error_set(err, NN_EARG, "to_categorical: label %g of %s %zu is not an integer "
                         "class index", v, what, i + 1);
            return NULL;
        }
        if (v < 0) {
            nn_error_set(err, NN_EARG, "to_categorical: label %g of %s %zu is negative; class "
                         "indices start at 0", v, what, i + 1);
            return NULL;
        }
        if (num_classes > 0 && v >= num_classes) {
            nn_error_set(err, NN_EARG, "to_categorical: label %g of %s %zu is out of range: "
                         "num_classes is %d, so labels are 0 to %d", v, what, i + 1,
                         num_classes, num_classes - 1);
            return NULL;
        }
        if (v >= INT_MAX) {
            nn_error_set(err, NN_EARG, "to_categorical: label %g of %s %zu is too large", v,
                         what, i + 1);
            return NULL;
        }
        if (v > largest)
            largest = v;
    }
    if (num_classes <= 0)
        num_classes = (int)largest + 1;
    memcpy(shape, y->shape, (size_t)ndim * sizeof *shape);
    shape[ndim] = num_classes;
    nn_tensor *r = nn_tensor_new(NN_F32, ndim + 1, shape, err);
    if (!r)
        return NULL;
    float *d = nn_tensor_f32(r);
    for (size_t i = 0; i < y->size; i++)
        d[i * (size_t)num_classes + (size_t)nn_tensor_get(y, i)] = 1.0f;
    return r;
}

/* ------------------------------------------------------------ scaling */

nn_tensor *nn_normalize(const nn_tensor *x, int axis, int order, nn_error *err)
{
    int a = axis < 0 ? axis + x->ndim : axis;
    if (a < 0 || a >= x->ndim) {
        nn_error_set(err, NN_EARG, "normalize: axis %d is out of range for %d dimensions",
                     axis, x->ndim);
        return NULL;
    }
    if (order < 1) {
        nn_error_set(err, NN_EARG, "normalize: order must be 1 or more, not %d", order);
        return NULL;
    }
    size_t outer = 1, len = (size_t)x->shape[a], inner = 1;
    for (int i = 0; i < a; i++)
        outer *= (size_t)x->shape[i];
    for (int i = a + 1; i < x->ndim; i++)
        inner *= (size_t)x->shape[i];
    nn_tensor *r = nn_tensor_new(NN_F32, x->ndim, x->shape, err);
    if (!r)
        return NULL;
    float *d = nn_tensor_f32(r);
    double *row = inner == 1 ? malloc(len * sizeof *row) : NULL;
    for (size_t o = 0; row && o < outer; o++) {
        /* The usual case, a norm along the last axis: contiguous rows. */
        row_values(x, o * len, len, row);
        double sum = 0;
        for (size_t k = 0; k < len; k++) {
            double v = fabs(row[k]);
            sum += order == 1 ? v : order == 2 ? v * v : pow(v, order);
        }
        double norm = order == 1 ? sum : order == 2 ? sqrt(sum) : pow(sum, 1.0 / order);
        if (norm == 0)
            norm = 1;
        for (size_t k = 0; k < len; k++)
            d[o * len + k] = (float)(row[k] / norm);
    }
    for (size_t o = 0; !row && o < outer; o++) {
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * len * inner + in;
            double sum = 0;
            for (size_t k = 0; k < len; k++) {
                double v = fabs((double)nn_tensor_get(x, base + k * inner));
                sum += order == 1 ? v : order == 2 ? v * v : pow(v, order);
            }
            double norm = order == 1 ? sum : order == 2 ? sqrt(sum) : pow(sum, 1.0 / order);
            if (norm == 0)
                norm = 1;
            for (size_t k = 0; k < len; k++)
                d[base + k * inner] = (float)(nn_tensor_get(x, base + k * inner) / norm);
        }
    }
    free(row);
    return r;
}

nn_scaler nn_scaler_defaults(void)
{
    nn_scaler s = {1, 1, 0, 0, NULL, NULL, NULL};
    return s;
}

void nn_scaler_clear(nn_scaler *s)
{
    nn_tensor_free(s->mean);
    nn_tensor_free(s->var);
    nn_tensor_free(s->scale);
    s->mean = s->var = s->scale = NULL;
    s->n_features = 0;
    s->n_samples_seen = 0;
}

static nn_status scaler_shape(const char *fn, const nn_tensor *x, int *n, int *f, nn_error *err)
{
    if (x->ndim < 2) {
        char buf[64];
        return nn_error_set(err, NN_ESHAPE, "StandardScaler.%s: x must be 2-D (samples, "
                            "features), not of shape %s; for one feature reshape it to "
                            "(%d, 1)", fn, nn_shape_format(buf, sizeof buf, x->ndim, x->shape),
                            x->shape[0]);
    }
    size_t rs = nn_tensor_row_size(x);
    if (rs > INT_MAX)
        return nn_error_set(err, NN_ESHAPE, "StandardScaler.%s: too many features", fn);
    *n = x->shape[0];
    *f = (int)rs;
    return NN_OK;
}

nn_status nn_scaler_fit(nn_scaler *s, const nn_tensor *x, nn_error *err)
{
    int n = 0, f = 0;
    if (scaler_shape("fit", x, &n, &f, err) != NN_OK)
        return err ? err->code : NN_ESHAPE;
    nn_tensor *mean = nn_tensor_new1(f, err);
    nn_tensor *var = mean ? nn_tensor_new1(f, err) : NULL;
    nn_tensor *scale = var ? nn_tensor_new1(f, err) : NULL;
    double *acc = scale ? calloc(3 * (size_t)f, sizeof *acc) : NULL;
    if (!acc) {
        nn_tensor_free(mean);
        nn_tensor_free(var);
        nn_tensor_free(scale);
        return scale ? nn_error_set(err, NN_ENOMEM, "StandardScaler.fit: out of memory")
                     : (err ? err->code : NN_ENOMEM);
    }
    /* Two passes in row order (cache-friendly): the means, then the squared
    ** deviations from them, both summed in double. */
    double *sum = acc, *ss = acc + f, *row = acc + 2 * (size_t)f;
    for (int i = 0; i < n; i++) {
        row_values(x, (size_t)i * (size_t)f, (size_t)f, row);
        for (int j = 0; j < f; j++)
            sum[j] += row[j];
    }
    for (int j = 0; j < f; j++)
        sum[j] /= n;
    for (int i = 0; i < n; i++) {
        row_values(x, (size_t)i * (size_t)f, (size_t)f, row);
        for (int j = 0; j < f; j++) {
            double dlt = row[j] - sum[j];
            ss[j] += dlt * dlt;
        }
    }
    float *m = nn_tensor_f32(mean), *v = nn_tensor_f32(var), *sc = nn_tensor_f32(scale);
    for (int j = 0; j < f; j++) {
        double mu = sum[j], var_j = ss[j] / n;
        /* sklearn's test for a constant column: a variance within rounding of zero. */
        double bound = n * DBL_EPSILON * var_j + (n * mu * DBL_EPSILON) * (n * mu * DBL_EPSILON);
        m[j] = (float)mu;
        v[j] = (float)var_j;
        sc[j] = !s->with_std || var_j <= bound ? 1.0f : (float)sqrt(var_j);
    }
    free(acc);
    nn_scaler_clear(s);
    s->mean = mean;
    s->var = var;
    s->scale = scale;
    s->n_features = f;
    s->n_samples_seen = n;
    return NN_OK;
}

static nn_tensor *scaler_apply(const nn_scaler *s, const nn_tensor *x, int inverse,
                               nn_error *err)
{
    const char *fn = inverse ? "inverse_transform" : "transform";
    if (!s->n_features) {
        nn_error_set(err, NN_ESTATE, "StandardScaler.%s: the scaler is not fitted yet; call "
                     "fit first", fn);
        return NULL;
    }
    int n = 0, f = 0;
    if (scaler_shape(fn, x, &n, &f, err) != NN_OK)
        return NULL;
    if (f != s->n_features) {
        nn_error_set(err, NN_ESHAPE, "StandardScaler.%s: x has %d features per row, but the "
                     "scaler was fitted on %d", fn, f, s->n_features);
        return NULL;
    }
    nn_tensor *r = nn_tensor_new(NN_F32, x->ndim, x->shape, err);
    if (!r)
        return NULL;
    double *row = malloc((size_t)f * sizeof *row);
    if (!row) {
        nn_tensor_free(r);
        nn_error_set(err, NN_ENOMEM, "StandardScaler.%s: out of memory", fn);
        return NULL;
    }
    const float *m = nn_tensor_f32(s->mean), *sc = nn_tensor_f32(s->scale);
    float *d = nn_tensor_f32(r);
    for (int i = 0; i < n; i++) {
        size_t at = (size_t)i * (size_t)f;
        row_values(x, at, (size_t)f, row);
        for (int j = 0; j < f; j++) {
            double mu = s->with_mean ? m[j] : 0.0;
            d[at + j] = (float)(inverse ? row[j] * sc[j] + mu : (row[j] - mu) / sc[j]);
        }
    }
    free(row);
    return r;
}

nn_tensor *nn_scaler_transform(const nn_scaler *s, const nn_tensor *x, nn_error *err)
{
    return scaler_apply(s, x, 0, err);
}

nn_tensor *nn_scaler_inverse_transform(const nn_scaler *s, const nn_tensor *x, nn_error *err)
{
    return scaler_apply(s, x, 1, err);
}

/* ------------------------------------------------------------ splits */

nn_split_options nn_split_defaults(void)
{
    nn_split_options o = {0};
    o.shuffle = 1;
    return o;
}

/* n_train and n_test as sklearn's _validate_shuffle_split computes them. */
static nn_status split_sizes(int n, const nn_split_options *o, int *n_train, int *n_test,
                             nn_error *err)
{
    double test = o->test_size, train = o->train_size;
    int test_set = o->test_count > 0 || test != 0, train_set = o->train_count > 0 || train != 0;
    if (!test_set && !train_set)
        test = 0.25;
    if (o->test_count > 0 ? o->test_count >= n : test_set && !(test > 0 && test < 1)) {
        return nn_error_set(err, NN_EARG, "train_test_split: test_size=%g should be either "
                            "positive and smaller than the number of samples %d or a float in "
                            "the (0, 1) range", o->test_count > 0 ? o->test_count : test, n);
    }
    if (o->train_count > 0 ? o->train_count >= n : train_set && !(train > 0 && train < 1)) {
        return nn_error_set(err, NN_EARG, "train_test_split: train_size=%g should be either "
                            "positive and smaller than the number of samples %d or a float in "
                            "the (0, 1) range", o->train_count > 0 ? o->train_count : train, n);
    }
    if (o->test_count < 0 || o->train_count < 0)
        return nn_error_set(err, NN_EARG, "train_test_split: sizes must be positive");
    if (!o->test_count && !o->train_count && test_set && train_set && test + train > 1)
        return nn_error_set(err, NN_EARG, "train_test_split: the sum of test_size and "
                            "train_size = %g, should be in the (0, 1) range; reduce test_size "
                            "and/or train_size", test + train);
    long long nte = -1, ntr = -1;
    if (o->test_count > 0)
        nte = o->test_count;
    else if (test_set || !train_set)
        nte = (long long)ceil(test * n);
    if (o->train_count > 0)
        ntr = o->train_count;
    else if (train_set)
        ntr = (long long)floor(train * n);
    if (ntr < 0)
        ntr = n - nte;
    if (nte < 0)
        nte = n - ntr;
    if (ntr + nte > n)
        return nn_error_set(err, NN_EARG, "train_test_split: the sum of train_size and "
                            "test_size = %lld, should be smaller than the number of samples "
                            "%d; reduce test_size and/or train_size", ntr + nte, n);
    if (ntr == 0)
        return nn_error_set(err, NN_EARG, "train_test_split: with n_samples=%d the train set "
                            "would be empty; lower test_size", n);
    if (nte == 0)
        return nn_error_set(err, NN_EARG, "train_test_split: with n_samples=%d the test set "
                            "would be empty; raise test_size", n);
    *n_train = (int)ntr;
    *n_test = (int)nte;
    return NN_OK;
}

typedef struct row_keys {
    const float *v;
    size_t len;
} row_keys;

/* Rows compared value by value, ties by index: a stable order of the classes. */
static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
    const row_keys *k = ctx;
    int a = *(const int *)pa, b = *(const int *)pb;
    const float *ra = k->v + (size_t)a * k->len, *rb = k->v + (size_t)b * k->len;
    for (size_t i = 0; i < k->len; i++)
        if (ra[i] != rb[i])
            return ra[i] < rb[i] ? -1 : 1;
    return (a > b) - (a < b);
}

static int rows_equal(const row_keys *k, int a, int b)
{
    const float *ra = k->v + (size_t)a * k->len, *rb = k->v + (size_t)b * k->len;
    for (size_t i = 0; i < k->len; i++)
        if (ra[i] != rb[i])
            return 0;
    return 1;
}

/* sklearn's _approximate_mode: draws per class, proportional to counts, the
** remainder going to the largest fractional parts (ties broken at random). */
static void approximate_mode(const int *counts, int k, int draws, nn_rng *r, int *out,
                             double *rem, int *inds)
{
    long long total = 0, floored = 0;
    for (int c = 0; c < k; c++)
        total += counts[c];
    for (int c = 0; c < k; c++) {
        double cont = total ? (double)counts[c] / (double)total * draws : 0;
        out[c] = (int)floor(cont);
        rem[c] = cont - out[c];
        floored += out[c];
    }
    long long need = draws - floored;
    while (need > 0) {
        double best = -1;
        for (int c = 0; c < k; c++)
            if (rem[c] > best)
                best = rem[c];
        if (best < 0)
            break;
        int m = 0;
        for (int c = 0; c < k; c++)
            if (rem[c] == best) {
                inds[m++] = c;
                rem[c] = -1;
            }
        nn_rng_shuffle(r, inds, (size_t)m);
        for (int i = 0; i < m && need > 0; i++, need--)
            out[inds[i]]++;
    }
}

/* Stratified split: class ids from the labels' rows, then sklearn's allotment. */
static nn_status split_stratified(int n, const nn_split_options *o, nn_rng *r, int ntr, int nte,
                                  int *train, int *test, nn_error *err)
{
    const nn_tensor *s = o->stratify;
    nn_tensor *f = nn_tensor_to_f32(s, err);
    int *order = f ? malloc((size_t)n * sizeof *order) : NULL;
    int *start = order ? malloc(((size_t)n + 1) * sizeof *start) : NULL;
    int *counts = start ? malloc((size_t)n * 4 * sizeof *counts) : NULL;
    double *rem = counts ? malloc((size_t)n * sizeof *rem) : NULL;
    nn_status st = NN_OK;
    if (!rem) {
        st = f ? nn_error_set(err, NN_ENOMEM, "train_test_split: out of memory") : err->code;
        goto done;
    }
    int *n_i = counts + n, *t_i = counts + 2 * (size_t)n, *scratch = counts + 3 * (size_t)n;
    row_keys keys = {nn_tensor_f32(f), nn_tensor_row_size(f)};
    for (size_t i = 0; i < f->size; i++) {
        if (isnan(keys.v[i])) {
            st = nn_error_set(err, NN_EARG, "train_test_split: stratify holds NaN (in sample "
                              "%zu)", i / keys.len + 1);
            goto done;
        }
    }
    for (int i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, (size_t)n, sizeof *order, cmp_rows, &keys);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (i == 0 || !rows_equal(&keys, order[i - 1], order[i]))
            start[k++] = i;
    start[k] = n;
    int least = n;
    for (int c = 0; c < k; c++) {
        counts[c] = start[c + 1] - start[c];
        if (counts[c] < least)
            least = counts[c];
    }
    if (least < 2) {
        st = nn_error_set(err, NN_EARG, "train_test_split: the least populated class in "
                          "stratify has only 1 member, which is too few; each class needs at "
                          "least 2");
        goto done;
    }
    if (ntr < k || nte < k) {
        st = nn_error_set(err, NN_EARG, "train_test_split: the %s_size = %d should be greater "
                          "or equal to the number of classes = %d", ntr < k ? "train" : "test",
                          ntr < k ? ntr : nte, k);
        goto done;
    }
    approximate_mode(counts, k, ntr, r, n_i, rem, scratch);
    for (int c = 0; c < k; c++)
        scratch[c] = counts[c] - n_i[c];
    approximate_mode(scratch, k, nte, r, t_i, rem, scratch + k);
    int a = 0, b = 0;
    for (int c = 0; c < k; c++) {
        int *members = order + start[c];
        nn_rng_shuffle(r, members, (size_t)counts[c]);
        for (int i = 0; i < n_i[c]; i++)
            train[a++] = members[i];
        for (int i = 0; i < t_i[c]; i++)
            test[b++] = members[n_i[c] + i];
    }
    nn_rng_shuffle(r, train, (size_t)a);
    nn_rng_shuffle(r, test, (size_t)b);
done:
    nn_tensor_free(f);
    free(order);
    free(start);
    free(counts);
    free(rem);
    return st;
}

nn_status nn_split_indices(int n, const nn_split_options *o, int **train_idx, int *n_train,
                           int **test_idx, int *n_test, nn_error *err)
{
    nn_error local;
    if (!err)
        err = &local;
    *train_idx = *test_idx = NULL;
    *n_train = *n_test = 0;
    if (n < 1)
        return nn_error_set(err, NN_EARG, "train_test_split: no samples to split");
    int ntr = 0, nte = 0;
    if (split_sizes(n, o, &ntr, &nte, err) != NN_OK)
        return err->code;
    if (o->stratify && !o->shuffle)
        return nn_error_set(err, NN_EARG, "train_test_split: a stratified split needs "
                            "shuffle (sklearn does not implement stratify with shuffle off)");
    if (o->stratify && o->stratify->shape[0] != n)
        return nn_error_set(err, NN_EARG, "train_test_split: stratify has %d rows, the data "
                            "has %d", o->stratify->shape[0], n);
    int *train = malloc((size_t)ntr * sizeof *train), *test = malloc((size_t)nte * sizeof *test);
    int *perm = malloc((size_t)n * sizeof *perm);
    if (!train || !test || !perm) {
        free(train);
        free(test);
        free(perm);
        return nn_error_set(err, NN_ENOMEM, "train_test_split: out of memory");
    }
    nn_rng r;
    nn_rng_seed(&r, o->seed);
    nn_status st = NN_OK;
    if (o->stratify) {
        st = split_stratified(n, o, &r, ntr, nte, train, test, err);
    } else {
        for (int i = 0; i < n; i++)
            perm[i] = i;
        if (o->shuffle) {
            nn_rng_shuffle(&r, perm, (size_t)n);
            memcpy(test, perm, (size_t)nte * sizeof *test);
            memcpy(train, perm + nte, (size_t)ntr * sizeof *train);
        } else {
            memcpy(train, perm, (size_t)ntr * sizeof *train);
            memcpy(test, perm + ntr, (size_t)nte * sizeof *test);
        }
    }
    free(perm);
    if (st != NN_OK) {
        free(train);
        free(test);
        return st;
    }
    *train_idx = train;
    *test_idx = test;
    *n_train = ntr;
    *n_test = nte;
    return NN_OK;
}

nn_tensor *nn_gather_rows(const nn_tensor *t, const int *idx, int n, nn_error *err)
{
    if (n < 1) {
        nn_error_set(err, NN_EARG, "gather rows: no rows asked for");
        return NULL;
    }
    int rows = t->shape[0];
    for (int i = 0; i < n; i++) {
        if (idx[i] < 0 || idx[i] >= rows) {
            nn_error_set(err, NN_EARG, "gather rows: index %d is out of range for %d rows",
                         idx[i], rows);
            return NULL;
        }
    }
    int shape[NN_MAX_DIMS];
    memcpy(shape, t->shape, (size_t)t->ndim * sizeof *shape);
    shape[0] = n;
    nn_tensor *r = nn_tensor_new(t->dtype, t->ndim, shape, err);
    if (!r)
        return NULL;
    size_t row_bytes = nn_tensor_row_size(t) * elem_size(t);
    const char *src = t->data;
    char *dst = r->data;
    for (int i = 0; i < n; i++)
        memcpy(dst + (size_t)i * row_bytes, src + (size_t)idx[i] * row_bytes, row_bytes);
    return r;
}

static nn_status same_rows(const char *fn, const nn_tensor *x, const nn_tensor *y,
                           nn_error *err)
{
    if (y && y->shape[0] != x->shape[0]) {
        char bx[64], by[64];
        return nn_error_set(err, NN_ESHAPE, "%s: x and y have different numbers of samples: "
                            "x %s, y %s", fn, nn_shape_format(bx, sizeof bx, x->ndim, x->shape),
                            nn_shape_format(by, sizeof by, y->ndim, y->shape));
    }
    return NN_OK;
}

nn_status nn_train_test_split(const nn_tensor *x, const nn_tensor *y,
                              const nn_split_options *o, nn_tensor **x_train,
                              nn_tensor **x_test, nn_tensor **y_train, nn_tensor **y_test,
                              nn_error *err)
{
    nn_error local;
    if (!err)
        err = &local;
    *x_train = *x_test = *y_train = *y_test = NULL;
    if (same_rows("train_test_split", x, y, err) != NN_OK)
        return err->code;
    int *tr = NULL, *te = NULL, ntr = 0, nte = 0;
    if (nn_split_indices(x->shape[0], o, &tr, &ntr, &te, &nte, err) != NN_OK)
        return err->code;
    *x_train = nn_gather_rows(x, tr, ntr, err);
    *x_test = *x_train ? nn_gather_rows(x, te, nte, err) : NULL;
    if (y && *x_test) {
        *y_train = nn_gather_rows(y, tr, ntr, err);
        *y_test = *y_train ? nn_gather_rows(y, te, nte, err) : NULL;
    }
    free(tr);
    free(te);
    if (!*x_test || (y && !*y_test)) {
        nn_tensor_free(*x_train);
        nn_tensor_free(*x_test);
        nn_tensor_free(*y_train);
        *x_train = *x_test = *y_train = NULL;
        return err->code;
    }
    return NN_OK;
}

nn_status nn_shuffle_rows(const nn_tensor *x, const nn_tensor *y, uint64_t seed,
                          nn_tensor **x_out, nn_tensor **y_out, nn_error *err)
{
    nn_error local;
    if (!err)
        err = &local;
    *x_out = NULL;
    if (y_out)
        *y_out = NULL;
    if (same_rows("shuffle", x, y, err) != NN_OK)
        return err->code;
    int n = x->shape[0];
    int *perm = malloc((size_t)n * sizeof *perm);
    if (!perm)
        return nn_error_set(err, NN_ENOMEM, "shuffle: out of memory");
    for (int i = 0; i < n; i++)
        perm[i] = i;
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_rng_shuffle(&r, perm, (size_t)n);
    *x_out = nn_gather_rows(x, perm, n, err);
    if (*x_out && y && y_out) {
        *y_out = nn_gather_rows(y, perm, n, err);
        if (!*y_out) {
            nn_tensor_free(*x_out);
            *x_out = NULL;
        }
    }
    free(perm);
    return *x_out ? NN_OK : err->code;
}
