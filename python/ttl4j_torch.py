#!/usr/bin/python3
"""ttl4j checkpoints in NumPy and PyTorch: numpy and torch only, nothing to pip-install.

The format is described in docs/checkpoint-format.md. In short:

    import ttl4j_torch as tt
    tensors, meta = tt.read_safetensors("runs/x/model.safetensors")   # numpy arrays, {str: str}
    model = tt.load("runs/x/model.safetensors")                        # a torch.nn.Module, eval mode
    x = tt.preprocess(raw_bytes, meta)                                 # uint8 pixels -> network input
    logits = model(torch.from_numpy(x))

    tt.save_state_dict(torch_model, "mine.safetensors")                # for `ttl import`

`load` builds `model.layers`, an nn.Sequential with one module per layer word of the spec, so the
state-dict keys are the checkpoint's (`layers.0.weight`, `layers.2.running_mean`,
`layers.0.in_factors.1`, ...). The Tucker layer is `TuckerLayer` below: parameters `core`,
`in_factors.<n>`, `out_factors.<m>`, `bias`, and `reconstruct_weight` gives the dense
(out, in) weight of nn.Linear by the einsum of the documentation.

Command line:
    ttl4j_torch.py --check CHECKPOINT CASES.safetensors [--tol 1e-4]
        CASES holds `pixels` (raw 0..255 values as float, one row per sample) and `output` (ttl4j's
        outputs for them in evaluation mode); exits 1 when the worst relative error
        (max |torch - ttl4j| / max |ttl4j|) exceeds --tol; for every ttl layer the output of
        nn.Linear with the reconstructed weight is checked too.
    ttl4j_torch.py --summary CHECKPOINT     the metadata and the torch module
"""
import argparse
import json
import re
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

FORMAT = "ttl4j-checkpoint-1"

_DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1",
           "BOOL": "?"}


# ---------------------------------------------------------------------------------------- safetensors


def read_safetensors(path):
    """(tensors, metadata) of a safetensors file: {name: numpy array in its stored dtype}, {str: str}."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head[:4] == b"PK\x03\x04" or head[:1] == b"\x80":
            raise ValueError(f"{path} is a PyTorch pickle (torch.save), not safetensors: save the state dict with "
                             "ttl4j_torch.save_state_dict(model, path)")
        if len(head) < 8:
            raise ValueError(f"{path}: too short for a safetensors file")
        n, = struct.unpack("<Q", head)
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {}) or {}
    out = {}
    for name, info in header.items():
        dt = info["dtype"]
        if dt not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {dt}, which this reader does not handle")
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype=_DTYPES[dt]).reshape(info["shape"]).copy()
    return out, meta


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: array} as F32 (every tensor is converted) with string metadata, in the layout ttl4j writes."""
    header, blobs, pos = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, a in tensors.items():
        if isinstance(a, torch.Tensor):
            a = a.detach().cpu().numpy()
        b = np.ascontiguousarray(np.asarray(a, dtype="<f4")).tobytes()
        header[name] = {"dtype": "F32", "shape": list(np.shape(a)), "data_offsets": [pos, pos + len(b)]}
        blobs.append(b)
        pos += len(b)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def save_state_dict(model, path, metadata=None):
    """Saves a torch module's state dict (or a dict of tensors) as F32 safetensors, for `ttl import`.

    Keys are kept as they are: those of a plain nn.Sequential (`0.weight`) are what `ttl import` expects."""
    sd = model.state_dict() if isinstance(model, nn.Module) else model
    write_safetensors(path, {k: v for k, v in sd.items()}, metadata)


# ---------------------------------------------------------------------------------------- preprocessing


def preprocess(raw, meta, input_shape=None):
    """Network inputs from raw 0..255 pixel values, as ttl4j prepares them.

    raw: (B, C, H, W), (B, H, W) or (B, C*H*W) values (channel-major, as ttl4j's datasets store them);
    meta: the checkpoint's metadata (its `preprocessing` and `input_shape`) or the preprocessing dict.
    x = (pixel * scale - mean[c]) / std[c], computed as ttl4j does in float32:
    pixel * float32(scale / std[c]) + float32(-mean[c] / std[c]). Returns float32 (B, *input_shape)."""
    p = meta
    if "preprocessing" in meta:
        p = json.loads(meta["preprocessing"])
        if input_shape is None:
            input_shape = json.loads(meta["input_shape"])
    raw = np.asarray(raw)
    b = raw.shape[0]
    c = len(p["mean"])
    a = np.array([p["scale"] / s for s in p["std"]], dtype=np.float64).astype(np.float32)
    sh = np.array([-m / s for m, s in zip(p["mean"], p["std"])], dtype=np.float64).astype(np.float32)
    x = raw.reshape(b, c, -1).astype(np.float64)
    x = (x * a.astype(np.float64)[None, :, None] + sh.astype(np.float64)[None, :, None]).astype(np.float32)
    return x.reshape([b] + list(input_shape if input_shape is not None else x.shape[1:]))


