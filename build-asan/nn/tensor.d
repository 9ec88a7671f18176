build-asan/nn/tensor.o: nn/tensor.c nn/tensor.h nn/error.h nn/rng.h
nn/tensor.h:
nn/error.h:
nn/rng.h:
