package ttl4j.cli.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tolerance;

/**
 * The GEMM benchmark, {@code op(A) (M,K) x op(B) (K,N) -> C (M,N)}, for {@code ttl bench gemm} and
 * JMH's {@code GemmBenchmark}: the shapes, fixed-seed inputs, the check against the scalar kernel and
 * the timed product. Rate: GFLOPS = 2MNK / time.
 */
public final class GemmWorkload {

    // The default shapes, one constant each because JMH's @Param takes only constants. A shape is
    // MxKxN[:TT] with TT the transposes of op(A) and op(B) (NN when left out).
    public static final String SQUARE_256 = "256x256x256", SQUARE_512 = "512x512x512", SQUARE_1024 = "1024x1024x1024",
            SQUARE_2048 = "2048x2048x2048";
    /** A 784 -> 1024 dense layer at batch 128: forward, forward with the weight stored (out, in), weight gradient X^T dY. */
    public static final String LAYER_FORWARD = "128x784x1024:NN", LAYER_FORWARD_NT = "128x784x1024:NT",
            LAYER_WEIGHT_GRAD = "784x128x1024:TN";
    /** A 1024 -> 1024 hidden layer and a thin 1024 -> 10 head at batch 128. */
    public static final String HIDDEN = "128x1024x1024:NN", HEAD = "128x1024x10:NN";
    /** Every default shape, in the order they are measured. */
    public static final String DEFAULT_SHAPES = SQUARE_256 + "," + SQUARE_512 + "," + SQUARE_1024 + "," + SQUARE_2048 + ","
            + LAYER_FORWARD + "," + LAYER_FORWARD_NT + "," + LAYER_WEIGHT_GRAD + "," + HIDDEN + "," + HEAD;

    /** A parsed shape: op(A) is M x K, op(B) is K x N. */
    public record Shape(int m, int k, int n, boolean transA, boolean transB) {
        public static Shape parse(String s) {
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

        public String label() {
            return m + "x" + k + "x" + n + ":" + (transA ? "T" : "N") + (transB ? "T" : "N");
        }

        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    private final Kernels kernels;
    private final Shape s;
    private final float[] a, b, c;
    private final int lda, ldb;

    /** Random inputs in [-1, 1) from a fixed seed, and the output C. */
    public GemmWorkload(Kernels kernels, Shape shape) {
        this.kernels = kernels;
        this.s = shape;
        SplittableRandom r = new SplittableRandom(42);
        a = random(r, s.m() * s.k());
        b = random(r, s.k() * s.n());
        c = new float[s.m() * s.n()];
        lda = s.transA() ? s.m() : s.k();
        ldb = s.transB() ? s.k() : s.n();
    }

    public Shape shape() {
        return s;
    }

    /** The timed body: one product into C. */
    public float[] run() {
        kernels.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
        return c;
    }

    /**
     * The variants must agree before either is timed: {@code kernels} against the scalar reference on
     * a small case with the same transposes, sizes chosen to leave tails in every blocking.
     */
    public static void checkAgainstScalar(Kernels kernels, boolean transA, boolean transB) {
        int m = 67, k = 45, n = 131;
        SplittableRandom r = new SplittableRandom(7);
        float[] a = random(r, m * k), b = random(r, k * n);
        float[] want = new float[m * n], got = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        Engine.scalar().gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, want, 0, n);
        kernels.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, got, 0, n);
        Tolerance.require("gemm " + kernels.name() + " vs scalar, " + (transA ? "T" : "N") + (transB ? "T" : "N"), want, got,
                1e-4, 1e-4);
    }

    static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}
