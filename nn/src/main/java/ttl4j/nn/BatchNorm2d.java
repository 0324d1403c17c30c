package ttl4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * Batch normalisation over the channel axis, as PyTorch's {@code BatchNorm2d(C, eps, momentum)} with
 * {@code affine=True, track_running_stats=True}: {@code y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c}.
 *
 * <p>Training ({@code forward(x, true)}): mean and biased variance of channel c over the batch and
 * the plane (M = B H W values), then {@code running_mean = (1 - momentum) running_mean + momentum mean},
 * {@code running_var = (1 - momentum) running_var + momentum var M / (M - 1)} (the unbiased
 * variance, as PyTorch) and {@code num_batches_tracked += 1}. Evaluation uses the running statistics.
 * A training batch with one value per channel (M = 1) is refused, as PyTorch refuses it.
 *
 * <p>Shape: input {@code (B, C, H, W)}, output the same; a flat input {@code (B, C)} is normalised as
 * {@code (B, C, 1, 1)} (PyTorch's {@code BatchNorm1d} on {@code (N, C)}). Parameters: {@code weight (C)}
 * (init 1), {@code bias (C)} (init 0). Buffers ({@link #buffers}, in checkpoints, never seen by an
 * optimiser): {@code running_mean (C)} (init 0), {@code running_var (C)} (init 1) and
 * {@code num_batches_tracked}, a scalar (shape []) held as a float because the checkpoint format is F32
 * only: exact up to 2^24 batches; PyTorch's {@code load_state_dict} copies it into its int64 buffer.
 *
 * <p>Numerics and kernels: a channel's planes across the batch are reduced by the engine in one call
 * ({@code sumPlanes}, and {@code centeredDotPlanes} for the sum of squared deviations from the mean, so
 * no sum(x^2) - M mean^2 cancellation): in float over groups of planes of up to 4096 values, the
 * groups' results added in double. The normalisation is one fused multiply-add per
 * element ({@code scaleShiftChannels}) with the per-channel scale {@code weight / sqrt(var + eps)} and
 * shift {@code bias - mean scale} folded, as PyTorch's CPU kernel does. Backward: {@code sum dy} and
 * {@code sum dy (x - mean)} over the planes likewise, then {@code normBackwardChannels} in training mode
 * (the batch-statistics terms) or the plain per-channel scale in evaluation mode.
 */
public final class BatchNorm2d implements Layer {
    public static final double DEFAULT_EPS = 1e-5, DEFAULT_MOMENTUM = 0.1;

    private final int channels;
    private final double eps, momentum;
    private final Param weight, bias;
    private final Tensor runningMean, runningVar, numBatchesTracked;
    private boolean inputGradNeeded = true;

    private Tensor x;
    private boolean lastTraining;
    /** Per channel of the latest forward: the mean and 1 / sqrt(var + eps) it normalised with. */
    private final double[] invStd;
    private final float[] mean, scale, shift;
    /** Backward's per-channel factors: weight / sqrt(var + eps), mean of dy, and the projection on xhat; zeros for a shift of 0. */
    private final float[] gradScale, dyMean, proj, zeros;
    private float[] yBuf, dxBuf;

    public BatchNorm2d(int channels, double eps, double momentum) {
        if (channels < 1) throw new IllegalArgumentException("bn: channels must be >= 1, got " + channels);
        if (!(eps > 0)) throw new IllegalArgumentException("bn: eps must be > 0, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("bn: momentum must be in [0, 1], got " + momentum);
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = Param.zeros("weight", channels);
        weight.value().fill(1f);
        this.bias = Param.zeros("bias", channels);
        this.runningMean = Tensor.zeros(channels);
        this.runningVar = Tensor.zeros(channels).fill(1f);
        this.numBatchesTracked = Tensor.zeros();
        this.mean = new float[channels];
        this.invStd = new double[channels];
        this.scale = new float[channels];
        this.shift = new float[channels];
        this.zeros = new float[channels];
        this.gradScale = new float[channels];
        this.dyMean = new float[channels];
        this.proj = new float[channels];
    }

    public BatchNorm2d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    /** Training forwards seen (a float: see the class comment). */
    public long numBatchesTracked() {
        return (long) numBatchesTracked.getFlat(0);
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    public int channels() {
        return channels;
    }

    /** Values per channel plane of a batch (H W, or 1 for a flat input). */
    private int plane(Tensor t) {
        return t.sizeBetween(2, t.rank());
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() < 2 || x.dim(1) != channels) {
            throw new IllegalArgumentException(spec() + ": expected input (B, " + channels + ", ...), got " + Arrays.toString(x.shape()));
        }
        int b = x.dim(0), hw = plane(x);
        long m = (long) b * hw;
        float[] xd = x.data();
        int xo = x.offset();
        if (training) {
            if (m <= 1) {
                throw new IllegalArgumentException(spec() + ": training needs more than one value per channel, got input "
                        + Arrays.toString(x.shape()));
            }
            Kernels k = Engine.kernels();
            // channels are independent (a kernel called inside a task runs on that thread): any split gives the same bits
            Parallel.forRanges(channels, Parallel.worthSplittingElements(x.size()), (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    int first = xo + c * hw, stride = channels * hw;
                    double mu = k.sumPlanes(b, hw, stride, xd, first) / m;
                    float mf = (float) mu;
                    double ss = k.centeredDotPlanes(b, hw, stride, xd, first, mf, xd, first, mf);
                    // the squares were taken about mf, not mu: sum (x - mf)^2 = sum (x - mu)^2 + M (mu - mf)^2
                    double var = Math.max(0, ss / m - (mu - mf) * (mu - mf));
                    mean[c] = mf;
                    invStd[c] = 1 / Math.sqrt(var + eps);
                    runningMean.setFlat(c, (float) ((1 - momentum) * runningMean.getFlat(c) + momentum * mu));
                    runningVar.setFlat(c, (float) ((1 - momentum) * runningVar.getFlat(c) + momentum * var * m / (m - 1)));
                }
            });
            numBatchesTracked.setFlat(0, numBatchesTracked.getFlat(0) + 1f);
        } else {
            for (int c = 0; c < channels; c++) {
                mean[c] = runningMean.getFlat(c);
                invStd[c] = 1 / Math.sqrt(runningVar.getFlat(c) + eps);
            }
        }
        for (int c = 0; c < channels; c++) {
            double g = weight.value().getFlat(c) * invStd[c];
            scale[c] = (float) g;
            shift[c] = (float) (bias.value().getFlat(c) - mean[c] * g);
        }
        this.x = x;
        this.lastTraining = training;
        yBuf = Buffers.ensure(yBuf, x.size());
        Engine.kernels().scaleShiftChannels(b, channels, hw, xd, xo, scale, 0, shift, 0, yBuf, 0);
        return Tensor.wrap(yBuf, 0, x.shape());
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw new IllegalStateException("bn: backward before forward");
        dy.requireShape(spec() + " backward dy", x.shape());
        int b = x.dim(0), hw = plane(x);
        double m = (double) b * hw;
        float[] xd = x.data(), d = dy.data();
        int xo = x.offset(), dyo = dy.offset();
        float[] gw = weight.grad().data(), gb = bias.grad().data();
        int gwo = weight.grad().offset(), gbo = bias.grad().offset();
        Kernels k = Engine.kernels();
        Parallel.forRanges(channels, Parallel.worthSplittingElements(x.size()), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                double is = invStd[c];
                int stride = channels * hw;
                double sdy = k.sumPlanes(b, hw, stride, d, dyo + c * hw);
                double sdyx = k.centeredDotPlanes(b, hw, stride, xd, xo + c * hw, mean[c], d, dyo + c * hw, 0f);
                sdyx *= is; // sum dy xhat
                gw[gwo + c] += (float) sdyx;
                gb[gbo + c] += (float) sdy;
                double g = weight.value().getFlat(c) * is;
                gradScale[c] = (float) g;
                dyMean[c] = (float) (sdy / m);
                proj[c] = (float) (is * sdyx / m);
            }
        });
        if (!inputGradNeeded) return null;
        dxBuf = Buffers.ensure(dxBuf, x.size());
        if (lastTraining) {
            k.normBackwardChannels(b, channels, hw, xd, xo, d, dyo, mean, gradScale, dyMean, proj, dxBuf, 0);
        } else {
            k.scaleShiftChannels(b, channels, hw, d, dyo, gradScale, 0, zeros, 0, dxBuf, 0);
        }
        return Tensor.wrap(dxBuf, 0, x.shape());
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("running_mean", runningMean);
        m.put("running_var", runningVar);
        m.put("num_batches_tracked", numBatchesTracked);
        return m;
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length < 1 || inputShape[0] != channels) {
            throw new IllegalArgumentException(spec() + " expects input (" + channels + ", H, W) or (" + channels + "), got shape "
                    + Arrays.toString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public String spec() {
        StringBuilder sb = new StringBuilder("bn");
        if (eps != DEFAULT_EPS || momentum != DEFAULT_MOMENTUM) {
            sb.append('(');
            if (eps != DEFAULT_EPS) sb.append("eps=").append(eps);
            if (momentum != DEFAULT_MOMENTUM) sb.append(eps != DEFAULT_EPS ? "," : "").append("momentum=").append(momentum);
            sb.append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ", eps=" + eps + ", momentum=" + momentum + ")";
    }
}
