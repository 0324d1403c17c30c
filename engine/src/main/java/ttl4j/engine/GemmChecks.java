package ttl4j.engine;

/** Argument validation shared by the GEMM implementations; messages name the bad value. */
public final class GemmChecks {
    private GemmChecks() {}

    public static void check(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size M=" + m + " N=" + n + " K=" + k);
        }
        if (m == 0 || n == 0) return;
        matrix("C", c, cOff, m, n, ldc);
        if (k == 0) return;
        if (transA) matrix("A (transposed)", a, aOff, k, m, lda);
        else matrix("A", a, aOff, m, k, lda);
        if (transB) matrix("B (transposed)", b, bOff, n, k, ldb);
        else matrix("B", b, bOff, k, n, ldb);
    }

    /** Checks that a rows x cols row-major block with leading dimension ld fits in the array. */
    public static void matrix(String name, float[] x, int off, int rows, int cols, int ld) {
        if (x == null) throw new NullPointerException("gemm: " + name + " is null");
        if (ld < cols) {
            throw new IllegalArgumentException("gemm: " + name + " is " + rows + " x " + cols
                    + " stored row-major, so its leading dimension must be >= " + cols + ", got " + ld);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("gemm: " + name + " (" + rows + " x " + cols + ", ld " + ld
                    + ", offset " + off + ") needs " + last + " floats, array has " + x.length);
        }
    }
}
