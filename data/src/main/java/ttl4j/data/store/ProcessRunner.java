package ttl4j.data.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a package client ({@code npm}, {@code apt-get}, {@code dpkg}) with a time limit. Its output
 * goes to a file in the working folder rather than a pipe, so a chatty client can never block on a
 * full pipe; a failure reports the exit code and the last lines of that output.
 */
final class ProcessRunner {
    private final Duration timeout;

    ProcessRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs {@code cmd} in {@code cwd}; {@code client} names the program in the message when it cannot start. */
    void run(List<String> cmd, Path cwd, String client) throws IOException {
        Path out = cwd.resolve(".output");
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new IOException(client + " not found on PATH or not runnable (" + e.getMessage() + ")", e);
        }
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", cmd), e);
        }
        if (!finished) {
            p.destroyForcibly();
            throw new IOException("`" + String.join(" ", cmd) + "` did not finish within " + timeout.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("`" + String.join(" ", cmd) + "` exited with " + p.exitValue() + ": " + tail(out));
        }
    }

    /** The file with the given extension that a client wrote into {@code dir}. */
    static Path producedFile(Path dir, String extension, String client) throws IOException {
        try (Stream<Path> st = Files.list(dir)) {
            return st.filter(p -> p.getFileName().toString().endsWith(extension)).findFirst()
                    .orElseThrow(() -> new IOException(client + " produced no " + extension + " file"));
        }
    }

    private static String tail(Path f) {
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output)";
        }
    }
}
