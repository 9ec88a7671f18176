build-asan/nn/json.o: nn/json.c nn/json.h nn/error.h
nn/json.h:
nn/error.h:
