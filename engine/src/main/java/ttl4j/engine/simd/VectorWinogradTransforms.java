package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.conv.WinogradTransforms;

/**
 * The Winograd transforms across tiles (see {@link WinogradTransforms}): each vector holds one
 * transform coefficient of {@link Species#VL} adjacent tiles, so a transform is a few broadcasts
 * and FMAs per vector and no shuffles. Loaded reflectively by the convolution code when the vector
 * kernels are in use. Same bits as the scalar twin: the same product-then-fma chain per element,
 * the tail as one masked vector step.
 *
 * <p>Each output row is one straight-line loop for its count of non-zero coefficients (1 to 6),
 * in a method of its own: a loop over the coefficients inside the loop over vectors carries the
 * accumulator through a data-dependent branch, which C2 does not keep in a register (it boxes every
 * vector), and all six loops with their masked tails in one method made it too large for C1 ("out of
 * virtual registers"): the JIT then left it at a tier whose vector operations run as Java code,
 * 5-8x slower, for the rest of the run. No method here takes or returns a vector.
 */
public final class VectorWinogradTransforms implements WinogradTransforms {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int VL = Species.VL;

    public VectorWinogradTransforms() {}

    @Override
    public void combine(int rowsOut, int rowsIn, float[] mat, float[] src, int sOff, int sStride, float[] dst, int dOff,
                        int dStride, int n) {
        if (rowsIn > 6) throw new IllegalArgumentException("Winograd transform: at most 6 inputs per row, got " + rowsIn);
        for (int r = 0; r < rowsOut; r++) {
            int cnt = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
            float c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0;
            for (int i = 0; i < rowsIn; i++) {
                float c = mat[r * rowsIn + i];
                if (c == 0f) continue;
                int s = sOff + i * sStride;
                switch (cnt++) {
                    case 0 -> { s0 = s; c0 = c; }
                    case 1 -> { s1 = s; c1 = c; }
                    case 2 -> { s2 = s; c2 = c; }
                    case 3 -> { s3 = s; c3 = c; }
                    case 4 -> { s4 = s; c4 = c; }
                    default -> { s5 = s; c5 = c; }
                }
            }
            int d = dOff + r * dStride;
            switch (cnt) {
                case 0 -> zero(dst, d, n);
                case 1 -> row1(src, s0, c0, dst, d, n);
                case 2 -> row2(src, s0, s1, c0, c1, dst, d, n);
                case 3 -> row3(src, s0, s1, s2, c0, c1, c2, dst, d, n);
                case 4 -> row4(src, s0, s1, s2, s3, c0, c1, c2, c3, dst, d, n);
                case 5 -> row5(src, s0, s1, s2, s3, s4, c0, c1, c2, c3, c4, dst, d, n);
                default -> row6(src, s0, s1, s2, s3, s4, s5, c0, c1, c2, c3, c4, c5, dst, d, n);
            }
        }
    }

    // Each row method: whole vectors, then the tail as one masked vector step with the same
    // product-then-fma chain per lane (a scalar tail cost as much as the whole row when n is a few
    // vectors, as it is for the tiles of a chunk).

