build-asan/nn/csv.o: nn/csv.c nn/csv.h nn/tensor.h nn/error.h nn/rng.h
nn/csv.h:
nn/tensor.h:
nn/error.h:
nn/rng.h:
