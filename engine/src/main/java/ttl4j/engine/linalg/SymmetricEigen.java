package ttl4j.engine.linalg;

import java.util.Arrays;
import java.util.Comparator;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * Eigendecomposition of a real symmetric matrix {@code A (N,N) = V diag(values) V^T}, eigenvalues
 * sorted descending, V orthogonal.
 *
 * <p>Method: Householder reduction to tridiagonal form, then the implicitly shifted QL iteration
 * (Wilkinson-type shift) with the rotations accumulated into the eigenvectors. Everything runs in
 * double: the input is float, so double working precision makes the result as accurate as the
 * float input allows (eigenvalue errors about {@code 1e-16 ||A||}). Eigenvectors are kept as the
 * rows of a row-major array while iterating, so every rotation and every Householder update is a
 * contiguous loop.
 *
 * <p>Sign convention: each eigenvector's largest-magnitude component (the first one on ties) is
 * positive. For repeated eigenvalues any orthonormal basis of the eigenspace may be returned.
 *
 * @param values  eigenvalues, descending
 * @param vectors row-major {@code N x N}; <b>row</b> i is the eigenvector of {@code values[i]}
 * @param n       the order N
 */
public record SymmetricEigen(double[] values, double[] vectors, int n) {

    /** QL iterations allowed per eigenvalue before giving up (two or three are typical). */
    public static final int MAX_ITERATIONS_PER_EIGENVALUE = 60;

    /** Relative asymmetry {@code |a_ij - a_ji| / max|a|} accepted by {@link #decompose(Tensor)}. */
    public static final double SYMMETRY_TOLERANCE = 1e-5;

    private static final double EPS = Math.ulp(1.0);

