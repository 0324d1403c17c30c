package ttl4j.engine;

/**
 * Argument validation shared by the scalar and vector elementwise kernels and reductions. Each kernel
 * calls these once per call (never per element); messages name the kernel, the operand and the values.
 */
public final class OpsChecks {
    private OpsChecks() {}

    /** Checks {@code n >= 0}. */
    public static void length(String kernel, int n) {
        if (n < 0) throw new IllegalArgumentException(kernel + ": negative length " + n);
    }

    /** Checks that {@code n} floats from {@code off} fit in {@code x} (nothing is needed when n == 0). */
    public static void range(String kernel, String name, float[] x, int off, long n) {
        if (n == 0) return;
        if (x == null) throw new NullPointerException(kernel + ": " + name + " is null");
        fits(kernel, name, x.length, off, n);
    }

    /** As {@link #range(String, String, float[], int, long)} for a byte array. */
    public static void range(String kernel, String name, byte[] x, int off, long n) {
        if (n == 0) return;
        if (x == null) throw new NullPointerException(kernel + ": " + name + " is null");
        fits(kernel, name, x.length, off, n);
    }

    /** As {@link #range(String, String, float[], int, long)} for an int array. */
    public static void range(String kernel, String name, int[] x, int off, long n) {
        if (n == 0) return;
        if (x == null) throw new NullPointerException(kernel + ": " + name + " is null");
        fits(kernel, name, x.length, off, n);
    }

    private static void fits(String kernel, String name, int arrayLength, int off, long n) {
        if (off < 0 || off + n > arrayLength) {
            throw new IllegalArgumentException(kernel + ": " + name + " (offset " + off + ", length " + n
                    + ") does not fit an array of " + arrayLength);
        }
    }

    /**
     * Checks the sizes of an axis reduction (x viewed as outer x len x inner) and returns the element
     * count of x; {@code needLen} demands {@code len >= 1} (max, argmax, softmax have no empty value).
     */
    public static long axisSize(String kernel, int outer, int len, int inner, boolean needLen) {
        if (outer < 0 || len < 0 || inner < 0) {
            throw new IllegalArgumentException(kernel + ": negative size outer=" + outer + " len=" + len + " inner=" + inner);
        }
        if (needLen && len < 1) {
            throw new IllegalArgumentException(kernel + ": reduction along an axis of length " + len
                    + " (outer=" + outer + ", inner=" + inner + "): needs at least 1 element");
        }
        long n = (long) outer * len * inner;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kernel + ": outer=" + outer + " len=" + len + " inner=" + inner
                    + " has more than 2^31 elements");
        }
        return n;
    }

    // ---------------------------------------------------------------- per-kernel checks

    public static void binary(String kernel, int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        length(kernel, n);
        range(kernel, "x", x, xOff, n);
        range(kernel, "y", y, yOff, n);
        range(kernel, "z", z, zOff, n);
    }

    /** {@code out} names the output operand ("z", or "y" for axpy). */
    public static void unary(String kernel, int n, float[] x, int xOff, String out, float[] z, int zOff) {
        length(kernel, n);
        range(kernel, "x", x, xOff, n);
        range(kernel, out, z, zOff, n);
    }

    public static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        length("reluBackward", n);
        range("reluBackward", "x", x, xOff, n);
        range("reluBackward", "dy", dy, dyOff, n);
        range("reluBackward", "dx", dx, dxOff, n);
    }

    public static void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("addRowVector: negative size rows=" + rows + " cols=" + cols);
        }
        long n = (long) rows * cols;
        range("addRowVector", "x", x, xOff, n);
        range("addRowVector", "v", v, vOff, rows == 0 ? 0 : cols);
        range("addRowVector", "z", z, zOff, n);
    }

    public static void dot(int n, float[] x, int xOff, float[] y, int yOff) {
        length("dot", n);
        range("dot", "x", x, xOff, n);
        range("dot", "y", y, yOff, n);
    }

    public static void sum(int n, float[] x, int xOff) {
        length("sum", n);
        range("sum", "x", x, xOff, n);
    }

    public static void axis(String kernel, int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff,
                            boolean needLen) {
        long n = axisSize(kernel, outer, len, inner, needLen);
        range(kernel, "x", x, xOff, n);
        range(kernel, "z", z, zOff, (long) outer * inner);
    }

    public static void argmax(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        long n = axisSize("argmaxAxis", outer, len, inner, true);
        range("argmaxAxis", "x", x, xOff, n);
        range("argmaxAxis", "z", z, zOff, (long) outer * inner);
    }

    public static void softmax(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        long n = axisSize("softmaxAxis", outer, len, inner, true);
        range("softmaxAxis", "x", x, xOff, n);
        range("softmaxAxis", "z", z, zOff, n);
    }
}
