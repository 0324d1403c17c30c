package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ttl4j.nn.Adam;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Sequential;

class MemoryEstimateTest {
    private static final long MIB = 1 << 20;

    @Test
    void countsDataParametersOptimiserAndActivations() {
        Sequential m = ModelSpec.build("dense(300)|relu|dense(10)", new int[] {784}, 1);
        MemoryEstimate e = MemoryEstimate.of(m, new int[] {784}, 128, 1000, Adam.adam(), 70_000L * 785);
        long p = 784 * 300 + 300 + 300 * 10 + 10;
        assertEquals(8 * p, e.modelBytes());
        assertEquals(8 * p, e.optimizerBytes());
        assertEquals(4L * 1000 * (784 + 2 * (300 + 300 + 10)), e.activationBytes(), "buffers grow to the evaluation batch");
        assertDoesNotThrow(() -> e.check(256 * MIB, 128), "mlp-mnist at batch 128 fits a small heap");
    }

    @Test
    void countsTheTransformedInputAndFiltersAWinogradConvolutionKeeps() {
        Sequential m = ModelSpec.build("conv(64,k=3,p=1)|relu|conv(64,k=3,p=1)", new int[] {3, 32, 32}, 1);
        MemoryEstimate e = MemoryEstimate.of(m, new int[] {3, 32, 32}, 64, 64, Adam.adam(), 0);
        long perSample = 3 * 32 * 32 + 3 * 2 * (64 * 32 * 32);
        long kept = ttl4j.engine.conv.Convolutions.savedInputFloats(ttl4j.engine.conv.ConvShape.of(64, 64, 32, 32, 64, 3, 1, 1));
        assertEquals(36L * 64 * 64 * 64 + 36L * 64 * 64, kept, "F(4x4) on 32x32: 64 tiles of 36 points per channel and image, and the 36 points of each filter");
        assertEquals(4L * (64 * perSample + kept), e.activationBytes(), "the second layer keeps its transformed input and filters; the first, direct, nothing");
    }

    @Test
    void aBatchThatCannotFitIsRefusedInOneLineNamingTheEstimateAndTheHeap() {
        Sequential m = ModelSpec.build("dense(300)|relu|dense(10)", new int[] {784}, 1);
        MemoryEstimate e = MemoryEstimate.of(m, new int[] {784}, 60_000, 1000, Adam.adam(), 70_000L * 785);
        Main.UserError err = assertThrows(Main.UserError.class, () -> e.check(256 * MIB, 60_000));
        String msg = err.getMessage();
        assertTrue(msg.startsWith("this run needs about ") && msg.contains("activations at batch 60000")
                && msg.contains("the Java heap is 256 MiB") && msg.contains("TTL4J_JAVA_OPTS=-Xmx1g") && !msg.contains("\n"), msg);
        assertDoesNotThrow(() -> e.check(4096 * MIB, 60_000));
    }
}
