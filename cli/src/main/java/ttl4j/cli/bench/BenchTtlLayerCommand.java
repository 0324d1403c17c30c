package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.ThreadsOption;
import ttl4j.cli.bench.TtlLayerWorkload.Variant;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;

/**
 * {@code ttl bench ttl-layer}: one training step (forward and backward) of Tucker layers in both
 * modes beside the dense layer of the same size, timed in alternating rounds, with the
 * multiply-adds each algorithm performs and the speed-up over dense ({@link TtlLayerWorkload}).
 */
@Command(name = "ttl-layer", mixinStandardHelpOptions = true,
        description = {"Forward+backward time of Tucker layers (factorized and reconstructed) against the dense",
                "layer of the same size: the paper's MNIST layer 28x28->300 (ranks 5x5 | 10, first layer: no input",
                "gradient) and 32x32->32x32 with ranks 8 (an inner layer: with input gradient)."})
final class BenchTtlLayerCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.3",
            description = "Measuring time per case and round, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "" + BenchHarness.ROUNDS,
            description = "Alternating rounds over the variants of a layer; the median round counts, min and max beside it "
                    + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    /** A variant's seconds per step over the rounds; the speed-up is the dense median over this median. */
    private record Row(String layer, String variant, long madds, BenchHarness.Spread seconds, double denseSeconds) {
        double speedup() {
            return denseSeconds / seconds.median();
        }
    }

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        BenchHarness.atLeastOne("--batch-size", batch);
        BenchHarness h = new BenchHarness(BenchHarness.positiveSeconds(seconds), 3);
        BenchHarness.atLeastOne("--rounds", rounds);
        List<Row> rows = new ArrayList<>();
        Variant[] variants = Variant.values();
        for (TtlLayerWorkload.Case c : TtlLayerWorkload.CASES) {
            TtlLayerWorkload w = new TtlLayerWorkload(c, batch);
            w.check();
            double[][] t = new double[variants.length][rounds];
            for (int round = 0; round < rounds; round++) {
                for (Variant v : variants) {
                    t[v.ordinal()][round] = h.measure(v.label(), c.label(), 2.0 * w.multiplyAdds(v), "flop", () -> w.step(v))
                            .medianSeconds();
                }
            }
            double dense = BenchHarness.median(t[Variant.DENSE.ordinal()]);
            for (Variant v : variants) {
                rows.add(new Row(c.label(), v.label(), w.multiplyAdds(v), BenchHarness.Spread.of(t[v.ordinal()]), dense));
            }
        }
        if (json) printJson(rows);
        else printTable(rows);
        return 0;
    }

    private void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "# java %s, kernels %s, %d thread(s), batch %d, forward+backward, median (min-max) of %d "
                        + "alternating rounds; speed-up of the medians%n",
                System.getProperty("java.version"), Engine.kernels().name(), Parallel.threads(), batch, rounds);
        System.out.printf(Locale.ROOT, "%-18s %-14s %14s %27s %10s %14s%n", "layer", "variant", "multiply-adds", "ms (min-max)",
                "speed-up", "madds vs dense");
        long denseMadds = 0;
        for (Row r : rows) {
            if (r.variant().equals(Variant.DENSE.label())) denseMadds = r.madds();
            System.out.printf(Locale.ROOT, "%-18s %-14s %14d %27s %9.2fx %13.1fx%n", r.layer(), r.variant(), r.madds(),
                    r.seconds().times(1e3).text("%.3f"), r.speedup(), (double) denseMadds / r.madds());
        }
    }

    private void printJson(List<Row> rows) {
        StringBuilder sb = BenchHarness.jsonHeader().append(",\"batch\":").append(batch).append(",\"rounds\":").append(rounds)
                .append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT, "{\"layer\":%s,\"variant\":%s,\"multiply_adds\":%d,\"median_s\":%.9f,\"min_s\":%.9f,"
                            + "\"max_s\":%.9f,\"speedup_vs_dense\":%.4f}", Json.write(r.layer()), Json.write(r.variant()), r.madds(),
                    r.seconds().median(), r.seconds().min(), r.seconds().max(), r.speedup()));
        }
        sb.append("]}");
        System.out.println(sb);
    }
}
