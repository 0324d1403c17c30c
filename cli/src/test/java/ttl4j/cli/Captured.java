package ttl4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line with stdout and stderr captured. */
record Captured(int exit, String out, String err) {
    static Captured run(String... args) {
        return run(() -> Main.run(args));
    }

    /**
     * Runs {@code args} on a command line the test builds, with ttl's error handling; built once the
     * streams are captured, because picocli binds its writers to the streams of the moment.
     */
    static Captured run(java.util.function.Supplier<picocli.CommandLine> cl, String... args) {
        return run(() -> Main.execute(cl.get(), args));
    }

    private static Captured run(java.util.function.IntSupplier main) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = main.getAsInt();
            return new Captured(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
