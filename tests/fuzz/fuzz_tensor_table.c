/* tests/fuzz/fuzz_tensor_table.c — libFuzzer target for the Lua-table-to-tensor
** conversion (repl_tensor_from_arg in repl/lua_tensor.h).
**
** The input is a small program that builds Lua values on a stack, one byte an
** instruction (its value modulo 10), some followed by an operand byte:
**   0 v  push a number from a list of awkward ones (NaN, +-Inf, -0, 1e39, 2^53 + 1, ...)
**   1    push a new table
**   2    append the top value to the table under it (t[#t + 1] = v), pop it
**   3 k  set t[k - 2] = v (keys -2 to 253: holes, 0, negatives), pop v
**   4 s  push a string (numeric-looking ones included)
**   5    push true
**   6 d  push a tensor: float32 or uint8, 1 to 3 dimensions of 1 to 3, from d's bits
**   7 i  push a copy of stack entry i (shared sub-tables, a table inside itself)
**   8    push nil
**   9    pop
** The top value is then converted under lua_pcall. Checked on every input: the
** conversion returns a tensor given as it is, a new float32 tensor for anything else,
** or raises a Lua error naming the argument; it never crashes; a tensor it returns
** holds exactly the numbers a plain walk of the value finds (tables by their raw
** length, tensors by their elements), in order.
*/
#include "tests/fuzz/fuzz.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>

#include "repl/lua_nn.h"
#include "repl/lua_tensor.h"

#define MAX_STACK 64
#define MAX_LEAVES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const double numbers[] = {
    0.0, 1.0, -1.0, 0.5, 255.0, 256.0, -0.0, 1e39, -1e39, 1e-45, 9007199254740993.0, 3.0,
};

static const char *const strings[] = {"x", "1.5", "0x10", "", "nan", " 2 "};

/* The numbers in the value on top of the stack, in the order a tensor of it holds them;
** -1 when it has something else (a string, a boolean, nil) or too many. */
static long walk(lua_State *L, float *out, long n, int depth)
{
    nn_tensor *t = repl_tensor_test(L, -1);
    if (t) {
        if (n + (long)t->size > MAX_LEAVES)
            return -1;
        for (size_t i = 0; i < t->size; i++)
            out[n++] = nn_tensor_get(t, i);
        return n;
    }
    if (lua_type(L, -1) == LUA_TNUMBER) {
        if (n >= MAX_LEAVES)
            return -1;
        out[n++] = (float)lua_tonumber(L, -1);
        return n;
    }
    if (!lua_istable(L, -1) || depth > NN_MAX_DIMS)
        return -1;
    lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= len && n >= 0; i++) {
        lua_rawgeti(L, -1, i);
        n = walk(L, out, n, depth + 1);
        lua_pop(L, 1);
    }
    return n;
}

static int same(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Under lua_pcall: convert the value at 1 and compare with the walk. */
static int convert(lua_State *L)
{
    static float leaves[MAX_LEAVES];
    lua_settop(L, 1);
    nn_tensor *given = repl_tensor_test(L, 1);
    nn_tensor *t = repl_tensor_from_arg(L, 1, "argument #1 to 'fuzz'");
    if (given && t != given)
        fuzz_fail("a tensor argument was not returned as it is", NULL);
    if (!t || (!given && t->dtype != NN_F32) || t->ndim < 1 || t->ndim > NN_MAX_DIMS)
        fuzz_fail("the conversion returned no float32 tensor", NULL);
    lua_pushvalue(L, 1);
    long n = walk(L, leaves, 0, 0);
    lua_pop(L, 1);
    if (n < 0)
        fuzz_fail("a value with something other than numbers became a tensor", NULL);
    if ((size_t)n != t->size)
        fuzz_fail("the tensor's size differs from the numbers in the value", NULL);
    for (long i = 0; i < n; i++)
        if (!same(nn_tensor_get(t, (size_t)i), leaves[i]))
            fuzz_fail("a tensor element differs from the value's number", NULL);
    return 0;
}

static void push_tensor(lua_State *L, uint8_t d)
{
    int ndim = 1 + d % 3, shape[3];
    for (int i = 0; i < ndim; i++)
        shape[i] = 1 + (d >> (2 + 2 * i)) % 3;
    nn_error err;
    nn_tensor *t = nn_tensor_new((d & 0x80) ? NN_U8 : NN_F32, ndim, shape, &err);
    if (!t)
        fuzz_fail("cannot make a small tensor", err.msg);
    for (size_t i = 0; i < t->size; i++) {
        if (t->dtype == NN_U8)
            nn_tensor_u8(t)[i] = (uint8_t)(i * 37 + d);
        else
            nn_tensor_f32(t)[i] = (float)i - 1.5f;
    }
    repl_tensor_push(L, t);
}

/* Run the program; leaves the built values on the stack. */
static void build(lua_State *L, const uint8_t *data, size_t size)
{
    for (size_t pc = 0; pc < size; pc++) {
        int op = data[pc] % 10, top = lua_gettop(L);
        uint8_t arg = pc + 1 < size ? data[pc + 1] : 0;
        if (top >= MAX_STACK && op != 2 && op != 3 && op != 9)
            continue;
        switch (op) {
        case 0: lua_pushnumber(L, numbers[arg % (sizeof numbers / sizeof *numbers)]); pc++;
                if (arg >= 128) {
                    lua_pop(L, 1);
                    lua_pushinteger(L, arg == 255 ? LUA_MAXINTEGER : (lua_Integer)arg - 200);
                }
                break;
        case 1: lua_newtable(L); break;
        case 2: if (top >= 2 && lua_istable(L, -2))
                    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
                break;
        case 3: pc++;
                if (top >= 2 && lua_istable(L, -2))
                    lua_rawseti(L, -2, (lua_Integer)arg - 2);
                break;
        case 4: lua_pushstring(L, strings[arg % (sizeof strings / sizeof *strings)]); pc++;
                break;
        case 5: lua_pushboolean(L, 1); break;
        case 6: push_tensor(L, arg); pc++; break;
        case 7: pc++;
                if (top >= 1)
                    lua_pushvalue(L, 1 + arg % top);
                break;
        case 8: lua_pushnil(L); break;
        case 9: if (top >= 1)
                    lua_pop(L, 1);
                break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lua_State *L;
    if (!L) {
        L = luaL_newstate();
        luaL_openlibs(L);
        lua_newtable(L);
        repl_open_tensor(L, -1);
        lua_setglobal(L, "nn");
    }
    lua_settop(L, 0);
    lua_checkstack(L, MAX_STACK + 8);
    build(L, data, size);
    if (lua_gettop(L) == 0)
        return 0;
    int top = lua_gettop(L);
    lua_pushcfunction(L, convert);
    lua_pushvalue(L, top);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (!msg || !strstr(msg, "argument #1 to 'fuzz'"))
            fuzz_fail("a conversion error that does not name the argument", msg);
    }
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
