build-asan/repl/help.o: repl/help.c repl/shell.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h repl/repl.h \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/lua.h
repl/shell.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
repl/repl.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/lua.h:
