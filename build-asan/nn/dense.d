build-asan/nn/dense.o: nn/dense.c nn/dense.h nn/layer.h nn/activation.h \
 nn/error.h nn/rng.h nn/tensor.h \
 /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h \
 /usr/include/x86_64-linux-gnu/openblas-pthread/openblas_config.h \
 nn/registry.h nn/json.h
nn/dense.h:
nn/layer.h:
nn/activation.h:
nn/error.h:
nn/rng.h:
nn/tensor.h:
/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h:
/usr/include/x86_64-linux-gnu/openblas-pthread/openblas_config.h:
nn/registry.h:
nn/json.h:
