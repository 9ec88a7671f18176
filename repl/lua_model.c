/* repl/lua_model.c — nn.Sequential and the model methods a learner calls:
** add, compile, fit, evaluate, predict, summary, the batch-level calls, the
** step-by-step calls, and weights. */
#include "lua_model.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lua_nn.h"
#include "lua_options.h"
#include "lua_tensor.h"
#include "progress.h"

#define MODEL_MT "nn.Model"

int (*repl_fit_hook)(const nn_model *m, const nn_fit_event *ev);
void (*repl_stage_hook)(const nn_model *m, int kind, int node, int how);

/* Tell the window (when one is open) which stage the model just performed. */
static void report_stage(const nn_model *m, nn_stage_kind kind, int node, int how)
{
    if (repl_stage_hook)
        repl_stage_hook(m, kind, node, how);
}

/* Ctrl-C, from the REPL (repl.c). */
int repl_interrupted(void);
void repl_clear_interrupt(void);

void repl_optimizer_push_owned(lua_State *L, nn_optimizer *o, int model_idx);

typedef struct repl_model { nn_model *m; nn_stepper step; } repl_model;

nn_model *repl_model_check(lua_State *L, int idx)
{
    repl_model *u = luaL_checkudata(L, idx, MODEL_MT);
    if (!u->m)      /* its __gc ran already (Lua code may call it by hand) */
        luaL_argerror(L, idx, "the model was freed");
    return u->m;
}

/* The model's Lua-side table (user value 1): layers, name, optimizer. */
static void push_model_table(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 1);
}

/* A session-wide counter per prefix: "sequential", "sequential_1", ... */
static void push_unique_name(lua_State *L, const char *prefix)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "nn.name_counts");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "nn.name_counts");
    }
    lua_getfield(L, -1, prefix);
    lua_Integer n = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, n + 1);
    lua_setfield(L, -2, prefix);
    lua_pop(L, 1);
    if (n == 0)
        lua_pushstring(L, prefix);
    else
        lua_pushfstring(L, "%s_%d", prefix, (int)n);
}

/* The seed for a new model: nn.utils.set_random_seed's value (registry
** "nn.seed", default 42) mixed with a count of models made since. */
uint64_t repl_model_next_seed(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "nn.seed");
    uint64_t base = lua_isinteger(L, -1) ? (uint64_t)lua_tointeger(L, -1) : 42;
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "nn.models_made");
    uint64_t count = (uint64_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, (lua_Integer)(count + 1));
    lua_setfield(L, LUA_REGISTRYINDEX, "nn.models_made");
    return base * 0x9E3779B97F4A7C15ULL + count;
}

