package ttl4j.engine.simd;

import ttl4j.engine.ScalarGemm;

/** Vector API GEMM (placeholder delegating to scalar until the blocked kernel lands). */
final class VectorGemm {
    private VectorGemm() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        ScalarGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    static void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, int strideA,
                            float[] b, int bOff, int ldb, int strideB,
                            float beta, float[] c, int cOff, int ldc, int strideC) {
        ScalarGemm.gemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, lda, strideA,
                b, bOff, ldb, strideB, beta, c, cOff, ldc, strideC);
    }
}
