/* viz/stage.h — the stage of a training step the window shows.
**
** A training step is forward through each layer, the loss, backward through
** each layer, the update (nn/step.h). The REPL tells the window which stage the
** model just performed (viz_set_stage in viz.h): model:step one stage at a
** time, and whole passes too (forward, backward, apply_gradients, a batch of
** fit). The network panel outlines the stage's layer and the formula panel
** shows its formula.
**
** An update changes the weights and the optimizer's state in place. To show it
** as before -> after, the window copies every parameter and optimizer slot when
** a backward stage arrives (the last moment before an update); the copy is the
** "before" of the next update. Without it (an update inside fit), the formula
** panel works the "before" out from the rule.
*/
#ifndef VIZ_STAGE_H
#define VIZ_STAGE_H

#include "nn/model.h"
#include "nn/step.h"

typedef struct viz_stage {
    int known;              /* a stage was reported for the model shown */
    nn_stage_kind kind;
    int node;               /* FORWARD / BACKWARD: the layer; -1 for LOSS and UPDATE */
    int stepping;           /* reported by model:step (highlighted in the network panel) */
    int in_step;            /* a step is under way: model:step has more stages to go */
    long iterations;        /* the optimizer's step count when it was reported */
    /* the copy taken before an update */
    int have_before;
    long before_iterations; /* the step count when the copy was taken */
    int n_params;
    float **before;         /* before[p * (1 + NN_OPT_SLOTS) + 0]: parameter p's values,
                            ** + 1 + s: its optimizer slot s (NULL: none) */
    size_t *sizes;          /* values in parameter p */
    double nadam_mu_product;
} viz_stage;

/* The stage record of the model shown (never NULL). */
const viz_stage *viz_stage_current(void);

/* Parameter k of layer i as it was before the last update (slot -1), or its
** optimizer slot s then; NULL when the copy does not hold it (no copy, or
** the copy is not from just before the last update). */
const float *viz_stage_before(const nn_model *m, int i, int k, int slot);

/* Forget the record and free the copy (the window shows another model). */
void viz_stage_clear(void);

/* 1 while model m is in the middle of a step taken stage by stage: the window
** must then not run the model itself (its trace is the step's). */
int viz_stage_in_step(const nn_model *m);

#endif