int repl_model_push_new(lua_State *L, const char *prefix)
{
    nn_error err;
    char name[64];
    push_unique_name(L, prefix);
    snprintf(name, sizeof name, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    nn_model *m = nn_model_new(repl_model_next_seed(L), &err);
    if (!m)
        return luaL_error(L, "%s", err.msg);
    return repl_model_push(L, m, name);
}

int repl_model_push(lua_State *L, nn_model *m, const char *name)
{
    repl_model *u = lua_newuserdatauv(L, sizeof *u, 1);
    memset(u, 0, sizeof *u);
    u->m = m;
    luaL_setmetatable(L, MODEL_MT);
    int model = lua_gettop(L);
    lua_createtable(L, 0, 4);
    lua_newtable(L);
    lua_setfield(L, -2, "layers");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_setiuservalue(L, model, 1);
    for (int i = 0; i < m->n_nodes; i++) {     /* a model made elsewhere: wrap its layers */
        repl_layer_push(L, m->nodes[i].layer);
        repl_model_adopt_layer(L, model, -1);
        lua_pop(L, 1);
    }
    if (m->compiled) {
        push_model_table(L, model);
        repl_optimizer_push_owned(L, m->optimizer, model);
        lua_setfield(L, -2, "optimizer");
        lua_pop(L, 1);
    }
    return model;
}

/* model:add(layer): the model takes the layer over. */
static int model_add(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    repl_layer *lu = repl_layer_check(L, 2);
    if (lu->owned)
        return luaL_error(L, "add: layer '%s' already belongs to a model", lu->layer->name);
    nn_error err;
    nn_layer *l = lu->layer;
    lu->owned = 1;      /* nn_model_add owns it from here, even when it fails */
    if (nn_model_add(m, l, &err) != NN_OK) {
        lu->layer = NULL;
        lu->owned = 0;
        return luaL_error(L, "%s", err.msg);
    }
    repl_model_adopt_layer(L, 1, 2);
    return 0;
}

void repl_model_adopt_layer(lua_State *L, int model_idx, int layer_idx)
{
    model_idx = lua_absindex(L, model_idx);
    layer_idx = lua_absindex(L, layer_idx);
    repl_layer_check(L, layer_idx)->owned = 1;
    lua_pushvalue(L, model_idx);
    lua_setiuservalue(L, layer_idx, 1);     /* the layer keeps the model alive */
    push_model_table(L, model_idx);
    lua_getfield(L, -1, "layers");
    lua_pushvalue(L, layer_idx);
    lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
    lua_pop(L, 2);
}

/* nn.Sequential{layer, ...} or nn.Sequential() */
static int new_sequential(lua_State *L)
{
    int model = repl_model_push_new(L, "sequential");
    if (lua_istable(L, 1)) {
        int n = (int)luaL_len(L, 1);
        for (int i = 1; i <= n; i++) {
            lua_pushcfunction(L, model_add);
            lua_pushvalue(L, model);
            lua_geti(L, 1, i);
            if (!luaL_testudata(L, -1, "nn.Layer"))
                return luaL_error(L, "Sequential: item %d is not a layer (got %s)", i,
                                  luaL_typename(L, -1));
            lua_call(L, 2, 0);
        }
        lua_getfield(L, 1, "name");
        if (lua_isstring(L, -1)) {
            push_model_table(L, model);
            lua_pushvalue(L, -2);
            lua_setfield(L, -2, "name");
        }
    }
    lua_settop(L, model);
    return 1;
}

/* ---------------------------------------------------------------- compile */

static const char *const compile_options[] = {"optimizer", "loss", "metrics", NULL};

static int model_compile(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    repl_check_options(L, 2, "compile", compile_options, 0);
    nn_compile_options c;
    memset(&c, 0, sizeof c);
    lua_getfield(L, 2, "loss");
    if (lua_isnil(L, -1))
        return luaL_error(L, "compile: a loss is required, e.g. loss = "
                          "'categorical_crossentropy'");
    repl_loss_from_arg(L, -1, &c.loss);
    lua_replace(L, -2);
    int loss_keep = lua_gettop(L);      /* a custom loss's Lua side, or nil */
    if (lua_getfield(L, 2, "metrics") != LUA_TNIL) {
        luaL_checktype(L, -1, LUA_TTABLE);
        int n = (int)luaL_len(L, -1);
        if (n > NN_MAX_METRICS)
            return luaL_error(L, "compile: at most %d metrics", NN_MAX_METRICS);
        for (int i = 0; i < n; i++) {
            nn_error err;
            lua_geti(L, -1, i + 1);
            const char *name = lua_tostring(L, -1);
            if (!name)
                return luaL_error(L, "compile: metrics[%d] must be a name such as 'accuracy'",
                                  i + 1);
            if (nn_metric_parse(name, &c.metrics[i], &err) != NN_OK)
                return luaL_error(L, "compile: %s", err.msg);
            lua_pop(L, 1);
        }
        c.n_metrics = n;
    }
    lua_pop(L, 1);
    lua_getfield(L, 2, "optimizer");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "rmsprop");      /* Keras's default */
    }
    nn_optimizer *opt = repl_optimizer_from_arg(L, -1);
    lua_replace(L, -2);
    int opt_keep = lua_gettop(L);       /* a custom optimizer's Lua side, or nil */
    /* the wrapper of the previous optimizer must not outlive it: give the old
    ** one to a new unowned wrapper-free state by freeing it here, after Lua's
    ** wrapper is dropped from the model table */
    push_model_table(L, 1);
    lua_pushnil(L);
    lua_setfield(L, -2, "optimizer");
    lua_pop(L, 1);
    c.optimizer = opt;
    nn_error err;
    if (nn_model_compile(m, &c, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    push_model_table(L, 1);
    repl_optimizer_push_owned(L, m->optimizer, 1);
    lua_setfield(L, -2, "optimizer");
    lua_pushvalue(L, loss_keep);        /* the model keeps what its loss and optimizer call */
    lua_setfield(L, -2, "__custom_loss");
    lua_pushvalue(L, opt_keep);
    lua_setfield(L, -2, "__custom_optimizer");
    return 0;
}

/* ------------------------------------------------------------------- fit */

typedef struct fit_ctx {
    lua_State *L;
    nn_model *m;
    repl_progress bar;
    int verbose;
    int callbacks;          /* stack index of the callbacks list, or 0 */
    int interrupted;
    int epoch, batch;
} fit_ctx;

static void push_logs(lua_State *L, const nn_fit_event *ev)
{
    lua_createtable(L, 0, ev->n_results);
    for (int i = 0; i < ev->n_results; i++) {
        lua_pushnumber(L, ev->results[i]);
        lua_setfield(L, -2, ev->names[i]);
    }
}

/* Call cb:method(index, logs) for each callback that has it (cb:method(logs)
** when index < 0: on_train_begin, on_train_end), all with one logs table, so
** that what a callback adds (Keras's "lr") reaches the later ones. An error in
** a callback stops fit with that error. */
static int run_callbacks(fit_ctx *c, const char *method, int index, const nn_fit_event *ev,
                         nn_error *err)
{
    lua_State *L = c->L;
    if (!c->callbacks)
        return 0;
    push_logs(L, ev);
    int logs = lua_gettop(L);
    int n = (int)luaL_len(L, c->callbacks);
    for (int i = 1; i <= n; i++) {
        lua_geti(L, c->callbacks, i);
        if (lua_getfield(L, -1, method) != LUA_TFUNCTION) {
            lua_pop(L, 2);
            continue;
        }
        lua_pushvalue(L, -2);
        if (index >= 0)
            lua_pushinteger(L, index);
        lua_pushvalue(L, logs);
        if (lua_pcall(L, index >= 0 ? 3 : 2, 0, 0) != LUA_OK) {
            const char *msg = lua_tostring(L, -1);
            if (msg && strstr(msg, "interrupted!"))
                c->interrupted = 1;     /* Ctrl-C landed inside the callback */
            else
                nn_error_set(err, NN_EARG, "callback %s: %s", method, msg ? msg : "error");
            lua_settop(L, logs - 1);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_settop(L, logs - 1);
    return 0;
}

/* Keras's callback.set_model: each callback table gets .model before training
** (and anything that is not a table is refused before training starts). */
static void set_callback_model(lua_State *L, int list, int model)
{
    int n = (int)luaL_len(L, list);
    for (int i = 1; i <= n; i++) {
        if (lua_geti(L, list, i) != LUA_TTABLE)
            luaL_error(L, "fit: callbacks[%d] must be a callback (a table with on_epoch_end "
                       "and the like), not %s", i, luaL_typename(L, -1));
        lua_pushvalue(L, model);
        lua_setfield(L, -2, "model");
        lua_pop(L, 1);
    }
}

/* on_train_end gets the last epoch's logs, as in Keras. */
static int run_train_end(fit_ctx *c, int first_epoch, nn_error *err)
{
    const nn_history *h = &c->m->history;
    const char *names[NN_HISTORY_KEYS];
    double values[NN_HISTORY_KEYS];
    nn_fit_event ev = {0};
    ev.names = names;
    ev.results = values;
    if (h->n_epochs > first_epoch) {
        for (int k = 0; k < h->n_keys; k++) {
            if (isnan(h->values[k][h->n_epochs - 1]))
                continue;
            names[ev.n_results] = h->key[k];
            values[ev.n_results++] = h->values[k][h->n_epochs - 1];
        }
    }
    return run_callbacks(c, "on_train_end", -1, &ev, err);
}

static int fit_callback(void *ud, const nn_fit_event *ev, nn_error *err)
{
    fit_ctx *c = ud;
    if (repl_interrupted()) {
        c->interrupted = 1;
        return 1;
    }
    c->epoch = ev->epoch;
    c->batch = ev->batch;
    switch (ev->kind) {
    case NN_EVENT_EPOCH_BEGIN:
        if (c->verbose > 0) {
            printf("Epoch %d/%d\n", ev->epoch + 1, ev->epochs);
            fflush(stdout);
        }
        repl_progress_begin(&c->bar, stdout, c->verbose, ev->batches);
        if (run_callbacks(c, "on_epoch_begin", ev->epoch, ev, err))
            return 1;
        break;
    case NN_EVENT_BATCH_END:
        repl_progress_update(&c->bar, ev->batch + 1, ev->n_results, ev->names, ev->results, 0);
        if (repl_fit_hook && repl_fit_hook(c->m, ev)) {
            c->interrupted = repl_interrupted();    /* Ctrl-C while paused in the window */
            return 1;
        }
        if (run_callbacks(c, "on_batch_end", ev->batch, ev, err))
            return 1;
        break;
    case NN_EVENT_EPOCH_END:
        repl_progress_update(&c->bar, ev->batches, ev->n_results, ev->names, ev->results, 1);
        if (run_callbacks(c, "on_epoch_end", ev->epoch, ev, err))
            return 1;
        break;
    case NN_EVENT_EVAL_BATCH_END:
        repl_progress_update(&c->bar, ev->batch + 1, ev->n_results, ev->names, ev->results,
                             ev->batch + 1 == ev->batches && ev->n_results > 0);
        break;
    }
    if (repl_interrupted()) {
        c->interrupted = 1;
        return 1;
    }
    return 0;
}

static int default_verbose(void)
{
    return isatty(fileno(stdout)) ? 1 : 2;
}

/* A History like Keras's: history.history.loss[epoch], history.epoch, params. */
static void push_history(lua_State *L, const nn_history *h, int first_epoch, int epochs,
                         int steps)
{
    lua_createtable(L, 0, 3);
    lua_newtable(L);
    for (int k = 0; k < h->n_keys; k++) {
        lua_createtable(L, h->n_epochs - first_epoch, 0);
        for (int e = first_epoch; e < h->n_epochs; e++) {
            lua_pushnumber(L, h->values[k][e]);
            lua_rawseti(L, -2, e - first_epoch + 1);
        }
        lua_setfield(L, -2, h->key[k]);
    }
    lua_setfield(L, -2, "history");
    lua_createtable(L, h->n_keys, 0);       /* the keys in Keras's order, for printing */
    for (int k = 0; k < h->n_keys; k++) {
        lua_pushstring(L, h->key[k]);
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "keys");
    lua_newtable(L);
    for (int e = first_epoch; e < h->n_epochs; e++) {
        lua_pushinteger(L, e - first_epoch);
        lua_rawseti(L, -2, e - first_epoch + 1);
    }
    lua_setfield(L, -2, "epoch");
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, epochs);
    lua_setfield(L, -2, "epochs");
    lua_pushinteger(L, steps);
    lua_setfield(L, -2, "steps");
    lua_setfield(L, -2, "params");
    luaL_setmetatable(L, "nn.History");
}

static int history_tostring(lua_State *L)
{
    lua_getfield(L, 1, "epoch");
    int n = (int)luaL_len(L, -1);
    lua_getfield(L, 1, "keys");
    int keys = lua_gettop(L);
    int n_keys = lua_istable(L, keys) ? (int)luaL_len(L, keys) : 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "<History: %d epoch%s", n, n == 1 ? "" : "s");
    luaL_addvalue(&b);
    for (int k = 1; k <= n_keys; k++) {
        luaL_addstring(&b, k == 1 ? "; " : ", ");
        lua_geti(L, keys, k);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '>');
    luaL_pushresult(&b);
    return 1;
}

static const char *const fit_options[] = {
    "epochs", "batch_size", "validation_split", "validation_data", "shuffle", "verbose",
    "initial_epoch", "steps_per_epoch", "callbacks", "class_weight", NULL,
};

/* Turn a stop or an error of the core into Lua: Ctrl-C returns normally with
** the history so far, anything else raises. */
static void finish_fit(lua_State *L, fit_ctx *c, nn_status st, const nn_error *err)
{
    if (st == NN_OK)
        return;
    if (st == NN_ESTOP && c->interrupted) {
        repl_clear_interrupt();
        fprintf(stdout, "\ninterrupted: training stopped at epoch %d, batch %d (the history "
                "so far is kept)\n", c->epoch + 1, c->batch + 1);
        return;
    }
    if (st == NN_ESTOP)
        return;         /* the window or a callback asked to stop */
    if (c->bar.drawn_width)
        fputc('\n', stdout);
    luaL_error(L, "%s", err->msg);
}

/* on_train_begin or on_train_end raised an error, or Ctrl-C stopped it. */
static int train_hook_failed(lua_State *L, fit_ctx *c, const nn_error *err)
{
    if (c->interrupted) {
        repl_clear_interrupt();
        return luaL_error(L, "interrupted");
    }
    return luaL_error(L, "%s", err->msg);
}

/* Keras's class_weight: a table {[0] = w0, [1] = w1, ...} with keys 0..n-1, read
** into a float array owned by a userdata pushed on the stack. */
static const float *read_class_weight(lua_State *L, int o, int *n)
{
    *n = 0;
    if (lua_isnoneornil(L, o) || lua_getfield(L, o, "class_weight") == LUA_TNIL) {
        if (!lua_isnoneornil(L, o))
            lua_pop(L, 1);
        return NULL;
    }
    int t = lua_gettop(L);
    if (!lua_istable(L, t))
        luaL_error(L, "fit: class_weight must be a table {[0] = w0, [1] = w1, ...}, not %s",
                   luaL_typename(L, t));
    int count = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (!lua_isinteger(L, -2) || !lua_isnumber(L, -1))
            luaL_error(L, "fit: class_weight must map class indices (0, 1, ...) to numbers");
        lua_pop(L, 1);
        count++;
    }
    float *w = lua_newuserdatauv(L, (size_t)(count > 0 ? count : 1) * sizeof *w, 0);
    for (int c = 0; c < count; c++) {
        if (lua_geti(L, t, c) == LUA_TNIL)
            luaL_error(L, "fit: class_weight must have the keys 0 to %d (one less than the "
                       "number of classes), but has no weight for class %d", count - 1, c);
        w[c] = (float)lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    if (count == 0)
        luaL_error(L, "fit: class_weight is empty");
    *n = count;
    return w;
}

/* The options fit takes with arrays and with a generator alike, from the
** table at o (which stays on the stack, as do what the options refer to). */
static void read_fit_options(lua_State *L, int o, nn_fit_options *opt, fit_ctx *c)
{
    if (!lua_isnoneornil(L, o))
        luaL_checktype(L, o, LUA_TTABLE);
    repl_check_options(L, o, "fit", fit_options, 0);
    *opt = nn_fit_defaults();
    opt->epochs = (int)repl_opt_integer(L, o, "fit", "epochs", 1);
    opt->batch_size = (int)repl_opt_integer(L, o, "fit", "batch_size", 32);
    opt->validation_split = repl_opt_number(L, o, "fit", "validation_split", 0.0);
    opt->shuffle = repl_opt_boolean(L, o, "fit", "shuffle", 1);
    opt->initial_epoch = (int)repl_opt_integer(L, o, "fit", "initial_epoch", 0);
    opt->steps_per_epoch = (int)repl_opt_integer(L, o, "fit", "steps_per_epoch", 0);
    opt->class_weight = read_class_weight(L, o, &opt->n_class_weight);
    memset(c, 0, sizeof *c);
    c->L = L;
    c->m = repl_model_check(L, 1);
    c->verbose = (int)repl_opt_integer(L, o, "fit", "verbose", default_verbose());
    if (!lua_isnoneornil(L, o) && lua_getfield(L, o, "validation_data") != LUA_TNIL) {
        int vd = lua_gettop(L);
        luaL_argexpected(L, lua_istable(L, vd), vd, "validation_data = {x_val, y_val}");
        lua_geti(L, vd, 1);
        opt->val_x = repl_tensor_from_arg(L, -1, "validation_data[1]");
        lua_geti(L, vd, 2);
        opt->val_y = repl_tensor_from_arg(L, -1, "validation_data[2]");
    }
    if (!lua_isnoneornil(L, o) && lua_getfield(L, o, "callbacks") != LUA_TNIL) {
        luaL_argexpected(L, lua_istable(L, -1), lua_gettop(L), "callbacks = {cb, ...}");
        c->callbacks = lua_gettop(L);
    }
    opt->callback = fit_callback;
    opt->ud = c;
}

/* A Lua generator as the core's source of batches: gen() or gen:next() gives
** x, y (tensors or tables of numbers), or nil at the end of the data. The
** batch stays on the Lua stack above `base` until the next call. */
typedef struct lua_source {
    fit_ctx *c;
    int gen, method;        /* stack index of the generator; call gen:next() */
    int base;               /* stack top before a batch */
} lua_source;

/* In protected mode: (gen, method) -> x, y as tensors, or nothing at the end. */
static int call_generator(lua_State *L)
{
    int method = lua_toboolean(L, 2);
    lua_settop(L, 1);
    if (method) {
        lua_getfield(L, 1, "next");
        lua_pushvalue(L, 1);
    } else {
        lua_pushvalue(L, 1);
    }
    lua_call(L, method, 2);
    if (lua_isnil(L, 2))
        return 0;
    if (lua_isnil(L, 3))
        return luaL_error(L, "it gave x but no y (return x_batch, y_batch, or nil at the end)");
    nn_tensor *x = repl_tensor_from_arg(L, 2, "the generator's x");
    if (x && lua_gettop(L) > 3)
        lua_replace(L, 2);
    nn_tensor *y = repl_tensor_from_arg(L, 3, "the generator's y");
    if (y && lua_gettop(L) > 3)
        lua_replace(L, 3);
    return 2;
}

static nn_status lua_source_next(void *ud, const nn_tensor **x, const nn_tensor **y,
                                 nn_error *err)
{
    lua_source *s = ud;
    lua_State *L = s->c->L;
    lua_settop(L, s->base);
    lua_pushcfunction(L, call_generator);
    lua_pushvalue(L, s->gen);
    lua_pushboolean(L, s->method);
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if ((msg && strstr(msg, "interrupted!")) || repl_interrupted()) {
            s->c->interrupted = 1;
            nn_error_clear(err);
            return NN_ESTOP;
        }
        return nn_error_set(err, NN_EARG, "fit: the generator failed: %s", msg ? msg : "error");
    }
    *x = repl_tensor_test(L, -2);
    *y = repl_tensor_test(L, -1);
    return NN_OK;
}

