#!/usr/bin/python3
"""PyTorch side of `make bench`: the same workloads as bench/bench_nn.c.

Run with Debian's /usr/bin/python3 (python3-torch, python3-numpy). Reads the
Fashion-MNIST IDX files with gzip + numpy (no download), builds the models with
Keras's initialisation (glorot uniform kernels, zero biases) and Keras's Adam
(epsilon 1e-7), and prints one JSON object per line:

  {"impl": "torch", "config": "...", "work": "mlp_epoch", "seconds": ..., ...}

Timed parts: shuffle + gather + train for the epochs (loading excluded),
predict on the 10000 test images at batch 1000, and the median latency of one
training step at batch 1 and 32. The thread configuration comes from the
environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS) set by scripts/bench.sh;
--config only labels the output.

Usage: bench_torch.py [--config NAME] [--quick] [--only mlp,cnn,step] [--threads N]
                      [--seed S]
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as tnn

DATA = os.environ.get("NNSCOPE_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
SEED = 42


def read_idx(name):
    """An IDX file (gzip-compressed) as a numpy uint8 array."""
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load():
    xtr = read_idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    ytr = read_idx("train-labels-idx1-ubyte.gz").astype(np.int64)
    xte = read_idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    yte = read_idx("t10k-labels-idx1-ubyte.gz").astype(np.int64)
    return (torch.from_numpy(xtr), torch.from_numpy(ytr),
            torch.from_numpy(xte), torch.from_numpy(yte))


def keras_init(model):
    """Keras defaults: glorot_uniform kernels, zero biases."""
    for mod in model.modules():
        if isinstance(mod, (tnn.Linear, tnn.Conv2d)):
            tnn.init.xavier_uniform_(mod.weight)
            tnn.init.zeros_(mod.bias)


def mlp():
    m = tnn.Sequential(tnn.Linear(784, 128), tnn.ReLU(), tnn.Linear(128, 10))
    keras_init(m)
    return m


def cnn():
    # Keras: Conv2D(32,3,relu) MaxPool2 Conv2D(64,3,relu) MaxPool2 Flatten Dense(64,relu)
    # Dense(10,softmax) on 28x28x1; 5x5x64 = 1600 features after the second pool.
    m = tnn.Sequential(
        tnn.Conv2d(1, 32, 3), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(32, 64, 3), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(1600, 64), tnn.ReLU(), tnn.Linear(64, 10))
    keras_init(m)
    return m


def optimizer(model):
    return torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)


# The softmax output layer is folded into the loss (CrossEntropyLoss takes logits),
# as Keras and nnscope fuse softmax + categorical cross-entropy.
LOSS = tnn.CrossEntropyLoss()


def train_epochs(model, opt, x, y, batch, epochs, gen):
    n = x.shape[0]
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = LOSS(model(xb), yb)
            loss.backward()
            opt.step()
    return float(loss)


def predict(model, x, batch):
    model.eval()
    outs = []
    with torch.no_grad():
        for start in range(0, x.shape[0], batch):
            outs.append(torch.softmax(model(x[start:start + batch]), dim=1))
    return torch.cat(outs)


def accuracy(prob, y):
    return float((prob.argmax(dim=1) == y).float().mean())


def emit(rec):
    print(json.dumps(rec), flush=True)


def run_model(name, make, x, y, xte, yte, batch, epochs, base, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = make()
    opt = optimizer(model)
    t0 = time.perf_counter()
    last_loss = train_epochs(model, opt, x, y, batch, epochs, gen)
    t_train = time.perf_counter() - t0
    n = x.shape[0] * epochs
    t0 = time.perf_counter()
    prob = predict(model, xte, 1000)
    t_pred = time.perf_counter() - t0
    acc = accuracy(prob, yte)
    emit(dict(base, work=name + "_epoch", seconds=t_train, samples_per_s=n / t_train,
              samples=n, batch=batch, loss=last_loss, test_acc=acc))
    emit(dict(base, work=name + "_predict", seconds=t_pred,
              samples_per_s=xte.shape[0] / t_pred, samples=xte.shape[0], batch=1000))


def run_steps(x, y, base, reps, seed):
    """Median latency of one MLP training step (forward, loss, backward, Adam)."""
    torch.manual_seed(seed)
    model = mlp()
    opt = optimizer(model)
    model.train()
    for batch in (1, 32):
        xb, yb = x[:batch].clone(), y[:batch].clone()
        times = []
        for i in range(reps + 20):
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = LOSS(model(xb), yb)
            loss.backward()
            opt.step()
            if i >= 20:         # the first steps allocate and warm the caches
                times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        emit(dict(base, work="mlp_step_b%d" % batch, seconds=med, us=med * 1e6, batch=batch,
                  reps=reps))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--quick", action="store_true",
                    help="a tenth of the training data, fewer step repetitions")
    ap.add_argument("--only", default="mlp,cnn,step")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch.set_num_threads(N) (0: PyTorch's own choice)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    works = set(args.only.split(","))
    base = dict(impl="torch", config=args.config, seed=args.seed, torch=torch.__version__,
                threads=torch.get_num_threads(),
                openblas_threads=os.environ.get("OPENBLAS_NUM_THREADS", ""))
    x, y, xte, yte = load()
    if args.quick:
        x, y = x[:6000], y[:6000]
    ximg, xteimg = x.reshape(-1, 1, 28, 28), xte.reshape(-1, 1, 28, 28)
    if "mlp" in works:
        run_model("mlp", mlp, x, y, xte, yte, 32, 1, base, args.seed)
    if "cnn" in works:
        run_model("cnn", cnn, ximg, y, xteimg, yte, 128, 1, base, args.seed)
    if "step" in works:
        run_steps(x, y, base, 200 if args.quick else 1000, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
