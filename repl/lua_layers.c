/* repl/lua_layers.c — layer constructors (nn.layers.*), regularizers, losses and
** optimizers as Lua objects. Thin: each reads Keras's keyword arguments and calls
** the C core's constructor. */
#include "lua_model.h"

#include <lauxlib.h>
#include <string.h>

#include "lua_options.h"
#include "lua_tensor.h"

#define LAYER_MT "nn.Layer"
#define OPTIMIZER_MT "nn.Optimizer"
#define REGULARIZER_MT "nn.Regularizer"
#define LOSS_MT "nn.Loss"

/* ------------------------------------------------------------ layer object */

repl_layer *repl_layer_check(lua_State *L, int idx)
{
    repl_layer *u = luaL_checkudata(L, idx, LAYER_MT);
    if (!u->layer)
        luaL_argerror(L, idx, "this layer is gone: adding it to a model failed, which freed "
                      "it (make a new layer)");
    return u;
}

void repl_layer_push(lua_State *L, nn_layer *l)
{
    repl_layer *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->layer = l;
    u->owned = 0;
    luaL_setmetatable(L, LAYER_MT);
}

static int layer_gc(lua_State *L)
{
    repl_layer *u = luaL_checkudata(L, 1, LAYER_MT);
    if (!u->owned)
        nn_layer_free(u->layer);
    u->layer = NULL;
    return 0;
}

static int layer_tostring(lua_State *L)
{
    repl_layer *u = repl_layer_check(L, 1);
    nn_layer *l = u->layer;
    char shape[96] = "?";
    if (l->built)
        nn_shape_str(shape, sizeof shape, &l->out_shape);
    lua_pushfstring(L, "<%s '%s': output %s, %d params%s>", l->ops->type, l->name, shape,
                    (int)nn_layer_param_count(l), l->built ? "" : ", not built yet");
    return 1;
}

static void push_shape(lua_State *L, const nn_shape *s)
{
    lua_createtable(L, s->ndim, 0);
    for (int i = 0; i < s->ndim; i++) {
        lua_pushinteger(L, s->dim[i]);
        lua_rawseti(L, -2, i + 1);
    }
}

static int layer_get_weights(lua_State *L)
{
    nn_layer *l = repl_layer_check(L, 1)->layer;
    lua_createtable(L, l->n_params, 0);
    for (int i = 0; i < l->n_params; i++) {
        nn_error err;
        nn_tensor *t = nn_tensor_clone(l->params[i].value, &err);
        if (!t)
            return luaL_error(L, "%s", err.msg);
        repl_tensor_push(L, t);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* Copy a list of tensors into l's parameters, checking count and shapes.
** Exposed to lua_model.c through the layer's method table. */
static int layer_set_weights(lua_State *L)
{
    nn_layer *l = repl_layer_check(L, 1)->layer;
    luaL_checktype(L, 2, LUA_TTABLE);
    int n = (int)luaL_len(L, 2);
    if (!l->built)
        return luaL_error(L, "set_weights: layer '%s' is not built yet (add it to a model with a "
                          "known input shape first)", l->name);
    if (n != l->n_params)
        return luaL_error(L, "set_weights: layer '%s' has %d weights, got a list of %d", l->name,
                          l->n_params, n);
    for (int i = 0; i < n; i++) {
        lua_geti(L, 2, i + 1);
        nn_tensor *t = repl_tensor_from_arg(L, -1, "set_weights");
        nn_tensor *dst = l->params[i].value;
        if (t->size != dst->size || !nn_tensor_same_shape(t, dst)) {
            char a[96], b[96];
            return luaL_error(L, "set_weights: weight %d (%s) of layer '%s' has shape %s, got %s",
                              i + 1, l->params[i].name, l->name,
                              nn_shape_format(a, sizeof a, dst->ndim, dst->shape),
                              nn_shape_format(b, sizeof b, t->ndim, t->shape));
        }
        for (size_t j = 0; j < t->size; j++)
            nn_tensor_f32(dst)[j] = nn_tensor_get(t, j);
        lua_settop(L, 2);
    }
    return 0;
}

static int layer_count_params(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)nn_layer_param_count(repl_layer_check(L, 1)->layer));
    return 1;
}

