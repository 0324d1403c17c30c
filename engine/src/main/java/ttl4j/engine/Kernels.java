package ttl4j.engine;

/**
 * The engine's SIMD seam: every hot kernel behind one facade that validates its arguments once and
 * runs them on the implementation {@link Engine} chose at start-up ({@link KernelSupport}: the
 * scalar one, {@link ScalarGemm} and {@link ScalarOps}, which is the readable specification and the
 * fallback, or the Vector API one in {@code ttl4j.engine.simd}). Bad sizes, offsets, strides and
 * aliasing throw IllegalArgumentException naming the kernel, the operand and the values.
 *
 * <p>All matrices are row-major {@code float[]} with an offset and a leading dimension (the
 * distance between consecutive rows). Vectors are {@code n} contiguous floats from an offset.
 * Outputs may alias inputs only where a method says so.
 */
public final class Kernels {
    private final KernelSupport.Implementation impl;
    private final KernelSupport.Gemm gemm;
    private final KernelSupport.ModeProductSlices slices;
    private final KernelSupport.Contraction contraction;
    private final KernelSupport.Elementwise ew;
    private final KernelSupport.Reductions red;

    Kernels(KernelSupport.Implementation impl) {
        this.impl = impl;
        this.gemm = impl.gemm();
        this.slices = impl.slices();
        this.contraction = impl.contraction();
        this.ew = impl.elementwise();
        this.red = impl.reductions();
    }

    /** The implementation behind this facade (unchecked: for engine code that validated its own arguments). */
    public KernelSupport.Implementation implementation() {
        return impl;
    }

    /** Floats per vector of the implementation (1 for scalar). */
    public int lanes() {
        return impl.lanes();
    }


