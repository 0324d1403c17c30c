package ttl4j.engine.linalg;

import java.util.Arrays;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * Double-precision helpers shared by the decompositions: conversions from and to float tensors,
 * input checks, and a cache-blocked {@code C += A B} on row-major {@code double[]} whose inner loop
 * is a contiguous multiply-add the JIT vectorises.
 */
final class DoubleMatrices {
    private DoubleMatrices() {}

    /** Rows of C per parallel task: each task owns whole rows of C, so results do not depend on threads. */
    private static final int ROW_BLOCK = 16;
    /** Rows of B (the k range) per cache block: a KC x NC tile of B stays in L2. */
    private static final int KC = 128;
    /** Columns of B and C per cache block. */
    private static final int NC = 512;

    /** The 2-D shape of a matrix argument, after checking it is 2-D and finite. */
    static int[] checkMatrix(String what, Tensor a) {
        if (a == null) throw new NullPointerException(what + ": matrix is null");
        if (a.rank() != 2) {
            throw new IllegalArgumentException(what + ": expected a 2-D matrix, got shape " + Arrays.toString(a.shape()));
        }
        float[] d = a.data();
        int off = a.offset(), n = a.size(), cols = a.dim(1);
        for (int i = 0; i < n; i++) {
            float v = d[off + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + ": element [" + (i / cols) + ", " + (i % cols) + "] is " + v
                        + "; the input must be finite");
            }
        }
        return new int[] {a.dim(0), cols};
    }

    /** Row-major copy as doubles. */
    static double[] toDouble(Tensor a) {
        float[] d = a.data();
        int off = a.offset();
        double[] x = new double[a.size()];
        for (int i = 0; i < x.length; i++) x[i] = d[off + i];
        return x;
    }

    /** The transpose (cols x rows) of a rows x cols float matrix, as doubles. */
    static double[] transposeToDouble(Tensor a) {
        int rows = a.dim(0), cols = a.dim(1);
        float[] d = a.data();
        int off = a.offset();
        double[] x = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) x[j * rows + i] = d[off + i * cols + j];
        }
        return x;
    }

    /**
     * {@code C (M,N) += A (M,K) B (K,N)}, all dense row-major. Each C element accumulates over k in
     * increasing order whatever the thread count.
     */
    static void gemmAdd(int m, int n, int k, double[] a, double[] b, double[] c) {
        if (m == 0 || n == 0 || k == 0) return;
        int blocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        long work = (long) m * n * k;
        if (work < (1L << 18) || Parallel.threads() == 1) {
            gemmRows(0, m, n, k, a, b, c);
        } else {
            Parallel.forEach(blocks, blk -> gemmRows(blk * ROW_BLOCK, Math.min(m, (blk + 1) * ROW_BLOCK), n, k, a, b, c));
        }
    }

    private static void gemmRows(int i0, int i1, int n, int k, double[] a, double[] b, double[] c) {
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                for (int i = i0; i < i1; i++) {
                    int ci = i * n, ai = i * k;
                    int p = p0;
                    // Four rows of B per pass: one load and store of C per four multiply-adds.
                    for (; p + 3 < p1; p += 4) {
                        double a0 = a[ai + p], a1 = a[ai + p + 1], a2 = a[ai + p + 2], a3 = a[ai + p + 3];
                        int b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
                        for (int j = j0; j < j1; j++) {
                            c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                        }
                    }
                    for (; p < p1; p++) {
                        double a0 = a[ai + p];
                        int b0 = p * n;
                        for (int j = j0; j < j1; j++) c[ci + j] += a0 * b[b0 + j];
                    }
                }
            }
        }
    }

    /** {@code X X^T} (p x p) of a p x q row-major matrix, in double. */
    static double[] gramRows(double[] x, int p, int q) {
        double[] xt = new double[q * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < q; j++) xt[j * p + i] = x[i * q + j];
        }
        double[] g = new double[p * p];
        gemmAdd(p, p, q, x, xt, g);
        // Symmetrise exactly: the two triangles were summed identically, but make it explicit.
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < i; j++) g[j * p + i] = g[i * p + j];
        }
        return g;
    }

    static double dot(int n, double[] x, int xo, double[] y, int yo) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xo + i] * y[yo + i];
            s1 += x[xo + i + 1] * y[yo + i + 1];
            s2 += x[xo + i + 2] * y[yo + i + 2];
            s3 += x[xo + i + 3] * y[yo + i + 3];
        }
        for (; i < n; i++) s0 += x[xo + i] * y[yo + i];
        return (s0 + s1) + (s2 + s3);
    }

    static void axpy(int n, double alpha, double[] x, int xo, double[] y, int yo) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** {@code sqrt(a^2 + b^2)} without the cost of Math.hypot unless the squares overflow or underflow. */
    static double hypot(double a, double b) {
        double s = a * a + b * b;
        if (s > 1e-290 && s < 1e290) return Math.sqrt(s);
        return Math.hypot(a, b);
    }

    /** Flips the sign of row {@code r} (length n) unless its largest-magnitude entry (first on ties) is positive. */
    static void signByLargest(double[] x, int off, int n) {
        int best = -1;
        double bv = -1;
        for (int i = 0; i < n; i++) {
            double v = Math.abs(x[off + i]);
            if (v > bv) {
                bv = v;
                best = i;
            }
        }
        if (best >= 0 && x[off + best] < 0) {
            for (int i = 0; i < n; i++) x[off + i] = -x[off + i];
        }
    }
}
