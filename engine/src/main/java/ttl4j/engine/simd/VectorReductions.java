package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.Parallel;
import ttl4j.engine.ScalarOps;
import ttl4j.engine.Tuning;

/**
 * Vector API reductions; contracts in {@link ttl4j.engine.Kernels}, scalar twins in {@link ScalarOps}.
 * Reductions along an axis with {@code inner > 1} run across {@code inner} (one lane per output,
 * rows of x added in order), so {@code sumAxis}, {@code maxAxis} and {@code argmaxAxis} agree with
 * the twins bitwise there; with {@code inner == 1} they run along the axis with several
 * accumulators and differ from the twin only by summation order. {@code sum} and {@code dot} keep
 * the twin's chunking ({@link ScalarOps#SUM_CHUNK}), so their results never depend on the thread count.
 */
final class VectorReductions implements KernelSupport.Reductions {
    static final VectorReductions INSTANCE = new VectorReductions();

    private VectorReductions() {}

    private static final VectorSpecies<Float> S = Species.F;
    private static final VectorSpecies<Integer> SI = Species.I;
    private static final int L = Species.VL;
    /** Rows of a softmax with inner == 1 are exponentiated in batches of about this many elements (L1-sized). */
    private static final int SOFTMAX_BATCH = 4096;
    private static final boolean VECTOR_EXP = Tuning.SOFTMAX_VECTOR_EXP;

    private static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }

    // ---------------------------------------------------------------- dot and sum (chunked, see ScalarOps)

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        int chunks = ceilDiv(n, ScalarOps.SUM_CHUNK);
        if (!Parallel.worthSplittingElements(n)) {
            float total = 0f;
            for (int c = 0; c < chunks; c++) total += dotChunk(c, n, x, xOff, y, yOff);
            return total;
        }
        float[] partial = new float[chunks];
        Parallel.forRanges(chunks, true, (a, b) -> {
            for (int c = a; c < b; c++) partial[c] = dotChunk(c, n, x, xOff, y, yOff);
        });
        return addInOrder(partial);
    }

    private static float dotChunk(int c, int n, float[] x, int xOff, float[] y, int yOff) {
        int from = c * ScalarOps.SUM_CHUNK;
        return dotRun(Math.min(ScalarOps.SUM_CHUNK, n - from), x, xOff + from, y, yOff + from);
    }

    private static float dotRun(int n, float[] x, int xOff, float[] y, int yOff) {
        // four independent accumulators hide the FMA latency
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), a0);
            a1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), a1);
            a2 = FloatVector.fromArray(S, x, xOff + i + 2 * L).fma(FloatVector.fromArray(S, y, yOff + i + 2 * L), a2);
            a3 = FloatVector.fromArray(S, x, xOff + i + 3 * L).fma(FloatVector.fromArray(S, y, yOff + i + 3 * L), a3);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), a0);
        }
        float s = i == 0 ? 0f : addLanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public float centeredDot(int n, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        int chunks = ceilDiv(n, ScalarOps.SUM_CHUNK);
        if (!Parallel.worthSplittingElements(n)) {
            float total = 0f;
            for (int c = 0; c < chunks; c++) total += centeredDotChunk(c, n, x, xOff, mx, y, yOff, my);
            return total;
        }
        float[] partial = new float[chunks];
        Parallel.forRanges(chunks, true, (a, b) -> {
            for (int c = a; c < b; c++) partial[c] = centeredDotChunk(c, n, x, xOff, mx, y, yOff, my);
        });
        return addInOrder(partial);
    }

    private static float centeredDotChunk(int c, int n, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        int from = c * ScalarOps.SUM_CHUNK;
        return centeredDotRun(Math.min(ScalarOps.SUM_CHUNK, n - from), x, xOff + from, mx, y, yOff + from, my);
    }

    private static float centeredDotRun(int n, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).sub(mx).fma(FloatVector.fromArray(S, y, yOff + i).sub(my), a0);
            a1 = FloatVector.fromArray(S, x, xOff + i + L).sub(mx).fma(FloatVector.fromArray(S, y, yOff + i + L).sub(my), a1);
            a2 = FloatVector.fromArray(S, x, xOff + i + 2 * L).sub(mx).fma(FloatVector.fromArray(S, y, yOff + i + 2 * L).sub(my), a2);
            a3 = FloatVector.fromArray(S, x, xOff + i + 3 * L).sub(mx).fma(FloatVector.fromArray(S, y, yOff + i + 3 * L).sub(my), a3);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).sub(mx).fma(FloatVector.fromArray(S, y, yOff + i).sub(my), a0);
        }
        float s = i == 0 ? 0f : addLanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s += (x[xOff + i] - mx) * (y[yOff + i] - my);
        return s;
    }

    /**
     * {@link ScalarOps#sumPlanes}: per group, four vector accumulators run over its planes (the
     * runs' tails into one scalar accumulator), their lanes added once per group, not once per plane.
     */
    @Override
    public double sumPlanes(int planes, int len, int stride, float[] x, int xOff) {
        int group = ScalarOps.planesPerGroup(len);
        double total = 0;
        for (int p0 = 0; p0 < planes; p0 += group) {
            if (len > ScalarOps.SUM_CHUNK) {
                total += sum(len, x, xOff + p0 * stride);
                continue;
            }
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            float tail = 0f;
            boolean vec = false;
            for (int p = p0, e = Math.min(planes, p0 + group); p < e; p++) {
                int o = xOff + p * stride, i = 0;
                for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
                    a0 = a0.add(FloatVector.fromArray(S, x, o + i));
                    a1 = a1.add(FloatVector.fromArray(S, x, o + i + L));
                    a2 = a2.add(FloatVector.fromArray(S, x, o + i + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, x, o + i + 3 * L));
                }
                for (int bound = S.loopBound(len); i < bound; i += L) a0 = a0.add(FloatVector.fromArray(S, x, o + i));
                vec |= i > 0;
                for (; i < len; i++) tail += x[o + i];
            }
            total += vec ? addLanes(a0.add(a1).add(a2.add(a3))) + tail : tail;
        }
        return total;
    }

    /** {@link ScalarOps#centeredDotPlanes}, accumulated as {@link #sumPlanes}. */
    @Override
    public double centeredDotPlanes(int planes, int len, int stride, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        int group = ScalarOps.planesPerGroup(len);
        double total = 0;
        for (int p0 = 0; p0 < planes; p0 += group) {
            if (len > ScalarOps.SUM_CHUNK) {
                total += centeredDot(len, x, xOff + p0 * stride, mx, y, yOff + p0 * stride, my);
                continue;
            }
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            float tail = 0f;
            boolean vec = false;
            for (int p = p0, e = Math.min(planes, p0 + group); p < e; p++) {
                int xo = xOff + p * stride, yo = yOff + p * stride, i = 0;
                for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
                    a0 = FloatVector.fromArray(S, x, xo + i).sub(mx).fma(FloatVector.fromArray(S, y, yo + i).sub(my), a0);
                    a1 = FloatVector.fromArray(S, x, xo + i + L).sub(mx).fma(FloatVector.fromArray(S, y, yo + i + L).sub(my), a1);
                    a2 = FloatVector.fromArray(S, x, xo + i + 2 * L).sub(mx).fma(FloatVector.fromArray(S, y, yo + i + 2 * L).sub(my), a2);
                    a3 = FloatVector.fromArray(S, x, xo + i + 3 * L).sub(mx).fma(FloatVector.fromArray(S, y, yo + i + 3 * L).sub(my), a3);
                }
                for (int bound = S.loopBound(len); i < bound; i += L) {
                    a0 = FloatVector.fromArray(S, x, xo + i).sub(mx).fma(FloatVector.fromArray(S, y, yo + i).sub(my), a0);
                }
                vec |= i > 0;
                for (; i < len; i++) tail += (x[xo + i] - mx) * (y[yo + i] - my);
            }
            total += vec ? addLanes(a0.add(a1).add(a2.add(a3))) + tail : tail;
        }
        return total;
    }

    @Override
    public float sum(int n, float[] x, int xOff) {
        int chunks = ceilDiv(n, ScalarOps.SUM_CHUNK);
        if (!Parallel.worthSplittingElements(n)) {
            float total = 0f;
            for (int c = 0; c < chunks; c++) total += sumChunk(c, n, x, xOff);
            return total;
        }
        float[] partial = new float[chunks];
        Parallel.forRanges(chunks, true, (a, b) -> {
            for (int c = a; c < b; c++) partial[c] = sumChunk(c, n, x, xOff);
        });
        return addInOrder(partial);
    }

    private static float sumChunk(int c, int n, float[] x, int xOff) {
        int from = c * ScalarOps.SUM_CHUNK;
        return sumRun(Math.min(ScalarOps.SUM_CHUNK, n - from), x, xOff + from);
    }

    private static float sumRun(int n, float[] x, int xOff) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, xOff + i));
            a1 = a1.add(FloatVector.fromArray(S, x, xOff + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, xOff + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, xOff + i + 3 * L));
        }
        for (int bound = S.loopBound(n); i < bound; i += L) a0 = a0.add(FloatVector.fromArray(S, x, xOff + i));
        float s = i == 0 ? 0f : addLanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s += x[xOff + i];
        return s;
    }

    /**
     * Lanes added left to right. Not reduceLanes(ADD): its order is unspecified and differs between
     * the interpreter and the C2 intrinsic, so a result would depend on which tier ran the call.
     */
    private static float addLanes(FloatVector v) {
        float[] t = new float[L];
        v.intoArray(t, 0);
        float s = t[0];
        for (int j = 1; j < L; j++) s += t[j];
        return s;
    }

    /** Chunk sums combined left to right, the order ScalarOps defines. */
    private static float addInOrder(float[] partial) {
        float total = 0f;
        for (float p : partial) total += p;
        return total;
    }

    // ---------------------------------------------------------------- reductions along an axis

    @Override
    public void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        Parallel.forGrid(outer, inner, Math.max(1, len), VectorOps.ALIGN, (o0, o1, q0, q1) -> {
            for (int o = o0; o < o1; o++) {
                int xb = xOff + o * len * inner, zb = zOff + o * inner;
                if (inner == 1) z[zb] = sumRun(len, x, xb);
                else sumColumns(len, inner, q0, q1, x, xb, z, zb);
            }
        });
    }

    /** Columns [q0, q1) of a len x inner block summed down the rows, in row order. */
    private static void sumColumns(int len, int inner, int q0, int q1, float[] x, int xb, float[] z, int zb) {
        int q = q0;
        for (; q + 4 * L <= q1; q += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int l = 0, p = xb + q; l < len; l++, p += inner) {
                a0 = a0.add(FloatVector.fromArray(S, x, p));
                a1 = a1.add(FloatVector.fromArray(S, x, p + L));
                a2 = a2.add(FloatVector.fromArray(S, x, p + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, x, p + 3 * L));
            }
            a0.intoArray(z, zb + q);
            a1.intoArray(z, zb + q + L);
            a2.intoArray(z, zb + q + 2 * L);
            a3.intoArray(z, zb + q + 3 * L);
        }
        for (; q + L <= q1; q += L) {
            FloatVector a = FloatVector.zero(S);
            for (int l = 0, p = xb + q; l < len; l++, p += inner) a = a.add(FloatVector.fromArray(S, x, p));
            a.intoArray(z, zb + q);
        }
        for (; q < q1; q++) {
            float s = 0f;
            for (int l = 0, p = xb + q; l < len; l++, p += inner) s += x[p];
            z[zb + q] = s;
        }
    }

    @Override
    public void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        Parallel.forGrid(outer, inner, len, VectorOps.ALIGN, (o0, o1, q0, q1) -> {
            for (int o = o0; o < o1; o++) {
                int xb = xOff + o * len * inner, zb = zOff + o * inner;
                if (inner == 1) z[zb] = maxRun(len, x, xb);
                else maxColumns(len, inner, q0, q1, x, xb, z, zb);
            }
        });
    }

    /**
     * Maximum of a run; NaN if any element is NaN. Lanewise MAX follows Math.max (NaN wins, +0 above
     * -0), and max is commutative on those rules, so the result equals the scalar twin's bitwise.
     */
    private static float maxRun(int n, float[] x, int xOff) {
        FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
            a0 = a0.max(FloatVector.fromArray(S, x, xOff + i));
            a1 = a1.max(FloatVector.fromArray(S, x, xOff + i + L));
            a2 = a2.max(FloatVector.fromArray(S, x, xOff + i + 2 * L));
            a3 = a3.max(FloatVector.fromArray(S, x, xOff + i + 3 * L));
        }
        for (int bound = S.loopBound(n); i < bound; i += L) a0 = a0.max(FloatVector.fromArray(S, x, xOff + i));
        // short runs (softmax over 10 classes) skip the lane reduction, which costs more than they do
        float m = i == 0 ? Float.NEGATIVE_INFINITY : a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }

    private static void maxColumns(int len, int inner, int q0, int q1, float[] x, int xb, float[] z, int zb) {
        int q = q0;
        for (; q + 2 * L <= q1; q += 2 * L) {
            FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0;
            for (int l = 0, p = xb + q; l < len; l++, p += inner) {
                a0 = a0.max(FloatVector.fromArray(S, x, p));
                a1 = a1.max(FloatVector.fromArray(S, x, p + L));
            }
            a0.intoArray(z, zb + q);
            a1.intoArray(z, zb + q + L);
        }
        for (; q + L <= q1; q += L) {
            FloatVector a = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int l = 0, p = xb + q; l < len; l++, p += inner) a = a.max(FloatVector.fromArray(S, x, p));
            a.intoArray(z, zb + q);
        }
        for (; q < q1; q++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int l = 0, p = xb + q; l < len; l++, p += inner) m = Math.max(m, x[p]);
            z[zb + q] = m;
        }
    }

    @Override
    public void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        Parallel.forGrid(outer, inner, len, VectorOps.ALIGN, (o0, o1, q0, q1) -> {
            for (int o = o0; o < o1; o++) {
                int xb = xOff + o * len * inner, zb = zOff + o * inner;
                if (inner == 1) z[zb] = argmaxRun(len, x, xb);
                else argmaxColumns(len, inner, q0, q1, x, xb, z, zb);
            }
        });
    }

    /**
     * Index of the first maximum of a run, with the twin's NaN rule (NaN never compares greater, so
     * NaNs are skipped unless the first element is NaN). Every lane starts from the first element and
     * keeps its own first maximum (strict greater-than); the lanes are then merged by the largest
     * value and, among equal values, the smallest index.
     */
    private static int argmaxRun(int n, float[] x, int xOff) {
        float first = x[xOff];
        if (Float.isNaN(first)) return 0;
        int bound = S.loopBound(n);
        int best = 0;
        float m = first;
        int i = 0;
        if (bound > 0) {
            FloatVector mv = FloatVector.broadcast(S, first);
            IntVector iv = IntVector.zero(SI);
            IntVector lane = IntVector.zero(SI).addIndex(1);
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, mv);
                mv = mv.blend(v, gt);
                iv = iv.blend(lane.add(i), gt.cast(SI));
            }
            m = mv.reduceLanes(VectorOperators.MAX); // no NaN: lanes start from a number and skip NaNs
            best = iv.blend(Integer.MAX_VALUE, mv.compare(VectorOperators.EQ, m).not().cast(SI))
                    .reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            if (v > m) {
                m = v;
                best = i;
            }
        }
        return best;
    }

    private static void argmaxColumns(int len, int inner, int q0, int q1, float[] x, int xb, int[] z, int zb) {
        int q = q0;
        for (; q + L <= q1; q += L) {
            FloatVector m = FloatVector.fromArray(S, x, xb + q);
            IntVector idx = IntVector.zero(SI);
            for (int l = 1, p = xb + inner + q; l < len; l++, p += inner) {
                FloatVector v = FloatVector.fromArray(S, x, p);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
                m = m.blend(v, gt);
                idx = idx.blend(l, gt.cast(SI));
            }
            idx.intoArray(z, zb + q);
        }
        for (; q < q1; q++) {
            int best = 0;
            float m = x[xb + q];
            for (int l = 1, p = xb + inner + q; l < len; l++, p += inner) {
                if (x[p] > m) {
                    m = x[p];
                    best = l;
                }
            }
            z[zb + q] = best;
        }
    }

    // ---------------------------------------------------------------- softmax

    @Override
    public void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        softmaxAxis(outer, len, inner, x, xOff, z, zOff, VECTOR_EXP);
    }

    /** As {@link #softmaxAxis(int, int, int, float[], int, float[], int)} with the exp strategy given. */
    static void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff, boolean vectorExp) {
        Parallel.forGrid(outer, inner, 3L * len, VectorOps.ALIGN, (o0, o1, q0, q1) -> {
            if (inner == 1) softmaxRows(o0, o1, len, x, xOff, z, zOff, vectorExp);
            else {
                for (int o = o0; o < o1; o++) {
                    int b = o * len * inner;
                    softmaxColumns(len, inner, q0, q1, x, xOff + b, z, zOff + b, vectorExp);
                }
            }
        });
    }

    /**
     * Rows [r0, r1) of length len. Rows are taken in L1-sized batches and the whole batch is
     * exponentiated in one pass, so even rows shorter than a vector (e.g. 10 classes) get vector exp.
     */
    private static void softmaxRows(int r0, int r1, int len, float[] x, int xOff, float[] z, int zOff, boolean vectorExp) {
        int batch = Math.max(1, SOFTMAX_BATCH / len);
        for (int b0 = r0; b0 < r1; b0 += batch) {
            int b1 = Math.min(r1, b0 + batch);
            for (int r = b0; r < b1; r++) {
                // subtracting the row maximum keeps exp from overflowing; the largest term becomes 1
                float m = maxRun(len, x, xOff + r * len);
                subScalar(len, x, xOff + r * len, m, z, zOff + r * len);
            }
            exp((b1 - b0) * len, z, zOff + b0 * len, vectorExp);
            for (int r = b0; r < b1; r++) {
                float inv = 1f / sumRun(len, z, zOff + r * len);
                scaleRun(len, inv, z, zOff + r * len);
            }
        }
    }

    /** Columns [q0, q1) of a len x inner block, each a softmax down the rows. */
    private static void softmaxColumns(int len, int inner, int q0, int q1, float[] x, int xb, float[] z, int zb,
                                       boolean vectorExp) {
        int q = q0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; q + L <= q1; q += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int l = 0, p = q; l < len; l++, p += inner) m = m.max(FloatVector.fromArray(S, x, xb + p));
            FloatVector s = FloatVector.zero(S);
            for (int l = 0, p = q; l < len; l++, p += inner) {
                FloatVector d = FloatVector.fromArray(S, x, xb + p).sub(m);
                if (vectorExp) {
                    d = d.lanewise(VectorOperators.EXP);
                    d.intoArray(z, zb + p);
                } else {
                    d.intoArray(z, zb + p);
                    exp(L, z, zb + p, false);
                    d = FloatVector.fromArray(S, z, zb + p);
                }
                s = s.add(d);
            }
            FloatVector inv = one.div(s);
            for (int l = 0, p = q; l < len; l++, p += inner) {
                FloatVector.fromArray(S, z, zb + p).mul(inv).intoArray(z, zb + p);
            }
        }
        for (; q < q1; q++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int l = 0, p = q; l < len; l++, p += inner) m = Math.max(m, x[xb + p]);
            float s = 0f;
            for (int l = 0, p = q; l < len; l++, p += inner) {
                float e = (float) Math.exp(x[xb + p] - m);
                z[zb + p] = e;
                s += e;
            }
            float inv = 1f / s;
            for (int l = 0, p = q; l < len; l++, p += inner) z[zb + p] *= inv;
        }
    }

    /** {@code z = inv * z} in place. */
    private static void scaleRun(int n, float inv, float[] z, int zOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, z, zOff + i).mul(inv).intoArray(z, zOff + i);
        }
        for (; i < n; i++) z[zOff + i] = inv * z[zOff + i];
    }

    /** {@code z = x - c}. */
    private static void subScalar(int n, float[] x, int xOff, float c, float[] z, int zOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(c).intoArray(z, zOff + i);
        }
        for (; i < n; i++) z[zOff + i] = x[xOff + i] - c;
    }

    /** {@code z = exp(z)} in place. */
    private static void exp(int n, float[] z, int zOff, boolean vectorExp) {
        int i = 0;
        if (vectorExp) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, z, zOff + i).lanewise(VectorOperators.EXP).intoArray(z, zOff + i);
            }
        }
        for (; i < n; i++) z[zOff + i] = (float) Math.exp(z[zOff + i]);
    }
}
