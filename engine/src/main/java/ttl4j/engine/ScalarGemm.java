package ttl4j.engine;

/**
 * Reference GEMM: {@code A (M,K) x B (K,N) -> C (M,N)}, i.e.
 * {@code C = alpha * op(A) op(B) + beta * C}, row-major with leading dimensions.
 *
 * <p>Summation order (the specification the fast kernels are tested against): every C element is
 * accumulated in float, from 0, over k = 0..K-1 in increasing order with separate multiply and add
 * ({@code acc = acc + a*b}); then {@code C = alpha*acc} when beta is 0 (C is not read, so NaNs there
 * vanish), else {@code C = alpha*acc + beta*C}.
 */
public final class ScalarGemm {
    private ScalarGemm() {}

    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
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
                    for (int j = 0; j < n; j++) acc[j] = acc[j] + av * b[bRow + j];
                }
                store(acc, n, alpha, beta, c, cOff + i * ldc);
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    int bRow = bOff + j * ldb;
                    for (int p = 0; p < k; p++) acc = acc + a[aOff + i * ars + p * aks] * b[bRow + p];
                    int ci = cOff + i * ldc + j;
                    c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
                }
            }
        }
    }

    private static void store(float[] acc, int n, float alpha, float beta, float[] c, int ci) {
        if (beta == 0f) {
            for (int j = 0; j < n; j++) c[ci + j] = alpha * acc[j];
        } else {
            for (int j = 0; j < n; j++) c[ci + j] = alpha * acc[j] + beta * c[ci + j];
        }
    }

    public static void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, int strideA,
                                   float[] b, int bOff, int ldb, int strideB,
                                   float beta, float[] c, int cOff, int ldc, int strideC) {
        GemmChecks.checkBatched(batch, transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                c, cOff, ldc, strideC);
        for (int i = 0; i < batch; i++) {
            gemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
        }
    }

    /**
     * T (P, I, Q), U (K, I) -> Y (P, K, Q): {@code Y[p] = alpha * U T[p] + beta * Y[p]}, the scalar
     * twin of the vector slice kernel (see {@link Kernels#modeProductSlices}).
     */
    public static void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu,
                                         boolean transU, float[] t, int tOff, float beta, float[] y, int yOff) {
        GemmChecks.checkSlices(p, in, q, k, u, uOff, ldu, transU, t, tOff, y, yOff);
        int uks = transU ? 1 : ldu, uis = transU ? ldu : 1;
        for (int s = 0; s < p; s++) {
            int ts = tOff + s * in * q, ys = yOff + s * k * q;
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < q; j++) {
                    float acc = 0f;
                    for (int i = 0; i < in; i++) acc += u[uOff + kk * uks + i * uis] * t[ts + i * q + j];
                    int yi = ys + kk * q + j;
                    y[yi] = beta == 0f ? alpha * acc : alpha * acc + beta * y[yi];
                }
            }
        }
    }

    public static void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y,
                                      int yOff, float beta, float[] c, int cOff, int ldc) {
        GemmChecks.checkContraction(p, in, q, k, i0, i1, x, xOff, y, yOff, c, cOff, ldc);
        for (int i = i0; i < i1; i++) {
            for (int kk = 0; kk < k; kk++) {
                float acc = 0f;
                for (int s = 0; s < p; s++) {
                    int xs = xOff + (s * in + i) * q, ys = yOff + (s * k + kk) * q;
                    for (int j = 0; j < q; j++) acc += x[xs + j] * y[ys + j];
                }
                int ci = cOff + i * ldc + kk;
                c[ci] = beta == 0f ? acc : acc + beta * c[ci];
            }
        }
    }
}
