package ttl4j.engine.algebra;

import static ttl4j.engine.algebra.AlgebraChecks.after;
import static ttl4j.engine.algebra.AlgebraChecks.before;
import static ttl4j.engine.algebra.AlgebraChecks.checkMode;
import static ttl4j.engine.algebra.AlgebraChecks.checkNoOverlap;
import static ttl4j.engine.algebra.AlgebraChecks.checkRange;
import static ttl4j.engine.algebra.AlgebraChecks.factorRows;
import static ttl4j.engine.algebra.AlgebraChecks.rows;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;
import ttl4j.engine.Tuning;

/**
 * Mode-n products on row-major tensors, in place (as GEMMs on the tensor, never an unfolding),
 * multi-mode products in the order {@link ProductOrder} plans, and the contraction over every mode
 * but one (the gradient of a factor). Conventions are those of the package: a tensor of shape
 * {@code I_0 x ... x I_{K-1}} is viewed around mode n as {@code P x I_n x Q}, and
 * {@code (T x_n U)[.., k, ..] = sum_i T[.., i, ..] U[k, i]} with U {@code K x I_n} (or
 * {@code I_n x K} used transposed).
 *
 * <p>Arguments are checked here, once; the kernels are then called through their unchecked
 * implementation. Outputs never alias inputs. Results are bitwise identical for any thread count:
 * every output element is produced by one task in a fixed order.
 */
public final class ModeProducts {
    private ModeProducts() {}

    private static KernelSupport.Implementation kernels() {
        return Engine.kernels().implementation();
    }

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
     * middle mode with short rows (Q small) gathers tiles of several T[p] into one GEMM instead, or
     * runs the small-factor slice kernel when U is small and the kernel has a fast path.
     */
    public static void modeProduct(int[] shape, int mode, int k, float alpha, float[] t, int tOff,
                                   float[] u, int uOff, boolean transposeU, float beta, float[] y, int yOff) {
        checkMode("modeProduct", shape, mode);
        if (k < 0) throw new IllegalArgumentException("modeProduct: negative output size K=" + k);
        int in = shape[mode];
        int p = before(shape, mode), q = after(shape, mode);
        long tSize = (long) p * in * q, ySize = (long) p * k * q, uSize = (long) k * in;
        checkRange("modeProduct: T of shape " + Arrays.toString(shape), t, tOff, tSize);
        checkRange("modeProduct: U (" + (transposeU ? in + " x " + k : k + " x " + in) + ")", u, uOff, uSize);
        checkRange("modeProduct: Y (" + p + " x " + k + " x " + q + ")", y, yOff, ySize);
        checkNoOverlap("modeProduct", "Y", y, yOff, ySize, "T", t, tOff, tSize);
        checkNoOverlap("modeProduct", "Y", y, yOff, ySize, "U", u, uOff, uSize);
        if (ySize == 0) return;
        KernelSupport.Implementation ker = kernels();
        int ldu = transposeU ? k : in;
        if (p > 1 && q < gatherBelowQ && (long) k * in <= Tuning.MODE_PRODUCT_SLICES_MAX_U
                && ker.slices().modeProductSlicesFast(in, q, k)) {
            // A small U and short rows: GEMMs would be too thin or need gathering copies.
            slices(p, in, q, k, alpha, t, tOff, u, uOff, ldu, transposeU, beta, y, yOff);
        } else if (q == 1) {
            // Y (P, K) = T (P, I_n) U^T: one GEMM over the whole tensor.
            gemm(false, !transposeU, p, k, in, alpha, t, tOff, in, u, uOff, ldu, beta, y, yOff, k);
        } else if (p == 1) {
            // Y (K, Q) = U (K, I_n) T (I_n, Q).
            gemm(transposeU, false, k, q, in, alpha, u, uOff, ldu, t, tOff, q, beta, y, yOff, q);
        } else if (q < gatherBelowQ && gatherBlock(p, in, q, k) >= 2) {
            gatheredMiddle(p, in, q, k, alpha, t, tOff, u, uOff, ldu, transposeU, beta, y, yOff);
        } else {
            // Y[p] (K, Q) = U (K, I_n) T[p] (I_n, Q) for every p, U shared: the batched GEMM packs
            // U once and splits the batch over threads itself.
            ker.gemm().gemmBatched(p, transposeU, false, k, q, in, alpha, u, uOff, ldu, 0,
                    t, tOff, q, in * q, beta, y, yOff, q, k * q);
        }
    }

