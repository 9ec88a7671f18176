/* repl/lua_tensor.c — nn_tensor as the Lua type "nn.Tensor": constructors
** (nn.tensor, nn.zeros, nn.arange, nn.rand, ...), methods, operators with numpy
** broadcasting, 1-based indexing, numpy-style printing, and the session's
** random generator behind nn.utils.set_random_seed.
**
** A tensor userdata holds one nn_tensor pointer; __gc (or __close) frees it and
** leaves NULL. New userdata is pushed before the C call that fills it, so a Lua
** error raised afterwards never leaks: the collector frees what was made. */
#include "lua_tensor.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_nn.h"
#include "nn/preprocess.h"

#define TENSOR_MT "nn.Tensor"
#define RNG_KEY "nn.rng"
#define DEFAULT_SEED 42

/* --------------------------------------------------------------- helpers */

/* A new, empty tensor userdata on the stack; the caller stores the tensor. */
static nn_tensor **new_slot(lua_State *L)
{
    nn_tensor **slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = NULL;
    luaL_setmetatable(L, TENSOR_MT);
    return slot;
}

/* r, or a Lua error with the core's message when r is NULL. */
static nn_tensor *checked(lua_State *L, nn_tensor *r, const nn_error *err)
{
    if (!r)
        luaL_error(L, "%s", err->msg);
    return r;
}

static void check_status(lua_State *L, nn_status st, const nn_error *err)
{
    if (st != NN_OK)
        luaL_error(L, "%s", err->msg);
}

/* Push the result of a core call as a new tensor (or raise its error). */
static int push_checked(lua_State *L, nn_tensor *r, const nn_error *err)
{
    nn_tensor **slot = new_slot(L);
    *slot = checked(L, r, err);
    return 1;
}

/* The type of the value at idx, by its metatable's __name when it has one. */
static const char *type_name(lua_State *L, int idx)
{
    int type = luaL_getmetafield(L, idx, "__name");
    if (type == LUA_TSTRING) {
        const char *name = lua_tostring(L, -1);
        lua_pop(L, 1);          /* the metatable still holds the string */
        return name;
    }
    if (type != LUA_TNIL)
        lua_pop(L, 1);
    return luaL_typename(L, idx);
}

/* "bad argument #2 to 'fit' (msg)" when `what` names an argument, "what: msg"
** otherwise (what = "set_weights", "validation_data[1]", ...). */
static int what_error(lua_State *L, const char *what, const char *msg)
{
    if (strncmp(what, "argument", 8) == 0)
        return luaL_error(L, "bad %s (%s)", what, msg);
    return luaL_error(L, "%s: %s", what, msg);
}

static const char *shape_text(char *buf, size_t len, const nn_tensor *t)
{
    return nn_shape_format(buf, len, t->ndim, t->shape);
}

/* An int argument, with a Lua argument error when it is not a whole number or
** does not fit. */
static int check_int(lua_State *L, int arg)
{
    lua_Integer v = luaL_checkinteger(L, arg);
    if (v < INT_MIN || v > INT_MAX)
        luaL_argerror(L, arg, lua_pushfstring(L, "%I is too large", (LUAI_UACINT)v));
    return (int)v;
}

/* The 0-based position of a Lua index on an axis of n entries: 1..n counts from
** the start, -n..-1 from the end (-1 is the last), as string.sub does. */
static int axis_position(lua_State *L, lua_Integer i, const nn_tensor *t, int axis)
{
    int n = t->shape[axis];
    lua_Integer k = i > 0 ? i - 1 : n + i;
    if (i == 0 || k < 0 || k >= n) {
        char buf[96];
        luaL_error(L, "index %I is out of range for axis %d of size %d (tensor of shape %s; "
                   "indices start at 1, -1 is the last)", (LUAI_UACINT)i, axis + 1, n,
                   shape_text(buf, sizeof buf, t));
    }
    return (int)k;
}

/* The 0-based axis for a Lua axis argument (1..ndim, or -ndim..-1). */
static int check_axis(lua_State *L, int arg, const nn_tensor *t)
{
    lua_Integer a = luaL_checkinteger(L, arg);
    lua_Integer k = a > 0 ? a - 1 : t->ndim + a;
    if (a == 0 || k < 0 || k >= t->ndim)
        luaL_argerror(L, arg, lua_pushfstring(L, "axis %I is out of range for a %d-D tensor; "
                      "axes are 1..%d, or -1 for the last", (LUAI_UACINT)a, t->ndim,
                      t->ndim));
    return (int)k;
}

