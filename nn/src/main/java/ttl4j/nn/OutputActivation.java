package ttl4j.nn;

import ttl4j.engine.Tensor;

/**
 * An elementwise activation whose derivative is a function of its output (tanh, sigmoid):
 * the forward keeps {@code y}, the backward computes {@code dx = dy * f'(y)}. Shape: any, output as input.
 */
abstract class OutputActivation implements Layer {
    private final String name;
    private float[] yBuf, dxBuf;
    private int[] shape;
    private boolean inputGradNeeded = true;

    OutputActivation(String name) {
        this.name = name;
    }

    /** {@code f(x)}. */
    abstract float apply(float x);

    /** {@code f'(x)} written in terms of {@code y = f(x)}. */
    abstract float derivativeAtOutput(float y);

    @Override
    public final Tensor forward(Tensor x, boolean training) {
        shape = x.shape();
        int n = x.size();
        yBuf = Buffers.ensure(yBuf, n);
        float[] xd = x.data();
        int xo = x.offset();
        for (int i = 0; i < n; i++) yBuf[i] = apply(xd[xo + i]);
        return Tensor.wrap(yBuf, 0, shape);
    }

    @Override
    public final Tensor backward(Tensor dy) {
        if (shape == null) throw new IllegalStateException(name + ": backward before forward");
        dy.requireShape(name + " backward dy", shape);
        if (!inputGradNeeded) return null;
        int n = dy.size();
        dxBuf = Buffers.ensure(dxBuf, n);
        float[] d = dy.data();
        int o = dy.offset();
        for (int i = 0; i < n; i++) dxBuf[i] = d[o + i] * derivativeAtOutput(yBuf[i]);
        return Tensor.wrap(dxBuf, 0, shape);
    }

    @Override
    public final void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public final int[] outputShape(int[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public final String spec() {
        return name;
    }
}
