#!/usr/bin/python3
"""Milliseconds of 2-D convolution layers in PyTorch (oneDNN), the reference for `ttl bench conv`.

For each layer CINxCOUTxH (3x3, stride 1, padding 1 unless given as in ttl bench conv's --layers)
at the batch size given: the forward pass, and forward+backward (forward, then the weight and bias
gradients and, except for a first layer with 3 or fewer input channels, the input gradient, from
a fixed output gradient), median of repeated runs after warm-up. Prints one JSON object, with the
settings it ran with (torch threads, oneDNN availability, OpenBLAS core when loaded).
"""
import argparse
import ctypes
import json
import statistics
import time

import torch


def parse(spec):
    parts = spec.strip().lower().split(":")
    d = [int(v) for v in parts[0].split("x")]
    cin, cout, h = d[0], d[1], d[2]
    w = d[3] if len(d) == 4 else h
    k, s, p = 3, 1, None
    for q in parts[1:]:
        v = int(q[1:])
        if q[0] == "k":
            k = v
        elif q[0] == "s":
            s = v
        elif q[0] == "p":
            p = v
    return cin, cout, h, w, k, s, (k // 2 if p is None else p)


def timed(fn, seconds, min_runs=5):
    for _ in range(2):
        fn()
    t_end = time.perf_counter() + seconds * 0.5
    while time.perf_counter() < t_end:
        fn()
    times = []
    t_end = time.perf_counter() + seconds
    while len(times) < min_runs or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def openblas_core():
    for name in ("libopenblas.so.0", "libopenblasp.so.0", "libblas.so.3"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", required=True)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=0.5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(17)
    results = []
    for spec in a.layers.split(","):
        cin, cout, h, w, k, s, p = parse(spec)
        first = cin <= 3
        conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p)
        x = torch.randn(a.batch_size, cin, h, w, requires_grad=not first)
        with torch.no_grad():
            dy = torch.randn_like(conv(x))

        def fwd():
            with torch.no_grad():
                conv(x)

        def step():
            conv.zero_grad(set_to_none=False)
            if x.grad is not None:
                x.grad = None
            conv(x).backward(dy)

        results.append({"cin": cin, "cout": cout, "h": h, "w": w, "kernel": k, "stride": s, "pad": p,
                        "input_grad": not first, "fwd_ms": timed(fwd, a.seconds) * 1e3,
                        "fwd_bwd_ms": timed(step, a.seconds) * 1e3})
    print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "interop_threads": torch.get_num_interop_threads(),
                      "mkldnn": torch.backends.mkldnn.is_available(), "openblas_core": openblas_core(),
                      "batch": a.batch_size, "results": results}))


if __name__ == "__main__":
    main()
