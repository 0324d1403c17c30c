package ttl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;
import ttl4j.engine.io.Json;
import ttl4j.nn.Dense;
import ttl4j.nn.Init;
import ttl4j.nn.Layer;
import ttl4j.ttl.TuckerLayer;

/**
 * {@code ttl bench ttl-layer}: one training step (forward and backward) of Tucker layers in both
 * modes beside the dense layer of the same size, timed in alternating rounds, with the
 * multiply-adds each algorithm performs and the speed-up over dense.
 */
@Command(name = "ttl-layer", mixinStandardHelpOptions = true,
        description = {"Forward+backward time of Tucker layers (factorized and reconstructed) against the dense",
                "layer of the same size: the paper's MNIST layer 28x28->300 (ranks 5x5 | 10, first layer: no input",
                "gradient) and 32x32->32x32 with ranks 8 (an inner layer: with input gradient)."})
final class BenchTtlLayerCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.3",
            description = "Measuring time per case and round, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Alternating rounds over the variants of a layer; the median round counts (default: ${DEFAULT-VALUE}).")
    int rounds;

    /** name, input shape, output shape, input ranks, output ranks, input gradient needed. */
    record Case(String name, int[] in, int[] out, int[] r, int[] s, boolean inputGrad) {}

    static final Case[] CASES = {
            new Case("ttl-mnist", new int[] {28, 28}, new int[] {300}, new int[] {5, 5}, new int[] {10}, false),
            new Case("32x32->32x32 r8", new int[] {32, 32}, new int[] {32, 32}, new int[] {8, 8}, new int[] {8, 8}, true),
    };

    private record Row(String layer, String variant, long madds, double seconds, double denseSeconds) {
        double speedup() {
            return denseSeconds / seconds;
        }
    }

    @Override
    public Integer call() {
        if (batch < 1) throw new Main.UserError("--batch must be at least 1, got " + batch);
        if (!(seconds > 0)) throw new Main.UserError("--seconds must be positive, got " + seconds);
        if (rounds < 1) throw new Main.UserError("--rounds must be at least 1, got " + rounds);
        List<Row> rows = new ArrayList<>();
        BenchHarness h = new BenchHarness(seconds, 3);
        for (Case c : CASES) {
            SplittableRandom rnd = new SplittableRandom(42);
            TuckerLayer f = new TuckerLayer(c.in(), c.out(), c.r(), c.s(), TuckerLayer.Mode.FACTORIZED, Init.HE, new SplittableRandom(1));
            TuckerLayer rc = new TuckerLayer(c.in(), c.out(), c.r(), c.s(), TuckerLayer.Mode.RECONSTRUCTED, Init.HE, new SplittableRandom(1));
            Dense d = new Dense(f.inSize(), f.outSize(), Init.HE, new SplittableRandom(1));
            d.weight().value().copyFrom(f.reconstructWeight());
            Layer[] variants = {d, f, rc};
            String[] names = {"dense", "factorized", "reconstructed"};
            for (Layer l : variants) l.setInputGradNeeded(c.inputGrad());
            Tensor x = Tensor.randn(rnd, 1f, batch, f.inSize());
            Tensor dy = Tensor.randn(rnd, 1f, batch, f.outSize());
            verify(c, variants, x);
            TuckerLayer.Costs costs = f.costs(batch, true);
            long denseMadds = (long) batch * f.inSize() * f.outSize() * (c.inputGrad() ? 3 : 2);
            long[] madds = {denseMadds, costs.factorized(), costs.reconstructed()};
            double[][] t = new double[3][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int v = 0; v < 3; v++) {
                    Layer l = variants[v];
                    t[v][round] = h.measure(names[v], c.name(), 2.0 * madds[v], "flop", () -> {
                        l.zeroGrad();
                        l.forward(x, true);
                        l.backward(dy);
                    }).medianSeconds();
                }
            }
            double dense = BenchModeProductCommand.median(t[0]);
            for (int v = 0; v < 3; v++) rows.add(new Row(c.name(), names[v], madds[v], BenchModeProductCommand.median(t[v]), dense));
        }
        if (json) printJson(rows);
        else printTable(rows);
        return 0;
    }

    /** The three variants compute the same outputs before anything is timed. */
    private static void verify(Case c, Layer[] variants, Tensor x) {
        float[] ref = variants[0].forward(x, true).toArray();
        for (int v = 1; v < variants.length; v++) {
            float[] y = variants[v].forward(x, true).toArray();
            for (int i = 0; i < y.length; i++) {
                if (Math.abs(y[i] - ref[i]) > 1e-3 * (1 + Math.abs(ref[i]))) {
                    throw new IllegalStateException(c.name() + ": " + variants[v] + " output " + i + " is " + y[i]
                            + ", the dense layer with its reconstructed weight gives " + ref[i]);
                }
            }
        }
    }

    private void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "# java %s, kernels %s, %d thread(s), batch %d, forward+backward, median of %d alternating rounds%n",
                System.getProperty("java.version"), Engine.kernels().name(), Parallel.threads(), batch, rounds);
        System.out.printf(Locale.ROOT, "%-18s %-14s %14s %11s %10s %14s%n", "layer", "variant", "multiply-adds", "median ms",
                "speed-up", "madds vs dense");
        long denseMadds = 0;
        for (Row r : rows) {
            if (r.variant().equals("dense")) denseMadds = r.madds();
            System.out.printf(Locale.ROOT, "%-18s %-14s %14d %11.3f %9.2fx %13.1fx%n", r.layer(), r.variant(), r.madds(),
                    r.seconds() * 1e3, r.speedup(), (double) denseMadds / r.madds());
        }
    }

    private void printJson(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"java\":").append(Json.write(System.getProperty("java.version")))
                .append(",\"kernels\":").append(Json.write(Engine.kernels().name()))
                .append(",\"threads\":").append(Parallel.threads())
                .append(",\"batch\":").append(batch)
                .append(",\"rounds\":").append(rounds)
                .append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT, "{\"layer\":%s,\"variant\":%s,\"multiply_adds\":%d,\"median_s\":%.9f,\"speedup_vs_dense\":%.4f}",
                    Json.write(r.layer()), Json.write(r.variant()), r.madds(), r.seconds(), r.speedup()));
        }
        sb.append("]}");
        System.out.println(sb);
    }
}
