package ttl4j.bench;

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
import ttl4j.engine.algebra.ModeProducts;
import ttl4j.engine.linalg.QR;
import ttl4j.ttl.decomp.RankSpec;
import ttl4j.ttl.decomp.Tucker;
import ttl4j.ttl.decomp.TuckerDecomposition;

/**
 * Tucker decompositions of a dense layer's weight tensor (300 x 28 x 28, the paper's MNIST layer)
 * and of a larger 4096 x 16 x 16 x 16 one (the SVD they are built on: {@link SvdBenchmark}).
 * Each operation takes from milliseconds to seconds, so this is single-shot timing with a few
 * warm-ups. The tensors are a planted low-multilinear-rank signal plus noise (a trained weight is
 * neither random nor exactly low rank); the set-up checks that HOOI fits at least as well as HOSVD.
 *
 * <p>Classical HOSVD on the 4096-mode needs a 4096 x 4096 eigenproblem and is left out of the
 * default parameters for that shape; the sequential variant is what to use there.
 */
public class DecompositionBenchmark {

    @State(Scope.Benchmark)
    public static class TuckerState {
        /** shape/ranks, e.g. {@code 300x28x28/10x5x5}. */
        @Param({"300x28x28/10x5x5", "4096x16x16x16/64x8x8x8"})
        public String problem;

        @Param({"1", "2"})
        public int threads;

        Tensor t;
        RankSpec spec;
        boolean large;

        @Setup
        public void setup() {
            Parallel.setThreads(threads);
            String[] p = problem.split("/");
            int[] shape = dims(p[0]), ranks = dims(p[1]);
            large = Tensor.sizeOf(shape) > 1_000_000;
            SplittableRandom rnd = new SplittableRandom(42);
            int[] planted = ranks.clone();
            Tensor core = Tensor.randn(rnd, 1f, planted);
            Tensor[] us = new Tensor[shape.length];
            int[] modes = new int[shape.length];
            for (int n = 0; n < shape.length; n++) {
                us[n] = QR.orthonormalColumns(shape[n], planted[n], rnd);
                modes[n] = n;
            }
            t = ModeProducts.multiModeProduct(core, us, modes, false);
            double rms = Math.sqrt(Tensor.sizeOf(planted) / (double) t.size());
            Tensor noise = Tensor.randn(rnd, (float) (0.1 * rms), shape);
            for (int i = 0; i < t.size(); i++) t.setFlat(i, t.getFlat(i) + noise.getFlat(i));
            spec = RankSpec.explicit(ranks);
            TuckerDecomposition st = Tucker.sequentialHosvd(t, spec);
            TuckerDecomposition o = Tucker.hooi(t, spec, new Tucker.HooiOptions(1e-6, 20, true));
            if (o.relativeError() > st.relativeError() + 1e-6) {
                throw new IllegalStateException("HOOI error " + o.relativeError() + " above ST-HOSVD's " + st.relativeError());
            }
            System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s): " + st + "; " + o);
        }
    }

    static int[] dims(String s) {
        String[] p = s.split("x");
        int[] d = new int[p.length];
        for (int i = 0; i < p.length; i++) d[i] = Integer.parseInt(p[i]);
        return d;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
    public TuckerDecomposition hosvd(TuckerState s) {
        // The 4096-mode Gram would be 4096 x 4096: time the sequential variant there instead.
        return s.large ? Tucker.sequentialHosvd(s.t, s.spec) : Tucker.hosvd(s.t, s.spec);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
    public TuckerDecomposition sequentialHosvd(TuckerState s) {
        return Tucker.sequentialHosvd(s.t, s.spec);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
    public TuckerDecomposition hooi(TuckerState s) {
        return Tucker.hooi(s.t, s.spec, new Tucker.HooiOptions(1e-6, 20, s.large));
    }
}
