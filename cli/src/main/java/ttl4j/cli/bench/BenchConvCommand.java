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
 * {@code ttl bench conv}: forward and training-step time of convolution layers (VGG-16's by
 * default) with the algorithms the engine chooses ({@link ConvWorkload}), GFLOPS counted as direct
 * convolution, and the scratch each layer's plan needs.
 */
@Command(name = "conv", mixinStandardHelpOptions = true,
        description = {"Time 2-D convolution layers: the forward pass, and forward+backward as a training step runs it "
                + "(the forward keeping the transformed input a Winograd weight gradient reuses, the weight and bias "
                + "gradients, and the input gradient except for a first layer with 3 or fewer input channels).",
                "Prints per layer the median ms with min and max, GFLOPS counted as direct convolution "
                + "(2 N K P Q C R S per pass) whatever the algorithm, the algorithm of each pass and the scratch "
                + "(workspace) the layer's plan needs.",
                "-Dttl4j.conv.algorithm=direct|winograd2|winograd4|matrix (through TTL4J_JAVA_OPTS) forces an algorithm."})
final class BenchConvCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--layers", paramLabel = "CINxCOUTxH[xW][:kK][:sS][:pP],...",
            description = "Layers to time (default: VGG-16's nine distinct 3x3 layers on 32x32 images, "
                    + ConvWorkload.VGG_SHAPES + ").")
    String layers = ConvWorkload.VGG_SHAPES;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.5",
            description = "Measuring time per case and round, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "" + BenchHarness.ROUNDS,
            description = "Alternating rounds of forward and forward+backward per layer; the median round counts, min and max "
                    + "beside it (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** Seconds per forward and per forward+backward over the rounds. */
    private record Row(ConvWorkload w, BenchHarness.Spread fwd, BenchHarness.Spread step) {}

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        BenchHarness.atLeastOne("--batch-size", batch);
        BenchHarness.atLeastOne("--rounds", rounds);
        BenchHarness h = new BenchHarness(BenchHarness.positiveSeconds(seconds), 3);
        List<Row> rows = new ArrayList<>();
        for (ConvWorkload.Layer l : ConvWorkload.parseList(layers)) {
            ConvWorkload w = new ConvWorkload(l, batch);
            w.check();
            double[] f = new double[rounds], s = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                f[r] = h.measure("conv fwd", l.label(), w.flopsPerPass(), "flop", w::forward).medianSeconds();
                s[r] = h.measure("conv fwd+bwd", l.label(), w.flopsPerPass() * w.stepPasses(), "flop", w::step).medianSeconds();
            }
            rows.add(new Row(w, BenchHarness.Spread.of(f), BenchHarness.Spread.of(s)));
        }
        if (json) printJson(rows);
        else printTable(rows);
        return 0;
    }

    private void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "# java %s, kernels %s, %d thread(s), batch %d, median (min-max) of %d alternating rounds; "
                        + "GFLOPS at the median%n",
                System.getProperty("java.version"), Engine.kernels().name(), Parallel.threads(), batch, rounds);
        System.out.printf(Locale.ROOT, "%-20s %27s %8s %27s %8s  %-44s %12s%n", "layer", "fwd ms (min-max)", "GFLOPS",
                "fwd+bwd ms (min-max)", "GFLOPS", "algorithms (forward, input grad, weight grad)", "workspace");
        double fwdSum = 0, stepSum = 0;
        for (Row r : rows) {
            ConvWorkload w = r.w();
            System.out.printf(Locale.ROOT, "%-20s %27s %8.1f %27s %8.1f  %-44s %9.1f MiB%n", w.layer().label(),
                    r.fwd().times(1e3).text("%.3f"), w.flopsPerPass() / r.fwd().median() / 1e9, r.step().times(1e3).text("%.3f"),
                    w.flopsPerPass() * w.stepPasses() / r.step().median() / 1e9,
                    w.plan().forward().key() + ", " + (w.layer().first() ? "-" : w.plan().backwardData().key()) + ", "
                            + w.plan().backwardWeights().key(), w.plan().workspaceFloats() * 4 / 1048576.0);
            fwdSum += r.fwd().median();
            stepSum += r.step().median();
        }
        System.out.printf(Locale.ROOT, "%-20s %27.3f %8s %27.3f%n", "sum of medians", fwdSum * 1e3, "", stepSum * 1e3);
    }

    private void printJson(List<Row> rows) {
        StringBuilder sb = BenchHarness.jsonHeader().append(",\"batch\":").append(batch).append(",\"rounds\":").append(rounds)
                .append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            ConvWorkload w = r.w();
            ConvWorkload.Layer l = w.layer();
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"cin\":%d,\"cout\":%d,\"h\":%d,\"w\":%d,\"kernel\":%d,\"stride\":%d,\"pad\":%d,\"input_grad\":%b,"
                            + "%s,%s,\"fwd_gflops\":%.2f,\"fwd_bwd_gflops\":%.2f,"
                            + "\"algorithm\":{\"forward\":%s,\"input_grad\":%s,\"weight_grad\":%s},\"workspace_bytes\":%d}",
                    l.cin(), l.cout(), l.h(), l.w(), l.k(), l.stride(), l.pad(), !l.first(), r.fwd().times(1e3).json("fwd_ms", "%.4f"),
                    r.step().times(1e3).json("fwd_bwd_ms", "%.4f"), w.flopsPerPass() / r.fwd().median() / 1e9,
                    w.flopsPerPass() * w.stepPasses() / r.step().median() / 1e9,
                    Json.write(w.plan().forward().key()), Json.write(w.plan().backwardData().key()),
                    Json.write(w.plan().backwardWeights().key()), w.plan().workspaceFloats() * 4));
        }
        sb.append("]}");
        System.out.println(sb);
    }
}
