package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector GEMM against its scalar twin and both against a double-precision triple loop. */
class GemmTest {
    private static final Kernels VEC = Engine.kernels();
    private static final Kernels SCALAR = Engine.scalar();
    private static final int[] SIZES = {0, 1, 2, 3, 5, 7, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 131};
    private static final boolean[][] TRANS = {{false, false}, {false, true}, {true, false}, {true, true}};

    /** One GEMM problem with padded, offset storage. */
    private static final class Case {
        final boolean ta, tb;
        final int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
        final float[] a, b, c0;

        Case(boolean ta, boolean tb, int m, int n, int k, int pad, int off, float cFill, long seed) {
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            SplittableRandom r = new SplittableRandom(seed);
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            lda = aCols + pad;
            ldb = bCols + pad;
            ldc = n + pad;
            aOff = off;
            bOff = off + 2;
            cOff = off + 1;
            a = random(r, aOff + aRows * lda + 3);
            b = random(r, bOff + bRows * ldb + 3);
            c0 = Float.isNaN(cFill) || cFill != 0f ? fill(cOff + m * ldc + 3, cFill) : random(r, cOff + m * ldc + 3);
        }

        float[] run(Kernels kern, float alpha, float beta) {
            float[] c = c0.clone();
            kern.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        /** Double-precision triple loop; elements outside the C block keep their values. */
        float[] reference(float alpha, float beta) {
            float[] c = c0.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        acc += av * bv;
                    }
                    int ci = cOff + i * ldc + j;
                    c[ci] = (float) (beta == 0f ? alpha * acc : alpha * acc + (double) beta * c[ci]);
                }
            }
            return c;
        }

        String name(float alpha, float beta) {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " M=" + m + " N=" + n + " K=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " alpha=" + alpha + " beta=" + beta;
        }
    }

    static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static float[] fill(int len, float v) {
        float[] x = new float[len];
        Arrays.fill(x, v);
        return x;
    }

    /** Float accumulation error grows with K; entries are in [-1, 1]. */
    static double atol(int k) {
        return 1e-6 * (k + 4);
    }

    private static void check(Case cs, float alpha, float beta) {
        float[] ref = cs.reference(alpha, beta);
        float[] scalar = cs.run(SCALAR, alpha, beta);
        float[] vec = cs.run(VEC, alpha, beta);
        double atol = atol(cs.k) * Math.max(1, Math.abs(alpha)) + 1e-6;
        FloatAsserts.assertClose("scalar vs double " + cs.name(alpha, beta), ref, scalar, atol, 1e-5);
        FloatAsserts.assertClose("vector vs double " + cs.name(alpha, beta), ref, vec, atol, 1e-5);
        FloatAsserts.assertClose("vector vs scalar " + cs.name(alpha, beta), scalar, vec, atol, 1e-5);
    }

    @Test
    void smallAndAwkwardSizesAllTransposes() {
        long seed = 1;
        for (boolean[] t : TRANS) {
            for (int s : SIZES) {
                check(new Case(t[0], t[1], s, s, s, 0, 0, 0f, seed++), 1f, 0f);
                check(new Case(t[0], t[1], s, 17, 33, 3, 5, 0f, seed++), 1f, 1f);
                check(new Case(t[0], t[1], 33, s, 7, 1, 2, 0f, seed++), -1.5f, 0.25f);
                check(new Case(t[0], t[1], 7, 70, s, 5, 0, Float.NaN, seed++), 0.5f, 0f);
                check(new Case(t[0], t[1], 13, s, 65, 2, 3, 0f, seed++), 1f, 0f);
            }
        }
    }

    @Test
    void largerShapesAllTransposes() {
        long seed = 100;
        int[][] shapes = {{128, 784, 130}, {200, 300, 260}, {1024, 16, 300}, {131, 1024, 10}, {64, 1030, 129},
                {1024, 200, 33}, {64, 300, 600}, {100, 130, 513}, {192, 1100, 257}};
        for (boolean[] t : TRANS) {
            for (int[] s : shapes) {
                check(new Case(t[0], t[1], s[0], s[1], s[2], 3, 7, 0f, seed++), 1f, 0.5f);
            }
        }
        check(new Case(false, false, 300, 256, 1024, 0, 0, Float.NaN, seed++), 1f, 0f);
    }

    @Test
    void alphaBetaCombinations() {
        float[][] ab = {{1, 0}, {2, 0}, {1, 1}, {-0.5f, 2}, {0, 0}, {0, 3}, {0, 1}, {1.5f, -1}};
        long seed = 200;
        for (boolean[] t : TRANS) {
            for (float[] x : ab) {
                for (int[] s : new int[][] {{37, 70, 140}, {19, 9, 41}, {6, 64, 128}}) {
                    check(new Case(t[0], t[1], s[0], s[1], s[2], 1, 3, 0f, seed++), x[0], x[1]);
                }
            }
        }
        // K = 0: C = beta*C, and beta = 0 clears NaN
        check(new Case(false, false, 9, 40, 0, 1, 1, 0f, seed++), 1f, 2f);
        Case nan = new Case(false, true, 9, 40, 0, 1, 1, Float.NaN, seed++);
        float[] c = nan.run(VEC, 1f, 0f);
        for (int i = 0; i < 9; i++) for (int j = 0; j < 40; j++) assertTrue(c[nan.cOff + i * nan.ldc + j] == 0f);
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        long seed = 300;
        for (boolean[] t : TRANS) {
            for (int[] s : new int[][] {{70, 130, 200}, {50, 10, 300}, {7, 16, 5}, {13, 3, 0}}) {
                Case cs = new Case(t[0], t[1], s[0], s[1], s[2], 2, 1, Float.NaN, seed++);
                check(cs, 1.25f, 0f);
                float[] vec = cs.run(VEC, 1.25f, 0f);
                for (int i = 0; i < cs.m; i++) {
                    for (int j = 0; j < cs.n; j++) {
                        assertTrue(!Float.isNaN(vec[cs.cOff + i * cs.ldc + j]), "NaN leaked at " + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void oneAndTwoThreadsAreBitwiseIdentical() {
        int before = Parallel.threads();
        try {
            long seed = 400;
            for (boolean[] t : TRANS) {
                for (int[] s : new int[][] {{301, 203, 257}, {1300, 10, 700}, {800, 24, 500}, {128, 1024, 100}, {37, 2000, 64}, {64, 777, 700}, {190, 2100, 300}}) {
                    Case cs = new Case(t[0], t[1], s[0], s[1], s[2], 1, 2, 0f, seed++);
                    Parallel.setThreads(1);
                    float[] one = cs.run(VEC, 0.75f, 0.5f);
                    Parallel.setThreads(2);
                    float[] two = cs.run(VEC, 0.75f, 0.5f);
                    Parallel.setThreads(3);
                    float[] three = cs.run(VEC, 0.75f, 0.5f);
                    FloatAsserts.assertBitwiseEqual("1 vs 2 threads " + cs.name(0.75f, 0.5f), one, two);
                    FloatAsserts.assertBitwiseEqual("1 vs 3 threads " + cs.name(0.75f, 0.5f), one, three);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A few rows of A on their own (one row block: B packed K block by K block as it is used) give
     * bitwise the rows that the whole product (B packed once, in full) gives.
     */
    @Test
    void aFewRowsGiveTheSameBitsAsTheWholeProduct() {
        long seed = 700;
        for (boolean[] t : TRANS) {
            int m = 400, n = 333, k = 600, rows = 64, first = 120;
            Case whole = new Case(t[0], t[1], m, n, k, 2, 1, 0f, seed++);
            float[] all = whole.run(VEC, 1f, 0f);
            // the same rows of op(A): for transA they are columns of the stored K x M matrix
            float[] c = new float[rows * n];
            int aOff = whole.aOff + (t[0] ? first : first * whole.lda);
            VEC.gemm(t[0], t[1], rows, n, k, 1f, whole.a, aOff, whole.lda, whole.b, whole.bOff, whole.ldb, 0f, c, 0, n);
            for (int i = 0; i < rows; i++) {
                float[] expect = Arrays.copyOfRange(all, whole.cOff + (first + i) * whole.ldc, whole.cOff + (first + i) * whole.ldc + n);
                FloatAsserts.assertBitwiseEqual("row " + (first + i) + " of " + whole.name(1f, 0f), expect,
                        Arrays.copyOfRange(c, i * n, (i + 1) * n));
            }
        }
    }

    @Test
    void batchedWithSharedAndStridedOperands() {
        int before = Parallel.threads();
        try {
            SplittableRandom r = new SplittableRandom(500);
            int[][] shapes = {{32, 32, 32}, {16, 48, 24}, {20, 10, 30}, {5, 100, 7}, {64, 130, 300}, {3, 1, 2}};
            int[] batches = {1, 3, 40};
            for (boolean[] t : TRANS) {
                for (int[] s : shapes) {
                    for (int batch : batches) {
                        for (int shared = 0; shared < 3; shared++) {
                            batchedCase(r, t[0], t[1], s[0], s[1], s[2], batch, shared == 1, shared == 2);
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static void batchedCase(SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, int batch,
                                    boolean shareA, boolean shareB) {
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
        int aSize = (ta ? k : m) * lda, bSize = (tb ? n : k) * ldb, cSize = m * ldc;
        int strideA = shareA ? 0 : aSize + 5, strideB = shareB ? 0 : bSize + 1, strideC = cSize + 2;
        float[] a = random(r, 3 + Math.max(strideA * batch, aSize));
        float[] b = random(r, 1 + Math.max(strideB * batch, bSize));
        float[] c0 = random(r, 2 + strideC * batch);
        String name = (ta ? "T" : "N") + (tb ? "T" : "N") + " batch=" + batch + " M=" + m + " N=" + n + " K=" + k
                + " sharedA=" + shareA + " sharedB=" + shareB;
        float alpha = 0.5f, beta = batch % 2 == 0 ? 0f : 1.5f;
        float[] scalar = c0.clone();
        SCALAR.gemmBatched(batch, ta, tb, m, n, k, alpha, a, 3, lda, strideA, b, 1, ldb, strideB, beta, scalar, 2, ldc, strideC);
        float[] single = c0.clone();
        for (int e = 0; e < batch; e++) {
            VEC.gemm(ta, tb, m, n, k, alpha, a, 3 + e * strideA, lda, b, 1 + e * strideB, ldb, beta,
                    single, 2 + e * strideC, ldc);
        }
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            float[] vec = c0.clone();
            VEC.gemmBatched(batch, ta, tb, m, n, k, alpha, a, 3, lda, strideA, b, 1, ldb, strideB, beta, vec, 2, ldc, strideC);
            FloatAsserts.assertClose("batched vector vs scalar " + name, scalar, vec, atol(k), 1e-5);
            // batching (and sharing a packed operand) must not change a single bit
            FloatAsserts.assertBitwiseEqual("batched vs one gemm per entry, " + threads + " thread(s), " + name, single, vec);
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        float[] x = new float[100];
        for (Kernels kern : new Kernels[] {VEC, SCALAR}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
            assertTrue(e.getMessage().contains("M=-1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemm(false, false, 4, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4));
            assertTrue(e.getMessage().contains("leading dimension") && e.getMessage().contains("got 3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemm(true, false, 10, 10, 10, 1f, x, 5, 10, x, 0, 10, 0f, x, 0, 10));
            assertTrue(e.getMessage().contains("needs 105"), e.getMessage());
            assertThrows(NullPointerException.class,
                    () -> kern.gemm(false, false, 2, 2, 2, 1f, null, 0, 2, x, 0, 2, 0f, x, 0, 2));
            e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemmBatched(-2, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 4, 0f, x, 0, 2, 4));
            assertTrue(e.getMessage().contains("batch must be >= 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemmBatched(3, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 4, 0f, x, 0, 2, 0));
            assertTrue(e.getMessage().contains("strideC is 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemmBatched(30, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 4, 0f, x, 0, 2, 4));
            assertTrue(e.getMessage().contains("needs"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kern.gemmBatched(2, false, false, 2, 2, 2, 1f, x, 0, 2, -4, x, 0, 2, 4, 0f, x, 0, 2, 4));
            assertTrue(e.getMessage().contains("strides must be >= 0"), e.getMessage());
        }
    }
}
