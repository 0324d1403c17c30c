package ttl4j.engine.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.simd.VectorWinogradTransforms;

/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3), all three passes, against the double-precision reference.
 *
 * <p>Tolerances are scale-free and blockwise ({@link #worstBlockwise}): the error of each element
 * divided by the largest sum of absolute values of terms (sum |x| |w| for the forward pass,
 * sum |dy| |w| for the input gradient, sum |x| |dy| for the weight gradient) in its block: the
 * (n, k) output plane, the (n, c) input plane, the 9 taps of the (k, c) filter (db: each element).
 * So {@code |err| <= tol * max_block sum |terms|}. Per element would be unfair to Winograd, not
 * wrong: a tile mixes the inputs of all its outputs, so an output at a padded corner (or a weight
 * tap that only ever meets padding) carries the rounding of its neighbours' larger terms; in exact
 * arithmetic those cancel. Worst measured on N(0, 1) data over the shapes below, all passes (the
 * tests print it): about 4e-7 for F(2x2) and 5e-6 for F(4x4) (2e-6 on the 64->64 16x16 layer, see
 * {@link #f4ErrorStaysBounded}). The bounds, 2e-6 (F(2x2), about 17 float eps) and 2e-5 (F(4x4),
 * about 170 eps), leave a margin of about 4; the float seven-loop definition stays below 1e-6 per element.
 */
class WinogradConvTest {
    static final double TOL_F2 = 2e-6, TOL_F4 = 2e-5;

    @AfterEach
    void restore() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        WinogradConv.chunkFloats = ttl4j.engine.Tuning.CONV_WINOGRAD_CHUNK_FLOATS;
        WinogradConv.minChunkTiles = 64;
    }

    /** Odd and even sizes (partial tiles), inputs smaller than a tile, padding 0 to 3, C = 1 and 3, batch 1 and 3. */
    static List<ConvShape> shapes() {
        List<ConvShape> l = new ArrayList<>();
        l.add(ConvShape.of(1, 1, 5, 5, 1, 3, 1, 1));
        l.add(ConvShape.of(3, 3, 6, 8, 4, 3, 1, 0));
        l.add(ConvShape.of(1, 3, 7, 4, 2, 3, 1, 2));
        l.add(ConvShape.of(3, 1, 2, 2, 3, 3, 1, 1));   // 2x2 output: smaller than an F(4x4) tile
        l.add(ConvShape.of(1, 3, 3, 3, 2, 3, 1, 0));   // a single output
        l.add(ConvShape.of(3, 3, 9, 1, 2, 3, 1, 1));   // one column
        l.add(ConvShape.of(1, 2, 5, 7, 3, 3, 1, 3));   // padding 3: windows wholly outside the input
        l.add(ConvShape.of(2, 5, 11, 13, 6, 3, 1, 1));
        l.add(new ConvShape(1, 3, 6, 9, 2, 3, 3, 1, 1, 0, 2, 1, 1));  // unequal padding
        return l;
    }

    /** VGG-16 CIFAR layer shapes at batch 2. */
    static List<ConvShape> vggShapes() {
        return List.of(ConvShape.of(2, 3, 32, 32, 64, 3, 1, 1), ConvShape.of(2, 64, 16, 16, 128, 3, 1, 1),
                ConvShape.of(2, 128, 8, 8, 256, 3, 1, 1), ConvShape.of(2, 256, 4, 4, 512, 3, 1, 1),
                ConvShape.of(2, 512, 2, 2, 512, 3, 1, 1));
    }

    static float[] gaussian(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble(), v = r.nextDouble();
            a[i] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return a;
    }

    /** Worst scale-free errors of forward, input gradient, weight and bias gradients (beta 0). */
    static double[] errors(ConvShape s, ConvAlgorithm a, SplittableRandom r) {
        float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), b = gaussian(r, s.outC()),
                dy = gaussian(r, s.outputSize());
        float[] y = new float[s.outputSize()];
        WinogradConv.forward(s, a, x, 0, w, 0, b, 0, y, 0);
        double ef = worstBlockwise(y, ConvReference.forward(s, x, w, b), ConvReference.forwardScale(s, x, w, b),
                s.outH() * s.outW(), y.length);
        float[] dx = new float[s.inputSize()];
        java.util.Arrays.fill(dx, Float.NaN);  // overwritten
        WinogradConv.backwardData(s, a, dy, 0, w, 0, dx, 0);
        double ed = worstBlockwise(dx, ConvReference.backwardData(s, dy, w),
                ConvReference.backwardData(s, ConvReference.abs(dy), ConvReference.abs(w)), s.inH() * s.inW(), dx.length);
        float[] dw = new float[s.weightSize()], db = new float[s.outC()];
        java.util.Arrays.fill(dw, Float.NaN);  // beta 0 ignores what was there
        java.util.Arrays.fill(db, Float.NaN);
        WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 0f, dw, 0, db, 0);
        double[] g = ConvReference.backwardWeights(s, x, dy),
                gs = ConvReference.backwardWeights(s, ConvReference.abs(x), ConvReference.abs(dy));
        float[] both = new float[g.length];
        System.arraycopy(dw, 0, both, 0, dw.length);
        System.arraycopy(db, 0, both, dw.length, db.length);
        double ew = worstBlockwise(both, g, gs, 9, dw.length);
        return new double[] {ef, ed, ew};
    }

    /**
     * The worst {@code |got - want| / max_block scale}, blocks of {@code block} consecutive elements
     * up to {@code blocked}, single elements after it.
     */
    static double worstBlockwise(float[] got, double[] want, double[] scale, int block, int blocked) {
        double[] s = scale.clone();
        for (int b0 = 0; b0 < blocked; b0 += block) {
            double mx = 0;
            for (int i = b0; i < b0 + block; i++) mx = Math.max(mx, scale[i]);
            for (int i = b0; i < b0 + block; i++) s[i] = mx;
        }
        return ConvReference.worstRelative(got, 0, want, s);
    }

    static double tol(ConvAlgorithm a) {
        return a == ConvAlgorithm.WINOGRAD_2X2 ? TOL_F2 : TOL_F4;
    }

    private static void checkAll(List<ConvShape> shapes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
            double worst = 0;
            for (ConvShape s : shapes) {
                assertTrue(a.applies(s), s.toString());
                double[] e = errors(s, a, r);
                String[] pass = {"forward", "input gradient", "weight gradient"};
                for (int i = 0; i < 3; i++) {
                    assertTrue(e[i] <= tol(a), a.key() + " " + pass[i] + " on " + s + ": error " + e[i] + " > " + tol(a));
                    worst = Math.max(worst, e[i]);
                }
            }
            System.out.printf("%s (%s transforms): worst scale-free error %.3g%n", a.key(), WinogradConv.TRANSFORMS.name(), worst);
        }
    }

    @Test
    void theMatricesComputeTheCorrelation() {
        SplittableRandom r = new SplittableRandom(3);
        for (WinogradMatrices wm : new WinogradMatrices[] {WinogradMatrices.F2, WinogradMatrices.F4}) {
            int m = wm.m, t = wm.t;
            for (int trial = 0; trial < 20; trial++) {
                double[] g = new double[3], d = new double[t];
                for (int i = 0; i < 3; i++) g[i] = r.nextDouble() * 2 - 1;
                for (int i = 0; i < t; i++) d[i] = r.nextDouble() * 2 - 1;
                double[] prod = new double[t];
                for (int xi = 0; xi < t; xi++) {
                    double gg = 0, dd = 0;
                    for (int i = 0; i < 3; i++) gg += wm.gD[xi * 3 + i] * g[i];
                    for (int i = 0; i < t; i++) dd += wm.btD[xi * t + i] * d[i];
                    prod[xi] = gg * dd;
                }
                for (int i = 0; i < m; i++) {
                    double y = 0, want = 0;
                    for (int xi = 0; xi < t; xi++) y += wm.atD[i * t + xi] * prod[xi];
                    for (int j = 0; j < 3; j++) want += g[j] * d[i + j];
                    assertEquals(want, y, 1e-12, "F(" + m + ",3) output " + i);
                }
            }
            // the float copies are the double matrices rounded once, transposes consistent
            for (int i = 0; i < t; i++) for (int j = 0; j < t; j++) assertEquals(wm.bt[i * t + j], wm.b[j * t + i]);
            for (int i = 0; i < m; i++) for (int j = 0; j < t; j++) assertEquals(wm.at[i * t + j], wm.a[j * m + i]);
            for (int i = 0; i < t; i++) for (int j = 0; j < 3; j++) assertEquals(wm.g[i * 3 + j], wm.gt[j * t + i]);
        }
    }

    @Test
    void awkwardShapesMatchTheReference() {
        checkAll(shapes(), 11);
    }

    @Test
    void awkwardShapesInOneTileRowChunks() {
        WinogradConv.chunkFloats = 1;
        WinogradConv.minChunkTiles = 1;
        checkAll(shapes(), 12);
    }

    @Test
    void vggShapesMatchTheReference() {
        checkAll(vggShapes(), 13);
    }

    /** F(4x4)'s error against F(2x2)'s on N(0, 1) data: reports the worst and keeps it within {@link #TOL_F4}. */
    @Test
    void f4ErrorStaysBounded() {
        SplittableRandom r = new SplittableRandom(14);
        ConvShape s = ConvShape.of(2, 64, 16, 16, 64, 3, 1, 1);
        double[] e2 = errors(s, ConvAlgorithm.WINOGRAD_2X2, r), e4 = errors(s, ConvAlgorithm.WINOGRAD_4X4, r);
        System.out.printf("64->64 16x16 worst scale-free error fwd/dx/dw: F(2x2) %.3g %.3g %.3g, F(4x4) %.3g %.3g %.3g%n",
                e2[0], e2[1], e2[2], e4[0], e4[1], e4[2]);
        for (int i = 0; i < 3; i++) {
            assertTrue(e2[i] <= TOL_F2, "F(2x2) pass " + i + ": " + e2[i]);
            assertTrue(e4[i] <= TOL_F4, "F(4x4) pass " + i + ": " + e4[i]);
        }
    }

    @Test
    void betaOneAccumulatesTheWeightAndBiasGradients() {
        SplittableRandom r = new SplittableRandom(15);
        ConvShape s = ConvShape.of(3, 3, 7, 6, 4, 3, 1, 1);
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
            float[] x = gaussian(r, s.inputSize()), dy = gaussian(r, s.outputSize());
            float[] dw0 = gaussian(r, s.weightSize()), db0 = gaussian(r, s.outC());
            float[] dw = dw0.clone(), db = db0.clone(), fresh = new float[s.weightSize()], freshB = new float[s.outC()];
            WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 1f, dw, 0, db, 0);
            WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 0f, fresh, 0, freshB, 0);
            for (int i = 0; i < dw.length; i++) assertEquals(fresh[i] + dw0[i], dw[i], 0f, "dW " + i);
            for (int i = 0; i < db.length; i++) assertEquals(freshB[i] + db0[i], db[i], 0f, "db " + i);
            // without db the weight gradient is the same
            float[] noB = new float[s.weightSize()];
            WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 0f, noB, 0, null, 0);
            assertArrayEquals(fresh, noB);
        }
    }

    @Test
    void offsetsAreHonoured() {
        SplittableRandom r = new SplittableRandom(16);
        ConvShape s = ConvShape.of(2, 3, 5, 6, 4, 3, 1, 1);
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
            float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), b = gaussian(r, s.outC()),
                    dy = gaussian(r, s.outputSize());
            float[] y = new float[s.outputSize()], dx = new float[s.inputSize()], dw = new float[s.weightSize()],
                    db = new float[s.outC()];
            WinogradConv.forward(s, a, x, 0, w, 0, b, 0, y, 0);
            WinogradConv.backwardData(s, a, dy, 0, w, 0, dx, 0);
            WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 0f, dw, 0, db, 0);
            float[] xo = shifted(x, 5), wo = shifted(w, 7), bo = shifted(b, 3), dyo = shifted(dy, 9);
            float[] yo = new float[y.length + 11], dxo = new float[dx.length + 2], dwo = new float[dw.length + 4],
                    dbo = new float[db.length + 6];
            WinogradConv.forward(s, a, xo, 5, wo, 7, bo, 3, yo, 11);
            WinogradConv.backwardData(s, a, dyo, 9, wo, 7, dxo, 2);
            WinogradConv.backwardWeights(s, a, xo, 5, dyo, 9, 0f, dwo, 4, dbo, 6);
            assertArrayEquals(y, java.util.Arrays.copyOfRange(yo, 11, yo.length));
            assertArrayEquals(dx, java.util.Arrays.copyOfRange(dxo, 2, dxo.length));
            assertArrayEquals(dw, java.util.Arrays.copyOfRange(dwo, 4, dwo.length));
            assertArrayEquals(db, java.util.Arrays.copyOfRange(dbo, 6, dbo.length));
        }
    }

    private static float[] shifted(float[] a, int off) {
        float[] b = new float[a.length + off];
        System.arraycopy(a, 0, b, off, a.length);
        return b;
    }

    /** Runs the three passes, returning Y, dX, dW and db concatenated. */
    private static float[] allPasses(ConvShape s, ConvAlgorithm a, float[] x, float[] w, float[] b, float[] dy) {
        float[] y = new float[s.outputSize()], dx = new float[s.inputSize()], dw = new float[s.weightSize()],
                db = new float[s.outC()];
        WinogradConv.forward(s, a, x, 0, w, 0, b, 0, y, 0);
        WinogradConv.backwardData(s, a, dy, 0, w, 0, dx, 0);
        WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 0f, dw, 0, db, 0);
        float[] all = new float[y.length + dx.length + dw.length + db.length];
        int o = 0;
        for (float[] part : new float[][] {y, dx, dw, db}) {
            System.arraycopy(part, 0, all, o, part.length);
            o += part.length;
        }
        return all;
    }

    /** The transformed input a forward pass keeps gives the weight gradient of transforming X again, bit for bit. */
    @Test
    void keptInputGivesTheSameWeightGradient() {
        SplittableRandom r = new SplittableRandom(19);
        List<ConvShape> all = new ArrayList<>(shapes());
        all.addAll(vggShapes());
        for (boolean chunked : new boolean[] {false, true}) {
            WinogradConv.chunkFloats = chunked ? 1 : ttl4j.engine.Tuning.CONV_WINOGRAD_CHUNK_FLOATS;
            WinogradConv.minChunkTiles = chunked ? 1 : 64;
            for (ConvShape s : all) {
                for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
                    String what = a.key() + " " + s + (chunked ? " in chunks" : "");
                    float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), b = gaussian(r, s.outC()),
                            dy = gaussian(r, s.outputSize());
                    float[] y1 = new float[s.outputSize()], y2 = new float[s.outputSize()];
                    float[] dw1 = new float[s.weightSize()], dw2 = new float[s.weightSize()];
                    float[] db1 = new float[s.outC()], db2 = new float[s.outC()];
                    // garbage where the kept input goes: every element must be written by the forward pass
                    float[] kept = new float[(int) WinogradConv.savedFloats(s, a)];
                    java.util.Arrays.fill(kept, Float.NaN);
                    WinogradConv.forward(s, a, x, 0, w, 0, b, 0, y1, 0);
                    WinogradConv.forward(s, a, x, 0, w, 0, b, 0, y2, 0, kept);
                    assertArrayEquals(y1, y2, "forward " + what);
                    WinogradConv.backwardWeights(s, a, x, 0, dy, 0, 0f, dw1, 0, db1, 0);
                    // X is not read again: zero it to be sure
                    WinogradConv.backwardWeights(s, a, new float[x.length], 0, dy, 0, 0f, dw2, 0, db2, 0, kept);
                    assertArrayEquals(dw1, dw2, "weight gradient " + what);
                    assertArrayEquals(db1, db2, "bias gradient " + what);
                }
            }
        }
    }

    @Test
    void theKeptInputIsCheckedByThePublicPasses() {
        ConvShape wino = ConvShape.of(4, 64, 32, 32, 64, 3, 1, 1), direct = ConvShape.of(2, 8, 8, 8, 8, 3, 2, 1);
        float[] wd = new float[direct.weightSize()];
        long need = Convolutions.savedInputFloats(wino);
        assertEquals(ConvAlgorithm.WINOGRAD_4X4, Convolutions.plan(wino).forward());
        assertEquals(WinogradConv.savedFloats(wino, ConvAlgorithm.WINOGRAD_4X4), need, "a winograd plan keeps its transformed input and filters");
        assertEquals(36L * 64 * 4 * 8 * 8 + 36L * 64 * 64, need, "t^2 C floats per tile, then t^2 K C");
        assertEquals(0, Convolutions.savedInputFloats(direct), "a direct plan keeps nothing");
        float[] x = new float[wino.inputSize()], w = new float[wino.weightSize()], y = new float[wino.outputSize()];
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Convolutions.forward(wino, x, 0, w, 0, null, 0, y, 0, new float[(int) need - 1]));
        assertTrue(e.getMessage().contains(need + " floats") && e.getMessage().contains("has " + (need - 1)), e.getMessage());
        float[] xd = new float[direct.inputSize()], yd = new float[direct.outputSize()];
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Convolutions.forward(direct, xd, 0, wd, 0, null, 0, yd, 0, new float[16]));
        assertTrue(e.getMessage().contains("keeps nothing"), e.getMessage());
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        SplittableRandom r = new SplittableRandom(17);
        for (boolean chunked : new boolean[] {false, true}) {
            ConvShape s = ConvShape.of(8, 32, 32, 32, 32, 3, 1, 1);
            for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
                // chunks of 688 (F(2x2)) and 296 (F(4x4)) tiles: several, each big enough to split
                WinogradConv.chunkFloats = chunked ? 1 : ttl4j.engine.Tuning.CONV_WINOGRAD_CHUNK_FLOATS;
                WinogradConv.minChunkTiles = chunked ? (a == ConvAlgorithm.WINOGRAD_2X2 ? 700 : 300) : 64;
                float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), b = gaussian(r, s.outC()),
                        dy = gaussian(r, s.outputSize());
                Parallel.setThreads(1);
                float[] one = allPasses(s, a, x, w, b, dy);
                Parallel.setThreads(2);
                long jobs = Parallel.jobsPublished();
                float[] two = allPasses(s, a, x, w, b, dy);
                assertTrue(Parallel.jobsPublished() > jobs, "the passes were split over threads");
                assertArrayEquals(one, two, a.key() + (chunked ? " in chunks" : ""));
            }
        }
    }

    @Test
    void windowsReadFromTheRowsGiveTheSameBitsAsTheStrips() {
        // widths of whole vectors of tiles and not (30: a partial last tile; 48: F(4x4) rows of 12
        // tiles, not a divisor of 16), padding 0 to 2, one image and several, one chunk and many;
        // the same switch turns the input gradient's image-by-image sums of one-tile images on and off
        List<ConvShape> shapes = List.of(ConvShape.of(3, 2, 32, 32, 3, 3, 1, 1), ConvShape.of(1, 3, 30, 30, 2, 3, 1, 1),
                ConvShape.of(2, 2, 16, 16, 3, 3, 1, 0), ConvShape.of(1, 2, 18, 48, 2, 3, 1, 2),
                ConvShape.of(2, 3, 20, 64, 2, 3, 1, 1), ConvShape.of(5, 2, 8, 8, 2, 3, 1, 1), ConvShape.of(1, 1, 4, 34, 1, 3, 1, 1),
                ConvShape.of(6, 3, 4, 4, 2, 3, 1, 1), ConvShape.of(4, 2, 3, 3, 2, 3, 1, 0));  // and one tile per image
        SplittableRandom r = new SplittableRandom(44);
        try {
            for (boolean chunked : new boolean[] {false, true}) {
                WinogradConv.minChunkTiles = chunked ? 16 : 64;
                WinogradConv.chunkFloats = chunked ? 1 : ttl4j.engine.Tuning.CONV_WINOGRAD_CHUNK_FLOATS;
                for (ConvShape s : shapes) {
                    float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), b = gaussian(r, s.outC()),
                            dy = gaussian(r, s.outputSize());
                    for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
                        WinogradConv.directWindows = false;
                        float[] strips = allPasses(s, a, x, w, b, dy);
                        WinogradConv.directWindows = true;
                        float[] rows = allPasses(s, a, x, w, b, dy);
                        assertArrayEquals(strips, rows, a.key() + " on " + s + (chunked ? " in chunks" : ""));
                    }
                }
            }
        } finally {
            WinogradConv.directWindows = true;
        }
    }

    @Test
    void bothGradientsAtOnceGiveTheSameBitsAsThePasses() {
        SplittableRandom r = new SplittableRandom(46);
        try {
            for (boolean chunked : new boolean[] {false, true}) {
                WinogradConv.minChunkTiles = chunked ? 16 : 64;
                WinogradConv.chunkFloats = chunked ? 1 : ttl4j.engine.Tuning.CONV_WINOGRAD_CHUNK_FLOATS;
                for (ConvShape s : List.of(ConvShape.of(3, 2, 32, 32, 3, 3, 1, 1), ConvShape.of(2, 5, 11, 13, 6, 3, 1, 1),
                        ConvShape.of(4, 8, 4, 4, 6, 3, 1, 1), ConvShape.of(1, 3, 6, 9, 2, 3, 1, 0))) {
                    for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
                        float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), dy = gaussian(r, s.outputSize());
                        float[] saved = new float[(int) WinogradConv.savedFloats(s, a)];
                        WinogradConv.forward(s, a, x, 0, w, 0, null, 0, new float[s.outputSize()], 0, saved);
                        for (float beta : new float[] {0f, 1f}) {
                            float[] dw1 = gaussian(r, s.weightSize()), db1 = gaussian(r, s.outC()), dx1 = gaussian(r, s.inputSize());
                            float[] dw2 = dw1.clone(), db2 = db1.clone(), dx2 = gaussian(r, s.inputSize());
                            WinogradConv.backwardWeights(s, a, x, 0, dy, 0, beta, dw1, 0, db1, 0, saved);
                            WinogradConv.backwardData(s, a, dy, 0, w, 0, dx1, 0);
                            WinogradConv.backward(s, a, x, 0, dy, 0, w, 0, beta, dw2, 0, db2, 0, saved, dx2, 0);
                            String what = a.key() + " on " + s + ", beta " + beta + (chunked ? " in chunks" : "");
                            assertArrayEquals(dw1, dw2, "dW, " + what);
                            assertArrayEquals(db1, db2, "db, " + what);
                            assertArrayEquals(dx1, dx2, "dX, " + what);
                        }
                    }
                }
            }
        } finally {
            WinogradConv.minChunkTiles = 64;
            WinogradConv.chunkFloats = ttl4j.engine.Tuning.CONV_WINOGRAD_CHUNK_FLOATS;
        }
        // through the public entry: one that runs Winograd and one that does not (the two passes)
        for (ConvShape s : List.of(ConvShape.of(2, 32, 16, 16, 8, 3, 1, 1), ConvShape.of(2, 3, 9, 9, 4, 3, 2, 1))) {
            float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), dy = gaussian(r, s.outputSize());
            long keep = Convolutions.savedInputFloats(s);
            float[] saved = keep == 0 ? null : new float[(int) keep];
            Convolutions.forward(s, x, 0, w, 0, null, 0, new float[s.outputSize()], 0, saved);
            float[] dw1 = new float[s.weightSize()], dx1 = new float[s.inputSize()], dw2 = new float[s.weightSize()],
                    dx2 = new float[s.inputSize()];
            Convolutions.backwardWeights(s, x, 0, dy, 0, 0f, dw1, 0, null, 0, saved);
            Convolutions.backwardData(s, dy, 0, w, 0, dx1, 0);
            Convolutions.backward(s, x, 0, dy, 0, w, 0, 0f, dw2, 0, null, 0, saved, dx2, 0);
            assertArrayEquals(dw1, dw2, "dW through the plan of " + s);
            assertArrayEquals(dx1, dx2, "dX through the plan of " + s);
        }
        ConvShape s = ConvShape.of(1, 32, 8, 8, 2, 3, 1, 1);
        assertEquals(ConvAlgorithm.WINOGRAD_4X4, Convolutions.plan(s).backwardData());
        float[] both = new float[s.inputSize() + s.weightSize()];
        assertThrows(IllegalArgumentException.class, () -> Convolutions.backward(s, new float[s.inputSize()], 0,
                new float[s.outputSize()], 0, new float[s.weightSize()], 0, 0f, both, s.inputSize() - 1, null, 0,
                new float[(int) Math.max(1, Convolutions.savedInputFloats(s))], both, 0));
    }

    @Test
    void windowRowsMatchTheScalarTwin() {
        WinogradTransforms scalar = ScalarWinogradTransforms.INSTANCE;
        WinogradTransforms vector = new VectorWinogradTransforms();
        SplittableRandom r = new SplittableRandom(45);
        for (int m : new int[] {2, 4}) {
            for (int tilesW : new int[] {1, 2, 3, 4, 8, 12, 16, 32}) {
                for (int count : new int[] {1, m, m + 2}) {
                    for (int col0 = -2; col0 <= 1; col0++) {
                        for (int tileRows : new int[] {1, 2, 3, 5, 9}) {
                            int n = tilesW * tileRows, width = tilesW * m - r.nextInt(m) + (col0 < 0 ? 0 : 1);
                            float[] src = gaussian(r, 4 * width * tileRows + 7);
                            int[] rows = new int[tileRows + 1];
                            for (int i = 0; i < rows.length; i++) rows[i] = r.nextInt(5) == 0 ? -1 : r.nextInt(src.length - width + 1);
                            rows[0] = 0;  // a row at the array's start, its padding before it
                            rows[tileRows - 1] = src.length - width;  // and one at its end
                            int stride = n + 3;
                            float[] d1 = gaussian(r, 2 + count * stride), d2 = d1.clone();
                            scalar.windowRow(src, rows, tilesW, m, count, col0, width, d1, 2, stride, n);
                            vector.windowRow(src, rows, tilesW, m, count, col0, width, d2, 2, stride, n);
                            assertArrayEquals(d1, d2, "m " + m + ", " + tilesW + " tiles a row, " + count + " columns from " + col0
                                    + ", width " + width + ", " + tileRows + " rows");
                            // and back: the rows of one tile row's windows added into an image, rows
                            // overlapping and at the array's ends
                            int[] back = new int[tileRows];
                            for (int i = 0; i < tileRows; i++) back[i] = r.nextInt(5) == 0 ? -1 : r.nextInt(src.length - width + 1);
                            back[0] = 0;
                            back[tileRows - 1] = src.length - width;
                            float[] w1 = src.clone(), w2 = src.clone(), from = gaussian(r, 1 + count * tileRows * stride);
                            scalar.windowsAdd(from, 1, stride, back, tileRows, tilesW, m, count, col0, width, w1);
                            vector.windowsAdd(from, 1, stride, back, tileRows, tilesW, m, count, col0, width, w2);
                            assertArrayEquals(w1, w2, "adding back: m " + m + ", " + tilesW + " tiles a row, " + count
                                    + " columns from " + col0 + ", width " + width + ", " + tileRows + " rows");
                            // and an output row from its tiles' columns, with and without an addend
                            for (boolean add : new boolean[] {false, true}) {
                                float[] o1 = gaussian(r, width + 3), o2 = o1.clone(), tiles = gaussian(r, 1 + m * stride + r.nextInt(20));
                                scalar.windowsStore(tiles, 1, stride, tilesW, m, width, add, -0.5f, o1, 2);
                                vector.windowsStore(tiles, 1, stride, tilesW, m, width, add, -0.5f, o2, 2);
                                assertArrayEquals(o1, o2, "an output row: m " + m + ", " + tilesW + " tiles, width " + width + ", add " + add);
                            }
                        }
                    }
                }
            }
        }
        for (int width = 0; width <= 20; width++) {  // strip rows: short and long, near the arrays' ends
            for (int pad = 0; pad <= 4; pad++) {
                for (int extra = 0; extra <= 2; extra++) {
                    float[] from = gaussian(r, width + 20);
                    int dWidth = pad + width + extra;
                    for (int sOff : new int[] {0, 3, 20}) {
                        for (int dOff : new int[] {0, 5}) {
                            float[] d1 = gaussian(r, dOff + dWidth + (dOff == 0 ? 0 : 9)), d2 = d1.clone();
                            scalar.padRow(from, sOff, width, pad, d1, dOff, dWidth);
                            vector.padRow(from, sOff, width, pad, d2, dOff, dWidth);
                            // the same row, nothing before it touched (past it, zeros may be written)
                            assertArrayEquals(java.util.Arrays.copyOf(d1, dOff + dWidth), java.util.Arrays.copyOf(d2, dOff + dWidth),
                                    "strip row of " + width + " padded by " + pad + " to " + dWidth);
                            for (int i = dOff + dWidth; i < d2.length; i++) assertTrue(d2[i] == 0f || d2[i] == d1[i]);
                        }
                    }
                }
            }
        }
        // the specification itself: a row outside the image and the padding read as zeros
        float[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        float[] d = new float[8];
        scalar.windowRow(src, new int[] {2, -1}, 2, 2, 2, -1, 4, d, 0, 4, 4);
        assertArrayEquals(new float[] {0, 4, 0, 0, 3, 5, 0, 0}, d);
        float[] img = new float[6];
        scalar.windowsAdd(new float[] {1, 2, 10, 20, 100, 200}, 0, 2, new int[] {1, -1}, 2, 2, 2, 1, -1, 4, img);
        assertArrayEquals(new float[] {0, 0, 2, 0, 0, 0}, img);  // columns -1 and 1 of the row at 1: only 1 is inside
    }

    @Test
    void vectorTransformsMatchTheScalarTwinBitwise() {
        WinogradTransforms scalar = ScalarWinogradTransforms.INSTANCE;
        WinogradTransforms vector = new VectorWinogradTransforms();
        SplittableRandom r = new SplittableRandom(18);
        int[] sizes = {0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 211, 1024, 1031};
        for (WinogradMatrices wm : new WinogradMatrices[] {WinogradMatrices.F2, WinogradMatrices.F4}) {
            int t = wm.t, m = wm.m;
            Object[][] cases = {{t, t, wm.bt}, {t, t, wm.b}, {m, t, wm.at}, {t, m, wm.a}, {t, 3, wm.g}, {3, t, wm.gt}};
            for (Object[] cs : cases) {
                int ro = (int) cs[0], ri = (int) cs[1];
                float[] mat = (float[]) cs[2];
                for (int n : sizes) {
                    int ss = n + 3, ds = n + 1;
                    float[] src = gaussian(r, 2 + ri * ss);
                    float[] d1 = new float[5 + ro * ds], d2 = new float[5 + ro * ds];
                    scalar.combine(ro, ri, mat, src, 2, ss, d1, 5, ds, n);
                    vector.combine(ro, ri, mat, src, 2, ss, d2, 5, ds, n);
                    assertArrayEquals(d1, d2, "combine " + ro + "x" + ri + " over " + n);
                }
            }
        }
        for (int n : sizes) {  // the gathers: a scrambled map with repeats, offsets on every side
            float[] src = gaussian(r, 3 * n + 7);
            int[] idx = new int[n + 4];
            for (int j = 0; j < idx.length; j++) idx[j] = r.nextInt(3 * n + 4);
            float[] d1 = new float[n + 6], d2 = new float[n + 6], d3 = new float[n + 6], d4 = new float[n + 6];
            scalar.gather(src, 3, idx, 2, d1, 4, n);
            vector.gather(src, 3, idx, 2, d2, 4, n);
            assertArrayEquals(d1, d2, "gather over " + n);
            scalar.gatherAdd(src, 3, idx, 2, -0.75f, d3, 4, n);
            vector.gatherAdd(src, 3, idx, 2, -0.75f, d4, 4, n);
            assertArrayEquals(d3, d4, "gatherAdd over " + n);
            for (int j = 0; j < n; j++) assertEquals(src[3 + idx[2 + j]], d1[4 + j]);
            assertEquals(0f, d1[3]);
            assertEquals(0f, d1[4 + n]);
        }
        assertEquals(Engine.isVectorized() ? vector.name() : scalar.name(), WinogradConv.TRANSFORMS.name());
    }

    @Test
    void workspaceIsBoundedForLargeBatches() {
        for (ConvShape s : vggShapes()) {
            for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
                for (Convolutions.Pass p : Convolutions.Pass.values()) {
                    long big = WinogradConv.workspaceFloats(s.withBatch(1024), a, p);
                    assertEquals(big, WinogradConv.workspaceFloats(s.withBatch(4096), a, p), s + " " + a);
                    assertTrue(big > 0);
                }
            }
        }
        ConvShape s = ConvShape.of(64, 64, 32, 32, 64, 3, 1, 1);
        long ws = Convolutions.plan(s, ConvAlgorithm.WINOGRAD_4X4).workspaceFloats();
        assertTrue(ws < s.inputSize(), "workspace " + ws + " floats vs the input's " + s.inputSize());
    }

    @Test
    void workspaceFloatsIsWhatThePassesAllocate() throws Exception {
        Parallel.setThreads(2);
        SplittableRandom r = new SplittableRandom(19);
        for (ConvShape s : List.of(ConvShape.of(4, 16, 32, 32, 32, 3, 1, 1), ConvShape.of(2, 64, 8, 8, 48, 3, 1, 1))) {
            for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_2X2, ConvAlgorithm.WINOGRAD_4X4}) {
                float[] x = gaussian(r, s.inputSize()), w = gaussian(r, s.weightSize()), dy = gaussian(r, s.outputSize());
                long[] got = new long[2];
                Thread t = new Thread(() -> {  // a fresh thread: an empty workspace cache
                    allPasses(s, a, x, w, null, dy);
                    got[0] = WinogradConv.cachedFloats();
                    allPasses(s, a, x, w, null, dy);
                    got[1] = WinogradConv.cachedFloats();
                });
                t.start();
                t.join();
                long want = 0;
                for (Convolutions.Pass p : Convolutions.Pass.values()) want = Math.max(want, WinogradConv.workspaceFloats(s, a, p));
                assertTrue(got[0] <= want && got[0] >= want / 2, s + " " + a + ": cached " + got[0] + ", stated " + want);
                assertEquals(got[0], got[1], "a warm workspace does not grow");
            }
        }
    }

    @Test
    void onlyThreeByThreeUnitStrideApplies() {
        assertTrue(!ConvAlgorithm.WINOGRAD_2X2.applies(ConvShape.of(1, 1, 8, 8, 1, 3, 2, 1)));
        assertTrue(!ConvAlgorithm.WINOGRAD_4X4.applies(ConvShape.of(1, 1, 8, 8, 1, 5, 1, 2)));
        assertTrue(!ConvAlgorithm.WINOGRAD_4X4.applies(new ConvShape(1, 1, 9, 9, 1, 3, 3, 1, 1, 2, 2, 2, 2)));
        assertTrue(ConvAlgorithm.WINOGRAD_4X4.applies(ConvShape.of(1, 1, 8, 8, 1, 3, 1, 3)));
    }
}
