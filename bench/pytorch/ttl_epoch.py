#!/usr/bin/python3
"""Seconds per training epoch of ttl-mnist on MNIST in PyTorch, the reference for `ttl bench train --model ttl-mnist`.

ttl-mnist: a Tucker tensor layer (the 28x28 image -> 300, input ranks 5x5, output rank 10: factors A1, A2
(28x5), core G (10x5x5), output factor B (300x10), bias 300), then ReLU and Linear(300, 10). The parameters
carry ttl4j's names and layouts (core, in_factors.0, in_factors.1, out_factors.0, bias; see
docs/checkpoint-format.md), so the model's state dict saved with python/ttl4j_torch.py's save_state_dict
goes through `ttl import --model ttl-mnist --input-shape 784` unchanged. The layer never
forms its 300x784 weight: the image is projected by A1 and A2 (two mode products), contracted with the core,
then expanded by B, and autograd differentiates through those products.
--impl matmul runs the mode products as batched matmuls, --impl einsum as one torch.einsum per step.

Data and timing as in mlp_epoch.py: the 60000 training images held as floats in [0, 1] before anything is
timed; timed: every epoch's batches (a shuffled index_select, forward, cross-entropy, backward, optimiser step).
Prints one JSON object.
"""
import argparse
import json
import math
import os
import statistics

import torch

from mlp_epoch import read_idx, time_epochs


class TuckerLayer(torch.nn.Module):
    """y = B G (A1^T X A2) + b for a batch of I1 x I2 inputs; Tucker weight of shape J x I1 x I2, ranks S | R1, R2."""

    def __init__(self, i1=28, i2=28, j=300, r1=5, r2=5, s=10, impl="matmul"):
        super().__init__()
        self.i1, self.i2, self.impl = i1, i2, impl

        def orthonormal(rows, cols):
            q, _ = torch.linalg.qr(torch.randn(rows, cols))
            return torch.nn.Parameter(q.contiguous())

        self.in_factors = torch.nn.ParameterList([orthonormal(i1, r1), orthonormal(i2, r2)])  # A1, A2
        self.out_factors = torch.nn.ParameterList([orthonormal(j, s)])  # B
        # With orthonormal factors the reconstructed weight has the core's entry variance spread over
        # J * I entries: scale the core so the weight has He variance 2 / fan_in.
        std = math.sqrt(2.0 / (i1 * i2)) * math.sqrt(j * i1 * i2 / (s * r1 * r2))
        self.core = torch.nn.Parameter(torch.randn(s, r1, r2) * std)
        self.bias = torch.nn.Parameter(torch.zeros(j))

    def forward(self, x):
        x = x.reshape(-1, self.i1, self.i2)
        a1, a2, b = self.in_factors[0], self.in_factors[1], self.out_factors[0]
        if self.impl == "einsum":
            p = torch.einsum("bij,ir,js->brs", x, a1, a2)
            u = torch.einsum("brs,krs->bk", p, self.core)
            return torch.einsum("bk,jk->bj", u, b) + self.bias
        p = torch.matmul(a1.t(), torch.matmul(x, a2))  # B x R1 x R2
        u = p.reshape(p.shape[0], -1) @ self.core.reshape(self.core.shape[0], -1).t()  # B x S
        return torch.addmm(self.bias, u, b.t())  # B x J


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="ttl-mnist", choices=["ttl-mnist"])
    p.add_argument("--data-dir", required=True, help="folder holding the MNIST IDX files")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--impl", default="matmul", choices=["matmul", "einsum"])
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    p.add_argument("--epochs", type=int, default=2, help="timed epochs")
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--eval", action="store_true", help="also print the test accuracy after the last epoch")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = read_idx(os.path.join(a.data_dir, "train-images-idx3-ubyte")).reshape(-1, 784).float().div_(255)
    y = read_idx(os.path.join(a.data_dir, "train-labels-idx1-ubyte")).long()
    model = torch.nn.Sequential(TuckerLayer(impl=a.impl), torch.nn.ReLU(), torch.nn.Linear(300, 10))
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    times, loss = time_epochs(model, opt, loss_fn, x, y, a.batch_size, a.warmup, a.epochs)
    result = {"framework": "pytorch", "torch": torch.__version__, "model": "ttl-mnist", "impl": a.impl,
              "batch_size": a.batch_size, "torch_threads": torch.get_num_threads(),
              "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
              "epoch_seconds": [round(t, 4) for t in times], "median_s": round(statistics.median(times), 4),
              "last_loss": round(loss, 4)}
    if a.eval:
        xt = read_idx(os.path.join(a.data_dir, "t10k-images-idx3-ubyte")).reshape(-1, 784).float().div_(255)
        yt = read_idx(os.path.join(a.data_dir, "t10k-labels-idx1-ubyte")).long()
        with torch.no_grad():
            result["test_accuracy"] = round((model(xt).argmax(1) == yt).float().mean().item(), 4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
