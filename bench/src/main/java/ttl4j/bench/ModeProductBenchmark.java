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
import ttl4j.cli.bench.ModeProductWorkload;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;

/**
 * Mode-n product of a 4-way tensor with U (I_n/2, I_n) in each mode, beside our GEMM on the
 * flattened shape with the same multiply-adds ({@link ModeProductWorkload}), so the mode-product /
 * GEMM rate ratio reads off one run. Flops per operation are printed by the set-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ModeProductBenchmark {

    @Param({ModeProductWorkload.CUBE, ModeProductWorkload.SHORT_TAIL})
    public String shape;

    @Param({"0", "1", "2", "3"})
    public int mode;

    @Param({"1", "2"})
    public int threads;

    private ModeProductWorkload workload;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        workload = new ModeProductWorkload(ModeProductWorkload.dims(shape), mode);
        workload.check();
        System.out.printf("# kernels %s, %d thread(s), flops/op %.0f%n", Engine.kernels().name(), threads, workload.flops());
    }

    @Benchmark
    public float[] modeProduct() {
        return workload.modeProduct();
    }

    @Benchmark
    public float[] flattenedGemm() {
        return workload.flattenedGemm();
    }
}
