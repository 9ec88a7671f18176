/* viz/formula_values.h — the numbers the formula panel shows, worked out from
** the model's trace (nn/view.h) and nothing else.
**
** For a layer, a unit and a sample of the last batch, and the stage of the
** training step shown (stage.h), viz_formula_values fills a viz_fx: which
** formula applies and every number in it — each as the core computed it where
** the core keeps it (z, a, the gradients, the weights, the optimizer's state),
** and the terms of the sums recomputed here in double from the same trace, so
** a test can check that the terms add up to what the core computed. The panel
** draws only what is in the viz_fx.
*/
#ifndef VIZ_FORMULA_VALUES_H
#define VIZ_FORMULA_VALUES_H

#include <stddef.h>

#include "nn/view.h"
#include "stage.h"

#define VIZ_FX_TERMS 8          /* the largest terms of a sum kept by name */

/* Which formula a viz_fx holds. */
typedef enum {
    VIZ_FX_NONE,                /* none: why says */
    VIZ_FX_DENSE_FORWARD,       /* z = sum_i w_i x_i + b;  a = f(z) */
    VIZ_FX_CONV_FORWARD,        /* z = sum over the window of w x, + b;  a = f(z) */
    VIZ_FX_POOL_FORWARD,        /* a = max (or mean) over the window */
    VIZ_FX_ACT_FORWARD,         /* a = f(z) (an Activation layer) */
    VIZ_FX_LOSS,                /* the sample's loss terms, the batch mean, dL/d output */
    VIZ_FX_DENSE_BACKWARD,      /* delta = dL/da f'(z); dL/dw = sum_b delta x; dL/db */
    VIZ_FX_CONV_BACKWARD,       /* the same over the positions of the output map */
    VIZ_FX_POOL_BACKWARD,       /* the gradient goes to the window's max (or is shared) */
    VIZ_FX_ACT_BACKWARD,        /* delta = dL/da f'(z) */
    VIZ_FX_UPDATE               /* the optimizer's rule on one weight */
} viz_fx_kind;

/* One term of a sum: a product a * b (or a lone value in a, b = 1), and where
** it comes from (an input index, a batch row, a window position...). */
typedef struct viz_fx_term {
    int index[4];
    double a, b, value;
} viz_fx_term;

/* A sum of n terms: the `shown` largest in magnitude (at most VIZ_FX_TERMS, in
** decreasing |value|), the sum of all the others, and the total in double. */
typedef struct viz_fx_sum {
    long n;
    int shown;
    viz_fx_term term[VIZ_FX_TERMS];
    double rest, total;
} viz_fx_sum;

