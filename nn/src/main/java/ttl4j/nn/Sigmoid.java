package ttl4j.nn;

/** {@code y = 1 / (1 + e^-x)} elementwise; {@code dx = dy y (1 - y)}. Shape: any, output as input. */
public final class Sigmoid extends OutputActivation {
    public Sigmoid() {
        super("sigmoid");
    }

    @Override
    float apply(float x) {
        double v = x;
        // Two branches so exp never overflows for large |x|.
        return (float) (v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v)));
    }

    @Override
    float derivativeAtOutput(float y) {
        return y * (1f - y);
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
