/* viz/sample.c — the current sample; running the model for the window. */
#include "sample.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "stage.h"

void viz_sample_free(viz_sample *s)
{
    for (int i = 0; i < s->cap_layers; i++) {
        free(s->out[i]);
        free(s->z[i]);
    }
    free(s->out);
    free(s->z);
    free(s->size);
    free(s->x);
    memset(s, 0, sizeof *s);
}

/* Room for n layers; keeps what is there. */
static int reserve_layers(viz_sample *s, int n)
{
    if (n <= s->cap_layers)
        return 0;
    float **out = realloc(s->out, (size_t)n * sizeof *out);
    if (out)
        s->out = out;
    float **z = realloc(s->z, (size_t)n * sizeof *z);
    if (z)
        s->z = z;
    int *size = realloc(s->size, (size_t)n * sizeof *size);
    if (size)
        s->size = size;
    if (!out || !z || !size)
        return viz_fail("out of memory copying the current sample");
    for (int i = s->cap_layers; i < n; i++) {
        s->out[i] = s->z[i] = NULL;
        s->size[i] = 0;
    }
    s->cap_layers = n;
    return 0;
}

/* Copy `n` floats into *dst, growing it to hold `cap` (the last size seen). */
static int copy_row(float **dst, int *cap, const float *src, int n)
{
    if (n > *cap || !*dst) {
        float *d = realloc(*dst, (size_t)n * sizeof *d);
        if (!d)
            return viz_fail("out of memory copying the current sample");
        *dst = d;
        *cap = n;
    }
    memcpy(*dst, src, (size_t)n * sizeof **dst);
    return 0;
}

/* Row `row` of every layer's output and pre-activation, when they hold the
** same batch as x (a forward stopped half-way leaves older rows behind). */
static int copy_layers(viz_sample *s, const nn_model *m, int row, int batch)
{
    int n = nn_view_layer_count(m);
    if (reserve_layers(s, n) != 0)
        return -1;
    s->n_layers = n;
    for (int i = 0; i < n; i++) {
        const nn_tensor *out = nn_view_output(m, i);
        const nn_tensor *z = nn_view_preact(m, i);
        int size = viz_shape_size(nn_view_layer_out_shape(m, i));
        int ok = out && out->dtype == NN_F32 && out->shape[0] == batch &&
                 (int)nn_tensor_row_size(out) == size && size > 0;
        int cap = s->out[i] ? s->size[i] : 0;
        if (!ok) {
            free(s->out[i]);
            free(s->z[i]);
            s->out[i] = s->z[i] = NULL;
            s->size[i] = 0;
            continue;
        }
        int cap_z = cap;
        if (copy_row(&s->out[i], &cap, nn_tensor_f32(out) + (size_t)row * size, size) != 0)
            return -1;
        if (z && z != out && z->shape[0] == batch && (int)nn_tensor_row_size(z) == size) {
            if (!s->z[i])
                cap_z = 0;
            if (copy_row(&s->z[i], &cap_z, nn_tensor_f32(z) + (size_t)row * size, size) != 0)
                return -1;
        } else if (z == out) {
            if (!s->z[i])
                cap_z = 0;
            if (copy_row(&s->z[i], &cap_z, s->out[i], size) != 0)
                return -1;
        } else {
            free(s->z[i]);
            s->z[i] = NULL;
        }
        s->size[i] = size;
    }
    return 0;
}

/* The class of row `row` of a target tensor: an index (sparse), the argmax
** of a one-hot row, or 0/1 for a single binary target; -1 otherwise. */
static int target_class(const nn_tensor *y, int row)
{
    if (!y || row >= y->shape[0])
        return -1;
    size_t k = nn_tensor_row_size(y);
    if (k == 1) {
        float v = nn_tensor_get(y, (size_t)row);
        return v >= 0.0f && v == (float)(int)v ? (int)v : -1;
    }
    size_t best = 0;
    for (size_t j = 1; j < k; j++)
        if (nn_tensor_get(y, row * k + j) > nn_tensor_get(y, row * k + best))
            best = j;
    return (int)best;
}

