#!/usr/bin/python3
"""Seconds per training epoch of an MLP on MNIST in PyTorch, the reference for `ttl bench train`.

The 60000 training images are read from the IDX files (raw or .gz) and held in memory as a float
tensor scaled to [0, 1] before anything is timed. Timed: every epoch's batches (a shuffled
index_select, forward, cross-entropy, backward, SGD step). Prints one JSON object.
Threads: torch.set_num_threads(--threads); OpenBLAS takes OPENBLAS_NUM_THREADS from the environment.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import time

import torch

MODELS = {"mlp-mnist": [784, 300, 10], "mlp-wide": [784, 1024, 1024, 10]}


def read_idx(path):
    if not os.path.exists(path):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8)
    return data.reshape(dims)


def build(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def time_epochs(model, opt, loss_fn, x, y, batch_size, warmup, epochs):
    """Trains epochs over shuffled batches; returns the seconds of the epochs after the warm-up and the last loss."""
    n = x.shape[0]
    times, loss = [], float("nan")
    for epoch in range(warmup + epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for s in range(0, n, batch_size):
            idx = perm[s:s + batch_size]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            out = loss_fn(model(xb), yb)
            out.backward()
            opt.step()
        loss = out.item()
        if epoch >= warmup:
            times.append(time.perf_counter() - t0)
    return times, loss


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", default="mlp-mnist", choices=sorted(MODELS))
    p.add_argument("--data-dir", required=True, help="folder holding the MNIST IDX files")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    p.add_argument("--epochs", type=int, default=2, help="timed epochs")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = read_idx(os.path.join(a.data_dir, "train-images-idx3-ubyte")).reshape(-1, 784).float().div_(255)
    y = read_idx(os.path.join(a.data_dir, "train-labels-idx1-ubyte")).long()
    model = build(MODELS[a.model])
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    times, loss = time_epochs(model, opt, loss_fn, x, y, a.batch_size, a.warmup, a.epochs)
    print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "model": a.model, "batch_size": a.batch_size,
                      "torch_threads": torch.get_num_threads(),
                      "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                      "epoch_seconds": [round(t, 4) for t in times], "median_s": round(statistics.median(times), 4),
                      "last_loss": round(loss, 4)}))


if __name__ == "__main__":
    main()
