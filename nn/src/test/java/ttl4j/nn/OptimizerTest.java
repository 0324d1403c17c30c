package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;

/** Optimiser updates and schedules against values worked out by hand (PyTorch's formulas). */
class OptimizerTest {

    /** Runs an optimiser on a one-element parameter starting at 1 with the given gradient sequence. */
    private static float[] run(Optimizer o, float lr, float... grads) {
        Param p = Param.zeros("w", 1);
        p.value().setFlat(0, 1f);
        float[] ws = new float[grads.length];
        for (int i = 0; i < grads.length; i++) {
            p.grad().setFlat(0, grads[i]);
            o.step(List.of(p), lr);
            ws[i] = p.value().getFlat(0);
        }
        return ws;
    }

    @Test
    void sgdPlain() {
        // w = 1 - 0.5 * 0.2; then 0.9 + 0.5 * 0.4.
        FloatAsserts.assertClose("sgd", new float[] {0.9f, 1.1f}, run(new Sgd(), 0.5f, 0.2f, -0.4f), 1e-7, 1e-6);
    }

    @Test
    void sgdMomentumWithWeightDecay() {
        // g1 = 0.2 + 0.1*1 = 0.3, v = 0.3, w = 0.85; g2 = -0.4 + 0.085 = -0.315, v = 0.27 - 0.315 = -0.045, w = 0.8725.
        FloatAsserts.assertClose("momentum", new float[] {0.85f, 0.8725f}, run(new Sgd(0.9, false, 0.1), 0.5f, 0.2f, -0.4f), 1e-7, 1e-6);
    }

    @Test
    void sgdNesterov() {
        // step 1: g = 0.3, v = 0.3, update g + 0.9 v = 0.57, w = 0.715;
        // step 2: g = -0.4 + 0.0715 = -0.3285, v = 0.27 - 0.3285 = -0.0585, update -0.38115, w = 0.905575.
        FloatAsserts.assertClose("nesterov", new float[] {0.715f, 0.905575f}, run(new Sgd(0.9, true, 0.1), 0.5f, 0.2f, -0.4f), 1e-7, 1e-6);
    }

    @Test
    void adamAndAdamW() {
        FloatAsserts.assertClose("adam", new float[] {0.9000000050f, 0.9366103565f, 0.9502794223f},
                run(Adam.adam(), 0.1f, 0.2f, -0.4f, 0.1f), 1e-6, 1e-6);
        FloatAsserts.assertClose("adam + L2", new float[] {0.9000000033f, 0.9069015213f, 0.8859373475f},
                run(Adam.adam(0.9, 0.999, 1e-8, 0.1), 0.1f, 0.2f, -0.4f, 0.1f), 1e-6, 1e-6);
        FloatAsserts.assertClose("adamw", new float[] {0.8900000050f, 0.9177103565f, 0.9222023187f},
                run(Adam.adamW(0.9, 0.999, 1e-8, 0.1), 0.1f, 0.2f, -0.4f, 0.1f), 1e-6, 1e-6);
    }

    @Test
    void stateExportImportContinuesBitwise() {
        for (Optimizer fresh : new Optimizer[] {new Sgd(0.9, true, 1e-3), Adam.adamW(0.9, 0.99, 1e-8, 0.01)}) {
            Optimizer a = Optimizer.create(fresh.name(), fresh.hyperParameters());
            Param p = Param.zeros("layers.0.weight", 2, 3);
            for (int i = 0; i < 6; i++) p.value().setFlat(i, 0.1f * i - 0.2f);
            Param q = new Param("layers.0.weight", p.value().copy(), Tensor.zeros(2, 3));
            float[][] grads = new float[4][6];
            for (int s = 0; s < 4; s++) for (int i = 0; i < 6; i++) grads[s][i] = (float) Math.sin(s * 7 + i);
            for (int s = 0; s < 4; s++) {
                p.grad().copyFrom(Tensor.of(grads[s].clone(), 2, 3));
                a.step(List.of(p), 0.05f);
            }
            // Second run: two steps, export, import into a new optimiser, two more steps.
            Optimizer b1 = Optimizer.create(fresh.name(), fresh.hyperParameters());
            for (int s = 0; s < 2; s++) {
                q.grad().copyFrom(Tensor.of(grads[s].clone(), 2, 3));
                b1.step(List.of(q), 0.05f);
            }
            Optimizer b2 = Optimizer.create(fresh.name(), fresh.hyperParameters());
            b2.importState(b1.steps(), Map.copyOf(b1.exportState()), List.of(q));
            for (int s = 2; s < 4; s++) {
                q.grad().copyFrom(Tensor.of(grads[s].clone(), 2, 3));
                b2.step(List.of(q), 0.05f);
            }
            FloatAsserts.assertBitwiseEqual(fresh.name() + " resumed", p.value().toArray(), q.value().toArray());
            assertEquals(4, b2.steps());
        }
    }

    @Test
    void importRejectsWrongShapes() {
        Param p = Param.zeros("w", 2);
        Sgd s = new Sgd(0.9, false, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.importState(1, Map.of("w.momentum", Tensor.zeros(3)), List.of(p)));
        assertEquals(true, e.getMessage().contains("w.momentum"), e.getMessage());
    }

    @Test
    void schedules() {
        LrSchedule c = LrSchedule.constant(0.1);
        assertEquals(0.1, c.lr(0));
        assertEquals(0.1, c.lr(1000));
        LrSchedule st = LrSchedule.step(0.1, 10, 0.5);
        assertEquals(0.1, st.lr(9), 1e-15);
        assertEquals(0.05, st.lr(10), 1e-15);
        assertEquals(0.025, st.lr(25), 1e-15);
        LrSchedule cos = LrSchedule.cosine(1.0, 110, 10, 0.0);
        assertEquals(0.1, cos.lr(0), 1e-12);
        assertEquals(1.0, cos.lr(9), 1e-12);
        assertEquals(1.0, cos.lr(10), 1e-12);
        assertEquals(0.5, cos.lr(60), 1e-12);
        assertEquals(0.0, cos.lr(110), 1e-12);
        for (LrSchedule s : new LrSchedule[] {c, st, cos, LrSchedule.cosine(0.3, 50, 0, 0.01)}) {
            LrSchedule back = LrSchedule.parse(s.spec());
            assertEquals(s.spec(), back.spec());
            for (long k = 0; k < 120; k += 7) assertEquals(s.lr(k), back.lr(k));
        }
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("linear(lr=1)"));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1));
    }
}
