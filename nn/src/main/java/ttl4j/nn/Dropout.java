package ttl4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability {@code p} and the rest
 * scaled by {@code 1 / (1 - p)}, so evaluation is the identity. Shape: any, output as input.
 *
 * <p>The mask of the n-th training forward comes from a generator seeded by (seed, n), so the
 * whole RNG state is (seed, counter): checkpoints store both and a resumed run draws the same masks.
 */
public final class Dropout implements Layer {
    private final double p;
    private long seed;
    private long calls;
    private float[] mask, yBuf, dxBuf;
    private int[] shape;
    private boolean lastTraining;
    private boolean inputGradNeeded = true;

    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.seed = seed;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        shape = x.shape();
        lastTraining = training && p > 0;
        if (!lastTraining) return x;
        int n = x.size();
        mask = Buffers.ensure(mask, n);
        yBuf = Buffers.ensure(yBuf, n);
        SplittableRandom rnd = new SplittableRandom(mix(seed + 0x9E3779B97F4A7C15L * ++calls));
        float keep = (float) (1.0 / (1.0 - p));
        for (int i = 0; i < n; i++) mask[i] = rnd.nextDouble() < p ? 0f : keep;
        Engine.kernels().mul(n, x.data(), x.offset(), mask, 0, yBuf, 0);
        return Tensor.wrap(yBuf, 0, shape);
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (shape == null) throw new IllegalStateException("dropout: backward before forward");
        dy.requireShape("dropout backward dy", shape);
        if (!inputGradNeeded) return null;
        if (!lastTraining) return dy;
        int n = dy.size();
        dxBuf = Buffers.ensure(dxBuf, n);
        Engine.kernels().mul(n, dy.data(), dy.offset(), mask, 0, dxBuf, 0);
        return Tensor.wrap(dxBuf, 0, shape);
    }

    /** The scale factors of the latest training forward (0 or 1/(1-p)), for tests. */
    float[] mask() {
        return mask;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public void setInputGradNeeded(boolean needed) {
        inputGradNeeded = needed;
    }

    @Override
    public Map<String, String> exportState() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rng_seed", Long.toString(seed));
        m.put("rng_calls", Long.toString(calls));
        return m;
    }

    @Override
    public void importState(Map<String, String> state) {
        String s = state.get("rng_seed"), c = state.get("rng_calls");
        if (s != null) seed = Long.parseLong(s);
        if (c != null) calls = Long.parseLong(c);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public String spec() {
        return "dropout(" + p + ")";
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
