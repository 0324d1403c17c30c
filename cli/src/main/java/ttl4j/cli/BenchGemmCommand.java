package ttl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.engine.Tolerance;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tuning;

/** {@code ttl bench gemm}: GEMM throughput (GFLOPS = 2MNK / s) on the shapes the networks use. */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"Measure single-precision GEMM throughput, C = A B (GFLOPS = 2*M*N*K / median time).",
                "Each shape is checked against the scalar kernel on a small case before timing."})
final class BenchGemmCommand implements Callable<Integer> {

    /** Square sizes, the MLP training shapes (forward and both backward products) and a thin head layer. */
    static final String DEFAULT_SHAPES = "256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,"
            + "128x784x1024:NN,128x784x1024:NT,784x128x1024:TN,128x1024x1024:NN,128x1024x10:NN";

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--shapes", paramLabel = "MxKxN[:TT],...", split = ",",
            description = "Shapes to measure; TT is NN, NT, TN or TT (op(A) op(B), default NN). Default: "
                    + DEFAULT_SHAPES)
    List<String> shapes;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
            description = "Measuring time per shape, after a warm-up of half as long (default: ${DEFAULT-VALUE}).")
    double seconds;

    /** A parsed shape: op(A) is M x K, op(B) is K x N. */
    record Shape(int m, int k, int n, boolean transA, boolean transB) {
        static Shape parse(String s) {
            String t = s.trim();
            String tt = "NN";
            int colon = t.indexOf(':');
            if (colon >= 0) {
                tt = t.substring(colon + 1).toUpperCase(Locale.ROOT);
                t = t.substring(0, colon);
            }
            String[] p = t.toLowerCase(Locale.ROOT).split("x");
            if (p.length != 3 || !tt.matches("[NT][NT]")) {
                throw new Main.UserError("bad shape '" + s + "': expected MxKxN or MxKxN:TT with TT one of NN, NT, TN, TT");
            }
            int[] v = new int[3];
            for (int i = 0; i < 3; i++) {
                try {
                    v[i] = Integer.parseInt(p[i]);
                } catch (NumberFormatException e) {
                    throw new Main.UserError("bad shape '" + s + "': '" + p[i] + "' is not a whole number");
                }
                if (v[i] < 1) throw new Main.UserError("bad shape '" + s + "': sizes must be >= 1");
            }
            return new Shape(v[0], v[1], v[2], tt.charAt(0) == 'T', tt.charAt(1) == 'T');
        }

        String label() {
            return m + "x" + k + "x" + n + ":" + (transA ? "T" : "N") + (transB ? "T" : "N");
        }
    }

    @Override
    public Integer call() {
        if (!(seconds > 0)) throw new Main.UserError("--seconds must be > 0, got " + seconds);
        List<Shape> list = new ArrayList<>();
        for (String s : shapes != null ? shapes : List.of(DEFAULT_SHAPES.split(","))) list.add(Shape.parse(s));
        Kernels kern = Engine.kernels();
        warmUpCompiler(kern, list);
        BenchHarness h = new BenchHarness(seconds, 5);
        for (Shape s : list) {
            verify(kern, s.transA(), s.transB());
            SplittableRandom r = new SplittableRandom(42);
            float[] a = random(r, s.m() * s.k()), b = random(r, s.k() * s.n()), c = new float[s.m() * s.n()];
            int lda = s.transA() ? s.m() : s.k(), ldb = s.transB() ? s.k() : s.n();
            h.measure("gemm", s.label(), 2.0 * s.m() * s.n() * s.k(), "flop", () ->
                    kern.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n()));
            if (!json) {
                BenchHarness.Result last = h.results().get(h.results().size() - 1);
                System.err.printf(Locale.ROOT, "  %s: %.1f GFLOPS%n", s.label(), last.rate());
            }
        }
        if (json) h.printJson(System.out);
        else h.printTable(System.out);
        return 0;
    }

    /**
     * Gets the kernels compiled before any timing: the harness's per-shape warm-up is too short when
     * the JIT's queue is long (a busy machine), and an interpreted Vector API kernel is 100x slower.
     */
    static void warmUpCompiler(Kernels kern, List<Shape> shapes) {
        // Small problems, many calls: the compile thresholds count calls and loop trips, and the
        // code runs interpreted (slowly) until then, so small calls get there soonest.
        SplittableRandom r = new SplittableRandom(3);
        int size = 48;
        float[] a = random(r, 20 * 1024), b = random(r, 20 * 1024), c = new float[20 * 1024];
        long end = System.nanoTime() + 2_000_000_000L;
        float beta = 0f;
        do {
            beta = 0.5f - beta; // both store modes (beta 0 skips reading C)
            for (Shape s : shapes) {
                // one case per kernel family: blocked (two K blocks), thin with one and with two vectors per k
                for (int n : new int[] {70, 8, 24}) {
                    int k = n == 70 ? Math.min(2 * Tuning.GEMM_KC + 1, 257) : size;
                    int lda = s.transA() ? size : k, ldb = s.transB() ? k : n;
                    kern.gemm(s.transA(), s.transB(), 13, n, k, 1f, a, 0, lda, b, 0, ldb, beta, c, 0, n);
                }
            }
        } while (System.nanoTime() < end);
    }

    /** Refuses to time a kernel that disagrees with the scalar reference on a small awkward case. */
    static void verify(Kernels kern, boolean transA, boolean transB) {
        int m = 67, k = 45, n = 131;
        SplittableRandom r = new SplittableRandom(7);
        float[] a = random(r, m * k), b = random(r, k * n);
        float[] want = new float[m * n], got = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        Engine.scalar().gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, want, 0, n);
        kern.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, got, 0, n);
        int w = Tolerance.worst(want, 0, got, 0, m * n, 1e-4, 1e-4);
        if (w >= 0) {
            throw new IllegalStateException("gemm self-check failed: element " + w + " is " + got[w]
                    + ", scalar reference " + want[w]);
        }
    }

    static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}
