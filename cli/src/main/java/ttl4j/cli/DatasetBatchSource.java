package ttl4j.cli;

import ttl4j.data.BatchConverter;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.engine.Tensor;
import ttl4j.nn.Batch;
import ttl4j.nn.BatchSource;
import ttl4j.nn.EpochOrder;

/**
 * A dataset as the trainer's {@link BatchSource}: the order of each epoch comes from an
 * {@link EpochOrder}, the records of a batch are converted to floats by the data module's
 * {@link BatchConverter}. Built once per run: the order, the input buffer and the two batches (full
 * and the smaller last one) are reused by every epoch. Samples are flat ({@code [features]}).
 */
final class DatasetBatchSource implements BatchSource {
    private final BatchConverter converter;
    private final EpochOrder order;
    private final int size, batchSize, features;
    /** A full batch and the smaller last one (null when there is none); they share one input buffer. */
    private final Batch full, last;

    private DatasetBatchSource(Dataset ds, int batchSize, Preprocessing prep, EpochOrder order) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.converter = new BatchConverter(ds, prep);
        this.order = order;
        this.size = ds.size();
        this.batchSize = batchSize;
        this.features = ds.features();
        int fullRows = Math.min(batchSize, size), lastRows = size % batchSize;
        float[] buf = new float[fullRows * features];
        this.full = new Batch(Tensor.wrap(buf, 0, fullRows, features), new int[fullRows]);
        this.last = size > batchSize && lastRows > 0 ? new Batch(Tensor.wrap(buf, 0, lastRows, features), new int[lastRows]) : null;
    }

    /** Training order: a new permutation for every (seed, epoch). */
    static DatasetBatchSource shuffled(Dataset ds, int batchSize, Preprocessing prep) {
        return new DatasetBatchSource(ds, batchSize, prep, EpochOrder.shuffled(ds.size()));
    }

    /** Dataset order, seed and epoch ignored: for evaluation. */
    static DatasetBatchSource inOrder(Dataset ds, int batchSize, Preprocessing prep) {
        return new DatasetBatchSource(ds, batchSize, prep, EpochOrder.sequential(ds.size()));
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int steps() {
        return (size + batchSize - 1) / batchSize;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {features};
    }

    @Override
    public Batch batch(long seed, int epoch, int step) {
        if (step < 0 || step >= steps()) throw new IndexOutOfBoundsException("step " + step + " of " + steps());
        int from = step * batchSize, n = Math.min(batchSize, size - from);
        Batch b = n == full.size() ? full : last;
        converter.convert(order.of(seed, epoch), from, n, b.inputs().data(), b.labels());
        return b;
    }
}
