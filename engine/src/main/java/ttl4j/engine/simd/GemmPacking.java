package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing for {@link VectorGemm}: op(A) into slivers of {@link VectorGemm#MR} rows and op(B) into
 * slivers of {@link VectorGemm#NR} columns, both k-major, zero padded and over the whole K, for the
 * blocked path; op(B) into one or two zero-padded vectors per k for the thin path. Packing copies
 * values and never rounds, so it has no say in the results.
 */
final class GemmPacking {
    private GemmPacking() {}

    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int VL = VectorGemm.VL, MR = VectorGemm.MR, NR = VectorGemm.NR;
    /** Transposed B is packed with in-register 16 x 16 transposes when vectors hold 16 floats. */
    private static final boolean TRANSPOSE16 = VL == 16;

    /** All slivers of op(A), in chunks of slivers when parallel. */
    static void packAllA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] ap, boolean parallel) {
        int mp = VectorGemm.ceilDiv(m, MR);
        int chunk = Math.max(1, 8192 / Math.max(1, k));
        VectorGemm.forTasks(parallel, VectorGemm.ceilDiv(mp, chunk), t -> {
            for (int sl = t * chunk, e = Math.min(mp, sl + chunk); sl < e; sl++) packSliverA(transA, m, k, a, aOff, lda, ap, sl);
        });
    }

    /** All slivers of op(B), in chunks of slivers when parallel. */
    static void packAllB(boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] bp, boolean parallel) {
        int np = VectorGemm.ceilDiv(n, NR);
        int chunk = Math.max(1, 2048 / Math.max(1, k));
        VectorGemm.forTasks(parallel, VectorGemm.ceilDiv(np, chunk), t -> {
            for (int sl = t * chunk, e = Math.min(np, sl + chunk); sl < e; sl++) packSliverB(transB, n, k, b, bOff, ldb, bp, sl);
        });
    }

    /** Sliver sl of op(A): rows sl*MR.., stored k-major (MR floats per k), rows past M zero. */
    static void packSliverA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] ap, int sl) {
        int i0 = sl * MR, rows = Math.min(MR, m - i0), d = sl * MR * k;
        if (transA && rows == 6 && MR == 6) {
            // A is stored K x M: the MR values of one k are contiguous
            for (int p = 0; p < k; p++) {
                int src = aOff + p * lda + i0, dst = d + p * MR;
                ap[dst] = a[src];
                ap[dst + 1] = a[src + 1];
                ap[dst + 2] = a[src + 2];
                ap[dst + 3] = a[src + 3];
                ap[dst + 4] = a[src + 4];
                ap[dst + 5] = a[src + 5];
            }
        } else if (transA && rows == 4 && MR == 4) {
            for (int p = 0; p < k; p++) {
                int src = aOff + p * lda + i0, dst = d + p * MR;
                ap[dst] = a[src];
                ap[dst + 1] = a[src + 1];
                ap[dst + 2] = a[src + 2];
                ap[dst + 3] = a[src + 3];
            }
        } else if (transA) {
            for (int p = 0; p < k; p++) {
                int src = aOff + p * lda + i0, dst = d + p * MR;
                int r = 0;
                for (; r < rows; r++) ap[dst + r] = a[src + r];
                for (; r < MR; r++) ap[dst + r] = 0f;
            }
        } else if (rows == 6 && MR == 6) {
            int r0 = aOff + i0 * lda;
            int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
            for (int p = 0; p < k; p++) {
                int dst = d + p * MR;
                ap[dst] = a[r0 + p];
                ap[dst + 1] = a[r1 + p];
                ap[dst + 2] = a[r2 + p];
                ap[dst + 3] = a[r3 + p];
                ap[dst + 4] = a[r4 + p];
                ap[dst + 5] = a[r5 + p];
            }
        } else if (rows == 4 && MR == 4) {
            int r0 = aOff + i0 * lda;
            int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            for (int p = 0; p < k; p++) {
                int dst = d + p * MR;
                ap[dst] = a[r0 + p];
                ap[dst + 1] = a[r1 + p];
                ap[dst + 2] = a[r2 + p];
                ap[dst + 3] = a[r3 + p];
            }
        } else {
            for (int p = 0; p < k; p++) {
                int dst = d + p * MR;
                int r = 0;
                for (; r < rows; r++) ap[dst + r] = a[aOff + (i0 + r) * lda + p];
                for (; r < MR; r++) ap[dst + r] = 0f;
            }
        }
    }

    /** k rows of NR contiguous floats from b (row stride ldb) to bp; vector code kept in a branch-free method. */
    static void copyFullSliver(int k, float[] b, int src, int ldb, float[] bp, int d) {
        for (int p = 0; p < k; p++) {
            int o = src + p * ldb, dst = d + p * NR;
            FloatVector.fromArray(S, b, o).intoArray(bp, dst);
            FloatVector.fromArray(S, b, o + VL).intoArray(bp, dst + VL);
            FloatVector.fromArray(S, b, o + 2 * VL).intoArray(bp, dst + 2 * VL);
            FloatVector.fromArray(S, b, o + 3 * VL).intoArray(bp, dst + 3 * VL);
        }
    }

    /** {@link #copyFullSliver} for two-vector slivers (16 registers). */
    static void copyFullSliver2(int k, float[] b, int src, int ldb, float[] bp, int d) {
        for (int p = 0; p < k; p++) {
            int o = src + p * ldb, dst = d + p * NR;
            FloatVector.fromArray(S, b, o).intoArray(bp, dst);
            FloatVector.fromArray(S, b, o + VL).intoArray(bp, dst + VL);
        }
    }

    /** Sliver sl of op(B): columns sl*NR.., stored k-major (NR floats per k), columns past N zero. */
    static void packSliverB(boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] bp, int sl) {
        packSliverB(transB, n, k, b, bOff, ldb, bp, sl * NR * k, sl);
    }

    /**
     * Sliver sl of the k rows of op(B) starting at bOff (its row 0, column 0) into bp from d: a K
     * block of a sliver when bOff is moved to the block's first row.
     */
    static void packSliverB(boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] bp, int d, int sl) {
        int j0 = sl * NR, cols = Math.min(NR, n - j0);
        if (!transB) {
            if (cols == NR) {
                if (VectorGemm.WIDE) copyFullSliver(k, b, bOff + j0, ldb, bp, d);
                else copyFullSliver2(k, b, bOff + j0, ldb, bp, d);
            } else {
                for (int p = 0; p < k; p++) {
                    int src = bOff + p * ldb + j0, dst = d + p * NR;
                    int j = 0;
                    for (; j < cols; j++) bp[dst + j] = b[src + j];
                    for (; j < NR; j++) bp[dst + j] = 0f;
                }
            }
        } else {
            // B is stored N x K: column j of op(B) is row j of B
            int j = 0;
            if (TRANSPOSE16) {
                for (; j + 16 <= cols; j += 16) Transpose16.pack16(k, b, bOff + (j0 + j) * ldb, ldb, bp, d + j, NR);
            }
            for (; j < cols; j++) {
                int src = bOff + (j0 + j) * ldb, dst = d + j;
                for (int p = 0; p < k; p++) bp[dst + p * NR] = b[src + p];
            }
            for (; j < NR; j++) {
                for (int p = 0; p < k; p++) bp[d + j + p * NR] = 0f;
            }
        }
    }

    /** Packs op(B) for the thin path: per k, w = VectorGemm.thinVectors(n) * VL floats, columns past N zero. */
    static void packThinB(boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] bp) {
        int w = VectorGemm.thinVectors(n) * VL;
        int p0 = transB ? 0 : packThinRows(n, k, b, bOff, ldb, bp, w);
        for (int p = p0; p < k; p++) {
            int dst = p * w, j = 0;
            if (transB) {
                for (; j < n; j++) bp[dst + j] = b[bOff + j * ldb + p];
            } else {
                for (; j < n; j++) bp[dst + j] = b[bOff + p * ldb + j];
            }
            for (; j < w; j++) bp[dst + j] = 0f;
        }
    }

    /**
     * The vector part of {@link #packThinB} for row-major B: whole-vector row loads (the last with its
     * lanes past N cleared) while they fit in b; returns the first k row left for scalar code.
     */
    static int packThinRows(int n, int k, float[] b, int bOff, int ldb, float[] bp, int w) {
        VectorMask<Float> keep = VectorMask.fromLong(S, (1L << (n - (w - VL))) - 1);
        FloatVector zero = FloatVector.zero(S);
        int p = 0;
        for (; p < k && bOff + (long) p * ldb + w <= b.length; p++) {
            int src = bOff + p * ldb, dst = p * w;
            if (w == 2 * VL) FloatVector.fromArray(S, b, src).intoArray(bp, dst);
            zero.blend(FloatVector.fromArray(S, b, src + w - VL), keep).intoArray(bp, dst + w - VL);
        }
        return p;
    }
}
