package ttl4j.ttl;

import ttl4j.nn.Buffers;

/**
 * The working arrays of a {@link TuckerLayer}, grown for the largest batch seen and reused: what
 * the forward keeps for the backward ({@link #proj}, {@link #u}, {@link #w}), the backward's own
 * intermediates, and two ping-pong scratch arrays for the intermediates of the other chains.
 */
final class TuckerBuffers {
    /** {@code proj[j]}: projection intermediate j (1..N); {@code proj[N]} = P (B, R). */
    float[][] proj = new float[0][];
    /** {@code pulled[j]}: pull-back intermediate j (1..M); {@code pulled[M]} = V (B, S). */
    float[][] pulled = new float[0][];
    /** U (B, S) and Y (B, J). */
    float[] u, y;
    /** The reconstructed weight {@code W_mat (J, I)}, only in reconstructed mode. */
    float[] w;
    /** dP (B, R), and the operands Z_n / E_n and H_m of the factor-gradient contractions. */
    float[] dp, z, h;
    float[] sc0, sc1;

    void ensureForward(TuckerParams p, TuckerPlan plan) {
        if (proj.length != p.nIn + 1) proj = new float[p.nIn + 1][];
        for (int j = 1; j <= p.nIn; j++) proj[j] = Buffers.ensure(proj[j], plan.project.size(j));
        u = Buffers.ensure(u, (long) plan.b * p.sSize);
        y = Buffers.ensure(y, (long) plan.b * p.outSize);
        sc0 = Buffers.ensure(sc0, plan.scratch);
        sc1 = Buffers.ensure(sc1, plan.scratch);
        if (plan.reconstructed) w = Buffers.ensure(w, (long) p.outSize * p.inSize);
    }

    void ensureBackward(TuckerParams p, TuckerPlan plan) {
        if (pulled.length != p.nOut + 1) pulled = new float[p.nOut + 1][];
        for (int j = 1; j <= p.nOut; j++) pulled[j] = Buffers.ensure(pulled[j], plan.pull.size(j));
        int zMax = 0, hMax = 0;
        for (int n = 0; n < p.nIn; n++) {
            ModeChain c = plan.viaExpansion[n] ? plan.expandDp[n] : plan.zRest[n];
            zMax = Math.max(zMax, c.size(c.length()));
        }
        for (ModeChain c : plan.hRest) hMax = Math.max(hMax, c.size(c.length()));
        z = Buffers.ensure(z, zMax);
        h = Buffers.ensure(h, hMax);
        dp = Buffers.ensure(dp, (long) plan.b * p.rSize);
    }

    /**
     * The intermediate arrays for running chain {@code c}: {@code kept[j]} when its intermediates
     * are kept for later, else the two scratch arrays alternately (a product never writes its input).
     */
    float[][] mids(ModeChain c, float[][] kept) {
        return mids(c, kept, sc0, sc1);
    }

    static float[][] mids(ModeChain c, float[][] kept, float[] even, float[] odd) {
        float[][] m = new float[c.length() + 1][];
        for (int j = 1; j < c.length(); j++) m[j] = kept != null ? kept[j] : ((j & 1) == 0 ? even : odd);
        return m;
    }
}
