#!/usr/bin/env bash
# Training time, ttl4j vs Deeplearning4j 1.0.0-M2.1 (the Java peer, ND4J's CPU backend), side by side in one run.
#
# MLPs (default): seconds per epoch of mlp-mnist (784-300-10) and mlp-wide (784-1024-1024-10), ReLU, softmax
# cross-entropy, on the 60000 MNIST training images, batch 128, SGD lr 0.01 momentum 0.9 (DL4J: Nesterovs, its
# only momentum SGD), shuffled each epoch, WARMUP untimed epochs first: the recipe of pytorch/mlp_epoch.py.
# --vgg: seconds per training step of VGG-16-BN (pytorch/vgg_step.py's network) at batch 64 on CIFAR-10
# sized images, WARMUP untimed steps then STEPS timed ones; DL4J reads CIFAR-10's first batch when the data
# folder has it, else random images of that shape (printed as "data").
# DL4J (dl4j/, a stand-alone Maven project) is built in a temporary folder: it is no dependency of ttl4j.
# The runs alternate ttl4j, DL4J, ttl4j, ... ROUNDS times per case; the medians are compared.
#
# DL4J at its best: the ND4J native build for this CPU (linux-x86_64-onednn-avx512, else -avx512, -avx2 or
# plain linux-x86_64; --classifier forces one), its oneDNN layer helpers on (DL4J ships them off; dl4j/ carries the work-around
# that lets them load), OpenBLAS (bundled with ND4J) on the fastest kernels a 1024^3 matmul finds,
# OPENBLAS_L2_SIZE unset, OMP_NUM_THREADS = threads, and for 2+ threads OMP_WAIT_POLICY=PASSIVE or not,
# whichever a tuning run finds faster (--passive yes|no skips it), VGG in NHWC layout (--format nchw),
# and jemalloc as its malloc (Debian's libjemalloc2, installed when missing; --malloc glibc keeps glibc's,
# under which ND4J's and oneDNN's per-op buffers fault in fresh pages every step). DL4J runs on `java`
# (DL4J_JAVA overrides; DL4J_JAVA_OPTS replaces its JVM options). Everything chosen is printed.
#
# Usage: bench/train-vs-dl4j.sh [--data-dir DIR] [--rounds N] [--warmup N] [--epochs N]
#        [--models "mlp-mnist mlp-wide"] [--threads "1 2"] [--vgg] [--steps N] [--batch-size N]
#        [--classifier C] [--helpers on|off] [--passive auto|yes|no] [--format nhwc|nchw]
#        [--malloc jemalloc|glibc]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${TTL4J_DATA:-$HOME/.cache/ttl4j}"
rounds=3
epochs=2
warmup=""
steps=3
batch=""
batch_opt=()
models=""
threads="1 2"
vgg=0
classifier=""
helpers=on
passive=auto
format=nhwc
malloc=jemalloc
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --batch-size) batch="$2"; batch_opt=(--batch-size "$2"); shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --vgg) vgg=1; shift ;;
    --classifier) classifier="$2"; shift 2 ;;
    --helpers) helpers="$2"; shift 2 ;;
    --passive) passive="$2"; shift 2 ;;
    --format) format="$2"; shift 2 ;;
    --malloc) malloc="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$vgg" -eq 1 ]; then
  models="${models:-vgg16}"; warmup="${warmup:-2}"; batch="${batch:-64}"; batch_opt=(--batch-size "$batch")
else
  models="${models:-mlp-mnist mlp-wide}"; warmup="${warmup:-1}"; batch="${batch:-128}"
fi

py=/usr/bin/python3
java_bin="${DL4J_JAVA:-java}"
java_opts=(${DL4J_JAVA_OPTS:--XX:+UseParallelGC -Dorg.bytedeco.javacpp.nopointergc=true})
echo "# dl4j java: $("$java_bin" -version 2>&1 | head -n1), options: ${java_opts[*]}" >&2

# Build the DL4J harness in a temporary folder, taking the first ND4J native build that resolves.
work="$(mktemp -d)"
results="$work/results.jsonl"
trap 'rm -rf "$work"' EXIT
cp -r "$root/bench/dl4j/pom.xml" "$root/bench/dl4j/src" "$work/"
if [ -n "$classifier" ]; then
  candidates=("$classifier")
