/* repl/lua_custom.c — layers written in Lua, as Keras's subclassed layers:
**
**   local Scale = nn.Layer:extend("Scale")
**   function Scale:init(factor) self.factor = factor end
**   function Scale:build(input_shape) self.w = self:add_weight{shape = {input_shape[1]}} end
**   function Scale:call(x) return x * self.w.value * self.factor end
**   function Scale:backward(x, grad)
**     self.w.grad = (grad * x * self.factor):sum(1)
**     return grad * self.w.value * self.factor
**   end
**   local layer = Scale(2)
**
** The C side is an nn_layer whose ops call those methods under lua_pcall, so a
** Lua error becomes an nn_error and never jumps through the core. */
#include "lua_model.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_options.h"
#include "lua_tensor.h"

typedef struct lua_layer {
    lua_State *L;
    int self;               /* registry reference to the instance table */
    char type[48];
} lua_layer;

static const nn_layer_ops *custom_ops(void);

/* Push the instance table and its method `name`; returns 0 (and pushes
** nothing) if the method is missing. */
static int push_method(lua_layer *c, const char *name)
{
    lua_rawgeti(c->L, LUA_REGISTRYINDEX, c->self);
    if (lua_getfield(c->L, -1, name) != LUA_TFUNCTION) {
        lua_pop(c->L, 2);
        return 0;
    }
    lua_insert(c->L, -2);       /* function, self */
    return 1;
}

void repl_push_tensor_view(lua_State *L, const nn_tensor *t)
{
    nn_error err;
    nn_tensor *v = nn_tensor_reshape(t, t->ndim, t->shape, &err);
    repl_tensor_push(L, v);
}

nn_status repl_take_tensor_result(lua_State *L, const char *who, nn_tensor *dst, nn_error *err)
{
    nn_tensor *t = repl_tensor_test(L, -1);
    char a[96], b[96];
    if (!t) {
        nn_status st = nn_error_set(err, NN_EARG, "%s must return a tensor, got %s", who,
                                    luaL_typename(L, -1));
        lua_pop(L, 1);
        return st;
    }
    if (!nn_tensor_same_shape(t, dst)) {
        nn_status st = nn_error_set(err, NN_ESHAPE, "%s returned shape %s, expected %s", who,
                                    nn_shape_format(a, sizeof a, t->ndim, t->shape),
                                    nn_shape_format(b, sizeof b, dst->ndim, dst->shape));
        lua_pop(L, 1);
        return st;
    }
    for (size_t i = 0; i < t->size; i++)
        nn_tensor_f32(dst)[i] = nn_tensor_get(t, i);
    lua_pop(L, 1);
    return NN_OK;
}

static void push_view(lua_State *L, const nn_tensor *t)
{
    repl_push_tensor_view(L, t);
}

static nn_status call_failed(lua_layer *c, nn_layer *l, const char *method, nn_error *err)
{
    nn_status st = nn_error_set(err, NN_EARG, "layer '%s' (%s): %s failed: %s", l->name,
                                c->type, method, lua_tostring(c->L, -1));
    lua_pop(c->L, 1);
    return st;
}

/* The result on top of the stack must be a tensor of dst's shape; copy it. */
static nn_status take_result(lua_layer *c, nn_layer *l, const char *method, nn_tensor *dst,
                             nn_error *err)
{
    char who[160];
    snprintf(who, sizeof who, "layer '%s' (%s): %s", l->name, c->type, method);
    return repl_take_tensor_result(c->L, who, dst, err);
}

/* build(input_shape); then the output shape is found by calling call() on one
** sample of zeros, as Keras infers shapes by tracing call(). */
static nn_status custom_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    lua_layer *c = l->impl;
    lua_State *L = c->L;
    const nn_shape *in = &l->in_shape[0];
    lua_pushlightuserdata(L, rng);
    lua_setfield(L, LUA_REGISTRYINDEX, "nn.build_rng");
    if (push_method(c, "build")) {
        lua_createtable(L, in->ndim, 0);
        for (int i = 0; i < in->ndim; i++) {
            lua_pushinteger(L, in->dim[i]);
            lua_rawseti(L, -2, i + 1);
        }
        if (lua_pcall(L, 2, 0, 0) != LUA_OK)
            return call_failed(c, l, "build", err);
    }
    int dims[NN_MAX_DIMS];
    int nd = nn_shape_with_batch(in, 1, dims);
    nn_tensor *probe = nn_tensor_new(NN_F32, nd, dims, err);
    if (!probe)
        return err ? err->code : NN_ENOMEM;
    if (!push_method(c, "call")) {
        nn_tensor_free(probe);
        return nn_error_set(err, NN_EARG, "layer '%s' (%s) has no call(x) method", l->name,
                            c->type);
    }
    repl_tensor_push(L, probe);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK)
        return call_failed(c, l, "call", err);
    nn_tensor *out = repl_tensor_test(L, -1);
    if (!out || out->ndim < 2 || out->shape[0] != 1) {
        lua_pop(L, 1);
        return nn_error_set(err, NN_ESHAPE, "layer '%s' (%s): call must return a tensor with "
                            "the batch first (one row per input row)", l->name, c->type);
    }
    l->out_shape.ndim = out->ndim - 1;
    for (int i = 1; i < out->ndim; i++)
        l->out_shape.dim[i - 1] = out->shape[i];
    lua_pop(L, 1);
    return NN_OK;
}

