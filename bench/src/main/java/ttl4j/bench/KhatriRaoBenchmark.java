package ttl4j.bench;

import java.util.ArrayList;
import java.util.List;
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
import ttl4j.engine.algebra.KroneckerProducts;

/**
 * Khatri-Rao product through the kernel seam against a plain loop writing the same output.
 * GB/s written = 4 * rows * R bytes per operation (printed by the set-up) / the time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KhatriRaoBenchmark {

    /** Matrices as rows x R, comma-separated (all share R). */
    @Param({"64x16,64x16,64x16", "1024x32,1024x32"})
    public String mats;

    @Param({"1", "2"})
    public int threads;

    private List<Tensor> list;
    private float[] out;
    private Tensor seamOut;
    private int rows, r;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(42);
        list = new ArrayList<>();
        rows = 1;
        for (String m : mats.split(",")) {
            String[] d = m.split("x");
            int i = Integer.parseInt(d[0]);
            r = Integer.parseInt(d[1]);
            list.add(Tensor.randn(rnd, 1f, i, r));
            rows *= i;
        }
        out = new float[rows * r];
        seamOut = Tensor.zeros(rows, r);
        float[] seam = khatriRao().toArray();
        float[] loop = plainLoop();
        // Both multiply left to right in float, so they must agree bitwise.
        for (int i = 0; i < seam.length; i++) {
            if (Float.floatToRawIntBits(seam[i]) != Float.floatToRawIntBits(loop[i])) {
                throw new IllegalStateException("khatriRao and the plain loop differ at " + i + ": " + seam[i] + " vs " + loop[i]);
            }
        }
        System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s), bytes written/op "
                + 4L * rows * r);
    }

    @Benchmark
    public Tensor khatriRao() {
        // Into a reused output, as the plain loop does: allocating 128 MB per call would time the GC.
        KroneckerProducts.khatriRaoInto(list, seamOut);
        return seamOut;
    }

    @Benchmark
    public float[] plainLoop() {
        int m = list.size();
        int[] idx = new int[m];
        for (int row = 0; row < rows; row++) {
            int o = row * r;
            Tensor a0 = list.get(0);
            for (int c = 0; c < r; c++) out[o + c] = a0.data()[a0.offset() + idx[0] * r + c];
            for (int j = 1; j < m; j++) {
                Tensor a = list.get(j);
                float[] ad = a.data();
                int base = a.offset() + idx[j] * r;
                for (int c = 0; c < r; c++) out[o + c] *= ad[base + c];
            }
            for (int j = m - 1; j >= 0; j--) {
                if (++idx[j] < list.get(j).dim(0)) break;
                idx[j] = 0;
            }
        }
        return out;
    }
}
