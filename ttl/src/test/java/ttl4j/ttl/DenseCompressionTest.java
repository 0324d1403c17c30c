package ttl4j.ttl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;
import ttl4j.nn.Dense;
import ttl4j.nn.Init;
import ttl4j.ttl.decomp.RankSpec;
import ttl4j.ttl.decomp.TuckerDecomposition;

class DenseCompressionTest {

    /** Explicit reference of W[j, i] = sum G[s.., r..] B_m[j_m, s_m] A_n[i_n, r_n], one index at a time, for M = 2, N = 2. */
    private static double referenceWeight(TuckerLayer l, int j1, int j2, int i1, int i2) {
        Tensor g = l.core().value();
        Tensor b1 = l.outFactor(0).value(), b2 = l.outFactor(1).value(), a1 = l.inFactor(0).value(), a2 = l.inFactor(1).value();
        double s = 0;
        for (int s1 = 0; s1 < g.dim(0); s1++)
            for (int s2 = 0; s2 < g.dim(1); s2++)
                for (int r1 = 0; r1 < g.dim(2); r1++)
                    for (int r2 = 0; r2 < g.dim(3); r2++) {
                        s += (double) g.get(s1, s2, r1, r2) * b1.get(j1, s1) * b2.get(j2, s2) * a1.get(i1, r1) * a2.get(i2, r2);
                    }
        return s;
    }

    @Test
    void layerReconstructsTheDecompositionsWeightWithTwoOutputAndTwoInputModes() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[] out = {3, 4}, in = {6, 5};
        Tensor w = Tensor.randn(rnd, 1f, 12, 30);
        Tensor bias = Tensor.randn(rnd, 1f, 12);
        for (DenseCompression.Method method : DenseCompression.Method.values()) {
            DenseCompression.Result res = DenseCompression.compress(w, bias, out, in, RankSpec.explicit(2, 3, 4, 2), method, Init.HE);
            TuckerLayer l = res.layer();
            TuckerDecomposition d = res.decomposition();
            assertArrayEquals(new int[] {2, 3}, l.outRanks());
            assertArrayEquals(new int[] {4, 2}, l.inRanks());
            float[] expected = d.reconstruct().toArray();
            float[] got = l.reconstructWeight().toArray();
            FloatAsserts.assertClose(method + ": layer weight vs decomposition", expected, got, 1e-5, 1e-4);
            // Pins the index convention independently of both implementations.
            for (int j1 = 0; j1 < 3; j1++)
                for (int j2 = 0; j2 < 4; j2++)
                    for (int i1 = 0; i1 < 6; i1++)
                        for (int i2 = 0; i2 < 5; i2++) {
                            double ref = referenceWeight(l, j1, j2, i1, i2);
                            float v = got[(j1 * 4 + j2) * 30 + i1 * 5 + i2];
                            assertEquals(ref, v, 1e-4 + 1e-4 * Math.abs(ref), "W[" + j1 + "," + j2 + "," + i1 + "," + i2 + "]");
                        }
            assertArrayEquals(bias.toArray(), l.bias().value().toArray());
        }
    }

    @Test
    void fullRanksReproduceTheDenseLayersOutputs() {
        SplittableRandom rnd = new SplittableRandom(9);
        Dense dense = new Dense(42, 10, Init.HE, rnd);
        dense.bias().value().copyFrom(Tensor.randn(rnd, 0.1f, 10));
        int[] in = {7, 6}, out = {10};
        // Full multilinear ranks: min(dim, product of the others).
        RankSpec full = RankSpec.explicit(10, 7, 6);
        DenseCompression.Result res = DenseCompression.compress(dense.weight().value(), dense.bias().value(), out, in, full,
                DenseCompression.Method.HOSVD, Init.HE);
        assertTrue(res.decomposition().relativeError() < 1e-5, "relative error " + res.decomposition().relativeError());
        FloatAsserts.assertClose("full-rank weight", dense.weight().value().toArray(), res.layer().reconstructWeight().toArray(), 1e-5, 1e-4);
        Tensor x = Tensor.randn(rnd, 1f, 17, 42);
        float[] yDense = dense.forward(x, false).toArray();
        for (TuckerLayer.Mode mode : TuckerLayer.Mode.values()) {
            TuckerLayer l = DenseCompression.toLayer(res.decomposition(), out, in, dense.bias().value(), mode, Init.HE);
            FloatAsserts.assertClose("outputs, " + mode, yDense, l.forward(x, false).toArray(), 1e-4, 1e-4);
        }
    }

    @Test
    void energyRuleKeepsAtLeastTheFractionPerMode() {
        SplittableRandom rnd = new SplittableRandom(3);
        Tensor w = Tensor.randn(rnd, 1f, 20, 36);
        DenseCompression.Result res = DenseCompression.compress(w, null, new int[] {20}, new int[] {6, 6}, RankSpec.energy(0.8),
                DenseCompression.Method.HOSVD, Init.GLOROT);
        for (double e : res.decomposition().keptEnergy()) assertTrue(e >= 0.8 - 1e-9, "kept " + e);
        assertTrue(res.layer().weightCount() < res.layer().denseWeightCount() || res.layer().inRanks()[0] == 6);
    }

    @Test
    void shapeMismatchesAreNamed() {
        Tensor w = Tensor.zeros(12, 30);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DenseCompression.tensorShape(w, new int[] {12}, new int[] {5, 5}));
        assertTrue(e.getMessage().contains("input shape 5x5 has 25 values but the layer takes 30 inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DenseCompression.tensorShape(w, new int[] {3, 3}, new int[] {30}));
        assertTrue(e.getMessage().contains("output shape 3x3 has 9 values but the layer has 12 outputs"), e.getMessage());
    }
}
