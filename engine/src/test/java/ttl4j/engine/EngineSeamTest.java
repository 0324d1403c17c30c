package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class EngineSeamTest {

    @Test
    void theKernelsAreTheOnesTheWidthKnobAsksFor() {
        // Surefire runs with --add-modules=jdk.incubator.vector, so the seam picks the vector kernels
        // unless -Dttl4j.vectorBits forces a width (0 = scalar).
        String bits = System.getProperty("ttl4j.vectorBits");
        assertEquals("scalar", Engine.scalar().name());
        assertEquals(1, Engine.scalar().lanes());
        if ("0".equals(bits)) {
            assertFalse(Engine.isVectorized(), Engine.reason());
            assertEquals("scalar", Engine.kernels().name());
            return;
        }
        assertTrue(Engine.isVectorized(), "expected vector kernels, got: " + Engine.reason());
        assertTrue(Engine.kernels().name().startsWith("vector"), Engine.kernels().name());
        if (bits != null) {
            assertTrue(Engine.kernels().name().startsWith("vector (" + bits + "-bit, " + Integer.parseInt(bits) / 32 + " floats)"),
                    Engine.kernels().name());
            assertEquals(Integer.parseInt(bits) / 32, Engine.kernels().lanes());
        }
        // the register tiles follow the register count the CPU has, or the one the property forces
        String regs = System.getProperty(ttl4j.engine.simd.VectorSupport.REGISTERS_PROPERTY);
        if (regs != null) {
            assertTrue(Engine.kernels().name().endsWith("(" + regs.trim() + " vector registers)"), Engine.kernels().name());
        }
        assertTrue(Engine.kernels().name().matches("vector \\(\\d+-bit, \\d+ floats\\), GEMM tile "
                + "(6x64|5x64|6x32|5x32|6x16|5x16|4x32|4x16|4x8) \\((16|32) vector registers\\)"), Engine.kernels().name());
    }

    @Test
    void theRegisterKnobAcceptsOnly16Or32() {
        String key = ttl4j.engine.simd.VectorSupport.REGISTERS_PROPERTY, before = System.getProperty(key);
        try {
            System.setProperty(key, " 16 ");
            assertEquals(16, ttl4j.engine.simd.VectorSupport.requestedRegisters());
            System.setProperty(key, "32");
            assertEquals(32, ttl4j.engine.simd.VectorSupport.requestedRegisters());
            for (String bad : new String[] {"8", "64", "many"}) {
                System.setProperty(key, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        ttl4j.engine.simd.VectorSupport::requestedRegisters, bad);
                assertTrue(e.getMessage().contains(key + "=" + bad) && e.getMessage().contains("16 or 32"), e.getMessage());
            }
            System.clearProperty(key);
            assertEquals(-1, ttl4j.engine.simd.VectorSupport.requestedRegisters());
        } finally {
            if (before == null) System.clearProperty(key);
            else System.setProperty(key, before);
        }
    }

    @Test
    void theWidthKnobAcceptsOnlyWidthsItKnows() {
        String key = ttl4j.engine.simd.VectorSupport.WIDTH_PROPERTY, before = System.getProperty(key);
        try {
            for (String ok : new String[] {"0", "128", "256", "512", " 256 "}) {
                System.setProperty(key, ok);
                assertEquals(Integer.parseInt(ok.trim()), ttl4j.engine.simd.VectorSupport.requestedBits(), ok);
            }
            for (String bad : new String[] {"64", "1024", "-1", "wide", "256.0"}) {
                System.setProperty(key, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        ttl4j.engine.simd.VectorSupport::requestedBits, bad);
                assertTrue(e.getMessage().contains(key + "=" + bad) && e.getMessage().contains("128, 256 or 512"), e.getMessage());
            }
            System.clearProperty(key);
            assertEquals(-1, ttl4j.engine.simd.VectorSupport.requestedBits());
        } finally {
            if (before == null) System.clearProperty(key);
            else System.setProperty(key, before);
        }
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
