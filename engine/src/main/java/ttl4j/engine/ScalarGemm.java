package ttl4j.engine;

/**
 * The scalar products: GEMM {@code A (M,K) x B (K,N) -> C (M,N)}, the mode-product slices
 * {@code U (K,I) x T[p] (I,Q) -> Y[p] (K,Q)} and the contraction over all modes but one
 * {@code X (P,I,Q) . Y (P,K,Q) -> C (I,K)}: the specification the vector kernels are tested against,
 * the fallback, and the code the vector kernels run for their tails and awkward shapes. Arguments
 * arrive validated by {@link Kernels}.
 *
 * <p>One arithmetic, the vector kernels': every product term is accumulated with a fused
 * multiply-add into a float that starts at 0, in increasing order of the summed index; then
 * {@code C = alpha*acc} when beta is 0 (C is not read, so NaNs there vanish), else
 * {@code C = fma(beta, C, alpha*acc)} (GEMM: {@code alpha*acc + beta*C}, as its vector kernel's
 * write-back). The vector GEMM sums K in blocks and the vector contraction sums lanes first, so
 * those two agree with this definition to rounding, not bitwise; the slice kernel's tails are this
 * code.
 */
public final class ScalarGemm implements KernelSupport.Gemm, KernelSupport.ModeProductSlices, KernelSupport.Contraction {
    /** The one instance (the vector kernels call it for their tails and short rows). */
    public static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {}

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        // op(A)[i][p] = a[aOff + i*ars + p*aks]; op(B)[p][j] = b[bOff + p*bks + j*bcs]
        int ars = transA ? 1 : lda, aks = transA ? lda : 1;
        if (!transB) {
            // i-p-j order: a row of accumulators walks B row by row (contiguous), and each element
            // still sees its k terms in increasing order.
            float[] acc = new float[n];
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(acc, 0f);
                for (int p = 0; p < k; p++) {
                    float av = a[aOff + i * ars + p * aks];
                    int bRow = bOff + p * ldb;
                    for (int j = 0; j < n; j++) acc[j] = Math.fma(av, b[bRow + j], acc[j]);
                }
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[ci + j];
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    int bRow = bOff + j * ldb;
                    for (int p = 0; p < k; p++) acc = Math.fma(a[aOff + i * ars + p * aks], b[bRow + p], acc);
                    int ci = cOff + i * ldc + j;
                    c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
                }
            }
        }
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, int strideA,
                            float[] b, int bOff, int ldb, int strideB,
                            float beta, float[] c, int cOff, int ldc, int strideC) {
        for (int i = 0; i < batch; i++) {
            gemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
        }
    }

    @Override
    public void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu,
                                  boolean transU, float[] t, int tOff, float beta, float[] y, int yOff) {
        sliceRange(0, p, in, q, 0, k, alpha, u, uOff, transU ? 1 : ldu, transU ? ldu : 1, t, tOff, beta, y, yOff);
    }

    @Override
    public boolean modeProductSlicesFast(int in, int q, int k) {
        return false;
    }

    /**
     * Columns {@code [j0, Q)} of the slices {@code [p0, p1)} of {@link #modeProductSlices}, with U's
     * element {@code (kk, i)} at {@code uOff + kk*uks + i*uis}: the whole product, or a vector
     * kernel's tail.
     */
    public static void sliceRange(int p0, int p1, int in, int q, int j0, int k, float alpha, float[] u, int uOff,
                                  int uks, int uis, float[] t, int tOff, float beta, float[] y, int yOff) {
        for (int pp = p0; pp < p1; pp++) {
            int ts = tOff + pp * in * q, ys = yOff + pp * k * q;
            for (int kk = 0; kk < k; kk++) {
                for (int j = j0; j < q; j++) {
                    float acc = 0f;
                    for (int i = 0; i < in; i++) acc = Math.fma(u[uOff + kk * uks + i * uis], t[ts + i * q + j], acc);
                    int yi = ys + kk * q + j;
                    float v = alpha * acc;
                    y[yi] = beta == 0f ? v : Math.fma(beta, y[yi], v);
                }
            }
        }
    }

    @Override
    public void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y,
                               int yOff, float beta, float[] c, int cOff, int ldc) {
        for (int i = i0; i < i1; i++) {
            for (int kk = 0; kk < k; kk++) {
                float acc = 0f;
                for (int s = 0; s < p; s++) {
                    int xs = xOff + (s * in + i) * q, ys = yOff + (s * k + kk) * q;
                    for (int j = 0; j < q; j++) acc = Math.fma(x[xs + j], y[ys + j], acc);
                }
                int ci = cOff + i * ldc + kk;
                c[ci] = beta == 0f ? acc : acc + beta * c[ci];
            }
        }
    }

    @Override
    public boolean contractSlicesFast(int q) {
        return false;
    }
}
