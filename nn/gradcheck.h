/* nn/gradcheck.h — check a layer's backward pass against finite differences.
**
** With a random projection r (normal, drawn from the generator) the scalar loss
** is L = sum_i r_i y_i, so dL/dy = r. The layer's backward gives the analytic
** dL/dx and dL/dw; the numeric ones are central differences
**   dL/dv ~ (L(v + h) - L(v - h)) / ((v + h) - (v - h))
** where v is perturbed in float (the step actually taken is measured in double)
** and L is summed in double from the float outputs.
**
** Relative error of one value: |a - n| / max(|a|, |n|, s), with s = 1% of the
** largest |a| or |n| in that tensor (1e-12 at least), so values far smaller than
** the rest of their tensor are judged against the tensor's scale instead of their
** own. A correct float32 backward gives about 1e-4 or less; a wrong one about 1.
*/
#ifndef NN_GRADCHECK_H
#define NN_GRADCHECK_H

#include "layer.h"

#define NN_GRADCHECK_MAX (NN_MAX_INPUTS + NN_MAX_PARAMS)

/* The comparison for one tensor: an input of the layer or a trainable parameter. */
typedef struct nn_gradcheck_entry {
    char name[24];          /* "input", "input 2" (merge layers), "kernel", "bias", ... */
    size_t checked;         /* how many values were compared */
    double worst;           /* worst relative error among them */
    size_t index;           /* flat index of the worst value */
    double analytic, numeric;   /* the two gradients there */
} nn_gradcheck_entry;

typedef struct nn_gradcheck_report {
    int n;                  /* inputs first, then trainable parameters in layer order */
    nn_gradcheck_entry entry[NN_GRADCHECK_MAX];
    double worst;           /* the worst over all entries */
} nn_gradcheck_report;

typedef struct nn_gradcheck_options {
    int training;           /* forward in training mode (1); Dropout's mask stays fixed */
    double step;            /* h (1e-2) */
    size_t max_checks;      /* per tensor (1000); a larger one is sampled at random;
                            ** 0: every value */
} nn_gradcheck_options;

/* training 1, step 1e-2, max_checks 1000. */
nn_gradcheck_options nn_gradcheck_defaults(void);

/* Check layer `l` on the batch x[0..n_inputs-1] (first axis = batch, float32).
** Builds the layer from the inputs' shapes when it is not built (with `rng`),
** then compares analytic and numeric gradients of every input and every
** trainable parameter. r and the sampled indices come from `rng`.
** Costs two forward passes per value compared.
** The layer is left as it was found (parameter values, moving statistics, its
** generator's state), except that its parameters' .grad hold the analytic
** gradients of L. NN_ESHAPE when an input does not match the layer's input shape;
** errors of the layer's own build, forward or backward pass through. */
nn_status nn_gradcheck_layer_inputs(nn_layer *l, int n_inputs, const nn_tensor *const *x,
                                    const nn_gradcheck_options *opt, nn_rng *rng,
                                    nn_gradcheck_report *out, nn_error *err);

/* The same for a layer of one input, with nn_gradcheck_defaults(). */
nn_status nn_gradcheck_layer(nn_layer *l, const nn_tensor *x, nn_rng *rng,
                             nn_gradcheck_report *out, nn_error *err);

#endif
