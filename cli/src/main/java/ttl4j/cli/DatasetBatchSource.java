package ttl4j.cli;

import java.util.Arrays;
import ttl4j.data.Augmentation;
import ttl4j.data.BatchConverter;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.engine.Tensor;
import ttl4j.nn.Batch;
import ttl4j.nn.BatchSource;
import ttl4j.nn.Buffers;
import ttl4j.nn.EpochOrder;
import ttl4j.nn.ModelSpec;

/**
 * A dataset as the trainer's {@link BatchSource}: the order of each epoch comes from an
 * {@link EpochOrder}, the records of a batch are converted to floats by the data module's
 * {@link BatchConverter}. Built once per run: the order, the input buffer and the two batches (full
 * and the smaller last one) are reused by every epoch. Samples are flat ({@code [features]}) or, for a
 * model that takes images ({@link ModelSpec#takesImages}), {@code [channels, height, width]}: the same
 * floats (the records are channel planes, row-major), another shape.
 */
final class DatasetBatchSource implements BatchSource {
    private final BatchConverter converter;
    private final EpochOrder order;
    private final int size, batchSize, features;
    private final int[] sampleShape;
    /** A full batch and the smaller last one (null when there is none); they share one input buffer. */
    private final Batch full, last;
    private final Augmentation augment;
    private final int channels, height, width;
    private final float[] fill, scratch;

    private DatasetBatchSource(Dataset ds, int batchSize, Preprocessing prep, EpochOrder order, int[] sampleShape, Augmentation augment) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (!Arrays.equals(sampleShape, new int[] {ds.features()}) && !Arrays.equals(sampleShape, ds.recordShape())) {
            throw new IllegalArgumentException("samples of " + ds.name() + " are " + Arrays.toString(ds.recordShape()) + " or "
                    + ds.features() + " flat, not " + Arrays.toString(sampleShape));
        }
        this.sampleShape = sampleShape.clone();
        this.converter = new BatchConverter(ds, prep);
        this.order = order;
        this.augment = augment;
        this.channels = ds.channels();
        this.height = ds.height();
        this.width = ds.width();
        this.fill = prep.floatShifts();
        this.scratch = augment == Augmentation.NONE ? null : new float[ds.features()];
        this.size = ds.size();
        this.batchSize = batchSize;
        this.features = ds.features();
        int fullRows = Math.min(batchSize, size), lastRows = size % batchSize;
        float[] buf = new float[fullRows * features];
        this.full = new Batch(Tensor.wrap(buf, 0, Buffers.batchShape(fullRows, sampleShape)), new int[fullRows]);
        this.last = size > batchSize && lastRows > 0
                ? new Batch(Tensor.wrap(buf, 0, Buffers.batchShape(lastRows, sampleShape)), new int[lastRows]) : null;
    }

    /** Training order: a new permutation for every (seed, epoch); flat samples. */
    static DatasetBatchSource shuffled(Dataset ds, int batchSize, Preprocessing prep) {
        return shuffled(ds, batchSize, prep, new int[] {ds.features()});
    }

    /** Training order, samples of {@code sampleShape} (flat or the record's image shape). */
    static DatasetBatchSource shuffled(Dataset ds, int batchSize, Preprocessing prep, int[] sampleShape) {
        return shuffled(ds, batchSize, prep, sampleShape, Augmentation.NONE);
    }

    /**
     * Training order with each batch augmented ({@link Augmentation}: drawn from (seed, epoch, step), so a
     * batch does not depend on what ran before it and resume stays bitwise).
     */
    static DatasetBatchSource shuffled(Dataset ds, int batchSize, Preprocessing prep, int[] sampleShape, Augmentation augment) {
        return new DatasetBatchSource(ds, batchSize, prep, EpochOrder.shuffled(ds.size()), sampleShape, augment);
    }

    /** Dataset order, seed and epoch ignored: for evaluation; flat samples. */
    static DatasetBatchSource inOrder(Dataset ds, int batchSize, Preprocessing prep) {
        return inOrder(ds, batchSize, prep, new int[] {ds.features()});
    }

    /** Dataset order, samples of {@code sampleShape} (flat or the record's image shape). */
    static DatasetBatchSource inOrder(Dataset ds, int batchSize, Preprocessing prep, int[] sampleShape) {
        return new DatasetBatchSource(ds, batchSize, prep, EpochOrder.sequential(ds.size()), sampleShape, Augmentation.NONE);
    }

    /** The per-sample shape {@code model} takes on {@code ds}'s records: the image for a convolutional model, else flat. */
    static int[] sampleShapeFor(String model, Dataset ds) {
        return ModelSpec.inputShapeFor(model, ds.channels(), ds.height(), ds.width());
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
        return sampleShape.clone();
    }

    @Override
    public Batch batch(long seed, int epoch, int step) {
        if (step < 0 || step >= steps()) throw new IndexOutOfBoundsException("step " + step + " of " + steps());
        int from = step * batchSize, n = Math.min(batchSize, size - from);
        Batch b = n == full.size() ? full : last;
        converter.convert(order.of(seed, epoch), from, n, b.inputs().data(), b.labels());
        augment.apply(b.inputs().data(), n, channels, height, width, fill, seed, epoch, step, scratch);
        return b;
    }
}
