/* nn/fit.c — fit, evaluate and predict: loops over mini-batches in C, with a
** callback at batch and epoch boundaries (progress, window, Ctrl-C, callbacks). */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nn_fit_options nn_fit_defaults(void)
{
    nn_fit_options o;
    memset(&o, 0, sizeof o);
    o.epochs = 1;
    o.batch_size = 32;
    o.shuffle = 1;
    return o;
}

/* ----------------------------------------------------------------- history */

int nn_history_key(nn_history *h, const char *key, int create)
{
    for (int k = 0; k < h->n_keys; k++)
        if (strcmp(h->key[k], key) == 0)
            return k;
    if (!create || h->n_keys == NN_HISTORY_KEYS)
        return -1;
    int k = h->n_keys;
    double *v = calloc((size_t)(h->cap_epochs ? h->cap_epochs : 1), sizeof *v);
    if (!v)
        return -1;
    for (int e = 0; e < h->n_epochs; e++)
        v[e] = NAN;     /* a key that appears later has no value for earlier epochs */
    snprintf(h->key[k], sizeof h->key[k], "%s", key);
    h->values[k] = v;
    h->n_keys++;
    return k;
}

static nn_status history_add_epoch(nn_history *h, int n, const char *const *names,
                                   const double *values, nn_error *err)
{
    if (h->n_epochs == h->cap_epochs) {
        int cap = h->cap_epochs ? 2 * h->cap_epochs : 16;
        for (int k = 0; k < h->n_keys; k++) {
            double *v = realloc(h->values[k], (size_t)cap * sizeof *v);
            if (!v)
                return nn_error_set(err, NN_ENOMEM, "out of memory recording the history");
            h->values[k] = v;
        }
        h->cap_epochs = cap;
    }
    for (int k = 0; k < h->n_keys; k++)
        h->values[k][h->n_epochs] = NAN;
    h->n_epochs++;
    for (int i = 0; i < n; i++) {
        int k = nn_history_key(h, names[i], 1);
        if (k < 0)
            return nn_error_set(err, NN_ENOMEM, "out of memory recording the history");
        h->values[k][h->n_epochs - 1] = values[i];
    }
    return NN_OK;
}

static void history_add_batch(nn_history *h, float loss)
{
    if (h->n_batches == h->cap_batches) {
        int cap = h->cap_batches ? 2 * h->cap_batches : 1024;
        float *b = realloc(h->batch_loss, (size_t)cap * sizeof *b);
        if (!b)
            return;     /* the live plot loses points; training goes on */
        h->batch_loss = b;
        h->cap_batches = cap;
    }
    h->batch_loss[h->n_batches++] = loss;
}

/* -------------------------------------------------------------- batching */

/* Copy rows idx[0..B-1] of src into *dst as float32 (grown and reused). */
static nn_status gather_rows(nn_tensor **dst, const nn_tensor *src, const int *idx, int B,
                             nn_error *err)
{
    int dims[NN_MAX_DIMS];
    memcpy(dims, src->shape, sizeof dims);
    dims[0] = B;
    nn_status st = nn_tensor_ensure(dst, src->ndim, dims, err);
    if (st != NN_OK)
        return st;
    size_t row = nn_tensor_row_size(src);
    float *out = nn_tensor_f32(*dst);
    for (int i = 0; i < B; i++) {
        float *o = out + (size_t)i * row;
        if (src->dtype == NN_F32) {
            memcpy(o, nn_tensor_f32(src) + (size_t)idx[i] * row, row * sizeof *o);
        } else {
            const uint8_t *s = nn_tensor_u8(src) + (size_t)idx[i] * row;
            for (size_t j = 0; j < row; j++)
                o[j] = s[j];
        }
    }
    return NN_OK;
}

/* The targets of a batch; its inputs are gathered into the model's own m->last_x. */
typedef struct batch_buffers { nn_tensor *y; } batch_buffers;

static void batch_buffers_free(batch_buffers *b)
{
    nn_tensor_free(b->y);
}

