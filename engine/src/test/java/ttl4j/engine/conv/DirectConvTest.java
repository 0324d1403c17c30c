package ttl4j.engine.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Parallel;

/**
 * Direct convolution (implicit GEMM) against the double-precision seven-loop reference, with a
 * scale-free tolerance (error over the sum of the terms' magnitudes), over awkward shapes, the VGG
 * layers and forced blockings that cut blocks inside output rows; and bitwise identical for 1 and
 * 2 threads.
 */
class DirectConvTest {
    /** Float sums of up to a few thousand terms in a different order from the reference's. */
    private static final double TOL = 1e-5;

    /** The nine distinct VGG-16 3x3 layers on 32x32 inputs, at batch 2. */
    static List<ConvShape> vggShapes() {
        int[][] l = {{3, 64, 32}, {64, 64, 32}, {64, 128, 16}, {128, 128, 16}, {128, 256, 8}, {256, 256, 8}, {256, 512, 4},
                {512, 512, 4}, {512, 512, 2}};
        List<ConvShape> out = new ArrayList<>();
        for (int[] v : l) out.add(ConvShape.of(2, v[0], v[2], v[2], v[1], 3, 1, 1));
        return out;
    }

    /** More awkward shapes: 1x1 pointwise (read in place), 1x1 strided and padded, stride 2 with W odd, Q = W with P != H. */
    static List<ConvShape> moreShapes() {
        List<ConvShape> l = new ArrayList<>();
        l.add(ConvShape.of(3, 6, 5, 7, 4, 1, 1, 0));
        l.add(ConvShape.of(2, 3, 6, 5, 4, 1, 2, 1));
        l.add(new ConvShape(2, 3, 9, 7, 5, 3, 3, 2, 1, 1, 0, 1, 2));
        l.add(ConvShape.of(4, 2, 3, 3, 3, 3, 1, 1));
        l.add(new ConvShape(2, 2, 5, 6, 3, 2, 3, 1, 1, 0, 1, 1, 1));  // Q = W but P = H - 1
        l.add(new ConvShape(2, 2, 4, 5, 3, 3, 3, 1, 1, 3, 1, 1, 1));  // Q = W, whole output rows in the padding
        l.add(ConvShape.of(2, 1, 6, 5, 12, 3, 1, 1));  // K > C R S: the weight gradient computed transposed
        l.add(ConvShape.of(2, 2, 4, 4, 8, 1, 1, 0));   // the same, pointwise
        return l;
    }

    static List<ConvShape> allSmall() {
        List<ConvShape> l = new ArrayList<>(ScalarConvTest.awkwardShapes());
        l.addAll(moreShapes());
        return l;
    }

    private static float[] random(SplittableRandom r, int n) {
        return ScalarConvTest.random(r, n);
    }

    static void checkForward(ConvShape s, float[] x, float[] w, float[] b, float[] y, String what) {
        double err = ConvReference.worstRelative(y, 0, ConvReference.forward(s, x, w, b), ConvReference.forwardScale(s, x, w, b));
        assertTrue(err < TOL, what + " " + s + ": forward error " + err);
    }

    static void checkData(ConvShape s, float[] dy, float[] w, float[] dx, String what) {
        double[] want = ConvReference.backwardData(s, dy, w);
        double[] scale = ConvReference.backwardData(s, ConvReference.abs(dy), ConvReference.abs(w));
        double err = ConvReference.worstRelative(dx, 0, want, scale);
        assertTrue(err < TOL, what + " " + s + ": input gradient error " + err);
    }

