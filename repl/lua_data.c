/* repl/lua_data.c — nn.datasets, nn.utils (data helpers), nn.preprocessing and
** nn.data: thin bindings over nn/datasets.h, nn/synth.h, nn/preprocess.h and
** nn/csv.h.
**
** Calls that draw random numbers take `seed` (or sklearn's `random_state`);
** without one they draw a seed from the session's generator (repl_rng, which
** nn.utils.set_random_seed reseeds), so a script gives the same data every run. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_nn.h"
#include "lua_options.h"
#include "lua_tensor.h"
#include "nn/nn.h"
#include "repl.h"

#define SCALER_MT "nn.StandardScaler"
#define MAX_ARRAYS 16

/* ---------------------------------------------------------------- helpers */

/* t[name] of the table at `parent` as a table, made if absent; left on the stack. */
static int subtable(lua_State *L, int parent, const char *name)
{
    if (lua_getfield(L, parent, name) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, parent, name);
    }
    return lua_gettop(L);
}

static void set_funcs(lua_State *L, int t, const luaL_Reg *fns)
{
    for (; fns->name; fns++) {
        lua_pushcfunction(L, fns->func);
        lua_setfield(L, t, fns->name);
    }
}

/* The seed of a random call: option `seed` or `random_state` (not both), else
** one drawn from the session (see the top of this file). */
static uint64_t opt_seed(lua_State *L, int opts, const char *fn)
{
    int has_seed = 0, has_state = 0;
    if (opts > 0 && lua_istable(L, opts)) {
        has_seed = lua_getfield(L, opts, "seed") != LUA_TNIL;
        has_state = lua_getfield(L, opts, "random_state") != LUA_TNIL;
        lua_pop(L, 2);
    }
    if (has_seed && has_state)
        luaL_error(L, "%s: give seed or random_state, not both", fn);
    if (has_seed || has_state)
        return (uint64_t)repl_opt_integer(L, opts, fn, has_seed ? "seed" : "random_state", 0);
    nn_rng *r = repl_rng(L);
    uint64_t hi = nn_rng_u32(r);
    return hi << 32 | nn_rng_u32(r);
}

/* An integer option that must lie in [lo, hi]. */
static int opt_int_range(lua_State *L, int opts, const char *fn, const char *key, int def,
                         int lo, int hi)
{
    lua_Integer v = repl_opt_integer(L, opts, fn, key, def);
    if (v < lo || v > hi)
        luaL_error(L, "%s: option '%s' must be %d to %d, got %I", fn, key, lo, hi,
                   (LUAI_UACINT)v);
    return (int)v;
}

/* `n` or its sklearn spelling `n_samples` (not both). */
static int opt_n(lua_State *L, int opts, const char *fn, int def)
{
    int has_n = 0, has_ns = 0;
    if (lua_istable(L, opts)) {
        has_n = lua_getfield(L, opts, "n") != LUA_TNIL;
        has_ns = lua_getfield(L, opts, "n_samples") != LUA_TNIL;
        lua_pop(L, 2);
    }
    if (has_n && has_ns)
        luaL_error(L, "%s: give n or n_samples, not both", fn);
    return opt_int_range(L, opts, fn, has_ns ? "n_samples" : "n", def, 1, 100000000);
}

static float opt_noise(lua_State *L, int opts, const char *fn)
{
    lua_Number v = repl_opt_number(L, opts, fn, "noise", 0.0);
    if (!(v >= 0))
        luaL_error(L, "%s: option 'noise' must be >= 0, got %f", fn, v);
    return (float)v;
}

/* The options table of a function whose only argument is one (or nothing). */
static int options_arg(lua_State *L, int idx, const char *fn, const char *const *known)
{
    if (!lua_isnoneornil(L, idx) && !lua_istable(L, idx))
        luaL_error(L, "%s: expected an options table, got %s", fn, luaL_typename(L, idx));
    repl_check_options(L, idx, fn, known, 0);
    return idx;
}

/* ------------------------------------------------------------- datasets */

/* A table {x = x, y = y, x, y}: fields as the design names them, and 1, 2 so
** that table.unpack gives Keras's (x, y) pair. Lua owns both tensors. */
static void push_pair(lua_State *L, nn_tensor *x, nn_tensor *y)
{
    lua_createtable(L, 2, 2);
    repl_tensor_push(L, x);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "x");
    lua_rawseti(L, -2, 1);
    repl_tensor_push(L, y);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "y");
    lua_rawseti(L, -2, 2);
}

static const char *const load_options[] = {"path", NULL};

/* The directory a load_data call names: a string argument or {path = ...};
** NULL for the default places. A leading "~/" means $HOME. */
static const char *load_path(lua_State *L, const char *fn)
{
    const char *path = NULL;
    if (lua_type(L, 1) == LUA_TSTRING)
        path = lua_tostring(L, 1);
    else
        path = repl_opt_string(L, options_arg(L, 1, fn, load_options), fn, "path", NULL);
    if (path && path[0] == '~' && path[1] == '/' && getenv("HOME"))
        path = lua_pushfstring(L, "%s/%s", getenv("HOME"), path + 2);
    return path;
}