else
  candidates=()
  grep -q avx512f /proc/cpuinfo 2>/dev/null && candidates+=(linux-x86_64-onednn-avx512 linux-x86_64-avx512)
  grep -q avx2 /proc/cpuinfo 2>/dev/null && candidates+=(linux-x86_64-onednn-avx2 linux-x86_64-avx2)
  candidates+=(linux-x86_64-onednn linux-x86_64)
fi
used=""
for c in "${candidates[@]}"; do
  echo "# building the DL4J harness with org.nd4j:nd4j-native:1.0.0-M2.1:$c ..." >&2
  if (cd "$work" && mvn -q -B package -Dnd4j.classifier="$c" >"$work/build.log" 2>&1); then used="$c"; break; fi
  echo "# $c: $(grep -m1 'ERROR' "$work/build.log" || echo 'build failed')" >&2
done
if [ -z "$used" ]; then cat "$work/build.log" >&2; echo "no ND4J native build resolved" >&2; exit 1; fi
ext="${used#linux-x86_64}"
echo "# dl4j: nd4j-native classifier $used (javacpp platform extension '${ext}')" >&2
dl4j=("$java_bin" "${java_opts[@]}" -Dorg.bytedeco.javacpp.platform.extension="$ext" -Dttl4j.peer.classifier="$used"
      -cp "$work/target/dl4j-bench-1.jar:$work/target/lib/*" ttl4j.peer.Dl4jBench --helpers "$helpers" --format "$format")

# jemalloc for DL4J's process (never for ttl4j's): it keeps freed native buffers for reuse.
malloc_env=()
if [ "$malloc" = jemalloc ]; then
  jemalloc_lib() { ldconfig -p 2>/dev/null | sed -n 's/.*libjemalloc\.so\.2 .*=> \(.*\)/\1/p' | head -n1; }
  lib="$(jemalloc_lib)"
  if [ -z "$lib" ]; then
    echo "installing libjemalloc2 (Debian) ..." >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y -q libjemalloc2 >&2 || true
    lib="$(jemalloc_lib)"
  fi
  if [ -n "$lib" ]; then
    malloc_env=(LD_PRELOAD="$lib" MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1)
  else
    echo "# no libjemalloc.so.2: DL4J runs on glibc's malloc" >&2; malloc=glibc
  fi
fi
echo "# dl4j malloc: $malloc ${malloc_env[*]}" >&2

# OpenBLAS kernels for DL4J: the fastest 1024^3 matmul among auto-detection and the AVX-512 / AVX2 kernels.
best_ct="auto"; best_t=""
cts=(auto)
grep -q avx512f /proc/cpuinfo 2>/dev/null && cts+=(SkylakeX)
grep -q avx2 /proc/cpuinfo 2>/dev/null && cts+=(Haswell)
for ct in "${cts[@]}"; do
  ctenv=()
  [ "$ct" != auto ] && ctenv=(OPENBLAS_CORETYPE="$ct")
  t=$(env -u OPENBLAS_L2_SIZE -u OPENBLAS_CORETYPE "${malloc_env[@]}" "${ctenv[@]}" OMP_NUM_THREADS=1 "${dl4j[@]}" --gemm-probe --threads 1 2>/dev/null | tail -n1)
  [ -n "$t" ] || continue
  echo "# OpenBLAS core type $ct: 1024^3 sgemm in $t s (DL4J's bundled OpenBLAS)" >&2
  if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then best_ct="$ct"; best_t="$t"; fi
done
peer_env=(env -u OPENBLAS_L2_SIZE -u OPENBLAS_CORETYPE "${malloc_env[@]}")
[ "$best_ct" != auto ] && peer_env+=(OPENBLAS_CORETYPE="$best_ct")
echo "# dl4j environment: ${peer_env[*]:1} (this shell had OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset})" >&2

if [ "$vgg" -eq 1 ]; then
  "$root/bin/ttl" data fetch cifar10 --data-dir "$data_dir" >&2
  run_len=(--steps "$steps"); dl4j_data="$data_dir/cifar10"; dataset=cifar10
else
  "$root/bin/ttl" data fetch mnist --data-dir "$data_dir" >&2
  run_len=(--epochs "$epochs"); dl4j_data="$data_dir/mnist"; dataset=mnist
