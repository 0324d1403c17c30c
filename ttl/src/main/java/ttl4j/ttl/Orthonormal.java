package ttl4j.ttl;

import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.engine.linalg.QR;

/** Random factor matrices with orthonormal columns (or rows, when wider than tall), for initialisation. */
final class Orthonormal {
    private Orthonormal() {}

    /**
     * A {@code rows x cols} matrix whose columns are orthonormal when {@code cols <= rows} (the Q of
     * a Householder QR of a Gaussian matrix, {@link QR#orthonormalColumns}), else whose rows are (a
     * rank above its dimension cannot have orthonormal columns). A seed fixes the result.
     */
    static Tensor random(int rows, int cols, SplittableRandom rnd) {
        if (cols <= rows) return QR.orthonormalColumns(rows, cols, rnd);
        Tensor q = QR.orthonormalColumns(cols, rows, rnd);
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t.set(q.get(j, i), i, j);
        return t;
    }
}