static nn_status check_pair(const nn_model *m, const nn_tensor *x, const nn_tensor *y,
                            const char *what, nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "the model must be compiled before %s: call "
                            "model:compile{optimizer = ..., loss = ...} first", what);
    if (x->shape[0] != y->shape[0]) {
        char a[96], b[96];
        return nn_error_set(err, NN_ESHAPE, "%s: x has %d samples %s but y has %d %s", what,
                            x->shape[0], nn_shape_format(a, sizeof a, x->ndim, x->shape),
                            y->shape[0], nn_shape_format(b, sizeof b, y->ndim, y->shape));
    }
    return NN_OK;
}

/* Loss and metrics over rows [first, first + n) of x, y. */
static nn_status evaluate_range(nn_model *m, const nn_tensor *x, const nn_tensor *y, int first,
                                int n, int batch_size, double *results, batch_buffers *buf,
                                nn_fit_callback cb, void *ud, nn_error *err)
{
    int nres = 1 + m->n_metrics;
    double sums[NN_MAX_METRICS + 1] = {0}, r[NN_MAX_METRICS + 1];
    int *idx = malloc((size_t)batch_size * sizeof *idx);
    if (!idx)
        return nn_error_set(err, NN_ENOMEM, "out of memory");
    int batches = (n + batch_size - 1) / batch_size;
    nn_status st = NN_OK;
    for (int b = 0; b < batches && st == NN_OK; b++) {
        int start = first + b * batch_size;
        int B = n - b * batch_size < batch_size ? n - b * batch_size : batch_size;
        for (int i = 0; i < B; i++)
            idx[i] = start + i;
        /* gathered straight into the model's input buffer: forward sees its own
        ** buffer and does not copy the batch a second time */
        st = gather_rows(&m->last_x, x, idx, B, err);
        if (st == NN_OK)
            st = gather_rows(&buf->y, y, idx, B, err);
        if (st == NN_OK)
            st = nn_model_test_on_batch(m, m->last_x, buf->y, r, err);
        for (int k = 0; k < nres && st == NN_OK; k++)
            sums[k] += r[k] * B;
        if (st == NN_OK && cb) {
            double means[NN_MAX_METRICS + 1];
            int seen = b * batch_size + B;
            for (int k = 0; k < nres; k++)
                means[k] = sums[k] / seen;
            const char *names[NN_MAX_METRICS + 1];
            nn_model_result_names(m, names, nres);
            nn_fit_event ev = {NN_EVENT_EVAL_BATCH_END, 0, 1, b, batches, nres, names, means,
                               r[0]};
            if (cb(ud, &ev, err))
                st = err && err->code != NN_OK ? err->code : NN_ESTOP;
        }
    }
    free(idx);
    for (int k = 0; k < nres; k++)
        results[k] = n > 0 ? sums[k] / n : NAN;
    return st;
}

nn_status nn_model_evaluate(nn_model *m, const nn_tensor *x, const nn_tensor *y, int batch_size,
                            double *results, nn_fit_callback cb, void *ud, nn_error *err)
{
    nn_status st = check_pair(m, x, y, "evaluate", err);
    if (st != NN_OK)
        return st;
    if (batch_size < 1)
        return nn_error_set(err, NN_EARG, "evaluate: batch_size must be positive, not %d",
                            batch_size);
    batch_buffers buf = {0};
    st = evaluate_range(m, x, y, 0, x->shape[0], batch_size, results, &buf, cb, ud, err);
    batch_buffers_free(&buf);
    return st;
}

