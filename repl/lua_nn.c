/* repl/lua_nn.c — assembles the `nn` module from its parts. */
#include "lua_nn.h"

#include <lauxlib.h>

#include "nn/nn.h"

int luaopen_nn(lua_State *L)
{
    lua_newtable(L);
    int nn = lua_gettop(L);
    lua_pushliteral(L, NN_VERSION);
    lua_setfield(L, nn, "__version");
    repl_open_tensor(L, nn);
    repl_open_data(L, nn);
    repl_open_augment(L, nn);
    repl_open_model(L, nn);
    repl_open_docs(L, nn);
    return 1;
}
