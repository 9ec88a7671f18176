build-asan/repl/topics.o: repl/topics.c repl/shell.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h repl/repl.h
repl/shell.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
repl/repl.h:
