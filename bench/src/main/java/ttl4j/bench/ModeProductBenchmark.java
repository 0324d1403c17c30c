package ttl4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;

/**
 * Mode-n product of a 4-way tensor with U (I_n/2, I_n) in each mode, beside our GEMM on the
 * flattened shape with the same multiply-adds, {@code U (K, I_n) x B (I_n, size/I_n)}, so the
 * mode-product / GEMM rate ratio reads off one run. Flops per operation: {@code 2 K size}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ModeProductBenchmark {

    @Param({"32x32x32x32", "64x64x16x16"})
    public String shape;

    @Param({"0", "1", "2", "3"})
    public int mode;

    @Param({"1", "2"})
    public int threads;

    private int[] dims;
    private int k, in, n;
    private float[] t, u, y, c;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        String[] parts = shape.split("x");
        dims = new int[parts.length];
        for (int i = 0; i < parts.length; i++) dims[i] = Integer.parseInt(parts[i]);
        SplittableRandom rnd = new SplittableRandom(42);
        Tensor tt = Tensor.randn(rnd, 1f, dims);
        in = dims[mode];
        k = Math.max(1, in / 2);
        n = tt.size() / in;
        t = tt.data();
        u = Tensor.randn(rnd, 1f, k, in).data();
        y = new float[k * n];
        c = new float[k * n];
        modeProduct();
        flattenedGemm();
        // Sampled elements of both against their definitions; for mode 0 the two are the same product.
        int p = tt.sizeBetween(0, mode), q = tt.sizeBetween(mode + 1, dims.length);
        SplittableRandom pick = new SplittableRandom(1);
        for (int s = 0; s < 200; s++) {
            int a = pick.nextInt(p), kk = pick.nextInt(k), b = pick.nextInt(q);
            double e = 0;
            for (int i = 0; i < in; i++) e += (double) t[(a * in + i) * q + b] * u[kk * in + i];
            check("mode product", y[(a * k + kk) * q + b], e);
            int col = pick.nextInt(n);
            double g = 0;
            for (int i = 0; i < in; i++) g += (double) u[kk * in + i] * t[i * n + col];
            check("flattened GEMM", c[kk * n + col], g);
        }
        if (mode == 0) {
            for (int i = 0; i < y.length; i++) {
                if (y[i] != c[i]) throw new IllegalStateException("mode-0 product and GEMM differ at " + i);
            }
        }
        System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s), flops/op "
                + 2L * k * in * n);
    }

    private static void check(String what, float got, double expected) {
        if (Math.abs(got - expected) > 1e-4 * (1 + Math.abs(expected))) {
            throw new IllegalStateException(what + " check failed: got " + got + ", expected " + expected);
        }
    }

    @Benchmark
    public float[] modeProduct() {
        ModeProducts.modeProduct(dims, mode, k, 1f, t, 0, u, 0, false, 0f, y, 0);
        return y;
    }

    @Benchmark
    public float[] flattenedGemm() {
        Engine.kernels().gemm(false, false, k, n, in, 1f, u, 0, in, t, 0, n, 0f, c, 0, n);
        return c;
    }
}
