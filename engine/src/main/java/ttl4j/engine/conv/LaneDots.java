package ttl4j.engine.conv;

/**
 * Many long dot products at once, each kept as {@link #lanes()} partial sums: for every pair of a
 * row i of A (m rows) and a row j of B (n rows), both read along k,
 * <pre>
 * acc[accOff + (i n + j) L + l] = fma(a[aOff + i lda + v L + l], b[bOff + j ldb + v L + l], acc[...])
 * </pre>
 * for v = 0, 1, ... in increasing order over the vectors of [0, k), L = {@link #lanes()}; the lanes
 * of the last vector past k take {@code fma(0, 0, acc)}. The caller sums the lanes when it is done.
 * Each partial sum depends only on its own terms and their order, never on how the pairs are
 * tiled, so results are the same for any split of the pairs.
 *
 * <p>This is the weight gradient of a convolution with few patch rows (a first layer: C R S = 27)
 * over a long run of output columns: dW (K, C R S) = dY (K, cols) patches^T, both operands read
 * in place along their rows, with no transposition and no reduction until the end.
 * Implemented by {@link ScalarLaneDots} (the specification, bit for bit) and by the Vector API in
 * {@code ttl4j.engine.simd}. Public only so that the vector implementation can implement it; not an API.
 */
public interface LaneDots {
    /** Partial sums per dot product: the vector length. */
    int lanes();

    /** Adds the terms of [0, k) of the m x n dot products to their partial sums (see the class comment). */
    void accumulate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] acc, int accOff);

    /** A short name for reports. */
    String name();
}