typedef struct viz_fx {
    viz_fx_kind kind;
    char why[400];              /* VIZ_FX_NONE: what the panel says instead */
    nn_stage_kind stage;        /* the stage this formula belongs to */
    int layer, unit, sample, batch;     /* 0-based; batch = rows in the last batch */
    const char *layer_name, *layer_type;
    nn_activation act;

    /* forward: z = sum + b, a = f(z) (Dense: unit j of sample; Conv2D and pooling:
    ** output pixel pos of channel unit) */
    viz_fx_sum sum;             /* w x terms: index[0] = input i (Dense), or the
                                ** window row, column, input channel (Conv2D) */
    int has_bias;
    double bias;
    double z, a;                /* as the core computed them (the trace) */
    double softmax_denominator; /* softmax: sum_k e^(z_k - max z), with max z */
    double softmax_max;
    int pos[2];                 /* Conv2D / pooling: output row and column */
    nn_window win;              /* Conv2D / pooling: the window */
    int field[4];               /* the window on the input: first row, first column,
                                ** rows, columns (clipped to the input) */
    int in_channel;             /* Conv2D: the input channel whose terms weigh most */
    int winner[2];              /* max pooling: input row and column of the max */
    int pool_max;               /* 1 max pooling, 0 average */
    int pool_count;             /* values in the window (real, not padding) */
    float window_values[64];    /* pooling: the window's values, row-major (up to 8 x 8) */

    /* loss: sample `sample`'s terms and the batch mean */
    nn_loss_kind loss_kind;
    int fused;                  /* the output softmax / sigmoid is folded into the loss */
    int from_logits;
    int sparse;
    int classes;                /* outputs per sample */
    int label;                  /* the sample's class (-1: targets not one class) */
    viz_fx_sum loss_terms;      /* per output k: a = prediction p_k, b = target y_k,
                                ** value = the term (y_k log p_k, (p_k - y_k)^2, ...) */
    double sample_loss;         /* the sample's loss */
    viz_fx_sum batch_losses;    /* per sample b: value = its loss, index[0] = b */
    double loss_mean;           /* their mean */
    double loss_core;           /* the core's loss (regularisation included) */
    double p_unit, y_unit;      /* prediction and target of the unit shown */
    double out_grad;            /* the core's dL/d(output) (or dL/dz when fused) of it */

    /* backward */
    double dl_da;               /* dL/da of the unit for the sample (the trace) */
    double slope;               /* f'(z) */
    double delta;               /* dL/dz: the core's when it keeps it, else dl_da * slope */
    double softmax_dot;         /* unfused softmax: sum_k dL/da_k a_k */
    const char *next_name;      /* the layer dL/da came back from (NULL: the loss) */
    int w_index[4];             /* the weight shown: Dense (i, j); Conv2D (row, col, in, out) */
    viz_fx_sum wsum;            /* dL/dw = sum over the batch (and positions) of delta x;
                                ** index: batch row, output row, column */
    double dw;                  /* the core's gradient of that weight */
    double dw_reg;              /* the regulariser's part of it */
    viz_fx_sum bsum;            /* dL/db = sum of delta */
    double db;                  /* the core's gradient of the bias */

    /* update (the weight w_index of parameter param) */
    int param;                  /* which parameter of the layer (0 kernel) */
    size_t flat;                /* the weight's index in the parameter */
    const nn_optimizer *opt;
    long t;                     /* the step number of this update (1-based) */
    double g;                   /* the gradient it used */
    double w_before, w_after, step;     /* step = w_after - w_before as the rule gives it */
    int before_kept;            /* w_before and state_before are the copies taken before
                                ** the update; otherwise worked back from the rule */
    int n_state;
    const char *state_name[3];  /* "m", "v", ...; the optimizer's slots shown */
    double state_before[3], state_after[3];
    double m_hat, v_hat;        /* Adam, Nadam: bias-corrected moments */
    double lr_t;                /* Adam: eta sqrt(1 - beta2^t) / (1 - beta1^t) */
    double eps_hat;             /* Adam: epsilon / sqrt(1 - beta2^t) */
    double denom;               /* the divisor of the step, where the rule has one */
} viz_fx;

/* What to show. */
typedef struct viz_fx_query {
    int layer, unit, sample;    /* 0-based; clamped into the model */
    const viz_stage *stage;     /* the stage shown (NULL or unknown: a forward pass) */
    int weight;                 /* the weight of backward / update: its input index (Dense)
                                ** or flat kernel index (Conv2D); -1 the one with the largest
                                ** gradient */
    int pos[2];                 /* Conv2D / pooling output pixel; -1 the largest |z| */
} viz_fx_query;

/* Fill *fx for query q on model m. Returns 0 when fx holds a formula, 1 when it
** holds none (fx->why says why: a Flatten layer, a stage not reached yet in
** the step, no forward yet). */
int viz_formula_values(const nn_model *m, const viz_fx_query *q, viz_fx *fx);

/* The values the formula panel drew last (its last frame or snapshot), or
** NULL before it drew one: what a learner saw, for tests to compare. */
const viz_fx *viz_formula_shown(void);

#endif