/* Everything of fit after its options are read: on_train_begin, the loop in
** the core (over arrays when src is NULL, else over the generator), Ctrl-C or
** errors, on_train_end; leaves the History on the stack (and in model.history). */
static int run_fit(lua_State *L, fit_ctx *c, nn_fit_options *opt, const nn_tensor *x,
                   const nn_tensor *y, lua_source *src, int steps)
{
    nn_model *m = c->m;
    int first_epoch = m->history.n_epochs;
    nn_error err;
    nn_error_clear(&err);
    if (c->callbacks) {
        nn_fit_event ev = {0};
        set_callback_model(L, c->callbacks, 1);
        if (run_callbacks(c, "on_train_begin", -1, &ev, &err))
            return train_hook_failed(L, c, &err);
    }
    int top = lua_gettop(L);
    nn_status st;
    if (src) {
        src->base = top;
        st = nn_model_fit_source(m, lua_source_next, src, opt, &err);
    } else {
        st = nn_model_fit(m, x, y, opt, &err);
    }
    lua_settop(L, top);
    finish_fit(L, c, st, &err);
    c->interrupted = 0;
    if (run_train_end(c, first_epoch, &err))
        return train_hook_failed(L, c, &err);
    push_history(L, &m->history, first_epoch, opt->epochs, steps);
    push_model_table(L, 1);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "history");
    lua_pop(L, 1);
    return 1;
}

