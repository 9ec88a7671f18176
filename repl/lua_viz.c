/* repl/lua_viz.c — the `viz` Lua module: thin bindings over viz/viz.h.
**
** viz.show(model) opens the window (or, with --headless or no display, a
** headless canvas that only snapshots see) and makes it follow the model: the
** REPL's idle hook pumps it while the prompt waits, and fit calls
** viz_on_batch after every batch through repl_fit_hook. The model userdata is
** kept in the registry while it is shown, so it cannot be collected under the
** window. Layers, units and samples are 1-based here, as everything in Lua. */
#include "lua_nn.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "lua_model.h"
#include "lua_tensor.h"
#include "repl.h"
#include "nn/view.h"
#include "viz/text.h"
#include "viz/viz.h"

static int model_ref = LUA_NOREF;

static int run_step(lua_State *L);

/* Raise the window's error message as a Lua error. */
static int viz_error_out(lua_State *L, const char *fn)
{
    return luaL_error(L, "viz.%s: %s", fn, viz_error());
}

static void idle(void *ud)
{
    viz_pump();
    if (viz_take_step_request()) {     /* '.' in the window: the next stage */
        char line[400];
        if (repl_busy()) {
            /* a command is running (and may be using the model): not now */
            snprintf(line, sizeof line, "[window] . steps at the prompt, when no command runs");
        } else {
            lua_State *L = ud;
            lua_pushcfunction(L, run_step);
            lua_pcall(L, 0, 1, 0);
            const char *what = lua_tostring(L, -1);
            snprintf(line, sizeof line, "[window] %s", what ? what : "step failed");
            lua_pop(L, 1);
        }
        repl_print_above(line);
    }
    const char *msg = viz_take_message();
    if (msg) {
        char line[400];
        snprintf(line, sizeof line, "[window] %s", msg);
        repl_print_above(line);
    }
}

/* After each training batch: tell the status line where fit is, then pump. */
static int fit_batch(const nn_model *m, const nn_fit_event *ev)
{
    viz_fit_progress(ev->epoch, ev->epochs, ev->batch, ev->batches);
    return viz_on_batch(m);
}

/* Forget the shown model (the window closed, or shows another). */
static void release_model(lua_State *L)
{
    if (model_ref != LUA_NOREF) {
        luaL_unref(L, LUA_REGISTRYINDEX, model_ref);
        model_ref = LUA_NOREF;
    }
}

/* The window closed by the learner: drop what kept it going. */
static void sync_closed(lua_State *L)
{
    if (viz_is_open())
        return;
    viz_set_model(NULL);
    release_model(L);
    repl_set_idle_hook(NULL, NULL);
    repl_fit_hook = NULL;
    repl_stage_hook = NULL;
}

static int open_window(lua_State *L, int w, int h)
{
    if (viz_is_open())
        return 0;
    viz_force_headless(repl_headless());
    viz_options o = viz_defaults();
    o.width = w;
    o.height = h;
    if (viz_open(&o) != 0) {
        /* no display after all: keep going headless, snapshots still work */
        char why[512];
        snprintf(why, sizeof why, "%s", viz_error());
        viz_force_headless(1);
        if (viz_open(&o) != 0)
            return viz_error_out(L, "show");
        char line[600];
        snprintf(line, sizeof line, "[window] %s (viz.snapshot still saves pictures)", why);
        repl_print_above(line);
    }
    viz_set_interrupt_check(repl_interrupted);
    repl_set_idle_hook(idle, L);
    repl_fit_hook = fit_batch;
    repl_stage_hook = viz_set_stage;
    return 0;
}

static const char *const show_options[] = {"width", "height", "fps", NULL};

