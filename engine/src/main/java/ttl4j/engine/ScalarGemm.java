package ttl4j.engine;

/**
 * Reference GEMM: {@code C (M,N) = alpha * op(A) (M,K) x op(B) (K,N) + beta * C}, row-major with
 * leading dimensions. Each C element is accumulated in float over k = 0..K-1 in order.
 */
public final class ScalarGemm {
    private ScalarGemm() {}

    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }

    public static void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, int strideA,
                                   float[] b, int bOff, int ldb, int strideB,
                                   float beta, float[] c, int cOff, int ldc, int strideC) {
        if (batch < 0) throw new IllegalArgumentException("gemmBatched: batch must be >= 0, got " + batch);
        for (int i = 0; i < batch; i++) {
            gemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
        }
    }
}
