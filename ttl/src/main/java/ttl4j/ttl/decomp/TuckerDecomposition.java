package ttl4j.ttl.decomp;

import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;

/**
 * A Tucker decomposition {@code T ~ G x_0 U_0 x_1 U_1 ... x_{N-1} U_{N-1}} (0-based modes,
 * row-major conventions of {@link ModeProducts}).
 *
 * @param core           G, shape {@code R_0 x ... x R_{N-1}}
 * @param factors        U_n, {@code I_n x R_n}, orthonormal columns
 * @param ranks          the ranks R_n
 * @param keptEnergy     per mode, the fraction of the mode-n unfolding's squared Frobenius norm
 *                       held by its leading R_n singular values (for the sequential HOSVD: of the
 *                       partially truncated tensor at that step)
 * @param relativeError  {@code ||T - reconstruct()|| / ||T||}, computed explicitly in double
 * @param iterations     HOOI sweeps run (0 for HOSVD)
 * @param converged      false when HOOI stopped at its iteration cap before the fit settled
 * @param method         how it was computed, e.g. {@code "hosvd"}, {@code "st-hosvd"}, {@code "hooi"}
 */
public record TuckerDecomposition(Tensor core, List<Tensor> factors, int[] ranks, double[] keptEnergy,
                                  double relativeError, int iterations, boolean converged, String method) {

    public TuckerDecomposition {
        factors = List.copyOf(factors);
        ranks = ranks.clone();
        keptEnergy = keptEnergy.clone();
    }

    @Override
    public int[] ranks() {
        return ranks.clone();
    }

    @Override
    public double[] keptEnergy() {
        return keptEnergy.clone();
    }

    /** The dimensions I_n of the decomposed tensor. */
    public int[] shape() {
        int[] s = new int[factors.size()];
        for (int n = 0; n < s.length; n++) s[n] = factors.get(n).dim(0);
        return s;
    }

    /** Core plus factor entries: {@code prod R_n + sum I_n R_n}. */
    public long parameterCount() {
        return RankSpec.parameters(shape(), ranks);
    }

    /** Dense entries over {@link #parameterCount()}. */
    public double compressionRatio() {
        double dense = 1;
        for (int d : shape()) dense *= d;
        return dense / parameterCount();
    }

    /** The full tensor {@code G x_0 U_0 ... x_{N-1} U_{N-1}} (products in the cheapest order). */
    public Tensor reconstruct() {
        int n = factors.size();
        int[] modes = new int[n];
        for (int i = 0; i < n; i++) modes[i] = i;
        return ModeProducts.multiModeProduct(core, factors.toArray(new Tensor[0]), modes, false);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "TuckerDecomposition[%s, shape %s, ranks %s, kept energy %s, relative error %.4g, %d parameters (%.1fx), %d iterations%s]",
                method, Arrays.toString(shape()), Arrays.toString(ranks), Arrays.toString(keptEnergy), relativeError,
                parameterCount(), compressionRatio(), iterations, converged ? "" : " (not converged)");
    }
}