/* viz.show(model [, {width = 1280, height = 800, fps = 30}]) */
static int l_show(lua_State *L)
{
    nn_model *m = repl_model_check(L, 1);
    int w = 1280, h = 800, fps = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
            int known = 0;
            for (int i = 0; show_options[i]; i++)
                known |= strcmp(k, show_options[i]) == 0;
            if (!known)
                return luaL_error(L, "viz.show: unknown option '%s' (options: width, height, fps)",
                                  k);
            if (!lua_isinteger(L, -1))
                return luaL_error(L, "viz.show: %s must be a whole number", k);
            lua_pop(L, 1);
        }
        lua_getfield(L, 2, "width");
        w = (int)luaL_optinteger(L, -1, w);
        lua_getfield(L, 2, "height");
        h = (int)luaL_optinteger(L, -1, h);
        lua_getfield(L, 2, "fps");
        fps = (int)luaL_optinteger(L, -1, 0);
        lua_pop(L, 3);
    }
    sync_closed(L);
    int was_open = viz_is_open();
    open_window(L, w, h);
    if (was_open && !lua_isnoneornil(L, 2) && viz_resize(w, h) != 0)
        return viz_error_out(L, "show");
    if (fps && viz_set_fps(fps) != 0)
        return viz_error_out(L, "show");
    release_model(L);
    lua_pushvalue(L, 1);
    model_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    viz_set_model(m);
    viz_pump();
    return 0;
}

/* viz.close() */
static int l_close(lua_State *L)
{
    viz_close();
    sync_closed(L);
    return 0;
}

/* viz.is_open() */
static int l_is_open(lua_State *L)
{
    sync_closed(L);
    lua_pushboolean(L, viz_is_open());
    return 1;
}

/* viz.panel(name): name or "dashboard"; returns true, or false and why the
** panel does not apply to this model (it is shown anyway, saying so). */
static int l_panel(lua_State *L)
{
    const char *name = luaL_optstring(L, 1, "dashboard");
    if (viz_set_panel(name) != 0)
        return viz_error_out(L, "panel");
    if (strcmp(name, "dashboard") == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    char why[256];
    int ok = viz_panel_applies(name, why, sizeof why);
    lua_pushboolean(L, ok == 1);
    if (ok == 1)
        return 1;
    lua_pushstring(L, why);
    return 2;
}

/* The 0-based index of a layer given by 1-based number or by name. */
static int layer_arg(lua_State *L, int idx, const nn_model *m)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *name = lua_tostring(L, idx);
        int i = m ? nn_model_find_layer(m, name) : -1;
        if (i < 0)
            luaL_error(L, "viz.select: no layer named '%s' in the model shown", name);
        return i;
    }
    if (!lua_isinteger(L, idx))
        luaL_error(L, "viz.select: layer must be a layer number (1 is the first) or a name");
    return (int)lua_tointeger(L, idx) - 1;
}

/* viz.select{layer = i or "name", unit = j} */
static int l_select(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const nn_model *m = viz_model();
    if (!m)
        return luaL_error(L, "viz.select: no model shown: call viz.show(model) first");
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (strcmp(k, "layer") != 0 && strcmp(k, "unit") != 0)
            return luaL_error(L, "viz.select: unknown option '%s' (options: layer, unit)", k);
        lua_pop(L, 1);
    }
    int layer, unit, n = nn_view_layer_count(m);
    viz_selection(&layer, &unit);
    if (lua_getfield(L, 1, "layer") != LUA_TNIL) {
        layer = layer_arg(L, -1, m);
        if (layer < 0 || layer >= n)
            return luaL_error(L, "viz.select: no layer %d: the model has %d layer%s (1 to %d)",
                              layer + 1, n, n == 1 ? "" : "s", n);
    }
    lua_pop(L, 1);
    int new_unit = -1;
    if (lua_getfield(L, 1, "unit") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "viz.select: unit must be a whole number (1 is the first)");
        new_unit = (int)lua_tointeger(L, -1) - 1;
        int units = viz_layer_unit_count(layer);
        if (new_unit < 0 || new_unit >= units)
            return luaL_error(L, "viz.select: layer %d (%s) has %d unit%s: no unit %d", layer + 1,
                              nn_view_layer_name(m, layer), units, units == 1 ? "" : "s",
                              new_unit + 1);
    }
    lua_pop(L, 1);
    if (viz_select(layer, new_unit) != 0)
        return viz_error_out(L, "select");
    return 0;
}

/* viz.sample(x [, label]) shows input x; viz.sample(i) the i-th sample of the
** last batch; viz.sample() goes back to the last batch's first. */
static int l_sample(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        viz_sample_input(NULL, -1);
        return 0;
    }
    if (lua_isinteger(L, 1)) {
        int i = (int)lua_tointeger(L, 1);
        if (i < 1)
            return luaL_error(L, "viz.sample: sample numbers start at 1, not %d", i);
        viz_sample_input(NULL, -1);
        viz_select_sample(i - 1);
        return 0;
    }
    nn_tensor *x = repl_tensor_from_arg(L, 1, "argument #1 to 'viz.sample'");
    int label = (int)luaL_optinteger(L, 2, -1);
    if (viz_sample_input(x, label) != 0)
        return viz_error_out(L, "sample");
    return 0;
}

