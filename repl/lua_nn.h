/* repl/lua_nn.h — the Lua modules `nn` and `viz`, and how their parts are opened.
**
** luaopen_nn builds the `nn` table by calling each part's opener with the table
** at stack index `nn`; each opener adds its functions and sub-tables to it. */
#ifndef REPL_LUA_NN_H
#define REPL_LUA_NN_H

#include <lua.h>

int luaopen_nn(lua_State *L);
int luaopen_viz(lua_State *L);

void repl_open_tensor(lua_State *L, int nn);    /* nn.tensor, nn.zeros, ... (lua_tensor.c) */
void repl_open_data(lua_State *L, int nn);      /* nn.datasets, nn.utils, nn.preprocessing */
/* nn.preprocessing.random_shift, random_flip, ImageDataGenerator (lua_augment.c) */
void repl_open_augment(lua_State *L, int nn);
void repl_open_model(lua_State *L, int nn);     /* layers, models, optimizers, losses */
void repl_open_docs(lua_State *L, int nn);      /* help() entries for all of nn (lua_docs.c) */

#endif