typedef nn_status (*load_fn)(const char *dir, nn_tensor **x_train, nn_tensor **y_train,
                             nn_tensor **x_test, nn_tensor **y_test, nn_error *err);

static int load_four(lua_State *L, load_fn load, const char *fn)
{
    const char *path = load_path(L, fn);
    nn_tensor *xtr, *ytr, *xte, *yte;
    nn_error err;
    if (load(path, &xtr, &ytr, &xte, &yte, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    push_pair(L, xtr, ytr);
    push_pair(L, xte, yte);
    return 2;
}

/* nn.datasets.fashion_mnist.load_data([{path = dir}]) -> train, test */
static int fashion_mnist_load(lua_State *L)
{
    return load_four(L, nn_dataset_fashion_mnist, "fashion_mnist.load_data");
}

/* nn.datasets.mnist.load_data([{path = dir}]) -> train, test */
static int mnist_load(lua_State *L)
{
    return load_four(L, nn_dataset_mnist, "mnist.load_data");
}

/* nn.datasets.cifar10.load_data([{path = dir}]) -> train, test (y of shape (N, 1)) */
static int cifar10_load(lua_State *L)
{
    return load_four(L, nn_dataset_cifar10, "cifar10.load_data");
}

/* nn.datasets.iris.load_data([{path = file}]) -> x (150, 4), y (150,) */
static int iris_load(lua_State *L)
{
    const char *path = load_path(L, "iris.load_data");
    nn_tensor *x, *y;
    nn_error err;
    if (nn_dataset_iris(path, &x, &y, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, x);
    repl_tensor_push(L, y);
    return 2;
}

/* ------------------------------------------------------------ synthetic */

static int push_xy(lua_State *L, nn_status st, nn_tensor *x, nn_tensor *y, nn_error *err)
{
    if (st != NN_OK)
        return luaL_error(L, "%s", err->msg);
    repl_tensor_push(L, x);
    repl_tensor_push(L, y);
    return 2;
}

static const char *const synth_options[] = {
    "n", "n_samples", "noise", "seed", "random_state", NULL};

typedef nn_status (*synth_fn)(int n, float noise, uint64_t seed, nn_tensor **x, nn_tensor **y,
                              nn_error *err);

static int make_simple(lua_State *L, synth_fn make, const char *fn, int default_n)
{
    int o = options_arg(L, 1, fn, synth_options);
    int n = opt_n(L, o, fn, default_n);
    float noise = opt_noise(L, o, fn);
    uint64_t seed = opt_seed(L, o, fn);
    nn_tensor *x, *y;
    nn_error err;
    nn_status st = make(n, noise, seed, &x, &y, &err);
    return push_xy(L, st, x, y, &err);
}

/* nn.datasets.make_xor{n = 500, noise = 0, seed = ...} -> x (n, 2), y (n,) */
static int make_xor(lua_State *L)
{
    return make_simple(L, nn_synth_xor, "make_xor", 500);
}

/* nn.datasets.make_circles{n = 500, noise = 0, seed = ...} -> x, y */
static int make_circles(lua_State *L)
{
    return make_simple(L, nn_synth_circles, "make_circles", 500);
}

/* nn.datasets.make_moons{n = 100, noise = 0, seed = ...} -> x, y (sklearn's defaults) */
static int make_moons(lua_State *L)
{
    return make_simple(L, nn_synth_moons, "make_moons", 100);
}

/* nn.datasets.make_spirals{n = 500, arms = 2, noise = 0, seed = ...} -> x, y */
static int make_spirals(lua_State *L)
{
    static const char *const known[] = {
        "n", "n_samples", "arms", "noise", "seed", "random_state", NULL};
    const char *fn = "make_spirals";
    int o = options_arg(L, 1, fn, known);
    int n = opt_n(L, o, fn, 500);
    int arms = opt_int_range(L, o, fn, "arms", 2, 1, 1000);
    float noise = opt_noise(L, o, fn);
    uint64_t seed = opt_seed(L, o, fn);
    nn_tensor *x, *y;
    nn_error err;
    nn_status st = nn_synth_spirals(n, arms, noise, seed, &x, &y, &err);
    return push_xy(L, st, x, y, &err);
}

/* nn.datasets.make_gaussians{n = 500, noise = 0, seed = ...}: the Playground's two
** gaussians, class 1 around (2, 2) and class 0 around (-2, -2), variance
** 0.5 + 7 noise. */
static int make_gaussians(lua_State *L)
{
    const char *fn = "make_gaussians";
    int o = options_arg(L, 1, fn, synth_options);
    int n = opt_n(L, o, fn, 500);
    float noise = opt_noise(L, o, fn);
    uint64_t seed = opt_seed(L, o, fn);
    float centers[4] = {-2, -2, 2, 2};
    nn_tensor *x, *y;
    nn_error err;
    nn_status st = nn_synth_blobs(n, 2, centers, sqrtf(0.5f + 7 * noise), 0, 0, seed, &x, &y,
                                  &err);
    return push_xy(L, st, x, y, &err);
}

/* Two numbers from t[i] (a {x, y} pair or {low, high}); `what` names it in errors. */
static void read_pair(lua_State *L, int t, float *out, const char *fn, const char *what)
{
    if (!lua_istable(L, t) || lua_rawlen(L, t) != 2)
        luaL_error(L, "%s: %s must be a pair of numbers {a, b}", fn, what);
    for (int k = 0; k < 2; k++) {
        lua_rawgeti(L, t, k + 1);
        int isnum;
        lua_Number v = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            luaL_error(L, "%s: %s must be a pair of numbers {a, b}", fn, what);
        out[k] = (float)v;
        lua_pop(L, 1);
    }
}

/* nn.datasets.make_blobs{n = 100, centers = 3 or {{x, y}, ...}, cluster_std = 1,
** center_box = {-10, 10}, seed = ...} -> x, y (sklearn's make_blobs in 2-D) */
static int make_blobs(lua_State *L)
{
    static const char *const known[] = {
        "n", "n_samples", "centers", "cluster_std", "center_box", "seed", "random_state", NULL};
    const char *fn = "make_blobs";
    int o = options_arg(L, 1, fn, known);
    int n = opt_n(L, o, fn, 100);
    float std = (float)repl_opt_number(L, o, fn, "cluster_std", 1.0);
    float box[2] = {-10, 10}, *centers = NULL;
    int k = 3;
    if (lua_istable(L, o)) {
        if (lua_getfield(L, o, "center_box") != LUA_TNIL)
            read_pair(L, lua_gettop(L), box, fn, "center_box");
        lua_pop(L, 1);
        if (lua_getfield(L, o, "centers") == LUA_TTABLE) {
            /* The list stays on the stack, and the copy below it, until the call. */
            int t = lua_gettop(L);
            k = (int)lua_rawlen(L, t);
            if (k < 1 || k > 1000)
                return luaL_error(L, "%s: centers must list 1 to 1000 {x, y} pairs", fn);
            centers = lua_newuserdatauv(L, (size_t)k * 2 * sizeof *centers, 0);
            for (int c = 0; c < k; c++) {
                char what[48];
                snprintf(what, sizeof what, "centers[%d]", c + 1);
                lua_rawgeti(L, t, c + 1);
                read_pair(L, lua_gettop(L), centers + 2 * c, fn, what);
                lua_pop(L, 1);
            }
        } else {
            lua_pop(L, 1);
            k = opt_int_range(L, o, fn, "centers", 3, 1, 1000);
        }
    }
    uint64_t seed = opt_seed(L, o, fn);
    nn_tensor *x, *y;
    nn_error err;
    nn_status st = nn_synth_blobs(n, k, centers, std, box[0], box[1], seed, &x, &y, &err);
    return push_xy(L, st, x, y, &err);
}

/* ---------------------------------------------------------------- utils */

/* nn.utils.to_categorical(y [, num_classes]) -> one-hot float32 rows */
static int to_categorical(lua_State *L)
{
    lua_Integer k = -1;         /* -1: the largest label + 1, as Keras's None */
    if (lua_istable(L, 2) && !repl_tensor_test(L, 2)) {
        static const char *const known[] = {"num_classes", NULL};
        repl_check_options(L, 2, "to_categorical", known, 0);
        k = repl_opt_integer(L, 2, "to_categorical", "num_classes", -1);
    } else if (!lua_isnoneornil(L, 2)) {
        k = luaL_checkinteger(L, 2);
    }
    if (k != -1 && (k < 1 || k > 1000000))
        return luaL_error(L, "to_categorical: num_classes must be a positive integer, got %I",
                          (LUAI_UACINT)k);
    /* Converting a Lua table pushes a tensor: only after the arguments are read. */
    nn_tensor *y = repl_tensor_from_arg(L, 1, "argument #1 to 'to_categorical'");
    nn_error err;
    nn_tensor *r = nn_to_categorical(y, (int)k, &err);
    if (!r)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, r);
    return 1;
}

/* nn.utils.normalize(x [, axis = -1 [, order = 2]]) or normalize(x, {axis =, order =}):
** x divided by its norm along `axis` (1-based, negative from the end). */
static int normalize(lua_State *L)
{
    lua_Integer axis, order;
    if (lua_istable(L, 2) && !repl_tensor_test(L, 2)) {
        static const char *const known[] = {"axis", "order", NULL};
        repl_check_options(L, 2, "normalize", known, 0);
        axis = repl_opt_integer(L, 2, "normalize", "axis", -1);
        order = repl_opt_integer(L, 2, "normalize", "order", 2);
    } else {
        axis = luaL_optinteger(L, 2, -1);
        order = luaL_optinteger(L, 3, 2);
    }
    nn_tensor *x = repl_tensor_from_arg(L, 1, "argument #1 to 'normalize'");
    if (axis == 0 || axis > x->ndim || axis < -x->ndim)
        return luaL_error(L, "normalize: axis %I is out of range for a %d-D tensor (axes "
                          "count from 1; -1 is the last)", (LUAI_UACINT)axis, x->ndim);
    if (order < 1 || order > 1000)
        return luaL_error(L, "normalize: order must be a positive integer, got %I",
                          (LUAI_UACINT)order);
    nn_error err;
    nn_tensor *r = nn_normalize(x, axis > 0 ? (int)axis - 1 : (int)axis, (int)order, &err);
    if (!r)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, r);
    return 1;
}

/* Arrays that must have one number of samples: sklearn's message otherwise. */
static void check_same_rows(lua_State *L, const char *fn, nn_tensor **a, int n)
{
    for (int i = 1; i < n; i++) {
        if (a[i]->shape[0] != a[0]->shape[0]) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (int j = 0; j < n; j++) {
                lua_pushfstring(L, "%s%d", j ? ", " : "", a[j]->shape[0]);
                luaL_addvalue(&b);
            }
            luaL_pushresult(&b);
            luaL_error(L, "%s: found arrays with inconsistent numbers of samples: [%s]", fn,
                       lua_tostring(L, -1));
        }
    }
}

