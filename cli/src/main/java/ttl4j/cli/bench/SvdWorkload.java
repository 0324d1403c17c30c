package ttl4j.cli.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.engine.Tensor;
import ttl4j.engine.linalg.Svd;

/**
 * The thin-SVD benchmark, {@code A (M,N) -> U (M,r), s (r), V (N,r)} with {@code r = min(M, N)}, for
 * {@code ttl bench svd} and JMH's {@code SvdBenchmark}. The work unit is the nominal
 * {@code 4 M N^2 + 8 N^3} flop count LAPACK uses for a thin SVD (M >= N; transposed otherwise), so
 * the rate compares across shapes; the time is what matters.
 */
public final class SvdWorkload {

    // The default shapes (constants because JMH's @Param takes only constants).
    /** The paper's MNIST layer weight, 784 inputs x 300 outputs, and its transpose. */
    public static final String LAYER = "784x300", LAYER_T = "300x784";
    /** A square matrix and a tall thin one. */
    public static final String SQUARE = "1024x1024", TALL = "4096x256";
    public static final String DEFAULT_SHAPES = LAYER + "," + LAYER_T + "," + SQUARE + "," + TALL;

    private final Tensor a;

    /** A uniform random M x N matrix in [-1, 1) from a fixed seed. */
    public SvdWorkload(int m, int n) {
        a = Tensor.uniform(new SplittableRandom(42), -1f, 1f, m, n);
    }

    /** {@code MxN} as {M, N}. */
    public static int[] parseShape(String s) {
        String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
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

    /** Timed: the decomposition. */
    public Svd run() {
        return Svd.decompose(a);
    }

    /** The decomposition of the benchmarked matrix itself must reconstruct it (relative Frobenius error below 1e-5). */
    public void check() {
        Tensor r = run().reconstruct();
        double num = 0, den = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = (double) a.getFlat(i) - r.getFlat(i);
            num += d * d;
            den += (double) a.getFlat(i) * a.getFlat(i);
        }
        double err = Math.sqrt(num / den);
        if (!(err < 1e-5)) throw new IllegalStateException("SVD check failed on " + label() + ": relative error " + err);
    }

    public double flops() {
        double m = Math.max(a.dim(0), a.dim(1)), n = Math.min(a.dim(0), a.dim(1));
        return 4 * m * n * n + 8 * n * n * n;
    }

    public String label() {
        return a.dim(0) + "x" + a.dim(1);
    }
}
