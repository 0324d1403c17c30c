package ttl4j.nn;

import ttl4j.engine.Tensor;

/** {@code y = tanh(x)} elementwise; {@code dx = dy (1 - y^2)}. Shape: any, output as input. */
public final class Tanh implements Layer {
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
        for (int i = 0; i < n; i++) yBuf[i] = (float) Math.tanh(xd[xo + i]);
        return Tensor.wrap(yBuf, 0, shape);
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (shape == null) throw new IllegalStateException("tanh: backward before forward");
        dy.requireShape("tanh backward dy", shape);
        if (!inputGradNeeded) return null;
        int n = dy.size();
        dxBuf = Buffers.ensure(dxBuf, n);
        float[] d = dy.data();
        int o = dy.offset();
        for (int i = 0; i < n; i++) {
            float y = yBuf[i];
            dxBuf[i] = d[o + i] * (1f - y * y);
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
        return "tanh";
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
