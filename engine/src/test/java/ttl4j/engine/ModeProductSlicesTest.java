package ttl4j.engine;

import ttl4j.engine.algebra.AlgebraReference;
import ttl4j.engine.algebra.ModeProducts;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The small-factor slice kernel ({@link Kernels#modeProductSlices}) against its scalar twin, and its use in mode products. */
class ModeProductSlicesTest {
    private static final Kernels VEC = Engine.kernels();
    private static final Kernels SCALAR = Engine.scalar();

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** Runs both kernels on one padded, offset problem and compares Y (and the untouched margins). */
    private static void check(int p, int in, int q, int k, boolean transU, float alpha, float beta, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int uRows = transU ? in : k, uCols = transU ? k : in, ldu = uCols + 3;
        int uOff = 2, tOff = 5, yOff = 3;
        float[] u = random(r, uOff + Math.max(0, uRows * ldu) + 1);
        float[] t = random(r, tOff + p * in * q + 2);
        float[] y0 = random(r, yOff + p * k * q + 4);
        float[] yv = y0.clone(), ys = y0.clone();
        VEC.modeProductSlices(p, in, q, k, alpha, u, uOff, ldu, transU, t, tOff, beta, yv, yOff);
        SCALAR.modeProductSlices(p, in, q, k, alpha, u, uOff, ldu, transU, t, tOff, beta, ys, yOff);
        String what = "modeProductSlices P=" + p + " I=" + in + " Q=" + q + " K=" + k + " transU=" + transU
                + " alpha=" + alpha + " beta=" + beta;
        FloatAsserts.assertClose(what, ys, yv, 1e-6 * (in + 1), 1e-5);
        FloatAsserts.assertBitwiseEqual(what + " (before Y)", java.util.Arrays.copyOf(y0, yOff), java.util.Arrays.copyOf(yv, yOff));
        int end = yOff + p * k * q;
        FloatAsserts.assertBitwiseEqual(what + " (after Y)", java.util.Arrays.copyOfRange(y0, end, y0.length),
                java.util.Arrays.copyOfRange(yv, end, yv.length));
    }

    @Test
    void vectorMatchesScalarOverOddShapes() {
        int[] qs = {1, 2, 5, 15, 16, 17, 28, 31, 32, 33, 48};
        int[] ks = {1, 3, 4, 5, 8, 9, 16, 17, 32};
        int[] ins = {0, 1, 15, 16, 17, 37};
        long seed = 1;
        for (int q : qs) {
            for (int k : ks) {
                for (int in : ins) {
                    check(35, in, q, k, (seed & 1) == 0, 1f, 0f, seed++);
                }
                check(0, 7, q, k, false, 1f, 0f, seed++);
                check(1, 13, q, k, true, 0.5f, 0f, seed++);
                check(33, 17, q, k, false, -1.5f, 0.75f, seed++);
                check(64, 16, q, k, true, 2f, 1f, seed++);
            }
        }
    }

    @Test
    void vectorMatchesScalarOnLargerShapes() {
        check(1030, 255, 1, 8, false, 1f, 0f, 11);
        check(100, 1023, 1, 16, true, 1f, 0f, 12);
        check(67, 64, 1, 48, false, 1f, 0.5f, 13);
        check(40, 130, 32, 16, false, 1f, 0f, 14);
        check(9, 33, 1024, 7, true, 1f, 0f, 15);
    }

    @Test
    void resultDoesNotDependOnHowPIsSplit() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] shapes = {{100, 16, 1, 8}, {100, 32, 1, 16}, {70, 33, 1, 32}, {50, 16, 16, 8}, {45, 17, 33, 5}, {45, 28, 28, 5}};
        for (int[] s : shapes) {
            int p = s[0], in = s[1], q = s[2], k = s[3];
            float[] u = random(r, k * in), t = random(r, p * in * q);
            float[] whole = new float[p * k * q], parts = new float[p * k * q];
            VEC.modeProductSlices(p, in, q, k, 1f, u, 0, in, false, t, 0, 0f, whole, 0);
            int cut = 7;
            VEC.modeProductSlices(cut, in, q, k, 1f, u, 0, in, false, t, 0, 0f, parts, 0);
            VEC.modeProductSlices(p - cut, in, q, k, 1f, u, 0, in, false, t, cut * in * q, 0f, parts, cut * k * q);
            FloatAsserts.assertBitwiseEqual("split at " + cut + " of " + java.util.Arrays.toString(s), whole, parts);
        }
    }

    @Test
    void modeProductsOnSliceShapesMatchTheDefinitionAndAreBitwiseEqualForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] shapes = {{66, 16, 16, 16}, {9, 32, 32, 32}, {70, 28, 28, 20}};
        int before = Parallel.threads();
        try {
            for (int[] shape : shapes) {
                Tensor t = Tensor.wrap(random(r, Tensor.sizeOf(shape)), 0, shape);
                for (int mode = 0; mode < 4; mode++) {
                    for (boolean transU : new boolean[] {false, true}) {
                        int in = shape[mode], k = in / 2;
                        Tensor u = transU ? Tensor.wrap(random(r, in * k), 0, in, k) : Tensor.wrap(random(r, k * in), 0, k, in);
                        Parallel.setThreads(1);
                        Tensor one = ModeProducts.modeProduct(t, mode, u, transU);
                        Parallel.setThreads(2);
                        Tensor two = ModeProducts.modeProduct(t, mode, u, transU);
                        String what = "mode " + mode + " of " + java.util.Arrays.toString(shape) + " transU=" + transU;
                        FloatAsserts.assertBitwiseEqual(what, one.toArray(), two.toArray());
                        Tensor ref = AlgebraReference.modeProduct(t, mode, u, transU);
                        FloatAsserts.assertClose(what, ref.toArray(), one.toArray(), 1e-5 * in, 1e-5);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        float[] u = new float[8], t = new float[16], y = new float[16];
        assertThrows(IllegalArgumentException.class, () -> VEC.modeProductSlices(-1, 2, 2, 2, 1f, u, 0, 2, false, t, 0, 0f, y, 0));
        assertThrows(IllegalArgumentException.class, () -> VEC.modeProductSlices(2, 2, 4, 2, 1f, u, 0, 2, false, t, 1, 0f, y, 0));
        assertThrows(IllegalArgumentException.class, () -> VEC.modeProductSlices(2, 2, 2, 2, 1f, u, 0, 1, false, t, 0, 0f, y, 0));
        assertThrows(IllegalArgumentException.class, () -> SCALAR.modeProductSlices(2, 2, 2, 2, 1f, u, 0, 2, false, t, 0, 0f, t, 4));
    }
}
