build-asan/nn/datasets.o: nn/datasets.c nn/datasets.h nn/tensor.h \
 nn/error.h nn/rng.h nn/csv.h nn/idx.h
nn/datasets.h:
nn/tensor.h:
nn/error.h:
nn/rng.h:
nn/csv.h:
nn/idx.h:
