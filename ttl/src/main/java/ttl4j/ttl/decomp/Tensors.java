package ttl4j.ttl.decomp;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/** Checks and double-precision norms shared by the decompositions. */
final class Tensors {
    private Tensors() {}

    /** Shape of a finite tensor of order >= 1 with no empty dimension. */
    static int[] checkTensor(String what, Tensor t) {
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

    /** Squared Frobenius norm in double. */
    static double normSquared(Tensor t) {
        float[] d = t.data();
        int off = t.offset();
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += (double) d[off + i] * d[off + i];
        return s;
    }

    /** {@code ||a - b|| / ||a||} in double (absolute error when a is zero). */
    static double relativeError(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        int xo = a.offset(), yo = b.offset();
        double num = 0, den = 0;
        for (int i = 0; i < a.size(); i++) {
            double r = x[xo + i], e = r - y[yo + i];
            num += e * e;
            den += r * r;
        }
        return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
    }
}
