package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.conv.NarrowProducts;

/**
 * {@link NarrowProducts} by register tiles of 6 rows by 4 vectors (24 accumulators, 4 loads and 6
 * broadcasts per 24 FMAs; 4 rows for a remainder of 4 or 5; 2 vectors wide with 16 registers), B read in place row after row, results stored straight into C; edge
 * tiles of one row or one vector, and the last partial vector of a row under a mask. Same chain
 * per element as the scalar twin. Loaded reflectively by the convolution code when the vector
 * kernels are in use.
 */
public final class VectorNarrowProducts implements NarrowProducts {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int VL = Species.VL;

    public VectorNarrowProducts() {}

    @Override
    public String name() {
        return "vector";
    }

    /**
     * With 16 vector registers (AVX2) the 6 x 4 tile's 24 accumulators spill: tiles of 2 vectors
     * instead (6 x 2: 12 accumulators, 2 loads and 6 broadcasts per 12 FMAs).
     */
    private static final boolean NARROW = Species.REGISTERS < 32;

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] bias, int biasOff,
                         float[] c, int cOff, int ldc) {
        // 6-row tiles, 4 rows for a remainder of 4 or 5, single rows past that; 4 vectors wide, or 2
        // with 16 registers (NARROW is a constant, so each JVM compiles one family only)
        int step = NARROW ? 2 * VL : 4 * VL, wide = n - n % step, full = n - n % VL;
        int i = 0;
        for (; i + 6 <= m; i += 6) {
            int j = 0;
            for (; j < wide; j += step) {
                if (NARROW) tile6x2(k, a, aOff + i * k, b, bOff + j, ldb, bias, biasOff + i, c, cOff + i * ldc + j, ldc);
                else tile6x4(k, a, aOff + i * k, b, bOff + j, ldb, bias, biasOff + i, c, cOff + i * ldc + j, ldc);
            }
            for (int r = i; r < i + 6; r++) rowTail(k, j, full, n, a, aOff + r * k, b, bOff, ldb, bias, biasOff + r, c, cOff + r * ldc);
        }
        if (i + 4 <= m) {
            int j = 0;
            for (; j < wide; j += step) {
                if (NARROW) tile4x2(k, a, aOff + i * k, b, bOff + j, ldb, bias, biasOff + i, c, cOff + i * ldc + j, ldc);
                else tile4x4(k, a, aOff + i * k, b, bOff + j, ldb, bias, biasOff + i, c, cOff + i * ldc + j, ldc);
            }
            for (int r = i; r < i + 4; r++) rowTail(k, j, full, n, a, aOff + r * k, b, bOff, ldb, bias, biasOff + r, c, cOff + r * ldc);
            i += 4;
        }
        for (; i < m; i++) {
            int j = 0;
            if (!NARROW) {
                for (; j < wide; j += step) tile1x4(k, a, aOff + i * k, b, bOff + j, ldb, bias, biasOff + i, c, cOff + i * ldc + j);
            }
            rowTail(k, j, full, n, a, aOff + i * k, b, bOff, ldb, bias, biasOff + i, c, cOff + i * ldc);
        }
    }

    private static void tile6x2(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] bias, int bi, float[] c, int ci,
                                int ldc) {
        FloatVector c00 = FloatVector.broadcast(F, init(bias, bi)), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(F, init(bias, bi + 1)), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(F, init(bias, bi + 2)), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(F, init(bias, bi + 3)), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(F, init(bias, bi + 4)), c41 = c40;
        FloatVector c50 = FloatVector.broadcast(F, init(bias, bi + 5)), c51 = c50;
        int a1 = ai + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k;
        for (int p = 0; p < k; p++) {
            int o = bj + p * ldb;
            FloatVector y0 = FloatVector.fromArray(F, b, o), y1 = FloatVector.fromArray(F, b, o + VL);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c00 = y0.fma(x, c00); c01 = y1.fma(x, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = y0.fma(x, c10); c11 = y1.fma(x, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = y0.fma(x, c20); c21 = y1.fma(x, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = y0.fma(x, c30); c31 = y1.fma(x, c31);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = y0.fma(x, c40); c41 = y1.fma(x, c41);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = y0.fma(x, c50); c51 = y1.fma(x, c51);
        }
        int o1 = ci + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
        c00.intoArray(c, ci); c01.intoArray(c, ci + VL);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + VL);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + VL);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + VL);
        c40.intoArray(c, o4); c41.intoArray(c, o4 + VL);
        c50.intoArray(c, o5); c51.intoArray(c, o5 + VL);
    }

    private static void tile4x2(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] bias, int bi, float[] c, int ci,
                                int ldc) {
        FloatVector c00 = FloatVector.broadcast(F, init(bias, bi)), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(F, init(bias, bi + 1)), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(F, init(bias, bi + 2)), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(F, init(bias, bi + 3)), c31 = c30;
        int a1 = ai + k, a2 = a1 + k, a3 = a2 + k;
        for (int p = 0; p < k; p++) {
            int o = bj + p * ldb;
            FloatVector y0 = FloatVector.fromArray(F, b, o), y1 = FloatVector.fromArray(F, b, o + VL);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c00 = y0.fma(x, c00); c01 = y1.fma(x, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = y0.fma(x, c10); c11 = y1.fma(x, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = y0.fma(x, c20); c21 = y1.fma(x, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = y0.fma(x, c30); c31 = y1.fma(x, c31);
        }
        int o1 = ci + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        c00.intoArray(c, ci); c01.intoArray(c, ci + VL);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + VL);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + VL);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + VL);
    }

    private static float init(float[] bias, int at) {
        return bias == null ? 0f : bias[at];
    }

    /** Columns [j, n) of one row: whole vectors, then the partial one under a mask. */
    private static void rowTail(int k, int j, int full, int n, float[] a, int ai, float[] b, int bOff, int ldb, float[] bias,
                                int bi, float[] c, int ci) {
        float v = init(bias, bi);
        for (; j < full; j += VL) {
            FloatVector acc = FloatVector.broadcast(F, v);
            for (int p = 0; p < k; p++) acc = FloatVector.fromArray(F, b, bOff + p * ldb + j).fma(FloatVector.broadcast(F, a[ai + p]), acc);
            acc.intoArray(c, ci + j);
        }
        if (full < n) {
            VectorMask<Float> mask = F.indexInRange(0, n - full);
            FloatVector acc = FloatVector.broadcast(F, v);
            for (int p = 0; p < k; p++) acc = FloatVector.fromArray(F, b, bOff + p * ldb + full, mask).fma(FloatVector.broadcast(F, a[ai + p]), acc);
            acc.intoArray(c, ci + full, mask);
        }
    }

    private static void tile1x4(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] bias, int bi, float[] c, int ci) {
        FloatVector c0 = FloatVector.broadcast(F, init(bias, bi)), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < k; p++) {
            int o = bj + p * ldb;
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c0 = FloatVector.fromArray(F, b, o).fma(x, c0);
            c1 = FloatVector.fromArray(F, b, o + VL).fma(x, c1);
            c2 = FloatVector.fromArray(F, b, o + 2 * VL).fma(x, c2);
            c3 = FloatVector.fromArray(F, b, o + 3 * VL).fma(x, c3);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + VL); c2.intoArray(c, ci + 2 * VL); c3.intoArray(c, ci + 3 * VL);
    }

    private static void tile4x4(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] bias, int bi, float[] c, int ci,
                                int ldc) {
        FloatVector c00 = FloatVector.broadcast(F, init(bias, bi)), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = FloatVector.broadcast(F, init(bias, bi + 1)), c11 = c10, c12 = c10, c13 = c10;
        FloatVector c20 = FloatVector.broadcast(F, init(bias, bi + 2)), c21 = c20, c22 = c20, c23 = c20;
        FloatVector c30 = FloatVector.broadcast(F, init(bias, bi + 3)), c31 = c30, c32 = c30, c33 = c30;
        int a1 = ai + k, a2 = a1 + k, a3 = a2 + k;
        for (int p = 0; p < k; p++) {
            int o = bj + p * ldb;
            FloatVector y0 = FloatVector.fromArray(F, b, o), y1 = FloatVector.fromArray(F, b, o + VL);
            FloatVector y2 = FloatVector.fromArray(F, b, o + 2 * VL), y3 = FloatVector.fromArray(F, b, o + 3 * VL);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c00 = y0.fma(x, c00); c01 = y1.fma(x, c01); c02 = y2.fma(x, c02); c03 = y3.fma(x, c03);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = y0.fma(x, c10); c11 = y1.fma(x, c11); c12 = y2.fma(x, c12); c13 = y3.fma(x, c13);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = y0.fma(x, c20); c21 = y1.fma(x, c21); c22 = y2.fma(x, c22); c23 = y3.fma(x, c23);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = y0.fma(x, c30); c31 = y1.fma(x, c31); c32 = y2.fma(x, c32); c33 = y3.fma(x, c33);
        }
        int o1 = ci + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        c00.intoArray(c, ci); c01.intoArray(c, ci + VL); c02.intoArray(c, ci + 2 * VL); c03.intoArray(c, ci + 3 * VL);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + VL); c12.intoArray(c, o1 + 2 * VL); c13.intoArray(c, o1 + 3 * VL);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + VL); c22.intoArray(c, o2 + 2 * VL); c23.intoArray(c, o2 + 3 * VL);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + VL); c32.intoArray(c, o3 + 2 * VL); c33.intoArray(c, o3 + 3 * VL);
    }

    private static void tile6x4(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] bias, int bi, float[] c, int ci,
                                int ldc) {
        FloatVector c00 = FloatVector.broadcast(F, init(bias, bi)), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = FloatVector.broadcast(F, init(bias, bi + 1)), c11 = c10, c12 = c10, c13 = c10;
        FloatVector c20 = FloatVector.broadcast(F, init(bias, bi + 2)), c21 = c20, c22 = c20, c23 = c20;
        FloatVector c30 = FloatVector.broadcast(F, init(bias, bi + 3)), c31 = c30, c32 = c30, c33 = c30;
        FloatVector c40 = FloatVector.broadcast(F, init(bias, bi + 4)), c41 = c40, c42 = c40, c43 = c40;
        FloatVector c50 = FloatVector.broadcast(F, init(bias, bi + 5)), c51 = c50, c52 = c50, c53 = c50;
        int a1 = ai + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k;
        for (int p = 0; p < k; p++) {
            int o = bj + p * ldb;
            FloatVector y0 = FloatVector.fromArray(F, b, o), y1 = FloatVector.fromArray(F, b, o + VL);
            FloatVector y2 = FloatVector.fromArray(F, b, o + 2 * VL), y3 = FloatVector.fromArray(F, b, o + 3 * VL);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c00 = y0.fma(x, c00); c01 = y1.fma(x, c01); c02 = y2.fma(x, c02); c03 = y3.fma(x, c03);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = y0.fma(x, c10); c11 = y1.fma(x, c11); c12 = y2.fma(x, c12); c13 = y3.fma(x, c13);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = y0.fma(x, c20); c21 = y1.fma(x, c21); c22 = y2.fma(x, c22); c23 = y3.fma(x, c23);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = y0.fma(x, c30); c31 = y1.fma(x, c31); c32 = y2.fma(x, c32); c33 = y3.fma(x, c33);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = y0.fma(x, c40); c41 = y1.fma(x, c41); c42 = y2.fma(x, c42); c43 = y3.fma(x, c43);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = y0.fma(x, c50); c51 = y1.fma(x, c51); c52 = y2.fma(x, c52); c53 = y3.fma(x, c53);
        }
        int o1 = ci + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
        c00.intoArray(c, ci); c01.intoArray(c, ci + VL); c02.intoArray(c, ci + 2 * VL); c03.intoArray(c, ci + 3 * VL);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + VL); c12.intoArray(c, o1 + 2 * VL); c13.intoArray(c, o1 + 3 * VL);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + VL); c22.intoArray(c, o2 + 2 * VL); c23.intoArray(c, o2 + 3 * VL);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + VL); c32.intoArray(c, o3 + 2 * VL); c33.intoArray(c, o3 + 3 * VL);
        c40.intoArray(c, o4); c41.intoArray(c, o4 + VL); c42.intoArray(c, o4 + 2 * VL); c43.intoArray(c, o4 + 3 * VL);
        c50.intoArray(c, o5); c51.intoArray(c, o5 + VL); c52.intoArray(c, o5 + 2 * VL); c53.intoArray(c, o5 + 3 * VL);
    }
}
