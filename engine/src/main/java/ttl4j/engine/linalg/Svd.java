package ttl4j.engine.linalg;

import java.util.Arrays;
import java.util.Comparator;
import ttl4j.engine.Tensor;

/**
 * Thin singular value decomposition {@code A (M,N) = U diag(s) V^T} with {@code K = min(M, N)}:
 * U is {@code M x K} and V is {@code N x K}, both with orthonormal columns, s descending and
 * non-negative.
 *
 * <h2>Method and accuracy</h2>
 * The Gram matrix of the <em>smaller</em> side ({@code A^T A} when M >= N, else {@code A A^T},
 * K x K) is formed in double with a cache-blocked double GEMM and decomposed by
 * {@link SymmetricEigen} (double). Its eigenvectors are the small side's singular vectors; the
 * other side's are {@code A v_i / s_i}, again in double. Squaring A costs relative accuracy only
 * below the float level: the Gram's eigenvalues carry errors of about
 * {@code 1e-16 s_max^2}, i.e. errors of {@code 1e-16 s_max^2 / s_i} in s_i, which stay under the
 * {@code 6e-8 s_max} that rounding the input to float already causes for every
 * {@code s_i > 1e-9 s_max}; vectors likewise match a backward-stable float SVD while the gaps
 * exceed about {@code 2e-9 s_max}. In exchange the work is one K x K eigenproblem plus two
 * products with A, with no Householder sweeps over the long side.
 *
 * <p>Columns of the long side whose s_i is small (below {@code 1e-3 s_max}, where
 * {@code A v_i / s_i} loses orthogonality) are re-orthogonalised against the earlier columns (two
 * Gram-Schmidt passes in double) and normalised by their own norm, which is then s_i; columns with
 * {@code A v_i} zero or mostly inside the span of the earlier columns (rank-deficient inputs: it
 * is rounding noise then) are completed with unit vectors orthogonalised against
 * all others, and get s_i = 0.
 *
 * <p>Sign convention: each small-side singular vector (the columns of V when M >= N, of U when
 * M < N) has its largest-magnitude component positive; the other side follows from
 * {@code A v_i = s_i u_i}. Repeated singular values have any orthonormal basis of their subspace.
 *
 * @param u M x K, orthonormal columns
 * @param s the K singular values, descending
 * @param v N x K, orthonormal columns
 */
public record Svd(Tensor u, float[] s, Tensor v) {

    /** Below this fraction of s_max, a long-side vector is re-orthogonalised (see the class notes). */
    static final double REORTHOGONALISE_BELOW = 1e-3;

    /** Rank of the matrix: the number of s_i above {@code tol * s_max} (0 for a zero matrix). */
    public int rank(double tol) {
        if (s.length == 0 || s[0] == 0) return 0;
        int r = 0;
        while (r < s.length && s[r] > tol * s[0]) r++;
        return r;
    }

