package ttl4j.nn;

import ttl4j.engine.Tensor;

/**
 * Views {@code (B, d1, d2, ...)} as {@code (B, d1*d2*...)}, row-major, so an NCHW batch {@code (B, C, H, W)} becomes
 * {@code (B, C*H*W)} in PyTorch's {@code nn.Flatten} order; no copy. No parameters.
 */
public final class Flatten implements Layer {
    private int[] inShape;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        inShape = x.shape();
        int b = x.dim(0);
        return x.reshape(b, x.sizeBetween(1, x.rank()));
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inShape == null) throw new IllegalStateException("flatten: backward before forward");
        return dy.reshape(inShape);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return new int[] {Tensor.sizeOf(inputShape)};
    }

    @Override
    public String spec() {
        return "flatten";
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
