#!/usr/bin/env bash
# Thin SVD: ttl4j (`ttl bench svd`) against LAPACK's sgesvd (Debian's OpenBLAS build), one thread
# each, on the same shapes, alternating the two (A B A B ...) and printing medians and ratios.
#
# usage: bench/svd-vs-lapack.sh [ROUNDS] [SHAPES]
#   ROUNDS  alternations per shape (default 3)
#   SHAPES  comma-separated MxN list (default 784x300,1024x1024,300x784,4096x256)
# Environment: JAVA_HOME picks the JDK (see bin/ttl); SECONDS_PER_RUN the measuring time of each
# ttl run (default 2); LAPACK_REPEATS timed sgesvd calls per run (default 5).
# Installs liblapacke-dev and libopenblas-dev with apt-get when lapacke.h is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
shapes="${2:-784x300,1024x1024,300x784,4096x256}"
secs="${SECONDS_PER_RUN:-2}"
lreps="${LAPACK_REPEATS:-5}"

if [ ! -f /usr/include/lapacke.h ] || ! ldconfig -p 2>/dev/null | grep -q libopenblas; then
  echo "# installing liblapacke-dev and libopenblas-dev" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q liblapacke-dev libopenblas-dev >&2
fi

build="$root/bench/target/lapack"
mkdir -p "$build"
gcc -O2 -o "$build/sgesvd_bench" "$root/bench/lapack/sgesvd_bench.c" -llapacke -llapack -lm

# shellcheck source=peer-env.sh
. "$root/bench/peer-env.sh"
peer_setup

# Build the jar once, outside the timed runs.
"$root/bin/ttl" --version >/dev/null

echo "# $(uname -m), $(nproc) cores; LAPACK: $(readlink -f "$(ldconfig -p | sed -n 's/.*liblapack.so.3 .*=> //p' | head -n1)")"
echo "# ttl4j: $("$root/bin/ttl" bench svd --shapes 2x2 --seconds 0.01 --repeats 1 | head -n1)"
printf '%-10s %5s %12s %12s %8s\n' shape round "ttl4j ms" "sgesvd ms" ratio

declare -A ours lapack
IFS=',' read -r -a list <<<"$shapes"
for ((r = 1; r <= rounds; r++)); do
  for s in "${list[@]}"; do
    m="${s%x*}"; n="${s#*x}"
    a=$("$root/bin/ttl" bench svd --shapes "$s" --threads 1 --seconds "$secs" --repeats 3 --json \
        | sed -n 's/.*"median_s":\([0-9.eE+-]*\).*/\1/p')
    a=$(awk -v x="$a" 'BEGIN { printf "%.3f", x * 1000 }')
    b=$("${peer_env[@]}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$build/sgesvd_bench" "$m" "$n" "$lreps" | awk '{ print $3 }')
    ours[$s]+="$a "
    lapack[$s]+="$b "
    printf '%-10s %5d %12s %12s %8s\n' "$s" "$r" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "# medians over $rounds rounds (ratio > 1: ttl4j slower)"
printf '%-10s %12s %12s %8s\n' shape "ttl4j ms" "sgesvd ms" ratio
for s in "${list[@]}"; do
  a=$(echo "${ours[$s]}" | median)
  b=$(echo "${lapack[$s]}" | median)
  printf '%-10s %12s %12s %8s\n' "$s" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
done
