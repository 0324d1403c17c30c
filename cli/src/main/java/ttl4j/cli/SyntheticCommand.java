package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ttl4j.engine.Parallel;
import ttl4j.ttl.SyntheticExperiment;

/**
 * Hidden {@code ttl synthetic}: the {@link SyntheticReport} on its own, for development; users get it
 * as {@code ttl reproduce synthetic}.
 */
@Command(name = "synthetic", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the synthetic interpretability experiment (development entry; see ttl reproduce synthetic).")
final class SyntheticCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/synthetic", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the kernels.")
    Integer threads;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of each run (default: the experiment's).")
    Integer epochs;

    @Override
    public Integer call() throws IOException {
        if (threads != null) Parallel.setThreads(threads);
        SyntheticReport.Plan p = SyntheticReport.defaults();
        if (epochs != null) {
            if (epochs < 1) throw new Main.UserError("--epochs must be >= 1, got " + epochs);
            p = new SyntheticReport.Plan(p.options().withEpochs(epochs), p.noises(), p.seeds());
        }
        SyntheticReport.run(p, out, System.out);
        return 0;
    }

    static SyntheticExperiment.Options defaults() {
        return SyntheticExperiment.Options.defaults();
    }
}
