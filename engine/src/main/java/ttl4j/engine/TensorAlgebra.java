package ttl4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensor algebra on row-major tensors, built on the {@link Kernels} seam: mode-n products (as
 * GEMMs on the tensor in place), multi-mode products in the cheapest order, unfolding and folding,
 * Khatri-Rao and Kronecker products, and MTTKRP.
 *
 * <h2>Conventions (row-major)</h2>
 * Modes are 0-based. A tensor of shape {@code I_0 x ... x I_{K-1}} is viewed around mode n as
 * {@code P x I_n x Q} with {@code P = I_0 ... I_{n-1}} and {@code Q = I_{n+1} ... I_{K-1}}.
 * <ul>
 *   <li>Mode-n product: {@code (T x_n U)[.., k, ..] = sum_i T[.., i, ..] U[k, i]}, U is
 *       {@code K x I_n} (or {@code I_n x K} used transposed).</li>
 *   <li>Mode-n unfolding {@code T_(n)} is {@code I_n x (P Q)}: row i holds the slice {@code i} of
 *       mode n, its columns run over the other modes in row-major order (mode 0 slowest, the last
 *       mode fastest), i.e. {@code T_(n)[i, p Q + q] = T[p, i, q]}.</li>
 *   <li>Kronecker and Khatri-Rao products put the first matrix's index slowest, so
 *       {@code vec_row(T x_0 U_0 ... x_{K-1} U_{K-1}) = (U_0 kron ... kron U_{K-1}) vec_row(T)} and
 *       {@code (T x_0 U_0 ... x_{K-1} U_{K-1})_(n) = U_n T_(n) (kron_{k != n} U_k)^T}, the
 *       Kronecker product over the other modes in increasing order (the reverse of Kolda and
 *       Bader's column-major formulas).</li>
 *   <li>MTTKRP: {@code M = T_(n) (khatriRao of the factors k != n in increasing k)}, {@code I_n x R}.</li>
 * </ul>
 * Outputs never alias inputs. Results are bitwise identical for any thread count: every output
 * element is produced by one task in a fixed order.
 */
public final class TensorAlgebra {
    private TensorAlgebra() {}

    // ================================================================ mode-n product

    /**
     * {@code T x_mode U}: T (.., I_n, ..) and U (K, I_n), or U (I_n, K) when {@code transposeU},
     * gives Y (.., K, ..). A new tensor.
     */
    public static Tensor modeProduct(Tensor t, int mode, Tensor u, boolean transposeU) {
        int[] shape = t.shape();
        checkMode("modeProduct", shape, mode);
        int k = factorRows("modeProduct", shape, mode, u, transposeU);
        int[] outShape = shape.clone();
        outShape[mode] = k;
        Tensor y = Tensor.zeros(outShape);
        modeProduct(shape, mode, k, 1f, t.data(), t.offset(), u.data(), u.offset(), transposeU, 0f,
                y.data(), y.offset());
        return y;
    }

    /**
     * {@code out = alpha * (T x_mode U) + beta * out} into an existing tensor of the product's shape.
     * {@code beta == 0} overwrites {@code out}.
     */
    public static void modeProductInto(Tensor t, int mode, Tensor u, boolean transposeU,
                                       float alpha, float beta, Tensor out) {
        int[] shape = t.shape();
        checkMode("modeProductInto", shape, mode);
        int k = factorRows("modeProductInto", shape, mode, u, transposeU);
        int[] outShape = shape.clone();
        outShape[mode] = k;
        out.requireShape("modeProductInto: output of mode-" + mode + " product of " + Arrays.toString(shape)
                + " with U " + Arrays.toString(u.shape()) + (transposeU ? " (transposed)" : ""), outShape);
        modeProduct(shape, mode, k, alpha, t.data(), t.offset(), u.data(), u.offset(), transposeU, beta,
                out.data(), out.offset());
    }

    /**
     * Array-level mode-n product: T (P, I_n, Q) from {@code tOff} with the given {@code shape},
     * U (K, I_n) or (I_n, K) dense from {@code uOff}; {@code Y (P, K, Q) = alpha * T x_mode U + beta * Y}
     * dense from {@code yOff}. Y must not overlap T or U.
     *
     * <p>No unfolding is formed: mode 0 is one GEMM {@code U T(I_n x Q)}, the last mode one GEMM
     * {@code T(P x I_n) U^T}, a middle mode P GEMMs {@code U T[p]} sharing U (a batched GEMM with
     * stride 0 for U). Modes whose P or Q is 1 (size-1 neighbours) take the single-GEMM paths; a
     * middle mode with short rows (Q small) gathers tiles of several T[p] into one GEMM instead.
     */
    public static void modeProduct(int[] shape, int mode, int k, float alpha, float[] t, int tOff,
                                   float[] u, int uOff, boolean transposeU, float beta, float[] y, int yOff) {
        checkMode("modeProduct", shape, mode);
        if (k < 0) throw new IllegalArgumentException("modeProduct: negative output size K=" + k);
        int in = shape[mode];
        int p = Tensor.sizeOf(Arrays.copyOfRange(shape, 0, mode));
        int q = Tensor.sizeOf(Arrays.copyOfRange(shape, mode + 1, shape.length));
        long tSize = (long) p * in * q, ySize = (long) p * k * q, uSize = (long) k * in;
        checkRange("modeProduct: T of shape " + Arrays.toString(shape), t, tOff, tSize);
        checkRange("modeProduct: U (" + (transposeU ? in + " x " + k : k + " x " + in) + ")", u, uOff, uSize);
        checkRange("modeProduct: Y (" + p + " x " + k + " x " + q + ")", y, yOff, ySize);
        checkNoOverlap("modeProduct", "Y", y, yOff, ySize, "T", t, tOff, tSize);
        checkNoOverlap("modeProduct", "Y", y, yOff, ySize, "U", u, uOff, uSize);
        if (ySize == 0) return;
        Kernels ker = Engine.kernels();
        int ldu = transposeU ? k : in;
        if (p > 1 && q < gatherBelowQ && (long) k * in <= Tuning.MODE_PRODUCT_SLICES_MAX_U
                && ker.modeProductSlicesFast(in, q, k)) {
            // A small U and short rows: GEMMs would be too thin or need gathering copies.
            slices(p, in, q, k, alpha, t, tOff, u, uOff, ldu, transposeU, beta, y, yOff);
        } else if (q == 1) {
            // Y (P, K) = T (P, I_n) U^T: one GEMM over the whole tensor.
            ker.gemm(false, !transposeU, p, k, in, alpha, t, tOff, in, u, uOff, ldu, beta, y, yOff, k);
        } else if (p == 1) {
            // Y (K, Q) = U (K, I_n) T (I_n, Q).
            ker.gemm(transposeU, false, k, q, in, alpha, u, uOff, ldu, t, tOff, q, beta, y, yOff, q);
        } else if (q < gatherBelowQ && gatherBlock(p, in, q, k) >= 2) {
            gatheredMiddle(p, in, q, k, alpha, t, tOff, u, uOff, ldu, transposeU, beta, y, yOff);
        } else {
            // Y[p] (K, Q) = U (K, I_n) T[p] (I_n, Q) for every p, U shared: the batched GEMM packs
            // U once and splits the batch over threads itself.
            ker.gemmBatched(p, transposeU, false, k, q, in, alpha, u, uOff, ldu, 0,
                    t, tOff, q, in * q, beta, y, yOff, q, k * q);
        }
    }

    /** Slices per unit of parallel work: whole vector blocks, so no task ends in a scalar remainder. */
    private static final int SLICE_UNIT = 32;

    /**
     * {@link Kernels#modeProductSlices} split over blocks of consecutive p; each Y element is summed
     * the same way whatever the split, so results do not depend on the thread count.
     */
    private static void slices(int p, int in, int q, int k, float alpha, float[] t, int tOff, float[] u, int uOff,
                               int ldu, boolean transposeU, float beta, float[] y, int yOff) {
        Kernels ker = Engine.kernels();
        long madds = (long) p * in * q * k;
        int units = (p + SLICE_UNIT - 1) / SLICE_UNIT;
        int threads = Parallel.threads();
        if (units < 2 || !Parallel.worthSplitting(madds, (long) p * (in + k) * q + (long) k * in)) {
            ker.modeProductSlices(p, in, q, k, alpha, u, uOff, ldu, transposeU, t, tOff, beta, y, yOff);
            return;
        }
        int chunks = Math.min(units, threads * 4);
        Parallel.forEach(chunks, c -> {
            int lo = (int) Math.min(p, (long) units * c / chunks * SLICE_UNIT);
            int hi = (int) Math.min(p, (long) units * (c + 1) / chunks * SLICE_UNIT);
            ker.modeProductSlices(hi - lo, in, q, k, alpha, u, uOff, ldu, transposeU, t, tOff + lo * in * q,
                    beta, y, yOff + lo * k * q);
        });
    }

    /** Middle-mode products with Q below this gather tiles (see {@link Tuning#MODE_PRODUCT_GATHER_BELOW_Q}); tests lower it. */
    static int gatherBelowQ = Tuning.MODE_PRODUCT_GATHER_BELOW_Q;

    /** Scratch tiles (input plus output) stay below this many floats, about 1 MB: L2-sized. */
    private static final int GATHER_MAX_FLOATS = 1 << 18;

    /** How many consecutive T[p] one gathered GEMM covers. */
    private static int gatherBlock(int p, int in, int q, int k) {
        int g = Math.min(p, Math.max(1, Tuning.MODE_PRODUCT_GATHER_COLS / q));
        return Math.max(1, Math.min(g, GATHER_MAX_FLOATS / Math.max(1, (in + k) * q)));
    }

    private static final ThreadLocal<float[][]> GATHER = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * Middle mode with short rows (Q small): each T[p] alone is a GEMM too narrow for the
     * micro-kernel's column tile, so blocks of g consecutive T[p] are copied side by side into an
     * I_n x (g Q) scratch tile (L2-sized, never the whole unfolding), multiplied by U in one GEMM,
     * and the K x (g Q) result is copied back into the g blocks Y[p]. The block size depends only
     * on the shape, so results do not depend on the thread count.
     */
    private static void gatheredMiddle(int p, int in, int q, int k, float alpha, float[] t, int tOff,
                                       float[] u, int uOff, int ldu, boolean transposeU, float beta, float[] y, int yOff) {
        int g = gatherBlock(p, in, q, k);
        int blocks = (p + g - 1) / g;
        Kernels ker = Engine.kernels();
        boolean split = Parallel.worthSplitting((long) p * in * q * k, (long) p * (in + k) * q + (long) k * in);
        forChunks(blocks, split, (lo, hi) -> {
            float[][] sc = GATHER.get();
            if (sc[0].length < in * g * q) sc[0] = new float[in * g * q];
            if (sc[1].length < k * g * q) sc[1] = new float[k * g * q];
            float[] buf = sc[0], cb = sc[1];
            for (int blk = lo; blk < hi; blk++) {
                int p0 = blk * g, gb = Math.min(g, p - p0), n = gb * q;
                for (int pi = 0; pi < gb; pi++) {
                    int src = tOff + (p0 + pi) * in * q;
                    for (int i = 0; i < in; i++) System.arraycopy(t, src + i * q, buf, i * n + pi * q, q);
                }
                ker.gemm(transposeU, false, k, n, in, alpha, u, uOff, ldu, buf, 0, n, 0f, cb, 0, n);
                for (int pi = 0; pi < gb; pi++) {
                    int dst = yOff + (p0 + pi) * k * q;
                    for (int kk = 0; kk < k; kk++) {
                        if (beta == 0f) {
                            System.arraycopy(cb, kk * n + pi * q, y, dst + kk * q, q);
                        } else {
                            ker.scale(q, beta, y, dst + kk * q, y, dst + kk * q);
                            ker.add(q, y, dst + kk * q, cb, kk * n + pi * q, y, dst + kk * q);
                        }
                    }
                }
            }
        });
    }

    // ================================================================ contraction over all modes but one

    /** Rows of C per parallel task of {@link #contractAllBut}: whole register tiles of the kernel. */
    private static final int CONTRACT_UNIT = 4;

    private static final ThreadLocal<float[][]> UNFOLDED = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * {@code C (I, K) = sum over every mode but {@code mode} of X[.., i, ..] Y[.., k, ..] + beta C}:
     * X has {@code shape} with {@code I = shape[mode]}, Y the same shape with K in that mode (both
     * dense row-major from their offsets), C is dense I x K. This is the gradient of a factor
     * applied in that mode (the unfolding product {@code X_(n) Y_(n)^T}) without forming either
     * unfolding when it can be avoided: nothing after the mode (Q = 1) is one GEMM on the tensors in
     * place; rows of at least a vector go to {@link Kernels#contractSlices}, split over rows of C;
     * short rows are unfolded into scratch (O(size) copies against O(size K) multiply-adds) for one
     * GEMM over the long summed dimension. Each C element is summed the same way whatever the
     * thread count.
     */
    public static void contractAllBut(int[] shape, int mode, float[] x, int xOff, float[] y, int yOff, int k,
                                      float beta, float[] c, int cOff) {
        checkMode("contractAllBut", shape, mode);
        if (k < 0) throw new IllegalArgumentException("contractAllBut: negative size K=" + k);
        int in = shape[mode];
        int pp = Tensor.sizeOf(Arrays.copyOfRange(shape, 0, mode));
        int q = Tensor.sizeOf(Arrays.copyOfRange(shape, mode + 1, shape.length));
        long xSize = (long) pp * in * q, ySize = (long) pp * k * q, cSize = (long) in * k;
        checkRange("contractAllBut: X of shape " + Arrays.toString(shape), x, xOff, xSize);
        checkRange("contractAllBut: Y (" + pp + " x " + k + " x " + q + ")", y, yOff, ySize);
        checkRange("contractAllBut: C (" + in + " x " + k + ")", c, cOff, cSize);
        checkNoOverlap("contractAllBut", "C", c, cOff, cSize, "X", x, xOff, xSize);
        checkNoOverlap("contractAllBut", "C", c, cOff, cSize, "Y", y, yOff, ySize);
        if (cSize == 0) return;
        Kernels ker = Engine.kernels();
        if (q == 1) {
            ker.gemm(true, false, in, k, pp, 1f, x, xOff, in, y, yOff, k, beta, c, cOff, k);
            return;
        }
        if (ker.contractSlicesFast(q)) {
            long madds = xSize * k;
            int units = (in + CONTRACT_UNIT - 1) / CONTRACT_UNIT;
            if (units < 2 || !Parallel.worthSplitting(madds, xSize + ySize + cSize)) {
                ker.contractSlices(pp, in, q, k, 0, in, x, xOff, y, yOff, beta, c, cOff, k);
                return;
            }
            int chunks = Math.min(units, Parallel.threads());
            Parallel.forEach(chunks, t -> {
                int lo = (int) Math.min(in, (long) units * t / chunks * CONTRACT_UNIT);
                int hi = (int) Math.min(in, (long) units * (t + 1) / chunks * CONTRACT_UNIT);
                ker.contractSlices(pp, in, q, k, lo, hi, x, xOff, y, yOff, beta, c, cOff, k);
            });
            return;
        }
        // Unfolded with the summed (p, q) pairs as rows, so the GEMM is C = Xu^T Yu: with C this
        // thin (K a rank), the thin GEMM streams both operands row by row, where the (I, P Q)
        // layout needed a transposed B and ran at about half the rate.
        int rows = pp * q;
        if ((long) rows * Math.max(in, k) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("contractAllBut: unfolding of " + Arrays.toString(shape) + " is too large");
        }
        float[][] sc = UNFOLDED.get();
        if (sc[0].length < in * rows) sc[0] = new float[in * rows];
        if (sc[1].length < k * rows) sc[1] = new float[k * rows];
        unfoldRows(x, xOff, pp, in, q, sc[0]);
        unfoldRows(y, yOff, pp, k, q, sc[1]);
        ker.gemm(true, false, in, k, rows, 1f, sc[0], 0, in, sc[1], 0, k, beta, c, cOff, k);
    }

    /** dst (P Q, I) = src viewed as (P, I, Q) with the mode moved last: a small transpose per p. */
    private static void unfoldRows(float[] src, int off, int pp, int in, int q, float[] dst) {
        for (int p = 0; p < pp; p++) {
            int s0 = off + p * in * q, d0 = p * q * in;
            for (int i = 0; i < in; i++) {
                int s = s0 + i * q;
                for (int j = 0; j < q; j++) dst[d0 + j * in + i] = src[s + j];
            }
        }
    }

    // ================================================================ multi-mode product

    /**
     * The order a multi-mode product runs in and its cost.
     *
     * @param order          positions into the {@code us}/{@code modes} arrays, in execution order
     * @param modes          the modes in execution order ({@code modes[order[j]]})
     * @param madds          multiply-adds of the chosen order
     * @param maddsAsGiven   multiply-adds of the order as given (for reporting the saving)
     * @param exhaustive     true when every order was compared, false for the ordering rule
     */
    public record MultiModePlan(int[] order, int[] modes, long madds, long maddsAsGiven, boolean exhaustive) {
        @Override
        public String toString() {
            return "MultiModePlan[modes " + Arrays.toString(modes) + ", " + madds + " multiply-adds ("
                    + maddsAsGiven + " in the given order), " + (exhaustive ? "exhaustive" : "ordering rule") + "]";
        }
    }

    /** Up to this many modes every order is compared; beyond, the exchange-argument ordering rule is used. */
    public static final int EXHAUSTIVE_MAX_MODES = 6;

    /**
     * {@code T x_{modes[0]} us[0] x_{modes[1]} us[1] ...} (distinct modes, so the order changes only
     * the cost), run in the order of {@link #multiModeProductCost}. Each U is (K_j, I_{modes[j]}),
     * or (I_{modes[j]}, K_j) when {@code transposeU}. A new tensor.
     */
    public static Tensor multiModeProduct(Tensor t, Tensor[] us, int[] modes, boolean transposeU) {
        MultiModePlan plan = multiModeProductCost(t, us, modes, transposeU);
        int[] shape = t.shape();
        int m = modes.length;
        if (m == 0) return t.copy();
        // Intermediates ping-pong between two buffers sized for the largest of them.
        int[] cur = shape.clone();
        long maxMid = 0;
        for (int j = 0; j < m - 1; j++) {
            int pos = plan.order()[j];
            cur[modes[pos]] = rows(us[pos], transposeU);
            maxMid = Math.max(maxMid, sizeLong(cur));
        }
        if (maxMid > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("multiModeProduct: an intermediate has " + maxMid + " elements");
        }
        float[][] buf = m > 1 ? new float[][] {new float[(int) maxMid], m > 2 ? new float[(int) maxMid] : null} : null;
        float[] src = t.data();
        int srcOff = t.offset();
        cur = shape.clone();
        Tensor out = null;
        for (int j = 0; j < m; j++) {
            int pos = plan.order()[j];
            int mode = modes[pos];
            Tensor u = us[pos];
            int k = rows(u, transposeU);
            int[] next = cur.clone();
            next[mode] = k;
            float[] dst;
            int dstOff;
            if (j == m - 1) {
                out = Tensor.zeros(next);
                dst = out.data();
                dstOff = 0;
            } else {
                dst = buf[j & 1];
                dstOff = 0;
            }
            modeProduct(cur, mode, k, 1f, src, srcOff, u.data(), u.offset(), transposeU, 0f, dst, dstOff);
            src = dst;
            srcOff = dstOff;
            cur = next;
        }
        return out;
    }

    /** Validates the arguments of {@link #multiModeProduct} and returns the order it will use. */
    public static MultiModePlan multiModeProductCost(Tensor t, Tensor[] us, int[] modes, boolean transposeU) {
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
        return multiModeProductCost(shape, modes, ks);
    }

    /**
     * The cheapest order of mode products on a tensor of {@code shape}, product j replacing
     * dimension {@code modes[j]} by {@code ks[j]}. A product on a tensor of current size S in a mode
     * of size I costs {@code S / I * K * I = S K} multiply-adds and leaves size {@code S K / I}.
     *
     * <p>With up to {@link #EXHAUSTIVE_MAX_MODES} modes all orders are compared (ties keep the given
     * order). Beyond, modes are sorted by {@code 1/K - 1/I} descending: swapping two adjacent
     * products a, b changes the cost by a prefix factor times {@code K_a + K_a K_b / I_a - K_b - K_a K_b / I_b},
     * so this exchange order is optimal too; the exhaustive search is kept where it is cheap as the
     * obviously correct reference.
     */
    public static MultiModePlan multiModeProductCost(int[] shape, int[] modes, int[] ks) {
        int m = modes.length;
        if (ks.length != m) {
            throw new IllegalArgumentException("multiModeProductCost: " + ks.length + " output sizes for " + m + " modes");
        }
        boolean[] seen = new boolean[shape.length];
        for (int j = 0; j < m; j++) {
            checkMode("multiModeProductCost", shape, modes[j]);
            if (seen[modes[j]]) {
                throw new IllegalArgumentException("multiModeProduct: mode " + modes[j] + " appears twice in "
                        + Arrays.toString(modes) + "; products in the same mode do not commute, multiply the matrices first");
            }
            seen[modes[j]] = true;
            if (ks[j] < 0) throw new IllegalArgumentException("multiModeProductCost: negative size " + ks[j] + " for mode " + modes[j]);
        }
        int[] given = new int[m];
        for (int j = 0; j < m; j++) given[j] = j;
        double asGiven = cost(shape, modes, ks, given);
        int[] best;
        boolean exhaustive = m <= EXHAUSTIVE_MAX_MODES;
        if (exhaustive) {
            best = given.clone();
            double[] bestCost = {asGiven};
            permute(shape, modes, ks, new int[m], new boolean[m], 0, 0.0, sizeDouble(shape), best, bestCost);
        } else {
            best = ratioOrder(shape, modes, ks);
        }
        int[] bestModes = new int[m];
        for (int j = 0; j < m; j++) bestModes[j] = modes[best[j]];
        return new MultiModePlan(best, bestModes, toLong(cost(shape, modes, ks, best)), toLong(asGiven), exhaustive);
    }

    // ---------------------------------------------------------------- estimated time

    /** Vector width, in floats, that the work estimates assume (512-bit vectors). */
    private static final int ESTIMATE_LANES = 16;

    /** Share of the lanes kept busy when they run along a dimension of n (whole vectors, the last one partly used). */
    private static double laneUse(long n) {
        if (n <= 0) return 1;
        long vectors = (n + ESTIMATE_LANES - 1) / ESTIMATE_LANES;
        return (double) n / (vectors * ESTIMATE_LANES);
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
        double madds = sizeDouble(shape) * k;
        long q = sizeLong(Arrays.copyOfRange(shape, mode + 1, shape.length));
        return madds / laneUse(q == 1 ? k : q);
    }

    /** Estimated time of {@link #contractAllBut} on X of {@code shape}, like {@link #modeProductWork}. */
    public static double contractAllButWork(int[] shape, int mode, int k) {
        checkMode("contractAllButWork", shape, mode);
        double madds = sizeDouble(shape) * k;
        long q = sizeLong(Arrays.copyOfRange(shape, mode + 1, shape.length));
        if (q == 1) return madds / laneUse(k);
        if (q >= ESTIMATE_LANES && Engine.kernels().contractSlicesFast((int) Math.min(q, Integer.MAX_VALUE))) {
            return madds / laneUse(q);
        }
        return 2 * madds / laneUse(k); // unfolding copies, then the thin GEMM
    }

    /**
     * The order of mode products (as {@link #multiModeProductCost(int[], int[], int[])}) with the
     * least estimated time ({@link #modeProductWork}) rather than the fewest multiply-adds; ties
     * go to fewer multiply-adds, then to the given order. Beyond {@link #EXHAUSTIVE_MAX_MODES}
     * modes, the multiply-add order. Positions into {@code modes}, in execution order.
     */
    public static int[] fastestOrder(int[] shape, int[] modes, int[] ks) {
        MultiModePlan byMadds = multiModeProductCost(shape, modes, ks); // validates
        int m = modes.length;
        if (m > EXHAUSTIVE_MAX_MODES) return byMadds.order();
        int[] best = new int[m];
        for (int j = 0; j < m; j++) best[j] = j;
        double[] bestWork = {work(shape, modes, ks, best), cost(shape, modes, ks, best)};
        searchWork(shape, modes, ks, new int[m], new boolean[m], 0, best, bestWork);
        return best;
    }

    private static void searchWork(int[] shape, int[] modes, int[] ks, int[] perm, boolean[] used, int depth,
                                   int[] best, double[] bestWork) {
        if (depth == perm.length) {
            double w = work(shape, modes, ks, perm), c = cost(shape, modes, ks, perm);
            if (w < bestWork[0] * (1 - 1e-12) || (w <= bestWork[0] * (1 + 1e-12) && c < bestWork[1])) {
                bestWork[0] = w;
                bestWork[1] = c;
                System.arraycopy(perm, 0, best, 0, perm.length);
            }
            return;
        }
        for (int j = 0; j < perm.length; j++) {
            if (used[j]) continue;
            used[j] = true;
            perm[depth] = j;
            searchWork(shape, modes, ks, perm, used, depth + 1, best, bestWork);
            used[j] = false;
        }
    }

    private static double work(int[] shape, int[] modes, int[] ks, int[] order) {
        int[] cur = shape.clone();
        double total = 0;
        for (int j : order) {
            total += modeProductWork(cur, modes[j], ks[j]);
            cur[modes[j]] = ks[j];
        }
        return total;
    }

    /** The exchange-argument order (see {@link #multiModeProductCost(int[], int[], int[])}). */
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

    private static void permute(int[] shape, int[] modes, int[] ks, int[] perm, boolean[] used, int depth,
                                double costSoFar, double size, int[] best, double[] bestCost) {
        if (costSoFar >= bestCost[0]) return; // costs only grow; ties keep the earlier (given-first) order
        if (depth == perm.length) {
            if (costSoFar < bestCost[0]) {
                bestCost[0] = costSoFar;
                System.arraycopy(perm, 0, best, 0, perm.length);
            }
            return;
        }
        for (int j = 0; j < perm.length; j++) {
            if (used[j]) continue;
            used[j] = true;
            perm[depth] = j;
            double i = shape[modes[j]];
            double stepCost = size * ks[j];
            double nextSize = i == 0 ? 0 : size / i * ks[j];
            permute(shape, modes, ks, perm, used, depth + 1, costSoFar + stepCost, nextSize, best, bestCost);
            used[j] = false;
        }
    }

    private static double cost(int[] shape, int[] modes, int[] ks, int[] order) {
        double size = sizeDouble(shape), total = 0;
        for (int j : order) {
            double i = shape[modes[j]];
            total += size * ks[j];
            size = i == 0 ? 0 : size / i * ks[j];
        }
        return total;
    }

    private static double sizeDouble(int[] shape) {
        double s = 1;
        for (int d : shape) s *= d;
        return s;
    }

    private static long sizeLong(int[] shape) {
        long s = 1;
        for (int d : shape) s *= d;
        return s;
    }

    private static long toLong(double d) {
        return d >= 0x1p63 ? Long.MAX_VALUE : Math.round(d);
    }

    // ================================================================ unfolding and folding

    /**
     * Mode-n unfolding {@code T_(n)}: a new {@code I_n x (size / I_n)} matrix with
     * {@code T_(n)[i, p Q + q] = T[p, i, q]} (the other modes in row-major order). Copies.
     */
    public static Tensor unfold(Tensor t, int n) {
        int[] shape = t.shape();
        checkMode("unfold", shape, n);
        int in = shape[n], p = t.sizeBetween(0, n), q = t.sizeBetween(n + 1, shape.length);
        Tensor m = Tensor.zeros(in, p * q);
        float[] src = t.data(), dst = m.data();
        int off = t.offset();
        for (int i = 0; i < in; i++) {
            for (int pi = 0; pi < p; pi++) {
                System.arraycopy(src, off + (pi * in + i) * q, dst, i * p * q + pi * q, q);
            }
        }
        return m;
    }

    /** Inverse of {@link #unfold}: a new tensor of {@code shape} from its mode-n unfolding. Copies. */
    public static Tensor fold(Tensor mat, int n, int[] shape) {
        checkMode("fold", shape, n);
        int in = shape[n];
        int p = Tensor.sizeOf(Arrays.copyOfRange(shape, 0, n)), q = Tensor.sizeOf(Arrays.copyOfRange(shape, n + 1, shape.length));
        mat.requireShape("fold: mode-" + n + " unfolding of a tensor of shape " + Arrays.toString(shape), in, p * q);
        Tensor t = Tensor.zeros(shape);
        float[] src = mat.data(), dst = t.data();
        int off = mat.offset();
        for (int i = 0; i < in; i++) {
            for (int pi = 0; pi < p; pi++) {
                System.arraycopy(src, off + i * p * q + pi * q, dst, (pi * in + i) * q, q);
            }
        }
        return t;
    }

    // ================================================================ Khatri-Rao and Kronecker

    /**
     * Khatri-Rao (column-wise Kronecker) product of matrices A_j (I_j, R), all with the same R:
     * {@code (prod I_j) x R}, row {@code (i_0, ..., i_{m-1})} (i_0 slowest) equal to the Hadamard
     * product of rows {@code A_0[i_0] * ... * A_{m-1}[i_{m-1}]}. A new matrix.
     */
    public static Tensor khatriRao(List<Tensor> mats) {
        int r = checkSameColumns("khatriRao", mats);
        long rows = 1;
        for (Tensor a : mats) rows *= a.dim(0);
        if (rows * r > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("khatriRao: result " + rows + " x " + r + " is too large");
        }
        Tensor out = Tensor.zeros((int) rows, r);
        khatriRaoInto(mats, out);
        return out;
    }

    /** {@link #khatriRao} into an existing {@code (prod I_j) x R} matrix (e.g. reused across calls). */
    public static void khatriRaoInto(List<Tensor> mats, Tensor out) {
        int r = checkSameColumns("khatriRao", mats);
        long rows = 1;
        for (Tensor a : mats) rows *= a.dim(0);
        if (rows * r > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("khatriRao: result " + rows + " x " + r + " is too large");
        }
        out.requireShape("khatriRaoInto: output", (int) rows, r);
        for (Tensor a : mats) {
            if (a.data() == out.data()) throw new IllegalArgumentException("khatriRaoInto: the output shares an array with an input");
        }
        if (rows == 0 || r == 0) return;
        // Prefix products (all but the last factor) are built in scratch, then the last step writes
        // the output directly; the scratch is at most 1/I_last of the output.
        Tensor prefix = mats.get(0);
        for (int j = 1; j < mats.size() - 1; j++) {
            Tensor next = Tensor.zeros(prefix.dim(0) * mats.get(j).dim(0), r);
            khatriRaoStep(prefix, mats.get(j), next);
            prefix = next;
        }
        if (mats.size() == 1) {
            out.copyFrom(prefix);
        } else {
            khatriRaoStep(prefix, mats.get(mats.size() - 1), out);
        }
    }

    /** out[(a, b)] = x[a] * y[b] row-wise; x (Ia, R), y (Ib, R), out (Ia Ib, R). */
    private static void khatriRaoStep(Tensor x, Tensor y, Tensor out) {
        int ia = x.dim(0), ib = y.dim(0), r = x.dim(1);
        float[] xd = x.data(), yd = y.data(), od = out.data();
        int xo = x.offset(), yo = y.offset(), oo = out.offset();
        Kernels ker = Engine.kernels();
        forChunks(ia, (long) ia * ib * r, (lo, hi) -> {
            for (int a = lo; a < hi; a++) {
                for (int b = 0; b < ib; b++) {
                    ker.mul(r, xd, xo + a * r, yd, yo + b * r, od, oo + (a * ib + b) * r);
                }
            }
        });
    }

    /**
     * Kronecker product of matrices A_j (m_j, n_j): {@code (prod m_j) x (prod n_j)} with
     * {@code [(i_0..i_{m-1}), (j_0..j_{m-1})] = prod A_k[i_k, j_k]}, first matrix's indices slowest.
     * A new matrix.
     */
    public static Tensor kronecker(List<Tensor> mats) {
        if (mats == null || mats.isEmpty()) throw new IllegalArgumentException("kronecker: needs at least one matrix");
        long rows = 1, cols = 1;
        for (int j = 0; j < mats.size(); j++) {
            Tensor a = mats.get(j);
            if (a == null) throw new NullPointerException("kronecker: matrix " + j + " is null");
            if (a.rank() != 2) {
                throw new IllegalArgumentException("kronecker: matrix " + j + " must be 2-D, got shape " + Arrays.toString(a.shape()));
            }
            rows *= a.dim(0);
            cols *= a.dim(1);
        }
        if (rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("kronecker: result " + rows + " x " + cols + " is too large");
        }
        Tensor prefix = mats.get(0);
        for (int j = 1; j < mats.size() - 1; j++) {
            Tensor b = mats.get(j);
            Tensor next = Tensor.zeros(prefix.dim(0) * b.dim(0), prefix.dim(1) * b.dim(1));
            kroneckerStep(prefix, b, next);
            prefix = next;
        }
        Tensor out = Tensor.zeros((int) rows, (int) cols);
        if (mats.size() == 1) out.copyFrom(prefix);
        else kroneckerStep(prefix, mats.get(mats.size() - 1), out);
        return out;
    }

    /** out[(i, a), (j, b)] = x[i, j] * y[a, b]: each output row segment is a scaled row of y. */
    private static void kroneckerStep(Tensor x, Tensor y, Tensor out) {
        int mx = x.dim(0), nx = x.dim(1), my = y.dim(0), ny = y.dim(1);
        if (out.size() == 0) return;
        float[] xd = x.data(), yd = y.data(), od = out.data();
        int xo = x.offset(), yo = y.offset(), oo = out.offset();
        int ldo = nx * ny;
        Kernels ker = Engine.kernels();
        forChunks(mx, (long) out.size(), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int a = 0; a < my; a++) {
                    int row = oo + (i * my + a) * ldo;
                    for (int j = 0; j < nx; j++) {
                        ker.scale(ny, xd[xo + i * nx + j], yd, yo + a * ny, od, row + j * ny);
                    }
                }
            }
        });
    }

    // ================================================================ MTTKRP

    /**
     * MTTKRP {@code M (I_n, R) = T_(n) khatriRao(A_0, .., A_{n-1}, A_{n+1}, .., A_{K-1})}, i.e.
     * {@code M[i, r] = sum over the other indices of T[.., i, ..] prod_{k != n} A_k[i_k, r]}, for
     * factors A_k (I_k, R). {@code factors.get(n)} is not used and may be null (if present it must
     * be I_n x R too). Computed without forming the Khatri-Rao matrix: one GEMM contracts the mode
     * at one end of the tensor with its factor (all the O(size R) work), the remaining other modes
     * are then contracted on the much smaller result with Hadamard products (see the source).
     */
    public static Tensor mttkrp(Tensor t, List<Tensor> factors, int n) {
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
        Engine.kernels().gemm(false, false, rows, r, il, 1f, t.data(), t.offset(), il,
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
        Tensor left = n == 1 ? factors.get(0) : khatriRao(factors.subList(0, n));
        float[] ld = left.data(), od = out.data();
        int lo0 = left.offset(), oo = out.offset();
        float[] wf = w;
        Kernels ker = Engine.kernels();
        forChunks(in, (long) p * in * r, (lo, hi) -> {
            float[] tmp = new float[r];
            for (int i = lo; i < hi; i++) {
                int o = oo + i * r;
                ker.mul(r, ld, lo0, wf, i * r, od, o);
                for (int pi = 1; pi < p; pi++) {
                    ker.mul(r, ld, lo0 + pi * r, wf, (pi * in + i) * r, tmp, 0);
                    ker.add(r, od, o, tmp, 0, od, o);
                }
            }
        });
    }

    /** next[o, :] = sum_j w[o, j, :] * a[j, :], for w (outer, len, R), a (len, R). */
    private static void hadamardReduce(int outer, int len, int r, float[] w, Tensor a, float[] next) {
        float[] ad = a.data();
        int ao = a.offset();
        Kernels ker = Engine.kernels();
        forChunks(outer, (long) outer * len * r, (lo, hi) -> {
            float[] tmp = new float[r];
            for (int o = lo; o < hi; o++) {
                ker.mul(r, w, o * len * r, ad, ao, next, o * r);
                for (int j = 1; j < len; j++) {
                    ker.mul(r, w, (o * len + j) * r, ad, ao + j * r, tmp, 0);
                    ker.add(r, next, o * r, tmp, 0, next, o * r);
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
        Kernels ker = Engine.kernels();
        ker.gemm(true, false, r, rest, i0, 1f, a0.data(), a0.offset(), r, t.data(), t.offset(), rest, 0f, w, 0, rest);
        for (int k = 1; k < n; k++) {
            int len = shape[k];
            int inner = rest / len;
            float[] next = new float[r * inner];
            Tensor a = factors.get(k);
            float[] ad = a.data();
            int ao = a.offset();
            float[] wf = w;
            forChunks(r, (long) r * rest, (lo, hi) -> {
                for (int rr = lo; rr < hi; rr++) {
                    ker.scale(inner, ad[ao + rr], wf, rr * len * inner, next, rr * inner);
                    for (int j = 1; j < len; j++) {
                        ker.axpy(inner, ad[ao + j * r + rr], wf, (rr * len + j) * inner, next, rr * inner);
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
        Tensor right = n == kk - 2 ? factors.get(kk - 1) : khatriRao(factors.subList(n + 1, kk));
        float[] rt = new float[r * q];
        float[] rd = right.data();
        int ro = right.offset();
        for (int qq = 0; qq < q; qq++) {
            for (int rr = 0; rr < r; rr++) rt[rr * q + qq] = rd[ro + qq * r + rr];
        }
        forChunks(in, (long) r * in * q, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int rr = 0; rr < r; rr++) {
                    od[oo + i * r + rr] = ker.dot(q, wf, (rr * in + i) * q, rt, rr * q);
                }
            }
        });
    }

    // ================================================================ helpers

    /** A body run on a block [lo, hi) of outer indices; blocks never share outputs. */
    @FunctionalInterface
    interface RangeBody {
        void run(int lo, int hi);
    }

    /**
     * Splits [0, n) into per-thread blocks when the elementwise work (multiplies and adds, each
     * touching its own data, as a memory-bound kernel does) is large enough; the split never
     * changes results.
     */
    static void forChunks(int n, long work, RangeBody body) {
        forChunks(n, work >= Tuning.PARALLEL_MIN_ELEMENTS, body);
    }

    /** As {@link #forChunks(int, long, RangeBody)}, with the caller's decision whether to split. */
    static void forChunks(int n, boolean split, RangeBody body) {
        int threads = Parallel.threads();
        if (threads <= 1 || n < 2 || !split) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, threads * 4);
        Parallel.forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    private static void checkMode(String what, int[] shape, int mode) {
        if (shape == null) throw new NullPointerException(what + ": shape is null");
        if (mode < 0 || mode >= shape.length) {
            throw new IllegalArgumentException(what + ": mode " + mode + " is out of range for a tensor of order "
                    + shape.length + " (shape " + Arrays.toString(shape) + "); modes are 0-based");
        }
    }

    /** K of a factor U that multiplies mode {@code mode}, after checking its shape. */
    private static int factorRows(String what, int[] shape, int mode, Tensor u, boolean transposeU) {
        if (u == null) throw new NullPointerException(what + ": matrix for mode " + mode + " is null");
        if (u.rank() != 2) {
            throw new IllegalArgumentException(what + ": matrix for mode " + mode + " must be 2-D, got shape "
                    + Arrays.toString(u.shape()));
        }
        int cols = transposeU ? u.dim(0) : u.dim(1);
        if (cols != shape[mode]) {
            throw new IllegalArgumentException(what + ": matrix for mode " + mode + " has shape " + Arrays.toString(u.shape())
                    + (transposeU ? " (used transposed, so it must be I_n x K)" : " (it must be K x I_n)")
                    + " but mode " + mode + " of tensor " + Arrays.toString(shape) + " has size " + shape[mode]);
        }
        return rows(u, transposeU);
    }

    private static int rows(Tensor u, boolean transposeU) {
        return transposeU ? u.dim(1) : u.dim(0);
    }

    private static int checkSameColumns(String what, List<Tensor> mats) {
        if (mats == null || mats.isEmpty()) throw new IllegalArgumentException(what + ": needs at least one matrix");
        int r = -1;
        List<String> shapes = new ArrayList<>();
        for (Tensor a : mats) shapes.add(a == null ? "null" : Arrays.toString(a.shape()));
        for (int j = 0; j < mats.size(); j++) {
            Tensor a = mats.get(j);
            if (a == null) throw new NullPointerException(what + ": matrix " + j + " is null");
            if (a.rank() != 2) {
                throw new IllegalArgumentException(what + ": matrix " + j + " must be 2-D, got shape " + Arrays.toString(a.shape()));
            }
            if (r >= 0 && a.dim(1) != r) {
                throw new IllegalArgumentException(what + ": all matrices must have the same number of columns R; matrix "
                        + j + " has " + a.dim(1) + ", matrix 0 has " + r + " (shapes " + shapes + ")");
            }
            r = a.dim(1);
        }
        return r;
    }

    private static void checkRange(String what, float[] x, int off, long n) {
        if (x == null) throw new NullPointerException(what + ": array is null");
        if (off < 0 || off + n > x.length) {
            throw new IllegalArgumentException(what + ": needs " + n + " floats from offset " + off
                    + ", array has " + x.length);
        }
    }

    private static void checkNoOverlap(String what, String an, float[] a, int aOff, long aN,
                                       String bn, float[] b, int bOff, long bN) {
        if (a == b && aN > 0 && bN > 0 && aOff < bOff + bN && bOff < aOff + aN) {
            throw new IllegalArgumentException(what + ": output " + an + " [" + aOff + ", " + (aOff + aN)
                    + ") overlaps input " + bn + " [" + bOff + ", " + (bOff + bN) + ") in the same array");
        }
    }
}
