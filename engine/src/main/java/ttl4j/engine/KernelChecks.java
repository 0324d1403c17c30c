package ttl4j.engine;

/**
 * Argument validation of the {@link Kernels} facade, done once per call (never per element) before
 * an implementation runs; messages name the kernel, the operand and the values.
 */
final class KernelChecks {
    private KernelChecks() {}

    // ---------------------------------------------------------------- GEMM and the slice products


    static void check(boolean transA, boolean transB, int m, int n, int k,
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
    static void matrix(String name, float[] x, int off, int rows, int cols, int ld) {
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

    /**
     * Checks a batched GEMM: batch and strides non-negative, the first and last entries fit their
     * arrays (strides are non-negative, so the others do too), and C is not shared across entries.
     */
    static void checkBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                    float[] a, int aOff, int lda, int strideA,
                                    float[] b, int bOff, int ldb, int strideB,
                                    float[] c, int cOff, int ldc, int strideC) {
        if (batch < 0) throw new IllegalArgumentException("gemmBatched: batch must be >= 0, got " + batch);
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("gemmBatched: strides must be >= 0, got strideA=" + strideA
                    + " strideB=" + strideB + " strideC=" + strideC);
        }
        if (batch == 0) {
            if (m < 0 || n < 0 || k < 0) check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (batch > 1 && strideC == 0 && m > 0 && n > 0) {
            throw new IllegalArgumentException("gemmBatched: strideC is 0 with batch " + batch
                    + ", so every entry would write the same C block");
        }
        long last = batch - 1L;
        long la = aOff + last * strideA, lb = bOff + last * strideB, lc = cOff + last * strideC;
        if (la > Integer.MAX_VALUE || lb > Integer.MAX_VALUE || lc > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemmBatched: entry " + last + " starts beyond the largest array index"
                    + " (offsets A " + la + ", B " + lb + ", C " + lc + ")");
        }
        check(transA, transB, m, n, k, a, (int) la, lda, b, (int) lb, ldb, c, (int) lc, ldc);
    }
    /** Checks a small-factor slice product (see {@link Kernels#modeProductSlices}); messages name the sizes. */
    static void checkSlices(int p, int in, int q, int k, float[] u, int uOff, int ldu, boolean transU,
                                   float[] t, int tOff, float[] y, int yOff) {
        if (p < 0 || in < 0 || q < 0 || k < 0) {
            throw new IllegalArgumentException("modeProductSlices: negative size P=" + p + " I=" + in + " Q=" + q + " K=" + k);
        }
        if (u == null || t == null || y == null) throw new NullPointerException("modeProductSlices: U, T or Y is null");
        long ySize = (long) p * k * q, tSize = (long) p * in * q;
        if (ySize == 0) return;
        if (yOff < 0 || yOff + ySize > y.length) {
            throw new IllegalArgumentException("modeProductSlices: Y (" + p + " x " + k + " x " + q + ") needs " + ySize
                    + " floats from offset " + yOff + ", array has " + y.length);
        }
        if (in == 0) return;
        if (tOff < 0 || tOff + tSize > t.length) {
            throw new IllegalArgumentException("modeProductSlices: T (" + p + " x " + in + " x " + q + ") needs " + tSize
                    + " floats from offset " + tOff + ", array has " + t.length);
        }
        if (transU) matrix("U (transposed)", u, uOff, in, k, ldu);
        else matrix("U", u, uOff, k, in, ldu);
        if (y == t && yOff < tOff + tSize && tOff < yOff + ySize) {
            throw new IllegalArgumentException("modeProductSlices: Y [" + yOff + ", " + (yOff + ySize) + ") overlaps T ["
                    + tOff + ", " + (tOff + tSize) + ")");
        }
        long uEnd = uOff + (long) ((transU ? in : k) - 1) * ldu + (transU ? k : in);
        if (y == u && yOff < uEnd && uOff < yOff + ySize) {
            throw new IllegalArgumentException("modeProductSlices: Y [" + yOff + ", " + (yOff + ySize) + ") overlaps U ["
                    + uOff + ", " + uEnd + ")");
        }
    }

