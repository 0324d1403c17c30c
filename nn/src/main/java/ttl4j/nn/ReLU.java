package ttl4j.nn;

import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;

/** {@code y = max(x, 0)} elementwise. Shape: any, output as input. No parameters. */
public final class ReLU implements Layer {
    private Tensor x;
    private float[] yBuf, dxBuf;
    private boolean inputGradNeeded = true;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        yBuf = Buffers.ensure(yBuf, x.size());
        Engine.kernels().relu(x.size(), x.data(), x.offset(), yBuf, 0);
        return Tensor.wrap(yBuf, 0, x.shape());
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw new IllegalStateException("relu: backward before forward");
        dy.requireShape("relu backward dy", x.shape());
        if (!inputGradNeeded) return null;
        dxBuf = Buffers.ensure(dxBuf, x.size());
        Engine.kernels().reluBackward(x.size(), x.data(), x.offset(), dy.data(), dy.offset(), dxBuf, 0);
        return Tensor.wrap(dxBuf, 0, x.shape());
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public String spec() {
        return "relu";
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
