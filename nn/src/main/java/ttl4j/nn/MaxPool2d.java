package ttl4j.nn;

import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * 2-D max pooling, as PyTorch's {@code MaxPool2d(kernel_size, stride, padding)} (dilation 1, floor
 * rounding). Padding counts as -infinity. Each window is scanned row by row and the first maximum
 * wins, any NaN replacing the running maximum (so the last NaN wins), as in PyTorch's CPU kernel; the
 * gradient goes to that element only, so tied elements after it get none.
 *
 * <p>Shape: input {@code (B, C, H, W)}, output {@code (B, C, P, Q)} ({@link Pool2d}). No parameters.
 */
public final class MaxPool2d extends Pool2d {
    /** Flat index into the plane (h * W + w) of each output's maximum. */
    private int[] argmax = new int[0];

    public MaxPool2d(int kh, int kw, int strideH, int strideW, int padH, int padW) {
        super("maxpool", kh, kw, strideH, strideW, padH, padW);
    }

    /** Square window, stride and padding. */
    public MaxPool2d(int k, int stride, int pad) {
        this(k, k, stride, stride, pad, pad);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] ys = begin(x);
        int planes = ys[0] * ys[1], p = ys[2], q = ys[3], h = x.dim(2), w = x.dim(3);
        if (argmax.length < planes * p * q) argmax = new int[planes * p * q];
        float[] xd = x.data(), y = yBuf;
        int[] am = argmax;
        int xo = x.offset();
        // planes are independent: any split gives the same bits
        boolean pairs = kh == 2 && kw == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0;
        Parallel.forRanges(planes, Parallel.worthSplittingElements((long) planes * h * w), (pl0, pl1) -> {
            if (pairs) {  // VGG's pooling: the engine's kernel (same scan order, ties and NaN rule)
                Engine.kernels().maxPool2x2(pl1 - pl0, h, w, xd, xo + pl0 * h * w, y, pl0 * p * q, am, pl0 * p * q);
                return;
            }
            for (int pl = pl0; pl < pl1; pl++) {
                int xBase = xo + pl * h * w, yBase = pl * p * q;
                for (int ip = 0; ip < p; ip++) {
                    int h0 = ip * strideH - padH, hs = Math.max(h0, 0), he = Math.min(h0 + kh, h);
                    for (int iq = 0; iq < q; iq++) {
                        int w0 = iq * strideW - padW, ws = Math.max(w0, 0), we = Math.min(w0 + kw, w);
                        int best = hs * w + ws;
                        float m = Float.NEGATIVE_INFINITY;
                        for (int ih = hs; ih < he; ih++) {
                            for (int iw = ws; iw < we; iw++) {
                                float v = xd[xBase + ih * w + iw];
                                if (v > m || Float.isNaN(v)) {
                                    m = v;
                                    best = ih * w + iw;
                                }
                            }
                        }
                        y[yBase + ip * q + iq] = m;
                        am[yBase + ip * q + iq] = best;
                    }
                }
            }
        });
        return Tensor.wrap(yBuf, 0, ys);
    }

    /** Flat indices of the maxima of the last forward (for tests). */
    int[] argmax() {
        return argmax;
    }

    @Override
    public Tensor backward(Tensor dy) {
        float[] dx = beginBackward(dy);
        if (dx == null) return null;
        int planes = inShape[0] * inShape[1], hw = inShape[2] * inShape[3], pq = dy.size() / Math.max(1, planes);
        float[] d = dy.data();
        int off = dy.offset();
        for (int pl = 0; pl < planes; pl++) {
            int xBase = pl * hw, yBase = pl * pq;
            for (int i = 0; i < pq; i++) dx[xBase + argmax[yBase + i]] += d[off + yBase + i];
        }
        return Tensor.wrap(dx, 0, inShape);
    }

    @Override
    public String spec() {
        return specPrefix("maxpool") + ")";
    }

    @Override
    public String toString() {
        return "MaxPool2d(kernel_size=(" + kh + ", " + kw + "), stride=(" + strideH + ", " + strideW + "), padding=(" + padH + ", "
                + padW + "))";
    }
}
