package ttl4j.data;

import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tuning;

/**
 * Turns records of a {@link Dataset}, picked by index, into float network inputs with a recorded
 * {@link Preprocessing}: the dataset stays bytes and only the records of the current batch become
 * floats. Which records make a batch (the order of an epoch) is the caller's; this class only
 * converts, into arrays the caller owns and reuses.
 */
public final class BatchConverter {
    /**
     * A converted element costs about this many elements of an elementwise kernel: the records come
     * from random places in the dataset, not one stream. At 2 a batch of 128 MNIST images stays on the
     * calling thread, where waking another core costs about as much as the split saves; a batch of
     * 128 CIFAR-10 images is split.
     */
    private static final int CONVERT_COST = 2;

    private final Dataset ds;
    private final float[] scales, shifts;

    public BatchConverter(Dataset ds, Preprocessing prep) {
        if (prep.channels() != ds.channels()) {
            throw new IllegalArgumentException("preprocessing has " + prep.channels() + " channels, dataset " + ds.name()
                    + " has " + ds.channels());
        }
        this.ds = ds;
        this.scales = prep.floatScales();
        this.shifts = prep.floatShifts();
    }

    /**
     * Converts records {@code order[from..from+n)} into {@code dst} ({@code n x features}, row-major,
     * from index 0) and their labels into {@code labels[0..n)}. Channel c of a pixel becomes
     * {@code fma(pixel, scales[c], shifts[c])} ({@link Preprocessing#apply}) in a vector kernel, not
     * through a 256-entry lookup table, whose per-pixel gathers do not vectorise. The result has the
     * same bits for any thread count: threads split the batch by records, never a record's arithmetic.
     */
    public void convert(int[] order, int from, int n, float[] dst, int[] labels) {
        int f = ds.features();
        if (from < 0 || n < 0 || (long) from + n > order.length || (long) n * f > dst.length || n > labels.length) {
            throw new IllegalArgumentException("convert " + n + " records from position " + from + " of an order of "
                    + order.length + " into " + dst.length + " floats and " + labels.length + " labels (" + f
                    + " features each)");
        }
        if (Parallel.threads() > 1 && n > 1 && (long) n * f * CONVERT_COST >= Tuning.PARALLEL_MIN_ELEMENTS) {
            int chunks = Math.min(n, 4 * Parallel.threads());
            Parallel.forEach(chunks, c -> convertRange(order, from, (int) ((long) n * c / chunks),
                    (int) ((long) n * (c + 1) / chunks), dst, labels));
        } else {
            convertRange(order, from, 0, n, dst, labels);
        }
    }

    /** Batch rows {@code [b0, b1)}: records {@code order[from + b]}. */
    private void convertRange(int[] order, int from, int b0, int b1, float[] dst, int[] labels) {
        byte[] img = ds.images();
        int f = ds.features();
        int plane = ds.height() * ds.width();
        int channels = ds.channels();
        Kernels k = Engine.kernels();
        for (int b = b0; b < b1; b++) {
            int rec = order[from + b];
            labels[b] = ds.label(rec);
            int src = rec * f;
            int out = b * f;
            for (int c = 0; c < channels; c++) {
                k.bytesToFloats(plane, img, src + c * plane, scales[c], shifts[c], dst, out + c * plane);
            }
        }
    }
}
