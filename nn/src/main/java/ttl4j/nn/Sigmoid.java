package ttl4j.nn;

import ttl4j.engine.Tensor;

/** {@code y = 1 / (1 + e^-x)} elementwise; {@code dx = dy y (1 - y)}. Shape: any, output as input. */
public final class Sigmoid implements Layer {
    private float[] yBuf, dxBuf;
    private int[] shape;
    private boolean inputGradNeeded = true;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        shape = x.shape();
        int n = x.size();
        yBuf = Buffers.ensure(yBuf, n);
        float[] xd = x.data();
        int xo = x.offset();
        for (int i = 0; i < n; i++) {
            double v = xd[xo + i];
            // Two branches so exp never overflows for large |x|.
            yBuf[i] = (float) (v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v)));
        }
        return Tensor.wrap(yBuf, 0, shape);
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (shape == null) throw new IllegalStateException("sigmoid: backward before forward");
        dy.requireShape("sigmoid backward dy", shape);
        if (!inputGradNeeded) return null;
        int n = dy.size();
        dxBuf = Buffers.ensure(dxBuf, n);
        float[] d = dy.data();
        int o = dy.offset();
        for (int i = 0; i < n; i++) {
            float y = yBuf[i];
            dxBuf[i] = d[o + i] * y * (1f - y);
        }
        return Tensor.wrap(dxBuf, 0, shape);
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
        return "sigmoid";
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
