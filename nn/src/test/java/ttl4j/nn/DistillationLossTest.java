package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;

class DistillationLossTest {
    private static final int B = 5, C = 7;

    /** The loss written out literally in double: (1-a) CE + a T^2 KL(softmax(t/T) || softmax(s/T)), batch means. */
    static double reference(double[] s, double[] t, int[] y, double a, double temp) {
        double kl = 0;
        for (int r = 0; r < B; r++) {
            double[] ls = logSoftmax(s, r, temp), lt = logSoftmax(t, r, temp);
            for (int j = 0; j < C; j++) kl += Math.exp(lt[j]) * (lt[j] - ls[j]);
        }
        return (1 - a) * DoubleRef.crossEntropy(s, B, C, y) + a * temp * temp * kl / B;
    }

    private static double[] logSoftmax(double[] z, int r, double temp) {
        double m = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < C; j++) m = Math.max(m, z[r * C + j] / temp);
        for (int j = 0; j < C; j++) sum += Math.exp(z[r * C + j] / temp - m);
        double[] lp = new double[C];
        for (int j = 0; j < C; j++) lp[j] = z[r * C + j] / temp - m - Math.log(sum);
        return lp;
    }

    private static float[] randomLogits(long seed, float scale) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] z = new float[B * C];
        for (int i = 0; i < z.length; i++) z[i] = (float) (rnd.nextGaussian() * scale);
        return z;
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static final int[] LABELS = {0, 3, 6, 2, 3};

    @Test
    void lossAndGradientMatchTheDoubleReferenceAndCentralDifferences() {
        for (double[] at : new double[][] {{0.5, 4}, {0, 1}, {1, 1}, {0.3, 2}, {0.9, 8}, {0.5, 0.5}}) {
            double a = at[0], temp = at[1];
            float[] s = randomLogits(1, 3), t = randomLogits(2, 3);
            SoftmaxCrossEntropy.Result r = new DistillationLoss(a, temp).compute(Tensor.of(s, B, C), Tensor.of(t, B, C), LABELS);
            double[] sd = widen(s), td = widen(t);
            double ref = reference(sd, td, LABELS, a, temp);
            assertEquals(ref, r.loss(), 1e-6 * Math.max(1, Math.abs(ref)), "loss at a=" + a + " T=" + temp);

            // Central differences of the double reference: the float gradient must agree to float precision.
            float[] fd = new float[B * C];
            double h = 1e-5;
            for (int i = 0; i < fd.length; i++) {
                double keep = sd[i];
                sd[i] = keep + h;
                double up = reference(sd, td, LABELS, a, temp);
                sd[i] = keep - h;
                double down = reference(sd, td, LABELS, a, temp);
                sd[i] = keep;
                fd[i] = (float) ((up - down) / (2 * h));
            }
            FloatAsserts.assertClose("dloss/ds at a=" + a + " T=" + temp, fd, r.dlogits().toArray(), 1e-6, 1e-4);
        }
    }

    @Test
    void alphaZeroIsCrossEntropyAndIdenticalLogitsAddNoSoftLoss() {
        float[] s = randomLogits(3, 2), t = randomLogits(4, 2);
        SoftmaxCrossEntropy.Result ce = new SoftmaxCrossEntropy().compute(Tensor.of(s, B, C), LABELS);
        float[] ceGrad = ce.dlogits().toArray();
        SoftmaxCrossEntropy.Result d0 = new DistillationLoss(0, 4).compute(Tensor.of(s, B, C), Tensor.of(t, B, C), LABELS);
        assertEquals(ce.loss(), d0.loss(), 1e-12);
        FloatAsserts.assertClose("alpha 0 gradient", ceGrad, d0.dlogits().toArray(), 1e-7, 1e-6);
        assertEquals(ce.correct(), d0.correct());
        // The teacher agrees with the student: KL = 0, so the loss is (1-a) CE and the soft gradient vanishes.
        SoftmaxCrossEntropy.Result same = new DistillationLoss(0.5, 4).compute(Tensor.of(s, B, C), Tensor.of(s.clone(), B, C), LABELS);
        assertEquals(0.5 * ce.loss(), same.loss(), 1e-9);
        float[] half = ceGrad.clone();
        for (int i = 0; i < half.length; i++) half[i] *= 0.5f;
        FloatAsserts.assertClose("identical logits", half, same.dlogits().toArray(), 1e-7, 1e-6);
    }

    @Test
    void largeLogitsAndLowTemperatureStayFinite() {
        float[] s = randomLogits(5, 300), t = randomLogits(6, 300);
        SoftmaxCrossEntropy.Result r = new DistillationLoss(0.5, 0.25).compute(Tensor.of(s, B, C), Tensor.of(t, B, C), LABELS);
        assertTrue(Double.isFinite(r.loss()), "loss " + r.loss());
        for (float v : r.dlogits().toArray()) assertTrue(Float.isFinite(v), "gradient " + r.dlogits());
        assertEquals(reference(widen(s), widen(t), LABELS, 0.5, 0.25), r.loss(), 1e-6 * Math.abs(r.loss()));
    }

    @Test
    void badSettingsAndShapesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(1.5, 4)).getMessage().contains("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(0.5, 0)).getMessage().contains("temperature"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DistillationLoss(0.5, 4).compute(Tensor.zeros(2, 3), Tensor.zeros(2, 4), new int[] {0, 1}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }
}
