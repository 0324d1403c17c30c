package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArrayBatchSourceTest {
    /** Sample i is the 1x2 image {i, -i} with label i % 3. */
    private static ArrayBatchSource numbered(int n, int batch, boolean shuffle) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i % 3;
        }
        return new ArrayBatchSource(x, y, new int[] {1, 2}, batch, shuffle);
    }

    private static int[] samples(ArrayBatchSource src, long seed, int epoch) {
        int[] out = new int[src.size()];
        int k = 0;
        for (int s = 0; s < src.steps(); s++) {
            Batch b = src.batch(seed, epoch, s);
            assertArrayEquals(new int[] {b.size(), 1, 2}, b.inputs().shape());
            for (int i = 0; i < b.size(); i++) {
                int id = Math.round(b.inputs().get(i, 0, 0));
                assertEquals(-id, Math.round(b.inputs().get(i, 0, 1)));
                assertEquals(id % 3, b.labels()[i], "label travels with its sample");
                out[k++] = id;
            }
        }
        return out;
    }

    /** Pinned: the order runs on in-memory data (the synthetic experiment) have always had. */
    @Test
    void shuffledOrderOfRecordedRunsIsUnchanged() {
        assertArrayEquals(new int[] {10, 5, 3, 8, 6, 4, 0, 2, 11, 9, 7, 1}, samples(numbered(12, 5, true), 1, 0));
    }

    @Test
    void inOrderWithPartialLastBatchAndReusedBuffers() {
        ArrayBatchSource src = numbered(7, 3, false);
        assertEquals(3, src.steps());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, samples(src, 5, 2));
        Batch full = src.batch(0, 0, 0), last = src.batch(0, 0, 2);
        assertEquals(1, last.size());
        assertSame(full, src.batch(3, 4, 1));
        assertSame(full.inputs().data(), last.inputs().data());
        assertThrows(IndexOutOfBoundsException.class, () -> src.batch(0, 0, 3));
    }
}
