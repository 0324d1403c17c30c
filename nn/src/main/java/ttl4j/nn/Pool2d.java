package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/**
 * What the 2-D pooling layers share: the window geometry (kernel R x S, stride, padding; no dilation,
 * floor rounding as PyTorch's {@code ceil_mode=False}), the shape checks and the buffers. Output
 * size {@code P = (H + 2 pH - R) / sH + 1}, Q likewise; as in PyTorch the padding may be at most half
 * the kernel, so every window holds at least one input element.
 */
abstract sealed class Pool2d implements Layer permits MaxPool2d, AvgPool2d {
    final int kh, kw, strideH, strideW, padH, padW;
    boolean inputGradNeeded = true;
    /** Shape of the latest forward's input (B, C, H, W). */
    int[] inShape;
    float[] yBuf, dxBuf;

    Pool2d(String name, int kh, int kw, int strideH, int strideW, int padH, int padW) {
        if (kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException(name + ": kernel and stride must be >= 1 and padding >= 0, got k=" + kh + "x" + kw
                    + " s=" + strideH + "x" + strideW + " p=" + padH + "x" + padW);
        }
        if (2 * padH > kh || 2 * padW > kw) {
            throw new IllegalArgumentException(name + ": padding must be at most half the kernel, got p=" + padH + "x" + padW
                    + " for k=" + kh + "x" + kw);
        }
        this.kh = kh;
        this.kw = kw;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
    }

    int outH(int h) {
        return Math.floorDiv(h + 2 * padH - kh, strideH) + 1;
    }

    int outW(int w) {
        return Math.floorDiv(w + 2 * padW - kw, strideW) + 1;
    }

    /** Checks a batch (B, C, H, W), remembers its shape and sizes the output buffer; returns (B, C, P, Q). */
    int[] begin(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException(spec() + ": expected input (B, C, H, W), got " + Arrays.toString(x.shape()));
        int[] out = outputShape(new int[] {x.dim(1), x.dim(2), x.dim(3)});
        inShape = x.shape();
        int[] y = {x.dim(0), out[0], out[1], out[2]};
        yBuf = Buffers.ensure(yBuf, Tensor.sizeOf(y));
        return y;
    }

    /** The input-gradient buffer, zeroed, or null when not needed. */
    float[] beginBackward(Tensor dy) {
        if (inShape == null) throw new IllegalStateException(spec() + ": backward before forward");
        int b = inShape[0], c = inShape[1], h = inShape[2], w = inShape[3];
        dy.requireShape(spec() + " backward dy", b, c, outH(h), outW(w));
        if (!inputGradNeeded) return null;
        int n = Tensor.sizeOf(inShape);
        dxBuf = Buffers.ensure(dxBuf, n);
        Arrays.fill(dxBuf, 0, n, 0f);
        return dxBuf;
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException(spec() + " expects input (C, H, W), got shape " + Arrays.toString(inputShape));
        }
        int p = outH(inputShape[1]), q = outW(inputShape[2]);
        if (p < 1 || q < 1) {
            throw new IllegalArgumentException(spec() + ": a " + kh + "x" + kw + " window does not fit the " + inputShape[1] + "x"
                    + inputShape[2] + " input padded by " + padH + "x" + padW);
        }
        return new int[] {inputShape[0], p, q};
    }

    /** {@code name(R[xS][,s=..][,p=..]} with the defaults (stride = kernel, padding 0) left out, no closing parenthesis. */
    String specPrefix(String name) {
        StringBuilder sb = new StringBuilder(name).append('(').append(Conv2d.pair(kh, kw));
        if (strideH != kh || strideW != kw) sb.append(",s=").append(Conv2d.pair(strideH, strideW));
        if (padH != 0 || padW != 0) sb.append(",p=").append(Conv2d.pair(padH, padW));
        return sb.toString();
    }
}