/* A shape from a table at `arg` ({2, 3}) or, when `varargs`, from the integers
** from `arg` to the top (2, 3). Returns the rank; -1 entries pass through for
** reshape, other bad sizes are left for the core to name. */
static int check_shape(lua_State *L, int arg, int varargs, int *shape)
{
    int from_table = lua_istable(L, arg);
    if (!from_table && !varargs)
        luaL_typeerror(L, arg, "table");
    if (!from_table && lua_type(L, arg) != LUA_TNUMBER)
        luaL_typeerror(L, arg, "table or integers");
    lua_Integer n = from_table ? (lua_Integer)lua_rawlen(L, arg) : lua_gettop(L) - arg + 1;
    if (n < 1 || n > NN_MAX_DIMS)
        luaL_argerror(L, arg, lua_pushfstring(L, "a shape has 1 to %d dimensions, got %I",
                      NN_MAX_DIMS, (LUAI_UACINT)n));
    for (int i = 0; i < n; i++) {
        int at = arg + i, bad_arg = arg + i;
        if (from_table) {
            lua_rawgeti(L, arg, i + 1);
            at = lua_gettop(L);
            bad_arg = arg;
        }
        int isint = 0;
        lua_Integer d = lua_tointegerx(L, at, &isint);
        if (!isint || lua_type(L, at) != LUA_TNUMBER)
            luaL_argerror(L, bad_arg, lua_pushfstring(L, "shape entry %d must be a whole "
                          "number, got %s", i + 1, lua_type(L, at) == LUA_TNUMBER ?
                          lua_tostring(L, at) : type_name(L, at)));
        if (d > INT_MAX)
            luaL_argerror(L, bad_arg, lua_pushfstring(L, "shape entry %d (%I) is too large",
                          i + 1, (LUAI_UACINT)d));
        shape[i] = d < INT_MIN ? INT_MIN : (int)d;  /* the core names non-positive sizes */
        if (from_table)
            lua_pop(L, 1);
    }
    return (int)n;
}

/* ----------------------------------------------------------- the generator */

nn_rng *repl_rng(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, RNG_KEY) != LUA_TUSERDATA) {
        lua_pop(L, 1);
        nn_rng *r = lua_newuserdatauv(L, sizeof *r, 0);
        nn_rng_seed(r, DEFAULT_SEED);
        lua_setfield(L, LUA_REGISTRYINDEX, RNG_KEY);
        return r;
    }
    nn_rng *r = lua_touserdata(L, -1);
    lua_pop(L, 1);              /* the registry keeps the userdata (and r) alive */
    return r;
}

/* nn.utils.set_random_seed(seed): reseeds nn.rand/nn.randn and the seed new
** models draw their weights from, so a script repeats exactly. */
static int set_random_seed(lua_State *L)
{
    lua_Integer seed = luaL_checkinteger(L, 1);
    nn_rng_seed(repl_rng(L), (uint64_t)seed);
    lua_pushinteger(L, seed);
    lua_setfield(L, LUA_REGISTRYINDEX, "nn.seed");
    lua_pushinteger(L, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, "nn.models_made");
    return 0;
}

/* ------------------------------------------------- the public C interface */

void repl_tensor_push(lua_State *L, nn_tensor *t)
{
    if (!t) {
        lua_pushnil(L);
        return;
    }
    *new_slot(L) = t;
}

nn_tensor *repl_tensor_test(lua_State *L, int idx)
{
    nn_tensor **slot = luaL_testudata(L, idx, TENSOR_MT);
    return slot ? *slot : NULL;
}

nn_tensor *repl_tensor_check(lua_State *L, int idx)
{
    nn_tensor **slot = luaL_testudata(L, idx, TENSOR_MT);
    if (!slot)
        luaL_typeerror(L, idx, TENSOR_MT);
    if (!*slot)
        luaL_argerror(L, idx, "the tensor was closed");
    return *slot;
}

/* Filling a tensor from nested tables; the path names the entry being read. */
typedef struct filler {
    lua_State *L;
    const char *what;
    nn_tensor *t;
    int path[NN_MAX_DIMS];
    size_t at;                  /* next flat index to write */
} filler;

/* "[2][3]": the Lua indices path[0..depth-1]. */
static const char *path_text(char *buf, size_t len, const int *path, int depth)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < depth && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "[%d]", path[i]);
    return buf;
}

/* The error for the message on top of the stack. */
static void fill_error(filler *f)
{
    what_error(f->L, f->what, lua_tostring(f->L, -1));
}

static void fill_number(filler *f, const char *where, float v)
{
    nn_error err;
    if (nn_tensor_set(f->t, f->at++, v, &err) != NN_OK) {
        lua_pushfstring(f->L, "at %s: %s", where, err.msg);
        fill_error(f);
    }
}