/* viz.points(x, y): the points drawn on the decision boundary. */
static int l_points(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        viz_set_points(NULL, NULL);
        return 0;
    }
    nn_tensor *x = repl_tensor_from_arg(L, 1, "argument #1 to 'viz.points'");
    nn_tensor *y = NULL;
    if (!lua_isnoneornil(L, 2))
        y = repl_tensor_from_arg(L, 2, "argument #2 to 'viz.points'");
    if (viz_set_points(x, y) != 0)
        return viz_error_out(L, "points");
    return 0;
}

/* viz.classes{"T-shirt/top", "Trouser", ...}: names of the output classes. */
static int l_classes(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        viz_set_class_names(0, NULL);
        return 0;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    int n = (int)luaL_len(L, 1);
    if (n > 1000)
        return luaL_error(L, "viz.classes: at most 1000 names, not %d", n);
    const char *names[1000];
    for (int i = 0; i < n; i++) {
        if (lua_geti(L, 1, i + 1) != LUA_TSTRING)
            return luaL_error(L, "viz.classes: name %d is not a string", i + 1);
        names[i] = lua_tostring(L, -1);
        lua_pop(L, 1);      /* the table keeps the string alive */
    }
    if (viz_set_class_names(n, names) != 0)
        return viz_error_out(L, "classes");
    return 0;
}

/* viz.snapshot("file.png" [, panel]) */
static int l_snapshot(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *panel = luaL_optstring(L, 2, NULL);
    sync_closed(L);
    if (viz_snapshot(path, panel) != 0)
        return viz_error_out(L, "snapshot");
    lua_pushstring(L, path);
    return 1;
}

/* viz.fps(n) */
static int l_fps(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    if (n < 1 || n > 240 || viz_set_fps((int)n) != 0)
        return luaL_error(L, "viz.fps: frames per second must be between 1 and 240, not %d",
                          (int)n);
    return 0;
}

/* viz.pause([on]): pause or resume training (like space in the window). */
static int l_pause(lua_State *L)
{
    viz_set_paused(lua_isnone(L, 1) ? 1 : lua_toboolean(L, 1));
    return 0;
}

/* ------------------------------------------------------------- stepping */

/* What the '.' key steps through: a batch of x, y taken batch_size rows at a
** time (viz.step_mode), kept in the registry. */
static int step_x = LUA_NOREF, step_y = LUA_NOREF;
static int step_batch = 32, step_row;

static void forget_step_data(lua_State *L)
{
    luaL_unref(L, LUA_REGISTRYINDEX, step_x);
    luaL_unref(L, LUA_REGISTRYINDEX, step_y);
    step_x = step_y = LUA_NOREF;
}

/* viz.step_mode(model, x, y [, {batch_size = 32}]), or viz.step_mode(false) */
static int l_step_mode(lua_State *L)
{
    if (lua_isboolean(L, 1) && !lua_toboolean(L, 1)) {
        forget_step_data(L);
        return 0;
    }
    repl_model_check(L, 1);
    lua_settop(L, 4);
    nn_tensor *t[2];
    for (int k = 0; k < 2; k++) {       /* tables become tensors, in place */
        char what[64];
        snprintf(what, sizeof what, "argument #%d to 'viz.step_mode'", k + 2);
        t[k] = repl_tensor_from_arg(L, k + 2, what);
        if (lua_gettop(L) > 4)
            lua_replace(L, k + 2);
    }
    nn_tensor *x = t[0], *y = t[1];
    if (x->ndim < 1 || y->ndim < 1 || x->shape[0] != y->shape[0] || x->shape[0] < 1)
        return luaL_error(L, "viz.step_mode: x and y must have the same number of rows "
                          "(samples), at least one");
    int batch = 32;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 4)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
            if (strcmp(k, "batch_size") != 0)
                return luaL_error(L, "viz.step_mode: unknown option '%s' (options: batch_size)",
                                  k);
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
                return luaL_error(L, "viz.step_mode: batch_size must be a whole number >= 1");
            batch = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
    }
    lua_settop(L, 3);
    if (!viz_is_open() || viz_model() != repl_model_check(L, 1)) {
        lua_pushcfunction(L, l_show);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 0);
    }
    forget_step_data(L);
    lua_pushvalue(L, 3);
    step_y = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, 2);
    step_x = luaL_ref(L, LUA_REGISTRYINDEX);
    step_batch = batch;
    step_row = 0;
    return 0;
}

