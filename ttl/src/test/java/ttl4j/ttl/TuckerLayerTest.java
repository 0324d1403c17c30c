package ttl4j.ttl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;
import ttl4j.nn.ArrayBatchSource;
import ttl4j.nn.Adam;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Dense;
import ttl4j.nn.Init;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.Layer;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Param;
import ttl4j.nn.Sequential;
import ttl4j.nn.SpecException;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;

class TuckerLayerTest {

    private static TuckerLayer layer(int[] in, int[] out, int[] r, int[] s, TuckerLayer.Mode mode, Init init, long seed) {
        return new TuckerLayer(in, out, r, s, mode, init, new SplittableRandom(seed));
    }

    @Test
    void paperLayerCompressesExactly66point63Fold() {
        Sequential m = ModelSpec.build("ttl-mnist", new int[] {784}, 1);
        TuckerLayer t = (TuckerLayer) m.layer(0);
        assertEquals(235_200, t.denseWeightCount());
        assertEquals(3_530, t.weightCount());
        assertEquals(300, t.biasCount());
        assertEquals("66.63", String.format(java.util.Locale.ROOT, "%.2f", (double) t.denseWeightCount() / t.weightCount()));
        assertEquals("ttl(28x28->300; r=5x5; s=10)|relu|dense(10)", m.spec());
        assertEquals(Init.HE, t.init(), "a relu follows, so he");

        CompressionReport rep = CompressionReport.of(m);
        assertEquals(2, rep.rows().size());
        CompressionReport.Row first = rep.rows().get(0);
        assertEquals(0, first.index());
        assertEquals(235_200.0 / 3_530, first.ratio(), 1e-12);
        assertEquals(3000, rep.rows().get(1).weights());
        assertEquals(1.0, rep.rows().get(1).ratio());
        assertEquals(238_200, rep.total().denseWeights());
        assertEquals(6_530, rep.total().weights());
        assertEquals(310, rep.total().biases());
        assertEquals(m.parameterCount(), rep.total().weights() + rep.total().biases());
        String table = rep.table();
        assertTrue(table.contains("66.63x"), table);
        assertTrue(table.contains("36.48x"), table);

        // The flattened preset on image-shaped input.
        Sequential img = ModelSpec.build("ttl-mnist", new int[] {1, 28, 28}, 1);
        assertEquals("flatten|ttl(28x28->300; r=5x5; s=10)|relu|dense(10)", img.spec());
        assertEquals(10, img.outputShape(new int[] {1, 28, 28})[0]);
    }

