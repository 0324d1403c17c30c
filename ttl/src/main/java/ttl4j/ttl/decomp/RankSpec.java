package ttl4j.ttl.decomp;

import java.util.Arrays;

/**
 * How the Tucker ranks are chosen: given explicitly, per mode by an energy fraction, or to fit a
 * parameter budget. Some modes' ranks may be fixed with {@link #withFixed} (e.g. the output mode
 * of a dense weight); the rule then chooses only the others.
 *
 * <ul>
 *   <li>{@link #explicit}: the ranks as given.</li>
 *   <li>{@link #energy}: per mode, the smallest R_n whose leading squared singular values of the
 *       mode-n unfolding hold at least {@code fraction} of its squared Frobenius norm.</li>
 *   <li>{@link #budget}: ranks such that core plus factors, {@code prod R_n + sum I_n R_n}, fit in
 *       {@code fraction * prod I_n} parameters, grown greedily from all ones by the largest gain of
 *       captured energy (the next squared singular value of that mode's unfolding, over the total)
 *       per added parameter.</li>
 * </ul>
 */
public final class RankSpec {

    private enum Kind { EXPLICIT, ENERGY, BUDGET }

    private final Kind kind;
    private final int[] ranks;
    private final double fraction;
    private final int[] fixed; // 0 = chosen by the rule

    private RankSpec(Kind kind, int[] ranks, double fraction, int[] fixed) {
        this.kind = kind;
        this.ranks = ranks;
        this.fraction = fraction;
        this.fixed = fixed;
    }

    /** The given ranks, one per mode, each in 1..I_n. */
    public static RankSpec explicit(int... ranks) {
        if (ranks == null || ranks.length == 0) throw new IllegalArgumentException("explicit ranks: need at least one rank");
        for (int r : ranks) {
            if (r < 1) throw new IllegalArgumentException("explicit ranks must be >= 1, got " + Arrays.toString(ranks));
        }
        return new RankSpec(Kind.EXPLICIT, ranks.clone(), Double.NaN, null);
    }

    /** Per-mode energy fraction in (0, 1]. */
    public static RankSpec energy(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("energy fraction must be in (0, 1], got " + fraction);
        }
        return new RankSpec(Kind.ENERGY, null, fraction, null);
    }

    /** Parameter budget as a fraction in (0, 1] of the dense parameter count {@code prod I_n}. */
    public static RankSpec budget(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("parameter budget fraction must be in (0, 1], got " + fraction);
        }
        return new RankSpec(Kind.BUDGET, null, fraction, null);
    }

    /** A copy with mode {@code mode}'s rank fixed to {@code rank} (ignored by {@link #explicit}, which fixes all). */
    public RankSpec withFixed(int mode, int rank) {
        if (mode < 0) throw new IllegalArgumentException("withFixed: negative mode " + mode);
        if (rank < 1) throw new IllegalArgumentException("withFixed: rank must be >= 1, got " + rank + " for mode " + mode);
        int[] f = fixed == null ? new int[mode + 1] : Arrays.copyOf(fixed, Math.max(fixed.length, mode + 1));
        f[mode] = rank;
        return new RankSpec(kind, ranks, fraction, f);
    }

    /** The fixed rank of a mode, or 0 when the rule chooses it. */
    public int fixedRank(int mode) {
        return fixed != null && mode < fixed.length ? fixed[mode] : 0;
    }

    /** True when the ranks can be read off without any spectrum. */
    boolean isExplicit() {
        return kind == Kind.EXPLICIT;
    }

    /** Checks the explicit ranks against a shape and returns them. */
    int[] explicitRanks(int[] shape) {
        if (ranks.length != shape.length) {
            throw new IllegalArgumentException("explicit ranks " + Arrays.toString(ranks) + " for a tensor of order "
                    + shape.length + " (shape " + Arrays.toString(shape) + ")");
        }
        for (int n = 0; n < shape.length; n++) checkRank(shape, n, ranks[n], "rank");
        return ranks.clone();
    }

    /**
     * Chooses the ranks from each mode's eigenvalues (squared singular values of the unfolding,
     * descending, {@code lambda[n].length == min(I_n, prod others)}).
     */
    int[] choose(int[] shape, double[][] lambda) {
        int order = shape.length;
        if (kind == Kind.EXPLICIT) return explicitRanks(shape);
        if (fixed != null && fixed.length > order) {
            throw new IllegalArgumentException("fixed rank for mode " + (fixed.length - 1) + " but the tensor has order " + order);
        }
        int[] r = new int[order];
        for (int n = 0; n < order; n++) {
            int f = fixedRank(n);
            if (f > 0) checkRank(shape, n, f, "fixed rank");
            r[n] = f;
        }
        if (kind == Kind.ENERGY) {
            for (int n = 0; n < order; n++) {
                if (r[n] > 0) continue;
                double total = 0;
                for (double l : lambda[n]) total += l;
                double cum = 0;
                int k = 0;
                while (k < lambda[n].length && (k == 0 || cum < fraction * total)) cum += lambda[n][k++];
                r[n] = Math.max(1, k);
            }
            return r;
        }
        // Budget: greedy growth from ones.
        double dense = 1;
        for (int d : shape) dense *= d;
        double budget = fraction * dense;
        double[] total = new double[order];
        for (int n = 0; n < order; n++) {
            if (r[n] == 0) r[n] = 1;
            for (double l : lambda[n]) total[n] += l;
        }
        if (parameters(shape, r) > budget) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "parameter budget %.0f (%.4g of %.0f) is below the smallest Tucker model with ranks %s (%d parameters)",
                    budget, fraction, dense, Arrays.toString(r), parameters(shape, r)));
        }
        while (true) {
            int best = -1;
            double bestScore = 0;
            long base = parameters(shape, r);
            for (int n = 0; n < order; n++) {
                if (fixedRank(n) > 0 || r[n] >= lambda[n].length || total[n] <= 0) continue;
                double gain = lambda[n][r[n]] / total[n];
                if (!(gain > 0)) continue;
                r[n]++;
                long p = parameters(shape, r);
                r[n]--;
                if (p > budget) continue;
                double score = gain / (p - base);
                if (score > bestScore) {
                    bestScore = score;
                    best = n;
                }
            }
            if (best < 0) return r;
            r[best]++;
        }
    }

    /** Core plus factor parameters: {@code prod R_n + sum I_n R_n}. */
    public static long parameters(int[] shape, int[] ranks) {
        long core = 1, factors = 0;
        for (int n = 0; n < shape.length; n++) {
            core *= ranks[n];
            factors += (long) shape[n] * ranks[n];
        }
        return core + factors;
    }

    private static void checkRank(int[] shape, int n, int r, String what) {
        long others = 1;
        for (int k = 0; k < shape.length; k++) if (k != n) others *= shape[k];
        long max = Math.min(shape[n], others);
        if (r < 1 || r > max) {
            throw new IllegalArgumentException(what + " " + r + " for mode " + n + " of shape " + Arrays.toString(shape)
                    + " must be in 1.." + max + " (min of I_n and the product of the other dimensions)");
        }
    }

    @Override
    public String toString() {
        String f = fixed == null ? "" : ", fixed " + Arrays.toString(fixed);
        return switch (kind) {
            case EXPLICIT -> "ranks " + Arrays.toString(ranks);
            case ENERGY -> "energy " + fraction + f;
            case BUDGET -> "budget " + fraction + f;
        };
    }
}
