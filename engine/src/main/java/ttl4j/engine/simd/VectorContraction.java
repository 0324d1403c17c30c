package ttl4j.engine.simd;

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
 * compiler kept them boxed and the kernel ran far slower.
 * (An infinity in Y on such a lane then gives NaN where the exact sum is infinite: either way the
 * result is not finite.)
 */
final class VectorContraction implements KernelSupport.Contraction {
    static final VectorContraction INSTANCE = new VectorContraction();

    private VectorContraction() {}

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
        if (kw == 5) ContractionTiles.tile4x5(p, in, q, k, qv, skip, keep, ib, ni, kb, nk, x, xOff, y, yOff, lanes);
        else ContractionTiles.tile4x4(p, in, q, k, qv, skip, keep, ib, ni, kb, nk, x, xOff, y, yOff, lanes);
    }
}
