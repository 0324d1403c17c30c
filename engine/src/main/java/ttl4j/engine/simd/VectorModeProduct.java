package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.ScalarGemm;

/**
 * Small factor times many slices: T (P, I, Q), U (K, I) -> Y (P, K, Q), {@code Y[p] = alpha * U T[p] + beta * Y[p]}
 * (a mode-n product on the row-major layout). A GEMM per slice is too narrow for the GEMM
 * micro-kernel when Q is a vector or two, and the last mode (Q = 1) is a GEMM with N = K of half a
 * vector, so both get their own kernels:
 * <ul>
 * <li>Q of at least one vector: a 4 (k) x 4 (vectors) register tile whose four column vectors are
 * taken from consecutive slices in place (no gathering copy), U packed once per call
 * k-interleaved so that each i broadcasts four consecutive floats. When Q is not a multiple of
 * the vector length, each slice's last vector starts at Q - VL and overlaps the one before it: the
 * overlapped lanes are computed twice with the same arithmetic, so storing them twice is harmless
 * when beta = 0, and with beta != 0 the tail vector stores only its new lanes.
 * <li>Q = 1 with 16-float vectors and K = 8: blocks of rows of T are transposed
 * in registers ({@link Transpose16}) so that lanes run over p and every FMA is full width; the
 * 16 accumulators (8 k's x 2 row parities for K = 8) are transposed back into whole rows of Y.
 * </ul>
 * Everything else (Q tails, leftover rows) is scalar code with the same arithmetic: each Y element
 * is {@code s = fma(U[k,i], T[p,i,q], s)} from 0 over increasing i, then {@code alpha*s} or
 * {@code fma(beta, Y, alpha*s)}, so results do not depend on how the caller splits p.
 */
final class VectorModeProduct implements KernelSupport.ModeProductSlices {
    static final VectorModeProduct INSTANCE = new VectorModeProduct();

    private VectorModeProduct() {}

    static final VectorSpecies<Float> S = Species.F;
    static final int VL = Species.VL;
    /**
     * k rows of the middle-mode register tile (its columns are four vectors), {@link SliceTiles#tile4x4};
     * {@link SliceTiles#tile5x4} covers 5 rows for K = 5, 9, 10, ...: with a rank of 5, three of the
     * four rows of a second 4-row tile would be idle.
     */
    private static final int KB = 4;
    private static final boolean TRANSPOSE16 = VL == 16;
    /**
     * The transposing last-mode kernel is only offered from JDK 21: under JDK 17 its compiled form
     * ran several times slower than the thin GEMM in most runs (same code, same data).
     */
    private static final boolean LAST_MODE_FAST = TRANSPOSE16 && Runtime.version().feature() >= 21;

    /** Shapes with a vector path; the others still work, in scalar code. */
    @Override
    public boolean modeProductSlicesFast(int in, int q, int k) {
        if (in == 0 || k == 0) return false;
        if (q == 1) return LAST_MODE_FAST && lastModeFits(k);
        return q >= VL;
    }

    /**
     * K = 8 only: for K a multiple of 16 the thin GEMM (lanes along K, tiles written back with
     * vectors) measured faster; for K = 8 it would use half its lanes (the figures are in the
     * README's mode-product table, {@code ttl bench mode-product}).
     */
    private static boolean lastModeFits(int k) {
        return TRANSPOSE16 && k == 8;
    }

    private static final class Scratch {
        float[] u = new float[0];
        float[] tt = new float[0];
        final float[] tile = new float[256];
        final float[] tile2 = new float[256];
        final float[] edge = new float[20 * VL];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu, boolean transU,
                                  float[] t, int tOff, float beta, float[] y, int yOff) {
        Scratch s = SCRATCH.get();
        int uks = transU ? 1 : ldu, uis = transU ? ldu : 1;
        if (q == 1 && lastModeFits(k)) {
            lastMode(p, in, k, alpha, u, uOff, uks, uis, t, tOff, beta, y, yOff, s);
        } else {
            middle(p, in, q, k, alpha, u, uOff, uks, uis, t, tOff, beta, y, yOff, s);
        }
    }

