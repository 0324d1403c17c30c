package ttl4j.engine;

/**
 * The scalar elementwise kernels and reductions (contracts in {@link Kernels}; arguments arrive
 * validated): the specification the vector kernels are tested against, the fallback, and the code
 * the vector elementwise kernels run for their tails.
 *
 * <p>Summation order of {@link #sum} and {@link #dot}: the vector is cut into consecutive chunks of
 * {@link #SUM_CHUNK} elements (the last may be shorter); each chunk is summed on its own, starting
 * from 0, and the chunk sums are added left to right, starting from 0. Implementations may order the
 * additions inside a chunk as they like, but must combine chunks this way, so a result never depends
 * on how many threads computed the chunks. {@link #centeredDot} is chunked the same way.
 */
public final class ScalarOps implements KernelSupport.Elementwise, KernelSupport.Reductions {
    /** The one instance (the vector kernels call it for their tails). */
    public static final ScalarOps INSTANCE = new ScalarOps();

    private ScalarOps() {}

    /** Elements per chunk of {@link #sum} and {@link #dot}; fixed, as it is part of their definition. */
    public static final int SUM_CHUNK = 4096;

    @Override
    public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] + y[yOff + i];
    }

    @Override
    public void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] - y[yOff + i];
    }

    @Override
    public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] * y[yOff + i];
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = alpha * x[xOff + i];
    }

    @Override
    public void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = Math.fma((float) (x[xOff + i] & 0xff), scale, shift);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            z[zOff + i] = v > 0f ? v : 0f; // NaN and -0 map to +0
        }
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
    }

    @Override
    public void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) z[zOff + r * cols + c] = x[xOff + r * cols + c] + v[vOff + c];
        }
    }

    @Override
    public void scaleShiftChannels(int outer, int channels, int inner, float[] x, int xOff, float[] scale, int sOff,
                                   float[] shift, int shOff, float[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int base = (o * channels + c) * inner;
                float a = scale[sOff + c], b = shift[shOff + c];
                for (int i = 0; i < inner; i++) z[zOff + base + i] = Math.fma(x[xOff + base + i], a, b);
            }
        }
    }

    @Override
    public void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        int p = h / 2, q = w / 2;
        for (int pl = 0; pl < planes; pl++) {
            for (int ip = 0; ip < p; ip++) {
                maxPool2x2Row(w, ip, 0, q, x, xOff + pl * h * w, y, yOff + pl * p * q + ip * q, argmax, aOff + pl * p * q + ip * q);
            }
        }
    }

    /**
     * Outputs [j0, j1) of output row ip of one plane (x at the plane's start, y and argmax at the row's):
     * the specification of {@link #maxPool2x2}, without branches (each step a conditional move; the
     * branch of a plain loop mispredicts about every other element on real activations). Also the
     * vector kernel's tail.
     */
    public static void maxPool2x2Row(int w, int ip, int j0, int j1, float[] x, int xb, float[] y, int yo, int[] argmax, int ao) {
        int i0 = 2 * ip * w, i1 = i0 + w, r0 = xb + i0, r1 = xb + i1;
        for (int j = j0; j < j1; j++) {
            int c = 2 * j;
            float a = x[r0 + c], b = x[r0 + c + 1], e = x[r1 + c], d = x[r1 + c + 1];
            // the first element always ends up as the running maximum (above -infinity, NaN, or -infinity itself)
            float m = a;
            int best = i0 + c;
            boolean t = b > m | b != b;
            m = t ? b : m;
            best = t ? i0 + c + 1 : best;
            t = e > m | e != e;
            m = t ? e : m;
            best = t ? i1 + c : best;
            t = d > m | d != d;
            m = t ? d : m;
            best = t ? i1 + c + 1 : best;
            y[yo + j] = m;
            argmax[ao + j] = best;
        }
    }

    @Override
    public void normBackwardChannels(int outer, int channels, int inner, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] mean, float[] scale, float[] dyMean, float[] proj, float[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int base = (o * channels + c) * inner;
                float m = mean[c], k = scale[c], g = dyMean[c], p = proj[c];
                for (int i = 0; i < inner; i++) {
                    z[zOff + base + i] = k * ((dy[dyOff + base + i] - g) - (x[xOff + base + i] - m) * p);
                }
            }
        }
    }

    @Override
    public float centeredDot(int n, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        float total = 0f;
        for (int c = 0; c < n; c += SUM_CHUNK) {
            int end = Math.min(n, c + SUM_CHUNK);
            float s = 0f;
            for (int i = c; i < end; i++) s += (x[xOff + i] - mx) * (y[yOff + i] - my);
            total += s;
        }
        return total;
    }

    /**
     * Planes per group of {@link #sumPlanes} and {@link #centeredDotPlanes}: as many whole planes of
     * {@code len} as fit in {@link #SUM_CHUNK} elements, at least one.
     */
    public static int planesPerGroup(int len) {
        return Math.max(1, SUM_CHUNK / Math.max(1, len));
    }

    /**
     * The sum of {@code planes} runs of {@code len} floats, run p starting at {@code xOff + p stride}:
     * consecutive runs in groups of {@link #planesPerGroup}; a group is summed in float as one chunk
     * (a run longer than {@link #SUM_CHUNK} as {@link #sum} sums it), and the group sums are added
     * left to right in double. Implementations may order the additions inside a group as they like.
     */
    @Override
    public double sumPlanes(int planes, int len, int stride, float[] x, int xOff) {
        int group = planesPerGroup(len);
        double total = 0;
        for (int p0 = 0; p0 < planes; p0 += group) {
            if (len > SUM_CHUNK) {
                total += sum(len, x, xOff + p0 * stride);
                continue;
            }
            float s = 0f;
            for (int p = p0, e = Math.min(planes, p0 + group); p < e; p++) {
                for (int i = 0, o = xOff + p * stride; i < len; i++) s += x[o + i];
            }
            total += s;
        }
        return total;
    }

    /** {@code sum (x - mx)(y - my)} over the runs of {@link #sumPlanes} (the same runs of y), grouped the same way. */
    @Override
    public double centeredDotPlanes(int planes, int len, int stride, float[] x, int xOff, float mx, float[] y, int yOff, float my) {
        int group = planesPerGroup(len);
        double total = 0;
        for (int p0 = 0; p0 < planes; p0 += group) {
            if (len > SUM_CHUNK) {
                total += centeredDot(len, x, xOff + p0 * stride, mx, y, yOff + p0 * stride, my);
                continue;
            }
            float s = 0f;
            for (int p = p0, e = Math.min(planes, p0 + group); p < e; p++) {
                for (int i = 0, o = p * stride; i < len; i++) s += (x[xOff + o + i] - mx) * (y[yOff + o + i] - my);
            }
            total += s;
        }
        return total;
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        float total = 0f;
        for (int c = 0; c < n; c += SUM_CHUNK) {
            int end = Math.min(n, c + SUM_CHUNK);
            float s = 0f;
            for (int i = c; i < end; i++) s += x[xOff + i] * y[yOff + i];
            total += s;
        }
        return total;
    }

    @Override
    public float sum(int n, float[] x, int xOff) {
        float total = 0f;
        for (int c = 0; c < n; c += SUM_CHUNK) {
            int end = Math.min(n, c + SUM_CHUNK);
            float s = 0f;
            for (int i = c; i < end; i++) s += x[xOff + i];
            total += s;
        }
        return total;
    }

    @Override
    public void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                float s = 0f;
                for (int l = 0; l < len; l++) s += x[xOff + (o * len + l) * inner + q];
                z[zOff + o * inner + q] = s;
            }
        }
    }

    @Override
    public void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) m = Math.max(m, x[xOff + (o * len + l) * inner + q]);
                z[zOff + o * inner + q] = m;
            }
        }
    }

    /** NaN is never greater than anything, so NaNs are skipped unless the first element is NaN (then 0). */
    @Override
    public void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                int best = 0;
                float m = x[xOff + o * len * inner + q];
                for (int l = 1; l < len; l++) {
                    float v = x[xOff + (o * len + l) * inner + q];
                    if (v > m) {
                        m = v;
                        best = l;
                    }
                }
                z[zOff + o * inner + q] = best;
            }
        }
    }

    @Override
    public void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                int base = o * len * inner + q;
                // subtracting the maximum keeps exp from overflowing; the largest term becomes 1
                float m = Float.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) m = Math.max(m, x[xOff + base + l * inner]);
                float s = 0f;
                for (int l = 0; l < len; l++) {
                    float e = (float) Math.exp(x[xOff + base + l * inner] - m);
                    z[zOff + base + l * inner] = e;
                    s += e;
                }
                float inv = 1f / s;
                for (int l = 0; l < len; l++) z[zOff + base + l * inner] *= inv;
            }
        }
    }
}
