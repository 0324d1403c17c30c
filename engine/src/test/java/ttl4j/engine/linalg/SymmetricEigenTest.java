package ttl4j.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Tensor;

class SymmetricEigenTest {

    /** Orthogonality, ordering and ||A V - V diag(values)|| / ||A||. */
    private static SymmetricEigen check(Tensor a, String what) {
        SymmetricEigen e = SymmetricEigen.decompose(a);
        int n = a.dim(0);
        assertEquals(n, e.values().length);
        for (int i = 1; i < n; i++) assertTrue(e.values()[i] <= e.values()[i - 1], what + ": not descending at " + i);
        Tensor v = e.vectorsAsColumns();
        double orth = LinalgTestSupport.orthogonalityError(v);
        assertTrue(orth < 1e-6, what + ": ||V^T V - I|| = " + orth);
        if (n > 0) {
            Tensor av = LinalgTestSupport.mul(a, v);
            Tensor vl = Tensor.zeros(n, n);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) vl.set((float) (v.get(i, j) * e.values()[j]), i, j);
            double norm = 0;
            for (int i = 0; i < a.size(); i++) norm += (double) a.getFlat(i) * a.getFlat(i);
            double res = 0;
            for (int i = 0; i < av.size(); i++) res += Math.pow((double) av.getFlat(i) - vl.getFlat(i), 2);
            double rel = norm == 0 ? Math.sqrt(res) : Math.sqrt(res / norm);
            assertTrue(rel < 2e-6, what + ": ||A V - V L|| / ||A|| = " + rel);
        }
        return e;
    }

    private static Tensor symmetricWithEigenvalues(SplittableRandom rnd, double[] lambda) {
        int n = lambda.length;
        Tensor q = QR.orthonormalColumns(n, n, rnd);
        Tensor ql = Tensor.zeros(n, n);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) ql.set((float) (q.get(i, j) * lambda[j]), i, j);
        Tensor a = LinalgTestSupport.mul(ql, LinalgTestSupport.transpose(q));
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a.set(a.get(i, j), j, i);
        return a;
    }

    @Test
    void knownEigenvaluesIncludingNegativeAndRepeated() {
        SplittableRandom rnd = new SplittableRandom(21);
        double[] lambda = {9, 4, 4, 4, 1, 0, 0, -0.5, -3, -3};
        SymmetricEigen e = check(symmetricWithEigenvalues(rnd, lambda), "known spectrum");
        for (int i = 0; i < lambda.length; i++) assertEquals(lambda[i], e.values()[i], 1e-5, "eigenvalue " + i);
    }

    @Test
    void randomSymmetricOfSeveralSizes() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int n : new int[] {0, 1, 2, 3, 5, 16, 65, 130}) {
            Tensor a = Tensor.randn(rnd, 1f, n, n);
            for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a.set(a.get(i, j), j, i);
            check(a, "random symmetric " + n);
        }
    }

    @Test
    void diagonalAndTinyMatrices() {
        Tensor d = Tensor.zeros(4, 4);
        float[] diag = {2, -1, 5, 0};
        for (int i = 0; i < 4; i++) d.set(diag[i], i, i);
        SymmetricEigen e = check(d, "diagonal");
        assertArrayEquals(new double[] {5, 2, 0, -1}, e.values(), 0);
        // Sign convention: the largest component of each eigenvector is positive.
        assertEquals(1f, e.vectorsAsColumns().get(2, 0), 0f);
        SymmetricEigen one = check(Tensor.of(new float[] {-3}, 1, 1), "1x1");
        assertArrayEquals(new double[] {-3}, one.values(), 0);
        assertArrayEquals(new float[] {1}, one.vectorsAsColumns().toArray(), 0f);
        SymmetricEigen two = check(Tensor.of(new float[] {2, 1, 1, 2}, 2, 2), "2x2");
        assertArrayEquals(new double[] {3, 1}, two.values(), 1e-12);
        check(Tensor.zeros(3, 3), "zero");
        assertEquals(0, SymmetricEigen.decompose(Tensor.zeros(0, 0)).values().length);
    }

    @Test
    void alreadyTridiagonalAndRankOne() {
        int n = 12;
        Tensor t = Tensor.zeros(n, n);
        for (int i = 0; i < n; i++) {
            t.set(2f, i, i);
            if (i + 1 < n) {
                t.set(-1f, i, i + 1);
                t.set(-1f, i + 1, i);
            }
        }
        SymmetricEigen e = check(t, "second-difference matrix");
        for (int k = 1; k <= n; k++) {
            double expected = 2 - 2 * Math.cos(k * Math.PI / (n + 1));
            assertEquals(expected, e.values()[n - k], 1e-6, "eigenvalue " + k);
        }
        Tensor ones = Tensor.zeros(7, 7).fill(1f);
        SymmetricEigen r1 = check(ones, "rank one");
        assertEquals(7, r1.values()[0], 1e-5);
        for (int i = 1; i < 7; i++) assertEquals(0, r1.values()[i], 1e-5);
    }

    @Test
    void badInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.decompose(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)));
        assertTrue(e.getMessage().contains("not symmetric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
        Tensor nan = Tensor.zeros(2, 2);
        nan.set(Float.NaN, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(nan));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[5], 2));
    }
}
