package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;

/**
 * Softmax followed by cross-entropy against integer labels, fused: for logits {@code z (B, C)}
 * the loss is {@code mean_b (logsumexp(z_b) - z_b[y_b])} and its gradient
 * {@code (softmax(z_b) - onehot(y_b)) / B}. The max is subtracted before exponentiating, so large
 * logits neither overflow nor lose the loss to {@code log(0)}.
 *
 * <p>One instance reuses its gradient buffer across calls; the returned {@link Result#dlogits()}
 * is valid until the next call.
 */
public final class SoftmaxCrossEntropy {
    private float[] dBuf;

    /** Mean loss over the batch, its gradient with respect to the logits, and the correct count. */
    public record Result(double loss, Tensor dlogits, int correct) {}

    public Result compute(Tensor logits, int[] labels) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross-entropy: logits must be (B, C), got " + Arrays.toString(logits.shape()));
        }
        int b = logits.dim(0), c = logits.dim(1);
        if (labels.length != b) {
            throw new IllegalArgumentException("cross-entropy: " + labels.length + " labels for a batch of " + b);
        }
        if (b == 0) throw new IllegalArgumentException("cross-entropy: empty batch");
        dBuf = Buffers.ensure(dBuf, b * c);
        float[] z = logits.data();
        int zo = logits.offset();
        Kernels k = Engine.kernels();
        k.softmaxAxis(b, c, 1, z, zo, dBuf, 0);
        double total = 0;
        int correct = 0;
        float invB = 1f / b;
        for (int r = 0; r < b; r++) {
            int y = labels[r];
            if (y < 0 || y >= c) {
                throw new IllegalArgumentException("cross-entropy: label " + y + " at batch row " + r + " is outside [0, " + c + ")");
            }
            int row = zo + r * c;
            float max = z[row];
            int arg = 0;
            for (int j = 1; j < c; j++) {
                if (z[row + j] > max) {
                    max = z[row + j];
                    arg = j;
                }
            }
            if (arg == y) correct++;
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp((double) z[row + j] - max);
            total += Math.log(s) - ((double) z[row + y] - max);
            dBuf[r * c + y] -= 1f;
        }
        k.scale(b * c, invB, dBuf, 0, dBuf, 0);
        return new Result(total / b, Tensor.wrap(dBuf, 0, b, c), correct);
    }

    /** Number of rows whose first maximal logit is the label. */
    public static int correct(Tensor logits, int[] labels) {
        int b = logits.dim(0), c = logits.dim(1);
        int[] pred = new int[b];
        Engine.kernels().argmaxAxis(b, c, 1, logits.data(), logits.offset(), pred, 0);
        int n = 0;
        for (int r = 0; r < b; r++) if (pred[r] == labels[r]) n++;
        return n;
    }

    /** Fraction of rows predicted correctly. */
    public static double accuracy(Tensor logits, int[] labels) {
        return logits.dim(0) == 0 ? 0 : (double) correct(logits, labels) / logits.dim(0);
    }
}