    /** Human-readable name, e.g. {@code "vector (512-bit, 16 floats)"} or {@code "scalar"}. */
    public String name() {
        return impl.name();
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * {@code C = alpha * op(A) op(B) + beta * C}; op(A) is M x K, op(B) is K x N, C is M x N.
     * With {@code transA} A is stored K x M (lda >= M), else M x K (lda >= K); likewise B.
     * {@code beta == 0} overwrites C (NaNs in C are not propagated). Each C element is summed
     * over k in the same order whatever the thread count.
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc) {
        KernelChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        gemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@code batch} independent GEMMs of the same shapes; operand i starts at
     * {@code off + i * stride}. A stride of 0 shares that operand across the batch.
     * Output blocks of different batch entries must not overlap.
     */
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, int strideA,
                     float[] b, int bOff, int ldb, int strideB,
                     float beta, float[] c, int cOff, int ldc, int strideC) {
        KernelChecks.checkBatched(batch, transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                c, cOff, ldc, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        gemm.gemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                beta, c, cOff, ldc, strideC);
    }

    /**
     * Small factor times many slices (the mode-n product of a tensor viewed as T (P, I, Q)):
     * {@code Y[p] (K, Q) = alpha * U (K, I) T[p] (I, Q) + beta * Y[p]} for every p in [0, P), T and Y
     * dense from their offsets ({@code T[p, i, q] = t[tOff + (p I + i) Q + q]}, Y likewise with K),
     * U (K, I) with leading dimension {@code ldu}, or stored (I, K) when {@code transU}. Q = 1 is
     * the last mode: {@code Y (P, K) = T (P, I) U^T}. Runs on the caller's thread (callers split
     * over p); each Y element is summed over i in increasing order whatever the split. Y must not
     * overlap T or U; {@code beta == 0} overwrites Y.
     */
    public void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu, boolean transU,
                           float[] t, int tOff, float beta, float[] y, int yOff) {
        KernelChecks.checkSlices(p, in, q, k, u, uOff, ldu, transU, t, tOff, y, yOff);
        if ((long) p * k * q == 0) return;
        slices.modeProductSlices(p, in, q, k, alpha, u, uOff, ldu, transU, t, tOff, beta, y, yOff);
    }

    /**
     * Whether {@link #modeProductSlices} has a fast path for this shape; when false, callers are
     * better served by (batched) GEMMs.
     */
    public boolean modeProductSlicesFast(int in, int q, int k) {
        return slices.modeProductSlicesFast(in, q, k);
    }

    /**
     * Contraction over every mode but one (two tensors viewed as X (P, I, Q) and Y (P, K, Q)):
     * {@code C[i, k] = sum_{p, q} X[p, i, q] Y[p, k, q] + beta * C[i, k]} for the rows
     * {@code i0 <= i < i1} of C (I x K, leading dimension {@code ldc}); the other rows are not
     * touched, so callers split over i. X and Y are dense from their offsets. Each C element is
     * summed in an order that depends only on P, Q and the element, never on the split. C must not
     * overlap X or Y; {@code beta == 0} overwrites C.
     */
    public void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y, int yOff,
                        float beta, float[] c, int cOff, int ldc) {
        KernelChecks.checkContraction(p, in, q, k, i0, i1, x, xOff, y, yOff, c, cOff, ldc);
        if (i1 == i0 || k == 0) return;
        contraction.contractSlices(p, in, q, k, i0, i1, x, xOff, y, yOff, beta, c, cOff, ldc);
    }

    /**
     * Whether {@link #contractSlices} has a fast path for rows of length {@code q}; when false,
     * callers are better served by GEMMs on the unfoldings.
     */
    public boolean contractSlicesFast(int q) {
        return contraction.contractSlicesFast(q);
    }

    // ---------------------------------------------------------------- elementwise (z may alias x or y)

    /** {@code z = x + y}. */
    public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        KernelChecks.binary("add", n, x, xOff, y, yOff, z, zOff);
        ew.add(n, x, xOff, y, yOff, z, zOff);
    }

    /** {@code z = x - y}. */
    public void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        KernelChecks.binary("sub", n, x, xOff, y, yOff, z, zOff);
        ew.sub(n, x, xOff, y, yOff, z, zOff);
    }

    /** Hadamard product {@code z = x * y}. */
    public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        KernelChecks.binary("mul", n, x, xOff, y, yOff, z, zOff);
        ew.mul(n, x, xOff, y, yOff, z, zOff);
    }

    /** {@code z = alpha * x}. */
    public void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        KernelChecks.unary("scale", n, x, xOff, "z", z, zOff);
        ew.scale(n, alpha, x, xOff, z, zOff);
    }

    /**
     * Unsigned bytes (pixels) to floats: {@code z[i] = fma(x[i] & 0xff, scale, shift)}, one
     * rounding, the same bits on every path.
     */
    public void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        KernelChecks.length("bytesToFloats", n);
        KernelChecks.range("bytesToFloats", "x", x, xOff, n);
        KernelChecks.range("bytesToFloats", "z", z, zOff, n);
        ew.bytesToFloats(n, x, xOff, scale, shift, z, zOff);
    }

    /** {@code y += alpha * x}. */
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        KernelChecks.unary("axpy", n, x, xOff, "y", y, yOff);
        ew.axpy(n, alpha, x, xOff, y, yOff);
    }

    /** {@code z = max(x, 0)}. */
    public void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        KernelChecks.unary("relu", n, x, xOff, "z", z, zOff);
        ew.relu(n, x, xOff, z, zOff);
    }

    /** ReLU's backward through its mask: {@code dx = x > 0 ? dy : 0} (x is the forward input). */
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        KernelChecks.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
        ew.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    /** {@code z[r, c] = x[r, c] + v[c]} for an R x C row-major block (z may alias x). */
    public void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        KernelChecks.addRowVector(rows, cols, x, xOff, v, vOff, z, zOff);
        ew.addRowVector(rows, cols, x, xOff, v, vOff, z, zOff);
    }

    // ---------------------------------------------------------------- per channel (normalisation layers)

    /**
     * {@code z[o, c, i] = fma(x[o, c, i], scale[c], shift[c])} for x and z viewed as {@code outer x channels x inner}
     * (NCHW: N x C x HW); z may alias x. One rounding per element, the same bits on every path.
     */
    public void scaleShiftChannels(int outer, int channels, int inner, float[] x, int xOff, float[] scale, int sOff,
                                   float[] shift, int shOff, float[] z, int zOff) {
        long n = KernelChecks.channels("scaleShiftChannels", outer, channels, inner);
        KernelChecks.range("scaleShiftChannels", "x", x, xOff, n);
        KernelChecks.range("scaleShiftChannels", "z", z, zOff, n);
        KernelChecks.range("scaleShiftChannels", "scale", scale, sOff, channels);
        KernelChecks.range("scaleShiftChannels", "shift", shift, shOff, channels);
        ew.scaleShiftChannels(outer, channels, inner, x, xOff, scale, sOff, shift, shOff, z, zOff);
    }

    /**
     * The input gradient of a per-channel normalisation, {@code outer x channels x inner} as
     * {@link #scaleShiftChannels}: {@code z = scale[c] * ((dy - dyMean[c]) - (x - mean[c]) * proj[c])}, evaluated
     * in that order with one rounding per operation (no fused multiply-add), the same bits on every path.
     * The per-channel arrays start at index 0; z may alias dy (not x).
     */
    public void normBackwardChannels(int outer, int channels, int inner, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] mean, float[] scale, float[] dyMean, float[] proj, float[] z, int zOff) {
        String k = "normBackwardChannels";
        long n = KernelChecks.channels(k, outer, channels, inner);
        KernelChecks.range(k, "x", x, xOff, n);
        KernelChecks.range(k, "dy", dy, dyOff, n);
        KernelChecks.range(k, "z", z, zOff, n);
        KernelChecks.range(k, "mean", mean, 0, channels);
        KernelChecks.range(k, "scale", scale, 0, channels);
        KernelChecks.range(k, "dyMean", dyMean, 0, channels);
        KernelChecks.range(k, "proj", proj, 0, channels);
        if (z == x && n > 0 && zOff < xOff + n && xOff < zOff + n) {
            throw new IllegalArgumentException(k + ": z [" + zOff + ", " + (zOff + n) + ") overlaps x [" + xOff + ", " + (xOff + n) + ")");
        }
        ew.normBackwardChannels(outer, channels, inner, x, xOff, dy, dyOff, mean, scale, dyMean, proj, z, zOff);
    }

    /**
     * 2 x 2 max pooling at stride 2 without padding, over {@code planes} planes of h x w floats
     * (output p = h / 2 by q = w / 2, the last row or column of an odd size left out):
     * {@code y[pl, i, j]} is the first maximum of the window in scan order (its row, then the next),
     * a NaN replacing the running maximum (so the last NaN wins, as PyTorch's CPU kernel), and
     * {@code argmax[pl, i, j]} its index {@code ih w + iw} within the plane. The same values on every path.
     */
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        String k = "maxPool2x2";
        long n = KernelChecks.channels(k, planes, h, w), m = (long) planes * (h / 2) * (w / 2);
        KernelChecks.range(k, "x", x, xOff, n);
        KernelChecks.range(k, "y", y, yOff, m);
        KernelChecks.range(k, "argmax", argmax, aOff, m);
        ew.maxPool2x2(planes, h, w, x, xOff, y, yOff, argmax, aOff);
    }

    // ---------------------------------------------------------------- reductions

    /** Dot product of two vectors. */
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        KernelChecks.dot(n, x, xOff, y, yOff);
        return red.dot(n, x, xOff, y, yOff);
    }

    /**
     * {@code sum_i (x[i] - mx) (y[i] - my)}, chunked as {@link #sum}: with {@code y = x, my = mx} the sum of squared
     * deviations (a variance without the cancellation of sum(x^2) - n mean^2), with {@code my = 0} a covariance term.
     */
    public float centeredDot(int n, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        KernelChecks.dot(n, x, xOff, y, yOff);
        return red.centeredDot(n, x, xOff, mx, y, yOff, my);
    }

    /**
     * The sum of {@code planes} runs of {@code len} floats, run p from {@code xOff + p stride} (a
     * channel's planes across a batch, NCHW: {@code stride = C H W}), grouped as
     * {@link ScalarOps#sumPlanes} defines, in one call: for small planes the per-call cost and a
     * horizontal add per plane were most of the time.
     */
    public double sumPlanes(int planes, int len, int stride, float[] x, int xOff) {
        KernelChecks.planes("sumPlanes", planes, len, stride, "x", x, xOff);
        return red.sumPlanes(planes, len, stride, x, xOff);
    }

    /** {@code sum (x - mx)(y - my)} over the same runs of x and y as {@link #sumPlanes}. */
    public double centeredDotPlanes(int planes, int len, int stride, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        KernelChecks.planes("centeredDotPlanes", planes, len, stride, "x", x, xOff);
        KernelChecks.planes("centeredDotPlanes", planes, len, stride, "y", y, yOff);
        return red.centeredDotPlanes(planes, len, stride, x, xOff, mx, y, yOff, my);
    }

    /** Sum of a vector. */
    public float sum(int n, float[] x, int xOff) {
        KernelChecks.sum(n, x, xOff);
        return red.sum(n, x, xOff);
    }

    /**
     * Reductions along one axis: x is viewed as {@code outer x len x inner} (row-major), z as
     * {@code outer x inner}. {@code len} must be at least 1 for max, argmax and softmax.
     */
    public void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        KernelChecks.axis("sumAxis", outer, len, inner, x, xOff, z, zOff, false);
        red.sumAxis(outer, len, inner, x, xOff, z, zOff);
    }

    /** Maximum along the axis (see {@link #sumAxis}); NaN if any element along it is NaN. */
    public void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        KernelChecks.axis("maxAxis", outer, len, inner, x, xOff, z, zOff, true);
        red.maxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    /** Index of the first maximum along the axis (see {@link #sumAxis}). */
    public void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        KernelChecks.argmax(outer, len, inner, x, xOff, z, zOff);
        red.argmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    /** Numerically stable softmax along the axis; z has x's layout (z may alias x). */
    public void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        KernelChecks.softmax(outer, len, inner, x, xOff, z, zOff);
        red.softmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }
}
