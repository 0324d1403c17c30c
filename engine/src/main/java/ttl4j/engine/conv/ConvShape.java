package ttl4j.engine.conv;

/**
 * The shape of a 2-D convolution, PyTorch's {@code Conv2d} with groups = 1: input X (N, C, H, W),
 * weight W (K, C, R, S), output Y (N, K, P, Q), all NCHW row-major, with
 * {@code Y[n, k, p, q] = sum_{c, r, s} X[n, c, p*strideH - padH + r*dilH, q*strideW - padW + s*dilW] W[k, c, r, s]}
 * (terms outside the input are zero), {@code P = (H + 2 padH - dilH (R - 1) - 1) / strideH + 1}, Q likewise.
 *
 * @param batch  N
 * @param inC    C
 * @param inH    H
 * @param inW    W
 * @param outC   K
 * @param kh     R (kernel rows)
 * @param kw     S (kernel columns)
 */
public record ConvShape(int batch, int inC, int inH, int inW, int outC, int kh, int kw,
                        int strideH, int strideW, int padH, int padW, int dilH, int dilW) {
    public ConvShape {
        if (batch < 0 || inC < 1 || inH < 1 || inW < 1 || outC < 1 || kh < 1 || kw < 1) {
            throw new IllegalArgumentException("conv2d: sizes must be positive (batch >= 0): " + describe(batch, inC, inH, inW,
                    outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW));
        }
        if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: stride and dilation must be >= 1 and padding >= 0: "
                    + describe(batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW));
        }
        long p = outSize(inH, kh, strideH, padH, dilH), q = outSize(inW, kw, strideW, padW, dilW);
        if (p < 1 || q < 1) {
            throw new IllegalArgumentException("conv2d: a " + kh + "x" + kw + " kernel (dilation " + dilH + "x" + dilW
                    + ") does not fit the " + inH + "x" + inW + " input padded by " + padH + "x" + padW);
        }
        if ((long) batch * inC * inH * inW > Integer.MAX_VALUE - 8 || (long) batch * outC * p * q > Integer.MAX_VALUE - 8
                || (long) outC * inC * kh * kw > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("conv2d: a tensor of " + describe(batch, inC, inH, inW, outC, kh, kw, strideH,
                    strideW, padH, padW, dilH, dilW) + " has more than 2^31 elements");
        }
    }

    /** A square kernel with equal stride and padding in both directions, no dilation. */
    public static ConvShape of(int batch, int inC, int inH, int inW, int outC, int k, int stride, int pad) {
        return new ConvShape(batch, inC, inH, inW, outC, k, k, stride, stride, pad, pad, 1, 1);
    }

    private static long outSize(int in, int k, int stride, int pad, int dil) {
        return Math.floorDiv((long) in + 2L * pad - (long) dil * (k - 1) - 1, stride) + 1;
    }

    /** P, the output rows. */
    public int outH() {
        return (int) outSize(inH, kh, strideH, padH, dilH);
    }

    /** Q, the output columns. */
    public int outW() {
        return (int) outSize(inW, kw, strideW, padW, dilW);
    }

    /** The same convolution on another batch size. */
    public ConvShape withBatch(int n) {
        return new ConvShape(n, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    }

    public int inputSize() {
        return batch * inC * inH * inW;
    }

    public int outputSize() {
        return batch * outC * outH() * outW();
    }

    public int weightSize() {
        return outC * inC * kh * kw;
    }

    /** Multiply-adds of one pass as a direct convolution: N K P Q C R S (the convention GFLOPS are counted in). */
    public long directMadds() {
        return (long) batch * outC * outH() * outW() * inC * kh * kw;
    }

    /** Whether this is a 3x3, stride-1, dilation-1 convolution (the shapes Winograd applies to). */
    public boolean isUnitStride3x3() {
        return kh == 3 && kw == 3 && strideH == 1 && strideW == 1 && dilH == 1 && dilW == 1;
    }

    @Override
    public String toString() {
        return describe(batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    }

    private static String describe(int batch, int inC, int inH, int inW, int outC, int kh, int kw, int strideH, int strideW,
                                   int padH, int padW, int dilH, int dilW) {
        return "input " + batch + "x" + inC + "x" + inH + "x" + inW + ", " + outC + " outputs, kernel " + kh + "x" + kw
                + ", stride " + strideH + "x" + strideW + ", padding " + padH + "x" + padW + ", dilation " + dilH + "x" + dilW;
    }
}