    /** {@code U diag(s) V^T}, a new M x N matrix (computed in double). */
    public Tensor reconstruct() {
        int m = u.dim(0), n = v.dim(0), k = s.length;
        double[] us = new double[m * k], vt = new double[k * n];
        float[] ud = u.data(), vd = v.data();
        for (int i = 0; i < m; i++) for (int j = 0; j < k; j++) us[i * k + j] = (double) ud[u.offset() + i * k + j] * s[j];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) vt[j * n + i] = vd[v.offset() + i * k + j];
        double[] c = new double[m * n];
        DoubleMatrices.gemmAdd(m, n, k, us, vt, c);
        Tensor out = Tensor.zeros(m, n);
        for (int i = 0; i < c.length; i++) out.data()[i] = (float) c[i];
        return out;
    }

    /**
     * The thin SVD of a finite M x N float matrix (not modified).
     *
     * @throws IllegalArgumentException for a non-2-D or non-finite input
     * @throws ArithmeticException      if the eigen iteration does not converge
     */
    public static Svd decompose(Tensor a) {
        int[] shape = DoubleMatrices.checkMatrix("Svd", a);
        int m = shape[0], n = shape[1];
        int k = Math.min(m, n);
        if (k == 0) return new Svd(Tensor.zeros(m, 0), new float[0], Tensor.zeros(n, 0));
        boolean tall = m >= n;
        int q = Math.max(m, n);
        // X (K x Q): the long-side vectors are rows of W X with W the small-side eigenvectors.
        double[] x = tall ? DoubleMatrices.transposeToDouble(a) : DoubleMatrices.toDouble(a);
        SymmetricEigen eig = SymmetricEigen.decompose(DoubleMatrices.gramRows(x, k, q), k);
        double[] w = eig.vectors();
        double[] z = new double[k * q];
        DoubleMatrices.gemmAdd(k, q, k, w, x, z);
        double smax = Math.sqrt(Math.max(0, eig.values()[0]));
        double[] sv = new double[k];
        boolean[] zero = new boolean[k];
        for (int i = 0; i < k; i++) {
            double si = Math.sqrt(Math.max(0, eig.values()[i]));
            int zo = i * q;
            double before = Math.sqrt(DoubleMatrices.dot(q, z, zo, z, zo));
            if (si < REORTHOGONALISE_BELOW * smax) {
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < i; j++) {
                        if (zero[j]) continue;
                        double c = DoubleMatrices.dot(q, z, j * q, z, zo);
                        DoubleMatrices.axpy(q, -c, z, j * q, z, zo);
                    }
                }
            }
            double norm = Math.sqrt(DoubleMatrices.dot(q, z, zo, z, zo));
            // Mostly inside the span of the earlier vectors: A v_i was rounding noise, s_i is zero.
            if (!(norm > 1e-300) || norm < 0.5 * before) {
                zero[i] = true;
                sv[i] = 0;
                Arrays.fill(z, zo, zo + q, 0);
                continue;
            }
            // Large s_i: the eigenvalue is the better estimate; small: the norm of A v_i is.
            sv[i] = si < REORTHOGONALISE_BELOW * smax ? norm : si;
            double inv = 1 / norm;
            for (int c = 0; c < q; c++) z[zo + c] *= inv;
        }
        complete(z, zero, k, q);
        // The small singular values may have moved slightly; keep the order descending.
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -sv[i]));
        Tensor small = Tensor.zeros(k, k), large = Tensor.zeros(q, k);
        float[] sd = small.data(), ld = large.data();
        float[] s = new float[k];
        for (int c = 0; c < k; c++) {
            int i = order[c];
            s[c] = (float) sv[i];
            for (int r = 0; r < k; r++) sd[r * k + c] = (float) w[i * k + r];
            for (int r = 0; r < q; r++) ld[r * k + c] = (float) z[i * q + r];
        }
        return tall ? new Svd(large, s, small) : new Svd(small, s, large);
    }

    /**
     * Replaces the zero rows of z (K x Q) by unit vectors orthogonalised against every other row,
     * taking the first candidate e_c whose residual holds at least half the average share.
     */
    private static void complete(double[] z, boolean[] zero, int k, int q) {
        int valid = 0;
        for (boolean b : zero) if (!b) valid++;
        double[] cand = new double[q];
        int next = 0;
        for (int i = 0; i < k; i++) {
            if (!zero[i]) continue;
            boolean found = false;
            for (; next < q && !found; next++) {
                Arrays.fill(cand, 0);
                cand[next] = 1;
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < k; j++) {
                        if (zero[j]) continue;
                        double c = DoubleMatrices.dot(q, z, j * q, cand, 0);
                        DoubleMatrices.axpy(q, -c, z, j * q, cand, 0);
                    }
                }
                double nn = DoubleMatrices.dot(q, cand, 0, cand, 0);
                if (nn >= 0.5 * (q - valid) / (double) q) {
                    double inv = 1 / Math.sqrt(nn);
                    for (int c = 0; c < q; c++) z[i * q + c] = cand[c] * inv;
                    found = true;
                }
            }
            if (!found) throw new ArithmeticException("Svd: could not complete the orthonormal basis (row " + i + ")");
            zero[i] = false;
            valid++;
        }
    }
}