/* Write the value on top of the stack (the entry at f->path[0..depth-1]). */
static void fill_value(filler *f, int depth)
{
    lua_State *L = f->L;
    nn_tensor *t = f->t;
    nn_tensor *part = repl_tensor_test(L, -1);
    char where[64], buf[96], want[96];
    path_text(where, sizeof where, f->path, depth);
    if (part) {
        int fits = part->ndim == t->ndim - depth;
        for (int i = 0; fits && i < part->ndim; i++)
            fits = part->shape[i] == t->shape[depth + i];
        if (!fits) {
            lua_pushfstring(L, "the tensor at %s has shape %s where shape %s fits", where,
                            shape_text(buf, sizeof buf, part),
                            nn_shape_format(want, sizeof want, t->ndim - depth,
                                            t->shape + depth));
            fill_error(f);
        }
        for (size_t i = 0; i < part->size; i++)
            fill_number(f, where, nn_tensor_get(part, i));
        return;
    }
    if (depth == t->ndim) {
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pushfstring(L, "expected a number at %s, got %s", where, type_name(L, -1));
            fill_error(f);
        }
        fill_number(f, where, (float)lua_tonumber(L, -1));
        return;
    }
    if (!lua_istable(L, -1)) {
        lua_pushfstring(L, "expected a table at %s, got %s", where, type_name(L, -1));
        fill_error(f);
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n != t->shape[depth]) {
        static const int first[NN_MAX_DIMS] = {1, 1, 1, 1};
        lua_pushfstring(L, "ragged nested table: %s has length %I where %s has length %d", where,
                        (LUAI_UACINT)n, path_text(buf, sizeof buf, first, depth),
                        t->shape[depth]);
        fill_error(f);
    }
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        f->path[depth] = i;
        fill_value(f, depth + 1);
        lua_pop(L, 1);
    }
}

