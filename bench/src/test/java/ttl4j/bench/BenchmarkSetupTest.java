package ttl4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ttl4j.cli.bench.TrainWorkload;
import ttl4j.engine.Parallel;

/**
 * The JMH classes' set-up and bodies run outside JMH on small parameters: the wiring to the shared
 * workloads (parsing, agreement checks, timed bodies) works before anyone spends a benchmark run on it.
 */
class BenchmarkSetupTest {
    private int threadsBefore;

    @BeforeEach
    void rememberThreads() {
        threadsBefore = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    @Test
    void gemm() {
        GemmBenchmark b = new GemmBenchmark();
        b.shape = "70x33x50:TN";
        b.threads = 2;
        b.setUp();
        assertEquals(70 * 50, b.gemm().length);
        b.tearDown();
    }

    @Test
    void modeProduct() {
        ModeProductBenchmark b = new ModeProductBenchmark();
        b.shape = "6x4x10x8";
        b.threads = 1;
        for (int mode = 0; mode < 4; mode++) {
            b.mode = mode;
            b.setup();
            assertNotNull(b.modeProduct());
            assertNotNull(b.flattenedGemm());
        }
    }

    @Test
    void khatriRaoAndKronecker() {
        KhatriRaoBenchmark b = new KhatriRaoBenchmark();
        KhatriRaoBenchmark.KhatriRaoCase kr = new KhatriRaoBenchmark.KhatriRaoCase();
        kr.mats = "5x3,7x3,2x3";
        kr.threads = 1;
        kr.setup();
        assertEquals(70 * 3, b.khatriRao(kr).size());
        assertEquals(70 * 3, b.plainLoop(kr).length);
        KhatriRaoBenchmark.KroneckerCase kron = new KhatriRaoBenchmark.KroneckerCase();
        kron.kron = "3x2,5x4";
        kron.threads = 1;
        kron.setup();
        assertEquals(15 * 8, b.kronecker(kron).size());
    }

    @Test
    void svd() {
        SvdBenchmark b = new SvdBenchmark();
        b.shape = "40x17";
        b.threads = 1;
        b.setup();
        assertNotNull(b.svd());
    }

    @Test
    void ttlLayer() {
        TtlLayerBenchmark b = new TtlLayerBenchmark();
        b.batch = 3;
        b.threads = 1;
        for (String layer : new String[] {"ttl-mnist", "32x32-r8"}) {
            b.layer = layer;
            b.setup();
            assertNotNull(b.dense());
            assertNotNull(b.factorized());
            assertNotNull(b.reconstructed());
        }
    }

    @Test
    void trainingEpochOnASmallSyntheticSet() {
        TrainWorkload w = TrainWorkload.of("ttl-mnist", TrainWorkload.syntheticMnist(7, 512), 128, TrainWorkload.LR,
                TrainWorkload.MOMENTUM, true);
        assertTrue(Double.isFinite(w.epoch().trainLoss()));
        assertEquals(2, w.epoch().epoch(), "each call trains one more epoch");
        assertThrows(RuntimeException.class, () -> TrainWorkload.of("mlp-mnist", TrainWorkload.syntheticMnist(7, 8), 4,
                TrainWorkload.LR, TrainWorkload.MOMENTUM, true), "importance tracking needs a ttl layer");
    }
}
