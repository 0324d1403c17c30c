package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ttl4j.nn.GradientCheckTest.check;
import static ttl4j.nn.GradientCheckTest.input;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;

/** The convolutional layers: gradients against double finite differences, and their PyTorch semantics. */
class ConvLayersTest {

    private static Conv2d conv(int c, int k, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean bias, long seed) {
        return new Conv2d(c, k, kh, kw, sh, sw, ph, pw, dh, dw, bias, new SplittableRandom(seed));
    }

    @Test
    void convGradientsOnAwkwardShapes() {
        check("conv 3x3 p1", conv(3, 4, 3, 3, 1, 1, 1, 1, 1, 1, true, 1), input(2, 2, 3, 5, 7), 3);
        check("conv 3x5 s2x1 p1x2", conv(2, 3, 3, 5, 2, 1, 1, 2, 1, 1, true, 4), input(5, 2, 2, 7, 6), 6);
        check("conv dilation 2 stride 2", conv(2, 2, 3, 3, 2, 2, 0, 1, 2, 2, true, 7), input(8, 3, 2, 9, 8), 9);
        check("conv dilation 2x1, no bias", conv(3, 2, 2, 3, 1, 2, 1, 0, 2, 1, false, 10), input(11, 2, 3, 6, 7), 12);
        check("conv 1x1", conv(5, 3, 1, 1, 1, 1, 0, 0, 1, 1, true, 13), input(14, 2, 5, 3, 4), 15);
        check("conv kernel wider than the input", conv(1, 2, 3, 5, 1, 1, 1, 2, 1, 1, true, 16), input(17, 1, 1, 2, 3), 18);
        check("conv batch 1, prime sizes", conv(3, 5, 3, 3, 2, 3, 2, 1, 1, 1, true, 19), input(20, 1, 3, 11, 13), 21);
    }

    /**
     * What the profile reports of a layer ({@link Layer#work}): the direct multiply-adds of each pass
     * over the batch, without the input gradient in a first layer, and the plan's algorithm per pass.
     */
    @Test
    void workCountsEachPassAndNamesItsAlgorithm() {
        Conv2d c = conv(64, 128, 3, 3, 1, 1, 1, 1, 1, 1, true, 60);
        long f = 64L * 128 * 9 * 16 * 16 * 8;
        Layer.Work w = c.work(new int[] {64, 16, 16}, 8);
        assertEquals(f, w.forward());
        assertEquals(2 * f, w.backward());
        ttl4j.engine.conv.ConvPlan p = ttl4j.engine.conv.Convolutions.plan(c.convShape(8, 16, 16));
        assertEquals(p.forward().key() + " / " + p.backwardData().key() + " / " + p.backwardWeights().key(), w.algorithm());
        c.setInputGradNeeded(false);
        Layer.Work first = c.work(new int[] {64, 16, 16}, 8);
        assertEquals(f, first.backward(), "a first layer computes no input gradient");
        assertTrue(first.algorithm().contains(" / - / "), first.algorithm());
        Dense d = new Dense(30, 7, Init.HE, new SplittableRandom(1));
        assertEquals(new Layer.Work(5 * 30 * 7, 2 * 5 * 30 * 7, "gemm"), d.work(new int[] {30}, 5));
        d.setInputGradNeeded(false);
        assertEquals(5 * 30 * 7, d.work(new int[] {30}, 5).backward());
        assertEquals(new Layer.Work(0, 0, ""), new ReLU().work(new int[] {30}, 5));
    }

    /**
     * A Winograd layer keeps its transformed input in a training forward pass for the weight
     * gradient; after an inference forward it transforms X again. The gradients are the same bits.
     */
    @Test
    void keptInputGivesTheGradientsOfAnInferenceForward() {
        Conv2d c = conv(64, 64, 3, 3, 1, 1, 1, 1, 1, 1, true, 50);
        assertTrue(ttl4j.engine.conv.Convolutions.savedInputFloats(c.convShape(4, 32, 32)) > 0, "the layer's plan is winograd");
        Tensor x = input(51, 4, 64, 32, 32), dy = input(52, 4, 64, 32, 32);
        float[][] got = new float[2][];
        for (boolean training : new boolean[] {true, false}) {
            c.zeroGrad();
            Tensor y = c.forward(x, training);
            float[] yv = java.util.Arrays.copyOfRange(y.data(), y.offset(), y.offset() + y.size());
            Tensor dx = c.backward(dy);
            float[] all = new float[yv.length + c.weight().grad().size() + c.bias().grad().size() + dx.size()];
            int o = 0;
            for (Tensor t : new Tensor[] {Tensor.wrap(yv, 0, yv.length), c.weight().grad(), c.bias().grad(), dx}) {
                System.arraycopy(t.data(), t.offset(), all, o, t.size());
                o += t.size();
            }
            got[training ? 0 : 1] = all;
        }
        assertArrayEquals(got[1], got[0]);
    }

    @Test
    void convShapesSpecAndInit() {
        Conv2d c = conv(3, 4, 3, 5, 2, 1, 1, 2, 1, 1, true, 1);
        assertArrayEquals(new int[] {4, 3, 3, 5}, c.weight().value().shape());
        assertArrayEquals(new int[] {4, 4, 7}, c.outputShape(new int[] {3, 8, 7}));
        assertEquals("conv(4,k=3x5,s=2x1,p=1x2)", c.spec());
        assertEquals(List.of("weight", "bias"), c.params().stream().map(Param::name).toList());
        assertEquals(List.of("weight"), conv(3, 4, 3, 3, 1, 1, 0, 0, 1, 1, false, 1).params().stream().map(Param::name).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.outputShape(new int[] {2, 8, 7}));
        assertTrue(e.getMessage().contains("C = 3"), e.getMessage());
        // PyTorch's default: weight and bias U(-b, b), b = 1/sqrt(C R S).
        Conv2d big = new Conv2d(64, 128, 3, 1, 1, new SplittableRandom(2));
        double bound = 1 / Math.sqrt(64 * 9);
        double s2 = 0, max = 0;
        for (float v : big.weight().value().toArray()) {
            s2 += (double) v * v;
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.99 * bound, "max |w| " + max + " vs bound " + bound);
        assertEquals(bound / Math.sqrt(3), Math.sqrt(s2 / big.weight().size()), 0.01 * bound);
        for (float v : big.bias().value().toArray()) assertTrue(Math.abs(v) <= bound);
    }

    @Test
    void convWeightGradientOverwritesAfterZeroGradThenAccumulates() {
        Conv2d c = conv(2, 3, 3, 3, 1, 1, 1, 1, 1, 1, true, 30);
        Tensor x = input(31, 2, 2, 5, 5), dy = input(32, 2, 3, 5, 5);
        c.zeroGrad();
        c.forward(x, true);
        c.backward(dy);
        float[] once = c.weight().grad().toArray(), onceB = c.bias().grad().toArray();
        c.forward(x, true);
        c.backward(dy);
        float[] twice = c.weight().grad().toArray(), twiceB = c.bias().grad().toArray();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5);
        for (int i = 0; i < onceB.length; i++) assertEquals(2 * onceB[i], twiceB[i], 1e-5);
        c.zeroGrad();
        c.forward(x, true);
        c.backward(dy);
        FloatAsserts.assertBitwiseEqual("after zeroGrad", once, c.weight().grad().toArray());
    }

    @Test
    void poolingGradients() {
        check("maxpool 2", new MaxPool2d(2, 2, 0), input(40, 2, 3, 6, 7), 41);
        check("maxpool 3 s2 p1", new MaxPool2d(3, 2, 1), input(42, 2, 2, 7, 8), 43);
        check("maxpool 3x2 s1x2 p1x0", new MaxPool2d(3, 2, 1, 2, 1, 0), input(44, 1, 2, 5, 7), 45);
        check("avgpool 2", new AvgPool2d(2, 2, 0), input(46, 2, 3, 6, 7), 47);
        check("avgpool 3 s2 p1 counting padding", new AvgPool2d(3, 2, 1), input(48, 2, 2, 7, 8), 49);
        check("avgpool 3x2 p1 not counting padding", new AvgPool2d(3, 2, 2, 1, 1, 1, false), input(50, 2, 2, 7, 5), 51);
        check("gap", new GlobalAvgPool(), input(52, 3, 4, 5, 3), 53);
        check("flatten NCHW", new Flatten(), input(54, 2, 3, 4, 5), 55);
    }

    @Test
    void avgPoolDivisors() {
        // A 2x2 plane of ones, 3x3 window, padding 1, stride 1: each window covers 4 ones (and 5 padded zeros).
        Tensor x = Tensor.zeros(1, 1, 2, 2).fill(1f);
        assertArrayEquals(new float[] {4f / 9, 4f / 9, 4f / 9, 4f / 9}, new AvgPool2d(3, 3, 1, 1, 1, 1, true).forward(x, false).toArray());
        assertArrayEquals(new float[] {1, 1, 1, 1}, new AvgPool2d(3, 3, 1, 1, 1, 1, false).forward(x, false).toArray());
    }

    /** The expected values here and in {@link #avgPoolDivisors} are what PyTorch 1.13's CPU max_pool2d and avg_pool2d give. */
    @Test
    void maxPoolTiesGoToTheFirstMaximumInScanOrder() {
        MaxPool2d mp = new MaxPool2d(2, 2, 0);
        mp.setInputGradNeeded(true);
        // One 2x4 plane: window 0 = {1, 3 | 3, 3}, window 1 = {5, 5 | 5, 5}.
        Tensor x = Tensor.of(new float[] {1, 3, 5, 5, 3, 3, 5, 5}, 1, 1, 2, 4);
        assertArrayEquals(new float[] {3, 5}, mp.forward(x, true).toArray());
        float[] dx = mp.backward(Tensor.of(new float[] {10, 20}, 1, 1, 1, 2)).toArray();
        assertArrayEquals(new float[] {0, 10, 20, 0, 0, 0, 0, 0}, dx);
        // Overlapping windows (3x3, stride 1, padding 1) on a constant plane: every window's first in-bounds element wins.
        MaxPool2d over = new MaxPool2d(3, 1, 1);
        over.setInputGradNeeded(true);
        over.forward(Tensor.zeros(1, 1, 2, 2).fill(7f), true);
        assertArrayEquals(new float[] {4, 0, 0, 0}, over.backward(Tensor.zeros(1, 1, 2, 2).fill(1f)).toArray());
        // Padding is -infinity, not zero: an all-negative plane keeps its values.
        Tensor neg = Tensor.of(new float[] {-3, -2, -4, -5}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {-3, -2, -2, -3, -2, -2, -4, -4, -5}, new MaxPool2d(2, 1, 1).forward(neg, false).toArray());
        // A NaN wins its window (the last NaN in scan order).
        Tensor nan = Tensor.of(new float[] {1, Float.NaN, Float.NaN, 2}, 1, 1, 2, 2);
        float[] y = mp.forward(nan, true).toArray();
        assertTrue(Float.isNaN(y[0]));
        assertArrayEquals(new float[] {0, 0, 1, 0}, mp.backward(Tensor.of(new float[] {1}, 1, 1, 1, 1)).toArray());
    }

    /** The branch-free 2x2 stride-2 path against the general loop (the same window as a 2x2 stride-(2,2) pool written 2x2 padded 0 by hand). */
    @Test
    void maxPoolPairsPathMatchesTheGeneralLoop() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(61);
        float[] pick = {0f, -0f, 1f, 1f, 2f, -3f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        int b = 3, c = 2, h = 7, w = 9, p = h / 2, q = w / 2;
        float[] v = new float[b * c * h * w];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(4) == 0 ? (float) r.nextGaussian() : pick[r.nextInt(pick.length)];
        Tensor x = Tensor.of(v, b, c, h, w);
        MaxPool2d fast = new MaxPool2d(2, 2, 0);
        float[] y = fast.forward(x, true).toArray();
        int[] am = fast.argmax().clone();
        for (int pl = 0; pl < b * c; pl++) {
            for (int ip = 0; ip < p; ip++) {
                for (int iq = 0; iq < q; iq++) {
                    float m = Float.NEGATIVE_INFINITY;
                    int best = 2 * ip * w + 2 * iq;
                    for (int ih = 2 * ip; ih < 2 * ip + 2; ih++) {
                        for (int iw = 2 * iq; iw < 2 * iq + 2; iw++) {
                            float e = v[pl * h * w + ih * w + iw];
                            if (e > m || Float.isNaN(e)) {
                                m = e;
                                best = ih * w + iw;
                            }
                        }
                    }
                    int o = pl * p * q + ip * q + iq;
                    assertEquals(Float.floatToRawIntBits(m), Float.floatToRawIntBits(y[o]), "value at " + o);
                    assertEquals(best, am[o], "argmax at " + o);
                }
            }
        }
    }

    @Test
    void poolingShapesAndErrors() {
        assertArrayEquals(new int[] {3, 3, 3}, new MaxPool2d(2, 2, 0).outputShape(new int[] {3, 7, 7}));
        assertArrayEquals(new int[] {3, 4, 4}, new MaxPool2d(3, 2, 1).outputShape(new int[] {3, 7, 8}));
        assertEquals("maxpool(3,s=2,p=1)", new MaxPool2d(3, 2, 1).spec());
        assertEquals("avgpool(2x3,p=1,count_include_pad=false)", new AvgPool2d(2, 3, 2, 3, 1, 1, false).spec());
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3, 1, 2), "padding above half the kernel");
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(5, 1, 0).outputShape(new int[] {1, 4, 9}));
        assertArrayEquals(new int[] {6}, new GlobalAvgPool().outputShape(new int[] {6, 5, 4}));
    }

    @Test
    void batchNormGradientsInBothModes() {
        BatchNorm2d bn = new BatchNorm2d(3);
        SplittableRandom r = new SplittableRandom(60);
        for (int c = 0; c < 3; c++) {
            bn.weight().value().setFlat(c, (float) (0.5 + r.nextDouble()));
            bn.bias().value().setFlat(c, (float) r.nextGaussian());
        }
        check("bn training", bn, input(61, 4, 3, 3, 5), 62, true);
        for (int c = 0; c < 3; c++) {
            bn.runningMean().setFlat(c, (float) r.nextGaussian());
            bn.runningVar().setFlat(c, (float) (0.5 + r.nextDouble()));
        }
        check("bn evaluation", bn, input(63, 4, 3, 3, 5), 64, false);
        check("bn on a flat (B, C) input", new BatchNorm2d(5), input(65, 6, 5), 66, true);
        check("bn training, batch 1", new BatchNorm2d(2), input(67, 1, 2, 3, 2), 68, true);
    }

    @Test
    void batchNormRunningStatisticsFollowPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(2);
        assertEquals(List.of("weight", "bias"), bn.params().stream().map(Param::name).toList());
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.buffers().keySet()));
        assertEquals(0, bn.buffers().get("num_batches_tracked").rank(), "a scalar, as PyTorch's");
        double[] rm = {0, 0}, rv = {1, 1};
        for (int step = 1; step <= 3; step++) {
            Tensor x = Tensor.randn(new SplittableRandom(70 + step), 2f, 3, 2, 2, 2);
            float[] xa = x.toArray();
            Tensor y = bn.forward(x, true);
            for (int c = 0; c < 2; c++) {
                double s = 0, s2 = 0;
                int m = 0;
                for (int n = 0; n < 3; n++) for (int i = 0; i < 4; i++) s += xa[(n * 2 + c) * 4 + i];
                double mean = s / 12;
                for (int n = 0; n < 3; n++) for (int i = 0; i < 4; i++, m++) s2 += Math.pow(xa[(n * 2 + c) * 4 + i] - mean, 2);
                rm[c] = 0.9 * rm[c] + 0.1 * mean;
                rv[c] = 0.9 * rv[c] + 0.1 * s2 / (m - 1);
                // Normalised with the biased variance: per channel mean 0 and mean square 1 - eps/(var+eps) ~ 1.
                double ym = 0, y2 = 0;
                for (int n = 0; n < 3; n++) {
                    for (int i = 0; i < 4; i++) {
                        double v = y.getFlat((n * 2 + c) * 4 + i);
                        ym += v;
                        y2 += v * v;
                    }
                }
                assertEquals(0, ym / 12, 1e-5);
                assertEquals(s2 / 12 / (s2 / 12 + 1e-5), y2 / 12, 1e-5);
            }
            assertEquals(step, bn.numBatchesTracked());
            assertArrayEquals(new float[] {(float) rm[0], (float) rm[1]}, bn.runningMean().toArray(), 1e-6f);
            assertArrayEquals(new float[] {(float) rv[0], (float) rv[1]}, bn.runningVar().toArray(), 1e-6f);
        }
        // Evaluation uses (and does not change) the running statistics.
        Tensor x = Tensor.randn(new SplittableRandom(80), 1f, 2, 2, 1, 3);
        float[] y = bn.forward(x, false).toArray();
        for (int i = 0; i < y.length; i++) {
            int c = (i / 3) % 2;
            assertEquals((x.getFlat(i) - rm[c]) / Math.sqrt(rv[c] + 1e-5), y[i], 1e-5);
        }
        assertEquals(3, bn.numBatchesTracked());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 2, 1, 1), true));
        assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
    }

    @Test
    void convNetworkEndToEndGradient() {
        Sequential s = ModelSpec.build("conv(3,k=3,p=1)|bn|relu|maxpool(2)|conv(2,k=2x3,s=1x2,bias=false)|avgpool(2,s=1)|flatten|dense(4)",
                new int[] {2, 8, 11}, 90);
        check("conv network", s, input(91, 3, 2, 8, 11), 92);
        Sequential g = ModelSpec.build("conv(4,k=3,s=2,p=1,d=1)|bn|relu|gap|dense(3)", new int[] {1, 7, 7}, 93);
        check("conv network with gap", g, input(94, 2, 1, 7, 7), 95);
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseTheSameResults() {
        int before = ttl4j.engine.Parallel.threads();
        // Large enough (16 x 8 x 64 x 64 after the first layer) for the layers to split their planes and channels.
        String spec = "conv(8,k=3,p=1)|bn|relu|maxpool(2)|avgpool(3,s=1,p=1)|bn|gap|dense(3)";
        Tensor x = input(100, 16, 4, 64, 64), dy = input(101, 16, 3);
        float[][] runs = new float[2][];
        try {
            for (int t = 1; t <= 2; t++) {
                ttl4j.engine.Parallel.setThreads(t);
                Sequential s = ModelSpec.build(spec, new int[] {4, 64, 64}, 102);
                s.setInputGradNeeded(true);
                s.zeroGrad();
                float[] y = s.forward(x, true).toArray();
                float[] dx = s.backward(dy).toArray();
                float[] ev = s.forward(x, false).toArray();
                java.util.List<float[]> parts = new java.util.ArrayList<>(List.of(y, dx, ev));
                for (Param p : s.params()) parts.add(p.grad().toArray());
                for (Tensor b : s.buffers().values()) parts.add(b.toArray());
                int n = parts.stream().mapToInt(a -> a.length).sum(), o = 0;
                runs[t - 1] = new float[n];
                for (float[] a : parts) {
                    System.arraycopy(a, 0, runs[t - 1], o, a.length);
                    o += a.length;
                }
            }
        } finally {
            ttl4j.engine.Parallel.setThreads(before);
        }
        FloatAsserts.assertBitwiseEqual("1 vs 2 threads", runs[0], runs[1]);
    }
}
