build-asan/nn/optim.o: nn/optim.c nn/optim.h nn/layer.h nn/activation.h \
 nn/error.h nn/rng.h nn/tensor.h
nn/optim.h:
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
