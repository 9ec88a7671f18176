build-asan/nn/loss.o: nn/loss.c nn/loss.h nn/error.h nn/tensor.h nn/rng.h
nn/loss.h:
nn/error.h:
nn/tensor.h:
nn/rng.h:
