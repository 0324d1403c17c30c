package ttl4j.ttl.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;
import ttl4j.engine.linalg.QR;

class DecompositionTest {

    /** A tensor of exactly multilinear rank {@code ranks}: random core times random orthonormal factors. */
    static Tensor lowRankTucker(SplittableRandom rnd, int[] shape, int[] ranks) {
        Tensor core = Tensor.randn(rnd, 1f, ranks);
        Tensor[] us = new Tensor[shape.length];
        int[] modes = new int[shape.length];
        for (int n = 0; n < shape.length; n++) {
            us[n] = QR.orthonormalColumns(shape[n], ranks[n], rnd);
            modes[n] = n;
        }
        return ModeProducts.multiModeProduct(core, us, modes, false);
    }

    static double orthogonality(Tensor q) {
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

    @Test
    void exactRecoveryOfLowRankTensorsOfOrderTwoToFour() {
        SplittableRandom rnd = new SplittableRandom(101);
        int[][][] cases = {
            {{12, 9}, {3, 3}},
            {{10, 11, 12}, {2, 3, 4}},
            {{30, 8, 7}, {5, 3, 3}},
            {{6, 7, 5, 8}, {2, 3, 2, 3}},
            {{40, 3, 4, 2}, {6, 2, 3, 2}},
        };
        for (int[][] c : cases) {
            Tensor t = lowRankTucker(rnd, c[0], c[1]);
            String label = Arrays.toString(c[0]) + " ranks " + Arrays.toString(c[1]);
            for (TuckerDecomposition d : List.of(Tucker.hosvd(t, RankSpec.explicit(c[1])),
                    Tucker.sequentialHosvd(t, RankSpec.explicit(c[1])), Tucker.hooi(t, RankSpec.explicit(c[1])))) {
                assertTrue(d.relativeError() < 1e-5, d.method() + " " + label + ": relative error " + d.relativeError());
                assertArrayEquals(c[1], d.ranks(), d.method() + " ranks");
                assertArrayEquals(c[1], d.core().shape(), d.method() + " core shape");
                for (int n = 0; n < c[0].length; n++) {
                    assertArrayEquals(new int[] {c[0][n], c[1][n]}, d.factors().get(n).shape());
                    double o = orthogonality(d.factors().get(n));
                    assertTrue(o < 1e-5, d.method() + " " + label + ": factor " + n + " ||U^T U - I|| = " + o);
                    assertEquals(1.0, d.keptEnergy()[n], 1e-5, d.method() + " " + label + ": kept energy of mode " + n);
                }
                assertTrue(Math.abs(Norms.relativeError(t, d.reconstruct()) - d.relativeError()) < 1e-9);
            }
            // The energy rule finds the exact ranks.
            TuckerDecomposition e = Tucker.hosvd(t, RankSpec.energy(0.99999));
            assertArrayEquals(c[1], e.ranks(), label + ": ranks from energy 0.99999, error " + e.relativeError());
        }
    }

    @Test
    void hooiFitIsAtLeastHosvdsOnANoisyTensor() {
        SplittableRandom rnd = new SplittableRandom(102);
        int[] shape = {20, 15, 12};
        Tensor t = lowRankTucker(rnd, shape, new int[] {4, 4, 4});
        Tensor noise = Tensor.randn(rnd, 0.3f, shape);
        for (int i = 0; i < t.size(); i++) t.setFlat(i, t.getFlat(i) + noise.getFlat(i) * 0.2f);
        RankSpec spec = RankSpec.explicit(3, 3, 2);
        TuckerDecomposition h = Tucker.hosvd(t, spec);
        TuckerDecomposition o = Tucker.hooi(t, spec, new Tucker.HooiOptions(1e-7, 100, false));
        assertTrue(o.relativeError() <= h.relativeError() + 1e-7,
                "HOOI relative error " + o.relativeError() + " vs HOSVD " + h.relativeError());
        assertTrue(o.converged(), "HOOI converged in " + o.iterations() + " sweeps");
        assertTrue(o.iterations() >= 1);
        TuckerDecomposition capped = Tucker.hooi(t, spec, new Tucker.HooiOptions(0, 2, false));
        assertEquals(2, capped.iterations());
        assertTrue(!capped.converged());
        TuckerDecomposition st = Tucker.sequentialHosvd(t, spec);
        assertTrue(st.relativeError() < 1.2 * h.relativeError(), "ST-HOSVD " + st.relativeError() + " vs " + h.relativeError());
    }

    @Test
    void energyRuleOnAConstructedSpectrum() {
        // A matrix with singular values 4, 2, 1, 1/2, ... has energies 16, 4, 1, 1/4, ... of 21.33.
        SplittableRandom rnd = new SplittableRandom(103);
        int n = 8;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = 4 * Math.pow(0.5, i);
        Tensor u = QR.orthonormalColumns(20, n, rnd), v = QR.orthonormalColumns(16, n, rnd);
        Tensor a = Tensor.zeros(20, 16);
        for (int i = 0; i < 20; i++) for (int j = 0; j < 16; j++) {
            double x = 0;
            for (int k = 0; k < n; k++) x += u.get(i, k) * s[k] * v.get(j, k);
            a.set((float) x, i, j);
        }
        double total = 0;
        for (double x : s) total += x * x;
        // 16/total = 0.750, (16+4)/total = 0.9375, 21/total = 0.984
        assertArrayEquals(new int[] {1, 1}, Tucker.hosvd(a, RankSpec.energy(0.74)).ranks());
        assertArrayEquals(new int[] {2, 2}, Tucker.hosvd(a, RankSpec.energy(0.9)).ranks());
        assertArrayEquals(new int[] {3, 3}, Tucker.hosvd(a, RankSpec.energy(0.95)).ranks());
        TuckerDecomposition d = Tucker.hosvd(a, RankSpec.energy(0.9).withFixed(0, 5));
        assertArrayEquals(new int[] {5, 2}, d.ranks());
        assertEquals(20 / total, d.keptEnergy()[1], 1e-5);
        assertEquals(16 / total, Tucker.hosvd(a, RankSpec.energy(0.5)).keptEnergy()[0], 1e-5);
    }

    @Test
    void budgetRuleOnAConstructedSpectrum() {
        SplittableRandom rnd = new SplittableRandom(104);
        int[] shape = {30, 10, 10};
        Tensor t = lowRankTucker(rnd, shape, new int[] {6, 4, 4});
        double dense = 3000;
        for (double f : new double[] {0.05, 0.1, 0.2, 0.5}) {
            TuckerDecomposition d = Tucker.hosvd(t, RankSpec.budget(f));
            long p = d.parameterCount();
            assertTrue(p <= f * dense, "budget " + f + ": " + p + " parameters, ranks " + Arrays.toString(d.ranks()));
            assertEquals(p, RankSpec.parameters(shape, d.ranks()));
        }
        // A budget that fits the exact ranks (96 + 180 + 40 + 40 = 356 < 0.2 * 3000) recovers the tensor.
        TuckerDecomposition d = Tucker.hosvd(t, RankSpec.budget(0.2));
        assertTrue(d.relativeError() < 1e-5, "budget 0.2: ranks " + Arrays.toString(d.ranks()) + ", error " + d.relativeError());
        TuckerDecomposition fixed = Tucker.hosvd(t, RankSpec.budget(0.1).withFixed(0, 2));
        assertEquals(2, fixed.ranks()[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tucker.hosvd(t, RankSpec.budget(0.001)));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
    }

    @Test
    void badArgumentsAreRejected() {
        Tensor t = Tensor.zeros(3, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tucker.hosvd(t, RankSpec.explicit(2, 2)));
        assertTrue(e.getMessage().contains("order 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tucker.hosvd(t, RankSpec.explicit(4, 2, 2)));
        assertTrue(e.getMessage().contains("mode 0"), e.getMessage());
        Tensor nan = Tensor.zeros(2, 2);
        nan.set(Float.NaN, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> Tucker.hosvd(nan, RankSpec.explicit(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> RankSpec.energy(1.5));
        assertThrows(IllegalArgumentException.class, () -> RankSpec.budget(0));
        assertThrows(IllegalArgumentException.class, () -> CpAls.decompose(t, 0));
    }

    @Test
    void zeroTensorDecomposesWithoutNaN() {
        TuckerDecomposition d = Tucker.hooi(Tensor.zeros(4, 3, 2), RankSpec.explicit(2, 2, 2));
        assertEquals(0, d.relativeError(), 0);
        for (float x : d.core().toArray()) assertEquals(0f, x);
    }

    @Test
    void cpAlsRecoversAPlantedRankRTensor() {
        SplittableRandom rnd = new SplittableRandom(105);
        int[][] shapes = {{8, 9, 10}, {6, 5, 7, 4}};
        for (int[] shape : shapes) {
            int r = 3;
            List<Tensor> truth = new ArrayList<>();
            for (int d : shape) truth.add(Tensor.randn(rnd, 1f, d, r));
            float[] w = {1, 1, 1};
            Tensor t = new CpDecomposition(w, truth, 0, 0, true).reconstruct();
            CpDecomposition cp = CpAls.decompose(t, r, new CpAls.Options(1e-12, 1000, 7));
            String label = Arrays.toString(shape);
            assertTrue(cp.relativeError() < 1e-4, label + ": relative error " + cp.relativeError() + " after "
                    + cp.iterations() + " sweeps");
            // Each planted component matches one found component up to scale (cosines near 1 in every mode).
            boolean[] used = new boolean[r];
            for (int c = 0; c < r; c++) {
                int best = -1;
                double bestScore = 0;
                for (int e = 0; e < r; e++) {
                    if (used[e]) continue;
                    double score = 1;
                    for (int n = 0; n < shape.length; n++) score *= Math.abs(cosine(truth.get(n), c, cp.factors().get(n), e));
                    if (score > bestScore) {
                        bestScore = score;
                        best = e;
                    }
                }
                assertTrue(bestScore > 0.999, label + ": planted component " + c + " best congruence " + bestScore);
                used[best] = true;
            }
            CpDecomposition again = CpAls.decompose(t, r, new CpAls.Options(1e-12, 1000, 7));
            assertArrayEquals(cp.weights(), again.weights(), "same seed, same result");
        }
    }

    @Test
    void cpAlsOnAMatrixAndAVector() {
        SplittableRandom rnd = new SplittableRandom(106);
        Tensor v = Tensor.randn(rnd, 1f, 9);
        CpDecomposition cv = CpAls.decompose(v, 1);
        assertTrue(cv.relativeError() < 1e-6, "order 1: " + cv.relativeError());
        Tensor m = DecompositionTest.lowRankTucker(rnd, new int[] {7, 6}, new int[] {2, 2});
        CpDecomposition cm = CpAls.decompose(m, 2);
        assertTrue(cm.relativeError() < 1e-4, "rank-2 matrix: " + cm.relativeError());
        assertTrue(cm.weights()[0] >= cm.weights()[1]);
    }

    private static double cosine(Tensor a, int ca, Tensor b, int cb) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.dim(0); i++) {
            double x = a.get(i, ca), y = b.get(i, cb);
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return ab / Math.sqrt(aa * bb);
    }
}
