package ttl4j.engine.algebra;

import static ttl4j.engine.algebra.AlgebraChecks.after;
import static ttl4j.engine.algebra.AlgebraChecks.checkMode;
import static ttl4j.engine.algebra.AlgebraChecks.factorRows;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;

/**
 * The order of a chain of mode products on distinct modes (which commute, so the order changes
 * only the cost), and what a product costs. One search over the orders, parameterised by the cost
 * of a step: multiply-adds ({@link #plan}), or the estimated time of the kernel that runs the step
 * ({@link #fastestOrder}), which counts a step by its multiply-adds divided by the share of vector
 * lanes its kernel keeps busy, with the lane width of the kernels in use.
 *
 * <p>A product on a tensor of current size S in a mode of size I costs {@code S / I * K * I = S K}
 * multiply-adds and leaves size {@code S K / I}.
 */
public final class ProductOrder {
    private ProductOrder() {}

    /**
     * The order a multi-mode product runs in and its cost.
     *
     * @param order        positions into the {@code us}/{@code modes} arrays, in execution order
     * @param modes        the modes in execution order ({@code modes[order[j]]})
     * @param madds        multiply-adds of the chosen order
     * @param maddsAsGiven multiply-adds of the order as given (for reporting the saving)
     * @param exhaustive   true when every order was compared, false for the ordering rule
     */
    public record Plan(int[] order, int[] modes, long madds, long maddsAsGiven, boolean exhaustive) {
        @Override
        public String toString() {
            return "Plan[modes " + Arrays.toString(modes) + ", " + madds + " multiply-adds ("
                    + maddsAsGiven + " in the given order), " + (exhaustive ? "exhaustive" : "ordering rule") + "]";
        }
    }

    /** Up to this many modes every order is compared; beyond, the exchange-argument ordering rule is used. */
    public static final int EXHAUSTIVE_MAX_MODES = 6;

    /** The cost of one product: on a tensor of {@code shape}, mode {@code mode} becomes {@code k}. */
    @FunctionalInterface
    interface StepCost {
        double of(int[] shape, int mode, int k);
    }

    /** Multiply-adds of a step. */
    private static final StepCost MADDS = (shape, mode, k) -> size(shape) * k;

    /** Estimated time of a step ({@link #modeProductWork}). */
    private static final StepCost TIME = ProductOrder::modeProductWork;

    /** Validates the arguments of {@link ModeProducts#multiModeProduct} and returns the order it will use. */
    public static Plan plan(Tensor t, Tensor[] us, int[] modes, boolean transposeU) {
        int[] shape = t.shape();
        if (us == null || modes == null) throw new NullPointerException("multiModeProduct: us or modes is null");
        if (us.length != modes.length) {
            throw new IllegalArgumentException("multiModeProduct: " + us.length + " matrices for " + modes.length
                    + " modes " + Arrays.toString(modes));
        }
        int[] ks = new int[modes.length];
        for (int j = 0; j < modes.length; j++) {
            checkMode("multiModeProduct (entry " + j + ")", shape, modes[j]);
            if (us[j] == null) throw new NullPointerException("multiModeProduct: matrix " + j + " is null");
            ks[j] = factorRows("multiModeProduct (entry " + j + ")", shape, modes[j], us[j], transposeU);
        }
        return plan(shape, modes, ks);
    }

    /**
     * The order with the fewest multiply-adds of products j replacing dimension {@code modes[j]} by
     * {@code ks[j]} on a tensor of {@code shape}. With up to {@link #EXHAUSTIVE_MAX_MODES} modes all
     * orders are compared (ties keep the given order). Beyond, modes are sorted by {@code 1/K - 1/I}
     * descending: swapping two adjacent products a, b changes the cost by a prefix factor times
     * {@code K_a + K_a K_b / I_a - K_b - K_a K_b / I_b}, so this exchange order is optimal too; the
     * exhaustive search is kept where it is cheap as the obviously correct reference.
     */
    public static Plan plan(int[] shape, int[] modes, int[] ks) {
        validate(shape, modes, ks);
        int m = modes.length;
        int[] given = identity(m);
        boolean exhaustive = m <= EXHAUSTIVE_MAX_MODES;
        int[] best = exhaustive ? search(shape, modes, ks, MADDS, 0) : ratioOrder(shape, modes, ks);
        int[] bestModes = new int[m];
        for (int j = 0; j < m; j++) bestModes[j] = modes[best[j]];
        return new Plan(best, bestModes, toLong(total(shape, modes, ks, best, MADDS)),
                toLong(total(shape, modes, ks, given, MADDS)), exhaustive);
    }

    /**
     * The order (as {@link #plan(int[], int[], int[])}) with the least estimated time
     * ({@link #modeProductWork}) rather than the fewest multiply-adds; near-ties (relative 1e-12) go
     * to fewer multiply-adds, then to the given order. Beyond {@link #EXHAUSTIVE_MAX_MODES} modes,
     * the multiply-add order. Positions into {@code modes}, in execution order.
     */
    public static int[] fastestOrder(int[] shape, int[] modes, int[] ks) {
        validate(shape, modes, ks);
        if (modes.length > EXHAUSTIVE_MAX_MODES) return ratioOrder(shape, modes, ks);
        return search(shape, modes, ks, TIME, 1e-12);
    }

    /**
     * Estimated time of a mode product, in full-width multiply-adds: its multiply-adds divided by
     * the share of vector lanes its kernel keeps busy. Lanes run along the row after the mode (Q,
     * the product of the later dimensions) when there is one; on the last mode they run along K (the
     * GEMM {@code T U^T} has N = K), so a last-mode product down to a small rank wastes most of them.
     * Multiply-add counts alone tie between orders that differ only in this.
     */
    public static double modeProductWork(int[] shape, int mode, int k) {
        checkMode("modeProductWork", shape, mode);
        double madds = size(shape) * k;
        long q = after(shape, mode);
        return madds / laneUse(q == 1 ? k : q);
    }

    /** Estimated time of {@link ModeProducts#contractAllBut} on X of {@code shape}, like {@link #modeProductWork}. */
    public static double contractAllButWork(int[] shape, int mode, int k) {
        checkMode("contractAllButWork", shape, mode);
        double madds = size(shape) * k;
        long q = after(shape, mode);
        if (q == 1) return madds / laneUse(k);
        if (q >= lanes() && Engine.kernels().contractSlicesFast((int) Math.min(q, Integer.MAX_VALUE))) {
            return madds / laneUse(q);
        }
        return 2 * madds / laneUse(k); // unfolding copies, then the thin GEMM
    }

    /** Floats per vector of the kernels in use: what the estimates assume. */
    private static int lanes() {
        return Engine.kernels().lanes();
    }

    /** Share of the lanes kept busy when they run along a dimension of n (whole vectors, the last one partly used). */
    private static double laneUse(long n) {
        int lanes = lanes();
        if (n <= 0) return 1;
        long vectors = (n + lanes - 1) / lanes;
        return (double) n / (vectors * lanes);
    }

    // ---------------------------------------------------------------- the search

    /**
     * The order with the least total {@code cost}, over every permutation: a candidate replaces the
     * best so far when its total is below it by more than the relative {@code tolerance}, or within
     * it and with fewer multiply-adds. Permutations are tried in lexicographic order starting with
     * the given one, so exact ties keep the earlier order. Step costs are never negative, so a
     * prefix already beyond the best total (plus tolerance) is abandoned.
     */
    static int[] search(int[] shape, int[] modes, int[] ks, StepCost cost, double tolerance) {
        int m = modes.length;
        int[] given = identity(m);
        double[] best = {total(shape, modes, ks, given, cost), total(shape, modes, ks, given, MADDS)};
        int[] bestOrder = given.clone();
        permute(shape.clone(), modes, ks, cost, tolerance, new int[m], new boolean[m], 0, 0.0, 0.0, bestOrder, best);
        return bestOrder;
    }

    private static void permute(int[] cur, int[] modes, int[] ks, StepCost cost, double tolerance, int[] perm,
                                boolean[] used, int depth, double costSoFar, double maddsSoFar, int[] bestOrder,
                                double[] best) {
        if (costSoFar > best[0] * (1 + tolerance)) return;
        if (depth == perm.length) {
            if (costSoFar < best[0] * (1 - tolerance) || (costSoFar <= best[0] * (1 + tolerance) && maddsSoFar < best[1])) {
                best[0] = costSoFar;
                best[1] = maddsSoFar;
                System.arraycopy(perm, 0, bestOrder, 0, perm.length);
            }
            return;
        }
        for (int j = 0; j < perm.length; j++) {
            if (used[j]) continue;
            used[j] = true;
            perm[depth] = j;
            int mode = modes[j], was = cur[mode];
            double step = cost.of(cur, mode, ks[j]), madds = MADDS.of(cur, mode, ks[j]);
            cur[mode] = ks[j];
            permute(cur, modes, ks, cost, tolerance, perm, used, depth + 1, costSoFar + step, maddsSoFar + madds,
                    bestOrder, best);
            cur[mode] = was;
            used[j] = false;
        }
    }

    /** The exchange-argument order (see {@link #plan(int[], int[], int[])}). */
    static int[] ratioOrder(int[] shape, int[] modes, int[] ks) {
        int m = modes.length;
        Integer[] idx = new Integer[m];
        double[] key = new double[m];
        for (int j = 0; j < m; j++) {
            idx[j] = j;
            double i = shape[modes[j]], k = ks[j];
            key[j] = (k == 0 ? Double.POSITIVE_INFINITY : 1 / k) - (i == 0 ? Double.POSITIVE_INFINITY : 1 / i);
            if (Double.isNaN(key[j])) key[j] = Double.POSITIVE_INFINITY; // K = I = 0: the product is free
        }
        Arrays.sort(idx, (a, b) -> Double.compare(key[b], key[a])); // stable: ties keep the given order
        int[] order = new int[m];
        for (int j = 0; j < m; j++) order[j] = idx[j];
        return order;
    }

    private static double total(int[] shape, int[] modes, int[] ks, int[] order, StepCost cost) {
        int[] cur = shape.clone();
        double sum = 0;
        for (int j : order) {
            sum += cost.of(cur, modes[j], ks[j]);
            cur[modes[j]] = ks[j];
        }
        return sum;
    }

    private static void validate(int[] shape, int[] modes, int[] ks) {
        int m = modes.length;
        if (ks.length != m) {
            throw new IllegalArgumentException("multiModeProduct: " + ks.length + " output sizes for " + m + " modes");
        }
        boolean[] seen = new boolean[shape.length];
        for (int j = 0; j < m; j++) {
            checkMode("multiModeProduct", shape, modes[j]);
            if (seen[modes[j]]) {
                throw new IllegalArgumentException("multiModeProduct: mode " + modes[j] + " appears twice in "
                        + Arrays.toString(modes) + "; products in the same mode do not commute, multiply the matrices first");
            }
            seen[modes[j]] = true;
            if (ks[j] < 0) throw new IllegalArgumentException("multiModeProduct: negative size " + ks[j] + " for mode " + modes[j]);
        }
    }

    private static int[] identity(int m) {
        int[] p = new int[m];
        for (int j = 0; j < m; j++) p[j] = j;
        return p;
    }

    private static double size(int[] shape) {
        double s = 1;
        for (int d : shape) s *= d;
        return s;
    }

    private static long toLong(double d) {
        return d >= 0x1p63 ? Long.MAX_VALUE : Math.round(d);
    }
}
