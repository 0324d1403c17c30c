package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.ThreadsOption;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tuning;

/** {@code ttl bench gemm}: GEMM throughput (GFLOPS = 2MNK / s) on the shapes the networks use ({@link GemmWorkload}). */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"Measure single-precision GEMM throughput, C = A B (GFLOPS = 2*M*N*K / median time).",
                "Each shape is checked against the scalar kernel on a small case before timing."})
final class BenchGemmCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--shapes", paramLabel = "MxKxN[:TT],...", split = ",",
            description = "Shapes to measure; TT is NN, NT, TN or TT (op(A) op(B), default NN). Default: "
                    + GemmWorkload.DEFAULT_SHAPES)
    List<String> shapes;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
            description = "Measuring time per shape, after a warm-up of half as long (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        BenchHarness h = new BenchHarness(BenchHarness.positiveSeconds(seconds), BenchHarness.ROUNDS);
        List<GemmWorkload.Shape> list = new ArrayList<>();
        for (String s : shapes != null ? shapes : List.of(GemmWorkload.DEFAULT_SHAPES.split(","))) {
            list.add(GemmWorkload.Shape.parse(s));
        }
        Kernels kern = Engine.kernels();
        warmUpCompiler(kern, list);
        for (GemmWorkload.Shape s : list) {
            GemmWorkload.checkAgainstScalar(kern, s.transA(), s.transB());
            GemmWorkload w = new GemmWorkload(kern, s);
            BenchHarness.Result r = h.measure("gemm", s.label(), s.flops(), "flop", w::run);
            if (!json) System.err.printf(Locale.ROOT, "  %s: %.1f GFLOPS%n", s.label(), r.rate());
        }
        if (json) h.printJson(System.out);
        else h.printTable(System.out);
        return 0;
    }

    /**
     * Gets the kernels compiled before any timing: the harness's per-shape warm-up is too short when
     * the JIT's queue is long (a busy machine), and an interpreted Vector API kernel is slower by
     * orders of magnitude.
     */
    static void warmUpCompiler(Kernels kern, List<GemmWorkload.Shape> shapes) {
        // Small problems, many calls: the compile thresholds count calls and loop trips, and the
        // code runs interpreted (slowly) until then, so small calls get there soonest.
        SplittableRandom r = new SplittableRandom(3);
        int size = 48;
        float[] a = GemmWorkload.random(r, 20 * 1024), b = GemmWorkload.random(r, 20 * 1024), c = new float[20 * 1024];
        long end = System.nanoTime() + 2_000_000_000L;
        float beta = 0f;
        do {
            beta = 0.5f - beta; // both store modes (beta 0 skips reading C)
            for (GemmWorkload.Shape s : shapes) {
                // one case per kernel family: blocked (two K blocks), thin with one and with two vectors per k
                for (int n : new int[] {70, 8, 24}) {
                    int k = n == 70 ? Math.min(2 * Tuning.GEMM_KC + 1, 257) : size;
                    int lda = s.transA() ? size : k, ldb = s.transB() ? k : n;
                    kern.gemm(s.transA(), s.transB(), 13, n, k, 1f, a, 0, lda, b, 0, ldb, beta, c, 0, n);
                }
            }
        } while (System.nanoTime() < end);
    }
}
