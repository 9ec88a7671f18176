/* viz/stage.c — which stage of a training step the window shows, and the copy
** of the weights taken before an update. */
#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include "nn/view.h"
#include "viz.h"

static viz_stage T;
static int step_requested;

const viz_stage *viz_stage_current(void)
{
    return &T;
}

static void free_copy(void)
{
    for (int i = 0; T.before && i < T.n_params * (1 + NN_OPT_SLOTS); i++)
        free(T.before[i]);
    free(T.before);
    free(T.sizes);
    T.before = NULL;
    T.sizes = NULL;
    T.n_params = 0;
    T.have_before = 0;
}

void viz_stage_clear(void)
{
    free_copy();
    memset(&T, 0, sizeof T);
}

/* Copy n floats into *dst, growing it to the size; 0, or -1 out of memory. */
static int copy_into(float **dst, const nn_tensor *t)
{
    float *p = realloc(*dst, t->size * sizeof *p + 1);
    if (!p)
        return -1;
    memcpy(p, nn_tensor_f32(t), t->size * sizeof *p);
    *dst = p;
    return 0;
}

/* Copy every parameter and optimizer slot of m (the "before" of an update). */
static void take_copy(const nn_model *m)
{
    int n = 0;
    for (int i = 0; i < nn_view_layer_count(m); i++)
        n += nn_view_param_count(m, i);
    if (n != T.n_params) {
        free_copy();
        T.before = calloc((size_t)n * (1 + NN_OPT_SLOTS), sizeof *T.before);
        T.sizes = calloc((size_t)n + 1, sizeof *T.sizes);
        if (!T.before || !T.sizes) {
            free_copy();
            return;
        }
        T.n_params = n;
    }
    int p = 0;
    for (int i = 0; i < nn_view_layer_count(m); i++)
        for (int k = 0; k < nn_view_param_count(m, i); k++, p++) {
            float **row = &T.before[p * (1 + NN_OPT_SLOTS)];
            const nn_tensor *v = nn_view_param(m, i, k)->value;
            T.sizes[p] = v->size;
            if (copy_into(&row[0], v) != 0) {
                free_copy();
                return;
            }
            for (int s = 0; s < NN_OPT_SLOTS; s++) {
                const nn_tensor *slot = nn_view_optim_slot(m, i, k, s);
                if (!slot) {
                    free(row[1 + s]);
                    row[1 + s] = NULL;
                } else if (copy_into(&row[1 + s], slot) != 0) {
                    free_copy();
                    return;
                }
            }
        }
    const nn_optimizer *o = nn_view_optimizer(m);
    T.nadam_mu_product = o ? o->nadam_mu_product : 1.0;
    T.before_iterations = nn_view_iterations(m);
    T.have_before = 1;
}

void viz_set_stage(const nn_model *m, int kind, int node, int how)
{
    if (!m || m != viz_model())
        return;
    T.known = 1;
    T.kind = (nn_stage_kind)kind;
    T.node = kind == NN_STAGE_FORWARD || kind == NN_STAGE_BACKWARD ? node : -1;
    T.stepping = how != VIZ_PASS;
    T.in_step = how == VIZ_STEP_UNDER_WAY;
    T.iterations = nn_view_iterations(m);
    if (kind == NN_STAGE_BACKWARD)
        take_copy(m);
    if (T.stepping) {
        /* the panels follow the stage: its layer becomes the selection */
        int layer = kind == NN_STAGE_LOSS ? nn_view_output_layer(m, 0) : T.node;
        if (layer >= 0)
            viz_select(layer, -1);
    }
    viz_touch();
}

const float *viz_stage_before(const nn_model *m, int i, int k, int slot)
{
    if (!T.have_before || slot < -1 || slot >= NN_OPT_SLOTS)
        return NULL;
    long it = nn_view_iterations(m);
    if (it != T.before_iterations + 1 && it != T.before_iterations)
        return NULL;
    int p = 0;
    for (int j = 0; j < i && j < nn_view_layer_count(m); j++)
        p += nn_view_param_count(m, j);
    p += k;
    if (i < 0 || i >= nn_view_layer_count(m) || k < 0 || k >= nn_view_param_count(m, i) ||
        p >= T.n_params || T.sizes[p] != nn_view_param(m, i, k)->value->size)
        return NULL;
    return T.before[p * (1 + NN_OPT_SLOTS) + 1 + slot];
}

int viz_stage_in_step(const nn_model *m)
{
    return m && m == viz_model() && T.known && T.in_step;
}

void viz_request_step(void)
{
    step_requested = 1;
}

int viz_take_step_request(void)
{
    int r = step_requested;
    step_requested = 0;
    return r;
}

int viz_stage_info(int *kind, int *node, int *in_step)
{
    if (!T.known)
        return 0;
    *kind = T.kind;
    *node = T.node;
    *in_step = T.in_step;
    return 1;
}
