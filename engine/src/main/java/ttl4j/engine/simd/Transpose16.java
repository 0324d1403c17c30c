package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs a transposed B operand (stored N x K, so each k's 64 values are 64 rows apart) with 16 x 16
 * in-register transposes of 512-bit vectors: a scalar copy costs a load and a store per float, which
 * is a large share of a GEMM with M near 128. Only used when {@link Species} has 16 float lanes
 * (512-bit vectors): the shuffles and masks below are written for that width, and narrower
 * vectors pack a transposed B with the scalar copy.
 */
final class Transpose16 {
    private Transpose16() {}

    static final VectorSpecies<Float> S = Species.F;

    static {
        if (Species.VL != 16) throw new IllegalStateException("Transpose16 needs 16-float vectors, the kernels use " + Species.VL);
    }

    private static final VectorShuffle<Float> X8 = VectorShuffle.fromOp(S, i -> i ^ 8);
    private static final VectorMask<Float> HI8 = VectorMask.fromLong(S, 0xFF00L);
    private static final VectorMask<Float> LO8 = VectorMask.fromLong(S, 0xFFL);
    private static final VectorShuffle<Float> X4 = VectorShuffle.fromOp(S, i -> i ^ 4);
    private static final VectorMask<Float> HI4 = VectorMask.fromLong(S, 0xF0F0L);
    private static final VectorMask<Float> LO4 = VectorMask.fromLong(S, 0xF0FL);
    private static final VectorShuffle<Float> X2 = VectorShuffle.fromOp(S, i -> i ^ 2);
    private static final VectorMask<Float> HI2 = VectorMask.fromLong(S, 0xCCCCL);
    private static final VectorMask<Float> LO2 = VectorMask.fromLong(S, 0x3333L);
    private static final VectorShuffle<Float> X1 = VectorShuffle.fromOp(S, i -> i ^ 1);
    private static final VectorMask<Float> HI1 = VectorMask.fromLong(S, 0xAAAAL);
    private static final VectorMask<Float> LO1 = VectorMask.fromLong(S, 0x5555L);

    /**
     * Writes op(B)[p][j0 + jj] = b[bOff + (j0 + jj) * ldb + p] for jj in [0, 16) and p in [0, k) to
     * dst[d + p * ld + jj]: sixteen full rows of B, transposed 16 k's at a time, the k tail scalar.
     */
    static void pack16(int k, float[] b, int src, int ldb, float[] dst, int d, int ld) {
        int kv = k & ~15;
        for (int p = 0; p < kv; p += 16) {
            int o = src + p;
            FloatVector v0 = FloatVector.fromArray(S, b, o);
            FloatVector v1 = FloatVector.fromArray(S, b, o + 1 * ldb);
            FloatVector v2 = FloatVector.fromArray(S, b, o + 2 * ldb);
            FloatVector v3 = FloatVector.fromArray(S, b, o + 3 * ldb);
            FloatVector v4 = FloatVector.fromArray(S, b, o + 4 * ldb);
            FloatVector v5 = FloatVector.fromArray(S, b, o + 5 * ldb);
            FloatVector v6 = FloatVector.fromArray(S, b, o + 6 * ldb);
            FloatVector v7 = FloatVector.fromArray(S, b, o + 7 * ldb);
            FloatVector v8 = FloatVector.fromArray(S, b, o + 8 * ldb);
            FloatVector v9 = FloatVector.fromArray(S, b, o + 9 * ldb);
            FloatVector v10 = FloatVector.fromArray(S, b, o + 10 * ldb);
            FloatVector v11 = FloatVector.fromArray(S, b, o + 11 * ldb);
            FloatVector v12 = FloatVector.fromArray(S, b, o + 12 * ldb);
            FloatVector v13 = FloatVector.fromArray(S, b, o + 13 * ldb);
            FloatVector v14 = FloatVector.fromArray(S, b, o + 14 * ldb);
            FloatVector v15 = FloatVector.fromArray(S, b, o + 15 * ldb);
            FloatVector x, y;
            // swap 8-lane blocks between rows r and r + 8
            x = v0.blend(v8.rearrange(X8), HI8); y = v8.blend(v0.rearrange(X8), LO8); v0 = x; v8 = y;
            x = v1.blend(v9.rearrange(X8), HI8); y = v9.blend(v1.rearrange(X8), LO8); v1 = x; v9 = y;
            x = v2.blend(v10.rearrange(X8), HI8); y = v10.blend(v2.rearrange(X8), LO8); v2 = x; v10 = y;
            x = v3.blend(v11.rearrange(X8), HI8); y = v11.blend(v3.rearrange(X8), LO8); v3 = x; v11 = y;
            x = v4.blend(v12.rearrange(X8), HI8); y = v12.blend(v4.rearrange(X8), LO8); v4 = x; v12 = y;
            x = v5.blend(v13.rearrange(X8), HI8); y = v13.blend(v5.rearrange(X8), LO8); v5 = x; v13 = y;
            x = v6.blend(v14.rearrange(X8), HI8); y = v14.blend(v6.rearrange(X8), LO8); v6 = x; v14 = y;
            x = v7.blend(v15.rearrange(X8), HI8); y = v15.blend(v7.rearrange(X8), LO8); v7 = x; v15 = y;
            // swap 4-lane blocks between rows r and r + 4
            x = v0.blend(v4.rearrange(X4), HI4); y = v4.blend(v0.rearrange(X4), LO4); v0 = x; v4 = y;
            x = v1.blend(v5.rearrange(X4), HI4); y = v5.blend(v1.rearrange(X4), LO4); v1 = x; v5 = y;
            x = v2.blend(v6.rearrange(X4), HI4); y = v6.blend(v2.rearrange(X4), LO4); v2 = x; v6 = y;
            x = v3.blend(v7.rearrange(X4), HI4); y = v7.blend(v3.rearrange(X4), LO4); v3 = x; v7 = y;
            x = v8.blend(v12.rearrange(X4), HI4); y = v12.blend(v8.rearrange(X4), LO4); v8 = x; v12 = y;
            x = v9.blend(v13.rearrange(X4), HI4); y = v13.blend(v9.rearrange(X4), LO4); v9 = x; v13 = y;
            x = v10.blend(v14.rearrange(X4), HI4); y = v14.blend(v10.rearrange(X4), LO4); v10 = x; v14 = y;
            x = v11.blend(v15.rearrange(X4), HI4); y = v15.blend(v11.rearrange(X4), LO4); v11 = x; v15 = y;
            // swap 2-lane blocks between rows r and r + 2
            x = v0.blend(v2.rearrange(X2), HI2); y = v2.blend(v0.rearrange(X2), LO2); v0 = x; v2 = y;
            x = v1.blend(v3.rearrange(X2), HI2); y = v3.blend(v1.rearrange(X2), LO2); v1 = x; v3 = y;
            x = v4.blend(v6.rearrange(X2), HI2); y = v6.blend(v4.rearrange(X2), LO2); v4 = x; v6 = y;
            x = v5.blend(v7.rearrange(X2), HI2); y = v7.blend(v5.rearrange(X2), LO2); v5 = x; v7 = y;
            x = v8.blend(v10.rearrange(X2), HI2); y = v10.blend(v8.rearrange(X2), LO2); v8 = x; v10 = y;
            x = v9.blend(v11.rearrange(X2), HI2); y = v11.blend(v9.rearrange(X2), LO2); v9 = x; v11 = y;
            x = v12.blend(v14.rearrange(X2), HI2); y = v14.blend(v12.rearrange(X2), LO2); v12 = x; v14 = y;
            x = v13.blend(v15.rearrange(X2), HI2); y = v15.blend(v13.rearrange(X2), LO2); v13 = x; v15 = y;
            // swap 1-lane blocks between rows r and r + 1
            x = v0.blend(v1.rearrange(X1), HI1); y = v1.blend(v0.rearrange(X1), LO1); v0 = x; v1 = y;
            x = v2.blend(v3.rearrange(X1), HI1); y = v3.blend(v2.rearrange(X1), LO1); v2 = x; v3 = y;
            x = v4.blend(v5.rearrange(X1), HI1); y = v5.blend(v4.rearrange(X1), LO1); v4 = x; v5 = y;
            x = v6.blend(v7.rearrange(X1), HI1); y = v7.blend(v6.rearrange(X1), LO1); v6 = x; v7 = y;
            x = v8.blend(v9.rearrange(X1), HI1); y = v9.blend(v8.rearrange(X1), LO1); v8 = x; v9 = y;
            x = v10.blend(v11.rearrange(X1), HI1); y = v11.blend(v10.rearrange(X1), LO1); v10 = x; v11 = y;
            x = v12.blend(v13.rearrange(X1), HI1); y = v13.blend(v12.rearrange(X1), LO1); v12 = x; v13 = y;
            x = v14.blend(v15.rearrange(X1), HI1); y = v15.blend(v14.rearrange(X1), LO1); v14 = x; v15 = y;
            int q = d + p * ld;
            v0.intoArray(dst, q);
            v1.intoArray(dst, q + 1 * ld);
            v2.intoArray(dst, q + 2 * ld);
            v3.intoArray(dst, q + 3 * ld);
            v4.intoArray(dst, q + 4 * ld);
            v5.intoArray(dst, q + 5 * ld);
            v6.intoArray(dst, q + 6 * ld);
            v7.intoArray(dst, q + 7 * ld);
            v8.intoArray(dst, q + 8 * ld);
            v9.intoArray(dst, q + 9 * ld);
            v10.intoArray(dst, q + 10 * ld);
            v11.intoArray(dst, q + 11 * ld);
            v12.intoArray(dst, q + 12 * ld);
            v13.intoArray(dst, q + 13 * ld);
            v14.intoArray(dst, q + 14 * ld);
            v15.intoArray(dst, q + 15 * ld);
        }
        for (int p = kv; p < k; p++) {
            int q = d + p * ld;
            for (int jj = 0; jj < 16; jj++) dst[q + jj] = b[src + jj * ldb + p];
        }
    }
}
