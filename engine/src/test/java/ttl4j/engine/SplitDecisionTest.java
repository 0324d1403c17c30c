package ttl4j.engine;

import ttl4j.engine.algebra.ModeProducts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Which kernels hand work to the pool: small in-cache products (a training step's K = 10 GEMMs,
 * small mode products) stay on the calling thread, large ones split. Observed through
 * {@link Parallel#jobsPublished()}, never through timing.
 */
class SplitDecisionTest {
    private static final Kernels VEC = Engine.kernels();

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private interface Body {
        void run();
    }

    private static void withThreads(int n, Body body) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(n);
            body.run();
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Jobs handed to the pool while {@code body} ran. */
    private static long jobs(Body body) {
        long before = Parallel.jobsPublished();
        body.run();
        return Parallel.jobsPublished() - before;
    }

    /** Runs C (M,N) = op(A) op(B) with fresh random operands. */
    private static void gemm(boolean ta, boolean tb, int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        float[] a = random(r, m * k), b = random(r, k * n), c = new float[m * n];
        VEC.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
    }

    @Test
    void theRuleWeighsWorkAgainstCachedData() {
        withThreads(2, () -> {
            long min = Tuning.PARALLEL_MIN_MADDS, perFloat = Tuning.PARALLEL_MIN_MADDS_PER_FLOAT;
            long cached = Tuning.PARALLEL_CACHED_FLOATS;
            assertFalse(Parallel.worthSplitting(min - 1, 1), "below the hand-off");
            assertTrue(Parallel.worthSplitting(min, min / perFloat), "enough work per float");
            assertFalse(Parallel.worthSplitting(min, min / perFloat + 1), "too little work per cached float");
            // past the cache size the data comes from memory whichever core reads it
            long big = perFloat * cached;
            assertTrue(Parallel.worthSplitting(big, 100 * cached));
            assertFalse(Parallel.worthSplitting(big - 1, 100 * cached));
        });
        withThreads(1, () -> assertFalse(Parallel.worthSplitting(Long.MAX_VALUE / 2, 1), "one thread never splits"));
    }

    @Test
    void smallTrainingProductsStayOnTheCallingThread() {
        // the split decisions are the vector kernels' (the scalar fallback runs on the caller's thread)
        org.junit.jupiter.api.Assumptions.assumeTrue(Engine.isVectorized(), "scalar kernels never split");
        withThreads(2, () -> {
            // a 784 -> 300 -> 10 network at batch 128: the 300 x 10 layer's products (K or N of 10)
            assertEquals(0, jobs(() -> gemm(false, false, 128, 300, 10)), "dX = dY W, K = 10");
            assertEquals(0, jobs(() -> gemm(true, false, 10, 300, 128)), "dW = dY^T X, M = 10");
            assertEquals(0, jobs(() -> gemm(false, true, 128, 10, 300)), "Y = X W^T, N = 10");
            // the 784 -> 300 layer's products are large enough to split
            assertTrue(jobs(() -> gemm(false, true, 128, 300, 784)) > 0, "forward of the 784 -> 300 layer");
            assertTrue(jobs(() -> gemm(true, false, 300, 784, 128)) > 0, "dW of the 784 -> 300 layer");
            // a middle-mode product of a batch of 28 x 28 images with a 5 x 28 factor (short rows: gathered GEMMs)
            SplittableRandom r = new SplittableRandom(3);
            Tensor t = Tensor.wrap(random(r, 128 * 28 * 28), 0, 128, 28, 28);
            Tensor u = Tensor.wrap(random(r, 5 * 28), 0, 5, 28);
            assertEquals(0, jobs(() -> ModeProducts.modeProduct(t, 1, u, false)), "128 x 28 x 28 times 5 x 28");
            Tensor big = Tensor.wrap(random(r, 64 * 96 * 96), 0, 64, 96, 96);
            Tensor ub = Tensor.wrap(random(r, 64 * 96), 0, 64, 96);
            assertTrue(jobs(() -> ModeProducts.modeProduct(big, 1, ub, false)) > 0, "64 x 96 x 96 times 64 x 96");
        });
        withThreads(1, () -> assertEquals(0, jobs(() -> gemm(false, true, 128, 300, 784)), "one thread"));
    }

    @Test
    void splitAndUnsplitProductsAreBitwiseIdentical() {
        // shapes on both sides of the rule; results must not depend on which side or the thread count
        int[][] shapes = {{128, 300, 10}, {10, 300, 128}, {128, 300, 784}, {300, 784, 128}, {64, 64, 64}, {2048, 200, 11}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    SplittableRandom r = new SplittableRandom(m + 3L * n + 7L * k);
                    float[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
                    float[][] out = new float[3][];
                    for (int threads = 1; threads <= 3; threads++) {
                        float[] c = c0.clone();
                        withThreads(threads, () -> VEC.gemm(ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 1.5f, c, 0, n));
                        out[threads - 1] = c;
                    }
                    String what = (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k;
                    FloatAsserts.assertBitwiseEqual("1 vs 2 threads " + what, out[0], out[1]);
                    FloatAsserts.assertBitwiseEqual("1 vs 3 threads " + what, out[0], out[2]);
                }
            }
        }
    }
}
