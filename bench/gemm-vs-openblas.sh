#!/usr/bin/env bash
# Our GEMM against OpenBLAS cblas_sgemm on the same shapes, same machine, one run: for each thread
# count, rounds alternate ours (bin/ttl bench gemm) and OpenBLAS (bench/openblas/sgemm_bench.c), and the
# table shows per shape the median GFLOPS of each over the rounds and the ratio ours / OpenBLAS.
#
# Usage: bench/gemm-vs-openblas.sh [--threads "1 2"] [--rounds 3] [--seconds 1] [--shapes MxKxN[:TT],...]
#                                  [--coretype best|SkylakeX|Haswell|auto]
# The JDK is the launcher's choice: set JAVA_HOME to pick one (e.g. a JDK 17 and a JDK 25 home).
# --coretype sets OPENBLAS_CORETYPE: best (default) measures the kernels the CPU can run and takes the
# fastest (bench/peer-env.sh; Debian's OpenBLAS 0.3.21 detects some AVX-512 AMD CPUs as Haswell and
# would then run its AVX2 kernels), auto lets OpenBLAS detect it. OPENBLAS_L2_SIZE is always unset.
# Installs Debian's libopenblas-dev (apt-get) when cblas.h or the library is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="1 2"
rounds=3
seconds=1
coretype=best
shapes="256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,128x784x1024:NN,128x784x1024:NT,784x128x1024:TN,128x1024x1024:NN,128x1024x10:NN"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --coretype) coretype="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

blas_flags() {
  if pkg-config --exists openblas 2>/dev/null; then
    pkg-config --cflags --libs openblas
    return
  fi
  local h
  h=$(find /usr/include -name cblas.h -path '*openblas*' 2>/dev/null | head -n1)
  [ -n "$h" ] || return 1
  echo "-I$(dirname "$h") -lopenblas"
}

if ! flags=$(blas_flags) || ! ldconfig -p | grep -q 'libopenblas\.so'; then
  echo "installing libopenblas-dev..." >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libopenblas-dev >&2
  flags=$(blas_flags)
fi

exe="$root/bench/target/sgemm_bench"
mkdir -p "$root/bench/target"
# shellcheck disable=SC2086
gcc -O2 -o "$exe" "$root/bench/openblas/sgemm_bench.c" $flags

# Build (or refresh) the jar once, outside the timed runs.
"$root/bin/ttl" info >/dev/null

# "shape rate" lines from either program's JSON
pairs() {
  grep -o '"shape":"[^"]*"\|"rate":[0-9.eE+-]*' | sed 's/"shape":"\(.*\)"/\1/; s/"rate"://' | paste - -
}

# shellcheck source=peer-env.sh
. "$root/bench/peer-env.sh"
case "$coretype" in
  best) peer_setup; blas_env=("${peer_env[@]}") ;;
  auto) blas_env=(env -u OPENBLAS_L2_SIZE -u OPENBLAS_CORETYPE) ;;
  *) blas_env=(env -u OPENBLAS_L2_SIZE "OPENBLAS_CORETYPE=$coretype") ;;
esac
echo "# OpenBLAS runs with: ${blas_env[*]:1}" >&2

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
jdk="$("$root/bin/ttl" info | sed -n 's/^java *//p')"
core=""
for t in $threads; do
  for r in $(seq 1 "$rounds"); do
    echo "threads $t, round $r/$rounds: ours" >&2
    "$root/bin/ttl" bench gemm --json --threads "$t" --seconds "$seconds" --shapes "$shapes" \
      | pairs | sed "s/^/ours $t /" >>"$results"
    echo "threads $t, round $r/$rounds: openblas" >&2
    out=$(OPENBLAS_NUM_THREADS="$t" "${blas_env[@]}" "$exe" --json --seconds "$seconds" --shapes "$shapes")
    core=$(echo "$out" | sed -n 's/.*"core":"\([^"]*\)".*/\1/p')
    echo "$out" | pairs | sed "s/^/openblas $t /" >>"$results"
  done
done

echo "# java $jdk; OpenBLAS core $core; median GFLOPS over $rounds alternating rounds"
printf "%-20s %7s %10s %10s %8s\n" shape threads ours openblas ratio
awk '
  { key = $2 SUBSEP $3; v[$1, key, ++n[$1, key]] = $4; if (!(key in seen)) { seen[key] = 1; order[++keys] = key } }
  function median(who, key,   c, i, j, a, tmp) {
    c = n[who, key]
    for (i = 1; i <= c; i++) a[i] = v[who, key, i]
    for (i = 2; i <= c; i++) { tmp = a[i]; for (j = i - 1; j >= 1 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
    return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
  }
  END {
    for (i = 1; i <= keys; i++) {
      split(order[i], kv, SUBSEP)
      o = median("ours", order[i]); b = median("openblas", order[i])
      printf "%-20s %7s %10.1f %10.1f %8.2f\n", kv[2], kv[1], o, b, (b > 0 ? o / b : 0)
    }
  }' "$results"
