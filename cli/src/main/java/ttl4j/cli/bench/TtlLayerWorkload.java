package ttl4j.cli.bench;

import java.util.List;
import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.engine.Tensor;
import ttl4j.nn.Dense;
import ttl4j.nn.Init;
import ttl4j.nn.Layer;
import ttl4j.ttl.TuckerLayer;

/**
 * The Tucker layer benchmark, for {@code ttl bench ttl-layer} and JMH's {@code TtlLayerBenchmark}:
 * one training step (forward and backward, {@code X (B, I..) -> Y (B, J..)}) of a Tucker layer in
 * its factorized and its reconstructed mode, beside the dense layer of the same size holding the
 * reconstructed weight. The work counted is the multiply-adds each algorithm performs.
 */
public final class TtlLayerWorkload {

    /**
     * A layer to time: {@code key} names it for JMH's @Param, {@code label} in the {@code ttl bench}
     * table; input and output shapes, input and output ranks, and whether the input gradient is
     * needed (an inner layer) or not (a first layer).
     */
    public record Case(String key, String label, int[] in, int[] out, int[] r, int[] s, boolean inputGrad) {}

    /** The case keys (constants because JMH's @Param takes only constants). */
    public static final String TTL_MNIST = "ttl-mnist", INNER_32 = "32x32-r8";

    /** The paper's MNIST layer 28x28 -> 300 with ranks 5x5 | 10 (a first layer), and an inner 32x32 -> 32x32 with ranks 8. */
    public static final List<Case> CASES = List.of(
            new Case(TTL_MNIST, "ttl-mnist", new int[] {28, 28}, new int[] {300}, new int[] {5, 5}, new int[] {10}, false),
            new Case(INNER_32, "32x32->32x32 r8", new int[] {32, 32}, new int[] {32, 32}, new int[] {8, 8}, new int[] {8, 8}, true));

    /** The three layers timed, in the order they are reported. */
    public enum Variant {
        DENSE, FACTORIZED, RECONSTRUCTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Case c;
    private final int batch;
    private final Dense dense;
    private final TuckerLayer factorized, reconstructed;
    private final Tensor x, dy;

    /** The three layers with the same weights (from fixed seeds) and a random input and output gradient. */
    public TtlLayerWorkload(Case c, int batch) {
        this.c = c;
        this.batch = batch;
        factorized = new TuckerLayer(c.in(), c.out(), c.r(), c.s(), TuckerLayer.Mode.FACTORIZED, Init.HE, new SplittableRandom(1));
        reconstructed = new TuckerLayer(c.in(), c.out(), c.r(), c.s(), TuckerLayer.Mode.RECONSTRUCTED, Init.HE, new SplittableRandom(1));
        dense = new Dense(factorized.inSize(), factorized.outSize(), Init.HE, new SplittableRandom(1));
        dense.weight().value().copyFrom(factorized.reconstructWeight());
        for (Variant v : Variant.values()) layer(v).setInputGradNeeded(c.inputGrad());
        SplittableRandom rnd = new SplittableRandom(42);
        x = Tensor.randn(rnd, 1f, batch, factorized.inSize());
        dy = Tensor.randn(rnd, 1f, batch, factorized.outSize());
    }

    /** The case with this key. */
    public static Case byKey(String key) {
        for (Case c : CASES) if (c.key().equals(key)) return c;
        throw new Main.UserError("unknown layer case '" + key + "': expected " + TTL_MNIST + " or " + INNER_32);
    }


    private Layer layer(Variant v) {
        return switch (v) {
            case DENSE -> dense;
            case FACTORIZED -> factorized;
            case RECONSTRUCTED -> reconstructed;
        };
    }

    /** Timed: one step of {@code v} (gradients cleared, forward, backward); returns a gradient for JMH to consume. */
    public Tensor step(Variant v) {
        Layer l = layer(v);
        l.zeroGrad();
        l.forward(x, true);
        l.backward(dy);
        return v == Variant.DENSE ? dense.weight().grad() : ((TuckerLayer) l).core().grad();
    }

    /** The three variants compute the same outputs before anything is timed. */
    public void check() {
        float[] ref = dense.forward(x, true).toArray();
        for (Variant v : new Variant[] {Variant.FACTORIZED, Variant.RECONSTRUCTED}) {
            float[] y = layer(v).forward(x, true).toArray();
            for (int i = 0; i < y.length; i++) {
                if (Math.abs(y[i] - ref[i]) > 1e-3 * (1 + Math.abs(ref[i]))) {
                    throw new IllegalStateException(c.label() + ": " + layer(v) + " output " + i + " is " + y[i]
                            + ", the dense layer with its reconstructed weight gives " + ref[i]);
                }
            }
        }
    }

    /** Multiply-adds of one step of {@code v}: dense B I J per product (2 or 3 products), the Tucker modes from the layer's plan. */
    public long multiplyAdds(Variant v) {
        return switch (v) {
            case DENSE -> (long) batch * factorized.inSize() * factorized.outSize() * (c.inputGrad() ? 3 : 2);
            case FACTORIZED -> factorized.costs(batch, true).factorized();
            case RECONSTRUCTED -> factorized.costs(batch, true).reconstructed();
        };
    }
}
