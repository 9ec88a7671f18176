/* repl/lua_augment.c — nn.preprocessing.random_shift, random_flip and a small
** ImageDataGenerator (Keras's, with width/height shifts and horizontal flips).
**
** The pixels move in the core (nn/augment.c); the generator is bookkeeping over
** batches, so it is written in Lua (the source below, compiled once). */
#include "lua_nn.h"

#include <lauxlib.h>
#include <string.h>

#include "lua_options.h"
#include "lua_tensor.h"
#include "nn/augment.h"
#include "repl.h"

/* The generator for one call: seeded with option `seed`, else the session's. */
static nn_rng *call_rng(lua_State *L, int opts, const char *fn, nn_rng *local)
{
    if (lua_istable(L, opts) && lua_getfield(L, opts, "seed") != LUA_TNIL) {
        lua_pop(L, 1);
        nn_rng_seed(local, (uint64_t)repl_opt_integer(L, opts, fn, "seed", 0));
        return local;
    }
    if (lua_istable(L, opts))
        lua_pop(L, 1);
    return repl_rng(L);
}

static int push_result(lua_State *L, nn_tensor *t, nn_error *err)
{
    if (!t)
        return luaL_error(L, "%s", err->msg);
    repl_tensor_push(L, t);
    return 1;
}

/* nn.preprocessing.random_shift(x, {width = 0, height = 0, seed = nil}) */
static int random_shift(lua_State *L)
{
    static const char *const known[] = {"width", "height", "seed", NULL};
    lua_settop(L, 2);
    nn_tensor *x = repl_tensor_from_arg(L, 1, "argument #1 to 'random_shift'");
    repl_check_options(L, 2, "random_shift", known, 0);
    double w = repl_opt_number(L, 2, "random_shift", "width", 0.0);
    double h = repl_opt_number(L, 2, "random_shift", "height", 0.0);
    nn_rng local;
    nn_rng *rng = call_rng(L, 2, "random_shift", &local);
    nn_error err;
    return push_result(L, nn_augment_random_shift(x, h, w, rng, &err), &err);
}

/* nn.preprocessing.random_flip(x, {seed = nil}) */
static int random_flip(lua_State *L)
{
    static const char *const known[] = {"seed", NULL};
    lua_settop(L, 2);
    nn_tensor *x = repl_tensor_from_arg(L, 1, "argument #1 to 'random_flip'");
    repl_check_options(L, 2, "random_flip", known, 0);
    nn_rng local;
    nn_rng *rng = call_rng(L, 2, "random_flip", &local);
    nn_error err;
    return push_result(L, nn_augment_random_flip(x, rng, &err), &err);
}

/* check(opts, fname, {"known", ...}): repl_check_options for the Lua code. */
static int check_options(lua_State *L)
{
    const char *known[8];
    const char *fname = luaL_checkstring(L, 2);
    int n = (int)luaL_len(L, 3);
    luaL_argcheck(L, n < 8, 3, "too many option names");
    for (int i = 0; i < n; i++) {
        lua_geti(L, 3, i + 1);
        known[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    known[n] = NULL;
    repl_check_options(L, 1, fname, known, 0);
    return 0;
}

/* Called with (nn, check); returns the ImageDataGenerator constructor. A flow
** is endless, as Keras's: each pass over the data (#flow batches) takes a new
** order when shuffling; with a seed, pass k's order and batch b's transforms
** are seeded from it, so the same seed gives the same batches. */
static const char generator_source[] =
    "local nn, check = ...\n"
    "local pre = nn.preprocessing\n"
    "local Generator = {}\n"
    "Generator.__index = Generator\n"
    "local Flow = {}\n"
    "Flow.__index = Flow\n"
    "local function number(opts, fn, key)\n"
    "  local v = opts[key] or 0\n"
    "  if type(v) ~= 'number' or v < 0 then\n"
    "    error(fn .. ': ' .. key .. ' must be a number >= 0', 3)\n"
    "  end\n"
    "  return v\n"
    "end\n"
    "local function ImageDataGenerator(opts)\n"
    "  opts = opts or {}\n"
    "  check(opts, 'ImageDataGenerator',\n"
    "        {'width_shift_range', 'height_shift_range', 'horizontal_flip'})\n"
    "  return setmetatable({\n"
    "    width_shift_range = number(opts, 'ImageDataGenerator', 'width_shift_range'),\n"
    "    height_shift_range = number(opts, 'ImageDataGenerator', 'height_shift_range'),\n"
    "    horizontal_flip = opts.horizontal_flip and true or false,\n"
    "  }, Generator)\n"
    "end\n"
    "function Generator:random_transform(x, seed)\n"
    "  if self.width_shift_range > 0 or self.height_shift_range > 0 then\n"
    "    x = pre.random_shift(x, {width = self.width_shift_range,\n"
    "                             height = self.height_shift_range, seed = seed})\n"
    "  end\n"
    "  if self.horizontal_flip then\n"
    "    x = pre.random_flip(x, {seed = seed and seed + 1})\n"
    "  end\n"
    "  return x:float()\n"
    "end\n"
    "function Generator:flow(x, y, opts)\n"
    "  if opts == nil and type(y) == 'table' and y[1] == nil then\n"
    "    y, opts = nil, y\n"
    "  end\n"
    "  if type(x) == 'table' then x = nn.tensor(x) end\n"
    "  if type(y) == 'table' then y = nn.tensor(y) end\n"
    "  opts = opts or {}\n"
    "  check(opts, 'flow', {'batch_size', 'shuffle', 'seed'})\n"
    "  local n = x:shape()[1]\n"
    "  if y and y:shape()[1] ~= n then\n"
    "    error(('flow: x has %d samples but y has %d'):format(n, y:shape()[1]), 2)\n"
    "  end\n"
    "  local bs = opts.batch_size or 32\n"
    "  if math.type(bs) ~= 'integer' or bs < 1 then\n"
    "    error('flow: batch_size must be a positive integer', 2)\n"
    "  end\n"
    "  local shuffle = opts.shuffle == nil or opts.shuffle\n"
    "  return setmetatable({generator = self, x = x, y = y, batch_size = bs, n = n,\n"
    "                       shuffle = shuffle, seed = opts.seed, pass = 0, batch = 0,\n"
    "                       steps = (n + bs - 1) // bs, at = n + 1}, Flow)\n"
    "end\n"
    "function Flow:next()\n"
    "  if self.at > self.n then\n"
    "    self.pass, self.at = self.pass + 1, 1\n"
    "    local rows = nn.arange(1, self.n + 1)\n"
    "    if self.shuffle then\n"
    "      rows = nn.utils.shuffle(rows, {random_state = self.seed and\n"
    "                                     self.seed * 7919 + self.pass})\n"
    "    end\n"
    "    self.rows = rows\n"
    "  end\n"
    "  local last = math.min(self.at + self.batch_size - 1, self.n)\n"
    "  local rows = self.rows:slice(self.at, last)\n"
    "  self.at = last + 1\n"
    "  self.batch = self.batch + 1\n"
    "  local seed = self.seed and self.seed * 104729 + 2 * self.batch\n"
    "  local xb = self.generator:random_transform(self.x:gather(rows), seed)\n"
    "  if self.y then return xb, self.y:gather(rows) end\n"
    "  return xb\n"
    "end\n"
    "Flow.__len = function(self) return self.steps end\n"
    "Flow.__call = function(self) return self:next() end\n"
    "Flow.__tostring = function(self)\n"
    "  return ('<flow: %d samples, %d batches of %d>'):format(self.n, self.steps,\n"
    "                                                        self.batch_size)\n"
    "end\n"
    "return ImageDataGenerator\n";

static const char *const docs[][4] = {
    {"preprocessing.random_shift",
     "nn.preprocessing.random_shift(x, {width = 0, height = 0, seed = nil})",
     "Each image of x (N, H, W, C) or (N, H, W) moved by its own random whole number of\n"
     "pixels, up to width * W sideways and height * H up or down (1 or more: pixels), zeros\n"
     "filling in, as Keras's width/height_shift_range with fill_mode \"constant\". Returns a\n"
     "new float32 tensor; seed makes it repeatable.",
     "local x = nn.rand{4, 28, 28, 1}\n"
     "local shifted = nn.preprocessing.random_shift(x, {width = 0.1, height = 0.1, seed = 1})"},
    {"preprocessing.random_flip", "nn.preprocessing.random_flip(x, {seed = nil})",
     "Each image of a batch x (N, H, W, C) or (N, H, W) mirrored left to right\n"
     "with probability 1/2 (Keras's horizontal_flip). Returns a new float32 tensor.",
     "local x = nn.rand{4, 28, 28, 1}\n"
     "local flipped = nn.preprocessing.random_flip(x, {seed = 1})"},
    {"preprocessing.ImageDataGenerator",
     "nn.preprocessing.ImageDataGenerator{width_shift_range = 0, height_shift_range = 0,\n"
     "                                     horizontal_flip = false}",
     "Keras's augmenting generator (shifts, flips). gen:flow(x, y, {batch_size = 32, shuffle\n"
     "= true, seed = nil}) is an endless flow of augmented batches: flow:next() returns\n"
     "x_batch, y_batch and #flow the batches per pass, so model:fit(flow, {epochs = ...})\n"
     "trains on it.",
     "local x, y = nn.rand{64, 8, 8, 1}, nn.zeros{64}\n"
     "local gen = nn.preprocessing.ImageDataGenerator{width_shift_range = 0.1,\n"
     "                                                horizontal_flip = true}\n"
     "local flow = gen:flow(x, y, {batch_size = 16, seed = 1})\n"
     "local xb, yb = flow:next()   -- 16 augmented images and their labels"},
};

void repl_open_augment(lua_State *L, int nn)
{
    lua_getfield(L, nn, "preprocessing");
    int pre = lua_gettop(L);
    lua_pushcfunction(L, random_shift);
    lua_setfield(L, pre, "random_shift");
    lua_pushcfunction(L, random_flip);
    lua_setfield(L, pre, "random_flip");
    if (luaL_loadbufferx(L, generator_source, sizeof generator_source - 1,
                         "=nn.preprocessing", "t") != LUA_OK)
        lua_error(L);
    lua_pushvalue(L, nn);
    lua_pushcfunction(L, check_options);
    lua_call(L, 2, 1);
    lua_setfield(L, pre, "ImageDataGenerator");
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "nn.%s", docs[i][0]);
        lua_getfield(L, pre, strchr(docs[i][0], '.') + 1);
        repl_doc(L, -1, name, docs[i][1], docs[i][2], docs[i][3]);
        lua_pop(L, 1);
    }
    lua_settop(L, pre - 1);
}
