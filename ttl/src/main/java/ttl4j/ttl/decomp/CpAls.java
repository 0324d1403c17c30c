package ttl4j.ttl.decomp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.Mttkrp;
import ttl4j.engine.linalg.SymmetricEigen;

/**
 * CP-ALS: alternating least squares for a rank-R CP decomposition of a tensor of any order.
 *
 * <p>Each step solves for one factor with the others fixed:
 * {@code A_n = MTTKRP_n(T) V^+} with {@code V = hadamard_{k != n} (A_k^T A_k)} (R x R, symmetric
 * positive semi-definite). The MTTKRP is the engine's, which never forms the Khatri-Rao matrix;
 * V is small, so it is solved in double through its eigendecomposition, dropping eigenvalues below
 * {@code 1e-12} of the largest (a pseudo-inverse: collinear components do not blow up). Columns are
 * then normalised to unit norm, their norms becoming the weights lambda. The fit uses
 * {@code ||T - T_hat||^2 = ||T||^2 - 2 <T, T_hat> + ||T_hat||^2}, with {@code <T, T_hat>} from the
 * last MTTKRP and {@code ||T_hat||^2 = lambda^T (hadamard_k A_k^T A_k) lambda}, so a sweep costs
 * N MTTKRPs and no reconstruction.
 */
public final class CpAls {
    private CpAls() {}

    /** Stopping rule and random start. */
    public record Options(double tolerance, int maxIterations, long seed) {
        public Options {
            if (!(tolerance >= 0)) throw new IllegalArgumentException("CP-ALS tolerance must be >= 0, got " + tolerance);
            if (maxIterations < 1) throw new IllegalArgumentException("CP-ALS iteration cap must be >= 1, got " + maxIterations);
        }

        /** Fit change below 1e-8 per sweep, at most 500 sweeps, seed 42. */
        public static Options defaults() {
            return new Options(1e-8, 500, 42);
        }
    }

    public static CpDecomposition decompose(Tensor t, int rank) {
        return decompose(t, rank, Options.defaults());
    }

    public static CpDecomposition decompose(Tensor t, int rank, Options options) {
        int[] shape = Checks.finiteTensor("cpAls", t);
        if (rank < 1) throw new IllegalArgumentException("cpAls: rank must be >= 1, got " + rank);
        int order = shape.length;
        SplittableRandom rnd = new SplittableRandom(options.seed());
        List<Tensor> factors = new ArrayList<>();
        double[][] grams = new double[order][];
        for (int n = 0; n < order; n++) {
            Tensor a = Tensor.randn(rnd, 1f, shape[n], rank);
            normaliseColumns(a);
            factors.add(a);
            grams[n] = gram(a);
        }
        double norm2 = Norms.squared(t);
        double[] lambda = new double[rank];
        Arrays.fill(lambda, 1);
        double fitPrev = Double.NEGATIVE_INFINITY;
        int it = 0;
        boolean converged = false;
        while (it < options.maxIterations()) {
            it++;
            double inner = 0;
            for (int n = 0; n < order; n++) {
                Tensor m = Mttkrp.of(t, factors, n);
                double[] v = hadamardExcept(grams, n, rank);
                double[] vinv = pseudoInverse(v, rank);
                Tensor a = Tensor.zeros(shape[n], rank);
                float[] md = m.data(), ad = a.data();
                for (int i = 0; i < shape[n]; i++) {
                    for (int c = 0; c < rank; c++) {
                        double s = 0;
                        for (int k = 0; k < rank; k++) s += md[i * rank + k] * vinv[k * rank + c];
                        ad[i * rank + c] = (float) s;
                    }
                }
                lambda = normaliseColumns(a);
                factors.set(n, a);
                grams[n] = gram(a);
                if (n == order - 1) {
                    for (int i = 0; i < shape[n]; i++) {
                        for (int c = 0; c < rank; c++) inner += lambda[c] * md[i * rank + c] * ad[i * rank + c];
                    }
                }
            }
            double[] all = hadamardExcept(grams, -1, rank);
            double hat2 = 0;
            for (int i = 0; i < rank; i++) for (int j = 0; j < rank; j++) hat2 += lambda[i] * all[i * rank + j] * lambda[j];
            double err2 = Math.max(0, norm2 - 2 * inner + hat2);
            double fit = norm2 > 0 ? 1 - Math.sqrt(err2 / norm2) : 1;
            if (Math.abs(fit - fitPrev) < options.tolerance()) {
                converged = true;
                break;
            }
            fitPrev = fit;
        }
        // Order the components by weight, largest first.
        Integer[] order2 = new Integer[rank];
        for (int i = 0; i < rank; i++) order2[i] = i;
        double[] lam = lambda;
        Arrays.sort(order2, Comparator.comparingDouble((Integer i) -> -lam[i]));
        float[] w = new float[rank];
        for (int c = 0; c < rank; c++) w[c] = (float) lam[order2[c]];
        List<Tensor> sorted = new ArrayList<>();
        for (Tensor a : factors) {
            Tensor s = Tensor.zeros(a.dim(0), rank);
            for (int i = 0; i < a.dim(0); i++) for (int c = 0; c < rank; c++) s.set(a.get(i, order2[c]), i, c);
            sorted.add(s);
        }
        CpDecomposition d = new CpDecomposition(w, sorted, 0, it, converged);
        double err = Norms.relativeError(t, d.reconstruct());
        return new CpDecomposition(w, sorted, err, it, converged);
    }

    /** Scales each column to unit norm and returns the norms (a zero column stays zero). */
    private static double[] normaliseColumns(Tensor a) {
        int rows = a.dim(0), r = a.dim(1);
        float[] d = a.data();
        double[] norms = new double[r];
        for (int i = 0; i < rows; i++) for (int c = 0; c < r; c++) norms[c] += (double) d[i * r + c] * d[i * r + c];
        for (int c = 0; c < r; c++) norms[c] = Math.sqrt(norms[c]);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < r; c++) if (norms[c] > 0) d[i * r + c] = (float) (d[i * r + c] / norms[c]);
        }
        return norms;
    }

    /** {@code A^T A} (R x R) in double. */
    private static double[] gram(Tensor a) {
        int rows = a.dim(0), r = a.dim(1);
        float[] d = a.data();
        double[] g = new double[r * r];
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < r; p++) {
                double x = d[i * r + p];
                for (int q = 0; q < r; q++) g[p * r + q] += x * d[i * r + q];
            }
        }
        return g;
    }

    /** Hadamard product of all Grams except mode {@code skip} (-1: all). */
    private static double[] hadamardExcept(double[][] grams, int skip, int r) {
        double[] v = new double[r * r];
        Arrays.fill(v, 1);
        for (int k = 0; k < grams.length; k++) {
            if (k == skip) continue;
            for (int i = 0; i < r * r; i++) v[i] *= grams[k][i];
        }
        return v;
    }

    /** Symmetric pseudo-inverse through the eigendecomposition (eigenvalues below 1e-12 of the largest dropped). */
    private static double[] pseudoInverse(double[] v, int r) {
        SymmetricEigen e = SymmetricEigen.decompose(v, r);
        double[] vals = e.values(), vec = e.vectors();
        double cut = Math.abs(vals[0]) * 1e-12;
        double[] inv = new double[r * r];
        for (int k = 0; k < r; k++) {
            if (!(vals[k] > cut)) continue;
            double s = 1 / vals[k];
            for (int i = 0; i < r; i++) {
                double x = vec[k * r + i] * s;
                for (int j = 0; j < r; j++) inv[i * r + j] += x * vec[k * r + j];
            }
        }
        return inv;
    }
}
