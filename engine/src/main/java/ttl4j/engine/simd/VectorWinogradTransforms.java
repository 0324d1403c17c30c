package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.conv.ScalarWinogradTransforms;
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
 * 5-8x slower, for the rest of the run. No loop here calls a method that takes or returns a vector
 * (the window reads' lane masks are made once per call, before their loops).
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

    // The window columns: a vector of VL tiles m apart is m vectors of the image row, each holding
    // VL / m whole tiles; lane l of column i takes element (l m + i) mod VL of source vector
    // l m / VL, so one shuffle per column i < m serves every source and blends pick which source
    // each lane keeps (single-vector rearranges and blends: the two-vector rearrange is not an
    // intrinsic on JDK 17, and a hardware gather of 16 lanes ran at a third of this rate); columns
    // m and beyond come from the same sources read m further on. All the columns of a row are made
    // from one set of loads. The loads are plain (masked loads cost 3x the whole transform of a
    // vector): a row outside the image is read at offset 0 and its tiles zeroed afterwards; the
    // lanes of columns in the padding are zeroed by one mask per column where every vector holds
    // whole tile rows (VL a multiple of the row's tiles), else element by element afterwards; a
    // vector whose loads would leave the array is done element by element.

    /** Per tile width m (2 or 4) dividing VL and column i < m: lane l picks element (l m + i) mod VL. */
    private static final VectorShuffle<Float> PICK2A = pick(2, 0), PICK2B = pick(2, 1),
            PICK4A = pick(4, 0), PICK4B = pick(4, 1), PICK4C = pick(4, 2), PICK4D = pick(4, 3);
    /** Lanes l with l m / VL >= q, for q = 1, 2, 3. */
    private static final VectorMask<Float> FROM2 = from(2, 1), FROM4A = from(4, 1), FROM4B = from(4, 2), FROM4C = from(4, 3);
    /** Per power of two b dividing VL, from b VL: the tile column l mod b of lane l. */
    private static final float[] LANE_COLUMN = laneColumns();

    private static VectorShuffle<Float> pick(int m, int i) {
        int[] idx = new int[VL];
        for (int l = 0; l < VL; l++) idx[l] = (l * m + i) % VL;
        return VectorShuffle.fromValues(F, idx);
    }

    private static VectorMask<Float> from(int m, int q) {
        boolean[] set = new boolean[VL];
        for (int l = 0; l < VL; l++) set[l] = l * m / VL >= q;
        return VectorMask.fromArray(F, set, 0);
    }

    private static float[] laneColumns() {
        float[] c = new float[2 * VL * VL];
        for (int b = 1; b <= VL; b *= 2) for (int l = 0; l < VL; l++) c[b * VL + l] = l % b;
        return c;
    }

    @Override
    public boolean windowsFast(int tilesW, int m) {
        return (m == 2 || m == 4) && VL % m == 0 && tilesW % (VL / m) == 0;
    }

    @Override
    public void windowRow(float[] src, int[] rows, int tilesW, int m, int count, int col0, int width, float[] dst, int dOff,
                          int dStride, int n) {
        int done = 0;
        if (windowsFast(tilesW, m) && (count == m || count == m + 2)) {
            boolean whole = VL % tilesW == 0;
            done = m == 4 ? windows4(src, rows, tilesW, count, col0, width, whole, dst, dOff, dStride, n)
                    : windows2(src, rows, tilesW, count, col0, width, whole, dst, dOff, dStride, n);
            // the tiles of rows outside the image, and (unless masked) those whose column is in the padding
            boolean outside = false;
            for (int rr = 0; rr * tilesW < done; rr++) outside |= rows[rr] < 0;
            for (int rr = 0, d = 0; outside && d < done; rr++, d += tilesW) {
                if (rows[rr] >= 0) continue;
                for (int i = 0; i < count; i++) {
                    for (int j = d, end = Math.min(done, d + tilesW); j < end; j++) dst[dOff + i * dStride + j] = 0f;
                }
            }
            for (int i = 0; i < count && !whole; i++) {
                int c = col0 + i, lo = c >= 0 ? 0 : Math.min(tilesW, (-c + m - 1) / m);
                int hi = Math.max(lo, Math.min(tilesW, (width - c + m - 1) / m));
                for (int d = 0; d < done; d += tilesW) {
                    int end = Math.min(done, d + tilesW), o = dOff + i * dStride;
                    for (int j = d; j < Math.min(end, d + lo); j++) dst[o + j] = 0f;
                    for (int j = d + hi; j < end; j++) dst[o + j] = 0f;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            for (int j = done; j < n; j++) window(src, rows, tilesW, m, col0 + i, width, dst, dOff + i * dStride, j);
        }
    }

    // The sums into windows, the other way: the columns of a vector of the image row are m
    // interleaved window columns of VL / m tiles (lane e takes tile e / m of column e mod m, by one
    // shuffle and blends), plus, for the windows' last t - m columns, which overlap the next tile's
    // first, the same of columns m and beyond one tile back, added after (the order of the scalar
    // sums: column i' of a tile before column i' + m of the tile before it). Loads and stores are
    // masked to the row's columns, so nothing outside them is touched.

    /** Lane e: element e / m (m = 2, 4). */
    private static final VectorShuffle<Float> SPREAD2 = spread(2), SPREAD4 = spread(4);
    /** Lanes e with e mod m == i (i = 1, 2, 3) and e mod m < 2. */
    private static final VectorMask<Float> PHASE2 = phase(2, 1), PHASE4A = phase(4, 1), PHASE4B = phase(4, 2), PHASE4C = phase(4, 3),
            LOW4 = phase(4, -1);
    /** Lane e as a float. */
    private static final FloatVector LANE = FloatVector.fromArray(F, LANE_COLUMN, VL * VL);

    private static VectorShuffle<Float> spread(int m) {
        int[] idx = new int[VL];
        for (int e = 0; e < VL; e++) idx[e] = e / m;
        return VectorShuffle.fromValues(F, idx);
    }

    private static VectorMask<Float> phase(int m, int i) {
        boolean[] set = new boolean[VL];
        for (int e = 0; e < VL; e++) set[e] = i < 0 ? e % m < 2 : e % m == i;
        return VectorMask.fromArray(F, set, 0);
    }

    @Override
    public void windowsAdd(float[] src, int sOff, int sStride, int[] rows, int rowCount, int tilesW, int m, int count, int col0,
                           int width, float[] dst) {
        boolean fast = windowsFast(tilesW, m) && (count == m || count == m + 2)
                && sOff >= 1 && sOff + ((rowCount - 1) * count + count - 1) * sStride + tilesW - VL / m + VL <= src.length;
        if (!fast) {
            ScalarWinogradTransforms.INSTANCE.windowsAdd(src, sOff, sStride, rows, rowCount, tilesW, m, count, col0, width, dst);
            return;
        }
        for (int r = 0; r < rowCount; r++) {
            if (rows[r] < 0) continue;
            int s0 = sOff + r * count * sStride;
            if (m == 4) addRow4(src, s0, sStride, count, rows[r], tilesW, col0, width, dst);
            else addRow2(src, s0, sStride, count, rows[r], tilesW, col0, width, dst);
            // the columns past the last tile's first m: only the last tile's columns m and beyond
            for (int e = tilesW * m; e < tilesW * m + count - m; e++) {
                int col = col0 + e;
                if (col >= 0 && col < width) dst[rows[r] + col] += src[s0 + (m + e - tilesW * m) * sStride + tilesW - 1];
            }
        }
    }

    /** One row's whole vectors of {@link #windowsAdd} for m = 4 (count 4 or 6 columns, from s0 at stride ss). */
    private static void addRow4(float[] src, int s0, int ss, int count, int row, int tilesW, int col0, int width, float[] dst) {
        int per = VL / 4;
        for (int e0 = 0, j0 = 0; e0 < tilesW * 4; e0 += VL, j0 += per) {
            FloatVector col = LANE.add((float) (col0 + e0));
            VectorMask<Float> in = col.compare(VectorOperators.GE, 0f).and(col.compare(VectorOperators.LT, (float) width));
            int d = row + col0 + e0;
            FloatVector a = FloatVector.fromArray(F, src, s0 + j0).rearrange(SPREAD4)
                    .blend(FloatVector.fromArray(F, src, s0 + ss + j0).rearrange(SPREAD4), PHASE4A)
                    .blend(FloatVector.fromArray(F, src, s0 + 2 * ss + j0).rearrange(SPREAD4), PHASE4B)
                    .blend(FloatVector.fromArray(F, src, s0 + 3 * ss + j0).rearrange(SPREAD4), PHASE4C);
            FloatVector sum = FloatVector.fromArray(F, dst, d, in).add(a);
            if (count > 4) {
                // columns 4 and 5 of the tile before: lanes e mod 4 < 2, not before the row's first tile
                FloatVector b = FloatVector.fromArray(F, src, s0 + 4 * ss + j0 - 1).rearrange(SPREAD4)
                        .blend(FloatVector.fromArray(F, src, s0 + 5 * ss + j0 - 1).rearrange(SPREAD4), PHASE4A);
                sum = sum.add(b, LOW4.and(LANE.compare(VectorOperators.GE, e0 == 0 ? 4f : 0f)));
            }
            sum.intoArray(dst, d, in);
        }
    }

    /** As {@link #addRow4} for m = 2 (count 2 or 4). */
    private static void addRow2(float[] src, int s0, int ss, int count, int row, int tilesW, int col0, int width, float[] dst) {
        int per = VL / 2;
        for (int e0 = 0, j0 = 0; e0 < tilesW * 2; e0 += VL, j0 += per) {
            FloatVector col = LANE.add((float) (col0 + e0));
            VectorMask<Float> in = col.compare(VectorOperators.GE, 0f).and(col.compare(VectorOperators.LT, (float) width));
            int d = row + col0 + e0;
            FloatVector a = FloatVector.fromArray(F, src, s0 + j0).rearrange(SPREAD2)
                    .blend(FloatVector.fromArray(F, src, s0 + ss + j0).rearrange(SPREAD2), PHASE2);
            FloatVector sum = FloatVector.fromArray(F, dst, d, in).add(a);
            if (count > 2) {
                FloatVector b = FloatVector.fromArray(F, src, s0 + 2 * ss + j0 - 1).rearrange(SPREAD2)
                        .blend(FloatVector.fromArray(F, src, s0 + 3 * ss + j0 - 1).rearrange(SPREAD2), PHASE2);
                sum = sum.add(b, LANE.compare(VectorOperators.GE, e0 == 0 ? 2f : 0f));
            }
            sum.intoArray(dst, d, in);
        }
    }

    // A short strip row (at most VL floats with its padding, the rows of images of up to 14
    // columns) is one load, a shuffle by the padding and a whole-vector store, its zeros past the
    // row landing where the next row goes (a masked store is not forwarded to the gathers that
    // read the strip next, which made it slower than arraycopy); a call each to arraycopy and fill
    // cost 3x the vector form per row, and those images have 6 strip rows per tile. A row without
    // padding is one arraycopy (as fast).

    /** Lane l picks lane l - p (p = 0 to 3; the lanes below p are masked off). */
    private static final VectorShuffle<Float>[] SHIFTS = shifts(4);

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] shifts(int n) {
        VectorShuffle<Float>[] s = new VectorShuffle[n];
        for (int p = 0; p < n; p++) {
            int[] idx = new int[VL];
            for (int l = 0; l < VL; l++) idx[l] = Math.floorMod(l - p, VL);
            s[p] = VectorShuffle.fromValues(F, idx);
        }
        return s;
    }

    @Override
    public void padRow(float[] src, int sOff, int width, int pad, float[] dst, int dOff, int dWidth) {
        if (pad + width < dWidth && dWidth <= VL && pad < SHIFTS.length && sOff >= 0 && sOff <= src.length - VL && dOff >= 0 && dOff <= dst.length - VL) {
            VectorMask<Float> keep = LANE.compare(VectorOperators.GE, (float) pad).and(LANE.compare(VectorOperators.LT, (float) (pad + width)));
            FloatVector.zero(F).blend(FloatVector.fromArray(F, src, sOff).rearrange(SHIFTS[pad]), keep).intoArray(dst, dOff);
            return;
        }
        ScalarWinogradTransforms.INSTANCE.padRow(src, sOff, width, pad, dst, dOff, dWidth);
    }

    @Override
    public void windowsStore(float[] src, int sOff, int sStride, int tilesW, int m, int width, boolean add, float addend,
                             float[] dst, int dOff) {
        int cols = Math.min(width, tilesW * m), done = 0;
        if (windowsFast(tilesW, m) && sOff + (m - 1) * sStride + tilesW - VL / m + VL <= src.length) {
            done = m == 4 ? storeRow4(src, sOff, sStride, tilesW, cols, add, addend, dst, dOff)
                    : storeRow2(src, sOff, sStride, tilesW, cols, add, addend, dst, dOff);
        }
        for (int col = done; col < cols; col++) {
            float v = src[sOff + col % m * sStride + col / m];
            dst[dOff + col] = add ? v + addend : v;
        }
    }

    /** The whole vectors of {@link #windowsStore} for m = 4; returns the columns done. */
    private static int storeRow4(float[] src, int s0, int ss, int tilesW, int cols, boolean add, float addend, float[] dst,
                                 int dOff) {
        int per = VL / 4, e0 = 0;
        for (int j0 = 0; e0 + VL <= cols; e0 += VL, j0 += per) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j0).rearrange(SPREAD4)
                    .blend(FloatVector.fromArray(F, src, s0 + ss + j0).rearrange(SPREAD4), PHASE4A)
                    .blend(FloatVector.fromArray(F, src, s0 + 2 * ss + j0).rearrange(SPREAD4), PHASE4B)
                    .blend(FloatVector.fromArray(F, src, s0 + 3 * ss + j0).rearrange(SPREAD4), PHASE4C);
            (add ? a.add(addend) : a).intoArray(dst, dOff + e0);
        }
        return e0;
    }

    /** As {@link #storeRow4} for m = 2. */
    private static int storeRow2(float[] src, int s0, int ss, int tilesW, int cols, boolean add, float addend, float[] dst,
                                 int dOff) {
        int per = VL / 2, e0 = 0;
        for (int j0 = 0; e0 + VL <= cols; e0 += VL, j0 += per) {
            FloatVector a = FloatVector.fromArray(F, src, s0 + j0).rearrange(SPREAD2)
                    .blend(FloatVector.fromArray(F, src, s0 + ss + j0).rearrange(SPREAD2), PHASE2);
            (add ? a.add(addend) : a).intoArray(dst, dOff + e0);
        }
        return e0;
    }

    /** One element of {@link #windowRow}: column col0 of tile j. */
    private static void window(float[] src, int[] rows, int tilesW, int m, int col0, int width, float[] dst, int dOff, int j) {
        int row = rows[j / tilesW], col = j % tilesW * m + col0;
        dst[dOff + j] = row >= 0 && col >= 0 && col < width ? src[row + col] : 0f;
    }

    /** The lanes of a vector of whole tile rows whose column (tile column times m, plus c) is inside [0, width); all when not whole. */
    private static VectorMask<Float> inside(int tilesW, int m, int c, int width, boolean whole) {
        FloatVector col = FloatVector.fromArray(F, LANE_COLUMN, (whole ? tilesW : 1) * VL).mul((float) m).add((float) c);
        return col.compare(VectorOperators.GE, whole ? 0f : -1e9f).and(col.compare(VectorOperators.LT, whole ? (float) width : 1e9f));
    }

    /**
     * The whole vectors of {@link #windowRow} for m = 4 and 4 or 6 columns, but for the tiles of
     * rows outside the image (read at offset 0) and, unless {@code whole} (every vector holds whole
     * tile rows, so one mask per column clears them), of columns in the padding; returns the tiles done.
     */
    private static int windows4(float[] src, int[] rows, int tilesW, int count, int col0, int width, boolean whole,
                                float[] dst, int dOff, int dStride, int n) {
        int per = VL / 4, rr = 0, j = 0, t = 0, last = src.length - VL - (count > 4 ? 4 : 0);
        VectorMask<Float> k0 = inside(tilesW, 4, col0, width, whole), k1 = inside(tilesW, 4, col0 + 1, width, whole);
        VectorMask<Float> k2 = inside(tilesW, 4, col0 + 2, width, whole), k3 = inside(tilesW, 4, col0 + 3, width, whole);
        VectorMask<Float> k4 = inside(tilesW, 4, col0 + 4, width, whole), k5 = inside(tilesW, 4, col0 + 5, width, whole);
        FloatVector zero = FloatVector.zero(F);
        for (; t + VL <= n; t += VL) {
            int o0 = rows[rr] < 0 ? 0 : rows[rr] + j * 4 + col0;
            if ((j += per) == tilesW) { j = 0; rr++; }
            int o1 = rows[rr] < 0 ? 0 : rows[rr] + j * 4 + col0;
            if ((j += per) == tilesW) { j = 0; rr++; }
            int o2 = rows[rr] < 0 ? 0 : rows[rr] + j * 4 + col0;
            if ((j += per) == tilesW) { j = 0; rr++; }
            int o3 = rows[rr] < 0 ? 0 : rows[rr] + j * 4 + col0;
            if ((j += per) == tilesW) { j = 0; rr++; }
            if (Math.min(Math.min(o0, o1), Math.min(o2, o3)) < 0 || Math.max(Math.max(o0, o1), Math.max(o2, o3)) > last) {
                for (int i = 0; i < count; i++) {
                    for (int e = t; e < t + VL; e++) window(src, rows, tilesW, 4, col0 + i, width, dst, dOff + i * dStride, e);
                }
                continue;
            }
            FloatVector v0 = FloatVector.fromArray(F, src, o0), v1 = FloatVector.fromArray(F, src, o1);
            FloatVector v2 = FloatVector.fromArray(F, src, o2), v3 = FloatVector.fromArray(F, src, o3);
            int d = dOff + t;
            zero.blend(v0.rearrange(PICK4A).blend(v1.rearrange(PICK4A), FROM4A).blend(v2.rearrange(PICK4A), FROM4B)
                    .blend(v3.rearrange(PICK4A), FROM4C), k0).intoArray(dst, d);
            zero.blend(v0.rearrange(PICK4B).blend(v1.rearrange(PICK4B), FROM4A).blend(v2.rearrange(PICK4B), FROM4B)
                    .blend(v3.rearrange(PICK4B), FROM4C), k1).intoArray(dst, d + dStride);
            zero.blend(v0.rearrange(PICK4C).blend(v1.rearrange(PICK4C), FROM4A).blend(v2.rearrange(PICK4C), FROM4B)
                    .blend(v3.rearrange(PICK4C), FROM4C), k2).intoArray(dst, d + 2 * dStride);
            zero.blend(v0.rearrange(PICK4D).blend(v1.rearrange(PICK4D), FROM4A).blend(v2.rearrange(PICK4D), FROM4B)
                    .blend(v3.rearrange(PICK4D), FROM4C), k3).intoArray(dst, d + 3 * dStride);
            if (count > 4) {
                FloatVector w0 = FloatVector.fromArray(F, src, o0 + 4), w1 = FloatVector.fromArray(F, src, o1 + 4);
                FloatVector w2 = FloatVector.fromArray(F, src, o2 + 4), w3 = FloatVector.fromArray(F, src, o3 + 4);
                zero.blend(w0.rearrange(PICK4A).blend(w1.rearrange(PICK4A), FROM4A).blend(w2.rearrange(PICK4A), FROM4B)
                        .blend(w3.rearrange(PICK4A), FROM4C), k4).intoArray(dst, d + 4 * dStride);
                zero.blend(w0.rearrange(PICK4B).blend(w1.rearrange(PICK4B), FROM4A).blend(w2.rearrange(PICK4B), FROM4B)
                        .blend(w3.rearrange(PICK4B), FROM4C), k5).intoArray(dst, d + 5 * dStride);
            }
        }
        return t;
    }

    /** As {@link #windows4} for m = 2 and 2 or 4 columns. */
    private static int windows2(float[] src, int[] rows, int tilesW, int count, int col0, int width, boolean whole,
                                float[] dst, int dOff, int dStride, int n) {
        int per = VL / 2, rr = 0, j = 0, t = 0, last = src.length - VL - (count > 2 ? 2 : 0);
        VectorMask<Float> k0 = inside(tilesW, 2, col0, width, whole), k1 = inside(tilesW, 2, col0 + 1, width, whole);
        VectorMask<Float> k2 = inside(tilesW, 2, col0 + 2, width, whole), k3 = inside(tilesW, 2, col0 + 3, width, whole);
        FloatVector zero = FloatVector.zero(F);
        for (; t + VL <= n; t += VL) {
            int o0 = rows[rr] < 0 ? 0 : rows[rr] + j * 2 + col0;
            if ((j += per) == tilesW) { j = 0; rr++; }
            int o1 = rows[rr] < 0 ? 0 : rows[rr] + j * 2 + col0;
            if ((j += per) == tilesW) { j = 0; rr++; }
            if (Math.min(o0, o1) < 0 || Math.max(o0, o1) > last) {
                for (int i = 0; i < count; i++) {
                    for (int e = t; e < t + VL; e++) window(src, rows, tilesW, 2, col0 + i, width, dst, dOff + i * dStride, e);
                }
                continue;
            }
            FloatVector v0 = FloatVector.fromArray(F, src, o0), v1 = FloatVector.fromArray(F, src, o1);
            int d = dOff + t;
            zero.blend(v0.rearrange(PICK2A).blend(v1.rearrange(PICK2A), FROM2), k0).intoArray(dst, d);
            zero.blend(v0.rearrange(PICK2B).blend(v1.rearrange(PICK2B), FROM2), k1).intoArray(dst, d + dStride);
            if (count > 2) {
                FloatVector w0 = FloatVector.fromArray(F, src, o0 + 2), w1 = FloatVector.fromArray(F, src, o1 + 2);
                zero.blend(w0.rearrange(PICK2A).blend(w1.rearrange(PICK2A), FROM2), k2).intoArray(dst, d + 2 * dStride);
                zero.blend(w0.rearrange(PICK2B).blend(w1.rearrange(PICK2B), FROM2), k3).intoArray(dst, d + 3 * dStride);
            }
        }
        return t;
    }

    @Override
    public String name() {
        return "vector (" + VL + " floats)";
    }
}
