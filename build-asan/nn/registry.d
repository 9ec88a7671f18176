build-asan/nn/registry.o: nn/registry.c nn/registry.h nn/json.h \
 nn/error.h nn/layer.h nn/activation.h nn/rng.h nn/tensor.h nn/dense.h
nn/registry.h:
nn/json.h:
nn/error.h:
nn/layer.h:
nn/activation.h:
nn/rng.h:
nn/tensor.h:
nn/dense.h:
