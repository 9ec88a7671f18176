/* nn/model.h — models: a graph of layers, compiled with a loss, an optimizer and
** metrics, trained step by step or with fit.
**
** Sequential is a chain; the functional API builds a DAG of nodes, each a layer
** applied to the outputs of earlier nodes (or of the model's inputs). Nodes are
** kept in topological order, so forward walks them first to last and backward
** last to first. The model owns its layers, buffers, optimizer and history.
*/
#ifndef NN_MODEL_H
#define NN_MODEL_H

#include "layer.h"
#include "loss.h"
#include "optim.h"

#define NN_MAX_METRICS 8
#define NN_MAX_MODEL_IO 8

/* Where a node's input comes from: a node index >= 0, or model input k as -1 - k. */
typedef struct nn_node {
    nn_layer *layer;
    int n_in;
    int in[NN_MAX_INPUTS];
    nn_tensor *out;             /* output of the last forward, (B, out_shape...) */
    nn_tensor *grad;            /* dL/d(out) of the last backward */
    int consumers;              /* how many nodes read out */
    int grad_written;           /* backward: grad holds a gradient already */
} nn_node;

/* Per-epoch values under Keras's names ("loss", "accuracy", "val_loss", ...). */
#define NN_HISTORY_KEYS (2 * (NN_MAX_METRICS + 1))
typedef struct nn_history {
    int n_keys;
    char key[NN_HISTORY_KEYS][48];
    double *values[NN_HISTORY_KEYS];    /* values[k][epoch] */
    int n_epochs, cap_epochs;
    float *batch_loss;                  /* every training batch's loss, for live plots */
    int n_batches, cap_batches;
} nn_history;

typedef struct nn_model {
    nn_node *nodes;
    int n_nodes, cap_nodes;
    int n_inputs;
    nn_shape input_shape[NN_MAX_MODEL_IO];
    int n_outputs;
    int outputs[NN_MAX_MODEL_IO];       /* node indices */
    int sequential;                     /* built by add() */
    int built;
    nn_rng rng;                         /* initialisation, shuffling, dropout */
    /* compile */
    int compiled;
    nn_loss loss;
    nn_optimizer *optimizer;
    nn_metric metrics[NN_MAX_METRICS];
    int n_metrics;
    int fused;                          /* the output activation is folded into the loss */
    /* state of the last step, for stepping and the window */
    nn_tensor *last_x, *last_y;         /* copies of the last batch (grown, reused) */
    int has_forward, has_backward;
    double last_loss;
    nn_tensor *scratch;                 /* backward: a second consumer's gradient */
    nn_param **params;                  /* all parameters, in layer order */
    int n_params;
    nn_history history;
    int stop_training;                  /* set by a callback to end fit after this batch */
    const float *sample_weight;         /* weights of the batch the next begin_backward sees
                                        ** (NULL: 1 each); set by train_on_batch_weighted */
} nn_model;

/* A new, empty model; its generator is seeded with `seed`. */
nn_model *nn_model_new(uint64_t seed, nn_error *err);
void nn_model_free(nn_model *m);

/* Sequential: append a layer (the model takes ownership, also on failure). The
** first layer must know its input shape (input_hint) unless nn_model_set_input
** was called. Builds the layer at once when the shapes are known. */
nn_status nn_model_add(nn_model *m, nn_layer *layer, nn_error *err);

/* Declare the shape of model input k (per sample). */
nn_status nn_model_set_input(nn_model *m, int k, const nn_shape *shape, nn_error *err);

/* Functional: add a node applying `layer` to the given sources (node indices,
** or -1 - k for input k); returns the node index, or -1 with err set. The model
** takes ownership of the layer. */
int nn_model_add_node(nn_model *m, nn_layer *layer, int n_in, const int *in, nn_error *err);

/* Functional: mark which nodes are the model's outputs. */
nn_status nn_model_set_outputs(nn_model *m, int n, const int *nodes, nn_error *err);

/* Build every layer that is not built yet (shapes must be known). */
nn_status nn_model_build(nn_model *m, nn_error *err);

/* Layer lookup. */
nn_layer *nn_model_layer(const nn_model *m, int i);
int nn_model_find_layer(const nn_model *m, const char *name);

/* Total parameter count (all, trainable). */
size_t nn_model_param_count(const nn_model *m);

/* ------------------------------------------------------------------ compile */

typedef struct nn_compile_options {
    nn_loss loss;
    nn_optimizer *optimizer;        /* ownership passes to the model */
    int n_metrics;
    nn_metric metrics[NN_MAX_METRICS];
} nn_compile_options;

nn_status nn_model_compile(nn_model *m, nn_compile_options *opt, nn_error *err);

/* Names of the values train/evaluate report, in order: "loss", then each metric. */
int nn_model_result_names(const nn_model *m, const char **names, int max);

/* ------------------------------------------------------------- step by step */

/* Forward pass on a batch x (first axis = batch). Returns the output tensor,
** owned by the model (valid until the next forward), or NULL with err set. */
const nn_tensor *nn_model_forward(nn_model *m, const nn_tensor *x, int training, nn_error *err);

/* After a forward: the loss against y (plus regularisation penalties) into
** *loss, and backpropagation of its gradient through every layer into each
** parameter's .grad (zeroed first). */
nn_status nn_model_backward(nn_model *m, const nn_tensor *y, double *loss, nn_error *err);

