/* viz/viz.h — the window: watch a model learn.
**
** One window per process, driven from outside in four parts, as raylib's and
** SDL's examples are: viz_open, then viz_pump (handle events, draw a frame when
** one is due) called from whatever loop runs (the REPL between key presses,
** fit after each batch), then viz_close. Drawing is throttled to the frame rate
** (30 fps by default) and happens only when something changed.
**
** Headless (no display, or asked for): no window, nothing drawn while pumping,
** but viz_snapshot renders any panel into a PNG through the same drawing code
** (SDL's software renderer on an RGBA32 surface).
**
** The window reads the model through nn/view.h and never changes it; the one
** exception is documented at viz_sample_input and at the decision boundary
** panel: they run the model forward through nn_model_predict, then re-run the
** last batch so the model's trace is as it was.
**
** Errors: calls return 0 on success and -1 with a message from viz_error().
** Nothing here prints, exits or aborts; closing the window only closes it.
*/
#ifndef VIZ_VIZ_H
#define VIZ_VIZ_H

#include <stddef.h>

#include "nn/model.h"
#include "viz/error.h"

typedef struct viz_options {
    int width, height;          /* 1280 x 800 */
    int headless;               /* 1: never open a window */
    int fps;                    /* 30 */
    const char *title;          /* "nnscope" */
    int offscreen_frames;       /* headless: draw frames anyway, at the frame rate, as a
                                ** window would (to measure what the window costs);
                                ** also set by NNSCOPE_VIZ_OFFSCREEN=1 */
} viz_options;

viz_options viz_defaults(void);

/* ------------------------------------------------------------------- life */

/* Open the window (or the headless canvas). With a window asked for but no
** display to open it on, fails with a message saying so; the caller may retry
** headless. Opening an open window only raises it. */
int viz_open(const viz_options *opt);

/* Handle pending events and draw a frame if one is due and something changed.
** Cheap when nothing is due. Returns 1 while the window is open, 0 otherwise. */
int viz_pump(void);

/* Close the window and free what it holds. Safe to call when closed. */
void viz_close(void);

int viz_is_open(void);

/* Resize the window (or the headless canvas) to w x h pixels. */
int viz_resize(int w, int h);
int viz_is_headless(void);

/* Never open a real window (the program's --headless): viz_open then opens
** headless whatever its options say. */
void viz_force_headless(int on);

/* Something the window cannot detect changed (weights set from Lua, a step of
** model:step): draw again at the next pump. */
void viz_touch(void);

/* ------------------------------------------------------------------ model */

/* Show model m (NULL: none). The window keeps the pointer: the caller keeps the
** model alive while it is shown, and calls viz_set_model(NULL) before freeing it. */
void viz_set_model(const nn_model *m);
const nn_model *viz_model(void);

/* ---------------------------------------------------------------- training */

/* For fit's per-batch callback: pumps, and while the learner has paused
** training (space), keeps pumping until resumed, stepped (n) or closed.
** Returns non-zero when the learner asked to stop training (x in the window,
** or the interrupt check below while paused). Batches of a model other than
** the one shown are ignored. */
int viz_on_batch(const nn_model *m);

/* Optional, from the same callback: the exact position in fit, for the status
** line (otherwise it is inferred from the history). 0-based epoch and batch. */
void viz_fit_progress(int epoch, int epochs, int batch, int batches);

/* Frames viz_pump has drawn since the program started, and the recent mean
** time one took to draw, in milliseconds. While training, frames are spaced so
** that drawing takes at most about a twelfth of the time, whatever they cost. */
unsigned long viz_frame_count(void);
double viz_frame_ms(void);

/* 1 while the learner has paused training. */
int viz_paused(void);
void viz_set_paused(int on);

/* A function viz_on_batch calls while paused: non-zero stops the wait and
** training (the REPL's Ctrl-C flag). NULL: none. */
void viz_set_interrupt_check(int (*fn)(void));

/* --------------------------------------------------------------- stepping */

