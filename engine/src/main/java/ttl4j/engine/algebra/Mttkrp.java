package ttl4j.engine.algebra;

import static ttl4j.engine.algebra.AlgebraChecks.checkMode;

import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Engine;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * The matricised tensor times Khatri-Rao product, the core of CP-ALS:
 * {@code M = T_(n) (khatriRao of the factors k != n in increasing k)}, {@code I_n x R}.
 */
public final class Mttkrp {
    private Mttkrp() {}

    /**
     * MTTKRP {@code M (I_n, R) = T_(n) khatriRao(A_0, .., A_{n-1}, A_{n+1}, .., A_{K-1})}, i.e.
     * {@code M[i, r] = sum over the other indices of T[.., i, ..] prod_{k != n} A_k[i_k, r]}, for
     * factors A_k (I_k, R). {@code factors.get(n)} is not used and may be null (if present it must
     * be I_n x R too). Computed without forming the Khatri-Rao matrix: one GEMM contracts the mode
     * at one end of the tensor with its factor (all the O(size R) work), the remaining other modes
     * are then contracted on the much smaller result with Hadamard products (see the source).
     */
    public static Tensor of(Tensor t, List<Tensor> factors, int n) {
        int[] shape = t.shape();
        int kk = shape.length;
        checkMode("mttkrp", shape, n);
        if (factors == null) throw new NullPointerException("mttkrp: factors is null");
        if (factors.size() != kk) {
            throw new IllegalArgumentException("mttkrp: " + factors.size() + " factors for a tensor of order " + kk
                    + " (shape " + Arrays.toString(shape) + ")");
        }
        int r = -1;
        for (int j = 0; j < kk; j++) {
            Tensor a = factors.get(j);
            if (a == null) {
                if (j == n) continue;
                throw new NullPointerException("mttkrp: factor " + j + " is null (only factor n=" + n + " may be)");
            }
            if (a.rank() != 2 || a.dim(0) != shape[j] || (r >= 0 && a.dim(1) != r)) {
                throw new IllegalArgumentException("mttkrp: factor " + j + " must be " + shape[j] + " x "
                        + (r >= 0 ? String.valueOf(r) : "R") + " (mode " + j + " of tensor " + Arrays.toString(shape)
                        + "), got " + Arrays.toString(a.shape()));
            }
            r = a.dim(1);
        }
        if (r < 0) throw new IllegalArgumentException("mttkrp: cannot tell the rank R: the only factor (mode " + n + ") is null");
        int in = shape[n];
        Tensor out = Tensor.zeros(in, r);
        if (out.size() == 0 || t.size() == 0) return out;
        if (kk == 1) {
            // No other modes: the empty Khatri-Rao product is a row of ones.
            for (int i = 0; i < in; i++) Arrays.fill(out.data(), i * r, (i + 1) * r, t.getFlat(i));
            return out;
        }
        boolean gemmOnLast = n == 0 || (n < kk - 1 && shape[kk - 1] >= shape[0]);
        if (gemmOnLast) mttkrpLast(t, factors, n, r, out);
        else mttkrpFirst(t, factors, n, r, out);
        return out;
    }

    /**
     * R fastest: W = T (size/I_L, I_L) A_L, then modes K-2..n+1 by Hadamard reductions over their
     * index, leaving W (P, I_n, R); finally M[i] = sum_p L[p] * W[p, i] with L the Khatri-Rao
     * product of the leading factors (P x R, at most 1/I_n of W).
     */
    private static void mttkrpLast(Tensor t, List<Tensor> factors, int n, int r, Tensor out) {
        int[] shape = t.shape();
        int kk = shape.length;
        int il = shape[kk - 1];
        int rows = t.size() / il;
        Tensor al = factors.get(kk - 1);
        float[] w = new float[rows * r];
        Engine.kernels().implementation().gemm().gemm(false, false, rows, r, il, 1f, t.data(), t.offset(), il,
                al.data(), al.offset(), r, 0f, w, 0, r);
        for (int k = kk - 2; k > n; k--) {
            int len = shape[k];
            int outer = rows / len;
            float[] next = new float[outer * r];
            hadamardReduce(outer, len, r, w, factors.get(k), next);
            w = next;
            rows = outer;
        }
        int in = shape[n];
        int p = rows / in;
        if (n == 0) {
            System.arraycopy(w, 0, out.data(), out.offset(), in * r);
            return;
        }
        Tensor left = n == 1 ? factors.get(0) : KroneckerProducts.khatriRao(factors.subList(0, n));
        float[] ld = left.data(), od = out.data();
        int lo0 = left.offset(), oo = out.offset();
        float[] wf = w;
        KernelSupport.Implementation ker = Engine.kernels().implementation();
        Parallel.forRanges(in, Parallel.worthSplittingElements((long) p * in * r), (lo, hi) -> {
            float[] tmp = new float[r];
            for (int i = lo; i < hi; i++) {
                int o = oo + i * r;
                ker.elementwise().mul(r, ld, lo0, wf, i * r, od, o);
                for (int pi = 1; pi < p; pi++) {
                    ker.elementwise().mul(r, ld, lo0 + pi * r, wf, (pi * in + i) * r, tmp, 0);
                    ker.elementwise().add(r, od, o, tmp, 0, od, o);
                }
            }
        });
    }

