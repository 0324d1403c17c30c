package ttl4j.engine.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.Parallel;
import ttl4j.engine.ScalarOps;

/**
 * Vector API elementwise kernels; contracts in {@link ttl4j.engine.Kernels}, scalar twins (also
 * their tails) in {@link ScalarOps}. A vector loop up to {@code loopBound}, then the twin on the
 * rest (masked tails are slow on older JDKs). Every element is computed exactly as the twin does
 * (no FMA contraction where the twin has none), so both agree bitwise.
 */
final class VectorOps implements KernelSupport.Elementwise {
    static final VectorOps INSTANCE = new VectorOps();

    private VectorOps() {}

    private static final VectorSpecies<Float> S = Species.F;
    private static final VectorSpecies<Integer> SI = Species.I;
    private static final int L = Species.VL;
    /** Parallel blocks start at multiples of this, so two tasks never write the same cache line. */
    static final int ALIGN = Math.max(64, 4 * L);

    // ---------------------------------------------------------------- elementwise

    @Override
    public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        if (!Parallel.worthSplittingElements(n)) addRange(0, n, x, xOff, y, yOff, z, zOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> addRange(a, b, x, xOff, y, yOff, z, zOff));
    }

    private static void addRange(int from, int to, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(z, zOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.add(to - i, x, xOff + i, y, yOff + i, z, zOff + i);
    }

    @Override
    public void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        if (!Parallel.worthSplittingElements(n)) subRange(0, n, x, xOff, y, yOff, z, zOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> subRange(a, b, x, xOff, y, yOff, z, zOff));
    }

    private static void subRange(int from, int to, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(FloatVector.fromArray(S, y, yOff + i)).intoArray(z, zOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.sub(to - i, x, xOff + i, y, yOff + i, z, zOff + i);
    }

    @Override
    public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        if (!Parallel.worthSplittingElements(n)) mulRange(0, n, x, xOff, y, yOff, z, zOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> mulRange(a, b, x, xOff, y, yOff, z, zOff));
    }

    private static void mulRange(int from, int to, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(FloatVector.fromArray(S, y, yOff + i)).intoArray(z, zOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.mul(to - i, x, xOff + i, y, yOff + i, z, zOff + i);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        if (!Parallel.worthSplittingElements(n)) scaleRange(0, n, alpha, x, xOff, z, zOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> scaleRange(a, b, alpha, x, xOff, z, zOff));
    }

    private static void scaleRange(int from, int to, float alpha, float[] x, int xOff, float[] z, int zOff) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(z, zOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.scale(to - i, alpha, x, xOff + i, z, zOff + i);
    }

    /** Bytes per vector of {@link #bytesToFloats}: as many as the float vector has lanes (none below 8 lanes: no 32-bit shape). */
    private static final VectorSpecies<Byte> SB = Species.sameLanes(byte.class, 8);

    @Override
    public void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        if (!Parallel.worthSplittingElements(n)) bytesToFloatsRange(0, n, x, xOff, scale, shift, z, zOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> bytesToFloatsRange(a, b, x, xOff, scale, shift, z, zOff));
    }

    private static void bytesToFloatsRange(int from, int to, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        int i = from;
        for (int bound = SB == null ? from : from + S.loopBound(to - from); i < bound; i += L) {
            // sign-extending widening, then the low byte kept: the unsigned value
            IntVector v = (IntVector) ByteVector.fromArray(SB, x, xOff + i).convertShape(VectorOperators.B2I, SI, 0);
            ((FloatVector) v.and(0xff).convertShape(VectorOperators.I2F, S, 0)).fma(scale, shift).intoArray(z, zOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.bytesToFloats(to - i, x, xOff + i, scale, shift, z, zOff + i);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        if (!Parallel.worthSplittingElements(n)) axpyRange(0, n, alpha, x, xOff, y, yOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> axpyRange(a, b, alpha, x, xOff, y, yOff));
    }

    private static void axpyRange(int from, int to, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = from;
        // mul then add, not fma: two roundings like the scalar twin, so both agree bitwise (the
        // kernel is memory-bound, the fused form would buy nothing)
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).add(FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.axpy(to - i, alpha, x, xOff + i, y, yOff + i);
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        if (!Parallel.worthSplittingElements(n)) reluRange(0, n, x, xOff, z, zOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> reluRange(a, b, x, xOff, z, zOff));
    }

    private static void reluRange(int from, int to, float[] x, int xOff, float[] z, int zOff) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        // a blend on x > 0 rather than max(x, 0): max keeps NaN and -0, the twin maps both to +0
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(z, zOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.relu(to - i, x, xOff + i, z, zOff + i);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        if (!Parallel.worthSplittingElements(n)) reluBackwardRange(0, n, x, xOff, dy, dyOff, dx, dxOff);
        else Parallel.forRanges(n, ALIGN, 4 * Parallel.threads(), true, (a, b) -> reluBackwardRange(a, b, x, xOff, dy, dyOff, dx, dxOff));
    }

    private static void reluBackwardRange(int from, int to, float[] x, int xOff, float[] dy, int dyOff,
                                          float[] dx, int dxOff) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            VectorMask<Float> on = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, dyOff + i), on).intoArray(dx, dxOff + i);
        }
        if (i < to) ScalarOps.INSTANCE.reluBackward(to - i, x, xOff + i, dy, dyOff + i, dx, dxOff + i);
    }

    @Override
    public void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        Parallel.forGrid(rows, 1, cols, ALIGN, (r0, r1, q0, q1) -> {
            for (int r = r0; r < r1; r++) addRange(0, cols, x, xOff + r * cols, v, vOff, z, zOff + r * cols);
        });
    }

    // ---------------------------------------------------------------- per channel

    @Override
    public void scaleShiftChannels(int outer, int channels, int inner, float[] x, int xOff, float[] scale, int sOff,
                                   float[] shift, int shOff, float[] z, int zOff) {
        int planes = outer * channels;
        Parallel.forRanges(planes, Parallel.worthSplittingElements((long) planes * inner), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int c = p % channels, base = p * inner;
                scaleShiftRun(inner, x, xOff + base, scale[sOff + c], shift[shOff + c], z, zOff + base);
            }
        });
    }

    private static void scaleShiftRun(int n, float[] x, int xOff, float a, float b, float[] z, int zOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) FloatVector.fromArray(S, x, xOff + i).fma(a, b).intoArray(z, zOff + i);
        for (; i < n; i++) z[zOff + i] = Math.fma(x[xOff + i], a, b);
    }

    /** Even lanes 0, 2, 4, ...: the gather map of one element of each 2 x 2 window along a row. */
    private static final int[] EVEN = evenLanes();

    private static int[] evenLanes() {
        int[] e = new int[L];
        for (int i = 0; i < L; i++) e[i] = 2 * i;
        return e;
    }

    /**
     * L windows at a time: each of the four window elements gathered across the windows (a
     * stride-2 gather), then three compare-and-blend steps in scan order, the same rule as the
     * scalar twin (greater, or NaN, replaces); the row's last windows by the twin.
     */
    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        if (w / 2 < L && maxPool2x2Small(planes, h, w, x, xOff, y, yOff, argmax, aOff)) return;
        int p = h / 2, q = w / 2, vq = q - q % L;
        IntVector twice = IntVector.zero(SI).addIndex(2);
        for (int pl = 0; pl < planes; pl++) {
            int xb = xOff + pl * h * w;
            for (int ip = 0; ip < p; ip++) {
                int i0 = 2 * ip * w, i1 = i0 + w, yo = yOff + (pl * p + ip) * q, ao = aOff + (pl * p + ip) * q;
                for (int j = 0; j < vq; j += L) {
                    int c = 2 * j;
                    FloatVector a = FloatVector.fromArray(S, x, xb + i0 + c, EVEN, 0);
                    FloatVector b = FloatVector.fromArray(S, x, xb + i0 + c + 1, EVEN, 0);
                    FloatVector e = FloatVector.fromArray(S, x, xb + i1 + c, EVEN, 0);
                    FloatVector d = FloatVector.fromArray(S, x, xb + i1 + c + 1, EVEN, 0);
                    poolWindows(a, b, e, d, twice.add(i0 + c), w, y, yo + j, argmax, ao + j);
                }
                ScalarOps.maxPool2x2Row(w, ip, vq, q, x, xb, y, yo, argmax, ao);
            }
        }
    }

    /**
     * L windows whose elements are a, b (top row) and e, d (bottom row), ia the in-plane index of
     * each window's first element: three compare-and-blend steps in scan order (greater, or NaN,
     * replaces), the maxima and their indices stored.
     */
    private static void poolWindows(FloatVector a, FloatVector b, FloatVector e, FloatVector d, IntVector ia, int w,
                                    float[] y, int yo, int[] argmax, int ao) {
        FloatVector m = a;
        IntVector best = ia;
        VectorMask<Float> t = b.compare(VectorOperators.GT, m).or(b.test(VectorOperators.IS_NAN));
        m = m.blend(b, t);
        best = best.blend(ia.add(1), t.cast(SI));
        t = e.compare(VectorOperators.GT, m).or(e.test(VectorOperators.IS_NAN));
        m = m.blend(e, t);
        best = best.blend(ia.add(w), t.cast(SI));
        t = d.compare(VectorOperators.GT, m).or(d.test(VectorOperators.IS_NAN));
        m = m.blend(d, t);
        best = best.blend(ia.add(w + 1), t.cast(SI));
        m.intoArray(y, yo);
        best.intoArray(argmax, ao);
    }

    /**
     * Output rows shorter than a vector (VGG-16's 16x16 to 2x2 inputs): L consecutive outputs at a
     * time across rows and planes, when a vector holds whole planes (L a multiple of P Q) or whole
     * rows of one plane (P Q a multiple of L, Q dividing L), so one gather map serves every vector;
     * the compare-and-blend steps are those of the row path. False (nothing done) for other shapes,
     * which the row path takes; planes left over at the end go to the scalar twin.
     */
    private static boolean maxPool2x2Small(int planes, int h, int w, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        int p = h / 2, q = w / 2, po = p * q, hw = h * w;
        if (po == 0) return false;
        boolean wholePlanes = L % po == 0, wholeRows = po % L == 0 && L % q == 0;
        if (!wholePlanes && !wholeRows) return false;
        int perVector = wholePlanes ? L / po : 0, vectorsPerPlane = wholePlanes ? 0 : po / L, rowsPerVector = L / q;
        int[] map = new int[L], inPlane = new int[L];
        for (int l = 0; l < L; l++) {
            int pl = wholePlanes ? l / po : 0, r = wholePlanes ? l % po : l;
            inPlane[l] = 2 * (r / q) * w + 2 * (r % q);
            map[l] = pl * hw + inPlane[l];
        }
        IntVector idx = IntVector.fromArray(SI, inPlane, 0);
        int vectors = wholePlanes ? planes / perVector : planes * vectorsPerPlane;
        for (int v = 0; v < vectors; v++) {
            int base, add;
            if (wholePlanes) {
                base = v * perVector * hw;
                add = 0;
            } else {
                add = 2 * (v % vectorsPerPlane) * rowsPerVector * w;
                base = v / vectorsPerPlane * hw + add;
            }
            int xb = xOff + base;
            FloatVector a = FloatVector.fromArray(S, x, xb, map, 0);
            FloatVector b = FloatVector.fromArray(S, x, xb + 1, map, 0);
            FloatVector e = FloatVector.fromArray(S, x, xb + w, map, 0);
            FloatVector d = FloatVector.fromArray(S, x, xb + w + 1, map, 0);
            poolWindows(a, b, e, d, idx.add(add), w, y, yOff + v * L, argmax, aOff + v * L);
        }
        int done = wholePlanes ? vectors * perVector : planes;
        for (int pl = done; pl < planes; pl++) {
            for (int ip = 0; ip < p; ip++) {
                ScalarOps.maxPool2x2Row(w, ip, 0, q, x, xOff + pl * hw, y, yOff + pl * po + ip * q, argmax, aOff + pl * po + ip * q);
            }
        }
        return true;
    }

    @Override
    public void normBackwardChannels(int outer, int channels, int inner, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] mean, float[] scale, float[] dyMean, float[] proj, float[] z, int zOff) {
        int planes = outer * channels;
        Parallel.forRanges(planes, Parallel.worthSplittingElements((long) planes * inner), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int c = p % channels, base = p * inner;
                normBackwardRun(inner, x, xOff + base, dy, dyOff + base, mean[c], scale[c], dyMean[c], proj[c], z, zOff + base);
            }
        });
    }

    private static void normBackwardRun(int n, float[] x, int xOff, float[] dy, int dyOff, float m, float k, float g, float p,
                                        float[] z, int zOff) {
        int i = 0;
        // sub, mul, sub, mul in the twin's order, no fma, so both agree bitwise
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector t = FloatVector.fromArray(S, x, xOff + i).sub(m).mul(p);
            FloatVector.fromArray(S, dy, dyOff + i).sub(g).sub(t).mul(k).intoArray(z, zOff + i);
        }
        for (; i < n; i++) z[zOff + i] = k * ((dy[dyOff + i] - g) - (x[xOff + i] - m) * p);
    }
}
