/* repl/lua_functional.c — Keras's functional API: nn.Input{shape = ...} makes a
** symbolic tensor, calling a layer on symbolic tensors records a node, and
** nn.Model{inputs = ..., outputs = ...} turns the recorded graph into a model. */
#include "lua_model.h"

#include <lauxlib.h>
#include <string.h>

#include "lua_options.h"

#define SYMBOLIC_MT "nn.KerasTensor"

/* A symbolic tensor is a Lua table: {input = k-name} for an Input, or
** {layer = <nn.Layer>, inputs = {sym, ...}} for a layer's output. */

static int is_symbolic(lua_State *L, int idx)
{
    if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
        return 0;
    luaL_getmetatable(L, SYMBOLIC_MT);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

static const char *const input_options[] = {"shape", "name", "batch_size", "dtype", NULL};

static int new_input(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, "Input", input_options, 0);
    if (lua_getfield(L, 1, "shape") != LUA_TTABLE)
        return luaL_error(L, "Input: shape = {...} is required, e.g. nn.Input{shape = {784}}");
    int n = (int)luaL_len(L, -1);
    if (n < 1 || n > NN_MAX_DIMS - 1)
        return luaL_error(L, "Input: shape has 1 to %d dimensions, got %d", NN_MAX_DIMS - 1, n);
    for (int i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
            return luaL_error(L, "Input: shape[%d] must be a positive integer", i);
        lua_pop(L, 1);
    }
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "shape");
    lua_pushstring(L, repl_opt_string(L, 1, "Input", "name", "input"));
    lua_setfield(L, -2, "name");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "is_input");
    luaL_setmetatable(L, SYMBOLIC_MT);
    return 1;
}

/* layer(sym) or layer({sym1, sym2}) for merge layers */
static int layer_call(lua_State *L)
{
    repl_layer *u = repl_layer_check(L, 1);
    if (u->owned)
        return luaL_error(L, "layer '%s' already belongs to a model (shared layers are not "
                          "supported: make a new layer)", u->layer->name);
    lua_getiuservalue(L, 1, 1);
    if (!lua_isnil(L, -1))
        return luaL_error(L, "layer '%s' was already called on an input: each layer can be "
                          "used once in a graph", u->layer->name);
    lua_pop(L, 1);
    lua_createtable(L, 1, 0);
    int inputs = lua_gettop(L);
    if (is_symbolic(L, 2)) {
        lua_pushvalue(L, 2);
        lua_rawseti(L, inputs, 1);
    } else if (lua_istable(L, 2)) {
        int n = (int)luaL_len(L, 2);
        if (n < 1 || n > NN_MAX_INPUTS)
            return luaL_error(L, "layer '%s': expects 1 to %d inputs, got %d", u->layer->name,
                              NN_MAX_INPUTS, n);
        for (int i = 1; i <= n; i++) {
            lua_geti(L, 2, i);
            if (!is_symbolic(L, -1))
                return luaL_error(L, "layer '%s': input %d is not a symbolic tensor (make one "
                                  "with nn.Input{shape = {...}})", u->layer->name, i);
            lua_rawseti(L, inputs, i);
        }
    } else {
        return luaL_error(L, "layer '%s' called on %s: call it on nn.Input{...} or on another "
                          "layer's output (to run it on data, put it in a model)",
                          u->layer->name, luaL_typename(L, 2));
    }
    lua_pushboolean(L, 1);
    lua_setiuservalue(L, 1, 1);     /* marks "called"; replaced by the model when adopted */
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "layer");
    lua_pushvalue(L, inputs);
    lua_setfield(L, -2, "inputs");
    luaL_setmetatable(L, SYMBOLIC_MT);
    return 1;
}

/* ------------------------------------------------------------ nn.Model */

typedef struct graph {
    lua_State *L;
    nn_model *m;
    int model;          /* stack index of the model userdata */
    int inputs;         /* stack index of the list of Input symbols */
    int seen;           /* stack index: symbol -> node index (or -1 - k for inputs) */
    int visiting;       /* stack index: symbols on the current DFS path */
} graph;

/* Add the node for the symbol on top of the stack (and its ancestors first);
** returns its source index for nn_model_add_node. */
static int add_symbol(graph *g)
{
    lua_State *L = g->L;
    int sym = lua_gettop(L);
    lua_pushvalue(L, sym);
    if (lua_rawget(L, g->seen) != LUA_TNIL) {
        int idx = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
        return idx;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, sym, "is_input") != LUA_TNIL) {
        lua_getfield(L, sym, "name");
        return luaL_error(L, "Model: the outputs depend on Input '%s', which is not in inputs "
                          "(a disconnected input)", lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    lua_pushvalue(L, sym);
    if (lua_rawget(L, g->visiting) != LUA_TNIL)
        return luaL_error(L, "Model: the graph has a cycle");
    lua_pop(L, 1);
    lua_pushvalue(L, sym);
    lua_pushboolean(L, 1);
    lua_rawset(L, g->visiting);

    lua_getfield(L, sym, "inputs");
    int list = lua_gettop(L);
    int n = (int)luaL_len(L, list), src[NN_MAX_INPUTS];
    for (int i = 0; i < n; i++) {
        lua_geti(L, list, i + 1);
        src[i] = add_symbol(g);
        lua_pop(L, 1);
    }
    lua_getfield(L, sym, "layer");
    int layer = lua_gettop(L);
    repl_layer *u = repl_layer_check(L, layer);
    if (u->owned)
        return luaL_error(L, "Model: layer '%s' already belongs to another model",
                          u->layer->name);
    nn_error err;
    u->owned = 1;       /* the model owns it from here, even when adding fails */
    int idx = nn_model_add_node(g->m, u->layer, n, src, &err);
    if (idx < 0) {
        u->layer = NULL;
        return luaL_error(L, "%s", err.msg);
    }
    repl_model_adopt_layer(L, g->model, layer);
    lua_settop(L, sym);
    lua_pushvalue(L, sym);
    lua_pushinteger(L, idx);
    lua_rawset(L, g->seen);
    return idx;
}

/* Push a list of symbols from a single symbol or a list. */
static int symbol_list(lua_State *L, int idx, const char *what)
{
    if (is_symbolic(L, idx)) {
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, idx);
        lua_rawseti(L, -2, 1);
    } else if (lua_istable(L, idx) && luaL_len(L, idx) > 0) {
        lua_pushvalue(L, idx);
    } else {
        return luaL_error(L, "Model: %s must be a symbolic tensor or a list of them", what);
    }
    return lua_gettop(L);
}

