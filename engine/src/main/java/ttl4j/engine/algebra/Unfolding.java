package ttl4j.engine.algebra;

import static ttl4j.engine.algebra.AlgebraChecks.checkMode;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/**
 * Mode-n unfolding and folding (copies). The unfolding {@code T_(n)} of a row-major tensor is
 * {@code I_n x (P Q)}: row i holds the slice {@code i} of mode n, its columns run over the other
 * modes in row-major order (mode 0 slowest, the last mode fastest), i.e.
 * {@code T_(n)[i, p Q + q] = T[p, i, q]}. The products in {@link ModeProducts} never form it.
 */
public final class Unfolding {
    private Unfolding() {}

    /**
     * Mode-n unfolding {@code T_(n)}: a new {@code I_n x (size / I_n)} matrix with
     * {@code T_(n)[i, p Q + q] = T[p, i, q]} (the other modes in row-major order). Copies.
     */
    public static Tensor unfold(Tensor t, int n) {
        int[] shape = t.shape();
        checkMode("unfold", shape, n);
        int in = shape[n], p = t.sizeBetween(0, n), q = t.sizeBetween(n + 1, shape.length);
        Tensor m = Tensor.zeros(in, p * q);
        float[] src = t.data(), dst = m.data();
        int off = t.offset();
        for (int i = 0; i < in; i++) {
            for (int pi = 0; pi < p; pi++) {
                System.arraycopy(src, off + (pi * in + i) * q, dst, i * p * q + pi * q, q);
            }
        }
        return m;
    }

    /** Inverse of {@link #unfold}: a new tensor of {@code shape} from its mode-n unfolding. Copies. */
    public static Tensor fold(Tensor mat, int n, int[] shape) {
        checkMode("fold", shape, n);
        int in = shape[n];
        int p = AlgebraChecks.before(shape, n), q = AlgebraChecks.after(shape, n);
        mat.requireShape("fold: mode-" + n + " unfolding of a tensor of shape " + Arrays.toString(shape), in, p * q);
        Tensor t = Tensor.zeros(shape);
        float[] src = mat.data(), dst = t.data();
        int off = mat.offset();
        for (int i = 0; i < in; i++) {
            for (int pi = 0; pi < p; pi++) {
                System.arraycopy(src, off + i * p * q + pi * q, dst, (pi * in + i) * q, q);
            }
        }
        return t;
    }
}