/* A new tensor of `dtype` from the table (nested tables of numbers or tensors)
** at idx, pushed on the stack. The shape comes from the first entries. */
static nn_tensor *tensor_from_table(lua_State *L, int idx, nn_dtype dtype, const char *what)
{
    int shape[NN_MAX_DIMS], ndim = 0;
    char where[64];
    int path[NN_MAX_DIMS] = {1, 1, 1, 1};
    lua_pushvalue(L, idx);
    for (;;) {
        nn_tensor *part = repl_tensor_test(L, -1);
        if (part) {
            if (ndim + part->ndim > NN_MAX_DIMS)
                what_error(L, what, lua_pushfstring(L, "nesting gives more than %d dimensions",
                                                    NN_MAX_DIMS));
            memcpy(shape + ndim, part->shape, (size_t)part->ndim * sizeof *shape);
            ndim += part->ndim;
            break;
        }
        if (!lua_istable(L, -1))
            break;
        size_t n = lua_rawlen(L, -1);
        if (n == 0)
            what_error(L, what, lua_pushfstring(L, "the table%s%s is empty: a tensor needs "
                       "at least one value", ndim ? " at " : "",
                       path_text(where, sizeof where, path, ndim)));
        if (ndim == NN_MAX_DIMS)
            what_error(L, what, lua_pushfstring(L, "tables nested more than %d deep",
                                                NN_MAX_DIMS));
        if (n > INT_MAX)
            what_error(L, what, "the table is too long");
        shape[ndim++] = (int)n;
        lua_rawgeti(L, -1, 1);
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
    nn_error err;
    nn_tensor **slot = new_slot(L);
    *slot = nn_tensor_new(dtype, ndim, shape, &err);
    if (!*slot)
        what_error(L, what, err.msg);
    filler f = {L, what, *slot, {0}, 0};
    lua_pushvalue(L, idx);
    fill_value(&f, 0);
    lua_pop(L, 1);
    return *slot;
}

nn_tensor *repl_tensor_from_arg(lua_State *L, int idx, const char *what)
{
    idx = lua_absindex(L, idx);
    nn_tensor **slot = luaL_testudata(L, idx, TENSOR_MT);
    if (slot && *slot)
        return *slot;
    if (slot)
        what_error(L, what, "the tensor was closed");
    if (lua_type(L, idx) == LUA_TNUMBER) {
        nn_error err;
        nn_tensor **s = new_slot(L);
        *s = checked(L, nn_tensor_new1(1, &err), &err);
        nn_tensor_f32(*s)[0] = (float)lua_tonumber(L, idx);
        return *s;
    }
    if (lua_istable(L, idx))
        return tensor_from_table(L, idx, NN_F32, what);
    lua_pushfstring(L, "expected a tensor, a number or a table of numbers, got %s",
                    type_name(L, idx));
    what_error(L, what, lua_tostring(L, -1));
    return NULL;
}

/* ----------------------------------------------------------- constructors */

static nn_dtype check_dtype(lua_State *L, int arg)
{
    static const char *const names[] = {"float32", "uint8", NULL};
    return luaL_checkoption(L, arg, "float32", names) == 0 ? NN_F32 : NN_U8;
}

/* nn.tensor(data [, dtype]): data is nested tables of numbers (or tensors), a
** tensor (copied, keeping its dtype unless one is given) or a number. dtype is
** "float32" (default) or "uint8". */
static int l_tensor(lua_State *L)
{
    nn_error err;
    if (luaL_testudata(L, 1, TENSOR_MT)) {
        nn_tensor *t = repl_tensor_check(L, 1);
        nn_dtype dtype = lua_isnoneornil(L, 2) ? t->dtype : check_dtype(L, 2);
        if (dtype == t->dtype)
            return push_checked(L, nn_tensor_clone(t, &err), &err);
        if (dtype == NN_F32)
            return push_checked(L, nn_tensor_to_f32(t, &err), &err);
        nn_tensor **slot = new_slot(L);
        *slot = checked(L, nn_tensor_new(NN_U8, t->ndim, t->shape, &err), &err);
        check_status(L, nn_tensor_assign(*slot, t, &err), &err);
        return 1;
    }
    nn_dtype dtype = check_dtype(L, 2);
    if (lua_type(L, 1) == LUA_TNUMBER) {
        nn_tensor **slot = new_slot(L);
        *slot = checked(L, nn_tensor_new(dtype, 1, (int[]){1}, &err), &err);
        check_status(L, nn_tensor_set(*slot, 0, (float)lua_tonumber(L, 1), &err), &err);
        return 1;
    }
    luaL_argexpected(L, lua_istable(L, 1), 1, "table, tensor or number");
    tensor_from_table(L, 1, dtype, "argument #1 to 'tensor'");
    return 1;
}

/* A new float32 tensor of the shape given from argument 1, filled with v. */
static nn_tensor *new_filled(lua_State *L, int varargs, float v)
{
    int shape[NN_MAX_DIMS];
    int ndim = check_shape(L, 1, varargs, shape);
    nn_error err;
    nn_tensor **slot = new_slot(L);
    *slot = checked(L, nn_tensor_new(NN_F32, ndim, shape, &err), &err);
    if (v != 0.0f)
        nn_tensor_fill(*slot, v, &err);
    return *slot;
}

/* nn.zeros{2, 3} (or nn.zeros(2, 3)); nn.ones likewise; nn.full({2, 3}, v). */
static int l_zeros(lua_State *L) { new_filled(L, 1, 0.0f); return 1; }
static int l_ones(lua_State *L) { new_filled(L, 1, 1.0f); return 1; }

static int l_full(lua_State *L)
{
    float v = (float)luaL_checknumber(L, 2);
    lua_settop(L, 2);
    new_filled(L, 0, v);
    return 1;
}

/* nn.rand{...}: uniform in [0, 1); nn.randn{...}: standard normal. Both draw
** from the session's generator (nn.utils.set_random_seed). */
static int l_rand(lua_State *L)
{
    nn_error err;
    check_status(L, nn_tensor_fill_uniform(new_filled(L, 1, 0.0f), repl_rng(L), 0.0f, 1.0f,
                                           &err), &err);
    return 1;
}

static int l_randn(lua_State *L)
{
    nn_error err;
    check_status(L, nn_tensor_fill_normal(new_filled(L, 1, 0.0f), repl_rng(L), 0.0f, 1.0f,
                                          &err), &err);
    return 1;
}

/* nn.arange(n) is 0, 1, ..., n-1; nn.arange(a, b [, step]) is a, a+step, ... < b. */
static int l_arange(lua_State *L)
{
    double start = 0.0, stop, step = luaL_optnumber(L, 3, 1.0);
    if (lua_isnoneornil(L, 2)) {
        stop = luaL_checknumber(L, 1);
    } else {
        start = luaL_checknumber(L, 1);
        stop = luaL_checknumber(L, 2);
    }
    nn_error err;
    nn_tensor **slot = new_slot(L);
    *slot = checked(L, nn_tensor_arange(start, stop, step, &err), &err);
    return 1;
}

/* nn.linspace(a, b [, n = 50]): n values from a to b, both included. */
static int l_linspace(lua_State *L)
{
    double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
    int n = lua_isnoneornil(L, 3) ? 50 : check_int(L, 3);
    nn_error err;
    nn_tensor **slot = new_slot(L);
    *slot = checked(L, nn_tensor_linspace(a, b, n, &err), &err);
    return 1;
}

/* nn.eye(n [, m]): the identity matrix (n, n), or (n, m). */
static int l_eye(lua_State *L)
{
    int n = check_int(L, 1);
    int m = lua_isnoneornil(L, 2) ? n : check_int(L, 2);
    nn_error err;
    nn_tensor **slot = new_slot(L);
    *slot = checked(L, nn_tensor_eye(n, m, &err), &err);
    return 1;
}

/* nn.concatenate({a, b, ...} [, axis = 1]): numpy's concatenate. */
static int l_concatenate(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    luaL_argcheck(L, n >= 1 && n <= 100000, 1, "a list of 1 to 100000 tensors expected");
    const nn_tensor **ts = lua_newuserdatauv(L, (size_t)n * sizeof *ts, 0);
    lua_newtable(L);            /* keeps the tensors made from tables alive */
    int keep = lua_gettop(L);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        lua_pushfstring(L, "entry %I of argument #1 to 'concatenate'", (LUAI_UACINT)i);
        ts[i - 1] = repl_tensor_from_arg(L, keep + 1, lua_tostring(L, keep + 2));
        if (lua_gettop(L) > keep + 2)
            lua_rawseti(L, keep, i);
        lua_settop(L, keep);
    }
    int axis = 0;
    if (!lua_isnoneornil(L, 2)) {
        lua_Integer a = luaL_checkinteger(L, 2);
        int nd = ts[0]->ndim;
        luaL_argcheck(L, a != 0 && a >= -nd && a <= nd, 2,
                      lua_pushfstring(L, "axis %I is out of range for %d-D tensors; "
                                      "axes are 1..%d, or -1 for the last",
                                      (LUAI_UACINT)a, nd, nd));
        axis = a > 0 ? (int)a - 1 : nd + (int)a;
    }
    nn_error err;
    return push_checked(L, nn_tensor_concat(ts, (int)n, axis, &err), &err);
}

