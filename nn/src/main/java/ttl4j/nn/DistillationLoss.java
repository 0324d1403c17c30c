package ttl4j.nn;

import java.util.Arrays;
import java.util.Locale;
import ttl4j.engine.Tensor;

/**
 * Knowledge distillation (Hinton et al., 2015) against a teacher's logits: for student logits
 * {@code s (B, C)}, teacher logits {@code t (B, C)} and labels {@code y},
 *
 * <pre>
 *   loss = (1 - a) CE(s, y) + a T^2 KL(softmax(t / T) || softmax(s / T))      (both means over the batch)
 *   dloss/ds = (1 - a) (softmax(s) - onehot(y)) / B + a T (softmax(s / T) - softmax(t / T)) / B
 * </pre>
 *
 * The {@code T^2} keeps the soft term's gradient on the scale of the hard one's as {@code T} grows.
 * Softmaxes and the KL sum are taken in double with the row maximum subtracted, so large logits or
 * a small {@code T} neither overflow nor lose the loss to {@code log(0)}; a zero teacher
 * probability contributes nothing to the KL sum.
 *
 * <p>One instance reuses its gradient buffer; {@link SoftmaxCrossEntropy.Result#dlogits()} is valid
 * until the next call.
 */
public final class DistillationLoss {
    private final double alpha, temperature;
    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    private float[] dBuf;
    private double[] ps, pt;

    /** {@code alpha} in [0, 1] weighs the soft term; {@code temperature > 0} softens both distributions. */
    public DistillationLoss(double alpha, double temperature) {
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("distillation alpha must be in [0, 1], got " + alpha);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("distillation temperature must be a positive number, got " + temperature);
        }
        this.alpha = alpha;
        this.temperature = temperature;
    }

    public double alpha() {
        return alpha;
    }

    public double temperature() {
        return temperature;
    }

    /** Mean loss over the batch, its gradient with respect to the student's logits, and the student's correct count. */
    public SoftmaxCrossEntropy.Result compute(Tensor student, Tensor teacher, int[] labels) {
        if (student.rank() != 2 || !Arrays.equals(student.shape(), teacher.shape())) {
            throw new IllegalArgumentException("distillation: student logits " + Arrays.toString(student.shape())
                    + " and teacher logits " + Arrays.toString(teacher.shape()) + " must both be (B, C)");
        }
        SoftmaxCrossEntropy.Result hard = ce.compute(student, labels);
        int b = student.dim(0), c = student.dim(1);
        dBuf = Buffers.ensure(dBuf, b * c);
        if (ps == null || ps.length < c) {
            ps = new double[c];
            pt = new double[c];
        }
        float[] s = student.data(), t = teacher.data(), dh = hard.dlogits().data();
        int so = student.offset(), to = teacher.offset(), ho = hard.dlogits().offset();
        double invT = 1 / temperature, kl = 0;
        double soft = alpha * temperature / b, hardW = 1 - alpha;
        for (int r = 0; r < b; r++) {
            double logZs = softmax(s, so + r * c, c, invT, ps), logZt = softmax(t, to + r * c, c, invT, pt);
            for (int j = 0; j < c; j++) {
                // log p_t - log p_s from the logits, not from the probabilities, which may underflow to 0
                if (pt[j] > 0) kl += pt[j] * (((double) t[to + r * c + j] - s[so + r * c + j]) * invT - logZt + logZs);
                dBuf[r * c + j] = (float) (hardW * dh[ho + r * c + j] + soft * (ps[j] - pt[j]));
            }
        }
        double loss = hardW * hard.loss() + alpha * temperature * temperature * kl / b;
        return new SoftmaxCrossEntropy.Result(loss, Tensor.wrap(dBuf, 0, b, c), hard.correct());
    }

    /** {@code p = softmax(z[off..off+c) / T)} in double; returns the log normaliser {@code log sum_j exp(z_j / T)}. */
    private static double softmax(float[] z, int off, int c, double invT, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, z[off + j] * invT);
        double sum = 0;
        for (int j = 0; j < c; j++) {
            p[j] = Math.exp(z[off + j] * invT - max);
            sum += p[j];
        }
        for (int j = 0; j < c; j++) p[j] /= sum;
        return max + Math.log(sum);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "distillation(alpha=%s, T=%s)", alpha, temperature);
    }
}