/* The next stage for the model shown: model:step() while a step is under way,
** else model:step(x, y) on the next batch of viz.step_mode's data. Returns
** model:step's table, and a line saying what it did. */
static int step_next(lua_State *L)
{
    if (model_ref == LUA_NOREF || !viz_model())
        return luaL_error(L, "viz.step: no model shown: call viz.step_mode(model, x, y)");
    int kind, node, under_way = 0;
    if (!viz_stage_info(&kind, &node, &under_way))
        under_way = 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, model_ref);
    int model = lua_gettop(L);
    lua_getfield(L, model, "step");
    lua_pushvalue(L, model);
    int nargs = 1;
    if (!under_way) {
        if (step_x == LUA_NOREF)
            return luaL_error(L, "viz.step: nothing to step through: call "
                              "viz.step_mode(model, x, y) first, or start a step with "
                              "model:step(x, y)");
        lua_rawgeti(L, LUA_REGISTRYINDEX, step_x);
        lua_rawgeti(L, LUA_REGISTRYINDEX, step_y);
        const nn_tensor *x = repl_tensor_from_arg(L, -2, "viz.step_mode's x");
        int n = x->shape[0];
        int first = step_row % n, last = first + step_batch < n ? first + step_batch : n;
        step_row = last % n;
        for (int k = 0; k < 2; k++) {       /* x:slice(first + 1, last), then y's */
            lua_getfield(L, -2 + k, "slice");
            lua_pushvalue(L, -3 + k);
            lua_pushinteger(L, first + 1);
            lua_pushinteger(L, last);
            lua_call(L, 3, 1);
            lua_replace(L, -3 + k);
        }
        nargs = 3;
    }
    lua_call(L, nargs, 1);
    int t = lua_gettop(L);
    lua_getfield(L, t, "stage");
    lua_getfield(L, t, "name");
    lua_getfield(L, t, "loss");
    const char *stage = lua_tostring(L, -3), *name = lua_tostring(L, -2);
    char num[40];
    if (name)
        lua_pushfstring(L, "%s \xc2\xb7 %s", stage ? stage : "?", name);
    else if (lua_isnumber(L, -1))
        lua_pushfstring(L, "%s \xc2\xb7 loss %s", stage ? stage : "?",
                        viz_fmt_num(num, sizeof num, lua_tonumber(L, -1)));
    else
        lua_pushstring(L, stage ? stage : "?");
    lua_replace(L, -4);
    lua_pop(L, 2);
    return 2;
}

/* The '.' key: returns the line to print. */
static int run_step(lua_State *L)
{
    lua_pushcfunction(L, step_next);
    lua_call(L, 0, 2);
    return 1;
}

/* viz.step(): the next stage, as '.' in the window */
static int l_step(lua_State *L)
{
    lua_pushcfunction(L, step_next);
    lua_call(L, 0, 1);
    return 1;
}

