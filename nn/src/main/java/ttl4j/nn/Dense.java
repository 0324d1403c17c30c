package ttl4j.nn;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;

/**
 * Fully connected layer {@code y = x W^T + b}, as PyTorch's {@code Linear}.
 *
 * <p>Shape: input {@code (B, in)}, output {@code (B, out)}. Parameters: {@code weight (out, in)},
 * {@code bias (out)}.
 * <p>Init: weight by {@link Init} (He normal for ReLU networks, Glorot uniform otherwise) from a
 * seeded generator; bias zero.
 *
 * <p>Forward is one GEMM with B stored as W (transB, so W^T is never formed) plus a row-vector add;
 * backward is {@code dW += dY^T X} (transA GEMM accumulating with beta 1, or overwriting with beta 0
 * after {@code zeroGrad}: {@link LayerGradients}), {@code db += sum_b dY}, {@code dX = dY W}.
 */
public final class Dense implements Layer {
    private final int in, out;
    private final Init init;
    private final Param weight, bias;
    private final LayerGradients grads;

    private Tensor x;
    private float[] yBuf;

    public Dense(int in, int out, Init init, SplittableRandom rnd) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("dense: sizes must be >= 1, got in=" + in + " out=" + out);
        this.in = in;
        this.out = out;
        this.init = init;
        this.weight = Param.zeros("weight", out, in);
        this.bias = Param.zeros("bias", out);
        init.fill(weight.value(), in, out, rnd);
        this.grads = new LayerGradients(List.of(weight, bias), bias);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Init init() {
        return init;
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException("dense(" + out + "): expected input (B, " + in + "), got " + Arrays.toString(x.shape()));
        }
        int b = x.dim(0);
        this.x = x;
        yBuf = Buffers.ensure(yBuf, (long) b * out);
        Kernels k = Engine.kernels();
        k.gemm(false, true, b, out, in, 1f, x.data(), x.offset(), in,
                weight.value().data(), weight.value().offset(), in, 0f, yBuf, 0, out);
        k.addRowVector(b, out, yBuf, 0, bias.value().data(), bias.value().offset(), yBuf, 0);
        return Tensor.wrap(yBuf, 0, b, out);
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw new IllegalStateException("dense: backward before forward");
        int b = x.dim(0);
        dy.requireShape("dense(" + out + ") backward dy", b, out);
        Kernels k = Engine.kernels();
        Tensor w = weight.value(), dw = weight.grad();
        k.gemm(true, false, out, in, b, 1f, dy.data(), dy.offset(), out, x.data(), x.offset(), in,
                grads.beta(), dw.data(), dw.offset(), in);
        grads.addBiasGrad(b, dy.data(), dy.offset());
        grads.gradientsWritten();
        float[] dx = grads.inputGradBuffer((long) b * in);
        if (dx == null) return null;
        k.gemm(false, false, b, in, out, 1f, dy.data(), dy.offset(), out, w.data(), w.offset(), in, 0f, dx, 0, in);
        return Tensor.wrap(dx, 0, b, in);
    }

    @Override
    public List<Param> params() {
        return grads.params();
    }

    @Override
    public void zeroGrad() {
        grads.zeroGrad();
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        grads.setInputGradNeeded(needed);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] != in) {
            throw new IllegalArgumentException("dense(" + out + ") expects input of " + in + " features, got shape "
                    + Arrays.toString(inputShape) + (inputShape.length > 1 ? " (add flatten before it)" : ""));
        }
        return new int[] {out};
    }

    /** {@code in * out}; the bias adds are not counted. */
    @Override
    public long multiplyAdds(int[] inputShape) {
        return (long) in * out;
    }

    /** Forward one GEMM; backward the weight gradient's GEMM and, unless this is the first layer, the input gradient's. */
    @Override
    public Work work(int[] inputShape, int batch) {
        long f = multiplyAdds(inputShape) * batch;
        return new Work(f, grads.inputGradNeeded() ? 2 * f : f, "gemm");
    }

    @Override
    public String spec() {
        return "dense(" + out + ")";
    }

    @Override
    public String toString() {
        return "Dense(in=" + in + ", out=" + out + ", init=" + init.specName() + ")";
    }
}
