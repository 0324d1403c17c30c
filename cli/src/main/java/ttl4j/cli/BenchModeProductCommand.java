package ttl4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;
import ttl4j.engine.TensorAlgebra;
import ttl4j.engine.io.Json;

/**
 * {@code ttl bench mode-product}: GFLOPS of the mode-n product of a 4-way tensor in each mode, next
 * to our GEMM on the flattened shape with the same multiply-adds ({@code U (K, I_n) x (I_n, size/I_n)}),
 * and their ratio. The two are timed alternately over several rounds and the median taken.
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

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Alternating rounds of (mode product, GEMM); the median round counts (default: ${DEFAULT-VALUE}).")
    int rounds;

    static final int[][] SHAPES = {{32, 32, 32, 32}, {64, 64, 16, 16}};

    private record Row(String shape, int mode, int k, String gemmShape, double flops,
                       double modeSeconds, double gemmSeconds) {
        double modeGflops() {
            return flops / modeSeconds / 1e9;
        }

        double gemmGflops() {
            return flops / gemmSeconds / 1e9;
        }

        double ratio() {
            return gemmSeconds / modeSeconds;
        }
    }

    @Override
    public Integer call() {
        if (!(seconds > 0)) throw new Main.UserError("--seconds must be positive, got " + seconds);
        if (rounds < 1) throw new Main.UserError("--rounds must be at least 1, got " + rounds);
        verify();
        Kernels ker = Engine.kernels();
        SplittableRandom rnd = new SplittableRandom(42);
        List<Row> rows = new ArrayList<>();
        BenchHarness h = new BenchHarness(seconds, 3);
        for (int[] shape : SHAPES) {
            Tensor t = Tensor.randn(rnd, 1f, shape);
            int size = t.size();
            for (int mode = 0; mode < shape.length; mode++) {
                int in = shape[mode], k = Math.max(1, in / 2), n = size / in;
                Tensor u = Tensor.randn(rnd, 1f, k, in);
                float[] y = new float[k * n];
                float[] c = new float[k * n];
                float[] td = t.data();
                int md = mode;
                double flops = 2.0 * k * in * n;
                String label = dims(shape);
                String gemmShape = k + "x" + n + "x" + in;
                double[] mt = new double[rounds], gt = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    mt[r] = h.measure("mode-product", label + " mode " + md, flops, "flop", () ->
                            TensorAlgebra.modeProduct(shape, md, k, 1f, td, 0, u.data(), 0, false, 0f, y, 0)).medianSeconds();
                    gt[r] = h.measure("gemm", gemmShape, flops, "flop", () ->
                            ker.gemm(false, false, k, n, in, 1f, u.data(), 0, in, td, 0, n, 0f, c, 0, n)).medianSeconds();
                }
                rows.add(new Row(label, mode, k, gemmShape, flops, median(mt), median(gt)));
            }
        }
        if (json) printJson(rows);
        else printTable(rows);
        return 0;
    }

    /** Checks the mode product against a direct loop on a small odd-sized tensor before timing anything. */
    static void verify() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[] shape = {5, 3, 4, 2};
        Tensor t = Tensor.randn(rnd, 1f, shape);
        for (int mode = 0; mode < 4; mode++) {
            int in = shape[mode], k = 3;
            Tensor u = Tensor.randn(rnd, 1f, k, in);
            Tensor y = TensorAlgebra.modeProduct(t, mode, u, false);
            int p = t.sizeBetween(0, mode), q = t.sizeBetween(mode + 1, 4);
            for (int a = 0; a < p; a++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int b = 0; b < q; b++) {
                        double s = 0;
                        for (int i = 0; i < in; i++) s += (double) t.getFlat((a * in + i) * q + b) * u.get(kk, i);
                        float got = y.getFlat((a * k + kk) * q + b);
                        if (Math.abs(got - s) > 1e-4 * (1 + Math.abs(s))) {
                            throw new IllegalStateException("mode-" + mode + " product check failed on shape "
                                    + Arrays.toString(shape) + ": got " + got + ", expected " + s);
                        }
                    }
                }
            }
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    static String dims(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? "x" : "").append(shape[i]);
        return sb.toString();
    }

    private void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "# java %s, kernels %s, %d thread(s), median of %d alternating rounds%n",
                System.getProperty("java.version"), Engine.kernels().name(), Parallel.threads(), rounds);
        System.out.printf(Locale.ROOT, "%-14s %4s %4s %14s %16s %12s %7s%n",
                "tensor", "mode", "K", "mode GFLOPS", "gemm MxNxK", "gemm GFLOPS", "ratio");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-14s %4d %4d %14.2f %16s %12.2f %7.2f%n", r.shape(), r.mode(), r.k(),
                    r.modeGflops(), r.gemmShape(), r.gemmGflops(), r.ratio());
        }
    }

    private void printJson(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"java\":").append(Json.write(System.getProperty("java.version")))
                .append(",\"kernels\":").append(Json.write(Engine.kernels().name()))
                .append(",\"threads\":").append(Parallel.threads())
                .append(",\"rounds\":").append(rounds)
                .append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"tensor\":%s,\"mode\":%d,\"k\":%d,\"flops\":%.0f,\"mode_product_s\":%.9f,\"mode_product_gflops\":%.3f,"
                            + "\"gemm_shape\":%s,\"gemm_s\":%.9f,\"gemm_gflops\":%.3f,\"ratio\":%.4f}",
                    Json.write(r.shape()), r.mode(), r.k(), r.flops(), r.modeSeconds(), r.modeGflops(),
                    Json.write(r.gemmShape()), r.gemmSeconds(), r.gemmGflops(), r.ratio()));
        }
        sb.append("]}");
        System.out.println(sb);
    }
}