nn_tensor *nn_model_predict(nn_model *m, const nn_tensor *x, int batch_size, nn_fit_callback cb,
                            void *ud, nn_error *err)
{
    if (batch_size < 1) {
        nn_error_set(err, NN_EARG, "predict: batch_size must be positive, not %d", batch_size);
        return NULL;
    }
    int n = x->shape[0];
    nn_tensor *result = NULL;
    nn_tensor view;
    for (int start = 0; start < n; start += batch_size) {
        int B = n - start < batch_size ? n - start : batch_size;
        nn_tensor_borrow_rows(&view, x, start, B);
        const nn_tensor *out = nn_model_forward(m, &view, 0, err);
        if (!out) {
            nn_tensor_free(result);
            return NULL;
        }
        if (!result) {
            int dims[NN_MAX_DIMS];
            memcpy(dims, out->shape, sizeof dims);
            dims[0] = n;
            result = nn_tensor_new(NN_F32, out->ndim, dims, err);
            if (!result)
                return NULL;
        }
        size_t row = nn_tensor_row_size(out);
        memcpy(nn_tensor_f32(result) + (size_t)start * row, out->data, out->size * sizeof(float));
        if (cb) {
            int batches = (n + batch_size - 1) / batch_size;
            nn_fit_event ev = {NN_EVENT_EVAL_BATCH_END, 0, 1, start / batch_size, batches, 0,
                               NULL, NULL, 0.0};
            if (cb(ud, &ev, err)) {
                nn_tensor_free(result);
                if (err && err->code == NN_OK)
                    nn_error_set(err, NN_ESTOP, "predict stopped");
                return NULL;
            }
        }
    }
    return result;
}

/* ---------------------------------------------------------------------- fit */

typedef struct fit_state {
    nn_model *m;
    const nn_fit_options *opt;
    const nn_tensor *x, *y;     /* the arrays, or NULL with a source */
    nn_batch_source next;       /* the source of batches, or NULL with arrays */
    void *next_ud;
    int ran_out;                /* the source ended before its steps: stop after this epoch */
    int n_train;                /* rows used for training: the first n_train */
    int val_first, val_n;       /* validation rows when split from x, y */
    int *order;                 /* the training rows in this epoch's order */
    batch_buffers buf, vbuf;
    float *sw;                  /* the batch's weights from class_weight */
    int sw_cap;
    const char *names[2 * (NN_MAX_METRICS + 1)];
    char val_names[NN_MAX_METRICS + 1][48];
    int nres;
} fit_state;

/* Batch b of the epoch into *bx, *by: rows of the arrays in this epoch's order,
** or the source's next batch (*bx NULL at its end). */
static nn_status next_batch(fit_state *s, int b, const nn_tensor **bx, const nn_tensor **by,
                            nn_error *err)
{
    if (s->next) {
        *bx = *by = NULL;
        nn_status st = s->next(s->next_ud, bx, by, err);
        if (st == NN_OK && *bx && (!*by || (*bx)->shape[0] != (*by)->shape[0]))
            return nn_error_set(err, NN_ESHAPE, "fit: the generator's batch %d has %d "
                                "samples in x but %d in y", b + 1, (*bx)->shape[0],
                                *by ? (*by)->shape[0] : 0);
        return st;
    }
    int bs = s->opt->batch_size, start = b * bs;
    int B = s->n_train - start < bs ? s->n_train - start : bs;
    nn_status st = gather_rows(&s->m->last_x, s->x, s->order + start, B, err);
    if (st == NN_OK)
        st = gather_rows(&s->buf.y, s->y, s->order + start, B, err);
    *bx = s->m->last_x;     /* the model's own input buffer: forward copies nothing */
    *by = s->buf.y;
    return st;
}

/* The batch's per-sample weights from class_weight, or NULL without one. */
static nn_status batch_weights(fit_state *s, const nn_tensor *by, const float **sw,
                               nn_error *err)
{
    *sw = NULL;
    if (!s->opt->class_weight)
        return NN_OK;
    int B = by->shape[0];
    if (B > s->sw_cap) {
        float *w = realloc(s->sw, (size_t)B * sizeof *w);
        if (!w)
            return nn_error_set(err, NN_ENOMEM, "fit: out of memory");
        s->sw = w;
        s->sw_cap = B;
    }
    *sw = s->sw;
    return nn_loss_class_weights(s->sw, by, s->opt->class_weight, s->opt->n_class_weight, err);
}