/* How a stage was reported to viz_set_stage: as part of a whole pass (forward,
** backward, apply_gradients, a batch of fit), or by model:step with more stages
** of its step to go, or by model:step completing its step (the update). */
enum { VIZ_PASS, VIZ_STEP_UNDER_WAY, VIZ_STEP_DONE };

/* Model m just performed a stage of a training step: kind is nn/step.h's
** nn_stage_kind, node the layer of a forward or backward stage (-1 for the loss
** and the update). The network panel outlines that layer and the formula panel
** shows the stage's formula; a stage from model:step also moves the selection
** to its layer. A backward stage makes the window copy the weights and the
** optimizer's state, so the next update can be shown as before -> after.
** Stages of a model other than the one shown are ignored. */
void viz_set_stage(const nn_model *m, int kind, int node, int how);

/* The stage last reported for the model shown: 1 with its kind, node and
** whether its step is still under way, or 0 when none was. */
int viz_stage_info(int *kind, int *node, int *in_step);

/* The learner asked for the next stage ('.' in the window); the REPL takes the
** request (1 once per request) and runs model:step for the model shown. */
void viz_request_step(void);
int viz_take_step_request(void);

/* --------------------------------------------------------------- controls */

#define VIZ_PANEL_COUNT 8

/* Show one panel alone by name ("network", "weights", "activations", "loss",
** "sample", "boundary", "features", "formula"), or the dashboard ("dashboard" or NULL).
** An unknown name fails with the list of names. */
int viz_set_panel(const char *name);

/* The name of panel k (0-based), or NULL. */
const char *viz_panel_name(int k);

/* Whether panel `name` applies to the model shown: 1, or 0 with the reason in
** why (for example "feature maps need a Conv2D layer: this model has none");
** -1 for an unknown name. */
int viz_panel_applies(const char *name, char *why, size_t len);

/* Select a layer (0-based node index) and a unit in it; the unit is clamped to
** the layer's width, -1 keeps the current one. Fails for a bad layer. */
int viz_select(int layer, int unit);
void viz_selection(int *layer, int *unit);

/* Units of layer i of the model shown as the window counts them (values per
** sample, or channels of an image-shaped output); 0 for a bad index. */
int viz_layer_unit_count(int layer);

/* Show row `row` (0-based, clamped) of the last batch as the current sample. */
void viz_select_sample(int row);

/* Show this input (one sample, the model's input shape, with or without a
** batch axis of 1) instead of the last batch's, with its true class (-1: not
** known). The window runs the model on it (see the note at the top). NULL
** returns to the last batch. */
int viz_sample_input(const nn_tensor *x, int label);

/* Points to draw on the decision boundary: x (n, 2), y (n) class indices or
** (n, k) one-hot; copied (at most 2000 rows, evenly spaced). NULL clears. */
int viz_set_points(const nn_tensor *x, const nn_tensor *y);

/* Names of the output classes for the sample panel (copied; NULL clears). */
int viz_set_class_names(int n, const char *const *names);

/* Frame rate limit, 1 to 240. */
int viz_set_fps(int fps);

/* What a key press (an SDL keycode, with shift held or not) or a left click at
** (x, y) does in the window; the window's events come here, and tests and
** scripts may call them directly. Keys: 1-7 a panel alone (again: back), 0 or
** Esc the dashboard, Tab / shift-Tab the next / previous view, arrows the layer
** and the unit, Page Up/Down ten units, [ ] the sample, space pause, n step, x
** stop training, s save a PNG, l log scale. A click on a title bar shows that
** panel alone (or goes back); in a panel it selects what is under it. */
void viz_key(int keycode, int shift);
void viz_click(int x, int y);

/* The view shown: -1 the dashboard, else the panel shown alone (0-based). */
int viz_current_panel(void);

/* Render what the window shows (panel NULL), or one panel alone, at the window's
** size to a PNG at path (written to a temporary file, then renamed). Needs
** viz_open; works headless. */
int viz_snapshot(const char *path, const char *panel);

/* A message for the learner from the window ("saved nnscope-1.png"), or NULL;
** taking it clears it. The REPL prints it when idle. */
const char *viz_take_message(void);

#endif
