package ttl4j.ttl;

import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;

/**
 * The forward pass of a {@link TuckerLayer} ({@code docs/tucker-layer.md}, "Forward pass"), and
 * the reconstruction of the dense weight.
 *
 * <p>Factorised: {@code P = X x_2 A_1^T ... x_{N+1} A_N^T} (mode 1 is the batch), {@code U = P G_mat^T}
 * in one GEMM, {@code Y = U x_2 B_1 ... x_{M+1} B_M + b}. Reconstructed: {@code W_mat} formed from
 * the factors, then {@code Y = X W_mat^T + b}; in training P and U are computed as well, since the
 * factor gradients need them.
 */
final class TuckerForward {
    private TuckerForward() {}

    /** Y (B, J) of {@code x} (B, I..), in {@code buf.y}; keeps in {@code buf} what the backward needs. */
    static Tensor run(TuckerParams p, TuckerPlan plan, TuckerBuffers buf, Tensor x, boolean training) {
        int b = plan.b;
        buf.ensureForward(p, plan);
        p.refreshTransposes();
        Kernels k = Engine.kernels();
        float[] g = p.core.value().data();
        int gOff = p.core.value().offset();
        if (!plan.reconstructed || training) {
            plan.project.run(x.data(), x.offset(), buf.mids(plan.project, buf.proj), buf.proj[p.nIn], 0);
            // U (B, S) = P (B, R) G_mat^T, G_mat (S, R).
            k.gemm(false, true, b, p.sSize, p.rSize, 1f, buf.proj[p.nIn], 0, p.rSize, g, gOff, p.rSize, 0f, buf.u, 0, p.sSize);
        }
        if (plan.reconstructed) {
            Tensor core = p.core.value();
            plan.reconstruct.run(core.data(), core.offset(), buf.mids(plan.reconstruct, null), buf.w, 0);
            // Y (B, J) = X (B, I) W_mat^T.
            k.gemm(false, true, b, p.outSize, p.inSize, 1f, x.data(), x.offset(), p.inSize, buf.w, 0, p.inSize, 0f, buf.y, 0, p.outSize);
        } else {
            plan.expand.run(buf.u, 0, buf.mids(plan.expand, null), buf.y, 0);
        }
        Tensor bias = p.bias.value();
        k.addRowVector(b, p.outSize, buf.y, 0, bias.data(), bias.offset(), buf.y, 0);
        return Tensor.wrap(buf.y, 0, b, p.outSize);
    }

    /** The dense weight {@code W_mat} (J x I) of the current parameters, as a new tensor; {@code plan} is any plan of the layer. */
    static Tensor reconstructWeight(TuckerParams p, TuckerPlan plan) {
        p.refreshTransposes();
        float[] a = new float[Math.max(1, plan.scratch)], c = new float[Math.max(1, plan.scratch)];
        float[][] m = TuckerBuffers.mids(plan.reconstruct, null, a, c);
        Tensor out = Tensor.zeros(p.outSize, p.inSize);
        plan.reconstruct.run(p.core.value().data(), p.core.value().offset(), m, out.data(), 0);
        return out;
    }
}
