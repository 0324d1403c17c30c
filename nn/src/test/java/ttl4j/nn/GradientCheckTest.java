package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;

/**
 * Every layer's backward (parameter and input gradients) against central finite differences of a
 * double-precision reference forward of the same layer.
 */
class GradientCheckTest {
    private static final double H = 1e-6;
    private static final double ATOL = 2e-4, RTOL = 2e-3;

    /**
     * Checks layer {@code l} on input {@code x} (float, shape given) with the objective
     * {@code sum(y * R)} for a fixed random R: its float backward against double finite differences.
     */
    static void check(String what, Layer l, Tensor x, long seed) {
        check(what, l, x, seed, true);
    }

    /** As {@link #check(String, Layer, Tensor, long)}, the forward in training mode or not. */
    static void check(String what, Layer l, Tensor x, long seed, boolean training) {
        int b = x.dim(0);
        l.setInputGradNeeded(true);
        Tensor y = l.forward(x, training);
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor r = Tensor.randn(rnd, 1f, y.shape());
        double[] rd = toDouble(r.toArray());

        DoubleRef ref = new DoubleRef(l.params());
        ref.training = training;
        int[] sample = java.util.Arrays.copyOfRange(x.shape(), 1, x.rank());
        ref.sampleShape = sample;
        double[] xd = toDouble(x.toArray());
        // The float forward must agree with the double reference.
        float[] yRef = toFloat(objectiveInput(ref, l, xd, b, sample));
        FloatAsserts.assertClose(what + " forward vs double reference", yRef, y.toArray(), 1e-5, 1e-4);

        l.zeroGrad();
        Tensor dx = l.backward(r.copy());
        ToDoubleFunction<double[]> objective = in -> {
            ref.sampleShape = sample;
            return dot(ref.forward(l, in, b), rd);
        };

        // Input gradient.
        float[] fdX = new float[xd.length];
        for (int i = 0; i < xd.length; i++) {
            double keep = xd[i];
            xd[i] = keep + H;
            double plus = objective.applyAsDouble(xd);
            xd[i] = keep - H;
            double minus = objective.applyAsDouble(xd);
            xd[i] = keep;
            fdX[i] = (float) ((plus - minus) / (2 * H));
        }
        FloatAsserts.assertClose(what + " input gradient", fdX, dx.toArray(), ATOL, RTOL);

        // Parameter gradients.
        for (Param p : l.params()) {
            double[] pd = ref.param(p);
            float[] fd = new float[pd.length];
            for (int i = 0; i < pd.length; i++) {
                double keep = pd[i];
                pd[i] = keep + H;
                double plus = objective.applyAsDouble(xd);
                pd[i] = keep - H;
                double minus = objective.applyAsDouble(xd);
                pd[i] = keep;
                fd[i] = (float) ((plus - minus) / (2 * H));
            }
            FloatAsserts.assertClose(what + " gradient of " + p.name(), fd, p.grad().toArray(), ATOL, RTOL);
        }
    }

    private static double[] objectiveInput(DoubleRef ref, Layer l, double[] xd, int b, int[] sample) {
        ref.sampleShape = sample;
        return ref.forward(l, xd, b);
    }

    static Tensor input(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), 1f, shape);
    }

    @Test
    void dense() {
        check("dense he", new Dense(5, 4, Init.HE, new SplittableRandom(1)), input(2, 3, 5), 3);
        check("dense glorot", new Dense(7, 3, Init.GLOROT, new SplittableRandom(4)), input(5, 6, 7), 6);
        check("dense batch 1", new Dense(4, 2, Init.HE, new SplittableRandom(7)), input(8, 1, 4), 9);
    }

    @Test
    void activations() {
        check("relu", new ReLU(), input(10, 4, 6), 11);
        check("tanh", new Tanh(), input(12, 4, 6), 13);
        check("sigmoid", new Sigmoid(), input(14, 4, 6), 15);
        check("dropout", new Dropout(0.4, 99), input(16, 5, 8), 17);
        check("flatten", new Flatten(), input(18, 3, 2, 4), 19);
    }

    @Test
    void sequentialStack() {
        SplittableRandom rnd = new SplittableRandom(20);
        Sequential s = new Sequential(new Flatten(), new Dense(6, 8, Init.HE, rnd), new ReLU(), new Dropout(0.25, 5),
                new Dense(8, 5, Init.GLOROT, rnd), new Tanh(), new Dense(5, 4, Init.GLOROT, rnd), new Sigmoid());
        check("sequential", s, input(21, 4, 2, 3), 22);
    }

    @Test
    void builtFromSpec() {
        Sequential s = ModelSpec.build("dense(7)|relu|dense(6)|tanh|dense(3)", new int[] {5}, 42);
        check("spec model", s, input(23, 3, 5), 24);
    }

    @Test
    void crossEntropyAndWholeNetwork() {
        SplittableRandom rnd = new SplittableRandom(30);
        Sequential s = new Sequential(new Dense(6, 9, Init.HE, rnd), new ReLU(), new Dense(9, 4, Init.GLOROT, rnd));
        s.setInputGradNeeded(true);
        int b = 5;
        Tensor x = input(31, b, 6);
        int[] labels = {0, 3, 1, 1, 2};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        s.zeroGrad();
        Tensor logits = s.forward(x, true);
        SoftmaxCrossEntropy.Result r = ce.compute(logits, labels);
        DoubleRef ref = new DoubleRef(s.params());
        double[] xd = toDouble(x.toArray());
        double lossRef = DoubleRef.crossEntropy(ref.forward(s, xd, b), b, 4, labels);
        assertEquals(lossRef, r.loss(), 1e-5);

        // dlogits against finite differences of the double loss.
        double[] zd = toDouble(logits.toArray());
        float[] fdz = new float[zd.length];
        for (int i = 0; i < zd.length; i++) {
            double keep = zd[i];
            zd[i] = keep + H;
            double plus = DoubleRef.crossEntropy(zd, b, 4, labels);
            zd[i] = keep - H;
            double minus = DoubleRef.crossEntropy(zd, b, 4, labels);
            zd[i] = keep;
            fdz[i] = (float) ((plus - minus) / (2 * H));
        }
        FloatAsserts.assertClose("dlogits", fdz, r.dlogits().toArray(), 1e-5, 1e-3);

        Tensor dx = s.backward(r.dlogits());
        for (Param p : s.params()) {
            double[] pd = ref.param(p);
            float[] fd = new float[pd.length];
            for (int i = 0; i < pd.length; i++) {
                double keep = pd[i];
                pd[i] = keep + H;
                double plus = DoubleRef.crossEntropy(ref.forward(s, xd, b), b, 4, labels);
                pd[i] = keep - H;
                double minus = DoubleRef.crossEntropy(ref.forward(s, xd, b), b, 4, labels);
                pd[i] = keep;
                fd[i] = (float) ((plus - minus) / (2 * H));
            }
            FloatAsserts.assertClose("network+loss gradient of " + p.name(), fd, p.grad().toArray(), 1e-5, 2e-3);
        }
        float[] fdx = new float[xd.length];
        for (int i = 0; i < xd.length; i++) {
            double keep = xd[i];
            xd[i] = keep + H;
            double plus = DoubleRef.crossEntropy(ref.forward(s, xd, b), b, 4, labels);
            xd[i] = keep - H;
            double minus = DoubleRef.crossEntropy(ref.forward(s, xd, b), b, 4, labels);
            xd[i] = keep;
            fdx[i] = (float) ((plus - minus) / (2 * H));
        }
        FloatAsserts.assertClose("network+loss input gradient", fdx, dx.toArray(), 1e-5, 2e-3);
    }

    @Test
    void backwardAccumulatesUntilZeroGrad() {
        Dense d = new Dense(4, 3, Init.HE, new SplittableRandom(40));
        Tensor x = input(41, 2, 4);
        Tensor dy = input(42, 2, 3);
        d.zeroGrad();
        d.forward(x, true);
        d.backward(dy);
        float[] once = d.weight().grad().toArray();
        float[] onceB = d.bias().grad().toArray();
        d.forward(x, true);
        d.backward(dy);
        float[] twice = d.weight().grad().toArray(), twiceB = d.bias().grad().toArray();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5);
        for (int i = 0; i < onceB.length; i++) assertEquals(2 * onceB[i], twiceB[i], 1e-5);
        d.zeroGrad();
        d.forward(x, true);
        d.backward(dy);
        FloatAsserts.assertBitwiseEqual("after zeroGrad", once, d.weight().grad().toArray());
    }

    @Test
    void firstLayerSkipsInputGradient() {
        Sequential s = ModelSpec.build("flatten|dense(4)|relu|dense(2)", new int[] {2, 3}, 1);
        s.setInputGradNeeded(false);
        s.forward(input(50, 3, 2, 3), true);
        assertNull(s.backward(input(51, 3, 2)));
        s.setInputGradNeeded(true);
        s.forward(input(50, 3, 2, 3), true);
        Tensor dx = s.backward(input(51, 3, 2));
        assertEquals(List.of(3, 2, 3), List.of(dx.dim(0), dx.dim(1), dx.dim(2)));
    }

    @Test
    void smallerBatchReusesBuffersAndStaysCorrect() {
        Dense d = new Dense(3, 2, Init.HE, new SplittableRandom(60));
        Tensor big = d.forward(input(61, 8, 3), false);
        float[] arr = big.data();
        Tensor small = d.forward(input(62, 3, 3), false);
        assertTrue(arr == small.data(), "smaller batch should reuse the output array");
        check("dense after a larger batch", d, input(63, 3, 3), 64);
    }

    @Test
    void initialisationHasTheTargetSpread() {
        for (Init init : Init.values()) {
            Dense d = new Dense(400, 300, init, new SplittableRandom(70));
            float[] w = d.weight().value().toArray();
            double s = 0, s2 = 0;
            for (float v : w) {
                s += v;
                s2 += (double) v * v;
            }
            double mean = s / w.length, std = Math.sqrt(s2 / w.length - mean * mean);
            assertEquals(0, mean, 0.01 * init.std(400, 300), init + " mean");
            assertEquals(init.std(400, 300), std, 0.02 * init.std(400, 300), init + " std");
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
