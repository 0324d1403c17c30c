package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import ttl4j.data.DataFormatException;
import ttl4j.nn.DivergenceException;
import ttl4j.nn.SpecException;

/**
 * The two kinds of failure: a user's mistake exits 2 with one line, anything else is a bug and exits 1
 * with one line saying so and naming the exception; {@code --verbose} adds the stack trace to both.
 */
class ErrorReportingTest {

    /** A subcommand that fails the way the test asks, standing in for a command with a bug. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        private final Supplier<Exception> failure;

        Fail(Supplier<Exception> failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            throw failure.get();
        }
    }

    private static Captured failWith(Supplier<Exception> failure, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "fail";
        System.arraycopy(args, 0, all, 1, args.length);
        return Captured.run(() -> new CommandLine(new Main()).addSubcommand("fail", new Fail(failure)), all);
    }

    private static String oneLine(Captured c) {
        String err = c.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        return err;
    }

    @Test
    void aBadOptionValueIsOneLineAndExitCode2() {
        for (List<String> args : List.of(List.of("info", "--threads", "0"), List.of("bench", "svd", "--threads", "-1"),
                List.of("eval", "--checkpoint", "x.safetensors", "--batch-size", "0"), List.of("info", "--threads", "many"))) {
            Captured c = Captured.run(args.toArray(new String[0]));
            assertEquals(2, c.exit(), args + ": " + c.err());
            String err = oneLine(c);
            assertTrue(err.startsWith("ttl: error: "), err);
            assertFalse(err.contains("internal error"), err);
        }
        assertTrue(Captured.run("info", "--threads", "0").err().contains("--threads must be >= 1, got 0"));
    }

    @Test
    void anInternalFailureIsOneLineNamingTheExceptionAndExitCode1() {
        Captured c = failWith(() -> new IllegalStateException("kernel table inconsistent"));
        assertEquals(1, c.exit(), c.err());
        String err = oneLine(c);
        assertTrue(err.startsWith("ttl: internal error: java.lang.IllegalStateException: kernel table inconsistent"), err);
        assertTrue(err.contains("--verbose"), "says how to see more: " + err);
    }

    @Test
    void anIllegalArgumentFromBelowTheCommandsIsABugNotAUserError() {
        Captured c = failWith(() -> new IllegalArgumentException("offset -1 out of range"));
        assertEquals(1, c.exit(), c.err());
        assertTrue(oneLine(c).startsWith("ttl: internal error: java.lang.IllegalArgumentException: offset -1"), c.err());
    }

    @Test
    void verboseAddsTheStackTraceToAnInternalError() {
        Captured c = failWith(() -> new IllegalStateException("kernel table inconsistent"), "--verbose");
        assertEquals(1, c.exit(), c.err());
        assertTrue(c.err().contains("\tat "), c.err());
        List<String> lines = c.err().strip().lines().toList();
        assertEquals("ttl: internal error: java.lang.IllegalStateException: kernel table inconsistent", lines.get(lines.size() - 1));
    }

    @Test
    void theMistakesTheLowerModulesReportAreUserErrors() {
        List<Supplier<Exception>> mistakes = List.of(
                () -> new Main.UserError("--epochs must be >= 1, got 0"),
                () -> new SpecException("dense(", 1, "dense", "missing ')'"),
                () -> new DataFormatException("train-images-idx3-ubyte", 4, "expected magic 2051"),
                () -> new IOException("model.safetensors: not a ttl4j checkpoint"),
                () -> new DivergenceException("training diverged at epoch 1", 1, 0, 0, "loss"));
        for (Supplier<Exception> m : mistakes) {
            Captured c = failWith(m);
            assertEquals(2, c.exit(), c.err());
            String err = oneLine(c);
            assertTrue(err.startsWith("ttl: error: ") && err.contains(m.get().getMessage()), err);
        }
    }

    @Command(name = "oom")
    static final class Oom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineNamingTheHeapAndHowToRaiseIt() {
        Captured c = Captured.run(() -> new CommandLine(new Main()).addSubcommand("oom", new Oom()), "oom");
        assertEquals(2, c.exit(), c.err());
        String err = oneLine(c);
        assertTrue(err.startsWith("ttl: error: out of memory (Java heap space): the Java heap of ") && err.contains(" MiB ")
                && err.contains("TTL4J_JAVA_OPTS=-Xmx"), err);
    }

    @Test
    void aRealOutOfMemoryInATrainingRunIsOneLineToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws IOException, InterruptedException {
        TinyData.write(tmp, "tiny", 64, 16);
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx48m", "--add-modules=jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "train", "--model", "dense(400000)|relu|dense(3)",
                "--dataset", "tiny", "--data-dir", tmp.toString(), "--epochs", "1", "--out", tmp.resolve("run").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), err);
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("ttl: error: out of memory") && lines.get(0).contains("the Java heap of 48 MiB"), err);
    }

    @Test
    void controlCharactersInAMessageAreEscapedSoItStaysOneReadableLine() {
        Captured c = failWith(() -> new IOException("file a\u0000b\nc\u001b[31m"));
        assertEquals(2, c.exit(), c.err());
        assertTrue(oneLine(c).contains("file a\\x00b\\nc\\x1b[31m"), c.err());
        assertEquals("plain", Main.oneLine("plain"));
    }

    @Test
    void aBareCommandPrintsTheUsageAndExitsWith2() {
        for (String[] args : new String[][] {{}, {"bench"}}) {
            Captured c = Captured.run(args);
            assertEquals(2, c.exit(), String.join(" ", args) + ": " + c.err());
            assertTrue(c.err().contains("Usage: ttl"), c.err());
            assertTrue(c.out().isEmpty(), c.out());
        }
    }
}
