package ttl4j.engine;

/**
 * The engine's SIMD seam: every hot kernel, with a scalar implementation ({@link ScalarKernels},
 * the readable specification and the fallback) and a Vector API one ({@code ttl4j.engine.simd}).
 * {@link Engine#kernels()} picks one at start-up.
 *
 * <p>All matrices are row-major {@code float[]} with an offset and a leading dimension (the
 * distance between consecutive rows). Vectors are {@code n} contiguous floats from an offset.
 * Outputs may alias inputs only where a method says so.
 */
public interface Kernels {

    /** Human-readable name, e.g. {@code "vector (512-bit, 16 floats)"} or {@code "scalar"}. */
    String name();

    // ---------------------------------------------------------------- GEMM

    /**
     * {@code C = alpha * op(A) op(B) + beta * C}; op(A) is M x K, op(B) is K x N, C is M x N.
     * With {@code transA} A is stored K x M (lda >= M), else M x K (lda >= K); likewise B.
     * {@code beta == 0} overwrites C (NaNs in C are not propagated). Each C element is summed
     * over k in the same order whatever the thread count.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * {@code batch} independent GEMMs of the same shapes; operand i starts at
     * {@code off + i * stride}. A stride of 0 shares that operand across the batch.
     * Output blocks of different batch entries must not overlap.
     */
    void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, int strideA,
                     float[] b, int bOff, int ldb, int strideB,
                     float beta, float[] c, int cOff, int ldc, int strideC);

    /**
     * Small factor times many slices (the mode-n product of a tensor viewed as T (P, I, Q)):
     * {@code Y[p] (K, Q) = alpha * U (K, I) T[p] (I, Q) + beta * Y[p]} for every p in [0, P), T and Y
     * dense from their offsets ({@code T[p, i, q] = t[tOff + (p I + i) Q + q]}, Y likewise with K),
     * U (K, I) with leading dimension {@code ldu}, or stored (I, K) when {@code transU}. Q = 1 is
     * the last mode: {@code Y (P, K) = T (P, I) U^T}. Runs on the caller's thread (callers split
     * over p); each Y element is summed over i in increasing order whatever the split. Y must not
     * overlap T or U; {@code beta == 0} overwrites Y.
     */
    void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu, boolean transU,
                           float[] t, int tOff, float beta, float[] y, int yOff);

    /**
     * Whether {@link #modeProductSlices} has a fast path for this shape; when false, callers are
     * better served by (batched) GEMMs.
     */
    default boolean modeProductSlicesFast(int in, int q, int k) {
        return false;
    }

    /**
     * Contraction over every mode but one (two tensors viewed as X (P, I, Q) and Y (P, K, Q)):
     * {@code C[i, k] = sum_{p, q} X[p, i, q] Y[p, k, q] + beta * C[i, k]} for the rows
     * {@code i0 <= i < i1} of C (I x K, leading dimension {@code ldc}); the other rows are not
     * touched, so callers split over i. X and Y are dense from their offsets. Each C element is
     * summed in an order that depends only on P, Q and the element, never on the split. C must not
     * overlap X or Y; {@code beta == 0} overwrites C.
     */
    void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y, int yOff,
                        float beta, float[] c, int cOff, int ldc);

    /**
     * Whether {@link #contractSlices} has a fast path for rows of length {@code q}; when false,
     * callers are better served by GEMMs on the unfoldings.
     */
    default boolean contractSlicesFast(int q) {
        return false;
    }

    // ---------------------------------------------------------------- elementwise (z may alias x or y)

    /** {@code z = x + y}. */
    void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);

    /** {@code z = x - y}. */
    void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);

    /** Hadamard product {@code z = x * y}. */
    void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);

    /** {@code z = alpha * x}. */
    void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff);

    /**
     * Unsigned bytes (pixels) to floats: {@code z[i] = fma(x[i] & 0xff, scale, shift)}, one
     * rounding, the same bits on every path.
     */
    void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff);

    /** {@code y += alpha * x}. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** {@code z = max(x, 0)}. */
    void relu(int n, float[] x, int xOff, float[] z, int zOff);

    /** ReLU's backward through its mask: {@code dx = x > 0 ? dy : 0} (x is the forward input). */
    void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);

    /** {@code z[r, c] = x[r, c] + v[c]} for an R x C row-major block (z may alias x). */
    void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff);

    // ---------------------------------------------------------------- reductions

    /** Dot product of two vectors. */
    float dot(int n, float[] x, int xOff, float[] y, int yOff);

    /** Sum of a vector. */
    float sum(int n, float[] x, int xOff);

    /**
     * Reductions along one axis: x is viewed as {@code outer x len x inner} (row-major), z as
     * {@code outer x inner}. {@code len} must be at least 1 for max, argmax and softmax.
     */
    void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff);

    /** Maximum along the axis (see {@link #sumAxis}); NaN if any element along it is NaN. */
    void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff);

    /** Index of the first maximum along the axis (see {@link #sumAxis}). */
    void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff);

    /** Numerically stable softmax along the axis; z has x's layout (z may alias x). */
    void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff);
}
