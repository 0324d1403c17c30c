package ttl4j.bench;

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
import ttl4j.cli.bench.TtlLayerWorkload;
import ttl4j.cli.bench.TtlLayerWorkload.Variant;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * One training step (forward and backward) of a Tucker layer, factorised and reconstructed, beside
 * the dense layer of the same size holding the reconstructed weight ({@link TtlLayerWorkload}):
 * {@code ttl-mnist} is the paper's 28x28 -> 300 layer with ranks 5x5 | 10 (a first layer, so no input
 * gradient), {@code 32x32-r8} is 32x32 -> 32x32 with ranks 8 (an inner layer, with input gradient).
 * Setup checks that the three give the same outputs and prints the multiply-adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TtlLayerBenchmark {

    @Param({TtlLayerWorkload.TTL_MNIST, TtlLayerWorkload.INNER_32})
    public String layer;

    @Param({"128"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private TtlLayerWorkload workload;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        workload = new TtlLayerWorkload(TtlLayerWorkload.byKey(layer), batch);
        workload.check();
        System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s), multiply-adds per step: dense "
                + workload.multiplyAdds(Variant.DENSE) + ", factorized " + workload.multiplyAdds(Variant.FACTORIZED)
                + ", reconstructed " + workload.multiplyAdds(Variant.RECONSTRUCTED));
    }

    @Benchmark
    public Tensor dense() {
        return workload.step(Variant.DENSE);
    }

    @Benchmark
    public Tensor factorized() {
        return workload.step(Variant.FACTORIZED);
    }

    @Benchmark
    public Tensor reconstructed() {
        return workload.step(Variant.RECONSTRUCTED);
    }
}
