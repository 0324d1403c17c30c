package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ttl info} in fresh JVMs: with the Vector API module, without it, and with a width (or scalar) forced. */
class InfoCommandTest {

    private static String run(String... jvmArgs) throws IOException, InterruptedException {
        return run(0, jvmArgs);
    }

    private static String run(int expectedExit, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("info");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(expectedExit, p.waitFor(), out);
        return out;
    }

    @Test
    void reportsVectorKernelsWhenTheModuleIsResolved() throws Exception {
        String out = run("--add-modules=jdk.incubator.vector");
        assertTrue(out.contains("kernels   vector ("), out);
        assertTrue(out.contains("threads   "), out);
    }

    @Test
    void fallsBackToScalarAndSaysWhichFlagIsMissing() throws Exception {
        String out = run();
        assertTrue(out.contains("kernels   scalar"), out);
        assertTrue(out.contains("--add-modules=jdk.incubator.vector"), out);
    }

    @Test
    void scalarCanBeForced() throws Exception {
        String out = run("--add-modules=jdk.incubator.vector", "-Dttl4j.vectorBits=0");
        assertTrue(out.contains("kernels   scalar"), out);
        assertTrue(out.contains("forced"), out);
    }

    @Test
    void aNarrowerWidthCanBeForced() throws Exception {
        String out = run("--add-modules=jdk.incubator.vector", "-Dttl4j.vectorBits=128");
        assertTrue(out.contains("kernels   vector (128-bit, 4 floats)"), out);
        assertTrue(out.contains("128-bit forced"), out);
    }

    @Test
    void aBadEngineSettingIsOneLineAndExitTwo() throws Exception {
        String[][] cases = {
            {"-Dttl4j.vectorBits=64", "ttl4j.vectorBits=64"},
            {"-Dttl4j.vectorBits=1024", "ttl4j.vectorBits=1024"},
            {"-Dttl4j.gemm.kc=-5", "ttl4j.gemm.kc=-5"},
            {"-Dttl4j.threads=0", "ttl4j.threads=0"},
        };
        for (String[] c : cases) {
            String out = run(2, "--add-modules=jdk.incubator.vector", c[0]).replace(
                    "WARNING: Using incubator modules: jdk.incubator.vector", "").strip();
            assertTrue(out.startsWith("ttl: error: system property " + c[1]), out);
            assertEquals(1, out.lines().count(), out);
        }
    }
}
