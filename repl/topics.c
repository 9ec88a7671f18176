/* repl/topics.c — the texts of help(): the tour, and the concepts help("topic")
** explains. They describe what Keras really does, which nnscope follows. */
#include "shell.h"

const char repl_tour[] =
    "nnscope: learn deep learning by watching it happen. Type Lua at the prompt.\n"
    "\n"
    "  1. Load data    local train, test = nn.datasets.fashion_mnist.load_data()\n"
    "                  local x = train.x:reshape{60000, 784} / 255\n"
    "                  local y = nn.utils.to_categorical(train.y, 10)\n"
    "  2. Build        local model = nn.Sequential{\n"
    "                    nn.Dense{128, activation = \"relu\", input_dim = 784},\n"
    "                    nn.Dense{10, activation = \"softmax\"}}\n"
    "                  model:summary()\n"
    "  3. Compile      model:compile{optimizer = \"adam\",\n"
    "                    loss = \"categorical_crossentropy\", metrics = {\"accuracy\"}}\n"
    "  4. Fit          local h = model:fit(x, y, {epochs = 1, validation_split = 0.1})\n"
    "                  Ctrl-C stops training after the current batch and keeps\n"
    "                  the history so far (h.history.loss, h.history.val_accuracy).\n"
    "  5. Evaluate     print(model:evaluate(x_test, y_test))  -- loss, accuracy\n"
    "  6. Look         viz.show(model) draws weights, activations and the loss\n"
    "                  curves in the window; viz.snapshot(\"m.png\") saves a picture,\n"
    "                  with or without a display.\n"
    "  Step by step    model:forward(x), model:backward(y), model:apply_gradients()\n"
    "  Lessons         nnscope --lesson 1 starts the first lesson.\n"
    "\n"
    "Tab completes names (model:fi<Tab> gives model:fit). Ctrl-C clears the line,\n"
    "Ctrl-D quits. timeit(fn) measures a function. Locals vanish after each line:\n"
    "drop 'local' at the prompt to keep a variable.\n"
    "help(nn.Dense) or help(\"fit\") documents a function; help(\"topics\") lists the\n"
    "concepts explained here:";