/* ------------------------------------------------------------ arithmetic */

static const char *const op_symbol[] = {
    "+", "-", "*", "/", "^", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
};

/* a (op) b for the values at 1 and 2: tensors, numbers or tables of numbers. */
static int binary(lua_State *L, nn_binop op)
{
    char what[64];
    snprintf(what, sizeof what, "operand of '%s'", op_symbol[op]);
    nn_error err;
    nn_tensor *r;
    if (lua_type(L, 1) == LUA_TNUMBER && repl_tensor_test(L, 2)) {
        r = nn_tensor_scalar(op, repl_tensor_test(L, 2), (float)lua_tonumber(L, 1), 1, &err);
    } else if (lua_type(L, 2) == LUA_TNUMBER && repl_tensor_test(L, 1)) {
        r = nn_tensor_scalar(op, repl_tensor_test(L, 1), (float)lua_tonumber(L, 2), 0, &err);
    } else {
        nn_tensor *a = repl_tensor_from_arg(L, 1, what);
        nn_tensor *b = repl_tensor_from_arg(L, 2, what);
        r = nn_tensor_binary(op, a, b, &err);
    }
    return push_checked(L, r, &err);
}

static int l_add(lua_State *L) { return binary(L, NN_ADD); }
static int l_sub(lua_State *L) { return binary(L, NN_SUB); }
static int l_mul(lua_State *L) { return binary(L, NN_MUL); }
static int l_div(lua_State *L) { return binary(L, NN_DIV); }
static int l_pow(lua_State *L) { return binary(L, NN_POW); }
static int l_maximum(lua_State *L) { return binary(L, NN_MAX); }
static int l_minimum(lua_State *L) { return binary(L, NN_MIN); }
static int m_eq(lua_State *L) { repl_tensor_check(L, 1); return binary(L, NN_EQ); }
static int m_ne(lua_State *L) { repl_tensor_check(L, 1); return binary(L, NN_NE); }
static int m_lt(lua_State *L) { repl_tensor_check(L, 1); return binary(L, NN_LT); }
static int m_le(lua_State *L) { repl_tensor_check(L, 1); return binary(L, NN_LE); }
static int m_gt(lua_State *L) { repl_tensor_check(L, 1); return binary(L, NN_GT); }
static int m_ge(lua_State *L) { repl_tensor_check(L, 1); return binary(L, NN_GE); }

static int unary(lua_State *L, nn_unop op)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    return push_checked(L, nn_tensor_unary(op, t, &err), &err);
}

static int l_unm(lua_State *L) { return unary(L, NN_NEG); }
static int m_abs(lua_State *L) { return unary(L, NN_ABS); }
static int m_exp(lua_State *L) { return unary(L, NN_EXP); }
static int m_log(lua_State *L) { return unary(L, NN_LOG); }
static int m_sqrt(lua_State *L) { return unary(L, NN_SQRT); }
static int m_square(lua_State *L) { return unary(L, NN_SQUARE); }
static int m_relu(lua_State *L) { return unary(L, NN_RELU); }
static int m_sigmoid(lua_State *L) { return unary(L, NN_SIGMOID); }
static int m_tanh(lua_State *L) { return unary(L, NN_TANH); }

