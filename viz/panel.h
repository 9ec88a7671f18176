/* viz/panel.h — what every panel shares: the frame it draws, the selection,
** the current sample, and the panel interface.
**
** A frame is drawn from a viz_frame: the canvas, the model (read through
** nn/view.h), the learner's selection and the current sample's values, copied
** once per frame. Each panel is a file viz/panel_<name>.c exporting one
** viz_panel_ops. Layout functions are pure (rectangles in, rectangles out), so
** a click is mapped with the same geometry the frame was drawn with.
*/
#ifndef VIZ_PANEL_H
#define VIZ_PANEL_H

#include <stddef.h>

#include "draw.h"
#include "nn/view.h"
#include "stage.h"

enum {
    VIZ_PANEL_NETWORK, VIZ_PANEL_WEIGHTS, VIZ_PANEL_ACTIVATIONS, VIZ_PANEL_LOSS,
    VIZ_PANEL_SAMPLE, VIZ_PANEL_BOUNDARY, VIZ_PANEL_FEATURES, VIZ_PANEL_FORMULA
};

/* What the learner chose. */
typedef struct viz_ui {
    int panel;              /* -1: the dashboard; else the panel shown alone */
    int layer, unit;        /* the selection: node index, unit (or channel) in it */
    int sample;             /* row of the last batch shown as "the current sample" */
    int ylog;               /* loss plot on a log scale */
    int zoom;               /* feature maps: the enlarged channel, -1 none */
} viz_ui;

/* The current sample: one row of the last forward (or the pinned input), copied
** per frame so panels need not know where it came from. */
typedef struct viz_sample {
    int valid;              /* a forward has run: the rows below mean something */
    int pinned;             /* from viz_sample_input, not from the last batch */
    int row, batch;         /* which row of a batch of how many */
    int n_layers;
    float *x;               /* the input row */
    int x_size;
    nn_shape x_shape;       /* per-sample input shape */
    float **out, **z;       /* per layer: output row and pre-activation row (NULL: none) */
    int *size;              /* per layer: values per row */
    int label;              /* true class, or -1 */
    int cap_layers;
} viz_sample;

/* The decision boundary's cached field. */
#define VIZ_FIELD_N 64
typedef struct viz_field {
    int valid;
    double x0, x1, y0, y1;          /* the plane shown */
    int k;                          /* outputs per point */
    float *v;                       /* VIZ_FIELD_N^2 * k outputs, row 0 at the top */
    unsigned long key;              /* weights version it was computed for */
    float *px, *py;                 /* points drawn on top */
    int *pc;                        /* their classes (-1 unknown) */
    int n_points, cap_points, user_points;
} viz_field;

/* Where training is, for titles and the status line. */
typedef struct viz_run {
    int in_fit;                     /* a batch arrived within the last second */
    int epoch, epochs, batch, batches;     /* 0-based; epochs/batches 0 when not known */
    double samples_per_s;
    int paused;
} viz_run;

typedef struct viz_frame {
    viz_canvas *c;
    const nn_model *m;
    viz_ui *ui;
    const viz_sample *s;
    viz_field *field;
    const viz_run *run;
    int n_classes;                  /* class names known */
    char **class_names;
    int alone;                      /* the panel fills the window */
    unsigned long weights_key;      /* changes whenever the weights may have */
    const viz_stage *stage;         /* the stage of a training step shown (stage.h) */
} viz_frame;

typedef struct viz_panel_ops {
    const char *name;               /* "network": what viz.panel takes */
    const char *title;              /* "Network" */
    /* 1 when the panel can show this model; else 0 and the reason in why */
    int (*applies)(const viz_frame *f, char *why, size_t len);
    /* what the title says after the name: "dense_1 · unit 7 of 128" */
    void (*subtitle)(const viz_frame *f, char *buf, size_t len);
    void (*draw)(const viz_frame *f, SDL_Rect body);
    /* a click at (x, y) inside body; returns 1 when it changed the selection */
    int (*click)(const viz_frame *f, SDL_Rect body, int x, int y);
} viz_panel_ops;

extern const viz_panel_ops viz_panel_network, viz_panel_weights, viz_panel_activations,
    viz_panel_loss, viz_panel_sample, viz_panel_boundary, viz_panel_features,
    viz_panel_formula;

/* The formula panel joins the dashboard once the learner steps through a
** training step (model:step, the . key); before, it shows alone only. */
int viz_formula_in_dashboard(const viz_frame *f);

/* The panels in key order (1 .. 8). */
const viz_panel_ops *viz_panel_get(int k);

/* ------------------------------------------------- helpers panels share */

/* Draw `msg` centred in r, soft ink, wrapped onto at most 3 lines. */
void viz_panel_message(viz_canvas *c, SDL_Rect r, const char *msg);

/* Values per sample of a shape. */
int viz_shape_size(const nn_shape *s);

/* Layer i's output as an image: 1 and its height, width and channels when the
** output is (H, W, C) or (H, W); else 0. */
int viz_layer_image_shape(const nn_model *m, int i, int *h, int *w, int *ch);

/* The model input as an image (28 x 28 from a flat 784, (H, W, C) as it is):
** 1 with height, width, channels; 0 when it is not one. */
int viz_input_image_shape(const nn_model *m, int *h, int *w, int *ch);

/* The selected layer clamped into the model, or -1 for a model with no layers. */
int viz_sel_layer(const viz_frame *f);

/* Units (values per sample, or channels for an image-shaped output) of layer i. */
int viz_layer_units(const nn_model *m, int i);

/* The first Dense-like layer (a 2-D "kernel") at or after... the nearest layer
** to `from` that has a parameter called "kernel", or -1. */
int viz_nearest_kernel_layer(const nn_model *m, int from);

/* 1 when the activation's values are never negative (relu, sigmoid, softmax,
** softplus): its outputs are magnitudes, drawn with viridis. */
int viz_act_nonnegative(nn_activation_kind k);

/* "step 1234 · epoch 3" for titles. */
void viz_step_text(const viz_frame *f, char *buf, size_t len);

#endif
