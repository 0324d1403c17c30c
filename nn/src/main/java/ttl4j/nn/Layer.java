package ttl4j.nn;

import java.util.List;
import java.util.Map;
import ttl4j.engine.Tensor;

/**
 * One stage of a network. Tensors are batch first: {@code x} is {@code B x <input shape>}; shapes
 * passed to {@link #outputShape} are per sample (without the batch dimension).
 *
 * <p>Buffers: a layer owns its output and input-gradient buffers and reuses them from step to
 * step (they grow only when the batch grows), so the tensor returned by {@code forward} or
 * {@code backward} is valid until the next call of the same method. {@code backward} refers to
 * the input of the latest {@code forward}, which the caller must leave untouched until then.
 */
public interface Layer {

    /** Forward pass; {@code training} enables training-only behaviour (dropout). */
    Tensor forward(Tensor x, boolean training);

    /**
     * Backward pass for the latest forward: adds the parameter gradients of {@code dy} (shape of the
     * forward output) to each {@link Param#grad()} and returns the input gradient, or {@code null}
     * when {@link #setInputGradNeeded} turned it off.
     */
    Tensor backward(Tensor dy);

    /** Trainable parameters, in a fixed order (empty for parameter-free layers). */
    default List<Param> params() {
        return List.of();
    }

    /**
     * Gradients become zero. An implementation may defer the clearing to the next {@code backward},
     * which then overwrites instead of accumulating; read gradients only after a backward.
     */
    default void zeroGrad() {
        for (Param p : params()) p.grad().fill(0f);
    }

    /**
     * Non-trainable state tensors by name, in a fixed order (empty for most layers): a PyTorch
     * module's buffers, e.g. batch norm's {@code running_mean}. Checkpoints store them beside the
     * parameters under the same {@code layers.<i>.} prefix and restore them on load; optimisers never
     * see them. The map's tensors are the layer's own (not copies), so loading writes into them.
     */
    default Map<String, Tensor> buffers() {
        return Map.of();
    }

    /** Whether {@code backward} must compute the input gradient (false for a network's first layer). */
    default void setInputGradNeeded(boolean needed) {}

    /** Per-sample output shape for a per-sample input shape; throws naming the mismatch. */
    int[] outputShape(int[] inputShape);

    /**
     * Multiply-adds per sample of an inference forward on inputs of {@code inputShape} (per sample): the
     * matrix products of dense, ttl and conv layers. The default is 0: elementwise layers (activations,
     * dropout, batch norm), pooling and flatten do no multiply-adds in this count (their one operation or
     * so per element is not counted).
     */
    default long multiplyAdds(int[] inputShape) {
        return 0;
    }

    /**
     * What a profile reports of a layer in a training step: multiply-adds of its forward and backward
     * passes over the whole batch, counted as {@link #multiplyAdds} counts them (a convolution's as the
     * direct algorithm's, whatever it runs), and how the passes are computed ("" when there is nothing
     * to choose).
     */
    record Work(long forward, long backward, String algorithm) {}

    /**
     * The {@link Work} of a training step on {@code batch} samples of {@code inputShape}. The default:
     * {@link #multiplyAdds} per sample forward, and twice that backward (the input gradient and the
     * parameters' gradient, each a product of the forward's size); no algorithm named.
     */
    default Work work(int[] inputShape, int batch) {
        long f = multiplyAdds(inputShape) * batch;
        return new Work(f, 2 * f, "");
    }

    /** The layer in the model-spec language, e.g. {@code dense(300)} (see {@link ModelSpec}). */
    String spec();

    /**
     * Floats a training forward pass of {@code batch} samples of {@code inputShape} keeps for the
     * backward pass beyond the layer's output and input gradient (Conv2d: its transformed input),
     * for memory estimates; 0 by default.
     */
    default long keptFloats(int[] inputShape, int batch) {
        return 0;
    }

    /** State other than parameters needed to resume training bitwise (e.g. a dropout RNG position). */
    default Map<String, String> exportState() {
        return Map.of();
    }

    /** Restores what {@link #exportState} returned. */
    default void importState(Map<String, String> state) {}
}
