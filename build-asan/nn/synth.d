build-asan/nn/synth.o: nn/synth.c nn/synth.h nn/tensor.h nn/error.h \
 nn/rng.h
nn/synth.h:
nn/tensor.h:
nn/error.h:
nn/rng.h:
