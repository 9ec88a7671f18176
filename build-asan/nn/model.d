build-asan/nn/model.o: nn/model.c nn/model.h nn/layer.h nn/activation.h \
 nn/error.h nn/rng.h nn/tensor.h nn/loss.h nn/optim.h
nn/model.h:
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
nn/loss.h:
nn/optim.h:
