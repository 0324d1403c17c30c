#!/usr/bin/env bash
# Seconds per training epoch, ttl4j vs PyTorch (Debian's python3-torch), side by side in one run.
#
# Both train the same network on the 60000 MNIST training images, batch 128, SGD (lr 0.01, momentum
# 0.9), after one untimed warm-up epoch: the MLPs mlp-mnist (784-300-10) and mlp-wide
# (784-1024-1024-10) (pytorch/mlp_epoch.py), and ttl-mnist, the paper's Tucker tensor layer
# (28x28 -> 300, ranks 5x5 | 10) + ReLU + Linear(300, 10) (pytorch/ttl_epoch.py, mode products as
# batched matmuls under autograd).
# Timed on both sides: the epoch's batches (shuffled gather, forward, loss, backward, update); not
# timed: start-up and reading the data. ttl4j converts each batch from bytes to floats inside the
# timed loop; PyTorch holds the whole set as floats already (its best case).
# The runs alternate ttl4j, PyTorch, ttl4j, ... ROUNDS times per case; the medians are compared.
#
# PyTorch settings (the fastest found on a 2-core machine): 1 thread: torch 1 thread, OpenBLAS 1;
# 2 threads: torch 1 thread and OpenBLAS 2 threads (2 torch threads with 2 OpenBLAS threads
# oversubscribe); ttl-mnist's products are too small to gain from a second thread in either setting.
# Override with TORCH_THREADS_2 and OPENBLAS_THREADS_2. OpenBLAS runs on the fastest kernels the CPU
# has (bench/peer-env.sh measures them and prints its choice), not the environment's.
#
# Usage: bench/train-vs-pytorch.sh [--data-dir DIR] [--rounds N] [--warmup N] [--epochs N]
#        [--models "mlp-mnist mlp-wide ttl-mnist"] [--threads "1 2"]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${TTL4J_DATA:-$HOME/.cache/ttl4j}"
rounds=3
epochs=2
warmup=1
models="mlp-mnist mlp-wide ttl-mnist"
threads="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

py=/usr/bin/python3
# shellcheck source=peer-env.sh
. "$root/bench/peer-env.sh"
peer_need_torch "$py"

peer_setup "$py"

"$root/bin/ttl" data fetch mnist --data-dir "$data_dir" >&2
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

for model in $models; do
  case "$model" in
    ttl-mnist) pyscript="$root/bench/pytorch/ttl_epoch.py" ;;
    *) pyscript="$root/bench/pytorch/mlp_epoch.py" ;;
  esac
  for t in $threads; do
    if [ "$t" -eq 1 ]; then tt=1; ob=1; else tt="${TORCH_THREADS_2:-1}"; ob="${OPENBLAS_THREADS_2:-$t}"; fi
    for r in $(seq "$rounds"); do
      echo "# $model, $t thread(s), round $r/$rounds" >&2
      "$root/bin/ttl" bench train --model "$model" --dataset mnist --data-dir "$data_dir" --threads "$t" \
        --warmup-runs "$warmup" --epochs "$epochs" --json | sed "s/^{/{\"case_threads\":$t,/" >>"$results"
      echo "# pytorch: torch threads $tt, OpenBLAS threads $ob" >&2
      "${peer_env[@]}" OPENBLAS_NUM_THREADS="$ob" OMP_NUM_THREADS="$tt" "$py" "$pyscript" --model "$model" \
        --data-dir "$data_dir/mnist" --threads "$tt" --warmup "$warmup" --epochs "$epochs" | sed "s/^{/{\"case_threads\":$t,/" >>"$results"
    done
  done
done

"$py" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
cases = {}
for r in rows:
    cases.setdefault((r["model"], r["case_threads"]), {}).setdefault(r["framework"], []).extend(r["epoch_seconds"])
info = next((r for r in rows if r["framework"] == "ttl4j"), {})
tinfo = next((r for r in rows if r["framework"] == "pytorch"), {})
print(f"# ttl4j: java {info.get('java')}, kernels {info.get('kernels')}; pytorch {tinfo.get('torch')}")
print(f"{'model':<10} {'threads':>7} {'ttl4j s/epoch':>14} {'pytorch s/epoch':>16} {'ttl4j/pytorch':>14}")
for (model, t), f in cases.items():
    a, b = statistics.median(f["ttl4j"]), statistics.median(f["pytorch"])
    print(f"{model:<10} {t:>7} {a:>14.3f} {b:>16.3f} {a / b:>14.2f}")
print(json.dumps({f"{m}/{t}": {k: round(statistics.median(v), 4) for k, v in f.items()} for (m, t), f in cases.items()}))
PY
