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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import ttl4j.engine.Tolerance;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;

/**
 * GEMM {@code C = op(A) op(B)}: square sizes, the MLP training shapes and a thin head layer, on 1 and
 * 2 threads. Shapes are {@code MxKxN:TT} (op(A) is M x K, op(B) K x N); GFLOPS = 2MNK / time.
 *
 * <pre>java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar Gemm -p threads=1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {

    @Param({"256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN", "2048x2048x2048:NN",
            "128x784x1024:NN", "128x784x1024:NT", "784x128x1024:TN", "128x1024x1024:NN", "128x1024x10:NN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k, lda, ldb;
    private boolean transA, transB;
    private float[] a, b, c;
    private int threadsBefore;
    private final Kernels kernels = Engine.kernels();

    @Setup(Level.Trial)
    public void setUp() {
        String[] st = shape.split(":");
        String[] d = st[0].split("x");
        m = Integer.parseInt(d[0]);
        k = Integer.parseInt(d[1]);
        n = Integer.parseInt(d[2]);
        transA = st[1].charAt(0) == 'T';
        transB = st[1].charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
        threadsBefore = Parallel.threads();
        Parallel.setThreads(threads);
        checkAgainstScalar();
        SplittableRandom r = new SplittableRandom(42);
        a = random(r, m * k);
        b = random(r, k * n);
        c = new float[m * n];
    }

    /** The variants must agree before any of them is timed (small awkward case, same transposes). */
    private void checkAgainstScalar() {
        int sm = 37, sk = 53, sn = 71;
        SplittableRandom r = new SplittableRandom(1);
        float[] sa = random(r, sm * sk), sb = random(r, sk * sn), want = new float[sm * sn], got = new float[sm * sn];
        int slda = transA ? sm : sk, sldb = transB ? sk : sn;
        Engine.scalar().gemm(transA, transB, sm, sn, sk, 1f, sa, 0, slda, sb, 0, sldb, 0f, want, 0, sn);
        kernels.gemm(transA, transB, sm, sn, sk, 1f, sa, 0, slda, sb, 0, sldb, 0f, got, 0, sn);
        Tolerance.require("gemm " + kernels.name() + " vs scalar", want, got, 1e-4, 1e-4);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public void gemm(Blackhole bh) {
        kernels.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        bh.consume(c);
    }

    private static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}
