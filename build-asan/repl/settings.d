build-asan/repl/settings.o: repl/settings.c repl/shell.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h repl/repl.h
repl/shell.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
repl/repl.h:
