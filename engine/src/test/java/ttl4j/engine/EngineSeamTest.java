package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class EngineSeamTest {

    @Test
    void vectorKernelsAreChosenWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules=jdk.incubator.vector, so the seam must pick the vector kernels.
        assertTrue(Engine.isVectorized(), "expected vector kernels, got: " + Engine.reason());
        assertTrue(Engine.kernels().name().startsWith("vector"), Engine.kernels().name());
        assertEquals("scalar", Engine.scalar().name());
    }

    @Test
    void parallelRunsEveryTaskOnceAndPropagatesFailures() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                AtomicIntegerArray hits = new AtomicIntegerArray(1000);
                Parallel.forEach(1000, hits::incrementAndGet);
                for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i), "task " + i + " with " + threads + " threads");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(10, i -> {
                    if (i == 7) throw new IllegalStateException("task 7 failed");
                }));
                assertEquals("task 7 failed", e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void compareReportsTheWorstElement() {
        float[] r = {1f, 2f, 3f};
        FloatAsserts.assertClose("same", r, new float[] {1f, 2f, 3.0000002f}, 0, 1e-6);
        AssertionError e = assertThrows(AssertionError.class,
                () -> FloatAsserts.assertClose("off", r, new float[] {1.1f, 2f, 4f}, 1e-3, 1e-3));
        assertTrue(e.getMessage().contains("worst element 2"), e.getMessage());
        assertThrows(AssertionError.class, () -> FloatAsserts.assertClose("nan", r, new float[] {1f, Float.NaN, 3f}, 1, 1));
    }
}
