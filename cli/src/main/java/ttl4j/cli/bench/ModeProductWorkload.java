package ttl4j.cli.bench;

import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;

/**
 * The mode-n product benchmark, for {@code ttl bench mode-product} and JMH's
 * {@code ModeProductBenchmark}: a 4-way tensor {@code T (I_0..I_3)} times {@code U (K, I_n)} with
 * {@code K = I_n / 2} in mode n, beside our GEMM on the flattened shape with the same multiply-adds,
 * {@code U (K, I_n) x B (I_n, size / I_n) -> (K, size / I_n)}, so the ratio of the two rates says
 * what the in-place product costs over a plain GEMM. Flops per operation: {@code 2 K size}.
 */
public final class ModeProductWorkload {

    /** The default tensors (constants because JMH's @Param takes only constants): a cube and one with two short modes. */
    public static final String CUBE = "32x32x32x32", SHORT_TAIL = "64x64x16x16";
    public static final String[] DEFAULT_TENSORS = {CUBE, SHORT_TAIL};

    private final int[] dims;
    private final int mode, k, in, n;
    private final float[] t, u, y, c;

    /** T and U from a fixed seed, for the product in {@code mode}. */
    public ModeProductWorkload(int[] dims, int mode) {
        if (mode < 0 || mode >= dims.length) throw new Main.UserError("mode " + mode + " of a " + dims.length + "-way tensor");
        this.dims = dims.clone();
        this.mode = mode;
        SplittableRandom rnd = new SplittableRandom(42);
        Tensor tt = Tensor.randn(rnd, 1f, dims);
        in = dims[mode];
        k = Math.max(1, in / 2);
        n = tt.size() / in;
        t = tt.data();
        u = Tensor.randn(rnd, 1f, k, in).data();
        y = new float[k * n];
        c = new float[k * n];
    }

    /** {@code 32x32x32x32} as sizes. */
    public static int[] dims(String shape) {
        String[] parts = shape.trim().split("x");
        int[] d = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                d[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new Main.UserError("bad tensor shape '" + shape + "': expected sizes joined by x, e.g. 32x32x32x32");
            }
        }
        return d;
    }

    /** Timed: the mode-n product in place on the row-major tensor. */
    public float[] modeProduct() {
        ModeProducts.modeProduct(dims, mode, k, 1f, t, 0, u, 0, false, 0f, y, 0);
        return y;
    }

    /** Timed: the GEMM with the same multiply-adds, the tensor read as an {@code (I_n, size / I_n)} matrix. */
    public float[] flattenedGemm() {
        Engine.kernels().gemm(false, false, k, n, in, 1f, u, 0, in, t, 0, n, 0f, c, 0, n);
        return c;
    }

    /**
     * Runs both and checks sampled elements of each against its definition, summed in double; for
     * mode 0 the two are the same product and must agree bitwise.
     */
    public void check() {
        modeProduct();
        flattenedGemm();
        int p = 1, q = 1;
        for (int i = 0; i < mode; i++) p *= dims[i];
        for (int i = mode + 1; i < dims.length; i++) q *= dims[i];
        SplittableRandom pick = new SplittableRandom(1);
        for (int s = 0; s < 200; s++) {
            int a = pick.nextInt(p), kk = pick.nextInt(k), b = pick.nextInt(q);
            double e = 0;
            for (int i = 0; i < in; i++) e += (double) t[(a * in + i) * q + b] * u[kk * in + i];
            require("mode-" + mode + " product", y[(a * k + kk) * q + b], e);
            int col = pick.nextInt(n);
            double g = 0;
            for (int i = 0; i < in; i++) g += (double) u[kk * in + i] * t[i * n + col];
            require("flattened GEMM", c[kk * n + col], g);
        }
        if (mode == 0) {
            for (int i = 0; i < y.length; i++) {
                if (y[i] != c[i]) throw new IllegalStateException("mode-0 product and GEMM differ at " + i + ": " + y[i] + " vs " + c[i]);
            }
        }
    }

    private void require(String what, float got, double expected) {
        if (Math.abs(got - expected) > 1e-4 * (1 + Math.abs(expected))) {
            throw new IllegalStateException(what + " of " + label() + " check failed: got " + got + ", expected " + expected);
        }
    }

    public double flops() {
        return 2.0 * k * in * n;
    }

    public int k() {
        return k;
    }

    /** The tensor's sizes joined by x. */
    public String label() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? "x" : "").append(dims[i]);
        return sb.toString();
    }

    /** The equivalent GEMM as {@code MxNxK}. */
    public String gemmShape() {
        return k + "x" + n + "x" + in;
    }
}
