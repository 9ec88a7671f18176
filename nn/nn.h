/* nn/nn.h — the whole C core in one include. */
#ifndef NN_NN_H
#define NN_NN_H

#include "activation.h"
#include "augment.h"
#include "activation_layer.h"
#include "batchnorm.h"
#include "conv2d.h"
#include "csv.h"
#include "datasets.h"
#include "dense.h"
#include "dropout.h"
#include "error.h"
#include "flatten.h"
#include "gradcheck.h"
#include "idx.h"
#include "json.h"
#include "layer.h"
#include "loss.h"
#include "merge.h"
#include "model.h"
#include "optim.h"
#include "pool2d.h"
#include "preprocess.h"
#include "registry.h"
#include "reshape.h"
#include "rng.h"
#include "safetensors.h"
#include "save.h"
#include "step.h"
#include "synth.h"
#include "tensor.h"

#define NN_VERSION "0.1.0"

#endif