    /** The eigenvectors as the <b>columns</b> of a new {@code N x N} float matrix (column j for {@code values[j]}). */
    public Tensor vectorsAsColumns() {
        Tensor v = Tensor.zeros(n, n);
        float[] d = v.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) d[j * n + i] = (float) vectors[i * n + j];
        }
        return v;
    }

    /**
     * Decomposes a symmetric float matrix. Only the lower triangle is used after the symmetry check
     * ({@link #SYMMETRY_TOLERANCE}); the input is not modified.
     *
     * @throws IllegalArgumentException for a non-square, non-finite or clearly asymmetric input
     * @throws ArithmeticException      if the QL iteration does not converge
     */
    public static SymmetricEigen decompose(Tensor a) {
        int[] s = DoubleMatrices.checkMatrix("SymmetricEigen", a);
        if (s[0] != s[1]) {
            throw new IllegalArgumentException("SymmetricEigen: matrix must be square, got " + s[0] + " x " + s[1]);
        }
        int n = s[0];
        double[] x = DoubleMatrices.toDouble(a);
        double max = 0;
        for (double v : x) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double d = Math.abs(x[i * n + j] - x[j * n + i]);
                if (d > SYMMETRY_TOLERANCE * max) {
                    throw new IllegalArgumentException("SymmetricEigen: matrix is not symmetric: a[" + i + "," + j + "]="
                            + x[i * n + j] + " but a[" + j + "," + i + "]=" + x[j * n + i]);
                }
                x[j * n + i] = x[i * n + j];
            }
        }
        return decomposeInPlace(x, n);
    }

    /**
     * Decomposes a symmetric {@code N x N} row-major double matrix (it must be exactly symmetric and
     * finite; it is not modified).
     */
    public static SymmetricEigen decompose(double[] a, int n) {
        if (a == null) throw new NullPointerException("SymmetricEigen: matrix is null");
        if (n < 0 || (long) n * n != a.length) {
            throw new IllegalArgumentException("SymmetricEigen: array of " + a.length + " doubles is not " + n + " x " + n);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                throw new IllegalArgumentException("SymmetricEigen: element [" + (i / n) + ", " + (i % n) + "] is " + a[i]);
            }
        }
        return decomposeInPlace(a.clone(), n);
    }

    private static SymmetricEigen decomposeInPlace(double[] a, int n) {
        double[] d = new double[n], e = new double[n];
        double[] y = tridiagonalize(a, n, d, e);
        ql(d, e, y, n);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -d[i]));
        double[] values = new double[n], vec = new double[n * n];
        for (int i = 0; i < n; i++) {
            values[i] = d[order[i]];
            System.arraycopy(y, order[i] * n, vec, i * n, n);
            DoubleMatrices.signByLargest(vec, i * n, n);
        }
        return new SymmetricEigen(values, vec, n);
    }

    /**
     * Householder tridiagonalisation {@code T = Q^T A Q}: fills the diagonal d and the
     * off-diagonal e ({@code e[i]} couples i and i+1, {@code e[n-1] = 0}) and returns
     * {@code Q^T} (row-major, rows are Q's columns). Destroys a.
     */
    private static double[] tridiagonalize(double[] a, int n, double[] d, double[] e) {
        double[] tau = new double[Math.max(0, n)];
        double[] p = new double[n], w = new double[n];
        for (int k = 0; k + 2 < n; k++) {
            d[k] = a[k * n + k];
            // Reflect x = A[k, k+1..] (row k; by symmetry also the column below the diagonal).
            int xo = k * n + k + 1, len = n - k - 1;
            double tail = 0;
            for (int i = 1; i < len; i++) tail += a[xo + i] * a[xo + i];
            double alpha = a[xo];
            if (tail == 0) {
                e[k] = alpha;
                tau[k] = 0;
                continue;
            }
            double norm = Math.sqrt(alpha * alpha + tail);
            double beta = alpha >= 0 ? -norm : norm;
            double scale = 1 / (alpha - beta);
            a[xo] = 1;
            for (int i = 1; i < len; i++) a[xo + i] *= scale;
            double t = (beta - alpha) / beta;
            tau[k] = t;
            e[k] = beta;
            // Trailing block B (len x len) <- H B H with H = I - t v v^T:
            // p = t B v, w = p - (t/2)(p.v) v, B -= v w^T + w v^T.
            int b0 = (k + 1) * n + k + 1;
            double[] aa = a;
            rows(len, (long) len * len, (lo, hi) -> {
                for (int i = lo; i < hi; i++) p[i] = t * DoubleMatrices.dot(len, aa, b0 + i * n, aa, xo);
            });
            double pv = DoubleMatrices.dot(len, p, 0, a, xo);
            double kk = 0.5 * t * pv;
            for (int i = 0; i < len; i++) w[i] = p[i] - kk * a[xo + i];
            rows(len, (long) len * len, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double vi = aa[xo + i], wi = w[i];
                    int r = b0 + i * n;
                    for (int j = 0; j < len; j++) aa[r + j] -= vi * w[j] + wi * aa[xo + j];
                }
            });
        }
        if (n >= 2) {
            d[n - 2] = a[(n - 2) * n + n - 2];
            e[n - 2] = a[(n - 2) * n + n - 1];
        }
        if (n >= 1) {
            d[n - 1] = a[(n - 1) * n + n - 1];
            e[n - 1] = 0;
        }
        // Q^T = H_{n-3} ... H_0, accumulated backwards as Y <- Y H_k so that each step only touches
        // the trailing (n-k-1) block, where Y is not yet the identity.
        double[] y = new double[n * n];
        for (int i = 0; i < n; i++) y[i * n + i] = 1;
        for (int k = n - 3; k >= 0; k--) {
            if (tau[k] == 0) continue;
            int xo = k * n + k + 1, len = n - k - 1, c0 = k + 1;
            double t = tau[k];
            rows(len, (long) len * len, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int ro = (c0 + r) * n + c0;
                    double s = t * DoubleMatrices.dot(len, y, ro, a, xo);
                    if (s != 0) DoubleMatrices.axpy(len, -s, a, xo, y, ro);
                }
            });
        }
        return y;
    }

    /**
     * Implicit QL with shifts on the tridiagonal (d, e); eigenvalues end in d, and each plane rotation
     * is applied to rows i and i+1 of y (the transposed eigenvector matrix).
     */
    private static void ql(double[] d, double[] e, double[] y, int n) {
        for (int l = 0; l < n; l++) {
            int iter = 0;
            while (true) {
                int m = l;
                while (m < n - 1) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) <= EPS * dd || e[m] == 0) break;
                    m++;
                }
                if (m == l) break;
                if (++iter > MAX_ITERATIONS_PER_EIGENVALUE) {
                    throw new ArithmeticException("SymmetricEigen: QL iteration did not converge for eigenvalue " + l
                            + " of " + n + " after " + MAX_ITERATIONS_PER_EIGENVALUE + " iterations");
                }
                // Shift from the leading 2x2 block's eigenvalue closer to d[l].
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = DoubleMatrices.hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1, c = 1, p = 0;
                boolean split = false;
                for (int i = m - 1; i >= l; i--) {
                    double f = s * e[i], b = c * e[i];
                    r = DoubleMatrices.hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0) {
                        // The chase met an exact zero: the matrix has split; restart the search.
                        d[i + 1] -= p;
                        e[m] = 0;
                        split = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    rotate(y, i * n, (i + 1) * n, n, c, s);
                }
                if (split) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }

    /** Rows u (at uo) and w (at wo): {@code w' = s u + c w}, {@code u' = c u - s w}. */
    private static void rotate(double[] y, int uo, int wo, int n, double c, double s) {
        for (int k = 0; k < n; k++) {
            double u = y[uo + k], w = y[wo + k];
            y[wo + k] = s * u + c * w;
            y[uo + k] = c * u - s * w;
        }
    }

    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** Runs a row range on the pool when the work is large enough; each row belongs to one task. */
    static void rows(int n, long work, Range body) {
        int threads = Parallel.threads();
        if (threads <= 1 || n < 64 || work < (1L << 16)) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n / 16, threads * 4);
        Parallel.forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }
}
