package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;

/**
 * Global average pooling: the mean of each channel's plane, flattened so that a dense head can
 * follow directly. PyTorch's {@code nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())}, or
 * {@code x.mean((2, 3))}, as one layer.
 *
 * <p>Shape: input {@code (B, C, H, W)}, output {@code (B, C)} (not {@code (B, C, 1, 1)}). No parameters.
 * The sums are the engine's {@code sumAxis} over each plane.
 */
public final class GlobalAvgPool implements Layer {
    private int[] inShape;
    private float[] yBuf, dxBuf;
    private boolean inputGradNeeded = true;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() != 4) throw new IllegalArgumentException("gap: expected input (B, C, H, W), got " + Arrays.toString(x.shape()));
        inShape = x.shape();
        int planes = x.dim(0) * x.dim(1), hw = x.dim(2) * x.dim(3);
        yBuf = Buffers.ensure(yBuf, planes);
        Engine.kernels().sumAxis(planes, hw, 1, x.data(), x.offset(), yBuf, 0);
        Engine.kernels().scale(planes, 1f / hw, yBuf, 0, yBuf, 0);
        return Tensor.wrap(yBuf, 0, x.dim(0), x.dim(1));
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inShape == null) throw new IllegalStateException("gap: backward before forward");
        dy.requireShape("gap backward dy", inShape[0], inShape[1]);
        if (!inputGradNeeded) return null;
        int planes = inShape[0] * inShape[1], hw = inShape[2] * inShape[3];
        dxBuf = Buffers.ensure(dxBuf, (long) planes * hw);
        float[] d = dy.data();
        for (int pl = 0; pl < planes; pl++) Arrays.fill(dxBuf, pl * hw, (pl + 1) * hw, d[dy.offset() + pl] / hw);
        return Tensor.wrap(dxBuf, 0, inShape);
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 3) throw new IllegalArgumentException("gap expects input (C, H, W), got shape " + Arrays.toString(inputShape));
        return new int[] {inputShape[0]};
    }

    @Override
    public String spec() {
        return "gap";
    }

    @Override
    public String toString() {
        return "GlobalAvgPool()";
    }
}