static nn_status custom_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                                int training, nn_error *err)
{
    lua_layer *c = l->impl;
    if (!push_method(c, "call"))
        return nn_error_set(err, NN_EARG, "layer '%s' has no call method", l->name);
    push_view(c->L, x[0]);
    lua_pushboolean(c->L, training);
    if (lua_pcall(c->L, 3, 1, 0) != LUA_OK)
        return call_failed(c, l, "call", err);
    return take_result(c, l, "call", y, err);
}

/* Add each weight's .grad (set by the Lua backward) into the parameter's grad. */
static nn_status collect_grads(lua_layer *c, nn_layer *l, nn_error *err)
{
    lua_State *L = c->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->self);
    lua_getfield(L, -1, "__weights");
    for (int k = 0; k < l->n_params; k++) {
        lua_geti(L, -1, k + 1);
        lua_getfield(L, -1, "grad");
        nn_tensor *g = repl_tensor_test(L, -1);
        nn_tensor *dst = l->params[k].grad;
        if (g && g->size == dst->size) {
            for (size_t i = 0; i < g->size; i++)
                nn_tensor_f32(dst)[i] += nn_tensor_get(g, i);
        } else if (l->params[k].trainable) {
            char a[96];
            nn_status st = nn_error_set(err, NN_ESHAPE, "layer '%s' (%s): backward must set "
                                        "the weight '%s'.grad to a tensor of shape %s",
                                        l->name, c->type, l->params[k].name,
                                        nn_shape_format(a, sizeof a, dst->ndim, dst->shape));
            lua_pop(L, 4);
            return st;
        }
        lua_pushnil(L);
        lua_setfield(L, -3, "grad");
        lua_pop(L, 2);
    }
    lua_pop(L, 2);
    return NN_OK;
}

static nn_status custom_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                                 const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    lua_layer *c = l->impl;
    if (!push_method(c, "backward"))
        return nn_error_set(err, NN_EARG, "layer '%s' (%s) has no backward(x, grad) method: "
                            "write one to train it", l->name, c->type);
    push_view(c->L, x[0]);
    push_view(c->L, dy);
    if (lua_pcall(c->L, 3, 1, 0) != LUA_OK)
        return call_failed(c, l, "backward", err);
    nn_status st = NN_OK;
    if (dx[0])
        st = take_result(c, l, "backward", dx[0], err);
    else
        lua_pop(c->L, 1);
    if (st == NN_OK)
        st = collect_grads(c, l, err);
    return st;
}

static void custom_destroy(nn_layer *l)
{
    lua_layer *c = l->impl;
    luaL_unref(c->L, LUA_REGISTRYINDEX, c->self);
    free(c);
}

static const nn_layer_ops lua_layer_ops = {
    .type = "Layer",
    .build = custom_build,
    .forward = custom_forward,
    .backward = custom_backward,
    .destroy = custom_destroy,
};

static const nn_layer_ops *custom_ops(void) { return &lua_layer_ops; }

