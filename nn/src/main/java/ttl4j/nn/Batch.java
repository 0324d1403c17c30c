package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/** One mini-batch: inputs {@code (B, <sample shape>)} and B class labels. */
public record Batch(Tensor inputs, int[] labels) {
    public Batch {
        if (inputs.rank() < 1 || inputs.dim(0) != labels.length) {
            throw new IllegalArgumentException("batch: inputs " + Arrays.toString(inputs.shape()) + " with "
                    + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }
}
