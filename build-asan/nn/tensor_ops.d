build-asan/nn/tensor_ops.o: nn/tensor_ops.c nn/tensor.h nn/error.h \
 nn/rng.h /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h \
 /usr/include/x86_64-linux-gnu/openblas-pthread/openblas_config.h
nn/tensor.h:
nn/error.h:
nn/rng.h:
/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h:
/usr/include/x86_64-linux-gnu/openblas-pthread/openblas_config.h:
