build-asan/repl/lua_viz.o: repl/lua_viz.c repl/lua_nn.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h
repl/lua_nn.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
