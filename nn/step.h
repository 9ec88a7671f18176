/* nn/step.h — one training step, one stage at a time, for learners and the window.
**
** A step is: forward through layer 1, 2, ..., n; the loss; backward through
** layer n, ..., 1; the optimizer update. nn_step_next performs the next stage
** and says which it was, so `model:step(x, y)` can be called repeatedly and the
** window can highlight the stage being computed. */
#ifndef NN_STEP_H
#define NN_STEP_H

#include "model.h"

typedef enum {
    NN_STAGE_FORWARD,       /* node `node` computed its output */
    NN_STAGE_LOSS,          /* the loss and its gradient at the output */
    NN_STAGE_BACKWARD,      /* node `node` computed its input gradient and weight gradients */
    NN_STAGE_UPDATE         /* the optimizer changed the weights; the step is complete */
} nn_stage_kind;

typedef struct nn_stage {
    nn_stage_kind kind;
    int node;               /* layer index for FORWARD / BACKWARD, -1 otherwise */
    double loss;            /* the loss, once known */
} nn_stage;

typedef struct nn_stepper {
    int active;             /* a step is under way */
    nn_stage next;          /* what the next call will do */
    nn_tensor *y;           /* the targets of the step under way (a copy) */
} nn_stepper;

/* Perform the next stage. x and y start a new step when none is under way (they
** are ignored otherwise: the step under way finishes with its own batch). The
** stage performed is written to *done. */
nn_status nn_step_next(nn_model *m, nn_stepper *s, const nn_tensor *x, const nn_tensor *y,
                       nn_stage *done, nn_error *err);

/* Forget a step under way (the model keeps what was computed). */
void nn_step_reset(nn_stepper *s);

/* Name of a stage kind: "forward", "loss", "backward", "update". */
const char *nn_stage_name(nn_stage_kind kind);

#endif
