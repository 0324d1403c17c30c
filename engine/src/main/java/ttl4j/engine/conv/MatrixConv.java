package ttl4j.engine.conv;

import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;

/**
 * A convolution of tiny images as one matrix: the map from an image X_n (C H W values) to its
 * output Y_n (K P Q values) is linear, so it is a (K P Q) x (C H W) matrix T, entry
 * {@code T[(k, p, q), (c, h, w)] = W[k, c, r, s]} for the tap (r, s) that links output (p, q) to input
 * (h, w), and 0 where none does (see {@link ConvShape} for the letters). With X as N rows of C H W
 * values and Y as N rows of K P Q:
 * <pre>
 * forward          Y (N, KPQ) = X T^T + bias       (one GEMM, B transposed)
 * input gradient   dX (N, CHW) = dY T              (one GEMM)
 * weight gradient  dT (KPQ, CHW) = dY^T X          (one GEMM), then dW[k, c, r, s] = sum of the dT
 *                  entries of tap (r, s), outputs (p, q) in order and inputs (h, w) in order
 * </pre>
 * T holds every (output, input) pair, the padded taps excepted, so it does N K P Q C H W
 * multiply-adds where direct does N K P Q C R S: on VGG-16's 2x2 layers (3x3 kernels, padding 1)
 * 4 of 9, since direct multiplies 5 of the 9 taps with padding zeros. T is built from W on every
 * pass (K P Q C H W stores), so it pays where the batch is large and the images are smaller than the
 * kernel's window ({@link Convolutions#costModel}). The GEMMs are deterministic and T's entries
 * are copies, so results are bitwise the same for any thread count.
 */
final class MatrixConv {
    private MatrixConv() {}

    /** T, or dT, of the calling thread, grown once and reused. */
    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /** Floats of T: K P Q C H W. */
    static long matrixFloats(ConvShape s) {
        return (long) s.outC() * s.outH() * s.outW() * s.inC() * s.inH() * s.inW();
    }

    private static float[] workspace(ConvShape s) {
        float[][] ws = WORKSPACE.get();
        long n = matrixFloats(s);
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("conv2d: the matrix of " + s + " has more than 2^31 entries");
        if (ws[0].length < n) ws[0] = new float[(int) n];
        return ws[0];
    }

    /**
     * The tap linking output (p, q) to input (h, w) for each of the P Q x H W pairs, output-major:
     * {@code r S + s}, or -1 where no tap does (the pair's entries of T are zero).
     */
    static int[] taps(ConvShape s) {
        int p = s.outH(), q = s.outW(), h = s.inH(), w = s.inW();
        int[] map = new int[p * q * h * w];
        java.util.Arrays.fill(map, -1);
        for (int op = 0; op < p; op++) {
            for (int oq = 0; oq < q; oq++) {
                for (int r = 0; r < s.kh(); r++) {
                    int ih = op * s.strideH() - s.padH() + r * s.dilH();
                    if (ih < 0 || ih >= h) continue;
                    for (int c = 0; c < s.kw(); c++) {
                        int iw = oq * s.strideW() - s.padW() + c * s.dilW();
                        if (iw < 0 || iw >= w) continue;
                        map[((op * q + oq) * h + ih) * w + iw] = r * s.kw() + c;
                    }
                }
            }
        }
        return map;
    }

    /**
     * Per output (p, q), in increasing order, the inputs (h W + w) a tap links it to and those taps
     * ({@link #taps} without its -1 entries): what {@link #build} copies and the weight gradient sums.
     */
    private record Links(int[][] inputs, int[][] taps) {
        static Links of(ConvShape s) {
            int pq = s.outH() * s.outW(), hw = s.inH() * s.inW();
            int[] map = MatrixConv.taps(s);
            int[][] inputs = new int[pq][], taps = new int[pq][];
            for (int o = 0; o < pq; o++) {
                int linked = 0;
                for (int i = 0; i < hw; i++) if (map[o * hw + i] >= 0) linked++;
                inputs[o] = new int[linked];
                taps[o] = new int[linked];
                for (int i = 0, j = 0; i < hw; i++) {
                    if (map[o * hw + i] < 0) continue;
                    inputs[o][j] = i;
                    taps[o][j++] = map[o * hw + i];
                }
            }
            return new Links(inputs, taps);
        }

        /**
         * Per tap (of rs), the offsets of its entries in a (k, c) block of dT (rows chw floats apart):
         * {@code o chw + input}, outputs then inputs in increasing order.
         */
        int[][] byTap(int rs, int chw) {
            int[] count = new int[rs];
            for (int[] tp : taps) for (int e : tp) count[e]++;
            int[][] offsets = new int[rs][];
            for (int e = 0; e < rs; e++) offsets[e] = new int[count[e]];
            java.util.Arrays.fill(count, 0);
            for (int o = 0; o < taps.length; o++) {
                for (int j = 0; j < taps[o].length; j++) {
                    int e = taps[o][j];
                    offsets[e][count[e]++] = o * chw + inputs[o][j];
                }
            }
            return offsets;
        }
    }

