package ttl4j.engine;

/**
 * Reference elementwise kernels and reductions (see {@link Kernels} for the contracts): the
 * specification the vector kernels are tested against, and the fallback.
 *
 * <p>Summation order of {@link #sum} and {@link #dot}: the vector is cut into consecutive chunks of
 * {@link #SUM_CHUNK} elements (the last may be shorter); each chunk is summed on its own, starting
 * from 0, and the chunk sums are added left to right, starting from 0. Implementations may order the
 * additions inside a chunk as they like, but must combine chunks this way, so a result never depends
 * on how many threads computed the chunks.
 */
public final class ScalarOps {
    private ScalarOps() {}

    /** Elements per chunk of {@link #sum} and {@link #dot}; fixed, as it is part of their definition. */
    public static final int SUM_CHUNK = 4096;

    public static void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        OpsChecks.binary("add", n, x, xOff, y, yOff, z, zOff);
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] + y[yOff + i];
    }

    public static void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        OpsChecks.binary("sub", n, x, xOff, y, yOff, z, zOff);
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] - y[yOff + i];
    }

    public static void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        OpsChecks.binary("mul", n, x, xOff, y, yOff, z, zOff);
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] * y[yOff + i];
    }

    public static void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        OpsChecks.unary("scale", n, x, xOff, "z", z, zOff);
        for (int i = 0; i < n; i++) z[zOff + i] = alpha * x[xOff + i];
    }

    public static void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        OpsChecks.length("bytesToFloats", n);
        OpsChecks.range("bytesToFloats", "x", x, xOff, n);
        OpsChecks.range("bytesToFloats", "z", z, zOff, n);
        for (int i = 0; i < n; i++) z[zOff + i] = Math.fma((float) (x[xOff + i] & 0xff), scale, shift);
    }

    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        OpsChecks.unary("axpy", n, x, xOff, "y", y, yOff);
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    public static void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        OpsChecks.unary("relu", n, x, xOff, "z", z, zOff);
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            z[zOff + i] = v > 0f ? v : 0f; // NaN and -0 map to +0
        }
    }

    public static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        OpsChecks.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
        for (int i = 0; i < n; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
    }

    public static void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        OpsChecks.addRowVector(rows, cols, x, xOff, v, vOff, z, zOff);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) z[zOff + r * cols + c] = x[xOff + r * cols + c] + v[vOff + c];
        }
    }

    public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        OpsChecks.dot(n, x, xOff, y, yOff);
        float total = 0f;
        for (int c = 0; c < n; c += SUM_CHUNK) {
            int end = Math.min(n, c + SUM_CHUNK);
            float s = 0f;
            for (int i = c; i < end; i++) s += x[xOff + i] * y[yOff + i];
            total += s;
        }
        return total;
    }

    public static float sum(int n, float[] x, int xOff) {
        OpsChecks.sum(n, x, xOff);
        float total = 0f;
        for (int c = 0; c < n; c += SUM_CHUNK) {
            int end = Math.min(n, c + SUM_CHUNK);
            float s = 0f;
            for (int i = c; i < end; i++) s += x[xOff + i];
            total += s;
        }
        return total;
    }

    public static void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        OpsChecks.axis("sumAxis", outer, len, inner, x, xOff, z, zOff, false);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                float s = 0f;
                for (int l = 0; l < len; l++) s += x[xOff + (o * len + l) * inner + q];
                z[zOff + o * inner + q] = s;
            }
        }
    }

    public static void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        OpsChecks.axis("maxAxis", outer, len, inner, x, xOff, z, zOff, true);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) m = Math.max(m, x[xOff + (o * len + l) * inner + q]);
                z[zOff + o * inner + q] = m;
            }
        }
    }

    /** NaN is never greater than anything, so NaNs are skipped unless the first element is NaN (then 0). */
    public static void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        OpsChecks.argmax(outer, len, inner, x, xOff, z, zOff);
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

    public static void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        OpsChecks.softmax(outer, len, inner, x, xOff, z, zOff);
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
