package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OpsTensorTest {

    private static void assertError(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
    }

    @Test
    void elementwiseOpsOnTensors() {
        Tensor a = Tensor.of(new float[] {1, -2, 3, -4, 5, -6}, 2, 3);
        Tensor b = Tensor.of(new float[] {6, 5, 4, 3, 2, 1}, 2, 3);
        Tensor out = Tensor.zeros(2, 3);
        assertSame(out, Ops.add(a, b, out));
        assertArrayEquals(new float[] {7, 3, 7, -1, 7, -5}, out.toArray());
        assertArrayEquals(new float[] {-5, -7, -1, -7, 3, -7}, Ops.sub(a, b, out).toArray());
        assertArrayEquals(new float[] {6, -10, 12, -12, 10, -6}, Ops.mul(a, b, out).toArray());
        assertArrayEquals(new float[] {2, -4, 6, -8, 10, -12}, Ops.scale(2f, a, out).toArray());
        Tensor y = b.copy();
        assertArrayEquals(new float[] {7, 3, 7, -1, 7, -5}, Ops.axpy(1f, a, y).toArray());
        assertArrayEquals(new float[] {1, 0, 3, 0, 5, 0}, Ops.relu(a, out).toArray());
        assertArrayEquals(new float[] {6, 0, 4, 0, 2, 0}, Ops.reluBackward(a, b, out).toArray());
        Tensor v = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 18, 33, 6, 25, 24}, Ops.addRowVector(a, v, out).toArray());
        Tensor c = a.copy();
        Ops.add(c, c, c); // exact aliasing is allowed
        assertArrayEquals(new float[] {2, -4, 6, -8, 10, -12}, c.toArray());
        Tensor x3 = Tensor.of(new float[12], 2, 2, 3);
        assertArrayEquals(new float[] {10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30},
                Ops.addRowVector(x3, v, x3).toArray());
    }

    @Test
    void elementwiseShapeAndAliasErrors() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(3, 2);
        assertError(() -> Ops.add(a, b, Tensor.zeros(2, 3)), "add", "a [2, 3]", "b [3, 2]");
        assertError(() -> Ops.mul(a, a, Tensor.zeros(6)), "mul", "a [2, 3]", "out [6]");
        assertError(() -> Ops.axpy(1f, a, b), "axpy", "x [2, 3]", "y [3, 2]");
        assertError(() -> Ops.reluBackward(a, b, a), "reluBackward", "dy [3, 2]");
        assertError(() -> Ops.addRowVector(a, Tensor.zeros(2), Tensor.zeros(2, 3)), "addRowVector", "[3]", "[2, 3]", "[2]");
        Tensor big = Tensor.zeros(10);
        Tensor first = Tensor.wrap(big.data(), 0, 6), shifted = Tensor.wrap(big.data(), 2, 6);
        assertError(() -> Ops.relu(first, shifted), "relu", "partly overlaps");
        Tensor row = Tensor.wrap(big.data(), 0, 3), mat = Tensor.wrap(big.data(), 1, 3, 3);
        assertError(() -> Ops.addRowVector(mat, row, mat), "addRowVector", "overlaps v");
    }

    @Test
    void matmulShapesTransposesAndErrors() {
        SplittableRandom rnd = new SplittableRandom(3);
        Tensor a = Tensor.randn(rnd, 1f, 4, 3), b = Tensor.randn(rnd, 1f, 3, 5);
        Tensor c = Ops.matmul(a, false, b, false);
        assertArrayEquals(new int[] {4, 5}, c.shape());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                double s = 0;
                for (int p = 0; p < 3; p++) s += a.get(i, p) * b.get(p, j);
                assertEquals(s, c.get(i, j), 1e-5);
            }
        }
        Tensor at = transpose(a), bt = transpose(b);
        FloatAsserts.assertClose("TN", c.toArray(), Ops.matmul(at, true, b, false).toArray(), 1e-6, 1e-5);
        FloatAsserts.assertClose("NT", c.toArray(), Ops.matmul(a, false, bt, true).toArray(), 1e-6, 1e-5);
        FloatAsserts.assertClose("TT", c.toArray(), Ops.matmul(at, true, bt, true).toArray(), 1e-6, 1e-5);

        Tensor out = Tensor.zeros(4, 5).fill(1f);
        Ops.matmul(a, false, b, false, out, 2f, 3f);
        for (int i = 0; i < 20; i++) assertEquals(2 * c.getFlat(i) + 3, out.getFlat(i), 1e-5);

        assertError(() -> Ops.matmul(a, false, a, false), "matmul", "inner dimensions", "K=3", "K=4", "[4, 3]");
        assertError(() -> Ops.matmul(a, false, Tensor.zeros(3), false), "matmul", "2-D", "[3]");
        assertError(() -> Ops.matmul(a, false, b, false, Tensor.zeros(5, 4), 1f, 0f), "matmul", "[4, 5]", "[5, 4]");
        Tensor sq = Tensor.randn(rnd, 1f, 3, 3);
        assertError(() -> Ops.matmul(sq, false, sq, false, sq, 1f, 0f), "matmul", "overlaps");
    }

    private static Tensor transpose(Tensor m) {
        Tensor t = Tensor.zeros(m.dim(1), m.dim(0));
        for (int i = 0; i < m.dim(0); i++) for (int j = 0; j < m.dim(1); j++) t.set(m.get(i, j), j, i);
        return t;
    }

    @Test
    void reductionsDropTheAxis() {
        Tensor x = Tensor.zeros(2, 3, 4);
        for (int i = 0; i < 24; i++) x.setFlat(i, i % 7 - 3);
        Tensor s1 = Ops.sum(x, 1);
        assertArrayEquals(new int[] {2, 4}, s1.shape());
        for (int i = 0; i < 2; i++) {
            for (int q = 0; q < 4; q++) {
                float s = 0, m = Float.NEGATIVE_INFINITY;
                int best = 0;
                for (int l = 0; l < 3; l++) {
                    float v = x.get(i, l, q);
                    s += v;
                    if (v > m) {
                        m = v;
                        best = l;
                    }
                }
                assertEquals(s, s1.get(i, q));
                assertEquals(m, Ops.max(x, 1).get(i, q));
                assertEquals(best, Ops.argmax(x, -2)[i * 4 + q]);
            }
        }
        assertArrayEquals(new int[] {3, 4}, Ops.sum(x, 0).shape());
        assertArrayEquals(new int[] {2, 3}, Ops.max(x, -1).shape());
        assertEquals(6, Ops.argmax(x, 2).length);
        assertArrayEquals(new int[0], Ops.sum(Tensor.of(new float[] {1, 2, 3}, 3), 0).shape());
        assertEquals(6f, Ops.sum(Tensor.of(new float[] {1, 2, 3}, 3), 0).getFlat(0));
        assertEquals(0f, Ops.sum(Tensor.zeros(2, 0), 1).getFlat(1));
        float total = 0;
        for (int i = 0; i < 24; i++) total += x.getFlat(i);
        assertEquals(total, Ops.sum(x));

        assertError(() -> Ops.sum(x, 3), "sum", "axis 3", "[2, 3, 4]");
        assertError(() -> Ops.max(x, -4), "max", "axis -4");
        assertError(() -> Ops.argmax(Tensor.zeros(2, 0), 1), "argmax", "empty", "[2, 0]");
    }

    @Test
    void softmaxAlongAnyAxis() {
        SplittableRandom rnd = new SplittableRandom(5);
        Tensor x = Tensor.randn(rnd, 3f, 3, 4, 5);
        for (int axis = 0; axis < 3; axis++) {
            Tensor out = Ops.softmax(x, axis, Tensor.zeros(3, 4, 5));
            Tensor sums = Ops.sum(out, axis);
            for (int i = 0; i < sums.size(); i++) assertEquals(1f, sums.getFlat(i), 1e-5, "axis " + axis);
        }
        Tensor in = x.copy();
        Ops.softmax(in, -1, in);
        FloatAsserts.assertClose("in place", Ops.softmax(x, 2, Tensor.zeros(3, 4, 5)).toArray(), in.toArray(), 0, 0);
        assertError(() -> Ops.softmax(x, 1, Tensor.zeros(3, 5, 4)), "softmax", "[3, 4, 5]", "[3, 5, 4]");
    }
}
