package ttl4j.engine.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Parallel;

/**
 * The blocked GEMM reading op(A) in place (over at most {@link VectorGemm#IN_PLACE_MAX_SLIVERS} B slivers)
 * gives the bits of the packed path: same products, same order, same K blocks; and both are near a
 * double-precision product.
 */
class InPlaceGemmTest {
    private static final int[] M = {1, 5, 6, 7, 12, 13, 50, 193};
    private static final int[] N = {33, 64, 65, 100, 129, 4 * VectorGemm.NR};
    private static final int[] K = {1, 17, 256, 300, 600};

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static float[] run(boolean inPlace, boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int lda,
                               float[] b, int ldb, float beta, float[] c0, int ldc) {
        boolean before = VectorGemm.inPlaceA;
        VectorGemm.inPlaceA = inPlace;
        try {
            float[] c = c0.clone();
            VectorGemm.INSTANCE.gemm(ta, tb, m, n, k, alpha, a, 3, lda, b, 1, ldb, beta, c, 2, ldc);
            return c;
        } finally {
            VectorGemm.inPlaceA = before;
        }
    }

    @Test
    void inPlaceAGivesThePackedBits() {
        assumeTrue(VectorGemm.WIDE && VectorGemm.MR == 6, "the in-place tile runs with 32 registers and 6-row slivers only");
        int before = Parallel.threads();
        SplittableRandom r = new SplittableRandom(7);
        int cases = 0;
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int m : M) for (int n : N) for (int k : K) {
                    boolean ta = r.nextBoolean(), tb = r.nextBoolean();
                    float alpha = r.nextBoolean() ? 1f : 0.5f, beta = new float[] {0f, 1f, -0.25f}[r.nextInt(3)];
                    int lda = (ta ? m : k) + r.nextInt(3), ldb = (tb ? k : n) + r.nextInt(3), ldc = n + 1;
                    float[] a = random(r, 3 + (ta ? k : m) * lda), b = random(r, 1 + (tb ? n : k) * ldb);
                    float[] c0 = random(r, 2 + m * ldc + 5);
                    float[] packed = run(false, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                    float[] inPlace = run(true, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                    String what = m + "x" + k + "x" + n + (ta ? " A^T" : "") + (tb ? " B^T" : "") + ", alpha " + alpha + ", beta "
                            + beta + ", " + threads + " thread(s)";
                    assertArrayEquals(packed, inPlace, what);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0, mag = 0;
                            for (int p = 0; p < k; p++) {
                                double x = ta ? a[3 + p * lda + i] : a[3 + i * lda + p];
                                double y = tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j];
                                s += x * y;
                                mag += Math.abs(x * y);
                            }
                            double want = alpha * s + (beta == 0f ? 0 : beta * c0[2 + i * ldc + j]);
                            double got = inPlace[2 + i * ldc + j];
                            assertTrue(Math.abs(got - want) <= 1e-5 * (mag + 1), what + " at " + i + "," + j + ": " + got + " vs " + want);
                        }
                    }
                    cases++;
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertTrue(cases == 2 * M.length * N.length * K.length);
    }

    @Test
    void batchedEntriesWithTheirOwnAReadItInPlace() {
        assumeTrue(VectorGemm.WIDE && VectorGemm.MR == 6, "the in-place tile runs with 32 registers and 6-row slivers only");
        // the Winograd point products: A entries strided through one array (row stride larger than K), B per entry
        int batch = 9, m = 37, k = 70, n = 64, lda = 9 * k, strideA = k;
        SplittableRandom r = new SplittableRandom(11);
        float[] a = random(r, m * lda), b = random(r, batch * k * n);
        float[][] out = new float[2][];
        for (int v = 0; v < 2; v++) {
            boolean before = VectorGemm.inPlaceA;
            VectorGemm.inPlaceA = v == 1;
            try {
                float[] c = new float[batch * m * n];
                VectorGemm.INSTANCE.gemmBatched(batch, false, false, m, n, k, 1f, a, 0, lda, strideA, b, 0, n, k * n, 0f, c, 0, n, m * n);
                out[v] = c;
            } finally {
                VectorGemm.inPlaceA = before;
            }
        }
        assertArrayEquals(out[0], out[1]);
    }
}
