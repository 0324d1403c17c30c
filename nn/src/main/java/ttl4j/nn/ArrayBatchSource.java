package ttl4j.nn;

import java.util.Arrays;
import ttl4j.engine.Tensor;

/**
 * A {@link BatchSource} over samples already in memory as floats: batches of a fixed size, in the
 * order of {@link EpochOrder#shuffledInMemory} (or in order when not shuffling). Built once; the
 * order and the batch buffers are reused across epochs.
 */
public final class ArrayBatchSource implements BatchSource {
    private final float[] x;
    private final int[] labels;
    private final int[] sampleShape;
    private final int sampleSize, batchSize;
    private final EpochOrder order;
    /** A full batch and the smaller last one (null when there is none); they share one input buffer. */
    private final Batch full, last;

    /** {@code x} holds {@code labels.length} samples of {@code sampleShape}, row-major. */
    public ArrayBatchSource(float[] x, int[] labels, int[] sampleShape, int batchSize, boolean shuffle) {
        this.sampleSize = Tensor.sizeOf(sampleShape);
        if ((long) labels.length * sampleSize != x.length) {
            throw new IllegalArgumentException("array source: " + x.length + " floats for " + labels.length
                    + " samples of shape " + Arrays.toString(sampleShape));
        }
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.x = x;
        this.labels = labels;
        this.sampleShape = sampleShape.clone();
        this.batchSize = batchSize;
        this.order = shuffle ? EpochOrder.shuffledInMemory(labels.length) : EpochOrder.sequential(labels.length);
        int fullRows = Math.min(batchSize, labels.length), lastRows = labels.length % batchSize;
        float[] buf = new float[fullRows * sampleSize];
        this.full = new Batch(Tensor.wrap(buf, 0, Buffers.batchShape(fullRows, sampleShape)), new int[fullRows]);
        this.last = labels.length > batchSize && lastRows > 0
                ? new Batch(Tensor.wrap(buf, 0, Buffers.batchShape(lastRows, sampleShape)), new int[lastRows]) : null;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int steps() {
        return (labels.length + batchSize - 1) / batchSize;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public Batch batch(long seed, int epoch, int step) {
        if (step < 0 || step >= steps()) throw new IndexOutOfBoundsException("step " + step + " of " + steps());
        int[] o = order.of(seed, epoch);
        int from = step * batchSize, b = Math.min(batchSize, labels.length - from);
        Batch out = b == full.size() ? full : last;
        float[] xBuf = out.inputs().data();
        int[] yBuf = out.labels();
        for (int i = 0; i < b; i++) {
            int s = o[from + i];
            System.arraycopy(x, s * sampleSize, xBuf, i * sampleSize, sampleSize);
            yBuf[i] = labels[s];
        }
        return out;
    }
}
