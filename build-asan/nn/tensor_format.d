build-asan/nn/tensor_format.o: nn/tensor_format.c nn/tensor.h nn/error.h \
 nn/rng.h
nn/tensor.h:
nn/error.h:
nn/rng.h:
