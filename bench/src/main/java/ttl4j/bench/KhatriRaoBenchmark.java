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
import ttl4j.cli.bench.KhatriRaoWorkload;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * Khatri-Rao product through the kernel seam against a plain loop writing the same output, and the
 * Kronecker product ({@link KhatriRaoWorkload}). GB/s written = the bytes per operation printed by
 * the set-up / the time per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KhatriRaoBenchmark {

    @State(Scope.Benchmark)
    public static class KhatriRaoCase {
        /** Matrices as rows x R, comma-separated (all share R). */
        @Param({KhatriRaoWorkload.THREE_64, KhatriRaoWorkload.TWO_1024})
        public String mats;

        @Param({"1", "2"})
        public int threads;

        KhatriRaoWorkload workload;

        @Setup
        public void setup() {
            Parallel.setThreads(threads);
            workload = new KhatriRaoWorkload(mats);
            workload.checkKhatriRao();
            System.out.printf("# kernels %s, %d thread(s), bytes written/op %.0f%n", Engine.kernels().name(), threads,
                    workload.khatriRaoBytes());
        }
    }

    @State(Scope.Benchmark)
    public static class KroneckerCase {
        @Param({KhatriRaoWorkload.KRON_32_64})
        public String kron;

        @Param({"1", "2"})
        public int threads;

        KhatriRaoWorkload workload;

        @Setup
        public void setup() {
            Parallel.setThreads(threads);
            workload = new KhatriRaoWorkload(kron);
            workload.checkKronecker();
            System.out.printf("# kernels %s, %d thread(s), bytes written/op %.0f%n", Engine.kernels().name(), threads,
                    workload.kroneckerBytes());
        }
    }

    @Benchmark
    public Tensor khatriRao(KhatriRaoCase c) {
        return c.workload.khatriRao();
    }

    @Benchmark
    public float[] plainLoop(KhatriRaoCase c) {
        return c.workload.plainLoop();
    }

    @Benchmark
    public Tensor kronecker(KroneckerCase c) {
        return c.workload.kronecker();
    }
}