static const char *const model_options[] = {"inputs", "outputs", "name", NULL};

static int new_model(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, "Model", model_options, 0);
    lua_getfield(L, 1, "inputs");
    int inputs = symbol_list(L, lua_gettop(L), "inputs");
    lua_getfield(L, 1, "outputs");
    int outputs = symbol_list(L, lua_gettop(L), "outputs");
    int n_in = (int)luaL_len(L, inputs), n_out = (int)luaL_len(L, outputs);
    if (n_in > 1 || n_out > 1)
        return luaL_error(L, "Model: %d inputs and %d outputs given; this version trains models "
                          "with one input and one output (branches and merges inside are fine)",
                          n_in, n_out);
    graph g;
    g.L = L;
    g.model = repl_model_push_new(L, "model");
    g.m = repl_model_check(L, g.model);
    lua_newtable(L);
    g.seen = lua_gettop(L);
    lua_newtable(L);
    g.visiting = lua_gettop(L);
    g.inputs = inputs;
    for (int k = 0; k < n_in; k++) {
        lua_geti(L, inputs, k + 1);
        if (!is_symbolic(L, -1) || lua_getfield(L, -1, "is_input") == LUA_TNIL)
            return luaL_error(L, "Model: inputs[%d] must come from nn.Input{...}", k + 1);
        lua_pop(L, 1);
        lua_getfield(L, -1, "shape");
        nn_shape s = {(int)luaL_len(L, -1), {0}};
        for (int i = 0; i < s.ndim; i++) {
            lua_geti(L, -1, i + 1);
            s.dim[i] = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        nn_error err;
        if (nn_model_set_input(g.m, k, &s, &err) != NN_OK)
            return luaL_error(L, "Model: %s", err.msg);
        lua_pushinteger(L, -1 - k);
        lua_rawset(L, g.seen);
    }
    int out_nodes[NN_MAX_MODEL_IO];
    for (int k = 0; k < n_out; k++) {
        lua_geti(L, outputs, k + 1);
        if (!is_symbolic(L, -1))
            return luaL_error(L, "Model: outputs[%d] is not a symbolic tensor", k + 1);
        out_nodes[k] = add_symbol(&g);
        lua_pop(L, 1);
        if (out_nodes[k] < 0)
            return luaL_error(L, "Model: output %d is an Input itself; add at least one layer",
                              k + 1);
    }
    nn_error err;
    if (nn_model_set_outputs(g.m, n_out, out_nodes, &err) != NN_OK ||
        nn_model_build(g.m, &err) != NN_OK)
        return luaL_error(L, "Model: %s", err.msg);
    if (lua_getfield(L, 1, "name") == LUA_TSTRING) {
        lua_getiuservalue(L, g.model, 1);
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "name");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, g.model);
    return 1;
}

static int symbolic_tostring(lua_State *L)
{
    if (lua_getfield(L, 1, "is_input") != LUA_TNIL) {
        lua_getfield(L, 1, "name");
        lua_pushfstring(L, "<KerasTensor from Input '%s'>", lua_tostring(L, -1));
        return 1;
    }
    lua_getfield(L, 1, "layer");
    repl_layer *u = luaL_testudata(L, -1, "nn.Layer");
    lua_pushfstring(L, "<KerasTensor from layer '%s'>", u && u->layer ? u->layer->name : "?");
    return 1;
}

void repl_open_functional(lua_State *L, int nn)
{
    luaL_newmetatable(L, SYMBOLIC_MT);
    lua_pushcfunction(L, symbolic_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_getmetatable(L, "nn.Layer");
    lua_pushcfunction(L, layer_call);
    lua_setfield(L, -2, "__call");
    lua_pop(L, 1);
    lua_pushcfunction(L, new_input);
    lua_setfield(L, nn, "Input");
    lua_getfield(L, nn, "layers");
    lua_pushcfunction(L, new_input);
    lua_setfield(L, -2, "Input");
    lua_pop(L, 1);
    lua_pushcfunction(L, new_model);
    lua_setfield(L, nn, "Model");
    lua_getfield(L, nn, "models");
    lua_pushcfunction(L, new_model);
    lua_setfield(L, -2, "Model");
    lua_pop(L, 1);
}