int viz_sample_capture(viz_sample *s, const nn_model *m, int row)
{
    const nn_tensor *x = nn_view_last_input(m);
    const nn_shape *in = nn_view_input_shape(m, 0);
    s->valid = 0;
    s->pinned = 0;
    if (!x || !in || x->shape[0] < 1 || x->dtype != NN_F32)
        return -1;
    int batch = x->shape[0];
    row = row < 0 ? 0 : row >= batch ? batch - 1 : row;
    int size = (int)nn_tensor_row_size(x);
    int cap = s->x ? s->x_size : 0;
    if (copy_row(&s->x, &cap, nn_tensor_f32(x) + (size_t)row * size, size) != 0)
        return -1;
    s->x_size = size;
    s->x_shape = *in;
    s->row = row;
    s->batch = batch;
    if (copy_layers(s, m, row, batch) != 0)
        return -1;
    const nn_tensor *y = nn_view_last_target(m);
    s->label = y && y->shape[0] == batch ? target_class(y, row) : -1;
    s->valid = 1;
    return 0;
}

/* ------------------------------------------------------------------ probe */

int viz_probe_allowed(const nn_model *m)
{
    if (!m || nn_view_layer_count(m) == 0 || !nn_view_input_shape(m, 0))
        return 0;
    if (nn_view_has_backward(m) || viz_stage_in_step(m))
        return 0;       /* the trace belongs to a step under way */
    for (int i = 0; i < nn_view_layer_count(m); i++)
        if (nn_view_layer_out_shape(m, i)->ndim == 0)
            return 0;
    return 1;
}

nn_tensor *viz_probe(const nn_model *m, const nn_tensor *x,
                     void (*inspect)(const nn_model *m, void *ud), void *ud)
{
    if (!viz_probe_allowed(m)) {
        viz_fail("the model cannot be run for the window now (unbuilt, or a backward waits "
                 "for its update)");
        return NULL;
    }
    /* The one place the window runs the model; see the note in sample.h. */
    nn_model *run = (nn_model *)m;
    nn_error err;
    nn_tensor *saved = NULL;
    const nn_tensor *last = nn_view_last_input(m);
    int had_forward = nn_view_has_forward(m);
    if (last && had_forward) {
        saved = nn_tensor_clone(last, &err);
        if (!saved) {
            viz_fail("out of memory keeping the last batch: %s", err.msg);
            return NULL;
        }
    }
    nn_tensor *y = nn_model_predict(run, x, x->shape[0], NULL, NULL, &err);
    if (!y)
        viz_fail("running the model: %s", err.msg);
    else if (inspect)
        inspect(m, ud);
    if (saved) {
        if (!nn_model_forward(run, saved, 0, &err) && y) {
            viz_fail("putting the last batch back: %s", err.msg);
            nn_tensor_free(y);
            y = NULL;
        }
        nn_tensor_free(saved);
    }
    return y;
}

typedef struct pin_ctx { viz_sample *s; int status; } pin_ctx;

static void read_pinned(const nn_model *m, void *ud)
{
    pin_ctx *p = ud;
    p->status = copy_layers(p->s, m, 0, 1);
}

int viz_sample_capture_input(viz_sample *s, const nn_model *m, const nn_tensor *x, int label)
{
    s->valid = 0;
    const nn_shape *in = nn_view_input_shape(m, 0);
    if (!in)
        return viz_fail("the model's input shape is not known yet: train or build it first");
    int size = viz_shape_size(in);
    if ((int)x->size != size)
        return viz_fail("viz.sample: the model takes %d values per sample, this input has %zu",
                        size, x->size);
    nn_error err;
    int dims[NN_MAX_DIMS];
    int nd = nn_shape_with_batch(in, 1, dims);
    nn_tensor *shaped = nn_tensor_to_f32(x, &err);
    nn_tensor *batch = shaped ? nn_tensor_reshape(shaped, nd, dims, &err) : NULL;
    nn_tensor_free(shaped);
    if (!batch)
        return viz_fail("viz.sample: %s", err.msg);
    int cap = s->x ? s->x_size : 0;
    int rc = copy_row(&s->x, &cap, nn_tensor_f32(batch), size);
    pin_ctx p = {s, 0};
    nn_tensor *y = rc == 0 ? viz_probe(m, batch, read_pinned, &p) : NULL;
    nn_tensor_free(batch);
    if (!y)
        return -1;
    nn_tensor_free(y);
    if (p.status != 0)
        return -1;
    s->x_size = size;
    s->x_shape = *in;
    s->row = 0;
    s->batch = 1;
    s->label = label;
    s->pinned = 1;
    s->valid = 1;
    return 0;
}
