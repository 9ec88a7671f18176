/* repl/lua_model.c — Lua bindings (being written). */
#include "lua_nn.h"

void repl_open_model(lua_State *L, int nn)
{
    (void)L;
    (void)nn;
}
