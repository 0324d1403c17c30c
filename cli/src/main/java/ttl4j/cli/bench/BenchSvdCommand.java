package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.ThreadsOption;

/** {@code ttl bench svd}: time of the thin SVD on a few shapes ({@link SvdWorkload}). */
@Command(name = "svd", mixinStandardHelpOptions = true,
        description = {"Time the thin SVD (U, s, V) of random M x N matrices.",
                "bench/svd-vs-lapack.sh runs this alternately with LAPACK's sgesvd on the same shapes."})
final class BenchSvdCommand implements Callable<Integer> {

    @Option(names = "--shapes", paramLabel = "MxN[,MxN...]", defaultValue = SvdWorkload.DEFAULT_SHAPES,
            split = ",", description = "Matrix shapes (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Measuring time per shape, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "" + BenchHarness.ROUNDS,
            description = "At least this many timed runs per shape (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        BenchHarness h = new BenchHarness(BenchHarness.positiveSeconds(seconds), BenchHarness.atLeastOne("--repeats", repeats));
        List<int[]> parsed = new ArrayList<>();
        for (String s : shapes) parsed.add(SvdWorkload.parseShape(s));
        for (int[] s : parsed) {
            SvdWorkload w = new SvdWorkload(s[0], s[1]);
            w.check();
            h.measure("svd", w.label(), w.flops(), "flop", w::run);
        }
        if (json) h.printJson(System.out);
        else h.printTable(System.out);
        return 0;
    }
}