static int layer_index(lua_State *L)
{
    nn_layer *l = repl_layer_check(L, 1)->layer;
    const char *key = luaL_checkstring(L, 2);
    if (luaL_getmetafield(L, 1, "__methods") != LUA_TNIL) {
        if (lua_getfield(L, -1, key) != LUA_TNIL)
            return 1;
    }
    if (strcmp(key, "name") == 0)
        lua_pushstring(L, l->name);
    else if (strcmp(key, "type") == 0)
        lua_pushstring(L, l->ops->type);
    else if (strcmp(key, "built") == 0)
        lua_pushboolean(L, l->built);
    else if (strcmp(key, "output_shape") == 0 && l->built)
        push_shape(L, &l->out_shape);
    else if (strcmp(key, "input_shape") == 0 && l->built)
        push_shape(L, &l->in_shape[0]);
    else if (strcmp(key, "activation") == 0)
        lua_pushstring(L, nn_activation_name(l->act.kind));
    else if (!repl_custom_layer_field(L, l, key))
        lua_pushnil(L);
    return 1;
}

/* -------------------------------------------------- common layer arguments */

static int read_shape(lua_State *L, int idx, nn_shape *s, const char *fname)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    int n = (int)luaL_len(L, idx);
    if (n < 1 || n > NN_MAX_DIMS - 1)
        return luaL_error(L, "%s: input_shape has 1 to %d dimensions, got %d", fname,
                          NN_MAX_DIMS - 1, n);
    s->ndim = n;
    for (int i = 0; i < n; i++) {
        lua_geti(L, idx, i + 1);
        int ok;
        lua_Integer v = lua_tointegerx(L, -1, &ok);
        lua_pop(L, 1);
        if (!ok || v < 1 || v > 1 << 28)
            return luaL_error(L, "%s: input_shape[%d] must be a positive integer", fname, i + 1);
        s->dim[i] = (int)v;
    }
    return 0;
}

/* name, input_shape, input_dim: accepted by every layer, as in Keras. */
void repl_layer_apply_common(lua_State *L, int opts, nn_layer *l, const char *fname)
{
    if (lua_isnoneornil(L, opts))
        return;
    const char *name = repl_opt_string(L, opts, fname, "name", NULL);
    if (name)
        snprintf(l->name, sizeof l->name, "%s", name);
    if (lua_getfield(L, opts, "input_shape") != LUA_TNIL)
        read_shape(L, lua_gettop(L), &l->input_hint, fname);
    lua_pop(L, 1);
    lua_Integer dim = repl_opt_integer(L, opts, fname, "input_dim", 0);
    if (dim < 0 || dim > 1 << 28)
        luaL_error(L, "%s: input_dim must be a positive integer", fname);
    if (dim > 0) {
        l->input_hint.ndim = 1;
        l->input_hint.dim[0] = (int)dim;
    }
}

nn_activation repl_layer_read_activation(lua_State *L, int opts, const char *fname)
{
    nn_activation act = {NN_ACT_LINEAR, 0.0f};
    const char *name = repl_opt_string(L, opts, fname, "activation", NULL);
    nn_error err;
    if (name && nn_activation_parse(name, &act, &err) != NN_OK)
        luaL_error(L, "%s: %s", fname, err.msg);
    return act;
}

nn_initializer repl_layer_read_initializer(lua_State *L, int opts, const char *fname,
                                       const char *key, nn_init_kind def)
{
    nn_initializer init = {def, 0.0f, 0.0f};
    const char *name = repl_opt_string(L, opts, fname, key, NULL);
    nn_error err;
    if (name && nn_init_parse(name, &init, &err) != NN_OK)
        luaL_error(L, "%s: %s: %s", fname, key, err.msg);
    return init;
}

nn_regularizer repl_layer_read_regularizer(lua_State *L, int opts, const char *fname,
                                       const char *key)
{
    nn_regularizer r = {0.0f, 0.0f};
    if (lua_isnoneornil(L, opts) || lua_getfield(L, opts, key) == LUA_TNIL) {
        if (!lua_isnoneornil(L, opts))
            lua_pop(L, 1);
        return r;
    }
    if (!luaL_testudata(L, -1, REGULARIZER_MT) && !lua_istable(L, -1))
        luaL_error(L, "%s: %s must be a regularizer such as nn.regularizers.l2(0.01)", fname,
                   key);
    lua_getfield(L, -1, "l1");
    r.l1 = (float)lua_tonumber(L, -1);
    lua_getfield(L, -2, "l2");
    r.l2 = (float)lua_tonumber(L, -1);
    lua_pop(L, 3);
    return r;
}

