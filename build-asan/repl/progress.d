build-asan/repl/progress.o: repl/progress.c repl/progress.h
repl/progress.h:
