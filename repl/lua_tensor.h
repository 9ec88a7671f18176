/* repl/lua_tensor.h — nn_tensor as a Lua userdata (metatable "nn.Tensor"). */
#ifndef REPL_LUA_TENSOR_H
#define REPL_LUA_TENSOR_H

#include <lua.h>

#include "nn/tensor.h"

/* Push `t` as a new Lua tensor; Lua owns it from now on (freed by __gc).
** Pushes nil when t is NULL. */
void repl_tensor_push(lua_State *L, nn_tensor *t);

/* The tensor at stack index `idx`, or a Lua argument error naming the argument. */
nn_tensor *repl_tensor_check(lua_State *L, int idx);

/* The tensor at `idx` if it is one (and not closed), else NULL. */
nn_tensor *repl_tensor_test(lua_State *L, int idx);

/* A tensor from a tensor, a number, or a (nested) Lua table of numbers (or of
** tensors) at `idx`. A table or a number is converted into a new float32 tensor
** that is pushed onto the stack (so Lua owns it: keep it there while it is in
** use); a tensor argument is returned as is and nothing is pushed. Raises a Lua
** error for a closed tensor or a ragged or non-numeric table, naming `what`:
** "bad argument #2 to 'fit' (...)" when what is "argument #2 to 'fit'", else
** "what: ..." ("validation_data[1]: ..."). */
nn_tensor *repl_tensor_from_arg(lua_State *L, int idx, const char *what);

/* The session's random generator (kept in the registry, seeded with 42 and
** reseeded by nn.utils.set_random_seed); nn.rand and nn.randn draw from it.
** Valid as long as the lua_State. */
nn_rng *repl_rng(lua_State *L);

#endif
