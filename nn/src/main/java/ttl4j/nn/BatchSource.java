package ttl4j.nn;

/**
 * What the {@link Trainer} consumes: an epoch is {@link #steps()} batches in an order fixed by the
 * epoch's seed. Random access by step lets a run resume in the middle of an epoch and keeps the
 * order a pure function of (seed, step). A source that does not shuffle (evaluation) ignores the seed.
 */
public interface BatchSource {

    /** Number of samples. */
    int size();

    /** Batches per epoch (the last one may be smaller). */
    int steps();

    /** Per-sample input shape, e.g. {@code [784]} or {@code [28, 28]}. */
    int[] sampleShape();

    /**
     * Batch {@code step} (0-based, below {@link #steps()}) of the epoch shuffled by {@code seed}.
     * The returned tensors may be reused buffers, valid until the next call.
     */
    Batch batch(long seed, int step);
}
