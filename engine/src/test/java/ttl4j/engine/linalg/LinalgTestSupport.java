package ttl4j.engine.linalg;

import java.util.SplittableRandom;
import ttl4j.engine.Tensor;

/** Double-precision measurements for the linear-algebra tests. */
final class LinalgTestSupport {
    private LinalgTestSupport() {}

    /** max |Q^T Q - I| over a matrix with orthonormal columns. */
    static double orthogonalityError(Tensor q) {
        int m = q.dim(0), k = q.dim(1);
        double worst = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int r = 0; r < m; r++) s += (double) q.get(r, i) * q.get(r, j);
                worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }

    /** ||A - B||_F / ||A||_F (or the absolute error for a zero A). */
    static double relativeError(Tensor a, Tensor b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = (double) a.getFlat(i) - b.getFlat(i);
            num += d * d;
            den += (double) a.getFlat(i) * a.getFlat(i);
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    /** A (M,K) B (K,N) in double, rounded to float. */
    static Tensor mul(Tensor a, Tensor b) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Tensor c = Tensor.zeros(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a.get(i, p) * b.get(p, j);
                c.set((float) s, i, j);
            }
        }
        return c;
    }

    static Tensor transpose(Tensor a) {
        Tensor t = Tensor.zeros(a.dim(1), a.dim(0));
        for (int i = 0; i < a.dim(0); i++) for (int j = 0; j < a.dim(1); j++) t.set(a.get(i, j), j, i);
        return t;
    }

    /** U (M,K) diag(s) V^T with random orthonormal U, V: a matrix with exactly the singular values s. */
    static Tensor withSingularValues(SplittableRandom rnd, int m, int n, double[] s) {
        int k = s.length;
        Tensor u = QR.orthonormalColumns(m, k, rnd), v = QR.orthonormalColumns(n, k, rnd);
        Tensor us = Tensor.zeros(m, k);
        for (int i = 0; i < m; i++) for (int j = 0; j < k; j++) us.set((float) (u.get(i, j) * s[j]), i, j);
        return mul(us, transpose(v));
    }
}