    private static float[] grow(float[] x, long need) {
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("modeProductSlices: packed factor needs " + need + " floats");
        }
        return x.length >= need ? x : new float[(int) need];
    }

    // ------------------------------------------------------------------ middle modes (Q >= one vector)

    private static void middle(int p, int in, int q, int k, float alpha, float[] u, int uOff, int uks, int uis,
                               float[] t, int tOff, float beta, float[] y, int yOff, Scratch s) {
        if (q < VL) {
            ScalarGemm.sliceRange(0, p, in, q, 0, k, alpha, u, uOff, uks, uis, t, tOff, beta, y, yOff);
            return;
        }
        int qv = (q + VL - 1) / VL;
        int fives = VectorContraction.fiveWideBlocks(k);
        int kp = 5 * fives + (k - 5 * fives + KB - 1) / KB * KB;
        s.u = grow(s.u, (long) kp * in);
        float[] up = s.u;
        // block [kb, kb + w) of rows: up[kb*in + i*w + j] = U[kb + j, i], zero rows past K so the
        // tile never branches on them
        for (int kb = 0, blk = 0; kb < kp; blk++) {
            int w = blk < fives ? 5 : KB;
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < w; j++) {
                    int kk = kb + j;
                    up[kb * in + i * w + j] = kk < k ? u[uOff + kk * uks + i * uis] : 0f;
                }
            }
            kb += w;
        }
        int nvec = p * qv;
        for (int c = 0; c < nvec; c += 4) {
            int nv = Math.min(4, nvec - c);
            // missing column vectors repeat the last one; their results are not stored
            int t0 = tBase(c, qv, in, q, tOff), t1 = tBase(c + Math.min(1, nv - 1), qv, in, q, tOff);
            int t2 = tBase(c + Math.min(2, nv - 1), qv, in, q, tOff), t3 = tBase(c + Math.min(3, nv - 1), qv, in, q, tOff);
            for (int kb = 0, blk = 0; kb < k; blk++) {
                if (blk < fives) {
                    SliceTiles.tile5x4(in, q, up, kb * in, t, t0, t1, t2, t3, 5, nv, alpha, beta, y, yOff, c, qv, k, kb,
                            s.edge);
                    kb += 5;
                } else {
                    SliceTiles.tile4x4(in, q, up, kb * in, t, t0, t1, t2, t3, Math.min(KB, k - kb), nv, alpha, beta, y,
                            yOff, c, qv, k, kb, s.edge);
                    kb += KB;
                }
            }
        }
    }

    /** Offset of column vector j (0 <= j < ceil(Q / VL)) within a row: the last one ends at Q. */
    private static int colOff(int j, int q) {
        return Math.min(j * VL, q - VL);
    }

    private static int tBase(int c, int qv, int in, int q, int tOff) {
        return tOff + (c / qv) * in * q + colOff(c % qv, q);
    }

    static int yBase(int c, int qv, int k, int q, int yOff) {
        return yOff + (c / qv) * k * q + colOff(c % qv, q);
    }

    /**
     * Rows kb..kb+rows-1 of Y for column vectors c..c+nv-1 from the scratch tile (row r, vector j at
     * (r * 4 + j) * VL): the edge tiles' and beta != 0 path of {@link SliceTiles#tile4x4} and
     * {@link SliceTiles#tile5x4}.
     */
    static void writeEdge(float[] tile, int rows, int nv, float beta, float[] y, int yOff, int c, int qv,
                                  int k, int q, int kb) {
        for (int j = 0; j < nv; j++) {
            int col = (c + j) % qv;
            int yj = yBase(c + j, qv, k, q, yOff) + kb * q;
            // a tail vector that overlaps its neighbour updates only its new lanes (beta != 0 reads Y)
            int skip = col * VL - colOff(col, q);
            for (int r = 0; r < rows; r++) {
                int ti = (r * 4 + j) * VL, yi = yj + r * q;
                for (int l = skip; l < VL; l++) y[yi + l] = beta == 0f ? tile[ti + l] : Math.fma(beta, y[yi + l], tile[ti + l]);
            }
        }
    }

    // ------------------------------------------------------------------ last mode (Q = 1), 16-float vectors

    /**
     * Y (P, 8) = T (P, I) U^T. A block of 32 rows is transposed into two scratch panels (I x 16,
     * lane m of panel par holding row p0 + 2m + par); sixteen accumulators (8 k's x 2 parities) with
     * lanes over m then hold the 16 x 16 floats of those rows of Y, which one more 16 x 16 transpose
     * turns into 16 contiguous segments of two rows each.
     */
    private static void lastMode(int p, int in, int k, float alpha, float[] u, int uOff, int uks, int uis,
                                 float[] t, int tOff, float beta, float[] y, int yOff, Scratch s) {
        // uq[i * 8 + l] = U[l, i]
        s.u = grow(s.u, (long) in * 8);
        float[] uq = s.u;
        for (int i = 0; i < in; i++) {
            for (int l = 0; l < 8; l++) uq[i * 8 + l] = u[uOff + l * uks + i * uis];
        }
        s.tt = grow(s.tt, (long) 2 * in * 16);
        float[] tt = s.tt;
        int blocks = p / 32;
        for (int b = 0; b < blocks; b++) {
            int p0 = b * 32;
            for (int par = 0; par < 2; par++) {
                Transpose16.pack16(in, t, tOff + (p0 + par) * in, 2 * in, tt, par * in * 16, 16);
            }
            accumulate8x2(in, uq, tt, alpha, s.tile);
            writeRows(s, beta, y, yOff + p0 * 8, 16);
        }
        ScalarGemm.sliceRange(blocks * 32, p, in, 1, 0, k, alpha, u, uOff, uks, uis, t, tOff, beta, y, yOff);
    }

    /** K = 8: tile[(par*8 + j)*16 + m] = alpha * sum_i U[j, i] T[p0 + 2m + par, i]; each broadcast feeds two FMAs. */
    private static void accumulate8x2(int in, float[] uq, float[] tt, float alpha, float[] tile) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        int second = in * 16;
        for (int i = 0, ui = 0; i < in; i++, ui += 8) {
            FloatVector x = FloatVector.fromArray(S, tt, i * 16);
            FloatVector z = FloatVector.fromArray(S, tt, second + i * 16);
            FloatVector w = FloatVector.broadcast(S, uq[ui]);
            a0 = w.fma(x, a0); b0 = w.fma(z, b0);
            w = FloatVector.broadcast(S, uq[ui + 1]);
            a1 = w.fma(x, a1); b1 = w.fma(z, b1);
            w = FloatVector.broadcast(S, uq[ui + 2]);
            a2 = w.fma(x, a2); b2 = w.fma(z, b2);
            w = FloatVector.broadcast(S, uq[ui + 3]);
            a3 = w.fma(x, a3); b3 = w.fma(z, b3);
            w = FloatVector.broadcast(S, uq[ui + 4]);
            a4 = w.fma(x, a4); b4 = w.fma(z, b4);
            w = FloatVector.broadcast(S, uq[ui + 5]);
            a5 = w.fma(x, a5); b5 = w.fma(z, b5);
            w = FloatVector.broadcast(S, uq[ui + 6]);
            a6 = w.fma(x, a6); b6 = w.fma(z, b6);
            w = FloatVector.broadcast(S, uq[ui + 7]);
            a7 = w.fma(x, a7); b7 = w.fma(z, b7);
        }
        a0.mul(alpha).intoArray(tile, 0);
        a1.mul(alpha).intoArray(tile, 16);
        a2.mul(alpha).intoArray(tile, 32);
        a3.mul(alpha).intoArray(tile, 48);
        a4.mul(alpha).intoArray(tile, 64);
        a5.mul(alpha).intoArray(tile, 80);
        a6.mul(alpha).intoArray(tile, 96);
        a7.mul(alpha).intoArray(tile, 112);
        b0.mul(alpha).intoArray(tile, 128);
        b1.mul(alpha).intoArray(tile, 144);
        b2.mul(alpha).intoArray(tile, 160);
        b3.mul(alpha).intoArray(tile, 176);
        b4.mul(alpha).intoArray(tile, 192);
        b5.mul(alpha).intoArray(tile, 208);
        b6.mul(alpha).intoArray(tile, 224);
        b7.mul(alpha).intoArray(tile, 240);
    }

    /** Y[d + m*ld + l] = tile[l*16 + m] (or fma(beta, Y, that)) for l, m < 16. */
    private static void writeRows(Scratch s, float beta, float[] y, int d, int ld) {
        if (beta == 0f) {
            Transpose16.pack16(16, s.tile, 0, 16, y, d, ld);
            return;
        }
        Transpose16.pack16(16, s.tile, 0, 16, s.tile2, 0, 16);
        for (int m = 0; m < 16; m++) {
            int yi = d + m * ld;
            FloatVector.fromArray(S, y, yi).fma(FloatVector.broadcast(S, beta), FloatVector.fromArray(S, s.tile2, m * 16)).intoArray(y, yi);
        }
    }
}