    /** dW and db against the reference plus {@code before} (beta 1) or alone (beta 0). */
    static void checkWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] db, float[] before, String what) {
        double[] want = ConvReference.backwardWeights(s, x, dy);
        double[] scale = ConvReference.backwardWeights(s, ConvReference.abs(x), ConvReference.abs(dy));
        if (before != null) {
            for (int i = 0; i < want.length; i++) {
                want[i] += before[i];
                scale[i] += Math.abs(before[i]);
            }
        }
        float[] both = new float[want.length];
        System.arraycopy(dw, 0, both, 0, dw.length);
        System.arraycopy(db, 0, both, dw.length, db.length);
        double err = ConvReference.worstRelative(both, 0, want, scale);
        assertTrue(err < TOL, what + " " + s + ": weight and bias gradient error " + err);
    }

    static float[] garbage(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i % 3 == 0 ? Float.NaN : i % 3 == 1 ? 1e30f : -7f;
        return a;
    }

    @Test
    void forwardMatchesTheReference() {
        SplittableRandom r = new SplittableRandom(2);
        List<ConvShape> shapes = allSmall();
        shapes.addAll(vggShapes());
        for (ConvShape s : shapes) {
            float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC());
            float[] y = garbage(s.outputSize());
            Convolutions.forward(s, ConvAlgorithm.DIRECT, x, 0, w, 0, b, 0, y, 0);
            checkForward(s, x, w, b, y, "with bias");
            y = garbage(s.outputSize());
            Convolutions.forward(s, ConvAlgorithm.DIRECT, x, 0, w, 0, null, 0, y, 0);
            checkForward(s, x, w, null, y, "no bias");
        }
    }

    @Test
    void inputGradientMatchesTheReference() {
        SplittableRandom r = new SplittableRandom(3);
        List<ConvShape> shapes = allSmall();
        shapes.addAll(vggShapes());
        for (ConvShape s : shapes) {
            float[] dy = random(r, s.outputSize()), w = random(r, s.weightSize());
            float[] dx = garbage(s.inputSize());
            DirectConv.backwardData(s, dy, 0, w, 0, dx, 0);
            checkData(s, dy, w, dx, "direct");
        }
    }

    @Test
    void weightGradientMatchesTheReferenceForBothBetas() {
        SplittableRandom r = new SplittableRandom(4);
        List<ConvShape> shapes = allSmall();
        shapes.addAll(vggShapes());
        for (ConvShape s : shapes) {
            float[] x = random(r, s.inputSize()), dy = random(r, s.outputSize());
            float[] dw = garbage(s.weightSize()), db = garbage(s.outC());
            DirectConv.backwardWeights(s, x, 0, dy, 0, 0f, dw, 0, db, 0);
            checkWeights(s, x, dy, dw, db, null, "beta 0 over garbage");
            float[] before = random(r, s.weightSize() + s.outC());
            dw = Arrays.copyOf(before, s.weightSize());
            db = Arrays.copyOfRange(before, s.weightSize(), before.length);
            DirectConv.backwardWeights(s, x, 0, dy, 0, 1f, dw, 0, db, 0);
            checkWeights(s, x, dy, dw, db, before, "beta 1");
            // no bias gradient asked for: dW alone
            float[] dw2 = garbage(s.weightSize());
            DirectConv.backwardWeights(s, x, 0, dy, 0, 0f, dw2, 0, null, 0);
            float[] dw0 = new float[s.weightSize()];
            DirectConv.backwardWeights(s, x, 0, dy, 0, 0f, dw0, 0, new float[s.outC()], 0);
            FloatAsserts.assertBitwiseEqual(s + ": dW without db", dw0, dw2);
        }
    }

    /** Blocks that end inside output rows, one image per block or several, and weight tasks of a few patch rows. */
    @Test
    void everyBlockingGivesTheSameConvolution() {
        SplittableRandom r = new SplittableRandom(5);
        for (ConvShape s : allSmall()) {
            int pq = s.outH() * s.outW();
            List<DirectConv.Blocking> blockings = new ArrayList<>();
            for (int pc : new int[] {1, 2, 3, 7, pq - 1, pq}) if (pc >= 1) blockings.add(DirectConv.Blocking.pieces(s, pc));
            for (int g : new int[] {1, 2, 3}) blockings.add(DirectConv.Blocking.images(s, g));
            float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC());
            float[] dy = random(r, s.outputSize());
            int crs = s.inC() * s.kh() * s.kw();
            for (DirectConv.Blocking bl : blockings) {
                String what = bl.toString();
                float[] y = garbage(s.outputSize());
                DirectConv.forward(s, bl, x, 0, w, 0, b, 0, y, 0);
                checkForward(s, x, w, b, y, what);
                float[] dx = garbage(s.inputSize());
                DirectConv.backwardData(s, bl, dy, 0, w, 0, dx, 0);
                checkData(s, dy, w, dx, what);
                for (int wr : new int[] {1, 2, crs}) {
                    float[] dw = garbage(s.weightSize()), db = garbage(s.outC());
                    DirectConv.backwardWeights(s, bl, wr, x, 0, dy, 0, 0f, dw, 0, db, 0);
                    checkWeights(s, x, dy, dw, db, null, what + ", " + wr + " rows per task");
                }
            }
        }
    }

    /** The dot-product weight gradient (used for few patch rows) over every blocking and shape, with the kernels in use and the scalar twin. */
    @Test
    void dotProductWeightGradientMatchesTheReference() {
        SplittableRandom r = new SplittableRandom(11);
        List<LaneDots> impls = new ArrayList<>(List.of(new ScalarLaneDots(1), new ScalarLaneDots(4)));
        if (DirectConv.DOTS != null) impls.add(DirectConv.DOTS);
        List<ConvShape> shapes = allSmall();
        shapes.add(ConvShape.of(3, 3, 32, 32, 64, 3, 1, 1));
        shapes.add(ConvShape.of(2, 3, 9, 9, 10, 3, 1, 1));
        for (ConvShape s : shapes) {
            int pq = s.outH() * s.outW();
            List<DirectConv.Blocking> blockings = new ArrayList<>(List.of(DirectConv.Blocking.of(s, 27)));
            for (int pc : new int[] {1, 7, pq - 1, pq}) if (pc >= 1) blockings.add(DirectConv.Blocking.pieces(s, pc));
            for (int g : new int[] {1, 2, 3}) blockings.add(DirectConv.Blocking.images(s, g));
            float[] x = random(r, s.inputSize()), dy = random(r, s.outputSize());
            for (LaneDots dots : impls) {
                for (DirectConv.Blocking bl : blockings) {
                    String what = dots.name() + " " + dots.lanes() + " lanes, " + bl;
                    float[] dw = garbage(s.weightSize()), db = garbage(s.outC());
                    DirectConv.backwardWeightsByDots(dots, s, bl, x, 0, dy, 0, 0f, dw, 0, db, 0);
                    checkWeights(s, x, dy, dw, db, null, what);
                    float[] before = random(r, s.weightSize() + s.outC());
                    dw = Arrays.copyOf(before, s.weightSize());
                    db = Arrays.copyOfRange(before, s.weightSize(), before.length);
                    DirectConv.backwardWeightsByDots(dots, s, bl, x, 0, dy, 0, 1f, dw, 0, db, 0);
                    checkWeights(s, x, dy, dw, db, before, what + ", beta 1");
                }
            }
        }
    }

    /** The vector dot products give the scalar twin's partial sums bit for bit, whatever the tile edges, tails and offsets. */
    @Test
    void vectorDotsMatchTheScalarTwinBitwise() {
        LaneDots vector = DirectConv.DOTS;
        if (vector == null) return; // scalar kernels: the GEMM path is used
        LaneDots scalar = new ScalarLaneDots(vector.lanes());
        SplittableRandom r = new SplittableRandom(12);
        int[][] mn = {{1, 1}, {4, 6}, {4, 27}, {5, 7}, {64, 27}, {3, 2}, {8, 9}, {7, 13}, {12, 4}};
        int[] ks = {0, 1, 5, 15, 16, 17, 100, 511, 512, 513, 1024, 1100};
        int l = vector.lanes();
        for (int[] c : mn) {
            for (int k : ks) {
                int m = c[0], n = c[1], lda = k + 3, ldb = k + 5;
                float[] a = random(r, 2 + m * lda), b = random(r, 1 + n * ldb);
                float[] s1 = random(r, 3 + m * n * l), s2 = s1.clone();
                scalar.accumulate(m, n, k, a, 2, lda, b, 1, ldb, s1, 3);
                vector.accumulate(m, n, k, a, 2, lda, b, 1, ldb, s2, 3);
                FloatAsserts.assertBitwiseEqual(m + "x" + n + " over " + k, s1, s2);
            }
        }
    }

    /** The forward pass by narrow products (used for few patch rows) over every blocking, with the kernels in use and the scalar twin. */
    @Test
    void narrowForwardMatchesTheReference() {
        SplittableRandom r = new SplittableRandom(13);
        List<NarrowProducts> impls = new ArrayList<>(List.of(ScalarNarrowProducts.INSTANCE));
        if (DirectConv.PRODUCTS != null) impls.add(DirectConv.PRODUCTS);
        List<ConvShape> shapes = allSmall();
        shapes.add(ConvShape.of(3, 3, 32, 32, 64, 3, 1, 1));
        shapes.add(ConvShape.of(2, 3, 9, 9, 10, 3, 1, 1));
        for (ConvShape s : shapes) {
            int pq = s.outH() * s.outW();
            List<DirectConv.Blocking> blockings = new ArrayList<>(List.of(DirectConv.Blocking.of(s, 27)));
            for (int pc : new int[] {1, 7, pq - 1, pq}) if (pc >= 1) blockings.add(DirectConv.Blocking.pieces(s, pc));
            for (int g : new int[] {1, 2, 3}) blockings.add(DirectConv.Blocking.images(s, g));
            float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC());
            for (NarrowProducts np : impls) {
                for (DirectConv.Blocking bl : blockings) {
                    for (float[] bias : new float[][] {b, null}) {
                        float[] y = garbage(s.outputSize());
                        for (int i = 0; i < bl.blocks(); i++) DirectConv.forwardNarrow(np, s, bl, i, x, 0, w, 0, bias, 0, y, 0, true);
                        checkForward(s, x, w, bias, y, np.name() + " " + bl + (bias == null ? ", no bias" : ""));
                    }
                }
            }
        }
    }

    /** The vector narrow products give the scalar twin's bits, whatever the tile edges, tails and offsets. */
    @Test
    void vectorNarrowProductsMatchTheScalarTwinBitwise() {
        NarrowProducts vector = DirectConv.PRODUCTS;
        if (vector == null) return; // scalar kernels: the GEMM path is used
        SplittableRandom r = new SplittableRandom(14);
        int[] ms = {1, 5, 6, 7, 12, 64};
        int[] ns = {0, 1, 15, 16, 17, 63, 64, 65, 100, 1024};
        for (int m : ms) {
            for (int n : ns) {
                for (int k : new int[] {1, 3, 27}) {
                    int ldb = n + 3, ldc = n + 2;
                    float[] a = random(r, 1 + m * k), b = random(r, 2 + k * ldb), bias = random(r, 3 + m);
                    for (float[] bb : new float[][] {bias, null}) {
                        float[] c1 = random(r, 4 + m * ldc), c2 = c1.clone();
                        ScalarNarrowProducts.INSTANCE.multiply(m, n, k, a, 1, b, 2, ldb, bb, 3, c1, 4, ldc);
                        vector.multiply(m, n, k, a, 1, b, 2, ldb, bb, 3, c2, 4, ldc);
                        FloatAsserts.assertBitwiseEqual(m + "x" + n + "x" + k, c1, c2);
                    }
                }
            }
        }
    }

    /** Offsets into larger arrays are honoured for every operand. */
    @Test
    void offsetsAreHonoured() {
        SplittableRandom r = new SplittableRandom(6);
        for (ConvShape s : List.of(ConvShape.of(2, 3, 7, 6, 4, 3, 1, 1), ConvShape.of(3, 6, 5, 7, 4, 1, 1, 0))) {
            int o = 5;
            float[] x = random(r, s.inputSize() + o), w = random(r, s.weightSize() + o), b = random(r, s.outC() + o);
            float[] dy = random(r, s.outputSize() + o);
            float[] x0 = Arrays.copyOfRange(x, o, x.length), w0 = Arrays.copyOfRange(w, o, w.length);
            float[] b0 = Arrays.copyOfRange(b, o, b.length), dy0 = Arrays.copyOfRange(dy, o, dy.length);
            float[] y = new float[s.outputSize() + o], y0 = new float[s.outputSize()];
            DirectConv.forward(s, x, o, w, o, b, o, y, o);
            DirectConv.forward(s, x0, 0, w0, 0, b0, 0, y0, 0);
            FloatAsserts.assertBitwiseEqual(s + ": forward with offsets", y0, Arrays.copyOfRange(y, o, y.length));
            assertEquals(0f, y[o - 1]);
            float[] dx = new float[s.inputSize() + o], dx0 = new float[s.inputSize()];
            DirectConv.backwardData(s, dy, o, w, o, dx, o);
            DirectConv.backwardData(s, dy0, 0, w0, 0, dx0, 0);
            FloatAsserts.assertBitwiseEqual(s + ": input gradient with offsets", dx0, Arrays.copyOfRange(dx, o, dx.length));
            float[] dw = new float[s.weightSize() + o], db = new float[s.outC() + o];
            float[] dw0 = new float[s.weightSize()], db0 = new float[s.outC()];
            DirectConv.backwardWeights(s, x, o, dy, o, 0f, dw, o, db, o);
            DirectConv.backwardWeights(s, x0, 0, dy0, 0, 0f, dw0, 0, db0, 0);
            FloatAsserts.assertBitwiseEqual(s + ": dW with offsets", dw0, Arrays.copyOfRange(dw, o, dw.length));
            FloatAsserts.assertBitwiseEqual(s + ": db with offsets", db0, Arrays.copyOfRange(db, o, db.length));
        }
    }

    /** Shapes large enough to be split: pieces of one image, whole images per block, one block, pointwise, stride 2. */
    static List<ConvShape> parallelShapes() {
        return List.of(ConvShape.of(3, 64, 32, 32, 64, 3, 1, 1), ConvShape.of(8, 256, 8, 8, 256, 3, 1, 1),
                ConvShape.of(4, 512, 2, 2, 512, 3, 1, 1), ConvShape.of(16, 64, 16, 16, 128, 1, 1, 0),
                ConvShape.of(40, 32, 17, 17, 48, 3, 2, 1), ConvShape.of(16, 3, 32, 32, 64, 3, 1, 1));
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int before = Parallel.threads();
        SplittableRandom r = new SplittableRandom(7);
        try {
            for (ConvShape s : parallelShapes()) {
                float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC());
                float[] dy = random(r, s.outputSize()), prior = random(r, s.weightSize() + s.outC());
                float[][][] got = new float[2][][];
                long[] jobs = new long[2];
                for (int t = 1; t <= 2; t++) {
                    Parallel.setThreads(t);
                    long j0 = Parallel.jobsPublished();
                    float[] y = new float[s.outputSize()], dx = new float[s.inputSize()];
                    float[] dw = Arrays.copyOf(prior, s.weightSize()), db = Arrays.copyOfRange(prior, s.weightSize(), prior.length);
                    float[] dw0 = garbage(s.weightSize()), db0 = garbage(s.outC());
                    Convolutions.forward(s, ConvAlgorithm.DIRECT, x, 0, w, 0, b, 0, y, 0);
                    DirectConv.backwardData(s, dy, 0, w, 0, dx, 0);
                    DirectConv.backwardWeights(s, x, 0, dy, 0, 1f, dw, 0, db, 0);
                    DirectConv.backwardWeights(s, x, 0, dy, 0, 0f, dw0, 0, db0, 0);
                    got[t - 1] = new float[][] {y, dx, dw, db, dw0, db0};
                    jobs[t - 1] = Parallel.jobsPublished() - j0;
                }
                assertEquals(0, jobs[0], s + ": one thread used the pool");
                assertTrue(jobs[1] > 0, s + ": two threads never split the work");
                String[] names = {"forward", "input gradient", "dW (beta 1)", "db (beta 1)", "dW (beta 0)", "db (beta 0)"};
                for (int i = 0; i < names.length; i++) {
                    FloatAsserts.assertBitwiseEqual(s + ": " + names[i] + ", 1 vs 2 threads", got[0][i], got[1][i]);
                }
                checkForward(s, x, w, b, got[1][0], "2 threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void theWorkspaceIsReported() {
        ConvShape s = ConvShape.of(64, 64, 32, 32, 64, 3, 1, 1);
        ConvPlan p = Convolutions.plan(s, ConvAlgorithm.DIRECT);
        assertTrue(p.workspaceFloats() > 0, p.toString());
        // bounded independently of the batch: the blocks are the same for 64 images as for 8
        assertEquals(Convolutions.plan(s.withBatch(8), ConvAlgorithm.DIRECT).workspaceFloats(), p.workspaceFloats());
        // a 1x1 stride-1 convolution of whole images reads X in place for the forward pass
        assertEquals(0, DirectConv.workspaceFloats(ConvShape.of(1, 64, 32, 32, 64, 1, 1, 0), Convolutions.Pass.FORWARD));
    }
}
