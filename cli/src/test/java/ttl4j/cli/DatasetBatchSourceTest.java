package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.nn.Batch;

class DatasetBatchSourceTest {
    private static final Preprocessing RAW = new Preprocessing(1, new double[] {0}, new double[] {1});

    /** Record i has every pixel equal to i, so a batch's first column names its records. */
    private static Dataset numbered(int n) {
        byte[] img = new byte[n * 4];
        byte[] lab = new byte[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(img, i * 4, i * 4 + 4, (byte) i);
            lab[i] = (byte) (i % 5);
        }
        return new Dataset("numbered", img, lab, 1, 2, 2, 5, null);
    }

    private static int[] records(DatasetBatchSource src, long seed, int epoch) {
        int[] seen = new int[src.size()];
        int k = 0;
        for (int s = 0; s < src.steps(); s++) {
            Batch b = src.batch(seed, epoch, s);
            for (int i = 0; i < b.size(); i++) {
                int rec = Math.round(b.inputs().get(i, 0));
                assertEquals(rec % 5, b.labels()[i], "label travels with its record");
                seen[k++] = rec;
            }
        }
        assertEquals(src.size(), k);
        return seen;
    }

    @Test
    void shuffledEpochsArePermutationsFixedBySeedAndEpoch() {
        DatasetBatchSource src = DatasetBatchSource.shuffled(numbered(23), 5, RAW);
        assertEquals(5, src.steps());
        assertArrayEquals(new int[] {4}, src.sampleShape());
        int[] a = records(src, 42, 0), b = records(src, 43, 0), c = records(src, 42, 1), a2 = records(src, 42, 0);
        assertArrayEquals(a, a2, "same seed and epoch, same order");
        assertFalse(Arrays.equals(a, b), "another seed, another order");
        assertFalse(Arrays.equals(a, c), "another epoch, another order");
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "each record once per epoch");
        // Random access (as on resume) gives the batch the sequential pass gave.
        Batch late = src.batch(42, 0, 3);
        assertEquals(a[15], Math.round(late.inputs().get(0, 0)));
    }

    /** Pinned: the batches that recorded runs saw (seed 1, epoch 0; seed 42, epoch 1), so they resume and reproduce. */
    @Test
    void ordersOfRecordedRunsAreUnchanged() {
        DatasetBatchSource src = DatasetBatchSource.shuffled(numbered(12), 5, RAW);
        assertArrayEquals(new int[] {0, 6, 1, 2, 7, 9, 10, 4, 11, 8, 3, 5}, records(src, 1, 0));
        assertArrayEquals(new int[] {1, 8, 6, 0, 5, 10, 2, 3, 4, 9, 7, 11}, records(src, 42, 1));
    }

    @Test
    void buffersAreReusedAcrossEpochs() {
        DatasetBatchSource src = DatasetBatchSource.shuffled(numbered(23), 5, RAW);
        Batch full = src.batch(1, 0, 0), last = src.batch(1, 0, 4);
        assertEquals(5, full.size());
        assertEquals(3, last.size(), "last partial batch kept");
        assertSame(full.inputs().data(), last.inputs().data(), "one input buffer");
        for (int e = 1; e < 4; e++) {
            assertSame(full, src.batch(7, e, 1));
            assertSame(last, src.batch(7, e, 4));
        }
    }

    @Test
    void evaluationKeepsDatasetOrder() {
        DatasetBatchSource src = DatasetBatchSource.inOrder(numbered(7), 3, RAW);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, records(src, 99, 5));
        assertEquals(1, src.batch(0, 0, 2).size(), "last partial batch kept");
        DatasetBatchSource small = DatasetBatchSource.inOrder(numbered(2), 10, RAW);
        assertEquals(1, small.steps());
        assertEquals(2, small.batch(0, 0, 0).size(), "a dataset smaller than one batch");
    }
}
