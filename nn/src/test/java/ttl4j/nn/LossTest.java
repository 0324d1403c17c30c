package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ttl4j.engine.Tensor;

class LossTest {

    @Test
    void knownValues() {
        // Uniform logits over 4 classes: loss log 4, gradient (1/4 - onehot) / B.
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        SoftmaxCrossEntropy.Result r = ce.compute(Tensor.zeros(2, 4), new int[] {1, 3});
        assertEquals(Math.log(4), r.loss(), 1e-7);
        assertEquals(0.125f, r.dlogits().get(0, 0), 1e-7f);
        assertEquals(-0.375f, r.dlogits().get(0, 1), 1e-7f);
        assertEquals(-0.375f, r.dlogits().get(1, 3), 1e-7f);
    }

    @Test
    void stableForHugeLogits() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        Tensor z = Tensor.of(new float[] {1000f, -1000f, 0f, 3e38f, -3e38f, 3e38f}, 2, 3);
        SoftmaxCrossEntropy.Result r = ce.compute(z, new int[] {1, 1});
        assertTrue(Double.isFinite(r.loss()), "loss " + r.loss());
        // Row 0: loss = 2000 (log-sum-exp ~ 1000, minus -1000); row 1: ~6e38 but finite in double.
        assertEquals((2000 + 6e38) / 2, r.loss(), 1e33);
        for (float v : r.dlogits().toArray()) assertTrue(Float.isFinite(v), "dlogits " + r.dlogits());
        assertEquals(-0.5f, r.dlogits().get(0, 1), 1e-7f);
    }

    @Test
    void accuracyCountsFirstMaximum() {
        Tensor z = Tensor.of(new float[] {1, 2, 2, 5, 0, 0}, 2, 3);
        assertEquals(1, SoftmaxCrossEntropy.correct(z, new int[] {2, 0}));
        assertEquals(0.5, SoftmaxCrossEntropy.accuracy(z, new int[] {2, 0}));
        assertEquals(1, new SoftmaxCrossEntropy().compute(z, new int[] {2, 0}).correct());
    }

    @Test
    void badLabelsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxCrossEntropy().compute(Tensor.zeros(2, 3), new int[] {0, 3}));
        assertTrue(e.getMessage().contains("label 3 at batch row 1"), e.getMessage());
    }
}
