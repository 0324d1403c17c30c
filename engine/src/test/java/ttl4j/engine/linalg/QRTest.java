package ttl4j.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Tensor;

class QRTest {

    private static void check(Tensor a, String what) {
        QR qr = QR.decompose(a);
        int m = a.dim(0), n = a.dim(1), k = Math.min(m, n);
        assertArrayEquals(new int[] {m, k}, qr.q().shape(), what + ": Q shape");
        assertArrayEquals(new int[] {k, n}, qr.r().shape(), what + ": R shape");
        double orth = LinalgTestSupport.orthogonalityError(qr.q());
        assertTrue(orth < 1e-6, what + ": ||Q^T Q - I||_max = " + orth);
        for (int i = 0; i < k; i++) {
            assertTrue(qr.r().get(i, i) >= 0, what + ": R diagonal " + i + " = " + qr.r().get(i, i));
            for (int j = 0; j < i && j < n; j++) assertEquals(0f, qr.r().get(i, j), what + ": R below diagonal");
        }
        if (a.size() > 0) {
            double err = LinalgTestSupport.relativeError(a, LinalgTestSupport.mul(qr.q(), qr.r()));
            assertTrue(err < 1e-6, what + ": ||A - QR|| / ||A|| = " + err);
        }
    }

    @Test
    void tallWideSquareAndTinyShapes() {
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] shapes = {{0, 0}, {0, 3}, {3, 0}, {1, 1}, {1, 7}, {7, 1}, {5, 5}, {17, 5}, {5, 17}, {64, 31}, {31, 64}};
        for (int[] s : shapes) check(Tensor.randn(rnd, 1f, s), s[0] + "x" + s[1]);
    }

    @Test
    void rankDeficientAndZeroColumns() {
        SplittableRandom rnd = new SplittableRandom(2);
        Tensor a = Tensor.randn(rnd, 1f, 9, 6);
        for (int i = 0; i < 9; i++) {
            a.set(0f, i, 2); // a zero column
            a.set(a.get(i, 0) * 2 - a.get(i, 1), i, 4); // a dependent column
        }
        check(a, "rank-deficient 9x6");
        check(Tensor.zeros(4, 3), "zero 4x3");
        QR qr = QR.decompose(a);
        assertTrue(Math.abs(qr.r().get(4, 4)) < 1e-5, "R[4,4] of a dependent column: " + qr.r().get(4, 4));
    }

    @Test
    void upperTriangularInputGivesIdentityQ() {
        Tensor a = Tensor.of(new float[] {2, 1, 0, 3}, 2, 2);
        QR qr = QR.decompose(a);
        assertArrayEquals(new float[] {1, 0, 0, 1}, qr.q().toArray(), 1e-7f);
        assertArrayEquals(a.toArray(), qr.r().toArray(), 1e-6f);
    }

    @Test
    void orthonormalColumnsAreOrthonormalAndSeeded() {
        Tensor q1 = QR.orthonormalColumns(50, 7, new SplittableRandom(3));
        Tensor q2 = QR.orthonormalColumns(50, 7, new SplittableRandom(3));
        assertArrayEquals(q1.toArray(), q2.toArray());
        assertTrue(LinalgTestSupport.orthogonalityError(q1) < 1e-6);
        assertArrayEquals(new int[] {50, 7}, q1.shape());
        assertTrue(LinalgTestSupport.orthogonalityError(QR.orthonormalColumns(6, 6, new SplittableRandom(4))) < 1e-6);
        assertThrows(IllegalArgumentException.class, () -> QR.orthonormalColumns(3, 4, new SplittableRandom(1)));
    }

    @Test
    void badInputIsRejectedWithAMessage() {
        Tensor nan = Tensor.zeros(3, 3);
        nan.set(Float.NaN, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QR.decompose(nan));
        assertTrue(e.getMessage().contains("[1, 2]") && e.getMessage().contains("NaN"), e.getMessage());
        Tensor inf = Tensor.zeros(2, 2);
        inf.set(Float.POSITIVE_INFINITY, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> QR.decompose(inf));
        e = assertThrows(IllegalArgumentException.class, () -> QR.decompose(Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("2-D"), e.getMessage());
    }
}
