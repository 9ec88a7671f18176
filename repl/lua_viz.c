/* repl/lua_viz.c — the `viz` Lua module (being written). */
#include "lua_nn.h"

int luaopen_viz(lua_State *L)
{
    lua_newtable(L);
    return 1;
}
