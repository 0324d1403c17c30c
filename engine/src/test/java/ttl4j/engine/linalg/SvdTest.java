package ttl4j.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Tensor;

class SvdTest {

    /** Shapes, orthogonality, ordering and reconstruction; returns the decomposition. */
    private static Svd check(Tensor a, String what) {
        Svd svd = Svd.decompose(a);
        int m = a.dim(0), n = a.dim(1), k = Math.min(m, n);
        assertArrayEquals(new int[] {m, k}, svd.u().shape(), what + ": U shape");
        assertArrayEquals(new int[] {n, k}, svd.v().shape(), what + ": V shape");
        assertEquals(k, svd.s().length, what + ": number of singular values");
        for (int i = 0; i < k; i++) {
            assertTrue(svd.s()[i] >= 0, what + ": s[" + i + "] = " + svd.s()[i]);
            if (i > 0) assertTrue(svd.s()[i] <= svd.s()[i - 1], what + ": not descending at " + i);
        }
        double ou = LinalgTestSupport.orthogonalityError(svd.u()), ov = LinalgTestSupport.orthogonalityError(svd.v());
        assertTrue(ou < 2e-6 && ov < 2e-6, what + ": ||U^T U - I|| = " + ou + ", ||V^T V - I|| = " + ov);
        if (a.size() > 0) {
            double err = LinalgTestSupport.relativeError(a, svd.reconstruct());
            assertTrue(err < 2e-6, what + ": ||A - U S V^T|| / ||A|| = " + err);
        }
        return svd;
    }

    @Test
    void randomAndTinyShapes() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] shapes = {{0, 0}, {0, 4}, {4, 0}, {1, 1}, {1, 9}, {9, 1}, {2, 2}, {6, 6}, {40, 13}, {13, 40}, {97, 97}};
        for (int[] s : shapes) check(Tensor.randn(rnd, 1f, s), s[0] + "x" + s[1]);
    }

    @Test
    void oneByNAndNByOneHaveTheNormAsSingularValue() {
        Tensor row = Tensor.of(new float[] {3, 0, -4}, 1, 3);
        Svd s = check(row, "1x3");
        assertEquals(5f, s.s()[0], 1e-6f);
        assertEquals(1f, s.u().get(0, 0), 1e-7f, "U of a 1xN matrix is 1 (sign convention)");
        assertArrayEquals(new float[] {0.6f, 0f, -0.8f}, s.v().toArray(), 1e-6f);
        Svd c = check(LinalgTestSupport.transpose(row), "3x1");
        assertEquals(5f, c.s()[0], 1e-6f);
        assertEquals(1f, c.v().get(0, 0), 1e-7f, "V of an Nx1 matrix is 1 (sign convention)");
    }

    @Test
    void knownSpectrumIsRecovered() {
        SplittableRandom rnd = new SplittableRandom(12);
        double[] spectrum = {10, 5, 2.5, 1, 0.5, 0.1, 0.01, 1e-3};
        for (int[] s : new int[][] {{60, 8}, {8, 60}, {30, 30}}) {
            int k = Math.min(s[0], s[1]);
            double[] sv = new double[k];
            System.arraycopy(spectrum, 0, sv, 0, Math.min(k, spectrum.length));
            Tensor a = LinalgTestSupport.withSingularValues(rnd, s[0], s[1], sv);
            Svd svd = check(a, "spectrum " + s[0] + "x" + s[1]);
            for (int i = 0; i < k; i++) {
                assertEquals(sv[i], svd.s()[i], 1e-6 * 10 + 1e-5 * sv[i], s[0] + "x" + s[1] + ": s[" + i + "]");
            }
        }
    }

    @Test
    void diagonalMatrixGivesItsSortedAbsoluteDiagonal() {
        Tensor a = Tensor.zeros(4, 4);
        a.set(1f, 0, 0);
        a.set(-7f, 1, 1);
        a.set(3f, 2, 2);
        a.set(0f, 3, 3);
        Svd svd = check(a, "diagonal");
        assertArrayEquals(new float[] {7, 3, 1, 0}, svd.s(), 1e-6f);
        // V's columns are unit vectors with a positive entry; U absorbs the sign of -7.
        assertEquals(1f, svd.v().get(1, 0), 1e-7f);
        assertEquals(-1f, svd.u().get(1, 0), 1e-7f);
    }

    @Test
    void rankDeficientAndZeroMatrices() {
        SplittableRandom rnd = new SplittableRandom(13);
        Tensor a = LinalgTestSupport.withSingularValues(rnd, 20, 12, new double[] {4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Svd svd = check(a, "rank 3 of 20x12");
        assertEquals(3, svd.rank(1e-5), "numerical rank");
        Svd w = check(LinalgTestSupport.transpose(a), "rank 3 of 12x20");
        assertEquals(3, w.rank(1e-5));
        Svd z = check(Tensor.zeros(5, 3), "zero 5x3");
        assertArrayEquals(new float[3], z.s());
        Tensor ones = Tensor.zeros(6, 6).fill(1f);
        Svd o = check(ones, "all ones");
        assertEquals(6f, o.s()[0], 1e-5f);
        assertEquals(1, o.rank(1e-5));
    }

    @Test
    void repeatedSingularValues() {
        SplittableRandom rnd = new SplittableRandom(14);
        Tensor a = LinalgTestSupport.withSingularValues(rnd, 25, 10, new double[] {3, 3, 3, 1, 1, 1, 1, 0.5, 0.5, 0.5});
        Svd svd = check(a, "repeated");
        assertEquals(3f, svd.s()[2], 1e-5f);
        assertEquals(1f, svd.s()[6], 1e-5f);
        Svd id = check(eye(7), "identity");
        for (float s : id.s()) assertEquals(1f, s, 1e-6f);
    }

    @Test
    void largeDynamicRangeKeepsOrthogonality() {
        SplittableRandom rnd = new SplittableRandom(15);
        double[] s = new double[16];
        for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, -0.5 * i);
        Tensor a = LinalgTestSupport.withSingularValues(rnd, 50, 16, s);
        Svd svd = check(a, "condition 1e7");
        for (int i = 0; i < 8; i++) {
            assertEquals(s[i], svd.s()[i], 1e-6 * s[0] + 1e-4 * s[i], "s[" + i + "]");
        }
    }

    @Test
    void badInputIsRejected() {
        Tensor a = Tensor.zeros(3, 2);
        a.set(Float.NEGATIVE_INFINITY, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Svd.decompose(a));
        assertTrue(e.getMessage().contains("[2, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Svd.decompose(Tensor.zeros(4)));
    }

    static Tensor eye(int n) {
        Tensor t = Tensor.zeros(n, n);
        for (int i = 0; i < n; i++) t.set(1f, i, i);
        return t;
    }
}
