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
import ttl4j.nn.Dense;
import ttl4j.nn.Init;
import ttl4j.nn.Layer;
import ttl4j.ttl.TuckerLayer;

/**
 * One training step (forward and backward) of a Tucker layer, factorised and reconstructed,
 * beside the dense layer of the same size holding the reconstructed weight:
 * {@code ttl-mnist} is the paper's 28x28 -> 300 layer with ranks 5x5 | 10 (a first layer, so no
 * input gradient), {@code 32x32-r8} is 32x32 -> 32x32 with ranks 8 (an inner layer, with input
 * gradient). Setup checks that the three give the same outputs and prints the multiply-adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TtlLayerBenchmark {

    @Param({"ttl-mnist", "32x32-r8"})
    public String layer;

    @Param({"128"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private Dense dense;
    private TuckerLayer factorized, reconstructed;
    private Tensor x, dy;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        int[] in, out, r, s;
        boolean inputGrad;
        switch (layer) {
            case "ttl-mnist" -> {
                in = new int[] {28, 28};
                out = new int[] {300};
                r = new int[] {5, 5};
                s = new int[] {10};
                inputGrad = false;
            }
            case "32x32-r8" -> {
                in = new int[] {32, 32};
                out = new int[] {32, 32};
                r = new int[] {8, 8};
                s = new int[] {8, 8};
                inputGrad = true;
            }
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        factorized = new TuckerLayer(in, out, r, s, TuckerLayer.Mode.FACTORIZED, Init.HE, new SplittableRandom(1));
        reconstructed = new TuckerLayer(in, out, r, s, TuckerLayer.Mode.RECONSTRUCTED, Init.HE, new SplittableRandom(1));
        dense = new Dense(factorized.inSize(), factorized.outSize(), Init.HE, new SplittableRandom(1));
        dense.weight().value().copyFrom(factorized.reconstructWeight());
        for (Layer l : new Layer[] {dense, factorized, reconstructed}) l.setInputGradNeeded(inputGrad);
        SplittableRandom rnd = new SplittableRandom(42);
        x = Tensor.randn(rnd, 1f, batch, factorized.inSize());
        dy = Tensor.randn(rnd, 1f, batch, factorized.outSize());
        float[] ref = dense.forward(x, true).toArray();
        for (TuckerLayer t : new TuckerLayer[] {factorized, reconstructed}) {
            float[] y = t.forward(x, true).toArray();
            for (int i = 0; i < y.length; i++) {
                if (Math.abs(y[i] - ref[i]) > 1e-3 * (1 + Math.abs(ref[i]))) {
                    throw new IllegalStateException(t + " differs from the dense layer at " + i + ": " + y[i] + " vs " + ref[i]);
                }
            }
        }
        TuckerLayer.Costs c = factorized.costs(batch, true);
        long denseMadds = (long) batch * factorized.inSize() * factorized.outSize() * (inputGrad ? 3 : 2);
        System.out.println("# kernels " + Engine.kernels().name() + ", " + threads + " thread(s), multiply-adds per step: dense "
                + denseMadds + ", factorized " + c.factorized() + ", reconstructed " + c.reconstructed());
    }

    private static Tensor step(Layer l, Tensor x, Tensor dy) {
        l.zeroGrad();
        l.forward(x, true);
        return l.backward(dy);
    }

    @Benchmark
    public Object dense() {
        step(dense, x, dy);
        return dense.weight().grad();
    }

    @Benchmark
    public Object factorized() {
        step(factorized, x, dy);
        return factorized.core().grad();
    }

    @Benchmark
    public Object reconstructed() {
        step(reconstructed, x, dy);
        return reconstructed.core().grad();
    }
}
