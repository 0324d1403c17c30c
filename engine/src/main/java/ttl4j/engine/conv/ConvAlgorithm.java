package ttl4j.engine.conv;

import java.util.Locale;

/** How a convolution pass is computed. */
public enum ConvAlgorithm {
    /** The seven-loop definition ({@link ScalarConv}): the specification, never chosen automatically. */
    REFERENCE("reference"),
    /** Implicit GEMM: input patches packed block by block into a bounded workspace that the GEMM multiplies, any shape. */
    DIRECT("direct"),
    /** Winograd F(2x2, 3x3): 2.25x fewer multiplies than direct; 3x3 stride-1 convolutions only. */
    WINOGRAD_2X2("winograd2"),
    /** Winograd F(4x4, 3x3): 4x fewer multiplies, larger rounding error; 3x3 stride-1 convolutions only. */
    WINOGRAD_4X4("winograd4"),
    /**
     * The convolution of one image as one (K P Q) x (C H W) matrix built from W ({@link MatrixConv}):
     * N K P Q C H W multiply-adds, fewer than direct when the image is smaller than the kernel's
     * window with its padding; any shape whose matrix fits an array.
     */
    MATRIX("matrix");

    private final String key;

    ConvAlgorithm(String key) {
        this.key = key;
    }

    /** The name used by {@code -Dttl4j.conv.algorithm} and in reports. */
    public String key() {
        return key;
    }

    /** Whether the algorithm can compute this shape. */
    public boolean applies(ConvShape s) {
        return switch (this) {
            case REFERENCE, DIRECT -> true;
            case MATRIX -> MatrixConv.matrixFloats(s) <= Integer.MAX_VALUE - 16;
            case WINOGRAD_2X2, WINOGRAD_4X4 -> s.isUnitStride3x3();
        };
    }

    /** The algorithm named {@code key}, or null for {@code auto}. */
    public static ConvAlgorithm parse(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.equals("auto")) return null;
        for (ConvAlgorithm a : values()) if (a.key.equals(k)) return a;
        throw new IllegalArgumentException("unknown convolution algorithm '" + key
                + "': expected auto, direct, winograd2, winograd4, matrix or reference");
    }
}
