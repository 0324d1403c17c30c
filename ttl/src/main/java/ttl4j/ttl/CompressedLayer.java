package ttl4j.ttl;

/** A layer that stands in for a dense layer with fewer weights (for the {@link CompressionReport}). */
public interface CompressedLayer {

    /** Trainable weights of this layer, biases excluded. */
    long weightCount();

    /** Weights of the dense layer it replaces ({@code out * in}). */
    long denseWeightCount();

    /** Bias entries (the same as the dense layer's). */
    long biasCount();
}
