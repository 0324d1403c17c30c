package ttl4j.ttl.decomp;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.Unfolding;
import ttl4j.engine.linalg.QR;
import ttl4j.engine.linalg.SymmetricEigen;

/**
 * The left singular vectors and squared singular values of one unfolding {@code T_(n)}
 * ({@code I_n x M}, M the product of the other dimensions), from the eigendecomposition of the
 * Gram matrix of its smaller side.
 *
 * <p>Why the Gram and not an SVD of the unfolding: the Gram {@code T_(n) T_(n)^T} is a sum of
 * GEMMs over the row-major tensor in place ({@code sum_p T[p] T[p]^T} with T viewed as
 * {@code P x I_n x Q}), so the O(I_n x size) work runs in the engine's (vectorised, parallel) float
 * GEMM without forming the unfolding, and what remains is an {@code I_n x I_n} eigenproblem (in
 * double). The truncation only needs the leading subspace, which the float Gram determines to
 * about {@code 1e-7 ||T||^2 / gap} (gap: between the last kept and the first dropped squared
 * singular value), well below the truncation error in any useful case; {@link
 * ttl4j.engine.linalg.Svd} keeps a double Gram for general use. When {@code I_n > M} the
 * {@code M x M} Gram of the other side is used and the vectors are mapped back
 * ({@code T_(n) v_i}) and re-orthonormalised by a Householder QR.
 */
final class ModeBasis {
    /** Squared singular values of the unfolding, descending, {@code min(I_n, M)} of them, clipped at 0. */
    final double[] lambda;
    private final SymmetricEigen eig;
    private final Tensor unfolding; // only for the other-side case
    private final int in;

    private ModeBasis(double[] lambda, SymmetricEigen eig, Tensor unfolding, int in) {
        this.lambda = lambda;
        this.eig = eig;
        this.unfolding = unfolding;
        this.in = in;
    }

    /** Spectrum and vectors of the mode-n unfolding of t. */
    static ModeBasis of(Tensor t, int n) {
        int[] shape = t.shape();
        int in = shape[n];
        int m = t.size() / in;
        if (in <= m) {
            double[] g = gram(t, n);
            SymmetricEigen e = SymmetricEigen.decompose(g, in);
            return new ModeBasis(clip(e.values()), e, null, in);
        }
        // Tall unfolding: the M x M Gram T_(n)^T T_(n).
        Tensor x = n == 0 ? t.reshape(in, m) : Unfolding.unfold(t, n);
        float[] gf = new float[m * m];
        Engine.kernels().gemm(true, false, m, m, in, 1f, x.data(), x.offset(), m, x.data(), x.offset(), m, 0f, gf, 0, m);
        SymmetricEigen e = SymmetricEigen.decompose(symmetrise(gf, m), m);
        return new ModeBasis(clip(e.values()), e, x, in);
    }

    /** The leading r left singular vectors as the columns of an {@code I_n x r} matrix (orthonormal). */
    Tensor factor(int r) {
        if (r < 1 || r > lambda.length) {
            throw new IllegalArgumentException("rank " + r + " is outside 1.." + lambda.length + " for a mode of size " + in);
        }
        double[] v = eig.vectors();
        int k = eig.n();
        if (unfolding == null) {
            Tensor u = Tensor.zeros(in, r);
            float[] d = u.data();
            for (int j = 0; j < r; j++) for (int i = 0; i < in; i++) d[i * r + j] = (float) v[j * k + i];
            return u;
        }
        // U = T_(n) V_r, then orthonormalised (QR keeps each column's direction: R's diagonal is positive).
        Tensor vr = Tensor.zeros(k, r);
        float[] vd = vr.data();
        for (int j = 0; j < r; j++) {
            double s = Math.sqrt(lambda[j]);
            double scale = s > 0 ? 1 / s : 1;
            for (int i = 0; i < k; i++) vd[i * r + j] = (float) (v[j * k + i] * scale);
        }
        Tensor u = Tensor.zeros(in, r);
        Engine.kernels().gemm(false, false, in, r, k, 1f, unfolding.data(), unfolding.offset(), k, vd, 0, r, 0f,
                u.data(), 0, r);
        return QR.decompose(u).q();
    }

    /** Fraction of the unfolding's energy in the leading r components. */
    double keptEnergy(int r) {
        double total = 0, kept = 0;
        for (int i = 0; i < lambda.length; i++) {
            total += lambda[i];
            if (i < r) kept += lambda[i];
        }
        return total > 0 ? kept / total : 1;
    }

    /**
     * {@code T_(n) T_(n)^T} (I_n x I_n) by GEMMs on the row-major tensor viewed as P x I_n x Q:
     * the sum over p of {@code T[p] T[p]^T}; short rows (small Q) are gathered side by side into
     * wider tiles first, as the mode product does, so each GEMM has a useful K.
     */
    static double[] gram(Tensor t, int n) {
        int[] shape = t.shape();
        int in = shape[n];
        int p = t.sizeBetween(0, n), q = t.sizeBetween(n + 1, shape.length);
        float[] d = t.data();
        int off = t.offset();
        float[] g = new float[in * in];
        Kernels ker = Engine.kernels();
        if (q == 1) {
            ker.gemm(true, false, in, in, p, 1f, d, off, in, d, off, in, 0f, g, 0, in);
        } else if (p == 1 || q >= GATHER_BELOW_Q) {
            for (int pi = 0; pi < p; pi++) {
                ker.gemm(false, true, in, in, q, 1f, d, off + pi * in * q, q, d, off + pi * in * q, q,
                        pi == 0 ? 0f : 1f, g, 0, in);
            }
        } else {
            int blk = Math.max(1, Math.min(p, GATHER_COLS / q));
            int cols = blk * q;
            float[] buf = new float[in * cols];
            boolean first = true;
            for (int p0 = 0; p0 < p; p0 += blk) {
                int gb = Math.min(blk, p - p0), w = gb * q;
                for (int pi = 0; pi < gb; pi++) {
                    int src = off + (p0 + pi) * in * q;
                    for (int i = 0; i < in; i++) System.arraycopy(d, src + i * q, buf, i * w + pi * q, q);
                }
                ker.gemm(false, true, in, in, w, 1f, buf, 0, w, buf, 0, w, first ? 0f : 1f, g, 0, in);
                first = false;
            }
        }
        return symmetrise(g, in);
    }

    /** Rows shorter than this are gathered into wider GEMM tiles for the Gram. */
    private static final int GATHER_BELOW_Q = 256;
    /** Width of a gathered tile. */
    private static final int GATHER_COLS = 2048;

    private static double[] symmetrise(float[] g, int n) {
        double[] x = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0.5 * ((double) g[i * n + j] + g[j * n + i]);
                x[i * n + j] = v;
                x[j * n + i] = v;
            }
        }
        return x;
    }

    private static double[] clip(double[] values) {
        double[] c = Arrays.copyOf(values, values.length);
        for (int i = 0; i < c.length; i++) c[i] = Math.max(0, c[i]);
        return c;
    }
}
