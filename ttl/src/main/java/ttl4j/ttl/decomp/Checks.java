package ttl4j.ttl.decomp;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/** Argument checks of the decompositions. */
final class Checks {
    private Checks() {}

    /** The shape of {@code t}, after checking it is a finite tensor of order >= 1 with no empty dimension. */
    static int[] finiteTensor(String what, Tensor t) {
        if (t == null) throw new NullPointerException(what + ": tensor is null");
        int[] shape = t.shape();
        if (shape.length == 0) throw new IllegalArgumentException(what + ": needs a tensor of order >= 1, got a scalar");
        for (int d : shape) {
            if (d < 1) throw new IllegalArgumentException(what + ": empty dimension in shape " + Arrays.toString(shape));
        }
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) {
            if (!Float.isFinite(d[off + i])) {
                throw new IllegalArgumentException(what + ": element " + i + " (row-major) of the tensor of shape "
                        + Arrays.toString(shape) + " is " + d[off + i] + "; the input must be finite");
            }
        }
        return shape;
    }
}
