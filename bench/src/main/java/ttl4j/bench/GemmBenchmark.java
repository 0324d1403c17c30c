package ttl4j.bench;

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
import ttl4j.cli.bench.GemmWorkload;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;

/**
 * GEMM {@code C = op(A) op(B)} ({@link GemmWorkload}: square sizes, the MLP training shapes and a thin
 * head layer) on 1 and 2 threads. Shapes are {@code MxKxN[:TT]}; GFLOPS = 2MNK / time.
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

    @Param({GemmWorkload.SQUARE_256, GemmWorkload.SQUARE_512, GemmWorkload.SQUARE_1024, GemmWorkload.SQUARE_2048,
            GemmWorkload.LAYER_FORWARD, GemmWorkload.LAYER_FORWARD_NT, GemmWorkload.LAYER_WEIGHT_GRAD, GemmWorkload.HIDDEN,
            GemmWorkload.HEAD})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private GemmWorkload workload;
    private int threadsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(threads);
        GemmWorkload.Shape s = GemmWorkload.Shape.parse(shape);
        GemmWorkload.checkAgainstScalar(Engine.kernels(), s.transA(), s.transB());
        workload = new GemmWorkload(Engine.kernels(), s);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public float[] gemm() {
        return workload.run();
    }
}
