package ttl4j.engine.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The seven-loop definition against the double-precision reference over awkward shapes. */
class ScalarConvTest {

    /** Awkward shapes: 1x1 to 7x7, strides 1-2, padding 0-3, non-square, C = 1 and 3, input smaller than the kernel, batch 1. */
    static List<ConvShape> awkwardShapes() {
        List<ConvShape> l = new ArrayList<>();
        l.add(ConvShape.of(1, 1, 5, 5, 1, 1, 1, 0));
        l.add(ConvShape.of(2, 3, 7, 6, 4, 3, 1, 1));
        l.add(ConvShape.of(1, 3, 9, 9, 2, 5, 2, 2));
        l.add(ConvShape.of(2, 2, 8, 11, 3, 7, 1, 3));
        l.add(ConvShape.of(1, 1, 2, 2, 3, 3, 1, 1));   // input smaller than the kernel, padded
        l.add(ConvShape.of(3, 4, 6, 6, 5, 3, 2, 0));
        l.add(new ConvShape(2, 3, 6, 9, 4, 2, 3, 1, 2, 0, 1, 1, 1));  // non-square kernel, stride and padding
        l.add(new ConvShape(1, 2, 9, 9, 2, 3, 3, 1, 1, 2, 2, 2, 2));  // dilation 2
        l.add(ConvShape.of(1, 5, 1, 1, 3, 1, 1, 0));
        return l;
    }

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Test
    void theDefinitionMatchesTheDoubleReference() {
        SplittableRandom r = new SplittableRandom(1);
        for (ConvShape s : awkwardShapes()) {
            float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC()), dy = random(r, s.outputSize());
            float[] y = new float[s.outputSize()];
            ScalarConv.forward(s, x, 0, w, 0, b, 0, y, 0);
            double err = ConvReference.worstRelative(y, 0, ConvReference.forward(s, x, w, b), ConvReference.forwardScale(s, x, w, b));
            assertTrue(err < 1e-6, s + ": forward error " + err);
            float[] dx = new float[s.inputSize()];
            ScalarConv.backwardData(s, dy, 0, w, 0, dx, 0);
            double[] dxr = ConvReference.backwardData(s, dy, w), dxs = ConvReference.backwardData(s, ConvReference.abs(dy), ConvReference.abs(w));
            assertTrue(ConvReference.worstRelative(dx, 0, dxr, dxs) < 1e-6, s + ": input gradient");
            float[] dw = new float[s.weightSize()], db = new float[s.outC()];
            ScalarConv.backwardWeights(s, x, 0, dy, 0, 0f, dw, 0, db, 0);
            double[] g = ConvReference.backwardWeights(s, x, dy), gs = ConvReference.backwardWeights(s, ConvReference.abs(x), ConvReference.abs(dy));
            float[] both = new float[g.length];
            System.arraycopy(dw, 0, both, 0, dw.length);
            System.arraycopy(db, 0, both, dw.length, db.length);
            assertTrue(ConvReference.worstRelative(both, 0, g, gs) < 1e-6, s + ": weight and bias gradients");
        }
    }

    @Test
    void shapesAreCheckedWithTheValuesNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 3, 2, 2, 4, 5, 1, 0));
        assertTrue(e.getMessage().contains("does not fit the 2x2 input"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 3, 8, 8, 4, 3, 0, 1));
        assertEquals(4, ConvShape.of(1, 1, 8, 8, 1, 3, 2, 1).outH());
        ConvShape s = ConvShape.of(2, 3, 8, 8, 4, 3, 1, 1);
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> Convolutions.forward(s, new float[10], 0, new float[s.weightSize()], 0, null, 0, new float[s.outputSize()], 0));
        assertTrue(small.getMessage().contains("conv2d forward: X needs " + s.inputSize()), small.getMessage());
    }
}
