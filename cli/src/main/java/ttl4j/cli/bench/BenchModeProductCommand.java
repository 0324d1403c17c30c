package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.ThreadsOption;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;

/**
 * {@code ttl bench mode-product}: GFLOPS of the mode-n product of a 4-way tensor in each mode, next
 * to our GEMM on the flattened shape with the same multiply-adds, and their ratio
 * ({@link ModeProductWorkload}). The two are timed alternately over several rounds and the median taken.
 */
@Command(name = "mode-product", mixinStandardHelpOptions = true,
        description = {"GFLOPS of mode-n products of 4-way tensors (U is I_n/2 x I_n) in every mode, beside",
                "our GEMM on the equivalent flattened shape (same multiply-adds) and the ratio of the two."})
final class BenchModeProductCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.3",
            description = "Measuring time per case and round, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "" + BenchHarness.ROUNDS,
            description = "Alternating rounds of (mode product, GEMM); the median round counts, min and max beside it "
                    + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    /** Seconds of each over the rounds; the ratio is of the medians. */
    private record Row(String shape, int mode, int k, String gemmShape, double flops,
                       BenchHarness.Spread modeSeconds, BenchHarness.Spread gemmSeconds) {
        BenchHarness.Spread modeGflops() {
            return modeSeconds.rate(flops / 1e9);
        }

        BenchHarness.Spread gemmGflops() {
            return gemmSeconds.rate(flops / 1e9);
        }

        double ratio() {
            return gemmSeconds.median() / modeSeconds.median();
        }
    }

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        BenchHarness h = new BenchHarness(BenchHarness.positiveSeconds(seconds), 3);
        BenchHarness.atLeastOne("--rounds", rounds);
        List<Row> rows = new ArrayList<>();
        for (String tensor : ModeProductWorkload.DEFAULT_TENSORS) {
            int[] shape = ModeProductWorkload.dims(tensor);
            for (int mode = 0; mode < shape.length; mode++) {
                ModeProductWorkload w = new ModeProductWorkload(shape, mode);
                w.check();
                double[] mt = new double[rounds], gt = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    mt[r] = h.measure("mode-product", w.label() + " mode " + mode, w.flops(), "flop", w::modeProduct).medianSeconds();
                    gt[r] = h.measure("gemm", w.gemmShape(), w.flops(), "flop", w::flattenedGemm).medianSeconds();
                }
                rows.add(new Row(w.label(), mode, w.k(), w.gemmShape(), w.flops(), BenchHarness.Spread.of(mt),
                        BenchHarness.Spread.of(gt)));
            }
        }
        if (json) printJson(rows);
        else printTable(rows);
        return 0;
    }

    private void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "# java %s, kernels %s, %d thread(s), median (min-max) of %d alternating rounds; ratio of "
                        + "the medians%n", System.getProperty("java.version"), Engine.kernels().name(), Parallel.threads(), rounds);
        System.out.printf(Locale.ROOT, "%-14s %4s %4s %24s %16s %24s %7s%n",
                "tensor", "mode", "K", "mode GFLOPS", "gemm MxNxK", "gemm GFLOPS", "ratio");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-14s %4d %4d %24s %16s %24s %7.2f%n", r.shape(), r.mode(), r.k(),
                    r.modeGflops().text("%.2f"), r.gemmShape(), r.gemmGflops().text("%.2f"), r.ratio());
        }
    }

    private void printJson(List<Row> rows) {
        StringBuilder sb = BenchHarness.jsonHeader().append(",\"rounds\":").append(rounds).append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"tensor\":%s,\"mode\":%d,\"k\":%d,\"flops\":%.0f,%s,\"mode_product_gflops\":%.3f,"
                            + "\"gemm_shape\":%s,%s,\"gemm_gflops\":%.3f,\"ratio\":%.4f}",
                    Json.write(r.shape()), r.mode(), r.k(), r.flops(), r.modeSeconds().json("mode_product_s", "%.9f"),
                    r.modeGflops().median(), Json.write(r.gemmShape()), r.gemmSeconds().json("gemm_s", "%.9f"), r.gemmGflops().median(),
                    r.ratio()));
        }
        sb.append("]}");
        System.out.println(sb);
    }
}
