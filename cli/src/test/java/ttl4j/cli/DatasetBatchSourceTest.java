package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.nn.Batch;

class DatasetBatchSourceTest {
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

    private static int[] records(DatasetBatchSource src, long seed) {
        int[] seen = new int[src.size()];
        int k = 0;
        for (int s = 0; s < src.steps(); s++) {
            Batch b = src.batch(seed, s);
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
    void shuffledEpochsArePermutationsFixedBySeed() {
        Dataset ds = numbered(23);
        Preprocessing raw = new Preprocessing(1, new double[] {0}, new double[] {1});
        DatasetBatchSource src = DatasetBatchSource.shuffled(ds, 5, raw);
        assertEquals(5, src.steps());
        assertArrayEquals(new int[] {4}, src.sampleShape());
        int[] a = records(src, 42), b = records(src, 43), a2 = records(src, 42);
        assertArrayEquals(a, a2, "same seed, same order");
        assertFalse(Arrays.equals(a, b), "another seed, another order");
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "each record once per epoch");
        // Random access (as on resume) gives the batch the sequential pass gave.
        Batch late = src.batch(42, 3);
        assertEquals(a[15], Math.round(late.inputs().get(0, 0)));
    }

    @Test
    void evaluationKeepsDatasetOrder() {
        DatasetBatchSource src = DatasetBatchSource.inOrder(numbered(7), 3, new Preprocessing(1, new double[] {0}, new double[] {1}));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, records(src, 99));
        assertEquals(1, src.batch(0, 2).size(), "last partial batch kept");
    }
}
