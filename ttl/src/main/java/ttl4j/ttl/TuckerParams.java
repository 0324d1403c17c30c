package ttl4j.ttl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Tensor;
import ttl4j.nn.Param;

/**
 * The parameter layout of a {@link TuckerLayer} ({@code docs/tucker-layer.md}, "Shapes and index
 * conventions"): the shapes and their sizes, the parameters in checkpoint order
 * ({@code core (S_1..S_M, R_1..R_N)}, {@code in_factors.<n>} {@code A_n (I_n, R_n)},
 * {@code out_factors.<m>} {@code B_m (J_m, S_m)}, {@code bias (J)}; n and m from 0 here, from 1 on
 * that page), and transposed copies of the factors for the products that want them.
 */
final class TuckerParams {
    final int[] inShape, outShape, inRanks, outRanks;
    /** N and M: the numbers of input and output modes. */
    final int nIn, nOut;
    /** I, J, R and S: the products of the input shape, output shape, input ranks and output ranks. */
    final int inSize, outSize, rSize, sSize;
    final Param core, bias;
    final Param[] inFactors, outFactors;
    /** Transposed copies {@code A_n^T (R_n, I_n)}, {@code B_m^T (S_m, J_m)}, refreshed before each use (see {@link ModeChain.Step}). */
    final Tensor[] inT, outT;
    /** Core, input factors, output factors, bias. */
    final List<Param> list;

    TuckerParams(int[] inShape, int[] outShape, int[] inRanks, int[] outRanks) {
        check(inShape, "input shape");
        check(outShape, "output shape");
        check(inRanks, "input ranks");
        check(outRanks, "output ranks");
        if (inRanks.length != inShape.length) {
            throw new IllegalArgumentException("ttl: " + inRanks.length + " input ranks " + Arrays.toString(inRanks)
                    + " for " + inShape.length + " input modes " + Arrays.toString(inShape));
        }
        if (outRanks.length != outShape.length) {
            throw new IllegalArgumentException("ttl: " + outRanks.length + " output ranks " + Arrays.toString(outRanks)
                    + " for " + outShape.length + " output modes " + Arrays.toString(outShape));
        }
        this.inShape = inShape.clone();
        this.outShape = outShape.clone();
        this.inRanks = inRanks.clone();
        this.outRanks = outRanks.clone();
        this.nIn = inShape.length;
        this.nOut = outShape.length;
        this.inSize = checkedSize(inShape, "input");
        this.outSize = checkedSize(outShape, "output");
        this.rSize = checkedSize(inRanks, "input rank");
        this.sSize = checkedSize(outRanks, "output rank");
        this.core = Param.zeros("core", TuckerLayer.concat(outRanks, inRanks));
        this.inFactors = new Param[nIn];
        this.outFactors = new Param[nOut];
        List<Param> ps = new ArrayList<>();
        ps.add(core);
        for (int n = 0; n < nIn; n++) {
            inFactors[n] = Param.zeros("in_factors." + n, inShape[n], inRanks[n]);
            ps.add(inFactors[n]);
        }
        for (int m = 0; m < nOut; m++) {
            outFactors[m] = Param.zeros("out_factors." + m, outShape[m], outRanks[m]);
            ps.add(outFactors[m]);
        }
        this.bias = Param.zeros("bias", outSize);
        ps.add(bias);
        this.list = List.copyOf(ps);
        this.inT = new Tensor[nIn];
        this.outT = new Tensor[nOut];
        for (int n = 0; n < nIn; n++) inT[n] = Tensor.zeros(inRanks[n], inShape[n]);
        for (int m = 0; m < nOut; m++) outT[m] = Tensor.zeros(outRanks[m], outShape[m]);
    }

    private static void check(int[] dims, String what) {
        if (dims == null || dims.length == 0) throw new IllegalArgumentException("ttl: " + what + " is empty");
        for (int d : dims) {
            if (d < 1) throw new IllegalArgumentException("ttl: " + what + " " + Arrays.toString(dims) + " has a size below 1");
        }
    }

    private static int checkedSize(int[] dims, String what) {
        long s = 1;
        for (int d : dims) s *= d;
        if (s > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("ttl: " + what + " size " + s + " is too large");
        return (int) s;
    }

    /** Whether the dense {@code J x I} weight is too large for one array (the reconstructed mode is then unavailable). */
    boolean denseTooLarge() {
        return (long) outSize * inSize > Integer.MAX_VALUE - 8;
    }

    /** Copies the current factors into {@link #inT} and {@link #outT}. */
    void refreshTransposes() {
        for (int n = 0; n < nIn; n++) transpose(inFactors[n].value(), inT[n]);
        for (int m = 0; m < nOut; m++) transpose(outFactors[m].value(), outT[m]);
    }

    private static void transpose(Tensor a, Tensor t) {
        int rows = a.dim(0), cols = a.dim(1);
        float[] ad = a.data(), td = t.data();
        int ao = a.offset(), to = t.offset();
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) td[to + j * rows + i] = ad[ao + i * cols + j];
    }

    /** Core and factor entries: {@code S R + sum_m J_m S_m + sum_n I_n R_n}. */
    long weightCount() {
        long c = (long) sSize * rSize;
        for (int m = 0; m < nOut; m++) c += (long) outShape[m] * outRanks[m];
        for (int n = 0; n < nIn; n++) c += (long) inShape[n] * inRanks[n];
        return c;
    }
}