/* self:add_weight{shape = {...}, initializer = "glorot_uniform", name = "kernel",
** trainable = true} -> {value = tensor (shared with the layer), name = ...} */
static int add_weight(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    static const char *const known[] = {"shape", "initializer", "name", "trainable",
                                        "regularizer", NULL};
    repl_check_options(L, 2, "add_weight", known, 0);
    lua_getfield(L, 1, "__layer");
    repl_layer *u = repl_layer_check(L, -1);
    nn_layer *l = u->layer;
    lua_pop(L, 1);
    if (lua_getfield(L, 2, "shape") != LUA_TTABLE)
        return luaL_error(L, "add_weight: shape = {...} is required");
    int shape[NN_MAX_DIMS], nd = (int)luaL_len(L, -1);
    if (nd < 1 || nd > NN_MAX_DIMS)
        return luaL_error(L, "add_weight: shape has 1 to %d dimensions", NN_MAX_DIMS);
    for (int i = 0; i < nd; i++) {
        lua_geti(L, -1, i + 1);
        shape[i] = (int)luaL_checkinteger(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    nn_initializer init = {NN_INIT_GLOROT_UNIFORM, 0, 0};
    nn_error err;
    const char *iname = repl_opt_string(L, 2, "add_weight", "initializer", "glorot_uniform");
    if (nn_init_parse(iname, &init, &err) != NN_OK)
        return luaL_error(L, "add_weight: %s", err.msg);
    const char *name = repl_opt_string(L, 2, "add_weight", "name", "weight");
    int fan_in = nd >= 2 ? shape[nd - 2] : shape[0], fan_out = shape[nd - 1];
    for (int i = 0; i < nd - 2; i++) {
        fan_in *= shape[i];
        fan_out *= shape[i];
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "nn.build_rng");
    nn_rng *rng = lua_touserdata(L, -1);
    lua_pop(L, 1);
    nn_rng fallback;
    if (!rng) {
        nn_rng_seed(&fallback, 42);
        rng = &fallback;
    }
    nn_param *p = nn_layer_add_param(l, name, nd, shape, init, fan_in, fan_out, rng, &err);
    if (!p)
        return luaL_error(L, "add_weight: %s", err.msg);
    p->trainable = repl_opt_boolean(L, 2, "add_weight", "trainable", 1);
    lua_createtable(L, 0, 3);
    push_view(L, p->value);
    lua_setfield(L, -2, "value");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_getfield(L, 1, "__weights");
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
    lua_pop(L, 1);
    return 1;
}

/* Class(...) -> a layer: a new instance table, init(...), an nn_layer around it. */
static int instantiate(lua_State *L)
{
    int cls = 1, nargs = lua_gettop(L) - 1;
    lua_getfield(L, cls, "__type");
    const char *type = lua_tostring(L, -1);
    lua_pop(L, 1);
    lua_createtable(L, 0, 4);
    int self = lua_gettop(L);
    lua_pushvalue(L, cls);
    lua_setmetatable(L, self);
    lua_newtable(L);
    lua_setfield(L, self, "__weights");
    lua_pushcfunction(L, add_weight);
    lua_setfield(L, self, "add_weight");
    if (lua_getfield(L, self, "init") == LUA_TFUNCTION) {
        lua_pushvalue(L, self);
        for (int i = 0; i < nargs; i++)
            lua_pushvalue(L, 2 + i);
        lua_call(L, nargs + 1, 0);
    } else {
        lua_pop(L, 1);
    }
    lua_layer *c = calloc(1, sizeof *c);
    if (!c)
        return luaL_error(L, "out of memory");
    c->L = L;
    snprintf(c->type, sizeof c->type, "%s", type ? type : "Layer");
    nn_error err;
    char prefix[48];
    size_t n = 0;
    for (const char *s = c->type; *s && n + 2 < sizeof prefix; s++) {   /* MyLayer -> my_layer */
        if (*s >= 'A' && *s <= 'Z') {
            if (n > 0)
                prefix[n++] = '_';
            prefix[n++] = (char)(*s - 'A' + 'a');
        } else {
            prefix[n++] = *s;
        }
    }
    prefix[n] = '\0';
    nn_layer *l = nn_layer_alloc(custom_ops(), prefix, c, &err);
    if (!l) {
        free(c);
        return luaL_error(L, "%s", err.msg);
    }
    lua_pushvalue(L, self);
    c->self = luaL_ref(L, LUA_REGISTRYINDEX);
    repl_layer_push(L, l);
    lua_pushvalue(L, -1);
    lua_setfield(L, self, "__layer");
    if (lua_getfield(L, self, "input_shape") == LUA_TTABLE) {
        int k = (int)luaL_len(L, -1);
        l->input_hint.ndim = k < NN_MAX_DIMS ? k : NN_MAX_DIMS - 1;
        for (int i = 0; i < l->input_hint.ndim; i++) {
            lua_geti(L, -1, i + 1);
            l->input_hint.dim[i] = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return 1;
}

/* nn.Layer:extend("Name") -> a class table; calling it makes layers. */
static int extend(lua_State *L)
{
    const char *name = luaL_checkstring(L, 2);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__type");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, instantiate);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    return 1;
}

int repl_custom_layer_field(lua_State *L, const nn_layer *l, const char *key)
{
    if (l->ops != &lua_layer_ops)
        return 0;
    const lua_layer *c = l->impl;
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->self);
    lua_getfield(L, -1, key);
    lua_remove(L, -2);
    return 1;
}

void repl_open_custom(lua_State *L, int nn)
{
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, extend);
    lua_setfield(L, -2, "extend");
    lua_setfield(L, nn, "Layer");
}
