package ttl4j.ttl;

import java.util.SplittableRandom;
import ttl4j.engine.Tensor;

/** Random matrices with orthonormal columns (or rows, when wider than tall), for initialisation. */
final class Orthonormal {
    private Orthonormal() {}

    /**
     * A {@code rows x cols} matrix whose columns are orthonormal when {@code cols <= rows} (the Q of
     * a QR factorisation of a Gaussian matrix), else whose rows are. Drawn from {@code rnd} in a
     * fixed order, so a seed fixes the result.
     */
    static Tensor random(int rows, int cols, SplittableRandom rnd) {
        if (cols <= rows) return Tensor.of(gramSchmidt(rows, cols, rnd), rows, cols);
        double[] q = gramSchmidtDouble(cols, rows, rnd); // cols x rows with orthonormal columns
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[i * cols + j] = (float) q[j * rows + i];
        return Tensor.of(t, rows, cols);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /**
     * Modified Gram-Schmidt in double on the columns of a Gaussian {@code m x n} matrix (n <= m),
     * each column orthogonalised twice: one pass loses orthogonality in proportion to the
     * condition number, the second restores it to rounding level ("twice is enough").
     */
    private static float[] gramSchmidt(int m, int n, SplittableRandom rnd) {
        return toFloat(gramSchmidtDouble(m, n, rnd));
    }

    private static double[] gramSchmidtDouble(int m, int n, SplittableRandom rnd) {
        double[] a = new double[m * n]; // row-major m x n
        for (int i = 0; i < a.length; i++) a[i] = Tensor.gaussian(rnd);
        double[] col = new double[m];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) col[i] = a[i * n + j];
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < m; i++) d += a[i * n + k] * col[i];
                    for (int i = 0; i < m; i++) col[i] -= d * a[i * n + k];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += col[i] * col[i];
            norm = Math.sqrt(norm);
            if (!(norm > 1e-12)) {
                // A (measure-zero) dependent draw: replace by a unit vector orthogonal to the rest.
                for (int e = 0; e < m && !(norm > 1e-12); e++) {
                    java.util.Arrays.fill(col, 0);
                    col[e] = 1;
                    for (int k = 0; k < j; k++) {
                        double d = a[e * n + k];
                        for (int i = 0; i < m; i++) col[i] -= d * a[i * n + k];
                    }
                    norm = 0;
                    for (int i = 0; i < m; i++) norm += col[i] * col[i];
                    norm = Math.sqrt(norm);
                }
            }
            for (int i = 0; i < m; i++) a[i * n + j] = col[i] / norm;
        }
        return a;
    }
}
