package ttl4j.engine.linalg;

import java.util.SplittableRandom;
import ttl4j.engine.Tensor;

/**
 * Thin Householder QR {@code A (M,N) = Q (M,K) R (K,N)} with {@code K = min(M, N)}: Q has
 * orthonormal columns, R is upper triangular (upper trapezoidal when N > M).
 *
 * <p>Computed in double (reflectors, their application and the accumulation of Q), rounded to
 * float at the end, so Q is orthonormal to float precision whatever the conditioning of A.
 * A is held transposed while working, so every column operation is a contiguous loop.
 *
 * <p>Sign convention: the diagonal of R is non-negative (the decomposition is then unique for a
 * full-rank A). A zero column gives a zero diagonal entry and Q still has orthonormal columns.
 *
 * @param q M x K, orthonormal columns
 * @param r K x N, upper triangular, non-negative diagonal
 */
public record QR(Tensor q, Tensor r) {

    /**
     * QR of a finite M x N float matrix (not modified).
     *
     * @throws IllegalArgumentException for a non-2-D or non-finite input
     */
    public static QR decompose(Tensor a) {
        int[] shape = DoubleMatrices.checkMatrix("QR", a);
        int m = shape[0], n = shape[1], k = Math.min(m, n);
        double[] at = DoubleMatrices.transposeToDouble(a); // row j = column j of A
        double[] tau = new double[k];
        double[] diag = new double[k];
        for (int j = 0; j < k; j++) {
            int cj = j * m;
            double tail = 0;
            for (int i = j + 1; i < m; i++) tail += at[cj + i] * at[cj + i];
            double alpha = at[cj + j];
            if (tail == 0) {
                // Already zero below the diagonal: H = I.
                tau[j] = 0;
                diag[j] = alpha;
                at[cj + j] = 1;
                continue;
            }
            double norm = Math.sqrt(alpha * alpha + tail);
            double beta = alpha >= 0 ? -norm : norm;
            double scale = 1 / (alpha - beta);
            for (int i = j + 1; i < m; i++) at[cj + i] *= scale;
            at[cj + j] = 1;
            double t = (beta - alpha) / beta;
            tau[j] = t;
            diag[j] = beta;
            for (int l = j + 1; l < n; l++) {
                int cl = l * m;
                double s = t * DoubleMatrices.dot(m - j, at, cj + j, at, cl + j);
                DoubleMatrices.axpy(m - j, -s, at, cj + j, at, cl + j);
            }
        }
        // Flip signs so that R's diagonal is non-negative: row i of R and column i of Q together.
        double[] sign = new double[k];
        for (int i = 0; i < k; i++) sign[i] = diag[i] < 0 ? -1 : 1;
        Tensor r = Tensor.zeros(k, n);
        float[] rd = r.data();
        for (int i = 0; i < k; i++) {
            rd[i * n + i] = (float) (sign[i] * diag[i]);
            for (int l = i + 1; l < n; l++) rd[i * n + l] = (float) (sign[i] * at[l * m + i]);
        }
        // Q = H_0 ... H_{k-1} I_{M x K}, accumulated backwards (H_j only touches columns >= j then);
        // qt holds Q's columns as rows.
        double[] qt = new double[k * m];
        for (int c = 0; c < k; c++) qt[c * m + c] = 1;
        for (int j = k - 1; j >= 0; j--) {
            if (tau[j] == 0) continue;
            int cj = j * m;
            for (int c = j; c < k; c++) {
                double s = tau[j] * DoubleMatrices.dot(m - j, at, cj + j, qt, c * m + j);
                if (s != 0) DoubleMatrices.axpy(m - j, -s, at, cj + j, qt, c * m + j);
            }
        }
        Tensor q = Tensor.zeros(m, k);
        float[] qd = q.data();
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < m; i++) qd[i * k + c] = (float) (sign[c] * qt[c * m + i]);
        }
        return new QR(q, r);
    }

    /**
     * A {@code rows x cols} matrix with orthonormal columns, uniformly (Haar) distributed: the Q
     * factor, with R's diagonal made positive, of a matrix of independent standard normals from
     * {@code rnd}. Deterministic for a given generator state.
     *
     * @throws IllegalArgumentException unless {@code 0 <= cols <= rows}
     */
    public static Tensor orthonormalColumns(int rows, int cols, SplittableRandom rnd) {
        if (rnd == null) throw new NullPointerException("orthonormalColumns: random generator is null");
        if (cols < 0 || rows < 0 || cols > rows) {
            throw new IllegalArgumentException("orthonormalColumns: need 0 <= cols <= rows for orthonormal columns, got "
                    + rows + " x " + cols);
        }
        return decompose(Tensor.randn(rnd, 1f, rows, cols)).q();
    }
}