/* The same, one stage at a time (the window and model:step() go stage by stage):
** begin_forward checks and keeps x; forward_node runs node i (in order 0..n-1);
** begin_backward computes the loss and the output's gradient; backward_node
** runs node i (in order n-1..0; a node no output depends on is skipped). */
nn_status nn_model_begin_forward(nn_model *m, const nn_tensor *x, nn_error *err);
nn_status nn_model_forward_node(nn_model *m, int i, int training, nn_error *err);
nn_status nn_model_begin_backward(nn_model *m, const nn_tensor *y, double *loss, nn_error *err);
nn_status nn_model_backward_node(nn_model *m, int i, nn_error *err);
int nn_model_node_has_grad(const nn_model *m, int i);

/* One optimizer step from the gradients of the last backward. */
nn_status nn_model_apply_gradients(nn_model *m, nn_error *err);

/* forward + backward + apply on one batch; results[0] = loss, then each metric
** (at most NN_MAX_METRICS + 1 values). */
nn_status nn_model_train_on_batch(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                                  double *results, nn_error *err);

/* The same with a weight per sample (sample_weight[B], NULL for all 1; see
** nn_loss_compute_weighted): results[0] is the weighted loss, the metrics are
** not weighted (as Keras's `metrics`). */
nn_status nn_model_train_on_batch_weighted(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                                           const float *sample_weight, double *results,
                                           nn_error *err);

/* Loss and metrics on one batch without training. */
nn_status nn_model_test_on_batch(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                                 double *results, nn_error *err);

/* ---------------------------------------------------------------- fit & co. */

typedef enum {
    NN_EVENT_EPOCH_BEGIN, NN_EVENT_BATCH_END, NN_EVENT_EPOCH_END, NN_EVENT_EVAL_BATCH_END
} nn_event_kind;

typedef struct nn_fit_event {
    nn_event_kind kind;
    int epoch, epochs;          /* 0-based epoch, total */
    int batch, batches;         /* 0-based batch index within the epoch, batches per epoch */
    int n_results;
    const char *const *names;   /* "loss", "accuracy", "val_loss", ... */
    const double *results;      /* running means over the epoch so far (batch end), or
                                ** the epoch's values, validation included (epoch end) */
    double batch_loss;          /* this batch's own loss */
} nn_fit_event;

/* Called at each event; return non-zero to stop (fit returns NN_ESTOP and keeps
** the history so far) — the REPL draws progress and honours Ctrl-C this way.
** Set *err and return non-zero to stop with an error. */
typedef int (*nn_fit_callback)(void *ud, const nn_fit_event *ev, nn_error *err);

typedef struct nn_fit_options {
    int epochs;                 /* 1 */
    int batch_size;             /* 32 */
    double validation_split;    /* 0: the last fraction, taken before shuffling */
    const nn_tensor *val_x, *val_y;     /* validation_data (wins over validation_split) */
    int shuffle;                /* 1 */
    int initial_epoch;          /* 0 */
    int steps_per_epoch;        /* 0: all the data (a generator: until it ends) */
    const float *class_weight;  /* Keras's class_weight: class c's loss counts class_weight[c] */
    int n_class_weight;         /* times (classes 0..n-1); NULL / 0: unweighted */
    nn_fit_callback callback;
    void *ud;
} nn_fit_options;

/* A source of training batches (Keras's generator or Sequence): sets *x, *y to
** the next batch (first axis = batch; borrowed, valid until the next call), or
** *x = NULL at the end of the data. A non-OK status stops fit with it (NN_ESTOP
** with err->code NN_OK: stopped, as by a callback). */
typedef nn_status (*nn_batch_source)(void *ud, const nn_tensor **x, const nn_tensor **y,
                                     nn_error *err);

nn_fit_options nn_fit_defaults(void);

/* Train on x, y. Appends each epoch to m->history. Returns NN_OK, NN_ESTOP when
** a callback stopped it (the model stays usable), or an error (NN_ENAN when the
** loss became NaN or Inf: the message names the epoch and batch). */
nn_status nn_model_fit(nn_model *m, const nn_tensor *x, const nn_tensor *y,
                       const nn_fit_options *opt, nn_error *err);

/* Train on the batches a source gives (x, y, validation_split and shuffle of
** opt are unused; validation_data is used). An epoch is steps_per_epoch batches,
** or, with steps_per_epoch 0, runs until the source ends (the events' `batches`
** is then 0, unknown, until the epoch's end). A source that ends before
** steps_per_epoch, or gives no batch at all in an epoch, ends training there
** (as Keras: "your input ran out of data"); the epoch counts if it had a batch.
** Returns as nn_model_fit. */
nn_status nn_model_fit_source(nn_model *m, nn_batch_source next, void *next_ud,
                              const nn_fit_options *opt, nn_error *err);

/* Loss and metrics over all of x, y in batches; results as train_on_batch. */
nn_status nn_model_evaluate(nn_model *m, const nn_tensor *x, const nn_tensor *y, int batch_size,
                            double *results, nn_fit_callback cb, void *ud, nn_error *err);

/* Outputs for all of x in batches: a new tensor the caller frees. */
nn_tensor *nn_model_predict(nn_model *m, const nn_tensor *x, int batch_size, nn_fit_callback cb,
                            void *ud, nn_error *err);

/* ------------------------------------------------------------------ weights */

/* All parameters in Keras order (per layer: kernel, bias, ...). The array is
** owned by the model and valid until layers are added. */
nn_param *const *nn_model_params(nn_model *m, int *n);

/* Clear the history (a new fit starts a new History in Keras; the REPL keeps the
** previous one on its side). */
void nn_history_clear(nn_history *h);

/* Index of `key` in the history, adding it when `create`; -1 if absent. */
int nn_history_key(nn_history *h, const char *key, int create);

#endif
