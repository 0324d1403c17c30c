package ttl4j.cli;

import picocli.CommandLine.Command;

/** {@code ttl bench}: kernel throughput (filled in by the benchmark work). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure kernel throughput.")
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        throw new Main.UserError("bench: not built yet");
    }
}
