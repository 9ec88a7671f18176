/* viz/sample.h — the current sample, and the one place the window runs the model.
**
** Capturing copies one row of the last forward (input, each layer's output and
** pre-activation) into viz-owned buffers: a few thousand floats per frame.
**
** viz_probe runs the model on inputs of the window's choosing (a pinned sample,
** the decision boundary's grid) through nn_model_predict. nn_model_predict
** changes no weight but overwrites the model's last-forward buffers, so the
** probe keeps a copy of the last input batch and runs it forward again
** afterwards (in inference mode) to put the trace back. It refuses while a
** backward waits for its update (has_backward) and on unbuilt models, where a
** forward would change what the learner is stepping through.
*/
#ifndef VIZ_SAMPLE_H
#define VIZ_SAMPLE_H

#include "panel.h"

/* Copy row `row` (clamped) of the model's last forward into s. Returns 0, or -1
** when there is no forward to read (s->valid is then 0). */
int viz_sample_capture(viz_sample *s, const nn_model *m, int row);

/* Run the model on x (one sample, batch axis optional) and copy what it
** computed into s as a pinned sample with the given label. */
int viz_sample_capture_input(viz_sample *s, const nn_model *m, const nn_tensor *x, int label);

void viz_sample_free(viz_sample *s);

/* 1 when the window may run the model now (see above). */
int viz_probe_allowed(const nn_model *m);

/* Outputs of the model for x (rows = samples): a new tensor the caller frees,
** or NULL with viz_error set. `inspect`, when given, is called after the forward
** of x and before the trace is put back, to read the layers' outputs. */
nn_tensor *viz_probe(const nn_model *m, const nn_tensor *x,
                     void (*inspect)(const nn_model *m, void *ud), void *ud);

#endif
