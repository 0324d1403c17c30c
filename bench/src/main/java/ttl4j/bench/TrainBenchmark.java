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
import ttl4j.cli.bench.TrainWorkload;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.nn.TrainingCallback;

/**
 * One training epoch (SGD with momentum, constant learning rate, batch 128) of the dense and Tucker
 * presets on an MNIST-sized set of random images ({@link TrainWorkload}: the same timed body as
 * {@code ttl bench train}, without the download). An operation is a whole epoch, so this is
 * single-shot timing; the warm-up epochs let the JIT finish compiling the kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TrainBenchmark {

    @Param({TrainWorkload.MLP_MNIST, TrainWorkload.MLP_WIDE, TrainWorkload.TTL_MNIST})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private TrainWorkload workload;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        workload = TrainWorkload.of(model, TrainWorkload.syntheticMnist(42, 60_000), TrainWorkload.BATCH_SIZE, TrainWorkload.LR,
                TrainWorkload.MOMENTUM, false);
        System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s), " + workload.model().spec());
    }

    @Benchmark
    public TrainingCallback.EpochMetrics epoch() {
        return workload.epoch();
    }
}
