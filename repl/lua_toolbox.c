/* repl/lua_toolbox.c — Lua constructors for the layers beyond Dense (Conv2D,
** pooling, Flatten, Reshape, Dropout, activation layers, BatchNormalization, Add,
** Concatenate) and nn.gradcheck. Each reads Keras's keyword arguments and calls
** the C core's constructor; common arguments (name, input_shape, input_dim) are
** applied by repl_layer_finish. */
#include "lua_model.h"

#include <lauxlib.h>
#include <string.h>

#include "lua_options.h"
#include "lua_tensor.h"

/* Push the layer (or raise the core's error), then apply the common arguments. */
static int finish(lua_State *L, nn_layer *l, const nn_error *err, const char *f)
{
    if (!l)
        return luaL_error(L, "%s: %s", f, err->msg);
    repl_layer_push(L, l);
    repl_layer_apply_common(L, 1, repl_layer_check(L, -1)->layer, f);
    return 1;
}

/* An integer or a pair {a, b}: kernel_size = 3 or {3, 3}. Positional slot
** `pos` (0: none) or field `key`; `def` when absent (def[0] < 0: required). */
static void read_pair(lua_State *L, int opts, const char *f, const char *key, int pos,
                      const int def[2], int out[2])
{
    int t = LUA_TNIL;
    if (pos > 0 && lua_istable(L, opts))
        t = lua_geti(L, opts, pos);
    else
        lua_pushnil(L);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        t = lua_istable(L, opts) ? lua_getfield(L, opts, key) : (lua_pushnil(L), LUA_TNIL);
    }
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        if (def[0] < 0)
            luaL_error(L, "%s: %s is required", f, key);
        out[0] = def[0];
        out[1] = def[1];
        return;
    }
    if (lua_isinteger(L, -1)) {
        out[0] = out[1] = (int)lua_tointeger(L, -1);
    } else if (lua_istable(L, -1) && luaL_len(L, -1) == 2) {
        for (int i = 0; i < 2; i++) {
            lua_geti(L, -1, i + 1);
            if (!lua_isinteger(L, -1))
                luaL_error(L, "%s: %s must be an integer or a pair of integers", f, key);
            out[i] = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
    } else {
        luaL_error(L, "%s: %s must be an integer or a pair of integers such as {3, 3}", f, key);
    }
    lua_pop(L, 1);
    if (out[0] < 1 || out[1] < 1 || out[0] > 1 << 16 || out[1] > 1 << 16)
        luaL_error(L, "%s: %s must be positive (got %d, %d)", f, key, out[0], out[1]);
}

static nn_padding read_padding(lua_State *L, int opts, const char *f)
{
    nn_padding p = NN_PADDING_VALID;
    nn_error err;
    const char *name = repl_opt_string(L, opts, f, "padding", "valid");
    if (nn_padding_parse(name, &p, &err) != NN_OK)
        luaL_error(L, "%s: %s", f, err.msg);
    return p;
}

/* ---------------------------------------------------------------- Conv2D */

static const char *const conv_options[] = {
    "filters", "kernel_size", "strides", "padding", "activation", "use_bias",
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "input_shape", "name", NULL,
};

static int new_conv2d(lua_State *L)
{
    const char *f = "Conv2D";
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, f, conv_options, 2);
    int filters = (int)repl_layer_positional_int(L, 1, f, "filters");
    int k[2], s[2];
    const int required[2] = {-1, -1}, ones[2] = {1, 1};
    read_pair(L, 1, f, "kernel_size", 2, required, k);
    read_pair(L, 1, f, "strides", 0, ones, s);
    nn_conv2d_options o = nn_conv2d_defaults(filters, k[0], k[1]);
    o.strides[0] = s[0];
    o.strides[1] = s[1];
    o.padding = read_padding(L, 1, f);
    o.activation = repl_layer_read_activation(L, 1, f);
    o.use_bias = repl_opt_boolean(L, 1, f, "use_bias", 1);
    o.kernel_initializer = repl_layer_read_initializer(L, 1, f, "kernel_initializer",
                                                       NN_INIT_GLOROT_UNIFORM);
    o.bias_initializer = repl_layer_read_initializer(L, 1, f, "bias_initializer",
                                                     NN_INIT_ZEROS);
    o.kernel_regularizer = repl_layer_read_regularizer(L, 1, f, "kernel_regularizer");
    o.bias_regularizer = repl_layer_read_regularizer(L, 1, f, "bias_regularizer");
    o.activity_regularizer = repl_layer_read_regularizer(L, 1, f, "activity_regularizer");
    nn_error err;
    return finish(L, nn_conv2d_new(&o, &err), &err, f);
}

/* --------------------------------------------------------------- pooling */

static const char *const pool_options[] = {"pool_size", "strides", "padding", "input_shape",
                                           "name", NULL};

