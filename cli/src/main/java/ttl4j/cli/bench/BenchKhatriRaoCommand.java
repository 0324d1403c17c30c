package ttl4j.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.ThreadsOption;

/** {@code ttl bench khatri-rao}: GB/s of output written by the Khatri-Rao and Kronecker products ({@link KhatriRaoWorkload}). */
@Command(name = "khatri-rao", mixinStandardHelpOptions = true,
        description = "GB/s of output written by the Khatri-Rao product (and the Kronecker product) of a few shapes.")
final class BenchKhatriRaoCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
            description = "Measuring time per case, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        BenchHarness h = new BenchHarness(BenchHarness.positiveSeconds(seconds), BenchHarness.ROUNDS);
        for (String c : KhatriRaoWorkload.KHATRI_RAO_CASES) {
            KhatriRaoWorkload w = new KhatriRaoWorkload(c);
            w.checkKhatriRao();
            h.measure("khatri-rao", w.label("kr"), w.khatriRaoBytes(), "byte", w::khatriRao);
        }
        for (String c : KhatriRaoWorkload.KRONECKER_CASES) {
            KhatriRaoWorkload w = new KhatriRaoWorkload(c);
            w.checkKronecker();
            h.measure("kronecker", w.label("kron"), w.kroneckerBytes(), "byte", w::kronecker);
        }
        if (json) h.printJson(System.out);
        else h.printTable(System.out);
        return 0;
    }
}
