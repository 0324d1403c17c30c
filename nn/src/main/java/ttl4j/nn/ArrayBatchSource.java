package ttl4j.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;

/**
 * A {@link BatchSource} over samples already in memory as floats: batches of a fixed size, shuffled
 * per epoch by a Fisher-Yates permutation from the epoch's seed (or in order when not shuffling).
 */
public final class ArrayBatchSource implements BatchSource {
    private final float[] x;
    private final int[] labels;
    private final int[] sampleShape;
    private final int sampleSize, batchSize;
    private final boolean shuffle;
    private int[] order;
    private long orderSeed;
    private float[] xBuf;
    private int[] yBuf;

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
        this.shuffle = shuffle;
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
    public Batch batch(long seed, int step) {
        if (step < 0 || step >= steps()) throw new IndexOutOfBoundsException("step " + step + " of " + steps());
        if (shuffle && (order == null || orderSeed != seed)) {
            order = permutation(labels.length, seed);
            orderSeed = seed;
        }
        int from = step * batchSize, b = Math.min(batchSize, labels.length - from);
        xBuf = Buffers.ensure(xBuf, batchSize * sampleSize);
        if (yBuf == null || yBuf.length != b) yBuf = new int[b];
        for (int i = 0; i < b; i++) {
            int s = shuffle ? order[from + i] : from + i;
            System.arraycopy(x, s * sampleSize, xBuf, i * sampleSize, sampleSize);
            yBuf[i] = labels[s];
        }
        return new Batch(Tensor.wrap(xBuf, 0, Buffers.batchShape(b, sampleShape)), yBuf);
    }

    /** A uniformly random permutation of [0, n) determined by the seed. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
