build-asan/nn/safetensors.o: nn/safetensors.c nn/safetensors.h nn/error.h \
 nn/tensor.h nn/rng.h nn/json.h
nn/safetensors.h:
nn/error.h:
nn/tensor.h:
nn/rng.h:
nn/json.h:
