package ttl4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import ttl4j.engine.Tolerance;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;

/**
 * Elementwise kernels and reductions: the Vector API kernels ({@code *Vector}) beside their scalar
 * twins ({@code *Scalar}) on the same data. Softmax runs over rows of 10 (classifier logits) and of
 * 1024. {@code -jvmArgsAppend -Dttl4j.softmax.vectorExp=false} switches softmax to a scalar exp pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ElementwiseBenchmark {

    /** Elements per call (softmax uses the largest multiple of the row length not above it). */
    @Param({"131072"})
    public int n;

    /** Engine threads; 1 keeps the vector/scalar ratio a per-core figure. */
    @Param({"1"})
    public int threads;

    private final Kernels vec = Engine.kernels();
    private final Kernels sca = Engine.scalar();
    private float[] x, y, z;
    private int rows10, rows1024;

    @Setup(Level.Trial)
    public void setUp() {
        if (!Engine.isVectorized()) throw new IllegalStateException("vector kernels not in use: " + Engine.reason());
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(42);
        x = new float[n];
        y = new float[n];
        z = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 8 - 4);
            y[i] = (float) (rnd.nextDouble() * 8 - 4);
        }
        rows10 = n / 10;
        rows1024 = n / 1024;
        checkAgreement();
    }

    /** The variants must agree before their speeds mean anything. */
    private void checkAgreement() {
        float[] a = new float[n], b = new float[n];
        vec.add(n, x, 0, y, 0, a, 0);
        sca.add(n, x, 0, y, 0, b, 0);
        Tolerance.requireBitwise("add", b, a);
        System.arraycopy(y, 0, a, 0, n);
        System.arraycopy(y, 0, b, 0, n);
        vec.axpy(n, 0.5f, x, 0, a, 0);
        sca.axpy(n, 0.5f, x, 0, b, 0);
        Tolerance.requireBitwise("axpy", b, a);
        vec.relu(n, x, 0, a, 0);
        sca.relu(n, x, 0, b, 0);
        Tolerance.requireBitwise("relu", b, a);
        double abs = 0;
        for (float v : x) abs += Math.abs(v);
        Tolerance.require("sum", new float[] {sca.sum(n, x, 0)}, new float[] {vec.sum(n, x, 0)}, 1e-6 * abs, 0);
        for (int len : new int[] {10, 1024}) {
            vec.softmaxAxis(n / len, len, 1, x, 0, a, 0);
            sca.softmaxAxis(n / len, len, 1, x, 0, b, 0);
            Tolerance.require("softmax rows of " + len, b, a, 1e-9, 4e-6);
        }
    }

    @Benchmark
    public float[] addVector() {
        vec.add(n, x, 0, y, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] addScalar() {
        sca.add(n, x, 0, y, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] axpyVector() {
        vec.axpy(n, 1e-3f, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] axpyScalar() {
        sca.axpy(n, 1e-3f, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] reluVector() {
        vec.relu(n, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] reluScalar() {
        sca.relu(n, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float sumVector() {
        return vec.sum(n, x, 0);
    }

    @Benchmark
    public float sumScalar() {
        return sca.sum(n, x, 0);
    }

    @Benchmark
    public float[] softmaxRows10Vector() {
        vec.softmaxAxis(rows10, 10, 1, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] softmaxRows10Scalar() {
        sca.softmaxAxis(rows10, 10, 1, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] softmaxRows1024Vector() {
        vec.softmaxAxis(rows1024, 1024, 1, x, 0, z, 0);
        return z;
    }

    @Benchmark
    public float[] softmaxRows1024Scalar() {
        sca.softmaxAxis(rows1024, 1024, 1, x, 0, z, 0);
        return z;
    }
}
