package ttl4j.ttl.decomp;

import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.KroneckerProducts;

/**
 * A CP (canonical polyadic) decomposition {@code T ~ sum_r weights[r] a_0r o a_1r o ... o a_{N-1}r}.
 *
 * @param weights       lambda_r, descending
 * @param factors       A_n, {@code I_n x R}, unit-norm columns
 * @param relativeError {@code ||T - reconstruct()|| / ||T||}, computed explicitly in double
 * @param iterations    ALS sweeps run
 * @param converged     false when ALS stopped at its iteration cap
 */
public record CpDecomposition(float[] weights, List<Tensor> factors, double relativeError, int iterations,
                              boolean converged) {

    public CpDecomposition {
        weights = weights.clone();
        factors = List.copyOf(factors);
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    public int rank() {
        return weights.length;
    }

    /**
     * The full tensor: {@code T_(0) = A_0 diag(lambda) (khatriRao(A_1, ..., A_{N-1}))^T}, one GEMM
     * (row-major: the Khatri-Rao row index runs over modes 1..N-1 with mode 1 slowest).
     */
    public Tensor reconstruct() {
        int order = factors.size(), r = weights.length;
        int[] shape = new int[order];
        for (int n = 0; n < order; n++) shape[n] = factors.get(n).dim(0);
        Tensor out = Tensor.zeros(shape);
        int i0 = shape[0];
        Tensor a0 = Tensor.zeros(i0, r);
        for (int i = 0; i < i0; i++) for (int c = 0; c < r; c++) a0.set(factors.get(0).get(i, c) * weights[c], i, c);
        if (order == 1) {
            for (int i = 0; i < i0; i++) {
                double s = 0;
                for (int c = 0; c < r; c++) s += a0.get(i, c);
                out.set((float) s, i);
            }
            return out;
        }
        Tensor kr = KroneckerProducts.khatriRao(factors.subList(1, order));
        int rest = kr.dim(0);
        Engine.kernels().gemm(false, true, i0, rest, r, 1f, a0.data(), 0, r, kr.data(), kr.offset(), r, 0f,
                out.data(), 0, rest);
        return out;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "CpDecomposition[rank %d, weights %s, relative error %.4g, %d iterations%s]",
                weights.length, Arrays.toString(weights), relativeError, iterations, converged ? "" : " (not converged)");
    }
}
