package ttl4j.ttl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.Tensor;
import ttl4j.nn.ArrayBatchSource;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Optimizer;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;

class ImportanceTest {
    static final String SPEC = "ttl(5x4->6; r=2x3; s=3)|relu|dense(3)";

    /** {@code n} samples of 5 x 4 with row {@code zeroRow} and column {@code zeroCol} exactly zero. */
    static ArrayBatchSource data(int n, int batch, int zeroRow, int zeroCol, boolean shuffle) {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * 20];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = r.nextInt(3);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 4; j++) x[s * 20 + i * 4 + j] = i == zeroRow || j == zeroCol ? 0f : (float) Tensor.gaussian(r) + y[s];
            }
        }
        return new ArrayBatchSource(x, y, new int[] {20}, batch, shuffle);
    }

    static Sequential model() {
        new TuckerSpecExtension().register();
        return ModelSpec.build(SPEC, new int[] {20}, 5);
    }

    @Test
    void zeroSliceGivesExactlyZeroGradientRow() {
        Explainer.Result res = Explainer.explain(model(), data(23, 7, 2, 1, false), 0);
        Tensor a0 = res.grads().get("layers.0.in_factors.0"), a1 = res.grads().get("layers.0.in_factors.1");
        for (int j = 0; j < 2; j++) assertEquals(0f, a0.get(2, j), "row 2 of dA_0");
        for (int j = 0; j < 3; j++) assertEquals(0f, a1.get(1, j), "row 1 of dA_1");
        // and the other rows are not zero
        assertTrue(res.modes().get(0).gradNorm()[0] > 0);
        assertEquals(0.0, res.modes().get(0).gradShare()[2]);
        assertEquals(0.0, res.modes().get(1).gradShare()[1]);
        assertEquals(1.0, Arrays.stream(res.modes().get(1).gradShare()).sum(), 1e-12);
    }

    @Test
    void trackerLeavesZeroSliceAtZeroAndCountsEpochs() {
        Sequential net = model();
        Trainer tr = new Trainer(net, Optimizer.create("adam", Map.of()), LrSchedule.constant(1e-2), 1);
        ImportanceTracker t = ImportanceTracker.attach(tr);
        tr.fit(data(40, 8, 3, 0, true), null, 2);
        assertEquals(10, t.steps());
        assertEquals(2, t.epochs().size());
        assertEquals(0.0, t.total(t.site(0))[3]);
        assertEquals(0.0, t.total(t.site(1))[0]);
        double[] e1 = t.epochs().get(0).sqNorms().get(0), e2 = t.epochs().get(1).sqNorms().get(0), tot = t.total(0);
        for (int i = 0; i < 5; i++) assertEquals(tot[i], e1[i] + e2[i], 1e-12 * (1 + tot[i]));
    }

    @Test
    void trackerMatchesExplainOnOneBatch() {
        // Same initial weights, one batch holding every sample in order: the step's gradient is the explained one.
        Explainer.Result ex = Explainer.explain(model(), data(16, 16, -1, -1, false), 0);
        Sequential net = model();
        Trainer tr = new Trainer(net, Optimizer.create("sgd", Map.of()), LrSchedule.constant(1e-3), 1);
        ImportanceTracker t = ImportanceTracker.attach(tr);
        tr.fit(data(16, 16, -1, -1, false), null, 1);
        for (int m = 0; m < 2; m++) {
            double[] tracked = t.total(t.site(m));
            double[] norms = ex.modes().get(m).gradNorm();
            for (int i = 0; i < tracked.length; i++) {
                double want = norms[i] * norms[i];
                assertEquals(want, tracked[i], 1e-5 * want + 1e-12, "mode " + m + " row " + i);
            }
        }
    }

    @Test
    void informativeSlicesOutrankNoise() {
        SyntheticExperiment.Options o = new SyntheticExperiment.Options(8, new int[] {1, 5}, new int[] {2, 6}, 3, 1000, 200, 1.0, 0.5,
                3, 32, 1e-2, 3, 12, 7);
        SyntheticExperiment.Result r = SyntheticExperiment.run(o);
        assertEquals(1.0, r.precisionRows(), () -> "rows " + Arrays.toString(r.rowImportance()));
        assertEquals(1.0, r.precisionCols(), () -> "cols " + Arrays.toString(r.colImportance()));
        assertTrue(r.testAccuracy() > 0.8, () -> "accuracy " + r.testAccuracy());
    }

    @Test
    void precisionAtK() {
        assertEquals(0.5, SyntheticExperiment.precisionAtK(new double[] {0.1, 0.4, 0.3, 0.2}, new int[] {1, 3}));
        assertEquals(1.0, SyntheticExperiment.precisionAtK(new double[] {0.1, 0.4, 0.3, 0.2}, new int[] {2, 1}));
    }
}
