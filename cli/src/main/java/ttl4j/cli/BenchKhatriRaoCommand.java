package ttl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.engine.Tensor;
import ttl4j.engine.TensorAlgebra;

/** {@code ttl bench khatri-rao}: GB/s of output written by the Khatri-Rao and Kronecker products. */
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

    /** Each case: the matrices' shapes (rows, cols); Khatri-Rao cases share the column count. */
    static final int[][][] KHATRI_RAO = {{{64, 16}, {64, 16}, {64, 16}}, {{1024, 32}, {1024, 32}}};
    static final int[][][] KRONECKER = {{{32, 32}, {64, 64}}};

    @Override
    public Integer call() {
        if (!(seconds > 0)) throw new Main.UserError("--seconds must be positive, got " + seconds);
        verify();
        SplittableRandom rnd = new SplittableRandom(42);
        BenchHarness h = new BenchHarness(seconds, 3);
        for (int[][] c : KHATRI_RAO) {
            List<Tensor> mats = matrices(rnd, c);
            long rows = 1;
            for (int[] s : c) rows *= s[0];
            double bytes = 4.0 * rows * c[0][1];
            // Into a reused output: a fresh 100+ MB array per call would time the allocator, not the kernel.
            Tensor out = Tensor.zeros((int) rows, c[0][1]);
            h.measure("khatri-rao", label(c, "kr"), bytes, "byte", () -> TensorAlgebra.khatriRaoInto(mats, out));
        }
        for (int[][] c : KRONECKER) {
            List<Tensor> mats = matrices(rnd, c);
            double bytes = 4.0;
            for (int[] s : c) bytes *= (double) s[0] * s[1];
            h.measure("kronecker", label(c, "kron"), bytes, "byte", () -> TensorAlgebra.kronecker(mats));
        }
        if (json) h.printJson(System.out);
        else h.printTable(System.out);
        return 0;
    }

    private static List<Tensor> matrices(SplittableRandom rnd, int[][] shapes) {
        List<Tensor> mats = new ArrayList<>();
        for (int[] s : shapes) mats.add(Tensor.randn(rnd, 1f, s[0], s[1]));
        return mats;
    }

    private static String label(int[][] shapes, String op) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shapes.length; i++) sb.append(i > 0 ? " " + op + " " : "").append(shapes[i][0]).append('x').append(shapes[i][1]);
        return sb.toString();
    }

    /** Checks both products against their definitions on small odd shapes before timing anything. */
    static void verify() {
        SplittableRandom rnd = new SplittableRandom(7);
        Tensor a = Tensor.randn(rnd, 1f, 3, 5), b = Tensor.randn(rnd, 1f, 2, 5), c = Tensor.randn(rnd, 1f, 4, 5);
        Tensor kr = TensorAlgebra.khatriRao(List.of(a, b, c));
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 4; k++) for (int r = 0; r < 5; r++) {
            double e = (double) a.get(i, r) * b.get(j, r) * c.get(k, r);
            check("khatri-rao", kr.get((i * 2 + j) * 4 + k, r), e);
        }
        Tensor x = Tensor.randn(rnd, 1f, 3, 2), y = Tensor.randn(rnd, 1f, 2, 5);
        Tensor kron = TensorAlgebra.kronecker(List.of(x, y));
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) for (int p = 0; p < 2; p++) for (int q = 0; q < 5; q++) {
            check("kronecker", kron.get(i * 2 + p, j * 5 + q), (double) x.get(i, j) * y.get(p, q));
        }
    }

    private static void check(String what, float got, double expected) {
        if (Math.abs(got - expected) > 1e-5 * (1 + Math.abs(expected))) {
            throw new IllegalStateException(what + " check failed: got " + got + ", expected " + expected);
        }
    }
}