/* The first positional value, or the named one: Dense{32} or Dense{units = 32}. */
lua_Integer repl_layer_positional_int(lua_State *L, int opts, const char *fname,
                                       const char *key)
{
    lua_geti(L, opts, 1);
    int has_pos = !lua_isnil(L, -1);
    int ok = 1;
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    if (has_pos && !ok)
        luaL_error(L, "%s: %s must be an integer", fname, key);
    if (!has_pos)
        v = repl_opt_integer(L, opts, fname, key, -1);
    if (v < 1 || v > 1 << 24)
        luaL_error(L, "%s: %s must be a positive integer (got %s)", fname, key,
                   v == -1 ? "none" : lua_pushfstring(L, "%d", (int)v));
    return v;
}

static const char *const dense_options[] = {
    "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
    "kernel_regularizer", "bias_regularizer", "activity_regularizer", "input_dim",
    "input_shape", "name", NULL,
};

static int new_dense(lua_State *L)
{
    const char *f = "Dense";
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, f, dense_options, 1);
    nn_dense_options o = nn_dense_defaults((int)repl_layer_positional_int(L, 1, f, "units"));
    o.activation = repl_layer_read_activation(L, 1, f);
    o.use_bias = repl_opt_boolean(L, 1, f, "use_bias", 1);
    o.kernel_initializer = repl_layer_read_initializer(L, 1, f, "kernel_initializer",
                                            NN_INIT_GLOROT_UNIFORM);
    o.bias_initializer = repl_layer_read_initializer(L, 1, f, "bias_initializer", NN_INIT_ZEROS);
    o.kernel_regularizer = repl_layer_read_regularizer(L, 1, f, "kernel_regularizer");
    o.bias_regularizer = repl_layer_read_regularizer(L, 1, f, "bias_regularizer");
    o.activity_regularizer = repl_layer_read_regularizer(L, 1, f, "activity_regularizer");
    nn_error err;
    nn_layer *l = nn_dense_new(&o, &err);
    if (!l)
        return luaL_error(L, "%s", err.msg);
    repl_layer_push(L, l);
    repl_layer_apply_common(L, 1, repl_layer_check(L, -1)->layer, f);
    return 1;
}

/* ------------------------------------------------------------ regularizers */

static void push_regularizer(lua_State *L, double l1, double l2)
{
    lua_createtable(L, 0, 2);
    lua_pushnumber(L, l1);
    lua_setfield(L, -2, "l1");
    lua_pushnumber(L, l2);
    lua_setfield(L, -2, "l2");
    luaL_setmetatable(L, REGULARIZER_MT);
}

/* Keras: l1(l1=0.01), l2(l2=0.01), l1_l2(l1=0.01, l2=0.01) */
static int reg_l1(lua_State *L) { push_regularizer(L, luaL_optnumber(L, 1, 0.01), 0); return 1; }
static int reg_l2(lua_State *L) { push_regularizer(L, 0, luaL_optnumber(L, 1, 0.01)); return 1; }
static int reg_l1_l2(lua_State *L)
{
    static const char *const known[] = {"l1", "l2", NULL};
    repl_check_options(L, 1, "l1_l2", known, 0);
    push_regularizer(L, repl_opt_number(L, 1, "l1_l2", "l1", 0.01),
                     repl_opt_number(L, 1, "l1_l2", "l2", 0.01));
    return 1;
}

static int reg_tostring(lua_State *L)
{
    lua_getfield(L, 1, "l1");
    lua_getfield(L, 1, "l2");
    lua_pushfstring(L, "<Regularizer l1=%f l2=%f>", lua_tonumber(L, -2), lua_tonumber(L, -1));
    return 1;
}

/* ----------------------------------------------------------------- losses */

