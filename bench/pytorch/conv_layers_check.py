#!/usr/bin/python3
"""A ttl4j convolutional network against PyTorch in float64: outputs and gradients, layer by layer.

Loads a ttl4j checkpoint (model.safetensors or checkpoint.safetensors of `ttl train`) with python/ttl4j_torch.py into an
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
import subprocess
import sys
import tempfile
from collections import defaultdict

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
import ttl4j_torch  # noqa: E402  (the one reader and builder of ttl4j checkpoints)


def read_safetensors(path):
    """(tensors as float64 numpy arrays, metadata), by ttl4j_torch's reader."""
    tensors, meta = ttl4j_torch.read_safetensors(path)
    return {k: v.astype(np.float64) for k, v in tensors.items()}, meta


def build(spec, input_shape):
    """ttl4j_torch's module of a spec in float64, and the layer word of each layer."""
    kinds = [name for name, _, _ in ttl4j_torch.split_spec(spec)]
    if "dropout" in kinds:
        raise SystemExit("dropout is not compared by this script: its masks cannot match")
    return ttl4j_torch.build(spec, input_shape).double(), kinds


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
    model.load_state_dict(ttl4j_torch.state_dict_for_torch(weights), strict=True)
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
