/* repl/lua_docs.c — the help() entries of the nn module: its sub-modules,
** tensors, layers, models and their methods, optimizers, losses, regularizers,
** layers written in Lua and nn.gradcheck. (The data functions document
** themselves in lua_data.c.)
**
** Each entry names what it documents by the path a learner types:
**   "nn.Dense", "nn.optimizers.Adam", "nn.Layer:extend"  a value under nn;
**   "Model:fit", "Tensor:reshape"   a method, found in the __methods table of
**                                   the metatable "nn.Model", "nn.Tensor", ...;
**   "nn.Tensor", "nn.Optimizer"     a type: help(t) finds it by the metatable's
**                                   __name, as help.c does for every userdata.
** Signatures use Keras's argument names with the defaults the bindings really
** apply; every example runs as it stands (tests/lua/test_docs.lua runs them). */
#include "lua_nn.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "repl.h"

typedef struct doc_entry {
    const char *path, *signature, *text, *example;
} doc_entry;

/* ------------------------------------------------------------------ modules */

static const doc_entry module_docs[] = {
    {"nn", "nn",
     "nnscope's Keras-shaped module: tensors (nn.tensor, nn.zeros, ...), layers\n"
     "(nn.Dense, ...; also in nn.layers), models (nn.Sequential, nn.Model),\n"
     "nn.optimizers, nn.losses, nn.regularizers, nn.datasets, nn.utils,\n"
     "nn.preprocessing, nn.data, nn.Layer:extend and nn.gradcheck.",
     "help(nn.Dense)"},
    {"nn.layers", "nn.layers",
     "The layer constructors; each is also under nn itself (nn.Dense ==\n"
     "nn.layers.Dense). Keyword arguments go in one table. Every layer takes\n"
     "name = \"...\", and the first layer of a Sequential model takes\n"
     "input_shape = {...} (the shape of one sample; Dense also input_dim = n).",
     "local layer = nn.layers.Dense{10, activation = \"softmax\", input_dim = 64}"},
    {"nn.models", "nn.models",
     "The model constructors: nn.models.Sequential (== nn.Sequential) and\n"
     "nn.models.Model (== nn.Model, the functional API); and models from files\n"
     "and configs: load_model, save_model, model_from_config, model_from_json.",
     "local model = nn.models.Sequential()"},
    {"nn.optimizers", "nn.optimizers",
     "The optimizers, with Keras's defaults: SGD, RMSprop, Adagrad, Adadelta, Adam,\n"
     "Nadam, Adamax. compile also takes their names in any case (\"adam\", \"sgd\").\n"
     "Hyperparameters are fields that can change at any time, also during fit:\n"
     "model.optimizer.learning_rate = 1e-4.",
     "local opt = nn.optimizers.Adam{learning_rate = 1e-3}"},
    {"nn.losses", "nn.losses",
     "Loss objects: MeanSquaredError, MeanAbsoluteError, CategoricalCrossentropy,\n"
     "SparseCategoricalCrossentropy, BinaryCrossentropy. compile also takes the\n"
     "names mean_squared_error (mse), mean_absolute_error (mae),\n"
     "categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy.",
     "local loss = nn.losses.SparseCategoricalCrossentropy{from_logits = true}"},
    {"nn.callbacks", "nn.callbacks",
     "Callbacks for fit{callbacks = {...}}: EarlyStopping, ModelCheckpoint,\n"
     "CSVLogger, LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN,\n"
     "LambdaCallback. Any Lua table with on_epoch_end(self, epoch, logs) and the\n"
     "other on_* methods works as a callback too.",
     "local stop = nn.callbacks.EarlyStopping{monitor = \"val_loss\", patience = 2}"},
    {"nn.regularizers", "nn.regularizers",
     "Weight penalties for kernel_regularizer, bias_regularizer and\n"
     "activity_regularizer: l1, l2, l1_l2. The penalty is part of the reported\n"
     "loss, as in Keras.",
     "local layer = nn.Dense{64, kernel_regularizer = nn.regularizers.l2(1e-4)}"},
    {"nn.utils", "nn.utils",
     "Helpers: to_categorical, normalize, train_test_split, shuffle and\n"
     "set_random_seed.",
     "local y = nn.utils.to_categorical(nn.tensor{0, 2, 1}, 3)"},
    {"nn.datasets", "nn.datasets",
     "Data sets: fashion_mnist, mnist, cifar10 and iris (each has load_data()), and\n"
     "the synthetic 2-D sets make_xor, make_circles, make_moons, make_spirals,\n"
     "make_blobs, make_gaussians. Nothing is downloaded.",
     "local x, y = nn.datasets.make_moons{n = 200, noise = 0.1}"},
    {"nn.datasets.fashion_mnist", "nn.datasets.fashion_mnist",
     "Zalando's Fashion-MNIST: 70000 grey 28x28 pictures of clothes in 10 classes\n"
     "(0 T-shirt/top ... 9 ankle boot), from Debian's dataset-fashion-mnist.",
     "local train, test = nn.datasets.fashion_mnist.load_data()"},
    {"nn.datasets.mnist", "nn.datasets.mnist",
     "LeCun's handwritten digits, 28x28, in 10 classes, from the standard IDX files\n"
     "you provide (see its load_data).",
     NULL},
    {"nn.datasets.cifar10", "nn.datasets.cifar10",
     "CIFAR-10: 60000 colour 32x32 pictures in 10 classes, from the standard binary\n"
     "batches you provide (see its load_data).",
     NULL},
    {"nn.datasets.iris", "nn.datasets.iris",
     "Fisher's 150 iris flowers: 4 measurements, 3 species. Ships with nnscope.",
     "local x, y = nn.datasets.iris.load_data()"},
    {"nn.preprocessing", "nn.preprocessing",
     "sklearn's StandardScaler: fit, transform, fit_transform, inverse_transform.",
     "local x = nn.preprocessing.StandardScaler():fit_transform(nn.randn{10, 3})"},
    {"nn.data", "nn.data",
     "Reading a learner's own data: from_csv(path, {...}).",
     NULL},
};

/* ------------------------------------------------------------------ tensors */

static const doc_entry tensor_docs[] = {
    {"nn.Tensor", "nn.Tensor (the type of tensors)",
     "A float32 (or uint8) array of 1 to 4 dimensions; images are (N, H, W, C).\n"
     "+ - * / ^ and unary - work elementwise with numpy's broadcasting, on tensors,\n"
     "numbers and tables. t[i] is row i (1-based, -1 the last; a number for a 1-D\n"
     "tensor), t[i] = v writes it, #t counts rows, t.T is the transpose.",
     "local t = nn.tensor{{1, 2}, {3, 4}}\nprint(t * 2 + 1, t[2], t.T, #t)"},
    {"nn.tensor", "nn.tensor(data [, dtype = \"float32\"])",
     "A tensor from nested tables of numbers (or of tensors), from a number, or from\n"
     "a tensor (copied). dtype is \"float32\" or \"uint8\" (whole numbers 0..255).",
     "local t = nn.tensor{{1, 2, 3}, {4, 5, 6}}"},
    {"nn.zeros", "nn.zeros{d1, d2, ...}  or  nn.zeros(d1, d2, ...)",
     "A float32 tensor of that shape (1 to 4 dimensions) filled with zeros.",
     "local z = nn.zeros{2, 3}"},
    {"nn.ones", "nn.ones{d1, d2, ...}  or  nn.ones(d1, d2, ...)",
     "A float32 tensor of that shape filled with ones.",
     "local o = nn.ones{4}"},
    {"nn.full", "nn.full(shape, value)",
     "A float32 tensor of the shape (a table) with every element set to value.",
     "local h = nn.full({2, 2}, 0.5)"},
    {"nn.arange", "nn.arange([start = 0,] stop [, step = 1])",
     "numpy's arange: start, start + step, ... up to but not including stop.",
     "local r = nn.arange(1, 2, 0.25)   -- 1, 1.25, 1.5, 1.75"},
    {"nn.linspace", "nn.linspace(start, stop [, num = 50])",
     "num evenly spaced values from start to stop, both included.",
     "local xs = nn.linspace(-5, 5, 11)"},
    {"nn.eye", "nn.eye(n [, m = n])",
     "The identity matrix of shape (n, m): ones on the diagonal.",
     "local i = nn.eye(3)"},
    {"nn.rand", "nn.rand{d1, d2, ...}",
     "Uniform random numbers in [0, 1), drawn from the session's generator\n"
     "(nn.utils.set_random_seed repeats them).",
     "local u = nn.rand{2, 3}"},
    {"nn.randn", "nn.randn{d1, d2, ...}",
     "Standard normal random numbers (mean 0, standard deviation 1), drawn from the\n"
     "session's generator.",
     "local noise = nn.randn{100, 2} * 0.1"},
    {"nn.concatenate", "nn.concatenate({a, b, ...} [, axis = 1])",
     "numpy's concatenate: the tensors joined along axis (1 stacks rows, -1 is the\n"
     "last axis); the other axes must agree.",
     "local ab = nn.concatenate({nn.zeros{2, 3}, nn.ones{1, 3}})   -- shape (3, 3)"},
    {"nn.maximum", "nn.maximum(a, b)",
     "The elementwise larger of a and b (tensors, numbers or tables), broadcast.",
     "local r = nn.maximum(nn.tensor{-1, 2, -3}, 0)"},
    {"nn.minimum", "nn.minimum(a, b)",
     "The elementwise smaller of a and b (tensors, numbers or tables), broadcast.",
     "local c = nn.minimum(nn.tensor{1, 5, 9}, 4)"},
    {"nn.utils.set_random_seed", "nn.utils.set_random_seed(seed)",
     "Reseeds the session: nn.rand, nn.randn, the data functions' unseeded draws,\n"
     "and the initial weights of the models made after it, so a script repeats\n"
     "exactly. The session starts as if seeded with 42.",
     "nn.utils.set_random_seed(7)"},
    {"Tensor:shape", "t:shape()",
     "The shape as a table {d1, d2, ...}.",
     "print(nn.zeros{2, 3}:shape()[2])   -- 3"},
    {"Tensor:size", "t:size()  (also t:numel())",
     "The number of elements.",
     "print(nn.zeros{2, 3}:size())   -- 6"},
    {"Tensor:numel", "t:numel()  (also t:size())",
     "The number of elements.",
     "print(nn.zeros{2, 3}:numel())   -- 6"},
    {"Tensor:dtype", "t:dtype()",
     "\"float32\" or \"uint8\" (images from load_data are uint8 until divided).",
     "print(nn.tensor({1, 2}, \"uint8\"):dtype())"},
    {"Tensor:reshape", "t:reshape{d1, d2, ...}  or  t:reshape(d1, d2, ...)",
     "The same elements in a new shape of the same size, as a view sharing t's\n"
     "memory; one entry may be -1 (worked out from the others).",
     "local flat = nn.zeros{10, 28, 28}:reshape{10, -1}   -- (10, 784)"},
    {"Tensor:flatten", "t:flatten()",
     "A 1-D copy of all elements (t:reshape{-1} is the view).",
     "local v = nn.eye(2):flatten()"},
    {"Tensor:slice", "t:slice(first [, last = -1])",
     "Rows first to last (1-based, both included; negative counts from the end),\n"
     "as a view sharing t's memory.",
     "local batch = nn.randn{100, 4}:slice(1, 32)"},
    {"Tensor:gather", "t:gather(rows)",
     "The listed rows (1-based; a table or a tensor of indices) in that order, as\n"
     "a copy: numpy's t[rows].",
     "local picked = nn.arange(10):reshape{5, 2}:gather{5, 1}"},
    {"Tensor:matmul", "t:matmul(u)",
     "The matrix product of two 2-D tensors, (n, k) x (k, m) -> (n, m), through\n"
     "OpenBLAS.",
     "local y = nn.randn{4, 3}:matmul(nn.randn{3, 2})"},
    {"Tensor:transpose", "t:transpose()  (also t.T)",
     "The transpose of a 2-D tensor, as a copy.",
     "local tt = nn.tensor{{1, 2, 3}}:transpose()   -- shape (3, 1)"},
    {"Tensor:sum", "t:sum([axis])",
     "Without axis, the sum of all elements (a number). With axis (1-based, -1 the\n"
     "last), a tensor with that axis summed away (a number for a 1-D tensor).",
     "local col_sums = nn.tensor{{1, 2}, {3, 4}}:sum(1)   -- {4, 6}"},
    {"Tensor:mean", "t:mean([axis])",
     "The mean of all elements (a number), or along axis as t:sum does.",
     "local row_means = nn.tensor{{1, 2}, {3, 4}}:mean(2)   -- {1.5, 3.5}"},
    {"Tensor:max", "t:max([axis])",
     "The largest element (a number), or the largest along axis as t:sum does.",
     "print(nn.tensor{3, 9, 1}:max())"},
    {"Tensor:min", "t:min([axis])",
     "The smallest element (a number), or the smallest along axis as t:sum does.",
     "print(nn.tensor{3, 9, 1}:min())"},
    {"Tensor:argmax", "t:argmax()",
     "The 0-based index of the largest value along the last axis (class indices,\n"
     "as numpy and Keras give them): a tensor of the other axes' shape, or a number\n"
     "for a 1-D tensor. predictions:argmax() turns probabilities into classes.",
     "local classes = nn.tensor{{0.1, 0.9}, {0.8, 0.2}}:argmax()   -- {1, 0}"},
    {"Tensor:abs", "t:abs()", "|x| of every element, as a new float32 tensor.",
     "local a = nn.tensor{-1, 2}:abs()"},
    {"Tensor:exp", "t:exp()", "e^x of every element, as a new float32 tensor.",
     "local e = nn.tensor{0, 1}:exp()"},
    {"Tensor:log", "t:log()", "The natural logarithm of every element, as a new tensor.",
     "local l = nn.tensor{1, 10}:log()"},
    {"Tensor:sqrt", "t:sqrt()", "The square root of every element, as a new tensor.",
     "local s = nn.tensor{4, 9}:sqrt()"},
    {"Tensor:square", "t:square()", "x^2 of every element, as a new tensor.",
     "local sq = nn.tensor{-2, 3}:square()"},
    {"Tensor:relu", "t:relu()", "max(x, 0) of every element, as a new tensor.",
     "local r = nn.linspace(-1, 1, 5):relu()"},
    {"Tensor:sigmoid", "t:sigmoid()", "1 / (1 + e^-x) of every element, as a new tensor.",
     "local s = nn.tensor{-2, 0, 2}:sigmoid()"},
    {"Tensor:tanh", "t:tanh()", "tanh(x) of every element, as a new tensor.",
     "local th = nn.tensor{-2, 0, 2}:tanh()"},
    {"Tensor:eq", "t:eq(u)",
     "1 where t == u, else 0 (float32), elementwise with broadcasting; u is a\n"
     "tensor, a number or a table. (Lua's == compares objects, not elements.)",
     "local correct = nn.tensor{1, 2, 3}:eq(nn.tensor{1, 0, 3}):sum()   -- 2"},
    {"Tensor:ne", "t:ne(u)", "1 where t ~= u, else 0, elementwise (see t:eq).",
     "local wrong = nn.tensor{1, 2, 3}:ne(2)"},
    {"Tensor:lt", "t:lt(u)", "1 where t < u, else 0, elementwise (see t:eq).",
     "local neg = nn.tensor{-1, 0, 1}:lt(0)"},
    {"Tensor:le", "t:le(u)", "1 where t <= u, else 0, elementwise (see t:eq).",
     "local m = nn.tensor{-1, 0, 1}:le(0)"},
    {"Tensor:gt", "t:gt(u)", "1 where t > u, else 0, elementwise (see t:eq).",
     "local pos = nn.tensor{-1, 0, 1}:gt(0)"},
    {"Tensor:ge", "t:ge(u)", "1 where t >= u, else 0, elementwise (see t:eq).",
     "local m = nn.tensor{-1, 0, 1}:ge(0)"},
    {"Tensor:clone", "t:clone()", "A copy of t with its own memory.",
     "local copy = nn.ones{3}:clone()"},
    {"Tensor:float", "t:float()",
     "A float32 copy of t (of a uint8 tensor, say); arithmetic does it as well.",
     "local f = nn.tensor({0, 128, 255}, \"uint8\"):float()"},
    {"Tensor:totable", "t:totable()", "The elements as nested Lua tables of numbers.",
     "local rows = nn.eye(2):totable()   -- {{1, 0}, {0, 1}}"},
    {"Tensor:item", "t:item()", "The number in a tensor of one element.",
     "local v = nn.tensor{{42}}:item()"},
    {"Tensor:get", "t:get(i, j, ...)",
     "The element at those indices (1-based, -1 the last), a number; with fewer\n"
     "indices than dimensions, a view of that part.",
     "print(nn.tensor{{1, 2}, {3, 4}}:get(2, 1))   -- 3"},
    {"Tensor:set", "t:set(i, j, ..., value)",
     "Writes value at those indices: a number into one element; with fewer indices,\n"
     "a number, table or tensor broadcast into that part. Returns t.",
     "local t = nn.zeros{2, 2}:set(1, 2, 5):set(2, {7, 8})"},
    {"Tensor:fill", "t:fill(value)", "Sets every element to value, in place; returns t.",
     "local t = nn.zeros{3}:fill(0.1)"},
};

