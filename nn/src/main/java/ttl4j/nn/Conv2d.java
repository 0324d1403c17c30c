package ttl4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.engine.conv.ConvPlan;
import ttl4j.engine.conv.ConvShape;
import ttl4j.engine.conv.Convolutions;

/**
 * 2-D convolution, as PyTorch's {@code Conv2d} with {@code groups=1}:
 * {@code Y[n,k,p,q] = bias[k] + sum_{c,r,s} X[n, c, p*sH - pH + r*dH, q*sW - pW + s*dW] W[k,c,r,s]},
 * zero outside the input.
 *
 * <p>Shape: input {@code (B, C, H, W)}, output {@code (B, K, P, Q)} with
 * {@code P = (H + 2 pH - dH (R - 1) - 1) / sH + 1}, Q likewise. Parameters: {@code weight (K, C, R, S)},
 * {@code bias (K)} (absent with {@code bias=false}).
 * <p>Init: PyTorch's default, weight and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = C R S
 * ({@link Init#KAIMING_UNIFORM}), weight drawn first, from a seeded generator.
 *
 * <p>The three passes are the engine's {@link Convolutions} (forward, and backward for the weight and input gradients together),
 * which picks the algorithm per shape. The weight gradient overwrites after {@link #zeroGrad}
 * (beta 0) and accumulates afterwards (beta 1), as {@link LayerGradients} does for GEMM layers.
 */
public final class Conv2d implements Layer {
    private final int inC, outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW;
    private final Param weight, bias;
    private final List<Param> params;
    private boolean pendingZero = true;
    private boolean inputGradNeeded = true;

    private Tensor x;
    private ConvShape shape;
    private float[] yBuf, dxBuf;
    /**
     * What the last training forward pass kept of its input for the weight gradient (the Winograd
     * transformed input), and whether it belongs to {@link #x}: reusing it spares transforming X again.
     */
    private float[] savedBuf;
    private boolean savedValid;

