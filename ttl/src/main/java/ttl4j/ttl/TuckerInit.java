package ttl4j.ttl;

import java.util.SplittableRandom;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;
import ttl4j.nn.Init;
import ttl4j.nn.Param;

/**
 * Initialisation of a {@link TuckerLayer} ({@code docs/tucker-layer.md}, "Initialisation"): factors
 * with orthonormal columns ({@link Orthonormal}), a Gaussian core rescaled so that the reconstructed
 * {@code W_mat} has exactly the standard deviation {@link Init#std} of the equivalent dense layer.
 */
final class TuckerInit {
    private TuckerInit() {}

    /** Draws the input factors, then the output factors, then the core, from {@code rnd}; the bias stays zero. */
    static void initialise(TuckerParams p, Init init, SplittableRandom rnd) {
        for (Param a : p.inFactors) a.value().copyFrom(Orthonormal.random(a.value().dim(0), a.value().dim(1), rnd));
        for (Param b : p.outFactors) b.value().copyFrom(Orthonormal.random(b.value().dim(0), b.value().dim(1), rnd));
        Tensor g = p.core.value();
        for (int i = 0; i < g.size(); i++) g.setFlat(i, (float) Tensor.gaussian(rnd));
        // ||W||_F^2 = <G, G x_k (F_k^T F_k)>: exact without forming W (the Gram matrices are
        // identities when every factor has orthonormal columns).
        double norm2 = weightNormSquared(p);
        double target = init.std(p.inSize, p.outSize) * Math.sqrt((double) p.inSize * p.outSize);
        float scale = (float) (target / Math.sqrt(norm2));
        Engine.kernels().scale(g.size(), scale, g.data(), g.offset(), g.data(), g.offset());
    }

    /** {@code ||W||_F^2} of the current parameters, without forming W. */
    static double weightNormSquared(TuckerParams p) {
        Tensor g = p.core.value();
        Tensor t = g;
        for (int k = 0; k < p.nOut + p.nIn; k++) {
            Tensor f = k < p.nOut ? p.outFactors[k].value() : p.inFactors[k - p.nOut].value();
            int r = f.dim(1), d = f.dim(0);
            Tensor gram = Tensor.zeros(r, r);
            Engine.kernels().gemm(true, false, r, r, d, 1f, f.data(), f.offset(), r, f.data(), f.offset(), r,
                    0f, gram.data(), 0, r);
            t = ModeProducts.modeProduct(t, k, gram, false);
        }
        double s = 0;
        for (int i = 0; i < g.size(); i++) s += (double) g.getFlat(i) * t.getFlat(i);
        return s;
    }
}
