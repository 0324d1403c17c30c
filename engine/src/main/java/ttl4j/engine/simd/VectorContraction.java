package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.ScalarGemm;

/**
 * Contraction over every mode but one, X (P, I, Q) with Y (P, K, Q) into C (I, K), with lanes
 * running along Q: both operands are read in place, row by row, and every FMA is full width
 * (the unfolded GEMM would have K, a rank, as its N, and use a third of the lanes). A register
 * tile of 4 rows of X by 4 or 5 rows of Y keeps its vector accumulators across all p and all
 * vectors of a row; only at the end are their lanes summed, in lane order in scalar code (a vector reduction
 * may associate differently once compiled). When Q is not a multiple of the vector length the
 * last vector of each row starts at Q - VL and its lanes already counted are zeroed in X. The p and
 * row-vector loops are one flat loop: with the accumulators live across two nested loops, JDK 17's
 * compiler kept them boxed and the kernel ran 25 times slower.
 * (An infinity in Y on such a lane then gives NaN where the exact sum is infinite: either way the
 * result is not finite.)
 */
final class VectorContraction implements KernelSupport.Contraction {
    static final VectorContraction INSTANCE = new VectorContraction();

    private VectorContraction() {}

    static final VectorSpecies<Float> S = Species.F;
    static final int VL = Species.VL;
    private static final VectorSpecies<Integer> SI = Species.I;
    private static final int IB = 4, KB_MAX = 5;

    @Override
    public boolean contractSlicesFast(int q) {
        return q >= VL;
    }

    /** VL zeros then VL all-ones words: from offset VL - s, a vector whose first s lanes are 0. */
    private static final int[] KEEP_FROM = new int[2 * VL];