    /** Arguments as PyTorch's {@code Conv2d(inC, outC, (kh, kw), (strideH, strideW), (padH, padW), (dilH, dilW), bias=bias)}. */
    public Conv2d(int inC, int outC, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                  boolean bias, SplittableRandom rnd) {
        if (inC < 1 || outC < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv: channels, kernel, stride and dilation must be >= 1 and padding >= 0, got in="
                    + inC + " out=" + outC + " k=" + kh + "x" + kw + " s=" + strideH + "x" + strideW + " p=" + padH + "x" + padW
                    + " d=" + dilH + "x" + dilW);
        }
        this.inC = inC;
        this.outC = outC;
        this.kh = kh;
        this.kw = kw;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilH = dilH;
        this.dilW = dilW;
        this.weight = Param.zeros("weight", outC, inC, kh, kw);
        int fanIn = inC * kh * kw;
        Init.KAIMING_UNIFORM.fill(weight.value(), fanIn, outC * kh * kw, rnd);
        List<Param> ps = new ArrayList<>(List.of(weight));
        if (bias) {
            this.bias = Param.zeros("bias", outC);
            Init.KAIMING_UNIFORM.fill(this.bias.value(), fanIn, outC, rnd);
            ps.add(this.bias);
        } else {
            this.bias = null;
        }
        this.params = List.copyOf(ps);
    }

    /** A square kernel with the same stride and padding both ways, no dilation, with bias. */
    public Conv2d(int inC, int outC, int k, int stride, int pad, SplittableRandom rnd) {
        this(inC, outC, k, k, stride, stride, pad, pad, 1, 1, true, rnd);
    }

    public Param weight() {
        return weight;
    }

    /** The bias, or null for {@code bias=false}. */
    public Param bias() {
        return bias;
    }

    public int inChannels() {
        return inC;
    }

    public int outChannels() {
        return outC;
    }

    /** The engine's shape of a batch of {@code n} samples of {@code h x w}. */
    public ConvShape convShape(int n, int h, int w) {
        return new ConvShape(n, inC, h, w, outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() != 4 || x.dim(1) != inC) {
            throw new IllegalArgumentException(spec() + ": expected input (B, " + inC + ", H, W), got " + Arrays.toString(x.shape()));
        }
        ConvShape s = convShape(x.dim(0), x.dim(2), x.dim(3));
        this.x = x;
        this.shape = s;
        yBuf = Buffers.ensure(yBuf, s.outputSize());
        long keep = training ? Convolutions.savedInputFloats(s) : 0;
        if (keep > 0) savedBuf = Buffers.ensure(savedBuf, keep);
        savedValid = keep > 0;
        Convolutions.forward(s, x.data(), x.offset(), weight.value().data(), weight.value().offset(),
                bias == null ? null : bias.value().data(), bias == null ? 0 : bias.value().offset(), yBuf, 0,
                savedValid ? savedBuf : null);
        return Tensor.wrap(yBuf, 0, s.batch(), outC, s.outH(), s.outW());
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw new IllegalStateException("conv: backward before forward");
        ConvShape s = shape;
        dy.requireShape(spec() + " backward dy", s.batch(), outC, s.outH(), s.outW());
        Tensor dw = weight.grad();
        if (inputGradNeeded) dxBuf = Buffers.ensure(dxBuf, s.inputSize());
        // both gradients in one call: a Winograd layer transforms dY once for the two
        Convolutions.backward(s, x.data(), x.offset(), dy.data(), dy.offset(), weight.value().data(), weight.value().offset(),
                pendingZero ? 0f : 1f, dw.data(), dw.offset(), bias == null ? null : bias.grad().data(),
                bias == null ? 0 : bias.grad().offset(), savedValid ? savedBuf : null, inputGradNeeded ? dxBuf : null, 0);
        pendingZero = false;
        if (!inputGradNeeded) return null;
        return Tensor.wrap(dxBuf, 0, s.batch(), inC, s.inH(), s.inW());
    }

    @Override
    public List<Param> params() {
        return params;
    }

    /** Deferred: the next backward overwrites the gradients (beta 0) instead of adding. */
    @Override
    public void zeroGrad() {
        pendingZero = true;
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 3 || inputShape[0] != inC) {
            throw new IllegalArgumentException(spec() + " expects input (C, H, W) with C = " + inC + ", got shape "
                    + Arrays.toString(inputShape));
        }
        ConvShape s;
        try {
            s = convShape(1, inputShape[1], inputShape[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(spec() + ": " + e.getMessage(), e);
        }
        return new int[] {outC, s.outH(), s.outW()};
    }

    /** The Winograd transformed input a training forward pass keeps for the weight gradient (0 for other plans). */
    @Override
    public long keptFloats(int[] inputShape, int batch) {
        outputShape(inputShape);
        return batch == 0 ? 0 : Convolutions.savedInputFloats(convShape(batch, inputShape[1], inputShape[2]));
    }

    /** {@code K C R S} per output position: {@code K C R S H_out W_out}; the bias adds are not counted. */
    @Override
    public long multiplyAdds(int[] inputShape) {
        int[] o = outputShape(inputShape);
        return (long) outC * inC * kh * kw * o[1] * o[2];
    }

    /**
     * The direct algorithm's multiply-adds (the weight gradient's, and the input gradient's unless this
     * is the first layer, each the forward's), and the algorithm {@link Convolutions#plan} picks for
     * each pass: {@code forward / input gradient / weight gradient}, the input gradient {@code -} when
     * it is not computed.
     */
    @Override
    public Work work(int[] inputShape, int batch) {
        long f = multiplyAdds(inputShape) * batch;
        ConvPlan p = Convolutions.plan(convShape(Math.max(1, batch), inputShape[1], inputShape[2]));
        String a = p.forward().key() + " / " + (inputGradNeeded ? p.backwardData().key() : "-") + " / " + p.backwardWeights().key();
        return new Work(f, inputGradNeeded ? 2 * f : f, a);
    }

    /** {@code conv(K,k=R[xS][,s=..][,p=..][,d=..][,bias=false])}, defaults left out. */
    @Override
    public String spec() {
        StringBuilder sb = new StringBuilder("conv(").append(outC).append(",k=").append(pair(kh, kw));
        if (strideH != 1 || strideW != 1) sb.append(",s=").append(pair(strideH, strideW));
        if (padH != 0 || padW != 0) sb.append(",p=").append(pair(padH, padW));
        if (dilH != 1 || dilW != 1) sb.append(",d=").append(pair(dilH, dilW));
        if (bias == null) sb.append(",bias=false");
        return sb.append(')').toString();
    }

    static String pair(int a, int b) {
        return a == b ? Integer.toString(a) : a + "x" + b;
    }

    @Override
    public String toString() {
        return "Conv2d(" + inC + ", " + outC + ", kernel_size=(" + kh + ", " + kw + "), stride=(" + strideH + ", " + strideW
                + "), padding=(" + padH + ", " + padW + "), dilation=(" + dilH + ", " + dilW + "), bias=" + (bias != null) + ")";
    }
}
