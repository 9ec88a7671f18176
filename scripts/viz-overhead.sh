#!/usr/bin/env bash
# What the live window costs training: fit the course's MLP on Fashion-MNIST
# with no window, then with the window drawing its frames offscreen (headless,
# NNSCOPE_VIZ_OFFSCREEN=1: the same drawing a real window does, at its frame
# rate). Runs alternate, and the fastest of each kind is compared, so a busy
# machine does not pass for overhead.
#   scripts/viz-overhead.sh [runs] [panel]      (default 5 runs, the dashboard)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
panel=${2:-dashboard}
make -s build/nnscope
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2} NNSCOPE_VIZ_OFFSCREEN=1
code='
local with = os.getenv("WITH_VIZ") == "1"
local train = nn.datasets.fashion_mnist.load_data()
local n = 20000
local x = train.x:slice(1, n):reshape{n, 784} / 255
local y = nn.utils.to_categorical(train.y:slice(1, n), 10)
local model = nn.Sequential{
  nn.layers.Dense{128, activation = "relu", input_dim = 784},
  nn.layers.Dense{10, activation = "softmax"},
}
model:compile{optimizer = "adam", loss = "categorical_crossentropy", metrics = {"accuracy"}}
if with then viz.show(model); viz.panel("PANEL") end
local t0 = os.clock()
model:fit(x, y, {epochs = 3, batch_size = 32, verbose = 0})
io.write(string.format("%.3f\n", os.clock() - t0))
'
code=${code//PANEL/$panel}
best_without=999999
best_with=999999
for i in $(seq "$runs"); do
    a=$(WITH_VIZ=0 build/nnscope --headless -e "$code" | tail -1)
    b=$(WITH_VIZ=1 build/nnscope --headless -e "$code" | tail -1)
    echo "run $i: without window ${a} s, with window ${b} s (CPU time of fit)"
    best_without=$(echo "$a $best_without" | awk '{print ($1 < $2) ? $1 : $2}')
    best_with=$(echo "$b $best_with" | awk '{print ($1 < $2) ? $1 : $2}')
done
echo "$best_without $best_with $panel" | awk '{
    printf "fastest: without %.3f s, with %.3f s: the live window (%s) costs %.1f%% of training\n",
           $1, $2, $3, 100 * ($2 - $1) / $1 }'
