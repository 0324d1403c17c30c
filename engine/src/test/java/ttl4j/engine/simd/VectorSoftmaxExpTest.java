package ttl4j.engine.simd;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.ScalarOps;

/** Both exp strategies of the vector softmax (only one is the default on a given JDK) against the twin. */
class VectorSoftmaxExpTest {

    @Test
    void vectorAndScalarExpAgreeWithTheTwin() {
        SplittableRandom rnd = new SplittableRandom(31);
        int[][] shapes = {{1, 1, 1}, {7, 10, 1}, {3, 17, 1}, {2, 1031, 1}, {3, 5, 16}, {2, 7, 37}, {1, 3, 1030}};
        for (int[] s : shapes) {
            int outer = s[0], len = s[1], inner = s[2], n = outer * len * inner;
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 60 - 30);
            float[] r = new float[n];
            ScalarOps.INSTANCE.softmaxAxis(outer, len, inner, x, 2, r, 0);
            for (boolean vectorExp : new boolean[] {true, false}) {
                float[] z = new float[n];
                VectorReductions.softmaxAxis(outer, len, inner, x, 2, z, 0, vectorExp);
                FloatAsserts.assertClose("softmax " + java.util.Arrays.toString(s) + " vectorExp=" + vectorExp, r, z, 1e-9, 4e-6);
            }
        }
    }
}
