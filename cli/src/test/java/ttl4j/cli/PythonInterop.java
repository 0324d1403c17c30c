package ttl4j.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs python/ttl4j_torch.py with /usr/bin/python3 (or $TTL4J_PYTHON); tests skip when python3 or torch is missing. */
final class PythonInterop {
    private PythonInterop() {}

    static final Path MODULE = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("python").resolve("ttl4j_torch.py");

    static String python() {
        String p = System.getenv("TTL4J_PYTHON");
        return p != null && !p.isBlank() ? p : "/usr/bin/python3";
    }

    /** The process's exit code and its combined output. */
    record Result(int exit, String output) {}

    /** Skips the calling test unless python3 runs and imports torch and numpy. */
    static void assumeTorch() {
        Result r;
        try {
            r = run(List.of("-c", "import numpy, torch"));
        } catch (IOException e) {
            r = new Result(-1, e.getMessage());
        }
        assumeTrue(r.exit() == 0, "python3 with torch and numpy is not available: " + r.output());
        assumeTrue(Files.isRegularFile(MODULE), MODULE + " is missing");
    }

    static Result module(String... args) throws IOException {
        List<String> a = new ArrayList<>();
        a.add(MODULE.toString());
        a.addAll(List.of(args));
        return run(a);
    }

    static Result run(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", MODULE.getParent().toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }
}
