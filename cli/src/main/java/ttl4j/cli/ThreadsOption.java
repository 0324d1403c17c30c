package ttl4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import ttl4j.engine.Parallel;

/**
 * The {@code --threads} option of every command that runs kernels (a picocli mixin). The value is
 * checked and applied to the engine's pool as soon as it is parsed, so a command that mixes this in
 * runs on that many threads without doing anything itself; without the option the pool keeps its
 * default size (the core count, or {@code -Dttl4j.threads}).
 */
public final class ThreadsOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the kernels (default: the core count).")
    void setThreads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(command.commandLine(), "--threads must be >= 1, got " + n);
        Parallel.setThreads(n);
    }
}