const repl_topic repl_topics[] = {
    {"backprop", "backpropagation gradient gradients chain_rule backward",
     "how the gradients of every weight are computed",
     "Training needs the gradient of the loss with respect to every weight.\n"
     "Backpropagation gets all of them in one backward pass, applying the chain\n"
     "rule layer by layer from the loss back to the input. For a Dense layer:\n"
     "\n"
     "  forward:   z = x W + b,   a = activation(z)\n"
     "  backward:  dz = da * activation'(z)         (element by element)\n"
     "             dW = x^T dz,   db = dz summed over the batch,   dx = dz W^T\n"
     "\n"
     "dx is the da of the layer before. The loss is a mean over the batch, so the\n"
     "gradients are too; the optimizer then uses them to change the weights.\n"
     "In nnscope each stage can be run on its own and watched in the window:\n"
     "  model:forward(x)   model:backward(y)   model:apply_gradients()"},
    {"softmax", "logits probabilities",
     "turning scores into class probabilities",
     "softmax turns a vector of scores (logits) z into probabilities that are\n"
     "positive and sum to 1:\n"
     "\n"
     "  softmax(z)_i = exp(z_i) / sum_j exp(z_j)\n"
     "\n"
     "Subtracting max(z) from every z_i first gives the same result without\n"
     "overflow. It is the usual last activation of a classifier with one label\n"
     "per example: nn.Dense{10, activation = \"softmax\"}. Together with\n"
     "categorical cross-entropy the gradient with respect to z is simply p - y\n"
     "(predicted probabilities minus the one-hot label). Keras's losses expect\n"
     "probabilities by default (from_logits = false); with a linear last layer,\n"
     "give the loss from_logits = true instead."},
    {"adam", "optimizer optimizers",
     "the Adam optimizer and its defaults",
     "Adam (Kingma and Ba, 2014) keeps two running averages for each weight: of\n"
     "its gradient g (momentum) and of g squared (a per-weight scale):\n"
     "\n"
     "  m = beta_1 m + (1 - beta_1) g\n"
     "  v = beta_2 v + (1 - beta_2) g^2\n"
     "  w = w - lr_t m / (sqrt(v) + epsilon)\n"
     "  lr_t = learning_rate sqrt(1 - beta_2^t) / (1 - beta_1^t)\n"
     "\n"
     "t counts steps from 1; lr_t corrects m and v, which start at 0. Keras's\n"
     "defaults: learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999,\n"
     "epsilon = 1e-7. Every weight gets its own step size, which makes Adam a\n"
     "good first choice.\n"
     "  optimizer = \"adam\"   or   nn.optimizers.Adam{learning_rate = 1e-3}"},
    {"sgd", "gradient_descent momentum nesterov",
     "stochastic gradient descent, with and without momentum",
     "Stochastic gradient descent moves each weight a small step against its\n"
     "gradient g, computed on one mini-batch:\n"
     "\n"
     "  w = w - learning_rate g\n"
     "\n"
     "With momentum (0 <= momentum < 1) a velocity v remembers past steps:\n"
     "  v = momentum v - learning_rate g;   w = w + v\n"
     "and with nesterov = true the step looks ahead:\n"
     "  w = w + momentum v - learning_rate g\n"
     "Keras's defaults: learning_rate = 0.01, momentum = 0, nesterov = false.\n"
     "  optimizer = \"sgd\"   or   nn.optimizers.SGD{learning_rate = 0.1, momentum = 0.9}"},
    {"loss", "losses crossentropy cross_entropy categorical_crossentropy mse",
     "what the loss measures, and which one to choose",
     "The loss is the number training makes smaller: how wrong the predictions p\n"
     "are on a batch, averaged over its examples.\n"
     "\n"
     "  mean_squared_error (mse)         mean of (y - p)^2; regression\n"
     "  categorical_crossentropy         -sum_i y_i log p_i; y one-hot rows\n"
     "  sparse_categorical_crossentropy  the same, y a class index\n"
     "  binary_crossentropy              -(y log p + (1 - y) log(1 - p)); one\n"
     "                                   sigmoid output per label\n"
     "\n"
     "Keras clips p to [1e-7, 1 - 1e-7] before taking the log. The loss in the\n"
     "progress bar is the mean over the epoch's batches so far, so it lags behind\n"
     "the model; val_loss is computed once, at the end of each epoch."},
    {"overfitting", "overfit underfitting generalization regularization",
     "when the model learns the examples instead of the pattern",
     "A model overfits when it learns its training examples rather than the\n"
     "pattern: the training loss keeps falling while the validation loss stops\n"
     "falling and starts to rise. Watch both: validation_split = 0.1 in fit\n"
     "reports val_loss and val_accuracy after every epoch.\n"
     "\n"
     "What helps: more data (or augmentation), a smaller model, stopping early\n"
     "(EarlyStopping{monitor = \"val_loss\", patience = 3,\n"
     "restore_best_weights = true}), Dropout layers, and weight penalties\n"
     "(kernel_regularizer = nn.regularizers.l2(0.01)). Use the test set once, at\n"
     "the end: choosing settings by it makes it overfit too. A model that does\n"
     "badly on the training data as well underfits: make it bigger or train longer."},
    {"validation", "validation_split validation_data val_loss",
     "how fit holds data back to check the model",
     "validation_split = 0.1 sets aside the LAST 10% of x and y (taken before any\n"
     "shuffling, as Keras does) and never trains on them. At the end of each\n"
     "epoch the model is evaluated there, giving val_loss and val_accuracy.\n"
     "If your examples are sorted (all the 0s, then all the 1s, ...), shuffle\n"
     "them first or the validation set is not representative.\n"
     "validation_data = {x_val, y_val} gives a set of your own instead.\n"
     "With 60000 examples, validation_split = 0.1 and batch_size = 32, an epoch\n"
     "trains on 54000 examples in ceil(54000 / 32) = 1688 steps."},
    {"epochs", "epoch batch batch_size batches steps minibatch",
     "epochs, batches and steps",
     "An epoch is one pass over the training data. fit cuts it into mini-batches\n"
     "of batch_size examples (Keras's default: 32); each batch gives one gradient\n"
     "step, so an epoch has ceil(N / batch_size) steps, the count the progress\n"
     "bar shows. fit shuffles the training examples before every epoch\n"
     "(shuffle = true by default). Small batches give noisier but more frequent\n"
     "steps; large batches are faster per example and often want a larger\n"
     "learning rate."},
    {"activation", "activations relu sigmoid tanh nonlinearity",
     "relu, sigmoid, tanh, softmax, linear",
     "An activation is the nonlinearity applied after a layer's linear part;\n"
     "without one, stacked Dense layers collapse into a single linear map.\n"
     "\n"
     "  relu(z)    = max(0, z)              the usual choice for hidden layers\n"
     "  sigmoid(z) = 1 / (1 + exp(-z))      output in (0, 1); binary outputs\n"
     "  tanh(z)    = 2 sigmoid(2z) - 1      output in (-1, 1)\n"
     "  softmax                             class probabilities; last layer\n"
     "  linear     z itself                 Dense's default (no activation)\n"
     "\n"
     "Their derivatives, used by backprop: relu'(z) = 1 if z > 0, else 0;\n"
     "sigmoid' = s (1 - s); tanh' = 1 - tanh^2."},
    {"dense", "fully_connected linear_layer parameters params",
     "the fully connected layer",
     "Dense computes  y = activation(x W + b)  with x of shape (batch, in), the\n"
     "kernel W of shape (in, units) and the bias b of shape (units). It has\n"
     "in * units + units parameters: nn.Dense{128, input_dim = 784} has\n"
     "784 * 128 + 128 = 100480. Keras's defaults: no activation (linear),\n"
     "use_bias = true, kernel_initializer = \"glorot_uniform\",\n"
     "bias_initializer = \"zeros\". The first layer needs input_dim = n (or\n"
     "input_shape = {n}); later layers take their input size from the layer\n"
     "before. model:summary() lists every layer's output shape and parameters."},
    {"learning_rate", "lr step_size",
     "the size of each optimizer step",
     "The learning rate scales every optimizer step. Too large: the loss jumps\n"
     "around or grows, even to nan. Too small: it falls very slowly. Keras's\n"
     "defaults are good starting points: 0.01 for SGD, 0.001 for Adam and\n"
     "RMSprop. Change it by factors of 3 or 10 and watch the loss curve;\n"
     "LearningRateScheduler and ReduceLROnPlateau lower it during training."},
    {"one_hot", "onehot to_categorical labels categorical sparse",
     "class indices and one-hot labels",
     "Class labels come in two forms. As indices (y = 3, 0, 9, ...), used with\n"
     "sparse_categorical_crossentropy. Or one-hot: each label becomes a row\n"
     "with a 1 in its class's column and 0 elsewhere, used with\n"
     "categorical_crossentropy:\n"
     "\n"
     "  nn.utils.to_categorical(y, 10)   -- 3 becomes {0,0,0,1,0,0,0,0,0,0}\n"
     "\n"
     "Both losses give the same numbers; one-hot rows take num_classes times the\n"
     "memory. Class indices start at 0, as in Keras."},
    {"accuracy", "metrics metric",
     "what metrics = {\"accuracy\"} reports",
     "metrics = {\"accuracy\"} reports the fraction of examples classified right.\n"
     "Keras picks the kind from the loss: with categorical_crossentropy it\n"
     "compares argmax(prediction) with argmax(label) (categorical_accuracy);\n"
     "with sparse_categorical_crossentropy, argmax(prediction) with the index\n"
     "(sparse_categorical_accuracy); with binary_crossentropy, prediction > 0.5\n"
     "with the label (binary_accuracy). Metrics are reported, never optimized:\n"
     "training follows the loss alone."},
    {"initialization", "initializer initializers glorot glorot_uniform he_normal init",
     "how weights start",
     "Weights start random so that units differ; biases start at 0. Keras's\n"
     "default kernel initializer is glorot_uniform: uniform in [-limit, limit]\n"
     "with limit = sqrt(6 / (fan_in + fan_out)), which keeps the spread of\n"
     "activations and gradients similar from layer to layer. he_normal (a\n"
     "truncated normal with stddev sqrt(2 / fan_in)) suits deep relu networks.\n"
     "nnscope's random numbers come from seeded generators: the same seed gives\n"
     "the same weights and the same run."},
    {"dropout", "regularizer",
     "randomly silencing units while training",
     "Dropout{rate} sets each of its inputs to 0 with probability rate while\n"
     "training and multiplies the kept ones by 1 / (1 - rate), so their expected\n"
     "value is unchanged. In evaluate and predict it passes its input through\n"
     "untouched. Each step trains a different thinned network, which keeps units\n"
     "from relying on each other and reduces overfitting. Typical rates: 0.2 to\n"
     "0.5."},
    {"conv2d", "convolution cnn filters kernel padding strides",
     "convolution layers for images",
     "Conv2D{filters, kernel_size} slides `filters` small kernels over images of\n"
     "shape (batch, height, width, channels), channels last as in Keras. Each\n"
     "filter has a kernel of shape (kh, kw, in_channels) plus a bias and gives\n"
     "one output channel: a feature map. Kernel weights: (kh, kw, in, filters).\n"
     "Keras's defaults: strides = 1, padding = \"valid\" (no padding: the output\n"
     "is H - kh + 1 high for stride 1, floor((H - kh) / s) + 1 in general);\n"
     "padding = \"same\" pads so the output is ceil(H / s) high. Weights are\n"
     "shared across positions, so a conv layer has far fewer parameters than a\n"
     "Dense layer on the same image."},
    {"tensor", "tensors shape shapes reshape array",
     "arrays of numbers and their shapes",
     "A tensor is an array of float32 numbers with a shape, e.g. {60000, 28, 28}.\n"
     "The first dimension is the batch: one row per example. Images are\n"
     "channels-last, (batch, height, width, channels), as in Keras.\n"
     "  t:shape()   t:reshape{60000, 784}   t:transpose()   t:matmul(u)\n"
     "  t:slice(first, last) (rows)   t[i]   t:totable()   t / 255\n"
     "Most shape errors come from images given to a Dense layer without a\n"
     "reshape (or Flatten), or from class indices given to a loss that wants\n"
     "one-hot rows."},
    {NULL, NULL, NULL, NULL},
};