static int m_matmul(lua_State *L)
{
    nn_tensor *a = repl_tensor_check(L, 1);
    nn_tensor *b = repl_tensor_from_arg(L, 2, "argument #1 to 'matmul'");
    nn_error err;
    return push_checked(L, nn_tensor_matmul(a, b, &err), &err);
}

static int m_transpose(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    return push_checked(L, nn_tensor_transpose(t, &err), &err);
}

/* t:sum([axis]) and the like: a number without an axis (or for a rank-1
** tensor), else a tensor with that axis removed. */
static int reduce(lua_State *L, nn_reduce_op op)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    if (lua_isnoneornil(L, 2)) {
        lua_pushnumber(L, nn_tensor_reduce_all(op, t));
        return 1;
    }
    int axis = check_axis(L, 2, t);
    if (t->ndim == 1) {
        lua_pushnumber(L, nn_tensor_reduce_all(op, t));
        return 1;
    }
    nn_error err;
    return push_checked(L, nn_tensor_reduce(op, t, axis, &err), &err);
}

static int m_sum(lua_State *L) { return reduce(L, NN_SUM); }
static int m_mean(lua_State *L) { return reduce(L, NN_MEAN); }
static int m_max(lua_State *L) { return reduce(L, NN_RMAX); }
static int m_min(lua_State *L) { return reduce(L, NN_RMIN); }

/* t:argmax(): 0-based indices along the last axis (as numpy and Keras give
** class indices); a number for a rank-1 tensor. */
static int m_argmax(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    nn_tensor **slot = new_slot(L);
    *slot = checked(L, nn_tensor_argmax(t, &err), &err);
    if (t->ndim == 1)
        lua_pushinteger(L, (lua_Integer)nn_tensor_f32(*slot)[0]);
    return 1;
}

/* ---------------------------------------------------------------- shapes */

static int m_shape(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    lua_createtable(L, t->ndim, 0);
    for (int i = 0; i < t->ndim; i++) {
        lua_pushinteger(L, t->shape[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int m_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)repl_tensor_check(L, 1)->size);
    return 1;
}

static int m_dtype(lua_State *L)
{
    lua_pushstring(L, repl_tensor_check(L, 1)->dtype == NN_U8 ? "uint8" : "float32");
    return 1;
}

static int l_len(lua_State *L)
{
    lua_pushinteger(L, repl_tensor_check(L, 1)->shape[0]);
    return 1;
}

/* t:reshape{...} (or t:reshape(a, b)): a view; one entry may be -1. */
static int m_reshape(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    int shape[NN_MAX_DIMS];
    int ndim = check_shape(L, 2, 1, shape);
    nn_error err;
    return push_checked(L, nn_tensor_reshape(t, ndim, shape, &err), &err);
}

/* t:flatten(): a rank-1 copy (numpy's flatten copies; reshape{-1} is the view). */
static int m_flatten(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    nn_tensor **copy = new_slot(L);
    *copy = checked(L, nn_tensor_clone(t, &err), &err);
    return push_checked(L, nn_tensor_reshape(*copy, 1, (int[]){-1}, &err), &err);
}

/* t:slice(first [, last = -1]): rows first..last (1-based, inclusive; negative
** counts from the end), a view sharing t's memory. */
static int m_slice(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    int first = axis_position(L, luaL_checkinteger(L, 2), t, 0);
    int last = axis_position(L, luaL_optinteger(L, 3, -1), t, 0);
    if (last < first)
        luaL_error(L, "slice: the last row (%d) comes before the first (%d)", last + 1,
                   first + 1);
    nn_error err;
    return push_checked(L, nn_tensor_slice_rows(t, first, last - first + 1, &err), &err);
}

/* t:gather(rows): the listed rows (1-based; a table or a tensor of whole
** numbers), in that order, copied: numpy's t[rows]. */
static int m_gather(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_tensor *idx = repl_tensor_from_arg(L, 2, "argument #1 to 'gather'");
    luaL_argcheck(L, idx->size <= INT_MAX, 2, "too many indices");
    int *rows = lua_newuserdatauv(L, idx->size * sizeof *rows, 0);
    for (size_t i = 0; i < idx->size; i++) {
        float v = nn_tensor_get(idx, i);
        if (v != floorf(v) || fabsf(v) > 2e9f)
            luaL_argerror(L, 2, lua_pushfstring(L, "row indices must be whole numbers, "
                                                "entry %d is %f", (int)i + 1, (double)v));
        rows[i] = axis_position(L, (lua_Integer)v, t, 0);
    }
    nn_error err;
    return push_checked(L, nn_gather_rows(t, rows, (int)idx->size, &err), &err);
}

/* ---------------------------------------------------------------- values */

static int m_clone(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    return push_checked(L, nn_tensor_clone(t, &err), &err);
}

static int m_float(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    return push_checked(L, nn_tensor_to_f32(t, &err), &err);
}

static void push_element(lua_State *L, const nn_tensor *t, size_t i)
{
    if (t->dtype == NN_U8)
        lua_pushinteger(L, nn_tensor_u8(t)[i]);
    else
        lua_pushnumber(L, nn_tensor_f32(t)[i]);
}

static size_t push_nested(lua_State *L, const nn_tensor *t, int depth, size_t at)
{
    int n = t->shape[depth];
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        if (depth == t->ndim - 1 || depth + 1 >= NN_MAX_DIMS)
            push_element(L, t, at++);
        else
            at = push_nested(L, t, depth + 1, at);
        lua_rawseti(L, -2, i + 1);
    }
    return at;
}

