build-asan/nn/activation.o: nn/activation.c nn/activation.h nn/error.h
nn/activation.h:
nn/error.h:
