/* nn/nn.h — the whole C core in one include. */
#ifndef NN_NN_H
#define NN_NN_H

#include "activation.h"
#include "activation_layer.h"
#include "batchnorm.h"
#include "conv2d.h"
#include "dense.h"
#include "dropout.h"
#include "error.h"
#include "flatten.h"
#include "gradcheck.h"
#include "layer.h"
#include "loss.h"
#include "merge.h"
#include "model.h"
#include "optim.h"
#include "padding.h"
#include "pool2d.h"
#include "reshape.h"
#include "rng.h"
#include "tensor.h"

#define NN_VERSION "0.1.0"

#endif