    /** One GEMM on operands this class has checked (the unchecked kernel). */
    private static void gemm(boolean ta, boolean tb, int m, int n, int kk, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        kernels().gemm().gemm(ta, tb, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Slices per unit of parallel work: whole vector blocks, so no task ends in a scalar remainder. */
    private static final int SLICE_UNIT = 32;

    /**
     * The slice kernel split over blocks of consecutive p; each Y element is summed the same way
     * whatever the split, so results do not depend on the thread count.
     */
    private static void slices(int p, int in, int q, int k, float alpha, float[] t, int tOff, float[] u, int uOff,
                               int ldu, boolean transposeU, float beta, float[] y, int yOff) {
        KernelSupport.ModeProductSlices ker = kernels().slices();
        boolean split = Parallel.worthSplitting((long) p * in * q * k, (long) p * (in + k) * q + (long) k * in);
        Parallel.forRanges(p, SLICE_UNIT, 4 * Parallel.threads(), split, (lo, hi) ->
                ker.modeProductSlices(hi - lo, in, q, k, alpha, u, uOff, ldu, transposeU, t, tOff + lo * in * q,
                        beta, y, yOff + lo * k * q));
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
        KernelSupport.Implementation ker = kernels();
        boolean split = Parallel.worthSplitting((long) p * in * q * k, (long) p * (in + k) * q + (long) k * in);
        Parallel.forRanges(blocks, split, (lo, hi) -> {
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
                gemm(transposeU, false, k, n, in, alpha, u, uOff, ldu, buf, 0, n, 0f, cb, 0, n);
                for (int pi = 0; pi < gb; pi++) {
                    int dst = yOff + (p0 + pi) * k * q;
                    for (int kk = 0; kk < k; kk++) {
                        if (beta == 0f) {
                            System.arraycopy(cb, kk * n + pi * q, y, dst + kk * q, q);
                        } else {
                            ker.elementwise().scale(q, beta, y, dst + kk * q, y, dst + kk * q);
                            ker.elementwise().add(q, y, dst + kk * q, cb, kk * n + pi * q, y, dst + kk * q);
                        }
                    }
                }
            }
        });
    }

    // ================================================================ multi-mode product

    /**
     * {@code T x_{modes[0]} us[0] x_{modes[1]} us[1] ...} (distinct modes, so the order changes only
     * the cost), run in the order of {@link ProductOrder#plan(Tensor, Tensor[], int[], boolean)}. Each U is
     * (K_j, I_{modes[j]}), or (I_{modes[j]}, K_j) when {@code transposeU}. A new tensor.
     */
    public static Tensor multiModeProduct(Tensor t, Tensor[] us, int[] modes, boolean transposeU) {
        ProductOrder.Plan plan = ProductOrder.plan(t, us, modes, transposeU);
        int[] shape = t.shape();
        int m = modes.length;
        if (m == 0) return t.copy();
        // Intermediates ping-pong between two buffers sized for the largest of them.
        int[] cur = shape.clone();
        long maxMid = 0;
        for (int j = 0; j < m - 1; j++) {
            int pos = plan.order()[j];
            cur[modes[pos]] = rows(us[pos], transposeU);
            maxMid = Math.max(maxMid, Tensor.sizeOf(cur));
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
            if (j == m - 1) {
                out = Tensor.zeros(next);
                dst = out.data();
            } else {
                dst = buf[j & 1];
            }
            modeProduct(cur, mode, k, 1f, src, srcOff, u.data(), u.offset(), transposeU, 0f, dst, 0);
            src = dst;
            srcOff = 0;
            cur = next;
        }
        return out;
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
     * place; rows the contraction kernel has a fast path for go to it, split over rows of C (each
     * task streams all of X and Y, so one task per thread); other short rows are unfolded into
     * scratch (O(size) copies against O(size K) multiply-adds) for one GEMM over the long summed
     * dimension. Each C element is summed the same way whatever the thread count.
     */
    public static void contractAllBut(int[] shape, int mode, float[] x, int xOff, float[] y, int yOff, int k,
                                      float beta, float[] c, int cOff) {
        checkMode("contractAllBut", shape, mode);
        if (k < 0) throw new IllegalArgumentException("contractAllBut: negative size K=" + k);
        int in = shape[mode];
        int pp = before(shape, mode), q = after(shape, mode);
        long xSize = (long) pp * in * q, ySize = (long) pp * k * q, cSize = (long) in * k;
        checkRange("contractAllBut: X of shape " + Arrays.toString(shape), x, xOff, xSize);
        checkRange("contractAllBut: Y (" + pp + " x " + k + " x " + q + ")", y, yOff, ySize);
        checkRange("contractAllBut: C (" + in + " x " + k + ")", c, cOff, cSize);
        checkNoOverlap("contractAllBut", "C", c, cOff, cSize, "X", x, xOff, xSize);
        checkNoOverlap("contractAllBut", "C", c, cOff, cSize, "Y", y, yOff, ySize);
        if (cSize == 0) return;
        KernelSupport.Implementation ker = kernels();
        if (q == 1) {
            gemm(true, false, in, k, pp, 1f, x, xOff, in, y, yOff, k, beta, c, cOff, k);
            return;
        }
        if (ker.contraction().contractSlicesFast(q)) {
            boolean split = Parallel.worthSplitting(xSize * k, xSize + ySize + cSize);
            Parallel.forRanges(in, CONTRACT_UNIT, Parallel.threads(), split, (lo, hi) ->
                    ker.contraction().contractSlices(pp, in, q, k, lo, hi, x, xOff, y, yOff, beta, c, cOff, k));
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
        gemm(true, false, in, k, rows, 1f, sc[0], 0, in, sc[1], 0, k, beta, c, cOff, k);
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
}
