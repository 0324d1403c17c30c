package ttl4j.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ttl bench}: kernel throughput on this machine; one subcommand per kernel family. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure kernel throughput on this machine (median of repeated runs after warm-up).",
                "For publication-grade figures use the JMH benchmarks in bench/ (see the README)."},
        subcommands = {BenchGemmCommand.class, BenchModeProductCommand.class, BenchKhatriRaoCommand.class,
                BenchSvdCommand.class, BenchTrainCommand.class, BenchTtlLayerCommand.class, BenchConvCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage on stderr and exit code 2 (nothing was measured). */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        System.err.println("ttl bench: name what to measure, e.g. ttl bench gemm");
        return 2;
    }

    /**
     * A warning when the machine is busier than its cores (its one-minute load average above the core
     * count): other processes then share the cores and the figures come out slower than they are.
     */
    static void warnIfBusy() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        if (load > cores) {
            System.err.printf(java.util.Locale.ROOT, "warning: the load average is %.1f on %d cores: other processes share the cores, "
                    + "so these figures understate the speed%n", load, cores);
        }
    }
}