/* model:fit(gen, {epochs = ..., steps_per_epoch = ...}): gen is a function or
** iterator giving x, y per call (nil at the end), or a table with :next() (its
** #gen, through __len, is the default steps_per_epoch, as a Keras Sequence). */
static int fit_generator(lua_State *L, int method)
{
    nn_fit_options opt;
    fit_ctx c;
    read_fit_options(L, 3, &opt, &c);
    if (opt.validation_split > 0.0)
        return luaL_error(L, "fit: validation_split needs arrays; with a generator give "
                          "validation_data = {x_val, y_val}");
    if (opt.steps_per_epoch == 0 && method && luaL_getmetafield(L, 2, "__len") != LUA_TNIL) {
        lua_pop(L, 1);
        opt.steps_per_epoch = (int)luaL_len(L, 2);
    }
    lua_source src = {&c, 2, method, 0};
    return run_fit(L, &c, &opt, NULL, NULL, &src, opt.steps_per_epoch);
}

static int model_fit(lua_State *L)
{
    repl_model_check(L, 1);
    if (lua_isfunction(L, 2))
        return fit_generator(L, 0);
    if (lua_istable(L, 2)) {
        int next = lua_getfield(L, 2, "next");
        lua_pop(L, 1);
        if (next == LUA_TFUNCTION)
            return fit_generator(L, 1);
    }
    /* room for the options at 4 before the arguments convert to tensors */
    lua_settop(L, lua_gettop(L) > 4 ? lua_gettop(L) : 4);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'fit'");
    nn_tensor *y = repl_tensor_from_arg(L, 3, "argument #3 to 'fit'");
    nn_fit_options opt;
    fit_ctx c;
    read_fit_options(L, 4, &opt, &c);
    int steps = opt.batch_size > 0 ? (x->shape[0] + opt.batch_size - 1) / opt.batch_size : 0;
    return run_fit(L, &c, &opt, x, y, NULL, steps);
}

