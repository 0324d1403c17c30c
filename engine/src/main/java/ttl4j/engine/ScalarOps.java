package ttl4j.engine;

/** Reference elementwise kernels and reductions (see {@link Kernels} for the contracts). */
public final class ScalarOps {
    private ScalarOps() {}

    public static void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] + y[yOff + i];
    }

    public static void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] - y[yOff + i];
    }

    public static void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = x[xOff + i] * y[yOff + i];
    }

    public static void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) z[zOff + i] = alpha * x[xOff + i];
    }

    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    public static void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            z[zOff + i] = v > 0f ? v : 0f;
        }
    }

    public static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
    }

    public static void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) z[zOff + r * cols + c] = x[xOff + r * cols + c] + v[vOff + c];
        }
    }

    public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    public static float sum(int n, float[] x, int xOff) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }

    public static void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                float s = 0f;
                for (int l = 0; l < len; l++) s += x[xOff + (o * len + l) * inner + q];
                z[zOff + o * inner + q] = s;
            }
        }
    }

    public static void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        requireLen(len);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) m = Math.max(m, x[xOff + (o * len + l) * inner + q]);
                z[zOff + o * inner + q] = m;
            }
        }
    }

    public static void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        requireLen(len);
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
        requireLen(len);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                int base = o * len * inner + q;
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

    private static void requireLen(int len) {
        if (len < 1) throw new IllegalArgumentException("reduction along an axis of length " + len + ": needs at least 1 element");
    }
}