    /** next[o, :] = sum_j w[o, j, :] * a[j, :], for w (outer, len, R), a (len, R). */
    private static void hadamardReduce(int outer, int len, int r, float[] w, Tensor a, float[] next) {
        float[] ad = a.data();
        int ao = a.offset();
        KernelSupport.Implementation ker = Engine.kernels().implementation();
        Parallel.forRanges(outer, Parallel.worthSplittingElements((long) outer * len * r), (lo, hi) -> {
            float[] tmp = new float[r];
            for (int o = lo; o < hi; o++) {
                ker.elementwise().mul(r, w, o * len * r, ad, ao, next, o * r);
                for (int j = 1; j < len; j++) {
                    ker.elementwise().mul(r, w, (o * len + j) * r, ad, ao + j * r, tmp, 0);
                    ker.elementwise().add(r, next, o * r, tmp, 0, next, o * r);
                }
            }
        });
    }

    /**
     * R slowest: W = A_0^T (R, I_0) T (I_0, rest), then modes 1..n-1 by weighted row sums
     * (axpy) per r, leaving W (R, I_n, Q); finally M[i, r] = W[r, i, :] . Rt[r, :] with Rt the
     * transposed Khatri-Rao product of the trailing factors (R x Q).
     */
    private static void mttkrpFirst(Tensor t, List<Tensor> factors, int n, int r, Tensor out) {
        int[] shape = t.shape();
        int kk = shape.length;
        int i0 = shape[0];
        int rest = t.size() / i0;
        Tensor a0 = factors.get(0);
        float[] w = new float[r * rest];
        KernelSupport.Implementation ker = Engine.kernels().implementation();
        ker.gemm().gemm(true, false, r, rest, i0, 1f, a0.data(), a0.offset(), r, t.data(), t.offset(), rest, 0f, w, 0, rest);
        for (int k = 1; k < n; k++) {
            int len = shape[k];
            int inner = rest / len;
            float[] next = new float[r * inner];
            Tensor a = factors.get(k);
            float[] ad = a.data();
            int ao = a.offset();
            float[] wf = w;
            Parallel.forRanges(r, Parallel.worthSplittingElements((long) r * rest), (lo, hi) -> {
                for (int rr = lo; rr < hi; rr++) {
                    ker.elementwise().scale(inner, ad[ao + rr], wf, rr * len * inner, next, rr * inner);
                    for (int j = 1; j < len; j++) {
                        ker.elementwise().axpy(inner, ad[ao + j * r + rr], wf, (rr * len + j) * inner, next, rr * inner);
                    }
                }
            });
            w = next;
            rest = inner;
        }
        int in = shape[n];
        int q = rest / in;
        float[] od = out.data();
        int oo = out.offset();
        float[] wf = w;
        if (n == kk - 1) {
            for (int rr = 0; rr < r; rr++) {
                for (int i = 0; i < in; i++) od[oo + i * r + rr] = wf[rr * in + i];
            }
            return;
        }
        Tensor right = n == kk - 2 ? factors.get(kk - 1) : KroneckerProducts.khatriRao(factors.subList(n + 1, kk));
        float[] rt = new float[r * q];
        float[] rd = right.data();
        int ro = right.offset();
        for (int qq = 0; qq < q; qq++) {
            for (int rr = 0; rr < r; rr++) rt[rr * q + qq] = rd[ro + qq * r + rr];
        }
        Parallel.forRanges(in, Parallel.worthSplittingElements((long) r * in * q), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int rr = 0; rr < r; rr++) {
                    od[oo + i * r + rr] = ker.reductions().dot(q, wf, (rr * in + i) * q, rt, rr * q);
                }
            }
        });
    }
}