# ---------------------------------------------------------------------------------------- modules


class TuckerLayer(nn.Module):
    """ttl4j's Tucker layer: y = W_mat x + b with W = G x_1 B_1 .. x_M B_M x_{M+1} A_1 .. x_{M+N} A_N.

    core (S_1..S_M, R_1..R_N), in_factors.<n> (I_n, R_n), out_factors.<m> (J_m, S_m), bias (J)."""

    def __init__(self, in_shape, out_shape, in_ranks, out_ranks):
        super().__init__()
        self.in_shape, self.out_shape = list(in_shape), list(out_shape)
        self.core = nn.Parameter(torch.zeros(list(out_ranks) + list(in_ranks)))
        self.in_factors = nn.ParameterList([nn.Parameter(torch.zeros(i, r)) for i, r in zip(in_shape, in_ranks)])
        self.out_factors = nn.ParameterList([nn.Parameter(torch.zeros(j, s)) for j, s in zip(out_shape, out_ranks)])
        self.bias = nn.Parameter(torch.zeros(int(np.prod(out_shape))))

    def forward(self, x):
        b, n, m = x.shape[0], len(self.in_shape), len(self.out_shape)
        t = x.reshape([b] + self.in_shape)
        for a in self.in_factors:  # each step contracts the leading input mode and appends its rank last
            t = torch.tensordot(t, a, dims=([1], [0]))
        # t is (B, R_1..R_N); contract with the core (S_1..S_M, R_1..R_N)
        t = torch.tensordot(t, self.core, dims=(list(range(1, n + 1)), list(range(m, m + n))))
        for f in self.out_factors:  # (B, S_1..S_M): each step turns the leading rank into J_m, appended last
            t = torch.tensordot(t, f, dims=([1], [1]))
        return t.reshape(b, -1) + self.bias

    def reconstruct_weight(self):
        """The dense weight W_mat (J, I), nn.Linear's layout."""
        return reconstruct_weight(self.core, list(self.in_factors), list(self.out_factors))


def reconstruct_weight(core, in_factors, out_factors):
    """W_mat (J, I) = einsum of the core with every factor (docs/checkpoint-format.md), numpy or torch."""
    n, m = len(in_factors), len(out_factors)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    s, r = letters[:m], letters[m:m + n]
    j, i = letters[m + n:2 * m + n], letters[2 * m + n:2 * m + 2 * n]
    expr = s + r + "," + ",".join(j[k] + s[k] for k in range(m)) + "," + ",".join(i[k] + r[k] for k in range(n)) + "->" + j + i
    lib = torch if isinstance(core, torch.Tensor) else np
    w = lib.einsum(expr, core, *out_factors, *in_factors)
    jn = int(np.prod([f.shape[0] for f in out_factors]))
    return w.reshape(jn, -1)


class GlobalAvgPool(nn.Module):
    """ttl4j's gap: (B, C, H, W) -> (B, C), AdaptiveAvgPool2d(1) and Flatten in one."""

    def forward(self, x):
        return x.mean((2, 3))


def split_spec(spec):
    """[(name, positional, named)] of a ttl4j spec; ttl's parts may be separated by ';' or ','."""
    calls = []
    for word in spec.split("|"):
        word = word.strip()
        mt = re.fullmatch(r"([A-Za-z0-9_-]+)\s*(?:\((.*)\))?", word, re.S)
        if not mt:
            raise ValueError(f"cannot read layer '{word}' of spec '{spec}'")
        name, args = mt.group(1).lower(), (mt.group(2) or "").strip()
        pos, named = [], {}
        for a in [a.strip() for a in re.split(r"[,;]", args)] if args else []:
            if "=" in a:
                k, v = a.split("=", 1)
                named[k.strip().lower()] = v.strip()
            elif a:
                pos.append(a)
        calls.append((name, pos, named))
    return calls


PRESETS = {"mlp-mnist": "dense(300)|relu|dense(10)", "mlp-wide": "dense(1024)|relu|dense(1024)|relu|dense(10)",
           "ttl-mnist": "ttl(28x28->300; r=5x5; s=10)|relu|dense(10)"}


def _pair(v):
    p = [int(t) for t in str(v).lower().split("x")]
    return (p[0], p[0]) if len(p) == 1 else (p[0], p[1])


def _dims(v):
    return [int(t) for t in re.split(r"[xX*]", v.strip())]


def _bool(v):
    return str(v).lower() not in ("false", "0", "no")


class Model(nn.Module):
    """A ttl4j network: its layers in `layers`, so the state-dict keys are `layers.<i>.<name>`."""

    def __init__(self, layers):
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