    @Test
    void specSyntax() {
        Sequential a = ModelSpec.build("ttl(4x6->2x3, r=2, s=2x1, mode=reconstructed, init=glorot)", new int[] {24}, 3);
        TuckerLayer t = (TuckerLayer) a.layer(0);
        assertEquals(List.of(2, 2), List.of(t.inRanks()[0], t.inRanks()[1]));
        assertEquals(TuckerLayer.Mode.RECONSTRUCTED, t.mode());
        assertEquals("ttl(4x6->2x3; r=2x2; s=2x1; mode=reconstructed)", t.spec());
        // The spec a layer prints builds the same layer.
        Sequential b = ModelSpec.build(a.spec(), new int[] {4, 6}, 3);
        assertEquals(a.spec(), b.spec());
        FloatAsserts.assertBitwiseEqual("same seed, same core", t.core().value().toArray(), ((TuckerLayer) b.layer(0)).core().value().toArray());
        assertEquals(List.of("core", "in_factors.0", "in_factors.1", "out_factors.0", "out_factors.1", "bias"),
                t.params().stream().map(Param::name).toList());

        for (String bad : new String[] {"ttl(4x6->5; r=2)", "ttl(4x6->5; s=2)", "ttl(4x6; r=2; s=2)", "ttl(4x6->5; r=2x2x2; s=1)",
                "ttl(4xa->5; r=2; s=2)", "ttl(4x6->5; r=2; s=2; mode=fast)", "ttl(4x6->5; r=2; s=2; q=1)", "ttl(5x5->5; r=2; s=2)",
                "ttl(4x6->5; r=0; s=2)"}) {
            assertThrows(SpecException.class, () -> ModelSpec.build(bad, new int[] {24}, 1), bad);
        }
        SpecException e = assertThrows(SpecException.class, () -> ModelSpec.build("ttl(4x6->5; r=5x2; s=2)", new int[] {24}, 1));
        assertTrue(e.getMessage().contains("input rank 5 of mode 1 exceeds its size 4"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("ttl(4x6->5; r=2x2; s=6)", new int[] {24}, 1));
        assertTrue(e.getMessage().contains("output rank 6 of mode 1 exceeds its size 5"), e.getMessage());
    }

    @Test
    void initialisationGivesTheDenseStandardDeviation() {
        int[][][] cases = {
                {{28, 28}, {300}, {5, 5}, {10}},
                {{8, 8, 8}, {16, 16, 16}, {4, 4, 4}, {6, 6, 6}},
                {{6, 4}, {5}, {3, 7}, {2}}, // a rank above its dimension
        };
        for (int[][] c : cases) {
            for (Init init : Init.values()) {
                TuckerLayer t = layer(c[0], c[1], c[2], c[3], TuckerLayer.Mode.AUTO, init, 5);
                float[] w = t.reconstructWeight().toArray();
                double ss = 0, sum = 0;
                for (float v : w) {
                    ss += (double) v * v;
                    sum += v;
                }
                double mean = sum / w.length;
                double std = Math.sqrt(ss / w.length - mean * mean);
                double target = init.std(t.inSize(), t.outSize());
                assertEquals(target, std, 0.10 * target, init + " on " + t);
                // Orthonormal columns (or rows) of the factors.
                for (int n = 0; n < c[0].length; n++) {
                    Tensor a = t.inFactor(n).value();
                    int rows = a.dim(0), cols = a.dim(1);
                    boolean byCols = cols <= rows;
                    for (int i = 0; i < (byCols ? cols : rows); i++) {
                        for (int j = 0; j < (byCols ? cols : rows); j++) {
                            double d = 0;
                            for (int k = 0; k < (byCols ? rows : cols); k++) {
                                d += byCols ? a.get(k, i) * a.get(k, j) : a.get(i, k) * a.get(j, k);
                            }
                            assertEquals(i == j ? 1 : 0, d, 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void factorisedAndReconstructedAgreeAndMatchADenseLayer() {
        int[] in = {6, 5, 4}, out = {4, 7}, r = {3, 2, 4}, s = {2, 3};
        TuckerLayer f = layer(in, out, r, s, TuckerLayer.Mode.FACTORIZED, Init.HE, 31);
        TuckerLayer rc = layer(in, out, r, s, TuckerLayer.Mode.RECONSTRUCTED, Init.HE, 31);
        SplittableRandom rnd = new SplittableRandom(32);
        for (int i = 0; i < f.bias().size(); i++) f.bias().value().setFlat(i, (float) Tensor.gaussian(rnd));
        rc.bias().value().copyFrom(f.bias().value());
        Dense dense = new Dense(f.inSize(), f.outSize(), Init.HE, new SplittableRandom(1));
        dense.weight().value().copyFrom(f.reconstructWeight());
        dense.bias().value().copyFrom(f.bias().value());
        for (int batch : new int[] {1, 7, 33}) {
            Tensor x = Tensor.randn(rnd, 1f, batch, f.inSize());
            Tensor d = Tensor.randn(rnd, 1f, batch, f.outSize());
            float[] yf = f.forward(x, true).toArray();
            float[] yr = rc.forward(x, true).toArray();
            float[] yd = dense.forward(x, true).toArray();
            FloatAsserts.assertClose("factorised vs reconstructed, batch " + batch, yr, yf, 1e-5, 1e-4);
            FloatAsserts.assertClose("factorised vs dense, batch " + batch, yd, yf, 1e-5, 1e-4);
            f.zeroGrad();
            rc.zeroGrad();
            dense.zeroGrad();
            float[] dxf = f.backward(d).toArray();
            float[] dxr = rc.backward(d).toArray();
            float[] dxd = dense.backward(d).toArray();
            FloatAsserts.assertClose("input gradient factorised vs dense, batch " + batch, dxd, dxf, 1e-5, 1e-4);
            FloatAsserts.assertClose("input gradient reconstructed vs dense, batch " + batch, dxd, dxr, 1e-5, 1e-4);
            FloatAsserts.assertClose("bias gradient vs dense", dense.bias().grad().toArray(), f.bias().grad().toArray(), 1e-5, 1e-4);
            for (int k = 0; k < f.params().size(); k++) {
                FloatAsserts.assertClose("gradient of " + f.params().get(k).name() + " factorised vs reconstructed",
                        f.params().get(k).grad().toArray(), rc.params().get(k).grad().toArray(), 1e-5, 1e-4);
            }
        }
    }

    @Test
    void autoModeFollowsTheCostModel() {
        // Paper layer: factorised is far cheaper at any batch.
        TuckerLayer t = layer(new int[] {28, 28}, new int[] {300}, new int[] {5, 5}, new int[] {10}, TuckerLayer.Mode.AUTO, Init.HE, 1);
        TuckerLayer.Costs c = t.costs(128, true);
        assertTrue(c.factorized() * 10 < c.reconstructed(), c.toString());
        assertFalse(t.usesReconstruction(128, true));
        // Its factor gradients: A_1's from X against dP x_2 A_2 (lanes along rows of 28), A_2's
        // from the kept projection X x_1 A_1^T (no second pass over X).
        // (the routes are chosen by estimated time, which counts vector lanes: scalar kernels have one)
        if (ttl4j.engine.Engine.kernels().lanes() > 1) {
            assertTrue(t.factorGradientViaExpansion(128, 0));
            assertFalse(t.factorGradientViaExpansion(128, 1));
        }
        // Full ranks on a small layer and a large batch: the dense weight is cheaper.
        TuckerLayer full = layer(new int[] {4, 4}, new int[] {4, 4}, new int[] {4, 4}, new int[] {4, 4}, TuckerLayer.Mode.AUTO, Init.HE, 1);
        TuckerLayer.Costs cf = full.costs(256, false);
        assertTrue(cf.reconstructedForward() < cf.factorizedForward(), cf.toString());
        assertTrue(full.usesReconstruction(256, false));
        // what a profile reports: the training step's algorithm and its multiply-adds
        Layer.Work w = t.work(new int[] {28, 28}, 128);
        assertEquals(new Layer.Work(c.factorizedForward(), c.factorizedBackward(), "factorized"), w);
        TuckerLayer.Costs ct = full.costs(256, true);
        assertEquals(full.usesReconstruction(256, true) ? "reconstructed" : "factorized", full.work(new int[] {16}, 256).algorithm());
        assertEquals(full.usesReconstruction(256, true) ? ct.reconstructedBackward() : ct.factorizedBackward(),
                full.work(new int[] {16}, 256).backward());
        Tensor x = Tensor.randn(new SplittableRandom(3), 1f, 256, 16);
        Tensor y = full.forward(x, false);
        Tensor ref = new Dense(16, 16, Init.HE, new SplittableRandom(1)).forward(x, false); // shape only
        assertEquals(ref.size(), y.size());
        assertThrows(IllegalStateException.class, () -> full.backward(y), "backward after an inference forward");
        assertThrows(IllegalArgumentException.class, () -> full.forward(Tensor.zeros(2, 15), true));
    }

    @Test
    void checkpointRoundTrip(@TempDir Path dir) throws IOException {
        Sequential m = ModelSpec.build("ttl(4x6->2x3; r=2x3; s=2x2)|relu|dense(5)", new int[] {24}, 9);
        Path f = dir.resolve("m.safetensors");
        Checkpoint.save(f, m, new int[] {24}, null, Map.of());
        Checkpoint ck = Checkpoint.load(f);
        Map<String, Tensor> w = ck.weights();
        assertEquals(List.of(2, 2, 2, 3), toList(w.get("layers.0.core").shape()));
        assertEquals(List.of(4, 2), toList(w.get("layers.0.in_factors.0").shape()));
        assertEquals(List.of(6, 3), toList(w.get("layers.0.in_factors.1").shape()));
        assertEquals(List.of(2, 2), toList(w.get("layers.0.out_factors.0").shape()));
        assertEquals(List.of(3, 2), toList(w.get("layers.0.out_factors.1").shape()));
        assertEquals(List.of(6), toList(w.get("layers.0.bias").shape()));
        assertEquals("ttl(4x6->2x3; r=2x3; s=2x2)|relu|dense(5)", ck.modelSpec());
        Sequential back = ck.buildModel();
        Tensor x = Tensor.randn(new SplittableRandom(4), 1f, 3, 24);
        FloatAsserts.assertBitwiseEqual("reloaded model output", m.forward(x, false).toArray(), back.forward(x, false).toArray());
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) l.add(v);
        return l;
    }

    /** Two classes told apart by which rows of a 6x6 "image" are bright. */
    private static ArrayBatchSource rows(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 36];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            for (int p = 0; p < 36; p++) {
                int row = p / 6;
                float signal = (y[i] == 0 ? row < 2 : row >= 4) ? 1f : 0f;
                x[i * 36 + p] = signal + 0.5f * (float) Tensor.gaussian(r);
            }
        }
        return new ArrayBatchSource(x, y, new int[] {36}, 16, true);
    }

    @Test
    void tinyTtlNetworkTrains() {
        Sequential m = ModelSpec.build("ttl(6x6->4x4; r=3x3; s=2x2)|relu|dense(2)", new int[] {36}, 2);
        Trainer t = new Trainer(m, Adam.adam(), LrSchedule.constant(0.01), 3);
        List<Double> losses = new ArrayList<>();
        t.addCallback(new TrainingCallback() {
            @Override
            public void onStep(StepInfo s) {
                losses.add(s.loss());
            }
        });
        Trainer.Result res = t.fit(rows(1, 320), rows(2, 160), 4);
        double first = losses.get(0), last = res.epochs().get(3).trainLoss();
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        assertTrue(res.epochs().get(3).evalAccuracy() > 0.9, "held-out accuracy " + res.epochs().get(3).evalAccuracy());
    }
}