static nn_status stop_status(nn_error *err)
{
    return err && err->code != NN_OK ? err->code : NN_ESTOP;
}

static nn_status fit_epoch(fit_state *s, int epoch, nn_error *err)
{
    nn_model *m = s->m;
    const nn_fit_options *opt = s->opt;
    int bs = opt->batch_size, n = s->n_train;
    int batches = s->next ? 0 : (n + bs - 1) / bs;     /* 0: until the source ends */
    if (opt->steps_per_epoch > 0 && (s->next || opt->steps_per_epoch < batches))
        batches = opt->steps_per_epoch;
    if (!s->next) {
        /* each epoch's order depends on the generator alone (not on the previous
        ** epoch's), so a model saved and loaded between epochs shuffles the same */
        for (int i = 0; i < n; i++)
            s->order[i] = i;
        if (opt->shuffle)
            nn_rng_shuffle(&m->rng, s->order, (size_t)n);
    }
    double sums[NN_MAX_METRICS + 1] = {0}, r[NN_MAX_METRICS + 1] = {0};
    double means[2 * (NN_MAX_METRICS + 1)];
    int seen = 0, done = 0;
    if (opt->callback) {
        nn_fit_event ev = {NN_EVENT_EPOCH_BEGIN, epoch, opt->epochs, 0, batches, 0, s->names,
                           NULL, 0.0};
        if (opt->callback(opt->ud, &ev, err))
            return stop_status(err);
    }
    for (int b = 0; batches == 0 || b < batches; b++) {
        const nn_tensor *bx, *by;
        const float *sw;
        nn_status st = next_batch(s, b, &bx, &by, err);
        if (st != NN_OK)
            return st;
        if (!bx) {
            s->ran_out = batches > 0 || done == 0;
            break;
        }
        int B = bx->shape[0];
        st = batch_weights(s, by, &sw, err);
        if (st == NN_OK)
            st = nn_model_train_on_batch_weighted(m, bx, by, sw, r, err);
        if (st != NN_OK)
            return st;
        if (!isfinite(r[0]))
            return nn_error_set(err, NN_ENAN, "the loss became %s at epoch %d, batch %d: training "
                                "stopped (try a smaller learning_rate, or check the data for "
                                "NaN)", isnan(r[0]) ? "NaN" : "infinite", epoch + 1, b + 1);
        history_add_batch(&m->history, (float)r[0]);
        seen += B;
        done++;
        for (int k = 0; k < s->nres; k++) {
            sums[k] += r[k] * B;
            means[k] = sums[k] / seen;
        }
        if (opt->callback) {
            nn_fit_event ev = {NN_EVENT_BATCH_END, epoch, opt->epochs, b, batches, s->nres,
                               s->names, means, r[0]};
            if (opt->callback(opt->ud, &ev, err))
                return stop_status(err);
        }
        if (m->stop_training)
            break;
    }
    if (done == 0 && s->next)
        return NN_OK;       /* nothing to record: the source had no more data */
    if (s->next)
        batches = done;
    int total = s->nres;
    const nn_tensor *vx = opt->val_x ? opt->val_x : s->x;
    const nn_tensor *vy = opt->val_x ? opt->val_y : s->y;
    if (s->val_n > 0) {
        nn_status st = evaluate_range(m, vx, vy, s->val_first, s->val_n, bs, means + s->nres,
                                      &s->vbuf, NULL, NULL, err);
        if (st != NN_OK)
            return st;
        total += s->nres;
    }
    nn_status st = history_add_epoch(&m->history, total, s->names, means, err);
    if (st != NN_OK)
        return st;
    if (opt->callback) {
        nn_fit_event ev = {NN_EVENT_EPOCH_END, epoch, opt->epochs, batches - 1, batches, total,
                           s->names, means, r[0]};
        if (opt->callback(opt->ud, &ev, err))
            return stop_status(err);
    }
    return NN_OK;
}