static const struct viz_doc {
    const char *name, *signature, *text, *example;
} docs[] = {
    {"show", "viz.show(model [, {width = 1280, height = 800, fps = 30}])",
     "Opens the window on model: network, weights, activations, loss, sample and, when\n"
     "they apply, decision boundary and feature maps. It follows fit live and stays\n"
     "responsive at the prompt. With --headless or no display nothing opens, but\n"
     "viz.snapshot still renders every panel.",
     "viz.show(model)"},
    {"close", "viz.close()", "Closes the window. Training and the session go on.", NULL},
    {"is_open", "viz.is_open()", "true while the window (or its headless canvas) is open.",
     NULL},
    {"panel", "viz.panel(name)",
     "Shows one panel alone: \"network\", \"weights\", \"activations\", \"loss\", \"sample\",\n"
     "\"boundary\", \"features\", \"formula\"; \"dashboard\" (or no name) shows them all.\n"
     "Returns false and the reason when the panel does not apply to this model. Keys\n"
     "1-8 and Tab do the same in the window.",
     "viz.panel(\"weights\")"},
    {"select", "viz.select{layer = i, unit = j}",
     "Selects a layer (number from 1, or name) and a unit in it; every panel follows.\n"
     "In the window: arrows, or a click on a node, tile or column.",
     "viz.show(model)\nviz.select{layer = 1, unit = 2}"},
    {"sample", "viz.sample(x [, label])",
     "Shows input x (one sample) instead of the last batch's: the network's activations\n"
     "and the prediction follow it as training goes. viz.sample(i) picks the i-th sample\n"
     "of the last batch; viz.sample() goes back.",
     "viz.show(model)  -- a model on 3 inputs\nviz.sample(nn.tensor{0.5, 0.1, 0.9}, 1)"},
    {"points", "viz.points(x, y)",
     "The points the decision boundary draws (x with 2 columns, y the classes); by\n"
     "default the points of the batches it has seen.", NULL},
    {"classes", "viz.classes{names...}",
     "Names for the output classes, shown by the sample panel and the network's\n"
     "output layer.",
     "viz.classes{\"T-shirt/top\", \"Trouser\", \"Pullover\", \"Dress\", \"Coat\",\n"
     "  \"Sandal\", \"Shirt\", \"Sneaker\", \"Bag\", \"Ankle boot\"}"},
    {"snapshot", "viz.snapshot(\"file.png\" [, panel])",
     "Saves what the window shows (or one panel alone) as a PNG at the window's size;\n"
     "works headless too.",
     "viz.show(model)\nviz.snapshot(\"/tmp/weights.png\", \"weights\")"},
    {"fps", "viz.fps(n)", "Redraws at most n times a second (30 by default).", NULL},
    {"step_mode", "viz.step_mode(model, x, y [, {batch_size = 32}])",
     "Shows model and lets the . key (or viz.step()) step through training one stage\n"
     "at a time: forward through each layer, the loss, backward, the update. Each new\n"
     "step takes the next batch_size rows of x, y. The formula panel (key 8) shows the\n"
     "stage's formula with its numbers. viz.step_mode(false) ends it.",
     "local x = nn.tensor{{0, 1}, {1, 0}}\nlocal y = nn.tensor{{1}, {0}}\n"
     "local m = nn.Sequential{nn.Dense{1, activation = \"sigmoid\", input_dim = 2}}\n"
     "m:compile{optimizer = \"adam\", loss = \"binary_crossentropy\"}\n"
     "viz.step_mode(m, x, y)\nprint(viz.step().stage)"},
    {"step", "viz.step()",
     "The next stage of a training step of the model shown, as the . key does: the\n"
     "rest of a step begun with model:step(x, y), or a new one on viz.step_mode's\n"
     "data. Returns what model:step returns.",
     "local x = nn.tensor{{0, 1}, {1, 0}}\nlocal y = nn.tensor{{1}, {0}}\n"
     "local m = nn.Sequential{nn.Dense{1, activation = \"sigmoid\", input_dim = 2}}\n"
     "m:compile{optimizer = \"sgd\", loss = \"binary_crossentropy\"}\n"
     "viz.step_mode(m, x, y)\nfor _ = 1, 4 do print(viz.step().stage) end"},
    {"pause", "viz.pause([on])",
     "Pauses training at the next batch (viz.pause(false) resumes), like space in the\n"
     "window; n steps one batch.", NULL},
};

int luaopen_viz(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"show", l_show},       {"close", l_close},     {"is_open", l_is_open},
        {"panel", l_panel},     {"select", l_select},   {"sample", l_sample},
        {"points", l_points},   {"classes", l_classes}, {"snapshot", l_snapshot},
        {"fps", l_fps},         {"pause", l_pause},     {"step_mode", l_step_mode},
        {"step", l_step},       {NULL, NULL},
    };
    luaL_newlib(L, fns);
    repl_doc(L, -1, "viz", "viz",
             "The window: viz.show(model), then panel, select, sample, snapshot, fps, close,\n"
             "is_open, classes, points, pause, step_mode, step. Keys in the window: space\n"
             "pause, n step a batch, . step a stage, s save, 1-8 and Tab panels, arrows layer\n"
             "and unit, [ ] sample, l log scale, x stop training.",
             "viz.show(model)");
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "viz.%s", docs[i].name);
        lua_getfield(L, -1, docs[i].name);
        repl_doc(L, -1, name, docs[i].signature, docs[i].text, docs[i].example);
        lua_pop(L, 1);
    }
    return 1;
}
