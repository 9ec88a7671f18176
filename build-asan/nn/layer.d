build-asan/nn/layer.o: nn/layer.c nn/layer.h nn/activation.h nn/error.h \
 nn/rng.h nn/tensor.h
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
