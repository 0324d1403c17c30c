package ttl4j.ttl;

import java.util.Arrays;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ProductOrder;
import ttl4j.nn.Buffers;

/**
 * Everything about one step of a {@link TuckerLayer} that depends only on the batch size and on
 * what the step computes (training or not, input gradient or not), worked out once and reused
 * while those stay the same ({@code docs/tucker-layer.md}, "Product order and routes"):
 * the order of the mode products of every chain, the route of each input factor's gradient,
 * the multiply-add counts of both algorithms, the choice between them and the scratch size.
 *
 * <p>The factor tensors inside the chains are the layer's own (their values change from step to
 * step, their shapes do not), so a plan stays valid for the layer's lifetime.
 */
final class TuckerPlan {
    final int b;
    final boolean training, inputGrad, reconstructed;
    final TuckerLayer.Costs costs;
    /** X (B, I_1..I_N) -> P (B, R_1..R_N); its intermediates are kept. */
    final ModeChain project;
    /** U (B, S_1..S_M) -> Y (B, J_1..J_M). */
    final ModeChain expand;
    /** D (B, J..) -> V (B, S..); its intermediates are kept. */
    final ModeChain pull;
    /** dP (B, R..) -> dX (B, I..). */
    final ModeChain inputGradChain;
    /** G -> W (J.., I..). */
    final ModeChain reconstruct;
    /** For input mode n: the projection prefix it starts from, and the remaining products. */
    final int[] zFrom;
    final ModeChain[] zRest;
    /**
     * For input mode n, the other way to its gradient: {@code dA_n} is also X contracted over
     * all modes but n with {@code dP x_{k != n} A_k} (the chain from dP). Chosen when its
     * estimated time ({@link ProductOrder#contractAllButWork}) is lower, e.g. when the projection
     * route needs a last-mode product of the whole input down to a small rank: on the 28 x 28
     * MNIST layer it replaces a last-mode pass over the input down to rank 5 by a contraction
     * along whole rows of 28.
     */
    final boolean[] viaExpansion;
    final ModeChain[] expandDp;
    final int[] xShape;
    /** For output mode m: the pull-back prefix it starts from, and the remaining products. */
    final int[] hFrom;
    final ModeChain[] hRest;
    /** Floats of each of the two ping-pong buffers that chains without kept intermediates use. */
    final int scratch;

    TuckerPlan(TuckerParams p, TuckerLayer.Mode mode, int b, boolean training, boolean inputGrad) {
        this.b = b;
        this.training = training;
        this.inputGrad = inputGrad;
        int nIn = p.nIn, nOut = p.nOut;
        int[] xShape = Buffers.batchShape(b, p.inShape), pShape = Buffers.batchShape(b, p.inRanks);
        int[] uShape = Buffers.batchShape(b, p.outRanks), yShape = Buffers.batchShape(b, p.outShape);
        ModeChain.Step[] proj = new ModeChain.Step[nIn], back = new ModeChain.Step[nIn];
        for (int n = 0; n < nIn; n++) {
            Tensor an = p.inFactors[n].value();
            proj[n] = new ModeChain.Step(n + 1, p.inRanks[n], p.inT[n], an);
            back[n] = new ModeChain.Step(n + 1, p.inShape[n], an, p.inT[n]);
        }
        ModeChain.Step[] exp = new ModeChain.Step[nOut], pul = new ModeChain.Step[nOut];
        for (int m = 0; m < nOut; m++) {
            Tensor bm = p.outFactors[m].value();
            exp[m] = new ModeChain.Step(m + 1, p.outShape[m], bm, p.outT[m]);
            pul[m] = new ModeChain.Step(m + 1, p.outRanks[m], p.outT[m], bm);
        }
        ModeChain.Step[] rec = new ModeChain.Step[nOut + nIn];
        for (int m = 0; m < nOut; m++) rec[m] = new ModeChain.Step(m, p.outShape[m], p.outFactors[m].value(), p.outT[m]);
        for (int n = 0; n < nIn; n++) rec[nOut + n] = new ModeChain.Step(nOut + n, p.inShape[n], p.inFactors[n].value(), p.inT[n]);
        project = ModeChain.cheapest(xShape, proj);
        expand = ModeChain.cheapest(uShape, exp);
        pull = ModeChain.cheapest(yShape, pul);
        inputGradChain = ModeChain.cheapest(pShape, back);
        reconstruct = ModeChain.cheapest(TuckerLayer.concat(p.outRanks, p.inRanks), rec);

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
            double viaZ = z.work() + ProductOrder.contractAllButWork(z.shape(z.length()), n + 1, p.inRanks[n]);
            double viaE = expandDp[n].work() + ProductOrder.contractAllButWork(xShape, n + 1, p.inRanks[n]);
            viaExpansion[n] = viaE < viaZ;
        }
        hFrom = new int[nOut];
        hRest = new ModeChain[nOut];
        for (int j = 0; j < nOut; j++) {
            int m = pull.step(j).mode() - 1;
            hFrom[m] = j;
            hRest[m] = ModeChain.cheapest(pull.shape(j), Arrays.copyOfRange(stepsOf(pull), j + 1, nOut));
        }

        long coreGemm = (long) b * p.sSize * p.rSize;
        long dense = (long) b * p.outSize * p.inSize;
        long grads = pull.madds() + 2 * coreGemm; // V, dG, dP
        for (int m = 0; m < nOut; m++) grads += hRest[m].madds() + (long) b * p.outShape[m] * p.sSize;
        for (int n = 0; n < nIn; n++) {
            grads += viaExpansion[n] ? expandDp[n].madds() + (long) b * p.inSize * p.inRanks[n]
                    : zRest[n].madds() + (long) b * p.inShape[n] * p.rSize;
        }
        long fFwd = project.madds() + coreGemm + expand.madds();
        long fBwd = grads + (inputGrad ? inputGradChain.madds() : 0);
        long rFwd = reconstruct.madds() + dense + (training ? project.madds() + coreGemm : 0);
        long rBwd = grads + (inputGrad ? dense : 0);
        costs = new TuckerLayer.Costs(b, fFwd, fBwd, rFwd, rBwd);
        reconstructed = switch (mode) {
            case FACTORIZED -> false;
            case RECONSTRUCTED -> true;
            case AUTO -> !p.denseTooLarge() && (training ? costs.reconstructed() < costs.factorized()
                    : costs.reconstructedForward() < costs.factorizedForward());
        };
        int s = Math.max(expand.maxIntermediate(), Math.max(inputGradChain.maxIntermediate(), reconstruct.maxIntermediate()));
        for (ModeChain c : zRest) s = Math.max(s, c.maxIntermediate());
        for (ModeChain c : expandDp) s = Math.max(s, c.maxIntermediate());
        for (ModeChain c : hRest) s = Math.max(s, c.maxIntermediate());
        scratch = s;
    }

    /** Whether this plan serves a step of batch size {@code b} that computes the same things. */
    boolean fits(int b, boolean training, boolean inputGrad) {
        return this.b == b && this.training == training && this.inputGrad == inputGrad;
    }

    private static ModeChain.Step[] stepsOf(ModeChain c) {
        ModeChain.Step[] s = new ModeChain.Step[c.length()];
        for (int j = 0; j < s.length; j++) s[j] = c.step(j);
        return s;
    }
}
