package ttl4j.ttl;

import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;
import ttl4j.nn.LayerGradients;

/**
 * The backward pass of a {@link TuckerLayer} ({@code docs/tucker-layer.md}, "Backward pass"):
 * the bias, output factor, core and input factor gradients computed directly, never the dense
 * weight gradient, then the input gradient when the layer below needs it. The steps are
 * numbered as in that page.
 *
 * <p>Partial products are not recomputed where the forward already has them: the gradient of
 * {@code A_n} starts from the longest prefix of the kept projection chain that lacks mode n (the
 * prefix before the last-applied mode is free), or takes the other route the plan chose
 * ({@link TuckerPlan#viaExpansion}); likewise the pull-back {@code D -> V} keeps its
 * intermediates for the {@code dB_m}. All products fold the batch into GEMM dimensions.
 */
final class TuckerBackward {
    private TuckerBackward() {}

    /**
     * Adds the parameter gradients of {@code dy} (B, J) to the layer's (or writes them, after a
     * {@code zeroGrad}), and returns dX in the shape of {@code x}, or null when it is not needed.
     */
    static Tensor run(TuckerParams p, TuckerPlan plan, TuckerBuffers buf, LayerGradients grads, Tensor x, Tensor dy) {
        int b = plan.b, nIn = p.nIn, nOut = p.nOut;
        buf.ensureBackward(p, plan);
        Kernels k = Engine.kernels();
        float beta = grads.beta();
        float[] d = dy.data();
        int dOff = dy.offset();

        // 1. db = sum_b D_b.
        grads.addBiasGrad(b, d, dOff);

        // 2. V = D x_m B_m^T, intermediates kept for step 3.
        plan.pull.run(d, dOff, buf.mids(plan.pull, buf.pulled), buf.pulled[nOut], 0);
        float[] v = buf.pulled[nOut];

        // 3. dB_m = sum over all modes but m of H_m (B, S.., J_m, ..S) with U (B, S..), where
        // H_m = D x_{k != m} B_k^T continues the pull-back from the prefix that lacks mode m.
        for (int m = 0; m < nOut; m++) {
            int from = plan.hFrom[m];
            float[] src = from == 0 ? d : buf.pulled[from];
            int srcOff = from == 0 ? dOff : 0;
            ModeChain rest = plan.hRest[m];
            float[] hm;
            int hOff;
            if (rest.length() == 0) {
                hm = src;
                hOff = srcOff;
            } else {
                rest.run(src, srcOff, buf.mids(rest, null), buf.h, 0);
                hm = buf.h;
                hOff = 0;
            }
            Tensor gbm = p.outFactors[m].grad();
            ModeProducts.contractAllBut(rest.shape(rest.length()), m + 1, hm, hOff, buf.u, 0, p.outRanks[m], beta,
                    gbm.data(), gbm.offset());
        }

        // 4. dG_mat (S, R) = V^T P; 5. dP (B, R) = V G_mat.
        Tensor gg = p.core.grad(), g = p.core.value();
        float[] pm = buf.proj[nIn];
        k.gemm(true, false, p.sSize, p.rSize, b, 1f, v, 0, p.sSize, pm, 0, p.rSize, beta, gg.data(), gg.offset(), p.rSize);
        k.gemm(false, false, b, p.rSize, p.sSize, 1f, v, 0, p.sSize, g.data(), g.offset(), p.rSize, 0f, buf.dp, 0, p.rSize);

        // 6. dA_n = sum over all modes but n of Z_n (B, R.., I_n, ..R) with dP (B, R..), where
        // Z_n = X x_{k != n} A_k^T continues the forward projection from the prefix that lacks mode n;
        // or, when the plan estimates it faster, of X with E_n = dP x_{k != n} A_k (B, I.., R_n, ..I).
        for (int n = 0; n < nIn; n++) {
            Tensor gan = p.inFactors[n].grad();
            if (plan.viaExpansion[n]) {
                ModeChain e = plan.expandDp[n];
                e.run(buf.dp, 0, buf.mids(e, null), buf.z, 0);
                ModeProducts.contractAllBut(plan.xShape, n + 1, x.data(), x.offset(), buf.z, 0, p.inRanks[n], beta,
                        gan.data(), gan.offset());
                continue;
            }
            int from = plan.zFrom[n];
            float[] src = from == 0 ? x.data() : buf.proj[from];
            int srcOff = from == 0 ? x.offset() : 0;
            ModeChain rest = plan.zRest[n];
            float[] zn;
            int zOff;
            if (rest.length() == 0) {
                zn = src;
                zOff = srcOff;
            } else {
                rest.run(src, srcOff, buf.mids(rest, null), buf.z, 0);
                zn = buf.z;
                zOff = 0;
            }
            ModeProducts.contractAllBut(rest.shape(rest.length()), n + 1, zn, zOff, buf.dp, 0, p.inRanks[n], beta,
                    gan.data(), gan.offset());
        }
        grads.gradientsWritten();

        // 7. dX: D W_mat when the weight is formed already, else dP x_n A_n.
        float[] dx = grads.inputGradBuffer((long) b * p.inSize);
        if (dx == null) return null;
        if (plan.reconstructed) {
            k.gemm(false, false, b, p.inSize, p.outSize, 1f, d, dOff, p.outSize, buf.w, 0, p.inSize, 0f, dx, 0, p.inSize);
        } else {
            plan.inputGradChain.run(buf.dp, 0, buf.mids(plan.inputGradChain, null), dx, 0);
        }
        return Tensor.wrap(dx, 0, x.shape());
    }
}