/* ------------------------------------------------------------------- layers */

static const doc_entry layer_docs[] = {
    {"nn.Layer", "nn.Layer (the type of layers)",
     "A layer made by nn.Dense{...}, nn.Conv2D{...}, ... or a class from\n"
     "nn.Layer:extend. Fields: name, type, built, input_shape and output_shape (once\n"
     "built), activation. Calling a layer on a symbolic tensor (nn.Input) builds a\n"
     "functional graph. A layer belongs to one model at most.",
     "local layer = nn.Dense{4, input_dim = 3}\n"
     "local model = nn.Sequential{layer}\n"
     "print(layer.name, layer.output_shape[1], layer:count_params())"},
    {"Layer:get_weights", "layer:get_weights()",
     "Copies of the layer's weights in Keras's order: Dense kernel (in, out) then\n"
     "bias; Conv2D kernel (kh, kw, in, out) then bias; BatchNormalization gamma,\n"
     "beta, moving_mean, moving_variance.",
     "local model = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "local kernel, bias = table.unpack(model.layers[1]:get_weights())"},
    {"Layer:set_weights", "layer:set_weights(weights)",
     "Copies a list of tensors (get_weights's order and shapes) into a built layer;\n"
     "the count and each shape are checked.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model.layers[1]:set_weights{nn.tensor{{0.5}, {-1}}, nn.tensor{0}}"},
    {"Layer:count_params", "layer:count_params()",
     "The number of weights of the layer (Dense: in * units + units).",
     "local model = nn.Sequential{nn.Dense{128, input_dim = 784}}\n"
     "print(model.layers[1]:count_params())   -- 100480"},
    {"nn.Dense",
     "nn.Dense{units, activation = nil, use_bias = true,\n"
     "         kernel_initializer = \"glorot_uniform\", bias_initializer = \"zeros\",\n"
     "         kernel_regularizer = nil, bias_regularizer = nil,\n"
     "         activity_regularizer = nil, input_dim = nil, input_shape = nil,\n"
     "         name = nil}",
     "The fully connected layer: y = activation(x W + b), x of shape (N, in), the\n"
     "kernel W (in, units), the bias b (units). units comes first or as units = 32;\n"
     "activation is a name (\"relu\", \"softmax\", ...; nil is linear). Images need\n"
     "nn.Flatten{} first.",
     "local layer = nn.Dense{32, activation = \"relu\", input_dim = 784}"},
    {"nn.Conv2D",
     "nn.Conv2D{filters, kernel_size, strides = 1, padding = \"valid\",\n"
     "          activation = nil, use_bias = true,\n"
     "          kernel_initializer = \"glorot_uniform\", bias_initializer = \"zeros\",\n"
     "          kernel_regularizer = nil, bias_regularizer = nil,\n"
     "          activity_regularizer = nil, input_shape = nil, name = nil}",
     "2-D convolution of channels-last images (N, H, W, C): `filters` kernels of\n"
     "kernel_size (3 or {3, 3}) slide by strides (a number or a pair); padding\n"
     "\"valid\" uses no padding, \"same\" pads so the output is ceil(H / stride).\n"
     "The kernel's shape is (kh, kw, C, filters).",
     "local conv = nn.Conv2D{32, {3, 3}, activation = \"relu\", input_shape = {28, 28, 1}}"},
    {"nn.MaxPooling2D",
     "nn.MaxPooling2D{pool_size = {2, 2}, strides = pool_size,\n"
     "                padding = \"valid\", input_shape = nil, name = nil}",
     "The largest value of each pool_size window, per channel; the window moves by\n"
     "strides (by default its own size). pool_size and strides: a number or a pair;\n"
     "padding \"valid\" or \"same\". nn.MaxPooling2D() halves height and width.",
     "local pool = nn.MaxPooling2D{{2, 2}}"},
    {"nn.AveragePooling2D",
     "nn.AveragePooling2D{pool_size = {2, 2}, strides = pool_size,\n"
     "                    padding = \"valid\", input_shape = nil, name = nil}",
     "The mean of each pool_size window, per channel; the window moves by strides (by\n"
     "default its own size). With padding \"same\" the mean counts only the\n"
     "positions inside the image, as Keras does.",
     "local pool = nn.AveragePooling2D{pool_size = 2}"},
    {"nn.GlobalAveragePooling2D",
     "nn.GlobalAveragePooling2D{keepdims = false,\n"
     "                          input_shape = nil, name = nil}",
     "The mean of each channel over height and width: (N, H, W, C) -> (N, C), or\n"
     "(N, 1, 1, C) with keepdims = true.",
     "local gap = nn.GlobalAveragePooling2D()"},
    {"nn.GlobalMaxPooling2D",
     "nn.GlobalMaxPooling2D{keepdims = false,\n"
     "                      input_shape = nil, name = nil}",
     "The largest value of each channel over height and width: (N, H, W, C) ->\n"
     "(N, C), or (N, 1, 1, C) with keepdims = true.",
     "local gmp = nn.GlobalMaxPooling2D()"},
    {"nn.Flatten", "nn.Flatten{input_shape = nil, name = nil}",
     "Each sample as one row: (N, d1, d2, ...) -> (N, d1 * d2 * ...), between\n"
     "convolutional and Dense layers.",
     "local model = nn.Sequential{nn.Flatten{input_shape = {28, 28}}, nn.Dense{10}}"},
    {"nn.Reshape", "nn.Reshape{target_shape, input_shape = nil, name = nil}",
     "Each sample reshaped to target_shape (the batch axis stays): the shape comes\n"
     "first or as target_shape = {...}; one entry may be -1.",
     "local r = nn.Reshape{{28, 28, 1}, input_shape = {784}}"},
    {"nn.Dropout", "nn.Dropout{rate, seed = nil, input_shape = nil, name = nil}",
     "In training, sets each input to 0 with probability rate and scales the others\n"
     "by 1 / (1 - rate); in evaluate and predict it passes inputs through. The masks\n"
     "come from seed, else from the model's seeded generator.",
     "local drop = nn.Dropout{0.5}"},
    {"nn.Activation", "nn.Activation{activation, input_shape = nil, name = nil}",
     "An activation function as a layer: \"relu\", \"sigmoid\", \"tanh\",\n"
     "\"softmax\", \"linear\", \"leaky_relu\", \"elu\", \"softplus\", \"gelu\",\n"
     "\"swish\" (\"silu\"); nn.Activation(\"relu\") too. Your own (elementwise):\n"
     "nn.Activation{fn = function(z) return a end, derivative = function(z, a) ... end}.",
     "local act = nn.Activation{\"sigmoid\"}\n"
     "local softplus = nn.Activation{fn = function(z) return (z:exp() + 1):log() end,\n"
     "                               derivative = function(z, a) return z:sigmoid() end}\n"
     "print(nn.gradcheck(softplus, nn.randn{2, 3}).ok)"},
    {"nn.LeakyReLU", "nn.LeakyReLU{alpha = 0.3, input_shape = nil, name = nil}",
     "f(x) = x for x > 0, alpha * x otherwise. negative_slope = ... (Keras 3's name)\n"
     "sets the same slope.",
     "local lrelu = nn.LeakyReLU{alpha = 0.1}"},
    {"nn.ELU", "nn.ELU{alpha = 1.0, input_shape = nil, name = nil}",
     "f(x) = x for x > 0, alpha * (exp(x) - 1) otherwise.",
     "local elu = nn.ELU{}"},
    {"nn.ReLU", "nn.ReLU{input_shape = nil, name = nil}",
     "f(x) = max(x, 0) as a layer.",
     "local relu = nn.ReLU()"},
    {"nn.Softmax", "nn.Softmax{input_shape = nil, name = nil}",
     "softmax over the last axis as a layer: exp(x_i) / sum_j exp(x_j).",
     "local softmax = nn.Softmax()"},
    {"nn.BatchNormalization",
     "nn.BatchNormalization{axis = -1, momentum = 0.99, epsilon = 0.001,\n"
     "                      center = true, scale = true, input_shape = nil,\n"
     "                      name = nil}",
     "Normalizes each feature of the last axis: in training with the batch's mean\n"
     "and variance (and moves moving_mean and moving_variance towards them by\n"
     "1 - momentum), in inference with the moving ones; then gamma * x_hat + beta\n"
     "(center: beta, scale: gamma).",
     "local bn = nn.BatchNormalization()"},
    {"nn.Add", "nn.Add{name = nil}",
     "The elementwise sum of its inputs, all of one shape: a merge in the\n"
     "functional API, called on a list of symbolic tensors.",
     "local inp = nn.Input{shape = {4}}\n"
     "local sum = nn.Add{}({nn.Dense{8}(inp), nn.Dense{8}(inp)})"},
    {"nn.Concatenate", "nn.Concatenate{axis = -1, name = nil}",
     "Its inputs joined along axis (the last by default): a merge in the functional\n"
     "API, called on a list of symbolic tensors.",
     "local inp = nn.Input{shape = {4}}\n"
     "local both = nn.Concatenate{}({nn.Dense{8}(inp), nn.Dense{2}(inp)})   -- 10 wide"},
    {"nn.Input", "nn.Input{shape, name = \"input\"}",
     "A symbolic input for the functional API: shape is one sample's shape (no batch\n"
     "axis). Call layers on it and on their outputs, then make nn.Model{inputs =\n"
     "..., outputs = ...}. Also nn.layers.Input.",
     "local inp = nn.Input{shape = {784}}"},
    {"nn.KerasTensor", "a symbolic tensor (nn.KerasTensor)",
     "What nn.Input{...} and calling a layer on a symbolic tensor return: a node of\n"
     "a functional graph, not data. nn.Model{inputs = ..., outputs = ...} turns the\n"
     "graph into a model.",
     "local inp = nn.Input{shape = {2}}\nlocal out = nn.Dense{1}(inp)\nprint(out)"},
    {"nn.Layer:extend", "nn.Layer:extend(name)",
     "A new layer class written in Lua; calling the class makes a layer. Methods:\n"
     "init(...) gets the class call's arguments; build(input_shape) makes weights\n"
     "with self:add_weight{...}; call(x, training) returns the output; backward(x,\n"
     "grad) sets each weight's .grad and returns the gradient of x.",
     "local Scale = nn.Layer:extend(\"Scale\")\n"
     "function Scale:build(shape) self.w = self:add_weight{shape = {shape[1]}} end\n"
     "function Scale:call(x) return x * self.w.value end\n"
     "function Scale:backward(x, grad)\n"
     "  self.w.grad = (grad * x):sum(1)\n"
     "  return grad * self.w.value\n"
     "end\n"
     "print(nn.gradcheck(Scale(), nn.randn{4, 3}).ok)"},
    {"Layer:add_weight",
     "self:add_weight{shape, initializer = \"glorot_uniform\", name = \"weight\",\n"
     "                trainable = true}",
     "Inside build of a layer written in Lua: makes a weight of the layer and\n"
     "returns {value = tensor, name = ...}. value shares the layer's memory (read it\n"
     "in call); backward sets .grad to a tensor of value's shape.",
     "local Bias = nn.Layer:extend(\"Bias\")\n"
     "function Bias:build(shape)\n"
     "  self.b = self:add_weight{shape = {shape[1]}, initializer = \"zeros\", name = \"b\"}\n"
     "end\n"
     "function Bias:call(x) return x + self.b.value end\n"
     "local model = nn.Sequential{nn.Dense{3, input_dim = 2}, Bias()}"},
    {"nn.gradcheck", "nn.gradcheck(layer, x)",
     "Checks a layer's backward pass at input x: each gradient (of every weight and\n"
     "of the input) against central finite differences. Returns {worst = e, ok =\n"
     "worst < 0.01, input = e, <weight name> = e, ...}, the worst relative errors.",
     "local report = nn.gradcheck(nn.Dense{3, activation = \"tanh\", input_dim = 4},\n"
     "                            nn.randn{2, 4})\nprint(report.worst, report.ok)"},
};

/* ------------------------------------------------------------------- models */

static const doc_entry model_docs[] = {
    {"nn.Sequential", "nn.Sequential{layer, ..., name = nil}  or  nn.Sequential()",
     "A model that chains layers, each one's output the next one's input. Give the\n"
     "layers as a list, or start empty and call model:add(layer). The first layer\n"
     "needs input_shape (or input_dim). Also nn.models.Sequential.",
     "local model = nn.Sequential{\n"
     "  nn.Dense{16, activation = \"relu\", input_dim = 4},\n"
     "  nn.Dense{3, activation = \"softmax\"},\n"
     "}"},
    {"nn.Model", "nn.Model{inputs = input, outputs = output, name = nil}",
     "A model from a graph of layers (the functional API): call layers on\n"
     "nn.Input{...} and on each other's outputs, merge with nn.Add or\n"
     "nn.Concatenate, then give both ends (one input, one output). Every model has\n"
     "the fields layers, name, optimizer and history; help(model) lists its methods.",
     "local inp = nn.Input{shape = {4}}\n"
     "local hidden = nn.Dense{8, activation = \"relu\"}(inp)\n"
     "local model = nn.Model{inputs = inp, outputs = nn.Dense{3}(hidden)}"},
    {"Model:add", "model:add(layer)",
     "Appends a layer to a Sequential model, which owns it from then on.",
     "local model = nn.Sequential()\n"
     "model:add(nn.Dense{8, activation = \"relu\", input_dim = 4})\n"
     "model:add(nn.Dense{1})"},
    {"Model:compile", "model:compile{optimizer = \"rmsprop\", loss, metrics = {}}",
     "Sets the optimizer (a name such as \"adam\", or an object from nn.optimizers\n"
     "whose settings are copied: model.optimizer is the model's own), the loss (a\n"
     "name or an nn.losses object; required) and the metrics (names such as\n"
     "\"accuracy\"). Compiling again starts the optimizer afresh.",
     "local model = nn.Sequential{nn.Dense{3, activation = \"softmax\", input_dim = 4}}\n"
     "model:compile{optimizer = \"adam\", loss = \"sparse_categorical_crossentropy\",\n"
     "              metrics = {\"accuracy\"}}"},
    {"Model:fit",
     "model:fit(x, y [, {epochs = 1, batch_size = 32, validation_split = 0,\n"
     "                  validation_data = nil, shuffle = true, verbose = auto,\n"
     "                  initial_epoch = 0, steps_per_epoch = nil, callbacks = nil,\n"
     "                  class_weight = nil}])\n"
     "model:fit(generator [, {epochs = 1, steps_per_epoch = nil, ...}])",
     "Trains `epochs` passes over shuffled batches (validation_split: the last rows held\n"
     "out, or validation_data = {x_val, y_val}); verbose 0/1/2; callbacks: on_epoch_end etc.\n"
     "class_weight = {[0] = w0, ...} scales each sample's loss by its class's weight. A\n"
     "generator: a function or :next() table giving x, y (nil ends an epoch). Returns a History.",
     "local x, y = nn.datasets.iris.load_data()\n"
     "local model = nn.Sequential{nn.Dense{3, activation = \"softmax\", input_dim = 4}}\n"
     "model:compile{optimizer = \"adam\", loss = \"sparse_categorical_crossentropy\"}\n"
     "local history = model:fit(x, y, {epochs = 3, batch_size = 16, verbose = 0,\n"
     "                                 class_weight = {[0] = 1, [1] = 2, [2] = 1}})\n"
     "local i = 0\n"
     "local function batches()     -- a generator: 15 rows at a time, nil at the end\n"
     "  i = i + 1\n"
     "  if i > 10 then i = 0; return nil end\n"
     "  return x:slice(15 * i - 14, 15 * i), y:slice(15 * i - 14, 15 * i)\n"
     "end\n"
     "model:fit(batches, {epochs = 2, verbose = 0})"},
    {"Model:evaluate", "model:evaluate(x, y [, {batch_size = 32, verbose = auto}])",
     "The loss and then each compiled metric on x, y in inference mode, as several\n"
     "values. verbose = 1 (the default on a terminal) shows a progress bar.",
     "local x, y = nn.datasets.iris.load_data()\n"
     "local model = nn.Sequential{nn.Dense{3, activation = \"softmax\", input_dim = 4}}\n"
     "model:compile{loss = \"sparse_categorical_crossentropy\", metrics = {\"accuracy\"}}\n"
     "local loss, acc = model:evaluate(x, y)"},
    {"Model:predict", "model:predict(x [, {batch_size = 32}])",
     "The model's outputs for x, one row per sample, in inference mode (Dropout off,\n"
     "BatchNormalization with its moving statistics).",
     "local model = nn.Sequential{nn.Dense{3, activation = \"softmax\", input_dim = 4}}\n"
     "local classes = model:predict(nn.randn{5, 4}):argmax()"},
    {"Model:summary", "model:summary()",
     "Prints Keras's table: each layer's name, type, output shape and number of\n"
     "parameters, then the totals.",
     "nn.Sequential{nn.Dense{8, input_dim = 4}, nn.Dense{1}}:summary()"},
    {"Model:train_on_batch", "model:train_on_batch(x, y)",
     "One training step on exactly this batch (forward, loss, backward, optimizer\n"
     "update); returns the loss, then each metric, as measured before the update.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{optimizer = nn.optimizers.SGD(0.1), loss = \"mse\"}\n"
     "local loss = model:train_on_batch(nn.tensor{{1, 2}}, nn.tensor{{3}})"},
    {"Model:test_on_batch", "model:test_on_batch(x, y)",
     "The loss, then each metric, on one batch in inference mode; no training.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{loss = \"mse\"}\n"
     "local loss = model:test_on_batch(nn.tensor{{1, 2}}, nn.tensor{{3}})"},
    {"Model:predict_on_batch", "model:predict_on_batch(x)",
     "The outputs for one batch in inference mode, in one forward pass.",
     "local model = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "local out = model:predict_on_batch(nn.ones{4, 3})"},
    {"Model:forward", "model:forward(x [, {training = false}])",
     "One forward pass: returns the output and keeps each layer's input,\n"
     "pre-activation and output for model:trace() and the window. training = true\n"
     "runs Dropout and BatchNormalization as in training.",
     "local model = nn.Sequential{nn.Dense{2, activation = \"relu\", input_dim = 3}}\n"
     "local out = model:forward(nn.randn{4, 3})"},
    {"Model:backward", "model:backward(y)",
     "After model:forward(x): returns the loss against y and computes the gradient\n"
     "of every weight (model:get_gradients()). Changes no weight.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{optimizer = \"sgd\", loss = \"mse\"}\n"
     "model:forward(nn.tensor{{1, 2}})\n"
     "local loss = model:backward(nn.tensor{{3}})"},
    {"Model:apply_gradients", "model:apply_gradients()",
     "One optimizer step with the gradients of the last model:backward(y).",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{optimizer = \"sgd\", loss = \"mse\"}\n"
     "model:forward(nn.tensor{{1, 2}})\n"
     "model:backward(nn.tensor{{3}})\n"
     "model:apply_gradients()"},
    {"Model:step", "model:step(x, y)",
     "The next stage of one training step, one per call: forward through each layer,\n"
     "the loss, backward through each layer, the update. Returns {stage, layer,\n"
     "name, loss, value (the tensor just computed), done}. x, y start a step; the\n"
     "calls after that may leave them out.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{optimizer = \"sgd\", loss = \"mse\"}\n"
     "repeat\n"
     "  local s = model:step(nn.tensor{{1, 2}}, nn.tensor{{3}})\n"
     "  print(s.stage, s.layer, s.loss)\n"
     "until s.done"},
    {"Model:trace", "model:trace()",
     "What the last step computed, per layer: {name, type, input, z (before the\n"
     "activation), output, grad (dL/d output, once a backward ran)}.",
     "local model = nn.Sequential{nn.Dense{2, activation = \"relu\", input_dim = 3}}\n"
     "model:forward(nn.randn{1, 3})\n"
     "print(model:trace()[1].z)"},
    {"Model:get_weights", "model:get_weights()",
     "Copies of every weight, layer by layer in Keras's order: Dense kernel (in, out)\n"
     "then bias; Conv2D kernel (kh, kw, in, out) then bias; BatchNormalization\n"
     "gamma, beta, moving_mean, moving_variance.",
     "local model = nn.Sequential{nn.Dense{2, input_dim = 3}}\n"
     "print(model:get_weights()[1]:shape()[1])   -- 3"},
    {"Model:set_weights", "model:set_weights(weights)",
     "Copies a list like get_weights's into the model; the count and every shape\n"
     "are checked before anything changes.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:set_weights{nn.tensor{{1}, {2}}, nn.tensor{0.5}}"},
    {"Model:get_gradients", "model:get_gradients()",
     "Copies of the gradients of the last model:backward(y), in get_weights's order.",
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{loss = \"mse\"}\n"
     "model:forward(nn.tensor{{1, 2}})\n"
     "model:backward(nn.tensor{{3}})\n"
     "local dkernel, dbias = table.unpack(model:get_gradients())"},
    {"Model:count_params", "model:count_params()",
     "The number of weights, trainable or not (summary's Total params).",
     "print(nn.Sequential{nn.Dense{10, input_dim = 784}}:count_params())   -- 7850"},
    {"nn.History", "a History (what model:fit returns)",
     "history.history.loss[e], .accuracy, .val_loss, ... for each epoch e;\n"
     "history.epoch (the epoch numbers, from 0) and history.params (epochs, steps).\n"
     "The last one is also model.history.",
     "local x, y = nn.datasets.iris.load_data()\n"
     "local model = nn.Sequential{nn.Dense{3, activation = \"softmax\", input_dim = 4}}\n"
     "model:compile{loss = \"sparse_categorical_crossentropy\"}\n"
     "local h = model:fit(x, y, {epochs = 2, verbose = 0})\n"
     "print(h.history.loss[2])"},
};

/* ------------------------------------------------------------- optimizers */

static const doc_entry optimizer_docs[] = {
    {"nn.Optimizer", "an optimizer (nn.Optimizer)",
     "Made by nn.optimizers.SGD{...} and the others. Its hyperparameters are fields\n"
     "that can be read and set at any time (opt.learning_rate, opt.momentum,\n"
     "opt.beta_1, ...; opt.iterations counts the steps). model.optimizer is the\n"
     "compiled model's own.",
     "local opt = nn.optimizers.Adam()\nopt.learning_rate = 1e-4\nprint(opt)"},
    {"nn.optimizers.SGD",
     "nn.optimizers.SGD{learning_rate = 0.01, momentum = 0, nesterov = false}",
     "Gradient descent: w = w - lr g. With momentum: v = momentum v - lr g, then\n"
     "w = w + v (nesterov: w = w + momentum v - lr g). SGD(0.1) sets the learning\n"
     "rate alone.",
     "local opt = nn.optimizers.SGD{learning_rate = 0.1, momentum = 0.9}"},
    {"nn.optimizers.RMSprop",
     "nn.optimizers.RMSprop{learning_rate = 0.001, rho = 0.9, momentum = 0,\n"
     "                      epsilon = 1e-7, centered = false}",
     "v = rho v + (1 - rho) g^2; w = w - lr g / sqrt(v + epsilon) (centered: divides\n"
     "by sqrt(v - mean_g^2 + epsilon)). compile's default optimizer.",
     "local opt = nn.optimizers.RMSprop()"},
    {"nn.optimizers.Adagrad",
     "nn.optimizers.Adagrad{learning_rate = 0.001, initial_accumulator_value = 0.1,\n"
     "                      epsilon = 1e-7}",
     "a = a + g^2 (a starts at initial_accumulator_value);\n"
     "w = w - lr g / sqrt(a + epsilon).",
     "local opt = nn.optimizers.Adagrad{learning_rate = 0.01}"},
    {"nn.optimizers.Adadelta",
     "nn.optimizers.Adadelta{learning_rate = 0.001, rho = 0.95, epsilon = 1e-7}",
     "Eg = rho Eg + (1 - rho) g^2; d = -sqrt(Ed + epsilon) / sqrt(Eg + epsilon) g;\n"
     "Ed = rho Ed + (1 - rho) d^2; w = w + lr d.",
     "local opt = nn.optimizers.Adadelta{learning_rate = 1.0}"},
    {"nn.optimizers.Adam",
     "nn.optimizers.Adam{learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999,\n"
     "                   epsilon = 1e-7, amsgrad = false}",
     "m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;\n"
     "w = w - lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + epsilon), t the step\n"
     "(amsgrad: the largest v so far instead of v).",
     "local opt = nn.optimizers.Adam{learning_rate = 3e-4}"},
    {"nn.optimizers.Nadam",
     "nn.optimizers.Nadam{learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999,\n"
     "                    epsilon = 1e-7}",
     "Adam with Nesterov momentum: mu_t = b1 (1 - 0.5 * 0.96^t);\n"
     "m_hat = mu_(t+1) m / (1 - prod mu_1..t+1) + (1 - mu_t) g / (1 - prod mu_1..t);\n"
     "w = w - lr m_hat / (sqrt(v / (1 - b2^t)) + epsilon).",
     "local opt = nn.optimizers.Nadam()"},
    {"nn.optimizers.Adamax",
     "nn.optimizers.Adamax{learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999,\n"
     "                     epsilon = 1e-7}",
     "Adam with the infinity norm: m = b1 m + (1 - b1) g; u = max(b2 u, |g|);\n"
     "w = w - lr / (1 - b1^t) m / (u + epsilon).",
     "local opt = nn.optimizers.Adamax()"},
    {"nn.optimizers.custom",
     "nn.optimizers.custom{update, learning_rate = 0.01, name = \"custom\"}",
     "An optimizer in Lua: update(w, g, state, t, lr) returns the new weight from\n"
     "the weight w, its gradient g, its own table state (kept across steps, fresh\n"
     "at compile), the step t (1, 2, ...) and model.optimizer.learning_rate.\n"
     "It is called once per weight per step.",
     "local momentum = nn.optimizers.custom{name = \"my_momentum\", learning_rate = 0.05,\n"
     "  update = function(w, g, state, t, lr)\n"
     "    state.v = (state.v or nn.zeros(w:shape())) * 0.9 - g * lr\n"
     "    return w + state.v\n"
     "  end}\n"
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{optimizer = momentum, loss = \"mse\"}\n"
     "print(model:train_on_batch(nn.tensor{{1, 2}}, nn.tensor{{1}}))"},
};

/* ----------------------------------------------------- losses, regularizers */

static const doc_entry loss_docs[] = {
    {"nn.Loss", "a loss object (nn.Loss)",
     "Made by nn.losses.CategoricalCrossentropy{...} and the others; give it to\n"
     "compile as loss = ... . Fields: name, from_logits.",
     "print(nn.losses.BinaryCrossentropy{from_logits = true})"},
    {"nn.losses.MeanSquaredError", "nn.losses.MeanSquaredError{}",
     "mean((y_pred - y)^2); the same as loss = \"mean_squared_error\" or \"mse\".",
     "local loss = nn.losses.MeanSquaredError{}"},
    {"nn.losses.MeanAbsoluteError", "nn.losses.MeanAbsoluteError{}",
     "mean(|y_pred - y|); the same as loss = \"mean_absolute_error\" or \"mae\".",
     "local loss = nn.losses.MeanAbsoluteError{}"},
    {"nn.losses.CategoricalCrossentropy",
     "nn.losses.CategoricalCrossentropy{from_logits = false}",
     "-sum(y log p) per sample, averaged; y one-hot rows (nn.utils.to_categorical).\n"
     "from_logits = true when the last layer has no softmax: the softmax is then\n"
     "part of the loss, computed stably.",
     "local loss = nn.losses.CategoricalCrossentropy{from_logits = true}"},
    {"nn.losses.SparseCategoricalCrossentropy",
     "nn.losses.SparseCategoricalCrossentropy{from_logits = false}",
     "-log p[y] per sample, averaged; y the class indices 0..K-1 (uint8 or\n"
     "float32). from_logits as for CategoricalCrossentropy.",
     "local loss = nn.losses.SparseCategoricalCrossentropy{}"},
    {"nn.losses.BinaryCrossentropy", "nn.losses.BinaryCrossentropy{from_logits = false}",
     "-mean(y log p + (1 - y) log(1 - p)) for labels 0 or 1 and a sigmoid output\n"
     "(from_logits = true: raw scores, the sigmoid is part of the loss).",
     "local loss = nn.losses.BinaryCrossentropy{}"},
    {"nn.losses.custom", "nn.losses.custom{fn, grad, name = \"custom_loss\"}",
     "A loss in Lua: fn(y_true, y_pred) returns the batch's loss (a number, or a\n"
     "tensor whose mean is taken); grad(y_true, y_pred) returns dL/dy_pred of that\n"
     "batch mean, in y_pred's shape. compile also takes a plain {fn = ..., grad = ...};\n"
     "grad sees the activated y_pred (no softmax is folded into it).",
     "local my_mse = nn.losses.custom{name = \"my_mse\",\n"
     "  fn = function(y_true, y_pred) return ((y_pred - y_true) ^ 2):mean() end,\n"
     "  grad = function(y_true, y_pred) return (y_pred - y_true) * (2 / y_pred:size()) end}\n"
     "local model = nn.Sequential{nn.Dense{1, input_dim = 2}}\n"
     "model:compile{optimizer = \"sgd\", loss = my_mse}\n"
     "print(model:train_on_batch(nn.tensor{{1, 2}}, nn.tensor{{1}}))"},
    {"nn.Regularizer", "a regularizer (nn.Regularizer)",
     "Made by nn.regularizers.l1, l2 or l1_l2: the penalty l1 * sum|w| +\n"
     "l2 * sum w^2 added to the loss. Fields: l1, l2.",
     "print(nn.regularizers.l1_l2{l1 = 1e-5, l2 = 1e-4})"},
    {"nn.regularizers.l1", "nn.regularizers.l1([l1 = 0.01])",
     "The penalty l1 * sum(|w|), for kernel_regularizer, bias_regularizer or\n"
     "activity_regularizer.",
     "local layer = nn.Dense{8, kernel_regularizer = nn.regularizers.l1(1e-4)}"},
    {"nn.regularizers.l2", "nn.regularizers.l2([l2 = 0.01])",
     "The penalty l2 * sum(w^2) (weight decay).",
     "local layer = nn.Dense{8, kernel_regularizer = nn.regularizers.l2(0.001)}"},
    {"nn.regularizers.l1_l2", "nn.regularizers.l1_l2{l1 = 0.01, l2 = 0.01}",
     "The penalty l1 * sum(|w|) + l2 * sum(w^2).",
     "local reg = nn.regularizers.l1_l2{l1 = 1e-5, l2 = 1e-4}"},
};

/* ------------------------------------------------------------------ lookup */

/* Push the value `path` names ("nn.Dense", "nn.Layer:extend", "Model:fit"), or
** nil: a path under nn is walked from the table at `nn`; "Type:method" is looked
** up in the __methods table of the metatable "nn.Type". */
static void push_documented(lua_State *L, int nn, const char *path)
{
    const char *colon = strchr(path, ':');
    if (strncmp(path, "nn", 2) == 0 && (path[2] == '\0' || path[2] == '.')) {
        lua_pushvalue(L, nn);
        path += path[2] == '.' ? 3 : 2;
    } else if (colon) {
        char type[64];
        snprintf(type, sizeof type, "nn.%.*s", (int)(colon - path), path);
        if (luaL_getmetatable(L, type) == LUA_TTABLE) {
            lua_getfield(L, -1, "__methods");
            lua_remove(L, -2);
        }
        path = colon + 1;
    } else {
        lua_pushnil(L);
        return;
    }
    while (*path && lua_istable(L, -1)) {
        size_t len = strcspn(path, ".:");
        lua_pushlstring(L, path, len);
        lua_rawget(L, -2);
        lua_remove(L, -2);
        path += len + (path[len] != '\0');
    }
    if (*path) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
}

static void register_all(lua_State *L, int nn, const doc_entry *docs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        push_documented(L, nn, docs[i].path);
        repl_doc(L, lua_isnil(L, -1) ? 0 : -1, docs[i].path, docs[i].signature, docs[i].text,
                 docs[i].example);
        lua_pop(L, 1);
    }
}

/* Models first: help("get_weights") then finds Model:get_weights, the one a
** learner means more often than Layer:get_weights. */
void repl_open_docs(lua_State *L, int nn)
{
    nn = lua_absindex(L, nn);
    register_all(L, nn, model_docs, sizeof model_docs / sizeof model_docs[0]);
    register_all(L, nn, layer_docs, sizeof layer_docs / sizeof layer_docs[0]);
    register_all(L, nn, optimizer_docs, sizeof optimizer_docs / sizeof optimizer_docs[0]);
    register_all(L, nn, loss_docs, sizeof loss_docs / sizeof loss_docs[0]);
    register_all(L, nn, tensor_docs, sizeof tensor_docs / sizeof tensor_docs[0]);
    register_all(L, nn, module_docs, sizeof module_docs / sizeof module_docs[0]);
}
