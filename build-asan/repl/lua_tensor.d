build-asan/repl/lua_tensor.o: repl/lua_tensor.c repl/lua_tensor.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h nn/tensor.h \
 nn/error.h nn/rng.h /usr/include/lua5.4/lauxlib.h \
 /usr/include/lua5.4/lua.h repl/lua_nn.h nn/preprocess.h nn/tensor.h
repl/lua_tensor.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
nn/tensor.h:
nn/error.h:
nn/rng.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/lua.h:
repl/lua_nn.h:
nn/preprocess.h:
nn/tensor.h:
