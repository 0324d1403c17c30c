package ttl4j.engine.conv;

/**
 * A product with a short inner dimension, B read in place: for i in [0, m), j in [0, n),
 * <pre>
 * c[cOff + i ldc + j] = fma(a[aOff + i k + k - 1], b[bOff + (k - 1) ldb + j], ... fma(a[aOff + i k], b[bOff + j], bias[i]) ...)
 * </pre>
 * (bias[i] is {@code bias[biasOff + i]}, or 0 when bias is null): one fused multiply-add chain per
 * element in increasing p. This is the forward pass of a convolution with few patch rows (a first
 * layer: C R S = 27), Y (K, cols) = W (K, C R S) patches + bias, written straight into Y: a GEMM
 * would pack the patches again and copy its result out. Implemented by
 * {@link ScalarNarrowProducts} (the specification, bit for bit) and by the Vector API in
 * {@code ttl4j.engine.simd}. Public only so that the vector implementation can implement it; not an API.
 */
public interface NarrowProducts {
    void multiply(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] bias, int biasOff, float[] c,
                  int cOff, int ldc);

    /** A short name for reports. */
    String name();
}
