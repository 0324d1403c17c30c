package ttl4j.ttl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;
import ttl4j.engine.TensorAlgebra;
import ttl4j.nn.Init;
import ttl4j.nn.Buffers;
import ttl4j.nn.Layer;
import ttl4j.nn.LayerGradients;
import ttl4j.nn.Param;

/**
 * Tucker Tensor Layer: a fully connected layer {@code y = W_mat x + b} whose weight is kept and
 * trained in Tucker form {@code W = G x_1 B_1 ... x_M B_M x_{M+1} A_1 ... x_{M+N} A_N}
 * (see {@code ttl-math.md}), never as the dense {@code J x I} matrix's gradient.
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
 *
 * <p>Backward (both modes): the factor, core and bias gradients are computed directly
 * (ttl-math.md steps 1-7); the dense weight gradient is never formed. The projections of the
 * forward pass are kept: {@code P}, {@code U}, and every intermediate of the projection chain, so
 * the partial projection {@code X x_{k != n} A_k^T} that {@code dA_n} needs starts from the longest
 * prefix already computed (the one for the last-applied mode is free); or, when its estimated time
 * is lower ({@link TensorAlgebra#contractAllButWork}), {@code dA_n} is X contracted with
 * {@code dP x_{k != n} A_k}, which on the 28 x 28 MNIST layer replaces a last-mode pass over the
 * input down to rank 5 by a contraction along whole rows of 28. Symmetrically the pull-back
 * {@code D -> V} keeps its intermediates for the {@code dB_m}. In reconstructed mode the input
 * gradient is {@code D W_mat} (the weight is already formed); factorised it is {@code dP x_n A_n}.
 * All products fold the batch into GEMM dimensions; buffers are reused for equal batch sizes.
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

    private final int[] inShape, outShape, inRanks, outRanks;
    private final int nIn, nOut, inSize, outSize, rSize, sSize;
    private final Param core, bias;
    private final Param[] inFactors, outFactors;
    /** Transposed copies {@code A_n^T (R_n, I_n)}, {@code B_m^T (S_m, J_m)}, refreshed before each use (see {@link ModeChain.Step}). */
    private final Tensor[] inT, outT;
    private final LayerGradients grads;
    private final Mode mode;
    private final Init init;

    public TuckerLayer(int[] inShape, int[] outShape, int[] inRanks, int[] outRanks, Mode mode, Init init,
                       SplittableRandom rnd) {
        check(inShape, "input shape");
        check(outShape, "output shape");
        check(inRanks, "input ranks");
        check(outRanks, "output ranks");
        if (inRanks.length != inShape.length) {
            throw new IllegalArgumentException("ttl: " + inRanks.length + " input ranks " + Arrays.toString(inRanks)
                    + " for " + inShape.length + " input modes " + Arrays.toString(inShape));
        }
        if (outRanks.length != outShape.length) {
            throw new IllegalArgumentException("ttl: " + outRanks.length + " output ranks " + Arrays.toString(outRanks)
                    + " for " + outShape.length + " output modes " + Arrays.toString(outShape));
        }
        this.inShape = inShape.clone();
        this.outShape = outShape.clone();
        this.inRanks = inRanks.clone();
        this.outRanks = outRanks.clone();
        this.nIn = inShape.length;
        this.nOut = outShape.length;
        this.inSize = checkedSize(inShape, "input");
        this.outSize = checkedSize(outShape, "output");
        this.rSize = checkedSize(inRanks, "input rank");
        this.sSize = checkedSize(outRanks, "output rank");
        if ((long) outSize * inSize > Integer.MAX_VALUE - 8 && mode == Mode.RECONSTRUCTED) {
            throw new IllegalArgumentException("ttl: the reconstructed weight " + outSize + " x " + inSize + " is too large");
        }
        this.mode = mode;
        this.init = init;
        int[] coreShape = concat(outRanks, inRanks);
        this.core = Param.zeros("core", coreShape);
        this.inFactors = new Param[nIn];
        this.outFactors = new Param[nOut];
        List<Param> ps = new ArrayList<>();
        ps.add(core);
        for (int n = 0; n < nIn; n++) {
            inFactors[n] = Param.zeros("in_factors." + n, inShape[n], inRanks[n]);
            ps.add(inFactors[n]);
        }
        for (int m = 0; m < nOut; m++) {
            outFactors[m] = Param.zeros("out_factors." + m, outShape[m], outRanks[m]);
            ps.add(outFactors[m]);
        }
        this.bias = Param.zeros("bias", outSize);
        ps.add(bias);
        this.inT = new Tensor[nIn];
        this.outT = new Tensor[nOut];
        for (int n = 0; n < nIn; n++) inT[n] = Tensor.zeros(inRanks[n], inShape[n]);
        for (int m = 0; m < nOut; m++) outT[m] = Tensor.zeros(outRanks[m], outShape[m]);
        this.grads = new LayerGradients(ps, bias);
        initialise(rnd);
    }

    private static void check(int[] dims, String what) {
        if (dims == null || dims.length == 0) throw new IllegalArgumentException("ttl: " + what + " is empty");
        for (int d : dims) {
            if (d < 1) throw new IllegalArgumentException("ttl: " + what + " " + Arrays.toString(dims) + " has a size below 1");
        }
    }

    private static int checkedSize(int[] dims, String what) {
        long s = 1;
        for (int d : dims) s *= d;
        if (s > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("ttl: " + what + " size " + s + " is too large");
        return (int) s;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ================================================================ initialisation

    private void initialise(SplittableRandom rnd) {
        for (Param a : inFactors) a.value().copyFrom(Orthonormal.random(a.value().dim(0), a.value().dim(1), rnd));
        for (Param b : outFactors) b.value().copyFrom(Orthonormal.random(b.value().dim(0), b.value().dim(1), rnd));
        Tensor g = core.value();
        for (int i = 0; i < g.size(); i++) g.setFlat(i, (float) Tensor.gaussian(rnd));
        // ||W||_F^2 = <G, G x_k (F_k^T F_k)>: exact without forming W (the Gram matrices are
        // identities when every factor has orthonormal columns).
        double norm2 = weightNormSquared();
        double target = init.std(inSize, outSize) * Math.sqrt((double) inSize * outSize);
        float scale = (float) (target / Math.sqrt(norm2));
        Engine.kernels().scale(g.size(), scale, g.data(), g.offset(), g.data(), g.offset());
    }

    /** {@code ||W||_F^2} of the current parameters, without forming W. */
    double weightNormSquared() {
        Tensor g = core.value();
        Tensor t = g;
        for (int k = 0; k < nOut + nIn; k++) {
            Tensor f = k < nOut ? outFactors[k].value() : inFactors[k - nOut].value();
            int r = f.dim(1), d = f.dim(0);
            Tensor gram = Tensor.zeros(r, r);
            Engine.kernels().gemm(true, false, r, r, d, 1f, f.data(), f.offset(), r, f.data(), f.offset(), r,
                    0f, gram.data(), 0, r);
            t = TensorAlgebra.modeProduct(t, k, gram, false);
        }
        double s = 0;
        for (int i = 0; i < g.size(); i++) s += (double) g.getFlat(i) * t.getFlat(i);
        return s;
    }

    // ================================================================ plans

    /** Everything that depends only on the batch size and what the step computes. */
    private final class Plan {
        final int b;
        final boolean training, inputGrad, reconstructed;
        final Costs costs;
        /** X (B, I_1..I_N) -> P (B, R_1..R_N); its intermediates are kept. */
        final ModeChain project;
        /** U (B, S_1..S_M) -> Y (B, J_1..J_M). */
        final ModeChain expand;
        /** D (B, J..) -> V (B, S..); its intermediates are kept. */
        final ModeChain pull;
        /** dP (B, R..) -> dX (B, I..). */
        final ModeChain inputGrad_;
        /** G -> W (J.., I..). */
        final ModeChain reconstruct;
        /** For input mode n: the projection prefix it starts from, and the remaining products. */
        final int[] zFrom;
        final ModeChain[] zRest;
        /**
         * For input mode n, the other way to its gradient: {@code dA_n} is also X contracted over
         * all modes but n with {@code dP x_{k != n} A_k} (the chain from dP). Chosen when its
         * estimated time is lower, e.g. when the projection route needs a last-mode product of the
         * whole input down to a small rank.
         */
        final boolean[] viaExpansion;
        final ModeChain[] expandDp;
        final int[] xShape;
        /** For output mode m: the pull-back prefix it starts from, and the remaining products. */
        final int[] hFrom;
        final ModeChain[] hRest;
        final int scratch;

        Plan(int b, boolean training, boolean inputGrad) {
            this.b = b;
            this.training = training;
            this.inputGrad = inputGrad;
            int[] xShape = Buffers.batchShape(b, inShape), pShape = Buffers.batchShape(b, inRanks);
            int[] uShape = Buffers.batchShape(b, outRanks), yShape = Buffers.batchShape(b, outShape);
            ModeChain.Step[] proj = new ModeChain.Step[nIn], back = new ModeChain.Step[nIn];
            for (int n = 0; n < nIn; n++) {
                Tensor an = inFactors[n].value();
                proj[n] = new ModeChain.Step(n + 1, inRanks[n], inT[n], an);
                back[n] = new ModeChain.Step(n + 1, inShape[n], an, inT[n]);
            }
            ModeChain.Step[] exp = new ModeChain.Step[nOut], pul = new ModeChain.Step[nOut];
            for (int m = 0; m < nOut; m++) {
                Tensor bm = outFactors[m].value();
                exp[m] = new ModeChain.Step(m + 1, outShape[m], bm, outT[m]);
                pul[m] = new ModeChain.Step(m + 1, outRanks[m], outT[m], bm);
            }
            ModeChain.Step[] rec = new ModeChain.Step[nOut + nIn];
            for (int m = 0; m < nOut; m++) rec[m] = new ModeChain.Step(m, outShape[m], outFactors[m].value(), outT[m]);
            for (int n = 0; n < nIn; n++) rec[nOut + n] = new ModeChain.Step(nOut + n, inShape[n], inFactors[n].value(), inT[n]);
            project = ModeChain.cheapest(xShape, proj);
            expand = ModeChain.cheapest(uShape, exp);
            pull = ModeChain.cheapest(yShape, pul);
            inputGrad_ = ModeChain.cheapest(pShape, back);
            reconstruct = ModeChain.cheapest(concat(outRanks, inRanks), rec);

            zFrom = new int[nIn];
            zRest = new ModeChain[nIn];
            for (int j = 0; j < nIn; j++) {
                int n = project.step(j).mode() - 1;
                zFrom[n] = j;
                zRest[n] = ModeChain.cheapest(project.shape(j), Arrays.copyOfRange(stepsOf(project), j + 1, nIn));
            }
            this.xShape = xShape;
            viaExpansion = new boolean[nIn];
            expandDp = new ModeChain[nIn];
            for (int n = 0; n < nIn; n++) {
                ModeChain.Step[] others = new ModeChain.Step[nIn - 1];
                for (int k = 0, j = 0; k < nIn; k++) if (k != n) others[j++] = back[k];
                expandDp[n] = ModeChain.cheapest(pShape, others);
                ModeChain z = zRest[n];
                double viaZ = z.work() + TensorAlgebra.contractAllButWork(z.shape(z.length()), n + 1, inRanks[n]);
                double viaE = expandDp[n].work() + TensorAlgebra.contractAllButWork(xShape, n + 1, inRanks[n]);
                viaExpansion[n] = viaE < viaZ;
            }
            hFrom = new int[nOut];
            hRest = new ModeChain[nOut];
            for (int j = 0; j < nOut; j++) {
                int m = pull.step(j).mode() - 1;
                hFrom[m] = j;
                hRest[m] = ModeChain.cheapest(pull.shape(j), Arrays.copyOfRange(stepsOf(pull), j + 1, nOut));
            }

            long coreGemm = (long) b * sSize * rSize;
            long dense = (long) b * outSize * inSize;
            long grads = pull.madds() + 2 * coreGemm; // V, dG, dP
            for (int m = 0; m < nOut; m++) grads += hRest[m].madds() + (long) b * outShape[m] * sSize;
            for (int n = 0; n < nIn; n++) {
                grads += viaExpansion[n] ? expandDp[n].madds() + (long) b * inSize * inRanks[n]
                        : zRest[n].madds() + (long) b * inShape[n] * rSize;
            }
            long fFwd = project.madds() + coreGemm + expand.madds();
            long fBwd = grads + (inputGrad ? inputGrad_.madds() : 0);
            long rFwd = reconstruct.madds() + dense + (training ? project.madds() + coreGemm : 0);
            long rBwd = grads + (inputGrad ? dense : 0);
            costs = new Costs(b, fFwd, fBwd, rFwd, rBwd);
            boolean tooLarge = (long) outSize * inSize > Integer.MAX_VALUE - 8;
            reconstructed = switch (mode) {
                case FACTORIZED -> false;
                case RECONSTRUCTED -> true;
                case AUTO -> !tooLarge && (training ? costs.reconstructed() < costs.factorized()
                        : costs.reconstructedForward() < costs.factorizedForward());
            };
            int s = Math.max(expand.maxIntermediate(), Math.max(inputGrad_.maxIntermediate(), reconstruct.maxIntermediate()));
            for (ModeChain c : zRest) s = Math.max(s, c.maxIntermediate());
            for (ModeChain c : expandDp) s = Math.max(s, c.maxIntermediate());
            for (ModeChain c : hRest) s = Math.max(s, c.maxIntermediate());
            scratch = s;
        }
    }

    private static ModeChain.Step[] stepsOf(ModeChain c) {
        ModeChain.Step[] s = new ModeChain.Step[c.length()];
        for (int j = 0; j < s.length; j++) s[j] = c.step(j);
        return s;
    }

    private Plan cached;

    private Plan plan(int b, boolean training, boolean inputGrad) {
        Plan p = cached;
        if (p == null || p.b != b || p.training != training || p.inputGrad != inputGrad) {
            p = new Plan(b, training, inputGrad);
            cached = p;
        }
        return p;
    }

    /** Multiply-adds of one training step (forward and backward) at batch size {@code b}, both algorithms. */
    public Costs costs(int b, boolean training) {
        return new Plan(b, training, grads.inputGradNeeded()).costs;
    }

    /** Whether the gradient of input factor n at batch size {@code b} contracts X with the expanded dP (tests). */
    boolean factorGradientViaExpansion(int b, int n) {
        return new Plan(b, true, grads.inputGradNeeded()).viaExpansion[n];
    }

    /** Whether a step at batch size {@code b} would use the reconstructed weight. */
    public boolean usesReconstruction(int b, boolean training) {
        return new Plan(b, training, grads.inputGradNeeded()).reconstructed;
    }

    // ================================================================ buffers

    private float[][] proj = new float[0][];   // proj[j]: projection intermediate j (1..N), proj[N] = P
    private float[][] pulled = new float[0][]; // pulled[j]: pull-back intermediate j (1..M), pulled[M] = V
    private float[] u, y, dp, w, z, h, sc0, sc1;

    private float[][] mids(ModeChain c, float[][] kept) {
        float[][] m = new float[c.length() + 1][];
        for (int j = 1; j < c.length(); j++) m[j] = kept != null ? kept[j] : ((j & 1) == 0 ? sc0 : sc1);
        return m;
    }

    // ================================================================ forward

    private Tensor x;
    private Plan last;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() < 2 || x.size() != x.dim(0) * inSize) {
            throw new IllegalArgumentException("ttl: expected a batch-first input with " + inSize + " values per sample ("
                    + dims(inShape) + "), got shape " + Arrays.toString(x.shape()));
        }
        int b = x.dim(0);
        Plan p = plan(b, training, grads.inputGradNeeded());
        this.x = x;
        this.last = p;
        ensureForward(p);
        refreshTransposes();
        Kernels k = Engine.kernels();
        float[] g = core.value().data();
        int gOff = core.value().offset();
        if (!p.reconstructed || training) {
            p.project.run(x.data(), x.offset(), mids(p.project, proj), proj[nIn], 0);
            // U (B, S) = P (B, R) G_mat^T, G_mat (S, R).
            k.gemm(false, true, b, sSize, rSize, 1f, proj[nIn], 0, rSize, g, gOff, rSize, 0f, u, 0, sSize);
        }
        if (p.reconstructed) {
            formWeight(p);
            // Y (B, J) = X (B, I) W_mat^T.
            k.gemm(false, true, b, outSize, inSize, 1f, x.data(), x.offset(), inSize, w, 0, inSize, 0f, y, 0, outSize);
        } else {
            p.expand.run(u, 0, mids(p.expand, null), y, 0);
        }
        k.addRowVector(b, outSize, y, 0, bias.value().data(), bias.value().offset(), y, 0);
        return Tensor.wrap(y, 0, b, outSize);
    }

    private void ensureForward(Plan p) {
        if (proj.length != nIn + 1) proj = new float[nIn + 1][];
        for (int j = 1; j <= nIn; j++) proj[j] = Buffers.ensure(proj[j], p.project.size(j));
        u = Buffers.ensure(u, (long) p.b * sSize);
        y = Buffers.ensure(y, (long) p.b * outSize);
        sc0 = Buffers.ensure(sc0, p.scratch);
        sc1 = Buffers.ensure(sc1, p.scratch);
        if (p.reconstructed) w = Buffers.ensure(w, (long) outSize * inSize);
    }

    private void formWeight(Plan p) {
        Tensor g = core.value();
        p.reconstruct.run(g.data(), g.offset(), mids(p.reconstruct, null), w, 0);
    }

    private void refreshTransposes() {
        for (int n = 0; n < nIn; n++) transpose(inFactors[n].value(), inT[n]);
        for (int m = 0; m < nOut; m++) transpose(outFactors[m].value(), outT[m]);
    }

    private static void transpose(Tensor a, Tensor t) {
        int rows = a.dim(0), cols = a.dim(1);
        float[] ad = a.data(), td = t.data();
        int ao = a.offset(), to = t.offset();
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) td[to + j * rows + i] = ad[ao + i * cols + j];
    }

    /** The dense weight {@code W_mat} (J x I) of the current parameters, as a new tensor. */
    public Tensor reconstructWeight() {
        refreshTransposes();
        Plan p = new Plan(1, false, false);
        float[] a = new float[Math.max(1, p.scratch)], c = new float[Math.max(1, p.scratch)];
        float[][] m = new float[p.reconstruct.length() + 1][];
        for (int j = 1; j < p.reconstruct.length(); j++) m[j] = (j & 1) == 0 ? a : c;
        Tensor out = Tensor.zeros(outSize, inSize);
        p.reconstruct.run(core.value().data(), core.value().offset(), m, out.data(), 0);
        return out;
    }

    // ================================================================ backward

    @Override
    public Tensor backward(Tensor dy) {
        Plan p = last;
        if (p == null || x == null) throw new IllegalStateException("ttl: backward before forward");
        if (!p.training) {
            throw new IllegalStateException("ttl: backward after a forward with training=false (the projections were not kept)");
        }
        int b = p.b;
        if (dy.size() != b * outSize || dy.dim(0) != b) {
            throw new IllegalArgumentException("ttl backward: dy must be (" + b + ", " + outSize + "), got " + Arrays.toString(dy.shape()));
        }
        ensureBackward(p);
        Kernels k = Engine.kernels();
        float beta = grads.beta();
        float[] d = dy.data();
        int dOff = dy.offset();

        // 1. db = sum_b D_b.
        grads.addBiasGrad(b, d, dOff);

        // 2. V = D x_m B_m^T, intermediates kept for step 3.
        p.pull.run(d, dOff, mids(p.pull, pulled), pulled[nOut], 0);
        float[] v = pulled[nOut];

        // 3. dB_m = sum over all modes but m of H_m (B, S.., J_m, ..S) with U (B, S..), where
        // H_m = D x_{k != m} B_k^T continues the pull-back from the prefix that lacks mode m.
        for (int m = 0; m < nOut; m++) {
            int from = p.hFrom[m];
            float[] src = from == 0 ? d : pulled[from];
            int srcOff = from == 0 ? dOff : 0;
            ModeChain rest = p.hRest[m];
            float[] hm;
            int hOff;
            if (rest.length() == 0) {
                hm = src;
                hOff = srcOff;
            } else {
                rest.run(src, srcOff, mids(rest, null), h, 0);
                hm = h;
                hOff = 0;
            }
            Tensor gbm = outFactors[m].grad();
            TensorAlgebra.contractAllBut(rest.shape(rest.length()), m + 1, hm, hOff, u, 0, outRanks[m], beta,
                    gbm.data(), gbm.offset());
        }

        // 4. dG_mat (S, R) = V^T P; 5. dP (B, R) = V G_mat.
        Tensor gg = core.grad();
        float[] pm = proj[nIn];
        k.gemm(true, false, sSize, rSize, b, 1f, v, 0, sSize, pm, 0, rSize, beta, gg.data(), gg.offset(), rSize);
        k.gemm(false, false, b, rSize, sSize, 1f, v, 0, sSize, core.value().data(), core.value().offset(), rSize, 0f, dp, 0, rSize);

        // 6. dA_n = sum over all modes but n of Z_n (B, R.., I_n, ..R) with dP (B, R..), where
        // Z_n = X x_{k != n} A_k^T continues the forward projection from the prefix that lacks mode n;
        // or, when faster, of X with E_n = dP x_{k != n} A_k (B, I.., R_n, ..I).
        for (int n = 0; n < nIn; n++) {
            Tensor gan = inFactors[n].grad();
            if (p.viaExpansion[n]) {
                ModeChain e = p.expandDp[n];
                e.run(dp, 0, mids(e, null), z, 0);
                TensorAlgebra.contractAllBut(p.xShape, n + 1, x.data(), x.offset(), z, 0, inRanks[n], beta,
                        gan.data(), gan.offset());
                continue;
            }
            int from = p.zFrom[n];
            float[] src = from == 0 ? x.data() : proj[from];
            int srcOff = from == 0 ? x.offset() : 0;
            ModeChain rest = p.zRest[n];
            float[] zn;
            int zOff;
            if (rest.length() == 0) {
                zn = src;
                zOff = srcOff;
            } else {
                rest.run(src, srcOff, mids(rest, null), z, 0);
                zn = z;
                zOff = 0;
            }
            TensorAlgebra.contractAllBut(rest.shape(rest.length()), n + 1, zn, zOff, dp, 0, inRanks[n], beta,
                    gan.data(), gan.offset());
        }
        grads.gradientsWritten();

        // 7. dX.
        float[] dx = grads.inputGradBuffer((long) b * inSize);
        if (dx == null) return null;
        if (p.reconstructed) {
            k.gemm(false, false, b, inSize, outSize, 1f, d, dOff, outSize, w, 0, inSize, 0f, dx, 0, inSize);
        } else {
            p.inputGrad_.run(dp, 0, mids(p.inputGrad_, null), dx, 0);
        }
        return Tensor.wrap(dx, 0, x.shape());
    }

    private void ensureBackward(Plan p) {
        if (pulled.length != nOut + 1) pulled = new float[nOut + 1][];
        for (int j = 1; j <= nOut; j++) pulled[j] = Buffers.ensure(pulled[j], p.pull.size(j));
        int zMax = 0, hMax = 0;
        for (int n = 0; n < nIn; n++) {
            ModeChain c = p.viaExpansion[n] ? p.expandDp[n] : p.zRest[n];
            zMax = Math.max(zMax, c.size(c.length()));
        }
        for (ModeChain c : p.hRest) hMax = Math.max(hMax, c.size(c.length()));
        z = Buffers.ensure(z, zMax);
        h = Buffers.ensure(h, hMax);
        dp = Buffers.ensure(dp, (long) p.b * rSize);
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
        if (inputShape.length == 0 || s != inSize) {
            throw new IllegalArgumentException("ttl(" + dims(inShape) + "->" + dims(outShape) + ") expects " + inSize
                    + " values per sample, got shape " + Arrays.toString(inputShape));
        }
        return new int[] {outSize};
    }

    @Override
    public String spec() {
        return "ttl(" + dims(inShape) + "->" + dims(outShape) + "; r=" + dims(inRanks) + "; s=" + dims(outRanks)
                + (mode == Mode.AUTO ? "" : "; mode=" + mode.specName()) + ")";
    }

    @Override
    public String toString() {
        return "TuckerLayer(in=" + dims(inShape) + ", out=" + dims(outShape) + ", r=" + dims(inRanks) + ", s=" + dims(outRanks)
                + ", mode=" + mode.specName() + ", init=" + init.specName() + ", weights=" + weightCount()
                + String.format(Locale.ROOT, ", compression=%.2fx)", (double) denseWeightCount() / weightCount());
    }

    static String dims(int[] d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length; i++) sb.append(i > 0 ? "x" : "").append(d[i]);
        return sb.toString();
    }

    // ================================================================ accessors and counts

    public int[] inShape() {
        return inShape.clone();
    }

    public int[] outShape() {
        return outShape.clone();
    }

    public int[] inRanks() {
        return inRanks.clone();
    }

    public int[] outRanks() {
        return outRanks.clone();
    }

    public int inSize() {
        return inSize;
    }

    public int outSize() {
        return outSize;
    }

    public Mode mode() {
        return mode;
    }

    public Init init() {
        return init;
    }

    public Param core() {
        return core;
    }

    /** {@code A_n}, shape {@code (I_n, R_n)}. */
    public Param inFactor(int n) {
        return inFactors[n];
    }

    /** {@code B_m}, shape {@code (J_m, S_m)}. */
    public Param outFactor(int m) {
        return outFactors[m];
    }

    public Param bias() {
        return bias;
    }

    /** Core and factor entries: {@code S R + sum_m J_m S_m + sum_n I_n R_n}. */
    @Override
    public long weightCount() {
        long c = (long) sSize * rSize;
        for (int m = 0; m < nOut; m++) c += (long) outShape[m] * outRanks[m];
        for (int n = 0; n < nIn; n++) c += (long) inShape[n] * inRanks[n];
        return c;
    }

    /** {@code J I}: the weights of the dense layer this one replaces. */
    @Override
    public long denseWeightCount() {
        return (long) outSize * inSize;
    }

    @Override
    public long biasCount() {
        return outSize;
    }
}
