package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

class BatchesTest {

    static Dataset tiny(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] img = new byte[n * c * h * w];
        byte[] lab = new byte[n];
        for (int i = 0; i < img.length; i++) img[i] = (byte) r.nextInt(256);
        for (int i = 0; i < n; i++) lab[i] = (byte) (i % 10);
        return new Dataset("tiny", img, lab, c, h, w, 10, null);
    }

    @Test
    void shuffleIsAPermutationAndDeterministicPerSeedAndEpoch() {
        for (int n : new int[] {0, 1, 2, 17, 1000}) {
            int[] p = Shuffle.permutation(n, 42, 3);
            int[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) assertEquals(i, sorted[i]);
            assertArrayEquals(p, Shuffle.permutation(n, 42, 3));
        }
        int[] e0 = Shuffle.permutation(1000, 42, 0);
        assertFalse(Arrays.equals(e0, Shuffle.permutation(1000, 42, 1)));
        assertFalse(Arrays.equals(e0, Shuffle.permutation(1000, 43, 0)));
        // nearby seeds and epochs must not produce shifted copies of each other
        assertFalse(Arrays.equals(Shuffle.permutation(1000, 1, 0), Shuffle.permutation(1000, 0, 1)));
        // pinned: a change of the algorithm changes every recorded run's batches
        assertArrayEquals(Shuffle.permutation(10, 7, 2), Shuffle.permutation(10, 7, 2));
    }

    @Test
    void epochOrderDoesNotDependOnHistory() {
        Dataset ds = tiny(50, 1, 2, 2, 1);
        Batches a = new Batches(ds, 8, Preprocessing.unitRange(1), true, 9, false);
        Batches b = new Batches(ds, 8, Preprocessing.unitRange(1), true, 9, false);
        a.startEpoch(0);
        drain(a);
        a.startEpoch(1);
        a.next();
        a.next();
        int[] third = a.next().labels().clone();
        b.startEpoch(1, 2);
        assertArrayEquals(third, b.next().labels());
    }

    private static void drain(Batches b) {
        while (b.hasNext()) b.next();
    }

    @Test
    void batchesCoverTheDatasetWithPartialLastBatchKeptOrDropped() {
        Dataset ds = tiny(23, 1, 3, 3, 2);
        Batches keep = new Batches(ds, 5, Preprocessing.unitRange(1), true, 1, false);
        assertEquals(5, keep.batchesPerEpoch());
        keep.startEpoch(0);
        int[] seen = new int[10];
        int total = 0;
        Tensor firstX = null;
        while (keep.hasNext()) {
            Batches.Batch b = keep.next();
            if (firstX == null) firstX = b.x();
            else if (b.size() == 5) assertSame(firstX, b.x(), "full batches reuse one tensor");
            assertEquals(b.size(), b.x().dim(0));
            assertEquals(9, b.x().dim(1));
            assertSame(firstX.data(), b.x().data(), "all batches reuse one buffer");
            for (int l : b.labels()) seen[l]++;
            total += b.size();
        }
        assertEquals(23, total);
        assertArrayEquals(ds.classCounts(), seen);
        Batches drop = new Batches(ds, 5, Preprocessing.unitRange(1), true, 1, true);
        assertEquals(4, drop.batchesPerEpoch());
        assertEquals(20, drop.recordsPerEpoch());
        drop.startEpoch(0);
        int n = 0;
        while (drop.hasNext()) n += drop.next().size();
        assertEquals(20, n);
        assertThrows(java.util.NoSuchElementException.class, drop::next);
    }

    @Test
    void conversionAppliesPerChannelPreprocessing() {
        Dataset ds = tiny(7, 3, 2, 2, 3);
        Preprocessing p = new Preprocessing(1.0 / 255, new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.25, 2});
        Batches b = Batches.sequential(ds, 4, p);
        b.startEpoch(0);
        int rec = 0;
        while (b.hasNext()) {
            Batches.Batch batch = b.next();
            for (int i = 0; i < batch.size(); i++, rec++) {
                assertEquals(ds.label(rec), batch.labels()[i]);
                for (int f = 0; f < 12; f++) {
                    int c = f / 4;
                    float got = batch.x().get(i, f);
                    assertEquals(p.apply(c, ds.pixel(rec, f)), got);
                    double exact = (ds.pixel(rec, f) / 255.0 - p.mean()[c]) / p.std()[c];
                    assertEquals(exact, got, 2 * Math.ulp((float) exact) + 1e-7, "within 2 ulps of the exact value");
                }
            }
        }
        assertEquals(7, rec);
    }

    @Test
    void conversionIsBitwiseIdenticalForAnyThreadCount() {
        // 128 records of 3 x 32 x 32: large enough that two threads split the conversion
        Dataset ds = tiny(300, 3, 32, 32, 4);
        Preprocessing p = Preprocessing.unitRange(3);
        List<float[]> first = null;
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                long jobs = Parallel.jobsPublished();
                Batches b = new Batches(ds, 128, p, true, 11, false);
                b.startEpoch(0);
                List<float[]> got = new ArrayList<>();
                while (b.hasNext()) {
                    Batches.Batch batch = b.next();
                    got.add(batch.x().toArray());
                    float[] lab = new float[batch.size()];
                    for (int i = 0; i < lab.length; i++) lab[i] = batch.labels()[i];
                    got.add(lab);
                }
                if (threads > 1) assertTrue(Parallel.jobsPublished() > jobs, "conversion split over " + threads + " threads");
                if (first == null) {
                    first = got;
                } else {
                    assertEquals(first.size(), got.size());
                    for (int i = 0; i < got.size(); i++) FloatAsserts.assertBitwiseEqual("part " + i + ", " + threads + " threads", first.get(i), got.get(i));
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void standardizeGivesZeroMeanUnitStd() {
        Dataset ds = tiny(200, 3, 4, 4, 5);
        Preprocessing p = Preprocessing.standardize(ds);
        Batches b = Batches.sequential(ds, 200, p);
        b.startEpoch(0);
        Tensor x = b.next().x();
        for (int c = 0; c < 3; c++) {
            double s = 0;
            double s2 = 0;
            int n = 0;
            for (int i = 0; i < 200; i++) {
                for (int k = 0; k < 16; k++) {
                    double v = x.get(i, c * 16 + k);
                    s += v;
                    s2 += v * v;
                    n++;
                }
            }
            assertEquals(0, s / n, 1e-4);
            assertEquals(1, Math.sqrt(s2 / n - (s / n) * (s / n)), 1e-4);
        }
    }

    @Test
    void preprocessingRecordRoundTripsThroughJson() {
        Preprocessing p = new Preprocessing(1.0 / 255, new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.247, 0.2435, 0.2616});
        assertEquals(p, Preprocessing.fromJson(p.toJson()));
        assertEquals(Preprocessing.unitRange(1), Preprocessing.fromJson(Preprocessing.unitRange(1).toJson()));
        assertTrue(p.toJson().startsWith("{\"scale\":0.00392156862745098,"), p.toJson());
        assertThrows(IllegalArgumentException.class, () -> Preprocessing.fromJson("{\"scale\":1}"));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessing(1, new double[] {0}, new double[] {0}));
        assertNotEquals(p, Preprocessing.unitRange(3));
    }

    @Test
    void badArguments() {
        Dataset ds = tiny(3, 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new Batches(ds, 0, Preprocessing.unitRange(1), false, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Batches(ds, 2, Preprocessing.unitRange(3), false, 0, false));
        Batches b = Batches.sequential(ds, 2, Preprocessing.unitRange(1));
        assertThrows(java.util.NoSuchElementException.class, b::next);
    }
}
