package ttl4j.ttl;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.nn.Init;
import ttl4j.nn.Layer;
import ttl4j.nn.LayerGradients;
import ttl4j.nn.Param;

/**
 * Tucker Tensor Layer: a fully connected layer {@code y = W_mat x + b} whose weight is kept and
 * trained in Tucker form {@code W = G x_1 B_1 ... x_M B_M x_{M+1} A_1 ... x_{M+N} A_N}; the
 * gradient of the dense {@code J x I} matrix is never formed. The derivation, index conventions
 * and costs are written up in {@code docs/tucker-layer.md}.
 *
 * <p>Shape: input {@code (B, I)} or any batch-first tensor with {@code I = I_1 ... I_N} values per
 * sample (e.g. {@code (B, 784)} read as {@code (B, 28, 28)}); output {@code (B, J)} flat, with
 * {@code J = J_1 ... J_M}, read row-major as {@code J_1 x ... x J_M}. Parameters: {@code core}
 * {@code (S_1..S_M, R_1..R_N)}, {@code in_factors.<n>} {@code A_n (I_n, R_n)},
 * {@code out_factors.<m>} {@code B_m (J_m, S_m)}, {@code bias (J)}; n and m from 0.
 *
 * <p>Init: factors with orthonormal columns (Householder QR of a Gaussian matrix, engine.linalg;
 * orthonormal rows when a rank exceeds its dimension), a Gaussian core rescaled so that the
 * reconstructed {@code W_mat} has exactly the standard deviation of He (ReLU next) or Glorot
 * initialisation of the equivalent dense layer ({@link Init#std}); bias zero.
 *
 * <p>Forward, factorised: the input is projected by the {@code A_n^T} (mode products on the
 * batch-first tensor, in the order of least estimated time), contracted with the core in one GEMM
 * {@code U = P G_mat^T}, and expanded by the {@code B_m}. Reconstructed: {@code W_mat} is formed
 * once per forward from the factors and used in one GEMM. {@link Mode#AUTO} picks, per batch size,
 * whichever needs fewer multiply-adds for what the step does (forward only, or forward and backward).
 * Backward (both modes): the factor, core and bias gradients are computed directly.
 *
 * <p>Where each job lives: {@link TuckerParams} (parameter layout), {@link TuckerInit}
 * (initialisation), {@link TuckerPlan} (product orders, gradient routes, costs, the mode choice),
 * {@link TuckerForward} and {@link TuckerBackward} (the passes), {@link TuckerBuffers} (their
 * working arrays), {@link ModeChain} (one planned sequence of mode products).
 */
public final class TuckerLayer implements Layer, CompressedLayer {

    /** How the forward pass is computed. */
    public enum Mode {
        /** Whichever of the two needs fewer multiply-adds for the batch size. */
        AUTO,
        /** Mode products and one core GEMM; the weight is never formed. */
        FACTORIZED,
        /** The dense weight formed once per forward from the factors, then one GEMM. */
        RECONSTRUCTED;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String s) {
            for (Mode m : values()) if (m.specName().equalsIgnoreCase(s.trim())) return m;
            throw new IllegalArgumentException("unknown mode \"" + s + "\"; expected auto, factorized or reconstructed");
        }
    }

    /**
     * Multiply-adds of one step at a batch size, for both algorithms. The forward of the
     * reconstructed mode includes forming the weight, and in training also the projection and
     * core contraction the factor gradients need; the backwards include the input gradient when it
     * is needed.
     */
    public record Costs(int batch, long factorizedForward, long factorizedBackward,
                        long reconstructedForward, long reconstructedBackward) {
        public long factorized() {
            return factorizedForward + factorizedBackward;
        }

        public long reconstructed() {
            return reconstructedForward + reconstructedBackward;
        }
    }

    private final TuckerParams p;
    private final Mode mode;
    private final Init init;
    private final LayerGradients grads;
    private final TuckerBuffers buf = new TuckerBuffers();
    /** The plan of the latest step; replaced when the batch size or what the step computes changes. */
    private TuckerPlan cached;
    /** The input and plan of the latest forward, for the backward. */
    private Tensor x;
    private TuckerPlan last;

    public TuckerLayer(int[] inShape, int[] outShape, int[] inRanks, int[] outRanks, Mode mode, Init init,
                       SplittableRandom rnd) {
        this.p = new TuckerParams(inShape, outShape, inRanks, outRanks);
        if (p.denseTooLarge() && mode == Mode.RECONSTRUCTED) {
            throw new IllegalArgumentException("ttl: the reconstructed weight " + p.outSize + " x " + p.inSize + " is too large");
        }
        this.mode = mode;
        this.init = init;
        this.grads = new LayerGradients(p.list, p.bias);
        TuckerInit.initialise(p, init, rnd);
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static String dims(int[] d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length; i++) sb.append(i > 0 ? "x" : "").append(d[i]);
        return sb.toString();
    }

    // ================================================================ plans

    private TuckerPlan plan(int b, boolean training, boolean inputGrad) {
        TuckerPlan q = cached;
        if (q == null || !q.fits(b, training, inputGrad)) {
            q = new TuckerPlan(p, mode, b, training, inputGrad);
            cached = q;
        }
        return q;
    }

    /** Multiply-adds of one step (forward and, in training, backward) at batch size {@code b}, both algorithms. */
    public Costs costs(int b, boolean training) {
        return new TuckerPlan(p, mode, b, training, grads.inputGradNeeded()).costs;
    }

    /** Whether the gradient of input factor n at batch size {@code b} contracts X with the expanded dP (tests). */
    boolean factorGradientViaExpansion(int b, int n) {
        return new TuckerPlan(p, mode, b, true, grads.inputGradNeeded()).viaExpansion[n];
    }

    /** Whether a step at batch size {@code b} would use the reconstructed weight. */
    public boolean usesReconstruction(int b, boolean training) {
        return new TuckerPlan(p, mode, b, training, grads.inputGradNeeded()).reconstructed;
    }

    // ================================================================ passes

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() < 2 || x.size() != x.dim(0) * p.inSize) {
            throw new IllegalArgumentException("ttl: expected a batch-first input with " + p.inSize + " values per sample ("
                    + dims(p.inShape) + "), got shape " + Arrays.toString(x.shape()));
        }
        TuckerPlan q = plan(x.dim(0), training, grads.inputGradNeeded());
        this.x = x;
        this.last = q;
        return TuckerForward.run(p, q, buf, x, training);
    }

    @Override
    public Tensor backward(Tensor dy) {
        TuckerPlan q = last;
        if (q == null || x == null) throw new IllegalStateException("ttl: backward before forward");
        if (!q.training) {
            throw new IllegalStateException("ttl: backward after a forward with training=false (the projections were not kept)");
        }
        int b = q.b;
        if (dy.size() != b * p.outSize || dy.dim(0) != b) {
            throw new IllegalArgumentException("ttl backward: dy must be (" + b + ", " + p.outSize + "), got " + Arrays.toString(dy.shape()));
        }
        return TuckerBackward.run(p, q, buf, grads, x, dy);
    }

    /** The dense weight {@code W_mat} (J x I) of the current parameters, as a new tensor. */
    public Tensor reconstructWeight() {
        return TuckerForward.reconstructWeight(p, new TuckerPlan(p, mode, 1, false, false));
    }

    // ================================================================ Layer plumbing

    @Override
    public List<Param> params() {
        return grads.params();
    }

    @Override
    public void zeroGrad() {
        grads.zeroGrad();
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        grads.setInputGradNeeded(needed);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        long s = 1;
        for (int d : inputShape) s *= d;
        if (inputShape.length == 0 || s != p.inSize) {
            throw new IllegalArgumentException("ttl(" + dims(p.inShape) + "->" + dims(p.outShape) + ") expects " + p.inSize
                    + " values per sample, got shape " + Arrays.toString(inputShape));
        }
        return new int[] {p.outSize};
    }

    /** The multiply-adds of the algorithm a training step at this batch size runs ({@link #costs}), and its name. */
    @Override
    public Work work(int[] inputShape, int batch) {
        outputShape(inputShape);
        TuckerPlan q = new TuckerPlan(p, mode, Math.max(1, batch), true, grads.inputGradNeeded());
        Costs c = q.costs;
        return q.reconstructed ? new Work(c.reconstructedForward(), c.reconstructedBackward(), "reconstructed")
                : new Work(c.factorizedForward(), c.factorizedBackward(), "factorized");
    }

    /** The factorised forward's multiply-adds for one sample (projection, core, expansion), as {@link #costs} counts them. */
    @Override
    public long multiplyAdds(int[] inputShape) {
        return new TuckerPlan(p, Mode.FACTORIZED, 1, false, false).costs.factorizedForward();
    }

    @Override
    public String spec() {
        return "ttl(" + dims(p.inShape) + "->" + dims(p.outShape) + "; r=" + dims(p.inRanks) + "; s=" + dims(p.outRanks)
                + (mode == Mode.AUTO ? "" : "; mode=" + mode.specName()) + ")";
    }

    @Override
    public String toString() {
        return "TuckerLayer(in=" + dims(p.inShape) + ", out=" + dims(p.outShape) + ", r=" + dims(p.inRanks) + ", s=" + dims(p.outRanks)
                + ", mode=" + mode.specName() + ", init=" + init.specName() + ", weights=" + weightCount()
                + String.format(Locale.ROOT, ", compression=%.2fx)", (double) denseWeightCount() / weightCount());
    }

    // ================================================================ accessors and counts

    public int[] inShape() {
        return p.inShape.clone();
    }

    public int[] outShape() {
        return p.outShape.clone();
    }

    public int[] inRanks() {
        return p.inRanks.clone();
    }

    public int[] outRanks() {
        return p.outRanks.clone();
    }

    public int inSize() {
        return p.inSize;
    }

    public int outSize() {
        return p.outSize;
    }

    public Mode mode() {
        return mode;
    }

    public Init init() {
        return init;
    }

    public Param core() {
        return p.core;
    }

    /** {@code A_n}, shape {@code (I_n, R_n)}. */
    public Param inFactor(int n) {
        return p.inFactors[n];
    }

    /** {@code B_m}, shape {@code (J_m, S_m)}. */
    public Param outFactor(int m) {
        return p.outFactors[m];
    }

    public Param bias() {
        return p.bias;
    }

    /** Core and factor entries: {@code S R + sum_m J_m S_m + sum_n I_n R_n}. */
    @Override
    public long weightCount() {
        return p.weightCount();
    }

    /** {@code J I}: the weights of the dense layer this one replaces. */
    @Override
    public long denseWeightCount() {
        return (long) p.outSize * p.inSize;
    }

    @Override
    public long biasCount() {
        return p.outSize;
    }
}
