/* repl/lua_data.c — Lua bindings (being written). */
#include "lua_nn.h"

void repl_open_data(lua_State *L, int nn)
{
    (void)L;
    (void)nn;
}