/* nn.losses.CategoricalCrossentropy{from_logits = true} etc. */
static int new_loss(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    static const char *const known[] = {"from_logits", "name", "reduction", NULL};
    repl_check_options(L, 1, name, known, 0);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushboolean(L, repl_opt_boolean(L, 1, name, "from_logits", 0));
    lua_setfield(L, -2, "from_logits");
    luaL_setmetatable(L, LOSS_MT);
    return 1;
}

void repl_loss_from_arg(lua_State *L, int idx, nn_loss *out)
{
    nn_error err;
    const char *name = NULL;
    int from_logits = 0;
    idx = lua_absindex(L, idx);     /* fields are pushed below */
    if (lua_istable(L, idx) && repl_custom_loss_from_arg(L, idx, out))
        return;
    if (lua_type(L, idx) == LUA_TSTRING) {
        name = lua_tostring(L, idx);
    } else if (luaL_testudata(L, idx, LOSS_MT) || lua_istable(L, idx)) {
        lua_getfield(L, idx, "name");
        lua_getfield(L, idx, "from_logits");
        name = lua_tostring(L, -2);
        from_logits = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    if (!name)
        luaL_error(L, "compile: loss must be a name such as 'categorical_crossentropy' or an "
                   "object from nn.losses, got %s", luaL_typename(L, idx));
    if (nn_loss_parse(name, out, &err) != NN_OK)
        luaL_error(L, "compile: %s", err.msg);
    out->from_logits = from_logits;
    lua_pushnil(L);
}

static int loss_tostring(lua_State *L)
{
    lua_getfield(L, 1, "name");
    lua_getfield(L, 1, "from_logits");
    lua_pushfstring(L, "<Loss %s%s>", lua_tostring(L, -2),
                    lua_toboolean(L, -1) ? " from_logits" : "");
    return 1;
}

/* ------------------------------------------------------------- optimizers */

typedef struct repl_optimizer { nn_optimizer *o; int owned; } repl_optimizer;

static const char *const optimizer_options[] = {
    "learning_rate", "momentum", "nesterov", "rho", "beta_1", "beta_2", "epsilon",
    "initial_accumulator_value", "amsgrad", "centered", "name", NULL,
};

static void set_hyper(lua_State *L, nn_optimizer *o, const char *key, int value_idx)
{
    const char *f = nn_optim_name(o);
    if (lua_type(L, value_idx) != LUA_TNUMBER && lua_type(L, value_idx) != LUA_TBOOLEAN)
        luaL_error(L, "%s: %s must be a number", f, key);
    double v = lua_type(L, value_idx) == LUA_TBOOLEAN ? lua_toboolean(L, value_idx)
                                                      : lua_tonumber(L, value_idx);
    if (strcmp(key, "learning_rate") == 0 || strcmp(key, "lr") == 0) {
        if (!(v >= 0))
            luaL_error(L, "%s: learning_rate must be >= 0", f);
        o->learning_rate = (float)v;
    } else if (strcmp(key, "momentum") == 0) o->momentum = (float)v;
    else if (strcmp(key, "nesterov") == 0) o->nesterov = v != 0;
    else if (strcmp(key, "rho") == 0) o->rho = (float)v;
    else if (strcmp(key, "beta_1") == 0) o->beta_1 = (float)v;
    else if (strcmp(key, "beta_2") == 0) o->beta_2 = (float)v;
    else if (strcmp(key, "epsilon") == 0) o->epsilon = (float)v;
    else if (strcmp(key, "initial_accumulator_value") == 0) o->initial_accumulator_value = (float)v;
    else if (strcmp(key, "amsgrad") == 0) o->amsgrad = v != 0;
    else if (strcmp(key, "centered") == 0) o->centered = v != 0;
    else
        luaL_error(L, "%s has no hyperparameter '%s'", f, key);
}

static int new_optimizer(lua_State *L)
{
    lua_settop(L, 1);       /* the userdata pushed below must not be taken for argument 1 */
    nn_optim_kind kind = (nn_optim_kind)lua_tointeger(L, lua_upvalueindex(1));
    if (lua_type(L, 1) == LUA_TNUMBER) {    /* SGD(0.1) as Keras: the learning rate */
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 1);
    }
    int has_options = !lua_isnoneornil(L, 1);
    nn_error err;
    nn_optimizer *o = nn_optim_new(kind, &err);
    if (!o)
        return luaL_error(L, "%s", err.msg);
    repl_optimizer *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->o = o;
    u->owned = 0;
    luaL_setmetatable(L, OPTIMIZER_MT);
    if (has_options) {
        repl_check_options(L, 1, nn_optim_name(o), optimizer_options, 1);
        lua_geti(L, 1, 1);                  /* SGD(0.1): the learning rate, positionally */
        if (!lua_isnil(L, -1))
            set_hyper(L, o, "learning_rate", lua_gettop(L));
        lua_pop(L, 1);
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "name") != 0)
                set_hyper(L, o, lua_tostring(L, -2), lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    return 1;
}