    static {
        java.util.Arrays.fill(KEEP_FROM, VL, 2 * VL, -1);
    }

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[IB * KB_MAX * VL]);

    @Override
    public void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y, int yOff,
                               float beta, float[] c, int cOff, int ldc) {
        if (q < VL || p == 0) {
            // short rows: the scalar definition (callers take GEMMs instead when fast() is false)
            ScalarGemm.INSTANCE.contractSlices(p, in, q, k, i0, i1, x, xOff, y, yOff, beta, c, cOff, ldc);
            return;
        }
        float[] lanes = LANES.get();
        int qv = (q + VL - 1) / VL;
        int skip = qv * VL - q;
        // lanes below skip were counted by the previous vector: their bits are cleared with an AND
        IntVector keep = IntVector.fromArray(SI, KEEP_FROM, VL - skip);
        int fives = fiveWideBlocks(k);
        for (int ib = i0; ib < i1; ib += IB) {
            int ni = Math.min(IB, i1 - ib);
            for (int kb = 0, blk = 0; kb < k; blk++) {
                int kw = blk < fives ? 5 : 4;
                int nk = Math.min(kw, k - kb);
                tile(kw, p, in, q, k, qv, skip, keep, ib, ni, kb, nk, x, xOff, y, yOff, lanes);
                for (int r = 0; r < ni; r++) {
                    for (int j = 0; j < nk; j++) {
                        float acc = 0f;
                        int l0 = (r * kw + j) * VL;
                        for (int l = 0; l < VL; l++) acc += lanes[l0 + l];
                        int ci = cOff + (ib + r) * ldc + kb + j;
                        c[ci] = beta == 0f ? acc : acc + beta * c[ci];
                    }
                }
                kb += kw;
            }
        }
    }

    /**
     * How many 5-wide tiles cover the first rows of Y so that 4-wide ones cover the rest exactly
     * (K = 5, 9, 10, 13, 14, 15, ...); 0 when no such split exists or K is a multiple of 4, and
     * then the last 4-wide tile is partly idle.
     */
    static int fiveWideBlocks(int k) {
        if (k % 4 == 0) return 0;
        for (int f = 1; f <= 3 && 5 * f <= k; f++) if ((k - 5 * f) % 4 == 0) return f;
        return 0;
    }

    /**
     * lanes[(r kw + j) VL + l] = lane l of X row ib + r times Y row kb + j, accumulated over every
     * p and every vector of the row, for a tile of 4 rows of X by kw = 4 or 5 rows of Y; rows past
     * ni or nk repeat the last real one (their results are not read). Two widths because a rank of
     * 5 or 10 wastes a fifth or more of a 4-wide tile, and a wider one than 4 x 5 spills registers.
     */
    private static void tile(int kw, int p, int in, int q, int k, int qv, int skip, IntVector keep, int ib, int ni,
                             int kb, int nk, float[] x, int xOff, float[] y, int yOff, float[] lanes) {
        if (kw == 5) tile4x5(p, in, q, k, qv, skip, keep, ib, ni, kb, nk, x, xOff, y, yOff, lanes);
        else tile4x4(p, in, q, k, qv, skip, keep, ib, ni, kb, nk, x, xOff, y, yOff, lanes);
    }

    /** The 4 x 4 tile (see {@link #tile}). */
    private static void tile4x4(int p, int in, int q, int k, int qv, int skip, IntVector keep, int ib, int ni,
                                int kb, int nk, float[] x, int xOff, float[] y, int yOff, float[] lanes) {
        int xr0 = ib * q, xr1 = (ib + Math.min(1, ni - 1)) * q;
        int xr2 = (ib + Math.min(2, ni - 1)) * q, xr3 = (ib + Math.min(3, ni - 1)) * q;
        int yr0 = kb * q, yr1 = (kb + Math.min(1, nk - 1)) * q;
        int yr2 = (kb + Math.min(2, nk - 1)) * q, yr3 = (kb + Math.min(3, nk - 1)) * q;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00;
        FloatVector a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int xStride = in * q, yStride = k * q;
        for (int t = 0, total = p * qv, v = 0, xs = xOff, ys = yOff; t < total; t++) {
            int o = Math.min(v * VL, q - VL);
            FloatVector x0 = FloatVector.fromArray(S, x, xs + xr0 + o);
            FloatVector x1 = FloatVector.fromArray(S, x, xs + xr1 + o);
            FloatVector x2 = FloatVector.fromArray(S, x, xs + xr2 + o);
            FloatVector x3 = FloatVector.fromArray(S, x, xs + xr3 + o);
            if (skip > 0 && v == qv - 1) {
                x0 = x0.reinterpretAsInts().and(keep).reinterpretAsFloats();
                x1 = x1.reinterpretAsInts().and(keep).reinterpretAsFloats();
                x2 = x2.reinterpretAsInts().and(keep).reinterpretAsFloats();
                x3 = x3.reinterpretAsInts().and(keep).reinterpretAsFloats();
            }
            FloatVector w = FloatVector.fromArray(S, y, ys + yr0 + o);
            a00 = x0.fma(w, a00); a10 = x1.fma(w, a10); a20 = x2.fma(w, a20); a30 = x3.fma(w, a30);
            w = FloatVector.fromArray(S, y, ys + yr1 + o);
            a01 = x0.fma(w, a01); a11 = x1.fma(w, a11); a21 = x2.fma(w, a21); a31 = x3.fma(w, a31);
            w = FloatVector.fromArray(S, y, ys + yr2 + o);
            a02 = x0.fma(w, a02); a12 = x1.fma(w, a12); a22 = x2.fma(w, a22); a32 = x3.fma(w, a32);
            w = FloatVector.fromArray(S, y, ys + yr3 + o);
            a03 = x0.fma(w, a03); a13 = x1.fma(w, a13); a23 = x2.fma(w, a23); a33 = x3.fma(w, a33);
            if (++v == qv) {
                v = 0;
                xs += xStride;
                ys += yStride;
            }
        }
        a00.intoArray(lanes, 0); a01.intoArray(lanes, VL); a02.intoArray(lanes, 2 * VL); a03.intoArray(lanes, 3 * VL);
        a10.intoArray(lanes, 4 * VL); a11.intoArray(lanes, 5 * VL);
        a12.intoArray(lanes, 6 * VL); a13.intoArray(lanes, 7 * VL);
        a20.intoArray(lanes, 8 * VL); a21.intoArray(lanes, 9 * VL);
        a22.intoArray(lanes, 10 * VL); a23.intoArray(lanes, 11 * VL);
        a30.intoArray(lanes, 12 * VL); a31.intoArray(lanes, 13 * VL);
        a32.intoArray(lanes, 14 * VL); a33.intoArray(lanes, 15 * VL);
    }

    /** The 4 x 5 tile (see {@link #tile}). */
    private static void tile4x5(int p, int in, int q, int k, int qv, int skip, IntVector keep, int ib, int ni,
                                int kb, int nk, float[] x, int xOff, float[] y, int yOff, float[] lanes) {
        int xr0 = ib * q, xr1 = (ib + Math.min(1, ni - 1)) * q;
        int xr2 = (ib + Math.min(2, ni - 1)) * q, xr3 = (ib + Math.min(3, ni - 1)) * q;
        int yr0 = kb * q, yr1 = (kb + Math.min(1, nk - 1)) * q, yr2 = (kb + Math.min(2, nk - 1)) * q;
        int yr3 = (kb + Math.min(3, nk - 1)) * q, yr4 = (kb + Math.min(4, nk - 1)) * q;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a10 = a00, a11 = a00;
        FloatVector a12 = a00, a13 = a00, a14 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a30 = a00;
        FloatVector a31 = a00, a32 = a00, a33 = a00, a34 = a00;
        int xStride = in * q, yStride = k * q;
        for (int t = 0, total = p * qv, v = 0, xs = xOff, ys = yOff; t < total; t++) {
            int o = Math.min(v * VL, q - VL);
            FloatVector x0 = FloatVector.fromArray(S, x, xs + xr0 + o);
            FloatVector x1 = FloatVector.fromArray(S, x, xs + xr1 + o);
            FloatVector x2 = FloatVector.fromArray(S, x, xs + xr2 + o);
            FloatVector x3 = FloatVector.fromArray(S, x, xs + xr3 + o);
            if (skip > 0 && v == qv - 1) {
                x0 = x0.reinterpretAsInts().and(keep).reinterpretAsFloats();
                x1 = x1.reinterpretAsInts().and(keep).reinterpretAsFloats();
                x2 = x2.reinterpretAsInts().and(keep).reinterpretAsFloats();
                x3 = x3.reinterpretAsInts().and(keep).reinterpretAsFloats();
            }
            FloatVector w = FloatVector.fromArray(S, y, ys + yr0 + o);
            a00 = x0.fma(w, a00); a10 = x1.fma(w, a10); a20 = x2.fma(w, a20); a30 = x3.fma(w, a30);
            w = FloatVector.fromArray(S, y, ys + yr1 + o);
            a01 = x0.fma(w, a01); a11 = x1.fma(w, a11); a21 = x2.fma(w, a21); a31 = x3.fma(w, a31);
            w = FloatVector.fromArray(S, y, ys + yr2 + o);
            a02 = x0.fma(w, a02); a12 = x1.fma(w, a12); a22 = x2.fma(w, a22); a32 = x3.fma(w, a32);
            w = FloatVector.fromArray(S, y, ys + yr3 + o);
            a03 = x0.fma(w, a03); a13 = x1.fma(w, a13); a23 = x2.fma(w, a23); a33 = x3.fma(w, a33);
            w = FloatVector.fromArray(S, y, ys + yr4 + o);
            a04 = x0.fma(w, a04); a14 = x1.fma(w, a14); a24 = x2.fma(w, a24); a34 = x3.fma(w, a34);
            if (++v == qv) {
                v = 0;
                xs += xStride;
                ys += yStride;
            }
        }
        a00.intoArray(lanes, 0); a01.intoArray(lanes, VL); a02.intoArray(lanes, 2 * VL);
        a03.intoArray(lanes, 3 * VL); a04.intoArray(lanes, 4 * VL);
        a10.intoArray(lanes, 5 * VL); a11.intoArray(lanes, 6 * VL); a12.intoArray(lanes, 7 * VL);
        a13.intoArray(lanes, 8 * VL); a14.intoArray(lanes, 9 * VL);
        a20.intoArray(lanes, 10 * VL); a21.intoArray(lanes, 11 * VL); a22.intoArray(lanes, 12 * VL);
        a23.intoArray(lanes, 13 * VL); a24.intoArray(lanes, 14 * VL);
        a30.intoArray(lanes, 15 * VL); a31.intoArray(lanes, 16 * VL); a32.intoArray(lanes, 17 * VL);
        a33.intoArray(lanes, 18 * VL); a34.intoArray(lanes, 19 * VL);
    }
}