/* t:totable(): nested Lua tables of numbers. */
static int m_totable(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    luaL_checkstack(L, NN_MAX_DIMS + 2, NULL);
    push_nested(L, t, 0, 0);
    return 1;
}

static int m_item(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    if (t->size != 1) {
        char buf[96];
        luaL_error(L, "item: only a tensor of one element converts to a number, this one has "
                   "shape %s", shape_text(buf, sizeof buf, t));
    }
    push_element(L, t, 0);
    return 1;
}

/* The 0-based indices of arguments first..last (1-based Lua indices). */
static int check_indices(lua_State *L, const nn_tensor *t, int first, int last, int *idx)
{
    int n = last - first + 1;
    if (n < 1 || n > t->ndim)
        luaL_error(L, "%d indices for a %d-D tensor (1 to %d expected)", n, t->ndim, t->ndim);
    for (int i = 0; i < n; i++)
        idx[i] = axis_position(L, luaL_checkinteger(L, first + i), t, i);
    return n;
}

/* The element at idx[0..n-1] as a number when n == ndim, else a view. */
static int push_at(lua_State *L, nn_tensor *t, int n, const int *idx)
{
    nn_error err;
    if (n == t->ndim) {
        size_t off = 0;
        check_status(L, nn_tensor_offset(t, n, idx, &off, &err), &err);
        push_element(L, t, off);
        return 1;
    }
    return push_checked(L, nn_tensor_index(t, n, idx, &err), &err);
}

/* Store the value at `v` (a number, tensor or table, broadcast) at idx[0..n-1]. */
static void store_at(lua_State *L, nn_tensor *t, int n, const int *idx, int v)
{
    nn_error err;
    if (n == t->ndim) {
        size_t off = 0;
        if (lua_type(L, v) != LUA_TNUMBER)
            luaL_error(L, "a tensor element can only be set to a number, not %s",
                       type_name(L, v));
        check_status(L, nn_tensor_offset(t, n, idx, &off, &err), &err);
        check_status(L, nn_tensor_set(t, off, (float)lua_tonumber(L, v), &err), &err);
        return;
    }
    nn_tensor **part = new_slot(L);
    *part = checked(L, nn_tensor_index(t, n, idx, &err), &err);
    if (lua_type(L, v) == LUA_TNUMBER) {
        check_status(L, nn_tensor_fill(*part, (float)lua_tonumber(L, v), &err), &err);
        return;
    }
    nn_tensor *src = repl_tensor_from_arg(L, v, "value to store in a tensor");
    check_status(L, nn_tensor_assign(*part, src, &err), &err);
}

/* t:get(i, j, ...): the element (a number) or, with fewer indices, a view. */
static int m_get(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    int idx[NN_MAX_DIMS];
    int n = check_indices(L, t, 2, lua_gettop(L), idx);
    return push_at(L, t, n, idx);
}

/* t:set(i, j, ..., value): store a number, or broadcast a tensor into a part. */
static int m_set(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    int top = lua_gettop(L);
    int idx[NN_MAX_DIMS];
    int n = check_indices(L, t, 2, top - 1, idx);
    store_at(L, t, n, idx, top);
    lua_settop(L, 1);
    return 1;
}

/* t:fill(v): every element set to v, in place; returns t. */
static int m_fill(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    nn_error err;
    check_status(L, nn_tensor_fill(t, (float)luaL_checknumber(L, 2), &err), &err);
    lua_settop(L, 1);
    return 1;
}

