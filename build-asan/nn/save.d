build-asan/nn/save.o: nn/save.c nn/save.h nn/json.h nn/error.h nn/model.h \
 nn/layer.h nn/activation.h nn/rng.h nn/tensor.h nn/loss.h nn/optim.h \
 nn/nn.h nn/csv.h nn/datasets.h nn/dense.h nn/idx.h nn/preprocess.h \
 nn/registry.h nn/safetensors.h nn/step.h nn/synth.h
nn/save.h:
nn/json.h:
nn/error.h:
nn/model.h:
nn/layer.h:
nn/activation.h:
nn/rng.h:
nn/tensor.h:
nn/loss.h:
nn/optim.h:
nn/nn.h:
nn/csv.h:
nn/datasets.h:
nn/dense.h:
nn/idx.h:
nn/preprocess.h:
nn/registry.h:
nn/safetensors.h:
nn/step.h:
nn/synth.h:
