package ttl4j.engine.conv;

import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;

/**
 * The patch matrix of one image and its transpose scatter (im2col and col2im), a block at a time.
 *
 * <p>Shapes: image X (C, H, W); patches (C R S, P Q) with row {@code (c R + r) S + s} and column
 * {@code p Q + q} holding {@code X[c, p strideH - padH + r dilH, q strideW - padW + s dilW]} (zero
 * outside the image). A block is rows [row0, row1) by columns [pq0, pq1), stored row-major from
 * {@code dOff} with leading dimension {@code ldd}.
 */
final class Patches {
    private Patches() {}

    /** Segments shorter than this are copied by a loop: System.arraycopy's set-up costs more than a few moves. */
    private static final int SHORT = 12;

    /** Writes the block of patch rows [row0, row1) x columns [pq0, pq1) of the image at {@code x[xOff]} into {@code dst}. */
    static void pack(ConvShape s, float[] x, int xOff, int row0, int row1, int pq0, int pq1, float[] dst, int dOff, int ldd) {
        int h = s.inH(), w = s.inW(), q = s.outW(), rs = s.kh() * s.kw(), sw = s.kw();
        int strideH = s.strideH(), strideW = s.strideW();
        boolean shifted = strideH == 1 && strideW == 1 && q == w;
        for (int row = row0; row < row1; row++) {
            int c = row / rs, r = (row % rs) / sw, k = row % sw;
            int offH = r * s.dilH() - s.padH(), offW = k * s.dilW() - s.padW();
            // output columns q with 0 <= q strideW + offW < W
            int qLo = ceilDiv(-offW, strideW), qHi = ceilDiv(w - offW, strideW);
            int channel = xOff + c * h * w;
            int j = dOff + (row - row0) * ldd;
            if (shifted) {
                packShifted(s, x, channel, offH, offW, qLo, qHi, pq0, pq1, dst, j);
                continue;
            }
            int p = pq0 / q, q0 = pq0 % q;
            for (int pq = pq0; pq < pq1; p++, q0 = 0) {
                int q1 = Math.min(q, q0 + (pq1 - pq));
                int ih = p * strideH + offH;
                if (ih < 0 || ih >= h) {
                    zero(dst, j, q1 - q0);
                } else {
                    int a = Math.max(q0, Math.min(qLo, q1)), b = Math.max(a, Math.min(qHi, q1));
                    zero(dst, j, a - q0);
                    int src = channel + ih * w + a * strideW + offW, d = j + a - q0, len = b - a;
                    if (strideW == 1) {
                        if (len >= SHORT) {
                            System.arraycopy(x, src, dst, d, len);
                        } else {
                            for (int i = 0; i < len; i++) dst[d + i] = x[src + i];
                        }
                    } else {
                        for (int i = 0; i < len; i++) dst[d + i] = x[src + i * strideW];
                    }
                    zero(dst, j + b - q0, q1 - b);
                }
                j += q1 - q0;
                pq += q1 - q0;
            }
        }
    }

    /**
     * The transpose of {@link #pack}: adds each element of the block of rows [row0, row1) x columns
     * [pq0, pq1) of {@code col} to the image element it was read from. Each image element receives
     * its terms in increasing row order, then column order.
     */
    static void addBack(ConvShape s, float[] col, int cOff, int ldc, int row0, int row1, int pq0, int pq1, float[] dx, int dxOff) {
        int h = s.inH(), w = s.inW(), q = s.outW(), rs = s.kh() * s.kw(), sw = s.kw();
        int strideH = s.strideH(), strideW = s.strideW();
        boolean shifted = strideH == 1 && strideW == 1 && q == w;
        for (int row = row0; row < row1; row++) {
            int c = row / rs, r = (row % rs) / sw, k = row % sw;
            int offH = r * s.dilH() - s.padH(), offW = k * s.dilW() - s.padW();
            int qLo = ceilDiv(-offW, strideW), qHi = ceilDiv(w - offW, strideW);
            int channel = dxOff + c * h * w;
            int j = cOff + (row - row0) * ldc;
            if (shifted) {
                addBackShifted(s, col, j, offH, offW, qLo, qHi, pq0, pq1, dx, channel);
                continue;
            }
            int p = pq0 / q, q0 = pq0 % q;
            for (int pq = pq0; pq < pq1; p++, q0 = 0) {
                int q1 = Math.min(q, q0 + (pq1 - pq));
                int ih = p * strideH + offH;
                if (ih >= 0 && ih < h) {
                    int a = Math.max(q0, Math.min(qLo, q1)), b = Math.max(a, Math.min(qHi, q1));
                    int dst = channel + ih * w + a * strideW + offW, src = j + a - q0, len = b - a;
                    if (strideW == 1) {
                        addRun(dx, dst, col, src, len);
                    } else {
                        for (int i = 0; i < len; i++) dx[dst + i * strideW] += col[src + i];
                    }
                }
                j += q1 - q0;
                pq += q1 - q0;
            }
        }
    }

    /** Images with at most this many output pixels are packed through a per-row index map, image after image. */
    static final int MAP_BELOW_PQ = 64;

    private static final ThreadLocal<int[][]> MAP = ThreadLocal.withInitial(() -> new int[1][0]);

    /** The index map of patch row {@code row}: {@code map[pq]} is the element of the image channel it reads, or -1 (padding). */
    private static int[] rowMap(ConvShape s, int row) {
        int pq = s.outH() * s.outW(), q = s.outW(), rs = s.kh() * s.kw(), sw = s.kw();
        int[][] holder = MAP.get();
        if (holder[0].length < pq) holder[0] = new int[pq];
        int[] map = holder[0];
        int c = row / rs, r = (row % rs) / sw, k = row % sw;
        int offH = r * s.dilH() - s.padH(), offW = k * s.dilW() - s.padW(), h = s.inH(), w = s.inW();
        int channel = c * h * w;
        for (int p = 0, i = 0; p < s.outH(); p++) {
            int ih = p * s.strideH() + offH;
            for (int iq = 0; iq < q; iq++, i++) {
                int iw = iq * s.strideW() + offW;
                map[i] = ih < 0 || ih >= h || iw < 0 || iw >= w ? -1 : channel + ih * w + iw;
            }
        }
        return map;
    }

    /**
     * {@link #pack} of whole images {@code x[xOff + e C H W]}, e in [0, g), side by side: image e's
     * columns start at column {@code e P Q} of {@code dst}. Row by row, so each destination row is
     * written in order and the rows of one channel reuse the same image lines from L1.
     */
    static void packImages(ConvShape s, float[] x, int xOff, int g, int row0, int row1, float[] dst, int dOff, int ldd) {
        int pq = s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        if (pq >= MAP_BELOW_PQ) {
            for (int row = row0; row < row1; row++) {
                for (int e = 0; e < g; e++) {
                    pack(s, x, xOff + e * chw, row, row + 1, 0, pq, dst, dOff + (row - row0) * ldd + e * pq, ldd);
                }
            }
            return;
        }
        for (int row = row0; row < row1; row++) {
            int[] map = rowMap(s, row);
            int d = dOff + (row - row0) * ldd;
            for (int e = 0; e < g; e++, d += pq) {
                int src = xOff + e * chw;
                for (int i = 0; i < pq; i++) {
                    int m = map[i];
                    dst[d + i] = m < 0 ? 0f : x[src + m];
                }
            }
        }
    }

    /** The transpose of {@link #packImages}: adds the block back into the images {@code dx[dxOff + e C H W]}. */
    static void addBackImages(ConvShape s, float[] col, int cOff, int ldc, int g, int row0, int row1, float[] dx, int dxOff) {
        int pq = s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        if (pq >= MAP_BELOW_PQ) {
            for (int row = row0; row < row1; row++) {
                for (int e = 0; e < g; e++) {
                    addBack(s, col, cOff + (row - row0) * ldc + e * pq, ldc, row, row + 1, 0, pq, dx, dxOff + e * chw);
                }
            }
            return;
        }
        for (int row = row0; row < row1; row++) {
            int[] map = rowMap(s, row);
            int j = cOff + (row - row0) * ldc;
            for (int e = 0; e < g; e++, j += pq) {
                int d = dxOff + e * chw;
                for (int i = 0; i < pq; i++) {
                    int m = map[i];
                    if (m >= 0) dx[d + m] += col[j + i];
                }
            }
        }
    }

    /*
     * Stride 1 with Q = W: patch column p Q + q reads image element (p + offH) W + q + offW, a fixed
     * shift of the column index, so a block row is one contiguous run of the image (rows outside it
     * zero) except the few columns q outside [qLo, qHi), whose reads wrapped into a neighbouring
     * image row. Small images (8x8 to 2x2) would otherwise cost a segment per output row.
     */

