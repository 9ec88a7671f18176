build-asan/nn/idx.o: nn/idx.c nn/idx.h nn/tensor.h nn/error.h nn/rng.h
nn/idx.h:
nn/tensor.h:
nn/error.h:
nn/rng.h:
