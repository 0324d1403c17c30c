package ttl4j.ttl.decomp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;

/**
 * Tucker decompositions of tensors of any order: truncated HOSVD, its sequential variant
 * (ST-HOSVD) and HOOI. Ranks come from a {@link RankSpec}.
 *
 * <p>Factors are the leading left singular vectors of unfoldings, computed by {@link ModeBasis}
 * from the eigendecomposition of a Gram matrix built with GEMMs on the row-major tensor. Since
 * the factors have orthonormal columns, {@code ||T - T_hat||^2 = ||T||^2 - ||G||^2}, which HOOI
 * uses for its per-sweep fit; the reported relative error is recomputed explicitly from the
 * reconstruction, because the difference of squares cancels for small errors.
 */
public final class Tucker {
    private Tucker() {}

    /** HOOI stopping rule. */
    public record HooiOptions(double tolerance, int maxIterations, boolean sequentialInit) {
        public HooiOptions {
            if (!(tolerance >= 0)) throw new IllegalArgumentException("HOOI tolerance must be >= 0, got " + tolerance);
            if (maxIterations < 0) throw new IllegalArgumentException("HOOI iteration cap must be >= 0, got " + maxIterations);
        }

        /** Tolerance 1e-6 on the fit change per sweep, at most 50 sweeps, classical HOSVD start. */
        public static HooiOptions defaults() {
            return new HooiOptions(1e-6, 50, false);
        }
    }

    /**
     * Truncated HOSVD: U_n = leading R_n left singular vectors of each unfolding of T,
     * {@code G = T x_0 U_0^T ... x_{N-1} U_{N-1}^T}.
     */
    public static TuckerDecomposition hosvd(Tensor t, RankSpec spec) {
        int[] shape = Checks.finiteTensor("hosvd", t);
        int order = shape.length;
        ModeBasis[] bases = new ModeBasis[order];
        double[][] lambda = new double[order][];
        for (int n = 0; n < order; n++) {
            bases[n] = ModeBasis.of(t, n);
            lambda[n] = bases[n].lambda;
        }
        int[] ranks = spec.choose(shape, lambda);
        Tensor[] factors = new Tensor[order];
        double[] kept = new double[order];
        for (int n = 0; n < order; n++) {
            factors[n] = bases[n].factor(ranks[n]);
            kept[n] = bases[n].keptEnergy(ranks[n]);
        }
        Tensor core = project(t, factors, -1);
        return finish(t, core, factors, ranks, kept, 0, true, "hosvd");
    }

    /**
     * Sequentially truncated HOSVD (ST-HOSVD): the modes are processed one at a time, cheapest
     * first (see {@link #cheapestMode}), each factor computed from the tensor already projected
     * on the previous factors. Same error bound as {@link #hosvd} ({@code ||T - T_hat||^2 <=} the
     * sum of the discarded energies) and usually a slightly better fit, at a fraction of the cost
     * when an unfolding is large in both directions (4096 x 16 x 16 x 16: the 4096-mode Gram is then
     * 512 x 512 instead of 4096 x 4096). With energy or budget rules the ranks are chosen from the
     * spectra of the original unfoldings, which costs those Grams.
     */
    public static TuckerDecomposition sequentialHosvd(Tensor t, RankSpec spec) {
        int[] shape = Checks.finiteTensor("sequentialHosvd", t);
        int order = shape.length;
        int[] ranks;
        if (spec.isExplicit()) {
            ranks = spec.explicitRanks(shape);
        } else {
            double[][] lambda = new double[order][];
            for (int n = 0; n < order; n++) lambda[n] = ModeBasis.of(t, n).lambda;
            ranks = spec.choose(shape, lambda);
        }
        Tensor y = t;
        Tensor[] factors = new Tensor[order];
        double[] kept = new double[order];
        boolean[] done = new boolean[order];
        for (int step = 0; step < order; step++) {
            int n = cheapestMode(y.shape(), ranks, done);
            done[n] = true;
            ModeBasis b = ModeBasis.of(y, n);
            int r = Math.min(ranks[n], b.lambda.length);
            Tensor u = b.factor(r);
            if (r < ranks[n]) u = padColumns(u, ranks[n]);
            factors[n] = u;
            kept[n] = b.keptEnergy(r);
            y = ModeProducts.modeProduct(y, n, u, true);
        }
        return finish(t, y, factors, ranks, kept, 0, true, "st-hosvd");
    }

