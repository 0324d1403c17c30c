package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The vector elementwise kernels and reductions against their scalar twins. */
class OpsTest {
    private static final Kernels V = Engine.kernels();
    private static final Kernels R = Engine.scalar();
    /** Above Tuning.PARALLEL_MIN_ELEMENTS (default 262144), prime, so blocks and tails are uneven. */
    private static final int LARGE = 300_007;
    private static final int[] SIZES = {0, 1, 2, 3, 5, 7, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 1000, 1024, 1031, LARGE};
    /** (outer, len, inner) shapes for axis reductions; the last ones exceed the parallel threshold. */
    private static final int[][] AXES = {
        {1, 1, 1}, {3, 1, 5}, {1, 7, 1}, {4, 13, 1}, {6, 10, 1}, {2, 17, 33}, {5, 3, 16}, {3, 31, 17},
        {1, 1000, 1}, {2, 1031, 1}, {2, 5, 1031}, {1, 2, 64}, {3, 4, 65}, {4, 1, 1},
        {300, 301, 1}, {2, 64, 1030}, {1, 3, 100_003}, {30_000, 10, 1},
    };

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 4 - 2);
        return a;
    }

    /** Values on a coarse grid, so maxima tie often. */
    private static float[] coarse(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextInt(5) - 2;
        return a;
    }

    private interface Elementwise {
        void run(Kernels k, int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);
    }

    private static void checkElementwise(String name, Elementwise op, boolean special) {
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (int n : SIZES) {
            int xOff = 3, yOff = 5, zOff = 1;
            float[] x = random(rnd, n + xOff + 2), y = random(rnd, n + yOff + 2);
            if (special && n > 0) {
                // relu maps NaN and -0 to +0; the vector version must do the same
                x[xOff] = Float.NaN;
                x[xOff + n - 1] = -0f;
                if (n > 20) x[xOff + 19] = 0f;
            }
            float[] zv = random(rnd, n + zOff + 2), zr = zv.clone();
            op.run(V, n, x, xOff, y, yOff, zv, zOff);
            op.run(R, n, x, xOff, y, yOff, zr, zOff);
            FloatAsserts.assertBitwiseEqual(name + " n=" + n, zr, zv); // guard elements around z included

            float[] av = x.clone(), ar = x.clone(); // z aliases x
            op.run(V, n, av, xOff, y, yOff, av, xOff);
            op.run(R, n, ar, xOff, y, yOff, ar, xOff);
            FloatAsserts.assertBitwiseEqual(name + " aliased n=" + n, ar, av);
        }
    }

    @Test
    void addSubMulMatchScalar() {
        checkElementwise("add", (k, n, x, xo, y, yo, z, zo) -> k.add(n, x, xo, y, yo, z, zo), false);
        checkElementwise("sub", (k, n, x, xo, y, yo, z, zo) -> k.sub(n, x, xo, y, yo, z, zo), false);
        checkElementwise("mul", (k, n, x, xo, y, yo, z, zo) -> k.mul(n, x, xo, y, yo, z, zo), false);
    }

    @Test
    void bytesToFloatsMatchesScalarBitForBitOverEveryByteValue() {
        SplittableRandom rnd = new SplittableRandom(41);
        for (int n : SIZES) {
            byte[] x = new byte[n + 5];
            rnd.nextBytes(x);
            for (int v = 0; v < Math.min(256, n); v++) x[3 + v] = (byte) v;
            float[] zv = random(rnd, n + 4), zs = zv.clone();
            float a = 1f / 255 / 0.3081f, b = -0.1307f / 0.3081f;
            V.bytesToFloats(n, x, 3, a, b, zv, 2);
            R.bytesToFloats(n, x, 3, a, b, zs, 2);
            FloatAsserts.assertBitwiseEqual("bytesToFloats n=" + n, zs, zv);
            for (int i = 0; i < n; i++) assertEquals(Math.fma((float) (x[3 + i] & 0xff), a, b), zv[2 + i], "element " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> V.bytesToFloats(4, new byte[3], 0, 1f, 0f, new float[4], 0));
        assertThrows(IllegalArgumentException.class, () -> R.bytesToFloats(4, new byte[4], 0, 1f, 0f, new float[4], 1));
    }

    @Test
    void scaleAxpyMatchScalar() {
        checkElementwise("scale", (k, n, x, xo, y, yo, z, zo) -> k.scale(n, -1.7f, x, xo, z, zo), false);
        checkElementwise("axpy", (k, n, x, xo, y, yo, z, zo) -> k.axpy(n, 0.3f, x, xo, z, zo), false);
    }

    @Test
    void reluAndItsBackwardMatchScalar() {
        checkElementwise("relu", (k, n, x, xo, y, yo, z, zo) -> k.relu(n, x, xo, z, zo), true);
        checkElementwise("reluBackward", (k, n, x, xo, y, yo, z, zo) -> k.reluBackward(n, x, xo, y, yo, z, zo), true);
        float[] out = new float[4];
        V.relu(4, new float[] {Float.NaN, -0f, -1f, 2f}, 0, out, 0);
        assertArrayEquals(new float[] {0f, 0f, 0f, 2f}, out);
    }

    @Test
    void addRowVectorMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] shapes = {{0, 5}, {3, 0}, {1, 1}, {4, 10}, {3, 15}, {2, 16}, {5, 17}, {7, 33}, {3, 1031}, {400, 301}, {100_003, 3}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] x = random(rnd, n + 4), v = random(rnd, cols + 2);
            float[] zv = random(rnd, n + 3), zr = zv.clone();
            V.addRowVector(rows, cols, x, 4 - 2, v, 1, zv, 2);
            R.addRowVector(rows, cols, x, 4 - 2, v, 1, zr, 2);
            FloatAsserts.assertBitwiseEqual("addRowVector " + rows + "x" + cols, zr, zv);
            float[] av = x.clone(), ar = x.clone();
            V.addRowVector(rows, cols, av, 1, v, 0, av, 1);
            R.addRowVector(rows, cols, ar, 1, v, 0, ar, 1);
            FloatAsserts.assertBitwiseEqual("addRowVector aliased " + rows + "x" + cols, ar, av);
        }
    }

    /** Sums may differ by order: the error bound scales with the sum of magnitudes. */
    private static void assertSumClose(String what, float expected, float actual, double sumAbs) {
        FloatAsserts.assertClose(what, new float[] {expected}, new float[] {actual}, 1e-6 * sumAbs + 1e-30, 0);
    }

    @Test
    void dotAndSumMatchScalar() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : SIZES) {
            float[] x = random(rnd, n + 3), y = random(rnd, n + 1);
            double abs = 0, absProd = 0;
            for (int i = 0; i < n; i++) {
                abs += Math.abs(x[3 + i]);
                absProd += Math.abs(x[3 + i] * y[1 + i]);
            }
            assertSumClose("sum n=" + n, R.sum(n, x, 3), V.sum(n, x, 3), abs);
            assertSumClose("dot n=" + n, R.dot(n, x, 3, y, 1), V.dot(n, x, 3, y, 1), absProd);
        }
        assertEquals(0f, V.sum(0, new float[0], 0));
        assertEquals(6f, V.sum(3, new float[] {1, 2, 3}, 0));
        assertEquals(32f, V.dot(3, new float[] {1, 2, 3}, 0, new float[] {4, 5, 6}, 0));
    }

    @Test
    void centeredDotMatchesScalarAndIsAccurateFarFromZero() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : SIZES) {
            float[] x = random(rnd, n + 3), y = random(rnd, n + 1);
            float mx = 0.25f, my = -0.5f;
            double absProd = 0;
            for (int i = 0; i < n; i++) absProd += Math.abs((x[3 + i] - mx) * (y[1 + i] - my));
            assertSumClose("centeredDot n=" + n, R.centeredDot(n, x, 3, mx, y, 1, my), V.centeredDot(n, x, 3, mx, y, 1, my), absProd);
        }
        // Values 1000 + U(-1, 1): the centred sum of squares keeps its digits (sum(x^2) - n mean^2 in float would not).
        int n = 4099;
        float[] x = new float[n];
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[i] = 1000f + (float) (2 * rnd.nextDouble() - 1);
        mean /= n;
        double exact = 0;
        for (float v : x) exact += (v - mean) * (v - mean);
        for (Kernels k : new Kernels[] {V, R}) {
            assertEquals(exact, k.centeredDot(n, x, 0, (float) mean, x, 0, (float) mean), 1e-4 * exact, k.name());
        }
        assertEquals((1 - 2) * (4 - 1) + (3 - 2) * (6 - 1) + 0f, V.centeredDot(2, new float[] {1, 3}, 0, 2f, new float[] {4, 6}, 0, 1f));
    }

    /** A channel's planes across a batch: sums and centred dots against a double loop, vector and scalar. */
    @Test
    void planeReductionsMatchADoubleLoop() {
        SplittableRandom rnd = new SplittableRandom(21);
        // (planes, len, extra stride): 2x2 and 4x4 planes, planes of a whole vector, odd lengths, runs past SUM_CHUNK
        int[][] cases = {{0, 4, 0}, {3, 0, 2}, {1, 1, 0}, {64, 4, 60}, {64, 16, 496}, {7, 17, 3}, {5, 64, 0}, {300, 31, 1},
                {9, 1024, 7}, {3, 5000, 11}, {2, 4096, 0}};
        for (int[] cs : cases) {
            int planes = cs[0], len = cs[1], stride = len + cs[2], off = 3;
            int n = off + Math.max(0, (planes - 1) * stride + len) + 2;
            float[] x = random(rnd, n), y = random(rnd, n);
            float mx = 0.25f, my = -0.5f;
            double sum = 0, dot = 0, abs = 0, absDot = 0;
            for (int p = 0; p < planes; p++) {
                for (int i = 0; i < len; i++) {
                    int o = off + p * stride + i;
                    sum += x[o];
                    abs += Math.abs(x[o]);
                    dot += (double) (x[o] - mx) * (y[o] - my);
                    absDot += Math.abs((double) (x[o] - mx) * (y[o] - my));
                }
            }
            String name = planes + " planes of " + len + ", stride " + stride;
            for (Kernels k : new Kernels[] {V, R}) {
                assertEquals(sum, k.sumPlanes(planes, len, stride, x, off), 1e-6 * (abs + 1), k.name() + " sumPlanes " + name);
                assertEquals(dot, k.centeredDotPlanes(planes, len, stride, x, off, mx, y, off, my), 1e-6 * (absDot + 1),
                        k.name() + " centeredDotPlanes " + name);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> V.sumPlanes(2, 8, 4, new float[64], 0), "stride below the run length");
        assertThrows(IllegalArgumentException.class, () -> V.sumPlanes(3, 8, 8, new float[23], 0), "past the end");
        assertThrows(IllegalArgumentException.class, () -> V.centeredDotPlanes(3, 8, 8, new float[24], 0, 0f, new float[23], 0, 0f));
    }

    /** (outer, channels, inner) blocks for the per-channel kernels; the last exceed the parallel threshold. */
    private static final int[][] CHANNEL_BLOCKS = {
        {0, 3, 5}, {1, 1, 1}, {2, 3, 0}, {1, 4, 1}, {3, 2, 7}, {2, 5, 15}, {2, 3, 16}, {1, 2, 17}, {4, 3, 49}, {2, 8, 784},
        {3, 7, 1031}, {128, 8, 784}, {5, 61, 1023},
    };

    @Test
    void perChannelKernelsMatchScalarBitwise() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int[] b : CHANNEL_BLOCKS) {
            int o = b[0], c = b[1], in = b[2], n = o * c * in, xOff = 3, zOff = 2;
            String what = o + "x" + c + "x" + in;
            float[] x = random(rnd, n + xOff + 1), dy = random(rnd, n + 4);
            float[] sc = random(rnd, c + 1), sh = random(rnd, c + 2), mean = random(rnd, c), k = random(rnd, c), g = random(rnd, c),
                    p = random(rnd, c);
            float[] zv = random(rnd, n + zOff + 2), zr = zv.clone();
            V.scaleShiftChannels(o, c, in, x, xOff, sc, 1, sh, 2, zv, zOff);
            R.scaleShiftChannels(o, c, in, x, xOff, sc, 1, sh, 2, zr, zOff);
            FloatAsserts.assertBitwiseEqual("scaleShiftChannels " + what, zr, zv);
            for (int i = 0; i < n; i++) {
                int ch = (i / Math.max(1, in)) % c;
                assertEquals(Math.fma(x[xOff + i], sc[1 + ch], sh[2 + ch]), zr[zOff + i], "element " + i + " of " + what);
            }
            float[] av = x.clone(), ar = x.clone(); // z aliases x
            V.scaleShiftChannels(o, c, in, av, xOff, sc, 1, sh, 2, av, xOff);
            R.scaleShiftChannels(o, c, in, ar, xOff, sc, 1, sh, 2, ar, xOff);
            FloatAsserts.assertBitwiseEqual("scaleShiftChannels aliased " + what, ar, av);

            float[] bv = random(rnd, n + zOff + 2), br = bv.clone();
            V.normBackwardChannels(o, c, in, x, xOff, dy, 4, mean, k, g, p, bv, zOff);
            R.normBackwardChannels(o, c, in, x, xOff, dy, 4, mean, k, g, p, br, zOff);
            FloatAsserts.assertBitwiseEqual("normBackwardChannels " + what, br, bv);
            for (int i = 0; i < n; i++) {
                int ch = (i / Math.max(1, in)) % c;
                double want = (double) k[ch] * ((dy[4 + i] - g[ch]) - (x[xOff + i] - mean[ch]) * p[ch]);
                assertEquals(want, br[zOff + i], 1e-5 * (1 + Math.abs(want)), "element " + i + " of " + what);
            }
            float[] dv = dy.clone(), dr = dy.clone(); // z aliases dy
            V.normBackwardChannels(o, c, in, x, xOff, dv, 4, mean, k, g, p, dv, 4);
            R.normBackwardChannels(o, c, in, x, xOff, dr, 4, mean, k, g, p, dr, 4);
            FloatAsserts.assertBitwiseEqual("normBackwardChannels aliased " + what, dr, dv);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> V.scaleShiftChannels(2, 3, 4, new float[23], 0, new float[3], 0, new float[3], 0, new float[24], 0));
        assertTrue(e.getMessage().contains("scaleShiftChannels: x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> V.scaleShiftChannels(2, 3, 4, new float[24], 0, new float[2], 0, new float[3], 0, new float[24], 0));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
        float[] same = new float[24];
        e = assertThrows(IllegalArgumentException.class,
                () -> V.normBackwardChannels(2, 3, 4, same, 0, new float[24], 0, new float[3], new float[3], new float[3], new float[3], same, 0));
        assertTrue(e.getMessage().contains("overlaps x"), e.getMessage());
    }

    @Test
    void sumAxisMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(13);
        int[][] withEmpty = Arrays.copyOf(AXES, AXES.length + 2);
        withEmpty[AXES.length] = new int[] {3, 0, 4};
        withEmpty[AXES.length + 1] = new int[] {2, 0, 1};
        for (int[] s : withEmpty) {
            int outer = s[0], len = s[1], inner = s[2], n = outer * len * inner;
            float[] x = random(rnd, n + 3);
            float[] zv = random(rnd, outer * inner + 4), zr = zv.clone();
            V.sumAxis(outer, len, inner, x, 3, zv, 2);
            R.sumAxis(outer, len, inner, x, 3, zr, 2);
            String what = "sumAxis " + Arrays.toString(s);
            if (inner > 1) {
                FloatAsserts.assertBitwiseEqual(what, zr, zv); // same order: rows added one after another
            } else {
                FloatAsserts.assertClose(what, zr, zv, 1e-6 * Math.max(1, len) * 2, 1e-6);
            }
        }
    }

    @Test
    void maxAxisMatchesScalarBitwiseAndPropagatesNaN() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int[] s : AXES) {
            int outer = s[0], len = s[1], inner = s[2], n = outer * len * inner;
            for (int variant = 0; variant < 3; variant++) {
                float[] x = variant == 1 ? coarse(rnd, n + 3) : random(rnd, n + 3);
                if (variant == 2) {
                    for (int k = 0; k < 1 + n / 50; k++) x[3 + rnd.nextInt(n)] = Float.NaN;
                    if (n > 1) x[3 + n - 1] = -0f;
                }
                float[] zv = new float[outer * inner + 2], zr = zv.clone();
                V.maxAxis(outer, len, inner, x, 3, zv, 2);
                R.maxAxis(outer, len, inner, x, 3, zr, 2);
                FloatAsserts.assertBitwiseEqual("maxAxis " + Arrays.toString(s) + " variant " + variant, zr, zv);
            }
        }
        // NaN anywhere along the axis, in the vector part and in the tail
        for (int len : new int[] {1, 5, 16, 17, 64, 67, 1031}) {
            for (int pos : new int[] {0, len / 2, len - 1}) {
                float[] x = new float[len];
                Arrays.fill(x, 1f);
                x[pos] = Float.NaN;
                float[] z = new float[1];
                V.maxAxis(1, len, 1, x, 0, z, 0);
                assertTrue(Float.isNaN(z[0]), "maxAxis of " + len + " with NaN at " + pos + " gave " + z[0]);
            }
        }
        float[] z = new float[1];
        V.maxAxis(1, 40, 1, new float[40], 0, z, 0);
        assertEquals(0f, z[0]);
    }

    @Test
    void argmaxAxisMatchesScalarAndTakesTheFirstMaximum() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int[] s : AXES) {
            int outer = s[0], len = s[1], inner = s[2], n = outer * len * inner;
            for (int variant = 0; variant < 3; variant++) {
                float[] x = variant == 0 ? random(rnd, n + 3) : coarse(rnd, n + 3);
                if (variant == 2) {
                    for (int k = 0; k < 1 + n / 20; k++) x[3 + rnd.nextInt(n)] = Float.NaN;
                }
                int[] zv = new int[outer * inner + 2], zr = zv.clone();
                V.argmaxAxis(outer, len, inner, x, 3, zv, 2);
                R.argmaxAxis(outer, len, inner, x, 3, zr, 2);
                assertArrayEquals(zr, zv, "argmaxAxis " + Arrays.toString(s) + " variant " + variant);
            }
        }
        for (int len : new int[] {3, 16, 17, 40, 100}) {
            float[] x = new float[len];
            x[len - 1] = 5f;
            x[1] = 5f; // first of two equal maxima
            int[] z = new int[1];
            V.argmaxAxis(1, len, 1, x, 0, z, 0);
            assertEquals(1, z[0], "len " + len);
            x[0] = Float.NaN; // a leading NaN wins, as in the scalar twin
            V.argmaxAxis(1, len, 1, x, 0, z, 0);
            assertEquals(0, z[0], "len " + len + " leading NaN");
        }
    }

    @Test
    void softmaxMatchesScalarAndSumsToOne() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int[] s : AXES) {
            int outer = s[0], len = s[1], inner = s[2], n = outer * len * inner;
            float[] x = random(rnd, n + 3);
            for (int i = 0; i < n; i++) x[3 + i] *= 10;
            float[] zv = random(rnd, n + 4), zr = zv.clone();
            V.softmaxAxis(outer, len, inner, x, 3, zv, 1);
            R.softmaxAxis(outer, len, inner, x, 3, zr, 1);
            String what = "softmaxAxis " + Arrays.toString(s);
            FloatAsserts.assertClose(what, zr, zv, 1e-9, 4e-6);
            float[] av = x.clone();
            V.softmaxAxis(outer, len, inner, av, 3, av, 3);
            FloatAsserts.assertClose(what + " aliased", zr, 1, av, 3, n, 1e-9, 4e-6);
            for (int o = 0; o < outer; o++) {
                for (int q = 0; q < inner; q++) {
                    double sum = 0;
                    for (int l = 0; l < len; l++) sum += zv[1 + (o * len + l) * inner + q];
                    assertEquals(1.0, sum, 1e-5, what + " sum of (" + o + ", :, " + q + ")");
                }
            }
        }
    }

    @Test
    void softmaxIsStableForLargeInputs() {
        for (int len : new int[] {2, 10, 17, 40}) {
            float[] x = new float[2 * len];
            Arrays.fill(x, -1000f);
            x[0] = 1000f;
            x[1] = 1000f;
            x[len + 3 % len] = 1000f;
            float[] z = new float[2 * len];
            V.softmaxAxis(2, len, 1, x, 0, z, 0);
            float[] r = new float[2 * len];
            R.softmaxAxis(2, len, 1, x, 0, r, 0);
            FloatAsserts.assertClose("softmax +-1000 len " + len, r, z, 0, 1e-6);
            assertEquals(0.5f, z[0], 1e-7);
            assertEquals(0.5f, z[1], 1e-7);
            if (len > 2) assertEquals(0f, z[2]); // exp(-2000) underflows to exactly 0
            assertEquals(1f, z[len + 3 % len], 1e-7);
            // across inner too
            float[] zc = new float[2 * len];
            V.softmaxAxis(1, 2, len, x, 0, zc, 0);
            for (float v : zc) assertTrue(Float.isFinite(v), "softmax across inner gave " + Arrays.toString(zc));
        }
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseIdenticalResults() {
        int before = Parallel.threads();
        SplittableRandom rnd = new SplittableRandom(29);
        int n = LARGE;
        float[] x = random(rnd, n), y = random(rnd, n);
        try {
            float[][] results = new float[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                float[] out = new float[0];
                float[] z = new float[n];
                V.add(n, x, 0, y, 0, z, 0);
                out = concat(out, z);
                V.axpy(n, 0.7f, x, 0, z, 0);
                out = concat(out, z);
                V.relu(n, x, 0, z, 0);
                out = concat(out, z);
                out = concat(out, new float[] {V.sum(n, x, 0), V.dot(n, x, 0, y, 0), R.sum(n, x, 0), R.dot(n, x, 0, y, 0),
                    V.centeredDot(n, x, 0, 0.3f, y, 0, -0.2f)});
                float[] ch = Arrays.copyOf(y, 7);
                V.scaleShiftChannels(7, 7, n / 49, x, 0, ch, 0, ch, 0, z, 0);
                out = concat(out, z);
                V.normBackwardChannels(7, 7, n / 49, x, 0, y, 0, ch, ch, ch, ch, z, 0);
                out = concat(out, z);
                float[] s = new float[n];
                V.sumAxis(1, 3, 66_667, x, 0, s, 0);
                out = concat(out, Arrays.copyOf(s, 66_667));
                V.sumAxis(200, 1000, 1, x, 0, s, 0);
                out = concat(out, Arrays.copyOf(s, 200));
                V.maxAxis(2, 10, 10_000, x, 0, s, 0);
                out = concat(out, Arrays.copyOf(s, 20_000));
                V.softmaxAxis(20_000, 10, 1, x, 0, z, 0);
                out = concat(out, z);
                V.softmaxAxis(2, 10, 10_000, x, 0, z, 0);
                out = concat(out, z);
                int[] am = new int[20_000];
                V.argmaxAxis(20_000, 10, 1, x, 0, am, 0);
                out = concat(out, new float[] {Arrays.hashCode(am)});
                results[t - 1] = out;
            }
            FloatAsserts.assertBitwiseEqual("1 vs 2 threads", results[0], results[1]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void assertBadInput(String what, Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, what);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), what + ": message lacks '" + f + "': " + e.getMessage());
    }

    @Test
    void badBoundsGiveClearErrors() {
        float[] a = new float[10], b = new float[10];
        for (Kernels k : new Kernels[] {V, R}) {
            assertBadInput("add z", () -> k.add(8, a, 0, b, 0, new float[7], 0), "add", "z", "offset 0", "length 8", "array of 7");
            assertBadInput("add x off", () -> k.add(8, a, 3, b, 0, b, 0), "add", "x", "offset 3", "length 8", "array of 10");
            assertBadInput("negative n", () -> k.sub(-1, a, 0, b, 0, b, 0), "sub", "negative length -1");
            assertBadInput("negative offset", () -> k.mul(2, a, -1, b, 0, b, 0), "mul", "offset -1");
            assertBadInput("axpy y", () -> k.axpy(5, 2f, a, 0, b, 6), "axpy", "y", "offset 6");
            assertBadInput("scale", () -> k.scale(11, 2f, a, 0, b, 0), "scale", "x", "length 11");
            assertBadInput("relu", () -> k.relu(5, a, 0, b, 9), "relu", "z", "offset 9");
            assertBadInput("reluBackward", () -> k.reluBackward(5, a, 0, b, 8, a, 0), "reluBackward", "dy", "offset 8");
            assertBadInput("addRowVector v", () -> k.addRowVector(2, 5, a, 0, new float[4], 0, b, 0), "addRowVector", "v", "length 5");
            assertBadInput("dot", () -> k.dot(10, a, 0, b, 1), "dot", "y", "offset 1");
            assertBadInput("sum", () -> k.sum(10, a, 2), "sum", "x", "offset 2");
            assertBadInput("sumAxis x", () -> k.sumAxis(2, 3, 2, a, 0, b, 0), "sumAxis", "x", "length 12");
            assertBadInput("sumAxis z", () -> k.sumAxis(2, 2, 2, a, 0, b, 7), "sumAxis", "z", "offset 7", "length 4");
            assertBadInput("maxAxis empty", () -> k.maxAxis(2, 0, 2, a, 0, b, 0), "maxAxis", "length 0");
            assertBadInput("argmaxAxis z", () -> k.argmaxAxis(2, 2, 2, a, 0, new int[3], 0), "argmaxAxis", "z", "length 4");
            assertBadInput("softmax negative", () -> k.softmaxAxis(2, 2, -1, a, 0, b, 0), "softmaxAxis", "inner=-1");
            assertThrows(NullPointerException.class, () -> k.add(2, a, 0, null, 0, b, 0));
            k.add(0, null, 0, null, 0, null, 0); // nothing to touch
        }
    }
}
