/* nn/step.c — the stage machine behind model:step(x, y). */
#include "step.h"

#include <string.h>

const char *nn_stage_name(nn_stage_kind kind)
{
    switch (kind) {
    case NN_STAGE_FORWARD:  return "forward";
    case NN_STAGE_LOSS:     return "loss";
    case NN_STAGE_BACKWARD: return "backward";
    case NN_STAGE_UPDATE:   return "update";
    }
    return "?";
}

void nn_step_reset(nn_stepper *s)
{
    nn_tensor_free(s->y);
    memset(s, 0, sizeof *s);
}

/* The stage after a backward through node i: the next node that has a
** gradient to pass on, or the update. */
static nn_stage after_backward(const nn_model *m, int i, double loss)
{
    for (int k = i - 1; k >= 0; k--)
        if (nn_model_node_has_grad(m, k))
            return (nn_stage){NN_STAGE_BACKWARD, k, loss};
    return (nn_stage){NN_STAGE_UPDATE, -1, loss};
}

static nn_status begin_step(nn_model *m, nn_stepper *s, const nn_tensor *x,
                            const nn_tensor *y, nn_error *err)
{
    if (!m->compiled)
        return nn_error_set(err, NN_ESTATE, "step: the model must be compiled first: call "
                            "model:compile{optimizer = ..., loss = ...}");
    if (!x || !y)
        return nn_error_set(err, NN_EARG, "step: give a batch to start a step: model:step(x, y)");
    if (x->shape[0] != y->shape[0])
        return nn_error_set(err, NN_ESHAPE, "step: x has %d samples but y has %d", x->shape[0],
                            y->shape[0]);
    nn_status st = nn_model_begin_forward(m, x, err);
    if (st != NN_OK)
        return st;
    nn_tensor *copy = nn_tensor_to_f32(y, err);
    if (!copy)
        return err ? err->code : NN_ENOMEM;
    nn_tensor_free(s->y);
    s->y = copy;
    s->active = 1;
    s->next = (nn_stage){NN_STAGE_FORWARD, 0, 0.0};
    return NN_OK;
}

nn_status nn_step_next(nn_model *m, nn_stepper *s, const nn_tensor *x, const nn_tensor *y,
                       nn_stage *done, nn_error *err)
{
    if (!s->active) {
        nn_status st = begin_step(m, s, x, y, err);
        if (st != NN_OK)
            return st;
    }
    nn_stage cur = s->next;
    nn_status st = NN_OK;
    switch (cur.kind) {
    case NN_STAGE_FORWARD:
        st = nn_model_forward_node(m, cur.node, 1, err);
        s->next = cur.node + 1 < m->n_nodes ? (nn_stage){NN_STAGE_FORWARD, cur.node + 1, 0.0}
                                            : (nn_stage){NN_STAGE_LOSS, -1, 0.0};
        break;
    case NN_STAGE_LOSS:
        st = nn_model_begin_backward(m, s->y, &cur.loss, err);
        s->next = (nn_stage){NN_STAGE_BACKWARD, m->outputs[0], cur.loss};
        break;
    case NN_STAGE_BACKWARD:
        st = nn_model_backward_node(m, cur.node, err);
        cur.loss = m->last_loss;
        s->next = after_backward(m, cur.node, m->last_loss);
        if (s->next.kind == NN_STAGE_UPDATE)
            m->has_backward = 1;
        break;
    case NN_STAGE_UPDATE:
        st = nn_model_apply_gradients(m, err);
        s->active = 0;
        break;
    }
    if (st != NN_OK) {
        nn_step_reset(s);
        return st;
    }
    *done = cur;
    return NN_OK;
}
