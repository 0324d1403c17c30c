package ttl4j.data;

import java.util.NoSuchElementException;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;
import ttl4j.engine.Tuning;

/**
 * Mini-batches of a {@link Dataset} as float tensors, converted per batch with a recorded
 * {@link Preprocessing}. Shuffling is deterministic: epoch e of seed s always gives the same order
 * ({@link Shuffle}). The batch tensors and label arrays are reused: a {@link Batch} is valid until
 * the next call of {@link #next()}.
 *
 * <pre>
 * Batches b = new Batches(train, 128, Preprocessing.unitRange(1), true, seed, false);
 * for (int e = 0; e < epochs; e++) {
 *     b.startEpoch(e);
 *     while (b.hasNext()) { Batches.Batch batch = b.next(); ... batch.x() (B x features) ... }
 * }
 * </pre>
 */
public final class Batches {
    /**
     * A converted element costs about this many elements of an elementwise kernel: the records come
     * from random places in the dataset, not one stream. At 2 a batch of 128 MNIST images (100k
     * elements, about 26 us on one core) stays on the calling thread, where splitting it measured
     * slower (waking the other core costs about as much); 128 CIFAR-10 images are split.
     */
    private static final int CONVERT_COST = 2;

    private final Dataset ds;
    private final int batchSize;
    private final Preprocessing prep;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final float[] scales, shifts;
    private final int[] order;
    private final float[] buf;
    private final Tensor fullX;
    private final int[] fullLabels;
    private final Tensor tailX;
    private final int[] tailLabels;
    private final Batch batch = new Batch();
    private int epoch = -1;
    private int nextBatch;

    /**
     * @param shuffle  false keeps the dataset order (evaluation)
     * @param dropLast drop a last batch smaller than {@code batchSize} instead of yielding it
     */
    public Batches(Dataset ds, int batchSize, Preprocessing prep, boolean shuffle, long seed, boolean dropLast) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (prep.channels() != ds.channels()) {
            throw new IllegalArgumentException("preprocessing has " + prep.channels() + " channels, dataset " + ds.name()
                    + " has " + ds.channels());
        }
        this.ds = ds;
        this.batchSize = batchSize;
        this.prep = prep;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.scales = prep.floatScales();
        this.shifts = prep.floatShifts();
        this.order = new int[ds.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int full = Math.min(batchSize, Math.max(ds.size(), 1));
        this.buf = new float[full * ds.features()];
        this.fullX = Tensor.wrap(buf, 0, full, ds.features());
        this.fullLabels = new int[full];
        int tail = ds.size() % batchSize;
        this.tailX = tail > 0 && !dropLast ? Tensor.wrap(buf, 0, tail, ds.features()) : null;
        this.tailLabels = tail > 0 && !dropLast ? new int[tail] : null;
    }

    /** Batches in dataset order, last partial batch kept: for evaluation. */
    public static Batches sequential(Dataset ds, int batchSize, Preprocessing prep) {
        return new Batches(ds, batchSize, prep, false, 0, false);
    }

    public Dataset dataset() {
        return ds;
    }

    public Preprocessing preprocessing() {
        return prep;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch (the partial last one counted unless dropped). */
    public int batchesPerEpoch() {
        int n = ds.size() / batchSize;
        return n + (!dropLast && ds.size() % batchSize != 0 ? 1 : 0);
    }

    /** Records seen per epoch. */
    public int recordsPerEpoch() {
        return dropLast ? ds.size() / batchSize * batchSize : ds.size();
    }

    /** Starts epoch {@code e} at its first batch. */
    public void startEpoch(int e) {
        startEpoch(e, 0);
    }

    /** Starts epoch {@code e} at batch {@code firstBatch} (to resume mid-epoch). */
    public void startEpoch(int e, int firstBatch) {
        if (e < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + e);
        if (firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + firstBatch + " not in 0.." + batchesPerEpoch());
        }
        if (shuffle && e != epoch) Shuffle.permute(order, seed, e);
        epoch = e;
        nextBatch = firstBatch;
    }

    public boolean hasNext() {
        return epoch >= 0 && nextBatch < batchesPerEpoch();
    }

    /** The next batch; its tensor and labels are overwritten by the following call. */
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException(epoch < 0 ? "call startEpoch first" : "epoch " + epoch + " has no more batches");
        int from = nextBatch * batchSize;
        int n = Math.min(batchSize, ds.size() - from);
        boolean tail = n < batchSize && n < fullLabels.length;
        int[] labels = tail ? tailLabels : fullLabels;
        convert(ds, order, from, n, scales, shifts, buf, labels);
        batch.x = tail ? tailX : fullX;
        batch.labels = labels;
        batch.index = nextBatch;
        batch.epoch = epoch;
        nextBatch++;
        return batch;
    }

    /**
     * Converts records {@code order[from..from+n)} into {@code dst} (n x features), channel c as
     * {@code fma(pixel, scales[c], shifts[c])} (a vector kernel: a per-pixel table lookup took a third
     * of a small network's epoch), and their labels into {@code labels}.
     */
    static void convert(Dataset ds, int[] order, int from, int n, float[] scales, float[] shifts, float[] dst, int[] labels) {
        if (Parallel.threads() > 1 && n > 1 && (long) n * ds.features() * CONVERT_COST >= Tuning.PARALLEL_MIN_ELEMENTS) {
            int chunks = Math.min(n, 4 * Parallel.threads());
            Parallel.forEach(chunks, c -> convertRange(ds, order, from, (int) ((long) n * c / chunks),
                    (int) ((long) n * (c + 1) / chunks), scales, shifts, dst, labels));
        } else {
            convertRange(ds, order, from, 0, n, scales, shifts, dst, labels);
        }
    }

    static void convertRange(Dataset ds, int[] order, int from, int b0, int b1, float[] scales, float[] shifts,
                             float[] dst, int[] labels) {
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

    /** One batch: inputs (B x features), labels (length B). Reused between calls of {@link #next()}. */
    public static final class Batch {
        private Tensor x;
        private int[] labels;
        private int index;
        private int epoch;

        /** Inputs, shape (B, features). */
        public Tensor x() {
            return x;
        }

        /** Class labels, length B. */
        public int[] labels() {
            return labels;
        }

        /** B, the number of records in this batch. */
        public int size() {
            return labels.length;
        }

        /** Index of the batch within its epoch. */
        public int index() {
            return index;
        }

        public int epoch() {
            return epoch;
        }
    }
}
