build-asan/nn/optim_rules.o: nn/optim_rules.c nn/optim.h nn/layer.h \
 nn/activation.h nn/error.h nn/rng.h nn/tensor.h
nn/optim.h:
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