/* Checks common to both fits; names of the results (and val_ ones) into s. */
static nn_status fit_begin(fit_state *s, nn_model *m, const nn_fit_options *opt, nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "the model must be compiled before fit: call "
                            "model:compile{optimizer = ..., loss = ...} first");
    if (opt->batch_size < 1 || opt->epochs < 0 || opt->validation_split < 0.0 ||
        opt->validation_split >= 1.0)
        return nn_error_set(err, NN_EARG, "fit: batch_size must be positive (got %d), epochs "
                            "non-negative (got %d) and validation_split in [0, 1) (got %g)",
                            opt->batch_size, opt->epochs, opt->validation_split);
    if (opt->val_x && (!opt->val_y || opt->val_x->shape[0] != opt->val_y->shape[0]))
        return nn_error_set(err, NN_ESHAPE, "fit: validation_data needs x and y with the same "
                            "number of samples");
    if (opt->class_weight && opt->n_class_weight < 1)
        return nn_error_set(err, NN_EARG, "fit: class_weight needs at least one class");
    memset(s, 0, sizeof *s);
    s->m = m;
    s->opt = opt;
    if (opt->val_x)
        s->val_n = opt->val_x->shape[0];
    s->nres = nn_model_result_names(m, s->names, NN_MAX_METRICS + 1);
    for (int k = 0; k < s->nres; k++) {
        snprintf(s->val_names[k], sizeof s->val_names[k], "val_%s", s->names[k]);
        s->names[s->nres + k] = s->val_names[k];
    }
    return NN_OK;
}

static nn_status fit_run(fit_state *s, nn_error *err)
{
    nn_model *m = s->m;
    const nn_fit_options *opt = s->opt;
    m->stop_training = 0;
    nn_status st = NN_OK;
    for (int e = opt->initial_epoch; e < opt->epochs && st == NN_OK && !m->stop_training &&
         !s->ran_out; e++)
        st = fit_epoch(s, e, err);
    free(s->order);
    free(s->sw);
    batch_buffers_free(&s->buf);
    batch_buffers_free(&s->vbuf);
    return st;
}

nn_status nn_model_fit(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                       const nn_fit_options *opt, nn_error *err)
{
    fit_state s;
    nn_status st = check_pair(m, x, y, "fit", err);
    if (st == NN_OK)
        st = fit_begin(&s, m, opt, err);
    if (st != NN_OK)
        return st;
    s.x = x;
    s.y = y;
    int n = x->shape[0];
    s.n_train = n;
    if (!opt->val_x && opt->validation_split > 0.0) {
        /* Keras: the last fraction of the data, taken before any shuffling */
        s.n_train = (int)floor(n * (1.0 - opt->validation_split));
        s.val_first = s.n_train;
        s.val_n = n - s.n_train;
        if (s.n_train < 1 || s.val_n < 1)
            return nn_error_set(err, NN_EARG, "fit: validation_split %g of %d samples leaves "
                                "%d for training and %d for validation", opt->validation_split,
                                n, s.n_train, s.val_n);
    }
    s.order = malloc((size_t)(s.n_train > 0 ? s.n_train : 1) * sizeof *s.order);
    if (!s.order)
        return nn_error_set(err, NN_ENOMEM, "fit: out of memory");
    return fit_run(&s, err);
}

nn_status nn_model_fit_source(nn_model *m, nn_batch_source next, void *next_ud,
                              const nn_fit_options *opt, nn_error *err)
{
    fit_state s;
    nn_status st = fit_begin(&s, m, opt, err);
    if (st != NN_OK)
        return st;
    if (opt->steps_per_epoch < 0)
        return nn_error_set(err, NN_EARG, "fit: steps_per_epoch must be positive (or 0: until "
                            "the generator ends), not %d", opt->steps_per_epoch);
    s.next = next;
    s.next_ud = next_ud;
    return fit_run(&s, err);
}
