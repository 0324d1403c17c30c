package ttl4j.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ttl bench}: kernel throughput on this machine; one subcommand per kernel family. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure kernel throughput on this machine (median of repeated runs after warm-up).",
                "For publication-grade figures use the JMH benchmarks in bench/ (see the README)."},
        subcommands = {BenchGemmCommand.class, BenchModeProductCommand.class, BenchKhatriRaoCommand.class,
                BenchSvdCommand.class, BenchTrainCommand.class, BenchTtlLayerCommand.class, BenchConvCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
