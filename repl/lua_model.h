/* repl/lua_model.h — layers, models and optimizers as Lua userdata. */
#ifndef REPL_LUA_MODEL_H
#define REPL_LUA_MODEL_H

#include <lua.h>

#include "nn/nn.h"

/* A layer in Lua ("nn.Layer"). Until it is added to a model, Lua owns it;
** then the model does, and the userdata's user value keeps the model alive. */
typedef struct repl_layer {
    nn_layer *layer;
    int owned;              /* 1 once a model owns the layer */
} repl_layer;

/* The layer at idx, or a Lua argument error, also for a layer that is gone (a failed
** add freed it, or its __gc ran): u->layer is never NULL after this. */
repl_layer *repl_layer_check(lua_State *L, int idx);

/* Push a new, unowned layer userdata for `l` (Lua owns it). */
void repl_layer_push(lua_State *L, nn_layer *l);

/* The model at idx ("nn.Model"), or a Lua argument error. */
nn_model *repl_model_check(lua_State *L, int idx);

/* Push a new empty model named "<prefix>", "<prefix>_1", ...; returns its index. */
int repl_model_push_new(lua_State *L, const char *prefix);

/* Push a model userdata for `m`, made elsewhere (loaded, or built from a config),
** named `name`: Lua owns it from now on; its layers and (when compiled) its
** optimizer get their Lua wrappers. Returns its stack index. */
int repl_model_push(lua_State *L, nn_model *m, const char *name);

/* The seed for the next new model (nn.utils.set_random_seed's, mixed with a count). */
uint64_t repl_model_next_seed(lua_State *L);

/* Record that the model at model_idx now owns the layer at layer_idx (already
** handed to the C model): the layer keeps the model alive and model.layers lists it. */
void repl_model_adopt_layer(lua_State *L, int model_idx, int layer_idx);

/* nn.Input, calling a layer on symbolic tensors, nn.Model (lua_functional.c). */
void repl_open_functional(lua_State *L, int nn);

/* nn.Layer:extend — layers written in Lua (lua_custom.c). */
void repl_open_custom(lua_State *L, int nn);

/* For a Lua-written layer, push the instance table's field `key` and return 1;
** return 0 (pushing nothing) for any other layer. */
int repl_custom_layer_field(lua_State *L, const nn_layer *l, const char *key);

/* Push a Lua tensor that shares t's storage (a view: Lua sees the live values). */
void repl_push_tensor_view(lua_State *L, const nn_tensor *t);

/* Pop the value a Lua callback returned: it must be a tensor of dst's shape, and
** is copied into dst. Otherwise NN_EARG / NN_ESHAPE with a message that starts
** with `who` ("layer 'scale' (Scale): call") and names both shapes. */
nn_status repl_take_tensor_result(lua_State *L, const char *who, nn_tensor *dst, nn_error *err);

/* nn.losses.custom, nn.optimizers.custom and nn.Activation{fn = ..., derivative = ...}:
** losses, optimizers and activations written in Lua (lua_custom_fns.c). */
void repl_open_custom_fns(lua_State *L, int nn);

/* For compile: a custom loss table at idx ({fn = ..., grad = ...}, from
** nn.losses.custom or plain) fills *out and pushes the object that must stay
** alive, with the model, while the loss is in use. Returns 0 (pushing nothing)
** when the value at idx is not a custom loss. */
int repl_custom_loss_from_arg(lua_State *L, int idx, nn_loss *out);

/* For compile: the custom optimizer `src` (made by nn.optimizers.custom, whose
** userdata is at idx) copied into a new nn_optimizer the caller owns, with fresh
** per-parameter state; pushes the object that must stay alive with the model. */
nn_optimizer *repl_custom_optimizer_copy(lua_State *L, int idx, const nn_optimizer *src);

/* model:save, save_weights, load_weights, get_config, to_json; nn.models.load_model,
** model_from_config, model_from_json (lua_save.c). */
void repl_open_save(lua_State *L, int nn);

/* nn.callbacks: EarlyStopping, ModelCheckpoint, CSVLogger, ... (lua_callbacks.c). */
void repl_open_callbacks(lua_State *L, int nn);

/* Layer constructors, activations, regularizers, optimizers and losses (lua_layers.c). */
void repl_open_layers(lua_State *L, int nn);

/* Keyword arguments every layer constructor shares (lua_layers.c): name,
** input_shape, input_dim applied to `l`; an activation, initializer or
** regularizer read from field `key` of the options table at `opts`; the first
** positional integer or field `key` (Dense{32} or Dense{units = 32}). */
void repl_layer_apply_common(lua_State *L, int opts, nn_layer *l, const char *fname);
nn_activation repl_layer_read_activation(lua_State *L, int opts, const char *fname);
nn_initializer repl_layer_read_initializer(lua_State *L, int opts, const char *fname,
                                           const char *key, nn_init_kind def);
nn_regularizer repl_layer_read_regularizer(lua_State *L, int opts, const char *fname,
                                           const char *key);
lua_Integer repl_layer_positional_int(lua_State *L, int opts, const char *fname,
                                      const char *key);

/* Conv2D, pooling, Flatten, ... and nn.gradcheck (lua_toolbox.c). */
void repl_open_toolbox(lua_State *L, int nn);

/* Read an optimizer given to compile (a name or an nn.Optimizer) and return a
** new nn_optimizer the caller owns; raises a Lua error on a bad value. Pushes
** one value: what the model must keep alive while it uses the optimizer (the
** Lua side of a custom one), or nil. */
nn_optimizer *repl_optimizer_from_arg(lua_State *L, int idx);

/* Push a new nn.Optimizer userdata for `o`, unowned (Lua frees it); user value 1
** is free for the caller (a custom optimizer keeps its update rule there). */
void repl_optimizer_push(lua_State *L, nn_optimizer *o);

/* Read a loss given to compile (a name, a loss object from nn.losses, or a
** custom loss table {fn = ..., grad = ...}). Pushes one value: what the model
** must keep alive while it uses the loss (a custom loss's Lua side), or nil. */
void repl_loss_from_arg(lua_State *L, int idx, nn_loss *out);

/* Called after each training batch while the window is open (set by lua_viz.c);
** returns non-zero to stop training. NULL when there is no window. */
extern int (*repl_fit_hook)(const nn_model *m, const nn_fit_event *ev);

/* Called after each stage of a training step (model:step, and the whole-pass
** calls forward, backward, apply_gradients, train_on_batch) while the window
** is open (set by lua_viz.c to viz_set_stage): kind is an nn_stage_kind, node
** the layer or -1, how one of viz.h's VIZ_PASS, VIZ_STEP_UNDER_WAY,
** VIZ_STEP_DONE (0, 1, 2). NULL when there is no window. */
extern void (*repl_stage_hook)(const nn_model *m, int kind, int node, int how);

#endif
