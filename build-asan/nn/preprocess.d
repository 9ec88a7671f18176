build-asan/nn/preprocess.o: nn/preprocess.c nn/preprocess.h nn/tensor.h \
 nn/error.h nn/rng.h
nn/preprocess.h:
nn/tensor.h:
nn/error.h:
nn/rng.h:
