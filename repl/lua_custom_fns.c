/* repl/lua_custom_fns.c — activations, losses and optimizers written in Lua.
**
**   nn.Activation{fn = function(z) return a end, derivative = function(z, a) return da_dz end}
**   nn.losses.custom{name = "my_mse", fn = function(y_true, y_pred) return loss end,
**                    grad = function(y_true, y_pred) return dL_dpred end}
**   nn.optimizers.custom{name = "my_sgd", learning_rate = 0.01,
**                        update = function(w, g, state, t, lr) return w - lr * g end}
**
** The core calls them through its hooks (a layer's ops, NN_LOSS_CUSTOM,
** NN_OPT_CUSTOM); each call runs under lua_pcall, so a Lua error becomes an
** nn_error and never jumps through the core. They run on the main Lua thread,
** which lives as long as the session. */
#include "lua_model.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_options.h"
#include "lua_tensor.h"

#define CUSTOM_FN_MT "nn.CustomFunction"

/* The Lua side of a custom loss or optimizer: a registry reference to its
** spec table. The model keeps this userdata in its Lua table; the core holds a
** pointer to it as the hook's ud; its __gc drops the reference. */
typedef struct custom_fn {
    lua_State *L;           /* the main thread */
    int spec;               /* registry reference to {fn, grad} or {update, state} */
    nn_optimizer *opt;      /* a custom optimizer: the one it belongs to (for lr) */
    char name[48];
} custom_fn;

static lua_State *main_thread(lua_State *L)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    lua_State *T = lua_tothread(L, -1);
    lua_pop(L, 1);
    return T;
}

static int custom_fn_gc(lua_State *L)
{
    custom_fn *f = luaL_checkudata(L, 1, CUSTOM_FN_MT);
    if (f->spec != LUA_NOREF) {
        luaL_unref(L, LUA_REGISTRYINDEX, f->spec);
        f->spec = LUA_NOREF;
    }
    return 0;
}

/* Push a new custom_fn holding a reference to the table on top of the stack
** (which is popped). */
static custom_fn *push_custom_fn(lua_State *L, const char *name)
{
    int spec = luaL_ref(L, LUA_REGISTRYINDEX);
    custom_fn *f = lua_newuserdatauv(L, sizeof *f, 0);
    f->L = main_thread(L);
    f->spec = spec;
    f->opt = NULL;
    snprintf(f->name, sizeof f->name, "%s", name);
    luaL_setmetatable(L, CUSTOM_FN_MT);
    return f;
}

/* Push field `key` of f's spec table (a function); returns 0 when it is not one. */
static int push_spec_field(custom_fn *f, const char *key)
{
    lua_rawgeti(f->L, LUA_REGISTRYINDEX, f->spec);
    int t = lua_getfield(f->L, -1, key);
    lua_remove(f->L, -2);
    return t == LUA_TFUNCTION;
}

static nn_status pcall_failed(lua_State *L, const char *who, const char *fn, nn_error *err)
{
    nn_status st = nn_error_set(err, NN_EARG, "%s: %s failed: %s", who, fn,
                                lua_tostring(L, -1));
    lua_pop(L, 1);
    return st;
}

/* ------------------------------------------------------------------ losses */

/* L = fn(y_true, y_pred): a number, or a tensor whose mean is taken.
** dL/dpred = grad(y_true, y_pred): a tensor of pred's shape. */
static nn_status loss_call(void *ud, const nn_tensor *pred, const nn_tensor *target,
                           nn_tensor *grad, double *value, nn_error *err)
{
    custom_fn *f = ud;
    lua_State *L = f->L;
    int top = lua_gettop(L);
    char who[80];
    snprintf(who, sizeof who, "loss '%s'", f->name);
    nn_status st = NN_OK;
    push_spec_field(f, "fn");
    repl_push_tensor_view(L, target);
    repl_push_tensor_view(L, pred);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        st = pcall_failed(L, who, "fn", err);
        goto done;
    }
    nn_tensor *t = repl_tensor_test(L, -1);
    if (lua_type(L, -1) == LUA_TNUMBER) {
        *value = lua_tonumber(L, -1);
    } else if (t && t->size > 0) {
        double sum = 0.0;
        for (size_t i = 0; i < t->size; i++)
            sum += nn_tensor_get(t, i);
        *value = sum / (double)t->size;
    } else {
        st = nn_error_set(err, NN_EARG, "%s: fn must return a number or a non-empty tensor, "
                          "got %s", who, luaL_typename(L, -1));
        goto done;
    }
    lua_pop(L, 1);
    if (grad) {
        push_spec_field(f, "grad");
        repl_push_tensor_view(L, target);
        repl_push_tensor_view(L, pred);
        if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
            st = pcall_failed(L, who, "grad", err);
            goto done;
        }
        char what[120];
        snprintf(what, sizeof what, "%s: grad (dL/dy_pred, the shape of y_pred)", who);
        st = repl_take_tensor_result(L, what, grad, err);
    }
done:
    lua_settop(L, top);
    return st;
}

/* nn.losses.custom{name = ..., fn = ..., grad = ...} -> a loss object for compile. */
static int new_custom_loss(lua_State *L)
{
    static const char *const known[] = {"name", "fn", "grad", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, "losses.custom", known, 0);
    const char *name = repl_opt_string(L, 1, "losses.custom", "name", "custom_loss");
    lua_createtable(L, 0, 4);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "from_logits");
    const char *keys[] = {"fn", "grad"};
    for (int i = 0; i < 2; i++) {
        if (lua_getfield(L, 1, keys[i]) != LUA_TFUNCTION)
            return luaL_error(L, "losses.custom: %s = function(y_true, y_pred) is required",
                              keys[i]);
        lua_setfield(L, -2, keys[i]);
    }
    luaL_setmetatable(L, "nn.Loss");
    return 1;
}

int repl_custom_loss_from_arg(lua_State *L, int idx, nn_loss *out)
{
    idx = lua_absindex(L, idx);
    int has_fn = lua_getfield(L, idx, "fn") != LUA_TNIL;
    int has_grad = lua_getfield(L, idx, "grad") != LUA_TNIL;
    if (!has_fn && !has_grad) {
        lua_pop(L, 2);
        return 0;
    }
    if (!lua_isfunction(L, -2) || !lua_isfunction(L, -1))
        return luaL_error(L, "compile: a custom loss needs fn = function(y_true, y_pred) "
                          "(the batch-mean loss) and grad = function(y_true, y_pred) "
                          "(dL/dy_pred)");
    lua_createtable(L, 0, 2);
    lua_insert(L, -3);
    lua_setfield(L, -3, "grad");
    lua_setfield(L, -2, "fn");
    const char *name = "custom_loss";
    if (lua_getfield(L, idx, "name") == LUA_TSTRING)
        name = lua_tostring(L, -1);
    char keep[48];
    snprintf(keep, sizeof keep, "%s", name);
    lua_pop(L, 1);
    custom_fn *f = push_custom_fn(L, keep);
    memset(out, 0, sizeof *out);
    out->kind = NN_LOSS_CUSTOM;
    out->custom = loss_call;
    out->ud = f;
    snprintf(out->name, sizeof out->name, "%s", keep);
    return 1;
}

/* -------------------------------------------------------------- optimizers */

/* w = update(w, g, state, t, lr): the returned tensor (w's shape) is copied into
** the weight. w and g share the parameter's storage, so an update made in place
** (w:set(i, v)) counts too when update returns nothing. state is the
** parameter's own table, kept across steps; t the 1-based step. */
static nn_status optim_call(void *ud, nn_param *p, int index, long t, nn_error *err)
{
    custom_fn *f = ud;
    lua_State *L = f->L;
    int top = lua_gettop(L);
    char who[120];
    snprintf(who, sizeof who, "optimizer '%s' (weight '%s')", f->name, p->name);
    nn_status st = NN_OK;
    push_spec_field(f, "update");
    repl_push_tensor_view(L, p->value);
    repl_push_tensor_view(L, p->grad);
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->spec);
    lua_getfield(L, -1, "state");
    lua_remove(L, -2);
    if (lua_rawgeti(L, -1, index + 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, index + 1);
    }
    lua_remove(L, -2);
    lua_pushinteger(L, (lua_Integer)t);
    lua_pushnumber(L, f->opt ? f->opt->learning_rate : 0.0);
    if (lua_pcall(L, 5, 1, 0) != LUA_OK) {
        st = pcall_failed(L, who, "update", err);
        goto done;
    }
    if (!lua_isnil(L, -1)) {
        char what[160];
        snprintf(what, sizeof what, "%s: update", who);
        st = repl_take_tensor_result(L, what, p->value, err);
    }
done:
    lua_settop(L, top);
    return st;
}

/* nn.optimizers.custom{name = ..., learning_rate = 0.01, update = ...} */
static int new_custom_optimizer(lua_State *L)
{
    static const char *const known[] = {"name", "learning_rate", "update", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, "optimizers.custom", known, 0);
    if (lua_getfield(L, 1, "update") != LUA_TFUNCTION)
        return luaL_error(L, "optimizers.custom: update = function(w, g, state, t, lr) is "
                          "required");
    int update = lua_gettop(L);
    double lr = repl_opt_number(L, 1, "optimizers.custom", "learning_rate", 0.01);
    if (!(lr >= 0))
        return luaL_error(L, "optimizers.custom: learning_rate must be >= 0");
    const char *name = repl_opt_string(L, 1, "optimizers.custom", "name", "custom");
    nn_error err;
    nn_optimizer *o = nn_optim_new(NN_OPT_CUSTOM, &err);
    if (!o)
        return luaL_error(L, "%s", err.msg);
    o->learning_rate = (float)lr;
    snprintf(o->name, sizeof o->name, "%s", name);
    repl_optimizer_push(L, o);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, update);
    lua_setfield(L, -2, "update");
    lua_setiuservalue(L, -2, 1);
    return 1;
}

nn_optimizer *repl_custom_optimizer_copy(lua_State *L, int idx, const nn_optimizer *src)
{
    idx = lua_absindex(L, idx);
    lua_getiuservalue(L, idx, 1);
    if (!lua_istable(L, -1) || lua_getfield(L, -1, "update") != LUA_TFUNCTION)
        luaL_error(L, "compile: this custom optimizer has no update function");
    lua_createtable(L, 0, 2);
    lua_insert(L, -2);
    lua_setfield(L, -2, "update");
    lua_newtable(L);
    lua_setfield(L, -2, "state");           /* per parameter, by index */
    lua_remove(L, -2);
    custom_fn *f = push_custom_fn(L, src->name);
    nn_error err;
    nn_optimizer *o = nn_optim_new(NN_OPT_CUSTOM, &err);
    if (!o)
        luaL_error(L, "%s", err.msg);
    o->learning_rate = src->learning_rate;
    snprintf(o->name, sizeof o->name, "%s", src->name);
    o->custom = optim_call;
    o->ud = f;
    f->opt = o;
    return o;
}

/* ------------------------------------------------------------- activations */

typedef struct lua_activation {
    lua_State *L;
    int spec;               /* registry reference to {fn, derivative} */
} lua_activation;

static nn_status act_build(nn_layer *l, nn_rng *rng, nn_error *err)
{
    (void)rng;
    (void)err;
    l->out_shape = l->in_shape[0];
    return NN_OK;
}

static int push_act_fn(lua_activation *a, const char *key)
{
    lua_rawgeti(a->L, LUA_REGISTRYINDEX, a->spec);
    int t = lua_getfield(a->L, -1, key);
    lua_remove(a->L, -2);
    return t == LUA_TFUNCTION;
}

/* a = fn(z), elementwise               z, a: (B, ...)
** dL/dz = dL/da * derivative(z, a)     all of z's shape */
static nn_status act_forward(nn_layer *l, const nn_tensor *const *x, nn_tensor *y,
                             int training, nn_error *err)
{
    (void)training;
    lua_activation *a = l->impl;
    lua_State *L = a->L;
    int top = lua_gettop(L);
    char who[96];
    snprintf(who, sizeof who, "layer '%s' (Activation): fn", l->name);
    push_act_fn(a, "fn");
    repl_push_tensor_view(L, x[0]);
    nn_status st;
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        st = nn_error_set(err, NN_EARG, "%s failed: %s", who, lua_tostring(L, -1));
    else
        st = repl_take_tensor_result(L, who, y, err);
    lua_settop(L, top);
    return st;
}

static nn_status act_backward(nn_layer *l, const nn_tensor *const *x, const nn_tensor *y,
                              const nn_tensor *dy, nn_tensor *const *dx, nn_error *err)
{
    lua_activation *a = l->impl;
    lua_State *L = a->L;
    if (!dx[0])
        return NN_OK;
    int top = lua_gettop(L);
    char who[96];
    snprintf(who, sizeof who, "layer '%s' (Activation): derivative", l->name);
    push_act_fn(a, "derivative");
    repl_push_tensor_view(L, x[0]);
    repl_push_tensor_view(L, y);
    nn_status st;
    if (lua_pcall(L, 2, 1, 0) != LUA_OK)
        st = nn_error_set(err, NN_EARG, "%s failed: %s", who, lua_tostring(L, -1));
    else
        st = repl_take_tensor_result(L, who, dx[0], err);
    lua_settop(L, top);
    if (st != NN_OK)
        return st;
    float *d = nn_tensor_f32(dx[0]);
    const float *g = nn_tensor_f32(dy);
    for (size_t i = 0; i < dx[0]->size; i++)
        d[i] *= g[i];
    return NN_OK;
}

static void act_destroy(nn_layer *l)
{
    lua_activation *a = l->impl;
    luaL_unref(a->L, LUA_REGISTRYINDEX, a->spec);
    free(a);
}

static const nn_layer_ops lua_activation_ops = {
    .type = "LuaActivation",
    .build = act_build,
    .forward = act_forward,
    .backward = act_backward,
    .destroy = act_destroy,
};

/* nn.Activation{fn = ..., derivative = ..., name = nil, input_shape = nil}; any
** other call goes to the built-in nn.Activation (upvalue 1). */
static int new_activation(lua_State *L)
{
    if (!lua_istable(L, 1) || lua_getfield(L, 1, "fn") == LUA_TNIL) {
        lua_settop(L, lua_istable(L, 1) ? 1 : lua_gettop(L));
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
        return lua_gettop(L);
    }
    lua_pop(L, 1);
    static const char *const known[] = {"fn", "derivative", "name", "input_shape",
                                        "input_dim", NULL};
    repl_check_options(L, 1, "Activation", known, 0);
    lua_createtable(L, 0, 2);
    const char *keys[] = {"fn", "derivative"};
    for (int i = 0; i < 2; i++) {
        if (lua_getfield(L, 1, keys[i]) != LUA_TFUNCTION)
            return luaL_error(L, "Activation: %s", i == 0
                              ? "fn = function(z) return a end must be a function"
                              : "derivative = function(z, a) return da_dz end is required "
                                "with fn");
        lua_setfield(L, -2, keys[i]);
    }
    lua_activation *a = calloc(1, sizeof *a);
    if (!a)
        return luaL_error(L, "out of memory");
    a->L = main_thread(L);
    nn_error err;
    nn_layer *l = nn_layer_alloc(&lua_activation_ops, "activation", a, &err);
    if (!l) {
        free(a);
        return luaL_error(L, "Activation: %s", err.msg);
    }
    a->spec = luaL_ref(L, LUA_REGISTRYINDEX);
    repl_layer_push(L, l);
    repl_layer_apply_common(L, 1, l, "Activation");
    return 1;
}

void repl_open_custom_fns(lua_State *L, int nn)
{
    nn = lua_absindex(L, nn);
    luaL_newmetatable(L, CUSTOM_FN_MT);
    lua_pushcfunction(L, custom_fn_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);

    lua_getfield(L, nn, "losses");
    lua_pushcfunction(L, new_custom_loss);
    lua_setfield(L, -2, "custom");
    lua_pop(L, 1);
    lua_getfield(L, nn, "optimizers");
    lua_pushcfunction(L, new_custom_optimizer);
    lua_setfield(L, -2, "custom");
    lua_pop(L, 1);

    lua_getfield(L, nn, "Activation");
    lua_pushcclosure(L, new_activation, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, nn, "Activation");
    lua_getfield(L, nn, "layers");
    lua_insert(L, -2);
    lua_setfield(L, -2, "Activation");
    lua_pop(L, 1);
}
