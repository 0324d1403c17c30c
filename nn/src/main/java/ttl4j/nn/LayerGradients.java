package ttl4j.nn;

import java.util.List;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;

/**
 * The gradient bookkeeping shared by the layers {@code y = x W^T + b} ({@link Dense}, and the
 * Tucker layer, whose W is a Tucker tensor): the parameter list, deferred zeroing, the bias
 * gradient and the input-gradient switch and buffer. The layer keeps one instance and forwards
 * {@link Layer#params}, {@link Layer#zeroGrad} and {@link Layer#setInputGradNeeded} to it.
 *
 * <p>Deferred zeroing: {@link #zeroGrad} only sets a flag; the next backward then overwrites the
 * gradients instead of adding to them (GEMMs with {@link #beta()} 0, the bias sum written in
 * place), which saves a pass over every gradient per step. A backward calls
 * {@link #gradientsWritten()} once all its parameter gradients are written; later backwards add.
 */
public final class LayerGradients {
    private final List<Param> params;
    private final Param bias;
    private boolean pendingZero = true;
    private boolean inputGradNeeded = true;
    private float[] biasScratch, inputGrad;

    /** {@code params}: every parameter in checkpoint order; {@code bias}: the one added to each output row. */
    public LayerGradients(List<Param> params, Param bias) {
        if (!params.contains(bias)) throw new IllegalArgumentException("the bias " + bias.name() + " is not among the parameters");
        this.params = List.copyOf(params);
        this.bias = bias;
    }

    public List<Param> params() {
        return params;
    }

    /** The next backward overwrites the gradients instead of adding. */
    public void zeroGrad() {
        pendingZero = true;
    }

    /** The {@code beta} of a GEMM that writes a parameter gradient: 0 after {@link #zeroGrad}, else 1 (accumulate). */
    public float beta() {
        return pendingZero ? 0f : 1f;
    }

    /** Called by a backward once every parameter gradient is written: from now on backwards accumulate. */
    public void gradientsWritten() {
        pendingZero = false;
    }

    /**
     * {@code db (+)= sum_b dY_b} for {@code dY (B, out)} at {@code d[dOff..]}: summed straight into
     * the gradient after {@link #zeroGrad}, else summed aside and added.
     */
    public void addBiasGrad(int b, float[] d, int dOff) {
        Tensor gb = bias.grad();
        int out = gb.size();
        Kernels k = Engine.kernels();
        if (pendingZero) {
            k.sumAxis(1, b, out, d, dOff, gb.data(), gb.offset());
        } else {
            biasScratch = Buffers.ensure(biasScratch, out);
            k.sumAxis(1, b, out, d, dOff, biasScratch, 0);
            k.axpy(out, 1f, biasScratch, 0, gb.data(), gb.offset());
        }
    }

    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    public boolean inputGradNeeded() {
        return inputGradNeeded;
    }

    /**
     * The layer's input-gradient buffer, at least {@code n} floats (grown only when a larger batch
     * comes), or null when {@link #setInputGradNeeded} turned the input gradient off.
     */
    public float[] inputGradBuffer(long n) {
        if (!inputGradNeeded) return null;
        inputGrad = Buffers.ensure(inputGrad, n);
        return inputGrad;
    }
}
