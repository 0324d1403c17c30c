#!/usr/bin/python3
"""Seconds per training step of VGG-16 on CIFAR-10 in PyTorch, the reference for
`ttl bench train --model vgg16|vgg16-ttl --dataset cifar10 --steps N`.

vgg16: the 13 convolutions of VGG-16 (64, 64, M, 128, 128, M, 256 x3, M, 512 x3, M, 512 x3, M), each 3x3 with
padding 1 and followed by BatchNorm2d and ReLU, then Flatten and Linear(512, 4096), ReLU, Linear(4096, 4096),
ReLU, Linear(4096, 10). vgg16-ttl: the two 4096-wide layers as Tucker layers (512 as 8x8x8 -> 4096 as 16x16x16,
then 16x16x16 -> 16x16x16, every rank 8), each computed as three mode products down to the ranks, one core
matmul and three mode products up (torch.einsum), never forming the dense weight; autograd differentiates them.

Data: the first training batch of CIFAR-10 (data_batch_1.bin or .bin.gz in --data-dir), scaled to [0, 1] and
held as floats before anything is timed; random images when the folder has none. Timed: each step (a shuffled
index_select of the batch, forward, cross-entropy, backward, SGD step with momentum 0.9), after warm-up steps.
Prints one JSON object.
"""
import argparse
import gzip
import json
import math
import os
import statistics
import time

import torch

CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class Tucker3(torch.nn.Module):
    """y = X x1 A1^T x2 A2^T x3 A3^T, contracted with the core (S x R), then x1 B1 x2 B2 x3 B3, plus a bias."""

    def __init__(self, ins, outs, r, s):
        super().__init__()
        self.ins, self.outs = ins, outs

        def orthonormal(rows, cols):
            q, _ = torch.linalg.qr(torch.randn(rows, cols))
            return torch.nn.Parameter(q.contiguous())

        self.a = torch.nn.ParameterList([orthonormal(i, k) for i, k in zip(ins, r)])
        self.b = torch.nn.ParameterList([orthonormal(j, k) for j, k in zip(outs, s)])
        fan_in, n_out = math.prod(ins), math.prod(outs)
        std = math.sqrt(2.0 / fan_in) * math.sqrt(n_out * fan_in / (math.prod(r) * math.prod(s)))
        self.core = torch.nn.Parameter(torch.randn(math.prod(s), math.prod(r)) * std)
        self.r, self.s = r, s
        self.bias = torch.nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        x = x.reshape(-1, *self.ins)
        p = torch.einsum("nijk,ia,jb,kc->nabc", x, self.a[0], self.a[1], self.a[2])
        u = (p.reshape(p.shape[0], -1) @ self.core.t()).reshape(-1, *self.s)
        y = torch.einsum("nabc,ia,jb,kc->nijk", u, self.b[0], self.b[1], self.b[2])
        return y.reshape(y.shape[0], -1) + self.bias


def vgg16(tucker):
    layers, c = [], 3
    for v in CFG:
        if v == "M":
            layers.append(torch.nn.MaxPool2d(2))
        else:
            layers += [torch.nn.Conv2d(c, v, 3, padding=1), torch.nn.BatchNorm2d(v), torch.nn.ReLU()]
            c = v
    layers.append(torch.nn.Flatten())
    if tucker:
        layers += [Tucker3((8, 8, 8), (16, 16, 16), (8, 8, 8), (8, 8, 8)), torch.nn.ReLU(),
                   Tucker3((16, 16, 16), (16, 16, 16), (8, 8, 8), (8, 8, 8)), torch.nn.ReLU(), torch.nn.Linear(4096, 10)]
    else:
        layers += [torch.nn.Linear(512, 4096), torch.nn.ReLU(), torch.nn.Linear(4096, 4096), torch.nn.ReLU(), torch.nn.Linear(4096, 10)]
    return torch.nn.Sequential(*layers)


def read_batch(data_dir):
    for name in ("data_batch_1.bin", "data_batch_1.bin.gz"):
        path = os.path.join(data_dir, name)
        if os.path.isfile(path):
            raw = (gzip.open if name.endswith(".gz") else open)(path, "rb").read()
            t = torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(-1, 3073)
            return t[:, 1:].reshape(-1, 3, 32, 32).float().div_(255), t[:, 0].long(), path
    g = torch.Generator().manual_seed(1)
    return torch.rand(10000, 3, 32, 32, generator=g), torch.randint(0, 10, (10000,), generator=g), None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="vgg16", choices=["vgg16", "vgg16-ttl"])
    p.add_argument("--data-dir", default="", help="folder holding CIFAR-10's binary batches (random images without)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    p.add_argument("--steps", type=int, default=3, help="timed steps")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y, source = read_batch(a.data_dir)
    model = vgg16(a.model == "vgg16-ttl")
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    perm = torch.randperm(x.shape[0])
    times, loss = [], float("nan")
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        idx = perm[(i * a.batch_size) % (x.shape[0] - a.batch_size):][: a.batch_size]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        out = loss_fn(model(xb), yb)
        out.backward()
        opt.step()
        loss = out.item()
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
    head = sum(q.numel() for m in list(model)[list(map(type, model)).index(torch.nn.Flatten) + 1:] for q in m.parameters())
    print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "model": a.model, "threads": a.threads,
                      "batch_size": a.batch_size, "warmup_steps": a.warmup, "data": source or "random",
                      "parameters": sum(q.numel() for q in model.parameters()), "head_parameters": head,
                      "step_seconds": [round(t, 4) for t in times], "median_step_s": round(statistics.median(times), 4),
                      "last_loss": round(loss, 4)}))


if __name__ == "__main__":
    main()
