package ttl4j.nn;

import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * 2-D average pooling, as PyTorch's {@code AvgPool2d(kernel_size, stride, padding, count_include_pad)}
 * (floor rounding, no divisor override). With {@code countIncludePad} (PyTorch's default) every
 * window is divided by R S, padding counting as zeros; without it, by the number of input elements
 * the window covers.
 *
 * <p>Shape: input {@code (B, C, H, W)}, output {@code (B, C, P, Q)} ({@link Pool2d}). No parameters.
 */
public final class AvgPool2d extends Pool2d {
    private final boolean countIncludePad;

    public AvgPool2d(int kh, int kw, int strideH, int strideW, int padH, int padW, boolean countIncludePad) {
        super("avgpool", kh, kw, strideH, strideW, padH, padW);
        this.countIncludePad = countIncludePad;
    }

    /** Square window, stride and padding, padding counted. */
    public AvgPool2d(int k, int stride, int pad) {
        this(k, k, stride, stride, pad, pad, true);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] ys = begin(x);
        int planes = ys[0] * ys[1], p = ys[2], q = ys[3], h = x.dim(2), w = x.dim(3);
        float[] xd = x.data(), y = yBuf;
        int xo = x.offset();
        // planes are independent: any split gives the same bits
        Parallel.forRanges(planes, Parallel.worthSplittingElements((long) planes * h * w), (pl0, pl1) -> {
            for (int pl = pl0; pl < pl1; pl++) {
                int xBase = xo + pl * h * w, yBase = pl * p * q;
                for (int ip = 0; ip < p; ip++) {
                    int h0 = ip * strideH - padH, hs = Math.max(h0, 0), he = Math.min(h0 + kh, h);
                    for (int iq = 0; iq < q; iq++) {
                        int w0 = iq * strideW - padW, ws = Math.max(w0, 0), we = Math.min(w0 + kw, w);
                        float acc = 0f;
                        for (int ih = hs; ih < he; ih++) {
                            for (int iw = ws; iw < we; iw++) acc += xd[xBase + ih * w + iw];
                        }
                        y[yBase + ip * q + iq] = acc / divisor(hs, he, ws, we);
                    }
                }
            }
        });
        return Tensor.wrap(yBuf, 0, ys);
    }

    private int divisor(int hs, int he, int ws, int we) {
        return countIncludePad ? kh * kw : (he - hs) * (we - ws);
    }

    @Override
    public Tensor backward(Tensor dy) {
        float[] dx = beginBackward(dy);
        if (dx == null) return null;
        int planes = inShape[0] * inShape[1], h = inShape[2], w = inShape[3], p = outH(h), q = outW(w);
        float[] d = dy.data();
        int dyo = dy.offset();
        Parallel.forRanges(planes, Parallel.worthSplittingElements((long) planes * h * w), (pl0, pl1) -> {
            for (int pl = pl0; pl < pl1; pl++) {
                int xBase = pl * h * w, yBase = dyo + pl * p * q;
                for (int ip = 0; ip < p; ip++) {
                    int h0 = ip * strideH - padH, hs = Math.max(h0, 0), he = Math.min(h0 + kh, h);
                    for (int iq = 0; iq < q; iq++) {
                        int w0 = iq * strideW - padW, ws = Math.max(w0, 0), we = Math.min(w0 + kw, w);
                        float g = d[yBase + ip * q + iq] / divisor(hs, he, ws, we);
                        for (int ih = hs; ih < he; ih++) {
                            for (int iw = ws; iw < we; iw++) dx[xBase + ih * w + iw] += g;
                        }
                    }
                }
            }
        });
        return Tensor.wrap(dx, 0, inShape);
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }

    @Override
    public String spec() {
        return specPrefix("avgpool") + (countIncludePad ? "" : ",count_include_pad=false") + ")";
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel_size=(" + kh + ", " + kw + "), stride=(" + strideH + ", " + strideW + "), padding=(" + padH + ", "
                + padW + "), count_include_pad=" + (countIncludePad ? "True" : "False") + ")";
    }
}
