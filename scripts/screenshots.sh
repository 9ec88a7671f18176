#!/usr/bin/env bash
# Regenerates the README's pictures of the window (docs/img/*.png) from short
# training runs, headless: an MLP on Fashion-MNIST (dashboard, network,
# weights, activations, loss, sample), a small tanh network on two interleaved
# half moons (decision boundary), a CNN on Fashion-MNIST (feature maps), and the
# MLP stepped stage by stage (formula panel).
#   scripts/screenshots.sh [out_dir]            (default docs/img)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/img}
mkdir -p "$out"
make -s build/nnscope
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
run() { build/nnscope --headless -e "local out = '$out'
$1"; }

classes='viz.classes{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
  "Sneaker", "Bag", "Ankle boot"}'

run "
local train = nn.datasets.fashion_mnist.load_data()
local n = 12000
local x = train.x:slice(1, n):reshape{n, 784} / 255
local y = nn.utils.to_categorical(train.y:slice(1, n), 10)
local model = nn.Sequential{
  nn.layers.Dense{32, activation = 'relu', input_dim = 784},
  nn.layers.Dense{10, activation = 'softmax'},
}
model:compile{optimizer = 'adam', loss = 'categorical_crossentropy', metrics = {'accuracy'}}
viz.show(model, {width = 1152, height = 720})
$classes
model:fit(x, y, {epochs = 5, batch_size = 32, validation_split = 0.1, verbose = 0})
viz.select{layer = 1, unit = 8}
viz.sample(x:slice(1, 1), train.y[1])
for _, p in ipairs{'network', 'weights', 'activations', 'loss', 'sample'} do
  viz.snapshot(out .. '/' .. p .. '.png', p)
end
viz.show(model, {width = 1000, height = 625})   -- the dashboard smaller: README images < 200 KB
viz.snapshot(out .. '/dashboard.png', 'dashboard')
"

run "
local x, y = nn.datasets.make_moons{n = 400, noise = 0.15, seed = 3}
local model = nn.Sequential{
  nn.layers.Dense{8, activation = 'tanh', input_dim = 2},
  nn.layers.Dense{8, activation = 'tanh'},
  nn.layers.Dense{1, activation = 'sigmoid'},
}
model:compile{optimizer = nn.optimizers.Adam{learning_rate = 0.03}, loss = 'binary_crossentropy',
              metrics = {'accuracy'}}
viz.show(model, {width = 1152, height = 720})
viz.points(x, y)
model:fit(x, y:reshape{400, 1}, {epochs = 60, batch_size = 16, verbose = 0})
viz.snapshot(out .. '/boundary.png', 'boundary')
"

run "
local train = nn.datasets.fashion_mnist.load_data()
local n = 4000
local x = train.x:slice(1, n):reshape{n, 28, 28, 1} / 255
local y = nn.utils.to_categorical(train.y:slice(1, n), 10)
local model = nn.Sequential{
  nn.layers.Conv2D{16, kernel_size = {3, 3}, activation = 'relu', input_shape = {28, 28, 1}},
  nn.layers.MaxPooling2D{pool_size = {2, 2}},
  nn.layers.Flatten{},
  nn.layers.Dense{32, activation = 'relu'},
  nn.layers.Dense{10, activation = 'softmax'},
}
model:compile{optimizer = 'adam', loss = 'categorical_crossentropy', metrics = {'accuracy'}}
viz.show(model, {width = 1152, height = 720})
$classes
model:fit(x, y, {epochs = 2, batch_size = 32, verbose = 0})
viz.sample(x:slice(1, 1), train.y[1])
viz.select{layer = 1, unit = 4}
viz.snapshot(out .. '/features.png', 'features')
"
# The formula panel: a Dense forward and a mid-training Adam update, stepped
# stage by stage (viz.step is the . key) on the Fashion-MNIST MLP.
run "
local train = nn.datasets.fashion_mnist.load_data()
local n = 12000
local x = train.x:slice(1, n):reshape{n, 784} / 255
local y = nn.utils.to_categorical(train.y:slice(1, n), 10)
local model = nn.Sequential{
  nn.layers.Dense{32, activation = 'relu', input_dim = 784},
  nn.layers.Dense{10, activation = 'softmax'},
}
model:compile{optimizer = 'adam', loss = 'categorical_crossentropy', metrics = {'accuracy'}}
viz.show(model, {width = 1152, height = 720})
model:fit(x, y, {epochs = 3, batch_size = 32, verbose = 0})
viz.step_mode(model, x:slice(1, 32), y:slice(1, 32))
viz.step()                          -- forward through the first Dense layer
viz.select{layer = 1, unit = 8}
viz.snapshot(out .. '/formula_forward.png', 'formula')
for _ = 1, 5 do viz.step() end      -- ..., the loss, backward twice, the update
viz.select{layer = 1, unit = 8}
viz.snapshot(out .. '/formula.png', 'formula')
"
ls -l "$out"/*.png