static int new_pool(lua_State *L, const char *f, int max)
{
    lua_settop(L, 1);           /* MaxPooling2D() as well as MaxPooling2D{...} */
    if (lua_isnil(L, 1)) {
        lua_newtable(L);
        lua_replace(L, 1);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, f, pool_options, 1);
    int p[2], s[2];
    const int two[2] = {2, 2}, none[2] = {0, 0};
    read_pair(L, 1, f, "pool_size", 1, two, p);
    lua_getfield(L, 1, "strides");
    int has_strides = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (has_strides)
        read_pair(L, 1, f, "strides", 0, two, s);
    else
        memcpy(s, none, sizeof s);
    nn_pool2d_options o = nn_pool2d_defaults(p[0], p[1]);
    o.strides[0] = s[0];
    o.strides[1] = s[1];
    o.padding = read_padding(L, 1, f);
    nn_error err;
    return finish(L, max ? nn_max_pooling2d_new(&o, &err) : nn_average_pooling2d_new(&o, &err),
                  &err, f);
}

static int new_max_pooling2d(lua_State *L) { return new_pool(L, "MaxPooling2D", 1); }
static int new_average_pooling2d(lua_State *L) { return new_pool(L, "AveragePooling2D", 0); }

static const char *const global_options[] = {"keepdims", "input_shape", "name", NULL};

static int new_global_pool(lua_State *L, const char *f, int max)
{
    repl_check_options(L, 1, f, global_options, 0);
    nn_global_pool2d_options o = {repl_opt_boolean(L, 1, f, "keepdims", 0)};
    nn_error err;
    return finish(L, max ? nn_global_max_pooling2d_new(&o, &err)
                         : nn_global_average_pooling2d_new(&o, &err), &err, f);
}

static int new_gap(lua_State *L) { return new_global_pool(L, "GlobalAveragePooling2D", 0); }
static int new_gmp(lua_State *L) { return new_global_pool(L, "GlobalMaxPooling2D", 1); }

/* --------------------------------------------------- shape-only layers */

static const char *const plain_options[] = {"input_shape", "name", NULL};

static int new_flatten(lua_State *L)
{
    repl_check_options(L, 1, "Flatten", plain_options, 0);
    nn_error err;
    return finish(L, nn_flatten_new(&err), &err, "Flatten");
}

static const char *const reshape_options[] = {"target_shape", "input_shape", "name", NULL};

static int new_reshape(lua_State *L)
{
    const char *f = "Reshape";
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, f, reshape_options, 1);
    if (lua_geti(L, 1, 1) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_getfield(L, 1, "target_shape");
    }
    if (!lua_istable(L, -1))
        return luaL_error(L, "Reshape: target_shape = {...} is required, e.g. "
                          "nn.Reshape{{28, 28, 1}}");
    nn_reshape_options o;
    memset(&o, 0, sizeof o);
    o.ndim = (int)luaL_len(L, -1);
    if (o.ndim < 1 || o.ndim > NN_MAX_DIMS - 1)
        return luaL_error(L, "Reshape: target_shape has 1 to %d dimensions", NN_MAX_DIMS - 1);
    for (int i = 0; i < o.ndim; i++) {
        lua_geti(L, -1, i + 1);
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "Reshape: target_shape[%d] must be an integer", i + 1);
        o.target_shape[i] = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    nn_error err;
    return finish(L, nn_reshape_new(&o, &err), &err, f);
}

/* -------------------------------------------------------------- Dropout */

static const char *const dropout_options[] = {"rate", "seed", "input_shape", "name", NULL};

static int new_dropout(lua_State *L)
{
    const char *f = "Dropout";
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, f, dropout_options, 1);
    lua_Number rate;
    if (lua_geti(L, 1, 1) == LUA_TNUMBER)
        rate = lua_tonumber(L, -1);
    else
        rate = repl_opt_number(L, 1, f, "rate", -1);
    lua_pop(L, 1);
    if (!(rate >= 0 && rate < 1))
        return luaL_error(L, "Dropout: rate must be in [0, 1), e.g. nn.Dropout{0.5}");
    nn_dropout_options o = nn_dropout_defaults((float)rate);
    o.seed = repl_opt_integer(L, 1, f, "seed", -1);
    nn_error err;
    return finish(L, nn_dropout_new(&o, &err), &err, f);
}

/* ---------------------------------------------------- activation layers */

static const char *const activation_options[] = {"activation", "input_shape", "name", NULL};

static int new_activation(lua_State *L)
{
    const char *f = "Activation";
    if (lua_type(L, 1) == LUA_TSTRING) {     /* nn.Activation("relu") as well */
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 1);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    repl_check_options(L, 1, f, activation_options, 1);
    const char *name = NULL;
    if (lua_geti(L, 1, 1) == LUA_TSTRING)
        name = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (!name)
        name = repl_opt_string(L, 1, f, "activation", NULL);
    if (!name)
        return luaL_error(L, "Activation: give the function's name, e.g. nn.Activation{\"relu\"}");
    nn_activation act;
    nn_error err;
    if (nn_activation_parse(name, &act, &err) != NN_OK)
        return luaL_error(L, "Activation: %s", err.msg);
    return finish(L, nn_activation_layer_new(act, &err), &err, f);
}

static const char *const alpha_options[] = {"alpha", "negative_slope", "input_shape", "name",
                                            NULL};

static int new_leaky_relu(lua_State *L)
{
    repl_check_options(L, 1, "LeakyReLU", alpha_options, 0);
    double alpha = repl_opt_number(L, 1, "LeakyReLU", "alpha", 0.3);
    alpha = repl_opt_number(L, 1, "LeakyReLU", "negative_slope", alpha);
    nn_error err;
    return finish(L, nn_leaky_relu_new((float)alpha, &err), &err, "LeakyReLU");
}

static int new_elu(lua_State *L)
{
    repl_check_options(L, 1, "ELU", alpha_options, 0);
    nn_error err;
    return finish(L, nn_elu_new((float)repl_opt_number(L, 1, "ELU", "alpha", 1.0), &err), &err,
                  "ELU");
}

static int new_relu(lua_State *L)
{
    repl_check_options(L, 1, "ReLU", plain_options, 0);
    nn_error err;
    return finish(L, nn_relu_new(&err), &err, "ReLU");
}

static int new_softmax(lua_State *L)
{
    repl_check_options(L, 1, "Softmax", plain_options, 0);
    nn_error err;
    return finish(L, nn_softmax_layer_new(&err), &err, "Softmax");
}

/* --------------------------------------------------- BatchNormalization */

static const char *const bn_options[] = {"axis", "momentum", "epsilon", "center", "scale",
                                         "input_shape", "name", NULL};

static int new_batchnorm(lua_State *L)
{
    const char *f = "BatchNormalization";
    repl_check_options(L, 1, f, bn_options, 0);
    nn_batchnorm_options o = nn_batchnorm_defaults();
    o.axis = (int)repl_opt_integer(L, 1, f, "axis", -1);
    o.momentum = (float)repl_opt_number(L, 1, f, "momentum", o.momentum);
    o.epsilon = (float)repl_opt_number(L, 1, f, "epsilon", o.epsilon);
    o.center = repl_opt_boolean(L, 1, f, "center", 1);
    o.scale = repl_opt_boolean(L, 1, f, "scale", 1);
    nn_error err;
    return finish(L, nn_batchnorm_new(&o, &err), &err, f);
}

/* ---------------------------------------------------------- merge layers */

static int new_add(lua_State *L)
{
    repl_check_options(L, 1, "Add", plain_options, 0);
    nn_error err;
    return finish(L, nn_add_new(&err), &err, "Add");
}

static const char *const concat_options[] = {"axis", "name", NULL};

static int new_concatenate(lua_State *L)
{
    repl_check_options(L, 1, "Concatenate", concat_options, 0);
    nn_concatenate_options o = {(int)repl_opt_integer(L, 1, "Concatenate", "axis", -1)};
    nn_error err;
    return finish(L, nn_concatenate_new(&o, &err), &err, "Concatenate");
}

/* ------------------------------------------------------------- gradcheck */

/* nn.gradcheck(layer, x) -> report table {worst = e, input = e, kernel = e, ...}
** plus a printed table; compares backprop with central finite differences. */
static int gradcheck(lua_State *L)
{
    repl_layer *u = repl_layer_check(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #2 to 'gradcheck'");
    nn_tensor *xf = NULL;
    nn_error err;
    if (x->dtype != NN_F32) {
        xf = nn_tensor_to_f32(x, &err);
        if (!xf)
            return luaL_error(L, "%s", err.msg);
        repl_tensor_push(L, xf);
        x = xf;
    }
    nn_gradcheck_report r;
    if (nn_gradcheck_layer(u->layer, x, repl_rng(L), &r, &err) != NN_OK)
        return luaL_error(L, "gradcheck: %s", err.msg);
    lua_createtable(L, 0, r.n + 1);
    for (int i = 0; i < r.n; i++) {
        lua_pushnumber(L, r.entry[i].worst);
        lua_setfield(L, -2, r.entry[i].name);
    }
    lua_pushnumber(L, r.worst);
    lua_setfield(L, -2, "worst");
    lua_pushboolean(L, r.worst < 1e-2);
    lua_setfield(L, -2, "ok");
    return 1;
}

static const luaL_Reg constructors[] = {
    {"Conv2D", new_conv2d},
    {"MaxPooling2D", new_max_pooling2d},
    {"AveragePooling2D", new_average_pooling2d},
    {"GlobalAveragePooling2D", new_gap},
    {"GlobalMaxPooling2D", new_gmp},
    {"Flatten", new_flatten},
    {"Reshape", new_reshape},
    {"Dropout", new_dropout},
    {"Activation", new_activation},
    {"LeakyReLU", new_leaky_relu},
    {"ELU", new_elu},
    {"ReLU", new_relu},
    {"Softmax", new_softmax},
    {"BatchNormalization", new_batchnorm},
    {"Add", new_add},
    {"Concatenate", new_concatenate},
    {NULL, NULL},
};

void repl_open_toolbox(lua_State *L, int nn)
{
    lua_getfield(L, nn, "layers");
    for (const luaL_Reg *r = constructors; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, r->name);
        lua_setfield(L, nn, r->name);       /* nn.Conv2D == nn.layers.Conv2D */
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, gradcheck);
    lua_setfield(L, nn, "gradcheck");
}
