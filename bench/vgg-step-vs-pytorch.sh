#!/usr/bin/env bash
# Seconds per training step of VGG-16 on CIFAR-10, ttl4j vs PyTorch 1.13 (Debian's python3-torch), side by
# side in one run: vgg16 (dense head 512-4096-4096-10) and vgg16-ttl (the two 4096-wide layers as Tucker
# layers), batch 64, SGD (lr 0.01, momentum 0.9), WARMUP untimed steps then STEPS timed ones
# (`ttl bench train --steps`, pytorch/vgg_step.py). Timed on both sides: each step (batch gather, forward,
# loss, backward, update); ttl4j also converts the batch from bytes to floats, PyTorch holds its images as
# floats already. Each round runs every thread count and network once, ttl4j then PyTorch, so the two
# networks and the two frameworks meet the same machine state (a shared machine drifts over minutes);
# the medians of the steps are compared, and the step-time ratio vgg16-ttl / vgg16 is printed for each
# framework (the paper claims 0.90), over all rounds and as the range of its per-round values.
#
# PyTorch runs its convolutions on oneDNN with torch's intra-op threads (torch.set_num_threads = the
# thread count, OMP_NUM_THREADS likewise, OMP_WAIT_POLICY=PASSIVE on 2 threads), OpenBLAS (its Linear
# layers) on the fastest kernels the CPU has (bench/peer-env.sh).
#
# Warm-up: ttl4j's JIT is still compiling after 2-3 steps of these networks (on one thread, after 3
# warm-up steps, vgg16-ttl's next steps took 1.41, 1.29 and 1.24 s, then 1.19-1.21), so the default
# is 8 untimed steps and 6 timed ones per run (PyTorch gets the same).
#
# Usage: bench/vgg-step-vs-pytorch.sh [--data-dir DIR] [--rounds N] [--warmup N] [--steps N]
#        [--models "vgg16 vgg16-ttl"] [--threads "1 2"] [--batch-size N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${TTL4J_DATA:-$HOME/.cache/ttl4j}"
rounds=1
steps=6
warmup=8
batch=64
models="vgg16 vgg16-ttl"
threads="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

py=/usr/bin/python3
# shellcheck source=peer-env.sh
. "$root/bench/peer-env.sh"
peer_need_torch "$py"

peer_setup "$py"

"$root/bin/ttl" data fetch cifar10 --data-dir "$data_dir" >&2
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for r in $(seq "$rounds"); do
  for t in $threads; do
    passive=()
    [ "$t" -gt 1 ] && passive=(OMP_WAIT_POLICY=PASSIVE)
    for model in $models; do
      echo "# $model, $t thread(s), round $r/$rounds" >&2
      tag="{\"case_threads\":$t,\"case_round\":$r,"
      "$root/bin/ttl" bench train --model "$model" --dataset cifar10 --data-dir "$data_dir" --threads "$t" \
        --batch-size "$batch" --warmup-runs "$warmup" --steps "$steps" --json | sed "s/^{/$tag/" >>"$results"
      echo "# pytorch: torch threads $t" >&2
      "${peer_env[@]}" "${passive[@]}" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" "$py" "$root/bench/pytorch/vgg_step.py" \
        --model "$model" --data-dir "$data_dir/cifar10" --threads "$t" --batch-size "$batch" --warmup "$warmup" --steps "$steps" \
        | sed "s/^{/$tag/" >>"$results"
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$py" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
cases = {}
per_round = {}
for r in rows:
    cases.setdefault((r["model"], r["case_threads"]), {}).setdefault(r["framework"], []).extend(r["step_seconds"])
    per_round[(r["framework"], r["case_threads"], r["case_round"], r["model"])] = statistics.median(r["step_seconds"])
info = next((r for r in rows if r["framework"] == "ttl4j"), {})
tinfo = next((r for r in rows if r["framework"] == "pytorch"), {})
print(f"# ttl4j: java {info.get('java')}, kernels {info.get('kernels')}; pytorch {tinfo.get('torch')}")
print(f"{'model':<10} {'threads':>7} {'ttl4j s/step':>13} {'pytorch s/step':>15} {'ttl4j/pytorch':>14}")
med = {}
for (model, t), f in cases.items():
    a, b = statistics.median(f["ttl4j"]), statistics.median(f["pytorch"])
    med[(model, t)] = (a, b)
    print(f"{model:<10} {t:>7} {a:>13.3f} {b:>15.3f} {a / b:>14.2f}")
for t in sorted({t for _, t in med}):
    if ("vgg16", t) in med and ("vgg16-ttl", t) in med:
        (da, db), (ta, tb) = med[("vgg16", t)], med[("vgg16-ttl", t)]
        print(f"vgg16-ttl / vgg16, {t} thread(s): ttl4j {ta / da:.3f}, pytorch {tb / db:.3f} (paper: 0.90)")
        for fw in ("ttl4j", "pytorch"):
            rs = sorted(per_round[(fw, t, k, "vgg16-ttl")] / per_round[(fw, t, k, "vgg16")]
                        for (f, tt, k, m) in per_round if f == fw and tt == t and m == "vgg16"
                        and (fw, t, k, "vgg16-ttl") in per_round)
            if rs:
                print(f"  {fw} per round: " + ", ".join(f"{x:.3f}" for x in rs))
print(json.dumps({f"{m}/{t}": {k: round(statistics.median(v), 4) for k, v in f.items()} for (m, t), f in cases.items()}))
PY
