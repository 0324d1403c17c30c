package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.conv.LaneDots;

/**
 * {@link LaneDots} with one vector of partial sums per dot product: register tiles of 4 rows of A
 * by 6 rows of B (24 accumulators, 10 loads per 24 FMAs; 4 x 2 with 16 registers), over chunks of k short enough that the
 * four A rows stay in L1 while the B rows stream past them from L2. Partial sums live in the
 * caller's array between chunks and calls. The last, partial vector of k is read under a mask
 * (zeros past k), as the scalar twin specifies. Loaded reflectively by the convolution code when
 * the vector kernels are in use.
 */
public final class VectorLaneDots implements LaneDots {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int VL = Species.VL;
    /** Floats of k per chunk: 4 A rows of 2 KiB in L1, the B rows (a few dozen) in L2. */
    private static final int KC = 512;

    /**
     * With 16 vector registers (AVX2) the 4 x 6 tile's 24 accumulators spill: 4 x 2 tiles instead
     * (8 accumulators, 6 loads per 8 FMAs).
     */
    private static final boolean NARROW = Species.REGISTERS < 32;

    public VectorLaneDots() {}

    @Override
    public int lanes() {
        return VL;
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void accumulate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] acc,
                           int accOff) {
        int full = k - k % VL, rs = n * VL;
        for (int k0 = 0; k0 < full; k0 += KC) {
            int len = Math.min(KC, full - k0);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int ai = aOff + i * lda + k0, oi = accOff + i * rs;
                int j = 0;
                if (NARROW) {
                    for (; j + 2 <= n; j += 2) tile4x2(len, a, ai, lda, b, bOff + j * ldb + k0, ldb, acc, oi + j * VL, rs);
                }
                for (; j + 6 <= n; j += 6) tile4x6(len, a, ai, lda, b, bOff + j * ldb + k0, ldb, acc, oi + j * VL, rs);
                if (j + 3 <= n) {
                    tile4x3(len, a, ai, lda, b, bOff + j * ldb + k0, ldb, acc, oi + j * VL, rs);
                    j += 3;
                }
                for (; j < n; j++) tile4x1(len, a, ai, lda, b, bOff + j * ldb + k0, acc, oi + j * VL, rs);
            }
            for (; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    tile1x1(len, a, aOff + i * lda + k0, b, bOff + j * ldb + k0, acc, accOff + i * rs + j * VL);
                }
            }
        }
        if (full < k) {
            VectorMask<Float> mask = F.indexInRange(0, k - full);
            for (int i = 0; i < m; i++) {
                FloatVector x = FloatVector.fromArray(F, a, aOff + i * lda + full, mask);
                for (int j = 0; j < n; j++) {
                    int o = accOff + i * rs + j * VL;
                    x.fma(FloatVector.fromArray(F, b, bOff + j * ldb + full, mask), FloatVector.fromArray(F, acc, o)).intoArray(acc, o);
                }
            }
        }
    }

    private static void tile4x6(int len, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] acc, int o, int rs) {
        int o1 = o + rs, o2 = o1 + rs, o3 = o2 + rs;
        FloatVector c00 = FloatVector.fromArray(F, acc, o), c01 = FloatVector.fromArray(F, acc, o + VL);
        FloatVector c02 = FloatVector.fromArray(F, acc, o + 2 * VL), c03 = FloatVector.fromArray(F, acc, o + 3 * VL);
        FloatVector c04 = FloatVector.fromArray(F, acc, o + 4 * VL), c05 = FloatVector.fromArray(F, acc, o + 5 * VL);
        FloatVector c10 = FloatVector.fromArray(F, acc, o1), c11 = FloatVector.fromArray(F, acc, o1 + VL);
        FloatVector c12 = FloatVector.fromArray(F, acc, o1 + 2 * VL), c13 = FloatVector.fromArray(F, acc, o1 + 3 * VL);
        FloatVector c14 = FloatVector.fromArray(F, acc, o1 + 4 * VL), c15 = FloatVector.fromArray(F, acc, o1 + 5 * VL);
        FloatVector c20 = FloatVector.fromArray(F, acc, o2), c21 = FloatVector.fromArray(F, acc, o2 + VL);
        FloatVector c22 = FloatVector.fromArray(F, acc, o2 + 2 * VL), c23 = FloatVector.fromArray(F, acc, o2 + 3 * VL);
        FloatVector c24 = FloatVector.fromArray(F, acc, o2 + 4 * VL), c25 = FloatVector.fromArray(F, acc, o2 + 5 * VL);
        FloatVector c30 = FloatVector.fromArray(F, acc, o3), c31 = FloatVector.fromArray(F, acc, o3 + VL);
        FloatVector c32 = FloatVector.fromArray(F, acc, o3 + 2 * VL), c33 = FloatVector.fromArray(F, acc, o3 + 3 * VL);
        FloatVector c34 = FloatVector.fromArray(F, acc, o3 + 4 * VL), c35 = FloatVector.fromArray(F, acc, o3 + 5 * VL);
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb, b4 = b3 + ldb, b5 = b4 + ldb;
        for (int p = 0; p < len; p += VL) {
            FloatVector x0 = FloatVector.fromArray(F, a, ai + p), x1 = FloatVector.fromArray(F, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(F, a, a2 + p), x3 = FloatVector.fromArray(F, a, a3 + p);
            FloatVector y = FloatVector.fromArray(F, b, bj + p);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(F, b, b1 + p);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(F, b, b2 + p);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(F, b, b3 + p);
            c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
            y = FloatVector.fromArray(F, b, b4 + p);
            c04 = x0.fma(y, c04); c14 = x1.fma(y, c14); c24 = x2.fma(y, c24); c34 = x3.fma(y, c34);
            y = FloatVector.fromArray(F, b, b5 + p);
            c05 = x0.fma(y, c05); c15 = x1.fma(y, c15); c25 = x2.fma(y, c25); c35 = x3.fma(y, c35);
        }
        c00.intoArray(acc, o); c01.intoArray(acc, o + VL); c02.intoArray(acc, o + 2 * VL);
        c03.intoArray(acc, o + 3 * VL); c04.intoArray(acc, o + 4 * VL); c05.intoArray(acc, o + 5 * VL);
        c10.intoArray(acc, o1); c11.intoArray(acc, o1 + VL); c12.intoArray(acc, o1 + 2 * VL);
        c13.intoArray(acc, o1 + 3 * VL); c14.intoArray(acc, o1 + 4 * VL); c15.intoArray(acc, o1 + 5 * VL);
        c20.intoArray(acc, o2); c21.intoArray(acc, o2 + VL); c22.intoArray(acc, o2 + 2 * VL);
        c23.intoArray(acc, o2 + 3 * VL); c24.intoArray(acc, o2 + 4 * VL); c25.intoArray(acc, o2 + 5 * VL);
        c30.intoArray(acc, o3); c31.intoArray(acc, o3 + VL); c32.intoArray(acc, o3 + 2 * VL);
        c33.intoArray(acc, o3 + 3 * VL); c34.intoArray(acc, o3 + 4 * VL); c35.intoArray(acc, o3 + 5 * VL);
    }

    private static void tile4x3(int len, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] acc, int o, int rs) {
        int o1 = o + rs, o2 = o1 + rs, o3 = o2 + rs;
        FloatVector c00 = FloatVector.fromArray(F, acc, o), c01 = FloatVector.fromArray(F, acc, o + VL);
        FloatVector c02 = FloatVector.fromArray(F, acc, o + 2 * VL);
        FloatVector c10 = FloatVector.fromArray(F, acc, o1), c11 = FloatVector.fromArray(F, acc, o1 + VL);
        FloatVector c12 = FloatVector.fromArray(F, acc, o1 + 2 * VL);
        FloatVector c20 = FloatVector.fromArray(F, acc, o2), c21 = FloatVector.fromArray(F, acc, o2 + VL);
        FloatVector c22 = FloatVector.fromArray(F, acc, o2 + 2 * VL);
        FloatVector c30 = FloatVector.fromArray(F, acc, o3), c31 = FloatVector.fromArray(F, acc, o3 + VL);
        FloatVector c32 = FloatVector.fromArray(F, acc, o3 + 2 * VL);
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = bj + ldb, b2 = b1 + ldb;
        for (int p = 0; p < len; p += VL) {
            FloatVector x0 = FloatVector.fromArray(F, a, ai + p), x1 = FloatVector.fromArray(F, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(F, a, a2 + p), x3 = FloatVector.fromArray(F, a, a3 + p);
            FloatVector y = FloatVector.fromArray(F, b, bj + p);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(F, b, b1 + p);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(F, b, b2 + p);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
        }
        c00.intoArray(acc, o); c01.intoArray(acc, o + VL); c02.intoArray(acc, o + 2 * VL);
        c10.intoArray(acc, o1); c11.intoArray(acc, o1 + VL); c12.intoArray(acc, o1 + 2 * VL);
        c20.intoArray(acc, o2); c21.intoArray(acc, o2 + VL); c22.intoArray(acc, o2 + 2 * VL);
        c30.intoArray(acc, o3); c31.intoArray(acc, o3 + VL); c32.intoArray(acc, o3 + 2 * VL);
    }

    private static void tile4x2(int len, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] acc, int o, int rs) {
        int o1 = o + rs, o2 = o1 + rs, o3 = o2 + rs;
        FloatVector c00 = FloatVector.fromArray(F, acc, o), c01 = FloatVector.fromArray(F, acc, o + VL);
        FloatVector c10 = FloatVector.fromArray(F, acc, o1), c11 = FloatVector.fromArray(F, acc, o1 + VL);
        FloatVector c20 = FloatVector.fromArray(F, acc, o2), c21 = FloatVector.fromArray(F, acc, o2 + VL);
        FloatVector c30 = FloatVector.fromArray(F, acc, o3), c31 = FloatVector.fromArray(F, acc, o3 + VL);
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = bj + ldb;
        for (int p = 0; p < len; p += VL) {
            FloatVector x0 = FloatVector.fromArray(F, a, ai + p), x1 = FloatVector.fromArray(F, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(F, a, a2 + p), x3 = FloatVector.fromArray(F, a, a3 + p);
            FloatVector y = FloatVector.fromArray(F, b, bj + p);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(F, b, b1 + p);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
        }
        c00.intoArray(acc, o); c01.intoArray(acc, o + VL);
        c10.intoArray(acc, o1); c11.intoArray(acc, o1 + VL);
        c20.intoArray(acc, o2); c21.intoArray(acc, o2 + VL);
        c30.intoArray(acc, o3); c31.intoArray(acc, o3 + VL);
    }

    private static void tile4x1(int len, float[] a, int ai, int lda, float[] b, int bj, float[] acc, int o, int rs) {
        int o1 = o + rs, o2 = o1 + rs, o3 = o2 + rs;
        FloatVector c0 = FloatVector.fromArray(F, acc, o), c1 = FloatVector.fromArray(F, acc, o1);
        FloatVector c2 = FloatVector.fromArray(F, acc, o2), c3 = FloatVector.fromArray(F, acc, o3);
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < len; p += VL) {
            FloatVector y = FloatVector.fromArray(F, b, bj + p);
            c0 = FloatVector.fromArray(F, a, ai + p).fma(y, c0);
            c1 = FloatVector.fromArray(F, a, a1 + p).fma(y, c1);
            c2 = FloatVector.fromArray(F, a, a2 + p).fma(y, c2);
            c3 = FloatVector.fromArray(F, a, a3 + p).fma(y, c3);
        }
        c0.intoArray(acc, o); c1.intoArray(acc, o1); c2.intoArray(acc, o2); c3.intoArray(acc, o3);
    }

    private static void tile1x1(int len, float[] a, int ai, float[] b, int bj, float[] acc, int o) {
        FloatVector c = FloatVector.fromArray(F, acc, o);
        for (int p = 0; p < len; p += VL) c = FloatVector.fromArray(F, a, ai + p).fma(FloatVector.fromArray(F, b, bj + p), c);
        c.intoArray(acc, o);
    }
}