/* Rows `idx` of each array, pushed in order; frees idx on every path. */
static void push_rows(lua_State *L, nn_tensor *a, int *idx, int n, int *others)
{
    nn_error err;
    nn_tensor *r = nn_gather_rows(a, idx, n, &err);
    if (!r) {
        free(idx);
        free(others);
        luaL_error(L, "%s", err.msg);
    }
    repl_tensor_push(L, r);
}

/* A test_size/train_size option: an integer is a count, any other number a
** fraction in (0, 1). Returns 0 when absent. */
static int opt_size(lua_State *L, int o, const char *key, double *frac, int *count, int n)
{
    if (lua_getfield(L, o, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (lua_type(L, -1) != LUA_TNUMBER)
        luaL_error(L, "train_test_split: option '%s' must be a number, got %s", key,
                   luaL_typename(L, -1));
    if (lua_isinteger(L, -1)) {
        lua_Integer v = lua_tointeger(L, -1);
        if (v <= 0 || v >= n)
            luaL_error(L, "train_test_split: %s=%I should be either positive and smaller than "
                       "the number of samples %d or a float in the (0, 1) range", key,
                       (LUAI_UACINT)v, n);
        *count = (int)v;
    } else {
        lua_Number v = lua_tonumber(L, -1);
        if (!(v > 0 && v < 1))
            luaL_error(L, "train_test_split: %s=%f should be either positive and smaller than "
                       "the number of samples %d or a float in the (0, 1) range", key, v, n);
        *frac = v;
    }
    lua_pop(L, 1);
    return 1;
}

/* nn.utils.train_test_split{x, y, ..., test_size = 0.25, train_size = nil,
** random_state = nil (or seed), shuffle = true, stratify = nil}
** -> x_train, x_test, y_train, y_test, ... (sklearn's order) */
static int train_test_split(lua_State *L)
{
    static const char *const known[] = {
        "test_size", "train_size", "random_state", "seed", "shuffle", "stratify", NULL};
    const char *fn = "train_test_split";
    if (!lua_istable(L, 1) || repl_tensor_test(L, 1))
        return luaL_error(L, "%s takes one table: train_test_split{x, y, test_size = 0.2, "
                          "random_state = 42}", fn);
    int n_arrays = (int)lua_rawlen(L, 1);
    if (n_arrays < 1 || n_arrays > MAX_ARRAYS)
        return luaL_error(L, "%s: give 1 to %d arrays first in the table, {x, y, ...}", fn,
                          MAX_ARRAYS);
    repl_check_options(L, 1, fn, known, n_arrays);
    nn_tensor *a[MAX_ARRAYS];
    for (int i = 0; i < n_arrays; i++) {
        lua_rawgeti(L, 1, i + 1);
        char what[64];
        snprintf(what, sizeof what, "%s array %d", fn, i + 1);
        a[i] = repl_tensor_from_arg(L, lua_gettop(L), what);
    }
    check_same_rows(L, fn, a, n_arrays);
    int n = a[0]->shape[0];
    nn_split_options o = nn_split_defaults();
    opt_size(L, 1, "test_size", &o.test_size, &o.test_count, n);
    opt_size(L, 1, "train_size", &o.train_size, &o.train_count, n);
    o.shuffle = repl_opt_boolean(L, 1, fn, "shuffle", 1);
    if (lua_getfield(L, 1, "stratify") != LUA_TNIL)
        o.stratify = repl_tensor_from_arg(L, lua_gettop(L), "train_test_split stratify");
    o.seed = opt_seed(L, 1, fn);
    int *tr, *te, ntr, nte;
    nn_error err;
    if (nn_split_indices(n, &o, &tr, &ntr, &te, &nte, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    luaL_checkstack(L, 2 * n_arrays, "too many arrays");
    for (int i = 0; i < n_arrays; i++) {
        push_rows(L, a[i], tr, ntr, te);
        push_rows(L, a[i], te, nte, tr);
    }
    free(tr);
    free(te);
    return 2 * n_arrays;
}

/* nn.utils.shuffle(x [, y, ...] [, {random_state = ...}]) -> the arrays with their rows
** in one random order (sklearn.utils.shuffle) */
static int shuffle(lua_State *L)
{
    static const char *const known[] = {"random_state", "seed", NULL};
    const char *fn = "shuffle";
    int top = lua_gettop(L), opts = 0;
    if (top >= 1 && lua_istable(L, top) && !repl_tensor_test(L, top)) {
        lua_rawgeti(L, top, 1);
        if (lua_isnil(L, -1))
            opts = top;
        lua_pop(L, 1);
    }
    int n_arrays = opts ? top - 1 : top;
    if (n_arrays < 1 || n_arrays > MAX_ARRAYS)
        return luaL_error(L, "%s: give 1 to %d arrays, then an optional options table", fn,
                          MAX_ARRAYS);
    if (opts)
        repl_check_options(L, opts, fn, known, 0);
    nn_tensor *a[MAX_ARRAYS];
    for (int i = 0; i < n_arrays; i++) {
        char what[48];
        snprintf(what, sizeof what, "argument #%d to 'shuffle'", i + 1);
        a[i] = repl_tensor_from_arg(L, i + 1, what);
    }
    check_same_rows(L, fn, a, n_arrays);
    uint64_t seed = opt_seed(L, opts, fn);
    int n = a[0]->shape[0];
    int *perm = malloc((size_t)n * sizeof *perm);
    if (!perm)
        return luaL_error(L, "%s: out of memory", fn);
    for (int i = 0; i < n; i++)
        perm[i] = i;
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_rng_shuffle(&r, perm, (size_t)n);
    luaL_checkstack(L, n_arrays, "too many arrays");
    for (int i = 0; i < n_arrays; i++)
        push_rows(L, a[i], perm, n, NULL);
    free(perm);
    return n_arrays;
}

/* -------------------------------------------------------- StandardScaler */

typedef struct lua_scaler {
    nn_scaler s;
} lua_scaler;

static lua_scaler *check_scaler(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, SCALER_MT);
}

/* nn.preprocessing.StandardScaler([{with_mean = true, with_std = true}]) */
static int scaler_new(lua_State *L)
{
    static const char *const known[] = {"with_mean", "with_std", "copy", NULL};
    const char *fn = "StandardScaler";
    int o = options_arg(L, 1, fn, known);
    int with_mean = repl_opt_boolean(L, o, fn, "with_mean", 1);
    int with_std = repl_opt_boolean(L, o, fn, "with_std", 1);
    repl_opt_boolean(L, o, fn, "copy", 1);
    lua_scaler *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->s = nn_scaler_defaults();
    u->s.with_mean = with_mean;
    u->s.with_std = with_std;
    luaL_setmetatable(L, SCALER_MT);
    return 1;
}

static int scaler_fit(lua_State *L)
{
    lua_scaler *u = check_scaler(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #1 to 'fit'");
    nn_error err;
    if (nn_scaler_fit(&u->s, x, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    lua_settop(L, 1);
    return 1;
}

static int scaler_apply(lua_State *L, int inverse)
{
    lua_scaler *u = check_scaler(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, inverse ? "argument #1 to 'inverse_transform'"
                                                      : "argument #1 to 'transform'");
    nn_error err;
    nn_tensor *r = inverse ? nn_scaler_inverse_transform(&u->s, x, &err)
                           : nn_scaler_transform(&u->s, x, &err);
    if (!r)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, r);
    return 1;
}

static int scaler_transform(lua_State *L)
{
    return scaler_apply(L, 0);
}

static int scaler_inverse_transform(lua_State *L)
{
    return scaler_apply(L, 1);
}

static int scaler_fit_transform(lua_State *L)
{
    lua_scaler *u = check_scaler(L, 1);
    nn_tensor *x = repl_tensor_from_arg(L, 2, "argument #1 to 'fit_transform'");
    nn_error err;
    nn_tensor *r = NULL;
    if (nn_scaler_fit(&u->s, x, &err) == NN_OK)
        r = nn_scaler_transform(&u->s, x, &err);
    if (!r)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, r);
    return 1;
}

/* A copy of one of the fitted vectors (nil before fit). */
static int push_copy(lua_State *L, const nn_tensor *t)
{
    if (!t) {
        lua_pushnil(L);
        return 1;
    }
    nn_error err;
    nn_tensor *c = nn_tensor_clone(t, &err);
    if (!c)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, c);
    return 1;
}

/* Methods, then sklearn's fitted attributes mean_, var_, scale_, n_features_in_,
** n_samples_seen_ (nil before fit) and the options with_mean, with_std. */
static int scaler_index(lua_State *L)
{
    lua_scaler *u = check_scaler(L, 1);
    const char *key = luaL_checkstring(L, 2);
    if (luaL_getmetafield(L, 1, "methods") == LUA_TTABLE) {
        if (lua_getfield(L, -1, key) != LUA_TNIL)
            return 1;
        lua_pop(L, 2);
    }
    int fitted = u->s.n_features > 0;
    if (!strcmp(key, "mean_"))
        return push_copy(L, u->s.mean);
    if (!strcmp(key, "var_"))
        return push_copy(L, u->s.var);
    if (!strcmp(key, "scale_"))
        return push_copy(L, u->s.scale);
    if (!strcmp(key, "n_features_in_") && fitted)
        lua_pushinteger(L, u->s.n_features);
    else if (!strcmp(key, "n_samples_seen_") && fitted)
        lua_pushinteger(L, (lua_Integer)u->s.n_samples_seen);
    else if (!strcmp(key, "with_mean"))
        lua_pushboolean(L, u->s.with_mean);
    else if (!strcmp(key, "with_std"))
        lua_pushboolean(L, u->s.with_std);
    else
        lua_pushnil(L);
    return 1;
}

static int scaler_tostring(lua_State *L)
{
    lua_scaler *u = check_scaler(L, 1);
    const char *sep = u->s.with_mean || u->s.with_std ? "" : ", ";
    lua_pushfstring(L, "StandardScaler(%s%s%s)", u->s.with_mean ? "" : "with_mean=false", sep,
                    u->s.with_std ? "" : "with_std=false");
    return 1;
}

static int scaler_gc(lua_State *L)
{
    nn_scaler_clear(&check_scaler(L, 1)->s);
    return 0;
}

/* ------------------------------------------------------------------ CSV */

/* nn.data.from_csv(path [, {header = true, delimiter = ",", label = name or column,
** label_column = column}]) -> x, y (nil without a label), classes (when text labels) */
static int from_csv(lua_State *L)
{
    static const char *const known[] = {"header", "delimiter", "label", "label_column", NULL};
    const char *fn = "from_csv";
    const char *path = luaL_checkstring(L, 1);
    int o = options_arg(L, 2, fn, known);
    nn_csv_options co = nn_csv_defaults();
    co.header = repl_opt_boolean(L, o, fn, "header", 1);
    const char *delim = repl_opt_string(L, o, fn, "delimiter", ",");
    if (strlen(delim) != 1)
        return luaL_error(L, "%s: option 'delimiter' must be one character, got '%s'", fn,
                          delim);
    co.delimiter = delim[0];
    int has_label = 0;
    if (lua_istable(L, o)) {
        int tl = lua_getfield(L, o, "label"), tc = lua_getfield(L, o, "label_column");
        lua_pop(L, 2);
        if (tl != LUA_TNIL && tc != LUA_TNIL)
            return luaL_error(L, "%s: give label or label_column, not both", fn);
        if (tl == LUA_TSTRING) {
            co.label_name = repl_opt_string(L, o, fn, "label", NULL);
            has_label = 1;
        } else if (tl != LUA_TNIL || tc != LUA_TNIL) {
            const char *key = tl != LUA_TNIL ? "label" : "label_column";
            lua_Integer c = repl_opt_integer(L, o, fn, key, 0);
            if (c < 1 || c > 1000000)
                return luaL_error(L, "%s: option '%s' counts columns from 1, got %I", fn, key,
                                  (LUAI_UACINT)c);
            co.label_column = (int)c - 1;
            has_label = 1;
        }
    }
    nn_csv_data d;
    nn_error err;
    if (nn_csv_read(path, &co, &d, &err) != NN_OK)
        return luaL_error(L, "%s", err.msg);
    repl_tensor_push(L, d.x);
    d.x = NULL;
    if (!has_label) {
        nn_csv_data_free(&d);
        return 1;
    }
    repl_tensor_push(L, d.y);
    d.y = NULL;
    if (d.n_classes > 0) {
        lua_createtable(L, d.n_classes, 0);
        for (int c = 0; c < d.n_classes; c++) {
            lua_pushstring(L, d.classes[c]);
            lua_rawseti(L, -2, c + 1);
        }
    } else {
        lua_pushnil(L);
    }
    nn_csv_data_free(&d);
    return 3;
}

/* ------------------------------------------------------------------ help */

/* help() entries: the path below `nn`, the signature, what it does, an example. */
static const struct data_doc {
    const char *path, *signature, *text, *example;
} data_docs[] = {
    {"datasets.fashion_mnist.load_data", "nn.datasets.fashion_mnist.load_data([{path = dir}])",
     "Fashion-MNIST as Keras gives it: two tables train, test, each with x (uint8\n"
     "images, N x 28 x 28) and y (uint8 labels 0..9). Read from the Debian package\n"
     "dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) or from path.",
     "local train, test = nn.datasets.fashion_mnist.load_data()\n"
     "local x = train.x:reshape{60000, 784} / 255"},
    {"datasets.mnist.load_data", "nn.datasets.mnist.load_data([{path = dir}])",
     "MNIST's four IDX files (gzipped or not) from path, else $NNSCOPE_DATA/mnist,\n"
     "$NNSCOPE_DATA or ~/.nnscope/datasets/mnist. Returns train, test like\n"
     "fashion_mnist.load_data. Nothing is downloaded.",
     "local train, test = nn.datasets.mnist.load_data{path = \"~/data/mnist\"}"},
    {"datasets.cifar10.load_data", "nn.datasets.cifar10.load_data([{path = dir}])",
     "CIFAR-10's binary batches (data_batch_1..5.bin, test_batch.bin) from path,\n"
     "$NNSCOPE_DATA or ~/.nnscope/datasets (also in cifar-10-batches-bin/).\n"
     "x is uint8 N x 32 x 32 x 3 (channels last), y uint8 N x 1, as in Keras.",
     "local train, test = nn.datasets.cifar10.load_data()"},
    {"datasets.iris.load_data", "nn.datasets.iris.load_data()",
     "Fisher's iris flowers, as sklearn's load_iris(return_X_y=True): x (150, 4)\n"
     "sepal length, sepal width, petal length, petal width in cm; y (150,) the\n"
     "species 0 setosa, 1 versicolor, 2 virginica.",
     "local x, y = nn.datasets.iris.load_data()"},
    {"datasets.make_xor", "nn.datasets.make_xor{n = 500, noise = 0, seed = nil}",
     "TensorFlow Playground's XOR set: points in [-5, 5]^2, class 1 where exactly\n"
     "one coordinate is positive. noise (0 to 0.5) moves points across the axes.\n"
     "Returns x (n, 2) and y (n,).",
     "local x, y = nn.datasets.make_xor{n = 200, noise = 0.1, seed = 1}"},
    {"datasets.make_circles", "nn.datasets.make_circles{n = 500, noise = 0, seed = nil}",
     "TensorFlow Playground's circle set: class 1 inside radius 2.5, class 0 on a\n"
     "ring from 3.5 to 5. Returns x (n, 2) and y (n,).",
     "local x, y = nn.datasets.make_circles{noise = 0.1}"},
    {"datasets.make_moons", "nn.datasets.make_moons{n = 100, noise = 0, seed = nil}",
     "sklearn's two interleaving half circles; noise is the standard deviation of\n"
     "gaussian noise added to the points. Returns x (n, 2) and y (n,).",
     "local x, y = nn.datasets.make_moons{n = 200, noise = 0.1, seed = 42}"},
    {"datasets.make_spirals", "nn.datasets.make_spirals{n = 500, arms = 2, noise = 0, seed = nil}",
     "TensorFlow Playground's spirals, with any number of arms (one class each).\n"
     "Returns x (n, 2) and y (n,).",
     "local x, y = nn.datasets.make_spirals{arms = 3, noise = 0.2}"},
    {"datasets.make_blobs",
     "nn.datasets.make_blobs{n = 100, centers = 3, cluster_std = 1, center_box = {-10, 10}, "
     "seed = nil}",
     "sklearn's gaussian blobs in 2-D: centers is a count (drawn in center_box) or\n"
     "a list of {x, y}. Returns x (n, 2) and y (n,).",
     "local x, y = nn.datasets.make_blobs{centers = {{0, 0}, {4, 4}}, cluster_std = 0.5}"},
    {"datasets.make_gaussians", "nn.datasets.make_gaussians{n = 500, noise = 0, seed = nil}",
     "TensorFlow Playground's two gaussians: class 1 around (2, 2), class 0 around\n"
     "(-2, -2); noise (0 to 0.5) widens them. Returns x (n, 2) and y (n,).",
     "local x, y = nn.datasets.make_gaussians{noise = 0.2}"},
    {"utils.to_categorical", "nn.utils.to_categorical(y [, num_classes])",
     "One-hot rows from class indices: y of N labels gives N x num_classes floats\n"
     "(num_classes defaults to the largest label + 1).",
     "local y = nn.utils.to_categorical(nn.tensor{0, 2, 1}, 3)   -- 3 one-hot rows"},
    {"utils.normalize", "nn.utils.normalize(x [, axis = -1 [, order = 2]])",
     "x divided by its L2 norm (or L1 with order = 1) along axis, as Keras's\n"
     "normalize; a zero vector stays zero.",
     "local unit = nn.utils.normalize(nn.tensor{{3, 4}, {0, 2}})   -- {0.6, 0.8}, {0, 1}"},
    {"utils.train_test_split",
     "nn.utils.train_test_split{x, y, test_size = 0.25, train_size = nil, random_state = nil,\n"
     "                         shuffle = true, stratify = nil}",
     "sklearn's split: returns x_train, x_test, y_train, y_test. test_size is a\n"
     "fraction (test rows: ceil(test_size * n)) or, as an integer, a count;\n"
     "stratify = y keeps each class's share on both sides. seed = ... also works.",
     "local x, y = nn.datasets.iris.load_data()\n"
     "local x_tr, x_te, y_tr, y_te = nn.utils.train_test_split{x, y, test_size = 0.2,\n"
     "                                                       random_state = 42}"},
    {"utils.shuffle", "nn.utils.shuffle(x [, y, ...] [, {random_state = nil}])",
     "Copies of the arrays with their rows in one random order (sklearn's shuffle).",
     "local x, y = nn.datasets.iris.load_data()\n"
     "x, y = nn.utils.shuffle(x, y, {random_state = 0})"},
    {"preprocessing.StandardScaler",
     "nn.preprocessing.StandardScaler([{with_mean = true, with_std = true}])",
     "sklearn's scaler: fit(x) learns each column's mean_ and scale_ (standard\n"
     "deviation, 1 for a constant column); transform(x) gives (x - mean_) / scale_;\n"
     "fit_transform(x) does both; inverse_transform undoes it.",
     "local x_train, x_test = nn.randn{100, 3} * 5 + 2, nn.randn{20, 3} * 5 + 2\n"
     "local scaler = nn.preprocessing.StandardScaler()\n"
     "local x_train_s = scaler:fit_transform(x_train)\n"
     "local x_test_s = scaler:transform(x_test)"},
    {"data.from_csv",
     "nn.data.from_csv(path [, {header = true, delimiter = \",\", label = nil, "
     "label_column = nil}])",
     "Reads a CSV file of numbers: returns x, and with label (a column name, or\n"
     "its number counting from 1) also y; text labels become class indices, and\n"
     "their names come third, sorted.",
     "local x, y, names = nn.data.from_csv(\"flowers.csv\", {label = \"species\"})"},
};

/* Register data_docs with help(), each found under the nn table at `nn`. */
static void register_docs(lua_State *L, int nn)
{
    for (size_t i = 0; i < sizeof data_docs / sizeof data_docs[0]; i++) {
        const struct data_doc *d = &data_docs[i];
        char name[96];
        snprintf(name, sizeof name, "nn.%s", d->path);
        lua_pushvalue(L, nn);
        const char *p = d->path;
        while (*p && lua_istable(L, -1)) {
            const char *dot = strchr(p, '.');
            size_t len = dot ? (size_t)(dot - p) : strlen(p);
            lua_pushlstring(L, p, len);
            lua_gettable(L, -2);
            lua_remove(L, -2);
            p += len + (dot != NULL);
        }
        repl_doc(L, -1, name, d->signature, d->text, d->example);
        lua_pop(L, 1);
        if (!strcmp(d->path, "preprocessing.StandardScaler"))  /* help(scaler) too */
            repl_doc(L, 0, SCALER_MT, d->signature, d->text, d->example);
    }
}

/* ------------------------------------------------------------------ open */

void repl_open_data(lua_State *L, int nn)
{
    int datasets = subtable(L, nn, "datasets");
    static const struct { const char *name; lua_CFunction load; } sets[] = {
        {"fashion_mnist", fashion_mnist_load}, {"mnist", mnist_load},
        {"cifar10", cifar10_load}, {"iris", iris_load},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        subtable(L, datasets, sets[i].name);
        lua_pushcfunction(L, sets[i].load);
        lua_setfield(L, -2, "load_data");
        lua_pop(L, 1);
    }
    static const luaL_Reg makers[] = {
        {"make_xor", make_xor}, {"make_circles", make_circles}, {"make_moons", make_moons},
        {"make_spirals", make_spirals}, {"make_blobs", make_blobs},
        {"make_gaussians", make_gaussians}, {NULL, NULL},
    };
    set_funcs(L, datasets, makers);

    int utils = subtable(L, nn, "utils");
    static const luaL_Reg util_fns[] = {
        {"to_categorical", to_categorical}, {"normalize", normalize},
        {"train_test_split", train_test_split}, {"shuffle", shuffle}, {NULL, NULL},
    };
    set_funcs(L, utils, util_fns);

    static const luaL_Reg scaler_methods[] = {
        {"fit", scaler_fit}, {"transform", scaler_transform},
        {"fit_transform", scaler_fit_transform},
        {"inverse_transform", scaler_inverse_transform}, {NULL, NULL},
    };
    luaL_newmetatable(L, SCALER_MT);
    lua_newtable(L);
    set_funcs(L, lua_gettop(L), scaler_methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, scaler_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, scaler_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, scaler_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    int pre = subtable(L, nn, "preprocessing");
    lua_pushcfunction(L, scaler_new);
    lua_setfield(L, pre, "StandardScaler");

    int data = subtable(L, nn, "data");
    lua_pushcfunction(L, from_csv);
    lua_setfield(L, data, "from_csv");
    lua_settop(L, nn);
    register_docs(L, nn);
}