/* The optimizer at idx; an argument error once its __gc ran (Lua code may call it). */
static nn_optimizer *check_optimizer(lua_State *L, int idx)
{
    repl_optimizer *u = luaL_checkudata(L, idx, OPTIMIZER_MT);
    if (!u->o)
        luaL_argerror(L, idx, "the optimizer was freed");
    return u->o;
}

static int optimizer_gc(lua_State *L)
{
    repl_optimizer *u = luaL_checkudata(L, 1, OPTIMIZER_MT);
    if (!u->owned)
        nn_optim_free(u->o);
    u->o = NULL;
    return 0;
}

static int optimizer_index(lua_State *L)
{
    nn_optimizer *o = check_optimizer(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "learning_rate") == 0 || strcmp(k, "lr") == 0) lua_pushnumber(L, o->learning_rate);
    else if (strcmp(k, "momentum") == 0) lua_pushnumber(L, o->momentum);
    else if (strcmp(k, "nesterov") == 0) lua_pushboolean(L, o->nesterov);
    else if (strcmp(k, "rho") == 0) lua_pushnumber(L, o->rho);
    else if (strcmp(k, "beta_1") == 0) lua_pushnumber(L, o->beta_1);
    else if (strcmp(k, "beta_2") == 0) lua_pushnumber(L, o->beta_2);
    else if (strcmp(k, "epsilon") == 0) lua_pushnumber(L, o->epsilon);
    else if (strcmp(k, "iterations") == 0) lua_pushinteger(L, o->iterations);
    else if (strcmp(k, "amsgrad") == 0) lua_pushboolean(L, o->amsgrad);
    else if (strcmp(k, "name") == 0) lua_pushstring(L, nn_optim_name(o));
    else lua_pushnil(L);
    return 1;
}

static int optimizer_newindex(lua_State *L)
{
    nn_optimizer *o = check_optimizer(L, 1);
    set_hyper(L, o, luaL_checkstring(L, 2), 3);
    return 0;
}

static int optimizer_tostring(lua_State *L)
{
    nn_optimizer *o = check_optimizer(L, 1);
    char lr[32];
    snprintf(lr, sizeof lr, "%g", o->learning_rate);
    lua_pushfstring(L, "<%s learning_rate=%s, %d steps>", nn_optim_name(o), lr,
                    (int)o->iterations);
    return 1;
}

/* A fresh nn_optimizer with the same hyperparameters (state is not copied). */
static nn_optimizer *copy_optimizer(lua_State *L, const nn_optimizer *src)
{
    nn_error err;
    nn_optimizer *o = nn_optim_new(src->kind, &err);
    if (!o)
        luaL_error(L, "%s", err.msg);
    nn_optimizer keep = *o;
    *o = *src;
    o->slots = NULL;
    o->n_params = 0;
    o->iterations = 0;
    o->nadam_mu_product = keep.nadam_mu_product;
    return o;
}

nn_optimizer *repl_optimizer_from_arg(lua_State *L, int idx)
{
    nn_error err;
    if (lua_type(L, idx) == LUA_TSTRING) {
        nn_optimizer *o = nn_optim_by_name(lua_tostring(L, idx), &err);
        if (!o)
            luaL_error(L, "compile: %s", err.msg);
        lua_pushnil(L);
        return o;
    }
    repl_optimizer *u = luaL_testudata(L, idx, OPTIMIZER_MT);
    if (!u || !u->o)
        luaL_error(L, "compile: optimizer must be a name such as 'adam' or an object such as "
                   "nn.optimizers.Adam{learning_rate = 0.001}, got %s", luaL_typename(L, idx));
    if (u->o->kind == NN_OPT_CUSTOM)
        return repl_custom_optimizer_copy(L, idx, u->o);
    nn_optimizer *o = copy_optimizer(L, u->o);
    lua_pushnil(L);
    return o;
}

