#!/usr/bin/env bash
# tests/cli/train_fashion.sh — the issues' acceptance runs on the real Fashion-MNIST
# (Debian's dataset-fashion-mnist): the course MLP reaches >= 0.83 test accuracy after
# one epoch, the course CNN >= 0.85 after two. Slow (about a minute), never skipped.
cd "$(dirname "$0")/../.."
bin=${BUILD_DIR:-build}/nnscope

check() {   # name, minimum, script
    local name=$1 min=$2 out
    out=$("$bin" --headless -e "$3" 2>&1)
    local acc
    acc=$(printf '%s\n' "$out" | sed -n 's/^test accuracy \([0-9.]*\)$/\1/p')
    if [ -n "$acc" ] && awk -v a="$acc" -v m="$min" 'BEGIN { exit !(a >= m) }'; then
        echo "PASS $name: test accuracy $acc >= $min"
    else
        echo "FAIL $name: test accuracy '${acc:-none}' (want >= $min)"
        printf '%s\n' "$out" | tail -5 | sed 's/^/    /'
    fi
}

check "MLP on Fashion-MNIST, 1 epoch" 0.83 '
local train, test = nn.datasets.fashion_mnist.load_data()
local model = nn.Sequential{
  nn.Dense{128, activation = "relu", input_dim = 784},
  nn.Dense{10, activation = "softmax"},
}
model:compile{optimizer = "adam", loss = "categorical_crossentropy", metrics = {"accuracy"}}
model:fit(train.x:reshape{60000, 784} / 255, nn.utils.to_categorical(train.y, 10),
          {epochs = 1, batch_size = 32, validation_split = 0.1, verbose = 0})
local _, acc = model:evaluate(test.x:reshape{10000, 784} / 255,
                              nn.utils.to_categorical(test.y, 10), {verbose = 0})
print(string.format("test accuracy %.4f", acc))'

check "course CNN on Fashion-MNIST, 2 epochs" 0.85 '
local train, test = nn.datasets.fashion_mnist.load_data()
local model = nn.Sequential{
  nn.Conv2D{32, {3, 3}, activation = "relu", input_shape = {28, 28, 1}},
  nn.MaxPooling2D{{2, 2}},
  nn.Conv2D{64, {3, 3}, activation = "relu"},
  nn.MaxPooling2D{{2, 2}},
  nn.Flatten{},
  nn.Dense{64, activation = "relu"},
  nn.Dense{10, activation = "softmax"},
}
model:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
model:fit(train.x:reshape{60000, 28, 28, 1} / 255, train.y,
          {epochs = 2, batch_size = 128, validation_split = 0.1, verbose = 0})
local _, acc = model:evaluate(test.x:reshape{10000, 28, 28, 1} / 255, test.y, {verbose = 0})
print(string.format("test accuracy %.4f", acc))'
