package ttl4j.ttl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;
import ttl4j.nn.Init;

/**
 * Every gradient of the Tucker layer (core, each factor, bias, input) against central finite
 * differences of the double-precision reference, and against the explicit Kronecker form, for
 * several numbers of output and input modes, in both modes of computation.
 */
class TuckerGradientTest {
    private static final double H = 1e-6;
    private static final double ATOL = 2e-4, RTOL = 2e-3;

    /** name, input shape, output shape, input ranks, output ranks, batch. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("M1 N1", new int[] {5}, new int[] {4}, new int[] {3}, new int[] {2}, 3),
                Arguments.of("M1 N2", new int[] {4, 3}, new int[] {5}, new int[] {2, 3}, new int[] {3}, 3),
                Arguments.of("M1 N3", new int[] {3, 2, 4}, new int[] {5}, new int[] {2, 2, 3}, new int[] {2}, 2),
                // rank 5 > 4: that factor gets orthonormal rows
                Arguments.of("M2 N2", new int[] {3, 4}, new int[] {2, 3}, new int[] {2, 5}, new int[] {2, 2}, 3),
                Arguments.of("M3 N3", new int[] {2, 3, 2}, new int[] {3, 2, 2}, new int[] {2, 2, 2}, new int[] {2, 1, 2}, 2),
                // rows of 18 and 4 x 17: the first factor's gradient takes the expansion route
                // (X contracted with dP x_2 A_2 along whole vectors), as on the 28 x 28 MNIST layer
                Arguments.of("M1 N2 wide", new int[] {20, 18}, new int[] {6}, new int[] {3, 3}, new int[] {2}, 3),
                Arguments.of("M2 N3 wide", new int[] {3, 4, 17}, new int[] {3, 2}, new int[] {2, 3, 2}, new int[] {2, 2}, 2));
    }

    static Stream<Arguments> shapesAndModes() {
        return shapes().flatMap(a -> Stream.of(TuckerLayer.Mode.FACTORIZED, TuckerLayer.Mode.RECONSTRUCTED).map(m -> {
            Object[] o = a.get();
            return Arguments.of(o[0], o[1], o[2], o[3], o[4], o[5], m);
        }));
    }

    static TuckerLayer layer(int[] in, int[] out, int[] r, int[] s, TuckerLayer.Mode mode, long seed) {
        TuckerLayer l = new TuckerLayer(in, out, r, s, mode, Init.GLOROT, new SplittableRandom(seed));
        // A non-zero bias, so its path is exercised too.
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        for (int i = 0; i < l.bias().size(); i++) l.bias().value().setFlat(i, (float) Tensor.gaussian(rnd) * 0.1f);
        return l;
    }

    @ParameterizedTest(name = "{0} {6}")
    @MethodSource("shapesAndModes")
    void finiteDifferences(String name, int[] in, int[] out, int[] r, int[] s, int batch, TuckerLayer.Mode mode) {
        TuckerLayer l = layer(in, out, r, s, mode, 11);
        int[] xShape = TuckerLayer.concat(new int[] {batch}, in);
        Tensor x = Tensor.randn(new SplittableRandom(12), 1f, xShape);
        l.setInputGradNeeded(true);
        Tensor y = l.forward(x, true);
        assertEquals(mode == TuckerLayer.Mode.RECONSTRUCTED, l.usesReconstruction(batch, true));
        Tensor rw = Tensor.randn(new SplittableRandom(13), 1f, y.shape());
        double[] rd = TtlRef.toDouble(rw.toArray());

        TtlRef ref = new TtlRef(l);
        double[] xd = TtlRef.toDouble(x.toArray());
        FloatAsserts.assertClose(name + " forward vs double reference", TtlRef.toFloat(ref.forward(xd, batch)), y.toArray(), 1e-5, 1e-4);

        l.zeroGrad();
        Tensor dx = l.backward(rw.copy());
        DoubleSupplier objective = () -> dot(ref.forward(xd, batch), rd);

        FloatAsserts.assertClose(name + " input gradient", fd(xd, objective), dx.toArray(), ATOL, RTOL);
        assertEquals(x.shape().length, dx.shape().length, "input gradient has the input's shape");
        FloatAsserts.assertClose(name + " core gradient", fd(ref.core, objective), l.core().grad().toArray(), ATOL, RTOL);
        FloatAsserts.assertClose(name + " bias gradient", fd(ref.bias, objective), l.bias().grad().toArray(), ATOL, RTOL);
        for (int n = 0; n < in.length; n++) {
            FloatAsserts.assertClose(name + " gradient of in_factors." + n, fd(ref.a[n], objective), l.inFactor(n).grad().toArray(), ATOL, RTOL);
        }
        for (int m = 0; m < out.length; m++) {
            FloatAsserts.assertClose(name + " gradient of out_factors." + m, fd(ref.b[m], objective), l.outFactor(m).grad().toArray(), ATOL, RTOL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void directGradientsEqualTheExplicitKroneckerForm(String name, int[] in, int[] out, int[] r, int[] s, int batch) {
        TuckerLayer l = layer(in, out, r, s, TuckerLayer.Mode.FACTORIZED, 21);
        Tensor x = Tensor.randn(new SplittableRandom(22), 1f, batch, TtlRef.size(in));
        l.setInputGradNeeded(false);
        Tensor y = l.forward(x, true);
        Tensor d = Tensor.randn(new SplittableRandom(23), 1f, y.shape());
        l.zeroGrad();
        assertNull(l.backward(d), "no input gradient when it is not needed");

        TtlRef ref = new TtlRef(l);
        double[] dw = ref.denseGrad(TtlRef.toDouble(x.toArray()), TtlRef.toDouble(d.toArray()), batch);
        FloatAsserts.assertClose(name + " core vs explicit", TtlRef.toFloat(ref.explicitCoreGrad(dw)), l.core().grad().toArray(), 1e-4, 1e-3);
        for (int m = 0; m < out.length; m++) {
            FloatAsserts.assertClose(name + " out_factors." + m + " vs explicit", TtlRef.toFloat(ref.explicitFactorGrad(dw, m)),
                    l.outFactor(m).grad().toArray(), 1e-4, 1e-3);
        }
        for (int n = 0; n < in.length; n++) {
            FloatAsserts.assertClose(name + " in_factors." + n + " vs explicit", TtlRef.toFloat(ref.explicitFactorGrad(dw, out.length + n)),
                    l.inFactor(n).grad().toArray(), 1e-4, 1e-3);
        }

        // Without zeroGrad a second backward accumulates.
        float[] once = l.core().grad().toArray();
        l.forward(x, true);
        l.backward(d);
        float[] twice = l.core().grad().toArray();
        for (int i = 0; i < once.length; i++) once[i] *= 2;
        FloatAsserts.assertClose(name + " accumulated core gradient", once, twice, 1e-5, 1e-5);
    }

    private static float[] fd(double[] p, DoubleSupplier objective) {
        float[] g = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + H;
            double plus = objective.getAsDouble();
            p[i] = keep - H;
            double minus = objective.getAsDouble();
            p[i] = keep;
            g[i] = (float) ((plus - minus) / (2 * H));
        }
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
