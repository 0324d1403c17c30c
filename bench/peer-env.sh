# Sourced by the peer comparison scripts: runs a peer (PyTorch, OpenBLAS, LAPACK) at its best on
# the machine found. This environment may set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (forcing
# OpenBLAS, and with it PyTorch's Linear layers, onto slower kernels); they are removed for the
# peer's command only, and OPENBLAS_CORETYPE is set to the fastest of the kernels the CPU can run,
# measured here with a 1024^3 sgemm through torch (or numpy), and printed with what was tried.
# glibc's malloc serves blocks above its mmap threshold (128 KiB, raised only as such blocks are
# freed) with fresh mappings, so a peer that allocates its tensors per call (PyTorch on the CPU)
# can pay a page fault per 4 KiB of every output: PyTorch's 3->64 convolution at 32x32, batch 64,
# took 23.6 ms forward with the defaults and 4.3 ms with the blocks kept (forward+backward 11-42 ms,
# depending on the run, and 11 ms). So the peer runs with MALLOC_MMAP_THRESHOLD_ at glibc's
# maximum (32 MiB) and a trim threshold that keeps freed memory, and the line says so.
# Sets the array peer_env (prefix a peer's command with "${peer_env[@]}").

peer_pick_coretype() {
  local py="${1:-/usr/bin/python3}" candidates=() best="" best_t="" t ct
  grep -q avx512f /proc/cpuinfo 2>/dev/null && candidates+=(SkylakeX)
  grep -q avx2 /proc/cpuinfo 2>/dev/null && candidates+=(Haswell)
  if [ ${#candidates[@]} -eq 0 ]; then echo ""; return; fi
  for ct in "${candidates[@]}"; do
    t=$(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$ct" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$py" - 2>/dev/null <<'PY'
import time
try:
    import torch
    torch.set_num_threads(1)
    a = torch.randn(1024, 1024); b = torch.randn(1024, 1024)
    mm = lambda: torch.mm(a, b)
except ImportError:
    import numpy as np
    a = np.random.rand(1024, 1024).astype(np.float32); b = np.random.rand(1024, 1024).astype(np.float32)
    mm = lambda: a @ b
mm()
best = 1e9
for _ in range(5):
    t0 = time.perf_counter(); mm(); best = min(best, time.perf_counter() - t0)
print(f"{best:.6f}")
PY
)
    [ -n "$t" ] || continue
    echo "# OpenBLAS core type $ct: 1024^3 sgemm in $t s" >&2
    if [ -z "$best" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then best="$ct"; best_t="$t"; fi
  done
  echo "$best"
}

# The BLAS that libblas.so.3 resolves to (Debian's alternatives): what torch's Linear layers and
# numpy call.
peer_blas() {
  local lib
  lib="$({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | awk '$1 == "libblas.so.3" { print $NF; exit }')"
  [ -n "$lib" ] && readlink -f "$lib"
}

# Installs Debian's python3-torch (and OpenBLAS, which its Linear layers call) when torch is missing,
# and OpenBLAS when torch is there but libblas.so.3 is another BLAS: python3-torch is satisfied by
# the reference BLAS (libblas3), whose sgemm is about 50 times slower here, and a peer on it is
# not the peer at its best.
peer_need_torch() {
  local py="${1:-/usr/bin/python3}" sudo_cmd="" pkgs=() blas
  blas="$(peer_blas || true)"
  "$py" -c 'import torch' 2>/dev/null || pkgs+=(python3-torch)
  case "$blas" in *openblas*) ;; *) pkgs+=(libopenblas0-pthread) ;; esac
  [ ${#pkgs[@]} -eq 0 ] && return 0
  echo "installing ${pkgs[*]} (Debian; libblas.so.3 is ${blas:-not found}) ..." >&2
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  if ! $sudo_cmd apt-get install -y -q "${pkgs[@]}" >&2; then
    # torch is required; OpenBLAS only makes the peer faster (peer_setup warns without it)
    case " ${pkgs[*]} " in *" python3-torch "*) return 1 ;; esac
    echo "# could not install libopenblas0-pthread: the peer runs on $(peer_blas || echo 'an unknown BLAS')" >&2
  fi
}

peer_setup() {
  local py="${1:-/usr/bin/python3}" ct
  ct="$(peer_pick_coretype "$py")"
  peer_env=(env -u OPENBLAS_L2_SIZE -u OPENBLAS_CORETYPE)
  [ -n "$ct" ] && peer_env+=(OPENBLAS_CORETYPE="$ct")
  peer_env+=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184)
  echo "# peer environment: ${peer_env[*]:1} (this shell had OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset})" >&2
  local blas
  blas="$(peer_blas || true)"
  echo "# peer BLAS (libblas.so.3): ${blas:-not found}" >&2
  case "$blas" in *openblas*) ;; *) echo "# WARNING: the peer's BLAS is not OpenBLAS; its matrix products are not at their best" >&2 ;; esac
}
