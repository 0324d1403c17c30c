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
import ttl4j.cli.bench.SvdWorkload;
import ttl4j.engine.Parallel;
import ttl4j.engine.linalg.Svd;

/**
 * Thin SVD of random M x N matrices ({@link SvdWorkload}); the set-up checks that the decomposition
 * reconstructs the matrix. An operation takes from milliseconds to over a second, so this is
 * single-shot timing with a few warm-ups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SvdBenchmark {

    @Param({SvdWorkload.LAYER, SvdWorkload.LAYER_T, SvdWorkload.SQUARE, SvdWorkload.TALL})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private SvdWorkload workload;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        int[] s = SvdWorkload.parseShape(shape);
        workload = new SvdWorkload(s[0], s[1]);
        workload.check();
    }

    @Benchmark
    public Svd svd() {
        return workload.run();
    }
}
