package ttl4j.cli;

import ttl4j.data.Batches;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.engine.Tensor;
import ttl4j.nn.Batch;
import ttl4j.nn.BatchSource;

/**
 * The data module's {@link Batches} seen as the trainer's {@link BatchSource}. Samples stay bytes and
 * are converted per batch. The trainer hands over one seed per epoch; it becomes the seed of a fresh
 * shuffled {@code Batches} (epoch 0 of it), so the order is a pure function of that seed and a
 * resumed run sees the batches an uninterrupted one would. Samples are flat ({@code [features]}).
 */
final class DatasetBatchSource implements BatchSource {
    private final Dataset ds;
    private final int batchSize;
    private final Preprocessing prep;
    private final boolean shuffle;
    private Batches current;
    private long currentSeed;

    DatasetBatchSource(Dataset ds, int batchSize, Preprocessing prep, boolean shuffle) {
        this.ds = ds;
        this.batchSize = batchSize;
        this.prep = prep;
        this.shuffle = shuffle;
    }

    /** Training order: reshuffled from each epoch's seed. */
    static DatasetBatchSource shuffled(Dataset ds, int batchSize, Preprocessing prep) {
        return new DatasetBatchSource(ds, batchSize, prep, true);
    }

    /** Dataset order, seed ignored: for evaluation. */
    static DatasetBatchSource inOrder(Dataset ds, int batchSize, Preprocessing prep) {
        return new DatasetBatchSource(ds, batchSize, prep, false);
    }

    @Override
    public int size() {
        return ds.size();
    }

    @Override
    public int steps() {
        return (ds.size() + batchSize - 1) / batchSize;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {ds.features()};
    }

    @Override
    public Batch batch(long seed, int step) {
        if (step < 0 || step >= steps()) throw new IndexOutOfBoundsException("step " + step + " of " + steps());
        long s = shuffle ? seed : 0;
        if (current == null || currentSeed != s) {
            current = new Batches(ds, batchSize, prep, shuffle, s, false);
            currentSeed = s;
        }
        // Same epoch index: startEpoch only repositions, the permutation is not recomputed.
        current.startEpoch(0, step);
        Batches.Batch b = current.next();
        Tensor x = b.x();
        return new Batch(x, b.labels());
    }
}
