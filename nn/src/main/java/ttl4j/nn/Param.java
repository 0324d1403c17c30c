package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/**
 * A named trainable tensor and its gradient (same shape). Names follow a PyTorch state dict:
 * a layer names its own parameters ({@code weight}, {@code bias}, {@code core}, ...) and a
 * {@link Sequential} prefixes them with {@code layers.<i>.}.
 */
public record Param(String name, Tensor value, Tensor grad) {
    public Param {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("parameter name is empty");
        if (!value.sameShape(grad)) {
            throw new IllegalArgumentException("parameter " + name + ": value shape " + Arrays.toString(value.shape())
                    + " differs from gradient shape " + Arrays.toString(grad.shape()));
        }
    }

    /** A new parameter of the given shape with a zero value and gradient. */
    public static Param zeros(String name, int... shape) {
        return new Param(name, Tensor.zeros(shape), Tensor.zeros(shape));
    }

    /** The same tensors under another name (used by containers to prefix names). */
    public Param renamed(String newName) {
        return new Param(newName, value, grad);
    }

    public int size() {
        return value.size();
    }
}
