package ttl4j.engine;

import ttl4j.engine.algebra.ModeProducts;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The all-but-one-mode contraction kernel ({@link Kernels#contractSlices}) against its scalar twin, and {@link ModeProducts#contractAllBut}. */
class ContractSlicesTest {
    private static final Kernels VEC = Engine.kernels();
    private static final Kernels SCALAR = Engine.scalar();

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** Both kernels on rows [i0, i1) of a padded, offset C; the rows outside and the margins stay untouched. */
    private static void check(int p, int in, int q, int k, int i0, int i1, float beta, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int xOff = 3, yOff = 7, cOff = 2, ldc = k + 2;
        float[] x = random(r, xOff + p * in * q + 5);
        float[] y = random(r, yOff + p * k * q + 1);
        float[] c0 = random(r, cOff + Math.max(0, in * ldc) + 3);
        float[] cv = c0.clone(), cs = c0.clone();
        VEC.contractSlices(p, in, q, k, i0, i1, x, xOff, y, yOff, beta, cv, cOff, ldc);
        SCALAR.contractSlices(p, in, q, k, i0, i1, x, xOff, y, yOff, beta, cs, cOff, ldc);
        String what = "contractSlices P=" + p + " I=" + in + " Q=" + q + " K=" + k + " rows [" + i0 + ", " + i1 + ") beta=" + beta;
        FloatAsserts.assertClose(what, cs, cv, 1e-6 * (p * q + 1), 1e-5);
        for (int i = 0; i < cv.length; i++) {
            int row = (i - cOff) / ldc, col = (i - cOff) % ldc;
            boolean inside = i >= cOff && row >= i0 && row < i1 && col < k;
            if (!inside && Float.floatToRawIntBits(cv[i]) != Float.floatToRawIntBits(c0[i])) {
                throw new AssertionError(what + ": C[" + i + "] outside the rows was changed");
            }
        }
    }

    @Test
    void vectorMatchesScalarOverOddShapes() {
        int[] qs = {1, 5, 15, 16, 17, 28, 31, 32, 33, 47, 64};
        int[] ks = {1, 2, 5, 6, 7, 8, 13};
        int[] ins = {1, 3, 4, 5, 9, 28};
        long seed = 1;
        for (int q : qs) {
            for (int k : ks) {
                for (int in : ins) check(5, in, q, k, 0, in, (seed & 1) == 0 ? 0f : 0.5f, seed++);
                check(0, 6, q, k, 0, 6, 0f, seed++);
                check(3, 0, q, k, 0, 0, 0f, seed++);
                check(7, 11, q, k, 2, 9, 1f, seed++);
            }
        }
    }

    @Test
    void vectorMatchesScalarOnLayerShapes() {
        check(128, 28, 28, 5, 0, 28, 0f, 31);
        check(128, 32, 32, 8, 0, 32, 1f, 32);
        check(17, 9, 1023, 3, 0, 9, 0f, 33);
    }

    @Test
    void resultDoesNotDependOnHowRowsAreSplit() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] shapes = {{40, 28, 28, 5}, {9, 13, 33, 8}, {3, 10, 16, 1}};
        for (int[] s : shapes) {
            int p = s[0], in = s[1], q = s[2], k = s[3];
            float[] x = random(r, p * in * q), y = random(r, p * k * q);
            float[] whole = new float[in * k], parts = new float[in * k];
            VEC.contractSlices(p, in, q, k, 0, in, x, 0, y, 0, 0f, whole, 0, k);
            for (int cut : new int[] {1, 3, 6}) {
                Arrays.fill(parts, 0f);
                VEC.contractSlices(p, in, q, k, 0, cut, x, 0, y, 0, 0f, parts, 0, k);
                VEC.contractSlices(p, in, q, k, cut, in, x, 0, y, 0, 0f, parts, 0, k);
                FloatAsserts.assertBitwiseEqual("split at " + cut + " of " + Arrays.toString(s), whole, parts);
            }
        }
    }

    /** C[i, k] from the definition, in double. */
    private static float[] reference(int[] shape, int mode, float[] x, float[] y, int k) {
        int in = shape[mode];
        int p = Tensor.sizeOf(Arrays.copyOfRange(shape, 0, mode)), q = Tensor.sizeOf(Arrays.copyOfRange(shape, mode + 1, shape.length));
        float[] c = new float[in * k];
        for (int i = 0; i < in; i++) {
            for (int kk = 0; kk < k; kk++) {
                double acc = 0;
                for (int s = 0; s < p; s++) for (int j = 0; j < q; j++) acc += (double) x[(s * in + i) * q + j] * y[(s * k + kk) * q + j];
                c[i * k + kk] = (float) acc;
            }
        }
        return c;
    }

    @Test
    void contractAllButMatchesTheDefinitionOnEveryPathAndIsBitwiseEqualForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(5);
        // last mode (one GEMM), short rows (unfolded), rows of whole and partial vectors (the kernel)
        int[][] shapes = {{64, 28, 28}, {16, 12, 40}, {30, 6, 5}, {8, 3, 4, 17}};
        int before = Parallel.threads();
        try {
            for (int[] shape : shapes) {
                float[] x = random(r, Tensor.sizeOf(shape));
                for (int mode = 0; mode < shape.length; mode++) {
                    for (int k : new int[] {1, 5, 8}) {
                        int[] yShape = shape.clone();
                        yShape[mode] = k;
                        float[] y = random(r, Tensor.sizeOf(yShape));
                        float[] one = new float[shape[mode] * k], two = new float[shape[mode] * k];
                        Parallel.setThreads(1);
                        ModeProducts.contractAllBut(shape, mode, x, 0, y, 0, k, 0f, one, 0);
                        Parallel.setThreads(2);
                        ModeProducts.contractAllBut(shape, mode, x, 0, y, 0, k, 0f, two, 0);
                        String what = "mode " + mode + " of " + Arrays.toString(shape) + " K=" + k;
                        FloatAsserts.assertBitwiseEqual(what, one, two);
                        int terms = Tensor.sizeOf(shape) / shape[mode];
                        FloatAsserts.assertClose(what, reference(shape, mode, x, y, k), one, 1e-6 * terms, 1e-5);
                        // beta = 1 accumulates
                        float[] acc = one.clone();
                        ModeProducts.contractAllBut(shape, mode, x, 0, y, 0, k, 1f, acc, 0);
                        for (int i = 0; i < one.length; i++) one[i] *= 2;
                        FloatAsserts.assertClose(what + " accumulated", one, acc, 1e-6 * terms, 1e-5);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aLargeContractionIsSplitOverRowsWithTheSameBits() {
        SplittableRandom r = new SplittableRandom(6);
        int[] shape = {12, 64, 40};
        int k = 32;
        float[] x = random(r, Tensor.sizeOf(shape)), y = random(r, 12 * k * 40);
        float[] one = new float[64 * k], two = new float[64 * k];
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            ModeProducts.contractAllBut(shape, 1, x, 0, y, 0, k, 0f, one, 0);
            Parallel.setThreads(2);
            long jobs = Parallel.jobsPublished();
            ModeProducts.contractAllBut(shape, 1, x, 0, y, 0, k, 0f, two, 0);
            if (Engine.isVectorized()) {
                org.junit.jupiter.api.Assertions.assertTrue(Parallel.jobsPublished() > jobs, "the contraction was split");
            }
        } finally {
            Parallel.setThreads(before);
        }
        FloatAsserts.assertBitwiseEqual("split over rows of C", one, two);
        FloatAsserts.assertClose("against the definition", reference(shape, 1, x, y, k), one, 1e-6 * 480, 1e-5);
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        float[] x = new float[64], y = new float[64], c = new float[16];
        assertThrows(IllegalArgumentException.class, () -> VEC.contractSlices(-1, 2, 2, 2, 0, 2, x, 0, y, 0, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> VEC.contractSlices(2, 2, 2, 2, 1, 3, x, 0, y, 0, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> VEC.contractSlices(2, 4, 8, 2, 0, 4, x, 1, y, 0, 0f, c, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> SCALAR.contractSlices(2, 2, 2, 2, 0, 2, x, 0, y, 0, 0f, c, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SCALAR.contractSlices(1, 2, 2, 2, 0, 2, x, 0, y, 0, 0f, x, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> ModeProducts.contractAllBut(new int[] {4, 4}, 1, x, 0, y, 60, 2, 0f, c, 0));
        assertThrows(IllegalArgumentException.class,
                () -> ModeProducts.contractAllBut(new int[] {4, 4}, 2, x, 0, y, 0, 2, 0f, c, 0));
    }
}
