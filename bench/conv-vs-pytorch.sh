#!/usr/bin/env bash
# Convolution layers, ttl4j (`ttl bench conv`) vs PyTorch 1.13 (Debian's python3-torch, oneDNN),
# side by side in one run: the same layers (VGG-16's nine distinct 3x3 layers on 32x32 CIFAR-10
# images by default), the same batch, forward and forward+backward (weight and bias gradients, and
# the input gradient except for the 3-channel first layer, on both sides), alternating ttl4j,
# PyTorch, ttl4j, ... ROUNDS times per thread count; medians compared per layer, and summed over
# VGG-16's 13 convolutions (the distinct layers weighted by how often they occur).
#
# PyTorch runs at its best here: its convolutions run on oneDNN with torch's intra-op threads
# (torch.set_num_threads = the thread count, OMP_NUM_THREADS likewise, OMP_WAIT_POLICY=PASSIVE on 2
# threads). The environment's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (which would put OpenBLAS on
# AVX2 kernels) are removed for the PyTorch command only, and OPENBLAS_CORETYPE is the fastest the
# CPU runs (bench/peer-env.sh measures and prints it); the script prints what PyTorch ran with.
#
# Usage: bench/conv-vs-pytorch.sh [--rounds N] [--threads "1 2"] [--batch-size N] [--seconds S]
#        [--layers CINxCOUTxH,...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3
threads="1 2"
batch=64
seconds=0.5
layers="3x64x32,64x64x32,64x128x16,128x128x16,128x256x8,256x256x8,256x512x4,512x512x4,512x512x2"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --layers) layers="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

py=/usr/bin/python3
# shellcheck source=peer-env.sh
. "$root/bench/peer-env.sh"
peer_need_torch "$py"
peer_setup "$py"

"$root/bin/ttl" info >&2
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

for t in $threads; do
  wait_policy=""
  [ "$t" -gt 1 ] && wait_policy="OMP_WAIT_POLICY=PASSIVE"
  for r in $(seq "$rounds"); do
    echo "# $t thread(s), round $r/$rounds" >&2
    "$root/bin/ttl" bench conv --threads "$t" --batch-size "$batch" --layers "$layers" --seconds "$seconds" --rounds 1 --json \
      | sed "s/^{/{\"framework\":\"ttl4j\",\"case_threads\":$t,/" >>"$results"
    "${peer_env[@]}" OMP_NUM_THREADS="$t" $wait_policy "$py" "$root/bench/pytorch/conv_layers.py" --layers "$layers" \
      --batch-size "$batch" --threads "$t" --seconds "$seconds" | sed "s/^{/{\"case_threads\":$t,/" >>"$results"
  done
done

"$py" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
counts = {(3, 64, 32): 1, (64, 64, 32): 1, (64, 128, 16): 1, (128, 128, 16): 1, (128, 256, 8): 1, (256, 256, 8): 2,
          (256, 512, 4): 1, (512, 512, 4): 2, (512, 512, 2): 3}
t = next(r for r in rows if r["framework"] == "ttl4j")
p = next(r for r in rows if r["framework"] == "pytorch")
print(f"# ttl4j: java {t['java']}, kernels {t['kernels']}; pytorch {p['torch']}, oneDNN {p['mkldnn']}, "
      f"OpenBLAS core {p['openblas_core']}, batch {p['batch']}")
for threads in sorted({r["case_threads"] for r in rows}):
    print(f"\n## {threads} thread(s) (pytorch torch threads {next(r['threads'] for r in rows if r['framework'] == 'pytorch' and r['case_threads'] == threads)})")
    print("| layer | ttl4j fwd ms | pytorch fwd ms | ratio | ttl4j fwd+bwd ms | pytorch fwd+bwd ms | ratio | ttl4j algorithms |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    sums = {"ttl4j": [0, 0], "pytorch": [0, 0]}
    vgg = all((r["cin"], r["cout"], r["h"]) in counts for r in t["results"])
    for i, layer in enumerate(t["results"]):
        med = {}
        for fw in ("ttl4j", "pytorch"):
            rs = [r["results"][i] for r in rows if r["framework"] == fw and r["case_threads"] == threads]
            med[fw] = (statistics.median(x["fwd_ms"] for x in rs), statistics.median(x["fwd_bwd_ms"] for x in rs))
            c = counts.get((layer["cin"], layer["cout"], layer["h"]), 1)
            sums[fw][0] += c * med[fw][0]
            sums[fw][1] += c * med[fw][1]
        a = layer["algorithm"]
        alg = f"{a['forward']}, {a['input_grad'] if layer['input_grad'] else '-'}, {a['weight_grad']}"
        print(f"| {layer['cin']}->{layer['cout']} {layer['h']}x{layer['w']} | {med['ttl4j'][0]:.2f} | {med['pytorch'][0]:.2f} | "
              f"{med['ttl4j'][0] / med['pytorch'][0]:.2f} | {med['ttl4j'][1]:.2f} | {med['pytorch'][1]:.2f} | "
              f"{med['ttl4j'][1] / med['pytorch'][1]:.2f} | {alg} |")
    label = "VGG-16's 13 layers" if vgg else "sum"
    print(f"| {label} | {sums['ttl4j'][0]:.1f} | {sums['pytorch'][0]:.1f} | {sums['ttl4j'][0] / sums['pytorch'][0]:.2f} | "
          f"{sums['ttl4j'][1]:.1f} | {sums['pytorch'][1]:.1f} | {sums['ttl4j'][1] / sums['pytorch'][1]:.2f} | |")
PY