    /**
     * T (KPQ, CHW) from W (K, C, R, S), split by output channel: rows with an unlinked input are
     * zeroed first, and the copies run over the {@link Links} only (no test per entry).
     */
    private static void build(ConvShape s, float[] w, int wOff, float[] t) {
        int k = s.outC(), c = s.inC(), pq = s.outH() * s.outW(), hw = s.inH() * s.inW(), rs = s.kh() * s.kw(), chw = c * hw;
        Links links = Links.of(s);
        int[][] inputs = links.inputs, taps = links.taps;
        Parallel.forRanges(k, Parallel.worthSplittingElements(matrixFloats(s)), (k0, k1) -> {
            for (int ik = k0; ik < k1; ik++) {
                for (int o = 0; o < pq; o++) {
                    int row = (ik * pq + o) * chw, wk = wOff + ik * c * rs;
                    int[] in = inputs[o], tp = taps[o];
                    if (in.length < hw) java.util.Arrays.fill(t, row, row + chw, 0f);
                    if (in.length == 4) {
                        int i0 = in[0], i1 = in[1], i2 = in[2], i3 = in[3], e0 = tp[0], e1 = tp[1], e2 = tp[2], e3 = tp[3];
                        for (int ic = 0; ic < c; ic++) {
                            int wb = wk + ic * rs, d = row + ic * hw;
                            t[d + i0] = w[wb + e0];
                            t[d + i1] = w[wb + e1];
                            t[d + i2] = w[wb + e2];
                            t[d + i3] = w[wb + e3];
                        }
                    } else {
                        for (int ic = 0; ic < c; ic++) {
                            int wb = wk + ic * rs, d = row + ic * hw;
                            for (int j = 0; j < in.length; j++) t[d + in[j]] = w[wb + tp[j]];
                        }
                    }
                }
            }
        });
    }

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        forward(s, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /**
     * The forward pass; with {@code keep} not null ({@link #matrixFloats} long) T is built there instead
     * of in the workspace, for {@link #backwardData(ConvShape, float[], int, float[], float[], int)} of the
     * same W (building T took 2 ms of a 7 ms pass on 512->512 at 2x2, batch 64, one thread).
     */
    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff,
                        float[] keep) {
        int n = s.batch(), k = s.outC(), pq = s.outH() * s.outW(), kpq = k * pq, chw = s.inC() * s.inH() * s.inW();
        float[] t = keep == null ? workspace(s) : keep;
        build(s, w, wOff, t);
        Kernels kr = Engine.kernels();
        kr.gemm(false, true, n, kpq, chw, 1f, x, xOff, chw, t, 0, chw, 0f, y, yOff, kpq);
        if (bias == null) return;
        // every image's row of K P Q outputs gets bias[k] on its P Q outputs of channel k
        float[] row = new float[kpq];
        for (int ik = 0; ik < k; ik++) java.util.Arrays.fill(row, ik * pq, (ik + 1) * pq, bias[bOff + ik]);
        kr.addRowVector(n, kpq, y, yOff, row, 0, y, yOff);
    }

    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        float[] t = workspace(s);
        build(s, w, wOff, t);
        backwardData(s, dy, dyOff, t, dx, dxOff);
    }

    /** The input gradient through T already built (by the forward of the same W). */
    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] t, float[] dx, int dxOff) {
        int n = s.batch(), kpq = s.outC() * s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        Engine.kernels().gemm(false, false, n, chw, kpq, 1f, dy, dyOff, kpq, t, 0, chw, 0f, dx, dxOff, chw);
    }

    static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                float[] dw, int dwOff, float[] db, int dbOff) {
        int n = s.batch(), k = s.outC(), c = s.inC(), pq = s.outH() * s.outW(), hw = s.inH() * s.inW(), rs = s.kh() * s.kw();
        int kpq = k * pq, chw = c * hw;
        float[] dt = workspace(s);
        Engine.kernels().gemm(true, false, kpq, chw, n, 1f, dy, dyOff, kpq, x, xOff, chw, 0f, dt, 0, chw);
        // one sum per tap in a local, over the tap's dT entries in order (accumulated in a per-tap
        // array through the Links' two levels of indices, the fold took 11 of the pass's 14.5 ms on
        // 512->512 at 2x2, one thread)
        int[][] offsets = Links.of(s).byTap(rs, chw);
        Parallel.forRanges(k, Parallel.worthSplittingElements(matrixFloats(s)), (k0, k1) -> {
            for (int ik = k0; ik < k1; ik++) {
                for (int ic = 0; ic < c; ic++) {
                    int src = ik * pq * chw + ic * hw, d = dwOff + (ik * c + ic) * rs;
                    for (int e = 0; e < rs; e++) {
                        int[] off = offsets[e];
                        float acc = 0f;
                        for (int j = 0; j < off.length; j++) acc += dt[src + off[j]];
                        dw[d + e] = beta == 0f ? acc : acc + dw[d + e];
                    }
                }
            }
        });
        if (db != null) DirectConv.biasGradient(s, dy, dyOff, beta, db, dbOff);
    }
}