    private static void zero(float[] dst, int d, int n) {
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) FloatVector.zero(F).intoArray(dst, d + j);
        if (j < n) FloatVector.zero(F).intoArray(dst, d + j, F.indexInRange(j, n));
    }

    private static void row1(float[] src, int s0, float c0, float[] dst, int d, int n) {
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) FloatVector.fromArray(F, src, s0 + j).mul(c0).intoArray(dst, d + j);
        if (j < n) {
            VectorMask<Float> k = F.indexInRange(j, n);
            FloatVector.fromArray(F, src, s0 + j, k).mul(c0).intoArray(dst, d + j, k);
        }
    }

    private static void row2(float[] src, int s0, int s1, float c0, float c1, float[] dst, int d, int n) {
        FloatVector b1 = FloatVector.broadcast(F, c1);
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j).fma(b1, a);
            a.intoArray(dst, d + j);
        }
        if (j < n) {
            VectorMask<Float> k = F.indexInRange(j, n);
            FloatVector a = FloatVector.fromArray(F, src, s0 + j, k).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j, k).fma(b1, a);
            a.intoArray(dst, d + j, k);
        }
    }

    private static void row3(float[] src, int s0, int s1, int s2, float c0, float c1, float c2, float[] dst, int d, int n) {
        FloatVector b1 = FloatVector.broadcast(F, c1), b2 = FloatVector.broadcast(F, c2);
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j).fma(b2, a);
            a.intoArray(dst, d + j);
        }
        if (j < n) {
            VectorMask<Float> k = F.indexInRange(j, n);
            FloatVector a = FloatVector.fromArray(F, src, s0 + j, k).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j, k).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j, k).fma(b2, a);
            a.intoArray(dst, d + j, k);
        }
    }

    private static void row4(float[] src, int s0, int s1, int s2, int s3, float c0, float c1, float c2, float c3,
                             float[] dst, int d, int n) {
        FloatVector b1 = FloatVector.broadcast(F, c1), b2 = FloatVector.broadcast(F, c2), b3 = FloatVector.broadcast(F, c3);
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j).fma(b2, a);
            a = FloatVector.fromArray(F, src, s3 + j).fma(b3, a);
            a.intoArray(dst, d + j);
        }
        if (j < n) {
            VectorMask<Float> k = F.indexInRange(j, n);
            FloatVector a = FloatVector.fromArray(F, src, s0 + j, k).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j, k).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j, k).fma(b2, a);
            a = FloatVector.fromArray(F, src, s3 + j, k).fma(b3, a);
            a.intoArray(dst, d + j, k);
        }
    }

    private static void row5(float[] src, int s0, int s1, int s2, int s3, int s4, float c0, float c1, float c2, float c3,
                             float c4, float[] dst, int d, int n) {
        FloatVector b1 = FloatVector.broadcast(F, c1), b2 = FloatVector.broadcast(F, c2), b3 = FloatVector.broadcast(F, c3),
                b4 = FloatVector.broadcast(F, c4);
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j).fma(b2, a);
            a = FloatVector.fromArray(F, src, s3 + j).fma(b3, a);
            a = FloatVector.fromArray(F, src, s4 + j).fma(b4, a);
            a.intoArray(dst, d + j);
        }
        if (j < n) {
            VectorMask<Float> k = F.indexInRange(j, n);
            FloatVector a = FloatVector.fromArray(F, src, s0 + j, k).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j, k).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j, k).fma(b2, a);
            a = FloatVector.fromArray(F, src, s3 + j, k).fma(b3, a);
            a = FloatVector.fromArray(F, src, s4 + j, k).fma(b4, a);
            a.intoArray(dst, d + j, k);
        }
    }

    private static void row6(float[] src, int s0, int s1, int s2, int s3, int s4, int s5, float c0, float c1, float c2,
                             float c3, float c4, float c5, float[] dst, int d, int n) {
        FloatVector b1 = FloatVector.broadcast(F, c1), b2 = FloatVector.broadcast(F, c2), b3 = FloatVector.broadcast(F, c3),
                b4 = FloatVector.broadcast(F, c4), b5 = FloatVector.broadcast(F, c5);
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j).fma(b2, a);
            a = FloatVector.fromArray(F, src, s3 + j).fma(b3, a);
            a = FloatVector.fromArray(F, src, s4 + j).fma(b4, a);
            a = FloatVector.fromArray(F, src, s5 + j).fma(b5, a);
            a.intoArray(dst, d + j);
        }
        if (j < n) {
            VectorMask<Float> k = F.indexInRange(j, n);
            FloatVector a = FloatVector.fromArray(F, src, s0 + j, k).mul(c0);
            a = FloatVector.fromArray(F, src, s1 + j, k).fma(b1, a);
            a = FloatVector.fromArray(F, src, s2 + j, k).fma(b2, a);
            a = FloatVector.fromArray(F, src, s3 + j, k).fma(b3, a);
            a = FloatVector.fromArray(F, src, s4 + j, k).fma(b4, a);
            a = FloatVector.fromArray(F, src, s5 + j, k).fma(b5, a);
            a.intoArray(dst, d + j, k);
        }
    }

    // The gathers: whole vectors through the index map (a hardware gather where the CPU has one;
    // about 3x the scalar loop's rate on AVX2), the tail element by element (a masked gather is
    // not an intrinsic on every CPU and JDK this runs on).

    @Override
    public void gather(float[] src, int sOff, int[] idx, int iOff, float[] dst, int dOff, int n) {
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) FloatVector.fromArray(F, src, sOff, idx, iOff + j).intoArray(dst, dOff + j);
        for (; j < n; j++) dst[dOff + j] = src[sOff + idx[iOff + j]];
    }

    @Override
    public void gatherAdd(float[] src, int sOff, int[] idx, int iOff, float add, float[] dst, int dOff, int n) {
        int j = 0, bound = F.loopBound(n);
        for (; j < bound; j += VL) FloatVector.fromArray(F, src, sOff, idx, iOff + j).add(add).intoArray(dst, dOff + j);
        for (; j < n; j++) dst[dOff + j] = src[sOff + idx[iOff + j]] + add;
    }

    @Override
    public String name() {
        return "vector (" + VL + " floats)";
    }
}