fi
"$root/bin/ttl" info >/dev/null  # builds the jar, outside the timed runs
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# One DL4J run of a case: dl4j_run MODEL THREADS PASSIVE(yes|no) WARMUP LENGTH-OPTION... (prints its JSON line)
dl4j_run() {
  local model="$1" t="$2" pass="$3" w="$4"; shift 4
  local omp=(OMP_NUM_THREADS="$t")
  [ "$pass" = yes ] && omp+=(OMP_WAIT_POLICY=PASSIVE)
  "${peer_env[@]}" "${omp[@]}" OPENBLAS_NUM_THREADS="$t" "${dl4j[@]}" --model "$model" --data-dir "$dl4j_data" \
    --threads "$t" --batch-size "$batch" --warmup "$w" "$@" 2>"$work/dl4j.log" | grep '^{' \
    || { tail -n 30 "$work/dl4j.log" >&2; return 1; }
}
median_of() { "$py" -c 'import json,statistics,sys; r=json.loads(sys.stdin.read()); print(statistics.median(r.get("epoch_seconds") or r["step_seconds"]))'; }

for model in $models; do
  for t in $threads; do
    pass=no
    if [ "$t" -gt 1 ]; then
      case "$passive" in
        yes|no) pass="$passive" ;;
        *)
          if [ "$vgg" -eq 1 ]; then tune=(--steps 2); else tune=(--epochs 1); fi
          a=$(dl4j_run "$model" "$t" no "$warmup" "${tune[@]}" | median_of)
          b=$(dl4j_run "$model" "$t" yes "$warmup" "${tune[@]}" | median_of)
          echo "# dl4j tuning, $model, $t threads: OMP_WAIT_POLICY unset $a s, PASSIVE $b s" >&2
          awk -v a="$a" -v b="$b" 'BEGIN { exit !(b < a) }' && pass=yes ;;
      esac
    fi
    for r in $(seq "$rounds"); do
      echo "# $model, $t thread(s), round $r/$rounds" >&2
      "$root/bin/ttl" bench train --model "$model" --dataset "$dataset" --data-dir "$data_dir" --threads "$t" \
        "${batch_opt[@]}" --warmup-runs "$warmup" "${run_len[@]}" --json | sed "s/^{/{\"case_threads\":$t,/" >>"$results"
      echo "# dl4j: OMP_NUM_THREADS=$t$([ "$pass" = yes ] && echo ' OMP_WAIT_POLICY=PASSIVE'), helpers $helpers" >&2
      dl4j_run "$model" "$t" "$pass" "$warmup" "${run_len[@]}" | sed "s/^{/{\"case_threads\":$t,/" >>"$results"
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$py" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
key = "step_seconds" if any("step_seconds" in r for r in rows) else "epoch_seconds"
unit = "s/step" if key == "step_seconds" else "s/epoch"
cases, dl4j_settings = {}, {}
for r in rows:
    cases.setdefault((r["model"], r["case_threads"]), {}).setdefault(r["framework"], []).extend(r[key])
    if r["framework"] == "dl4j":
        dl4j_settings[(r["model"], r["case_threads"])] = r
info = next((r for r in rows if r["framework"] == "ttl4j"), {})
print(f"# ttl4j: java {info.get('java')}, kernels {info.get('kernels')}")
for (m, t), r in dl4j_settings.items():
    s = r["settings"]
    print(f"# dl4j {r['dl4j']} {m}/{t}: java {r['java']}, {s['classifier']}, BLAS {s['blas']} "
          f"(core type {s['openblas_coretype'].replace('unset', 'auto-detected')}), OMP_NUM_THREADS={s['omp_num_threads']}, "
          f"OMP_WAIT_POLICY={s['omp_wait_policy']}, oneDNN helpers {s['helpers']} "
          f"(layers on a helper: {s['helper_layers']['total']}), malloc {s.get('malloc')}"
          + (f", {r['format']}, data {r['data']}" if "data" in r else ""))
print(f"{'model':<10} {'threads':>7} {'ttl4j ' + unit:>14} {'dl4j ' + unit:>13} {'ttl4j/dl4j':>11}")
for (model, t), f in cases.items():
    a, b = statistics.median(f["ttl4j"]), statistics.median(f["dl4j"])
    print(f"{model:<10} {t:>7} {a:>14.3f} {b:>13.3f} {a / b:>11.2f}")
print(json.dumps({f"{m}/{t}": {k: round(statistics.median(v), 4) for k, v in f.items()} for (m, t), f in cases.items()}))
PY
