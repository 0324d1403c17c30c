package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Parallel;

class BatchConverterTest {

    /** n records of c x h x w random bytes, labels 0..9 in turn. */
    static Dataset tiny(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] img = new byte[n * c * h * w];
        byte[] lab = new byte[n];
        for (int i = 0; i < img.length; i++) img[i] = (byte) r.nextInt(256);
        for (int i = 0; i < n; i++) lab[i] = (byte) (i % 10);
        return new Dataset("tiny", img, lab, c, h, w, 10, null);
    }

    /** The identity order 0..n-1. */
    static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i;
        return o;
    }

    @Test
    void conversionAppliesPerChannelPreprocessing() {
        Dataset ds = tiny(7, 3, 2, 2, 3);
        Preprocessing p = new Preprocessing(1.0 / 255, new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.25, 2});
        BatchConverter conv = new BatchConverter(ds, p);
        // Records picked by the order, written from row 0: rows are records 6, 2, 5.
        int[] order = {0, 6, 2, 5, 1};
        float[] x = new float[3 * 12 + 5];
        Arrays.fill(x, -99);
        int[] labels = new int[4];
        conv.convert(order, 1, 3, x, labels);
        for (int i = 0; i < 3; i++) {
            int rec = order[1 + i];
            assertEquals(ds.label(rec), labels[i]);
            for (int f = 0; f < 12; f++) {
                int c = f / 4;
                float got = x[i * 12 + f];
                assertEquals(p.apply(c, ds.pixel(rec, f)), got);
                double exact = (ds.pixel(rec, f) / 255.0 - p.mean()[c]) / p.std()[c];
                assertEquals(exact, got, 2 * Math.ulp((float) exact) + 1e-7, "within 2 ulps of the exact value");
            }
        }
        assertEquals(-99, x[3 * 12], "nothing written past the batch");
    }

    @Test
    void conversionIsBitwiseIdenticalForAnyThreadCount() {
        // 128 records of 3 x 32 x 32: large enough that two threads split the conversion
        Dataset ds = tiny(300, 3, 32, 32, 4);
        BatchConverter conv = new BatchConverter(ds, Preprocessing.unitRange(3));
        // Records from all over the dataset, as a shuffled epoch picks them (7 is coprime to 300).
        int[] order = new int[300];
        for (int i = 0; i < 300; i++) order[i] = i * 7 % 300;
        List<float[]> first = null;
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                long jobs = Parallel.jobsPublished();
                List<float[]> got = new ArrayList<>();
                for (int from = 0; from < 300; from += 128) {
                    int n = Math.min(128, 300 - from);
                    float[] x = new float[n * ds.features()];
                    int[] labels = new int[n];
                    conv.convert(order, from, n, x, labels);
                    got.add(x);
                    float[] lab = new float[n];
                    for (int i = 0; i < n; i++) lab[i] = labels[i];
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
    void badArguments() {
        Dataset ds = tiny(3, 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new BatchConverter(ds, Preprocessing.unitRange(3)));
        BatchConverter conv = new BatchConverter(ds, Preprocessing.unitRange(1));
        assertThrows(IllegalArgumentException.class, () -> conv.convert(identity(3), 2, 2, new float[2], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> conv.convert(identity(3), 0, 2, new float[1], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> conv.convert(identity(3), 0, 2, new float[2], new int[1]));
    }
}
