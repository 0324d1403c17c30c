package ttl4j.nn;

import ttl4j.engine.Tensor;

/** Grow-only scratch arrays: a smaller batch reuses the array of a larger one through a view. */
final class Buffers {
    private Buffers() {}

    static float[] ensure(float[] buf, int n) {
        return buf != null && buf.length >= n ? buf : new float[n];
    }

    /** A batch-first shape {@code [batch, sample...]}. */
    static int[] batchShape(int batch, int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    static int[] sampleShape(Tensor x) {
        int[] s = x.shape();
        if (s.length == 0) throw new IllegalArgumentException("expected a batch-first tensor, got a scalar");
        return java.util.Arrays.copyOfRange(s, 1, s.length);
    }
}
