build-asan/nn/fit.o: nn/fit.c nn/model.h nn/layer.h nn/activation.h \
 nn/error.h nn/rng.h nn/tensor.h nn/loss.h nn/optim.h
nn/model.h:
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
nn/loss.h:
nn/optim.h:
