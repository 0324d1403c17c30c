package ttl4j.nn;

import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;

/** Weight initialisations for a layer with {@code fanIn} inputs and {@code fanOut} outputs. */
public enum Init {
    /** He (Kaiming) normal for ReLU: N(0, 2 / fanIn). */
    HE,
    /** Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
    GLOROT,
    /**
     * PyTorch's default for {@code Linear} and {@code Conv2d} weights, {@code kaiming_uniform_(a=sqrt(5))}:
     * U(-b, b) with b = gain sqrt(3 / fanIn), gain = sqrt(2 / (1 + 5)), that is b = 1 / sqrt(fanIn); their
     * default bias init is the same distribution.
     */
    KAIMING_UNIFORM;

    /** Fills {@code w} from {@code rnd}; the sequence of draws is fixed, so a seed fixes the weights. */
    public void fill(Tensor w, int fanIn, int fanOut, SplittableRandom rnd) {
        float[] d = w.data();
        int off = w.offset();
        switch (this) {
            case HE -> {
                double std = Math.sqrt(2.0 / Math.max(1, fanIn));
                for (int i = 0; i < w.size(); i++) d[off + i] = (float) (Tensor.gaussian(rnd) * std);
            }
            case GLOROT -> {
                double a = Math.sqrt(6.0 / Math.max(1, fanIn + fanOut));
                for (int i = 0; i < w.size(); i++) d[off + i] = (float) ((2 * rnd.nextDouble() - 1) * a);
            }
            case KAIMING_UNIFORM -> {
                double a = 1.0 / Math.sqrt(Math.max(1, fanIn));
                for (int i = 0; i < w.size(); i++) d[off + i] = (float) ((2 * rnd.nextDouble() - 1) * a);
            }
        }
    }

    /** Standard deviation the initialisation targets (tests compare against it). */
    public double std(int fanIn, int fanOut) {
        return switch (this) {
            case HE -> Math.sqrt(2.0 / fanIn);
            case GLOROT -> Math.sqrt(2.0 / (fanIn + fanOut));
            case KAIMING_UNIFORM -> 1.0 / Math.sqrt(3.0 * fanIn);
        };
    }

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code he}, {@code glorot} or {@code kaiming_uniform} (case-insensitive). */
    public static Init parse(String s) {
        for (Init i : values()) if (i.specName().equalsIgnoreCase(s.trim())) return i;
        throw new IllegalArgumentException("unknown init \"" + s + "\"; expected he, glorot or kaiming_uniform");
    }
}
