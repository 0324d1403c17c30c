package ttl4j.nn;

/**
 * What the {@link Trainer} consumes: an epoch is {@link #steps()} batches in an order fixed by the
 * run's seed and the epoch ({@link EpochOrder}). Random access by (seed, epoch, step) lets a run
 * resume in the middle of an epoch and keeps every batch a pure function of the three. A source
 * that does not shuffle (evaluation) ignores seed and epoch.
 */
public interface BatchSource {

    /** Number of samples. */
    int size();

    /** Batches per epoch (the last one may be smaller). */
    int steps();

    /** Per-sample input shape, e.g. {@code [784]} or {@code [28, 28]}. */
    int[] sampleShape();

    /**
     * Batch {@code step} (0-based, below {@link #steps()}) of epoch {@code epoch} (0-based) of a run
     * seeded by {@code seed}. The returned batch may be a reused buffer, valid until the next call.
     */
    Batch batch(long seed, int epoch, int step);
}