    /**
     * The next mode for ST-HOSVD: the one whose step is cheapest on the current tensor, i.e. the
     * Gram of the smaller side ({@code min(I_n, M) * size} multiply-adds, M the product of the other
     * dimensions) plus its eigenproblem ({@code ~10 min(I_n, M)^3}, scalar double); ties go to the
     * mode that shrinks the tensor most. Small modes go first, so a mode that is large in both
     * directions is only reached once the others have shrunk its other side.
     */
    private static int cheapestMode(int[] shape, int[] ranks, boolean[] done) {
        double size = 1;
        for (int d : shape) size *= d;
        int best = -1;
        double bestCost = Double.POSITIVE_INFINITY, bestShrink = 0;
        for (int n = 0; n < shape.length; n++) {
            if (done[n]) continue;
            double k = Math.min(shape[n], size / shape[n]);
            double cost = k * size + 10 * k * k * k;
            double shrink = (double) shape[n] / ranks[n];
            if (cost < bestCost || (cost == bestCost && shrink > bestShrink)) {
                best = n;
                bestCost = cost;
                bestShrink = shrink;
            }
        }
        return best;
    }

    /** HOOI with the default options. */
    public static TuckerDecomposition hooi(Tensor t, RankSpec spec) {
        return hooi(t, spec, HooiOptions.defaults());
    }

    /**
     * Higher-order orthogonal iteration: from the HOSVD, each sweep replaces every U_n by the
     * leading R_n left singular vectors of {@code (T x_{k != n} U_k^T)_(n)}; stops when the fit
     * {@code 1 - ||T - T_hat|| / ||T||} changes by less than the tolerance, or at the cap. The fit
     * never decreases (up to rounding), so the result is at least as good as the HOSVD.
     */
    public static TuckerDecomposition hooi(Tensor t, RankSpec spec, HooiOptions options) {
        int[] shape = Checks.finiteTensor("hooi", t);
        int order = shape.length;
        TuckerDecomposition init = options.sequentialInit() ? sequentialHosvd(t, spec) : hosvd(t, spec);
        int[] ranks = init.ranks();
        Tensor[] factors = init.factors().toArray(new Tensor[0]);
        double[] kept = init.keptEnergy();
        double norm2 = Norms.squared(t);
        double fitPrev = fitOf(init.core(), norm2);
        Tensor core = init.core();
        int it = 0;
        boolean converged = options.maxIterations() == 0;
        while (it < options.maxIterations()) {
            it++;
            Tensor y = null;
            for (int n = 0; n < order; n++) {
                y = project(t, factors, n);
                ModeBasis b = ModeBasis.of(y, n);
                int r = Math.min(ranks[n], b.lambda.length);
                Tensor u = b.factor(r);
                factors[n] = r < ranks[n] ? padColumns(u, ranks[n]) : u;
                kept[n] = b.keptEnergy(r);
            }
            core = ModeProducts.modeProduct(y, order - 1, factors[order - 1], true);
            double fit = fitOf(core, norm2);
            if (Math.abs(fit - fitPrev) < options.tolerance()) {
                converged = true;
                break;
            }
            fitPrev = fit;
        }
        return finish(t, core, factors, ranks, kept, it, converged, "hooi");
    }

    /** {@code 1 - sqrt(1 - ||G||^2 / ||T||^2)}: the fit with orthonormal factors. */
    private static double fitOf(Tensor core, double norm2) {
        if (norm2 == 0) return 1;
        return 1 - Math.sqrt(Math.max(0, 1 - Norms.squared(core) / norm2));
    }

    /** {@code T x_k U_k^T} over every mode k except {@code skip} (-1: all modes). */
    static Tensor project(Tensor t, Tensor[] factors, int skip) {
        List<Tensor> us = new ArrayList<>();
        List<Integer> modes = new ArrayList<>();
        for (int k = 0; k < factors.length; k++) {
            if (k == skip) continue;
            us.add(factors[k]);
            modes.add(k);
        }
        if (us.isEmpty()) return t;
        return ModeProducts.multiModeProduct(t, us.toArray(new Tensor[0]),
                modes.stream().mapToInt(Integer::intValue).toArray(), true);
    }

    /**
     * Adds orthonormal columns to reach {@code r}: only when a projected unfolding has fewer
     * columns than the requested rank (the extra core slices are then zero).
     */
    private static Tensor padColumns(Tensor u, int r) {
        int in = u.dim(0), k = u.dim(1);
        Tensor x = Tensor.zeros(in, r);
        for (int i = 0; i < in; i++) {
            System.arraycopy(u.data(), u.offset() + i * k, x.data(), i * r, k);
            for (int j = k; j < r; j++) x.set(((i + j) % in == 0) ? 1f : 0f, i, j);
        }
        return ttl4j.engine.linalg.QR.decompose(x).q();
    }

    private static TuckerDecomposition finish(Tensor t, Tensor core, Tensor[] factors, int[] ranks, double[] kept,
                                              int iterations, boolean converged, String method) {
        TuckerDecomposition d = new TuckerDecomposition(core, Arrays.asList(factors), ranks, kept, 0, iterations,
                converged, method);
        double err = Norms.relativeError(t.reshape(t.shape()), d.reconstruct());
        return new TuckerDecomposition(core, Arrays.asList(factors), ranks, kept, err, iterations, converged, method);
    }
}
