package ttl4j.engine.algebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Engine;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/** The tensor algebra (mode products, product order, unfolding, Khatri-Rao and Kronecker, MTTKRP) against plain references. */
class AlgebraTest {
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    private static Tensor rnd(SplittableRandom r, int... shape) {
        return Tensor.randn(r, 1f, shape);
    }

    /** Float sums of n products of N(0,1) numbers: error grows like sqrt(n) eps. */
    private static void close(String what, Tensor expected, Tensor actual, int terms) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        FloatAsserts.assertClose(what, expected.toArray(), actual.toArray(), ATOL * Math.max(1, terms), RTOL);
    }

    private static final int[][] SHAPES = {
        {1}, {7}, {3, 1}, {1, 5}, {4, 6}, {2, 3, 5}, {1, 4, 1}, {3, 1, 4}, {5, 2, 1, 3}, {2, 3, 4, 5},
        {3, 2, 1, 2, 3}, {2, 2, 3, 2, 2},
    };

    @Test
    void modeProductMatchesTheDefinitionForEveryOrderAndMode() {
        checkModeProducts();
        int saved = ModeProducts.gatherBelowQ;
        try {
            ModeProducts.gatherBelowQ = 0; // the plain batched path for every middle mode
            checkModeProducts();
        } finally {
            ModeProducts.gatherBelowQ = saved;
        }
    }

    private static void checkModeProducts() {
        SplittableRandom r = new SplittableRandom(1);
        for (int[] shape : SHAPES) {
            Tensor t = rnd(r, shape);
            for (int mode = 0; mode < shape.length; mode++) {
                for (int k : new int[] {1, 3, shape[mode] + 2}) {
                    for (boolean tr : new boolean[] {false, true}) {
                        Tensor u = tr ? rnd(r, shape[mode], k) : rnd(r, k, shape[mode]);
                        String what = "shape " + Arrays.toString(shape) + " mode " + mode + " K=" + k + " transposeU=" + tr;
                        Tensor y = ModeProducts.modeProduct(t, mode, u, tr);
                        close(what, AlgebraReference.modeProduct(t, mode, u, tr), y, shape[mode]);
                    }
                }
            }
        }
    }

    @Test
    void modeProductIntoAccumulatesAndHandlesOffsets() {
        SplittableRandom r = new SplittableRandom(2);
        int[] shape = {3, 4, 5};
        float[] backing = new float[7 + 60];
        Tensor t = Tensor.wrap(backing, 7, shape);
        t.copyFrom(rnd(r, shape));
        Tensor u = rnd(r, 2, 4);
        Tensor out = rnd(r, 3, 2, 5);
        Tensor expected = AlgebraReference.modeProduct(t, 1, u, false);
        for (int i = 0; i < expected.size(); i++) expected.setFlat(i, 2f * expected.getFlat(i) + 0.5f * out.getFlat(i));
        Tensor out2 = out.copy();
        ModeProducts.modeProductInto(t, 1, u, false, 2f, 0.5f, out);
        close("alpha/beta", expected, out, 4);
        int saved = ModeProducts.gatherBelowQ;
        try {
            ModeProducts.gatherBelowQ = 0;
            ModeProducts.modeProductInto(t, 1, u, false, 2f, 0.5f, out2);
            close("alpha/beta, batched path", expected, out2, 4);
        } finally {
            ModeProducts.gatherBelowQ = saved;
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModeProducts.modeProduct(t, 1, rnd(r, 2, 5), false));
        assertTrue(e.getMessage().contains("mode 1") && e.getMessage().contains("[2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModeProducts.modeProduct(t, 3, u, false));
        assertTrue(e.getMessage().contains("mode 3") && e.getMessage().contains("order 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModeProducts.modeProductInto(t, 1, u, false, 1f, 0f, Tensor.zeros(3, 3, 5)));
        assertTrue(e.getMessage().contains("[3, 2, 5]"), e.getMessage());
        // Output overlapping the input is refused.
        float[] shared = new float[60 + 30];
        e = assertThrows(IllegalArgumentException.class, () -> ModeProducts.modeProduct(shape, 1, 2, 1f, shared, 0,
                u.data(), 0, false, 0f, shared, 50));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void emptyModesGiveEmptyOrZeroResults() {
        Tensor t = Tensor.zeros(3, 0, 2);
        Tensor y = ModeProducts.modeProduct(t, 1, Tensor.zeros(4, 0), false);
        assertArrayEquals(new int[] {3, 4, 2}, y.shape());
        for (float v : y.toArray()) assertEquals(0f, v);
        assertArrayEquals(new int[] {3, 0, 2}, ModeProducts.modeProduct(Tensor.zeros(3, 5, 2), 1, Tensor.zeros(0, 5), false).shape());
    }

    @Test
    void multiModeProductEqualsSequentialProductsInAnyOrder() {
        SplittableRandom r = new SplittableRandom(3);
        int[] shape = {4, 3, 5, 2};
        Tensor t = rnd(r, shape);
        int[] modes = {2, 0, 3, 1};
        int[] ks = {2, 6, 3, 1};
        for (boolean tr : new boolean[] {false, true}) {
            Tensor[] us = new Tensor[4];
            for (int j = 0; j < 4; j++) us[j] = tr ? rnd(r, shape[modes[j]], ks[j]) : rnd(r, ks[j], shape[modes[j]]);
            Tensor y = ModeProducts.multiModeProduct(t, us, modes, tr);
            int[][] orders = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}};
            for (int[] order : orders) {
                Tensor s = t;
                for (int j : order) s = AlgebraReference.modeProduct(s, modes[j], us[j], tr);
                close("order " + Arrays.toString(order) + " transposeU=" + tr, s, y, 60);
            }
            // A subset of modes.
            Tensor y2 = ModeProducts.multiModeProduct(t, new Tensor[] {us[0], us[2]}, new int[] {modes[0], modes[2]}, tr);
            Tensor s2 = AlgebraReference.modeProduct(AlgebraReference.modeProduct(t, modes[0], us[0], tr), modes[2], us[2], tr);
            close("subset", s2, y2, 20);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModeProducts.multiModeProduct(t,
                new Tensor[] {rnd(r, 2, 4), rnd(r, 2, 4)}, new int[] {0, 0}, false));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
    }

    @Test
    void fastestOrderBreaksMultiplyAddTiesByLaneUse() {
        // (128, 28, 28) down to ranks 5 x 5: both orders need 128*28*28*5 + 128*28*5*5 multiply-adds,
        // but the last-mode product of the whole tensor runs with lanes along K = 5.
        int[] shape = {128, 28, 28};
        assertEquals(ProductOrder.plan(shape, new int[] {1, 2}, new int[] {5, 5}).madds(),
                ProductOrder.plan(shape, new int[] {2, 1}, new int[] {5, 5}).madds());
        // The estimate uses the lane width of the kernels in use: with L lanes, K = 5 fills 5 of
        // ceil(5 / L) L lanes and Q = 28 fills 28 of ceil(28 / L) L.
        int lanes = Engine.kernels().lanes();
        double use5 = 5.0 / (Math.ceil(5.0 / lanes) * lanes), use28 = 28.0 / (Math.ceil(28.0 / lanes) * lanes);
        double madds = 128.0 * 28 * 28 * 5;
        assertEquals(madds / use5, ProductOrder.modeProductWork(shape, 2, 5), 1e-6 * madds);
        assertEquals(madds / use28, ProductOrder.modeProductWork(shape, 1, 5), 1e-6 * madds);
        if (use5 < use28) {
            assertArrayEquals(new int[] {0, 1}, ProductOrder.fastestOrder(shape, new int[] {1, 2}, new int[] {5, 5}));
            assertArrayEquals(new int[] {1, 0}, ProductOrder.fastestOrder(shape, new int[] {2, 1}, new int[] {5, 5}));
        } else {
            // scalar kernels (one lane): the estimate is the multiply-add count, a tie keeps the given order
            assertArrayEquals(new int[] {0, 1}, ProductOrder.fastestOrder(shape, new int[] {2, 1}, new int[] {5, 5}));
        }
        // Without a lane-use difference it keeps the multiply-add optimum (shrink before grow).
        assertArrayEquals(new int[] {1, 0}, ProductOrder.fastestOrder(new int[] {100, 100, 100}, new int[] {2, 0}, new int[] {200, 2}));
        // Equal work keeps the given order.
        assertArrayEquals(new int[] {0, 1}, ProductOrder.fastestOrder(new int[] {4, 32, 32}, new int[] {1, 0}, new int[] {32, 4}));
    }

    @Test
    void costModelPicksTheCheapestOrder() {
        // 100 x 100 x 100, mode 0 shrinks 100 -> 2, mode 2 grows 100 -> 200.
        // Given order (grow first): 1e6*200 + 2e6*2 = 204e6; shrink first: 1e6*2 + 2e4*200 = 6e6.
        int[] shape = {100, 100, 100};
        ProductOrder.Plan plan = ProductOrder.plan(shape, new int[] {2, 0}, new int[] {200, 2});
        assertArrayEquals(new int[] {1, 0}, plan.order());
        assertArrayEquals(new int[] {0, 2}, plan.modes());
        assertEquals(6_000_000L, plan.madds());
        assertEquals(204_000_000L, plan.maddsAsGiven());
        assertTrue(plan.exhaustive());

        // The ordering rule used beyond EXHAUSTIVE_MAX_MODES agrees with the exhaustive search.
        SplittableRandom r = new SplittableRandom(4);
        for (int trial = 0; trial < 300; trial++) {
            int m = 1 + r.nextInt(6);
            int[] sh = new int[m], modes = new int[m], ks = new int[m];
            for (int j = 0; j < m; j++) {
                sh[j] = 1 + r.nextInt(12);
                ks[j] = 1 + r.nextInt(12);
            }
            for (int j = 0; j < m; j++) modes[j] = j;
            for (int j = m - 1; j > 0; j--) {
                int o = r.nextInt(j + 1), tmp = modes[j];
                modes[j] = modes[o];
                modes[o] = tmp;
            }
            ProductOrder.Plan best = ProductOrder.plan(sh, modes, ks);
            int[] rule = ProductOrder.ratioOrder(sh, modes, ks);
            double size = Tensor.sizeOf(sh), cost = 0;
            for (int j : rule) {
                cost += size * ks[j];
                size = size / sh[modes[j]] * ks[j];
            }
            assertEquals(best.madds(), Math.round(cost), "shape " + Arrays.toString(sh) + " ks " + Arrays.toString(ks));
        }
        // Beyond the exhaustive limit the rule is reported.
        int[] sh8 = {3, 3, 3, 3, 3, 3, 3, 3};
        int[] m8 = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] k8 = {5, 5, 5, 5, 1, 1, 1, 1};
        ProductOrder.Plan p8 = ProductOrder.plan(sh8, m8, k8);
        assertTrue(!p8.exhaustive());
        assertArrayEquals(new int[] {4, 5, 6, 7, 0, 1, 2, 3}, p8.order());
    }

    @Test
    void unfoldFoldRoundTripAndConvention() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] shape : SHAPES) {
            Tensor t = rnd(r, shape);
            for (int n = 0; n < shape.length; n++) {
                Tensor m = Unfolding.unfold(t, n);
                assertEquals(shape[n], m.dim(0));
                FloatAsserts.assertBitwiseEqual("round trip " + Arrays.toString(shape) + " mode " + n, t.toArray(),
                        Unfolding.fold(m, n, shape).toArray());
                // T_(n)[i, col]: col runs over the other modes in row-major order.
                int[] idx = new int[shape.length];
                int[] rest = new int[shape.length - 1];
                for (int d = 0, j = 0; d < shape.length; d++) if (d != n) rest[j++] = shape[d];
                do {
                    int col = 0;
                    for (int d = 0; d < shape.length; d++) if (d != n) col = col * shape[d] + idx[d];
                    assertEquals(t.get(idx), m.get(idx[n], col));
                } while (AlgebraReference.next(idx, shape));
            }
        }
        // Unfolding of a mode product is U times the unfolding.
        Tensor t = rnd(r, 3, 4, 5);
        Tensor u = rnd(r, 2, 4);
        close("(T x_1 U)_(1) = U T_(1)", AlgebraReference.matmul(u, Unfolding.unfold(t, 1)),
                Unfolding.unfold(ModeProducts.modeProduct(t, 1, u, false), 1), 4);
    }

    @Test
    void vecOfMultiModeProductIsKroneckerTimesVec() {
        SplittableRandom r = new SplittableRandom(6);
        int[] shape = {3, 2, 4};
        int[] ks = {2, 3, 3};
        Tensor t = rnd(r, shape);
        Tensor[] us = new Tensor[3];
        for (int j = 0; j < 3; j++) us[j] = rnd(r, ks[j], shape[j]);
        Tensor y = ModeProducts.multiModeProduct(t, us, new int[] {0, 1, 2}, false);
        Tensor kron = KroneckerProducts.kronecker(List.of(us));
        Tensor vec = AlgebraReference.matmul(kron, t.reshape(t.size(), 1));
        close("vec_row(T x U..) = (U_0 kron U_1 kron U_2) vec_row(T)", vec, y.reshape(y.size(), 1), 24);
        // Unfolding form: Y_(1) = U_1 T_(1) (U_0 kron U_2)^T.
        Tensor rhs = AlgebraReference.matmul(AlgebraReference.matmul(us[1], Unfolding.unfold(t, 1)),
                AlgebraReference.transpose(KroneckerProducts.kronecker(List.of(us[0], us[2]))));
        close("Y_(1) = U_1 T_(1) (U_0 kron U_2)^T", rhs, Unfolding.unfold(y, 1), 24);
    }

    @Test
    void khatriRaoAndKroneckerMatchDefinitionsAndIdentities() {
        SplittableRandom r = new SplittableRandom(7);
        int[][] rowSets = {{5}, {3, 4}, {2, 1, 3}, {1, 1}, {2, 3, 2, 2}};
        for (int[] rows : rowSets) {
            for (int rank : new int[] {1, 3, 17}) {
                List<Tensor> mats = new ArrayList<>();
                for (int i : rows) mats.add(rnd(r, i, rank));
                Tensor kr = KroneckerProducts.khatriRao(mats);
                close("khatriRao " + Arrays.toString(rows) + " R=" + rank, AlgebraReference.khatriRao(mats), kr, 1);
                // Column c of the Khatri-Rao product is the Kronecker product of the columns c.
                for (int c = 0; c < rank; c++) {
                    List<Tensor> cols = new ArrayList<>();
                    for (Tensor a : mats) {
                        Tensor col = Tensor.zeros(a.dim(0), 1);
                        for (int i = 0; i < a.dim(0); i++) col.set(a.get(i, c), i, 0);
                        cols.add(col);
                    }
                    Tensor kc = KroneckerProducts.kronecker(cols);
                    for (int i = 0; i < kr.dim(0); i++) assertEquals(kc.get(i, 0), kr.get(i, c), 1e-6 * (1 + Math.abs(kc.get(i, 0))));
                }
            }
        }
        // Into an existing view with an offset.
        List<Tensor> three = List.of(rnd(r, 2, 5), rnd(r, 3, 5), rnd(r, 4, 5));
        Tensor view = Tensor.wrap(new float[3 + 120], 3, 24, 5);
        KroneckerProducts.khatriRaoInto(three, view);
        FloatAsserts.assertBitwiseEqual("khatriRaoInto", KroneckerProducts.khatriRao(three).toArray(), view.toArray());
        assertThrows(IllegalArgumentException.class, () -> KroneckerProducts.khatriRaoInto(three, Tensor.zeros(24, 4)));
        List<Tensor> km = List.of(rnd(r, 2, 3), rnd(r, 1, 4), rnd(r, 3, 2));
        close("kronecker", AlgebraReference.kronecker(km), KroneckerProducts.kronecker(km), 1);
        // Mixed product: (A kron B)(C kron D) = AC kron BD.
        Tensor a = rnd(r, 3, 4), b = rnd(r, 2, 5), c = rnd(r, 4, 2), d = rnd(r, 5, 3);
        Tensor lhs = AlgebraReference.matmul(KroneckerProducts.kronecker(List.of(a, b)), KroneckerProducts.kronecker(List.of(c, d)));
        Tensor rhs = KroneckerProducts.kronecker(List.of(AlgebraReference.matmul(a, c), AlgebraReference.matmul(b, d)));
        close("mixed product", lhs, rhs, 20);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KroneckerProducts.khatriRao(List.of(rnd(r, 2, 3), rnd(r, 2, 4))));
        assertTrue(e.getMessage().contains("matrix 1 has 4") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KroneckerProducts.khatriRao(List.of()));
    }

    @Test
    void mttkrpMatchesTheExplicitForm() {
        SplittableRandom r = new SplittableRandom(8);
        for (int[] shape : SHAPES) {
            for (int rank : new int[] {1, 4}) {
                List<Tensor> factors = new ArrayList<>();
                for (int i : shape) factors.add(rnd(r, i, rank));
                Tensor t = rnd(r, shape);
                for (int n = 0; n < shape.length; n++) {
                    String what = "mttkrp " + Arrays.toString(shape) + " n=" + n + " R=" + rank;
                    Tensor m = Mttkrp.of(t, factors, n);
                    int terms = t.size() / shape[n];
                    close(what, AlgebraReference.mttkrp(t, factors, n), m, terms);
                    if (shape.length > 1) {
                        List<Tensor> others = new ArrayList<>(factors);
                        others.remove(n);
                        Tensor explicit = AlgebraReference.matmul(Unfolding.unfold(t, n), KroneckerProducts.khatriRao(others));
                        close(what + " vs T_(n) khatriRao", explicit, m, terms);
                    }
                    List<Tensor> withNull = new ArrayList<>(factors);
                    withNull.set(n, null);
                    if (shape.length > 1) close(what + " null factor n", m, Mttkrp.of(t, withNull, n), 1);
                }
            }
        }
        List<Tensor> bad = List.of(rnd(r, 3, 2), rnd(r, 4, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Mttkrp.of(Tensor.zeros(3, 4), bad, 0));
        assertTrue(e.getMessage().contains("factor 1") && e.getMessage().contains("4 x 2"), e.getMessage());
    }

    @Test
    void resultsAreBitwiseIdenticalForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(9);
        int[] shape = {24, 20, 18, 16};
        Tensor t = rnd(r, shape);
        Tensor[] us = {rnd(r, 12, 24), rnd(r, 10, 20), rnd(r, 9, 18), rnd(r, 8, 16)};
        List<Tensor> factors = List.of(rnd(r, 24, 8), rnd(r, 20, 8), rnd(r, 18, 8), rnd(r, 16, 8));
        List<Tensor> krMats = List.of(rnd(r, 64, 16), rnd(r, 64, 16), rnd(r, 32, 16));
        List<Tensor> kronMats = List.of(rnd(r, 20, 12), rnd(r, 24, 16));
        // products this small stay on one thread; a larger tensor makes every mode's product split
        int[] bigShape = {40, 36, 30, 24};
        Tensor big = rnd(r, bigShape);
        Tensor[] bigUs = {rnd(r, 32, 40), rnd(r, 32, 36), rnd(r, 32, 30), rnd(r, 32, 24)};
        int before = Parallel.threads();
        List<float[]> first = new ArrayList<>();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                List<float[]> got = new ArrayList<>();
                for (int mode = 0; mode < 4; mode++) got.add(ModeProducts.modeProduct(t, mode, us[mode], false).toArray());
                for (int mode = 0; mode < 4; mode++) {
                    long jobs = Parallel.jobsPublished();
                    got.add(ModeProducts.modeProduct(big, mode, bigUs[mode], false).toArray());
                    if (threads == 2 && Engine.isVectorized()) {
                        assertTrue(Parallel.jobsPublished() > jobs, "mode " + mode + " of the larger tensor splits");
                    }
                }
                got.add(ModeProducts.multiModeProduct(t, us, new int[] {0, 1, 2, 3}, false).toArray());
                for (int n = 0; n < 4; n++) got.add(Mttkrp.of(t, factors, n).toArray());
                got.add(KroneckerProducts.khatriRao(krMats).toArray());
                got.add(KroneckerProducts.kronecker(kronMats).toArray());
                if (threads == 1) {
                    first = got;
                } else {
                    for (int i = 0; i < got.size(); i++) FloatAsserts.assertBitwiseEqual("result " + i, first.get(i), got.get(i));
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