    /** The part of [pq0, pq1) whose image row is inside the image and whose shifted index stays in the channel. */
    private static int validFrom(ConvShape s, int offH, int shift, int pq0) {
        return Math.max(pq0, Math.max(Math.max(0, -offH) * s.outW(), -shift));
    }

    private static int validTo(ConvShape s, int offH, int shift, int pq1) {
        int hw = s.inH() * s.inW();
        return Math.min(pq1, Math.min(Math.min(s.outH(), s.inH() - offH) * s.outW(), hw - shift));
    }

    private static void packShifted(ConvShape s, float[] x, int channel, int offH, int offW, int qLo, int qHi, int pq0, int pq1,
                                    float[] dst, int j) {
        int q = s.outW(), shift = offH * s.inW() + offW;
        int a = validFrom(s, offH, shift, pq0), b = Math.max(a, validTo(s, offH, shift, pq1));
        if (a >= pq1 || b <= pq0) {
            zero(dst, j, pq1 - pq0);
            return;
        }
        zero(dst, j, a - pq0);
        if (b > a) System.arraycopy(x, channel + a + shift, dst, j + a - pq0, b - a);
        zero(dst, j + b - pq0, pq1 - b);
        if (qLo > 0 || qHi < q) zeroWrapped(q, qLo, qHi, a, b, dst, j - pq0);
    }

    private static void addBackShifted(ConvShape s, float[] col, int j, int offH, int offW, int qLo, int qHi, int pq0, int pq1,
                                       float[] dx, int channel) {
        int q = s.outW(), shift = offH * s.inW() + offW;
        int a = validFrom(s, offH, shift, pq0), b = validTo(s, offH, shift, pq1);
        if (a >= b) return;
        // the wrapped columns of col (scratch) become zeros, so one run adds nothing to their neighbours
        if (qLo > 0 || qHi < q) zeroWrapped(q, qLo, qHi, a, b, col, j - pq0);
        addRun(dx, channel + a + shift, col, j + a - pq0, b - a);
    }

    /** Zeroes {@code a[base + pq]} for pq in [from, to) whose column pq % Q is outside [qLo, qHi). */
    private static void zeroWrapped(int q, int qLo, int qHi, int from, int to, float[] a, int base) {
        int lo = Math.max(0, Math.min(qLo, q)), hi = Math.max(lo, Math.min(qHi, q));
        int p0 = from - from % q;
        if (p0 < from) {
            partialRowWrapped(q, lo, hi, from, to, a, base, p0);
            p0 += q;
        }
        for (; p0 + q <= to; p0 += q) {
            for (int qq = 0; qq < lo; qq++) a[base + p0 + qq] = 0f;
            for (int qq = hi; qq < q; qq++) a[base + p0 + qq] = 0f;
        }
        if (p0 < to) partialRowWrapped(q, lo, hi, from, to, a, base, p0);
    }

    /** {@link #zeroWrapped} on the output row starting at {@code p0}, which [from, to) covers only in part. */
    private static void partialRowWrapped(int q, int lo, int hi, int from, int to, float[] a, int base, int p0) {
        for (int qq = 0; qq < lo; qq++) {
            int pq = p0 + qq;
            if (pq >= from && pq < to) a[base + pq] = 0f;
        }
        for (int qq = hi; qq < q; qq++) {
            int pq = p0 + qq;
            if (pq >= from && pq < to) a[base + pq] = 0f;
        }
    }

    /** {@code dx[d, d + n) += col[src, src + n)}: long runs through the vector kernel (C2 does not vectorise the loop across two arrays it cannot prove apart). */
    private static void addRun(float[] dx, int d, float[] col, int src, int n) {
        if (n >= LONG_RUN) {
            KERNELS.add(n, dx, d, col, src, dx, d);
        } else {
            for (int i = 0; i < n; i++) dx[d + i] += col[src + i];
        }
    }

    /** Runs at least this long are added by {@link Kernels#add}, whose call and checks cost about as much as a few dozen scalar adds. */
    private static final int LONG_RUN = 32;

    private static final Kernels KERNELS = Engine.kernels();

    private static void zero(float[] a, int from, int n) {
        for (int i = 0; i < n; i++) a[from + i] = 0f;
    }

    /** {@code ceil(a / b)} for b > 0 and any sign of a. */
    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
