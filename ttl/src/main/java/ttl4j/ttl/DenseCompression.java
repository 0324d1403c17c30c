package ttl4j.ttl;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.nn.Init;
import ttl4j.ttl.decomp.RankSpec;
import ttl4j.ttl.decomp.Tucker;
import ttl4j.ttl.decomp.TuckerDecomposition;

/**
 * A trained dense layer turned into a {@link TuckerLayer} ({@code docs/tucker-layer.md}, "From a
 * trained dense layer"): the weight {@code W_mat (J, I)} is read row-major as the order-(M+N)
 * tensor {@code J_1..J_M x I_1..I_N} and decomposed; tensor modes {@code 0..M-1} are the output modes and
 * {@code M..M+N-1} the input modes.
 *
 * <p>The decomposition's convention ({@code T = G x_0 U_0 ... x_{M+N-1} U_{M+N-1}}, {@code U_k}
 * of shape {@code (dim_k, rank_k)}) is the layer's
 * ({@code W = G x_1 B_1 ... x_M B_M x_{M+1} A_1 ... x_{M+N} A_N}, {@code B_m (J_m, S_m)},
 * {@code A_n (I_n, R_n)}, core {@code (S_1..S_M, R_1..R_N)}), so the core is copied as is,
 * {@code U_m} becomes {@code out_factors.m} and {@code U_{M+n}} becomes {@code in_factors.n}.
 * Ranks in a {@link RankSpec} are therefore given in the order {@code S_1..S_M, R_1..R_N}.
 */
public final class DenseCompression {
    private DenseCompression() {}

    /** How the weight tensor is decomposed. */
    public enum Method {
        /** Truncated HOSVD: one Gram eigenproblem per mode. */
        HOSVD,
        /** HOOI refinement of the HOSVD (at least its fit). */
        HOOI;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Method parse(String s) {
            for (Method m : values()) if (m.specName().equalsIgnoreCase(s.trim())) return m;
            throw new IllegalArgumentException("unknown method \"" + s + "\"; expected hosvd or hooi");
        }
    }

    /** The layer and the decomposition it was initialised from. */
    public record Result(TuckerLayer layer, TuckerDecomposition decomposition) {}

    /** The weight tensor shape {@code J_1..J_M, I_1..I_N}, after checking it matches {@code weight (J, I)}. */
    public static int[] tensorShape(Tensor weight, int[] outShape, int[] inShape) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("dense weight must be a matrix (J, I), got shape " + Arrays.toString(weight.shape()));
        }
        long j = 1, i = 1;
        for (int d : outShape) j *= d;
        for (int d : inShape) i *= d;
        if (j != weight.dim(0)) {
            throw new IllegalArgumentException("output shape " + TuckerLayer.dims(outShape) + " has " + j
                    + " values but the layer has " + weight.dim(0) + " outputs");
        }
        if (i != weight.dim(1)) {
            throw new IllegalArgumentException("input shape " + TuckerLayer.dims(inShape) + " has " + i
                    + " values but the layer takes " + weight.dim(1) + " inputs");
        }
        return TuckerLayer.concat(outShape, inShape);
    }

    /** Decomposes {@code weight (J, I)} read as {@code J_1..J_M x I_1..I_N}. */
    public static TuckerDecomposition decompose(Tensor weight, int[] outShape, int[] inShape, RankSpec ranks, Method method) {
        int[] shape = tensorShape(weight, outShape, inShape);
        Tensor t = weight.reshape(shape);
        return method == Method.HOOI ? Tucker.hooi(t, ranks) : Tucker.hosvd(t, ranks);
    }

    /**
     * A Tucker layer holding exactly {@code d} (its {@link TuckerLayer#reconstructWeight()} equals
     * {@code d.reconstruct()} flattened to {@code (J, I)}) and the given bias.
     */
    public static TuckerLayer toLayer(TuckerDecomposition d, int[] outShape, int[] inShape, Tensor bias, TuckerLayer.Mode mode,
                                      Init init) {
        int nOut = outShape.length, nIn = inShape.length;
        int[] shape = d.shape();
        if (!Arrays.equals(shape, TuckerLayer.concat(outShape, inShape))) {
            throw new IllegalArgumentException("decomposition of shape " + Arrays.toString(shape) + " does not match output "
                    + Arrays.toString(outShape) + " and input " + Arrays.toString(inShape));
        }
        int[] ranks = d.ranks();
        int[] s = Arrays.copyOfRange(ranks, 0, nOut);
        int[] r = Arrays.copyOfRange(ranks, nOut, nOut + nIn);
        // The random initialisation is overwritten below; a fixed seed keeps the constructor cheap and deterministic.
        TuckerLayer layer = new TuckerLayer(inShape, outShape, r, s, mode, init, new SplittableRandom(0));
        layer.core().value().copyFrom(d.core().reshape(layer.core().value().shape()));
        for (int m = 0; m < nOut; m++) layer.outFactor(m).value().copyFrom(d.factors().get(m));
        for (int n = 0; n < nIn; n++) layer.inFactor(n).value().copyFrom(d.factors().get(nOut + n));
        if (bias != null) {
            if (bias.size() != layer.outSize()) {
                throw new IllegalArgumentException("bias has " + bias.size() + " entries, the layer " + layer.outSize() + " outputs");
            }
            layer.bias().value().copyFrom(bias.reshape(layer.outSize()));
        }
        return layer;
    }

    /** {@link #decompose} then {@link #toLayer} (automatic forward mode). */
    public static Result compress(Tensor weight, Tensor bias, int[] outShape, int[] inShape, RankSpec ranks, Method method,
                                  Init init) {
        TuckerDecomposition d = decompose(weight, outShape, inShape, ranks, method);
        return new Result(toLayer(d, outShape, inShape, bias, TuckerLayer.Mode.AUTO, init), d);
    }
}
