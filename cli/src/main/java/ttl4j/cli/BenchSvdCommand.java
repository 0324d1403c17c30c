package ttl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.engine.Tensor;
import ttl4j.engine.linalg.Svd;

/**
 * {@code ttl bench svd}: time of the thin SVD on a few shapes. The work unit is the nominal
 * {@code 4 M N^2 + 8 N^3}-style flop count LAPACK uses for a thin SVD (M >= N; transposed
 * otherwise), so the rate compares across shapes; the time is what matters.
 */
@Command(name = "svd", mixinStandardHelpOptions = true,
        description = {"Time the thin SVD (U, s, V) of random M x N matrices.",
                "bench/svd-vs-lapack.sh runs this alternately with LAPACK's sgesvd on the same shapes."})
final class BenchSvdCommand implements Callable<Integer> {

    @Option(names = "--shapes", paramLabel = "MxN[,MxN...]", defaultValue = "784x300,300x784,1024x1024,4096x256",
            split = ",", description = "Matrix shapes (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Measuring time per shape, after a warm-up of half that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "At least this many timed runs per shape (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        if (!(seconds > 0)) throw new Main.UserError("--seconds must be positive, got " + seconds);
        if (repeats < 1) throw new Main.UserError("--repeats must be at least 1, got " + repeats);
        List<int[]> parsed = new ArrayList<>();
        for (String s : shapes) parsed.add(parseShape(s));
        BenchHarness h = new BenchHarness(seconds, repeats);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int[] s : parsed) {
            Tensor a = Tensor.uniform(rnd, -1f, 1f, s[0], s[1]);
            verify(a);
            double m = Math.max(s[0], s[1]), n = Math.min(s[0], s[1]);
            double flops = 4 * m * n * n + 8 * n * n * n;
            h.measure("svd", s[0] + "x" + s[1], flops, "flop", () -> Svd.decompose(a));
        }
        if (json) h.printJson(System.out);
        else h.printTable(System.out);
        return 0;
    }

    static int[] parseShape(String s) {
        String[] p = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]);
                if (m >= 1 && n >= 1) return new int[] {m, n};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new Main.UserError("--shapes: expected MxN with positive M and N, got '" + s + "'");
    }

    /** Reconstruction and orthogonality on the benchmarked matrix itself before timing it. */
    private static void verify(Tensor a) {
        Svd svd = Svd.decompose(a);
        Tensor r = svd.reconstruct();
        double num = 0, den = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = (double) a.getFlat(i) - r.getFlat(i);
            num += d * d;
            den += (double) a.getFlat(i) * a.getFlat(i);
        }
        double err = Math.sqrt(num / den);
        if (!(err < 1e-5)) {
            throw new IllegalStateException("SVD check failed on " + a.dim(0) + "x" + a.dim(1) + ": relative error " + err);
        }
    }
}
