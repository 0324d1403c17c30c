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
import ttl4j.cli.bench.ConvWorkload;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;

/**
 * A convolution layer's forward pass and its training step's passes ({@link ConvWorkload}), for
 * VGG-16's nine distinct 3x3 layers on 32x32 images at batch 64, with the algorithms the engine
 * chooses ({@code -Dttl4j.conv.algorithm} in {@code -jvmArgsAppend} forces one). Setup checks the
 * chosen forward algorithm against the definition and prints the plan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvBenchmark {

    @Param({"3x64x32", "64x64x32", "64x128x16", "128x128x16", "128x256x8", "256x256x8", "256x512x4", "512x512x4", "512x512x2"})
    public String layer;

    @Param({"64"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private ConvWorkload workload;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        workload = new ConvWorkload(ConvWorkload.Layer.parse(layer), batch);
        workload.check();
        System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s), " + workload.layer().label()
                + ": " + workload.plan());
    }

    @Benchmark
    public float[] forward() {
        return workload.forward();
    }

    @Benchmark
    public float[] forwardBackward() {
        return workload.step();
    }
}
