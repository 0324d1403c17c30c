#!/usr/bin/python3
"""A ttl4j convolutional network against PyTorch in float64: outputs and gradients, layer by layer.

Loads a ttl4j checkpoint (model.safetensors or checkpoint.safetensors of `ttl train`) into an
nn.Sequential named `layers` (so the state-dict names are ttl4j's: layers.<i>.weight,
layers.<i>.running_mean, ...), in float64. ttl4j's side comes from ConvLayersProbe.java (run here on
the runnable jar, or given with --probe): a seeded random batch, every layer's output in evaluation
mode and in training mode, the gradients of sum(output * R) for a random R with respect to every
parameter and to the input, and the batch-norm buffers after the training forward. Prints the worst
relative error (max |ttl4j - torch| / max |torch| over a tensor; the absolute error where torch's
tensor is zero up to rounding, as the bias gradient of a convolution followed by batch norm) per
layer type and per quantity, and exits 1 when one exceeds --tol.

Layer words understood: conv, maxpool, avgpool, gap, bn, flatten, dense, relu, tanh, sigmoid
(dropout is refused: its masks cannot match). `gap` is x.mean((2, 3)) (ttl4j's one layer for
AdaptiveAvgPool2d(1) + Flatten); `bn` on a flat input is BatchNorm1d.

  bin/ttl info   # builds cli/target/ttl4j.jar when missing or stale
  /usr/bin/python3 bench/pytorch/conv_layers_check.py runs/<run>/model.safetensors [--batch 8] [--seed 1]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_safetensors(path):
    """(tensors as float64 numpy arrays, metadata) of an F32 safetensors file."""
    with open(path, "rb") as f:
        n, = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} has dtype {info['dtype']}, expected F32")
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype="<f4").astype(np.float64).reshape(info["shape"])
    return out, meta


def split_spec(spec):
    """[(name, positional, named)] of a ttl4j spec (layers separated by '|')."""
    calls = []
    for word in spec.split("|"):
        word = word.strip()
        name, args = (word.split("(", 1) + [""])[:2]
        pos, named = [], {}
        args = args.rstrip(")").strip()
        for a in [a.strip() for a in args.split(",")] if args else []:
            if "=" in a:
                k, v = a.split("=", 1)
                named[k.strip().lower()] = v.strip()
            else:
                pos.append(a)
        calls.append((name.strip().lower(), pos, named))
    return calls


def pair(v):
    p = [int(t) for t in str(v).lower().split("x")]
    return (p[0], p[0]) if len(p) == 1 else (p[0], p[1])


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean((2, 3))


def build(spec, input_shape):
    """The nn.Sequential of a spec for samples of input_shape, float64, with the layer types ttl4j names them by."""
    layers, kinds = [], []
    shape = list(input_shape)
    for name, pos, named in split_spec(spec):
        if name == "conv":
            k = pair(named["k"])
            m = nn.Conv2d(shape[0], int(pos[0]), k, stride=pair(named.get("s", 1)), padding=pair(named.get("p", 0)),
                          dilation=pair(named.get("d", 1)), bias=named.get("bias", "true").lower() != "false")
        elif name in ("maxpool", "avgpool"):
            k = pair(pos[0])
            s, p = pair(named.get("s", pos[0])), pair(named.get("p", 0))
            m = nn.MaxPool2d(k, s, p) if name == "maxpool" else \
                nn.AvgPool2d(k, s, p, count_include_pad=named.get("count_include_pad", "true").lower() != "false")
        elif name == "gap":
            m = GlobalAvgPool()
        elif name == "bn":
            cls = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            m = cls(shape[0], eps=float(named.get("eps", 1e-5)), momentum=float(named.get("momentum", 0.1)))
        elif name == "flatten":
            m = nn.Flatten()
        elif name == "dense":
            m = nn.Linear(shape[0], int(pos[0]))
        elif name in ("relu", "tanh", "sigmoid"):
            m = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[name]()
        else:
            raise SystemExit(f"layer {name} is not compared by this script")
        m = m.double()
        layers.append(m)
        kinds.append(name)
        with torch.no_grad():
            m.eval()
            shape = list(m(torch.zeros([2] + shape, dtype=torch.float64)).shape[1:])
    holder = nn.Module()
    holder.layers = nn.Sequential(*layers)
    return holder, kinds


ZERO = 1e-9


def rel(ours, ref):
    """max |ours - ref| / max |ref|; the absolute error when the reference is zero up to rounding (max |ref| < ZERO),
    as the bias gradient of a convolution followed by batch norm is."""
    ref = np.asarray(ref, dtype=np.float64)
    ours = np.asarray(ours, dtype=np.float64).reshape(ref.shape)
    if ref.size == 0:
        return 0.0, False
    scale = float(np.max(np.abs(ref)))
    err = float(np.max(np.abs(ours - ref)))
    return (err, True) if scale < ZERO else (err / scale, False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("--probe", help="ConvLayersProbe output to use instead of running it")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--java", default="java")
    ap.add_argument("--jar", default=os.path.join(ROOT, "cli", "target", "ttl4j.jar"))
    ap.add_argument("--tol", type=float, default=1e-4, help="largest relative error accepted (float32 against float64)")
    a = ap.parse_args()

    weights, meta = read_safetensors(a.checkpoint)
    spec = meta["model"]
    input_shape = json.loads(meta["input_shape"])
    probe_file = a.probe
    if probe_file is None:
        if not os.path.exists(a.jar):
            raise SystemExit(f"{a.jar} is missing: run bin/ttl info once to build it")
        probe_file = os.path.join(tempfile.mkdtemp(prefix="conv-check-"), "probe.safetensors")
        subprocess.run([a.java, "--add-modules=jdk.incubator.vector", "-cp", a.jar,
                        os.path.join(ROOT, "bench", "pytorch", "ConvLayersProbe.java"), a.checkpoint, probe_file,
                        str(a.batch), str(a.seed)], check=True)
    probe, _ = read_safetensors(probe_file)

    torch.set_num_threads(1)
    model, kinds = build(spec, input_shape)
    state = {}
    for k, v in weights.items():
        if k.startswith("optimizer."):
            continue
        state[k] = torch.tensor(int(v), dtype=torch.int64) if k.endswith("num_batches_tracked") else torch.from_numpy(v.copy())
    model.load_state_dict(state, strict=True)
    seq = model.layers

    worst = defaultdict(float)
    absolute = set()

    def note(kind, what, result):
        err, is_abs = result
        if is_abs:
            what += " (abs.)"
            absolute.add((kind, what))
        worst[(kind, what)] = max(worst[(kind, what)], err)

    x = torch.from_numpy(probe["input"].copy())
    seq.eval()
    with torch.no_grad():
        h = x
        for i, m in enumerate(seq):
            h = m(h)
            note(kinds[i], "eval output", rel(probe[f"eval.{i}"], h.numpy()))
    seq.train()
    xg = x.clone().requires_grad_(True)
    h = xg
    for i, m in enumerate(seq):
        h = m(h)
        note(kinds[i], "train output", rel(probe[f"train.{i}"], h.detach().numpy()))
    (h * torch.from_numpy(probe["r"].copy())).sum().backward()
    for name, p in model.named_parameters():
        i = int(name.split(".")[1])
        note(kinds[i], "gradient of " + name.split(".", 2)[2], rel(probe["grad." + name], p.grad.numpy()))
    note("input", "gradient", rel(probe["grad.input"], xg.grad.numpy()))
    for name, b in model.named_buffers():
        i = int(name.split(".")[1])
        note(kinds[i], name.split(".", 2)[2] + " after a training step", rel(probe["after." + name], b.double().numpy()))

    print(f"{spec} on a batch of {[probe['input'].shape[0]] + list(input_shape)}; torch {torch.__version__} float64")
    print(f"{'layer':10} {'quantity':48} worst relative error")
    bad = False
    for (kind, what), err in sorted(worst.items()):
        flag = "" if err <= a.tol else f"  > {a.tol}"
        bad |= err > a.tol
        print(f"{kind:10} {what:48} {err:.3e}{flag}")
    if absolute:
        print(f"(abs.): the reference is zero up to rounding (max |torch| < {ZERO:g}), the absolute error is shown")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