/* ------------------------------------------------------ evaluate, predict */

static const char *const eval_options[] = {"batch_size", "verbose", NULL};

static int model_evaluate(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'evaluate'");
    nn_tensor *y = repl_tensor_from_arg(L, 3, "argument #3 to 'evaluate'");
    repl_check_options(L, 4, "evaluate", eval_options, 0);
    int bs = (int)repl_opt_integer(L, 4, "evaluate", "batch_size", 32);
    fit_ctx c;
    memset(&c, 0, sizeof c);
    c.L = L;
    c.m = m;
    c.verbose = (int)repl_opt_integer(L, 4, "evaluate", "verbose", isatty(fileno(stdout)));
    int batches = bs > 0 ? (x->shape[0] + bs - 1) / bs : 1;
    repl_progress_begin(&c.bar, stdout, c.verbose ? 1 : 0, batches);
    double r[NN_MAX_METRICS + 1];
    nn_error err;
    nn_error_clear(&err);
    nn_status st = nn_model_evaluate(m, x, y, bs, r, fit_callback, &c, &err);
    if (st == NN_ESTOP && c.interrupted) {
        repl_clear_interrupt();
        return luaL_error(L, "interrupted");
    }
    if (st != NN_OK)
        return luaL_error(L, "%s", err.msg);
    for (int i = 0; i <= m->n_metrics; i++)
        lua_pushnumber(L, r[i]);
    return 1 + m->n_metrics;
}

