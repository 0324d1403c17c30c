package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/**
 * Grow-only scratch arrays for layers and batch sources: a smaller batch reuses the array of a
 * larger one through a view, so steady-state training allocates nothing.
 */
public final class Buffers {
    private Buffers() {}

    /** {@code buf} when it holds at least {@code n} floats, else a new array of exactly {@code n}. */
    public static float[] ensure(float[] buf, long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("buffer of " + n + " floats is out of range");
        return buf != null && buf.length >= n ? buf : new float[(int) n];
    }

    /** A batch-first shape {@code [batch, sample...]}. */
    public static int[] batchShape(int batch, int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    static int[] sampleShape(Tensor x) {
        int[] s = x.shape();
        if (s.length == 0) throw new IllegalArgumentException("expected a batch-first tensor, got a scalar");
        return Arrays.copyOfRange(s, 1, s.length);
    }
}