def build(spec, input_shape):
    """A module whose `layers` is the nn.Sequential of a ttl4j spec for samples of input_shape (float32, eval mode)."""
    spec = spec.strip()
    if spec.lower() in PRESETS:
        spec = ("flatten|" if len(input_shape) > 1 else "") + PRESETS[spec.lower()]
    layers, shape = [], list(input_shape)
    for name, pos, named in split_spec(spec):
        if name == "dense":
            m = nn.Linear(int(np.prod(shape)), int(pos[0]))
        elif name == "ttl":
            arrow = pos[0].split("->")
            ins, outs = _dims(arrow[0]), _dims(arrow[1])
            r, s = _dims(named["r"]), _dims(named["s"])
            r = r * len(ins) if len(r) == 1 else r
            s = s * len(outs) if len(s) == 1 else s
            m = TuckerLayer(ins, outs, r, s)
        elif name in ("relu", "tanh", "sigmoid"):
            m = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[name]()
        elif name == "dropout":
            m = nn.Dropout(float(pos[0]))
        elif name == "flatten":
            m = nn.Flatten()
        elif name == "conv":
            m = nn.Conv2d(shape[0], int(pos[0]), _pair(named["k"]), stride=_pair(named.get("s", 1)),
                          padding=_pair(named.get("p", 0)), dilation=_pair(named.get("d", 1)), bias=_bool(named.get("bias", "true")))
        elif name in ("maxpool", "avgpool"):
            k = _pair(pos[0])
            st, pd = _pair(named.get("s", pos[0])), _pair(named.get("p", 0))
            m = nn.MaxPool2d(k, st, pd) if name == "maxpool" else \
                nn.AvgPool2d(k, st, pd, count_include_pad=_bool(named.get("count_include_pad", "true")))
        elif name == "gap":
            m = GlobalAvgPool()
        elif name == "bn":
            cls = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            m = cls(shape[0], eps=float(named.get("eps", 1e-5)), momentum=float(named.get("momentum", 0.1)))
        else:
            raise ValueError(f"layer word '{name}' is not known to this module")
        layers.append(m)
        with torch.no_grad():
            m.eval()
            shape = list(m(torch.zeros([2] + shape)).shape[1:])
    return Model(layers).eval()


def state_dict_for_torch(tensors):
    """A checkpoint's tensors as a torch state dict: optimiser state dropped, num_batches_tracked as int64."""
    sd = {}
    for k, v in tensors.items():
        if k.startswith("optimizer."):
            continue
        if k.endswith("num_batches_tracked"):
            sd[k] = torch.tensor(int(np.asarray(v).reshape(())), dtype=torch.int64)
        else:
            sd[k] = torch.from_numpy(np.ascontiguousarray(v))
    return sd


def load(path, dtype=torch.float32):
    """The torch module of a ttl4j checkpoint, weights and buffers loaded (strict), in evaluation mode.

    module.spec, module.input_shape and module.metadata hold what the checkpoint says."""
    tensors, meta = read_safetensors(path)
    if "model" not in meta or "input_shape" not in meta:
        raise ValueError(f"{path}: not a ttl4j checkpoint (no model or input_shape in __metadata__)")
    input_shape = json.loads(meta["input_shape"])
    model = build(meta["model"], input_shape)
    model.load_state_dict(state_dict_for_torch(tensors), strict=True)
    model.spec, model.input_shape, model.metadata = meta["model"], input_shape, meta
    return model.to(dtype).eval()


# ---------------------------------------------------------------------------------------- command line


def _rel(ours, ref):
    ref = np.asarray(ref, dtype=np.float64)
    ours = np.asarray(ours, dtype=np.float64).reshape(ref.shape)
    return float(np.max(np.abs(ours - ref)) / max(float(np.max(np.abs(ref))), 1e-30))


def check(checkpoint, cases, tol):
    model = load(checkpoint)
    data, _ = read_safetensors(cases)
    x = torch.from_numpy(preprocess(data["pixels"], model.metadata))
    with torch.no_grad():
        y = model(x).numpy()
    errs = {"output": _rel(y, data["output"])}
    # every ttl layer again as nn.Linear with the reconstructed weight: the einsum of the documentation
    with torch.no_grad():
        h = x
        for i, m in enumerate(model.layers):
            out = m(h)
            if isinstance(m, TuckerLayer):
                lin = h.reshape(h.shape[0], -1) @ m.reconstruct_weight().T + m.bias
                errs[f"layers.{i} reconstructed"] = _rel(lin.numpy(), out.numpy())
            h = out
    bad = False
    print(f"{model.spec} on {list(x.shape)}; torch {torch.__version__}")
    for k, e in errs.items():
        flag = "" if e <= tol else f"  > {tol}"
        bad |= e > tol
        print(f"{k:32} worst relative error {e:.3e}{flag}")
    return 1 if bad else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", nargs=2, metavar=("CHECKPOINT", "CASES"))
    ap.add_argument("--summary", metavar="CHECKPOINT")
    ap.add_argument("--tol", type=float, default=1e-4, help="largest relative error accepted (default 1e-4)")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    if a.check:
        return check(a.check[0], a.check[1], a.tol)
    if a.summary:
        m = load(a.summary)
        for k, v in m.metadata.items():
            print(f"{k}: {v}")
        print(m.layers)
        return 0
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