static int model_predict(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'predict'");
    repl_check_options(L, 3, "predict", eval_options, 0);
    int bs = (int)repl_opt_integer(L, 3, "predict", "batch_size", 32);
    fit_ctx c;
    memset(&c, 0, sizeof c);
    c.L = L;
    c.m = m;
    nn_error err;
    nn_error_clear(&err);
    nn_tensor *p = nn_model_predict(m, x, bs, fit_callback, &c, &err);
    if (!p) {
        if (c.interrupted) {
            repl_clear_interrupt();
            return luaL_error(L, "interrupted");
        }
        return luaL_error(L, "%s", err.msg);
    }
    repl_tensor_push(L, p);
    return 1;
}

/* ---------------------------------------------------- batch-level calls */

static int push_results(lua_State *L, const nn_model *m, const double *r)
{
    for (int i = 0; i <= m->n_metrics; i++)
        lua_pushnumber(L, r[i]);
    return 1 + m->n_metrics;
}

static int model_train_on_batch(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'train_on_batch'");
    nn_tensor *y = repl_tensor_from_arg(L, 3, "argument #3 to 'train_on_batch'");
    double r[NN_MAX_METRICS + 1];
    nn_error err;
    if (nn_model_train_on_batch(m, x, y, r, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    report_stage(m, NN_STAGE_UPDATE, -1, 0);
    return push_results(L, m, r);
}

static int model_test_on_batch(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'test_on_batch'");
    nn_tensor *y = repl_tensor_from_arg(L, 3, "argument #3 to 'test_on_batch'");
    double r[NN_MAX_METRICS + 1];
    nn_error err;
    if (nn_model_test_on_batch(m, x, y, r, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    return push_results(L, m, r);
}

/* model:forward(x) — the output of one forward pass (training = false unless
** {training = true}); the model keeps every layer's output for the window. */
static int model_forward(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'forward'");
    static const char *const known[] = {"training", NULL};
    repl_check_options(L, 3, "forward", known, 0);
    int training = repl_opt_boolean(L, 3, "forward", "training", 0);
    nn_error err;
    const nn_tensor *out = nn_model_forward(m, x, training, &err);
    nn_tensor *copy = out ? nn_tensor_clone(out, &err) : NULL;
    if (!copy)
        return luaL_error(L, "%s", err.msg);
    report_stage(m, NN_STAGE_FORWARD, m->n_nodes - 1, 0);
    repl_tensor_push(L, copy);
    return 1;
}

static int model_predict_on_batch(lua_State *L)
{
    lua_settop(L, 2);
    return model_forward(L);
}

/* model:backward(y) — the loss of the last forward against y, and the
** gradients of every weight (read them with model:get_gradients()). */
static int model_backward(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *y = repl_tensor_from_arg(L, 2, "argument #2 to 'backward'");
    nn_error err;
    double loss;
    if (nn_model_backward(m, y, &loss, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    report_stage(m, NN_STAGE_BACKWARD, 0, 0);
    lua_pushnumber(L, loss);
    return 1;
}

static int model_apply_gradients(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    nn_error err;
    if (nn_model_apply_gradients(m, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    report_stage(m, NN_STAGE_UPDATE, -1, 0);
    return 0;
}

/* ------------------------------------------------------------ stage by stage */

static void push_clone_or_nil(lua_State *L, const nn_tensor *t)
{
    nn_error err;
    nn_tensor *c = t ? nn_tensor_clone(t, &err) : NULL;
    if (t && !c)
        luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, c);
}

/* model:step(x, y) — the next stage of one training step: returns a table
** {stage = "forward"|"loss"|"backward"|"update", layer = i, name = ..., loss = ...,
** value = the tensor just computed}. x, y start a step when none is under way. */
static int model_step(lua_State *L)
{
    repl_model *u = luaL_checkudata(L, 1, MODEL_MT);
    nn_model *m = repl_model_check(L, 1);
    nn_tensor *x = NULL, *y = NULL;
    if (!u->step.active) {
        x = repl_tensor_from_arg(L, 2, "argument #2 to 'step'");
        y = repl_tensor_from_arg(L, 3, "argument #3 to 'step'");
    }
    nn_stage st;
    nn_error err;
    if (nn_step_next(m, &u->step, x, y, &st, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    report_stage(m, st.kind, st.node, u->step.active ? 1 : 2);
    lua_createtable(L, 0, 5);
    lua_pushstring(L, nn_stage_name(st.kind));
    lua_setfield(L, -2, "stage");
    if (st.node >= 0) {
        lua_pushinteger(L, st.node + 1);
        lua_setfield(L, -2, "layer");
        lua_pushstring(L, m->nodes[st.node].layer->name);
        lua_setfield(L, -2, "name");
    }
    if (st.kind != NN_STAGE_FORWARD) {
        lua_pushnumber(L, st.loss);
        lua_setfield(L, -2, "loss");
    }
    if (st.kind == NN_STAGE_FORWARD)
        push_clone_or_nil(L, m->nodes[st.node].out);
    else if (st.kind == NN_STAGE_LOSS)
        push_clone_or_nil(L, m->nodes[m->outputs[0]].grad);
    else if (st.kind == NN_STAGE_BACKWARD)
        push_clone_or_nil(L, m->nodes[st.node].grad);
    else
        lua_pushnil(L);
    lua_setfield(L, -2, "value");
    lua_pushboolean(L, !u->step.active);
    lua_setfield(L, -2, "done");
    return 1;
}

/* model:trace() — per layer: input, z (pre-activation, when the layer has an
** activation), output, grad (dL/d output) of the last step, as tensors. */
static int model_trace(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    lua_createtable(L, m->n_nodes, 0);
    for (int i = 0; i < m->n_nodes; i++) {
        nn_node *n = &m->nodes[i];
        lua_createtable(L, 0, 6);
        lua_pushstring(L, n->layer->name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, n->layer->ops->type);
        lua_setfield(L, -2, "type");
        if (m->has_forward || n->out) {
            int src = n->in[0];
            push_clone_or_nil(L, src < 0 ? m->last_x : m->nodes[src].out);
            lua_setfield(L, -2, "input");
            push_clone_or_nil(L, n->layer->act.kind != NN_ACT_LINEAR ? n->layer->z : n->out);
            lua_setfield(L, -2, "z");
            push_clone_or_nil(L, n->out);
            lua_setfield(L, -2, "output");
        }
        if (n->grad_written) {
            push_clone_or_nil(L, n->grad);
            lua_setfield(L, -2, "grad");
        }
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* ------------------------------------------------------------------ weights */

static int push_param_list(lua_State *L, nn_model *m, int grads)
{
    nn_error err;
    if (nn_model_build(m, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    int n;
    nn_param *const *p = nn_model_params(m, &n);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        nn_tensor *t = nn_tensor_clone(grads ? p[i]->grad : p[i]->value, &err);
        if (!t)
            return luaL_error(L, "%s", err.msg);
        repl_tensor_push(L, t);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int model_get_weights(lua_State *L)
{
    return push_param_list(L, repl_model_check(L, 1), 0);
}

static int model_get_gradients(lua_State *L)
{
    return push_param_list(L, repl_model_check(L, 1), 1);
}

static int model_set_weights(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    nn_error err;
    if (nn_model_build(m, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    int n;
    nn_param *const *p = nn_model_params(m, &n);
    if ((int)luaL_len(L, 2) != n)
        return luaL_error(L, "set_weights: the model has %d weights, got a list of %d", n,
                          (int)luaL_len(L, 2));
    for (int i = 0; i < n; i++) {       /* check every shape before changing anything */
        lua_geti(L, 2, i + 1);
        nn_tensor *t = repl_tensor_from_arg(L, -1, "set_weights");
        if (!nn_tensor_same_shape(t, p[i]->value)) {
            char a[96], b[96];
            return luaL_error(L, "set_weights: weight %d (%s) has shape %s, got %s", i + 1,
                              p[i]->name, nn_shape_format(a, sizeof a, p[i]->value->ndim,
                                                          p[i]->value->shape),
                              nn_shape_format(b, sizeof b, t->ndim, t->shape));
        }
        lua_settop(L, 2);
    }
    for (int i = 0; i < n; i++) {
        lua_geti(L, 2, i + 1);
        nn_tensor *t = repl_tensor_from_arg(L, -1, "set_weights");
        for (size_t j = 0; j < t->size; j++)
            nn_tensor_f32(p[i]->value)[j] = nn_tensor_get(t, j);
        lua_settop(L, 2);
    }
    return 0;
}

static int model_count_params(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)nn_model_param_count(repl_model_check(L, 1)));
    return 1;
}

/* ------------------------------------------------------------------ summary */

/* Print one table row: each cell wrapped within its column at spaces, as Keras 2's
** summary wraps long names ("max_pooling2d (MaxPooling2D)" spans two lines). */
static void print_row(int n, const char *const *cells, const int *widths)
{
    const char *rest[4];
    for (int c = 0; c < n; c++)
        rest[c] = cells[c];
    for (int more = 1; more;) {
        more = 0;
        char line[256];
        size_t at = 0;
        for (int c = 0; c < n; c++) {
            int room = widths[c] - 1;
            size_t len = strlen(rest[c]), take = len;
            if ((int)len > room) {
                take = (size_t)room;
                for (size_t k = (size_t)room; k > 0; k--)
                    if (rest[c][k] == ' ') {
                        take = k;
                        break;
                    }
            }
            at += (size_t)snprintf(line + at, sizeof line - at, " %-*.*s", room, (int)take,
                                   rest[c]);
            rest[c] += take;
            while (*rest[c] == ' ')
                rest[c]++;
            more = more || *rest[c];
        }
        printf("%s\n", line);
    }
}

static void thousands(char *buf, size_t len, size_t n)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%zu", n);
    size_t l = strlen(raw), at = 0;
    for (size_t i = 0; i < l && at + 2 < len; i++) {
        if (i > 0 && (l - i) % 3 == 0)
            buf[at++] = ',';
        buf[at++] = raw[i];
    }
    buf[at] = '\0';
}

/* Keras 2's model.summary() table. */
/* The "Connected to" cell of a functional model's row: ['dense[0][0]', ...] */
static void connections(const nn_model *m, int i, char *buf, size_t len)
{
    size_t at = (size_t)snprintf(buf, len, "[");
    for (int k = 0; k < m->nodes[i].n_in && at < len; k++) {
        int src = m->nodes[i].in[k];
        char name[64];
        if (src < 0)
            snprintf(name, sizeof name, "input_%d", -src);
        else
            snprintf(name, sizeof name, "%s", m->nodes[src].layer->name);
        at += (size_t)snprintf(buf + at, len - at, "%s'%s[0][0]'", k ? ", " : "", name);
    }
    if (at < len)
        snprintf(buf + at, len - at, "]");
}

/* Keras 2's model.summary() table; functional models get Keras's "Connected to"
** column and a row per input. */
static int model_summary(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    push_model_table(L, 1);
    lua_getfield(L, -1, "name");
    int functional = !m->sequential;
    static const int seq_widths[3] = {29, 26, 10}, fun_widths[4] = {32, 22, 12, 32};
    const int *w = functional ? fun_widths : seq_widths;
    int ncol = functional ? 4 : 3, total_width = functional ? 98 : 65;
    char line[128], dline[128];
    memset(line, '_', (size_t)total_width);
    memset(dline, '=', (size_t)total_width);
    line[total_width] = dline[total_width] = '\0';
    nn_error err;
    int built = nn_model_build(m, &err) == NN_OK;
    printf("Model: \"%s\"\n%s\n", lua_tostring(L, -1), line);
    const char *head[4] = {"Layer (type)", "Output Shape", "Param #", "Connected to"};
    print_row(ncol, head, w);
    printf("%s\n", dline);
    for (int k = 0; functional && k < m->n_inputs; k++) {
        char name[64], shape[96];
        snprintf(name, sizeof name, "input_%d (InputLayer)", k + 1);
        nn_shape_str(shape, sizeof shape, &m->input_shape[k]);
        char bracketed[100];
        snprintf(bracketed, sizeof bracketed, "[%s]", shape);
        const char *cells[4] = {name, bracketed, "0", "[]"};
        print_row(ncol, cells, w);
        printf("\n");
    }
    size_t total = 0, trainable = 0;
    for (int i = 0; i < m->n_nodes; i++) {
        nn_layer *l = m->nodes[i].layer;
        char name[128], shape[96] = "multiple", params[32], conn[256];
        snprintf(name, sizeof name, "%s (%s)", l->name, l->ops->type);
        if (l->built)
            nn_shape_str(shape, sizeof shape, &l->out_shape);
        snprintf(params, sizeof params, "%zu", nn_layer_param_count(l));
        connections(m, i, conn, sizeof conn);
        const char *cells[4] = {name, shape, params, conn};
        print_row(ncol, cells, w);
        if (i + 1 < m->n_nodes)
            printf("\n");
        for (int k = 0; k < l->n_params; k++) {
            total += l->params[k].value->size;
            if (l->params[k].trainable)
                trainable += l->params[k].value->size;
        }
    }
    char t1[32], t2[32], t3[32];
    thousands(t1, sizeof t1, total);
    thousands(t2, sizeof t2, trainable);
    thousands(t3, sizeof t3, total - trainable);
    printf("%s\nTotal params: %s\nTrainable params: %s\nNon-trainable params: %s\n%s\n", dline,
           t1, t2, t3, line);
    if (!built)
        printf("(not built yet: %s)\n", err.msg);
    return 0;
}

/* ------------------------------------------------------- indexing, printing */

static int model_index(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    luaL_getmetafield(L, 1, "__methods");
    if (lua_getfield(L, -1, key) != LUA_TNIL)
        return 1;
    if (strcmp(key, "stop_training") == 0) {
        lua_pushboolean(L, m->stop_training);
        return 1;
    }
    push_model_table(L, 1);
    lua_getfield(L, -1, key);
    return 1;
}

static int model_newindex(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    if (strcmp(key, "stop_training") == 0) {
        m->stop_training = lua_toboolean(L, 3);
        return 0;
    }
    if (strcmp(key, "name") == 0) {
        push_model_table(L, 1);
        lua_pushstring(L, luaL_checkstring(L, 3));
        lua_setfield(L, -2, "name");
        return 0;
    }
    return luaL_error(L, "model field '%s' cannot be set", key);
}

static int model_tostring(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    push_model_table(L, 1);
    lua_getfield(L, -1, "name");
    lua_pushfstring(L, "<Model '%s': %d layers, %d params%s>", lua_tostring(L, -1), m->n_nodes,
                    (int)nn_model_param_count(m), m->compiled ? ", compiled" : "");
    return 1;
}

static int model_gc(lua_State *L)
{
    repl_model *u = luaL_checkudata(L, 1, MODEL_MT);
    nn_step_reset(&u->step);
    nn_model_free(u->m);
    u->m = NULL;
    return 0;
}

static const luaL_Reg model_methods[] = {
    {"add", model_add},
    {"compile", model_compile},
    {"fit", model_fit},
    {"evaluate", model_evaluate},
    {"predict", model_predict},
    {"summary", model_summary},
    {"train_on_batch", model_train_on_batch},
    {"test_on_batch", model_test_on_batch},
    {"predict_on_batch", model_predict_on_batch},
    {"forward", model_forward},
    {"backward", model_backward},
    {"apply_gradients", model_apply_gradients},
    {"step", model_step},
    {"trace", model_trace},
    {"get_weights", model_get_weights},
    {"set_weights", model_set_weights},
    {"get_gradients", model_get_gradients},
    {"count_params", model_count_params},
    {NULL, NULL},
};

static const luaL_Reg model_meta[] = {
    {"__index", model_index},
    {"__newindex", model_newindex},
    {"__tostring", model_tostring},
    {"__gc", model_gc},
    {NULL, NULL},
};

void repl_open_model(lua_State *L, int nn)
{
    luaL_newmetatable(L, MODEL_MT);
    luaL_setfuncs(L, model_meta, 0);
    luaL_newlib(L, model_methods);
    lua_setfield(L, -2, "__methods");
    lua_pop(L, 1);
    luaL_newmetatable(L, "nn.History");
    lua_pushcfunction(L, history_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    repl_open_layers(L, nn);
    lua_pushcfunction(L, new_sequential);
    lua_setfield(L, nn, "Sequential");
    lua_getfield(L, nn, "models");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, nn, "models");
    }
    lua_pushcfunction(L, new_sequential);
    lua_setfield(L, -2, "Sequential");
    lua_pop(L, 1);
    repl_open_functional(L, nn);
    repl_open_custom(L, nn);
    repl_open_custom_fns(L, nn);
    repl_open_save(L, nn);
    repl_open_callbacks(L, nn);
}