void repl_optimizer_push(lua_State *L, nn_optimizer *o)
{
    repl_optimizer *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->o = o;
    u->owned = 0;
    luaL_setmetatable(L, OPTIMIZER_MT);
}

/* Wrap the model's own optimizer so `model.optimizer.learning_rate = x` acts
** on it; the wrapper keeps the model (at model_idx) alive. */
void repl_optimizer_push_owned(lua_State *L, nn_optimizer *o, int model_idx);
void repl_optimizer_push_owned(lua_State *L, nn_optimizer *o, int model_idx)
{
    repl_optimizer *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->o = o;
    u->owned = 1;
    luaL_setmetatable(L, OPTIMIZER_MT);
    lua_pushvalue(L, model_idx);
    lua_setiuservalue(L, -2, 1);
}

/* ------------------------------------------------------------------ tables */

static const luaL_Reg layer_methods[] = {
    {"get_weights", layer_get_weights},
    {"set_weights", layer_set_weights},
    {"count_params", layer_count_params},
    {NULL, NULL},
};

static const luaL_Reg layer_meta[] = {
    {"__gc", layer_gc},
    {"__tostring", layer_tostring},
    {"__index", layer_index},
    {NULL, NULL},
};

static const luaL_Reg layer_constructors[] = {
    {"Dense", new_dense},
    {NULL, NULL},
};

static void set_constructor_table(lua_State *L, int nn, const char *name, const luaL_Reg *fns)
{
    if (lua_getfield(L, nn, name) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, nn, name);
    }
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}

void repl_open_layers(lua_State *L, int nn)
{
    luaL_newmetatable(L, LAYER_MT);
    luaL_setfuncs(L, layer_meta, 0);
    luaL_newlib(L, layer_methods);
    lua_setfield(L, -2, "__methods");
    lua_pop(L, 1);

    luaL_newmetatable(L, REGULARIZER_MT);
    lua_pushcfunction(L, reg_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_newmetatable(L, LOSS_MT);
    lua_pushcfunction(L, loss_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_newmetatable(L, OPTIMIZER_MT);
    lua_pushcfunction(L, optimizer_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, optimizer_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, optimizer_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, optimizer_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    set_constructor_table(L, nn, "layers", layer_constructors);
    repl_open_toolbox(L, nn);
    /* short aliases: nn.Dense == nn.layers.Dense */
    for (const luaL_Reg *r = layer_constructors; r->name; r++) {
        lua_getfield(L, nn, "layers");
        lua_getfield(L, -1, r->name);
        lua_setfield(L, nn, r->name);
        lua_pop(L, 1);
    }

    static const luaL_Reg regs[] = {{"l1", reg_l1}, {"l2", reg_l2}, {"l1_l2", reg_l1_l2},
                                    {NULL, NULL}};
    set_constructor_table(L, nn, "regularizers", regs);

    lua_newtable(L);
    static const char *const loss_classes[][2] = {
        {"MeanSquaredError", "mean_squared_error"},
        {"MeanAbsoluteError", "mean_absolute_error"},
        {"CategoricalCrossentropy", "categorical_crossentropy"},
        {"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"},
        {"BinaryCrossentropy", "binary_crossentropy"},
    };
    for (size_t i = 0; i < sizeof loss_classes / sizeof loss_classes[0]; i++) {
        lua_pushstring(L, loss_classes[i][1]);
        lua_pushcclosure(L, new_loss, 1);
        lua_setfield(L, -2, loss_classes[i][0]);
    }
    lua_setfield(L, nn, "losses");

    lua_newtable(L);
    for (int k = 0; k < NN_OPT_CUSTOM; k++) {
        nn_optimizer probe = {.kind = (nn_optim_kind)k};
        lua_pushinteger(L, k);
        lua_pushcclosure(L, new_optimizer, 1);
        lua_setfield(L, -2, nn_optim_name(&probe));
    }
    lua_setfield(L, nn, "optimizers");
}
