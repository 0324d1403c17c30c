package ttl4j.nn;

/**
 * Training produced a NaN or infinite loss or gradient. The weights are those before the failing
 * step; the last checkpoint written (if any) is untouched.
 */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int epoch, step;
    private final long globalStep;
    private final String where;

    public DivergenceException(String message, int epoch, int step, long globalStep, String where) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.globalStep = globalStep;
        this.where = where;
    }

    /** 1-based epoch of the failing step. */
    public int epoch() {
        return epoch;
    }

    /** 0-based step within the epoch. */
    public int step() {
        return step;
    }

    public long globalStep() {
        return globalStep;
    }

    /** {@code "loss"} or the parameter whose gradient or value was not finite, e.g. {@code layers.2.weight}. */
    public String where() {
        return where;
    }
}
