build-asan/nn/step.o: nn/step.c nn/step.h nn/model.h nn/layer.h \
 nn/activation.h nn/error.h nn/rng.h nn/tensor.h nn/loss.h nn/optim.h
nn/step.h:
nn/model.h:
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
nn/loss.h:
nn/optim.h:
