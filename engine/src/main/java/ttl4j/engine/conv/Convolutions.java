package ttl4j.engine.conv;

import java.util.Arrays;
import ttl4j.engine.Tuning;

/**
 * 2-D convolutions on NCHW tensors (see {@link ConvShape}): the three passes of a layer, each run
 * with the algorithm {@link #plan} chooses for its shape. Arguments are checked here, once. Results
 * are bitwise identical for any thread count: work is split by output blocks only.
 */
public final class Convolutions {
    private Convolutions() {}

    /** The forced algorithm, or null for automatic choice. */
    private static final ConvAlgorithm FORCED = ConvAlgorithm.parse(Tuning.CONV_ALGORITHM);

    /**
     * The algorithms and scratch for {@code s}: the forced one ({@code -Dttl4j.conv.algorithm})
     * where it applies, else the cheapest by the cost model.
     */
    public static ConvPlan plan(ConvShape s) {
        return plan(s, FORCED);
    }

    /** As {@link #plan(ConvShape)} with {@code forced} (null: automatic) in place of the property. */
    public static ConvPlan plan(ConvShape s, ConvAlgorithm forced) {
        ConvAlgorithm f = choose(s, forced), d = choose(s, forced), w = chooseWeights(s, forced);
        long ws = Math.max(workspace(s, f, Pass.FORWARD), Math.max(workspace(s, d, Pass.DATA), workspace(s, w, Pass.WEIGHTS)));
        return new ConvPlan(s, f, d, w, ws);
    }

    enum Pass { FORWARD, DATA, WEIGHTS }

    private static ConvAlgorithm choose(ConvShape s, ConvAlgorithm forced) {
        if (forced != null && forced.applies(s)) return forced;
        return costModel(s);
    }

    private static ConvAlgorithm chooseWeights(ConvShape s, ConvAlgorithm forced) {
        return choose(s, forced);
    }

    /**
     * The automatic choice, a function of the shape only (never of a timing), so a run makes the
     * same choice every time and its bits do not change on resume. Winograd F(4x4, 3x3) does 4x
     * fewer multiplies than direct, but its transforms cost a pass over input, output and filters
     * per point and its GEMMs have only C as their inner dimension: measured per VGG-16 layer (batch
     * 64, one thread, all three passes) it wins from 32 input channels on, as long as the output
     * holds whole 4x4 tiles; on the first layer (C = 3) and on 2x2 outputs direct wins by 2-3x, and on 2x2 images the
     * one-matrix form beats direct at batches of about 40 and more (see {@link #matrixPays}).
     * F(2x2, 3x3) won on no layer, so it is only used when forced.
     */
    static ConvAlgorithm costModel(ConvShape s) {
        if (ConvAlgorithm.WINOGRAD_4X4.applies(s) && s.inC() >= 32 && s.outH() >= 4 && s.outW() >= 4) return ConvAlgorithm.WINOGRAD_4X4;
        if (matrixPays(s)) return ConvAlgorithm.MATRIX;
        return ConvAlgorithm.DIRECT;
    }

    /**
     * Whether the one-matrix form ({@link MatrixConv}) is chosen. Per pair of channels, direct does
     * N P Q R S multiply-adds; the matrix form P Q H W (2/3 N + 60) worth of direct's, since its
     * GEMMs run at about 2/3 of direct's cost per multiply-add but building the matrix (twice) and
     * folding its gradient back cost about 60 images' worth: measured on 512->512 at 2x2, all three
     * passes on one thread, 53.8 ms direct against 37.7 ms at batch 64 and 17.4 against 26.3 ms at
     * batch 16. So images smaller than the kernel's window and batches of about 40 or more (VGG-16's
     * 2x2 layers at batch 64), with the matrix at most {@link Tuning#CONV_MATRIX_MAX_FLOATS}.
     */
    static boolean matrixPays(ConvShape s) {
        long hw = (long) s.inH() * s.inW(), rs = (long) s.kh() * s.kw(), n = s.batch();
        return MatrixConv.matrixFloats(s) <= Tuning.CONV_MATRIX_MAX_FLOATS && hw * (2 * n + 180) <= 3 * n * rs;
    }

    private static long workspace(ConvShape s, ConvAlgorithm a, Pass pass) {
        return switch (a) {
            case REFERENCE -> 0;
            case DIRECT -> DirectConv.workspaceFloats(s, pass);
            case MATRIX -> MatrixConv.matrixFloats(s);
            case WINOGRAD_2X2, WINOGRAD_4X4 -> WinogradConv.workspaceFloats(s, a, pass);
        };
    }

    /** {@code Y (N, K, P, Q) = conv(X (N, C, H, W), W (K, C, R, S)) + bias[k]} ({@code bias} may be null); Y is overwritten. */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                               float[] y, int yOff) {
        forward(s, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /**
     * Floats a training forward pass can keep for the backward pass of the same X and W, or 0 when
     * the plan has nothing to keep: the transformed input and filters where the forward and weight
     * gradient run one Winograd algorithm (with F(4x4, 3x3) about 2.25 times X's size and 4 times
     * W's), the matrix T where the forward and input gradient run the matrix form (K P Q C H W).
     */
    public static long savedInputFloats(ConvShape s) {
        return s.batch() == 0 ? 0 : savedInputFloats(s, plan(s));
    }

    private static long savedInputFloats(ConvShape s, ConvPlan p) {
        ConvAlgorithm a = p.forward();
        boolean winograd = a == ConvAlgorithm.WINOGRAD_2X2 || a == ConvAlgorithm.WINOGRAD_4X4;
        if (a == ConvAlgorithm.MATRIX && p.backwardData() == a) return MatrixConv.matrixFloats(s);
        return winograd && p.backwardWeights() == a ? WinogradConv.savedFloats(s, a) : 0;
    }

    /**
     * {@link #forward}, also keeping in {@code save} (null, or at least {@link #savedInputFloats}
     * long, which must not be 0) what {@link #backward} (and, for Winograd, {@link #backwardWeights(ConvShape,
     * float[], int, float[], int, float, float[], int, float[], int, float[]) backwardWeights}) of the
     * same X and W can reuse.
     */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                               float[] y, int yOff, float[] save) {
        check("conv2d forward: X", x, xOff, s.inputSize());
        check("conv2d forward: W", w, wOff, s.weightSize());
        if (bias != null) check("conv2d forward: bias", bias, bOff, s.outC());
        check("conv2d forward: Y", y, yOff, s.outputSize());
        noOverlap("conv2d forward", y, yOff, s.outputSize(), x, xOff, s.inputSize(), w, wOff, s.weightSize());
        if (s.batch() == 0) return;
        ConvPlan p = plan(s);
        if (save != null) {
            checkSaved("conv2d forward", s, p, save);
            if (p.forward() == ConvAlgorithm.MATRIX) MatrixConv.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff, save);
            else WinogradConv.forward(s, p.forward(), x, xOff, w, wOff, bias, bOff, y, yOff, save);
            return;
        }
        run(s, p.forward(), x, xOff, w, wOff, bias, bOff, y, yOff);
    }

    private static void checkSaved(String what, ConvShape s, ConvPlan p, float[] save) {
        long need = savedInputFloats(s, p);
        if (need == 0) throw new IllegalArgumentException(what + ": the plan of " + s + " keeps nothing for the backward pass");
        if (save.length < need) {
            throw new IllegalArgumentException(what + ": the kept input needs " + need + " floats, the array has " + save.length);
        }
    }

    /** {@link #forward} with the algorithm given (it must apply to the shape): for checks and benchmarks. */
    public static void forward(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                               float[] y, int yOff) {
        requireApplies(s, a);
        check("conv2d forward: X", x, xOff, s.inputSize());
        check("conv2d forward: W", w, wOff, s.weightSize());
        if (bias != null) check("conv2d forward: bias", bias, bOff, s.outC());
        check("conv2d forward: Y", y, yOff, s.outputSize());
        noOverlap("conv2d forward", y, yOff, s.outputSize(), x, xOff, s.inputSize(), w, wOff, s.weightSize());
        if (s.batch() == 0) return;
        run(s, a, x, xOff, w, wOff, bias, bOff, y, yOff);
    }

    private static void run(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                            float[] y, int yOff) {
        switch (a) {
            case REFERENCE -> ScalarConv.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
            case DIRECT -> DirectConv.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
            case MATRIX -> MatrixConv.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
            case WINOGRAD_2X2, WINOGRAD_4X4 -> WinogradConv.forward(s, a, x, xOff, w, wOff, bias, bOff, y, yOff);
        }
    }

    private static void requireApplies(ConvShape s, ConvAlgorithm a) {
        if (!a.applies(s)) throw new IllegalArgumentException("conv2d: " + a.key() + " does not apply to " + s);
    }

    /** {@code dX (N, C, H, W)} of {@code dY (N, K, P, Q)} through W; dX is overwritten. */
    public static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        checkData(s, dy, dyOff, w, wOff, dx, dxOff);
        if (s.batch() == 0) return;
        ConvAlgorithm a = plan(s).backwardData();
        switch (a) {
            case REFERENCE -> ScalarConv.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
            case DIRECT -> DirectConv.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
            case MATRIX -> MatrixConv.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
            case WINOGRAD_2X2, WINOGRAD_4X4 -> WinogradConv.backwardData(s, a, dy, dyOff, w, wOff, dx, dxOff);
        }
    }

    private static void checkData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        check("conv2d input gradient: dY", dy, dyOff, s.outputSize());
        check("conv2d input gradient: W", w, wOff, s.weightSize());
        check("conv2d input gradient: dX", dx, dxOff, s.inputSize());
        noOverlap("conv2d input gradient", dx, dxOff, s.inputSize(), dy, dyOff, s.outputSize(), w, wOff, s.weightSize());
    }

    private static void checkWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta, float[] dw,
                                     int dwOff, float[] db, int dbOff) {
        check("conv2d weight gradient: X", x, xOff, s.inputSize());
        check("conv2d weight gradient: dY", dy, dyOff, s.outputSize());
        check("conv2d weight gradient: dW", dw, dwOff, s.weightSize());
        if (db != null) check("conv2d weight gradient: db", db, dbOff, s.outC());
        noOverlap("conv2d weight gradient", dw, dwOff, s.weightSize(), x, xOff, s.inputSize(), dy, dyOff, s.outputSize());
        if (beta != 0f && beta != 1f) throw new IllegalArgumentException("conv2d weight gradient: beta must be 0 or 1, got " + beta);
    }

    /**
     * The weight (and bias) gradient and, when {@code dx} is not null, the input gradient of the
     * same dY, as {@link #backwardWeights(ConvShape, float[], int, float[], int, float, float[], int,
     * float[], int, float[])} then {@link #backwardData} would give them, the same bits. Where both
     * passes run one Winograd algorithm and {@code saved} holds what the forward of this X and W kept,
     * dY is transformed once for both instead of once each (on VGG-16 at batch 64 that transform is
     * 3-5 ms per layer and pass on one thread) and the filters are not transformed again. The
     * outputs must not overlap each other or the inputs.
     */
    public static void backward(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] w, int wOff, float beta,
                                float[] dw, int dwOff, float[] db, int dbOff, float[] saved, float[] dx, int dxOff) {
        ConvPlan p = dx == null || s.batch() == 0 ? null : plan(s);
        if (p != null && saved != null && p.forward() == ConvAlgorithm.MATRIX && p.backwardData() == ConvAlgorithm.MATRIX) {
            // the matrix the forward built from this W, kept: the input gradient's GEMM reads it
            checkData(s, dy, dyOff, w, wOff, dx, dxOff);
            checkSaved("conv2d input gradient", s, p, saved);
            backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff, null);
            MatrixConv.backwardData(s, dy, dyOff, saved, dx, dxOff);
            return;
        }
        boolean winograd = p != null && (p.backwardData() == ConvAlgorithm.WINOGRAD_2X2 || p.backwardData() == ConvAlgorithm.WINOGRAD_4X4);
        // the kept U is the forward's: its algorithm must be the input gradient's too
        if (!winograd || p.backwardWeights() != p.backwardData() || p.forward() != p.backwardData() || saved == null) {
            backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff, saved);
            if (dx != null) backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        checkWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
        checkData(s, dy, dyOff, w, wOff, dx, dxOff);
        if (overlaps(dx, dxOff, s.inputSize(), dw, dwOff, s.weightSize())
                || db != null && (overlaps(dx, dxOff, s.inputSize(), db, dbOff, s.outC()) || overlaps(dw, dwOff, s.weightSize(), db, dbOff, s.outC()))) {
            throw new IllegalArgumentException("conv2d backward: the input, weight and bias gradients overlap in one array");
        }
        checkSaved("conv2d weight gradient", s, p, saved);
        WinogradConv.backward(s, p.backwardData(), x, xOff, dy, dyOff, w, wOff, beta, dw, dwOff, db, dbOff, saved, dx, dxOff);
    }

    /**
     * {@code dW = beta dW + dL/dW} and, when {@code db} is not null, {@code db = beta db + sum of dY}
     * over n, p, q (beta 0 overwrites, ignoring what was there; 1 accumulates).
     */
    public static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                       float[] dw, int dwOff, float[] db, int dbOff) {
        backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff, null);
    }

    /**
     * {@link #backwardWeights(ConvShape, float[], int, float[], int, float, float[], int, float[], int)},
     * reading the transformed input that {@link #forward(ConvShape, float[], int, float[], int, float[],
     * int, float[], int, float[]) forward} kept in {@code saved} for this same X (null: X is transformed
     * again). The results are the same bits either way.
     */
    public static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                       float[] dw, int dwOff, float[] db, int dbOff, float[] saved) {
        checkWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
        ConvPlan p = plan(s);
        ConvAlgorithm a = s.batch() == 0 ? ConvAlgorithm.REFERENCE : p.backwardWeights(); // batch 0: only the beta scaling is left
        switch (a) {
            case REFERENCE -> ScalarConv.backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
            case DIRECT -> DirectConv.backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
            case MATRIX -> MatrixConv.backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
            case WINOGRAD_2X2, WINOGRAD_4X4 -> {
                if (saved != null) checkSaved("conv2d weight gradient", s, p, saved);
                WinogradConv.backwardWeights(s, a, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff, saved);
            }
        }
    }

    private static void check(String what, float[] a, int off, long n) {
        if (a == null) throw new NullPointerException(what + " is null");
        if (off < 0 || off + n > a.length) {
            throw new IllegalArgumentException(what + " needs " + n + " floats from offset " + off + ", array has " + a.length);
        }
    }

    private static void noOverlap(String what, float[] out, int oOff, long oN, float[] a, int aOff, long aN, float[] b,
                                  int bOff, long bN) {
        if (overlaps(out, oOff, oN, a, aOff, aN) || overlaps(out, oOff, oN, b, bOff, bN)) {
            throw new IllegalArgumentException(what + ": the output [" + oOff + ", " + (oOff + oN)
                    + ") overlaps an input in the same array (" + Arrays.toString(new long[] {aOff, aN, bOff, bN}) + ")");
        }
    }

    private static boolean overlaps(float[] x, int xo, long xn, float[] y, int yo, long yn) {
        return x == y && xn > 0 && yn > 0 && xo < yo + yn && yo < xo + xn;
    }
}