/* ------------------------------------------------------------ metamethods */

/* The integer a key stands for, or a Lua error when it is a fractional number. */
static lua_Integer key_index(lua_State *L, int k)
{
    int isint = 0;
    lua_Integer i = lua_tointegerx(L, k, &isint);
    if (!isint)
        luaL_error(L, "a tensor index must be a whole number, got %s", lua_tostring(L, k));
    return i;
}

/* t[i] (a row view, or a number for rank 1), t.T, and the methods. */
static int l_index(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        int i = axis_position(L, key_index(L, 2), t, 0);
        return push_at(L, t, 1, &i);
    }
    if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "T") == 0)
        return m_transpose(L);
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

/* t[i] = v: a number for rank 1; a number, tensor or table broadcast into row i. */
static int l_newindex(lua_State *L)
{
    nn_tensor *t = repl_tensor_check(L, 1);
    if (lua_type(L, 2) != LUA_TNUMBER)
        luaL_error(L, "a tensor has no field '%s' to set (only t[i] = value)",
                   luaL_tolstring(L, 2, NULL));
    int i = axis_position(L, key_index(L, 2), t, 0);
    store_at(L, t, 1, &i, 3);
    return 0;
}

static int l_tostring(lua_State *L)
{
    nn_tensor **slot = luaL_checkudata(L, 1, TENSOR_MT);
    if (!*slot) {
        lua_pushliteral(L, "tensor(closed)");
        return 1;
    }
    char *s = nn_tensor_format(*slot);
    if (!s)
        return luaL_error(L, "out of memory printing a tensor");
    lua_pushstring(L, s);
    free(s);
    return 1;
}

static int l_gc(lua_State *L)
{
    nn_tensor **slot = luaL_checkudata(L, 1, TENSOR_MT);
    nn_tensor_free(*slot);
    *slot = NULL;
    return 0;
}

/* ------------------------------------------------------------------ tables */

static const luaL_Reg tensor_methods[] = {
    {"shape", m_shape},
    {"size", m_size},
    {"numel", m_size},
    {"dtype", m_dtype},
    {"reshape", m_reshape},
    {"flatten", m_flatten},
    {"slice", m_slice},
    {"gather", m_gather},
    {"matmul", m_matmul},
    {"transpose", m_transpose},
    {"sum", m_sum},
    {"mean", m_mean},
    {"max", m_max},
    {"min", m_min},
    {"argmax", m_argmax},
    {"abs", m_abs},
    {"exp", m_exp},
    {"log", m_log},
    {"sqrt", m_sqrt},
    {"square", m_square},
    {"relu", m_relu},
    {"sigmoid", m_sigmoid},
    {"tanh", m_tanh},
    {"eq", m_eq},
    {"ne", m_ne},
    {"lt", m_lt},
    {"le", m_le},
    {"gt", m_gt},
    {"ge", m_ge},
    {"clone", m_clone},
    {"float", m_float},
    {"totable", m_totable},
    {"item", m_item},
    {"get", m_get},
    {"set", m_set},
    {"fill", m_fill},
    {NULL, NULL},
};

static const luaL_Reg tensor_meta[] = {
    {"__newindex", l_newindex},
    {"__len", l_len},
    {"__tostring", l_tostring},
    {"__gc", l_gc},
    {"__close", l_gc},
    {"__add", l_add},
    {"__sub", l_sub},
    {"__mul", l_mul},
    {"__div", l_div},
    {"__pow", l_pow},
    {"__unm", l_unm},
    {NULL, NULL},
};

static const luaL_Reg tensor_functions[] = {
    {"tensor", l_tensor},
    {"zeros", l_zeros},
    {"ones", l_ones},
    {"full", l_full},
    {"arange", l_arange},
    {"linspace", l_linspace},
    {"eye", l_eye},
    {"rand", l_rand},
    {"randn", l_randn},
    {"concatenate", l_concatenate},
    {"maximum", l_maximum},
    {"minimum", l_minimum},
    {NULL, NULL},
};

void repl_open_tensor(lua_State *L, int nn)
{
    nn = lua_absindex(L, nn);
    luaL_newmetatable(L, TENSOR_MT);
    luaL_setfuncs(L, tensor_meta, 0);
    luaL_newlib(L, tensor_methods);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__methods");
    lua_pushcclosure(L, l_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    lua_pushvalue(L, nn);
    luaL_setfuncs(L, tensor_functions, 0);
    lua_pop(L, 1);

    if (lua_getfield(L, nn, "utils") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, nn, "utils");
    }
    lua_pushcfunction(L, set_random_seed);
    lua_setfield(L, -2, "set_random_seed");
    lua_pop(L, 1);
    repl_rng(L);
}
