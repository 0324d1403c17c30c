package ttl4j.nn;

/** {@code y = tanh(x)} elementwise; {@code dx = dy (1 - y^2)}. Shape: any, output as input. */
public final class Tanh extends OutputActivation {
    public Tanh() {
        super("tanh");
    }

    @Override
    float apply(float x) {
        return (float) Math.tanh(x);
    }

    @Override
    float derivativeAtOutput(float y) {
        return 1f - y * y;
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
