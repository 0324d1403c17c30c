package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PreprocessingTest {
    @Test
    void standardizeGivesZeroMeanUnitStd() {
        Dataset ds = BatchConverterTest.tiny(200, 3, 4, 4, 5);
        Preprocessing p = Preprocessing.standardize(ds);
        float[] x = new float[200 * 48];
        new BatchConverter(ds, p).convert(BatchConverterTest.identity(200), 0, 200, x, new int[200]);
        for (int c = 0; c < 3; c++) {
            double s = 0;
            double s2 = 0;
            int n = 0;
            for (int i = 0; i < 200; i++) {
                for (int k = 0; k < 16; k++) {
                    double v = x[i * 48 + c * 16 + k];
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
        assertEquals(new Preprocessing(1, new double[] {0}, new double[] {2}),
                Preprocessing.fromJson(" { \"std\" : [ 2 ] , \"mean\":[0], \"scale\":1 }\n"), "any order, spacing, integers");
        for (String bad : new String[] {"{\"scale\":1}", "{\"scale\":1,\"mean\":[0],\"std\":[1],\"x\":2}", "[1]",
                "{\"scale\":\"1\",\"mean\":[0],\"std\":[1]}", "{\"scale\":1,\"mean\":[\"a\"],\"std\":[1]}",
                "{\"scale\":1,\"mean\":0,\"std\":[1]}", "{\"scale\":1,\"mean\":[0],\"std\":[1]", "scale=1/255"}) {
            assertThrows(IllegalArgumentException.class, () -> Preprocessing.fromJson(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Preprocessing(1, new double[] {0}, new double[] {0}));
        assertNotEquals(p, Preprocessing.unitRange(3));
    }

    /** Pinned: the text checkpoints hold (here, a standardised MNIST run's), so old checkpoints load and new ones match. */
    @Test
    void checkpointTextIsUnchanged() {
        String mnist = "{\"scale\":0.00392156862745098,\"mean\":[0.1306604762738429],\"std\":[0.3081078038564627]}";
        Preprocessing p = Preprocessing.fromJson(mnist);
        assertEquals(1.0 / 255, p.scale());
        assertEquals(0.1306604762738429, p.mean()[0]);
        assertEquals(mnist, p.toJson());
        assertEquals("{\"scale\":0.00392156862745098,\"mean\":[0.0,0.0,0.0],\"std\":[1.0,1.0,1.0]}",
                Preprocessing.unitRange(3).toJson());
    }
}