    static void checkContraction(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff,
                                        float[] y, int yOff, float[] c, int cOff, int ldc) {
        if (p < 0 || in < 0 || q < 0 || k < 0) {
            throw new IllegalArgumentException("contractSlices: negative size P=" + p + " I=" + in + " Q=" + q + " K=" + k);
        }
        if (i0 < 0 || i1 < i0 || i1 > in) {
            throw new IllegalArgumentException("contractSlices: rows [" + i0 + ", " + i1 + ") are not within [0, " + in + ")");
        }
        if (x == null || y == null || c == null) throw new NullPointerException("contractSlices: X, Y or C is null");
        if (i1 == i0 || k == 0) return;
        matrix("C", c, cOff + i0 * ldc, i1 - i0, k, ldc);
        long xSize = (long) p * in * q, ySize = (long) p * k * q;
        if (xSize == 0) return;
        if (xOff < 0 || xOff + xSize > x.length) {
            throw new IllegalArgumentException("contractSlices: X (" + p + " x " + in + " x " + q + ") needs " + xSize
                    + " floats from offset " + xOff + ", array has " + x.length);
        }
        if (yOff < 0 || yOff + ySize > y.length) {
            throw new IllegalArgumentException("contractSlices: Y (" + p + " x " + k + " x " + q + ") needs " + ySize
                    + " floats from offset " + yOff + ", array has " + y.length);
        }
        long cEnd = cOff + (long) (in - 1) * ldc + k;
        if (c == x && cOff < xOff + xSize && xOff < cEnd || c == y && cOff < yOff + ySize && yOff < cEnd) {
            throw new IllegalArgumentException("contractSlices: C [" + cOff + ", " + cEnd + ") overlaps X or Y");
        }
    }

    // ---------------------------------------------------------------- elementwise and reductions


    /** Checks {@code n >= 0}. */
    static void length(String kernel, int n) {
        if (n < 0) throw new IllegalArgumentException(kernel + ": negative length " + n);
    }

    /** Checks that {@code n} floats from {@code off} fit in {@code x} (nothing is needed when n == 0). */
    static void range(String kernel, String name, float[] x, int off, long n) {
        if (n == 0) return;
        if (x == null) throw new NullPointerException(kernel + ": " + name + " is null");
        fits(kernel, name, x.length, off, n);
    }

    /** As {@link #range(String, String, float[], int, long)} for a byte array. */
    static void range(String kernel, String name, byte[] x, int off, long n) {
        if (n == 0) return;
        if (x == null) throw new NullPointerException(kernel + ": " + name + " is null");
        fits(kernel, name, x.length, off, n);
    }

    /** As {@link #range(String, String, float[], int, long)} for an int array. */
    static void range(String kernel, String name, int[] x, int off, long n) {
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
    static long axisSize(String kernel, int outer, int len, int inner, boolean needLen) {
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

    static void binary(String kernel, int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        length(kernel, n);
        range(kernel, "x", x, xOff, n);
        range(kernel, "y", y, yOff, n);
        range(kernel, "z", z, zOff, n);
    }

    /** {@code out} names the output operand ("z", or "y" for axpy). */
    static void unary(String kernel, int n, float[] x, int xOff, String out, float[] z, int zOff) {
        length(kernel, n);
        range(kernel, "x", x, xOff, n);
        range(kernel, out, z, zOff, n);
    }

    static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        length("reluBackward", n);
        range("reluBackward", "x", x, xOff, n);
        range("reluBackward", "dy", dy, dyOff, n);
        range("reluBackward", "dx", dx, dxOff, n);
    }

    static void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("addRowVector: negative size rows=" + rows + " cols=" + cols);
        }
        long n = (long) rows * cols;
        range("addRowVector", "x", x, xOff, n);
        range("addRowVector", "v", v, vOff, rows == 0 ? 0 : cols);
        range("addRowVector", "z", z, zOff, n);
    }

    /** Checks an {@code outer x channels x inner} block and returns its element count. */
    static long channels(String kernel, int outer, int channels, int inner) {
        if (outer < 0 || channels < 0 || inner < 0) {
            throw new IllegalArgumentException(kernel + ": sizes must be non-negative, got outer=" + outer + " channels=" + channels
                    + " inner=" + inner);
        }
        return (long) outer * channels * inner;
    }

    static void dot(int n, float[] x, int xOff, float[] y, int yOff) {
        length("dot", n);
        range("dot", "x", x, xOff, n);
        range("dot", "y", y, yOff, n);
    }

    static void sum(int n, float[] x, int xOff) {
        length("sum", n);
        range("sum", "x", x, xOff, n);
    }

    /** {@code planes} runs of {@code len} floats, {@code stride} apart (at least len), from off. */
    static void planes(String kernel, int planes, int len, int stride, String name, float[] x, int off) {
        length(kernel, planes);
        length(kernel, len);
        if (planes > 1 && stride < len) throw new IllegalArgumentException(kernel + ": stride " + stride + " is less than the run length " + len);
        if (planes == 0 || len == 0) return;
        range(kernel, name, x, off, (long) (planes - 1) * stride + len);
    }

    static void axis(String kernel, int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff,
                            boolean needLen) {
        long n = axisSize(kernel, outer, len, inner, needLen);
        range(kernel, "x", x, xOff, n);
        range(kernel, "z", z, zOff, (long) outer * inner);
    }

    static void argmax(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        long n = axisSize("argmaxAxis", outer, len, inner, true);
        range("argmaxAxis", "x", x, xOff, n);
        range("argmaxAxis", "z", z, zOff, (long) outer * inner);
    }

    static void softmax(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        long n = axisSize("softmaxAxis", outer, len, inner, true);
        range("softmaxAxis", "x", x, xOff, n);
        range("softmaxAxis", "z", z, zOff, n);
    }
}
